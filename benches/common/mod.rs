//! Shared inputs of the benchmarks: markets, pools and populations. The
//! units are the README's: sizes in 1e-8 BTC, prices in cents, quote in
//! micro-USD (`notional = size × price × 10^-4`).
#![allow(dead_code)]

use partliq::unified::{PerpPosition, UnifiedScanAccount};
use partliq::*;

/// 1 USD in quote units.
pub const USD: i64 = 1_000_000;

/// BTC-style single-tier market: 10 % / 5 %, fee 0.5 %.
pub fn single_tier() -> Market {
    let mut m = Market::single_tier(-4, 1_000, 100, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(5_000);
    m.validate().unwrap();
    m
}

/// The same with 16 tiers: floors every 50,000 USD, maintenance 0.5 % +
/// 0.25 % a tier, initial twice that.
pub fn sixteen_tiers() -> Market {
    let tiers: Vec<MarginTier> = (0..16)
        .map(|t: i64| {
            let mm = 5_000 + 2_500 * t as u32;
            MarginTier { notional_floor: Quote(t * 50_000 * USD), initial: Ppm(2 * mm), maintenance: Ppm(mm) }
        })
        .collect();
    let mut m = single_tier().with_tiers(&tiers).unwrap();
    m.liquidation_fee = Ppm(5_000);
    m.validate().unwrap();
    m
}

/// `n` markets (copies of `m` with ids 0..n) and their marks around 57,000 USD.
pub fn markets(m: Market, n: usize) -> (Vec<Market>, Vec<Price>) {
    let ms = (0..n)
        .map(|i| {
            let mut x = m;
            x.id = i as u32;
            x
        })
        .collect();
    let ps = (0..n).map(|i| Price(5_700_000 + 1_000 * i as i64)).collect();
    (ms, ps)
}

/// A healthy cross pool of `n` positions (one per market, alternately long
/// and short, 0.1–1.6 BTC), healthy with 200,000 USD of collateral.
pub fn pool_positions(n: usize) -> Vec<Position> {
    (0..n)
        .map(|i| {
            let size = 10_000_000 * (i as i64 + 1) * if i % 2 == 0 { 1 } else { -1 };
            // entry at 56,000 USD: quote balance −size × 56,000 USD.
            Position { market_index: i as u32, size: Size(size), quote_balance: Quote(-size * 5_600_000 / 10_000) }
        })
        .collect()
}

/// The README's liquidatable long: 1 BTC bought at 60,000 with 5,000 USD
/// of collateral, mark 57,000 (single-tier) — or 10 BTC bought at 58,000
/// with 15,000 USD (16 tiers: notional 570,000 USD, tier 11).
pub fn liquidatable(tiered: bool) -> (Vec<Market>, Vec<Price>, Quote, Vec<Position>) {
    if tiered {
        let ps = vec![Position { market_index: 0, size: Size(1_000_000_000), quote_balance: Quote(-580_000 * USD) }];
        (vec![sixteen_tiers()], vec![Price(5_700_000)], Quote(15_000 * USD), ps)
    } else {
        let ps = vec![Position { market_index: 0, size: Size(100_000_000), quote_balance: Quote(-60_000 * USD) }];
        (vec![single_tier()], vec![Price(5_700_000)], Quote(5_000 * USD), ps)
    }
}

/// The close request of the benchmarks: maintenance + 5 %, at the limit
/// price of a 0.2 % band.
pub fn close_request(pool: &Pool<'_>, markets: &[Market], prices: &[Price]) -> CloseRequest {
    let exec = limit_price(pool, markets, prices, 0, Ppm(2_000)).unwrap();
    CloseRequest { position_index: 0, execution_price: exec, target: Target::Maintenance { buffer: Ppm(50_000) } }
}

/// `full` under `cargo bench`; a hundredth of it when the bench binary runs
/// as a test (`cargo test --all-targets`, no `--bench` argument), so that
/// the test run stays quick.
pub fn scaled(full: usize) -> usize {
    if std::env::args().any(|a| a == "--bench") {
        full
    } else {
        full / 100
    }
}

/// A deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, n)`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `n` single-position accounts in one market at mark `mark` (cents): sizes
/// 0.01–1 BTC, half long, half short; a fraction `funded_ppm` fully funded
/// (no liquidation price), the others with their liquidation price spread
/// uniformly over `spread_ppm` of the mark away from it (longs below,
/// shorts above) — about `0.5 × spread⁻¹ × (1 − funded)` of the accounts
/// cross on a 1 % move.
pub fn population(n: usize, mark: i64, spread_ppm: u64, funded_ppm: u64, seed: u64) -> (Vec<ScanAccount>, Vec<Position>) {
    let mut rng = Rng(seed);
    let mut accounts = Vec::with_capacity(n);
    let mut positions = Vec::with_capacity(n);
    for i in 0..n {
        let units = 1_000_000 + rng.below(99_000_000) as i64; // 0.01–1 BTC
        let long = i % 2 == 0;
        let notional = units as i128 * mark as i128 / 10_000; // micro-USD
                                                              // Distance d (ppm of the mark) to the liquidation price; equity at
                                                              // the mark such that equity − MM hits 0 at mark × (1 ∓ d):
                                                              // long: E(P) = N·P/mark + qb, MM = 5 % N·P/mark ⇒ qb = −N(1 − d)(0.95).
        let funded = rng.below(1_000_000) < funded_ppm;
        let d = 1 + rng.below(spread_ppm) as i128;
        let qb = if funded {
            if long {
                0
            } else {
                3 * notional
            }
        } else if long {
            -(notional * (1_000_000 - d) / 1_000_000) * 95 / 100
        } else {
            notional * (1_000_000 + d) / 1_000_000 * 105 / 100
        };
        let size = if long { units } else { -units };
        positions.push(Position { market_index: 0, size: Size(size), quote_balance: Quote(qb as i64) });
        accounts.push(ScanAccount { collateral: Quote(0), first_position: i as u32, position_count: 1 });
    }
    (accounts, positions)
}

/// `n` unified accounts (the `index` bench's 1,000,000) at mark `mark`: a
/// deposit of a weighted asset (BTC-like, in sats, price in cents, weights
/// 90 / 95 % and 110 / 105 %, priced at the mark), a borrow
/// of the quote asset at par and one cross perp, half long and half short,
/// whose maintenance margin runs out somewhere within 50 % of the mark; the
/// deposit backs a random share of it.
pub fn unified_population(n: usize, mark: i64, seed: u64) -> (Vec<UnifiedScanAccount>, Vec<AssetBalance>, Vec<PerpPosition>) {
    let mut rng = Rng(seed);
    let (mut accounts, mut balances, mut positions) = (Vec::with_capacity(n), Vec::with_capacity(2 * n), Vec::with_capacity(n));
    for i in 0..n {
        let units = 1_000_000 + rng.below(99_000_000) as i64;
        let long = i % 2 == 0;
        let notional = units as i128 * mark as i128 / 10_000;
        let d = 1 + rng.below(500_000) as i128;
        // The perp alone as in `population`; then part of its quote balance
        // moved into a deposit worth as much (at 95 % weight) and a borrow.
        let qb =
            if long { -(notional * (1_000_000 - d) / 1_000_000) * 95 / 100 } else { notional * (1_000_000 + d) / 1_000_000 * 105 / 100 };
        // A deposit worth 0–20 % of the notional (sats: value = sats × price
        // × 10⁻⁴ µUSD) and a borrow of what it backs at 95 %.
        let deposit_value = rng.below(1_000) as i128 * notional / 5_000;
        let deposit = deposit_value * 10_000 / mark as i128;
        let borrow = deposit * mark as i128 / 10_000 * 95 / 100;
        balances.push(AssetBalance { asset_index: 1, amount: deposit as i64 });
        balances.push(AssetBalance { asset_index: 0, amount: -(borrow as i64) });
        positions.push(PerpPosition::cross(0, Size(if long { units } else { -units }), Quote(qb as i64)));
        accounts.push(UnifiedScanAccount { first_balance: 2 * i as u32, balance_count: 2, first_position: i as u32, position_count: 1 });
    }
    (accounts, balances, positions)
}
