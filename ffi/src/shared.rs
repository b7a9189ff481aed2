//! Shared risk state in caller memory (the core's `shared`): market parameter
//! publication, liquidation capacity, the insurance fund.
//!
//! Every object lives in memory the caller provides as `void *mem, size_t
//! len`: `partliq_x_size(…)` bytes, aligned to `partliq_x_align()` (8),
//! laid out once by `partliq_x_init(mem, len, …)` and then used from any
//! number of threads at once by the other `partliq_x_*` functions. The
//! memory must stay valid while in use and must be accessed only through
//! these functions (they access every word atomically); it may be shared
//! memory mapped by several processes.
//!
//! Memory statuses: `NULL_POINTER` (`mem` NULL, whatever `len`),
//! `BAD_LENGTH` (`len` above `PTRDIFF_MAX`), `SHARED_MEMORY_MISALIGNED`,
//! `SHARED_MEMORY_TOO_SMALL`, `SHARED_MEMORY_NOT_INITIALIZED` (not an
//! object of this kind, or not initialised).

use core::ffi::c_void;
use core::sync::atomic::AtomicU64;

use partliq::market::Market;
use partliq::num::Quote;
use partliq::shared::{capacity, params, Capacity, CapacityLimits, Params, Reservation, SharedInsuranceFund, ALIGN};

use crate::boundary::{decode, Castable, Flag, OK};
use crate::market::{market_of, partliq_market, valid_market};
use crate::status::*;

/// A capacity budget that is not enforced (`partliq_capacity_limits`).
pub const PARTLIQ_CAPACITY_UNLIMITED: u64 = 0xFFFF_FFFF_FFFF_FFFF;
/// The largest capacity budget or amount (2^48 − 1 capacity units).
pub const PARTLIQ_CAPACITY_MAX_AMOUNT: u64 = 0xFFFF_FFFF_FFFF;
/// The most markets one capacity object tracks.
pub const PARTLIQ_CAPACITY_MAX_MARKETS: usize = 65_536;
/// The most reservation entries of one capacity object.
pub const PARTLIQ_CAPACITY_MAX_ENTRIES: usize = 1_048_576;
/// The most slots of a market parameter object (at least 2).
pub const PARTLIQ_MARKET_PARAMS_MAX_SLOTS: usize = 64;
/// The alignment every shared-state object's memory needs.
pub const PARTLIQ_SHARED_ALIGN: usize = 8;

const _: () = {
    assert!(PARTLIQ_SHARED_ALIGN == ALIGN);
    assert!(PARTLIQ_CAPACITY_UNLIMITED == capacity::UNLIMITED);
    assert!(PARTLIQ_CAPACITY_MAX_AMOUNT == capacity::MAX_AMOUNT);
    assert!(PARTLIQ_CAPACITY_MAX_MARKETS == capacity::MAX_MARKETS);
    assert!(PARTLIQ_CAPACITY_MAX_ENTRIES == capacity::MAX_ENTRIES);
    assert!(PARTLIQ_MARKET_PARAMS_MAX_SLOTS == params::MAX_SLOTS);
    assert!(PARTLIQ_SHARED_ALIGN == core::mem::align_of::<AtomicU64>());
};

/// One market's liquidation budgets (the core's `CapacityLimits`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_capacity_limits {
    /// Window length in the caller's time unit (> 0 when `window_budget` is enforced).
    pub window_len: u64,
    /// Notional (capacity units) per window, ≤ `PARTLIQ_CAPACITY_MAX_AMOUNT`, or `PARTLIQ_CAPACITY_UNLIMITED`.
    pub window_budget: u64,
    /// Notional (capacity units) per block, ≤ `PARTLIQ_CAPACITY_MAX_AMOUNT`, or `PARTLIQ_CAPACITY_UNLIMITED`.
    pub block_budget: u64,
}

/// What `partliq_capacity_reserve` reserved.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_capacity_reservation {
    /// The handle to commit or release (good for one of them).
    pub handle: u64,
    /// The amount reserved (the amount asked, or less for a partial reservation).
    pub amount: u64,
    /// The window epoch (`now / window_len`, or a later one already seen) it
    /// is charged to; 0 if the window is not enforced.
    pub window_epoch: u64,
    /// The block it is charged to; 0 if the block budget is not enforced.
    pub block: u64,
}

