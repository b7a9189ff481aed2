//! Liquidation policies: composable step rules, and the state they need.
//!
//! A [`Policy`] says where a liquidation may stop (the [`Target`]), how each
//! order is priced (a band around the mark), which positions go first
//! ([`PlanOrder`]), how big a step is ([`SizingMode`]) and which **step
//! rules** bound each step. Every rule is off by default and composes with
//! the others; each produces, per position, a lower and an upper bound on the
//! units one step may close:
//!
//! | rule | venue | effect on one step |
//! | --- | --- | --- |
//! | [`FractionCap`] | Hyperliquid | positions above a notional threshold close at most a fraction per step (at least one lot); during the cooldown after a partial step, the whole position |
//! | [`TierStep`] | BitMEX, Bybit, OKX | close just enough to bring the position down `levels` margin tiers; at or below a tier, close whole |
//! | [`CloseFactor`] | Aave v3 | at most a fraction while health is above a threshold and the position is large; never leave less than a minimum |
//! | [`PositionLimits`] | dYdX v4 | at least `min(min_notional, notional)`, at most `max(that, notional × portion)` |
//! | [`BlockLimits`] | dYdX v4 | per account and block: liquidated notional and insurance fund losses capped |
//! | [`LimitMode`] | dYdX v4 | how the two rules above meet the lot step: hard caps, or dYdX's "at least one step" |
//! | [`WindowCapacity`] | Synthetix perps v3 | per market and time window: liquidated notional capped |
//! | `perp_v2_ratio` | Perpetual Protocol v2 | while equity ≥ maintenance / 2, at most `min(1, Σ|N| / (2 |N_pos|))` of the position |
//! | dust floor (market) | Perp v2 and all | a remainder under the floor closes whole |
//!
//! Lower bounds round **up** to the lot step (they must be met); upper bounds
//! round **down** within the cap (they must not be exceeded). When a lower
//! bound exceeds an upper one, the upper (the cap) wins. The one exception is
//! [`LimitMode::AtLeastOneLot`], which makes the position and block notional
//! limits dYdX's: a limit worth less than one lot step still closes one step.
//!
//! The state the rules need — the time of the last partial step, the block's
//! counters, each market's window usage — is in caller-owned plain structs
//! ([`AccountLiquidationState`], [`MarketCapacityState`]) that the pipeline
//! reads and updates; nothing is hidden.

use crate::account::MAX_POSITIONS;
use crate::error::{Error, Result};
use crate::health::Target;
use crate::market::Market;
use crate::num::{self, Ppm, Quote, Rounding, PPM};
use crate::plan::PlanOrder;
use crate::ramps::Ramps;

/// How large a liquidation step is before the step rules bound it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum SizingMode {
    /// partliq's least reduction that restores the target.
    Minimal = 0,
    /// As much as the step rules allow (the whole position if none applies):
    /// the venues that send a fixed-size order (dYdX, Hyperliquid, Perp v2).
    MaxAllowed = 1,
}

/// Hyperliquid's rule: above `notional_threshold`, a step closes at most
/// `max_fraction` of the position (but at least one lot step, so a
/// liquidation always progresses); for `cooldown` time units after a partial
/// step, liquidation orders are full size (the whole position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FractionCap {
    /// Position notional above which the cap applies. Off when `max_fraction` is 0.
    pub notional_threshold: Quote,
    /// Largest fraction of the position one step may close (0 = rule off).
    pub max_fraction: Ppm,
    /// Time after a partial step during which steps close the whole position
    /// (0 = no cooldown rule).
    pub cooldown: u64,
}

/// BitMEX / Bybit / OKX: a step reduces the position just enough to leave it
/// `levels` margin tiers lower; at or below `full_close_at_or_below_tier`
/// the position closes whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TierStep {
    /// Tiers to descend per step (0 = rule off).
    pub levels: u32,
    /// Tier index (0-based) at or below which the step is the whole position;
    /// `u32::MAX` = never.
    pub full_close_at_or_below_tier: u32,
}

/// Aave v3's close factor, transposed to positions: while the pool's health
/// (equity / maintenance) is above `health_threshold_ppm` and the position's
/// notional is at least `min_position_notional`, a step closes at most
/// `max_fraction`; a step must close everything or leave at least
/// `min_remainder` of notional. (Aave's own figure, for a lending pool, is
/// [`crate::venues::aave_v3::close_factor`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CloseFactor {
    /// Largest fraction per step while the factor applies (0 = rule off).
    pub max_fraction: Ppm,
    /// Health (equity ÷ maintenance, ppm) above which the factor applies.
    pub health_threshold_ppm: u32,
    /// Positions with less notional than this close without the factor.
    pub min_position_notional: Quote,
    /// A step leaves 0 or at least this much notional.
    pub min_remainder: Quote,
}

/// How the notional limits of [`PositionLimits`] and [`BlockLimits`] become
/// a step in lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u32)]
pub enum LimitMode {
    /// Hard caps: a step closes the most whole lot steps within every limit
    /// (the whole position if the limit covers it); when not even one step
    /// fits, the step is 0 and the liquidation waits (the block's limit:
    /// [`crate::Reason::BlockLimitReached`]). A block limit is reached when
    /// the amount used is at the limit.
    #[default]
    Cap = 0,
    /// dYdX v4's `GetLiquidatablePositionSizeDelta`: the limit is the smaller
    /// of the position's (`max(min(min_notional, |N|), ⌊|N| × portion⌋)`) and
    /// what is left of the block's notional; the whole position when its
    /// notional `|N|` is within that limit or it is at most one lot step;
    /// otherwise the limit converted to units (rounded down), rounded down to
    /// the lot step, and clamped to `[one step, the position]` — so a step
    /// always closes at least one lot, even beyond the limit. A block limit
    /// stops liquidation only once **exceeded** (used > limit; dYdX's
    /// `GetSubaccountMaxNotionalLiquidatable` / `GetSubaccountMaxInsuranceLost`
    /// fail only then), and notional is booked to the block rounded down (as
    /// dYdX books a fill, `GetNetNotional`).
    AtLeastOneLot = 1,
}

