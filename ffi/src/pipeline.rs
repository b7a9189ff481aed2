//! The pipeline (the core's `pipeline`): trigger, choose, size, cap,
//! price — or escalate — in one call, `partliq_run_pipeline`, with the
//! caller's rule state read and updated.

use partliq::pipeline::{run_pipeline, run_pipeline_reserving, Action, Decision, Reason};
use partliq::policy::{AccountLiquidationState, LegReservation, Policy};

use crate::account::partliq_position;
use crate::boundary::{Castable, PoolRef, OK};
use crate::escalation::partliq_backstop;
use crate::market::partliq_market;
use crate::plan::{legs_written, partliq_plan, partliq_plan_leg, plan_of};
use crate::policy::{partliq_account_liquidation_state, partliq_leg_reservation, partliq_market_capacity_state, partliq_policy};
use crate::status::*;

/// What the engine should do (`partliq_decision.action`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_action {
    /// Nothing.
    None = 0,
    /// Send the legs as liquidation orders.
    Liquidate = 1,
    /// Transfer the pool to the backstop vault (`partliq_decision.backstop`).
    Backstop = 2,
    /// No order helps and the policy has no backstop: the insurance fund
    /// takes the pool over at its bankruptcy price (`partliq_decision.backstop`
    /// has the figures; its `deficit` is the fund's loss).
    Takeover = 3,
    /// Cancel the pool's resting orders before any liquidation order
    /// (`partliq_run_unified_pipeline`'s first step, no leg); call again
    /// once they are cancelled.
    CancelOrders = 4,
    /// A unified pool with nothing more to give still owes: each negative
    /// quote balance and each borrow goes to the bankruptcy waterfall.
    ResolveDeficit = 5,
}

/// Why (`partliq_decision.reason`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_reason {
    /// Equity covers maintenance and no liquidation is under way.
    Healthy = 0,
    /// A liquidation was under way and the target is met: it ends.
    TargetMet = 1,
    /// The legs restore the target.
    TargetRestored = 2,
    /// A step rule bounded the step; the next call continues. With
    /// `PARTLIQ_ACTION_NONE` and no leg: a rule other than the block's or the
    /// window's limit allows less than one lot step of every position.
    StepCapped = 3,
    /// No partial reduction restores the target.
    Infeasible = 4,
    /// Equity fell below the policy's backstop fraction of maintenance.
    BelowBackstopFraction = 5,
    /// Equity is negative.
    Bankrupt = 6,
    /// The account's insurance-loss or notional limit for this block is used
    /// up (exceeded, with `PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT`).
    BlockLimitReached = 7,
    /// The market's liquidation capacity for this window is used up.
    CapacityExhausted = 8,
    /// A liquidation is due and the pool has resting orders: they go first
    /// (with `PARTLIQ_ACTION_CANCEL_ORDERS`).
    OpenOrders = 9,
    /// The price of a market the pool holds is refused by the price guard
    /// (`partliq_run_guarded_pipeline`): no liquidation.
    PriceInvalid = 10,
    /// A market the pool holds is in its liquidation grace period.
    GracePeriod = 11,
    /// The policy's emergency bypass lifted the step rules: the legs are the
    /// least close that restores the target, uncapped (or every position
    /// whole when none does).
    EmergencyBypass = 12,
}

/// One decision of `partliq_run_pipeline`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_decision {
    /// A `partliq_action`.
    pub action: u32,
    /// A `partliq_reason`.
    pub reason: u32,
    /// The plan; its `leg_count` legs are at the front of the caller's legs
    /// array (0 unless `action` is `PARTLIQ_ACTION_LIQUIDATE`).
    pub plan: partliq_plan,
    /// 1 when `backstop` holds the transfer's figures (`action` is
    /// `PARTLIQ_ACTION_BACKSTOP` or `PARTLIQ_ACTION_TAKEOVER`), else 0 (and
    /// `backstop` is all zeros).
    pub has_backstop: u8,
    /// 0.
    pub reserved: [u8; 7],
    /// The backstop transfer's figures when `has_backstop` is 1.
    pub backstop: partliq_backstop,
}

pin_layout!(partliq_decision, size = 216, align = i64, {
    action @ 0, reason @ 4, plan @ 8, has_backstop @ 136, reserved @ 137, backstop @ 144,
});

abi_enum!(partliq_action => Action {
    None => Action::None,
    Liquidate => Action::Liquidate,
    Backstop => Action::Backstop,
    Takeover => Action::Takeover,
    CancelOrders => Action::CancelOrders,
    ResolveDeficit => Action::ResolveDeficit,
});
abi_enum!(partliq_reason => Reason {
    Healthy => Reason::Healthy,
    TargetMet => Reason::TargetMet,
    TargetRestored => Reason::TargetRestored,
    StepCapped => Reason::StepCapped,
    Infeasible => Reason::Infeasible,
    BelowBackstopFraction => Reason::BelowBackstopFraction,
    Bankrupt => Reason::Bankrupt,
    BlockLimitReached => Reason::BlockLimitReached,
    CapacityExhausted => Reason::CapacityExhausted,
    OpenOrders => Reason::OpenOrders,
    PriceInvalid => Reason::PriceInvalid,
    GracePeriod => Reason::GracePeriod,
    EmergencyBypass => Reason::EmergencyBypass,
});

