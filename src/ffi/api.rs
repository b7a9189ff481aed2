//! The entry points.

use core::ffi::c_char;

use crate::account::{Account, MarginMode, Pool, Position, MAX_POSITIONS};
use crate::error::Error;
use crate::health::{account_health, pool_health};
use crate::market::Market;
use crate::num::{Ppm, Price, Quote};
use crate::plan::{plan_liquidation, PlanLeg, PlanParams};
use crate::pricing::{bankruptcy_price, estimated_liquidation_price, limit_price, LiquidationPrice};
use crate::settlement::{settle_fill, Fill};
use crate::sizing::{minimal_close, CloseRequest};

use super::status::*;
use super::types::*;
use super::PARTLIQ_VERSION_NUMBER;

// ---------------------------------------------------------------------------
// Checks, as macros: each returns the documented status from the enclosing
// function when it fails.

/// Largest length an array of `T` may have: its byte size must not exceed
/// `isize::MAX` (what `core::slice::from_raw_parts` requires).
pub(super) const fn max_len<T>() -> usize {
    match (isize::MAX as usize).checked_div(core::mem::size_of::<T>()) {
        Some(n) => n,
        None => usize::MAX,
    }
}

pub(super) fn aligned<T>(p: *const T) -> bool {
    (p as usize).checked_rem(core::mem::align_of::<T>()) == Some(0)
}

/// A caller's array as a slice: NULL allowed only with length 0.
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must point to `len`
/// initialised values of `T` that stay valid and unmodified for `'a`.
pub(super) unsafe fn slice_in<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], partliq_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if len > max_len::<T>() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    if !aligned(ptr) {
        return Err(PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX (checked above);
    // validity for `len` reads is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A caller's input struct as a reference.
///
/// # Safety
/// A non-NULL `ptr` must point to an initialised `T` valid for `'a`.
pub(super) unsafe fn ref_in<'a, T>(ptr: *const T) -> Result<&'a T, partliq_status> {
    if ptr.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if !aligned(ptr) {
        return Err(PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    // SAFETY: non-NULL and aligned (checked); validity is the caller's contract.
    Ok(unsafe { &*ptr })
}

/// Checks an out-pointer (it is written, never read, and only on success).
pub(super) fn out_ok<T>(ptr: *mut T) -> Result<(), partliq_status> {
    if ptr.is_null() {
        Err(PARTLIQ_STATUS_NULL_POINTER)
    } else if !aligned(ptr.cast_const()) {
        Err(PARTLIQ_STATUS_MISALIGNED_POINTER)
    } else {
        Ok(())
    }
}

/// Unwraps a `Result<_, partliq_status>` or returns the status as `u32`.
macro_rules! check {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(s) => return s,
        }
    };
}

/// An input array, NULL-checked and length-checked.
macro_rules! array_in {
    ($ptr:expr, $len:expr) => {
        // SAFETY: the function's contract: a non-NULL array pointer points to
        // `len` initialised elements valid for the call.
        check!(unsafe { slice_in($ptr, $len) })
    };
}

/// An input struct, NULL-checked.
macro_rules! struct_in {
    ($ptr:expr) => {
        // SAFETY: the function's contract: a non-NULL struct pointer points to
        // an initialised value valid for the call.
        check!(unsafe { ref_in($ptr) })
    };
}

/// An out-pointer, NULL-checked (writes come later, on success only).
macro_rules! out {
    ($ptr:expr) => {
        check!(out_ok($ptr))
    };
}

/// A core result, or its error's status.
macro_rules! core_try {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return status_of(e),
        }
    };
}

/// Writes `value` through a checked out-pointer.
macro_rules! write_out {
    ($ptr:expr, $value:expr) => {
        // SAFETY: `$ptr` was checked non-NULL and aligned by `out!`; the
        // contract makes it valid for one write of its type. `write` neither
        // reads nor drops the old (possibly uninitialised) contents.
        unsafe { $ptr.write($value) }
    };
}

pub(super) const OK: partliq_status = PARTLIQ_STATUS_OK;

