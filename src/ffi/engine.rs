//! Policies, venue presets and the whole pipeline (`partliq_run_pipeline`).

use crate::account::MAX_POSITIONS;
use crate::error::Error;
use crate::health::Target;
use crate::num::{Ppm, Quote, Rounding};
use crate::pipeline::{run_pipeline, Decision};
use crate::plan::{Plan, PlanLeg, PlanOrder};
use crate::policy::{
    AccountLiquidationState, BlockLimits, CloseFactor, EscalationRules, Fraction, FractionCap, LimitMode, MarketCapacityState, Policy,
    PositionLimits, SizingMode, TierStep, WindowCapacity,
};
use crate::presets::{self, dydx_v4, Preset, VenueFees};

use super::api::{max_len, out_ok, ref_in, slice_in, PoolRef, OK};
use super::escalation::partliq_backstop;
use super::status::*;
use super::types::*;

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
}

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
}

/// The market-side parameters a venue fixes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_venue_fees {
    /// Liquidation fee on the liquidated notional, ppm (≤ 1,000,000).
    pub liquidation_fee_ppm: u32,
    /// The liquidator's share of it, ppm (≤ 1,000,000).
    pub liquidator_fee_share_ppm: u32,
    /// Remainders below this notional close whole (≥ 0; 0 = none).
    pub dust_floor: i64,
    /// A `partliq_fee_rounding`: how the venue rounds the fee
    /// (`partliq_preset_apply` writes it into the market). Other values:
    /// `INVALID_ENUM`.
    pub liquidation_fee_rounding: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// A venue's policy and market parameters.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_preset {
    /// The liquidation policy.
    pub policy: partliq_policy,
    /// Fee, its rounding, fee split and dust floor for the venue's markets
    /// (`partliq_preset_apply`).
    pub fees: partliq_venue_fees,
}

/// dYdX v4's `LiquidationsConfig`, flattened (quote amounts in quote quantums).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_liquidation_config {
    /// Largest liquidation fee, ppm of the fill's quote amount (1 ..= 1,000,000).
    pub max_liquidation_fee_ppm: u32,
    /// Fillable price: `BA`, ppm (≥ 1,000,000).
    pub bankruptcy_adjustment_ppm: u32,
    /// Fillable price: `SMMR`, ppm (> 0).
    pub spread_to_maintenance_margin_ratio_ppm: u32,
    /// Largest portion of a position's notional liquidated per block, ppm (1 ..= 1,000,000).
    pub max_position_portion_liquidated_ppm: u32,
    /// Least notional a liquidation takes (capped at the position's notional).
    pub min_position_notional_liquidated: u64,
    /// Most notional liquidated per subaccount per block (> 0).
    pub max_notional_liquidated: u64,
    /// Most insurance fund loss per subaccount per block (> 0).
    pub max_quantums_insurance_lost: u64,
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
pin_layout!(partliq_policy, size = 144, align = i64, {
    target @ 0, price_band_ppm @ 8, order @ 12, sizing @ 16, perp_v2_ratio @ 20, fraction_cap @ 24, tier_step @ 48,
    close_factor @ 56, position_limits @ 80, block_limits @ 96, window_capacity @ 112, escalation @ 128,
});
pin_layout!(partliq_venue_fees, size = 24, align = i64, {
    liquidation_fee_ppm @ 0, liquidator_fee_share_ppm @ 4, dust_floor @ 8, liquidation_fee_rounding @ 16, reserved @ 20,
});
pin_layout!(partliq_preset, size = 168, align = i64, { policy @ 0, fees @ 144 });
pin_layout!(partliq_dydx_liquidation_config, size = 40, align = i64, {
    max_liquidation_fee_ppm @ 0, bankruptcy_adjustment_ppm @ 4, spread_to_maintenance_margin_ratio_ppm @ 8,
    max_position_portion_liquidated_ppm @ 12, min_position_notional_liquidated @ 16, max_notional_liquidated @ 24,
    max_quantums_insurance_lost @ 32,
});
pin_layout!(partliq_account_liquidation_state, size = 40, align = i64, {
    last_partial_time @ 0, has_partial @ 8, in_liquidation @ 12, block @ 16, block_notional @ 24, block_insurance_loss @ 32,
});
pin_layout!(partliq_market_capacity_state, size = 16, align = i64, { window_start @ 0, used @ 8 });
pin_layout!(partliq_decision, size = 216, align = i64, {
    action @ 0, reason @ 4, plan @ 8, has_backstop @ 136, reserved @ 137, backstop @ 144,
});

