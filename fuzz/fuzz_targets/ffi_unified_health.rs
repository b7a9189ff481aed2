//! `partliq_unified_pool_health`, `partliq_unified_account_health`,
//! `partliq_unified_pool_count`, the validators of the unified structs
//! (`partliq_asset_validate`, `partliq_perp_risk_validate`,
//! `partliq_margin_ladder_validate`) and the constructors
//! (`partliq_margin_ladder_standard`,
//! `partliq_margin_ladder_binance_portfolio_margin`,
//! `partliq_policy_default`): no crash on any values, NULL or
//! misaligned pointers or impossible lengths; every status the Rust API's
//! (after the boundary's own checks, in argument order); the outputs,
//! pre-filled with a sentinel, untouched byte for byte on any error; on
//! success the figures the Rust API's, with their invariants (initial ≤
//! liquidation end ≤ maintenance health, state, margin ratio) when every
//! market, asset and risk extra validates.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::{unified_account_health, unified_pool_health};
use partliq_ffi::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
enum PoolArg {
    Cross,
    Isolated(u8),
    Raw(u32),
    /// `partliq_unified_account_health`.
    Account,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    data: UnifiedIn,
    shapes: UnifiedShapes,
    pool: PoolArg,
    ladder: LadderIn,
    ladder_ptr: OutPtr,
    out: OutPtr,
    count_shape: ArrShape,
    count_out: OutPtr,
    validate_ptr: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.data.build(4, FUZZ_MAX_POSITIONS);
    let args = UnifiedArgs::new(&data, inp.shapes);
    let ladder = inp.ladder.to_abi();
    let ladder_arg = InStruct::new(ladder, inp.ladder_ptr);
    let mut out = OutSlot::<partliq_unified_health>::new(inp.out);
    let pool = match inp.pool {
        PoolArg::Cross => Some(0),
        PoolArg::Isolated(k) => Some(u32::from(k % 4)),
        PoolArg::Raw(k) => Some(k),
        PoolArg::Account => None,
    };
    let a = &args;
    // SAFETY: every array is valid for its length unless the boundary must
    // reject it (NULL, misaligned, impossible length) before any read; the
    // ladder and the output are valid, NULL or misaligned.
    let st = unsafe {
        match pool {
            Some(k) => unified_call!(partliq_unified_pool_health; a; k, ladder_arg.ptr(), out.ptr()),
            None => unified_call!(partliq_unified_account_health; a; ladder_arg.ptr(), out.ptr()),
        }
    };
    assert_named(st);
    pool_count(&data, inp.count_shape, inp.count_out);
    validators(&data, &ladder, inp.validate_ptr);
    if args.rejected() || ladder_arg.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("unified health");
        return;
    }
    let v = args.view();
    let core_ladder = LadderIn::core(&ladder);
    let (book, account) = (v.book(), v.account());
    let core = match pool {
        Some(k) => account.pool(k as usize).and_then(|p| unified_pool_health(&p, &book, &core_ladder)),
        None => unified_account_health(&account, &book, &core_ladder),
    };
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected, "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("unified health");
        return;
    }
    let h = out.read(0);
    out.assert_untouched_from(1, "unified health");
    assert_eq!(h, partliq_unified_health::from(&core.unwrap()));
    if v.all_valid() {
        check_unified_health(&h, pool.is_some());
    }
});

/// `partliq_unified_pool_count` against the core's `pool_count`.
fn pool_count(data: &UnifiedData, shape: ArrShape, out_ptr: OutPtr) {
    let arg = ArrArg::new(&data.positions, shape);
    let mut out = OutSlot::<usize>::new(out_ptr);
    // SAFETY: valid for its length, or refused before any read.
    let st = unsafe { partliq_unified_pool_count(arg.ptr, arg.len, out.ptr()) };
    assert_named(st);
    if arg.rejected || out.rejected() {
        assert!(is_boundary_status(st));
        out.assert_untouched("pool count");
        return;
    }
    let ps = arg.effective(&data.positions);
    if ps.iter().any(|p| p.margin > 1) {
        assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM);
        out.assert_untouched("pool count");
        return;
    }
    assert_eq!(st, PARTLIQ_STATUS_OK);
    assert_eq!(out.read(0), 1 + ps.iter().filter(|p| p.margin == 1).count());
    out.assert_untouched_from(1, "pool count");
}

/// The validators against the core's `validate`; the ladders' and the
/// default policy's constructors against the core's constants.
fn validators(data: &UnifiedData, ladder: &partliq_margin_ladder, shape: OutPtr) {
    let mut out = OutSlot::<partliq_margin_ladder>::new(shape);
    for (ctor, want) in [
        (partliq_margin_ladder_standard as unsafe extern "C" fn(*mut partliq_margin_ladder) -> partliq_status, LadderIn::Standard),
        (partliq_margin_ladder_binance_portfolio_margin, LadderIn::BinancePortfolioMargin),
    ] {
        // SAFETY: valid, NULL or misaligned (refused before any write).
        let st = unsafe { ctor(out.ptr()) };
        if out.rejected() {
            assert!(is_boundary_status(st));
            out.assert_untouched("ladder constructor");
        } else {
            assert_eq!((st, out.read(0)), (PARTLIQ_STATUS_OK, want.to_abi()));
            out.assert_untouched_from(1, "ladder constructor");
        }
    }
    let mut policy = OutSlot::<partliq_policy>::new(shape);
    // SAFETY: as above.
    let st = unsafe { partliq_policy_default(policy.ptr()) };
    if policy.rejected() {
        assert!(is_boundary_status(st));
        policy.assert_untouched("policy_default");
    } else {
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(core_policy(&policy.read(0)), Ok(partliq::Policy::default()));
        policy.assert_untouched_from(1, "policy_default");
    }
    for a in &data.assets {
        let arg = InStruct::new(*a, shape);
        // SAFETY: valid, NULL or misaligned (refused before any read).
        let st = unsafe { partliq_asset_validate(arg.ptr()) };
        let want = if arg.rejected() {
            None
        } else if a.reserved != 0 {
            Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
        } else {
            Some(status_of(&core_asset(a).validate()))
        };
        match want {
            None => assert!(is_boundary_status(st)),
            Some(w) => assert_eq!(st, w),
        }
    }
    for r in &data.risk {
        let arg = InStruct::new(*r, shape);
        // SAFETY: as above.
        let st = unsafe { partliq_perp_risk_validate(arg.ptr()) };
        if arg.rejected() {
            assert!(is_boundary_status(st));
        } else {
            assert_eq!(st, status_of(&core_risk(r).validate()));
        }
    }
    let arg = InStruct::new(*ladder, shape);
    // SAFETY: as above.
    let st = unsafe { partliq_margin_ladder_validate(arg.ptr()) };
    if arg.rejected() {
        assert!(is_boundary_status(st));
    } else {
        assert_eq!(st, status_of(&LadderIn::core(ladder).validate()));
    }
}
