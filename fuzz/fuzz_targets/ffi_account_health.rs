//! `partliq_account_health`: no crash; output untouched on error (NULL,
//! misaligned, bad length, bad margin mode, reserved fields, core errors);
//! on success the core's account health; cross margin equals the pool's;
//! isolated margin's state is the worst `pool_health` state of its pools,
//! the collateral counted as a pool with no positions.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{Account, MarginMode, Pool, Quote};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    mode: u8,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let mode = u32::from(inp.mode % 3);
    let mut out = OutSlot::<partliq_health>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_account_health(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            mode,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("account_health");
        return;
    }
    let v = args.view();
    let core_mode = match mode {
        0 => MarginMode::Cross,
        1 => MarginMode::Isolated,
        _ => {
            assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM);
            out.assert_untouched("account_health");
            return;
        }
    };
    let account = Account { collateral: v.collateral, positions: &v.positions, mode: core_mode };
    let core = partliq::account_health(&account, &v.markets, &v.prices);
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("account_health");
        return;
    }
    let h = out.read(0);
    out.assert_untouched_from(1, "account_health");
    assert_eq!(h, partliq_health::from(&core.unwrap()));
    assert_eq!(i128::from(h.free_collateral), i128::from(h.equity) - i128::from(h.initial_requirement));
    if core_mode == MarginMode::Isolated {
        let mut worst = partliq::pool_health(&Pool::new(v.collateral, &[]), &v.markets, &v.prices).unwrap().state;
        for p in &v.positions {
            worst = worst.max(partliq::pool_health(&Pool::new(Quote(0), core::slice::from_ref(p)), &v.markets, &v.prices).unwrap().state);
        }
        assert_eq!(h.state, worst as u32, "isolated state is not the worst pool's");
    }
    if core_mode == MarginMode::Cross {
        let pool = partliq::pool_health(&v.pool(), &v.markets, &v.prices).unwrap();
        assert_eq!(h, partliq_health::from(&pool), "cross account differs from its pool");
        if v.markets_valid() {
            check_health(&h);
        }
    }
});
