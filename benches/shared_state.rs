//! Criterion benches of the shared-state pieces (filled in as they land).
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

fn placeholder(c: &mut Criterion) {
    c.bench_function("noop", |b| b.iter(|| criterion::black_box(1_u64)));
}

criterion_group!(benches, placeholder);
criterion_main!(benches);
