//! Shared-memory edge tables: `partliq::shared`'s parameters, capacity and
//! insurance fund over caller memory (sizes, initialisation, attachment,
//! reservation handles, release, window usage, partial debits, floors,
//! raw-memory checks, payload words).

use core::sync::atomic::AtomicU64;
use partliq::shared::capacity::MAX_AMOUNT;
use partliq::shared::params::MAX_SLOTS;
use partliq::shared::{
    check_raw_memory, Capacity, CapacityLimits, Debit, Params, Payload, Reservation, SharedInsuranceFund, WordReader, WordWriter, UNLIMITED,
};
use partliq::{Error, Quote, Result};

use crate::support::{check, zeroed};

// ---------------------------------------------------------------------------
// Shared memory.

#[test]
fn shared_fund_edges() {
    let w = SharedInsuranceFund::words();
    assert_eq!(SharedInsuranceFund::size_of(), w * 8);
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(SharedInsuranceFund::init(&mut empty, Quote(0), Quote(0)).err(), Some(Error::SharedMemoryTooSmall));
    let mut short = zeroed(w - 1);
    assert_eq!(SharedInsuranceFund::init(&mut short, Quote(0), Quote(0)).err(), Some(Error::SharedMemoryTooSmall));
    // Zeroed memory of the right size was never initialized.
    let mut mem = zeroed(w);
    assert_eq!(SharedInsuranceFund::attach(&mem).err(), Some(Error::SharedMemoryNotInitialized));
    assert_eq!(SharedInsuranceFund::attach(&mem[..w - 1]).err(), Some(Error::SharedMemoryTooSmall));
    {
        let f = SharedInsuranceFund::init(&mut mem, Quote(i64::MAX), Quote(0)).unwrap();
        // Credit 0: balance unchanged; credit 1 past i64::MAX: Overflow, nothing credited.
        assert_eq!(f.credit(Quote(0)), Ok(Quote(i64::MAX)));
        assert_eq!(f.credit(Quote(1)), Err(Error::Overflow));
        assert_eq!(f.balance(), Ok(Quote(i64::MAX)));
        assert_eq!(f.credit(Quote(-1)), Err(Error::OutOfRange));
        assert_eq!(f.debit(Quote(-1)), Err(Error::OutOfRange));
        // Room above floor 0 is i64::MAX: a debit of all of it leaves 0.
        assert_eq!(f.debit(Quote(i64::MAX)), Ok(Quote(0)));
        // Nothing left: a debit of 1 is refused, a debit of 0 succeeds.
        assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.debit(Quote(0)), Ok(Quote(0)));
        let l = f.ledger().unwrap();
        assert!(l.is_balanced());
    }
    let f = SharedInsuranceFund::attach(&mem).unwrap();
    assert_eq!(f.balance(), Ok(Quote(0)));
    // Initial below the floor is allowed; a zero debit still succeeds.
    let mut mem2 = zeroed(w);
    let f = SharedInsuranceFund::init(&mut mem2, Quote(0), Quote(i64::MAX)).unwrap();
    assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(f.debit(Quote(0)), Ok(Quote(0)));
}

#[test]
fn shared_params_edges() {
    let w2 = Params::<u64>::words(2).unwrap();
    let wmax = Params::<u64>::words(MAX_SLOTS).unwrap();
    let mut mem = zeroed(wmax);
    // Slot counts below 2 or above MAX_SLOTS.
    for slots in [0, 1, MAX_SLOTS + 1, usize::MAX] {
        assert_eq!(Params::<u64>::init(&mut mem, slots, &7).err(), Some(Error::InvalidSlotCount), "slots {slots}");
    }
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(Params::<u64>::init(&mut empty, 2, &7).err(), Some(Error::SharedMemoryTooSmall));
    let mut short = zeroed(w2 - 1);
    assert_eq!(Params::<u64>::init(&mut short, 2, &7).err(), Some(Error::SharedMemoryTooSmall));
    // words overflows at usize::MAX slots.
    assert_eq!(Params::<u64>::words(usize::MAX), None);
    // Exact size, 2 and MAX_SLOTS slots: version 1 holds the initial value.
    let mut m2 = zeroed(w2);
    let p = Params::<i64>::init(&mut m2, 2, &i64::MIN).unwrap();
    assert_eq!((p.slots(), p.version()), (2, Ok(1)));
    assert_eq!(p.read().unwrap().value, i64::MIN);
    let p = Params::<u64>::init(&mut mem, MAX_SLOTS, &u64::MAX).unwrap();
    assert_eq!(p.slots(), MAX_SLOTS);
    assert_eq!(p.read().unwrap().value, u64::MAX);
    // Publishing bumps the version to 2.
    assert_eq!(p.publish(&0), Ok(2));
    let zero = zeroed(w2);
    assert_eq!(Params::<u64>::attach(&zero).err(), Some(Error::SharedMemoryNotInitialized));
}

