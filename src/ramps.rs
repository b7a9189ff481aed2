//! Incentive ramps: liquidation terms that move with time in liquidation or
//! with how far underwater the pool is.
//!
//! A flat liquidation fee and a flat price band are a bet on the market: set
//! them low and, in a thin or falling market, no liquidator takes the orders
//! at the terms offered; set them high and every account pays a large
//! penalty even when a small one would have cleared. A **ramp** starts with
//! terms kind to the account and makes them more attractive to liquidators
//! the longer the liquidation goes unfilled, or the deeper the account is
//! underwater — a price discovered by waiting (a Dutch auction) rather than
//! fixed in advance. The account pays more only when less was not enough.
//! Each ramp is one part of a [`Ramps`] (a [`crate::Policy`]'s `ramps`),
//! every part is off by default, and they compose with each other and with
//! the step rules:
//!
//! | ramp | venue | effect on one pipeline call |
//! | --- | --- | --- |
//! | [`FeeRamp`] | Drift v2 (`get_liquidation_fee`) | the liquidation fee: the market's for a grace period, then rising by a fixed rate per time unit since the start, up to a cap |
//! | [`FractionRamp`] | Drift v2 (`calculate_max_pct_to_liquidate`) | the most of a position one step may close: `initial` at the start, rising linearly to 100 % over `duration`; a shortage below a threshold goes whole at once |
//! | [`BandRamp::Dutch`] | Dutch auction | the limit price band: from `start` at the start to `max` after `duration`, linearly |
//! | [`BandRamp::DydxFillable`] | dYdX v4 (`GetFillablePrice`) | the limit price: the mark moved by `ABR × SMMR × PMMR` per position, widening with depth underwater |
//!
//! # Time in liquidation
//!
//! Time is the caller's, as for every other rule (the `now` of
//! [`crate::run_pipeline`]). The start of the liquidation is kept in the
//! caller-owned [`AccountLiquidationState`]: the first pipeline call that
//! finds a liquidation due and plans it records `now` as its start (a call
//! the block's limits stop before planning writes no state at all); it
//! stays while the liquidation runs (orders that do not yet restore the
//! target, or a step rule or limit holding it back) and is cleared when the
//! liquidation ends (target met, restored, or handed to a backstop or
//! takeover). A call sees
//! `elapsed = now − start` (0 for the call that starts it, and 0 should the
//! caller's clock go back). [`AccountLiquidationState::time_in_liquidation`]
//! gives the same figure to the caller, e.g. to settle the fills of a call
//! with the fee the call planned with ([`Ramps::fee_for`]).
//!
//! # The finance of each ramp
//!
//! * **Fee** (Drift v2): `fee(t) = base` while `t < grace`, then
//!   `min(cap, base + t × rate)` — every elapsed unit counts once the grace
//!   is over, so the fee steps up by `grace × rate` at its end (Drift's
//!   rule: 1,500 slots of grace, 1 ppm a slot). A cap below the market's
//!   fee never lowers it (Drift would: its `min` applies to the base too).
//!   A higher fee makes each unit closed release less margin
//!   (`P·f·(1+b) − |P − q| − q·fee` per unit of notional, see
//!   [`crate::sizing`]), so the least close that restores grows with it: the
//!   ramp is priced into the plan, each leg's `expected_fee` is at the ramped
//!   fee, and the fills are settled at it.
//! * **Fraction per step** (Drift v2): `fraction(t) = min(100 %, initial +
//!   ⌊t × 10⁶ / duration⌋ ppm)`, on the position's units like
//!   [`crate::FractionCap`] (rounded down to the lot step, at least one lot
//!   so a liquidation always progresses). A slow start limits how much a
//!   single liquidator can take from a briefly depressed mark; a pool whose
//!   shortage (the target's requirement less equity) is below
//!   `full_below_shortage` closes without the cap, as Drift liquidates a
//!   shortage under $50 at once. Drift caps the share of the margin shortage
//!   freed (counting what earlier steps freed); partliq caps the share of the
//!   position closed, which its planner can honour exactly; the time ramp
//!   itself is Drift's to the unit at Drift's 10⁴ precision (the
//!   conformance tests show `⌊fraction(t) / 100⌋` is Drift's
//!   `pct_freeable`).
//! * **Dutch band**: `band(t) = start + ⌊(max − start) × min(t, duration) /
//!   duration⌋`, then priced as the flat band is ([`crate::limit_price`]:
//!   against the account to the tick, never past the bankruptcy price).
//! * **dYdX's fillable price**: with the pool's equity `TNC` and maintenance
//!   `TMMR`, the position's notional `PNNV` (truncated toward zero, as dYdX's
//!   `BaseToQuoteQuantums`), maintenance `PMMR` and size `PS`, the
//!   *adjusted bankruptcy rating* `ABR = clamp(BA × (1 − TNC / TMMR), 0, 1)`
//!   and the limit is `(PNNV − ABR × SMMR × PMMR) / PS` — at the mark while
//!   equity covers maintenance, up to `SMMR × PMMR` of spread at or past
//!   bankruptcy. This is [`crate::venues::dydx_v4::fillable_price_of`]
//!   itself, converted to the market's price units and rounded to the tick
//!   as dYdX rounds to the subtick (a sell up, a buy down: dYdX's documented
//!   rounding, toward the account), at least one tick. (As at dYdX, a buy's
//!   limit may lie just below the mark when the notional is not a whole
//!   number of quote units, truncated toward zero.) It is not clamped at
//!   the bankruptcy price: dYdX's spread may go past it and the insurance
//!   fund covers the difference. With a market mapped from a dYdX perpetual
//!   and CLOB pair (tick = subticks per tick), the pipeline's limit price is
//!   dYdX's `ConvertFillablePriceToSubticks` to the subtick.
//!
//! Every ramp is monotone: the fee and the fraction never fall as time
//! passes, the Dutch band never narrows, the fillable price never improves
//! for the account as its equity falls; none goes past its cap. With every
//! ramp off the pipeline decides exactly as without ramps.

