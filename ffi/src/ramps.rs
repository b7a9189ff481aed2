//! Incentive ramps (the core's `ramps`): the fee, the fraction per step and
//! the limit price band over time in liquidation or depth underwater
//! (`partliq_policy.ramps`), the fee a call charges
//! (`partliq_ramps_fee`), dYdX's fillable price as a limit
//! (`partliq_fillable_limit_price`).

use partliq::num::{Ppm, Quote};
use partliq::ramps::{fillable_limit_price, BandRamp, FeeRamp, FractionRamp, Ramps};
use partliq::venues::dydx_v4::FillablePriceConfig;

use crate::account::partliq_position;
use crate::boundary::{decode, index, OK};
use crate::market::partliq_market;
use crate::policy::partliq_account_liquidation_state;
use crate::status::*;

/// How each leg's limit price is set (`partliq_band_ramp.mode`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_band_mode {
    /// The policy's flat `price_band_ppm` (the default).
    Flat = 0,
    /// A Dutch auction: from `start_ppm` to `max_ppm` over `duration`.
    Dutch = 1,
    /// dYdX v4's fillable price (`bankruptcy_adjustment_ppm`,
    /// `spread_to_maintenance_margin_ratio_ppm`).
    DydxFillable = 2,
}

/// The band modes as the boundary decodes them (their parameters apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BandMode {
    Flat,
    Dutch,
    DydxFillable,
}

abi_enum!(partliq_band_mode => BandMode { Flat => BandMode::Flat, Dutch => BandMode::Dutch, DydxFillable => BandMode::DydxFillable });

/// Drift v2's liquidator fee ramp: the market's fee for `grace`, then
/// `min(max_fee_ppm, fee + elapsed × increase_per_unit_ppm)`, never below
/// the market's. Off when `increase_per_unit_ppm` is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_fee_ramp {
    /// The fee's cap, ppm (≤ 1,000,000).
    pub max_fee_ppm: u32,
    /// Fee increase per time unit since the start, ppm (0 = ramp off).
    pub increase_per_unit_ppm: u32,
    /// Time from the start during which the fee is the market's.
    pub grace: u64,
}

/// Drift v2's fraction per step: `initial_ppm` at the start, rising
/// linearly by 100 % over `duration` (0 = ramp off); a pool whose shortage
/// is below `full_below_shortage` closes without the cap.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_fraction_ramp {
    /// Fraction one step may close at the start, ppm (≤ 1,000,000).
    pub initial_ppm: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Time over which the fraction rises by 100 % (0 = ramp off).
    pub duration: u64,
    /// Shortage (quote units, ≥ 0) below which a step is not capped; 0 = never.
    pub full_below_shortage: i64,
}

/// The limit price band: flat, a Dutch auction, or dYdX's fillable price.
/// The fields another mode uses must be 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_band_ramp {
    /// A `partliq_band_mode`.
    pub mode: u32,
    /// Dutch: the band at the start, ppm (≤ `max_ppm`).
    pub start_ppm: u32,
    /// Dutch: the band from `duration` on, ppm (≤ 1,000,000).
    pub max_ppm: u32,
    /// Dydx: dYdX's `bankruptcy_adjustment_ppm` (≥ 1,000,000).
    pub bankruptcy_adjustment_ppm: u32,
    /// Dutch: the time to widen from start to max (0: max at once).
    pub duration: u64,
    /// Dydx: dYdX's `spread_to_maintenance_margin_ratio_ppm` (> 0).
    pub spread_to_maintenance_margin_ratio_ppm: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// The ramps of a policy (`partliq_policy.ramps`); all zeros = every ramp
/// off, the pipeline as without ramps.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_ramps {
    /// The liquidation fee over time.
    pub fee: partliq_fee_ramp,
    /// The fraction of a position one step may close over time.
    pub fraction: partliq_fraction_ramp,
    /// The limit price band over time or depth.
    pub band: partliq_band_ramp,
}