#[test]
fn shared_capacity_edges() {
    let lim = |b: u64| CapacityLimits { window_len: 0, window_budget: UNLIMITED, block_budget: b };
    let w = Capacity::words(1, 1).unwrap();
    let mut mem = zeroed(w);
    // No market, no entry.
    assert_eq!(Capacity::init(&mut mem, &[], 1).err(), Some(Error::InvalidSlotCount));
    assert_eq!(Capacity::init(&mut mem, &[CapacityLimits::UNLIMITED], 0).err(), Some(Error::InvalidSlotCount));
    // Budget 2^48 is neither ≤ MAX_AMOUNT nor UNLIMITED; 2^48 − 1 is fine.
    assert_eq!(MAX_AMOUNT, (1u64 << 48) - 1);
    assert_eq!(Capacity::init(&mut mem, &[lim(MAX_AMOUNT + 1)], 1).err(), Some(Error::OutOfRange));
    // A window budget without a window length.
    let no_len = CapacityLimits { window_len: 0, window_budget: 1, block_budget: UNLIMITED };
    assert_eq!(Capacity::init(&mut mem, &[no_len], 1).err(), Some(Error::ZeroWindow));
    let mut short = zeroed(w - 1);
    assert_eq!(Capacity::init(&mut short, &[lim(1)], 1).err(), Some(Error::SharedMemoryTooSmall));
    let mut empty: [AtomicU64; 0] = [];
    assert_eq!(Capacity::init(&mut empty, &[lim(1)], 1).err(), Some(Error::SharedMemoryTooSmall));
    assert_eq!(Capacity::attach(&zeroed(w)).err(), Some(Error::SharedMemoryNotInitialized));
    assert_eq!(Capacity::words(usize::MAX, 1), None);

    let c = Capacity::init(&mut mem, &[lim(MAX_AMOUNT)], 1).unwrap();
    assert_eq!((c.markets(), c.entries()), (1, 1));
    // Amounts 0 and 2^48 are out of range; unknown market 1.
    assert_eq!(c.reserve(0, 0, 0, 0, false).err(), Some(Error::OutOfRange));
    assert_eq!(c.reserve(0, MAX_AMOUNT + 1, 0, 0, false).err(), Some(Error::OutOfRange));
    assert_eq!(c.reserve(1, 1, 0, 0, false).err(), Some(Error::UnknownMarket));
    assert_eq!(c.available(0, 0, 0), Ok(MAX_AMOUNT));
    // The whole 2^48 − 1 budget in one reservation; the one entry is then in use.
    let r = c.reserve(0, MAX_AMOUNT, 0, 0, false).unwrap();
    assert_eq!(r.amount, MAX_AMOUNT);
    assert_eq!(c.available(0, 0, 0), Ok(0));
    // The only entry is live: the table is full.
    assert_eq!(c.reserve(0, 1, 0, 0, true).err(), Some(Error::ReservationTableFull));
    c.commit(r.reservation, MAX_AMOUNT).unwrap();
    assert_eq!(c.block_used(0, 0), Ok(MAX_AMOUNT));
    // Entry free again, budget spent: even a partial reservation gets nothing.
    assert_eq!(c.reserve(0, 1, 0, 0, true).err(), Some(Error::CapacityExhausted));
    // The next block has the whole budget again.
    assert_eq!(c.available(0, 0, 1), Ok(MAX_AMOUNT));
    // Committing the same handle twice is refused.
    assert!(c.commit(r.reservation, 0).is_err());
}

// ---------------------------------------------------------------------------
// The remaining shared-memory entry points (reservation handles, release,
// window usage, partial debits, floors, raw-memory checks, payload words).

