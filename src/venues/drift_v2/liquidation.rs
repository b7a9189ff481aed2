//! Drift v2's liquidation arithmetic, exact to the unit.
//!
//! When a Drift account's collateral falls below its maintenance
//! requirement, a liquidator takes over part of it: a perp position at the
//! oracle price less a fee, or a borrow repaid in exchange for a deposit at
//! a premium. The insurance fund takes a fee of its own. These functions
//! size such a transfer so that it covers the account's **margin
//! shortage** and no more, price the two legs against each other, cap the
//! insurance fund's fee so the liquidation still frees margin, ramp the
//! liquidator's fee up the longer the account stays in liquidation, and,
//! once an account is bankrupt, spread its loss over the market (perp: the
//! cumulative funding rates; spot: the deposit interest).
//!
//! Each function takes Drift's inputs in Drift's types, runs Drift's
//! operations in Drift's order, and truncates where Drift truncates: every
//! division is a floor of non-negative integers (Drift's `safe_div`)
//! unless the doc says ceiling (Drift's `safe_div_ceil`). Drift's
//! sentinels are kept (`u64::MAX` / `u128::MAX` for "no finite transfer
//! covers the shortage", `0` for "no insurance fee"). Errors are values:
//!
//! * an overflow or an underflow (Drift's `MathError`) is
//!   [`Error::Overflow`]; so is one in Drift's unchecked steps (`10^dec`
//!   past `u128`, `abs` of `i128::MIN`), which panic in a build with
//!   overflow checks (Drift's tests) and wrap in Drift's release build:
//!   inputs no market has, refused here rather than wrapped;
//! * a division by zero (Drift's `MathError`) is [`Error::DivisionByZero`];
//! * a negative price cast to an unsigned integer (Drift's
//!   `CastingFailure`) is [`Error::NegativePrice`]; any other failed cast
//!   is [`Error::Overflow`];
//! * Drift's own validation errors are [`Error::NoOpenInterestToSocialize`]
//!   (`CantResolvePerpBankruptcy`), [`Error::LiquidationBelowLimitPrice`]
//!   (`LiquidationDoesntSatisfyLimitPrice`) and
//!   [`Error::LiquidationBeyondWorstCasePrice`] (`InvalidLiquidation`).
//!
//! # Units (Drift's names)
//!
//! As in [the margin module](super): base amounts in `BASE_PRECISION`
//! (10⁹), prices and quote amounts in 10⁶, spot tokens in native units
//! (`10^decimals` per token), weights and margin ratios in basis points
//! (`MARGIN_PRECISION` = `SPOT_WEIGHT_PRECISION` = 10⁴). Liquidation fees
//! and the liquidation multipliers are in `LIQUIDATION_FEE_PRECISION` =
//! 10⁶ (a fee of 10,000 is 1 %; a multiplier of 1,010,000 is ×1.01), so a
//! margin ratio is scaled by `LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO` =
//! 100 before it meets a fee. Liquidation percentages are in
//! `LIQUIDATION_PCT_PRECISION` = 10⁴.
//!
//! # Not replicated
//!
//! * `is_cross_margin_being_liquidated`, `is_isolated_margin_being_liquidated`
//!   and `validate_user_not_being_liquidated`: they run Drift's whole margin
//!   calculation over a `User` and its market and oracle maps and read (or
//!   clear) the account's liquidation status flags. The margin figures
//!   they compare are [`super::cross_margin_calculation`] and
//!   [`super::isolated_margin_calculation`] with a buffer; the status
//!   flags are account state, not arithmetic.
//! * The `User`, `PerpMarket` and `SpotMarket` arguments are replaced by
//!   the few fields the arithmetic reads: [`DriftUserLiquidationState`]
//!   (`last_active_slot`, `liquidation_margin_freed`) for
//!   [`calculate_max_pct_to_liquidate`]; the AMM's long and short base for
//!   [`calculate_funding_rate_deltas_to_resolve_bankruptcy`]; the deposit
//!   balance, decimals and cumulative deposit interest for
//!   [`calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy`].
//! * [`get_liquidation_order_params`] returns the fields of Drift's
//!   `OrderParams` that it sets (the rest are Drift's defaults).
//!
//! # Sources
//!
//! Formulas learnt from `drift-labs/protocol-v2` at commit
//! `0ae3e3b1db782a6765c3525b3dec38ad4d9d3a62` (2026-04-01),
//! `programs/drift/src/math/liquidation.rs` (with `math/constants.rs`,
//! `math/spot_swap.rs` for `calculate_swap_price`, `math/ceil_div.rs` and
//! `math/spot_balance.rs` for `get_token_amount`); no code is copied, the
//! Rust is our own. `tests/conformance/drift_v2_liquidation.rs` replays
//! every numeric test of Drift's `math/liquidation/tests.rs` against this
//! module.

use super::{div_u, get_token_amount, ov, BASE_PRECISION, SPOT_WEIGHT_PRECISION};
use crate::error::{Error, Result};
use crate::num::{self, Rounding};

/// Margin ratios: 10,000 = 100 % (`MARGIN_PRECISION`, the same scale as
/// [`SPOT_WEIGHT_PRECISION`]).
pub const MARGIN_PRECISION: u32 = SPOT_WEIGHT_PRECISION;
/// Liquidation fees and multipliers: 1,000,000 = 100 % or ×1
/// (`LIQUIDATION_FEE_PRECISION`, Drift's `PERCENTAGE_PRECISION`).
pub const LIQUIDATION_FEE_PRECISION: u32 = 1_000_000;
/// [`LIQUIDATION_FEE_PRECISION`] as a `u128` (`LIQUIDATION_FEE_PRECISION_U128`).
pub const LIQUIDATION_FEE_PRECISION_U128: u128 = 1_000_000;
/// A margin ratio in bps times 100 is in fee precision
/// (`LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO` = 10⁶ / 10⁴).
pub const LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO: u32 = 100;
/// `PRICE_PRECISION × AMM_TO_QUOTE_PRECISION_RATIO` = 10⁶ × 10³: a quote
/// amount times this over a price is a base amount in 10⁹ units
/// (`PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO`).
pub const PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO: u128 = 1_000_000_000;
/// Liquidation percentages: 10,000 = 100 % (`LIQUIDATION_PCT_PRECISION`).
pub const LIQUIDATION_PCT_PRECISION: u128 = 10_000;
/// The liquidator's fee grows by 1 in 10⁶ (0.01 bp) per slot after the
/// grace period (`LIQUIDATION_FEE_INCREASE_PER_SLOT` = 10⁶ / 10⁶).
pub const LIQUIDATION_FEE_INCREASE_PER_SLOT: u32 = 1;
/// Slots (about 10 minutes at 400 ms) during which the liquidator's fee
/// stays at its base (`LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS`).
pub const LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS: u64 = 1_500;
/// A loss per base unit in quote precision times this is a funding rate
/// (`FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO` = 10⁹ / 10⁶).
pub const FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO: u128 = 1_000;
/// A margin shortage below $50 is liquidated at once, whatever the time
/// ramp (Drift's `50 * QUOTE_PRECISION` in [`calculate_max_pct_to_liquidate`]).
pub const ACCELERATED_LIQUIDATION_SHORTAGE: u128 = 50_000_000;