/// What `partliq_fund_debit_up_to` took.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_partial_debit {
    /// The amount debited (≤ the amount asked; 0 if the fund was at or below its floor).
    pub debited: i64,
    /// The balance right after this debit.
    pub balance: i64,
}

/// The shared fund's ledger; exact when no operation is in flight:
/// `initial + credits − debits = balance`, the 128-bit totals as
/// `hi × 2^64 + lo`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_ledger {
    /// The balance at init.
    pub initial: i64,
    /// The balance.
    pub balance: i64,
    /// The floor.
    pub floor: i64,
    /// Sum of all credits, high 64 bits.
    pub credits_hi: u64,
    /// Sum of all credits, low 64 bits.
    pub credits_lo: u64,
    /// Sum of all debits, high 64 bits.
    pub debits_hi: u64,
    /// Sum of all debits, low 64 bits.
    pub debits_lo: u64,
}

pin_layout!(partliq_capacity_limits, size = 24, align = u64, { window_len @ 0, window_budget @ 8, block_budget @ 16 });
pin_layout!(partliq_capacity_reservation, size = 32, align = u64, { handle @ 0, amount @ 8, window_epoch @ 16, block @ 24 });
pin_layout!(partliq_partial_debit, size = 16, align = i64, { debited @ 0, balance @ 8 });
pin_layout!(partliq_ledger, size = 56, align = i64, {
    initial @ 0, balance @ 8, floor @ 16, credits_hi @ 24, credits_lo @ 32, debits_hi @ 40, debits_lo @ 48,
});
castable!(partliq_capacity_limits => CapacityLimits, |_l| Ok(()), {
    window_len = window_len, window_budget = window_budget, block_budget = block_budget,
});

// ---------------------------------------------------------------------------
// Market parameter publication.

/// The alignment a market parameter object needs (8).
#[no_mangle]
pub extern "C" fn partliq_market_params_align() -> usize {
    ALIGN
}

/// Bytes of memory a market parameter object with `slots` slots needs; 0
/// when `slots` is not in `2 ..= PARTLIQ_MARKET_PARAMS_MAX_SLOTS`.
#[no_mangle]
pub extern "C" fn partliq_market_params_size(slots: usize) -> usize {
    if !(2..=params::MAX_SLOTS).contains(&slots) {
        return 0;
    }
    Params::<Market>::size_of(slots).unwrap_or(0)
}

/// Lays out a market parameter object with `slots` slots in `mem` and
/// publishes `*initial` (validated as `partliq_market_validate`) as version
/// 1. Nothing else may use the memory during the call.
///
/// Statuses: the memory's, `INVALID_SLOT_COUNT`, the market's.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents, e.g. zeroed: they are overwritten);
/// `initial` is NULL or points to an initialised market outside `mem`.
#[no_mangle]
pub unsafe extern "C" fn partliq_market_params_init(
    mem: *mut c_void,
    len: usize,
    slots: usize,
    initial: *const partliq_market,
) -> partliq_status {
    let initial = struct_in!(initial);
    let words = init_mem!(mem, len);
    let m = check!(valid_market(initial));
    core_try!(Params::<Market>::init(words, slots, m));
    OK
}

/// Publishes `*market` (validated as `partliq_market_validate`) as the
/// next version and writes that version to `*out_version`. Readers never
/// wait for it and never see a half-written market. One publisher at a
/// time: a concurrent second one gets `PUBLISH_IN_PROGRESS`; `NO_FREE_SLOT`
/// when every spare slot is still being read (retry). Nothing is published
/// unless `OK`.
///
/// # Safety
/// `mem` is NULL or valid for `len` bytes laid out by
/// `partliq_market_params_init`; `market` is NULL or points to an
/// initialised market; `out_version` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_market_params_publish(
    mem: *const c_void,
    len: usize,
    market: *const partliq_market,
    out_version: *mut u64,
) -> partliq_status {
    let market = struct_in!(market);
    out!(out_version);
    let words = shared_mem!(mem, len);
    let m = check!(valid_market(market));
    let p = core_try!(Params::<Market>::attach(words));
    let v = core_try!(p.publish(m));
    write_out!(out_version, v);
    OK
}

