//! Drift v2's own margin arithmetic, exact to the unit.
//!
//! Drift v2 is a Solana program: a user account holds spot positions
//! (deposits and borrows of several tokens) and perp positions, cross or
//! isolated, valued against oracle prices. Every number is an integer and
//! every step rounds on its own — the value, then the weight, then the sum —
//! so reproducing Drift to the unit needs Drift's own order of operations.
//! This module reimplements those functions over `i128`/`u128`, checked:
//! each returns Drift's exact figure or an error value (Drift's
//! `safe_math` errors where it has them; [`Error::Overflow`] /
//! [`Error::DivisionByZero`] where Drift would panic).
//!
//! # Units (Drift's names)
//!
//! * **Base** amounts: `BASE_PRECISION` = 10⁹ per whole unit of the
//!   perp's underlying. **Prices**: `PRICE_PRECISION` = 10⁶ (micro-USD
//!   per whole unit). **Quote** amounts: `QUOTE_PRECISION` = 10⁶
//!   (micro-USD).
//! * **Spot token** amounts: the token's native units (10^-decimals of a
//!   token); `value = amount × price / 10^decimals` micro-USD.
//! * **Weights and margin ratios** in basis points (`SPOT_WEIGHT_PRECISION`
//!   = `MARGIN_PRECISION` = 10⁴); **IMF factors** in `SPOT_IMF_PRECISION`
//!   = 10⁶ (an IMF factor of 1,000 is 0.001 per √unit).
//! * **Funding rates**: `FUNDING_RATE_PRECISION` = 10⁹ (10⁻⁹ USD per whole
//!   base unit); a payment is `Δ × base / 10¹²` micro-USD.
//!
//! # The finance, one function at a time
//!
//! * **√size discount and premium** ([`calculate_size_discount_asset_weight`],
//!   [`calculate_size_premium_liability_weight`]): with `S` the size in
//!   whole units, `min(w, 1.1 / (1 + imf × √S))` for assets and
//!   `max(w, 0.8 w + imf × √S)` for liabilities and perp margin ratios —
//!   in basis points, with `√` the floor root of `10 S + 1` (size in 10⁹
//!   units ×10, so the root is in 10⁵ units) and each division truncated.
//! * **Spot weights** ([`DriftSpotMarket::get_asset_weight`],
//!   [`DriftSpotMarket::get_liability_weight`]): the level's weight (the
//!   initial asset weight scaled down by the market's total deposits above
//!   `scale_initial_asset_weight_start`; `Fill` the average of initial and
//!   maintenance), then the √size term on the position's size.
//! * **Spot open orders** ([`DriftSpotMarket::get_worst_case_fill_simulation`]):
//!   the position as if all bids, or all asks, filled at the strict price,
//!   the riskier side kept; the order's cash counts unweighted.
//! * **Perp value and requirement** ([`calculate_perp_position_value_and_pnl`]):
//!   `pnl = quote + trunc(base × price / 10⁹)` (truncated toward zero on the
//!   signed value) plus unsettled funding; the requirement
//!   `trunc(trunc(|worst base| × price / 10⁹) × ratio / 10⁴)` at the worse
//!   of all bids or all asks filling, plus $0.01 per open order; a positive
//!   pnl weighted by the unrealised-pnl weight (with its own √size discount)
//!   and, at the initial level, capped at $100.
//! * **Funding** ([`calculate_funding_payment`]): longs pay when the
//!   cumulative rate rises; the magnitude rounds toward zero.
//! * **Margin calculation** ([`cross_margin_calculation`],
//!   [`isolated_margin_calculation`]): total collateral (weighted deposits,
//!   order cash received, perp pnl) against the margin requirement
//!   (weighted borrows, order cash paid, perp requirements, $0.01 per open
//!   order), with the optional liquidation buffer.
//!
//! * **Liquidation** ([`liquidation`]): how much to liquidate to cover a
//!   margin shortage, what the liquidator and the insurance fund take, the
//!   fee's time ramp, and how a bankruptcy is spread over a market.
//!
//! # Not replicated
//!
//! High-leverage mode, prediction markets, markets in `Settlement`, the
//! unrealised-pnl imbalance scaling (`unrealized_pnl_max_imbalance`, which
//! reads the AMM's net user pnl: taken as off), per-position custom margin
//! ratios, LP shares, pool ids, fuel, the margin-ratio override, and the
//! validations that make Drift reject an account (invalid oracles, zero
//! values): callers pass valid inputs and get Drift's figures.
//!
//! # Sources
//!
//! Formulas learnt from `drift-labs/protocol-v2` at commit
//! `0ae3e3b1db782a6765c3525b3dec38ad4d9d3a62` (2026-04-01); no code is
//! copied, the Rust is our own:
//!
//! * `programs/drift/src/math/margin.rs` — `calculate_size_premium_liability_weight`,
//!   `calculate_size_discount_asset_weight`, `calculate_perp_position_value_and_pnl`,
//!   `calculate_margin_requirement_and_total_collateral_and_liability_info`;
//! * `programs/drift/src/state/spot_market.rs` — `get_asset_weight`,
//!   `get_scaled_initial_asset_weight`, `get_liability_weight`;
//! * `programs/drift/src/state/perp_market.rs` — `get_margin_ratio`,
//!   `get_unrealized_asset_weight`;
//! * `programs/drift/src/state/user.rs` — `OrderFillSimulation`,
//!   `simulate_fills_both_sides`, `apply_user_custom_margin_ratio`,
//!   `worst_case_liability_value`, `margin_requirement_for_open_orders`;
//! * `programs/drift/src/state/margin_calculation.rs` —
//!   `add_cross_margin_total_collateral`, `add_cross_margin_margin_requirement`,
//!   `add_isolated_margin_calculation`;
//! * `programs/drift/src/math/position.rs`, `math/spot_balance.rs`,
//!   `math/funding.rs`, `state/oracle.rs` (`StrictOraclePrice`),
//!   `math/constants.rs`.
//!
//! `tests/conformance/drift_v2.rs` replays Drift's own unit tests against
//! this module and compares partliq's unified health with them.

