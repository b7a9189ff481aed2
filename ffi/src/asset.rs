//! Collateral assets (the core's `asset`): an asset's units and weights,
//! token balances, `partliq_asset_validate`.

use partliq::asset::{Asset, AssetBalance};

use crate::boundary::{Castable, OK};
use crate::status::*;

/// A collateral asset (a spot token): its units and its weights, the core's
/// `Asset` field for field.
///
/// A balance of `amount` smallest units at price `P` is worth `amount × P ×
/// 10^quote_exponent` quote units. A deposit counts at its asset weight, a
/// borrow at its liability weight, both per level, ordered
/// `initial asset ≤ maintenance asset ≤ 100 % ≤ maintenance liability ≤
/// initial liability`. With `imf_factor_ppm` > 0, Drift's √size term lowers
/// the asset weight (`min(w, 1.1 / (1 + imf × √S))`) and raises the
/// liability weight (`max(w, 0.8 × w + imf × √S)`), `S` the size in whole
/// units of `imf_unit` smallest units.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_asset {
    /// The engine's asset id (informational: balances name assets by index).
    pub id: u32,
    /// Decimal exponent `e` in `[-18, 18]`.
    pub quote_exponent: i32,
    /// Initial asset weight, ppm (≤ 1,000,000).
    pub initial_asset_weight_ppm: u32,
    /// Maintenance asset weight, ppm (≥ the initial one, ≤ 1,000,000).
    pub maintenance_asset_weight_ppm: u32,
    /// Initial liability weight, ppm (≥ the maintenance one).
    pub initial_liability_weight_ppm: u32,
    /// Maintenance liability weight, ppm (≥ 1,000,000).
    pub maintenance_liability_weight_ppm: u32,
    /// Drift's IMF factor for the size discount and premium, ppm per √unit;
    /// 0 turns both off.
    pub imf_factor_ppm: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Smallest units in one whole unit of the asset, for the size term
    /// (e.g. 10⁹ for SOL in lamports); > 0.
    pub imf_unit: i64,
}

/// A token balance of a unified account: a deposit (`amount` > 0) or a
/// borrow (`amount` < 0) of `assets[asset_index]`, in its smallest unit.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_asset_balance {
    /// Index of the asset in the assets array.
    pub asset_index: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Signed amount in the asset's smallest unit.
    pub amount: i64,
}

pin_layout!(partliq_asset, size = 40, align = i64, {
    id @ 0, quote_exponent @ 4, initial_asset_weight_ppm @ 8, maintenance_asset_weight_ppm @ 12,
    initial_liability_weight_ppm @ 16, maintenance_liability_weight_ppm @ 20, imf_factor_ppm @ 24, reserved @ 28, imf_unit @ 32,
});
pin_layout!(partliq_asset_balance, size = 16, align = i64, { asset_index @ 0, reserved @ 4, amount @ 8 });

// The caller's assets and balances are read in place as the core's: every
// field is an integer, and each `reserved` lies in the core struct's padding
// (before the 8-byte-aligned `imf_unit`, after `asset_index`), and must be 0.
castable!(partliq_asset => Asset, padding |a| a.reserved, {
    id = id, quote_exponent = quote_exponent, initial_asset_weight_ppm = initial_asset_weight,
    maintenance_asset_weight_ppm = maintenance_asset_weight, initial_liability_weight_ppm = initial_liability_weight,
    maintenance_liability_weight_ppm = maintenance_liability_weight, imf_factor_ppm = imf_factor, imf_unit = imf_unit,
});
castable!(partliq_asset_balance => AssetBalance, padding |b| b.reserved, { asset_index = asset_index, amount = amount });