impl LimitMode {
    /// How a leg's notional is booked to the block: rounded up for hard caps
    /// (it must not be under-counted); rounded down in dYdX's mode, which
    /// books a fill's notional as `GetNetNotional` of a positive size does
    /// (truncated).
    pub(crate) fn block_rounding(self) -> Rounding {
        match self {
            LimitMode::Cap => Rounding::Ceil,
            LimitMode::AtLeastOneLot => Rounding::Floor,
        }
    }
}

/// dYdX v4's per-position limits (`position_block_limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PositionLimits {
    /// Least notional a step closes (or the whole position if smaller); 0 = off.
    pub min_notional: Quote,
    /// Largest fraction of the position's notional per step; 0 = rule off.
    pub max_portion: Ppm,
    /// How these limits and the block's notional limit ([`BlockLimits`])
    /// become a step (hard caps by default; dYdX's preset:
    /// [`LimitMode::AtLeastOneLot`]). It governs the block limits even when
    /// the position limits are off.
    pub mode: LimitMode,
}

/// dYdX v4's per-account, per-block limits (`subaccount_block_limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockLimits {
    /// Most notional liquidated per account and block (`i64::MAX` = unlimited).
    pub max_notional: Quote,
    /// Most insurance fund loss per account and block (`i64::MAX` = unlimited).
    pub max_insurance_loss: Quote,
}

impl Default for BlockLimits {
    fn default() -> Self {
        BlockLimits { max_notional: Quote(i64::MAX), max_insurance_loss: Quote(i64::MAX) }
    }
}

/// Synthetix perps v3: per market, at most `capacity` of notional liquidated
/// in any window of `window` time units (a fixed window starting at the
/// first liquidation after the previous one ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowCapacity {
    /// Notional per window (quote units).
    pub capacity: Quote,
    /// Window length in time units (0 = rule off).
    pub window: u64,
}

/// An exact fraction `numerator / denominator` (for thresholds such as
/// Hyperliquid's 2/3 that ppm cannot hold exactly). Denominator 0 = off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fraction {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (0 = the rule is off).
    pub denominator: u32,
}

impl Fraction {
    /// `numerator / denominator`.
    #[must_use]
    pub const fn new(numerator: u32, denominator: u32) -> Self {
        Fraction { numerator, denominator }
    }

    /// True when the fraction is set (denominator > 0).
    #[must_use]
    pub const fn is_set(&self) -> bool {
        self.denominator > 0
    }
}

/// When partial liquidation gives way to a backstop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EscalationRules {
    /// Backstop when `equity < backstop_fraction × maintenance`, exactly
    /// (Hyperliquid: 2/3). Unset = only on infeasibility / bankruptcy.
    pub backstop_fraction: Fraction,
    /// Backstop (rather than closing the best reachable) when no partial
    /// reduction restores the target.
    pub backstop_on_infeasible: bool,
}

/// The emergency bypass: when capped steps cannot keep up with a fall, the
/// step rules (fraction caps and cooldowns, tier steps, close factors,
/// position, block and window limits, Perp v2's ratio) lift for one call and
/// the pipeline closes the least that restores the target
/// ([`SizingMode::Minimal`], whatever the policy's sizing), with
/// [`crate::Reason::EmergencyBypass`]. Off by default: a policy without it
/// behaves exactly as before.
///
/// Two triggers, each off unless set; either lifts the rules:
///
/// - **below a fraction of maintenance**: `equity × d < maintenance × n`
///   for `below_fraction = n / d` (exact, as the backstop fraction);
/// - **projected bankruptcy**: with `project` set, the call first plans its
///   capped step; when a rule bounded it (or the block's limits allow no
///   step), the pool's equity **after** that step (every leg filled at its
///   limit, its fee paid: the plan's `health_after`) less, for every
///   position it leaves open, its remaining notional at the mark times
///   `adverse_move` (rounded up: against the account) — the equity at the
///   next step if the marks move against every remaining position by
///   `adverse_move` — is negative.
///
/// The backstop fraction ([`EscalationRules::backstop_fraction`]) is checked
/// first: a pool below it goes to the backstop, bypass or not. What the
/// uncapped close books to the block and window counters is booked as
/// usual (the counters may exceed their limits: they tell the truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmergencyBypass {
    /// Bypass when equity / maintenance is below this (unset = off).
    pub below_fraction: Fraction,
    /// Bypass when the projected equity after the capped step is negative.
    pub project: bool,
    /// The adverse move of the projection, ppm of each remaining position's
    /// notional (≤ 1,000,000; 0 projects at today's marks).
    pub adverse_move: Ppm,
}

impl EmergencyBypass {
    /// No bypass (the default).
    pub const OFF: EmergencyBypass = EmergencyBypass { below_fraction: Fraction::new(0, 0), project: false, adverse_move: Ppm(0) };

    /// True when either trigger is set.
    #[must_use]
    pub const fn is_on(&self) -> bool {
        self.below_fraction.is_set() || self.project
    }

    /// True when `equity / maintenance` is below `below_fraction` (exactly:
    /// `equity × d < maintenance × n`); false when unset or maintenance is 0.
    ///
    /// # Errors
    /// [`Error::Overflow`].
    pub fn below(&self, equity: i128, maintenance: i128) -> Result<bool> {
        let f = self.below_fraction;
        Ok(f.is_set() && maintenance > 0 && num::mul(equity, i128::from(f.denominator))? < num::mul(maintenance, i128::from(f.numerator))?)
    }

