//! `partliq_bankruptcy_price`: no crash; output untouched on error; the
//! core's figures; and (valid markets) the price is the bankruptcy point of
//! settlement: a fill of the same size at the bankruptcy price leaves no bad
//! debt, one price unit worse does (the price is rounded against the
//! account, and no further).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{Fill, Price, Size};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    delta: DeltaIn,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let delta = inp.delta.get(&data, j);
    let mut out = OutSlot::<partliq_bankruptcy>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_bankruptcy_price(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            j as u32,
            delta,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("bankruptcy_price");
        return;
    }
    let v = args.view();
    let core = partliq::bankruptcy_price(&v.pool(), &v.markets, &v.prices, j, Size(delta));
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("bankruptcy_price");
        return;
    }
    let b = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "bankruptcy_price");
    assert_eq!((o.quote, o.price), (b.quote.0, b.price.0));
    if !v.markets_valid() {
        return;
    }
    let settle = |price: i64| {
        partliq::settle_fill(&v.pool(), &v.markets, &v.prices, &Fill { position_index: j, size_delta: Size(delta), price: Price(price) })
    };
    if b.price.0 > 0 {
        if let Ok(s) = settle(b.price.0) {
            assert_eq!(s.bankruptcy_quote, b.quote);
            assert_eq!(s.bad_debt.0, 0, "a fill at the bankruptcy price leaves bad debt");
        }
    }
    // One unit worse for the account: a long sells lower, a short buys higher.
    let worse = if delta < 0 { b.price.0.checked_sub(1) } else { b.price.0.checked_add(1) };
    if let Some(w) = worse.filter(|w| *w > 0) {
        if let Ok(s) = settle(w) {
            assert!(s.bad_debt.0 > 0, "one unit past the bankruptcy price leaves no bad debt: {s:?}");
        }
    }
});