pin_layout!(partliq_fee_ramp, size = 16, align = i64, { max_fee_ppm @ 0, increase_per_unit_ppm @ 4, grace @ 8 });
pin_layout!(partliq_fraction_ramp, size = 24, align = i64, { initial_ppm @ 0, reserved @ 4, duration @ 8, full_below_shortage @ 16 });
pin_layout!(partliq_band_ramp, size = 32, align = i64, {
    mode @ 0, start_ppm @ 4, max_ppm @ 8, bankruptcy_adjustment_ppm @ 12, duration @ 16,
    spread_to_maintenance_margin_ratio_ppm @ 24, reserved @ 28,
});
pin_layout!(partliq_ramps, size = 72, align = i64, { fee @ 0, fraction @ 16, band @ 40 });

impl partliq_ramps {
    /// The core's ramps after the boundary's checks: `RESERVED_NOT_ZERO` for
    /// a reserved field or another mode's field not 0, `INVALID_ENUM` for an
    /// unnamed band mode. The core's own checks are `Ramps::validate`.
    pub(crate) fn to_core(self) -> Result<Ramps, partliq_status> {
        let b = self.band;
        if self.fraction.reserved != 0 || b.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let dutch_fields = b.start_ppm != 0 || b.max_ppm != 0 || b.duration != 0;
        let dydx_fields = b.bankruptcy_adjustment_ppm != 0 || b.spread_to_maintenance_margin_ratio_ppm != 0;
        let band = match decode::<partliq_band_mode>(b.mode)? {
            BandMode::Flat if dutch_fields || dydx_fields => return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO),
            BandMode::Flat => BandRamp::Flat,
            BandMode::Dutch if dydx_fields => return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO),
            BandMode::Dutch => BandRamp::Dutch { start: Ppm(b.start_ppm), max: Ppm(b.max_ppm), duration: b.duration },
            BandMode::DydxFillable if dutch_fields => return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO),
            BandMode::DydxFillable => BandRamp::DydxFillable(FillablePriceConfig {
                bankruptcy_adjustment_ppm: b.bankruptcy_adjustment_ppm,
                spread_to_maintenance_margin_ratio_ppm: b.spread_to_maintenance_margin_ratio_ppm,
            }),
        };
        Ok(Ramps {
            fee: FeeRamp { max_fee: Ppm(self.fee.max_fee_ppm), grace: self.fee.grace, increase_per_unit: self.fee.increase_per_unit_ppm },
            fraction: FractionRamp {
                initial: Ppm(self.fraction.initial_ppm),
                duration: self.fraction.duration,
                full_below_shortage: Quote(self.fraction.full_below_shortage),
            },
            band,
        })
    }
}

impl From<&Ramps> for partliq_ramps {
    fn from(r: &Ramps) -> Self {
        let band = match r.band {
            BandRamp::Flat => partliq_band_ramp::default(),
            BandRamp::Dutch { start, max, duration } => partliq_band_ramp {
                mode: partliq_band_mode::Dutch as u32,
                start_ppm: start.0,
                max_ppm: max.0,
                duration,
                ..partliq_band_ramp::default()
            },
            BandRamp::DydxFillable(c) => partliq_band_ramp {
                mode: partliq_band_mode::DydxFillable as u32,
                bankruptcy_adjustment_ppm: c.bankruptcy_adjustment_ppm,
                spread_to_maintenance_margin_ratio_ppm: c.spread_to_maintenance_margin_ratio_ppm,
                ..partliq_band_ramp::default()
            },
        };
        partliq_ramps {
            fee: partliq_fee_ramp { max_fee_ppm: r.fee.max_fee.0, increase_per_unit_ppm: r.fee.increase_per_unit, grace: r.fee.grace },
            fraction: partliq_fraction_ramp {
                initial_ppm: r.fraction.initial.0,
                reserved: 0,
                duration: r.fraction.duration,
                full_below_shortage: r.fraction.full_below_shortage.0,
            },
            band,
        }
    }
}

