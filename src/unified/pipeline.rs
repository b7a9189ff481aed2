//! The pipeline for a unified pool: cancel its resting orders first, then
//! liquidate its perps as today's pipeline does for a pool.
//!
//! A pool's perps are liquidated against everything else the pool counts
//! at the maintenance level — its balances at their maintenance weights and
//! its unsettled funding — as one collateral figure ([`perp_view`]).
//! Closing a perp moves cash into the position's quote balance and changes
//! no balance, so sizing, pricing and settling a close on that view are
//! exact for the unified pool with a maintenance target (with or without
//! buffer). The initial level's extras (resting orders, the √size premium,
//! weighted gains) are not in the view: the pipeline's first step cancels
//! the resting orders, and a liquidation stops at the policy's target on the
//! maintenance collateral.

use super::health::{unified_pool_health, LevelFigures, MarginLadder, MarginRung, Totals, UnifiedHealth, MAINTENANCE};
use super::legs::{target_surplus, AssetLiquidationFees, LegTerms, UnifiedLeg};
use super::planner::{plan_unified_liquidation_within, LegOrdering, LiquidationTiers, PlanObjective, UnifiedPlan};
use super::{MarginBook, UnifiedAccount, UnifiedPool};
use crate::account::{Pool, Position, MAX_POSITIONS};
use crate::error::{Error, Result};
use crate::health::{HealthState, Target};
use crate::num::Ppm;
use crate::num::{self, Quote};
use crate::oracle::{self, LimitSource, PriceFeed, PriceGuard, PriceUse};
use crate::pipeline::{self, Decision};
use crate::pipeline::{Action, Reason};
use crate::plan::PlanLeg;
use crate::policy::{AccountLiquidationState, MarketCapacityState, Policy};
use crate::sizing::CloseStatus;

/// A unified pool in today's model: its perp positions (copied into
/// `positions`, in the account's order) and, as the collateral, the
/// balances at their maintenance weights plus the unsettled funding (see the
/// module docs). `account_index[k]` is the account's index of the pool's
/// `k`-th position (to map legs back).
///
/// Errors: those of [`super::unified_pool_health`];
/// [`Error::TooManyPositions`] above [`MAX_POSITIONS`].
pub fn perp_view<'p>(
    pool: &UnifiedPool<'_>,
    book: &MarginBook<'_>,
    positions: &'p mut [Position; MAX_POSITIONS],
    account_index: &mut [usize; MAX_POSITIONS],
) -> Result<Pool<'p>> {
    perp_view_at(pool, book, MAINTENANCE, positions, account_index)
}

/// [`perp_view`] with the balances weighted at `level` (the maintenance
/// or the liquidation-end level's weights).
pub(super) fn perp_view_at<'p>(
    pool: &UnifiedPool<'_>,
    book: &MarginBook<'_>,
    level: usize,
    positions: &'p mut [Position; MAX_POSITIONS],
    account_index: &mut [usize; MAX_POSITIONS],
) -> Result<Pool<'p>> {
    let mut t = Totals::default();
    for b in pool.balances {
        t.balance(b, book)?;
    }
    let mut n = 0usize;
    for (i, p) in pool.members() {
        if p.open_bids.0 < 0 || p.open_asks.0 < 0 {
            return Err(Error::NegativeOpenOrders);
        }
        *positions.get_mut(n).ok_or(Error::TooManyPositions)? = p.position();
        *account_index.get_mut(n).ok_or(Error::TooManyPositions)? = i;
        n = n.saturating_add(1);
        t.funding(p, book)?;
    }
    let collateral = Quote::from_i128(num::add(t.collateral_at(level)?, t.funding_total()?)?)?;
    Ok(Pool::new(collateral, positions.get(..n).ok_or(Error::TooManyPositions)?))
}