use crate::error::{Error, Result};
use crate::market::Market;
use crate::num::{self, Ppm, Quote, Rounding};
use crate::oracle::LimitSource;
use crate::policy::AccountLiquidationState;
use crate::pricing::PositionContext;
use crate::venues::dydx_v4::{self, FillablePriceConfig, Rational, Risk};

/// Drift v2's liquidator fee ramp (`get_liquidation_fee`): the market's fee
/// for `grace` time units, then `min(max_fee, fee + elapsed × increase_per_unit)`.
/// Off when `increase_per_unit` is 0 (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeeRamp {
    /// The fee's cap (≤ 100 %). A cap below a market's fee leaves that
    /// market's fee as it is.
    pub max_fee: Ppm,
    /// Time from the start during which the fee is the market's.
    pub grace: u64,
    /// Fee increase (ppm) per time unit since the start, once the grace is
    /// over (0 = ramp off).
    pub increase_per_unit: u32,
}

impl FeeRamp {
    /// True when the ramp changes anything.
    #[must_use]
    pub const fn is_on(&self) -> bool {
        self.increase_per_unit > 0
    }

    /// The fee after `elapsed` time units in liquidation for a market whose
    /// own fee is `base`: `base` while off or within the grace; else
    /// `max(base, min(max_fee, base + elapsed × increase_per_unit))`
    /// (saturating; exact).
    #[must_use]
    pub fn fee_at(&self, base: Ppm, elapsed: u64) -> Ppm {
        if !self.is_on() || elapsed < self.grace {
            return base;
        }
        let increase = u128::from(elapsed).saturating_mul(u128::from(self.increase_per_unit));
        let raised = u128::from(base.0).saturating_add(increase);
        let capped = raised.min(u128::from(self.max_fee.0));
        Ppm(u32::try_from(capped).unwrap_or(u32::MAX).max(base.0))
    }
}

/// Drift v2's time ramp of the most one step may close
/// (`calculate_max_pct_to_liquidate`), on a position's units: `initial` at
/// the start, rising linearly to 100 % over `duration` time units. Off when
/// `duration` is 0 (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FractionRamp {
    /// Fraction one step may close at the start (≤ 100 %).
    pub initial: Ppm,
    /// Time over which the fraction rises by 100 % (0 = ramp off).
    pub duration: u64,
    /// A pool whose shortage (the target's requirement less equity, quote
    /// units) is below this closes without the cap (Drift: $50); 0 = never.
    pub full_below_shortage: Quote,
}

impl FractionRamp {
    /// True when the ramp changes anything.
    #[must_use]
    pub const fn is_on(&self) -> bool {
        self.duration > 0
    }