/// Checks a policy's ramps: the boundary's checks (`RESERVED_NOT_ZERO`,
/// `INVALID_ENUM`) and the core's (`INVALID_RAMP`: a fee cap, an initial
/// fraction or a Dutch band above 1,000,000 ppm, a Dutch start above its
/// max, a negative shortage threshold, a dYdX adjustment below 1,000,000 or
/// a spread ratio of 0).
///
/// # Safety
/// `ramps` is NULL or points to an initialised `partliq_ramps`.
#[no_mangle]
pub unsafe extern "C" fn partliq_ramps_validate(ramps: *const partliq_ramps) -> partliq_status {
    let ramps = struct_in!(ramps);
    let r = check!(ramps.to_core());
    core_try!(r.validate());
    OK
}

/// The liquidation fee, ppm, a market whose own fee is `base_fee_ppm`
/// charges in a `partliq_run_pipeline` call at `now` for an account whose
/// rule state, read after that call, is `*state`: the fee the call planned
/// its legs with, and the fee to settle their fills with (write it into the
/// market's `liquidation_fee_ppm` for `partliq_settle_fill`). Writes
/// `*out_fee_ppm` on success. Statuses: the ramps' (as
/// `partliq_ramps_validate`), `INVALID_ENUM` for a state flag not 0 or 1,
/// `RESERVED_NOT_ZERO` for the state's reserved word,
/// `FRACTION_ABOVE_100_PERCENT` for a base fee above 1,000,000 ppm.
///
/// # Safety
/// `ramps` and `state` are NULL or point to initialised values;
/// `out_fee_ppm` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_ramps_fee(
    ramps: *const partliq_ramps,
    base_fee_ppm: u32,
    state: *const partliq_account_liquidation_state,
    now: u64,
    out_fee_ppm: *mut u32,
) -> partliq_status {
    let ramps = struct_in!(ramps);
    let state = struct_in!(state);
    out!(out_fee_ppm);
    let r = check!(ramps.to_core());
    core_try!(r.validate());
    let s = check!(state.to_core());
    let base = core_try!(Ppm(base_fee_ppm).at_most_one(partliq::Error::FractionAbove100Percent));
    write_out!(out_fee_ppm, r.fee_for(base, &s, now).0);
    OK
}

