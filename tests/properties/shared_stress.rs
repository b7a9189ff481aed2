//! Real-thread stress tests of `partliq::shared`: std threads hammering
//! each piece for a bounded number of iterations, checking the invariants
//! on every result and exactly at the end.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use partliq::shared::{Capacity, CapacityLimits, Params, Payload, SharedInsuranceFund, WordReader, WordWriter};
use partliq::{Error, Quote};

fn mem(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 16 words, each derived from the version: a torn copy shows at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wide([u64; 16]);

impl Wide {
    fn of(version: u64) -> Wide {
        let mut w = [0; 16];
        for (i, x) in w.iter_mut().enumerate() {
            *x = version.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(i as u32);
        }
        Wide(w)
    }
}

impl Payload for Wide {
    const WORDS: usize = 16;
    fn encode(&self, out: &mut WordWriter<'_>) {
        self.0.encode(out);
    }
    fn decode(input: &mut WordReader<'_>) -> Self {
        Wide(<[u64; 16]>::decode(input))
    }
}

fn params_stress(slots: usize, readers: usize, publishes: u64) {
    let mut m = mem(Params::<Wide>::words(slots).unwrap());
    let p = Params::init(&mut m, slots, &Wide::of(1)).unwrap();
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        let done = &done;
        for _ in 0..readers {
            s.spawn(move || {
                let mut last = 0;
                let mut reads = 0_u64;
                while !done.load(Ordering::Acquire) || reads < 100 {
                    let snap = p.read().unwrap();
                    assert_eq!(snap.value, Wide::of(snap.version), "torn set at version {}", snap.version);
                    assert!(snap.version >= last, "version went back");
                    last = snap.version;
                    reads += 1;
                }
                assert!(last >= 1);
            });
        }
        let mut busy = 0_u64;
        for v in 2..=publishes + 1 {
            loop {
                match p.publish(&Wide::of(v)) {
                    Ok(got) => {
                        assert_eq!(got, v);
                        break;
                    }
                    Err(Error::NoFreeSlot) => {
                        busy += 1;
                        std::hint::spin_loop();
                    }
                    Err(e) => panic!("publish: {e}"),
                }
            }
        }
        done.store(true, Ordering::Release);
        eprintln!("params: {slots} slots, {readers} readers: {publishes} publishes, {busy} NoFreeSlot retries");
    });
    assert_eq!(p.read().unwrap().version, publishes + 1);
}

#[test]
fn params_two_slots_three_readers() {
    params_stress(2, 3, 20_000);
}

#[test]
fn params_four_slots_three_readers() {
    params_stress(4, 3, 20_000);
}

/// Two publishers race: each version is issued once, versions are dense,
/// readers only ever see whole sets.
#[test]
fn params_two_publishers() {
    let mut m = mem(Params::<Wide>::words(3).unwrap());
    let p = Params::init(&mut m, 3, &Wide::of(1)).unwrap();
    let per_writer = 5_000;
    let done = AtomicBool::new(false);
    let issued: Vec<Vec<u64>> = thread::scope(|s| {
        let done = &done;
        let reader = s.spawn(move || {
            while !done.load(Ordering::Acquire) {
                let snap = p.read().unwrap();
                // A publisher writes Wide::of(its own counter), not of the
                // version; check the set is one of the values ever written.
                assert!(snap.value.0.iter().enumerate().all(|(i, x)| *x == snap.value.0[0].rotate_left(i as u32)));
            }
        });
        let writers: Vec<_> = (0..2_u64)
            .map(|w| {
                s.spawn(move || {
                    let mut versions = Vec::new();
                    let mut n = 0;
                    while versions.len() < per_writer {
                        n += 1;
                        match p.publish(&Wide::of(w * 1_000_000 + n)) {
                            Ok(v) => versions.push(v),
                            Err(Error::PublishInProgress | Error::NoFreeSlot) => std::hint::spin_loop(),
                            Err(e) => panic!("publish: {e}"),
                        }
                    }
                    versions
                })
            })
            .collect();
        let out = writers.into_iter().map(|h| h.join().unwrap()).collect();
        done.store(true, Ordering::Release);
        reader.join().unwrap();
        out
    });
    let mut all: Vec<u64> = issued.concat();
    all.sort_unstable();
    let expect: Vec<u64> = (2..=(2 * per_writer as u64 + 1)).collect();
    assert_eq!(all, expect, "every version issued exactly once");
}

