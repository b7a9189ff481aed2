//! Venue presets: policies that reproduce each venue's documented rules.
//!
//! Each preset cites the rule it implements. `dydx_v4` additionally carries
//! dYdX v4's own integer functions, exact to the quantum, and `aave_v3` the
//! lending-mode liquidation of Aave v3.

pub mod aave_v3;
pub mod dydx_v4;
