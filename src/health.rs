//! Health: how far a margin pool is from liquidation.
//!
//! Three figures, all in quote units, describe a pool:
//!
//! * **equity** — collateral plus the mark value of every position (rounded
//!   down per position). What the pool would be worth if closed at mark.
//! * **initial requirement** — what the positions need to be opened or
//!   increased. `equity − initial` is the **free collateral**: what may be
//!   withdrawn or used to trade.
//! * **maintenance requirement** — the floor: below it the pool is
//!   liquidatable. Always ≤ initial (per tier, `mmf ≤ imf`).
//!
//! They order as `initial ≥ maintenance ≥ 0`, and the pool's state follows
//! from where equity falls:
//!
//! | state          | condition                                 |
//! | -------------- | ----------------------------------------- |
//! | `Healthy`      | `equity ≥ maintenance` (or no maintenance)|
//! | `Liquidatable` | `maintenance > 0 && equity < maintenance` |
//! | `Bankrupt`     | `equity < 0`                              |
//!
//! (dYdX v4's rule, with bankruptcy checked first.) Requirements are summed
//! from per-position figures rounded **up**; equity from per-position values
//! rounded **down**: the rounded comparison can only make a pool liquidatable
//! earlier, never later.
//!
//! An **account** is one pool (cross margin) or several (isolated margin:
//! one per position, plus the free collateral as a pool with no positions).
//! Its state is the worst state of its pools; for an isolated account its
//! figures are the sums over them (see [`account_health`]).
//!
//! A liquidation **target** says when a liquidation may stop: maintenance
//! plus a buffer (hysteresis, as Drift's `liquidation_margin_buffer_ratio` or
//! Mango's liquidation-end health), or the initial requirement.

use crate::account::{Account, MarginMode, Pool, Position};
use crate::error::{Error, Result};
use crate::market::{Market, RequirementKind};
use crate::num::{self, Ppm, Price, Quote, Rounding, PPM};

/// Where a pool stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u32)]
pub enum HealthState {
    /// Equity covers maintenance.
    Healthy = 0,
    /// `maintenance > 0 && equity < maintenance`: reduce positions.
    Liquidatable = 1,
    /// Equity below zero: the positions owe more than the pool holds.
    Bankrupt = 2,
}

/// The health of one margin pool (or, for [`account_health`] on an isolated
/// account, the figures summed over its pools — the free collateral being
/// one, with no positions — and the worst state of any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// Collateral plus position values at mark (rounded down).
    pub equity: Quote,
    /// Initial margin requirement (rounded up).
    pub initial_requirement: Quote,
    /// Maintenance margin requirement (rounded up).
    pub maintenance_requirement: Quote,
    /// `equity − initial_requirement`; negative when under initial margin.
    pub free_collateral: Quote,
    /// Margin ratio `maintenance / equity` in ppm, rounded **up**
    /// (Binance's definition: ≥ 1,000,000 liquidates). `u64::MAX` when
    /// equity ≤ 0 with maintenance > 0; 0 when maintenance is 0.
    pub margin_ratio_ppm: u64,
    /// Healthy, liquidatable or bankrupt.
    pub state: HealthState,
}

/// Where a liquidation may stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `equity ≥ ceil(maintenance × (1 + buffer))`, buffer ≤ 100 %.
    Maintenance {
        /// Extra fraction of maintenance to restore (hysteresis).
        buffer: Ppm,
    },
    /// `equity ≥ initial requirement`.
    Initial,
}

impl Target {
    /// Plain maintenance, no buffer.
    pub const MAINTENANCE: Target = Target::Maintenance { buffer: Ppm(0) };

    /// Rejects a buffer above 100 %.
    pub fn validate(&self) -> Result<()> {
        match self {
            Target::Maintenance { buffer } => buffer.at_most_one(Error::InvalidBuffer).map(|_| ()),
            Target::Initial => Ok(()),
        }
    }

    /// The requirement kind the target scales.
    pub(crate) fn kind(&self) -> RequirementKind {
        match self {
            Target::Maintenance { .. } => RequirementKind::Maintenance,
            Target::Initial => RequirementKind::Initial,
        }
    }