    /// Rejects a fraction not below 1 ([`Error::BypassFractionNotBelowOne`]:
    /// at or above maintenance the pool is not liquidatable, so the rule
    /// would always fire) and an adverse move above 100 %
    /// ([`Error::InvalidPolicyFraction`]).
    ///
    /// # Errors
    /// As above.
    pub fn validate(&self) -> Result<()> {
        let f = self.below_fraction;
        if f.is_set() && f.numerator >= f.denominator {
            return Err(Error::BypassFractionNotBelowOne);
        }
        self.adverse_move.at_most_one(Error::InvalidPolicyFraction)?;
        Ok(())
    }
}

/// A full liquidation policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Where a liquidation may stop.
    pub target: Target,
    /// Limit price band around the mark (the worst fill a leg accepts).
    pub price_band: Ppm,
    /// Which positions go first.
    pub order: PlanOrder,
    /// Step size before the rules bound it.
    pub sizing: SizingMode,
    /// Hyperliquid's fraction per step with cooldown.
    pub fraction_cap: FractionCap,
    /// BitMEX / Bybit / OKX tier reduction.
    pub tier_step: TierStep,
    /// Aave-style close factor.
    pub close_factor: CloseFactor,
    /// dYdX per-position limits (and, in `mode`, how they and the block's
    /// notional limit meet the lot step).
    pub position_limits: PositionLimits,
    /// dYdX per-block limits.
    pub block_limits: BlockLimits,
    /// Synthetix per-market window capacity.
    pub window_capacity: WindowCapacity,
    /// Perpetual Protocol v2's ratio rule.
    pub perp_v2_ratio: bool,
    /// Escalation thresholds.
    pub escalation: EscalationRules,
    /// Incentive ramps over time in liquidation or depth underwater: the
    /// fee, the fraction per step, the limit price band (all off by default;
    /// see [`crate::ramps`]).
    pub ramps: Ramps,
    /// When the step rules give way to an uncapped close (off by default).
    pub emergency_bypass: EmergencyBypass,
}

impl Default for Policy {
    /// The base every preset starts from (not a venue's rules; see
    /// [`crate::presets::partliq_default`] for partliq's recommended
    /// policy): minimal reduction to maintenance, 1 % band, largest
    /// maintenance first, no step rules, backstop when infeasible.
    fn default() -> Self {
        Policy {
            target: Target::MAINTENANCE,
            price_band: Ppm(10_000),
            order: PlanOrder::LargestMaintenanceFirst,
            sizing: SizingMode::Minimal,
            fraction_cap: FractionCap::default(),
            tier_step: TierStep { levels: 0, full_close_at_or_below_tier: u32::MAX },
            close_factor: CloseFactor::default(),
            position_limits: PositionLimits::default(),
            block_limits: BlockLimits::default(),
            window_capacity: WindowCapacity::default(),
            perp_v2_ratio: false,
            escalation: EscalationRules { backstop_fraction: Fraction::new(0, 0), backstop_on_infeasible: true },
            ramps: Ramps::OFF,
            emergency_bypass: EmergencyBypass::OFF,
        }
    }
}

impl Policy {
    /// Rejects bad parameters, each with its own error: a fraction above
    /// 100 % ([`Error::InvalidPolicyFraction`]), a cooldown-only or
    /// capacity-only window of zero length ([`Error::ZeroWindow`]), a backstop
    /// fraction ≥ 100 % ([`Error::BackstopFractionNotBelowOne`]), a negative
    /// limit ([`Error::NegativeLimit`]), a bad target buffer or price band,
    /// bad ramps ([`Error::InvalidRamp`], checked last).
    /// a bad emergency bypass ([`EmergencyBypass::validate`]).
    pub fn validate(&self) -> Result<()> {
        self.target.validate()?;
        self.price_band.at_most_one(Error::InvalidPriceBand)?;
        for f in [self.fraction_cap.max_fraction, self.close_factor.max_fraction, self.position_limits.max_portion] {
            f.at_most_one(Error::InvalidPolicyFraction)?;
        }
        let bf = self.escalation.backstop_fraction;
        if bf.is_set() && bf.numerator >= bf.denominator {
            return Err(Error::BackstopFractionNotBelowOne);
        }
        for q in [
            self.fraction_cap.notional_threshold,
            self.close_factor.min_position_notional,
            self.close_factor.min_remainder,
            self.position_limits.min_notional,
            self.block_limits.max_notional,
            self.block_limits.max_insurance_loss,
            self.window_capacity.capacity,
        ] {
            if q.0 < 0 {
                return Err(Error::NegativeLimit);
            }
        }
        if self.window_capacity.capacity.0 > 0 && self.window_capacity.window == 0 {
            return Err(Error::ZeroWindow);
        }
        self.ramps.validate()?;
        self.emergency_bypass.validate()
    }
}

/// Per-account state of the step rules (caller-owned, updated by the pipeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct AccountLiquidationState {
    /// Time of the last partial step (meaningful when `has_partial`).
    pub last_partial_time: u64,
    /// A partial step happened (at `last_partial_time`).
    pub has_partial: bool,
    /// A liquidation is under way: set until the target is met (the
    /// hysteresis between trigger and target).
    pub in_liquidation: bool,
    /// Block the counters below belong to.
    pub block: u64,
    /// Notional liquidated in `block`.
    pub block_notional: Quote,
    /// Insurance fund loss caused in `block`.
    pub block_insurance_loss: Quote,
    /// Time the liquidation under way started (meaningful when
    /// `liquidation_started`): the `now` of the first pipeline call that
    /// found it due. The ramps ([`crate::ramps`]) run from it.
    pub liquidation_start_time: u64,
    /// A liquidation is due and has not ended since `liquidation_start_time`.
    pub liquidation_started: bool,
}

/// Per-market window usage (caller-owned, one per market, updated by the pipeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct MarketCapacityState {
    /// Start time of the current window.
    pub window_start: u64,
    /// Notional liquidated in the current window.
    pub used: Quote,
}

