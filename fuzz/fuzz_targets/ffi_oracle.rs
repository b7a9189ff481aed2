//! The oracle entry points over the C ABI — `partliq_price_validity`,
//! `partliq_guarded_price`, `partliq_resolve_prices`,
//! `partliq_stable_price_update`, `partliq_initial_price`,
//! `partliq_run_guarded_pipeline` and
//! `partliq_run_guarded_unified_liquidation`: no crash; every status named
//! and equal to the Rust API's; on any error every output untouched byte for
//! byte; on success the figures are the Rust API's; and the guard's
//! promise: when the feed of a market the pool holds (or, unified, of an
//! asset it holds) is refused, the decision is no liquidation
//! (`PriceInvalid`) with the legs buffer and the account state untouched;
//! the stable price never passes the oracle; the guarded pipeline's legs
//! are the core's, each order limit (flat band) the band around its
//! market's limit source held to the mark's envelope, and with the limit
//! source giving the trigger's price the decision is the plain pipeline's.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::oracle::{PriceFeed, PriceGuard, PriceSource, PriceUse, StablePrice};
use partliq::unified::{run_guarded_unified_liquidation, LiquidationTiers, UnifiedLeg, UnifiedLiquidationPolicy, MAX_PLAN_LEGS};
use partliq::{AccountLiquidationState, Ppm, Price, Reason};
use partliq_ffi::*;
use partliq_fuzz::legs::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
struct FeedIn {
    oracle: I64,
    age: u8,
    confidence: I64,
    index: I64,
    mark: I64,
    grace: u8,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    policy: AbiPolicyIn,
    feeds: Vec<FeedIn>,
    feeds_shape: ArrShape,
    staleness: u8,
    confidence_ppm: u32,
    deviation_ppm: u32,
    sources: [u8; 3],
    reserved: u8,
    guard_ptr: OutPtr,
    feed_ptr: OutPtr,
    usage: u8,
    now: u8,
    out: OutPtr,
    out2: OutPtr,
    resolved_marks: bool,
    stable: (I64, u8, I64, u8, u32),
    stable_ptr: OutPtr,
    held: u8,
    unified: Option<UnifiedGuardIn>,
}

/// A unified pool behind the guard: the market feeds are the drawn feeds,
/// the asset feeds drawn here.
#[derive(arbitrary::Arbitrary, Debug)]
struct UnifiedGuardIn {
    data: UnifiedIn,
    asset_feeds: Vec<FeedIn>,
    market_shape: ArrShape,
    asset_shape: ArrShape,
    resolved_marks: bool,
    fees: Vec<FeesIn>,
    terms: TermsIn,
    objective: u8,
    ordering: u8,
    take_over: bool,
    in_liquidation: bool,
    pool: u8,
    legs_len: u8,
    out: OutPtr,
}

/// A source word: mostly one of the four, sometimes not.
fn source_word(b: u8) -> u32 {
    u32::from(b % 5)
}

fn core_source(w: u32) -> Option<PriceSource> {
    match w {
        0 => Some(PriceSource::Oracle),
        1 => Some(PriceSource::Mark),
        2 => Some(PriceSource::Index),
        3 => Some(PriceSource::Median),
        _ => None,
    }
}

