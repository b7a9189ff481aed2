//! `partliq_run_unified_pipeline` over the C ABI: no crash on any values,
//! NULL or misaligned pointers or impossible lengths; every status the Rust
//! API's (`run_unified_pipeline` on copies of the states, after the
//! boundary's own checks in argument order); on any error the decision, the
//! legs buffer, the account state and the market states untouched byte for
//! byte; on success the decision, the legs (nothing written past
//! `leg_count`) and the updated states the Rust API's, and the decision
//! keeps its promises: cancelling the resting orders comes with no leg and
//! leaves the states as they were, and only for a pool with resting
//! orders; legs name distinct positions of the pool (by their index in the
//! account), on the closing side, within the position.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::run_unified_pipeline;
use partliq::{AccountLiquidationState, PlanLeg};
use partliq_ffi::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    data: UnifiedIn,
    shapes: UnifiedShapes,
    pool: u8,
    raw_pool: Option<u32>,
    policy: AbiPolicyIn,
    default_policy: bool,
    policy_ptr: OutPtr,
    has_partial: u8,
    in_liquidation: u8,
    state_block: u8,
    block_notional: I64,
    block_loss: I64,
    state_ptr: OutPtr,
    windows: Vec<(u8, I64)>,
    states_shape: ArrShape,
    now: u8,
    block: u8,
    legs_ptr: OutPtr,
    legs_len: LegsLen,
    out: OutPtr,
}

fn abi_state(s: &AccountLiquidationState) -> partliq_account_liquidation_state {
    partliq_account_liquidation_state {
        last_partial_time: s.last_partial_time,
        has_partial: u32::from(s.has_partial),
        in_liquidation: u32::from(s.in_liquidation),
        block: s.block,
        block_notional: s.block_notional.0,
        block_insurance_loss: s.block_insurance_loss.0,
        liquidation_start_time: s.liquidation_start_time,
        liquidation_started: u32::from(s.liquidation_started),
        reserved: 0,
    }
}