/// Copies the newest published market to `*out` and its version to
/// `*out_version` (a consistent snapshot; never blocks on a publisher).
///
/// # Safety
/// As `partliq_market_params_publish`; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_market_params_read(
    mem: *const c_void,
    len: usize,
    out: *mut partliq_market,
    out_version: *mut u64,
) -> partliq_status {
    out!(out);
    out!(out_version);
    let words = shared_mem!(mem, len);
    let p = core_try!(Params::<Market>::attach(words));
    let snap = core_try!(p.read());
    write_out!(out, market_of(&snap.value));
    write_out!(out_version, snap.version);
    OK
}

// ---------------------------------------------------------------------------
// Liquidation capacity.

/// The alignment a capacity object needs (8).
#[no_mangle]
pub extern "C" fn partliq_capacity_align() -> usize {
    ALIGN
}

/// Bytes of memory a capacity object for `markets` markets and `entries`
/// reservation entries (the most reservations live at once) needs; 0 when a
/// count is 0 or above `PARTLIQ_CAPACITY_MAX_MARKETS` /
/// `PARTLIQ_CAPACITY_MAX_ENTRIES`.
#[no_mangle]
pub extern "C" fn partliq_capacity_size(markets: usize, entries: usize) -> usize {
    if !(1..=capacity::MAX_MARKETS).contains(&markets) || !(1..=capacity::MAX_ENTRIES).contains(&entries) {
        return 0;
    }
    Capacity::size_of(markets, entries).unwrap_or(0)
}

/// Lays out a capacity object in `mem`: market `i` has budgets `limits[i]`
/// (`markets` of them), `entries` reservation entries. Nothing else may use
/// the memory during the call.
///
/// Statuses: the memory's, `INVALID_SLOT_COUNT`, `OUT_OF_RANGE` (a budget
/// above `PARTLIQ_CAPACITY_MAX_AMOUNT` that is not unlimited),
/// `ZERO_WINDOW`.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents, e.g. zeroed: they are overwritten);
/// `limits` is NULL (only with `markets` 0) or points to `markets`
/// initialised limits outside `mem`.
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_init(
    mem: *mut c_void,
    len: usize,
    limits: *const partliq_capacity_limits,
    markets: usize,
    entries: usize,
) -> partliq_status {
    let limits = array_in!(limits, markets);
    let words = init_mem!(mem, len);
    let limits = check!(Castable::cast_slice(limits));
    core_try!(Capacity::init(words, limits, entries));
    OK
}

fn market_index(market: u32) -> usize {
    usize::try_from(market).unwrap_or(usize::MAX)
}

/// Reserves `amount` (1 ..= `PARTLIQ_CAPACITY_MAX_AMOUNT`) of `market`'s
/// capacity at caller time `now` and block height `block`; with `partial`
/// 1, as much as is left (at least 1) instead of refusing. Writes the
/// reservation on success; commit or release it exactly once.
///
/// Statuses: the memory's, `UNKNOWN_MARKET`, `OUT_OF_RANGE` (amount),
/// `INVALID_ENUM` (`partial` not 0/1), `CAPACITY_EXHAUSTED`,
/// `RESERVATION_TABLE_FULL` (nothing reserved).
///
/// # Safety
/// `mem` is NULL or valid for `len` bytes laid out by
/// `partliq_capacity_init`; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_reserve(
    mem: *const c_void,
    len: usize,
    market: u32,
    amount: u64,
    now: u64,
    block: u64,
    partial: u32,
    out: *mut partliq_capacity_reservation,
) -> partliq_status {
    out!(out);
    let words = shared_mem!(mem, len);
    let partial = check!(decode::<Flag>(partial));
    let c = core_try!(Capacity::attach(words));
    let r = core_try!(c.reserve(market_index(market), amount, now, block, partial));
    write_out!(
        out,
        partliq_capacity_reservation { handle: r.reservation.to_raw(), amount: r.amount, window_epoch: r.window_epoch, block: r.block }
    );
    OK
}

