//! `partliq_market_validate`: no crash on NULL / misaligned pointers or any
//! field values; the status is the core's `Market::validate` (or
//! `RESERVED_NOT_ZERO`); a market it accepts prices a one-lot position
//! without a market error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{Pool, Position, Price, Quote, Size};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    market: MarketIn,
    ptr: OutPtr,
    price: I64,
}

fuzz_target!(|inp: Input| {
    let m = inp.market.to_abi();
    let arg = InStruct::new(m, inp.ptr);
    // SAFETY: valid, NULL or misaligned (rejected before any read).
    let st = unsafe { partliq_market_validate(arg.ptr()) };
    assert_named(st);
    if arg.rejected() {
        assert!(is_boundary_status(st));
        return;
    }
    let core = core_market(&m);
    let expected = fee_rounding_status(&m).unwrap_or_else(|| status_of(&core.validate()));
    assert_eq!(st, expected);
    if st == PARTLIQ_STATUS_OK {
        let price = Price(inp.price.get().unsigned_abs().clamp(1, i64::MAX as u64) as i64);
        let ps = [Position { market_index: 0, size: core.lot_step, quote_balance: Quote(0) }];
        match partliq::pool_health(&Pool::new(Quote(0), &ps), &[core], &[price]) {
            Ok(h) => {
                check_health(&partliq_health::from(&h));
            }
            Err(e) => assert_eq!(e, partliq::Error::Overflow, "valid market, one lot: {e:?}"),
        }
        let _ = Size(0);
    }
});
