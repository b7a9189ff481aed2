//! Helpers shared by the edge-table test binaries (`mod common;` in each).
#![allow(dead_code)]

use core::sync::atomic::AtomicU64;
use partliq::{Health, HealthState, Position, Quote, Settlement};

/// `i128::MAX`, the top of every wide figure.
pub const IMAX: i128 = i128::MAX;
/// `i128::MIN`.
pub const IMIN: i128 = i128::MIN;

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

/// A settlement carrying only what `InsuranceFund::book` reads (the fund's
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
