//! Edge tables: every public function at `i128` / `i64` / `u64` / `u32`
//! extremes, zero, one lot, one tick, one wei, empty slices,
//! `MAX_POSITIONS` positions, `MAX_TIERS` tiers and out-of-range indexes.
//! Each row names its input and the exact result or error expected (derived
//! from the function's documentation, the arithmetic in the comment); a
//! failing row prints its name.
//!
//! One module per subject:
//! - `core`: numbers, errors, markets, health, sizing, planning, pricing,
//!   settlement, the pipeline and the policy rule state;
//! - `fund`: escalation — backstop, deleveraging and ADL ranking, the
//!   insurance fund and the per-market funds;
//! - `shared`: the shared-memory parameters, capacity and fund;
//! - `presets`: the venue presets and their constructors;
//! - `ramps`: each incentive ramp through the pipeline at its boundaries,
//!   and the liquidation's start time in the rule state;
//! - `scan_index`: the batch scanner and the liquidation index;
//! - `dydx_v4`, `aave_v3`: the venue replicas;
//! - `unified_liquidation`: unified liquidation path by path (swap, perp,
//!   bankruptcy through the waterfall, delisting);
//! - `lending`: lending mode on unified accounts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::type_complexity
)]

#[path = "../support/mod.rs"]
mod support;

mod aave_v3;
mod bypass;
mod core;
mod dydx_v4;
mod fund;
mod lending;
mod oracle;
mod presets;
mod ramps;
mod reservations;
mod scan_index;
mod shared;
mod unified_liquidation;

use partliq::{Market, Position, Ppm, Quote, Size};

/// e = 0, lot 1, tick 1, IM 10 %, MM 5 %: notional = size × price.
fn market() -> Market {
    Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
}

/// `market()` with a fee of 1 %, 40 % of it to the liquidator.
fn fee_market() -> Market {
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(10_000);
    m.liquidator_fee_share = Ppm(400_000);
    m
}

/// A position in market 0.
fn pos0(size: i64, qb: i64) -> Position {
    Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }
}