/// Commits `filled` (≤ the reserved amount) of a reservation: it stays
/// charged to the reservation's window and block, the rest is given back,
/// the reservation ends. Statuses: the memory's, `UNKNOWN_RESERVATION`
/// (never made, or already committed or released),
/// `COMMIT_EXCEEDS_RESERVATION` (the reservation stays live, unchanged).
///
/// # Safety
/// As `partliq_capacity_reserve` (no `out`).
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_commit(mem: *const c_void, len: usize, handle: u64, filled: u64) -> partliq_status {
    let words = shared_mem!(mem, len);
    let c = core_try!(Capacity::attach(words));
    core_try!(c.commit(Reservation::from_raw(handle), filled));
    OK
}

/// Releases a whole reservation (a commit of 0). Statuses: the memory's,
/// `UNKNOWN_RESERVATION`.
///
/// # Safety
/// As `partliq_capacity_commit`.
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_release(mem: *const c_void, len: usize, handle: u64) -> partliq_status {
    let words = shared_mem!(mem, len);
    let c = core_try!(Capacity::attach(words));
    core_try!(c.release(Reservation::from_raw(handle)));
    OK
}

/// Capacity left for `market` at `now` and `block`: the smaller of the
/// window's and the block's (a snapshot; `PARTLIQ_CAPACITY_UNLIMITED` when
/// neither is enforced). Statuses: the memory's, `UNKNOWN_MARKET`.
///
/// # Safety
/// As `partliq_capacity_reserve` (`out` a `uint64_t`).
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_available(
    mem: *const c_void,
    len: usize,
    market: u32,
    now: u64,
    block: u64,
    out: *mut u64,
) -> partliq_status {
    out!(out);
    let words = shared_mem!(mem, len);
    let c = core_try!(Capacity::attach(words));
    let v = core_try!(c.available(market_index(market), now, block));
    write_out!(out, v);
    OK
}

/// Used capacity (reserved plus committed) of `market`'s window at `now`
/// and of its block budget at `block` (each 0 when not enforced).
/// Statuses: the memory's, `UNKNOWN_MARKET`.
///
/// # Safety
/// As `partliq_capacity_reserve` (`out_window`, `out_block` each a `uint64_t`).
#[no_mangle]
pub unsafe extern "C" fn partliq_capacity_used(
    mem: *const c_void,
    len: usize,
    market: u32,
    now: u64,
    block: u64,
    out_window: *mut u64,
    out_block: *mut u64,
) -> partliq_status {
    out!(out_window);
    out!(out_block);
    let words = shared_mem!(mem, len);
    let c = core_try!(Capacity::attach(words));
    let w = core_try!(c.window_used(market_index(market), now));
    let b = core_try!(c.block_used(market_index(market), block));
    write_out!(out_window, w);
    write_out!(out_block, b);
    OK
}

// ---------------------------------------------------------------------------
// The shared insurance fund.

/// The alignment a shared fund needs (8).
#[no_mangle]
pub extern "C" fn partliq_fund_align() -> usize {
    ALIGN
}

/// Bytes of memory a shared insurance fund needs.
#[no_mangle]
pub extern "C" fn partliq_fund_size() -> usize {
    SharedInsuranceFund::size_of()
}

/// Lays out a fund with balance `initial` and floor `floor` in `mem` (an
/// initial balance below the floor is allowed: debits are refused until
/// credits lift it). Nothing else may use the memory during the call.
/// Statuses: the memory's.
///
/// # Safety
/// `mem` is NULL or valid for reads and writes of `len` bytes of
/// initialised memory (any contents, e.g. zeroed: they are overwritten).
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_init(mem: *mut c_void, len: usize, initial: i64, floor: i64) -> partliq_status {
    let words = init_mem!(mem, len);
    core_try!(SharedInsuranceFund::init(words, Quote(initial), Quote(floor)));
    OK
}

