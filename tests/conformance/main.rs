//! Conformance tests: partliq reproduces published numbers and the venues'
//! own test tables exactly. One module per subject:
//! - `dydx_v4`, `aave_v3`: the venue replicas against dYdX's Go tests and
//!   Aave's Foundry tests;
//! - `lending`: lending mode on unified accounts against the Aave replica;
//! - `drift_v2`, `mango_v4`: unified-account health against Drift's and
//!   Mango's own unit tests (Drift through its replica too), and funding
//!   against dYdX's settlement tests;
//! - `drift_v2_liquidation`: Drift's liquidation replica against Drift's
//!   own liquidation-math tests;
//! - `unified_liquidation`: partliq's liquidation legs against Mango's
//!   token and perp liquidation tests and Drift's sizing formulas;
//! - `venues`: partliq's own API against published dYdX, Binance and
//!   Hyperliquid figures;
//! - `policies`: every step rule, venue preset and escalation path by hand;
//! - `ramps`: the fee and fraction ramps against Drift's tests and replica
//!   (dYdX's fillable price through the pipeline is in `dydx_v4`);
//! - `bigrational`: health and sizing against an exact big-rational
//!   reference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::too_many_arguments,
    missing_docs
)]

#[path = "../support/mod.rs"]
mod support;

/// The benchmarks' inputs (`benches/common`), which `bigrational` checks.
#[path = "../../benches/common/mod.rs"]
mod bench_common;
/// The exact big-rational reference, shared with `benches/bigrational.rs`.
#[path = "../bigrational_ref/mod.rs"]
mod bigrational_ref;

mod aave_v3;
mod bigrational;
mod drift_v2;
mod drift_v2_liquidation;
mod dydx_v4;
mod lending;
mod mango_v4;
mod policies;
mod ramps;
mod unified_liquidation;
mod venues;
