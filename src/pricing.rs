//! Pricing: bankruptcy price, liquidation order limit price, and the
//! estimated liquidation price for display.
//!
//! * The **bankruptcy price** of a close is the fill price at which the part
//!   of the pool's equity that belongs to the closed units is used up: fill
//!   worse than it and someone else (the insurance fund) pays. Cross-margin
//!   aware, with dYdX v4's allocation: the closed units own the share of the
//!   pool's equity (total net collateral, TNC) that their maintenance
//!   requirement is of the pool's (TMMR):
//!   `bankruptcy_quote = −ΔNNV − floor(TNC × |ΔMMR| / TMMR)`.
//! * The **limit price** of the liquidation order lies between the mark and
//!   the bankruptcy price: the mark moved by a band, never past bankruptcy,
//!   on the tick grid.
//! * The **estimated liquidation price** is the mark at which the pool's
//!   equity equals its maintenance requirement, other positions held at their
//!   marks; tier-consistent (the tier is the one the position's notional
//!   falls in at that price). For one position in tier 0 it is Hyperliquid's
//!   `price − side × margin_available / size / (1 − mmf × side)`; with tiers
//!   it is Binance's maintenance-amount formula. On a 100 % maintenance tier
//!   a long's equity and maintenance move together: equity − maintenance is
//!   constant over it, so a long whose pool is short of maintenance there is
//!   liquidatable at every mark ([`LiquidationPrice::Always`]).
//!
//! Rounding: bankruptcy quotes and prices round **against the liquidated
//! account** (it needs more to stay solvent); limit prices round against the
//! account to the tick but are clamped at the (tick-rounded, conservative)
//! bankruptcy price; the liquidation price is the exact root rounded
//! **against the account** (a long's up, a short's down), so that with exact
//! figures a long is liquidatable at every mark below `At(p)` and at none
//! from `p` up, a short at every mark above `p` and at none up to `p`.
//!
//! Health itself rounds to whole quote units (equity down, requirements up):
//! `pool_health`'s `equity − maintenance` is the exact figure rounded down,
//! or with a negative quote exponent `e` possibly one unit less (value and
//! requirement round separately). So with `e ≥ 0` the kinds and `At(p)`
//! match `pool_health` exactly. With `e < 0` wherever the exact figure is
//! below 0 `pool_health` is liquidatable too, but it may also be where the
//! exact figure is in `[0, 1)`: on the healthy side of `At(p)` within
//! `1 / (|size| × 10^e × (1 − f))` price units of `p` for a long (`1 + f`
//! for a short; `f` the maintenance fraction there), at every mark of a
//! 100 % tier where a long's figure stays in `[0, 1)`, and likewise at
//! marks of a `Never` position whose exact figure is below one unit there.
//! It is never more than one quote unit short.

use crate::account::Pool;
use crate::error::{Error, Result};
use crate::health::{self, Sums};
use crate::market::{Market, RequirementKind};
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};

/// Bankruptcy figures of a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankruptcyPrice {
    /// Signed cash the account must receive for the close (negative: it may
    /// pay at most `|quote|`), rounded up (against the account).
    pub quote: Quote,
    /// The per-unit price equivalent: a long's rounded up, a short's down
    /// (against the account). May be ≤ 0 for a long whose equity more than
    /// covers the closed units (any fill keeps it solvent).
    pub price: Price,
}

/// The estimated liquidation price of a position. The kinds speak of the
/// exact equity − maintenance; see the module docs for where `pool_health`'s
/// whole-unit rounding may read one unit short of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiquidationPrice {
    /// No positive mark makes the pool liquidatable through this position.
    Never,
    /// The pool is liquidatable at every positive mark of this position
    /// (for a long: its top tiers are 100 % and the pool stays short of
    /// maintenance across them).
    Always,
    /// The mark at which equity equals maintenance, rounded against the
    /// account (a long's up, a short's down): a long is liquidatable at
    /// every mark below it and at none from it up; a short at every mark
    /// above it and at none up to it. For a long it is at least 2 (a root
    /// at or below 1 is `Never`), for a short at least 1 (below 1: `Always`).
    At(Price),
}

/// A position of a pool, with the pool's other figures.
pub(crate) struct PositionContext<'m> {
    pub market: &'m Market,
    pub mark: i128,
    pub size: i128,
    pub quote_balance: i128,
    /// The pool without this position.
    pub rest: Sums,
}

