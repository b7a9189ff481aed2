//! dYdX v4's own liquidation arithmetic, exact to the quantum.
//!
//! dYdX v4 is a cross-margined perpetuals exchange whose matching engine and
//! risk engine are one Cosmos chain. Every number is an integer: sizes are in
//! **base quantums** (`10^atomic_resolution` of a coin), cash in **quote
//! quantums** (`10^-6` USDC), prices of orders in **subticks**. The chain
//! computes with Go's `math/big`, so nothing overflows and every division
//! names its rounding. This module reimplements those functions in `i128`
//! (with a 256-bit intermediate product where one can exceed `i128`), so an
//! engine can reproduce dYdX's figures bit for bit, or run dYdX's rules on its
//! own markets.
//!
//! # The finance, one function at a time
//!
//! * **Notional** ([`base_to_quote_quantums`]):
//!   `quote = base × price × 10^(price_exponent + atomic_resolution + 6)`,
//!   truncated toward zero when the exponent is negative (a short's notional
//!   rounds up, a long's down). [`quote_to_base_quantums`] is its inverse, also
//!   truncated.
//! * **Margin** ([`DydxPerpetual::margin_requirements`]): a liquidity tier has
//!   an initial margin fraction (IMF) and a *maintenance fraction* — the
//!   maintenance requirement is a fraction **of the initial requirement**, not
//!   of the notional, and it is rounded up twice:
//!   `MMR = ⌈⌈notional × IMF⌉ × MF⌉` (both in ppm). The initial requirement
//!   grows with the market's open interest (OI): below `lower_cap` the IMF is
//!   the base one, above `upper_cap` it is 100 %, and in between it rises
//!   linearly, `IMF + ⌊(1 − IMF) × (OI − lower) / (upper − lower)⌋`
//!   ([`LiquidityTier::adjusted_initial_margin_ppm`]). The maintenance
//!   requirement always uses the base IMF. A subaccount is liquidatable when
//!   `MMR > 0` and its net collateral `NC < MMR` ([`Risk::is_liquidatable`]).
//! * **Bankruptcy price** ([`bankruptcy_price_quote_quantums`]): the cash a
//!   subaccount must receive (negative: may pay at most) for a close of
//!   `delta` so that the closed units take exactly their share of the
//!   subaccount's equity with them — their share being the fraction of the
//!   total maintenance requirement they carry:
//!   `−ΔNNV − ⌊TNC × |ΔMMR| / TMMR⌋`, where ΔNNV is the change of the
//!   position's net notional and ΔMMR of its maintenance requirement. Fill
//!   better than it and the insurance fund collects a fee; worse and the
//!   insurance fund pays.
//! * **Fillable price** ([`fillable_price`]): the worst price a liquidation
//!   order may take, an exact fraction in quote quantums per base quantum:
//!   `(PNNV − ABR × SMMR × PMMR) / PS` with the *adjusted bankruptcy rating*
//!   `ABR = clamp(BA × (1 − TNC / TMMR), 0, 1)`. A subaccount far from bankrupt
//!   liquidates near the oracle price; one at or past bankruptcy may give up to
//!   `SMMR × PMMR` of spread. [`fillable_price_to_subticks`] turns it into an
//!   order price: a sell (closing a long) rounds **up** to the subtick and to
//!   the tick, a buy rounds **down**, and the result is clamped to
//!   `[subticks_per_tick, u64::MAX − u64::MAX % subticks_per_tick]`.
//! * **Insurance fund delta** ([`liquidation_insurance_fund_delta`]): the
//!   fill's cash minus the bankruptcy cash. At or below zero the insurance fund
//!   covers the loss; above zero the subaccount pays the smaller of that and
//!   the maximum liquidation fee `⌊|cash| × max_fee_ppm⌋`.
//! * **How much to liquidate** ([`max_and_min_position_notional_liquidatable`],
//!   [`liquidatable_position_size_delta`]): per position, at least
//!   `min(min_notional, |notional|)` and at most
//!   `max(min, ⌊|notional| × max_portion⌋)`; per subaccount and block, at most
//!   what is left of `max_notional_liquidated`. The smaller limit is converted
//!   to base quantums (truncated), **rounded down to the step**, and clamped to
//!   `[step, |position|]`; the whole position is closed when its notional is
//!   within the limit or it is no larger than one step.
//!
//! # Sources
//!
//! Formulas learnt from `dydxprotocol/v4-chain` at commit
//! `84d4664bae71e3a077adaac67fb77ad19cd28d30` (branch `main`, 2026-03-04);
//! no Go code is copied, the Rust is our own:
//!
//! * `protocol/x/clob/keeper/liquidations.go` — `GetBankruptcyPriceInQuoteQuantums`,
//!   `GetFillablePrice`, `GetLiquidationInsuranceFundDelta`,
//!   `GetLiquidatablePositionSizeDelta`, `GetSubaccountMaxNotionalLiquidatable`,
//!   `GetSubaccountMaxInsuranceLost`, `GetMaxAndMinPositionNotionalLiquidatable`,
//!   `ConvertFillablePriceToSubticks`;
//! * `protocol/x/perpetuals/lib/lib.go` — `GetMarginRequirementsInQuoteQuantums`,
//!   `GetNetNotionalInQuoteQuantums`, `GetPositionNetNotionalValueAndMarginRequirements`,
//!   `GetNetCollateralAndMarginRequirements`;
//! * `protocol/x/perpetuals/types/liquidity_tier.go` — `GetAdjustedInitialMarginPpm`,
//!   `GetInitialMarginQuoteQuantums`, `GetMaintenanceMarginPpm`;
//! * `protocol/lib/margin/risk.go` — `Risk`, `IsLiquidatable`,
//!   `IsInitialCollateralized`, `IsMaintenanceCollateralized`;
//! * `protocol/lib/quantums.go` — `BaseToQuoteQuantums`, `QuoteToBaseQuantums`;
//! * `protocol/x/clob/types/quantums.go` — `FillAmountToQuoteQuantums`;
//! * `protocol/lib/big_math.go` — `BigMulPpm`, `BigIntMulPpm`, `BigDivCeil`,
//!   `BigRatRound`, `BigIntRoundToMultiple`, `BigUint64Clamp`;
//! * `protocol/x/clob/types/liquidations_config_keeper.go` and
//!   `liquidations_config.go` — the code default and validation of the
//!   liquidations config; `protocol/testing/mainnet/genesis.json` — mainnet's.
//!
//! `tests/dydx_v4.rs` replays dYdX's own unit-test tables against this module.
//!
//! # Exactness and range
//!
//! Go's `big.Int` never overflows; `i128` can. Every function here is
//! checked: it returns either dYdX's exact figure or [`Error::Overflow`],
//! never a wrapped or rounded-differently value. Products that may leave
//! `i128` while the result does not (`base × price`, `TNC × |ΔMMR|`,
//! `notional × ppm`, `subticks × fill`) are formed in 256 bits, so:
//!
//! * [`base_to_quote_quantums`], [`quote_to_base_quantums`],
//!   [`fill_amount_to_quote_quantums`] and [`big_mul_ppm`] are `Ok`
//!   **exactly when** the result fits `i128` (for any `|base| < 2^127`, any
//!   `u64` price and any exponent); the margin requirements exactly when the
//!   position's notional, the open-interest notional and the requirements
//!   fit. E.g. dYdX's own extreme row, `u64::MAX` base quantums at a price of
//!   `u64::MAX` (a product of 2^128), is exact.
//! * [`bankruptcy_price_quote_quantums`] is exact whenever the subaccount's
//!   figures (TNC, TMMR, the position's notional) fit `i128`.
//! * [`fillable_price`] keeps its fractions in lowest terms (cross-cancelling
//!   before every product). Every numerator and denominator it forms is at
//!   most `max(BA × (TMMR + |TNC|), 10^12 × TMMR × max(|PS|, |PNNV| + PMMR × SMMR / 10^6))`
//!   in magnitude, so it is exact whenever that bound is below `2^127` — e.g.
//!   TMMR, PMMR, |PNNV| ≤ 10^12 quote quantums ($1M), |PS| ≤ 10^13 base
//!   quantums, SMMR ≤ 10^7 ppm (bound ≈ 1.1·10^37). Beyond, it is still exact
//!   unless a reduced fraction does not fit, which is [`Error::Overflow`].
//!
//! Where Go panics (division by zero, a negative fillable price, a broken
//! invariant), these functions return an error value instead; see each one.
//! Funding is assumed settled: pass quote balances after funding.
//!
//! A caller holding its positions with 64-bit figures, laid out as C lays
//! them out ([`DydxPosition64`], [`Risk64`]: the C ABI), passes them in place
//! to the `*_64` forms ([`bankruptcy_price_quote_quantums_64`],
//! [`liquidatable_position_size_delta_64`]) or the fields alone to
//! [`position_notional_limits_of`]: one body with the `DydxPosition` forms,
//! each field widened as it is read, so the same value for the widened
//! position.

use core::borrow::Borrow;
use core::cmp::Ordering;

use crate::error::{Error, Result};
use crate::num::{self, Rounding};

/// One million: the denominator of every ppm figure.
pub const ONE_MILLION: u32 = 1_000_000;

const ONE_MILLION_I: i128 = 1_000_000;

/// dYdX's quote currency (USDC) atomic resolution: one quote quantum is
/// `10^-6` USDC (`protocol/lib/constants.go`).
pub const QUOTE_CURRENCY_ATOMIC_RESOLUTION: i32 = -6;

// ---------------------------------------------------------------------------
// Integer helpers (protocol/lib/big_math.go)
// ---------------------------------------------------------------------------

/// `val × ppm / 1,000,000`, rounded up (`round_up`) or down (toward −∞):
/// dYdX's `BigMulPpm`. 256-bit intermediate; `Ok` exactly when the result
/// fits `i128`.
pub fn big_mul_ppm(val: i128, ppm: i128, round_up: bool) -> Result<i128> {
    let rounding = if round_up { Rounding::Ceil } else { Rounding::Floor };
    // 10^6: a shift and a multiply when both factors fit u64.
    num::mul_div_pow10(val, ppm, 6, rounding)
}

/// `input × ppm / 1,000,000` rounded toward −∞: dYdX's `BigIntMulPpm`.
pub fn big_int_mul_ppm(input: i128, ppm: u32) -> Result<i128> {
    big_mul_ppm(input, i128::from(ppm), false)
}

/// `⌈a / b⌉`: dYdX's `BigDivCeil` (truncated quotient, plus one when there is
/// a remainder and the exact quotient is positive — the ceiling for every
/// sign). [`Error::DivisionByZero`] when `b == 0` (Go panics).
pub fn big_div_ceil(a: i128, b: i128) -> Result<i128> {
    num::div_round(a, b, Rounding::Ceil)
}

/// A rational number rounded to an integer, up (`round_up`) or down (toward
/// −∞): dYdX's `BigRatRound`.
pub fn big_rat_round(value: Rational, round_up: bool) -> Result<i128> {
    let rounding = if round_up { Rounding::Ceil } else { Rounding::Floor };
    num::div_round(value.num, value.den, rounding)
}

