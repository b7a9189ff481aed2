//! Escalation (the core's `escalation`): backstop transfer, the insurance
//! fund as a value, and auto-deleveraging over caller buffers.

use partliq::escalation::{self as core_esc, AdlCandidate, AdlFill, AdlMode, BackstopTransfer, Coverage, InsuranceFundBook};
use partliq::num::{Price, Quote, Size};

use crate::account::partliq_position;
use crate::boundary::{array_fast, decode, ptr_fast, Castable, OK};
use crate::health::partliq_health;
use crate::market::partliq_market;
use crate::settlement::partliq_settlement;
use crate::status::*;

/// How a deficit position is spread over counterparties (`partliq_deleverage`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_adl_mode {
    /// Down the queue ranked as `partliq_rank_adl`, each taken fully before the next.
    Queue = 0,
    /// Pro rata by position size, in lot steps, remainders in queue order.
    ProRata = 1,
}

/// What a backstop vault receives.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_backstop {
    /// Collateral moved with the pool.
    pub collateral: i64,
    /// Number of non-empty positions moved.
    pub position_count: u32,
    /// 0.
    pub reserved: u32,
    /// Pool health at transfer (equity at mark, requirements).
    pub health: partliq_health,
    /// `max(0, −equity)`: what the insurance fund owes the vault.
    pub deficit: i64,
}

/// An insurance fund as a plain value (the core's `InsuranceFundBook`), for a
/// single-threaded owner; `partliq_fund_*` is the shared, lock-free one.
/// Invariant kept by every function: `initial + total_credits − total_debits
/// = balance` and `balance ≥ floor`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_insurance_fund {
    /// Current balance (quote units).
    pub balance: i64,
    /// The balance may not go below this.
    pub floor: i64,
    /// Balance when the fund was created.
    pub initial: i64,
    /// Sum of all credits.
    pub total_credits: i64,
    /// Sum of all debits.
    pub total_debits: i64,
}

/// How much of a deficit the fund covered.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_coverage {
    /// Paid by the fund.
    pub covered: i64,
    /// Left for auto-deleveraging.
    pub uncovered: i64,
}

/// An opposite-side account that may be deleveraged.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_adl_candidate {
    /// The engine's account id (ties rank by it, ascending).
    pub account: u32,
    /// Must be 0.
    pub reserved: u32,
    /// The candidate's signed position in the market.
    pub size: i64,
    /// Unrealised PnL of that position (quote units).
    pub unrealized_pnl: i64,
    /// |entry value| of the position (> 0).
    pub entry_notional: i64,
    /// |mark value| of the position.
    pub mark_notional: i64,
    /// Margin backing it: mark value − bankruptcy value (≤ 0: bankrupt itself).
    pub margin: i64,
}

/// A deleveraging fill.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_adl_fill {
    /// Index of the candidate in the candidates array.
    pub candidate: u32,
    /// Its account id.
    pub account: u32,
    /// The candidate's size change (reduces its position).
    pub size_delta: i64,
    /// Execution price: the bankrupt position's bankruptcy price.
    pub price: i64,
}

pin_layout!(partliq_backstop, size = 72, align = i64, { collateral @ 0, position_count @ 8, reserved @ 12, health @ 16, deficit @ 64 });
pin_layout!(partliq_insurance_fund, size = 40, align = i64, {
    balance @ 0, floor @ 8, initial @ 16, total_credits @ 24, total_debits @ 32,
});
pin_layout!(partliq_coverage, size = 16, align = i64, { covered @ 0, uncovered @ 8 });
pin_layout!(partliq_adl_candidate, size = 48, align = i64, {
    account @ 0, reserved @ 4, size @ 8, unrealized_pnl @ 16, entry_notional @ 24, mark_notional @ 32, margin @ 40,
});
pin_layout!(partliq_adl_fill, size = 24, align = i64, { candidate @ 0, account @ 4, size_delta @ 8, price @ 16 });

abi_enum!(partliq_adl_mode => AdlMode { Queue => AdlMode::Queue, ProRata => AdlMode::ProRata });

