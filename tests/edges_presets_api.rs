//! Edge tables for the preset API no other edge test covers: Aave v3's
//! `Reserve::checked_price`, `collateral_value`, `debt_value`,
//! `UserReserve::collateral_balance` / `debt_balance` and
//! `CollateralQuote::collateral_seized`; dYdX v4's `Rational::checked_sub`,
//! `clamp_unit`, `den`, `SubaccountLiquidationInfo::has_perpetual_been_liquidated`
//! and `LiquidationConfig::mainnet_genesis`; `Preset::apply_to` and the
//! `partliq_default`, `binance_usdm`, `bitmex`, `bybit`, `okx` and `deribit`
//! presets (their figures checked against their doc comments, the README and
//! `shared/VENUES.md`). Rows at `i128` / `i64` / `u32` / `u64` extremes, zero,
//! one wei / one unit, empty slices and out-of-range values. Every expected
//! value is derived from the function's documentation; the arithmetic is in
//! the comment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use partliq::presets::dydx_v4::LiquidationConfig;
use partliq::presets::{self, Preset, VenueFees};
use partliq::venues::aave_v3::{CollateralQuote, Reserve, UserReserve, RAY};
use partliq::*;

mod common;
use common::{check, IMAX, IMIN};

// ---------------------------------------------------------------------------
// Aave v3: prices, values and balances. Module docs: a collateral amount is
// worth `floor(amount × P / U)`, a debt `ceil(amount × P / U)` with
// `U = 10^decimals`; figures are non-negative (`uint256`), a value outside a
// parameter's range is `OutOfRange`; only what would revert on `uint256` (or
// not fit the final `i128`) is `Overflow`.

/// A reserve at `price` with `decimals` (LT 86 %, bonus 105 %, fee 10 %).
fn reserve(price: i128, decimals: u32) -> Reserve {
    Reserve::new(price, decimals, 8_600, 10_500, 1_000)
}

/// $1 with 8 decimals (1 wei = 1 base unit).
const USD8: i128 = 100_000_000;
/// $2,000 in base units (8 decimals).
const ETH_PRICE: i128 = 200_000_000_000;
const E38: i128 = 10i128.pow(38);

#[test]
fn aave_checked_price() {
    check::<Result<i128>>(&[
        // Positive: the price itself.
        ("price 1", reserve(1, 8).checked_price(), Ok(1)),
        ("price $1", reserve(USD8, 8).checked_price(), Ok(USD8)),
        ("price i128::MAX", reserve(IMAX, 8).checked_price(), Ok(IMAX)),
        // Zero: MissingPrice; negative: NegativePrice.
        ("price 0", reserve(0, 8).checked_price(), Err(Error::MissingPrice)),
        ("price −1", reserve(-1, 8).checked_price(), Err(Error::NegativePrice)),
        ("price i128::MIN", reserve(IMIN, 8).checked_price(), Err(Error::NegativePrice)),
        // Only the price is checked ("not the price" is validate's business and
        // vice versa): decimals u32::MAX, bonus 0, index −1 do not matter.
        ("decimals u32::MAX", reserve(USD8, u32::MAX).checked_price(), Ok(USD8)),
        ("bad bonus, bad index", Reserve::new(7, 8, u32::MAX, 0, u32::MAX).with_indexes(-1, IMIN).checked_price(), Ok(7)),
    ]);
}

