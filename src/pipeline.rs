//! The whole pipeline in one call: trigger, choose, size, cap, price — or
//! escalate.
//!
//! [`run_pipeline`] takes a margin pool, a [`Policy`] and the caller-owned
//! rule state, and returns one [`Decision`] the engine can execute: either
//! nothing, liquidation orders (the legs, in the caller's buffer), or a
//! backstop transfer — with the [`Reason`] for it. The decision ladder:
//!
//! 1. Not liquidatable (and not mid-liquidation) → [`Action::None`].
//!    Mid-liquidation the policy's target applies (hysteresis): the account
//!    stays in liquidation until `equity ≥ target`.
//! 2. Equity below the policy's backstop fraction of maintenance, or below
//!    zero with a backstop available → [`Action::Backstop`].
//! 3. The block's insurance-loss limit reached (or, in
//!    [`crate::LimitMode::AtLeastOneLot`], either block limit exceeded) →
//!    nothing this block.
//! 4. Otherwise plan: each leg sized by the policy's [`SizingMode`], bounded by
//!    its step rules, priced at its limit. The plan restores the target
//!    ([`Reason::TargetRestored`]), or a rule capped the step and the next
//!    call continues ([`Reason::StepCapped`]), or no reduction can restore the
//!    target: backstop if the policy has one ([`Reason::Infeasible`] with
//!    [`Action::Backstop`]), else the best reachable legs, and when not even
//!    one leg helps, [`Action::Takeover`] by the insurance fund at bankruptcy.
//!
//! The rule state is updated as if the legs fill (the block's and window's
//! notional, the time of a partial step); bad debt from the actual fills is
//! booked with [`AccountLiquidationState::record_insurance_loss`].

use core::cell::Cell;

use crate::account::{Pool, MAX_POSITIONS};
use crate::error::{Error, Result};
use crate::escalation::{self, BackstopTransfer};
use crate::health::{self, HealthState};
use crate::market::Market;
use crate::num::{self, Price, Quote, Rounding};
use crate::plan::{self, Plan, PlanLeg, PlanParams, PlanStatus};
use crate::policy::{AccountLiquidationState, LimitMode, MarketCapacityState, Policy, SizingMode, StepContext};

/// What the engine should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Action {
    /// Nothing.
    None = 0,
    /// Send the plan's legs as liquidation orders.
    Liquidate = 1,
    /// Transfer the pool to the backstop vault (see `Decision::backstop`).
    Backstop = 2,
    /// No liquidation order can help and the policy has no backstop vault:
    /// the insurance fund takes the pool over at its bankruptcy price (Binance,
    /// BitMEX: "the insurance fund takes over"); `Decision::backstop` has the
    /// figures, its `deficit` is the fund's loss.
    Takeover = 3,
}

/// Why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Reason {
    /// Equity covers maintenance and no liquidation is under way.
    Healthy = 0,
    /// A liquidation was under way and the target is met: it ends.
    TargetMet = 1,
    /// The legs restore the target.
    TargetRestored = 2,
    /// A step rule (fraction, tier, close factor, portion, block or window
    /// limit) bounded the step; the target is not yet met and the next call
    /// continues. With [`Action::None`] and no leg: a rule other than the
    /// block's or the window's limit (a portion, fraction or ratio cap)
    /// allows less than one lot step of every position.
    StepCapped = 3,
    /// No partial reduction restores the target.
    Infeasible = 4,
    /// Equity fell below the policy's backstop fraction of maintenance.
    BelowBackstopFraction = 5,
    /// Equity is negative.
    Bankrupt = 6,
    /// The account's insurance-loss or notional limit for this block is used
    /// up (exceeded, in [`crate::LimitMode::AtLeastOneLot`]).
    BlockLimitReached = 7,
    /// The market's liquidation capacity for this window is used up.
    CapacityExhausted = 8,
}

/// One decision for one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// The plan (legs in the caller's buffer; `leg_count` 0 unless liquidating).
    pub plan: Plan,
    /// The transfer's figures when `action` is [`Action::Backstop`].
    pub backstop: Option<BackstopTransfer>,
}

