//! The planner over every kind of leg (the core's `unified::planner`): what
//! it minimises, which legs compete, the plan,
//! `partliq_unified_plan_liquidation`.

use partliq::unified::{
    plan_unified_liquidation, LegOrdering, LegTerms, LiquidationTiers, MarginBook, PlanObjective, UnifiedAccount, UnifiedLeg, UnifiedPlan,
    DEFAULT_SEARCH_BUDGET, MAX_PLAN_LEGS,
};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{decode, index, OK};
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{
    partliq_asset_liquidation_fees, partliq_leg_terms, partliq_perp_position, partliq_perp_risk, partliq_unified_health,
    partliq_unified_leg, terms_of,
};

/// Most legs in one unified plan (the core's `MAX_PLAN_LEGS`).
pub const PARTLIQ_MAX_PLAN_LEGS: usize = 16;

const _: () = assert!(PARTLIQ_MAX_PLAN_LEGS == MAX_PLAN_LEGS);

/// The exact search's work units for each of its orders when a policy's
/// `search_budget_units` is 0 (the core's `DEFAULT_SEARCH_BUDGET`).
pub const PARTLIQ_DEFAULT_SEARCH_BUDGET: u32 = 20_000;

const _: () = assert!(PARTLIQ_DEFAULT_SEARCH_BUDGET == DEFAULT_SEARCH_BUDGET);

/// What the unified planner minimises; any other value: `INVALID_ENUM`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_plan_objective {
    /// The unweighted value the account gives up.
    LeastValue = 0,
    /// Bonuses, fees and band.
    LeastCost = 1,
}

/// Which legs may compete in the unified planner; any other value:
/// `INVALID_ENUM`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_leg_ordering {
    /// Every leg competes.
    Cheapest = 0,
    /// Perps first, then tokens (Mango v4).
    PerpsFirst = 1,
    /// The riskiest liability tier first (Drift v2).
    ByTier = 2,
    /// Token legs (swaps, PnL transfers) before any perp reduction.
    TokensFirst = 3,
}

abi_enum!(partliq_plan_objective => PlanObjective {
    LeastValue => PlanObjective::LeastValue,
    LeastCost => PlanObjective::LeastCost,
});
abi_enum!(partliq_leg_ordering => LegOrdering {
    Cheapest => LegOrdering::Cheapest,
    PerpsFirst => LegOrdering::PerpsFirst,
    ByTier => LegOrdering::ByTier,
    TokensFirst => LegOrdering::TokensFirst,
});

/// A unified plan for one pool (its legs are in the caller's legs array).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_plan {
    /// A `partliq_outcome`: already safe, restored, or infeasible (the legs
    /// are the best found: escalate).
    pub status: u32,
    /// Legs written to the front of the legs array, in execution order.
    pub leg_count: u32,
    /// Σ value liquidated of the legs.
    pub value_liquidated: i64,
    /// Σ cost to the account of the legs.
    pub cost_to_account: i64,
    /// The pool after every leg.
    pub health_after: partliq_unified_health,
    /// 1 when the exact search finished: no plan of its space restores the
    /// pool for less of the objective (always 1 when already safe); 0 when
    /// infeasible, under a venue ordering, or when the search ran out of
    /// its budget.
    pub proven_least: u32,
    /// Written 0.
    pub reserved: u32,
}

pin_layout!(partliq_unified_plan, size = 104, align = i64, {
    status @ 0, leg_count @ 4, value_liquidated @ 8, cost_to_account @ 16, health_after @ 24, proven_least @ 96, reserved @ 100,
});

impl From<&UnifiedPlan> for partliq_unified_plan {
    fn from(p: &UnifiedPlan) -> Self {
        partliq_unified_plan {
            status: p.status as u32,
            // At most `MAX_PLAN_LEGS`.
            leg_count: u32::try_from(p.leg_count).unwrap_or(u32::MAX),
            value_liquidated: p.value_liquidated.0,
            cost_to_account: p.cost_to_account.0,
            health_after: partliq_unified_health::from(&p.health_after),
            proven_least: u32::from(p.proven_least),
            reserved: 0,
        }
    }
}

