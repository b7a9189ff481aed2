//! The stable C ABI of partliq (`include/partliq.h`, generated from this
//! crate by cbindgen; shipped as `libpartliq.a` and `libpartliq.so`).
//!
//! One module per core module it exposes, named alike, each holding what
//! that core module defines and nothing else (`health`, `sizing`, `plan`,
//! `pricing`, `settlement`, `market`, `account`, `asset`, `policy`,
//! `venues`, `presets`, `pipeline`, `unified`, `escalation`, `scan`,
//! `index`, `priority`, `shared`),
//! plus `status` (the core's `error` as status codes), `version`, and
//! `boundary`: the pointer, length, enumeration and layout machinery every
//! entry point uses, written once.
//! The modules convert and check at the boundary and call the core: no
//! figure is computed here.
//!
//! Conventions, the same for every function:
//!
//! * every symbol, type and constant carries the `partliq_` / `PARTLIQ_`
//!   prefix;
//! * structs are plain `#[repr(C)]` values the caller owns; no `i128`, no
//!   `bool` (flags are `uint8_t`, enumerations `uint32_t` with named
//!   constants), no heap handles;
//! * every fallible function returns a [`partliq_status`] (a `uint32_t`)
//!   and writes its outputs through out-pointers **only** on
//!   `PARTLIQ_STATUS_OK`: on any other status every output is untouched;
//! * an output array (plan legs, ADL order and fills) and the memory a
//!   shared-state object is laid out in are initialised memory, any values
//!   (zeroed, or left from an earlier call): the Rust side views them as
//!   slices of integers, which must hold valid values even where it only
//!   writes;
//! * a NULL pointer gets `PARTLIQ_STATUS_NULL_POINTER`; an array pointer
//!   may be NULL only when its length is 0; a length no array of its type can
//!   have gets `PARTLIQ_STATUS_BAD_LENGTH`; a pointer not aligned for its
//!   type gets `PARTLIQ_STATUS_MISALIGNED_POINTER`; a `reserved` field that
//!   is not 0 gets `PARTLIQ_STATUS_RESERVED_NOT_ZERO`; an enumeration field
//!   outside its named constants gets `PARTLIQ_STATUS_INVALID_ENUM`;
//! * the core never panics; the shipped libraries are built with
//!   `panic = "abort"` (`CARGO_PROFILE_RELEASE_PANIC=abort` where they are
//!   built), and an `extern "C"` function aborts on a panic that would leave
//!   it anyway, so no unwinding ever crosses the boundary;
//! * nothing allocates, nothing is global, every function is reentrant and
//!   thread-safe on distinct outputs.
//!
//! Markets are not re-validated on every call: validate each once with
//! `partliq_market_validate` when it is set up or changed.
//!
//! A pool is always passed flat, as `markets, markets_len, prices,
//! prices_len, collateral, positions, positions_len` (`prices[i]` is the mark
//! of `markets[i]`), so that cgo and JNA callers pass their own arrays
//! without building pointer-holding structs. A unified account likewise:
//! its book (`markets, prices, funding_indexes, perp_risk, assets,
//! asset_prices`, each a pointer and a length), then its `balances` and
//! `positions`.
//!
//! Without the `std` feature the crate is `#![no_std]` and uses no `alloc`;
//! its static library then needs a panic handler, and this crate (not the
//! core) defines one: it spins, and nothing reaches it. A `no_std` program
//! that links this crate as an rlib uses it and must not define another; one
//! that uses the core alone defines its own.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]

/// The panic handler of `no_std` builds (see the crate docs): unreachable
/// from the entry points, it spins rather than unwinding.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

// The workspace denies `unsafe_code`; it is allowed on the modules below,
// which need it: each exports `#[no_mangle]` symbols (which `unsafe_code`
// counts) and `unsafe extern "C" fn`s taking raw pointers, and the boundary
// dereferences them. This file (the crate root, the panic handler) and the
// test runner `cases` keep it denied. Every `unsafe` block says why it is
// sound (`clippy::undocumented_unsafe_blocks`).
//
// The header lists the functions, and the structs they use, in the order of
// these declarations (cbindgen reads the modules in turn): each stands
// alone, so that rustfmt keeps the order; moving one moves its items in the
// header.

