//! Plans (the core's `plan`): which positions to reduce, in which order, by
//! how much, at which limit prices.

use partliq::num::Ppm;
use partliq::plan::{plan_liquidation, Plan, PlanLeg, PlanOrder, PlanParams};

use crate::account::partliq_position;
use crate::boundary::{decode, Castable, PoolRef, OK};
use crate::health::{partliq_health, partliq_target};
use crate::market::partliq_market;
use crate::status::*;

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

abi_enum!(partliq_plan_order => PlanOrder {
    LargestMaintenanceFirst => PlanOrder::LargestMaintenanceFirst,
    BestReleasePerCostFirst => PlanOrder::BestReleasePerCostFirst,
    ProRata => PlanOrder::ProRata,
});

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

pin_layout!(partliq_plan_params, size = 16, align = u32, { target @ 0, price_band_ppm @ 8, order @ 12 });
pin_layout!(partliq_plan_leg, size = 40, align = i64, {
    position_index @ 0, reserved @ 4, size_delta @ 8, limit_price @ 16, expected_cash @ 24, expected_fee @ 32,
});
pin_layout!(partliq_plan, size = 128, align = i64, {
    status @ 0, leg_count @ 4, health_before @ 8, health_after @ 56, required_equity_after @ 104,
    shortfall @ 112, dust_closed @ 120, reserved @ 121,
});

/// The ABI's plan of the core's (its legs are written apart). The count
/// fits: a plan has at most one leg per position, and the core refuses
/// pools of more than `MAX_POSITIONS` (64) positions.
pub(crate) fn plan_of(plan: &Plan) -> partliq_plan {
    partliq_plan {
        status: plan.status as u32,
        leg_count: u32::try_from(plan.leg_count).unwrap_or(u32::MAX),
        health_before: partliq_health::from(&plan.health_before),
        health_after: partliq_health::from(&plan.health_after),
        required_equity_after: plan.required_equity_after.0,
        shortfall: plan.shortfall.0,
        dust_closed: u8::from(plan.dust_closed),
        reserved: [0; 7],
    }
}

// The caller's legs are written in place by the core: every bit pattern is
// a valid `PlanLeg` (all its fields are integers), and `reserved` lies in its
// padding, which `legs_written` sets to 0.
castable!(partliq_plan_leg => PlanLeg, |_l| Ok(()), {
    position_index = position_index, size_delta = size_delta, limit_price = limit_price, expected_cash = expected_cash,
    expected_fee = expected_fee,
});

/// The legs a core call has written (`count` of them, at the front):
/// their `reserved` field, the core's padding, set to 0.
pub(crate) fn legs_written(legs: &mut [partliq_plan_leg], count: usize) {
    for leg in legs.iter_mut().take(count) {
        leg.reserved = 0;
    }
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
/// `partliq_plan_params`; `legs` is NULL (only with `legs_len` 0) or points
/// to `legs_len` initialised legs (any values: they are only written), not
/// overlapping another argument.
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
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let params = struct_in!(params);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let target = check!(params.target.to_core());
    let order = check!(decode::<partliq_plan_order>(params.order));
    let view = check!(pool.view());
    let core_params = PlanParams { target, price_band: Ppm(params.price_band_ppm), order };
    let plan = check!(plan_core(&view, &core_params, legs));
    // The core wrote the legs (on success only); nothing fails from here on.
    legs_written(legs, plan.leg_count);
    write_out!(out, plan_of(&plan));
    OK
}

/// The core's plan, kept out of the exported function's frame (see
/// `scripts/ffi/check-stack-probes.sh`); it writes `legs` only on success.
#[inline(never)]
pub(crate) fn plan_core(view: &PoolRef<'_>, params: &PlanParams, legs: &mut [partliq_plan_leg]) -> Result<Plan, partliq_status> {
    let legs = Castable::cast_slice_mut(legs)?;
    plan_liquidation(&view.pool(), view.markets, view.prices, params, legs).map_err(status_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use partliq::plan::PlanStatus;
    use partliq::sizing::CloseStatus;

    #[test]
    fn enum_values_match_the_core() {
        for (o, p, c) in [
            (partliq_outcome::AlreadySafe, PlanStatus::AlreadySafe, CloseStatus::AlreadySafe),
            (partliq_outcome::Restored, PlanStatus::Restored, CloseStatus::Restored),
            (partliq_outcome::Infeasible, PlanStatus::Infeasible, CloseStatus::Infeasible),
        ] {
            assert_eq!((o as u32, o as u32), (p as u32, c as u32));
        }
        for (a, c) in [
            (partliq_plan_order::LargestMaintenanceFirst, PlanOrder::LargestMaintenanceFirst),
            (partliq_plan_order::BestReleasePerCostFirst, PlanOrder::BestReleasePerCostFirst),
            (partliq_plan_order::ProRata, PlanOrder::ProRata),
        ] {
            assert_eq!(decode::<partliq_plan_order>(a as u32), Ok(c));
            assert_eq!(a as u32, c as u32);
        }
        assert_eq!(decode::<partliq_plan_order>(3), Err(PARTLIQ_STATUS_INVALID_ENUM));
    }
}