impl AccountLiquidationState {
    /// Time in liquidation at `now`: `now − liquidation_start_time` while a
    /// liquidation runs (0 should `now` be earlier), else 0.
    #[must_use]
    pub fn time_in_liquidation(&self, now: u64) -> u64 {
        if self.liquidation_started {
            now.saturating_sub(self.liquidation_start_time)
        } else {
            0
        }
    }

    /// The liquidation runs from `now` on, unless it already runs.
    pub(crate) fn start_liquidation(&mut self, now: u64) {
        if !self.liquidation_started {
            self.liquidation_started = true;
            self.liquidation_start_time = now;
        }
    }

    /// The liquidation has ended: no start time.
    pub(crate) fn end_liquidation(&mut self) {
        self.liquidation_started = false;
        self.liquidation_start_time = 0;
    }

    /// True while the cooldown after a partial step runs.
    #[must_use]
    pub fn in_cooldown(&self, cap: &FractionCap, now: u64) -> bool {
        cap.cooldown > 0 && self.has_partial && now >= self.last_partial_time && now.saturating_sub(self.last_partial_time) < cap.cooldown
    }

    /// Notional already liquidated in `block` (0 for any block other than the
    /// state's latest, earlier or later: the state keeps one block).
    #[must_use]
    pub fn notional_in(&self, block: u64) -> i128 {
        if self.block == block {
            i128::from(self.block_notional.0)
        } else {
            0
        }
    }

    /// Insurance loss already caused in `block` (0 for any block other than
    /// the state's latest, earlier or later).
    #[must_use]
    pub fn insurance_loss_in(&self, block: u64) -> i128 {
        if self.block == block {
            i128::from(self.block_insurance_loss.0)
        } else {
            0
        }
    }

    /// Books an insurance fund loss (a settlement's `bad_debt`) in `block`.
    /// The state keeps one block: a block other than its latest (blocks are
    /// expected not to go back) starts afresh from this loss.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the block's total does not fit a quote amount.
    pub fn record_insurance_loss(&mut self, block: u64, loss: Quote) -> Result<()> {
        self.roll(block);
        self.block_insurance_loss = Quote::from_i128(num::add(i128::from(self.block_insurance_loss.0), i128::from(loss.0))?)?;
        Ok(())
    }

    /// Moves the block counters to `block` (zeroed when it is not the
    /// state's latest block).
    pub(crate) fn roll(&mut self, block: u64) {
        if self.block != block {
            self.block = block;
            self.block_notional = Quote(0);
            self.block_insurance_loss = Quote(0);
        }
    }

    /// The rule state after one pipeline call's planned legs, as if they
    /// fill: each leg's notional booked to `block` (rounded as the policy's
    /// [`LimitMode`] books it) and to its market's window in `market_states`
    /// (rounded up), the time of a partial step when orders go out and a leg
    /// leaves part of its position, and `in_liquidation` while orders go out
    /// without restoring the target. `legs` gives each leg's size and whether
    /// it is partial. The liquidation's start time is kept (or set at
    /// `now`) while it runs after the call (`running`), else cleared.
    /// Computed on copies: nothing is written until
    /// [`RuleStateUpdate::commit`], so an error leaves every state as it was.
    ///
    /// # Errors
    /// [`Error::Overflow`] when a block or window total does not fit a quote
    /// amount; a leg's own error.
    pub(crate) fn book<'m>(
        &self,
        market_states: &[MarketCapacityState],
        policy: &Policy,
        legs: impl IntoIterator<Item = Result<(LegSize<'m>, bool)>>,
        clock: Clock,
        end: CallEnd,
        running: bool,
    ) -> Result<RuleStateUpdate> {
        let mut account = *self;
        account.roll(clock.block);
        if running {
            account.start_liquidation(clock.now);
        } else {
            account.end_liquidation();
        }
        let mut update =
            RuleStateUpdate { account, markets: [(usize::MAX, MarketCapacityState::default()); MAX_POSITIONS], market_count: 0 };
        let mut partial = false;
        for leg in legs {
            let (leg, leg_partial) = leg?;
            let to_block = leg.notional(policy.position_limits.mode.block_rounding())?;
            update.account.block_notional = Quote::from_i128(num::add(i128::from(update.account.block_notional.0), to_block)?)?;
            let to_window = leg.notional(Rounding::Ceil)?;
            let mi = leg.market_index as usize;
            if let Some(current) = market_states.get(mi) {
                update.market_state(mi, current)?.record(&policy.window_capacity, clock.now, to_window)?;
            }
            partial |= leg_partial;
        }
        if end != CallEnd::NoOrders && partial {
            update.account.last_partial_time = clock.now;
            update.account.has_partial = true;
        }
        // Mid-liquidation until the target is met (hysteresis).
        update.account.in_liquidation = end == CallEnd::OrdersContinue;
        Ok(update)
    }
}

impl MarketCapacityState {
    /// Notional still available at `now` under `rule` (`i128::MAX` when off).
    #[must_use]
    pub fn remaining(&self, rule: &WindowCapacity, now: u64) -> i128 {
        if rule.window == 0 {
            return i128::MAX;
        }
        let used = if self.window_open(rule, now) { i128::from(self.used.0) } else { 0 };
        i128::from(rule.capacity.0).saturating_sub(used).max(0)
    }

    /// True while a window opened by an earlier liquidation still runs at
    /// `now`. A state that has booked nothing has no open window: the first
    /// liquidation opens one (it does not start at time 0).
    fn window_open(&self, rule: &WindowCapacity, now: u64) -> bool {
        self.used.0 != 0 && now >= self.window_start && now.saturating_sub(self.window_start) < rule.window
    }