// The caller's market states are read and updated in place as the core's.
same_layout!(partliq_market_capacity_state, MarketCapacityState, { window_start = window_start, used = used });
// The account state is converted field by field (the core's flags are `bool`).

// ---------------------------------------------------------------------------
// Conversions.

fn flag(v: u32) -> Result<bool, partliq_status> {
    match v {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    }
}

fn target_of(t: Target) -> partliq_target {
    match t {
        Target::Maintenance { buffer } => partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: buffer.0 },
        Target::Initial => partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 0 },
    }
}

impl partliq_policy {
    /// The core policy, after the boundary's checks (enumerations, flags,
    /// reserved fields); the core's own checks are `Policy::validate`.
    pub(crate) fn to_core(self) -> Result<Policy, partliq_status> {
        if self.fraction_cap.reserved != 0 || self.escalation.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let mode = match self.position_limits.mode {
            m if m == partliq_limit_mode::Cap as u32 => LimitMode::Cap,
            m if m == partliq_limit_mode::AtLeastOneLot as u32 => LimitMode::AtLeastOneLot,
            _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
        };
        let sizing = match self.sizing {
            s if s == partliq_sizing_mode::Minimal as u32 => SizingMode::Minimal,
            s if s == partliq_sizing_mode::MaxAllowed as u32 => SizingMode::MaxAllowed,
            _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
        };
        let order: PlanOrder = plan_order(self.order)?;
        let target = self.target.to_core()?;
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
            perp_v2_ratio: flag(self.perp_v2_ratio)?,
            escalation: EscalationRules {
                backstop_fraction: Fraction::new(self.escalation.backstop_numerator, self.escalation.backstop_denominator),
                backstop_on_infeasible: flag(self.escalation.backstop_on_infeasible)?,
            },
        })
    }
}

impl From<&Policy> for partliq_policy {
    fn from(p: &Policy) -> Self {
        partliq_policy {
            target: target_of(p.target),
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
        }
    }
}

impl partliq_venue_fees {
    fn to_core(self) -> Result<VenueFees, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let liquidation_fee_rounding = match self.liquidation_fee_rounding {
            r if r == partliq_fee_rounding::Up as u32 => Rounding::Ceil,
            r if r == partliq_fee_rounding::Down as u32 => Rounding::Floor,
            _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
        };
        let fees = VenueFees {
            liquidation_fee: Ppm(self.liquidation_fee_ppm),
            liquidation_fee_rounding,
            liquidator_fee_share: Ppm(self.liquidator_fee_share_ppm),
            dust_floor: Quote(self.dust_floor),
        };
        check_fees(&fees)?;
        Ok(fees)
    }
}

impl From<&VenueFees> for partliq_venue_fees {
    fn from(f: &VenueFees) -> Self {
        partliq_venue_fees {
            liquidation_fee_ppm: f.liquidation_fee.0,
            liquidator_fee_share_ppm: f.liquidator_fee_share.0,
            dust_floor: f.dust_floor.0,
            liquidation_fee_rounding: match f.liquidation_fee_rounding {
                Rounding::Ceil => partliq_fee_rounding::Up as u32,
                // A fee is never negative: truncation is rounding down.
                Rounding::Floor | Rounding::TowardZero => partliq_fee_rounding::Down as u32,
            },
            reserved: 0,
        }
    }
}

