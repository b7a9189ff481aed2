//! Policies (the core's `policy`): what a liquidation may do at each step,
//! when it escalates, and the caller-owned rule state the pipeline updates.

use partliq::num::{Ppm, Quote};
use partliq::plan::PlanOrder;
use partliq::policy::{
    AccountLiquidationState, BlockLimits, CloseFactor, EmergencyBypass, EscalationRules, Fraction, FractionCap, LegReservation, LimitMode,
    MarketCapacityState, Policy, PositionLimits, SizingMode, TierStep, WindowCapacity,
};

use crate::boundary::{decode, Flag, OK};
use crate::health::partliq_target;
use crate::plan::partliq_plan_order;
use crate::ramps::partliq_ramps;
use crate::status::*;

/// How large a step is before the step rules bound it (`partliq_policy.sizing`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_sizing_mode {
    /// The least reduction that restores the target.
    Minimal = 0,
    /// As much as the step rules allow (the whole position if none applies).
    MaxAllowed = 1,
}

/// How the position and block notional limits meet the lot step
/// (`partliq_position_limits.mode`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_limit_mode {
    /// Hard caps: the most whole lot steps within every limit; none fits, no
    /// step (a block limit is reached at the limit).
    Cap = 0,
    /// dYdX v4's `GetLiquidatablePositionSizeDelta`: the smaller of the
    /// position's and the block's limits; the whole position when its
    /// notional is within it or it is at most one lot step, else that limit
    /// rounded down to the step but at least one step. A block limit stops
    /// liquidation only once exceeded; block notional is booked rounded down.
    AtLeastOneLot = 1,
}

abi_enum!(partliq_sizing_mode => SizingMode { Minimal => SizingMode::Minimal, MaxAllowed => SizingMode::MaxAllowed });
abi_enum!(partliq_limit_mode => LimitMode { Cap => LimitMode::Cap, AtLeastOneLot => LimitMode::AtLeastOneLot });

/// Hyperliquid's rule: above `notional_threshold`, a step closes at most
/// `max_fraction_ppm` of the position (at least one lot); during `cooldown`
/// after a partial step, the whole position.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_fraction_cap {
    /// Position notional (quote units, ≥ 0) above which the cap applies.
    pub notional_threshold: i64,
    /// Largest fraction per step, ppm (≤ 1,000,000; 0 = rule off).
    pub max_fraction_ppm: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Time (the caller's clock unit) after a partial step during which steps
    /// close the whole position (0 = no cooldown).
    pub cooldown: u64,
}

/// BitMEX / Bybit / OKX: descend `levels` margin tiers per step; at or below
/// tier `full_close_at_or_below_tier` close whole (`UINT32_MAX` = never).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_tier_step {
    /// Tiers to descend per step (0 = rule off).
    pub levels: u32,
    /// Tier index (0-based) at or below which a step closes the whole position; `UINT32_MAX` = never.
    pub full_close_at_or_below_tier: u32,
}

/// Aave v3's close factor on positions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_close_factor {
    /// Largest fraction per step while the factor applies, ppm (≤ 1,000,000; 0 = rule off).
    pub max_fraction_ppm: u32,
    /// Health (equity ÷ maintenance, ppm) above which the factor applies.
    pub health_threshold_ppm: u32,
    /// Positions with less notional (quote units, ≥ 0) close without the factor.
    pub min_position_notional: i64,
    /// A step leaves 0 or at least this much notional (quote units, ≥ 0).
    pub min_remainder: i64,
}

/// dYdX v4's per-position limits.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_position_limits {
    /// Least notional a step closes (or the whole position if smaller); ≥ 0, 0 = off.
    pub min_notional: i64,
    /// Largest fraction of the position's notional per step, ppm (≤ 1,000,000; 0 = off).
    pub max_portion_ppm: u32,
    /// A `partliq_limit_mode`: how these limits and `partliq_block_limits`'
    /// notional meet the lot step (`PARTLIQ_LIMIT_MODE_CAP`, 0, the default;
    /// the dYdX preset's `PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT`). Other
    /// values: `INVALID_ENUM`. (This was a `reserved` field that had to be
    /// 0: callers that set 0 keep their behaviour.)
    pub mode: u32,
}

