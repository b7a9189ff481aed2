//! `LegReservation`: any record (consistent or not), any commits, then a
//! release, against any block and window state: no crash; a refused call
//! leaves the record and the states as they were; an accepted one keeps
//! `committed ≤ reserved`, and after a release `reserved = committed +
//! released` with the counters lowered by at most the released amount,
//! never below zero when they started at or above it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{AccountLiquidationState, LegReservation, MarketCapacityState, Quote};

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    record: (u64, u64, u32, u32, i64, i64, i64, [i64; 6]),
    commits: Vec<i64>,
    account: (u64, i64),
    market: (u64, i64),
    markets: u8,
}

fuzz_target!(|input: Input| {
    let (block, window_start, position_index, market_index, units, filled_units, released_units, q) = input.record;
    let mut r = LegReservation {
        block,
        window_start,
        position_index,
        market_index: market_index % 4,
        units,
        filled_units,
        released_units,
        block_reserved: Quote(q[0]),
        window_reserved: Quote(q[1]),
        block_committed: Quote(q[2]),
        window_committed: Quote(q[3]),
        block_released: Quote(q[4]),
        window_released: Quote(q[5]),
    };
    for c in input.commits.iter().take(8) {
        let before = r;
        match r.commit(*c) {
            Ok(()) => {
                assert!(r.block_committed.0 <= r.block_reserved.0 && r.window_committed.0 <= r.window_reserved.0);
                assert!(r.block_committed.0 >= before.block_committed.0 && r.filled_units == before.filled_units + c);
            }
            Err(_) => assert_eq!(r, before),
        }
    }
    let mut st = AccountLiquidationState { block: input.account.0, block_notional: Quote(input.account.1), ..Default::default() };
    let mut ms = vec![MarketCapacityState { window_start: input.market.0, used: Quote(input.market.1) }; usize::from(input.markets % 5)];
    let (st0, ms0, r0) = (st, ms.clone(), r);
    match r.release(&mut st, &mut ms) {
        Ok(()) => {
            assert_eq!(r.block_committed.0 + r.block_released.0, r.block_reserved.0);
            assert_eq!(r.window_committed.0 + r.window_released.0, r.window_reserved.0);
            assert_eq!(r.filled_units + r.released_units, r.units);
            assert!(!r.is_open());
            let lowered = st0.block_notional.0 - st.block_notional.0;
            assert!((0..=r.block_released.0).contains(&lowered));
            assert!(st0.block_notional.0 < 0 || st.block_notional.0 >= 0);
            for (a, b) in ms0.iter().zip(&ms) {
                let lowered = a.used.0 - b.used.0;
                assert!((0..=r.window_released.0).contains(&lowered) && (a.used.0 < 0 || b.used.0 >= 0));
            }
        }
        Err(_) => assert_eq!((st, ms, r), (st0, ms0, r0)),
    }
});
