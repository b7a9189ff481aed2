//! The unified move index never misses a pool: on random unified accounts
//! (balances of a stable and a weighted asset, borrows, cross and isolated
//! perps with funding and resting orders, a tiered market) keyed at
//! reference prices, every pool that is a hit — or whose health fails — at
//! randomly moved prices is a candidate of that move, and the candidates
//! confirmed exactly are the full scan's hits at the new prices. Positions
//! are generated near their maintenance fractions, so that at least a sixth
//! of the cases (counted) have a pool the move makes a hit; a key moved by
//! 500 ppm past its bound fails the property.

use crate::support::fixed_runner;
use partliq::unified::*;
use partliq::*;
use proptest::prelude::*;
use std::cell::Cell;

/// A generated position: market, size, its equity at the reference in ppm
/// of its notional (the quote balance follows from the mark: near the
/// maintenance fractions, 5 % and 10 %, so that moves cross them), isolated,
/// last funding index, open asks.
type RawPerp = (u32, i64, i64, bool, i64, i64);

/// A generated account: balances (asset, amount) and positions.
type RawAccount = (Vec<(u32, i64)>, Vec<RawPerp>);

fn accounts() -> impl Strategy<Value = Vec<RawAccount>> {
    let balance = prop_oneof![4 => (0u32..2, -400_000i64..=400_000), 1 => (0u32..3, -2_000_000i64..=3_000_000)];
    let position = (
        0u32..2,
        -20_000i64..=20_000,
        -50_000i64..=250_000,
        prop::bool::weighted(0.4),
        -500i64..=500,
        prop_oneof![Just(0i64), 0i64..=5_000],
    );
    prop::collection::vec((prop::collection::vec(balance, 0..=3), prop::collection::vec(position, 0..=3)), 1..=10)
}

/// A move of one price: ppm of its reference, signed; 0 half the time.
fn moves() -> impl Strategy<Value = [i64; 3]> {
    let one = prop_oneof![2 => Just(0i64), 3 => -300_000i64..=300_000, 1 => -20_000i64..=20_000];
    [one.clone(), one.clone(), one]
}

fn moved(p: i64, ppm: i64) -> Price {
    Price((p + p * ppm / 1_000_000).max(1))
}

/// How many cases the property ran, how many had a pool that the move made a
/// hit although it was none at the reference (the interesting branch), and
/// how many key boxes it checked at their corners.
#[derive(Default)]
struct Counts {
    cases: Cell<usize>,
    crossed: Cell<usize>,
    boxes: Cell<usize>,
}

fn bump(c: &Cell<usize>) {
    c.set(c.get() + 1);
}