/// A venue's fees must be what `partliq_market_validate` accepts.
fn check_fees(f: &VenueFees) -> Result<(), partliq_status> {
    if f.liquidation_fee.0 > Ppm::ONE.0 || f.liquidator_fee_share.0 > Ppm::ONE.0 {
        return Err(PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    }
    if f.dust_floor.0 < 0 {
        return Err(PARTLIQ_STATUS_INVALID_DUST_FLOOR);
    }
    if f.liquidation_fee_rounding == Rounding::TowardZero {
        return Err(PARTLIQ_STATUS_INVALID_FEE_ROUNDING);
    }
    Ok(())
}

impl partliq_dydx_liquidation_config {
    fn to_core(self) -> dydx_v4::LiquidationConfig {
        dydx_v4::LiquidationConfig {
            max_liquidation_fee_ppm: self.max_liquidation_fee_ppm,
            fillable_price_config: dydx_v4::FillablePriceConfig {
                bankruptcy_adjustment_ppm: self.bankruptcy_adjustment_ppm,
                spread_to_maintenance_margin_ratio_ppm: self.spread_to_maintenance_margin_ratio_ppm,
            },
            position_block_limits: dydx_v4::PositionBlockLimits {
                min_position_notional_liquidated: self.min_position_notional_liquidated,
                max_position_portion_liquidated_ppm: self.max_position_portion_liquidated_ppm,
            },
            subaccount_block_limits: dydx_v4::SubaccountBlockLimits {
                max_notional_liquidated: self.max_notional_liquidated,
                max_quantums_insurance_lost: self.max_quantums_insurance_lost,
            },
        }
    }

    fn from_core(c: &dydx_v4::LiquidationConfig) -> Self {
        partliq_dydx_liquidation_config {
            max_liquidation_fee_ppm: c.max_liquidation_fee_ppm,
            bankruptcy_adjustment_ppm: c.fillable_price_config.bankruptcy_adjustment_ppm,
            spread_to_maintenance_margin_ratio_ppm: c.fillable_price_config.spread_to_maintenance_margin_ratio_ppm,
            max_position_portion_liquidated_ppm: c.position_block_limits.max_position_portion_liquidated_ppm,
            min_position_notional_liquidated: c.position_block_limits.min_position_notional_liquidated,
            max_notional_liquidated: c.subaccount_block_limits.max_notional_liquidated,
            max_quantums_insurance_lost: c.subaccount_block_limits.max_quantums_insurance_lost,
        }
    }
}

/// The ABI's plan from the core's (legs not included).
pub(super) fn plan_of(plan: &Plan) -> Result<partliq_plan, partliq_status> {
    Ok(partliq_plan {
        status: plan.status as u32,
        leg_count: u32::try_from(plan.leg_count).map_err(|_| PARTLIQ_STATUS_OVERFLOW)?,
        health_before: partliq_health::from(&plan.health_before),
        health_after: partliq_health::from(&plan.health_after),
        required_equity_after: plan.required_equity_after.0,
        shortfall: plan.shortfall.0,
        dust_closed: u8::from(plan.dust_closed),
        reserved: [0; 7],
    })
}

fn leg_of(leg: &PlanLeg) -> partliq_plan_leg {
    partliq_plan_leg {
        position_index: leg.position_index,
        reserved: 0,
        size_delta: leg.size_delta.0,
        limit_price: leg.limit_price.0,
        expected_cash: leg.expected_cash.0,
        expected_fee: leg.expected_fee.0,
    }
}

fn decision_of(d: &Decision) -> Result<partliq_decision, partliq_status> {
    let (has_backstop, backstop) = match &d.backstop {
        Some(t) => (1, partliq_backstop::from(t)),
        None => (0, partliq_backstop::default()),
    };
    Ok(partliq_decision {
        action: d.action as u32,
        reason: d.reason as u32,
        plan: plan_of(&d.plan)?,
        has_backstop,
        reserved: [0; 7],
        backstop,
    })
}

// ---------------------------------------------------------------------------
// Policies and presets.

/// Checks every field of a policy: the boundary's checks
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM` for the target kind, order, sizing
/// mode and the 0/1 flags) and the core's (`INVALID_BUFFER`,
/// `INVALID_PRICE_BAND`, `INVALID_POLICY_FRACTION` for a fraction above
/// 1,000,000 ppm, `BACKSTOP_FRACTION_NOT_BELOW_ONE`, `NEGATIVE_LIMIT`,
/// `ZERO_WINDOW`).
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

/// Writes a core preset after checking it: its policy validates and its
/// fees are what `partliq_market_validate` accepts.
fn preset_out(preset: Result<Preset, Error>, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    let preset = core_try!(preset);
    core_try!(preset.policy.validate());
    check!(check_fees(&preset.fees));
    write_out!(out, partliq_preset { policy: partliq_policy::from(&preset.policy), fees: partliq_venue_fees::from(&preset.fees) });
    OK
}

/// partliq's own policy: the least reduction restoring maintenance + 5 %,
/// best release per unit of cost first, 1 % band, backstop when infeasible;
/// fee 0.5 % split 50/50. Statuses: `NULL_POINTER`, `MISALIGNED_POINTER`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_partliq_default(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::partliq_default()), out)
}

/// Hyperliquid: above 100,000 USD of notional (`quote_per_usd` quote units
/// per dollar, > 0), 20 % per step and a 30 s cooldown (`ticks_per_second`
/// units of the caller's clock per second) during which steps close the
/// whole position; backstop when equity < 2/3 of maintenance (exactly).
/// Statuses: `OUT_OF_RANGE` (`quote_per_usd` ≤ 0), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_hyperliquid(quote_per_usd: i64, ticks_per_second: u64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::hyperliquid(quote_per_usd, ticks_per_second), out)
}

/// Binance USDⓈ-M: the least reduction, the clearance fee to the insurance
/// fund. Statuses: `INVALID_PRICE_BAND`, `FRACTION_ABOVE_100_PERCENT` (fee).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_binance_usdm(
    clearance_fee_ppm: u32,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    out!(out);
    preset_out(Ok(presets::binance_usdm(Ppm(clearance_fee_ppm), Ppm(price_band_ppm))), out)
}

/// BitMEX: reduce the position one risk-limit tier per step; in the lowest
/// tier, close whole.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_bitmex(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::bitmex()), out)
}

/// Bybit: as BitMEX.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_bybit(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::bybit()), out)
}

/// OKX: two tiers per step from tier 3 up; tier 2 or below close whole.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_okx(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::okx()), out)
}

/// Deribit: incremental, at most `fraction_per_round_ppm` of the position
/// per step; 0.75 % fee to the insurance fund. Statuses:
/// `INVALID_POLICY_FRACTION`, `INVALID_PRICE_BAND`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_deribit(
    fraction_per_round_ppm: u32,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    out!(out);
    preset_out(Ok(presets::deribit(Ppm(fraction_per_round_ppm), Ppm(price_band_ppm))), out)
}

/// Perpetual Protocol v2: the ratio rule, $100 positions close whole, 2.5 %
/// penalty split 50/50. Statuses: `OUT_OF_RANGE` (`quote_per_usd` ≤ 0),
/// `OVERFLOW`, `INVALID_PRICE_BAND`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_perp_v2(quote_per_usd: i64, price_band_ppm: u32, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::perp_v2(quote_per_usd, Ppm(price_band_ppm)), out)
}

/// dYdX v4 from its liquidation config (checked first as dYdX's
/// `LiquidationsConfig.Validate` does: `INVALID_LIQUIDATION_CONFIG`,
/// `FRACTION_ABOVE_100_PERCENT`). Other statuses: `OVERFLOW` (a limit above
/// `INT64_MAX`), `INVALID_PRICE_BAND`.
///
/// # Safety
/// `config` is NULL or points to an initialised `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_dydx_v4(
    config: *const partliq_dydx_liquidation_config,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    let config = struct_in!(config).to_core();
    out!(out);
    core_try!(config.validate());
    preset_out(presets::dydx_v4_policy(&config, Ppm(price_band_ppm)), out)
}

/// dYdX mainnet's genesis liquidations config.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_mainnet_genesis(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::mainnet_genesis()));
    OK
}

