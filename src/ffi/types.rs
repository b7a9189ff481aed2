//! The ABI's structs and enumerations, with their layout pinned.
//!
//! Every struct is `#[repr(C)]` with explicit `reserved` fields where C
//! would pad, so the layout is the same on every 64-bit target and has no
//! uninitialised bytes. Sizes and offsets are asserted at compile time here
//! and, from C, with `_Static_assert` in `ffi-tests/c/layout.c`.

use crate::account::Position;
use crate::health::{Health, Target};
use crate::market::{MarginTier, Market};
use crate::num::{Ppm, Price, Quote, Size};
use crate::plan::PlanOrder;

use super::status::*;
use super::PARTLIQ_MAX_TIERS;

/// How a pool's state is reported (`partliq_health.state`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_health_state {
    /// Equity covers maintenance (or there is no maintenance requirement).
    Healthy = 0,
    /// `maintenance > 0 && equity < maintenance`: reduce positions.
    Liquidatable = 1,
    /// Equity below zero.
    Bankrupt = 2,
}

/// Where a liquidation may stop (`partliq_target.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_target_kind {
    /// `equity ≥ ceil(maintenance × (1 + buffer_ppm / 1e6))`.
    Maintenance = 0,
    /// `equity ≥ initial requirement` (`buffer_ppm` must be 0).
    Initial = 1,
}

/// The order in which a plan reduces positions (`partliq_plan_params.order`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_plan_order {
    /// Largest per-position maintenance requirement first.
    LargestMaintenanceFirst = 0,
    /// Most `equity − target` improvement per unit of notional first.
    BestReleasePerCostFirst = 1,
    /// The same least fraction of every position.
    ProRata = 2,
}

/// Outcome of a plan or of a close sizing (`partliq_plan.status`,
/// `partliq_close_sizing.status`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_outcome {
    /// The pool already meets the target: nothing to close.
    AlreadySafe = 0,
    /// The close (the plan's legs) restores the target.
    Restored = 1,
    /// Nothing restores the target; the close (legs) is the best reachable:
    /// escalate.
    Infeasible = 2,
}

/// Kind of an estimated liquidation price (`partliq_liquidation_price.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_liquidation_price_kind {
    /// No positive mark makes the pool liquidatable through this position.
    Never = 0,
    /// The pool is liquidatable at every positive mark of this position (a
    /// long: also when its top tiers are 100 % and the pool stays short of
    /// maintenance across them).
    Always = 1,
    /// The exact root rounded against the account (a long's up, a short's
    /// down): a long is liquidatable at every mark below `price` and at none
    /// from it up, a short at every mark above it and at none up to it.
    At = 2,
}

/// How a market rounds its liquidation fee
/// (`partliq_market.liquidation_fee_rounding`, `partliq_venue_fees.liquidation_fee_rounding`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_fee_rounding {
    /// Up, against the account (the default: 0, the field's old `reserved` value).
    Up = 0,
    /// Down (venues that round it down: dYdX v4, Perpetual Protocol v2, Aave v3.7).
    Down = 1,
}

/// How an account's positions share margin (`partliq_account_health`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_margin_mode {
    /// One pool: collateral plus all positions.
    Cross = 0,
    /// Each position its own pool (its margin in its quote balance); the
    /// collateral a pool of its own with no positions.
    Isolated = 1,
}

/// One margin tier of a market.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_margin_tier {
    /// Lowest position notional (quote units) the tier applies to; tier 0's is 0.
    pub notional_floor: i64,
    /// Initial margin fraction, ppm.
    pub initial_ppm: u32,
    /// Maintenance margin fraction, ppm (at most `initial_ppm`).
    pub maintenance_ppm: u32,
}

/// A market: units and risk parameters.
///
/// `notional = size × price × 10^quote_exponent` quote units.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct partliq_market {
    /// The engine's market id (informational: positions name markets by index).
    pub id: u32,
    /// Decimal exponent `e` in `[-18, 18]`.
    pub quote_exponent: i32,
    /// Smallest size increment, > 0.
    pub lot_step: i64,
    /// Smallest price increment, > 0.
    pub tick: i64,
    /// Margin tiers; the first `tier_count` are used, the rest ignored.
    pub tiers: [partliq_margin_tier; PARTLIQ_MAX_TIERS],
    /// Tiers in use, `1 ..= PARTLIQ_MAX_TIERS`.
    pub tier_count: u32,
    /// Liquidation fee on the liquidated notional, ppm.
    pub liquidation_fee_ppm: u32,
    /// The liquidator's share of the fee, ppm; the insurance fund gets the rest.
    pub liquidator_fee_share_ppm: u32,
    /// A `partliq_fee_rounding`: how the liquidation fee is rounded to a
    /// quote unit, `PARTLIQ_FEE_ROUNDING_UP` (0: against the account) or
    /// `PARTLIQ_FEE_ROUNDING_DOWN` (1). Any other value: `INVALID_ENUM`, from
    /// every function given the markets array (each market is checked, named
    /// by a position or not). (This was a `reserved` field that had to be 0:
    /// callers that set 0 keep their behaviour.)
    pub liquidation_fee_rounding: u32,
    /// A remainder with a notional below this (quote units) is closed whole.
    pub dust_floor: i64,
}

