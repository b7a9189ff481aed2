//! Collateral assets: token balances valued with haircuts.
//!
//! A unified margin account holds token balances besides its perpetual
//! positions: **deposits** (> 0) count towards its collateral, **borrows**
//! (< 0) against it. Each balance is in the asset's own smallest unit, and an
//! asset's price is a mantissa with the asset's quote exponent `e`, as for
//! markets: `value = amount × price × 10^e` quote units.
//!
//! # Weights
//!
//! A deposit is not worth its full value as collateral: it may fall before it
//! can be sold. Its **asset weight** (≤ 100 %) is the haircut: 80 % means a
//! deposit worth 1,000 backs 800 of requirements. A borrow costs more than its
//! value: its **liability weight** (≥ 100 %) adds a cushion against the price
//! rising before it is repaid. Each has an initial and a maintenance value,
//! ordered so that the initial level is the stricter one (Mango v4's
//! `TokenInfo`, Drift v2's spot market weights):
//!
//! ```text
//! initial asset ≤ maintenance asset ≤ 100 % ≤ maintenance liability ≤ initial liability
//! ```
//!
//! # Size discount and premium
//!
//! A large deposit cannot be sold at its price, and a large borrow cannot be
//! bought back at it. With an IMF factor `imf` (ppm), Drift's √size form
//! scales the weights with the size `S` in whole units of the asset
//! (`imf_unit` smallest units each):
//!
//! ```text
//! asset weight     = min(w, 1.1 / (1 + imf × √S))
//! liability weight = max(w, 0.8 × w + imf × √S)
//! ```
//!
//! `√S` is irrational in general; partliq uses the exact integer square root
//! `⌈√(|amount| × imf_unit)⌉ / imf_unit` (at least `√S`), so both weights
//! move against the account, and rounds each weight to whole ppm against the
//! account too (asset weights down, liability weights up).
//!
//! # Rounding
//!
//! A deposit's weighted value is `⌊amount × price × 10^e × w / 1e6⌋` (down);
//! a borrow's weighted liability is `⌈|amount| × price × 10^e × w / 1e6⌉`
//! (up): one rounding each, against the account.

use crate::error::{Error, Result};
use crate::num::{self, Ppm, Price, Rounding, PPM};

/// `1.1` in ppm: the numerator of Drift's size-discount weight.
const DISCOUNT_NUMERATOR: i128 = 1_100_000;
/// `0.8` in ppm: the share of the base weight Drift's size premium keeps.
const PREMIUM_BASE_SHARE: i128 = 800_000;

/// Which level of weights applies (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightLevel {
    /// The initial weights: opening positions, withdrawing, the initial target.
    Initial,
    /// The maintenance weights: the liquidation trigger.
    Maintenance,
}

/// A collateral asset (a spot token): its units and its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Asset {
    /// The engine's asset id (informational; balances name assets by index).
    pub id: u32,
    /// Decimal exponent `e`: `value = amount × price × 10^e` quote units, in
    /// `[-18, 18]`.
    pub quote_exponent: i32,
    /// Initial asset weight (≤ 100 %).
    pub initial_asset_weight: Ppm,
    /// Maintenance asset weight (≥ the initial one, ≤ 100 %).
    pub maintenance_asset_weight: Ppm,
    /// Initial liability weight (≥ the maintenance one).
    pub initial_liability_weight: Ppm,
    /// Maintenance liability weight (≥ 100 %).
    pub maintenance_liability_weight: Ppm,
    /// Drift's IMF factor for the size discount and premium, ppm per √unit;
    /// 0 turns both off.
    pub imf_factor: Ppm,
    /// Smallest units in one whole unit of the asset, for the size term
    /// (e.g. 10⁹ for SOL in lamports); > 0.
    pub imf_unit: i64,
}

/// A token balance of an account: a deposit (> 0) or a borrow (< 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct AssetBalance {
    /// Index of the asset in the assets slice.
    pub asset_index: u32,
    /// Signed amount in the asset's smallest unit.
    pub amount: i64,
}

