//! The planner over every kind of leg: the least total liquidation that
//! restores a unified pool.
//!
//! # What is minimised
//!
//! A plan is a list of legs ([`super::legs`]) after which the pool meets
//! the target. Two measures are offered ([`PlanObjective`]):
//!
//! * **value liquidated**: the unweighted value of everything the account
//!   gives up — the notional of perps closed at the mark, the deposits and
//!   the perp gain taken — what a user sees leave the account;
//! * **cost to the user**: what the liquidation itself takes beyond what it
//!   relieves — bonuses, fees, and the band a perp close gives up against
//!   the mark.
//!
//! # How the plan is found
//!
//! Every leg moves the pool's surplus by a gain for a measure it uses up.
//! For each candidate leg (every perp of the pool, every borrow against
//! every deposit, every gain against every borrow, every loss against every
//! deposit) the planner sizes the least amount that restores the target on
//! its own ([`super::size_leg`], exact). Then:
//!
//! 1. every leg that restores on its own is a way to finish: the cheapest
//!    one, added to what the legs so far used, is remembered when it is the
//!    cheapest total yet;
//! 2. unless a finisher buys at least as much surplus per unit of measure
//!    (compared exactly, as products), the plan goes on with the leg that
//!    buys the most, used in full, on the account with that leg applied.
//!
//! The plan is the cheapest total remembered: the greedy legs up to that
//! point and its finisher. When nothing restores, the plan is the greedy
//! legs (the best reachable) and its status says so.
//!
//! Two refinements follow, because amounts are whole units:
//!
//! * **order**: with every leg competing, the greedy path is walked three
//!   times — as above, tokens first, perps first — and the cheapest kept
//!   (a perp's fee is capped above the bankruptcy quote, so what it costs
//!   depends on the equity the other legs leave);
//! * **trim**: a finisher rounds its amount up and overshoots the target,
//!   so less of the legs before it may do; each leg is tried at smaller
//!   amounts (1, 2, 4, … less, or none) and the plan finished again by the
//!   cheapest leg that restores, repeatedly while that is cheaper.
//!
//! # What is claimed
//!
//! With gains proportional to amounts (no tiers crossed, no size terms),
//! the greedy order is the optimum of the continuous problem (the
//! fractional covering problem's order), and every whole-unit plan costs at
//! least that; the plan found exceeds the least whole-unit plan by at most
//! one unit's worth of each of its legs. The exact least over whole units
//! is a covering knapsack, hard in general. The property tests check the
//! bound against a brute-force search over every combination of amounts on
//! small solvent accounts, and count how often the plan is the least
//! exactly (59 of 61 on the fixed seed).
//!
//! In a bankrupt pool a perp's fill beyond the bankruptcy price is topped up
//! by the insurance fund, so a plan there counts the fund's money as the
//! account's and its legs' worth depends on their order; the claims are for
//! solvent pools (the pipeline can hand bankrupt ones over whole, see
//! [`super::run_unified_liquidation`]).
//!
//! # Venue orderings
//!
//! [`LegOrdering::PerpsFirst`] reproduces Mango v4: a pool's perps are
//! reduced (while any can still improve the pool) before any token leg.
//! [`LegOrdering::ByTier`] reproduces Drift v2's liquidation tiers: only the
//! legs that relieve the riskiest liability left (the highest tier number
//! among the pool's borrows and perps with a negative contribution) are
//! candidates. [`LegOrdering::Cheapest`] lets every leg compete.

use super::health::UnifiedHealth;
use super::legs::{size_leg, target_surplus, AccountCopy, LegKind, LegSettlement, LegTerms, UnifiedLeg};
use super::{MarginBook, UnifiedAccount};
use crate::error::{Error, Result};
use crate::num::{self, Quote};
use crate::sizing::CloseStatus;

/// Most legs in one plan.
pub const MAX_PLAN_LEGS: usize = 16;

/// What the planner minimises (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum PlanObjective {
    /// The unweighted value the account gives up.
    #[default]
    LeastValue = 0,
    /// Bonuses, fees and band.
    LeastCost = 1,
}

/// Which legs may compete (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum LegOrdering {
    /// Every leg competes.
    #[default]
    Cheapest = 0,
    /// Perps first, then tokens (Mango v4).
    PerpsFirst = 1,
    /// The riskiest liability tier first (Drift v2).
    ByTier = 2,
    /// Token legs (swaps and PnL transfers) before any perp reduction.
    TokensFirst = 3,
}

