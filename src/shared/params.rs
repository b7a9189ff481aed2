//! Risk parameter publication: one writer at a time publishes a new
//! parameter set; any number of readers copy out a consistent one.
//!
//! # Protocol
//!
//! The memory holds a fixed number of *slots* (at least 2), each a state
//! word and the payload's words. The state word packs the slot's version
//! (39 bits), a `writing` bit and a count of readers pinning it (24 bits).
//! A `current` word names the slot holding the newest version.
//!
//! * **Read** (never blocks on the writer): load `current` = (slot, version);
//!   pin the slot by incrementing its reader count; if the slot is not being
//!   written and still holds that version, copy the payload out and unpin;
//!   otherwise unpin and reload `current` (the writer moved on in between).
//!   A retry happens only when a publish completed meanwhile.
//! * **Publish**: take the writer flag (a second concurrent publisher gets
//!   [`Error::PublishInProgress`]); claim a slot other than the current one
//!   whose reader count is zero, by a compare-and-swap that sets `writing`
//!   (no free slot: [`Error::NoFreeSlot`], nothing changed); write the
//!   payload words; set the slot's version and clear `writing` (release);
//!   point `current` at it (release).
//!
//! A slot with readers is never claimed, and a pinned slot cannot be
//! claimed, so a reader's copy is never overwritten: no torn set. Every
//! payload word is an atomic, so there is no data race either. Versions
//! start at 1 and increase by 1 per publish.
//!
//! Payloads are any `Copy` type implementing [`Payload`] (a fixed number of
//! `u64` words, encoded and decoded without `unsafe`); `u64`, `i64`, `u32`,
//! `i32`, arrays of payloads, [`crate::Market`] and [`crate::MarginTier`]
//! implement it.

use core::marker::PhantomData;

use super::{bytes_of, check_tag, offset, tag, word};
use crate::error::{Error, Result};
use crate::sync::{spin_loop, AtomicU64, Ordering};

/// The most slots a parameter object can have.
pub const MAX_SLOTS: usize = 64;

/// The most words a payload can have (8 MiB).
pub const MAX_PAYLOAD_WORDS: usize = 1 << 20;

/// The highest version a parameter object reaches (2^39 − 1); a publish past
/// it is [`Error::Overflow`].
pub const MAX_VERSION: u64 = (1 << VERSION_BITS) - 1;

const HEADER_WORDS: usize = 4;
const W_TAG: usize = 0;
const W_LAYOUT: usize = 1;
const W_CURRENT: usize = 2;
const W_WRITER: usize = 3;

const READER_BITS: u32 = 24;
const READERS: u64 = (1 << READER_BITS) - 1;
const WRITING: u64 = 1 << READER_BITS;
const VERSION_SHIFT: u32 = READER_BITS + 1;
const VERSION_BITS: u32 = 64 - VERSION_SHIFT;
const SLOT_BITS: u32 = 8;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

/// A fixed-size value that can be published: it writes and reads exactly
/// [`Payload::WORDS`] `u64` words.
///
/// Implement it for a parameter struct by putting (and getting, in the same
/// order) each field; a mismatch in the number of words is caught and
/// reported as [`Error::PayloadSizeMismatch`], never read past.
pub trait Payload: Copy {
    /// The number of words `encode` puts and `decode` gets.
    const WORDS: usize;
    /// Writes the value's words.
    fn encode(&self, out: &mut WordWriter<'_>);
    /// Reads a value from the words `encode` wrote.
    fn decode(input: &mut WordReader<'_>) -> Self;
}

/// Where a [`Payload`] writes its words (a slot's payload words).
#[derive(Debug)]
pub struct WordWriter<'a> {
    words: &'a [AtomicU64],
    pos: usize,
    overrun: bool,
}

impl WordWriter<'_> {
    /// Writes the next word (a word past the payload's end is not written,
    /// and the publish fails with [`Error::PayloadSizeMismatch`]).
    #[inline]
    pub fn put(&mut self, v: u64) {
        match (self.words.get(self.pos), self.pos.checked_add(1)) {
            (Some(w), Some(next)) => {
                w.store(v, Ordering::Relaxed);
                self.pos = next;
            }
            _ => self.overrun = true,
        }
    }

