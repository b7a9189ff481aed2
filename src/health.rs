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
/// account, the sum over its pools with the worst state).
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
    pub fn required_equity(&self, health: &Health) -> Result<Quote> {
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
    let scaled = market.scaled_notional(size, price)?;
    let value = num::add(num::div_round(scaled, market.notional_denominator()?, Rounding::Floor)?, quote_balance)?;
    Ok(Sums {
        equity: value,
        initial: market.requirement_i128(size, price, RequirementKind::Initial)?,
        maintenance: market.requirement_i128(size, price, RequirementKind::Maintenance)?,
    })
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
/// Cross margin: the health of its one pool. Isolated margin: the figures
/// summed over its pools plus the free collateral, and the worst state of any
/// pool (an isolated pool in trouble is liquidated on its own).
pub fn account_health(account: &Account<'_>, markets: &[Market], prices: &[Price]) -> Result<Health> {
    match account.mode {
        MarginMode::Cross => pool_health(&account.pool(0)?, markets, prices),
        MarginMode::Isolated => {
            let mut total = Sums { equity: i128::from(account.collateral.0), initial: 0, maintenance: 0 };
            let mut worst = HealthState::Healthy;
            for i in 0..account.pool_count() {
                let s = pool_sums(&account.pool(i)?, markets, prices)?;
                worst = worst.max(Health::from_sums(&s)?.state);
                total = total.add(s)?;
            }
            let mut h = Health::from_sums(&total)?;
            h.state = h.state.max(worst);
            Ok(h)
        }
    }
}
