//! Health of one cross pool with 1, 4 and 16 positions (`pool_health`).
//!
//! **Goal:** linear in the positions, ≤ 100 ns per position on one core of
//! a 2020s server or laptop (a matching engine calls it on every mark
//! update for every account holding the market). Also checked against the
//! exact big-rational reference in `benches/bigrational.rs` (≥ 100×).
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

criterion_group!(benches, health);
criterion_main!(benches);