use crate::error::{Error, Result};
use crate::num::{self, Rounding};

pub mod liquidation;

/// Base amounts per whole unit (`BASE_PRECISION`, `AMM_RESERVE_PRECISION`).
pub const BASE_PRECISION: u128 = 1_000_000_000;
/// Price units per dollar (`PRICE_PRECISION`).
pub const PRICE_PRECISION: i128 = 1_000_000;
/// Quote units per dollar (`QUOTE_PRECISION`).
pub const QUOTE_PRECISION: i128 = 1_000_000;
/// Weights and margin ratios: 10,000 = 100 % (`SPOT_WEIGHT_PRECISION`,
/// `MARGIN_PRECISION`).
pub const SPOT_WEIGHT_PRECISION: u32 = 10_000;
/// IMF factors: 1,000,000 = 1 per √unit (`SPOT_IMF_PRECISION`).
pub const SPOT_IMF_PRECISION: u128 = 1_000_000;
/// Cumulative interest: 10¹⁰ = 1 (`SPOT_CUMULATIVE_INTEREST_PRECISION`).
pub const SPOT_CUMULATIVE_INTEREST_PRECISION: u128 = 10_000_000_000;
/// Scaled spot balances: 10⁹ per token (`SPOT_BALANCE_PRECISION`).
pub const SPOT_BALANCE_PRECISION: u128 = 1_000_000_000;
/// Funding rates: 10⁹ per dollar per whole base unit (`FUNDING_RATE_PRECISION`).
pub const FUNDING_RATE_PRECISION: i128 = 1_000_000_000;
/// Base to quote precision (`AMM_TO_QUOTE_PRECISION_RATIO`).
pub const AMM_TO_QUOTE_PRECISION_RATIO: i128 = 1_000;
/// $0.01 of margin per open order (`OPEN_ORDER_MARGIN_REQUIREMENT`).
pub const OPEN_ORDER_MARGIN_REQUIREMENT: u128 = 10_000;
/// The most a position's weighted pnl counts at the initial level, $100
/// (`MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN`).
pub const MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN: i128 = 100_000_000;

const WEIGHT_PRECISION_U128: u128 = 10_000;
const WEIGHT_PRECISION_I128: i128 = 10_000;

fn ov<T>(x: Option<T>) -> Result<T> {
    x.ok_or(Error::Overflow)
}

fn div_u(a: u128, b: u128) -> Result<u128> {
    a.checked_div(b).ok_or(Error::DivisionByZero)
}

fn to_u32(x: u128) -> Result<u32> {
    u32::try_from(x).map_err(|_| Error::Overflow)
}

fn to_i128(x: u128) -> Result<i128> {
    i128::try_from(x).map_err(|_| Error::Overflow)
}

fn to_u128(x: i128) -> Result<u128> {
    u128::try_from(x).map_err(|_| Error::Overflow)
}

/// `⌊√(10 × size + 1)⌋`: Drift's `((size * 10) + 1).nth_root(2)`, the
/// root of a size in 10⁹ units in 10⁵ units.
fn size_sqrt(size: u128) -> Result<u128> {
    let n = ov(ov(size.checked_mul(10))?.checked_add(1))?;
    to_u128(num::isqrt(to_i128(n)?, Rounding::Floor)?)
}

/// Which margin level a figure is for (`MarginRequirementType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarginRequirementType {
    /// Opening and withdrawing.
    Initial,
    /// Fills: the average of the initial and maintenance weights and ratios.
    Fill,
    /// The liquidation trigger.
    Maintenance,
}

/// An oracle price with its optional 5-minute TWAP (`StrictOraclePrice`):
/// in strict mode assets take the lower and liabilities the higher of the
/// two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrictOraclePrice {
    /// The oracle price, `PRICE_PRECISION`.
    pub current: i64,
    /// The 5-minute TWAP when strict, `None` otherwise.
    pub twap_5min: Option<i64>,
}

impl StrictOraclePrice {
    /// A non-strict price: `min` and `max` are `current`.
    #[must_use]
    pub fn current(price: i64) -> StrictOraclePrice {
        StrictOraclePrice { current: price, twap_5min: None }
    }

    /// The higher of the price and the TWAP (liabilities).
    #[must_use]
    pub fn max(&self) -> i64 {
        match self.twap_5min {
            Some(t) => self.current.max(t),
            None => self.current,
        }
    }

    /// The lower of the price and the TWAP (assets).
    #[must_use]
    pub fn min(&self) -> i64 {
        match self.twap_5min {
            Some(t) => self.current.min(t),
            None => self.current,
        }
    }
}