    /// The fraction one step may close after `elapsed` time units:
    /// `min(100 %, initial + ⌊elapsed × 10⁶ / duration⌋)` ppm; 100 % when off.
    #[must_use]
    pub fn fraction_at(&self, elapsed: u64) -> Ppm {
        if !self.is_on() {
            return Ppm::ONE;
        }
        let grown = u128::from(elapsed).saturating_mul(1_000_000).checked_div(u128::from(self.duration)).unwrap_or(u128::MAX);
        let total = grown.saturating_add(u128::from(self.initial.0)).min(1_000_000);
        Ppm(u32::try_from(total).unwrap_or(1_000_000))
    }

    /// The cap one step of a pool with `shortage` (quote units) is held to
    /// after `elapsed`: `None` when the ramp is off or the shortage is below
    /// `full_below_shortage`.
    #[must_use]
    pub fn cap_for(&self, shortage: i128, elapsed: u64) -> Option<Ppm> {
        if !self.is_on() || shortage < i128::from(self.full_below_shortage.0) {
            return None;
        }
        Some(self.fraction_at(elapsed))
    }
}

/// How each leg's limit price is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandRamp {
    /// The policy's flat `price_band` (the default).
    #[default]
    Flat,
    /// A Dutch auction: the band widens from `start` to `max` over
    /// `duration` time units since the start, linearly; the policy's
    /// `price_band` is not used.
    Dutch {
        /// Band at the start (≤ `max`).
        start: Ppm,
        /// Band from `duration` on (≤ 100 %).
        max: Ppm,
        /// Time to widen from `start` to `max` (0: `max` at once).
        duration: u64,
    },
    /// dYdX v4's fillable price, widening with depth underwater; the
    /// policy's `price_band` is not used.
    DydxFillable(FillablePriceConfig),
}

impl BandRamp {
    /// The Dutch band after `elapsed` time units; `flat` for the other
    /// modes: `start + ⌊(max − start) × min(elapsed, duration) / duration⌋`
    /// (`max` when `duration` is 0).
    #[must_use]
    pub fn band_at(&self, flat: Ppm, elapsed: u64) -> Ppm {
        let BandRamp::Dutch { start, max, duration } = *self else {
            return flat;
        };
        if duration == 0 || elapsed >= duration {
            return max;
        }
        let span = u128::from(max.0.saturating_sub(start.0));
        // elapsed < duration, so the quotient is below span ≤ 10⁶.
        let grown = span.saturating_mul(u128::from(elapsed)).checked_div(u128::from(duration)).unwrap_or(0);
        Ppm(start.0.saturating_add(u32::try_from(grown).unwrap_or(0)))
    }
}

/// The ramps of a policy: every part off by default ([`Ramps::OFF`]), each
/// on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ramps {
    /// The liquidation fee over time.
    pub fee: FeeRamp,
    /// The fraction of a position one step may close over time.
    pub fraction: FractionRamp,
    /// The limit price band over time or depth.
    pub band: BandRamp,
}

impl Ramps {
    /// Every ramp off: the pipeline as without ramps.
    pub const OFF: Ramps = Ramps {
        fee: FeeRamp { max_fee: Ppm(0), grace: 0, increase_per_unit: 0 },
        fraction: FractionRamp { initial: Ppm(0), duration: 0, full_below_shortage: Quote(0) },
        band: BandRamp::Flat,
    };

    /// Drift v2's ramps in slots: the liquidator's fee from the market's up
    /// to `max_fee` (`LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS` = 1,500
    /// slots of grace, `LIQUIDATION_FEE_INCREASE_PER_SLOT` = 1 ppm a slot),
    /// and the fraction per step from `initial` to 100 % over `duration`
    /// slots (Drift's `initial_pct_to_liquidate` and `liquidation_duration`
    /// state parameters, a fraction here in ppm: Drift's 10⁴ precision × 100),
    /// a shortage under $50 at once; the flat band.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] when `quote_per_usd` is not positive;
    /// [`Error::Overflow`] when $50 does not fit a quote amount.
    pub fn drift_v2(max_fee: Ppm, initial: Ppm, duration: u64, quote_per_usd: i64) -> Result<Ramps> {
        if quote_per_usd <= 0 {
            return Err(Error::OutOfRange);
        }
        let fifty = Quote::from_i128(num::mul(i128::from(quote_per_usd), 50)?)?;
        Ok(Ramps {
            fee: FeeRamp { max_fee, grace: 1_500, increase_per_unit: 1 },
            fraction: FractionRamp { initial, duration, full_below_shortage: fifty },
            band: BandRamp::Flat,
        })
    }

    /// True when no ramp changes anything.
    #[must_use]
    pub fn is_off(&self) -> bool {
        !self.fee.is_on() && !self.fraction.is_on() && self.band == BandRamp::Flat
    }