    /// Writes an `i64` as one word.
    #[inline]
    pub fn put_i64(&mut self, v: i64) {
        self.put(u64::from_ne_bytes(v.to_ne_bytes()));
    }

    /// Writes two `u32`s as one word (`a` in the low half).
    #[inline]
    pub fn put_u32_pair(&mut self, a: u32, b: u32) {
        self.put(u64::from(a) | (u64::from(b) << 32));
    }

    fn complete(&self, words: usize) -> bool {
        !self.overrun && self.pos == words
    }
}

/// Where a [`Payload`] reads its words from (a pinned slot's payload words).
#[derive(Debug)]
pub struct WordReader<'a> {
    words: &'a [AtomicU64],
    pos: usize,
    overrun: bool,
}

impl WordReader<'_> {
    /// Reads the next word (0 past the payload's end, and the read fails
    /// with [`Error::PayloadSizeMismatch`]).
    #[inline]
    pub fn get(&mut self) -> u64 {
        match (self.words.get(self.pos), self.pos.checked_add(1)) {
            (Some(w), Some(next)) => {
                self.pos = next;
                w.load(Ordering::Relaxed)
            }
            _ => {
                self.overrun = true;
                0
            }
        }
    }

    /// Reads an `i64` written by [`WordWriter::put_i64`].
    #[inline]
    pub fn get_i64(&mut self) -> i64 {
        i64::from_ne_bytes(self.get().to_ne_bytes())
    }

    /// Reads two `u32`s written by [`WordWriter::put_u32_pair`].
    #[inline]
    pub fn get_u32_pair(&mut self) -> (u32, u32) {
        let w = self.get();
        let [a0, a1, a2, a3, b0, b1, b2, b3] = w.to_le_bytes();
        (u32::from_le_bytes([a0, a1, a2, a3]), u32::from_le_bytes([b0, b1, b2, b3]))
    }

    fn complete(&self, words: usize) -> bool {
        !self.overrun && self.pos == words
    }
}

impl Payload for u64 {
    const WORDS: usize = 1;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put(*self);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        input.get()
    }
}

impl Payload for i64 {
    const WORDS: usize = 1;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put_i64(*self);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        input.get_i64()
    }
}

impl Payload for u32 {
    const WORDS: usize = 1;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put(u64::from(*self));
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        input.get_u32_pair().0
    }
}

impl Payload for i32 {
    const WORDS: usize = 1;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put_i64(i64::from(*self));
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let v = input.get_i64();
        i32::try_from(v).unwrap_or_default()
    }
}

impl<T: Payload, const N: usize> Payload for [T; N] {
    const WORDS: usize = T::WORDS.saturating_mul(N);
    fn encode(&self, out: &mut WordWriter<'_>) {
        for v in self {
            v.encode(out);
        }
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        core::array::from_fn(|_| T::decode(input))
    }
}

/// A consistent copy of a published parameter set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot<T> {
    /// Its version: 1 for the set given at init, +1 per publish.
    pub version: u64,
    /// The parameter set.
    pub value: T,
}

/// A handle on a parameter publication object in caller memory. `Copy` and
/// `Sync`: hand it to every thread.
#[derive(Debug)]
pub struct Params<'a, T> {
    mem: &'a [AtomicU64],
    slots: usize,
    _payload: PhantomData<fn() -> T>,
}

impl<T> Clone for Params<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Params<'_, T> {}

