//! Sizing: the least reduction of one position that restores the target.
//!
//! Closing `x` units of a position at the worst allowed execution price `q`
//! does three things to the pool:
//!
//! * it **costs slippage**: the units leave the books at `q` instead of the
//!   mark `P`, a loss of `x × |P − q| × 10^e`;
//! * it **costs the liquidation fee**: `x × q × 10^e × fee`;
//! * it **releases margin**: the requirement falls with the notional, by the
//!   tier's fraction `f_t` per unit of notional, and the target by
//!   `f_t × (1 + buffer)`.
//!
//! So `surplus(x) = equity(x) − target(x)` is piecewise linear in `x` with
//! slope `P·f_t·(1+b) − |P − q| − q·fee` per unit of notional in the segment
//! where the remaining position sits in tier `t`. As `x` grows the remainder
//! falls through lower tiers with smaller fractions, so the slopes only
//! decrease: the surplus is concave. The least restoring size is therefore
//! found segment by segment from `x = 0`: in a segment with positive slope, an
//! exact ceil division gives where the exact surplus crosses zero; a segment
//! with a slope ≤ 0 means the exact surplus rises no more, and unless the
//! rounded one is within the rounding slack of zero (then the next lot steps
//! and the whole close are still checked) the outcome is
//! [`CloseStatus::Infeasible`] with the best figures reachable.
//!
//! The engine's figures are rounded (values down, requirements and fees up),
//! so the rounded surplus `f` lies within [`ROUNDING_SLACK`] quote units below
//! the exact one `h` (`h − 6 < f ≤ h`). The solver uses that bound to start
//! its exact check where `h` may first reach zero, then evaluates `f` itself
//! at each lot step from there: the size returned is the least whole number
//! of lot steps `x` with `f(x) ≥ 0`, and `f(x − step) < 0` always holds
//! (minimality is checked, not hoped for). Sizes are multiples of the lot
//! step, or the whole position.
//!
//! A remainder whose notional is below the market's dust floor is closed
//! whole; the status then reflects whether the whole close restores the
//! target.

use crate::account::Pool;
use crate::error::{Error, Result};
use crate::health::{self, Health, Sums, Target};
use crate::market::Market;
use crate::num::{self, Price, Quote, Rounding, Size, PPM};

/// Bound on how far the rounded surplus lies below the exact one, in quote
/// units: position value floor (1) + cash floor/ceil (1) + fee ceil (1) +
/// requirement ceil scaled by at most (1 + 100 %) (2) + target ceil (1) — at
/// most 6, strictly less.
pub const ROUNDING_SLACK: i128 = 6;

/// How many lot steps the solver checks one by one after its estimate before
/// it switches to bisection. Only reached when one lot step moves the
/// surplus by less than about `2 × ROUNDING_SLACK / 64` quote units.
const WALK_LIMIT: u32 = 64;

/// What sizing concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum CloseStatus {
    /// The pool already meets the target; nothing to close.
    AlreadySafe = 0,
    /// The returned close restores the target.
    Restored = 1,
    /// No close of this position restores the target (fee and slippage
    /// exceed the margin released, or even a full close falls short); the
    /// returned close is the best reachable. The pipeline must escalate.
    Infeasible = 2,
}

/// A close of one position, sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseSizing {
    /// Outcome.
    pub status: CloseStatus,
    /// Signed size change (opposite sign to the position; 0 if nothing to close).
    pub size_delta: Size,
    /// Execution price assumed (the worst allowed).
    pub execution_price: Price,
    /// Cash the account receives (> 0, closing a long) or pays (< 0), rounded
    /// against the account.
    pub expected_cash: Quote,
    /// Liquidation fee at the execution price, rounded up.
    pub expected_fee: Quote,
    /// Pool health after the close (position, cash and fee applied).
    pub health_after: Health,
    /// Equity the target asks for after the close.
    pub required_equity_after: Quote,
    /// `required − equity` after the close when the target is still missed, else 0.
    pub shortfall: Quote,
    /// True when the dust rule turned a partial close into a whole one.
    pub dust_closed: bool,
    /// True when every smaller lot-step size was checked and falls short
    /// (global minimum). False only in the rare bisection fallback, where the
    /// size is still locally minimal (`size − step` falls short).
    pub exhaustive: bool,
}

/// What to size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseRequest {
    /// Index of the position in the pool.
    pub position_index: usize,
    /// Worst execution price allowed (the liquidation order's limit price).
    pub execution_price: Price,
    /// Where the liquidation may stop.
    pub target: Target,
}

