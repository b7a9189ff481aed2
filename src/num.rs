//! Exact integer numbers with the rounding mode named at every call.
//!
//! partliq never uses floats for money, prices or sizes. The engine's own
//! integer units go in and come out:
//!
//! * [`Size`]: signed base quantity in the market's smallest unit (long > 0,
//!   short < 0);
//! * [`Price`]: an `i64` mantissa; the market's quote exponent `e` makes
//!   `notional = size × price × 10^e` quote units;
//! * [`Quote`]: collateral, notional, margin, fees and PnL in quote units;
//! * [`Ppm`]: a ratio in parts per million.
//!
//! All intermediate products are `i128` and checked. Every division says how
//! it rounds with a [`Rounding`] (the `fixnum` style: `mul_div(a, b, d,
//! Ceil)`), and every caller picks the direction that favours solvency.

use crate::error::{Error, Result};

/// One million: the denominator of [`Ppm`].
pub const PPM: i128 = 1_000_000;

/// Signed base quantity in the market's smallest unit. Long > 0, short < 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Size(pub i64);

/// Price mantissa. With the market's quote exponent `e`, one unit of size at
/// this price is worth `price × 10^e` quote units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Price(pub i64);

/// An amount in quote units (collateral, notional, margin, fee, PnL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Quote(pub i64);

/// A ratio in parts per million: `Ppm(5_000)` is 0.5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Ppm(pub u32);

impl Ppm {
    /// 100 %.
    pub const ONE: Ppm = Ppm(1_000_000);
    /// 0 %.
    pub const ZERO: Ppm = Ppm(0);

    /// `amount × self / 1e6`, rounded as named. Checked.
    pub fn of(self, amount: i128, rounding: Rounding) -> Result<i128> {
        mul_div(amount, i128::from(self.0), PPM, rounding)
    }

    /// Ok if the ratio is at most 100 %; `err` otherwise.
    pub fn at_most_one(self, err: Error) -> Result<Self> {
        if self.0 > 1_000_000 {
            Err(err)
        } else {
            Ok(self)
        }
    }
}

impl Quote {
    /// Narrows an `i128` quote amount to the `i64` edge type.
    ///
    /// Errors with [`Error::Overflow`] when it does not fit; never wraps.
    pub fn from_i128(v: i128) -> Result<Quote> {
        i64::try_from(v).map(Quote).map_err(|_| Error::Overflow)
    }
}

/// How a division that does not come out even is rounded.
///
/// The discriminants are those of the C ABI's
/// `partliq_market.liquidation_fee_rounding` (0 = up, 1 = down), whose
/// markets are read in place as [`crate::Market`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Rounding {
    /// Toward +∞.
    Ceil = 0,
    /// Toward −∞.
    Floor = 1,
    /// Toward zero (truncation, Go's `big.Int.Quo`).
    TowardZero = 2,
}

/// `n / d` rounded as named. Errors on `d == 0` and on `i128::MIN / -1`.
pub fn div_round(n: i128, d: i128, rounding: Rounding) -> Result<i128> {
    if d == 0 {
        return Err(Error::DivisionByZero);
    }
    // Both in i64 (the usual case): one hardware division instead of two
    // 128-bit library calls. Same quotient and remainder (truncating).
    let (q, r) = match (i64::try_from(n), i64::try_from(d)) {
        // (i64::MIN / −1 does not fit i64: the i128 path below.)
        (Ok(n64), Ok(d64)) if n64 != i64::MIN => {
            (i128::from(n64.checked_div(d64).ok_or(Error::Overflow)?), i128::from(n64.checked_rem(d64).ok_or(Error::Overflow)?))
        }
        _ => (n.checked_div(d).ok_or(Error::Overflow)?, n.checked_rem(d).ok_or(Error::Overflow)?),
    };
    if r == 0 {
        return Ok(q);
    }
    // The exact quotient lies strictly between q and q ± 1; `q` is the
    // truncated one. It is negative exactly when n and d differ in sign.
    let negative = (r < 0) != (d < 0);
    match rounding {
        Rounding::TowardZero => Ok(q),
        Rounding::Floor if negative => q.checked_sub(1).ok_or(Error::Overflow),
        Rounding::Ceil if !negative => q.checked_add(1).ok_or(Error::Overflow),
        Rounding::Floor | Rounding::Ceil => Ok(q),
    }
}