/// dYdX v4's per-account, per-block limits (`INT64_MAX` = unlimited).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_block_limits {
    /// Most notional liquidated per account and block (≥ 0).
    pub max_notional: i64,
    /// Most insurance fund loss per account and block (≥ 0).
    pub max_insurance_loss: i64,
}

/// Synthetix perps v3: per market, at most `capacity` notional per window.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_window_capacity {
    /// Notional per window (quote units, ≥ 0).
    pub capacity: i64,
    /// Window length in the caller's time unit (0 = rule off; must be > 0 when `capacity` > 0).
    pub window: u64,
}

/// When partial liquidation gives way to a backstop.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_escalation_rules {
    /// Backstop when `equity × backstop_denominator < maintenance ×
    /// backstop_numerator` (exact; Hyperliquid: 2/3). Denominator 0 = unset.
    pub backstop_numerator: u32,
    /// See `backstop_numerator`; when set, the fraction must be below 1.
    pub backstop_denominator: u32,
    /// 1: backstop (rather than the best reachable legs) when no partial
    /// reduction restores the target; 0: not. Other values: `INVALID_ENUM`.
    pub backstop_on_infeasible: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// The emergency bypass (the core's `EmergencyBypass`): the step rules lift
/// for one call, and the least close that restores the target goes out
/// (every position whole when none does and the policy does not backstop),
/// with `PARTLIQ_REASON_EMERGENCY_BYPASS`. All zeros = off.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_emergency_bypass {
    /// Bypass when `equity × below_denominator < maintenance ×
    /// below_numerator` (exact). Denominator 0 = unset.
    pub below_numerator: u32,
    /// See `below_numerator`; when set, the fraction must be below 1
    /// (`BYPASS_FRACTION_NOT_BELOW_ONE`).
    pub below_denominator: u32,
    /// 1: bypass when a rule bounded the step (or the block's limits allow
    /// none) and the equity after the capped step, less each remaining
    /// position's notional times `adverse_move_ppm` (rounded up), is
    /// negative; 0: off. Other values: `INVALID_ENUM`.
    pub project: u32,
    /// The projection's adverse move, ppm (≤ 1,000,000, else
    /// `INVALID_POLICY_FRACTION`).
    pub adverse_move_ppm: u32,
}

/// A full liquidation policy: the core's `Policy`, field for field.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_policy {
    /// Where a liquidation may stop.
    pub target: partliq_target,
    /// Limit price band around the mark, ppm (≤ 1,000,000).
    pub price_band_ppm: u32,
    /// A `partliq_plan_order`.
    pub order: u32,
    /// A `partliq_sizing_mode`.
    pub sizing: u32,
    /// 1: Perpetual Protocol v2's ratio rule; 0: off. Other values: `INVALID_ENUM`.
    pub perp_v2_ratio: u32,
    /// Hyperliquid's fraction per step with cooldown.
    pub fraction_cap: partliq_fraction_cap,
    /// BitMEX / Bybit / OKX tier reduction.
    pub tier_step: partliq_tier_step,
    /// Aave-style close factor.
    pub close_factor: partliq_close_factor,
    /// dYdX per-position limits.
    pub position_limits: partliq_position_limits,
    /// dYdX per-block limits.
    pub block_limits: partliq_block_limits,
    /// Synthetix per-market window capacity.
    pub window_capacity: partliq_window_capacity,
    /// Escalation thresholds.
    pub escalation: partliq_escalation_rules,
    /// Incentive ramps (all zeros: every ramp off).
    pub ramps: partliq_ramps,
    /// The emergency bypass (all zeros = off).
    pub emergency_bypass: partliq_emergency_bypass,
}