#[test]
fn aave_collateral_and_debt_value() {
    let usd = reserve(USD8, 8);
    let eth = reserve(ETH_PRICE, 18);
    let usdc = reserve(USD8, 6);
    let d38 = reserve(1, 38);
    let d0 = reserve(IMAX, 0);
    check::<Result<i128>>(&[
        // $1, 8 decimals: amount × 1e8 / 1e8 = amount.
        ("usd coll 0", usd.collateral_value(0), Ok(0)),
        ("usd coll 1 wei", usd.collateral_value(1), Ok(1)),
        // MAX × 1e8 / 1e8 = MAX: no uint256 revert, the result fits.
        ("usd coll MAX", usd.collateral_value(IMAX), Ok(IMAX)),
        ("usd debt 0", usd.debt_value(0), Ok(0)),
        ("usd debt 1 wei", usd.debt_value(1), Ok(1)),
        ("usd debt MAX", usd.debt_value(IMAX), Ok(IMAX)),
        // ETH at $2,000, 18 decimals: 1 wei is 2e11 / 1e18 = 2e-7 base units:
        // floor 0 as collateral, ceil 1 as debt.
        ("eth coll 1 wei", eth.collateral_value(1), Ok(0)),
        ("eth debt 1 wei", eth.debt_value(1), Ok(1)),
        // 1 ETH: 1e18 × 2e11 / 1e18 = 2e11 exactly.
        ("eth coll 1 ETH", eth.collateral_value(1_000_000_000_000_000_000), Ok(ETH_PRICE)),
        ("eth debt 1 ETH", eth.debt_value(1_000_000_000_000_000_000), Ok(ETH_PRICE)),
        // 1 ETH − 1 wei: 2e11 − 2e-7 → floor 199,999,999,999, ceil 2e11.
        ("eth coll 1 ETH − 1", eth.collateral_value(999_999_999_999_999_999), Ok(199_999_999_999)),
        ("eth debt 1 ETH − 1", eth.debt_value(999_999_999_999_999_999), Ok(ETH_PRICE)),
        // 5e6 wei = 5e6 × 2e11 / 1e18 = 1 exactly; ±1 wei around it.
        ("eth coll 5e6", eth.collateral_value(5_000_000), Ok(1)),
        ("eth debt 5e6", eth.debt_value(5_000_000), Ok(1)),
        ("eth coll 5e6 − 1", eth.collateral_value(4_999_999), Ok(0)),
        ("eth debt 5e6 + 1", eth.debt_value(5_000_001), Ok(2)),
        // $1, 6 decimals: 1 wei = 1e8 / 1e6 = 100 base units.
        ("usdc coll 1 wei", usdc.collateral_value(1), Ok(100)),
        // ⌊MAX / 100⌋ × 100 = MAX − 27 fits; MAX × 100 does not.
        ("usdc coll MAX / 100", usdc.collateral_value(IMAX / 100), Ok(IMAX - 27)),
        ("usdc coll MAX", usdc.collateral_value(IMAX), Err(Error::Overflow)),
        ("usdc debt MAX", usdc.debt_value(IMAX), Err(Error::Overflow)),
        // 38 decimals (MAX_DECIMALS), price 1: MAX / 1e38 = 1.7014…:
        // floor 1, ceil 2; 1e38 → 1 exactly; 1 wei → floor 0, ceil 1.
        ("d38 coll MAX", d38.collateral_value(IMAX), Ok(1)),
        ("d38 debt MAX", d38.debt_value(IMAX), Ok(2)),
        ("d38 coll 1e38", d38.collateral_value(E38), Ok(1)),
        ("d38 debt 1e38", d38.debt_value(E38), Ok(1)),
        ("d38 coll 1 wei", d38.collateral_value(1), Ok(0)),
        ("d38 debt 1 wei", d38.debt_value(1), Ok(1)),
        // Price 1e38 at 38 decimals: MAX × 1e38 / 1e38 = MAX (fine in uint256).
        ("d38 @ 1e38 coll MAX", reserve(E38, 38).collateral_value(IMAX), Ok(IMAX)),
        ("d38 @ 1e38 debt MAX", reserve(E38, 38).debt_value(IMAX), Ok(IMAX)),
        // Price MAX at 38 decimals: MAX² / 1e38 ≈ 2.9e38 > MAX.
        ("d38 @ MAX coll MAX", reserve(IMAX, 38).collateral_value(IMAX), Err(Error::Overflow)),
        ("d38 @ MAX debt MAX", reserve(IMAX, 38).debt_value(IMAX), Err(Error::Overflow)),
        // 0 decimals (U = 1), price MAX: 1 wei is worth MAX, 2 wei 2 × MAX.
        ("d0 coll 0", d0.collateral_value(0), Ok(0)),
        ("d0 coll 1", d0.collateral_value(1), Ok(IMAX)),
        ("d0 debt 1", d0.debt_value(1), Ok(IMAX)),
        ("d0 coll 2", d0.collateral_value(2), Err(Error::Overflow)),
        ("d0 debt 2", d0.debt_value(2), Err(Error::Overflow)),
        // Decimals above MAX_DECIMALS: U = 10^39 does not fit i128
        // (MAX_DECIMALS = 38 is the largest whose 10^d fits).
        ("decimals 39 coll", reserve(USD8, 39).collateral_value(1), Err(Error::Overflow)),
        ("decimals 39 debt", reserve(USD8, 39).debt_value(1), Err(Error::Overflow)),
        ("decimals u32::MAX coll", reserve(USD8, u32::MAX).collateral_value(1), Err(Error::Overflow)),
        // The price must be positive (checked as `checked_price`).
        ("price 0 coll", reserve(0, 8).collateral_value(1), Err(Error::MissingPrice)),
        ("price 0 debt", reserve(0, 8).debt_value(1), Err(Error::MissingPrice)),
        ("price −1 coll", reserve(-1, 8).collateral_value(1), Err(Error::NegativePrice)),
        ("price MIN debt", reserve(IMIN, 8).debt_value(1), Err(Error::NegativePrice)),
        // Amounts are uint256: negative ones are out of range.
        ("amount −1 coll", usd.collateral_value(-1), Err(Error::OutOfRange)),
        ("amount −1 debt", usd.debt_value(-1), Err(Error::OutOfRange)),
        ("amount MIN coll", usd.collateral_value(IMIN), Err(Error::OutOfRange)),
        ("amount MIN debt", usd.debt_value(IMIN), Err(Error::OutOfRange)),
    ]);
}

