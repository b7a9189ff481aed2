//! The whole pipeline in one call: trigger, choose, size, cap, price — or
//! escalate.
//!
//! [`run_pipeline`] takes a margin pool, a [`Policy`] and the caller-owned
//! rule state, and returns one [`Decision`] the engine can execute: either
//! nothing, liquidation orders (the legs, in the caller's buffer), or a
//! backstop transfer — with the [`Reason`] for it. The decision ladder, one
//! small function a rung:
//!
//! 1. **Trigger** (`trigger`): not liquidatable and not mid-liquidation →
//!    [`Action::None`]. Mid-liquidation the policy's target applies
//!    (hysteresis): the account stays in liquidation until `equity ≥ target`.
//!    Then escalation before any order (`backstop_at_once`): equity below
//!    the policy's backstop fraction of maintenance, or below zero with a
//!    backstop available → [`Action::Backstop`]; and the block's limits
//!    (the insurance-loss limit reached or, in
//!    [`crate::LimitMode::AtLeastOneLot`], either block limit exceeded) →
//!    nothing this block.
//! 2. **Choose**, 3. **size**, 5. **price**: the planner
//!    ([`crate::plan`]) takes the positions in the policy's order, sizes each
//!    leg by the policy's [`SizingMode`] and prices it at its limit;
//! 4. **cap** (`cap_leg`): each leg bounded by the policy's step rules and
//!    the block's and windows' notional budgets ([`crate::policy`]).
//! 6. **Escalate** (`escalate`): the legs restore the target
//!    ([`Reason::TargetRestored`]), or a rule capped the step and the next
//!    call continues ([`Reason::StepCapped`]), or no reduction can restore the
//!    target: backstop if the policy has one ([`Reason::Infeasible`] with
//!    [`Action::Backstop`]), else the best reachable legs, and when not even
//!    one leg helps, [`Action::Takeover`] by the insurance fund at bankruptcy.
//!
//! Between 1 and 2, the policy's emergency bypass
//! ([`crate::policy::EmergencyBypass`], off by default) may lift every step
//! rule for the call: the legs are then the least close that restores the
//! target, uncapped ([`Reason::EmergencyBypass`]).
//!
//! The rule state is updated as if the legs fill (the block's and window's
//! notional, the time of a partial step); bad debt from the actual fills is
//! booked with [`AccountLiquidationState::record_insurance_loss`]. With
//! [`run_pipeline_reserving`] each leg's booked notional is also recorded
//! as a [`LegReservation`]: the caller commits what filled and releases the
//! rest, so a partly filled IOC is booked as what filled.
//!
//! **Outputs only on success.** The legs are planned into a staging buffer
//! and the new rule state is computed on copies; the caller's legs buffer,
//! `account_state` and `market_states` are written only when the call
//! returns `Ok`, and only then. On an error every output is as it was.

use crate::account::{Pool, MAX_POSITIONS};
use crate::error::{Error, Result};
use crate::escalation::{self, BackstopTransfer};
use crate::health::{self, Health, HealthState, Sums};
use crate::market::Market;
use crate::num::{self, Price, Quote, Rounding};
use crate::oracle::{self, LimitSource, PriceFeed, PriceGuard, PriceUse};
use crate::plan::{self, Plan, PlanLeg, PlanParams, PlanStatus};
use crate::policy::{
    AccountLiquidationState, CallEnd, Clock, LegBudget, LegReservation, LegSize, MarketCapacityState, Policy, RuleStateUpdate, SizingMode,
    StepBounds, StepContext,
};
use crate::ramps::LegPricing;
use crate::sizing::{CloseModel, Solution};

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
    /// Cancel the pool's resting orders before any liquidation order (a
    /// unified pool's first step: Drift, Mango, Binance portfolio margin and
    /// Bybit cancel first); call again once they are cancelled. The plan has
    /// no leg (status `AlreadySafe`, as every decision without legs) and
    /// carries the pool's health and shortfall.
    CancelOrders = 4,
    /// The pool has nothing more to give (no deposit, no open position, no
    /// gain) and still owes: each negative quote balance and each borrow is
    /// a deficit for the bankruptcy waterfall
    /// ([`crate::unified::resolve_deficit`]). Unified pools only.
    ResolveDeficit = 5,
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
    /// A liquidation is due and the pool has resting orders: they go first.
    OpenOrders = 9,
    /// The price of a market the pool holds is not valid under the policy's
    /// [`crate::oracle::PriceGuard`] (stale, too uncertain, deviating, not
    /// positive, or a source it reads not given): no liquidation, no guess.
    PriceInvalid = 10,
    /// A market the pool holds is in its liquidation grace period.
    GracePeriod = 11,
    /// The policy's emergency bypass ([`crate::policy::EmergencyBypass`])
    /// lifted the step rules: the legs are the least close that restores the
    /// target, uncapped (equity below the bypass fraction of maintenance, or
    /// projected negative after the capped step).
    EmergencyBypass = 12,
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
/// block height; `legs` holds at least one entry per position.
///
/// Writes its outputs only on success: on `Ok`, the decision's legs to the
/// front of `legs` (nothing past `leg_count`) and the updated states; on an
/// error, nothing at all — `legs`, `account_state` and `market_states` are
/// left as they were, so a caller can pass its own buffers straight through.
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
    run(pool, markets, prices, policy, account_state, market_states, Clock { now, block }, legs, None, None)
}