// ---------------------------------------------------------------------------
// The pool, seen as the core's types without copying.
//
// `partliq_market`, `partliq_margin_tier`, `partliq_position` and the price
// array have exactly the layout of the core's `#[repr(C)]` `Market`,
// `MarginTier`, `Position` and `#[repr(transparent)]` `Price` (asserted field
// by field in `types.rs`); the ABI's `reserved` fields sit where the core's
// structs have padding. Every field of both sides is a plain integer, except
// the market's fee rounding, the core's `Rounding` enum: every market's is
// checked to be one of the two values the ABI names (the enum's `Ceil` and
// `Floor`) before the array is seen as core markets. So every bit pattern
// that passes is valid for both: the caller's arrays are read in place.
// (Copying them to the stack would also work, but costs ~20 KiB of stack per
// call: see the note in `types.rs`.)

/// The caller's pool as the core sees it, after the ABI's own checks
/// (reserved fields of the positions, every market's fee rounding).
pub(super) struct PoolRef<'a> {
    pub(super) markets: &'a [Market],
    pub(super) prices: &'a [Price],
    pub(super) collateral: Quote,
    pub(super) positions: &'a [Position],
}

impl<'a> PoolRef<'a> {
    pub(super) fn new(
        markets: &'a [partliq_market],
        prices: &'a [i64],
        collateral: i64,
        positions: &'a [partliq_position],
    ) -> Result<Self, partliq_status> {
        if positions.iter().any(|p| p.reserved != 0) {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        Ok(PoolRef {
            markets: core_markets(markets)?,
            prices: core_prices(prices),
            collateral: Quote(collateral),
            positions: core_positions(positions),
        })
    }

    pub(super) fn pool(&self) -> Pool<'a> {
        Pool::new(self.collateral, self.positions)
    }
}

/// A market's fee rounding is one of the ABI's two values.
fn fee_rounding_ok(m: &partliq_market) -> bool {
    m.liquidation_fee_rounding == partliq_fee_rounding::Up as u32 || m.liquidation_fee_rounding == partliq_fee_rounding::Down as u32
}

/// The caller's markets as core markets, once every market's fee rounding is
/// checked (`INVALID_ENUM` otherwise).
pub(super) fn core_markets(m: &[partliq_market]) -> Result<&[Market], partliq_status> {
    if !m.iter().all(fee_rounding_ok) {
        return Err(PARTLIQ_STATUS_INVALID_ENUM);
    }
    // SAFETY: same size, alignment and field offsets (asserted in types.rs);
    // every field is an integer (every bit pattern valid) except the fee
    // rounding, whose value was just checked to be `Rounding::Ceil` (0) or
    // `Rounding::Floor` (1) (discriminants asserted in types.rs); the length
    // and the lifetime are the input slice's.
    Ok(unsafe { core::slice::from_raw_parts(m.as_ptr().cast::<Market>(), m.len()) })
}

/// The caller's prices as core prices (`Price` is `repr(transparent)` over `i64`).
fn core_prices(p: &[i64]) -> &[Price] {
    // SAFETY: `Price` is `#[repr(transparent)]` over `i64`.
    unsafe { core::slice::from_raw_parts(p.as_ptr().cast::<Price>(), p.len()) }
}

/// The caller's positions as core positions.
fn core_positions(p: &[partliq_position]) -> &[Position] {
    // SAFETY: same size, alignment and field offsets (asserted in types.rs);
    // `reserved` lies in the core struct's padding; all fields are integers.
    unsafe { core::slice::from_raw_parts(p.as_ptr().cast::<Position>(), p.len()) }
}

pub(super) fn index(i: u32) -> Result<usize, partliq_status> {
    usize::try_from(i).map_err(|_| PARTLIQ_STATUS_UNKNOWN_POSITION)
}

// ---------------------------------------------------------------------------
// Version.

