//! Criterion benches of the shared-state pieces:
//!
//! ```sh
//! cargo bench --bench shared_state -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! * a parameter read (copy-out of 4 markets, 152 words; and of one `u64`),
//!   with no writer and with a writer publishing in a loop on another thread;
//! * a capacity reserve + commit pair (window and block budgets);
//! * an insurance fund debit.
#![allow(missing_docs, clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use criterion::{criterion_group, criterion_main, Criterion};
use partliq::shared::{Capacity, CapacityLimits, Params, Payload, SharedInsuranceFund};
use partliq::{Market, Ppm, Quote};

fn mem(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

fn markets(seed: i64) -> [Market; 4] {
    core::array::from_fn(|i| {
        let mut m = Market::single_tier(-4, 1_000 + seed, 100, Ppm(100_000), Ppm(50_000));
        m.id = i as u32;
        m
    })
}

fn read_bench<T: Payload + Send + Sync>(c: &mut Criterion, name: &str, make: fn(i64) -> T) {
    let slots = 3;
    let mut m = mem(Params::<T>::words(slots).unwrap());
    let p = Params::init(&mut m, slots, &make(0)).unwrap();
    c.bench_function(&format!("params/read/{name}/no_writer"), |b| b.iter(|| black_box(p.read().unwrap())));
    let stop = AtomicBool::new(false);
    let published = AtomicU64::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                if p.publish(&make(n)).is_ok() {
                    published.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        c.bench_function(&format!("params/read/{name}/concurrent_writer"), |b| b.iter(|| black_box(p.read().unwrap())));
        stop.store(true, Ordering::Relaxed);
    });
    // (In `cargo test` mode each bench runs once: the writer may not have
    // published yet, so this is reported rather than asserted.)
    eprintln!("params/read/{name}: the writer published {} versions meanwhile", published.load(Ordering::Relaxed));
}

fn params(c: &mut Criterion) {
    read_bench(c, "4_markets", markets);
    read_bench(c, "u64", |n| n as u64);
}

fn capacity(c: &mut Criterion) {
    let limits = [CapacityLimits { window_len: 60, window_budget: 1 << 40, block_budget: 1 << 40 }];
    let mut m = mem(Capacity::words(1, 64).unwrap());
    let cap = Capacity::init(&mut m, &limits, 64).unwrap();
    let mut now = 0_u64;
    c.bench_function("capacity/reserve_commit", |b| {
        b.iter(|| {
            now += 1;
            let r = cap.reserve(0, 1_000, now, now / 4, false).unwrap();
            cap.commit(r.reservation, black_box(600)).unwrap();
        })
    });
}

fn fund(c: &mut Criterion) {
    let mut m = mem(SharedInsuranceFund::words());
    let f = SharedInsuranceFund::init(&mut m, Quote(i64::MAX), Quote(0)).unwrap();
    c.bench_function("fund/debit", |b| b.iter(|| black_box(f.debit(black_box(Quote(1))).unwrap())));
}

criterion_group!(benches, params, capacity, fund);
criterion_main!(benches);
