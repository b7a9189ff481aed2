//! Markets and their tiered margin requirements.
//!
//! A market fixes the units of its positions (quote exponent, lot step, tick)
//! and its risk parameters: margin tiers, the liquidation fee, its rounding
//! and its split, and the dust floor.
//!
//! # Tiered margin
//!
//! As on Binance, Hyperliquid or BitMEX, a bigger position pays a bigger
//! fraction: tier `n` applies to notionals in `[floor_n, floor_{n+1})` and has
//! an initial fraction `imf_n` and a maintenance fraction `mmf_n`. Applied
//! naively (`notional × mmf_n`) the requirement would jump at each floor, so
//! a cumulative deduction keeps it continuous:
//!
//! ```text
//! requirement(N) = N × mmf_n − deduction_n
//! deduction_n    = deduction_{n−1} + floor_n × (mmf_n − mmf_{n−1}),  deduction_0 = 0
//! ```
//!
//! (Binance calls the deduction the "maintenance amount" or `cum`.) The same
//! construction is applied to the initial fraction. The deduction is derived
//! from the tiers on every call and kept exact in quote·ppm units, so it can
//! never go stale or lose a fraction of a unit.
//!
//! # Rounding
//!
//! Requirements round **up** (toward more margin), position values round
//! **down** (toward less equity): both favour solvency. The liquidation fee
//! rounds **up** too unless the market says otherwise
//! ([`Market::liquidation_fee_rounding`]: a venue preset that reproduces a
//! venue which rounds its fee down, such as dYdX v4, sets `Floor`).

use crate::error::{Error, Result};
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};

/// Most margin tiers a market can have.
pub const MAX_TIERS: usize = 16;

/// One margin tier: from `notional_floor` (inclusive) up to the next tier's
/// floor, the position pays `initial` and `maintenance` fractions of its
/// notional, less the cumulative deduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct MarginTier {
    /// Lowest position notional (quote units) this tier applies to. Tier 0's is 0.
    pub notional_floor: Quote,
    /// Initial margin fraction: what opening or holding above this size costs.
    pub initial: Ppm,
    /// Maintenance margin fraction: below `notional × maintenance − deduction`
    /// of equity the position is liquidatable. At most `initial`.
    pub maintenance: Ppm,
}

/// Which of a tier's two fractions a requirement uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementKind {
    /// The initial margin requirement (opening, and the "initial" liquidation target).
    Initial,
    /// The maintenance margin requirement (the liquidation trigger).
    Maintenance,
}

impl MarginTier {
    fn fraction(&self, kind: RequirementKind) -> Ppm {
        match kind {
            RequirementKind::Initial => self.initial,
            RequirementKind::Maintenance => self.maintenance,
        }
    }
}

/// A perpetual (or spot-margin) market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Market {
    /// The engine's market id (informational; positions refer to markets by
    /// their index in the markets slice).
    pub id: u32,
    /// Decimal exponent `e`: `notional = size × price × 10^e` quote units.
    /// Must lie in `[-18, 18]`.
    pub quote_exponent: i32,
    /// Smallest tradable size increment (base units), > 0. Liquidation sizes
    /// are whole multiples of it (or the whole position).
    pub lot_step: Size,
    /// Smallest price increment (price units), > 0. Limit prices lie on it.
    pub tick: Price,
    /// Margin tiers; only the first `tier_count` are used.
    pub tiers: [MarginTier; MAX_TIERS],
    /// Number of tiers in use, `1..=MAX_TIERS`.
    pub tier_count: u32,
    /// Liquidation fee charged on the liquidated notional.
    pub liquidation_fee: Ppm,
    /// The liquidator's share of the liquidation fee; the rest goes to the
    /// insurance fund.
    pub liquidator_fee_share: Ppm,
    /// How the liquidation fee on a close's exact notional is rounded to a
    /// quote unit: [`Rounding::Ceil`] (the default, against the account) or
    /// [`Rounding::Floor`] (venues that round it down: dYdX v4's
    /// `BigIntMulPpm`, Perpetual Protocol v2's `mulRatio`). The fee is never
    /// negative, so `TowardZero` would be `Floor`: [`Market::validate`]
    /// rejects it ([`Error::InvalidFeeRounding`]), one spelling per rule.
    /// Sizing, planning and settlement all use it (one fee function).
    pub liquidation_fee_rounding: Rounding,
    /// A remainder whose notional is below this (quote units) is closed whole.
    pub dust_floor: Quote,
}