/// Checks every parameter of an asset; each problem has its own status:
/// `INVALID_QUOTE_EXPONENT`, `ASSET_WEIGHT_ABOVE_100_PERCENT`,
/// `LIABILITY_WEIGHT_BELOW_100_PERCENT`, `WEIGHTS_OUT_OF_ORDER` (an initial
/// weight less strict than the maintenance one), `INVALID_IMF_UNIT` (≤ 0);
/// `RESERVED_NOT_ZERO` first. The health functions do not re-validate
/// assets: validate each once, when it is set up or changed.
///
/// # Safety
/// `asset` is NULL or points to an initialised `partliq_asset`.
#[no_mangle]
pub unsafe extern "C" fn partliq_asset_validate(asset: *const partliq_asset) -> partliq_status {
    let asset = struct_in!(asset);
    let core = check!(asset.cast_ref());
    core_try!(core.validate());
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use partliq::num::Ppm;

    /// SOL in lamports with micro-USD prices: 80 / 90 % and 120 / 110 %.
    fn sol() -> partliq_asset {
        partliq_asset {
            id: 7,
            quote_exponent: -9,
            initial_asset_weight_ppm: 800_000,
            maintenance_asset_weight_ppm: 900_000,
            initial_liability_weight_ppm: 1_200_000,
            maintenance_liability_weight_ppm: 1_100_000,
            imf_factor_ppm: 0,
            reserved: 0,
            imf_unit: 1,
        }
    }

    /// Read in place, field for field the core's.
    #[test]
    fn assets_read_in_place() {
        let a = sol();
        let core = a.cast_ref().unwrap();
        let want = Asset { id: 7, ..Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000))) };
        assert_eq!(*core, want);
        let b = [partliq_asset_balance { asset_index: 3, reserved: 0, amount: -5 }];
        assert_eq!(Castable::cast_slice(&b).unwrap(), &[AssetBalance { asset_index: 3, amount: -5 }]);
        let r = [b[0], partliq_asset_balance { reserved: 1, ..b[0] }];
        assert_eq!(Castable::cast_slice(&r).err(), Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
    }

    #[test]
    fn validate_statuses() {
        let ok = sol();
        let v = |a: partliq_asset| {
            // SAFETY: a valid pointer.
            unsafe { partliq_asset_validate(&a) }
        };
        assert_eq!(v(ok), OK);
        assert_eq!(v(partliq_asset { quote_exponent: 19, ..ok }), PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT);
        assert_eq!(v(partliq_asset { initial_asset_weight_ppm: 1_000_001, ..ok }), PARTLIQ_STATUS_ASSET_WEIGHT_ABOVE_100_PERCENT);
        assert_eq!(v(partliq_asset { maintenance_liability_weight_ppm: 999_999, ..ok }), PARTLIQ_STATUS_LIABILITY_WEIGHT_BELOW_100_PERCENT);
        assert_eq!(v(partliq_asset { initial_asset_weight_ppm: 950_000, ..ok }), PARTLIQ_STATUS_WEIGHTS_OUT_OF_ORDER);
        assert_eq!(v(partliq_asset { initial_liability_weight_ppm: 1_050_000, ..ok }), PARTLIQ_STATUS_WEIGHTS_OUT_OF_ORDER);
        assert_eq!(v(partliq_asset { imf_unit: 0, ..ok }), PARTLIQ_STATUS_INVALID_IMF_UNIT);
        assert_eq!(v(partliq_asset { imf_unit: i64::MIN, ..ok }), PARTLIQ_STATUS_INVALID_IMF_UNIT);
        // The reserved word before any value (an invalid exponent besides).
        assert_eq!(v(partliq_asset { reserved: 1, quote_exponent: 19, ..ok }), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        // SAFETY: NULL is refused before any read.
        assert_eq!(unsafe { partliq_asset_validate(core::ptr::null()) }, PARTLIQ_STATUS_NULL_POINTER);
        #[repr(C, align(8))]
        struct Buf([u8; 64]);
        let buf = Buf([0; 64]);
        // SAFETY: a misaligned pointer into valid memory, refused before any read.
        let st = unsafe { partliq_asset_validate(buf.0.as_ptr().add(4).cast::<partliq_asset>()) };
        assert_eq!(st, PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
}
