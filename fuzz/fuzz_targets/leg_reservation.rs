//! `LegReservation`: any record (consistent or not), any commits, then a
//! release, against any block and window state: no crash; a refused call
//! leaves the record and the states as they were; an accepted one keeps
//! `committed ≤ reserved`, and after a release `reserved = committed +
//! released` with the counters lowered by at most the released amount,
//! never below zero when they started at or above it. The C entry points
//! (`partliq_leg_reservation_commit`, `partliq_leg_reservation_release`)
//! give the same statuses and figures on the same input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{AccountLiquidationState, LegReservation, MarketCapacityState, Quote};
use partliq_ffi::*;

/// The ABI record of a core one, field for field.
fn abi(r: &LegReservation) -> partliq_leg_reservation {
    partliq_leg_reservation {
        block: r.block,
        window_start: r.window_start,
        position_index: r.position_index,
        market_index: r.market_index,
        units: r.units,
        filled_units: r.filled_units,
        released_units: r.released_units,
        block_reserved: r.block_reserved.0,
        window_reserved: r.window_reserved.0,
        block_committed: r.block_committed.0,
        window_committed: r.window_committed.0,
        block_released: r.block_released.0,
        window_released: r.window_released.0,
    }
}

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
    let mut c_rec = abi(&r);
    for c in input.commits.iter().take(8) {
        let before = r;
        // SAFETY: a valid, exclusive record.
        let status = unsafe { partliq_leg_reservation_commit(&mut c_rec, *c) };
        let core = r.commit(*c);
        assert_eq!(status == 0, core.is_ok());
        if let Err(e) = core {
            assert_eq!(status, e as u32);
        }
        assert_eq!(c_rec, abi(&r));
        match core {
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
    let mut c_st = partliq_account_liquidation_state::from(&st);
    let mut c_ms: Vec<partliq_market_capacity_state> =
        ms.iter().map(|m| partliq_market_capacity_state { window_start: m.window_start, used: m.used.0 }).collect();
    let c_ptr = if c_ms.is_empty() { core::ptr::null_mut() } else { c_ms.as_mut_ptr() };
    // SAFETY: valid, exclusive pointers with their lengths.
    let status = unsafe { partliq_leg_reservation_release(&mut c_rec, &mut c_st, c_ptr, c_ms.len()) };
    let core = r.release(&mut st, &mut ms);
    assert_eq!(status == 0, core.is_ok());
    assert_eq!(c_rec, abi(&r));
    assert_eq!((c_st.block, c_st.block_notional), (st.block, st.block_notional.0));
    for (a, b) in c_ms.iter().zip(&ms) {
        assert_eq!((a.window_start, a.used), (b.window_start, b.used.0));
    }
    match core {
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