/// The close of position `j` of a pool, as a function of the units closed,
/// with everything else held fixed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CloseModel<'m> {
    pub market: &'m Market,
    pub mark: i128,
    pub size: i128,
    pub quote_balance: i128,
    pub exec: i128,
    /// Sums of the pool without this position (collateral included).
    pub rest: Sums,
    pub target: Target,
}

/// The sizing solver's answer in units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Solution {
    pub status: CloseStatus,
    pub units: i128,
    pub dust_closed: bool,
    pub exhaustive: bool,
}

impl<'m> CloseModel<'m> {
    fn sigma(&self) -> i128 {
        self.size.signum()
    }

    fn units(&self) -> Result<i128> {
        self.size.checked_abs().ok_or(Error::Overflow)
    }

    /// Cash from closing `units` at the execution price: a long receives
    /// `floor(units × q × 10^e)`, a short pays `ceil(…)`: against the account.
    pub fn cash(&self, units: i128) -> Result<i128> {
        close_cash(self.market, num::mul(self.sigma(), units)?, self.exec)
    }

    /// Nominal liquidation fee on `units` at the execution price, rounded up.
    pub fn fee(&self, units: i128) -> Result<i128> {
        close_fee(self.market, units, self.exec)
    }

    /// Pool sums after closing `units` (cash and fee booked to the position).
    pub fn sums_after(&self, units: i128) -> Result<Sums> {
        let size = num::sub(self.size, num::mul(self.sigma(), units)?)?;
        let qb =
            if units == 0 { self.quote_balance } else { num::sub(num::add(self.quote_balance, self.cash(units)?)?, self.fee(units)?)? };
        self.rest.add(health::position_terms(self.market, size, self.mark, qb)?)
    }

    /// Rounded `equity − target` after closing `units`.
    pub fn surplus(&self, units: i128) -> Result<i128> {
        let s = self.sums_after(units)?;
        num::sub(s.equity, self.target.required(&s)?)
    }

    /// `D × dh/dx` with `D = 10^k × 1e12`, in tier `t` of the remainder.
    fn slope(&self, tier: usize) -> Result<i128> {
        let m = self.market.notional_multiplier()?;
        let (f, _) = self.market.tier_terms(tier, self.target.kind())?;
        let release = num::mul(num::mul(num::mul(self.mark, m)?, i128::from(f.0))?, self.target.multiplier_ppm())?;
        let slippage = num::mul(num::mul(num::mul(self.sigma(), num::sub(self.mark, self.exec)?)?, m)?, 1_000_000_000_000)?;
        let fee = num::mul(num::mul(num::mul(self.exec, m)?, i128::from(self.market.liquidation_fee.0))?, PPM)?;
        num::sub(num::sub(release, slippage)?, fee)
    }

    /// `D × dh/dx` in the tier of the whole current position.
    pub fn current_slope(&self) -> Result<i128> {
        let scaled = num::mul(self.units()?, num::mul(self.mark, self.market.notional_multiplier()?)?)?;
        self.slope(self.market.tier_index_scaled(scaled)?)
    }

