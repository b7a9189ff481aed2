//! Settlement: booking the engine's actual liquidation fill.
//!
//! Given the fill (signed quantity and price), settlement computes:
//!
//! * the **fill cash**: what the account receives for a sale (rounded down)
//!   or pays for a purchase (rounded up) — against the account;
//! * the **fee**: the market's liquidation fee on the fill notional (rounded
//!   up), **capped by the equity above bankruptcy**: the fee may only take
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
use crate::num::{self, Price, Quote, Rounding, Size, PPM};
use crate::pricing;

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
    /// Fee before the cap: `ceil(|fill notional| × fee)`.
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
    let den = market.notional_denominator()?;
    // The account sells (long) or buys (short) `units`: signed trade notional
    // σ·units·price, received rounded down / paid rounded up.
    let signed = market.scaled_notional(num::sub(0, i128::from(fill.size_delta.0))?, i128::from(fill.price.0))?;
    let fill_cash = num::div_round(signed, den, Rounding::Floor)?;
    let nominal_fee = num::mul_div(signed.checked_abs().ok_or(Error::Overflow)?, i128::from(market.liquidation_fee.0), num::mul(den, PPM)?, Rounding::Ceil)?;
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
