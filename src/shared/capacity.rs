//! Liquidation capacity: per market, a notional budget per time window
//! (Synthetix perps v3) and per block (dYdX v4), reserved by concurrent
//! liquidations, then committed (what filled) and released (the rest).
//!
//! # Windows and blocks
//!
//! Time and block height are the caller's (the library reads no clock). A
//! window budget of length `L` covers the epochs `k = ⌊now / L⌋`, i.e. the
//! half-open intervals `[k·L, (k+1)·L)`: the roll-over is exact, at the
//! first call whose `now` reaches `(k+1)·L`. A block budget's epoch is the
//! block height. Epochs never go back: a call whose `now` (or block) falls
//! in an epoch older than the newest one seen is charged to the newest one
//! (threads' clocks may differ slightly; charging the newer epoch is the
//! conservative choice).
//!
//! # Protocol
//!
//! Each budget is two words: `latest`, the newest epoch seen (raised with
//! `fetch_max`), and `state`, packing the low 16 bits of the epoch its
//! usage belongs to and the usage (48 bits: reserved plus committed). A
//! reservation compare-and-swaps `state` from its observed value to
//! (newest epoch, usage + amount) — resetting the usage to zero first when
//! the state belongs to an older epoch — and only if the sum stays within
//! the budget. So at every instant, in every epoch, usage ≤ budget: never
//! over-spent. Releasing gives the amount back only while the epoch it was
//! charged to is still the newest (after a roll-over the old usage is gone
//! anyway); commit keeps what filled charged to its epoch.
//!
//! A reservation takes the window first, then the block; if the block
//! refuses, the window part is given back (meanwhile a competing
//! reservation may be refused for capacity that is about to return: never
//! an over-spend, at worst a transient refusal).
//!
//! Reservations live in a fixed table of entries in the same memory; a
//! [`Reservation`] handle names an entry and its generation, so committing
//! or releasing twice, or a handle never issued, is
//! [`Error::UnknownReservation`], and a commit larger than the reservation
//! is [`Error::CommitExceedsReservation`] — with the reservation left live.
//!
//! # Limits
//!
//! Budgets and amounts are at most [`MAX_AMOUNT`] = 2^48 − 1 capacity units
//! (scale the notional, e.g. to whole quote units, if budgets are larger);
//! [`UNLIMITED`] disables a budget. The 16-bit epoch tag means that if a
//! budget is untouched for an exact multiple of 65,536 epochs, the next
//! epoch inherits the stale usage: capacity is then under-stated for that
//! one epoch (never over-spent).

use super::{bytes_of, check_tag, offset, tag, word};
use crate::error::{Error, Result};
use crate::sync::{AtomicU64, Ordering};

/// The largest budget or amount (2^48 − 1 capacity units).
pub const MAX_AMOUNT: u64 = (1 << AMOUNT_BITS) - 1;

/// A budget that is not enforced.
pub const UNLIMITED: u64 = u64::MAX;

/// The most markets one capacity object tracks.
pub const MAX_MARKETS: usize = 1 << 16;

/// The most reservation entries.
pub const MAX_ENTRIES: usize = 1 << 20;

const AMOUNT_BITS: u32 = 48;
const USED: u64 = MAX_AMOUNT;
const TAG_MASK: u64 = 0xffff;

const HEADER_WORDS: usize = 3;
const W_TAG: usize = 0;
const W_LAYOUT: usize = 1;
const W_HINT: usize = 2;

const MARKET_WORDS: usize = 7;
const M_WINDOW_LEN: usize = 0;
const M_WINDOW_BUDGET: usize = 1;
const M_BLOCK_BUDGET: usize = 2;
const M_WINDOW: usize = 3; // latest, state
const M_BLOCK: usize = 5; // latest, state

const ENTRY_WORDS: usize = 5;
const E_STATE: usize = 0;
const E_MARKET: usize = 1;
const E_WINDOW_EPOCH: usize = 2;
const E_BLOCK: usize = 3;
const E_AMOUNT: usize = 4;