// ---------------------------------------------------------------------------
// √size weights (math/margin.rs)
// ---------------------------------------------------------------------------

/// Drift's `calculate_size_discount_asset_weight`: `size` in 10⁹ units,
/// `imf_factor` in 10⁻⁶, weights in bps. `min(asset_weight,
/// ⌊1.1e6 × 1e4 / (1e6 + ⌊√(10 size + 1) × imf / 1e5⌋)⌋)`; an IMF factor
/// of 0 returns the weight.
pub fn calculate_size_discount_asset_weight(size: u128, imf_factor: u32, asset_weight: u32) -> Result<u32> {
    if imf_factor == 0 {
        return Ok(asset_weight);
    }
    let root = size_sqrt(size)?;
    // 1.1 in SPOT_IMF_PRECISION: 1e6 + 1e6 / 10.
    let numerator: u128 = 1_100_000;
    let den = ov(SPOT_IMF_PRECISION.checked_add(div_u(ov(root.checked_mul(u128::from(imf_factor)))?, 100_000)?))?;
    let w = to_u32(div_u(ov(numerator.checked_mul(WEIGHT_PRECISION_U128))?, den)?)?;
    Ok(asset_weight.min(w))
}

/// Drift's `calculate_size_premium_liability_weight`: `w − ⌊w / 5⌋ +
/// ⌊√(10 size + 1) × imf / (1e11 / precision)⌋` (`precision` 10⁴ for bps);
/// bounded below by `liability_weight` when `is_bounded`. An IMF factor of
/// 0 returns the weight.
pub fn calculate_size_premium_liability_weight(
    size: u128,
    imf_factor: u32,
    liability_weight: u32,
    precision: u128,
    is_bounded: bool,
) -> Result<u32> {
    if imf_factor == 0 {
        return Ok(liability_weight);
    }
    let root = size_sqrt(size)?;
    let w = u128::from(liability_weight);
    let numerator = ov(w.checked_sub(div_u(w, 5)?))?;
    let divisor = div_u(ov(100_000u128.checked_mul(SPOT_IMF_PRECISION))?, precision)?;
    let premium = to_u32(ov(numerator.checked_add(div_u(ov(root.checked_mul(u128::from(imf_factor)))?, divisor)?))?)?;
    Ok(if is_bounded { liability_weight.max(premium) } else { premium })
}

// ---------------------------------------------------------------------------
// Token amounts and values (math/spot_balance.rs)
// ---------------------------------------------------------------------------

/// Drift's `get_token_amount`: a scaled balance (10⁹ per token) times the
/// cumulative interest (10¹⁰ = 1) in native units: deposits rounded down,
/// borrows up.
pub fn get_token_amount(balance: u128, decimals: u32, cumulative_interest: u128, is_borrow: bool) -> Result<u128> {
    let exp = ov(19u32.checked_sub(decimals))?;
    let precision_decrease = ov(10u128.checked_pow(exp))?;
    let n = ov(balance.checked_mul(cumulative_interest))?;
    let q = div_u(n, precision_decrease)?;
    if is_borrow && n.checked_rem(precision_decrease).ok_or(Error::DivisionByZero)? != 0 {
        ov(q.checked_add(1))
    } else {
        Ok(q)
    }
}

/// Drift's `get_token_value`: `amount × price / 10^decimals` micro-USD,
/// rounded down (toward −∞ for a borrow).
pub fn get_token_value(token_amount: i128, decimals: u32, price: i64) -> Result<i128> {
    if token_amount == 0 {
        return Ok(0);
    }
    let d = num::pow10(decimals)?;
    num::div_round(num::mul(token_amount, i128::from(price))?, d, Rounding::Floor)
}

/// Drift's `get_strict_token_value`: [`get_token_value`] at the strict
/// price — the lower one for a deposit, the higher one for a borrow.
pub fn get_strict_token_value(token_amount: i128, decimals: u32, strict: &StrictOraclePrice) -> Result<i128> {
    let price = if token_amount > 0 { strict.min() } else { strict.max() };
    get_token_value(token_amount, decimals, price)
}

// ---------------------------------------------------------------------------
// Spot markets (state/spot_market.rs) and open orders (state/user.rs)
// ---------------------------------------------------------------------------

/// The fields of a Drift spot market its margin functions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriftSpotMarket {
    /// Token decimals: native units per token are `10^decimals`.
    pub decimals: u32,
    /// Initial asset weight, bps.
    pub initial_asset_weight: u32,
    /// Maintenance asset weight, bps.
    pub maintenance_asset_weight: u32,
    /// Initial liability weight, bps.
    pub initial_liability_weight: u32,
    /// Maintenance liability weight, bps.
    pub maintenance_liability_weight: u32,
    /// IMF factor of the √size terms, 10⁻⁶; 0 turns them off.
    pub imf_factor: u32,
    /// Total deposit value (micro-USD) above which the initial asset weight
    /// is scaled down; 0 turns the scaling off.
    pub scale_initial_asset_weight_start: u64,
    /// The market's total deposits in native units (`get_deposits()`).
    pub deposit_token_amount: u128,
}

