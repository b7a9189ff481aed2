//! The unified move index (the core's `unified::index`): every pool of a
//! flat batch of unified accounts keyed by how far the prices may move
//! before it can become a hit, so that a move finds the only pools it can
//! reach by binary search, `partliq_unified_index_*`, and their exact check,
//! `partliq_unified_confirm`.
//!
//! An index lives in memory the caller provides as `void *mem, size_t len`:
//! `partliq_unified_index_size(capacity)` bytes aligned to
//! `partliq_unified_index_align()` (8), laid out by
//! `partliq_unified_index_init` with a capacity of `capacity` pools (each
//! pool has one entry on each of the three sides: a fall, a rise, a mixed
//! move). Changes (`_insert_account`, `_rekey_account`, `_remove_account`)
//! need the memory to themselves; queries (`_candidates`, `_crossed`,
//! `_info`) only read it and may run at once.
//!
//! Keys are computed against a **reference** book (the prices at keying);
//! a query takes the move since then (`partliq_unified_price_move`). What
//! the caller must do for the index to stay exact (the core's module
//! docs): re-key an account whenever any of its balances or positions
//! changes or a market's funding index moves; keep one reference book
//! (re-key everything to move it); key and confirm with the same ladder
//! and parameters.
//!
//! Memory statuses: `NULL_POINTER` (`mem` NULL, whatever `len`),
//! `BAD_LENGTH` (`len` above `PTRDIFF_MAX`), `TABLE_MEMORY_MISALIGNED`,
//! `TABLE_MEMORY_TOO_SMALL`, `TABLE_NOT_INITIALIZED` (not an index, not
//! initialised, or its header altered).

use core::ffi::c_void;

use partliq::num::Price;
use partliq::unified::{
    candidates_on, crossed_on, MarginBook, MarginLadder, MoveSide, PriceMove, UnifiedAccount, UnifiedIndex, UnifiedIndexEntry,
    UnifiedScanAccount, UnifiedScanner,
};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{array_fast, out_ok, ptr_fast, ref_in, slice_in, Castable, UnifiedArgs, OK};
use crate::index::{partliq_index_query, write_answer};
use crate::market::partliq_market;
use crate::scan::{outcome, partliq_scan_outcome};
use crate::status::*;
use crate::unified::{
    partliq_margin_ladder, partliq_perp_position, partliq_perp_risk, partliq_unified_scan_account, partliq_unified_scan_hit,
};

/// The alignment a unified index's memory needs (8).
pub const PARTLIQ_UNIFIED_INDEX_ALIGN: usize = 8;

/// One indexed pool on one side: its key (the move margin in ppm: a
/// candidate of every move of at least `key` ppm on its side, 0 always), its
/// account (index in the accounts array) and its pool (0: the cross pool;
/// `k ≥ 1`: the `k`-th isolated position's). Sides are sorted by key, then
/// account, then pool.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_index_entry {
    /// The move margin, ppm (`PARTLIQ_UNIFIED_INDEX_KEY_LIMIT + 1`: safe for
    /// every move up to 100 %).
    pub key: u32,
    /// Index of the account in the accounts array.
    pub account: u32,
    /// Index of the pool in the account.
    pub pool: u32,
}

/// The largest move margin a key states, ppm (the core's `KEY_LIMIT`).
pub const PARTLIQ_UNIFIED_INDEX_KEY_LIMIT: u32 = 1_000_000;
const _: () = assert!(PARTLIQ_UNIFIED_INDEX_KEY_LIMIT == partliq::unified::KEY_LIMIT);

/// A side of the index (`partliq_unified_index_crossed`).
pub type partliq_move_side = u32;
/// Every price at or below its reference.
pub const PARTLIQ_MOVE_SIDE_DOWN: partliq_move_side = 0;
/// Every price at or above its reference.
pub const PARTLIQ_MOVE_SIDE_UP: partliq_move_side = 1;
/// Any mix of falls and rises.
pub const PARTLIQ_MOVE_SIDE_BOTH: partliq_move_side = 2;

/// A move of the prices since the reference: the largest fall and the
/// largest rise of any one price, ppm of its reference, rounded up.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_price_move {
    /// The largest fall, ppm (at most 1,000,000).
    pub down_ppm: u32,
    /// The largest rise, ppm (saturating at `UINT32_MAX`).
    pub up_ppm: u32,
}

/// What a unified index holds (`partliq_unified_index_info`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_index_stats {
    /// Pools (entries per side) the memory holds.
    pub capacity: u64,
    /// Entries on the fall side (the pools indexed).
    pub down: u64,
    /// Entries on the rise side.
    pub up: u64,
    /// Entries on the mixed side.
    pub both: u64,
}

pin_layout!(partliq_unified_index_entry, size = 12, align = u32, { key @ 0, account @ 4, pool @ 8 });
pin_layout!(partliq_price_move, size = 8, align = u32, { down_ppm @ 0, up_ppm @ 4 });
pin_layout!(partliq_unified_index_stats, size = 32, align = u64, { capacity @ 0, down @ 8, up @ 16, both @ 24 });
castable!(partliq_unified_index_entry => UnifiedIndexEntry, |_e| Ok(()), { key = key, account = account, pool = pool });
castable!(partliq_price_move => PriceMove, |_m| Ok(()), { down_ppm = down_ppm, up_ppm = up_ppm });

