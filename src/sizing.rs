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
//! exact division gives where the exact surplus may first cross zero; a
//! segment with a slope ≤ 0 means the exact surplus rises no more, so only
//! sizes where it is still within the rounding slack of zero need a look; past
//! them the outcome is [`CloseStatus::Infeasible`] with the best figures
//! reachable.
//!
//! # Exactly the least size, not nearly
//!
//! The engine's figures are rounded (values down, requirements and fees up,
//! a venue's fee possibly down), so the rounded surplus `f` differs from the
//! exact one `h`: `h − 6 < f ≤ h + 1` ([`ROUNDING_SLACK`],
//! [`FAVOURABLE_SLACK`]). Where `h` is within that band of zero, `f` is not
//! monotone: one more lot can lose a unit to rounding. The solver does not
//! walk that band lot by lot (with fine lots and coarse quote units it spans
//! billions of lots). It splits `f` into two parts that each only grow with
//! the size closed, `f = rising − falling`:
//!
//! * `rising`: the rest of the pool's equity, a long's cash received (or a
//!   short's remaining value, which rises as it shrinks), less the target,
//!   which only falls;
//! * `falling`: the fee, plus a long's remaining value given up (or a
//!   short's cash paid).
//!
//! At a size `n` with `f(n) < 0`, every larger size `m` has
//! `falling(m) ≥ falling(n)`, so it can restore only once `rising(m) ≥
//! falling(n)`; the first such `m` is found by galloping and bisection over
//! the monotone `rising`, and the search jumps there. Every size skipped is
//! proven short, so the size returned is the least whole number of lot steps
//! with `f ≥ 0` — always, with no fallback — and `f(x − step) < 0` holds by
//! construction. Each jump costs a few evaluations; the jumps needed are
//! few unless the margin released per unit is almost exactly eaten by
//! slippage and fee (then the band of sizes to search is wide, and the
//! search is still exact, only longer). Sizes are multiples of the lot step,
//! or the whole position.
//!
//! A remainder whose notional is below the market's dust floor is closed
//! whole; the status then reflects whether the whole close restores the
//! target.

use crate::account::Pool;
use crate::error::{Error, Result};
use crate::health::{self, Health, Sums, Target};
use crate::market::{Market, RequirementKind};
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};

/// Bound on how far the rounded surplus lies below the exact one, in quote
/// units: position value floor (1) + cash floor/ceil (1) + fee ceil (1) +
/// requirement ceil scaled by at most (1 + 100 %) (2) + target ceil (1) — at
/// most 6, strictly less.
pub const ROUNDING_SLACK: i128 = 6;

/// Bound on how far the rounded surplus may lie **above** the exact one, in
/// quote units: a fee rounded down (for venues whose fee rounds down) gives
/// the account less than one unit back; every other figure rounds against it.
pub const FAVOURABLE_SLACK: i128 = 1;

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
    /// Liquidation fee at the execution price, rounded as the market says
    /// (up unless a venue's own rounding is reproduced).
    pub expected_fee: Quote,
    /// Pool health after the close (position, cash and fee applied).
    pub health_after: Health,
    /// Equity the target asks for after the close.
    pub required_equity_after: Quote,
    /// `required − equity` after the close when the target is still missed, else 0.
    pub shortfall: Quote,
    /// True when the dust rule turned a partial close into a whole one.
    pub dust_closed: bool,
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
    /// The liquidation fee of this close: the market's, or a fee ramp's
    /// ([`crate::ramps::FeeRamp`]).
    pub fee: Ppm,
}

/// The sizing solver's answer in units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Solution {
    pub status: CloseStatus,
    pub units: i128,
    pub dust_closed: bool,
}

/// The rounded surplus after a close, as two parts that never decrease as
/// the close grows: `surplus = rising − falling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SurplusParts {
    /// What closing brings in: a long's cash received or a short's value
    /// recovered, plus the fall of the target (with the rest of the pool).
    pub rising: i128,
    /// What closing costs: the fee, plus a long's value given up or a
    /// short's cash paid.
    pub falling: i128,
}

