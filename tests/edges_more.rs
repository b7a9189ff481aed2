//! More edge tables (issue 8): dYdX v4 and Aave v3 integer functions, the
//! preset constructors, the shared-memory objects, the scanner and the
//! liquidation index, at `i128` / `i64` / `u64` extremes, zero, one, empty
//! slices, `MAX_POSITIONS` and `MAX_TIERS`. Every expected value is derived
//! from the function's documentation; the arithmetic is in the comment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use core::sync::atomic::AtomicU64;
use partliq::presets::dydx_v4::{self, ClobPair, Rational, Risk};
use partliq::presets::{self, dydx_v4::LiquidationConfig};
use partliq::shared::capacity::MAX_AMOUNT;
use partliq::shared::params::MAX_SLOTS;
use partliq::shared::{Capacity, CapacityLimits, InsuranceFund, Params, UNLIMITED};
use partliq::venues::aave_v3::{self, HEALTH_FACTOR_NO_DEBT};
use partliq::*;

mod common;
use common::{check, zeroed, IMAX, IMIN};

// ---------------------------------------------------------------------------
// dYdX v4: big-number helpers.

#[test]
fn dydx_big_helpers() {
    use dydx_v4::{big_div_ceil, big_int_mul_ppm, big_int_round_to_multiple, big_mul_ppm};
    check::<Result<i128>>(&[
        // 0 × anything = 0.
        ("big_mul_ppm(0, i128::MAX, up)", big_mul_ppm(0, IMAX, true), Ok(0)),
        // 1 × 1 / 10^6 = 10^-6: up → 1, down (toward −∞) → 0.
        ("big_mul_ppm(1, 1, up)", big_mul_ppm(1, 1, true), Ok(1)),
        ("big_mul_ppm(1, 1, down)", big_mul_ppm(1, 1, false), Ok(0)),
        // −10^-6: down (toward −∞) → −1, up → 0.
        ("big_mul_ppm(-1, 1, down)", big_mul_ppm(-1, 1, false), Ok(-1)),
        ("big_mul_ppm(-1, 1, up)", big_mul_ppm(-1, 1, true), Ok(0)),
        // MAX × 10^6 / 10^6 = MAX: the 256-bit intermediate keeps it exact.
        ("big_mul_ppm(MAX, 1e6)", big_mul_ppm(IMAX, 1_000_000, false), Ok(IMAX)),
        ("big_mul_ppm(MIN, 1e6)", big_mul_ppm(IMIN, 1_000_000, true), Ok(IMIN)),
        // MAX × (10^6 + 1) / 10^6 > MAX: does not fit.
        ("big_mul_ppm(MAX, 1e6+1)", big_mul_ppm(IMAX, 1_000_001, false), Err(Error::Overflow)),
        // MIN × −1 = 2^127 > MAX.
        ("big_mul_ppm(MIN, -1e6)", big_mul_ppm(IMIN, -1_000_000, false), Err(Error::Overflow)),
        // MIN × (−1 ppm) = 2^127 / 10^6: fits.
        ("big_mul_ppm(MIN, -1, down)", big_mul_ppm(IMIN, -1, false), Ok((1i128 << 126) / 500_000)),
        ("big_int_mul_ppm(MIN, 1e6)", big_int_mul_ppm(IMIN, 1_000_000), Ok(IMIN)),
        // −1 × 1 / 10^6 floored = −1.
        ("big_int_mul_ppm(-1, 1)", big_int_mul_ppm(-1, 1), Ok(-1)),
        ("big_int_mul_ppm(x, 0)", big_int_mul_ppm(IMAX, 0), Ok(0)),
        // MAX × ~4295 ≫ MAX.
        ("big_int_mul_ppm(MAX, u32::MAX)", big_int_mul_ppm(IMAX, u32::MAX), Err(Error::Overflow)),
        ("big_div_ceil(1, 0)", big_div_ceil(1, 0), Err(Error::DivisionByZero)),
        // ⌈±7 / ±2⌉: 3.5 → 4, −3.5 → −3.
        ("big_div_ceil(7, 2)", big_div_ceil(7, 2), Ok(4)),
        ("big_div_ceil(-7, 2)", big_div_ceil(-7, 2), Ok(-3)),
        ("big_div_ceil(7, -2)", big_div_ceil(7, -2), Ok(-3)),
        ("big_div_ceil(-7, -2)", big_div_ceil(-7, -2), Ok(4)),
        ("big_div_ceil(0, MIN)", big_div_ceil(0, IMIN), Ok(0)),
        ("big_div_ceil(MIN, 1)", big_div_ceil(IMIN, 1), Ok(IMIN)),
        // ⌈MAX / 2⌉ = 2^126 (MAX = 2^127 − 1).
        ("big_div_ceil(MAX, 2)", big_div_ceil(IMAX, 2), Ok(1i128 << 126)),
        // MIN / −1 = 2^127 does not fit.
        ("big_div_ceil(MIN, -1)", big_div_ceil(IMIN, -1), Err(Error::Overflow)),
        ("round_to_multiple(n, 0)", big_int_round_to_multiple(5, 0, true), Err(Error::OutOfRange)),
        ("round_to_multiple(n, -1)", big_int_round_to_multiple(5, -1, false), Err(Error::OutOfRange)),
        ("round_to_multiple(n, MIN)", big_int_round_to_multiple(5, IMIN, false), Err(Error::OutOfRange)),
        // 7 → 10 up, 5 down; −7 → −5 up, −10 down (toward −∞).
        ("round_to_multiple(7, 5, up)", big_int_round_to_multiple(7, 5, true), Ok(10)),
        ("round_to_multiple(7, 5, down)", big_int_round_to_multiple(7, 5, false), Ok(5)),
        ("round_to_multiple(-7, 5, up)", big_int_round_to_multiple(-7, 5, true), Ok(-5)),
        ("round_to_multiple(-7, 5, down)", big_int_round_to_multiple(-7, 5, false), Ok(-10)),
        ("round_to_multiple(0, MAX, up)", big_int_round_to_multiple(0, IMAX, true), Ok(0)),
        // MIN = −2^127 is a multiple of 2; MAX rounded up to a multiple of 2 is 2^127: no fit.
        ("round_to_multiple(MIN, 2, down)", big_int_round_to_multiple(IMIN, 2, false), Ok(IMIN)),
        ("round_to_multiple(MAX, 2, up)", big_int_round_to_multiple(IMAX, 2, true), Err(Error::Overflow)),
        // MAX down to a multiple of MAX is MAX; 1 up to a multiple of MAX is MAX.
        ("round_to_multiple(MAX, MAX, down)", big_int_round_to_multiple(IMAX, IMAX, false), Ok(IMAX)),
        ("round_to_multiple(1, MAX, up)", big_int_round_to_multiple(1, IMAX, true), Ok(IMAX)),
    ]);
}

