//! The pipeline for a unified pool (the core's `unified::pipeline`): cancel
//! its resting orders first, then liquidate its perps,
//! `partliq_run_unified_pipeline`; the whole liquidation over every kind of
//! leg, `partliq_run_unified_liquidation`, and behind a price guard,
//! `partliq_run_guarded_unified_liquidation`.

use partliq::pipeline::Decision;
use partliq::policy::{AccountLiquidationState, Policy};
use partliq::unified::{run_unified_pipeline, MarginBook, UnifiedAccount};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{decode, Flag};
use crate::boundary::{index, Castable, OK};
use crate::market::partliq_market;
use crate::oracle::{partliq_price_feed, partliq_price_guard};
use crate::pipeline::{decision_of, partliq_decision};
use crate::plan::{legs_written, partliq_plan_leg};
use crate::policy::{partliq_account_liquidation_state, partliq_market_capacity_state, partliq_policy};
use crate::status::*;
use crate::unified::{
    partliq_asset_liquidation_fees, partliq_leg_ordering, partliq_leg_terms, partliq_plan_objective, partliq_unified_leg,
    partliq_unified_plan, terms_of,
};
use crate::unified::{partliq_perp_position, partliq_perp_risk};
use partliq::oracle::{PriceFeed, PriceGuard};
use partliq::unified::{
    run_guarded_unified_liquidation, run_unified_liquidation, LiquidationTiers, UnifiedDecision, UnifiedLeg, UnifiedLiquidationPolicy,
    MAX_PLAN_LEGS,
};

/// The pipeline for pool `pool_index` of a unified account (0 the cross
/// pool, `k ≥ 1` the `k`-th isolated position's): the book and the account
/// as `partliq_unified_pool_health` takes them, the policy, rule state,
/// market states, clock and legs as `partliq_run_pipeline` takes them.
///
/// When a liquidation is due and any of the pool's positions has resting
/// orders, the decision is `PARTLIQ_ACTION_CANCEL_ORDERS` with
/// `PARTLIQ_REASON_OPEN_ORDERS` and no leg, the rule state and market states
/// as they were: cancel the orders (set `open_bids` and `open_asks` to 0
/// once they are), then call again. Otherwise the pipeline runs on the
/// pool's perps against everything else the pool counts at the maintenance
/// level (its balances at their maintenance weights and its unsettled
/// funding), as `partliq_run_pipeline` does for a pool; each leg's
/// `position_index` is the index of its position in `positions` (the
/// account's, not the pool's).
///
/// Writes `*out`, the plan's legs to the front of `legs`, and the updated
/// `*account_state` and `market_states` — all only on `OK`; on any other
/// status nothing is written. Statuses: `partliq_unified_pool_health`'s
/// (but `TOO_MANY_BALANCES` and `INVALID_MARGIN_LADDER`: no ladder here,
/// and the balances are not capped) and `partliq_run_pipeline`'s
/// (`TOO_MANY_POSITIONS` for a pool of more than `PARTLIQ_MAX_POSITIONS`
/// positions).
///
/// # Safety
/// As `partliq_unified_pool_health` for the book and the account, as
/// `partliq_run_pipeline` for the policy, the states and the legs. No output
/// overlaps another output or an input.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_unified_pipeline(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    pool_index: u32,
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
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let policy = struct_in!(policy);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let policy = check!(policy.to_core());
    let mut state = check!(account_state.to_core());
    let (book, account) = check!(args.view());
    let pool = check!(index(pool_index));
    let decision = check!(unified_pipeline_core(&account, pool, &book, &policy, &mut state, market_states, now, block, legs));
    // The core wrote the legs and the market states (on success only);
    // nothing fails from here on.
    legs_written(legs, decision.plan.leg_count);
    *account_state = partliq_account_liquidation_state::from(&state);
    write_out!(out, decision_of(&decision));
    OK
}

/// The core's unified pipeline (a frame over 4 KiB: the pool's perps, their
/// legs and today's pipeline), kept out of the exported function's frame
/// (see `scripts/ffi/check-stack-probes.sh`); it writes `state`, `states`
/// and `legs` only on success.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn unified_pipeline_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    policy: &Policy,
    state: &mut AccountLiquidationState,
    states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
) -> Result<Decision, partliq_status> {
    let states = Castable::cast_slice_mut(states)?;
    let legs = Castable::cast_slice_mut(legs)?;
    run_unified_pipeline(account, pool, book, policy, state, states, now, block, legs).map_err(status_of)
}

/// How a unified pool is liquidated over every kind of leg (the core's
/// `UnifiedLiquidationPolicy`; its asset fees and tiers are passed as
/// arrays beside it).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_liquidation_policy {
    /// The target and the perp band.
    pub terms: partliq_leg_terms,
    /// A `partliq_plan_objective`.
    pub objective: u32,
    /// A `partliq_leg_ordering`.
    pub ordering: u32,
    /// 1: a bankrupt pool that still holds something is taken over whole
    /// (`PARTLIQ_ACTION_TAKEOVER`, `PARTLIQ_REASON_BANKRUPT`); 0: it is
    /// liquidated leg by leg first.
    pub take_over_bankrupt: u32,
    /// The exact search's work units for each of its orders; 0 = the
    /// default (`PARTLIQ_DEFAULT_SEARCH_BUDGET`). More proves more plans
    /// least and lets a plan whose search does not finish take longer.
    pub search_budget_units: u32,
}

pin_layout!(partliq_unified_liquidation_policy, size = 32, align = u32, {
    terms @ 0, objective @ 16, ordering @ 20, take_over_bankrupt @ 24, search_budget_units @ 28,
});