const FREE: u64 = 0;
const CLAIMED: u64 = 1;
const ACTIVE: u64 = 2;
const FINISHING: u64 = 3;
const STATUS: u64 = 3;

/// One market's budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct CapacityLimits {
    /// Window length in the caller's time unit (> 0 when `window_budget` is enforced).
    pub window_len: u64,
    /// Notional (capacity units) per window, or [`UNLIMITED`].
    pub window_budget: u64,
    /// Notional (capacity units) per block, or [`UNLIMITED`].
    pub block_budget: u64,
}

impl CapacityLimits {
    /// No limit at all.
    pub const UNLIMITED: CapacityLimits = CapacityLimits { window_len: 0, window_budget: UNLIMITED, block_budget: UNLIMITED };

    fn validate(&self) -> Result<()> {
        for b in [self.window_budget, self.block_budget] {
            if b != UNLIMITED && b > MAX_AMOUNT {
                return Err(Error::OutOfRange);
            }
        }
        if self.window_budget != UNLIMITED && self.window_len == 0 {
            return Err(Error::ZeroWindow);
        }
        Ok(())
    }
}

/// A live reservation: an entry index and its generation. Copy it to the
/// thread that commits; it is good for one commit or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reservation(u64);

impl Reservation {
    /// The handle as one `u64` (for the C ABI).
    #[must_use]
    pub const fn to_raw(self) -> u64 {
        self.0
    }

    /// A handle from [`Reservation::to_raw`]; any value is accepted here and
    /// checked on use.
    #[must_use]
    pub const fn from_raw(raw: u64) -> Self {
        Reservation(raw)
    }

    fn new(index: usize, generation: u64) -> Result<Self> {
        let i = u64::try_from(index).map_err(|_| Error::Overflow)?;
        Ok(Reservation((generation << 32) | (i & 0xffff_ffff)))
    }

    fn index(self) -> Result<usize> {
        usize::try_from(self.0 & 0xffff_ffff).map_err(|_| Error::UnknownReservation)
    }

    fn generation(self) -> u64 {
        self.0 >> 32
    }
}

/// What [`Capacity::reserve`] reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    /// The handle to commit or release.
    pub reservation: Reservation,
    /// The amount reserved (the amount asked, or less for a partial reservation).
    pub amount: u64,
    /// The window epoch (`⌊now / window_len⌋`, or a later one if the window
    /// had rolled over already) it is charged to; 0 if the window is not enforced.
    pub window_epoch: u64,
    /// The block it is charged to (the block asked, or a later one already
    /// seen); 0 if the block budget is not enforced.
    pub block: u64,
}

/// A handle on a capacity object in caller memory. `Copy` and `Sync`.
#[derive(Debug, Clone, Copy)]
pub struct Capacity<'a> {
    mem: &'a [AtomicU64],
    markets: usize,
    entries: usize,
}

impl<'a> Capacity<'a> {
    /// Words of memory for `markets` markets and `entries` reservation
    /// entries (the most reservations live at once), or `None` on overflow.
    #[must_use]
    pub const fn words(markets: usize, entries: usize) -> Option<usize> {
        match (markets.checked_mul(MARKET_WORDS), entries.checked_mul(ENTRY_WORDS)) {
            (Some(m), Some(e)) => match m.checked_add(e) {
                Some(s) => s.checked_add(HEADER_WORDS),
                None => None,
            },
            _ => None,
        }
    }

    /// Bytes of memory for `markets` markets and `entries` entries.
    #[must_use]
    pub const fn size_of(markets: usize, entries: usize) -> Option<usize> {
        bytes_of(Self::words(markets, entries))
    }