/// Per-asset and per-market liquidation tiers for [`LegOrdering::ByTier`]
/// (higher: riskier, liquidated first). Empty slices: every tier 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiquidationTiers<'a> {
    /// `assets[i]`: the tier of asset `i` as a liability.
    pub assets: &'a [u32],
    /// `markets[i]`: the tier of market `i`'s perps.
    pub markets: &'a [u32],
}

/// A plan for one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedPlan {
    /// Already safe, restored, or infeasible (the legs are the best found;
    /// the pipeline escalates).
    pub status: CloseStatus,
    /// Legs written to the caller's buffer.
    pub leg_count: usize,
    /// Σ value liquidated of the legs.
    pub value_liquidated: Quote,
    /// Σ cost to the account of the legs.
    pub cost_to_account: Quote,
    /// The pool after every leg.
    pub health_after: UnifiedHealth,
}

fn measure(s: &LegSettlement, objective: PlanObjective) -> i128 {
    match objective {
        PlanObjective::LeastValue => i128::from(s.value_liquidated.0),
        PlanObjective::LeastCost => i128::from(s.cost_to_account.0.max(0)),
    }
}

/// A candidate leg with its least restoring size or its full size.
#[derive(Clone, Copy)]
struct Candidate {
    leg: UnifiedLeg,
    settlement: LegSettlement,
    restores: bool,
    gain: i128,
    measure: i128,
}

impl Candidate {
    /// True when `self` buys more surplus per unit of measure than `other`
    /// (a measure of 0 with a gain is best); ties keep the earlier.
    fn more_efficient_than(&self, other: &Candidate) -> bool {
        match (self.measure == 0, other.measure == 0) {
            (true, true) => self.gain > other.gain,
            (true, false) => true,
            (false, true) => false,
            (false, false) => num::cmp_products(self.gain, other.measure, other.gain, self.measure) == core::cmp::Ordering::Greater,
        }
    }
}

/// The cheapest finisher and the most efficient other leg of a class.
#[derive(Clone, Copy, Default)]
struct Pick {
    finisher: Option<Candidate>,
    best: Option<Candidate>,
}

impl Pick {
    fn offer(&mut self, c: Candidate) {
        if c.restores {
            if self.finisher.map_or(true, |f| c.measure < f.measure) {
                self.finisher = Some(c);
            }
        } else if self.best.map_or(true, |b| c.more_efficient_than(&b)) {
            self.best = Some(c);
        }
    }

    /// True when a leg of the class helps.
    fn any(&self) -> bool {
        self.finisher.is_some() || self.best.is_some()
    }
}

fn tier_of(tiers: &[u32], index: u32) -> u32 {
    usize::try_from(index).ok().and_then(|i| tiers.get(i)).copied().unwrap_or(0)
}

/// Every candidate leg of the pool (amount 0), handed to `visit`.
fn each_candidate(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    visit: &mut dyn FnMut(UnifiedLeg) -> Result<()>,
) -> Result<()> {
    let pool = account.pool(pool_index)?;
    for (i, p) in pool.members() {
        if p.size.0 != 0 {
            visit(UnifiedLeg::reduce_perp(u32::try_from(i).map_err(|_| Error::UnknownPosition)?, 0))?;
        }
    }
    for borrow in pool.balances.iter().filter(|b| b.amount < 0) {
        for deposit in pool.balances.iter().filter(|b| b.amount > 0 && b.asset_index != borrow.asset_index) {
            visit(UnifiedLeg::swap(borrow.asset_index, deposit.asset_index, 0))?;
        }
    }
    for (i, p) in pool.members() {
        let at = u32::try_from(i).map_err(|_| Error::UnknownPosition)?;
        let equity = crate::health::stored_position_terms(&p.position(), book.markets, book.prices)?.equity;
        if equity > 0 {
            for borrow in pool.balances.iter().filter(|b| b.amount < 0) {
                visit(UnifiedLeg::pnl_for_liability(at, borrow.asset_index, 0))?;
            }
        } else if equity < 0 {
            for deposit in pool.balances.iter().filter(|b| b.amount > 0) {
                visit(UnifiedLeg::deposit_for_loss(at, deposit.asset_index, 0))?;
            }
        }
    }
    Ok(())
}