/// `a × b / d` rounded as named, with a checked `i128` product.
pub fn mul_div(a: i128, b: i128, d: i128, rounding: Rounding) -> Result<i128> {
    let p = a.checked_mul(b).ok_or(Error::Overflow)?;
    div_round(p, d, rounding)
}

/// `a × b` checked.
#[inline]
pub fn mul(a: i128, b: i128) -> Result<i128> {
    a.checked_mul(b).ok_or(Error::Overflow)
}

/// `a + b` checked.
#[inline]
pub fn add(a: i128, b: i128) -> Result<i128> {
    a.checked_add(b).ok_or(Error::Overflow)
}

/// `a − b` checked.
#[inline]
pub fn sub(a: i128, b: i128) -> Result<i128> {
    a.checked_sub(b).ok_or(Error::Overflow)
}

/// `10^e` for `0 ≤ e ≤ 38`, checked (a table look-up).
pub fn pow10(e: u32) -> Result<i128> {
    let p = usize::try_from(e).ok().and_then(|i| POW10.get(i)).ok_or(Error::Overflow)?;
    // Every entry is below 2^127 (10^38 < 1.7·10^38).
    i128::try_from(*p).map_err(|_| Error::Overflow)
}

/// `e` itself when `10^e` is an `i128` (`e ≤ 38`); [`Error::Overflow`]
/// otherwise, as [`pow10`] errs.
#[inline]
pub fn checked_pow10_exponent(e: u32) -> Result<u32> {
    if e <= 38 {
        Ok(e)
    } else {
        Err(Error::Overflow)
    }
}

/// `10^0 ..= 10^38`: every power of ten below `2^127`.
const POW10: [u128; 39] = [
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
    100_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000_000_000_000_000_000,
    10_000_000_000_000_000_000_000_000_000_000_000_000,
    100_000_000_000_000_000_000_000_000_000_000_000_000,
];

/// `(x / 5^m, x % 5^m)` for `m ≤ 27` (`5^27 < 2^64`); `None` above. Each arm
/// divides by a constant, which the compiler turns into a multiply and a
/// shift (no division instruction, no library call).
#[inline]
fn divrem_pow5(x: u64, m: u32) -> Option<(u64, u64)> {
    macro_rules! arms {
        ($($m:literal => $d:literal),* $(,)?) => {
            match m {
                $($m => Some((x.checked_div($d)?, x.checked_rem($d)?)),)*
                _ => None,
            }
        };
    }
    arms!(
        0 => 1, 1 => 5, 2 => 25, 3 => 125, 4 => 625, 5 => 3_125, 6 => 15_625, 7 => 78_125,
        8 => 390_625, 9 => 1_953_125, 10 => 9_765_625, 11 => 48_828_125, 12 => 244_140_625,
        13 => 1_220_703_125, 14 => 6_103_515_625, 15 => 30_517_578_125, 16 => 152_587_890_625,
        17 => 762_939_453_125, 18 => 3_814_697_265_625, 19 => 19_073_486_328_125,
        20 => 95_367_431_640_625, 21 => 476_837_158_203_125, 22 => 2_384_185_791_015_625,
        23 => 11_920_928_955_078_125, 24 => 59_604_644_775_390_625, 25 => 298_023_223_876_953_125,
        26 => 1_490_116_119_384_765_625, 27 => 7_450_580_596_923_828_125,
    )
}

