//! Lending mode on a unified account (the core's `unified::lending`): Aave
//! v3's liquidation as a policy over the account's token balances — each
//! asset's lending terms (`partliq_lending_terms`), the account's lending
//! health, one liquidation with its flows per asset, and the least amount
//! to cover that restores a health factor of 1.
//!
//! The book and the account are passed as for `partliq_unified_pool_health`
//! (lending mode reads the assets, their prices and the balances; the
//! markets, funding indexes and risk extras are checked as everywhere but
//! not read; the positions, which can be many, get their pointer checks
//! only — their values are neither checked nor read), then the terms, one
//! per asset (`terms[i]` for `assets[i]`).
//!
//! Figures the core holds as `i128` (base-currency values, health factors,
//! amounts) are split into a signed high word and an unsigned low word:
//! `x_hi × 2⁶⁴ + x_lo` (two's complement, so `x_hi` is −1 for a small
//! negative figure).

use partliq::unified::lending::{
    least_debt_to_cover, lending_health, plan_lending_liquidation, AssetFlow, LeastDebtToCover, LendingHealth, LendingLiquidation,
    LendingTerms,
};
use partliq::unified::{MarginBook, UnifiedAccount};
use partliq::venues::aave_v3::{CloseFactorRule, DustCheck};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{decode, Castable, Flag, OK};
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{partliq_perp_position, partliq_perp_risk};

/// Most flows one lending liquidation writes: one per asset the account may
/// hold, plus the collateral and debt assets it names (the core's
/// `MAX_LENDING_RESERVES`). A flows array of this length is always enough.
pub const PARTLIQ_MAX_LENDING_FLOWS: usize = 66;

const _: () = assert!(PARTLIQ_MAX_LENDING_FLOWS == partliq::unified::lending::MAX_LENDING_RESERVES);

/// An asset's lending parameters (the core's `LendingTerms`), one per asset
/// of the book. Ratios are ppm and must be whole basis points (multiples
/// of 100).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_lending_terms {
    /// Liquidation threshold, ppm, at most 1,000,000 (Aave's 8,600 bps is
    /// 860,000).
    pub liquidation_threshold_ppm: u32,
    /// Liquidation bonus including the repaid principal, ppm, at least
    /// 1,000,000 (Aave's 10,500 bps, a 5 % bonus, is 1,050,000).
    pub liquidation_bonus_ppm: u32,
    /// Share of the bonus paid to the protocol, ppm, at most 1,000,000.
    pub protocol_fee_ppm: u32,
    /// 1 when a deposit of the asset counts as collateral, 0 when not; any
    /// other value: `INVALID_ENUM`.
    pub collateral_enabled: u8,
    /// 0.
    pub reserved: [u8; 3],
    /// `k`: one quote unit of the book is `10^k` base-currency units (Aave's
    /// 8-decimal USD); the same for every asset of an account, and `e + k`
    /// (`e` the asset's quote exponent) in [−38, 38].
    pub base_exponent: i32,
}

/// The lending health of an account: Aave's `calculateUserAccountData`
/// figures of its balances.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_lending_account_health {
    /// Σ collateral values (each rounded down), base-currency units, high
    /// word (collateral-enabled deposits only).
    pub total_collateral_base_hi: i64,
    /// Low word of `total_collateral_base`.
    pub total_collateral_base_lo: u64,
    /// Σ debt values (each rounded up), base-currency units, high word.
    pub total_debt_base_hi: i64,
    /// Low word of `total_debt_base`.
    pub total_debt_base_lo: u64,
    /// Health factor, a WAD (10¹⁸ is 1.0), high word; without debt the
    /// largest `i128` (`health_factor_hi` `INT64_MAX`, `health_factor_lo`
    /// `UINT64_MAX`).
    pub health_factor_hi: i64,
    /// Low word of `health_factor`.
    pub health_factor_lo: u64,
    /// 1 when the health factor is below 1.0 (a liquidation is allowed),
    /// else 0.
    pub liquidatable: u8,
    /// 0.
    pub reserved: [u8; 7],
}

/// What a lending liquidation does to one asset, in the asset's smallest
/// unit; the four figures sum to zero.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_asset_flow {
    /// The asset (index in the book's assets).
    pub asset_index: u32,
    /// 0.
    pub reserved: u32,
    /// Change of the account's balance in the asset (+ repaid and written
    /// off on the debt asset, − seized on the collateral asset), high word.
    pub account_hi: i64,
    /// Low word of `account`.
    pub account_lo: u64,
    /// What the liquidator receives (> 0: collateral) or pays (< 0: the
    /// debt repaid), high word.
    pub liquidator_hi: i64,
    /// Low word of `liquidator`.
    pub liquidator_lo: u64,
    /// What the protocol receives (its share of the bonus), high word.
    pub protocol_hi: i64,
    /// Low word of `protocol`.
    pub protocol_lo: u64,
    /// Minus the debt written off as bad debt, high word.
    pub deficit_hi: i64,
    /// Low word of `deficit`.
    pub deficit_lo: u64,
}

/// Which branch of Aave's close factor decided the most one call may repay
/// (`partliq_lending_liquidation.close_factor_rule`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_close_factor_rule {
    /// The reserve's collateral value is below $2,000: the whole reserve debt.
    CollateralBelowThreshold = 0,
    /// The reserve's debt value is below $2,000: the whole reserve debt.
    DebtBelowThreshold = 1,
    /// Health factor at most 0.95: the whole reserve debt.
    HealthFactorAtOrBelowThreshold = 2,
    /// Half the total debt value, in debt units.
    HalfOfTotalDebt = 3,
    /// The 50 % rule applies but the reserve's debt is within half the
    /// total: the whole reserve debt.
    ReserveDebtWithinHalf = 4,
}

/// How Aave's dust rule was met (`partliq_lending_liquidation.dust`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_dust_check {
    /// All the reserve's debt is repaid: no check.
    AllDebtRepaid = 0,
    /// All the collateral is seized: no check.
    AllCollateralSeized = 1,
    /// Both leftovers are worth at least $1,000.
    LeftoversAboveMinimum = 2,
}