/// Per-account state of the step rules: the core's
/// `AccountLiquidationState`, caller-owned, read and updated by
/// `partliq_run_pipeline`. Start from all zeros.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_account_liquidation_state {
    /// Time of the last partial step (meaningful when `has_partial` is 1).
    pub last_partial_time: u64,
    /// 1 after a partial step, else 0.
    pub has_partial: u32,
    /// 1 while a liquidation is under way (until the target is met), else 0.
    pub in_liquidation: u32,
    /// Block the counters below belong to.
    pub block: u64,
    /// Notional liquidated in `block`.
    pub block_notional: i64,
    /// Insurance fund loss caused in `block`.
    pub block_insurance_loss: i64,
    /// Time the liquidation under way started (meaningful when
    /// `liquidation_started` is 1): the ramps run from it.
    pub liquidation_start_time: u64,
    /// 1 while a liquidation is due and has not ended since
    /// `liquidation_start_time`, else 0.
    pub liquidation_started: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// Per-market window usage: the core's `MarketCapacityState`, caller-owned,
/// one per market. Start from all zeros.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_market_capacity_state {
    /// Start time of the current window.
    pub window_start: u64,
    /// Notional liquidated in the current window.
    pub used: i64,
}

/// One planned leg's booked notional until the caller settles it: the
/// core's `LegReservation`, field for field, written by
/// `partliq_run_pipeline_reserving`, settled with
/// `partliq_leg_reservation_commit` and `partliq_leg_reservation_release`.
/// All zeros is a settled record.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_leg_reservation {
    /// Block the block notional was booked to.
    pub block: u64,
    /// Start of the market window the window notional was booked to.
    pub window_start: u64,
    /// The leg's position (index in the pool).
    pub position_index: u32,
    /// The leg's market.
    pub market_index: u32,
    /// Units the leg closes.
    pub units: i64,
    /// Units reported filled so far.
    pub filled_units: i64,
    /// Units given back by the release.
    pub released_units: i64,
    /// Notional booked to the block when planned.
    pub block_reserved: i64,
    /// Notional booked to the market's window when planned.
    pub window_reserved: i64,
    /// Of `block_reserved`, what the fills keep.
    pub block_committed: i64,
    /// Of `window_reserved`, what the fills keep.
    pub window_committed: i64,
    /// Of `block_reserved`, what the release gave back.
    pub block_released: i64,
    /// Of `window_reserved`, what the release gave back.
    pub window_released: i64,
}

pin_layout!(partliq_leg_reservation, size = 96, align = i64, {
    block @ 0, window_start @ 8, position_index @ 16, market_index @ 20, units @ 24, filled_units @ 32, released_units @ 40,
    block_reserved @ 48, window_reserved @ 56, block_committed @ 64, window_committed @ 72, block_released @ 80, window_released @ 88,
});

// All integers; consistency is the core's `LegReservation::validate`.
castable!(partliq_leg_reservation => LegReservation, |_r| Ok(()), {
    block = block, window_start = window_start, position_index = position_index, market_index = market_index, units = units,
    filled_units = filled_units, released_units = released_units, block_reserved = block_reserved, window_reserved = window_reserved,
    block_committed = block_committed, window_committed = window_committed, block_released = block_released,
    window_released = window_released,
});

