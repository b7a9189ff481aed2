//! The venue replicas for the fuzz targets: a dYdX liquidity tier and
//! liquidation configuration as the ABI's and the core's; Aave reserves
//! drawn into the ABI's arrays and the core's (the drawn scaled balances
//! and prices fit 64 bits); 128-bit words split and joined; a call writing
//! one value compared with the core's result.

use arbitrary::Arbitrary;
use partliq::venues::{aave_v3, dydx_v4};
use partliq_ffi::*;

use crate::{assert_named, is_boundary_status, OutSlot, I64};

/// Aave's ray, 10²⁷.
pub const RAY: i128 = 1_000_000_000_000_000_000_000_000_000;

/// A 128-bit value as the ABI's two words.
pub fn wide(v: i128) -> partliq_i128 {
    partliq_i128 { lo: v as u64, hi: (v >> 64) as i64 }
}

/// The ABI's two words as a 128-bit value.
pub fn join(w: partliq_i128) -> i128 {
    (i128::from(w.hi) << 64) | i128::from(w.lo)
}

/// A core figure as the ABI's 64-bit one: `OVERFLOW` where it does not fit.
pub fn fit64(v: i128) -> Result<i64, partliq_status> {
    i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW)
}

/// A core result as the ABI's 64-bit figure or status.
pub fn narrow(r: partliq::Result<i128>) -> Result<i64, partliq_status> {
    r.map_err(|e| e as u32).and_then(fit64)
}

/// Compares a call writing one value with the core's result: the same
/// status, the value on success, the output untouched on error (and on a
/// rejected output pointer, a boundary status).
pub fn same_as_core<T: PartialEq + core::fmt::Debug + Copy>(
    what: &str,
    st: partliq_status,
    out: &OutSlot<T>,
    want: Result<T, partliq_status>,
) {
    assert_named(st);
    if out.rejected() {
        assert!(is_boundary_status(st), "{what}: status {st}");
        out.assert_untouched(what);
        return;
    }
    match want {
        Ok(v) => {
            assert_eq!(st, PARTLIQ_STATUS_OK, "{what}");
            assert_eq!(out.read(0), v, "{what}");
        }
        Err(s) => {
            assert_eq!(st, s, "{what}");
            out.assert_untouched(what);
        }
    }
}

/// A dYdX liquidity tier, the ABI's and the core's (each fraction below
/// 110 %: some above 100 %, which dYdX's `Validate` refuses).
pub fn dydx_tier(imf: u32, mf: u32, lower: u64, upper: u64) -> (partliq_dydx_liquidity_tier, dydx_v4::LiquidityTier) {
    let tier = partliq_dydx_liquidity_tier {
        initial_margin_ppm: imf % 1_100_000,
        maintenance_fraction_ppm: mf % 1_100_000,
        open_interest_lower_cap: lower,
        open_interest_upper_cap: upper,
    };
    let core = dydx_v4::LiquidityTier {
        initial_margin_ppm: tier.initial_margin_ppm,
        maintenance_fraction_ppm: tier.maintenance_fraction_ppm,
        open_interest_lower_cap: tier.open_interest_lower_cap,
        open_interest_upper_cap: tier.open_interest_upper_cap,
    };
    (tier, core)
}

/// dYdX's liquidation configuration, mainnet genesis or the code default,
/// the ABI's (from its constructor) and the core's.
pub fn dydx_config(genesis: bool) -> (partliq_dydx_liquidation_config, dydx_v4::LiquidationConfig) {
    let mut cfg = partliq_dydx_liquidation_config::default();
    // SAFETY: a valid out-pointer.
    unsafe {
        if genesis {
            partliq_dydx_liquidation_config_mainnet_genesis(&mut cfg);
        } else {
            partliq_dydx_liquidation_config_code_default(&mut cfg);
        }
    }
    let core = if genesis { dydx_v4::LiquidationConfig::mainnet_genesis() } else { dydx_v4::LiquidationConfig::code_default() };
    (cfg, core)
}

/// The perpetuals a subaccount liquidated this block (at most four ids,
/// each below 4: repeats happen).
pub fn liquidated_ids(raw: &[u8]) -> Vec<u32> {
    raw.iter().take(4).map(|i| u32::from(*i % 4)).collect()
}

/// An Aave reserve and the user's balances in it.
#[derive(Arbitrary, Debug)]
pub struct ReserveIn {
    pub price: I64,
    pub decimals: u8,
    pub threshold: u16,
    pub bonus: u16,
    pub fee: u16,
    pub liquidity_index: u32,
    pub borrow_index: u32,
    pub collateral: I64,
    pub debt: I64,
    /// 0, 1 (the flag) or 2 (`INVALID_ENUM`).
    pub use_as_collateral: u8,
}

/// The core's reserve of an ABI one.
pub fn core_reserve(r: &partliq_aave_reserve) -> aave_v3::Reserve {
    aave_v3::Reserve {
        price: join(r.price),
        decimals: r.decimals,
        liquidation_threshold: r.liquidation_threshold,
        liquidation_bonus: r.liquidation_bonus,
        liquidation_protocol_fee: r.liquidation_protocol_fee,
        liquidity_index: join(r.liquidity_index),
        variable_borrow_index: join(r.variable_borrow_index),
    }
}

/// Up to four Aave reserves and a user's balances, the ABI's and the
/// core's; `flags_bad` when a collateral flag is neither 0 nor 1 (the
/// boundary's `INVALID_ENUM`; the core reads such a flag as off).
pub struct AaveBook {
    pub abi: Vec<partliq_aave_reserve>,
    pub users: Vec<partliq_aave_user_reserve>,
    pub core_rs: Vec<aave_v3::Reserve>,
    pub core_us: Vec<aave_v3::UserReserve>,
    pub flags_bad: bool,
}

impl AaveBook {
    /// Decimals below 40, threshold and fee below 101 %, bonus 99 % ..
    /// 119 %, indexes at least a ray (the liquidity index one below).
    pub fn new(reserves: &[ReserveIn]) -> Self {
        let rs = &reserves[..reserves.len().min(4)];
        let abi: Vec<partliq_aave_reserve> = rs
            .iter()
            .map(|r| partliq_aave_reserve {
                price: wide(i128::from(r.price.get())),
                decimals: u32::from(r.decimals % 40),
                liquidation_threshold: u32::from(r.threshold % 10_100),
                liquidation_bonus: 9_900 + u32::from(r.bonus % 2_000),
                liquidation_protocol_fee: u32::from(r.fee % 10_100),
                liquidity_index: wide(RAY + i128::from(r.liquidity_index) * 1_000_000_000 - 1),
                variable_borrow_index: wide(RAY + i128::from(r.borrow_index) * 1_000_000_000),
            })
            .collect();
        let users: Vec<partliq_aave_user_reserve> = rs
            .iter()
            .map(|r| partliq_aave_user_reserve {
                scaled_collateral: wide(i128::from(r.collateral.get())),
                scaled_debt: wide(i128::from(r.debt.get())),
                use_as_collateral: u32::from(r.use_as_collateral % 3),
                reserved: 0,
            })
            .collect();
        let core_rs = abi.iter().map(core_reserve).collect();
        let flags_bad = users.iter().any(|u| u.use_as_collateral > 1);
        let core_us = users
            .iter()
            .map(|u| aave_v3::UserReserve {
                scaled_collateral: join(u.scaled_collateral),
                use_as_collateral: u.use_as_collateral == 1,
                scaled_debt: join(u.scaled_debt),
            })
            .collect();
        AaveBook { abi, users, core_rs, core_us, flags_bad }
    }
}
