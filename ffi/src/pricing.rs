//! Pricing (the core's `pricing`): bankruptcy price, limit price, estimated
//! liquidation price.

use partliq::num::{Ppm, Size};
use partliq::pricing::{bankruptcy_price, estimated_liquidation_price, limit_price, LiquidationPrice};

use crate::account::partliq_position;
use crate::boundary::{index, OK};
use crate::market::partliq_market;
use crate::status::*;

/// Kind of an estimated liquidation price (`partliq_liquidation_price.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_liquidation_price_kind {
    /// No positive mark makes the pool liquidatable through this position.
    Never = 0,
    /// The pool is liquidatable at every positive mark of this position (a
    /// long: also when its top tiers are 100 % and the pool stays short of
    /// maintenance across them).
    Always = 1,
    /// The exact root rounded against the account (a long's up, a short's
    /// down): a long is liquidatable at every mark below `price` and at none
    /// from it up, a short at every mark above it and at none up to it.
    At = 2,
}

/// Bankruptcy figures of a close.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_bankruptcy {
    /// Signed cash the account must receive for the close (negative: it may
    /// pay at most `-quote`), rounded against the account.
    pub quote: i64,
    /// Per-unit price: a long's rounded up, a short's down. May be ≤ 0 for a
    /// long whose equity more than covers the closed units.
    pub price: i64,
}

/// An estimated liquidation price.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_liquidation_price {
    /// A `partliq_liquidation_price_kind`.
    pub kind: u32,
    /// 0.
    pub reserved: u32,
    /// The price when `kind` is `PARTLIQ_LIQUIDATION_PRICE_KIND_AT`, else 0.
    pub price: i64,
}

pin_layout!(partliq_bankruptcy, size = 16, align = i64, { quote @ 0, price @ 8 });
pin_layout!(partliq_liquidation_price, size = 16, align = i64, { kind @ 0, reserved @ 4, price @ 8 });

impl From<LiquidationPrice> for partliq_liquidation_price {
    fn from(lp: LiquidationPrice) -> Self {
        let (kind, price) = match lp {
            LiquidationPrice::Never => (partliq_liquidation_price_kind::Never, 0),
            LiquidationPrice::Always => (partliq_liquidation_price_kind::Always, 0),
            LiquidationPrice::At(p) => (partliq_liquidation_price_kind::At, p.0),
        };
        partliq_liquidation_price { kind: kind as u32, reserved: 0, price }
    }
}

/// Bankruptcy figures of closing `size_delta` (opposite in sign to the
/// position, at most its size) of position `position_index`: dYdX v4's
/// cross-margin formula, rounded against the account. Writes `*out` on
/// success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_FILL_QUANTITY`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_bankruptcy_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    size_delta: i64,
    out: *mut partliq_bankruptcy,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out);
    let i = check!(index(position_index));
    let view = check!(pool.view());
    let b = core_try!(bankruptcy_price(&view.pool(), view.markets, view.prices, i, Size(size_delta)));
    write_out!(out, partliq_bankruptcy { quote: b.quote.0, price: b.price.0 });
    OK
}

/// Limit price of the liquidation order for the whole position
/// `position_index`: the mark moved against the account by `band_ppm`, on
/// the tick, never beyond the bankruptcy price nor the mark; at least one
/// tick. Writes `*out_price` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_PRICE_BAND`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_limit_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    band_ppm: u32,
    out_price: *mut i64,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out_price);
    let i = check!(index(position_index));
    let view = check!(pool.view());
    let p = core_try!(limit_price(&view.pool(), view.markets, view.prices, i, Ppm(band_ppm)));
    write_out!(out_price, p.0);
    OK
}

/// Estimated liquidation price of position `position_index`: the mark at
/// which the pool's equity equals its maintenance requirement, the other
/// positions held at their marks (tier-consistent, 100 % tiers included;
/// rounded against the account). Writes `*out` on success.
///
/// The kind and price speak of the exact equity − maintenance. Health rounds
/// to whole quote units: with a quote exponent ≥ 0 `partliq_pool_health`
/// agrees with them exactly; with a negative one it may read up to one unit
/// short, so it may also report liquidatable where the exact margin above
/// maintenance is below one quote unit (a few price units on the healthy
/// side of `price`, or across a 100 % tier where a long's margin stays
/// below one unit).
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_estimated_liquidation_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    out: *mut partliq_liquidation_price,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out);
    let i = check!(index(position_index));
    let view = check!(pool.view());
    let lp = core_try!(estimated_liquidation_price(&view.pool(), view.markets, view.prices, i));
    write_out!(out, partliq_liquidation_price::from(lp));
    OK
}
