//! `partliq_pool_health`: no crash; output untouched on error; on success
//! the core's health (for valid markets) (the boundary adds nothing but checks) with its own
//! invariants: free collateral = equity − initial, the state follows equity
//! and maintenance, the margin ratio is maintenance / equity rounded up.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let mut out = OutSlot::<partliq_health>::new(inp.out);
    // SAFETY: every pointer is valid for its length, NULL, misaligned (never
    // read) or paired with a length the boundary rejects.
    let st = unsafe {
        partliq_pool_health(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("pool_health");
        return;
    }
    let v = args.view();
    let core = partliq::pool_health(&v.pool(), &v.markets, &v.prices);
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("pool_health");
        return;
    }
    let h = out.read(0);
    out.assert_untouched_from(1, "pool_health");
    let c = core.unwrap();
    assert_eq!(h, partliq_health::from(&c));
    if v.markets_valid() {
        check_health(&h);
    }
});