/// `n` rounded to a multiple of `multiple`, up (`round_up`) or down (toward
/// −∞): dYdX's `BigIntRoundToMultiple`. [`Error::OutOfRange`] when
/// `multiple ≤ 0` (Go panics).
pub fn big_int_round_to_multiple(n: i128, multiple: i128, round_up: bool) -> Result<i128> {
    if multiple <= 0 {
        return Err(Error::OutOfRange);
    }
    let rounding = if round_up { Rounding::Ceil } else { Rounding::Floor };
    num::mul(num::div_round(n, multiple, rounding)?, multiple)
}

/// `n` clamped to `[lower, upper]` as a `u64`: dYdX's `BigUint64Clamp`. When
/// the bounds overlap (`lower > upper`) it returns `lower` if `n < lower` and
/// `upper` otherwise, as dYdX does.
#[must_use]
pub fn big_uint64_clamp(n: i128, lower: u64, upper: u64) -> u64 {
    if n < i128::from(lower) {
        lower
    } else if n > i128::from(upper) {
        upper
    } else {
        // lower ≤ n ≤ upper ≤ u64::MAX: always fits.
        u64::try_from(n).unwrap_or(upper)
    }
}

/// `a × b / 10^k` for `k ≥ 1`, rounded as named, with a 256-bit product.
/// Nested divisions by positive divisors compose for floor, ceiling and
/// truncation, so `k > 38` is handled in two steps. Exact for any `a`, `b`
/// with `|a × b| < 2^165` (always the case for callers here: one factor is
/// below `2^64`).
fn mul_div_pow10(a: i128, b: i128, k: u64, rounding: Rounding) -> Result<i128> {
    if let Ok(k) = u32::try_from(k) {
        if k <= 38 {
            return num::mul_div_pow10(a, b, k, rounding);
        }
    }
    let q1 = num::mul_div_wide(a, b, num::pow10(38)?, rounding)?;
    let rest = k.checked_sub(38).ok_or(Error::Overflow)?;
    if let Some(p) = u32::try_from(rest).ok().and_then(|k| 10i128.checked_pow(k)) {
        return num::div_round(q1, p, rounding);
    }
    // |q1| < 2^127 < 10^39 ≤ 10^rest: the exact quotient lies in (−1, 1).
    Ok(match rounding {
        Rounding::Floor if q1 < 0 => -1,
        Rounding::Ceil if q1 > 0 => 1,
        Rounding::Floor | Rounding::Ceil | Rounding::TowardZero => 0,
    })
}

/// The magnitude of [`base_to_quote_quantums`] of a magnitude `q`, when it
/// fits `u64`: the product `q × price` is one `u64 × u64 → u128`
/// multiplication; `× 10^e` for `e ≥ 0`, else truncated by `10^−e` (the
/// truncation toward zero is symmetric in the sign) with the shift and
/// constant-divisor division of `num::div_pow10_mag`. `None` when the
/// result does not fit `u64`. The general form of [`notional_u64_fast`],
/// out of line.
#[inline(never)]
#[cold]
fn notional_u64(q: u64, price: u64, e: i64) -> Option<u64> {
    let product = u128::from(q).wrapping_mul(u128::from(price));
    if e >= 0 {
        let k = u32::try_from(e).ok()?;
        u64::try_from(product.checked_mul(10u128.checked_pow(k)?)?).ok()
    } else {
        let k = u32::try_from(e.unsigned_abs()).unwrap_or(u32::MAX);
        u64::try_from(num::div_pow10_mag(product, k).0).ok()
    }
}

/// `⌊x / 5^k⌋` for `1 ≤ k ≤ 27` (`5^27 < 2^64`), `None` for any other `k`.
/// Each arm divides by a constant, which compiles to a multiply-high and a
/// shift: the exponent, known only at run time, picks one of 27 constant
/// divisions (one predictable indirect jump) instead of a division
/// instruction or a `u128` library call.
#[inline(always)]
fn div_pow5_u64(x: u64, k: u32) -> Option<u64> {
    macro_rules! arms {
        ($($k:literal => $d:literal),* $(,)?) => {
            match k {
                $($k => Some(x.wrapping_div($d)),)*
                _ => None,
            }
        };
    }
    arms!(
        1 => 5, 2 => 25, 3 => 125, 4 => 625, 5 => 3_125, 6 => 15_625, 7 => 78_125,
        8 => 390_625, 9 => 1_953_125, 10 => 9_765_625, 11 => 48_828_125, 12 => 244_140_625,
        13 => 1_220_703_125, 14 => 6_103_515_625, 15 => 30_517_578_125, 16 => 152_587_890_625,
        17 => 762_939_453_125, 18 => 3_814_697_265_625, 19 => 19_073_486_328_125,
        20 => 95_367_431_640_625, 21 => 476_837_158_203_125, 22 => 2_384_185_791_015_625,
        23 => 11_920_928_955_078_125, 24 => 59_604_644_775_390_625, 25 => 298_023_223_876_953_125,
        26 => 1_490_116_119_384_765_625, 27 => 7_450_580_596_923_828_125,
    )
}

/// [`notional_u64`] with its common case inline: for `−27 ≤ e ≤ −1` and
/// `⌊q × price / 2^−e⌋ < 2^64` (every realistic dYdX market: a notional up
/// to `5^−e × 2^64` quote quantums), `⌊q × price / 10^−e⌋ =
/// ⌊⌊q × price / 2^−e⌋ / 5^−e⌋` (truncated divisions by positive divisors
/// compose) is one `u64 × u64 → u128` multiply, a shift and one constant
/// division ([`div_pow5_u64`]), and always fits `u64`. Any other case
/// (`e ≥ 0`, `e < −27`, a wider shifted product) takes [`notional_u64`].
/// Same value as [`notional_u64`] for every input.
#[inline(always)]
fn notional_u64_fast(q: u64, price: u64, e: i64) -> Option<u64> {
    let product = u128::from(q).wrapping_mul(u128::from(price));
    if let Ok(k @ 1..=27) = u32::try_from(e.unsigned_abs()) {
        if e < 0 {
            // 1 ≤ k ≤ 27: the shift is in range.
            if let Ok(shifted) = u64::try_from(product.wrapping_shr(k)) {
                return div_pow5_u64(shifted, k);
            }
        }
    }
    notional_u64(q, price, e)
}

/// `⌈x × ppm / 10^6⌉` in `u64` for `ppm ≤ 10^6` (dYdX's `BigMulPpm`
/// rounded up, for non-negative figures): with `x = 10^6 a + b`, it is
/// `a × ppm + ⌈b × ppm / 10^6⌉` (`a × ppm ≤ x`, `b × ppm < 10^12`), two
/// divisions by the constant `10^6`. `None` when `ppm > 10^6`.
#[inline(always)]
fn mul_ppm_ceil_u64(x: u64, ppm: u32) -> Option<u64> {
    if ppm > ONE_MILLION {
        return None;
    }
    Some(mul_ppm_ceil_u64_unit(x, ppm))
}

/// [`mul_ppm_ceil_u64`] for a fraction the caller has proven `≤ 10^6`, with
/// no check: `a × ppm ≤ ⌊x / 10^6⌋ × 10^6 ≤ x`, `b × ppm < 10^12`, and the
/// result `⌈x × ppm / 10^6⌉ ≤ x` (an integer no smaller than a value
/// `≤ x`'s ceiling), so no operation can wrap. A larger `ppm` gives a
/// meaningless (but defined) value.
#[inline(always)]
fn mul_ppm_ceil_u64_unit(x: u64, ppm: u32) -> u64 {
    const M: u64 = 1_000_000;
    let ppm = u64::from(ppm);
    let (a, b) = (x.wrapping_div(M), x.wrapping_rem(M));
    let bp = b.wrapping_mul(ppm);
    let tail = bp.wrapping_div(M).wrapping_add(u64::from(bp.wrapping_rem(M) != 0));
    a.wrapping_mul(ppm).wrapping_add(tail)
}

/// `10^k` for `0 ≤ k ≤ 19` (`10^19 < 2^64`).
const POW10_U64: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// Where the open-interest notional `n = ±⌊|oi| × price / 10^−e⌋` (sign
/// `negative`) lies against a scaled tier's caps: `Less` for `n ≤ lower`
/// (the base fraction), `Greater` for `n ≥ upper` (100 %), `Equal` for the
/// interpolating band between, exactly as
/// [`LiquidityTier::adjusted_initial_margin_ppm`] chooses.
///
/// For `−19 ≤ e ≤ −1` no division is needed: with `P = |oi| × price` and
/// `D = 10^−e`, `⌊P / D⌋ ≤ lower ⟺ P < (lower + 1) × D` and
/// `⌊P / D⌋ ≥ upper ⟺ P ≥ upper × D`, each threshold below `2^64 × 10^19
/// < 2^128`; a negative open interest has `n ≤ 0 ≤ lower`. Any other
/// exponent converts the notional ([`notional_u64`], `None` when it does
/// not fit `u64`).
#[inline(always)]
fn open_interest_band(oi: u64, negative: bool, price: u64, e: i64, tier: &LiquidityTier) -> Option<Ordering> {
    let (lower, upper) = (tier.open_interest_lower_cap, tier.open_interest_upper_cap);
    if e < 0 {
        if let Some(&d) = usize::try_from(e.unsigned_abs()).ok().and_then(|k| POW10_U64.get(k)) {
            if negative {
                return Some(Ordering::Less);
            }
            let (p, d) = (u128::from(oi).wrapping_mul(u128::from(price)), u128::from(d));
            // (lower + 1) × d ≤ 2^64 × 10^19 < 2^128; upper × d likewise.
            return Some(if p < u128::from(lower).wrapping_add(1).wrapping_mul(d) {
                Ordering::Less
            } else if p >= u128::from(upper).wrapping_mul(d) {
                Ordering::Greater
            } else {
                Ordering::Equal
            });
        }
    }
    let mag = i128::from(notional_u64(oi, price, e)?);
    let n = if negative { mag.wrapping_neg() } else { mag };
    Some(if n <= i128::from(lower) {
        Ordering::Less
    } else if n >= i128::from(upper) {
        Ordering::Greater
    } else {
        Ordering::Equal
    })
}

/// `price_exponent + atomic_resolution − QUOTE_CURRENCY_ATOMIC_RESOLUTION`
/// (computed in `i64`, so it never wraps).
#[inline(always)]
fn conversion_exponent(atomic_resolution: i32, price_exponent: i32) -> i64 {
    i64::from(price_exponent).saturating_add(i64::from(atomic_resolution)).saturating_sub(i64::from(QUOTE_CURRENCY_ATOMIC_RESOLUTION))
}