impl Market {
    /// A single-tier market with no fee (rounded up when set) and no dust
    /// floor: the usual starting point for building one. Not validated (call
    /// [`Market::validate`]).
    #[must_use]
    pub fn single_tier(quote_exponent: i32, lot_step: i64, tick: i64, initial: Ppm, maintenance: Ppm) -> Market {
        let mut tiers = [MarginTier::default(); MAX_TIERS];
        tiers[0] = MarginTier { notional_floor: Quote(0), initial, maintenance };
        Market {
            id: 0,
            quote_exponent,
            lot_step: Size(lot_step),
            tick: Price(tick),
            tiers,
            tier_count: 1,
            liquidation_fee: Ppm(0),
            liquidator_fee_share: Ppm(0),
            liquidation_fee_rounding: Rounding::Ceil,
            dust_floor: Quote(0),
        }
    }

    /// The same market with another quote exponent (not validated).
    #[must_use]
    pub fn with_exponent(mut self, quote_exponent: i32) -> Market {
        self.quote_exponent = quote_exponent;
        self
    }

    /// Replaces the tiers with `tiers` (errors if more than [`MAX_TIERS`]).
    pub fn with_tiers(mut self, tiers: &[MarginTier]) -> Result<Market> {
        if tiers.is_empty() || tiers.len() > MAX_TIERS {
            return Err(Error::InvalidTierCount);
        }
        self.tiers = [MarginTier::default(); MAX_TIERS];
        for (slot, t) in self.tiers.iter_mut().zip(tiers) {
            *slot = *t;
        }
        self.tier_count = u32::try_from(tiers.len()).map_err(|_| Error::InvalidTierCount)?;
        Ok(self)
    }

    /// Checks every parameter; each problem has its own error.
    ///
    /// Rejects: lot step or tick ≤ 0; quote exponent outside `[-18, 18]`;
    /// no tier or more than [`MAX_TIERS`]; a first tier not at 0; floors not
    /// strictly ascending; a fraction above 100 %; maintenance above initial;
    /// a fraction lower than the previous tier's; a negative dust floor; a
    /// fee or fee share above 100 %; a fee rounding other than `Ceil` or
    /// `Floor` ([`Error::InvalidFeeRounding`]).
    pub fn validate(&self) -> Result<()> {
        if self.lot_step.0 <= 0 {
            return Err(Error::InvalidLotStep);
        }
        if self.tick.0 <= 0 {
            return Err(Error::InvalidTick);
        }
        if !(-18..=18).contains(&self.quote_exponent) {
            return Err(Error::InvalidQuoteExponent);
        }
        if self.dust_floor.0 < 0 {
            return Err(Error::InvalidDustFloor);
        }
        self.liquidation_fee.at_most_one(Error::FractionAbove100Percent)?;
        self.liquidator_fee_share.at_most_one(Error::FractionAbove100Percent)?;
        if self.liquidation_fee_rounding == Rounding::TowardZero {
            return Err(Error::InvalidFeeRounding);
        }
        let tiers = self.active_tiers()?;
        let mut prev: Option<&MarginTier> = None;
        for t in tiers {
            t.initial.at_most_one(Error::FractionAbove100Percent)?;
            t.maintenance.at_most_one(Error::FractionAbove100Percent)?;
            if t.maintenance > t.initial {
                return Err(Error::MaintenanceAboveInitial);
            }
            match prev {
                None if t.notional_floor.0 != 0 => return Err(Error::FirstTierNotAtZero),
                None => {}
                Some(p) => {
                    if t.notional_floor <= p.notional_floor {
                        return Err(Error::TiersNotAscending);
                    }
                    if t.initial < p.initial || t.maintenance < p.maintenance {
                        return Err(Error::FractionsDecreasing);
                    }
                }
            }
            prev = Some(t);
        }
        Ok(())
    }