#[test]
fn every_pool_a_move_reaches_is_a_candidate() {
    let counts = Counts::default();
    let mut runner = fixed_runner(ProptestConfig::with_cases(768));
    let strategy = (accounts(), [50i64..=200, 50i64..=200], [1_000i64..=3_000], moves(), any::<bool>());
    let r = runner.run(&strategy, |(raw, marks, asset_px, mv, binance)| {
        bump(&counts.cases);
        let tiers = [
            MarginTier { notional_floor: Quote(0), initial: Ppm(100_000), maintenance: Ppm(50_000) },
            MarginTier { notional_floor: Quote(500_000), initial: Ppm(200_000), maintenance: Ppm(100_000) },
            MarginTier { notional_floor: Quote(1_500_000), initial: Ppm(400_000), maintenance: Ppm(200_000) },
        ];
        let markets = [
            Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)).with_tiers(&tiers).unwrap(),
            Market::single_tier(-2, 1, 1, Ppm(200_000), Ppm(100_000)),
        ];
        let risk = [PerpRisk::NONE, PerpRisk { imf_factor: Ppm(1_000), initial_upnl_weight: Ppm(500_000), imf_unit: 100 }];
        // Asset 2 has no price in the book: its pools fail everywhere.
        let assets =
            [Asset::at_par(0), Asset::weighted(-3, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000))), Asset::at_par(0)];
        let funding = [120i64, -40];
        let prices = marks.map(Price);
        let asset_prices = [Price(1), Price(asset_px[0])];
        let reference = MarginBook {
            markets: &markets,
            prices: &prices,
            funding_indexes: &funding,
            perp_risk: &risk,
            assets: &assets,
            asset_prices: &asset_prices,
        };
        let now_prices = [moved(marks[0], mv[0]), moved(marks[1], mv[1])];
        let now_assets = [Price(1), moved(asset_px[0], mv[2])];
        let now = MarginBook { prices: &now_prices, asset_prices: &now_assets, ..reference };
        let ladder = if binance { MarginLadder::BINANCE_PORTFOLIO_MARGIN } else { MarginLadder::STANDARD };

        let (mut balances, mut positions, mut flat) = (Vec::new(), Vec::new(), Vec::new());
        for (bs, ps) in &raw {
            let (fb, fp) = (balances.len() as u32, positions.len() as u32);
            balances.extend(bs.iter().map(|&(asset_index, amount)| AssetBalance { asset_index, amount }));
            positions.extend(ps.iter().map(|&(m, size, d, iso, last, asks)| {
                // notional = size × mark × 10^e (market 1: e = −2); qb =
                // −notional + |notional| × d / 1e6.
                let notional = size * marks[m as usize] / if m == 1 { 100 } else { 1 };
                let qb = -notional + notional.abs() * d / 1_000_000;
                PerpPosition {
                    margin: if iso { PositionMargin::Isolated } else { PositionMargin::Cross },
                    last_funding_index: last,
                    open_asks: Size(asks),
                    ..PerpPosition::cross(m, Size(size), Quote(qb))
                }
            }));
            flat.push(UnifiedScanAccount {
                first_balance: fb,
                balance_count: bs.len() as u32,
                first_position: fp,
                position_count: ps.len() as u32,
            });
        }
        let pools: usize = flat.iter().map(|a| a.view(&balances, &positions).unwrap().pool_count()).sum();
        let (mut d, mut u, mut b) = (
            vec![UnifiedIndexEntry::default(); pools],
            vec![UnifiedIndexEntry::default(); pools],
            vec![UnifiedIndexEntry::default(); pools],
        );
        let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
        for (i, a) in flat.iter().enumerate() {
            let view = a.view(&balances, &positions).unwrap();
            prop_assert_eq!(ix.insert_account(i as u32, &view, &reference, &ladder), Ok(view.pool_count()));
        }
        let m = PriceMove::between(&reference, &now).unwrap();
        let cands = ix.candidates(m);
        let in_cands = |i: usize, k: usize| cands.iter().any(|e| (e.account as usize, e.pool as usize) == (i, k));
        // Every pool that is a hit or fails at the new prices is a candidate.
        let mut want = Vec::new();
        let mut crossed_here = false;
        for (i, a) in flat.iter().enumerate() {
            let view = a.view(&balances, &positions).unwrap();
            for k in 0..view.pool_count() {
                let h = unified_pool_health(&view.pool(k).unwrap(), &now, &ladder);
                let hit = match h {
                    Ok(h) => is_hit(&h).then_some(Ok(h)),
                    Err(e) => Some(Err(e)),
                };
                if let Some(h) = hit {
                    let keys = pool_keys(&view.pool(k).unwrap(), &reference, &ladder);
                    prop_assert!(in_cands(i, k), "pool ({}, {}) is {:?} after move {:?} but keyed {:?}", i, k, h, m, keys);
                    if keys.both > 0 {
                        crossed_here = true;
                    }
                    want.push((i, k, h));
                }
            }
        }
        // At the edge of each key's promise: every corner of the box of
        // size key − 1 on its side (each price at either end of its
        // interval) leaves the pool no hit (KEY_LIMIT + 1: the box of 100 %).
        let ends = |r: i64, m: i64, side: MoveSide| -> [Price; 2] {
            let lo = Price(((r as i128 * (1_000_000 - m as i128)).div_euclid(1_000_000) as i64).max(1));
            let hi = Price((r as i128 * (1_000_000 + m as i128) + 999_999).div_euclid(1_000_000) as i64);
            match side {
                MoveSide::Down => [lo, Price(r)],
                MoveSide::Up => [Price(r), hi],
                MoveSide::Both => [lo, hi],
            }
        };
        for a in &flat {
            let view = a.view(&balances, &positions).unwrap();
            for k in 0..view.pool_count() {
                let keys = pool_keys(&view.pool(k).unwrap(), &reference, &ladder);
                for side in MoveSide::ALL {
                    let key = keys.get(side);
                    if key == 0 {
                        continue;
                    }
                    let m = i64::from(key - 1);
                    bump(&counts.boxes);
                    let (e0, e1, e2) = (ends(marks[0], m, side), ends(marks[1], m, side), ends(asset_px[0], m, side));
                    for corner in 0..8usize {
                        let ps = [e0[corner & 1], e1[(corner >> 1) & 1]];
                        let ap = [Price(1), e2[(corner >> 2) & 1]];
                        let at = MarginBook { prices: &ps, asset_prices: &ap, ..reference };
                        let h = unified_pool_health(&view.pool(k).unwrap(), &at, &ladder);
                        prop_assert!(matches!(h, Ok(ref h) if !is_hit(h)), "{:?} key {} at corner {:?} {:?}: {:?}", side, key, ps, ap, h);
                    }
                }
            }
        }
        // The candidates in (account, pool) order, confirmed exactly: the
        // same hits and failures.
        let mut sorted = cands.to_vec();
        sorted.sort_unstable_by_key(|e| (e.account, e.pool));
        let s = UnifiedScanner::new(now, ladder);
        let mut out = vec![UnifiedScanHit::default(); 2];
        let (mut got, mut at, mut rounds) = (Vec::new(), 0usize, 0);
        loop {
            rounds += 1;
            prop_assert!(rounds < 1_000);
            let r = s.confirm(&sorted, &flat, &balances, &positions, at, &mut out);
            got.extend(out[..r.count].iter().map(|h| (h.account_index, h.pool_index, Ok(h.health))));
            match r.end {
                ScanEnd::Complete => break,
                ScanEnd::BufferFull => at = r.next,
                ScanEnd::Failed(e) => {
                    let c = sorted[r.next];
                    got.push((c.account as usize, c.pool as usize, Err(e)));
                    at = r.next + 1;
                }
            }
        }
        prop_assert_eq!(got, want);
        if crossed_here {
            bump(&counts.crossed);
        }
        Ok(())
    });
    if let Err(e) = r {
        panic!("{e}");
    }
    let (cases, crossed, boxes) = (counts.cases.get(), counts.crossed.get(), counts.boxes.get());
    assert!(crossed * 6 >= cases, "only {crossed} of {cases} cases had a pool the move made a hit");
    assert!(boxes >= cases, "only {boxes} key boxes checked in {cases} cases");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Keys are monotone in what they promise: a pool safe for a box is
    /// safe for every smaller one — the mixed side's key is at most each
    /// one-way side's.
    #[test]
    fn the_mixed_key_is_the_strictest(qb in -3_000_000i64..=0, size in 1i64..=20_000, deposit in 0i64..=2_000_000, mark in 50i64..=200) {
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(mark)];
        let assets = [Asset::weighted(-3, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))];
        let asset_prices = [Price(2_000)];
        let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &prices) };
        let balances = [AssetBalance { asset_index: 0, amount: deposit }];
        let positions = [PerpPosition::cross(0, Size(size), Quote(qb))];
        let a = UnifiedAccount { balances: &balances, positions: &positions };
        let k = pool_keys(&a.pool(0).unwrap(), &book, &MarginLadder::STANDARD);
        prop_assert!(k.both <= k.down && k.both <= k.up, "{:?}", k);
    }
}