/// [`run_pipeline`], with each planned leg's booked notional recorded as a
/// [`LegReservation`] in `reservations` (entry `k` for leg `k`): the
/// budgets count a step's legs from the moment they are planned, and once
/// the orders are done the caller reports each leg's fill
/// ([`LegReservation::commit`]) and gives the rest back
/// ([`LegReservation::release`]), so that an IOC that filled only in part
/// is booked as what filled. Records past the decision's `leg_count` are
/// left as they were.
///
/// # Errors
/// As [`run_pipeline`]; [`Error::ReservationTableFull`] when a record in
/// `reservations` is still open (settle the previous step first);
/// [`Error::BufferTooSmall`] when it has fewer entries than the legs.
/// Nothing is written on an error.
#[allow(clippy::too_many_arguments)]
pub fn run_pipeline_reserving(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    policy: &Policy,
    account_state: &mut AccountLiquidationState,
    market_states: &mut [MarketCapacityState],
    now: u64,
    block: u64,
    legs: &mut [PlanLeg],
    reservations: &mut [LegReservation],
) -> Result<Decision> {
    for r in reservations.iter() {
        r.validate()?;
        if r.is_open() {
            return Err(Error::ReservationTableFull);
        }
    }
    run(pool, markets, prices, policy, account_state, market_states, Clock { now, block }, legs, Some(reservations), None)
}

/// The pipeline, with the legs' reservations recorded when asked.
#[allow(clippy::too_many_arguments)]
fn run(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    policy: &Policy,
    account_state: &mut AccountLiquidationState,
    market_states: &mut [MarketCapacityState],
    clock: Clock,
    legs: &mut [PlanLeg],
    reservations: Option<&mut [LegReservation]>,
    limit_source: Option<LimitSource<'_>>,
) -> Result<Decision> {
    let Clock { now, block } = clock;
    policy.validate()?;
    if policy.window_capacity.window > 0 && market_states.len() < markets.len() {
        return Err(Error::StateTooSmall);
    }
    let view = PoolView::read(pool, markets, prices, policy)?;

    // 1. Trigger, and escalation before any order.
    if let Some(reason) = trigger(&view, policy, account_state)? {
        let decision = view.no_plan(view.health, Action::None, reason)?;
        account_state.in_liquidation = false;
        account_state.end_liquidation();
        return Ok(decision);
    }
    if let Some(reason) = backstop_at_once(&view, policy)? {
        return view.backstop(reason, account_state);
    }
    // The ramps at this call's time in liquidation (0 for the call that
    // starts it).
    let elapsed = account_state.time_in_liquidation(now);
    let pricing = LegPricing::at(&policy.ramps, policy.price_band, elapsed).with_limit_source(limit_source);

    // 2–5. Choose, size, cap, price: the planner orders, sizes and prices
    // the legs, `cap_leg` bounds each; into a staging buffer as long as the
    // caller's (so a short buffer is the planner's `BufferTooSmall`). The
    // emergency bypass plans uncapped instead (`plan_step`).
    let mut staged = [PlanLeg::default(); MAX_POSITIONS];
    let room = staged.get_mut(..legs.len().min(MAX_POSITIONS)).ok_or(Error::BufferTooSmall)?;
    let step = match plan_step(&view, policy, account_state, market_states, Clock { now, block }, &pricing, elapsed, room)? {
        Step::Planned(step) => step,
        Step::BlockDone => return view.no_plan(view.health, Action::None, Reason::BlockLimitReached),
    };
    let plan = step.plan;

    // 6. Escalate.
    let (action, reason) = match escalate(&plan, &step.caps, policy) {
        Escalation::Decided(Action::Liquidate, _) if step.bypassed => (Action::Liquidate, Reason::EmergencyBypass),
        Escalation::Decided(action, reason) => (action, reason),
        Escalation::Backstop => return view.backstop(Reason::Infeasible, account_state),
        Escalation::Takeover => {
            let mut decision = view.backstop(Reason::Infeasible, account_state)?;
            decision.action = Action::Takeover;
            return Ok(decision);
        }
    };

    // Book the legs into the rule state (on copies), then write every output.
    let planned = staged.get(..plan.leg_count).ok_or(Error::BufferTooSmall)?;
    let out = legs.get_mut(..plan.leg_count).ok_or(Error::BufferTooSmall)?;
    let end = match (action, plan.status) {
        (Action::Liquidate, PlanStatus::Restored) => CallEnd::OrdersRestore,
        (Action::Liquidate, _) => CallEnd::OrdersContinue,
        _ => CallEnd::NoOrders,
    };
    // The liquidation runs on unless the legs restore the target or the plan
    // finds the pool safe.
    let running = end != CallEnd::OrdersRestore && plan.status != PlanStatus::AlreadySafe;
    let update =
        account_state.book(market_states, policy, planned.iter().map(|leg| leg_size(&view, leg)), Clock { now, block }, end, running)?;
    let mut records = [LegReservation::default(); MAX_POSITIONS];
    let records = records.get_mut(..plan.leg_count).ok_or(Error::BufferTooSmall)?;
    let reserved = match reservations {
        Some(out) => {
            for (record, leg) in records.iter_mut().zip(planned) {
                *record = reservation_of(&view, policy, &update, block, leg)?;
            }
            Some(out.get_mut(..plan.leg_count).ok_or(Error::BufferTooSmall)?)
        }
        None => None,
    };
    out.copy_from_slice(planned);
    update.commit(account_state, market_states);
    if let Some(reserved) = reserved {
        reserved.copy_from_slice(records);
    }
    Ok(Decision { action, reason, plan, backstop: None })
}