/// Plans the least liquidation of pool `pool_index` of a unified account
/// over every kind of leg (perp reductions, collateral swaps, PnL for a
/// borrow, a deposit for a loss), minimising `objective` (a
/// `partliq_plan_objective`) among the legs `ordering` lets compete (a
/// `partliq_leg_ordering`). `asset_tiers[i]` is the tier of asset `i` as a
/// liability and `market_tiers[i]` that of market `i`'s perps (higher:
/// riskier, liquidated first by `PARTLIQ_LEG_ORDERING_BY_TIER`; empty or
/// short: tier 0). The book, the account, `asset_fees` and `terms` as
/// `partliq_unified_settle_leg` takes them.
///
/// Writes the legs to the front of `legs` (at most
/// `PARTLIQ_MAX_PLAN_LEGS`) and `*out`, only on success. Statuses:
/// `partliq_unified_size_leg`'s, `INVALID_ENUM` (objective, ordering),
/// `BUFFER_TOO_SMALL` (the plan needs more legs than `legs_len`).
///
/// # Safety
/// As `partliq_unified_settle_leg`; `asset_tiers` and `market_tiers` are
/// NULL (only with length 0) or point to that many values; `legs` is NULL
/// (only with length 0) or points to `legs_len` initialised legs (any
/// values: they are only written). No output overlaps another or an input.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_plan_liquidation(
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
    terms: *const partliq_leg_terms,
    objective: u32,
    ordering: u32,
    asset_tiers: *const u32,
    asset_tiers_len: usize,
    market_tiers: *const u32,
    market_tiers_len: usize,
    legs: *mut partliq_unified_leg,
    legs_len: usize,
    out: *mut partliq_unified_plan,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let asset_fees = array_in!(asset_fees, asset_fees_len);
    let terms = struct_in!(terms);
    let asset_tiers = array_in!(asset_tiers, asset_tiers_len);
    let market_tiers = array_in!(market_tiers, market_tiers_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let (book, account) = check!(args.view());
    let terms = check!(terms_of(asset_fees, terms));
    let objective = check!(decode::<partliq_plan_objective>(objective));
    let ordering = check!(decode::<partliq_leg_ordering>(ordering));
    let tiers = LiquidationTiers { assets: asset_tiers, markets: market_tiers };
    let pool = check!(index(pool_index));
    let plan = check!(plan_core(&account, pool, &book, &terms, objective, ordering, &tiers, legs));
    write_out!(out, plan);
    OK
}

