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
//!   parameters, 50–99 policies, presets and escalation, 100–199 shared state;
//! * `1000 ..= 1099`: errors of the C boundary itself (pointers, lengths,
//!   enumeration and reserved fields);
//! * `2000 ..= 2099`: reserved for the shared-state objects' own boundary
//!   errors (size and alignment of caller-provided memory).
//!
//! A core error that this version of the header does not name yet is
//! returned as its own number all the same; [`partliq_status_str`] then says
//! "unknown status code".

use partliq::error::Error;

/// What a function did: one of the `PARTLIQ_STATUS_*` values (a `uint32_t`;
/// values are never reused). Outputs are written only with
/// `PARTLIQ_STATUS_OK`.
pub type partliq_status = u32;

/// Success: the outputs are written.
pub const PARTLIQ_STATUS_OK: partliq_status = 0;

/// An intermediate or final figure does not fit its integer type.
pub const PARTLIQ_STATUS_OVERFLOW: partliq_status = 1;

/// A division by zero was requested.
pub const PARTLIQ_STATUS_DIVISION_BY_ZERO: partliq_status = 2;

/// A value is outside the range its parameter allows.
pub const PARTLIQ_STATUS_OUT_OF_RANGE: partliq_status = 3;

/// The market's lot step is zero or negative.
pub const PARTLIQ_STATUS_INVALID_LOT_STEP: partliq_status = 10;

/// The market's tick is zero or negative.
pub const PARTLIQ_STATUS_INVALID_TICK: partliq_status = 11;

/// The market has no margin tier, or more than `PARTLIQ_MAX_TIERS`.
pub const PARTLIQ_STATUS_INVALID_TIER_COUNT: partliq_status = 12;

/// The first tier does not start at notional 0.
pub const PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO: partliq_status = 13;

/// Tier notional floors are not strictly ascending.
pub const PARTLIQ_STATUS_TIERS_NOT_ASCENDING: partliq_status = 14;

/// A tier's maintenance fraction exceeds its initial fraction.
pub const PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL: partliq_status = 15;

/// A margin fraction, fee or fee share exceeds 1,000,000 ppm.
pub const PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT: partliq_status = 16;

/// A margin fraction is lower than the one of the tier below it.
pub const PARTLIQ_STATUS_FRACTIONS_DECREASING: partliq_status = 17;

/// The quote exponent is outside `[-18, 18]`.
pub const PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT: partliq_status = 18;

/// The dust floor is negative.
pub const PARTLIQ_STATUS_INVALID_DUST_FLOOR: partliq_status = 19;

/// The market's liquidation fee rounding is not up or down. (The Rust API
/// only: the C ABI's `partliq_market.liquidation_fee_rounding` is checked as
/// an enumeration, `PARTLIQ_STATUS_INVALID_ENUM`.)
pub const PARTLIQ_STATUS_INVALID_FEE_ROUNDING: partliq_status = 20;

/// A position names a market index that is not in the markets array.
pub const PARTLIQ_STATUS_UNKNOWN_MARKET: partliq_status = 30;

/// The price of a market a position needs is missing (absent or zero).
pub const PARTLIQ_STATUS_MISSING_PRICE: partliq_status = 31;

/// A price is negative.
pub const PARTLIQ_STATUS_NEGATIVE_PRICE: partliq_status = 32;

/// A position index is out of range for the pool.
pub const PARTLIQ_STATUS_UNKNOWN_POSITION: partliq_status = 33;

/// The position to act on has size zero.
pub const PARTLIQ_STATUS_EMPTY_POSITION: partliq_status = 34;

/// More positions than `PARTLIQ_MAX_POSITIONS` in one margin pool.
pub const PARTLIQ_STATUS_TOO_MANY_POSITIONS: partliq_status = 35;

/// An output array is shorter than the input it must describe.
pub const PARTLIQ_STATUS_BUFFER_TOO_SMALL: partliq_status = 36;

/// A fill quantity is zero, on the wrong side, or larger than the position.
pub const PARTLIQ_STATUS_INVALID_FILL_QUANTITY: partliq_status = 40;

/// A fill or execution price is zero or negative.
pub const PARTLIQ_STATUS_INVALID_FILL_PRICE: partliq_status = 41;

/// The target buffer exceeds 1,000,000 ppm, or is not 0 with an initial-margin target.
pub const PARTLIQ_STATUS_INVALID_BUFFER: partliq_status = 42;

/// A price band exceeds 1,000,000 ppm.
pub const PARTLIQ_STATUS_INVALID_PRICE_BAND: partliq_status = 43;