impl Asset {
    /// An asset worth its full value at every level (the quote asset: price
    /// 1 with exponent 0 values one unit as one quote unit).
    #[must_use]
    pub fn at_par(quote_exponent: i32) -> Asset {
        Asset {
            id: 0,
            quote_exponent,
            initial_asset_weight: Ppm::ONE,
            maintenance_asset_weight: Ppm::ONE,
            initial_liability_weight: Ppm::ONE,
            maintenance_liability_weight: Ppm::ONE,
            imf_factor: Ppm(0),
            imf_unit: 1,
        }
    }

    /// An asset with the given initial and maintenance weights, no size term.
    #[must_use]
    pub fn weighted(quote_exponent: i32, asset: (Ppm, Ppm), liability: (Ppm, Ppm)) -> Asset {
        Asset {
            initial_asset_weight: asset.0,
            maintenance_asset_weight: asset.1,
            initial_liability_weight: liability.0,
            maintenance_liability_weight: liability.1,
            ..Asset::at_par(quote_exponent)
        }
    }

    /// Checks every parameter; each problem has its own error.
    ///
    /// Rejects: a quote exponent outside `[-18, 18]`; an asset weight above
    /// 100 % ([`Error::AssetWeightAbove100Percent`]); a liability weight
    /// below 100 % ([`Error::LiabilityWeightBelow100Percent`]); an initial
    /// weight less strict than the maintenance one
    /// ([`Error::WeightsOutOfOrder`]); an IMF unit ≤ 0
    /// ([`Error::InvalidImfUnit`]).
    pub fn validate(&self) -> Result<()> {
        if !(-18..=18).contains(&self.quote_exponent) {
            return Err(Error::InvalidQuoteExponent);
        }
        if self.maintenance_asset_weight > Ppm::ONE || self.initial_asset_weight > Ppm::ONE {
            return Err(Error::AssetWeightAbove100Percent);
        }
        if self.maintenance_liability_weight < Ppm::ONE || self.initial_liability_weight < Ppm::ONE {
            return Err(Error::LiabilityWeightBelow100Percent);
        }
        if self.initial_asset_weight > self.maintenance_asset_weight || self.initial_liability_weight < self.maintenance_liability_weight {
            return Err(Error::WeightsOutOfOrder);
        }
        if self.imf_unit <= 0 {
            return Err(Error::InvalidImfUnit);
        }
        Ok(())
    }

    /// `10^max(0, e)` and `10^max(0, −e)`: value numerator multiplier and
    /// denominator.
    fn scale(&self) -> Result<(i128, i128)> {
        let e = self.quote_exponent;
        let up = if e > 0 { num::pow10(e.unsigned_abs())? } else { 1 };
        let down = if e < 0 { num::pow10(e.unsigned_abs())? } else { 1 };
        Ok((up, down))
    }

    /// `⌈√(|amount| × imf_unit)⌉`: `imf_unit × √S` rounded up (`S` the size
    /// in whole units).
    fn root_size(&self, amount: i128) -> Result<i128> {
        let n = num::mul(amount.checked_abs().ok_or(Error::Overflow)?, i128::from(self.imf_unit))?;
        num::isqrt(n, Rounding::Ceil)
    }

    /// The asset weight of a deposit of `amount` at `level` (ppm, rounded
    /// down): the level's weight, lowered by the size discount.
    pub fn asset_weight(&self, amount: i128, level: WeightLevel) -> Result<Ppm> {
        let root = self.root_if_sized(amount)?;
        self.discounted(self.level_weights(level).0, root)
    }

    /// The liability weight of a borrow of `amount` at `level` (ppm, rounded
    /// up): the level's weight, raised by the size premium.
    pub fn liability_weight(&self, amount: i128, level: WeightLevel) -> Result<Ppm> {
        let root = self.root_if_sized(amount)?;
        self.premium(self.level_weights(level).1, root)
    }

    /// `(asset weight, liability weight)` of a level.
    fn level_weights(&self, level: WeightLevel) -> (Ppm, Ppm) {
        match level {
            WeightLevel::Initial => (self.initial_asset_weight, self.initial_liability_weight),
            WeightLevel::Maintenance => (self.maintenance_asset_weight, self.maintenance_liability_weight),
        }
    }

