//! The bankruptcy waterfall against a model written here: each step absorbs
//! `min(rest, its capacity)` in policy order; the ledger balances per unit
//! and owns the deficit exactly once; the socialized perp charges (per
//! position, recomputed here) cover the loss with dust below
//! `payers + OI / 10⁶` (below `payers` when δ is exact); the depositors'
//! total after a haircut (recomputed here) is at most `D − L`; the fund
//! moves by exactly what the ledger says, and on error nothing moves.

use partliq::unified::*;
use partliq::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::scenario::{assert_share, count, run};

/// A labelled case outcome.
type Tc = std::result::Result<&'static str, TestCaseError>;

use WaterfallStep::{AutoDeleverage as Adl, Backstop, InsuranceFund as Fund, SocializedLoss as Social};

/// `⌈a / b⌉` for `b > 0`, written here.
fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 {
        q
    } else {
        q + 1
    }
}

/// A valid policy: an optional prefix of the fund and the backstop in
/// either order, then one or both absorbing steps in either order.
fn policy() -> impl Strategy<Value = Vec<WaterfallStep>> {
    (0u8..5, 0u8..4).prop_map(|(head, tail)| {
        let mut v = match head {
            0 => vec![],
            1 => vec![Fund],
            2 => vec![Backstop],
            3 => vec![Fund, Backstop],
            _ => vec![Backstop, Fund],
        };
        v.extend(match tail {
            0 => vec![Social],
            1 => vec![Adl],
            2 => vec![Social, Adl],
            _ => vec![Adl, Social],
        });
        v
    })
}

/// What the model says each step absorbs, and what is left.
fn model(steps: &[WaterfallStep], loss: i128, room: i128, cap: i128, can_socialize: bool, can_adl: bool) -> (Vec<i128>, i128) {
    let mut left = loss;
    let mut out = vec![];
    for s in steps {
        if left == 0 {
            break;
        }
        let a = match s {
            Fund => left.min(room),
            Backstop => left.min(cap),
            Social if can_socialize => left,
            Adl if can_adl => left,
            _ => 0,
        };
        out.push(a);
        left -= a;
    }
    (out, left)
}

#[derive(Debug, Clone)]
struct PerpCase {
    steps: Vec<WaterfallStep>,
    loss: i128,
    balance: i64,
    floor: i64,
    cap: i128,
    payers: Vec<i64>,
}

fn perp_case() -> impl Strategy<Value = PerpCase> {
    let payers = prop_oneof![
        1 => Just(vec![]),
        1 => prop::collection::vec(Just(0i64), 1..3),
        8 => prop::collection::vec(prop_oneof![-1_000_000_000i64..=1_000_000_000, -50i64..=50], 1..12),
    ];
    (policy(), 1i128..=1_000_000_000_000, 0i64..=1_000_000_000, 0i64..=1_000_000_000, 0i128..=1_000_000_000_000, payers)
        .prop_map(|(steps, loss, a, b, cap, payers)| PerpCase { steps, loss, balance: a.max(b), floor: a.min(b), cap, payers })
}

