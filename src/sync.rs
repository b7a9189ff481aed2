//! The atomics [`crate::shared`] is built on, behind one small facade.
//!
//! Normally these are `core::sync::atomic`'s. Under
//! `cfg(all(test, partliq_loom))` they are loom's, so that the loom model
//! tests (the crate's own `shared::loom_tests`, run with
//! `RUSTFLAGS="--cfg partliq_loom" cargo test --lib shared::loom_tests`)
//! check every interleaving of the very code the library ships. `test` is
//! part of the condition because loom is a *dev*-dependency: only the
//! crate's own unit-test build sees loom; the library, built for anything
//! else (a dependency of the integration tests or of any other crate), never
//! does.
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