/// One decision for one unified pool (the core's `UnifiedDecision`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_decision {
    /// A `partliq_action`.
    pub action: u32,
    /// A `partliq_reason`.
    pub reason: u32,
    /// The plan: its legs at the front of the caller's legs array (none
    /// unless `action` is `PARTLIQ_ACTION_LIQUIDATE`); its `health_after`
    /// the pool's health after them (the current health without legs).
    pub plan: partliq_unified_plan,
}

pin_layout!(partliq_unified_decision, size = 112, align = i64, { action @ 0, reason @ 4, plan @ 8 });

/// The whole liquidation of pool `pool_index` of a unified account over
/// every kind of leg (the core's `run_unified_liquidation`): nothing while
/// healthy (`PARTLIQ_REASON_TARGET_MET` when `in_liquidation` is 1 and the
/// target is met); `PARTLIQ_ACTION_CANCEL_ORDERS` while the pool has
/// resting orders; `PARTLIQ_ACTION_RESOLVE_DEFICIT` once it has nothing
/// more and still owes (hand each deficit to `partliq_resolve_deficit`);
/// `PARTLIQ_ACTION_TAKEOVER` when no leg helps, or when bankrupt and the
/// policy says so; otherwise `PARTLIQ_ACTION_LIQUIDATE` with the least
/// plan (`PARTLIQ_REASON_TARGET_RESTORED`, or `PARTLIQ_REASON_INFEASIBLE`
/// when the legs only improve the pool: book them and call again).
///
/// The book, the account, `asset_fees` and the tiers as
/// `partliq_unified_plan_liquidation` takes them; `in_liquidation` 0 or 1.
/// Writes the legs to the front of `legs` and `*out`, only on success.
/// Statuses: `partliq_unified_plan_liquidation`'s, `INVALID_ENUM`
/// (objective, ordering, a flag other than 0 or 1).
///
/// # Safety
/// As `partliq_unified_plan_liquidation`; `policy` points to an
/// initialised value.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_unified_liquidation(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    pool_index: u32,
    asset_fees: *const partliq_asset_liquidation_fees,
    asset_fees_len: usize,
    policy: *const partliq_unified_liquidation_policy,
    asset_tiers: *const u32,
    asset_tiers_len: usize,
    market_tiers: *const u32,
    market_tiers_len: usize,
    in_liquidation: u32,
    legs: *mut partliq_unified_leg,
    legs_len: usize,
    out: *mut partliq_unified_decision,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let asset_fees = array_in!(asset_fees, asset_fees_len);
    let policy = struct_in!(policy);
    let asset_tiers = array_in!(asset_tiers, asset_tiers_len);
    let market_tiers = array_in!(market_tiers, market_tiers_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let (book, account) = check!(args.view());
    let core_policy = check!(liquidation_policy_of(asset_fees, policy, asset_tiers, market_tiers));
    let in_liquidation = check!(decode::<Flag>(in_liquidation));
    let pool = check!(index(pool_index));
    let decision = check!(liquidation_core(&account, pool, &book, &core_policy, in_liquidation, legs));
    write_out!(out, decision);
    OK
}

/// The caller's policy, fees and tiers as the core's policy
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM`, the terms' statuses).
fn liquidation_policy_of<'a>(
    asset_fees: &'a [partliq_asset_liquidation_fees],
    policy: &partliq_unified_liquidation_policy,
    asset_tiers: &'a [u32],
    market_tiers: &'a [u32],
) -> Result<UnifiedLiquidationPolicy<'a>, partliq_status> {
    let terms = terms_of(asset_fees, &policy.terms)?;
    Ok(UnifiedLiquidationPolicy {
        target: terms.target,
        perp_band: terms.perp_band,
        asset_fees: terms.asset_fees,
        objective: decode::<partliq_plan_objective>(policy.objective)?,
        ordering: decode::<partliq_leg_ordering>(policy.ordering)?,
        tiers: LiquidationTiers { assets: asset_tiers, markets: market_tiers },
        take_over_bankrupt: decode::<Flag>(policy.take_over_bankrupt)?,
        search_budget_units: policy.search_budget_units,
    })
}

/// `partliq_run_unified_liquidation` behind a price guard (the core's
/// `run_guarded_unified_liquidation`): `market_feeds[i]` is market `i`'s
/// feed and `asset_feeds[j]` asset `j`'s (`market_feeds_len ≥ markets_len`
/// and `asset_feeds_len ≥ assets_len`, else `MARKET_DATA_TOO_SHORT`);
/// `prices` and `asset_prices` the trigger prices resolved from them
/// (`partliq_resolve_prices`). Over the markets the pool holds a position
/// in (size ≠ 0) and the assets it holds a balance of (amount ≠ 0): a feed
/// refused for the trigger (or, a market's, for the limit: an asset's limit
/// is never read) → `PARTLIQ_ACTION_NONE`,
/// `PARTLIQ_REASON_PRICE_INVALID`, no leg, every figure 0; one in its grace
/// period → `PARTLIQ_REASON_GRACE_PERIOD` with the pool's health as it
/// stands; a held mark that is not its feed's trigger price →
/// `PRICE_NOT_GUARDED`. Otherwise `partliq_run_unified_liquidation`, each
/// perp reduction's worst price priced around the guard's `limit` source of
/// its market (held between the band from the mark and the mark). The
/// legs and `*out` written only on `OK`.
///
/// Statuses: `partliq_run_unified_liquidation`'s, the guard's
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM`), `MARKET_DATA_TOO_SHORT`,
/// `PRICE_NOT_GUARDED`.
///
/// # Safety
/// As `partliq_run_unified_liquidation`; `market_feeds` and `asset_feeds`
/// are NULL (only with length 0) or point to that many feeds; `guard` to an
/// initialised guard.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_guarded_unified_liquidation(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    pool_index: u32,
    market_feeds: *const partliq_price_feed,
    market_feeds_len: usize,
    asset_feeds: *const partliq_price_feed,
    asset_feeds_len: usize,
    guard: *const partliq_price_guard,
    asset_fees: *const partliq_asset_liquidation_fees,
    asset_fees_len: usize,
    policy: *const partliq_unified_liquidation_policy,
    asset_tiers: *const u32,
    asset_tiers_len: usize,
    market_tiers: *const u32,
    market_tiers_len: usize,
    in_liquidation: u32,
    now: u64,
    legs: *mut partliq_unified_leg,
    legs_len: usize,
    out: *mut partliq_unified_decision,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let market_feeds = array_in!(market_feeds, market_feeds_len);
    let asset_feeds = array_in!(asset_feeds, asset_feeds_len);
    let guard = struct_in!(guard);
    let asset_fees = array_in!(asset_fees, asset_fees_len);
    let policy = struct_in!(policy);
    let asset_tiers = array_in!(asset_tiers, asset_tiers_len);
    let market_tiers = array_in!(market_tiers, market_tiers_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let (book, account) = check!(args.view());
    let guard = check!(guard.to_core());
    let market_feeds = check!(Castable::cast_slice(market_feeds));
    let asset_feeds = check!(Castable::cast_slice(asset_feeds));
    let core_policy = check!(liquidation_policy_of(asset_fees, policy, asset_tiers, market_tiers));
    let in_liquidation = check!(decode::<Flag>(in_liquidation));
    let pool = check!(index(pool_index));
    let feeds = Feeds { markets: market_feeds, assets: asset_feeds, guard: &guard, now };
    let decision = check!(guarded_liquidation_core(&account, pool, &book, &feeds, &core_policy, in_liquidation, legs));
    write_out!(out, decision);
    OK
}

