//! dYdX v4 exact functions (placeholder: being written).