// Candidates are read, and fills written, in place as the core's (a
// candidate's reserved field must be 0; all fields are integers).
castable!(partliq_adl_candidate => AdlCandidate, |c| if c.reserved == 0 { Ok(()) } else { Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO) }, {
    account = account, reserved = reserved, size = size, unrealized_pnl = unrealized_pnl, entry_notional = entry_notional,
    mark_notional = mark_notional, margin = margin,
});
// A fund is read and written in place as the core's (five integers) by the
// functions that hand it to the core whole (`partliq_resolve_deficit`).
castable!(partliq_insurance_fund => InsuranceFundBook, |_f| Ok(()), {
    balance = balance, floor = floor, initial = initial, total_credits = total_credits, total_debits = total_debits,
});
castable!(partliq_adl_fill => AdlFill, |_f| Ok(()), { candidate = candidate, account = account, size_delta = size_delta, price = price });

impl From<&BackstopTransfer> for partliq_backstop {
    fn from(t: &BackstopTransfer) -> Self {
        partliq_backstop {
            collateral: t.collateral.0,
            position_count: t.position_count,
            reserved: 0,
            health: partliq_health::from(&t.health),
            deficit: t.deficit.0,
        }
    }
}

fn fund_in(f: &partliq_insurance_fund) -> InsuranceFundBook {
    InsuranceFundBook {
        balance: Quote(f.balance),
        floor: Quote(f.floor),
        initial: Quote(f.initial),
        total_credits: Quote(f.total_credits),
        total_debits: Quote(f.total_debits),
    }
}

pub(crate) fn fund_out(f: &InsuranceFundBook) -> partliq_insurance_fund {
    partliq_insurance_fund {
        balance: f.balance.0,
        floor: f.floor.0,
        initial: f.initial.0,
        total_credits: f.total_credits.0,
        total_debits: f.total_debits.0,
    }
}

fn coverage_out(c: &Coverage) -> partliq_coverage {
    partliq_coverage { covered: c.covered.0, uncovered: c.uncovered.0 }
}

// ---------------------------------------------------------------------------
// Backstop.

/// The figures of transferring the pool whole to a backstop vault at mark
/// (no clearance fee): collateral, non-empty positions, health, and the
/// deficit the insurance fund owes the vault. Writes `*out` on success.
/// Statuses: the pool's (`partliq_pool_health`).
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_backstop_transfer(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    out: *mut partliq_backstop,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out);
    let view = check!(pool.view());
    let t = core_try!(core_esc::backstop_transfer(&view.pool(), view.markets, view.prices));
    write_out!(out, partliq_backstop::from(&t));
    OK
}

// ---------------------------------------------------------------------------
// The insurance fund as a value.

/// A fund holding `balance` with a `floor`. Statuses:
/// `INSURANCE_FUND_BELOW_FLOOR` (`balance < floor`).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_insurance_fund`.
#[no_mangle]
pub unsafe extern "C" fn partliq_insurance_fund_new(balance: i64, floor: i64, out: *mut partliq_insurance_fund) -> partliq_status {
    out!(out);
    let f = core_try!(InsuranceFundBook::new(Quote(balance), Quote(floor)));
    write_out!(out, fund_out(&f));
    OK
}

/// Adds `amount ≥ 0` to the fund. Statuses: `NEGATIVE_LIMIT`, `OVERFLOW`;
/// the fund is untouched unless `OK`.
///
/// # Safety
/// `fund` is NULL or points to an initialised `partliq_insurance_fund`.
#[no_mangle]
pub unsafe extern "C" fn partliq_insurance_fund_credit(fund: *mut partliq_insurance_fund, amount: i64) -> partliq_status {
    let fund = struct_inout!(fund);
    let mut f = fund_in(fund);
    core_try!(f.credit(Quote(amount)));
    *fund = fund_out(&f);
    OK
}

/// Removes `amount ≥ 0` whole, or refuses it (`INSURANCE_FUND_BELOW_FLOOR`:
/// the balance would drop below the floor) leaving the fund untouched.
/// Other statuses: `NEGATIVE_LIMIT`, `OVERFLOW`.
///
/// # Safety
/// As `partliq_insurance_fund_credit`.
#[no_mangle]
pub unsafe extern "C" fn partliq_insurance_fund_debit(fund: *mut partliq_insurance_fund, amount: i64) -> partliq_status {
    let fund = struct_inout!(fund);
    let mut f = fund_in(fund);
    core_try!(f.debit(Quote(amount)));
    *fund = fund_out(&f);
    OK
}