/// The truncated quotient `n / 10^m` of a magnitude and whether a remainder
/// was left, exact for every `n` and `m`.
///
/// The fast path: `10^m = 2^m × 5^m`, and truncated divisions by positive
/// divisors compose (`⌊⌊n / 2^m⌋ / 5^m⌋ = ⌊n / 10^m⌋`), so the division is a
/// shift, then — when the shifted value fits `u64` (the usual case: a
/// notional of up to `2^(64 + m)`) and `m ≤ 27` — a 64-bit division by the
/// constant `5^m` (a multiply); for a wider value and `m ≤ 13`, four such
/// divisions of 32-bit limbs. The remainder is non-zero exactly when a
/// shifted-out bit or the last remainder is. Otherwise one `u128` division.
#[inline]
pub(crate) fn div_pow10_mag(n: u128, m: u32) -> (u128, bool) {
    if m == 0 {
        return (n, false);
    }
    if m <= 27 {
        // 1 ≤ m ≤ 27: the shifts are in range.
        let shifted = n.wrapping_shr(m);
        let low = n & 1u128.wrapping_shl(m).wrapping_sub(1);
        if let Ok(s) = u64::try_from(shifted) {
            if let Some((q, r)) = divrem_pow5(s, m) {
                return (u128::from(q), r != 0 || low != 0);
            }
        }
        if m <= 13 {
            // 5^m < 2^31: schoolbook division by 32-bit limbs, each step's
            // dividend (remainder × 2^32 + limb) below 5^m × 2^32 < 2^63,
            // so each is a 64-bit division by the constant.
            let (mut q, mut r) = (0u128, 0u64);
            for i in (0..4u32).rev() {
                let limb = u64::try_from(shifted.wrapping_shr(i.wrapping_mul(32)) & 0xFFFF_FFFF).unwrap_or(0);
                let cur = r.wrapping_shl(32) | limb;
                let Some((ql, rl)) = divrem_pow5(cur, m) else { break };
                q = q.wrapping_shl(32) | u128::from(ql);
                r = rl;
            }
            return (q, r != 0 || low != 0);
        }
    }
    match usize::try_from(m).ok().and_then(|i| POW10.get(i)) {
        // 10^m ≥ 10 here: neither division can fail.
        Some(&d) => (n.checked_div(d).unwrap_or(0), n.checked_rem(d).unwrap_or(0) != 0),
        // 10^m ≥ 10^39 > u128::MAX ≥ n: the quotient truncates to 0.
        None => (0, n != 0),
    }
}

/// `n / 10^m` rounded as named: [`div_round`] by a power of ten, with the
/// shift-and-multiply fast path of [`div_pow10_mag`]. Same result as
/// `div_round(n, 10^m, rounding)` for every `n` and every `m ≤ 38`, and
/// defined (a quotient in `{−1, 0, 1}`) beyond.
#[inline]
pub fn div_pow10(n: i128, m: u32, rounding: Rounding) -> Result<i128> {
    signed_quotient(div_pow10_mag(n.unsigned_abs(), m), n < 0, rounding)
}

/// `a × b / 10^m` rounded as named, exact for every `a`, `b` whose product
/// and quotient fit: when both magnitudes fit `u64` the product is one
/// `u128` multiplication (it cannot overflow) and the division takes the
/// fast path of [`div_pow10_mag`]; otherwise [`mul_div_wide`].
#[inline]
pub fn mul_div_pow10(a: i128, b: i128, m: u32, rounding: Rounding) -> Result<i128> {
    let (ma, mb) = (a.unsigned_abs(), b.unsigned_abs());
    if let (Ok(x), Ok(y)) = (u64::try_from(ma), u64::try_from(mb)) {
        // |a|, |b| < 2^64: the product is below 2^128.
        let p = u128::from(x).wrapping_mul(u128::from(y));
        let negative = (a < 0) != (b < 0) && p != 0;
        return signed_quotient(div_pow10_mag(p, m), negative, rounding);
    }
    mul_div_wide(a, b, pow10(m)?, rounding)
}

/// A truncated magnitude quotient and its remainder flag, signed and
/// rounded as named (away from zero when the direction asks for it).
#[inline]
fn signed_quotient((q, inexact): (u128, bool), negative: bool, rounding: Rounding) -> Result<i128> {
    let away = inexact
        && match rounding {
            Rounding::TowardZero => false,
            Rounding::Floor => negative,
            Rounding::Ceil => !negative,
        };
    let q = if away { q.checked_add(1).ok_or(Error::Overflow)? } else { q };
    if negative {
        0i128.checked_sub_unsigned(q).ok_or(Error::Overflow)
    } else {
        i128::try_from(q).map_err(|_| Error::Overflow)
    }
}