    /// `1e6 + buffer` (the multiplier in ppm applied to the requirement).
    pub(crate) fn multiplier_ppm(&self) -> i128 {
        match self {
            Target::Maintenance { buffer } => PPM.saturating_add(i128::from(buffer.0)),
            Target::Initial => PPM,
        }
    }

    /// The equity the target asks for, given the pool's sums. Rounded up.
    pub(crate) fn required(&self, sums: &Sums) -> Result<i128> {
        match self {
            Target::Maintenance { .. } => num::mul_div(sums.maintenance, self.multiplier_ppm(), PPM, Rounding::Ceil),
            Target::Initial => Ok(sums.initial),
        }
    }

    /// The equity the target asks for, for a computed [`Health`]. Rounded up.
    ///
    /// # Errors
    /// [`Error::InvalidBuffer`] for a buffer above 100 % (as
    /// [`Self::validate`]); [`Error::Overflow`] when the figure does not fit.
    pub fn required_equity(&self, health: &Health) -> Result<Quote> {
        self.validate()?;
        let sums = Sums {
            equity: i128::from(health.equity.0),
            initial: i128::from(health.initial_requirement.0),
            maintenance: i128::from(health.maintenance_requirement.0),
        };
        Quote::from_i128(self.required(&sums)?)
    }
}

/// Exact-integer totals of a pool (the per-position rounding already done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Sums {
    pub equity: i128,
    pub initial: i128,
    pub maintenance: i128,
}

impl Sums {
    pub(crate) fn add(self, o: Sums) -> Result<Sums> {
        Ok(Sums {
            equity: num::add(self.equity, o.equity)?,
            initial: num::add(self.initial, o.initial)?,
            maintenance: num::add(self.maintenance, o.maintenance)?,
        })
    }

    pub(crate) fn sub(self, o: Sums) -> Result<Sums> {
        Ok(Sums {
            equity: num::sub(self.equity, o.equity)?,
            initial: num::sub(self.initial, o.initial)?,
            maintenance: num::sub(self.maintenance, o.maintenance)?,
        })
    }
}

/// The market and mark price a position needs; errors if either is missing.
pub(crate) fn market_and_price<'m>(markets: &'m [Market], prices: &[Price], market_index: u32) -> Result<(&'m Market, i128)> {
    let i = usize::try_from(market_index).map_err(|_| Error::UnknownMarket)?;
    let market = markets.get(i).ok_or(Error::UnknownMarket)?;
    let price = prices.get(i).ok_or(Error::MissingPrice)?.0;
    if price == 0 {
        return Err(Error::MissingPrice);
    }
    if price < 0 {
        return Err(Error::NegativePrice);
    }
    Ok((market, i128::from(price)))
}

/// One position's contribution: value rounded down, requirements rounded up.
pub(crate) fn position_terms(market: &Market, size: i128, price: i128, quote_balance: i128) -> Result<Sums> {
    if size == 0 {
        return Ok(Sums { equity: quote_balance, initial: 0, maintenance: 0 });
    }
    // The exact scaled notional once: its floor is the value, its magnitude
    // carries both requirements (the tier found once).
    let scaled = market.scaled_notional(size, price)?;
    let value = num::add(num::div_pow10(scaled, market.checked_denominator_exponent()?, Rounding::Floor)?, quote_balance)?;
    let (initial, maintenance) = market.requirements_scaled_abs(scaled.checked_abs().ok_or(Error::Overflow)?)?;
    Ok(Sums { equity: value, initial, maintenance })
}

/// Terms of a stored position (size zero needs neither market price nor
/// tier, but its market must exist).
pub(crate) fn stored_position_terms(p: &Position, markets: &[Market], prices: &[Price]) -> Result<Sums> {
    if p.size.0 == 0 {
        let i = usize::try_from(p.market_index).map_err(|_| Error::UnknownMarket)?;
        markets.get(i).ok_or(Error::UnknownMarket)?;
        return Ok(Sums { equity: i128::from(p.quote_balance.0), initial: 0, maintenance: 0 });
    }
    let (market, price) = market_and_price(markets, prices, p.market_index)?;
    position_terms(market, i128::from(p.size.0), price, i128::from(p.quote_balance.0))
}