    /// Books `notional` at `now`, starting a new window if none is open;
    /// does nothing when the rule is off (`window == 0`).
    ///
    /// # Errors
    /// [`Error::Overflow`] when the window's total does not fit a quote
    /// amount (nothing booked).
    pub fn record(&mut self, rule: &WindowCapacity, now: u64, notional: i128) -> Result<()> {
        if rule.window == 0 {
            return Ok(());
        }
        if !self.window_open(rule, now) {
            self.window_start = now;
            self.used = Quote(0);
        }
        self.used = Quote::from_i128(num::add(i128::from(self.used.0), notional)?)?;
        Ok(())
    }
}

/// The caller's clock: time (cooldowns, windows) and block height (block
/// limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    /// Time, in the caller's units.
    pub now: u64,
    /// Block height.
    pub block: u64,
}

/// How one pipeline call ends, as the rule state records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallEnd {
    /// No liquidation order goes out.
    NoOrders,
    /// Orders go out and the liquidation goes on after them.
    OrdersContinue,
    /// Orders go out and restore the target: the liquidation ends.
    OrdersRestore,
}

/// One leg as the block and window budgets count it: its market, the mark
/// and the units it closes (either sign).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegSize<'m> {
    /// Index of the leg's market in the markets slice (and the market states).
    pub market_index: u32,
    /// The leg's market.
    pub market: &'m Market,
    /// The market's mark.
    pub mark: i128,
    /// Units closed.
    pub units: i128,
}

impl LegSize<'_> {
    /// The leg's notional at mark, rounded as named.
    pub(crate) fn notional(&self, rounding: Rounding) -> Result<i128> {
        self.market.abs_notional(self.units, self.mark, rounding)
    }
}

/// The notional budgets the legs of one pipeline call share: what is left of
/// the account's block limit and of each market's window capacity before the
/// call, less what the call's earlier legs take (legs are bounded together,
/// not each alone).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegBudget {
    /// Left of the block's notional limit before the call: `i128::MAX` when
    /// unlimited; at least 0 with hard caps; negative once exceeded in dYdX's
    /// mode.
    block_left: i128,
    /// The block's limits stop liquidation for this block.
    block_done: bool,
    /// How the limits meet the lot step (and how notional is booked).
    mode: LimitMode,
    /// Notional the call's earlier legs take from the block.
    block_used: i128,
    /// Notional the call's earlier legs take from each market's window, as
    /// (market index, notional); `u32::MAX` marks a free slot.
    window_used: [(u32, i128); MAX_POSITIONS],
}

impl LegBudget {
    /// The budgets of a call in `block` for an account in `state` under
    /// `policy`. The block's limits: hard caps stop at the limit, dYdX's mode
    /// only once it is exceeded (its `GetSubaccountMax*` fail only when
    /// used > max).
    pub(crate) fn open(policy: &Policy, state: &AccountLiquidationState, block: u64) -> Result<Self> {
        let limits = &policy.block_limits;
        let mode = policy.position_limits.mode;
        let loss = state.insurance_loss_in(block);
        let max_loss = i128::from(limits.max_insurance_loss.0);
        let notional_limited = limits.max_notional.0 != i64::MAX;
        let notional_left = num::sub(i128::from(limits.max_notional.0), state.notional_in(block))?;
        let (block_done, block_left) = match mode {
            LimitMode::Cap => (loss >= max_loss, notional_left.max(0)),
            LimitMode::AtLeastOneLot => (loss > max_loss || (notional_limited && notional_left < 0), notional_left),
        };
        Ok(LegBudget {
            block_left: if notional_limited { block_left } else { i128::MAX },
            block_done,
            mode,
            block_used: 0,
            window_used: [(u32::MAX, 0); MAX_POSITIONS],
        })
    }

    /// The block's insurance-loss or notional limit stops liquidation for
    /// this block.
    pub(crate) fn block_done(&self) -> bool {
        self.block_done
    }

    /// The block's notional budget for the next leg: `i128::MAX` when
    /// unlimited; in dYdX's mode negative when exceeded (no liquidation for
    /// that leg), else at least 0.
    pub(crate) fn block_budget(&self) -> i128 {
        if self.block_left == i128::MAX {
            return i128::MAX;
        }
        let left = self.block_left.saturating_sub(self.block_used);
        match self.mode {
            LimitMode::Cap => left.max(0),
            LimitMode::AtLeastOneLot => left,
        }
    }

    /// The window's notional budget for the next leg in `market_index`: what
    /// the market's window usage `state` leaves at `now` under `rule`
    /// (`i128::MAX` without a state or with the rule off), less the call's
    /// earlier legs in that market, at least 0.
    pub(crate) fn window_budget(&self, market_index: u32, state: Option<&MarketCapacityState>, rule: &WindowCapacity, now: u64) -> i128 {
        let Some(state) = state else {
            return i128::MAX;
        };
        let remaining = state.remaining(rule, now);
        if remaining == i128::MAX {
            return remaining;
        }
        let used = self.window_used.iter().find(|(m, _)| *m == market_index).map_or(0, |(_, u)| *u);
        remaining.saturating_sub(used).max(0)
    }

    /// Takes a leg's notional from the block's budget (rounded as the limit
    /// mode books it) and from its market's window (rounded up).
    ///
    /// # Errors
    /// [`Error::Overflow`]; [`Error::TooManyPositions`] past
    /// [`MAX_POSITIONS`] markets.
    pub(crate) fn take(&mut self, leg: &LegSize<'_>) -> Result<()> {
        self.block_used = num::add(self.block_used, leg.notional(self.mode.block_rounding())?)?;
        let notional = leg.notional(Rounding::Ceil)?;
        let slot = self.window_used.iter_mut().find(|(m, _)| *m == leg.market_index || *m == u32::MAX).ok_or(Error::TooManyPositions)?;
        *slot = (leg.market_index, num::add(slot.1, notional)?);
        Ok(())
    }
}