/// dYdX's code default liquidations config (`LiquidationsConfig_Default`).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_code_default(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::code_default()));
    OK
}

/// dYdX's `LiquidationsConfig.Validate`: `INVALID_LIQUIDATION_CONFIG`,
/// `FRACTION_ABOVE_100_PERCENT`.
///
/// # Safety
/// `config` is NULL or points to an initialised `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_validate(config: *const partliq_dydx_liquidation_config) -> partliq_status {
    let config = struct_in!(config).to_core();
    core_try!(config.validate());
    OK
}

/// Aave v3's close factor on a margin pool: 50 % per step while health >
/// 0.95 and the position ≥ $2,000; never leave less than $1,000. Statuses:
/// `OUT_OF_RANGE` (`quote_per_usd` ≤ 0), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_aave_v3_close_factor(quote_per_usd: i64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::aave_v3_close_factor(quote_per_usd), out)
}

/// Synthetix perps v3: at most `capacity` of notional per market per window
/// of `window` time units. Statuses: `ZERO_WINDOW`, `NEGATIVE_LIMIT`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_synthetix_v3(capacity: i64, window: u64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::synthetix_v3(Quote(capacity), window), out)
}

/// Writes the preset's fee, its rounding, fee split and dust floor into
/// `*market` (only on success; the market's other fields are neither read
/// nor checked). Statuses: `FRACTION_ABOVE_100_PERCENT`,
/// `INVALID_DUST_FLOOR`, `INVALID_ENUM` (fee rounding), `RESERVED_NOT_ZERO`
/// (the fees), and the policy's boundary checks (`INVALID_ENUM`,
/// `RESERVED_NOT_ZERO`).
///
/// # Safety
/// `preset` is NULL or points to an initialised `partliq_preset`; `market`
/// is NULL or points to an initialised `partliq_market`, not overlapping it.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_apply(preset: *const partliq_preset, market: *mut partliq_market) -> partliq_status {
    let preset = struct_in!(preset);
    out!(market);
    check!(preset.policy.to_core());
    let fees = check!(preset.fees.to_core());
    // SAFETY: `market` was checked non-NULL and aligned; the contract makes
    // it point to an initialised market that nothing else accesses now.
    let m = unsafe { &mut *market };
    m.liquidation_fee_ppm = fees.liquidation_fee.0;
    m.liquidation_fee_rounding = partliq_venue_fees::from(&fees).liquidation_fee_rounding;
    m.liquidator_fee_share_ppm = fees.liquidator_fee_share.0;
    m.dust_floor = fees.dust_floor.0;
    OK
}