pub(crate) fn context<'m>(pool: &Pool<'_>, markets: &'m [Market], prices: &[Price], index: usize) -> Result<PositionContext<'m>> {
    let pos = pool.positions.get(index).ok_or(Error::UnknownPosition)?;
    if pos.size.0 == 0 {
        return Err(Error::EmptyPosition);
    }
    let (market, mark) = health::market_and_price(markets, prices, pos.market_index)?;
    let total = health::pool_sums(pool, markets, prices)?;
    let own = health::position_terms(market, i128::from(pos.size.0), mark, i128::from(pos.quote_balance.0))?;
    Ok(PositionContext {
        market,
        mark,
        size: i128::from(pos.size.0),
        quote_balance: i128::from(pos.quote_balance.0),
        rest: total.sub(own)?,
    })
}

impl PositionContext<'_> {
    /// Bankruptcy quote of closing `units` (magnitude, `0 < units ≤ |size|`).
    pub(crate) fn bankruptcy_quote(&self, units: i128) -> Result<i128> {
        let sigma = self.size.signum();
        let own = health::position_terms(self.market, self.size, self.mark, self.quote_balance)?;
        let total = self.rest.add(own)?;
        let after_size = num::sub(self.size, num::mul(sigma, units)?)?;
        let mm_after =
            if after_size == 0 { 0 } else { self.market.requirement_i128(after_size, self.mark, RequirementKind::Maintenance)? };
        let delta_mmr = num::sub(own.maintenance, mm_after)?; // |ΔMMR| ≥ 0
                                                              // −ΔNNV: the mark value leaving the pool, rounded up.
        let leaving = num::div_round(
            self.market.scaled_notional(num::mul(sigma, units)?, self.mark)?,
            self.market.notional_denominator()?,
            Rounding::Ceil,
        )?;
        // The closed units' share of the pool's equity, rounded down.
        let share =
            if total.maintenance == 0 { 0 } else { num::mul_div_wide(total.equity, delta_mmr, total.maintenance, Rounding::Floor)? };
        num::sub(leaving, share)
    }

    /// Per-unit price of a bankruptcy quote, against the account.
    pub(crate) fn quote_to_price(&self, quote: i128, units: i128) -> Result<i128> {
        let den = num::mul(units, self.market.notional_multiplier()?)?;
        let k = self.market.notional_denominator()?;
        if self.size > 0 {
            num::mul_div_wide(quote, k, den, Rounding::Ceil)
        } else {
            num::mul_div_wide(num::sub(0, quote)?, k, den, Rounding::Floor)
        }
    }

    /// Limit price for closing this position with a `band` around the mark.
    pub(crate) fn limit_price(&self, band: Ppm) -> Result<i128> {
        self.limit_price_around(band, self.mark)
    }

    /// Limit price for closing this position with a `band` around
    /// `reference` (the mark for [`PositionContext::limit_price`]): the
    /// band's price and the no-better-than-reference bound are taken from
    /// `reference`, the bankruptcy bound from the pool at its marks. Not
    /// yet held to the mark's envelope ([`PositionContext::held_to_mark`]).
    pub(crate) fn limit_price_around(&self, band: Ppm, reference: i128) -> Result<i128> {
        band.at_most_one(Error::InvalidPriceBand)?;
        if reference <= 0 {
            return Err(Error::MissingPrice);
        }
        let tick = i128::from(self.market.tick.0);
        if tick <= 0 {
            return Err(Error::InvalidTick);
        }
        let units = self.size.checked_abs().ok_or(Error::Overflow)?;
        let bq = self.bankruptcy_quote(units)?;
        let bk = self.quote_to_price(bq, units)?;
        let to_tick = |p: i128, r: Rounding| -> Result<i128> { num::mul(num::div_round(p, tick, r)?, tick) };
        if self.size > 0 {
            // Selling: the band price is below the mark; lower is worse for the account.
            let band_px = to_tick(num::mul_div(reference, num::sub(PPM, i128::from(band.0))?, PPM, Rounding::Floor)?, Rounding::Floor)?;
            let mark_px = to_tick(reference, Rounding::Floor)?;
            let bk_px = to_tick(bk, Rounding::Ceil)?;
            Ok(band_px.max(bk_px.min(mark_px)).max(tick))
        } else {
            let band_px = to_tick(num::mul_div(reference, num::add(PPM, i128::from(band.0))?, PPM, Rounding::Ceil)?, Rounding::Ceil)?;
            let mark_px = to_tick(reference, Rounding::Ceil)?;
            let bk_px = to_tick(bk, Rounding::Floor)?;
            Ok(band_px.min(bk_px.max(mark_px)))
        }
    }

    /// The limit `around` (priced around a reference other than the mark)
    /// held between `at_mark` (the same pricing around the mark: the worst
    /// the band allows the account from the mark it is judged at) and the
    /// mark itself to the tick (a sell's rounded down, a buy's up): never
    /// worse for the account than `at_mark`, never better than the mark —
    /// unless `at_mark` already is, then `at_mark`. With `around ==
    /// at_mark` it is `at_mark`.
    pub(crate) fn held_to_mark(&self, at_mark: i128, around: i128) -> Result<i128> {
        let tick = i128::from(self.market.tick.0);
        if tick <= 0 {
            return Err(Error::InvalidTick);
        }
        if self.size > 0 {
            let mark_px = num::mul(num::div_round(self.mark, tick, Rounding::Floor)?, tick)?;
            Ok(around.min(mark_px.max(at_mark)).max(at_mark))
        } else {
            let mark_px = num::mul(num::div_round(self.mark, tick, Rounding::Ceil)?, tick)?;
            Ok(around.max(mark_px.min(at_mark)).min(at_mark))
        }
    }

    /// See [`estimated_liquidation_price`].
    pub(crate) fn liquidation_price(&self) -> Result<LiquidationPrice> {
        let sigma = self.size.signum();
        let u = self.size.checked_abs().ok_or(Error::Overflow)?;
        let m = self.market.notional_multiplier()?;
        let k = self.market.notional_denominator()?;
        // Equity − maintenance with this position at price 0:
        let big_k = num::add(num::sub(self.rest.equity, self.rest.maintenance)?, self.quote_balance)?;
        // Exact equity − maintenance at mark P, with S = u·P·m the scaled
        // notional and tier t the one S/10^k falls in:
        //   g(P) = K + σ·S/10^k − (S·f_t − ded_t·10^k)/(10^k·1e6).
        // g is continuous (the deductions make the requirement continuous at
        // the floors) and, fractions being at most 100 % and non-decreasing
        // (a valid market), non-decreasing in P for a long (slope
        // (1e6 − f_t) ≥ 0, zero on a 100 % tier: g is constant there and on
        // every tier above) and strictly decreasing for a short (slope
        // −(1e6 + f_t)).
        if sigma > 0 && big_k >= 0 {
            // g(P) ≥ g(0) = K ≥ 0 for every P.
            return Ok(LiquidationPrice::Never);
        }
        if sigma < 0 && big_k <= 0 {
            // g(P) < g(0) = K ≤ 0 for every P > 0.
            return Ok(LiquidationPrice::Always);
        }
        // Now g(0) = K < 0 for a long, > 0 for a short: the boundary is the
        // least zero of g, found tier by tier (in each tier g is linear, so
        // its zero there is the zero of that line if it lies in the tier).
        let um = num::mul(u, m)?;
        let tiers = self.market.active_tiers()?;
        for (t, tier) in tiers.iter().enumerate() {
            let (f, ded) = self.market.tier_terms(t, RequirementKind::Maintenance)?;
            // P = −10^k·(ded + K·1e6) / (u·m·(σ·1e6 − f))
            let num_ = num::sub(0, num::mul(k, num::add(ded, num::mul(big_k, PPM)?)?)?)?;
            let den = num::mul(um, num::sub(num::mul(sigma, PPM)?, i128::from(f.0))?)?;
            if den == 0 {
                // A long on a 100 % tier: g is the constant K + ded/1e6
                // across it (and across every tier above, all 100 % with
                // the same deduction). If that is 0, g reached 0 at the
                // floor of the first 100 % tier, which the tier below it
                // (under 100 %; its range includes its upper floor) already
                // returned; tier 0 cannot be the first (there g = K < 0).
                // Otherwise there is no zero here.
                continue;
            }
            // Exact notional numerator at the root: u·m·P = u·m·num/den.
            let scaled_floor = num::mul_div_wide(um, num_, den, Rounding::Floor)?;
            let scaled_ceil = num::mul_div_wide(um, num_, den, Rounding::Ceil)?;
            let lo_ok = scaled_floor >= num::mul(i128::from(tier.notional_floor.0), k)?;
            let hi_ok = match tiers.get(t.saturating_add(1)) {
                Some(next) => scaled_ceil <= num::mul(i128::from(next.notional_floor.0), k)?,
                None => true,
            };
            if lo_ok && hi_ok {
                let r = if sigma > 0 { Rounding::Ceil } else { Rounding::Floor };
                let p = num::div_round(num_, den, r)?;
                // A long's root at or below 1 (rounded up: p ≤ 1) leaves
                // every positive mark at or above it, where g ≥ 0: never. A
                // short's root below 1 (rounded down: p ≤ 0) leaves every
                // positive mark above it, where g < 0: always.
                if sigma > 0 && p <= 1 {
                    return Ok(LiquidationPrice::Never);
                }
                if sigma < 0 && p <= 0 {
                    return Ok(LiquidationPrice::Always);
                }
                // A root beyond the largest mark a price can hold: a long is
                // liquidatable at every such mark, a short at none.
                return Ok(match i64::try_from(p) {
                    Ok(p) => LiquidationPrice::At(Price(p)),
                    Err(_) if sigma > 0 => LiquidationPrice::Always,
                    Err(_) => LiquidationPrice::Never,
                });
            }
        }
        // No zero in any tier: g, continuous, keeps the sign it has at 0.
        // For a long (K < 0) that happens when the top tiers are 100 % and g
        // stays below 0 across them (K·1e6 + ded < 0): liquidatable at every
        // mark. For a short (K > 0) it cannot happen in a valid market (g
        // falls without bound); the sign rule still answers: never.
        Ok(if sigma > 0 { LiquidationPrice::Always } else { LiquidationPrice::Never })
    }
}