/// Base quantums to quote quantums at an oracle price: dYdX's
/// `BaseToQuoteQuantums`.
///
/// `base × price × 10^(price_exponent + atomic_resolution + 6)`; when the
/// exponent is negative the division **truncates toward zero** (so a negative
/// notional rounds up). Signed: a short's notional is negative.
///
/// `Ok` exactly when the result fits `i128` (256-bit intermediate), for any
/// `base`, price and exponents.
pub fn base_to_quote_quantums(base: i128, atomic_resolution: i32, price: u64, price_exponent: i32) -> Result<i128> {
    let e = conversion_exponent(atomic_resolution, price_exponent);
    let p = i128::from(price);
    if e >= 0 {
        let product = num::mul(base, p)?;
        if product == 0 {
            return Ok(0);
        }
        // |result| ≥ |product| ≥ 1, so an unrepresentable 10^e means overflow.
        let k = u32::try_from(e).map_err(|_| Error::Overflow)?;
        num::mul(product, num::pow10(k)?)
    } else {
        mul_div_pow10(base, p, e.unsigned_abs(), Rounding::TowardZero)
    }
}

/// Quote quantums to base quantums at an oracle price: dYdX's
/// `QuoteToBaseQuantums`.
///
/// `quote / price / 10^(price_exponent + atomic_resolution + 6)`, truncated
/// toward zero. [`Error::DivisionByZero`] when `price == 0` (Go panics).
/// `Ok` exactly when the result fits `i128`.
pub fn quote_to_base_quantums(quote: i128, atomic_resolution: i32, price: u64, price_exponent: i32) -> Result<i128> {
    if price == 0 {
        return Err(Error::DivisionByZero);
    }
    let p = i128::from(price);
    let e = conversion_exponent(atomic_resolution, price_exponent);
    if e < 0 {
        // quote × 10^k / price, truncated (the multiplication is exact in Go).
        let k = e.unsigned_abs();
        if let Some(p10) = u32::try_from(k).ok().and_then(|k| 10i128.checked_pow(k)) {
            return num::mul_div_wide(quote, p10, p, Rounding::TowardZero);
        }
        if quote == 0 {
            return Ok(0);
        }
        // 10^k = 10^38 × 10^(k − 38); if quote × 10^(k − 38) already overflows,
        // so does the result (price < 2^64 < 10^38 / 2^63).
        let rest = u32::try_from(k.checked_sub(38).ok_or(Error::Overflow)?).map_err(|_| Error::Overflow)?;
        let scaled = num::mul(quote, num::pow10(rest)?)?;
        num::mul_div_wide(scaled, num::pow10(38)?, p, Rounding::TowardZero)
    } else {
        let k = e.unsigned_abs();
        let q = match u32::try_from(k).ok().and_then(|k| 10i128.checked_pow(k)) {
            Some(p10) => num::div_round(quote, p10, Rounding::TowardZero)?,
            // |quote| < 10^39 ≤ 10^k: truncates to 0.
            None => 0,
        };
        num::div_round(q, p, Rounding::TowardZero)
    }
}

/// Quote quantums of a fill of `base_quantums` at `subticks`: dYdX's
/// `FillAmountToQuoteQuantums`, `subticks × base × 10^quantum_conversion_exponent`
/// rounded **down**. `Ok` exactly when the result fits `i128`.
pub fn fill_amount_to_quote_quantums(subticks: u64, base_quantums: u64, quantum_conversion_exponent: i32) -> Result<i128> {
    let (s, b) = (i128::from(subticks), i128::from(base_quantums));
    if quantum_conversion_exponent >= 0 {
        let product = num::mul(s, b)?;
        if product == 0 {
            return Ok(0);
        }
        num::mul(product, num::pow10(quantum_conversion_exponent.unsigned_abs())?)
    } else {
        mul_div_pow10(s, b, u64::from(quantum_conversion_exponent.unsigned_abs()), Rounding::Floor)
    }
}

// ---------------------------------------------------------------------------
// Exact fractions (Go's big.Rat)
// ---------------------------------------------------------------------------

/// An exact fraction in lowest terms with a positive denominator (Go's
/// `big.Rat`, as dYdX uses it for the fillable price). Two equal values have
/// equal `num` and `den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while let Some(r) = a.checked_rem(b) {
        a = b;
        b = r;
    }
    // b == 0 here: gcd(a, 0) = a.
    a
}

/// `±magnitude` as `i128`; the negative side reaches `i128::MIN` (magnitude
/// 2^127), which has no positive counterpart.
fn signed_from_magnitude(magnitude: u128, negative: bool) -> Result<i128> {
    if negative {
        0i128.checked_sub_unsigned(magnitude).ok_or(Error::Overflow)
    } else {
        i128::try_from(magnitude).map_err(|_| Error::Overflow)
    }
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// `num / den` in lowest terms. [`Error::DivisionByZero`] when `den == 0`.
    pub fn new(num: i128, den: i128) -> Result<Rational> {
        if den == 0 {
            return Err(Error::DivisionByZero);
        }
        let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
        let g = gcd(n, d); // ≥ 1 because d ≥ 1
        let n = n.checked_div(g).ok_or(Error::DivisionByZero)?;
        let d = d.checked_div(g).ok_or(Error::DivisionByZero)?;
        let negative = num != 0 && ((num < 0) != (den < 0));
        Ok(Rational { num: signed_from_magnitude(n, negative)?, den: signed_from_magnitude(d, false)? })
    }

    /// The integer `n` as a fraction.
    #[must_use]
    pub const fn from_int(n: i128) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// The numerator (sign of the value).
    #[must_use]
    pub const fn num(&self) -> i128 {
        self.num
    }

    /// The denominator, always ≥ 1.
    #[must_use]
    pub const fn den(&self) -> i128 {
        self.den
    }

    /// `self × other`, cross-cancelled before multiplying (so it overflows
    /// only if the reduced product does not fit).
    pub fn checked_mul(self, other: Rational) -> Result<Rational> {
        let g1 = gcd(self.num.unsigned_abs(), other.den.unsigned_abs()).max(1);
        let g2 = gcd(other.num.unsigned_abs(), self.den.unsigned_abs()).max(1);
        let g1 = i128::try_from(g1).map_err(|_| Error::Overflow)?;
        let g2 = i128::try_from(g2).map_err(|_| Error::Overflow)?;
        let div = |a: i128, g: i128| a.checked_div(g).ok_or(Error::Overflow);
        let n = num::mul(div(self.num, g1)?, div(other.num, g2)?)?;
        let d = num::mul(div(self.den, g2)?, div(other.den, g1)?)?;
        Rational::new(n, d)
    }

    /// `self − other` over the least common denominator.
    pub fn checked_sub(self, other: Rational) -> Result<Rational> {
        let g = i128::try_from(gcd(self.den.unsigned_abs(), other.den.unsigned_abs()).max(1)).map_err(|_| Error::Overflow)?;
        let other_den_g = other.den.checked_div(g).ok_or(Error::Overflow)?;
        let self_den_g = self.den.checked_div(g).ok_or(Error::Overflow)?;
        let n = num::sub(num::mul(self.num, other_den_g)?, num::mul(other.num, self_den_g)?)?;
        Rational::new(n, num::mul(self.den, other_den_g)?)
    }

    /// `self` clamped to `[0, 1]` (dYdX's `BigRatClamp(x, 0, 1)`).
    #[must_use]
    pub fn clamp_unit(self) -> Rational {
        if self.num < 0 {
            Rational::ZERO
        } else if self.num > self.den {
            Rational::ONE
        } else {
            self
        }
    }
}

// ---------------------------------------------------------------------------
// Margin (protocol/x/perpetuals, protocol/lib/margin)
// ---------------------------------------------------------------------------

/// A dYdX liquidity tier: the margin parameters a perpetual refers to.
/// (dYdX's `impact_notional` only matters for funding and is not carried.)
/// Laid out as C lays it out (it is a field of [`DydxPosition64`]).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiquidityTier {
    /// Base initial margin fraction, ppm (≤ 1,000,000).
    pub initial_margin_ppm: u32,
    /// Maintenance margin as a fraction **of the initial margin**, ppm
    /// (≤ 1,000,000).
    pub maintenance_fraction_ppm: u32,
    /// Open-interest notional (quote quantums) at or below which the initial
    /// margin fraction is the base one.
    pub open_interest_lower_cap: u64,
    /// Open-interest notional (quote quantums) at or above which the initial
    /// margin fraction is 100 %. `0` disables open-interest scaling.
    pub open_interest_upper_cap: u64,
}

impl LiquidityTier {
    /// dYdX's `LiquidityTier.Validate` (minus the impact notional):
    /// [`Error::FractionAbove100Percent`] when a fraction exceeds 1,000,000 ppm,
    /// [`Error::OutOfRange`] when the lower cap exceeds the upper cap.
    pub fn validate(&self) -> Result<()> {
        if self.initial_margin_ppm > ONE_MILLION || self.maintenance_fraction_ppm > ONE_MILLION {
            return Err(Error::FractionAbove100Percent);
        }
        if self.open_interest_lower_cap > self.open_interest_upper_cap {
            return Err(Error::OutOfRange);
        }
        Ok(())
    }

    /// The maintenance margin fraction of the notional, ppm, rounded down:
    /// `⌊IMF × MF / 10^6⌋` (dYdX's `GetMaintenanceMarginPpm`; used for funding
    /// clamps, **not** by the margin requirement, which rounds twice up).
    /// [`Error::FractionAbove100Percent`] when the maintenance fraction exceeds
    /// 100 % (Go panics).
    pub fn maintenance_margin_ppm(&self) -> Result<u32> {
        if self.maintenance_fraction_ppm > ONE_MILLION {
            return Err(Error::FractionAbove100Percent);
        }
        let v = big_int_mul_ppm(i128::from(self.initial_margin_ppm), self.maintenance_fraction_ppm)?;
        u32::try_from(v).map_err(|_| Error::Overflow)
    }

    /// The initial margin fraction (ppm) at an open-interest notional of
    /// `oi_quote_quantums`: dYdX's `GetAdjustedInitialMarginPpm`.
    ///
    /// Base IMF when the upper cap is 0 or `OI ≤ lower`; 100 % when
    /// `OI ≥ upper`; in between `IMF + ⌊(10^6 − IMF) × (OI − lower) / (upper − lower)⌋`.
    /// Where Go panics on a broken invariant in the interpolating branch this
    /// returns [`Error::FractionAbove100Percent`] (IMF > 100 %) or
    /// [`Error::OutOfRange`].
    pub fn adjusted_initial_margin_ppm(&self, oi_quote_quantums: i128) -> Result<u32> {
        let upper = i128::from(self.open_interest_upper_cap);
        let lower = i128::from(self.open_interest_lower_cap);
        if upper == 0 || oi_quote_quantums <= lower {
            return Ok(self.initial_margin_ppm);
        }
        if oi_quote_quantums >= upper {
            return Ok(ONE_MILLION);
        }
        // lower < OI < upper.
        if lower > upper {
            return Err(Error::OutOfRange);
        }
        if self.initial_margin_ppm > ONE_MILLION {
            return Err(Error::FractionAbove100Percent);
        }
        let scale = num::sub(ONE_MILLION_I, i128::from(self.initial_margin_ppm))?;
        let increase = num::mul_div_wide(scale, num::sub(oi_quote_quantums, lower)?, num::sub(upper, lower)?, Rounding::Floor)?;
        let total = num::add(increase, i128::from(self.initial_margin_ppm))?;
        u32::try_from(total).map_err(|_| Error::Overflow)
    }

