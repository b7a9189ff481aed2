//! `partliq_estimated_liquidation_price`: no crash; output untouched on
//! error; the core's answer (kind and price; price 0 unless `At`, and > 0
//! when `At`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::ffi::*;
use partliq::LiquidationPrice;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let mut out = OutSlot::<partliq_liquidation_price>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_estimated_liquidation_price(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            j as u32,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("estimated_liquidation_price");
        return;
    }
    let v = args.view();
    let core = partliq::estimated_liquidation_price(&v.pool(), &v.markets, &v.prices, j);
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("estimated_liquidation_price");
        return;
    }
    let o = out.read(0);
    out.assert_untouched_from(1, "estimated_liquidation_price");
    assert_eq!(o.reserved, 0);
    match core.unwrap() {
        LiquidationPrice::Never => assert_eq!((o.kind, o.price), (0, 0)),
        LiquidationPrice::Always => assert_eq!((o.kind, o.price), (1, 0)),
        LiquidationPrice::At(p) => {
            assert_eq!((o.kind, o.price), (2, p.0));
            assert!(p.0 > 0, "At({}) not a positive price", p.0);
        }
    }
});