    /// Lays out a capacity object in `mem`: one market per element of
    /// `limits` (indexed as in that slice), `entries` reservation entries.
    ///
    /// # Errors
    /// [`Error::InvalidSlotCount`] (no market, no entry, or above
    /// [`MAX_MARKETS`] / [`MAX_ENTRIES`]), [`Error::OutOfRange`] (a budget
    /// above [`MAX_AMOUNT`] that is not [`UNLIMITED`]),
    /// [`Error::ZeroWindow`], [`Error::SharedMemoryTooSmall`].
    pub fn init(mem: &'a mut [AtomicU64], limits: &[CapacityLimits], entries: usize) -> Result<Self> {
        let markets = limits.len();
        if !(1..=MAX_MARKETS).contains(&markets) || !(1..=MAX_ENTRIES).contains(&entries) {
            return Err(Error::InvalidSlotCount);
        }
        for l in limits {
            l.validate()?;
        }
        if mem.len() < Self::words(markets, entries).ok_or(Error::Overflow)? {
            return Err(Error::SharedMemoryTooSmall);
        }
        let mem: &'a [AtomicU64] = mem;
        let c = Capacity { mem, markets, entries };
        word(mem, W_TAG)?.store(0, Ordering::Relaxed);
        word(mem, W_LAYOUT)?.store(layout_word(markets, entries)?, Ordering::Relaxed);
        word(mem, W_HINT)?.store(0, Ordering::Relaxed);
        for (i, l) in limits.iter().enumerate() {
            let base = offset(HEADER_WORDS, i, MARKET_WORDS)?;
            let vals = [l.window_len, l.window_budget, l.block_budget, 0, 0, 0, 0];
            for (k, v) in vals.into_iter().enumerate() {
                word(mem, base.checked_add(k).ok_or(Error::Overflow)?)?.store(v, Ordering::Relaxed);
            }
        }
        for e in 0..entries {
            for k in 0..ENTRY_WORDS {
                c.entry_word(e, k)?.store(0, Ordering::Relaxed);
            }
        }
        word(mem, W_TAG)?.store(tag::CAPACITY, Ordering::Release);
        Ok(c)
    }

    /// Re-opens a capacity object `init` laid out in `mem`.
    ///
    /// # Errors
    /// [`Error::SharedMemoryTooSmall`], [`Error::SharedMemoryNotInitialized`].
    pub fn attach(mem: &'a [AtomicU64]) -> Result<Self> {
        check_tag(mem, HEADER_WORDS, tag::CAPACITY)?;
        let layout = word(mem, W_LAYOUT)?.load(Ordering::Relaxed);
        let markets = usize::try_from(layout & 0xffff_ffff).map_err(|_| Error::SharedMemoryNotInitialized)?;
        let entries = usize::try_from(layout >> 32).map_err(|_| Error::SharedMemoryNotInitialized)?;
        if !(1..=MAX_MARKETS).contains(&markets) || !(1..=MAX_ENTRIES).contains(&entries) {
            return Err(Error::SharedMemoryNotInitialized);
        }
        if mem.len() < Self::words(markets, entries).ok_or(Error::Overflow)? {
            return Err(Error::SharedMemoryTooSmall);
        }
        Ok(Capacity { mem, markets, entries })
    }

    /// The number of markets.
    #[must_use]
    pub fn markets(&self) -> usize {
        self.markets
    }

    /// The number of reservation entries.
    #[must_use]
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The limits `market` was set up with.
    ///
    /// # Errors
    /// [`Error::UnknownMarket`].
    pub fn limits(&self, market: usize) -> Result<CapacityLimits> {
        Ok(CapacityLimits {
            window_len: self.market_word(market, M_WINDOW_LEN)?.load(Ordering::Relaxed),
            window_budget: self.market_word(market, M_WINDOW_BUDGET)?.load(Ordering::Relaxed),
            block_budget: self.market_word(market, M_BLOCK_BUDGET)?.load(Ordering::Relaxed),
        })
    }

