//! Planning: which positions of a cross-margin pool to reduce, and by how much.
//!
//! A breached pool with several positions can be restored in many ways. The
//! planner sizes legs with [`crate::sizing`] (each at its limit price from
//! [`crate::pricing`]) in an order chosen by [`PlanOrder`]:
//!
//! * [`PlanOrder::LargestMaintenanceFirst`] — the position carrying the
//!   largest maintenance requirement first (the common exchange rule);
//! * [`PlanOrder::BestReleasePerCostFirst`] — the position whose closing
//!   improves `equity − target` most per unit of notional first: margin
//!   released (`f_tier × (1 + buffer)`) minus slippage to the limit price
//!   minus the fee. Restoring the pool with the least total notional
//!   liquidated (none of the venues does this);
//! * [`PlanOrder::ProRata`] — the same fraction of every position, the least
//!   fraction (in ppm, each leg rounded up to its lot step) that restores
//!   the target.
//!
//! Ordered plans size one position at a time: if its minimal close restores
//! the target the plan ends; if it cannot, its best reachable close is kept
//! (the surplus is a sum over positions, so each position's best is the
//! pool's best) and the next position is sized. When nothing restores the
//! target the plan is [`PlanStatus::Infeasible`] with the best reachable
//! figures: the pipeline escalates.
//!
//! Legs are executed at their limit prices (the worst allowed), so real
//! fills can only do better. `health_after` is exactly the health recomputed
//! from scratch with every leg's size, cash and fee applied.

use crate::account::{Pool, MAX_POSITIONS};
use crate::error::{Error, Result};
use crate::health::{self, Health, Sums, Target};
use crate::market::Market;
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};
use crate::pricing;
use crate::ramps::LegPricing;
use crate::sizing::{self, CloseStatus};

/// The order in which positions are reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum PlanOrder {
    /// Largest per-position maintenance requirement first.
    LargestMaintenanceFirst = 0,
    /// Most `equity − target` improvement per unit of notional first.
    BestReleasePerCostFirst = 1,
    /// The same least fraction of every position.
    ProRata = 2,
}

/// What the planner is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanParams {
    /// Where the liquidation may stop.
    pub target: Target,
    /// Band around the mark for each leg's limit price (≤ 100 %).
    pub price_band: Ppm,
    /// Which positions go first.
    pub order: PlanOrder,
}

/// One liquidation order of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct PlanLeg {
    /// Index of the position in the pool.
    pub position_index: u32,
    /// Signed size change (opposite to the position).
    pub size_delta: Size,
    /// Limit price of the order (worst allowed fill).
    pub limit_price: Price,
    /// Cash at the limit price (received > 0, paid < 0), against the account.
    pub expected_cash: Quote,
    /// Liquidation fee at the limit price, rounded as the market's
    /// `liquidation_fee_rounding` (up by default).
    pub expected_fee: Quote,
}

/// Outcome of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum PlanStatus {
    /// The pool meets the target: no legs.
    AlreadySafe = 0,
    /// The legs restore the target.
    Restored = 1,
    /// No reduction restores the target; the legs are the best reachable.
    Infeasible = 2,
}

/// A liquidation plan (its legs are in the caller's buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Outcome.
    pub status: PlanStatus,
    /// Number of legs written to the front of the buffer, in execution order.
    pub leg_count: usize,
    /// Pool health before the plan.
    pub health_before: Health,
    /// Pool health after every leg fills at its limit price.
    pub health_after: Health,
    /// Equity the target asks for after the plan.
    pub required_equity_after: Quote,
    /// `required − equity` after the plan when still short, else 0.
    pub shortfall: Quote,
    /// True when the dust rule closed some remainder whole.
    pub dust_closed: bool,
}

/// Per-position working state (stack only).
#[derive(Clone, Copy, Default)]
struct Leg {
    units: i128,
    size_delta: i128,
    quote_delta: i128,
    cash: i128,
    fee: i128,
    limit: i128,
    dust: bool,
}