/// `PRICE_PRECISION` as a `u128`.
const PRICE_PRECISION_U128: u128 = 1_000_000;
/// `QUOTE_PRECISION` as a `u128`.
const QUOTE_PRECISION_U128: u128 = 1_000_000;
/// `BASE_PRECISION` (`AMM_RESERVE_PRECISION_I128`) as an `i128`.
const BASE_PRECISION_I128: i128 = 1_000_000_000;
/// [`FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO`] as an `i128`.
const FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO_I128: i128 = 1_000;
/// Bps to fee precision: 10⁶ / 10⁴ (Drift's
/// `LIQUIDATION_FEE_PRECISION_U128 / SPOT_WEIGHT_PRECISION_U128`).
const WEIGHT_TO_FEE_PRECISION: u128 = 100;
/// The extra factor of 10 Drift puts on the weights in
/// [`calculate_liability_transfer_to_cover_margin_shortage`] "to increase
/// precision".
const WEIGHT_EXTRA_PRECISION: u128 = 10;
/// `PRICE_PRECISION × SPOT_WEIGHT_PRECISION × 10` = 10¹¹, the numerator's
/// scale in [`calculate_liability_transfer_to_cover_margin_shortage`].
const LIABILITY_TRANSFER_SCALE: u128 = 100_000_000_000;

fn mul(a: u128, b: u128) -> Result<u128> {
    ov(a.checked_mul(b))
}

fn add(a: u128, b: u128) -> Result<u128> {
    ov(a.checked_add(b))
}

fn sub(a: u128, b: u128) -> Result<u128> {
    ov(a.checked_sub(b))
}

/// `⌊a / b⌋` (Drift's `safe_div` on unsigned integers).
fn div_floor(a: u128, b: u128) -> Result<u128> {
    div_u(a, b)
}

/// `⌈a / b⌉` (Drift's `safe_div_ceil` on non-negative integers: the
/// quotient plus one when the remainder is positive).
fn div_ceil(a: u128, b: u128) -> Result<u128> {
    let q = div_u(a, b)?;
    if a.checked_rem(b).ok_or(Error::DivisionByZero)? > 0 {
        add(q, 1)
    } else {
        Ok(q)
    }
}

/// `10^e` (Drift's `10_u128.pow(e)`, which panics past `u128`).
fn pow10(e: u32) -> Result<u128> {
    ov(10u128.checked_pow(e))
}

/// A price cast to `u128` (Drift's `.cast::<u128>()`): negative is an error.
fn price_u(price: i64) -> Result<u128> {
    u128::try_from(price).map_err(|_| Error::NegativePrice)
}

/// Drift's `.cast::<u32>().unwrap_or(u32::MAX)`: saturating.
fn saturate_u32(x: u128) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The scale that brings an amount with `from` decimals to `to` decimals,
/// as Drift writes it: `(10^(to − from), 1)` when `to > from`, else
/// `(1, 10^(from − to))` — a numerator and a denominator.
fn decimal_scales(to: u32, from: u32) -> Result<(u128, u128)> {
    if to > from {
        Ok((pow10(to.abs_diff(from))?, 1))
    } else {
        Ok((1, pow10(from.abs_diff(to))?))
    }
}

// ---------------------------------------------------------------------------
// Sizing a liquidation to the margin shortage
// ---------------------------------------------------------------------------

/// Drift's `calculate_base_asset_amount_to_cover_margin_shortage`: the base
/// amount (10⁹ units) of a perp position to liquidate to cover
/// `margin_shortage` (micro-USD).
///
/// Closing `b` base at oracle price `P` (in quote `Q`) frees its margin
/// requirement `b × P×Q × m` (the margin ratio `m` with any liquidation
/// buffer, bps) but costs the account the liquidator's fee `b × P×Q × f`
/// and the insurance fund's fee `b × P × f_if` (on the oracle price alone,
/// as Drift writes it), so
///
/// `b = ⌊S × 10⁹ / (⌊⌊P × Q / 10⁶⌋ × (100 m − f) / 10⁶⌋ − ⌊P × f_if / 10⁶⌋)⌋`,
///
/// every division truncated. `u64::MAX` (no finite amount covers it) when
/// `P = 0` or the fee is at least the margin ratio (`100 m ≤ f`). An
/// insurance fee that eats the whole freed margin makes the denominator 0
/// ([`Error::DivisionByZero`]) or negative ([`Error::Overflow`]); a result
/// above `u64` is [`Error::Overflow`].
pub fn calculate_base_asset_amount_to_cover_margin_shortage(
    margin_shortage: u128,
    margin_ratio: u32,
    liquidation_fee: u32,
    if_liquidation_fee: u32,
    oracle_price: i64,
    quote_oracle_price: i64,
) -> Result<u64> {
    let margin_ratio = ov(margin_ratio.checked_mul(LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO))?;
    if oracle_price == 0 || margin_ratio <= liquidation_fee {
        return Ok(u64::MAX);
    }
    // Drift's chain evaluates the numerator before the denominator.
    let numerator = mul(margin_shortage, PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO)?;
    let price = price_u(oracle_price)?;
    let quote_adjusted_price = div_floor(mul(price, price_u(quote_oracle_price)?)?, PRICE_PRECISION_U128)?;
    let net_ratio = u128::from(ov(margin_ratio.checked_sub(liquidation_fee))?);
    let freed_per_base = div_floor(mul(quote_adjusted_price, net_ratio)?, LIQUIDATION_FEE_PRECISION_U128)?;
    let if_fee_per_base = div_floor(mul(price, u128::from(if_liquidation_fee))?, LIQUIDATION_FEE_PRECISION_U128)?;
    let denominator = sub(freed_per_base, if_fee_per_base)?;
    let base = div_floor(numerator, denominator)?;
    u64::try_from(base).map_err(|_| Error::Overflow)
}