/// Exact sums of a pool as stored.
pub(crate) fn pool_sums(pool: &Pool<'_>, markets: &[Market], prices: &[Price]) -> Result<Sums> {
    let mut s = Sums { equity: i128::from(pool.collateral.0), initial: 0, maintenance: 0 };
    for p in pool.positions {
        s = s.add(stored_position_terms(p, markets, prices)?)?;
    }
    Ok(s)
}

/// Exact sums of a pool with `adjust(i) = (size_delta, quote_delta)` applied
/// to each position, leaving out position `skip`. A position an adjustment
/// closes needs no price.
pub(crate) fn pool_sums_adjusted(
    pool: &Pool<'_>,
    markets: &[Market],
    prices: &[Price],
    skip: Option<usize>,
    adjust: &dyn Fn(usize) -> (i128, i128),
) -> Result<Sums> {
    let mut s = Sums { equity: i128::from(pool.collateral.0), initial: 0, maintenance: 0 };
    for (i, p) in pool.positions.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let (ds, dq) = adjust(i);
        if ds == 0 && dq == 0 {
            s = s.add(stored_position_terms(p, markets, prices)?)?;
            continue;
        }
        let size = num::add(i128::from(p.size.0), ds)?;
        let qb = num::add(i128::from(p.quote_balance.0), dq)?;
        let terms = if size == 0 {
            let mi = usize::try_from(p.market_index).map_err(|_| Error::UnknownMarket)?;
            markets.get(mi).ok_or(Error::UnknownMarket)?;
            Sums { equity: qb, initial: 0, maintenance: 0 }
        } else {
            let (m, price) = market_and_price(markets, prices, p.market_index)?;
            position_terms(m, size, price, qb)?
        };
        s = s.add(terms)?;
    }
    Ok(s)
}

impl Health {
    /// Health from exact sums; errors if a figure does not fit `i64`.
    pub(crate) fn from_sums(s: &Sums) -> Result<Health> {
        let equity = Quote::from_i128(s.equity)?;
        let initial_requirement = Quote::from_i128(s.initial)?;
        let maintenance_requirement = Quote::from_i128(s.maintenance)?;
        let free_collateral = Quote::from_i128(num::sub(s.equity, s.initial)?)?;
        let margin_ratio_ppm = if s.maintenance == 0 {
            0
        } else if s.equity <= 0 {
            u64::MAX
        } else {
            // MM × 1e6 / equity, rounded up; saturates above u64::MAX.
            let r = num::mul_div(s.maintenance, PPM, s.equity, Rounding::Ceil)?;
            u64::try_from(r).unwrap_or(u64::MAX)
        };
        let state = if s.equity < 0 {
            HealthState::Bankrupt
        } else if s.maintenance > 0 && s.equity < s.maintenance {
            HealthState::Liquidatable
        } else {
            HealthState::Healthy
        };
        Ok(Health { equity, initial_requirement, maintenance_requirement, free_collateral, margin_ratio_ppm, state })
    }

    /// True when the pool must be liquidated (liquidatable or bankrupt).
    #[must_use]
    pub fn needs_liquidation(&self) -> bool {
        self.state != HealthState::Healthy
    }
}

/// Health of one margin pool at the given mark prices (`prices[i]` is the
/// mark of `markets[i]`).
///
/// Errors: [`Error::UnknownMarket`] for a position whose market index is not
/// in `markets`; [`Error::MissingPrice`] / [`Error::NegativePrice`] for a
/// non-zero position whose price is absent, zero or negative;
/// [`Error::Overflow`] when a figure does not fit.
pub fn pool_health(pool: &Pool<'_>, markets: &[Market], prices: &[Price]) -> Result<Health> {
    Health::from_sums(&pool_sums(pool, markets, prices)?)
}

