//! Lending mode for the fuzz targets: lending terms drawn raw (every field
//! arbitrary: the boundary's flag and reserved checks, the core's
//! validation) or valid (whole bps, threshold × bonus ≤ 100 %, one base
//! exponent); accounts drawn as any unified account or near Aave's
//! liquidation threshold (a collateral and a debt asset of assorted
//! decimals, the debt worth a drawn share of the collateral, a third
//! balance sometimes), where liquidations, the dust rule and deficits
//! happen; the ABI's terms as the core's; the 128-bit words joined.

use arbitrary::Arbitrary;
use partliq::unified::lending::LendingTerms;
use partliq::Ppm;
use partliq_ffi::*;

use crate::unified::{UnifiedData, UnifiedIn};
use crate::{PpmArg, I64};

/// `hi × 2⁶⁴ + lo`.
pub fn wide(hi: i64, lo: u64) -> i128 {
    (i128::from(hi) << 64) | i128::from(lo)
}

/// One asset's terms.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct TermsIn {
    pub raw: bool,
    pub threshold: PpmArg,
    pub bonus: u32,
    pub fee: PpmArg,
    /// 0, 1 (the flag) or anything (`INVALID_ENUM`).
    pub flag: u8,
    /// 255 sets a reserved byte.
    pub reserved: u8,
    pub base_exponent: i32,
}

impl TermsIn {
    /// Valid terms use `k`, the account's base exponent.
    pub fn to_abi(self, k: i32) -> partliq_lending_terms {
        if self.raw {
            return partliq_lending_terms {
                liquidation_threshold_ppm: self.threshold.get(),
                liquidation_bonus_ppm: self.bonus,
                protocol_fee_ppm: self.fee.get(),
                collateral_enabled: self.flag,
                reserved: [0, 0, u8::from(self.reserved == 255)],
                base_exponent: self.base_exponent,
            };
        }
        // Bonus 100 % ..= 115 %, threshold ≤ 10⁸ / bonus bps (Aave's rule).
        let bonus_bps = 10_000 + self.bonus % 1_501;
        let max_threshold = 100_000_000 / bonus_bps;
        let threshold_bps = (self.threshold.get() / 100) % (max_threshold + 1);
        partliq_lending_terms {
            liquidation_threshold_ppm: threshold_bps * 100,
            liquidation_bonus_ppm: bonus_bps * 100,
            protocol_fee_ppm: (self.fee.get() / 100) * 100,
            collateral_enabled: u8::from(self.flag % 4 != 0),
            reserved: [0; 3],
            base_exponent: k,
        }
    }
}

/// The boundary's checks of the terms, in order: each one's reserved
/// bytes, then its flag.
pub fn terms_boundary(terms: &[partliq_lending_terms]) -> Option<partliq_status> {
    terms.iter().find_map(|t| {
        if t.reserved != [0; 3] {
            Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        } else if t.collateral_enabled > 1 {
            Some(PARTLIQ_STATUS_INVALID_ENUM)
        } else {
            None
        }
    })
}

/// The core's terms of ABI terms the boundary accepts.
pub fn core_terms(t: &partliq_lending_terms) -> LendingTerms {
    LendingTerms {
        liquidation_threshold: Ppm(t.liquidation_threshold_ppm),
        liquidation_bonus: Ppm(t.liquidation_bonus_ppm),
        protocol_fee: Ppm(t.protocol_fee_ppm),
        collateral_enabled: t.collateral_enabled == 1,
        base_exponent: t.base_exponent,
    }
}

/// Quote exponents of assorted tokens (18, 9, 8, 6, 2, 0 decimals, and
/// coarse units).
const EXPONENTS: [i32; 8] = [-18, -9, -8, -6, -2, 0, 2, 4];

/// A balance of an asset near the liquidation threshold.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct NearAsset {
    pub exponent: u8,
    pub price: u32,
}

/// An account to draw.
#[derive(Arbitrary, Debug, Clone)]
pub enum LendingIn {
    /// Any unified account (its perp side is checked and not read).
    Unified(UnifiedIn),
    /// A collateral and a debt asset: the collateral worth `dollars` (base
    /// units of 10⁻⁸ USD with k = 0), the debt `ratio_ppm` of that.
    Near {
        collateral: NearAsset,
        debt: NearAsset,
        dollars: u32,
        ratio_ppm: u16,
        /// A third asset and a balance of it (sign as drawn).
        third: Option<(NearAsset, I64)>,
        /// The debt balance first.
        debt_first: bool,
    },
}

/// `value` base units of an asset at `price` with quote exponent `e`: the
/// amount `value × 10^−e / price`, at least 1, at most `i64::MAX`.
fn amount(value: i128, e: i32, price: i64) -> i64 {
    let p = 10i128.checked_pow(e.unsigned_abs());
    let a = match p {
        Some(p) if e <= 0 => value.checked_mul(p).map(|v| v / i128::from(price)),
        Some(p) => Some(value / (i128::from(price) * p)),
        None => None,
    };
    a.and_then(|a| i64::try_from(a).ok()).unwrap_or(i64::MAX).max(1)
}

impl LendingIn {
    pub fn build(&self) -> UnifiedData {
        match self {
            LendingIn::Unified(u) => u.build(2, 3),
            LendingIn::Near { collateral, debt, dollars, ratio_ppm, third, debt_first } => {
                let mut d = UnifiedData::default();
                let mut add = |a: &NearAsset| {
                    let e = EXPONENTS[usize::from(a.exponent) % EXPONENTS.len()];
                    d.assets.push(partliq_asset {
                        id: d.assets.len() as u32,
                        quote_exponent: e,
                        initial_asset_weight_ppm: 1_000_000,
                        maintenance_asset_weight_ppm: 1_000_000,
                        initial_liability_weight_ppm: 1_000_000,
                        maintenance_liability_weight_ppm: 1_000_000,
                        imf_factor_ppm: 0,
                        reserved: 0,
                        imf_unit: 1,
                    });
                    let price = i64::from(a.price.max(1));
                    d.asset_prices.push(price);
                    (e, price)
                };
                let (ec, pc) = add(collateral);
                let (ed, pd) = add(debt);
                // $1 ..= $4.3 billion of collateral; debt 0 ..= 1.6 × that.
                let value = (i128::from(*dollars) + 1) * 100_000_000;
                let debt_value = value * i128::from(*ratio_ppm) * 25 / 1_000_000;
                let c = partliq_asset_balance { asset_index: 0, reserved: 0, amount: amount(value, ec, pc) };
                let b = partliq_asset_balance { asset_index: 1, reserved: 0, amount: -amount(debt_value, ed, pd) };
                d.balances = if *debt_first { vec![b, c] } else { vec![c, b] };
                if let Some((a, bal)) = third {
                    add(a);
                    d.balances.push(partliq_asset_balance { asset_index: 2, reserved: 0, amount: bal.get() });
                }
                d
            }
        }
    }
}
