//! Status codes (the core's `error`): one per core error, plus the
//! boundary's own.
//!
//! Every fallible function returns a [`partliq_status`]: a fixed-width
//! `uint32_t` whose values are never reused.
//!
//! Ranges:
//! * `0`: success ([`PARTLIQ_STATUS_OK`]);
//! * `1 ..= 999`: one code per `partliq::Error` variant, with the variant's
//!   own (explicit, never reused) discriminant: 1–9 arithmetic, 10–29 market
//!   parameters, 30–39 pools and positions, 40–49 fills and liquidation
//!   parameters, 50–99 policies, presets and escalation, 100–199 shared
//!   state, 200–219 unified accounts, 220–239 unified liquidation;
//! * `1000 ..= 1099`: errors of the C boundary itself (pointers, lengths,
//!   enumeration and reserved fields);
//! * `2000 ..= 2099`: reserved for the shared-state objects' own boundary
//!   errors (size and alignment of caller-provided memory).
//!
//! Each core error is written once, in the core's table (src/error.rs):
//! its code and description come from there. The `PARTLIQ_STATUS_*`
//! constants of the core errors must be literal items for cbindgen, so they
//! are generated from `partliq::Error::ALL` into `status/codes.rs` (name:
//! `PARTLIQ_STATUS_` and the variant in upper snake case; value: its code;
//! doc: its description) by `bash scripts/ffi/gen-status-codes.sh`
//! (`PARTLIQ_BLESS=1 cargo test -p partliq-ffi --lib status::`), and the
//! test `status::tests::codes_are_generated` fails while that file is stale.
//! [`partliq_status_str`] returns the core's own C string
//! (`Error::as_c_str`) for a core code; `status/abi.rs` holds the ABI's own
//! statuses and their texts.

use core::ffi::CStr;

use partliq::error::Error;

/// What a function did: one of the `PARTLIQ_STATUS_*` values (a `uint32_t`;
/// values are never reused). Outputs are written only with
/// `PARTLIQ_STATUS_OK`.
pub type partliq_status = u32;

/// Success: the outputs are written.
pub const PARTLIQ_STATUS_OK: partliq_status = 0;

// One constant per core error, generated from the core's table; then the
// ABI's own. The header lists them in this order (each declaration stands
// alone, so that rustfmt keeps it).
mod codes;

// `PARTLIQ_STATUS_NULL_POINTER` … `PARTLIQ_STATUS_INVALID_ENUM`.
mod abi;

pub use abi::*;
pub use codes::*;

const UNKNOWN: &CStr = c"unknown status code";

/// The status of a core error: its own discriminant.
pub(crate) fn status_of(e: Error) -> partliq_status {
    e as u32
}

/// The description of a named status: a core error's own (`Error::as_c_str`)
/// or the ABI's.
fn description(status: partliq_status) -> Option<&'static CStr> {
    match Error::ALL.iter().find(|e| status_of(**e) == status) {
        Some(e) => Some(e.as_c_str()),
        None => abi::OWN.iter().find(|(s, _)| *s == status).map(|(_, d)| *d),
    }
}

/// A static, NUL-terminated, human-readable description of `status`; never
/// NULL. An unknown code gets "unknown status code". Do not free it.
#[no_mangle]
pub extern "C" fn partliq_status_str(status: partliq_status) -> *const core::ffi::c_char {
    description(status).unwrap_or(UNKNOWN).as_ptr()
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]
mod tests {
    use super::*;
    use std::string::String;