/// One position's figures after a close: the remainder's mark value
/// (rounded down), the close's cash (against the account) and fee, and the
/// remainder's requirement of the target's kind (rounded up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClosePieces {
    /// True for a long position.
    pub long: bool,
    /// Mark value of what remains.
    pub value: i128,
    /// Cash from the close (> 0 received, < 0 paid).
    pub cash: i128,
    /// Fee on the close.
    pub fee: i128,
    /// Requirement of what remains.
    pub requirement: i128,
}

impl ClosePieces {
    /// `(rising, falling)` of the pieces that move with the close: a long's
    /// cash rises and its remaining value falls; a short's remaining value
    /// rises (it is negative and shrinks) and its cash paid falls; the fee
    /// falls. (The requirement's fall enters through the target.)
    pub fn split(&self) -> Result<(i128, i128)> {
        if self.long {
            Ok((self.cash, num::sub(self.fee, self.value)?))
        } else {
            Ok((self.value, num::sub(self.fee, self.cash)?))
        }
    }
}

/// The sizes a close may take: `x(n) = min(n × step, units)` for
/// `n = 0 ..= end`, the last one the whole position.
#[derive(Debug, Clone, Copy)]
struct Grid {
    step: i128,
    units: i128,
    end: i128,
}

impl Grid {
    fn x(&self, n: i128) -> Result<i128> {
        Ok(num::mul(n, self.step)?.min(self.units))
    }

    /// The last grid index whose size is at most `x` (`x ≥ 0`).
    fn last_at_or_below(&self, x: i128) -> Result<i128> {
        if x >= self.units {
            return Ok(self.end);
        }
        num::div_round(x, self.step, Rounding::Floor)
    }
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

    /// Nominal liquidation fee on `units` at the execution price, rounded as
    /// the market's `liquidation_fee_rounding` says.
    pub fn fee(&self, units: i128) -> Result<i128> {
        close_fee_at(self.market, self.fee, units, self.exec)
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
        let fee = num::mul(num::mul(num::mul(self.exec, m)?, i128::from(self.fee.0))?, PPM)?;
        num::sub(num::sub(release, slippage)?, fee)
    }

    /// `D × dh/dx` in the tier of the whole current position.
    pub fn current_slope(&self) -> Result<i128> {
        let scaled = num::mul(self.units()?, num::mul(self.mark, self.market.notional_multiplier()?)?)?;
        self.slope(self.market.tier_index_scaled(scaled)?)
    }

    /// The rounded surplus after closing `units`, split as `rising −
    /// falling` into two parts that never decrease as `units` grows (see
    /// the module doc): `rising` holds what closing brings in (a long's
    /// cash, a short's value recovered, the target's fall), `falling` what
    /// it costs (the fee, a long's value given up, a short's cash paid).
    /// `rising − falling` equals [`Self::surplus`] exactly.
    pub fn surplus_parts(&self, units: i128) -> Result<SurplusParts> {
        let pc = self.pieces(units)?;
        let own = match self.target.kind() {
            RequirementKind::Initial => Sums { equity: 0, initial: pc.requirement, maintenance: 0 },
            RequirementKind::Maintenance => Sums { equity: 0, initial: 0, maintenance: pc.requirement },
        };
        let target = self.target.required(&self.rest.add(own)?)?;
        let base = num::sub(num::add(self.rest.equity, self.quote_balance)?, target)?;
        let (rising, falling) = pc.split()?;
        Ok(SurplusParts { rising: num::add(base, rising)?, falling })
    }