impl DriftSpotMarket {
    /// A size in native units in 10⁹ units (`size_in_amm_reserve_precision`),
    /// truncated.
    pub fn size_in_amm_reserve_precision(&self, size: u128) -> Result<u128> {
        let size_precision = ov(10u128.checked_pow(self.decimals))?;
        if size_precision > BASE_PRECISION {
            div_u(size, div_u(size_precision, BASE_PRECISION)?)
        } else {
            div_u(ov(size.checked_mul(BASE_PRECISION))?, size_precision)
        }
    }

    /// Drift's `get_scaled_initial_asset_weight`: the initial asset weight,
    /// times `start / total deposit value` (truncated) once the market's
    /// deposits are worth at least `start` at `oracle_price`.
    pub fn get_scaled_initial_asset_weight(&self, oracle_price: i64) -> Result<u32> {
        if self.scale_initial_asset_weight_start == 0 {
            return Ok(self.initial_asset_weight);
        }
        let deposits = to_i128(self.deposit_token_amount)?;
        let deposit_value = to_u128(get_token_value(deposits, self.decimals, oracle_price)?)?;
        let start = u128::from(self.scale_initial_asset_weight_start);
        if deposit_value < start {
            return Ok(self.initial_asset_weight);
        }
        to_u32(div_u(ov(u128::from(self.initial_asset_weight).checked_mul(start))?, deposit_value)?)
    }

    /// Drift's `get_asset_weight` for a deposit of `size` native units, bps.
    pub fn get_asset_weight(&self, size: u128, oracle_price: i64, kind: MarginRequirementType) -> Result<u32> {
        let size_amm = self.size_in_amm_reserve_precision(size)?;
        let default = match kind {
            MarginRequirementType::Initial => self.get_scaled_initial_asset_weight(oracle_price)?,
            MarginRequirementType::Fill => {
                let sum = ov(self.get_scaled_initial_asset_weight(oracle_price)?.checked_add(self.maintenance_asset_weight))?;
                ov(sum.checked_div(2))?
            }
            MarginRequirementType::Maintenance => self.maintenance_asset_weight,
        };
        Ok(calculate_size_discount_asset_weight(size_amm, self.imf_factor, default)?.min(default))
    }

    /// Drift's `get_liability_weight` for a borrow of `size` native units, bps.
    pub fn get_liability_weight(&self, size: u128, kind: MarginRequirementType) -> Result<u32> {
        let size_amm = self.size_in_amm_reserve_precision(size)?;
        let default = match kind {
            MarginRequirementType::Initial => self.initial_liability_weight,
            MarginRequirementType::Fill => {
                ov(ov(self.initial_liability_weight.checked_add(self.maintenance_liability_weight))?.checked_div(2))?
            }
            MarginRequirementType::Maintenance => self.maintenance_liability_weight,
        };
        let sized = calculate_size_premium_liability_weight(size_amm, self.imf_factor, default, WEIGHT_PRECISION_U128, true)?;
        Ok(sized.max(default))
    }

    /// A token value times its weight (`calculate_weighted_token_value` in
    /// `simulate_fills_both_sides`): a positive value by the asset weight, a
    /// negative one by the liability weight, truncated toward zero.
    pub fn weighted_token_value(
        &self,
        token_amount: i128,
        token_value: i128,
        oracle_price: i64,
        kind: MarginRequirementType,
    ) -> Result<i128> {
        let size = token_amount.unsigned_abs();
        let w = match token_value.signum() {
            1 => self.get_asset_weight(size, oracle_price, kind)?,
            -1 => self.get_liability_weight(size, kind)?,
            _ => return Ok(0),
        };
        num::div_round(num::mul(token_value, i128::from(w))?, WEIGHT_PRECISION_I128, Rounding::TowardZero)
    }

    /// Drift's `SpotPosition::get_worst_case_fill_simulation` for a position
    /// of `token_amount` (signed, native units) with resting `open_bids`
    /// (≥ 0) and `open_asks` (≤ 0): each side filled at the strict price,
    /// the riskier kept ([`OrderFillSimulation::riskier_side`]).
    pub fn get_worst_case_fill_simulation(
        &self,
        token_amount: i128,
        open_bids: i64,
        open_asks: i64,
        strict: &StrictOraclePrice,
        kind: MarginRequirementType,
    ) -> Result<OrderFillSimulation> {
        let token_value = get_strict_token_value(token_amount, self.decimals, strict)?;
        if open_bids == 0 && open_asks == 0 {
            let weighted = self.weighted_token_value(token_amount, token_value, strict.current, kind)?;
            return Ok(OrderFillSimulation {
                token_amount,
                orders_value: 0,
                token_value,
                weighted_token_value: weighted,
                free_collateral_contribution: weighted,
            });
        }
        let side = |open: i64| -> Result<OrderFillSimulation> {
            let open = i128::from(open);
            let orders_value = get_token_value(num::sub(0, open)?, self.decimals, strict.max())?;
            let amount = num::add(token_amount, open)?;
            let value = num::sub(token_value, orders_value)?;
            let weighted = self.weighted_token_value(amount, value, strict.current, kind)?;
            Ok(OrderFillSimulation {
                token_amount: amount,
                orders_value,
                token_value: value,
                weighted_token_value: weighted,
                free_collateral_contribution: num::add(weighted, orders_value)?,
            })
        };
        let bid = side(open_bids)?;
        let ask = side(open_asks)?;
        Ok(OrderFillSimulation::riskier_side(ask, bid))
    }
}

