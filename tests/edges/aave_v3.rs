//! Aave v3 replica edge tables: the rounding primitives (uint256: negative
//! inputs refused), prices, values and balances, the close factor, the
//! collateral quote, `liquidationCall` and the liquidation info.

use partliq::venues::aave_v3::{self, *};
use partliq::{Error, Result};

use crate::support::{check, IMAX, IMIN};

// ---------------------------------------------------------------------------
// Aave v3 rounding primitives (uint256: negative inputs refused).

#[test]
fn aave_math() {
    use aave_v3::*;
    check::<Result<i128>>(&[
        ("percent_mul(-1, 1)", percent_mul(-1, 1), Err(Error::OutOfRange)),
        ("percent_mul(1, -1)", percent_mul(1, -1), Err(Error::OutOfRange)),
        // 1 × 5,000 / 10,000 = 0.5 → half up 1; 0.4999 → 0.
        ("percent_mul(1, 5000)", percent_mul(1, 5_000), Ok(1)),
        ("percent_mul(1, 4999)", percent_mul(1, 4_999), Ok(0)),
        ("percent_mul_floor(1, 9999)", percent_mul_floor(1, 9_999), Ok(0)),
        ("percent_mul_ceil(1, 1)", percent_mul_ceil(1, 1), Ok(1)),
        ("percent_mul_floor(-1, 1)", percent_mul_floor(-1, 1), Err(Error::OutOfRange)),
        ("percent_mul_ceil(1, -1)", percent_mul_ceil(1, -1), Err(Error::OutOfRange)),
        // MAX × 10,000 / 10,000 = MAX exactly (256-bit product).
        ("percent_mul_floor(MAX, 10000)", percent_mul_floor(IMAX, 10_000), Ok(IMAX)),
        ("percent_mul_ceil(MAX, 10000)", percent_mul_ceil(IMAX, 10_000), Ok(IMAX)),
        ("percent_mul_floor(MAX, 10001)", percent_mul_floor(IMAX, 10_001), Err(Error::Overflow)),
        // Division by a zero percentage (Solidity reverts).
        ("percent_div(1, 0)", percent_div(1, 0), Err(Error::DivisionByZero)),
        ("percent_div_floor(1, 0)", percent_div_floor(1, 0), Err(Error::DivisionByZero)),
        ("percent_div_ceil(1, 0)", percent_div_ceil(1, 0), Err(Error::DivisionByZero)),
        ("percent_div(1, -1)", percent_div(1, -1), Err(Error::OutOfRange)),
        // 1 × 10,000 / 20,000 = 0.5 → half up 1, floor 0, ceil 1.
        ("percent_div(1, 20000)", percent_div(1, 20_000), Ok(1)),
        ("percent_div_floor(1, 20000)", percent_div_floor(1, 20_000), Ok(0)),
        ("percent_div_ceil(1, 20000)", percent_div_ceil(1, 20_000), Ok(1)),
        // 1 × 10,000 / MAX → 0 floor, 1 ceil.
        ("percent_div_floor(1, MAX)", percent_div_floor(1, IMAX), Ok(0)),
        ("percent_div_ceil(1, MAX)", percent_div_ceil(1, IMAX), Ok(1)),
        ("percent_div_floor(MAX, 10000)", percent_div_floor(IMAX, 10_000), Ok(IMAX)),
        ("wad_div(1, 0)", wad_div(1, 0), Err(Error::DivisionByZero)),
        ("wad_div(0, 1)", wad_div(0, 1), Ok(0)),
        // 1 × 10^18 / (2 × 10^18) = 0.5 → 1; / (2 × 10^18 + 1) < 0.5 → 0.
        ("wad_div(1, 2 WAD)", wad_div(1, 2 * WAD), Ok(1)),
        ("wad_div(1, 2 WAD + 1)", wad_div(1, 2 * WAD + 1), Ok(0)),
        ("wad_div(WAD, WAD)", wad_div(WAD, WAD), Ok(WAD)),
        // MAX × 10^18 / 1 does not fit.
        ("wad_div(MAX, 1)", wad_div(IMAX, 1), Err(Error::Overflow)),
        ("wad_div(-1, 1)", wad_div(-1, 1), Err(Error::OutOfRange)),
        ("ray_mul_floor(RAY, RAY)", ray_mul_floor(RAY, RAY), Ok(RAY)),
        // 1 × 1 / 10^27: floor 0, ceil 1.
        ("ray_mul_floor(1, 1)", ray_mul_floor(1, 1), Ok(0)),
        ("ray_mul_ceil(1, 1)", ray_mul_ceil(1, 1), Ok(1)),
        ("ray_mul_ceil(0, MAX)", ray_mul_ceil(0, IMAX), Ok(0)),
        ("ray_mul_floor(MAX, RAY)", ray_mul_floor(IMAX, RAY), Ok(IMAX)),
        ("ray_mul_ceil(MAX, RAY + 1)", ray_mul_ceil(IMAX, RAY + 1), Err(Error::Overflow)),
        ("ray_mul_floor(-1, RAY)", ray_mul_floor(-1, RAY), Err(Error::OutOfRange)),
        ("ray_div_floor(1, 0)", ray_div_floor(1, 0), Err(Error::DivisionByZero)),
        ("ray_div_ceil(1, 0)", ray_div_ceil(1, 0), Err(Error::DivisionByZero)),
        // 1 × 10^27 / (3 × 10^27) = 1/3: floor 0, ceil 1.
        ("ray_div_floor(1, 3 RAY)", ray_div_floor(1, 3 * RAY), Ok(0)),
        ("ray_div_ceil(1, 3 RAY)", ray_div_ceil(1, 3 * RAY), Ok(1)),
        ("ray_div_floor(MAX, RAY)", ray_div_floor(IMAX, RAY), Ok(IMAX)),
        ("ray_div_ceil(MAX, RAY - 1)", ray_div_ceil(IMAX, RAY - 1), Err(Error::Overflow)),
        ("mul_div_ceil(MAX, MAX, MAX)", mul_div_ceil(IMAX, IMAX, IMAX), Ok(IMAX)),
        ("mul_div_ceil(1, 1, 0)", mul_div_ceil(1, 1, 0), Err(Error::DivisionByZero)),
        ("mul_div_ceil(-1, 1, 1)", mul_div_ceil(-1, 1, 1), Err(Error::OutOfRange)),
        ("mul_div_ceil(1, 1, -1)", mul_div_ceil(1, 1, -1), Err(Error::OutOfRange)),
        // 1 × 1 / MAX → ceil 1.
        ("mul_div_ceil(1, 1, MAX)", mul_div_ceil(1, 1, IMAX), Ok(1)),
    ]);
}

