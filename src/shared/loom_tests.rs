//! loom model tests of the shared state: every interleaving (up to the
//! preemption bound) of two or three threads, asserting each piece's
//! invariants.
//!
//! ```sh
//! RUSTFLAGS="--cfg partliq_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release --lib shared::loom_tests
//! ```
//!
//! Preemption bound: [`PREEMPTIONS`] (3) unless `LOOM_MAX_PREEMPTIONS` says
//! otherwise. loom explores every schedule with at most that many preemptive
//! context switches, and every value a relaxed / acquire load may return
//! under the C++11 memory model; bounds of 2–3 are what loom's authors
//! recommend and find real bugs with.
//!
//! These models live inside the crate (as tokio's do) so that they check the
//! very code the library ships: under `cfg(all(test, partliq_loom))` the
//! crate's own atomics facade ([`crate::sync`]) is loom's. loom is a
//! dev-dependency under `cfg(partliq_loom)` only: neither the library nor
//! any crate that depends on it ever sees it. Under that cfg the other unit
//! tests of the shared state (which use real atomics) and the C ABI's
//! shared-state layer are compiled out; run only this module.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

extern crate std;

use std::boxed::Box;
use std::vec::Vec;

use loom::thread;

use super::{Capacity, CapacityLimits, Params, Payload, Reservation, SharedInsuranceFund, Snapshot, WordReader, WordWriter, UNLIMITED};
use crate::sync::{AtomicU64, Ordering};
use crate::{Error, Quote};

/// The default preemption bound.
const PREEMPTIONS: usize = 3;

fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(PREEMPTIONS);
    }
    b.check(f);
}

fn mem(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

/// A leaked slice: loom's threads need `'static` handles. (Bounded: one per
/// explored execution, a few kB in all.)
fn leak(n: usize) -> &'static mut [AtomicU64] {
    Box::leak(mem(n).into_boxed_slice())
}

// ---------------------------------------------------------------- params

/// Two words that must always agree: (version, version + 1000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Set(u64, u64);

impl Set {
    fn of(version: u64) -> Set {
        Set(version, version + 1_000)
    }
}

impl Payload for Set {
    const WORDS: usize = 2;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put(self.0);
        out.put(self.1);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let a = input.get();
        let b = input.get();
        Set(a, b)
    }
}

fn publish_until_done(p: &Params<'_, Set>, version: u64) {
    loop {
        match p.publish(&Set::of(version)) {
            Ok(v) => {
                assert_eq!(v, version);
                return;
            }
            // A reader still pins the spare slot: retry after it moves on.
            Err(Error::NoFreeSlot) => thread::yield_now(),
            Err(e) => panic!("publish: {e}"),
        }
    }
}

/// One writer publishes versions 2 and 3 through 2 slots while a reader
/// reads twice: every snapshot is whole (its words agree with its version),
/// versions never go back, and the writer never rewrote a pinned slot.
#[test]
fn params_reader_never_sees_a_torn_set() {
    model(|| {
        let p = Params::init(leak(Params::<Set>::words(2).unwrap()), 2, &Set::of(1)).unwrap();
        let reader = thread::spawn(move || {
            let a = p.read().unwrap();
            assert_eq!(a.value, Set::of(a.version));
            let b = p.read().unwrap();
            assert_eq!(b.value, Set::of(b.version));
            assert!(b.version >= a.version);
        });
        publish_until_done(&p, 2);
        publish_until_done(&p, 3);
        reader.join().unwrap();
        assert_eq!(p.read().unwrap().value, Set::of(3));
    });
}

/// The same with a reader that reads three times while the writer
/// publishes three versions (2 slots: the writer often finds its only
/// spare slot pinned and retries).
#[test]
fn params_long_reader_long_writer() {
    model(|| {
        let p = Params::init(leak(Params::<Set>::words(2).unwrap()), 2, &Set::of(1)).unwrap();
        let reader = thread::spawn(move || {
            let mut last = 0;
            for _ in 0..3 {
                let s = p.read().unwrap();
                assert_eq!(s.value, Set::of(s.version));
                assert!(s.version >= last);
                last = s.version;
            }
        });
        for v in 2..=4 {
            publish_until_done(&p, v);
        }
        reader.join().unwrap();
        assert_eq!(p.read().unwrap().version, 4);
    });
}

