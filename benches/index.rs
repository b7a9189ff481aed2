//! The liquidation-price index against a full scan, for a 1 % move of the
//! mark over 1,000,000 single-position accounts: `candidates(p1)` (two
//! binary searches) confirmed with the exact check (`Scanner::confirm`)
//! versus `Scanner::scan` of every account — the same hits, asserted before
//! timing. Also the cost of re-keying one account (remove + insert: a
//! memmove of up to the whole side).
//!
//! **Goal:** the index ≥ 100× faster than the full scan.
//!
//! Three populations (half long, half short, liquidation prices uniform
//! over 50 % of the mark away from it): every account leveraged (about 1 %
//! of them cross on a 1 % move), 90 % fully funded (about 0.1 % cross) and
//! 99 % fully funded (about 0.01 % cross). The index's cost is the exact
//! check of the `k` accounts that cross, the full scan's is `n` fast checks
//! plus the same `k` exact ones.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::*;

/// 1,000,000 under `cargo bench` (see `common::scaled`).
fn n() -> usize {
    scaled(1_000_000)
}
const MARK: i64 = 5_700_000;

fn index(c: &mut Criterion) {
    let markets = [single_tier()];
    let p0 = [Price(MARK)];
    let p1 = [Price(MARK * 99 / 100)];
    let mut g = c.benchmark_group("index_1m");
    g.sample_size(20);
    for (name, funded) in [("all_leveraged", 0u64), ("90pct_funded", 900_000), ("99pct_funded", 990_000)] {
        let (accounts, positions) = population(n(), MARK, 500_000, funded, 7);
        let mut longs = vec![IndexEntry::default(); n()];
        let mut shorts = vec![IndexEntry::default(); n()];
        let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
        for a in 0..n() as u32 {
            ix.push_account_unsorted(a, &accounts, &positions, &markets, &p0, &p0).unwrap();
        }
        ix.sort();
        // Same hits both ways.
        let mut out = vec![ScanHit::default(); n() / 10];
        let mut out2 = vec![ScanHit::default(); n() / 10];
        let mut table = [ScanMarket::EMPTY; 1];
        let s = Scanner::new(&mut table, &markets, &p1);
        let full = s.scan(&accounts, &positions, 0, &mut out);
        let (l, sh) = ix.candidates(p1[0]);
        assert!(sh.is_empty() || sh.iter().all(|e| e.key <= p1[0].0));
        let via = s.confirm(l, &accounts, &positions, 0, &mut out2);
        let mut a: Vec<usize> = out[..full.count].iter().map(|h| h.account_index).collect();
        let mut b: Vec<usize> = out2[..via.count].iter().map(|h| h.account_index).collect();
        let via_s = s.confirm(sh, &accounts, &positions, 0, &mut out2);
        b.extend(out2[..via_s.count].iter().map(|h| h.account_index));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        println!(
            "index_1m/{name}: {} hits, {} candidates, {} crossed on the move",
            full.count,
            l.len() + sh.len(),
            ix.crossed(p0[0], p1[0]).len()
        );
        g.bench_function(format!("{name}/full_scan"), |bch| {
            bch.iter(|| {
                let mut table = [ScanMarket::EMPTY; 1];
                Scanner::new(&mut table, &markets, &p1).scan(black_box(&accounts), &positions, 0, &mut out)
            })
        });
        g.bench_function(format!("{name}/index"), |bch| {
            bch.iter(|| {
                let mut table = [ScanMarket::EMPTY; 1];
                let s = Scanner::new(&mut table, &markets, &p1);
                let (l, sh) = ix.candidates(black_box(p1[0]));
                let r1 = s.confirm(l, &accounts, &positions, 0, &mut out);
                let r2 = s.confirm(sh, &accounts, &positions, 0, &mut out2);
                (r1.count, r2.count)
            })
        });
        // Re-keying one account in the middle of the long side.
        let e = ix.longs()[ix.longs().len() / 2];
        g.bench_function(format!("{name}/rekey_one"), |bch| {
            bch.iter(|| {
                assert!(ix.remove(Side::Long, black_box(&e)));
                ix.insert(Side::Long, e).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);
