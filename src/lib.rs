//! # partliq — exact partial liquidations for margin engines
//!
//! When a margin account breaches its maintenance requirement, partliq
//! computes the **least** reduction of its positions that restores a safe
//! margin level, prices it, settles the fill and splits the fee — in exact
//! integer arithmetic, without allocating and without panicking — and
//! escalates (backstop, insurance fund, auto-deleveraging) when partial
//! reduction cannot work.
//!
//! Every public item is re-exported at the top level (`use partliq::*`);
//! the modules group them by what they do. The design behind them is in the
//! repository's `docs/` folder: `docs/design.md` (numbers, rounding, the
//! model, the pipeline), `docs/venues.md` (each venue's rules and what its
//! preset reproduces), `docs/c-abi.md` (the C ABI's rules).
//!
//! # The map
//!
//! **Numbers and the model**
//! * [`num`] — the engine's integer units ([`Size`], [`Price`], [`Quote`],
//!   [`Ppm`]), checked `i128` arithmetic, every division with a named
//!   [`Rounding`];
//! * [`error`] — every error as a value: one table of name, code (the C
//!   status) and description;
//! * [`market`] — a market's units and risk parameters: tiered margin with a
//!   cumulative deduction, the liquidation fee, its rounding and split, the
//!   dust floor;
//! * [`account`] — positions, accounts (cross or isolated), margin pools,
//!   and the flat batch layout ([`ScanAccount`]);
//! * [`health`] — equity, requirements and state of a pool or an account;
//!   liquidation targets;
//! * [`asset`] — collateral assets: asset and liability weights, the √size
//!   discount and premium;
//! * [`unified`] — unified accounts: balances and perps, cross or isolated,
//!   funding and resting orders; [`unified::health`] at three levels in
//!   order with a margin ladder; [`unified::pipeline`] cancelling resting
//!   orders first; [`unified::legs`] the four kinds of liquidation leg, each
//!   sized to the least amount; [`unified::planner`] the least liquidation
//!   over all of them;
//!   [`unified::waterfall`], who owns a bankrupt pool's
//!   deficit (insurance fund, backstop, socialized loss, auto-deleveraging)
//!   with one exact ledger; [`unified::delisting`], final settlement of a
//!   delisted market.
//!
//! **The pipeline's stages**
//! * [`sizing`] — the least lot-step close of one position that restores the
//!   target;
//! * [`plan`] — a plan over a pool's positions in a chosen order;
//! * [`pricing`] — bankruptcy price, liquidation order limit price,
//!   estimated liquidation price;
//! * [`settlement`] — booking an actual fill: cash, fee capped above
//!   bankruptcy, its split, bad debt;
//! * [`oracle`] — prices with integrity before any of it: each market's
//!   oracle price, publish time and confidence, index and mark, checked by a
//!   [`PriceGuard`] (staleness, confidence, deviation, which price each
//!   figure reads), a stable price, grace periods;
//! * [`pipeline`] — the whole ladder in one call ([`run_pipeline`]):
//!   trigger → choose → size → cap → price → escalate
//!   ([`run_guarded_pipeline`]: behind a price guard).
//!
//! **Policy and escalation**
//! * [`policy`] — a [`Policy`] and its step rules, the caller-owned rule
//!   state, and how one call's legs are budgeted and booked;
//! * [`escalation`] — backstop transfer, the insurance fund's book
//!   ([`InsuranceFundBook`]), auto-deleveraging.
//!
//! **Batch detection**
//! * [`scan`] — every unhealthy pool of a flat batch on a price update,
//!   exactly as [`pool_health`] reports it;
//! * [`index`] — a per-market liquidation-price index: the candidates of a
//!   mark or a move by binary search;
//! * [`priority`] — the order to process many liquidatable accounts in,
//!   most dangerous first, sorted in the caller's index buffer.
//!
//! **Shared state** (between an engine's threads, in caller memory)
//! * [`shared`] — the memory layout common to the three objects;
//! * [`shared::params`] — risk parameters published by a writer, read
//!   torn-free by many;
//! * [`shared::capacity`] — per-market liquidation capacity per window and
//!   block: reserve, commit, release;
//! * [`shared::fund`] — the insurance fund many threads credit and debit
//!   ([`shared::SharedInsuranceFund`]);
//! * `sync` (private) — the atomics the shared state is built on: core's, or
//!   loom's under the model tests;
//! * `shared::loom_tests` (tests only, `cfg(partliq_loom)`) — the loom
//!   models of the three shared objects.
//!
//! **Venues and presets**
//! * [`venues`] — replicas: a venue's own functions, to the unit;
//! * [`venues::dydx_v4`] — dYdX v4's margin, bankruptcy and fillable prices,
//!   insurance fund delta and liquidation size, to the quantum;
//! * [`venues::aave_v3`] — Aave v3.7's lending-mode liquidation, to the wei;
//! * [`venues::drift_v2`] — Drift v2's margin arithmetic, to the unit;
//! * [`presets`] — policies that follow each venue's documented rules
//!   through the pipeline, with the fees they fix.
//!
//! **The C ABI** is the workspace's `partliq-ffi` crate (`ffi/`):
//! `libpartliq.a`, `libpartliq.so` and `include/partliq.h` (generated by
//! cbindgen), one module per core module it exposes (`ffi/src/health.rs`
//! mirrors [`health`], `ffi/src/venues/dydx_v4.rs` mirrors
//! [`venues::dydx_v4`], …) plus `ffi/src/boundary.rs`, the pointer, length
//! and enum checks written once, and `ffi/src/status/` (its own statuses;
//! the core errors' codes generated from [`Error::ALL`]).
//!
//! # Guarantees
//!
//! Numbers are the engine's own integer units; every division names its
//! rounding, and every rounding favours solvency (unless a venue preset
//! reproduces a venue's documented rounding). Functions that write into a
//! caller's buffer or state write it only on success.
//!
//! With `default-features = false` the crate is `#![no_std]` and uses no
//! `alloc`, and has no dependency. It defines no panic handler: a `no_std`
//! program that links it brings its own, as firmware does. The core has no
//! panicking path (clippy denies `unwrap`, `expect`, `panic!`, indexing and
//! unchecked arithmetic), so that handler is never reached from here. The
//! C ABI (`libpartliq.a`, `libpartliq.so`, `include/partliq.h`) is the
//! `partliq-ffi` crate of this workspace.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), deny(unsafe_code))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod account;
pub mod error;
pub mod escalation;
pub mod health;
pub mod index;
pub mod market;
pub mod num;
pub mod oracle;
pub mod pipeline;
pub mod plan;
pub mod policy;
pub mod presets;
pub mod pricing;
pub mod priority;
pub mod ramps;
pub mod scan;
pub mod settlement;
pub mod shared;
pub mod sizing;
mod sync;
pub mod venues;