/// Two readers and a writer with 3 slots (the writer can always find a
/// slot: at most 2 are pinned and the current one is skipped, so no
/// retries): consistent snapshots, and a reader after the join sees the
/// last version.
#[test]
fn params_two_readers_three_slots() {
    model(|| {
        let p = Params::init(leak(Params::<Set>::words(3).unwrap()), 3, &Set::of(1)).unwrap();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                thread::spawn(move || {
                    let s = p.read().unwrap();
                    assert_eq!(s.value, Set::of(s.version));
                    assert!((1..=2).contains(&s.version));
                })
            })
            .collect();
        assert_eq!(p.publish(&Set::of(2)), Ok(2));
        for r in readers {
            r.join().unwrap();
        }
        assert_eq!(p.read().unwrap(), Snapshot { version: 2, value: Set::of(2) });
    });
}

/// Two writers race: each publish either succeeds with a fresh version or
/// is refused whole (PublishInProgress); a reader sees a consistent set.
#[test]
fn params_concurrent_publishers() {
    model(|| {
        let p = Params::init(leak(Params::<Set>::words(3).unwrap()), 3, &Set::of(1)).unwrap();
        let other = thread::spawn(move || p.publish(&Set(7, 1_007)));
        let reader = thread::spawn(move || {
            let s = p.read().unwrap();
            assert_eq!(s.value.1, s.value.0 + 1_000);
        });
        let mine = p.publish(&Set(9, 1_009));
        let theirs = other.join().unwrap();
        reader.join().unwrap();
        let ok = [mine, theirs].iter().filter(|r| r.is_ok()).count() as u64;
        for r in [mine, theirs] {
            assert!(matches!(r, Ok(2 | 3) | Err(Error::PublishInProgress)), "{r:?}");
        }
        assert!(ok >= 1);
        assert_eq!(p.version(), Ok(1 + ok));
    });
}

// -------------------------------------------------------------- capacity

fn capacity(limits: CapacityLimits, entries: usize) -> Capacity<'static> {
    Capacity::init(leak(Capacity::words(1, entries).unwrap()), &[limits], entries).unwrap()
}

/// Two liquidations reserve 6 each against a window budget of 10 and a
/// block budget of 10; one fills 3 (releasing 3), the other fills all.
/// Never over-spent at any point a thread looks; at the end usage equals
/// what was committed.
#[test]
fn capacity_never_over_spent() {
    model(|| {
        let c = capacity(CapacityLimits { window_len: 100, window_budget: 10, block_budget: 10 }, 2);
        let liquidate = move |fill: u64| -> u64 {
            match c.reserve(0, 6, 5, 1, false) {
                Ok(r) => {
                    assert_eq!(r.amount, 6);
                    assert!(c.window_used(0, 5).unwrap() <= 10);
                    assert!(c.block_used(0, 1).unwrap() <= 10);
                    c.commit(r.reservation, fill).unwrap();
                    fill
                }
                Err(Error::CapacityExhausted) => 0,
                Err(e) => panic!("reserve: {e}"),
            }
        };
        let t = thread::spawn(move || liquidate(3));
        let mine = liquidate(6);
        let theirs = t.join().unwrap();
        assert!(mine + theirs <= 10);
        assert!(mine == 6 || theirs == 3, "at least one liquidation got capacity");
        assert_eq!(c.window_used(0, 5), Ok(mine + theirs));
        assert_eq!(c.block_used(0, 1), Ok(mine + theirs));
    });
}