    /// Least `x` on the grid `{0, step, 2·step, …, units}` with
    /// `surplus(x) ≥ 0`; see the module doc.
    pub fn solve(&self) -> Result<Solution> {
        let u = self.units()?;
        if u == 0 {
            return Err(Error::EmptyPosition);
        }
        let step = i128::from(self.market.lot_step.0);
        if step <= 0 {
            return Err(Error::InvalidLotStep);
        }
        let grid_end = num::div_round(u, step, Rounding::Ceil)?;
        let x_at = |n: i128| -> Result<i128> { Ok(num::mul(n, step)?.min(u)) };
        let f_at = |n: i128| -> Result<i128> { self.surplus(x_at(n)?) };
        let found = |n: i128, exhaustive: bool| -> Result<Solution> {
            let (units, dust_closed) = self.dust_adjusted(x_at(n)?)?;
            let status = if dust_closed && self.surplus(units)? < 0 { CloseStatus::Infeasible } else { CloseStatus::Restored };
            Ok(Solution { status, units, dust_closed, exhaustive })
        };
        if self.surplus(0)? >= 0 {
            return Ok(Solution { status: CloseStatus::AlreadySafe, units: 0, dust_closed: false, exhaustive: true });
        }
        let d = num::mul(self.market.notional_denominator()?, 1_000_000_000_000)?;
        let den = self.market.notional_denominator()?;
        let scale_m = num::mul(self.mark, self.market.notional_multiplier()?)?;
        let mut exhaustive = true;
        let mut n_s: i128 = 0;
        let mut f_s = f_at(0)?;
        loop {
            if n_s >= grid_end {
                // Even the whole close falls short.
                return self.infeasible(u, exhaustive);
            }
            let x_s = x_at(n_s)?;
            let remaining = num::sub(u, x_s)?;
            let tier = self.market.tier_index_scaled(num::mul(remaining, scale_m)?)?;
            let slope = self.slope(tier)?;
            if slope <= 0 {
                // Concave: the exact surplus rises no more. The rounded one lies
                // within ROUNDING_SLACK below it, so it can still reach 0 where
                // the rounding falls the account's way — only if it is within
                // the slack now. Check the next lot steps and the whole close
                // (where the position's own rounding vanishes) before
                // concluding.
                if f_s > ROUNDING_SLACK.wrapping_neg() {
                    let mut n = num::add(n_s, 1)?;
                    let mut walked = 0u32;
                    while n <= grid_end && walked < WALK_LIMIT {
                        if f_at(n)? >= 0 {
                            return found(n, exhaustive);
                        }
                        n = num::add(n, 1)?;
                        walked = walked.saturating_add(1);
                    }
                    if n <= grid_end {
                        if f_at(grid_end)? >= 0 {
                            // Every walked step fell short; a crossing lies
                            // between the last of them and the whole close:
                            // bisect for one (locally minimal, as promised).
                            return self.bisect(num::sub(n, 1)?, grid_end, &f_at, &found);
                        }
                        // Lot steps between the walk and the whole close were
                        // not checked.
                        exhaustive = false;
                    }
                }
                let mut best = n_s;
                if n_s > 0 {
                    let prev = num::sub(n_s, 1)?;
                    if f_at(prev)? >= f_s {
                        best = prev;
                    }
                }
                return self.infeasible(x_at(best)?, exhaustive);
            }
            // Last grid index whose remainder still lies in `tier`.
            let n_e = if tier == 0 {
                grid_end
            } else {
                let floor = i128::from(self.market.tiers.get(tier).ok_or(Error::InvalidTierCount)?.notional_floor.0);
                let r_min = num::div_round(num::mul(floor, den)?, scale_m, Rounding::Ceil)?;
                num::div_round(num::sub(u, r_min)?, step, Rounding::Floor)?.min(grid_end)
            };
            // Every x ≤ x_s + (−f_s − SLACK)·D/slope has exact surplus < 0.
            let need = num::sub(num::sub(0, f_s)?, ROUNDING_SLACK)?;
            let mut n = num::add(n_s, 1)?;
            if need > 0 {
                let lb = num::mul_div_wide(need, d, slope, Rounding::Floor)?;
                let first = num::add(num::div_round(num::add(x_s, lb)?, step, Rounding::Floor)?, 1)?;
                n = n.max(first);
            }
            let mut walked = 0u32;
            while n <= n_e {
                if walked == WALK_LIMIT {
                    // Rare: tiny lot steps. Bisect for a local crossing.
                    let lo = num::sub(n, 1)?;
                    if f_at(n_e)? >= 0 {
                        return self.bisect(lo, n_e, &f_at, &found);
                    }
                    exhaustive = false;
                    break;
                }
                if f_at(n)? >= 0 {
                    return found(n, exhaustive);
                }
                walked = walked.saturating_add(1);
                n = num::add(n, 1)?;
            }
            // Nothing in this segment; the next starts right after it.
            n_s = num::add(n_e, 1)?;
            if n_s > grid_end {
                return self.infeasible(u, exhaustive);
            }
            f_s = f_at(n_s)?;
            if f_s >= 0 {
                return found(n_s, exhaustive);
            }
        }
    }