/// Regression (found by these tables, fixed): the half-up helpers computed
/// `⌊(⌊2ab / d⌋ + 1) / 2⌋` in `i128`, so they failed with `Overflow` when
/// `2b` or `2ab / d` exceeded `i128::MAX` although the documented result
/// (`a × b / d`, half up) fits.
#[test]
fn aave_half_up_intermediate() {
    use aave_v3::*;
    check::<Result<i128>>(&[
        // 0 × MAX / 10,000 = 0 (2 × MAX overflows inside).
        ("percent_mul(0, MAX)", percent_mul(0, IMAX), Ok(0)),
        // MAX × 10,000 / 10,000 = MAX (2 × MAX overflows inside).
        ("percent_mul(MAX, 10000)", percent_mul(IMAX, 10_000), Ok(IMAX)),
        // MAX × 10,000 / 10,000 = MAX.
        ("percent_div(MAX, 10000)", percent_div(IMAX, 10_000), Ok(IMAX)),
        // Half up at the boundary: 3 × 50 % = 1.5 → 2; 1 × 49.99 % = 0.4999 → 0;
        // 1 / 200 % = 0.5 → 1; 1 × 1e18 / 3 = 333…333.33 → …333.
        ("percent_mul(3, 5000)", percent_mul(3, 5_000), Ok(2)),
        ("percent_mul(1, 4999)", percent_mul(1, 4_999), Ok(0)),
        ("percent_div(1, 20000)", percent_div(1, 20_000), Ok(1)),
        ("wad_div(1, 3)", wad_div(1, 3), Ok(333_333_333_333_333_333)),
        // MAX × 1e18 / 1e18 = MAX (the product needs 256 bits).
        ("wad_div(MAX, 1e18)", wad_div(IMAX, 1_000_000_000_000_000_000), Ok(IMAX)),
    ]);
}