#[test]
fn aave_user_balances() {
    let at = |index: i128| reserve(USD8, 8).with_indexes(index, index);
    let u = |scaled: i128| UserReserve::new(scaled, scaled);
    let coll = |scaled, index| u(scaled).collateral_balance(&at(index));
    let debt = |scaled, index| u(scaled).debt_balance(&at(index));
    let two_ray = 2 * RAY;
    check::<Result<i128>>(&[
        // Index RAY: the scaled balance is the balance.
        ("coll 0 @ RAY", coll(0, RAY), Ok(0)),
        ("coll 1 @ RAY", coll(1, RAY), Ok(1)),
        ("coll MAX @ RAY", coll(IMAX, RAY), Ok(IMAX)),
        ("debt 0 @ RAY", debt(0, RAY), Ok(0)),
        ("debt 1 @ RAY", debt(1, RAY), Ok(1)),
        ("debt MAX @ RAY", debt(IMAX, RAY), Ok(IMAX)),
        // RAY + 1: 1 × (1e27 + 1) / 1e27 = 1 + 1e-27: floor 1, ceil 2;
        // 1e27 scaled → 1e27 + 1 exactly.
        ("coll 1 @ RAY+1", coll(1, RAY + 1), Ok(1)),
        ("debt 1 @ RAY+1", debt(1, RAY + 1), Ok(2)),
        ("coll 1e27 @ RAY+1", coll(RAY, RAY + 1), Ok(RAY + 1)),
        ("debt 1e27 @ RAY+1", debt(RAY, RAY + 1), Ok(RAY + 1)),
        // MAX × (1 + 1e-27) = MAX + ⌊MAX / 1e27⌋ > MAX.
        ("coll MAX @ RAY+1", coll(IMAX, RAY + 1), Err(Error::Overflow)),
        ("debt MAX @ RAY+1", debt(IMAX, RAY + 1), Err(Error::Overflow)),
        // 1.5 RAY: 3 × 1.5 = 4.5 → floor 4, ceil 5.
        ("coll 3 @ 1.5 RAY", coll(3, RAY + RAY / 2), Ok(4)),
        ("debt 3 @ 1.5 RAY", debt(3, RAY + RAY / 2), Ok(5)),
        // 2 RAY: (2^126 − 1) × 2 = MAX − 1 fits; MAX × 2 does not.
        ("coll MAX/2 @ 2 RAY", coll(IMAX / 2, two_ray), Ok(IMAX - 1)),
        ("debt MAX/2 @ 2 RAY", debt(IMAX / 2, two_ray), Ok(IMAX - 1)),
        ("coll MAX @ 2 RAY", coll(IMAX, two_ray), Err(Error::Overflow)),
        ("debt MAX @ 2 RAY", debt(IMAX, two_ray), Err(Error::Overflow)),
        // Index MAX: 1 × MAX / 1e27 = 170,141,183,460.469…: floor / ceil.
        ("coll 1 @ MAX", coll(1, IMAX), Ok(170_141_183_460)),
        ("debt 1 @ MAX", debt(1, IMAX), Ok(170_141_183_461)),
        ("coll MAX @ MAX", coll(IMAX, IMAX), Err(Error::Overflow)),
        // Index below RAY is not refused here (Reserve::validate does that):
        // the formula, 1 × (1e27 − 1) / 1e27 → floor 0, ceil 1; 1e27 scaled →
        // 1e27 − 1; index 0 → 0.
        ("coll 1 @ RAY−1", coll(1, RAY - 1), Ok(0)),
        ("debt 1 @ RAY−1", debt(1, RAY - 1), Ok(1)),
        ("coll 1e27 @ RAY−1", coll(RAY, RAY - 1), Ok(RAY - 1)),
        ("coll MAX @ 0", coll(IMAX, 0), Ok(0)),
        ("debt MAX @ 0", debt(IMAX, 0), Ok(0)),
        // uint256 inputs: a negative index or scaled balance is out of range.
        ("coll 1 @ −1", coll(1, -1), Err(Error::OutOfRange)),
        ("debt 1 @ MIN", debt(1, IMIN), Err(Error::OutOfRange)),
        ("coll −1 @ RAY", coll(-1, RAY), Err(Error::OutOfRange)),
        ("debt MIN @ RAY", debt(IMIN, RAY), Err(Error::OutOfRange)),
    ]);
    // Each balance reads its own index: liquidity for the aToken, variable
    // borrow for the debt. Scaled 5 and 5 at (RAY, 2 RAY) → 5 and 10; at
    // (2 RAY, RAY) → 10 and 5.
    let split = reserve(USD8, 8).with_indexes(RAY, two_ray);
    let flipped = reserve(USD8, 8).with_indexes(two_ray, RAY);
    let five = UserReserve::new(5, 5);
    check::<Result<(i128, i128)>>(&[
        ("liquidity RAY, borrow 2 RAY", five.collateral_balance(&split).and_then(|c| Ok((c, five.debt_balance(&split)?))), Ok((5, 10))),
        ("liquidity 2 RAY, borrow RAY", five.collateral_balance(&flipped).and_then(|c| Ok((c, five.debt_balance(&flipped)?))), Ok((10, 5))),
        // The collateral flag does not matter: a user not using the supply as
        // collateral still has the balance.
        ("flag off", UserReserve { use_as_collateral: false, ..five }.collateral_balance(&split).map(|c| (c, 0)), Ok((5, 0))),
    ]);
}

#[test]
fn aave_collateral_seized() {
    let q = |to_liquidator: i128, fee: i128| CollateralQuote {
        collateral_to_liquidator: to_liquidator,
        protocol_fee: fee,
        ..CollateralQuote::default()
    };
    // $1, 8 decimals, fee 10 %, bonus 105 %.
    let usd = reserve(USD8, 8);
    let quote = |debt, balance| partliq::venues::aave_v3::collateral_for_debt(&usd, &usd, debt, balance, 10_500).unwrap();
    check::<Result<i128>>(&[
        // Liquidator's part plus fee.
        ("0 + 0", q(0, 0).collateral_seized(), Ok(0)),
        ("1 + 0", q(1, 0).collateral_seized(), Ok(1)),
        ("0 + 1", q(0, 1).collateral_seized(), Ok(1)),
        ("MAX + 0", q(IMAX, 0).collateral_seized(), Ok(IMAX)),
        ("0 + MAX", q(0, IMAX).collateral_seized(), Ok(IMAX)),
        ("MAX − 1 + 1", q(IMAX - 1, 1).collateral_seized(), Ok(IMAX)),
        ("MAX + 1", q(IMAX, 1).collateral_seized(), Err(Error::Overflow)),
        ("1 + MAX", q(1, IMAX).collateral_seized(), Err(Error::Overflow)),
        ("MAX + MAX", q(IMAX, IMAX).collateral_seized(), Err(Error::Overflow)),
        // The other fields do not enter the sum.
        (
            "other fields at MAX",
            CollateralQuote { debt_repaid: IMAX, bonus_collateral: IMAX, base_collateral: IMAX, capped_by_balance: true, ..q(3, 4) }
                .collateral_seized(),
            Ok(7),
        ),
        // From collateral_for_debt: debt 1e11 ($1,000) → base 1e11, seized
        // ⌊1e11 × 1.05⌋ = 1.05e11 (balance 1e12 suffices); bonus part
        // 1.05e11 − 1e11 = 5e9, fee ⌈5e8⌉, liquidator 1.045e11: the sum is
        // the seized 1.05e11.
        ("quote, $1,000", quote(100_000_000_000, 1_000_000_000_000).collateral_seized(), Ok(105_000_000_000)),
        // Balance 1 wei < 1.05e11: seize the 1 wei; bonus part 1 − ⌊1 / 1.05⌋ = 1,
        // fee ⌈0.1⌉ = 1, liquidator 0: 0 + 1 = 1.
        ("quote, balance 1 wei", quote(100_000_000_000, 1).collateral_seized(), Ok(1)),
        // Debt 0: nothing seized.
        ("quote, debt 0", quote(0, 1_000).collateral_seized(), Ok(0)),
        // Balance 0, debt 1: ⌊1 × 1.05⌋ = 1 > 0 → seize the whole 0.
        ("quote, balance 0", quote(1, 0).collateral_seized(), Ok(0)),
    ]);
}