/// Runs the pipeline for pool `pool_index` of a unified account (0 the
/// cross pool, `k ≥ 1` the `k`-th isolated position's).
///
/// When a liquidation is due and any of the pool's positions has resting
/// orders, the decision is [`crate::Action::CancelOrders`] with
/// [`crate::Reason::OpenOrders`] and no leg (the rule state untouched):
/// cancel, then call again. Otherwise [`crate::run_pipeline`] on the pool's
/// [`perp_view`], with each leg's `position_index` the account's index of
/// its position — the same function, so every step rule of `policy` and its
/// emergency bypass ([`crate::policy::EmergencyBypass`]: below the bypass
/// fraction of maintenance, or a negative projection after the capped step)
/// apply exactly as there, with [`crate::Reason::EmergencyBypass`]. The other arguments, the outputs and the errors are
/// `run_pipeline`'s (outputs written only on success).
#[allow(clippy::too_many_arguments)]
pub fn run_unified_pipeline(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    policy: &Policy,
    account_state: &mut AccountLiquidationState,
    market_states: &mut [MarketCapacityState],
    now: u64,
    block: u64,
    legs: &mut [PlanLeg],
) -> Result<Decision> {
    let pool = account.pool(pool_index)?;
    let mut positions = [Position::default(); MAX_POSITIONS];
    let mut index = [0usize; MAX_POSITIONS];
    let view = perp_view(&pool, book, &mut positions, &mut index)?;
    if pool.members().any(|(_, p)| p.has_open_orders()) {
        if let Some(decision) = pipeline::cancel_orders_first(&view, book.markets, book.prices, policy, account_state)? {
            return Ok(decision);
        }
    }
    let mut staged = [PlanLeg::default(); MAX_POSITIONS];
    let room = staged.get_mut(..legs.len().min(MAX_POSITIONS)).ok_or(Error::BufferTooSmall)?;
    let decision = pipeline::run_pipeline(&view, book.markets, book.prices, policy, account_state, market_states, now, block, room)?;
    let planned = staged.get_mut(..decision.plan.leg_count).ok_or(Error::BufferTooSmall)?;
    for leg in planned.iter_mut() {
        let k = usize::try_from(leg.position_index).map_err(|_| Error::UnknownPosition)?;
        let at = *index.get(k).ok_or(Error::UnknownPosition)?;
        leg.position_index = u32::try_from(at).map_err(|_| Error::UnknownPosition)?;
    }
    legs.get_mut(..planned.len()).ok_or(Error::BufferTooSmall)?.copy_from_slice(planned);
    Ok(decision)
}

/// [`run_unified_liquidation`] behind a [`PriceGuard`]: `market_feeds[i]`
/// is the [`PriceFeed`] of `book.markets[i]` and `asset_feeds[j]` that of
/// `book.assets[j]`; the book's `prices` and `asset_prices` are the marks the
/// caller resolved from them for the trigger
/// ([`crate::oracle::resolve_prices`]).
///
/// Over the perp markets the pool holds a position in (size ≠ 0) and the
/// assets it holds a balance of (amount ≠ 0): a feed the guard refuses for
/// the trigger price, or a held market's feed it refuses for the limit price
/// (an asset's limit price is never read, so never checked) → [`Action::None`],
/// [`Reason::PriceInvalid`], no leg and every figure 0 (nothing is priced;
/// the health's state reads `Healthy` and means nothing here); a market or
/// asset in its grace period → [`Action::None`], [`Reason::GracePeriod`],
/// with the pool's health as it stands. Otherwise, each held mark checked
/// to be the guard's trigger price, `run_unified_liquidation` — with each
/// perp reduction's worst price priced around the guard's limit price of
/// its market ([`LegTerms::perp_limit`]; held between the band from the
/// mark and the mark, see [`crate::oracle`], "The order limit"), the
/// reduction sized at that price. Health and the asset legs (valued at
/// the asset prices, with their bonus and fee) read the trigger prices.
///
/// Errors: [`Error::MarketDataTooShort`] when a feed slice is shorter than
/// its markets or assets; [`Error::PriceNotGuarded`] when a held mark is not
/// its feed's trigger price; those of `run_unified_liquidation`.
#[allow(clippy::too_many_arguments)]
pub fn run_guarded_unified_liquidation(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    market_feeds: &[PriceFeed],
    asset_feeds: &[PriceFeed],
    guard: &PriceGuard,
    policy: &UnifiedLiquidationPolicy<'_>,
    in_liquidation: bool,
    now: u64,
    legs: &mut [UnifiedLeg],
) -> Result<UnifiedDecision> {
    let pool = account.pool(pool_index)?;
    if market_feeds.len() < book.markets.len() || asset_feeds.len() < book.assets.len() {
        return Err(Error::MarketDataTooShort);
    }
    let held = pool
        .members()
        .filter(|(_, p)| p.size.0 != 0)
        .map(|(_, p)| (p.market_index, market_feeds, book.prices, true))
        .chain(pool.balances.iter().filter(|b| b.amount != 0).map(|b| (b.asset_index, asset_feeds, book.asset_prices, false)));
    let (mut invalid, mut grace) = (false, false);
    // Only a perp reduction reads a limit price: an asset's limit source is
    // never looked at, so a feed that cannot give one refuses nothing.
    for (index, feeds, marks, reads_limit) in held {
        let feed = oracle::feed_of(feeds, index)?;
        let trigger = guard.price(feed, now, PriceUse::Trigger)?;
        if trigger.is_err() || (reads_limit && guard.price(feed, now, PriceUse::Limit)?.is_err()) {
            invalid = true;
            continue;
        }
        if trigger.ok() != usize::try_from(index).ok().and_then(|i| marks.get(i)).copied() {
            return Err(Error::PriceNotGuarded);
        }
        grace |= now < feed.grace_until;
    }
    if invalid {
        let zero = LevelFigures::default();
        let health = UnifiedHealth {
            equity: Quote(0),
            initial: zero,
            liquidation_end: zero,
            maintenance: zero,
            margin_ratio_ppm: 0,
            state: HealthState::Healthy,
            rung: MarginRung::Safe,
        };
        let plan = UnifiedPlan {
            status: CloseStatus::AlreadySafe,
            leg_count: 0,
            value_liquidated: Quote(0),
            cost_to_account: Quote(0),
            health_after: health,
            // No plan was searched: the prices forbid one.
            proven_least: false,
        };
        return Ok(UnifiedDecision { action: Action::None, reason: Reason::PriceInvalid, plan });
    }
    if grace {
        let health = unified_pool_health(&pool, book, &MarginLadder::STANDARD)?;
        let plan = UnifiedPlan {
            status: CloseStatus::AlreadySafe,
            leg_count: 0,
            value_liquidated: Quote(0),
            cost_to_account: Quote(0),
            health_after: health,
            // No plan was searched: the prices forbid one.
            proven_least: false,
        };
        return Ok(UnifiedDecision { action: Action::None, reason: Reason::GracePeriod, plan });
    }
    let terms = LegTerms { perp_limit: Some(LimitSource { guard, feeds: market_feeds, now }), ..policy.terms() };
    liquidate(account, pool_index, book, policy, &terms, in_liquidation, legs)
}