/// One side of a spot position's open orders filled (`OrderFillSimulation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderFillSimulation {
    /// The token amount after the fill, native units.
    pub token_amount: i128,
    /// The cash the fill moves, micro-USD: negative for bids (paid).
    pub orders_value: i128,
    /// The position's value after the fill (its strict value less the
    /// order's cash; not re-priced).
    pub token_value: i128,
    /// `token_value` weighted.
    pub weighted_token_value: i128,
    /// `weighted_token_value + orders_value`.
    pub free_collateral_contribution: i128,
}

impl OrderFillSimulation {
    /// The side with the lower free-collateral contribution; the ask side on
    /// a tie.
    #[must_use]
    pub fn riskier_side(ask: OrderFillSimulation, bid: OrderFillSimulation) -> OrderFillSimulation {
        if ask.free_collateral_contribution <= bid.free_collateral_contribution {
            ask
        } else {
            bid
        }
    }

    /// Drift's `apply_user_custom_margin_ratio`: a user's custom ratio `r`
    /// (bps, 0 = none) raises the liability weight to at least `1 + r` and
    /// lowers the asset weight to at most `1 − r` (both at the initial
    /// level), re-weighting `token_value`.
    pub fn apply_user_custom_margin_ratio(
        mut self,
        market: &DriftSpotMarket,
        oracle_price: i64,
        custom: u32,
    ) -> Result<OrderFillSimulation> {
        if custom == 0 {
            return Ok(self);
        }
        let size = self.token_amount.unsigned_abs();
        let w = match self.weighted_token_value.signum() {
            -1 => market.get_liability_weight(size, MarginRequirementType::Initial)?.max(ov(custom.checked_add(SPOT_WEIGHT_PRECISION))?),
            1 => market
                .get_asset_weight(size, oracle_price, MarginRequirementType::Initial)?
                .min(SPOT_WEIGHT_PRECISION.saturating_sub(custom)),
            _ => return Ok(self),
        };
        self.weighted_token_value =
            num::div_round(num::mul(self.token_value, i128::from(w))?, WEIGHT_PRECISION_I128, Rounding::TowardZero)?;
        self.free_collateral_contribution = num::add(self.weighted_token_value, self.orders_value)?;
        Ok(self)
    }
}

// ---------------------------------------------------------------------------
// Perp markets and positions (state/perp_market.rs, state/user.rs, math/)
// ---------------------------------------------------------------------------

/// The fields of a Drift perp market its margin functions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriftPerpMarket {
    /// Initial margin ratio, bps.
    pub margin_ratio_initial: u32,
    /// Maintenance margin ratio, bps.
    pub margin_ratio_maintenance: u32,
    /// IMF factor of the √size margin premium, 10⁻⁶.
    pub imf_factor: u32,
    /// Weight of a positive pnl at the initial and fill levels, bps.
    pub unrealized_pnl_initial_asset_weight: u32,
    /// Weight of a positive pnl at the maintenance level, bps.
    pub unrealized_pnl_maintenance_asset_weight: u32,
    /// IMF factor of the pnl's √size discount, 10⁻⁶.
    pub unrealized_pnl_imf_factor: u32,
    /// Cumulative funding rate longs settle against, `FUNDING_RATE_PRECISION`.
    pub cumulative_funding_rate_long: i128,
    /// Cumulative funding rate shorts settle against.
    pub cumulative_funding_rate_short: i128,
}

impl DriftPerpMarket {
    /// Drift's `get_margin_ratio` (not high-leverage mode): the level's
    /// ratio, raised by the √size premium on `size` (10⁹ units), bps.
    pub fn get_margin_ratio(&self, size: u128, kind: MarginRequirementType) -> Result<u32> {
        let default = match kind {
            MarginRequirementType::Initial => self.margin_ratio_initial,
            MarginRequirementType::Fill => ov(ov(self.margin_ratio_initial.checked_add(self.margin_ratio_maintenance))?.checked_div(2))?,
            MarginRequirementType::Maintenance => self.margin_ratio_maintenance,
        };
        let sized = calculate_size_premium_liability_weight(size, self.imf_factor, default, WEIGHT_PRECISION_U128, true)?;
        Ok(default.max(sized))
    }

    /// Drift's `get_unrealized_asset_weight` (imbalance scaling off): 100 %
    /// for a pnl ≤ 0; for a gain, the maintenance weight at maintenance, or
    /// the initial weight with the √size discount on `|pnl| × 1,000`.
    pub fn get_unrealized_asset_weight(&self, unrealized_pnl: i128, kind: MarginRequirementType) -> Result<u32> {
        if unrealized_pnl <= 0 {
            return Ok(SPOT_WEIGHT_PRECISION);
        }
        match kind {
            MarginRequirementType::Maintenance => Ok(self.unrealized_pnl_maintenance_asset_weight),
            MarginRequirementType::Initial | MarginRequirementType::Fill => {
                let w = self.unrealized_pnl_initial_asset_weight;
                if w == 0 {
                    return Ok(0);
                }
                let size = ov(unrealized_pnl.unsigned_abs().checked_mul(AMM_TO_QUOTE_PRECISION_RATIO.unsigned_abs()))?;
                calculate_size_discount_asset_weight(size, self.unrealized_pnl_imf_factor, w)
            }
        }
    }
}