/// Covers as much of `deficit ≥ 0` as the fund can down to its floor;
/// writes what it covered and what is left for deleveraging. Statuses:
/// `NEGATIVE_LIMIT`, `OVERFLOW`; nothing written unless `OK`.
///
/// # Safety
/// As `partliq_insurance_fund_credit`; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_insurance_fund_cover(
    fund: *mut partliq_insurance_fund,
    deficit: i64,
    out: *mut partliq_coverage,
) -> partliq_status {
    out!(out);
    let fund = struct_inout!(fund);
    let mut f = fund_in(fund);
    let c = core_try!(f.cover(Quote(deficit)));
    *fund = fund_out(&f);
    write_out!(out, coverage_out(&c));
    OK
}

/// Books a settled fill (`partliq_settle_fill`'s output): credits the fund's
/// fee share, then covers the bad debt; writes the coverage (its
/// `uncovered` is left for deleveraging). All or nothing. Statuses:
/// `NEGATIVE_LIMIT`, `OVERFLOW`, `RESERVED_NOT_ZERO`, `INVALID_ENUM`
/// (`health_after.state`).
///
/// # Safety
/// As `partliq_insurance_fund_cover`; `settlement` is NULL or points to an
/// initialised `partliq_settlement`.
#[no_mangle]
pub unsafe extern "C" fn partliq_insurance_fund_book(
    fund: *mut partliq_insurance_fund,
    settlement: *const partliq_settlement,
    out: *mut partliq_coverage,
) -> partliq_status {
    let s = struct_in!(settlement);
    out!(out);
    out!(fund);
    let core = check!(s.to_core());
    let fund = struct_inout!(fund);
    let mut f = fund_in(fund);
    let c = core_try!(f.book(&core));
    *fund = fund_out(&f);
    write_out!(out, coverage_out(&c));
    OK
}

// ---------------------------------------------------------------------------
// Auto-deleveraging.

/// Ranks the candidates on the side opposite to `deficit_size` (the
/// bankrupt position, signed) into `order` (indices into `candidates`),
/// best first: profit × effective leverage, then account id, then index —
/// a total order. Writes the ranked indices to the front of `order` and
/// their count to `*out_count`, only on success.
///
/// Statuses: `BUFFER_TOO_SMALL` (`order_len` below the number of opposite
/// candidates), `RESERVED_NOT_ZERO`, `OVERFLOW` (more than 2^32
/// candidates).
///
/// # Safety
/// `candidates` is NULL (only with length 0) or points to that many
/// initialised candidates; `order` is NULL (only with length 0) or points to
/// `order_len` initialised values (any: they are only written);
/// `out_count` is NULL or valid for one write. No overlap.
#[no_mangle]
pub unsafe extern "C" fn partliq_rank_adl(
    deficit_size: i64,
    candidates: *const partliq_adl_candidate,
    candidates_len: usize,
    order: *mut u32,
    order_len: usize,
    out_count: *mut usize,
) -> partliq_status {
    // Both arrays non-empty, non-NULL, aligned and within their bounds and
    // `out_count` non-NULL and aligned, tested at once; anything else takes
    // the checks one by one (their statuses, in their order).
    if !(array_fast(candidates, candidates_len) & array_fast(order.cast_const(), order_len) & ptr_fast(out_count.cast_const())) {
        // SAFETY: the function's contract.
        return unsafe { rank_adl_checked(deficit_size, candidates, candidates_len, order, order_len, out_count) };
    }
    // SAFETY: non-NULL, aligned, byte sizes ≤ isize::MAX (`array_fast`, as
    // `slice_in` / `slice_out`); validity, and `order`'s exclusivity, the
    // function's contract.
    let (candidates, order) =
        unsafe { (core::slice::from_raw_parts(candidates, candidates_len), core::slice::from_raw_parts_mut(order, order_len)) };
    // SAFETY: `out_count` non-NULL and aligned (`ptr_fast`), as `out!`.
    unsafe { rank_adl_checked_in(deficit_size, candidates, order, out_count) }
}