    /// Reserves `amount` (1..=[`MAX_AMOUNT`]) of `market`'s capacity at
    /// caller time `now` and block height `block`. With `partial`, reserves
    /// as much as is left (at least 1) instead of refusing.
    ///
    /// # Errors
    /// [`Error::UnknownMarket`], [`Error::OutOfRange`] (amount 0 or above
    /// [`MAX_AMOUNT`]), [`Error::CapacityExhausted`] (nothing reserved),
    /// [`Error::ReservationTableFull`] (nothing reserved).
    pub fn reserve(&self, market: usize, amount: u64, now: u64, block: u64, partial: bool) -> Result<Reserved> {
        if market >= self.markets {
            return Err(Error::UnknownMarket);
        }
        if amount == 0 || amount > MAX_AMOUNT {
            return Err(Error::OutOfRange);
        }
        let limits = self.limits(market)?;
        let (index, generation) = self.claim_entry()?;
        let taken = self.take_both(market, &limits, amount, now, block, partial);
        let entry = self.entry_word(index, E_STATE)?;
        let (window_epoch, block_epoch, got) = match taken {
            Ok(t) => t,
            Err(e) => {
                entry.store(generation << 32 | FREE, Ordering::Release);
                return Err(e);
            }
        };
        self.entry_word(index, E_MARKET)?.store(u64::try_from(market).map_err(|_| Error::Overflow)?, Ordering::Relaxed);
        self.entry_word(index, E_WINDOW_EPOCH)?.store(window_epoch, Ordering::Relaxed);
        self.entry_word(index, E_BLOCK)?.store(block_epoch, Ordering::Relaxed);
        self.entry_word(index, E_AMOUNT)?.store(got, Ordering::Relaxed);
        // Release: whoever commits sees the fields above.
        entry.store(generation << 32 | ACTIVE, Ordering::Release);
        Ok(Reserved { reservation: Reservation::new(index, generation)?, amount: got, window_epoch, block: block_epoch })
    }