/// Drift's `calculate_liability_transfer_to_cover_margin_shortage`: the
/// borrow (native units of a token with `liability_decimals`) a liquidator
/// must take over, receiving a deposit in exchange, to cover
/// `margin_shortage` (micro-USD).
///
/// Repaying `L` of the borrow at price `P` frees its weighted value
/// `L × P × w_L`; the deposit handed over at the liquidation multipliers
/// was worth `L × P × w_A × m_A / m_L` of collateral; the insurance fund's
/// fee keeps `L × P × f_if` of the borrow, weighted `w_L`. With the weights
/// in bps times 10 (Drift's extra digit) and `c_A = ⌊10 w_A × m_A / m_L⌋`:
///
/// `L = max(1, ⌊⌊S × s × 10¹¹ / (P × (10 w_L − c_A) − ⌊P × f_if / 10⁶⌋ × w_L × 10)⌋ / d⌋)`,
///
/// with `(s, d)` = `(10^(dec − 6), 1)` or `(1, 10^(6 − dec))`. `u128::MAX`
/// (no transfer covers it) when `w_A ≥ w_L` or `c_A ≥ 10 w_L` (the
/// multipliers make the deposit weigh more than the borrow). A zero
/// `liability_liquidation_multiplier` or a zero denominator is
/// [`Error::DivisionByZero`]; an insurance fee larger than the freed
/// weight is [`Error::Overflow`] (Drift's underflow).
#[allow(clippy::too_many_arguments)]
pub fn calculate_liability_transfer_to_cover_margin_shortage(
    margin_shortage: u128,
    asset_weight: u32,
    asset_liquidation_multiplier: u32,
    liability_weight: u32,
    liability_liquidation_multiplier: u32,
    liability_decimals: u32,
    liability_price: i64,
    if_liquidation_fee: u32,
) -> Result<u128> {
    if asset_weight >= liability_weight {
        return Ok(u128::MAX);
    }
    let (numerator_scale, denominator_scale) = decimal_scales(liability_decimals, 6)?;
    let liability_weight_component = mul(u128::from(liability_weight), WEIGHT_EXTRA_PRECISION)?;
    let asset_weight_component = div_floor(
        mul(mul(u128::from(asset_weight), WEIGHT_EXTRA_PRECISION)?, u128::from(asset_liquidation_multiplier))?,
        u128::from(liability_liquidation_multiplier),
    )?;
    if asset_weight_component >= liability_weight_component {
        return Ok(u128::MAX);
    }
    // Drift's chain evaluates the numerator before the denominator.
    let numerator = mul(mul(margin_shortage, numerator_scale)?, LIABILITY_TRANSFER_SCALE)?;
    let price = price_u(liability_price)?;
    let freed = mul(price, sub(liability_weight_component, asset_weight_component)?)?;
    let if_fee = mul(
        mul(div_floor(mul(price, u128::from(if_liquidation_fee))?, LIQUIDATION_FEE_PRECISION_U128)?, u128::from(liability_weight))?,
        WEIGHT_EXTRA_PRECISION,
    )?;
    let transfer = div_floor(numerator, sub(freed, if_fee)?)?;
    Ok(div_floor(transfer, denominator_scale)?.max(1))
}

/// Drift's `calculate_liability_transfer_implied_by_asset_amount`: the
/// borrow (native units) that `asset_amount` of a deposit pays off at the
/// liquidation multipliers — `A × P_A × m_L / (P_L × m_A)`, rescaled from
/// the asset's decimals to the liability's, **rounded up** at both
/// divisions (the liquidator, taking the whole deposit, repays at least
/// its worth):
///
/// `L = ⌈⌈A × s × P_A × m_L / (P_L × m_A)⌉ / d⌉`,
///
/// `(s, d)` = `(10^(dec_L − dec_A), 1)` or `(1, 10^(dec_A − dec_L))`. A
/// zero price or multiplier in the denominator is
/// [`Error::DivisionByZero`].
pub fn calculate_liability_transfer_implied_by_asset_amount(
    asset_amount: u128,
    asset_liquidation_multiplier: u32,
    asset_decimals: u32,
    asset_price: i64,
    liability_liquidation_multiplier: u32,
    liability_decimals: u32,
    liability_price: i64,
) -> Result<u128> {
    let (numerator_scale, denominator_scale) = decimal_scales(liability_decimals, asset_decimals)?;
    let numerator = mul(mul(mul(asset_amount, numerator_scale)?, price_u(asset_price)?)?, u128::from(liability_liquidation_multiplier))?;
    let denominator = mul(price_u(liability_price)?, u128::from(asset_liquidation_multiplier))?;
    div_ceil(div_ceil(numerator, denominator)?, denominator_scale)
}

/// Drift's `calculate_asset_transfer_for_liability_transfer`: the deposit
/// (native units) the liquidator receives for taking over
/// `liability_amount` of the borrow — `L × P_L × m_A / (P_A × m_L)`,
/// rescaled from the liability's decimals to the asset's, **rounded down**
/// at both divisions, at least 1:
///
/// `A = max(1, ⌊⌊L × s × P_L × m_A / (P_A × m_L)⌋ / d⌋)`.
///
/// Then, so that no dust deposit is left behind, `A` snaps to
/// `asset_amount` (what the account holds; possibly more than `A`) when
/// the difference is "worth less than $1":
/// `⌊⌊|A − asset_amount| × P_A / 10⁶⌋ × s' / d'⌋ < 10⁶`, with `(s', d')` =
/// `(10^(dec_A − 6), 1)` or `(1, 10^(6 − dec_A))`.
///
/// That rescaling runs the opposite way to a token value (which divides by
/// `10^dec_A`), so the threshold is $1 only for a 6-decimal asset: in true
/// value it is `$1 × 10^(12 − 2 dec_A)` — $10⁻⁶ for a 9-decimal token
/// (a few native units), $100 for a 5-decimal one. Reproduced as Drift
/// runs it. A zero price or multiplier in the denominator is
/// [`Error::DivisionByZero`].
#[allow(clippy::too_many_arguments)]
pub fn calculate_asset_transfer_for_liability_transfer(
    asset_amount: u128,
    asset_liquidation_multiplier: u32,
    asset_decimals: u32,
    asset_price: i64,
    liability_amount: u128,
    liability_liquidation_multiplier: u32,
    liability_decimals: u32,
    liability_price: i64,
) -> Result<u128> {
    let (numerator_scale, denominator_scale) = decimal_scales(asset_decimals, liability_decimals)?;
    let numerator =
        mul(mul(mul(liability_amount, numerator_scale)?, price_u(liability_price)?)?, u128::from(asset_liquidation_multiplier))?;
    let asset_price_u = price_u(asset_price)?;
    let denominator = mul(asset_price_u, u128::from(liability_liquidation_multiplier))?;
    let asset_transfer = div_floor(div_floor(numerator, denominator)?, denominator_scale)?.max(1);

    let (value_numerator_scale, value_denominator_scale) = decimal_scales(asset_decimals, 6)?;
    let asset_delta = asset_transfer.abs_diff(asset_amount);
    let asset_value_delta = div_floor(
        mul(div_floor(mul(asset_delta, asset_price_u)?, PRICE_PRECISION_U128)?, value_numerator_scale)?,
        value_denominator_scale,
    )?;
    if asset_value_delta < QUOTE_PRECISION_U128 {
        Ok(asset_amount)
    } else {
        Ok(asset_transfer)
    }
}

