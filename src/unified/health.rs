//! The health of a unified pool at three levels.
//!
//! # Three health levels, in order
//!
//! Each pool is measured at three levels (Mango v4's health types), each a
//! **collateral** (balances weighted, perp values, funding) against a
//! **requirement** (the perps' margin):
//!
//! | level | balances | perp requirement | perp value |
//! | --- | --- | --- | --- |
//! | initial | initial weights | initial, at the worse of all bids or all asks filling, with the √size premium | a gain weighted by the initial uPnL weight |
//! | liquidation end | initial weights | initial, at the current size | as it is |
//! | maintenance | maintenance weights | maintenance | as it is |
//!
//! Every step from one level to the next is stricter (weights lower or
//! liabilities heavier, requirements larger, a gain worth less), so
//! `health(initial) ≤ health(liquidation end) ≤ health(maintenance)`
//! always: initial health is what opening or withdrawing needs, maintenance
//! health below zero triggers liquidation, and liquidation-end health is a
//! safe place for a liquidation to stop.
//!
//! The **state** follows today's rule on the maintenance level: bankrupt
//! when the unweighted equity is negative, liquidatable when maintenance
//! health is negative, healthy otherwise. A [`MarginLadder`] adds the
//! graduated states a venue maps its own ladder onto (Binance portfolio
//! margin: warning below 150 % of maintenance, reduce-only below 120 %,
//! liquidation below 105 %, backstop below 100 %).
//!
//! # Funding
//!
//! dYdX's settlement: a market's cumulative funding index `I` (quote units
//! × 10⁻⁶ per unit of size) against the position's last one; the pool owes
//! `Σ (I − I_last) × size / 10⁶` (longs pay when the index rises), summed
//! over the pool's positions and rounded once, down (against the account).
//!
//! # Today's model as a special case
//!
//! A pool whose only balance is the quote asset at par (weights 100 %,
//! price 1, exponent 0), with no funding, no open orders and no perp risk
//! extras, has `collateral = equity` and the requirements of
//! [`crate::health::pool_health`] at every level: the same figures, unit
//! for unit.
//!
//! # Against Drift v2 and Mango v4
//!
//! `tests/conformance/{drift_v2,mango_v4}.rs` reproduce their health tests
//! to the unit (Drift through the replica `crate::venues::drift_v2`, Mango
//! by composing these figures in Mango's order) and pin partliq's own figure
//! beside theirs where the models differ on purpose: weights exact to the
//! ppm (Drift truncates to whole basis points), a short's value rounded
//! down (Drift truncates toward zero), the √size premium on the initial
//! level only, funding received counted whole at every level (Drift and
//! Mango weight it with the gain), no cap on a counted gain (Drift's $100)
//! and no second weighting of perp gains through a settle token (Mango).
//! Bank-wide deposit and borrow scaling and stable or strict prices per
//! level are not modelled here.

use super::{MarginBook, PerpPosition, PerpRisk, UnifiedAccount, UnifiedPool, MAX_BALANCES};
use crate::asset::AssetBalance;
use crate::error::{Error, Result};
use crate::health::{self, HealthState};
use crate::market::{Market, RequirementKind};
use crate::num::{self, Ppm, Quote, Rounding, PPM};

/// A health level (see the module docs), in order: each is at least as
/// strict as the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u32)]
pub enum HealthLevel {
    /// Opening, increasing, withdrawing.
    Initial = 0,
    /// Where a liquidation may stop.
    LiquidationEnd = 1,
    /// The liquidation trigger.
    Maintenance = 2,
}

/// A pool's figures at one health level, in quote units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct LevelFigures {
    /// Balances weighted at the level, perp values (at the initial level a
    /// gain weighted), unsettled funding; rounded down.
    pub collateral: Quote,
    /// The perps' margin requirement at the level; rounded up.
    pub requirement: Quote,
}

impl LevelFigures {
    /// `collateral − requirement`: negative below the level.
    pub fn health(&self) -> Result<i128> {
        num::sub(i128::from(self.collateral.0), i128::from(self.requirement.0))
    }
}