// ---------------------------------------------------------------------------
// dYdX v4: exact fractions (lowest terms, positive denominator; equal values
// have equal `num` and `den`; `Overflow` when a figure does not fit), block
// info and the mainnet config.

mod dydx_edges {
    use super::{check, IMAX, IMIN};
    use partliq::presets::dydx_v4::{LiquidationConfig, Rational, SubaccountLiquidationInfo, ONE_MILLION};
    use partliq::{Error, Result};

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    /// `(num, den)`, to pin the reduced form itself.
    fn nd(x: Result<Rational>) -> Result<(i128, i128)> {
        x.map(|q| (q.num(), q.den()))
    }

    const P126: i128 = 1 << 126;

    #[test]
    fn rational_checked_sub() {
        let i = Rational::from_int;
        check::<Result<(i128, i128)>>(&[
            ("0 − 0", nd(Rational::ZERO.checked_sub(Rational::ZERO)), Ok((0, 1))),
            // 3/6 − 2/6 = 1/6.
            ("1/2 − 1/3", nd(r(1, 2).checked_sub(r(1, 3))), Ok((1, 6))),
            // LCD 30: 5/30 − 3/30 = 2/30 = 1/15 (reduced).
            ("1/6 − 1/10", nd(r(1, 6).checked_sub(r(1, 10))), Ok((1, 15))),
            // Equal values: 0, as 0/1.
            ("1/2 − 1/2", nd(r(1, 2).checked_sub(r(1, 2))), Ok((0, 1))),
            // 1/3 + 2/3 = 3/3 = 1/1.
            ("1/3 − (−2/3)", nd(r(1, 3).checked_sub(r(-2, 3))), Ok((1, 1))),
            // −2/4 = −1/2: the sign on the numerator.
            ("1/4 − 3/4", nd(r(1, 4).checked_sub(r(3, 4))), Ok((-1, 2))),
            // Integer extremes.
            ("MAX − MAX", nd(i(IMAX).checked_sub(i(IMAX))), Ok((0, 1))),
            ("MIN − MIN", nd(i(IMIN).checked_sub(i(IMIN))), Ok((0, 1))),
            // 0 − MAX = −(2^127 − 1) = MIN + 1.
            ("0 − MAX", nd(Rational::ZERO.checked_sub(i(IMAX))), Ok((IMIN + 1, 1))),
            // 2^127 does not fit; MIN − 1 and MAX + 1 neither.
            ("0 − MIN", nd(Rational::ZERO.checked_sub(i(IMIN))), Err(Error::Overflow)),
            ("MIN − 1", nd(i(IMIN).checked_sub(Rational::ONE)), Err(Error::Overflow)),
            ("MAX − (−1)", nd(i(IMAX).checked_sub(i(-1))), Err(Error::Overflow)),
            // Results of exactly −2^127 = MIN fit (MIN / 1 is in lowest terms).
            ("MIN − 0", nd(i(IMIN).checked_sub(Rational::ZERO)), Ok((IMIN, 1))),
            ("−1 − MAX", nd(i(-1).checked_sub(i(IMAX))), Ok((IMIN, 1))),
            // MAX/2 − 1/2 = (2^127 − 2)/2 = 2^126 − 1.
            ("MAX/2 − 1/2", nd(r(IMAX, 2).checked_sub(r(1, 2))), Ok((P126 - 1, 1))),
            // Over the *least* common denominator 2^126 (the product 2^251
            // would not fit): 1/2^126 − 2/2^126 = −1/2^126.
            ("1/2^126 − 1/2^125", nd(r(1, P126).checked_sub(r(1, P126 / 2))), Ok((-1, P126))),
            // Denominator MAX: (MAX − 1)/MAX − 1 = −1/MAX; 1 − 1/MAX = (MAX − 1)/MAX.
            ("(MAX−1)/MAX − 1", nd(r(IMAX - 1, IMAX).checked_sub(Rational::ONE)), Ok((-1, IMAX))),
            ("1 − 1/MAX", nd(Rational::ONE.checked_sub(r(1, IMAX))), Ok((IMAX - 1, IMAX))),
            ("1/MAX − 0", nd(r(1, IMAX).checked_sub(Rational::ZERO)), Ok((1, IMAX))),
            ("1/MAX − 1/MAX", nd(r(1, IMAX).checked_sub(r(1, IMAX))), Ok((0, 1))),
            // Coprime denominators MAX and MAX − 1: the exact result
            // −1 / (MAX × (MAX − 1)) has a denominator beyond i128.
            ("1/MAX − 1/(MAX−1)", nd(r(1, IMAX).checked_sub(r(1, IMAX - 1))), Err(Error::Overflow)),
        ]);
    }