/// A policy fraction (cap, portion, close factor, ratio) exceeds 100 % or is 0 where it must not be.
pub const PARTLIQ_STATUS_INVALID_POLICY_FRACTION: partliq_status = 50;

/// A capacity window or cooldown of zero length where one is required.
pub const PARTLIQ_STATUS_ZERO_WINDOW: partliq_status = 51;

/// The backstop fraction is 100 % or more (it must lie below maintenance).
pub const PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE: partliq_status = 52;

/// A policy limit (notional, loss, capacity) is negative.
pub const PARTLIQ_STATUS_NEGATIVE_LIMIT: partliq_status = 53;

/// A caller-owned state slice is shorter than the markets it must track.
pub const PARTLIQ_STATUS_STATE_TOO_SMALL: partliq_status = 54;

/// Deleveraging counterparties cannot absorb the position (not enough opposite size).
pub const PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES: partliq_status = 55;

/// An insurance fund debit would take it below its floor; refused whole.
pub const PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR: partliq_status = 56;

/// Lending mode: the health factor is not below the liquidation threshold.
pub const PARTLIQ_STATUS_NOT_LIQUIDATABLE: partliq_status = 57;

/// Lending mode: the collateral reserve is not enabled as collateral (or holds none).
pub const PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED: partliq_status = 58;

/// Lending mode: the user has no debt in the reserve to repay.
pub const PARTLIQ_STATUS_NOT_BORROWED: partliq_status = 59;

/// Lending mode: the liquidation would leave dust (Aave v3.3+: < $1,000 of debt or collateral).
pub const PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST: partliq_status = 60;

/// Lending mode: a burn of zero scaled units was requested.
pub const PARTLIQ_STATUS_ZERO_BURN_AMOUNT: partliq_status = 61;

/// dYdX: this perpetual was already liquidated for the subaccount in this block.
pub const PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK: partliq_status = 62;

/// dYdX: the subaccount's block limit is already exceeded.
pub const PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED: partliq_status = 63;

/// A venue's liquidation configuration is invalid.
pub const PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG: partliq_status = 64;

/// Caller-provided memory for a shared-state object is too small for its layout.
pub const PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL: partliq_status = 100;

/// Caller-provided memory for a shared-state object is not 8-byte aligned.
pub const PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED: partliq_status = 101;

/// A shared-state count (parameter slots, markets, reservation entries) is zero or above its maximum.
pub const PARTLIQ_STATUS_INVALID_SLOT_COUNT: partliq_status = 102;

/// The memory does not hold an initialized shared-state object of this kind and layout.
pub const PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED: partliq_status = 103;

/// Another writer is publishing parameters right now; retry.
pub const PARTLIQ_STATUS_PUBLISH_IN_PROGRESS: partliq_status = 104;

/// Every spare parameter slot is still being read; retry.
pub const PARTLIQ_STATUS_NO_FREE_SLOT: partliq_status = 105;

/// A parameter payload encoded or decoded a different number of words than it declares.
pub const PARTLIQ_STATUS_PAYLOAD_SIZE_MISMATCH: partliq_status = 106;

/// Not enough liquidation capacity left in the window or block.
pub const PARTLIQ_STATUS_CAPACITY_EXHAUSTED: partliq_status = 107;

/// Every reservation entry is in use; commit or release some first.
pub const PARTLIQ_STATUS_RESERVATION_TABLE_FULL: partliq_status = 108;

/// The reservation handle names no live reservation (never made, or already committed or released).
pub const PARTLIQ_STATUS_UNKNOWN_RESERVATION: partliq_status = 109;

/// A commit is larger than its reservation; the reservation is left as it was.
pub const PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION: partliq_status = 110;

/// A required pointer is NULL (an array pointer with a non-zero length included).
pub const PARTLIQ_STATUS_NULL_POINTER: partliq_status = 1000;

/// A length no array of its element type can have (its byte size exceeds `PTRDIFF_MAX`).
pub const PARTLIQ_STATUS_BAD_LENGTH: partliq_status = 1001;

/// A pointer is not aligned for its type.
pub const PARTLIQ_STATUS_MISALIGNED_POINTER: partliq_status = 1002;

/// A field documented as reserved is not 0.
pub const PARTLIQ_STATUS_RESERVED_NOT_ZERO: partliq_status = 1003;

/// An enumeration field holds a value outside its named constants.
pub const PARTLIQ_STATUS_INVALID_ENUM: partliq_status = 1004;

