//! The minimal partial liquidation of one position (`minimal_close`, one
//! tier and 16 tiers) and the whole pipeline (`run_pipeline`) with the
//! `dydx_v4_policy` (mainnet genesis limits) and `hyperliquid` presets.
//!
//! **Goal:** `minimal_close` ≤ 2 µs with one tier and ≤ 10 µs with 16 tiers;
//! `run_pipeline` ≤ 10 µs per liquidatable pool — fast enough to size every
//! liquidation of a block inline in the matching loop. Also compared with
//! the exact big-rational reference in `benches/bigrational.rs` (≥ 100×).
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

criterion_group!(benches, minimal, pipeline);
criterion_main!(benches);