    /// Rejects bad parameters with [`Error::InvalidRamp`]: a fee cap, an
    /// initial fraction or a Dutch band above 100 %, a Dutch band whose start
    /// is above its max, a negative shortage threshold, or a fillable-price
    /// configuration dYdX would refuse (a bankruptcy adjustment below 10⁶ or
    /// a spread ratio of 0, dYdX's `LiquidationsConfig.Validate`).
    pub fn validate(&self) -> Result<()> {
        self.fee.max_fee.at_most_one(Error::InvalidRamp)?;
        self.fraction.initial.at_most_one(Error::InvalidRamp)?;
        if self.fraction.full_below_shortage.0 < 0 {
            return Err(Error::InvalidRamp);
        }
        match self.band {
            BandRamp::Flat => {}
            BandRamp::Dutch { start, max, .. } => {
                max.at_most_one(Error::InvalidRamp)?;
                if start.0 > max.0 {
                    return Err(Error::InvalidRamp);
                }
            }
            BandRamp::DydxFillable(c) => {
                if c.bankruptcy_adjustment_ppm < 1_000_000 || c.spread_to_maintenance_margin_ratio_ppm == 0 {
                    return Err(Error::InvalidRamp);
                }
            }
        }
        Ok(())
    }

    /// The fee a market whose own fee is `base` charges in a call at `now`
    /// for an account in `state` (read after the call: the start it
    /// records is the call's).
    #[must_use]
    pub fn fee_for(&self, base: Ppm, state: &AccountLiquidationState, now: u64) -> Ppm {
        self.fee.fee_at(base, state.time_in_liquidation(now))
    }
}

/// The ramps as one pipeline call prices its legs: the fee ramp and the band
/// at the call's elapsed time, and where each market's limit is priced
/// around (the mark, or the price guard's limit source).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegPricing<'a> {
    /// The band for [`BandRamp::Flat`] and [`BandRamp::Dutch`].
    band: Ppm,
    /// dYdX's fillable price instead of a band.
    fillable: Option<FillablePriceConfig>,
    /// The fee ramp.
    fee: FeeRamp,
    /// Time in liquidation.
    elapsed: u64,
    /// The price guard's limit source (`None`: every limit around its mark).
    limit_source: Option<LimitSource<'a>>,
}

impl<'a> LegPricing<'a> {
    /// No ramp: the flat band, each market's own fee.
    pub(crate) const fn flat(band: Ppm) -> Self {
        LegPricing { band, fillable: None, fee: Ramps::OFF.fee, elapsed: 0, limit_source: None }
    }

    /// The ramps `ramps` after `elapsed`, with `flat` the policy's band.
    pub(crate) fn at(ramps: &Ramps, flat: Ppm, elapsed: u64) -> Self {
        let fillable = match ramps.band {
            BandRamp::DydxFillable(c) => Some(c),
            _ => None,
        };
        LegPricing { band: ramps.band.band_at(flat, elapsed), fillable, fee: ramps.fee, elapsed, limit_source: None }
    }

    /// The same pricing with each market's limit priced around the guard's
    /// limit source (`None`: around the mark).
    pub(crate) const fn with_limit_source(self, limit_source: Option<LimitSource<'a>>) -> Self {
        LegPricing { limit_source, ..self }
    }

    /// The fee of `market`'s legs.
    pub(crate) fn fee(&self, market: &Market) -> Ppm {
        self.fee.fee_at(market.liquidation_fee, self.elapsed)
    }

    /// The limit price of a leg of the position in `ctx` (in market
    /// `market_index`): the band or fillable price around the mark, or,
    /// with a limit source, around its price held to the mark's envelope
    /// ([`PositionContext::held_to_mark`]; see [`crate::oracle`]).
    pub(crate) fn limit(&self, ctx: &PositionContext<'_>, market_index: u32) -> Result<i128> {
        let at_mark = match self.fillable {
            None => ctx.limit_price(self.band)?,
            Some(config) => fillable_limit(ctx, &config, ctx.mark)?,
        };
        let reference = match self.limit_source {
            Some(source) => source.reference(market_index)?,
            None => return Ok(at_mark),
        };
        if reference == ctx.mark {
            return Ok(at_mark);
        }
        let around = match self.fillable {
            None => ctx.limit_price_around(self.band, reference)?,
            Some(config) => fillable_limit(ctx, &config, reference)?,
        };
        ctx.held_to_mark(at_mark, around)
    }
}

