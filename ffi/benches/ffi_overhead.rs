//! The same calls as `benches/health.rs` and `benches/liquidation.rs`
//! through the C ABI from Rust (`partliq_ffi::partliq_*`), next to the
//! direct calls, in the same run.
//!
//! **Goal:** each C ABI call ≤ 1.1× its direct call (the boundary's NULL,
//! length, alignment and reserved-field checks and the status mapping cost
//! under 10 %). `partliq_run_pipeline` is not measured here.
#![allow(missing_docs, unsafe_code, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

// The benchmarks' shared markets and populations (the core's benches).
#[path = "../../benches/common/mod.rs"]
mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::*;
use partliq_ffi::*;

fn c_market(m: &Market) -> partliq_market {
    let mut tiers = [partliq_margin_tier { notional_floor: 0, initial_ppm: 0, maintenance_ppm: 0 }; PARTLIQ_MAX_TIERS];
    for (t, s) in tiers.iter_mut().zip(m.tiers.iter()) {
        *t = partliq_margin_tier { notional_floor: s.notional_floor.0, initial_ppm: s.initial.0, maintenance_ppm: s.maintenance.0 };
    }
    partliq_market {
        id: m.id,
        quote_exponent: m.quote_exponent,
        lot_step: m.lot_step.0,
        tick: m.tick.0,
        tiers,
        tier_count: m.tier_count,
        liquidation_fee_ppm: m.liquidation_fee.0,
        liquidator_fee_share_ppm: m.liquidator_fee_share.0,
        liquidation_fee_rounding: 0,
        dust_floor: m.dust_floor.0,
    }
}

fn c_positions(ps: &[Position]) -> Vec<partliq_position> {
    ps.iter()
        .map(|p| partliq_position { market_index: p.market_index, reserved: 0, size: p.size.0, quote_balance: p.quote_balance.0 })
        .collect()
}

fn health(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_health");
    for n in [1usize, 4, 16] {
        let (ms, ps) = markets(single_tier(), n);
        let positions = pool_positions(n);
        let coll = Quote(200_000 * USD);
        let pool = Pool::new(coll, &positions);
        let cm: Vec<partliq_market> = ms.iter().map(c_market).collect();
        let cp = c_positions(&positions);
        let cprices: Vec<i64> = ps.iter().map(|p| p.0).collect();
        let mut out = partliq_health::default();
        // SAFETY: every pointer is valid for its length; out is valid.
        let st =
            unsafe { partliq_pool_health(cm.as_ptr(), cm.len(), cprices.as_ptr(), cprices.len(), coll.0, cp.as_ptr(), cp.len(), &mut out) };
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(out, partliq_health::from(&pool_health(&pool, &ms, &ps).unwrap()));
        g.bench_function(format!("direct/{n}"), |b| b.iter(|| pool_health(black_box(&pool), black_box(&ms), black_box(&ps)).unwrap()));
        g.bench_function(format!("c_abi/{n}"), |b| {
            b.iter(|| {
                // SAFETY: as above.
                let st = unsafe {
                    partliq_pool_health(
                        black_box(cm.as_ptr()),
                        cm.len(),
                        cprices.as_ptr(),
                        cprices.len(),
                        coll.0,
                        black_box(cp.as_ptr()),
                        cp.len(),
                        &mut out,
                    )
                };
                black_box((st, out))
            })
        });
    }
    g.finish();
}

fn minimal(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_minimal_close");
    for (name, tiered) in [("single_tier", false), ("16_tiers", true)] {
        let (ms, ps, coll, positions) = liquidatable(tiered);
        let pool = Pool::new(coll, &positions);
        let req = close_request(&pool, &ms, &ps);
        let cm: Vec<partliq_market> = ms.iter().map(c_market).collect();
        let cp = c_positions(&positions);
        let cprices: Vec<i64> = ps.iter().map(|p| p.0).collect();
        let Target::Maintenance { buffer } = req.target else { unreachable!() };
        let creq = partliq_close_request {
            position_index: 0,
            target: partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: buffer.0 },
            reserved: 0,
            execution_price: req.execution_price.0,
        };
        let mut out = partliq_close_sizing::default();
        // SAFETY: every pointer is valid for its length; out is valid.
        let st = unsafe {
            partliq_minimal_close(cm.as_ptr(), cm.len(), cprices.as_ptr(), cprices.len(), coll.0, cp.as_ptr(), cp.len(), &creq, &mut out)
        };
        assert_eq!(st, PARTLIQ_STATUS_OK);
        let direct = minimal_close(&pool, &ms, &ps, &req).unwrap();
        assert_eq!((out.size_delta, out.expected_fee), (direct.size_delta.0, direct.expected_fee.0));
        g.bench_function(format!("direct/{name}"), |b| {
            b.iter(|| minimal_close(black_box(&pool), black_box(&ms), black_box(&ps), black_box(&req)).unwrap())
        });
        g.bench_function(format!("c_abi/{name}"), |b| {
            b.iter(|| {
                // SAFETY: as above.
                let st = unsafe {
                    partliq_minimal_close(
                        black_box(cm.as_ptr()),
                        cm.len(),
                        cprices.as_ptr(),
                        cprices.len(),
                        coll.0,
                        black_box(cp.as_ptr()),
                        cp.len(),
                        black_box(&creq),
                        &mut out,
                    )
                };
                black_box((st, out))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, health, minimal);
criterion_main!(benches);