    /// The size term `⌈√(|amount| × imf_unit)⌉`, or `None` when there is no
    /// size term (no IMF factor, or nothing held).
    fn root_if_sized(&self, amount: i128) -> Result<Option<i128>> {
        if self.imf_factor.0 == 0 || amount == 0 {
            return Ok(None);
        }
        self.root_size(amount).map(Some)
    }

    /// `min(w, 1.1 / (1 + imf·√S))` in ppm, rounded down:
    /// `1.1e6 × 1e6 × unit / (1e6 × unit + imf × r)`.
    fn discounted(&self, w: Ppm, root: Option<i128>) -> Result<Ppm> {
        let Some(r) = root else { return Ok(w) };
        let unit = i128::from(self.imf_unit);
        let den = num::add(num::mul(PPM, unit)?, num::mul(i128::from(self.imf_factor.0), r)?)?;
        let discount = num::mul_div(num::mul(DISCOUNT_NUMERATOR, PPM)?, unit, den, Rounding::Floor)?;
        Ok(if discount < i128::from(w.0) { Ppm(u32::try_from(discount).map_err(|_| Error::Overflow)?) } else { w })
    }

    /// `max(w, 0.8 × w + imf × r / unit)` in ppm, each part rounded up.
    fn premium(&self, w: Ppm, root: Option<i128>) -> Result<Ppm> {
        let Some(r) = root else { return Ok(w) };
        let base = num::mul_div(i128::from(w.0), PREMIUM_BASE_SHARE, PPM, Rounding::Ceil)?;
        let size = num::mul_div(i128::from(self.imf_factor.0), r, i128::from(self.imf_unit), Rounding::Ceil)?;
        let premium = num::add(base, size)?;
        Ok(if premium > i128::from(w.0) { Ppm(u32::try_from(premium).map_err(|_| Error::Overflow)?) } else { w })
    }

    /// Unweighted value of `amount` at `price`, rounded as named.
    pub fn value(&self, amount: i128, price: Price, rounding: Rounding) -> Result<i128> {
        let (up, down) = self.scale()?;
        // The product in 64 bits when it fits (the same integer as the
        // i128 product below; the division's own i64 path follows).
        if let Some(n) = product_i64(amount, price, up) {
            return num::div_round(i128::from(n), down, rounding);
        }
        num::div_round(num::mul(num::mul(amount, i128::from(price.0))?, up)?, down, rounding)
    }

    /// What a balance adds to the collateral at `level`: a deposit's value
    /// times its asset weight, rounded down; a borrow's value times its
    /// liability weight, negative, rounded down (its magnitude up).
    pub fn weighted_value(&self, amount: i128, price: Price, level: WeightLevel) -> Result<i128> {
        let root = self.root_if_sized(amount)?;
        let w =
            if amount > 0 { self.discounted(self.level_weights(level).0, root)? } else { self.premium(self.level_weights(level).1, root)? };
        self.value_at_weight(amount, price, w)
    }

    /// A balance's figures at once (the size term computed once): its
    /// unweighted value (rounded down) and its weighted values at the
    /// initial and maintenance levels, as [`Self::value`] and
    /// [`Self::weighted_value`] give them.
    pub fn figures(&self, amount: i128, price: Price) -> Result<BalanceFigures> {
        check_price(price)?;
        if amount == 0 {
            return Ok(BalanceFigures::default());
        }
        let (wi, wm, up, down) = self.weights_and_scale(amount)?;
        match figures_i64(amount, price, up, down, wi, wm) {
            Some(f) => Ok(f),
            None => figures_i128(amount, price, up, down, wi, wm),
        }
    }