/// The core's planner (a frame over 4 KiB), kept out of the exported
/// function's frame: it plans into its own legs, then writes the caller's
/// (only on success).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn plan_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    objective: PlanObjective,
    ordering: LegOrdering,
    tiers: &LiquidationTiers<'_>,
    legs: &mut [partliq_unified_leg],
) -> Result<partliq_unified_plan, partliq_status> {
    let mut staged = [UnifiedLeg::default(); MAX_PLAN_LEGS];
    let room = staged.get_mut(..legs.len().min(MAX_PLAN_LEGS)).ok_or(PARTLIQ_STATUS_OUT_OF_RANGE)?;
    let plan = plan_unified_liquidation(account, pool, book, terms, objective, ordering, tiers, room).map_err(status_of)?;
    for (slot, leg) in legs.iter_mut().zip(staged.iter().take(plan.leg_count)) {
        *slot = partliq_unified_leg::from(leg);
    }
    Ok(partliq_unified_plan::from(&plan))
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{cross, legs_book, Book};
    use crate::health::{partliq_target, partliq_target_kind};
    use crate::plan::partliq_outcome;
    use crate::unified::{partliq_leg_kind, PARTLIQ_NO_INDEX};

    const FEES: [partliq_asset_liquidation_fees; 2] = [
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 0, insurance_fee_ppm: 0 },
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 50_000, insurance_fee_ppm: 0 },
    ];
    const TERMS: partliq_leg_terms = partliq_leg_terms {
        target: partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 0 },
        perp_band_ppm: 0,
        reserved: 0,
    };
    const SWAP_700: partliq_unified_leg = partliq_unified_leg {
        kind: partliq_leg_kind::SwapCollateralForLiability as u32,
        position_index: PARTLIQ_NO_INDEX,
        liability_asset: 0,
        collateral_asset: 1,
        amount: 700,
    };

    const LOSS_33: partliq_unified_leg = partliq_unified_leg {
        kind: partliq_leg_kind::DepositForPerpLoss as u32,
        position_index: 0,
        liability_asset: PARTLIQ_NO_INDEX,
        collateral_asset: 1,
        amount: 33,
    };

    fn reduce(units: i64) -> partliq_unified_leg {
        partliq_unified_leg {
            kind: partliq_leg_kind::ReducePerp as u32,
            position_index: 0,
            liability_asset: PARTLIQ_NO_INDEX,
            collateral_asset: PARTLIQ_NO_INDEX,
            amount: units,
        }
    }

    /// The core's planner account: 1,000 units of asset 1, a 700 quote
    /// borrow, a long 100 @ 100 with cash −10,000 (end level −900).
    fn book() -> Book {
        legs_book(&[(1, 1_000), (0, -700)], &[cross(100, -10_000)])
    }

    const NINE: partliq_unified_leg =
        partliq_unified_leg { kind: 9, position_index: 9, liability_asset: 9, collateral_asset: 9, amount: 9 };

    /// The perp alone restores at x = 100 (value 10,000); the swap of the
    /// whole borrow (735 units taken, 112 of surplus), x = 87 of the perp
    /// (end 212 − 87 − 130 = −5) and 33 of its loss taken over for ⌈34.65⌉
    /// = 35 units (⌊0.8 × 230⌋ − 54 − 130 = 0) restore for 735 + 8,700 +
    /// 35 = 9,470 (the core's planner test has the arithmetic).
    // The planner under Miri takes minutes per plan: its figures are
    // checked natively.
    #[cfg_attr(miri, ignore)]
    #[test]
    fn the_mix_of_9470() {
        let b = book();
        let mut legs = [NINE; 4];
        let mut p = partliq_unified_plan::default();
        let s = b.plan(0, &FEES, &TERMS, 0, 0, (&[], &[]), &mut legs, &mut p);
        assert_eq!(s, OK);
        assert_eq!(
            (p.status, p.leg_count, p.value_liquidated, p.cost_to_account),
            (partliq_outcome::Restored as u32, 3, 9_470, 35 + 87 + 2)
        );
        assert_eq!(legs, [SWAP_700, reduce(87), LOSS_33, NINE]);
        assert_eq!(p.health_after.liquidation_end.collateral - p.health_after.liquidation_end.requirement, 0);
        // The exact search finished: 9,470 is the least of its space.
        assert_eq!((p.proven_least, p.reserved), (1, 0));
        // Least cost: the perp alone (fee 100 for 900 of surplus).
        assert_eq!(b.plan(0, &FEES, &TERMS, 1, 0, (&[], &[]), &mut legs, &mut p), OK);
        assert_eq!((p.leg_count, p.cost_to_account, p.value_liquidated, legs[0]), (1, 100, 10_000, reduce(100)));
        // Perps first (Mango): the perp alone; by tier with the borrow the
        // riskier (Drift): the swap, then the perp's legs.
        assert_eq!(b.plan(0, &FEES, &TERMS, 0, 1, (&[], &[]), &mut legs, &mut p), OK);
        assert_eq!((p.leg_count, legs[0]), (1, reduce(100)));
        // A venue ordering keeps the greedy plan: never proven.
        assert_eq!(p.proven_least, 0);
        assert_eq!(b.plan(0, &FEES, &TERMS, 0, 2, (&[3, 0], &[0]), &mut legs, &mut p), OK);
        assert_eq!((p.leg_count, legs[0], legs[1], legs[2]), (3, SWAP_700, reduce(87), LOSS_33));
    }

    #[test]
    fn refusals_leave_the_outputs() {
        let b = book();
        let p0 = partliq_unified_plan { leg_count: 77, ..Default::default() };
        let run = |objective: u32, ordering: u32, n: usize| {
            let (mut legs, mut p) = ([NINE; 4], p0);
            let s = b.plan(0, &FEES, &TERMS, objective, ordering, (&[], &[]), &mut legs[..n], &mut p);
            assert_eq!((legs, p), ([NINE; 4], p0), "written with status {s}");
            s
        };
        assert_eq!(run(2, 0, 4), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(0, 4, 4), PARTLIQ_STATUS_INVALID_ENUM);
        #[cfg(not(miri))]
        {
            // A legs array too short for the plan (the planner runs first:
            // minutes under Miri).
            assert_eq!(run(0, 0, 1), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(run(0, 0, 0), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        }
        let (mut legs, mut p) = ([NINE; 4], p0);
        let bad = partliq_leg_terms { reserved: 1, ..TERMS };
        assert_eq!(b.plan(0, &FEES, &bad, 0, 0, (&[], &[]), &mut legs, &mut p), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(b.plan(3, &FEES, &TERMS, 0, 0, (&[], &[]), &mut legs, &mut p), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!((legs, p), ([NINE; 4], p0));
    }
}