/// A planned lending liquidation (its flows are in the caller's flows
/// array). Amounts in the assets' smallest units, values in base-currency
/// units.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_lending_liquidation {
    /// The collateral asset seized.
    pub collateral_asset: u32,
    /// The debt asset repaid.
    pub debt_asset: u32,
    /// The account before.
    pub before: partliq_lending_account_health,
    /// The account after (its balances changed by the flows).
    pub after: partliq_lending_account_health,
    /// Aave's close factor: the most of the debt asset one call may repay,
    /// high word.
    pub max_liquidatable_debt_hi: i64,
    /// Low word of `max_liquidatable_debt`.
    pub max_liquidatable_debt_lo: u64,
    /// Debt the liquidator repays (debt asset), high word.
    pub debt_repaid_hi: i64,
    /// Low word of `debt_repaid`.
    pub debt_repaid_lo: u64,
    /// Collateral leaving the account (the liquidator's part plus the fee),
    /// high word.
    pub collateral_seized_hi: i64,
    /// Low word of `collateral_seized`.
    pub collateral_seized_lo: u64,
    /// Collateral the liquidator receives, high word.
    pub collateral_to_liquidator_hi: i64,
    /// Low word of `collateral_to_liquidator`.
    pub collateral_to_liquidator_lo: u64,
    /// Collateral the protocol receives, high word.
    pub protocol_fee_hi: i64,
    /// Low word of `protocol_fee`.
    pub protocol_fee_lo: u64,
    /// Debt written off, summed over assets in base-currency units (each
    /// rounded up), high word; 0 unless the last collateral was seized.
    pub deficit_base_hi: i64,
    /// Low word of `deficit_base`.
    pub deficit_base_lo: u64,
    /// A `partliq_close_factor_rule`.
    pub close_factor_rule: u32,
    /// A `partliq_dust_check`.
    pub dust: u32,
    /// Number of flows written to the front of the flows array, in the
    /// order of the account's balances (at most
    /// `PARTLIQ_MAX_LENDING_FLOWS`).
    pub flow_count: u32,
    /// 0.
    pub reserved: u32,
}

/// The least amount to cover that restores a health factor of at least 1
/// (`partliq_least_debt_to_cover`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_debt_to_cover {
    /// The amount to pass as `debt_to_cover` (debt asset's smallest unit),
    /// high word.
    pub debt_to_cover_hi: i64,
    /// Low word of `debt_to_cover`.
    pub debt_to_cover_lo: u64,
    /// Aave's close factor for the pair, high word.
    pub max_liquidatable_debt_hi: i64,
    /// Low word of `max_liquidatable_debt`.
    pub max_liquidatable_debt_lo: u64,
    /// The health factor after that liquidation (WAD), high word.
    pub health_factor_after_hi: i64,
    /// Low word of `health_factor_after`.
    pub health_factor_after_lo: u64,
    /// 1 when that liquidation leaves a health factor of at least 1; 0 when
    /// no amount does (`debt_to_cover` is then the largest the pool accepts).
    pub restores: u8,
    /// 1 when the result is proven the least; 0 when the rounding window
    /// below it was wider than `scan_limit`.
    pub exact: u8,
    /// 0.
    pub reserved: [u8; 6],
}

pin_layout!(partliq_lending_terms, size = 20, align = u32, {
    liquidation_threshold_ppm @ 0, liquidation_bonus_ppm @ 4, protocol_fee_ppm @ 8, collateral_enabled @ 12, reserved @ 13,
    base_exponent @ 16,
});
pin_layout!(partliq_lending_account_health, size = 56, align = i64, {
    total_collateral_base_hi @ 0, total_collateral_base_lo @ 8, total_debt_base_hi @ 16, total_debt_base_lo @ 24,
    health_factor_hi @ 32, health_factor_lo @ 40, liquidatable @ 48, reserved @ 49,
});
pin_layout!(partliq_asset_flow, size = 72, align = i64, {
    asset_index @ 0, reserved @ 4, account_hi @ 8, account_lo @ 16, liquidator_hi @ 24, liquidator_lo @ 32,
    protocol_hi @ 40, protocol_lo @ 48, deficit_hi @ 56, deficit_lo @ 64,
});
pin_layout!(partliq_lending_liquidation, size = 232, align = i64, {
    collateral_asset @ 0, debt_asset @ 4, before @ 8, after @ 64, max_liquidatable_debt_hi @ 120, max_liquidatable_debt_lo @ 128,
    debt_repaid_hi @ 136, debt_repaid_lo @ 144, collateral_seized_hi @ 152, collateral_seized_lo @ 160,
    collateral_to_liquidator_hi @ 168, collateral_to_liquidator_lo @ 176, protocol_fee_hi @ 184, protocol_fee_lo @ 192,
    deficit_base_hi @ 200, deficit_base_lo @ 208, close_factor_rule @ 216, dust @ 220, flow_count @ 224, reserved @ 228,
});
pin_layout!(partliq_debt_to_cover, size = 56, align = i64, {
    debt_to_cover_hi @ 0, debt_to_cover_lo @ 8, max_liquidatable_debt_hi @ 16, max_liquidatable_debt_lo @ 24,
    health_factor_after_hi @ 32, health_factor_after_lo @ 40, restores @ 48, exact @ 49, reserved @ 50,
});