#[test]
fn dydx_rational_and_clamp() {
    use dydx_v4::{big_rat_round, big_uint64_clamp};
    let r = |n, d| Rational::new(n, d).unwrap();
    check::<Result<i128>>(&[
        // ½: up 1, down 0; −½: up 0, down −1.
        ("round(1/2, up)", big_rat_round(r(1, 2), true), Ok(1)),
        ("round(1/2, down)", big_rat_round(r(1, 2), false), Ok(0)),
        ("round(-1/2, up)", big_rat_round(r(-1, 2), true), Ok(0)),
        ("round(-1/2, down)", big_rat_round(r(-1, 2), false), Ok(-1)),
        ("round(MIN/1)", big_rat_round(Rational::from_int(IMIN), true), Ok(IMIN)),
        ("round(MAX/1)", big_rat_round(Rational::from_int(IMAX), false), Ok(IMAX)),
        // MAX / 2 = 2^126 − ½: up 2^126, down 2^126 − 1.
        ("round(MAX/2, up)", big_rat_round(r(IMAX, 2), true), Ok(1i128 << 126)),
        ("round(MAX/2, down)", big_rat_round(r(IMAX, 2), false), Ok((1i128 << 126) - 1)),
        // 1 / MAX: up 1, down 0.
        ("round(1/MAX, up)", big_rat_round(r(1, IMAX), true), Ok(1)),
        ("round(1/MAX, down)", big_rat_round(r(1, IMAX), false), Ok(0)),
    ]);
    check::<Result<Rational>>(&[
        ("Rational::new(1, 0)", Rational::new(1, 0), Err(Error::DivisionByZero)),
        ("Rational::new(0, -5) = 0/1", Rational::new(0, -5), Ok(Rational::ZERO)),
        // 6 / −4 = −3/2 in lowest terms, positive denominator.
        ("Rational::new(6, -4)", Rational::new(6, -4), Ok(Rational::from_int(-3).checked_mul(r(1, 2)).unwrap())),
        // MAX / MAX = 1/1.
        ("Rational::new(MAX, MAX)", Rational::new(IMAX, IMAX), Ok(Rational::ONE)),
    ]);
    let m = u64::MAX;
    check::<u64>(&[
        ("clamp(-1, 0, MAX)", big_uint64_clamp(-1, 0, m), 0),
        ("clamp(MIN, 0, MAX)", big_uint64_clamp(IMIN, 0, m), 0),
        ("clamp(i128::MAX, 0, MAX)", big_uint64_clamp(IMAX, 0, m), m),
        // u64::MAX + 1 clamps to u64::MAX; u64::MAX stays.
        ("clamp(u64::MAX + 1)", big_uint64_clamp(i128::from(m) + 1, 0, m), m),
        ("clamp(u64::MAX)", big_uint64_clamp(i128::from(m), 0, m), m),
        ("clamp(0, 0, 0)", big_uint64_clamp(0, 0, 0), 0),
        // Overlapping bounds [10, 3]: n < lower → lower, otherwise upper.
        ("clamp(5, 10, 3)", big_uint64_clamp(5, 10, 3), 10),
        ("clamp(10, 10, 3)", big_uint64_clamp(10, 10, 3), 3),
        ("clamp(MAX, 10, 3)", big_uint64_clamp(IMAX, 10, 3), 3),
    ]);
}

