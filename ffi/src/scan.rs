//! The batch scan (the core's `scan`): every liquidatable or bankrupt pool
//! of a flat batch of accounts, on every price update,
//! `partliq_scanner_*`.
//!
//! A scanner is the per-market table of one price update, laid out in
//! memory the caller provides as `void *mem, size_t len`:
//! `partliq_scanner_size(markets_len)` bytes aligned to
//! `partliq_scanner_align()` (16), filled by `partliq_scanner_init` for the
//! markets and marks of the update, then read by any number of
//! `partliq_scanner_scan` and `partliq_scanner_confirm` calls at once (they
//! only read it). Build it again on every price update, and whenever a
//! market changes.
//!
//! The memory holds a header, the table, and a copy of the markets and
//! marks the table was built for; a scan whose markets or marks differ from
//! the copy in any byte (or in their counts) gets `STALE_SCAN_TABLE`, with
//! no chance of a miss. Scans return exactly what the core's
//! `Scanner::scan` returns for the same markets, marks, accounts and
//! buffer.
//!
//! Memory statuses: `NULL_POINTER` (`mem` NULL, whatever `len`),
//! `BAD_LENGTH` (`len` above `PTRDIFF_MAX`), `TABLE_MEMORY_MISALIGNED`,
//! `TABLE_MEMORY_TOO_SMALL`, `TABLE_NOT_INITIALIZED` (not a scanner, not
//! initialised, or its header altered), `STALE_SCAN_TABLE`.

use core::ffi::c_void;

use partliq::account::ScanAccount;
use partliq::index::IndexEntry;
use partliq::market::Market;
use partliq::num::Price;
use partliq::scan::{ScanEnd, ScanHit, ScanMarket, ScanOutcome, ScanScales, Scanner};

use crate::account::partliq_position;
use crate::boundary::{array_fast, ptr_fast, range_of, reserved_status, Castable, PaddingChecked, OK};
use crate::health::partliq_health;
use crate::index::partliq_index_entry;
use crate::market::partliq_market;
use crate::status::*;

/// The alignment a scanner's memory needs (the table's 128-bit fields).
pub const PARTLIQ_SCANNER_ALIGN: usize = 16;

// 16 on 64-bit targets (the 128-bit fields), less on some 32-bit ones: the ABI
// asks 16 everywhere.
const _: () = assert!(core::mem::align_of::<ScanMarket>() <= PARTLIQ_SCANNER_ALIGN);

/// One account of a flat batch: collateral and a range of the flat
/// positions array (one cross-margin pool; an isolated position is an
/// account with collateral 0 and one position).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_scan_account {
    /// Collateral, quote units.
    pub collateral: i64,
    /// Index of the account's first position in the positions array.
    pub first_position: u32,
    /// Number of positions (consecutive from `first_position`).
    pub position_count: u32,
}

/// A pool a scan found not healthy.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_scan_hit {
    /// Index of the account in the accounts array.
    pub account_index: u64,
    /// Its exact health (`partliq_pool_health`'s); state liquidatable or bankrupt.
    pub health: partliq_health,
}

/// Why a scan stopped (`partliq_scan_outcome.end`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_scan_end {
    /// Every account (entry) was examined.
    Complete = 0,
    /// The hit buffer is full; account (entry) `next` is not healthy and was
    /// not written. Resume at `next` with an emptied buffer.
    BufferFull = 1,
    /// The health of account (entry) `next` failed with `error` (or its
    /// position range lies outside the positions: `UNKNOWN_POSITION`; for
    /// `partliq_scanner_confirm`, an entry naming no account too). Resume
    /// at `next + 1` to skip it.
    Failed = 2,
}

/// What a scan did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_scan_outcome {
    /// Hits written to the front of the buffer.
    pub count: u64,
    /// First account (entry) not examined to the end; when complete, the
    /// accounts' (entries') length, or `start` when that was already past
    /// it: never below `start`, so a resume loop `while (next < len)` ends.
    pub next: u64,
    /// Accounts that went through the exact path (not proven healthy by the
    /// division-free bound): the hits plus the near-boundary ones.
    pub exact_checks: u64,
    /// A `partliq_scan_end`.
    pub end: u32,
    /// With `end` `PARTLIQ_SCAN_END_FAILED`, the failure's status; else 0.
    pub error: partliq_status,
}

pin_layout!(partliq_scan_account, size = 16, align = i64, { collateral @ 0, first_position @ 8, position_count @ 12 });
pin_layout!(partliq_scan_hit, size = 56, align = u64, { account_index @ 0, health @ 8 });
pin_layout!(partliq_scan_outcome, size = 32, align = u64, { count @ 0, next @ 8, exact_checks @ 16, end @ 24, error @ 28 });
castable!(partliq_scan_account => ScanAccount, |_a| Ok(()), {
    collateral = collateral, first_position = first_position, position_count = position_count,
});

// ---------------------------------------------------------------------------
// The memory: a header, one `ScanMarket` per market, then a copy of the
// markets and of their marks the table was built for.

/// "partliq scanner v2".
const MAGIC: u64 = 0x7061_7274_5343_4e32;

/// The header at the start of a scanner's memory (64 bytes, so that the
/// table after it keeps the 16-byte alignment).
#[repr(C, align(16))]
struct Header {
    magic: u64,
    /// Table entries (the markets it was built for, and their copy).
    entries: u64,
    /// Marks copied: `min(prices_len, markets_len)` at init.
    marks: u64,
    /// [`seal`] of the header's other words: catches an altered header.
    seal: u64,
    /// The table's scales (`Scanner::scales`), so that a scan need not
    /// derive them from the markets again.
    scales: ScanScales,
}

const HEADER: usize = core::mem::size_of::<Header>();
const _: () = assert!(HEADER == 64 && HEADER % PARTLIQ_SCANNER_ALIGN == 0);
const _: () = assert!(core::mem::size_of::<ScanScales>() == 32 && core::mem::align_of::<Header>() >= core::mem::align_of::<u64>());