/// `RESERVED_NOT_ZERO` unless the reserved bytes are 0, then
/// `INVALID_ENUM` unless the flag is 0 or 1 (no invalid `bool` is formed).
fn terms_check(t: &partliq_lending_terms) -> Result<(), partliq_status> {
    if t.reserved != [0; 3] {
        return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    decode::<Flag>(u32::from(t.collateral_enabled)).map(|_| ())
}

// The caller's terms are read in place as the core's: three `Ppm` (`u32`),
// the flag (a `bool`, checked 0 or 1 before any is seen as the core's), the
// reserved bytes in the core's padding, and the exponent.
castable!(partliq_lending_terms => LendingTerms, |t| terms_check(t), {
    liquidation_threshold_ppm = liquidation_threshold, liquidation_bonus_ppm = liquidation_bonus,
    protocol_fee_ppm = protocol_fee, collateral_enabled = collateral_enabled, base_exponent = base_exponent,
});

const _: () = {
    assert!(partliq_close_factor_rule::CollateralBelowThreshold as u32 == CloseFactorRule::CollateralBelowThreshold as u32);
    assert!(partliq_close_factor_rule::DebtBelowThreshold as u32 == CloseFactorRule::DebtBelowThreshold as u32);
    assert!(partliq_close_factor_rule::HealthFactorAtOrBelowThreshold as u32 == CloseFactorRule::HealthFactorAtOrBelowThreshold as u32);
    assert!(partliq_close_factor_rule::HalfOfTotalDebt as u32 == CloseFactorRule::HalfOfTotalDebt as u32);
    assert!(partliq_close_factor_rule::ReserveDebtWithinHalf as u32 == CloseFactorRule::ReserveDebtWithinHalf as u32);
    assert!(partliq_dust_check::AllDebtRepaid as u32 == DustCheck::AllDebtRepaid as u32);
    assert!(partliq_dust_check::AllCollateralSeized as u32 == DustCheck::AllCollateralSeized as u32);
    assert!(partliq_dust_check::LeftoversAboveMinimum as u32 == DustCheck::LeftoversAboveMinimum as u32);
};

/// `v` as `(hi, lo)`: `hi × 2⁶⁴ + lo`, `hi` signed.
pub(crate) fn split_i128(v: i128) -> (i64, u64) {
    let [h0, h1, h2, h3, h4, h5, h6, h7, l0, l1, l2, l3, l4, l5, l6, l7] = v.to_be_bytes();
    (i64::from_be_bytes([h0, h1, h2, h3, h4, h5, h6, h7]), u64::from_be_bytes([l0, l1, l2, l3, l4, l5, l6, l7]))
}

/// `debt_to_cover` of the ABI as the core's: `INT64_MAX` is "as much as
/// allowed" (the core's `i128::MAX`), any other value itself.
fn cover_of(debt_to_cover: i64) -> i128 {
    if debt_to_cover == i64::MAX {
        i128::MAX
    } else {
        i128::from(debt_to_cover)
    }
}

impl From<&LendingHealth> for partliq_lending_account_health {
    fn from(h: &LendingHealth) -> Self {
        let (total_collateral_base_hi, total_collateral_base_lo) = split_i128(h.total_collateral_base);
        let (total_debt_base_hi, total_debt_base_lo) = split_i128(h.total_debt_base);
        let (health_factor_hi, health_factor_lo) = split_i128(h.health_factor);
        partliq_lending_account_health {
            total_collateral_base_hi,
            total_collateral_base_lo,
            total_debt_base_hi,
            total_debt_base_lo,
            health_factor_hi,
            health_factor_lo,
            liquidatable: u8::from(h.liquidatable),
            reserved: [0; 7],
        }
    }
}

impl From<&AssetFlow> for partliq_asset_flow {
    fn from(f: &AssetFlow) -> Self {
        let (account_hi, account_lo) = split_i128(f.account);
        let (liquidator_hi, liquidator_lo) = split_i128(f.liquidator);
        let (protocol_hi, protocol_lo) = split_i128(f.protocol);
        let (deficit_hi, deficit_lo) = split_i128(f.deficit);
        partliq_asset_flow {
            asset_index: f.asset_index,
            reserved: 0,
            account_hi,
            account_lo,
            liquidator_hi,
            liquidator_lo,
            protocol_hi,
            protocol_lo,
            deficit_hi,
            deficit_lo,
        }
    }
}

impl From<&LeastDebtToCover> for partliq_debt_to_cover {
    fn from(l: &LeastDebtToCover) -> Self {
        let (debt_to_cover_hi, debt_to_cover_lo) = split_i128(l.debt_to_cover);
        let (max_liquidatable_debt_hi, max_liquidatable_debt_lo) = split_i128(l.max_liquidatable_debt);
        let (health_factor_after_hi, health_factor_after_lo) = split_i128(l.health_factor_after);
        partliq_debt_to_cover {
            debt_to_cover_hi,
            debt_to_cover_lo,
            max_liquidatable_debt_hi,
            max_liquidatable_debt_lo,
            health_factor_after_hi,
            health_factor_after_lo,
            restores: u8::from(l.restores),
            exact: u8::from(l.exact),
            reserved: [0; 6],
        }
    }
}

/// The ABI's liquidation of the core's (its flows are written apart). The
/// count fits: at most `PARTLIQ_MAX_LENDING_FLOWS`.
fn liquidation_of(l: &LendingLiquidation) -> partliq_lending_liquidation {
    let (max_liquidatable_debt_hi, max_liquidatable_debt_lo) = split_i128(l.max_liquidatable_debt);
    let (debt_repaid_hi, debt_repaid_lo) = split_i128(l.debt_repaid);
    let (collateral_seized_hi, collateral_seized_lo) = split_i128(l.collateral_seized);
    let (collateral_to_liquidator_hi, collateral_to_liquidator_lo) = split_i128(l.collateral_to_liquidator);
    let (protocol_fee_hi, protocol_fee_lo) = split_i128(l.protocol_fee);
    let (deficit_base_hi, deficit_base_lo) = split_i128(l.deficit_base);
    partliq_lending_liquidation {
        collateral_asset: l.collateral_asset,
        debt_asset: l.debt_asset,
        before: partliq_lending_account_health::from(&l.before),
        after: partliq_lending_account_health::from(&l.after),
        max_liquidatable_debt_hi,
        max_liquidatable_debt_lo,
        debt_repaid_hi,
        debt_repaid_lo,
        collateral_seized_hi,
        collateral_seized_lo,
        collateral_to_liquidator_hi,
        collateral_to_liquidator_lo,
        protocol_fee_hi,
        protocol_fee_lo,
        deficit_base_hi,
        deficit_base_lo,
        close_factor_rule: l.close_factor_rule as u32,
        dust: l.dust as u32,
        flow_count: u32::try_from(l.flows().len()).unwrap_or(u32::MAX),
        reserved: 0,
    }
}

// ---------------------------------------------------------------------------
// Entry points.

/// Checks an asset's lending terms (the core's `LendingTerms::validate`), in
/// this order: the boundary's (`RESERVED_NOT_ZERO`, `INVALID_ENUM` for a
/// flag other than 0 or 1), then threshold and fee at most 1,000,000 ppm
/// (`FRACTION_ABOVE_100_PERCENT`), bonus at least 1,000,000
/// (`LENDING_BONUS_BELOW_100_PERCENT`), each a whole number of bps
/// (`LENDING_TERM_NOT_WHOLE_BPS`), Aave's rule threshold × bonus ≤ 100 %
/// (`LENDING_THRESHOLD_TIMES_BONUS_ABOVE_100_PERCENT`), `base_exponent` in
/// [−38, 38] (`INVALID_BASE_EXPONENT`). The lending functions check the
/// terms of every asset the account holds or the liquidation names.
///
/// # Safety
/// `terms` is NULL or points to an initialised `partliq_lending_terms`.
#[no_mangle]
pub unsafe extern "C" fn partliq_lending_terms_validate(terms: *const partliq_lending_terms) -> partliq_status {
    let terms = struct_in!(terms);
    let core = check!(terms.cast_ref());
    core_try!(core.validate());
    OK
}

/// The lending health of a unified account: Aave v3's
/// `calculateUserAccountData` on its balances (deposits are supplies,
/// borrows debts; perp positions are not read). Writes `*out` on success.
///
/// The book and the account as `partliq_unified_pool_health` takes them;
/// `terms` holds at least one entry per asset (`terms[i]` for `assets[i]`).
/// It checks only what it reads: every array's pointer and length, the
/// book's values and the balances' reserved fields, but not the positions'
/// values (a position's margin is not checked: the positions are not
/// read). Statuses besides the boundary's (the book's and the balances',
/// then `RESERVED_NOT_ZERO` and `INVALID_ENUM` of the terms): `TOO_MANY_BALANCES`,
/// `LENDING_TERMS_TOO_SHORT`, `UNKNOWN_ASSET`, `MISSING_PRICE`,
/// `NEGATIVE_PRICE`, the terms' (`partliq_lending_terms_validate`) of an
/// asset the account holds, `BASE_EXPONENT_MISMATCH`,
/// `INVALID_QUOTE_EXPONENT`, `INVALID_BASE_EXPONENT`, `OVERFLOW`.
///
/// # Safety
/// As `partliq_unified_pool_health`; `terms` is NULL (only with `terms_len`
/// 0) or points to that many initialised terms; `out` is NULL or valid for
/// one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_lending_health(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    terms: *const partliq_lending_terms,
    terms_len: usize,
    out: *mut partliq_lending_account_health,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let terms = array_in!(terms, terms_len);
    out!(out);
    let (book, account) = check!(args.view_balances());
    let terms = check!(Castable::cast_slice(terms));
    let h = check!(health_core(&account, &book, terms));
    write_out!(out, h);
    OK
}