/// Which way a liquidation multiplier moves a leg's price
/// (`LiquidationMultiplierType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiquidationMultiplierType {
    /// `1 − fee`: the leg is priced down.
    Discount,
    /// `1 + fee`: the leg is priced up.
    Premium,
}

/// Drift's `calculate_liquidation_multiplier`: `10⁶ + fee` (premium) or
/// `10⁶ − fee` (discount), in [`LIQUIDATION_FEE_PRECISION`]. Exact; a
/// discount fee above 100 % is [`Error::Overflow`] (Drift's underflow).
/// The liquidator takes the deposit at a premium and the borrow at a
/// discount, so `m_A / m_L` is its reward.
pub fn calculate_liquidation_multiplier(liquidation_fee: u32, multiplier_type: LiquidationMultiplierType) -> Result<u32> {
    match multiplier_type {
        LiquidationMultiplierType::Premium => ov(LIQUIDATION_FEE_PRECISION.checked_add(liquidation_fee)),
        LiquidationMultiplierType::Discount => ov(LIQUIDATION_FEE_PRECISION.checked_sub(liquidation_fee)),
    }
}

// ---------------------------------------------------------------------------
// Bankruptcy: spreading the loss over the market
// ---------------------------------------------------------------------------

/// Drift's `calculate_funding_rate_deltas_to_resolve_bankruptcy`: the
/// change of the cumulative funding rates (`FUNDING_RATE_PRECISION`, 10⁻⁹
/// USD per whole base) that charges a bankrupt perp account's `loss`
/// (micro-USD, either sign) to every open position of the market, longs
/// and shorts alike, per unit of base:
///
/// `Δ = ⌈|loss| × 10⁹ / (|long| + |short|)⌉ × 1,000`,
///
/// rounded **up** (the market collects at least the loss). Drift's
/// `AMM::base_asset_amount_long` and `base_asset_amount_short` (10⁹ units)
/// are passed in. No open interest is [`Error::NoOpenInterestToSocialize`].
pub fn calculate_funding_rate_deltas_to_resolve_bankruptcy(
    loss: i128,
    base_asset_amount_long: i128,
    base_asset_amount_short: i128,
) -> Result<i128> {
    // Drift computes in i128: every checked step overflows where Drift's
    // does; `abs` of i128::MIN (unchecked in Drift) is refused.
    let long = ov(base_asset_amount_long.checked_abs())?;
    let short = ov(base_asset_amount_short.checked_abs())?;
    let total_base_asset_amount = num::add(long, short)?;
    if total_base_asset_amount == 0 {
        return Err(Error::NoOpenInterestToSocialize);
    }
    let loss = ov(loss.checked_abs())?;
    let per_base = num::div_round(num::mul(loss, BASE_PRECISION_I128)?, total_base_asset_amount, Rounding::Ceil)?;
    num::mul(per_base, FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO_I128)
}

/// Drift's `calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy`:
/// how much to lower a spot market's `cumulative_deposit_interest` `I`
/// (10¹⁰ = 1) so that its depositors absorb a bankrupt account's `borrow`
/// (native units):
///
/// `Δ = ⌈I × borrow / deposits⌉`, with `deposits =
/// ⌊deposit_balance × I / 10^(19 − decimals)⌋` (Drift's `get_token_amount`
/// for deposits),
///
/// rounded **up** (the depositors lose at least the borrow); **0** when
/// the market has no deposits (Drift turns that division's error into 0).
/// Drift's `SpotMarket::deposit_balance` (scaled, 10⁹ per token),
/// `cumulative_deposit_interest` and `decimals` are passed in.
pub fn calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(
    borrow: u128,
    deposit_balance: u128,
    cumulative_deposit_interest: u128,
    decimals: u32,
) -> Result<u128> {
    let total_deposits = get_token_amount(deposit_balance, decimals, cumulative_deposit_interest, false)?;
    let numerator = mul(cumulative_deposit_interest, borrow)?;
    Ok(div_ceil(numerator, total_deposits).unwrap_or(0))
}

// ---------------------------------------------------------------------------
// Price checks on a spot liquidation
// ---------------------------------------------------------------------------

/// Drift's `calculate_swap_price`: the price of `amount_in` in units of
/// `amount_out`, `PRICE_PRECISION` —
/// `⌊⌊out × 10⁶ / 10^out_dec⌋ × 10^in_dec / in⌋`, truncated twice. A zero
/// `amount_in` is [`Error::DivisionByZero`].
pub fn calculate_swap_price(amount_out: u128, amount_in: u128, out_decimals: u32, in_decimals: u32) -> Result<u128> {
    let out = div_floor(mul(amount_out, PRICE_PRECISION_U128)?, pow10(out_decimals)?)?;
    div_floor(mul(out, pow10(in_decimals)?)?, amount_in)
}

/// Drift's `validate_transfer_satisfies_limit_price`: with a limit price
/// (the least deposit per unit of borrow the liquidator accepts,
/// `PRICE_PRECISION`), the transfer's price
/// `calculate_swap_price(asset_transfer, liability_transfer, ..)` must be
/// at least the limit, else [`Error::LiquidationBelowLimitPrice`]. No
/// limit passes.
pub fn validate_transfer_satisfies_limit_price(
    asset_transfer: u128,
    liability_transfer: u128,
    asset_decimals: u32,
    liability_decimals: u32,
    limit_price: Option<u64>,
) -> Result<()> {
    let Some(limit_price) = limit_price else {
        return Ok(());
    };
    let swap_price = calculate_swap_price(asset_transfer, liability_transfer, asset_decimals, liability_decimals)?;
    if swap_price >= u128::from(limit_price) {
        Ok(())
    } else {
        Err(Error::LiquidationBelowLimitPrice)
    }
}