/// A position in one market.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_position {
    /// Index of the position's market in the markets array.
    pub market_index: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Signed size in base units: long > 0, short < 0.
    pub size: i64,
    /// Settled cash of the position, quote units: its value at mark `P` is
    /// `size × P × 10^e + quote_balance`.
    pub quote_balance: i64,
}

/// The health of a margin pool (or, from `partliq_account_health` in
/// isolated mode, the figures summed over the account's pools — its
/// collateral one with no positions — with the worst state of any of them).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_health {
    /// Collateral plus position values at mark (each rounded down).
    pub equity: i64,
    /// Initial margin requirement (rounded up).
    pub initial_requirement: i64,
    /// Maintenance margin requirement (rounded up).
    pub maintenance_requirement: i64,
    /// `equity − initial_requirement`.
    pub free_collateral: i64,
    /// `maintenance / equity` in ppm, rounded up; `UINT64_MAX` when equity
    /// ≤ 0 with maintenance > 0; 0 when maintenance is 0.
    pub margin_ratio_ppm: u64,
    /// A `partliq_health_state`.
    pub state: u32,
    /// 0.
    pub reserved: u32,
}

/// Where a liquidation may stop.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_target {
    /// A `partliq_target_kind`.
    pub kind: u32,
    /// Extra fraction of maintenance to restore, ppm (≤ 1,000,000); 0 for an
    /// initial-margin target.
    pub buffer_ppm: u32,
}

/// What the planner is asked for.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_plan_params {
    /// Where the liquidation may stop.
    pub target: partliq_target,
    /// Band around the mark for each leg's limit price, ppm (≤ 1,000,000).
    pub price_band_ppm: u32,
    /// A `partliq_plan_order`.
    pub order: u32,
}

/// One liquidation order of a plan.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_plan_leg {
    /// Index of the position in the pool.
    pub position_index: u32,
    /// 0.
    pub reserved: u32,
    /// Signed size change (opposite to the position).
    pub size_delta: i64,
    /// Limit price of the order (the worst allowed fill).
    pub limit_price: i64,
    /// Cash at the limit price (received > 0, paid < 0), against the account.
    pub expected_cash: i64,
    /// Liquidation fee at the limit price, rounded as the market's
    /// `liquidation_fee_rounding` (up by default).
    pub expected_fee: i64,
}

/// A liquidation plan (its legs are in the caller's legs array).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_plan {
    /// A `partliq_outcome`.
    pub status: u32,
    /// Number of legs written to the front of the legs array, in execution order.
    pub leg_count: u32,
    /// Pool health before the plan.
    pub health_before: partliq_health,
    /// Pool health after every leg fills at its limit price.
    pub health_after: partliq_health,
    /// Equity the target asks for after the plan.
    pub required_equity_after: i64,
    /// `required − equity` after the plan when still short, else 0.
    pub shortfall: i64,
    /// 1 when the dust rule closed some remainder whole, else 0.
    pub dust_closed: u8,
    /// 0.
    pub reserved: [u8; 7],
}

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

/// Bankruptcy figures of a close.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_bankruptcy {
    /// Signed cash the account must receive for the close (negative: it may
    /// pay at most `-quote`), rounded against the account.
    pub quote: i64,
    /// Per-unit price: a long's rounded up, a short's down. May be ≤ 0 for a
    /// long whose equity more than covers the closed units.
    pub price: i64,
}

/// An estimated liquidation price.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_liquidation_price {
    /// A `partliq_liquidation_price_kind`.
    pub kind: u32,
    /// 0.
    pub reserved: u32,
    /// The price when `kind` is `PARTLIQ_LIQUIDATION_PRICE_KIND_AT`, else 0.
    pub price: i64,
}

/// An actual liquidation fill reported by the engine.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_fill {
    /// Index of the liquidated position in the pool.
    pub position_index: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Signed size change: opposite to the position, at most its size.
    pub size_delta: i64,
    /// Fill price, > 0.
    pub price: i64,
}

