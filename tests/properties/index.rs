//! The liquidation-price index, confirmed with the exact check, reports
//! exactly the accounts a full scan reports — after any sequence of account
//! updates, moves of the indexed market's mark, moves of the other markets
//! inside their band (no re-keying) and out of it (re-keying the accounts
//! that hold them), following the contract in `partliq::index`.

use crate::support::tier;

use std::collections::BTreeSet;

use partliq::*;
use proptest::prelude::*;

const SLOTS: usize = 3; // position slots per account in the flat array
const N_MARKETS: usize = 3;

fn market() -> impl Strategy<Value = Market> {
    (-6i32..=2, 1usize..=3, 1u32..=100_000, prop::collection::vec((1i64..200_000, 0u32..100_000, 0u32..100_000), 2)).prop_map(
        |(e, n, mm0, steps)| {
            let mut tiers = vec![tier(0, (mm0 * 2).min(1_000_000), mm0)];
            let (mut floor, mut mm) = (0i64, mm0);
            for &(df, dmm, dim) in steps.iter().take(n - 1) {
                floor += df;
                mm = (mm + dmm).min(1_000_000);
                let im = (tiers.last().unwrap().initial.0 + dim).max(mm).min(1_000_000);
                tiers.push(tier(floor, im, mm));
            }
            Market::single_tier(e, 1, 1, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap()
        },
    )
}

/// One account's contents: collateral and up to SLOTS positions (market
/// index 3 is unknown).
type Contents = (i64, Vec<(u32, i64, i64)>);

fn contents() -> impl Strategy<Value = Contents> {
    (
        -200_000i64..200_000,
        prop::collection::vec(
            (
                prop_oneof![6 => Just(0u32), 3 => 1u32..3, 1 => Just(3u32)],
                prop_oneof![4 => -5_000i64..5_000, 1 => Just(0i64)],
                -2_000_000i64..2_000_000,
            ),
            0..=SLOTS,
        ),
    )
}

#[derive(Debug, Clone)]
enum Op {
    /// Move the indexed market's mark by a factor (ppm of the old mark).
    MoveOwn(u32),
    /// Move another market's mark to a point of its band (0 = low, 1e6 = high).
    MoveOtherInBand(usize, u32),
    /// Move another market's mark anywhere (re-key the accounts holding it).
    MoveOtherOut(usize, u32),
    /// Replace an account's contents (re-key it).
    Update(usize, Contents),
}

fn op(n_accounts: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (500_000u32..1_500_000).prop_map(Op::MoveOwn),
        2 => (1usize..N_MARKETS, 0u32..=1_000_000).prop_map(|(m, t)| Op::MoveOtherInBand(m, t)),
        1 => (1usize..N_MARKETS, 500_000u32..1_500_000).prop_map(|(m, f)| Op::MoveOtherOut(m, f)),
        2 => (0..n_accounts, contents()).prop_map(|(a, c)| Op::Update(a, c)),
    ]
}

struct World {
    markets: Vec<Market>,
    prices: Vec<Price>,
    reference: Vec<Price>,
    band: Ppm,
    low: Vec<Price>,
    high: Vec<Price>,
    accounts: Vec<ScanAccount>,
    positions: Vec<Position>,
}

impl World {
    fn set(&mut self, a: usize, (collateral, ps): &Contents) {
        let first = a * SLOTS;
        for (k, &(m, s, qb)) in ps.iter().enumerate() {
            self.positions[first + k] = Position { market_index: m, size: Size(s), quote_balance: Quote(qb) };
        }
        self.accounts[a] = ScanAccount { collateral: Quote(*collateral), first_position: first as u32, position_count: ps.len() as u32 };
    }

    fn rebound(&mut self) {
        band_bounds(&self.reference, self.band, &mut self.low, &mut self.high).unwrap();
    }

    fn holds(&self, a: usize, market: u32) -> bool {
        self.accounts[a].positions(&self.positions).unwrap().iter().any(|p| p.market_index == market && p.size.0 != 0)
    }

    /// Accounts with a non-empty position in market 0 that a full scan
    /// reports (unhealthy, or failing).
    fn truth(&self) -> BTreeSet<usize> {
        (0..self.accounts.len())
            .filter(|&a| self.holds(a, 0))
            .filter(|&a| {
                let pool = self.accounts[a].pool(&self.positions).unwrap();
                pool_health(&pool, &self.markets, &self.prices).map_or(true, |h| h.state != HealthState::Healthy)
            })
            .collect()
    }