// ---------------------------------------------------------------------------
// dYdX v4: quantum conversions.

#[test]
fn dydx_conversions() {
    use dydx_v4::{base_to_quote_quantums as b2q, fill_amount_to_quote_quantums as fill, quote_to_base_quantums as q2b};
    let um = u64::MAX;
    let (imax32, imin32) = (i32::MAX, i32::MIN);
    check::<Result<i128>>(&[
        // Exponent = price_exponent + atomic_resolution + 6.
        // e = 0: 1 × 1 = 1.
        ("b2q(1, -6, 1, 0)", b2q(1, -6, 1, 0), Ok(1)),
        ("b2q(0, -6, MAX, 0)", b2q(0, -6, um, 0), Ok(0)),
        // e = −1: ±1 / 10 truncates toward zero → 0; −19 / 10 → −1.
        ("b2q(1, -7, 1, 0)", b2q(1, -7, 1, 0), Ok(0)),
        ("b2q(-1, -7, 1, 0)", b2q(-1, -7, 1, 0), Ok(0)),
        ("b2q(-19, -7, 1, 0)", b2q(-19, -7, 1, 0), Ok(-1)),
        // e = 0, price 1: the base itself, at both extremes.
        ("b2q(MAX, -6, 1, 0)", b2q(IMAX, -6, 1, 0), Ok(IMAX)),
        ("b2q(MIN, -6, 1, 0)", b2q(IMIN, -6, 1, 0), Ok(IMIN)),
        ("b2q(MAX, -6, 2, 0)", b2q(IMAX, -6, 2, 0), Err(Error::Overflow)),
        // e = 38: 10^38 < 2^127 ≈ 1.7 × 10^38 fits; 2 × 10^38 and 10^39 do not.
        ("b2q(1, 32, 1, 0)", b2q(1, 32, 1, 0), Ok(10i128.pow(38))),
        ("b2q(2, 32, 1, 0)", b2q(2, 32, 1, 0), Err(Error::Overflow)),
        ("b2q(1, 33, 1, 0)", b2q(1, 33, 1, 0), Err(Error::Overflow)),
        // "Ok exactly when the result fits, for any exponents":
        // 0 × 10^(2^32) = 0; MAX × u64::MAX × 10^(−2^32) truncates to 0.
        ("b2q(0, i32::MAX, MAX, i32::MAX)", b2q(0, imax32, um, imax32), Ok(0)),
        ("b2q(MAX, i32::MIN, MAX, i32::MIN)", b2q(IMAX, imin32, um, imin32), Ok(0)),
        ("b2q(1, i32::MAX, 1, i32::MAX)", b2q(1, imax32, 1, imax32), Err(Error::Overflow)),
        // Price 0: notional 0.
        ("b2q(MAX, -6, 0, 0)", b2q(IMAX, -6, 0, 0), Ok(0)),
        ("q2b(x, _, 0, _)", q2b(1, -6, 0, 0), Err(Error::DivisionByZero)),
        ("q2b(1, -6, 1, 0)", q2b(1, -6, 1, 0), Ok(1)),
        // −1 / 2 truncates toward zero → 0.
        ("q2b(-1, -6, 2, 0)", q2b(-1, -6, 2, 0), Ok(0)),
        // e = −1: 1 / 10^−1 = 10; MAX × 10 does not fit.
        ("q2b(1, -7, 1, 0)", q2b(1, -7, 1, 0), Ok(10)),
        ("q2b(MAX, -7, 1, 0)", q2b(IMAX, -7, 1, 0), Err(Error::Overflow)),
        ("q2b(MIN, -6, 1, 0)", q2b(IMIN, -6, 1, 0), Ok(IMIN)),
        ("q2b(MIN, -6, MAX, 0)", q2b(IMIN, -6, um, 0), Ok(IMIN / i128::from(um))),
        // 0 × 10^(2^32) = 0; MAX / 10^(2^32) → 0.
        ("q2b(0, i32::MIN, 1, i32::MIN)", q2b(0, imin32, 1, imin32), Ok(0)),
        ("q2b(MAX, i32::MAX, 1, i32::MAX)", q2b(IMAX, imax32, 1, imax32), Ok(0)),
        ("fill(0, MAX, 38)", fill(0, um, 38), Ok(0)),
        // (2^64 − 1)^2 = 2^128 − 2^65 + 1 > 2^127 − 1: no fit; /10 fits.
        ("fill(MAX, MAX, 0)", fill(um, um, 0), Err(Error::Overflow)),
        ("fill(MAX, MAX, -1)", fill(um, um, -1), Ok(i128::try_from(u128::from(um) * u128::from(um) / 10).unwrap())),
        // 1 / 10 rounded down → 0.
        ("fill(1, 1, -1)", fill(1, 1, -1), Ok(0)),
        ("fill(1, 1, 38)", fill(1, 1, 38), Ok(10i128.pow(38))),
        ("fill(1, 1, 39)", fill(1, 1, 39), Err(Error::Overflow)),
        ("fill(MAX, MAX, i32::MIN)", fill(um, um, imin32), Ok(0)),
        ("fill(1, 1, i32::MAX)", fill(1, 1, imax32), Err(Error::Overflow)),
    ]);
}