/// Plans the liquidation of a margin pool.
///
/// `legs` must hold at least one entry per position of the pool; the plan's
/// legs are written to its front in execution order and nothing else is
/// written. They are written only on success: the legs are staged and
/// copied to `legs` as the last step, so on an error `legs` is untouched.
/// Errors: [`Error::TooManyPositions`] above [`MAX_POSITIONS`],
/// [`Error::BufferTooSmall`], [`Error::InvalidBuffer`],
/// [`Error::InvalidPriceBand`], and the pool's own errors.
pub fn plan_liquidation(pool: &Pool<'_>, markets: &[Market], prices: &[Price], params: &PlanParams, legs: &mut [PlanLeg]) -> Result<Plan> {
    plan_stepped(pool, markets, prices, params, &LegPricing::flat(params.price_band), &mut |_, _, sol| Ok(sol.units), legs)
}

/// A step rule applied to each sized leg: given the position index, its
/// close model (with earlier legs applied) and the solver's answer, the units
/// this step actually closes.
pub(crate) type StepFn<'f> = &'f mut dyn FnMut(usize, &sizing::CloseModel<'_>, &sizing::Solution) -> Result<i128>;

/// [`plan_liquidation`] with the legs priced by `pricing` (each leg's limit
/// price and fee: the flat band and the market's fee, or the ramps') and a
/// step rule bounding each leg (called once per sized leg, in plan order).
/// `params.price_band` is validated but the band is `pricing`'s. Writes
/// `legs` only on success, as [`plan_liquidation`].
pub(crate) fn plan_stepped(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    params: &PlanParams,
    pricing: &LegPricing<'_>,
    step: StepFn<'_>,
    legs: &mut [PlanLeg],
) -> Result<Plan> {
    let n = pool.positions.len();
    if n > MAX_POSITIONS {
        return Err(Error::TooManyPositions);
    }
    if legs.len() < n {
        return Err(Error::BufferTooSmall);
    }
    params.target.validate()?;
    params.price_band.at_most_one(Error::InvalidPriceBand)?;
    let before = health::pool_sums(pool, markets, prices)?;
    let health_before = Health::from_sums(&before)?;
    if num::sub(before.equity, params.target.required(&before)?)? >= 0 {
        return finish(PlanStatus::AlreadySafe, health_before, &before, params);
    }

    let mut work = [Leg::default(); MAX_POSITIONS];
    let mut order = [0usize; MAX_POSITIONS];
    let mut count = 0usize;
    for (i, p) in pool.positions.iter().enumerate() {
        if p.size.0 == 0 {
            continue;
        }
        let ctx = pricing::context(pool, markets, prices, i)?;
        work.get_mut(i).ok_or(Error::TooManyPositions)?.limit = pricing.limit(&ctx, p.market_index)?;
        *order.get_mut(count).ok_or(Error::TooManyPositions)? = i;
        count = count.saturating_add(1);
    }
    let order = order.get_mut(..count).ok_or(Error::TooManyPositions)?;
    let surplus_of = |work: &[Leg; MAX_POSITIONS]| -> Result<i128> {
        let s = health::pool_sums_adjusted(pool, markets, prices, None, &|j| adjustment(work, j))?;
        num::sub(s.equity, params.target.required(&s)?)
    };

    let mut done = false;
    if params.order == PlanOrder::ProRata && pro_rata(pool, markets, prices, params.target, pricing, &mut work, order)? {
        // Bound each pro-rata leg by the step rule.
        for &i in order.iter() {
            let w = *work.get(i).ok_or(Error::UnknownPosition)?;
            if w.units == 0 {
                continue;
            }
            let model = model_for(pool, markets, prices, i, w.limit, params.target, pricing, &|_| (0, 0))?;
            let sol = sizing::Solution { status: CloseStatus::Restored, units: w.units, dust_closed: w.dust };
            let units = step(i, &model, &sol)?;
            if units != w.units {
                *work.get_mut(i).ok_or(Error::UnknownPosition)? =
                    if units > 0 { make_leg(&model, units, w.limit, false)? } else { Leg { limit: w.limit, ..Leg::default() } };
            }
        }
        done = true;
    }
    if !done {
        sort_order(pool, markets, prices, params, pricing, &work, order)?;
        for leg in work.iter_mut() {
            *leg = Leg { limit: leg.limit, ..Leg::default() };
        }
        for &i in order.iter() {
            let limit = work.get(i).ok_or(Error::UnknownPosition)?.limit;
            let snapshot = work;
            let model = model_for(pool, markets, prices, i, limit, params.target, pricing, &|j| adjustment(&snapshot, j))?;
            let sol = model.solve()?;
            if sol.status == CloseStatus::AlreadySafe {
                break;
            }
            let units = step(i, &model, &sol)?;
            if units > 0 {
                let dust = sol.dust_closed && units == sol.units;
                *work.get_mut(i).ok_or(Error::UnknownPosition)? = make_leg(&model, units, limit, dust)?;
                if surplus_of(&work)? >= 0 {
                    break;
                }
            }
        }
    }
    let after = health::pool_sums_adjusted(pool, markets, prices, None, &|j| adjustment(&work, j))?;
    let status = if num::sub(after.equity, params.target.required(&after)?)? >= 0 { PlanStatus::Restored } else { PlanStatus::Infeasible };
    let mut plan = finish(status, health_before, &after, params)?;
    plan.dust_closed = work.iter().any(|w| w.units > 0 && w.dust);
    plan.leg_count = write_legs(order, &work, legs)?;
    Ok(plan)
}

/// The close model of position `index` at the limit `limit`, with the fee
/// `pricing` gives its market.
#[allow(clippy::too_many_arguments)]
fn model_for<'m>(
    pool: &Pool<'_>,
    markets: &'m [Market],
    prices: &[Price],
    index: usize,
    limit: i128,
    target: Target,
    pricing: &LegPricing<'_>,
    adjust: &dyn Fn(usize) -> (i128, i128),
) -> Result<sizing::CloseModel<'m>> {
    let mut model = sizing::model_for(pool, markets, prices, index, Price(narrow(limit)?), target, adjust)?;
    model.fee = pricing.fee(model.market);
    Ok(model)
}

