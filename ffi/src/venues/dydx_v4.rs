//! dYdX v4 (the core's `venues::dydx_v4`): its liquidation config,
//! `partliq_dydx_liquidation_config_*`.

use partliq::venues::dydx_v4;

use crate::boundary::OK;
use crate::status::*;

/// dYdX v4's `LiquidationsConfig`, flattened (quote amounts in quote quantums).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_liquidation_config {
    /// Largest liquidation fee, ppm of the fill's quote amount (1 ..= 1,000,000).
    pub max_liquidation_fee_ppm: u32,
    /// Fillable price: `BA`, ppm (≥ 1,000,000).
    pub bankruptcy_adjustment_ppm: u32,
    /// Fillable price: `SMMR`, ppm (> 0).
    pub spread_to_maintenance_margin_ratio_ppm: u32,
    /// Largest portion of a position's notional liquidated per block, ppm (1 ..= 1,000,000).
    pub max_position_portion_liquidated_ppm: u32,
    /// Least notional a liquidation takes (capped at the position's notional).
    pub min_position_notional_liquidated: u64,
    /// Most notional liquidated per subaccount per block (> 0).
    pub max_notional_liquidated: u64,
    /// Most insurance fund loss per subaccount per block (> 0).
    pub max_quantums_insurance_lost: u64,
}

pin_layout!(partliq_dydx_liquidation_config, size = 40, align = i64, {
    max_liquidation_fee_ppm @ 0, bankruptcy_adjustment_ppm @ 4, spread_to_maintenance_margin_ratio_ppm @ 8,
    max_position_portion_liquidated_ppm @ 12, min_position_notional_liquidated @ 16, max_notional_liquidated @ 24,
    max_quantums_insurance_lost @ 32,
});

impl partliq_dydx_liquidation_config {
    /// The core's config (checked apart, by its `validate`).
    pub(crate) fn to_core(self) -> dydx_v4::LiquidationConfig {
        dydx_v4::LiquidationConfig {
            max_liquidation_fee_ppm: self.max_liquidation_fee_ppm,
            fillable_price_config: dydx_v4::FillablePriceConfig {
                bankruptcy_adjustment_ppm: self.bankruptcy_adjustment_ppm,
                spread_to_maintenance_margin_ratio_ppm: self.spread_to_maintenance_margin_ratio_ppm,
            },
            position_block_limits: dydx_v4::PositionBlockLimits {
                min_position_notional_liquidated: self.min_position_notional_liquidated,
                max_position_portion_liquidated_ppm: self.max_position_portion_liquidated_ppm,
            },
            subaccount_block_limits: dydx_v4::SubaccountBlockLimits {
                max_notional_liquidated: self.max_notional_liquidated,
                max_quantums_insurance_lost: self.max_quantums_insurance_lost,
            },
        }
    }

    /// The ABI's config of the core's.
    pub(crate) fn from_core(c: &dydx_v4::LiquidationConfig) -> Self {
        partliq_dydx_liquidation_config {
            max_liquidation_fee_ppm: c.max_liquidation_fee_ppm,
            bankruptcy_adjustment_ppm: c.fillable_price_config.bankruptcy_adjustment_ppm,
            spread_to_maintenance_margin_ratio_ppm: c.fillable_price_config.spread_to_maintenance_margin_ratio_ppm,
            max_position_portion_liquidated_ppm: c.position_block_limits.max_position_portion_liquidated_ppm,
            min_position_notional_liquidated: c.position_block_limits.min_position_notional_liquidated,
            max_notional_liquidated: c.subaccount_block_limits.max_notional_liquidated,
            max_quantums_insurance_lost: c.subaccount_block_limits.max_quantums_insurance_lost,
        }
    }
}

/// dYdX mainnet's genesis liquidations config.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_mainnet_genesis(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::mainnet_genesis()));
    OK
}

/// dYdX's code default liquidations config (`LiquidationsConfig_Default`).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_code_default(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::code_default()));
    OK
}

/// dYdX's `LiquidationsConfig.Validate`: `INVALID_LIQUIDATION_CONFIG`,
/// `FRACTION_ABOVE_100_PERCENT`.
///
/// # Safety
/// `config` is NULL or points to an initialised `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_validate(config: *const partliq_dydx_liquidation_config) -> partliq_status {
    let config = struct_in!(config).to_core();
    core_try!(config.validate());
    OK
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flattened config is the core's, field for field, both ways; the
    /// entry points write the core's configs and run its `validate`.
    #[test]
    fn config_round_trips() {
        for c in [dydx_v4::LiquidationConfig::mainnet_genesis(), dydx_v4::LiquidationConfig::code_default()] {
            assert_eq!(partliq_dydx_liquidation_config::from_core(&c).to_core(), c);
        }
        let mut abi = partliq_dydx_liquidation_config::default();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_dydx_liquidation_config_code_default(&mut abi), OK);
            assert_eq!(abi.max_liquidation_fee_ppm, 5_000);
            assert_eq!(partliq_dydx_liquidation_config_validate(&abi), OK);
            abi.spread_to_maintenance_margin_ratio_ppm = 0;
            assert_eq!(partliq_dydx_liquidation_config_validate(&abi), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
            assert_eq!(partliq_dydx_liquidation_config_mainnet_genesis(core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
        }
    }
}