    /// Commits `filled` (≤ the reserved amount) of a reservation: it stays
    /// charged to the reservation's window and block; the rest is given
    /// back. The reservation ends.
    ///
    /// # Errors
    /// [`Error::UnknownReservation`], [`Error::CommitExceedsReservation`]
    /// (the reservation stays live, unchanged).
    pub fn commit(&self, reservation: Reservation, filled: u64) -> Result<()> {
        let index = reservation.index()?;
        if index >= self.entries {
            return Err(Error::UnknownReservation);
        }
        let generation = reservation.generation();
        let entry = self.entry_word(index, E_STATE)?;
        let active = generation << 32 | ACTIVE;
        // Acquire: pairs with the reserving thread's release of ACTIVE.
        if entry.compare_exchange(active, generation << 32 | FINISHING, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::UnknownReservation);
        }
        let market = usize::try_from(self.entry_word(index, E_MARKET)?.load(Ordering::Relaxed)).map_err(|_| Error::Overflow)?;
        let window_epoch = self.entry_word(index, E_WINDOW_EPOCH)?.load(Ordering::Relaxed);
        let block_epoch = self.entry_word(index, E_BLOCK)?.load(Ordering::Relaxed);
        let amount = self.entry_word(index, E_AMOUNT)?.load(Ordering::Relaxed);
        let Some(rest) = amount.checked_sub(filled) else {
            entry.store(active, Ordering::Release);
            return Err(Error::CommitExceedsReservation);
        };
        let limits = self.limits(market)?;
        let r = self.give_back_both(market, &limits, window_epoch, block_epoch, rest);
        let next = (generation.wrapping_add(1) & 0xffff_ffff) << 32 | FREE;
        entry.store(next, Ordering::Release);
        r
    }

    /// Releases a whole reservation (a commit of 0).
    ///
    /// # Errors
    /// [`Error::UnknownReservation`].
    pub fn release(&self, reservation: Reservation) -> Result<()> {
        self.commit(reservation, 0)
    }

    /// Capacity left for `market` at `now` and `block`: the smaller of the
    /// window's and the block's (a snapshot; [`UNLIMITED`] if neither
    /// budget is enforced).
    ///
    /// # Errors
    /// [`Error::UnknownMarket`].
    pub fn available(&self, market: usize, now: u64, block: u64) -> Result<u64> {
        let limits = self.limits(market)?;
        let mut left = UNLIMITED;
        if limits.window_budget != UNLIMITED {
            let used = self.used_at(market, M_WINDOW, window_epoch(&limits, now)?)?;
            left = left.min(limits.window_budget.saturating_sub(used));
        }
        if limits.block_budget != UNLIMITED {
            let used = self.used_at(market, M_BLOCK, block)?;
            left = left.min(limits.block_budget.saturating_sub(used));
        }
        Ok(left)
    }

    /// Used capacity (reserved plus committed) of `market`'s window at
    /// `now` (0 when the window is not enforced).
    ///
    /// # Errors
    /// [`Error::UnknownMarket`].
    pub fn window_used(&self, market: usize, now: u64) -> Result<u64> {
        let limits = self.limits(market)?;
        if limits.window_budget == UNLIMITED {
            return Ok(0);
        }
        self.used_at(market, M_WINDOW, window_epoch(&limits, now)?)
    }

    /// Used capacity of `market`'s block budget at `block` (0 when not enforced).
    ///
    /// # Errors
    /// [`Error::UnknownMarket`].
    pub fn block_used(&self, market: usize, block: u64) -> Result<u64> {
        let limits = self.limits(market)?;
        if limits.block_budget == UNLIMITED {
            return Ok(0);
        }
        self.used_at(market, M_BLOCK, block)
    }

    /// Usage of a budget as seen at `epoch` (charged to the newest epoch if
    /// `epoch` is older).
    fn used_at(&self, market: usize, budget: usize, epoch: u64) -> Result<u64> {
        let (latest, state) = self.budget(market, budget)?;
        let st = state.load(Ordering::Acquire);
        let e = latest.load(Ordering::Acquire).max(epoch);
        Ok(if st >> AMOUNT_BITS == e & TAG_MASK { st & USED } else { 0 })
    }

    fn take_both(
        &self,
        market: usize,
        limits: &CapacityLimits,
        amount: u64,
        now: u64,
        block: u64,
        partial: bool,
    ) -> Result<(u64, u64, u64)> {
        let mut got = amount;
        let mut w_epoch = 0;
        if limits.window_budget != UNLIMITED {
            let (e, t) = self.take(market, M_WINDOW, limits.window_budget, window_epoch(limits, now)?, got, partial)?;
            w_epoch = e;
            got = t;
        }
        let mut b_epoch = 0;
        if limits.block_budget != UNLIMITED {
            match self.take(market, M_BLOCK, limits.block_budget, block, got, partial) {
                Ok((e, t)) => {
                    b_epoch = e;
                    if t < got && limits.window_budget != UNLIMITED {
                        self.give_back(market, M_WINDOW, w_epoch, got.saturating_sub(t))?;
                    }
                    got = t;
                }
                Err(err) => {
                    if limits.window_budget != UNLIMITED {
                        self.give_back(market, M_WINDOW, w_epoch, got)?;
                    }
                    return Err(err);
                }
            }
        }
        Ok((w_epoch, b_epoch, got))
    }

    fn give_back_both(&self, market: usize, limits: &CapacityLimits, w_epoch: u64, b_epoch: u64, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        if limits.window_budget != UNLIMITED {
            self.give_back(market, M_WINDOW, w_epoch, amount)?;
        }
        if limits.block_budget != UNLIMITED {
            self.give_back(market, M_BLOCK, b_epoch, amount)?;
        }
        Ok(())
    }

    /// Charges `amount` (or, with `partial`, as much as is left, ≥ 1) to a
    /// budget at `epoch` (or the newest epoch if later); returns the epoch
    /// charged and the amount.
    fn take(&self, market: usize, budget_at: usize, budget: u64, epoch: u64, amount: u64, partial: bool) -> Result<(u64, u64)> {
        let (latest, state) = self.budget(market, budget_at)?;
        latest.fetch_max(epoch, Ordering::AcqRel);
        let mut st = state.load(Ordering::Acquire);
        loop {
            // Loaded after `st`: at least the epoch `st` belongs to (whoever
            // installed that epoch raised `latest` first), so the state's
            // epoch only ever moves forward.
            let e = latest.load(Ordering::Acquire);
            let used = if st >> AMOUNT_BITS == e & TAG_MASK { st & USED } else { 0 };
            let left = budget.saturating_sub(used);
            let t = if amount <= left {
                amount
            } else if partial && left > 0 {
                left
            } else {
                return Err(Error::CapacityExhausted);
            };
            // used + t ≤ budget ≤ MAX_AMOUNT: fits the 48 bits.
            let next = (e & TAG_MASK) << AMOUNT_BITS | used.checked_add(t).ok_or(Error::Overflow)?;
            match state.compare_exchange_weak(st, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok((e, t)),
                Err(seen) => st = seen,
            }
        }
    }

    /// Gives `amount` back to a budget it was charged to at `epoch`, if
    /// that is still the newest epoch (else the usage was reset already).
    fn give_back(&self, market: usize, budget_at: usize, epoch: u64, amount: u64) -> Result<()> {
        let (latest, state) = self.budget(market, budget_at)?;
        let mut st = state.load(Ordering::Acquire);
        loop {
            if latest.load(Ordering::Acquire) != epoch || st >> AMOUNT_BITS != epoch & TAG_MASK {
                // Rolled over: the charge belongs to an epoch that is over.
                return Ok(());
            }
            // While `epoch` is the newest, no reset can happen, so the
            // state still holds our charge: used ≥ amount.
            let Some(used) = (st & USED).checked_sub(amount) else {
                return Err(Error::Overflow);
            };
            match state.compare_exchange_weak(st, (st & !USED) | used, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(()),
                Err(seen) => st = seen,
            }
        }
    }

    /// Claims a free reservation entry: returns its index and generation.
    fn claim_entry(&self) -> Result<(usize, u64)> {
        let hint = word(self.mem, W_HINT)?.fetch_add(1, Ordering::Relaxed);
        let entries = u64::try_from(self.entries).map_err(|_| Error::Overflow)?;
        let start = usize::try_from(hint.checked_rem(entries).ok_or(Error::Overflow)?).map_err(|_| Error::Overflow)?;
        for k in 0..self.entries {
            let index = start.checked_add(k).and_then(|i| i.checked_rem(self.entries)).ok_or(Error::Overflow)?;
            let state = self.entry_word(index, E_STATE)?;
            let st = state.load(Ordering::Relaxed);
            if st & STATUS != FREE {
                continue;
            }
            let generation = st >> 32;
            if state.compare_exchange(st, generation << 32 | CLAIMED, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return Ok((index, generation));
            }
        }
        Err(Error::ReservationTableFull)
    }

    fn market_word(&self, market: usize, k: usize) -> Result<&'a AtomicU64> {
        if market >= self.markets {
            return Err(Error::UnknownMarket);
        }
        word(self.mem, offset(HEADER_WORDS, market, MARKET_WORDS)?.checked_add(k).ok_or(Error::Overflow)?)
    }

    fn budget(&self, market: usize, at: usize) -> Result<(&'a AtomicU64, &'a AtomicU64)> {
        Ok((self.market_word(market, at)?, self.market_word(market, at.checked_add(1).ok_or(Error::Overflow)?)?))
    }

    fn entry_word(&self, index: usize, k: usize) -> Result<&'a AtomicU64> {
        let base = offset(HEADER_WORDS, self.markets, MARKET_WORDS)?;
        word(self.mem, offset(base, index, ENTRY_WORDS)?.checked_add(k).ok_or(Error::Overflow)?)
    }
}