    #[test]
    fn rational_clamp_and_den() {
        let i = Rational::from_int;
        let c = |x: Rational| nd(Ok(x.clamp_unit()));
        check::<Result<(i128, i128)>>(&[
            // Below 0 → 0/1.
            ("clamp MIN", c(i(IMIN)), Ok((0, 1))),
            ("clamp −1/2", c(r(-1, 2)), Ok((0, 1))),
            ("clamp −1/MAX", c(r(-1, IMAX)), Ok((0, 1))),
            // Inside [0, 1]: unchanged, bounds included.
            ("clamp 0", c(Rational::ZERO), Ok((0, 1))),
            ("clamp 1/MAX", c(r(1, IMAX)), Ok((1, IMAX))),
            ("clamp 1/2", c(r(1, 2)), Ok((1, 2))),
            ("clamp (MAX−1)/MAX", c(r(IMAX - 1, IMAX)), Ok((IMAX - 1, IMAX))),
            ("clamp 1", c(Rational::ONE), Ok((1, 1))),
            // Above 1 → 1/1.
            ("clamp MAX/(MAX−1)", c(r(IMAX, IMAX - 1)), Ok((1, 1))),
            ("clamp 2", c(i(2)), Ok((1, 1))),
            ("clamp MAX", c(i(IMAX)), Ok((1, 1))),
        ]);
        let den = |n, d| Rational::new(n, d).map(|q| q.den());
        check::<Result<i128>>(&[
            ("den ZERO", Ok(Rational::ZERO.den()), Ok(1)),
            ("den ONE", Ok(Rational::ONE.den()), Ok(1)),
            ("den from_int(MIN)", Ok(Rational::from_int(IMIN).den()), Ok(1)),
            ("den from_int(MAX)", Ok(Rational::from_int(IMAX).den()), Ok(1)),
            ("den 1/MAX", den(1, IMAX), Ok(IMAX)),
            // Always positive: 1/−MAX = −1/MAX; 6/−4 = −3/2; −6/−4 = 3/2.
            ("den 1/−MAX", den(1, -IMAX), Ok(IMAX)),
            ("den 6/−4", den(6, -4), Ok(2)),
            ("den −6/−4", den(-6, -4), Ok(2)),
            // 0 over anything is 0/1, even over MIN.
            ("den 0/MIN", den(0, IMIN), Ok(1)),
            // MIN/MIN = 1; MIN/2 = −2^126.
            ("den MIN/MIN", den(IMIN, IMIN), Ok(1)),
            ("den MIN/2", den(IMIN, 2), Ok(1)),
            ("den 1/2^126", den(1, P126), Ok(P126)),
            // 1/MIN = −1/2^127: the positive denominator 2^127 does not fit.
            ("den 1/MIN", den(1, IMIN), Err(Error::Overflow)),
            ("den 3/MIN", den(3, IMIN), Err(Error::Overflow)),
            // 1/2 × 2 = 1/1.
            ("den of a product", r(1, 2).checked_mul(Rational::from_int(2)).map(|q| q.den()), Ok(1)),
            // 1/3 − 1/6 = 1/6.
            ("den of a difference", r(1, 3).checked_sub(r(1, 6)).map(|q| q.den()), Ok(6)),
        ]);
    }

    #[test]
    fn subaccount_info_has_perpetual() {
        let info = |ids: &'static [u32]| SubaccountLiquidationInfo { perpetuals_liquidated: ids, ..SubaccountLiquidationInfo::default() };
        let top = u32::MAX;
        check::<bool>(&[
            // Empty list: nothing liquidated, whatever the id.
            ("[] has 0", info(&[]).has_perpetual_been_liquidated(0), false),
            ("[] has MAX", info(&[]).has_perpetual_been_liquidated(top), false),
            ("default has 0", SubaccountLiquidationInfo::default().has_perpetual_been_liquidated(0), false),
            ("[0] has 0", info(&[0]).has_perpetual_been_liquidated(0), true),
            ("[0] has 1", info(&[0]).has_perpetual_been_liquidated(1), false),
            ("[0] has MAX", info(&[0]).has_perpetual_been_liquidated(top), false),
            ("[MAX] has MAX", info(&[u32::MAX]).has_perpetual_been_liquidated(top), true),
            ("[MAX] has MAX − 1", info(&[u32::MAX]).has_perpetual_been_liquidated(top - 1), false),
            // Any position in the list; duplicates are harmless.
            ("[7, 8] has 8", info(&[7, 8]).has_perpetual_been_liquidated(8), true),
            ("[7, 8] has 9", info(&[7, 8]).has_perpetual_been_liquidated(9), false),
            ("[7, 7] has 7", info(&[7, 7]).has_perpetual_been_liquidated(7), true),
            // The counters do not matter.
            (
                "counters at MAX, [] has 7",
                SubaccountLiquidationInfo { perpetuals_liquidated: &[], notional_liquidated: u64::MAX, quantums_insurance_lost: u64::MAX }
                    .has_perpetual_been_liquidated(7),
                false,
            ),
        ]);
    }

    /// Usable in a constant (it is a `const fn`).
    const GENESIS: LiquidationConfig = LiquidationConfig::mainnet_genesis();