/// Drift's `validate_swap_within_liquidation_boundaries`: the liquidator
/// must not get more deposit per unit of borrow than the oracle prices
/// with the multipliers allow. The swap price (borrow per deposit)
/// `⌊⌊⌊L × 10⁶ / 10^dec_L⌋ × 10^dec_A⌋ / A⌋` must be at least the worst
/// case `⌊⌊P_A × 10⁶ × m_L / P_L⌋ / m_A⌋`, else
/// [`Error::LiquidationBeyondWorstCasePrice`]. Both truncated; a zero
/// transfer, price or multiplier is [`Error::DivisionByZero`].
#[allow(clippy::too_many_arguments)]
pub fn validate_swap_within_liquidation_boundaries(
    asset_transfer: u128,
    liability_transfer: u128,
    asset_decimals: u32,
    liability_decimals: u32,
    asset_price: i64,
    liability_price: i64,
    asset_liquidation_multiplier: u32,
    liability_liquidation_multiplier: u32,
) -> Result<()> {
    let asset_precision = pow10(asset_decimals)?;
    let liability_precision = pow10(liability_decimals)?;
    let swap_price =
        div_floor(mul(div_floor(mul(liability_transfer, PRICE_PRECISION_U128)?, liability_precision)?, asset_precision)?, asset_transfer)?;
    let worst_case_price = div_floor(
        div_floor(
            mul(mul(price_u(asset_price)?, PRICE_PRECISION_U128)?, u128::from(liability_liquidation_multiplier))?,
            price_u(liability_price)?,
        )?,
        u128::from(asset_liquidation_multiplier),
    )?;
    if swap_price >= worst_case_price {
        Ok(())
    } else {
        Err(Error::LiquidationBeyondWorstCasePrice)
    }
}

// ---------------------------------------------------------------------------
// How much, and at what fee, over time
// ---------------------------------------------------------------------------

/// The fields of a Drift `User` the liquidation time ramp reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriftUserLiquidationState {
    /// The slot the account was last active in; during a liquidation, the
    /// slot the liquidation began (`last_active_slot`).
    pub last_active_slot: u64,
    /// Margin already freed by this liquidation, micro-USD
    /// (`liquidation_margin_freed`).
    pub liquidation_margin_freed: u64,
}

/// Drift's `calculate_max_pct_to_liquidate`: the most of the current
/// `margin_shortage` (micro-USD) a liquidation may cover in slot `slot`,
/// in [`LIQUIDATION_PCT_PRECISION`].
///
/// A shortage under $50 ([`ACCELERATED_LIQUIDATION_SHORTAGE`]) may go
/// whole (100 %). Otherwise the freeable share of the **whole**
/// liquidation grows linearly from `initial_pct_to_liquidate` to 100 %
/// over `liquidation_duration` slots since the liquidation began:
///
/// * `pct = min(10⁴, ⌊elapsed × 10⁴ / duration⌋ + initial)` (100 % when
///   the duration is 0, as Drift's division error becomes 100 %);
/// * with `F` the margin already freed and `T = S + F`, what may still be
///   freed is `max(0, ⌊T × pct / 10⁴⌋ − F)`;
/// * as a share of the current shortage: `⌊that × 10⁴ / S⌋`, truncated.
///
/// `slot` before `last_active_slot` is [`Error::Overflow`].
pub fn calculate_max_pct_to_liquidate(
    user: &DriftUserLiquidationState,
    margin_shortage: u128,
    slot: u64,
    initial_pct_to_liquidate: u128,
    liquidation_duration: u128,
) -> Result<u128> {
    if margin_shortage < ACCELERATED_LIQUIDATION_SHORTAGE {
        return Ok(LIQUIDATION_PCT_PRECISION);
    }
    let slots_elapsed = ov(slot.checked_sub(user.last_active_slot))?;
    let time_pct =
        div_floor(mul(u128::from(slots_elapsed), LIQUIDATION_PCT_PRECISION)?, liquidation_duration).unwrap_or(LIQUIDATION_PCT_PRECISION);
    let pct_freeable = add(time_pct, initial_pct_to_liquidate)?.min(LIQUIDATION_PCT_PRECISION);

    let freed = u128::from(user.liquidation_margin_freed);
    let total_margin_shortage = add(margin_shortage, freed)?;
    let max_margin_freed = div_floor(mul(total_margin_shortage, pct_freeable)?, LIQUIDATION_PCT_PRECISION)?;
    let margin_freeable = max_margin_freed.saturating_sub(freed);
    div_floor(mul(margin_freeable, LIQUIDATION_PCT_PRECISION)?, margin_shortage)
}

/// Drift's `get_liquidation_fee`: the liquidator's fee
/// ([`LIQUIDATION_FEE_PRECISION`]) for an account last active (in
/// liquidation since) `last_active_user_slot`, at `current_slot`.
///
/// The base fee for the first [`LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS`]
/// slots; from then on `min(max, base + elapsed × 1)` — all elapsed slots
/// count, so the fee steps up by 1,500 (0.15 %) when the grace period ends
/// and then 1 (0.01 bp) per slot (saturating; exact). `current_slot` before
/// `last_active_user_slot` is [`Error::Overflow`].
pub fn get_liquidation_fee(
    base_liquidation_fee: u32,
    max_liquidation_fee: u32,
    last_active_user_slot: u64,
    current_slot: u64,
) -> Result<u32> {
    let slots_elapsed = ov(current_slot.checked_sub(last_active_user_slot))?;
    if slots_elapsed < LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS {
        return Ok(base_liquidation_fee);
    }
    let increase = ov(slots_elapsed.checked_mul(u64::from(LIQUIDATION_FEE_INCREASE_PER_SLOT)))?;
    let liquidation_fee = base_liquidation_fee.saturating_add(saturate_u32(u128::from(increase)));
    Ok(liquidation_fee.min(max_liquidation_fee))
}

// ---------------------------------------------------------------------------
// The insurance fund's fee, capped so the liquidation still frees margin
// ---------------------------------------------------------------------------