fn perp_check(c: PerpCase) -> Tc {
    let policy = WaterfallPolicy::new(&c.steps, FundScope::Global).unwrap();
    let start = InsuranceFundBook::new(Quote(c.balance), Quote(c.floor)).unwrap();
    let mut fund = start;
    let mut funds = InsuranceFunds { shared: &mut fund, per_market: &mut [], has_own: &[] };
    let book = MarginBook::perps(&[], &[]);
    let ctx = WaterfallContext { backstop_capacity: c.cap, payers: &c.payers, deposit_index: 1, book: &book };
    let deficit = Deficit::Perp { market_index: 3, loss: c.loss };
    let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
    let r = resolve_deficit(&deficit, &policy, &mut funds, &ctx, &mut ledger);
    let oi: i128 = c.payers.iter().map(|s| i128::from(*s).abs()).sum();
    let room = i128::from(c.balance - c.floor);
    let (want, left) = model(&c.steps, c.loss, room, c.cap, oi > 0, oi > 0);
    let out = match r {
        Err(Error::DeficitUnabsorbed) => {
            // Never an unowned deficit; and nothing moved.
            prop_assert!(left > 0);
            prop_assert_eq!(fund, start);
            prop_assert_eq!(ledger, [LedgerEntry::default(); MAX_LEDGER_ENTRIES]);
            return Ok("unabsorbed");
        }
        r => r.unwrap(),
    };
    prop_assert_eq!(left, 0);
    // Steps in policy order, each using only what the earlier ones left.
    let got: Vec<i128> = out.used().iter().map(|s| s.absorbed).collect();
    prop_assert_eq!(&got, &want);
    prop_assert_eq!(out.used().iter().map(|s| s.step).collect::<Vec<_>>(), c.steps[..want.len()].to_vec());
    prop_assert_eq!(got.iter().sum::<i128>(), c.loss);
    // The ledger owns the deficit exactly once.
    let entries = &ledger[..out.ledger_len];
    prop_assert!(ledger_balances(entries, &deficit));
    let to_account: i128 = entries.iter().filter(|e| e.to == Party::Account).map(|e| e.amount).sum();
    prop_assert_eq!(to_account, c.loss);
    // The fund moved by exactly the ledger's figures: debited what it paid,
    // credited the dust.
    let g = Party::InsuranceFund(FundId::Global);
    let paid: i128 = entries.iter().filter(|e| e.from == g).map(|e| e.amount).sum();
    let credited: i128 = entries.iter().filter(|e| e.to == g).map(|e| e.amount).sum();
    prop_assert_eq!(i128::from(fund.balance.0), i128::from(c.balance) - paid + credited);
    prop_assert_eq!((i128::from(fund.total_debits.0), i128::from(fund.total_credits.0)), (paid, credited));
    prop_assert!(fund.balance.0 >= c.floor);
    prop_assert!(fund.ledger_balances());
    let mut label = "covered without socializing";
    if let Socialization::Perp { open_interest, delta, charged, surplus } = out.socialization {
        let absorbed = out.used().iter().find(|s| s.step == Social).unwrap().absorbed;
        prop_assert_eq!(open_interest, oi);
        // δ is the least index step that covers the loss.
        prop_assert!(delta * oi >= absorbed * 1_000_000);
        prop_assert!((delta - 1) * oi < absorbed * 1_000_000);
        // The charges, one per position, recomputed here.
        let charges: i128 = c.payers.iter().map(|s| ceil_div(i128::from(*s).abs() * delta, 1_000_000)).sum();
        prop_assert_eq!(charges, charged);
        prop_assert!(charged >= absorbed);
        prop_assert_eq!(surplus, charged - absorbed);
        prop_assert_eq!(credited, surplus);
        // Dust: below one unit per payer plus one index unit over the open interest.
        let n = c.payers.iter().filter(|s| **s != 0).count() as i128;
        prop_assert!(surplus * 1_000_000 < n * 1_000_000 + oi);
        if (absorbed * 1_000_000) % oi == 0 {
            prop_assert!(surplus < n.max(1));
            label = "socialized exactly";
        } else {
            label = "socialized with dust";
        }
    }
    if out.adl_residual > 0 {
        prop_assert_eq!(entries.last().unwrap().from, Party::AdlCounterparties(3));
        if label == "covered without socializing" {
            label = "handed to ADL";
        }
    }
    Ok(label)
}

#[test]
fn perp_waterfall_matches_the_model() {
    let t = run(4_000, perp_case(), perp_check);
    for label in ["unabsorbed", "socialized exactly", "socialized with dust", "handed to ADL", "covered without socializing"] {
        assert!(count(&t, label) > 0, "{label}: {t:?}");
    }
    assert_share(&t, "socialized with dust", 100);
}

#[derive(Debug, Clone)]
struct SpotCase {
    steps: Vec<WaterfallStep>,
    amount: i128,
    balance: i64,
    cap: i128,
    depositors: Vec<i64>,
    index: i128,
    exponent: i32,
    price: i64,
}

fn spot_case() -> impl Strategy<Value = SpotCase> {
    (
        policy(),
        1i128..=1_000_000,
        0i64..=10_000_000,
        0i128..=1_000_000,
        prop::collection::vec(0i64..=1_000_000, 0..10),
        1i128..=1_000_000_000_000_000_000,
        -9i32..=3,
        1i64..=1_000_000,
    )
        .prop_map(|(steps, amount, balance, cap, depositors, index, exponent, price)| SpotCase {
            steps,
            amount,
            balance,
            cap,
            depositors,
            index,
            exponent,
            price,
        })
}

