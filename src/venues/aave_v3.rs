//! Aave v3 lending-mode liquidation, exact to the wei.
//!
//! Aave is not a margin engine but a lending pool: a user supplies
//! *collateral* assets and borrows *debt* assets, each a "reserve" with its
//! own oracle price, decimals and risk parameters. This module reproduces the
//! pool's liquidation arithmetic in exact integers with Aave's rounding at
//! every step, so an engine can predict (or replay) a `liquidationCall` to the
//! wei. (The preset [`crate::presets::aave_v3_close_factor`] transposes
//! its close factor to margin pools.)
//!
//! # Version followed
//!
//! `aave-dao/aave-v3-origin` at commit
//! `fd1fbd9150426ca8ace9cee45b4acf912ae84f5b` (main, 2026-06-19; the v3.7.0
//! release is `4fbd744239fd6682ebad2412f094f5f95abc6393` and the protocol
//! libraries are identical between the two): `LiquidationLogic.sol`,
//! `GenericLogic.sol` (`calculateUserAccountData`), `ValidationLogic.sol`
//! (`validateLiquidationCall`), `PercentageMath.sol`, `WadRayMath.sol`,
//! `MathUtils.sol` (`mulDivCeil`), `TokenMath.sol` (scaled balances) and the
//! helper `LiquidationDataProvider.sol`. See [`SOURCE_COMMIT`].
//!
//! Version differences that matter for the figures:
//!
//! * **v3.0–v3.2** (`aave/aave-v3-core`): close factor 50 % of the *reserve's*
//!   debt when HF > 0.95, else 100 %; no dust rule, no deficit accounting;
//!   `percentMul` / `percentDiv` (half-up) everywhere in the collateral
//!   computation.
//! * **v3.3**: the close factor becomes 100 % by default and 50 % of the
//!   user's *total* debt (in base currency) only while HF > 0.95 **and** the
//!   reserve's collateral and debt are both ≥ $2,000; the $1,000 leftover
//!   ("dust") rule; collateral reaching zero turns the remaining debt of every
//!   reserve into a reserve *deficit* (bad debt).
//! * **v3.5**: scaled balances round in the protocol's favour (aToken balance
//!   down, debt balance up, debt in base currency up with `mulDivCeil`).
//! * **v3.7** (followed here): the three half-up roundings of the collateral
//!   computation become explicit floor / ceil (`docs/3.7/liquidation-rounding.md`:
//!   seized collateral floor, base part of the bonus floor, protocol fee ceil),
//!   and "no collateral left" is detected on the scaled balances.
//!
//! # The finance
//!
//! **Values.** Each reserve has an oracle price `P` in base-currency units
//! (USD with 8 decimals on the USD markets: `1e8` is $1) per whole token and
//! `d` decimals (`U = 10^d` wei per token). A collateral balance `c` is worth
//! `floor(c × P / U)` (rounded down), a debt `b` is worth `ceil(b × P / U)`
//! (rounded up) — both in the protocol's favour.
//!
//! **Health factor.** With `LT_i` the liquidation threshold (bps) of each
//! collateral reserve enabled as collateral,
//! `HF = wadDiv(Σ value_i × LT_i, total debt value) / 10,000` — a WAD (`1e18`
//! is 1.0); `wadDiv` rounds half up, the division by 10,000 floors. A user with
//! no debt has `HF = uint256.max` ([`HEALTH_FACTOR_NO_DEBT`]). A user is
//! liquidatable when `HF < 1`.
//!
//! **Close factor.** A liquidator names a collateral reserve, a debt reserve
//! and `debtToCover`. By default the whole debt of that reserve may be
//! repaid. Only when the reserve's collateral value and debt value are both
//! ≥ $2,000 ([`MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD`]) and `HF > 0.95`
//! ([`CLOSE_FACTOR_HF_THRESHOLD`]) is it limited to 50 % of the user's *total*
//! debt value (`percentMul`, half up), converted back to debt units with a
//! floor — and only if the reserve's debt value exceeds that half.
//!
//! **Liquidation bonus.** For `debt` repaid the borrower loses
//! `floor(floor(debt × P_debt × U_coll / (P_coll × U_debt)) × bonus / 10,000)`
//! of collateral (`percentMulFloor`; `bonus` is in bps including the
//! principal, `10,500` = 5 % bonus). If that exceeds the collateral balance,
//! the whole balance is taken and the debt is recomputed from it:
//! `percentDivCeil(floor(c × P_coll × U_debt / (P_debt × U_coll)), bonus)` —
//! rounded up, so the liquidator pays at least the bonus-adjusted value.
//!
//! **Protocol fee.** A share of the bonus goes to the treasury: the bonus part
//! is `collateral − percentDivFloor(collateral, bonus)` (the base part rounded
//! down, so the bonus part rounds up), the fee is
//! `percentMulCeil(bonus part, fee bps)` (up), and the liquidator receives the
//! rest. If the fee's scaled amount exceeds what is left of the borrower's
//! scaled balance after the liquidator's transfer (a 1-wei imprecision), the
//! fee is cut to that balance.
//!
//! **Dust rule.** A liquidation must repay all the reserve's debt, or seize
//! all the collateral (liquidator's part plus fee), or leave at least $1,000
//! ([`MIN_LEFTOVER_BASE`]) of *both* (debt left valued up, collateral left
//! valued down); otherwise Aave reverts with `MustNotLeaveDust`
//! ([`ERR_MUST_NOT_LEAVE_DUST`]). [`liquidation_info`] reproduces the
//! `LiquidationDataProvider`'s adjustment that shrinks the amounts so the call
//! passes.
//!
//! **Deficit.** When the liquidation consumes the user's last collateral (the
//! value consumed equals the user's total collateral value, or the scaled
//! balance is used up by the ceil-rounded transfers), the rest of the
//! liquidated reserve's debt and the whole debt of every other reserve are
//! burned and booked as that reserve's *deficit* (bad debt, later covered by
//! the Umbrella / treasury), and the collateral flag is cleared.
//!
//! **Scaled balances.** Aave stores balances divided by a per-reserve index
//! (a RAY, `1e27`, that only grows): a collateral balance is
//! `rayMulFloor(scaled, liquidityIndex)`, a debt balance
//! `rayMulCeil(scaled, variableBorrowIndex)`. Transfers and aToken burns take
//! `rayDivCeil(amount, index)` scaled units, debt burns `rayDivFloor`. Give the
//! indexes as [`RAY`] when balances are plain amounts.
//!
//! **E-mode.** Aave's e-mode replaces a collateral reserve's liquidation
//! threshold and bonus by the category's; pass the effective values in
//! [`Reserve`] (the arithmetic is otherwise identical).
//!
//! # Errors
//!
//! Aave's reverts are [`crate::Error`] values, named by the `ERR_*` constants
//! of this module
//! ([`ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD`], [`ERR_COLLATERAL_CANNOT_BE_LIQUIDATED`],
//! [`ERR_NOT_BORROWED`], [`ERR_MUST_NOT_LEAVE_DUST`], [`ERR_INVALID_BURN_AMOUNT`]).
//! Arithmetic that would revert on `uint256` overflow or underflow is
//! [`Error::Overflow`]; every figure here is a non-negative `i128`.
//!
//! Everything is `no_std`, allocation-free and panic-free over caller-owned
//! slices: `reserves[i]` and `user[i]` describe the same reserve.