/// How a unified pool is liquidated over every kind of leg.
#[derive(Debug, Clone, Copy)]
pub struct UnifiedLiquidationPolicy<'a> {
    /// Where a liquidation may stop ([`Target::Initial`]: the
    /// liquidation-end health; a maintenance target with its buffer).
    pub target: Target,
    /// A perp reduction's worst price: the mark moved against the account
    /// by this band.
    pub perp_band: Ppm,
    /// Per asset: the liquidator's bonus and the insurance fund's fee.
    pub asset_fees: &'a [AssetLiquidationFees],
    /// Least value liquidated, or least cost to the user.
    pub objective: PlanObjective,
    /// Which legs compete (every leg, perps first, by liquidation tier).
    pub ordering: LegOrdering,
    /// The tiers for [`LegOrdering::ByTier`].
    pub tiers: LiquidationTiers<'a>,
    /// A bankrupt pool (equity below zero) that still holds something:
    /// `true` hands it over whole ([`Action::Takeover`]: the insurance fund
    /// or a backstop takes its balances and positions and its deficit, as
    /// Binance and BitMEX do; no bonus is paid out of what is already the
    /// fund's loss); `false` goes on liquidating it leg by leg first (Mango,
    /// Drift), the fund topping up perp fills beyond the bankruptcy price,
    /// then resolves what is left.
    pub take_over_bankrupt: bool,
    /// The exact search's work units for each of its orders
    /// ([`super::plan_unified_liquidation_within`]; 0 =
    /// [`super::DEFAULT_SEARCH_BUDGET`]): how long a plan may take when its
    /// search does not finish, against how often a plan is proven least.
    pub search_budget_units: u32,
}

impl UnifiedLiquidationPolicy<'_> {
    /// The leg terms of the policy.
    #[must_use]
    pub fn terms(&self) -> LegTerms<'_> {
        LegTerms { asset_fees: self.asset_fees, perp_band: self.perp_band, target: self.target, perp_limit: None }
    }
}

/// One decision for one unified pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedDecision {
    /// What to do.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// The plan: its legs are at the front of the caller's buffer (none
    /// unless liquidating); its `health_after` is the pool's health after
    /// them (the current health when there are none).
    pub plan: UnifiedPlan,
}