fn narrow(v: i128) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Overflow)
}

fn adjustment(work: &[Leg; MAX_POSITIONS], j: usize) -> (i128, i128) {
    work.get(j).map_or((0, 0), |l| (l.size_delta, l.quote_delta))
}

fn make_leg(model: &sizing::CloseModel<'_>, units: i128, limit: i128, dust: bool) -> Result<Leg> {
    let cash = model.cash(units)?;
    let fee = model.fee(units)?;
    Ok(Leg {
        units,
        size_delta: num::mul(num::sub(0, model.size.signum())?, units)?,
        quote_delta: num::sub(cash, fee)?,
        cash,
        fee,
        limit,
        dust,
    })
}

/// Writes the non-empty legs in execution order; checks every figure fits
/// before writing anything.
fn write_legs(order: &[usize], work: &[Leg; MAX_POSITIONS], out: &mut [PlanLeg]) -> Result<usize> {
    let mut staged = [PlanLeg::default(); MAX_POSITIONS];
    let mut k = 0usize;
    for &i in order {
        let w = work.get(i).ok_or(Error::UnknownPosition)?;
        if w.units == 0 {
            continue;
        }
        *staged.get_mut(k).ok_or(Error::BufferTooSmall)? = PlanLeg {
            position_index: u32::try_from(i).map_err(|_| Error::Overflow)?,
            size_delta: Size(narrow(w.size_delta)?),
            limit_price: Price(narrow(w.limit)?),
            expected_cash: Quote(narrow(w.cash)?),
            expected_fee: Quote(narrow(w.fee)?),
        };
        k = k.saturating_add(1);
    }
    let src = staged.get(..k).ok_or(Error::BufferTooSmall)?;
    out.get_mut(..k).ok_or(Error::BufferTooSmall)?.copy_from_slice(src);
    Ok(k)
}

/// The plan's figures from the pool's sums after it.
fn finish(status: PlanStatus, health_before: Health, after: &Sums, params: &PlanParams) -> Result<Plan> {
    let required = params.target.required(after)?;
    Ok(Plan {
        status,
        leg_count: 0,
        health_before,
        health_after: Health::from_sums(after)?,
        required_equity_after: Quote::from_i128(required)?,
        shortfall: Quote::from_i128(num::sub(required, after.equity)?.max(0))?,
        dust_closed: false,
    })
}