/// The rule state after one pipeline call, computed in full before anything
/// is written ([`AccountLiquidationState::book`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleStateUpdate {
    /// The account's new state.
    account: AccountLiquidationState,
    /// The touched markets' new window usage, as (market index, state).
    markets: [(usize, MarketCapacityState); MAX_POSITIONS],
    /// Entries in use in `markets`.
    market_count: usize,
}

impl RuleStateUpdate {
    /// The staged copy of market `index`'s state (`current` on first use).
    fn market_state(&mut self, index: usize, current: &MarketCapacityState) -> Result<&mut MarketCapacityState> {
        let used = self.markets.get(..self.market_count).ok_or(Error::TooManyPositions)?;
        let k = match used.iter().position(|(i, _)| *i == index) {
            Some(k) => k,
            None => {
                *self.markets.get_mut(self.market_count).ok_or(Error::TooManyPositions)? = (index, *current);
                self.market_count = self.market_count.saturating_add(1);
                self.market_count.saturating_sub(1)
            }
        };
        Ok(&mut self.markets.get_mut(k).ok_or(Error::TooManyPositions)?.1)
    }

    /// The staged state of market `index`, if the call touched it.
    pub(crate) fn market(&self, index: usize) -> Option<&MarketCapacityState> {
        self.markets.iter().take(self.market_count).find(|(i, _)| *i == index).map(|(_, s)| s)
    }

    /// Writes the new states; nothing can fail any more.
    pub(crate) fn commit(&self, account: &mut AccountLiquidationState, market_states: &mut [MarketCapacityState]) {
        for (index, state) in self.markets.iter().take(self.market_count) {
            if let Some(slot) = market_states.get_mut(*index) {
                *slot = *state;
            }
        }
        *account = self.account;
    }
}

/// What the pool looks like to the step rules for one position.
pub(crate) struct StepContext<'m> {
    pub market: &'m Market,
    pub mark: i128,
    /// |size| in units.
    pub units: i128,
    /// Pool equity and maintenance before the step.
    pub equity: i128,
    pub maintenance: i128,
    /// Σ |notional| over the pool's positions (Perp v2's ratio).
    pub total_abs_notional: i128,
    pub in_cooldown: bool,
    /// The fraction ramp's cap on this step ([`crate::ramps::FractionRamp`]),
    /// `None` when it does not apply.
    pub ramp_fraction: Option<Ppm>,
    /// Notional budgets left (block, window), `i128::MAX` when unlimited.
    /// The block's is negative when the block's limit is already exceeded
    /// (only in [`LimitMode::AtLeastOneLot`]; hard caps floor it at 0).
    pub block_budget: i128,
    pub window_budget: i128,
}

/// Per-step bounds on the units of one position, lot-aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepBounds {
    pub min_units: i128,
    pub max_units: i128,
    /// The block's notional limit alone allows no unit.
    pub block_blocks: bool,
    /// The market's window capacity alone allows no unit.
    pub window_blocks: bool,
}

impl StepBounds {
    /// Clamps a desired size into the bounds (the cap wins over the floor).
    pub fn clamp(&self, units: i128) -> i128 {
        units.max(self.min_units).min(self.max_units)
    }
}