    #[test]
    fn dydx_mainnet_genesis() {
        let g = LiquidationConfig::mainnet_genesis();
        // Doc comment (and shared/VENUES.md: fee 15,000; min notional 1e9;
        // portion 100,000; spread 1,500,000). USDC amounts × 10^6 quote quantums.
        check::<u64>(&[
            // 1.5 % = 15,000 ppm.
            ("fee", u64::from(g.max_liquidation_fee_ppm), 15_000),
            // BA 100 % = 10^6 ppm.
            ("BA", u64::from(g.fillable_price_config.bankruptcy_adjustment_ppm), 1_000_000),
            // SMMR 150 % = 1,500,000 ppm.
            ("SMMR", u64::from(g.fillable_price_config.spread_to_maintenance_margin_ratio_ppm), 1_500_000),
            // 1,000 USDC × 10^6 = 10^9.
            ("min notional", g.position_block_limits.min_position_notional_liquidated, 1_000_000_000),
            // 10 % = 100,000 ppm.
            ("portion", u64::from(g.position_block_limits.max_position_portion_liquidated_ppm), 100_000),
            // 100,000 USDC × 10^6 = 10^11.
            ("block notional", g.subaccount_block_limits.max_notional_liquidated, 100_000_000_000),
            // 1,000,000 USDC × 10^6 = 10^12.
            ("block insurance", g.subaccount_block_limits.max_quantums_insurance_lost, 1_000_000_000_000),
            ("BA = ONE_MILLION", u64::from(GENESIS.fillable_price_config.bankruptcy_adjustment_ppm), u64::from(ONE_MILLION)),
        ]);
        check::<Result<()>>(&[
            // Validate: BA ≥ 10^6, SMMR > 0 (150 % is allowed: only the fee and
            // portion are capped at 10^6), fee and portion in (0, 10^6], block
            // limits > 0.
            ("validate", g.validate(), Ok(())),
        ]);
        check::<bool>(&[
            // Every figure but BA differs from the code default (fee 5,000,
            // SMMR 100,000, min 1,000, portion 10^6, limits 10^14).
            ("≠ code default", g == LiquidationConfig::code_default(), false),
            (
                "same BA as code default",
                g.fillable_price_config.bankruptcy_adjustment_ppm
                    == LiquidationConfig::code_default().fillable_price_config.bankruptcy_adjustment_ppm,
                true,
            ),
            ("≠ Default", g == LiquidationConfig::default(), false),
            ("const = call", GENESIS == g, true),
        ]);
    }
}

// ---------------------------------------------------------------------------
// Presets.

/// A market whose fee fields are all non-zero (and its fee rounded down, not
/// the default up), so a write of 0 (or of `Ceil`) shows.
fn market() -> Market {
    Market {
        liquidation_fee: Ppm(123),
        liquidation_fee_rounding: Rounding::Floor,
        liquidator_fee_share: Ppm(456),
        dust_floor: Quote(789),
        ..Market::single_tier(-2, 3, 5, Ppm(100_000), Ppm(50_000))
    }
}

/// `m` with the four fee fields replaced (what `apply_to` documents), the
/// fee rounded up (what `preset` writes).
fn with_fees(m: Market, fee: u32, share: u32, dust: i64) -> Market {
    Market {
        liquidation_fee: Ppm(fee),
        liquidation_fee_rounding: Rounding::Ceil,
        liquidator_fee_share: Ppm(share),
        dust_floor: Quote(dust),
        ..m
    }
}

fn applied(p: &Preset, mut m: Market) -> Market {
    p.apply_to(&mut m);
    m
}

fn preset(fee: u32, share: u32, dust: i64) -> Preset {
    Preset {
        policy: Policy::default(),
        fees: VenueFees { liquidation_fee: Ppm(fee), liquidator_fee_share: Ppm(share), dust_floor: Quote(dust), ..VenueFees::default() },
    }
}

#[test]
fn preset_apply_to() {
    let m = market();
    // Writes the fee, its rounding, the fee split and the dust floor, nothing
    // else, and validates nothing.
    let mut twice = m;
    preset(u32::MAX, u32::MAX, i64::MAX).apply_to(&mut twice);
    Preset { policy: Policy::default(), fees: VenueFees::default() }.apply_to(&mut twice);
    let broken = Market::single_tier(i32::MAX, 0, 0, Ppm(u32::MAX), Ppm(u32::MAX));
    let d = presets::deribit(Ppm(200_000), Ppm(10_000));
    let b = presets::binance_usdm(Ppm(5_000), Ppm(10_000));
    check::<Market>(&[
        ("zeros over non-zeros", applied(&preset(0, 0, 0), m), with_fees(m, 0, 0, 0)),
        ("one unit each", applied(&preset(1, 1, 1), m), with_fees(m, 1, 1, 1)),
        ("u32::MAX, u32::MAX, i64::MAX", applied(&preset(u32::MAX, u32::MAX, i64::MAX), m), with_fees(m, u32::MAX, u32::MAX, i64::MAX)),
        // A negative dust floor is written as is (Market::validate refuses it later).
        ("dust i64::MIN", applied(&preset(0, 1_000_000, i64::MIN), m), with_fees(m, 0, 1_000_000, i64::MIN)),
        // The last write wins.
        ("applied twice", twice, with_fees(m, 0, 0, 0)),
        // An invalid market: still only the four fields change.
        ("invalid market", applied(&preset(5_000, 500_000, 7), broken), with_fees(broken, 5_000, 500_000, 7)),
        // The policy plays no part: the same fees under okx()'s policy.
        ("other policy", applied(&Preset { policy: presets::okx().policy, ..preset(9, 8, 7) }, m), with_fees(m, 9, 8, 7)),
        // Deribit: 0.75 % to the insurance fund (liquidator share 0); Binance:
        // the clearance fee given, all to the fund. (Neither documents a dust
        // floor, so that field is taken from the result.)
        ("deribit", applied(&d, m), Market { liquidation_fee: Ppm(7_500), liquidator_fee_share: Ppm(0), ..applied(&d, m) }),
        ("binance", applied(&b, m), Market { liquidation_fee: Ppm(5_000), liquidator_fee_share: Ppm(0), ..applied(&b, m) }),
    ]);
    // Each preset writes its own VenueFees.
    for (name, p) in [
        ("partliq_default", presets::partliq_default()),
        ("binance_usdm", b),
        ("bitmex", presets::bitmex()),
        ("bybit", presets::bybit()),
        ("okx", presets::okx()),
        ("deribit", d),
        ("hyperliquid", presets::hyperliquid(1_000_000, 1).unwrap()),
        ("perp_v2", presets::perp_v2(1_000_000, Ppm(10_000)).unwrap()),
        ("dydx_v4", presets::dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(10_000)).unwrap()),
        ("aave_v3_close_factor", presets::aave_v3_close_factor(1_000_000).unwrap()),
        ("synthetix_v3", presets::synthetix_v3(Quote(1), 1).unwrap()),
    ] {
        let f = p.fees;
        let want = Market {
            liquidation_fee_rounding: f.liquidation_fee_rounding,
            ..with_fees(m, f.liquidation_fee.0, f.liquidator_fee_share.0, f.dust_floor.0)
        };
        assert_eq!(applied(&p, m), want, "{name}");
    }
    // The venues that round the fee down (dYdX v4, Perpetual Protocol v2,
    // Aave v3.7); every other preset rounds up (documented, or undocumented
    // by the venue, or no fee).
    check::<Rounding>(&[
        ("partliq_default", presets::partliq_default().fees.liquidation_fee_rounding, Rounding::Ceil),
        ("binance_usdm", b.fees.liquidation_fee_rounding, Rounding::Ceil),
        ("deribit", d.fees.liquidation_fee_rounding, Rounding::Ceil),
        ("perp_v2", presets::perp_v2(1_000_000, Ppm(10_000)).unwrap().fees.liquidation_fee_rounding, Rounding::Floor),
        (
            "dydx_v4",
            presets::dydx_v4_policy(&LiquidationConfig::code_default(), Ppm(0)).unwrap().fees.liquidation_fee_rounding,
            Rounding::Floor,
        ),
        ("aave_v3_close_factor", presets::aave_v3_close_factor(1).unwrap().fees.liquidation_fee_rounding, Rounding::Floor),
        ("VenueFees::default()", VenueFees::default().liquidation_fee_rounding, Rounding::Ceil),
    ]);
}