#[test]
fn dydx_subticks_and_risk() {
    use dydx_v4::{fillable_price_to_subticks as to_subticks, subaccount_risk};
    let pair = |spt: u32, qce: i32| ClobPair { step_base_quantums: 1, subticks_per_tick: spt, quantum_conversion_exponent: qce };
    let r = |n, d| Rational::new(n, d).unwrap();
    let top10 = u64::MAX - u64::MAX % 10; // 18,446,744,073,709,551,610
    check::<Result<u64>>(&[
        ("price 1, spt 1, qce 0", to_subticks(Rational::ONE, true, &pair(1, 0)), Ok(1)),
        ("spt 0", to_subticks(Rational::ONE, true, &pair(0, 0)), Err(Error::InvalidTick)),
        ("negative price", to_subticks(r(-1, 1), false, &pair(1, 0)), Err(Error::NegativePrice)),
        // 0 subticks clamps up to one tick.
        ("price 0, spt 10", to_subticks(Rational::ZERO, false, &pair(10, 0)), Ok(10)),
        // Beyond u64: clamps to u64::MAX − u64::MAX % 10.
        ("price MAX, spt 10", to_subticks(Rational::from_int(IMAX), true, &pair(10, 0)), Ok(top10)),
        ("price u64::MAX, spt 1", to_subticks(Rational::from_int(u64::MAX.into()), false, &pair(1, 0)), Ok(u64::MAX)),
        // 1/3 × 10^1 = 3.33: long (sell) up → 4, short (buy) down → 3.
        ("1/3, qce -1, long", to_subticks(r(1, 3), true, &pair(1, -1)), Ok(4)),
        ("1/3, qce -1, short", to_subticks(r(1, 3), false, &pair(1, -1)), Ok(3)),
        // spt 2: 4 stays, 3 → 2 (down).
        ("1/3, qce -1, spt 2, long", to_subticks(r(1, 3), true, &pair(2, -1)), Ok(4)),
        ("1/3, qce -1, spt 2, short", to_subticks(r(1, 3), false, &pair(2, -1)), Ok(2)),
        // 1/3 at qce 0, short: 0 → clamped to 1 tick.
        ("1/3, qce 0, short", to_subticks(r(1, 3), false, &pair(1, 0)), Ok(1)),
    ]);
    check::<Result<Risk>>(&[
        // No positions: NC = USDC, no requirement.
        ("risk(0, [])", subaccount_risk(0, &[]), Ok(Risk { mmr: 0, imr: 0, nc: 0 })),
        ("risk(MAX, [])", subaccount_risk(IMAX, &[]), Ok(Risk { mmr: 0, imr: 0, nc: IMAX })),
        ("risk(MIN, [])", subaccount_risk(IMIN, &[]), Ok(Risk { mmr: 0, imr: 0, nc: IMIN })),
    ]);
    // Risk predicates at zero: NC ≥ IMR and NC ≥ MMR hold; liquidatable needs MMR > 0.
    let z = Risk::default();
    assert!(z.is_initial_collateralized() && z.is_maintenance_collateralized() && !z.is_liquidatable());
    // MMR 1, NC 0: liquidatable; NC MIN with MMR 0: not (MMR must be > 0).
    assert!(Risk { mmr: 1, imr: 1, nc: 0 }.is_liquidatable());
    assert!(!Risk { mmr: 0, imr: 0, nc: IMIN }.is_liquidatable());
    // Field-wise sum: MAX + 1 overflows.
    assert_eq!(Risk { mmr: 0, imr: 0, nc: IMAX }.checked_add(Risk { mmr: 0, imr: 0, nc: 1 }), Err(Error::Overflow));
}

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
// Preset constructors.