    /// The position's own figures after closing `units`, each rounded as
    /// [`health::pool_health`] rounds it.
    pub fn pieces(&self, units: i128) -> Result<ClosePieces> {
        let size = num::sub(self.size, num::mul(self.sigma(), units)?)?;
        let value = self.market.notional_i128(size, self.mark, Rounding::Floor)?;
        let (cash, fee) = if units == 0 { (0, 0) } else { (self.cash(units)?, self.fee(units)?) };
        let requirement = if size == 0 { 0 } else { self.market.requirement_i128(size, self.mark, self.target.kind())? };
        Ok(ClosePieces { long: self.sigma() > 0, value, cash, fee, requirement })
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
        let grid = Grid { step, units: u, end: num::div_round(u, step, Rounding::Ceil)? };
        let f_at = |n: i128| -> Result<i128> { self.surplus(grid.x(n)?) };
        let found = |n: i128| -> Result<Solution> {
            let (units, dust_closed) = self.dust_adjusted(grid.x(n)?)?;
            let status = if dust_closed && self.surplus(units)? < 0 { CloseStatus::Infeasible } else { CloseStatus::Restored };
            Ok(Solution { status, units, dust_closed })
        };
        if self.surplus(0)? >= 0 {
            return Ok(Solution { status: CloseStatus::AlreadySafe, units: 0, dust_closed: false });
        }
        let d = num::mul(self.market.notional_denominator()?, 1_000_000_000_000)?;
        let den = self.market.notional_denominator()?;
        let scale_m = num::mul(self.mark, self.market.notional_multiplier()?)?;
        let up = self.favourable_slack();
        let mut n_s: i128 = 0;
        let mut f_s = f_at(0)?;
        loop {
            if n_s >= grid.end {
                // Even the whole close falls short.
                return self.infeasible(u);
            }
            let x_s = grid.x(n_s)?;
            let remaining = num::sub(u, x_s)?;
            let tier = self.market.tier_index_scaled(num::mul(remaining, scale_m)?)?;
            let slope = self.slope(tier)?;
            // D × h(x_s) exactly, or a bound from the rounded f_s when the
            // exact figure does not fit i128 (h < f_s + SLACK).
            let h_s = self.scaled_exact_surplus(x_s, tier);
            if slope <= 0 {
                // Concave: for every x ≥ x_s, h(x) ≤ h(x_s) + slope·(x − x_s)/D,
                // and f(x) ≥ 0 needs h(x) ≥ −UP: search exactly where that
                // still holds (nowhere, up to the whole close when slope = 0).
                let last = match h_s {
                    Some(h_s) => match num::add(h_s, num::mul(up, d)?) {
                        Ok(room) if room < 0 => None,
                        Ok(_) if slope == 0 => Some(grid.end),
                        // x − x_s ≤ room / |slope|.
                        Ok(room) => {
                            Some(grid.last_at_or_below(num::add(x_s, num::div_round(room, num::sub(0, slope)?, Rounding::Floor)?)?)?)
                        }
                        Err(_) => Some(grid.end),
                    },
                    None => {
                        let room = num::add(num::add(f_s, ROUNDING_SLACK)?, up)?;
                        if room <= 0 {
                            None
                        } else if slope == 0 {
                            Some(grid.end)
                        } else {
                            // x − x_s < room·D/|slope|.
                            let reach = num::sub(num::mul_div_wide(room, d, num::sub(0, slope)?, Rounding::Ceil)?, 1)?;
                            Some(grid.last_at_or_below(num::add(x_s, reach)?)?)
                        }
                    }
                };
                if let Some(last) = last {
                    if let Some(n) = self.first_restoring(&grid, num::add(n_s, 1)?, last)? {
                        return found(n);
                    }
                }
                let mut best = n_s;
                if n_s > 0 {
                    let prev = num::sub(n_s, 1)?;
                    if f_at(prev)? >= f_s {
                        best = prev;
                    }
                }
                return self.infeasible(grid.x(best)?);
            }
            // Last grid index whose remainder still lies in `tier`.
            let n_e = if tier == 0 {
                grid.end
            } else {
                let floor = i128::from(self.market.tiers.get(tier).ok_or(Error::InvalidTierCount)?.notional_floor.0);
                let r_min = num::div_round(num::mul(floor, den)?, scale_m, Rounding::Ceil)?;
                num::div_round(num::sub(u, r_min)?, step, Rounding::Floor)?.min(grid.end)
            };
            // The least x where h may reach −UP (the tangent bounds h beyond
            // this segment too: concave): every size below is short.
            let offset = match h_s.map(|h_s| num::sub(num::sub(0, h_s)?, num::mul(up, d)?)) {
                Some(Ok(need)) => {
                    if need <= 0 {
                        0
                    } else {
                        num::div_round(need, slope, Rounding::Ceil)?
                    }
                }
                _ => {
                    // h < f_s + SLACK: every x ≤ x_s + (−f_s − SLACK − UP)·D/slope is short.
                    let need = num::sub(0, num::add(num::add(f_s, ROUNDING_SLACK)?, up)?)?;
                    if need > 0 {
                        num::add(num::mul_div_wide(need, d, slope, Rounding::Floor)?, 1)?
                    } else {
                        0
                    }
                }
            };
            let first = num::div_round(num::add(x_s, offset)?, step, Rounding::Ceil)?;
            if let Some(m) = self.first_restoring(&grid, num::add(n_s, 1)?.max(first), n_e)? {
                return found(m);
            }
            // Nothing in this segment; the next starts right after it.
            n_s = num::add(n_e, 1)?;
            if n_s > grid.end {
                return self.infeasible(u);
            }
            f_s = f_at(n_s)?;
            if f_s >= 0 {
                return found(n_s);
            }
        }
    }