pin_layout!(partliq_fraction_cap, size = 24, align = i64, { notional_threshold @ 0, max_fraction_ppm @ 8, reserved @ 12, cooldown @ 16 });
pin_layout!(partliq_tier_step, size = 8, align = u32, { levels @ 0, full_close_at_or_below_tier @ 4 });
pin_layout!(partliq_close_factor, size = 24, align = i64, {
    max_fraction_ppm @ 0, health_threshold_ppm @ 4, min_position_notional @ 8, min_remainder @ 16,
});
pin_layout!(partliq_position_limits, size = 16, align = i64, { min_notional @ 0, max_portion_ppm @ 8, mode @ 12 });
pin_layout!(partliq_block_limits, size = 16, align = i64, { max_notional @ 0, max_insurance_loss @ 8 });
pin_layout!(partliq_window_capacity, size = 16, align = i64, { capacity @ 0, window @ 8 });
pin_layout!(partliq_escalation_rules, size = 16, align = u32, {
    backstop_numerator @ 0, backstop_denominator @ 4, backstop_on_infeasible @ 8, reserved @ 12,
});
pin_layout!(partliq_emergency_bypass, size = 16, align = u32, {
    below_numerator @ 0, below_denominator @ 4, project @ 8, adverse_move_ppm @ 12,
});
pin_layout!(partliq_policy, size = 232, align = i64, {
    target @ 0, price_band_ppm @ 8, order @ 12, sizing @ 16, perp_v2_ratio @ 20, fraction_cap @ 24, tier_step @ 48,
    close_factor @ 56, position_limits @ 80, block_limits @ 96, window_capacity @ 112, escalation @ 128, ramps @ 144, emergency_bypass @ 216,
});
pin_layout!(partliq_account_liquidation_state, size = 56, align = i64, {
    last_partial_time @ 0, has_partial @ 8, in_liquidation @ 12, block @ 16, block_notional @ 24, block_insurance_loss @ 32,
    liquidation_start_time @ 40, liquidation_started @ 48, reserved @ 52,
});
pin_layout!(partliq_market_capacity_state, size = 16, align = i64, { window_start @ 0, used @ 8 });

// The caller's market states are read and updated in place as the core's
// (all fields integers, nothing to check).
castable!(partliq_market_capacity_state => MarketCapacityState, |_s| Ok(()), { window_start = window_start, used = used });

// ---------------------------------------------------------------------------
// Conversions.

impl partliq_policy {
    /// The core policy, after the boundary's checks (enumerations, flags,
    /// reserved fields); the core's own checks are `Policy::validate`.
    pub(crate) fn to_core(self) -> Result<Policy, partliq_status> {
        if self.fraction_cap.reserved != 0 || self.escalation.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let mode = decode::<partliq_limit_mode>(self.position_limits.mode)?;
        let sizing = decode::<partliq_sizing_mode>(self.sizing)?;
        let order: PlanOrder = decode::<partliq_plan_order>(self.order)?;
        let target = self.target.to_core()?;
        let perp_v2_ratio = decode::<Flag>(self.perp_v2_ratio)?;
        let backstop_on_infeasible = decode::<Flag>(self.escalation.backstop_on_infeasible)?;
        // The ramps (appended to the struct) are checked last.
        let ramps = self.ramps.to_core()?;
        Ok(Policy {
            target,
            price_band: Ppm(self.price_band_ppm),
            order,
            sizing,
            fraction_cap: FractionCap {
                notional_threshold: Quote(self.fraction_cap.notional_threshold),
                max_fraction: Ppm(self.fraction_cap.max_fraction_ppm),
                cooldown: self.fraction_cap.cooldown,
            },
            tier_step: TierStep { levels: self.tier_step.levels, full_close_at_or_below_tier: self.tier_step.full_close_at_or_below_tier },
            close_factor: CloseFactor {
                max_fraction: Ppm(self.close_factor.max_fraction_ppm),
                health_threshold_ppm: self.close_factor.health_threshold_ppm,
                min_position_notional: Quote(self.close_factor.min_position_notional),
                min_remainder: Quote(self.close_factor.min_remainder),
            },
            position_limits: PositionLimits {
                min_notional: Quote(self.position_limits.min_notional),
                max_portion: Ppm(self.position_limits.max_portion_ppm),
                mode,
            },
            block_limits: BlockLimits {
                max_notional: Quote(self.block_limits.max_notional),
                max_insurance_loss: Quote(self.block_limits.max_insurance_loss),
            },
            window_capacity: WindowCapacity { capacity: Quote(self.window_capacity.capacity), window: self.window_capacity.window },
            perp_v2_ratio,
            escalation: EscalationRules {
                backstop_fraction: Fraction::new(self.escalation.backstop_numerator, self.escalation.backstop_denominator),
                backstop_on_infeasible,
            },
            ramps,
            emergency_bypass: EmergencyBypass {
                below_fraction: Fraction::new(self.emergency_bypass.below_numerator, self.emergency_bypass.below_denominator),
                project: decode::<Flag>(self.emergency_bypass.project)?,
                adverse_move: Ppm(self.emergency_bypass.adverse_move_ppm),
            },
        })
    }
}