/// The library's version, `"MAJOR.MINOR.PATCH"` (Cargo.toml's): a static
/// NUL-terminated string; never NULL, do not free.
#[no_mangle]
pub extern "C" fn partliq_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The linked library's `PARTLIQ_VERSION_NUMBER`
/// (`MAJOR × 1,000,000 + MINOR × 1,000 + PATCH`). A program compiled against
/// the header may check at start-up that the major versions agree:
/// `partliq_abi_version() / 1000000 == PARTLIQ_VERSION_MAJOR` (and, while the
/// major version is 0, the minor versions too).
#[no_mangle]
pub extern "C" fn partliq_abi_version() -> u32 {
    PARTLIQ_VERSION_NUMBER
}

// ---------------------------------------------------------------------------
// Markets and health.

/// Checks every parameter of a market; each problem has its own status
/// (`PARTLIQ_STATUS_INVALID_LOT_STEP` … `PARTLIQ_STATUS_INVALID_DUST_FLOOR`,
/// `PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT` for a fee or fee share above
/// 100 %, `PARTLIQ_STATUS_INVALID_ENUM` for a fee rounding other than
/// `PARTLIQ_FEE_ROUNDING_UP` / `_DOWN`).
///
/// # Safety
/// `market` is NULL or points to an initialised `partliq_market`.
#[no_mangle]
pub unsafe extern "C" fn partliq_market_validate(market: *const partliq_market) -> partliq_status {
    let market = struct_in!(market);
    let markets = check!(core_markets(core::slice::from_ref(market)));
    core_try!(markets.iter().try_for_each(Market::validate));
    OK
}

/// Health of one margin pool at the given marks: collateral plus
/// `positions`, `prices[i]` the mark of `markets[i]`. Writes `*out` on
/// success.
///
/// Statuses besides the boundary's: `UNKNOWN_MARKET` (a position's market
/// index ≥ `markets_len`), `MISSING_PRICE` (a non-zero position whose price is
/// absent or 0), `NEGATIVE_PRICE`, `OVERFLOW`. Markets are not re-validated
/// on every call (validate each once with `partliq_market_validate` when it
/// is set up or changed): a market that would not validate may give one of
/// its market errors (`INVALID_TIER_COUNT`, …) or figures computed from it.
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements; `out` is NULL or valid for one write. Outputs must
/// not overlap inputs.
#[no_mangle]
pub unsafe extern "C" fn partliq_pool_health(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    out: *mut partliq_health,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    out!(out);
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let h = core_try!(pool_health(&view.pool(), view.markets, view.prices));
    write_out!(out, partliq_health::from(&h));
    OK
}

/// Health of a whole account: `margin_mode` is a `partliq_margin_mode`.
/// Cross: the health of its one pool. Isolated: each position is its own
/// pool (its margin in its quote balance) and the collateral is a pool of
/// its own with no positions (bankrupt when negative: a debt nothing
/// backs). The figures are the sums over all those pools, the margin ratio
/// is computed from the sums, and the state is the worst state of any of
/// those pools, never the state of the sums. Statuses as
/// `partliq_pool_health`, plus `INVALID_ENUM`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_account_health(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    margin_mode: u32,
    out: *mut partliq_health,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    out!(out);
    let mode = match margin_mode {
        m if m == partliq_margin_mode::Cross as u32 => MarginMode::Cross,
        m if m == partliq_margin_mode::Isolated as u32 => MarginMode::Isolated,
        _ => return PARTLIQ_STATUS_INVALID_ENUM,
    };
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let account = Account { collateral: view.collateral, positions: view.positions, mode };
    let h = core_try!(account_health(&account, view.markets, view.prices));
    write_out!(out, partliq_health::from(&h));
    OK
}

// ---------------------------------------------------------------------------
// Sizing and planning.