/// Graduated states of a pool, from its maintenance coverage
/// (`collateral / requirement` at the maintenance level), in order of
/// severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u32)]
pub enum MarginRung {
    /// Above every threshold.
    #[default]
    Safe = 0,
    /// Below the warning threshold: tell the user.
    Warning = 1,
    /// Below the reduce-only threshold: no new risk.
    ReduceOnly = 2,
    /// Below the liquidation threshold: liquidate.
    Liquidation = 3,
    /// Below the backstop threshold: hand over to the backstop.
    Backstop = 4,
}

/// A venue's ladder of maintenance coverage thresholds, in ppm of the
/// maintenance requirement (`1,000,000` = covered exactly); 0 turns a rung
/// off. Binance portfolio margin: warning 1,500,000, reduce-only 1,200,000,
/// liquidation 1,050,000, backstop 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct MarginLadder {
    /// Below this: [`MarginRung::Warning`].
    pub warning_ppm: u32,
    /// Below this: [`MarginRung::ReduceOnly`].
    pub reduce_only_ppm: u32,
    /// Below this: [`MarginRung::Liquidation`] (at least 1,000,000).
    pub liquidation_ppm: u32,
    /// Below this: [`MarginRung::Backstop`].
    pub backstop_ppm: u32,
}

impl MarginLadder {
    /// Liquidation below maintenance, no other rung: today's trigger.
    pub const STANDARD: MarginLadder = MarginLadder { warning_ppm: 0, reduce_only_ppm: 0, liquidation_ppm: 1_000_000, backstop_ppm: 0 };

    /// Binance portfolio margin's uniMMR ladder: 150 / 120 / 105 / 100 %.
    pub const BINANCE_PORTFOLIO_MARGIN: MarginLadder =
        MarginLadder { warning_ppm: 1_500_000, reduce_only_ppm: 1_200_000, liquidation_ppm: 1_050_000, backstop_ppm: 1_000_000 };

    /// [`Error::InvalidMarginLadder`] unless the liquidation threshold is at
    /// least 100 % and the thresholds set fall from warning to backstop.
    pub fn validate(&self) -> Result<()> {
        if self.liquidation_ppm < 1_000_000 {
            return Err(Error::InvalidMarginLadder);
        }
        let mut above = u32::MAX;
        for t in [self.warning_ppm, self.reduce_only_ppm, self.liquidation_ppm, self.backstop_ppm] {
            if t == 0 {
                continue;
            }
            if t > above {
                return Err(Error::InvalidMarginLadder);
            }
            above = t;
        }
        Ok(())
    }

    /// The rung of a pool with these maintenance figures (exact: collateral
    /// × 1e6 against threshold × requirement). With no requirement, a
    /// negative collateral is below every rung, otherwise safe.
    pub fn rung(&self, maintenance: &LevelFigures) -> Result<MarginRung> {
        let (c, r) = (i128::from(maintenance.collateral.0), i128::from(maintenance.requirement.0));
        let below = |t: u32| -> Result<bool> {
            if t == 0 {
                return Ok(false);
            }
            if r == 0 {
                return Ok(c < 0);
            }
            Ok(num::mul(c, PPM)? < num::mul(r, i128::from(t))?)
        };
        for (t, rung) in [
            (self.backstop_ppm, MarginRung::Backstop),
            (self.liquidation_ppm, MarginRung::Liquidation),
            (self.reduce_only_ppm, MarginRung::ReduceOnly),
            (self.warning_ppm, MarginRung::Warning),
        ] {
            if below(t)? {
                return Ok(rung);
            }
        }
        Ok(MarginRung::Safe)
    }
}

impl Default for MarginLadder {
    fn default() -> Self {
        MarginLadder::STANDARD
    }
}