/// Runs the whole liquidation of pool `pool_index` of a unified account
/// over every kind of leg:
///
/// 1. healthy (maintenance met) and no liquidation under way
///    (`in_liquidation` false): [`Action::None`], [`Reason::Healthy`]; a
///    liquidation under way whose target is met ends with
///    [`Reason::TargetMet`];
/// 2. resting orders: [`Action::CancelOrders`], [`Reason::OpenOrders`];
/// 3. nothing left to give (no deposit, no open position, no gain) and a
///    negative quote balance or a borrow: [`Action::ResolveDeficit`],
///    [`Reason::Bankrupt`] — hand each to
///    [`crate::unified::resolve_deficit`]; bankrupt with something left and
///    `take_over_bankrupt`: [`Action::Takeover`], [`Reason::Bankrupt`];
/// 4. otherwise the least plan ([`plan_unified_liquidation`]):
///    [`Action::Liquidate`] with [`Reason::TargetRestored`], or
///    [`Reason::Infeasible`] when the legs only improve the pool (call
///    again once booked: the next call goes on, down to step 3);
/// 5. no leg improves the pool: [`Action::Takeover`], [`Reason::Infeasible`]
///    (the insurance fund or a backstop takes the pool over; its figures
///    are the pool's balances and positions).
///
/// It applies no step rule — no fraction cap or cooldown, tier step, close
/// factor, block or window limit: each call plans the least close at once —
/// so there is nothing for an emergency bypass to lift; a caller that needs
/// step rules on a unified pool's perps uses [`run_unified_pipeline`].
///
/// Legs are written to `legs` only on success. Errors: the planner's and
/// the health's.
pub fn run_unified_liquidation(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    policy: &UnifiedLiquidationPolicy<'_>,
    in_liquidation: bool,
    legs: &mut [UnifiedLeg],
) -> Result<UnifiedDecision> {
    liquidate(account, pool_index, book, policy, &policy.terms(), in_liquidation, legs)
}