/// The least lot-step close of one position that restores the target at
/// `request->execution_price` (the worst allowed), everything else in the
/// pool held fixed (`out->status` `PARTLIQ_OUTCOME_RESTORED`); or
/// `PARTLIQ_OUTCOME_ALREADY_SAFE`; or `PARTLIQ_OUTCOME_INFEASIBLE` with the best
/// reachable close. Writes `*out` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_FILL_PRICE` (execution price ≤ 0), `INVALID_BUFFER`,
/// `INVALID_ENUM` (target kind), `RESERVED_NOT_ZERO`.
///
/// # Safety
/// As `partliq_pool_health`; `request` is NULL or points to an initialised
/// `partliq_close_request`.
#[no_mangle]
pub unsafe extern "C" fn partliq_minimal_close(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    request: *const partliq_close_request,
    out: *mut partliq_close_sizing,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    let request = struct_in!(request);
    out!(out);
    if request.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let target = check!(request.target.to_core());
    let position_index = check!(index(request.position_index));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let req = CloseRequest { position_index, execution_price: price(request.execution_price), target };
    let c = core_try!(minimal_close(&view.pool(), view.markets, view.prices, &req));
    write_out!(
        out,
        partliq_close_sizing {
            status: c.status as u32,
            dust_closed: u8::from(c.dust_closed),
            exhaustive: 1,
            reserved: [0; 2],
            size_delta: c.size_delta.0,
            execution_price: c.execution_price.0,
            expected_cash: c.expected_cash.0,
            expected_fee: c.expected_fee.0,
            health_after: partliq_health::from(&c.health_after),
            required_equity_after: c.required_equity_after.0,
            shortfall: c.shortfall.0,
        }
    );
    OK
}

/// Plans the liquidation of a margin pool: which positions to reduce, in
/// which order, by how much, at which limit prices.
///
/// `legs` must hold at least `positions_len` entries; on success the plan's
/// `leg_count` legs are written to its front (nothing else is written) and
/// `*out` is written. On any other status neither is touched.
///
/// Statuses besides the pool's: `BUFFER_TOO_SMALL` (`legs_len <
/// positions_len`), `INVALID_BUFFER`, `INVALID_PRICE_BAND`, `INVALID_ENUM`
/// (target kind or order).
///
/// # Safety
/// As `partliq_pool_health`; `params` is NULL or points to an initialised
/// `partliq_plan_params`; `legs` is NULL (only with `legs_len` 0) or valid
/// for writing `legs_len` legs.
#[no_mangle]
pub unsafe extern "C" fn partliq_plan_liquidation(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    params: *const partliq_plan_params,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    out: *mut partliq_plan,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    let params = struct_in!(params);
    if legs_len > 0 {
        out!(legs);
    }
    if legs_len > max_len::<partliq_plan_leg>() {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    out!(out);
    let target = check!(params.target.to_core());
    let order = check!(plan_order(params.order));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let core_params = PlanParams { target, price_band: Ppm(params.price_band_ppm), order };
    let mut staged = [PlanLeg::default(); MAX_POSITIONS];
    let room = staged.get_mut(..legs_len.min(MAX_POSITIONS)).unwrap_or(&mut []);
    let plan = core_try!(plan_liquidation(&view.pool(), view.markets, view.prices, &core_params, room));
    let leg_count = core_try!(u32::try_from(plan.leg_count).map_err(|_| Error::Overflow));
    let written = staged.get(..plan.leg_count).unwrap_or(&[]);
    // All checks done: from here on, only writes.
    for (k, leg) in written.iter().enumerate() {
        let value = partliq_plan_leg {
            position_index: leg.position_index,
            reserved: 0,
            size_delta: leg.size_delta.0,
            limit_price: leg.limit_price.0,
            expected_cash: leg.expected_cash.0,
            expected_fee: leg.expected_fee.0,
        };
        // SAFETY: `legs` was checked non-NULL and aligned, and
        // `k < leg_count ≤ positions_len ≤ legs_len` (the core checked the
        // buffer), so `legs + k` is within the caller's array.
        unsafe { legs.add(k).write(value) };
    }
    write_out!(
        out,
        partliq_plan {
            status: plan.status as u32,
            leg_count,
            health_before: partliq_health::from(&plan.health_before),
            health_after: partliq_health::from(&plan.health_after),
            required_equity_after: plan.required_equity_after.0,
            shortfall: plan.shortfall.0,
            dust_closed: u8::from(plan.dust_closed),
            reserved: [0; 7],
        }
    );
    OK
}

// ---------------------------------------------------------------------------
// Pricing.

/// Bankruptcy figures of closing `size_delta` (opposite in sign to the
/// position, at most its size) of position `position_index`: dYdX v4's
/// cross-margin formula, rounded against the account. Writes `*out` on
/// success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_FILL_QUANTITY`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_bankruptcy_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    size_delta: i64,
    out: *mut partliq_bankruptcy,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    out!(out);
    let i = check!(index(position_index));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let b = core_try!(bankruptcy_price(&view.pool(), view.markets, view.prices, i, size(size_delta)));
    write_out!(out, partliq_bankruptcy { quote: b.quote.0, price: b.price.0 });
    OK
}