/// The tier a leg relieves: the liability asset's, or the perp market's
/// (a reduction, or a loss taken over).
fn leg_tier(leg: &UnifiedLeg, account: &UnifiedAccount<'_>, tiers: &LiquidationTiers<'_>) -> u32 {
    match leg.kind {
        LegKind::SwapCollateralForLiability | LegKind::PerpPnlForLiability => tier_of(tiers.assets, leg.liability_asset),
        LegKind::ReducePerp | LegKind::DepositForPerpLoss => usize::try_from(leg.position_index)
            .ok()
            .and_then(|i| account.positions.get(i))
            .map_or(0, |p| tier_of(tiers.markets, p.market_index)),
    }
}

/// Plans the least liquidation of pool `pool_index` (see the module docs),
/// writing its legs to `legs` (only on success; at most
/// [`MAX_PLAN_LEGS`]).
///
/// Errors: [`Error::BufferTooSmall`] when the plan needs more legs than
/// `legs` holds; [`super::size_leg`]'s.
#[allow(clippy::too_many_arguments)]
pub fn plan_unified_liquidation(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    objective: PlanObjective,
    ordering: LegOrdering,
    tiers: &LiquidationTiers<'_>,
    legs: &mut [UnifiedLeg],
) -> Result<UnifiedPlan> {
    let ctx = Ctx { account, pool_index, book, terms, objective, tiers };
    // Every leg competing, the greedy path is also walked with the tokens
    // first and with the perps first: a perp's fill depends on the equity
    // the other legs leave (its fee is capped above the bankruptcy quote),
    // so the order can change the total. The cheapest wins.
    let orders: &[LegOrdering] = match ordering {
        LegOrdering::Cheapest => &[LegOrdering::Cheapest, LegOrdering::TokensFirst, LegOrdering::PerpsFirst],
        _ => core::slice::from_ref(&ordering),
    };
    let mut best: Option<Draft> = None;
    for &order in orders {
        let draft = ctx.trim(ctx.greedy(order)?, order)?;
        if best.map_or(true, |b| draft.better_than(&b)) {
            best = Some(draft);
        }
    }
    let draft = best.ok_or(Error::OutOfRange)?;
    let plan = draft.legs.get(..draft.count).ok_or(Error::BufferTooSmall)?;
    let (totals, after) = ctx.replay(plan)?.ok_or(Error::InvalidLegAmount)?;
    legs.get_mut(..draft.count).ok_or(Error::BufferTooSmall)?.copy_from_slice(plan);
    Ok(UnifiedPlan {
        status: draft.status,
        leg_count: draft.count,
        value_liquidated: Quote::from_i128(totals.value)?,
        cost_to_account: Quote::from_i128(totals.cost)?,
        health_after: super::legs::pool_health_of(&after.account(), pool_index, book)?,
    })
}

/// A plan being built: its legs, status and measure.
#[derive(Clone, Copy)]
struct Draft {
    legs: [UnifiedLeg; MAX_PLAN_LEGS],
    count: usize,
    status: CloseStatus,
    measure: i128,
}

impl Draft {
    /// Restores (or is already safe) where `other` does not, or restores
    /// as well for less, or with fewer legs for the same.
    fn better_than(&self, other: &Draft) -> bool {
        let ok = |d: &Draft| d.status != CloseStatus::Infeasible;
        match (ok(self), ok(other)) {
            (true, false) => true,
            (false, true) => false,
            _ => (self.measure, self.count) < (other.measure, other.count),
        }
    }
}

/// Sums over a plan's legs.
#[derive(Clone, Copy, Default)]
struct Totals {
    value: i128,
    cost: i128,
    /// Σ of the objective's measure of each leg.
    measure: i128,
}

/// What every step of the planner shares.
struct Ctx<'c, 'a> {
    account: &'c UnifiedAccount<'a>,
    pool_index: usize,
    book: &'c MarginBook<'a>,
    terms: &'c LegTerms<'a>,
    objective: PlanObjective,
    tiers: &'c LiquidationTiers<'a>,
}

