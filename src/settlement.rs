//! Settlement: booking the engine's actual liquidation fill.
//!
//! Given the fill (signed quantity and price), settlement computes:
//!
//! * the **fill cash**: what the account receives for a sale (rounded down)
//!   or pays for a purchase (rounded up) — against the account;
//! * the **fee**: the market's liquidation fee on the fill notional (rounded
//!   as the market's `liquidation_fee_rounding`: up, unless a venue preset
//!   reproduces a venue that rounds it down), **capped by the equity above
//!   bankruptcy**: the fee may only take
//!   what the fill earned beyond the bankruptcy quote of the closed units
//!   (dYdX v4's insurance fund delta), so a fee alone never bankrupts;
//! * its **split**: the liquidator's share rounded down, the rest to the
//!   insurance fund;
//! * the **bad debt**: when the fill is beyond the bankruptcy quote, the
//!   insurance fund tops the account up to it (the account ends as if filled
//!   at its bankruptcy price) and records the loss.
//!
//! Conservation, exact to the unit:
//! `position_quote_delta − fill_cash + fee_to_liquidator + insurance_fund_delta = 0`,
//! where `−fill_cash` is what the counterparty pays: nothing is created or
//! destroyed across account, counterparty, liquidator and insurance fund.

use crate::account::{Pool, Position};
use crate::error::{Error, Result};
use crate::health::{self, Health};
use crate::market::Market;
use crate::num::{self, Price, Quote, Rounding, Size};
use crate::pricing;
use crate::sizing;

/// An actual liquidation fill reported by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// Index of the liquidated position in the pool.
    pub position_index: usize,
    /// Signed size change: opposite to the position, at most its size.
    pub size_delta: Size,
    /// Fill price (> 0).
    pub price: Price,
}

/// Everything the engine books for a fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The position after the fill (size reduced, quote balance updated).
    pub new_position: Position,
    /// Cash from the fill: > 0 received (sale), < 0 paid; against the account.
    pub fill_cash: Quote,
    /// Bankruptcy quote of the closed units (see [`crate::pricing`]).
    pub bankruptcy_quote: Quote,
    /// Fee before the cap: `|fill notional| × fee`, rounded as the market's
    /// `liquidation_fee_rounding` (up by default).
    pub nominal_fee: Quote,
    /// Fee charged: `min(nominal, max(0, fill_cash − bankruptcy_quote))`.
    pub fee: Quote,
    /// Liquidator's share, rounded down.
    pub fee_to_liquidator: Quote,
    /// Insurance fund's share: `fee − fee_to_liquidator`.
    pub fee_to_insurance: Quote,
    /// `max(0, bankruptcy_quote − fill_cash)`: the loss the insurance fund
    /// covers so the account ends at its bankruptcy outcome.
    pub bad_debt: Quote,
    /// Net change of the insurance fund: `fee_to_insurance − bad_debt`.
    pub insurance_fund_delta: Quote,
    /// Change of the position's quote balance: `fill_cash − fee + bad_debt`.
    pub position_quote_delta: Quote,
    /// Pool health after booking.
    pub health_after: Health,
}