fn side_of(side: partliq_move_side) -> Result<MoveSide, partliq_status> {
    match side {
        PARTLIQ_MOVE_SIDE_DOWN => Ok(MoveSide::Down),
        PARTLIQ_MOVE_SIDE_UP => Ok(MoveSide::Up),
        PARTLIQ_MOVE_SIDE_BOTH => Ok(MoveSide::Both),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    }
}

// ---------------------------------------------------------------------------
// The memory: a header, then the fall, rise and mixed sides.

/// "partliq unified index v1".
const MAGIC: u64 = 0x7061_7274_5549_5831;

#[repr(C)]
struct Header {
    magic: u64,
    capacity: u64,
    lens: [u64; 3],
    /// `seal(capacity)`: catches an altered header.
    seal: u64,
    _reserved: [u64; 2],
}

const HEADER: usize = core::mem::size_of::<Header>();
const ENTRY: usize = core::mem::size_of::<UnifiedIndexEntry>();
const _: () = assert!(HEADER == 64 && core::mem::align_of::<Header>() == PARTLIQ_UNIFIED_INDEX_ALIGN);
const _: () = assert!(PARTLIQ_UNIFIED_INDEX_ALIGN % core::mem::align_of::<UnifiedIndexEntry>() == 0);

/// The capacity times an odd constant (a bijection: changing it changes
/// the seal), one multiply on the queries' path.
fn seal(capacity: u64) -> u64 {
    MAGIC ^ 3 ^ capacity.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Bytes an index of `capacity` pools needs, if that fits.
fn size_of_index(capacity: usize) -> Option<usize> {
    let bytes = capacity.checked_mul(3)?.checked_mul(ENTRY)?.checked_add(HEADER)?;
    (bytes <= isize::MAX as usize).then_some(bytes)
}

fn memory_ok(mem: *const c_void, len: usize) -> Result<(), partliq_status> {
    if mem.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if isize::try_from(len).is_err() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    if (mem as usize) % PARTLIQ_UNIFIED_INDEX_ALIGN != 0 {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
    }
    if len < HEADER {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    Ok(())
}

/// The checked header of an index's memory: `(capacity, lens)`.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes of initialised memory.
unsafe fn header_of(mem: *const c_void, len: usize) -> Result<(usize, [usize; 3]), partliq_status> {
    // SAFETY: the caller's contract.
    match unsafe { header_fast(mem, len) } {
        Some(h) => Ok(h),
        // SAFETY: the caller's contract.
        None => unsafe { header_checked(mem, len) },
    }
}

/// The bytes of one entry of each side.
const ENTRY_TRIPLE: usize = 3 * ENTRY;

/// Largest capacity whose index fits `isize::MAX` bytes (`size_of_index`).
const MAX_CAPACITY: usize = (isize::MAX as usize - HEADER) / ENTRY_TRIPLE;

/// `header_of` on its hot path: the same checks as `header_checked`, folded
/// into two tests (the memory's, before any read; the header's), `None` when
/// any fails (then `header_checked` finds which, for its status).
///
/// # Safety
/// As `header_of`.
#[inline(always)]
unsafe fn header_fast(mem: *const c_void, len: usize) -> Option<(usize, [usize; 3])> {
    let addr = mem as usize;
    if (addr == 0) | (addr % PARTLIQ_UNIFIED_INDEX_ALIGN != 0) | (len < HEADER) | (len > isize::MAX as usize) {
        return None;
    }
    // SAFETY: as `header_checked`: non-NULL, aligned, ≥ HEADER bytes.
    let h = unsafe { &*mem.cast::<Header>() };
    let cap = h.capacity;
    let [a, b, c] = h.lens;
    let bad = ((h.magic ^ MAGIC) | (h.seal ^ seal(cap)) != 0) | (cap > MAX_CAPACITY as u64) | (a > cap) | (b > cap) | (c > cap);
    if bad {
        return None;
    }
    // Within `MAX_CAPACITY`, so every length fits a `usize` and the size
    // cannot overflow (nor exceed `isize::MAX`).
    let capacity = cap as usize;
    let need = HEADER.wrapping_add(capacity.wrapping_mul(ENTRY_TRIPLE));
    (len >= need).then_some((capacity, [a as usize, b as usize, c as usize]))
}

/// `header_of` one check at a time, each with its status.
///
/// # Safety
/// As `header_of`.
#[cold]
unsafe fn header_checked(mem: *const c_void, len: usize) -> Result<(usize, [usize; 3]), partliq_status> {
    memory_ok(mem, len)?;
    // SAFETY: non-NULL, 8-byte aligned, ≥ HEADER bytes (checked); all
    // integers, any initialised bytes are a valid header.
    let h = unsafe { &*mem.cast::<Header>() };
    if h.magic != MAGIC || h.seal != seal(h.capacity) {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    let bad = |_| PARTLIQ_STATUS_TABLE_NOT_INITIALIZED;
    let capacity = usize::try_from(h.capacity).map_err(bad)?;
    let [a, b, c] = h.lens;
    let lens = [usize::try_from(a).map_err(bad)?, usize::try_from(b).map_err(bad)?, usize::try_from(c).map_err(bad)?];
    if lens.iter().any(|&l| l > capacity) {
        return Err(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
    }
    let need = size_of_index(capacity).ok_or(PARTLIQ_STATUS_TABLE_NOT_INITIALIZED)?;
    if len < need {
        return Err(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
    }
    Ok((capacity, lens))
}

/// The live entries of one side, read in place.
///
/// # Safety
/// As `header_of`, and nothing writes the memory during the call.
unsafe fn side_in<'a>(mem: *const c_void, len: usize, side: MoveSide) -> Result<&'a [UnifiedIndexEntry], partliq_status> {
    // SAFETY: the caller's contract.
    let (capacity, lens) = unsafe { header_of(mem, len)? };
    // SAFETY: the header just read from `mem` (the caller's contract).
    Ok(unsafe { side_at(mem, capacity, lens, side) })
}

/// The live entries of one side of the index in `mem`, whose header gave
/// `capacity` and `lens` (`header_of`).
///
/// # Safety
/// `capacity` and `lens` come from `header_of(mem, len)` (or
/// `header_fast`); nothing writes the memory during the call.
#[inline(always)]
unsafe fn side_at<'a>(mem: *const c_void, capacity: usize, lens: [usize; 3], side: MoveSide) -> &'a [UnifiedIndexEntry] {
    let s = side as usize;
    // A match, not an index into `lens`: the lengths stay in registers.
    let [down, up, both] = lens;
    let n = match side {
        MoveSide::Down => down,
        MoveSide::Up => up,
        MoveSide::Both => both,
    };
    // SAFETY: HEADER + 3 × capacity entries lie within `len` (checked by
    // `header_of`), aligned; `UnifiedIndexEntry` is all integers with no
    // padding; nothing writes the memory during the call (the contract).
    unsafe {
        core::slice::from_raw_parts(mem.cast::<u8>().add(HEADER.wrapping_add(s.wrapping_mul(capacity).wrapping_mul(ENTRY))).cast(), n)
    }
}

/// Runs `f` on the index in `mem` as the core's `UnifiedIndex` and stores
/// its new lengths.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory, accessed by nothing else during the call.
unsafe fn with_index<T>(
    mem: *mut c_void,
    len: usize,
    f: impl FnOnce(&mut UnifiedIndex<'_>) -> Result<T, partliq_status>,
) -> Result<T, partliq_status> {
    // SAFETY: the caller's contract.
    let (capacity, lens) = unsafe { header_of(mem.cast_const(), len)? };
    let base = mem.cast::<u8>();
    let at = |s: usize| HEADER.wrapping_add(s.wrapping_mul(capacity).wrapping_mul(ENTRY));
    // SAFETY: as `side_in`, exclusively for the call (the contract); the
    // three sides do not overlap each other or the header.
    let (d, u, b) = unsafe {
        (
            core::slice::from_raw_parts_mut(base.add(at(0)).cast::<UnifiedIndexEntry>(), capacity),
            core::slice::from_raw_parts_mut(base.add(at(1)).cast::<UnifiedIndexEntry>(), capacity),
            core::slice::from_raw_parts_mut(base.add(at(2)).cast::<UnifiedIndexEntry>(), capacity),
        )
    };
    let mut ix = UnifiedIndex::from_parts(d, u, b, lens);
    let r = f(&mut ix);
    let new = ix.lens().map(|l| l as u64);
    // SAFETY: the header, aligned and ours for the call; written through the
    // raw pointer after the sides' borrows ended.
    unsafe { (*mem.cast::<Header>()).lens = new };
    r
}

/// The arguments `partliq_unified_index_insert_account` and
/// `partliq_unified_index_rekey_account` share, after their book and flat
/// account arrays (`unified_in!`), checked in their order: the accounts
/// array, the ladder, the out-pointers, the memory's header, the book's
/// values, the accounts', the ladder's; then account `account` of the batch
/// (`UNKNOWN_POSITION` for none) and its own elements only
/// (`UnifiedAccountArgs::account_view`). Returns the book, the account and
/// the ladder to key with.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes of initialised memory;
/// `accounts` is NULL (only with `accounts_len` 0) or points to that many
/// initialised accounts, and `ladder` is NULL or points to an initialised
/// ladder, both valid for `'a`.
#[allow(clippy::too_many_arguments)]
unsafe fn keyed_account<'a, const OUTS: usize>(
    mem: *mut c_void,
    len: usize,
    account: u32,
    args: &UnifiedArgs<'a>,
    accounts: *const partliq_unified_scan_account,
    accounts_len: usize,
    ladder: *const partliq_margin_ladder,
    outs: [*mut u64; OUTS],
) -> Result<(MarginBook<'a>, UnifiedAccount<'a>, &'a MarginLadder), partliq_status> {
    // SAFETY: the caller's contract.
    let accounts = unsafe { slice_in(accounts, accounts_len)? };
    // SAFETY: the caller's contract.
    let ladder = unsafe { ref_in(ladder)? };
    outs.into_iter().try_for_each(out_ok)?;
    // SAFETY: the caller's contract (the header is checked first).
    unsafe { header_of(mem.cast_const(), len)? };
    let book = args.book.view()?;
    let accounts: &[UnifiedScanAccount] = Castable::cast_slice(accounts)?;
    let ladder: &MarginLadder = ladder.cast_ref()?;
    let view = args.account.account_view(accounts.get(account as usize).ok_or(PARTLIQ_STATUS_UNKNOWN_POSITION)?)?;
    Ok((book, view, ladder))
}

// ---------------------------------------------------------------------------
// Entry points.

/// The alignment a unified index's memory needs (8).
#[no_mangle]
pub extern "C" fn partliq_unified_index_align() -> usize {
    PARTLIQ_UNIFIED_INDEX_ALIGN
}

/// Bytes of memory a unified index of `capacity` pools needs (a 64-byte
/// header and 36 bytes a pool); 0 when `capacity` is 0 or the size does not
/// fit a `PTRDIFF_MAX`.
#[no_mangle]
pub extern "C" fn partliq_unified_index_size(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    size_of_index(capacity).unwrap_or(0)
}

/// Lays out an empty unified index of `capacity` (≥ 1) pools in `mem`.
/// Nothing else may use the memory during the call; on any status but `OK`
/// it is untouched.
///
/// Statuses: the memory's (`partliq_unified_index_size(capacity)` bytes at
/// least), `OUT_OF_RANGE` (`capacity` 0).
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents).
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_init(mem: *mut c_void, len: usize, capacity: usize) -> partliq_status {
    check!(memory_ok(mem.cast_const(), len));
    if capacity == 0 {
        return PARTLIQ_STATUS_OUT_OF_RANGE;
    }
    let need = check!(size_of_index(capacity).ok_or(PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL));
    if len < need {
        return PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL;
    }
    let c = capacity as u64;
    let header = Header { magic: MAGIC, capacity: c, lens: [0; 3], seal: seal(c), _reserved: [0; 2] };
    // SAFETY: aligned, ≥ HEADER bytes, ours for the call (checked, contract).
    unsafe { mem.cast::<Header>().write(header) };
    OK
}

/// What the unified index in `mem` holds: its capacity and entries per side.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes laid out by
/// `partliq_unified_index_init`; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_info(
    mem: *const c_void,
    len: usize,
    out: *mut partliq_unified_index_stats,
) -> partliq_status {
    out!(out);
    // SAFETY: the function's contract.
    let (capacity, [d, u, b]) = check!(unsafe { header_of(mem, len) });
    write_out!(out, partliq_unified_index_stats { capacity: capacity as u64, down: d as u64, up: u as u64, both: b as u64 });
    OK
}

/// Keys every pool of `accounts[account]` (a range of `balances` and of
/// `positions`) against the **reference** book with `ladder` and inserts it
/// on every side; writes how many pools went in to `*out_inserted`. A pool
/// that is a hit at the reference, or whose health fails there, is keyed 0
/// (a candidate of every move).
///
/// Values checked: the book's (every market's fee rounding, every asset's
/// reserved field); then, once `accounts[account]` and its ranges are found
/// (else `UNKNOWN_POSITION`), its own balances' reserved fields
/// (`RESERVED_NOT_ZERO`) and its own positions' margins (`INVALID_ENUM`).
/// The other accounts' balances and positions are not read and not
/// checked.
///
/// Statuses: the arrays', the ladder's NULL, the out-pointer's, the
/// memory's, then those checks of values in that order, `BUFFER_TOO_SMALL`
/// (no room for all its pools). Nothing changes unless `OK`.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes laid out by
/// `partliq_unified_index_init`, accessed by nothing else during the call;
/// each array pointer is NULL (only with length 0) or points to that many
/// initialised elements outside `mem`; `ladder` is NULL or points to an
/// initialised ladder; `out_inserted` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_insert_account(
    mem: *mut c_void,
    len: usize,
    account: u32,
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    accounts: *const partliq_unified_scan_account,
    accounts_len: usize,
    ladder: *const partliq_margin_ladder,
    out_inserted: *mut u64,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    // SAFETY: the function's contract.
    let (book, view, ladder) = check!(unsafe { keyed_account(mem, len, account, &args, accounts, accounts_len, ladder, [out_inserted]) });
    // SAFETY: the function's contract.
    let n = check!(unsafe { with_index(mem, len, |ix| ix.insert_account(account, &view, &book, ladder).map_err(status_of)) });
    write_out!(out_inserted, n as u64);
    OK
}

/// Re-keys `accounts[account]` after a change of its balances or positions
/// (or of a funding index): removes every entry it has and inserts its pools
/// anew, as `partliq_unified_index_insert_account`; writes how many pools
/// went out and in. Values checked and statuses as
/// `partliq_unified_index_insert_account` (the elements of
/// `accounts[account]` only; room counted after the removal). Nothing
/// changes unless `OK`.
///
/// # Safety
/// As `partliq_unified_index_insert_account`; `out_removed` is NULL or
/// valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_rekey_account(
    mem: *mut c_void,
    len: usize,
    account: u32,
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    accounts: *const partliq_unified_scan_account,
    accounts_len: usize,
    ladder: *const partliq_margin_ladder,
    out_removed: *mut u64,
    out_inserted: *mut u64,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    // SAFETY: the function's contract.
    let (book, view, ladder) =
        check!(unsafe { keyed_account(mem, len, account, &args, accounts, accounts_len, ladder, [out_removed, out_inserted]) });
    // SAFETY: the function's contract.
    let (removed, inserted) =
        check!(unsafe { with_index(mem, len, |ix| ix.rekey_account(account, &view, &book, ladder).map_err(status_of)) });
    write_out!(out_removed, removed as u64);
    write_out!(out_inserted, inserted as u64);
    OK
}

/// Removes every entry of `account` (every side; a linear pass) and writes
/// how many pools it had to `*out_removed`.
///
/// # Safety
/// `mem` as `partliq_unified_index_insert_account`'s; `out_removed` is NULL
/// or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_remove_account(
    mem: *mut c_void,
    len: usize,
    account: u32,
    out_removed: *mut u64,
) -> partliq_status {
    out!(out_removed);
    // SAFETY: the function's contract.
    let n = check!(unsafe { with_index(mem, len, |ix| Ok(ix.remove_account(account))) });
    write_out!(out_removed, n as u64);
    OK
}