#[test]
fn aave_empty_account() {
    // No reserves: no collateral, no debt; the health factor of an account
    // without debt is HEALTH_FACTOR_NO_DEBT.
    assert_eq!(aave_v3::health_factor(&[], &[]), Ok(HEALTH_FACTOR_NO_DEBT));
    let d = aave_v3::account_data(&[], &[]).unwrap();
    assert_eq!(d.health_factor, HEALTH_FACTOR_NO_DEBT);
}

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
    let quote = |debt, balance| aave_v3::collateral_for_debt(&usd, &usd, debt, balance, 10_500).unwrap();
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
// Aave v3: close factor, collateral for debt, liquidationCall, liquidation
// info. Two $1 reserves with 8 decimals (price 1e8, unit 1e8), so 1 wei is
// worth exactly 1 base unit ($1e-8) and every value below is its own amount.
// LT 86 %, bonus 105 %, protocol fee 10 % unless a row says otherwise.

const E8: i128 = 100_000_000;
/// $2,000 and $1,000 in base units (8 decimals).
const CF_MIN: i128 = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD;
const LEFT_MIN: i128 = MIN_LEFTOVER_BASE;

fn dollar(fee_bps: u32) -> Reserve {
    Reserve::new(E8, 8, 8_600, 10_500, fee_bps)
}

/// Reserve 0 holds collateral `c`, reserve 1 the debt `d`.
fn pair(c: i128, d: i128) -> ([Reserve; 2], [UserReserve; 2]) {
    ([dollar(1_000), dollar(1_000)], [UserReserve::new(c, 0), UserReserve::new(0, d)])
}

fn cf(c: i128, d: i128) -> Result<(i128, CloseFactorRule)> {
    let (r, u) = pair(c, d);
    close_factor(&r, &u, 0, 1).map(|f| (f.max_liquidatable_debt, f.rule))
}

