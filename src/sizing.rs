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
//! with a slope ≤ 0 means nothing further can help, and the outcome is
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
        let qb = if units == 0 {
            self.quote_balance
        } else {
            num::sub(num::add(self.quote_balance, self.cash(units)?)?, self.fee(units)?)?
        };
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
                // Concave: no later segment rises either. Best is the peak.
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
        Ok(Solution { status: CloseStatus::Infeasible, units, dust_closed, exhaustive })
    }

    /// The dust rule: a remainder whose notional at mark is below the floor
    /// (and not zero) is closed too.
    pub fn dust_adjusted(&self, units: i128) -> Result<(i128, bool)> {
        let u = self.units()?;
        let remaining = num::sub(u, units)?;
        if remaining <= 0 || self.market.dust_floor.0 == 0 {
            return Ok((units, false));
        }
        let notional = num::div_round(
            self.market.scaled_notional(remaining, self.mark)?,
            self.market.notional_denominator()?,
            Rounding::Floor,
        )?;
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

/// Liquidation fee on closing `units` at `exec`: `ceil(units·exec·10^e × fee)`.
pub(crate) fn close_fee(market: &Market, units: i128, exec: i128) -> Result<i128> {
    let scaled = market.scaled_notional(units, exec)?;
    let den = num::mul(market.notional_denominator()?, PPM)?;
    num::mul_div(scaled, i128::from(market.liquidation_fee.0), den, Rounding::Ceil)
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
