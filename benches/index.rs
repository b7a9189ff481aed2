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
//!
//! **Per crossing account** (same run): the query and its confirmation
//! over the number of candidates, against `pool_health` of the same
//! accounts read in the same order (what one exact check of each costs
//! where the accounts lie) and of one account in cache (the README's
//! `pool_health` row); and the confirmation alone (the query's answer in
//! hand, the scanner built for the update) against `pool_health` alone of the same accounts in the same
//! order. **Goal:** confirming a crossing account costs no more than one
//! `pool_health`. Printed as `per_crossing` lines: medians of 15 timed
//! rounds.
//!
//! The unified move index (`unified::index`) on the same kind of move:
//! 1,000,000 unified accounts (a deposit of a weighted asset, a borrow of
//! the quote asset at par, one cross perp), the perp's mark and the
//! asset's price both 1 % lower: the candidates (`key ≤ 10,000` on the
//! fall side) confirmed with the exact unified health versus the unified
//! scan of every pool, and per crossing pool against `unified_pool_health`
//! of the same pools; and keying alone (`unified_index_keying`: the three
//! move keys of each of 10,000 of those accounts, first, so that a filter
//! on it times it before the other groups build their populations).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::unified::*;
use partliq::*;
use std::time::Instant;

/// Median of `rounds` timings of `f`, in nanoseconds.
fn median_ns<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut t: Vec<f64> = (0..rounds)
        .map(|_| {
            let s = Instant::now();
            black_box(f());
            s.elapsed().as_nanos() as f64
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[t.len() / 2]
}

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
        // Per crossing account, in one run: query + confirm over the
        // candidates, against pool_health of the same accounts (in the
        // same order) and of one account in cache.
        let k = (l.len() + sh.len()).max(1);
        let via_index = median_ns(15, || {
            let mut table = [ScanMarket::EMPTY; 1];
            let s = Scanner::new(&mut table, &markets, &p1);
            let (l, sh) = ix.candidates(p1[0]);
            s.confirm(l, &accounts, &positions, 0, &mut out).count + s.confirm(sh, &accounts, &positions, 0, &mut out2).count
        });
        // The confirmation alone (the query's answer taken, and the
        // scanner's table built for the update, before timing): what the
        // goal bounds.
        let mut update_table = [ScanMarket::EMPTY; 1];
        let update_scanner = Scanner::new(&mut update_table, &markets, &p1);
        let confirm_only = median_ns(15, || {
            update_scanner.confirm(black_box(l), &accounts, &positions, 0, &mut out).count
                + update_scanner.confirm(black_box(sh), &accounts, &positions, 0, &mut out2).count
        });
        let health_of = |e: &IndexEntry| {
            let a = &accounts[e.account as usize];
            pool_health(&Pool::new(a.collateral, a.positions(&positions).unwrap()), &markets, &p1).map(|h| h.state)
        };
        let same_order = median_ns(15, || {
            let (l, sh) = ix.candidates(p1[0]);
            l.iter().chain(sh).filter(|e| health_of(black_box(e)) != Ok(HealthState::Healthy)).count()
        });
        let health_alone = median_ns(15, || l.iter().chain(sh).filter(|e| health_of(black_box(e)) != Ok(HealthState::Healthy)).count());
        let first = l.first().or(sh.first()).copied().unwrap_or_default();
        let hot = median_ns(15, || (0..k).filter(|_| health_of(black_box(&first)) != Ok(HealthState::Healthy)).count());
        // The candidates sorted by account slot first (into a buffer kept
        // between updates), then confirmed: the accounts read in order.
        let mut buf: Vec<IndexEntry> = Vec::with_capacity(k);
        let sorted = median_ns(15, || {
            let mut table = [ScanMarket::EMPTY; 1];
            let s = Scanner::new(&mut table, &markets, &p1);
            let (l, sh) = ix.candidates(p1[0]);
            buf.clear();
            buf.extend_from_slice(l);
            buf.extend_from_slice(sh);
            buf.sort_unstable_by_key(|e| e.account);
            s.confirm(&buf, &accounts, &positions, 0, &mut out).count
        });
        let (pc, po, ph, ps) = (via_index / k as f64, same_order / k as f64, hot / k as f64, sorted / k as f64);
        let (co, ho) = (confirm_only / k as f64, health_alone / k as f64);
        println!(
            "per_crossing index_1m/{name}: {k} candidates; query+confirm {pc:.1} ns each; confirm alone {co:.1} ns against pool_health alone of the same accounts {ho:.1} ns ({:.2}×); pool_health of the same accounts {po:.1} ns ({:.2}×), of one account in cache {ph:.1} ns ({:.2}×); sorted by account first {ps:.1} ns ({:.2}× in cache)",
            co / ho,
            pc / po,
            pc / ph,
            ps / ph
        );
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

fn unified_index(c: &mut Criterion) {
    let markets = [single_tier()];
    let assets = [Asset::at_par(0), Asset::weighted(-4, (Ppm(900_000), Ppm(950_000)), (Ppm(1_100_000), Ppm(1_050_000)))];
    let (p0, p1) = ([Price(MARK)], [Price(MARK * 99 / 100)]);
    let (a0, a1) = ([Price(1), Price(MARK)], [Price(1), Price(MARK * 99 / 100)]);
    let reference = MarginBook { assets: &assets, asset_prices: &a0, ..MarginBook::perps(&markets, &p0) };
    let now = MarginBook { assets: &assets, asset_prices: &a1, ..MarginBook::perps(&markets, &p1) };
    let ladder = MarginLadder::STANDARD;
    let (accounts, balances, positions) = unified_population(n(), MARK, 11);
    let (mut d, mut u, mut b) =
        (vec![UnifiedIndexEntry::default(); n()], vec![UnifiedIndexEntry::default(); n()], vec![UnifiedIndexEntry::default(); n()]);
    let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
    let keyed = Instant::now();
    for (i, a) in accounts.iter().enumerate() {
        ix.push_account_unsorted(i as u32, &a.view(&balances, &positions).unwrap(), &reference, &ladder).unwrap();
    }
    ix.sort();
    let keyed = keyed.elapsed();
    let mv = PriceMove::between(&reference, &now).unwrap();
    let s = UnifiedScanner::new(now, ladder);
    // Same hits both ways.
    let mut out = vec![UnifiedScanHit::default(); n() / 5];
    let full = s.scan_flat(&accounts, &balances, &positions, UnifiedCursor::default(), &mut out);
    assert_eq!(full.end, ScanEnd::Complete);
    let mut want: Vec<usize> = out[..full.count].iter().map(|h| h.account_index).collect();
    let cands = ix.candidates(mv);
    let via = s.confirm(cands, &accounts, &balances, &positions, 0, &mut out);
    assert_eq!(via.end, ScanEnd::Complete);
    let mut got: Vec<usize> = out[..via.count].iter().map(|h| h.account_index).collect();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    let k = cands.len().max(1);
    println!(
        "unified_index_1m: keyed {} accounts in {:.2} s ({:.0} ns each); move {mv:?}: {} hits, {} candidates",
        n(),
        keyed.as_secs_f64(),
        keyed.as_nanos() as f64 / n() as f64,
        got.len(),
        cands.len()
    );
    let via_index = median_ns(15, || s.confirm(ix.candidates(black_box(mv)), &accounts, &balances, &positions, 0, &mut out).count);
    let health_of = |e: &UnifiedIndexEntry| {
        let a = accounts[e.account as usize].view(&balances, &positions).unwrap();
        unified_pool_health(&a.pool(e.pool as usize).unwrap(), &now, &ladder).map(|h| is_hit(&h))
    };
    let same = median_ns(15, || ix.candidates(mv).iter().filter(|e| health_of(black_box(e)) == Ok(true)).count());
    let first = cands.first().copied().unwrap_or_default();
    let hot = median_ns(15, || (0..k).filter(|_| health_of(black_box(&first)) == Ok(true)).count());
    let mut buf: Vec<UnifiedIndexEntry> = Vec::with_capacity(k);
    let sorted = median_ns(15, || {
        buf.clear();
        buf.extend_from_slice(ix.candidates(black_box(mv)));
        buf.sort_unstable_by_key(|e| (e.account, e.pool));
        s.confirm(&buf, &accounts, &balances, &positions, 0, &mut out).count
    });
    let (pc, po, ph, ps) = (via_index / k as f64, same / k as f64, hot / k as f64, sorted / k as f64);
    println!(
        "per_crossing unified_index_1m: {k} candidates; query+confirm {pc:.1} ns each; unified_pool_health of the same pools {po:.1} ns ({:.2}×), of one pool in cache {ph:.1} ns ({:.2}×); sorted by account first {ps:.1} ns ({:.2}× in cache)",
        pc / po,
        pc / ph,
        ps / ph
    );
    let mut g = c.benchmark_group("unified_index_1m");
    g.sample_size(10);
    g.bench_function("full_scan", |bch| {
        bch.iter(|| s.scan_flat(black_box(&accounts), &balances, &positions, UnifiedCursor::default(), &mut out).count)
    });
    g.bench_function("index", |bch| {
        bch.iter(|| s.confirm(ix.candidates(black_box(mv)), &accounts, &balances, &positions, 0, &mut out).count)
    });
    g.finish();
}

/// Keying alone: the three move keys (`pool_keys`) of each pool of 10,000
/// accounts of the unified population above, against the reference book —
/// what bulk building and every re-key pay per account before the entries
/// go in. Criterion's figure is for the 10,000 accounts (its throughput
/// line gives accounts a second). It runs first: `cargo bench --bench index
/// -- unified_index_keying` times only it (the other groups' populations
/// are still built after it).
fn unified_keying(c: &mut Criterion) {
    let markets = [single_tier()];
    let assets = [Asset::at_par(0), Asset::weighted(-4, (Ppm(900_000), Ppm(950_000)), (Ppm(1_100_000), Ppm(1_050_000)))];
    let (p0, a0) = ([Price(MARK)], [Price(1), Price(MARK)]);
    let reference = MarginBook { assets: &assets, asset_prices: &a0, ..MarginBook::perps(&markets, &p0) };
    let ladder = MarginLadder::STANDARD;
    let n = 10_000;
    let (accounts, balances, positions) = unified_population(n, MARK, 11);
    let views: Vec<UnifiedAccount<'_>> = accounts.iter().map(|a| a.view(&balances, &positions).unwrap()).collect();
    let key_all = || {
        let mut sum = 0u64;
        for v in &views {
            for k in 0..v.pool_count() {
                let keys = pool_keys(&v.pool(k).unwrap(), black_box(&reference), &ladder);
                sum = sum.wrapping_add(u64::from(keys.down) ^ u64::from(keys.up) << 1 ^ u64::from(keys.both) << 2);
            }
        }
        sum
    };
    let per = median_ns(5, key_all) / n as f64;
    println!("unified_index_keying: {n} accounts, median of 5: {per:.0} ns an account (three keys)");
    let mut g = c.benchmark_group("unified_index_keying");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(n as u64));
    g.bench_function("pool_keys_10k", |b| b.iter(key_all));
    g.finish();
}

criterion_group!(benches, unified_keying, index, unified_index);
criterion_main!(benches);