/// The health of a unified pool (or, for [`unified_account_health`], the
/// sums over the account's pools with the worst state and rung).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedHealth {
    /// Unweighted: balances at their prices, perps at their marks, funding
    /// (each rounded down). Below zero the pool is bankrupt.
    pub equity: Quote,
    /// The initial level.
    pub initial: LevelFigures,
    /// The liquidation-end level.
    pub liquidation_end: LevelFigures,
    /// The maintenance level.
    pub maintenance: LevelFigures,
    /// Maintenance requirement over maintenance collateral in ppm, rounded
    /// up (as [`health::Health::margin_ratio_ppm`]): `u64::MAX` when the
    /// collateral is ≤ 0 with a requirement, 0 with none.
    pub margin_ratio_ppm: u64,
    /// Healthy, liquidatable or bankrupt (see the module docs).
    pub state: HealthState,
    /// The ladder's rung.
    pub rung: MarginRung,
}

impl UnifiedHealth {
    /// The figures of one level.
    #[must_use]
    pub fn level(&self, level: HealthLevel) -> LevelFigures {
        match level {
            HealthLevel::Initial => self.initial,
            HealthLevel::LiquidationEnd => self.liquidation_end,
            HealthLevel::Maintenance => self.maintenance,
        }
    }

    /// Today's [`health::Health`] of the pool: equity as the maintenance
    /// collateral, the initial requirement of the liquidation-end level.
    /// For a pool in today's model (see the module docs) it is exactly
    /// [`health::pool_health`]'s.
    pub fn as_health(&self) -> Result<health::Health> {
        let sums = health::Sums {
            equity: i128::from(self.maintenance.collateral.0),
            initial: i128::from(self.liquidation_end.requirement.0),
            maintenance: i128::from(self.maintenance.requirement.0),
        };
        let mut h = health::Health::from_sums(&sums)?;
        h.state = self.state;
        Ok(h)
    }
}

/// Exact running totals of one pool (see [`UnifiedHealth`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Totals {
    equity: i128,
    collateral: [i128; 3],
    requirement: [i128; 3],
    /// Σ (I − I_last) × size, in quote units × 10⁻⁶.
    funding_owed: i128,
}

const INITIAL: usize = 0;
pub(super) const LIQUIDATION_END: usize = 1;
pub(super) const MAINTENANCE: usize = 2;
/// Not a level: balances at their unweighted value (what bankruptcy is
/// judged on).
pub(super) const UNWEIGHTED: usize = 3;

impl Totals {
    fn add_collateral(&mut self, level: usize, v: i128) -> Result<()> {
        let slot = self.collateral.get_mut(level).ok_or(Error::OutOfRange)?;
        *slot = num::add(*slot, v)?;
        Ok(())
    }

    fn add_requirement(&mut self, level: usize, v: i128) -> Result<()> {
        let slot = self.requirement.get_mut(level).ok_or(Error::OutOfRange)?;
        *slot = num::add(*slot, v)?;
        Ok(())
    }

    /// A balance's value at every level.
    pub(super) fn balance(&mut self, b: &AssetBalance, book: &MarginBook<'_>) -> Result<()> {
        let (asset, price) = book.asset(b.asset_index)?;
        let f = asset.figures(i128::from(b.amount), price)?;
        self.equity = num::add(self.equity, f.value)?;
        self.add_collateral(INITIAL, f.initial)?;
        self.add_collateral(LIQUIDATION_END, f.initial)?;
        self.add_collateral(MAINTENANCE, f.maintenance)
    }

    fn position(&mut self, p: &PerpPosition, book: &MarginBook<'_>) -> Result<()> {
        if p.open_bids.0 < 0 || p.open_asks.0 < 0 {
            return Err(Error::NegativeOpenOrders);
        }
        let stored = p.position();
        let terms = health::stored_position_terms(&stored, book.markets, book.prices)?;
        self.equity = num::add(self.equity, terms.equity)?;
        for level in [LIQUIDATION_END, MAINTENANCE] {
            self.add_collateral(level, terms.equity)?;
        }
        self.add_requirement(LIQUIDATION_END, terms.initial)?;
        self.add_requirement(MAINTENANCE, terms.maintenance)?;
        self.funding(p, book)?;
        // The initial level: a gain weighted, the requirement at the worst
        // fill of the resting orders, with the √size premium.
        let risk = book.risk(p.market_index)?;
        let value = if terms.equity > 0 && risk.initial_upnl_weight != Ppm::ONE {
            risk.initial_upnl_weight.of(terms.equity, Rounding::Floor)?
        } else {
            terms.equity
        };
        self.add_collateral(INITIAL, value)?;
        let requirement = if !p.has_open_orders() && risk.imf_factor.0 == 0 {
            terms.initial
        } else {
            // The requirement grows with |size|: the worse fill is the side
            // that leaves the larger position.
            let (market, price) = health::market_and_price(book.markets, book.prices, p.market_index)?;
            let size = i128::from(p.size.0);
            let bids = num::add(size, i128::from(p.open_bids.0))?;
            let asks = num::sub(size, i128::from(p.open_asks.0))?;
            let worse = if bids.checked_abs().ok_or(Error::Overflow)? >= asks.checked_abs().ok_or(Error::Overflow)? { bids } else { asks };
            initial_with_premium(market, &risk, worse, price)?
        };
        self.add_requirement(INITIAL, requirement)
    }