/// dYdX's fillable price of the position in `ctx` in the market's price
/// units, rounded to the tick as dYdX rounds to the subtick (a sell up, a
/// buy down), at least one tick. The position's notional (`PNNV`) is taken
/// at `reference` (the mark, or the guard's limit price: the spread
/// `ABR × SMMR × PMMR` is the pool's at its marks either way).
///
/// # Errors
/// [`Error::InvalidTick`]; [`Error::DivisionByZero`] when the pool has no
/// maintenance requirement; [`Error::NegativePrice`] when the spread exceeds
/// the notional; [`Error::Overflow`] when a fraction does not fit or the
/// price does not fit an `i64`.
pub(crate) fn fillable_limit(ctx: &PositionContext<'_>, config: &FillablePriceConfig, reference: i128) -> Result<i128> {
    let market = ctx.market;
    let tick = i128::from(market.tick.0);
    if tick <= 0 {
        return Err(Error::InvalidTick);
    }
    let own = crate::health::position_terms(market, ctx.size, ctx.mark, ctx.quote_balance)?;
    let total = ctx.rest.add(own)?;
    let position = Risk { mmr: own.maintenance, imr: 0, nc: market.notional_i128(ctx.size, reference, Rounding::TowardZero)? };
    let pool = Risk { mmr: total.maintenance, imr: 0, nc: total.equity };
    let per_unit = dydx_v4::fillable_price_of(&position, ctx.size, &pool, config)?;
    // Quote per unit to price units: notional = units × price × M / D.
    let to_price = Rational::new(market.notional_denominator()?, num::mul(market.notional_multiplier()?, tick)?)?;
    let in_ticks = per_unit.checked_mul(to_price)?;
    let rounding = if ctx.size > 0 { Rounding::Ceil } else { Rounding::Floor };
    let ticks = num::div_round(in_ticks.num(), in_ticks.den(), rounding)?.max(1);
    let price = num::mul(ticks, tick)?;
    i64::try_from(price).map_err(|_| Error::Overflow)?;
    Ok(price)
}

