//! The minimal partial liquidation of one position (`minimal_close`, one
//! tier and 16 tiers) and the whole pipeline (`run_pipeline`) with the
//! `dydx_v4_policy` (mainnet genesis limits) and `hyperliquid` presets.
//!
//! **Goal:** `minimal_close` ≤ 2 µs with one tier and ≤ 10 µs with 16 tiers;
//! `run_pipeline` ≤ 10 µs per liquidatable pool — fast enough to size every
//! liquidation of a block inline in the matching loop. Also compared with
//! the exact big-rational reference in `benches/bigrational.rs` (≥ 100×).
//!
//! Unified accounts (`plan_unified_liquidation`): the README's three-leg
//! plan (one collateral asset, a borrow, a perp) and a wider pool (four
//! deposits, two borrows, four perps). **Goal:** ≤ 1 ms per liquidatable
//! unified pool — a liquidation is planned once per breach, not on every
//! mark, so the budget is the engine's per-liquidation one, not its
//! per-tick one. The README's pool is proven least (the exact search
//! finishes); the wider pool has more candidate legs than a plan holds, so
//! it gets no search (the greedy plan, unproven).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::presets;
use partliq::venues::dydx_v4::LiquidationConfig;
use partliq::*;

fn minimal(c: &mut Criterion) {
    let mut g = c.benchmark_group("minimal_close");
    for (name, tiered) in [("single_tier", false), ("16_tiers", true)] {
        let (ms, ps, coll, positions) = liquidatable(tiered);
        let pool = Pool::new(coll, &positions);
        let req = close_request(&pool, &ms, &ps);
        let r = minimal_close(&pool, &ms, &ps, &req).unwrap();
        assert_eq!(r.status, CloseStatus::Restored);
        g.bench_function(name, |b| b.iter(|| minimal_close(black_box(&pool), black_box(&ms), black_box(&ps), black_box(&req)).unwrap()));
    }
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("run_pipeline");
    let presets = [
        ("dydx_v4", presets::dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(10_000)).unwrap()),
        ("hyperliquid", presets::hyperliquid(USD, 1).unwrap()),
    ];
    for (name, preset) in presets {
        for (tname, tiered) in [("single_tier", false), ("16_tiers", true)] {
            let (mut ms, ps, coll, positions) = liquidatable(tiered);
            preset.apply_to(&mut ms[0]);
            let pool = Pool::new(coll, &positions);
            let mut legs = [PlanLeg::default(); 1];
            let mut mstates = [MarketCapacityState::default(); 1];
            let d = run_pipeline(&pool, &ms, &ps, &preset.policy, &mut AccountLiquidationState::default(), &mut mstates, 0, 1, &mut legs)
                .unwrap();
            assert_ne!(d.action, Action::None, "{name} {tname}: {d:?}");
            g.bench_function(format!("{name}/{tname}"), |b| {
                b.iter(|| {
                    let mut state = AccountLiquidationState::default();
                    let mut mstates = [MarketCapacityState::default(); 1];
                    run_pipeline(black_box(&pool), &ms, &ps, &preset.policy, &mut state, &mut mstates, 0, 1, &mut legs).unwrap()
                })
            });
        }
    }
    g.finish();
}

fn unified_plan(c: &mut Criterion) {
    use partliq::unified::*;
    let mut g = c.benchmark_group("plan_unified_liquidation");
    let weighted = |w: u32| Asset::weighted(-2, (Ppm(w), Ppm(w + 100_000)), (Ppm(1_200_000), Ppm(1_100_000)));
    let mut perp = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    perp.liquidation_fee = Ppm(10_000);
    let markets = [perp; 4];
    let marks = [Price(100); 4];
    let assets = [Asset::at_par(0), weighted(800_000), weighted(700_000), weighted(600_000), weighted(500_000), Asset::at_par(0)];
    let prices = [Price(1), Price(100), Price(100), Price(100), Price(100), Price(1)];
    let fees = [AssetLiquidationFees { liquidator_bonus: Ppm(50_000), insurance_fee: Ppm(10_000) }; 6];
    let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
    let terms = LegTerms { asset_fees: &fees, perp_band: Ppm(10_000), target: Target::Initial, perp_limit: None };
    // The README's pool: end level −900.
    let small_balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -700 }];
    let small_positions = [PerpPosition::cross(0, Size(100), Quote(-10_000))];
    // Four deposits, two borrows, four longs.
    let wide_balances = [
        AssetBalance { asset_index: 1, amount: 1_000 },
        AssetBalance { asset_index: 2, amount: 800 },
        AssetBalance { asset_index: 3, amount: 600 },
        AssetBalance { asset_index: 4, amount: 400 },
        AssetBalance { asset_index: 0, amount: -1_500 },
        AssetBalance { asset_index: 5, amount: -400 },
    ];
    let wide_positions = [0u32, 1, 2, 3].map(|m| PerpPosition::cross(m, Size(40), Quote(-4_000)));
    for (name, balances, positions) in [
        ("readme_3_legs", &small_balances[..], &small_positions[..]),
        ("4_deposits_2_borrows_4_perps", &wide_balances[..], &wide_positions[..]),
    ] {
        let account = UnifiedAccount { balances, positions };
        let mut legs = [UnifiedLeg::default(); MAX_PLAN_LEGS];
        let plan = plan_unified_liquidation(
            &account,
            0,
            &book,
            &terms,
            PlanObjective::LeastValue,
            LegOrdering::Cheapest,
            &LiquidationTiers::default(),
            &mut legs,
        )
        .unwrap();
        assert_eq!(plan.status, CloseStatus::Restored, "{name}: {plan:?}");
        assert_eq!(plan.proven_least, name == "readme_3_legs", "{name}: {plan:?}");
        g.bench_function(name, |b| {
            b.iter(|| {
                plan_unified_liquidation(
                    black_box(&account),
                    0,
                    &book,
                    &terms,
                    PlanObjective::LeastValue,
                    LegOrdering::Cheapest,
                    &LiquidationTiers::default(),
                    &mut legs,
                )
                .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, minimal, pipeline, unified_plan);
criterion_main!(benches);