    /// The funding a position owes since its last settlement (no price
    /// needed), added to the pool's sum.
    pub(super) fn funding(&mut self, p: &PerpPosition, book: &MarginBook<'_>) -> Result<()> {
        if let Some(index) = book.funding_index(p.market_index)? {
            let delta = num::sub(i128::from(index), i128::from(p.last_funding_index))?;
            self.funding_owed = num::add(self.funding_owed, num::mul(delta, i128::from(p.size.0))?)?;
        }
        Ok(())
    }

    /// The pool's funding, summed then rounded once, down (against the
    /// account): `−⌈Σ (I − I_last) × size / 1e6⌉`.
    pub(super) fn funding_total(&self) -> Result<i128> {
        num::sub(0, num::div_round(self.funding_owed, PPM, Rounding::Ceil)?)
    }

    /// The collateral summed so far at `level`, or the unweighted equity
    /// for [`UNWEIGHTED`].
    pub(super) fn collateral_at(&self, level: usize) -> Result<i128> {
        if level == UNWEIGHTED {
            return Ok(self.equity);
        }
        self.collateral.get(level).copied().ok_or(Error::OutOfRange)
    }

    fn finish(mut self, ladder: &MarginLadder) -> Result<UnifiedHealth> {
        let funding = self.funding_total()?;
        self.equity = num::add(self.equity, funding)?;
        for level in [INITIAL, LIQUIDATION_END, MAINTENANCE] {
            self.add_collateral(level, funding)?;
        }
        let figures = |level: usize| -> Result<LevelFigures> {
            Ok(LevelFigures {
                collateral: Quote::from_i128(*self.collateral.get(level).ok_or(Error::OutOfRange)?)?,
                requirement: Quote::from_i128(*self.requirement.get(level).ok_or(Error::OutOfRange)?)?,
            })
        };
        let maintenance = figures(MAINTENANCE)?;
        let (c, r) = (i128::from(maintenance.collateral.0), i128::from(maintenance.requirement.0));
        let state = if self.equity < 0 {
            HealthState::Bankrupt
        } else if c < r {
            HealthState::Liquidatable
        } else {
            HealthState::Healthy
        };
        let margin_ratio_ppm = if r == 0 {
            0
        } else if c <= 0 {
            u64::MAX
        } else {
            u64::try_from(num::mul_div(r, PPM, c, Rounding::Ceil)?).unwrap_or(u64::MAX)
        };
        Ok(UnifiedHealth {
            equity: Quote::from_i128(self.equity)?,
            initial: figures(INITIAL)?,
            liquidation_end: figures(LIQUIDATION_END)?,
            maintenance,
            margin_ratio_ppm,
            state,
            rung: ladder.rung(&maintenance)?,
        })
    }
}