/// The feeds, the guard and the clock of a guarded liquidation.
struct Feeds<'a> {
    /// One per market.
    markets: &'a [PriceFeed],
    /// One per asset.
    assets: &'a [PriceFeed],
    /// The price policy.
    guard: &'a PriceGuard,
    /// The caller's clock.
    now: u64,
}

/// The core's guarded step (a frame over 4 KiB), kept out of the exported
/// function's frame as `liquidation_core`: it plans into its own legs, then
/// writes the caller's (only on success).
#[inline(never)]
fn guarded_liquidation_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    feeds: &Feeds<'_>,
    policy: &UnifiedLiquidationPolicy<'_>,
    in_liquidation: bool,
    legs: &mut [partliq_unified_leg],
) -> Result<partliq_unified_decision, partliq_status> {
    let mut staged = [UnifiedLeg::default(); MAX_PLAN_LEGS];
    let room = staged.get_mut(..legs.len().min(MAX_PLAN_LEGS)).ok_or(PARTLIQ_STATUS_OUT_OF_RANGE)?;
    let d = run_guarded_unified_liquidation(
        account,
        pool,
        book,
        feeds.markets,
        feeds.assets,
        feeds.guard,
        policy,
        in_liquidation,
        feeds.now,
        room,
    )
    .map_err(status_of)?;
    Ok(decision_out(&d, &staged, legs))
}

/// The caller's decision, the planned legs copied to the front of `legs`.
fn decision_out(d: &UnifiedDecision, staged: &[UnifiedLeg], legs: &mut [partliq_unified_leg]) -> partliq_unified_decision {
    for (slot, leg) in legs.iter_mut().zip(staged.iter().take(d.plan.leg_count)) {
        *slot = partliq_unified_leg::from(leg);
    }
    partliq_unified_decision { action: d.action as u32, reason: d.reason as u32, plan: partliq_unified_plan::from(&d.plan) }
}

