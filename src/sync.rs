//! The atomics [`crate::shared`] is built on, behind one small facade.
//!
//! Normally these are `core::sync::atomic`'s. Under
//! `cfg(all(test, partliq_loom))` they are loom's, so that the loom model
//! tests (`tests/loom.rs`, run with `RUSTFLAGS="--cfg partliq_loom"`) check
//! every interleaving of the very code the library ships. `test` is part of
//! the condition because loom is a *dev*-dependency: the library itself,
//! built as a dependency of a test crate, never sees loom, and neither does
//! any crate that depends on partliq. `tests/loom.rs` compiles `shared` (with
//! this facade) into its own test crate, where `cfg(test)` holds.
#![cfg(target_has_atomic = "64")]

#[cfg(not(all(test, partliq_loom)))]
pub(crate) use core::sync::atomic::{AtomicU64, Ordering};

#[cfg(all(test, partliq_loom))]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};

/// A retry loop's pause: the CPU's spin hint, or a loom yield point (so loom
/// schedules the thread it waits for instead of exploring an endless loop).
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(not(all(test, partliq_loom)))]
    core::hint::spin_loop();
    #[cfg(all(test, partliq_loom))]
    loom::hint::spin_loop();
}