#[test]
fn preset_constructors() {
    use presets::*;
    let band = Ppm(10_000);
    let err = |r: Result<Preset>| r.err();
    check::<Option<Error>>(&[
        // quote_per_usd ≤ 0 is out of range.
        ("hyperliquid(0, 1)", err(hyperliquid(0, 1)), Some(Error::OutOfRange)),
        ("hyperliquid(-1, 1)", err(hyperliquid(-1, 1)), Some(Error::OutOfRange)),
        ("hyperliquid(MIN, 1)", err(hyperliquid(i64::MIN, 1)), Some(Error::OutOfRange)),
        // 100,000 × i64::MAX does not fit a Quote.
        ("hyperliquid(MAX, 1)", err(hyperliquid(i64::MAX, 1)), Some(Error::Overflow)),
        // 30 s × u64::MAX ticks per second overflows.
        ("hyperliquid(1, u64::MAX)", err(hyperliquid(1, u64::MAX)), Some(Error::Overflow)),
        ("hyperliquid(1, 0)", err(hyperliquid(1, 0)), None),
        ("perp_v2(0)", err(perp_v2(0, band)), Some(Error::OutOfRange)),
        ("perp_v2(-1)", err(perp_v2(-1, band)), Some(Error::OutOfRange)),
        // 100 × i64::MAX does not fit.
        ("perp_v2(MAX)", err(perp_v2(i64::MAX, band)), Some(Error::Overflow)),
        ("aave_v3_close_factor(0)", err(aave_v3_close_factor(0)), Some(Error::OutOfRange)),
        ("aave_v3_close_factor(-1)", err(aave_v3_close_factor(-1)), Some(Error::OutOfRange)),
        ("aave_v3_close_factor(MAX)", err(aave_v3_close_factor(i64::MAX)), Some(Error::Overflow)),
        ("synthetix_v3(_, 0)", err(synthetix_v3(Quote(1), 0)), Some(Error::ZeroWindow)),
    ]);
    // perp_v2 at 1 unit per USD: dust floor $100 + one unit = 101.
    assert_eq!(perp_v2(1, band).unwrap().fees.dust_floor, Quote(101));
    // quote_per_usd = i64::MAX / 100: 100 × that fits; + 1 still fits (≤ i64::MAX − 7 + 1).
    let q = i64::MAX / 100;
    assert_eq!(perp_v2(q, band).unwrap().fees.dust_floor, Quote(q * 100 + 1));
    // aave: min position $2,000, min remainder $1,000 at 1 unit per USD.
    let a = aave_v3_close_factor(1).unwrap().policy.close_factor;
    assert_eq!((a.min_position_notional, a.min_remainder), (Quote(2_000), Quote(1_000)));
    // dYdX limits above i64::MAX do not fit a Quote.
    let mut cfg = LiquidationConfig::code_default();
    cfg.subaccount_block_limits.max_notional_liquidated = u64::MAX;
    assert_eq!(dydx_v4_policy(&cfg, band).err(), Some(Error::Overflow));
    cfg.subaccount_block_limits.max_notional_liquidated = i64::MAX as u64;
    assert_eq!(dydx_v4_policy(&cfg, band).unwrap().policy.block_limits.max_notional, Quote(i64::MAX));

    let err_m = |r: Result<Market>| r.err();
    let over: Vec<(i64, u32)> = (0..=MAX_TIERS as i64).map(|k| (k * 1_000, 10)).collect();
    check::<Option<Error>>(&[
        ("hyperliquid_market(no tiers)", err_m(hyperliquid_market(0, 1, 1, 1, &[])), Some(Error::InvalidTierCount)),
        ("hyperliquid_market(MAX_TIERS + 1)", err_m(hyperliquid_market(0, 1, 1, 1, &over)), Some(Error::InvalidTierCount)),
        ("hyperliquid_market(leverage 0)", err_m(hyperliquid_market(0, 1, 1, 1, &[(0, 0)])), Some(Error::OutOfRange)),
        ("hyperliquid_market(quote_per_usd 0)", err_m(hyperliquid_market(0, 1, 1, 0, &[(0, 10)])), Some(Error::OutOfRange)),
        ("hyperliquid_market(quote_per_usd -1)", err_m(hyperliquid_market(0, 1, 1, -1, &[(0, 10)])), Some(Error::OutOfRange)),
        ("binance_btcusdt_2021(0)", err_m(binance_btcusdt_2021(0, 1, 1, 0)), Some(Error::OutOfRange)),
        // 50,000 × i64::MAX does not fit.
        ("binance_btcusdt_2021(MAX)", err_m(binance_btcusdt_2021(0, 1, 1, i64::MAX)), Some(Error::Overflow)),
    ]);
    // Leverage 1: IM 100 %, MM 50 %. Leverage 3: ⌈10^6 / 3⌉ = 333,334, ⌈10^6 / 6⌉ = 166,667.
    let m = hyperliquid_market(0, 1, 1, 1, &[(0, 3)]).unwrap();
    let t = m.active_tiers().unwrap()[0];
    assert_eq!((t.initial, t.maintenance), (Ppm(333_334), Ppm(166_667)));
    let m = hyperliquid_market(0, 1, 1, 1, &[(0, 1)]).unwrap();
    assert_eq!((m.active_tiers().unwrap()[0].initial, m.active_tiers().unwrap()[0].maintenance), (Ppm(1_000_000), Ppm(500_000)));
    // Exactly MAX_TIERS tiers, floors 0, 1,000, …, leverage 50 (IM 2 %, MM 1 %).
    let full: Vec<(i64, u32)> = (0..MAX_TIERS as i64).map(|k| (k * 1_000, 50)).collect();
    assert_eq!(hyperliquid_market(0, 1, 1, 1, &full).unwrap().active_tiers().unwrap().len(), MAX_TIERS);
}