    /// The tiers in use.
    pub fn active_tiers(&self) -> Result<&[MarginTier]> {
        let n = usize::try_from(self.tier_count).map_err(|_| Error::InvalidTierCount)?;
        match self.tiers.get(..n) {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(Error::InvalidTierCount),
        }
    }

    /// `k = max(0, −e)`: exact notionals are integers over `10^k`.
    pub(crate) fn denominator_exponent(&self) -> u32 {
        if self.quote_exponent < 0 {
            self.quote_exponent.unsigned_abs()
        } else {
            0
        }
    }

    /// `k` of [`Self::denominator_exponent`], [`Error::Overflow`] when `10^k`
    /// is not an `i128` (as [`Self::notional_denominator`]).
    pub(crate) fn checked_denominator_exponent(&self) -> Result<u32> {
        num::checked_pow10_exponent(self.denominator_exponent())
    }

    /// `10^k`, the denominator of exact notionals (see [`Self::scaled_notional`]).
    pub(crate) fn notional_denominator(&self) -> Result<i128> {
        num::pow10(self.denominator_exponent())
    }

    /// `10^max(0, e)`, the multiplier of `size × price`.
    pub(crate) fn notional_multiplier(&self) -> Result<i128> {
        if self.quote_exponent > 0 {
            num::pow10(self.quote_exponent.unsigned_abs())
        } else {
            Ok(1)
        }
    }

    /// Exact signed notional `size × price × 10^e`, as an integer numerator
    /// over `10^k` (see [`Self::notional_denominator`]). No rounding.
    pub(crate) fn scaled_notional(&self, size: i128, price: i128) -> Result<i128> {
        let product = match (i64::try_from(size), i64::try_from(price)) {
            // Two i64s: the product fits i128 (no check needed).
            (Ok(s), Ok(p)) => num::wide_mul_i64(s, p),
            _ => num::mul(size, price)?,
        };
        if self.quote_exponent <= 0 {
            return Ok(product);
        }
        num::mul(product, self.notional_multiplier()?)
    }

    /// Signed notional `size × price × 10^e` in quote units, rounded as named.
    pub fn notional(&self, size: Size, price: Price, rounding: Rounding) -> Result<Quote> {
        Quote::from_i128(self.notional_i128(i128::from(size.0), i128::from(price.0), rounding)?)
    }

    /// [`Self::notional`] on `i128` figures (not narrowed to a quote amount).
    pub(crate) fn notional_i128(&self, size: i128, price: i128, rounding: Rounding) -> Result<i128> {
        num::div_pow10(self.scaled_notional(size, price)?, self.checked_denominator_exponent()?, rounding)
    }

    /// `|size × price × 10^e|` in quote units, rounded as named: what a
    /// close of `size` (either sign) takes from a notional budget.
    pub(crate) fn abs_notional(&self, size: i128, price: i128, rounding: Rounding) -> Result<i128> {
        let scaled = self.scaled_notional(size, price)?.checked_abs().ok_or(Error::Overflow)?;
        num::div_pow10(scaled, self.checked_denominator_exponent()?, rounding)
    }

    /// Mark value of a position: `size × price × 10^e + quote_balance`,
    /// rounded **down** (toward less equity).
    pub fn position_value(&self, size: Size, price: Price, quote_balance: Quote) -> Result<i128> {
        let n = self.notional_i128(i128::from(size.0), i128::from(price.0), Rounding::Floor)?;
        num::add(n, i128::from(quote_balance.0))
    }

    /// Index of the tier whose range holds the exact notional
    /// `scaled_abs / 10^k` (a non-negative numerator).
    pub(crate) fn tier_index_scaled(&self, scaled_abs: i128) -> Result<usize> {
        let den = self.notional_denominator()?;
        let mut idx = 0usize;
        for (i, t) in self.active_tiers()?.iter().enumerate() {
            // notional ≥ floor  ⇔  scaled ≥ floor × 10^k (exact)
            if scaled_abs >= num::mul(i128::from(t.notional_floor.0), den)? {
                idx = i;
            } else {
                break;
            }
        }
        Ok(idx)
    }

