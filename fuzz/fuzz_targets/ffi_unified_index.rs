//! The unified move index through the C ABI, against the core: memory
//! shapes (NULL, misaligned, undersized, blank) refused with nothing
//! written; inserts, re-keys and removals with the statuses, counts and
//! lengths of a core `UnifiedIndex` over its own storage; the price move,
//! candidates and crossings read back as the core's; `partliq_unified_confirm`
//! as the core's `UnifiedScanner::confirm`; and the index's promise: with
//! valid parameters, every pool that is a hit at the moved prices is a
//! candidate of the move.
//!
//! A position whose margin is not a named mode is refused by the calls
//! that read its account, and only by those: its account's insert and
//! re-key (`INVALID_ENUM`, nothing keyed, nothing removed), a confirmation
//! whose entries (from `start` on) name it (its status, nothing written);
//! a confirmation that does not name it runs as the core's over the other
//! accounts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::scan::ScanEnd;
use partliq::unified::{
    is_hit, unified_pool_health, MoveSide, PriceMove, UnifiedIndex, UnifiedIndexEntry, UnifiedScanAccount, UnifiedScanHit, UnifiedScanner,
};
use partliq::Price;
use partliq_ffi::*;
use partliq_fuzz::unified::{core_scan_account, moved, scan_accounts, LadderIn, UnifiedArgs, UnifiedIn, UnifiedShapes};
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
enum Mem {
    Exact,
    Short(u8),
    Misaligned,
    Null,
    Blank,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    data: UnifiedIn,
    shapes: UnifiedShapes,
    /// (first balance, balance count, first position, position count).
    accounts: Vec<(u8, u8, u8, u8)>,
    mem: Mem,
    capacity: u8,
    ladder: LadderIn,
    /// Per price (marks, then asset prices): a move in units of 0.01 %.
    moves: Vec<i16>,
    query_start: u8,
    query_len: u8,
    hits_len: u8,
    side: u8,
    crossed: (u32, u32),
    rekey: u8,
    remove: u8,
    /// Entries added to the candidates for a second confirmation: (where,
    /// account, pool); they may name accounts the index refused.
    probes: Vec<(u8, u8, u8)>,
    /// Where the second confirmation starts.
    probe_start: u8,
}

fn end_code(e: ScanEnd) -> (u32, partliq_status) {
    match e {
        ScanEnd::Complete => (0, PARTLIQ_STATUS_OK),
        ScanEnd::BufferFull => (1, PARTLIQ_STATUS_OK),
        ScanEnd::Failed(e) => (2, e as u32),
    }
}

fn abi(e: &UnifiedIndexEntry) -> partliq_unified_index_entry {
    partliq_unified_index_entry { key: e.key, account: e.account, pool: e.pool }
}

fn core_entry(e: &partliq_unified_index_entry) -> UnifiedIndexEntry {
    UnifiedIndexEntry { key: e.key, account: e.account, pool: e.pool }
}

/// Elements `first .. first + count` of `s`, empty unless that lies within
/// `s` (an account whose range does not is never read).
fn range<T>(s: &[T], first: u32, count: u32) -> &[T] {
    let first = first as usize;
    first.checked_add(count as usize).and_then(|end| s.get(first..end)).unwrap_or(&[])
}

/// What a refused call must leave in its outputs.
const OUTCOME_SENTINEL: partliq_scan_outcome = partliq_scan_outcome { count: 7, next: 7, exact_checks: 7, end: 7, error: 7 };

fn hit_sentinel() -> partliq_unified_scan_hit {
    partliq_unified_scan_hit { account_index: 0xA5A5, pool_index: 0x5A5A, ..Default::default() }
}