// ---------------------------------------------------------------------------
// Shared memory.

#[test]
fn shared_fund_edges() {
    let w = InsuranceFund::words();
    assert_eq!(InsuranceFund::size_of(), w * 8);
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(InsuranceFund::init(&mut empty, Quote(0), Quote(0)).err(), Some(Error::SharedMemoryTooSmall));
    let mut short = zeroed(w - 1);
    assert_eq!(InsuranceFund::init(&mut short, Quote(0), Quote(0)).err(), Some(Error::SharedMemoryTooSmall));
    // Zeroed memory of the right size was never initialized.
    let mut mem = zeroed(w);
    assert_eq!(InsuranceFund::attach(&mem).err(), Some(Error::SharedMemoryNotInitialized));
    assert_eq!(InsuranceFund::attach(&mem[..w - 1]).err(), Some(Error::SharedMemoryTooSmall));
    {
        let f = InsuranceFund::init(&mut mem, Quote(i64::MAX), Quote(0)).unwrap();
        // Credit 0: balance unchanged; credit 1 past i64::MAX: Overflow, nothing credited.
        assert_eq!(f.credit(Quote(0)), Ok(Quote(i64::MAX)));
        assert_eq!(f.credit(Quote(1)), Err(Error::Overflow));
        assert_eq!(f.balance(), Ok(Quote(i64::MAX)));
        assert_eq!(f.credit(Quote(-1)), Err(Error::OutOfRange));
        assert_eq!(f.debit(Quote(-1)), Err(Error::OutOfRange));
        // Room above floor 0 is i64::MAX: a debit of all of it leaves 0.
        assert_eq!(f.debit(Quote(i64::MAX)), Ok(Quote(0)));
        // Nothing left: a debit of 1 is refused, a debit of 0 succeeds.
        assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.debit(Quote(0)), Ok(Quote(0)));
        let l = f.ledger().unwrap();
        assert!(l.is_balanced());
    }
    let f = InsuranceFund::attach(&mem).unwrap();
    assert_eq!(f.balance(), Ok(Quote(0)));
    // Initial below the floor is allowed; a zero debit still succeeds.
    let mut mem2 = zeroed(w);
    let f = InsuranceFund::init(&mut mem2, Quote(0), Quote(i64::MAX)).unwrap();
    assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(f.debit(Quote(0)), Ok(Quote(0)));
}