    /// How far the rounded surplus may lie above the exact one: 1 when the
    /// fee rounds down (the account keeps a fraction of a unit), else 0.
    fn favourable_slack(&self) -> i128 {
        if self.market.liquidation_fee_rounding == Rounding::Ceil {
            0
        } else {
            FAVOURABLE_SLACK
        }
    }

    /// `D × h(x)`, the exact surplus after closing `x` units (`D = 10^k ×
    /// 1e12`), with the remainder in `tier`; `None` when a product does not
    /// fit `i128` (very fine quote exponents with large figures).
    ///
    /// `D·h = D·(rest equity + quote balance) + 1e12·σ·(u − x)·P·m
    ///        + 1e12·σ·x·q·m − 1e6·x·q·m·fee − R·M·10^k·1e6
    ///        − ((u − x)·P·m·f_t − ded_t·10^k)·M`,
    /// with `R` the rest of the pool's requirement of the target's kind and
    /// `M` the target's multiplier (1e6 + buffer): the rounded surplus with
    /// every rounding undone.
    fn scaled_exact_surplus(&self, x: i128, tier: usize) -> Option<i128> {
        let exact = || -> Result<i128> {
            let k = self.market.notional_denominator()?;
            let m = self.market.notional_multiplier()?;
            let sigma = self.sigma();
            let kind = self.target.kind();
            let (f, ded) = self.market.tier_terms(tier, kind)?;
            let mm = self.target.multiplier_ppm();
            let rest_req = match kind {
                RequirementKind::Initial => self.rest.initial,
                RequirementKind::Maintenance => self.rest.maintenance,
            };
            let remaining = num::sub(self.units()?, x)?;
            let base = num::mul(num::mul(num::add(self.rest.equity, self.quote_balance)?, k)?, 1_000_000_000_000)?;
            let value = num::mul(num::mul(num::mul(num::mul(sigma, remaining)?, self.mark)?, m)?, 1_000_000_000_000)?;
            let cash = num::mul(num::mul(num::mul(num::mul(sigma, x)?, self.exec)?, m)?, 1_000_000_000_000)?;
            let fee = num::mul(num::mul(num::mul(num::mul(x, self.exec)?, m)?, i128::from(self.fee.0))?, PPM)?;
            let rest_target = num::mul(num::mul(num::mul(rest_req, mm)?, k)?, PPM)?;
            let own = num::sub(num::mul(num::mul(num::mul(remaining, self.mark)?, m)?, i128::from(f.0))?, num::mul(ded, k)?)?;
            let own_target = num::mul(own, mm)?;
            num::sub(num::sub(num::sub(num::add(num::add(base, value)?, cash)?, fee)?, rest_target)?, own_target)
        };
        exact().ok()
    }

    /// The least grid index in `[lo, hi]` whose close restores the target,
    /// exactly (see [`least_crossing`]).
    fn first_restoring(&self, grid: &Grid, lo: i128, hi: i128) -> Result<Option<i128>> {
        least_crossing(lo, hi, &|n| self.surplus_parts(grid.x(n)?))
    }

    fn infeasible(&self, units: i128) -> Result<Solution> {
        let (units, dust_closed) = if units > 0 { self.dust_adjusted(units)? } else { (0, false) };
        // The dust rule may have turned the best close into the whole
        // position, which can restore the target after all.
        let status = if dust_closed && self.surplus(units)? >= 0 { CloseStatus::Restored } else { CloseStatus::Infeasible };
        Ok(Solution { status, units, dust_closed })
    }