/// Every named status with its NUL-terminated description.
const NAMED: [(partliq_status, &[u8]); 57] = [
    (PARTLIQ_STATUS_OK, b"ok\0"),
    (PARTLIQ_STATUS_OVERFLOW, b"arithmetic overflow: a figure does not fit its integer type\0"),
    (PARTLIQ_STATUS_DIVISION_BY_ZERO, b"division by zero\0"),
    (PARTLIQ_STATUS_OUT_OF_RANGE, b"value out of range\0"),
    (PARTLIQ_STATUS_INVALID_LOT_STEP, b"market lot step must be positive\0"),
    (PARTLIQ_STATUS_INVALID_TICK, b"market tick must be positive\0"),
    (PARTLIQ_STATUS_INVALID_TIER_COUNT, b"market must have between 1 and MAX_TIERS margin tiers\0"),
    (PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO, b"first margin tier must start at notional 0\0"),
    (PARTLIQ_STATUS_TIERS_NOT_ASCENDING, b"margin tier notional floors must be strictly ascending\0"),
    (PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL, b"maintenance fraction exceeds initial fraction\0"),
    (PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT, b"a fraction exceeds 1,000,000 ppm (100 %)\0"),
    (PARTLIQ_STATUS_FRACTIONS_DECREASING, b"margin fractions decrease from one tier to the next\0"),
    (PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT, b"quote exponent outside [-18, 18]\0"),
    (PARTLIQ_STATUS_INVALID_DUST_FLOOR, b"dust floor must not be negative\0"),
    (PARTLIQ_STATUS_INVALID_FEE_ROUNDING, b"liquidation fee rounding must be up (Ceil) or down (Floor)\0"),
    (PARTLIQ_STATUS_UNKNOWN_MARKET, b"position names a market that is not there\0"),
    (PARTLIQ_STATUS_MISSING_PRICE, b"price missing for a market a position needs\0"),
    (PARTLIQ_STATUS_NEGATIVE_PRICE, b"price is negative\0"),
    (PARTLIQ_STATUS_UNKNOWN_POSITION, b"position index out of range\0"),
    (PARTLIQ_STATUS_EMPTY_POSITION, b"position has size zero\0"),
    (PARTLIQ_STATUS_TOO_MANY_POSITIONS, b"more positions than MAX_POSITIONS in one pool\0"),
    (PARTLIQ_STATUS_BUFFER_TOO_SMALL, b"output buffer too small\0"),
    (PARTLIQ_STATUS_INVALID_FILL_QUANTITY, b"fill quantity zero, on the wrong side, or beyond the position\0"),
    (PARTLIQ_STATUS_INVALID_FILL_PRICE, b"fill price must be positive\0"),
    (PARTLIQ_STATUS_INVALID_BUFFER, b"target buffer exceeds 1,000,000 ppm\0"),
    (PARTLIQ_STATUS_INVALID_PRICE_BAND, b"price band exceeds 1,000,000 ppm\0"),
    (PARTLIQ_STATUS_INVALID_POLICY_FRACTION, b"policy fraction above 100 % or zero where it must not be\0"),
    (PARTLIQ_STATUS_ZERO_WINDOW, b"capacity window or cooldown of zero length\0"),
    (PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE, b"backstop fraction must be below 100 % of maintenance\0"),
    (PARTLIQ_STATUS_NEGATIVE_LIMIT, b"policy limit is negative\0"),
    (PARTLIQ_STATUS_STATE_TOO_SMALL, b"caller-owned state slice too small for the markets\0"),
    (PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES, b"deleveraging counterparties cannot absorb the position\0"),
    (PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR, b"insurance fund debit would go below its floor\0"),
    (PARTLIQ_STATUS_NOT_LIQUIDATABLE, b"health factor not below the liquidation threshold\0"),
    (PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED, b"collateral reserve not enabled as collateral\0"),
    (PARTLIQ_STATUS_NOT_BORROWED, b"no debt in the reserve to repay\0"),
    (PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST, b"liquidation would leave dust below the minimum\0"),
    (PARTLIQ_STATUS_ZERO_BURN_AMOUNT, b"burn of zero scaled units\0"),
    (PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK, b"perpetual already liquidated for this subaccount in this block\0"),
    (PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED, b"subaccount block limit already exceeded\0"),
    (PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG, b"invalid liquidation configuration\0"),
    (PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL, b"shared-state memory too small for its layout\0"),
    (PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED, b"shared-state memory not 8-byte aligned\0"),
    (PARTLIQ_STATUS_INVALID_SLOT_COUNT, b"shared-state slot, market or entry count zero or above its maximum\0"),
    (PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED, b"memory holds no initialized shared-state object of this kind\0"),
    (PARTLIQ_STATUS_PUBLISH_IN_PROGRESS, b"another writer is publishing parameters\0"),
    (PARTLIQ_STATUS_NO_FREE_SLOT, b"every spare parameter slot is still being read\0"),
    (PARTLIQ_STATUS_PAYLOAD_SIZE_MISMATCH, b"parameter payload word count differs from its declaration\0"),
    (PARTLIQ_STATUS_CAPACITY_EXHAUSTED, b"liquidation capacity exhausted for the window or block\0"),
    (PARTLIQ_STATUS_RESERVATION_TABLE_FULL, b"every capacity reservation entry is in use\0"),
    (PARTLIQ_STATUS_UNKNOWN_RESERVATION, b"no live capacity reservation with this handle\0"),
    (PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION, b"commit larger than its reservation\0"),
    (PARTLIQ_STATUS_NULL_POINTER, b"a required pointer is NULL\0"),
    (PARTLIQ_STATUS_BAD_LENGTH, b"array length out of range for its element type\0"),
    (PARTLIQ_STATUS_MISALIGNED_POINTER, b"pointer not aligned for its type\0"),
    (PARTLIQ_STATUS_RESERVED_NOT_ZERO, b"a reserved field is not zero\0"),
    (PARTLIQ_STATUS_INVALID_ENUM, b"enumeration field outside its named values\0"),
];