#[test]
fn shared_params_edges() {
    let w2 = Params::<u64>::words(2).unwrap();
    let wmax = Params::<u64>::words(MAX_SLOTS).unwrap();
    let mut mem = zeroed(wmax);
    // Slot counts below 2 or above MAX_SLOTS.
    for slots in [0, 1, MAX_SLOTS + 1, usize::MAX] {
        assert_eq!(Params::<u64>::init(&mut mem, slots, &7).err(), Some(Error::InvalidSlotCount), "slots {slots}");
    }
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(Params::<u64>::init(&mut empty, 2, &7).err(), Some(Error::SharedMemoryTooSmall));
    let mut short = zeroed(w2 - 1);
    assert_eq!(Params::<u64>::init(&mut short, 2, &7).err(), Some(Error::SharedMemoryTooSmall));
    // words overflows at usize::MAX slots.
    assert_eq!(Params::<u64>::words(usize::MAX), None);
    // Exact size, 2 and MAX_SLOTS slots: version 1 holds the initial value.
    let mut m2 = zeroed(w2);
    let p = Params::<i64>::init(&mut m2, 2, &i64::MIN).unwrap();
    assert_eq!((p.slots(), p.version()), (2, Ok(1)));
    assert_eq!(p.read().unwrap().value, i64::MIN);
    let p = Params::<u64>::init(&mut mem, MAX_SLOTS, &u64::MAX).unwrap();
    assert_eq!(p.slots(), MAX_SLOTS);
    assert_eq!(p.read().unwrap().value, u64::MAX);
    // Publishing bumps the version to 2.
    assert_eq!(p.publish(&0), Ok(2));
    let zero = zeroed(w2);
    assert_eq!(Params::<u64>::attach(&zero).err(), Some(Error::SharedMemoryNotInitialized));
}

#[test]
fn shared_capacity_edges() {
    let lim = |b: u64| CapacityLimits { window_len: 0, window_budget: UNLIMITED, block_budget: b };
    let w = Capacity::words(1, 1).unwrap();
    let mut mem = zeroed(w);
    // No market, no entry.
    assert_eq!(Capacity::init(&mut mem, &[], 1).err(), Some(Error::InvalidSlotCount));
    assert_eq!(Capacity::init(&mut mem, &[CapacityLimits::UNLIMITED], 0).err(), Some(Error::InvalidSlotCount));
    // Budget 2^48 is neither ≤ MAX_AMOUNT nor UNLIMITED; 2^48 − 1 is fine.
    assert_eq!(MAX_AMOUNT, (1u64 << 48) - 1);
    assert_eq!(Capacity::init(&mut mem, &[lim(MAX_AMOUNT + 1)], 1).err(), Some(Error::OutOfRange));
    // A window budget without a window length.
    let no_len = CapacityLimits { window_len: 0, window_budget: 1, block_budget: UNLIMITED };
    assert_eq!(Capacity::init(&mut mem, &[no_len], 1).err(), Some(Error::ZeroWindow));
    let mut short = zeroed(w - 1);
    assert_eq!(Capacity::init(&mut short, &[lim(1)], 1).err(), Some(Error::SharedMemoryTooSmall));
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(Capacity::init(&mut empty, &[lim(1)], 1).err(), Some(Error::SharedMemoryTooSmall));
    assert_eq!(Capacity::attach(&zeroed(w)).err(), Some(Error::SharedMemoryNotInitialized));
    assert_eq!(Capacity::words(usize::MAX, 1), None);

    let c = Capacity::init(&mut mem, &[lim(MAX_AMOUNT)], 1).unwrap();
    assert_eq!((c.markets(), c.entries()), (1, 1));
    // Amounts 0 and 2^48 are out of range; unknown market 1.
    assert_eq!(c.reserve(0, 0, 0, 0, false).err(), Some(Error::OutOfRange));
    assert_eq!(c.reserve(0, MAX_AMOUNT + 1, 0, 0, false).err(), Some(Error::OutOfRange));
    assert_eq!(c.reserve(1, 1, 0, 0, false).err(), Some(Error::UnknownMarket));
    assert_eq!(c.available(0, 0, 0), Ok(MAX_AMOUNT));
    // The whole 2^48 − 1 budget in one reservation; the one entry is then in use.
    let r = c.reserve(0, MAX_AMOUNT, 0, 0, false).unwrap();
    assert_eq!(r.amount, MAX_AMOUNT);
    assert_eq!(c.available(0, 0, 0), Ok(0));
    // The only entry is live: the table is full.
    assert_eq!(c.reserve(0, 1, 0, 0, true).err(), Some(Error::ReservationTableFull));
    c.commit(r.reservation, MAX_AMOUNT).unwrap();
    assert_eq!(c.block_used(0, 0), Ok(MAX_AMOUNT));
    // Entry free again, budget spent: even a partial reservation gets nothing.
    assert_eq!(c.reserve(0, 1, 0, 0, true).err(), Some(Error::CapacityExhausted));
    // The next block has the whole budget again.
    assert_eq!(c.available(0, 0, 1), Ok(MAX_AMOUNT));
    // Committing the same handle twice is refused.
    assert!(c.commit(r.reservation, 0).is_err());
}

// ---------------------------------------------------------------------------
// Scanner and index.

fn pos(m: u32, size: i64, qb: i64) -> Position {
    Position { market_index: m, size: Size(size), quote_balance: Quote(qb) }
}