/// Adds `amount ≥ 0`; writes the balance right after. Statuses: the
/// memory's, `OUT_OF_RANGE` (negative), `OVERFLOW` (nothing credited).
///
/// # Safety
/// `mem` is NULL or valid for `len` bytes laid out by `partliq_fund_init`;
/// `out_balance` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_credit(mem: *const c_void, len: usize, amount: i64, out_balance: *mut i64) -> partliq_status {
    out!(out_balance);
    let words = shared_mem!(mem, len);
    let f = core_try!(SharedInsuranceFund::attach(words));
    let b = core_try!(f.credit(Quote(amount)));
    write_out!(out_balance, b.0);
    OK
}

/// Takes `amount ≥ 0` whole, or nothing (`INSURANCE_FUND_BELOW_FLOOR`: the
/// balance after would be below the floor); writes the balance right after.
/// Other statuses: the memory's, `OUT_OF_RANGE`.
///
/// # Safety
/// As `partliq_fund_credit`.
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_debit(mem: *const c_void, len: usize, amount: i64, out_balance: *mut i64) -> partliq_status {
    out!(out_balance);
    let words = shared_mem!(mem, len);
    let f = core_try!(SharedInsuranceFund::attach(words));
    let b = core_try!(f.debit(Quote(amount)));
    write_out!(out_balance, b.0);
    OK
}

/// Takes as much of `amount ≥ 0` as the floor allows (possibly 0).
/// Statuses: the memory's, `OUT_OF_RANGE`.
///
/// # Safety
/// As `partliq_fund_credit` (`out` a `partliq_partial_debit`).
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_debit_up_to(
    mem: *const c_void,
    len: usize,
    amount: i64,
    out: *mut partliq_partial_debit,
) -> partliq_status {
    out!(out);
    let words = shared_mem!(mem, len);
    let f = core_try!(SharedInsuranceFund::attach(words));
    let d = core_try!(f.debit_up_to(Quote(amount)));
    write_out!(out, partliq_partial_debit { debited: d.debited.0, balance: d.balance.0 });
    OK
}

/// The fund's ledger (exact when no operation is in flight). Statuses: the
/// memory's.
///
/// # Safety
/// As `partliq_fund_credit` (`out` a `partliq_ledger`).
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_ledger(mem: *const c_void, len: usize, out: *mut partliq_ledger) -> partliq_status {
    out!(out);
    let words = shared_mem!(mem, len);
    let f = core_try!(SharedInsuranceFund::attach(words));
    let l = core_try!(f.ledger());
    let (ch, cl) = split(l.credits);
    let (dh, dl) = split(l.debits);
    write_out!(
        out,
        partliq_ledger {
            initial: l.initial.0,
            balance: l.balance.0,
            floor: l.floor.0,
            credits_hi: ch,
            credits_lo: cl,
            debits_hi: dh,
            debits_lo: dl,
        }
    );
    OK
}

/// Sets a new floor for debits from now on (a balance already below a
/// raised floor stays; further debits are refused). Statuses: the memory's.
///
/// # Safety
/// `mem` is NULL or valid for `len` bytes laid out by `partliq_fund_init`.
#[no_mangle]
pub unsafe extern "C" fn partliq_fund_set_floor(mem: *const c_void, len: usize, floor: i64) -> partliq_status {
    let words = shared_mem!(mem, len);
    let f = core_try!(SharedInsuranceFund::attach(words));
    core_try!(f.set_floor(Quote(floor)));
    OK
}