use crate::error::{Error, Result};
use crate::num::{add, div_round, mul, mul_div_wide, pow10, sub, Rounding};

/// The commit of `aave-dao/aave-v3-origin` whose libraries this module follows.
pub const SOURCE_COMMIT: &str = "fd1fbd9150426ca8ace9cee45b4acf912ae84f5b";

/// `PercentageMath.PERCENTAGE_FACTOR`: 100.00 % in bps.
pub const PERCENTAGE_FACTOR: i128 = 10_000;
/// `WadRayMath.WAD`: 1.0 with 18 decimals.
pub const WAD: i128 = 1_000_000_000_000_000_000;
/// `WadRayMath.RAY`: 1.0 with 27 decimals (the initial index).
pub const RAY: i128 = 1_000_000_000_000_000_000_000_000_000;
/// `ValidationLogic.HEALTH_FACTOR_LIQUIDATION_THRESHOLD`: liquidatable below 1.0.
pub const HEALTH_FACTOR_LIQUIDATION_THRESHOLD: i128 = WAD;
/// `LiquidationLogic.CLOSE_FACTOR_HF_THRESHOLD`: 0.95 (WAD); at or below it the
/// whole reserve debt is liquidatable.
pub const CLOSE_FACTOR_HF_THRESHOLD: i128 = 950_000_000_000_000_000;
/// `LiquidationLogic.DEFAULT_LIQUIDATION_CLOSE_FACTOR`: 50 % (bps) of the total debt.
pub const DEFAULT_LIQUIDATION_CLOSE_FACTOR: i128 = 5_000;
/// `LiquidationLogic.MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD`: $2,000 in base
/// currency (USD, 8 decimals). Below it, for collateral or debt, the close
/// factor is 100 %.
pub const MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD: i128 = 200_000_000_000;
/// `LiquidationLogic.MIN_LEFTOVER_BASE`: $1,000, the least collateral and debt
/// value a partial liquidation may leave.
pub const MIN_LEFTOVER_BASE: i128 = 100_000_000_000;
/// The health factor of a user without debt (`type(uint256).max` in Aave).
pub const HEALTH_FACTOR_NO_DEBT: i128 = i128::MAX;
/// Largest supported `decimals` (`10^38` still fits `i128`).
pub const MAX_DECIMALS: u32 = 38;

/// Aave's `HealthFactorNotBelowThreshold` (HF ≥ 1). Mapped to an existing
/// variant until a dedicated one exists.
pub const ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD: Error = Error::NotLiquidatable;
/// Aave's `CollateralCannotBeLiquidated`: the collateral reserve is not
/// enabled as collateral by the user.
pub const ERR_COLLATERAL_CANNOT_BE_LIQUIDATED: Error = Error::CollateralNotEnabled;
/// Aave's `SpecifiedCurrencyNotBorrowedByUser`: no debt in the debt reserve.
pub const ERR_NOT_BORROWED: Error = Error::NotBorrowed;
/// Aave's `MustNotLeaveDust`: the liquidation would leave less than
/// [`MIN_LEFTOVER_BASE`] of collateral or debt without clearing either.
pub const ERR_MUST_NOT_LEAVE_DUST: Error = Error::MustNotLeaveDust;
/// Aave's `InvalidBurnAmount`: a token burn of zero scaled units (e.g. a zero
/// `debtToCover`, or a debt too small to burn one scaled unit).
pub const ERR_INVALID_BURN_AMOUNT: Error = Error::ZeroBurnAmount;

// ---------------------------------------------------------------------------
// Aave's rounding primitives (uint256 semantics: negative inputs are refused)
// ---------------------------------------------------------------------------

/// A `uint256` input: negative values are out of range.
fn unsigned(x: i128) -> Result<i128> {
    if x < 0 {
        Err(Error::OutOfRange)
    } else {
        Ok(x)
    }
}

/// `floor((a × b + floor(d / 2)) / d)`: Solidity's half-up `mul`/`div`
/// (`wadDiv`, `percentMul`, `percentDiv`, `rayMul`). Computed as
/// `q = floor(ab / d)`, plus one when the remainder `ab − q·d` is at least
/// `ceil(d / 2)` — no intermediate beyond the 256-bit product, so every
/// result that fits `i128` is returned.
fn mul_div_half_up(a: i128, b: i128, d: i128) -> Result<i128> {
    let (a, b, d) = (unsigned(a)?, unsigned(b)?, unsigned(d)?);
    let q = mul_div_wide(a, b, d, Rounding::Floor)?;
    // The true remainder lies in [0, d) ⊂ [0, 2^127), so the low 128 bits of
    // `ab − q·d`, computed with wrapping arithmetic, are exactly it.
    let rem = a.unsigned_abs().wrapping_mul(b.unsigned_abs()).wrapping_sub(q.unsigned_abs().wrapping_mul(d.unsigned_abs()));
    let half_up = div_round(d, 2, Rounding::Ceil)?.unsigned_abs();
    if rem >= half_up {
        add(q, 1)
    } else {
        Ok(q)
    }
}