impl From<&Policy> for partliq_policy {
    fn from(p: &Policy) -> Self {
        partliq_policy {
            target: partliq_target::of(p.target),
            price_band_ppm: p.price_band.0,
            order: p.order as u32,
            sizing: p.sizing as u32,
            perp_v2_ratio: u32::from(p.perp_v2_ratio),
            fraction_cap: partliq_fraction_cap {
                notional_threshold: p.fraction_cap.notional_threshold.0,
                max_fraction_ppm: p.fraction_cap.max_fraction.0,
                reserved: 0,
                cooldown: p.fraction_cap.cooldown,
            },
            tier_step: partliq_tier_step {
                levels: p.tier_step.levels,
                full_close_at_or_below_tier: p.tier_step.full_close_at_or_below_tier,
            },
            close_factor: partliq_close_factor {
                max_fraction_ppm: p.close_factor.max_fraction.0,
                health_threshold_ppm: p.close_factor.health_threshold_ppm,
                min_position_notional: p.close_factor.min_position_notional.0,
                min_remainder: p.close_factor.min_remainder.0,
            },
            position_limits: partliq_position_limits {
                min_notional: p.position_limits.min_notional.0,
                max_portion_ppm: p.position_limits.max_portion.0,
                mode: p.position_limits.mode as u32,
            },
            block_limits: partliq_block_limits {
                max_notional: p.block_limits.max_notional.0,
                max_insurance_loss: p.block_limits.max_insurance_loss.0,
            },
            window_capacity: partliq_window_capacity { capacity: p.window_capacity.capacity.0, window: p.window_capacity.window },
            escalation: partliq_escalation_rules {
                backstop_numerator: p.escalation.backstop_fraction.numerator,
                backstop_denominator: p.escalation.backstop_fraction.denominator,
                backstop_on_infeasible: u32::from(p.escalation.backstop_on_infeasible),
                reserved: 0,
            },
            ramps: partliq_ramps::from(&p.ramps),
            emergency_bypass: partliq_emergency_bypass {
                below_numerator: p.emergency_bypass.below_fraction.numerator,
                below_denominator: p.emergency_bypass.below_fraction.denominator,
                project: u32::from(p.emergency_bypass.project),
                adverse_move_ppm: p.emergency_bypass.adverse_move.0,
            },
        }
    }
}

