//! Sizing (the core's `sizing`): the least close of one position.

use partliq::num::Price;
use partliq::sizing::{minimal_close, CloseRequest};

use crate::account::partliq_position;
use crate::boundary::{index, OK};
use crate::health::{partliq_health, partliq_target};
use crate::market::partliq_market;
use crate::status::*;

/// What to size: the close of one position at a worst execution price.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_close_request {
    /// Index of the position in the pool.
    pub position_index: u32,
    /// Where the liquidation may stop.
    pub target: partliq_target,
    /// Must be 0.
    pub reserved: u32,
    /// Worst execution price allowed (the order's limit price), > 0.
    pub execution_price: i64,
}

/// The least close of one position that restores the target.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_close_sizing {
    /// A `partliq_outcome`.
    pub status: u32,
    /// 1 when the dust rule turned a partial close into a whole one.
    pub dust_closed: u8,
    /// Always 1: every smaller lot-step size is proven short (the solver is
    /// exact; the field stays so the layout and existing readers do too).
    pub exhaustive: u8,
    /// 0.
    pub reserved: [u8; 2],
    /// Signed size change (opposite to the position; 0 if nothing to close).
    pub size_delta: i64,
    /// Execution price assumed.
    pub execution_price: i64,
    /// Cash received (> 0) or paid (< 0), against the account.
    pub expected_cash: i64,
    /// Liquidation fee at the execution price, rounded as the market's
    /// `liquidation_fee_rounding` (up by default).
    pub expected_fee: i64,
    /// Pool health after the close.
    pub health_after: partliq_health,
    /// Equity the target asks for after the close.
    pub required_equity_after: i64,
    /// `required − equity` after the close when still short, else 0.
    pub shortfall: i64,
}

pin_layout!(partliq_close_request, size = 24, align = i64, { position_index @ 0, target @ 4, reserved @ 12, execution_price @ 16 });
pin_layout!(partliq_close_sizing, size = 104, align = i64, {
    status @ 0, dust_closed @ 4, exhaustive @ 5, reserved @ 6, size_delta @ 8, execution_price @ 16,
    expected_cash @ 24, expected_fee @ 32, health_after @ 40, required_equity_after @ 88, shortfall @ 96,
});

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
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let request = struct_in!(request);
    out!(out);
    if request.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let target = check!(request.target.to_core());
    let position_index = check!(index(request.position_index));
    let view = check!(pool.view());
    let req = CloseRequest { position_index, execution_price: Price(request.execution_price), target };
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
