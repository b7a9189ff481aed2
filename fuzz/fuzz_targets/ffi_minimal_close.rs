//! `partliq_minimal_close`: no crash; output untouched on every error; on
//! success the core's sizing, and (valid markets) the sizing's promises
//! checked independently: `health_after` equals the health recomputed with
//! the close applied, `Restored` reaches the target and one lot step less
//! does not (minimality), `Infeasible` falls short (the whole close too),
//! sizes on the lot grid and on the closing side; `exhaustive` is always 1.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{CloseRequest, Price};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    target: TargetIn,
    reserved: u8,
    exec: PriceIn,
    request_ptr: OutPtr,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let request = partliq_close_request {
        position_index: j as u32,
        target: inp.target.to_abi(),
        reserved: u32::from(inp.reserved == 255),
        execution_price: inp.exec.get(&data, j),
    };
    let req = InStruct::new(request, inp.request_ptr);
    let mut out = OutSlot::<partliq_close_sizing>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_minimal_close(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            req.ptr(),
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || req.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("minimal_close");
        return;
    }
    let v = args.view();
    let expected_pre = if request.reserved != 0 {
        Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
    } else {
        match core_target(request.target) {
            Err(s) => Some(s),
            Ok(_) if v.boundary.is_some() => v.boundary,
            Ok(_) => None,
        }
    };
    if let Some(s) = expected_pre {
        assert_eq!(st, s);
        out.assert_untouched("minimal_close");
        return;
    }
    let target = core_target(request.target).unwrap();
    let creq = CloseRequest { position_index: j, execution_price: Price(request.execution_price), target };
    let core = partliq::minimal_close(&v.pool(), &v.markets, &v.prices, &creq);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("minimal_close");
        return;
    }
    let c = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "minimal_close");
    assert_eq!(o.status, c.status as u32);
    assert_eq!(
        (o.size_delta, o.execution_price, o.expected_cash, o.expected_fee),
        (c.size_delta.0, c.execution_price.0, c.expected_cash.0, c.expected_fee.0)
    );
    assert_eq!(o.health_after, partliq_health::from(&c.health_after));
    assert_eq!((o.required_equity_after, o.shortfall), (c.required_equity_after.0, c.shortfall.0));
    assert_eq!((o.dust_closed, o.exhaustive, o.reserved), (u8::from(c.dust_closed), 1, [0; 2]));
    if v.markets_valid() {
        check_close_sizing(&v, j, request.execution_price, target, &c);
    }
});