#[test]
fn scan_edges() {
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    // No accounts: complete at 0, nothing checked.
    let out = scan_accounts(&markets, &prices, &[], &[], 0, &mut []);
    assert_eq!(out, ScanOutcome { count: 0, next: 0, end: ScanEnd::Complete, exact_checks: 0 });
    let out = scan_accounts(&[], &[], &[], &[], 0, &mut []);
    assert_eq!(out, ScanOutcome { count: 0, next: 0, end: ScanEnd::Complete, exact_checks: 0 });
    // Long 100 @ 100 with quote balance −9,600: equity 400 < MM 500 → not
    // healthy. A zero-length hit buffer: BufferFull at account 0, nothing written.
    let positions = [pos(0, 100, -9_600)];
    let accounts = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 }];
    let out = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut []);
    assert_eq!((out.count, out.next, out.end), (0, 0, ScanEnd::BufferFull));
    let mut hits = [ScanHit::default(); 1];
    let out = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut hits);
    assert_eq!((out.count, out.next, out.end), (1, 1, ScanEnd::Complete));
    // Equity 400, MM 100 × 100 × 5 % = 500.
    assert_eq!((hits[0].health.equity, hits[0].health.maintenance_requirement), (Quote(400), Quote(500)));
    // A range outside the positions array.
    let bad = [ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 }];
    let out = scan_accounts(&markets, &prices, &bad, &positions, 0, &mut hits);
    assert_eq!((out.next, out.end), (0, ScanEnd::Failed(Error::UnknownPosition)));
    // An account with no positions and zero collateral: equity 0, MM 0 → healthy.
    let none = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: 0 }];
    let out = scan_accounts(&markets, &prices, &none, &[], 0, &mut hits);
    assert_eq!((out.count, out.end), (0, ScanEnd::Complete));
    // MAX_POSITIONS flat longs of 1 @ 100, collateral 1,000: equity 64 × 100 +
    // 1,000 = 7,400 ≥ MM 64 × 5 = 320 → healthy.
    let many = vec![pos(0, 1, 0); MAX_POSITIONS];
    let acct = [ScanAccount { collateral: Quote(1_000), first_position: 0, position_count: MAX_POSITIONS as u32 }];
    let out = scan_accounts(&markets, &prices, &acct, &many, 0, &mut hits);
    assert_eq!((out.count, out.next, out.end), (0, 1, ScanEnd::Complete));
    // With quote balances −100 each: equity 1,000 + 64 × 0 = 1,000 ≥ 320: still healthy;
    // with collateral 0: equity 0 < 320 → one hit.
    let many_neg = vec![pos(0, 1, -100); MAX_POSITIONS];
    let acct0 = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: MAX_POSITIONS as u32 }];
    let out = scan_accounts(&markets, &prices, &acct0, &many_neg, 0, &mut hits);
    assert_eq!((out.count, out.end), (1, ScanEnd::Complete));
    assert_eq!((hits[0].health.equity, hits[0].health.maintenance_requirement), (Quote(0), Quote(320)));
}

#[test]
fn index_edges() {
    // No prices: nothing to bound.
    assert_eq!(band_bounds(&[], Ppm(10_000), &mut [], &mut []), Ok(()));
    // Band above 100 %.
    let (mut lo, mut hi) = ([Price(0)], [Price(0)]);
    assert!(band_bounds(&[Price(100)], Ppm(1_000_001), &mut lo, &mut hi).is_err());
    // Band 100 %: low = max(1, ⌊100 × 0⌋) = 1, high = ⌈100 × 2⌉ = 200.
    band_bounds(&[Price(100)], Ppm::ONE, &mut lo, &mut hi).unwrap();
    assert_eq!((lo[0], hi[0]), (Price(1), Price(200)));
    // Band 0 at i64::MAX: low = high = MAX.
    band_bounds(&[Price(i64::MAX)], Ppm(0), &mut lo, &mut hi).unwrap();
    assert_eq!((lo[0], hi[0]), (Price(i64::MAX), Price(i64::MAX)));
    // Zero-capacity index: both sides empty; inserting fails with BufferTooSmall.
    let (mut l, mut s): ([IndexEntry; 0], [IndexEntry; 0]) = ([], []);
    let mut idx = LiquidationIndex::new(0, &mut l, &mut s);
    let e = IndexEntry { key: 0, account: 0, position: 0 };
    assert_eq!(idx.insert(Side::Long, e), Err(Error::BufferTooSmall));
    assert_eq!(idx.push_unsorted(Side::Short, e), Err(Error::BufferTooSmall));
    assert!(!idx.remove(Side::Long, &e));
    let (a, b) = idx.candidates(Price(i64::MAX));
    assert!(a.is_empty() && b.is_empty());
    assert!(idx.crossed(Price(1), Price(i64::MAX)).is_empty());
    assert_eq!(idx.remove_account(0), 0);
}