// The boundary's machinery (its macros serve the modules after it).
#[macro_use]
#[allow(unsafe_code)]
mod boundary;

// `PARTLIQ_VERSION_*`, `partliq_version`, `partliq_abi_version`.
#[allow(unsafe_code)]
mod version;

// `PARTLIQ_MAX_TIERS`, markets, `partliq_market_validate`.
#[allow(unsafe_code)]
mod market;

// `PARTLIQ_MAX_POSITIONS`, positions, margin modes.
#[allow(unsafe_code)]
mod account;

// `partliq_pool_health`, `partliq_account_health`.
#[allow(unsafe_code)]
mod health;

// Collateral assets and balances, `partliq_asset_validate`.
#[allow(unsafe_code)]
mod asset;

// `partliq_minimal_close`.
#[allow(unsafe_code)]
mod sizing;

// `partliq_plan_liquidation`.
#[allow(unsafe_code)]
mod plan;

// `partliq_bankruptcy_price`, `partliq_limit_price`, `partliq_estimated_liquidation_price`.
#[allow(unsafe_code)]
mod pricing;

// `partliq_settle_fill`.
#[allow(unsafe_code)]
mod settlement;

// `PARTLIQ_STATUS_*`, `partliq_status_str`.
#[allow(unsafe_code)]
mod status;

// Incentive ramps, `partliq_ramps_validate`, `partliq_ramps_fee`, `partliq_fillable_limit_price`.
#[allow(unsafe_code)]
mod ramps;

// Policies, rule state, `partliq_policy_validate`, `partliq_account_state_record_insurance_loss`.
#[allow(unsafe_code)]
mod policy;

// The venue replicas: `partliq_dydx_*` (config and liquidation functions), `partliq_aave_*`.
#[allow(unsafe_code)]
mod venues;

// `partliq_preset_*`, `partliq_preset_apply`.
#[allow(unsafe_code)]
mod presets;

// `partliq_run_pipeline`.
#[allow(unsafe_code)]
mod pipeline;

// Prices with integrity: feeds, the price guard, the stable price,
// `partliq_run_guarded_pipeline`.
#[allow(unsafe_code)]
mod oracle;

// Unified accounts: perp positions, risk extras, pools, ladders, their
// health (`partliq_unified_pool_health`, `partliq_unified_account_health`),
// pipeline (`partliq_run_unified_pipeline`), legs and their planner
// (`partliq_unified_settle_leg`, `partliq_unified_size_leg`,
// `partliq_unified_plan_liquidation`), the bankruptcy waterfall
// (`partliq_resolve_deficit` and its figures) and a delisted market's final
// settlement (`partliq_settle_delisted`).
#[allow(unsafe_code)]
mod unified;

// Backstop, the insurance fund as a value, auto-deleveraging.
#[allow(unsafe_code)]
mod escalation;

// The batch scan over a table in caller memory: `partliq_scanner_*`.
#[allow(unsafe_code)]
mod scan;

// The liquidation-price index in caller memory: `partliq_index_*`.
#[allow(unsafe_code)]
mod index;

// Cross-account priority: `partliq_sort_by_priority`.
#[allow(unsafe_code)]
mod priority;

// Shared state in caller memory: `partliq_market_params_*`, `partliq_capacity_*`, `partliq_fund_*`.
#[cfg(target_has_atomic = "64")]
#[allow(unsafe_code)]
mod shared;

#[cfg(all(test, feature = "std"))]
mod cases;

// The unit tests' shared market, position and pipeline call.
#[cfg(test)]
#[allow(unsafe_code)]
mod fixtures;

// Batch entry points: health, plans and dYdX margin of N accounts a call.
#[allow(unsafe_code)]
mod batch;

pub use account::*;
pub use asset::*;
pub use batch::*;
pub use escalation::*;
pub use health::*;
pub use index::*;
pub use market::*;
pub use oracle::*;
pub use pipeline::*;
pub use plan::*;
pub use policy::*;
pub use presets::*;
pub use pricing::*;
pub use priority::*;
pub use ramps::*;
pub use scan::*;
pub use settlement::*;
#[cfg(target_has_atomic = "64")]
pub use shared::*;
pub use sizing::*;
pub use status::*;
pub use unified::*;
pub use venues::*;
pub use version::*;
