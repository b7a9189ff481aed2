//! The insurance fund: a balance credited and debited from many threads,
//! never debited below its floor, with an exact ledger.
//!
//! # Protocol
//!
//! The balance is one word changed only by compare-and-swap: a debit reads
//! the balance and the floor, refuses (whole, or trims the amount for
//! [`SharedInsuranceFund::debit_up_to`]) if the result would be below the floor,
//! and installs the new balance only if nobody changed it meanwhile (else
//! it re-reads and decides again). So the balance never goes below the
//! floor through a debit, however debits interleave. Credits are checked
//! against `i64` overflow the same way.
//!
//! Totals of credits and debits are 128-bit counters (two words each, the
//! carry added to the high word), bumped after the balance changes. At
//! every quiescent point (no operation in flight)
//! `initial + credits − debits = balance` exactly ([`Ledger::is_balanced`]).

use super::{bytes_of, check_tag, tag, word};
use crate::error::{Error, Result};
use crate::num::Quote;
use crate::sync::{AtomicU64, Ordering};

const W_TAG: usize = 0;
const W_INITIAL: usize = 1;
const W_FLOOR: usize = 2;
const W_BALANCE: usize = 3;
const W_CREDITS_LO: usize = 4;
const W_CREDITS_HI: usize = 5;
const W_DEBITS_LO: usize = 6;
const W_DEBITS_HI: usize = 7;
const WORDS: usize = 8;

/// A handle on an insurance fund in shared memory the caller provides: many
/// threads credit and debit it lock-free. `Copy` and `Sync`. (The fund's
/// book as a plain single-threaded value is
/// [`crate::escalation::InsuranceFundBook`].)
#[derive(Debug, Clone, Copy)]
pub struct SharedInsuranceFund<'a> {
    mem: &'a [AtomicU64],
}

/// What a partial debit took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debit {
    /// The amount debited (at most the amount asked; 0 if the fund was at or below its floor).
    pub debited: Quote,
    /// The balance right after this debit.
    pub balance: Quote,
}

/// The fund's ledger. Exact at quiescent points; while operations are in
/// flight a total may lag the balance by those operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ledger {
    /// The balance at init.
    pub initial: Quote,
    /// Sum of all credits.
    pub credits: u128,
    /// Sum of all debits.
    pub debits: u128,
    /// The balance.
    pub balance: Quote,
    /// The floor.
    pub floor: Quote,
}

impl Ledger {
    /// `initial + credits − debits == balance`.
    #[must_use]
    pub fn is_balanced(&self) -> bool {
        let (Ok(c), Ok(d)) = (i128::try_from(self.credits), i128::try_from(self.debits)) else {
            return false;
        };
        i128::from(self.initial.0).checked_add(c).and_then(|v| v.checked_sub(d)) == Some(i128::from(self.balance.0))
    }
}

impl<'a> SharedInsuranceFund<'a> {
    /// Words of memory a fund needs.
    #[must_use]
    pub const fn words() -> usize {
        WORDS
    }

    /// Bytes of memory a fund needs.
    #[must_use]
    pub const fn size_of() -> usize {
        match bytes_of(Some(WORDS)) {
            Some(b) => b,
            None => 0,
        }
    }

    /// Lays out a fund with balance `initial` and floor `floor` in `mem`.
    /// An initial balance below the floor is allowed: debits are then
    /// refused until credits lift it.
    ///
    /// # Errors
    /// [`Error::SharedMemoryTooSmall`].
    pub fn init(mem: &'a mut [AtomicU64], initial: Quote, floor: Quote) -> Result<Self> {
        if mem.len() < WORDS {
            return Err(Error::SharedMemoryTooSmall);
        }
        let mem: &'a [AtomicU64] = mem;
        word(mem, W_TAG)?.store(0, Ordering::Relaxed);
        word(mem, W_INITIAL)?.store(to_word(initial.0), Ordering::Relaxed);
        word(mem, W_FLOOR)?.store(to_word(floor.0), Ordering::Relaxed);
        word(mem, W_BALANCE)?.store(to_word(initial.0), Ordering::Relaxed);
        for w in [W_CREDITS_LO, W_CREDITS_HI, W_DEBITS_LO, W_DEBITS_HI] {
            word(mem, w)?.store(0, Ordering::Relaxed);
        }
        word(mem, W_TAG)?.store(tag::FUND, Ordering::Release);
        Ok(SharedInsuranceFund { mem })
    }

    /// Re-opens a fund `init` laid out in `mem`.
    ///
    /// # Errors
    /// [`Error::SharedMemoryTooSmall`], [`Error::SharedMemoryNotInitialized`].
    pub fn attach(mem: &'a [AtomicU64]) -> Result<Self> {
        check_tag(mem, WORDS, tag::FUND)?;
        Ok(SharedInsuranceFund { mem })
    }