fn spot_check(c: SpotCase) -> Tc {
    let policy = WaterfallPolicy::new(&c.steps, FundScope::PerMarket).unwrap();
    let start = InsuranceFundBook::new(Quote(c.balance), Quote(0)).unwrap();
    let mut fund = start;
    let mut funds = InsuranceFunds { shared: &mut fund, per_market: &mut [], has_own: &[] };
    let assets = [Asset::at_par(0), Asset::at_par(c.exponent)];
    let prices = [Price(1), Price(c.price)];
    let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
    let ctx = WaterfallContext { backstop_capacity: c.cap, payers: &c.depositors, deposit_index: c.index, book: &book };
    let deficit = Deficit::Spot { asset_index: 1, amount: c.amount };
    let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
    let r = resolve_deficit(&deficit, &policy, &mut funds, &ctx, &mut ledger);
    // value(u) = u × price × 10^e: up/down as the exponent says.
    let (up, down) = if c.exponent >= 0 { (10i128.pow(c.exponent as u32), 1) } else { (1, 10i128.pow(c.exponent.unsigned_abs())) };
    let per_unit = i128::from(c.price) * up;
    let affordable = i128::from(c.balance) * down / per_unit;
    let d: i128 = c.depositors.iter().map(|b| i128::from(*b)).sum();
    // The model: the fund buys min(rest, affordable); deposits absorb min(rest, D).
    let mut left = c.amount;
    let mut want = vec![];
    for s in &c.steps {
        if left == 0 {
            break;
        }
        let a = match s {
            Fund => left.min(affordable),
            Backstop => left.min(c.cap),
            Social => left.min(d),
            Adl if d > 0 => left,
            Adl => 0,
        };
        want.push(a);
        left -= a;
    }
    let out = match r {
        Err(Error::DeficitUnabsorbed) => {
            prop_assert!(left > 0);
            prop_assert_eq!(fund, start);
            prop_assert_eq!(ledger, [LedgerEntry::default(); MAX_LEDGER_ENTRIES]);
            return Ok("unabsorbed");
        }
        r => r.unwrap(),
    };
    prop_assert_eq!(left, 0);
    let got: Vec<i128> = out.used().iter().map(|s| s.absorbed).collect();
    prop_assert_eq!(&got, &want);
    let entries = &ledger[..out.ledger_len];
    prop_assert!(ledger_balances(entries, &deficit));
    let mut label = "no haircut";
    // The fund's purchase: never more than its room, never short of the units' value.
    if let Some(bought) = out.used().iter().find(|s| s.step == Fund).map(|s| s.absorbed) {
        let cost = out.fund_paid;
        prop_assert!(cost <= i128::from(c.balance));
        prop_assert!(cost * down >= bought * per_unit);
        prop_assert_eq!(i128::from(fund.balance.0), i128::from(c.balance) - cost);
        if bought > 0 {
            prop_assert!((cost - 1) * down < bought * per_unit);
        }
    }
    if let Socialization::Spot { deposits, old_index, new_index, deposits_after, surplus } = out.socialization {
        let absorbed = out.used().iter().find(|s| s.step == Social).unwrap().absorbed;
        prop_assert_eq!((deposits, old_index), (d, c.index));
        // The depositors' total after, recomputed here, is at most D − L.
        let after: i128 = c.depositors.iter().map(|b| i128::from(*b) * new_index / old_index).sum();
        prop_assert_eq!(after, deposits_after);
        prop_assert!(after <= d - absorbed);
        prop_assert_eq!(surplus, d - after - absorbed);
        // The index is the floor of I × (D − L) / D (0 once L ≥ D).
        if absorbed < d {
            prop_assert!(new_index * d <= old_index * (d - absorbed));
            prop_assert!((new_index + 1) * d > old_index * (d - absorbed));
        } else {
            prop_assert_eq!(new_index, 0);
        }
        label = if surplus > 0 { "haircut with dust" } else { "haircut exact" };
    }
    Ok(label)
}

#[test]
fn spot_waterfall_matches_the_model() {
    let t = run(4_000, spot_case(), spot_check);
    for label in ["unabsorbed", "haircut with dust", "haircut exact", "no haircut"] {
        assert!(count(&t, label) > 0, "{label}: {t:?}");
    }
}