#[test]
fn close_factor_edges() {
    use CloseFactorRule::*;
    let (r, u) = pair(CF_MIN, CF_MIN);
    // Three reserves: collateral 9.5e11 + 1 and two debts of 4.3e11 each.
    let r3 = [dollar(1_000), dollar(1_000), dollar(1_000)];
    let u3 = [UserReserve::new(950_000_000_001, 0), UserReserve::new(0, 430_000_000_000), UserReserve::new(0, 430_000_000_000)];
    check::<Result<(i128, CloseFactorRule)>>(&[
        // Collateral worth $2,000 − 1e-8 < threshold: the whole debt.
        ("collateral 2e11 − 1", cf(CF_MIN - 1, 250_000_000_000), Ok((250_000_000_000, CollateralBelowThreshold))),
        // Collateral at the threshold, debt 1 below: the whole debt.
        ("debt 2e11 − 1", cf(CF_MIN, CF_MIN - 1), Ok((CF_MIN - 1, DebtBelowThreshold))),
        // HF = wadDiv(9.5e11 × 8,600, 8.6e11) / 1e4 = 9,500e18 / 1e4 =
        // 0.95e18 exactly: at the threshold, the whole debt.
        ("HF = 0.95", cf(950_000_000_000, 860_000_000_000), Ok((860_000_000_000, HealthFactorAtOrBelowThreshold))),
        // One more wei of collateral: wadDiv adds 8,600e18 / 8.6e11 = 1e10,
        // HF = 0.95e18 + 1e6 > 0.95: half of the total debt 8.6e11,
        // percentMul(8.6e11, 50 %) = 4.3e11, converted at $1: 4.3e11.
        ("HF = 0.95 + 1e-12", cf(950_000_000_001, 860_000_000_000), Ok((430_000_000_000, HalfOfTotalDebt))),
        // Total debt 8.6e11, half 4.3e11; the reserve's 4.3e11 is not above
        // it: the whole reserve debt.
        (
            "reserve debt = half",
            close_factor(&r3, &u3, 0, 1).map(|f| (f.max_liquidatable_debt, f.rule)),
            Ok((430_000_000_000, ReserveDebtWithinHalf)),
        ),
        // No debt at all: the close factor is 0 wei of debt (collateral 0 < $2,000).
        ("no debt, no collateral", cf(0, 0), Ok((0, CollateralBelowThreshold))),
    ]);
    check::<Result<MaxLiquidatableDebt>>(&[
        ("collateral index 2 of 2", close_factor(&r, &u, 2, 1), Err(Error::UnknownMarket)),
        ("debt index usize::MAX", close_factor(&r, &u, 0, usize::MAX), Err(Error::UnknownMarket)),
        ("empty slices", close_factor(&[], &[], 0, 0), Err(Error::UnknownMarket)),
        ("one user entry for two reserves", close_factor(&r, &u[..1], 0, 1), Err(Error::BufferTooSmall)),
        ("two user entries for one reserve", close_factor(&r[..1], &u, 0, 0), Err(Error::UnknownMarket)),
        ("scaled collateral i128::MIN", close_factor(&r, &[UserReserve::new(i128::MIN, 0), u[1]], 0, 1), Err(Error::OutOfRange)),
        ("scaled debt −1", close_factor(&r, &[u[0], UserReserve::new(0, -1)], 0, 1), Err(Error::OutOfRange)),
        // MAX × 1e8 / 1e8 = MAX is the value; × 8,600 for the weighted sum overflows.
        ("scaled collateral i128::MAX", close_factor(&r, &[UserReserve::new(IMAX, 0), u[1]], 0, 1), Err(Error::Overflow)),
        ("debt price 0", close_factor(&[r[0], Reserve { price: 0, ..r[1] }], &u, 0, 1), Err(Error::MissingPrice)),
        ("debt price −1", close_factor(&[r[0], Reserve { price: -1, ..r[1] }], &u, 0, 1), Err(Error::NegativePrice)),
        ("39 decimals", close_factor(&[Reserve { decimals: 39, ..r[0] }, r[1]], &u, 0, 1), Err(Error::OutOfRange)),
        ("bonus 9,999 bps", close_factor(&[Reserve { liquidation_bonus: 9_999, ..r[0] }, r[1]], &u, 0, 1), Err(Error::OutOfRange)),
        (
            "threshold 10,001 bps",
            close_factor(&[Reserve { liquidation_threshold: 10_001, ..r[0] }, r[1]], &u, 0, 1),
            Err(Error::FractionAbove100Percent),
        ),
        ("liquidity index RAY − 1", close_factor(&[r[0].with_indexes(RAY - 1, RAY), r[1]], &u, 0, 1), Err(Error::OutOfRange)),
    ]);
}

fn quote(debt: i128, balance: i128, bonus: u32, fee_bps: u32) -> Result<CollateralQuote> {
    collateral_for_debt(&dollar(fee_bps), &dollar(1_000), debt, balance, bonus)
}

const fn q(to_liquidator: i128, repaid: i128, fee: i128, bonus: i128, base: i128, capped: bool) -> CollateralQuote {
    CollateralQuote {
        collateral_to_liquidator: to_liquidator,
        debt_repaid: repaid,
        protocol_fee: fee,
        bonus_collateral: bonus,
        base_collateral: base,
        capped_by_balance: capped,
    }
}