/// [`run_pipeline`] behind a [`PriceGuard`]: `feeds[i]` is market `i`'s
/// [`PriceFeed`] and `prices` the marks the caller resolved from them for
/// the trigger ([`crate::oracle::resolve_prices`] with
/// [`crate::oracle::PriceUse::Trigger`]).
///
/// Before anything else, over the markets the pool holds a position in
/// (size ≠ 0):
///
/// * a feed the guard refuses for the trigger or the limit price →
///   [`Action::None`], [`Reason::PriceInvalid`], no leg and every plan
///   figure 0 (nothing is priced: the health is not judged, its state reads
///   `Healthy` and means nothing here);
/// * a market in its grace period (`now < grace_until`) → [`Action::None`],
///   [`Reason::GracePeriod`], with the pool's health as it stands.
///
/// Neither touches the rule state (a liquidation under way stays under way).
/// Otherwise `run_pipeline` with `prices` (health, trigger, sizing and the
/// step rules read the trigger price), once each held market's mark is
/// checked to be the guard's trigger price — except that each leg's limit
/// price is priced around the guard's limit price of its market
/// ([`crate::oracle::PriceUse::Limit`]) and held between the limit around
/// the mark (never worse for the account: the band from the mark is never
/// exceeded) and the mark itself (never better: no fill better than the
/// mark is counted on); the legs are sized at that limit, so the target is
/// reached when they fill at it (the rule in full: [`crate::oracle`], "The
/// order limit"). With the limit source the trigger's the decision is
/// exactly `run_pipeline`'s. Outputs only on success, as `run_pipeline`.
///
/// Errors: the policy's and [`Error::StateTooSmall`] first, as
/// `run_pipeline`'s; [`Error::MarketDataTooShort`] when `feeds` is shorter
/// than `markets`; [`Error::PriceNotGuarded`] when a held market's mark is not its
/// feed's trigger price; those of `run_pipeline` and
/// [`PriceGuard::validity`].
#[allow(clippy::too_many_arguments)]
pub fn run_guarded_pipeline(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    feeds: &[PriceFeed],
    guard: &PriceGuard,
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
    if let Some(decision) = price_gate(pool, markets, prices, feeds, guard, policy, now)? {
        return Ok(decision);
    }
    let limit_source = LimitSource { guard, feeds, now };
    run(pool, markets, prices, policy, account_state, market_states, Clock { now, block }, legs, None, Some(limit_source))
}