/// The fields of a Drift perp position its margin functions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriftPerpPosition {
    /// Signed base amount, `BASE_PRECISION`.
    pub base_asset_amount: i64,
    /// Quote amount (entry cost, fees, settled funding), `QUOTE_PRECISION`.
    pub quote_asset_amount: i64,
    /// The cumulative funding rate last settled, `FUNDING_RATE_PRECISION`.
    pub last_cumulative_funding_rate: i64,
    /// Resting bids, base (≥ 0).
    pub open_bids: i64,
    /// Resting asks, base (≤ 0).
    pub open_asks: i64,
    /// Number of open orders.
    pub open_orders: u8,
}

/// Drift's `calculate_base_asset_value_with_oracle_price`:
/// `|base| × price / 10⁹` micro-USD, truncated (a non-positive price counts
/// as 0).
pub fn calculate_base_asset_value_with_oracle_price(base_asset_amount: i128, oracle_price: i64) -> Result<u128> {
    let price = u128::try_from(oracle_price.max(0)).map_err(|_| Error::Overflow)?;
    div_u(ov(base_asset_amount.unsigned_abs().checked_mul(price))?, BASE_PRECISION)
}

/// Drift's `calculate_base_asset_value_and_pnl_with_oracle_price`: the
/// absolute base value and `pnl = quote + trunc(base × price / 10⁹)` —
/// truncated toward zero on the **signed** value, so a short's pnl rounds
/// up.
pub fn calculate_base_asset_value_and_pnl_with_oracle_price(position: &DriftPerpPosition, oracle_price: i64) -> Result<(u128, i128)> {
    if position.base_asset_amount == 0 {
        return Ok((0, i128::from(position.quote_asset_amount)));
    }
    let price = i128::from(oracle_price.max(0));
    let signed = num::div_round(num::mul(i128::from(position.base_asset_amount), price)?, to_i128(BASE_PRECISION)?, Rounding::TowardZero)?;
    Ok((signed.unsigned_abs(), num::add(signed, i128::from(position.quote_asset_amount))?))
}

impl DriftPerpPosition {
    /// Drift's `worst_case_liability_value` (perpetual contracts): the base
    /// after all bids or after all asks fill, whichever is worth more (asks
    /// on a tie), and that value.
    pub fn worst_case_liability_value(&self, oracle_price: i64) -> Result<(i128, u128)> {
        let bids = num::add(i128::from(self.base_asset_amount), i128::from(self.open_bids))?;
        let asks = num::add(i128::from(self.base_asset_amount), i128::from(self.open_asks))?;
        let lv_bids = calculate_base_asset_value_with_oracle_price(bids, oracle_price)?;
        let lv_asks = calculate_base_asset_value_with_oracle_price(asks, oracle_price)?;
        Ok(if lv_asks >= lv_bids { (asks, lv_asks) } else { (bids, lv_bids) })
    }

    /// `open_orders × $0.01` (`margin_requirement_for_open_orders`).
    pub fn margin_requirement_for_open_orders(&self) -> Result<u128> {
        ov(u128::from(self.open_orders).checked_mul(OPEN_ORDER_MARGIN_REQUIREMENT))
    }
}

/// Drift's `calculate_funding_payment`: what a position receives (negative:
/// pays) for the cumulative rate moving from its last one to
/// `amm_cumulative_funding_rate`: `−sgn(Δ × base) × ⌊|Δ| × |base| / 10⁹⌋ /
/// 10³`, the last division truncated toward zero — micro-USD, magnitude
/// rounded down.
pub fn calculate_funding_payment(amm_cumulative_funding_rate: i128, position: &DriftPerpPosition) -> Result<i64> {
    let delta = num::sub(amm_cumulative_funding_rate, i128::from(position.last_cumulative_funding_rate))?;
    if delta == 0 {
        return Ok(0);
    }
    let base = i128::from(position.base_asset_amount);
    // |Δ| × |base| / PRICE_PRECISION / FUNDING_RATE_BUFFER: two floors of
    // non-negative figures, one floor of the product by 10⁹.
    let magnitude =
        num::mul_div_wide(to_i128(delta.unsigned_abs())?, to_i128(base.unsigned_abs())?, FUNDING_RATE_PRECISION, Rounding::Floor)?;
    let sign: i128 = if (base > 0) == (delta > 0) { -1 } else { 1 };
    let payment = num::mul(magnitude, sign)?;
    let quote = num::div_round(payment, AMM_TO_QUOTE_PRECISION_RATIO, Rounding::TowardZero)?;
    i64::try_from(quote).map_err(|_| Error::Overflow)
}

/// What [`calculate_perp_position_value_and_pnl`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerpPositionValue {
    /// The position's margin requirement, micro-USD.
    pub margin_requirement: u128,
    /// Its pnl (with unsettled funding) weighted, capped at the initial level.
    pub weighted_unrealized_pnl: i128,
    /// The worst-case liability value at the strict quote price.
    pub worst_case_liability_value: u128,
    /// `|base| × price / 10⁹`.
    pub base_asset_value: u128,
}