impl StepContext<'_> {
    fn notional_of(&self, units: i128) -> Result<i128> {
        self.market.notional_i128(units, self.mark, Rounding::Floor)
    }

    /// Units whose notional is at most `notional` (rounded down).
    fn units_for_notional(&self, notional: i128, rounding: Rounding) -> Result<i128> {
        let per_unit_scaled = num::mul(self.mark, self.market.notional_multiplier()?)?;
        num::mul_div_wide(notional, self.market.notional_denominator()?, per_unit_scaled, rounding)
    }

    fn down_to_step(&self, units: i128) -> Result<i128> {
        if units >= self.units {
            return Ok(self.units);
        }
        let step = i128::from(self.market.lot_step.0);
        num::mul(num::div_round(units.max(0), step, Rounding::Floor)?, step)
    }

    fn up_to_step(&self, units: i128) -> Result<i128> {
        let step = i128::from(self.market.lot_step.0);
        Ok(num::mul(num::div_round(units.max(0), step, Rounding::Ceil)?, step)?.min(self.units))
    }

    fn fraction_units(&self, f: Ppm) -> Result<i128> {
        self.down_to_step(num::mul_div(self.units, i128::from(f.0), PPM, Rounding::Floor)?)
    }

    /// The bounds every rule of `policy` puts on one step of this position.
    pub fn bounds(&self, policy: &Policy) -> Result<StepBounds> {
        let mut lo: i128 = 0;
        let mut hi: i128 = self.units;
        let notional = self.notional_of(self.units)?;
        let cap = |hi: &mut i128, v: i128| *hi = (*hi).min(v);

        let fc = &policy.fraction_cap;
        if fc.max_fraction.0 > 0 && notional > i128::from(fc.notional_threshold.0) {
            if self.in_cooldown {
                lo = self.units;
            } else {
                cap(&mut hi, self.fraction_units(fc.max_fraction)?.max(self.up_to_step(1)?));
            }
        }

        if let Some(f) = self.ramp_fraction {
            // As the fraction cap: rounded down to the lot step, at least one step.
            cap(&mut hi, self.fraction_units(f)?.max(self.up_to_step(1)?));
        }

        let ts = &policy.tier_step;
        let tier = self.market.tier_index_scaled(self.market.scaled_notional(self.units, self.mark)?)?;
        let tier_u32 = u32::try_from(tier).unwrap_or(u32::MAX);
        if ts.full_close_at_or_below_tier != u32::MAX && tier_u32 <= ts.full_close_at_or_below_tier {
            lo = self.units;
        } else if ts.levels > 0 && tier > 0 {
            // Leave the position in tier max(0, t − levels): remaining notional < floor_{t'+1}.
            let t_target = tier.saturating_sub(usize::try_from(ts.levels).unwrap_or(usize::MAX));
            let next = self.market.tiers.get(t_target.saturating_add(1)).ok_or(Error::InvalidTierCount)?;
            // Largest remainder strictly below the floor: ceil(floor / unit notional) − 1.
            let r_max = num::sub(self.units_for_notional(i128::from(next.notional_floor.0), Rounding::Ceil)?, 1)?.max(0);
            cap(&mut hi, self.up_to_step(num::sub(self.units, r_max)?)?);
        }

        let cf = &policy.close_factor;
        if cf.max_fraction.0 > 0 && notional >= i128::from(cf.min_position_notional.0) && self.maintenance > 0 {
            // health = equity / maintenance (ppm), compared exactly.
            let above = num::mul(self.equity, PPM)? > num::mul(self.maintenance, i128::from(cf.health_threshold_ppm))?;
            if above {
                cap(&mut hi, self.fraction_units(cf.max_fraction)?);
            }
        }

        let pl = &policy.position_limits;
        if pl.min_notional.0 > 0 {
            let min_n = i128::from(pl.min_notional.0).min(notional);
            lo = lo.max(self.up_to_step(self.units_for_notional(min_n, Rounding::Ceil)?)?);
        }
        // The position's notional limit (dYdX's GetMaxAndMinPositionNotionalLiquidatable).
        let position_max = if pl.max_portion.0 > 0 {
            Some(i128::from(pl.min_notional.0).min(notional).max(num::mul_div(
                notional,
                i128::from(pl.max_portion.0),
                PPM,
                Rounding::Floor,
            )?))
        } else {
            None
        };

        if policy.perp_v2_ratio && num::mul(self.equity, 2)? >= self.maintenance && notional > 0 {
            // ratio = min(1, Σ|N| / (2 |N_pos|))
            let units = num::mul_div_wide(self.units, self.total_abs_notional, num::mul(notional, 2)?, Rounding::Floor)?;
            cap(&mut hi, self.down_to_step(units)?);
        }

        let block_limited = self.block_budget < i128::MAX;
        let mut block_blocks = false;
        match pl.mode {
            LimitMode::Cap => {
                if let Some(max_n) = position_max {
                    cap(&mut hi, self.down_to_step(self.units_for_notional(max_n, Rounding::Floor)?)?);
                }
                if block_limited {
                    let units = self.down_to_step(self.units_for_notional(self.block_budget.max(0), Rounding::Floor)?)?;
                    block_blocks = units == 0;
                    cap(&mut hi, units);
                }
            }
            LimitMode::AtLeastOneLot => {
                if block_limited && self.block_budget < 0 {
                    // The block's limit is already exceeded: dYdX fails (no liquidation).
                    block_blocks = true;
                    cap(&mut hi, 0);
                } else {
                    let limit = match (position_max, block_limited) {
                        (Some(p), true) => Some(p.min(self.block_budget)),
                        (Some(p), false) => Some(p),
                        (None, true) => Some(self.block_budget),
                        (None, false) => None,
                    };
                    if let Some(limit) = limit {
                        cap(&mut hi, self.at_least_one_lot(limit, notional)?);
                    }
                }
            }
        }
        let mut window_blocks = false;
        if self.window_budget < i128::MAX {
            let units = self.down_to_step(self.units_for_notional(self.window_budget.max(0), Rounding::Floor)?)?;
            window_blocks = units == 0;
            cap(&mut hi, units);
        }
        Ok(StepBounds { min_units: lo.min(hi), max_units: hi, block_blocks, window_blocks })
    }

    /// dYdX's `GetLiquidatablePositionSizeDelta` on a notional `limit` (≥ 0)
    /// for this position of notional `notional` (`|N|` rounded down): the
    /// whole position when `|N| ≤ limit` or it is at most one lot step; else
    /// `limit` in units (rounded down, dYdX's truncating
    /// `QuoteToBaseQuantums`), rounded down to the lot step and clamped to
    /// `[step, units]`.
    fn at_least_one_lot(&self, limit: i128, notional: i128) -> Result<i128> {
        let step = i128::from(self.market.lot_step.0);
        if notional <= limit || self.units <= step {
            return Ok(self.units);
        }
        if step <= 0 {
            return Err(Error::InvalidLotStep);
        }
        let units = self.units_for_notional(limit, Rounding::Floor)?;
        let rounded = num::mul(num::div_round(units, step, Rounding::Floor)?, step)?;
        Ok(rounded.max(step).min(self.units))
    }

    /// Aave's remainder rule: a step leaves nothing or at least the minimum.
    pub fn apply_min_remainder(&self, policy: &Policy, units: i128, max_units: i128) -> Result<i128> {
        let min_rem = i128::from(policy.close_factor.min_remainder.0);
        if min_rem == 0 || units == 0 || units >= self.units {
            return Ok(units);
        }
        if self.notional_of(num::sub(self.units, units)?)? >= min_rem {
            return Ok(units);
        }
        // Close all if allowed; else shrink to leave exactly enough.
        if max_units >= self.units {
            return Ok(self.units);
        }
        let keep = self.up_to_step(self.units_for_notional(min_rem, Rounding::Ceil)?)?;
        Ok(num::sub(self.units, keep)?.max(0))
    }
}