impl partliq_account_liquidation_state {
    /// The core's state, field for field; `INVALID_ENUM` when `has_partial`,
    /// `in_liquidation` or `liquidation_started` is not 0 or 1,
    /// `RESERVED_NOT_ZERO` when `reserved` is not 0.
    pub(crate) fn to_core(self) -> Result<AccountLiquidationState, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        Ok(AccountLiquidationState {
            last_partial_time: self.last_partial_time,
            has_partial: decode::<Flag>(self.has_partial)?,
            in_liquidation: decode::<Flag>(self.in_liquidation)?,
            block: self.block,
            block_notional: Quote(self.block_notional),
            block_insurance_loss: Quote(self.block_insurance_loss),
            liquidation_start_time: self.liquidation_start_time,
            liquidation_started: decode::<Flag>(self.liquidation_started)?,
        })
    }

    /// The core's state with only the block figures (block, its notional and
    /// insurance loss) taken from this one: for booking an insurance loss,
    /// which touches nothing else (the flags are not checked).
    pub(crate) fn block_figures(&self) -> AccountLiquidationState {
        AccountLiquidationState {
            block: self.block,
            block_notional: Quote(self.block_notional),
            block_insurance_loss: Quote(self.block_insurance_loss),
            ..AccountLiquidationState::default()
        }
    }

    /// Writes the core's block figures (block, its notional and insurance
    /// loss) and, with `flags`, the partial time, the start time and the
    /// flags as 0 / 1 (without, the caller's words stay as they are).
    pub(crate) fn set_from_core(&mut self, s: &AccountLiquidationState, flags: bool) {
        if flags {
            self.last_partial_time = s.last_partial_time;
            self.has_partial = u32::from(s.has_partial);
            self.in_liquidation = u32::from(s.in_liquidation);
            self.liquidation_start_time = s.liquidation_start_time;
            self.liquidation_started = u32::from(s.liquidation_started);
        }
        self.block = s.block;
        self.block_notional = s.block_notional.0;
        self.block_insurance_loss = s.block_insurance_loss.0;
    }
}

impl From<&AccountLiquidationState> for partliq_account_liquidation_state {
    fn from(s: &AccountLiquidationState) -> Self {
        let mut out = partliq_account_liquidation_state::default();
        out.set_from_core(s, true);
        out
    }
}

// ---------------------------------------------------------------------------
// Validation.