/// Any list of steps is accepted exactly when it is non-empty, at most four
/// long, repeats no step and ends in socialized loss or ADL.
#[test]
fn policy_validation_is_exact() {
    let all = [Fund, Backstop, Social, Adl];
    let t = run(2_000, prop::collection::vec(0usize..4, 0..6), |ix| {
        let steps: Vec<WaterfallStep> = ix.iter().map(|i| all[*i]).collect();
        let unique = (0..steps.len()).all(|i| !steps[..i].contains(&steps[i]));
        let ok = !steps.is_empty() && steps.len() <= 4 && unique && matches!(steps.last(), Some(Social | Adl));
        let r = WaterfallPolicy::new(&steps, FundScope::Global);
        prop_assert_eq!(r.is_ok(), ok);
        if let Ok(p) = r {
            prop_assert_eq!(p.steps(), &steps[..]);
        } else {
            prop_assert_eq!(r, Err(Error::InvalidWaterfallPolicy));
        }
        Ok(if ok { "valid" } else { "invalid" })
    });
    assert_share(&t, "valid", 50);
}

/// A resolved ledger tampered with in any one way fails the check: an
/// amount to the account changed, an entry to the account duplicated or
/// dropped.
#[test]
fn tampered_ledgers_fail_the_check() {
    let t = run(1_000, perp_case(), |c| {
        let policy = WaterfallPolicy::new(&c.steps, FundScope::Global).unwrap();
        let mut fund = InsuranceFundBook::new(Quote(c.balance), Quote(c.floor)).unwrap();
        let mut funds = InsuranceFunds { shared: &mut fund, per_market: &mut [], has_own: &[] };
        let book = MarginBook::perps(&[], &[]);
        let ctx = WaterfallContext { backstop_capacity: c.cap, payers: &c.payers, deposit_index: 1, book: &book };
        let deficit = Deficit::Perp { market_index: 0, loss: c.loss };
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let Ok(out) = resolve_deficit(&deficit, &policy, &mut funds, &ctx, &mut ledger) else { return Ok("unabsorbed") };
        let entries = ledger[..out.ledger_len].to_vec();
        prop_assert!(ledger_balances(&entries, &deficit));
        let k = entries.iter().position(|e| e.to == Party::Account).unwrap();
        let mut more = entries.clone();
        more[k].amount += 1;
        prop_assert!(!ledger_balances(&more, &deficit));
        let mut twice = entries.clone();
        twice.push(entries[k]);
        prop_assert!(!ledger_balances(&twice, &deficit));
        let mut dropped = entries.clone();
        dropped.remove(k);
        prop_assert!(!ledger_balances(&dropped, &deficit));
        Ok("checked")
    });
    assert_share(&t, "checked", 500);
}

#[derive(Debug, Clone)]
struct DelistCase {
    exponent: i32,
    price: i64,
    index: i64,
    fee: u32,
    /// (size, quote balance, last funding index) of isolated positions.
    positions: Vec<(i64, i64, i64)>,
    fund: i64,
}

fn delist_case() -> impl Strategy<Value = DelistCase> {
    (
        -4i32..=2,
        1i64..=1_000_000,
        -1_000_000i64..=1_000_000,
        prop_oneof![Just(0u32), 0u32..=20_000],
        prop::collection::vec((-100_000i64..=100_000, -1_000_000_000i64..=1_000_000_000, -1_000_000i64..=1_000_000), 1..8),
        0i64..=1_000_000_000,
    )
        .prop_map(|(exponent, price, index, fee, positions, fund)| DelistCase { exponent, price, index, fee, positions, fund })
}