/// One planned leg's notional as [`crate::pipeline::run_pipeline_reserving`]
/// reserved it in the rule state, until the caller settles it: the fills it
/// reports ([`LegReservation::commit`]) stay booked, and the rest is given
/// back ([`LegReservation::release`]) — the single-threaded counterpart of
/// [`crate::shared::Capacity`]'s reserve, commit and release.
///
/// The pipeline books a step's planned notional to the block and the
/// market's window when it plans it (so the budgets of the next call
/// already count it: capacity is never over-used); an IOC order may fill
/// only part, and releasing the rest takes the unfilled part back out.
/// Invariant, checked by [`LegReservation::validate`]: once released,
/// `*_reserved = *_committed + *_released`, exactly.
///
/// All zeros is a settled (closed) record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct LegReservation {
    /// Block the block notional was booked to.
    pub block: u64,
    /// Start of the market window the window notional was booked to.
    pub window_start: u64,
    /// The leg's position (index in the pool).
    pub position_index: u32,
    /// The leg's market.
    pub market_index: u32,
    /// Units the leg closes (`|size_delta|`).
    pub units: i64,
    /// Units reported filled so far.
    pub filled_units: i64,
    /// Units given back (set by the release: `units − filled_units`).
    pub released_units: i64,
    /// Notional booked to the block when planned.
    pub block_reserved: Quote,
    /// Notional booked to the market's window when planned (0 without a window rule).
    pub window_reserved: Quote,
    /// Of `block_reserved`, what the fills keep (pro rata, rounded up).
    pub block_committed: Quote,
    /// Of `window_reserved`, what the fills keep (pro rata, rounded up).
    pub window_committed: Quote,
    /// Of `block_reserved`, what the release gave back.
    pub block_released: Quote,
    /// Of `window_reserved`, what the release gave back.
    pub window_released: Quote,
}

impl LegReservation {
    /// True while some units are neither filled nor released.
    #[must_use]
    pub fn is_open(&self) -> bool {
        i128::from(self.filled_units).saturating_add(i128::from(self.released_units)) < i128::from(self.units)
    }

    /// Rejects an inconsistent record ([`Error::UnknownReservation`]): a
    /// negative figure, more units settled than planned, a committed
    /// notional other than the filled units' share of the reserved one
    /// ([`LegReservation::commit`]'s figure), more notional settled than
    /// reserved — a record is what the library wrote.
    ///
    /// # Errors
    /// As above; [`Error::Overflow`].
    pub fn validate(&self) -> Result<()> {
        let settled_units = i128::from(self.filled_units).saturating_add(i128::from(self.released_units));
        if self.units < 0 || self.filled_units < 0 || self.released_units < 0 || settled_units > i128::from(self.units) {
            return Err(Error::UnknownReservation);
        }
        for (reserved, committed, released) in [
            (self.block_reserved, self.block_committed, self.block_released),
            (self.window_reserved, self.window_committed, self.window_released),
        ] {
            let ok = reserved.0 >= 0
                && released.0 >= 0
                && committed == self.share(reserved, i128::from(self.filled_units))?
                && i128::from(committed.0).saturating_add(i128::from(released.0)) <= i128::from(reserved.0);
            if !ok {
                return Err(Error::UnknownReservation);
            }
        }
        Ok(())
    }

    /// `filled` units' share of `reserved` (`reserved × filled / units`,
    /// rounded up; 0 when the leg has no unit or `reserved` is negative).
    fn share(&self, reserved: Quote, filled: i128) -> Result<Quote> {
        if self.units <= 0 || reserved.0 < 0 {
            return Ok(Quote(0));
        }
        Quote::from_i128(num::mul_div(i128::from(reserved.0), filled, i128::from(self.units), Rounding::Ceil)?)
    }

    /// Reports `units` more of the leg filled: their share of the reserved
    /// notional stays booked (cumulative, `reserved × filled / units`
    /// rounded up, so all units filled keep exactly what was reserved).
    ///
    /// # Errors
    /// [`Error::UnknownReservation`] for a settled or inconsistent record;
    /// [`Error::CommitExceedsReservation`] for a negative count or more
    /// units than are open (the record is left as it was).
    pub fn commit(&mut self, units: i64) -> Result<()> {
        self.validate()?;
        if !self.is_open() {
            return Err(Error::UnknownReservation);
        }
        let open = num::sub(num::sub(i128::from(self.units), i128::from(self.filled_units))?, i128::from(self.released_units))?;
        if units < 0 || i128::from(units) > open {
            return Err(Error::CommitExceedsReservation);
        }
        let filled = num::add(i128::from(self.filled_units), i128::from(units))?;
        let (block_committed, window_committed) = (self.share(self.block_reserved, filled)?, self.share(self.window_reserved, filled)?);
        self.filled_units = i64::try_from(filled).map_err(|_| Error::Overflow)?;
        self.block_committed = block_committed;
        self.window_committed = window_committed;
        Ok(())
    }

    /// Gives back what no fill committed: `block_reserved − block_committed`
    /// from `account`'s block notional (while its block is still
    /// `self.block`; a later block has started afresh anyway) and
    /// `window_reserved − window_committed` from the market's window usage
    /// (while that window, started at `window_start`, is the market's
    /// current one), each at most what the state holds. The record is then
    /// settled.
    ///
    /// # Errors
    /// [`Error::UnknownReservation`] for a settled or inconsistent record
    /// (nothing written).
    pub fn release(&mut self, account: &mut AccountLiquidationState, market_states: &mut [MarketCapacityState]) -> Result<()> {
        self.validate()?;
        if !self.is_open() {
            return Err(Error::UnknownReservation);
        }
        // Each difference is ≥ 0 and fits (validated above).
        let block_rest = self.block_reserved.0.saturating_sub(self.block_committed.0);
        let window_rest = self.window_reserved.0.saturating_sub(self.window_committed.0);
        if account.block == self.block {
            account.block_notional = Quote(account.block_notional.0.saturating_sub(block_rest.min(account.block_notional.0.max(0))));
        }
        if self.window_reserved.0 > 0 {
            if let Some(state) = market_states.get_mut(self.market_index as usize) {
                if state.window_start == self.window_start {
                    state.used = Quote(state.used.0.saturating_sub(window_rest.min(state.used.0.max(0))));
                }
            }
        }
        self.released_units = self.units.saturating_sub(self.filled_units);
        self.block_released = Quote(block_rest);
        self.window_released = Quote(window_rest);
        Ok(())
    }
}