    /// The dust rule: a remainder whose notional at mark is below the floor
    /// (and not zero) is closed too.
    pub fn dust_adjusted(&self, units: i128) -> Result<(i128, bool)> {
        let u = self.units()?;
        let remaining = num::sub(u, units)?;
        if remaining <= 0 || self.market.dust_floor.0 == 0 {
            return Ok((units, false));
        }
        let notional = self.market.notional_i128(remaining, self.mark, Rounding::Floor)?;
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
        })
    }
}

/// The least `n` in `[lo, hi]` with `rising(n) ≥ falling(n)`, exactly, for
/// a function given as two parts that never decrease in `n`; `None` when
/// there is none.
///
/// At `n` with `rising(n) < falling(n)`, every `m > n` has `falling(m) ≥
/// falling(n)`, so it can only qualify once `rising(m) ≥ falling(n)`: the
/// search jumps to the first such `m`, found by galloping and bisection over
/// the monotone `rising`. Every index skipped is proven not to qualify.
pub(crate) fn least_crossing(lo: i128, hi: i128, parts: &dyn Fn(i128) -> Result<SurplusParts>) -> Result<Option<i128>> {
    least_crossing_within(lo, hi, parts, usize::MAX).map(|found| found.unwrap_or(None))
}

/// [`least_crossing`] with at most about `jumps` jumps: `Ok(None)` when the
/// budget ran out before the answer was proven (the caller decides), else
/// `Ok(Some(answer))`.
pub(crate) fn least_crossing_within(
    lo: i128,
    hi: i128,
    parts: &dyn Fn(i128) -> Result<SurplusParts>,
    jumps: usize,
) -> Result<Option<Option<i128>>> {
    if lo > hi {
        return Ok(Some(None));
    }
    let mut n = lo;
    let mut p = parts(n)?;
    let mut left = jumps;
    loop {
        if p.rising >= p.falling {
            return Ok(Some(Some(n)));
        }
        if left == 0 {
            return Ok(None);
        }
        left = left.saturating_sub(1);
        match first_rising_at_least(num::add(n, 1)?, hi, p.falling, parts)? {
            Some((m, at_m)) => (n, p) = (m, at_m),
            None => return Ok(Some(None)),
        }
    }
}

/// The least index in `[lo, hi]` with `rising ≥ level` and the parts there,
/// given that `rising(lo − 1) < level`; `None` when there is none (galloping,
/// then bisecting).
pub(crate) fn first_rising_at_least(
    lo: i128,
    hi: i128,
    level: i128,
    parts: &dyn Fn(i128) -> Result<SurplusParts>,
) -> Result<Option<(i128, SurplusParts)>> {
    if lo > hi {
        return Ok(None);
    }
    // Gallop: `below` falls short, `above` reaches.
    let mut below = num::sub(lo, 1)?;
    let mut stride: i128 = 1;
    let (mut above, mut at_above) = loop {
        let probe = num::add(below, stride)?.min(hi);
        let p = parts(probe)?;
        if p.rising >= level {
            break (probe, p);
        }
        if probe == hi {
            return Ok(None);
        }
        below = probe;
        stride = stride.saturating_mul(2);
    };
    while num::sub(above, below)? > 1 {
        let mid = num::add(below, num::div_round(num::sub(above, below)?, 2, Rounding::Floor)?)?;
        let p = parts(mid)?;
        if p.rising >= level {
            (above, at_above) = (mid, p);
        } else {
            below = mid;
        }
    }
    Ok(Some((above, at_above)))
}

/// Cash from closing `signed_units` (σ × units, the position's sign) at
/// `exec`: `floor(σ·units·exec·10^e)` — a long's sale proceeds rounded down,
/// a short's purchase cost rounded up.
pub(crate) fn close_cash(market: &Market, signed_units: i128, exec: i128) -> Result<i128> {
    market.notional_i128(signed_units, exec, Rounding::Floor)
}

