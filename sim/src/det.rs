//! Deterministic elementary functions for everything that feeds results.
//!
//! `f64::exp`, `ln`, `powf` come from the platform's math library and may
//! differ in the last bit between platforms (and `sqrt` is kept out by
//! rule). The impact model, the oracle paths and the population draws use
//! these instead: the argument is split exactly (IEEE bit fields, or a
//! multiple of ln 2), the core is evaluated in 48-bit fixed point on `i128`
//! (Taylor / atanh series, an integer square root), and the result is put
//! back together with exact scalings by powers of two. Only IEEE basic
//! operations (correctly rounded everywhere) touch floats, so a seed gives
//! the same figures on every platform. Accuracy: a few units in 10^-14
//! relative, far below a cent on any price here.
//!
//! The normal draw is Irwin–Hall (twelve uniforms), from integers only.

use rand::Rng;

/// Fractional bits of the fixed point.
const FRAC: u32 = 48;
const ONE: i128 = 1 << FRAC;
/// ln 2 × 2^48, rounded to nearest.
const LN2: i128 = 195_103_586_505_167;

fn mul(a: i128, b: i128) -> i128 {
    (a * b) >> FRAC
}

/// `2^k` as an exact f64 (k within ±1000).
fn pow2(k: i64) -> f64 {
    let k = k.clamp(-1000, 1000);
    let mut r = 1.0f64;
    let (base, n) = if k >= 0 { (2.0f64, k) } else { (0.5f64, -k) };
    for _ in 0..n {
        r *= base;
    }
    r
}

/// Splits a positive finite `x` into `(m, e)` with `x = m × 2^e`, `m` the
/// 53-bit integer mantissa (exact).
fn split(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    }
}

/// Deterministic `e^x` (0 below −700, +∞ above 700; NaN stays NaN).
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 700.0 {
        return f64::INFINITY;
    }
    if x < -700.0 {
        return 0.0;
    }
    // x in fixed point: exact scaling by 2^48, then rounded to an integer.
    let xf = (x * (ONE as f64)).round() as i128;
    // x = k ln2 + r, |r| ≤ ln2 / 2.
    let k = (xf + LN2 / 2).div_euclid(LN2);
    let r = xf - k * LN2;
    // e^r by its Taylor series (|r| ≤ 0.35: the 15th term is below 2^-50).
    let mut term = ONE;
    let mut sum = ONE;
    for n in 1..=15 {
        term = mul(term, r) / n;
        sum += term;
    }
    (sum as f64 / ONE as f64) * pow2(k as i64)
}

/// Deterministic natural logarithm (−∞ at 0, NaN below).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (m, e) = split(x);
    // Normalise the mantissa to [1, 2): x = (m / 2^b) × 2^(e + b).
    let b = 63 - m.leading_zeros() as i64;
    let mut e = e + b;
    // m / 2^b in Q48 (b ≤ 52: exact or rounded down by at most 2^-48).
    let mut mf = if b >= FRAC as i64 { i128::from(m) >> (b - FRAC as i64) } else { i128::from(m) << (FRAC as i64 - b) };
    // Into [√½, √2): m above √2 is halved (exactly, one bit).
    if mf > 398_065_729_532_860 {
        mf >>= 1;
        e += 1;
    }
    // ln m = 2 atanh t, t = (m − 1) / (m + 1) in (−0.172, 0.172].
    let t = ((mf - ONE) << FRAC) / (mf + ONE);
    let t2 = mul(t, t);
    let mut pow = t;
    let mut sum = 0i128;
    // 0.172^21 / 21 is below 2^-60.
    for n in 0..11 {
        sum += pow / (2 * n + 1);
        pow = mul(pow, t2);
    }
    let fixed = 2 * sum + i128::from(e) * LN2;
    fixed as f64 / ONE as f64
}

/// Deterministic square root (NaN below 0).
pub fn sqrt(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 || x.is_infinite() {
        return x;
    }
    let (m, e) = split(x);
    // x = m × 2^e with e even: sqrt = sqrt(m × 2^s) × 2^((e − s) / 2),
    // m × 2^s scaled so the integer root keeps 60+ bits.
    let s = if e.rem_euclid(2) == 0 { 64 } else { 65 };
    let root = crate::lab::isqrt(u128::from(m) << s);
    root as f64 * pow2((e - s) / 2)
}

/// Deterministic `base^p` for `base > 0`: `exp(p × ln base)`.
pub fn powf(base: f64, p: f64) -> f64 {
    exp(p * ln(base))
}

/// The `k` with `x = 10^k` (to 10^-9 relative), `k` in −30..=30, else
/// `None`. The powers of ten are parsed from their decimal text (correctly
/// rounded everywhere), not computed with the platform's `log10`.
pub fn decimal_exponent(x: f64) -> Option<i32> {
    if !x.is_finite() || x <= 0.0 {
        return None;
    }
    (-30..=30).find(|k| {
        let p: f64 = format!("1e{k}").parse().unwrap_or(f64::NAN);
        ((x - p) / p).abs() < 1e-9
    })
}

/// A standard normal draw (Irwin–Hall: twelve uniforms on [0, 2^32),
/// summed exactly; mean 0, sd 1, tails cut at ±6).
pub fn normal<R: Rng>(rng: &mut R) -> f64 {
    let mut s: i64 = 0;
    for _ in 0..12 {
        s += i64::from(rng.random::<u32>());
    }
    (s - 6 * (1i64 << 32)) as f64 / (1u64 << 32) as f64
}

/// A uniform draw on [0, 1) from 53 random bits (exact).
pub fn uniform<R: Rng>(rng: &mut R) -> f64 {
    (rng.random::<u64>() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_to_the_platform_functions() {
        // The platform's functions are only the yardstick here.
        for &x in &[-30.0, -5.5, -1.0, -0.01, -1e-9, 0.0, 1e-9, 0.3, 1.0, 2.5, 10.0, 40.0] {
            let (a, b) = (exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-13, "exp {x}: {a} {b}");
        }
        for &x in &[1e-12, 0.01, 0.5, 0.99, 1.0, 1.5, 2.0, 3.0, 1234.5, 6e6, 1e15] {
            let (a, b) = (ln(x), x.ln());
            assert!((a - b).abs() < 1e-13 * b.abs().max(1.0), "ln {x}: {a} {b}");
            let (a, b) = (sqrt(x), x.sqrt());
            assert!(((a - b) / b).abs() < 1e-15, "sqrt {x}: {a} {b}");
        }
        assert_eq!((exp(0.0), ln(1.0), sqrt(4.0), sqrt(2.25)), (1.0, 0.0, 2.0, 1.5));
        assert!((powf(0.85, 1.4) - 0.85f64.powf(1.4)).abs() < 1e-13);
        assert!(ln(-1.0).is_nan() && ln(0.0) == f64::NEG_INFINITY && sqrt(-1.0).is_nan());
    }

    #[test]
    fn decimal_exponents_are_exact() {
        assert_eq!(
            [1.0, 0.1, 1e-8, 0.000001, 100.0, 1e-8 * (1.0 + 1e-12)].map(decimal_exponent),
            [Some(0), Some(-1), Some(-8), Some(-6), Some(2), Some(-8)]
        );
        assert_eq!([0.0, -1.0, 2.0, 0.5, 3e-8, f64::NAN, 1e40].map(decimal_exponent), [None; 7]);
    }
}