    /// Initial margin requirement of a notional, rounded up: dYdX's
    /// `GetInitialMarginQuoteQuantums`, `⌈quote × IMF' / 10^6⌉` where `IMF'`
    /// is the open-interest-adjusted fraction, raised to `custom_imf_ppm` when
    /// that is positive and larger.
    pub fn initial_margin_quote_quantums(&self, quote_quantums: i128, oi_quote_quantums: i128, custom_imf_ppm: u32) -> Result<i128> {
        let mut imf = self.adjusted_initial_margin_ppm(oi_quote_quantums)?;
        if custom_imf_ppm > 0 {
            imf = imf.max(custom_imf_ppm);
        }
        big_mul_ppm(quote_quantums, i128::from(imf), true)
    }
}

/// A dYdX oracle price: one full coin is worth `price × 10^exponent` full
/// quote coins (USDC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarketPrice {
    /// Price mantissa.
    pub price: u64,
    /// Decimal exponent.
    pub exponent: i32,
}

/// A dYdX perpetual: its size unit, open interest and liquidity tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DydxPerpetual {
    /// Perpetual id (used by the per-block "already liquidated" check).
    pub id: u32,
    /// One base quantum is `10^atomic_resolution` coins (BTC: −10 on
    /// mainnet, −8 in dYdX's tests).
    pub atomic_resolution: i32,
    /// Open interest in base quantums (scales the initial margin).
    pub open_interest: i128,
    /// The liquidity tier's margin parameters.
    pub liquidity_tier: LiquidityTier,
}

/// Margin figures of a position or a subaccount, in quote quantums: dYdX's
/// `margin.Risk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Risk {
    /// Maintenance margin requirement.
    pub mmr: i128,
    /// Initial margin requirement.
    pub imr: i128,
    /// Net collateral.
    pub nc: i128,
}

impl Risk {
    /// Field-wise sum (dYdX's `AddInPlace`), checked.
    #[inline]
    pub fn checked_add(self, other: Risk) -> Result<Risk> {
        Ok(Risk { mmr: num::add(self.mmr, other.mmr)?, imr: num::add(self.imr, other.imr)?, nc: num::add(self.nc, other.nc)? })
    }

    /// `NC ≥ IMR`.
    #[must_use]
    pub fn is_initial_collateralized(&self) -> bool {
        self.nc >= self.imr
    }

    /// `NC ≥ MMR`.
    #[must_use]
    pub fn is_maintenance_collateralized(&self) -> bool {
        self.nc >= self.mmr
    }

    /// `MMR > 0` and `MMR > NC`: dYdX's liquidation trigger.
    #[must_use]
    pub fn is_liquidatable(&self) -> bool {
        self.mmr > 0 && self.mmr > self.nc
    }
}

impl DydxPerpetual {
    /// Signed notional of `quantums` (longs positive): dYdX's
    /// `GetNetNotionalInQuoteQuantums` / keeper `GetNetNotional`.
    pub fn net_notional(&self, price: MarketPrice, quantums: i128) -> Result<i128> {
        base_to_quote_quantums(quantums, self.atomic_resolution, price.price, price.exponent)
    }

    /// Base quantums worth `quote_quantums`: keeper `GetNotionalInBaseQuantums`.
    pub fn notional_in_base_quantums(&self, price: MarketPrice, quote_quantums: i128) -> Result<i128> {
        quote_to_base_quantums(quote_quantums, self.atomic_resolution, price.price, price.exponent)
    }

    /// Initial and maintenance margin requirement `(IMR, MMR)` of a position
    /// of `quantums` (either sign): dYdX's `GetMarginRequirementsInQuoteQuantums`.
    ///
    /// `notional = |base_to_quote(|quantums|)|`;
    /// `MMR = ⌈⌈notional × IMF⌉ × MF⌉` with the **base** IMF;
    /// `IMR = ⌈notional × max(IMF(OI), custom)⌉` with the open-interest
    /// adjusted fraction (`custom_imf_ppm = 0`: none).
    pub fn margin_requirements(&self, price: MarketPrice, quantums: i128, custom_imf_ppm: u32) -> Result<(i128, i128)> {
        let abs = quantums.checked_abs().ok_or(Error::Overflow)?;
        let notional = self.net_notional(price, abs)?;
        self.margin_of_notional(price, notional, custom_imf_ppm)
    }

    /// [`Self::margin_requirements`] of a position whose absolute notional
    /// `notional` (`base_to_quote(|quantums|)`) is known.
    fn margin_of_notional(&self, price: MarketPrice, notional: i128, custom_imf_ppm: u32) -> Result<(i128, i128)> {
        let oi_notional = self.net_notional(price, self.open_interest)?;
        let tier = &self.liquidity_tier;
        let base_imr = tier.initial_margin_quote_quantums(notional, 0, 0)?;
        let mmr = big_mul_ppm(base_imr, i128::from(tier.maintenance_fraction_ppm), true)?;
        // The adjusted fraction is the base one (no open-interest scaling in
        // effect, no larger custom fraction): the same product again.
        let imr = if custom_imf_ppm <= tier.initial_margin_ppm && tier.adjusted_initial_margin_ppm(oi_notional)? == tier.initial_margin_ppm
        {
            base_imr
        } else {
            tier.initial_margin_quote_quantums(notional, oi_notional, custom_imf_ppm)?
        };
        Ok((imr, mmr))
    }

    /// Net notional and margin of a position **without** its quote balance:
    /// dYdX's `GetPositionNetNotionalValueAndMarginRequirements`.
    ///
    /// Takes the 64-bit path ([`Self::position_risk_u64`]) when every operand
    /// provably fits, the exact `i128` path
    /// ([`Self::position_net_notional_value_and_margin_exact`]) otherwise;
    /// the two agree wherever the 64-bit path answers.
    #[inline(always)]
    pub fn position_net_notional_value_and_margin(&self, price: MarketPrice, quantums: i128, custom_imf_ppm: u32) -> Result<Risk> {
        match self.position_risk_u64(price, quantums, custom_imf_ppm) {
            Some(risk) => Ok(risk),
            None => Self::exact_by_value(*self, price, quantums, custom_imf_ppm),
        }
    }

    /// The exact path out of line, the perpetual taken by value: the copy is
    /// made on this cold path only, so a caller that builds the perpetual
    /// from scalars (the C ABI) keeps it in registers on the 64-bit path.
    #[cold]
    #[inline(never)]
    fn exact_by_value(perpetual: DydxPerpetual, price: MarketPrice, quantums: i128, custom_imf_ppm: u32) -> Result<Risk> {
        perpetual.position_net_notional_value_and_margin_exact(price, quantums, custom_imf_ppm)
    }

    /// The whole-position 64-bit path of
    /// [`Self::position_net_notional_value_and_margin`]: `Some` exactly the
    /// exact path's `Ok` value, or `None` when it cannot prove the figures
    /// fit (the caller then takes the exact path).
    ///
    /// Checked narrowing first: `|quantums|` and `|open_interest|` to `u64`,
    /// the fractions to ≤ 100 %, the notional to `u64`. Then each figure is
    /// `u64` with divisions by constants only: `notional = ⌊⌊|quantums| ×
    /// price / 2^k⌋ / 5^k⌋` (`k = −e`; one of 27 constant divisions chosen by
    /// the exponent, or the general form out of line),
    /// `IMR_base = ⌈notional × IMF / 10^6⌉`, `MMR = ⌈IMR_base × MF / 10^6⌉`
    /// (no check: with both fractions ≤ 100 % neither product can wrap), and
    /// the initial requirement at the adjusted fraction (base, or 100 % at
    /// or above the upper cap, raised to a larger custom fraction). The
    /// open-interest notional is compared with the caps without being
    /// divided (`P < (lower + 1) × 10^k`, `P ≥ upper × 10^k` for
    /// `P = |OI| × price`, `k ≤ 19`). The interpolating open-interest band
    /// returns `None`. Inlined whole into its caller.
    #[must_use]
    #[inline(always)]
    pub fn position_risk_u64(&self, price: MarketPrice, quantums: i128, custom_imf_ppm: u32) -> Option<Risk> {
        let tier = &self.liquidity_tier;
        if tier.initial_margin_ppm > ONE_MILLION || tier.maintenance_fraction_ppm > ONE_MILLION {
            return None;
        }
        let e = conversion_exponent(self.atomic_resolution, price.exponent);
        let q = u64::try_from(quantums.unsigned_abs()).ok()?;
        let notional = notional_u64_fast(q, price.price, e)?;
        // Both fractions are ≤ 100 % (checked above): neither product wraps.
        let base_imr = mul_ppm_ceil_u64_unit(notional, tier.initial_margin_ppm);
        let mmr = mul_ppm_ceil_u64_unit(base_imr, tier.maintenance_fraction_ppm);
        let oi = u64::try_from(self.open_interest.unsigned_abs()).ok()?;
        let adjusted = if tier.open_interest_upper_cap == 0 {
            // The fraction ignores the open interest, but the exact path
            // still converts it: prove that conversion cannot fail (below
            // 10^0 it is at most |oi| × price / 10 < 2^127; at or above, the
            // same u64 product as the position's).
            if e >= 0 {
                notional_u64(oi, price.price, e)?;
            }
            tier.initial_margin_ppm
        } else {
            match open_interest_band(oi, self.open_interest < 0, price.price, e, tier)? {
                Ordering::Less => tier.initial_margin_ppm,
                Ordering::Greater => ONE_MILLION,
                Ordering::Equal => return None,
            }
        };
        let imf = if custom_imf_ppm > 0 { adjusted.max(custom_imf_ppm) } else { adjusted };
        let imr = if imf == tier.initial_margin_ppm { base_imr } else { mul_ppm_ceil_u64(notional, imf)? };
        let n = i128::from(notional);
        Some(Risk { mmr: i128::from(mmr), imr: i128::from(imr), nc: if quantums < 0 { n.wrapping_neg() } else { n } })
    }

    /// [`Self::position_net_notional_value_and_margin`] always on the exact
    /// `i128` path (256-bit intermediates): the reference the 64-bit path is
    /// tested against.
    #[inline(never)]
    pub fn position_net_notional_value_and_margin_exact(&self, price: MarketPrice, quantums: i128, custom_imf_ppm: u32) -> Result<Risk> {
        let nc = self.net_notional(price, quantums)?;
        // The notional of |quantums| is |nc|: the conversion truncates
        // toward zero, symmetric in the sign (and |quantums| overflows
        // exactly when quantums is i128::MIN).
        quantums.checked_abs().ok_or(Error::Overflow)?;
        let (imr, mmr) = self.margin_of_notional(price, nc.checked_abs().ok_or(Error::Overflow)?, custom_imf_ppm)?;
        Ok(Risk { mmr, imr, nc })
    }