/// Everything the engine books for a fill.
///
/// Conservation: `position_quote_delta − fill_cash + fee_to_liquidator +
/// insurance_fund_delta = 0`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_settlement {
    /// The position after the fill.
    pub new_position: partliq_position,
    /// Cash from the fill: > 0 received, < 0 paid; against the account.
    pub fill_cash: i64,
    /// Bankruptcy quote of the closed units.
    pub bankruptcy_quote: i64,
    /// Fee before the cap, rounded as the market's `liquidation_fee_rounding`
    /// (up by default).
    pub nominal_fee: i64,
    /// Fee charged: `min(nominal, max(0, fill_cash − bankruptcy_quote))`.
    pub fee: i64,
    /// Liquidator's share, rounded down.
    pub fee_to_liquidator: i64,
    /// Insurance fund's share: `fee − fee_to_liquidator`.
    pub fee_to_insurance: i64,
    /// Loss the insurance fund covers: `max(0, bankruptcy_quote − fill_cash)`.
    pub bad_debt: i64,
    /// Net change of the insurance fund: `fee_to_insurance − bad_debt`.
    pub insurance_fund_delta: i64,
    /// Change of the position's quote balance: `fill_cash − fee + bad_debt`.
    pub position_quote_delta: i64,
    /// Pool health after booking.
    pub health_after: partliq_health,
}

// ---------------------------------------------------------------------------
// Layout, pinned. The same numbers are asserted from C (ffi-tests/c/layout.c),
// Go (ffi-tests/go) and Java (ffi-tests/java).

macro_rules! pin_layout {
    ($t:ty, size = $size:expr, align = $align:ty, { $($field:ident @ $off:expr),* $(,)? }) => {
        static_assertions::assert_eq_size!($t, [u8; $size]);
        static_assertions::const_assert_eq!(core::mem::align_of::<$t>(), core::mem::align_of::<$align>());
        $( static_assertions::const_assert_eq!(core::mem::offset_of!($t, $field), $off); )*
    };
}

pin_layout!(partliq_margin_tier, size = 16, align = i64, { notional_floor @ 0, initial_ppm @ 8, maintenance_ppm @ 12 });
pin_layout!(partliq_market, size = 304, align = i64, {
    id @ 0, quote_exponent @ 4, lot_step @ 8, tick @ 16, tiers @ 24, tier_count @ 280,
    liquidation_fee_ppm @ 284, liquidator_fee_share_ppm @ 288, liquidation_fee_rounding @ 292, dust_floor @ 296,
});
pin_layout!(partliq_position, size = 24, align = i64, { market_index @ 0, reserved @ 4, size @ 8, quote_balance @ 16 });
pin_layout!(partliq_health, size = 48, align = i64, {
    equity @ 0, initial_requirement @ 8, maintenance_requirement @ 16, free_collateral @ 24,
    margin_ratio_ppm @ 32, state @ 40, reserved @ 44,
});
pin_layout!(partliq_target, size = 8, align = u32, { kind @ 0, buffer_ppm @ 4 });
pin_layout!(partliq_plan_params, size = 16, align = u32, { target @ 0, price_band_ppm @ 8, order @ 12 });
pin_layout!(partliq_plan_leg, size = 40, align = i64, {
    position_index @ 0, reserved @ 4, size_delta @ 8, limit_price @ 16, expected_cash @ 24, expected_fee @ 32,
});
pin_layout!(partliq_plan, size = 128, align = i64, {
    status @ 0, leg_count @ 4, health_before @ 8, health_after @ 56, required_equity_after @ 104,
    shortfall @ 112, dust_closed @ 120, reserved @ 121,
});
pin_layout!(partliq_close_request, size = 24, align = i64, { position_index @ 0, target @ 4, reserved @ 12, execution_price @ 16 });
pin_layout!(partliq_close_sizing, size = 104, align = i64, {
    status @ 0, dust_closed @ 4, exhaustive @ 5, reserved @ 6, size_delta @ 8, execution_price @ 16,
    expected_cash @ 24, expected_fee @ 32, health_after @ 40, required_equity_after @ 88, shortfall @ 96,
});
pin_layout!(partliq_bankruptcy, size = 16, align = i64, { quote @ 0, price @ 8 });
pin_layout!(partliq_liquidation_price, size = 16, align = i64, { kind @ 0, reserved @ 4, price @ 8 });
pin_layout!(partliq_fill, size = 24, align = i64, { position_index @ 0, reserved @ 4, size_delta @ 8, price @ 16 });
pin_layout!(partliq_settlement, size = 144, align = i64, {
    new_position @ 0, fill_cash @ 24, bankruptcy_quote @ 32, nominal_fee @ 40, fee @ 48, fee_to_liquidator @ 56,
    fee_to_insurance @ 64, bad_debt @ 72, insurance_fund_delta @ 80, position_quote_delta @ 88, health_after @ 96,
});
static_assertions::assert_eq_size!(partliq_status, u32);