/// Drift's `calculate_perp_position_value_and_pnl` (see the module docs):
/// `user_custom_margin_ratio` (bps, 0 = none) is a floor on the margin
/// ratio.
pub fn calculate_perp_position_value_and_pnl(
    position: &DriftPerpPosition,
    market: &DriftPerpMarket,
    oracle_price: i64,
    strict_quote_price: &StrictOraclePrice,
    kind: MarginRequirementType,
    user_custom_margin_ratio: u32,
) -> Result<PerpPositionValue> {
    let rate = if position.base_asset_amount > 0 { market.cumulative_funding_rate_long } else { market.cumulative_funding_rate_short };
    let unrealized_funding = calculate_funding_payment(rate, position)?;
    let (base_asset_value, unrealized_pnl) = calculate_base_asset_value_and_pnl_with_oracle_price(position, oracle_price)?;
    let total_pnl = num::add(unrealized_pnl, i128::from(unrealized_funding))?;

    let (worst_base, liability) = position.worst_case_liability_value(oracle_price)?;
    let quote_max = u128::try_from(strict_quote_price.max()).map_err(|_| Error::NegativePrice)?;
    let liability = div_u(ov(liability.checked_mul(quote_max))?, to_u128(PRICE_PRECISION)?)?;
    let ratio = user_custom_margin_ratio.max(market.get_margin_ratio(worst_base.unsigned_abs(), kind)?);
    let requirement = div_u(ov(liability.checked_mul(u128::from(ratio)))?, WEIGHT_PRECISION_U128)?;
    let requirement = ov(requirement.checked_add(position.margin_requirement_for_open_orders()?))?;

    let weight = market.get_unrealized_asset_weight(total_pnl, kind)?;
    let quote_price = match total_pnl.signum() {
        1 => strict_quote_price.min(),
        -1 => strict_quote_price.max(),
        _ => strict_quote_price.current,
    };
    let mut weighted = total_pnl;
    if weight != SPOT_WEIGHT_PRECISION {
        weighted = num::div_round(num::mul(weighted, i128::from(weight))?, WEIGHT_PRECISION_I128, Rounding::TowardZero)?;
    }
    if i128::from(quote_price) != PRICE_PRECISION {
        weighted = num::div_round(num::mul(weighted, i128::from(quote_price))?, PRICE_PRECISION, Rounding::TowardZero)?;
    }
    if kind == MarginRequirementType::Initial {
        weighted = weighted.min(MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN);
    }
    Ok(PerpPositionValue {
        margin_requirement: requirement,
        weighted_unrealized_pnl: weighted,
        worst_case_liability_value: liability,
        base_asset_value,
    })
}

// ---------------------------------------------------------------------------
// The margin calculation (math/margin.rs, state/margin_calculation.rs)
// ---------------------------------------------------------------------------

/// How a margin calculation is run (`MarginContext::standard(kind)`, with
/// `.margin_buffer(..)` and the user's `max_margin_ratio`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginContext {
    /// The level.
    pub kind: MarginRequirementType,
    /// The liquidation buffer, bps of liability value; 0 = none.
    pub margin_buffer: u32,
    /// The user's custom margin ratio (`User::max_margin_ratio`), bps; it
    /// applies at the initial level only; 0 = none.
    pub user_max_margin_ratio: u32,
}

impl MarginContext {
    /// `MarginContext::standard(kind)`: no buffer, no custom ratio.
    #[must_use]
    pub fn standard(kind: MarginRequirementType) -> MarginContext {
        MarginContext { kind, margin_buffer: 0, user_max_margin_ratio: 0 }
    }

    fn custom_ratio(&self) -> u32 {
        if self.kind == MarginRequirementType::Initial {
            self.user_max_margin_ratio
        } else {
            0
        }
    }
}

/// A spot position as the margin calculation reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpotEntry<'a> {
    /// Its market.
    pub market: &'a DriftSpotMarket,
    /// True for the quote market (index 0): valued unweighted, no order
    /// simulation.
    pub is_quote_market: bool,
    /// Signed token amount (`get_signed_token_amount`), native units.
    pub token_amount: i128,
    /// Resting bids (≥ 0), native units.
    pub open_bids: i64,
    /// Resting asks (≤ 0), native units.
    pub open_asks: i64,
    /// Number of open orders.
    pub open_orders: u8,
    /// The market's oracle price (strict or not).
    pub price: StrictOraclePrice,
}

/// A perp position as the margin calculation reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerpEntry<'a> {
    /// Its market.
    pub market: &'a DriftPerpMarket,
    /// The position.
    pub position: DriftPerpPosition,
    /// The perp's oracle price.
    pub oracle_price: i64,
    /// The quote asset's price.
    pub strict_quote_price: StrictOraclePrice,
    /// For an isolated position, the strict value of its isolated quote
    /// deposit (micro-USD); `None` for a cross position.
    pub isolated_deposit_value: Option<i128>,
}

/// A margin calculation's totals (`MarginCalculation`, or one
/// `IsolatedMarginCalculation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarginFigures {
    /// Total collateral, micro-USD.
    pub total_collateral: i128,
    /// Margin requirement, micro-USD.
    pub margin_requirement: u128,
    /// The buffer on negative collateral contributions (≤ 0); 0 without a
    /// buffer.
    pub total_collateral_buffer: i128,
    /// Requirement plus `liability value × buffer`; 0 without a buffer (as
    /// Drift leaves it).
    pub margin_requirement_plus_buffer: u128,
}