/// The seal of a header's words (`magic, entries, marks, seal, scales ×
/// 4`): each word but the magic and the seal itself times its own odd
/// constant (a bijection of the word), XORed. Changing any one of those
/// words changes the seal; the products are independent (no dependent
/// chain of multiplies on the hot path).
fn seal(w: &[u64; 8]) -> u64 {
    const K: [u64; 6] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0x85EB_CA77_C2B2_AE63,
        0x27D4_EB2F_1656_67C5,
        0xFF51_AFD7_ED55_8CCD,
    ];
    let [_, entries, marks, _, s0, s1, s2, s3] = *w;
    MAGIC
        ^ entries.wrapping_mul(K[0])
        ^ marks.wrapping_mul(K[1])
        ^ s0.wrapping_mul(K[2])
        ^ s1.wrapping_mul(K[3])
        ^ s2.wrapping_mul(K[4])
        ^ s3.wrapping_mul(K[5])
}

/// The header's eight words.
fn words(h: &Header) -> &[u64; 8] {
    // SAFETY: `Header` is 64 bytes of integers (its `ScanScales` 32 bytes
    // with no padding, asserted) at an alignment of at least 8.
    unsafe { &*(h as *const Header).cast::<[u64; 8]>() }
}

const MARKET_BYTES: usize = core::mem::size_of::<partliq_market>();
const _: () = assert!(MARKET_BYTES == 304 && core::mem::align_of::<partliq_market>() == 8);

/// Bytes a market takes in a scanner: its table entry, its copy and its
/// mark's copy (1,480 on 64-bit targets).
const PER_MARKET: usize = core::mem::size_of::<ScanMarket>() + MARKET_BYTES + 8;

/// Bytes a scanner of `entries` table entries needs, if that fits.
fn size_of_table(entries: usize) -> Option<usize> {
    let bytes = entries.checked_mul(PER_MARKET)?.checked_add(HEADER)?;
    (bytes <= isize::MAX as usize).then_some(bytes)
}

/// The bytes of a slice of integer structs without padding.
fn bytes_of<T>(s: &[T]) -> &[u8] {
    // SAFETY: used only on `partliq_market` (integer fields, no padding:
    // its `pin_layout!`) and `i64`: every byte initialised; the byte size
    // of a slice is at most isize::MAX.
    unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<u8>(), core::mem::size_of_val(s)) }
}

/// Checks `mem, len` as scanner memory (NULL, length, alignment): the
/// four tests at once, `memory_refusal` for which failed.
#[inline(always)]
fn memory_ok(mem: *const c_void, len: usize) -> Result<(), partliq_status> {
    if memory_fast(mem, len) {
        return Ok(());
    }
    memory_refusal(mem, len)
}

/// `memory_ok` would pass: non-NULL, `len ≤ isize::MAX`, aligned, at
/// least the header, the four tests without branches.
#[inline(always)]
fn memory_fast(mem: *const c_void, len: usize) -> bool {
    let addr = mem as usize;
    (addr != 0) & (len <= isize::MAX as usize) & (addr % PARTLIQ_SCANNER_ALIGN == 0) & (len >= HEADER)
}

/// `memory_ok` one test at a time: the first failure's status.
#[cold]
#[inline(never)]
fn memory_refusal(mem: *const c_void, len: usize) -> Result<(), partliq_status> {
    if mem.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if isize::try_from(len).is_err() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    if (mem as usize) % PARTLIQ_SCANNER_ALIGN != 0 {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
    }
    if len < HEADER {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    Ok(())
}

/// The table of a scanner's memory for `markets` and `prices`, with its
/// scales, once the header is sealed and the copy kept after the table
/// equals `markets` and the marks read (the first `min(prices_len,
/// markets_len)` of `prices`) byte for byte.
///
/// Sound for staleness without any chance of a miss: the table is a
/// function of exactly those markets, marks and counts (`Scanner::new`), so
/// a scan over markets and marks equal to the copy is the scan of a table
/// built for them, and any change of any byte of them, or of either count,
/// is refused (`STALE_SCAN_TABLE`). Only a caller writing the memory
/// itself, against the contract, goes unseen (as an altered table would).
///
/// The memory's and the header's tests are made at once (`header_fast`);
/// when any fails, `header_checked` makes them one by one for the status.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes of initialised memory,
/// not written by anyone for `'a`.
#[inline(always)]
unsafe fn table_in<'a>(
    mem: *const c_void,
    len: usize,
    markets: &[partliq_market],
    prices: &[i64],
) -> Result<(&'a [ScanMarket], ScanScales), partliq_status> {
    // SAFETY: the caller's contract.
    let (header, entries, marks) = match unsafe { header_fast(mem, len, markets.len(), prices.len()) } {
        Some(h) => h,
        // SAFETY: the caller's contract.
        None => unsafe { header_checked(mem, len, markets.len(), prices.len())? },
    };
    let base = mem.cast::<u8>();
    let table_bytes = entries.wrapping_mul(core::mem::size_of::<ScanMarket>());
    let copy_bytes = entries.wrapping_mul(MARKET_BYTES);
    // SAFETY: the header, the table, the markets' copy and the marks' copy
    // lie in that order within the `need ≤ len` bytes of `mem`; bytes are
    // always valid `u8`s; nothing writes the memory during the call.
    // The marks' copy is 8-byte aligned (HEADER, the table's and the
    // markets' copy's sizes are multiples of 8) and any bytes are `i64`s.
    let (copy, marks_copy) = unsafe {
        let copy = base.add(HEADER).add(table_bytes);
        (core::slice::from_raw_parts(copy, copy_bytes), core::slice::from_raw_parts(copy.add(copy_bytes).cast::<i64>(), marks))
    };
    // The marks word by word (usually one: no call to `bcmp`).
    let marks_differ = prices.iter().zip(marks_copy).fold(false, |d, (a, b)| d | (a != b));
    if marks_differ || bytes_of(markets) != copy {
        return Err(PARTLIQ_STATUS_STALE_SCAN_TABLE);
    }
    // SAFETY: the table lies within the `len` bytes after the header (need ≤
    // len), 16-byte aligned (HEADER is a multiple of 16); `ScanMarket` is
    // all integers with no padding, so any initialised bytes are valid
    // entries; nothing writes the memory during the call (the contract).
    let table = unsafe { core::slice::from_raw_parts(base.add(HEADER).cast::<ScanMarket>(), entries) };
    Ok((table, header.scales))
}