    /// Fraction and cumulative deduction (quote·ppm units, exact) of tier `idx`.
    pub(crate) fn tier_terms(&self, idx: usize, kind: RequirementKind) -> Result<(Ppm, i128)> {
        let tiers = self.active_tiers()?;
        let tier = tiers.get(idx).ok_or(Error::OutOfRange)?;
        let mut deduction: i128 = 0;
        let mut prev_fraction: i128 = 0;
        for t in tiers.iter().take(idx.checked_add(1).ok_or(Error::Overflow)?) {
            let f = i128::from(t.fraction(kind).0);
            // deduction_n = deduction_{n−1} + floor_n × (f_n − f_{n−1})
            deduction = num::add(deduction, num::mul(i128::from(t.notional_floor.0), num::sub(f, prev_fraction)?)?)?;
            prev_fraction = f;
        }
        Ok((tier.fraction(kind), deduction))
    }

    /// Exact requirement numerator over `10^k × 1e6` for a scaled absolute
    /// notional: `scaled × f − deduction × 10^k` (never negative for a valid
    /// market, by continuity).
    pub(crate) fn requirement_scaled(&self, scaled_abs: i128, kind: RequirementKind) -> Result<i128> {
        let idx = self.tier_index_scaled(scaled_abs)?;
        let (f, deduction) = self.tier_terms(idx, kind)?;
        num::sub(num::mul(scaled_abs, i128::from(f.0))?, num::mul(deduction, self.notional_denominator()?)?)
    }

    /// Margin requirement of a position of `size` at `price`, in quote
    /// units, tier-aware, rounded **up**: `ceil(|N| × f_tier − deduction_tier)`.
    pub fn requirement(&self, size: Size, price: Price, kind: RequirementKind) -> Result<Quote> {
        Quote::from_i128(self.requirement_i128(i128::from(size.0), i128::from(price.0), kind)?)
    }

    pub(crate) fn requirement_i128(&self, size: i128, price: i128, kind: RequirementKind) -> Result<i128> {
        let scaled_abs = self.scaled_notional(size, price)?.checked_abs().ok_or(Error::Overflow)?;
        let num_ = self.requirement_scaled(scaled_abs, kind)?;
        // Over 10^k × 10^6 = 10^(k + 6) (an i128: k + 6 ≤ 38).
        num::div_pow10(num_, num::checked_pow10_exponent(self.denominator_exponent().saturating_add(6))?, Rounding::Ceil)
    }

    /// `(initial, maintenance)` requirements of a position of exact scaled
    /// absolute notional `scaled_abs` (see [`Self::scaled_notional`]), each
    /// as [`Self::requirement`] computes it (rounded up), with the tier found
    /// once for both.
    pub(crate) fn requirements_scaled_abs(&self, scaled_abs: i128) -> Result<(i128, i128)> {
        let tiers = self.active_tiers()?;
        let (f_i, f_m, ded_i, ded_m) = match tiers {
            // One tier (floor 0, checked by `validate`; the general path
            // below reads it the same way): no deduction.
            [t] if t.notional_floor.0 == 0 => (i128::from(t.initial.0), i128::from(t.maintenance.0), 0, 0),
            _ => {
                let idx = self.tier_index_scaled(scaled_abs)?;
                let (fi, di) = self.tier_terms(idx, RequirementKind::Initial)?;
                let (fm, dm) = self.tier_terms(idx, RequirementKind::Maintenance)?;
                (i128::from(fi.0), i128::from(fm.0), di, dm)
            }
        };
        let den = self.notional_denominator()?;
        // The requirement's denominator 10^(k + 6) is an i128 (k + 6 ≤ 38).
        let e = num::checked_pow10_exponent(self.denominator_exponent().saturating_add(6))?;
        let num_i = num::sub(num::mul(scaled_abs, f_i)?, num::mul(ded_i, den)?)?;
        let num_m = num::sub(num::mul(scaled_abs, f_m)?, num::mul(ded_m, den)?)?;
        Ok((num::div_pow10(num_i, e, Rounding::Ceil)?, num::div_pow10(num_m, e, Rounding::Ceil)?))
    }

    /// Maintenance margin requirement (rounded up). See [`Self::requirement`].
    pub fn maintenance_requirement(&self, size: Size, price: Price) -> Result<Quote> {
        self.requirement(size, price, RequirementKind::Maintenance)
    }