#[test]
fn collateral_for_debt_edges() {
    let d38 = Reserve::new(E8, 38, 8_600, 10_500, 1_000);
    check::<Result<CollateralQuote>>(&[
        // Nothing asked, nothing held: all zero.
        ("0 debt, 0 balance", quote(0, 0, 10_500, 1_000), Ok(q(0, 0, 0, 0, 0, false))),
        // 1 wei: base 1, seized ⌊1 × 1.05⌋ = 1, bonus part 1 − ⌊1 / 1.05⌋ = 1,
        // fee ⌈1 × 10 %⌉ = 1: the treasury takes the one wei, the liquidator 0.
        ("1 wei of debt", quote(1, 10_000_000_000, 10_500, 1_000), Ok(q(0, 1, 1, 1, 1, false))),
        // Same without a protocol fee: the bonus part is not computed.
        ("1 wei, fee 0", quote(1, 10_000_000_000, 10_500, 0), Ok(q(1, 1, 0, 0, 1, false))),
        // 2e10 asked, 2.1e10 wanted > balance 1e10: seize 1e10, debt
        // ⌈1e10 / 1.05⌉ = ⌈9,523,809,523.8⌉ = 9,523,809,524; bonus part
        // 1e10 − 9,523,809,523 = 476,190,477, fee ⌈47,619,047.7⌉ = 47,619,048.
        (
            "capped by balance 1e10",
            quote(20_000_000_000, 10_000_000_000, 10_500, 1_000),
            Ok(q(9_952_380_952, 9_523_809_524, 47_619_048, 476_190_477, 20_000_000_000, true)),
        ),
        // Exactly the balance: ⌊9,523,809,524 × 1.05⌋ = ⌊10,000,000,000.2⌋ = 1e10, not above: not capped.
        (
            "seized = balance",
            quote(9_523_809_524, 10_000_000_000, 10_500, 1_000),
            Ok(q(9_952_380_952, 9_523_809_524, 47_619_048, 476_190_477, 9_523_809_524, false)),
        ),
        // Balance 0: everything wanted is capped to 0; debt ⌈0⌉ = 0.
        ("balance 0", quote(1_000, 0, 10_500, 1_000), Ok(q(0, 0, 0, 0, 1_000, true))),
        // Bonus 100 %: seized = debt, no bonus part, no fee.
        ("bonus 10,000", quote(100, 1_000, 10_000, 1_000), Ok(q(100, 100, 0, 0, 100, false))),
        ("bonus 10,000 at i128::MAX", quote(IMAX, IMAX, 10_000, 1_000), Ok(q(IMAX, IMAX, 0, 0, IMAX, false))),
        // ⌊MAX × 1.05⌋ does not fit before the cap is applied.
        ("bonus 10,500 at i128::MAX", quote(IMAX, 10_000_000_000, 10_500, 1_000), Err(Error::Overflow)),
        ("bonus 9,999", quote(100, 1_000, 9_999, 1_000), Err(Error::OutOfRange)),
        ("debt −1", quote(-1, 1_000, 10_500, 1_000), Err(Error::OutOfRange)),
        ("balance i128::MIN", quote(1, i128::MIN, 10_500, 1_000), Err(Error::OutOfRange)),
        ("debt price 0", collateral_for_debt(&dollar(0), &Reserve { price: 0, ..dollar(0) }, 1, 1, 10_500), Err(Error::MissingPrice)),
        (
            "collateral price −1",
            collateral_for_debt(&Reserve { price: -1, ..dollar(0) }, &dollar(0), 1, 1, 10_500),
            Err(Error::NegativePrice),
        ),
        // P_coll × U_debt = 1e8 × 1e38 does not fit i128: a clear error, not a wrong figure.
        ("debt with 38 decimals", collateral_for_debt(&dollar(0), &d38, 1, 1, 10_500), Err(Error::Overflow)),
    ]);
}

fn call(cover: i128, receive_a_token: bool) -> LiquidationCall {
    LiquidationCall { collateral_index: 0, debt_index: 1, debt_to_cover: cover, receive_a_token }
}

type After = ([UserReserve; 2], [i128; 2]);

fn liquidate(c: i128, d: i128, call: LiquidationCall) -> Result<(Liquidation, After)> {
    let (r, u) = pair(c, d);
    let (mut after, mut deficits) = ([UserReserve::default(); 2], [0i128; 2]);
    let l = liquidation_call(&r, &u, &call, &mut after, &mut deficits)?;
    Ok((l, (after, deficits)))
}