/// `a × b / d` rounded as named, for `uint256` inputs.
fn mul_div_u(a: i128, b: i128, d: i128, rounding: Rounding) -> Result<i128> {
    mul_div_wide(unsigned(a)?, unsigned(b)?, unsigned(d)?, rounding)
}

/// `PercentageMath.percentMul`: `value × pct / 10,000`, half up.
pub fn percent_mul(value: i128, percentage: i128) -> Result<i128> {
    mul_div_half_up(value, percentage, PERCENTAGE_FACTOR)
}

/// `PercentageMath.percentMulFloor`: `value × pct / 10,000`, down.
pub fn percent_mul_floor(value: i128, percentage: i128) -> Result<i128> {
    mul_div_u(value, percentage, PERCENTAGE_FACTOR, Rounding::Floor)
}

/// `PercentageMath.percentMulCeil`: `value × pct / 10,000`, up.
pub fn percent_mul_ceil(value: i128, percentage: i128) -> Result<i128> {
    mul_div_u(value, percentage, PERCENTAGE_FACTOR, Rounding::Ceil)
}

/// `PercentageMath.percentDiv`: `value × 10,000 / pct`, half up.
pub fn percent_div(value: i128, percentage: i128) -> Result<i128> {
    mul_div_half_up(value, PERCENTAGE_FACTOR, percentage)
}

/// `PercentageMath.percentDivFloor`: `value × 10,000 / pct`, down.
pub fn percent_div_floor(value: i128, percentage: i128) -> Result<i128> {
    mul_div_u(value, PERCENTAGE_FACTOR, percentage, Rounding::Floor)
}

/// `PercentageMath.percentDivCeil`: `value × 10,000 / pct`, up.
pub fn percent_div_ceil(value: i128, percentage: i128) -> Result<i128> {
    mul_div_u(value, PERCENTAGE_FACTOR, percentage, Rounding::Ceil)
}

/// `WadRayMath.wadDiv`: `a × 1e18 / b`, half up.
pub fn wad_div(a: i128, b: i128) -> Result<i128> {
    mul_div_half_up(a, WAD, b)
}

/// `WadRayMath.rayMulFloor`: `a × b / 1e27`, down (aToken balance).
pub fn ray_mul_floor(a: i128, b: i128) -> Result<i128> {
    mul_div_u(a, b, RAY, Rounding::Floor)
}

/// `WadRayMath.rayMulCeil`: `a × b / 1e27`, up (debt balance).
pub fn ray_mul_ceil(a: i128, b: i128) -> Result<i128> {
    mul_div_u(a, b, RAY, Rounding::Ceil)
}

/// `WadRayMath.rayDivFloor`: `a × 1e27 / b`, down (debt burn).
pub fn ray_div_floor(a: i128, b: i128) -> Result<i128> {
    mul_div_u(a, RAY, b, Rounding::Floor)
}

/// `WadRayMath.rayDivCeil`: `a × 1e27 / b`, up (aToken burn and transfer).
pub fn ray_div_ceil(a: i128, b: i128) -> Result<i128> {
    mul_div_u(a, RAY, b, Rounding::Ceil)
}

/// `MathUtils.mulDivCeil`: `a × b / c`, up.
pub fn mul_div_ceil(a: i128, b: i128, c: i128) -> Result<i128> {
    mul_div_u(a, b, c, Rounding::Ceil)
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/// One Aave reserve (an asset of the pool) with the parameters liquidation
/// reads. Percentages are bps (`10,000` = 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reserve {
    /// Oracle price (`AaveOracle.getAssetPrice`) in base-currency units per
    /// whole token: USD with 8 decimals on USD markets (`1e8` = $1). Must be
    /// positive for every reserve the user uses.
    pub price: i128,
    /// Token decimals (`U = 10^decimals` wei per token), at most [`MAX_DECIMALS`].
    pub decimals: u32,
    /// Liquidation threshold in bps (e.g. `8,600` = 86 %), at most 10,000.
    pub liquidation_threshold: u32,
    /// Liquidation bonus in bps *including* the principal (`10,500` = 5 %
    /// bonus); at least 10,000.
    pub liquidation_bonus: u32,
    /// Share of the bonus paid to the treasury, in bps (`1,000` = 10 %), at
    /// most 10,000.
    pub liquidation_protocol_fee: u32,
    /// aToken liquidity index (RAY, ≥ [`RAY`]); [`RAY`] for plain balances.
    pub liquidity_index: i128,
    /// Variable-debt index (RAY, ≥ [`RAY`]); [`RAY`] for plain balances.
    pub variable_borrow_index: i128,
}

impl Reserve {
    /// A reserve with both indexes at [`RAY`] (balances are plain amounts).
    #[must_use]
    pub const fn new(
        price: i128,
        decimals: u32,
        liquidation_threshold: u32,
        liquidation_bonus: u32,
        liquidation_protocol_fee: u32,
    ) -> Self {
        Reserve {
            price,
            decimals,
            liquidation_threshold,
            liquidation_bonus,
            liquidation_protocol_fee,
            liquidity_index: RAY,
            variable_borrow_index: RAY,
        }
    }

    /// The same reserve with the given indexes.
    #[must_use]
    pub const fn with_indexes(mut self, liquidity_index: i128, variable_borrow_index: i128) -> Self {
        self.liquidity_index = liquidity_index;
        self.variable_borrow_index = variable_borrow_index;
        self
    }