/// Final settlement of a delisted market's isolated positions: cash rounded
/// against the account (recomputed here), funding settled with the close,
/// the fee capped by the equity, a pool bankrupt exactly when its quote
/// balance ends negative; every deficit then resolved by the fund and a
/// charge over the sizes held at settlement, with a balanced ledger.
#[test]
fn delisting_rounds_against_the_account_and_feeds_the_waterfall() {
    let t = run(2_000, delist_case(), |c| {
        let markets = [Market::single_tier(c.exponent, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(c.price)];
        let funding = [c.index];
        let book = MarginBook { funding_indexes: &funding, ..MarginBook::perps(&markets, &prices) };
        let positions: Vec<PerpPosition> = c
            .positions
            .iter()
            .map(|&(s, qb, last)| PerpPosition { last_funding_index: last, ..PerpPosition::isolated(0, Size(s), Quote(qb)) })
            .collect();
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let policy = DelistingPolicy { settlement_price: Price(c.price), fee: Ppm(c.fee) };
        let (up, down) = if c.exponent >= 0 { (10i128.pow(c.exponent as u32), 1) } else { (1, 10i128.pow(c.exponent.unsigned_abs())) };
        let mut deficits = vec![];
        let mut finals = vec![];
        for (k, p) in positions.iter().enumerate() {
            let mut scratch = vec![PerpPosition::default(); positions.len()];
            let mut out = [PositionSettlement::default(); 1];
            let r = settle_delisted(&account, k + 1, &book, 0, &policy, &MarginLadder::STANDARD, &mut scratch, &mut out).unwrap();
            let size = i128::from(p.size.0);
            let qb = i128::from(p.quote_balance.0);
            if size == 0 {
                prop_assert_eq!(r.settled, 0);
                finals.push((size, qb));
                continue;
            }
            let o = out[0];
            // Cash: a long's proceeds down, a short's cost up.
            let exact = size * i128::from(c.price) * up;
            let cash = exact.div_euclid(down);
            prop_assert_eq!(i128::from(o.cash.0), cash);
            prop_assert!(cash * down <= exact);
            // Funding owed, up.
            let funding = ceil_div((i128::from(c.index) - i128::from(p.last_funding_index)) * size, 1_000_000);
            prop_assert_eq!(i128::from(o.funding.0), funding);
            // The fee: at most the nominal, never into a deficit.
            let before_fee = qb + cash - funding;
            let nominal = ceil_div(exact.abs() * i128::from(c.fee), down * 1_000_000);
            prop_assert_eq!(i128::from(o.fee.0), nominal.min(before_fee.max(0)));
            let new_qb = before_fee - i128::from(o.fee.0);
            prop_assert_eq!((i128::from(o.new_quote_balance.0), i128::from(o.quote_delta.0)), (new_qb, new_qb - qb));
            prop_assert_eq!(i128::from(r.health_after.equity.0), new_qb);
            prop_assert_eq!((scratch[k].size, scratch[k].last_funding_index), (Size(0), c.index));
            if new_qb < 0 {
                prop_assert_eq!(r.outcome, DelistingOutcome::Bankrupt(Deficit::Perp { market_index: 0, loss: -new_qb }));
                deficits.push(-new_qb);
            } else {
                prop_assert_eq!(r.outcome, DelistingOutcome::Solvent);
            }
            finals.push((size, new_qb));
        }
        // The deficits, one after the other, over the solvent positions' sizes at settlement.
        let payers: Vec<i64> = finals.iter().filter(|(_, qb)| *qb >= 0).map(|(s, _)| *s as i64).collect();
        let mut fund = InsuranceFundBook::new(Quote(c.fund), Quote(0)).unwrap();
        let wp = WaterfallPolicy::new(&[Fund, Social], FundScope::Global).unwrap();
        let mut label = if deficits.is_empty() { "all solvent" } else { "bankrupt resolved" };
        for loss in deficits {
            let mut funds = InsuranceFunds { shared: &mut fund, per_market: &mut [], has_own: &[] };
            let ctx = WaterfallContext { backstop_capacity: 0, payers: &payers, deposit_index: 1, book: &book };
            let deficit = Deficit::Perp { market_index: 0, loss };
            let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
            match resolve_deficit(&deficit, &wp, &mut funds, &ctx, &mut ledger) {
                Ok(out) => {
                    prop_assert!(ledger_balances(&ledger[..out.ledger_len], &deficit));
                    if let Socialization::Perp { charged, .. } = out.socialization {
                        let recomputed: i128 = payers.iter().map(|s| socialized_charge(Size(*s), socialized_delta_of(&out)).unwrap()).sum();
                        prop_assert_eq!(recomputed, charged);
                    }
                }
                Err(e) => {
                    // Only with nobody left to charge and the fund short.
                    prop_assert_eq!(e, Error::DeficitUnabsorbed);
                    prop_assert!(payers.iter().all(|s| *s == 0));
                    label = "unabsorbed";
                }
            }
        }
        Ok(label)
    });
    for label in ["all solvent", "bankrupt resolved"] {
        assert!(count(&t, label) > 0, "{label}: {t:?}");
    }
}

/// The δ of a perp socialization.
fn socialized_delta_of(o: &WaterfallOutcome) -> i128 {
    match o.socialization {
        Socialization::Perp { delta, .. } => delta,
        _ => 0,
    }
}