    /// Bisection between `lo` (surplus < 0) and `hi` (surplus ≥ 0).
    fn bisect(
        &self,
        mut lo: i128,
        mut hi: i128,
        f_at: &dyn Fn(i128) -> Result<i128>,
        found: &dyn Fn(i128, bool) -> Result<Solution>,
    ) -> Result<Solution> {
        while num::sub(hi, lo)? > 1 {
            let mid = num::add(lo, num::div_round(num::sub(hi, lo)?, 2, Rounding::Floor)?)?;
            if f_at(mid)? >= 0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        found(hi, false)
    }

    fn infeasible(&self, units: i128, exhaustive: bool) -> Result<Solution> {
        let (units, dust_closed) = if units > 0 { self.dust_adjusted(units)? } else { (0, false) };
        // The dust rule may have turned the best close into the whole
        // position, which can restore the target after all.
        let status = if dust_closed && self.surplus(units)? >= 0 { CloseStatus::Restored } else { CloseStatus::Infeasible };
        Ok(Solution { status, units, dust_closed, exhaustive })
    }

    /// The dust rule: a remainder whose notional at mark is below the floor
    /// (and not zero) is closed too.
    pub fn dust_adjusted(&self, units: i128) -> Result<(i128, bool)> {
        let u = self.units()?;
        let remaining = num::sub(u, units)?;
        if remaining <= 0 || self.market.dust_floor.0 == 0 {
            return Ok((units, false));
        }
        let notional =
            num::div_round(self.market.scaled_notional(remaining, self.mark)?, self.market.notional_denominator()?, Rounding::Floor)?;
        if notional < i128::from(self.market.dust_floor.0) {
            Ok((u, true))
        } else {
            Ok((units, false))
        }
    }

    /// Public figures of a solution.
    pub fn describe(&self, sol: &Solution) -> Result<CloseSizing> {
        let sums = self.sums_after(sol.units)?;
        let required = self.target.required(&sums)?;
        let delta = num::mul(num::sub(0, self.sigma())?, sol.units)?;
        let (cash, fee) = if sol.units == 0 { (0, 0) } else { (self.cash(sol.units)?, self.fee(sol.units)?) };
        Ok(CloseSizing {
            status: sol.status,
            size_delta: Size(i64::try_from(delta).map_err(|_| Error::Overflow)?),
            execution_price: Price(i64::try_from(self.exec).map_err(|_| Error::Overflow)?),
            expected_cash: Quote::from_i128(cash)?,
            expected_fee: Quote::from_i128(fee)?,
            health_after: Health::from_sums(&sums)?,
            required_equity_after: Quote::from_i128(required)?,
            shortfall: Quote::from_i128(num::sub(required, sums.equity)?.max(0))?,
            dust_closed: sol.dust_closed,
            exhaustive: sol.exhaustive,
        })
    }
}

/// Cash from closing `signed_units` (σ × units, the position's sign) at
/// `exec`: `floor(σ·units·exec·10^e)` — a long's sale proceeds rounded down,
/// a short's purchase cost rounded up.
pub(crate) fn close_cash(market: &Market, signed_units: i128, exec: i128) -> Result<i128> {
    num::div_round(market.scaled_notional(signed_units, exec)?, market.notional_denominator()?, Rounding::Floor)
}

/// Liquidation fee on closing `units` at `exec`: `units·exec·10^e × fee`,
/// rounded as the market's `liquidation_fee_rounding` says (up unless a venue
/// preset reproduces a venue that rounds it down). The only place a fee is
/// computed: sizing, planning and settlement agree on it.
pub(crate) fn close_fee(market: &Market, units: i128, exec: i128) -> Result<i128> {
    let scaled = market.scaled_notional(units, exec)?;
    let den = num::mul(market.notional_denominator()?, PPM)?;
    num::mul_div(scaled, i128::from(market.liquidation_fee.0), den, market.liquidation_fee_rounding)
}

/// Builds the model for position `index` of `pool`, with `adjust` applied to
/// every other position first (the planner's earlier legs).
pub(crate) fn model_for<'m>(
    pool: &Pool<'_>,
    markets: &'m [Market],
    prices: &[Price],
    index: usize,
    exec: Price,
    target: Target,
    adjust: &dyn Fn(usize) -> (i128, i128),
) -> Result<CloseModel<'m>> {
    target.validate()?;
    if exec.0 <= 0 {
        return Err(Error::InvalidFillPrice);
    }
    let pos = pool.positions.get(index).ok_or(Error::UnknownPosition)?;
    let (market, mark) = health::market_and_price(markets, prices, pos.market_index)?;
    let rest = health::pool_sums_adjusted(pool, markets, prices, Some(index), adjust)?;
    let (ds, dq) = adjust(index);
    Ok(CloseModel {
        market,
        mark,
        size: num::add(i128::from(pos.size.0), ds)?,
        quote_balance: num::add(i128::from(pos.quote_balance.0), dq)?,
        exec: i128::from(exec.0),
        rest,
        target,
    })
}