/// Drift's `calculate_perp_if_fee`: the insurance fund's fee
/// ([`LIQUIDATION_FEE_PRECISION`]) on a perp liquidation, the largest that
/// still lets liquidating the whole position (`user_base_asset_amount`,
/// 10⁹ units) cover the shortage, less 5 %, capped at
/// `max_if_liquidation_fee`:
///
/// `min(max, ⌊(100 m ⊖ f ⊖ sat(⌊⌊⌊S × 10⁹ / |b|⌋ × 10⁶⌋ / ⌊P × Q / 10⁶⌋⌋)) × 19 / 20⌋)`,
///
/// where `⊖` saturates at 0 and `sat` at `u32::MAX`: the margin ratio
/// (bps × 100) less the liquidator's fee less the shortage as a share of
/// the position's value. The 95 % keeps the fee from bringing deposits
/// down exactly to the negative pnl (a bankruptcy). 0 when a price or the
/// base amount is 0 or the liquidator's fee is at least the margin ratio.
/// A quote-adjusted price that truncates to 0 is [`Error::DivisionByZero`].
pub fn calculate_perp_if_fee(
    margin_shortage: u128,
    user_base_asset_amount: u64,
    margin_ratio: u32,
    liquidator_fee: u32,
    oracle_price: i64,
    quote_oracle_price: i64,
    max_if_liquidation_fee: u32,
) -> Result<u32> {
    let margin_ratio = ov(margin_ratio.checked_mul(LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO))?;
    if oracle_price == 0 || quote_oracle_price == 0 || margin_ratio <= liquidator_fee || user_base_asset_amount == 0 {
        return Ok(0);
    }
    let price = div_floor(mul(price_u(oracle_price)?, price_u(quote_oracle_price)?)?, PRICE_PRECISION_U128)?;
    let shortage_share = div_floor(
        mul(div_floor(mul(margin_shortage, BASE_PRECISION)?, u128::from(user_base_asset_amount))?, PRICE_PRECISION_U128)?,
        price,
    )?;
    let implied = margin_ratio.saturating_sub(liquidator_fee).saturating_sub(saturate_u32(shortage_share));
    let implied_if_fee = ov(ov(implied.checked_mul(19))?.checked_div(20))?;
    Ok(max_if_liquidation_fee.min(implied_if_fee))
}

/// Drift's `calculate_spot_if_fee`: the insurance fund's fee
/// ([`LIQUIDATION_FEE_PRECISION`]) on a spot liquidation of a borrow of
/// `token_amount` (native units, `liability_decimals`) at
/// `liability_price`, the largest that lets taking over the whole borrow
/// still cover the shortage, capped at `max_if_fee`. With the weights in
/// fee precision (bps × 100):
///
/// `min(max, sat(⌊(w_L ⊖ ⌊w_A × m_A / m_L⌋ ⊖ ⌊⌊S × 10⁶ × 10^dec / amount⌋ / P⌋) × 10⁶ / w_L⌋))`,
///
/// `⊖` saturating at 0 and `sat` at `u32::MAX`: the weight the transfer
/// frees, less the shortage as a share of the borrow's value, as a share
/// of the liability weight (the fee is charged on the weighted borrow).
/// 0 when `w_A ≥ w_L`, or the price, amount or liability multiplier is 0.
#[allow(clippy::too_many_arguments)]
pub fn calculate_spot_if_fee(
    margin_shortage: u128,
    token_amount: u128,
    asset_weight: u32,
    asset_liquidation_multiplier: u32,
    liability_weight: u32,
    liability_liquidation_multiplier: u32,
    liability_decimals: u32,
    liability_price: i64,
    max_if_fee: u32,
) -> Result<u32> {
    if asset_weight >= liability_weight || liability_price == 0 || token_amount == 0 || liability_liquidation_multiplier == 0 {
        return Ok(0);
    }
    let token_precision = pow10(liability_decimals)?;
    let liability_weight = mul(u128::from(liability_weight), WEIGHT_TO_FEE_PRECISION)?;
    let asset_weight = mul(u128::from(asset_weight), WEIGHT_TO_FEE_PRECISION)?;
    let adjusted_asset_weight =
        div_floor(mul(asset_weight, u128::from(asset_liquidation_multiplier))?, u128::from(liability_liquidation_multiplier))?;
    let shortage_share = div_floor(
        div_floor(mul(mul(margin_shortage, LIQUIDATION_FEE_PRECISION_U128)?, token_precision)?, token_amount)?,
        price_u(liability_price)?,
    )?;
    let implied = liability_weight.saturating_sub(adjusted_asset_weight).saturating_sub(shortage_share);
    let implied_if_fee = saturate_u32(div_floor(mul(implied, LIQUIDATION_FEE_PRECISION_U128)?, liability_weight)?);
    Ok(max_if_fee.min(implied_if_fee))
}

// ---------------------------------------------------------------------------
// The order a perp liquidation places
// ---------------------------------------------------------------------------

/// A perp position's side (`PositionDirection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PositionDirection {
    /// Long (buy).
    Long,
    /// Short (sell).
    Short,
}

impl PositionDirection {
    /// The other side (`PositionDirection::opposite`).
    #[must_use]
    pub fn opposite(self) -> PositionDirection {
        match self {
            PositionDirection::Long => PositionDirection::Short,
            PositionDirection::Short => PositionDirection::Long,
        }
    }
}

/// The fields [`get_liquidation_order_params`] sets on Drift's
/// `OrderParams`; the order is always a reduce-only perp limit order, and
/// every other field is Drift's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationOrderParams {
    /// The perp market.
    pub market_index: u16,
    /// Opposite to the position.
    pub direction: PositionDirection,
    /// The limit price, `PRICE_PRECISION`.
    pub price: u64,
    /// The base amount, 10⁹ units.
    pub base_asset_amount: u64,
}