    /// Checks the static parameters (not the price): decimals ≤ 38
    /// ([`Error::OutOfRange`]), threshold and fee ≤ 100 %
    /// ([`Error::FractionAbove100Percent`]), bonus ≥ 100 %
    /// ([`Error::OutOfRange`]), indexes ≥ [`RAY`] ([`Error::OutOfRange`]).
    pub fn validate(&self) -> Result<()> {
        if self.decimals > MAX_DECIMALS {
            return Err(Error::OutOfRange);
        }
        if i128::from(self.liquidation_threshold) > PERCENTAGE_FACTOR || i128::from(self.liquidation_protocol_fee) > PERCENTAGE_FACTOR {
            return Err(Error::FractionAbove100Percent);
        }
        if i128::from(self.liquidation_bonus) < PERCENTAGE_FACTOR {
            return Err(Error::OutOfRange);
        }
        if self.liquidity_index < RAY || self.variable_borrow_index < RAY {
            return Err(Error::OutOfRange);
        }
        Ok(())
    }

    /// `10^decimals`.
    pub fn unit(&self) -> Result<i128> {
        pow10(self.decimals)
    }

    /// The oracle price, checked positive ([`Error::MissingPrice`] when zero,
    /// [`Error::NegativePrice`] when negative).
    pub fn checked_price(&self) -> Result<i128> {
        match self.price {
            p if p > 0 => Ok(p),
            0 => Err(Error::MissingPrice),
            _ => Err(Error::NegativePrice),
        }
    }

    /// Value of a collateral amount in base currency, rounded down
    /// (`amount × price / unit`).
    pub fn collateral_value(&self, amount: i128) -> Result<i128> {
        mul_div_u(amount, self.checked_price()?, self.unit()?, Rounding::Floor)
    }

    /// Value of a debt amount in base currency, rounded up (`mulDivCeil`).
    pub fn debt_value(&self, amount: i128) -> Result<i128> {
        mul_div_ceil(amount, self.checked_price()?, self.unit()?)
    }
}

/// One user's position in one reserve: the scaled balances Aave stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UserReserve {
    /// aToken `scaledBalanceOf` (supplied amount / liquidity index).
    pub scaled_collateral: i128,
    /// Whether the user uses this supply as collateral (the user
    /// configuration's collateral bit).
    pub use_as_collateral: bool,
    /// Variable-debt token `scaledBalanceOf`; the user borrows the reserve
    /// when it is positive.
    pub scaled_debt: i128,
}

impl UserReserve {
    /// A position from scaled balances (equal to the amounts when the
    /// reserve's indexes are [`RAY`]); the supply is used as collateral when
    /// it is positive.
    #[must_use]
    pub const fn new(scaled_collateral: i128, scaled_debt: i128) -> Self {
        UserReserve { scaled_collateral, use_as_collateral: scaled_collateral > 0, scaled_debt }
    }

    /// The aToken balance: `rayMulFloor(scaled, liquidityIndex)`.
    pub fn collateral_balance(&self, reserve: &Reserve) -> Result<i128> {
        ray_mul_floor(self.scaled_collateral, reserve.liquidity_index)
    }

    /// The debt balance: `rayMulCeil(scaled, variableBorrowIndex)`.
    pub fn debt_balance(&self, reserve: &Reserve) -> Result<i128> {
        ray_mul_ceil(self.scaled_debt, reserve.variable_borrow_index)
    }
}

/// Checks the slices: same length, static parameters valid, balances non-negative.
fn check_inputs(reserves: &[Reserve], user: &[UserReserve]) -> Result<()> {
    if user.len() < reserves.len() {
        return Err(Error::BufferTooSmall);
    }
    if user.len() > reserves.len() {
        return Err(Error::UnknownMarket);
    }
    for (r, u) in reserves.iter().zip(user) {
        r.validate()?;
        unsigned(u.scaled_collateral)?;
        unsigned(u.scaled_debt)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Health factor
// ---------------------------------------------------------------------------

/// `GenericLogic.calculateUserAccountData`, the figures liquidation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AccountData {
    /// Σ collateral values (each rounded down), base currency.
    pub total_collateral_base: i128,
    /// Σ debt values (each rounded up), base currency.
    pub total_debt_base: i128,
    /// Σ collateral value × liquidation threshold (base currency × bps).
    pub weighted_threshold: i128,
    /// Average liquidation threshold in bps, rounded down (0 without collateral).
    pub avg_liquidation_threshold: i128,
    /// Health factor (WAD); [`HEALTH_FACTOR_NO_DEBT`] without debt.
    pub health_factor: i128,
}

/// `GenericLogic.calculateUserAccountData`: collateral and debt in base
/// currency and the health factor
/// `HF = wadDiv(Σ value_i × LT_i, total debt) / 10,000` (half up, then down).
///
/// Only reserves enabled as collateral count as collateral; every reserve
/// with scaled debt counts as debt. Errors: slice lengths differ
/// ([`Error::BufferTooSmall`] / [`Error::UnknownMarket`]), invalid reserve
/// parameters, a used reserve without a positive price, overflow.
pub fn account_data(reserves: &[Reserve], user: &[UserReserve]) -> Result<AccountData> {
    check_inputs(reserves, user)?;
    account_data_unchecked(reserves, user)
}

fn account_data_unchecked(reserves: &[Reserve], user: &[UserReserve]) -> Result<AccountData> {
    let mut a = AccountData::default();
    for (r, u) in reserves.iter().zip(user) {
        if u.use_as_collateral {
            let value = r.collateral_value(u.collateral_balance(r)?)?;
            a.total_collateral_base = add(a.total_collateral_base, value)?;
            let weighted = mul(value, i128::from(r.liquidation_threshold))?;
            a.weighted_threshold = add(a.weighted_threshold, weighted)?;
        }
        if u.scaled_debt > 0 {
            let value = r.debt_value(u.debt_balance(r)?)?;
            a.total_debt_base = add(a.total_debt_base, value)?;
        }
    }
    a.health_factor = if a.total_debt_base == 0 {
        HEALTH_FACTOR_NO_DEBT
    } else {
        div_round(wad_div(a.weighted_threshold, a.total_debt_base)?, PERCENTAGE_FACTOR, Rounding::Floor)?
    };
    a.avg_liquidation_threshold =
        if a.total_collateral_base == 0 { 0 } else { div_round(a.weighted_threshold, a.total_collateral_base, Rounding::Floor)? };
    Ok(a)
}

/// The health factor (WAD) of [`account_data`].
pub fn health_factor(reserves: &[Reserve], user: &[UserReserve]) -> Result<i128> {
    Ok(account_data(reserves, user)?.health_factor)
}

// ---------------------------------------------------------------------------
// Close factor
// ---------------------------------------------------------------------------

/// Why the close factor came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum CloseFactorRule {
    /// The reserve's collateral value is below $2,000: the whole reserve debt.
    CollateralBelowThreshold = 0,
    /// The reserve's debt value is below $2,000: the whole reserve debt.
    DebtBelowThreshold = 1,
    /// `HF ≤ 0.95`: the whole reserve debt.
    HealthFactorAtOrBelowThreshold = 2,
    /// The 50 % rule applies and binds: half the total debt value, in debt units.
    HalfOfTotalDebt = 3,
    /// The 50 % rule applies but the reserve's debt value is at most half the
    /// total: the whole reserve debt.
    ReserveDebtWithinHalf = 4,
}

