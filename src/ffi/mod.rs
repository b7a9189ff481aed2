//! The stable C ABI (`include/partliq.h`, generated from this module by
//! cbindgen).
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
//! * a NULL pointer gets `PARTLIQ_STATUS_NULL_POINTER`; an array pointer
//!   may be NULL only when its length is 0; a length no array of its type can
//!   have gets `PARTLIQ_STATUS_BAD_LENGTH`; a pointer not aligned for its
//!   type gets `PARTLIQ_STATUS_MISALIGNED_POINTER`; a `reserved` field that
//!   is not 0 gets `PARTLIQ_STATUS_RESERVED_NOT_ZERO`; an enumeration field
//!   outside its named constants gets `PARTLIQ_STATUS_INVALID_ENUM`;
//! * the core never panics; the release and dev profiles abort on panic, so
//!   no unwinding ever crosses the boundary;
//! * nothing allocates, nothing is global, every function is reentrant and
//!   thread-safe on distinct outputs.
//!
//! Markets are not re-validated on every call: validate each once with
//! `partliq_market_validate` when it is set up or changed.
//!
//! A pool is always passed flat, as `markets, markets_len, prices,
//! prices_len, collateral, positions, positions_len` (`prices[i]` is the mark
//! of `markets[i]`), so that cgo and JNA callers pass their own arrays
//! without building pointer-holding structs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

#[macro_use]
mod types;
#[macro_use]
mod api;
mod status;

mod engine;
mod escalation;
#[cfg(all(target_has_atomic = "64", not(all(test, partliq_loom))))]
mod shared;

#[cfg(all(test, feature = "std"))]
mod cases;

pub use api::*;
pub use engine::*;
pub use escalation::*;
#[cfg(all(target_has_atomic = "64", not(all(test, partliq_loom))))]
pub use shared::*;
pub use status::*;
pub use types::*;

/// Major version of the library (Cargo.toml's); the shared library's SONAME
/// carries it (`libpartliq.so.0`).
pub const PARTLIQ_VERSION_MAJOR: u32 = 0;
/// Minor version of the library (Cargo.toml's).
pub const PARTLIQ_VERSION_MINOR: u32 = 1;
/// Patch version of the library (Cargo.toml's).
pub const PARTLIQ_VERSION_PATCH: u32 = 0;
/// The three numbers combined: `MAJOR × 1,000,000 + MINOR × 1,000 + PATCH`.
/// `partliq_abi_version()` returns it for the library actually linked.
pub const PARTLIQ_VERSION_NUMBER: u32 = 1_000;

/// Most margin tiers of a market (the core's `MAX_TIERS`).
pub const PARTLIQ_MAX_TIERS: usize = 16;
/// Most positions of one margin pool (the core's `MAX_POSITIONS`); also the
/// most plan legs a plan can have.
pub const PARTLIQ_MAX_POSITIONS: usize = 64;

static_assertions::const_assert_eq!(
    PARTLIQ_VERSION_NUMBER,
    PARTLIQ_VERSION_MAJOR * 1_000_000 + PARTLIQ_VERSION_MINOR * 1_000 + PARTLIQ_VERSION_PATCH
);
static_assertions::const_assert_eq!(PARTLIQ_MAX_TIERS, crate::MAX_TIERS);
static_assertions::const_assert_eq!(PARTLIQ_MAX_POSITIONS, crate::MAX_POSITIONS);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod version_tests {
    use super::*;

    /// The header's macros (these constants), Cargo.toml's version and
    /// `partliq_version()` agree.
    #[test]
    fn version_agrees_with_cargo_toml() {
        let parse = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(PARTLIQ_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(PARTLIQ_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(PARTLIQ_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        assert_eq!(partliq_abi_version(), PARTLIQ_VERSION_NUMBER);
        // SAFETY: partliq_version returns a static NUL-terminated string.
        let v = unsafe { core::ffi::CStr::from_ptr(partliq_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