/// Checks every field of a policy: the boundary's checks
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM` for the target kind, order, sizing
/// mode, the band mode and the 0/1 flags) and the core's (`INVALID_BUFFER`,
/// `INVALID_PRICE_BAND`, `INVALID_POLICY_FRACTION` for a fraction above
/// 1,000,000 ppm, `BACKSTOP_FRACTION_NOT_BELOW_ONE`, `NEGATIVE_LIMIT`,
/// `ZERO_WINDOW`, `INVALID_RAMP` as `partliq_ramps_validate`, then
/// `BYPASS_FRACTION_NOT_BELOW_ONE`).
///
/// # Safety
/// `policy` is NULL or points to an initialised `partliq_policy`.
#[no_mangle]
pub unsafe extern "C" fn partliq_policy_validate(policy: *const partliq_policy) -> partliq_status {
    let policy = struct_in!(policy);
    let p = check!(policy.to_core());
    core_try!(p.validate());
    OK
}

/// Writes the core's default policy (`Policy::default()`), the base every
/// preset starts from: the least reduction to maintenance (no buffer), a
/// 1 % price band, largest maintenance first, no step rules, unlimited
/// block limits (`INT64_MAX`), backstop when no partial reduction restores
/// the target.
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_policy_default(out: *mut partliq_policy) -> partliq_status {
    out!(out);
    write_out!(out, partliq_policy::from(&Policy::default()));
    OK
}

// ---------------------------------------------------------------------------
// The account's rule state.

/// Books an insurance fund loss (a settlement's `bad_debt`) in `block`, in
/// the account's rule state (the per-block insurance-loss limit). Statuses:
/// `OVERFLOW`; the state is untouched unless `OK`.
///
/// # Safety
/// `state` is NULL or points to an initialised `partliq_account_liquidation_state`.
#[no_mangle]
pub unsafe extern "C" fn partliq_account_state_record_insurance_loss(
    state: *mut partliq_account_liquidation_state,
    block: u64,
    loss: i64,
) -> partliq_status {
    let state = struct_inout!(state);
    let mut s = state.block_figures();
    core_try!(s.record_insurance_loss(block, Quote(loss)));
    state.set_from_core(&s, false);
    OK
}

/// Reports `units` more of a reserved leg filled (the core's
/// `LegReservation::commit`): the filled units' share of the reserved
/// notional stays booked. Statuses: `UNKNOWN_RESERVATION` (a settled or
/// inconsistent record), `COMMIT_EXCEEDS_RESERVATION` (negative, or more
/// than the open units); the record is untouched unless `OK`.
///
/// # Safety
/// `reservation` is NULL or points to an initialised `partliq_leg_reservation`.
#[no_mangle]
pub unsafe extern "C" fn partliq_leg_reservation_commit(reservation: *mut partliq_leg_reservation, units: i64) -> partliq_status {
    let reservation = struct_inout!(reservation);
    let r = check!(crate::boundary::Castable::cast_mut(reservation));
    core_try!(r.commit(units));
    OK
}

/// Gives back what no fill committed (the core's
/// `LegReservation::release`): from the account's block notional while its
/// block is the reservation's, and from the market's window usage while
/// that window is the reservation's; the record is then settled.
/// `market_states` may be NULL with length 0. Statuses:
/// `UNKNOWN_RESERVATION`, `INVALID_ENUM` (the account state's flags);
/// nothing is written unless `OK`.
///
/// # Safety
/// `reservation` and `account_state` are NULL or point to initialised
/// structs; `market_states` is NULL (only with length 0) or points to that
/// many initialised states; no two overlap.
#[no_mangle]
pub unsafe extern "C" fn partliq_leg_reservation_release(
    reservation: *mut partliq_leg_reservation,
    account_state: *mut partliq_account_liquidation_state,
    market_states: *mut partliq_market_capacity_state,
    market_states_len: usize,
) -> partliq_status {
    let reservation = struct_inout!(reservation);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let mut r = *check!(crate::boundary::Castable::cast_ref(&*reservation));
    let mut st = check!(account_state.to_core());
    let states: &mut [MarketCapacityState] = check!(crate::boundary::Castable::cast_slice_mut(market_states));
    // The release validates the record before it writes anything.
    core_try!(r.release(&mut st, states));
    *check!(crate::boundary::Castable::cast_mut(reservation)) = r;
    account_state.set_from_core(&st, false);
    OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(partliq_sizing_mode::MaxAllowed as u32, SizingMode::MaxAllowed as u32);
        assert_eq!(partliq_limit_mode::AtLeastOneLot as u32, LimitMode::AtLeastOneLot as u32);
        assert_eq!(partliq_limit_mode::Cap as u32, LimitMode::Cap as u32);
    }

    /// The default policy, field for field the core's, and back.
    #[test]
    fn default_policy() {
        let mut p = partliq_policy { price_band_ppm: 7, ..Default::default() };
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_policy_default(&mut p) }, OK);
        assert_eq!(p.to_core(), Ok(Policy::default()));
        assert_eq!((p.price_band_ppm, p.tier_step.full_close_at_or_below_tier, p.block_limits.max_notional), (10_000, u32::MAX, i64::MAX));
        assert_eq!((p.escalation.backstop_on_infeasible, p.target.kind, p.target.buffer_ppm), (1, 0, 0));
        // SAFETY: NULL is refused before any write.
        assert_eq!(unsafe { partliq_policy_default(core::ptr::null_mut()) }, PARTLIQ_STATUS_NULL_POINTER);
    }

    /// The rule state's flags are 0 or 1; anything else is refused.
    #[test]
    fn account_state_flags() {
        let s = partliq_account_liquidation_state { has_partial: 1, block: 9, block_notional: 5, ..Default::default() };
        let core = s.to_core();
        assert!(matches!(core, Ok(c) if c.has_partial && !c.in_liquidation));
        assert_eq!(core.map(|c| partliq_account_liquidation_state::from(&c)), Ok(s));
        for bad in
            [partliq_account_liquidation_state { has_partial: 2, ..s }, partliq_account_liquidation_state { in_liquidation: u32::MAX, ..s }]
        {
            assert_eq!(bad.to_core(), Err(PARTLIQ_STATUS_INVALID_ENUM));
            // Booking an insurance loss reads only the block figures and
            // writes back only those: the caller's flag words stay.
            let mut kept = bad;
            kept.set_from_core(&bad.block_figures(), false);
            assert_eq!(kept, bad);
        }
    }
}