/// Bankruptcy price of closing `size_delta` of position `position_index`
/// (`size_delta` opposite in sign to the position, at most its size).
///
/// dYdX v4's formula: `quote = −ΔNNV − floor(TNC × |ΔMMR| / TMMR)` where ΔNNV
/// is the change of the position's mark value, TNC the pool's equity, TMMR
/// its maintenance requirement and ΔMMR the change of the position's
/// maintenance requirement. With no maintenance requirement in the pool the
/// share is 0 (the bankruptcy price is the mark). Rounded against the account.
pub fn bankruptcy_price(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    position_index: usize,
    size_delta: Size,
) -> Result<BankruptcyPrice> {
    let ctx = context(pool, markets, prices, position_index)?;
    let units = closing_units(ctx.size, size_delta)?;
    let quote = ctx.bankruptcy_quote(units)?;
    let price = ctx.quote_to_price(quote, units)?;
    Ok(BankruptcyPrice { quote: Quote::from_i128(quote)?, price: Price(i64::try_from(price).map_err(|_| Error::Overflow)?) })
}

/// `|delta|` if `delta` reduces `size` without flipping it; an error otherwise.
pub(crate) fn closing_units(size: i128, delta: Size) -> Result<i128> {
    let d = i128::from(delta.0);
    if d == 0 || d.signum() == size.signum() || d.checked_abs().ok_or(Error::Overflow)? > size.checked_abs().ok_or(Error::Overflow)? {
        return Err(Error::InvalidFillQuantity);
    }
    d.checked_abs().ok_or(Error::Overflow)
}