/// Initial requirement of `size` at `price` with the √size premium:
/// `max(tiered, ⌈|N| × (0.8 × f₀ + imf × √S)⌉)` with `f₀` the first tier's
/// initial fraction and `√S` at least the exact root (`⌈√(|size| × unit)⌉ /
/// unit`): Drift's `max(r, 0.8 r + imf √S)` on a tiered market. Rounded up.
fn initial_with_premium(market: &Market, risk: &PerpRisk, size: i128, price: i128) -> Result<i128> {
    if size == 0 {
        return Ok(0);
    }
    let tiered = market.requirement_i128(size, price, RequirementKind::Initial)?;
    if risk.imf_factor.0 == 0 {
        return Ok(tiered);
    }
    let unit = i128::from(risk.imf_unit);
    let abs = size.checked_abs().ok_or(Error::Overflow)?;
    let root = num::isqrt(num::mul(abs, unit)?, Rounding::Ceil)?;
    let (f0, _) = market.tier_terms(0, RequirementKind::Initial)?;
    // Fraction × 5 × unit in ppm: 4 × f₀ × unit + 5 × imf × root.
    let fraction = num::add(num::mul(num::mul(4, i128::from(f0.0))?, unit)?, num::mul(num::mul(5, i128::from(risk.imf_factor.0))?, root)?)?;
    let scaled = market.scaled_notional(abs, price)?;
    let den = num::mul(num::mul(market.notional_denominator()?, PPM)?, num::mul(5, unit)?)?;
    let premium = match scaled.checked_mul(fraction) {
        Some(n) => num::div_round(n, den, Rounding::Ceil)?,
        None => num::mul_div_wide(scaled, fraction, den, Rounding::Ceil)?,
    };
    Ok(tiered.max(premium))
}

/// Health of one pool of a unified account (see the module docs), with the
/// ladder's rung.
///
/// Errors: [`Error::UnknownAsset`] / [`Error::UnknownMarket`] for a
/// balance or position naming what is not in the book;
/// [`Error::MissingPrice`] / [`Error::NegativePrice`]; the assets' and
/// perp risk's validation errors are not checked here (validate them once);
/// [`Error::NegativeOpenOrders`]; [`Error::MarketDataTooShort`];
/// [`Error::TooManyBalances`]; [`Error::InvalidMarginLadder`];
/// [`Error::Overflow`].
pub fn unified_pool_health(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, ladder: &MarginLadder) -> Result<UnifiedHealth> {
    unified_pool_health_read(pool, book, ladder, |_, b| *b, |_, p| *p)
}

/// [`unified_pool_health`] of `pool` with each balance read through
/// `balance` (given its index in `pool.balances` and the balance) and each
/// member position through `position` (given its index in the account's
/// positions): the health of an account holding what they return, without
/// copying it. The same terms, summed in the same order.
pub(super) fn unified_pool_health_read(
    pool: &UnifiedPool<'_>,
    book: &MarginBook<'_>,
    ladder: &MarginLadder,
    balance: impl Fn(usize, &AssetBalance) -> AssetBalance,
    position: impl Fn(usize, &PerpPosition) -> PerpPosition,
) -> Result<UnifiedHealth> {
    ladder.validate()?;
    pool_totals_read(pool, book, balance, position)?.finish(ladder)
}

fn pool_totals_read(
    pool: &UnifiedPool<'_>,
    book: &MarginBook<'_>,
    balance: impl Fn(usize, &AssetBalance) -> AssetBalance,
    position: impl Fn(usize, &PerpPosition) -> PerpPosition,
) -> Result<Totals> {
    if pool.balances.len() > MAX_BALANCES {
        return Err(Error::TooManyBalances);
    }
    let mut t = Totals::default();
    for (k, b) in pool.balances.iter().enumerate() {
        t.balance(&balance(k, b), book)?;
    }
    for (i, p) in pool.members() {
        t.position(&position(i, p), book)?;
    }
    Ok(t)
}

/// Health of a whole unified account: the figures summed over its pools,
/// the worst state and rung of any pool (each pool is liquidated on its
/// own).
pub fn unified_account_health(account: &UnifiedAccount<'_>, book: &MarginBook<'_>, ladder: &MarginLadder) -> Result<UnifiedHealth> {
    ladder.validate()?;
    let mut total: Option<UnifiedHealth> = None;
    for i in 0..account.pool_count() {
        let h = unified_pool_health(&account.pool(i)?, book, ladder)?;
        total = Some(match total {
            None => h,
            Some(t) => add_health(&t, &h)?,
        });
    }
    total.ok_or(Error::UnknownPosition)
}