impl<'a, T: Payload> Params<'a, T> {
    /// Words of memory for `slots` slots of `T`, or `None` on overflow.
    #[must_use]
    pub const fn words(slots: usize) -> Option<usize> {
        match T::WORDS.checked_add(1) {
            Some(per_slot) => match slots.checked_mul(per_slot) {
                Some(s) => s.checked_add(HEADER_WORDS),
                None => None,
            },
            None => None,
        }
    }

    /// Bytes of memory for `slots` slots of `T`, or `None` on overflow.
    #[must_use]
    pub const fn size_of(slots: usize) -> Option<usize> {
        bytes_of(Self::words(slots))
    }

    /// Lays out a parameter object with `slots` slots in `mem` and publishes
    /// `initial` as version 1.
    ///
    /// Two slots suffice when readers are quick: a publish then needs the
    /// one non-current slot to be free of readers. More slots let a publish
    /// proceed while slow readers still copy older versions.
    ///
    /// # Errors
    /// [`Error::InvalidSlotCount`] (fewer than 2 or more than [`MAX_SLOTS`]),
    /// [`Error::PayloadSizeMismatch`] (`T::WORDS` above
    /// [`MAX_PAYLOAD_WORDS`], or `initial` does not encode to `T::WORDS`),
    /// [`Error::SharedMemoryTooSmall`].
    pub fn init(mem: &'a mut [AtomicU64], slots: usize, initial: &T) -> Result<Self> {
        if !(2..=MAX_SLOTS).contains(&slots) {
            return Err(Error::InvalidSlotCount);
        }
        if T::WORDS > MAX_PAYLOAD_WORDS {
            return Err(Error::PayloadSizeMismatch);
        }
        let need = Self::words(slots).ok_or(Error::Overflow)?;
        if mem.len() < need {
            return Err(Error::SharedMemoryTooSmall);
        }
        let mem: &'a [AtomicU64] = mem;
        let p = Params { mem, slots, _payload: PhantomData };
        word(mem, W_TAG)?.store(0, Ordering::Relaxed);
        word(mem, W_LAYOUT)?.store(layout_word(slots, T::WORDS), Ordering::Relaxed);
        word(mem, W_WRITER)?.store(0, Ordering::Relaxed);
        for s in 0..slots {
            p.state(s)?.store(0, Ordering::Relaxed);
        }
        let mut out = WordWriter { words: p.payload(0)?, pos: 0, overrun: false };
        initial.encode(&mut out);
        if !out.complete(T::WORDS) {
            return Err(Error::PayloadSizeMismatch);
        }
        p.state(0)?.store(1 << VERSION_SHIFT, Ordering::Relaxed);
        word(mem, W_CURRENT)?.store(1 << SLOT_BITS, Ordering::Relaxed);
        word(mem, W_TAG)?.store(tag::PARAMS, Ordering::Release);
        Ok(p)
    }

    /// Re-opens a parameter object `init` laid out in `mem` (for example
    /// memory shared with another module or process).
    ///
    /// # Errors
    /// [`Error::SharedMemoryNotInitialized`] (not a parameter object, or its
    /// payload is not `T`'s size), [`Error::SharedMemoryTooSmall`].
    pub fn attach(mem: &'a [AtomicU64]) -> Result<Self> {
        check_tag(mem, HEADER_WORDS, tag::PARAMS)?;
        let layout = word(mem, W_LAYOUT)?.load(Ordering::Relaxed);
        let slots = usize::try_from(layout & SLOT_MASK).map_err(|_| Error::SharedMemoryNotInitialized)?;
        let words = usize::try_from(layout >> 32).map_err(|_| Error::SharedMemoryNotInitialized)?;
        if words != T::WORDS || !(2..=MAX_SLOTS).contains(&slots) {
            return Err(Error::SharedMemoryNotInitialized);
        }
        if mem.len() < Self::words(slots).ok_or(Error::Overflow)? {
            return Err(Error::SharedMemoryTooSmall);
        }
        Ok(Params { mem, slots, _payload: PhantomData })
    }