    /// The balance now.
    pub fn balance(&self) -> Result<Quote> {
        Ok(Quote(from_word(word(self.mem, W_BALANCE)?.load(Ordering::Acquire))))
    }

    /// The floor now.
    pub fn floor(&self) -> Result<Quote> {
        Ok(Quote(from_word(word(self.mem, W_FLOOR)?.load(Ordering::Acquire))))
    }

    /// Sets a new floor for debits from now on (a balance already below a
    /// raised floor stays; further debits are refused).
    pub fn set_floor(&self, floor: Quote) -> Result<()> {
        word(self.mem, W_FLOOR)?.store(to_word(floor.0), Ordering::Release);
        Ok(())
    }

    /// Adds `amount` (≥ 0) and returns the balance right after.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] (negative amount), [`Error::Overflow`] (the
    /// balance would pass `i64::MAX`; nothing credited).
    pub fn credit(&self, amount: Quote) -> Result<Quote> {
        if amount.0 < 0 {
            return Err(Error::OutOfRange);
        }
        let balance = word(self.mem, W_BALANCE)?;
        let mut b = balance.load(Ordering::Acquire);
        loop {
            let next = from_word(b).checked_add(amount.0).ok_or(Error::Overflow)?;
            match balance.compare_exchange_weak(b, to_word(next), Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    self.add_total(W_CREDITS_LO, W_CREDITS_HI, amount.0)?;
                    return Ok(Quote(next));
                }
                Err(seen) => b = seen,
            }
        }
    }

    /// Takes `amount` (≥ 0) whole, or nothing: refused when `amount` exceeds
    /// the room above the floor (`balance − floor`, at least 0), so a debit
    /// never takes the balance below the floor. A zero debit always succeeds
    /// (nothing moves, even if a raised floor is above the balance). Returns
    /// the balance right after.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] (negative amount),
    /// [`Error::InsuranceFundBelowFloor`] (nothing debited).
    pub fn debit(&self, amount: Quote) -> Result<Quote> {
        self.debit_inner(amount, false).map(|d| d.balance)
    }

    /// Takes as much of `amount` (≥ 0) as the floor allows (possibly 0).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] (negative amount).
    pub fn debit_up_to(&self, amount: Quote) -> Result<Debit> {
        self.debit_inner(amount, true)
    }

    fn debit_inner(&self, amount: Quote, partial: bool) -> Result<Debit> {
        if amount.0 < 0 {
            return Err(Error::OutOfRange);
        }
        let balance = word(self.mem, W_BALANCE)?;
        let floor_word = word(self.mem, W_FLOOR)?;
        let mut b = balance.load(Ordering::Acquire);
        loop {
            let floor = i128::from(from_word(floor_word.load(Ordering::Acquire)));
            let cur = from_word(b);
            // i128: `cur − floor` cannot overflow.
            let room = i128::from(cur).checked_sub(floor).ok_or(Error::Overflow)?.max(0);
            let take = if i128::from(amount.0) <= room {
                amount.0
            } else if partial {
                // room < amount ≤ i64::MAX, so it fits.
                i64::try_from(room).map_err(|_| Error::Overflow)?
            } else {
                return Err(Error::InsuranceFundBelowFloor);
            };
            let next = cur.checked_sub(take).ok_or(Error::Overflow)?;
            if take == 0 {
                return Ok(Debit { debited: Quote(0), balance: Quote(cur) });
            }
            match balance.compare_exchange_weak(b, to_word(next), Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    self.add_total(W_DEBITS_LO, W_DEBITS_HI, take)?;
                    return Ok(Debit { debited: Quote(take), balance: Quote(next) });
                }
                Err(seen) => b = seen,
            }
        }
    }

    /// The ledger (exact when no operation is in flight).
    pub fn ledger(&self) -> Result<Ledger> {
        let total = |lo: usize, hi: usize| -> Result<u128> {
            let h = word(self.mem, hi)?.load(Ordering::Acquire);
            let l = word(self.mem, lo)?.load(Ordering::Acquire);
            Ok((u128::from(h) << 64) | u128::from(l))
        };
        Ok(Ledger {
            initial: Quote(from_word(word(self.mem, W_INITIAL)?.load(Ordering::Relaxed))),
            credits: total(W_CREDITS_LO, W_CREDITS_HI)?,
            debits: total(W_DEBITS_LO, W_DEBITS_HI)?,
            balance: self.balance()?,
            floor: self.floor()?,
        })
    }

    /// Adds a non-negative amount to a 128-bit total: low word, then the
    /// carry into the high word.
    fn add_total(&self, lo: usize, hi: usize, amount: i64) -> Result<()> {
        let a = u64::try_from(amount).map_err(|_| Error::OutOfRange)?;
        let before = word(self.mem, lo)?.fetch_add(a, Ordering::AcqRel);
        if before.checked_add(a).is_none() {
            word(self.mem, hi)?.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }
}