// ---------------------------------------------------------------------------
// The pipeline.

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
    out!(state);
    // SAFETY: checked non-NULL and aligned; initialised by the contract.
    let raw = unsafe { *state };
    let mut s = account_state_in(&raw);
    core_try!(s.record_insurance_loss(block, Quote(loss)));
    // The flags are not this call's to change: written back as they were.
    write_out!(
        state,
        partliq_account_liquidation_state { has_partial: raw.has_partial, in_liquidation: raw.in_liquidation, ..account_state_out(&s) }
    );
    OK
}

fn account_state_in(s: &partliq_account_liquidation_state) -> AccountLiquidationState {
    AccountLiquidationState {
        last_partial_time: s.last_partial_time,
        has_partial: s.has_partial != 0,
        in_liquidation: s.in_liquidation != 0,
        block: s.block,
        block_notional: Quote(s.block_notional),
        block_insurance_loss: Quote(s.block_insurance_loss),
    }
}

fn account_state_out(s: &AccountLiquidationState) -> partliq_account_liquidation_state {
    partliq_account_liquidation_state {
        last_partial_time: s.last_partial_time,
        has_partial: u32::from(s.has_partial),
        in_liquidation: u32::from(s.in_liquidation),
        block: s.block,
        block_notional: s.block_notional.0,
        block_insurance_loss: s.block_insurance_loss.0,
    }
}