/// The guard's gate before a pipeline: `Some(decision)` when the pool's
/// prices refuse a liquidation ([`Reason::PriceInvalid`],
/// [`Reason::GracePeriod`]), `None` when it may run on `prices`.
fn price_gate(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    feeds: &[PriceFeed],
    guard: &PriceGuard,
    policy: &Policy,
    now: u64,
) -> Result<Option<Decision>> {
    if feeds.len() < markets.len() {
        return Err(Error::MarketDataTooShort);
    }
    for p in pool.positions {
        usize::try_from(p.market_index).ok().and_then(|i| markets.get(i)).ok_or(Error::UnknownMarket)?;
    }
    if guard.first_invalid(pool, feeds, now)?.is_some() {
        return Ok(Some(unpriced(Reason::PriceInvalid)));
    }
    for p in pool.positions.iter().filter(|p| p.size.0 != 0) {
        let feed = oracle::feed_of(feeds, p.market_index)?;
        let mark = usize::try_from(p.market_index).ok().and_then(|i| prices.get(i));
        if guard.price(feed, now, PriceUse::Trigger)?.ok() != mark.copied() {
            return Err(Error::PriceNotGuarded);
        }
    }
    if oracle::first_in_grace(pool, feeds, now)?.is_some() {
        let view = PoolView::read(pool, markets, prices, policy)?;
        return Ok(Some(view.no_plan(view.health, Action::None, Reason::GracePeriod)?));
    }
    Ok(None)
}

/// A decision with no leg and no figure: nothing could be priced.
fn unpriced(reason: Reason) -> Decision {
    let zero = Health {
        equity: Quote(0),
        initial_requirement: Quote(0),
        maintenance_requirement: Quote(0),
        free_collateral: Quote(0),
        margin_ratio_ppm: 0,
        state: HealthState::Healthy,
    };
    Decision {
        action: Action::None,
        reason,
        plan: Plan {
            status: PlanStatus::AlreadySafe,
            leg_count: 0,
            health_before: zero,
            health_after: zero,
            required_equity_after: Quote(0),
            shortfall: Quote(0),
            dust_closed: false,
        },
        backstop: None,
    }
}

/// The pool as the pipeline reads it once: its markets and marks, the
/// policy's plan parameters, the pool's exact sums and its health.
struct PoolView<'a> {
    pool: &'a Pool<'a>,
    markets: &'a [Market],
    prices: &'a [Price],
    params: PlanParams,
    sums: Sums,
    health: Health,
}

impl<'a> PoolView<'a> {
    /// Reads the pool's sums and health.
    fn read(pool: &'a Pool<'a>, markets: &'a [Market], prices: &'a [Price], policy: &Policy) -> Result<Self> {
        let params = PlanParams { target: policy.target, price_band: policy.price_band, order: policy.order };
        let sums = health::pool_sums(pool, markets, prices)?;
        let health = Health::from_sums(&sums)?;
        Ok(PoolView { pool, markets, prices, params, sums, health })
    }

    /// A decision with no legs: the pool as it is against the target.
    fn no_plan(&self, health: Health, action: Action, reason: Reason) -> Result<Decision> {
        let required = self.params.target.required(&self.sums)?;
        Ok(Decision {
            action,
            reason,
            plan: Plan {
                status: PlanStatus::AlreadySafe,
                leg_count: 0,
                health_before: health,
                health_after: health,
                required_equity_after: Quote::from_i128(required)?,
                shortfall: Quote::from_i128(num::sub(required, self.sums.equity)?.max(0))?,
                dust_closed: false,
            },
            backstop: None,
        })
    }

    /// The pool goes whole to the backstop vault; the liquidation ends.
    fn backstop(&self, reason: Reason, account_state: &mut AccountLiquidationState) -> Result<Decision> {
        let transfer = escalation::backstop_transfer(self.pool, self.markets, self.prices)?;
        let mut decision = self.no_plan(transfer.health, Action::Backstop, reason)?;
        decision.plan.status = PlanStatus::Infeasible;
        decision.backstop = Some(transfer);
        account_state.in_liquidation = false;
        account_state.end_liquidation();
        Ok(decision)
    }
}

/// Rung 0, for a pool with resting orders: when a liquidation is due (the
/// trigger does not stop it), the decision to cancel them first
/// ([`Action::CancelOrders`], [`Reason::OpenOrders`], no leg); `None` when no
/// liquidation is due. Leaves the rule state as it is.
pub(crate) fn cancel_orders_first(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    policy: &Policy,
    state: &AccountLiquidationState,
) -> Result<Option<Decision>> {
    policy.validate()?;
    let view = PoolView::read(pool, markets, prices, policy)?;
    if trigger(&view, policy, state)?.is_some() {
        return Ok(None);
    }
    Ok(Some(view.no_plan(view.health, Action::CancelOrders, Reason::OpenOrders)?))
}

/// Rung 1, trigger: `Some(reason)` when no liquidation runs — the pool is healthy
/// and either no liquidation is under way ([`Reason::Healthy`]) or the one
/// under way has met the policy's target ([`Reason::TargetMet`]).
fn trigger(view: &PoolView<'_>, policy: &Policy, state: &AccountLiquidationState) -> Result<Option<Reason>> {
    let meets_target = num::sub(view.sums.equity, policy.target.required(&view.sums)?)? >= 0;
    if view.health.state != HealthState::Healthy || (state.in_liquidation && !meets_target) {
        return Ok(None);
    }
    Ok(Some(if state.in_liquidation { Reason::TargetMet } else { Reason::Healthy }))
}