/// Drift's `get_liquidation_order_params`: the order that closes
/// `base_asset_amount` of a position on `existing_direction`, limited at
/// the oracle price moved against the liquidated account by the
/// liquidation fee — buying at `|P| + ⌊|P| × f / 10⁶⌋`, selling at `|P| −
/// ⌊|P| × f / 10⁶⌋` (the fee truncated, so the limit rounds toward the
/// oracle). A fee above 100 % when selling, or a price past `u64`, is
/// [`Error::Overflow`]; `i64::MIN` (whose `abs` Drift cannot cast) is
/// [`Error::NegativePrice`].
pub fn get_liquidation_order_params(
    market_index: u16,
    existing_direction: PositionDirection,
    base_asset_amount: u64,
    oracle_price: i64,
    liquidation_fee: u32,
) -> Result<LiquidationOrderParams> {
    let direction = existing_direction.opposite();
    // Drift's `abs` leaves i64::MIN negative (release build: it wraps), so
    // its cast to u128 fails (`CastingFailure`): a negative price.
    let price = u128::from(oracle_price.checked_abs().ok_or(Error::NegativePrice)?.unsigned_abs());
    let fee = div_floor(mul(price, u128::from(liquidation_fee))?, LIQUIDATION_FEE_PRECISION_U128)?;
    let limit = match direction {
        PositionDirection::Long => add(price, fee)?,
        PositionDirection::Short => sub(price, fee)?,
    };
    Ok(LiquidationOrderParams { market_index, direction, price: u64::try_from(limit).map_err(|_| Error::Overflow)?, base_asset_amount })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const P: i64 = 1_000_000; // $1, PRICE_PRECISION
    const FEE_1PCT: u32 = 10_000;

    #[test]
    fn base_amount_errors() {
        let f = calculate_base_asset_amount_to_cover_margin_shortage;
        // u32::MAX bps × 100 overflows u32, before any check.
        assert_eq!(f(1, u32::MAX, 0, 0, 0, P), Err(Error::Overflow));
        // Drift's order: the numerator (overflowing) before the price cast.
        assert_eq!(f(u128::MAX, 1_000, 0, 0, -P, P), Err(Error::Overflow));
        assert_eq!(f(1, 1_000, 0, 0, -P, P), Err(Error::NegativePrice));
        assert_eq!(f(1, 1_000, 0, 0, P, -P), Err(Error::NegativePrice));
        // 10 %: freed ⌊1e6 × 100,000 / 1e6⌋ = 100,000 per unit of price; an
        // insurance fee of 10 % eats it (0: division by zero), 10.0001 %
        // more than eats it (Drift's underflow).
        assert_eq!(f(1, 1_000, 0, 100_000, P, P), Err(Error::DivisionByZero));
        assert_eq!(f(1, 1_000, 0, 100_001, P, P), Err(Error::Overflow));
        // A quote-adjusted price of ⌊1 × 1 / 1e6⌋ = 0: nothing freed.
        assert_eq!(f(1, 1_000, 0, 0, 1, 1), Err(Error::DivisionByZero));
        // 1e20 × 1e9 / 1 = 1e29 base: past u64.
        assert_eq!(f(100_000_000_000_000_000_000, 10_000, 0, 0, 1, P), Err(Error::Overflow));
        assert_eq!(f(u128::MAX, 1_000, 0, 0, P, P), Err(Error::Overflow));
        // The sentinels are values, not errors.
        assert_eq!(f(1, 1_000, 100_000, 0, P, P), Ok(u64::MAX));
        assert_eq!(f(1, 1_000, 0, 0, 0, -P), Ok(u64::MAX));
    }

    #[test]
    fn liability_transfer_errors() {
        let f = |lm: u32, dec: u32, price: i64, if_fee: u32| {
            calculate_liability_transfer_to_cover_margin_shortage(1_000_000, 5_000, 1_000_000, 10_000, lm, dec, price, if_fee)
        };
        assert_eq!(f(0, 6, P, 0), Err(Error::DivisionByZero));
        assert_eq!(f(1_000_000, 50, P, 0), Err(Error::Overflow));
        assert_eq!(f(1_000_000, 6, -P, 0), Err(Error::NegativePrice));
        // Freed 1e6 × (100,000 − 50,000) = 5e10; the fee term
        // ⌊1e6 × f / 1e6⌋ × 10,000 × 10 is 5e10 at f = 50 %: zero, and
        // past it negative.
        assert_eq!(f(1_000_000, 6, P, 500_000), Err(Error::DivisionByZero));
        assert_eq!(f(1_000_000, 6, P, 500_001), Err(Error::Overflow));
        assert_eq!(f(1_000_000, 6, 0, 0), Err(Error::DivisionByZero));
        assert_eq!(
            calculate_liability_transfer_to_cover_margin_shortage(u128::MAX, 5_000, 1_000_000, 10_000, 1_000_000, 6, P, 0),
            Err(Error::Overflow)
        );
        // Drift's order: the numerator (overflowing) before the price cast.
        assert_eq!(
            calculate_liability_transfer_to_cover_margin_shortage(u128::MAX, 5_000, 1_000_000, 10_000, 1_000_000, 6, -P, 0),
            Err(Error::Overflow)
        );
        // w_A ≥ w_L: the sentinel, whatever else is wrong.
        assert_eq!(calculate_liability_transfer_to_cover_margin_shortage(1, 10_000, 0, 10_000, 0, 99, -P, 0), Ok(u128::MAX));
    }

    #[test]
    fn transfer_pricing_errors() {
        let implied = calculate_liability_transfer_implied_by_asset_amount;
        assert_eq!(implied(1, 1_000_000, 6, P, 1_000_000, 6, 0), Err(Error::DivisionByZero));
        assert_eq!(implied(1, 0, 6, P, 1_000_000, 6, P), Err(Error::DivisionByZero));
        assert_eq!(implied(1, 1_000_000, 6, -P, 1_000_000, 6, P), Err(Error::NegativePrice));
        assert_eq!(implied(u128::MAX, 1_000_000, 6, P, 1_000_000, 6, P), Err(Error::Overflow));
        assert_eq!(implied(1, 1_000_000, 60, P, 1_000_000, 6, P), Err(Error::Overflow));

        let asset = calculate_asset_transfer_for_liability_transfer;
        assert_eq!(asset(1, 1_000_000, 6, 0, 1, 1_000_000, 6, P), Err(Error::DivisionByZero));
        assert_eq!(asset(1, 1_000_000, 6, P, 1, 0, 6, P), Err(Error::DivisionByZero));
        assert_eq!(asset(1, 1_000_000, 6, P, 1, 1_000_000, 6, -P), Err(Error::NegativePrice));
        assert_eq!(asset(1, 1_000_000, 6, P, u128::MAX, 1_000_000, 6, P), Err(Error::Overflow));
        assert_eq!(asset(1, 1_000_000, 6, P, 1, 1_000_000, 60, P), Err(Error::Overflow));
    }

    #[test]
    fn multiplier_errors() {
        assert_eq!(calculate_liquidation_multiplier(u32::MAX, LiquidationMultiplierType::Premium), Err(Error::Overflow));
        assert_eq!(calculate_liquidation_multiplier(LIQUIDATION_FEE_PRECISION, LiquidationMultiplierType::Discount), Ok(0));
    }

    #[test]
    fn bankruptcy_errors() {
        let f = calculate_funding_rate_deltas_to_resolve_bankruptcy;
        assert_eq!(f(1, 0, 0), Err(Error::NoOpenInterestToSocialize));
        assert_eq!(f(i128::MIN, 1, 0), Err(Error::Overflow));
        assert_eq!(f(1, i128::MIN, 0), Err(Error::Overflow));
        assert_eq!(f(1, i128::MAX, -1), Err(Error::Overflow));
        // |loss| × 1e9 past i128.
        assert_eq!(f(i128::MAX / 1_000_000_000 + 1, 1, 0), Err(Error::Overflow));
        // × 1,000 past i128: a loss of ~1.7e29 on one base unit.
        assert_eq!(f(i128::MAX / 1_000_000_000, 1, 0), Err(Error::Overflow));

        let g = calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy;
        // 19 − 20 underflows (Drift's `get_token_amount`).
        assert_eq!(g(1, 1, 1, 20), Err(Error::Overflow));
        assert_eq!(g(u128::MAX, 1_000_000_000, 10_000_000_000, 6), Err(Error::Overflow));
        // No deposits: 0, not an error (Drift swallows the division by zero).
        assert_eq!(g(1, 0, 10_000_000_000, 6), Ok(0));
        assert_eq!(g(1, 1_000_000_000, 0, 6), Ok(0));
    }

    #[test]
    fn price_check_errors() {
        assert_eq!(calculate_swap_price(1, 0, 6, 6), Err(Error::DivisionByZero));
        assert_eq!(calculate_swap_price(1, 1, 39, 6), Err(Error::Overflow));
        assert_eq!(calculate_swap_price(u128::MAX, 1, 6, 6), Err(Error::Overflow));
        assert_eq!(validate_transfer_satisfies_limit_price(1, 0, 6, 6, Some(1)), Err(Error::DivisionByZero));
        // Without a limit nothing is computed, so nothing can fail.
        assert_eq!(validate_transfer_satisfies_limit_price(1, 0, 6, 6, None), Ok(()));

        let f = validate_swap_within_liquidation_boundaries;
        assert_eq!(f(0, 1, 6, 6, P, P, 1_000_000, 1_000_000), Err(Error::DivisionByZero));
        assert_eq!(f(1, 1, 6, 6, P, 0, 1_000_000, 1_000_000), Err(Error::DivisionByZero));
        assert_eq!(f(1, 1, 6, 6, P, P, 0, 1_000_000), Err(Error::DivisionByZero));
        assert_eq!(f(1, 1, 6, 6, -P, P, 1_000_000, 1_000_000), Err(Error::NegativePrice));
        assert_eq!(f(1, 1, 40, 6, P, P, 1_000_000, 1_000_000), Err(Error::Overflow));
    }

    #[test]
    fn time_ramp_errors() {
        let user = DriftUserLiquidationState { last_active_slot: 10, liquidation_margin_freed: 0 };
        let shortage = ACCELERATED_LIQUIDATION_SHORTAGE;
        assert_eq!(calculate_max_pct_to_liquidate(&user, shortage, 9, 0, 100), Err(Error::Overflow));
        assert_eq!(calculate_max_pct_to_liquidate(&user, shortage, 20, u128::MAX, 100), Err(Error::Overflow));
        assert_eq!(calculate_max_pct_to_liquidate(&user, u128::MAX, 20, 0, 100), Err(Error::Overflow));
        // A zero duration is 100 %, not an error; a tiny shortage skips it all.
        assert_eq!(calculate_max_pct_to_liquidate(&user, shortage, 20, 0, 0), Ok(LIQUIDATION_PCT_PRECISION));
        assert_eq!(calculate_max_pct_to_liquidate(&user, shortage - 1, 0, 0, 0), Ok(LIQUIDATION_PCT_PRECISION));

        assert_eq!(get_liquidation_fee(FEE_1PCT, 50_000, 10, 9), Err(Error::Overflow));
        // u64::MAX slots saturate to u32::MAX, then the cap.
        assert_eq!(get_liquidation_fee(FEE_1PCT, 50_000, 0, u64::MAX), Ok(50_000));
        assert_eq!(get_liquidation_fee(FEE_1PCT, u32::MAX, 0, u64::MAX), Ok(u32::MAX));
    }

    #[test]
    fn insurance_fee_errors() {
        let perp = calculate_perp_if_fee;
        assert_eq!(perp(1, 1, u32::MAX, 0, P, P, FEE_1PCT), Err(Error::Overflow));
        // ⌊1 × 1 / 1e6⌋ = 0: the price divides.
        assert_eq!(perp(1, 1, 1_000, 0, 1, 1, FEE_1PCT), Err(Error::DivisionByZero));
        assert_eq!(perp(1, 1, 1_000, 0, -P, P, FEE_1PCT), Err(Error::NegativePrice));
        // 42,000,000 bps × 100 = 4.2e9 fits u32; × 19 does not.
        assert_eq!(perp(0, 1, 42_000_000, 0, P, P, FEE_1PCT), Err(Error::Overflow));
        assert_eq!(perp(u128::MAX, 1, 1_000, 0, P, P, FEE_1PCT), Err(Error::Overflow));

        let spot = |decimals: u32, price: i64, shortage: u128| {
            calculate_spot_if_fee(shortage, 1, 5_000, 1_000_000, 10_000, 1_000_000, decimals, price, FEE_1PCT)
        };
        assert_eq!(spot(39, P, 1), Err(Error::Overflow));
        assert_eq!(spot(6, -P, 1), Err(Error::NegativePrice));
        assert_eq!(spot(6, P, u128::MAX), Err(Error::Overflow));
        assert_eq!(spot(6, 0, 1), Ok(0));
    }

    #[test]
    fn order_params_errors() {
        let f = get_liquidation_order_params;
        assert_eq!(f(0, PositionDirection::Short, 1, i64::MIN, 0), Err(Error::NegativePrice));
        // Selling at more than a 100 % fee.
        assert_eq!(f(0, PositionDirection::Long, 1, P, LIQUIDATION_FEE_PRECISION + 1), Err(Error::Overflow));
        // Buying: i64::MAX × 3 is past u64; × 2 fits.
        assert_eq!(f(0, PositionDirection::Short, 1, i64::MAX, 2 * LIQUIDATION_FEE_PRECISION), Err(Error::Overflow));
        assert_eq!(f(0, PositionDirection::Short, 1, i64::MAX, LIQUIDATION_FEE_PRECISION).unwrap().price, 2 * (i64::MAX as u64));
        // A negative oracle price is taken by its magnitude (Drift's `abs`).
        assert_eq!(f(0, PositionDirection::Long, 1, -P, FEE_1PCT).unwrap().price, 990_000);
    }
}