/// Three liquidations (one committing a reservation that another thread
/// made) against window 10 / block 7: usage never passes a budget while
/// they run, and ends equal to what was committed.
#[test]
fn capacity_three_threads() {
    model(|| {
        let c = capacity(CapacityLimits { window_len: 100, window_budget: 10, block_budget: 7 }, 3);
        let mailbox: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
        let reserver = thread::spawn(move || match c.reserve(0, 4, 3, 1, false) {
            Ok(r) => {
                // Hand the fill to another thread to commit.
                mailbox.store(r.reservation.to_raw() | 1 << 63, Ordering::Release);
                assert!(c.block_used(0, 1).unwrap() <= 7);
            }
            Err(Error::CapacityExhausted) => mailbox.store(1 << 62, Ordering::Release),
            Err(e) => panic!("reserve: {e}"),
        });
        let partial = thread::spawn(move || match c.reserve(0, 5, 4, 1, true) {
            Ok(r) => {
                assert!(c.window_used(0, 4).unwrap() <= 10);
                c.commit(r.reservation, r.amount).unwrap();
                r.amount
            }
            Err(Error::CapacityExhausted) => 0,
            Err(e) => panic!("reserve: {e}"),
        });
        let handed = loop {
            let m = mailbox.load(Ordering::Acquire);
            if m != 0 {
                break m;
            }
            thread::yield_now();
        };
        let committed_by_me = if handed & 1 << 63 != 0 {
            c.commit(Reservation::from_raw(handed & !(1 << 63)), 2).unwrap();
            2
        } else {
            0
        };
        reserver.join().unwrap();
        let p = partial.join().unwrap();
        assert!(committed_by_me + p <= 7);
        assert_eq!(c.block_used(0, 1), Ok(committed_by_me + p));
        assert_eq!(c.window_used(0, 1), Ok(committed_by_me + p));
    });
}

/// Partial reservations against a block budget smaller than the window:
/// together they never exceed the block budget, and both budgets end at
/// what was committed.
#[test]
fn capacity_partial_reservations() {
    model(|| {
        let c = capacity(CapacityLimits { window_len: 100, window_budget: 10, block_budget: 8 }, 2);
        let take = move || -> u64 {
            match c.reserve(0, 7, 1, 1, true) {
                Ok(r) => {
                    assert!((1..=7).contains(&r.amount));
                    c.commit(r.reservation, r.amount).unwrap();
                    r.amount
                }
                Err(Error::CapacityExhausted) => 0,
                Err(e) => panic!("reserve: {e}"),
            }
        };
        let t = thread::spawn(take);
        let mine = take();
        let theirs = t.join().unwrap();
        assert_eq!(mine + theirs, 8, "partial reservations use the block budget exactly");
        assert_eq!(c.block_used(0, 1), Ok(8));
        assert_eq!(c.window_used(0, 1), Ok(8));
    });
}

/// Roll-over: one thread reserves 8 at t = 9 (window 0) and releases it;
/// the other reserves 8 at t = 10 (window 1) and commits. Window 0's
/// charge never leaks into window 1 and its release after the roll-over
/// never credits window 1. The only way the window-1 reservation fails is
/// that the t = 9 call came after window 1 began (some thread had seen
/// t = 10) and was charged to window 1 first; window 1 ends at exactly
/// what was committed.
#[test]
fn capacity_window_roll_over_is_exact() {
    model(|| {
        let c = capacity(CapacityLimits { window_len: 10, window_budget: 10, block_budget: UNLIMITED }, 2);
        let t = thread::spawn(move || match c.reserve(0, 8, 9, 0, false) {
            Ok(r) => {
                c.release(r.reservation).unwrap();
                true
            }
            // Only if window 1 had begun and the main thread's 8 was in it.
            Err(Error::CapacityExhausted) => false,
            Err(e) => panic!("reserve: {e}"),
        });
        let committed = match c.reserve(0, 8, 10, 0, false) {
            Ok(r) => {
                c.commit(r.reservation, 8).unwrap();
                8
            }
            Err(Error::CapacityExhausted) => 0,
            Err(e) => panic!("reserve: {e}"),
        };
        let t_reserved = t.join().unwrap();
        assert!(committed == 8 || t_reserved, "one of the two always gets the capacity");
        assert_eq!(c.window_used(0, 10), Ok(committed));
        assert_eq!(c.window_used(0, 20), Ok(0));
    });
}