/// The move from the reference prices (perp marks and asset prices, as the
/// keys were computed with) to the current ones: the largest fall and rise
/// of any one price in ppm, rounded up.
///
/// Statuses: the arrays' and `out`'s, `MARKET_DATA_TOO_SHORT` (fewer current
/// prices of a kind than reference ones), `MISSING_PRICE` /
/// `NEGATIVE_PRICE` (a price ≤ 0).
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_price_move(
    reference_prices: *const i64,
    reference_prices_len: usize,
    prices: *const i64,
    prices_len: usize,
    reference_asset_prices: *const i64,
    reference_asset_prices_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    out: *mut partliq_price_move,
) -> partliq_status {
    let rp: &[Price] = check!(Castable::cast_slice(array_in!(reference_prices, reference_prices_len)));
    let p: &[Price] = check!(Castable::cast_slice(array_in!(prices, prices_len)));
    let ra: &[Price] = check!(Castable::cast_slice(array_in!(reference_asset_prices, reference_asset_prices_len)));
    let a: &[Price] = check!(Castable::cast_slice(array_in!(asset_prices, asset_prices_len)));
    out!(out);
    let m = core_try!(PriceMove::of_prices(rp, p));
    let n = core_try!(PriceMove::of_prices(ra, a));
    write_out!(out, partliq_price_move { down_ppm: m.down_ppm.max(n.down_ppm), up_ppm: m.up_ppm.max(n.up_ppm) });
    OK
}