fn err(c: i128, d: i128, call: LiquidationCall) -> Option<Error> {
    liquidate(c, d, call).err()
}

#[test]
fn liquidation_call_validation_edges() {
    let (r, u) = pair(220_000_000_000, 210_000_000_000);
    let mut after = [UserReserve::default(); 2];
    let mut deficits = [0i128; 2];
    let not_collateral = [UserReserve { use_as_collateral: false, ..u[0] }, u[1]];
    check::<Option<Error>>(&[
        // HF = wadDiv(1e12 × 8,600, 8.6e11) / 1e4 = 1e18: not below 1.
        ("HF = 1", err(1_000_000_000_000, 860_000_000_000, call(IMAX, false)), Some(ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD)),
        ("no debt (HF = MAX)", err(1_000, 0, call(IMAX, false)), Some(ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD)),
        // Liquidating reserve 0's debt, which is 0 (HF 0.9 < 1).
        (
            "debt reserve not borrowed",
            liquidation_call(&r, &u, &LiquidationCall { debt_index: 0, ..call(IMAX, false) }, &mut after, &mut deficits).err(),
            Some(ERR_NOT_BORROWED),
        ),
        // Collateral bit off: no collateral counts, HF 0 < 1, then refused.
        (
            "collateral not enabled",
            liquidation_call(&r, &not_collateral, &call(IMAX, false), &mut after, &mut deficits).err(),
            Some(ERR_COLLATERAL_CANNOT_BE_LIQUIDATED),
        ),
        ("debt_to_cover −1", err(220_000_000_000, 210_000_000_000, call(-1, false)), Some(Error::OutOfRange)),
        ("debt_to_cover i128::MIN", err(220_000_000_000, 210_000_000_000, call(i128::MIN, false)), Some(Error::OutOfRange)),
        // Nothing repaid: the debt burn would be zero scaled units.
        ("debt_to_cover 0", err(220_000_000_000, 210_000_000_000, call(0, false)), Some(ERR_INVALID_BURN_AMOUNT)),
        (
            "collateral index 2",
            liquidation_call(&r, &u, &LiquidationCall { collateral_index: 2, ..call(IMAX, false) }, &mut after, &mut deficits).err(),
            Some(Error::UnknownMarket),
        ),
        (
            "user_after too short",
            liquidation_call(&r, &u, &call(IMAX, false), &mut after[..1], &mut deficits).err(),
            Some(Error::BufferTooSmall),
        ),
        ("deficits empty", liquidation_call(&r, &u, &call(IMAX, false), &mut after, &mut []).err(), Some(Error::BufferTooSmall)),
        ("empty slices", liquidation_call(&[], &[], &call(IMAX, false), &mut [], &mut []).err(), Some(Error::UnknownMarket)),
        (
            "user slice short",
            liquidation_call(&r, &u[..1], &call(IMAX, false), &mut after, &mut deficits).err(),
            Some(Error::BufferTooSmall),
        ),
    ]);
}