    /// The number of slots.
    #[must_use]
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The newest published version (a reader may still be copying an older one).
    pub fn version(&self) -> Result<u64> {
        Ok(word(self.mem, W_CURRENT)?.load(Ordering::Acquire) >> SLOT_BITS)
    }

    /// Copies out the newest published parameter set and its version.
    ///
    /// Never waits for a writer: it retries only when a publish completed
    /// while it pinned a slot, and a writer never writes a slot it pinned.
    ///
    /// # Errors
    /// [`Error::PayloadSizeMismatch`] if `T::decode` reads a different
    /// number of words than `T::WORDS` (a bug in the `Payload` impl).
    pub fn read(&self) -> Result<Snapshot<T>> {
        loop {
            let current = word(self.mem, W_CURRENT)?.load(Ordering::Acquire);
            let slot = slot_of(current)?;
            let version = current >> SLOT_BITS;
            let state = self.state(slot)?;
            // Pin. Acquire: synchronizes with the release that finished the
            // slot's write (the payload words below are that write's).
            let before = state.fetch_add(1, Ordering::Acquire);
            if before & WRITING == 0 && before >> VERSION_SHIFT == version {
                let mut input = WordReader { words: self.payload(slot)?, pos: 0, overrun: false };
                let value = T::decode(&mut input);
                // Unpin. Release: our reads happen before a writer's claim.
                state.fetch_sub(1, Ordering::Release);
                if !input.complete(T::WORDS) {
                    return Err(Error::PayloadSizeMismatch);
                }
                return Ok(Snapshot { version, value });
            }
            // The slot is being rewritten or holds another version: the
            // writer published in between. Unpin and look again.
            state.fetch_sub(1, Ordering::Release);
            spin_loop();
        }
    }

    /// Publishes `value` as the next version and returns that version.
    ///
    /// Lock-free for readers; for writers it is a try-lock: a second
    /// concurrent publisher is refused with [`Error::PublishInProgress`].
    ///
    /// # Errors
    /// [`Error::PublishInProgress`], [`Error::NoFreeSlot`] (every
    /// non-current slot is pinned by a reader; retry), [`Error::Overflow`]
    /// (past [`MAX_VERSION`]), [`Error::PayloadSizeMismatch`] (`value`
    /// does not encode to `T::WORDS`; the current set stays published). On
    /// error nothing a reader can see has changed.
    pub fn publish(&self, value: &T) -> Result<u64> {
        let writer = word(self.mem, W_WRITER)?;
        if writer.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::PublishInProgress);
        }
        let r = self.publish_locked(value);
        writer.store(0, Ordering::Release);
        r
    }

    fn publish_locked(&self, value: &T) -> Result<u64> {
        // Only the writer-flag holder changes `current`: this is the newest.
        let current = word(self.mem, W_CURRENT)?.load(Ordering::Acquire);
        let cur_slot = slot_of(current)?;
        let version = (current >> SLOT_BITS).checked_add(1).filter(|v| *v <= MAX_VERSION).ok_or(Error::Overflow)?;
        let (slot, claimed) = self.claim(cur_slot)?;
        let state = self.state(slot)?;
        let mut out = WordWriter { words: self.payload(slot)?, pos: 0, overrun: false };
        value.encode(&mut out);
        // Clear `writing` and set the version in one add that keeps any
        // transient reader increments (readers who saw `writing` and back off).
        let old_version = claimed >> VERSION_SHIFT;
        let new_version = if out.complete(T::WORDS) { version } else { 0 };
        let delta = (new_version << VERSION_SHIFT).wrapping_sub(old_version << VERSION_SHIFT).wrapping_sub(WRITING);
        state.fetch_add(delta, Ordering::Release);
        if new_version == 0 {
            // Version 0 is never current: no reader will pin this slot.
            return Err(Error::PayloadSizeMismatch);
        }
        let slot_word = u64::try_from(slot).map_err(|_| Error::Overflow)?;
        word(self.mem, W_CURRENT)?.store((version << SLOT_BITS) | slot_word, Ordering::Release);
        Ok(version)
    }

    /// Claims a non-current slot with no readers; returns it and the state
    /// word it had.
    fn claim(&self, cur_slot: usize) -> Result<(usize, u64)> {
        for k in 1..self.slots {
            let slot = cur_slot.checked_add(k).and_then(|s| s.checked_rem(self.slots)).ok_or(Error::Overflow)?;
            let state = self.state(slot)?;
            let s = state.load(Ordering::Relaxed);
            if s & (READERS | WRITING) != 0 {
                continue;
            }
            // Acquire: the last reader's unpin (release) happens before our writes.
            if state.compare_exchange(s, s | WRITING, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return Ok((slot, s));
            }
        }
        Err(Error::NoFreeSlot)
    }

    fn slot_base(&self, slot: usize) -> Result<usize> {
        offset(HEADER_WORDS, slot, T::WORDS.checked_add(1).ok_or(Error::Overflow)?)
    }

    fn state(&self, slot: usize) -> Result<&'a AtomicU64> {
        word(self.mem, self.slot_base(slot)?)
    }

    fn payload(&self, slot: usize) -> Result<&'a [AtomicU64]> {
        let start = self.slot_base(slot)?.checked_add(1).ok_or(Error::Overflow)?;
        let end = start.checked_add(T::WORDS).ok_or(Error::Overflow)?;
        self.mem.get(start..end).ok_or(Error::SharedMemoryTooSmall)
    }
}