/// `partliq_rank_adl` with its arrays' and out-pointer's checks one by
/// one, in its order.
///
/// # Safety
/// As `partliq_rank_adl`.
#[cold]
#[inline(never)]
unsafe fn rank_adl_checked(
    deficit_size: i64,
    candidates: *const partliq_adl_candidate,
    candidates_len: usize,
    order: *mut u32,
    order_len: usize,
    out_count: *mut usize,
) -> partliq_status {
    let candidates = array_in!(candidates, candidates_len);
    let order = array_out!(order, order_len);
    out!(out_count);
    // SAFETY: `out_count` checked by `out!`.
    unsafe { rank_adl_checked_in(deficit_size, candidates, order, out_count) }
}

/// `partliq_rank_adl` once its arrays and out-pointer passed their checks:
/// the candidates' (`RESERVED_NOT_ZERO`), then the core's.
///
/// # Safety
/// `out_count` is non-NULL, aligned and valid for one write, not otherwise
/// accessed during the call.
#[inline(always)]
unsafe fn rank_adl_checked_in(
    deficit_size: i64,
    candidates: &[partliq_adl_candidate],
    order: &mut [u32],
    out_count: *mut usize,
) -> partliq_status {
    let candidates = check!(Castable::cast_slice(candidates));
    // SAFETY: `out_count` is non-NULL and aligned (the caller's); the
    // contract makes it valid for one write (possibly uninitialised, hence
    // `MaybeUninit`) and not otherwise accessed during the call. The core
    // writes it on success only, and refuses before its first write to
    // `order`.
    let count = unsafe { &mut *out_count.cast::<core::mem::MaybeUninit<usize>>() };
    core_try!(core_esc::rank_adl_into(Size(deficit_size), candidates, order, count));
    OK
}

