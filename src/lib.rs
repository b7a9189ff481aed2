//! # partliq — exact partial liquidations for margin engines
//!
//! When a margin account breaches its maintenance requirement, partliq
//! computes the **least** reduction of its positions that restores a safe
//! margin level, prices it, settles the fill and splits the fee — in exact
//! integer arithmetic, without allocating and without panicking.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`health`] — equity, requirements, state of a margin pool;
//! 2. [`sizing`] — the least lot-step close of one position that restores the
//!    target;
//! 3. [`plan`] — a plan over several positions (cross margin) with a
//!    selectable order;
//! 4. [`pricing`] — bankruptcy price, liquidation order limit price,
//!    estimated liquidation price;
//! 5. [`settlement`] — applying an actual fill: fee, split, bad debt.
//!
//! Numbers ([`num`]) are the engine's own integer units; every division names
//! its rounding, and every rounding favours solvency.
//!
//! With `default-features = false` the crate is `#![no_std]` and uses no
//! `alloc`. Because the package also builds a `staticlib` and a `cdylib`
//! (which must name a panic handler), a `no_std` build ships one: it spins.
//! The core has no panicking path (clippy denies `unwrap`, `expect`,
//! `panic!`, indexing and unchecked arithmetic), so it is never reached; a
//! `no_std` binary that links partliq uses it and must not define another.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), deny(unsafe_code))]

/// The panic handler of `no_std` builds (see the crate docs): unreachable
/// from the core, it spins rather than unwinding.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

// `cbindgen:ignore` keeps the core modules out of include/partliq.h when
// cbindgen parses the whole crate (`--crate partliq`), so that form gives the
// same header as scripts/ffi/gen-header.sh (which parses src/ffi only).
/// cbindgen:ignore
pub mod account;
/// cbindgen:ignore
pub mod error;
/// cbindgen:ignore
pub mod escalation;
#[cfg(feature = "ffi")]
pub mod ffi;
/// cbindgen:ignore
pub mod health;
/// cbindgen:ignore
pub mod index;
/// cbindgen:ignore
pub mod market;
/// cbindgen:ignore
pub mod num;
/// cbindgen:ignore
pub mod pipeline;
/// cbindgen:ignore
pub mod plan;
/// cbindgen:ignore
pub mod policy;
/// cbindgen:ignore
pub mod presets;
/// cbindgen:ignore
pub mod pricing;
/// cbindgen:ignore
pub mod scan;
/// cbindgen:ignore
pub mod settlement;
/// cbindgen:ignore
pub mod shared;
/// cbindgen:ignore
pub mod sizing;
/// cbindgen:ignore
mod sync;
/// cbindgen:ignore
pub mod venues;

pub use account::{Account, MarginMode, Pool, Position, ScanAccount, MAX_POSITIONS};
pub use error::{Error, Result};
/// Compatibility name of [`InsuranceFundBook`] (the top-level name of
/// earlier releases, still used by the C layer, the simulator and tests);
/// to be removed once they name `InsuranceFundBook`.
pub use escalation::InsuranceFundBook as InsuranceFund;
pub use escalation::{
    backstop_transfer, deleverage, rank_adl, AdlCandidate, AdlFill, AdlMode, BackstopTransfer, Coverage, InsuranceFundBook, InsuranceFunds,
};
pub use health::{account_health, pool_health, Health, HealthState, Target};
pub use index::{band_bounds, position_key, IndexEntry, LiquidationIndex, Side};
pub use market::{MarginTier, Market, RequirementKind, MAX_TIERS};
pub use num::{Ppm, Price, Quote, Rounding, Size};
pub use pipeline::{run_pipeline, Action, Decision, Reason};
pub use plan::{plan_liquidation, Plan, PlanLeg, PlanOrder, PlanParams, PlanStatus};
pub use policy::{
    AccountLiquidationState, BlockLimits, CloseFactor, EscalationRules, Fraction, FractionCap, LimitMode, MarketCapacityState, Policy,
    PositionLimits, SizingMode, TierStep, WindowCapacity,
};
pub use pricing::{bankruptcy_price, estimated_liquidation_price, limit_price, BankruptcyPrice, LiquidationPrice};
pub use scan::{scan_accounts, ScanEnd, ScanHit, ScanMarket, ScanOutcome, Scanner, SCAN_STACK_MARKETS};
pub use settlement::{settle_fill, Fill, Settlement};
pub use sizing::{minimal_close, CloseRequest, CloseSizing, CloseStatus};
