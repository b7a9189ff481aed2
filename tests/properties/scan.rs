//! The batch scan reports exactly what `pool_health` on each account reports:
//! the same accounts, the same figures, the same errors, in order — through
//! small buffers and resumes, with tiers, both exponent signs, boundary
//! cases (equity within a few units of maintenance), empty positions,
//! unknown markets, missing prices and overflow.

use crate::support::tier;

use partliq::*;
use proptest::prelude::*;

/// What the naive path says about one account, when not healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Hit(usize, Health),
    Failed(usize, Error),
}

fn naive(markets: &[Market], prices: &[Price], accounts: &[ScanAccount], positions: &[Position]) -> Vec<Seen> {
    let mut v = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        match a.pool(positions).and_then(|p| pool_health(&p, markets, prices)) {
            Ok(h) if h.state != HealthState::Healthy => v.push(Seen::Hit(i, h)),
            Ok(_) => {}
            Err(e) => v.push(Seen::Failed(i, e)),
        }
    }
    v
}

/// Runs the scan to the end with a buffer of `buf` hits, resuming after each
/// full buffer and skipping each failed account.
fn scanned(scanner: &Scanner<'_>, accounts: &[ScanAccount], positions: &[Position], buf: usize) -> Vec<Seen> {
    let mut out = vec![ScanHit::default(); buf];
    let mut v = Vec::new();
    let mut start = 0;
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 10_000, "scan does not progress");
        let r = scanner.scan(accounts, positions, start, &mut out);
        v.extend(out[..r.count].iter().map(|h| Seen::Hit(h.account_index, h.health)));
        match r.end {
            ScanEnd::Complete => {
                assert_eq!(r.next, accounts.len());
                return v;
            }
            ScanEnd::BufferFull => {
                assert_eq!(r.count, buf);
                start = r.next;
            }
            ScanEnd::Failed(e) => {
                v.push(Seen::Failed(r.next, e));
                start = r.next + 1;
            }
        }
    }
}

/// A valid market: exponent, 1–4 tiers with ascending floors and fractions.
fn market() -> impl Strategy<Value = Market> {
    (-9i32..=3, 1usize..=4, 1u32..=100_000, prop::collection::vec((1i64..1_000_000, 0u32..50_000, 0u32..50_000), 3)).prop_map(
        |(e, n, mm0, steps)| {
            let mut tiers = vec![tier(0, (mm0 * 2).min(1_000_000), mm0)];
            let (mut floor, mut mm) = (0i64, mm0);
            for &(df, dmm, dim) in steps.iter().take(n - 1) {
                floor += df;
                mm = (mm + dmm).min(1_000_000);
                let prev_im = tiers.last().unwrap().initial.0;
                let im = (prev_im + dim).max(mm).min(1_000_000);
                tiers.push(tier(floor, im, mm));
            }
            let m = Market::single_tier(e, 1, 1, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
            m.validate().unwrap();
            m
        },
    )
}

/// Sizes of several magnitudes, including extremes and zero.
fn size() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -1_000i64..1_000,
        3 => -10_000_000i64..10_000_000,
        1 => -(1i64 << 40)..(1i64 << 40),
        1 => any::<i64>(),
        1 => Just(0i64),
    ]
}

fn price() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => 1i64..1_000_000,
        1 => 1i64..(1i64 << 40),
        1 => prop_oneof![Just(0i64), Just(-5i64), Just(i64::MAX)],
    ]
}

/// An account: 0–4 positions (market index possibly unknown), a quote
/// balance per position, and a collateral offset from the boundary.
type RawAccount = (Vec<(u32, i64, i64)>, i64, u8);

fn raw_account(n_markets: u32) -> impl Strategy<Value = RawAccount> {
    (
        prop::collection::vec((0..n_markets + 1, size(), -1_000_000_000i64..1_000_000_000), 0..5),
        prop_oneof![4 => -6i64..=6, 1 => -1_000_000i64..1_000_000, 1 => any::<i64>()],
        0u8..4,
    )
}

/// Builds the flat arrays; collateral is chosen relative to the account's
/// own boundary (maintenance − equity at collateral 0) so that many accounts
/// sit within a few units of it.
fn build(markets: &[Market], prices: &[Price], raws: &[RawAccount]) -> (Vec<ScanAccount>, Vec<Position>) {
    let mut accounts = Vec::new();
    let mut positions = Vec::new();
    for (ps, offset, mode) in raws {
        let first = positions.len() as u32;
        for &(m, s, qb) in ps {
            positions.push(Position { market_index: m, size: Size(s), quote_balance: Quote(qb) });
        }
        let own = &positions[first as usize..];
        let collateral = match (mode, pool_health(&Pool::new(Quote(0), own), markets, prices)) {
            // boundary-relative: equity − maintenance = offset
            (0..=2, Ok(h)) => {
                let c = i128::from(h.maintenance_requirement.0) - i128::from(h.equity.0) + i128::from(*offset);
                i64::try_from(c).unwrap_or(*offset)
            }
            _ => *offset,
        };
        accounts.push(ScanAccount { collateral: Quote(collateral), first_position: first, position_count: ps.len() as u32 });
    }
    (accounts, positions)
}