/// Liquidation fee on closing `units` at `exec`: `units·exec·10^e × fee`,
/// rounded as the market's `liquidation_fee_rounding` says (up unless a venue
/// preset reproduces a venue that rounds it down). The only place a fee is
/// computed: sizing, planning and settlement agree on it.
pub(crate) fn close_fee(market: &Market, units: i128, exec: i128) -> Result<i128> {
    close_fee_at(market, market.liquidation_fee, units, exec)
}

/// [`close_fee`] at the fee `fee` instead of the market's (a fee ramp's),
/// rounded as the market says.
pub(crate) fn close_fee_at(market: &Market, fee: Ppm, units: i128, exec: i128) -> Result<i128> {
    let scaled = market.scaled_notional(units, exec)?;
    let den = num::mul(market.notional_denominator()?, PPM)?;
    num::mul_div(scaled, i128::from(fee.0), den, market.liquidation_fee_rounding)
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
        fee: market.liquidation_fee,
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
        crate::test_fixtures::fee_market(0)
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
        assert_eq!((c.required_equity_after, c.shortfall, c.dust_closed), (Quote(330), Quote(0), false));
    }

    #[test]
    fn fee_rounded_down_by_hand() {
        // As long_by_hand, with the fee rounded down (a venue that floors it):
        // need 4x − floor(0.99x) ≥ 100, and floor(0.99x) = x − 1 for 1 ≤ x ≤ 100:
        // 3x + 1 ≥ 100 ⇒ x = 33 (132 − 32 = 100 ✓); x = 32: 128 − 31 = 97 ✗.
        let mut m = market();
        m.liquidation_fee_rounding = Rounding::Floor;
        let c = close(m, 100, -9_600, 100, 99, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.expected_cash, c.expected_fee), (CloseStatus::Restored, Size(-33), Quote(3_267), Quote(32)));
        // After: equity 400 − 33 − 32 = 335 ≥ MM 335.
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(335), Quote(335)));
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
    fn tiny_lots_are_sized_exactly() {
        // e = −9 with price 1: one lot is worth 1e-9 quote units, so the
        // rounding band around the crossing spans billions of lots.
        let mut m = Market::single_tier(-9, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(0);
        // 1e12 units at price 1: notional 1,000, MM 50; qb −960 → equity 40.
        // Closing x at 1 (no slippage, no fee):
        //   equity = floor((1e12 − x)/1e9) + floor(x/1e9) − 960
        //          = 40 when 1e9 divides x, else 39;
        //   MM     = ceil((1e12 − x) × 5 % / 1e9) = ceil((1e12 − x)/2e10).
        // MM ≤ 40 ⇔ x ≥ 2e11, a multiple of 1e9 (equity 40 = MM 40); every
        // x < 2e11 has MM ≥ 41 > equity. So the least close is exactly 2e11.
        let c = close(m, 1_000_000_000_000, -960, 1, 1, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta), (CloseStatus::Restored, Size(-200_000_000_000)));
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(40), Quote(40)));
        // One unit less: equity 39 (the cash and value floors both lose their
        // fraction), MM ceil(800,000,000,001 / 2e10) = 41.
        let ps = [Position { market_index: 0, size: Size(800_000_000_001), quote_balance: Quote(-960 + 199) }];
        let h = crate::health::pool_health(&Pool::new(Quote(0), &ps), &[m], &[Price(1)]).unwrap();
        assert_eq!((h.equity, h.maintenance_requirement), (Quote(39), Quote(41)));
    }

    #[test]
    fn rounding_that_loses_a_unit_is_stepped_over_exactly() {
        // e = −3, lot 1, price 1,000 (one unit is worth exactly 1 quote unit at
        // the mark), exec 999 (0.999 per unit: the cash floors lose a
        // fraction), no fee, MM 5 %.
        // Long 100, qb −96 → equity 4, MM 5. Closing x:
        //   equity = (100 − x) + floor(0.999x) − 96 = 4 − x + floor(0.999x)
        //          = 3 for 1 ≤ x ≤ 1,000 (floor(0.999x) = x − 1);
        //   MM     = ceil((100 − x) × 0.05).
        // x = 1..40: MM ≥ ceil(60 × 0.05) = 3 → x = 40 gives MM 3 = equity 3 ✓;
        // x = 39: MM ceil(3.05) = 4 > 3 ✗. Least: 40, although the exact
        // surplus h(x) = 4 − 0.001x − 0.05(100 − x) = 0.049x − 1 is ≥ 0 from 21.
        let m = Market::single_tier(-3, 1, 1, Ppm(100_000), Ppm(50_000));
        let c = close(m, 100, -96, 1_000, 999, Target::MAINTENANCE).unwrap();
        assert_eq!(
            (c.status, c.size_delta, c.health_after.equity, c.health_after.maintenance_requirement),
            (CloseStatus::Restored, Size(-40), Quote(3), Quote(3))
        );
    }

    #[test]
    fn fine_lots_coarse_quote_units_least_close() {
        // A case an inexact search over-closed (1,258 instead of 1,066): one
        // lot moves the surplus by ~0.005 quote units, so rounding decides.
        // e = −4, lot 1, MM 6.6288 %, fee 0.101 %; long 1,644 at mark 781
        // (notional 128.3964 → value 128), qb −124: equity 4 < MM ceil(8.511) = 9.
        // Close 1,066 at 779: cash floor(83.0414) = 83, fee ceil(0.0839) = 1,
        // remainder 578 worth floor(45.1418) = 45: equity 45 − 124 + 83 − 1 = 3,
        // MM ceil(45.1418 × 6.6288 %) = ceil(2.99236) = 3 ✓.
        // Close 1,065: cash floor(82.9635) = 82, remainder 579 worth 45:
        // equity 2 < MM ceil(2.9975) = 3 ✗.
        let mut m = Market::single_tier(-4, 1, 1, Ppm(132_576), Ppm(66_288));
        m.liquidation_fee = Ppm(1_010);
        let c = close(m, 1_644, -124, 781, 779, Target::MAINTENANCE).unwrap();
        assert_eq!((c.status, c.size_delta, c.expected_cash, c.expected_fee), (CloseStatus::Restored, Size(-1_066), Quote(83), Quote(1)));
        assert_eq!((c.health_after.equity, c.health_after.maintenance_requirement), (Quote(3), Quote(3)));
        // Every smaller close falls short (brute force).
        for x in 1..1_066i64 {
            let cash = m.notional(Size(x), Price(779), Rounding::Floor).unwrap().0;
            let fee = close_fee(&m, i128::from(x), 779).unwrap() as i64;
            let ps = [Position { market_index: 0, size: Size(1_644 - x), quote_balance: Quote(-124 + cash - fee) }];
            let h = crate::health::pool_health(&Pool::new(Quote(0), &ps), &[m], &[Price(781)]).unwrap();
            assert!(h.equity < h.maintenance_requirement, "x = {x}");
        }
    }

    #[test]
    fn parts_add_up_and_only_grow() {
        // Long and short, with tiers, a buffer and a fee: rising − falling is
        // the surplus, and neither part ever decreases as the close grows.
        let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
        let mut m = Market::single_tier(-2, 3, 1, Ppm(100_000), Ppm(50_000))
            .with_tiers(&[t(0, 100_000, 50_000), t(3_000, 200_000, 100_000)])
            .unwrap();
        m.liquidation_fee = Ppm(7_000);
        for (size, qb, exec) in [(1_000i64, -9_700i64, 997i64), (-1_000, 10_300, 1_003)] {
            let ps = [Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }];
            for target in [Target::MAINTENANCE, Target::Maintenance { buffer: Ppm(250_000) }, Target::Initial] {
                let (pool, markets, prices) = (Pool::new(Quote(13), &ps), [m], [Price(1_000)]);
                let model = model_for(&pool, &markets, &prices, 0, Price(exec), target, &|_| (0, 0)).unwrap();
                let mut prev = model.surplus_parts(0).unwrap();
                for x in 0..=1_000i128 {
                    let p = model.surplus_parts(x).unwrap();
                    assert_eq!(p.rising - p.falling, model.surplus(x).unwrap(), "x = {x}");
                    assert!(p.rising >= prev.rising && p.falling >= prev.falling, "x = {x}");
                    prev = p;
                }
            }
        }
    }
}