fn layout_word(slots: usize, words: usize) -> u64 {
    // Both bounded (MAX_SLOTS, MAX_PAYLOAD_WORDS) by the callers.
    (slots as u64 & SLOT_MASK) | ((words as u64) << 32)
}

fn slot_of(current: u64) -> Result<usize> {
    usize::try_from(current & SLOT_MASK).map_err(|_| Error::Overflow)
}

impl Payload for crate::market::MarginTier {
    const WORDS: usize = 2;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put_i64(self.notional_floor.0);
        out.put_u32_pair(self.initial.0, self.maintenance.0);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let notional_floor = crate::num::Quote(input.get_i64());
        let (i, m) = input.get_u32_pair();
        crate::market::MarginTier { notional_floor, initial: crate::num::Ppm(i), maintenance: crate::num::Ppm(m) }
    }
}

impl Payload for crate::market::Market {
    const WORDS: usize = 6 + 2 * crate::market::MAX_TIERS;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put_u32_pair(self.id, u32::from_ne_bytes(self.quote_exponent.to_ne_bytes()));
        out.put_i64(self.lot_step.0);
        out.put_i64(self.tick.0);
        self.tiers.encode(out);
        out.put_u32_pair(self.tier_count, self.liquidation_fee.0);
        out.put_u32_pair(self.liquidator_fee_share.0, self.liquidation_fee_rounding as u32);
        out.put_i64(self.dust_floor.0);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let (id, e) = input.get_u32_pair();
        let lot_step = crate::num::Size(input.get_i64());
        let tick = crate::num::Price(input.get_i64());
        let tiers = <[crate::market::MarginTier; crate::market::MAX_TIERS]>::decode(input);
        let (tier_count, fee) = input.get_u32_pair();
        let (share, rounding) = input.get_u32_pair();
        // `encode` wrote a `Rounding` discriminant; 0 (up) for anything else.
        let liquidation_fee_rounding = match rounding {
            r if r == crate::num::Rounding::Floor as u32 => crate::num::Rounding::Floor,
            r if r == crate::num::Rounding::TowardZero as u32 => crate::num::Rounding::TowardZero,
            _ => crate::num::Rounding::Ceil,
        };
        let dust_floor = crate::num::Quote(input.get_i64());
        crate::market::Market {
            id,
            quote_exponent: i32::from_ne_bytes(e.to_ne_bytes()),
            lot_step,
            tick,
            tiers,
            tier_count,
            liquidation_fee: crate::num::Ppm(fee),
            liquidator_fee_share: crate::num::Ppm(share),
            liquidation_fee_rounding,
            dust_floor,
        }
    }
}