// ---------------------------------------------------------------------------
// The ABI's pool structs are the core's, read in place (src/ffi/api.rs): the
// same size, alignment and field offsets, asserted here. A change of the
// core's `Market`, `MarginTier` or `Position` layout fails these assertions;
// the ABI then either follows (a new ABI struct version) or converts.
//
// Why not copy into core structs on the stack? ~20 KiB of markets per call,
// and on x86-64 a frame that large gets an inline stack probe; rustc 1.95's
// LLVM, with `panic = "abort"`, shrink-wrapped such a probe past a register
// still holding an argument (r11) and clobbered it (seen in this module's
// first version: a wrong status from `partliq_pool_health` in release only).

macro_rules! same_layout {
    ($abi:ty, $core:ty, { $($a:ident = $c:ident),* $(,)? }) => {
        static_assertions::assert_eq_size!($abi, $core);
        static_assertions::const_assert_eq!(core::mem::align_of::<$abi>(), core::mem::align_of::<$core>());
        $( static_assertions::const_assert_eq!(core::mem::offset_of!($abi, $a), core::mem::offset_of!($core, $c)); )*
    };
}

same_layout!(partliq_margin_tier, MarginTier, { notional_floor = notional_floor, initial_ppm = initial, maintenance_ppm = maintenance });
same_layout!(partliq_market, Market, {
    id = id, quote_exponent = quote_exponent, lot_step = lot_step, tick = tick, tiers = tiers, tier_count = tier_count,
    liquidation_fee_ppm = liquidation_fee, liquidator_fee_share_ppm = liquidator_fee_share,
    liquidation_fee_rounding = liquidation_fee_rounding, dust_floor = dust_floor,
});
// The market's fee rounding is read in place: the ABI's values are the core
// `Rounding`'s discriminants (checked to be 0 or 1 before any read).
static_assertions::assert_eq_size!(crate::num::Rounding, u32);
static_assertions::const_assert_eq!(partliq_fee_rounding::Up as u32, crate::num::Rounding::Ceil as u32);
static_assertions::const_assert_eq!(partliq_fee_rounding::Down as u32, crate::num::Rounding::Floor as u32);
same_layout!(partliq_position, Position, { market_index = market_index, size = size, quote_balance = quote_balance });
static_assertions::assert_eq_size!(Price, i64);
static_assertions::assert_eq_size!(Size, i64);
static_assertions::assert_eq_size!(Quote, i64);
static_assertions::assert_eq_size!(Ppm, u32);

// ---------------------------------------------------------------------------
// Conversions of the other structs.

impl From<&Health> for partliq_health {
    fn from(h: &Health) -> Self {
        partliq_health {
            equity: h.equity.0,
            initial_requirement: h.initial_requirement.0,
            maintenance_requirement: h.maintenance_requirement.0,
            free_collateral: h.free_collateral.0,
            margin_ratio_ppm: h.margin_ratio_ppm,
            state: h.state as u32,
            reserved: 0,
        }
    }
}

impl partliq_target {
    pub(crate) fn to_core(self) -> Result<Target, partliq_status> {
        match self.kind {
            k if k == partliq_target_kind::Maintenance as u32 => Ok(Target::Maintenance { buffer: Ppm(self.buffer_ppm) }),
            k if k == partliq_target_kind::Initial as u32 => {
                if self.buffer_ppm == 0 {
                    Ok(Target::Initial)
                } else {
                    Err(PARTLIQ_STATUS_INVALID_BUFFER)
                }
            }
            _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
        }
    }
}

pub(crate) fn plan_order(order: u32) -> Result<PlanOrder, partliq_status> {
    match order {
        o if o == partliq_plan_order::LargestMaintenanceFirst as u32 => Ok(PlanOrder::LargestMaintenanceFirst),
        o if o == partliq_plan_order::BestReleasePerCostFirst as u32 => Ok(PlanOrder::BestReleasePerCostFirst),
        o if o == partliq_plan_order::ProRata as u32 => Ok(PlanOrder::ProRata),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    }
}

/// Core newtypes from ABI integers.
pub(crate) fn size(v: i64) -> Size {
    Size(v)
}

/// Core newtypes from ABI integers.
pub(crate) fn price(v: i64) -> Price {
    Price(v)
}