/// Limit price of the liquidation order for the whole position
/// `position_index`: the mark moved against the account by `band`, rounded
/// to the tick against the account, but never beyond the bankruptcy price of
/// the whole position (rounded to the tick conservatively) nor beyond the
/// mark. At least one tick.
pub fn limit_price(pool: &Pool<'_>, markets: &[Market], prices: &[Price], position_index: usize, band: Ppm) -> Result<Price> {
    let ctx = context(pool, markets, prices, position_index)?;
    Ok(Price(i64::try_from(ctx.limit_price(band)?).map_err(|_| Error::Overflow)?))
}

/// [`limit_price`] with the band around `reference` — the price the policy's
/// [`crate::PriceGuard`] names for the order limit
/// ([`crate::PriceUse::Limit`]) — rather than around the mark, then held
/// between [`limit_price`] (the band from the mark: never worse for the
/// account) and the mark to the tick (never better): see
/// [`crate::oracle`]'s "The order limit". With `reference` equal to the mark
/// it is [`limit_price`].
///
/// Errors: those of [`limit_price`]; [`Error::MissingPrice`] when
/// `reference` is not positive.
pub fn limit_price_around(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    position_index: usize,
    band: Ppm,
    reference: Price,
) -> Result<Price> {
    let ctx = context(pool, markets, prices, position_index)?;
    let at_mark = ctx.limit_price(band)?;
    let around = ctx.limit_price_around(band, i128::from(reference.0))?;
    Ok(Price(i64::try_from(ctx.held_to_mark(at_mark, around)?).map_err(|_| Error::Overflow)?))
}