const UNKNOWN: &[u8] = b"unknown status code\0";

/// The status of a core error: its own discriminant.
pub(crate) fn status_of(e: Error) -> partliq_status {
    e as u32
}

/// The description of a named status.
fn description(status: partliq_status) -> Option<&'static [u8]> {
    NAMED.iter().find(|(s, _)| *s == status).map(|(_, d)| *d)
}

/// A static, NUL-terminated, human-readable description of `status`; never
/// NULL. An unknown code gets "unknown status code". Do not free it.
#[no_mangle]
pub extern "C" fn partliq_status_str(status: partliq_status) -> *const core::ffi::c_char {
    description(status).unwrap_or(UNKNOWN).as_ptr().cast()
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]
mod tests {
    use super::*;

    /// Every named core status has the core error's number and text.
    #[test]
    fn core_codes_are_the_error_discriminants() {
        let pairs = [
            (Error::Overflow, PARTLIQ_STATUS_OVERFLOW),
            (Error::DivisionByZero, PARTLIQ_STATUS_DIVISION_BY_ZERO),
            (Error::OutOfRange, PARTLIQ_STATUS_OUT_OF_RANGE),
            (Error::InvalidLotStep, PARTLIQ_STATUS_INVALID_LOT_STEP),
            (Error::InvalidTick, PARTLIQ_STATUS_INVALID_TICK),
            (Error::InvalidTierCount, PARTLIQ_STATUS_INVALID_TIER_COUNT),
            (Error::FirstTierNotAtZero, PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO),
            (Error::TiersNotAscending, PARTLIQ_STATUS_TIERS_NOT_ASCENDING),
            (Error::MaintenanceAboveInitial, PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL),
            (Error::FractionAbove100Percent, PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT),
            (Error::FractionsDecreasing, PARTLIQ_STATUS_FRACTIONS_DECREASING),
            (Error::InvalidQuoteExponent, PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT),
            (Error::InvalidDustFloor, PARTLIQ_STATUS_INVALID_DUST_FLOOR),
            (Error::InvalidFeeRounding, PARTLIQ_STATUS_INVALID_FEE_ROUNDING),
            (Error::UnknownMarket, PARTLIQ_STATUS_UNKNOWN_MARKET),
            (Error::MissingPrice, PARTLIQ_STATUS_MISSING_PRICE),
            (Error::NegativePrice, PARTLIQ_STATUS_NEGATIVE_PRICE),
            (Error::UnknownPosition, PARTLIQ_STATUS_UNKNOWN_POSITION),
            (Error::EmptyPosition, PARTLIQ_STATUS_EMPTY_POSITION),
            (Error::TooManyPositions, PARTLIQ_STATUS_TOO_MANY_POSITIONS),
            (Error::BufferTooSmall, PARTLIQ_STATUS_BUFFER_TOO_SMALL),
            (Error::InvalidFillQuantity, PARTLIQ_STATUS_INVALID_FILL_QUANTITY),
            (Error::InvalidFillPrice, PARTLIQ_STATUS_INVALID_FILL_PRICE),
            (Error::InvalidBuffer, PARTLIQ_STATUS_INVALID_BUFFER),
            (Error::InvalidPriceBand, PARTLIQ_STATUS_INVALID_PRICE_BAND),
            (Error::InvalidPolicyFraction, PARTLIQ_STATUS_INVALID_POLICY_FRACTION),
            (Error::ZeroWindow, PARTLIQ_STATUS_ZERO_WINDOW),
            (Error::BackstopFractionNotBelowOne, PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE),
            (Error::NegativeLimit, PARTLIQ_STATUS_NEGATIVE_LIMIT),
            (Error::StateTooSmall, PARTLIQ_STATUS_STATE_TOO_SMALL),
            (Error::InsufficientCounterparties, PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES),
            (Error::InsuranceFundBelowFloor, PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR),
            (Error::NotLiquidatable, PARTLIQ_STATUS_NOT_LIQUIDATABLE),
            (Error::CollateralNotEnabled, PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED),
            (Error::NotBorrowed, PARTLIQ_STATUS_NOT_BORROWED),
            (Error::MustNotLeaveDust, PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST),
            (Error::ZeroBurnAmount, PARTLIQ_STATUS_ZERO_BURN_AMOUNT),
            (Error::AlreadyLiquidatedThisBlock, PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK),
            (Error::BlockLimitExceeded, PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED),
            (Error::InvalidLiquidationConfig, PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG),
            (Error::SharedMemoryTooSmall, PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL),
            (Error::SharedMemoryMisaligned, PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED),
            (Error::InvalidSlotCount, PARTLIQ_STATUS_INVALID_SLOT_COUNT),
            (Error::SharedMemoryNotInitialized, PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED),
            (Error::PublishInProgress, PARTLIQ_STATUS_PUBLISH_IN_PROGRESS),
            (Error::NoFreeSlot, PARTLIQ_STATUS_NO_FREE_SLOT),
            (Error::PayloadSizeMismatch, PARTLIQ_STATUS_PAYLOAD_SIZE_MISMATCH),
            (Error::CapacityExhausted, PARTLIQ_STATUS_CAPACITY_EXHAUSTED),
            (Error::ReservationTableFull, PARTLIQ_STATUS_RESERVATION_TABLE_FULL),
            (Error::UnknownReservation, PARTLIQ_STATUS_UNKNOWN_RESERVATION),
            (Error::CommitExceedsReservation, PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION),
        ];
        for (e, s) in pairs {
            assert_eq!(status_of(e), s, "{e:?}");
            let d = description(s).unwrap();
            assert_eq!(&d[..d.len() - 1], e.as_str().as_bytes(), "{e:?}");
        }
    }

