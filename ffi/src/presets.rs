//! Venue presets (the core's `presets`): each venue's policy and market
//! parameters, `partliq_preset_apply`.

use partliq::error::Error;
use partliq::num::{Ppm, Quote};
use partliq::presets::{self, Preset, VenueFees};

use crate::boundary::{decode, OK};
use crate::market::{fee_rounding_of, partliq_fee_rounding, partliq_market};
use crate::policy::partliq_policy;
use crate::status::*;
use crate::venues::partliq_dydx_liquidation_config;

/// The market-side parameters a venue fixes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_venue_fees {
    /// Liquidation fee on the liquidated notional, ppm (≤ 1,000,000).
    pub liquidation_fee_ppm: u32,
    /// The liquidator's share of it, ppm (≤ 1,000,000).
    pub liquidator_fee_share_ppm: u32,
    /// Remainders below this notional close whole (≥ 0; 0 = none).
    pub dust_floor: i64,
    /// A `partliq_fee_rounding`: how the venue rounds the fee
    /// (`partliq_preset_apply` writes it into the market). Other values:
    /// `INVALID_ENUM`.
    pub liquidation_fee_rounding: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// A venue's policy and market parameters.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_preset {
    /// The liquidation policy.
    pub policy: partliq_policy,
    /// Fee, its rounding, fee split and dust floor for the venue's markets
    /// (`partliq_preset_apply`).
    pub fees: partliq_venue_fees,
}

pin_layout!(partliq_venue_fees, size = 24, align = i64, {
    liquidation_fee_ppm @ 0, liquidator_fee_share_ppm @ 4, dust_floor @ 8, liquidation_fee_rounding @ 16, reserved @ 20,
});
pin_layout!(partliq_preset, size = 256, align = i64, { policy @ 0, fees @ 232 });

// ---------------------------------------------------------------------------
// Conversions.

impl partliq_venue_fees {
    /// The core's fees, checked: `RESERVED_NOT_ZERO`, `INVALID_ENUM` (fee
    /// rounding), then what `partliq_market_validate` refuses.
    pub(crate) fn to_core(self) -> Result<VenueFees, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let liquidation_fee_rounding = decode::<partliq_fee_rounding>(self.liquidation_fee_rounding)?;
        let fees = VenueFees {
            liquidation_fee: Ppm(self.liquidation_fee_ppm),
            liquidation_fee_rounding,
            liquidator_fee_share: Ppm(self.liquidator_fee_share_ppm),
            dust_floor: Quote(self.dust_floor),
        };
        fees.validate().map_err(status_of)?;
        Ok(fees)
    }
}

impl From<&VenueFees> for partliq_venue_fees {
    fn from(f: &VenueFees) -> Self {
        partliq_venue_fees {
            liquidation_fee_ppm: f.liquidation_fee.0,
            liquidator_fee_share_ppm: f.liquidator_fee_share.0,
            dust_floor: f.dust_floor.0,
            liquidation_fee_rounding: fee_rounding_of(f.liquidation_fee_rounding),
            reserved: 0,
        }
    }
}

// ---------------------------------------------------------------------------
// Presets.

/// Writes a core preset after checking it: its policy validates and its
/// fees are what `partliq_market_validate` accepts.
fn preset_out(preset: Result<Preset, Error>, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    let preset = core_try!(preset);
    core_try!(preset.policy.validate());
    core_try!(preset.fees.validate());
    write_out!(out, partliq_preset { policy: partliq_policy::from(&preset.policy), fees: partliq_venue_fees::from(&preset.fees) });
    OK
}

/// partliq's own policy: the least reduction restoring maintenance + 5 %,
/// best release per unit of cost first, 1 % band, backstop when infeasible;
/// fee 0.5 % split 50/50. Statuses: `NULL_POINTER`, `MISALIGNED_POINTER`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_partliq_default(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::partliq_default()), out)
}