/// The most debt of one reserve a liquidation may repay: Aave's
/// `maxLiquidatableDebt`, the outcome of the v3.3+ close factor (not to be
/// confused with the step rule [`crate::policy::CloseFactor`], which
/// transposes it to margin pools).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MaxLiquidatableDebt {
    /// `maxLiquidatableDebt`, in debt-asset wei.
    pub max_liquidatable_debt: i128,
    /// The user's debt in the debt reserve (wei, rounded up from scaled).
    pub reserve_debt: i128,
    /// Its value, rounded up.
    pub reserve_debt_base: i128,
    /// The user's balance in the collateral reserve (wei, rounded down).
    pub reserve_collateral: i128,
    /// Its value, rounded down.
    pub reserve_collateral_base: i128,
    /// Which branch decided.
    pub rule: CloseFactorRule,
}

/// The v3.3+ close factor for liquidating `debt_index` against
/// `collateral_index`: the whole reserve debt, unless the reserve's collateral
/// and debt are both worth ≥ $2,000 and `HF > 0.95`, in which case at most
/// `floor(percentMul(total debt, 50 %) × U / P)` when the reserve's debt is
/// worth more than that half. Does not check that the user is liquidatable.
///
/// Errors as [`account_data`], plus [`Error::UnknownMarket`] for an index out
/// of range.
pub fn close_factor(reserves: &[Reserve], user: &[UserReserve], collateral_index: usize, debt_index: usize) -> Result<MaxLiquidatableDebt> {
    let account = account_data(reserves, user)?;
    close_factor_for(reserves, user, &account, collateral_index, debt_index)
}

fn pick<T>(s: &[T], i: usize) -> Result<&T> {
    s.get(i).ok_or(Error::UnknownMarket)
}

fn close_factor_for(
    reserves: &[Reserve],
    user: &[UserReserve],
    account: &AccountData,
    collateral_index: usize,
    debt_index: usize,
) -> Result<MaxLiquidatableDebt> {
    let (cr, cu) = (pick(reserves, collateral_index)?, pick(user, collateral_index)?);
    let (dr, du) = (pick(reserves, debt_index)?, pick(user, debt_index)?);
    let reserve_collateral = cu.collateral_balance(cr)?;
    let reserve_debt = du.debt_balance(dr)?;
    let reserve_debt_base = dr.debt_value(reserve_debt)?;
    let reserve_collateral_base = cr.collateral_value(reserve_collateral)?;
    let mut cf = MaxLiquidatableDebt {
        max_liquidatable_debt: reserve_debt,
        reserve_debt,
        reserve_debt_base,
        reserve_collateral,
        reserve_collateral_base,
        rule: CloseFactorRule::CollateralBelowThreshold,
    };
    if reserve_collateral_base < MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD {
        return Ok(cf);
    }
    if reserve_debt_base < MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD {
        cf.rule = CloseFactorRule::DebtBelowThreshold;
        return Ok(cf);
    }
    if account.health_factor <= CLOSE_FACTOR_HF_THRESHOLD {
        cf.rule = CloseFactorRule::HealthFactorAtOrBelowThreshold;
        return Ok(cf);
    }
    let half = percent_mul(account.total_debt_base, DEFAULT_LIQUIDATION_CLOSE_FACTOR)?;
    if reserve_debt_base > half {
        cf.max_liquidatable_debt = mul_div_u(half, dr.unit()?, dr.checked_price()?, Rounding::Floor)?;
        cf.rule = CloseFactorRule::HalfOfTotalDebt;
    } else {
        cf.rule = CloseFactorRule::ReserveDebtWithinHalf;
    }
    Ok(cf)
}

// ---------------------------------------------------------------------------
// Collateral for a debt amount
// ---------------------------------------------------------------------------

/// `LiquidationLogic._calculateAvailableCollateralToLiquidate` (v3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CollateralQuote {
    /// Collateral the liquidator receives (`actualCollateralToLiquidate`).
    pub collateral_to_liquidator: i128,
    /// Debt the liquidator repays (`actualDebtToLiquidate`).
    pub debt_repaid: i128,
    /// Protocol fee in collateral wei (`percentMulCeil(bonus part, fee)`),
    /// before the 1-wei cap applied at transfer.
    pub protocol_fee: i128,
    /// The bonus part of the seized collateral,
    /// `seized − percentDivFloor(seized, bonus)`; 0 when the fee is 0 (Aave
    /// does not compute it then).
    pub bonus_collateral: i128,
    /// `floor(debt × P_debt × U_coll / (P_coll × U_debt))`, the collateral
    /// worth the requested debt before the bonus.
    pub base_collateral: i128,
    /// The whole balance was taken and the debt recomputed (ceil).
    pub capped_by_balance: bool,
}

impl CollateralQuote {
    /// Collateral leaving the borrower: liquidator's part plus fee.
    pub fn collateral_seized(&self) -> Result<i128> {
        add(self.collateral_to_liquidator, self.protocol_fee)
    }
}