    /// Every variant of `partliq::Error` (`Error::ALL`, generated from the
    /// table in src/error.rs) has its status here, with the same number and
    /// text, and every core status here is still a variant: the mapping
    /// stays one-to-one when the core grows.
    #[test]
    fn every_core_error_has_its_status() {
        assert!(Error::ALL.len() >= 24, "Error::ALL is short");
        for e in Error::ALL {
            let (code, text) = (*e as u32, e.as_str());
            let d = description(code).unwrap_or_else(|| {
                panic!(
                    "partliq::Error::{e:?} = {code} has no status: add `pub const PARTLIQ_STATUS_<NAME>: partliq_status = {code};` \
                     and its NAMED entry to ffi/src/status.rs, then run bash scripts/ffi/gen-header.sh"
                )
            });
            assert_eq!(&d[..d.len() - 1], text.as_bytes(), "description of status {code} (Error::{e:?})");
        }
        for (code, _) in NAMED.iter().filter(|(c, _)| (1..1000).contains(c)) {
            assert!(Error::ALL.iter().any(|e| *e as u32 == *code), "status {code} names no partliq::Error variant");
        }
    }

    #[test]
    fn descriptions_are_nul_terminated_and_unique() {
        let mut seen = std::vec::Vec::new();
        for code in 0..3000u32 {
            if let Some(d) = description(code) {
                assert_eq!(d.last(), Some(&0u8));
                assert_eq!(d.iter().filter(|b| **b == 0).count(), 1);
                assert!(!seen.contains(&d), "{code}");
                seen.push(d);
                assert_eq!(partliq_status_str(code).cast::<u8>(), d.as_ptr());
            } else {
                assert_eq!(partliq_status_str(code).cast::<u8>(), UNKNOWN.as_ptr());
            }
        }
        assert_eq!(seen.len(), NAMED.len());
        assert_eq!(partliq_status_str(u32::MAX).cast::<u8>(), UNKNOWN.as_ptr());
    }
}