fn add_health(a: &UnifiedHealth, b: &UnifiedHealth) -> Result<UnifiedHealth> {
    let q = |x: Quote, y: Quote| Quote::from_i128(num::add(i128::from(x.0), i128::from(y.0))?);
    let level = |x: &LevelFigures, y: &LevelFigures| -> Result<LevelFigures> {
        Ok(LevelFigures { collateral: q(x.collateral, y.collateral)?, requirement: q(x.requirement, y.requirement)? })
    };
    let maintenance = level(&a.maintenance, &b.maintenance)?;
    let (c, r) = (i128::from(maintenance.collateral.0), i128::from(maintenance.requirement.0));
    let margin_ratio_ppm = if r == 0 {
        0
    } else if c <= 0 {
        u64::MAX
    } else {
        u64::try_from(num::mul_div(r, PPM, c, Rounding::Ceil)?).unwrap_or(u64::MAX)
    };
    Ok(UnifiedHealth {
        equity: q(a.equity, b.equity)?,
        initial: level(&a.initial, &b.initial)?,
        liquidation_end: level(&a.liquidation_end, &b.liquidation_end)?,
        maintenance,
        margin_ratio_ppm,
        state: a.state.max(b.state),
        rung: a.rung.max(b.rung),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::account::Pool;
    use crate::asset::Asset;
    use crate::health::pool_health;
    use crate::num::{Ppm, Price, Size};

    /// e = 0, 10 % / 5 %.
    fn perp() -> Market {
        Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
    }

    /// The quote asset at par, and SOL in lamports with micro-USD prices
    /// (e = −9): weights 80 / 90 % and 120 / 110 %.
    fn assets() -> [Asset; 2] {
        [Asset::at_par(0), Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))]
    }

    #[test]
    fn quote_only_pool_is_today_s_pool() {
        // Long 100 @ 100, qb −9,600, collateral 50: equity 450, IM 1,000, MM 500.
        let markets = [perp()];
        let prices = [Price(100)];
        let assets = assets();
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1), Price(100_000_000)], ..MarginBook::perps(&markets, &prices) };
        let balances = [AssetBalance { asset_index: 0, amount: 50 }];
        let positions = [PerpPosition::cross(0, Size(100), Quote(-9_600))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        let today = pool_health(&Pool::new(Quote(50), &[positions[0].position()]), &markets, &prices).unwrap();
        assert_eq!(h.as_health().unwrap(), today);
        assert_eq!((h.equity, h.state), (Quote(450), HealthState::Liquidatable));
        for level in [h.initial, h.liquidation_end] {
            assert_eq!(level, LevelFigures { collateral: Quote(450), requirement: Quote(1_000) });
        }
        assert_eq!(h.maintenance, LevelFigures { collateral: Quote(450), requirement: Quote(500) });
    }

    #[test]
    fn weights_funding_and_orders_by_hand() {
        // 2 SOL deposit at $100 (200,000,000 µUSD): initial 160,000,000,
        // maintenance 180,000,000. A USDC borrow of 50,000,000 at par.
        // Perp (e = −6: size in micro-units, price in µUSD per unit): long
        // 1,000,000 (1 unit) at 50,000,000, qb −40,000,000: value 10,000,000;
        // IM 5,000,000, MM 2,500,000.
        let markets = [Market::single_tier(-6, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(50_000_000)];
        let assets = assets();
        // Funding: index rose 3 since the position's last (3 µ-quote per size
        // unit): owed 3 × 1,000,000 / 1e6 = 3.
        let funding = [103];
        let book = MarginBook {
            markets: &markets,
            prices: &prices,
            funding_indexes: &funding,
            perp_risk: &[],
            assets: &assets,
            asset_prices: &[Price(1), Price(100_000_000)],
        };
        let balances = [AssetBalance { asset_index: 1, amount: 2_000_000_000 }, AssetBalance { asset_index: 0, amount: -50_000_000 }];
        // Resting bids of 1 more unit: the initial requirement is at size 2:
        // 100,000,000 × 10 % = 10,000,000.
        let positions = [PerpPosition {
            last_funding_index: 100,
            open_bids: Size(1_000_000),
            ..PerpPosition::cross(0, Size(1_000_000), Quote(-40_000_000))
        }];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        // equity = 200,000,000 − 50,000,000 + 10,000,000 − 3 = 159,999,997.
        assert_eq!(h.equity, Quote(159_999_997));
        // initial: 160,000,000 − 50,000,000 + 10,000,000 − 3 = 119,999,997 vs 10,000,000.
        assert_eq!(h.initial, LevelFigures { collateral: Quote(119_999_997), requirement: Quote(10_000_000) });
        // liquidation end: same collateral, IM at the current size 5,000,000.
        assert_eq!(h.liquidation_end, LevelFigures { collateral: Quote(119_999_997), requirement: Quote(5_000_000) });
        // maintenance: 180,000,000 − 50,000,000 + 10,000,000 − 3 = 139,999,997 vs 2,500,000.
        assert_eq!(h.maintenance, LevelFigures { collateral: Quote(139_999_997), requirement: Quote(2_500_000) });
        assert_eq!(h.state, HealthState::Healthy);
        // ratio = ceil(2,500,000e6 / 139,999,997) = ceil(17,857.1432…) = 17,858.
        assert_eq!(h.margin_ratio_ppm, 17_858);
    }

    #[test]
    fn imf_premium_and_upnl_weight_by_hand() {
        // Drift-style market: one tier at 10 % initial; imf 0.1 % per √unit,
        // unit 1 (sizes in whole units), e = 0, price 100.
        let markets = [perp()];
        let prices = [Price(100)];
        let risk = [PerpRisk { imf_factor: Ppm(1_000), imf_unit: 1, initial_upnl_weight: Ppm(600_000) }];
        let book = MarginBook { perp_risk: &risk, ..MarginBook::perps(&markets, &prices) };
        // Long 10,000 @ 100 (notional 1,000,000), qb −990,000: value 10,000.
        // √10,000 = 100 exactly: premium fraction 0.8 × 10 % + 0.1 % × 100 = 18 %:
        // IM = max(100,000, 180,000) = 180,000. Gain 10,000 × 60 % = 6,000.
        let positions = [PerpPosition::cross(0, Size(10_000), Quote(-990_000))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(h.initial, LevelFigures { collateral: Quote(6_000), requirement: Quote(180_000) });
        assert_eq!(h.liquidation_end, LevelFigures { collateral: Quote(10_000), requirement: Quote(100_000) });
        // Long 25 (√25 = 5): premium 8 % + 0.5 % = 8.5 % < 10 %: the tier wins.
        let positions = [PerpPosition::cross(0, Size(25), Quote(-2_000))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(h.initial.requirement, Quote(250));
        // Long 26: √26 = 5.099… → 6 (up): 8 % + 0.6 % = 8.6 % < 10 %: 260.
        // Long 10,001: √ → 101: 8 % + 10.1 % = 18.1 % × 1,000,100 = 181,018.1 → 181,019.
        let positions = [PerpPosition::cross(0, Size(10_001), Quote(-990_000))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(h.initial.requirement, Quote(181_019));
    }

    #[test]
    fn cross_and_isolated_pools() {
        let markets = [perp()];
        let prices = [Price(100)];
        let assets = assets();
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1), Price(1)], ..MarginBook::perps(&markets, &prices) };
        let balances = [AssetBalance { asset_index: 0, amount: 1_000 }];
        // Cross long 100 @ qb −9,600 (value 400, MM 500) and an isolated
        // short 10 @ qb 1,100 (value 100, MM 50): the cross pool has 1,400
        // against 500; the isolated pool 100 against 50.
        let positions = [PerpPosition::cross(0, Size(100), Quote(-9_600)), PerpPosition::isolated(0, Size(-10), Quote(1_100))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        assert_eq!(account.pool_count(), 2);
        let cross = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(cross.maintenance, LevelFigures { collateral: Quote(1_400), requirement: Quote(500) });
        let iso = account.pool(1).unwrap();
        assert_eq!(iso.members().map(|(i, _)| i).collect::<std::vec::Vec<_>>(), [1]);
        let h = unified_pool_health(&iso, &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(h.maintenance, LevelFigures { collateral: Quote(100), requirement: Quote(50) });
        // The isolated short at qb 1,040: value 40 < MM 50 → the account is liquidatable
        // although its summed figures (1,440 vs 550) are healthy.
        let positions = [positions[0], PerpPosition::isolated(0, Size(-10), Quote(1_040))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let a = unified_account_health(&account, &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(
            (a.maintenance, a.state),
            (LevelFigures { collateral: Quote(1_440), requirement: Quote(550) }, HealthState::Liquidatable)
        );
        assert_eq!(account.pool(2).err(), Some(Error::UnknownPosition));
    }

    #[test]
    fn ladder_rungs_at_their_boundaries() {
        let l = MarginLadder::BINANCE_PORTFOLIO_MARGIN;
        l.validate().unwrap();
        let f = |c: i64| LevelFigures { collateral: Quote(c), requirement: Quote(1_000) };
        // Coverage exactly at a threshold is not below it.
        for (c, rung) in [
            (1_500, MarginRung::Safe),
            (1_499, MarginRung::Warning),
            (1_200, MarginRung::Warning),
            (1_199, MarginRung::ReduceOnly),
            (1_050, MarginRung::ReduceOnly),
            (1_049, MarginRung::Liquidation),
            (1_000, MarginRung::Liquidation),
            (999, MarginRung::Backstop),
            (-5, MarginRung::Backstop),
        ] {
            assert_eq!(l.rung(&f(c)).unwrap(), rung, "collateral {c}");
        }
        assert_eq!(MarginLadder::STANDARD.rung(&f(999)).unwrap(), MarginRung::Liquidation);
        assert_eq!(MarginLadder::STANDARD.rung(&f(1_000)).unwrap(), MarginRung::Safe);
        // No requirement: safe unless the collateral is negative.
        let none = |c: i64| LevelFigures { collateral: Quote(c), requirement: Quote(0) };
        assert_eq!(l.rung(&none(0)).unwrap(), MarginRung::Safe);
        assert_eq!(l.rung(&none(-1)).unwrap(), MarginRung::Backstop);
        let bad = MarginLadder { warning_ppm: 1_100_000, reduce_only_ppm: 1_200_000, ..l };
        assert_eq!(bad.validate(), Err(Error::InvalidMarginLadder));
        assert_eq!(MarginLadder { liquidation_ppm: 999_999, ..l }.validate(), Err(Error::InvalidMarginLadder));
    }

    #[test]
    fn bad_input_errors() {
        let markets = [perp()];
        let prices = [Price(100)];
        let assets = assets();
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1), Price(1)], ..MarginBook::perps(&markets, &prices) };
        let health = |balances: &[AssetBalance], positions: &[PerpPosition], book: &MarginBook<'_>| {
            let account = UnifiedAccount { balances, positions };
            unified_account_health(&account, book, &MarginLadder::STANDARD)
        };
        assert_eq!(health(&[AssetBalance { asset_index: 2, amount: 1 }], &[], &book).err(), Some(Error::UnknownAsset));
        let orders = PerpPosition { open_asks: Size(-1), ..PerpPosition::cross(0, Size(1), Quote(0)) };
        assert_eq!(health(&[], &[orders], &book).err(), Some(Error::NegativeOpenOrders));
        let short = MarginBook { funding_indexes: &[], perp_risk: &[PerpRisk::NONE; 0], ..book };
        assert!(health(&[], &[PerpPosition::cross(0, Size(1), Quote(0))], &short).is_ok());
        let two = [perp(), perp()];
        let two_prices = [Price(1), Price(1)];
        let too_short = MarginBook { funding_indexes: &[0], ..MarginBook::perps(&two, &two_prices) };
        assert_eq!(health(&[], &[PerpPosition::cross(0, Size(1), Quote(0))], &too_short).err(), Some(Error::MarketDataTooShort));
        let many = [AssetBalance::default(); MAX_BALANCES + 1];
        assert_eq!(health(&many, &[], &book).err(), Some(Error::TooManyBalances));
    }
}