/// `a × b` of two `i64`s as an `i128`: never overflows (`|a × b| ≤ 2^126`),
/// so no check is needed — the bound is the types'.
#[inline]
#[must_use]
pub fn wide_mul_i64(a: i64, b: i64) -> i128 {
    i128::from(a).wrapping_mul(i128::from(b))
}

/// `√n` rounded as named (`Floor` and `TowardZero` down, `Ceil` up), exact
/// for every `n ≥ 0`; [`Error::OutOfRange`] for `n < 0`.
///
/// Integers only: the floor root `r` with `r² ≤ n < (r + 1)²` (Newton's
/// iteration below 2⁶⁴, digit by digit above), then one more when rounding
/// up and `r² < n`.
pub fn isqrt(n: i128, rounding: Rounding) -> Result<i128> {
    let m = u128::try_from(n).map_err(|_| Error::OutOfRange)?;
    let root = match u64::try_from(m) {
        Ok(m64) => u128::from(isqrt_u64(m64)),
        Err(_) => isqrt_u128(m),
    };
    let exact = root.checked_mul(root) == Some(m);
    let root = i128::try_from(root).map_err(|_| Error::Overflow)?;
    match rounding {
        Rounding::Ceil if !exact => root.checked_add(1).ok_or(Error::Overflow),
        _ => Ok(root),
    }
}