    /// [`Self::figures`]' weighted value at one level (`initial`: the
    /// initial one, else the maintenance one): the same figure, and the
    /// same errors (when the 64-bit path does not hold both levels, it is
    /// [`Self::figures`] itself).
    pub(crate) fn level_figure(&self, amount: i128, price: Price, initial: bool) -> Result<i128> {
        check_price(price)?;
        if amount == 0 {
            return Ok(0);
        }
        let (wi, wm, up, down) = self.weights_and_scale(amount)?;
        let w = if initial { wi } else { wm };
        // [`figures_i64`] holds both levels exactly when the larger weight's
        // product fits; then its figure at `w` is this one.
        let fast = || -> Option<i64> {
            let (up, down) = (i64::try_from(up).ok()?, i64::try_from(down).ok()?);
            let n = product_i64(amount, price, i128::from(up))?;
            n.checked_mul(i64::from(wi.0.max(wm.0)))?;
            weighted_i64(n, down, w)
        };
        match fast() {
            Some(v) => Ok(i128::from(v)),
            None => figures_i128(amount, price, up, down, wi, wm).map(|f| if initial { f.initial } else { f.maintenance }),
        }
    }

    /// A balance's two weights (its side's, the size term computed once)
    /// and the asset's scale, as [`Self::figures`] finds them (`amount ≠ 0`).
    fn weights_and_scale(&self, amount: i128) -> Result<(Ppm, Ppm, i128, i128)> {
        let root = self.root_if_sized(amount)?;
        let (wi, wm) = if amount > 0 {
            (self.discounted(self.initial_asset_weight, root)?, self.discounted(self.maintenance_asset_weight, root)?)
        } else {
            (self.premium(self.initial_liability_weight, root)?, self.premium(self.maintenance_liability_weight, root)?)
        };
        // One division of the exact value n / 10^k into q and 0 ≤ r < 10^k;
        // then ⌊n × w / (10^k × 1e6)⌋ = ⌊(q × w + ⌊r × w / 10^k⌋) / 1e6⌋ (the
        // dropped fraction is below one unit of an integer numerator), in
        // narrower divisions (the 128-bit path; the 64-bit one divides
        // n × w at once).
        let (up, down) = self.scale()?;
        Ok((wi, wm, up, down))
    }

    /// `⌊amount × price × 10^e × w / 1e6⌋`, one rounding.
    fn value_at_weight(&self, amount: i128, price: Price, w: Ppm) -> Result<i128> {
        check_price(price)?;
        if amount == 0 {
            return Ok(0);
        }
        let (up, down) = self.scale()?;
        let n = num::mul(num::mul(num::mul(amount, i128::from(price.0))?, up)?, i128::from(w.0))?;
        num::div_round(n, num::mul(down, PPM)?, Rounding::Floor)
    }
}

/// `amount × price × up` when every factor and the product fit an `i64`.
fn product_i64(amount: i128, price: Price, up: i128) -> Option<i64> {
    i64::try_from(amount).ok()?.checked_mul(price.0)?.checked_mul(i64::try_from(up).ok()?)
}

/// [`Asset::figures`]' arithmetic after the weights (`up`, `down` the
/// asset's scale; `wi`, `wm` the balance's weights at the two levels).
fn figures_i128(amount: i128, price: Price, up: i128, down: i128, wi: Ppm, wm: Ppm) -> Result<BalanceFigures> {
    let n = num::mul(num::mul(amount, i128::from(price.0))?, up)?;
    let q = num::div_round(n, down, Rounding::Floor)?;
    let r = num::sub(n, num::mul(q, down)?)?;
    let weighted = |w: Ppm| -> Result<i128> {
        let w = i128::from(w.0);
        let carry = num::div_round(num::mul(r, w)?, down, Rounding::Floor)?;
        num::div_round(num::add(num::mul(q, w)?, carry)?, PPM, Rounding::Floor)
    };
    Ok(BalanceFigures { value: q, initial: weighted(wi)?, maintenance: weighted(wm)? })
}