/// The least reduction of one position that restores the target.
///
/// Sizes the close of `request.position_index` at `request.execution_price`
/// (the worst price the liquidation order may fill at) with the market's
/// liquidation fee, everything else in the pool held fixed. Returns the least
/// whole number of lot steps (or the whole position) whose close brings
/// `equity ≥ target`, with the pool's health after it; or
/// [`CloseStatus::AlreadySafe`]; or [`CloseStatus::Infeasible`] with the best
/// reachable close when no size restores the target — never a silent full
/// close.
///
/// Rounding: cash against the account (floor received, ceil paid), fee up,
/// value down, requirements and target up — the same rounding as
/// [`health::pool_health`], so `health_after` equals the health recomputed
/// from scratch with the close applied.
pub fn minimal_close(pool: &Pool<'_>, markets: &[Market], prices: &[Price], request: &CloseRequest) -> Result<CloseSizing> {
    let model = model_for(pool, markets, prices, request.position_index, request.execution_price, request.target, &|_| (0, 0))?;
    if model.size == 0 {
        return Err(Error::EmptyPosition);
    }
    let sol = model.solve()?;
    model.describe(&sol)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::account::Position;
    use crate::health::HealthState;
    use crate::market::MarginTier;
    use crate::num::Ppm;

    /// e = 0, lot 1, tick 1, 10 % / 5 %, fee 1 %.
    fn market() -> Market {
        let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(10_000);
        m
    }

    fn close(m: Market, size: i64, qb: i64, mark: i64, exec: i64, target: Target) -> Result<CloseSizing> {
        let ps = [Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }];
        minimal_close(
            &Pool::new(Quote(0), &ps),
            &[m],
            &[Price(mark)],
            &CloseRequest { position_index: 0, execution_price: Price(exec), target },
        )
    }

    #[test]
    fn long_by_hand() {
        // Long 100 @ 100, qb −9,600: equity 400 < MM 500. Close x at 99, fee 1 %:
        // equity(x) = 400 − x − ceil(0.99x), MM(x) = 500 − 5x
        // ⇒ need 4x − ceil(0.99x) ≥ 100: x = 34 gives 136 − 34 = 102 ✓, x = 33 gives 132 − 33 = 99 ✗.
        let c = close(market(), 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.expected_cash, c.expected_fee), (CloseStatus::Restored, Size(-34), Quote(3_366), Quote(34)));
        // After: equity 400 − 34 − 34 = 332, MM 330.
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(332), Quote(330)));
        assert_eq!((c.required_equity_after, c.shortfall, c.dust_closed, c.exhaustive), (Quote(330), Quote(0), false, true));
    }

    #[test]
    fn short_by_hand() {
        // Short 100 @ 100, qb +10,400: equity 400. Buy back x at 101 (pays 101x), fee ceil(1.01x):
        // need 4x − ceil(1.01x) ≥ 100: x = 34: 136 − 35 = 101 ✓; x = 33: 132 − 34 = 98 ✗.
        let c = close(market(), -100, 10_400, 100, 101, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.expected_cash, c.expected_fee), (CloseStatus::Restored, Size(34), Quote(-3_434), Quote(35)));
        // equity 400 − 34 − 35 = 331 ≥ MM 330.
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(331), Quote(330)));
    }

    #[test]
    fn lot_step_rounds_up() {
        // Lot 10: 34 → the next multiple 40. x = 30: 120 − 30 = 90 ✗; x = 40: 160 − 40 = 120 ✓.
        let mut m = market();
        m.lot_step = Size(10);
        let c = close(m, 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!(c.size_delta, Size(-40));
        // equity 400 − 40 − ceil(39.6) = 320; MM 300.
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(320), Quote(300)));
        // Lot 30 with a 100 position: grid 30, 60, 90, 100 — 60 is the first that restores.
        m.lot_step = Size(30);
        assert_eq!(close(m, 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap().size_delta, Size(-60));
    }

    #[test]
    fn buffer_and_initial_targets() {
        // Buffer 10 %: need 400 − x − ceil(0.99x) ≥ ceil(1.1 × (500 − 5x)).
        // x = 43: 400 − 43 − 43 = 314 ≥ ceil(313.5) = 314 ✓; x = 42: 316 < 319 ✗.
        let c = close(market(), 100, -9_600, 100, 99, Target::Maintenance { buffer: Ppm(100_000) }).unwrap();
        assert_eq!((c.size_delta, c.health_after.equity, c.required_equity_after), (Size(-43), Quote(314), Quote(314)));
        // Initial: need 400 − x − ceil(0.99x) ≥ 1,000 − 10x:
        // x = 75: 675 − 75 = 600 ✓ (9x − ceil(.99x) ≥ 600); x = 74: 666 − 74 = 592 ✗.
        let c = close(market(), 100, -9_600, 100, 99, Target::Initial).unwrap();
        assert_eq!((c.size_delta, c.health_after.equity, c.health_after.initial_requirement), (Size(-75), Quote(250), Quote(250)));
    }

    #[test]
    fn infeasible_cases_say_so() {
        // Exec 94 (6 % slippage) + 1 % fee cost more than the 5 % released: slope < 0 from the start.
        let c = close(market(), 100, -9_600, 100, 94, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.shortfall), (CloseStatus::Infeasible, Size(0), Quote(100)));
        // Slope positive (5 − 1 − 0.99 per unit) but the deficit 450 needs ~150 units of 100:
        // the best is the whole close: equity 50 − 100 − 99 = −149, target 0.
        let c = close(market(), 100, -9_950, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!(
            (c.status, c.size_delta, c.health_after.equity, c.shortfall),
            (CloseStatus::Infeasible, Size(-100), Quote(-149), Quote(149))
        );
        assert_eq!(c.health_after.state, HealthState::Bankrupt);
    }

    #[test]
    fn tier_aware_sizing() {
        // Tiers: [0, 5,000) at 5 %, [5,000, ∞) at 10 % (deduction 5,000 × 5 % = 250); IM double. No fee.
        let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
        let m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
            .with_tiers(&[t(0, 100_000, 50_000), t(5_000, 200_000, 100_000)])
            .unwrap();
        m.validate().unwrap();
        // Long 100 @ 100 (notional 10,000, tier 1, MM 1,000 − 250 = 750), qb −9,300: equity 700.
        // Tier 1 while x ≤ 50: 700 − x ≥ 750 − 10x ⇒ x ≥ 5.6 → 6 (694 ≥ 690; x = 5: 695 < 700).
        assert_eq!(close(m, 100, -9_300, 100, 99, Target::MAINTENANCE).unwrap().size_delta, Size(-6));
        // qb −9,720: equity 280. Tier 1 would need x ≥ 52.2 > 50: crosses into tier 0 where
        // MM = 5(100 − x): 280 − x ≥ 500 − 5x ⇒ x ≥ 55 (225 ≥ 225; x = 54: 226 < 230).
        let c = close(m, 100, -9_720, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!((c.size_delta, c.health_after.equity, c.health_after.maintenance_requirement), (Size(-55), Quote(225), Quote(225)));
        // qb −9,700: equity 300, tier 1 boundary exactly: x = 50 leaves notional 5,000:
        // MM = 500 − 250 = 250 = 250 equity ✓; x = 49: 251 < 260 ✗.
        assert_eq!(close(m, 100, -9_700, 100, 99, Target::MAINTENANCE).unwrap().size_delta, Size(-50));
    }

    #[test]
    fn negative_exponent_by_hand() {
        // Price in cents (e = −2): long 1,000 @ 10,000 (= 100.00): notional 100,000, MM 5,000;
        // qb −96,000 → equity 4,000. Exec 9,950, fee 0.1 %:
        // equity(x) = 4,000 − 100x + floor(99.5x) − ceil(0.0995x), MM(x) = 5,000 − 5x.
        // x = 228: 4,000 − 22,800 + 22,686 − 23 = 3,863 ≥ 3,860 ✓
        // x = 227: 4,000 − 22,700 + 22,586 − 23 = 3,863 < 3,865 ✗
        let mut m = Market::single_tier(-2, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(1_000);
        let c = close(m, 1_000, -96_000, 10_000, 9_950, Target::MAINTENANCE).unwrap();
        assert_eq!((c.size_delta, c.expected_cash, c.expected_fee), (Size(-228), Quote(22_686), Quote(23)));
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(3_863), Quote(3_860)));
    }

    #[test]
    fn positive_exponent() {
        // e = +2: one unit at price 1 is worth 100. Long 100 @ 100 → notional 1,000,000,
        // MM 50,000; qb −960,000 → equity 40,000. Exec 99: per unit cash 9,900, fee 99.
        // equity(x) = 40,000 − 100x − 99x, MM = 50,000 − 500x ⇒ 301x ≥ 10,000 ⇒ x = 34 (33.2…).
        let c = close(market().with_exponent(2), 100, -960_000, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!(
            (c.size_delta, c.health_after.equity, c.health_after.maintenance_requirement),
            (Size(-34), Quote(33_234), Quote(33_000))
        );
    }

    #[test]
    fn dust_rule_closes_whole() {
        // As long_by_hand, but a remainder under 7,000 of notional closes whole:
        // 34 leaves 66 × 100 = 6,600 < 7,000 → close 100: equity 400 − 100 − 99 = 201, MM 0.
        let mut m = market();
        m.dust_floor = Quote(7_000);
        let c = close(m, 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.dust_closed, c.health_after.equity), (CloseStatus::Restored, Size(-100), true, Quote(201)));
        // Floor 6,600 exactly: the remainder is not below it; keep 34.
        m.dust_floor = Quote(6_600);
        assert_eq!(close(m, 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap().size_delta, Size(-34));
    }

    #[test]
    fn already_safe_and_errors() {
        let c = close(market(), 100, -9_000, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.expected_fee), (CloseStatus::AlreadySafe, Size(0), Quote(0)));
        assert_eq!(close(market(), 0, 0, 100, 99, Target::MAINTENANCE), Err(Error::EmptyPosition));
        assert_eq!(close(market(), 100, -9_600, 100, 0, Target::MAINTENANCE), Err(Error::InvalidFillPrice));
        assert_eq!(close(market(), 100, -9_600, 100, 99, Target::Maintenance { buffer: Ppm(1_000_001) }), Err(Error::InvalidBuffer));
        assert_eq!(close(market(), 100, -9_600, 0, 99, Target::MAINTENANCE), Err(Error::MissingPrice));
        let ps = [Position { market_index: 0, size: Size(1), quote_balance: Quote(0) }];
        let r = CloseRequest { position_index: 1, execution_price: Price(1), target: Target::MAINTENANCE };
        assert_eq!(minimal_close(&Pool::new(Quote(0), &ps), &[market()], &[Price(1)], &r), Err(Error::UnknownPosition));
        let mut m = market();
        m.lot_step = Size(0);
        assert_eq!(close(m, 100, -9_600, 100, 99, Target::MAINTENANCE), Err(Error::InvalidLotStep));
        // Extremes: i64::MAX units at price 1 fit (notional 9.2e18); the sizing
        // works; i64::MAX × i64::MAX overflows as an error.
        let c = close(market(), i64::MAX, -(i64::MAX / 100 * 96), 1, 1, Target::MAINTENANCE).unwrap();
        assert!(c.status == CloseStatus::Restored || c.status == CloseStatus::Infeasible);
        assert_eq!(close(market(), i64::MAX, 0, i64::MAX, 1, Target::MAINTENANCE), Err(Error::Overflow));
    }

    #[test]
    fn tiny_lots_fall_back_to_bisection_but_stay_minimal() {
        // e = −9 with price 1: one lot is worth 1e-9 quote units, so the rounding
        // slack spans billions of lots and the walk limit is reached.
        let mut m = Market::single_tier(-9, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(0);
        // 1e12 units at price 1: notional 1,000, MM 50; qb −960 → equity 40.
        let c = close(m, 1_000_000_000_000, -960, 1, 1, Target::MAINTENANCE).unwrap();
        assert_eq!(c.status, CloseStatus::Restored);
        assert!(!c.exhaustive, "this case must exercise the bisection fallback");
        let x = -c.size_delta.0;
        // Local minimality holds exactly: x restores, x − 1 does not.
        let ok = |x: i64| {
            close(m, 1_000_000_000_000, -960, 1, 1, Target::MAINTENANCE).map(|_| x).and_then(|x| {
                let ps =
                    [Position { market_index: 0, size: Size(1_000_000_000_000 - x), quote_balance: Quote(-960 + (x / 1_000_000_000)) }];
                crate::health::pool_health(&Pool::new(Quote(0), &ps), &[m], &[Price(1)])
            })
        };
        let h = ok(x).unwrap();
        assert!(h.equity >= h.maintenance_requirement);
        let h = ok(x - 1).unwrap();
        assert!(h.equity < h.maintenance_requirement);
    }
}