fn to_word(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

fn from_word(w: u64) -> i64 {
    i64::from_ne_bytes(w.to_ne_bytes())
}

#[cfg(all(test, not(partliq_loom)))]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn mem(n: usize) -> Vec<AtomicU64> {
        (0..n).map(|_| AtomicU64::new(0)).collect()
    }

    #[test]
    fn credit_debit_floor_ledger() {
        assert_eq!(SharedInsuranceFund::size_of(), 64);
        let mut m = mem(SharedInsuranceFund::words());
        let f = SharedInsuranceFund::init(&mut m, Quote(1_000), Quote(100)).unwrap();
        assert_eq!(f.credit(Quote(50)), Ok(Quote(1_050)));
        assert_eq!(f.debit(Quote(950)), Ok(Quote(100)));
        // One more unit would cross the floor: refused whole.
        assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.credit(Quote(30)), Ok(Quote(130)));
        assert_eq!(f.debit(Quote(31)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.balance(), Ok(Quote(130)));
        // Partial: takes the 30 above the floor.
        assert_eq!(f.debit_up_to(Quote(31)), Ok(Debit { debited: Quote(30), balance: Quote(100) }));
        assert_eq!(f.debit_up_to(Quote(5)), Ok(Debit { debited: Quote(0), balance: Quote(100) }));
        assert_eq!(f.debit(Quote(0)), Ok(Quote(100)));
        let l = f.ledger().unwrap();
        assert_eq!((l.initial, l.credits, l.debits, l.balance), (Quote(1_000), 80, 980, Quote(100)));
        assert!(l.is_balanced());
    }

    #[test]
    fn bad_input_changes_nothing() {
        let mut small = mem(7);
        assert_eq!(SharedInsuranceFund::init(&mut small, Quote(0), Quote(0)).err(), Some(Error::SharedMemoryTooSmall));
        assert_eq!(SharedInsuranceFund::attach(&small).err(), Some(Error::SharedMemoryTooSmall));
        let mut m = mem(8);
        assert_eq!(SharedInsuranceFund::attach(&m).err(), Some(Error::SharedMemoryNotInitialized));
        let f = SharedInsuranceFund::init(&mut m, Quote(i64::MAX - 1), Quote(i64::MIN)).unwrap();
        assert_eq!(f.credit(Quote(-1)), Err(Error::OutOfRange));
        assert_eq!(f.debit(Quote(-1)), Err(Error::OutOfRange));
        assert_eq!(f.credit(Quote(2)), Err(Error::Overflow));
        assert_eq!(f.credit(Quote(1)), Ok(Quote(i64::MAX)));
        // Floor i64::MIN: the whole range is debitable, exactly.
        assert_eq!(f.debit(Quote(i64::MAX)), Ok(Quote(0)));
        assert_eq!(f.debit(Quote(i64::MAX)), Ok(Quote(-i64::MAX)));
        assert_eq!(f.debit(Quote(2)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.debit_up_to(Quote(2)), Ok(Debit { debited: Quote(1), balance: Quote(i64::MIN) }));
        let l = f.ledger().unwrap();
        assert!(l.is_balanced());
        assert_eq!(l.debits, 2 * (i64::MAX as u128) + 1);
        let again = SharedInsuranceFund::attach(&m).unwrap();
        assert_eq!(again.balance(), Ok(Quote(i64::MIN)));
    }

    #[test]
    fn ledger_carries_into_the_high_word() {
        let mut m = mem(8);
        let f = SharedInsuranceFund::init(&mut m, Quote(0), Quote(i64::MIN)).unwrap();
        for _ in 0..3 {
            f.credit(Quote(i64::MAX)).unwrap();
            f.debit(Quote(i64::MAX)).unwrap();
        }
        let l = f.ledger().unwrap();
        assert_eq!(l.credits, 3 * (i64::MAX as u128));
        assert!(l.credits > u128::from(u64::MAX));
        assert!(l.is_balanced());
    }

    #[test]
    fn raised_floor_refuses() {
        let mut m = mem(8);
        let f = SharedInsuranceFund::init(&mut m, Quote(100), Quote(0)).unwrap();
        f.set_floor(Quote(200)).unwrap();
        assert_eq!(f.floor(), Ok(Quote(200)));
        assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.debit_up_to(Quote(1)).unwrap().debited, Quote(0));
    }
}