/// The whole pipeline for one margin pool: trigger, choose, size, cap by
/// the policy's step rules, price — or escalate. Writes `*out`, the plan's
/// legs to the front of `legs`, and the updated `*account_state` and
/// `market_states` — all only on `OK`; on any other status nothing is
/// written (the market states are restored to the bytes they had).
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
/// (only with `legs_len` 0) or valid for writing `legs_len` legs. No output
/// overlaps another output or an input.
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
    let markets = array_in!(markets, markets_len);
    let prices = array_in!(prices, prices_len);
    let positions = array_in!(positions, positions_len);
    let policy = struct_in!(policy);
    out!(account_state);
    if market_states_len > 0 {
        out!(market_states);
    }
    if market_states_len > max_len::<partliq_market_capacity_state>() {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    if legs_len > 0 {
        out!(legs);
    }
    if legs_len > max_len::<partliq_plan_leg>() {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    out!(out);
    let policy = check!(policy.to_core());
    // SAFETY: checked non-NULL and aligned; initialised by the contract.
    let raw = unsafe { &*account_state };
    check!(flag(raw.has_partial));
    check!(flag(raw.in_liquidation));
    let state = account_state_in(raw);
    if positions_len > MAX_POSITIONS {
        return PARTLIQ_STATUS_TOO_MANY_POSITIONS;
    }
    let view = check!(PoolRef::new(markets, prices, collateral, positions));
    let states: &mut [MarketCapacityState] = if market_states_len == 0 {
        &mut []
    } else {
        // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX (checked above);
        // the contract makes it `market_states_len` initialised states that
        // nothing else accesses during the call; the ABI struct has the
        // core's layout (asserted above) and every bit pattern is valid.
        unsafe { core::slice::from_raw_parts_mut(market_states.cast::<MarketCapacityState>(), market_states_len) }
    };
    let io = PipelineOut { account_state, legs, legs_len, out };
    pipeline_staged(&view, &policy, state, states, now, block, &io)
}

/// Where the pipeline's results go (pointers checked by the caller).
struct PipelineOut {
    account_state: *mut partliq_account_liquidation_state,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    out: *mut partliq_decision,
}

/// The pipeline with its working arrays (staged legs, saved market states:
/// ~4 KiB), kept out of the exported function's frame (see
/// `scripts/ffi/check-stack-probes.sh`).
#[inline(never)]
fn pipeline_staged(
    view: &PoolRef<'_>,
    policy: &Policy,
    mut state: AccountLiquidationState,
    states: &mut [MarketCapacityState],
    now: u64,
    block: u64,
    io: &PipelineOut,
) -> partliq_status {
    // The core may update some market states before failing: save the ones
    // the pool's positions name (≤ MAX_POSITIONS) to restore them then.
    let mut saved_at = [usize::MAX; MAX_POSITIONS];
    let mut saved = [MarketCapacityState::default(); MAX_POSITIONS];
    let mut n_saved = 0usize;
    for p in view.positions {
        let i = usize::try_from(p.market_index).unwrap_or(usize::MAX);
        let seen = saved_at.get(..n_saved).unwrap_or(&[]).contains(&i);
        if let (false, Some(s), Some(at), Some(slot)) = (seen, states.get(i), saved_at.get_mut(n_saved), saved.get_mut(n_saved)) {
            *at = i;
            *slot = *s;
            n_saved = n_saved.saturating_add(1);
        }
    }
    let mut staged = [PlanLeg::default(); MAX_POSITIONS];
    let room = staged.get_mut(..io.legs_len.min(MAX_POSITIONS)).unwrap_or(&mut []);
    let result = run_pipeline(&view.pool(), view.markets, view.prices, policy, &mut state, states, now, block, room)
        .map_err(super::status::status_of)
        .and_then(|d| decision_of(&d).map(|abi| (d, abi)));
    let (decision, value) = match result {
        Ok(v) => v,
        Err(s) => {
            for (i, v) in saved_at.iter().zip(saved.iter()).take(n_saved) {
                if let Some(slot) = states.get_mut(*i) {
                    *slot = *v;
                }
            }
            return s;
        }
    };
    // All checks done: from here on, only writes.
    for (k, leg) in staged.iter().take(decision.plan.leg_count).enumerate() {
        // SAFETY: `legs` was checked non-NULL and aligned when `legs_len > 0`,
        // and `k < leg_count ≤ legs_len` (the core checked its buffer, a
        // prefix of the caller's length).
        unsafe { io.legs.add(k).write(leg_of(leg)) };
    }
    write_out!(io.account_state, account_state_out(&state));
    write_out!(io.out, value);
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::pipeline::{Action, Reason};

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(partliq_sizing_mode::MaxAllowed as u32, SizingMode::MaxAllowed as u32);
        for (a, b) in [
            (partliq_action::None, Action::None),
            (partliq_action::Liquidate, Action::Liquidate),
            (partliq_action::Backstop, Action::Backstop),
            (partliq_action::Takeover, Action::Takeover),
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
        ] {
            assert_eq!(a as u32, b as u32);
        }
    }

    /// Every preset survives the round trip core → ABI → core unchanged.
    #[test]
    fn presets_round_trip() {
        let all = [
            presets::partliq_default(),
            presets::hyperliquid(1_000_000, 1_000).unwrap(),
            presets::binance_usdm(Ppm(5_000), Ppm(10_000)),
            presets::bitmex(),
            presets::okx(),
            presets::deribit(Ppm(250_000), Ppm(10_000)),
            presets::perp_v2(1_000_000, Ppm(10_000)).unwrap(),
            presets::dydx_v4_policy(&dydx_v4::LiquidationConfig::mainnet_genesis(), Ppm(10_000)).unwrap(),
            presets::aave_v3_close_factor(1_000_000).unwrap(),
            presets::synthetix_v3(Quote(1_000_000), 60).unwrap(),
        ];
        for p in all {
            assert_eq!(partliq_policy::from(&p.policy).to_core().unwrap(), p.policy);
            assert_eq!(partliq_venue_fees::from(&p.fees).to_core().unwrap(), p.fees);
        }
        // The dYdX preset's modes reach the ABI: at least one lot, fee rounded down.
        let d = partliq_preset { policy: partliq_policy::from(&all[7].policy), fees: partliq_venue_fees::from(&all[7].fees) };
        assert_eq!(d.policy.position_limits.mode, partliq_limit_mode::AtLeastOneLot as u32);
        assert_eq!(d.fees.liquidation_fee_rounding, partliq_fee_rounding::Down as u32);
        assert_eq!(partliq_limit_mode::AtLeastOneLot as u32, LimitMode::AtLeastOneLot as u32);
        assert_eq!(partliq_limit_mode::Cap as u32, LimitMode::Cap as u32);
        // Bad values of the new fields.
        let mut bad = d;
        bad.policy.position_limits.mode = 2;
        assert_eq!(bad.policy.to_core(), Err(PARTLIQ_STATUS_INVALID_ENUM));
        let mut bad = d;
        bad.fees.liquidation_fee_rounding = 2;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_INVALID_ENUM));
        let mut bad = d;
        bad.fees.reserved = 1;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        // A core fee rounded toward zero is rounded down (the fee is never negative).
        let tz = VenueFees { liquidation_fee_rounding: Rounding::TowardZero, ..all[7].fees };
        assert_eq!(partliq_venue_fees::from(&tz).liquidation_fee_rounding, partliq_fee_rounding::Down as u32);
        assert_eq!(check_fees(&tz), Err(PARTLIQ_STATUS_INVALID_FEE_ROUNDING));
        let c = dydx_v4::LiquidationConfig::mainnet_genesis();
        assert_eq!(partliq_dydx_liquidation_config::from_core(&c).to_core(), c);
    }

    /// A failing pipeline call leaves every output untouched.
    #[test]
    fn pipeline_outputs_untouched_on_error() {
        let mut m = partliq_market {
            id: 1,
            quote_exponent: 0,
            lot_step: 1,
            tick: 1,
            tiers: [partliq_margin_tier::default(); 16],
            tier_count: 1,
            liquidation_fee_ppm: 0,
            liquidator_fee_share_ppm: 0,
            liquidation_fee_rounding: 0,
            dust_floor: 0,
        };
        m.tiers[0] = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
        let ps = [partliq_position { market_index: 0, reserved: 0, size: 100, quote_balance: -9_600 }];
        let mut preset = partliq_preset::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_preset_synthetix_v3(1_000_000, 60, &mut preset) }, OK);
        let mut st = partliq_account_liquidation_state::default();
        let mut ms = [partliq_market_capacity_state { window_start: 7, used: 0 }];
        let mut legs = [partliq_plan_leg::default(); 1];
        let mut d = partliq_decision::default();
        // SAFETY: valid arrays and pointers.
        let s = unsafe {
            partliq_run_pipeline(
                &m,
                1,
                [100i64].as_ptr(),
                1,
                0,
                ps.as_ptr(),
                1,
                &preset.policy,
                &mut st,
                ms.as_mut_ptr(),
                1,
                10,
                1,
                legs.as_mut_ptr(),
                1,
                &mut d,
            )
        };
        assert_eq!(s, OK);
        assert_eq!((d.action, d.reason), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32));
        assert_eq!(d.plan.leg_count, 1);
        assert_eq!(legs[0].size_delta, -25);
        assert_eq!(ms[0], partliq_market_capacity_state { window_start: 10, used: 2_500 });
        // Two legs; the block's notional overflows when the second is booked,
        // after the first market's window was updated: restored, nothing written.
        let ms2 = [m, m];
        let ps2 = [
            partliq_position { market_index: 0, reserved: 0, size: 100, quote_balance: -9_750 },
            partliq_position { market_index: 1, reserved: 0, size: 100, quote_balance: -9_750 },
        ];
        let mut legs2 = [partliq_plan_leg::default(); 2];
        let mut states2 = [partliq_market_capacity_state::default(); 2];
        st = partliq_account_liquidation_state { block: 1, block_notional: i64::MAX - 10_000, ..Default::default() };
        let before = (st, states2, legs2, d);
        // SAFETY: as above.
        let s = unsafe {
            partliq_run_pipeline(
                ms2.as_ptr(),
                2,
                [100i64, 100].as_ptr(),
                2,
                0,
                ps2.as_ptr(),
                2,
                &preset.policy,
                &mut st,
                states2.as_mut_ptr(),
                2,
                11,
                1,
                legs2.as_mut_ptr(),
                2,
                &mut d,
            )
        };
        assert_eq!(s, PARTLIQ_STATUS_OVERFLOW);
        assert_eq!((st, states2, legs2, d), before);
        // The same call one block later succeeds with both legs.
        // SAFETY: as above.
        let s = unsafe {
            partliq_run_pipeline(
                ms2.as_ptr(),
                2,
                [100i64, 100].as_ptr(),
                2,
                0,
                ps2.as_ptr(),
                2,
                &preset.policy,
                &mut st,
                states2.as_mut_ptr(),
                2,
                11,
                2,
                legs2.as_mut_ptr(),
                2,
                &mut d,
            )
        };
        assert_eq!(s, OK);
        assert_eq!(d.plan.leg_count, 2);
        assert_eq!(states2[0].used, 10_000);
    }
}