/// Hyperliquid: above 100,000 USD of notional (`quote_per_usd` quote units
/// per dollar, > 0), 20 % per step and a 30 s cooldown (`ticks_per_second`
/// units of the caller's clock per second) during which steps close the
/// whole position; backstop when equity < 2/3 of maintenance (exactly).
/// Statuses: `OUT_OF_RANGE` (`quote_per_usd` ≤ 0), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_hyperliquid(quote_per_usd: i64, ticks_per_second: u64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::hyperliquid(quote_per_usd, ticks_per_second), out)
}

/// Binance USDⓈ-M: the least reduction, the clearance fee to the insurance
/// fund. Statuses: `INVALID_PRICE_BAND`, `FRACTION_ABOVE_100_PERCENT` (fee).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_binance_usdm(
    clearance_fee_ppm: u32,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    out!(out);
    preset_out(Ok(presets::binance_usdm(Ppm(clearance_fee_ppm), Ppm(price_band_ppm))), out)
}

/// BitMEX: reduce the position one risk-limit tier per step; in the lowest
/// tier, close whole.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_bitmex(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::bitmex()), out)
}

/// Bybit: as BitMEX.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_bybit(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::bybit()), out)
}

/// OKX: two tiers per step from tier 3 up; tier 2 or below close whole.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_okx(out: *mut partliq_preset) -> partliq_status {
    preset_out(Ok(presets::okx()), out)
}

/// Deribit: incremental, at most `fraction_per_round_ppm` of the position
/// per step; 0.75 % fee to the insurance fund. Statuses:
/// `INVALID_POLICY_FRACTION`, `INVALID_PRICE_BAND`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_deribit(
    fraction_per_round_ppm: u32,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    out!(out);
    preset_out(Ok(presets::deribit(Ppm(fraction_per_round_ppm), Ppm(price_band_ppm))), out)
}

/// Perpetual Protocol v2: the ratio rule, $100 positions close whole, 2.5 %
/// penalty split 50/50. Statuses: `OUT_OF_RANGE` (`quote_per_usd` ≤ 0),
/// `OVERFLOW`, `INVALID_PRICE_BAND`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_perp_v2(quote_per_usd: i64, price_band_ppm: u32, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::perp_v2(quote_per_usd, Ppm(price_band_ppm)), out)
}

/// dYdX v4 from its liquidation config (checked first as dYdX's
/// `LiquidationsConfig.Validate` does: `INVALID_LIQUIDATION_CONFIG`,
/// `FRACTION_ABOVE_100_PERCENT`). Other statuses: `OVERFLOW` (a limit above
/// `INT64_MAX`), `INVALID_PRICE_BAND`.
///
/// # Safety
/// `config` is NULL or points to an initialised `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_dydx_v4(
    config: *const partliq_dydx_liquidation_config,
    price_band_ppm: u32,
    out: *mut partliq_preset,
) -> partliq_status {
    let config = struct_in!(config).to_core();
    out!(out);
    core_try!(config.validate());
    preset_out(presets::dydx_v4_policy(&config, Ppm(price_band_ppm)), out)
}

/// Aave v3's close factor on a margin pool: 50 % per step while health >
/// 0.95 and the position ≥ $2,000; never leave less than $1,000. Statuses:
/// `OUT_OF_RANGE` (`quote_per_usd` ≤ 0), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_aave_v3_close_factor(quote_per_usd: i64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::aave_v3_close_factor(quote_per_usd), out)
}

/// Synthetix perps v3: at most `capacity` of notional per market per window
/// of `window` time units. Statuses: `ZERO_WINDOW`, `NEGATIVE_LIMIT`.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_preset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_synthetix_v3(capacity: i64, window: u64, out: *mut partliq_preset) -> partliq_status {
    out!(out);
    preset_out(presets::synthetix_v3(Quote(capacity), window), out)
}

