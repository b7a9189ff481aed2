//! Risk state shared between an engine's threads (the design: the
//! repository's `docs/design.md`, "Around the pipeline").
//!
//! Three pieces, each lock-free, allocation-free and `no_std`, living in
//! memory the caller provides as a slice of `AtomicU64` words (8-byte
//! aligned by its type; the C ABI checks the alignment of raw pointers with
//! [`check_raw_memory`]):
//!
//! * [`params`] — publication of a risk parameter
//!   set: a writer publishes, readers never block, never see a torn set and
//!   get a version number; a slot a reader is copying is never overwritten;
//! * [`capacity`] — per-market liquidation capacity
//!   per time window (Synthetix-style) and per block (dYdX-style): reserve,
//!   then commit what filled and release the rest, never over-spent;
//! * [`fund`] — the insurance fund
//!   ([`SharedInsuranceFund`]): credits
//!   and debits from many threads, a floor that a debit never crosses, an
//!   exact ledger.
//!
//! Each object has a `words(..)` / `size_of(..)` pair giving the memory it
//! needs, an `init(&mut mem, ..)` constructor that checks the size and
//! writes the layout, and an `attach(&mem)` that re-opens memory another
//! handle initialized (checking a kind tag and the layout). Handles are
//! `Copy` and `Sync`: share them between threads freely. Every failure is an
//! [`Error`] value and leaves the state as it was.
//!
//! All memory accesses, payload words included, are atomic: there is no
//! `unsafe` code and no data race in Rust's memory model. The protocols are
//! model-checked with loom, inside the crate (`src/shared/loom_tests.rs`,
//! run with `RUSTFLAGS="--cfg partliq_loom"`).
#![cfg(target_has_atomic = "64")]

pub mod capacity;
pub mod fund;
#[cfg(all(test, partliq_loom))]
mod loom_tests;
pub mod params;

pub use capacity::{Capacity, CapacityLimits, Reservation, Reserved, UNLIMITED};
pub use fund::{Debit, Ledger, SharedInsuranceFund};

pub use params::{Params, Payload, Snapshot, WordReader, WordWriter};

use crate::error::{Error, Result};
use crate::sync::{AtomicU64, Ordering};

/// Bytes in one word of shared-state memory.
pub const WORD_BYTES: usize = 8;

/// The alignment shared-state memory needs (that of `AtomicU64`).
pub const ALIGN: usize = 8;

/// For callers holding raw memory (the C ABI): checks that memory at
/// address `addr`, `len_bytes` long, is 8-byte aligned and holds at least
/// `words` words.
///
/// # Errors
/// [`Error::SharedMemoryMisaligned`], [`Error::SharedMemoryTooSmall`].
pub const fn check_raw_memory(addr: usize, len_bytes: usize, words: usize) -> Result<()> {
    if addr & (ALIGN - 1) != 0 {
        return Err(Error::SharedMemoryMisaligned);
    }
    if len_bytes / WORD_BYTES < words {
        return Err(Error::SharedMemoryTooSmall);
    }
    Ok(())
}

/// Bytes for `words` words, or `None` on overflow.
pub(crate) const fn bytes_of(words: Option<usize>) -> Option<usize> {
    match words {
        Some(w) => w.checked_mul(WORD_BYTES),
        None => None,
    }
}

/// The word at `i`; [`Error::SharedMemoryTooSmall`] past the end (never
/// reached once a handle is built: its layout was checked against the
/// memory's length).
#[inline]
pub(crate) fn word(mem: &[AtomicU64], i: usize) -> Result<&AtomicU64> {
    mem.get(i).ok_or(Error::SharedMemoryTooSmall)
}

/// The first check of every `attach`: `mem` holds at least `min_words`
/// words and its word 0 holds the `kind` tag (read with `Acquire`, pairing
/// with the `Release` store that ends `init`).
///
/// # Errors
/// [`Error::SharedMemoryTooSmall`], [`Error::SharedMemoryNotInitialized`].
pub(crate) fn check_tag(mem: &[AtomicU64], min_words: usize, kind: u64) -> Result<()> {
    if mem.len() < min_words {
        return Err(Error::SharedMemoryTooSmall);
    }
    if word(mem, 0)?.load(Ordering::Acquire) != kind {
        return Err(Error::SharedMemoryNotInitialized);
    }
    Ok(())
}

/// `base + index × stride`, checked.
#[inline]
pub(crate) fn offset(base: usize, index: usize, stride: usize) -> Result<usize> {
    index.checked_mul(stride).and_then(|o| o.checked_add(base)).ok_or(Error::Overflow)
}

/// Kind tags in word 0 of each object ("PLQ" + kind + layout version 1).
pub(crate) mod tag {
    /// Parameter publication.
    pub const PARAMS: u64 = 0x504c_5150_4152_0001;
    /// Liquidation capacity.
    pub const CAPACITY: u64 = 0x504c_5143_4150_0001;
    /// Insurance fund.
    pub const FUND: u64 = 0x504c_5146_554e_0001;
}