/// Every pool the move `*price_move` may have made a hit: the entries of its
/// side (no rise: the fall side; no fall: the rise side; else the mixed
/// side at the larger of the two) with `key ≤` its size — entries
/// `start..` of that answer into `out` (`out_len` of them at most), and what
/// was written to `*query`. `O(log n)` plus the copy.
///
/// Statuses: the memory's, `price_move`'s, `out`'s and `query`'s.
///
/// # Safety
/// `mem` is NULL or valid for reads of `len` bytes laid out by
/// `partliq_unified_index_init`, not written during the call; `price_move`
/// is NULL or points to an initialised move; `out` is NULL (only with
/// `out_len` 0) or valid for `out_len` writes; `query` is NULL or valid for
/// one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_candidates(
    mem: *const c_void,
    len: usize,
    price_move: *const partliq_price_move,
    start: usize,
    out: *mut partliq_unified_index_entry,
    out_len: usize,
    query: *mut partliq_index_query,
) -> partliq_status {
    // The common call (every pointer good, `out` not empty, the header
    // sound) tested at once and answered with no call but the copy's;
    // anything else takes `candidates_checked`, the checks one by one.
    if array_fast(out.cast_const(), out_len) & ptr_fast(query.cast_const()) & ptr_fast(price_move) {
        // SAFETY: the function's contract.
        if let Some((capacity, lens)) = unsafe { header_fast(mem, len) } {
            // SAFETY: non-NULL and aligned (`ptr_fast`, as `ref_in`); the
            // contract makes it an initialised move.
            let mv = unsafe { &*price_move };
            // Every move passes (`castable!`: no check).
            if let Ok(mv) = Castable::cast_ref(mv) {
                let (side, m) = PriceMove::side(mv);
                // SAFETY: the header `header_fast` just read; the contract.
                let entries = unsafe { side_at(mem, capacity, lens, side) };
                // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX
                // (`array_fast`, as `slice_out`); the contract.
                let out = unsafe { core::slice::from_raw_parts_mut(out, out_len) };
                // SAFETY: `query` non-NULL and aligned (`ptr_fast`); the contract.
                unsafe { write_answer([candidates_on(entries, m), &[]], start, out, query) };
                return OK;
            }
        }
    }
    // SAFETY: the function's contract.
    unsafe { candidates_checked(mem, len, price_move, start, out, out_len, query) }
}