/// Limit price of the liquidation order for the whole position
/// `position_index`: the mark moved against the account by `band_ppm`, on
/// the tick, never beyond the bankruptcy price nor the mark; at least one
/// tick. Writes `*out_price` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_PRICE_BAND`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_limit_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    band_ppm: u32,
    out_price: *mut i64,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    out!(out_price);
    let i = check!(index(position_index));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let p = core_try!(limit_price(&view.pool(), view.markets, view.prices, i, Ppm(band_ppm)));
    write_out!(out_price, p.0);
    OK
}

/// Estimated liquidation price of position `position_index`: the mark at
/// which the pool's equity equals its maintenance requirement, the other
/// positions held at their marks (tier-consistent, 100 % tiers included;
/// rounded against the account). Writes `*out` on success.
///
/// The kind and price speak of the exact equity − maintenance. Health rounds
/// to whole quote units: with a quote exponent ≥ 0 `partliq_pool_health`
/// agrees with them exactly; with a negative one it may read up to one unit
/// short, so it may also report liquidatable where the exact margin above
/// maintenance is below one quote unit (a few price units on the healthy
/// side of `price`, or across a 100 % tier where a long's margin stays
/// below one unit).
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_estimated_liquidation_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    out: *mut partliq_liquidation_price,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    out!(out);
    let i = check!(index(position_index));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let lp = core_try!(estimated_liquidation_price(&view.pool(), view.markets, view.prices, i));
    let value = match lp {
        LiquidationPrice::Never => partliq_liquidation_price { kind: partliq_liquidation_price_kind::Never as u32, reserved: 0, price: 0 },
        LiquidationPrice::Always => {
            partliq_liquidation_price { kind: partliq_liquidation_price_kind::Always as u32, reserved: 0, price: 0 }
        }
        LiquidationPrice::At(p) => partliq_liquidation_price { kind: partliq_liquidation_price_kind::At as u32, reserved: 0, price: p.0 },
    };
    write_out!(out, value);
    OK
}

// ---------------------------------------------------------------------------
// Settlement.