#[test]
fn reservation_release_and_window_edges() {
    // Any raw value round-trips; validity is checked on use.
    check::<u64>(&[("raw 0", Reservation::from_raw(0).to_raw(), 0), ("raw u64::MAX", Reservation::from_raw(u64::MAX).to_raw(), u64::MAX)]);
    // Market 0: window of 10 time units with budget 100; market 1: no window.
    let limits = [CapacityLimits { window_len: 10, window_budget: 100, block_budget: UNLIMITED }, CapacityLimits::UNLIMITED];
    let mut mem = zeroed(Capacity::words(2, 2).unwrap());
    let c = Capacity::init(&mut mem, &limits, 2).unwrap();
    // Nothing was reserved: handles 0 (entry 0, generation 0, free) and
    // u64::MAX (entry 2^32 − 1 of 2) name no live reservation.
    check::<Result<()>>(&[
        ("release raw 0", c.release(Reservation::from_raw(0)), Err(Error::UnknownReservation)),
        ("release raw u64::MAX", c.release(Reservation::from_raw(u64::MAX)), Err(Error::UnknownReservation)),
    ]);
    let r = c.reserve(0, 30, 0, 0, false).unwrap();
    // Window epoch ⌊now / 10⌋: 0 for now 0 and 9, 1 for now 10.
    check::<Result<u64>>(&[
        ("window used at 0", c.window_used(0, 0), Ok(30)),
        ("window used at 9", c.window_used(0, 9), Ok(30)),
        ("window used at 10 (next window)", c.window_used(0, 10), Ok(0)),
        ("window used at u64::MAX", c.window_used(0, u64::MAX), Ok(0)),
        ("window not enforced", c.window_used(1, 0), Ok(0)),
        ("market 2 of 2", c.window_used(2, 0), Err(Error::UnknownMarket)),
        ("market usize::MAX", c.window_used(usize::MAX, 0), Err(Error::UnknownMarket)),
        ("available after reserving 30", c.available(0, 0, 0), Ok(70)),
    ]);
    // The handle survives the raw round trip; release gives all 30 back,
    // and the handle is spent.
    let raw = Reservation::from_raw(r.reservation.to_raw());
    assert_eq!(c.release(raw), Ok(()));
    assert_eq!((c.window_used(0, 0), c.available(0, 0, 0)), (Ok(0), Ok(100)));
    assert_eq!(c.release(raw), Err(Error::UnknownReservation));
    // The entry's next generation: the old handle still names nothing live.
    let r2 = c.reserve(0, 100, 0, 0, false).unwrap();
    assert_ne!(r2.reservation, raw);
    assert_eq!(c.release(raw), Err(Error::UnknownReservation));
    assert_eq!(c.window_used(0, 0), Ok(100));
    assert_eq!(c.release(r2.reservation), Ok(()));
}

#[test]
fn fund_partial_debit_and_floor_edges() {
    let d = |debited: i64, balance: i64| Ok(Debit { debited: Quote(debited), balance: Quote(balance) });
    let mut mem = zeroed(SharedInsuranceFund::words());
    let f = SharedInsuranceFund::init(&mut mem, Quote(100), Quote(40)).unwrap();
    // Room above the floor 100 − 40 = 60: a debit up to 100 takes 60.
    check::<Result<Debit>>(&[
        ("negative", f.debit_up_to(Quote(-1)), Err(Error::OutOfRange)),
        ("i64::MIN", f.debit_up_to(Quote(i64::MIN)), Err(Error::OutOfRange)),
        ("zero", f.debit_up_to(Quote(0)), d(0, 100)),
        ("100 of room 60", f.debit_up_to(Quote(100)), d(60, 40)),
        ("at the floor", f.debit_up_to(Quote(1)), d(0, 40)),
    ]);
    // Raising the floor above the balance: nothing more can go, even
    // partially; a zero whole debit still succeeds.
    assert_eq!(f.set_floor(Quote(i64::MAX)), Ok(()));
    assert_eq!(f.floor(), Ok(Quote(i64::MAX)));
    check::<Result<Debit>>(&[("floor above balance", f.debit_up_to(Quote(i64::MAX)), d(0, 40))]);
    assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(f.debit(Quote(0)), Ok(Quote(40)));
    // Floor i64::MIN: room 40 − (−2^63) = 2^63 + 40 > i64::MAX, so the
    // whole i64::MAX goes: 40 − (2^63 − 1) = −2^63 + 41.
    assert_eq!(f.set_floor(Quote(i64::MIN)), Ok(()));
    check::<Result<Debit>>(&[("floor i64::MIN", f.debit_up_to(Quote(i64::MAX)), d(i64::MAX, i64::MIN + 41))]);
    // Room now 41: asking i64::MAX takes 41 and reaches i64::MIN exactly.
    check::<Result<Debit>>(&[("down to i64::MIN", f.debit_up_to(Quote(i64::MAX)), d(41, i64::MIN))]);
    let l = f.ledger().unwrap();
    // initial 100 + credits 0 − debits (60 + (2^63 − 1) + 41) = −2^63.
    assert_eq!((l.debits, l.balance), (60 + i64::MAX as u128 + 41, Quote(i64::MIN)));
    assert!(l.is_balanced());
}