#[test]
fn liquidation_call_amount_edges() {
    // C 2.2e11, D 2.1e11: HF = 2.2e11 × 0.86 / 2.1e11 = 0.9009… ≤ 0.95, so
    // the whole debt is liquidatable.
    let (c, d) = (220_000_000_000, 210_000_000_000);
    // Repaying 1.1e11 leaves debt 1e11 = $1,000 exactly (not below) and
    // collateral 2.2e11 − ⌊1.1e11 × 1.05⌋ = 1.045e11: passes.
    let (l, (after, deficits)) = liquidate(c, d, call(110_000_000_000, false)).unwrap();
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    // Seized 1.155e11, bonus part 5.5e9, fee 5.5e8, liquidator 1.1495e11.
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (110_000_000_000, 114_950_000_000, 550_000_000));
    assert_eq!((after[0].scaled_collateral, after[1].scaled_debt, deficits), (104_500_000_000, LEFT_MIN, [0, 0]));
    // One wei more leaves debt worth $1,000 − 1e-8.
    assert_eq!(err(c, d, call(110_000_000_001, false)), Some(ERR_MUST_NOT_LEAVE_DUST));

    // debtToCover = MAX: 2.1e11 wanted, ⌊2.1e11 × 1.05⌋ = 2.205e11 > 2.2e11:
    // seize all 2.2e11, debt ⌈2.2e11 / 1.05⌉ = 209,523,809,524; bonus part
    // 2.2e11 − 209,523,809,523 = 10,476,190,477, fee ⌈1,047,619,047.7⌉ =
    // 1,047,619,048, liquidator 218,952,380,952. No collateral left: the
    // whole debt is burned and 2.1e11 − 209,523,809,524 = 476,190,476 is deficit.
    let (l, (after, deficits)) = liquidate(c, d, call(IMAX, false)).unwrap();
    assert_eq!(l.dust, DustCheck::AllCollateralSeized);
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (209_523_809_524, 218_952_380_952, 1_047_619_048));
    assert!(l.collateral_fully_consumed && l.has_no_collateral_left);
    assert_eq!((l.deficit, l.bad_debt_reserves, l.scaled.debt_burned), (476_190_476, 0, d));
    assert_eq!(after, [UserReserve { scaled_collateral: 0, use_as_collateral: false, scaled_debt: 0 }, UserReserve::new(0, 0)]);
    assert_eq!(deficits, [0, 476_190_476]);
    assert_eq!(l.account_after.health_factor, HEALTH_FACTOR_NO_DEBT);

    // 1 wei of collateral against 1 wei of debt (HF 0.86): the whole debt
    // is repaid, the 1 wei seized goes to the treasury as fee and the
    // liquidator gets 0 — refused when that is an underlying burn…
    assert_eq!(err(1, 1, call(IMAX, false)), Some(ERR_INVALID_BURN_AMOUNT));
    // …accepted as an aToken transfer of 0.
    let (l, (after, deficits)) = liquidate(1, 1, call(IMAX, true)).unwrap();
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee, l.dust), (1, 0, 1, DustCheck::AllDebtRepaid));
    assert_eq!((after[0].scaled_collateral, after[1].scaled_debt, deficits), (0, 0, [0, 0]));

    // Just below HF 1: C 1e12 − 1, D 8.6e11 → HF = 1e18 − 1e6 > 0.95: the
    // close factor caps MAX at 4.3e11; seized 4.515e11, fee 2.15e9.
    let (l, (after, _)) = liquidate(1_000_000_000_000 - 1, 860_000_000_000, call(IMAX, false)).unwrap();
    assert_eq!(l.account_before.health_factor, 1_000_000_000_000_000_000 - 1_000_000);
    assert_eq!((l.debt_requested, l.collateral_to_liquidator, l.protocol_fee), (430_000_000_000, 449_350_000_000, 2_150_000_000));
    assert_eq!((after[0].scaled_collateral, after[1].scaled_debt), (548_499_999_999, 430_000_000_000));
}

fn info(c: i128, d: i128, fee_bps: u32, cover: i128) -> Result<LiquidationInfo> {
    let r = [dollar(fee_bps), dollar(1_000)];
    liquidation_info(&r, &[UserReserve::new(c, 0), UserReserve::new(0, d)], 0, 1, cover)
}

const fn li(coll: i128, debt: i128, fee: i128, pass: i128) -> LiquidationInfo {
    LiquidationInfo { max_collateral_to_liquidate: coll, max_debt_to_liquidate: debt, protocol_fee: fee, amount_to_pass: pass }
}