/// Escalation before any order: `Some(reason)` when the pool goes to the
/// backstop at once — equity below the policy's backstop fraction of
/// maintenance (Hyperliquid: 2/3), or negative with a backstop available.
fn backstop_at_once(view: &PoolView<'_>, policy: &Policy) -> Result<Option<Reason>> {
    let bf = policy.escalation.backstop_fraction;
    let (equity, maintenance) = (view.sums.equity, view.sums.maintenance);
    // equity < (n / d) × maintenance  ⇔  equity × d < maintenance × n (exact).
    if bf.is_set() && maintenance > 0 && num::mul(equity, i128::from(bf.denominator))? < num::mul(maintenance, i128::from(bf.numerator))? {
        return Ok(Some(Reason::BelowBackstopFraction));
    }
    let has_backstop = bf.is_set() || policy.escalation.backstop_on_infeasible;
    Ok((equity < 0 && has_backstop).then_some(Reason::Bankrupt))
}

/// A planned step: the plan, what the caps did, whether the emergency
/// bypass lifted them.
struct PlannedStep {
    plan: Plan,
    caps: Caps,
    bypassed: bool,
}

/// What rungs 2–5 give.
enum Step {
    /// The legs (in the staging buffer) and the plan.
    Planned(PlannedStep),
    /// The block's limits stop liquidation for this block (no bypass).
    BlockDone,
}

/// Rungs 2–5 with the emergency bypass: below the bypass fraction, the
/// uncapped least close at once; else the capped step, replaced by the
/// uncapped close when a rule bounded it (or the block's limits allow no
/// step) and the projection after it is negative
/// ([`crate::policy::EmergencyBypass`]).
#[allow(clippy::too_many_arguments)]
fn plan_step(
    view: &PoolView<'_>,
    policy: &Policy,
    state: &AccountLiquidationState,
    market_states: &[MarketCapacityState],
    clock: Clock,
    pricing: &LegPricing<'_>,
    elapsed: u64,
    room: &mut [PlanLeg],
) -> Result<Step> {
    let bypass = &policy.emergency_bypass;
    if bypass.below(view.sums.equity, view.sums.maintenance)? {
        return Ok(Step::Planned(plan_uncapped(view, policy, pricing, room)?));
    }
    let mut budget = LegBudget::open(policy, state, clock.block)?;
    if budget.block_done() {
        if bypass.project && projected_equity(view, policy, &[], view.sums.equity)? < 0 {
            return Ok(Step::Planned(plan_uncapped(view, policy, pricing, room)?));
        }
        return Ok(Step::BlockDone);
    }
    let rules = StepRules::read(view, policy, state, market_states, clock.now, elapsed)?;
    let mut caps = Caps::default();
    let plan = plan::plan_stepped(
        view.pool,
        view.markets,
        view.prices,
        &view.params,
        pricing,
        &mut |i, model, sol| cap_leg(&rules, &mut budget, &mut caps, i, model, sol),
        room,
    )?;
    if bypass.project && caps.capped {
        let legs = room.get(..plan.leg_count).ok_or(Error::BufferTooSmall)?;
        if projected_equity(view, policy, legs, i128::from(plan.health_after.equity.0))? < 0 {
            return Ok(Step::Planned(plan_uncapped(view, policy, pricing, room)?));
        }
    }
    Ok(Step::Planned(PlannedStep { plan, caps, bypassed: false }))
}

/// The emergency bypass's step: every step rule lifted, each leg the
/// solver's least close (whatever the policy's sizing). When no partial
/// reduction restores the target and the policy does not backstop then,
/// every position closes whole (the most the book can be asked for: the
/// step must not stall on an unreachable target).
fn plan_uncapped(view: &PoolView<'_>, policy: &Policy, pricing: &LegPricing<'_>, room: &mut [PlanLeg]) -> Result<PlannedStep> {
    let mut plan = plan::plan_stepped(view.pool, view.markets, view.prices, &view.params, pricing, &mut |_, _, sol| Ok(sol.units), room)?;
    if plan.status == PlanStatus::Infeasible && !policy.escalation.backstop_on_infeasible {
        let whole = |_: usize, model: &CloseModel<'_>, _: &Solution| model.size.checked_abs().ok_or(Error::Overflow);
        plan = plan::plan_stepped(view.pool, view.markets, view.prices, &view.params, pricing, &mut { whole }, room)?;
    }
    Ok(PlannedStep { plan, caps: Caps::default(), bypassed: true })
}

