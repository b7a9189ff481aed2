//! partliq against an exact big-rational reference of the same health and
//! minimal-close sizing (`tests/bigrational_ref`: `num-bigint` /
//! `num-rational`, the way dYdX v4 computes with `big.Int` / `big.Rat`), on
//! the inputs of `benches/health.rs` and `benches/liquidation.rs`. The
//! results are asserted identical before timing (and in
//! `tests/conformance/bigrational.rs`).
//!
//! **Goal:** partliq ≥ 100× faster than the reference, with identical
//! results on every input.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

mod common;
#[path = "../tests/bigrational_ref/mod.rs"]
mod reference;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::*;
use reference::*;

fn health(c: &mut Criterion) {
    let mut g = c.benchmark_group("bigrational_health");
    for n in [1usize, 16] {
        let (ms, ps) = markets(sixteen_tiers(), n);
        let positions = pool_positions(n);
        let coll = 200_000 * USD;
        let pool = Pool::new(Quote(coll), &positions);
        assert_eq!(pool_health(&pool, &ms, &ps).unwrap(), pool_health_ref(coll, &positions, &ms, &ps));
        g.bench_function(format!("partliq/{n}"), |b| b.iter(|| pool_health(black_box(&pool), black_box(&ms), black_box(&ps)).unwrap()));
        g.bench_function(format!("reference/{n}"), |b| b.iter(|| pool_health_ref(black_box(coll), black_box(&positions), &ms, &ps)));
    }
    g.finish();
}

fn sizing(c: &mut Criterion) {
    let mut g = c.benchmark_group("bigrational_minimal_close");
    for (name, tiered) in [("single_tier", false), ("16_tiers", true)] {
        let (ms, ps, coll, positions) = liquidatable(tiered);
        let pool = Pool::new(coll, &positions);
        let req = close_request(&pool, &ms, &ps);
        let mine = minimal_close(&pool, &ms, &ps, &req).unwrap();
        assert_eq!(RefClose::of(&mine), minimal_close_ref(coll.0, &positions, &ms, &ps, &req));
        g.bench_function(format!("partliq/{name}"), |b| {
            b.iter(|| minimal_close(black_box(&pool), black_box(&ms), black_box(&ps), black_box(&req)).unwrap())
        });
        g.bench_function(format!("reference/{name}"), |b| {
            b.iter(|| minimal_close_ref(black_box(coll.0), black_box(&positions), &ms, &ps, black_box(&req)))
        });
    }
    g.finish();
}

criterion_group!(benches, health, sizing);
criterion_main!(benches);