/// [`run_unified_liquidation`] with the legs sized and priced by `terms`.
#[allow(clippy::too_many_arguments)]
fn liquidate(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    policy: &UnifiedLiquidationPolicy<'_>,
    terms: &LegTerms<'_>,
    in_liquidation: bool,
    legs: &mut [UnifiedLeg],
) -> Result<UnifiedDecision> {
    let pool = account.pool(pool_index)?;
    let health = unified_pool_health(&pool, book, &MarginLadder::STANDARD)?;
    let none = |action: Action, reason: Reason| -> UnifiedDecision {
        let status = if action == Action::None { CloseStatus::AlreadySafe } else { CloseStatus::Infeasible };
        UnifiedDecision {
            action,
            reason,
            plan: UnifiedPlan {
                status,
                leg_count: 0,
                value_liquidated: Quote(0),
                cost_to_account: Quote(0),
                health_after: health,
                // Nothing to do is the least; a takeover is no plan.
                proven_least: status == CloseStatus::AlreadySafe,
            },
        }
    };
    let at_target = target_surplus(&health, &policy.target)? >= 0;
    if health.state == HealthState::Healthy && (!in_liquidation || at_target) {
        return Ok(none(Action::None, if in_liquidation { Reason::TargetMet } else { Reason::Healthy }));
    }
    if pool.members().any(|(_, p)| p.has_open_orders()) {
        return Ok(none(Action::CancelOrders, Reason::OpenOrders));
    }
    let owes = pool.balances.iter().any(|b| b.amount < 0) || pool.members().any(|(_, p)| p.quote_balance.0 < 0);
    if owes && super::waterfall::check_pool_exhausted(&pool).is_ok() {
        return Ok(none(Action::ResolveDeficit, Reason::Bankrupt));
    }
    if policy.take_over_bankrupt && health.state == HealthState::Bankrupt {
        return Ok(none(Action::Takeover, Reason::Bankrupt));
    }
    let plan = plan_unified_liquidation_within(
        account,
        pool_index,
        book,
        terms,
        policy.objective,
        policy.ordering,
        &policy.tiers,
        policy.search_budget_units,
        legs,
    )?;
    Ok(match (plan.status, plan.leg_count) {
        (CloseStatus::AlreadySafe, _) => none(Action::None, Reason::TargetMet),
        (_, 0) => none(Action::Takeover, Reason::Infeasible),
        (CloseStatus::Restored, _) => UnifiedDecision { action: Action::Liquidate, reason: Reason::TargetRestored, plan },
        (CloseStatus::Infeasible, _) => UnifiedDecision { action: Action::Liquidate, reason: Reason::Infeasible, plan },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::{Asset, AssetBalance};
    use crate::market::Market;
    use crate::num::{Ppm, Price, Size};
    use crate::pipeline::{run_pipeline, Action, Reason};
    use crate::policy::Policy;
    use crate::unified::PerpPosition;

    /// e = 0, 10 % / 5 %, fee 1 %.
    fn market() -> Market {
        let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(10_000);
        m
    }

    fn run(
        account: &UnifiedAccount<'_>,
        pool: usize,
        book: &MarginBook<'_>,
        state: &mut AccountLiquidationState,
    ) -> (Decision, [PlanLeg; 4]) {
        let mut legs = [PlanLeg::default(); 4];
        let d = run_unified_pipeline(account, pool, book, &Policy::default(), state, &mut [], 0, 0, &mut legs).unwrap();
        (d, legs)
    }

    #[test]
    fn resting_orders_are_cancelled_first() {
        // Long 100 @ 100, qb −9,600: equity 400 < MM 500 (no balances).
        let markets = [market()];
        let prices = [Price(100)];
        let book = MarginBook::perps(&markets, &prices);
        let with_orders = [PerpPosition { open_asks: Size(5), ..PerpPosition::cross(0, Size(100), Quote(-9_600)) }];
        let account = UnifiedAccount { balances: &[], positions: &with_orders };
        let mut state = AccountLiquidationState::default();
        let (d, legs) = run(&account, 0, &book, &mut state);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::CancelOrders, Reason::OpenOrders, 0));
        assert_eq!((state, legs[0]), (AccountLiquidationState::default(), PlanLeg::default()));
        // Once cancelled: exactly today's pipeline on the same pool.
        let cancelled = [PerpPosition::cross(0, Size(100), Quote(-9_600))];
        let account = UnifiedAccount { balances: &[], positions: &cancelled };
        let (d, legs) = run(&account, 0, &book, &mut state);
        let mut today_state = AccountLiquidationState::default();
        let mut today_legs = [PlanLeg::default(); 4];
        let today_positions = [cancelled[0].position()];
        let pool = Pool::new(Quote(0), &today_positions);
        let today = run_pipeline(&pool, &markets, &prices, &Policy::default(), &mut today_state, &mut [], 0, 0, &mut today_legs).unwrap();
        assert_eq!((d, legs, state), (today, today_legs, today_state));
        assert_eq!(d.action, Action::Liquidate);
        // A healthy pool keeps its orders: no liquidation is due.
        let healthy = [PerpPosition { open_bids: Size(5), ..PerpPosition::cross(0, Size(100), Quote(-9_000)) }];
        let account = UnifiedAccount { balances: &[], positions: &healthy };
        let (d, _) = run(&account, 0, &book, &mut AccountLiquidationState::default());
        assert_eq!((d.action, d.reason), (Action::None, Reason::Healthy));
    }

    #[test]
    fn legs_name_the_account_positions_and_weighted_collateral_counts() {
        // Account: [isolated short (healthy), cross long]. The cross pool's
        // long 100 @ 100, qb −10,000 (value 0) is backed by a deposit of 5
        // units of an asset priced 100 at 90 % maintenance weight:
        // collateral 500 × 0.9 = 450 < MM 500 → liquidatable. Its leg names
        // account position 1.
        let markets = [market()];
        let prices = [Price(100)];
        let assets = [Asset::weighted(0, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))];
        let book = MarginBook { assets: &assets, asset_prices: &[Price(100)], ..MarginBook::perps(&markets, &prices) };
        let balances = [AssetBalance { asset_index: 0, amount: 5 }];
        let positions = [PerpPosition::isolated(0, Size(-1), Quote(1_000)), PerpPosition::cross(0, Size(100), Quote(-10_000))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let mut ps = [Position::default(); MAX_POSITIONS];
        let mut idx = [0usize; MAX_POSITIONS];
        let view = perp_view(&account.pool(0).unwrap(), &book, &mut ps, &mut idx).unwrap();
        assert_eq!((view.collateral, view.positions.len(), idx[0]), (Quote(450), 1, 1));
        let (d, legs) = run(&account, 0, &book, &mut AccountLiquidationState::default());
        assert_eq!((d.action, d.plan.leg_count, legs[0].position_index), (Action::Liquidate, 1, 1));
        // Equity 450 − x − ceil(0.99x) ≥ 500 − 5x ⇒ 4x − ceil(0.99x) ≥ 50 ⇒
        // x = 17: 68 − 17 = 51 ✓; x = 16: 64 − 16 = 48 ✗.
        assert_eq!(legs[0].size_delta, Size(-17));
        // The isolated pool (pool 1) is healthy: 1,000 − 100 = 900 ≥ 5.
        let (d, _) = run(&account, 1, &book, &mut AccountLiquidationState::default());
        assert_eq!(d.action, Action::None);
    }
}