#[test]
fn raw_memory_edges() {
    check::<Result<()>>(&[
        ("nothing at 0", check_raw_memory(0, 0, 0), Ok(())),
        ("one word exactly", check_raw_memory(8, 8, 1), Ok(())),
        // 15 bytes hold ⌊15 / 8⌋ = 1 word.
        ("two words in 15 bytes", check_raw_memory(8, 15, 2), Err(Error::SharedMemoryTooSmall)),
        ("7 bytes", check_raw_memory(8, 7, 1), Err(Error::SharedMemoryTooSmall)),
        ("address 1", check_raw_memory(1, 64, 1), Err(Error::SharedMemoryMisaligned)),
        ("address 4", check_raw_memory(4, 64, 1), Err(Error::SharedMemoryMisaligned)),
        // Alignment is checked first.
        ("address usize::MAX, nothing", check_raw_memory(usize::MAX, 0, 1), Err(Error::SharedMemoryMisaligned)),
        ("usize::MAX bytes", check_raw_memory(8, usize::MAX, usize::MAX / 8), Ok(())),
        ("usize::MAX words", check_raw_memory(8, usize::MAX, usize::MAX), Err(Error::SharedMemoryTooSmall)),
    ]);
}

/// Two words: a `u32` pair and an `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    lo: u32,
    hi: u32,
    signed: i64,
}

impl Payload for Packed {
    const WORDS: usize = 2;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put_u32_pair(self.lo, self.hi);
        out.put_i64(self.signed);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let (lo, hi) = input.get_u32_pair();
        Packed { lo, hi, signed: input.get_i64() }
    }
}

/// Reads the two words of `Packed` as raw `u64`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Raw([u64; 2]);

impl Payload for Raw {
    const WORDS: usize = 2;
    fn encode(&self, out: &mut WordWriter<'_>) {
        out.put(self.0[0]);
        out.put(self.0[1]);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        Raw([input.get(), input.get()])
    }
}

/// Declares one word, writes and reads three (a broken impl).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Long(u64);

impl Payload for Long {
    const WORDS: usize = 1;
    fn encode(&self, out: &mut WordWriter<'_>) {
        (0..3).for_each(|_| out.put(self.0));
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        let words = [input.get(), input.get(), input.get()];
        Long(words[0] | words[1] | words[2])
    }
}

#[test]
fn payload_word_edges() {
    let extremes = Packed { lo: u32::MAX, hi: 0, signed: i64::MIN };
    let mut mem = zeroed(Params::<Packed>::words(2).unwrap());
    let p = Params::<Packed>::init(&mut mem, 2, &extremes).unwrap();
    assert_eq!(p.read().unwrap().value, extremes);
    let other = Packed { lo: 0, hi: u32::MAX, signed: i64::MAX };
    assert_eq!(p.publish(&other), Ok(2));
    assert_eq!(p.read().unwrap().value, other);
    // put_u32_pair(a, b) puts `a` in the low half: (1, 2) is 1 + 2 × 2^32;
    // put_i64(−1) is all ones.
    let words = {
        let mut packed_mem = zeroed(Params::<Packed>::words(2).unwrap());
        Params::<Packed>::init(&mut packed_mem, 2, &Packed { lo: 1, hi: 2, signed: -1 }).unwrap();
        Params::<Raw>::attach(&packed_mem).unwrap().read().unwrap().value
    };
    check::<Raw>(&[("u32 pair and i64 words", words, Raw([1 + (2 << 32), u64::MAX]))]);
    // A payload writing past its declared words is refused at init.
    let mut long_mem = zeroed(Params::<Long>::words(2).unwrap());
    assert_eq!(Params::<Long>::init(&mut long_mem, 2, &Long(5)).err(), Some(Error::PayloadSizeMismatch));
    // The extremes of the built-in payloads round-trip.
    let mut m = zeroed(Params::<u32>::words(2).unwrap());
    let u = Params::<u32>::init(&mut m, 2, &u32::MAX).unwrap();
    assert_eq!(u.read().unwrap().value, u32::MAX);
    let mut m = zeroed(Params::<i32>::words(2).unwrap());
    let i = Params::<i32>::init(&mut m, 2, &i32::MIN).unwrap();
    assert_eq!(i.read().unwrap().value, i32::MIN);
    assert_eq!(i.publish(&i32::MAX), Ok(2));
    assert_eq!(i.read().unwrap().value, i32::MAX);
}
