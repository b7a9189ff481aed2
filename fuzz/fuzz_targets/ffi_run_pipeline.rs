//! `partliq_run_pipeline` and `partliq_account_state_record_insurance_loss`
//! over the C ABI: no crash; status equal to the Rust API's
//! (`run_pipeline` on copies of the states, `record_insurance_loss`); on any
//! error the decision, the legs buffer, the account state and the market
//! states are untouched byte for byte; on success the decision, the legs
//! (nothing written past `leg_count`) and the updated states are the Rust
//! API's, and the decision keeps its promises (legs on distinct positions,
//! closing side, within the position; legs only for `Liquidate`; the
//! backstop figures exactly for `Backstop`; `TargetRestored` reaches the
//! target). The reserving pipeline on the same arguments decides the same
//! and records the Rust API's reservations.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{AccountLiquidationState, MarketCapacityState, PlanLeg, Quote};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    policy: AbiPolicyIn,
    policy_ptr: OutPtr,
    last_partial: u8,
    has_partial: u8,
    in_liquidation: u8,
    started: u8,
    start_time: u8,
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
    loss_block: u8,
    loss: I64,
    loss_ptr: OutPtr,
}

/// The ABI state of a core state; `flags`: the caller's flag words where
/// the call keeps them (booking an insurance loss), else 0 / 1.
fn abi_state(s: &AccountLiquidationState, flags: Option<(u32, u32, u32)>) -> partliq_account_liquidation_state {
    let (has_partial, in_liquidation, liquidation_started) =
        flags.unwrap_or((u32::from(s.has_partial), u32::from(s.in_liquidation), u32::from(s.liquidation_started)));
    partliq_account_liquidation_state {
        last_partial_time: s.last_partial_time,
        has_partial,
        in_liquidation,
        block: s.block,
        block_notional: s.block_notional.0,
        block_insurance_loss: s.block_insurance_loss.0,
        liquidation_start_time: s.liquidation_start_time,
        liquidation_started,
        reserved: 0,
    }
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let policy = inp.policy.build();
    let pol = InStruct::new(policy, inp.policy_ptr);
    let st0 = partliq_account_liquidation_state {
        last_partial_time: u64::from(inp.last_partial),
        has_partial: u32::from(inp.has_partial % 3),
        in_liquidation: u32::from(inp.in_liquidation % 3),
        block: u64::from(inp.state_block % 8),
        block_notional: inp.block_notional.get(),
        block_insurance_loss: inp.block_loss.get(),
        liquidation_start_time: u64::from(inp.start_time),
        liquidation_started: u32::from(inp.started % 3),
        reserved: 0,
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
    let (now, block) = (u64::from(inp.now), u64::from(inp.block % 8));
    let state_before = state.bytes();
    let (legs_ptr, state_ptr, out_ptr) = (legs.ptr(), state.ptr(), out.ptr());
    // SAFETY: every array is valid for its length unless the boundary must
    // reject it (NULL, misaligned, impossible length) before any access.
    let st = unsafe {
        partliq_run_pipeline(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            pol.ptr(),
            state_ptr,
            ms_ptr,
            ms_len,
            now,
            block,
            legs_ptr,
            legs_len,
            out_ptr,
        )
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
        untouched("pipeline", &ms, &state);
        record_loss(&inp);
        return;
    }
    let v = args.view();
    let pre = match core_policy(&policy) {
        Err(s) => Some(s),
        Ok(_) if st0.has_partial > 1 || st0.in_liquidation > 1 || st0.liquidation_started > 1 => Some(PARTLIQ_STATUS_INVALID_ENUM),
        Ok(_) if v.boundary.is_some() => v.boundary,
        Ok(_) => None,
    };
    if let Some(s) = pre {
        assert_eq!(st, s);
        untouched("pipeline", &ms, &state);
        record_loss(&inp);
        return;
    }
    let cp = core_policy(&policy).unwrap();
    let mut cst = core_account_state(&st0);
    let mut cms = core_market_states(&ms0[..ms_len]);
    let mut core_legs = vec![PlanLeg::default(); legs_len];
    let core = partliq::run_pipeline(&v.pool(), &v.markets, &v.prices, &cp, &mut cst, &mut cms, now, block, &mut core_legs);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        untouched("pipeline", &ms, &state);
        record_loss(&inp);
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
    // Backstop (2) and takeover (3, `PARTLIQ_ACTION_TAKEOVER`) carry the
    // transfer's figures in `backstop`.
    assert_eq!(o.has_backstop == 1, o.action == 2 || o.action == 3, "backstop figures without a backstop action: {d:?}");
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
    if o.action != 1 {
        assert_eq!(k, 0, "legs without a liquidation");
    }
    if o.reason == 2 {
        assert!(d.plan.health_after.equity >= d.plan.required_equity_after, "TargetRestored short of the target");
    }
    legs.assert_untouched_from(k, "pipeline legs");
    let mut seen = vec![false; v.positions.len()];
    for (i, cl) in core_legs[..k].iter().enumerate() {
        let l = legs.read(i);
        assert_eq!(
            (l.position_index, l.reserved, l.size_delta, l.limit_price, l.expected_cash, l.expected_fee),
            (cl.position_index, 0, cl.size_delta.0, cl.limit_price.0, cl.expected_cash.0, cl.expected_fee.0)
        );
        let j = l.position_index as usize;
        assert!(j < v.positions.len() && !seen[j], "leg on an unknown or repeated position");
        seen[j] = true;
        let p = v.positions[j];
        assert!(l.size_delta != 0 && l.size_delta.signum() == -p.size.0.signum(), "leg on the wrong side");
        assert!(l.size_delta.unsigned_abs() <= p.size.0.unsigned_abs(), "leg larger than the position");
    }
    assert_eq!(state.get(), abi_state(&cst, None), "account state differs from the Rust API's");
    for (a, c) in ms[..ms_len].iter().zip(&cms) {
        assert_eq!((a.window_start, a.used), (c.window_start, c.used.0), "market state differs from the Rust API's");
    }
    assert_eq!(&ms[ms_len..], &ms0[ms_len..], "market state past the length written");
    reserving(&args, &policy, st0, &ms0[..ms_len], now, block, legs_len, &o, &cst, &cms);
    record_loss(&inp);
});

