//! Property tests (proptest, thousands of cases each) against brute force and
//! exact rationals computed independently in the test, and real-thread stress
//! tests of the shared state. One module per subject:
//! - `sizing`, `plan`, `settlement`, `rounding`: the pipeline's figures on the
//!   generated scenarios of `scenario`;
//! - `pricing_health`: the estimated liquidation price and an isolated
//!   account's state against `pool_health`;
//! - `policy`: the step rules, the rule state, the insurance fund and
//!   auto-deleveraging;
//! - `ramps`: the incentive ramps monotone in time (the fillable price in
//!   depth) and within their caps, and no change with the ramps off;
//! - `dydx_fast`: the dYdX margin's 64-bit path against its exact path;
//! - `scan`, `index`: the batch scan and the liquidation-price index against a
//!   full scan;
//! - `priority`: the cross-account priority order — a permutation, total,
//!   deterministic, the margin ratio exact;
//! - `shared_stress`: `partliq::shared` under real threads;
//! - `lending`: lending mode on unified accounts — conservation per asset,
//!   the health factor's direction, the least debt to cover;
//! - `unified`: unified accounts — today's model as an exact special case,
//!   the health levels in order, health monotone in prices and weights;
//! - `unified_scan`: the unified batch scan against brute force over every
//!   pool, resumed across buffer sizes;
//! - `waterfall`: the bankruptcy waterfall against a model — steps in
//!   policy order, the ledger owning each deficit once, socialized charges
//!   covering the loss with bounded dust, haircut deposits at most `D − L`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::too_many_arguments
)]

#[path = "../support/mod.rs"]
mod support;

mod bypass;
mod dydx_fast;
mod index;
mod lending;
mod oracle;
mod plan;
mod policy;
mod pricing_health;
mod priority;
mod ramps;
mod reservations;
mod rounding;
mod scan;
mod scenario;
mod settlement;
mod shared_stress;
mod sizing;
mod unified;
mod unified_index;
mod unified_liquidation;
mod unified_scan;
mod waterfall;