/// Aave v3's `liquidationCall` on a unified account's balances: repay up to
/// `debt_to_cover` of `debt_asset` (its smallest unit; `INT64_MAX` for as
/// much as the close factor allows) and seize `collateral_asset` with the
/// bonus, after the close factor, the protocol fee, the dust rule and the
/// deficit; the liquidator receives the collateral as a balance.
///
/// On success writes `*out` and its `flow_count` flows to the front of
/// `flows` (nothing else of it): one per asset the liquidation touches, in
/// the order of the account's balances — apply `account` to the account's
/// balance, `liquidator` to the liquidator's, `protocol` to the protocol's;
/// `deficit` is the bad debt written off. On any other status neither is
/// touched. `flows_len` of `PARTLIQ_MAX_LENDING_FLOWS` is always enough;
/// fewer than the liquidation touches: `BUFFER_TOO_SMALL`.
///
/// Statuses: `partliq_lending_health`'s (it checks what that checks: not
/// the positions' values); `UNKNOWN_ASSET` (a pair naming no
/// asset); then Aave's, in its order: `NOT_LIQUIDATABLE` (health factor
/// not below 1), `COLLATERAL_NOT_ENABLED` (not collateral or not held),
/// `NOT_BORROWED`, `MUST_NOT_LEAVE_DUST`; `OUT_OF_RANGE` for a negative
/// `debt_to_cover`; `BUFFER_TOO_SMALL`; `LENDING_NOT_CONSERVED` (a defect:
/// a flow that does not sum to zero).
///
/// # Safety
/// As `partliq_lending_health`; `flows` is NULL (only with `flows_len` 0)
/// or points to `flows_len` initialised flows (any values: they are only
/// written), not overlapping another argument.
#[no_mangle]
pub unsafe extern "C" fn partliq_plan_lending_liquidation(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    terms: *const partliq_lending_terms,
    terms_len: usize,
    collateral_asset: u32,
    debt_asset: u32,
    debt_to_cover: i64,
    flows: *mut partliq_asset_flow,
    flows_len: usize,
    out: *mut partliq_lending_liquidation,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let terms = array_in!(terms, terms_len);
    let flows = array_out!(flows, flows_len);
    out!(out);
    let (book, account) = check!(args.view_balances());
    let terms = check!(Castable::cast_slice(terms));
    let pair = (collateral_asset, debt_asset);
    let l = check!(plan_core(&account, &book, terms, pair, cover_of(debt_to_cover), flows));
    // The flows are written (on success only); nothing fails from here on.
    write_out!(out, l);
    OK
}

/// The least `debt_to_cover` of `debt_asset` against `collateral_asset`
/// whose liquidation (`partliq_plan_lending_liquidation`) leaves a health
/// factor of at least 1, within Aave's close factor; when none does, the
/// largest amount the pool accepts, with `restores` 0. Found by bisection
/// over the liquidation itself; a scan of at most `scan_limit` amounts of
/// the rounding window below the result proves it the least (`exact` 1;
/// else `exact` 0: it restores and one unit less does not, but a smaller
/// amount within the window may). Writes `*out` on success.
///
/// Statuses: `partliq_plan_lending_liquidation`'s but the dust rule
/// (`MUST_NOT_LEAVE_DUST` only when the pool accepts no amount at all),
/// `OUT_OF_RANGE` and `BUFFER_TOO_SMALL`.
///
/// # Safety
/// As `partliq_lending_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_least_debt_to_cover(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    terms: *const partliq_lending_terms,
    terms_len: usize,
    collateral_asset: u32,
    debt_asset: u32,
    scan_limit: u32,
    out: *mut partliq_debt_to_cover,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let terms = array_in!(terms, terms_len);
    out!(out);
    let (book, account) = check!(args.view_balances());
    let terms = check!(Castable::cast_slice(terms));
    let least = check!(least_core(&account, &book, terms, (collateral_asset, debt_asset), scan_limit));
    write_out!(out, least);
    OK
}

// ---------------------------------------------------------------------------
// The core calls, kept out of the exported functions' frames (the core's
// reserves are fixed arrays on the stack, ~12 KiB, and a liquidation ~6 KiB;
// see `scripts/ffi/check-stack-probes.sh`). Each returns the small ABI value.

/// The core's lending health.
#[inline(never)]
fn health_core(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    terms: &[LendingTerms],
) -> Result<partliq_lending_account_health, partliq_status> {
    let h = lending_health(account, book, terms).map_err(status_of)?;
    Ok(partliq_lending_account_health::from(&h))
}

/// The core's liquidation; writes its flows to the front of `flows` once
/// it has succeeded and they fit (`BUFFER_TOO_SMALL` otherwise, nothing
/// written).
#[inline(never)]
fn plan_core(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    terms: &[LendingTerms],
    (collateral_asset, debt_asset): (u32, u32),
    debt_to_cover: i128,
    flows: &mut [partliq_asset_flow],
) -> Result<partliq_lending_liquidation, partliq_status> {
    let l = plan_lending_liquidation(account, book, terms, collateral_asset, debt_asset, debt_to_cover).map_err(status_of)?;
    let src = l.flows();
    let dst = flows.get_mut(..src.len()).ok_or(PARTLIQ_STATUS_BUFFER_TOO_SMALL)?;
    for (d, s) in dst.iter_mut().zip(src) {
        *d = partliq_asset_flow::from(s);
    }
    Ok(liquidation_of(&l))
}