/// `partliq_run_pipeline_reserving` on the same valid arguments, with blank
/// records: the same decision, legs and states as `partliq_run_pipeline`
/// (reserving changes the bookkeeping, never the decision), and records
/// byte for byte the Rust API's; one record per leg, nothing past them; a
/// second call with those records still open is `RESERVATION_TABLE_FULL`
/// with nothing written.
#[allow(clippy::too_many_arguments)]
fn reserving(
    args: &PoolArgs<'_>,
    policy: &partliq_policy,
    st0: partliq_account_liquidation_state,
    ms0: &[partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs_len: usize,
    plain: &partliq_decision,
    plain_state: &AccountLiquidationState,
    plain_ms: &[MarketCapacityState],
) {
    let mut state = st0;
    let mut ms = ms0.to_vec();
    let mut legs = vec![partliq_plan_leg::default(); legs_len.max(1)];
    let mut records = vec![partliq_leg_reservation::default(); legs_len.max(1)];
    let mut out = partliq_decision::default();
    let ms_ptr = if ms.is_empty() { core::ptr::null_mut() } else { ms.as_mut_ptr() };
    // SAFETY: every pointer is valid for its length (the arguments passed
    // the boundary in the plain call).
    let st = unsafe {
        partliq_run_pipeline_reserving(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            args.data.collateral,
            args.positions.ptr,
            args.positions.len,
            policy,
            &mut state,
            ms_ptr,
            ms.len(),
            now,
            block,
            legs.as_mut_ptr(),
            legs_len,
            records.as_mut_ptr(),
            legs_len,
            &mut out,
        )
    };
    assert_eq!(st, PARTLIQ_STATUS_OK, "the reserving pipeline refused what the plain one took");
    assert_eq!((out.action, out.reason, out.plan.leg_count), (plain.action, plain.reason, plain.plan.leg_count));
    assert_eq!(out.plan.health_after, plain.plan.health_after);
    assert_eq!(core_account_state(&state), *plain_state, "reserving: account state differs from the plain call's");
    for (a, c) in ms.iter().zip(plain_ms) {
        assert_eq!((a.window_start, a.used), (c.window_start, c.used.0), "reserving: market state differs");
    }
    let k = out.plan.leg_count as usize;
    let blank = partliq_leg_reservation::default();
    assert!(records[k..].iter().all(|r| r == &blank), "a record past the legs written");
    // The core's records on copies of the same state.
    let v = args.view();
    let cp = core_policy(policy).unwrap();
    let mut cst = core_account_state(&st0);
    let mut cms = core_market_states(ms0);
    let mut core_legs = vec![PlanLeg::default(); legs_len];
    let mut core_records = vec![partliq::LegReservation::default(); legs_len];
    let d = partliq::run_pipeline_reserving(
        &v.pool(),
        &v.markets,
        &v.prices,
        &cp,
        &mut cst,
        &mut cms,
        now,
        block,
        &mut core_legs,
        &mut core_records,
    )
    .unwrap();
    assert_eq!(d.plan.leg_count, k);
    for (a, c) in records[..k].iter().zip(&core_records) {
        // SAFETY: both are plain `repr(C)` records of the same size (the C
        // layer casts one into the other); read as bytes.
        let (ab, cb) = unsafe {
            (
                core::slice::from_raw_parts(
                    (a as *const partliq_leg_reservation).cast::<u8>(),
                    core::mem::size_of::<partliq_leg_reservation>(),
                ),
                core::slice::from_raw_parts(
                    (c as *const partliq::LegReservation).cast::<u8>(),
                    core::mem::size_of::<partliq::LegReservation>(),
                ),
            )
        };
        assert_eq!(ab, cb, "a record differs from the Rust API's");
    }
    if k > 0 {
        let (mut state2, mut out2) = (state, partliq_decision::default());
        let (before_state, before_records) = (state2, records.clone());
        let ms_ptr = if ms.is_empty() { core::ptr::null_mut() } else { ms.as_mut_ptr() };
        // SAFETY: as above.
        let st = unsafe {
            partliq_run_pipeline_reserving(
                args.markets.ptr,
                args.markets.len,
                args.prices.ptr,
                args.prices.len,
                args.data.collateral,
                args.positions.ptr,
                args.positions.len,
                policy,
                &mut state2,
                ms_ptr,
                ms.len(),
                now,
                block,
                legs.as_mut_ptr(),
                legs_len,
                records.as_mut_ptr(),
                legs_len,
                &mut out2,
            )
        };
        assert_eq!(st, PARTLIQ_STATUS_RESERVATION_TABLE_FULL, "open records not refused");
        assert_eq!((state2, &records), (before_state, &before_records), "written on a refusal");
        assert_eq!(out2, partliq_decision::default(), "decision written on a refusal");
    }
}

/// `partliq_account_state_record_insurance_loss` against the Rust API.
fn record_loss(inp: &Input) {
    let s0 = partliq_account_liquidation_state {
        last_partial_time: u64::from(inp.last_partial),
        has_partial: u32::from(inp.has_partial % 3),
        in_liquidation: u32::from(inp.in_liquidation % 3),
        block: u64::from(inp.state_block % 8),
        block_notional: inp.block_notional.get(),
        block_insurance_loss: inp.block_loss.get(),
        liquidation_start_time: u64::from(inp.start_time),
        liquidation_started: u32::from(inp.started % 3),
        reserved: 0,
    };
    let mut s = InOut::new(s0, inp.loss_ptr);
    let before = s.bytes();
    let (b, loss) = (u64::from(inp.loss_block % 8), inp.loss.get());
    // SAFETY: valid, NULL or misaligned (rejected before any access).
    let st = unsafe { partliq_account_state_record_insurance_loss(s.ptr(), b, loss) };
    assert_named(st);
    if s.rejected() {
        assert!(is_boundary_status(st));
        assert_eq!(s.bytes(), before);
        return;
    }
    let mut c = core_account_state(&s0);
    let r = c.record_insurance_loss(b, Quote(loss));
    assert_eq!(st, status_of(&r));
    if st == PARTLIQ_STATUS_OK {
        assert_eq!(s.get(), abi_state(&c, Some((s0.has_partial, s0.in_liquidation, s0.liquidation_started))));
        if b > s0.block {
            assert_eq!((s.get().block, s.get().block_insurance_loss, s.get().block_notional), (b, loss, 0), "a new block starts from zero");
        }
    } else {
        assert_eq!(s.bytes(), before, "state written on error");
    }
}