/// The emergency bypass's projection: `equity_after` (the pool's equity
/// once `legs` fill at their limits) less, for every position the legs
/// leave open, its remaining notional at the mark times the policy's
/// adverse move, rounded up (the loss is against the account).
fn projected_equity(view: &PoolView<'_>, policy: &Policy, legs: &[PlanLeg], equity_after: i128) -> Result<i128> {
    let adverse = i128::from(policy.emergency_bypass.adverse_move.0);
    let mut projected = equity_after;
    for (i, p) in view.pool.positions.iter().enumerate() {
        let delta =
            legs.iter().filter(|l| l.position_index as usize == i).try_fold(0i128, |acc, l| num::add(acc, i128::from(l.size_delta.0)))?;
        let remaining = num::add(i128::from(p.size.0), delta)?;
        if remaining == 0 || adverse == 0 {
            continue;
        }
        let (market, mark) = health::market_and_price(view.markets, view.prices, p.market_index)?;
        let notional = market.abs_notional(remaining, mark, Rounding::Ceil)?;
        projected = num::sub(projected, num::mul_div(notional, adverse, num::PPM, Rounding::Ceil)?)?;
    }
    Ok(projected)
}

/// What the step rules read for every leg of one call.
struct StepRules<'a> {
    policy: &'a Policy,
    pool: &'a Pool<'a>,
    /// Pool equity and maintenance before the call.
    equity: i128,
    maintenance: i128,
    /// Σ |notional| over the pool's positions (Perp v2's ratio), rounded down.
    total_abs_notional: i128,
    in_cooldown: bool,
    /// The fraction ramp's cap on every step of the call.
    ramp_fraction: Option<crate::num::Ppm>,
    market_states: &'a [MarketCapacityState],
    now: u64,
}

impl<'a> StepRules<'a> {
    /// The rules' view of the pool at the start of the call.
    fn read(
        view: &PoolView<'a>,
        policy: &'a Policy,
        state: &AccountLiquidationState,
        market_states: &'a [MarketCapacityState],
        now: u64,
        elapsed: u64,
    ) -> Result<Self> {
        let mut total_abs_notional: i128 = 0;
        for p in view.pool.positions.iter().filter(|p| p.size.0 != 0) {
            let (m, price) = health::market_and_price(view.markets, view.prices, p.market_index)?;
            total_abs_notional = num::add(total_abs_notional, m.abs_notional(i128::from(p.size.0), price, Rounding::Floor)?)?;
        }
        Ok(StepRules {
            policy,
            pool: view.pool,
            equity: view.sums.equity,
            maintenance: view.sums.maintenance,
            total_abs_notional,
            in_cooldown: state.in_cooldown(&policy.fraction_cap, now),
            ramp_fraction: policy.ramps.fraction.cap_for(num::sub(policy.target.required(&view.sums)?, view.sums.equity)?, elapsed),
            market_states,
            now,
        })
    }
}

/// What the caps did to the legs of one call.
#[derive(Default)]
struct Caps {
    /// A rule closed less than the sizing mode wanted.
    capped: bool,
    /// A rule left a position no unit at all.
    exhausted: bool,
    /// Which limit left a position no unit: the block's, the window's (else
    /// another rule).
    zero_block: bool,
    zero_window: bool,
}

impl Caps {
    /// Notes a leg capped from `desired` to `units` within `bounds`.
    fn note(&mut self, units: i128, desired: i128, bounds: &StepBounds) {
        if units >= desired || desired <= 0 {
            return;
        }
        self.capped = true;
        if units == 0 {
            self.exhausted = true;
            if bounds.block_blocks {
                self.zero_block = true;
            } else if bounds.window_blocks {
                self.zero_window = true;
            }
        }
    }

    /// Why no leg went out when the caps left every position no unit.
    fn zero_reason(&self) -> Reason {
        if self.zero_block {
            Reason::BlockLimitReached
        } else if self.zero_window {
            Reason::CapacityExhausted
        } else {
            Reason::StepCapped
        }
    }
}