/// Four liquidation threads on two markets, a shared clock and block
/// height moving on; random amounts, partial and whole reservations,
/// random fills, releases. Checked: usage never above a budget when a
/// thread looks; per window and per block, what was committed never
/// exceeds the budget; at the end the live window's and block's usage
/// equals what was committed to them.
#[test]
fn capacity_stress() {
    let limits = [
        CapacityLimits { window_len: 1_000, window_budget: 50_000, block_budget: 9_000 },
        CapacityLimits { window_len: 300, window_budget: 20_000, block_budget: 20_000 },
    ];
    let mut m = mem(Capacity::words(2, 16).unwrap());
    let c = Capacity::init(&mut m, &limits, 16).unwrap();
    let clock = AtomicU64::new(0);
    let per_thread = 20_000;
    type Tally = HashMap<(usize, u64), u64>;
    let tallies: Vec<(Tally, Tally)> = thread::scope(|s| {
        let clock = &clock;
        let handles: Vec<_> = (0..4_u64)
            .map(|t| {
                s.spawn(move || {
                    let mut rng = Rng(0x1234_5678 + t);
                    let mut by_window: Tally = HashMap::new();
                    let mut by_block: Tally = HashMap::new();
                    for _ in 0..per_thread {
                        // Thread 0 drives the clock; one block per 10 time units.
                        let now = if t == 0 { clock.fetch_add(1, Ordering::Relaxed) + 1 } else { clock.load(Ordering::Relaxed) };
                        let block = now / 10;
                        let market = rng.below(2) as usize;
                        let amount = 1 + rng.below(4_000);
                        let partial = rng.below(2) == 0;
                        match c.reserve(market, amount, now, block, partial) {
                            Ok(r) => {
                                assert!(r.amount >= 1 && r.amount <= amount);
                                assert!(partial || r.amount == amount);
                                assert!(c.window_used(market, now).unwrap() <= limits[market].window_budget);
                                assert!(c.block_used(market, block).unwrap() <= limits[market].block_budget);
                                let fill = match rng.below(3) {
                                    0 => 0,
                                    1 => r.amount,
                                    _ => rng.below(r.amount + 1),
                                };
                                assert_eq!(c.commit(r.reservation, r.amount + 1), Err(Error::CommitExceedsReservation));
                                c.commit(r.reservation, fill).unwrap();
                                assert_eq!(c.release(r.reservation), Err(Error::UnknownReservation));
                                *by_window.entry((market, r.window_epoch)).or_default() += fill;
                                *by_block.entry((market, r.block)).or_default() += fill;
                            }
                            Err(Error::CapacityExhausted | Error::ReservationTableFull) => {}
                            Err(e) => panic!("reserve: {e}"),
                        }
                    }
                    (by_window, by_block)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut windows: Tally = HashMap::new();
    let mut blocks: Tally = HashMap::new();
    for (w, b) in tallies {
        for (k, v) in w {
            *windows.entry(k).or_default() += v;
        }
        for (k, v) in b {
            *blocks.entry(k).or_default() += v;
        }
    }
    for (&(market, _), &v) in &windows {
        assert!(v <= limits[market].window_budget, "window over-spent");
    }
    for (&(market, _), &v) in &blocks {
        assert!(v <= limits[market].block_budget, "block over-spent");
    }
    let now = clock.load(Ordering::Relaxed);
    for (market, l) in limits.iter().enumerate() {
        let w = *windows.get(&(market, now / l.window_len)).unwrap_or(&0);
        assert_eq!(c.window_used(market, now), Ok(w), "market {market}: final window usage is what was committed");
        let b = *blocks.get(&(market, now / 10)).unwrap_or(&0);
        assert_eq!(c.block_used(market, now / 10), Ok(b), "market {market}: final block usage is what was committed");
    }
    assert!(windows.len() > 10, "the clock moved through several windows");
}

/// Four threads credit, debit whole and debit partially; an observer
/// checks the balance never goes below the floor; at the end the ledger is
/// exact and matches the threads' own tallies.
#[test]
fn fund_stress() {
    let mut m = mem(SharedInsuranceFund::words());
    let f = SharedInsuranceFund::init(&mut m, Quote(1_000_000), Quote(250_000)).unwrap();
    let done = AtomicBool::new(false);
    let per_thread = 50_000;
    let tallies: Vec<(i64, i64, u64)> = thread::scope(|s| {
        let done = &done;
        let observer = s.spawn(move || {
            while !done.load(Ordering::Acquire) {
                assert!(f.balance().unwrap().0 >= 250_000);
            }
        });
        let workers: Vec<_> = (0..4_u64)
            .map(|t| {
                s.spawn(move || {
                    let mut rng = Rng(0xfeed + t);
                    let (mut credited, mut debited, mut refused) = (0_i64, 0_i64, 0_u64);
                    for _ in 0..per_thread {
                        let amount = Quote(rng.below(40_000) as i64);
                        match rng.below(3) {
                            0 => {
                                f.credit(Quote(amount.0 / 2)).unwrap();
                                credited += amount.0 / 2;
                            }
                            1 => match f.debit(amount) {
                                Ok(b) => {
                                    assert!(b.0 >= 250_000);
                                    debited += amount.0;
                                }
                                Err(Error::InsuranceFundBelowFloor) => refused += 1,
                                Err(e) => panic!("debit: {e}"),
                            },
                            _ => {
                                let d = f.debit_up_to(amount).unwrap();
                                assert!(d.debited.0 <= amount.0 && d.balance.0 >= 250_000);
                                debited += d.debited.0;
                            }
                        }
                    }
                    (credited, debited, refused)
                })
            })
            .collect();
        let out = workers.into_iter().map(|h| h.join().unwrap()).collect();
        done.store(true, Ordering::Release);
        observer.join().unwrap();
        out
    });
    let credited: i64 = tallies.iter().map(|t| t.0).sum();
    let debited: i64 = tallies.iter().map(|t| t.1).sum();
    let refused: u64 = tallies.iter().map(|t| t.2).sum();
    let l = f.ledger().unwrap();
    assert!(l.is_balanced());
    assert_eq!(l.credits, credited as u128);
    assert_eq!(l.debits, debited as u128);
    assert_eq!(l.balance.0, 1_000_000 + credited - debited);
    assert!(l.balance.0 >= 250_000);
    assert!(refused > 0, "the floor was reached and whole debits refused");
}