/// The ABI's decision of the core's (the plan's legs are written apart).
pub(crate) fn decision_of(d: &Decision) -> partliq_decision {
    let (has_backstop, backstop) = match &d.backstop {
        Some(t) => (1, partliq_backstop::from(t)),
        None => (0, partliq_backstop::default()),
    };
    partliq_decision { action: d.action as u32, reason: d.reason as u32, plan: plan_of(&d.plan), has_backstop, reserved: [0; 7], backstop }
}

// ---------------------------------------------------------------------------
// The pipeline.

/// The whole pipeline for one margin pool: trigger, choose, size, cap by
/// the policy's step rules, price — or escalate. Writes `*out`, the plan's
/// legs to the front of `legs`, and the updated `*account_state` and
/// `market_states` — all only on `OK`; on any other status nothing is
/// written.
///
/// `market_states` holds one entry per market (`market_states_len ≥
/// markets_len`) when the policy has a window capacity rule
/// (`window_capacity.window > 0`; else `STATE_TOO_SMALL`), else it may be
/// NULL with length 0. `now` and `block` are the caller's clock and block
/// height. `legs` must hold at least `positions_len` entries.
///
/// Statuses besides the pool's: the policy's (`partliq_policy_validate`),
/// `INVALID_ENUM` (`has_partial` or `in_liquidation` not 0/1),
/// `STATE_TOO_SMALL`, `BUFFER_TOO_SMALL`, `TOO_MANY_POSITIONS`, `OVERFLOW`.
///
/// # Safety
/// As `partliq_pool_health`; `policy` points to an initialised policy;
/// `account_state` to an initialised state; `market_states` is NULL (only
/// with length 0) or points to that many initialised states; `legs` is NULL
/// (only with `legs_len` 0) or points to `legs_len` initialised legs (any
/// values: they are only written). No output overlaps another output or an
/// input.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_pipeline(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    policy: *const partliq_policy,
    account_state: *mut partliq_account_liquidation_state,
    market_states: *mut partliq_market_capacity_state,
    market_states_len: usize,
    now: u64,
    block: u64,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    out: *mut partliq_decision,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let policy = struct_in!(policy);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let policy = check!(policy.to_core());
    let mut state = check!(account_state.to_core());
    let view = check!(pool.view());
    let decision = check!(pipeline_core(&view, &policy, &mut state, market_states, now, block, legs));
    // The core wrote the legs and the market states (on success only);
    // nothing fails from here on.
    legs_written(legs, decision.plan.leg_count);
    *account_state = partliq_account_liquidation_state::from(&state);
    write_out!(out, decision_of(&decision));
    OK
}

/// The core's pipeline (a frame over 4 KiB), kept out of the exported
/// function's frame (see `scripts/ffi/check-stack-probes.sh`); it writes
/// `state`, `states` and `legs` only on success.
#[inline(never)]
fn pipeline_core(
    view: &PoolRef<'_>,
    policy: &Policy,
    state: &mut AccountLiquidationState,
    states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
) -> Result<Decision, partliq_status> {
    let states = Castable::cast_slice_mut(states)?;
    let legs = Castable::cast_slice_mut(legs)?;
    run_pipeline(&view.pool(), view.markets, view.prices, policy, state, states, now, block, legs).map_err(status_of)
}

/// `partliq_run_pipeline`, with each leg's booked notional recorded in
/// `reservations` (entry `k` for leg `k`; at least `leg_count` entries,
/// else `BUFFER_TOO_SMALL`): once the orders are done, commit each leg's
/// fill (`partliq_leg_reservation_commit`) and release the rest
/// (`partliq_leg_reservation_release`). Statuses besides
/// `partliq_run_pipeline`'s: `RESERVATION_TABLE_FULL` (a record is still
/// open: settle it first), `UNKNOWN_RESERVATION` (an inconsistent record).
/// Nothing is written unless `OK`.
///
/// # Safety
/// As `partliq_run_pipeline`; `reservations` is NULL (only with length 0)
/// or points to `reservations_len` initialised records, overlapping no
/// other argument.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_pipeline_reserving(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    policy: *const partliq_policy,
    account_state: *mut partliq_account_liquidation_state,
    market_states: *mut partliq_market_capacity_state,
    market_states_len: usize,
    now: u64,
    block: u64,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    reservations: *mut partliq_leg_reservation,
    reservations_len: usize,
    out: *mut partliq_decision,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let policy = struct_in!(policy);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let legs = array_out!(legs, legs_len);
    let reservations = array_out!(reservations, reservations_len);
    out!(out);
    let policy = check!(policy.to_core());
    let mut state = check!(account_state.to_core());
    let view = check!(pool.view());
    let decision = check!(reserving_core(&view, &policy, &mut state, market_states, now, block, legs, reservations));
    legs_written(legs, decision.plan.leg_count);
    *account_state = partliq_account_liquidation_state::from(&state);
    write_out!(out, decision_of(&decision));
    OK
}

