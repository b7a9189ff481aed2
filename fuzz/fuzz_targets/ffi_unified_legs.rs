//! `partliq_unified_settle_leg`, `partliq_unified_size_leg`,
//! `partliq_unified_plan_liquidation` and `partliq_settle_delisted` on
//! arbitrary bytes decoded to small unified accounts (raw, or around the README's account): no crash on any
//! values, NULL or misaligned pointers or impossible lengths; every status
//! the Rust API's after the boundary's own checks (arrays, terms' reserved
//! field and target, leg kind — `INVALID_LEG_KIND` — objective, ordering);
//! the outputs, pre-filled with a sentinel, untouched byte for byte on any
//! error, nothing written past what succeeds; on success the figures the
//! Rust API's, each flow conserving, a sizing's amount within its maximum
//! and its settlement the settled leg's, a plan's legs each settling in turn;
//! a delisting's positions after and settlements the core's, nothing
//! written past them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::{
    plan_unified_liquidation, run_unified_liquidation, settle_delisted, settle_leg, size_leg, AccountCopy, DelistingOutcome,
    DelistingPolicy, LegTerms, LiquidationTiers, PerpPosition, PositionSettlement, UnifiedLeg, UnifiedLiquidationPolicy, MAX_PLAN_LEGS,
};
use partliq::{Ppm, Price};
use partliq_ffi::*;
use partliq_fuzz::legs::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    data: UnifiedIn,
    shapes: UnifiedShapes,
    pool: u8,
    raw_pool: Option<u32>,
    fees: Vec<FeesIn>,
    fees_shape: ArrShape,
    terms: TermsIn,
    terms_ptr: OutPtr,
    leg: LegIn,
    leg_ptr: OutPtr,
    settle_out: OutPtr,
    size_out: OutPtr,
    objective: u8,
    ordering: u8,
    asset_tiers: Vec<u8>,
    asset_tiers_shape: ArrShape,
    market_tiers: Vec<u8>,
    market_tiers_shape: ArrShape,
    legs_ptr: OutPtr,
    legs_len: u8,
    plan_out: OutPtr,
    delist: DelistIn,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct DelistIn {
    pool: u8,
    market: IndexIn,
    price: I64,
    fee: PpmArg,
    reserved: u8,
    policy_ptr: OutPtr,
    ladder: LadderIn,
    ladder_ptr: OutPtr,
    after_ptr: OutPtr,
    after_extra: u8,
    after_short: bool,
    settled_ptr: OutPtr,
    settled_len: u8,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    // Few positions: the planner sizes every candidate leg several times.
    let data = inp.data.build(4, 6);
    let args = UnifiedArgs::new(&data, inp.shapes);
    let pool = inp.raw_pool.unwrap_or(u32::from(inp.pool % 4));
    let fees: Vec<partliq_asset_liquidation_fees> = inp.fees.iter().take(4).map(|f| f.to_abi()).collect();
    let fees_arg = ArrArg::new(&fees, inp.fees_shape);
    let terms = inp.terms.to_abi();
    let terms_arg = InStruct::new(terms, inp.terms_ptr);
    let leg = inp.leg.to_abi();
    let leg_arg = InStruct::new(leg, inp.leg_ptr);
    let rejected_in = args.rejected() || fees_arg.rejected || terms_arg.rejected() || leg_arg.rejected();
    // The core's view (when nothing is rejected) and the boundary's value
    // checks before the core, in order.
    let v = args.view();
    let core_fees: Vec<_> = fees_arg.effective(&fees).iter().map(core_fees).collect();
    let checked = v.boundary.map_or(Ok(()), Err).and_then(|()| core_terms(&terms));

    // --- settle and size ---------------------------------------------------
    let mut settled = OutSlot::<partliq_leg_settlement>::new(inp.settle_out);
    let mut sized = OutSlot::<partliq_leg_sizing>::new(inp.size_out);
    let a = &args;
    // SAFETY: every array is valid for its length unless the boundary must
    // reject it before any read; the structs and outputs valid, NULL or
    // misaligned.
    let (st_settle, st_size) = unsafe {
        (
            unified_call!(partliq_unified_settle_leg; a; pool, fees_arg.ptr, fees_arg.len, terms_arg.ptr(), leg_arg.ptr(), settled.ptr()),
            unified_call!(partliq_unified_size_leg; a; pool, fees_arg.ptr, fees_arg.len, terms_arg.ptr(), leg_arg.ptr(), sized.ptr()),
        )
    };
    assert_named(st_settle);
    assert_named(st_size);
    if rejected_in || settled.rejected() {
        assert!(is_boundary_status(st_settle), "settle: status {st_settle} for a rejected argument");
        settled.assert_untouched("settle leg");
    }
    if rejected_in || sized.rejected() {
        assert!(is_boundary_status(st_size), "size: status {st_size} for a rejected argument");
        sized.assert_untouched("size leg");
    }
    let (book, account) = (v.book(), v.account());
    let core_in = checked.and_then(|(target, band)| core_leg(&leg).map(|l| (target, band, l)));
    if !rejected_in && !settled.rejected() {
        let core = core_in.map(|(target, band, l)| {
            let t = LegTerms { asset_fees: &core_fees, perp_band: band, target, perp_limit: None };
            settle_leg(&account, pool as usize, &book, &t, &l)
        });
        match core {
            Err(s) => assert_eq!(st_settle, s),
            Ok(r) => assert_eq!(st_settle, status_of(&r), "{r:?}"),
        }
        if st_settle == PARTLIQ_STATUS_OK {
            let s = settled.read(0);
            settled.assert_untouched_from(1, "settle leg");
            check_settlement(&s);
            assert_eq!(s.leg, leg);
        } else {
            settled.assert_untouched("settle leg");
        }
    }
    if !rejected_in && !sized.rejected() {
        let core = core_in.map(|(target, band, l)| {
            let t = LegTerms { asset_fees: &core_fees, perp_band: band, target, perp_limit: None };
            size_leg(&account, pool as usize, &book, &t, &l)
        });
        match &core {
            Err(s) => assert_eq!(st_size, *s),
            Ok(r) => assert_eq!(st_size, status_of(r), "{r:?}"),
        }
        if st_size == PARTLIQ_STATUS_OK {
            let z = sized.read(0);
            sized.assert_untouched_from(1, "size leg");
            let c = core.unwrap().unwrap();
            assert_eq!(z.status, c.status as u32);
            assert_eq!((z.leg.amount, z.max_amount), (c.leg.amount, c.max_amount));
            assert!(z.leg.amount >= 0 && z.leg.amount <= z.max_amount, "{z:?}");
            assert_eq!(z.has_settlement, u32::from(z.leg.amount > 0));
            if z.has_settlement == 1 {
                check_settlement(&z.settlement);
                assert_eq!(z.settlement.leg, z.leg);
            } else {
                assert_eq!(z.settlement, partliq_leg_settlement::default());
            }
        } else {
            sized.assert_untouched("size leg");
        }
    }

    delisting(&args, &inp.delist);

    // --- plan --------------------------------------------------------------
    let (objective, ordering) = (u32::from(inp.objective % 4), u32::from(inp.ordering % 5));
    let asset_tiers: Vec<u32> = inp.asset_tiers.iter().take(4).map(|t| u32::from(*t % 4)).collect();
    let market_tiers: Vec<u32> = inp.market_tiers.iter().take(4).map(|t| u32::from(*t % 4)).collect();
    let at_arg = ArrArg::new(&asset_tiers, inp.asset_tiers_shape);
    let mt_arg = ArrArg::new(&market_tiers, inp.market_tiers_shape);
    let legs_len = usize::from(inp.legs_len % 20);
    let mut legs = OutSlot::<partliq_unified_leg>::array(inp.legs_ptr, legs_len.max(1));
    let mut out = OutSlot::<partliq_unified_plan>::new(inp.plan_out);
    // SAFETY: as above; the legs buffer holds `legs_len` legs.
    let st = unsafe {
        unified_call!(
            partliq_unified_plan_liquidation; a;
            pool, fees_arg.ptr, fees_arg.len, terms_arg.ptr(), objective, ordering, at_arg.ptr, at_arg.len, mt_arg.ptr, mt_arg.len,
            legs.ptr(), legs_len, out.ptr(),
        )
    };
    assert_named(st);
    let legs_rejected = legs_len > 0 && legs.rejected();
    if args.rejected() || fees_arg.rejected || terms_arg.rejected() || at_arg.rejected || mt_arg.rejected || legs_rejected || out.rejected()
    {
        assert!(is_boundary_status(st), "plan: status {st} for a rejected argument");
        legs.assert_untouched("plan legs");
        out.assert_untouched("plan");
        return;
    }
    let tiers = LiquidationTiers { assets: at_arg.effective(&asset_tiers), markets: mt_arg.effective(&market_tiers) };
    let mut core_legs = vec![UnifiedLeg::default(); legs_len.min(MAX_PLAN_LEGS)];
    let core = checked.and_then(|(target, band)| core_plan_options(objective, ordering).map(|o| (target, band, o))).map(
        |(target, band, (o, r))| {
            let t = LegTerms { asset_fees: &core_fees, perp_band: band, target, perp_limit: None };
            plan_unified_liquidation(&account, pool as usize, &book, &t, o, r, &tiers, &mut core_legs)
        },
    );
    match &core {
        Err(s) => assert_eq!(st, *s),
        Ok(r) => assert_eq!(st, status_of(r), "{r:?}"),
    }
    if st != PARTLIQ_STATUS_OK {
        legs.assert_untouched("plan legs");
        out.assert_untouched("plan");
        return;
    }
    let p = out.read(0);
    out.assert_untouched_from(1, "plan");
    let k = p.leg_count as usize;
    assert!(k <= legs_len.min(MAX_PLAN_LEGS));
    legs.assert_untouched_from(k, "plan legs");
    // Each leg settles on the account as the legs before left it.
    let (target, band) = core_terms(&terms).unwrap();
    let t = LegTerms { asset_fees: &core_fees, perp_band: band, target, perp_limit: None };
    let mut copy = AccountCopy::of(&account).unwrap();
    for (i, want) in core_legs[..k].iter().enumerate() {
        let l = legs.read(i);
        assert_eq!(core_leg(&l), Ok(*want));
        let s = settle_leg(&copy.account(), pool as usize, &book, &t, want).expect("a plan's leg settles");
        copy.apply(&s).unwrap();
    }

    // --- the whole step, on the same valid arguments ------------------------
    let (o, r) = core_plan_options(objective, ordering).unwrap();
    let take_over = inp.objective >= 128;
    let in_liquidation = inp.ordering >= 128;
    // The default budget or a small one (the search cut short: the plan is
    // the greedy one's or the best found, the same through C).
    let budget = u32::from(inp.ordering % 4) * 64;
    let policy = partliq_unified_liquidation_policy {
        terms,
        objective,
        ordering,
        take_over_bankrupt: u32::from(take_over),
        search_budget_units: budget,
    };
    let mut run_legs = vec![partliq_unified_leg::default(); legs_len.max(1)];
    let mut d = partliq_unified_decision::default();
    // SAFETY: as above; the policy, legs and decision are live locals.
    let st = unsafe {
        unified_call!(
            partliq_run_unified_liquidation; a;
            pool, fees_arg.ptr, fees_arg.len, &policy, at_arg.ptr, at_arg.len, mt_arg.ptr, mt_arg.len, u32::from(in_liquidation),
            run_legs.as_mut_ptr(), legs_len, &mut d,
        )
    };
    assert_named(st);
    let core_policy = UnifiedLiquidationPolicy {
        target,
        perp_band: band,
        asset_fees: &core_fees,
        objective: o,
        ordering: r,
        tiers,
        take_over_bankrupt: take_over,
        search_budget_units: budget,
    };
    let mut core_run_legs = vec![UnifiedLeg::default(); legs_len.min(MAX_PLAN_LEGS)];
    match run_unified_liquidation(&account, pool as usize, &book, &core_policy, in_liquidation, &mut core_run_legs) {
        Err(e) => assert_eq!(st, status_of(&Err::<(), _>(e))),
        Ok(want) => {
            assert_eq!(st, PARTLIQ_STATUS_OK);
            assert_eq!((d.action, d.reason, d.plan.leg_count as usize), (want.action as u32, want.reason as u32, want.plan.leg_count));
            for (i, w) in core_run_legs[..want.plan.leg_count].iter().enumerate() {
                assert_eq!(core_leg(&run_legs[i]), Ok(*w));
            }
        }
    }
});