impl Ctx<'_, '_> {
    /// The greedy path (see the module docs) under `ordering`.
    fn greedy(&self, ordering: LegOrdering) -> Result<Draft> {
        let mut copy = AccountCopy::of(self.account)?;
        let mut draft = Draft { legs: [UnifiedLeg::default(); MAX_PLAN_LEGS], count: 0, status: CloseStatus::Infeasible, measure: 0 };
        // The cheapest way found to finish: (greedy legs kept, finisher, total).
        let mut finish: Option<(usize, Candidate, i128)> = None;
        loop {
            let current = copy.account();
            let surplus = target_surplus(&super::legs::pool_health_of(&current, self.pool_index, self.book)?, &self.terms.target)?;
            if surplus >= 0 {
                draft.status = if draft.count == 0 { CloseStatus::AlreadySafe } else { CloseStatus::Restored };
                return Ok(draft);
            }
            let (finisher, best) =
                best_candidates(&current, self.pool_index, self.book, self.terms, self.objective, ordering, self.tiers, surplus)?;
            if let Some(f) = finisher {
                let total = num::add(draft.measure, f.measure)?;
                if finish.map_or(true, |(_, _, t)| total < t) {
                    finish = Some((draft.count, f, total));
                }
            }
            // The greedy path goes on with the most efficient leg, in full,
            // unless a finisher is at least as efficient (it ends there).
            let go_on = match (best, finisher) {
                (Some(b), Some(f)) => b.more_efficient_than(&f),
                (Some(_), None) => true,
                _ => false,
            };
            let Some(b) = best.filter(|_| go_on && draft.count < MAX_PLAN_LEGS.saturating_sub(1)) else { break };
            *draft.legs.get_mut(draft.count).ok_or(Error::BufferTooSmall)? = b.leg;
            draft.count = draft.count.saturating_add(1);
            draft.measure = num::add(draft.measure, b.measure)?;
            copy.apply(&b.settlement)?;
        }
        if let Some((kept, f, total)) = finish {
            draft.count = kept;
            *draft.legs.get_mut(kept).ok_or(Error::BufferTooSmall)? = f.leg;
            draft.count = kept.saturating_add(1);
            draft.measure = total;
            draft.status = CloseStatus::Restored;
        }
        Ok(draft)
    }

    /// Settles `legs` in order on a copy of the account: their totals and
    /// the account after them; `None` when a leg is refused on the account
    /// the earlier ones leave.
    fn replay(&self, legs: &[UnifiedLeg]) -> Result<Option<(Totals, AccountCopy)>> {
        let mut copy = AccountCopy::of(self.account)?;
        let mut totals = Totals::default();
        for leg in legs {
            let Ok(s) = super::legs::settle_leg(&copy.account(), self.pool_index, self.book, self.terms, leg) else { return Ok(None) };
            totals.value = num::add(totals.value, i128::from(s.value_liquidated.0))?;
            totals.cost = num::add(totals.cost, i128::from(s.cost_to_account.0))?;
            totals.measure = num::add(totals.measure, measure(&s, self.objective))?;
            copy.apply(&s)?;
        }
        Ok(Some((totals, copy)))
    }

    /// Trims a restoring plan: each leg is tried at smaller amounts (one
    /// less, two less, four less, …, none), the plan then finished by the
    /// cheapest leg that restores; the cheapest total of a pass is kept, and
    /// passes repeat while one finds a cheaper plan (a finisher that
    /// overshoots the target leaves room to take less of the legs before it;
    /// a finisher cut short may be finished more cheaply by another leg).
    fn trim(&self, mut draft: Draft, ordering: LegOrdering) -> Result<Draft> {
        const PASSES: usize = 4;
        if draft.status != CloseStatus::Restored {
            return Ok(draft);
        }
        for _ in 0..PASSES {
            let mut best: Option<Draft> = None;
            // Every leg, the finisher too (then another leg finishes).
            let prefix_len = draft.count;
            // The last two legs: the overshoot is the finisher's, and the
            // leg before it is the one the finisher's rounding can spare.
            for i in prefix_len.saturating_sub(2)..prefix_len {
                let amount = draft.legs.get(i).map_or(0, |l| l.amount);
                // Cuts 1, 2, 4, … below the amount, then the whole leg.
                let mut power: i64 = 1;
                let mut last = amount <= 0;
                while !last {
                    let cut = if power < amount { power } else { amount };
                    last = cut == amount;
                    power = power.saturating_mul(2);
                    let mut trial = draft.legs;
                    let mut n = 0usize;
                    for (j, leg) in draft.legs.iter().take(prefix_len).enumerate() {
                        let leg = if j == i { leg.with_amount(amount.saturating_sub(cut)) } else { *leg };
                        if leg.amount > 0 {
                            *trial.get_mut(n).ok_or(Error::BufferTooSmall)? = leg;
                            n = n.saturating_add(1);
                        }
                    }
                    if let Some(candidate) = self.finish(trial, n, ordering)? {
                        if candidate.better_than(best.as_ref().unwrap_or(&draft)) {
                            best = Some(candidate);
                        }
                    }
                }
            }
            match best {
                Some(b) => draft = b,
                None => break,
            }
        }
        Ok(draft)
    }

