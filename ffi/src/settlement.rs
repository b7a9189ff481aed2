//! Settlement (the core's `settlement`): booking an actual fill.

use partliq::account::Position;
use partliq::health::Health;
use partliq::num::{Price, Quote, Size};
use partliq::settlement::{settle_fill, Fill, Settlement};

use crate::account::{partliq_position, position_of};
use crate::boundary::{decode, index, OK};
use crate::health::{partliq_health, partliq_health_state};
use crate::market::partliq_market;
use crate::status::*;

/// An actual liquidation fill reported by the engine.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_fill {
    /// Index of the liquidated position in the pool.
    pub position_index: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Signed size change: opposite to the position, at most its size.
    pub size_delta: i64,
    /// Fill price, > 0.
    pub price: i64,
}

/// Everything the engine books for a fill.
///
/// Conservation: `position_quote_delta − fill_cash + fee_to_liquidator +
/// insurance_fund_delta = 0`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_settlement {
    /// The position after the fill.
    pub new_position: partliq_position,
    /// Cash from the fill: > 0 received, < 0 paid; against the account.
    pub fill_cash: i64,
    /// Bankruptcy quote of the closed units.
    pub bankruptcy_quote: i64,
    /// Fee before the cap, rounded as the market's `liquidation_fee_rounding`
    /// (up by default).
    pub nominal_fee: i64,
    /// Fee charged: `min(nominal, max(0, fill_cash − bankruptcy_quote))`.
    pub fee: i64,
    /// Liquidator's share, rounded down.
    pub fee_to_liquidator: i64,
    /// Insurance fund's share: `fee − fee_to_liquidator`.
    pub fee_to_insurance: i64,
    /// Loss the insurance fund covers: `max(0, bankruptcy_quote − fill_cash)`.
    pub bad_debt: i64,
    /// Net change of the insurance fund: `fee_to_insurance − bad_debt`.
    pub insurance_fund_delta: i64,
    /// Change of the position's quote balance: `fill_cash − fee + bad_debt`.
    pub position_quote_delta: i64,
    /// Pool health after booking.
    pub health_after: partliq_health,
}

pin_layout!(partliq_fill, size = 24, align = i64, { position_index @ 0, reserved @ 4, size_delta @ 8, price @ 16 });
pin_layout!(partliq_settlement, size = 144, align = i64, {
    new_position @ 0, fill_cash @ 24, bankruptcy_quote @ 32, nominal_fee @ 40, fee @ 48, fee_to_liquidator @ 56,
    fee_to_insurance @ 64, bad_debt @ 72, insurance_fund_delta @ 80, position_quote_delta @ 88, health_after @ 96,
});

impl From<&Settlement> for partliq_settlement {
    fn from(s: &Settlement) -> Self {
        partliq_settlement {
            new_position: position_of(&s.new_position),
            fill_cash: s.fill_cash.0,
            bankruptcy_quote: s.bankruptcy_quote.0,
            nominal_fee: s.nominal_fee.0,
            fee: s.fee.0,
            fee_to_liquidator: s.fee_to_liquidator.0,
            fee_to_insurance: s.fee_to_insurance.0,
            bad_debt: s.bad_debt.0,
            insurance_fund_delta: s.insurance_fund_delta.0,
            position_quote_delta: s.position_quote_delta.0,
            health_after: partliq_health::from(&s.health_after),
        }
    }
}

impl partliq_settlement {
    /// The core's settlement of a caller's (`partliq_insurance_fund_book`):
    /// `RESERVED_NOT_ZERO`, then `INVALID_ENUM` for the health state.
    pub(crate) fn to_core(self) -> Result<Settlement, partliq_status> {
        if self.new_position.reserved != 0 || self.health_after.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let h = &self.health_after;
        Ok(Settlement {
            new_position: Position {
                market_index: self.new_position.market_index,
                size: Size(self.new_position.size),
                quote_balance: Quote(self.new_position.quote_balance),
            },
            fill_cash: Quote(self.fill_cash),
            bankruptcy_quote: Quote(self.bankruptcy_quote),
            nominal_fee: Quote(self.nominal_fee),
            fee: Quote(self.fee),
            fee_to_liquidator: Quote(self.fee_to_liquidator),
            fee_to_insurance: Quote(self.fee_to_insurance),
            bad_debt: Quote(self.bad_debt),
            insurance_fund_delta: Quote(self.insurance_fund_delta),
            position_quote_delta: Quote(self.position_quote_delta),
            health_after: Health {
                equity: Quote(h.equity),
                initial_requirement: Quote(h.initial_requirement),
                maintenance_requirement: Quote(h.maintenance_requirement),
                free_collateral: Quote(h.free_collateral),
                margin_ratio_ppm: h.margin_ratio_ppm,
                state: decode::<partliq_health_state>(h.state)?,
            },
        })
    }
}

/// Books the engine's actual liquidation fill: fill cash, the fee capped by
/// the equity above bankruptcy, its split, bad debt, the insurance fund
/// delta, the position after the fill (with the caller's market index) and
/// the pool's health after it. Writes `*out` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_FILL_QUANTITY`, `INVALID_FILL_PRICE`, `RESERVED_NOT_ZERO`.
///
/// # Safety
/// As `partliq_pool_health`; `fill` is NULL or points to an initialised
/// `partliq_fill`.
#[no_mangle]
pub unsafe extern "C" fn partliq_settle_fill(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    fill: *const partliq_fill,
    out: *mut partliq_settlement,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let fill = struct_in!(fill);
    out!(out);
    if fill.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let i = check!(index(fill.position_index));
    let view = check!(pool.view());
    let f = Fill { position_index: i, size_delta: Size(fill.size_delta), price: Price(fill.price) };
    let s = core_try!(settle_fill(&view.pool(), view.markets, view.prices, &f));
    write_out!(out, partliq_settlement::from(&s));
    OK
}