/// `header_checked` on its hot path: every one of its tests, made at once
/// (the memory's before any read, then the header's); `None` when any
/// fails. Passing means `header_checked` passes with the same values: the
/// counts equal the arrays' (so `marks ≤ entries`, and `entries` is a
/// `usize`), the size is computed from `markets_len` as from `entries`.
///
/// # Safety
/// As `table_in`.
#[inline(always)]
unsafe fn header_fast<'a>(mem: *const c_void, len: usize, markets_len: usize, prices_len: usize) -> Option<(&'a Header, usize, usize)> {
    if !memory_fast(mem, len) {
        return None;
    }
    // SAFETY: non-NULL, 16-byte aligned, at least HEADER bytes (just
    // checked); every field of `Header` is an integer, so any initialised
    // bytes are a valid header.
    let header = unsafe { &*mem.cast::<Header>() };
    let marks = markets_len.min(prices_len);
    let need = size_of_table(markets_len).unwrap_or(usize::MAX);
    let ok = (header.magic == MAGIC)
        & (header.seal == seal(words(header)))
        & (header.entries == markets_len as u64)
        & (header.marks == marks as u64)
        & (len >= need);
    ok.then_some((header, markets_len, marks))
}

/// The memory's and the header's checks one by one, in their order: the
/// memory's (`memory_ok`), `TABLE_NOT_INITIALIZED` (magic, seal, counts),
/// `TABLE_MEMORY_TOO_SMALL`, `STALE_SCAN_TABLE` (the counts differ from
/// the arrays'). Returns the header and its two counts.
///
/// # Safety
/// As `table_in`.
#[cold]
#[inline(never)]
unsafe fn header_checked<'a>(
    mem: *const c_void,
    len: usize,
    markets_len: usize,
    prices_len: usize,
) -> Result<(&'a Header, usize, usize), partliq_status> {
    memory_ok(mem, len)?;
    // SAFETY: non-NULL, 16-byte aligned, at least HEADER bytes (checked);
    // every field of `Header` is an integer, so any initialised bytes are a
    // valid header.
    let header = unsafe { &*mem.cast::<Header>() };
    if header.magic != MAGIC || header.seal != seal(words(header)) {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    let entries = usize::try_from(header.entries).map_err(|_| PARTLIQ_STATUS_TABLE_NOT_INITIALIZED)?;
    let need = size_of_table(entries).ok_or(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED)?;
    if header.marks > header.entries {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    if len < need {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    let marks = header.marks as usize; // ≤ entries, a usize
    if entries != markets_len || marks != markets_len.min(prices_len) {
        return Err(PARTLIQ_STATUS_STALE_SCAN_TABLE);
    }
    Ok((header, entries, marks))
}

// ---------------------------------------------------------------------------
// Entry points.

/// The alignment a scanner's memory needs (`PARTLIQ_SCANNER_ALIGN`, 16).
#[no_mangle]
pub extern "C" fn partliq_scanner_align() -> usize {
    PARTLIQ_SCANNER_ALIGN
}

/// Bytes of memory a scanner for `markets_len` markets needs (a 64-byte
/// header and, on 64-bit targets, 1,480 bytes a market: its table entry,
/// 1,168, and a copy of the market and its mark, 312); 0 when that does
/// not fit a `PTRDIFF_MAX`.
#[no_mangle]
pub extern "C" fn partliq_scanner_size(markets_len: usize) -> usize {
    size_of_table(markets_len).unwrap_or(0)
}

/// Builds a scanner in `mem` for `markets` and their marks `prices`
/// (`prices[i]` the mark of `markets[i]`): the per-market table of the
/// division-free health bound, and a copy of the markets and marks it was
/// built for. Invalid markets and markets without a positive mark get no
/// fast path (their positions take the exact path, which reports their
/// errors). Nothing else may use the memory during the call; on any status
/// but `OK` the memory is untouched.
///
/// Statuses: the memory's (`partliq_scanner_size(markets_len)` bytes at
/// least), the arrays', `INVALID_ENUM` (a market's fee rounding).
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents, e.g. zeroed); each array pointer is
/// NULL (only with length 0) or points to that many initialised elements
/// outside `mem`.
#[no_mangle]
pub unsafe extern "C" fn partliq_scanner_init(
    mem: *mut c_void,
    len: usize,
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    check!(memory_ok(mem.cast_const(), len));
    let need = check!(size_of_table(markets.len()).ok_or(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL));
    if len < need {
        return PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL;
    }
    let core_markets: &[Market] = check!(Castable::cast_slice(markets));
    let core_prices: &[Price] = check!(Castable::cast_slice(prices));
    let base = mem.cast::<u8>();
    // SAFETY: `need ≤ len` bytes after the 16-byte aligned `mem` hold the
    // table (16-byte aligned after the 64-byte header); every bit pattern is
    // a valid `ScanMarket`, and the memory is initialised and ours alone for
    // the call (the contract).
    let table = unsafe { core::slice::from_raw_parts_mut(base.add(HEADER).cast::<ScanMarket>(), markets.len()) };
    let scales = Scanner::new(table, core_markets, core_prices).scales();
    let marks = prices.get(..markets.len().min(prices.len())).unwrap_or(&[]);
    let (copy, marks_copy) = (bytes_of(markets), bytes_of(marks));
    // SAFETY: the markets' copy follows the table and the marks' copy the
    // markets' (`copy.len() + marks_copy.len() ≤ PER_MARKET × n` bytes
    // past the table, within `need`); the arrays lie outside `mem`.
    unsafe {
        let at = base.add(HEADER).add(markets.len().wrapping_mul(core::mem::size_of::<ScanMarket>()));
        core::ptr::copy_nonoverlapping(copy.as_ptr(), at, copy.len());
        core::ptr::copy_nonoverlapping(marks_copy.as_ptr(), at.add(copy.len()), marks_copy.len());
    }
    let mut header = Header { magic: MAGIC, entries: markets.len() as u64, marks: marks.len() as u64, seal: 0, scales };
    header.seal = seal(words(&header));
    // SAFETY: aligned, within `len`, not overlapping the table; written
    // last, so that a scanner is never seen with a header but no table.
    unsafe { mem.cast::<Header>().write(header) };
    OK
}

impl From<ScanHit> for partliq_scan_hit {
    fn from(h: ScanHit) -> Self {
        partliq_scan_hit { account_index: h.account_index as u64, health: partliq_health::from(&h.health) }
    }
}

/// The C form of a core outcome.
pub(crate) fn outcome(r: ScanOutcome) -> partliq_scan_outcome {
    let (end, error) = match r.end {
        ScanEnd::Complete => (partliq_scan_end::Complete, OK),
        ScanEnd::BufferFull => (partliq_scan_end::BufferFull, OK),
        ScanEnd::Failed(e) => (partliq_scan_end::Failed, status_of(e)),
    };
    partliq_scan_outcome { count: r.count as u64, next: r.next as u64, exact_checks: r.exact_checks as u64, end: end as u32, error }
}

/// Checks the positions of `accounts` (their reserved fields,
/// `RESERVED_NOT_ZERO`), as `check_ranges` does, with a single-position
/// account's one position read directly (the common case). Ranges outside
/// the positions are skipped: the core refuses them when it reads them.
fn check_accounts<'a>(
    positions: &[partliq_position],
    accounts: impl Iterator<Item = &'a partliq_scan_account>,
) -> Result<(), partliq_status> {
    reserved_status(accounts.fold(0, |r, a| r | account_reserved(positions, a)))
}

/// `check_accounts` of a batch's accounts, two a step: two
/// single-position accounts (the common case) in one test, any other pair
/// (and an odd last account) account by account (`reserved_of`, out of the
/// loop's way). Not inlined: its loop keeps its values in registers.
#[inline(never)]
fn check_batch(positions: &[partliq_position], accounts: &[partliq_scan_account]) -> Result<(), partliq_status> {
    let mut reserved = 0u32;
    let mut rest = accounts;
    while let [a, b, tail @ ..] = rest {
        match (positions.get(a.first_position as usize), positions.get(b.first_position as usize)) {
            (Some(p), Some(q)) if (a.position_count == 1) & (b.position_count == 1) => reserved |= p.reserved | q.reserved,
            _ => reserved |= reserved_of(positions, a) | reserved_of(positions, b),
        }
        rest = tail;
    }
    reserved |= rest.iter().fold(0, |r, a| r | reserved_of(positions, a));
    reserved_status(reserved)
}

/// `account_reserved` out of `check_batch`'s loop (its uncommon pairs).
#[cold]
#[inline(never)]
fn reserved_of(positions: &[partliq_position], a: &partliq_scan_account) -> u32 {
    account_reserved(positions, a)
}

/// The reserved fields of one account's positions, ORed (those in range),
/// a single-position account's one position read directly.
#[inline(always)]
fn account_reserved(positions: &[partliq_position], a: &partliq_scan_account) -> u32 {
    if a.position_count == 1 {
        positions.get(a.first_position as usize).map_or(0, |p| p.reserved)
    } else {
        range_of(positions, a.first_position, a.position_count).iter().fold(0, |r, p| r | p.reserved)
    }
}

/// Scans `accounts[start..]` (each a range of `positions`) with the scanner
/// in `mem`, built for these `markets` and `prices`: writes each pool that is
/// not healthy, with its exact health, to the front of `hits` (in account
/// order) and what the scan did to `*out` — exactly the core's
/// `Scanner::scan`: a full buffer or an account whose health fails stops the
/// scan with status `OK` and says where to resume (`partliq_scan_outcome`).
/// Any number of scans may use one scanner at once.
///
/// Values checked: the positions of `accounts[start..]` (their reserved
/// fields, `RESERVED_NOT_ZERO`, even past where the scan stops; the
/// positions of `accounts[..start]` are not read and not checked), then
/// every market's fee rounding (`INVALID_ENUM`).
///
/// Statuses: the arrays' and `out`'s, the memory's (`STALE_SCAN_TABLE` when
/// the markets or marks differ in any byte from the ones it was built for,
/// compared with the copy it keeps), those checks of values. Nothing is
/// written unless `OK`.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes laid out by
/// `partliq_scanner_init` and not written during the call; each array
/// pointer is NULL (only with length 0) or points to that many initialised
/// elements (`hits` writable, any values, not overlapping the others); `out`
/// is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_scanner_scan(
    mem: *const c_void,
    len: usize,
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    accounts: *const partliq_scan_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    start: usize,
    hits: *mut partliq_scan_hit,
    hits_len: usize,
    out: *mut partliq_scan_outcome,
) -> partliq_status {
    // Every array non-empty, non-NULL, aligned and within its bound, and
    // `out` non-NULL and aligned, tested at once; anything else takes the
    // checks one by one (their statuses, in their order).
    let fast = array_fast(markets, markets_len)
        & array_fast(prices, prices_len)
        & array_fast(accounts, accounts_len)
        & array_fast(positions, positions_len)
        & array_fast(hits.cast_const(), hits_len)
        & ptr_fast(out.cast_const());
    let (markets, prices, accounts, positions, hits) = if fast {
        // SAFETY: each pointer non-NULL and aligned, each byte size ≤
        // isize::MAX (`array_fast`, as `slice_in` / `slice_out` check them);
        // validity and `hits`' exclusivity are the function's contract.
        unsafe {
            (
                core::slice::from_raw_parts(markets, markets_len),
                core::slice::from_raw_parts(prices, prices_len),
                core::slice::from_raw_parts(accounts, accounts_len),
                core::slice::from_raw_parts(positions, positions_len),
                core::slice::from_raw_parts_mut(hits, hits_len),
            )
        }
    } else {
        let arrays = (
            array_in!(markets, markets_len),
            array_in!(prices, prices_len),
            array_in!(accounts, accounts_len),
            array_in!(positions, positions_len),
            array_out!(hits, hits_len),
        );
        out!(out);
        arrays
    };
    // SAFETY: the function's contract for `mem`.
    let (table, scales) = check!(unsafe { table_in(mem, len, markets, prices) });
    check!(check_batch(positions, accounts.get(start..).unwrap_or(&[])));
    let core_positions = PaddingChecked::cast_unchecked(positions);
    let core_markets: &[Market] = check!(Castable::cast_slice(markets));
    let core_prices: &[Price] = check!(Castable::cast_slice(prices));
    let core_accounts: &[ScanAccount] = check!(Castable::cast_slice(accounts));
    let scanner = Scanner::from_table_scaled(table, core_markets, core_prices, scales);
    // Every check has passed: the scan's hits go straight to the caller's
    // buffer (the status is OK whatever the scan's end).
    let r = scanner.scan_into(core_accounts, core_positions, start, hits);
    write_out!(out, outcome(r));
    OK
}

