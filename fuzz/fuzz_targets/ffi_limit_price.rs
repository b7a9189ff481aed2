//! `partliq_limit_price`: no crash; output untouched on error; the core's
//! price; and (valid markets) on the tick grid, at least one tick, on the
//! account's side of the mark (a long sells at or below it, a short buys at
//! or above it, up to the one-tick minimum).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::Ppm;
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    band: PpmArg,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let band = inp.band.get();
    let mut out = OutSlot::<i64>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_limit_price(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            j as u32,
            band,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("limit_price");
        return;
    }
    let v = args.view();
    let core = partliq::limit_price(&v.pool(), &v.markets, &v.prices, j, Ppm(band));
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("limit_price");
        return;
    }
    let p = out.read(0);
    out.assert_untouched_from(1, "limit_price");
    assert_eq!(p, core.unwrap().0);
    if !v.markets_valid() {
        return;
    }
    let pos = v.positions[j];
    let m = v.markets[pos.market_index as usize];
    let mark = v.prices[pos.market_index as usize].0;
    let tick = m.tick.0;
    assert!(p >= tick && p % tick == 0, "limit price {p} off the tick {tick}");
    if pos.size.0 > 0 {
        assert!(p <= mark.max(tick), "a long's limit {p} above the mark {mark}");
    } else {
        assert!(p >= mark, "a short's limit {p} below the mark {mark}");
    }
});
