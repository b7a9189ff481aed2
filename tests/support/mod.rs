//! Helpers shared by the test binaries: the row checker, the extreme
//! constants, zeroed shared-state memory, a settlement carrying only what the
//! insurance fund books, and the test-side recomputations (exact integer
//! arithmetic written here, independently of the crate's `num` module, so
//! that a property compares the crate against a second implementation).
//!
//! Included by each binary that needs it with
//! `#[path = "../support/mod.rs"] mod support;`.
#![allow(dead_code)]

use core::sync::atomic::AtomicU64;
use partliq::{Health, HealthState, MarginTier, Market, Position, Ppm, Quote, Rounding, Settlement, Size};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// `i128::MAX`, the top of every wide figure.
pub const IMAX: i128 = i128::MAX;
/// `i128::MIN`.
pub const IMIN: i128 = i128::MIN;
/// `i64::MAX`, the top of every quote amount, size and price.
pub const MAX: i64 = i64::MAX;
/// `i64::MIN`.
pub const MIN: i64 = i64::MIN;
/// `u64::MAX`, the last time unit and block.
pub const UMAX: u64 = u64::MAX;

/// A proptest runner on proptest's fixed ChaCha seed. A property that
/// counts its cases by outcome and asserts a share of them (so that it
/// cannot pass vacuously) draws the same cases on every run: its counts are
/// measured once against its thresholds, not redrawn on a random seed that
/// may fall short of them.
pub fn fixed_runner(config: Config) -> TestRunner {
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Checks every `(name, got, want)` row and reports all mismatches at once.
pub fn check<T: PartialEq + core::fmt::Debug>(rows: &[(&str, T, T)]) {
    let bad: Vec<String> =
        rows.iter().filter(|(_, got, want)| got != want).map(|(name, got, want)| format!("{name}: got {got:?}, want {want:?}")).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `n` zeroed words of shared-state memory.
pub fn zeroed(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

/// A settlement carrying only what `InsuranceFundBook::book` reads (the fund's
/// fee share and the bad debt); the rest is zero.
pub fn book_settlement(fee_to_insurance: i64, bad_debt: i64) -> Settlement {
    let health = Health {
        equity: Quote(0),
        initial_requirement: Quote(0),
        maintenance_requirement: Quote(0),
        free_collateral: Quote(0),
        margin_ratio_ppm: 0,
        state: HealthState::Healthy,
    };
    Settlement {
        new_position: Position::default(),
        fill_cash: Quote(0),
        bankruptcy_quote: Quote(0),
        nominal_fee: Quote(fee_to_insurance),
        fee: Quote(fee_to_insurance),
        fee_to_liquidator: Quote(0),
        fee_to_insurance: Quote(fee_to_insurance),
        bad_debt: Quote(bad_debt),
        insurance_fund_delta: Quote(fee_to_insurance.saturating_sub(bad_debt)),
        position_quote_delta: Quote(0),
        health_after: health,
    }
}

/// A position in market `market_index`: `size` lots, quote balance `qb`.
pub fn pos(market_index: u32, size: i64, qb: i64) -> Position {
    Position { market_index, size: Size(size), quote_balance: Quote(qb) }
}

/// A margin tier from its notional floor and its initial and maintenance
/// fractions in ppm.
pub fn tier(floor: i64, initial: u32, maintenance: u32) -> MarginTier {
    MarginTier { notional_floor: Quote(floor), initial: Ppm(initial), maintenance: Ppm(maintenance) }
}

// ---------------------------------------------------------------------------
// Exact test-side arithmetic: plain `i128`, independent of `partliq::num`.

/// One in parts per million.
pub const PPM: i128 = 1_000_000;

/// `10^e`.
pub fn pow10(e: u32) -> i128 {
    10i128.pow(e)
}

/// `10^max(0, −e)`: the denominator of exact notionals (`e` the market's
/// quote exponent).
pub fn den(m: &Market) -> i128 {
    if m.quote_exponent < 0 {
        pow10(m.quote_exponent.unsigned_abs())
    } else {
        1
    }
}

/// `10^max(0, e)`: the multiplier of exact notionals.
pub fn mul(m: &Market) -> i128 {
    if m.quote_exponent > 0 {
        pow10(m.quote_exponent.unsigned_abs())
    } else {
        1
    }
}

/// `⌊a / b⌋` for `b > 0`.
pub fn floor_div(a: i128, b: i128) -> i128 {
    assert!(b > 0);
    a.div_euclid(b)
}

/// `⌈a / b⌉` for `b > 0`.
pub fn ceil_div(a: i128, b: i128) -> i128 {
    -floor_div(-a, b)
}

/// `floor(σ·units·exec·10^e)`: cash of a close against the account.
pub fn close_cash(m: &Market, sigma: i128, units: i128, exec: i128) -> i128 {
    floor_div(sigma * units * exec * mul(m), den(m))
}

/// `ceil(units·exec·10^e·fee)` (`floor` when the market rounds its fee
/// down).
pub fn close_fee(m: &Market, units: i128, exec: i128) -> i128 {
    let n = units * exec * mul(m) * i128::from(m.liquidation_fee.0);
    if m.liquidation_fee_rounding == Rounding::Floor {
        floor_div(n, den(m) * 1_000_000)
    } else {
        ceil_div(n, den(m) * 1_000_000)
    }
}