fuzz_target!(|input: Input| {
    assert_eq!(partliq_unified_index_align(), 8);
    let cap = usize::from(input.capacity % 24);
    let need = partliq_unified_index_size(cap);
    assert_eq!(need, if cap == 0 { 0 } else { 64 + 36 * cap });
    let bytes = need.max(64);
    let mut buf = vec![0u64; bytes / 8 + 2];
    let (off, len) = match input.mem {
        Mem::Exact | Mem::Blank => (0, bytes),
        Mem::Short(k) => (0, bytes.saturating_sub(1 + usize::from(k))),
        Mem::Misaligned => (4, bytes),
        Mem::Null => (usize::MAX, bytes),
    };
    let mem: *mut core::ffi::c_void =
        if off == usize::MAX { core::ptr::null_mut() } else { buf.as_mut_ptr().cast::<u8>().wrapping_add(off).cast() };
    if !matches!(input.mem, Mem::Blank) {
        // SAFETY: `mem` is NULL or within `buf` for `len` bytes (misaligned
        // only by the offset the shape asks for).
        let st = unsafe { partliq_unified_index_init(mem, len, cap) };
        assert_named(st);
        let ok = matches!(input.mem, Mem::Exact) && cap > 0;
        if !ok {
            assert_ne!(st, PARTLIQ_STATUS_OK);
            assert!(buf.iter().all(|w| *w == 0), "a refused init wrote");
            return;
        }
        assert_eq!(st, PARTLIQ_STATUS_OK);
    }
    let blank = matches!(input.mem, Mem::Blank);

    let data = input.data.build(4, FUZZ_MAX_POSITIONS);
    let args = UnifiedArgs::new(&data, input.shapes);
    let accounts = scan_accounts(&input.accounts, 8);
    let ladder = input.ladder.to_abi();
    let core_ladder = LadderIn::core(&ladder);
    let a = &args;
    let insert = |account: u32, mem: *mut core::ffi::c_void, n: &mut u64| -> partliq_status {
        // SAFETY: every array is valid for its length unless the boundary
        // must reject it before any read; the memory is ours.
        unsafe { unified_call!(partliq_unified_index_insert_account; mem, len, account; a; accounts.as_ptr(), accounts.len(), &ladder, n) }
    };
    if args.rejected() {
        let mut n = 7u64;
        let st = insert(0, mem, &mut n);
        assert!(is_boundary_status(st), "status {st} for a rejected array");
        assert_eq!(n, 7);
        return;
    }
    if blank {
        // The arrays pass; the memory is not an index (checked before the values).
        let mut n = 7u64;
        assert_eq!(insert(0, mem, &mut n), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
        assert_eq!(n, 7);
        return;
    }
    let v = args.view();
    let core_accounts: Vec<UnifiedScanAccount> = accounts.iter().map(core_scan_account).collect();
    let reference = v.book();
    let (mut d, mut u, mut b) =
        (vec![UnifiedIndexEntry::default(); cap], vec![UnifiedIndexEntry::default(); cap], vec![UnifiedIndexEntry::default(); cap]);
    let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
    let info = |mem: *mut core::ffi::c_void| {
        let mut s = partliq_unified_index_stats::default();
        // SAFETY: our memory, laid out by init.
        assert_eq!(unsafe { partliq_unified_index_info(mem, len, &mut s) }, PARTLIQ_STATUS_OK);
        s
    };
    // The book's statuses (every call's, whichever accounts it reads).
    let book_ok = a.boundary_reading(&accounts, []).is_none();
    // An account whose positions hold a margin that is not a named mode,
    // and one whose balances are read cleanly (in range, reserved 0): each
    // call that reads the first refuses it, `INVALID_ENUM` when nothing
    // before the margins is wrong.
    let (balances_in, positions_in) = (a.balances.effective(&a.data.balances), a.positions.effective(&a.data.positions));
    let unnamed = |i: u32| {
        accounts.get(i as usize).is_some_and(|ac| range(positions_in, ac.first_position, ac.position_count).iter().any(|p| p.margin > 1))
    };
    let balances_clean = |i: u32| {
        accounts.get(i as usize).is_some_and(|ac| {
            let f = ac.first_balance as usize;
            f.checked_add(ac.balance_count as usize).is_some_and(|e| e <= balances_in.len())
                && range(balances_in, ac.first_balance, ac.balance_count).iter().all(|b| b.reserved == 0)
        })
    };
    let refused_for_margin = |i: u32, st: partliq_status| {
        if unnamed(i) {
            assert_ne!(st, PARTLIQ_STATUS_OK, "account {i}'s unnamed margin was read as a mode");
            if book_ok && balances_clean(i) {
                assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM, "account {i}'s unnamed margin");
            }
        }
    };
    for i in 0..=core_accounts.len() as u32 {
        let mut n = 7u64;
        let st = insert(i, mem, &mut n);
        assert_named(st);
        refused_for_margin(i, st);
        let want = match a.boundary_account(&accounts, i) {
            Some(s) => Err(s),
            None => match core_accounts.get(i as usize).map(|a| a.view(&v.balances, &v.positions)) {
                None => Err(PARTLIQ_STATUS_UNKNOWN_POSITION),
                Some(Err(e)) => Err(e as u32),
                Some(Ok(view)) => ix.insert_account(i, &view, &reference, &core_ladder).map_err(|e| e as u32),
            },
        };
        match want {
            Ok(k) => assert_eq!((st, n), (PARTLIQ_STATUS_OK, k as u64)),
            Err(s) => assert_eq!((st, n), (s, 7)),
        }
        let s = info(mem);
        assert_eq!([s.down, s.up, s.both], ix.lens().map(|l| l as u64));
    }
    // A book status stops here (every call's, whichever accounts it
    // reads). An unnamed margin does not: its account's insert was refused
    // (the core index never saw it), the others go on.
    if !book_ok {
        return;
    }
    // Re-key one account (nothing changed: the same entries), remove another.
    let r = u32::from(input.rekey % 9);
    let (mut removed, mut n) = (7u64, 7u64);
    // SAFETY: as `insert`.
    let st = unsafe {
        unified_call!(partliq_unified_index_rekey_account; mem, len, r; a; accounts.as_ptr(), accounts.len(), &ladder, &mut removed, &mut n)
    };
    let want = match (a.boundary_account(&accounts, r), core_accounts.get(r as usize).map(|a| a.view(&v.balances, &v.positions))) {
        (Some(s), _) => Err(s),
        (None, None) => Err(PARTLIQ_STATUS_UNKNOWN_POSITION),
        (None, Some(Err(e))) => Err(e as u32),
        (None, Some(Ok(view))) => ix.rekey_account(r, &view, &reference, &core_ladder).map_err(|e| e as u32),
    };
    match want {
        Ok((x, y)) => assert_eq!((st, removed, n), (PARTLIQ_STATUS_OK, x as u64, y as u64)),
        Err(s) => assert_eq!((st, removed, n), (s, 7, 7)),
    }
    refused_for_margin(r, st);
    let gone = u32::from(input.remove % 9);
    // SAFETY: our memory.
    assert_eq!(unsafe { partliq_unified_index_remove_account(mem, len, gone, &mut removed) }, PARTLIQ_STATUS_OK);
    assert_eq!(removed, ix.remove_account(gone) as u64);
    let s = info(mem);
    assert_eq!([s.down, s.up, s.both], ix.lens().map(|l| l as u64));
    // Every side in full (the candidates of the largest move on it) is the
    // core's, and holds no pool of an account with an unnamed margin (its
    // refused insert or re-key keyed nothing and removed nothing).
    for (side, down_ppm, up_ppm) in [(MoveSide::Down, u32::MAX, 0), (MoveSide::Up, 0, u32::MAX), (MoveSide::Both, u32::MAX, u32::MAX)] {
        let all = partliq_price_move { down_ppm, up_ppm };
        let mut out = vec![partliq_unified_index_entry { key: 9, account: 9, pool: 9 }; cap];
        let mut q = partliq_index_query::default();
        // SAFETY: our memory; valid move, output and query.
        let st = unsafe { partliq_unified_index_candidates(mem, len, &all, 0, out.as_mut_ptr(), cap, &mut q) };
        assert_eq!(st, PARTLIQ_STATUS_OK);
        let want: Vec<_> = ix.side(side).iter().map(abi).collect();
        assert_eq!((q.total, q.count), (want.len() as u64, want.len() as u64));
        assert_eq!(&out[..want.len()], &want[..], "{side:?} side");
        assert!(out[..want.len()].iter().all(|e| !unnamed(e.account)), "a pool of an account with an unnamed margin was keyed");
    }

    // The move.
    let mut k = input.moves.iter().copied().chain(core::iter::repeat(0));
    let now_prices: Vec<i64> = v.prices.iter().map(|p| moved(p.0, k.next().unwrap_or(0))).collect();
    let now_assets: Vec<i64> = v.asset_prices.iter().map(|p| moved(p.0, k.next().unwrap_or(0))).collect();
    let ref_prices: Vec<i64> = v.prices.iter().map(|p| p.0).collect();
    let ref_assets: Vec<i64> = v.asset_prices.iter().map(|p| p.0).collect();
    let mut mv = partliq_price_move { down_ppm: 7, up_ppm: 7 };
    // SAFETY: valid arrays and output.
    let st = unsafe {
        partliq_unified_price_move(
            ref_prices.as_ptr(),
            ref_prices.len(),
            now_prices.as_ptr(),
            now_prices.len(),
            ref_assets.as_ptr(),
            ref_assets.len(),
            now_assets.as_ptr(),
            now_assets.len(),
            &mut mv,
        )
    };
    let np: Vec<Price> = now_prices.iter().map(|p| Price(*p)).collect();
    let na: Vec<Price> = now_assets.iter().map(|p| Price(*p)).collect();
    let now = partliq::unified::MarginBook { prices: &np, asset_prices: &na, ..reference };
    let core_mv = PriceMove::between(&reference, &now);
    match core_mv {
        Ok(m) => assert_eq!((st, mv.down_ppm, mv.up_ppm), (PARTLIQ_STATUS_OK, m.down_ppm, m.up_ppm)),
        Err(e) => {
            assert_eq!((st, mv.down_ppm, mv.up_ppm), (e as u32, 7, 7));
            return;
        }
    }
    let core_mv = core_mv.unwrap_or_default();
    // Candidates, a window of them.
    let cands: Vec<UnifiedIndexEntry> = ix.candidates(core_mv).to_vec();
    let (start, out_len) = (usize::from(input.query_start % 8), usize::from(input.query_len % 8));
    let sentinel = partliq_unified_index_entry { key: 9, account: 9, pool: 9 };
    let mut out = vec![sentinel; out_len];
    let mut q = partliq_index_query::default();
    // SAFETY: our memory; valid move, output and query.
    let st = unsafe { partliq_unified_index_candidates(mem, len, &mv, start, out.as_mut_ptr(), out_len, &mut q) };
    assert_eq!(st, PARTLIQ_STATUS_OK);
    let window: Vec<_> = cands.iter().skip(start).take(out_len).map(abi).collect();
    assert_eq!((q.total, q.count, q.next), (cands.len() as u64, window.len() as u64, (start + window.len()) as u64));
    assert_eq!(&out[..window.len()], &window[..]);
    assert!(out[window.len()..].iter().all(|e| *e == sentinel));
    // Crossings of one side.
    let side = u32::from(input.side % 4);
    let (from, to) = input.crossed;
    // SAFETY: as above.
    let st = unsafe { partliq_unified_index_crossed(mem, len, side, from, to, 0, out.as_mut_ptr(), out_len, &mut q) };
    let core_side = match side {
        0 => Some(MoveSide::Down),
        1 => Some(MoveSide::Up),
        2 => Some(MoveSide::Both),
        _ => None,
    };
    match core_side {
        None => assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM),
        Some(sd) => {
            assert_eq!(st, PARTLIQ_STATUS_OK);
            let c = ix.crossed(sd, from, to);
            assert_eq!(q.total, c.len() as u64);
            let w: Vec<_> = c.iter().take(out_len).map(abi).collect();
            assert_eq!(&out[..w.len()], &w[..]);
        }
    }
    // The promise: every pool a hit at the new prices is a candidate
    // (parameters valid; ladder valid).
    if v.all_valid() && core_ladder.validate().is_ok() {
        for (i, acc) in core_accounts.iter().enumerate() {
            // Removed, never keyed, or refused (an unnamed margin: the core
            // would read it as cross).
            if i as u32 == gone || unnamed(i as u32) || ix.side(MoveSide::Both).iter().all(|e| e.account != i as u32) {
                continue;
            }
            let Ok(view) = acc.view(&v.balances, &v.positions) else { continue };
            for p in 0..view.pool_count() {
                let Ok(pool) = view.pool(p) else { continue };
                if let Ok(h) = unified_pool_health(&pool, &now, &core_ladder) {
                    if is_hit(&h) {
                        assert!(
                            cands.iter().any(|e| (e.account, e.pool) == (i as u32, p as u32)),
                            "pool ({i}, {p}) missed: {h:?} after {core_mv:?}"
                        );
                    }
                }
            }
        }
    }
    // Confirm: the core's outcome and hits, unless an account the entries
    // (from `start` on) name holds an unnamed margin (or a balance's
    // reserved field): then its status, nothing written. An unnamed margin
    // in an account the entries do not name is not read.
    let s = UnifiedScanner::new(now, core_ladder);
    let confirm = |entries: &[partliq_unified_index_entry], start: usize, hits_len: usize| {
        let mut hits = vec![hit_sentinel(); hits_len];
        let mut o = OUTCOME_SENTINEL;
        // SAFETY: valid arrays (the same as `insert`'s) and outputs.
        let st = unsafe {
            partliq_unified_confirm(
                a.markets.ptr,
                a.markets.len,
                now_prices.as_ptr(),
                now_prices.len(),
                a.funding.ptr,
                a.funding.len,
                a.risk.ptr,
                a.risk.len,
                a.assets.ptr,
                a.assets.len,
                now_assets.as_ptr(),
                now_assets.len(),
                a.balances.ptr,
                a.balances.len,
                a.positions.ptr,
                a.positions.len,
                accounts.as_ptr(),
                accounts.len(),
                entries.as_ptr(),
                entries.len(),
                start,
                &ladder,
                hits.as_mut_ptr(),
                hits_len,
                &mut o,
            )
        };
        let read = entries.get(start..).unwrap_or(&[]);
        let named_unnamed = read.iter().any(|e| unnamed(e.account));
        let named_reserved = read.iter().any(|e| {
            accounts
                .get(e.account as usize)
                .is_some_and(|ac| range(balances_in, ac.first_balance, ac.balance_count).iter().any(|b| b.reserved != 0))
        });
        // The rule both ways (the book passed): an unnamed margin in a
        // named account is refused, one elsewhere is not reported.
        match (named_reserved, named_unnamed) {
            (false, true) => assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM, "a named account's unnamed margin"),
            (false, false) => assert_eq!(st, PARTLIQ_STATUS_OK, "a margin the confirmation does not read was reported"),
            (true, _) => assert_eq!(st, PARTLIQ_STATUS_RESERVED_NOT_ZERO),
        }
        // The balances and positions of the accounts the entries name are
        // checked, the others are not.
        if let Some(want) = a.boundary_reading(&accounts, read.iter().map(|e| e.account)) {
            assert_eq!(st, want);
            assert_eq!(o, OUTCOME_SENTINEL, "a refused confirm wrote");
            assert!(hits.iter().all(|h| *h == hit_sentinel()), "a refused confirm wrote hits");
            return;
        }
        assert_eq!(st, PARTLIQ_STATUS_OK);
        let core_entries: Vec<UnifiedIndexEntry> = entries.iter().map(core_entry).collect();
        let mut core_hits = vec![UnifiedScanHit::default(); hits_len];
        let r = s.confirm(&core_entries, &core_accounts, &v.balances, &v.positions, start, &mut core_hits);
        let (end, error) = end_code(r.end);
        assert_eq!((o.count, o.next, o.exact_checks, o.end, o.error), (r.count as u64, r.next as u64, r.exact_checks as u64, end, error));
        for (c, h) in hits.iter().zip(core_hits.iter()).take(r.count) {
            assert_eq!((c.account_index, c.pool_index), (h.account_index as u64, h.pool_index as u64));
            assert_eq!(c.health, partliq_unified_health::from(&h.health));
        }
    };
    // The candidates, from the first: the index keyed no account with an
    // unnamed margin, so this never reads one.
    let entries: Vec<partliq_unified_index_entry> = cands.iter().map(abi).collect();
    confirm(&entries, 0, usize::from(input.hits_len % 6));
    // The candidates with probes among them (any account, refused ones
    // too), from a fuzzed start (probes before it are not read).
    let mut probed = entries;
    for &(at, account, pool) in input.probes.iter().take(4) {
        let e = partliq_unified_index_entry { key: 0, account: u32::from(account % 9), pool: u32::from(pool % 4) };
        probed.insert(usize::from(at) % (probed.len() + 1), e);
    }
    let start = usize::from(input.probe_start) % (probed.len() + 2);
    confirm(&probed, start, usize::from(input.hits_len % 6));
});