/// Runs the pipeline for one margin pool.
///
/// `account_state` is this pool's rule state; `market_states` has one entry
/// per market (window capacity); `now` and `block` are the caller's clock and
/// block height; `legs` holds at least one entry per position. The states are
/// only updated when the call succeeds.
#[allow(clippy::too_many_arguments)]
pub fn run_pipeline(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    policy: &Policy,
    account_state: &mut AccountLiquidationState,
    market_states: &mut [MarketCapacityState],
    now: u64,
    block: u64,
    legs: &mut [PlanLeg],
) -> Result<Decision> {
    policy.validate()?;
    if policy.window_capacity.window > 0 && market_states.len() < markets.len() {
        return Err(Error::StateTooSmall);
    }
    let params = PlanParams { target: policy.target, price_band: policy.price_band, order: policy.order };
    let sums = health::pool_sums(pool, markets, prices)?;
    let health = health::Health::from_sums(&sums)?;
    let meets_target = num::sub(sums.equity, policy.target.required(&sums)?)? >= 0;
    let mid_liquidation = account_state.in_liquidation != 0;
    if health.state == HealthState::Healthy && (!mid_liquidation || meets_target) {
        let reason = if mid_liquidation { Reason::TargetMet } else { Reason::Healthy };
        let d = no_plan(health, Action::None, reason, &params, &sums)?;
        account_state.in_liquidation = 0;
        return Ok(d);
    }

    // Backstop by fraction (Hyperliquid: equity < 2/3 maintenance), or bankruptcy.
    let bf = policy.escalation.backstop_fraction;
    let has_backstop = bf.is_set() || policy.escalation.backstop_on_infeasible;
    // equity < (n / d) × maintenance  ⇔  equity × d < maintenance × n (exact).
    if bf.is_set()
        && sums.maintenance > 0
        && num::mul(sums.equity, i128::from(bf.denominator))? < num::mul(sums.maintenance, i128::from(bf.numerator))?
    {
        return backstop(pool, markets, prices, &params, &sums, Reason::BelowBackstopFraction, account_state);
    }
    if sums.equity < 0 && has_backstop {
        return backstop(pool, markets, prices, &params, &sums, Reason::Bankrupt, account_state);
    }
    // Block limits: hard caps stop at the limit; dYdX's mode only once it
    // is exceeded (its GetSubaccountMax* fail only when used > max).
    let at_least_one_lot = policy.position_limits.mode == LimitMode::AtLeastOneLot;
    let loss = account_state.insurance_loss_in(block);
    let max_loss = i128::from(policy.block_limits.max_insurance_loss.0);
    let notional_limited = policy.block_limits.max_notional.0 != i64::MAX;
    let notional_left = num::sub(i128::from(policy.block_limits.max_notional.0), account_state.notional_in(block))?;
    let block_done = if at_least_one_lot { loss > max_loss || (notional_limited && notional_left < 0) } else { loss >= max_loss };
    if block_done {
        return no_plan(health, Action::None, Reason::BlockLimitReached, &params, &sums);
    }

    let block_budget = if !notional_limited {
        i128::MAX
    } else if at_least_one_lot {
        notional_left
    } else {
        notional_left.max(0)
    };
    // Notional booked to the block per leg: rounded up (it must not be
    // under-counted) except in dYdX's mode, which books a fill's notional
    // rounded down (GetNetNotional of a positive size truncates).
    let block_rounding = if at_least_one_lot { Rounding::Floor } else { Rounding::Ceil };
    let total_abs_notional = {
        let mut t: i128 = 0;
        for p in pool.positions.iter().filter(|p| p.size.0 != 0) {
            let (m, price) = health::market_and_price(markets, prices, p.market_index)?;
            t = num::add(
                t,
                num::div_round(
                    m.scaled_notional(i128::from(p.size.0), price)?.checked_abs().ok_or(Error::Overflow)?,
                    m.notional_denominator()?,
                    Rounding::Floor,
                )?,
            )?;
        }
        t
    };
    let in_cooldown = account_state.in_cooldown(&policy.fraction_cap, now);
    let capped = Cell::new(false);
    let exhausted = Cell::new(false);
    // Which limit left a position no unit: the block's, the window's, another rule.
    let zero_block = Cell::new(false);
    let zero_window = Cell::new(false);
    // Notional this call's earlier legs already take from the block's and
    // each market's window budget (legs are bounded together, not each alone).
    let block_used = Cell::new(0i128);
    // Cells, not a RefCell: a RefCell's borrow can panic (and its panic path
    // would be linked into partliq_run_pipeline; scripts/panic-check.sh).
    let mut window_table = [(u32::MAX, 0i128); MAX_POSITIONS];
    let window_used = Cell::from_mut(&mut window_table[..]).as_slice_of_cells();
    let less = |budget: i128, used: i128| if budget == i128::MAX { budget } else { budget.saturating_sub(used).max(0) };
    // dYdX's mode keeps an exceeded block negative (no liquidation for that leg).
    let block_left = |used: i128| {
        if block_budget == i128::MAX || !at_least_one_lot {
            less(block_budget, used)
        } else {
            block_budget.saturating_sub(used)
        }
    };
    let step = |i: usize, model: &crate::sizing::CloseModel<'_>, sol: &crate::sizing::Solution| -> Result<i128> {
        let pos = pool.positions.get(i).ok_or(Error::UnknownPosition)?;
        let used_in_market = window_used.iter().map(Cell::get).find(|(m, _)| *m == pos.market_index).map_or(0, |(_, u)| u);
        let window_budget = match market_states.get(pos.market_index as usize) {
            Some(ms) => less(ms.remaining(&policy.window_capacity, now), used_in_market),
            None => i128::MAX,
        };
        let ctx = StepContext {
            market: model.market,
            mark: model.mark,
            units: model.size.checked_abs().ok_or(Error::Overflow)?,
            equity: sums.equity,
            maintenance: sums.maintenance,
            total_abs_notional,
            in_cooldown,
            block_budget: block_left(block_used.get()),
            window_budget,
        };
        let b = ctx.bounds(policy)?;
        let desired = match policy.sizing {
            SizingMode::Minimal => sol.units,
            SizingMode::MaxAllowed => ctx.units,
        };
        let units = ctx.apply_min_remainder(policy, b.clamp(desired), b.max_units)?;
        if units < desired && desired > 0 {
            capped.set(true);
            if units == 0 {
                exhausted.set(true);
                if b.block_blocks {
                    zero_block.set(true);
                } else if b.window_blocks {
                    zero_window.set(true);
                }
            }
        }
        if units > 0 {
            block_used.set(num::add(block_used.get(), leg_notional(model.market, units, model.mark, block_rounding)?)?);
            let notional = leg_notional(model.market, units, model.mark, Rounding::Ceil)?;
            let slot =
                window_used.iter().find(|c| c.get().0 == pos.market_index || c.get().0 == u32::MAX).ok_or(Error::TooManyPositions)?;
            slot.set((pos.market_index, num::add(slot.get().1, notional)?));
        }
        Ok(units)
    };
    let plan = plan::plan_stepped(pool, markets, prices, &params, &step, legs)?;

    let (action, reason) = match plan.status {
        PlanStatus::AlreadySafe => (Action::None, Reason::TargetMet),
        PlanStatus::Restored => (Action::Liquidate, Reason::TargetRestored),
        PlanStatus::Infeasible if plan.leg_count == 0 && exhausted.get() => {
            let r = if zero_block.get() {
                Reason::BlockLimitReached
            } else if zero_window.get() {
                Reason::CapacityExhausted
            } else {
                Reason::StepCapped
            };
            (Action::None, r)
        }
        PlanStatus::Infeasible if capped.get() => (Action::Liquidate, Reason::StepCapped),
        PlanStatus::Infeasible if policy.escalation.backstop_on_infeasible => {
            return backstop(pool, markets, prices, &params, &sums, Reason::Infeasible, account_state);
        }
        PlanStatus::Infeasible if plan.leg_count == 0 => {
            let mut d = backstop(pool, markets, prices, &params, &sums, Reason::Infeasible, account_state)?;
            d.action = Action::Takeover;
            return Ok(d);
        }
        PlanStatus::Infeasible => (Action::Liquidate, Reason::Infeasible),
    };

    // Book the planned legs in the rule state: on copies first (the account's
    // and each touched market's), written back only when every leg booked.
    let mut st = *account_state;
    st.roll(block);
    let mut staged = [(usize::MAX, MarketCapacityState::default()); MAX_POSITIONS];
    let mut n_staged = 0usize;
    let mut partial = false;
    for leg in legs.get(..plan.leg_count).ok_or(Error::BufferTooSmall)? {
        let pos = pool.positions.get(leg.position_index as usize).ok_or(Error::UnknownPosition)?;
        let (m, price) = health::market_and_price(markets, prices, pos.market_index)?;
        let units = i128::from(leg.size_delta.0);
        st.block_notional = Quote::from_i128(num::add(i128::from(st.block_notional.0), leg_notional(m, units, price, block_rounding)?)?)?;
        let notional = leg_notional(m, units, price, Rounding::Ceil)?;
        let mi = pos.market_index as usize;
        if let Some(ms) = market_states.get(mi) {
            let k = match staged.get(..n_staged).ok_or(Error::TooManyPositions)?.iter().position(|(i, _)| *i == mi) {
                Some(k) => k,
                None => {
                    *staged.get_mut(n_staged).ok_or(Error::TooManyPositions)? = (mi, *ms);
                    n_staged = n_staged.saturating_add(1);
                    n_staged.saturating_sub(1)
                }
            };
            staged.get_mut(k).ok_or(Error::TooManyPositions)?.1.record(&policy.window_capacity, now, notional)?;
        }
        partial |= leg.size_delta.0.unsigned_abs() < pos.size.0.unsigned_abs();
    }
    for (mi, ms) in staged.get(..n_staged).ok_or(Error::TooManyPositions)? {
        *market_states.get_mut(*mi).ok_or(Error::StateTooSmall)? = *ms;
    }
    if action == Action::Liquidate && partial {
        st.last_partial_time = now;
        st.has_partial = 1;
    }
    // Mid-liquidation until the target is met (hysteresis).
    st.in_liquidation = u32::from(action == Action::Liquidate && reason != Reason::TargetRestored);
    *account_state = st;
    Ok(Decision { action, reason, plan, backstop: None })
}