pub mod asset;
pub mod unified;

pub use account::{Account, MarginMode, Pool, Position, ScanAccount, MAX_POSITIONS};
pub use error::{Error, Result};
pub use escalation::{
    adl_counterparty_count, backstop_transfer, deleverage, rank_adl, AdlCandidate, AdlFill, AdlMode, BackstopTransfer, Coverage,
    InsuranceFundBook, InsuranceFunds,
};
pub use health::{account_health, pool_health, Health, HealthState, Target};
pub use index::{band_bounds, candidates_of, crossed_of, position_key, IndexEntry, LiquidationIndex, Side};
pub use market::{MarginTier, Market, RequirementKind, MAX_TIERS};
pub use num::{Ppm, Price, Quote, Rounding, Size};
pub use oracle::{initial_price, initial_prices, resolve_prices, PriceFeed, PriceGuard, PriceSource, PriceUse, StablePrice, Validity};
pub use pipeline::{run_guarded_pipeline, run_pipeline, run_pipeline_reserving, Action, Decision, Reason};
pub use plan::{plan_liquidation, Plan, PlanLeg, PlanOrder, PlanParams, PlanStatus};
pub use policy::{
    AccountLiquidationState, BlockLimits, CloseFactor, EmergencyBypass, EscalationRules, Fraction, FractionCap, LegReservation, LimitMode,
    MarketCapacityState, Policy, PositionLimits, SizingMode, TierStep, WindowCapacity,
};
pub use pricing::{bankruptcy_price, estimated_liquidation_price, limit_price, limit_price_around, BankruptcyPrice, LiquidationPrice};
pub use priority::{sort_by_priority, PriorityItem, PriorityOrder};
pub use ramps::{fillable_limit_price, BandRamp, FeeRamp, FractionRamp, Ramps};
pub use scan::{scan_accounts, ScanEnd, ScanHit, ScanMarket, ScanOutcome, ScanScales, Scanner, SCAN_STACK_MARKETS};
pub use settlement::{settle_fill, Fill, Settlement};
pub use sizing::{minimal_close, CloseRequest, CloseSizing, CloseStatus};

pub use asset::{Asset, AssetBalance, WeightLevel};
pub use unified::{
    perp_view, run_unified_pipeline, unified_account_health, unified_pool_health, HealthLevel, LevelFigures, MarginBook, MarginLadder,
    MarginRung, PerpPosition, PerpRisk, PositionMargin, UnifiedAccount, UnifiedHealth, UnifiedPool, MAX_BALANCES,
};

/// Fixtures the unit tests of several modules share.
#[cfg(test)]
pub(crate) mod test_fixtures {
    use crate::{Market, Position, Ppm, Quote, Size};

    /// A position of `size` in market `m` with quote balance `qb`.
    pub fn pos(m: u32, size: i64, qb: i64) -> Position {
        Position::new(m, Size(size), Quote(qb))
    }

    /// e = 0, lot 1, tick 1, 10 % / 5 %, liquidation fee 1 %, the
    /// liquidator's share `share_ppm`.
    pub fn fee_market(share_ppm: u32) -> Market {
        let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(10_000);
        m.liquidator_fee_share = Ppm(share_ppm);
        m
    }
}
