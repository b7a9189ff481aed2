//! Venue replicas: a venue's own liquidation functions, to the unit.
//!
//! A **replica** reimplements the integer functions a venue runs on chain or
//! in its engine — same inputs, same formulas, same rounding at every
//! division — so that an engine can reproduce that venue's figures exactly
//! (to the quantum, to the wei) or replay a venue's liquidation and check
//! it. A replica speaks the venue's own units and names (dYdX's quantums and
//! subticks, Aave's wei, WAD and RAY, Drift's basis points) and depends only
//! on partliq's numbers ([`crate::num`]) and errors ([`crate::error`]): it is
//! not a policy.
//!
//! Policies that *follow* a venue's rules through partliq's own pipeline are
//! presets ([`crate::presets`]); a preset takes a replica's configuration
//! type where the venue publishes one (e.g.
//! [`crate::presets::dydx_v4_policy`] takes [`LiquidationConfig`](crate::venues::dydx_v4::LiquidationConfig)).
//!
//! * [`dydx_v4`] — dYdX v4's margin, bankruptcy price, fillable price,
//!   insurance fund delta and liquidation size, exact to the quantum;
//! * [`aave_v3`] — Aave v3.7's lending-mode liquidation (health factor,
//!   close factor, collateral seized, protocol fee, dust rule, deficit),
//!   exact to the wei;
//! * [`drift_v2`] — Drift v2's margin calculation (√size weights,
//!   spot open orders, perp value and requirement, unrealised-pnl weight,
//!   funding, cross and isolated totals) and its liquidation math
//!   ([`drift_v2::liquidation`]: shortage sizing, transfers, insurance fee
//!   caps, fee ramp, bankruptcy deltas), exact to the micro-dollar.

pub mod aave_v3;
pub mod drift_v2;
pub mod dydx_v4;
