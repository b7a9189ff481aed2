//! Markets (the core's `market`): tiers, the market struct, its fee
//! rounding, `partliq_market_validate`.

use partliq::market::{MarginTier, Market};
use partliq::num::Rounding;

use crate::boundary::{decode, Castable, OK};
use crate::status::*;

/// Most margin tiers of a market (the core's `MAX_TIERS`).
pub const PARTLIQ_MAX_TIERS: usize = 16;

const _: () = assert!(PARTLIQ_MAX_TIERS == partliq::MAX_TIERS);

/// How a market rounds its liquidation fee
/// (`partliq_market.liquidation_fee_rounding`, `partliq_venue_fees.liquidation_fee_rounding`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_fee_rounding {
    /// Up, against the account (the default: 0, the field's old `reserved` value).
    Up = 0,
    /// Down (venues that round it down: dYdX v4, Perpetual Protocol v2, Aave v3.7).
    Down = 1,
}

abi_enum!(partliq_fee_rounding => Rounding { Up => Rounding::Ceil, Down => Rounding::Floor });

/// The ABI's fee rounding of a core rounding: a fee is never negative, so
/// truncation is rounding down.
pub(crate) fn fee_rounding_of(r: Rounding) -> u32 {
    match r {
        Rounding::Ceil => partliq_fee_rounding::Up as u32,
        Rounding::Floor | Rounding::TowardZero => partliq_fee_rounding::Down as u32,
    }
}

/// One margin tier of a market.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_margin_tier {
    /// Lowest position notional (quote units) the tier applies to; tier 0's is 0.
    pub notional_floor: i64,
    /// Initial margin fraction, ppm.
    pub initial_ppm: u32,
    /// Maintenance margin fraction, ppm (at most `initial_ppm`).
    pub maintenance_ppm: u32,
}

/// A market: units and risk parameters.
///
/// `notional = size × price × 10^quote_exponent` quote units.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct partliq_market {
    /// The engine's market id (informational: positions name markets by index).
    pub id: u32,
    /// Decimal exponent `e` in `[-18, 18]`.
    pub quote_exponent: i32,
    /// Smallest size increment, > 0.
    pub lot_step: i64,
    /// Smallest price increment, > 0.
    pub tick: i64,
    /// Margin tiers; the first `tier_count` are used, the rest ignored.
    pub tiers: [partliq_margin_tier; PARTLIQ_MAX_TIERS],
    /// Tiers in use, `1 ..= PARTLIQ_MAX_TIERS`.
    pub tier_count: u32,
    /// Liquidation fee on the liquidated notional, ppm.
    pub liquidation_fee_ppm: u32,
    /// The liquidator's share of the fee, ppm; the insurance fund gets the rest.
    pub liquidator_fee_share_ppm: u32,
    /// A `partliq_fee_rounding`: how the liquidation fee is rounded to a
    /// quote unit, `PARTLIQ_FEE_ROUNDING_UP` (0: against the account) or
    /// `PARTLIQ_FEE_ROUNDING_DOWN` (1). Any other value: `INVALID_ENUM`, from
    /// every function given the markets array (each market is checked, named
    /// by a position or not). (This was a `reserved` field that had to be 0:
    /// callers that set 0 keep their behaviour.)
    pub liquidation_fee_rounding: u32,
    /// A remainder with a notional below this (quote units) is closed whole.
    pub dust_floor: i64,
}

pin_layout!(partliq_margin_tier, size = 16, align = i64, { notional_floor @ 0, initial_ppm @ 8, maintenance_ppm @ 12 });
pin_layout!(partliq_market, size = 304, align = i64, {
    id @ 0, quote_exponent @ 4, lot_step @ 8, tick @ 16, tiers @ 24, tier_count @ 280,
    liquidation_fee_ppm @ 284, liquidator_fee_share_ppm @ 288, liquidation_fee_rounding @ 292, dust_floor @ 296,
});

// The caller's markets are read in place as the core's. Every field of both
// is a plain integer but the fee rounding, the core's `Rounding` enum: its
// ABI values are the enum's `Ceil` and `Floor` discriminants, and `check`
// refuses any other before a market is seen as the core's.
castable!(partliq_margin_tier => MarginTier, |_t| Ok(()), {
    notional_floor = notional_floor, initial_ppm = initial, maintenance_ppm = maintenance,
});
castable!(partliq_market => Market, |m| decode::<partliq_fee_rounding>(m.liquidation_fee_rounding).map(|_| ()), {
    id = id, quote_exponent = quote_exponent, lot_step = lot_step, tick = tick, tiers = tiers, tier_count = tier_count,
    liquidation_fee_ppm = liquidation_fee, liquidator_fee_share_ppm = liquidator_fee_share,
    liquidation_fee_rounding = liquidation_fee_rounding, dust_floor = dust_floor,
});
const _: () = {
    assert!(core::mem::size_of::<Rounding>() == core::mem::size_of::<u32>());
    assert!(partliq_fee_rounding::Up as u32 == Rounding::Ceil as u32);
    assert!(partliq_fee_rounding::Down as u32 == Rounding::Floor as u32);
};

/// The ABI's market of a core market (what `partliq_market_params_read`
/// returns).
#[cfg(target_has_atomic = "64")]
pub(crate) fn market_of(m: &Market) -> partliq_market {
    let mut tiers = [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS];
    for (t, c) in tiers.iter_mut().zip(m.tiers.iter()) {
        *t = partliq_margin_tier { notional_floor: c.notional_floor.0, initial_ppm: c.initial.0, maintenance_ppm: c.maintenance.0 };
    }
    partliq_market {
        id: m.id,
        quote_exponent: m.quote_exponent,
        lot_step: m.lot_step.0,
        tick: m.tick.0,
        tiers,
        tier_count: m.tier_count,
        liquidation_fee_ppm: m.liquidation_fee.0,
        liquidator_fee_share_ppm: m.liquidator_fee_share.0,
        liquidation_fee_rounding: fee_rounding_of(m.liquidation_fee_rounding),
        dust_floor: m.dust_floor.0,
    }
}

/// A caller's market as the core's, checked as `partliq_market_validate`
/// does.
pub(crate) fn valid_market(m: &partliq_market) -> Result<&Market, partliq_status> {
    let core = m.cast_ref()?;
    core.validate().map_err(status_of)?;
    Ok(core)
}

/// Checks every parameter of a market; each problem has its own status
/// (`PARTLIQ_STATUS_INVALID_LOT_STEP` … `PARTLIQ_STATUS_INVALID_DUST_FLOOR`,
/// `PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT` for a fee or fee share above
/// 100 %, `PARTLIQ_STATUS_INVALID_ENUM` for a fee rounding other than
/// `PARTLIQ_FEE_ROUNDING_UP` / `_DOWN`).
///
/// # Safety
/// `market` is NULL or points to an initialised `partliq_market`.
#[no_mangle]
pub unsafe extern "C" fn partliq_market_validate(market: *const partliq_market) -> partliq_status {
    let market = struct_in!(market);
    check!(valid_market(market));
    OK
}