/// The core's reserving pipeline, out of the exported function's frame.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn reserving_core(
    view: &PoolRef<'_>,
    policy: &Policy,
    state: &mut AccountLiquidationState,
    states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
    reservations: &mut [partliq_leg_reservation],
) -> Result<Decision, partliq_status> {
    let states = Castable::cast_slice_mut(states)?;
    let legs = Castable::cast_slice_mut(legs)?;
    let reservations: &mut [LegReservation] = Castable::cast_slice_mut(reservations)?;
    run_pipeline_reserving(&view.pool(), view.markets, view.prices, policy, state, states, now, block, legs, reservations)
        .map_err(status_of)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{market, position, run_pipeline};
    use crate::presets::{partliq_preset, partliq_preset_synthetix_v3};

    #[test]
    fn enum_values_match_the_core() {
        for (a, b) in [
            (partliq_action::None, Action::None),
            (partliq_action::Liquidate, Action::Liquidate),
            (partliq_action::Backstop, Action::Backstop),
            (partliq_action::Takeover, Action::Takeover),
            (partliq_action::CancelOrders, Action::CancelOrders),
            (partliq_action::ResolveDeficit, Action::ResolveDeficit),
        ] {
            assert_eq!(a as u32, b as u32);
        }
        for (a, b) in [
            (partliq_reason::Healthy, Reason::Healthy),
            (partliq_reason::TargetMet, Reason::TargetMet),
            (partliq_reason::TargetRestored, Reason::TargetRestored),
            (partliq_reason::StepCapped, Reason::StepCapped),
            (partliq_reason::Infeasible, Reason::Infeasible),
            (partliq_reason::BelowBackstopFraction, Reason::BelowBackstopFraction),
            (partliq_reason::Bankrupt, Reason::Bankrupt),
            (partliq_reason::BlockLimitReached, Reason::BlockLimitReached),
            (partliq_reason::CapacityExhausted, Reason::CapacityExhausted),
            (partliq_reason::OpenOrders, Reason::OpenOrders),
            (partliq_reason::PriceInvalid, Reason::PriceInvalid),
            (partliq_reason::GracePeriod, Reason::GracePeriod),
            (partliq_reason::EmergencyBypass, Reason::EmergencyBypass),
        ] {
            assert_eq!(a as u32, b as u32);
        }
    }

    /// A failing pipeline call leaves every output untouched.
    #[test]
    fn pipeline_outputs_untouched_on_error() {
        // No fee: market 1 as the fixture's, without its 1 % fee.
        let m = partliq_market { liquidation_fee_ppm: 0, liquidator_fee_share_ppm: 0, ..market() };
        let ps = [position()];
        let mut preset = partliq_preset::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_preset_synthetix_v3(1_000_000, 60, &mut preset) }, OK);
        let mut st = partliq_account_liquidation_state::default();
        let mut ms = [partliq_market_capacity_state { window_start: 7, used: 0 }];
        let mut legs = [partliq_plan_leg::default(); 1];
        let mut d = partliq_decision::default();
        assert_eq!(run_pipeline(&[m], &[100], &ps, &preset.policy, &mut st, &mut ms, 10, 1, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32));
        assert_eq!(d.plan.leg_count, 1);
        assert_eq!(legs[0].size_delta, -25);
        assert_eq!(ms[0], partliq_market_capacity_state { window_start: 10, used: 2_500 });
        // Two legs; the block's notional overflows when the second is booked
        // (the first market's window already booked on the core's copy):
        // nothing written, states, legs and decision as they were.
        let ms2 = [m, m];
        let ps2 = [
            partliq_position { market_index: 0, reserved: 0, size: 100, quote_balance: -9_750 },
            partliq_position { market_index: 1, reserved: 0, size: 100, quote_balance: -9_750 },
        ];
        let mut legs2 = [partliq_plan_leg::default(); 2];
        let mut states2 = [partliq_market_capacity_state::default(); 2];
        st = partliq_account_liquidation_state { block: 1, block_notional: i64::MAX - 10_000, ..Default::default() };
        let before = (st, states2, legs2, d);
        let s = run_pipeline(&ms2, &[100, 100], &ps2, &preset.policy, &mut st, &mut states2, 11, 1, &mut legs2, &mut d);
        assert_eq!(s, PARTLIQ_STATUS_OVERFLOW);
        assert_eq!((st, states2, legs2, d), before);
        // The same call one block later succeeds with both legs.
        let s = run_pipeline(&ms2, &[100, 100], &ps2, &preset.policy, &mut st, &mut states2, 11, 2, &mut legs2, &mut d);
        assert_eq!(s, OK);
        assert_eq!(d.plan.leg_count, 2);
        assert_eq!(states2[0].used, 10_000);
    }
}