    /// The exact check of the named accounts.
    fn confirm<'e>(&self, entries: impl Iterator<Item = &'e IndexEntry>) -> BTreeSet<usize> {
        let list: Vec<IndexEntry> = entries.copied().collect();
        let mut table = vec![ScanMarket::EMPTY; self.markets.len()];
        let scanner = Scanner::new(&mut table, &self.markets, &self.prices);
        let mut out = vec![ScanHit::default(); list.len().max(1)];
        let mut got = BTreeSet::new();
        let mut start = 0;
        loop {
            let r = scanner.confirm(&list, &self.accounts, &self.positions, start, &mut out);
            got.extend(out[..r.count].iter().map(|h| h.account_index));
            match r.end {
                ScanEnd::Complete => return got,
                ScanEnd::BufferFull => unreachable!("buffer holds every entry"),
                ScanEnd::Failed(_) => {
                    got.insert(list[r.next].account as usize);
                    start = r.next + 1;
                }
            }
        }
    }
}

/// Re-keys account `a` with `rekey_account`, which must do what a removal
/// and an insertion do: as many out as the account had, as many in as an
/// insertion into an empty index of the same market gives.
fn rekey(ix: &mut LiquidationIndex<'_>, w: &World, a: usize) {
    let had = ix.longs().iter().chain(ix.shorts()).filter(|e| e.account == a as u32).count();
    let (mut l, mut s) = (vec![IndexEntry::default(); SLOTS], vec![IndexEntry::default(); SLOTS]);
    let mut alone = LiquidationIndex::new(ix.market_index(), &mut l, &mut s);
    let want = alone.insert_account(a as u32, &w.accounts, &w.positions, &w.markets, &w.low, &w.high).unwrap();
    let (removed, inserted) = ix.rekey_account(a as u32, &w.accounts, &w.positions, &w.markets, &w.low, &w.high).unwrap();
    assert_eq!((removed, inserted), (had, want));
}