impl MarginFigures {
    /// `total_collateral + total_collateral_buffer`.
    pub fn total_collateral_plus_buffer(&self) -> Result<i128> {
        num::add(self.total_collateral, self.total_collateral_buffer)
    }

    /// `total_collateral ≥ margin_requirement`.
    #[must_use]
    pub fn meets_margin_requirement(&self) -> bool {
        i128::try_from(self.margin_requirement).is_ok_and(|r| self.total_collateral >= r)
    }

    fn add_collateral(&mut self, v: i128, buffer: u32) -> Result<()> {
        self.total_collateral = num::add(self.total_collateral, v)?;
        if buffer > 0 && v < 0 {
            let b = num::div_round(num::mul(v, i128::from(buffer))?, WEIGHT_PRECISION_I128, Rounding::TowardZero)?;
            self.total_collateral_buffer = num::add(self.total_collateral_buffer, b)?;
        }
        Ok(())
    }

    fn add_requirement(&mut self, requirement: u128, liability_value: u128, buffer: u32) -> Result<()> {
        self.margin_requirement = ov(self.margin_requirement.checked_add(requirement))?;
        if buffer > 0 {
            let b = div_u(ov(liability_value.checked_mul(u128::from(buffer)))?, WEIGHT_PRECISION_U128)?;
            self.margin_requirement_plus_buffer = ov(self.margin_requirement_plus_buffer.checked_add(ov(requirement.checked_add(b))?))?;
        }
        Ok(())
    }
}

/// The cross-margin part of Drift's
/// `calculate_margin_requirement_and_total_collateral_and_liability_info`:
/// every spot position and every cross perp (isolated perps are skipped:
/// see [`isolated_margin_calculation`]).
pub fn cross_margin_calculation(spots: &[SpotEntry<'_>], perps: &[PerpEntry<'_>], ctx: &MarginContext) -> Result<MarginFigures> {
    let mut m = MarginFigures::default();
    let buffer = ctx.margin_buffer;
    for s in spots {
        if s.is_quote_market {
            let value = get_strict_token_value(s.token_amount, s.market.decimals, &s.price)?;
            if s.token_amount >= 0 {
                m.add_collateral(value, buffer)?;
            } else {
                m.add_requirement(value.unsigned_abs(), value.unsigned_abs(), buffer)?;
            }
            continue;
        }
        let sim = s
            .market
            .get_worst_case_fill_simulation(s.token_amount, s.open_bids, s.open_asks, &s.price, ctx.kind)?
            .apply_user_custom_margin_ratio(s.market, s.price.current, ctx.custom_ratio())?;
        m.add_requirement(ov(u128::from(s.open_orders).checked_mul(OPEN_ORDER_MARGIN_REQUIREMENT))?, 0, buffer)?;
        match sim.token_value.signum() {
            1 => m.add_collateral(sim.weighted_token_value, buffer)?,
            -1 => m.add_requirement(sim.weighted_token_value.unsigned_abs(), sim.token_value.unsigned_abs(), buffer)?,
            _ => {}
        }
        match sim.orders_value.signum() {
            1 => m.add_collateral(sim.orders_value, buffer)?,
            -1 => m.add_requirement(sim.orders_value.unsigned_abs(), sim.orders_value.unsigned_abs(), buffer)?,
            _ => {}
        }
    }
    for p in perps.iter().filter(|p| p.isolated_deposit_value.is_none()) {
        let v = calculate_perp_position_value_and_pnl(
            &p.position,
            p.market,
            p.oracle_price,
            &p.strict_quote_price,
            ctx.kind,
            ctx.custom_ratio(),
        )?;
        m.add_requirement(v.margin_requirement, v.worst_case_liability_value, buffer)?;
        m.add_collateral(v.weighted_unrealized_pnl, buffer)?;
    }
    Ok(m)
}

/// An isolated perp's own calculation (`add_isolated_margin_calculation`):
/// collateral = its deposit value + its weighted pnl, requirement = its
/// margin requirement; the buffer on a negative pnl and on its liability
/// value. [`Error::OutOfRange`] for a cross position.
pub fn isolated_margin_calculation(p: &PerpEntry<'_>, ctx: &MarginContext) -> Result<MarginFigures> {
    let deposit = p.isolated_deposit_value.ok_or(Error::OutOfRange)?;
    let v =
        calculate_perp_position_value_and_pnl(&p.position, p.market, p.oracle_price, &p.strict_quote_price, ctx.kind, ctx.custom_ratio())?;
    let buffer = ctx.margin_buffer;
    let total_collateral_buffer = if buffer > 0 && v.weighted_unrealized_pnl < 0 {
        num::div_round(num::mul(v.weighted_unrealized_pnl, i128::from(buffer))?, WEIGHT_PRECISION_I128, Rounding::TowardZero)?
    } else {
        0
    };
    let margin_requirement_plus_buffer = if buffer > 0 {
        ov(v.margin_requirement
            .checked_add(div_u(ov(v.worst_case_liability_value.checked_mul(u128::from(buffer)))?, WEIGHT_PRECISION_U128)?))?
    } else {
        0
    };
    Ok(MarginFigures {
        total_collateral: num::add(deposit, v.weighted_unrealized_pnl)?,
        margin_requirement: v.margin_requirement,
        total_collateral_buffer,
        margin_requirement_plus_buffer,
    })
}