    /// Initial margin requirement (rounded up). See [`Self::requirement`].
    pub fn initial_requirement(&self, size: Size, price: Price) -> Result<Quote> {
        self.requirement(size, price, RequirementKind::Initial)
    }

    /// The cumulative maintenance deduction of tier `idx` in quote units,
    /// rounded down (Binance's "maintenance amount"; display only).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for `idx` not below the market's tier count;
    /// the market's own validation errors; [`Error::Overflow`].
    pub fn maintenance_deduction(&self, idx: usize) -> Result<Quote> {
        let (_, d) = self.tier_terms(idx, RequirementKind::Maintenance)?;
        Quote::from_i128(num::div_round(d, PPM, Rounding::Floor)?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    /// Binance's historic BTCUSDT brackets (cap, MMR, cum):
    /// 50k/0.4 %/0; 250k/0.5 %/50; 1M/1 %/1,300; 5M/2.5 %/16,300.
    pub(crate) fn binance_btc() -> Market {
        let t = |floor: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(floor), initial: Ppm(im), maintenance: Ppm(mm) };
        Market::single_tier(0, 1, 1, Ppm(8_000), Ppm(4_000))
            .with_tiers(&[t(0, 8_000, 4_000), t(50_000, 10_000, 5_000), t(250_000, 20_000, 10_000), t(1_000_000, 50_000, 25_000)])
            .unwrap()
    }

    #[test]
    fn deductions_match_binance_cum() {
        let m = binance_btc();
        m.validate().unwrap();
        // cum_1 = 0 + 50,000 × (0.5 % − 0.4 %) = 50
        // cum_2 = 50 + 250,000 × (1 % − 0.5 %) = 1,300
        // cum_3 = 1,300 + 1,000,000 × (2.5 % − 1 %) = 16,300
        let cums: [i64; 4] = [0, 50, 1_300, 16_300];
        for (i, c) in cums.iter().enumerate() {
            assert_eq!(m.maintenance_deduction(i).unwrap(), Quote(*c));
        }
    }

    #[test]
    fn requirement_is_continuous_at_tier_floors() {
        let m = binance_btc();
        // At 50,000 exactly: tier 1: 50,000 × 0.5 % − 50 = 200 = 50,000 × 0.4 %.
        assert_eq!(m.maintenance_requirement(Size(50_000), Price(1)).unwrap(), Quote(200));
        // Just below: tier 0: 49,999 × 0.4 % = 199.996 → ceil 200.
        assert_eq!(m.maintenance_requirement(Size(49_999), Price(1)).unwrap(), Quote(200));
        // 300,000 in tier 2: 300,000 × 1 % − 1,300 = 1,700.
        assert_eq!(m.maintenance_requirement(Size(300_000), Price(1)).unwrap(), Quote(1_700));
        // Shorts pay the same: |N| is used.
        assert_eq!(m.maintenance_requirement(Size(-300_000), Price(1)).unwrap(), Quote(1_700));
        // Initial: 300,000 × 2 % − (50,000 × 0.2 % + 250,000 × 1 %) = 6,000 − 2,600 = 3,400.
        assert_eq!(m.initial_requirement(Size(300_000), Price(1)).unwrap(), Quote(3_400));
    }

    #[test]
    fn negative_and_positive_exponents() {
        // e = −8: 1 BTC = 1e8 sats at price 30,000 → notional 30,000 × 1e8 × 1e-8 = 30,000.
        let m = Market::single_tier(-8, 1, 1, Ppm(100_000), Ppm(50_000));
        assert_eq!(m.notional(Size(100_000_000), Price(30_000), Rounding::Floor).unwrap(), Quote(30_000));
        // 1 sat at 30,000 → 0.0003 → floor 0, ceil 1; value of a short rounds down to −1.
        assert_eq!(m.notional(Size(1), Price(30_000), Rounding::Floor).unwrap(), Quote(0));
        assert_eq!(m.notional(Size(1), Price(30_000), Rounding::Ceil).unwrap(), Quote(1));
        assert_eq!(m.position_value(Size(-1), Price(30_000), Quote(0)).unwrap(), -1);
        // MM of 1 sat: 0.0003 × 5 % = 0.000015 → ceil 1.
        assert_eq!(m.maintenance_requirement(Size(1), Price(30_000)).unwrap(), Quote(1));
        // e = +3: 7 × 11 × 1,000 = 77,000.
        let m = Market::single_tier(3, 1, 1, Ppm(100_000), Ppm(50_000));
        assert_eq!(m.notional(Size(-7), Price(11), Rounding::Floor).unwrap(), Quote(-77_000));
        // 77,000 × 5 % = 3,850.
        assert_eq!(m.maintenance_requirement(Size(-7), Price(11)).unwrap(), Quote(3_850));
    }

    #[test]
    fn extremes_overflow_as_errors() {
        let m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        // i64::MAX × i64::MAX fits i128, but not the i64 quote edge.
        assert_eq!(m.notional(Size(i64::MAX), Price(i64::MAX), Rounding::Floor), Err(Error::Overflow));
        // ... and times a ppm fraction it does not fit i128.
        assert_eq!(m.maintenance_requirement(Size(i64::MIN), Price(i64::MAX)), Err(Error::Overflow));
        // i64::MAX × 1 at 5 % = 461,168,601,842,738,790.35 → ceil ...791.
        assert_eq!(m.maintenance_requirement(Size(i64::MAX), Price(1)).unwrap(), Quote(461_168_601_842_738_791));
        let m = Market::single_tier(18, 1, 1, Ppm(100_000), Ppm(50_000));
        assert_eq!(m.notional(Size(i64::MAX), Price(i64::MAX), Rounding::Floor), Err(Error::Overflow));
    }

    #[test]
    fn validate_each_error() {
        let ok = binance_btc();
        ok.validate().unwrap();
        let mut m = ok;
        m.lot_step = Size(0);
        assert_eq!(m.validate(), Err(Error::InvalidLotStep));
        m.lot_step = Size(-1);
        assert_eq!(m.validate(), Err(Error::InvalidLotStep));
        let mut m = ok;
        m.tick = Price(0);
        assert_eq!(m.validate(), Err(Error::InvalidTick));
        let mut m = ok;
        m.quote_exponent = 19;
        assert_eq!(m.validate(), Err(Error::InvalidQuoteExponent));
        let mut m = ok;
        m.tier_count = 0;
        assert_eq!(m.validate(), Err(Error::InvalidTierCount));
        m.tier_count = 17;
        assert_eq!(m.validate(), Err(Error::InvalidTierCount));
        let mut m = ok;
        m.tiers[0].notional_floor = Quote(1);
        assert_eq!(m.validate(), Err(Error::FirstTierNotAtZero));
        let mut m = ok;
        m.tiers[2].notional_floor = Quote(50_000);
        assert_eq!(m.validate(), Err(Error::TiersNotAscending));
        let mut m = ok;
        m.tiers[1].maintenance = Ppm(20_000);
        assert_eq!(m.validate(), Err(Error::MaintenanceAboveInitial));
        let mut m = ok;
        m.tiers[3].initial = Ppm(1_000_001);
        assert_eq!(m.validate(), Err(Error::FractionAbove100Percent));
        let mut m = ok;
        m.tiers[2].initial = Ppm(9_000);
        m.tiers[2].maintenance = Ppm(9_000);
        assert_eq!(m.validate(), Err(Error::FractionsDecreasing));
        let mut m = ok;
        m.dust_floor = Quote(-1);
        assert_eq!(m.validate(), Err(Error::InvalidDustFloor));
        let mut m = ok;
        m.liquidation_fee = Ppm(2_000_000);
        assert_eq!(m.validate(), Err(Error::FractionAbove100Percent));
        let mut m = ok;
        m.liquidation_fee_rounding = Rounding::TowardZero;
        assert_eq!(m.validate(), Err(Error::InvalidFeeRounding));
        m.liquidation_fee_rounding = Rounding::Floor;
        m.validate().unwrap();
        assert_eq!(ok.liquidation_fee_rounding, Rounding::Ceil);
        assert_eq!(ok.with_tiers(&[]), Err(Error::InvalidTierCount));
        assert_eq!(ok.with_tiers(&[MarginTier::default(); 17]), Err(Error::InvalidTierCount));
    }
}