#[test]
fn liquidation_info_edges() {
    let none = Ok(LiquidationInfo::default());
    let r = [dollar(1_000), dollar(1_000)];
    let off = [UserReserve { use_as_collateral: false, ..UserReserve::new(250_000_000_000, 0) }, UserReserve::new(0, 250_000_000_000)];
    check::<Result<LiquidationInfo>>(&[
        ("HF = 1", info(1_000_000_000_000, 860_000_000_000, 1_000, IMAX), none),
        ("no debt", info(1_000, 0, 1_000, IMAX), none),
        ("collateral not enabled", liquidation_info(&r, &off, 0, 1, IMAX), none),
        // C = D = 2.5e11, HF 0.86: whole debt asked, ⌊2.5e11 × 1.05⌋ > 2.5e11:
        // seize all, debt ⌈2.5e11 / 1.05⌉ = 238,095,238,096; bonus part
        // 2.5e11 − 238,095,238,095 = 11,904,761,905, fee ⌈1,190,476,190.5⌉ =
        // 1,190,476,191, liquidator 248,809,523,809. Aave's provider passes
        // MAX only when the debt or the liquidator's collateral (after the
        // fee) is the whole balance — neither is, so the debt figure is passed.
        (
            "all collateral, fee 10 %",
            info(250_000_000_000, 250_000_000_000, 1_000, IMAX),
            Ok(li(248_809_523_809, 238_095_238_096, 1_190_476_191, 238_095_238_096)),
        ),
        // Without a fee the liquidator's collateral is the whole balance: MAX.
        ("all collateral, fee 0", info(250_000_000_000, 250_000_000_000, 0, IMAX), Ok(li(250_000_000_000, 238_095_238_096, 0, IMAX))),
        // C 2.2e11, D 2.1e11, asking 1.2e11: leftovers 2.2e11 − 1.26e11 =
        // 9.4e10 and 9e10, short by 6e9 and 1e10; the debt side is further
        // below, so debt −= 1e10 → 1.1e11, collateral ⌊1.1e11 × 1.05⌋ =
        // 1.155e11, fee 10 % of 5.5e9 = 5.5e8, liquidator 1.1495e11.
        (
            "debt leftover adjusted",
            info(220_000_000_000, 210_000_000_000, 1_000, 120_000_000_000),
            Ok(li(114_950_000_000, 110_000_000_000, 550_000_000, 110_000_000_000)),
        ),
        // C 2.2e11, D 2.4e11, asking 1.3e11: seized 1.365e11, fee 6.5e8,
        // liquidator 1.3585e11; leftovers 8.35e10 (short 1.65e10) and 1.1e11.
        // Collateral side: 1.3585e11 − 1.65e10 = 1.1935e11, debt
        // ⌈1.1935e11 / 1.05⌉ = ⌈113,666,666,666.7⌉ = 113,666,666,667; fee on
        // 1.1935e11 − 113,666,666,666 = 5,683,333,334 is ⌈568,333,333.4⌉ =
        // 568,333,334; liquidator 1.1935e11 − 568,333,334 = 118,781,666,666.
        (
            "collateral leftover adjusted",
            info(220_000_000_000, 240_000_000_000, 1_000, 130_000_000_000),
            Ok(li(118_781_666_666, 113_666_666_667, 568_333_334, 113_666_666_667)),
        ),
        // Asking 0: both leftovers are large, nothing to adjust.
        ("debt_to_cover 0", info(220_000_000_000, 210_000_000_000, 1_000, 0), Ok(li(0, 0, 0, 0))),
        // A small account asking 0: the collateral side is $1,000 short
        // (5e10 below) and the helper would subtract 5e10 from 0.
        ("small account, 0 asked", info(50_000_000_000, 60_000_000_000, 1_000, 0), Err(Error::Overflow)),
        ("debt_to_cover −1", info(220_000_000_000, 210_000_000_000, 1_000, -1), Err(Error::OutOfRange)),
        ("collateral index 2", liquidation_info(&r, &off, 2, 1, IMAX), Err(Error::UnknownMarket)),
        ("empty slices", liquidation_info(&[], &[], 0, 0, IMAX), Err(Error::UnknownMarket)),
    ]);
    // The amounts the provider reports pass the pool's dust rule.
    let (l, _) = liquidate(220_000_000_000, 240_000_000_000, call(113_666_666_667, false)).unwrap();
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    let (l, _) = liquidate(250_000_000_000, 250_000_000_000, call(238_095_238_096, false)).unwrap();
    assert_eq!((l.dust, l.debt_repaid), (DustCheck::AllCollateralSeized, 238_095_238_096));
}
