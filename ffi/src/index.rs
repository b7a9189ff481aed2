//! The liquidation-price index (the core's `index`): one market's positions
//! of a flat batch keyed by a conservative liquidation price, so that a
//! price move finds the only accounts it can make unhealthy by binary
//! search, `partliq_index_*`.
//!
//! An index lives in memory the caller provides as `void *mem, size_t len`:
//! `partliq_index_size(capacity)` bytes aligned to `partliq_index_align()`
//! (8), laid out by `partliq_index_init` for one market and a capacity per
//! side (longs, shorts). Changes (`partliq_index_insert_account`,
//! `_rekey_account`, `_remove_account`) need the memory to themselves;
//! queries (`partliq_index_candidates`, `_crossed`, `_info`) only read it
//! and may run at once. Confirm the candidates with the exact health:
//! `partliq_scanner_confirm`.
//!
//! What the caller must do for the index to stay exact (the core's module
//! docs): re-key an account whenever its collateral or any of its positions
//! changes, keep the marks of its other markets within the `low ..= high`
//! bounds it was keyed with (or re-key), and rebuild on a change of market
//! parameters. Moves of the index's own market need nothing.
//!
//! Memory statuses: `NULL_POINTER` (`mem` NULL, whatever `len`),
//! `BAD_LENGTH` (`len` above `PTRDIFF_MAX`), `TABLE_MEMORY_MISALIGNED`,
//! `TABLE_MEMORY_TOO_SMALL`, `TABLE_NOT_INITIALIZED` (not an index, not
//! initialised, or its header altered). A call naming another market than
//! the index's gets `INDEX_MARKET_MISMATCH`.

use core::ffi::c_void;

use partliq::account::{Position, ScanAccount};
use partliq::index::{candidates_of, crossed_of, IndexEntry, LiquidationIndex};
use partliq::market::Market;
use partliq::num::Price;

use crate::account::partliq_position;
use crate::boundary::{check_ranges, Castable, PaddingChecked, OK};
use crate::market::partliq_market;
use crate::scan::partliq_scan_account;
use crate::status::*;

/// The alignment an index's memory needs (8).
pub const PARTLIQ_INDEX_ALIGN: usize = 8;

/// One indexed position: its key (conservative liquidation price), its
/// account and its position (indices in the accounts and flat positions
/// arrays). Sides are sorted by key, then account, then position.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_index_entry {
    /// Conservative liquidation price: a long may be unhealthy at marks ≤
    /// it, a short at marks ≥ it (`INT64_MAX` / 0: always a candidate).
    pub key: i64,
    /// Index of the account in the accounts array.
    pub account: u32,
    /// Index of the position in the flat positions array.
    pub position: u32,
}

/// What an index holds (`partliq_index_info`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_index_stats {
    /// Entries per side the memory holds.
    pub capacity: u64,
    /// Long entries.
    pub longs: u64,
    /// Short entries.
    pub shorts: u64,
    /// The market the index covers.
    pub market_index: u32,
    /// 0.
    pub reserved: u32,
}

/// What a query wrote (`partliq_index_candidates`, `partliq_index_crossed`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_index_query {
    /// Entries written to the front of the buffer.
    pub count: u64,
    /// The answer's next entry not written (`start + count`, or `start`
    /// when that is past the end): resume there while `next < total`.
    pub next: u64,
    /// The whole answer's length.
    pub total: u64,
}

pin_layout!(partliq_index_entry, size = 16, align = i64, { key @ 0, account @ 8, position @ 12 });
pin_layout!(partliq_index_stats, size = 32, align = u64, { capacity @ 0, longs @ 8, shorts @ 16, market_index @ 24, reserved @ 28 });
pin_layout!(partliq_index_query, size = 24, align = u64, { count @ 0, next @ 8, total @ 16 });
castable!(partliq_index_entry => IndexEntry, |_e| Ok(()), { key = key, account = account, position = position });

// ---------------------------------------------------------------------------
// The memory: a header, the longs, the shorts.

/// "partliq index v1".
const MAGIC: u64 = 0x7061_7274_4944_5831;