#[test]
fn preset_partliq_default() {
    let p = presets::partliq_default().policy;
    // "maintenance + 5 %": buffer 50,000 ppm.
    check::<Target>(&[("target", p.target, Target::Maintenance { buffer: Ppm(50_000) })]);
    // "best release per unit of cost first (least notional liquidated)".
    check::<PlanOrder>(&[("order", p.order, PlanOrder::BestReleasePerCostFirst)]);
    // "the least reduction restoring …".
    check::<SizingMode>(&[("sizing", p.sizing, SizingMode::Minimal)]);
    check::<Ppm>(&[
        // "1 % band" = 10,000 ppm.
        ("band", p.price_band, Ppm(10_000)),
        // README: "partliq_default()'s own 1 % band and 0.5 % fee".
        ("fee", presets::partliq_default().fees.liquidation_fee, Ppm(5_000)),
    ]);
    // "backstop when infeasible" (and no equity-fraction threshold).
    check::<EscalationRules>(&[(
        "escalation",
        p.escalation,
        EscalationRules { backstop_fraction: Fraction::new(0, 0), backstop_on_infeasible: true },
    )]);
    // Policy::default is documented as "minimal reduction to maintenance, 1 %
    // band, largest maintenance first, no step rules, backstop when
    // infeasible": partliq_default differs in the buffer and the order only.
    check::<Policy>(&[(
        "vs Policy::default",
        p,
        Policy { target: Target::Maintenance { buffer: Ppm(50_000) }, order: PlanOrder::BestReleasePerCostFirst, ..Policy::default() },
    )]);
    // Buffer 5 % ≤ 100 %, band 1 % ≤ 100 %, no fractions, no negative limit.
    check::<Result<()>>(&[("validate", p.validate(), Ok(()))]);
}

#[test]
fn preset_binance_usdm() {
    let b = presets::binance_usdm;
    let no_vault = EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false };
    check::<Ppm>(&[
        // The clearance fee is the argument, stored as given (the constructor
        // cannot fail), at every extreme.
        ("fee 0", b(Ppm(0), Ppm(10_000)).fees.liquidation_fee, Ppm(0)),
        ("fee 1 ppm", b(Ppm(1), Ppm(10_000)).fees.liquidation_fee, Ppm(1)),
        ("fee 0.5 %", b(Ppm(5_000), Ppm(10_000)).fees.liquidation_fee, Ppm(5_000)),
        ("fee u32::MAX", b(Ppm(u32::MAX), Ppm(10_000)).fees.liquidation_fee, Ppm(u32::MAX)),
        // "goes to the insurance fund": liquidator share 0.
        ("share", b(Ppm(5_000), Ppm(10_000)).fees.liquidator_fee_share, Ppm(0)),
        ("share, fee 100 %", b(Ppm::ONE, Ppm::ONE).fees.liquidator_fee_share, Ppm(0)),
        // The band is the argument.
        ("band 0", b(Ppm(5_000), Ppm(0)).policy.price_band, Ppm(0)),
        ("band 100 %", b(Ppm(5_000), Ppm::ONE).policy.price_band, Ppm::ONE),
        ("band u32::MAX", b(Ppm(5_000), Ppm(u32::MAX)).policy.price_band, Ppm(u32::MAX)),
    ]);
    // "One large IOC order meant to restore the maintenance requirement (the
    // least reduction, here)".
    check::<SizingMode>(&[("sizing", b(Ppm(5_000), Ppm(10_000)).policy.sizing, SizingMode::Minimal)]);
    check::<Target>(&[("target", b(Ppm(5_000), Ppm(10_000)).policy.target, Target::MAINTENANCE)]);
    // "when it cannot, … the insurance fund takes over (no backstop vault)".
    check::<EscalationRules>(&[("escalation", b(Ppm(5_000), Ppm(10_000)).policy.escalation, no_vault)]);
    check::<Result<()>>(&[
        ("validate band 0", b(Ppm(0), Ppm(0)).policy.validate(), Ok(())),
        ("validate band 100 %", b(Ppm(5_000), Ppm::ONE).policy.validate(), Ok(())),
        // A band above 1,000,000 ppm.
        ("validate band 1e6 + 1", b(Ppm(5_000), Ppm(1_000_001)).policy.validate(), Err(Error::InvalidPriceBand)),
        ("validate band u32::MAX", b(Ppm(5_000), Ppm(u32::MAX)).policy.validate(), Err(Error::InvalidPriceBand)),
        // The fee is a market parameter, not the policy's.
        ("validate fee u32::MAX", b(Ppm(u32::MAX), Ppm(10_000)).policy.validate(), Ok(())),
    ]);
}