/// `partliq_unified_index_candidates` with its checks one by one, in its
/// order: `price_move`'s, `out`'s, `query`'s, the memory's.
///
/// # Safety
/// As `partliq_unified_index_candidates`.
#[cold]
#[inline(never)]
unsafe fn candidates_checked(
    mem: *const c_void,
    len: usize,
    price_move: *const partliq_price_move,
    start: usize,
    out: *mut partliq_unified_index_entry,
    out_len: usize,
    query: *mut partliq_index_query,
) -> partliq_status {
    let mv = struct_in!(price_move);
    let out = array_out!(out, out_len);
    out!(query);
    let mv: &PriceMove = check!(mv.cast_ref());
    let (side, m) = mv.side();
    // SAFETY: the function's contract.
    let entries = check!(unsafe { side_in(mem, len, side) });
    // SAFETY: `query` checked by `out!`; the contract.
    unsafe { write_answer([candidates_on(entries, m), &[]], start, out, query) };
    OK
}

/// The entries of `side` that a move growing from `from_ppm` to `to_ppm`
/// adds to the candidates (`from_ppm < key ≤ to_ppm`; none unless `to_ppm
/// > from_ppm`): entries `start..` of that answer into `out`, as
/// `partliq_unified_index_candidates`. `INVALID_ENUM` for an unknown side.
///
/// # Safety
/// As `partliq_unified_index_candidates`.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_index_crossed(
    mem: *const c_void,
    len: usize,
    side: partliq_move_side,
    from_ppm: u32,
    to_ppm: u32,
    start: usize,
    out: *mut partliq_unified_index_entry,
    out_len: usize,
    query: *mut partliq_index_query,
) -> partliq_status {
    let out = array_out!(out, out_len);
    out!(query);
    let side = check!(side_of(side));
    // SAFETY: the function's contract.
    let entries = check!(unsafe { side_in(mem, len, side) });
    // SAFETY: `query` checked by `out!`; the contract.
    unsafe { write_answer([crossed_on(entries, from_ppm, to_ppm), &[]], start, out, query) };
    OK
}