/// Books a liquidation fill of position `fill.position_index` of `pool`.
///
/// Errors: [`Error::InvalidFillQuantity`] for a zero, same-side or oversized
/// quantity; [`Error::InvalidFillPrice`] for a price ≤ 0; the pool's own
/// errors (unknown market, missing price, overflow).
pub fn settle_fill(pool: &Pool<'_>, markets: &[Market], prices: &[Price], fill: &Fill) -> Result<Settlement> {
    if fill.price.0 <= 0 {
        return Err(Error::InvalidFillPrice);
    }
    let ctx = pricing::context(pool, markets, prices, fill.position_index)?;
    let pos = pool.positions.get(fill.position_index).ok_or(Error::UnknownPosition)?;
    let units = pricing::closing_units(ctx.size, fill.size_delta)?;
    let market = ctx.market;
    // The account sells (long) or buys (short) `units`: the same cash and fee
    // rounding as sizing (received rounded down / paid rounded up; the fee
    // as the market says).
    let price = i128::from(fill.price.0);
    let fill_cash = sizing::close_cash(market, num::sub(0, i128::from(fill.size_delta.0))?, price)?;
    let nominal_fee = sizing::close_fee(market, units, price)?;
    let bankruptcy_quote = ctx.bankruptcy_quote(units)?;
    let excess = num::sub(fill_cash, bankruptcy_quote)?;
    let (fee, bad_debt) = if excess >= 0 { (nominal_fee.min(excess), 0) } else { (0, num::sub(0, excess)?) };
    let fee_to_liquidator = market.liquidator_fee_share.of(fee, Rounding::Floor)?;
    let fee_to_insurance = num::sub(fee, fee_to_liquidator)?;
    let position_quote_delta = num::add(num::sub(fill_cash, fee)?, bad_debt)?;
    let new_size = num::add(ctx.size, i128::from(fill.size_delta.0))?;
    let new_qb = num::add(ctx.quote_balance, position_quote_delta)?;
    let after = ctx.rest.add(health::position_terms(market, new_size, ctx.mark, new_qb)?)?;
    Ok(Settlement {
        new_position: Position {
            market_index: pos.market_index,
            size: Size(i64::try_from(new_size).map_err(|_| Error::Overflow)?),
            quote_balance: Quote::from_i128(new_qb)?,
        },
        fill_cash: Quote::from_i128(fill_cash)?,
        bankruptcy_quote: Quote::from_i128(bankruptcy_quote)?,
        nominal_fee: Quote::from_i128(nominal_fee)?,
        fee: Quote::from_i128(fee)?,
        fee_to_liquidator: Quote::from_i128(fee_to_liquidator)?,
        fee_to_insurance: Quote::from_i128(fee_to_insurance)?,
        bad_debt: Quote::from_i128(bad_debt)?,
        insurance_fund_delta: Quote::from_i128(num::sub(fee_to_insurance, bad_debt)?)?,
        position_quote_delta: Quote::from_i128(position_quote_delta)?,
        health_after: Health::from_sums(&after)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::health::HealthState;
    use crate::num::Ppm;

    /// Fee 1 %, 40 % of it to the liquidator.
    fn market() -> Market {
        crate::test_fixtures::fee_market(400_000)
    }

    fn settle(size_delta: i64, price: i64) -> Result<Settlement> {
        let ps = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) }];
        settle_fill(
            &Pool::new(Quote(0), &ps),
            &[market()],
            &[Price(100)],
            &Fill { position_index: 0, size_delta: Size(size_delta), price: Price(price) },
        )
    }

    fn conserved(s: &Settlement) {
        assert_eq!(s.position_quote_delta.0 - s.fill_cash.0 + s.fee_to_liquidator.0 + s.insurance_fund_delta.0, 0);
    }

    #[test]
    fn normal_fill() {
        // Sell 34 at 99: cash 3,366; bankruptcy quote 3,264 (see pricing); excess 102;
        // fee = min(ceil(33.66) = 34, 102) = 34; liquidator floor(34 × 40 %) = 13, fund 21.
        let s = settle(-34, 99).unwrap();
        assert_eq!((s.fill_cash, s.bankruptcy_quote, s.nominal_fee, s.fee), (Quote(3_366), Quote(3_264), Quote(34), Quote(34)));
        assert_eq!(
            (s.fee_to_liquidator, s.fee_to_insurance, s.bad_debt, s.insurance_fund_delta),
            (Quote(13), Quote(21), Quote(0), Quote(21))
        );
        // qb −9,600 + 3,366 − 34 = −6,268; 66 × 100 − 6,268 = 332 ≥ MM 330.
        assert_eq!(s.new_position, Position { market_index: 0, size: Size(66), quote_balance: Quote(-6_268) });
        assert_eq!((s.health_after.equity, s.health_after.state), (Quote(332), HealthState::Healthy));
        conserved(&s);
    }

    #[test]
    fn fee_capped_by_equity_above_bankruptcy() {
        // Sell 34 at 97: cash 3,298, excess 34, nominal ceil(32.98) = 33 → 33.
        let s = settle(-34, 97).unwrap();
        assert_eq!((s.nominal_fee, s.fee), (Quote(33), Quote(33)));
        // At 96.x: sell 34 at 96 → cash 3,264 = bankruptcy: no room, fee 0, no bad debt.
        let s = settle(-34, 96).unwrap();
        assert_eq!((s.nominal_fee, s.fee, s.bad_debt), (Quote(33), Quote(0), Quote(0)));
        conserved(&s);
    }

    #[test]
    fn fill_beyond_bankruptcy_is_bad_debt() {
        // Sell all 100 at 90: cash 9,000 < bankruptcy 9,600: the fund pays 600, no fee;
        // the position ends flat with quote balance −9,600 + 9,000 + 600 = 0.
        let s = settle(-100, 90).unwrap();
        assert_eq!((s.fee, s.bad_debt, s.insurance_fund_delta, s.position_quote_delta), (Quote(0), Quote(600), Quote(-600), Quote(9_600)));
        assert_eq!(s.new_position.quote_balance, Quote(0));
        assert_eq!(s.health_after.equity, Quote(0));
        conserved(&s);
    }

    #[test]
    fn short_fill_and_rounding() {
        // e = −2 (cents). Short 3 @ 100.00 (10,000), qb 320: value −300 + 320 = 20; MM 15.
        // Buy back 1 at 100.01: pays ceil(100.01) = 101 (against the account); fee ceil(1.0001) = 2.
        let mut m = market().with_exponent(-2);
        m.liquidator_fee_share = Ppm(1_000_000);
        let ps = [Position { market_index: 0, size: Size(-3), quote_balance: Quote(320) }];
        let s = settle_fill(
            &Pool::new(Quote(0), &ps),
            &[m],
            &[Price(10_000)],
            &Fill { position_index: 0, size_delta: Size(1), price: Price(10_001) },
        )
        .unwrap();
        // Bankruptcy: ΔMMR = 15 − 10 = 5, share floor(20 × 5 / 15) = 6 → −100 − 6 = −106; excess −101 + 106 = 5.
        assert_eq!(
            (s.fill_cash, s.bankruptcy_quote, s.nominal_fee, s.fee, s.fee_to_liquidator),
            (Quote(-101), Quote(-106), Quote(2), Quote(2), Quote(2))
        );
        assert_eq!(s.new_position, Position { market_index: 0, size: Size(-2), quote_balance: Quote(217) });
        conserved(&s);
    }

    #[test]
    fn bad_fills_are_errors() {
        assert_eq!(settle(0, 99), Err(Error::InvalidFillQuantity));
        assert_eq!(settle(1, 99), Err(Error::InvalidFillQuantity));
        assert_eq!(settle(-101, 99), Err(Error::InvalidFillQuantity));
        assert_eq!(settle(-1, 0), Err(Error::InvalidFillPrice));
        assert_eq!(settle(-1, -5), Err(Error::InvalidFillPrice));
        assert_eq!(settle(-100, i64::MAX).err(), Some(Error::Overflow));
    }
}