#[test]
fn preset_bitmex_bybit_okx() {
    let no_vault = EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false };
    check::<TierStep>(&[
        // "just large enough to bring the position under the next lower
        // risk-limit tier": one level; "in the lowest tier" (index 0) whole.
        ("bitmex tier step", presets::bitmex().policy.tier_step, TierStep { levels: 1, full_close_at_or_below_tier: 0 }),
        // "tier 3 or above are reduced two tiers per step; tier 2 or below
        // close fully": OKX's tiers 1, 2, 3 are indexes 0, 1, 2.
        ("okx tier step", presets::okx().policy.tier_step, TierStep { levels: 2, full_close_at_or_below_tier: 1 }),
    ]);
    check::<SizingMode>(&[
        // A fixed order the tier rule sizes (not the least reduction): as much
        // as the step rules allow.
        ("bitmex sizing", presets::bitmex().policy.sizing, SizingMode::MaxAllowed),
        ("okx sizing", presets::okx().policy.sizing, SizingMode::MaxAllowed),
    ]);
    check::<Ppm>(&[
        // Closed "at the bankruptcy price": band 100 %, clamped at bankruptcy
        // (the convention hyperliquid() documents).
        ("bitmex band", presets::bitmex().policy.price_band, Ppm::ONE),
        ("okx band", presets::okx().policy.price_band, Ppm::ONE),
    ]);
    // "taken over at the bankruptcy price (the insurance fund, no backstop vault)".
    check::<EscalationRules>(&[("bitmex escalation", presets::bitmex().policy.escalation, no_vault)]);
    // "as BitMEX".
    check::<Preset>(&[("bybit = bitmex", presets::bybit(), presets::bitmex())]);
    check::<Result<()>>(&[
        ("bitmex validate", presets::bitmex().policy.validate(), Ok(())),
        ("bybit validate", presets::bybit().policy.validate(), Ok(())),
        ("okx validate", presets::okx().policy.validate(), Ok(())),
    ]);
}

#[test]
fn preset_deribit() {
    let d = presets::deribit;
    check::<FractionCap>(&[
        // "part of the position each round": every position (threshold 0),
        // the argument's fraction, no full-size cooldown.
        (
            "20 %",
            d(Ppm(200_000), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(200_000), cooldown: 0 },
        ),
        (
            "1 ppm",
            d(Ppm(1), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(1), cooldown: 0 },
        ),
        (
            "100 %",
            d(Ppm::ONE, Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm::ONE, cooldown: 0 },
        ),
        // Stored as given (the constructor cannot fail).
        (
            "u32::MAX",
            d(Ppm(u32::MAX), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(u32::MAX), cooldown: 0 },
        ),
    ]);
    check::<Ppm>(&[
        // "the liquidation fee (BTC futures 0.75 %) goes to the insurance fund"
        // (VENUES.md: BTC 0.75 %): 7,500 ppm, liquidator share 0.
        ("fee", d(Ppm(200_000), Ppm(10_000)).fees.liquidation_fee, Ppm(7_500)),
        ("share", d(Ppm(200_000), Ppm(10_000)).fees.liquidator_fee_share, Ppm(0)),
        // The fee does not depend on the arguments.
        ("fee, extremes", d(Ppm(u32::MAX), Ppm(u32::MAX)).fees.liquidation_fee, Ppm(7_500)),
        ("band", d(Ppm(200_000), Ppm(0)).policy.price_band, Ppm(0)),
        ("band u32::MAX", d(Ppm(200_000), Ppm(u32::MAX)).policy.price_band, Ppm(u32::MAX)),
    ]);
    // Incremental, stopping once the requirement is met: the least reduction.
    check::<SizingMode>(&[("sizing", d(Ppm(200_000), Ppm(10_000)).policy.sizing, SizingMode::Minimal)]);
    check::<Result<()>>(&[
        ("validate 20 %", d(Ppm(200_000), Ppm(10_000)).policy.validate(), Ok(())),
        ("validate 100 %, band 100 %", d(Ppm::ONE, Ppm::ONE).policy.validate(), Ok(())),
        ("validate 0, band 0", d(Ppm(0), Ppm(0)).policy.validate(), Ok(())),
        // A fraction above 100 %: InvalidPolicyFraction.
        ("validate 1e6 + 1", d(Ppm(1_000_001), Ppm(10_000)).policy.validate(), Err(Error::InvalidPolicyFraction)),
        ("validate u32::MAX", d(Ppm(u32::MAX), Ppm(10_000)).policy.validate(), Err(Error::InvalidPolicyFraction)),
        ("validate band 1e6 + 1", d(Ppm(200_000), Ppm(1_000_001)).policy.validate(), Err(Error::InvalidPriceBand)),
    ]);
}
