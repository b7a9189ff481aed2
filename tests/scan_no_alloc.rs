//! The batch scan and the liquidation-price index never touch the heap: a
//! counting global allocator is armed around scanning, confirming, keying,
//! inserting, removing, sorting and querying.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]
#![allow(unsafe_code)]

use partliq::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ARMED.try_with(|a| {
            if a.get() {
                COUNT.with(|c| c.set(c.get() + 1));
            }
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> u64 {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    COUNT.with(|c| c.get())
}

#[test]
fn scan_and_index_allocate_nothing() {
    let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
    let m0 =
        Market::single_tier(-4, 1, 1, Ppm(100_000), Ppm(50_000)).with_tiers(&[t(0, 100_000, 50_000), t(50_000, 200_000, 100_000)]).unwrap();
    let markets = [m0, Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(1_000_000), Price(100)];
    let mut positions = Vec::new();
    let mut accounts = Vec::new();
    for i in 0..200i64 {
        let first = positions.len() as u32;
        positions.push(Position {
            market_index: 0,
            size: Size(if i % 2 == 0 { 10_000 } else { -10_000 }),
            quote_balance: Quote(if i % 2 == 0 { -950_000 } else { 1_050_000 } + i * 37 - 3_000),
        });
        if i % 3 == 0 {
            positions.push(Position { market_index: 1, size: Size(5), quote_balance: Quote(-450) });
        }
        accounts.push(ScanAccount { collateral: Quote(i * 11), first_position: first, position_count: positions.len() as u32 - first });
    }
    let mut out = vec![ScanHit::default(); 4];
    let mut table = vec![ScanMarket::EMPTY; 2];
    let mut longs = vec![IndexEntry::default(); 400];
    let mut shorts = vec![IndexEntry::default(); 400];
    let mut lo = vec![Price(0); 2];
    let mut hi = vec![Price(0); 2];
    let n = allocations_during(|| {
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
        assert!(r.count > 0);
        let s = Scanner::new(&mut table, &markets, &prices);
        let mut start = 0;
        loop {
            let r = s.scan(&accounts, &positions, start, &mut out);
            if r.end == ScanEnd::Complete {
                break;
            }
            start = r.next;
        }
        band_bounds(&prices, Ppm(10_000), &mut lo, &mut hi).unwrap();
        let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
        for a in 0..100u32 {
            ix.push_account_unsorted(a, &accounts, &positions, &markets, &lo, &hi).unwrap();
        }
        ix.sort();
        for a in 100..200u32 {
            ix.insert_account(a, &accounts, &positions, &markets, &lo, &hi).unwrap();
        }
        let (l, sh) = ix.candidates(Price(990_000));
        let _ = s.confirm(l, &accounts, &positions, 0, &mut out);
        let _ = s.confirm(sh, &accounts, &positions, 0, &mut out);
        let _ = ix.crossed(prices[0], Price(990_000));
        assert!(ix.remove_account(7) > 0);
    });
    assert_eq!(n, 0, "the scan or the index allocated");
}
