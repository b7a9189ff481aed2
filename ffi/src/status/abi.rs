//! `PARTLIQ_STATUS_*` of the C boundary itself (1000 ..= 1099), and the
//! description of every status that is not a core error's.

use core::ffi::CStr;

use super::{partliq_status, PARTLIQ_STATUS_OK};

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

/// The description of each status the ABI adds to the core's.
pub(super) const OWN: [(partliq_status, &CStr); 6] = [
    (PARTLIQ_STATUS_OK, c"ok"),
    (PARTLIQ_STATUS_NULL_POINTER, c"a required pointer is NULL"),
    (PARTLIQ_STATUS_BAD_LENGTH, c"array length out of range for its element type"),
    (PARTLIQ_STATUS_MISALIGNED_POINTER, c"pointer not aligned for its type"),
    (PARTLIQ_STATUS_RESERVED_NOT_ZERO, c"a reserved field is not zero"),
    (PARTLIQ_STATUS_INVALID_ENUM, c"enumeration field outside its named values"),
];