/// `partliq_settle_delisted` against the core's `settle_delisted`.
fn delisting(args: &UnifiedArgs<'_>, inp: &DelistIn) {
    let data = args.data;
    let pool = u32::from(inp.pool % 4);
    let market = inp.market.get();
    let policy =
        partliq_delisting_policy { settlement_price: inp.price.get(), fee_ppm: inp.fee.get(), reserved: u32::from(inp.reserved == 255) };
    let policy_arg = InStruct::new(policy, inp.policy_ptr);
    let ladder = inp.ladder.to_abi();
    let ladder_arg = InStruct::new(ladder, inp.ladder_ptr);
    let n = args.positions.effective(&data.positions).len();
    let after_len = if inp.after_short { n.saturating_sub(1) } else { n + usize::from(inp.after_extra % 3) };
    let settled_len = usize::from(inp.settled_len % 8);
    let mut after = OutSlot::<partliq_perp_position>::array(inp.after_ptr, after_len.max(1));
    let mut settled = OutSlot::<partliq_position_settlement>::array(inp.settled_ptr, settled_len.max(1));
    let mut out = OutSlot::<partliq_pool_delisting>::new(inp.out);
    let a = args;
    // SAFETY: every array valid for its length unless the boundary must
    // reject it first; the structs and outputs valid, NULL or misaligned.
    let st = unsafe {
        unified_call!(
            partliq_settle_delisted; a;
            pool, market, policy_arg.ptr(), ladder_arg.ptr(), after.ptr(), after_len, settled.ptr(), settled_len, out.ptr(),
        )
    };
    assert_named(st);
    let untouched =
        |after: &OutSlot<partliq_perp_position>, settled: &OutSlot<partliq_position_settlement>, out: &OutSlot<partliq_pool_delisting>| {
            after.assert_untouched("delisting positions");
            settled.assert_untouched("delisting settlements");
            out.assert_untouched("delisting");
        };
    if args.rejected()
        || policy_arg.rejected()
        || ladder_arg.rejected()
        || (after_len > 0 && after.rejected())
        || (settled_len > 0 && settled.rejected())
        || out.rejected()
    {
        assert!(is_boundary_status(st), "delisting: status {st} for a rejected argument");
        untouched(&after, &settled, &out);
        return;
    }
    let v = args.view();
    let (book, account) = (v.book(), v.account());
    let mut scratch = vec![PerpPosition::default(); n];
    let mut core_settled = vec![PositionSettlement::default(); settled_len];
    let expected = v
        .boundary
        .map_or(Ok(()), Err)
        .and_then(|()| if policy.reserved != 0 { Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO) } else { Ok(()) })
        .and_then(|()| if after_len < n { Err(PARTLIQ_STATUS_BUFFER_TOO_SMALL) } else { Ok(()) })
        .and_then(|()| {
            let p = DelistingPolicy { settlement_price: Price(policy.settlement_price), fee: Ppm(policy.fee_ppm) };
            let r = settle_delisted(&account, pool as usize, &book, market, &p, &LadderIn::core(&ladder), &mut scratch, &mut core_settled);
            r.map_err(|e| status_of::<()>(&Err(e)))
        });
    match &expected {
        Err(s) => assert_eq!(st, *s),
        Ok(_) => assert_eq!(st, PARTLIQ_STATUS_OK),
    }
    let Ok(d) = expected else {
        untouched(&after, &settled, &out);
        return;
    };
    let o = out.read(0);
    out.assert_untouched_from(1, "delisting");
    assert_eq!((o.settled as usize, o.health_after), (d.settled, partliq_unified_health::from(&d.health_after)));
    match d.outcome {
        DelistingOutcome::Solvent => assert_eq!((o.outcome, o.shortfall), (0, 0)),
        DelistingOutcome::Bankrupt(_) => assert!(o.outcome == 1 && o.deficit.amount > 0),
        DelistingOutcome::Insolvent { shortfall } => assert_eq!((o.outcome, o.shortfall), (2, shortfall.0)),
    }
    for (i, p) in scratch.iter().enumerate() {
        let got = after.read(i);
        assert_eq!(core_perp(&got), *p);
    }
    after.assert_untouched_from(n, "delisting positions");
    for (i, x) in core_settled[..d.settled].iter().enumerate() {
        let got = settled.read(i);
        assert_eq!(
            (got.position_index as usize, got.closed_size, got.cash, got.quote_delta, got.new_quote_balance),
            (x.position_index, x.closed_size.0, x.cash.0, x.quote_delta.0, x.new_quote_balance.0)
        );
        assert_eq!(i128::from(got.quote_delta), i128::from(got.cash) - i128::from(got.funding) - i128::from(got.fee));
    }
    settled.assert_untouched_from(d.settled, "delisting settlements");
}