/// The core's least amount to cover.
#[inline(never)]
fn least_core(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    terms: &[LendingTerms],
    (collateral_asset, debt_asset): (u32, u32),
    scan_limit: u32,
) -> Result<partliq_debt_to_cover, partliq_status> {
    let l = least_debt_to_cover(account, book, terms, collateral_asset, debt_asset, scan_limit).map_err(status_of)?;
    Ok(partliq_debt_to_cover::from(&l))
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::Book;
    use partliq::num::Ppm;

    const E6: i64 = 1_000_000;
    const E8: i64 = 100_000_000;
    const WAD: i128 = 1_000_000_000_000_000_000;

    fn join(hi: i64, lo: u64) -> i128 {
        (i128::from(hi) << 64) | i128::from(lo)
    }

    fn hf(h: &partliq_lending_account_health) -> i128 {
        join(h.health_factor_hi, h.health_factor_lo)
    }

    /// Aave's testnet terms: 8,600 / 10,500 / 1,000 bps.
    fn testnet() -> partliq_lending_terms {
        partliq_lending_terms {
            liquidation_threshold_ppm: 860_000,
            liquidation_bonus_ppm: 1_050_000,
            protocol_fee_ppm: 100_000,
            collateral_enabled: 1,
            reserved: [0; 3],
            base_exponent: 0,
        }
    }

    fn at_par(quote_exponent: i32) -> partliq_asset {
        partliq_asset {
            id: 0,
            quote_exponent,
            initial_asset_weight_ppm: 1_000_000,
            maintenance_asset_weight_ppm: 1_000_000,
            initial_liability_weight_ppm: 1_000_000,
            maintenance_liability_weight_ppm: 1_000_000,
            imf_factor_ppm: 0,
            reserved: 0,
            imf_unit: 1,
        }
    }

    fn bal(asset_index: u32, amount: i64) -> partliq_asset_balance {
        partliq_asset_balance { asset_index, reserved: 0, amount }
    }

    /// A book of assets only (lending mode reads no market).
    fn book(assets: Vec<partliq_asset>, asset_prices: Vec<i64>, balances: Vec<partliq_asset_balance>) -> Book {
        Book {
            markets: vec![],
            prices: vec![],
            funding_indexes: vec![],
            perp_risk: vec![],
            assets,
            asset_prices,
            balances,
            positions: vec![],
        }
    }

    /// Aave's test_partial_liquidate_variable_borrow: USDX (6 decimals) at
    /// $1, WBTC (8 decimals) at $20,250; 1 WBTC supplied, 20,500 USDX
    /// borrowed. Quote unit 10⁻⁸ USD: a token of `d` decimals at Aave price
    /// `P` is quote exponent `−d`, price `P`.
    fn wbtc_usdx() -> Book {
        book(vec![at_par(-6), at_par(-8)], vec![E8, 20_250 * E8], vec![bal(0, -20_500 * E6), bal(1, E8)])
    }

    /// Two $1 assets of 8 decimals, LT 80 %, bonus 105 %, fee 10 %.
    fn dollars(collateral: i64, debt: i64) -> (Book, [partliq_lending_terms; 2]) {
        let t = partliq_lending_terms { liquidation_threshold_ppm: 800_000, ..testnet() };
        (book(vec![at_par(0), at_par(0)], vec![1, 1], vec![bal(0, collateral * E8), bal(1, -debt * E8)]), [t, t])
    }

    fn health(b: &Book, terms: &[partliq_lending_terms], out: &mut partliq_lending_account_health) -> partliq_status {
        // SAFETY: every pointer comes from a live vector or reference.
        unsafe {
            partliq_lending_health(
                b.markets.as_ptr(),
                b.markets.len(),
                b.prices.as_ptr(),
                b.prices.len(),
                b.funding_indexes.as_ptr(),
                b.funding_indexes.len(),
                b.perp_risk.as_ptr(),
                b.perp_risk.len(),
                b.assets.as_ptr(),
                b.assets.len(),
                b.asset_prices.as_ptr(),
                b.asset_prices.len(),
                b.balances.as_ptr(),
                b.balances.len(),
                b.positions.as_ptr(),
                b.positions.len(),
                terms.as_ptr(),
                terms.len(),
                out,
            )
        }
    }

    fn plan(
        b: &Book,
        terms: &[partliq_lending_terms],
        pair: (u32, u32),
        cover: i64,
        flows: &mut [partliq_asset_flow],
        out: &mut partliq_lending_liquidation,
    ) -> partliq_status {
        // SAFETY: as `health`.
        unsafe {
            partliq_plan_lending_liquidation(
                b.markets.as_ptr(),
                b.markets.len(),
                b.prices.as_ptr(),
                b.prices.len(),
                b.funding_indexes.as_ptr(),
                b.funding_indexes.len(),
                b.perp_risk.as_ptr(),
                b.perp_risk.len(),
                b.assets.as_ptr(),
                b.assets.len(),
                b.asset_prices.as_ptr(),
                b.asset_prices.len(),
                b.balances.as_ptr(),
                b.balances.len(),
                b.positions.as_ptr(),
                b.positions.len(),
                terms.as_ptr(),
                terms.len(),
                pair.0,
                pair.1,
                cover,
                flows.as_mut_ptr(),
                flows.len(),
                out,
            )
        }
    }

    fn least(b: &Book, terms: &[partliq_lending_terms], pair: (u32, u32), scan: u32, out: &mut partliq_debt_to_cover) -> partliq_status {
        // SAFETY: as `health`.
        unsafe {
            partliq_least_debt_to_cover(
                b.markets.as_ptr(),
                b.markets.len(),
                b.prices.as_ptr(),
                b.prices.len(),
                b.funding_indexes.as_ptr(),
                b.funding_indexes.len(),
                b.perp_risk.as_ptr(),
                b.perp_risk.len(),
                b.assets.as_ptr(),
                b.assets.len(),
                b.asset_prices.as_ptr(),
                b.asset_prices.len(),
                b.balances.as_ptr(),
                b.balances.len(),
                b.positions.as_ptr(),
                b.positions.len(),
                terms.as_ptr(),
                terms.len(),
                pair.0,
                pair.1,
                scan,
                out,
            )
        }
    }

    fn flow(asset_index: u32, account: i128, liquidator: i128, protocol: i128, deficit: i128) -> partliq_asset_flow {
        partliq_asset_flow::from(&AssetFlow { asset_index, account, liquidator, protocol, deficit })
    }

    #[test]
    fn words_of_i128() {
        assert_eq!(split_i128(0), (0, 0));
        assert_eq!(split_i128(-1), (-1, u64::MAX));
        assert_eq!(split_i128(1 << 64), (1, 0));
        assert_eq!(split_i128(i128::MAX), (i64::MAX, u64::MAX));
        assert_eq!(split_i128(i128::MIN), (i64::MIN, 0));
        for v in [0, -1, 5, -106_000_000, i128::MAX, i128::MIN, 849_512_195_121_951_219 * 1_000_000_000] {
            let (h, l) = split_i128(v);
            assert_eq!(join(h, l), v);
        }
        assert_eq!(cover_of(i64::MAX), i128::MAX);
        assert_eq!(cover_of(-1), -1);
    }

    /// Read in place, field for field the core's; the flag and the reserved
    /// bytes checked before any is seen as the core's.
    #[test]
    fn terms_read_in_place_and_validated() {
        let t = partliq_lending_terms { base_exponent: -3, ..testnet() };
        let core = LendingTerms::new(Ppm(860_000), Ppm(1_050_000), Ppm(100_000)).with_base_exponent(-3);
        assert_eq!(*t.cast_ref().unwrap(), core);
        let off = partliq_lending_terms { collateral_enabled: 0, ..t };
        assert_eq!(*off.cast_ref().unwrap(), core.not_collateral());
        let v = |t: partliq_lending_terms| {
            // SAFETY: a valid pointer.
            unsafe { partliq_lending_terms_validate(&t) }
        };
        assert_eq!(v(t), OK);
        assert_eq!(v(partliq_lending_terms { collateral_enabled: 2, ..t }), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(v(partliq_lending_terms { reserved: [0, 1, 0], ..t }), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(v(partliq_lending_terms { liquidation_threshold_ppm: 1_000_001, ..t }), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
        assert_eq!(v(partliq_lending_terms { protocol_fee_ppm: 1_000_001, ..t }), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
        assert_eq!(v(partliq_lending_terms { liquidation_bonus_ppm: 999_900, ..t }), PARTLIQ_STATUS_LENDING_BONUS_BELOW_100_PERCENT);
        assert_eq!(v(partliq_lending_terms { liquidation_bonus_ppm: 1_050_001, ..t }), PARTLIQ_STATUS_LENDING_TERM_NOT_WHOLE_BPS);
        // percentMul(9,600, 10,500) = 10,080 bps > 10,000.
        assert_eq!(
            v(partliq_lending_terms { liquidation_threshold_ppm: 960_000, ..t }),
            PARTLIQ_STATUS_LENDING_THRESHOLD_TIMES_BONUS_ABOVE_100_PERCENT
        );
        assert_eq!(v(partliq_lending_terms { base_exponent: 39, ..t }), PARTLIQ_STATUS_INVALID_BASE_EXPONENT);
        assert_eq!(v(partliq_lending_terms { base_exponent: -38, ..t }), OK);
        // SAFETY: NULL and misaligned pointers are refused before any read.
        unsafe {
            assert_eq!(partliq_lending_terms_validate(core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
            let buf = [0u64; 4];
            let at1 = buf.as_ptr().cast::<u8>().add(1).cast::<partliq_lending_terms>();
            assert_eq!(partliq_lending_terms_validate(at1), PARTLIQ_STATUS_MISALIGNED_POINTER);
        }
    }

    /// The WBTC/USDX partial liquidation: Aave's figures through the C ABI.
    #[test]
    fn wbtc_usdx_partial_liquidation_by_hand() {
        let b = wbtc_usdx();
        let terms = [testnet(), testnet()];
        let mut h = partliq_lending_account_health::default();
        assert_eq!(health(&b, &terms, &mut h), OK);
        // collateral 1e8 sat × 20,250e8 / 1e8 = 2,025,000,000,000 base units
        // ($20,250); debt 20,500e6 × 1e8 / 1e6 = 2,050,000,000,000. HF =
        // wadDiv(2.025e12 × 8,600, 2.05e12) / 1e4 = 0.849512195121951219…
        assert_eq!((join(h.total_collateral_base_hi, h.total_collateral_base_lo)), 2_025_000_000_000);
        assert_eq!((join(h.total_debt_base_hi, h.total_debt_base_lo)), 2_050_000_000_000);
        assert_eq!(hf(&h), 849_512_195_121_951_219);
        assert_eq!(h.liquidatable, 1);

        let mut flows = [partliq_asset_flow::default(); 4];
        let mut l = partliq_lending_liquidation::default();
        assert_eq!(plan(&b, &terms, (1, 0), 106 * E6, &mut flows, &mut l), OK);
        // base = 1e8 × 106e6 × 1e8 / (20,250e8 × 1e6) = 523,456.79 → 523,456 sat;
        // seized ⌊523,456 × 1.05 = 549,628.8⌋ = 549,628; bonus part 549,628 −
        // ⌊549,628 / 1.05 = 523,455.24⌋ = 26,173; fee ⌈2,617.3⌉ = 2,618;
        // liquidator 549,628 − 2,618 = 547,010.
        assert_eq!((l.collateral_asset, l.debt_asset, l.flow_count, l.reserved), (1, 0, 2, 0));
        assert_eq!(join(l.debt_repaid_hi, l.debt_repaid_lo), 106_000_000);
        assert_eq!(join(l.collateral_seized_hi, l.collateral_seized_lo), 549_628);
        assert_eq!(join(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo), 547_010);
        assert_eq!(join(l.protocol_fee_hi, l.protocol_fee_lo), 2_618);
        assert_eq!(join(l.deficit_base_hi, l.deficit_base_lo), 0);
        assert_eq!(l.before, h);
        assert_eq!(hf(&l.after), 849_234_200_441_306_266);
        assert_eq!(join(l.after.total_collateral_base_hi, l.after.total_collateral_base_lo), 2_013_870_033_000);
        // HF ≤ 0.95: the whole reserve debt may be repaid.
        assert_eq!(l.close_factor_rule, partliq_close_factor_rule::HealthFactorAtOrBelowThreshold as u32);
        assert_eq!(join(l.max_liquidatable_debt_hi, l.max_liquidatable_debt_lo), 20_500_000_000);
        assert_eq!(l.dust, partliq_dust_check::LeftoversAboveMinimum as u32);
        assert_eq!(flows[0], flow(0, 106_000_000, -106_000_000, 0, 0));
        assert_eq!(flows[1], flow(1, -549_628, 547_010, 2_618, 0));
        // The negative liquidator flow in words: −106e6 = −1 × 2⁶⁴ + (2⁶⁴ − 106e6).
        assert_eq!((flows[0].liquidator_hi, flows[0].liquidator_lo), (-1, u64::MAX - 106_000_000 + 1));
        assert_eq!(flows[2], partliq_asset_flow::default(), "nothing written past flow_count");
    }

    /// Collateral $1,000, debt $2,000: the whole collateral is seized and
    /// the rest of the debt becomes deficit.
    #[test]
    fn deficit_by_hand() {
        let (b, terms) = dollars(1_000, 2_000);
        let mut flows = [partliq_asset_flow::default(); 2];
        let mut l = partliq_lending_liquidation::default();
        assert_eq!(plan(&b, &terms, (0, 1), i64::MAX, &mut flows, &mut l), OK);
        // Seizing for all 2,000e8 takes 2,100e8 > 1,000e8: capped, debt =
        // ⌈1,000e8 / 1.05⌉ = 95,238,095,239; bonus part 1,000e8 −
        // ⌊95,238,095,238.09⌋ = 4,761,904,762; fee ⌈10 %⌉ = 476,190,477;
        // deficit 2,000e8 − 95,238,095,239 = 104,761,904,761.
        assert_eq!(join(l.debt_repaid_hi, l.debt_repaid_lo), 95_238_095_239);
        assert_eq!(join(l.protocol_fee_hi, l.protocol_fee_lo), 476_190_477);
        assert_eq!(join(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo), 99_523_809_523);
        assert_eq!(join(l.deficit_base_hi, l.deficit_base_lo), 104_761_904_761);
        assert_eq!(hf(&l.after), i128::MAX);
        assert_eq!((l.after.health_factor_hi, l.after.health_factor_lo, l.after.liquidatable), (i64::MAX, u64::MAX, 0));
        assert_eq!(l.dust, partliq_dust_check::AllCollateralSeized as u32);
        assert_eq!(flows[0], flow(0, -100_000_000_000, 99_523_809_523, 476_190_477, 0));
        assert_eq!(flows[1], flow(1, 200_000_000_000, -95_238_095_239, 0, -104_761_904_761));
    }

    /// HF 0.941 ≥ b·l: the least amount is 6,250e8 − 4 (the core's
    /// `least_by_hand`: 8,000 × C = 10,000 × D exactly there), found exact
    /// with a scan of 21 amounts, not proven with 20.
    #[test]
    fn least_by_hand() {
        let (b, terms) = dollars(20_000, 17_000);
        let mut out = partliq_debt_to_cover::default();
        assert_eq!(least(&b, &terms, (0, 1), 21, &mut out), OK);
        assert_eq!(join(out.debt_to_cover_hi, out.debt_to_cover_lo), 625_000_000_000 - 4);
        assert_eq!(join(out.max_liquidatable_debt_hi, out.max_liquidatable_debt_lo), 1_700_000_000_000);
        assert_eq!(join(out.health_factor_after_hi, out.health_factor_after_lo), WAD);
        assert_eq!((out.restores, out.exact, out.reserved), (1, 1, [0; 6]));
        assert_eq!(least(&b, &terms, (0, 1), 20, &mut out), OK);
        assert_eq!((join(out.debt_to_cover_hi, out.debt_to_cover_lo), out.exact), (625_000_000_000 - 4, 0));
        // The amount found, planned: HF exactly 1.0; one less: below.
        let mut flows = [partliq_asset_flow::default(); 2];
        let mut l = partliq_lending_liquidation::default();
        assert_eq!(plan(&b, &terms, (0, 1), 625_000_000_000 - 4, &mut flows, &mut l), OK);
        assert_eq!(hf(&l.after), WAD);
        assert_eq!(plan(&b, &terms, (0, 1), 625_000_000_000 - 5, &mut flows, &mut l), OK);
        assert!(hf(&l.after) < WAD);
    }

    /// The core's statuses and the boundary's, every output untouched.
    #[test]
    fn statuses_and_outputs_untouched() {
        let base = wbtc_usdx();
        let terms = [testnet(), testnet()];
        let hs = partliq_lending_account_health { health_factor_lo: 7, reserved: [9; 7], ..Default::default() };
        let ls = partliq_lending_liquidation { flow_count: 77, ..Default::default() };
        let fs = partliq_asset_flow { asset_index: 5, account_lo: 5, ..Default::default() };
        let qs = partliq_debt_to_cover { exact: 9, ..Default::default() };
        // Each entry point on (book, terms, pair, cover, flows_len): every
        // status alike, outputs untouched unless OK.
        let all = |b: &Book, t: &[partliq_lending_terms], pair: (u32, u32), cover: i64, n: usize| {
            let mut h = hs;
            let mut l = ls;
            let mut flows = vec![fs; n];
            let mut q = qs;
            let sh = health(b, t, &mut h);
            let sp = plan(b, t, pair, cover, &mut flows, &mut l);
            let sq = least(b, t, pair, 0, &mut q);
            if sh != OK {
                assert_eq!(h, hs);
            }
            if sp != OK {
                assert_eq!(l, ls);
                assert!(flows.iter().all(|f| *f == fs));
            }
            if sq != OK {
                assert_eq!(q, qs);
            }
            (sh, sp, sq)
        };
        let with = |f: &dyn Fn(&mut Book)| {
            let mut b = base.clone();
            f(&mut b);
            b
        };
        let t = |f: &dyn Fn(&mut partliq_lending_terms)| {
            let mut x = terms;
            f(&mut x[1]);
            x
        };
        let every = |s| (s, s, s);
        assert_eq!(all(&base, &terms, (1, 0), 106 * E6, 2), (OK, OK, OK));
        assert_eq!(all(&base, &terms[..1], (1, 0), 1, 2), every(PARTLIQ_STATUS_LENDING_TERMS_TOO_SHORT));
        assert_eq!(all(&base, &t(&|x| x.collateral_enabled = 2), (1, 0), 1, 2), every(PARTLIQ_STATUS_INVALID_ENUM));
        assert_eq!(all(&base, &t(&|x| x.reserved[2] = 1), (1, 0), 1, 2), every(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        assert_eq!(all(&base, &t(&|x| x.liquidation_bonus_ppm = 1), (1, 0), 1, 2), every(PARTLIQ_STATUS_LENDING_BONUS_BELOW_100_PERCENT));
        assert_eq!(all(&base, &t(&|x| x.base_exponent = 2), (1, 0), 1, 2), every(PARTLIQ_STATUS_BASE_EXPONENT_MISMATCH));
        assert_eq!(all(&with(&|b| b.balances[0].reserved = 1), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        assert_eq!(all(&with(&|b| b.assets[0].reserved = 1), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        assert_eq!(all(&with(&|b| b.balances[0].asset_index = 2), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_UNKNOWN_ASSET));
        assert_eq!(all(&with(&|b| b.asset_prices[1] = 0), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_MISSING_PRICE));
        assert_eq!(all(&with(&|b| b.asset_prices[1] = -1), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_NEGATIVE_PRICE));
        assert_eq!(all(&with(&|b| b.balances = vec![bal(0, 1); 65]), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_TOO_MANY_BALANCES));
        assert_eq!(all(&with(&|b| b.assets[1].quote_exponent = 19), &terms, (1, 0), 1, 2), every(PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT));
        // The positions are not read, so their values are not checked: an
        // unnamed margin (7) is not reported, the figures are the account's
        // without them. Their pointer is checked all the same.
        let junk = partliq_perp_position { market_index: 9, margin: 7, size: 5, quote_balance: -1, ..Default::default() };
        let with_junk = with(&|b| b.positions = vec![junk; 3]);
        assert_eq!(all(&with_junk, &terms, (1, 0), 106 * E6, 2), (OK, OK, OK));
        let (mut h0, mut h1) = (hs, hs);
        assert_eq!((health(&base, &terms, &mut h0), health(&with_junk, &terms, &mut h1)), (OK, OK));
        assert_eq!(h0, h1);
        let mut h = hs;
        // SAFETY: NULL with a length is refused before any read; the other
        // pointers come from live vectors.
        let st = unsafe {
            partliq_lending_health(
                base.markets.as_ptr(),
                0,
                base.prices.as_ptr(),
                0,
                base.funding_indexes.as_ptr(),
                0,
                base.perp_risk.as_ptr(),
                0,
                base.assets.as_ptr(),
                base.assets.len(),
                base.asset_prices.as_ptr(),
                base.asset_prices.len(),
                base.balances.as_ptr(),
                base.balances.len(),
                core::ptr::null(),
                1,
                terms.as_ptr(),
                terms.len(),
                &mut h,
            )
        };
        assert_eq!((st, h), (PARTLIQ_STATUS_NULL_POINTER, hs));
        // e + k = 18 + 20 = 38: INT64_MAX × 10³⁸ does not fit an i128.
        let big = with(&|b| {
            b.assets[1].quote_exponent = 18;
            b.asset_prices[1] = i64::MAX;
        });
        let k20 = [partliq_lending_terms { base_exponent: 20, ..testnet() }; 2];
        assert_eq!(all(&big, &k20, (1, 0), 1, 2), every(PARTLIQ_STATUS_OVERFLOW));
        // Only the planning functions: the pair, Aave's validations, the amount, the buffer.
        let (sh, sp, sq) = all(&base, &terms, (2, 0), 1, 2);
        assert_eq!((sh, sp, sq), (OK, PARTLIQ_STATUS_UNKNOWN_ASSET, PARTLIQ_STATUS_UNKNOWN_ASSET));
        assert_eq!(all(&base, &terms, (1, 1), 1, 2).1, PARTLIQ_STATUS_NOT_BORROWED);
        assert_eq!(all(&base, &terms, (0, 0), 1, 2).1, PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED);
        // WBTC not collateral: HF 0, liquidatable, but nothing to seize.
        assert_eq!(all(&base, &t(&|x| x.collateral_enabled = 0), (1, 0), 1, 2).1, PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED);
        assert_eq!(all(&base, &terms, (1, 0), -1, 2).1, PARTLIQ_STATUS_OUT_OF_RANGE);
        assert_eq!(all(&base, &terms, (1, 0), 106 * E6, 1).1, PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(all(&base, &terms, (1, 0), 106 * E6, 0).1, PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        // Healthy: 1 WBTC against 1,000 USDX.
        let healthy = with(&|b| b.balances[0].amount = -1_000 * E6);
        assert_eq!(all(&healthy, &terms, (1, 0), 1, 2), (OK, PARTLIQ_STATUS_NOT_LIQUIDATABLE, PARTLIQ_STATUS_NOT_LIQUIDATABLE));
        // $1,000 of collateral against $1,500 of debt: repaying $100 seizes
        // $105 and leaves $895 of collateral (< $1,000) and $1,400 of debt.
        let (dust, dt) = dollars(1_000, 1_500);
        assert_eq!(all(&dust, &dt, (0, 1), 100 * E8, 2).1, PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST);
    }

    /// Every pointer: NULL (with a length), an impossible length,
    /// misaligned — refused before any read, outputs untouched.
    #[test]
    fn every_pointer_is_checked() {
        #[repr(C, align(8))]
        struct Aligned([u8; 256]);
        let b = wbtc_usdx();
        let terms = [testnet(), testnet()];
        let buf = Aligned([0; 256]);
        // SAFETY: offsets within the buffer.
        let at4 = unsafe { buf.0.as_ptr().add(4) };
        let mut h = partliq_lending_account_health::default();
        let mut l = partliq_lending_liquidation::default();
        let mut q = partliq_debt_to_cover::default();
        let mut flows = [partliq_asset_flow::default(); 2];
        // SAFETY: every pointer is valid for its length but the one refused.
        unsafe {
            let tp = terms.as_ptr();
            for (ptr, len, want) in [
                (core::ptr::null(), 1, PARTLIQ_STATUS_NULL_POINTER),
                (tp, usize::MAX, PARTLIQ_STATUS_BAD_LENGTH),
                (at4.add(1).cast::<partliq_lending_terms>(), 1, PARTLIQ_STATUS_MISALIGNED_POINTER),
            ] {
                let h_call = partliq_lending_health(
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    b.assets.as_ptr(),
                    2,
                    b.asset_prices.as_ptr(),
                    2,
                    b.balances.as_ptr(),
                    2,
                    core::ptr::null(),
                    0,
                    ptr,
                    len,
                    &mut h,
                );
                assert_eq!(h_call, want);
            }
            // The book's arrays: NULL assets with a length.
            let s = partliq_least_debt_to_cover(
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                2,
                b.asset_prices.as_ptr(),
                2,
                b.balances.as_ptr(),
                2,
                core::ptr::null(),
                0,
                tp,
                2,
                1,
                0,
                0,
                &mut q,
            );
            assert_eq!(s, PARTLIQ_STATUS_NULL_POINTER);
            // Misaligned balances.
            let s = partliq_lending_health(
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                b.assets.as_ptr(),
                2,
                b.asset_prices.as_ptr(),
                2,
                at4.cast(),
                1,
                core::ptr::null(),
                0,
                tp,
                2,
                &mut h,
            );
            assert_eq!(s, PARTLIQ_STATUS_MISALIGNED_POINTER);
            let pl = |flows: *mut partliq_asset_flow, n: usize, out: *mut partliq_lending_liquidation| {
                partliq_plan_lending_liquidation(
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    b.assets.as_ptr(),
                    2,
                    b.asset_prices.as_ptr(),
                    2,
                    b.balances.as_ptr(),
                    2,
                    core::ptr::null(),
                    0,
                    tp,
                    2,
                    1,
                    0,
                    106 * E6,
                    flows,
                    n,
                    out,
                )
            };
            assert_eq!(pl(core::ptr::null_mut(), 2, &mut l), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(pl(flows.as_mut_ptr(), usize::MAX, &mut l), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(pl(at4.cast_mut().cast(), 1, &mut l), PARTLIQ_STATUS_MISALIGNED_POINTER);
            assert_eq!(pl(flows.as_mut_ptr(), 2, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(pl(flows.as_mut_ptr(), 2, at4.cast_mut().cast()), PARTLIQ_STATUS_MISALIGNED_POINTER);
            // NULL flows with length 0: a valid empty buffer, too small.
            assert_eq!(pl(core::ptr::null_mut(), 0, &mut l), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(l, partliq_lending_liquidation::default());
            assert_eq!(flows, [partliq_asset_flow::default(); 2]);
            assert_eq!(pl(flows.as_mut_ptr(), 2, &mut l), OK);
            assert_eq!(l.flow_count, 2);
        }
        assert_eq!(h, partliq_lending_account_health::default());
        assert_eq!(q, partliq_debt_to_cover::default());
        assert!(buf.0.iter().all(|b| *b == 0));
    }
}