/// [`figures_i128`] in 64 bits: the same integers, `q = ⌊n / down⌋`
/// (`n = amount × price × up`, `down > 0`) and each weighted value
/// `⌊n × w / (down × 1e6)⌋` in one division ([`weighted_i64`]), which is
/// [`figures_i128`]'s `⌊(q × w + ⌊r × w / down⌋) / 1e6⌋` (`r = n − q ×
/// down`): `n × w / (down × 1e6) = (q × w + r × w / down) / 1e6`, and
/// `⌊(a + x) / m⌋ = ⌊(a + ⌊x⌋) / m⌋` for an integer `a` and `m > 0`.
/// Floors are Euclidean quotients (the same for a positive divisor);
/// `None` when a product would not fit an `i64` (the caller's `i128` path
/// then computes them, or its error). The unit tests compare the two.
fn figures_i64(amount: i128, price: Price, up: i128, down: i128, wi: Ppm, wm: Ppm) -> Option<BalanceFigures> {
    let (up, down) = (i64::try_from(up).ok()?, i64::try_from(down).ok()?);
    if down <= 0 {
        return None;
    }
    let n = product_i64(amount, price, i128::from(up))?;
    let q = n.checked_div_euclid(down)?;
    Some(BalanceFigures {
        value: i128::from(q),
        initial: i128::from(weighted_i64(n, down, wi)?),
        maintenance: i128::from(weighted_i64(n, down, wm)?),
    })
}

/// `⌊n × w / (down × 1e6)⌋` in 64 bits (`down > 0`), or `None` when a
/// product does not fit.
fn weighted_i64(n: i64, down: i64, w: Ppm) -> Option<i64> {
    const PPM_64: i64 = 1_000_000;
    if down <= 0 {
        return None;
    }
    n.checked_mul(i64::from(w.0))?.checked_div_euclid(down.checked_mul(PPM_64)?)
}

/// A balance's figures (see [`Asset::figures`]), in quote units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BalanceFigures {
    /// Unweighted value, rounded down.
    pub value: i128,
    /// Weighted at the initial level, rounded down.
    pub initial: i128,
    /// Weighted at the maintenance level, rounded down.
    pub maintenance: i128,
}