/// Rung 4, cap: the units one leg closes — the solver's least close (`Minimal`)
/// or the whole position (`MaxAllowed`), bounded by every step rule and by
/// the block's and window's budgets left — taken from those budgets.
fn cap_leg(
    rules: &StepRules<'_>,
    budget: &mut LegBudget,
    caps: &mut Caps,
    i: usize,
    model: &CloseModel<'_>,
    sol: &Solution,
) -> Result<i128> {
    let pos = rules.pool.positions.get(i).ok_or(Error::UnknownPosition)?;
    let policy = rules.policy;
    let window_budget =
        budget.window_budget(pos.market_index, rules.market_states.get(pos.market_index as usize), &policy.window_capacity, rules.now);
    let ctx = StepContext {
        market: model.market,
        mark: model.mark,
        units: model.size.checked_abs().ok_or(Error::Overflow)?,
        equity: rules.equity,
        maintenance: rules.maintenance,
        total_abs_notional: rules.total_abs_notional,
        in_cooldown: rules.in_cooldown,
        ramp_fraction: rules.ramp_fraction,
        block_budget: budget.block_budget(),
        window_budget,
    };
    let bounds = ctx.bounds(policy)?;
    let desired = match policy.sizing {
        SizingMode::Minimal => sol.units,
        SizingMode::MaxAllowed => ctx.units,
    };
    let units = ctx.apply_min_remainder(policy, bounds.clamp(desired), bounds.max_units)?;
    caps.note(units, desired, &bounds);
    if units > 0 {
        budget.take(&LegSize { market_index: pos.market_index, market: model.market, mark: model.mark, units })?;
    }
    Ok(units)
}

/// How the call ends once the legs are planned.
enum Escalation {
    /// The legs (possibly none) with their action and reason.
    Decided(Action, Reason),
    /// The pool goes to the backstop vault.
    Backstop,
    /// No leg helps and there is no backstop: the insurance fund takes over.
    Takeover,
}

/// Rung 6, escalate: what the plan's outcome means for the pool.
fn escalate(plan: &Plan, caps: &Caps, policy: &Policy) -> Escalation {
    match plan.status {
        PlanStatus::AlreadySafe => Escalation::Decided(Action::None, Reason::TargetMet),
        PlanStatus::Restored => Escalation::Decided(Action::Liquidate, Reason::TargetRestored),
        PlanStatus::Infeasible if plan.leg_count == 0 && caps.exhausted => Escalation::Decided(Action::None, caps.zero_reason()),
        PlanStatus::Infeasible if caps.capped => Escalation::Decided(Action::Liquidate, Reason::StepCapped),
        PlanStatus::Infeasible if policy.escalation.backstop_on_infeasible => Escalation::Backstop,
        PlanStatus::Infeasible if plan.leg_count == 0 => Escalation::Takeover,
        PlanStatus::Infeasible => Escalation::Decided(Action::Liquidate, Reason::Infeasible),
    }
}

/// What a planned leg booked: its block notional (rounded as the policy's
/// limit mode books it) and, with a window rule and a state for its
/// market, its window notional (rounded up) in the window `update` leaves.
fn reservation_of(view: &PoolView<'_>, policy: &Policy, update: &RuleStateUpdate, block: u64, leg: &PlanLeg) -> Result<LegReservation> {
    let (size, _) = leg_size(view, leg)?;
    let window = update.market(size.market_index as usize).filter(|_| policy.window_capacity.window > 0);
    let window_reserved = match window {
        Some(_) => size.notional(Rounding::Ceil)?,
        None => 0,
    };
    Ok(LegReservation {
        block,
        window_start: window.map_or(0, |s| s.window_start),
        position_index: leg.position_index,
        market_index: size.market_index,
        units: leg.size_delta.0.checked_abs().ok_or(Error::Overflow)?,
        block_reserved: Quote::from_i128(size.notional(policy.position_limits.mode.block_rounding())?)?,
        window_reserved: Quote::from_i128(window_reserved)?,
        ..LegReservation::default()
    })
}