/// Sorts position indices by the plan order (stable, ties by index).
fn sort_order(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    params: &PlanParams,
    pricing: &LegPricing<'_>,
    work: &[Leg; MAX_POSITIONS],
    order: &mut [usize],
) -> Result<()> {
    let mut keys = [0i128; MAX_POSITIONS];
    for &i in order.iter() {
        let pos = pool.positions.get(i).ok_or(Error::UnknownPosition)?;
        let (market, mark) = health::market_and_price(markets, prices, pos.market_index)?;
        let key = match params.order {
            PlanOrder::LargestMaintenanceFirst | PlanOrder::ProRata => {
                market.requirement_i128(i128::from(pos.size.0), mark, crate::market::RequirementKind::Maintenance)?
            }
            PlanOrder::BestReleasePerCostFirst => {
                let limit = work.get(i).ok_or(Error::UnknownPosition)?.limit;
                let model = model_for(pool, markets, prices, i, limit, params.target, pricing, &|_| (0, 0))?;
                let per_unit = model.current_slope()?;
                // Improvement per unit of notional: slope / (mark × 10^max(0,e)).
                num::mul_div_wide(per_unit, 1, num::mul(mark, market.notional_multiplier()?)?, Rounding::Floor)?
            }
        };
        *keys.get_mut(i).ok_or(Error::UnknownPosition)? = key;
    }
    // Insertion sort, descending key, ascending index on ties: no allocation.
    for a in 1..order.len() {
        let mut b = a;
        while b > 0 {
            let (prev, cur) = match (order.get(b.saturating_sub(1)), order.get(b)) {
                (Some(&p), Some(&c)) => (p, c),
                _ => break,
            };
            let (kp, kc) = (keys.get(prev).copied().unwrap_or(0), keys.get(cur).copied().unwrap_or(0));
            if kc > kp || (kc == kp && cur < prev) {
                order.swap(b.saturating_sub(1), b);
                b = b.saturating_sub(1);
            } else {
                break;
            }
        }
    }
    Ok(())
}