/// Notional of a leg at mark, rounded as named: what it takes from the
/// block's (up, or down in dYdX's mode) and the window's (up) budgets.
fn leg_notional(market: &Market, units: i128, mark: i128, rounding: Rounding) -> Result<i128> {
    let scaled = market.scaled_notional(units, mark)?.checked_abs().ok_or(Error::Overflow)?;
    num::div_round(scaled, market.notional_denominator()?, rounding)
}

fn no_plan(health: health::Health, action: Action, reason: Reason, params: &PlanParams, sums: &health::Sums) -> Result<Decision> {
    let required = params.target.required(sums)?;
    Ok(Decision {
        action,
        reason,
        plan: Plan {
            status: PlanStatus::AlreadySafe,
            leg_count: 0,
            health_before: health,
            health_after: health,
            required_equity_after: Quote::from_i128(required)?,
            shortfall: Quote::from_i128(num::sub(required, sums.equity)?.max(0))?,
            dust_closed: false,
        },
        backstop: None,
    })
}

fn backstop(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    params: &PlanParams,
    sums: &health::Sums,
    reason: Reason,
    account_state: &mut AccountLiquidationState,
) -> Result<Decision> {
    let transfer = escalation::backstop_transfer(pool, markets, prices)?;
    let mut d = no_plan(transfer.health, Action::Backstop, reason, params, sums)?;
    d.plan.status = PlanStatus::Infeasible;
    d.backstop = Some(transfer);
    account_state.in_liquidation = 0;
    Ok(d)
}