#[repr(C)]
struct Header {
    magic: u64,
    market_index: u64,
    capacity: u64,
    long_len: u64,
    short_len: u64,
    /// `seal(market_index, capacity)`: catches an altered header.
    seal: u64,
    _reserved: [u64; 2],
}

const HEADER: usize = core::mem::size_of::<Header>();
const ENTRY: usize = core::mem::size_of::<IndexEntry>();
const _: () = assert!(HEADER == 64 && core::mem::align_of::<Header>() == PARTLIQ_INDEX_ALIGN);
const _: () = assert!(core::mem::align_of::<IndexEntry>() == PARTLIQ_INDEX_ALIGN);

/// Each word times its own odd constant (a bijection of the word), XORed:
/// changing either word changes the seal, and the two multiplies do not
/// wait on each other (the queries check the seal on every call).
fn seal(market_index: u64, capacity: u64) -> u64 {
    MAGIC ^ market_index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ capacity.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
}

/// Bytes an index of `capacity` entries per side needs, if that fits.
fn size_of_index(capacity: usize) -> Option<usize> {
    let bytes = capacity.checked_mul(2)?.checked_mul(ENTRY)?.checked_add(HEADER)?;
    (bytes <= isize::MAX as usize).then_some(bytes)
}

fn memory_ok(mem: *const c_void, len: usize) -> Result<(), partliq_status> {
    if mem.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if isize::try_from(len).is_err() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    if (mem as usize) % PARTLIQ_INDEX_ALIGN != 0 {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
    }
    if len < HEADER {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    Ok(())
}

/// The checked header of an index's memory: `(market, capacity, long_len,
/// short_len)`.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes of initialised memory.
unsafe fn header_of(mem: *const c_void, len: usize) -> Result<(u32, usize, usize, usize), partliq_status> {
    // SAFETY: the caller's contract.
    match unsafe { header_fast(mem, len) } {
        Some(h) => Ok(h),
        // SAFETY: the caller's contract.
        None => unsafe { header_checked(mem, len) },
    }
}

/// Largest capacity whose index fits `isize::MAX` bytes (`size_of_index`).
const MAX_CAPACITY: usize = (isize::MAX as usize - HEADER) / ENTRY_PAIR;

/// The bytes of one entry of each side.
const ENTRY_PAIR: usize = 2 * ENTRY;

/// `header_of` on its hot path: the same checks as `header_checked`, folded
/// into two tests (the memory's, before any read; the header's), `None` when
/// any fails (then `header_checked` finds which, for its status).
///
/// # Safety
/// As `header_of`.
#[inline(always)]
unsafe fn header_fast(mem: *const c_void, len: usize) -> Option<(u32, usize, usize, usize)> {
    let addr = mem as usize;
    if (addr == 0) | (addr % PARTLIQ_INDEX_ALIGN != 0) | (len < HEADER) | (len > isize::MAX as usize) {
        return None;
    }
    // SAFETY: as `header_checked`: non-NULL, aligned, ≥ HEADER bytes.
    let h = unsafe { &*mem.cast::<Header>() };
    let cap = h.capacity;
    let bad = ((h.magic ^ MAGIC) | (h.seal ^ seal(h.market_index, cap)) | (h.market_index >> 32) != 0)
        | (cap > MAX_CAPACITY as u64)
        | (h.long_len > cap)
        | (h.short_len > cap);
    if bad {
        return None;
    }
    // Within `MAX_CAPACITY`, so every length fits a `usize` and the size
    // cannot overflow (nor exceed `isize::MAX`).
    let (capacity, l, s) = (cap as usize, h.long_len as usize, h.short_len as usize);
    let need = HEADER.wrapping_add(capacity.wrapping_mul(ENTRY_PAIR));
    (len >= need).then_some((h.market_index as u32, capacity, l, s))
}

/// `header_of` one check at a time, each with its status.
///
/// # Safety
/// As `header_of`.
#[cold]
unsafe fn header_checked(mem: *const c_void, len: usize) -> Result<(u32, usize, usize, usize), partliq_status> {
    memory_ok(mem, len)?;
    // SAFETY: non-NULL, 8-byte aligned, ≥ HEADER bytes (checked); all
    // integers, any initialised bytes are a valid header.
    let h = unsafe { &*mem.cast::<Header>() };
    if h.magic != MAGIC || h.seal != seal(h.market_index, h.capacity) {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    let bad = |_| PARTLIQ_STATUS_TABLE_NOT_INITIALIZED;
    let market = u32::try_from(h.market_index).map_err(bad)?;
    let capacity = usize::try_from(h.capacity).map_err(bad)?;
    let (l, s) = (usize::try_from(h.long_len).map_err(bad)?, usize::try_from(h.short_len).map_err(bad)?);
    if l > capacity || s > capacity {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    let need = size_of_index(capacity).ok_or(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED)?;
    if len < need {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    Ok((market, capacity, l, s))
}

/// The live entries of an index for a query of `market`.
///
/// # Safety
/// As `header_of`, and nothing writes the memory during the call.
unsafe fn sides<'a>(mem: *const c_void, len: usize, market: u32) -> Result<(&'a [IndexEntry], &'a [IndexEntry]), partliq_status> {
    // SAFETY: the caller's contract.
    let (held, capacity, l, s) = unsafe { header_of(mem, len)? };
    if held != market {
        return Err(PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
    }
    let base = mem.cast::<u8>();
    // SAFETY: HEADER + 2 × capacity entries lie within `len` (checked by
    // `header_of`), 8-byte aligned; `IndexEntry` is all integers with no
    // padding; nothing writes the memory during the call (the contract).
    unsafe {
        let longs = core::slice::from_raw_parts(base.add(HEADER).cast::<IndexEntry>(), l);
        let shorts = core::slice::from_raw_parts(base.add(HEADER.wrapping_add(capacity.wrapping_mul(ENTRY))).cast::<IndexEntry>(), s);
        Ok((longs, shorts))
    }
}

/// Runs `f` on the index in `mem` as the core's `LiquidationIndex` and
/// stores its new lengths.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory, accessed by nothing else during the call.
unsafe fn with_index<T>(
    mem: *mut c_void,
    len: usize,
    f: impl FnOnce(&mut LiquidationIndex<'_>) -> Result<T, partliq_status>,
) -> Result<T, partliq_status> {
    // SAFETY: the caller's contract.
    let (market, capacity, l, s) = unsafe { header_of(mem.cast_const(), len)? };
    let base = mem.cast::<u8>();
    // SAFETY: as `sides`, exclusively for the call (the contract); the two
    // sides do not overlap each other or the header.
    let (longs, shorts) = unsafe {
        (
            core::slice::from_raw_parts_mut(base.add(HEADER).cast::<IndexEntry>(), capacity),
            core::slice::from_raw_parts_mut(base.add(HEADER.wrapping_add(capacity.wrapping_mul(ENTRY))).cast::<IndexEntry>(), capacity),
        )
    };
    let mut ix = LiquidationIndex::from_parts(market, longs, l, shorts, s);
    let r = f(&mut ix);
    let (nl, ns) = (ix.longs().len() as u64, ix.shorts().len() as u64);
    // SAFETY: the header, aligned and ours for the call; written through
    // the raw pointer after the sides' borrows ended.
    unsafe {
        let h = mem.cast::<Header>();
        (*h).long_len = nl;
        (*h).short_len = ns;
    }
    r
}

/// The caller's flat batch and the bounds of an account's other markets.
struct Batch<'a> {
    accounts: &'a [ScanAccount],
    positions: &'a [Position],
    markets: &'a [Market],
    low: &'a [Price],
    high: &'a [Price],
}

/// Checks and casts a batch's arrays (in argument order).
macro_rules! batch_in {
    ($accounts:expr, $al:expr, $positions:expr, $pl:expr, $markets:expr, $ml:expr, $low:expr, $ll:expr, $high:expr, $hl:expr) => {{
        let accounts = array_in!($accounts, $al);
        let positions = array_in!($positions, $pl);
        let markets = array_in!($markets, $ml);
        let low = array_in!($low, $ll);
        let high = array_in!($high, $hl);
        (accounts, positions, markets, low, high)
    }};
}

/// A batch's arrays as the caller gave them (`batch_in!`).
type BatchArgs<'a> = (&'a [partliq_scan_account], &'a [partliq_position], &'a [partliq_market], &'a [i64], &'a [i64]);

/// The batch as the core's types, read in place, checking what keying
/// `account` reads: the positions of `accounts[account]` (their `reserved`,
/// `RESERVED_NOT_ZERO`; no account or a range outside the positions is the
/// core's `UNKNOWN_POSITION`), then every market (fee rounding,
/// `INVALID_ENUM`). The other positions are not read by the call and not
/// checked (`PaddingChecked`: any value is a valid core position).
fn batch(a: BatchArgs<'_>, account: u32) -> Result<Batch<'_>, partliq_status> {
    check_ranges(a.1, a.0.get(account as usize).map(|acc| (acc.first_position, acc.position_count)).into_iter())?;
    Ok(Batch {
        accounts: Castable::cast_slice(a.0)?,
        positions: PaddingChecked::cast_unchecked(a.1),
        markets: Castable::cast_slice(a.2)?,
        low: Castable::cast_slice(a.3)?,
        high: Castable::cast_slice(a.4)?,
    })
}

/// Writes what the answer gives to `*query`, then `answer[start..]` (the
/// concatenation of `parts`; the unified index's answer is one part) into
/// `out`: each part copied whole (`partliq_index_entry` is laid out as
/// `IndexEntry`, `partliq_unified_index_entry` as `UnifiedIndexEntry`,
/// `castable!`), as much of it as fits. The copies come last, so that
/// little is kept across them.
///
/// # Safety
/// `query` is non-NULL, aligned and valid for one write (`out!`).
#[inline(always)]
pub(crate) unsafe fn write_answer<C: Castable>(parts: [&[C::RustType]; 2], start: usize, out: &mut [C], query: *mut partliq_index_query)
where
    C::RustType: Copy,
{
    let [first, second] = parts;
    let total = first.len().saturating_add(second.len());
    // Every value of the entries is a valid core entry (all integers): the
    // cast never fails.
    let out: &mut [C::RustType] = Castable::cast_slice_mut(out).unwrap_or(&mut []);
    // The entries `start..` of each part, and how many of each fit.
    let a = first.get(start..).unwrap_or(&[]);
    let b = second.get(start.saturating_sub(first.len())..).unwrap_or(&[]);
    let na = a.len().min(out.len());
    let nb = b.len().min(out.len().saturating_sub(na));
    let count = na.saturating_add(nb);
    write_out!(query, partliq_index_query { count: count as u64, next: start.saturating_add(count) as u64, total: total as u64 });
    if let (Some(dst), Some(src)) = (out.get_mut(..na), a.get(..na)) {
        dst.copy_from_slice(src);
    }
    if let (Some(dst), Some(src)) = (out.get_mut(na..count), b.get(..nb)) {
        dst.copy_from_slice(src);
    }
}

// ---------------------------------------------------------------------------
// Entry points.

/// The alignment an index's memory needs (`PARTLIQ_INDEX_ALIGN`, 8).
#[no_mangle]
pub extern "C" fn partliq_index_align() -> usize {
    PARTLIQ_INDEX_ALIGN
}

/// Bytes of memory an index of `capacity` entries per side needs (a 64-byte
/// header and 32 bytes an entry of capacity); 0 when `capacity` is 0 or the
/// size does not fit a `PTRDIFF_MAX`.
#[no_mangle]
pub extern "C" fn partliq_index_size(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    size_of_index(capacity).unwrap_or(0)
}

/// Lays out an empty index of market `market_index` with `capacity` (≥ 1)
/// entries per side in `mem`. Nothing else may use the memory during the
/// call; on any status but `OK` it is untouched.
///
/// Statuses: the memory's (`partliq_index_size(capacity)` bytes at least),
/// `OUT_OF_RANGE` (`capacity` 0).
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents).
#[no_mangle]
pub unsafe extern "C" fn partliq_index_init(mem: *mut c_void, len: usize, market_index: u32, capacity: usize) -> partliq_status {
    check!(memory_ok(mem.cast_const(), len));
    if capacity == 0 {
        return PARTLIQ_STATUS_OUT_OF_RANGE;
    }
    let need = check!(size_of_index(capacity).ok_or(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL));
    if len < need {
        return PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL;
    }
    let (m, c) = (u64::from(market_index), capacity as u64);
    let header = Header { magic: MAGIC, market_index: m, capacity: c, long_len: 0, short_len: 0, seal: seal(m, c), _reserved: [0; 2] };
    // SAFETY: aligned, ≥ HEADER bytes, ours for the call (checked, contract).
    unsafe { mem.cast::<Header>().write(header) };
    OK
}

/// What the index in `mem` holds: its market, capacity and entries per side.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes laid out by
/// `partliq_index_init`; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_info(mem: *const c_void, len: usize, out: *mut partliq_index_stats) -> partliq_status {
    out!(out);
    // SAFETY: the function's contract.
    let (market_index, capacity, l, s) = check!(unsafe { header_of(mem, len) });
    write_out!(out, partliq_index_stats { capacity: capacity as u64, longs: l as u64, shorts: s as u64, market_index, reserved: 0 });
    OK
}

/// Keys every non-empty position of `accounts[account]` in the index's
/// market and inserts it, with the account's other markets' marks bounded
/// by `low[i] ..= high[i]` (see the module docs); writes how many entries
/// went in to `*out_inserted` (0 when no mark of this market can make the
/// account unhealthy). A key that cannot be computed (an invalid market, a
/// missing bound) makes the position always a candidate.
///
/// Values checked: the positions of `accounts[account]` only (their
/// reserved fields, `RESERVED_NOT_ZERO`: the other positions are not read
/// and not checked), then every market's fee rounding (`INVALID_ENUM`).
///
/// Statuses: the memory's, the arrays', those checks of values,
/// `UNKNOWN_POSITION` (no such account, or its range outside `positions`),
/// `BUFFER_TOO_SMALL` (a side without room for all of them). Nothing changes
/// unless `OK`.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes laid out by
/// `partliq_index_init`, accessed by nothing else during the call; each
/// array pointer is NULL (only with length 0) or points to that many
/// initialised elements outside `mem`; `out_inserted` is NULL or valid for
/// one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_insert_account(
    mem: *mut c_void,
    len: usize,
    account: u32,
    accounts: *const partliq_scan_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    markets: *const partliq_market,
    markets_len: usize,
    low: *const i64,
    low_len: usize,
    high: *const i64,
    high_len: usize,
    out_inserted: *mut u64,
) -> partliq_status {
    let arrays = batch_in!(accounts, accounts_len, positions, positions_len, markets, markets_len, low, low_len, high, high_len);
    out!(out_inserted);
    // SAFETY: the function's contract (the header is checked first).
    check!(unsafe { header_of(mem.cast_const(), len) });
    let b = check!(batch(arrays, account));
    // SAFETY: the function's contract.
    let n = check!(unsafe {
        with_index(mem, len, |ix| ix.insert_account(account, b.accounts, b.positions, b.markets, b.low, b.high).map_err(status_of))
    });
    write_out!(out_inserted, n as u64);
    OK
}

/// Re-keys `accounts[account]` after a change of its collateral or
/// positions (or of its other markets' bounds): removes every entry it has
/// and inserts its new ones, as `partliq_index_insert_account`; writes how
/// many went out and in. Values checked and statuses as
/// `partliq_index_insert_account` (the positions of `accounts[account]`
/// only; room counted after the removal). Nothing changes unless `OK`.
///
/// # Safety
/// As `partliq_index_insert_account`; `out_removed` is NULL or valid for one
/// write.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_rekey_account(
    mem: *mut c_void,
    len: usize,
    account: u32,
    accounts: *const partliq_scan_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    markets: *const partliq_market,
    markets_len: usize,
    low: *const i64,
    low_len: usize,
    high: *const i64,
    high_len: usize,
    out_removed: *mut u64,
    out_inserted: *mut u64,
) -> partliq_status {
    let arrays = batch_in!(accounts, accounts_len, positions, positions_len, markets, markets_len, low, low_len, high, high_len);
    out!(out_removed);
    out!(out_inserted);
    // SAFETY: the function's contract (the header is checked first).
    check!(unsafe { header_of(mem.cast_const(), len) });
    let b = check!(batch(arrays, account));
    // SAFETY: the function's contract.
    let (removed, inserted) = check!(unsafe {
        with_index(mem, len, |ix| ix.rekey_account(account, b.accounts, b.positions, b.markets, b.low, b.high).map_err(status_of))
    });
    write_out!(out_removed, removed as u64);
    write_out!(out_inserted, inserted as u64);
    OK
}