    /// Net collateral (notional plus the position's quote balance) and margin:
    /// dYdX's `GetNetCollateralAndMarginRequirements`.
    #[inline(always)]
    pub fn net_collateral_and_margin(&self, price: MarketPrice, quantums: i128, quote_balance: i128, custom_imf_ppm: u32) -> Result<Risk> {
        let mut risk = self.position_net_notional_value_and_margin(price, quantums, custom_imf_ppm)?;
        risk.nc = num::add(risk.nc, quote_balance)?;
        Ok(risk)
    }
}

/// A perpetual position of a subaccount with its market's oracle price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DydxPosition {
    /// The perpetual.
    pub perpetual: DydxPerpetual,
    /// Its oracle price.
    pub price: MarketPrice,
    /// Size in base quantums (long > 0, short < 0).
    pub quantums: i128,
    /// The position's own quote balance (after funding), quote quantums.
    pub quote_balance: i128,
}

impl DydxPosition {
    /// The position's [`Risk`] including its quote balance, no custom IMF.
    #[inline]
    pub fn risk(&self) -> Result<Risk> {
        self.perpetual.net_collateral_and_margin(self.price, self.quantums, self.quote_balance, 0)
    }
}

/// A [`Risk`] whose figures are 64-bit, laid out as C lays it out: a
/// subaccount's total as a caller holding it in that form (the C ABI) passes
/// it in place to the `*_64` functions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Risk64 {
    /// Maintenance margin requirement.
    pub mmr: i64,
    /// Initial margin requirement.
    pub imr: i64,
    /// Net collateral.
    pub nc: i64,
}

impl Risk64 {
    /// The same figures as `i128`.
    #[must_use]
    pub fn widen(&self) -> Risk {
        Risk { mmr: i128::from(self.mmr), imr: i128::from(self.imr), nc: i128::from(self.nc) }
    }
}

/// A [`DydxPosition`] whose figures are 64-bit (the open interest, size and
/// quote balance `i64`), laid out as C lays it out, with the perpetual's
/// fields inline: what a caller holding positions in that form (the C ABI)
/// passes in place, with no widened copy. Every such position is a
/// `DydxPosition` ([`DydxPosition64::widen`]), and the functions taking it
/// (the `*_64` ones) return what their `DydxPosition` forms return for the
/// widened position: they share one body, each field widened as it is read.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DydxPosition64 {
    /// Perpetual id.
    pub perpetual_id: u32,
    /// One base quantum is `10^atomic_resolution` coins.
    pub atomic_resolution: i32,
    /// The perpetual's open interest, base quantums.
    pub open_interest: i64,
    /// The perpetual's liquidity tier.
    pub liquidity_tier: LiquidityTier,
    /// Oracle price mantissa.
    pub price: u64,
    /// Oracle price exponent.
    pub price_exponent: i32,
    /// Size in base quantums (long > 0, short < 0).
    pub quantums: i64,
    /// The position's own quote balance, quote quantums.
    pub quote_balance: i64,
}

impl DydxPosition64 {
    /// The same position with `i128` figures.
    #[must_use]
    pub fn widen(&self) -> DydxPosition {
        DydxPosition {
            perpetual: self.perpetual(),
            price: self.market_price(),
            quantums: i128::from(self.quantums),
            quote_balance: i128::from(self.quote_balance),
        }
    }
}

/// The fields of a position the liquidation functions read, each widened
/// as it is read: one body serves [`DydxPosition`] and [`DydxPosition64`].
trait PositionFields {
    /// The perpetual: borrowed where the position holds one, else built
    /// from scalars by value (then it stays in registers).
    type Perpetual<'a>: Borrow<DydxPerpetual>
    where
        Self: 'a;
    /// The perpetual.
    fn perpetual(&self) -> Self::Perpetual<'_>;
    /// The oracle price.
    fn market_price(&self) -> MarketPrice;
    /// The size, base quantums.
    fn size(&self) -> i128;
}

impl PositionFields for DydxPosition {
    type Perpetual<'a> = &'a DydxPerpetual;
    #[inline(always)]
    fn perpetual(&self) -> &DydxPerpetual {
        &self.perpetual
    }
    #[inline(always)]
    fn market_price(&self) -> MarketPrice {
        self.price
    }
    #[inline(always)]
    fn size(&self) -> i128 {
        self.quantums
    }
}

impl PositionFields for DydxPosition64 {
    type Perpetual<'a> = DydxPerpetual;
    #[inline(always)]
    fn perpetual(&self) -> DydxPerpetual {
        DydxPerpetual {
            id: self.perpetual_id,
            atomic_resolution: self.atomic_resolution,
            open_interest: i128::from(self.open_interest),
            liquidity_tier: self.liquidity_tier,
        }
    }
    #[inline(always)]
    fn market_price(&self) -> MarketPrice {
        MarketPrice { price: self.price, exponent: self.price_exponent }
    }
    #[inline(always)]
    fn size(&self) -> i128 {
        i128::from(self.quantums)
    }
}

/// The subaccount's total [`Risk`]: `NC = usdc + Σ (notional + quote balance)`,
/// `IMR`, `MMR` summed per position (no custom IMF). This is what dYdX's
/// `GetNetCollateralAndMarginRequirements` returns for an empty update, with
/// funding already settled; `usdc_quantums` is the USDC asset position.
#[inline]
pub fn subaccount_risk(usdc_quantums: i128, positions: &[DydxPosition]) -> Result<Risk> {
    let mut total = Risk { mmr: 0, imr: 0, nc: usdc_quantums };
    for p in positions {
        total = total.checked_add(p.risk()?)?;
    }
    Ok(total)
}

// ---------------------------------------------------------------------------
// Liquidation config (protocol/x/clob/types)
// ---------------------------------------------------------------------------

/// How far from the oracle a liquidation may fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillablePriceConfig {
    /// `BA`: scales how fast the spread opens as TNC / TMMR falls (≥ 10^6).
    pub bankruptcy_adjustment_ppm: u32,
    /// `SMMR`: the largest spread as a fraction of the position's MMR (> 0).
    pub spread_to_maintenance_margin_ratio_ppm: u32,
}

/// Per-position limits of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionBlockLimits {
    /// Least notional (quote quantums) a liquidation takes, capped at the
    /// position's notional.
    pub min_position_notional_liquidated: u64,
    /// Largest portion (ppm) of the position's notional liquidated per block.
    pub max_position_portion_liquidated_ppm: u32,
}

/// Per-subaccount limits of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubaccountBlockLimits {
    /// Most notional (quote quantums) liquidated per subaccount per block.
    pub max_notional_liquidated: u64,
    /// Most insurance fund loss (quote quantums) per subaccount per block.
    pub max_quantums_insurance_lost: u64,
}

/// dYdX's `LiquidationsConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationConfig {
    /// Largest liquidation fee, ppm of the fill's quote amount.
    pub max_liquidation_fee_ppm: u32,
    /// Fillable price parameters.
    pub fillable_price_config: FillablePriceConfig,
    /// Per-position block limits.
    pub position_block_limits: PositionBlockLimits,
    /// Per-subaccount block limits.
    pub subaccount_block_limits: SubaccountBlockLimits,
}

impl LiquidationConfig {
    /// dYdX's code default, `LiquidationsConfig_Default`
    /// (`protocol/x/clob/types/liquidations_config_keeper.go`), used by its
    /// unit tests: fee 0.5 %, BA 100 %, SMMR 10 %, min notional 1,000 quote
    /// quantums, portion 100 %, 10^14 notional and insurance loss per block.
    #[must_use]
    pub const fn code_default() -> LiquidationConfig {
        LiquidationConfig {
            max_liquidation_fee_ppm: 5_000,
            fillable_price_config: FillablePriceConfig {
                bankruptcy_adjustment_ppm: ONE_MILLION,
                spread_to_maintenance_margin_ratio_ppm: 100_000,
            },
            position_block_limits: PositionBlockLimits {
                min_position_notional_liquidated: 1_000,
                max_position_portion_liquidated_ppm: 1_000_000,
            },
            subaccount_block_limits: SubaccountBlockLimits {
                max_notional_liquidated: 100_000_000_000_000,
                max_quantums_insurance_lost: 100_000_000_000_000,
            },
        }
    }

    /// dYdX mainnet's genesis liquidations config
    /// (`protocol/testing/mainnet/genesis.json`, same values in
    /// `protocol/testing/genesis.sh`): fee 1.5 % (15,000 ppm), BA 100 %,
    /// SMMR 150 % (1,500,000 ppm), min notional 1,000 USDC (10^9 quote
    /// quantums), portion 10 % (100,000 ppm), 100,000 USDC of notional and
    /// 1,000,000 USDC of insurance loss per subaccount per block.
    #[must_use]
    pub const fn mainnet_genesis() -> LiquidationConfig {
        LiquidationConfig {
            max_liquidation_fee_ppm: 15_000,
            fillable_price_config: FillablePriceConfig {
                bankruptcy_adjustment_ppm: ONE_MILLION,
                spread_to_maintenance_margin_ratio_ppm: 1_500_000,
            },
            position_block_limits: PositionBlockLimits {
                min_position_notional_liquidated: 1_000_000_000,
                max_position_portion_liquidated_ppm: 100_000,
            },
            subaccount_block_limits: SubaccountBlockLimits {
                max_notional_liquidated: 100_000_000_000,
                max_quantums_insurance_lost: 1_000_000_000_000,
            },
        }
    }

    /// dYdX's `LiquidationsConfig.Validate`: [`Error::InvalidLiquidationConfig`] for a BA
    /// below 10^6, an SMMR, fee, portion or block limit of 0;
    /// [`Error::FractionAbove100Percent`] for a fee or portion above 10^6.
    /// (The min notional is intentionally not validated, as in dYdX.)
    #[inline(always)]
    pub fn validate(&self) -> Result<()> {
        let fp = &self.fillable_price_config;
        if fp.bankruptcy_adjustment_ppm < ONE_MILLION || fp.spread_to_maintenance_margin_ratio_ppm == 0 {
            return Err(Error::InvalidLiquidationConfig);
        }
        let fee = self.max_liquidation_fee_ppm;
        let portion = self.position_block_limits.max_position_portion_liquidated_ppm;
        if fee == 0 || portion == 0 {
            return Err(Error::InvalidLiquidationConfig);
        }
        if fee > ONE_MILLION || portion > ONE_MILLION {
            return Err(Error::FractionAbove100Percent);
        }
        let sb = &self.subaccount_block_limits;
        if sb.max_notional_liquidated == 0 || sb.max_quantums_insurance_lost == 0 {
            return Err(Error::InvalidLiquidationConfig);
        }
        Ok(())
    }
}

impl Default for LiquidationConfig {
    /// [`LiquidationConfig::code_default`].
    fn default() -> Self {
        LiquidationConfig::code_default()
    }
}

/// A CLOB pair's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClobPair {
    /// Order sizes are multiples of this many base quantums.
    pub step_base_quantums: u64,
    /// Order prices are multiples of this many subticks.
    pub subticks_per_tick: u32,
    /// `subticks × 10^exponent` is a price in quote quantums per base quantum.
    pub quantum_conversion_exponent: i32,
}