fn core_guard(g: &partliq_price_guard) -> Result<PriceGuard, partliq_status> {
    if g.reserved != 0 {
        return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    let s = |w| core_source(w).ok_or(PARTLIQ_STATUS_INVALID_ENUM);
    Ok(PriceGuard {
        max_staleness: g.max_staleness,
        max_confidence: Ppm(g.max_confidence_ppm),
        max_deviation: Ppm(g.max_deviation_ppm),
        trigger: s(g.trigger)?,
        initial: s(g.initial)?,
        limit: s(g.limit)?,
    })
}

fn core_feed(f: &partliq_price_feed) -> PriceFeed {
    PriceFeed {
        oracle: Price(f.oracle),
        publish_time: f.publish_time,
        confidence: Price(f.confidence),
        index: Price(f.index),
        mark: Price(f.mark),
        grace_until: f.grace_until,
    }
}

fn core_use(u: u32) -> Option<PriceUse> {
    match u {
        0 => Some(PriceUse::Trigger),
        1 => Some(PriceUse::Initial),
        2 => Some(PriceUse::Limit),
        _ => None,
    }
}

/// At most six feeds, each `age` seconds old at `now`, now and then in a
/// grace period ending at `now`, `now + 1` or `now + 2`.
fn abi_feeds(feeds: &[FeedIn], now: u64) -> Vec<partliq_price_feed> {
    feeds
        .iter()
        .take(6)
        .map(|f| partliq_price_feed {
            oracle: f.oracle.get(),
            publish_time: now.saturating_sub(u64::from(f.age)),
            confidence: f.confidence.get(),
            index: f.index.get(),
            mark: f.mark.get(),
            grace_until: if f.grace % 4 == 0 { now + u64::from(f.grace % 3) } else { 0 },
        })
        .collect()
}

/// The trigger price of each feed under `guard` (0 when refused).
fn trigger_marks(guard: &PriceGuard, feeds: &[partliq_price_feed], now: u64, n: usize) -> Vec<i64> {
    feeds.iter().take(n).map(|f| guard.price(&core_feed(f), now, PriceUse::Trigger).ok().and_then(|r| r.ok()).map_or(0, |p| p.0)).collect()
}

/// `partliq_run_guarded_unified_liquidation` (every book and account array
/// valid; the feeds' shapes and the out-pointer as drawn) against the core's
/// `run_guarded_unified_liquidation`, and the guard's promise.
fn guarded_unified(
    u: &UnifiedGuardIn,
    market_feeds: &[partliq_price_feed],
    guard: &partliq_price_guard,
    cg: &Result<PriceGuard, partliq_status>,
    now: u64,
) {
    let mut data = u.data.build(2, 4);
    let asset_feeds = abi_feeds(&u.asset_feeds, now);
    if u.resolved_marks {
        if let Ok(cg) = cg {
            data.prices = trigger_marks(cg, market_feeds, now, data.markets.len());
            data.asset_prices = trigger_marks(cg, &asset_feeds, now, data.assets.len());
        }
    }
    let exact = ArrShape { ptr: ArrPtr::Valid, len: ArrLen::Exact };
    let args = UnifiedArgs::new(&data, UnifiedShapes([exact; 8]));
    let mf = ArrArg::new(market_feeds, u.market_shape);
    let af = ArrArg::new(&asset_feeds, u.asset_shape);
    let fees: Vec<partliq_asset_liquidation_fees> = u.fees.iter().take(4).map(|f| f.to_abi()).collect();
    let policy = partliq_unified_liquidation_policy {
        terms: u.terms.to_abi(),
        objective: u32::from(u.objective % 3),
        ordering: u32::from(u.ordering % 5),
        take_over_bankrupt: u32::from(u.take_over),
        search_budget_units: 0,
    };
    let pool = u32::from(u.pool % 3);
    let legs_len = usize::from(u.legs_len % 8);
    let mut legs = OutSlot::<partliq_unified_leg>::array(OutPtr::Valid, legs_len.max(1));
    let mut d = OutSlot::<partliq_unified_decision>::new(u.out);
    let a = &args;
    // SAFETY: every book and account array valid for its length; the feeds
    // valid, NULL, misaligned or of an impossible length (rejected before
    // any read); the policy, guard and fees live; the outputs valid, NULL
    // or misaligned.
    let st = unsafe {
        unified_call!(
            partliq_run_guarded_unified_liquidation; a;
            pool, mf.ptr, mf.len, af.ptr, af.len, guard, fees.as_ptr(), fees.len(), &policy, core::ptr::null(), 0, core::ptr::null(), 0,
            u32::from(u.in_liquidation), now, legs.ptr(), legs_len, d.ptr(),
        )
    };
    assert_named(st);
    if mf.rejected || af.rejected || d.rejected() {
        assert!(is_boundary_status(st), "guarded unified: status {st} for a rejected argument");
        legs.assert_untouched("guarded unified legs");
        d.assert_untouched("guarded unified decision");
        return;
    }
    let v = args.view();
    let core_fees: Vec<_> = fees.iter().map(core_fees).collect();
    // The boundary's value checks before the core, in order: the book and
    // account, the guard, the terms, the objective and ordering.
    let pre = v
        .boundary
        .map_or(Ok(()), Err)
        .and_then(|()| cg.clone())
        .and_then(|g| core_terms(&policy.terms).map(|t| (g, t)))
        .and_then(|(g, t)| core_plan_options(policy.objective, policy.ordering).map(|o| (g, t, o)));
    let (cg, (target, band), (objective, ordering)) = match pre {
        Err(s) => {
            assert_eq!(st, s);
            legs.assert_untouched("guarded unified legs");
            d.assert_untouched("guarded unified decision");
            return;
        }
        Ok(x) => x,
    };
    let (book, account) = (v.book(), v.account());
    let core_policy = UnifiedLiquidationPolicy {
        target,
        perp_band: band,
        asset_fees: &core_fees,
        objective,
        ordering,
        tiers: LiquidationTiers { assets: &[], markets: &[] },
        take_over_bankrupt: u.take_over,
        search_budget_units: 0,
    };
    let core_mf: Vec<PriceFeed> = mf.effective(market_feeds).iter().map(core_feed).collect();
    let core_af: Vec<PriceFeed> = af.effective(&asset_feeds).iter().map(core_feed).collect();
    let mut core_legs = vec![UnifiedLeg::default(); legs_len.min(MAX_PLAN_LEGS)];
    let r = run_guarded_unified_liquidation(
        &account,
        pool as usize,
        &book,
        &core_mf,
        &core_af,
        &cg,
        &core_policy,
        u.in_liquidation,
        now,
        &mut core_legs,
    );
    assert_eq!(st, status_of(&r), "{r:?}");
    let Ok(want) = r else {
        legs.assert_untouched("guarded unified legs");
        d.assert_untouched("guarded unified decision");
        return;
    };
    let o = d.read(0);
    d.assert_untouched_from(1, "guarded unified decision");
    assert_eq!((o.action, o.reason, o.plan.leg_count as usize), (want.action as u32, want.reason as u32, want.plan.leg_count));
    assert_eq!((o.plan.value_liquidated, o.plan.cost_to_account), (want.plan.value_liquidated.0, want.plan.cost_to_account.0));
    for (i, w) in core_legs[..want.plan.leg_count].iter().enumerate() {
        assert_eq!(core_leg(&legs.read(i)), Ok(*w));
    }
    legs.assert_untouched_from(want.plan.leg_count, "guarded unified legs");
    // The guard's promise: a refused held feed never liquidates. A market's
    // feed must give the trigger and the limit price; an asset's only the
    // trigger (an asset leg never reads a limit).
    let refused = |feeds: &[PriceFeed], i: u32, uses: &[PriceUse]| {
        feeds.get(i as usize).is_some_and(|f| uses.iter().any(|u| !matches!(cg.price(f, now, *u), Ok(Ok(_)))))
    };
    let p = account.pool(pool as usize).expect("the core decided on this pool");
    let refused_held = p.members().any(|(_, q)| q.size.0 != 0 && refused(&core_mf, q.market_index, &[PriceUse::Trigger, PriceUse::Limit]))
        || p.balances.iter().any(|b| b.amount != 0 && refused(&core_af, b.asset_index, &[PriceUse::Trigger]));
    if refused_held {
        assert_eq!((o.action, o.reason), (0, Reason::PriceInvalid as u32), "a refused held feed liquidated");
        assert_eq!(o.plan.leg_count, 0);
        legs.assert_untouched("legs of a refused price");
    }
    if o.reason == Reason::PriceInvalid as u32 {
        assert!(refused_held, "PriceInvalid without a refused held feed");
    }
}

fuzz_target!(|inp: Input| {
    let now = 300 + u64::from(inp.now);
    let guard = partliq_price_guard {
        max_staleness: u64::from(inp.staleness),
        max_confidence_ppm: inp.confidence_ppm % 50_000,
        max_deviation_ppm: inp.deviation_ppm % 100_000,
        trigger: source_word(inp.sources[0]),
        initial: source_word(inp.sources[1]),
        limit: source_word(inp.sources[2]),
        reserved: u32::from(inp.reserved == 255),
    };
    let feeds = abi_feeds(&inp.feeds, now);
    let cg = core_guard(&guard);
    if let Some(u) = &inp.unified {
        guarded_unified(u, &feeds, &guard, &cg, now);
    }
    let usage = u32::from(inp.usage % 4);

    // partliq_price_validity and partliq_guarded_price on the first feed.
    if let Some(f0) = feeds.first() {
        let g = InStruct::new(guard, inp.guard_ptr);
        let f = InStruct::new(*f0, inp.feed_ptr);
        let mut v = OutSlot::<u32>::new(inp.out);
        // SAFETY: valid, NULL or misaligned (rejected before any access).
        let st = unsafe { partliq_price_validity(g.ptr(), f.ptr(), now, v.ptr()) };
        assert_named(st);
        if g.rejected() || f.rejected() || v.rejected() {
            assert!(is_boundary_status(st));
            v.assert_untouched("validity");
        } else {
            match &cg {
                Err(s) => {
                    assert_eq!(st, *s);
                    v.assert_untouched("validity");
                }
                Ok(cg) => {
                    let r = cg.validity(&core_feed(f0), now);
                    assert_eq!(st, status_of(&r));
                    if let Ok(want) = r {
                        assert_eq!(v.read(0), want as u32);
                    }
                }
            }
        }
        let mut p = OutSlot::<i64>::new(inp.out2);
        let mut v = OutSlot::<u32>::new(inp.out);
        // SAFETY: as above.
        let st = unsafe { partliq_guarded_price(g.ptr(), f.ptr(), now, usage, p.ptr(), v.ptr()) };
        assert_named(st);
        let want = match (&cg, core_use(usage)) {
            _ if g.rejected() || f.rejected() || p.rejected() || v.rejected() => None,
            (Err(s), _) => Some(Err(*s)),
            (Ok(_), None) => Some(Err(PARTLIQ_STATUS_INVALID_ENUM)),
            (Ok(cg), Some(u)) => Some(cg.price(&core_feed(f0), now, u).map_err(|e| e as u32)),
        };
        match want {
            None => assert!(is_boundary_status(st)),
            Some(Err(s)) => assert_eq!(st, s),
            Some(Ok(r)) => {
                assert_eq!(st, PARTLIQ_STATUS_OK);
                let (price, validity) = match r {
                    Ok(pr) => (pr.0, 0),
                    Err(v) => (0, v as u32),
                };
                assert_eq!((p.read(0), v.read(0)), (price, validity));
                if validity != 0 {
                    assert_eq!(p.read(0), 0);
                }
            }
        }
        if st != PARTLIQ_STATUS_OK {
            p.assert_untouched("guarded price");
            v.assert_untouched("guarded price");
        }
    }

    // partliq_resolve_prices into a buffer one per feed.
    let fa = ArrArg::new(&feeds, inp.feeds_shape);
    let mut out = OutSlot::<i64>::array(OutPtr::Valid, feeds.len().max(1));
    let mut refused = OutSlot::<usize>::new(inp.out2);
    // SAFETY: as above; `out` holds feeds.len() values.
    let st = unsafe { partliq_resolve_prices(&guard, fa.ptr, fa.len, now, usage, out.ptr(), feeds.len(), refused.ptr()) };
    assert_named(st);
    if fa.rejected || refused.rejected() {
        assert!(is_boundary_status(st));
    } else {
        let core_feeds: Vec<PriceFeed> = fa.effective(&feeds).iter().map(core_feed).collect();
        let want = match (&cg, core_use(usage)) {
            (Err(s), _) => Err(*s),
            (Ok(_), None) => Err(PARTLIQ_STATUS_INVALID_ENUM),
            (Ok(cg), Some(u)) => {
                let mut prices = vec![Price(0); feeds.len()];
                let r = partliq::oracle::resolve_prices(cg, &core_feeds, now, u, &mut prices);
                match r {
                    Ok(n) => Ok((n, prices)),
                    Err(e) => Err(e as u32),
                }
            }
        };
        match want {
            Err(s) => assert_eq!(st, s),
            Ok((n, prices)) => {
                assert_eq!(st, PARTLIQ_STATUS_OK);
                assert_eq!(refused.read(0), n);
                for (i, p) in prices.iter().enumerate().take(core_feeds.len()) {
                    assert_eq!(out.read(i), p.0);
                }
                out.assert_untouched_from(core_feeds.len(), "resolved prices");
            }
        }
    }
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("resolved prices");
        refused.assert_untouched("refused count");
    }

    // partliq_stable_price_update against StablePrice::update.
    let (sp, last, oracle, dt, rate) = inp.stable;
    let s0 = partliq_stable_price { price: sp.get(), last_update: u64::from(last) };
    let mut s = InOut::new(s0, inp.stable_ptr);
    let before = s.bytes();
    let t = u64::from(last) + u64::from(dt);
    // SAFETY: as above.
    let st = unsafe { partliq_stable_price_update(s.ptr(), oracle.get(), t, rate) };
    assert_named(st);
    if s.rejected() {
        assert!(is_boundary_status(st));
        assert_eq!(s.bytes(), before);
    } else {
        let mut c = StablePrice { price: Price(s0.price), last_update: s0.last_update };
        let r = c.update(Price(oracle.get()), t, Ppm(rate));
        assert_eq!(st, status_of(&r));
        if r.is_ok() {
            assert_eq!((s.get().price, s.get().last_update), (c.price.0, c.last_update));
            if s0.price > 0 && rate > 0 {
                let (a, b, o) = (s0.price, c.price.0, oracle.get());
                assert!(a.min(o) <= b && b <= a.max(o), "stable {a} → {b} passed the oracle {o}");
            }
        } else {
            assert_eq!(s.bytes(), before, "stable price written on error");
        }
    }

    // partliq_initial_price.
    let mut ip = OutSlot::<i64>::new(inp.out);
    let held = u32::from(inp.held % 3);
    // SAFETY: as above.
    let st = unsafe { partliq_initial_price(sp.get(), oracle.get(), held, ip.ptr()) };
    if ip.rejected() {
        assert!(is_boundary_status(st));
    } else if held > 1 {
        assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM);
    } else {
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(ip.read(0), partliq::oracle::initial_price(Price(sp.get()), Price(oracle.get()), held == 1).0);
    }
    if st != PARTLIQ_STATUS_OK {
        ip.assert_untouched("initial price");
    }

    // The guarded pipeline (valid pointers; the feeds' shape as drawn).
    let mut data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    if inp.resolved_marks {
        if let Ok(cg) = &cg {
            data.prices = trigger_marks(cg, &feeds, now, data.markets.len());
        }
    }
    let exact = ArrShape { ptr: ArrPtr::Valid, len: ArrLen::Exact };
    let args = PoolArgs::new(&data, PoolShapes { markets: exact, prices: exact, positions: exact });
    let policy = inp.policy.build();
    let mut state = partliq_account_liquidation_state { in_liquidation: 1, ..Default::default() };
    let n = data.positions.len();
    let mut legs = OutSlot::<partliq_plan_leg>::array(OutPtr::Valid, n.max(1));
    let mut d = OutSlot::<partliq_decision>::new(inp.out);
    // SAFETY: every array valid for its length unless the boundary rejects it.
    let st = unsafe {
        partliq_run_guarded_pipeline(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            fa.ptr,
            fa.len,
            &guard,
            &policy,
            &mut state,
            core::ptr::null_mut(),
            0,
            now,
            1,
            legs.ptr(),
            n,
            d.ptr(),
        )
    };
    assert_named(st);
    let v = args.view();
    let pre = if fa.rejected || d.rejected() {
        None
    } else {
        match (cg.as_ref().err().copied(), core_policy(&policy).err()) {
            (Some(s), _) | (None, Some(s)) => Some(s),
            _ => v.boundary,
        }
    };
    if fa.rejected || d.rejected() {
        assert!(is_boundary_status(st));
    } else if let Some(s) = pre {
        assert_eq!(st, s);
    } else {
        let (cg, cp) = (cg.unwrap(), core_policy(&policy).unwrap());
        let core_feeds: Vec<PriceFeed> = fa.effective(&feeds).iter().map(core_feed).collect();
        let mut cst = AccountLiquidationState { in_liquidation: true, ..Default::default() };
        let mut core_legs = vec![partliq::PlanLeg::default(); n];
        let r = partliq::run_guarded_pipeline(
            &v.pool(),
            &v.markets,
            &v.prices,
            &core_feeds,
            &cg,
            &cp,
            &mut cst,
            &mut [],
            now,
            1,
            &mut core_legs,
        );
        assert_eq!(st, status_of(&r), "{r:?}");
        if let Ok(dec) = r {
            let o = d.read(0);
            assert_eq!((o.action, o.reason, o.plan.leg_count as usize), (dec.action as u32, dec.reason as u32, dec.plan.leg_count));
            // The guard's promise: a refused held feed never liquidates.
            let refused_held = v.positions.iter().filter(|p| p.size.0 != 0).any(|p| {
                core_feeds
                    .get(p.market_index as usize)
                    .is_some_and(|f| [PriceUse::Trigger, PriceUse::Limit].iter().any(|u| !matches!(cg.price(f, now, *u), Ok(Ok(_)))))
            });
            if refused_held {
                assert_eq!((dec.action as u32, dec.reason), (0, Reason::PriceInvalid));
                legs.assert_untouched("legs of a refused price");
                assert_eq!(state.in_liquidation, 1, "state written for a refused price");
            }
            if dec.reason == Reason::PriceInvalid {
                assert!(refused_held, "PriceInvalid without a refused held feed");
            }
            // The legs are the core's, figure by figure.
            for (k, c) in core_legs.iter().take(dec.plan.leg_count).enumerate() {
                let o = legs.read(k);
                assert_eq!(
                    (o.position_index, o.size_delta, o.limit_price, o.expected_cash, o.expected_fee),
                    (c.position_index, c.size_delta.0, c.limit_price.0, c.expected_cash.0, c.expected_fee.0)
                );
            }
            if !refused_held {
                // The order limit: with a flat band, each leg's limit is the
                // band around its market's limit source held to the mark's
                // envelope; with the limit source the trigger's, the guarded
                // pipeline is the plain one.
                if cp.ramps.band == partliq::BandRamp::Flat {
                    for c in core_legs.iter().take(dec.plan.leg_count) {
                        let i = c.position_index as usize;
                        let m = v.positions[i].market_index as usize;
                        let reference = cg.price(&core_feeds[m], now, PriceUse::Limit).unwrap().unwrap();
                        let want = partliq::limit_price_around(&v.pool(), &v.markets, &v.prices, i, cp.price_band, reference);
                        assert_eq!(Ok(c.limit_price), want, "limit around the limit source");
                    }
                }
                let same_source = v.positions.iter().filter(|p| p.size.0 != 0).all(|p| {
                    let f = &core_feeds[p.market_index as usize];
                    cg.price(f, now, PriceUse::Limit).ok() == cg.price(f, now, PriceUse::Trigger).ok()
                });
                if same_source && dec.reason != Reason::GracePeriod {
                    let mut pst = AccountLiquidationState { in_liquidation: true, ..Default::default() };
                    let mut plain_legs = vec![partliq::PlanLeg::default(); n];
                    let plain = partliq::run_pipeline(&v.pool(), &v.markets, &v.prices, &cp, &mut pst, &mut [], now, 1, &mut plain_legs);
                    assert_eq!((plain, pst, &plain_legs), (Ok(dec), cst, &core_legs), "same limit source, not the plain pipeline");
                }
            }
        }
    }
    if st != PARTLIQ_STATUS_OK {
        d.assert_untouched("guarded decision");
        legs.assert_untouched("guarded legs");
        assert_eq!(state, partliq_account_liquidation_state { in_liquidation: 1, ..Default::default() });
    }
});