/// The limit price dYdX's fillable price gives a liquidation order for
/// position `position_index` of `pool` (see the module docs): what the
/// pipeline prices a leg at under [`BandRamp::DydxFillable`].
///
/// # Errors
/// The pool's own errors, [`Error::UnknownPosition`],
/// [`Error::EmptyPosition`], [`Error::InvalidRamp`] for a configuration
/// [`Ramps::validate`] refuses, [`Error::InvalidTick`],
/// [`Error::DivisionByZero`] when the pool has no maintenance requirement,
/// [`Error::NegativePrice`] when the spread exceeds the notional, and
/// [`Error::Overflow`] when a fraction or the price does not fit.
pub fn fillable_limit_price(
    pool: &crate::account::Pool<'_>,
    markets: &[Market],
    prices: &[crate::num::Price],
    position_index: usize,
    config: &FillablePriceConfig,
) -> Result<crate::num::Price> {
    Ramps { band: BandRamp::DydxFillable(*config), ..Ramps::OFF }.validate()?;
    let ctx = crate::pricing::context(pool, markets, prices, position_index)?;
    Ok(crate::num::Price(i64::try_from(fillable_limit(&ctx, config, ctx.mark)?).map_err(|_| Error::Overflow)?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    /// Base 1 %, cap 4 %, 100 units of grace, 10 ppm a unit. t = 0 and 99:
    /// 10,000 (grace). t = 100: 10,000 + 100 × 10 = 11,000 (the step at the
    /// grace's end). t = 1,000: 20,000 (mid). t = 3,000: 40,000 (at the cap).
    /// t = 10⁹: 40,000 (past it). A cap below the base: the base.
    #[test]
    fn fee_ramp_boundaries() {
        let r = FeeRamp { max_fee: Ppm(40_000), grace: 100, increase_per_unit: 10 };
        let f = |t| r.fee_at(Ppm(10_000), t).0;
        assert_eq!(
            (f(0), f(99), f(100), f(1_000), f(3_000), f(2_999), f(1_000_000_000)),
            (10_000, 10_000, 11_000, 20_000, 40_000, 39_990, 40_000)
        );
        assert_eq!(r.fee_at(Ppm(50_000), 5_000), Ppm(50_000));
        assert_eq!(FeeRamp::default().fee_at(Ppm(7), u64::MAX), Ppm(7));
        assert_eq!(FeeRamp { max_fee: Ppm::ONE, grace: 0, increase_per_unit: u32::MAX }.fee_at(Ppm(0), u64::MAX), Ppm::ONE);
    }

    /// Initial 10 %, 1,000 units to rise by 100 %: t = 0: 100,000; t = 450:
    /// 100,000 + ⌊450 × 10⁶ / 1,000⌋ = 550,000 (mid); t = 900: 1,000,000 (at
    /// the cap); t = 901 and later: 1,000,000. t = 1 with duration 3:
    /// ⌊10⁶ / 3⌋ = 333,333 (rounded down). Off: 100 %, no cap.
    #[test]
    fn fraction_ramp_boundaries() {
        let r = FractionRamp { initial: Ppm(100_000), duration: 1_000, full_below_shortage: Quote(50) };
        let f = |t| r.fraction_at(t).0;
        assert_eq!((f(0), f(450), f(899), f(900), f(901), f(u64::MAX)), (100_000, 550_000, 999_000, 1_000_000, 1_000_000, 1_000_000));
        assert_eq!(FractionRamp { initial: Ppm(0), duration: 3, full_below_shortage: Quote(0) }.fraction_at(1), Ppm(333_333));
        assert_eq!(r.cap_for(49, 0), None);
        assert_eq!(r.cap_for(50, 0), Some(Ppm(100_000)));
        assert_eq!(FractionRamp::default().cap_for(i128::MAX, 5), None);
    }

    /// Start 1 %, max 5 %, 400 units: t = 0: 10,000; t = 100: 10,000 +
    /// ⌊40,000 × 100 / 400⌋ = 20,000 (mid); t = 399: 10,000 + 39,900 =
    /// 49,900; t = 400 and later: 50,000. Duration 0: the max at once.
    #[test]
    fn dutch_band_boundaries() {
        let r = BandRamp::Dutch { start: Ppm(10_000), max: Ppm(50_000), duration: 400 };
        let f = |t| r.band_at(Ppm(1), t).0;
        assert_eq!((f(0), f(100), f(399), f(400), f(u64::MAX)), (10_000, 20_000, 49_900, 50_000, 50_000));
        assert_eq!(BandRamp::Dutch { start: Ppm(1), max: Ppm(2), duration: 0 }.band_at(Ppm(9), 0), Ppm(2));
        assert_eq!(BandRamp::Flat.band_at(Ppm(9), 77), Ppm(9));
    }

    #[test]
    fn validate_refuses_each_bad_part() {
        assert_eq!(Ramps::OFF.validate(), Ok(()));
        assert!(Ramps::default().is_off() && Ramps::OFF == Ramps::default());
        let bad = [
            Ramps { fee: FeeRamp { max_fee: Ppm(1_000_001), ..FeeRamp::default() }, ..Ramps::OFF },
            Ramps { fraction: FractionRamp { initial: Ppm(1_000_001), ..FractionRamp::default() }, ..Ramps::OFF },
            Ramps { fraction: FractionRamp { full_below_shortage: Quote(-1), ..FractionRamp::default() }, ..Ramps::OFF },
            Ramps { band: BandRamp::Dutch { start: Ppm(2), max: Ppm(1), duration: 1 }, ..Ramps::OFF },
            Ramps { band: BandRamp::Dutch { start: Ppm(0), max: Ppm(1_000_001), duration: 1 }, ..Ramps::OFF },
            Ramps {
                band: BandRamp::DydxFillable(FillablePriceConfig {
                    bankruptcy_adjustment_ppm: 1_000_000,
                    spread_to_maintenance_margin_ratio_ppm: 0,
                }),
                ..Ramps::OFF
            },
            Ramps {
                band: BandRamp::DydxFillable(FillablePriceConfig {
                    bankruptcy_adjustment_ppm: 999_999,
                    spread_to_maintenance_margin_ratio_ppm: 1,
                }),
                ..Ramps::OFF
            },
        ];
        for r in bad {
            assert_eq!(r.validate(), Err(Error::InvalidRamp), "{r:?}");
        }
        assert_eq!(Ramps::drift_v2(Ppm(50_000), Ppm(100_000), 150, 0), Err(Error::OutOfRange));
        let d = Ramps::drift_v2(Ppm(50_000), Ppm(100_000), 150, 1_000_000).unwrap();
        assert_eq!(d.fraction.full_below_shortage, Quote(50_000_000));
        assert_eq!((d.fee.grace, d.fee.increase_per_unit), (1_500, 1));
    }
}