/// [`Error::MissingPrice`] for a zero price, [`Error::NegativePrice`] below.
fn check_price(price: Price) -> Result<()> {
    match price.0 {
        0 => Err(Error::MissingPrice),
        p if p < 0 => Err(Error::NegativePrice),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn sol() -> Asset {
        // 1 SOL = 1e9 lamports; price in micro-USD per SOL with e = −9 gives
        // micro-USD: 1e9 lamports × 100,000,000 × 1e-9 = 100,000,000 (= $100).
        Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))
    }

    #[test]
    fn weighted_values_by_hand() {
        let a = sol();
        a.validate().unwrap();
        let p = Price(100_000_000);
        // 1.5 SOL deposit: 150,000,000 × 0.8 = 120,000,000 (initial), × 0.9 = 135,000,000.
        assert_eq!(a.weighted_value(1_500_000_000, p, WeightLevel::Initial).unwrap(), 120_000_000);
        assert_eq!(a.weighted_value(1_500_000_000, p, WeightLevel::Maintenance).unwrap(), 135_000_000);
        // 1 lamport borrow: value 0.1 micro-USD × 1.2 = 0.12 → −1 (magnitude up).
        assert_eq!(a.weighted_value(-1, p, WeightLevel::Initial).unwrap(), -1);
        // 1 lamport deposit: 0.1 × 0.8 = 0.08 → 0 (down).
        assert_eq!(a.weighted_value(1, p, WeightLevel::Initial).unwrap(), 0);
        // 2 SOL borrow: −200,000,000 × 1.1 = −220,000,000 (maintenance).
        assert_eq!(a.weighted_value(-2_000_000_000, p, WeightLevel::Maintenance).unwrap(), -220_000_000);
        assert_eq!(a.weighted_value(1, Price(0), WeightLevel::Initial), Err(Error::MissingPrice));
        // All at once: 1.5 SOL = 150,000,000 unweighted.
        let f = a.figures(1_500_000_000, p).unwrap();
        assert_eq!((f.value, f.initial, f.maintenance), (150_000_000, 120_000_000, 135_000_000));
        assert_eq!(a.figures(0, Price(-1)), Err(Error::NegativePrice));
    }

    #[test]
    fn size_discount_and_premium_by_hand() {
        // Drift's first spot test market: initial weights 90 % / 110 %, 6
        // decimals (imf_unit 1e6), imf 10,000 ppm (0.01), 1,000 tokens:
        // √S = √1,000 = 31.6227766…; r = ⌈√(1e9 × 1e6)⌉ = ⌈31,622,776.6…⌉ = 31,622,777.
        let mut a = Asset::weighted(-6, (Ppm(900_000), Ppm(900_000)), (Ppm(1_100_000), Ppm(1_100_000)));
        a.imf_factor = Ppm(10_000);
        a.imf_unit = 1_000_000;
        a.validate().unwrap();
        // discount = 1.1e12 × 1e6 / (1e12 + 10,000 × 31,622,777) = 1.1e24 / 1,316,227,770,000
        //          = 835,721.61… → 835,721 (down; the exact 1.1e6 / (1 + 0.01 × √1,000)
        //          is 835,721.62…; Drift's bps truncations give 8357 bps = 835,700).
        assert_eq!(a.asset_weight(1_000_000_000, WeightLevel::Initial).unwrap(), Ppm(835_721));
        // premium = ⌈0.8 × 1,100,000⌉ + ⌈10,000 × 31,622,777 / 1e6⌉ = 880,000 + 316,228 = 1,196,228
        // (exact 1,196,227.77; Drift's 11962 bps = 1,196,200).
        assert_eq!(a.liability_weight(-1_000_000_000, WeightLevel::Initial).unwrap(), Ppm(1_196_228));
        // Small sizes keep the base weight: 1 token, r = √(1e6 × 1e6) = 1e6:
        // discount = 1.1e18 / (1e12 + 1e10) = 1,089,108 > 900,000 → 900,000.
        assert_eq!(a.asset_weight(1_000_000, WeightLevel::Initial).unwrap(), Ppm(900_000));
        // premium = 880,000 + 10,000 = 890,000 < 1,100,000 → 1,100,000.
        assert_eq!(a.liability_weight(-1_000_000, WeightLevel::Initial).unwrap(), Ppm(1_100_000));
    }

    proptest::proptest! {
        /// The one-pass figures equal the figures one at a time.
        #[test]
        fn figures_are_the_separate_figures(
            e in -18i32..=6,
            amount in -1_000_000_000_000_000i128..=1_000_000_000_000_000,
            price in 1i64..=1_000_000_000_000,
            w in (0u32..=1_000_000, 0u32..=1_000_000, 1_000_000u32..=4_000_000, 1_000_000u32..=4_000_000),
            imf in 0u32..=100_000,
            unit_exp in 0u32..=12,
        ) {
            let mut a = Asset::weighted(e, (Ppm(w.0.min(w.1)), Ppm(w.0.max(w.1))), (Ppm(w.2.max(w.3)), Ppm(w.2.min(w.3))));
            a.imf_factor = Ppm(imf);
            a.imf_unit = 10i64.pow(unit_exp);
            let p = Price(price);
            let separate = (|| -> Result<BalanceFigures> {
                Ok(BalanceFigures {
                    value: a.value(amount, p, Rounding::Floor)?,
                    initial: a.weighted_value(amount, p, WeightLevel::Initial)?,
                    maintenance: a.weighted_value(amount, p, WeightLevel::Maintenance)?,
                })
            })();
            if let Ok(want) = separate {
                proptest::prop_assert_eq!(a.figures(amount, p), Ok(want));
            }
            // One level's figure is the figures' (or their error), size
            // terms included.
            proptest::prop_assert_eq!(a.level_figure(amount, p, true), a.figures(amount, p).map(|f| f.initial));
            proptest::prop_assert_eq!(a.level_figure(amount, p, false), a.figures(amount, p).map(|f| f.maintenance));
        }
    }

    proptest::proptest! {
        /// The 64-bit figures, when they fit, are the 128-bit ones (every
        /// sign, scale and weight; near the `i64` edge as well).
        #[test]
        fn the_64_bit_figures_are_the_128_bit_ones(
            e in -18i32..=18,
            amount in proptest::prop_oneof![-1_000_000_000_000i128..=1_000_000_000_000, i128::from(i64::MIN)..=i128::from(i64::MAX)],
            price in proptest::prop_oneof![1i64..=1_000_000_000, 1i64..=i64::MAX],
            wi in 0u32..=4_000_000,
            wm in 0u32..=4_000_000,
        ) {
            let (up, down) = Asset::at_par(e).scale().unwrap();
            let (p, wi, wm) = (Price(price), Ppm(wi), Ppm(wm));
            if let Some(f) = figures_i64(amount, p, up, down, wi, wm) {
                proptest::prop_assert_eq!(Ok(f), figures_i128(amount, p, up, down, wi, wm));
            }
            for (asset, initial) in [(Asset::at_par(e), true), (Asset::at_par(e), false)] {
                let mut a = asset;
                (a.initial_asset_weight, a.maintenance_asset_weight) = (Ppm(wi.0.min(wm.0).min(1_000_000)), Ppm(wi.0.max(wm.0).min(1_000_000)));
                (a.initial_liability_weight, a.maintenance_liability_weight) = (Ppm(wi.0.max(wm.0).max(1_000_000)), Ppm(wi.0.min(wm.0).max(1_000_000)));
                let want = a.figures(amount, p).map(|f| if initial { f.initial } else { f.maintenance });
                proptest::prop_assert_eq!(a.level_figure(amount, p, initial), want);
            }
            if let Some(n) = product_i64(amount, p, up) {
                proptest::prop_assert_eq!(Ok(i128::from(n)), num::mul(amount, i128::from(price)).and_then(|n| num::mul(n, up)));
            }
        }
    }

    /// Both paths of the figures at hand: a 64-bit one and one past it.
    #[test]
    fn the_figures_past_64_bits() {
        // e = −2, 1,000 units at 100: n = 100,000, q = 1,000, r = 0;
        // 80 %: 800. Negative: −1,234 units at 7, n = −8,638, q = −87, r =
        // 62; 120 %: ⌊(−87 × 1.2e6 + ⌊62 × 1.2e6 / 100⌋) / 1e6⌋ =
        // ⌊(−104,400,000 + 744,000) / 1e6⌋ = ⌊−103.656⌋ = −104.
        let (up, down) = (1, 100);
        assert_eq!(
            figures_i64(1_000, Price(100), up, down, Ppm(800_000), Ppm(900_000)),
            Some(BalanceFigures { value: 1_000, initial: 800, maintenance: 900 })
        );
        assert_eq!(
            figures_i64(-1_234, Price(7), up, down, Ppm(1_200_000), Ppm(1_000_000)).map(|f| (f.value, f.initial)),
            Some((-87, -104))
        );
        // 2^40 units at 2^30: n = 2^70 does not fit 64 bits: None, and the
        // 128-bit path gives ⌊2^70 / 100⌋.
        let big = 1i128 << 40;
        assert_eq!(figures_i64(big, Price(1 << 30), up, down, Ppm(1_000_000), Ppm(1_000_000)), None);
        assert_eq!(figures_i128(big, Price(1 << 30), up, down, Ppm(1_000_000), Ppm(1_000_000)).unwrap().value, (1i128 << 70) / 100);
    }

    #[test]
    fn validation_errors() {
        let ok = sol();
        let mut a = ok;
        a.initial_asset_weight = Ppm(1_000_001);
        assert_eq!(a.validate(), Err(Error::AssetWeightAbove100Percent));
        let mut a = ok;
        a.maintenance_liability_weight = Ppm(999_999);
        assert_eq!(a.validate(), Err(Error::LiabilityWeightBelow100Percent));
        let mut a = ok;
        a.initial_asset_weight = Ppm(950_000);
        assert_eq!(a.validate(), Err(Error::WeightsOutOfOrder));
        let mut a = ok;
        a.initial_liability_weight = Ppm(1_050_000);
        assert_eq!(a.validate(), Err(Error::WeightsOutOfOrder));
        let mut a = ok;
        a.imf_unit = 0;
        assert_eq!(a.validate(), Err(Error::InvalidImfUnit));
        let mut a = ok;
        a.quote_exponent = -19;
        assert_eq!(a.validate(), Err(Error::InvalidQuoteExponent));
    }
}