/// `_calculateAvailableCollateralToLiquidate` (v3.7 rounding):
///
/// * `base = floor(P_debt × debt × U_coll / (P_coll × U_debt))`;
/// * `seized = percentMulFloor(base, bonus)`;
/// * if `seized > balance`: `seized = balance`,
///   `debt = percentDivCeil(floor(P_coll × balance × U_debt / (P_debt × U_coll)), bonus)`;
/// * if the fee is non-zero: `bonus part = seized − percentDivFloor(seized, bonus)`,
///   `fee = percentMulCeil(bonus part, fee bps)`, liquidator gets `seized − fee`.
///
/// `bonus_bps` is the collateral's liquidation bonus (or the e-mode one).
/// Errors: invalid reserves or prices, negative amounts, overflow.
pub fn collateral_for_debt(
    collateral: &Reserve,
    debt: &Reserve,
    debt_to_cover: i128,
    collateral_balance: i128,
    bonus_bps: u32,
) -> Result<CollateralQuote> {
    collateral.validate()?;
    debt.validate()?;
    let bonus = i128::from(bonus_bps);
    if bonus < PERCENTAGE_FACTOR {
        return Err(Error::OutOfRange);
    }
    let (pc, uc) = (collateral.checked_price()?, collateral.unit()?);
    let (pd, ud) = (debt.checked_price()?, debt.unit()?);
    let debt_to_cover = unsigned(debt_to_cover)?;
    let collateral_balance = unsigned(collateral_balance)?;
    let base = mul_div_u(debt_to_cover, mul(pd, uc)?, mul(pc, ud)?, Rounding::Floor)?;
    let max_collateral = percent_mul_floor(base, bonus)?;
    let mut q = CollateralQuote { base_collateral: base, ..CollateralQuote::default() };
    let mut seized = max_collateral;
    q.debt_repaid = debt_to_cover;
    if max_collateral > collateral_balance {
        seized = collateral_balance;
        let worth = mul_div_u(collateral_balance, mul(pc, ud)?, mul(pd, uc)?, Rounding::Floor)?;
        q.debt_repaid = percent_div_ceil(worth, bonus)?;
        q.capped_by_balance = true;
    }
    let fee_bps = i128::from(collateral.liquidation_protocol_fee);
    if fee_bps != 0 {
        q.bonus_collateral = sub(seized, percent_div_floor(seized, bonus)?)?;
        q.protocol_fee = percent_mul_ceil(q.bonus_collateral, fee_bps)?;
    }
    q.collateral_to_liquidator = sub(seized, q.protocol_fee)?;
    Ok(q)
}

// ---------------------------------------------------------------------------
// liquidationCall
// ---------------------------------------------------------------------------

/// The arguments of `Pool.liquidationCall`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiquidationCall {
    /// Index of the collateral reserve in the slices.
    pub collateral_index: usize,
    /// Index of the debt reserve.
    pub debt_index: usize,
    /// Debt the liquidator offers to repay (wei); [`i128::MAX`] stands for
    /// `type(uint256).max` ("as much as allowed").
    pub debt_to_cover: i128,
    /// The liquidator takes aTokens (a transfer) rather than the underlying
    /// (an aToken burn, which refuses a zero scaled amount).
    pub receive_a_token: bool,
}

/// Which branch of the dust rule let the liquidation through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum DustCheck {
    /// All the reserve's debt is repaid: no check.
    AllDebtRepaid = 0,
    /// All the collateral is seized (liquidator's part plus fee): no check.
    AllCollateralSeized = 1,
    /// Both leftovers are worth at least [`MIN_LEFTOVER_BASE`].
    LeftoversAboveMinimum = 2,
}

/// Scaled units moved by the liquidation (what the tokens burn and transfer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ScaledMoves {
    /// aToken scaled units leaving the borrower for the liquidator
    /// (`rayDivCeil(collateral_to_liquidator, liquidityIndex)`).
    pub collateral_to_liquidator: i128,
    /// aToken scaled units to the treasury (after the cap).
    pub protocol_fee: i128,
    /// Debt-token scaled units burned in the debt reserve (`rayDivFloor`).
    pub debt_burned: i128,
}

/// Everything `liquidationCall` does, figure by figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Liquidation {
    /// The account before (what validation and the close factor read).
    pub account_before: AccountData,
    /// The close factor applied.
    pub close_factor: MaxLiquidatableDebt,
    /// The liquidation bonus used (bps).
    pub liquidation_bonus: u32,
    /// `min(debtToCover, maxLiquidatableDebt)`, the debt asked for.
    pub debt_requested: i128,
    /// The amounts (`actualDebtToLiquidate`, `actualCollateralToLiquidate`,
    /// fee as computed).
    pub quote: CollateralQuote,
    /// Debt the liquidator pays (wei of the debt asset).
    pub debt_repaid: i128,
    /// Collateral the liquidator receives (wei of the collateral asset).
    pub collateral_to_liquidator: i128,
    /// Protocol fee actually transferred to the treasury (after the 1-wei cap).
    pub protocol_fee: i128,
    /// Scaled units moved.
    pub scaled: ScaledMoves,
    /// How the dust rule was satisfied.
    pub dust: DustCheck,
    /// The borrower's scaled collateral in the reserve is used up.
    pub collateral_fully_consumed: bool,
    /// The consumed collateral is all the borrower's collateral value: the
    /// remaining debt becomes deficit.
    pub has_no_collateral_left: bool,
    /// Deficit created in the liquidated debt reserve (wei).
    pub deficit: i128,
    /// Number of other reserves whose debt was burned as bad debt.
    pub bad_debt_reserves: u32,
    /// The account after the liquidation (from the updated balances).
    pub account_after: AccountData,
}

