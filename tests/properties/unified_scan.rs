//! The unified batch scan against brute force: its hits (and failures) are
//! exactly `unified_pool_health` over every pool of every account, in
//! account then pool order, whatever the buffer size the scan is resumed
//! with.

use partliq::unified::*;
use partliq::*;
use proptest::prelude::*;

/// A generated position: market, size, quote balance, isolated, last
/// funding index, open bids.
type RawPerp = (u32, i64, i64, bool, i64, i64);

/// A generated account: balances (asset, amount) and positions.
type RawAccount = (Vec<(u32, i64)>, Vec<RawPerp>);

/// One generated batch: the book's variable parts and flat accounts.
#[derive(Debug, Clone)]
struct Batch {
    marks: [i64; 2],
    asset_prices: [i64; 2],
    funding: [i64; 2],
    accounts: Vec<RawAccount>,
    binance: bool,
}

fn batch() -> impl Strategy<Value = Batch> {
    let balance = (0u32..2, -2_000_000i64..=2_000_000);
    // Market 2 does not exist: that pool's health fails.
    let market = prop_oneof![8 => 0u32..2, 1 => Just(2u32)];
    let position = (
        market,
        -20_000i64..=20_000,
        -3_000_000i64..=3_000_000,
        prop::bool::weighted(0.4),
        -500i64..=500,
        prop_oneof![Just(0i64), 0i64..=5_000],
    );
    let account = (prop::collection::vec(balance, 0..=3), prop::collection::vec(position, 0..=4));
    (
        [1i64..=200, 1i64..=200],
        [1i64..=3_000, 1i64..=3_000],
        [-500i64..=500, -500i64..=500],
        prop::collection::vec(account, 0..=12),
        any::<bool>(),
    )
        .prop_map(|(marks, asset_prices, funding, accounts, binance)| Batch { marks, asset_prices, funding, accounts, binance })
}

/// What the scan reports, in order: a hit or a failure at (account, pool).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Hit(usize, usize, UnifiedHealth),
    Failed(usize, usize, Error),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unified_scan_is_brute_force(b in batch(), buffer in 1usize..=5) {
        let markets = [
            Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)),
            Market::single_tier(-2, 1, 1, Ppm(200_000), Ppm(100_000)),
        ];
        let prices = b.marks.map(Price);
        let risk = [PerpRisk::NONE, PerpRisk { imf_factor: Ppm(1_000), initial_upnl_weight: Ppm(500_000), imf_unit: 100 }];
        let assets = [Asset::at_par(0), Asset::weighted(-3, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))];
        let asset_prices = b.asset_prices.map(Price);
        let book = MarginBook { markets: &markets, prices: &prices, funding_indexes: &b.funding, perp_risk: &risk, assets: &assets, asset_prices: &asset_prices };
        let ladder = if b.binance { MarginLadder::BINANCE_PORTFOLIO_MARGIN } else { MarginLadder::STANDARD };
        // Flat arrays.
        let (mut balances, mut positions, mut flat) = (Vec::new(), Vec::new(), Vec::new());
        for (bs, ps) in &b.accounts {
            let (fb, fp) = (balances.len() as u32, positions.len() as u32);
            balances.extend(bs.iter().map(|&(asset_index, amount)| AssetBalance { asset_index, amount }));
            positions.extend(ps.iter().map(|&(m, size, qb, iso, last, bids)| PerpPosition {
                margin: if iso { PositionMargin::Isolated } else { PositionMargin::Cross },
                last_funding_index: last,
                open_bids: Size(bids),
                ..PerpPosition::cross(m, Size(size), Quote(qb))
            }));
            flat.push(UnifiedScanAccount { first_balance: fb, balance_count: bs.len() as u32, first_position: fp, position_count: ps.len() as u32 });
        }
        let accounts: Vec<UnifiedAccount<'_>> = flat.iter().map(|a| a.view(&balances, &positions).unwrap()).collect();
        // Brute force: every pool of every account.
        let mut want = Vec::new();
        for (i, a) in accounts.iter().enumerate() {
            for k in 0..a.pool_count() {
                match unified_pool_health(&a.pool(k).unwrap(), &book, &ladder) {
                    Ok(h) if h.state != HealthState::Healthy || h.rung >= MarginRung::Liquidation => want.push(Event::Hit(i, k, h)),
                    Ok(_) => {}
                    Err(e) => want.push(Event::Failed(i, k, e)),
                }
            }
        }
        let s = UnifiedScanner::new(book, ladder);
        // The slice scan and the flat scan, resumed with a small buffer.
        for flat_mode in [false, true] {
            let mut got = Vec::new();
            let mut out = vec![UnifiedScanHit::default(); buffer];
            let mut at = UnifiedCursor::default();
            let mut rounds = 0;
            loop {
                rounds += 1;
                prop_assert!(rounds < 1_000, "the resume loop must end");
                let r = if flat_mode { s.scan_flat(&flat, &balances, &positions, at, &mut out) } else { s.scan(&accounts, at, &mut out) };
                got.extend(out[..r.count].iter().map(|h| Event::Hit(h.account_index, h.pool_index, h.health)));
                prop_assert!(r.resume >= at);
                match r.end {
                    ScanEnd::Complete => {
                        prop_assert_eq!(r.next, UnifiedCursor { account: accounts.len(), pool: 0 });
                        break;
                    }
                    ScanEnd::BufferFull => prop_assert_eq!((r.count, r.resume), (buffer, r.next)),
                    ScanEnd::Failed(e) => {
                        got.push(Event::Failed(r.next.account, r.next.pool, e));
                        prop_assert_eq!(r.resume, UnifiedCursor { account: r.next.account, pool: r.next.pool + 1 });
                    }
                }
                at = r.resume;
            }
            prop_assert_eq!(&got, &want);
            // One big buffer: the same hits, in one call up to the first failure.
            let mut big = vec![UnifiedScanHit::default(); want.len() + 1];
            let r = s.scan(&accounts, UnifiedCursor::default(), &mut big);
            let first: Vec<_> = want.iter().take_while(|e| matches!(e, Event::Hit(..))).cloned().collect();
            let hits: Vec<_> = big[..r.count].iter().map(|h| Event::Hit(h.account_index, h.pool_index, h.health)).collect();
            prop_assert_eq!(hits, first);
        }
        // `check` agrees pool by pool.
        for (i, a) in accounts.iter().enumerate() {
            for k in 0..a.pool_count() {
                let w = want.iter().find_map(|e| match e {
                    Event::Hit(x, y, h) if (*x, *y) == (i, k) => Some(Ok(Some(*h))),
                    Event::Failed(x, y, err) if (*x, *y) == (i, k) => Some(Err(*err)),
                    _ => None,
                });
                prop_assert_eq!(s.check(a, k), w.unwrap_or(Ok(None)));
            }
        }
    }
}