/// What a subaccount has already been liquidated for in the current block
/// (dYdX's `SubaccountLiquidationInfo`), borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubaccountLiquidationInfo<'a> {
    /// Perpetual ids already liquidated for this subaccount in this block.
    pub perpetuals_liquidated: &'a [u32],
    /// Notional (quote quantums) liquidated so far in this block.
    pub notional_liquidated: u64,
    /// Insurance fund loss (quote quantums, magnitude) so far in this block.
    pub quantums_insurance_lost: u64,
}

impl SubaccountLiquidationInfo<'_> {
    /// Whether `perpetual_id` was already liquidated in this block.
    #[must_use]
    pub fn has_perpetual_been_liquidated(&self, perpetual_id: u32) -> bool {
        self.perpetuals_liquidated.contains(&perpetual_id)
    }
}

// ---------------------------------------------------------------------------
// Liquidation functions (protocol/x/clob/keeper/liquidations.go)
// ---------------------------------------------------------------------------

/// dYdX's check on a liquidation delta: non-zero, opposite in sign to the
/// position, and no larger than it. [`Error::InvalidFillQuantity`] otherwise
/// (dYdX's `ErrInvalidPerpetualPositionSizeDelta`); a missing position is a
/// position of 0 quantums and fails the same way.
fn check_delta(position_quantums: i128, delta_quantums: i128) -> Result<()> {
    let opposite = (position_quantums > 0 && delta_quantums < 0) || (position_quantums < 0 && delta_quantums > 0);
    if !opposite || delta_quantums.unsigned_abs() > position_quantums.unsigned_abs() {
        return Err(Error::InvalidFillQuantity);
    }
    Ok(())
}

/// The bankruptcy price of closing `delta_quantums` of `position`, as the
/// signed quote quantums the subaccount must receive (negative: at most
/// `|result|` it may pay): dYdX's `GetBankruptcyPriceInQuoteQuantums`.
///
/// `−ΔNNV − ⌊TNC × |ΔMMR| / TMMR⌋` where `TNC`, `TMMR` are `total.nc`,
/// `total.mmr` of the whole subaccount (see [`subaccount_risk`]), ΔNNV and
/// ΔMMR the change of the position's net notional and maintenance requirement
/// (each recomputed at the new size, not derived from the delta). Rounded
/// toward +∞: closing at it never needs the insurance fund.
///
/// Errors: [`Error::InvalidFillQuantity`] for a bad delta;
/// [`Error::DivisionByZero`] when `TMMR = 0` and [`Error::OutOfRange`] when
/// `TMMR < 0` or ΔMMR > 0 (Go panics).
pub fn bankruptcy_price_quote_quantums(position: &DydxPosition, total: &Risk, delta_quantums: i128) -> Result<i128> {
    bankruptcy_price_in(position, total.mmr, total.nc, delta_quantums)
}

/// [`bankruptcy_price_quote_quantums`] of a [`DydxPosition64`] and a
/// [`Risk64`], read in place: the same value as of the widened position
/// and total.
pub fn bankruptcy_price_quote_quantums_64(position: &DydxPosition64, total: &Risk64, delta_quantums: i64) -> Result<i128> {
    bankruptcy_price_in(position, i128::from(total.mmr), i128::from(total.nc), i128::from(delta_quantums))
}

/// The one body of [`bankruptcy_price_quote_quantums`] and its `_64` form.
#[inline(always)]
fn bankruptcy_price_in<P: PositionFields>(position: &P, total_mmr: i128, total_nc: i128, delta_quantums: i128) -> Result<i128> {
    let ps = position.size();
    check_delta(ps, delta_quantums)?;
    let perp = position.perpetual();
    let perp: &DydxPerpetual = perp.borrow();
    let price = position.market_price();
    let old = perp.position_net_notional_value_and_margin(price, ps, 0)?;
    let new = perp.position_net_notional_value_and_margin(price, num::add(ps, delta_quantums)?, 0)?;
    let delta_nc = num::sub(new.nc, old.nc)?;
    let delta_mmr = num::sub(new.mmr, old.mmr)?;
    if delta_mmr > 0 {
        return Err(Error::OutOfRange);
    }
    if total_mmr == 0 {
        return Err(Error::DivisionByZero);
    }
    if total_mmr < 0 {
        return Err(Error::OutOfRange);
    }
    // ⌊TNC × |ΔMMR| / TMMR⌋ (TMMR > 0: Go's Euclidean division is the floor).
    let share = num::mul_div_wide(total_nc, num::sub(0, delta_mmr)?, total_mmr, Rounding::Floor)?;
    num::sub(num::sub(0, delta_nc)?, share)
}

/// The fillable price of a liquidation of `position`, an exact fraction in
/// quote quantums per base quantum: dYdX's `GetFillablePrice`.
///
/// `(PNNV − ABR × SMMR × PMMR) / PS`, `ABR = clamp(BA × (1 − TNC / TMMR), 0, 1)`,
/// where PNNV and PMMR are the position's net notional and maintenance
/// requirement at its full size `PS` (`delta_quantums` is only validated: the
/// price does not depend on how much is closed).
///
/// Errors: [`Error::InvalidFillQuantity`] for a bad delta;
/// [`Error::DivisionByZero`] when `TMMR = 0`; [`Error::NegativePrice`] when
/// the spread exceeds the notional (Go panics); [`Error::Overflow`] when a
/// reduced fraction does not fit `i128` (see the module docs for the range).
pub fn fillable_price(position: &DydxPosition, total: &Risk, delta_quantums: i128, config: &FillablePriceConfig) -> Result<Rational> {
    let ps = position.quantums;
    check_delta(ps, delta_quantums)?;
    let pos = position.perpetual.position_net_notional_value_and_margin(position.price, ps, 0)?;
    fillable_price_of(&pos, ps, total, config)
}

/// [`fillable_price`] from the figures it reads: the position's net notional
/// `PNNV` (`position.nc`) and maintenance requirement `PMMR`
/// (`position.mmr`) at its size `ps` (≠ 0), and the subaccount's totals.
/// What partliq's pipeline prices a leg with under
/// [`crate::ramps::BandRamp::DydxFillable`], from partliq's own figures.
///
/// Errors: [`Error::DivisionByZero`] when `TMMR = 0` or `ps = 0`; the rest
/// as [`fillable_price`].
pub fn fillable_price_of(pos: &Risk, ps: i128, total: &Risk, config: &FillablePriceConfig) -> Result<Rational> {
    if total.mmr == 0 {
        return Err(Error::DivisionByZero);
    }
    // 1 − TNC / TMMR = (TMMR − TNC) / TMMR.
    let one_minus = Rational::new(num::sub(total.mmr, total.nc)?, total.mmr)?;
    let ba = Rational::new(i128::from(config.bankruptcy_adjustment_ppm), ONE_MILLION_I)?;
    let abr = one_minus.checked_mul(ba)?.clamp_unit();
    let max_spread = Rational::new(num::mul(pos.mmr, i128::from(config.spread_to_maintenance_margin_ratio_ppm))?, ONE_MILLION_I)?;
    let oracle_delta = abr.checked_mul(max_spread)?;
    let quote = Rational::from_int(pos.nc).checked_sub(oracle_delta)?;
    let price = quote.checked_mul(Rational::new(1, ps)?)?;
    if price.num < 0 {
        return Err(Error::NegativePrice);
    }
    Ok(price)
}

/// The order price, in subticks, of a liquidation at `fillable_price`: dYdX's
/// `ConvertFillablePriceToSubticks`.
///
/// `price × 10^(−quantum_conversion_exponent)`, rounded **up** when
/// liquidating a long (a sell) and **down** for a short (a buy), then to a
/// multiple of `subticks_per_tick` in the same direction, then clamped to
/// `[subticks_per_tick, u64::MAX − u64::MAX % subticks_per_tick]`.
///
/// Errors: [`Error::NegativePrice`] for a negative price (Go panics);
/// [`Error::InvalidTick`] when `subticks_per_tick = 0`. Never overflows: any
/// value beyond `u64` clamps to the upper bound.
pub fn fillable_price_to_subticks(fillable_price: Rational, is_liquidating_long: bool, clob_pair: &ClobPair) -> Result<u64> {
    if fillable_price.num < 0 {
        return Err(Error::NegativePrice);
    }
    let spt = clob_pair.subticks_per_tick;
    if spt == 0 {
        return Err(Error::InvalidTick);
    }
    let max_subticks = u64::MAX.checked_sub(u64::MAX.checked_rem(u64::from(spt)).ok_or(Error::InvalidTick)?).ok_or(Error::Overflow)?;
    let rounding = if is_liquidating_long { Rounding::Ceil } else { Rounding::Floor };
    let (n, d) = (fillable_price.num, fillable_price.den);
    let qce = clob_pair.quantum_conversion_exponent;
    // None: beyond i128, which is beyond u64 and clamps to the maximum.
    let subticks: Option<i128> = if qce <= 0 {
        match 10i128.checked_pow(qce.unsigned_abs()) {
            Some(p10) => match num::mul_div_wide(n, p10, d, rounding) {
                Ok(v) => Some(v),
                Err(Error::Overflow) => None,
                Err(e) => return Err(e),
            },
            None if n == 0 => Some(0),
            None => None,
        }
    } else {
        // ⌈⌈n/d⌉/10^k⌉ = ⌈n/(d·10^k)⌉ (and likewise for the floor).
        let q = num::div_round(n, d, rounding)?;
        match 10i128.checked_pow(qce.unsigned_abs()) {
            Some(p10) => Some(num::div_round(q, p10, rounding)?),
            // 0 ≤ q < 10^39 ≤ 10^k.
            None => Some(if q > 0 && is_liquidating_long { 1 } else { 0 }),
        }
    };
    let Some(v) = subticks else {
        return Ok(max_subticks);
    };
    if v > i128::from(u64::MAX) {
        // Rounding to a multiple of spt and clamping gives the maximum.
        return Ok(max_subticks);
    }
    let aligned = big_int_round_to_multiple(v, i128::from(spt), is_liquidating_long)?;
    Ok(big_uint64_clamp(aligned, u64::from(spt), max_subticks))
}

/// A liquidation fill, as the matching engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationFill {
    /// `true` when the liquidation order buys (closes a short).
    pub is_buy: bool,
    /// Filled base quantums (> 0).
    pub fill_amount: u64,
    /// Fill price in subticks.
    pub subticks: u64,
}