/// `Pool.liquidationCall` (v3.7): validation, close factor, collateral and
/// fee, dust rule, deficit. Writes the borrower's balances after the call into
/// `user_after` (scaled; collateral bit cleared when Aave clears it) and the
/// deficit created in each reserve into `deficits` (wei; zero elsewhere).
///
/// Errors, in Aave's order: slices ([`Error::BufferTooSmall`] when an output
/// is shorter than `reserves`), invalid inputs, `HF ≥ 1`
/// ([`ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD`]), collateral not enabled
/// ([`ERR_COLLATERAL_CANNOT_BE_LIQUIDATED`]), no debt ([`ERR_NOT_BORROWED`]),
/// dust ([`ERR_MUST_NOT_LEAVE_DUST`]), a zero scaled burn
/// ([`ERR_INVALID_BURN_AMOUNT`]). On error the output slices may be partly
/// written.
pub fn liquidation_call(
    reserves: &[Reserve],
    user: &[UserReserve],
    call: &LiquidationCall,
    user_after: &mut [UserReserve],
    deficits: &mut [i128],
) -> Result<Liquidation> {
    check_inputs(reserves, user)?;
    if user_after.len() < reserves.len() || deficits.len() < reserves.len() {
        return Err(Error::BufferTooSmall);
    }
    let account = account_data_unchecked(reserves, user)?;
    let (ci, di) = (call.collateral_index, call.debt_index);
    let (cr, cu) = (pick(reserves, ci)?, *pick(user, ci)?);
    let (dr, du) = (pick(reserves, di)?, *pick(user, di)?);
    let debt_to_cover = unsigned(call.debt_to_cover)?;

    // ValidationLogic.validateLiquidationCall
    if account.health_factor >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD {
        return Err(ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD);
    }
    if !cu.use_as_collateral {
        return Err(ERR_COLLATERAL_CANNOT_BE_LIQUIDATED);
    }
    if du.debt_balance(dr)? == 0 {
        return Err(ERR_NOT_BORROWED);
    }
    let cf = close_factor_for(reserves, user, &account, ci, di)?;
    let balance = cf.reserve_collateral;
    let debt = cf.reserve_debt;
    let debt_requested = debt_to_cover.min(cf.max_liquidatable_debt);
    let bonus = cr.liquidation_bonus;
    let quote = collateral_for_debt(cr, dr, debt_requested, balance, bonus)?;
    let seized = quote.collateral_seized()?;

    // Dust: repay all debt, seize all collateral, or leave ≥ $1,000 of both.
    let dust = if quote.debt_repaid >= debt {
        DustCheck::AllDebtRepaid
    } else if seized >= balance {
        DustCheck::AllCollateralSeized
    } else {
        let debt_left = dr.debt_value(sub(debt, quote.debt_repaid)?)?;
        let collateral_left = cr.collateral_value(sub(balance, seized)?)?;
        if debt_left < MIN_LEFTOVER_BASE || collateral_left < MIN_LEFTOVER_BASE {
            return Err(ERR_MUST_NOT_LEAVE_DUST);
        }
        DustCheck::LeftoversAboveMinimum
    };

    // Is the collateral used up? (scaled, both transfers rounded up)
    let li = cr.liquidity_index;
    let scaled_to_liquidator = ray_div_ceil(quote.collateral_to_liquidator, li)?;
    let scaled_fee_wanted = ray_div_ceil(quote.protocol_fee, li)?;
    let consumed = add(scaled_to_liquidator, scaled_fee_wanted)?.min(cu.scaled_collateral);
    let fully_consumed = consumed == cu.scaled_collateral;
    let consumed_base = cr.collateral_value(ray_mul_floor(consumed, li)?)?;
    let no_collateral_left = consumed_base == account.total_collateral_base;

    user_after.iter_mut().zip(user).for_each(|(a, u)| *a = *u);
    deficits.iter_mut().for_each(|d| *d = 0);
    if fully_consumed || no_collateral_left {
        if let Some(a) = user_after.get_mut(ci) {
            a.use_as_collateral = false;
        }
    }

    // _burnDebtTokens on the liquidated reserve.
    let burn = if no_collateral_left { debt } else { quote.debt_repaid };
    let scaled_debt_burned = ray_div_floor(burn, dr.variable_borrow_index)?;
    if scaled_debt_burned == 0 {
        return Err(ERR_INVALID_BURN_AMOUNT);
    }
    let debt_after = pick(user_after, di)?.scaled_debt;
    let debt_after = sub(debt_after, scaled_debt_burned)?;
    unsigned(debt_after).map_err(|_| Error::Overflow)?;
    if let Some(a) = user_after.get_mut(di) {
        a.scaled_debt = debt_after;
    }
    let outstanding = sub(debt, quote.debt_repaid)?;
    let deficit = if no_collateral_left { outstanding } else { 0 };
    if let Some(d) = deficits.get_mut(di) {
        *d = deficit;
    }

    // Collateral to the liquidator (burn or transfer), then the fee.
    if !call.receive_a_token && scaled_to_liquidator == 0 {
        return Err(ERR_INVALID_BURN_AMOUNT);
    }
    let left = sub(pick(user_after, ci)?.scaled_collateral, scaled_to_liquidator)?;
    unsigned(left).map_err(|_| Error::Overflow)?;
    let (mut protocol_fee, mut scaled_fee) = (quote.protocol_fee, 0);
    if protocol_fee != 0 {
        scaled_fee = scaled_fee_wanted;
        if scaled_fee > left {
            scaled_fee = left;
            protocol_fee = ray_mul_floor(left, li)?;
        }
    }
    if let Some(a) = user_after.get_mut(ci) {
        a.scaled_collateral = sub(left, scaled_fee)?;
    }

    // _burnBadDebt: every other debt becomes deficit.
    let mut bad_debt_reserves = 0u32;
    if no_collateral_left {
        for ((r, a), d) in reserves.iter().zip(user_after.iter_mut()).zip(deficits.iter_mut()) {
            if a.scaled_debt > 0 {
                let whole = a.debt_balance(r)?;
                let scaled = ray_div_floor(whole, r.variable_borrow_index)?;
                a.scaled_debt = sub(a.scaled_debt, scaled)?;
                *d = add(*d, whole)?;
                bad_debt_reserves = bad_debt_reserves.saturating_add(1);
            }
        }
    }

    let account_after = account_data_unchecked(reserves, user_after)?;
    Ok(Liquidation {
        account_before: account,
        close_factor: cf,
        liquidation_bonus: bonus,
        debt_requested,
        quote,
        debt_repaid: quote.debt_repaid,
        collateral_to_liquidator: quote.collateral_to_liquidator,
        protocol_fee,
        scaled: ScaledMoves { collateral_to_liquidator: scaled_to_liquidator, protocol_fee: scaled_fee, debt_burned: scaled_debt_burned },
        dust,
        collateral_fully_consumed: fully_consumed,
        has_no_collateral_left: no_collateral_left,
        deficit,
        bad_debt_reserves,
        account_after,
    })
}