/// A reservation handle raced: its owner releases it while another thread
/// commits it. Exactly one wins; the loser gets UnknownReservation; usage
/// matches the winner.
#[test]
fn capacity_one_commit_per_reservation() {
    model(|| {
        let c = capacity(CapacityLimits { window_len: 10, window_budget: 10, block_budget: 10 }, 1);
        let r = c.reserve(0, 6, 0, 0, false).unwrap().reservation;
        let raw = r.to_raw();
        let t = thread::spawn(move || c.commit(Reservation::from_raw(raw), 4));
        let mine = c.release(r);
        let theirs = t.join().unwrap();
        match (mine, theirs) {
            (Ok(()), Err(Error::UnknownReservation)) => assert_eq!(c.block_used(0, 0), Ok(0)),
            (Err(Error::UnknownReservation), Ok(())) => assert_eq!(c.block_used(0, 0), Ok(4)),
            other => panic!("both or neither won: {other:?}"),
        }
        // The entry is free again and a stale handle stays dead.
        assert_eq!(c.release(r), Err(Error::UnknownReservation));
        assert!(c.reserve(0, 1, 0, 0, false).is_ok());
    });
}

// ------------------------------------------------------------------ fund

/// Two debits of 60 from 100 with floor 0: exactly one is taken, whole.
#[test]
fn fund_debits_never_cross_the_floor() {
    model(|| {
        let f = SharedInsuranceFund::init(leak(SharedInsuranceFund::words()), Quote(100), Quote(0)).unwrap();
        let t = thread::spawn(move || f.debit(Quote(60)));
        let mine = f.debit(Quote(60));
        let theirs = t.join().unwrap();
        let taken = [mine, theirs].iter().filter(|r| r.is_ok()).count();
        assert_eq!(taken, 1);
        assert!([mine, theirs].contains(&Err(Error::InsuranceFundBelowFloor)));
        assert_eq!(f.balance(), Ok(Quote(40)));
        let l = f.ledger().unwrap();
        assert!(l.is_balanced());
        assert_eq!(l.debits, 60);
    });
}

/// Credits, whole debits and partial debits from three threads: the
/// balance never goes below the floor (checked by each thread right after
/// its operation), and the ledger is exact once they are done.
#[test]
fn fund_ledger_is_exact_at_quiescence() {
    model(|| {
        let f = SharedInsuranceFund::init(leak(SharedInsuranceFund::words()), Quote(100), Quote(20)).unwrap();
        let creditor = thread::spawn(move || {
            f.credit(Quote(50)).unwrap();
        });
        let partial = thread::spawn(move || {
            let d = f.debit_up_to(Quote(120)).unwrap();
            assert!(d.balance.0 >= 20);
            assert!(f.balance().unwrap().0 >= 20);
            d.debited.0
        });
        let whole = match f.debit(Quote(70)) {
            Ok(b) => {
                assert!(b.0 >= 20);
                70
            }
            Err(Error::InsuranceFundBelowFloor) => 0,
            Err(e) => panic!("debit: {e}"),
        };
        creditor.join().unwrap();
        let part = partial.join().unwrap();
        let l = f.ledger().unwrap();
        assert!(l.is_balanced());
        assert_eq!(l.credits, 50);
        assert_eq!(l.debits, (whole + part) as u128);
        assert_eq!(l.balance.0, 150 - whole - part);
        assert!(l.balance.0 >= 20);
    });
}

/// The facade really is loom's here (a sanity check that this file tests
/// the model, not real atomics).
#[test]
fn facade_is_loom() {
    model(|| {
        let a: AtomicU64 = loom::sync::atomic::AtomicU64::new(1);
        assert_eq!(a.load(Ordering::Relaxed), 1);
    });
}
