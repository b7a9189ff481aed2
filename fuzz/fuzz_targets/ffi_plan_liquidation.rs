//! `partliq_plan_liquidation`: no crash; plan and legs untouched on every
//! error, nothing written past `leg_count` on success; the core's plan; and
//! (valid markets) the plan's promises: legs on distinct positions, closing
//! side, within the position; each leg's cash and fee recomputed at its
//! limit price; `health_after` equals the health recomputed with every leg
//! applied; `Restored` reaches the target; `AlreadySafe` has no legs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{PlanLeg, PlanOrder, PlanParams, Position, Ppm, Quote, Size};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    target: TargetIn,
    band: PpmArg,
    order: u8,
    params_ptr: OutPtr,
    legs_ptr: OutPtr,
    legs_len: LegsLen,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let params = partliq_plan_params { target: inp.target.to_abi(), price_band_ppm: inp.band.get(), order: u32::from(inp.order % 4) };
    let par = InStruct::new(params, inp.params_ptr);
    let n = data.positions.len();
    let (legs_len, room) = inp.legs_len.for_positions(n);
    let mut legs = OutSlot::<partliq_plan_leg>::array(inp.legs_ptr, room.max(1));
    let mut out = OutSlot::<partliq_plan>::new(inp.out);
    let legs_ptr = legs.ptr();
    // SAFETY: see ffi_pool_health; `legs` holds `legs_len` legs unless the
    // length is rejected before any write.
    let st = unsafe {
        partliq_plan_liquidation(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            par.ptr(),
            legs_ptr,
            legs_len,
            out.ptr(),
        )
    };
    assert_named(st);
    let untouched = |what: &str| {
        out.assert_untouched(what);
        legs.assert_untouched(what);
    };
    let legs_rejected = legs_len > 0 && legs.rejected() || legs_len > max_len::<partliq_plan_leg>();
    if args.rejected() || par.rejected() || legs_rejected || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        untouched("plan");
        return;
    }
    let v = args.view();
    let target = core_target(params.target);
    let order = match params.order {
        0 => Some(PlanOrder::LargestMaintenanceFirst),
        1 => Some(PlanOrder::BestReleasePerCostFirst),
        2 => Some(PlanOrder::ProRata),
        _ => None,
    };
    let pre = match (target, order) {
        (Err(s), _) => Some(s),
        (_, None) => Some(PARTLIQ_STATUS_INVALID_ENUM),
        _ if v.boundary.is_some() => v.boundary,
        _ => None,
    };
    if let Some(s) = pre {
        assert_eq!(st, s);
        untouched("plan");
        return;
    }
    let cp = PlanParams { target: target.unwrap(), price_band: Ppm(params.price_band_ppm), order: order.unwrap() };
    let mut core_legs = vec![PlanLeg::default(); legs_len];
    let core = partliq::plan_liquidation(&v.pool(), &v.markets, &v.prices, &cp, &mut core_legs);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        untouched("plan");
        return;
    }
    let plan = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "plan");
    assert_eq!(o.leg_count as usize, plan.leg_count);
    assert!(plan.leg_count <= v.positions.len());
    legs.assert_untouched_from(plan.leg_count, "plan legs");
    assert_eq!((o.status, o.dust_closed, o.reserved), (plan.status as u32, u8::from(plan.dust_closed), [0; 7]));
    assert_eq!(o.health_before, partliq_health::from(&plan.health_before));
    assert_eq!(o.health_after, partliq_health::from(&plan.health_after));
    assert_eq!((o.required_equity_after, o.shortfall), (plan.required_equity_after.0, plan.shortfall.0));
    let mut seen = vec![false; v.positions.len()];
    let mut after: Vec<Position> = v.positions.clone();
    let mut exact = true;
    for (k, cl) in core_legs[..plan.leg_count].iter().enumerate() {
        let l = legs.read(k);
        assert_eq!(
            l,
            partliq_plan_leg {
                position_index: cl.position_index,
                reserved: 0,
                size_delta: cl.size_delta.0,
                limit_price: cl.limit_price.0,
                expected_cash: cl.expected_cash.0,
                expected_fee: cl.expected_fee.0,
            }
        );
        let i = l.position_index as usize;
        assert!(i < v.positions.len() && !seen[i], "leg on an unknown or repeated position");
        seen[i] = true;
        let p = v.positions[i];
        assert!(l.size_delta != 0 && l.size_delta.signum() == -p.size.0.signum(), "leg on the wrong side");
        assert!(l.size_delta.unsigned_abs() <= p.size.0.unsigned_abs(), "leg larger than the position");
        assert!(l.limit_price > 0);
        if !v.markets_valid() {
            continue;
        }
        let m = v.markets[p.market_index as usize];
        let units = i128::from(l.size_delta).abs();
        let cash = close_cash(&m, i128::from(p.size.0.signum()), units, i128::from(l.limit_price));
        let fee = close_fee(&m, units, i128::from(l.limit_price));
        assert_eq!(cash, Some(i128::from(l.expected_cash)), "leg cash");
        assert_eq!(fee, Some(i128::from(l.expected_fee)), "leg fee");
        let qb = i128::from(p.quote_balance.0) + cash.unwrap() - fee.unwrap();
        match i64::try_from(qb) {
            Ok(qb) => after[i] = Position { market_index: p.market_index, size: Size(p.size.0 + l.size_delta), quote_balance: Quote(qb) },
            Err(_) => exact = false,
        }
    }
    match plan.status {
        partliq::PlanStatus::AlreadySafe => assert_eq!(plan.leg_count, 0),
        partliq::PlanStatus::Restored => {
            assert!(plan.leg_count > 0);
            assert_eq!(plan.shortfall.0, 0);
            assert!(plan.health_after.equity >= plan.required_equity_after, "Restored short of the target");
        }
        partliq::PlanStatus::Infeasible => assert!(plan.shortfall.0 > 0, "Infeasible with no shortfall"),
    }
    if v.markets_valid() && exact {
        let before = partliq::pool_health(&v.pool(), &v.markets, &v.prices).unwrap();
        assert_eq!(before, plan.health_before);
        if let Some((s, h)) = surplus(&v, &after, cp.target) {
            assert_eq!(h, plan.health_after, "health_after differs from the recomputed health");
            assert_eq!(i128::from(plan.shortfall.0), (-s).max(0));
        }
    }
});