// ---------------------------------------------------------------------------
// LiquidationDataProvider: the largest call that passes the dust rule
// ---------------------------------------------------------------------------

/// `LiquidationDataProvider.getLiquidationInfo`'s amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LiquidationInfo {
    /// Collateral the liquidator would receive (after the fee).
    pub max_collateral_to_liquidate: i128,
    /// Debt to repay.
    pub max_debt_to_liquidate: i128,
    /// Protocol fee (collateral wei).
    pub protocol_fee: i128,
    /// What to pass as `debtToCover`: [`i128::MAX`] (`type(uint256).max`)
    /// when `max_debt_to_liquidate` is the whole reserve debt or
    /// `max_collateral_to_liquidate` (the liquidator's part, after the fee)
    /// is the whole collateral balance — Aave's test, so with a protocol fee
    /// a liquidation that seizes everything passes the debt figure, which
    /// the pool accepts (it seizes the whole balance); else
    /// `max_debt_to_liquidate`; 0 when nothing is liquidatable.
    pub amount_to_pass: i128,
}

/// `LiquidationDataProvider.getLiquidationInfo` (v3.7): the close-factor
/// capped amounts for `debt_to_cover`, shrunk when they would break the dust
/// rule (`_adjustAmountsForGoodLeftovers`: reduce whichever side is further
/// below $1,000 by the shortfall and recompute the other). Every percentage
/// step rounds as the v3.7 pool does (`percentMulFloor` for the seized
/// collateral, `percentDivCeil` for the debt, `percentDivFloor` /
/// `percentMulCeil` for the fee) where the on-chain helper still uses the
/// half-up forms, so a figure may differ from the helper's by a wei — in
/// the direction of what `liquidationCall` will actually do. All zeros when
/// the user is not liquidatable by this pair (no debt, `HF ≥ 1`, collateral
/// not enabled).
///
/// Errors as [`account_data`]; [`Error::Overflow`] where the helper's
/// `uint256` subtraction would underflow.
pub fn liquidation_info(
    reserves: &[Reserve],
    user: &[UserReserve],
    collateral_index: usize,
    debt_index: usize,
    debt_to_cover: i128,
) -> Result<LiquidationInfo> {
    check_inputs(reserves, user)?;
    let account = account_data_unchecked(reserves, user)?;
    let (cr, cu) = (pick(reserves, collateral_index)?, pick(user, collateral_index)?);
    let dr = pick(reserves, debt_index)?;
    let none = LiquidationInfo::default();
    if pick(user, debt_index)?.debt_balance(dr)? == 0
        || account.health_factor >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD
        || !cu.use_as_collateral
    {
        return Ok(none);
    }
    let cf = close_factor_for(reserves, user, &account, collateral_index, debt_index)?;
    let bonus = i128::from(cr.liquidation_bonus);
    let requested = unsigned(debt_to_cover)?.min(cf.max_liquidatable_debt);
    let q = collateral_for_debt(cr, dr, requested, cf.reserve_collateral, cr.liquidation_bonus)?;
    let (mut coll, mut debt, mut fee) = (q.collateral_to_liquidator, q.debt_repaid, q.protocol_fee);
    let balance = cf.reserve_collateral;
    let (pc, uc, pd, ud) = (cr.checked_price()?, cr.unit()?, dr.checked_price()?, dr.unit()?);
    if add(coll, fee)? < balance && debt < cf.reserve_debt {
        let coll_left = cr.collateral_value(sub(sub(balance, coll)?, fee)?)?;
        let debt_left = dr.debt_value(sub(cf.reserve_debt, debt)?)?;
        if coll_left < MIN_LEFTOVER_BASE || debt_left < MIN_LEFTOVER_BASE {
            let shortfall = |left: i128| if left < MIN_LEFTOVER_BASE { sub(MIN_LEFTOVER_BASE, left) } else { Ok(0) };
            let coll_decrease = shortfall(coll_left)?;
            let debt_decrease = shortfall(debt_left)?;
            if coll_decrease > debt_decrease {
                let by = mul_div_u(coll_decrease, uc, pc, Rounding::Floor)?;
                coll = unsigned(sub(coll, by)?).map_err(|_| Error::Overflow)?;
                let worth = mul_div_u(coll, mul(pc, ud)?, mul(pd, uc)?, Rounding::Floor)?;
                debt = percent_div_ceil(worth, bonus)?;
            } else {
                let by = mul_div_u(debt_decrease, ud, pd, Rounding::Floor)?;
                debt = unsigned(sub(debt, by)?).map_err(|_| Error::Overflow)?;
                let base = mul_div_u(debt, mul(pd, uc)?, mul(pc, ud)?, Rounding::Floor)?;
                coll = percent_mul_floor(base, bonus)?;
            }
            let fee_bps = i128::from(cr.liquidation_protocol_fee);
            if fee_bps != 0 {
                let bonus_part = sub(coll, percent_div_floor(coll, bonus)?)?;
                fee = percent_mul_ceil(bonus_part, fee_bps)?;
                coll = sub(coll, fee)?;
            }
        }
    }
    let whole = (debt != 0 && debt == cf.reserve_debt) || (coll != 0 && coll == balance);
    Ok(LiquidationInfo {
        max_collateral_to_liquidate: coll,
        max_debt_to_liquidate: debt,
        protocol_fee: fee,
        amount_to_pass: if whole { i128::MAX } else { debt },
    })
}