/// Writes the preset's fee, its rounding, fee split and dust floor into
/// `*market` (only on success; the market's other fields are neither read
/// nor checked). Statuses: `FRACTION_ABOVE_100_PERCENT`,
/// `INVALID_DUST_FLOOR`, `INVALID_ENUM` (fee rounding), `RESERVED_NOT_ZERO`
/// (the fees), and the policy's boundary checks (`INVALID_ENUM`,
/// `RESERVED_NOT_ZERO`).
///
/// # Safety
/// `preset` is NULL or points to an initialised `partliq_preset`; `market`
/// is NULL or points to an initialised `partliq_market`, not overlapping it.
#[no_mangle]
pub unsafe extern "C" fn partliq_preset_apply(preset: *const partliq_preset, market: *mut partliq_market) -> partliq_status {
    let preset = struct_in!(preset);
    let m = struct_inout!(market);
    check!(preset.policy.to_core());
    let fees = check!(preset.fees.to_core());
    m.liquidation_fee_ppm = fees.liquidation_fee.0;
    m.liquidation_fee_rounding = partliq_venue_fees::from(&fees).liquidation_fee_rounding;
    m.liquidator_fee_share_ppm = fees.liquidator_fee_share.0;
    m.dust_floor = fees.dust_floor.0;
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::policy::partliq_limit_mode;
    use partliq::num::Rounding;
    use partliq::policy::LimitMode;
    use partliq::venues::dydx_v4;

    #[test]
    fn presets_round_trip() {
        let all = [
            presets::partliq_default(),
            presets::hyperliquid(1_000_000, 1_000).unwrap(),
            presets::binance_usdm(Ppm(5_000), Ppm(10_000)),
            presets::bitmex(),
            presets::okx(),
            presets::deribit(Ppm(250_000), Ppm(10_000)),
            presets::perp_v2(1_000_000, Ppm(10_000)).unwrap(),
            presets::dydx_v4_policy(&dydx_v4::LiquidationConfig::mainnet_genesis(), Ppm(10_000)).unwrap(),
            presets::aave_v3_close_factor(1_000_000).unwrap(),
            presets::synthetix_v3(Quote(1_000_000), 60).unwrap(),
        ];
        for p in all {
            assert_eq!(partliq_policy::from(&p.policy).to_core().unwrap(), p.policy);
            assert_eq!(partliq_venue_fees::from(&p.fees).to_core().unwrap(), p.fees);
        }
        // The dYdX preset's modes reach the ABI: at least one lot, fee rounded down.
        let d = partliq_preset { policy: partliq_policy::from(&all[7].policy), fees: partliq_venue_fees::from(&all[7].fees) };
        assert_eq!(d.policy.position_limits.mode, partliq_limit_mode::AtLeastOneLot as u32);
        assert_eq!(d.fees.liquidation_fee_rounding, partliq_fee_rounding::Down as u32);
        assert_eq!(partliq_limit_mode::AtLeastOneLot as u32, LimitMode::AtLeastOneLot as u32);
        assert_eq!(partliq_limit_mode::Cap as u32, LimitMode::Cap as u32);
        // Bad values of the new fields.
        let mut bad = d;
        bad.policy.position_limits.mode = 2;
        assert_eq!(bad.policy.to_core(), Err(PARTLIQ_STATUS_INVALID_ENUM));
        let mut bad = d;
        bad.fees.liquidation_fee_rounding = 2;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_INVALID_ENUM));
        let mut bad = d;
        bad.fees.reserved = 1;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        // The core's own checks (`VenueFees::validate`), as statuses.
        let mut bad = d;
        bad.fees.liquidator_fee_share_ppm = 1_000_001;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT));
        let mut bad = d;
        bad.fees.dust_floor = -1;
        assert_eq!(bad.fees.to_core(), Err(PARTLIQ_STATUS_INVALID_DUST_FLOOR));
        // A core fee rounded toward zero is rounded down (the fee is never negative).
        let tz = VenueFees { liquidation_fee_rounding: Rounding::TowardZero, ..all[7].fees };
        assert_eq!(partliq_venue_fees::from(&tz).liquidation_fee_rounding, partliq_fee_rounding::Down as u32);
    }
}