/// The insurance fund delta of a liquidation fill: dYdX's
/// `GetLiquidationInsuranceFundDelta`. Positive: the subaccount pays that fee
/// to the insurance fund; negative: the fund covers that loss.
///
/// `Δ = cash − bankruptcy_quote` where `cash = ±⌊subticks × fill × 10^qce⌋`
/// (received for a sell, paid for a buy); when `Δ > 0` the fee is
/// `min(Δ, ⌊|cash| × max_liquidation_fee_ppm / 10^6⌋)`.
///
/// Errors: [`Error::InvalidFillQuantity`] for a zero fill (dYdX's
/// `ErrInvalidQuantumsForInsuranceFundDeltaCalculation`) or one that does not
/// reduce the position; those of [`bankruptcy_price_quote_quantums`].
pub fn liquidation_insurance_fund_delta(
    position: &DydxPosition,
    total: &Risk,
    clob_pair: &ClobPair,
    max_liquidation_fee_ppm: u32,
    fill: &LiquidationFill,
) -> Result<i128> {
    if fill.fill_amount == 0 {
        return Err(Error::InvalidFillQuantity);
    }
    let amount = i128::from(fill.fill_amount);
    let cash = fill_amount_to_quote_quantums(fill.subticks, fill.fill_amount, clob_pair.quantum_conversion_exponent)?;
    let (delta_quantums, delta_quote) = if fill.is_buy { (amount, num::sub(0, cash)?) } else { (num::sub(0, amount)?, cash) };
    let bankruptcy = bankruptcy_price_quote_quantums(position, total, delta_quantums)?;
    let delta = num::sub(delta_quote, bankruptcy)?;
    if delta <= 0 {
        return Ok(delta);
    }
    let max_fee = big_int_mul_ppm(delta_quote.checked_abs().ok_or(Error::Overflow)?, max_liquidation_fee_ppm)?;
    Ok(max_fee.min(delta))
}

/// The least and largest notional of one position liquidatable in a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionNotionalLimits {
    /// `min(min_position_notional_liquidated, |notional|)`.
    pub min: i128,
    /// `max(min, ⌊|notional| × max_position_portion_liquidated_ppm / 10^6⌋)`.
    pub max: i128,
}

/// Least and largest notional (quote quantums) of `position` liquidatable in
/// one block: dYdX's `GetMaxAndMinPositionNotionalLiquidatable`.
pub fn max_and_min_position_notional_liquidatable(position: &DydxPosition, limits: &PositionBlockLimits) -> Result<PositionNotionalLimits> {
    notional_limits_in(position.perpetual.atomic_resolution, position.price, position.quantums, *limits)
}

/// [`max_and_min_position_notional_liquidatable`] from the fields it reads:
/// the perpetual's `atomic_resolution`, the oracle price and the size, the
/// limits by value (a caller holding them apart, as the C ABI does, passes
/// them in registers, with no position built in memory). Same value.
pub fn position_notional_limits_of(
    atomic_resolution: i32,
    price: MarketPrice,
    quantums: i128,
    limits: PositionBlockLimits,
) -> Result<PositionNotionalLimits> {
    notional_limits_in(atomic_resolution, price, quantums, limits)
}

/// The one body of [`max_and_min_position_notional_liquidatable`],
/// [`position_notional_limits_of`] and the size delta's limit.
#[inline(always)]
fn notional_limits_in(
    atomic_resolution: i32,
    price: MarketPrice,
    quantums: i128,
    limits: PositionBlockLimits,
) -> Result<PositionNotionalLimits> {
    let notional = base_to_quote_quantums(quantums, atomic_resolution, price.price, price.exponent)?;
    let abs = notional.checked_abs().ok_or(Error::Overflow)?;
    let min = i128::from(limits.min_position_notional_liquidated).min(abs);
    let max = big_int_mul_ppm(abs, limits.max_position_portion_liquidated_ppm)?.max(min);
    Ok(PositionNotionalLimits { min, max })
}

/// Notional the subaccount may still have liquidated in this block: dYdX's
/// `GetSubaccountMaxNotionalLiquidatable`, `max_notional_liquidated −
/// notional_liquidated`.
///
/// Errors: [`Error::AlreadyLiquidatedThisBlock`] when `perpetual_id` was
/// already liquidated for this subaccount in this block (dYdX's
/// `ErrSubaccountHasLiquidatedPerpetual`); [`Error::BlockLimitExceeded`]
/// when the notional already liquidated exceeds the limit (Go panics).
pub fn subaccount_max_notional_liquidatable(
    limits: &SubaccountBlockLimits,
    info: &SubaccountLiquidationInfo<'_>,
    perpetual_id: u32,
) -> Result<i128> {
    block_limit_left(info, perpetual_id, limits.max_notional_liquidated, info.notional_liquidated)
}

/// Insurance fund loss the subaccount may still cause in this block: dYdX's
/// `GetSubaccountMaxInsuranceLost`. Errors as
/// [`subaccount_max_notional_liquidatable`].
pub fn subaccount_max_insurance_lost(
    limits: &SubaccountBlockLimits,
    info: &SubaccountLiquidationInfo<'_>,
    perpetual_id: u32,
) -> Result<i128> {
    block_limit_left(info, perpetual_id, limits.max_quantums_insurance_lost, info.quantums_insurance_lost)
}

/// `limit − used` for one of the subaccount's block limits, failing as
/// both of dYdX's `GetSubaccountMax*` do: the perpetual already liquidated
/// in this block, or `used` already beyond `limit`.
fn block_limit_left(info: &SubaccountLiquidationInfo<'_>, perpetual_id: u32, limit: u64, used: u64) -> Result<i128> {
    if info.has_perpetual_been_liquidated(perpetual_id) {
        return Err(Error::AlreadyLiquidatedThisBlock);
    }
    if used > limit {
        return Err(Error::BlockLimitExceeded);
    }
    num::sub(i128::from(limit), i128::from(used))
}

/// The size delta (base quantums, opposite in sign to the position) of the
/// next liquidation order of `position`: dYdX's `GetLiquidatablePositionSizeDelta`.
///
/// The notional limit is the smaller of the position's block limit
/// ([`max_and_min_position_notional_liquidatable`]) and the subaccount's
/// ([`subaccount_max_notional_liquidatable`]). The whole position is closed
/// when its notional is within that limit or it is no larger than one step;
/// otherwise the limit is converted to base quantums (truncated), rounded
/// **down** to the step, and clamped to `[step, |position|]`.
///
/// Errors: [`Error::EmptyPosition`] for a position of 0 (dYdX's
/// `ErrNoPerpetualPositionsToLiquidate`); [`Error::InvalidLotStep`] when a
/// step of 0 would be used (Go panics); those of the limit functions.
pub fn liquidatable_position_size_delta(
    position: &DydxPosition,
    clob_pair: &ClobPair,
    config: &LiquidationConfig,
    info: &SubaccountLiquidationInfo<'_>,
) -> Result<i128> {
    size_delta_in(position, clob_pair, config, info)
}

/// [`liquidatable_position_size_delta`] of a [`DydxPosition64`], read in
/// place: the same value as of its widened position.
pub fn liquidatable_position_size_delta_64(
    position: &DydxPosition64,
    clob_pair: &ClobPair,
    config: &LiquidationConfig,
    info: &SubaccountLiquidationInfo<'_>,
) -> Result<i128> {
    size_delta_in(position, clob_pair, config, info)
}

