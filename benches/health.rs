//! Health of one cross pool with 1, 4 and 16 positions (`pool_health`), and
//! of a unified account's cross pool with 16 collateral assets and 16
//! positions (`unified_pool_health`).
//!
//! **Goals:** linear in the positions, ≤ 100 ns per position on one core of
//! a 2020s server or laptop (a matching engine calls it on every mark
//! update for every account holding the market); also checked against the
//! exact big-rational reference in `benches/bigrational.rs` (≥ 100×). The
//! unified pool (16 weighted assets with a size discount / premium, 16
//! positions with funding, resting orders and a √size premium, three
//! levels) within 2× of today's 16-position `pool_health`.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use partliq::*;

fn health(c: &mut Criterion) {
    let mut g = c.benchmark_group("health");
    for n in [1usize, 4, 16] {
        let (ms, ps) = markets(single_tier(), n);
        let positions = pool_positions(n);
        let pool = Pool::new(Quote(200_000 * USD), &positions);
        assert_eq!(pool_health(&pool, &ms, &ps).unwrap().state, HealthState::Healthy);
        g.bench_with_input(BenchmarkId::new("pool_health", n), &n, |b, _| {
            b.iter(|| pool_health(black_box(&pool), black_box(&ms), black_box(&ps)).unwrap())
        });
        let (ms16, _) = markets(sixteen_tiers(), n);
        g.bench_with_input(BenchmarkId::new("pool_health_16_tiers", n), &n, |b, _| {
            b.iter(|| pool_health(black_box(&pool), black_box(&ms16), black_box(&ps)).unwrap())
        });
    }
    g.finish();
}

/// 16 weighted collateral assets (half deposits, half borrows, every one
/// with a size term) and the 16 positions of `pool_positions` as cross
/// perps with funding, resting orders and a √size initial premium.
fn unified(c: &mut Criterion) {
    let mut g = c.benchmark_group("unified");
    let (ms, ps) = markets(single_tier(), 16);
    let positions = pool_positions(16);
    let today = Pool::new(Quote(200_000 * USD), &positions);
    let assets: Vec<Asset> = (0..16)
        .map(|i| {
            let mut a = Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)));
            a.id = i;
            a.imf_factor = Ppm(1_000);
            a.imf_unit = 1_000_000_000;
            a
        })
        .collect();
    let asset_prices: Vec<Price> = (0..16).map(|i| Price(100 * USD + i * USD)).collect();
    let balances: Vec<AssetBalance> = (0..16)
        .map(|i: i64| AssetBalance { asset_index: i as u32, amount: if i % 2 == 0 { 1_000_000_000_000 } else { -100_000_000_000 } })
        .collect();
    let perps: Vec<PerpPosition> = positions
        .iter()
        .map(|p| PerpPosition {
            last_funding_index: -1_000,
            open_bids: Size(1_000),
            open_asks: Size(2_000),
            ..PerpPosition::cross(p.market_index, p.size, p.quote_balance)
        })
        .collect();
    let funding = [0i64; 16];
    let risk = [PerpRisk { imf_factor: Ppm(500), imf_unit: 100_000_000, initial_upnl_weight: Ppm(950_000) }; 16];
    let book =
        MarginBook { markets: &ms, prices: &ps, funding_indexes: &funding, perp_risk: &risk, assets: &assets, asset_prices: &asset_prices };
    let account = UnifiedAccount { balances: &balances, positions: &perps };
    let pool = account.pool(0).unwrap();
    let h = unified_pool_health(&pool, &book, &MarginLadder::STANDARD).unwrap();
    assert_eq!(h.state, HealthState::Healthy);
    assert!(h.initial.health().unwrap() <= h.maintenance.health().unwrap());
    g.bench_function("pool_health_16_positions", |b| b.iter(|| pool_health(black_box(&today), black_box(&ms), black_box(&ps)).unwrap()));
    g.bench_function("unified_pool_health_16_assets_16_positions", |b| {
        b.iter(|| unified_pool_health(black_box(&pool), black_box(&book), black_box(&MarginLadder::STANDARD)).unwrap())
    });
    // A typical unified account: weights on every asset, a size term on a
    // quarter of them, funding on every position, no resting order, no √size
    // premium, gains counted whole.
    let typical_assets: Vec<Asset> =
        assets.iter().enumerate().map(|(i, a)| Asset { imf_factor: if i % 4 == 0 { a.imf_factor } else { Ppm(0) }, ..*a }).collect();
    let typical_perps: Vec<PerpPosition> = perps.iter().map(|p| PerpPosition { open_bids: Size(0), open_asks: Size(0), ..*p }).collect();
    let typical_book = MarginBook { perp_risk: &[], assets: &typical_assets, ..book };
    let typical = UnifiedAccount { balances: &balances, positions: &typical_perps };
    let typical_pool = typical.pool(0).unwrap();
    g.bench_function("unified_pool_health_16_assets_16_positions_typical", |b| {
        b.iter(|| unified_pool_health(black_box(&typical_pool), black_box(&typical_book), black_box(&MarginLadder::STANDARD)).unwrap())
    });
    // The two halves apart: the balances alone, the positions alone.
    let balances_only = UnifiedAccount { balances: &balances, positions: &[] };
    let perps_only = UnifiedAccount { balances: &[], positions: &perps };
    let (b_pool, p_pool) = (balances_only.pool(0).unwrap(), perps_only.pool(0).unwrap());
    g.bench_function("unified_pool_health_16_assets", |b| {
        b.iter(|| unified_pool_health(black_box(&b_pool), black_box(&book), black_box(&MarginLadder::STANDARD)).unwrap())
    });
    g.bench_function("unified_pool_health_16_positions", |b| {
        b.iter(|| unified_pool_health(black_box(&p_pool), black_box(&book), black_box(&MarginLadder::STANDARD)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, health, unified);
criterion_main!(benches);
