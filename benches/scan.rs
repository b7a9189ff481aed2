//! Batch scan of 1,000,000 single-position accounts (`Scanner::scan`), next
//! to a plain sum over the same bytes (the accounts' 16 and the positions'
//! 24 bytes each: 40 MB) in the same run.
//!
//! **Goal:** the scan reaches ≥ 50 % of the machine's streaming bandwidth,
//! measured as `time(plain sum) / time(scan) ≥ 0.5`.
//!
//! Two price points: the mark the population was built at (no account
//! liquidatable, a few near the boundary take the exact path) and 1 % lower
//! (about 1 % of the accounts liquidatable, each reported with its exact
//! health).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use partliq::*;

/// 1,000,000 under `cargo bench` (see `common::scaled`).
fn n() -> usize {
    scaled(1_000_000)
}
const MARK: i64 = 5_700_000;

/// A plain sum over every byte the scan reads, as the fields the scan
/// reads them.
fn plain_sum(accounts: &[ScanAccount], positions: &[Position]) -> u64 {
    let a = accounts.iter().fold(0u64, |s, a| {
        s.wrapping_add(a.collateral.0 as u64).wrapping_add(u64::from(a.first_position)).wrapping_add(u64::from(a.position_count))
    });
    positions
        .iter()
        .fold(a, |s, p| s.wrapping_add(u64::from(p.market_index)).wrapping_add(p.size.0 as u64).wrapping_add(p.quote_balance.0 as u64))
}

fn scan(c: &mut Criterion) {
    let (accounts, positions) = population(n(), MARK, 500_000, 0, 42);
    let markets = [single_tier()];
    let bytes = (core::mem::size_of_val(accounts.as_slice()) + core::mem::size_of_val(positions.as_slice())) as u64;
    let mut out = vec![ScanHit::default(); n() / 20];
    // The ratio, robust to a loaded machine: the fastest of 15 interleaved
    // runs of each.
    {
        let prices = [Price(MARK)];
        let (mut best_sum, mut best_scan) = (f64::MAX, f64::MAX);
        for _ in 0..15 {
            let t = std::time::Instant::now();
            black_box(plain_sum(black_box(&accounts), black_box(&positions)));
            best_sum = best_sum.min(t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            black_box(scan_accounts(&markets, &prices, black_box(&accounts), black_box(&positions), 0, &mut out));
            best_scan = best_scan.min(t.elapsed().as_secs_f64());
        }
        println!(
            "scan_1m: interleaved best of 15: plain sum {:.3} ms ({:.1} GB/s), scan {:.3} ms ({:.1} GB/s): ratio {:.2}",
            best_sum * 1e3,
            bytes as f64 / best_sum / 1e9,
            best_scan * 1e3,
            bytes as f64 / best_scan / 1e9,
            best_sum / best_scan
        );
    }
    let mut g = c.benchmark_group("scan_1m");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("plain_sum", |b| b.iter(|| plain_sum(black_box(&accounts), black_box(&positions))));
    for (name, mark) in [("at_mark", MARK), ("mark_minus_1pct", MARK * 99 / 100)] {
        let prices = [Price(mark)];
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
        assert_eq!(r.end, ScanEnd::Complete);
        println!("scan_1m/{name}: {} liquidatable, {} exact checks", r.count, r.exact_checks);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut table = [ScanMarket::EMPTY; 1];
                let s = Scanner::new(&mut table, &markets, &prices);
                s.scan(black_box(&accounts), black_box(&positions), 0, &mut out)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