fn split(v: u128) -> (u64, u64) {
    let [h0, h1, h2, h3, h4, h5, h6, h7, l0, l1, l2, l3, l4, l5, l6, l7] = v.to_be_bytes();
    (u64::from_be_bytes([h0, h1, h2, h3, h4, h5, h6, h7]), u64::from_be_bytes([l0, l1, l2, l3, l4, l5, l6, l7]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::market::{partliq_fee_rounding, partliq_margin_tier};

    #[test]
    fn fund_capacity_params_round_trip() {
        let mut mem = [0u64; 64];
        let len = core::mem::size_of_val(&mem);
        let p: *mut c_void = mem.as_mut_ptr().cast();
        // SAFETY: `mem` is ours, 8-byte aligned, `len` bytes.
        unsafe {
            assert_eq!(partliq_fund_init(p, len, 1_000, 100), OK);
            let mut b = 0i64;
            assert_eq!(partliq_fund_debit(p, len, 901, &mut b), PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
            assert_eq!(partliq_fund_credit(p, len, 5, &mut b), OK);
            assert_eq!(b, 1_005);
            let mut d = partliq_partial_debit::default();
            assert_eq!(partliq_fund_debit_up_to(p, len, 2_000, &mut d), OK);
            assert_eq!((d.debited, d.balance), (905, 100));
            let mut l = partliq_ledger::default();
            assert_eq!(partliq_fund_ledger(p, len, &mut l), OK);
            assert_eq!((l.initial, l.credits_lo, l.debits_lo, l.balance, l.credits_hi), (1_000, 5, 905, 100, 0));
            assert_eq!(partliq_fund_debit(p.cast::<u8>().add(1).cast(), len - 8, 1, &mut b), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
            assert_eq!(partliq_fund_debit(p, 8, 1, &mut b), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);

            let limits = [partliq_capacity_limits { window_len: 10, window_budget: 100, block_budget: PARTLIQ_CAPACITY_UNLIMITED }];
            assert!(partliq_capacity_size(1, 2) <= len);
            assert_eq!(partliq_capacity_init(p, len, limits.as_ptr(), 1, 2), OK);
            assert_eq!(partliq_fund_credit(p, len, 5, &mut b), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
            let mut r = partliq_capacity_reservation::default();
            assert_eq!(partliq_capacity_reserve(p, len, 0, 80, 5, 1, 0, &mut r), OK);
            assert_eq!(partliq_capacity_reserve(p, len, 0, 80, 5, 1, 0, &mut r), PARTLIQ_STATUS_CAPACITY_EXHAUSTED);
            assert_eq!(partliq_capacity_commit(p, len, r.handle, 81), PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
            assert_eq!(partliq_capacity_commit(p, len, r.handle, 30), OK);
            let mut a = 0u64;
            assert_eq!(partliq_capacity_available(p, len, 0, 5, 1, &mut a), OK);
            assert_eq!(a, 70);
            assert_eq!(partliq_capacity_release(p, len, r.handle), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
        }
        let mut big = [0u64; 128];
        let len = core::mem::size_of_val(&big);
        let p: *mut c_void = big.as_mut_ptr().cast();
        let mut m = partliq_market {
            id: 9,
            quote_exponent: -2,
            lot_step: 5,
            tick: 3,
            tiers: [partliq_margin_tier::default(); 16],
            tier_count: 1,
            liquidation_fee_ppm: 1,
            liquidator_fee_share_ppm: 2,
            liquidation_fee_rounding: partliq_fee_rounding::Down as u32,
            dust_floor: 4,
        };
        m.tiers[0] = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
        assert!(partliq_market_params_size(2) <= len);
        // SAFETY: as above.
        unsafe {
            assert_eq!(partliq_market_params_init(p, len, 2, &m), OK);
            let mut out = m;
            out.id = 0;
            let mut v = 0u64;
            assert_eq!(partliq_market_params_read(p, len, &mut out, &mut v), OK);
            assert_eq!((out, v), (m, 1));
            m.id = 10;
            assert_eq!(partliq_market_params_publish(p, len, &m, &mut v), OK);
            assert_eq!(v, 2);
            m.liquidation_fee_rounding = 2;
            assert_eq!(partliq_market_params_publish(p, len, &m, &mut v), PARTLIQ_STATUS_INVALID_ENUM);
            m.liquidation_fee_rounding = partliq_fee_rounding::Down as u32;
            m.lot_step = 0;
            assert_eq!(partliq_market_params_publish(p, len, &m, &mut v), PARTLIQ_STATUS_INVALID_LOT_STEP);
            assert_eq!(partliq_market_params_read(p, len, &mut out, &mut v), OK);
            assert_eq!((out.id, out.lot_step, v), (10, 5, 2));
        }
    }
}