fn window_epoch(limits: &CapacityLimits, now: u64) -> Result<u64> {
    now.checked_div(limits.window_len).ok_or(Error::ZeroWindow)
}

fn layout_word(markets: usize, entries: usize) -> Result<u64> {
    let m = u64::try_from(markets).map_err(|_| Error::Overflow)?;
    let e = u64::try_from(entries).map_err(|_| Error::Overflow)?;
    Ok(m | e << 32)
}

#[cfg(all(test, not(partliq_loom)))]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn mem(n: usize) -> Vec<AtomicU64> {
        (0..n).map(|_| AtomicU64::new(0)).collect()
    }

    const LIMITS: CapacityLimits = CapacityLimits { window_len: 60, window_budget: 1_000, block_budget: 400 };

    #[test]
    fn sizes() {
        // 3 + 2 × 7 + 4 × 5 = 37 words.
        assert_eq!(Capacity::words(2, 4), Some(37));
        assert_eq!(Capacity::size_of(2, 4), Some(296));
        assert_eq!(Capacity::words(usize::MAX, 1), None);
    }

    #[test]
    fn reserve_commit_release_within_budgets() {
        let mut m = mem(Capacity::words(1, 4).unwrap());
        let c = Capacity::init(&mut m, &[LIMITS], 4).unwrap();
        assert_eq!(c.available(0, 0, 1), Ok(400));
        let a = c.reserve(0, 300, 0, 1, false).unwrap();
        assert_eq!(a.amount, 300);
        assert_eq!(c.reserve(0, 101, 5, 1, false).err(), Some(Error::CapacityExhausted));
        // Partial: the block has 100 left.
        let b = c.reserve(0, 250, 5, 1, true).unwrap();
        assert_eq!(b.amount, 100);
        assert_eq!((c.window_used(0, 5), c.block_used(0, 1)), (Ok(400), Ok(400)));
        assert_eq!(c.reserve(0, 1, 5, 1, true).err(), Some(Error::CapacityExhausted));
        // Fill 120 of 300: 180 comes back to both budgets.
        c.commit(a.reservation, 120).unwrap();
        assert_eq!((c.window_used(0, 5), c.block_used(0, 1)), (Ok(220), Ok(220)));
        c.release(b.reservation).unwrap();
        assert_eq!((c.window_used(0, 5), c.block_used(0, 1)), (Ok(120), Ok(120)));
        // Next block: the block budget is fresh, the window is not.
        assert_eq!(c.available(0, 10, 2), Ok(400));
        let d = c.reserve(0, 400, 10, 2, false).unwrap();
        let e = c.reserve(0, 380, 11, 3, false).unwrap();
        assert_eq!(c.window_used(0, 11), Ok(900));
        assert_eq!(c.reserve(0, 101, 12, 4, false).err(), Some(Error::CapacityExhausted));
        let f = c.reserve(0, 101, 12, 4, true).unwrap();
        assert_eq!(f.amount, 100);
        assert_eq!(c.reserve(0, 1, 12, 5, true).err(), Some(Error::CapacityExhausted));
        c.commit(d.reservation, 400).unwrap();
        c.commit(e.reservation, 380).unwrap();
        c.commit(f.reservation, 100).unwrap();
        // Window roll-over exactly at 60: the window is fresh.
        assert_eq!(c.window_used(0, 59), Ok(1_000));
        assert_eq!(c.window_used(0, 60), Ok(0));
        assert_eq!(c.reserve(0, 400, 60, 6, false).unwrap().amount, 400);
    }

    #[test]
    fn release_after_roll_over_does_not_credit_the_new_window() {
        let mut m = mem(Capacity::words(1, 2).unwrap());
        let only_window = CapacityLimits { window_len: 10, window_budget: 100, block_budget: UNLIMITED };
        let c = Capacity::init(&mut m, &[only_window], 2).unwrap();
        let a = c.reserve(0, 100, 9, 0, false).unwrap();
        let b = c.reserve(0, 70, 10, 0, false).unwrap();
        assert_eq!((a.window_epoch, b.window_epoch, b.block), (0, 1, 0));
        assert_eq!(c.window_used(0, 10), Ok(70));
        c.release(a.reservation).unwrap();
        assert_eq!(c.window_used(0, 10), Ok(70));
        c.commit(b.reservation, 70).unwrap();
        // A late call stamped in window 0 is charged to window 1.
        assert_eq!(c.reserve(0, 31, 3, 0, false).err(), Some(Error::CapacityExhausted));
        let late = c.reserve(0, 30, 3, 0, false).unwrap();
        assert_eq!((late.amount, late.window_epoch), (30, 1));
        assert_eq!(c.window_used(0, 19), Ok(100));
    }

    #[test]
    fn bad_handles_and_commits_change_nothing() {
        let mut m = mem(Capacity::words(1, 1).unwrap());
        let c = Capacity::init(&mut m, &[LIMITS], 1).unwrap();
        let a = c.reserve(0, 50, 0, 0, false).unwrap();
        assert_eq!(c.reserve(0, 1, 0, 0, false).err(), Some(Error::ReservationTableFull));
        assert_eq!(c.block_used(0, 0), Ok(50));
        assert_eq!(c.commit(a.reservation, 51), Err(Error::CommitExceedsReservation));
        assert_eq!(c.block_used(0, 0), Ok(50));
        assert_eq!(c.commit(Reservation::from_raw(a.reservation.to_raw() + (1 << 32)), 1), Err(Error::UnknownReservation));
        assert_eq!(c.commit(Reservation::from_raw(7), 1), Err(Error::UnknownReservation));
        c.commit(a.reservation, 50).unwrap();
        assert_eq!(c.release(a.reservation), Err(Error::UnknownReservation));
        assert_eq!(c.commit(a.reservation, 0), Err(Error::UnknownReservation));
        assert_eq!(c.block_used(0, 0), Ok(50));
        // The entry is reusable, under a new generation.
        let b = c.reserve(0, 10, 0, 0, false).unwrap();
        assert_ne!(b.reservation, a.reservation);
        assert_eq!(c.reserve(1, 10, 0, 0, false).err(), Some(Error::UnknownMarket));
        assert_eq!(c.reserve(0, 0, 0, 0, false).err(), Some(Error::OutOfRange));
        assert_eq!(c.reserve(0, MAX_AMOUNT + 1, 0, 0, false).err(), Some(Error::OutOfRange));
        assert_eq!(c.available(1, 0, 0).err(), Some(Error::UnknownMarket));
    }

    #[test]
    fn bad_layouts() {
        let mut m = mem(100);
        assert_eq!(Capacity::init(&mut m, &[], 1).err(), Some(Error::InvalidSlotCount));
        assert_eq!(Capacity::init(&mut m, &[LIMITS], 0).err(), Some(Error::InvalidSlotCount));
        let zero = CapacityLimits { window_len: 0, ..LIMITS };
        assert_eq!(Capacity::init(&mut m, &[zero], 1).err(), Some(Error::ZeroWindow));
        let huge = CapacityLimits { block_budget: MAX_AMOUNT + 1, ..LIMITS };
        assert_eq!(Capacity::init(&mut m, &[huge], 1).err(), Some(Error::OutOfRange));
        assert_eq!(Capacity::init(&mut m, &[LIMITS; 3], 20).err(), Some(Error::SharedMemoryTooSmall));
        assert_eq!(Capacity::attach(&m).err(), Some(Error::SharedMemoryNotInitialized));
        Capacity::init(&mut m, &[LIMITS, CapacityLimits::UNLIMITED], 3).unwrap();
        let c = Capacity::attach(&m).unwrap();
        assert_eq!((c.markets(), c.entries()), (2, 3));
        assert_eq!(c.limits(1), Ok(CapacityLimits::UNLIMITED));
        assert_eq!(c.available(1, 0, 0), Ok(UNLIMITED));
        assert_eq!(c.reserve(1, MAX_AMOUNT, 0, 0, false).unwrap().amount, MAX_AMOUNT);
        assert_eq!(Capacity::attach(&m[..31]).err(), Some(Error::SharedMemoryTooSmall));
        assert_eq!(Capacity::attach(&m[..2]).err(), Some(Error::SharedMemoryTooSmall));
    }
}