/// Checks the pools named by `entries[start..]` (candidates from
/// `partliq_unified_index_candidates` or `_crossed`) with the exact unified
/// health at the **current** book, as `partliq_unified_scan` does every
/// pool: each that is a hit goes to `hits` in entry order; `next` counts
/// entries (the core's `UnifiedScanner::confirm`). A full buffer, or an
/// entry whose pool fails (no such account or pool: `UNKNOWN_POSITION`; its
/// health's error), stops with status `OK`: resume at `next` with an
/// emptied buffer, or at `next + 1` past the failure. Confirming the
/// entries in account order (sorted by the caller) reads the accounts'
/// memory in order.
///
/// Values checked: the book's (every market's fee rounding, every asset's
/// reserved field), the balances of the accounts `entries[start..]` name
/// (their reserved fields, `RESERVED_NOT_ZERO`, even past where the call
/// stops), then the margins of those accounts' positions (`INVALID_ENUM`,
/// as far: a Rust enum in the core's type, checked before the core reads
/// them). The other balances and positions are not read and not checked.
///
/// Statuses: the arrays', the ladder's and `hits`' and `out`'s, then those
/// checks of values in that order. Nothing is written unless `OK`.
///
/// # Safety
/// As `partliq_unified_scan`; `entries` is NULL (only with length 0) or
/// points to that many initialised entries.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_confirm(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    accounts: *const partliq_unified_scan_account,
    accounts_len: usize,
    entries: *const partliq_unified_index_entry,
    entries_len: usize,
    start: usize,
    ladder: *const partliq_margin_ladder,
    hits: *mut partliq_unified_scan_hit,
    hits_len: usize,
    out: *mut partliq_scan_outcome,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let accounts = array_in!(accounts, accounts_len);
    let entries = array_in!(entries, entries_len);
    let ladder = struct_in!(ladder);
    let hits = array_out!(hits, hits_len);
    out!(out);
    let book = check!(args.book.view());
    let flat = check!(args.account.reading(accounts, entries.get(start..).unwrap_or(&[]).iter().map(|e| e.account)));
    let accounts: &[UnifiedScanAccount] = check!(Castable::cast_slice(accounts));
    let entries: &[UnifiedIndexEntry] = check!(Castable::cast_slice(entries));
    let ladder: &MarginLadder = check!(ladder.cast_ref());
    let scanner = UnifiedScanner::new(book, *ladder);
    // Every check has passed: the hits go straight to the caller's buffer
    // (the status is OK whatever the confirmation's end).
    let r = scanner.confirm_viewing(entries, accounts, |a| flat.view(a), start, hits);
    write_out!(out, outcome(r));
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    //! The unified index over caller memory against the core's keys, and
    //! every refusal writing nothing. Miri-friendly: small arrays.
    use super::*;
    use crate::fixtures::market;
    use crate::scan::partliq_scan_end;

    #[repr(C, align(8))]
    struct Mem([u8; 512]);

    const LADDER: partliq_margin_ladder =
        partliq_margin_ladder { warning_ppm: 0, reduce_only_ppm: 0, liquidation_ppm: 1_000_000, backstop_ppm: 0 };

    /// Account 0: an empty cross pool and an isolated long 100 with qb
    /// −9,000 at mark 100 (10 % / 5 %): keyed 50,001 on a fall, 40,001 on a
    /// mixed move, safe on a rise (the core's own hand-computed case).
    /// Account 1: a cross short 10 with qb 1,100 (value 100 at 100, MM 50).
    struct Fixture {
        ms: [partliq_market; 1],
        ps: [partliq_perp_position; 2],
        acs: [partliq_unified_scan_account; 2],
    }

    fn fixture() -> Fixture {
        let pos = |margin: u32, size: i64, quote_balance: i64| partliq_perp_position { margin, size, quote_balance, ..Default::default() };
        Fixture {
            ms: [market()],
            ps: [pos(1, 100, -9_000), pos(0, -10, 1_100)],
            acs: [
                partliq_unified_scan_account { first_balance: 0, balance_count: 0, first_position: 0, position_count: 1 },
                partliq_unified_scan_account { first_balance: 0, balance_count: 0, first_position: 1, position_count: 1 },
            ],
        }
    }

    unsafe fn insert(mem: *mut c_void, len: usize, f: &Fixture, account: u32, mark: &[i64; 1], n: *mut u64) -> partliq_status {
        let none = core::ptr::null();
        // SAFETY: the caller's.
        unsafe {
            partliq_unified_index_insert_account(
                mem,
                len,
                account,
                f.ms.as_ptr(),
                1,
                mark.as_ptr(),
                1,
                none,
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                none,
                0,
                core::ptr::null(),
                0,
                f.ps.as_ptr(),
                2,
                f.acs.as_ptr(),
                2,
                &LADDER,
                n,
            )
        }
    }

    #[test]
    fn keys_queries_and_confirms() {
        let f = fixture();
        let mut mem = Mem([0; 512]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_unified_index_size(4);
        assert_eq!(len, 64 + 4 * 36);
        let (mut n, mut q, mut out) = (9u64, partliq_index_query::default(), [partliq_unified_index_entry::default(); 4]);
        let reference = [100i64];
        // SAFETY: our aligned buffer; valid arrays and outputs.
        unsafe {
            assert_eq!(partliq_unified_index_init(p, len, 4), OK);
            assert_eq!(insert(p, len, &f, 0, &reference, &mut n), OK);
            assert_eq!(n, 2);
            assert_eq!(insert(p, len, &f, 1, &reference, &mut n), OK);
            assert_eq!(n, 1);
            let mut info = partliq_unified_index_stats::default();
            assert_eq!(partliq_unified_index_info(p, len, &mut info), OK);
            assert_eq!(info, partliq_unified_index_stats { capacity: 4, down: 3, up: 3, both: 3 });
            // 100 → 94: a fall of 60,000 ppm reaches the isolated long (50,001).
            let mut mv = partliq_price_move::default();
            let now = [94i64];
            assert_eq!(
                partliq_unified_price_move(reference.as_ptr(), 1, now.as_ptr(), 1, core::ptr::null(), 0, core::ptr::null(), 0, &mut mv),
                OK
            );
            assert_eq!(mv, partliq_price_move { down_ppm: 60_000, up_ppm: 0 });
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.count, q.total), (1, 1));
            assert_eq!(out[0], partliq_unified_index_entry { key: 50_001, account: 0, pool: 1 });
            // At 94: 9,400 − 9,000 = 400 < MM 470: a hit, confirmed.
            let mut hits = [partliq_unified_scan_hit::default(); 2];
            let mut o = partliq_scan_outcome::default();
            let r = partliq_unified_confirm(
                f.ms.as_ptr(),
                1,
                now.as_ptr(),
                1,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                f.ps.as_ptr(),
                2,
                f.acs.as_ptr(),
                2,
                out.as_ptr(),
                1,
                0,
                &LADDER,
                hits.as_mut_ptr(),
                2,
                &mut o,
            );
            assert_eq!(r, OK);
            assert_eq!((o.count, o.next, o.exact_checks, o.end), (1, 1, 1, partliq_scan_end::Complete as u32));
            assert_eq!((hits[0].account_index, hits[0].pool_index, hits[0].health.equity), (0, 1, 400));
            // A fall of 4 % reaches nothing; growing it to 6 % crosses the long.
            let small = partliq_price_move { down_ppm: 40_000, up_ppm: 0 };
            assert_eq!(partliq_unified_index_candidates(p, len, &small, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!(q.total, 0);
            assert_eq!(partliq_unified_index_crossed(p, len, PARTLIQ_MOVE_SIDE_DOWN, 40_000, 60_000, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.total, out[0].pool), (1, 1));
            // A mixed move of 5 %: the long's mixed key 40,001 is reached, and
            // so is the short's: its value at hi against its MM at hi,
            // 1,100 − 10·hi ≥ ⌈hi / 2⌉ holds at hi = 104 (m = 40,000: 60 ≥
            // 52), not at 105 (50 < 53): keyed 40,001 as well.
            let mixed = partliq_price_move { down_ppm: 50_000, up_ppm: 1 };
            assert_eq!(partliq_unified_index_candidates(p, len, &mixed, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!(q.total, 2);
            assert_eq!(
                out[..2],
                [
                    partliq_unified_index_entry { key: 40_001, account: 0, pool: 1 },
                    partliq_unified_index_entry { key: 40_001, account: 1, pool: 0 }
                ]
            );
            // Re-key account 0 at a new reference; remove account 1.
            let mut removed = 0u64;
            let r = partliq_unified_index_rekey_account(
                p,
                len,
                0,
                f.ms.as_ptr(),
                1,
                now.as_ptr(),
                1,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                f.ps.as_ptr(),
                2,
                f.acs.as_ptr(),
                2,
                &LADDER,
                &mut removed,
                &mut n,
            );
            assert_eq!((r, removed, n), (OK, 2, 2));
            // At 94 the long is a hit already: keyed 0, a candidate of no move at all.
            let still = partliq_price_move::default();
            assert_eq!(partliq_unified_index_candidates(p, len, &still, 0, out.as_mut_ptr(), 4, &mut q), OK);
            assert_eq!((q.total, out[0].key, out[0].account), (1, 0, 0));
            assert_eq!(partliq_unified_index_remove_account(p, len, 1, &mut removed), OK);
            assert_eq!(removed, 1);
            assert_eq!(partliq_unified_index_info(p, len, &mut info), OK);
            assert_eq!((info.down, info.up, info.both), (2, 2, 2));
        }
    }

    /// The candidates' fused fast path refuses as the checks one by one:
    /// several failures at once report the first in argument order
    /// (`price_move`, `out`, `query`, then the memory), and an empty `out`
    /// (left to the slow path) still answers the query.
    #[test]
    fn candidates_report_the_first_refusal() {
        let mut mem = Mem([0; 512]);
        let p: *mut c_void = mem.0.as_mut_ptr().cast();
        let len = partliq_unified_index_size(2);
        let mv = partliq_price_move { down_ppm: 1_000_000, up_ppm: 0 };
        let mut q = partliq_index_query { count: 5, next: 5, total: 5 };
        let sentinel = partliq_unified_index_entry { key: 3, account: 3, pool: 3 };
        let mut out = [sentinel; 2];
        let o = out.as_mut_ptr();
        // `out` one byte in: misaligned (its alignment is 4).
        let odd = o.cast::<u8>().wrapping_add(1).cast::<partliq_unified_index_entry>();
        let null_q: *mut partliq_index_query = core::ptr::null_mut();
        // SAFETY: every non-NULL pointer is into our buffers or refused
        // before any access.
        unsafe {
            // Not initialised yet: with a NULL move, the move first.
            assert_eq!(partliq_unified_index_candidates(p, len, core::ptr::null(), 0, o, 2, &mut q), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 0, odd, 1, null_q), PARTLIQ_STATUS_MISALIGNED_POINTER);
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 0, o, 2, null_q), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 0, o, 2, &mut q), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            assert_eq!(q, partliq_index_query { count: 5, next: 5, total: 5 }, "nothing written on a refusal");
            assert_eq!(partliq_unified_index_init(p, len, 2), OK);
            assert_eq!(partliq_unified_index_candidates(p, len - 1, &mv, 0, o, 2, &mut q), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            // An empty index, `out` NULL with length 0: answered (nothing).
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 3, core::ptr::null_mut(), 0, &mut q), OK);
            assert_eq!(q, partliq_index_query { count: 0, next: 3, total: 0 });
        }
        assert_eq!(out, [sentinel; 2]);
    }

    #[test]
    fn refusals_change_and_write_nothing() {
        let f = fixture();
        let mut mem = Mem([0; 512]);
        let base = mem.0.as_mut_ptr();
        let p: *mut c_void = base.cast();
        let len = partliq_unified_index_size(2);
        let reference = [100i64];
        let mut n = 9u64;
        let mut q = partliq_index_query { count: 5, ..Default::default() };
        let sentinel = partliq_unified_index_entry { key: 3, account: 3, pool: 3 };
        let mut out = [sentinel; 2];
        let mv = partliq_price_move { down_ppm: 1_000_000, up_ppm: 0 };
        // SAFETY: every non-NULL pointer is into our buffers; refusals come
        // before any access.
        unsafe {
            assert_eq!(partliq_unified_index_candidates(p, len, &mv, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            assert_eq!(partliq_unified_index_init(core::ptr::null_mut(), len, 1), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_unified_index_init(p, usize::MAX, 1), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(partliq_unified_index_init(base.add(4).cast(), len, 1), PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
            assert_eq!(partliq_unified_index_init(p, len - 1, 2), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert_eq!(partliq_unified_index_init(p, len, 0), PARTLIQ_STATUS_OUT_OF_RANGE);
            assert_eq!(partliq_unified_index_init(p, len, usize::MAX), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
            assert!(core::slice::from_raw_parts(base, 512).iter().all(|b| *b == 0), "a refused init wrote nothing");

            assert_eq!(partliq_unified_index_init(p, len, 2), OK);
            assert_eq!(
                partliq_unified_index_candidates(p, len - 4, &mv, 0, out.as_mut_ptr(), 2, &mut q),
                PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL
            );
            assert_eq!(
                partliq_unified_index_candidates(p, len, core::ptr::null(), 0, out.as_mut_ptr(), 2, &mut q),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(
                partliq_unified_index_candidates(p, len, &mv, 0, out.as_mut_ptr(), 2, core::ptr::null_mut()),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(partliq_unified_index_crossed(p, len, 3, 0, 9, 0, out.as_mut_ptr(), 2, &mut q), PARTLIQ_STATUS_INVALID_ENUM);
            // Two pools of room: account 0 (two pools) fits, account 1 does not.
            assert_eq!(insert(p, len, &f, 0, &reference, &mut n), OK);
            n = 9;
            assert_eq!(insert(p, len, &f, 1, &reference, &mut n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(insert(p, len, &f, 7, &reference, &mut n), PARTLIQ_STATUS_UNKNOWN_POSITION);
            assert_eq!(insert(p, len, &f, 0, &reference, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(n, 9, "no count written on a refusal");
            // A bad enum in a position: nothing inserted.
            let mut g = fixture();
            g.ps[1].margin = 7;
            assert_eq!(partliq_unified_index_remove_account(p, len, 0, &mut n), OK);
            n = 9;
            assert_eq!(insert(p, len, &g, 1, &reference, &mut n), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(n, 9);
            // An altered header.
            *base.add(8) ^= 0x40; // the capacity
            assert_eq!(insert(p, len, &f, 1, &reference, &mut n), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
            *base.add(8) ^= 0x40;
            let mut info = partliq_unified_index_stats::default();
            assert_eq!(partliq_unified_index_info(p, len, &mut info), OK);
            assert_eq!((info.down, info.up, info.both), (0, 0, 0));
            // Price moves: too short, a zero price.
            let mut m = partliq_price_move { down_ppm: 7, up_ppm: 7 };
            let two = [100i64, 100];
            let zero = [0i64];
            assert_eq!(
                partliq_unified_price_move(two.as_ptr(), 2, reference.as_ptr(), 1, core::ptr::null(), 0, core::ptr::null(), 0, &mut m),
                PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
            );
            assert_eq!(
                partliq_unified_price_move(reference.as_ptr(), 1, zero.as_ptr(), 1, core::ptr::null(), 0, core::ptr::null(), 0, &mut m),
                PARTLIQ_STATUS_MISSING_PRICE
            );
            assert_eq!(
                partliq_unified_price_move(core::ptr::null(), 1, reference.as_ptr(), 1, core::ptr::null(), 0, core::ptr::null(), 0, &mut m),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(m, partliq_price_move { down_ppm: 7, up_ppm: 7 });
        }
        assert_eq!(out, [sentinel; 2]);
        assert_eq!(q.count, 5);
        assert_eq!((partliq_unified_index_size(0), partliq_unified_index_size(usize::MAX), partliq_unified_index_align()), (0, 0, 8));
    }
}