/// Books the engine's actual liquidation fill: fill cash, the fee capped by
/// the equity above bankruptcy, its split, bad debt, the insurance fund
/// delta, the position after the fill (with the caller's market index) and
/// the pool's health after it. Writes `*out` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_FILL_QUANTITY`, `INVALID_FILL_PRICE`, `RESERVED_NOT_ZERO`.
///
/// # Safety
/// As `partliq_pool_health`; `fill` is NULL or points to an initialised
/// `partliq_fill`.
#[no_mangle]
pub unsafe extern "C" fn partliq_settle_fill(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    fill: *const partliq_fill,
    out: *mut partliq_settlement,
) -> partliq_status {
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    let fill = struct_in!(fill);
    out!(out);
    if fill.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let i = check!(index(fill.position_index));
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let f = Fill { position_index: i, size_delta: size(fill.size_delta), price: price(fill.price) };
    let s = core_try!(settle_fill(&view.pool(), view.markets, view.prices, &f));
    write_out!(
        out,
        partliq_settlement {
            new_position: partliq_position {
                market_index: s.new_position.market_index,
                reserved: 0,
                size: s.new_position.size.0,
                quote_balance: s.new_position.quote_balance.0,
            },
            fill_cash: s.fill_cash.0,
            bankruptcy_quote: s.bankruptcy_quote.0,
            nominal_fee: s.nominal_fee.0,
            fee: s.fee.0,
            fee_to_liquidator: s.fee_to_liquidator.0,
            fee_to_insurance: s.fee_to_insurance.0,
            bad_debt: s.bad_debt.0,
            insurance_fund_delta: s.insurance_fund_delta.0,
            position_quote_delta: s.position_quote_delta.0,
            health_after: partliq_health::from(&s.health_after),
        }
    );
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::health::HealthState;
    use crate::plan::PlanStatus;
    use crate::sizing::CloseStatus;

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(partliq_health_state::Healthy as u32, HealthState::Healthy as u32);
        assert_eq!(partliq_health_state::Liquidatable as u32, HealthState::Liquidatable as u32);
        assert_eq!(partliq_health_state::Bankrupt as u32, HealthState::Bankrupt as u32);
        for (o, p, c) in [
            (partliq_outcome::AlreadySafe, PlanStatus::AlreadySafe, CloseStatus::AlreadySafe),
            (partliq_outcome::Restored, PlanStatus::Restored, CloseStatus::Restored),
            (partliq_outcome::Infeasible, PlanStatus::Infeasible, CloseStatus::Infeasible),
        ] {
            assert_eq!((o as u32, o as u32), (p as u32, c as u32));
        }
        assert_eq!(partliq_margin_mode::Isolated as u32, MarginMode::Isolated as u32);
    }

    fn market() -> partliq_market {
        let mut m = partliq_market {
            id: 7,
            quote_exponent: 0,
            lot_step: 1,
            tick: 1,
            tiers: [partliq_margin_tier::default(); 16],
            tier_count: 1,
            liquidation_fee_ppm: 10_000,
            liquidator_fee_share_ppm: 400_000,
            liquidation_fee_rounding: partliq_fee_rounding::Up as u32,
            dust_floor: 0,
        };
        m.tiers[0] = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
        m
    }

    /// The caller's arrays, read in place, give the core's answers; an
    /// out-of-range market index and a short price array keep their errors.
    #[test]
    fn pool_semantics_are_the_core_ones() {
        let ms = [market(), market(), market()];
        let ps = [partliq_position { market_index: 2, reserved: 0, size: 100, quote_balance: -9_600 }];
        let mut h = partliq_health::default();
        // SAFETY: valid arrays and out-pointer.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 3, [100i64, 100].as_ptr(), 2, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, PARTLIQ_STATUS_MISSING_PRICE);
        // SAFETY: as above.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, OK);
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (400, 500, 1));
        // SAFETY: as above.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 2, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, PARTLIQ_STATUS_UNKNOWN_MARKET);
        let mut s = partliq_settlement::default();
        let f = partliq_fill { position_index: 0, reserved: 0, size_delta: -34, price: 99 };
        // SAFETY: as above.
        let st = unsafe { partliq_settle_fill(ms.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &f, &mut s) };
        assert_eq!(st, OK);
        assert_eq!(s.new_position, partliq_position { market_index: 2, reserved: 0, size: 66, quote_balance: -6_268 });
        // Fee rounding down: sell 34 at 99, fee 1 % of 3,366 = 33.66 → 33
        // (34 rounded up, above); the cap (excess 102) does not bind.
        let mut ms2 = ms;
        ms2[2].liquidation_fee_rounding = partliq_fee_rounding::Down as u32;
        // SAFETY: as above.
        let st = unsafe { partliq_settle_fill(ms2.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &f, &mut s) };
        assert_eq!((st, s.nominal_fee, s.fee), (OK, 33, 33));
        // Every market's fee rounding is checked, named by a position or not:
        // the whole array is read as core markets.
        for bad in [2u32, 3, u32::MAX] {
            let mut ms3 = ms;
            ms3[0].liquidation_fee_rounding = bad;
            // SAFETY: as above.
            let st = unsafe { partliq_pool_health(ms3.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
            assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM);
            // SAFETY: a valid market.
            assert_eq!(unsafe { partliq_market_validate(&ms3[0]) }, PARTLIQ_STATUS_INVALID_ENUM);
        }
    }
}