/// Removes every entry of `account` (both sides; a linear pass) and writes
/// how many to `*out_removed`.
///
/// # Safety
/// `mem` as `partliq_index_insert_account`'s; `out_removed` is NULL or
/// valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_remove_account(mem: *mut c_void, len: usize, account: u32, out_removed: *mut u64) -> partliq_status {
    out!(out_removed);
    // SAFETY: the function's contract.
    let n = check!(unsafe { with_index(mem, len, |ix| Ok(ix.remove_account(account))) });
    write_out!(out_removed, n as u64);
    OK
}

/// Every entry that may be unhealthy at mark `price` of `market_index` (the
/// index's market): the longs with key ≥ `price`, then the shorts with key
/// ≤ `price` — entries `start..` of that answer into `out` (`out_len` of
/// them at most), and what was written to `*query`. `O(log n)` plus the
/// copy.
///
/// Statuses: the memory's, `out`'s and `query`'s, `INDEX_MARKET_MISMATCH`.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes laid out by
/// `partliq_index_init`, not written during the call; `out` is NULL (only
/// with `out_len` 0) or valid for `out_len` writes of initialised entries;
/// `query` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_candidates(
    mem: *const c_void,
    len: usize,
    market_index: u32,
    price: i64,
    start: usize,
    out: *mut partliq_index_entry,
    out_len: usize,
    query: *mut partliq_index_query,
) -> partliq_status {
    let out = array_out!(out, out_len);
    out!(query);
    // SAFETY: the function's contract.
    let (longs, shorts) = check!(unsafe { sides(mem, len, market_index) });
    let (l, s) = candidates_of(longs, shorts, Price(price));
    // SAFETY: `query` checked by `out!`; the contract.
    unsafe { write_answer([l, s], start, out, query) };
    OK
}