/// dYdX v4's fillable price as the limit price of a liquidation order for
/// the whole position `position_index`: the price the pipeline's
/// `PARTLIQ_BAND_MODE_DYDX_FILLABLE` gives its leg (a sell rounded up to
/// the tick, a buy down, at least one tick; not clamped at the bankruptcy
/// price). Writes `*out_price` on success.
///
/// Statuses besides the pool's: `UNKNOWN_POSITION`, `EMPTY_POSITION`,
/// `INVALID_RAMP` (an adjustment below 1,000,000 or a spread ratio of 0),
/// `DIVISION_BY_ZERO` (no maintenance requirement), `NEGATIVE_PRICE` (the
/// spread exceeds the notional), `OVERFLOW`.
///
/// # Safety
/// As `partliq_pool_health`; `out_price` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_fillable_limit_price(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    position_index: u32,
    bankruptcy_adjustment_ppm: u32,
    spread_to_maintenance_margin_ratio_ppm: u32,
    out_price: *mut i64,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out_price);
    let i = check!(index(position_index));
    let view = check!(pool.view());
    let config = FillablePriceConfig { bankruptcy_adjustment_ppm, spread_to_maintenance_margin_ratio_ppm };
    let p = core_try!(fillable_limit_price(&view.pool(), view.markets, view.prices, i, &config));
    write_out!(out_price, p.0);
    OK
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each mode round-trips; another mode's field, a reserved word or an
    /// unnamed mode is refused; the core's checks follow.
    #[test]
    fn ramps_round_trip_and_refusals() {
        let all = [
            Ramps::OFF,
            Ramps {
                fee: FeeRamp { max_fee: Ppm(50_000), grace: 1_500, increase_per_unit: 1 },
                fraction: FractionRamp { initial: Ppm(100_000), duration: 150, full_below_shortage: Quote(50) },
                band: BandRamp::Dutch { start: Ppm(1), max: Ppm(2), duration: 3 },
            },
            Ramps {
                band: BandRamp::DydxFillable(FillablePriceConfig {
                    bankruptcy_adjustment_ppm: 1_000_000,
                    spread_to_maintenance_margin_ratio_ppm: 100_000,
                }),
                ..Ramps::OFF
            },
        ];
        for r in all {
            assert_eq!(partliq_ramps::from(&r).to_core(), Ok(r));
        }
        let dutch = partliq_ramps::from(&all[1]);
        let dydx = partliq_ramps::from(&all[2]);
        let bad = |r: partliq_ramps| r.to_core();
        assert_eq!(bad(partliq_ramps { band: partliq_band_ramp { mode: 3, ..dutch.band }, ..dutch }), Err(PARTLIQ_STATUS_INVALID_ENUM));
        assert_eq!(
            bad(partliq_ramps { band: partliq_band_ramp { reserved: 1, ..dutch.band }, ..dutch }),
            Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        );
        assert_eq!(
            bad(partliq_ramps { fraction: partliq_fraction_ramp { reserved: 1, ..dutch.fraction }, ..dutch }),
            Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        );
        assert_eq!(
            bad(partliq_ramps { band: partliq_band_ramp { bankruptcy_adjustment_ppm: 1, ..dutch.band }, ..dutch }),
            Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        );
        assert_eq!(
            bad(partliq_ramps { band: partliq_band_ramp { duration: 1, ..dydx.band }, ..dydx }),
            Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        );
        assert_eq!(
            bad(partliq_ramps { band: partliq_band_ramp { max_ppm: 1, mode: 0, ..dydx.band }, ..dydx }),
            Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        );
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_ramps_validate(&dutch), OK);
            assert_eq!(partliq_ramps_validate(core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
            let wide = partliq_ramps { band: partliq_band_ramp { max_ppm: 1_000_001, ..dutch.band }, ..dutch };
            assert_eq!(partliq_ramps_validate(&wide), PARTLIQ_STATUS_INVALID_RAMP);
        }
    }

    /// Drift's fee ramp read through a rule state: started at 1,000, at
    /// 2,500 the base 1 % + 1,500 × 1 = 11,500; outputs only on success.
    #[test]
    fn fee_through_the_state() {
        let ramps = partliq_ramps::from(&Ramps { fee: FeeRamp { max_fee: Ppm(40_000), grace: 1_500, increase_per_unit: 1 }, ..Ramps::OFF });
        let state = partliq_account_liquidation_state { liquidation_started: 1, liquidation_start_time: 1_000, ..Default::default() };
        let mut fee = 7u32;
        // SAFETY: valid pointers, and NULLs refused before any write.
        unsafe {
            assert_eq!(partliq_ramps_fee(&ramps, 10_000, &state, 2_500, &mut fee), OK);
            assert_eq!(fee, 11_500);
            fee = 7;
            assert_eq!(partliq_ramps_fee(&ramps, 1_000_001, &state, 2_500, &mut fee), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
            let bad_state = partliq_account_liquidation_state { liquidation_started: 2, ..state };
            assert_eq!(partliq_ramps_fee(&ramps, 10_000, &bad_state, 2_500, &mut fee), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(partliq_ramps_fee(core::ptr::null(), 10_000, &state, 2_500, &mut fee), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_ramps_fee(&ramps, 10_000, core::ptr::null(), 2_500, &mut fee), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_ramps_fee(&ramps, 10_000, &state, 2_500, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(fee, 7);
        }
    }
}