    /// `legs[..n]` finished by the cheapest single leg that restores (none
    /// needed when they restore already); `None` when none does.
    fn finish(&self, mut legs: [UnifiedLeg; MAX_PLAN_LEGS], n: usize, ordering: LegOrdering) -> Result<Option<Draft>> {
        let Some((totals, copy)) = self.replay(legs.get(..n).ok_or(Error::BufferTooSmall)?)? else { return Ok(None) };
        let spent = totals.measure;
        let current = copy.account();
        let surplus = target_surplus(&super::legs::pool_health_of(&current, self.pool_index, self.book)?, &self.terms.target)?;
        if surplus >= 0 {
            return Ok(Some(Draft { legs, count: n, status: CloseStatus::Restored, measure: spent }));
        }
        let (finisher, _) =
            best_candidates(&current, self.pool_index, self.book, self.terms, self.objective, ordering, self.tiers, surplus)?;
        let Some(f) = finisher else { return Ok(None) };
        // A plan holds at most `MAX_PLAN_LEGS` legs.
        let Some(slot) = legs.get_mut(n) else { return Ok(None) };
        *slot = f.leg;
        Ok(Some(Draft { legs, count: n.saturating_add(1), status: CloseStatus::Restored, measure: num::add(spent, f.measure)? }))
    }
}

/// The cheapest leg that restores on its own, and the most efficient leg
/// used in full that improves the pool.
#[allow(clippy::too_many_arguments)]
fn best_candidates(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    objective: PlanObjective,
    ordering: LegOrdering,
    tiers: &LiquidationTiers<'_>,
    surplus: i128,
) -> Result<(Option<Candidate>, Option<Candidate>)> {
    // One pass over the candidates, each evaluated once: the cheapest
    // finisher and the most efficient leg of each class the ordering may
    // pick from (perps and tokens apart; the riskiest tier seen so far).
    let (mut perps, mut tokens, mut all, mut tier) = (Pick::default(), Pick::default(), Pick::default(), Pick::default());
    let mut top_tier: Option<u32> = None;
    each_candidate(account, pool_index, book, &mut |leg| {
        let Some(c) = evaluate(account, pool_index, book, terms, objective, surplus, leg)? else { return Ok(()) };
        all.offer(c);
        if leg.kind == LegKind::ReducePerp {
            perps.offer(c);
        } else {
            tokens.offer(c);
        }
        if ordering == LegOrdering::ByTier {
            let t = leg_tier(&c.leg, account, tiers);
            if top_tier.map_or(true, |top| t > top) {
                top_tier = Some(t);
                tier = Pick::default();
            }
            if top_tier == Some(t) {
                tier.offer(c);
            }
        }
        Ok(())
    })?;
    let chosen = match ordering {
        LegOrdering::Cheapest => all,
        LegOrdering::PerpsFirst if perps.any() => perps,
        LegOrdering::TokensFirst if tokens.any() => tokens,
        LegOrdering::ByTier => tier,
        LegOrdering::PerpsFirst | LegOrdering::TokensFirst => all,
    };
    let (finisher, best) = (chosen.finisher, chosen.best);
    Ok((finisher, best))
}