    /// `PARTLIQ_STATUS_` and a variant's name in upper snake case
    /// (`FractionAbove100Percent` → `FRACTION_ABOVE_100_PERCENT`).
    fn constant_name(e: Error) -> String {
        let camel = std::format!("{e:?}");
        let mut name = String::from("PARTLIQ_STATUS_");
        let mut prev: Option<char> = None;
        for c in camel.chars() {
            if let Some(p) = prev {
                let word = (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                    || (c.is_ascii_digit() && p.is_ascii_alphabetic());
                if word {
                    name.push('_');
                }
            }
            name.push(c.to_ascii_uppercase());
            prev = Some(c);
        }
        name
    }

    /// What `codes.rs` holds: one constant per `Error::ALL` entry, in its
    /// order, documented with the error's description.
    fn generated_codes() -> String {
        let mut text = String::from(CODES_HEADER);
        for e in Error::ALL {
            text.push_str(&std::format!(
                "\n/// {} (`partliq::Error::{e:?}`).\npub const {}: partliq_status = {};\n",
                e.as_str(),
                constant_name(*e),
                status_of(*e)
            ));
        }
        text
    }

    const CODES_HEADER: &str = "\
// Generated from src/error.rs (the core's error table, through
// `partliq::Error::ALL`) by `bash scripts/ffi/gen-status-codes.sh`; do not
// edit. The test `status::tests::codes_are_generated` fails when it is stale.

//! `PARTLIQ_STATUS_<ERROR>`: the status of each core error, its code the
//! error's own and its description the error's.

use super::partliq_status;
";

    /// `codes.rs` is what the core's table generates now; with
    /// `PARTLIQ_BLESS=1` it is rewritten instead (scripts/ffi/gen-status-codes.sh).
    #[test]
    fn codes_are_generated() {
        let want = generated_codes();
        if include_str!("status/codes.rs") == want {
            return;
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/status/codes.rs");
        if std::env::var_os("PARTLIQ_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(path, want).unwrap();
            return;
        }
        panic!(
            "ffi/src/status/codes.rs is stale (src/error.rs changed): run bash scripts/ffi/gen-status-codes.sh, \
             then bash scripts/ffi/gen-header.sh, and commit both"
        );
    }

    /// Names and codes by hand: each range's first and last, and a name
    /// with digits.
    #[test]
    fn codes_by_hand() {
        assert_eq!(PARTLIQ_STATUS_OVERFLOW, 1);
        assert_eq!(PARTLIQ_STATUS_OUT_OF_RANGE, 3);
        assert_eq!(PARTLIQ_STATUS_INVALID_LOT_STEP, 10);
        assert_eq!(PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT, 16);
        assert_eq!(PARTLIQ_STATUS_UNKNOWN_MARKET, 30);
        assert_eq!(PARTLIQ_STATUS_INVALID_PRICE_BAND, 43);
        assert_eq!(PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG, 64);
        assert_eq!(PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL, 100);
        assert_eq!(PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION, 110);
        assert_eq!(constant_name(Error::FractionAbove100Percent), "PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT");
        assert_eq!(constant_name(Error::DivisionByZero), "PARTLIQ_STATUS_DIVISION_BY_ZERO");
    }

    /// The ABI's own statuses lie outside the core's range (1 ..= 999).
    #[test]
    fn own_statuses_apart_from_the_core() {
        for e in Error::ALL {
            assert!((1..1000).contains(&status_of(*e)), "{e:?}");
        }
        for (s, _) in abi::OWN {
            assert!(s == PARTLIQ_STATUS_OK || (1000..2000).contains(&s), "{s}");
        }
    }

    #[test]
    fn descriptions_are_nul_terminated_and_unique() {
        let mut seen = std::vec::Vec::new();
        for code in 0..3000u32 {
            if let Some(d) = description(code) {
                assert!(!d.to_bytes().is_empty(), "{code}");
                assert!(!seen.contains(&d), "{code}");
                seen.push(d);
                assert_eq!(partliq_status_str(code), d.as_ptr());
            } else {
                assert_eq!(partliq_status_str(code), UNKNOWN.as_ptr());
            }
        }
        assert_eq!(seen.len(), Error::ALL.len() + abi::OWN.len());
        assert_eq!(description(PARTLIQ_STATUS_DIVISION_BY_ZERO), Some(c"division by zero"));
        assert_eq!(description(PARTLIQ_STATUS_NULL_POINTER), Some(c"a required pointer is NULL"));
        assert_eq!(partliq_status_str(u32::MAX), UNKNOWN.as_ptr());
    }
}