fn check(ix: &LiquidationIndex<'_>, w: &World) -> std::result::Result<(), TestCaseError> {
    let (l, s) = ix.candidates(w.prices[0]);
    let found = w.confirm(l.iter().chain(s));
    prop_assert_eq!(found, w.truth(), "prices {:?}", w.prices);
    // Every entry is in order and names an account holding market 0.
    for side in [ix.longs(), ix.shorts()] {
        prop_assert!(side.windows(2).all(|p| p[0] <= p[1]));
        prop_assert!(side.iter().all(|e| w.holds(e.account as usize, 0)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn index_plus_confirmation_equals_full_scan(
        markets in prop::collection::vec(market(), N_MARKETS),
        prices in prop::collection::vec(1_000i64..1_000_000, N_MARKETS),
        band in prop_oneof![Just(0u32), Just(10_000u32), Just(100_000u32)],
        initial in prop::collection::vec(contents(), 1..24),
        ops in prop::collection::vec(op(24), 0..24),
    ) {
        let n = initial.len();
        let prices: Vec<Price> = prices.into_iter().map(Price).collect();
        let mut w = World {
            markets,
            reference: prices.clone(),
            prices,
            band: Ppm(band),
            low: vec![Price(0); N_MARKETS],
            high: vec![Price(0); N_MARKETS],
            accounts: vec![ScanAccount::default(); n],
            positions: vec![Position::default(); n * SLOTS],
        };
        w.rebound();
        for (a, c) in initial.iter().enumerate() {
            w.set(a, c);
        }
        let mut longs = vec![IndexEntry::default(); n * SLOTS];
        let mut shorts = vec![IndexEntry::default(); n * SLOTS];
        let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
        // Bulk build.
        for a in 0..n {
            ix.push_account_unsorted(a as u32, &w.accounts, &w.positions, &w.markets, &w.low, &w.high).unwrap();
        }
        ix.sort();
        check(&ix, &w)?;
        for o in ops {
            match o {
                Op::MoveOwn(f) => {
                    let from = w.prices[0];
                    let to = Price((i128::from(from.0) * i128::from(f) / 1_000_000).max(1) as i64);
                    let (l0, s0) = ix.candidates(from);
                    let before: BTreeSet<IndexEntry> = l0.iter().chain(s0).copied().collect();
                    let crossed: Vec<IndexEntry> = ix.crossed(from, to).to_vec();
                    w.prices[0] = to;
                    // crossed = candidates(to) \ candidates(from), exactly.
                    let (l1, s1) = ix.candidates(to);
                    let after: BTreeSet<IndexEntry> = l1.iter().chain(s1).copied().collect();
                    prop_assert_eq!(crossed.iter().copied().collect::<BTreeSet<_>>(), after.difference(&before).copied().collect::<BTreeSet<_>>());
                    // The engine's loop: re-check what was at risk and what crossed.
                    let watched = w.confirm(before.iter().chain(crossed.iter()));
                    if watched != w.truth() {
                        for a in w.truth().difference(&watched) {
                            let acc = w.accounts[*a];
                            let own = acc.positions(&w.positions).unwrap();
                            eprintln!("MISSING {a}: {acc:?} {own:?} from {from:?} to {to:?} prices {:?} low {:?} high {:?}", w.prices, w.low, w.high);
                            for m in &w.markets { eprintln!("  market e={} tiers {:?}", m.quote_exponent, m.active_tiers().unwrap()); }
                            eprintln!("  health {:?}", pool_health(&acc.pool(&w.positions).unwrap(), &w.markets, &w.prices));
                            eprintln!("  longs {:?} shorts {:?}", ix.longs(), ix.shorts());
                        }
                    }
                    prop_assert_eq!(watched, w.truth());
                }
                Op::MoveOtherInBand(m, t) => {
                    let (lo, hi) = (i128::from(w.low[m].0), i128::from(w.high[m].0));
                    w.prices[m] = Price((lo + (hi - lo) * i128::from(t) / 1_000_000) as i64);
                }
                Op::MoveOtherOut(m, f) => {
                    w.prices[m] = Price((i128::from(w.prices[m].0) * i128::from(f) / 1_000_000).max(1) as i64);
                    let (lo, hi) = (w.low[m], w.high[m]);
                    if w.prices[m] < lo || w.prices[m] > hi {
                        // Out of its band: new reference, re-key its holders.
                        w.reference[m] = w.prices[m];
                        w.rebound();
                        for a in 0..n {
                            if w.holds(a, m as u32) {
                                rekey(&mut ix, &w, a);
                            }
                        }
                    }
                }
                Op::Update(a, c) => {
                    let a = a % n;
                    w.set(a, &c);
                    rekey(&mut ix, &w, a);
                }
            }
            check(&ix, &w)?;
        }
    }
}

/// A move of a thousand accounts' market: the index touches only those
/// whose key lies between the two marks.
#[test]
fn a_small_move_touches_few() {
    let m = Market::single_tier(-4, 1, 1, Ppm(100_000), Ppm(50_000));
    let markets = [m];
    let prices = [Price(1_000_000)]; // 100.0000
    let mut accounts = Vec::new();
    let mut positions = Vec::new();
    for i in 0..1_000i64 {
        // Long 10,000 units: notional 1,000,000; equity 50,000 + 100·i.
        positions.push(Position { market_index: 0, size: Size(10_000), quote_balance: Quote(-1_000_000 + 50_000 + 100 * i) });
        accounts.push(ScanAccount { collateral: Quote(0), first_position: i as u32, position_count: 1 });
    }
    let mut longs = vec![IndexEntry::default(); 1_000];
    let mut shorts = vec![IndexEntry::default(); 1_000];
    let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
    for a in 0..1_000u32 {
        ix.push_account_unsorted(a, &accounts, &positions, &markets, &prices, &prices).unwrap();
    }
    ix.sort();
    // Liquidation price of account i: (950,000 − 100·i) / 9,500 units of
    // 1e-4 → 100.0000 − 0.0105·i: a 1 % move (to 99.0000) crosses i ≤ 95.
    let crossed = ix.crossed(Price(1_000_000), Price(990_000));
    assert!((95..=97).contains(&crossed.len()), "{}", crossed.len());
    let mut table = [ScanMarket::EMPTY; 1];
    let p1 = [Price(990_000)];
    let scanner = Scanner::new(&mut table, &markets, &p1);
    let mut out = vec![ScanHit::default(); 1_000];
    let (l, _) = ix.candidates(p1[0]);
    let r = scanner.confirm(l, &accounts, &positions, 0, &mut out);
    let full = scan_accounts(&markets, &p1, &accounts, &positions, 0, &mut vec![ScanHit::default(); 1_000]);
    assert_eq!(r.count, full.count);
    assert!(l.len() <= crossed.len() + 2); // account 0 sits at the boundary at p0
}