fuzz_target!(|inp: Input| {
    let data = inp.data.build(4, FUZZ_MAX_POSITIONS);
    let args = UnifiedArgs::new(&data, inp.shapes);
    let pool = inp.raw_pool.unwrap_or(u32::from(inp.pool % 4));
    let policy = if inp.default_policy {
        let mut p = partliq_policy::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_policy_default(&mut p) }, PARTLIQ_STATUS_OK);
        p
    } else {
        inp.policy.build()
    };
    let pol = InStruct::new(policy, inp.policy_ptr);
    let st0 = partliq_account_liquidation_state {
        last_partial_time: 0,
        has_partial: u32::from(inp.has_partial % 3),
        in_liquidation: u32::from(inp.in_liquidation % 3),
        block: u64::from(inp.state_block % 4),
        block_notional: inp.block_notional.get(),
        block_insurance_loss: inp.block_loss.get(),
        ..Default::default()
    };
    let mut state = InOut::new(st0, inp.state_ptr);
    let ms0 = market_states(&inp.windows);
    let mut ms = ms0.clone();
    let (ms_arg, ms_ptr) = states_arg(&mut ms, inp.states_shape);
    let ms_len = ms_arg.len;
    let n = data.positions.len();
    let (legs_len, room) = inp.legs_len.for_positions(n);
    let mut legs = OutSlot::<partliq_plan_leg>::array(inp.legs_ptr, room.max(1));
    let mut out = OutSlot::<partliq_decision>::new(inp.out);
    let (now, block) = (u64::from(inp.now), u64::from(inp.block % 4));
    let state_before = state.bytes();
    let (legs_ptr, state_ptr, out_ptr) = (legs.ptr(), state.ptr(), out.ptr());
    let a = &args;
    // SAFETY: every array is valid for its length unless the boundary must
    // reject it (NULL, misaligned, impossible length) before any access.
    let st = unsafe {
        unified_call!(partliq_run_unified_pipeline; a; pool, pol.ptr(), state_ptr, ms_ptr, ms_len, now, block, legs_ptr, legs_len, out_ptr)
    };
    assert_named(st);
    let untouched = |what: &str, ms: &[partliq_market_capacity_state], state: &InOut<partliq_account_liquidation_state>| {
        out.assert_untouched(what);
        legs.assert_untouched(what);
        assert_eq!(state.bytes(), state_before, "{what}: account state written on error");
        assert_eq!(ms, &ms0[..], "{what}: market states written on error");
    };
    let legs_rejected = legs_len > 0 && legs.rejected() || legs_len > max_len::<partliq_plan_leg>();
    if args.rejected() || pol.rejected() || state.rejected() || ms_arg.rejected || legs_rejected || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        untouched("unified pipeline", &ms, &state);
        return;
    }
    let v = args.view();
    let pre = match core_policy(&policy) {
        Err(s) => Some(s),
        Ok(_) if st0.has_partial > 1 || st0.in_liquidation > 1 => Some(PARTLIQ_STATUS_INVALID_ENUM),
        Ok(_) => v.boundary,
    };
    if let Some(s) = pre {
        assert_eq!(st, s);
        untouched("unified pipeline", &ms, &state);
        return;
    }
    let cp = core_policy(&policy).unwrap();
    let mut cst = core_account_state(&st0);
    let mut cms = core_market_states(&ms0[..ms_len]);
    let mut core_legs = vec![PlanLeg::default(); legs_len];
    let (book, account) = (v.book(), v.account());
    let core = run_unified_pipeline(&account, pool as usize, &book, &cp, &mut cst, &mut cms, now, block, &mut core_legs);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        untouched("unified pipeline", &ms, &state);
        return;
    }
    let d = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "decision");
    assert_eq!((o.action, o.reason), (d.action as u32, d.reason as u32));
    let k = d.plan.leg_count;
    assert_eq!(o.plan.leg_count as usize, k);
    assert_eq!(o.plan.health_before, partliq_health::from(&d.plan.health_before));
    assert_eq!(o.plan.health_after, partliq_health::from(&d.plan.health_after));
    assert_eq!((o.plan.required_equity_after, o.plan.shortfall), (d.plan.required_equity_after.0, d.plan.shortfall.0));
    assert_eq!(o.reserved, [0; 7]);
    assert_eq!(o.has_backstop == 1, d.backstop.is_some());
    let transfer = [partliq_action::Backstop as u32, partliq_action::Takeover as u32];
    assert_eq!(o.has_backstop == 1, transfer.contains(&o.action), "backstop figures without a backstop action: {d:?}");
    match d.backstop {
        Some(b) => {
            assert_eq!(
                (o.backstop.collateral, o.backstop.position_count, o.backstop.deficit),
                (b.collateral.0, b.position_count, b.deficit.0)
            );
            assert_eq!(o.backstop.health, partliq_health::from(&b.health));
        }
        None => assert_eq!(o.backstop, partliq_backstop::default()),
    }
    // The pool's members (their indexes in the account's positions).
    let p = account.pool(pool as usize).unwrap();
    let members: Vec<usize> = p.members().map(|(i, _)| i).collect();
    if o.action == partliq_action::CancelOrders as u32 {
        assert_eq!((o.reason, k), (partliq_reason::OpenOrders as u32, 0));
        assert!(members.iter().any(|&i| v.positions[i].has_open_orders()), "cancel without resting orders");
        assert_eq!(state.bytes(), state_before, "cancelling changes no rule state");
        assert_eq!(ms, ms0, "cancelling changes no market state");
    }
    if o.action != partliq_action::Liquidate as u32 {
        assert_eq!(k, 0, "legs without a liquidation");
    }
    legs.assert_untouched_from(k, "unified pipeline legs");
    let mut seen = vec![false; v.positions.len()];
    for (i, cl) in core_legs[..k].iter().enumerate() {
        let l = legs.read(i);
        assert_eq!(
            (l.position_index, l.reserved, l.size_delta, l.limit_price, l.expected_cash, l.expected_fee),
            (cl.position_index, 0, cl.size_delta.0, cl.limit_price.0, cl.expected_cash.0, cl.expected_fee.0)
        );
        let j = l.position_index as usize;
        assert!(members.contains(&j) && !seen[j], "leg on a position outside the pool or repeated");
        seen[j] = true;
        let q = v.positions[j];
        assert!(l.size_delta != 0 && l.size_delta.signum() == -q.size.0.signum(), "leg on the wrong side");
        assert!(l.size_delta.unsigned_abs() <= q.size.0.unsigned_abs(), "leg larger than the position");
    }
    if o.action != partliq_action::CancelOrders as u32 {
        assert_eq!(state.get(), abi_state(&cst), "account state differs from the Rust API's");
    }
    for (a, c) in ms[..ms_len].iter().zip(&cms) {
        assert_eq!((a.window_start, a.used), (c.window_start, c.used.0), "market state differs from the Rust API's");
    }
    assert_eq!(&ms[ms_len..], &ms0[ms_len..], "market state past the length written");
});