/// Checks the accounts named by `entries[start..]` (candidates from a
/// liquidation-price index, `partliq_index_candidates` or
/// `partliq_index_crossed`) with the exact health, as
/// `partliq_scanner_scan` does the accounts: each that is not healthy goes
/// to `hits` in entry order, `next` counts entries (the core's
/// `Scanner::confirm`). An account named twice is reported twice; an entry
/// naming no account fails with `UNKNOWN_POSITION` (in `*out`).
///
/// Values checked: the positions of the accounts `entries[start..]` name
/// (their reserved fields, `RESERVED_NOT_ZERO`, even past where the call
/// stops; the other positions are not read and not checked), then every
/// market's fee rounding (`INVALID_ENUM`). Statuses as
/// `partliq_scanner_scan`.
///
/// # Safety
/// As `partliq_scanner_scan`; `entries` is NULL (only with length 0) or
/// points to that many initialised entries.
#[no_mangle]
pub unsafe extern "C" fn partliq_scanner_confirm(
    mem: *const c_void,
    len: usize,
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    entries: *const partliq_index_entry,
    entries_len: usize,
    accounts: *const partliq_scan_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    start: usize,
    hits: *mut partliq_scan_hit,
    hits_len: usize,
    out: *mut partliq_scan_outcome,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let entries = array_in!(entries, entries_len);
    let accounts = array_in!(accounts, accounts_len);
    let positions = array_in!(positions, positions_len);
    let hits = array_out!(hits, hits_len);
    out!(out);
    // SAFETY: the function's contract for `mem`.
    let (table, scales) = check!(unsafe { table_in(mem, len, markets, prices) });
    let read = entries.get(start..).unwrap_or(&[]).iter().filter_map(|e| accounts.get(e.account as usize));
    check!(check_accounts(positions, read));
    let core_positions = PaddingChecked::cast_unchecked(positions);
    let core_markets: &[Market] = check!(Castable::cast_slice(markets));
    let core_prices: &[Price] = check!(Castable::cast_slice(prices));
    let core_accounts: &[ScanAccount] = check!(Castable::cast_slice(accounts));
    let core_entries: &[IndexEntry] = check!(Castable::cast_slice(entries));
    let scanner = Scanner::from_table_scaled(table, core_markets, core_prices, scales);
    let r = scanner.confirm_into(core_entries, core_accounts, core_positions, start, hits);
    write_out!(out, outcome(r));
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    //! The scanner over caller memory: the core's outcomes through the
    //! caller's buffer, and every refusal (NULL, misaligned, undersized, not
    //! initialised, stale) writing nothing. Miri-friendly: small arrays.
    use super::*;
    use crate::fixtures::market;
    use partliq::account::Position;
    use partliq::health::HealthState;
    use partliq::scan::scan_accounts;

    /// The state a hit reports.
    fn hit_state(h: &partliq_scan_hit) -> HealthState {
        match h.health.state {
            1 => HealthState::Liquidatable,
            2 => HealthState::Bankrupt,
            _ => HealthState::Healthy,
        }
    }

    #[repr(C, align(16))]
    struct Mem([u8; 8192]);

    fn pos(size: i64, quote_balance: i64) -> partliq_position {
        partliq_position { market_index: 0, reserved: 0, size, quote_balance }
    }

    /// `n` single-position accounts, every third liquidatable (equity 499 <
    /// MM 500 with the fixture market at 100: 10 % / 5 %).
    fn batch(n: usize) -> (std::vec::Vec<partliq_scan_account>, std::vec::Vec<partliq_position>) {
        let ps: std::vec::Vec<_> = (0..n).map(|i| if i % 3 == 0 { pos(100, -9_501) } else { pos(100, -9_000) }).collect();
        let acs = (0..n).map(|i| partliq_scan_account { collateral: 0, first_position: i as u32, position_count: 1 }).collect();
        (acs, ps)
    }

    #[allow(clippy::too_many_arguments)]
    unsafe fn scan(
        mem: *const c_void,
        len: usize,
        ms: &[partliq_market],
        prices: &[i64],
        acs: &[partliq_scan_account],
        ps: &[partliq_position],
        start: usize,
        hits: &mut [partliq_scan_hit],
        out: &mut partliq_scan_outcome,
    ) -> partliq_status {
        // SAFETY: the caller's.
        unsafe {
            partliq_scanner_scan(
                mem,
                len,
                ms.as_ptr(),
                ms.len(),
                prices.as_ptr(),
                prices.len(),
                acs.as_ptr(),
                acs.len(),
                ps.as_ptr(),
                ps.len(),
                start,
                hits.as_mut_ptr(),
                hits.len(),
                out,
            )
        }
    }

    #[test]
    fn scans_as_the_core() {
        let ms = [market()];
        let prices = [100i64];
        let mut mem = Mem([0; 8192]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_scanner_size(1);
        assert_eq!(len, 64 + 1_480);
        // SAFETY: our aligned buffer of 8,192 bytes; valid arrays.
        unsafe { assert_eq!(partliq_scanner_init(p, len, ms.as_ptr(), 1, prices.as_ptr(), 1), OK) };
        // 100 accounts, 34 hits (0, 3, …, 99), through buffers of every size.
        let (acs, ps) = batch(100);
        let core_ms = [partliq::market::Market::single_tier(0, 1, 1, partliq::num::Ppm(100_000), partliq::num::Ppm(50_000))];
        let core_ps: std::vec::Vec<Position> =
            ps.iter().map(|q| Position::new(0, partliq::Size(q.size), partliq::Quote(q.quote_balance))).collect();
        let core_acs: std::vec::Vec<ScanAccount> = acs.iter().map(|a| *a.cast_ref().unwrap()).collect();
        for buf in [0usize, 1, 5, 31, 32, 33, 34, 40, 70] {
            let mut hits = std::vec![partliq_scan_hit::default(); buf];
            let mut want = std::vec![ScanHit::default(); buf];
            let mut start = 0usize;
            loop {
                let mut out = partliq_scan_outcome::default();
                // SAFETY: as above.
                assert_eq!(unsafe { scan(p, len, &ms, &prices, &acs, &ps, start, &mut hits, &mut out) }, OK);
                let w = scan_accounts(&core_ms, &[Price(100)], &core_acs, &core_ps, start, &mut want);
                let end = match w.end {
                    ScanEnd::Complete => 0,
                    ScanEnd::BufferFull => 1,
                    ScanEnd::Failed(_) => 2,
                };
                assert_eq!(
                    (out.count, out.next, out.exact_checks, out.end, out.error),
                    (w.count as u64, w.next as u64, w.exact_checks as u64, end, OK),
                    "buffer {buf} from {start}"
                );
                for (h, c) in hits.iter().zip(&want).take(w.count) {
                    assert_eq!((h.account_index, h.health), (c.account_index as u64, partliq_health::from(&c.health)));
                    assert_ne!(hit_state(h), HealthState::Healthy);
                }
                if out.end == 0 || buf == 0 {
                    break;
                }
                start = out.next as usize;
            }
        }
    }

    /// A change of any one byte of the markets or of the marks read is
    /// refused as stale (the copy compared byte for byte), for one to three
    /// markets; marks past the markets are not read; an altered header is
    /// not a scanner.
    #[test]
    fn every_one_byte_change_is_stale() {
        for n in 1..=3usize {
            let mut ms = std::vec![market(); n];
            let mut prices = std::vec![100i64; n + 1];
            let mut mem = Mem([0; 8192]);
            let p: *mut c_void = mem.0.as_mut_ptr().cast();
            let len = partliq_scanner_size(n);
            assert_eq!(len, 64 + 1_480 * n);
            let (acs, ps) = batch(3);
            let mut hits = [partliq_scan_hit::default(); 4];
            let mut out = partliq_scan_outcome::default();
            assert!(len <= 8192);
            // SAFETY: our aligned buffer of 8,192 ≥ `len` bytes, valid arrays.
            unsafe {
                assert_eq!(partliq_scanner_init(p, len, ms.as_ptr(), n, prices.as_ptr(), n + 1), OK);
                assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), OK);
            }
            // One bit of every byte (bit `b % 8`: every bit position in
            // turn); under Miri every seventh byte.
            let step = if cfg!(miri) { 7 } else { 1 };
            for b in (0..n * MARKET_BYTES).step_by(step) {
                let bit = b % 8;
                // SAFETY: byte `b` of the markets' `n × MARKET_BYTES` bytes
                // (all integers), ours.
                unsafe { *ms.as_mut_ptr().cast::<u8>().add(b) ^= 1 << bit };
                // SAFETY: as above.
                let st = unsafe { scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out) };
                // SAFETY: as above.
                unsafe { *ms.as_mut_ptr().cast::<u8>().add(b) ^= 1 << bit };
                assert_eq!(st, PARTLIQ_STATUS_STALE_SCAN_TABLE, "{n} markets: byte {b}, bit {bit}");
            }
            // SAFETY: as above.
            unsafe {
                for i in 0..n {
                    for bit in [0, 40, 63] {
                        prices[i] ^= 1 << bit;
                        let st = scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out);
                        prices[i] ^= 1 << bit;
                        assert_eq!(st, PARTLIQ_STATUS_STALE_SCAN_TABLE, "{n} markets: mark {i}, bit {bit}");
                    }
                }
                prices[n] = 7;
                assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), OK, "a mark past the markets is not read");
                assert_eq!(
                    scan(p, len, &ms, &prices[..n - 1], &acs, &ps, 0, &mut hits, &mut out),
                    PARTLIQ_STATUS_STALE_SCAN_TABLE,
                    "one mark fewer"
                );
                // Every word of the header but the magic and the seal is
                // sealed: one changed bit is not a scanner.
                for w in [1usize, 2, 4, 5, 6, 7] {
                    let word = p.cast::<u64>().add(w);
                    *word ^= 1 << 33;
                    let st = scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out);
                    *word ^= 1 << 33;
                    assert_eq!(st, PARTLIQ_STATUS_TABLE_NOT_INITIALIZED, "{n} markets: header word {w}");
                }
                assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), OK);
            }
        }
    }

    #[test]
    fn failures_are_outcomes() {
        let ms = [market()];
        let prices = [100i64];
        let mut mem = Mem([0; 8192]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_scanner_size(1);
        let ps = [pos(100, -9_501), partliq_position { market_index: 3, reserved: 0, size: 1, quote_balance: 0 }];
        let acs = [
            partliq_scan_account { collateral: 0, first_position: 0, position_count: 1 },
            partliq_scan_account { collateral: 0, first_position: 1, position_count: 1 },
            partliq_scan_account { collateral: 0, first_position: 1, position_count: 9 },
        ];
        let mut hits = [partliq_scan_hit::default(); 4];
        let mut out = partliq_scan_outcome::default();
        // SAFETY: our buffer, valid arrays.
        unsafe {
            assert_eq!(partliq_scanner_init(p, len, ms.as_ptr(), 1, prices.as_ptr(), 1), OK);
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), OK);
            assert_eq!((out.count, out.next, out.end, out.error), (1, 1, 2, PARTLIQ_STATUS_UNKNOWN_MARKET));
            assert_eq!((hits[0].account_index, hits[0].health.equity), (0, 499));
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 2, &mut hits, &mut out), OK);
            assert_eq!((out.count, out.next, out.end, out.error), (0, 2, 2, PARTLIQ_STATUS_UNKNOWN_POSITION));
            // Past the end: complete at `start`.
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 9, &mut hits, &mut out), OK);
            assert_eq!((out.count, out.next, out.end), (0, 9, 0));
        }
    }

    /// The fused fast path's refusals are the one-by-one checks': with
    /// several failures at once the first in argument order is reported
    /// (the arrays before `out`, both before the memory), and an empty
    /// array or buffer (which the fast path leaves to the slow one) scans
    /// as usual.
    #[test]
    fn several_refusals_report_the_first() {
        let ms = [market()];
        let prices = [100i64];
        let mut mem = Mem([0; 8192]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_scanner_size(1);
        let (acs, ps) = batch(3);
        let mut hits = [partliq_scan_hit::default(); 2];
        let mut out = partliq_scan_outcome { count: 55, ..Default::default() };
        // The accounts one byte in: misaligned (their alignment is 8).
        let bytes = [0u64; 7];
        let odd = bytes.as_ptr().cast::<u8>().wrapping_add(1).cast::<partliq_scan_account>();
        // SAFETY: every non-NULL pointer is into our buffers or refused
        // before any access.
        unsafe {
            assert_eq!(partliq_scanner_init(p, len, ms.as_ptr(), 1, prices.as_ptr(), 1), OK);
            let call = |mem: *const c_void,
                        accounts: *const partliq_scan_account,
                        positions: *const partliq_position,
                        hits: *mut partliq_scan_hit,
                        hits_len: usize,
                        out: *mut partliq_scan_outcome| {
                partliq_scanner_scan(mem, len, ms.as_ptr(), 1, prices.as_ptr(), 1, accounts, 3, positions, 3, 0, hits, hits_len, out)
            };
            let h = hits.as_mut_ptr();
            // Misaligned accounts and a NULL out: the accounts first.
            assert_eq!(call(p, odd, ps.as_ptr(), h, 2, core::ptr::null_mut()), PARTLIQ_STATUS_MISALIGNED_POINTER);
            // NULL positions and NULL memory: the positions first.
            assert_eq!(call(core::ptr::null(), acs.as_ptr(), core::ptr::null(), h, 2, &mut out), PARTLIQ_STATUS_NULL_POINTER);
            // NULL hits with a length and memory not initialised: the hits.
            let blank = Mem([0; 8192]);
            assert_eq!(
                call(blank.0.as_ptr().cast(), acs.as_ptr(), ps.as_ptr(), core::ptr::null_mut(), 2, &mut out),
                PARTLIQ_STATUS_NULL_POINTER
            );
            // Memory not initialised alone.
            assert_eq!(call(blank.0.as_ptr().cast(), acs.as_ptr(), ps.as_ptr(), h, 2, &mut out), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            assert_eq!(out.count, 55, "no outcome written on a refusal");
            // No room for hits (NULL with length 0): a full buffer at the
            // first hit, account 0 (the slow path's answer).
            assert_eq!(call(p, acs.as_ptr(), ps.as_ptr(), core::ptr::null_mut(), 0, &mut out), OK);
            assert_eq!((out.count, out.next, out.end), (0, 0, partliq_scan_end::BufferFull as u32));
            // The same batch with room: one hit, account 0, complete.
            assert_eq!(call(p, acs.as_ptr(), ps.as_ptr(), h, 2, &mut out), OK);
            assert_eq!((out.count, out.next, out.end, hits[0].account_index), (1, 3, partliq_scan_end::Complete as u32, 0));
        }
    }

    /// The batch's check two accounts a step is the one-by-one check: every
    /// batch of up to three accounts, each of eight shapes (one position in
    /// range or past the end, none, two, three, a range running past the
    /// end), over three positions with no reserved field set or one.
    #[test]
    fn batch_check_is_the_accounts_check() {
        let shapes = [(0u32, 1u32), (2, 1), (3, 1), (0, 0), (1, 2), (0, 3), (2, 2), (u32::MAX, 1)];
        let account = |(first_position, position_count): (u32, u32)| partliq_scan_account { collateral: 0, first_position, position_count };
        let mut batches: std::vec::Vec<std::vec::Vec<partliq_scan_account>> = std::vec![std::vec![]];
        for len in 1..=3u32 {
            for code in 0..8usize.pow(len) {
                batches.push((0..len).map(|k| account(shapes[code / 8usize.pow(k) % 8])).collect());
            }
        }
        let mut rejected = 0;
        for bad in [None, Some(0), Some(1), Some(2)] {
            let mut ps = std::vec![pos(1, 0); 3];
            if let Some(b) = bad {
                ps[b].reserved = 1;
            }
            for accounts in &batches {
                let want = check_accounts(&ps, accounts.iter());
                assert_eq!(check_batch(&ps, accounts), want, "{accounts:?} with position {bad:?} reserved");
                rejected += usize::from(want.is_err());
            }
        }
        // Not vacuous: some batches read the reserved position, some not.
        assert!(rejected > 0 && rejected < 3 * batches.len());
    }

    #[test]
    fn refusals_write_nothing() {
        let ms = [market(), market()];
        let prices = [100i64, 100];
        let mut mem = Mem([0; 8192]);
        let base = mem.0.as_mut_ptr();
        let p: *mut c_void = base.cast();
        let len = partliq_scanner_size(2);
        let (acs, ps) = batch(3);
        let sentinel = partliq_scan_hit { account_index: 77, ..Default::default() };
        let mut hits = [sentinel; 2];
        let mut out = partliq_scan_outcome { count: 55, ..Default::default() };
        // SAFETY: every non-NULL pointer is into our buffers; refusals come
        // before any access.
        unsafe {
            // Not initialised (zeroed memory).
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            // NULL memory, whatever the length; an impossible length.
            assert_eq!(partliq_scanner_init(core::ptr::null_mut(), len, ms.as_ptr(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(scan(core::ptr::null(), 0, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_scanner_init(p, usize::MAX, ms.as_ptr(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_BAD_LENGTH);
            // Misaligned (8 bytes off a 16-byte boundary).
            assert_eq!(
                partliq_scanner_init(base.add(8).cast(), len, ms.as_ptr(), 2, prices.as_ptr(), 2),
                PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED
            );
            // Undersized: one byte short, and shorter than the header.
            assert_eq!(partliq_scanner_init(p, len - 1, ms.as_ptr(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert_eq!(partliq_scanner_init(p, 8, ms.as_ptr(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert!(core::slice::from_raw_parts(base, 8192).iter().all(|b| *b == 0), "a refused init wrote nothing");
            // NULL arrays with a length; a bad fee rounding.
            assert_eq!(partliq_scanner_init(p, len, core::ptr::null(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_NULL_POINTER);
            let mut bad = ms;
            bad[1].liquidation_fee_rounding = 9;
            assert_eq!(partliq_scanner_init(p, len, bad.as_ptr(), 2, prices.as_ptr(), 2), PARTLIQ_STATUS_INVALID_ENUM);
            assert!(core::slice::from_raw_parts(base, 8192).iter().all(|b| *b == 0));

            assert_eq!(partliq_scanner_init(p, len, ms.as_ptr(), 2, prices.as_ptr(), 2), OK);
            // Stale: another mark, another market, fewer markets, fewer marks.
            assert_eq!(scan(p, len, &ms, &[100, 101], &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_STALE_SCAN_TABLE);
            let mut other = ms;
            other[1].dust_floor += 1;
            assert_eq!(scan(p, len, &other, &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_STALE_SCAN_TABLE);
            assert_eq!(scan(p, len, &ms[..1], &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_STALE_SCAN_TABLE);
            assert_eq!(scan(p, len, &ms, &prices[..1], &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_STALE_SCAN_TABLE);
            // Extra marks beyond the markets do not matter.
            let mut ok_out = partliq_scan_outcome::default();
            let mut ok_hits = [partliq_scan_hit::default(); 2];
            assert_eq!(scan(p, len, &ms, &[100, 100, 5], &acs, &ps, 0, &mut ok_hits, &mut ok_out), OK);
            assert_eq!((ok_out.count, ok_hits[0].account_index), (1, 0));
            // Undersized at scan time; misaligned; an altered header.
            assert_eq!(scan(p, len - 16, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert_eq!(
                scan(base.add(4).cast(), len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out),
                PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED
            );
            *base.add(8) ^= 1; // the entry count (through the pointer the calls use)
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            *base.add(8) ^= 1;
            assert_eq!(scan(p, len, &ms, &prices, &acs, &ps, 0, &mut ok_hits, &mut ok_out), OK);
            // A reserved field, a NULL out, NULL hits with a length.
            let mut bad_ps = ps.clone();
            bad_ps[2].reserved = 1;
            assert_eq!(scan(p, len, &ms, &prices, &acs, &bad_ps, 0, &mut hits, &mut out), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!(
                partliq_scanner_scan(
                    p,
                    len,
                    ms.as_ptr(),
                    2,
                    prices.as_ptr(),
                    2,
                    acs.as_ptr(),
                    3,
                    ps.as_ptr(),
                    3,
                    0,
                    hits.as_mut_ptr(),
                    2,
                    core::ptr::null_mut()
                ),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(
                partliq_scanner_scan(
                    p,
                    len,
                    ms.as_ptr(),
                    2,
                    prices.as_ptr(),
                    2,
                    acs.as_ptr(),
                    3,
                    ps.as_ptr(),
                    3,
                    0,
                    core::ptr::null_mut(),
                    2,
                    &mut out
                ),
                PARTLIQ_STATUS_NULL_POINTER
            );
        }
        assert_eq!(hits, [sentinel; 2], "no hit written on a refusal");
        assert_eq!(out.count, 55, "no outcome written on a refusal");
        assert_eq!(partliq_scanner_size(usize::MAX), 0);
        assert_eq!(partliq_scanner_align(), 16);
    }
}