/// The one body of [`liquidatable_position_size_delta`] and its `_64` form.
#[inline(always)]
fn size_delta_in<P: PositionFields>(
    position: &P,
    clob_pair: &ClobPair,
    config: &LiquidationConfig,
    info: &SubaccountLiquidationInfo<'_>,
) -> Result<i128> {
    let ps = position.size();
    if ps == 0 {
        return Err(Error::EmptyPosition);
    }
    let perp = position.perpetual();
    let perp: &DydxPerpetual = perp.borrow();
    let price = position.market_price();
    let position_limit = notional_limits_in(perp.atomic_resolution, price, ps, config.position_block_limits)?;
    let subaccount_limit = subaccount_max_notional_liquidatable(&config.subaccount_block_limits, info, perp.id)?;
    let max_quote = position_limit.max.min(subaccount_limit);
    let notional = perp.net_notional(price, ps)?;
    let step = i128::from(clob_pair.step_base_quantums);
    let abs_ps = ps.checked_abs().ok_or(Error::Overflow)?;
    if notional.checked_abs().ok_or(Error::Overflow)? <= max_quote || abs_ps <= step {
        return num::sub(0, ps);
    }
    if step <= 0 {
        return Err(Error::InvalidLotStep);
    }
    let base = perp.notional_in_base_quantums(price, max_quote)?;
    let rounded = big_int_round_to_multiple(base, step, false)?;
    // dYdX's clamp: below the step → step; above the position → the position.
    let abs_delta = if rounded < step {
        step
    } else if rounded > abs_ps {
        abs_ps
    } else {
        rounded
    };
    if ps > 0 {
        num::sub(0, abs_delta)
    } else {
        Ok(abs_delta)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn rational_normalises() {
        let r = Rational::new(10, -4).unwrap();
        assert_eq!((r.num(), r.den()), (-5, 2));
        assert_eq!(Rational::new(0, -7).unwrap(), Rational::ZERO);
        assert_eq!(Rational::new(1, 0), Err(Error::DivisionByZero));
        // (3/4)·(8/9) = 2/3; 1/2 − 1/3 = 1/6.
        let p = Rational::new(3, 4).unwrap().checked_mul(Rational::new(8, 9).unwrap()).unwrap();
        assert_eq!(p, Rational::new(2, 3).unwrap());
        let s = Rational::new(1, 2).unwrap().checked_sub(Rational::new(1, 3).unwrap()).unwrap();
        assert_eq!(s, Rational::new(1, 6).unwrap());
        assert_eq!(Rational::new(3, 2).unwrap().clamp_unit(), Rational::ONE);
        assert_eq!(Rational::new(-3, 2).unwrap().clamp_unit(), Rational::ZERO);
    }

    #[test]
    fn huge_exponents_do_not_panic() {
        // i128::MAX × u64::MAX ≈ 3.1e57: at 10^-54 it is 3,138 (two-step
        // division); at 10^-74 and 10^-84 it truncates to 0; 10^+60 overflows.
        let q = base_to_quote_quantums(i128::MAX, -60, u64::MAX, 0).unwrap();
        assert!(q > 3_000 && q < 4_000);
        assert_eq!(base_to_quote_quantums(i128::MAX, -80, u64::MAX, 0).unwrap(), 0);
        assert_eq!(base_to_quote_quantums(-i128::MAX, -90, u64::MAX, 0).unwrap(), 0);
        assert_eq!(base_to_quote_quantums(1, 60, 1, 0), Err(Error::Overflow));
        assert_eq!(base_to_quote_quantums(0, 60, 1, 0).unwrap(), 0);
        // quote × 10^45 / 10^19: 10^26.
        assert_eq!(quote_to_base_quantums(1, -45, 10_000_000_000_000_000_000, -6).unwrap(), 10i128.pow(26));
        assert_eq!(quote_to_base_quantums(i128::MAX, 60, 1, 0).unwrap(), 0);
        assert_eq!(quote_to_base_quantums(1, -6, 0, 0), Err(Error::DivisionByZero));
        assert_eq!(mul_div_pow10(-5, 1, 80, Rounding::Floor).unwrap(), -1);
        assert_eq!(mul_div_pow10(5, 1, 80, Rounding::Ceil).unwrap(), 1);
        assert_eq!(mul_div_pow10(5, 1, 80, Rounding::TowardZero).unwrap(), 0);
    }

    const BTC: DydxPerpetual = DydxPerpetual {
        id: 0,
        atomic_resolution: -8,
        open_interest: 0,
        liquidity_tier: LiquidityTier {
            initial_margin_ppm: 200_000,
            maintenance_fraction_ppm: 500_000,
            open_interest_lower_cap: 0,
            open_interest_upper_cap: 0,
        },
    };
    // $50,000 a BTC: 1 base quantum (1e-8 BTC) is 500 quote quantums.
    const BTC_PRICE: MarketPrice = MarketPrice { price: 5_000_000_000, exponent: -5 };
    const STEP_5: ClobPair = ClobPair { step_base_quantums: 5, subticks_per_tick: 5, quantum_conversion_exponent: -8 };

    fn btc(quantums: i128) -> DydxPosition {
        DydxPosition { perpetual: BTC, price: BTC_PRICE, quantums, quote_balance: 0 }
    }

    #[test]
    fn go_panics_are_error_values() {
        // A tier with no margin: TMMR = 0 (Go: runtime division by zero).
        let free = DydxPerpetual { liquidity_tier: LiquidityTier::default(), ..BTC };
        let p = DydxPosition { perpetual: free, ..btc(100) };
        let total = subaccount_risk(0, &[p]).unwrap();
        assert_eq!(total.mmr, 0);
        assert_eq!(bankruptcy_price_quote_quantums(&p, &total, -100), Err(Error::DivisionByZero));
        assert_eq!(fillable_price(&p, &total, -100, &LiquidationConfig::code_default().fillable_price_config), Err(Error::DivisionByZero));
        // 100 % / 100 % tier, mainnet's SMMR of 150 %, deeply bankrupt (ABR = 1):
        // spread = 1.5 × notional > notional, so a long's price is negative (Go panics).
        let full = LiquidityTier { initial_margin_ppm: 1_000_000, maintenance_fraction_ppm: 1_000_000, ..LiquidityTier::default() };
        let p = DydxPosition { perpetual: DydxPerpetual { liquidity_tier: full, ..BTC }, ..btc(100) };
        let total = subaccount_risk(-1_000_000, &[p]).unwrap();
        let smmr = LiquidationConfig::mainnet_genesis().fillable_price_config;
        assert_eq!(fillable_price(&p, &total, -100, &smmr), Err(Error::NegativePrice));
        // Size delta: no position; a zero step; a perpetual liquidated already this block.
        let cfg = LiquidationConfig::code_default();
        let none = SubaccountLiquidationInfo::default();
        assert_eq!(liquidatable_position_size_delta(&btc(0), &STEP_5, &cfg, &none), Err(Error::EmptyPosition));
        let half = LiquidationConfig {
            position_block_limits: PositionBlockLimits {
                min_position_notional_liquidated: 1,
                max_position_portion_liquidated_ppm: 500_000,
            },
            ..cfg
        };
        let step_0 = ClobPair { step_base_quantums: 0, ..STEP_5 };
        assert_eq!(liquidatable_position_size_delta(&btc(100), &step_0, &half, &none), Err(Error::InvalidLotStep));
        let done = SubaccountLiquidationInfo { perpetuals_liquidated: &[3, 0], ..none };
        assert_eq!(liquidatable_position_size_delta(&btc(100), &STEP_5, &cfg, &done), Err(Error::AlreadyLiquidatedThisBlock));
        // Fillable price to subticks with no tick.
        let no_tick = ClobPair { subticks_per_tick: 0, ..STEP_5 };
        assert_eq!(fillable_price_to_subticks(Rational::ONE, true, &no_tick), Err(Error::InvalidTick));
    }

    #[test]
    fn mainnet_genesis_sizes_a_large_position() {
        // 10 BTC long = $500,000 = 5e11 quote quantums. Position limit:
        // max(min(1e9, 5e11), 10 % × 5e11) = 5e10; subaccount limit 1e11;
        // → 5e10 quote quantums = 5e10 / 500 = 1e8 base quantums (1 BTC), a
        // multiple of the step 5.
        let cfg = LiquidationConfig::mainnet_genesis();
        let none = SubaccountLiquidationInfo::default();
        let limits = max_and_min_position_notional_liquidatable(&btc(1_000_000_000), &cfg.position_block_limits).unwrap();
        assert_eq!(limits, PositionNotionalLimits { min: 1_000_000_000, max: 50_000_000_000 });
        assert_eq!(liquidatable_position_size_delta(&btc(1_000_000_000), &STEP_5, &cfg, &none).unwrap(), -100_000_000);
        // Half a BTC ($25,000): 10 % is $2,500, above the $1,000 floor → 0.05 BTC.
        assert_eq!(liquidatable_position_size_delta(&btc(-50_000_000), &STEP_5, &cfg, &none).unwrap(), 5_000_000);
        // 0.01 BTC ($500) is below the $1,000 floor: closed whole.
        assert_eq!(liquidatable_position_size_delta(&btc(1_000_000), &STEP_5, &cfg, &none).unwrap(), -1_000_000);
        // After $99,000 already liquidated this block, $1,000 is left: 2e6 base quantums.
        let used = SubaccountLiquidationInfo { notional_liquidated: 99_000_000_000, ..none };
        assert_eq!(liquidatable_position_size_delta(&btc(1_000_000_000), &STEP_5, &cfg, &used).unwrap(), -2_000_000);
    }

    #[test]
    fn config_presets_validate() {
        LiquidationConfig::code_default().validate().unwrap();
        LiquidationConfig::mainnet_genesis().validate().unwrap();
        let mut c = LiquidationConfig::mainnet_genesis();
        c.max_liquidation_fee_ppm = 1_000_001;
        assert_eq!(c.validate(), Err(Error::FractionAbove100Percent));
        c = LiquidationConfig::mainnet_genesis();
        c.fillable_price_config.bankruptcy_adjustment_ppm = 999_999;
        assert_eq!(c.validate(), Err(Error::InvalidLiquidationConfig));
    }

    /// Edge values of a `u64` dividend or factor.
    const EDGES: [u64; 12] =
        [0, 1, 4, 5, 999_999, 1_000_000, 1_000_001, (1 << 32) - 1, 1 << 32, 7_450_580_596_923_828_125, u64::MAX - 1, u64::MAX];

    #[test]
    fn div_pow5_is_the_division() {
        for k in 1..=27u32 {
            let d = 5u64.pow(k);
            for x in EDGES.into_iter().chain([d - 1, d, d + 1, d.wrapping_mul(3) - 1, u64::MAX / d * d, u64::MAX / d * d - 1]) {
                assert_eq!(div_pow5_u64(x, k), Some(x / d), "{x} / 5^{k}");
            }
        }
        assert_eq!(div_pow5_u64(7, 0), None);
        assert_eq!(div_pow5_u64(7, 28), None);
    }

    #[test]
    fn ppm_ceiling_in_u64_is_big_mul_ppm() {
        for x in EDGES {
            for ppm in [0u32, 1, 3, 50_000, 123_457, 600_000, 999_999, 1_000_000] {
                // The exact ⌈x × ppm / 10^6⌉ in 256 bits.
                let want = big_mul_ppm(i128::from(x), i128::from(ppm), true).unwrap();
                assert_eq!(i128::from(mul_ppm_ceil_u64_unit(x, ppm)), want, "{x} × {ppm}");
                assert_eq!(mul_ppm_ceil_u64(x, ppm).map(i128::from), Some(want));
            }
            assert_eq!(mul_ppm_ceil_u64(x, 1_000_001), None);
        }
    }

    #[test]
    fn inline_notional_is_the_general_one() {
        // Every exponent the inline form takes (−27 … −1) and both sides of
        // it, at products whose shift fits u64 and does not.
        for e in -30i64..=3 {
            for q in EDGES {
                for price in EDGES {
                    let general = notional_u64(q, price, e);
                    assert_eq!(notional_u64_fast(q, price, e), general, "{q} × {price} × 10^{e}");
                    let exact = mul_div_pow10(i128::from(q), i128::from(price), e.unsigned_abs(), Rounding::TowardZero);
                    if e < 0 {
                        assert_eq!(general.map(i128::from), exact.ok().filter(|&v| u64::try_from(v).is_ok()));
                    }
                }
            }
        }
    }

    #[test]
    fn open_interest_band_is_the_adjusted_fraction() {
        // Caps around the exact open-interest notional n (one below, at, one
        // above), for every exponent the threshold form takes and beyond.
        let tier_of = |lower: u64, upper: u64| LiquidityTier {
            initial_margin_ppm: 50_000,
            maintenance_fraction_ppm: 600_000,
            open_interest_lower_cap: lower,
            open_interest_upper_cap: upper,
        };
        let mut seen = [0usize; 4];
        for e in -22i64..=2 {
            for oi in [1u64, 999, 3_000_000_000_000, 1 << 40, u64::MAX] {
                for price in [1u64, 5_700_000_000, 10_000_000_000_000_000_000, u64::MAX] {
                    for negative in [false, true] {
                        let signed = if negative { -i128::from(oi) } else { i128::from(oi) };
                        let Ok(n) = mul_div_pow10(signed, i128::from(price), e.unsigned_abs(), Rounding::TowardZero).and_then(|v| {
                            if e >= 0 {
                                num::mul(num::mul(signed, i128::from(price))?, num::pow10(u32::try_from(e).unwrap())?)
                            } else {
                                Ok(v)
                            }
                        }) else {
                            continue;
                        };
                        let around = |v: i128| [v - 1, v, v + 1].map(|c| u64::try_from(c.max(0)).unwrap_or(u64::MAX));
                        for lower in around(n).into_iter().chain([0, u64::MAX]) {
                            // (An upper cap of 0 turns scaling off before the band is asked.)
                            for upper in around(n).into_iter().chain([1, u64::MAX]).filter(|&u| u != 0) {
                                let tier = tier_of(lower, upper);
                                let band = open_interest_band(oi, negative, price, e, &tier);
                                let want = tier.adjusted_initial_margin_ppm(n);
                                let slot = band.map_or(3, |o| usize::from(o != Ordering::Less) + usize::from(o == Ordering::Greater));
                                seen[slot] += 1;
                                match band {
                                    Some(Ordering::Less) => assert_eq!(want, Ok(50_000)),
                                    Some(Ordering::Greater) => assert_eq!(want, Ok(ONE_MILLION)),
                                    // The interpolating band (strictly between the caps).
                                    Some(Ordering::Equal) => assert!(n > i128::from(lower) && n < i128::from(upper)),
                                    // Only the general form gives up, when n does not fit u64.
                                    None => assert!(e >= 0 || e < -19 && u64::try_from(n.unsigned_abs()).is_err(), "{oi} {price} {e}"),
                                }
                            }
                        }
                    }
                }
            }
        }
        // Every outcome occurs: below, inside and above the band, and given up.
        assert!(seen.iter().all(|&c| c > 0), "{seen:?}");
    }
}