/// Health of a whole account.
///
/// Cross margin: the health of its one pool.
///
/// Isolated margin: the account is its position pools plus its free
/// collateral, which is a margin pool of its own with no positions (healthy
/// when ≥ 0; negative, a debt nothing backs: bankrupt). The figures
/// (equity, requirements, free collateral) are the sums over all those
/// pools, the margin ratio is computed from the sums, and the **state is
/// the worst state of any of those pools** — never the state of the sums:
/// an isolated pool in trouble is liquidated on its own however much the
/// others hold, and negative free collateral makes the account bankrupt
/// however healthy its positions are.
///
/// Errors: as [`pool_health`] for any pool, and [`Error::Overflow`] when a
/// sum does not fit.
pub fn account_health(account: &Account<'_>, markets: &[Market], prices: &[Price]) -> Result<Health> {
    match account.mode {
        MarginMode::Cross => pool_health(&account.pool(0)?, markets, prices),
        MarginMode::Isolated => {
            // The free-collateral pool: collateral, no positions.
            let mut total = Sums { equity: i128::from(account.collateral.0), initial: 0, maintenance: 0 };
            let mut worst = Health::from_sums(&total)?.state;
            for i in 0..account.pool_count() {
                let s = pool_sums(&account.pool(i)?, markets, prices)?;
                worst = worst.max(Health::from_sums(&s)?.state);
                total = total.add(s)?;
            }
            let mut h = Health::from_sums(&total)?;
            h.state = worst;
            Ok(h)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::num::Size;

    fn markets() -> [Market; 2] {
        // M0: e = 0, 10 % / 5 %. M1: price in cents (e = −2), 20 % / 10 %.
        [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)), Market::single_tier(-2, 1, 1, Ppm(200_000), Ppm(100_000))]
    }
    const PRICES: [Price; 2] = [Price(100), Price(12_345)];

    fn positions() -> [Position; 2] {
        [
            Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_000) },
            Position { market_index: 1, size: Size(-3), quote_balance: Quote(400) },
        ]
    }

    #[test]
    fn cross_pool_by_hand() {
        let ps = positions();
        // pos0: 100 × 100 − 9,000 = 1,000; IM 1,000; MM 500.
        // pos1: −3 × 123.45 = −370.35 → floor −371, + 400 = 29;
        //       IM ceil(74.07) = 75; MM ceil(37.035) = 38.
        // equity = 100 + 1,000 + 29 = 1,129; IM 1,075; MM 538; free 54;
        // ratio = ceil(538e6 / 1,129) = ceil(476,527.9…) = 476,528.
        let h = pool_health(&Pool::new(Quote(100), &ps), &markets(), &PRICES).unwrap();
        assert_eq!(h.equity, Quote(1_129));
        assert_eq!(h.initial_requirement, Quote(1_075));
        assert_eq!(h.maintenance_requirement, Quote(538));
        assert_eq!(h.free_collateral, Quote(54));
        assert_eq!(h.margin_ratio_ppm, 476_528);
        assert_eq!(h.state, HealthState::Healthy);
        // collateral −600: equity −600 + 1,029 = 429 < 538 → liquidatable;
        // ratio ceil(538e6 / 429) = ceil(1,254,079.25) = 1,254,080.
        let h = pool_health(&Pool::new(Quote(-600), &ps), &markets(), &PRICES).unwrap();
        assert_eq!((h.equity, h.state, h.margin_ratio_ppm), (Quote(429), HealthState::Liquidatable, 1_254_080));
        assert!(h.needs_liquidation());
        // collateral −1,200: equity −171 → bankrupt, ratio saturates.
        let h = pool_health(&Pool::new(Quote(-1_200), &ps), &markets(), &PRICES).unwrap();
        assert_eq!((h.equity, h.state, h.margin_ratio_ppm), (Quote(-171), HealthState::Bankrupt, u64::MAX));
        // Exactly at maintenance is healthy: collateral −491 → equity 538 = MM.
        let h = pool_health(&Pool::new(Quote(-491), &ps), &markets(), &PRICES).unwrap();
        assert_eq!((h.equity, h.state, h.margin_ratio_ppm), (Quote(538), HealthState::Healthy, 1_000_000));
    }

    #[test]
    fn empty_and_closed_positions() {
        // No positions: MM = 0 → healthy with ratio 0, unless equity < 0.
        let h = pool_health(&Pool::new(Quote(5), &[]), &markets(), &PRICES).unwrap();
        assert_eq!((h.equity, h.maintenance_requirement, h.margin_ratio_ppm, h.state), (Quote(5), Quote(0), 0, HealthState::Healthy));
        let h = pool_health(&Pool::new(Quote(-5), &[]), &markets(), &PRICES).unwrap();
        assert_eq!(h.state, HealthState::Bankrupt);
        // A size-0 position counts its quote balance and needs no price.
        let ps = [Position { market_index: 1, size: Size(0), quote_balance: Quote(7) }];
        let h = pool_health(&Pool::new(Quote(0), &ps), &markets(), &[]).unwrap();
        assert_eq!(h.equity, Quote(7));
    }

    #[test]
    fn bad_input_errors() {
        let mut ps = positions();
        ps[1].market_index = 2;
        assert_eq!(pool_health(&Pool::new(Quote(0), &ps), &markets(), &PRICES), Err(Error::UnknownMarket));
        let ps = positions();
        assert_eq!(pool_health(&Pool::new(Quote(0), &ps), &markets(), &PRICES[..1]), Err(Error::MissingPrice));
        assert_eq!(pool_health(&Pool::new(Quote(0), &ps), &markets(), &[Price(100), Price(0)]), Err(Error::MissingPrice));
        assert_eq!(pool_health(&Pool::new(Quote(0), &ps), &markets(), &[Price(-1), Price(5)]), Err(Error::NegativePrice));
        // Equity beyond i64: i64::MAX collateral plus 1,129 of positions.
        assert_eq!(pool_health(&Pool::new(Quote(i64::MAX), &ps), &markets(), &PRICES), Err(Error::Overflow));
        // Extreme sizes: |i64::MIN| × i64::MAX fits i128 but not × a fraction.
        let ps = [Position { market_index: 0, size: Size(i64::MIN), quote_balance: Quote(0) }];
        assert_eq!(pool_health(&Pool::new(Quote(0), &ps), &markets(), &[Price(i64::MAX), Price(1)]), Err(Error::Overflow));
        assert_eq!(Target::Maintenance { buffer: Ppm(1_000_001) }.validate(), Err(Error::InvalidBuffer));
    }

    #[test]
    fn isolated_pools() {
        // Pool 0: 100 × 90 − 9,000 = 0 equity, MM 450 → liquidatable.
        // Pool 1: −3 × 123.45 + 400 = 29 equity, MM 38 → liquidatable too; make it healthy with 500.
        let mut ps = positions();
        ps[1].quote_balance = Quote(500); // −371 + 500 = 129 ≥ 38
        let acct = Account { collateral: Quote(1_000), positions: &ps, mode: MarginMode::Isolated };
        let prices = [Price(90), Price(12_345)];
        assert_eq!(acct.pool_count(), 2);
        let h0 = pool_health(&acct.pool(0).unwrap(), &markets(), &prices).unwrap();
        assert_eq!((h0.equity, h0.maintenance_requirement, h0.state), (Quote(0), Quote(450), HealthState::Liquidatable));
        let h1 = pool_health(&acct.pool(1).unwrap(), &markets(), &prices).unwrap();
        assert_eq!((h1.equity, h1.state), (Quote(129), HealthState::Healthy));
        // The account: 1,000 + 0 + 129 = 1,129 equity, MM 488 — healthy in sum,
        // but an isolated pool is in trouble, so the state is the worst one.
        let h = account_health(&acct, &markets(), &prices).unwrap();
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (Quote(1_129), Quote(488), HealthState::Liquidatable));
        assert_eq!(acct.pool(2).err(), Some(Error::UnknownPosition));
        let cross = Account::cross(Quote(1_000), &ps);
        assert_eq!(cross.pool(1).err(), Some(Error::UnknownPosition));
        assert_eq!(account_health(&cross, &markets(), &prices).unwrap().equity, Quote(1_129));
    }

    #[test]
    fn isolated_state_is_the_worst_pool_with_the_collateral_as_one() {
        let ms = markets();
        let iso = |c: i64, ps: &[Position], prices: &[Price]| {
            account_health(&Account { collateral: Quote(c), positions: ps, mode: MarginMode::Isolated }, &ms, prices).unwrap()
        };
        let mut ps = positions();
        ps[1].quote_balance = Quote(500);
        // At PRICES: pool 0: 10,000 − 9,000 = 1,000, IM 1,000, MM 500: healthy.
        // Pool 1: −371 + 500 = 129, IM 75, MM 38: healthy.
        // Every pool healthy, collateral −1,000, pool 1 alone: the sums
        // are 129 − 1,000 = −871 (IM 75, MM 38); the collateral pool is
        // bankrupt, so is the account.
        let h = iso(-1_000, &ps[1..], &PRICES);
        assert_eq!(
            (h.equity, h.initial_requirement, h.maintenance_requirement, h.free_collateral, h.margin_ratio_ppm, h.state),
            (Quote(-871), Quote(75), Quote(38), Quote(-946), u64::MAX, HealthState::Bankrupt)
        );
        // Both pools, collateral −1: sums 1,128 ≥ MM 538 (healthy by the
        // sums), but the collateral pool is bankrupt. Ratio from the sums:
        // ceil(538e6 / 1,128) = ceil(476,950.35…) = 476,951.
        let h = iso(-1, &ps, &PRICES);
        assert_eq!(
            (h.equity, h.initial_requirement, h.maintenance_requirement, h.free_collateral, h.margin_ratio_ppm, h.state),
            (Quote(1_128), Quote(1_075), Quote(538), Quote(53), 476_951, HealthState::Bankrupt)
        );
        // Collateral −1,000: sums 129 < 538 would say liquidatable; bankrupt.
        let h = iso(-1_000, &ps, &PRICES);
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (Quote(129), Quote(538), HealthState::Bankrupt));
        // Collateral 0: the collateral pool is healthy (no maintenance).
        let h = iso(0, &ps, &PRICES);
        assert_eq!((h.equity, h.state), (Quote(1_129), HealthState::Healthy));
        // Positive collateral, pool 0 liquidatable at 90 (0 vs 450): the
        // sums 1,000 + 0 + 129 = 1,129 vs 488 would say healthy.
        let h = iso(1_000, &ps, &[Price(90), Price(12_345)]);
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (Quote(1_129), Quote(488), HealthState::Liquidatable));
        // Positive collateral, pool 0 bankrupt at 85 (8,500 − 9,000 = −500):
        // sums 5,000 − 500 + 129 = 4,629 vs MM ceil(425) + 38 = 463 would
        // say healthy; bankrupt.
        let h = iso(5_000, &ps, &[Price(85), Price(12_345)]);
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (Quote(4_629), Quote(463), HealthState::Bankrupt));
        // Negative collateral and a liquidatable pool: bankrupt (the worst).
        let h = iso(-1, &ps, &[Price(90), Price(12_345)]);
        assert_eq!((h.equity, h.state), (Quote(128), HealthState::Bankrupt));
        // No positions: the collateral pool alone (= a cross account).
        assert_eq!(iso(-1, &[], &PRICES).state, HealthState::Bankrupt);
        assert_eq!(iso(0, &[], &PRICES).state, HealthState::Healthy);
    }

    #[test]
    fn target_required_equity() {
        let h = pool_health(&Pool::new(Quote(100), &positions()), &markets(), &PRICES).unwrap();
        // MM 538 × 1.1 = 591.8 → 592; initial 1,075.
        assert_eq!(Target::Maintenance { buffer: Ppm(100_000) }.required_equity(&h).unwrap(), Quote(592));
        assert_eq!(Target::MAINTENANCE.required_equity(&h).unwrap(), Quote(538));
        assert_eq!(Target::Initial.required_equity(&h).unwrap(), Quote(1_075));
    }
}