/// A planned leg as the rule state books it, with whether it leaves part of
/// its position.
fn leg_size<'m>(view: &PoolView<'m>, leg: &PlanLeg) -> Result<(LegSize<'m>, bool)> {
    let pos = view.pool.positions.get(leg.position_index as usize).ok_or(Error::UnknownPosition)?;
    let (market, mark) = health::market_and_price(view.markets, view.prices, pos.market_index)?;
    let partial = leg.size_delta.0.unsigned_abs() < pos.size.0.unsigned_abs();
    Ok((LegSize { market_index: pos.market_index, market, mark, units: i128::from(leg.size_delta.0) }, partial))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::account::Position;
    use crate::num::{Ppm, Size};
    use crate::policy::WindowCapacity;

    /// Exponent 0, lot 1, tick 1, 10 % / 5 %, no fee.
    fn market() -> Market {
        Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
    }

    /// A leg no call writes.
    const SENTINEL: PlanLeg =
        PlanLeg { position_index: 77, size_delta: Size(77), limit_price: Price(77), expected_cash: Quote(77), expected_fee: Quote(77) };

    /// Synthetix-style: the least reduction back to maintenance, 1 % band,
    /// a window of 60 with capacity 1,000,000.
    fn windowed() -> Policy {
        Policy { window_capacity: WindowCapacity { capacity: Quote(1_000_000), window: 60 }, ..Policy::default() }
    }

    // Two markets, each a long 100 @ 100 with quote balance −9,750: value
    // 250 each, maintenance 5 % × 10,000 = 500 each; equity 500 < 1,000.
    // Legs sell at 99 (1 % band): a unit costs 1 and releases 5. Largest
    // maintenance first (a tie, by index): position 0 needs
    // 500 − x ≥ 1,000 − 5x ⇒ x ≥ 125 > 100, so all 100 (equity 400,
    // maintenance 500); then position 1: 400 − x ≥ 500 − 5x ⇒ x ≥ 25.
    const TWO: [Position; 2] = [
        Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_750) },
        Position { market_index: 1, size: Size(100), quote_balance: Quote(-9_750) },
    ];

    /// An error after planning (the block's notional overflows when the
    /// second leg is booked, after the first leg's window was staged)
    /// leaves the legs buffer and every state as they were; the same call
    /// one block later writes them all.
    #[test]
    fn outputs_untouched_on_error() {
        let (markets, prices) = ([market(), market()], [Price(100), Price(100)]);
        let pool = Pool::new(Quote(0), &TWO);
        let policy = windowed();
        let mut st = AccountLiquidationState { block: 1, block_notional: Quote(i64::MAX - 10_000), ..Default::default() };
        let mut states = [MarketCapacityState { window_start: 7, used: Quote(5) }, MarketCapacityState::default()];
        let mut legs = [SENTINEL; 2];
        let before = (st, states, legs);
        let r = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut states, 11, 1, &mut legs);
        assert_eq!(r, Err(Error::Overflow));
        assert_eq!((st, states, legs), before);

        let d = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut states, 11, 2, &mut legs).unwrap();
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Liquidate, Reason::TargetRestored, 2));
        assert_eq!((legs[0].position_index, legs[0].size_delta, legs[0].limit_price), (0, Size(-100), Price(99)));
        assert_eq!((legs[1].position_index, legs[1].size_delta), (1, Size(-25)));
        // Block 2 starts afresh: 100 × 100 + 25 × 100 = 12,500. Market 0's
        // window (opened at 7 with 5 used) still runs at 11: 5 + 10,000.
        assert_eq!((st.block, st.block_notional, st.in_liquidation, st.has_partial), (2, Quote(12_500), false, true));
        assert_eq!(
            states,
            [MarketCapacityState { window_start: 7, used: Quote(10_005) }, MarketCapacityState { window_start: 11, used: Quote(2_500) }]
        );
    }

    /// A bad input (a legs buffer shorter than the pool) is an error that
    /// writes nothing either.
    #[test]
    fn short_buffer_writes_nothing() {
        let (markets, prices) = ([market(), market()], [Price(100), Price(100)]);
        let mut st = AccountLiquidationState::default();
        let mut states = [MarketCapacityState::default(); 2];
        let mut legs = [SENTINEL; 1];
        let r = run_pipeline(&Pool::new(Quote(0), &TWO), &markets, &prices, &windowed(), &mut st, &mut states, 1, 1, &mut legs);
        assert_eq!(r, Err(Error::BufferTooSmall));
        assert_eq!((st, states, legs), (AccountLiquidationState::default(), [MarketCapacityState::default(); 2], [SENTINEL; 1]));
    }

    /// An infeasible plan that escalates to the backstop hands out no leg:
    /// the buffer keeps what it held (the planner's best reachable leg is
    /// not written).
    #[test]
    fn backstop_writes_no_leg() {
        // Market 1 charges a 10 % fee: selling a unit at 99 costs 1 + 9.9,
        // more than the 5 it releases. Position 0 (market 0): long 10 @ 100,
        // quote balance −950: value 50, maintenance 50. Position 1 (market
        // 1): long 100 @ 100, quote balance −9,700: value 300, maintenance
        // 500. Equity 350 < 550. Position 1 first (more maintenance) cannot
        // help; all of position 0 leaves 340 < 500: infeasible, with one
        // best-reachable leg; the default policy backstops.
        let mut costly = market();
        costly.liquidation_fee = Ppm(100_000);
        let markets = [market(), costly];
        let positions = [
            Position { market_index: 0, size: Size(10), quote_balance: Quote(-950) },
            Position { market_index: 1, size: Size(100), quote_balance: Quote(-9_700) },
        ];
        let mut st = AccountLiquidationState::default();
        let mut legs = [SENTINEL; 2];
        let policy = Policy::default();
        let d =
            run_pipeline(&Pool::new(Quote(0), &positions), &markets, &[Price(100), Price(100)], &policy, &mut st, &mut [], 1, 1, &mut legs)
                .unwrap();
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Backstop, Reason::Infeasible, 0));
        assert_eq!(d.backstop.unwrap().health.equity, Quote(350));
        assert_eq!(legs, [SENTINEL; 2]);
    }
}
