//! The per-tick hot path through the C ABI, against the core: the scanner
//! over caller memory (`partliq_scanner_*`: NULL, misaligned, undersized,
//! blank and stale memory refused with nothing written; otherwise exactly
//! the core's `Scanner::scan` and `Scanner::confirm`), the liquidation-price
//! index (`partliq_index_*`: the same inserts, counts and query answers as a
//! core index over its own storage, and after a re-key and a removal the
//! same counts (`partliq_index_info`), crossed entries and removals; another
//! market refused; the declared alignments serve the tables) and
//! `partliq_sort_by_priority` (the core's order, the buffer untouched on
//! error), and `partliq_unified_scan` (the boundary's refusals with nothing
//! written; otherwise exactly the core's `UnifiedScanner::scan_flat`,
//! outcome and hits, and a resume loop that ends).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::index::{candidates_of, crossed_of, IndexEntry, LiquidationIndex};
use partliq::priority::{sort_by_priority, PriorityItem, PriorityOrder};
use partliq::scan::{ScanEnd, ScanHit, ScanMarket, Scanner};
use partliq::{Price, Quote, ScanAccount};
use partliq_ffi::*;
use partliq_fuzz::unified::{core_scan_account, scan_accounts, LadderIn, UnifiedArgs, UnifiedIn, UnifiedShapes};
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
enum Mem {
    Exact,
    Exact2,
    Exact3,
    Short(u8),
    Misaligned,
    Null,
    Blank,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct AccountIn {
    collateral: I64,
    first: u8,
    count: u8,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    accounts: Vec<AccountIn>,
    mem: Mem,
    /// Change one mark between build and scan (a stale table).
    stale: Option<(u8, I64)>,
    hits_len: u8,
    start: u8,
    index_mem: Mem,
    capacity: u8,
    market: u8,
    query_market: u8,
    query_price: I64,
    query_start: u8,
    query_len: u8,
    /// The crossed query's other end.
    crossed_to: I64,
    /// Re-key this account with its collateral moved by this much.
    rekey: (u8, I64),
    /// Then remove this account.
    remove: u8,
    items: Vec<(I64, I64, I64, I64, I64)>,
    order: u8,
    indices: Vec<u8>,
    unified: UnifiedScanIn,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct UnifiedScanIn {
    data: UnifiedIn,
    shapes: UnifiedShapes,
    /// (first balance, balance count, first position, position count).
    accounts: Vec<(u8, u8, u8, u8)>,
    accounts_shape: ArrShape,
    start: (u8, u8),
    ladder: LadderIn,
    ladder_ptr: OutPtr,
    hits: OutPtr,
    hits_len: u8,
    out: OutPtr,
}

/// 16-byte aligned memory of `bytes`, and the pointer and length a shape gives.
fn memory(shape: &Mem, need: usize) -> (Vec<u128>, usize, usize) {
    // 16-byte memory serves both tables; an offset of 4 serves neither.
    assert!(partliq_scanner_align().is_power_of_two() && 16 % partliq_scanner_align() == 0 && partliq_scanner_align() > 4);
    assert!(partliq_index_align().is_power_of_two() && 16 % partliq_index_align() == 0 && partliq_index_align() > 4);
    let buf = vec![0u128; need / 16 + 2];
    let (off, len) = match shape {
        Mem::Exact | Mem::Exact2 | Mem::Exact3 | Mem::Blank => (0, need),
        Mem::Short(k) => (0, need.saturating_sub(1 + usize::from(*k))),
        Mem::Misaligned => (4, need),
        Mem::Null => (usize::MAX, need),
    };
    (buf, off, len)
}

fn ptr(buf: &mut [u128], off: usize) -> *mut core::ffi::c_void {
    if off == usize::MAX {
        core::ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast::<u8>().wrapping_add(off).cast()
    }
}

fn end_code(e: ScanEnd) -> (u32, partliq_status) {
    match e {
        ScanEnd::Complete => (0, PARTLIQ_STATUS_OK),
        ScanEnd::BufferFull => (1, PARTLIQ_STATUS_OK),
        ScanEnd::Failed(e) => (2, e as u32),
    }
}

fn hit_of(h: &ScanHit) -> partliq_scan_hit {
    partliq_scan_hit { account_index: h.account_index as u64, health: partliq_health::from(&h.health) }
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, 24);
    let accounts: Vec<partliq_scan_account> = inp
        .accounts
        .iter()
        .take(16)
        .map(|a| partliq_scan_account {
            collateral: a.collateral.get(),
            first_position: u32::from(a.first),
            position_count: u32::from(a.count % 8),
        })
        .collect();
    let core_accounts: Vec<ScanAccount> = accounts
        .iter()
        .map(|a| ScanAccount { collateral: Quote(a.collateral), first_position: a.first_position, position_count: a.position_count })
        .collect();
    let (ms, ps) = (&data.markets, &data.prices);
    let markets_status = ms.iter().find_map(fee_rounding_status);

    // ---- The scanner.
    let need = partliq_scanner_size(ms.len());
    let (mut buf, off, len) = memory(&inp.mem, need);
    let mem = ptr(&mut buf, off);
    let built = if matches!(inp.mem, Mem::Blank) {
        PARTLIQ_STATUS_OK
    } else {
        // SAFETY: `mem` is NULL, misaligned (refused) or valid for `len` ≤ its bytes.
        unsafe { partliq_scanner_init(mem, len, ms.as_ptr(), ms.len(), ps.as_ptr(), ps.len()) }
    };
    assert_named(built);
    let want_init = match inp.mem {
        Mem::Null => PARTLIQ_STATUS_NULL_POINTER,
        Mem::Misaligned => PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED,
        Mem::Short(_) => PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL,
        Mem::Blank => PARTLIQ_STATUS_OK, // never laid out: the scan refuses it
        _ => markets_status.unwrap_or(PARTLIQ_STATUS_OK),
    };
    assert_eq!(built, want_init);
    if built != PARTLIQ_STATUS_OK {
        if off != usize::MAX {
            assert!(buf.iter().all(|w| *w == 0), "a refused init wrote");
        }
    } else {
        let mut scan_prices = ps.clone();
        let mut stale = false;
        if let Some((i, v)) = inp.stale {
            let at = usize::from(i) % (ps.len() + 1);
            if let Some(p) = scan_prices.get_mut(at) {
                // Marks beyond the markets are read by nothing: not stale.
                stale = *p != v.get() && at < ms.len();
                *p = v.get();
            }
        }
        let n_hits = usize::from(inp.hits_len % 12);
        let mut hits = OutSlot::<partliq_scan_hit>::array(OutPtr::Valid, n_hits);
        let mut out = OutSlot::<partliq_scan_outcome>::new(OutPtr::Valid);
        let start = usize::from(inp.start % 20);
        // SAFETY: valid arrays and outputs; `mem` laid out above.
        let st = unsafe {
            partliq_scanner_scan(
                mem,
                len,
                ms.as_ptr(),
                ms.len(),
                scan_prices.as_ptr(),
                scan_prices.len(),
                accounts.as_ptr(),
                accounts.len(),
                data.positions.as_ptr(),
                data.positions.len(),
                start,
                hits.ptr(),
                n_hits,
                out.ptr(),
            )
        };
        // The positions of `accounts[start..]` are checked, the others not.
        let boundary = PoolData::boundary_reading(&data.positions, ms, &accounts, start as u32..accounts.len() as u32);
        let want = if matches!(inp.mem, Mem::Blank) {
            PARTLIQ_STATUS_TABLE_NOT_INITIALIZED
        } else if stale {
            PARTLIQ_STATUS_STALE_SCAN_TABLE
        } else {
            boundary.unwrap_or(PARTLIQ_STATUS_OK)
        };
        assert_eq!(st, want);
        if st != PARTLIQ_STATUS_OK {
            hits.assert_untouched("scanner_scan hits");
            out.assert_untouched("scanner_scan outcome");
        } else {
            let (cm, cp, cq) = (data.core_markets(), data.core_prices(), data.core_positions());
            let mut table = vec![ScanMarket::EMPTY; cm.len()];
            let scanner = Scanner::new(&mut table, &cm, &cp);
            let mut core_hits = vec![ScanHit::default(); n_hits];
            let r = scanner.scan(&core_accounts, &cq, start, &mut core_hits);
            let o = out.read(0);
            let (end, error) = end_code(r.end);
            assert_eq!(
                (o.count, o.next, o.exact_checks, o.end, o.error),
                (r.count as u64, r.next as u64, r.exact_checks as u64, end, error)
            );
            for (k, h) in core_hits.iter().take(r.count).enumerate() {
                assert_eq!(hits.read(k), hit_of(h));
            }
            hits.assert_untouched_from(r.count, "scanner_scan hits");
            // Confirm every (account, position 0) pair as an index would name them.
            let entries: Vec<partliq_index_entry> =
                (0..accounts.len() as u32 + 1).map(|a| partliq_index_entry { key: 0, account: a, position: 0 }).collect();
            let core_entries: Vec<IndexEntry> =
                entries.iter().map(|e| IndexEntry { key: e.key, account: e.account, position: e.position }).collect();
            let mut hits = OutSlot::<partliq_scan_hit>::array(OutPtr::Valid, n_hits);
            // SAFETY: as above.
            let st = unsafe {
                partliq_scanner_confirm(
                    mem,
                    len,
                    ms.as_ptr(),
                    ms.len(),
                    ps.as_ptr(),
                    ps.len(),
                    entries.as_ptr(),
                    entries.len(),
                    accounts.as_ptr(),
                    accounts.len(),
                    data.positions.as_ptr(),
                    data.positions.len(),
                    0,
                    hits.ptr(),
                    n_hits,
                    out.ptr(),
                )
            };
            // Every account is named: all their positions are checked (the
            // scan from `start` may have skipped some).
            let want = PoolData::boundary_reading(&data.positions, ms, &accounts, entries.iter().map(|e| e.account));
            assert_eq!(st, want.unwrap_or(PARTLIQ_STATUS_OK));
            if st != PARTLIQ_STATUS_OK {
                hits.assert_untouched("scanner_confirm hits");
            } else {
                let r = scanner.confirm(&core_entries, &core_accounts, &cq, 0, &mut core_hits);
                let o = out.read(0);
                let (end, error) = end_code(r.end);
                assert_eq!(
                    (o.count, o.next, o.exact_checks, o.end, o.error),
                    (r.count as u64, r.next as u64, r.exact_checks as u64, end, error)
                );
                for (k, h) in core_hits.iter().take(r.count).enumerate() {
                    assert_eq!(hits.read(k), hit_of(h));
                }
            }
        }
    }

    // ---- The index.
    let capacity = usize::from(inp.capacity % 8) + 1;
    let market = u32::from(inp.market % 4);
    let need = partliq_index_size(capacity);
    let (mut ibuf, ioff, ilen) = memory(&inp.index_mem, need);
    let imem = ptr(&mut ibuf, ioff);
    if !matches!(inp.index_mem, Mem::Blank) {
        // SAFETY: as the scanner's memory.
        let st = unsafe { partliq_index_init(imem, ilen, market, capacity) };
        let want = match inp.index_mem {
            Mem::Null => PARTLIQ_STATUS_NULL_POINTER,
            Mem::Misaligned => PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED,
            Mem::Short(_) => PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL,
            _ => PARTLIQ_STATUS_OK,
        };
        assert_eq!(st, want);
        if st != PARTLIQ_STATUS_OK {
            return;
        }
    }
    let (mut longs, mut shorts) = (vec![IndexEntry::default(); capacity], vec![IndexEntry::default(); capacity]);
    let mut core_ix = LiquidationIndex::new(market, &mut longs, &mut shorts);
    let (cm, cp, cq) = (data.core_markets(), data.core_prices(), data.core_positions());
    // Each call checks the positions of the account it keys only.
    let batch_status = |a: u32| PoolData::boundary_reading(&data.positions, ms, &accounts, [a]);
    for a in 0..accounts.len() as u32 + 1 {
        let mut n = u64::MAX;
        // SAFETY: valid arrays; `imem` laid out above (or blank: refused).
        let st = unsafe {
            partliq_index_insert_account(
                imem,
                ilen,
                a,
                accounts.as_ptr(),
                accounts.len(),
                data.positions.as_ptr(),
                data.positions.len(),
                ms.as_ptr(),
                ms.len(),
                ps.as_ptr(),
                ps.len(),
                ps.as_ptr(),
                ps.len(),
                &mut n,
            )
        };
        if matches!(inp.index_mem, Mem::Blank) {
            assert_eq!(st, PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            return;
        }
        if let Some(b) = batch_status(a) {
            assert_eq!(st, b);
            assert_eq!(n, u64::MAX);
            continue;
        }
        let r = core_ix.insert_account(a, &core_accounts, &cq, &cm, &cp, &cp);
        assert_eq!(st, status_of(&r), "insert_account {a}");
        match r {
            Ok(k) => assert_eq!(n, k as u64),
            Err(_) => assert_eq!(n, u64::MAX),
        }
    }
    let qm = u32::from(inp.query_market % 4);
    let qlen = usize::from(inp.query_len % 10);
    let qstart = usize::from(inp.query_start % 12);
    let mut out = OutSlot::<partliq_index_entry>::array(OutPtr::Valid, qlen);
    let mut q = OutSlot::<partliq_index_query>::new(OutPtr::Valid);
    let price = inp.query_price.get();
    // SAFETY: valid outputs; `imem` laid out above.
    let st = unsafe { partliq_index_candidates(imem, ilen, qm, price, qstart, out.ptr(), qlen, q.ptr()) };
    if qm != market {
        assert_eq!(st, PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
        out.assert_untouched("index_candidates");
        q.assert_untouched("index_candidates query");
    } else {
        assert_eq!(st, PARTLIQ_STATUS_OK);
        let (l, s) = candidates_of(core_ix.longs(), core_ix.shorts(), Price(price));
        let all: Vec<IndexEntry> = l.iter().chain(s.iter()).copied().collect();
        let got = q.read(0);
        let want: Vec<IndexEntry> = all.iter().skip(qstart).take(qlen).copied().collect();
        assert_eq!((got.count, got.total, got.next), (want.len() as u64, all.len() as u64, (qstart + want.len()) as u64));
        for (k, e) in want.iter().enumerate() {
            assert_eq!(out.read(k), partliq_index_entry { key: e.key, account: e.account, position: e.position });
        }
        out.assert_untouched_from(want.len(), "index_candidates");
    }

    // ---- Index maintenance: info, crossed, re-key, remove — each as the core index.
    let stats = |ix: &LiquidationIndex<'_>| partliq_index_stats {
        capacity: capacity as u64,
        longs: ix.longs().len() as u64,
        shorts: ix.shorts().len() as u64,
        market_index: market,
        reserved: 0,
    };
    let mut info = OutSlot::<partliq_index_stats>::new(OutPtr::Valid);
    // SAFETY: a valid output; `imem` laid out above.
    assert_eq!(unsafe { partliq_index_info(imem, ilen, info.ptr()) }, PARTLIQ_STATUS_OK);
    assert_eq!(info.read(0), stats(&core_ix));
    // SAFETY: NULL output refused.
    assert_eq!(unsafe { partliq_index_info(imem, ilen, core::ptr::null_mut()) }, PARTLIQ_STATUS_NULL_POINTER);
    let to = inp.crossed_to.get();
    let mut out = OutSlot::<partliq_index_entry>::array(OutPtr::Valid, qlen);
    let mut q = OutSlot::<partliq_index_query>::new(OutPtr::Valid);
    // SAFETY: valid outputs; `imem` laid out above.
    let st = unsafe { partliq_index_crossed(imem, ilen, qm, price, to, qstart, out.ptr(), qlen, q.ptr()) };
    if qm != market {
        assert_eq!(st, PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
        out.assert_untouched("index_crossed");
        q.assert_untouched("index_crossed query");
    } else {
        assert_eq!(st, PARTLIQ_STATUS_OK);
        let all = crossed_of(core_ix.longs(), core_ix.shorts(), Price(price), Price(to));
        let got = q.read(0);
        let want: Vec<IndexEntry> = all.iter().skip(qstart).take(qlen).copied().collect();
        assert_eq!((got.count, got.total, got.next), (want.len() as u64, all.len() as u64, (qstart + want.len()) as u64));
        for (k, e) in want.iter().enumerate() {
            assert_eq!(out.read(k), partliq_index_entry { key: e.key, account: e.account, position: e.position });
        }
        out.assert_untouched_from(want.len(), "index_crossed");
    }
    let ra = u32::from(inp.rekey.0) % (accounts.len() as u32 + 1);
    let mut moved = accounts.clone();
    let mut core_moved = core_accounts.clone();
    if let (Some(a), Some(c)) = (moved.get_mut(ra as usize), core_moved.get_mut(ra as usize)) {
        a.collateral = a.collateral.wrapping_add(inp.rekey.1.get());
        c.collateral = Quote(a.collateral);
    }
    let (mut removed, mut inserted) = (u64::MAX, u64::MAX);
    // SAFETY: valid arrays and outputs; `imem` laid out above.
    let st = unsafe {
        partliq_index_rekey_account(
            imem,
            ilen,
            ra,
            moved.as_ptr(),
            moved.len(),
            data.positions.as_ptr(),
            data.positions.len(),
            ms.as_ptr(),
            ms.len(),
            ps.as_ptr(),
            ps.len(),
            ps.as_ptr(),
            ps.len(),
            &mut removed,
            &mut inserted,
        )
    };
    if let Some(b) = batch_status(ra) {
        assert_eq!(st, b);
        assert_eq!((removed, inserted), (u64::MAX, u64::MAX));
    } else {
        let r = core_ix.rekey_account(ra, &core_moved, &cq, &cm, &cp, &cp);
        assert_eq!(st, status_of(&r), "rekey_account {ra}");
        match r {
            Ok((x, y)) => assert_eq!((removed, inserted), (x as u64, y as u64)),
            Err(_) => assert_eq!((removed, inserted), (u64::MAX, u64::MAX)),
        }
    }
    let rm = u32::from(inp.remove) % (accounts.len() as u32 + 2);
    let mut n = u64::MAX;
    // SAFETY: a valid output; `imem` laid out above.
    assert_eq!(unsafe { partliq_index_remove_account(imem, ilen, rm, &mut n) }, PARTLIQ_STATUS_OK);
    assert_eq!(n, core_ix.remove_account(rm) as u64);
    // SAFETY: NULL output refused, nothing removed.
    assert_eq!(unsafe { partliq_index_remove_account(imem, ilen, 0, core::ptr::null_mut()) }, PARTLIQ_STATUS_NULL_POINTER);
    let mut info = OutSlot::<partliq_index_stats>::new(OutPtr::Valid);
    // SAFETY: a valid output; `imem` laid out above.
    assert_eq!(unsafe { partliq_index_info(imem, ilen, info.ptr()) }, PARTLIQ_STATUS_OK);
    assert_eq!(info.read(0), stats(&core_ix));
    // Every entry, in order, as the core's (a crossed query over all prices).
    let everything = 2 * capacity;
    let mut out = OutSlot::<partliq_index_entry>::array(OutPtr::Valid, everything);
    let mut q = OutSlot::<partliq_index_query>::new(OutPtr::Valid);
    // SAFETY: valid outputs; `imem` laid out above.
    let st = unsafe { partliq_index_crossed(imem, ilen, market, i64::MIN, i64::MAX, 0, out.ptr(), everything, q.ptr()) };
    assert_eq!(st, PARTLIQ_STATUS_OK);
    let all = crossed_of(core_ix.longs(), core_ix.shorts(), Price(i64::MIN), Price(i64::MAX));
    assert_eq!(q.read(0).total, all.len() as u64);
    for (k, e) in all.iter().enumerate() {
        assert_eq!(out.read(k), partliq_index_entry { key: e.key, account: e.account, position: e.position });
    }

    // ---- Priority.
    let items: Vec<partliq_priority_item> = inp
        .items
        .iter()
        .take(24)
        .map(|(e, m, n, o, f)| partliq_priority_item {
            equity: e.get(),
            maintenance: m.get(),
            notional: n.get(),
            oracle_price: o.get(),
            fillable_price: f.get(),
        })
        .collect();
    let core_items: Vec<PriorityItem> = items
        .iter()
        .map(|p| PriorityItem {
            equity: Quote(p.equity),
            maintenance: Quote(p.maintenance),
            notional: Quote(p.notional),
            oracle_price: Price(p.oracle_price),
            fillable_price: Price(p.fillable_price),
        })
        .collect();
    let mut idx: Vec<u32> = inp.indices.iter().take(32).map(|i| u32::from(*i) % (items.len() as u32 + 2)).collect();
    let before = idx.clone();
    let order = u32::from(inp.order % 3);
    // SAFETY: valid arrays.
    let st = unsafe { partliq_sort_by_priority(items.as_ptr(), items.len(), order, idx.as_mut_ptr(), idx.len()) };
    let mut want = before.clone();
    let core_order = match order {
        0 => Some(PriorityOrder::MarginRatio),
        1 => Some(PriorityOrder::OracleDistance),
        _ => None,
    };
    match core_order {
        None => assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM),
        Some(o) => assert_eq!(st, status_of(&sort_by_priority(&core_items, o, &mut want))),
    }
    if st == PARTLIQ_STATUS_OK {
        assert_eq!(idx, want);
    } else {
        assert_eq!(idx, before, "sort_by_priority wrote on error");
    }
    unified_scan(&inp.unified);
});

/// `partliq_unified_scan` against the core's `UnifiedScanner::scan_flat`.
fn unified_scan(u: &UnifiedScanIn) {
    use partliq::unified::{UnifiedCursor, UnifiedScanAccount, UnifiedScanHit, UnifiedScanner};
    let data = u.data.build(4, FUZZ_MAX_POSITIONS);
    let args = UnifiedArgs::new(&data, u.shapes);
    let accounts = scan_accounts(&u.accounts, 12);
    let acc_arg = ArrArg::new(&accounts, u.accounts_shape);
    let ladder = u.ladder.to_abi();
    let ladder_arg = InStruct::new(ladder, u.ladder_ptr);
    let hits_len = usize::from(u.hits_len % 8);
    let mut hits = OutSlot::<partliq_unified_scan_hit>::array(u.hits, hits_len);
    let mut out = OutSlot::<partliq_unified_scan_outcome>::new(u.out);
    let (sa, sp) = (u64::from(u.start.0 % 16), u64::from(u.start.1 % 4));
    let a = &args;
    // SAFETY: every array is valid for its length unless the boundary must
    // reject it before any read; the ladder, hits and output are valid, NULL
    // or misaligned.
    let st = unsafe {
        unified_call!(partliq_unified_scan; a; acc_arg.ptr, acc_arg.len, sa, sp, ladder_arg.ptr(), hits.ptr(), hits_len, out.ptr())
    };
    assert_named(st);
    // A hits pointer of length 0 is never read: NULL and misaligned pass.
    let hits_rejected = hits_len > 0 && hits.rejected();
    if args.rejected() || acc_arg.rejected || ladder_arg.rejected() || hits_rejected || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("unified scan outcome");
        hits.assert_untouched_from(0, "unified scan hits");
        return;
    }
    let v = args.view();
    if let Some(b) = v.boundary {
        assert_eq!(st, b);
        out.assert_untouched("unified scan outcome");
        hits.assert_untouched_from(0, "unified scan hits");
        return;
    }
    assert_eq!(st, PARTLIQ_STATUS_OK);
    let core_accounts: Vec<UnifiedScanAccount> = acc_arg.effective(&accounts).iter().map(core_scan_account).collect();
    let s = UnifiedScanner::new(v.book(), LadderIn::core(&ladder));
    let mut core_hits = vec![UnifiedScanHit::default(); hits_len];
    let start = UnifiedCursor { account: sa as usize, pool: sp as usize };
    let r = s.scan_flat(&core_accounts, &v.balances, &v.positions, start, &mut core_hits);
    let o = out.read(0);
    let (end, error) = end_code(r.end);
    assert_eq!(
        (o.count, o.next_account, o.next_pool, o.resume_account, o.resume_pool, o.exact_checks, o.end, o.error),
        (
            r.count as u64,
            r.next.account as u64,
            r.next.pool as u64,
            r.resume.account as u64,
            r.resume.pool as u64,
            r.exact_checks as u64,
            end,
            error
        )
    );
    for (i, h) in core_hits.iter().take(r.count).enumerate() {
        let c = hits.read(i); // i < count ≤ hits_len: a valid pointer
        assert_eq!((c.account_index, c.pool_index), (h.account_index as u64, h.pool_index as u64));
        assert_eq!(c.health, partliq_unified_health::from(&h.health));
    }
    if !hits.rejected() {
        hits.assert_untouched_from(r.count, "unified scan hits");
    }
    // The resume loop ends (with a non-empty buffer) and never moves back.
    if hits_len > 0 {
        let mut at = r.resume;
        let mut prev = start;
        for _ in 0..1_000 {
            if at.account >= core_accounts.len() {
                return;
            }
            assert!(at >= prev);
            let r = s.scan_flat(&core_accounts, &v.balances, &v.positions, at, &mut core_hits);
            if r.end == ScanEnd::Complete {
                return;
            }
            prev = at;
            at = r.resume;
        }
        panic!("the unified scan's resume loop did not end");
    }
}