/// Closes `deficit_size` (the bankrupt position, signed) against opposite
/// candidates at `bankruptcy_price`, `mode` a `partliq_adl_mode`. Writes the
/// fills to the front of `fills` and their count to `*out_count`; the fills'
/// sizes sum exactly to `|deficit_size|`, each within its candidate's
/// position. `order` is scratch (at least one entry per opposite candidate):
/// its contents are unspecified after the call, whatever the status. On
/// success `fills` entries past `*out_count` (up to the number of opposite
/// candidates) may be overwritten too; on any other status `fills` and
/// `*out_count` are untouched.
///
/// Statuses: `INVALID_LOT_STEP`, `INVALID_FILL_PRICE`,
/// `INSUFFICIENT_COUNTERPARTIES` (the opposite side holds less than the
/// deficit), `BUFFER_TOO_SMALL` (`order_len` or `fills_len` below the
/// number of opposite candidates), `INVALID_ENUM`, `RESERVED_NOT_ZERO`,
/// `OVERFLOW` (more than 2^32 candidates).
///
/// # Safety
/// As `partliq_rank_adl`; `fills` is NULL (only with length 0) or points to
/// `fills_len` initialised fills (any values: they are only written). No
/// overlap.
#[no_mangle]
pub unsafe extern "C" fn partliq_deleverage(
    deficit_size: i64,
    bankruptcy_price: i64,
    lot_step: i64,
    candidates: *const partliq_adl_candidate,
    candidates_len: usize,
    mode: u32,
    order: *mut u32,
    order_len: usize,
    fills: *mut partliq_adl_fill,
    fills_len: usize,
    out_count: *mut usize,
) -> partliq_status {
    let candidates = array_in!(candidates, candidates_len);
    let order = array_out!(order, order_len);
    let fills = array_out!(fills, fills_len);
    out!(out_count);
    let mode = check!(decode::<partliq_adl_mode>(mode));
    let candidates = check!(Castable::cast_slice(candidates));
    let fills = check!(Castable::cast_slice_mut(fills));
    // The core refuses everything before its first write to `fills`.
    let k = core_try!(core_esc::deleverage(Size(deficit_size), Price(bankruptcy_price), Size(lot_step), candidates, mode, order, fills));
    write_out!(out_count, k);
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn adl_mode_values_match_the_core() {
        assert_eq!(partliq_adl_mode::Queue as u32, AdlMode::Queue as u32);
        assert_eq!(partliq_adl_mode::ProRata as u32, AdlMode::ProRata as u32);
    }

    fn cand(account: u32, size: i64, pnl: i64) -> partliq_adl_candidate {
        partliq_adl_candidate { account, reserved: 0, size, unrealized_pnl: pnl, entry_notional: 1_000, mark_notional: 1_000, margin: 100 }
    }

    /// The ranking's fused fast path and its one-by-one checks agree: the
    /// first refusal in argument order when several fail, nothing written
    /// on a refusal, an empty array (left to the slow path) ranked as usual.
    #[test]
    fn rank_adl_refuses_in_order() {
        let cs = [cand(1, -5, 10), cand(2, 8, 50), cand(3, -10, 100)];
        let mut order = [9u32; 3];
        let mut n = 7usize;
        // The candidates one byte into an 8-aligned buffer: misaligned.
        let bytes = [0u64; 19];
        let odd = bytes.as_ptr().cast::<u8>().wrapping_add(1).cast::<partliq_adl_candidate>();
        let mut bad = cs;
        bad[2].reserved = 1;
        // SAFETY: every non-NULL pointer is into our buffers or refused
        // before any access.
        unsafe {
            // Misaligned candidates and a NULL out: the candidates first.
            assert_eq!(partliq_rank_adl(12, odd, 3, order.as_mut_ptr(), 3, core::ptr::null_mut()), PARTLIQ_STATUS_MISALIGNED_POINTER);
            // NULL order with a length and a NULL out: the order first.
            assert_eq!(partliq_rank_adl(12, cs.as_ptr(), 3, core::ptr::null_mut(), 3, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            // A NULL out alone; a length past the bound; a reserved field.
            assert_eq!(partliq_rank_adl(12, cs.as_ptr(), 3, order.as_mut_ptr(), 3, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_rank_adl(12, cs.as_ptr(), usize::MAX, order.as_mut_ptr(), 3, &mut n), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(partliq_rank_adl(12, bad.as_ptr(), 3, order.as_mut_ptr(), 3, &mut n), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!((order, n), ([9; 3], 7), "nothing written on a refusal");
            // No candidates (NULL, 0) and no order (NULL, 0): none ranked.
            assert_eq!(partliq_rank_adl(12, core::ptr::null(), 0, core::ptr::null_mut(), 0, &mut n), OK);
            assert_eq!(n, 0);
            // The fast path: a long deficit of 12 ranks the two shorts by
            // PnL% × EffLev, the same notionals and margins (1,000, 1,000,
            // 100: EffLev 10) for both: index 2 (pnl 100: 10 % × 10 = 1)
            // before index 0 (pnl 10: 1 % × 10 = 0.1).
            assert_eq!(partliq_rank_adl(12, cs.as_ptr(), 3, order.as_mut_ptr(), 3, &mut n), OK);
            assert_eq!((n, &order[..2]), (2, &[2u32, 0][..]));
        }
    }

    #[test]
    fn deleverage_and_fund() {
        let cs = [cand(1, -5, 10), cand(2, 8, 50), cand(3, -10, 100), cand(4, -3, -5)];
        let mut order = [0u32; 4];
        let mut fills = [partliq_adl_fill::default(); 4];
        let mut n = 0usize;
        // SAFETY: valid arrays and pointers.
        let s = unsafe { partliq_deleverage(12, 90, 1, cs.as_ptr(), 4, 0, order.as_mut_ptr(), 4, fills.as_mut_ptr(), 4, &mut n) };
        assert_eq!(s, OK);
        assert_eq!(n, 2);
        assert_eq!((fills[0].account, fills[0].size_delta, fills[0].price), (3, 10, 90));
        assert_eq!((fills[1].account, fills[1].size_delta), (1, 2));
        // More than the opposite side holds: refused, fills untouched.
        let before = fills;
        // SAFETY: as above.
        let s = unsafe { partliq_deleverage(19, 90, 1, cs.as_ptr(), 4, 1, order.as_mut_ptr(), 4, fills.as_mut_ptr(), 4, &mut n) };
        assert_eq!(s, PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES);
        assert_eq!(fills, before);

        let mut f = partliq_insurance_fund::default();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_insurance_fund_new(1_000, 100, &mut f), OK);
            assert_eq!(partliq_insurance_fund_debit(&mut f, 901), PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
            assert_eq!(f.balance, 1_000);
            assert_eq!(partliq_insurance_fund_credit(&mut f, 50), OK);
            let mut c = partliq_coverage::default();
            assert_eq!(partliq_insurance_fund_cover(&mut f, 2_000, &mut c), OK);
            assert_eq!((c.covered, c.uncovered, f.balance, f.total_debits), (950, 1_050, 100, 950));
        }
    }
}