fn case() -> impl Strategy<Value = (Vec<Market>, Vec<i64>, Vec<RawAccount>, usize)> {
    (1usize..=3).prop_flat_map(|n| {
        (
            prop::collection::vec(market(), n),
            prop::collection::vec(price(), n),
            prop::collection::vec(raw_account(n as u32), 0..40),
            1usize..5,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn scan_equals_pool_health_on_each_account((markets, prices, raws, buf) in case()) {
        let prices: Vec<Price> = prices.into_iter().map(Price).collect();
        let (accounts, positions) = build(&markets, &prices, &raws);
        let expected = naive(&markets, &prices, &accounts, &positions);
        let mut table = vec![ScanMarket::EMPTY; markets.len()];
        let scanner = Scanner::new(&mut table, &markets, &prices);
        prop_assert_eq!(&scanned(&scanner, &accounts, &positions, buf), &expected);
        // The same table kept and reopened (as the C ABI's scanner does):
        // the same answers.
        let kept = Scanner::from_table(&table, &markets, &prices);
        prop_assert_eq!(&scanned(&kept, &accounts, &positions, buf), &expected);
        // A table too small for every market (the rest take the exact path)
        // gives the same answer, and so does the stack-table entry point.
        let mut small = vec![ScanMarket::EMPTY; markets.len() - 1];
        let scanner = Scanner::new(&mut small, &markets, &prices);
        prop_assert_eq!(&scanned(&scanner, &accounts, &positions, buf), &expected);
        let mut out = vec![ScanHit::default(); accounts.len()];
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
        let upto = match r.end { ScanEnd::Failed(_) => r.next, _ => accounts.len() };
        let first: Vec<Seen> = expected.iter().copied().take_while(|s| match s { Seen::Hit(i, _) | Seen::Failed(i, _) => *i < upto }).collect();
        let got: Vec<Seen> = out[..r.count].iter().map(|h| Seen::Hit(h.account_index, h.health)).collect();
        prop_assert_eq!(&got, &first.iter().copied().filter(|s| matches!(s, Seen::Hit(..))).collect::<Vec<_>>());
        // check() agrees account by account.
        let mut table = vec![ScanMarket::EMPTY; markets.len()];
        let scanner = Scanner::new(&mut table, &markets, &prices);
        for (i, a) in accounts.iter().enumerate() {
            let want = a.pool(&positions).and_then(|p| pool_health(&p, &markets, &prices)).map(|h| (h.state != HealthState::Healthy).then_some(h));
            prop_assert_eq!(scanner.check(a, &positions), want, "account {}", i);
        }
    }
}

/// Most accounts of a realistic book take the fast path: the exact path runs
/// only for the unhealthy and the near-boundary ones.
#[test]
fn fast_path_covers_ordinary_accounts() {
    let m = Market::single_tier(-8, 1, 1, Ppm(100_000), Ppm(50_000))
        .with_tiers(&[tier(0, 100_000, 50_000), tier(1_000_000_000, 200_000, 100_000)])
        .unwrap();
    let markets = [m, m.with_exponent(-4)];
    let prices = [Price(5_000_000), Price(3_000)];
    let mut accounts = Vec::new();
    let mut positions = Vec::new();
    for i in 0..1_000i64 {
        // Position 0: notional 1e6 × 5e6 × 1e-8 = 50,000, MM 2,500, value 10·i.
        // Position 1: notional −5,000 × 3,000 × 1e-4 = −1,500, MM 75, value 500.
        // Equity 2,000 + 10·i + 500 vs MM 2,575: liquidatable for i ≤ 7.
        let first = positions.len() as u32;
        positions.push(Position { market_index: 0, size: Size(1_000_000), quote_balance: Quote(-50_000 + i * 10) });
        positions.push(Position { market_index: 1, size: Size(-5_000), quote_balance: Quote(2_000) });
        accounts.push(ScanAccount { collateral: Quote(2_000), first_position: first, position_count: 2 });
    }
    let mut out = vec![ScanHit::default(); 1_000];
    let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
    assert_eq!(r.end, ScanEnd::Complete);
    assert_eq!(
        r.exact_checks,
        r.count
            + accounts
                .iter()
                .filter(|a| {
                    let h = pool_health(&a.pool(&positions).unwrap(), &markets, &prices).unwrap();
                    h.state == HealthState::Healthy && i128::from(h.equity.0) - i128::from(h.maintenance_requirement.0) < 4
                })
                .count()
    );
    assert_eq!(r.count, 8);
    assert_eq!(r.exact_checks, 8);
    assert_eq!(core::mem::size_of::<ScanAccount>(), 16);
    assert_eq!(core::mem::size_of::<Position>(), 24);
}