/// Estimated liquidation price of position `position_index`: the mark at
/// which the pool's equity equals its maintenance requirement, the other
/// positions held at their marks. For an isolated pool it is exact; for a
/// cross pool it is the price of this position alone that would trigger
/// (another position in the same market is held at the current mark too).
///
/// The kind is exact for every valid market (see [`Market::validate`]),
/// including 100 % maintenance tiers, on either side; `At(p)` is the exact
/// root rounded against the account. See [`LiquidationPrice`] and the
/// module docs for how `pool_health`'s rounding relates to it. Errors: the
/// pool's ([`pool_health`](crate::health::pool_health)'s),
/// [`Error::UnknownPosition`], [`Error::EmptyPosition`], and
/// [`Error::Overflow`] when an intermediate figure does not fit. A root
/// beyond the largest `i64` mark is `Always` for a long (liquidatable at
/// every mark a price can hold) and `Never` for a short.
pub fn estimated_liquidation_price(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    position_index: usize,
) -> Result<LiquidationPrice> {
    context(pool, markets, prices, position_index)?.liquidation_price()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::account::Position;
    use crate::market::MarginTier;

    fn market(tick: i64) -> Market {
        Market::single_tier(0, 1, tick, Ppm(100_000), Ppm(50_000))
    }

    fn one(size: i64, qb: i64) -> [Position; 1] {
        [Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }]
    }

    #[test]
    fn bankruptcy_by_hand() {
        // Long 100 @ 100, qb −9,600: TNC 400, TMMR 500.
        // Whole close: −ΔNNV = 10,000, share = floor(400 × 500 / 500) = 400 → 9,600, price 96.
        let ps = one(100, -9_600);
        let pool = Pool::new(Quote(0), &ps);
        let b = bankruptcy_price(&pool, &[market(1)], &[Price(100)], 0, Size(-100)).unwrap();
        assert_eq!(b, BankruptcyPrice { quote: Quote(9_600), price: Price(96) });
        // 34 units: ΔMMR = 500 − 330 = 170, share = floor(400 × 170 / 500) = 136 → 3,400 − 136 = 3,264 = 34 × 96.
        let b = bankruptcy_price(&pool, &[market(1)], &[Price(100)], 0, Size(-34)).unwrap();
        assert_eq!(b, BankruptcyPrice { quote: Quote(3_264), price: Price(96) });
        // 33 units: ΔMMR = 500 − 335 = 165, share = floor(132) → 3,300 − 132 = 3,168 = 33 × 96 exactly.
        // 7 units: ΔMMR = 35, share = floor(28) → 700 − 28 = 672 → 96.
        // 3 units: ΔMMR = 15 → share 12 → 288 → 96. Price rounding: 1 unit: ΔMMR 5, share 4 → 96.
        let b = bankruptcy_price(&pool, &[market(1)], &[Price(100)], 0, Size(-1)).unwrap();
        assert_eq!(b.price, Price(96));
        // Short mirror: short 100, qb 10,400: −ΔNNV = −10,000, share 400 → −10,400: pays at most 104.
        let ps = one(-100, 10_400);
        let b = bankruptcy_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0, Size(100)).unwrap();
        assert_eq!(b, BankruptcyPrice { quote: Quote(-10_400), price: Price(104) });
    }

    #[test]
    fn bankruptcy_rounds_against_the_account() {
        // Long 3 @ 100, qb −289: TNC 11, TMMR 15. Close 1: ΔMMR = 15 − 10 = 5,
        // share = floor(11 × 5 / 15) = floor(3.67) = 3 → quote 100 − 3 = 97.
        let ps = one(3, -289);
        let pool = Pool::new(Quote(0), &ps);
        assert_eq!(bankruptcy_price(&pool, &[market(1)], &[Price(100)], 0, Size(-1)).unwrap().quote, Quote(97));
        // Close 2: ΔMMR 10, share floor(7.33) = 7 → 193 → per unit 96.5 → up to 97 (a long's up).
        assert_eq!(
            bankruptcy_price(&pool, &[market(1)], &[Price(100)], 0, Size(-2)).unwrap(),
            BankruptcyPrice { quote: Quote(193), price: Price(97) }
        );
        // Short 3 @ 100, qb 311: TNC 11. Close 2: quote −200 − 7 = −207 → may pay 103.5 → down to 103.
        let ps = one(-3, 311);
        assert_eq!(
            bankruptcy_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0, Size(2)).unwrap(),
            BankruptcyPrice { quote: Quote(-207), price: Price(103) }
        );
    }

    #[test]
    fn bankruptcy_errors() {
        let ps = one(100, -9_600);
        let pool = Pool::new(Quote(0), &ps);
        let m = [market(1)];
        for bad in [0, 1, -101] {
            assert_eq!(bankruptcy_price(&pool, &m, &[Price(100)], 0, Size(bad)), Err(Error::InvalidFillQuantity));
        }
        assert_eq!(bankruptcy_price(&pool, &m, &[Price(100)], 1, Size(-1)), Err(Error::UnknownPosition));
        let empty = one(0, 5);
        assert_eq!(bankruptcy_price(&Pool::new(Quote(0), &empty), &m, &[Price(100)], 0, Size(-1)), Err(Error::EmptyPosition));
    }

    #[test]
    fn limit_price_band_and_clamp() {
        let ps = one(100, -9_600); // bankruptcy 96
        let pool = Pool::new(Quote(0), &ps);
        // Band 1 %: floor(99) = 99, inside [96, 100] → 99.
        assert_eq!(limit_price(&pool, &[market(1)], &[Price(100)], 0, Ppm(10_000)).unwrap(), Price(99));
        // Band 5 %: 95 would be beyond bankruptcy → clamped to 96.
        assert_eq!(limit_price(&pool, &[market(1)], &[Price(100)], 0, Ppm(50_000)).unwrap(), Price(96));
        // Tick 5: band 99 → 95 on the grid; bankruptcy 96 → up to 100; the mark's tick 100 → limit 100.
        assert_eq!(limit_price(&pool, &[market(5)], &[Price(100)], 0, Ppm(10_000)).unwrap(), Price(100));
        // Short (bankruptcy 104): band 1 % → 101; band 5 % → 105 clamped to 104.
        let ps = one(-100, 10_400);
        let pool = Pool::new(Quote(0), &ps);
        assert_eq!(limit_price(&pool, &[market(1)], &[Price(100)], 0, Ppm(10_000)).unwrap(), Price(101));
        assert_eq!(limit_price(&pool, &[market(1)], &[Price(100)], 0, Ppm(50_000)).unwrap(), Price(104));
        assert_eq!(limit_price(&pool, &[market(1)], &[Price(100)], 0, Ppm(1_000_001)), Err(Error::InvalidPriceBand));
        // Band 100 % for a long with a bankruptcy price ≤ 0: at least one tick.
        let ps = one(100, 0);
        assert_eq!(limit_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0, Ppm(1_000_000)).unwrap(), Price(1));
    }

    #[test]
    fn liquidation_price_single_tier() {
        // Long: 100P − 9,600 = 5P ⇒ P = 9,600 / 95 = 101.05… → up: 102.
        let ps = one(100, -9_600);
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0).unwrap(),
            LiquidationPrice::At(Price(102))
        );
        // Short: −100P + 10,400 = 5P ⇒ P = 10,400 / 105 = 99.04… → down: 99.
        let ps = one(-100, 10_400);
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0).unwrap(),
            LiquidationPrice::At(Price(99))
        );
        // Fully funded long never liquidates; an unfunded short always does.
        let ps = one(100, 0);
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0).unwrap(),
            LiquidationPrice::Never
        );
        let ps = one(-100, 0);
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &ps), &[market(1)], &[Price(100)], 0).unwrap(),
            LiquidationPrice::Always
        );
    }

    #[test]
    fn liquidation_price_is_tier_consistent() {
        // [0, 5,000) 5 %; [5,000, ∞) 10 % with deduction 250. Long 100.
        let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
        let m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
            .with_tiers(&[t(0, 100_000, 50_000), t(5_000, 200_000, 100_000)])
            .unwrap();
        let lp = |qb: i64| estimated_liquidation_price(&Pool::new(Quote(0), &one(100, qb)), &[m], &[Price(100)], 0).unwrap();
        // qb −9,300, tier 1: 100P − 9,300 = 10P − 250 ⇒ P = 9,050 / 90 = 100.55… (notional 10,055 ≥ 5,000 ✓) → 101.
        assert_eq!(lp(-9_300), LiquidationPrice::At(Price(101)));
        // qb −4,800: tier 1 gives 4,550 / 90 = 50.55… (notional 5,055 ✓) → 51.
        assert_eq!(lp(-4_800), LiquidationPrice::At(Price(51)));
        // qb −4,700: tier 1 gives 49.44 (notional 4,944 < 5,000 ✗); tier 0: 95P = 4,700 ⇒ 49.47… ✓ → 50.
        assert_eq!(lp(-4_700), LiquidationPrice::At(Price(50)));
    }

    /// `(state, equity − maintenance)` of a one-position pool at `mark`.
    fn at_mark(m: &Market, collateral: i64, size: i64, qb: i64, mark: i64) -> (crate::health::HealthState, i64) {
        let h = crate::health::pool_health(&Pool::new(Quote(collateral), &one(size, qb)), &[*m], &[Price(mark)]).unwrap();
        (h.state, h.equity.0 - h.maintenance_requirement.0)
    }

    #[test]
    fn liquidation_price_with_a_100_percent_tier() {
        use crate::health::HealthState::{Bankrupt, Healthy, Liquidatable};
        let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
        let lp = |m: &Market, c: i64, size: i64, qb: i64| {
            estimated_liquidation_price(&Pool::new(Quote(c), &one(size, qb)), &[*m], &[Price(100)], 0).unwrap()
        };
        // One 100 % tier, collateral 50, long 1, qb −100: equity − maintenance
        // = 50 + P − 100 − P = −50 at every mark: always (was never).
        let full = Market::single_tier(0, 1, 1, Ppm(1_000_000), Ppm(1_000_000));
        full.validate().unwrap();
        assert_eq!(lp(&full, 50, 1, -100), LiquidationPrice::Always);
        // Mark 1: equity 50 + 1 − 100 = −49 (maintenance 1): bankrupt.
        // Mark 100: 50 vs 100. Mark 1,000,000: 999,950 vs 1,000,000.
        assert_eq!(at_mark(&full, 50, 1, -100, 1), (Bankrupt, -50));
        assert_eq!(at_mark(&full, 50, 1, -100, 100), (Liquidatable, -50));
        assert_eq!(at_mark(&full, 50, 1, -100, 1_000_000), (Liquidatable, -50));
        // Collateral 100: the constant is 0 (healthy everywhere): never;
        // the short's mirror, qb 300: 300 − P − P = 0 at 150.
        assert_eq!(lp(&full, 100, 1, -100), LiquidationPrice::Never);
        assert_eq!(at_mark(&full, 100, 1, -100, 7), (Healthy, 0));
        assert_eq!(lp(&full, 0, -1, 300), LiquidationPrice::At(Price(150)));
        assert_eq!(at_mark(&full, 0, -1, 300, 150), (Healthy, 0)); // 150 vs 150
        assert_eq!(at_mark(&full, 0, -1, 300, 151).0, Liquidatable); // 149 vs 151

        // [0, 1,000) 50 %; [1,000, ∞) 100 % (deduction 1,000 × 50 % = 500).
        // Long 1: g = qb + 0.5 P below notional 1,000, qb + 500 above.
        let mixed = full.with_tiers(&[t(0, 500_000, 500_000), t(1_000, 1_000_000, 1_000_000)]).unwrap();
        mixed.validate().unwrap();
        // qb −600: tier 0's root 1,200 is not in [0, 1,000); tier 1 is the
        // constant −100: always (was never).
        assert_eq!(lp(&mixed, 0, 1, -600), LiquidationPrice::Always);
        assert_eq!(at_mark(&mixed, 0, 1, -600, 1).0, Bankrupt); // 1 − 600
        assert_eq!(at_mark(&mixed, 0, 1, -600, 100).0, Bankrupt); // 100 − 600
        assert_eq!(at_mark(&mixed, 0, 1, -600, 1_000_000), (Liquidatable, -100)); // 999,400 vs 999,500
                                                                                  // qb −400: tier 0's root 800 (notional 800 < 1,000); above, +100.
        assert_eq!(lp(&mixed, 0, 1, -400), LiquidationPrice::At(Price(800)));
        assert_eq!(at_mark(&mixed, 0, 1, -400, 799).0, Liquidatable); // 399 vs ceil(399.5) = 400
        assert_eq!(at_mark(&mixed, 0, 1, -400, 800), (Healthy, 0)); // 400 vs 400
        assert_eq!(at_mark(&mixed, 0, 1, -400, 1_000_000), (Healthy, 100));
        // qb −500: tier 0's root is 1,000, its upper floor; tier 1's
        // constant is 0: liquidatable below 1,000 only.
        assert_eq!(lp(&mixed, 0, 1, -500), LiquidationPrice::At(Price(1_000)));
        assert_eq!(at_mark(&mixed, 0, 1, -500, 999).0, Liquidatable); // 499 vs 500
        assert_eq!(at_mark(&mixed, 0, 1, -500, 1_000), (Healthy, 0)); // 500 vs 500
        assert_eq!(at_mark(&mixed, 0, 1, -500, 1_000_000), (Healthy, 0)); // 999,500 vs 999,500
                                                                          // Shorts on the same market: 100 % + 50 % never give a zero slope.
                                                                          // Short 1, qb 1,500: tier 0: 1,500 − 1.5 P = 0 at 1,000 (its upper
                                                                          // floor) → 1,000.
        assert_eq!(lp(&mixed, 0, -1, 1_500), LiquidationPrice::At(Price(1_000)));
        assert_eq!(at_mark(&mixed, 0, -1, 1_500, 1_000), (Healthy, 0));
        assert_eq!(at_mark(&mixed, 0, -1, 1_500, 1_001).0, Liquidatable);
    }

    #[test]
    fn liquidation_price_root_beyond_i64() {
        // e = −6, MM 50 %, one unit: g(P) = K + σ·P/1e6 − 0.5·P/1e6.
        let m = [Market::single_tier(-6, 1, 1, Ppm(500_000), Ppm(500_000))];
        let lp = |size: i64, collateral: i64| {
            let ps = [Position { market_index: 0, size: Size(size), quote_balance: Quote(0) }];
            estimated_liquidation_price(&Pool::new(Quote(collateral), &ps), &m, &[Price(1)], 0).unwrap()
        };
        // Long, K = −1e13: root 1e13 × 1e6 / 0.5 = 2e19 > i64::MAX: liquidatable
        // at every mark a price can hold (at i64::MAX: equity −1e13 + 9.2e12 < 0).
        assert_eq!(lp(1, -10_000_000_000_000), LiquidationPrice::Always);
        // Short, K = 2e13: root 2e13 × 1e6 / 1.5 ≈ 1.33e19 > i64::MAX: never.
        assert_eq!(lp(-1, 20_000_000_000_000), LiquidationPrice::Never);
        // K = 1e13: root 1e19 / 1.5 = 6,666,666,666,666,666,666.67 → rounded down.
        assert_eq!(lp(-1, 10_000_000_000_000), LiquidationPrice::At(Price(6_666_666_666_666_666_666)));
    }

    #[test]
    fn liquidation_price_root_at_one() {
        // Long 100, qb −95, 5 %: 100 P − 95 − 5 P = 95 (P − 1): the root is
        // exactly 1, where the pool is healthy (5 vs 5): never (was At(1),
        // which claimed nothing: no positive mark lies below 1).
        let m = market(1);
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &one(100, -95)), &[m], &[Price(100)], 0).unwrap(),
            LiquidationPrice::Never
        );
        assert_eq!(at_mark(&m, 0, 100, -95, 1), (crate::health::HealthState::Healthy, 0));
        // qb −96: 95 P = 96 → 1.01… → 2; at 1: 4 vs 5.
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &one(100, -96)), &[m], &[Price(100)], 0).unwrap(),
            LiquidationPrice::At(Price(2))
        );
        assert_eq!(at_mark(&m, 0, 100, -96, 1).0, crate::health::HealthState::Liquidatable);
        // Short 100, qb 105: 105 − 105 P = 0 at 1 → At(1) (healthy at 1: 5 vs 5).
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(0), &one(-100, 105)), &[m], &[Price(100)], 0).unwrap(),
            LiquidationPrice::At(Price(1))
        );
        assert_eq!(at_mark(&m, 0, -100, 105, 1), (crate::health::HealthState::Healthy, 0));
    }

    #[test]
    fn rounding_reads_at_most_one_unit_short() {
        // e = −2 (prices in cents), one 100 % tier, long 1, qb 0: exactly
        // equity = maintenance at every mark: never. Health rounds the value
        // down and the requirement up separately: at 150 (1.50 quote) value
        // floor(1.5) = 1, maintenance ceil(1.5) = 2: one unit short, the
        // documented caveat; at 100 both are 1.
        let m = Market::single_tier(-2, 1, 1, Ppm(1_000_000), Ppm(1_000_000));
        assert_eq!(estimated_liquidation_price(&Pool::new(Quote(0), &one(1, 0)), &[m], &[Price(150)], 0).unwrap(), LiquidationPrice::Never);
        assert_eq!(at_mark(&m, 0, 1, 0, 150), (crate::health::HealthState::Liquidatable, -1));
        assert_eq!(at_mark(&m, 0, 1, 0, 100), (crate::health::HealthState::Healthy, 0));
    }

    #[test]
    fn cross_liquidation_price_holds_others_at_mark() {
        // Collateral 1,000 and a second, fully funded long (value 500, MM 25) in another market.
        // Position 0: long 100, qb −10,000: 1,000 + 500 − 25 + 100P − 10,000 = 5P ⇒ P = 8,525 / 95 = 89.73… → 90.
        let ms = [market(1), market(1)];
        let ps = [
            Position { market_index: 0, size: Size(100), quote_balance: Quote(-10_000) },
            Position { market_index: 1, size: Size(10), quote_balance: Quote(0) },
        ];
        let pool = Pool::new(Quote(1_000), &ps);
        assert_eq!(estimated_liquidation_price(&pool, &ms, &[Price(100), Price(50)], 0).unwrap(), LiquidationPrice::At(Price(90)));
    }
}