/// The core's step (a frame over 4 KiB), kept out of the exported
/// function's frame: it plans into its own legs, then writes the caller's
/// (only on success).
#[inline(never)]
fn liquidation_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    policy: &UnifiedLiquidationPolicy<'_>,
    in_liquidation: bool,
    legs: &mut [partliq_unified_leg],
) -> Result<partliq_unified_decision, partliq_status> {
    let mut staged = [UnifiedLeg::default(); MAX_PLAN_LEGS];
    let room = staged.get_mut(..legs.len().min(MAX_PLAN_LEGS)).ok_or(PARTLIQ_STATUS_OUT_OF_RANGE)?;
    let d: UnifiedDecision = run_unified_liquidation(account, pool, book, policy, in_liquidation, room).map_err(status_of)?;
    Ok(decision_out(&d, &staged, legs))
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{readme_book, run_unified};
    use crate::pipeline::{partliq_action, partliq_reason};
    use crate::policy::partliq_policy_default;
    use crate::unified::partliq_position_margin;

    fn default_policy() -> partliq_policy {
        let mut p = partliq_policy::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_policy_default(&mut p) }, OK);
        p
    }

    /// The README's account: cancel first, then the least close.
    #[test]
    fn readme_example_cancel_then_liquidate() {
        let mut book = readme_book();
        let policy = default_policy();
        let mut st = partliq_account_liquidation_state { block: 5, ..Default::default() };
        let leg9 = partliq_plan_leg { position_index: 9, reserved: 9, size_delta: 9, limit_price: 9, expected_cash: 9, expected_fee: 9 };
        let mut legs = [leg9; 2];
        let mut d = partliq_decision::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::CancelOrders as u32, partliq_reason::OpenOrders as u32, 0));
        assert_eq!((d.has_backstop, st), (0, partliq_account_liquidation_state { block: 5, ..Default::default() }));
        assert_eq!(legs, [leg9; 2], "no leg written when cancelling");
        // Orders cancelled: the perp view's collateral is 5,400 − 1,000 − 0.05
        // = 4,399.95 USD. Sell x at the 1 % band's limit 56,430 (5.7 µUSD a
        // unit below the mark), MM 28.5 µUSD a unit: 1,399,950,000 − 5.7x ≥
        // 2,850,000,000 − 28.5x ⇒ x ≥ 63,598,684.2… → 63,599,000 (lot 1,000).
        book.positions[0].open_asks = 0;
        st = partliq_account_liquidation_state::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32, 1));
        // Cash 63,599,000 × 5,643,000 × 10⁻⁴ = 35,888,915,700; no fee.
        assert_eq!(
            legs[0],
            partliq_plan_leg {
                position_index: 0,
                reserved: 0,
                size_delta: -63_599_000,
                limit_price: 5_643_000,
                expected_cash: 35_888_915_700,
                expected_fee: 0
            }
        );
        assert_eq!(legs[1], leg9, "nothing written past the plan's legs");
        assert_eq!(d.plan.health_before.equity, 1_399_950_000);
        // The leg's notional at the mark, 63,599,000 × 570, booked in the block.
        assert_eq!((st.block, st.block_notional, st.in_liquidation), (0, 36_251_430_000, 0));
    }

    /// Legs name the account's positions; bad inputs leave every output as it was.
    #[test]
    fn account_indexes_and_outputs_untouched() {
        let mut book = readme_book();
        book.positions[0].open_asks = 0;
        // An isolated healthy short first: the cross long is account position 1.
        let iso = partliq_perp_position {
            margin: partliq_position_margin::Isolated as u32,
            size: -1_000,
            quote_balance: 1_000_000_000,
            last_funding_index: 1_500,
            ..book.positions[0]
        };
        book.positions.insert(0, iso);
        let policy = default_policy();
        let mut st = partliq_account_liquidation_state::default();
        let mut legs = [partliq_plan_leg::default(); 2];
        let mut d = partliq_decision::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.plan.leg_count, legs[0].position_index, legs[0].size_delta), (1, 1, -63_599_000));
        // The isolated pool (pool 1): healthy, nothing to do.
        assert_eq!(run_unified(&book, 1, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::None as u32, partliq_reason::Healthy as u32));

        let st0 = partliq_account_liquidation_state { block: 3, block_notional: 11, ..Default::default() };
        let d0 = partliq_decision { action: 77, ..Default::default() };
        let leg9 = partliq_plan_leg { size_delta: 9, ..Default::default() };
        let ms0 = [partliq_market_capacity_state { window_start: 4, used: 5 }];
        let run = |b: &crate::fixtures::Book, pool: u32, p: &partliq_policy, st: partliq_account_liquidation_state, n_legs: usize| {
            let (mut st, mut legs, mut d, mut ms) = (st, [leg9; 2], d0, ms0);
            let s = run_unified(b, pool, p, &mut st, &mut ms, 0, 0, &mut legs[..n_legs], &mut d);
            if s != OK {
                assert_eq!((st.block, st.block_notional, legs, d, ms), (3, 11, [leg9; 2], d0, ms0), "written with status {s}");
            }
            s
        };
        let with = |f: &dyn Fn(&mut crate::fixtures::Book)| {
            let mut b = book.clone();
            f(&mut b);
            b
        };
        assert_eq!(run(&book, 2, &policy, st0, 2), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!(run(&book, 0, &policy, st0, 0), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(run(&book, 0, &policy, partliq_account_liquidation_state { has_partial: 2, ..st0 }, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&book, 0, &partliq_policy { sizing: 9, ..policy }, st0, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&book, 0, &partliq_policy { price_band_ppm: 1_000_001, ..policy }, st0, 2), PARTLIQ_STATUS_INVALID_PRICE_BAND);
        assert_eq!(run(&with(&|b| b.positions[1].margin = 3), 0, &policy, st0, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&with(&|b| b.balances[1].reserved = 1), 0, &policy, st0, 2), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(&with(&|b| b.assets[0].reserved = 1), 0, &policy, st0, 2), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(&with(&|b| b.balances[0].asset_index = 5), 0, &policy, st0, 2), PARTLIQ_STATUS_UNKNOWN_ASSET);
        assert_eq!(run(&with(&|b| b.positions[1].open_asks = -1), 0, &policy, st0, 2), PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS);
        assert_eq!(run(&with(&|b| b.funding_indexes = vec![1, 2, 3]), 0, &policy, st0, 2), OK);
        assert_eq!(
            run(
                &with(&|b| {
                    b.markets.push(b.markets[0]);
                    b.prices.push(1);
                }),
                0,
                &policy,
                st0,
                2
            ),
            PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
        );
        // A window rule without market states; the block's notional overflowing.
        let window = partliq_policy { window_capacity: crate::policy::partliq_window_capacity { capacity: 1, window: 1 }, ..policy };
        let s = {
            let (mut st, mut legs, mut d) = (st0, [leg9; 2], d0);
            run_unified(&book, 0, &window, &mut st, &mut [], 0, 0, &mut legs, &mut d)
        };
        assert_eq!(s, PARTLIQ_STATUS_STATE_TOO_SMALL);
        let s = {
            let full = partliq_account_liquidation_state { block: 0, block_notional: i64::MAX - 10, ..st0 };
            let (mut st, mut legs, mut d) = (full, [leg9; 2], d0);
            let s = run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d);
            assert_eq!((st, legs, d), (full, [leg9; 2], d0));
            s
        };
        assert_eq!(s, PARTLIQ_STATUS_OVERFLOW);
        // 65 cross positions in the pool.
        let many = with(&|b| b.positions = vec![b.positions[1]; 65]);
        let (mut st, mut d) = (st0, d0);
        let mut legs = [leg9; 65];
        let s = run_unified(&many, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d);
        assert_eq!((s, d, legs[0]), (PARTLIQ_STATUS_TOO_MANY_POSITIONS, d0, leg9));
    }

    /// Every pointer of the pipeline: NULL (with a length), an impossible
    /// length, misaligned — each refused before any access, every output as
    /// it was.
    #[test]
    fn every_pointer_is_checked() {
        #[repr(C, align(8))]
        struct Aligned([u8; 512]);
        let buf = Aligned([0; 512]);
        let base = buf.0.as_ptr().cast_mut();
        // SAFETY: offsets within the buffer.
        let (at1, at4) = unsafe { (base.add(1), base.add(4)) };
        let book = readme_book();
        let raw = book.raw();
        let policy = default_policy();
        let st0 = partliq_account_liquidation_state { block: 2, ..Default::default() };
        let mut st = st0;
        let leg9 = partliq_plan_leg { size_delta: 9, ..Default::default() };
        let mut legs = [leg9; 1];
        let mut ms = [partliq_market_capacity_state { window_start: 1, used: 2 }];
        let d0 = partliq_decision { reason: 99, ..Default::default() };
        let mut d = d0;
        let (lp, msp) = (legs.as_mut_ptr(), ms.as_mut_ptr());
        let (stp, dp) = (core::ptr::addr_of_mut!(st), core::ptr::addr_of_mut!(d));
        for k in 0..8 {
            for (ptr, len, want) in [
                (core::ptr::null(), 1, PARTLIQ_STATUS_NULL_POINTER),
                (raw.arrays[k].0, usize::MAX, PARTLIQ_STATUS_BAD_LENGTH),
                (at4.cast_const(), 1, PARTLIQ_STATUS_MISALIGNED_POINTER),
            ] {
                let mut r = raw;
                r.arrays[k] = (ptr, len);
                // SAFETY: valid pointers but the one refused.
                assert_eq!(unsafe { r.pipeline(0, &policy, stp, (msp, 1), 0, 0, (lp, 1), dp) }, want, "array {k}");
            }
        }
        // SAFETY: valid arrays; the pointer under test refused first.
        unsafe {
            let p = &policy as *const partliq_policy;
            let r = raw;
            for (st, want) in [
                (r.pipeline(0, core::ptr::null(), stp, (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, at4.cast(), stp, (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, core::ptr::null_mut(), (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, at4.cast(), (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (core::ptr::null_mut(), 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (at4.cast(), 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (msp, usize::MAX), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_BAD_LENGTH),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (at4.cast(), 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, usize::MAX), dp), PARTLIQ_STATUS_BAD_LENGTH),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, 1), core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, 1), at1.cast()), PARTLIQ_STATUS_MISALIGNED_POINTER),
            ] {
                assert_eq!(st, want);
            }
        }
        assert_eq!((st, legs, ms, d), (st0, [leg9], [partliq_market_capacity_state { window_start: 1, used: 2 }], d0));
        assert!(buf.0.iter().all(|b| *b == 0), "nothing written through a refused pointer");
        // NULL market states of length 0: no window rule, fine.
        // SAFETY: valid pointers; NULL with length 0.
        let s = unsafe { raw.pipeline(0, &policy, stp, (core::ptr::null_mut(), 0), 0, 0, (lp, 1), dp) };
        assert_eq!((s, d.action), (OK, partliq_action::CancelOrders as u32));
        // NULL legs of length 0: the core's order — cancelling the resting
        // orders needs no leg and comes first; once they are cancelled, the
        // legs are too few for the pool's one position.
        d = d0;
        let dp = core::ptr::addr_of_mut!(d);
        // SAFETY: valid pointers; NULL with length 0.
        let s = unsafe { raw.pipeline(0, &policy, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 0), dp) };
        assert_eq!((s, d.action, d.plan.leg_count), (OK, partliq_action::CancelOrders as u32, 0));
        let mut cancelled = readme_book();
        cancelled.positions[0].open_asks = 0;
        d = d0;
        let dp = core::ptr::addr_of_mut!(d);
        // SAFETY: as above.
        let s = unsafe { cancelled.raw().pipeline(0, &policy, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 0), dp) };
        assert_eq!((s, d, st), (PARTLIQ_STATUS_BUFFER_TOO_SMALL, d0, st0));
    }
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod liquidation_tests {
    use super::*;
    use crate::fixtures::{cross, legs_book};
    use crate::health::{partliq_target, partliq_target_kind};
    use crate::pipeline::{partliq_action, partliq_reason};
    use crate::unified::{partliq_leg_kind, PARTLIQ_NO_INDEX};

    const FEES: [partliq_asset_liquidation_fees; 2] = [
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 0, insurance_fee_ppm: 0 },
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 50_000, insurance_fee_ppm: 0 },
    ];
    const POLICY: partliq_unified_liquidation_policy = partliq_unified_liquidation_policy {
        terms: partliq_leg_terms {
            target: partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 0 },
            perp_band_ppm: 0,
            reserved: 0,
        },
        objective: 0,
        ordering: 0,
        take_over_bankrupt: 1,
        search_budget_units: 0,
    };
    const NINE: partliq_unified_leg =
        partliq_unified_leg { kind: 9, position_index: 9, liability_asset: 9, collateral_asset: 9, amount: 9 };

    /// The core's planner mix: 1,000 units, a 700 borrow, a long 100 @ 100
    /// with cash −10,000: the swap of 700, 87 of the perp and 33 of its
    /// loss for a deposit restore for 9,470 (the core's planner test has the
    /// arithmetic).
    // The planner under Miri takes minutes per plan: its figures are
    // checked natively; the refusals below (before any planning) run under
    // Miri too.
    #[cfg_attr(miri, ignore)]
    #[test]
    fn the_whole_step() {
        let b = legs_book(&[(1, 1_000), (0, -700)], &[cross(100, -10_000)]);
        let mut legs = [NINE; 4];
        let mut d = partliq_unified_decision::default();
        assert_eq!(b.run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32));
        assert_eq!((d.plan.leg_count, d.plan.value_liquidated, legs[3]), (3, 9_470, NINE));
        assert_eq!((legs[0].amount, legs[1].amount, legs[2].amount), (700, 87, 33));
        assert_eq!(legs[2].kind, partliq_leg_kind::DepositForPerpLoss as u32);
        // Resting orders first.
        let b2 = legs_book(&[(1, 1_000), (0, -700)], &[partliq_perp_position { open_bids: 1, ..cross(100, -10_000) }]);
        assert_eq!(b2.run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::CancelOrders as u32, partliq_reason::OpenOrders as u32, 0));
        // Bankrupt (100 units against a 120 borrow) and taken over whole.
        let b3 = legs_book(&[(1, 100), (0, -120)], &[]);
        assert_eq!(b3.run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::Takeover as u32, partliq_reason::Bankrupt as u32));
        // Liquidated first when the policy says so: the swap of 95.
        let first = partliq_unified_liquidation_policy { take_over_bankrupt: 0, ..POLICY };
        assert_eq!(b3.run_liquidation(0, &FEES, &first, (&[], &[]), 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, legs[0].amount), (partliq_action::Liquidate as u32, partliq_reason::Infeasible as u32, 95));
        // Nothing left and still owing: a deficit.
        let b4 = legs_book(&[(1, 0), (0, -25)], &[]);
        assert_eq!(b4.run_liquidation(0, &FEES, &first, (&[], &[]), 1, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::ResolveDeficit as u32, partliq_reason::Bankrupt as u32));
        let _ = PARTLIQ_NO_INDEX;
        // A legs array too short for the plan: refused, nothing written.
        let (mut two, d0) = ([NINE; 2], partliq_unified_decision { action: 77, ..Default::default() });
        let mut d = d0;
        assert_eq!(b.run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut two, &mut d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        assert_eq!((two, d), ([NINE; 2], d0));
    }

    #[test]
    fn refusals_leave_the_outputs() {
        let b = legs_book(&[(1, 1_000), (0, -700)], &[cross(100, -10_000)]);
        let d0 = partliq_unified_decision { action: 77, ..Default::default() };
        let run = |policy: &partliq_unified_liquidation_policy, in_liquidation: u32, n: usize| {
            let (mut legs, mut d) = ([NINE; 4], d0);
            let s = b.run_liquidation(0, &FEES, policy, (&[], &[]), in_liquidation, &mut legs[..n], &mut d);
            assert_eq!((legs, d), ([NINE; 4], d0));
            s
        };
        let reserved_terms = partliq_leg_terms { reserved: 1, ..POLICY.terms };
        assert_eq!(run(&partliq_unified_liquidation_policy { terms: reserved_terms, ..POLICY }, 0, 4), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(&partliq_unified_liquidation_policy { objective: 2, ..POLICY }, 0, 4), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&partliq_unified_liquidation_policy { ordering: 4, ..POLICY }, 0, 4), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&partliq_unified_liquidation_policy { take_over_bankrupt: 2, ..POLICY }, 0, 4), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&POLICY, 2, 4), PARTLIQ_STATUS_INVALID_ENUM);
        // NULL policy and out.
        let mut legs = [NINE; 4];
        let [m, p, f, r, a, ap, bl, ps] = b.raw().arrays;
        // SAFETY: pointers from live vectors with their lengths; the NULLs are refused before any read.
        let s = unsafe {
            partliq_run_unified_liquidation(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                bl.0.cast(),
                bl.1,
                ps.0.cast(),
                ps.1,
                0,
                FEES.as_ptr(),
                2,
                core::ptr::null(),
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                0,
                legs.as_mut_ptr(),
                4,
                core::ptr::null_mut(),
            )
        };
        assert_eq!(s, PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(legs, [NINE; 4]);
    }
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod oracle_guarded_tests {
    use super::*;
    use crate::fixtures::{cross, legs_book, Book};
    use crate::health::{partliq_health_state, partliq_target, partliq_target_kind};
    use crate::pipeline::{partliq_action, partliq_reason};
    use crate::unified::partliq_unified_health;

    const FEES: [partliq_asset_liquidation_fees; 2] = [
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 0, insurance_fee_ppm: 0 },
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 50_000, insurance_fee_ppm: 0 },
    ];
    const POLICY: partliq_unified_liquidation_policy = partliq_unified_liquidation_policy {
        terms: partliq_leg_terms {
            target: partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 0 },
            perp_band_ppm: 0,
            reserved: 0,
        },
        objective: 0,
        ordering: 0,
        take_over_bankrupt: 1,
        search_budget_units: 0,
    };
    const NINE: partliq_unified_leg =
        partliq_unified_leg { kind: 9, position_index: 9, liability_asset: 9, collateral_asset: 9, amount: 9 };
    /// Fresh for 60 s; every figure reads the oracle.
    const GUARD: partliq_price_guard = partliq_price_guard {
        max_staleness: 60,
        max_confidence_ppm: 0,
        max_deviation_ppm: 0,
        trigger: 0,
        initial: 0,
        limit: 0,
        reserved: 0,
    };

    /// A feed publishing `oracle` at 1,000.
    fn feed(oracle: i64) -> partliq_price_feed {
        partliq_price_feed { oracle, publish_time: 1_000, ..Default::default() }
    }

    /// The book's own marks as feeds: market 0 at 100, assets at 1 and 100.
    fn feeds() -> ([partliq_price_feed; 1], [partliq_price_feed; 2]) {
        ([feed(100)], [feed(1), feed(100)])
    }

    /// The planner's mix (1,000 hundredths, a 700 borrow, a long 100 @ 100
    /// with cash −10,000): unweighted equity 1,000 − 700 + (10,000 −
    /// 10,000) = 300; maintenance collateral 1,000 × 0.9 − 700 = 200
    /// against 5 % × 10,000 = 500: liquidatable.
    fn mix() -> Book {
        legs_book(&[(1, 1_000), (0, -700)], &[cross(100, -10_000)])
    }

    fn guarded(
        b: &Book,
        f: (&[partliq_price_feed], &[partliq_price_feed]),
        now: u64,
        legs: &mut [partliq_unified_leg],
        d: &mut partliq_unified_decision,
    ) -> partliq_status {
        b.run_guarded_liquidation(0, f, &GUARD, &FEES, &POLICY, 0, now, legs, d)
    }

    /// Asset 1's feed published at 999 is 61 s old at 1,060, one second
    /// past the guard's 60: nothing priced, no leg, every figure 0.
    #[test]
    fn a_feed_one_second_too_old_refuses() {
        let (m, mut a) = feeds();
        a[1].publish_time = 999;
        let mut legs = [NINE; 4];
        let mut d = partliq_unified_decision { action: 77, ..Default::default() };
        assert_eq!(guarded(&mix(), (&m, &a), 1_060, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::None as u32, partliq_reason::PriceInvalid as u32));
        assert_eq!((d.plan.leg_count, d.plan.value_liquidated, d.plan.cost_to_account, d.plan.proven_least), (0, 0, 0, 0));
        assert_eq!(d.plan.health_after, partliq_unified_health::default());
        assert_eq!(legs, [NINE; 4], "no leg written");
        // The market's feed stale instead (published 999): the same.
        let (mut m, a) = feeds();
        m[0].publish_time = 999;
        assert_eq!(guarded(&mix(), (&m, &a), 1_060, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::None as u32, partliq_reason::PriceInvalid as u32, 0));
        // A stale feed of an asset the pool does not hold is not read: a
        // pool of only the 1,000 hundredths (healthy) decides as unguarded.
        let healthy = legs_book(&[(1, 1_000)], &[]);
        let (m, mut a) = feeds();
        a[0].publish_time = 0;
        assert_eq!(guarded(&healthy, (&m, &a), 1_060, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::None as u32, partliq_reason::Healthy as u32));
    }

    /// At 1,060 every feed is 60 s old, the guard's maximum: a healthy pool
    /// decides exactly as `partliq_run_unified_liquidation` (no planning:
    /// runs under Miri).
    #[test]
    fn at_the_maximum_age_a_healthy_pool_decides_as_unguarded() {
        let healthy = legs_book(&[(1, 1_000)], &[]);
        let (m, a) = feeds();
        let (mut l1, mut l2) = ([NINE; 4], [NINE; 4]);
        let (mut d1, mut d2) = (partliq_unified_decision::default(), partliq_unified_decision { action: 77, ..Default::default() });
        assert_eq!(healthy.run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut l1, &mut d1), OK);
        assert_eq!(guarded(&healthy, (&m, &a), 1_060, &mut l2, &mut d2), OK);
        assert_eq!((d2, l2), (d1, l1));
        // 1,000 hundredths at 100: equity 1,000; maintenance collateral 900.
        assert_eq!((d2.action, d2.plan.health_after.equity, d2.plan.health_after.maintenance.collateral), (0, 1_000, 900));
    }

    /// At the maximum age the planner's mix is liquidated exactly as
    /// unguarded: the swap of 700, 87 of the perp and 33 of its loss for a
    /// deposit, 9,470 liquidated (the core's planner test has the
    /// arithmetic).
    #[cfg_attr(miri, ignore)]
    #[test]
    fn at_the_maximum_age_the_mix_is_liquidated_as_unguarded() {
        let (m, a) = feeds();
        let (mut l1, mut l2) = ([NINE; 4], [NINE; 4]);
        let (mut d1, mut d2) = (partliq_unified_decision::default(), partliq_unified_decision { action: 77, ..Default::default() });
        assert_eq!(mix().run_liquidation(0, &FEES, &POLICY, (&[], &[]), 0, &mut l1, &mut d1), OK);
        assert_eq!(guarded(&mix(), (&m, &a), 1_060, &mut l2, &mut d2), OK);
        assert_eq!((d2, l2), (d1, l1));
        assert_eq!((d2.action, d2.reason), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32));
        assert_eq!((d2.plan.leg_count, d2.plan.value_liquidated), (3, 9_470));
        assert_eq!((l2[0].amount, l2[1].amount, l2[2].amount, l2[3]), (700, 87, 33, NINE));
    }

    /// The market in its grace period until 1,061: at 1,060 nothing, with
    /// the pool's health as it stands — equity 300, maintenance 200 against
    /// 500, ratio 500 / 200 = 2,500,000 ppm, liquidatable. At 1,061 the
    /// grace is over (and the feeds still 61 s old: refused).
    #[test]
    fn grace_period_reports_the_health() {
        let (mut m, a) = feeds();
        m[0].grace_until = 1_061;
        let mut legs = [NINE; 4];
        let mut d = partliq_unified_decision::default();
        assert_eq!(guarded(&mix(), (&m, &a), 1_060, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::None as u32, partliq_reason::GracePeriod as u32, 0));
        let h = d.plan.health_after;
        assert_eq!((h.equity, h.maintenance.collateral, h.maintenance.requirement), (300, 200, 500));
        assert_eq!((h.margin_ratio_ppm, h.state), (2_500_000, partliq_health_state::Liquidatable as u32));
        assert_eq!(legs, [NINE; 4]);
        assert_eq!(guarded(&mix(), (&m, &a), 1_061, &mut legs, &mut d), OK);
        assert_eq!(d.reason, partliq_reason::PriceInvalid as u32);
    }

    /// Every refusal leaves the legs and `*out` as they were: a mark that
    /// is not its feed's price, feeds shorter than the book, a guard with a
    /// reserved field or an unknown source, NULL and impossible lengths,
    /// misaligned feeds.
    #[test]
    fn refusals_leave_the_outputs() {
        let b = mix();
        let (m, a) = feeds();
        let d0 = partliq_unified_decision { action: 77, ..Default::default() };
        let check = |s: partliq_status, legs: [partliq_unified_leg; 4], d: partliq_unified_decision| {
            assert_eq!((legs, d), ([NINE; 4], d0), "written with status {s}");
            s
        };
        let run = |mf: (*const partliq_price_feed, usize), af: (*const partliq_price_feed, usize), guard: *const partliq_price_guard| {
            let (mut legs, mut d) = ([NINE; 4], d0);
            let [mk, p, f, r, at, ap, bl, ps] = b.raw().arrays;
            // SAFETY: pointers from live vectors with their lengths, or the
            // one under test, refused before any read.
            let s = unsafe {
                partliq_run_guarded_unified_liquidation(
                    mk.0.cast(),
                    mk.1,
                    p.0.cast(),
                    p.1,
                    f.0.cast(),
                    f.1,
                    r.0.cast(),
                    r.1,
                    at.0.cast(),
                    at.1,
                    ap.0.cast(),
                    ap.1,
                    bl.0.cast(),
                    bl.1,
                    ps.0.cast(),
                    ps.1,
                    0,
                    mf.0,
                    mf.1,
                    af.0,
                    af.1,
                    guard,
                    FEES.as_ptr(),
                    2,
                    &POLICY,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    0,
                    1_060,
                    legs.as_mut_ptr(),
                    4,
                    &mut d,
                )
            };
            check(s, legs, d)
        };
        let (mp, ap) = ((m.as_ptr(), 1), (a.as_ptr(), 2));
        let null = core::ptr::null::<partliq_price_feed>();
        assert_eq!(run((null, 1), ap, &GUARD), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(run(mp, (null, 2), &GUARD), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(run(mp, ap, core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(run((m.as_ptr(), usize::MAX), ap, &GUARD), PARTLIQ_STATUS_BAD_LENGTH);
        assert_eq!(run(mp, (a.as_ptr(), usize::MAX), &GUARD), PARTLIQ_STATUS_BAD_LENGTH);
        #[repr(C, align(8))]
        struct Aligned([u8; 128]);
        let buf = Aligned([0; 128]);
        // SAFETY: within the buffer.
        let at4 = unsafe { buf.0.as_ptr().add(4) };
        assert_eq!(run((at4.cast(), 1), ap, &GUARD), PARTLIQ_STATUS_MISALIGNED_POINTER);
        assert_eq!(run(mp, ap, at4.cast()), PARTLIQ_STATUS_MISALIGNED_POINTER);
        // NULL of length 0: no feed for market 0, or for the assets.
        assert_eq!(run((null, 0), ap, &GUARD), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
        assert_eq!(run(mp, (a.as_ptr(), 1), &GUARD), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
        assert_eq!(run(mp, ap, &partliq_price_guard { reserved: 1, ..GUARD }), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(mp, ap, &partliq_price_guard { limit: 4, ..GUARD }), PARTLIQ_STATUS_INVALID_ENUM);
        // Asset 1 priced at 100, its feed at 101: not the guarded price.
        let a101 = [feed(1), feed(101)];
        assert_eq!(run(mp, (a101.as_ptr(), 2), &GUARD), PARTLIQ_STATUS_PRICE_NOT_GUARDED);
        // The policy's and the flag's refusals, as unguarded.
        let (mut legs, mut d) = ([NINE; 4], d0);
        let s = b.run_guarded_liquidation(0, (&m, &a), &GUARD, &FEES, &POLICY, 2, 1_060, &mut legs, &mut d);
        assert_eq!(check(s, legs, d), PARTLIQ_STATUS_INVALID_ENUM);
        let bad = partliq_unified_liquidation_policy { terms: partliq_leg_terms { reserved: 1, ..POLICY.terms }, ..POLICY };
        let s = b.run_guarded_liquidation(0, (&m, &a), &GUARD, &FEES, &bad, 0, 1_060, &mut legs, &mut d);
        assert_eq!(check(s, legs, d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        let s = b.run_guarded_liquidation(7, (&m, &a), &GUARD, &FEES, &POLICY, 0, 1_060, &mut legs, &mut d);
        assert_eq!(check(s, legs, d), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert!(buf.0.iter().all(|b| *b == 0));
    }
}