/// Pro rata: the least fraction φ (ppm) of every position that restores the
/// target. Returns false (work untouched) when no fraction does.
fn pro_rata(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    target: Target,
    pricing: &LegPricing<'_>,
    work: &mut [Leg; MAX_POSITIONS],
    order: &[usize],
) -> Result<bool> {
    let mut models: [Option<sizing::CloseModel<'_>>; MAX_POSITIONS] = [None; MAX_POSITIONS];
    for &i in order {
        let limit = work.get(i).ok_or(Error::UnknownPosition)?.limit;
        *models.get_mut(i).ok_or(Error::UnknownPosition)? = Some(model_for(pool, markets, prices, i, limit, target, pricing, &|_| (0, 0))?);
    }
    // The legs of fraction φ, written into `work`.
    let fill = |phi: i128, work: &mut [Leg; MAX_POSITIONS]| -> Result<()> {
        for &i in order {
            let model = models.get(i).copied().flatten().ok_or(Error::UnknownPosition)?;
            let limit = work.get(i).ok_or(Error::UnknownPosition)?.limit;
            let (units, dust) = pro_rata_units(&model, phi)?;
            let leg = work.get_mut(i).ok_or(Error::UnknownPosition)?;
            *leg = if units > 0 { make_leg(&model, units, limit, dust)? } else { Leg { limit, ..Leg::default() } };
        }
        Ok(())
    };
    // The pool's surplus at φ as two parts that never decrease in φ (every
    // position's close only grows with φ, the dust rule included): the least
    // φ that restores, exactly.
    let base = pool.positions.iter().try_fold(i128::from(pool.collateral.0), |acc, p| num::add(acc, i128::from(p.quote_balance.0)))?;
    let parts = |phi: i128| -> Result<sizing::SurplusParts> {
        let (mut rising, mut falling, mut requirement) = (base, 0i128, 0i128);
        for &i in order.iter() {
            let model = models.get(i).copied().flatten().ok_or(Error::UnknownPosition)?;
            let pc = model.pieces(pro_rata_units(&model, phi)?.0)?;
            let (r, f) = pc.split()?;
            rising = num::add(rising, r)?;
            falling = num::add(falling, f)?;
            requirement = num::add(requirement, pc.requirement)?;
        }
        let reqs = match target {
            Target::Initial => Sums { equity: 0, initial: requirement, maintenance: 0 },
            Target::Maintenance { .. } => Sums { equity: 0, initial: 0, maintenance: requirement },
        };
        Ok(sizing::SurplusParts { rising: num::sub(rising, target.required(&reqs)?)?, falling })
    };
    match sizing::least_crossing(1, PPM, &parts)? {
        Some(phi) => {
            fill(phi, work)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The units a pro-rata fraction `phi` (ppm) closes of a position: the
/// fraction rounded up, then up to the lot step (at most the position), then
/// the dust rule; with whether the dust rule applied.
fn pro_rata_units(model: &sizing::CloseModel<'_>, phi: i128) -> Result<(i128, bool)> {
    let u = model.size.checked_abs().ok_or(Error::Overflow)?;
    let step = i128::from(model.market.lot_step.0);
    let want = num::mul_div(u, phi, PPM, Rounding::Ceil)?;
    let units = num::mul(num::div_round(want, step, Rounding::Ceil)?, step)?.min(u);
    if units > 0 {
        model.dust_adjusted(units)
    } else {
        Ok((0, false))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::account::Position;

    // M0: 10 % / 5 %; M1: 20 % / 10 %; no fee, band 0 (limit = mark): closing
    // costs nothing, so sizes are pure margin arithmetic.
    fn markets() -> [Market; 2] {
        [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)), Market::single_tier(0, 1, 1, Ppm(200_000), Ppm(100_000))]
    }
    const PRICES: [Price; 2] = [Price(100), Price(50)];
    // pos0 long 100 @ 100, qb −9,600: value 400, MM 500.
    // pos1 short 10 @ 50, qb 480: value −20, MM 50.  Equity 380 < MM 550.
    const POSITIONS: [Position; 2] = [
        Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) },
        Position { market_index: 1, size: Size(-10), quote_balance: Quote(480) },
    ];

    fn run(order: PlanOrder, legs: &mut [PlanLeg]) -> Result<Plan> {
        let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(0), order };
        plan_liquidation(&Pool::new(Quote(0), &POSITIONS), &markets(), &PRICES, &params, legs)
    }

    #[test]
    fn largest_maintenance_first() {
        // pos0 (MM 500) first: 380 ≥ 5(100 − x) + 50 ⇒ x ≥ 34.
        let mut legs = [PlanLeg::default(); 2];
        let p = run(PlanOrder::LargestMaintenanceFirst, &mut legs).unwrap();
        assert_eq!((p.status, p.leg_count), (PlanStatus::Restored, 1));
        assert_eq!(
            legs[0],
            PlanLeg {
                position_index: 0,
                size_delta: Size(-34),
                limit_price: Price(100),
                expected_cash: Quote(3_400),
                expected_fee: Quote(0)
            }
        );
        assert_eq!((p.health_after.equity, p.health_after.maintenance_requirement), (Quote(380), Quote(380)));
        assert_eq!(legs[1], PlanLeg::default(), "nothing written past leg_count");
    }

    #[test]
    fn best_release_per_cost_first_liquidates_less_notional() {
        // pos1 releases 10 % per unit of notional, pos0 5 %: pos1 first. Closing all
        // of pos1 releases 50 (MM 500 > 380: not enough), then pos0: 380 ≥ 5(100 − x) ⇒ x ≥ 24.
        // Notional liquidated: 10 × 50 + 24 × 100 = 2,900, against 3,400 above.
        let mut legs = [PlanLeg::default(); 2];
        let p = run(PlanOrder::BestReleasePerCostFirst, &mut legs).unwrap();
        assert_eq!((p.status, p.leg_count), (PlanStatus::Restored, 2));
        assert_eq!((legs[0].position_index, legs[0].size_delta, legs[0].expected_cash), (1, Size(10), Quote(-500)));
        assert_eq!((legs[1].position_index, legs[1].size_delta), (0, Size(-24)));
        assert_eq!((p.health_after.equity, p.health_after.maintenance_requirement), (Quote(380), Quote(380)));
    }

    #[test]
    fn pro_rata() {
        // x0 = ceil(100 φ), x1 = ceil(10 φ); need x0 + x1 ≥ 34 (5 per unit each).
        // φ = 30 %: 30 + 3 = 33 ✗; φ = 300,001 ppm: 31 + 4 = 35 ✓ — the least φ.
        let mut legs = [PlanLeg::default(); 2];
        let p = run(PlanOrder::ProRata, &mut legs).unwrap();
        assert_eq!((p.status, p.leg_count), (PlanStatus::Restored, 2));
        let mut got = [(legs[0].position_index, legs[0].size_delta), (legs[1].position_index, legs[1].size_delta)];
        got.sort();
        assert_eq!(got, [(0, Size(-31)), (1, Size(4))]);
        // MM after: 5 × 69 + 5 × 6 = 375 ≤ 380.
        assert_eq!((p.health_after.equity, p.health_after.maintenance_requirement), (Quote(380), Quote(375)));
    }

    #[test]
    fn already_safe_and_infeasible() {
        let mut legs = [PlanLeg::default(); 2];
        let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(0), order: PlanOrder::LargestMaintenanceFirst };
        let p = plan_liquidation(&Pool::new(Quote(1_000), &POSITIONS), &markets(), &PRICES, &params, &mut legs).unwrap();
        assert_eq!((p.status, p.leg_count), (PlanStatus::AlreadySafe, 0));
        // A 50 % band (clamped at each bankruptcy price) and a 10 % fee: closing
        // costs more than it releases — infeasible, and the plan says by how much.
        let mut ms = markets();
        ms[0].liquidation_fee = Ppm(100_000);
        ms[1].liquidation_fee = Ppm(100_000);
        let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(500_000), order: PlanOrder::ProRata };
        let p = plan_liquidation(&Pool::new(Quote(0), &POSITIONS), &ms, &PRICES, &params, &mut legs).unwrap();
        assert_eq!(p.status, PlanStatus::Infeasible);
        assert!(p.shortfall.0 > 0);
        assert_eq!(p.shortfall.0, p.required_equity_after.0 - p.health_after.equity.0);
    }

    #[test]
    fn health_after_equals_recomputed() {
        for order in [PlanOrder::LargestMaintenanceFirst, PlanOrder::BestReleasePerCostFirst, PlanOrder::ProRata] {
            let mut legs = [PlanLeg::default(); 2];
            let p = run(order, &mut legs).unwrap();
            let mut after = POSITIONS;
            for l in &legs[..p.leg_count] {
                let pos = &mut after[l.position_index as usize];
                pos.size.0 += l.size_delta.0;
                pos.quote_balance.0 += l.expected_cash.0 - l.expected_fee.0;
            }
            assert_eq!(health::pool_health(&Pool::new(Quote(0), &after), &markets(), &PRICES).unwrap(), p.health_after);
        }
    }

    #[test]
    fn bad_input() {
        let mut short = [PlanLeg::default(); 1];
        assert_eq!(run(PlanOrder::ProRata, &mut short), Err(Error::BufferTooSmall));
        let mut legs = [PlanLeg::default(); 2];
        let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(1_000_001), order: PlanOrder::ProRata };
        assert_eq!(
            plan_liquidation(&Pool::new(Quote(0), &POSITIONS), &markets(), &PRICES, &params, &mut legs),
            Err(Error::InvalidPriceBand)
        );
        let params = PlanParams { target: Target::Maintenance { buffer: Ppm(2_000_000) }, price_band: Ppm(0), order: PlanOrder::ProRata };
        assert_eq!(plan_liquidation(&Pool::new(Quote(0), &POSITIONS), &markets(), &PRICES, &params, &mut legs), Err(Error::InvalidBuffer));
        let many = [POSITIONS[0]; MAX_POSITIONS + 1];
        let mut big = [PlanLeg::default(); MAX_POSITIONS + 1];
        let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(0), order: PlanOrder::ProRata };
        assert_eq!(plan_liquidation(&Pool::new(Quote(0), &many), &markets(), &PRICES, &params, &mut big), Err(Error::TooManyPositions));
        assert_eq!(
            plan_liquidation(&Pool::new(Quote(0), &POSITIONS), &markets(), &PRICES[..1], &params, &mut legs),
            Err(Error::MissingPrice)
        );
    }
}
