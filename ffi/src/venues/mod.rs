//! Venue replicas (the core's `venues`): a venue's own configuration as
//! the replica takes it, one module per venue the ABI exposes.

mod dydx_v4;

pub use dydx_v4::*;