#[cfg(all(test, not(partliq_loom)))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::market::Market;
    use crate::num::Ppm;

    fn mem(n: usize) -> Vec<AtomicU64> {
        (0..n).map(|_| AtomicU64::new(0)).collect()
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    struct Pair(u64, u64);
    impl Payload for Pair {
        const WORDS: usize = 2;
        fn encode(&self, out: &mut WordWriter<'_>) {
            out.put(self.0);
            out.put(self.1);
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            Pair(input.get(), input.get())
        }
    }

    /// Declares 2 words, writes 3.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Liar(u64);
    impl Payload for Liar {
        const WORDS: usize = 2;
        fn encode(&self, out: &mut WordWriter<'_>) {
            for _ in 0..self.0 {
                out.put(7);
            }
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            let first = input.get();
            let _second = input.get();
            Liar(first)
        }
    }

    #[test]
    fn sizes() {
        // header 4 + 3 slots × (1 state + 2 payload) = 13 words = 104 bytes.
        assert_eq!(Params::<Pair>::words(3), Some(13));
        assert_eq!(Params::<Pair>::size_of(3), Some(104));
        assert_eq!(Params::<Pair>::words(usize::MAX), None);
        assert_eq!(Market::WORDS, 38);
    }

    #[test]
    fn init_read_publish() {
        let mut m = mem(Params::<Pair>::words(2).unwrap());
        let p = Params::init(&mut m, 2, &Pair(1, 2)).unwrap();
        assert_eq!(p.read(), Ok(Snapshot { version: 1, value: Pair(1, 2) }));
        assert_eq!(p.publish(&Pair(3, 4)), Ok(2));
        assert_eq!(p.read(), Ok(Snapshot { version: 2, value: Pair(3, 4) }));
        assert_eq!(p.publish(&Pair(5, 6)), Ok(3));
        assert_eq!(p.version(), Ok(3));
        let again = Params::<Pair>::attach(&m).unwrap();
        assert_eq!(again.read(), Ok(Snapshot { version: 3, value: Pair(5, 6) }));
    }

    #[test]
    fn bad_input() {
        let mut m = mem(100);
        assert_eq!(Params::init(&mut m, 0, &Pair(0, 0)).err(), Some(Error::InvalidSlotCount));
        assert_eq!(Params::init(&mut m, 1, &Pair(0, 0)).err(), Some(Error::InvalidSlotCount));
        assert_eq!(Params::init(&mut m, MAX_SLOTS + 1, &Pair(0, 0)).err(), Some(Error::InvalidSlotCount));
        let mut small = mem(12);
        assert_eq!(Params::init(&mut small, 3, &Pair(0, 0)).err(), Some(Error::SharedMemoryTooSmall));
        // Not initialized, wrong payload size, truncated.
        assert_eq!(Params::<Pair>::attach(&small).err(), Some(Error::SharedMemoryNotInitialized));
        let mut m = mem(13);
        Params::init(&mut m, 3, &Pair(0, 0)).unwrap();
        assert_eq!(Params::<u64>::attach(&m).err(), Some(Error::SharedMemoryNotInitialized));
        assert_eq!(Params::<Pair>::attach(&m[..12]).err(), Some(Error::SharedMemoryTooSmall));
        assert_eq!(Params::<Pair>::attach(&m[..3]).err(), Some(Error::SharedMemoryTooSmall));
    }

    #[test]
    fn lying_payload_is_refused_and_nothing_changes() {
        let mut m = mem(Params::<Liar>::words(2).unwrap());
        assert_eq!(Params::init(&mut m, 2, &Liar(3)).err(), Some(Error::PayloadSizeMismatch));
        let p = Params::init(&mut m, 2, &Liar(2)).unwrap();
        assert_eq!(p.publish(&Liar(3)), Err(Error::PayloadSizeMismatch));
        assert_eq!(p.publish(&Liar(1)), Err(Error::PayloadSizeMismatch));
        assert_eq!(p.version(), Ok(1));
        assert_eq!(p.read().unwrap().value, Liar(7));
        // The spoiled slot is reusable.
        assert_eq!(p.publish(&Liar(2)), Ok(2));
    }

    #[test]
    fn pinned_slot_is_never_claimed() {
        let mut m = mem(Params::<Pair>::words(2).unwrap());
        let p = Params::init(&mut m, 2, &Pair(1, 1)).unwrap();
        assert_eq!(p.publish(&Pair(2, 2)), Ok(2));
        // Simulate a slow reader still pinning version 1's slot (slot 0).
        p.state(0).unwrap().fetch_add(1, Ordering::AcqRel);
        assert_eq!(p.publish(&Pair(3, 3)), Err(Error::NoFreeSlot));
        assert_eq!(p.read().unwrap(), Snapshot { version: 2, value: Pair(2, 2) });
        p.state(0).unwrap().fetch_sub(1, Ordering::AcqRel);
        assert_eq!(p.publish(&Pair(3, 3)), Ok(3));
    }

    #[test]
    fn concurrent_publisher_is_refused() {
        let mut m = mem(Params::<Pair>::words(2).unwrap());
        let p = Params::init(&mut m, 2, &Pair(1, 1)).unwrap();
        word(p.mem, W_WRITER).unwrap().store(1, Ordering::Relaxed);
        assert_eq!(p.publish(&Pair(2, 2)), Err(Error::PublishInProgress));
        word(p.mem, W_WRITER).unwrap().store(0, Ordering::Relaxed);
        assert_eq!(p.publish(&Pair(2, 2)), Ok(2));
    }

    #[test]
    fn markets_round_trip() {
        let mut a = Market::single_tier(-4, 1_000, 100, Ppm(100_000), Ppm(50_000));
        a.id = 7;
        a.liquidation_fee = Ppm(5_000);
        a.liquidator_fee_share = Ppm(400_000);
        a.liquidation_fee_rounding = crate::num::Rounding::Floor;
        a.dust_floor = crate::num::Quote(-3);
        let mut b = Market::single_tier(6, 1, 5, Ppm(200_000), Ppm(100_000));
        assert_eq!(b.liquidation_fee_rounding, crate::num::Rounding::Ceil);
        let mut c = b;
        c.liquidation_fee_rounding = crate::num::Rounding::TowardZero;
        let mut m = mem(Params::<Market>::words(2).unwrap());
        assert_eq!(Params::init(&mut m, 2, &c).unwrap().read().unwrap().value, c);
        b.dust_floor = crate::num::Quote(1);
        let mut m = mem(Params::<[Market; 2]>::words(3).unwrap());
        let p = Params::init(&mut m, 3, &[a, b]).unwrap();
        assert_eq!(p.read().unwrap().value, [a, b]);
        assert_eq!(p.publish(&[b, a]), Ok(2));
        assert_eq!(p.read().unwrap().value, [b, a]);
    }

    #[test]
    fn small_scalars_round_trip() {
        let mut m = mem(Params::<i32Wrap>::words(2).unwrap());
        let p = Params::init(&mut m, 2, &i32Wrap([-5, i32::MIN], 9)).unwrap();
        assert_eq!(p.read().unwrap().value, i32Wrap([-5, i32::MIN], 9));
    }

    #[allow(non_camel_case_types)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct i32Wrap([i32; 2], u32);
    impl Payload for i32Wrap {
        const WORDS: usize = 3;
        fn encode(&self, out: &mut WordWriter<'_>) {
            self.0.encode(out);
            self.1.encode(out);
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            i32Wrap(<[i32; 2]>::decode(input), u32::decode(input))
        }
    }
}