/// Floor square root of a `u64`: Newton's iteration from a power of two at
/// least the root (each step one hardware division), stopping when it no
/// longer falls.
fn isqrt_u64(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let bits = 64u32.saturating_sub(n.leading_zeros());
    let mut x: u64 = 1u64.wrapping_shl(bits.div_ceil(2));
    loop {
        let y = x.wrapping_add(n.checked_div(x).unwrap_or(0)).wrapping_shr(1);
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// Floor square root of a `u128`, digit by digit (two bits per step, no
/// division).
fn isqrt_u128(m: u128) -> u128 {
    // The largest power of four not above m.
    let mut bit: u128 = 1u128.wrapping_shl(126);
    while bit > m {
        bit = bit.wrapping_shr(2);
    }
    let (mut rest, mut root) = (m, 0u128);
    while bit != 0 {
        let trial = root.wrapping_add(bit);
        if rest >= trial {
            rest = rest.wrapping_sub(trial);
            root = root.wrapping_shr(1).wrapping_add(bit);
        } else {
            root = root.wrapping_shr(1);
        }
        bit = bit.wrapping_shr(2);
    }
    root
}

/// `a × b / d` with a 256-bit intermediate product, for the few places (the
/// sizing estimate, ordering scores) whose product may exceed `i128` while the
/// quotient does not. Rounded as named; errors when the quotient overflows.
pub fn mul_div_wide(a: i128, b: i128, d: i128, rounding: Rounding) -> Result<i128> {
    if d == 0 {
        return Err(Error::DivisionByZero);
    }
    // Both factors in i64 (the usual case): the product fits i128 (its
    // magnitude is at most 2^126), so it is `div_round` of the product:
    // the same quotient, rounded the same way.
    if let (Ok(a64), Ok(b64)) = (i64::try_from(a), i64::try_from(b)) {
        return div_round(wide_mul_i64(a64, b64), d, rounding);
    }
    let negative = (a < 0) != (b < 0) && a != 0 && b != 0;
    let negative = negative != (d < 0);
    let (hi, lo) = wide_mul(a.unsigned_abs(), b.unsigned_abs());
    let (q, r) = wide_div(hi, lo, d.unsigned_abs()).ok_or(Error::Overflow)?;
    // q is the truncated magnitude; adjust away from zero where the rounding
    // direction asks for it.
    let away = r != 0
        && match rounding {
            Rounding::TowardZero => false,
            Rounding::Floor => negative,
            Rounding::Ceil => !negative,
        };
    let q = if away { q.checked_add(1).ok_or(Error::Overflow)? } else { q };
    // A negative quotient may be exactly −2^127 (i128::MIN), whose magnitude
    // does not fit i128 itself.
    if negative {
        0i128.checked_sub_unsigned(q).ok_or(Error::Overflow)
    } else {
        i128::try_from(q).map_err(|_| Error::Overflow)
    }
}

/// Compares the exact products `a × b` and `c × d` (256-bit, no overflow).
pub fn cmp_products(a: i128, b: i128, c: i128, d: i128) -> core::cmp::Ordering {
    // Sign of each product: −1, 0 or 1.
    let sign = |x: i128, y: i128| -> i8 {
        if x == 0 || y == 0 {
            0
        } else if (x < 0) == (y < 0) {
            1
        } else {
            -1
        }
    };
    let (s1, s2) = (sign(a, b), sign(c, d));
    if s1 != s2 {
        return s1.cmp(&s2);
    }
    let m1 = wide_mul(a.unsigned_abs(), b.unsigned_abs());
    let m2 = wide_mul(c.unsigned_abs(), d.unsigned_abs());
    // Same sign: larger magnitude is larger when positive, smaller when negative.
    if s1 >= 0 {
        m1.cmp(&m2)
    } else {
        m2.cmp(&m1)
    }
}

/// Full 128 × 128 → 256-bit product as (high, low) halves.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    // Both below 2^64 (the usual case): the product fits 128 bits, one
    // multiplication (the same product as the four partial ones below).
    if a <= MASK && b <= MASK {
        return (0, a.wrapping_mul(b));
    }
    let (a1, a0) = (a.wrapping_shr(64), a & MASK);
    let (b1, b0) = (b.wrapping_shr(64), b & MASK);
    // Each partial product of two 64-bit halves fits in u128.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    let (mid, mid_carry) = p01.overflowing_add(p10);
    let (lo, lo_carry) = p00.overflowing_add(mid.wrapping_shl(64));
    let hi = p11
        .wrapping_add(mid.wrapping_shr(64))
        .wrapping_add(if mid_carry { 1u128.wrapping_shl(64) } else { 0 })
        .wrapping_add(u128::from(lo_carry));
    (hi, lo)
}

/// (hi, lo) / d → (quotient, remainder); `None` when the quotient needs more
/// than 128 bits (hi ≥ d). Restoring binary long division.
fn wide_div(hi: u128, lo: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 || hi >= d {
        return None;
    }
    if hi == 0 {
        // Both below 2^64: one hardware division (the same quotient and
        // remainder as the 128-bit one).
        if let (Ok(n64), Ok(d64)) = (u64::try_from(lo), u64::try_from(d)) {
            return Some((u128::from(n64.checked_div(d64)?), u128::from(n64.checked_rem(d64)?)));
        }
        let q = lo.checked_div(d)?;
        // r = lo − q × d: 0 ≤ r < d, no second 128-bit division.
        return Some((q, lo.wrapping_sub(q.wrapping_mul(d))));
    }
    let mut rem = hi;
    let mut q: u128 = 0;
    for i in (0..128u32).rev() {
        let carry = rem.wrapping_shr(127) == 1;
        rem = rem.wrapping_shl(1) | (lo.wrapping_shr(i) & 1);
        q = q.wrapping_shl(1);
        if carry || rem >= d {
            rem = rem.wrapping_sub(d);
            q |= 1;
        }
    }
    Some((q, rem))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Rounding::*;

    #[test]
    fn div_round_all_signs() {
        // 7/2 = 3.5 → floor 3, ceil 4, trunc 3
        assert_eq!(div_round(7, 2, Floor).unwrap(), 3);
        assert_eq!(div_round(7, 2, Ceil).unwrap(), 4);
        assert_eq!(div_round(7, 2, TowardZero).unwrap(), 3);
        // -7/2 = -3.5 → floor -4, ceil -3, trunc -3
        assert_eq!(div_round(-7, 2, Floor).unwrap(), -4);
        assert_eq!(div_round(-7, 2, Ceil).unwrap(), -3);
        assert_eq!(div_round(-7, 2, TowardZero).unwrap(), -3);
        // 7/-2 = -3.5
        assert_eq!(div_round(7, -2, Floor).unwrap(), -4);
        assert_eq!(div_round(7, -2, Ceil).unwrap(), -3);
        // -7/-2 = 3.5
        assert_eq!(div_round(-7, -2, Floor).unwrap(), 3);
        assert_eq!(div_round(-7, -2, Ceil).unwrap(), 4);
        // exact division is never adjusted
        assert_eq!(div_round(-8, 2, Ceil).unwrap(), -4);
        assert_eq!(div_round(8, 2, Floor).unwrap(), 4);
    }

    #[test]
    fn div_round_errors() {
        assert_eq!(div_round(1, 0, Floor), Err(Error::DivisionByZero));
        assert_eq!(div_round(i128::MIN, -1, Floor), Err(Error::Overflow));
        assert_eq!(mul_div(i128::MAX, 2, 1, Floor), Err(Error::Overflow));
    }

    #[test]
    fn i64_fast_path_matches_i128() {
        // i64::MIN / −1 = 2^63 does not fit i64 but fits i128.
        assert_eq!(div_round(i128::from(i64::MIN), -1, Floor).unwrap(), 1i128 << 63);
        for (n, d) in [(i64::MIN, 7), (i64::MAX, -3), (-7, i64::MAX), (i64::MIN + 1, -1)] {
            let (n, d) = (i128::from(n), i128::from(d));
            for r in [Floor, Ceil, TowardZero] {
                let q = div_round(n, d, r).unwrap();
                let t = n / d;
                assert!(q - t == 0 || (q - t).abs() == 1);
                assert!(match r {
                    Floor => q * d <= n || d < 0,
                    _ => true,
                });
            }
        }
    }

    #[test]
    fn isqrt_at_its_rounding_boundaries() {
        // Perfect squares are exact both ways; one above rounds up only with Ceil.
        for (n, f, c) in [(0, 0, 0), (1, 1, 1), (2, 1, 2), (3, 1, 2), (4, 2, 2), (15, 3, 4), (16, 4, 4), (17, 4, 5)] {
            assert_eq!((isqrt(n, Floor).unwrap(), isqrt(n, Ceil).unwrap()), (f, c), "n = {n}");
        }
        // 10^30 = (10^15)²; one less: 10^15 − 1 down, 10^15 up.
        let e15 = 1_000_000_000_000_000i128;
        assert_eq!(isqrt(e15 * e15, Floor).unwrap(), e15);
        assert_eq!(isqrt(e15 * e15 - 1, Floor).unwrap(), e15 - 1);
        assert_eq!(isqrt(e15 * e15 - 1, Ceil).unwrap(), e15);
        // i128::MAX = 2^127 − 1: floor √ = 13,043,817,825,332,782,212 (its
        // square 1.7014118346046923e38 ≤ MAX < the next one's).
        let r = isqrt(i128::MAX, Floor).unwrap();
        assert_eq!(r, 13_043_817_825_332_782_212);
        assert!(r.checked_mul(r).is_some() && (r + 1).checked_mul(r + 1).is_none());
        assert_eq!(isqrt(i128::MAX, Ceil).unwrap(), r + 1);
        assert_eq!(isqrt(-1, Floor), Err(Error::OutOfRange));
        // Either side of 2⁶⁴ (where the u64 path hands over): u64::MAX =
        // 2⁶⁴ − 1 has floor root 2³² − 1 (its square 2⁶⁴ − 2³³ + 1 ≤ n); 2⁶⁴
        // is (2³²)² exactly.
        let max64 = i128::from(u64::MAX);
        assert_eq!((isqrt(max64, Floor).unwrap(), isqrt(max64, Ceil).unwrap()), (4_294_967_295, 4_294_967_296));
        assert_eq!((isqrt(max64 + 1, Floor).unwrap(), isqrt(max64 + 1, Ceil).unwrap()), (4_294_967_296, 4_294_967_296));
    }

    #[test]
    fn ppm_of() {
        // 12,345 × 0.5 % = 61.725 → floor 61, ceil 62
        assert_eq!(Ppm(5_000).of(12_345, Floor).unwrap(), 61);
        assert_eq!(Ppm(5_000).of(12_345, Ceil).unwrap(), 62);
        assert_eq!(Ppm(1_000_001).at_most_one(Error::OutOfRange), Err(Error::OutOfRange));
    }

    #[test]
    fn quote_narrowing() {
        assert_eq!(Quote::from_i128(i128::from(i64::MAX)).unwrap(), Quote(i64::MAX));
        assert_eq!(Quote::from_i128(i128::from(i64::MAX) + 1), Err(Error::Overflow));
        assert_eq!(Quote::from_i128(i128::from(i64::MIN) - 1), Err(Error::Overflow));
    }

    #[test]
    fn products_compare_exactly() {
        use core::cmp::Ordering::*;
        // 2^100 × 3 vs 2^101 × 1: 3·2^100 > 2·2^100.
        assert_eq!(cmp_products(1 << 100, 3, 1 << 101, 1), Greater);
        // Beyond i128: i128::MAX² vs (i128::MAX − 1)·i128::MAX.
        assert_eq!(cmp_products(i128::MAX, i128::MAX, i128::MAX - 1, i128::MAX), Greater);
        assert_eq!(cmp_products(-i128::MAX, i128::MAX, -(i128::MAX - 1), i128::MAX), Less);
        assert_eq!(cmp_products(0, 5, -1, 1), Greater);
        assert_eq!(cmp_products(-2, 3, 3, -2), Equal);
    }

    #[test]
    fn wide_beyond_i128() {
        // (2^100 × 2^100) / 2^90 = 2^110, whose product 2^200 does not fit i128.
        let a = 1i128 << 100;
        assert_eq!(mul_div_wide(a, a, 1i128 << 90, Floor).unwrap(), 1i128 << 110);
        assert_eq!(mul_div_wide(-a, a, 1i128 << 90, Floor).unwrap(), -(1i128 << 110));
        // quotient beyond i128
        assert_eq!(mul_div_wide(a, a, 3, Floor), Err(Error::Overflow));
        // i128::MAX × i128::MAX / i128::MAX = i128::MAX exactly
        assert_eq!(mul_div_wide(i128::MAX, i128::MAX, i128::MAX, Ceil).unwrap(), i128::MAX);
    }

    #[test]
    fn div_pow10_at_its_edges() {
        // 12,345 / 10^2 = 123.45 → floor 123, ceil 124; −123.45 → −124, −123.
        assert_eq!(div_pow10(12_345, 2, Floor).unwrap(), 123);
        assert_eq!(div_pow10(12_345, 2, Ceil).unwrap(), 124);
        assert_eq!(div_pow10(-12_345, 2, Floor).unwrap(), -124);
        assert_eq!(div_pow10(-12_345, 2, Ceil).unwrap(), -123);
        assert_eq!(div_pow10(-12_345, 2, TowardZero).unwrap(), -123);
        // A remainder only in the shifted-out bits: 10^6 + 2^5 = 1,000,032
        // over 10^6 (2^6 · 5^6): ⌊/2^6⌋ = 15,625 = 5^6 exactly, yet inexact.
        assert_eq!(div_pow10(1_000_032, 6, Ceil).unwrap(), 2);
        assert_eq!(div_pow10(1_000_000, 6, Ceil).unwrap(), 1);
        // The extremes: i128::MIN / 10 = −17,014,118,346,046,923,173,168,730,371,588,410,572.8.
        assert_eq!(div_pow10(i128::MIN, 1, Floor).unwrap(), i128::MIN / 10 - 1);
        assert_eq!(div_pow10(i128::MIN, 0, Floor).unwrap(), i128::MIN);
        // Beyond 10^38: (−1, 0, 1) as the rounding asks.
        assert_eq!(div_pow10(5, 40, Ceil).unwrap(), 1);
        assert_eq!(div_pow10(-5, 40, Floor).unwrap(), -1);
        assert_eq!(div_pow10(-5, 40, Ceil).unwrap(), 0);
        assert_eq!(pow10(38).unwrap(), 10i128.pow(38));
        assert_eq!(pow10(39), Err(Error::Overflow));
        // Both factors at 2^64 − 1: the product (2^128 − 2^65 + 1) does not fit i128, the quotient does.
        let m = i128::from(u64::MAX);
        assert_eq!(mul_div_pow10(m, m, 1, Floor).unwrap(), mul_div_wide(m, m, 10, Floor).unwrap());
        assert_eq!(mul_div_pow10(-m, m, 0, Floor), Err(Error::Overflow));
        assert_eq!(wide_mul_i64(i64::MIN, i64::MIN), 1i128 << 126);
    }

    proptest! {
        #[test]
        fn div_pow10_is_div_round(n in any::<i128>(), small in -(1i128 << 90)..(1i128 << 90), m in 0u32..=38) {
            for x in [n, small, small >> 40] {
                for r in [Floor, Ceil, TowardZero] {
                    prop_assert_eq!(div_pow10(x, m, r), div_round(x, pow10(m).unwrap(), r));
                }
            }
        }

        #[test]
        fn mul_div_pow10_is_mul_div_wide(a in any::<i128>(), b in any::<i64>(), c in any::<u64>(), m in 0u32..=38) {
            for (x, y) in [(a, i128::from(b)), (i128::from(c), i128::from(b)), (i128::from(b), -i128::from(c))] {
                for r in [Floor, Ceil, TowardZero] {
                    prop_assert_eq!(mul_div_pow10(x, y, m, r), mul_div_wide(x, y, pow10(m).unwrap(), r));
                }
            }
        }

        #[test]
        fn wide_matches_narrow(a in -(1i128<<62)..(1i128<<62), b in -(1i128<<62)..(1i128<<62), d in prop_oneof![-(1i128<<40)..-1i128, 1i128..(1i128<<40)]) {
            for r in [Floor, Ceil, TowardZero] {
                prop_assert_eq!(mul_div_wide(a, b, d, r).unwrap(), mul_div(a, b, d, r).unwrap());
            }
        }

        /// Factors below 2^64 (one 128-bit product, the 64-bit division
        /// when the product and divisor fit it, one 128-bit division
        /// otherwise) against the quotient and remainder of the product in
        /// `u128`, rounded by hand.
        #[test]
        fn wide_below_2_64_is_the_u128_quotient(
            a in prop_oneof![0u64..1 << 32, any::<u64>()],
            b in prop_oneof![0u64..1 << 32, any::<u64>()],
            d in prop_oneof![1u64..1 << 20, 1u64..=u64::MAX],
            negative in any::<bool>(),
        ) {
            let p = u128::from(a) * u128::from(b);
            let (q, r) = (p / u128::from(d), p % u128::from(d));
            let a = if negative { -i128::from(a) } else { i128::from(a) };
            for rounding in [Floor, Ceil, TowardZero] {
                let away = r != 0 && match rounding { Floor => negative, Ceil => !negative, TowardZero => false };
                let m = q + u128::from(away);
                // Beyond i128 (−2^127 fits, 2^127 does not): Overflow.
                let want = if negative { 0i128.checked_sub_unsigned(m) } else { i128::try_from(m).ok() };
                prop_assert_eq!(mul_div_wide(a, i128::from(b), i128::from(d), rounding), want.ok_or(Error::Overflow));
            }
        }

        #[test]
        fn isqrt_brackets(n in 0i128..i128::MAX) {
            let f = isqrt(n, Floor).unwrap();
            let c = isqrt(n, Ceil).unwrap();
            // f² ≤ n < (f + 1)² (the second via u128, which (f + 1)² fits);
            // c = f, or f + 1 when n is not a square.
            prop_assert!(f * f <= n);
            prop_assert!((f as u128 + 1) * (f as u128 + 1) > n as u128);
            prop_assert_eq!(c, if f * f == n { f } else { f + 1 });
        }

        #[test]
        fn isqrt_u64_range_brackets(n in 0i128..(1i128 << 64)) {
            let f = isqrt(n, Floor).unwrap();
            prop_assert!(f * f <= n && (f + 1) * (f + 1) > n);
        }

        #[test]
        fn floor_ceil_bracket(n in any::<i64>(), d in prop_oneof![i64::MIN..-1i64, 1i64..i64::MAX]) {
            let (n, d) = (i128::from(n), i128::from(d));
            let f = div_round(n, d, Floor).unwrap();
            let c = div_round(n, d, Ceil).unwrap();
            // f ≤ n/d ≤ c, and c − f ∈ {0, 1}
            let (fd, cd) = if d > 0 { (f * d <= n, c * d >= n) } else { (f * d >= n, c * d <= n) };
            prop_assert!(fd && cd);
            prop_assert!(c - f == 0 || c - f == 1);
        }
    }
}