/// The entries a move of the mark of `market_index` from `from` to `to`
/// makes candidates that were not at `from` (longs with `to ≤ key < from`
/// when it falls, shorts with `from < key ≤ to` when it rises, none when it
/// stays): entries `start..` of that answer into `out`, as
/// `partliq_index_candidates`.
///
/// # Safety
/// As `partliq_index_candidates`.
#[no_mangle]
pub unsafe extern "C" fn partliq_index_crossed(
    mem: *const c_void,
    len: usize,
    market_index: u32,
    from: i64,
    to: i64,
    start: usize,
    out: *mut partliq_index_entry,
    out_len: usize,
    query: *mut partliq_index_query,
) -> partliq_status {
    let out = array_out!(out, out_len);
    out!(query);
    // SAFETY: the function's contract.
    let (longs, shorts) = check!(unsafe { sides(mem, len, market_index) });
    let c = crossed_of(longs, shorts, Price(from), Price(to));
    // SAFETY: `query` checked by `out!`; the contract.
    unsafe { write_answer([c, &[]], start, out, query) };
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    //! The index over caller memory against the core's, and every refusal
    //! writing nothing. Miri-friendly: small arrays.
    use super::*;
    use crate::fixtures::market;

    #[repr(C, align(8))]
    struct Mem([u8; 1024]);

    fn pos(size: i64, quote_balance: i64) -> partliq_position {
        partliq_position { market_index: 0, reserved: 0, size, quote_balance }
    }

    struct Fixture {
        ms: [partliq_market; 1],
        prices: [i64; 1],
        acs: [partliq_scan_account; 4],
        ps: [partliq_position; 4],
    }

    /// Isolated positions at 100 (10 % / 5 %): a long keyed 102 (as the
    /// core's own test: −1 − 9,600 + 95P = 0 → 101.06 → 102), a short keyed
    /// 99, a long keyed lower (qb −9,000: 9,001 / 95 = 94.7 → 95), a
    /// fully funded long (no entry).
    fn fixture() -> Fixture {
        Fixture {
            ms: [market()],
            prices: [100],
            acs: core::array::from_fn(|i| partliq_scan_account { collateral: 0, first_position: i as u32, position_count: 1 }),
            ps: [pos(100, -9_600), pos(-100, 10_400), pos(100, -9_000), pos(100, 0)],
        }
    }

    unsafe fn insert(mem: *mut c_void, len: usize, f: &Fixture, account: u32, n: &mut u64) -> partliq_status {
        // SAFETY: the caller's.
        unsafe {
            partliq_index_insert_account(
                mem,
                len,
                account,
                f.acs.as_ptr(),
                f.acs.len(),
                f.ps.as_ptr(),
                f.ps.len(),
                f.ms.as_ptr(),
                1,
                f.prices.as_ptr(),
                1,
                f.prices.as_ptr(),
                1,
                n,
            )
        }
    }

    #[test]
    fn keys_queries_and_rekeys() {
        let mut f = fixture();
        let mut mem = Mem([0; 1024]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_index_size(4);
        assert_eq!(len, 64 + 4 * 32);
        let mut n = 9u64;
        let mut q = partliq_index_query::default();
        let mut out = [partliq_index_entry::default(); 4];
        // SAFETY: our aligned buffer; valid arrays and outputs.
        unsafe {
            assert_eq!(partliq_index_init(p, len, 0, 4), OK);
            for (a, want) in [(0, 1), (1, 1), (2, 1), (3, 0)] {
                assert_eq!(insert(p, len, &f, a, &mut n), OK);
                assert_eq!(n, want, "account {a}");
            }
            let mut info = partliq_index_stats::default();
            assert_eq!(partliq_index_info(p, len, &mut info), OK);
            assert_eq!((info.capacity, info.longs, info.shorts, info.market_index), (4, 2, 1, 0));
            // At 100: the long keyed 102 (≥ 100), the short keyed 99 (≤ 100).
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.count, q.next, q.total), (2, 2, 2));
            assert_eq!(
                out[..2],
                [partliq_index_entry { key: 102, account: 0, position: 0 }, partliq_index_entry { key: 99, account: 1, position: 1 }]
            );
            // Paged across the two parts (the longs, then the shorts): one
            // at a time from 0 and from 1; from 1 with room for four; from 3,
            // past both.
            let mut one = [partliq_index_entry::default(); 1];
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 0, one.as_mut_ptr(), 1, &mut q), OK);
            assert_eq!((q.count, q.next, q.total, one[0].key), (1, 1, 2, 102));
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 1, one.as_mut_ptr(), 1, &mut q), OK);
            assert_eq!((q.count, q.next, q.total, one[0].key), (1, 2, 2, 99));
            out = [partliq_index_entry::default(); 4];
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 1, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.count, q.next, q.total, out[0].key, out[1].key), (1, 2, 2, 99, 0));
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 3, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.count, q.next, q.total), (0, 3, 2));
            // A fall 110 → 95 crosses both longs (95 and 102); one at a time.
            assert_eq!(partliq_index_crossed(p, len, 0, 110, 95, 0, one.as_mut_ptr(), 1, &mut q), OK);
            assert_eq!((q.count, q.next, q.total, one[0].key), (1, 1, 2, 95));
            assert_eq!(partliq_index_crossed(p, len, 0, 110, 95, 1, one.as_mut_ptr(), 1, &mut q), OK);
            assert_eq!((q.count, q.next, q.total, one[0].key), (1, 2, 2, 102));
            assert_eq!(partliq_index_crossed(p, len, 0, 110, 95, 7, one.as_mut_ptr(), 1, &mut q), OK);
            assert_eq!((q.count, q.next), (0, 7));
            // Account 0 deposits into its position: re-keyed lower
            // (−1 − 9,000 + 95P = 0 → 94.7 → 95).
            f.ps[0].quote_balance = -9_000;
            let mut removed = 0u64;
            assert_eq!(
                partliq_index_rekey_account(
                    p,
                    len,
                    0,
                    f.acs.as_ptr(),
                    4,
                    f.ps.as_ptr(),
                    4,
                    f.ms.as_ptr(),
                    1,
                    f.prices.as_ptr(),
                    1,
                    f.prices.as_ptr(),
                    1,
                    &mut removed,
                    &mut n
                ),
                OK
            );
            assert_eq!((removed, n), (1, 1));
            // At 99: both longs (95) are below the mark; the short (99) is in.
            assert_eq!(partliq_index_candidates(p, len, 0, 99, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.total, out[0].account), (1, 1));
            assert_eq!(partliq_index_candidates(p, len, 0, 95, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!(q.total, 2, "at 95 both longs, keyed 95, and no short");
            assert_eq!(partliq_index_remove_account(p, len, 1, &mut removed), OK);
            assert_eq!(removed, 1);
            assert_eq!(partliq_index_info(p, len, &mut info), OK);
            assert_eq!((info.longs, info.shorts), (2, 0));
        }
    }

    #[test]
    fn refusals_change_and_write_nothing() {
        let f = fixture();
        let mut mem = Mem([0; 1024]);
        let base = mem.0.as_mut_ptr();
        let p: *mut c_void = base.cast();
        let len = partliq_index_size(1);
        let mut n = 9u64;
        let mut q = partliq_index_query { count: 5, ..Default::default() };
        let sentinel = partliq_index_entry { key: -3, account: 3, position: 3 };
        let mut out = [sentinel; 2];
        // SAFETY: every non-NULL pointer is into our buffers; refusals come
        // before any access.
        unsafe {
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            assert_eq!(partliq_index_init(core::ptr::null_mut(), len, 0, 1), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_index_init(p, usize::MAX, 0, 1), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(partliq_index_init(base.add(4).cast(), len, 0, 1), PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
            assert_eq!(partliq_index_init(p, len - 1, 0, 1), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert_eq!(partliq_index_init(p, len, 0, 0), PARTLIQ_STATUS_OUT_OF_RANGE);
            assert_eq!(partliq_index_init(p, len, 0, usize::MAX), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert!(core::slice::from_raw_parts(base, 1024).iter().all(|b| *b == 0), "a refused init wrote nothing");

            assert_eq!(partliq_index_init(p, len, 0, 1), OK);
            // Another market: its own status.
            assert_eq!(partliq_index_candidates(p, len, 1, 100, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
            assert_eq!(partliq_index_crossed(p, len, 7, 100, 90, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
            // Undersized at use; NULL outputs.
            assert_eq!(partliq_index_candidates(p, len - 8, 0, 100, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert_eq!(partliq_index_candidates(p, len, 0, 100, 0, core::ptr::null_mut(), 2, &mut q), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(
                partliq_index_candidates(p, len, 0, 100, 0, out.as_mut_ptr(), 2, core::ptr::null_mut()),
                PARTLIQ_STATUS_NULL_POINTER
            );
            // One long of room: the first long fits, the second does not.
            assert_eq!(insert(p, len, &f, 0, &mut n), OK);
            n = 9;
            assert_eq!(insert(p, len, &f, 2, &mut n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(insert(p, len, &f, 9, &mut n), PARTLIQ_STATUS_UNKNOWN_POSITION);
            assert_eq!(n, 9, "no count written on a refusal");
            // An altered header.
            *base.add(16) ^= 0x40; // the capacity (through the pointer the calls use)
            assert_eq!(insert(p, len, &f, 1, &mut n), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            *base.add(16) ^= 0x40;
            let mut info = partliq_index_stats::default();
            assert_eq!(partliq_index_info(p, len, &mut info), OK);
            assert_eq!((info.longs, info.shorts), (1, 0));
        }
        assert_eq!(out, [sentinel; 2]);
        assert_eq!(q.count, 5);
        assert_eq!((partliq_index_size(0), partliq_index_size(usize::MAX), partliq_index_align()), (0, 0, 8));
    }
}