/// The candidate's least restoring leg, or its full leg when it cannot
/// restore alone but improves the pool; `None` when it does neither.
fn evaluate(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    objective: PlanObjective,
    surplus: i128,
    leg: UnifiedLeg,
) -> Result<Option<Candidate>> {
    let sized = size_leg(account, pool_index, book, terms, &leg)?;
    let Some(settlement) = sized.settlement else { return Ok(None) };
    let gain = num::sub(target_surplus(&settlement.health_after, &terms.target)?, surplus)?;
    if gain <= 0 {
        return Ok(None);
    }
    Ok(Some(Candidate {
        leg: sized.leg,
        settlement,
        restores: sized.status == CloseStatus::Restored,
        gain,
        measure: measure(&settlement, objective),
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::{Asset, AssetBalance};
    use crate::health::Target;
    use crate::market::Market;
    use crate::num::{Ppm, Price, Size};
    use crate::unified::legs::AssetLiquidationFees;
    use crate::unified::PerpPosition;

    fn market() -> Market {
        let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(10_000);
        m
    }

    /// Asset 0 the quote asset at par; asset 1 worth 1 per unit (price 100,
    /// e = −2) at 80 % / 90 %, liability 120 % / 110 %.
    fn assets() -> [Asset; 2] {
        [Asset::at_par(0), Asset::weighted(-2, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))]
    }

    fn fees(bonus: u32) -> [AssetLiquidationFees; 2] {
        [AssetLiquidationFees::default(), AssetLiquidationFees { liquidator_bonus: Ppm(bonus), insurance_fee: Ppm(0) }]
    }

    /// 1,000 units of asset 1, a 700 quote borrow, a long 100 @ 100 with
    /// cash −10,000: end level 800 − 700 − 1,000 = −900.
    fn plan(bonus: u32, objective: PlanObjective, ordering: LegOrdering, tiers: &LiquidationTiers<'_>) -> (UnifiedPlan, [UnifiedLeg; 4]) {
        let (assets, markets, marks, prices) = (assets(), [market()], [Price(100)], [Price(1), Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
        let balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -700 }];
        let positions = [PerpPosition::cross(0, Size(100), Quote(-10_000))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let fees = fees(bonus);
        let terms = LegTerms { asset_fees: &fees, perp_band: Ppm(0), target: Target::Initial };
        let mut legs = [UnifiedLeg::default(); 4];
        let p = plan_unified_liquidation(&account, 0, &book, &terms, objective, ordering, tiers, &mut legs).unwrap();
        (p, legs)
    }

    #[test]
    fn the_cheaper_mix_beats_the_one_leg_that_restores() {
        // Alone, the perp restores at x = 100 (9 per unit: 900), value
        // 10,000. Repaying the whole borrow first (r = 700 takes ⌈735⌉
        // units, gain 0.16 × 700 = 112, 112 / 735 per unit of value, more
        // than the perp's 9 / 100) leaves −788: the perp then needs x = 88
        // (fee 88, remainder 12 worth 1,200 with cash −1,288, requirement
        // 120: 212 − 88 − 120 = 4 ✓); total 735 + 8,800 = 9,535. Cheaper
        // still: x = 87 (fee 87, cash −1,387, remainder 13 worth 1,300:
        // the position's equity −87, requirement 130; 212 − 87 − 130 = −5)
        // and a deposit for 33 of the position's loss (⌈1.05 × 33⌉ = 35
        // units: ⌊0.8 × 230⌋ − 54 − 130 = 0 ✓; 32 takes 34: ⌊184.8⌋ − 55 −
        // 130 = −1 ✗). Total 735 + 8,700 + 35 = 9,470.
        let (p, legs) = plan(50_000, PlanObjective::LeastValue, LegOrdering::Cheapest, &LiquidationTiers::default());
        assert_eq!((p.status, p.leg_count, p.value_liquidated), (CloseStatus::Restored, 3, Quote(9_470)));
        assert_eq!(legs[..3], [UnifiedLeg::swap(0, 1, 700), UnifiedLeg::reduce_perp(0, 87), UnifiedLeg::deposit_for_loss(0, 1, 33)]);
        assert_eq!(p.health_after.liquidation_end.health().unwrap(), 0);
        // Cost: the swap's 35, the perp's fee 87, the deposit's 2.
        assert_eq!(p.cost_to_account, Quote(35 + 87 + 2));
    }

    #[test]
    fn least_cost_prefers_the_perp() {
        // Cost: the swap's bonus 35 for 112 of surplus; the perp's fee 100
        // for 900 (9 per unit of cost, more efficient): the perp alone.
        let (p, legs) = plan(50_000, PlanObjective::LeastCost, LegOrdering::Cheapest, &LiquidationTiers::default());
        assert_eq!((p.status, p.leg_count, p.cost_to_account, p.value_liquidated), (CloseStatus::Restored, 1, Quote(100), Quote(10_000)));
        assert_eq!(legs[0], UnifiedLeg::reduce_perp(0, 100));
    }

    #[test]
    fn a_swap_that_only_hurts_leaves_the_perp() {
        // Bonus 30 %: 1.3 × 0.8 = 1.04 > 1, the swap never helps.
        let (p, legs) = plan(300_000, PlanObjective::LeastValue, LegOrdering::Cheapest, &LiquidationTiers::default());
        assert_eq!((p.status, p.leg_count, legs[0]), (CloseStatus::Restored, 1, UnifiedLeg::reduce_perp(0, 100)));
        assert_eq!(p.health_after.liquidation_end.health().unwrap(), 0);
    }

    #[test]
    fn venue_orderings() {
        // Mango: perps first, so the perp alone while it helps.
        let (p, legs) = plan(50_000, PlanObjective::LeastValue, LegOrdering::PerpsFirst, &LiquidationTiers::default());
        assert_eq!((p.leg_count, legs[0], p.value_liquidated), (1, UnifiedLeg::reduce_perp(0, 100), Quote(10_000)));
        // Drift: the riskier tier first. The perp market riskier: its legs
        // (the perp, or a deposit for its loss) before the borrow's. x = 99
        // (fee 99, cash −199, 1 left worth 100: equity −99, requirement 10;
        // 800 − 700 − 99 − 10 = −9), then a deposit for q of its loss:
        // ⌊0.8 (1,000 − ⌈1.05 q⌉)⌋ − 700 − 99 + q − 10 ≥ 0 ⇒ q = 57 (60
        // units: 752 − 700 − 42 − 10 = 0 ✓; 56 takes 59: ⌊752.8⌋ − 43 −
        // 710 = −1 ✗). Total 9,900 + 60 = 9,960.
        let (p, legs) = plan(50_000, PlanObjective::LeastValue, LegOrdering::ByTier, &LiquidationTiers { assets: &[0, 0], markets: &[5] });
        assert_eq!(
            (p.leg_count, legs[..2].to_vec()),
            (2, [UnifiedLeg::reduce_perp(0, 99), UnifiedLeg::deposit_for_loss(0, 1, 57)].to_vec())
        );
        assert_eq!(p.value_liquidated, Quote(9_960));
        // The quote borrow riskier: the swap first, then the perp's legs:
        // the cheapest plan of all (see above).
        let (p, legs) = plan(50_000, PlanObjective::LeastValue, LegOrdering::ByTier, &LiquidationTiers { assets: &[3, 0], markets: &[0] });
        assert_eq!((p.leg_count, legs[0], p.value_liquidated), (3, UnifiedLeg::swap(0, 1, 700), Quote(9_470)));
    }

    #[test]
    fn safe_and_hopeless_pools() {
        let (assets, markets, marks, prices) = (assets(), [market()], [Price(100)], [Price(1), Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
        let fees = fees(50_000);
        let terms = LegTerms { asset_fees: &fees, perp_band: Ppm(0), target: Target::Initial };
        let mut legs = [UnifiedLeg::default(); 2];
        let run = |balances: &[AssetBalance], legs: &mut [UnifiedLeg]| {
            let account = UnifiedAccount { balances, positions: &[] };
            plan_unified_liquidation(
                &account,
                0,
                &book,
                &terms,
                PlanObjective::LeastValue,
                LegOrdering::Cheapest,
                &LiquidationTiers::default(),
                legs,
            )
            .unwrap()
        };
        // 1,000 units (800 at the end level) against a 700 borrow: safe.
        let p = run(&[AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -700 }], &mut legs);
        assert_eq!((p.status, p.leg_count), (CloseStatus::AlreadySafe, 0));
        // A borrow and nothing to repay it with.
        let p = run(&[AssetBalance { asset_index: 0, amount: -700 }], &mut legs);
        assert_eq!((p.status, p.leg_count), (CloseStatus::Infeasible, 0));
        // A buffer too small for the plan: the error, nothing written.
        let mut none: [UnifiedLeg; 0] = [];
        let account_balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -950 }];
        let account = UnifiedAccount { balances: &account_balances, positions: &[] };
        let err = plan_unified_liquidation(
            &account,
            0,
            &book,
            &terms,
            PlanObjective::LeastValue,
            LegOrdering::Cheapest,
            &LiquidationTiers::default(),
            &mut none,
        );
        assert_eq!(err, Err(Error::BufferTooSmall));
    }
}
