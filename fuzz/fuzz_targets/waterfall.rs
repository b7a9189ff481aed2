//! `resolve_deficit` and `settle_delisted` (Rust API): no panic on any
//! values. The waterfall, on success: the ledger balances and owns the
//! deficit exactly once, the steps tried are the policy's in order and
//! absorb the deficit exactly, the funds stay at or above their floors with
//! exact books, and nothing is written past the ledger's length; on error:
//! the funds and the ledger untouched. Final settlement, on success: the
//! settled positions closed at size 0, each quote delta `cash − funding −
//! fee`, a fee never negative.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::*;
use partliq::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    spot: bool,
    index: u8,
    amount: I64,
    steps: Vec<u8>,
    per_market: bool,
    shared: (I64, I64),
    own: Option<(I64, I64)>,
    capacity: I64,
    payers: Vec<I64>,
    deposit_index: I64,
    exponent: i8,
    price: I64,
    ledger_len: u8,
    positions: Vec<(I64, I64, I64, bool)>,
    funding_index: I64,
    settlement_price: I64,
    fee: u32,
    pool: u8,
}

const SENTINEL: LedgerEntry = LedgerEntry { from: Party::Backstop, to: Party::Liquidator, unit: LedgerUnit::Asset(0xdead), amount: -7 };

fuzz_target!(|inp: Input| {
    let all = [WaterfallStep::InsuranceFund, WaterfallStep::Backstop, WaterfallStep::SocializedLoss, WaterfallStep::AutoDeleverage];
    let steps: Vec<WaterfallStep> = inp.steps.iter().take(6).map(|s| all[usize::from(*s % 4)]).collect();
    let scope = if inp.per_market { FundScope::PerMarket } else { FundScope::Global };
    let Ok(policy) = WaterfallPolicy::new(&steps, scope) else { return };
    let (Ok(shared_start), own_start) = (
        InsuranceFundBook::new(Quote(inp.shared.0.get().max(inp.shared.1.get())), Quote(inp.shared.0.get().min(inp.shared.1.get()))),
        inp.own.map(|(a, b)| InsuranceFundBook::new(Quote(a.get().max(b.get())), Quote(a.get().min(b.get()))).unwrap()),
    ) else {
        return;
    };
    let (mut shared, mut own) = (shared_start, [own_start.unwrap_or(shared_start)]);
    let has_own = [u8::from(own_start.is_some())];
    let assets = [Asset::at_par(i32::from(inp.exponent % 20))];
    let prices = [Price(inp.price.get())];
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let mark = [Price(inp.settlement_price.get().max(1))];
    let funding = [inp.funding_index.get()];
    let book = MarginBook { funding_indexes: &funding, assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &mark) };
    let payers: Vec<i64> = inp.payers.iter().take(40).map(|p| p.get()).collect();
    let ctx = WaterfallContext {
        backstop_capacity: i128::from(inp.capacity.get()),
        payers: &payers,
        deposit_index: i128::from(inp.deposit_index.get()),
        book: &book,
    };
    let index = u32::from(inp.index % 2);
    let amount = i128::from(inp.amount.get());
    let deficit = if inp.spot { Deficit::Spot { asset_index: index, amount } } else { Deficit::Perp { market_index: index, loss: amount } };
    let mut ledger = vec![SENTINEL; usize::from(inp.ledger_len % 8)];
    let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut own, has_own: &has_own };
    match resolve_deficit(&deficit, &policy, &mut funds, &ctx, &mut ledger) {
        Ok(out) => {
            assert!(ledger_balances(&ledger[..out.ledger_len], &deficit));
            assert!(ledger[out.ledger_len..].iter().all(|e| *e == SENTINEL));
            assert_eq!(out.used().iter().map(|s| s.absorbed).sum::<i128>(), amount);
            assert!(out.used().iter().zip(policy.steps()).all(|(u, s)| u.step == *s));
            for f in [shared, own[0]] {
                assert!(f.balance >= f.floor && f.ledger_balances());
            }
        }
        Err(_) => {
            assert!(ledger.iter().all(|e| *e == SENTINEL));
            assert_eq!(shared, shared_start);
            assert_eq!(own[0], own_start.unwrap_or(shared_start));
        }
    }
    // Final settlement of market 0.
    let positions: Vec<PerpPosition> = inp
        .positions
        .iter()
        .take(6)
        .map(|(s, qb, last, iso)| {
            let p = PerpPosition { last_funding_index: last.get(), ..PerpPosition::cross(0, Size(s.get()), Quote(qb.get())) };
            if *iso {
                PerpPosition { margin: PositionMargin::Isolated, ..p }
            } else {
                p
            }
        })
        .collect();
    let account = UnifiedAccount { balances: &[], positions: &positions };
    let dp = DelistingPolicy { settlement_price: Price(inp.settlement_price.get()), fee: Ppm(inp.fee) };
    let mut scratch = vec![PerpPosition::default(); positions.len()];
    let mut out = vec![PositionSettlement::default(); positions.len()];
    let pool = usize::from(inp.pool) % (positions.len() + 1);
    if let Ok(r) = settle_delisted(&account, pool, &book, 0, &dp, &MarginLadder::STANDARD, &mut scratch, &mut out) {
        for s in &out[..r.settled] {
            assert_eq!(scratch[s.position_index].size, Size(0));
            assert!(s.fee.0 >= 0);
            assert_eq!(i128::from(s.quote_delta.0), i128::from(s.cash.0) - i128::from(s.funding.0) - i128::from(s.fee.0));
        }
        if let DelistingOutcome::Bankrupt(d) = r.outcome {
            assert!(d.amount() > 0);
        }
    }
});
