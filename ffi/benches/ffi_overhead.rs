//! Fifty-two of the C entry points: thirty-eight that take positions — the perp
//! pool's health, sizing, planning, pricing, settlement, backstop,
//! pipelines (plain, reserving, guarded) and batches, ADL ranking and
//! deleveraging, dYdX's position and subaccount risk (and its batch) and
//! per-position liquidation helpers (bankruptcy price, fillable price,
//! insurance fund delta, notional limits, size delta), unified account and
//! pool health, legs (sizing, settlement), planner, liquidation (plain,
//! guarded), pipeline, delisting and pool count, lending health,
//! liquidation and least debt to cover — and fourteen of the per-tick
//! path: the batch scanner (scan, confirm), the perp liquidation-price
//! index (insert, remove, re-key, candidates of a mark, crossed by a move)
//! and the unified scan, price move, move index (insert, remove, re-key,
//! candidates) and confirmation — each called through its
//! `extern "C"` symbol from Rust (`partliq_ffi::partliq_*`) next to the
//! direct core call on identical inputs, in the same run. Before timing,
//! each pair is run once and the two results are asserted equal (`pair`).
//! The README's performance section has the figures, run by run.
//!
//! **Goal:** each C ABI call ≤ 1.1× its direct call (the boundary's NULL,
//! length, alignment and reserved-field checks, the decoding of enums and
//! structs and the status mapping cost under 10 %).
//!
//! Inputs: the benchmarks' shared markets (`benches/common`): `1` is the
//! README's liquidatable long (one position), `16` sixteen positions on
//! sixteen markets with too little collateral (liquidatable). The batch
//! entry points take sixteen such accounts; ADL one or sixteen short
//! counterparties. The pipeline's account and market states are reset
//! before each call (both sides alike), so every iteration decides the
//! same thing. The per-tick path runs on 1,000 accounts (the `scan` and
//! `index` benches' populations), its scanner and indexes built once in
//! both forms (asserted to hold the same entries).
#![allow(missing_docs, unsafe_code, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

// The benchmarks' shared markets and populations (the core's benches).
#[path = "../../benches/common/mod.rs"]
mod common;

use common::*;
use criterion::measurement::WallTime;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion};
use partliq::escalation::{backstop_transfer, deleverage, rank_adl, AdlCandidate, AdlFill, AdlMode};
use partliq::health::Target;
use partliq::policy::{AccountLiquidationState, MarketCapacityState, Policy};
use partliq::unified::*;
use partliq::venues::dydx_v4::{self as dydx, FillablePriceConfig};
use partliq::*;
use partliq_ffi::*;
use std::fmt::Debug;

/// Runs `direct` and `c_abi` once, asserts `agree` on their results, then
/// times both as `direct/{case}` and `c_abi/{case}` in `g`.
fn pair<D: Debug, C: Debug>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    case: &str,
    mut direct: impl FnMut() -> D,
    mut c_abi: impl FnMut() -> C,
    agree: impl FnOnce(&D, &C) -> bool,
) {
    let (d, c) = (direct(), c_abi());
    assert!(agree(&d, &c), "{case}: direct {d:?} != C ABI {c:?}");
    g.bench_function(format!("direct/{case}"), |b| b.iter(&mut direct));
    g.bench_function(format!("c_abi/{case}"), |b| b.iter(&mut c_abi));
}

fn c_market(m: &Market) -> partliq_market {
    let mut tiers = [partliq_margin_tier { notional_floor: 0, initial_ppm: 0, maintenance_ppm: 0 }; PARTLIQ_MAX_TIERS];
    for (t, s) in tiers.iter_mut().zip(m.tiers.iter()) {
        *t = partliq_margin_tier { notional_floor: s.notional_floor.0, initial_ppm: s.initial.0, maintenance_ppm: s.maintenance.0 };
    }
    partliq_market {
        id: m.id,
        quote_exponent: m.quote_exponent,
        lot_step: m.lot_step.0,
        tick: m.tick.0,
        tiers,
        tier_count: m.tier_count,
        liquidation_fee_ppm: m.liquidation_fee.0,
        liquidator_fee_share_ppm: m.liquidator_fee_share.0,
        liquidation_fee_rounding: 0,
        dust_floor: m.dust_floor.0,
    }
}

fn c_position(p: &Position) -> partliq_position {
    partliq_position { market_index: p.market_index, reserved: 0, size: p.size.0, quote_balance: p.quote_balance.0 }
}

/// One pool in both forms: the core's and the C ABI's.
struct Book {
    name: &'static str,
    ms: Vec<Market>,
    ps: Vec<Price>,
    coll: Quote,
    pos: Vec<Position>,
    cm: Vec<partliq_market>,
    cprices: Vec<i64>,
    cpos: Vec<partliq_position>,
}

impl Book {
    fn new(name: &'static str, (ms, ps, coll, pos): (Vec<Market>, Vec<Price>, Quote, Vec<Position>)) -> Self {
        let cm = ms.iter().map(c_market).collect();
        let cprices = ps.iter().map(|p| p.0).collect();
        let cpos = pos.iter().map(c_position).collect();
        let b = Book { name, ms, ps, coll, pos, cm, cprices, cpos };
        assert_ne!(pool_health(&b.pool(), &b.ms, &b.ps).unwrap().state, HealthState::Healthy, "{name}");
        b
    }

    fn pool(&self) -> Pool<'_> {
        Pool::new(self.coll, &self.pos)
    }

    /// Half of position 0, closing (lot-aligned: sizes are multiples of 10^7).
    fn half_close(&self) -> i64 {
        -self.pos[0].size.0 / 2
    }
}

/// The books: one position, and sixteen (0.1–1.6 BTC on sixteen markets,
/// 30,000 USD of collateral: equity about 29,000 USD against a maintenance
/// requirement about 39,000 USD).
fn books() -> [Book; 2] {
    let (ms, ps) = markets(single_tier(), 16);
    [Book::new("1", liquidatable(false)), Book::new("16", (ms, ps, Quote(30_000 * USD), pool_positions(16)))]
}

/// `f(markets, markets_len, prices, prices_len, collateral, positions,
/// positions_len, rest…)` on a book, its arrays through `black_box`.
macro_rules! c_pool {
    ($f:ident, $b:expr $(, $rest:expr)* $(,)?) => {
        // SAFETY: every pointer comes from a live Vec with its length; the
        // outputs are distinct live borrows.
        unsafe {
            $f(
                black_box($b.cm.as_ptr()),
                $b.cm.len(),
                black_box($b.cprices.as_ptr()),
                $b.cprices.len(),
                $b.coll.0,
                black_box($b.cpos.as_ptr()),
                $b.cpos.len(),
                $($rest),*
            )
        }
    };
}

fn ok<T: Copy>(st: partliq_status, out: T) -> (partliq_status, T) {
    assert_eq!(st, PARTLIQ_STATUS_OK);
    (st, out)
}

fn health(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_pool_health");
    for n in [1usize, 4, 16] {
        let (ms, ps) = markets(single_tier(), n);
        let positions = pool_positions(n);
        let b = Book {
            name: "",
            cm: ms.iter().map(c_market).collect(),
            cprices: ps.iter().map(|p| p.0).collect(),
            cpos: positions.iter().map(c_position).collect(),
            ms,
            ps,
            coll: Quote(200_000 * USD),
            pos: positions,
        };
        let mut out = partliq_health::default();
        pair(
            &mut g,
            &format!("healthy_{n}"),
            || pool_health(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps)).unwrap(),
            || ok(c_pool!(partliq_pool_health, b, &mut out), out),
            |d, c| partliq_health::from(d) == c.1,
        );
    }
    for b in &books() {
        let mut out = partliq_health::default();
        pair(
            &mut g,
            b.name,
            || pool_health(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps)).unwrap(),
            || ok(c_pool!(partliq_pool_health, b, &mut out), out),
            |d, c| partliq_health::from(d) == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_account_health");
    for b in &books() {
        let mut out = partliq_health::default();
        pair(
            &mut g,
            b.name,
            || {
                let a = Account { collateral: b.coll, positions: black_box(&b.pos), mode: MarginMode::Isolated };
                account_health(&a, black_box(&b.ms), black_box(&b.ps)).unwrap()
            },
            || ok(c_pool!(partliq_account_health, b, partliq_margin_mode::Isolated as u32, &mut out), out),
            |d, c| partliq_health::from(d) == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_backstop_transfer");
    for b in &books() {
        let mut out = partliq_backstop::default();
        pair(
            &mut g,
            b.name,
            || backstop_transfer(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps)).unwrap(),
            || ok(c_pool!(partliq_backstop_transfer, b, &mut out), out),
            |d, c| partliq_backstop::from(d) == c.1,
        );
    }
    g.finish();
}

fn sizing_and_plan(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_minimal_close");
    let (ms, ps, coll, pos) = liquidatable(true);
    let tiered = Book::new("1_16_tiers", (ms, ps, coll, pos));
    for b in books().iter().chain([&tiered]) {
        let req = close_request(&b.pool(), &b.ms, &b.ps);
        let creq = partliq_close_request {
            position_index: 0,
            target: partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: 50_000 },
            reserved: 0,
            execution_price: req.execution_price.0,
        };
        let mut out = partliq_close_sizing::default();
        pair(
            &mut g,
            b.name,
            || minimal_close(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), black_box(&req)).unwrap(),
            || ok(c_pool!(partliq_minimal_close, b, black_box(&creq), &mut out), out),
            |d, c| {
                (c.1.size_delta, c.1.expected_fee, c.1.health_after)
                    == (d.size_delta.0, d.expected_fee.0, partliq_health::from(&d.health_after))
            },
        );
    }
    g.finish();

    let params = PlanParams {
        target: Target::Maintenance { buffer: Ppm(50_000) },
        price_band: Ppm(2_000),
        order: PlanOrder::LargestMaintenanceFirst,
    };
    let cparams = partliq_plan_params {
        target: partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: 50_000 },
        price_band_ppm: 2_000,
        order: partliq_plan_order::LargestMaintenanceFirst as u32,
    };
    let same_plan = |d: &Plan, dl: &[PlanLeg], c: &partliq_plan, cl: &[partliq_plan_leg]| {
        (c.status, c.leg_count as usize, c.health_after) == (d.status as u32, d.leg_count, partliq_health::from(&d.health_after))
            && dl.iter().zip(cl).take(d.leg_count).all(|(x, y)| (x.size_delta.0, x.limit_price.0) == (y.size_delta, y.limit_price))
    };
    let mut g = c.benchmark_group("ffi_plan_liquidation");
    for b in &books() {
        let n = b.pos.len();
        let mut legs = vec![PlanLeg::default(); n];
        let mut clegs = vec![partliq_plan_leg::default(); n];
        let mut out = partliq_plan::default();
        let d = plan_liquidation(&b.pool(), &b.ms, &b.ps, &params, &mut legs).unwrap();
        let st = c_pool!(partliq_plan_liquidation, b, &cparams, clegs.as_mut_ptr(), n, &mut out);
        assert!(st == PARTLIQ_STATUS_OK && same_plan(&d, &legs, &out, &clegs), "{}", b.name);
        pair(
            &mut g,
            b.name,
            || plan_liquidation(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), black_box(&params), &mut legs).unwrap().leg_count,
            || ok(c_pool!(partliq_plan_liquidation, b, black_box(&cparams), clegs.as_mut_ptr(), n, &mut out), out.leg_count as usize),
            |d, c| *d == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_plan_liquidation_batch");
    for b in &books() {
        let n = b.pos.len();
        let accounts = 16;
        let cpos: Vec<partliq_position> = (0..accounts).flat_map(|_| b.cpos.iter().copied()).collect();
        let cacc: Vec<partliq_batch_account> = (0..accounts)
            .map(|a| partliq_batch_account { collateral: b.coll.0, first_position: (a * n) as u32, position_count: n as u32 })
            .collect();
        let mut legs = vec![PlanLeg::default(); n * accounts];
        let mut plans = vec![0usize; accounts];
        let mut clegs = vec![partliq_plan_leg::default(); n * accounts];
        let mut cplans = vec![partliq_plan::default(); accounts];
        let mut statuses = vec![PARTLIQ_STATUS_OK; accounts];
        pair(
            &mut g,
            &format!("16x{}", b.name),
            || {
                for (l, p) in legs.chunks_exact_mut(n).zip(plans.iter_mut()) {
                    let pool = Pool::new(b.coll, black_box(&b.pos));
                    *p = plan_liquidation(&pool, black_box(&b.ms), black_box(&b.ps), black_box(&params), l).unwrap().leg_count;
                }
                black_box(plans[accounts - 1])
            },
            || {
                // SAFETY: every pointer comes from a live Vec with its length.
                let st = unsafe {
                    partliq_plan_liquidation_batch(
                        black_box(b.cm.as_ptr()),
                        b.cm.len(),
                        b.cprices.as_ptr(),
                        b.cprices.len(),
                        black_box(cacc.as_ptr()),
                        accounts,
                        black_box(cpos.as_ptr()),
                        cpos.len(),
                        black_box(&cparams),
                        clegs.as_mut_ptr(),
                        clegs.len(),
                        n,
                        cplans.as_mut_ptr(),
                        statuses.as_mut_ptr(),
                        accounts,
                    )
                };
                assert_eq!(st, PARTLIQ_STATUS_OK);
                black_box(cplans[accounts - 1].leg_count as usize)
            },
            |d, c| d == c && *d > 0,
        );
        assert!(statuses.iter().all(|s| *s == PARTLIQ_STATUS_OK));
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_pool_health_batch");
    for b in &books() {
        let n = b.pos.len();
        let accounts = 16;
        let cpos: Vec<partliq_position> = (0..accounts).flat_map(|_| b.cpos.iter().copied()).collect();
        let cacc: Vec<partliq_batch_account> = (0..accounts)
            .map(|a| partliq_batch_account { collateral: b.coll.0, first_position: (a * n) as u32, position_count: n as u32 })
            .collect();
        let mut hs = vec![None; accounts];
        let mut chs = vec![partliq_health::default(); accounts];
        let mut statuses = vec![PARTLIQ_STATUS_OK; accounts];
        pair(
            &mut g,
            &format!("16x{}", b.name),
            || {
                for h in hs.iter_mut() {
                    *h = pool_health(&Pool::new(b.coll, black_box(&b.pos)), black_box(&b.ms), black_box(&b.ps)).ok();
                }
                black_box(hs[accounts - 1])
            },
            || {
                // SAFETY: every pointer comes from a live Vec with its length.
                let st = unsafe {
                    partliq_pool_health_batch(
                        black_box(b.cm.as_ptr()),
                        b.cm.len(),
                        b.cprices.as_ptr(),
                        b.cprices.len(),
                        black_box(cacc.as_ptr()),
                        accounts,
                        black_box(cpos.as_ptr()),
                        cpos.len(),
                        chs.as_mut_ptr(),
                        statuses.as_mut_ptr(),
                        accounts,
                    )
                };
                assert_eq!(st, PARTLIQ_STATUS_OK);
                black_box(chs[accounts - 1])
            },
            |d, c| partliq_health::from(&d.unwrap()) == *c,
        );
        assert!(statuses.iter().all(|s| *s == PARTLIQ_STATUS_OK));
    }
    g.finish();
}

fn pricing_and_settlement(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_bankruptcy_price");
    for b in &books() {
        let delta = b.half_close();
        let mut out = partliq_bankruptcy::default();
        pair(
            &mut g,
            b.name,
            || bankruptcy_price(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), 0, Size(black_box(delta))).unwrap(),
            || ok(c_pool!(partliq_bankruptcy_price, b, 0, black_box(delta), &mut out), out),
            |d, c| (d.quote.0, d.price.0) == (c.1.quote, c.1.price),
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_limit_price");
    for b in &books() {
        let mut out = 0i64;
        pair(
            &mut g,
            b.name,
            || limit_price(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), 0, Ppm(black_box(2_000))).unwrap(),
            || ok(c_pool!(partliq_limit_price, b, 0, black_box(2_000), &mut out), out),
            |d, c| d.0 == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_fillable_limit_price");
    let config = FillablePriceConfig { bankruptcy_adjustment_ppm: 1_000_000, spread_to_maintenance_margin_ratio_ppm: 1_500_000 };
    for b in &books() {
        let mut out = 0i64;
        pair(
            &mut g,
            b.name,
            || fillable_limit_price(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), 0, black_box(&config)).unwrap(),
            || ok(c_pool!(partliq_fillable_limit_price, b, 0, black_box(1_000_000), 1_500_000, &mut out), out),
            |d, c| d.0 == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_estimated_liquidation_price");
    for b in &books() {
        let mut out = partliq_liquidation_price::default();
        pair(
            &mut g,
            b.name,
            || estimated_liquidation_price(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), black_box(0)).unwrap(),
            || ok(c_pool!(partliq_estimated_liquidation_price, b, black_box(0), &mut out), out),
            |d, c| partliq_liquidation_price::from(*d) == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_settle_fill");
    for b in &books() {
        let price = limit_price(&b.pool(), &b.ms, &b.ps, 0, Ppm(2_000)).unwrap();
        let fill = Fill { position_index: 0, size_delta: Size(b.half_close()), price };
        let cfill = partliq_fill { position_index: 0, reserved: 0, size_delta: fill.size_delta.0, price: price.0 };
        let mut out = partliq_settlement::default();
        pair(
            &mut g,
            b.name,
            || settle_fill(black_box(&b.pool()), black_box(&b.ms), black_box(&b.ps), black_box(&fill)).unwrap(),
            || ok(c_pool!(partliq_settle_fill, b, black_box(&cfill), &mut out), out),
            |d, c| partliq_settlement::from(d) == c.1,
        );
    }
    g.finish();
}

/// The pipeline's mutable inputs in both forms, reset before each call
/// (both sides alike) so every iteration decides the same thing.
struct PipelineState {
    state0: AccountLiquidationState,
    cstate0: partliq_account_liquidation_state,
    ms0: Vec<MarketCapacityState>,
    cms0: Vec<partliq_market_capacity_state>,
}

impl PipelineState {
    fn new(n: usize) -> Self {
        let state0 = AccountLiquidationState::default();
        PipelineState {
            cstate0: partliq_account_liquidation_state::from(&state0),
            state0,
            ms0: vec![MarketCapacityState::default(); n],
            cms0: vec![partliq_market_capacity_state::default(); n],
        }
    }
}

/// Times one pipeline entry point on a book: `direct(state, market
/// states, legs)` and `c_abi(state, market states, legs, out)`, their
/// states reset before each call, decisions compared.
fn pipeline_pair(
    g: &mut BenchmarkGroup<'_, WallTime>,
    b: &Book,
    mut direct: impl FnMut(&mut AccountLiquidationState, &mut [MarketCapacityState], &mut [PlanLeg]) -> Decision,
    mut c_abi: impl FnMut(
        &mut partliq_account_liquidation_state,
        &mut [partliq_market_capacity_state],
        &mut [partliq_plan_leg],
        &mut partliq_decision,
    ) -> partliq_status,
) {
    let n = b.pos.len();
    let s = PipelineState::new(n);
    let (mut state, mut mstates, mut legs) = (s.state0, s.ms0.clone(), vec![PlanLeg::default(); n]);
    let (mut cstate, mut cmstates, mut clegs) = (s.cstate0, s.cms0.clone(), vec![partliq_plan_leg::default(); n]);
    let mut out = partliq_decision::default();
    pair(
        g,
        b.name,
        || {
            state = s.state0;
            mstates.copy_from_slice(&s.ms0);
            let d = direct(&mut state, &mut mstates, &mut legs);
            (d.action as u32, d.reason as u32, d.plan.leg_count, partliq_health::from(&d.plan.health_after))
        },
        || {
            cstate = s.cstate0;
            cmstates.copy_from_slice(&s.cms0);
            assert_eq!(c_abi(&mut cstate, &mut cmstates, &mut clegs, &mut out), PARTLIQ_STATUS_OK);
            (out.action, out.reason, out.plan.leg_count as usize, out.plan.health_after)
        },
        |d, c| d == c && d.2 > 0,
    );
}

/// The price guard of the guarded benches: staleness 60 s, confidence
/// 1 %, deviation 5 %, the oracle price throughout.
const GUARD: PriceGuard = PriceGuard {
    max_staleness: 60,
    max_confidence: Ppm(10_000),
    max_deviation: Ppm(50_000),
    trigger: PriceSource::Oracle,
    initial: PriceSource::Oracle,
    limit: PriceSource::Oracle,
};

/// `GUARD` in the C ABI's form.
fn c_guard() -> partliq_price_guard {
    partliq_price_guard {
        max_staleness: GUARD.max_staleness,
        max_confidence_ppm: GUARD.max_confidence.0,
        max_deviation_ppm: GUARD.max_deviation.0,
        trigger: GUARD.trigger as u32,
        initial: GUARD.initial as u32,
        limit: GUARD.limit as u32,
        reserved: 0,
    }
}

/// One feed per price, published at `now`, index and mark at the oracle
/// price, confidence 0.1 % of it; in both forms.
fn fresh_feeds(prices: &[Price], now: u64) -> (Vec<PriceFeed>, Vec<partliq_price_feed>) {
    let feeds: Vec<PriceFeed> = prices
        .iter()
        .map(|p| PriceFeed { oracle: *p, publish_time: now, confidence: Price(p.0 / 1_000), index: *p, mark: *p, grace_until: 0 })
        .collect();
    let cfeeds = feeds
        .iter()
        .map(|f| partliq_price_feed {
            oracle: f.oracle.0,
            publish_time: f.publish_time,
            confidence: f.confidence.0,
            index: f.index.0,
            mark: f.mark.0,
            grace_until: f.grace_until,
        })
        .collect();
    (feeds, cfeeds)
}

fn pipeline(c: &mut Criterion) {
    let policy = Policy::default();
    let cpolicy = partliq_policy::from(&policy);
    let (now, block) = (1_000_000u64, 100u64);
    let mut g = c.benchmark_group("ffi_run_pipeline");
    for b in &books() {
        pipeline_pair(
            &mut g,
            b,
            |st, ms, legs| run_pipeline(black_box(&b.pool()), &b.ms, &b.ps, black_box(&policy), st, ms, now, block, legs).unwrap(),
            |st, ms, legs, out| {
                c_pool!(
                    partliq_run_pipeline,
                    b,
                    black_box(&cpolicy),
                    st,
                    ms.as_mut_ptr(),
                    ms.len(),
                    now,
                    block,
                    legs.as_mut_ptr(),
                    legs.len(),
                    out
                )
            },
        );
    }
    g.finish();

    // Reserving: one reservation slot per leg, emptied before each call.
    let mut g = c.benchmark_group("ffi_run_pipeline_reserving");
    for b in &books() {
        let n = b.pos.len();
        let mut res = vec![LegReservation::default(); n];
        let mut cres = vec![partliq_leg_reservation::default(); n];
        pipeline_pair(
            &mut g,
            b,
            |st, ms, legs| {
                res.fill(LegReservation::default());
                run_pipeline_reserving(black_box(&b.pool()), &b.ms, &b.ps, black_box(&policy), st, ms, now, block, legs, &mut res).unwrap()
            },
            |st, ms, legs, out| {
                cres.fill(partliq_leg_reservation::default());
                c_pool!(
                    partliq_run_pipeline_reserving,
                    b,
                    black_box(&cpolicy),
                    st,
                    ms.as_mut_ptr(),
                    ms.len(),
                    now,
                    block,
                    legs.as_mut_ptr(),
                    legs.len(),
                    cres.as_mut_ptr(),
                    cres.len(),
                    out
                )
            },
        );
    }
    g.finish();

    // Guarded: `GUARD` on fresh feeds.
    let cguard = c_guard();
    let mut g = c.benchmark_group("ffi_run_guarded_pipeline");
    for b in &books() {
        let (feeds, cfeeds) = fresh_feeds(&b.ps, now);
        pipeline_pair(
            &mut g,
            b,
            |st, ms, legs| {
                run_guarded_pipeline(
                    black_box(&b.pool()),
                    &b.ms,
                    &b.ps,
                    black_box(&feeds),
                    black_box(&GUARD),
                    black_box(&policy),
                    st,
                    ms,
                    now,
                    block,
                    legs,
                )
                .unwrap()
            },
            |st, ms, legs, out| {
                c_pool!(
                    partliq_run_guarded_pipeline,
                    b,
                    black_box(cfeeds.as_ptr()),
                    cfeeds.len(),
                    black_box(&cguard),
                    black_box(&cpolicy),
                    st,
                    ms.as_mut_ptr(),
                    ms.len(),
                    now,
                    block,
                    legs.as_mut_ptr(),
                    legs.len(),
                    out
                )
            },
        );
    }
    g.finish();
}

/// A dYdX BTC-style position of `tenths` × 0.1 BTC (atomic resolution −10)
/// at 57,000 USDC, entered at 56,000: initial 5 %, maintenance 60 % of it.
fn dydx_position(id: u32, tenths: i64) -> dydx::DydxPosition {
    let quantums = i128::from(tenths) * 1_000_000_000;
    dydx::DydxPosition {
        perpetual: dydx::DydxPerpetual {
            id,
            atomic_resolution: -10,
            open_interest: 0,
            liquidity_tier: dydx::LiquidityTier {
                initial_margin_ppm: 50_000,
                maintenance_fraction_ppm: 600_000,
                open_interest_lower_cap: 0,
                open_interest_upper_cap: 0,
            },
        },
        price: dydx::MarketPrice { price: 5_700_000_000, exponent: -5 },
        quantums,
        // 10^-6 USDC quantums: −(quantums × 10^-10 BTC) × 56,000 USDC.
        quote_balance: -quantums * 56 / 10,
    }
}

fn c_dydx(p: &dydx::DydxPosition) -> partliq_dydx_position {
    let t = p.perpetual.liquidity_tier;
    partliq_dydx_position {
        perpetual_id: p.perpetual.id,
        atomic_resolution: p.perpetual.atomic_resolution,
        open_interest: p.perpetual.open_interest as i64,
        liquidity_tier: partliq_dydx_liquidity_tier {
            initial_margin_ppm: t.initial_margin_ppm,
            maintenance_fraction_ppm: t.maintenance_fraction_ppm,
            open_interest_lower_cap: t.open_interest_lower_cap,
            open_interest_upper_cap: t.open_interest_upper_cap,
        },
        price: p.price.price,
        price_exponent: p.price.exponent,
        reserved: 0,
        quantums: p.quantums as i64,
        quote_balance: p.quote_balance as i64,
    }
}

fn c_batch_dydx(p: &partliq_dydx_position) -> partliq_batch_dydx_position {
    partliq_batch_dydx_position {
        perpetual_id: p.perpetual_id,
        atomic_resolution: p.atomic_resolution,
        open_interest: p.open_interest,
        initial_margin_ppm: p.liquidity_tier.initial_margin_ppm,
        maintenance_fraction_ppm: p.liquidity_tier.maintenance_fraction_ppm,
        open_interest_lower_cap: p.liquidity_tier.open_interest_lower_cap,
        open_interest_upper_cap: p.liquidity_tier.open_interest_upper_cap,
        price: p.price,
        price_exponent: p.price_exponent,
        reserved: 0,
        quantums: p.quantums,
        quote_balance: p.quote_balance,
    }
}

/// The value of a C 128-bit integer.
fn wide(v: partliq_i128) -> i128 {
    (i128::from(v.hi) << 64) | i128::from(v.lo)
}

fn same_risk(d: &dydx::Risk, c: &partliq_dydx_risk) -> bool {
    (d.mmr, d.imr, d.nc) == (i128::from(c.mmr), i128::from(c.imr), i128::from(c.nc))
}

fn dydx_v4(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_dydx_position_risk");
    let p = dydx_position(0, 10);
    let cp = c_dydx(&p);
    let mut out = partliq_dydx_risk::default();
    pair(
        &mut g,
        "1",
        || {
            let p = black_box(&p);
            p.perpetual.net_collateral_and_margin(p.price, p.quantums, p.quote_balance, 0).unwrap()
        },
        || {
            // SAFETY: both pointers are live borrows.
            let st = unsafe { partliq_dydx_position_risk(black_box(&cp), 0, &mut out) };
            ok(st, out)
        },
        |d, c| same_risk(d, &c.1),
    );
    g.finish();

    let usdc = 20_000_000_000i64;
    let mut g = c.benchmark_group("ffi_dydx_subaccount_risk");
    for n in [1i64, 16] {
        let ps: Vec<dydx::DydxPosition> = (1..=n).map(|i| dydx_position(i as u32, if i % 2 == 0 { -i } else { i })).collect();
        let cps: Vec<partliq_dydx_position> = ps.iter().map(c_dydx).collect();
        let mut out = partliq_dydx_risk::default();
        pair(
            &mut g,
            &n.to_string(),
            || dydx::subaccount_risk(i128::from(black_box(usdc)), black_box(&ps)).unwrap(),
            || {
                // SAFETY: the array is a live Vec with its length; out a live borrow.
                let st = unsafe { partliq_dydx_subaccount_risk(black_box(usdc), black_box(cps.as_ptr()), cps.len(), &mut out) };
                ok(st, out)
            },
            |d, c| same_risk(d, &c.1),
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_dydx_subaccount_risk_batch");
    for n in [1usize, 16] {
        let accounts = 16;
        let ps: Vec<dydx::DydxPosition> = (1..=n as i64).map(|i| dydx_position(i as u32, if i % 2 == 0 { -i } else { i })).collect();
        let cps: Vec<partliq_batch_dydx_position> = (0..accounts).flat_map(|_| ps.iter().map(|p| c_batch_dydx(&c_dydx(p)))).collect();
        let cacc: Vec<partliq_batch_account> = (0..accounts)
            .map(|a| partliq_batch_account { collateral: usdc, first_position: (a * n) as u32, position_count: n as u32 })
            .collect();
        let mut rs = vec![dydx::Risk::default(); accounts];
        let mut crs = vec![partliq_batch_dydx_risk::default(); accounts];
        let mut statuses = vec![PARTLIQ_STATUS_OK; accounts];
        pair(
            &mut g,
            &format!("16x{n}"),
            || {
                for r in rs.iter_mut() {
                    *r = dydx::subaccount_risk(i128::from(black_box(usdc)), black_box(&ps)).unwrap();
                }
                black_box((rs[accounts - 1], rs[accounts - 1].is_liquidatable()))
            },
            || {
                // SAFETY: every pointer comes from a live Vec with its length.
                let st = unsafe {
                    partliq_dydx_subaccount_risk_batch(
                        black_box(cacc.as_ptr()),
                        accounts,
                        black_box(cps.as_ptr()),
                        cps.len(),
                        crs.as_mut_ptr(),
                        statuses.as_mut_ptr(),
                        accounts,
                    )
                };
                ok(st, crs[accounts - 1])
            },
            |d, c| {
                (d.0.mmr, d.0.imr, d.0.nc, u32::from(d.1))
                    == (i128::from(c.1.mmr), i128::from(c.1.imr), i128::from(c.1.nc), c.1.liquidatable)
            },
        );
        assert!(statuses.iter().all(|s| *s == PARTLIQ_STATUS_OK));
    }
    g.finish();
}

/// dYdX's per-position liquidation helpers on the 1 BTC long of
/// `dydx_position(0, 10)` alone in its subaccount (USDC 0: net collateral
/// 1,000 USDC against a maintenance requirement of 3 % × 57,000 = 1,710),
/// closed whole; mainnet genesis config; BTC's CLOB pair (step 10^6 base
/// quantums, 10^5 subticks a tick, exponent −9: 57,000 USDC is
/// 5,700,000,000 subticks); the fill sells it at 56,500 USDC.
fn dydx_v4_helpers(c: &mut Criterion) {
    let p = dydx_position(0, 10);
    let cp = c_dydx(&p);
    let total = dydx::subaccount_risk(0, core::slice::from_ref(&p)).unwrap();
    assert!(total.is_liquidatable());
    let ctotal = partliq_dydx_risk { mmr: total.mmr as i64, imr: total.imr as i64, nc: total.nc as i64 };
    let delta = -p.quantums;
    let config = dydx::LiquidationConfig::mainnet_genesis();
    let mut cconfig = partliq_dydx_liquidation_config::default();
    // SAFETY: a live borrow.
    assert_eq!(unsafe { partliq_dydx_liquidation_config_mainnet_genesis(&mut cconfig) }, PARTLIQ_STATUS_OK);
    let clob = dydx::ClobPair { step_base_quantums: 1_000_000, subticks_per_tick: 100_000, quantum_conversion_exponent: -9 };
    let cclob = partliq_dydx_clob_pair { step_base_quantums: 1_000_000, subticks_per_tick: 100_000, quantum_conversion_exponent: -9 };
    let fill = dydx::LiquidationFill { is_buy: false, fill_amount: p.quantums as u64, subticks: 5_650_000_000 };
    let cfill = partliq_dydx_fill { fill_amount: fill.fill_amount, subticks: fill.subticks, is_buy: 0, reserved: 0 };

    let mut g = c.benchmark_group("ffi_dydx_bankruptcy_price_quote_quantums");
    let mut out = 0i64;
    pair(
        &mut g,
        "1",
        || dydx::bankruptcy_price_quote_quantums(black_box(&p), black_box(&total), black_box(i128::from(delta as i64))).unwrap(),
        // SAFETY (each C call below): every pointer is a live borrow.
        || {
            ok(
                unsafe {
                    partliq_dydx_bankruptcy_price_quote_quantums(black_box(&cp), black_box(&ctotal), black_box(delta as i64), &mut out)
                },
                out,
            )
        },
        |d, c| *d == i128::from(c.1),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_dydx_fillable_price");
    let mut out = partliq_dydx_rational::default();
    pair(
        &mut g,
        "1",
        || dydx::fillable_price(black_box(&p), black_box(&total), black_box(delta), black_box(&config.fillable_price_config)).unwrap(),
        || {
            ok(
                unsafe {
                    partliq_dydx_fillable_price(black_box(&cp), black_box(&ctotal), black_box(delta as i64), black_box(&cconfig), &mut out)
                },
                out,
            )
        },
        |d, c| (d.num(), d.den()) == (wide(c.1.num), wide(c.1.den)),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_dydx_insurance_fund_delta");
    let mut out = 0i64;
    pair(
        &mut g,
        "1",
        || dydx::liquidation_insurance_fund_delta(black_box(&p), black_box(&total), black_box(&clob), 5_000, black_box(&fill)).unwrap(),
        || {
            ok(
                unsafe {
                    partliq_dydx_insurance_fund_delta(
                        black_box(&cp),
                        black_box(&ctotal),
                        black_box(&cclob),
                        5_000,
                        black_box(&cfill),
                        &mut out,
                    )
                },
                out,
            )
        },
        |d, c| *d == i128::from(c.1),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_dydx_position_notional_limits");
    let mut out = partliq_dydx_notional_limits::default();
    pair(
        &mut g,
        "1",
        || dydx::max_and_min_position_notional_liquidatable(black_box(&p), black_box(&config.position_block_limits)).unwrap(),
        || ok(unsafe { partliq_dydx_position_notional_limits(black_box(&cp), black_box(&cconfig), &mut out) }, out),
        |d, c| (d.min, d.max) == (i128::from(c.1.min), i128::from(c.1.max)),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_dydx_liquidatable_size_delta");
    let mut out = 0i64;
    let info = dydx::SubaccountLiquidationInfo { perpetuals_liquidated: &[], notional_liquidated: 0, quantums_insurance_lost: 0 };
    pair(
        &mut g,
        "1",
        || dydx::liquidatable_position_size_delta(black_box(&p), black_box(&clob), black_box(&config), black_box(&info)).unwrap(),
        || {
            ok(
                unsafe {
                    partliq_dydx_liquidatable_size_delta(
                        black_box(&cp),
                        black_box(&cclob),
                        black_box(&cconfig),
                        core::ptr::null(),
                        0,
                        0,
                        0,
                        &mut out,
                    )
                },
                out,
            )
        },
        |d, c| *d == i128::from(c.1) && *d < 0,
    );
    g.finish();
}

/// An asset in the C ABI's form.
fn c_asset(a: &Asset) -> partliq_asset {
    partliq_asset {
        id: a.id,
        quote_exponent: a.quote_exponent,
        initial_asset_weight_ppm: a.initial_asset_weight.0,
        maintenance_asset_weight_ppm: a.maintenance_asset_weight.0,
        initial_liability_weight_ppm: a.initial_liability_weight.0,
        maintenance_liability_weight_ppm: a.maintenance_liability_weight.0,
        imf_factor_ppm: a.imf_factor.0,
        reserved: 0,
        imf_unit: a.imf_unit,
    }
}

/// A balance in the C ABI's form.
fn c_balance(x: &AssetBalance) -> partliq_asset_balance {
    partliq_asset_balance { asset_index: x.asset_index, reserved: 0, amount: x.amount }
}

/// A perp position of a unified account in the C ABI's form.
fn c_perp(p: &PerpPosition) -> partliq_perp_position {
    partliq_perp_position {
        market_index: p.market_index,
        margin: p.margin as u32,
        size: p.size.0,
        quote_balance: p.quote_balance.0,
        last_funding_index: p.last_funding_index,
        open_bids: p.open_bids.0,
        open_asks: p.open_asks.0,
    }
}

/// A margin ladder in the C ABI's form.
fn c_ladder(l: &MarginLadder) -> partliq_margin_ladder {
    partliq_margin_ladder {
        warning_ppm: l.warning_ppm,
        reduce_only_ppm: l.reduce_only_ppm,
        liquidation_ppm: l.liquidation_ppm,
        backstop_ppm: l.backstop_ppm,
    }
}

/// A unified account and its book in both forms: USDC at par and SOL
/// (e = −9, weights 80 / 90 % and 120 / 110 %) at 150 USD; cross perp
/// positions on the perp book's markets (funding index 0).
struct Unified {
    name: &'static str,
    b: Book,
    funding: Vec<i64>,
    assets: Vec<Asset>,
    asset_prices: Vec<Price>,
    balances: Vec<AssetBalance>,
    positions: Vec<PerpPosition>,
    c_assets: Vec<partliq_asset>,
    c_asset_prices: Vec<i64>,
    c_balances: Vec<partliq_asset_balance>,
    c_positions: Vec<partliq_perp_position>,
    ladder: MarginLadder,
    c_ladder: partliq_margin_ladder,
}

impl Unified {
    /// The perp book's positions as cross positions, its collateral as
    /// SOL worth a third of it (90 % maintenance weight) and USDC.
    fn new(b: Book) -> Self {
        let sol = Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)));
        let assets = vec![Asset::at_par(0), sol];
        // SOL at 150 USD in µUSD per lamport (× 10^-9): 150,000,000 × 10^-9.
        let asset_prices = vec![Price(1), Price(150_000_000)];
        let sol_lamports = b.coll.0 / 3 / 150 * 1_000;
        let balances =
            vec![AssetBalance { asset_index: 1, amount: sol_lamports }, AssetBalance { asset_index: 0, amount: b.coll.0 - b.coll.0 / 3 }];
        let positions: Vec<PerpPosition> = b.pos.iter().map(|p| PerpPosition::cross(p.market_index, p.size, p.quote_balance)).collect();
        let c_assets = assets.iter().map(c_asset).collect();
        let c_balances = balances.iter().map(c_balance).collect();
        let c_positions = positions.iter().map(c_perp).collect();
        let ladder = MarginLadder::STANDARD;
        let c_ladder = c_ladder(&ladder);
        Unified {
            name: b.name,
            funding: vec![0; b.ms.len()],
            c_asset_prices: asset_prices.iter().map(|p| p.0).collect(),
            b,
            assets,
            asset_prices,
            balances,
            positions,
            c_assets,
            c_balances,
            c_positions,
            ladder,
            c_ladder,
        }
    }

    fn book(&self) -> MarginBook<'_> {
        MarginBook {
            markets: &self.b.ms,
            prices: &self.b.ps,
            funding_indexes: &self.funding,
            perp_risk: &[],
            assets: &self.assets,
            asset_prices: &self.asset_prices,
        }
    }

    fn account(&self) -> UnifiedAccount<'_> {
        UnifiedAccount { balances: &self.balances, positions: &self.positions }
    }
}

/// `f(markets…, positions, positions_len, rest…)`: a unified entry point on
/// the book and account's eight arrays, through `black_box`.
macro_rules! c_unified {
    ($f:ident, $u:expr $(, $rest:expr)* $(,)?) => {
        // SAFETY: every pointer comes from a live Vec with its length (NULL
        // with 0 for the empty perp risk); the outputs are distinct borrows.
        unsafe {
            $f(
                black_box($u.b.cm.as_ptr()),
                $u.b.cm.len(),
                black_box($u.b.cprices.as_ptr()),
                $u.b.cprices.len(),
                $u.funding.as_ptr(),
                $u.funding.len(),
                core::ptr::null(),
                0,
                black_box($u.c_assets.as_ptr()),
                $u.c_assets.len(),
                $u.c_asset_prices.as_ptr(),
                $u.c_asset_prices.len(),
                black_box($u.c_balances.as_ptr()),
                $u.c_balances.len(),
                black_box($u.c_positions.as_ptr()),
                $u.c_positions.len(),
                $($rest),*
            )
        }
    };
}

fn unified_books() -> Vec<Unified> {
    books().into_iter().map(Unified::new).collect()
}

fn unified(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_unified_account_health");
    for u in &unified_books() {
        let mut out = partliq_unified_health::default();
        pair(
            &mut g,
            u.name,
            || unified_account_health(black_box(&u.account()), black_box(&u.book()), black_box(&u.ladder)).unwrap(),
            || ok(c_unified!(partliq_unified_account_health, u, black_box(&u.c_ladder), &mut out), out),
            |d, c| partliq_unified_health::from(d) == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_unified_pool_health");
    for u in &unified_books() {
        let mut out = partliq_unified_health::default();
        pair(
            &mut g,
            u.name,
            || unified_pool_health(&black_box(&u.account()).pool(0).unwrap(), black_box(&u.book()), black_box(&u.ladder)).unwrap(),
            || ok(c_unified!(partliq_unified_pool_health, u, 0, black_box(&u.c_ladder), &mut out), out),
            |d, c| partliq_unified_health::from(d) == c.1,
        );
    }
    g.finish();
}

/// A C 128-bit figure given as `hi`, `lo`.
fn wide2(hi: i64, lo: u64) -> i128 {
    wide(partliq_i128 { hi, lo })
}

/// The unified benches' leg terms in both forms: liquidator bonus 1 % and
/// insurance fee 0.5 % on both assets, perp band 0.2 %, maintenance + 5 %
/// (the returned `LegTerms` borrows no fees: set `asset_fees`).
fn leg_terms() -> ([AssetLiquidationFees; 2], [partliq_asset_liquidation_fees; 2], LegTerms<'static>, partliq_leg_terms) {
    let fees = [AssetLiquidationFees { liquidator_bonus: Ppm(10_000), insurance_fee: Ppm(5_000) }; 2];
    let cfees = [partliq_asset_liquidation_fees { liquidator_bonus_ppm: 10_000, insurance_fee_ppm: 5_000 }; 2];
    let terms = LegTerms { asset_fees: &[], perp_band: Ppm(2_000), target: Target::Maintenance { buffer: Ppm(50_000) }, perp_limit: None };
    let cterms = partliq_leg_terms {
        target: partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: 50_000 },
        perp_band_ppm: 2_000,
        reserved: 0,
    };
    (fees, cfees, terms, cterms)
}

/// Unified legs on the cross pool: the least reduction of position 0 at
/// maintenance + 5 % (`size_leg`) and the settlement of that leg
/// (`settle_leg`), liquidator bonus 1 % and insurance fee 0.5 % on both
/// assets; the pool count of the account's positions.
fn unified_legs(c: &mut Criterion) {
    let (fees, cfees, terms, cterms) = leg_terms();
    let terms = LegTerms { asset_fees: &fees, ..terms };
    let books = unified_books();
    let reduce = UnifiedLeg {
        kind: LegKind::ReducePerp,
        position_index: 0,
        liability_asset: PARTLIQ_NO_INDEX,
        collateral_asset: PARTLIQ_NO_INDEX,
        amount: 0,
    };
    let creduce = partliq_unified_leg::from(&reduce);

    let mut g = c.benchmark_group("ffi_unified_size_leg");
    for u in &books {
        let mut out = partliq_leg_sizing::default();
        pair(
            &mut g,
            u.name,
            || size_leg(black_box(&u.account()), 0, black_box(&u.book()), black_box(&terms), black_box(&reduce)).unwrap(),
            || {
                ok(
                    c_unified!(
                        partliq_unified_size_leg,
                        u,
                        0,
                        cfees.as_ptr(),
                        cfees.len(),
                        black_box(&cterms),
                        black_box(&creduce),
                        &mut out
                    ),
                    out,
                )
            },
            |d, c| partliq_leg_sizing::from(d) == c.1 && d.max_amount > 0,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_unified_settle_leg");
    for u in &books {
        let leg = size_leg(&u.account(), 0, &u.book(), &terms, &reduce).unwrap().leg;
        assert!(leg.amount != 0, "{}", u.name);
        let cleg = partliq_unified_leg::from(&leg);
        let mut out = partliq_leg_settlement::default();
        pair(
            &mut g,
            u.name,
            || settle_leg(black_box(&u.account()), 0, black_box(&u.book()), black_box(&terms), black_box(&leg)).unwrap(),
            || {
                ok(
                    c_unified!(
                        partliq_unified_settle_leg,
                        u,
                        0,
                        cfees.as_ptr(),
                        cfees.len(),
                        black_box(&cterms),
                        black_box(&cleg),
                        &mut out
                    ),
                    out,
                )
            },
            |d, c| partliq_leg_settlement::from(d) == c.1,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_unified_pool_count");
    for u in &books {
        let mut out = 0usize;
        pair(
            &mut g,
            u.name,
            || black_box(&u.account()).pool_count(),
            // SAFETY: the array is a live Vec with its length; out a live borrow.
            || ok(unsafe { partliq_unified_pool_count(black_box(u.c_positions.as_ptr()), u.c_positions.len(), &mut out) }, out),
            |d, c| *d == c.1,
        );
    }
    g.finish();
}

/// The unified planner and pipelines on the cross pool: the planner and
/// the whole liquidation with `unified_legs`' terms (least value, the
/// cheapest leg first, no tiers), plain and behind `GUARD` (fresh feeds for
/// every market and asset); the unified pipeline with the default policy
/// (states reset before each call). The planner takes a few milliseconds
/// on the one-perp pool and about 20–30 ms on the sixteen-perp one, so its
/// three groups take ten samples.
///
/// Then the delisting of market 0 at its price with a 1 % fee.
fn unified_liquidation(c: &mut Criterion) {
    let (fees, cfees, terms, cterms) = leg_terms();
    let terms = LegTerms { asset_fees: &fees, ..terms };
    let tiers = LiquidationTiers { assets: &[], markets: &[] };
    let policy = UnifiedLiquidationPolicy {
        target: terms.target,
        perp_band: terms.perp_band,
        asset_fees: &fees,
        objective: PlanObjective::LeastValue,
        ordering: LegOrdering::Cheapest,
        tiers,
        take_over_bankrupt: false,
        search_budget_units: 0,
    };
    let cpolicy = partliq_unified_liquidation_policy {
        terms: cterms,
        objective: PlanObjective::LeastValue as u32,
        ordering: LegOrdering::Cheapest as u32,
        take_over_bankrupt: 0,
        search_budget_units: 0,
    };
    let books = unified_books();
    let same = |d: &UnifiedDecision, c: &partliq_unified_decision| {
        (d.action as u32, d.reason as u32, partliq_unified_plan::from(&d.plan)) == (c.action, c.reason, c.plan) && d.plan.leg_count > 0
    };

    let mut g = c.benchmark_group("ffi_unified_plan_liquidation");
    g.sample_size(10);
    for u in &books {
        let (mut legs, mut clegs) = ([UnifiedLeg::default(); MAX_PLAN_LEGS], [partliq_unified_leg::default(); PARTLIQ_MAX_PLAN_LEGS]);
        let mut out = partliq_unified_plan::default();
        pair(
            &mut g,
            u.name,
            || {
                let (a, b) = (black_box(u.account()), black_box(u.book()));
                plan_unified_liquidation(&a, 0, &b, black_box(&terms), PlanObjective::LeastValue, LegOrdering::Cheapest, &tiers, &mut legs)
                    .unwrap()
            },
            || {
                let st = c_unified!(
                    partliq_unified_plan_liquidation,
                    u,
                    0,
                    cfees.as_ptr(),
                    cfees.len(),
                    black_box(&cterms),
                    PlanObjective::LeastValue as u32,
                    LegOrdering::Cheapest as u32,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    clegs.as_mut_ptr(),
                    clegs.len(),
                    &mut out
                );
                ok(st, out)
            },
            |d, c| partliq_unified_plan::from(d) == c.1 && d.leg_count > 0,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_run_unified_liquidation");
    g.sample_size(10);
    for u in &books {
        let (mut legs, mut clegs) = ([UnifiedLeg::default(); MAX_PLAN_LEGS], [partliq_unified_leg::default(); PARTLIQ_MAX_PLAN_LEGS]);
        let mut out = partliq_unified_decision::default();
        pair(
            &mut g,
            u.name,
            || run_unified_liquidation(black_box(&u.account()), 0, black_box(&u.book()), black_box(&policy), false, &mut legs).unwrap(),
            || {
                let st = c_unified!(
                    partliq_run_unified_liquidation,
                    u,
                    0,
                    cfees.as_ptr(),
                    cfees.len(),
                    black_box(&cpolicy),
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    0,
                    clegs.as_mut_ptr(),
                    clegs.len(),
                    &mut out
                );
                ok(st, out)
            },
            |d, c| same(d, &c.1),
        );
    }
    g.finish();

    let now = 1_000_000u64;
    let cguard = c_guard();
    let mut g = c.benchmark_group("ffi_run_guarded_unified_liquidation");
    g.sample_size(10);
    for u in &books {
        let (market_feeds, c_market_feeds) = fresh_feeds(&u.b.ps, now);
        let (asset_feeds, c_asset_feeds) = fresh_feeds(&u.asset_prices, now);
        let (mut legs, mut clegs) = ([UnifiedLeg::default(); MAX_PLAN_LEGS], [partliq_unified_leg::default(); PARTLIQ_MAX_PLAN_LEGS]);
        let mut out = partliq_unified_decision::default();
        pair(
            &mut g,
            u.name,
            || {
                let (a, b) = (black_box(u.account()), black_box(u.book()));
                run_guarded_unified_liquidation(
                    &a,
                    0,
                    &b,
                    black_box(&market_feeds),
                    &asset_feeds,
                    black_box(&GUARD),
                    black_box(&policy),
                    false,
                    now,
                    &mut legs,
                )
                .unwrap()
            },
            || {
                let st = c_unified!(
                    partliq_run_guarded_unified_liquidation,
                    u,
                    0,
                    black_box(c_market_feeds.as_ptr()),
                    c_market_feeds.len(),
                    c_asset_feeds.as_ptr(),
                    c_asset_feeds.len(),
                    black_box(&cguard),
                    cfees.as_ptr(),
                    cfees.len(),
                    black_box(&cpolicy),
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    0,
                    now,
                    clegs.as_mut_ptr(),
                    clegs.len(),
                    &mut out
                );
                ok(st, out)
            },
            |d, c| same(d, &c.1),
        );
    }
    g.finish();

    let ppolicy = Policy::default();
    let cppolicy = partliq_policy::from(&ppolicy);
    let block = 100u64;
    let mut g = c.benchmark_group("ffi_run_unified_pipeline");
    for u in &books {
        pipeline_pair(
            &mut g,
            &u.b,
            |st, ms, legs| {
                run_unified_pipeline(black_box(&u.account()), 0, black_box(&u.book()), black_box(&ppolicy), st, ms, now, block, legs)
                    .unwrap()
            },
            |st, ms, legs, out| {
                c_unified!(
                    partliq_run_unified_pipeline,
                    u,
                    0,
                    black_box(&cppolicy),
                    st,
                    ms.as_mut_ptr(),
                    ms.len(),
                    now,
                    block,
                    legs.as_mut_ptr(),
                    legs.len(),
                    out
                )
            },
        );
    }
    g.finish();

    let dpolicy = |u: &Unified| DelistingPolicy { settlement_price: u.b.ps[0], fee: Ppm(10_000) };
    let mut g = c.benchmark_group("ffi_settle_delisted");
    for u in &books {
        let n = u.positions.len();
        let (policy, cpolicy) = (dpolicy(u), partliq_delisting_policy { settlement_price: u.b.ps[0].0, fee_ppm: 10_000, reserved: 0 });
        let (mut scratch, mut settlements) = (vec![PerpPosition::default(); n], vec![PositionSettlement::default(); n]);
        let (mut cafter, mut csettlements) = (vec![u.c_positions[0]; n], vec![partliq_position_settlement::default(); n]);
        let mut out = partliq_pool_delisting::default();
        pair(
            &mut g,
            u.name,
            || {
                let (a, b) = (black_box(u.account()), black_box(u.book()));
                settle_delisted(&a, 0, &b, 0, black_box(&policy), &u.ladder, &mut scratch, &mut settlements).unwrap()
            },
            || {
                let st = c_unified!(
                    partliq_settle_delisted,
                    u,
                    0,
                    0,
                    black_box(&cpolicy),
                    &u.c_ladder,
                    cafter.as_mut_ptr(),
                    n,
                    csettlements.as_mut_ptr(),
                    n,
                    &mut out
                );
                ok(st, out)
            },
            |d, c| (d.settled as u32, partliq_unified_health::from(&d.health_after)) == (c.1.settled, c.1.health_after) && d.settled == 1,
        );
    }
    g.finish();
}

/// Lending (Aave v3 rules) on a unified account of 10 SOL deposited
/// (1,500 USD) against 1,400 USDC borrowed, Aave's testnet terms
/// (threshold 86 %, bonus 5 %, protocol fee 10 %) on both assets: health
/// factor 1,500 × 0.86 / 1,400 = 0.92, liquidatable. Lending reads the
/// balances only, and the C boundary checks only what it reads (the
/// positions' pointer, not their values); the account carries the book's
/// one or sixteen perps all the same.
fn lending(c: &mut Criterion) {
    let terms = [LendingTerms::new(Ppm(860_000), Ppm(1_050_000), Ppm(100_000)); 2];
    let cterms = [partliq_lending_terms {
        liquidation_threshold_ppm: 860_000,
        liquidation_bonus_ppm: 1_050_000,
        protocol_fee_ppm: 100_000,
        collateral_enabled: 1,
        reserved: [0; 3],
        base_exponent: 0,
    }; 2];
    let books: Vec<Unified> = unified_books()
        .into_iter()
        .map(|mut u| {
            // 10 SOL = 10^10 lamports; 1,400 USDC in µUSD.
            u.balances =
                vec![AssetBalance { asset_index: 1, amount: 10_000_000_000 }, AssetBalance { asset_index: 0, amount: -1_400 * USD }];
            u.c_balances =
                u.balances.iter().map(|x| partliq_asset_balance { asset_index: x.asset_index, reserved: 0, amount: x.amount }).collect();
            u
        })
        .collect();

    let mut g = c.benchmark_group("ffi_lending_health");
    for u in &books {
        let mut out = partliq_lending_account_health::default();
        pair(
            &mut g,
            u.name,
            || lending_health(black_box(&u.account()), black_box(&u.book()), black_box(&terms)).unwrap(),
            || ok(c_unified!(partliq_lending_health, u, black_box(cterms.as_ptr()), cterms.len(), &mut out), out),
            |d, c| partliq_lending_account_health::from(d) == c.1 && d.liquidatable,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_plan_lending_liquidation");
    for u in &books {
        let mut flows = [partliq_asset_flow::default(); PARTLIQ_MAX_LENDING_FLOWS];
        let mut out = partliq_lending_liquidation::default();
        pair(
            &mut g,
            u.name,
            || {
                plan_lending_liquidation(black_box(&u.account()), black_box(&u.book()), black_box(&terms), 1, 0, black_box(i128::MAX))
                    .unwrap()
            },
            || {
                let st = c_unified!(
                    partliq_plan_lending_liquidation,
                    u,
                    black_box(cterms.as_ptr()),
                    cterms.len(),
                    1,
                    0,
                    black_box(i64::MAX),
                    flows.as_mut_ptr(),
                    flows.len(),
                    &mut out
                );
                ok(st, (out, flows[0]))
            },
            |d, c| {
                let (l, f) = &c.1;
                (d.debt_repaid, d.collateral_seized, d.flows().len())
                    == (
                        wide2(l.debt_repaid_hi, l.debt_repaid_lo),
                        wide2(l.collateral_seized_hi, l.collateral_seized_lo),
                        l.flow_count as usize,
                    )
                    && partliq_lending_account_health::from(&d.after) == l.after
                    && partliq_asset_flow::from(&d.flows()[0]) == *f
                    && d.debt_repaid > 0
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_least_debt_to_cover");
    for u in &books {
        let mut out = partliq_debt_to_cover::default();
        pair(
            &mut g,
            u.name,
            || least_debt_to_cover(black_box(&u.account()), black_box(&u.book()), black_box(&terms), 1, 0, black_box(64)).unwrap(),
            || ok(c_unified!(partliq_least_debt_to_cover, u, black_box(cterms.as_ptr()), cterms.len(), 1, 0, black_box(64), &mut out), out),
            |d, c| partliq_debt_to_cover::from(d) == c.1 && d.debt_to_cover > 0,
        );
    }
    g.finish();
}

/// Caller memory for a scanner or an index, 16-byte aligned (the
/// scanner's alignment; the indexes ask 8).
#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct Block([u8; 64]);

/// Zeroed memory of at least `bytes` bytes; its pointer and length.
struct Mem(Vec<Block>);

impl Mem {
    fn new(bytes: usize) -> Self {
        assert!(bytes > 0);
        Mem(vec![Block([0; 64]); bytes.div_ceil(64)])
    }

    fn ptr(&mut self) -> *mut core::ffi::c_void {
        self.0.as_mut_ptr().cast()
    }

    fn len(&self) -> usize {
        self.0.len() * 64
    }
}

/// The mark of the scanner and index benches (57,000 USD in cents) and
/// the same 1 % lower.
const MARK: i64 = 5_700_000;
const MARK_1PCT_LOWER: i64 = MARK * 99 / 100;

fn c_scan_account(a: &ScanAccount) -> partliq_scan_account {
    partliq_scan_account { collateral: a.collateral.0, first_position: a.first_position, position_count: a.position_count }
}

fn c_index_entry(e: &IndexEntry) -> partliq_index_entry {
    partliq_index_entry { key: e.key, account: e.account, position: e.position }
}

/// The per-tick path of perp accounts on a flat batch: 1,000 isolated
/// positions (the `scan` and `index` benches' population: 0.01–1 BTC, half
/// long, half short, liquidation prices within 50 % of the mark; and its
/// first 16), one BTC-style market. The scanner (built for the mark 1 %
/// lower: the core's table on the stack, the C one in caller memory, each
/// built once) scans the batch; a liquidation-price index of the market,
/// keyed at the mark (the direct one built in bulk, the C one account by
/// account: the same entries, asserted), answers the move to 1 % lower
/// (`candidates` at the new mark, `crossed` from the old one: each copied
/// into a buffer, as the C call writes it) and the scanner confirms its
/// candidates; one account in the middle is removed and inserted again
/// (`insert_remove`), or re-keyed in one call (`rekey`). The direct index
/// and scanner are the core's `LiquidationIndex` and `Scanner`; the C
/// calls re-check their memory's header (and the scanner its copy
/// of the markets and marks) on every call.
fn scanner_and_index(c: &mut Criterion) {
    let n = 1_000;
    let (accounts, positions) = population(n, MARK, 500_000, 0, 7);
    let cacc: Vec<partliq_scan_account> = accounts.iter().map(c_scan_account).collect();
    let cpos: Vec<partliq_position> = positions.iter().map(c_position).collect();
    let markets = [single_tier()];
    let cm = [c_market(&markets[0])];
    let (p0, p1) = ([Price(MARK)], [Price(MARK_1PCT_LOWER)]);
    let (cp0, cp1) = ([MARK], [MARK_1PCT_LOWER]);

    let mut table = [ScanMarket::EMPTY; 1];
    let scanner = Scanner::new(&mut table, &markets, &p1);
    let mut smem = Mem::new(partliq_scanner_size(1));
    let (sp, sl) = (smem.ptr(), smem.len());
    // SAFETY: `smem` is live, 16-byte aligned, `sl` bytes; the arrays are live.
    assert_eq!(unsafe { partliq_scanner_init(sp, sl, cm.as_ptr(), 1, cp1.as_ptr(), 1) }, PARTLIQ_STATUS_OK);
    let mut hits = vec![ScanHit::default(); n];
    let mut chits = vec![partliq_scan_hit::default(); n];
    let mut cout = partliq_scan_outcome::default();

    // A batch of 16 accounts (with their 16 positions) and the whole batch.
    let mut g = c.benchmark_group("ffi_scanner_scan");
    for k in [16usize, n] {
        // The same hits both ways.
        let d = scanner.scan(&accounts[..k], &positions[..k], 0, &mut hits);
        // SAFETY: every pointer comes from a live Vec or array with its length.
        let st = unsafe {
            partliq_scanner_scan(
                sp,
                sl,
                cm.as_ptr(),
                1,
                cp1.as_ptr(),
                1,
                cacc.as_ptr(),
                k,
                cpos.as_ptr(),
                k,
                0,
                chits.as_mut_ptr(),
                n,
                &mut cout,
            )
        };
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(d.end, ScanEnd::Complete);
        assert!(hits[..d.count]
            .iter()
            .zip(&chits)
            .all(|(h, c)| h.account_index as u64 == c.account_index && partliq_health::from(&h.health) == c.health));
        pair(
            &mut g,
            &k.to_string(),
            || {
                let r = scanner.scan(black_box(&accounts[..k]), black_box(&positions[..k]), 0, &mut hits);
                (r.count as u64, r.next as u64, r.exact_checks as u64)
            },
            || {
                // SAFETY: as above.
                let st = unsafe {
                    partliq_scanner_scan(
                        sp,
                        sl,
                        black_box(cm.as_ptr()),
                        1,
                        cp1.as_ptr(),
                        1,
                        black_box(cacc.as_ptr()),
                        k,
                        black_box(cpos.as_ptr()),
                        k,
                        0,
                        chits.as_mut_ptr(),
                        n,
                        &mut cout,
                    )
                };
                ok(st, (cout.count, cout.next, cout.exact_checks))
            },
            |d, c| *d == c.1 && (n != k || d.0 > 0),
        );
    }
    g.finish();

    // The index, keyed at the mark, both ways.
    let (mut longs, mut shorts) = (vec![IndexEntry::default(); n], vec![IndexEntry::default(); n]);
    let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
    for a in 0..n as u32 {
        ix.push_account_unsorted(a, &accounts, &positions, &markets, &p0, &p0).unwrap();
    }
    ix.sort();
    let mut imem = Mem::new(partliq_index_size(n));
    let (ip, il) = (imem.ptr(), imem.len());
    // SAFETY: `imem` is live, aligned, `il` bytes.
    assert_eq!(unsafe { partliq_index_init(ip, il, 0, n) }, PARTLIQ_STATUS_OK);
    let mut one = 0u64;
    for a in 0..n as u32 {
        // SAFETY: as above; `one` a live borrow.
        let st = unsafe {
            partliq_index_insert_account(
                ip,
                il,
                a,
                cacc.as_ptr(),
                n,
                cpos.as_ptr(),
                n,
                cm.as_ptr(),
                1,
                cp0.as_ptr(),
                1,
                cp0.as_ptr(),
                1,
                &mut one,
            )
        };
        assert_eq!((st, one), (PARTLIQ_STATUS_OK, 1));
    }
    let mut buf = vec![IndexEntry::default(); 2 * n];
    let mut cbuf = vec![partliq_index_entry::default(); 2 * n];
    let mut q = partliq_index_query::default();
    // Every entry, both ways: the candidates at 0 (every long: key ≥ 0) and
    // at i64::MAX (every short), as the C call lists them.
    for price in [0, i64::MAX] {
        let (l, s) = ix.candidates(Price(price));
        let all: Vec<partliq_index_entry> = l.iter().chain(s).map(c_index_entry).collect();
        // SAFETY: as above.
        let st = unsafe { partliq_index_candidates(ip, il, 0, price, 0, cbuf.as_mut_ptr(), cbuf.len(), &mut q) };
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(&cbuf[..q.count as usize], &all[..]);
    }

    let mut g = c.benchmark_group("ffi_index_candidates");
    pair(
        &mut g,
        &n.to_string(),
        || {
            let (l, s) = ix.candidates(black_box(p1[0]));
            buf[..l.len()].copy_from_slice(l);
            buf[l.len()..l.len() + s.len()].copy_from_slice(s);
            (l.len() + s.len()) as u64
        },
        || {
            // SAFETY: as above.
            let st = unsafe { partliq_index_candidates(ip, il, 0, black_box(MARK_1PCT_LOWER), 0, cbuf.as_mut_ptr(), cbuf.len(), &mut q) };
            ok(st, q.total)
        },
        |d, c| *d == c.1 && *d > 0,
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_index_crossed");
    pair(
        &mut g,
        &n.to_string(),
        || {
            let x = ix.crossed(black_box(p0[0]), black_box(p1[0]));
            buf[..x.len()].copy_from_slice(x);
            x.len() as u64
        },
        || {
            // SAFETY: as above.
            let st = unsafe {
                partliq_index_crossed(ip, il, 0, black_box(MARK), black_box(MARK_1PCT_LOWER), 0, cbuf.as_mut_ptr(), cbuf.len(), &mut q)
            };
            ok(st, q.total)
        },
        |d, c| *d == c.1 && *d > 0,
    );
    g.finish();

    // The candidates of the move, in both forms, for the confirmations.
    let (l, s) = ix.candidates(p1[0]);
    let cands: Vec<IndexEntry> = l.iter().chain(s).copied().collect();
    let ccands: Vec<partliq_index_entry> = cands.iter().map(c_index_entry).collect();
    let mut g = c.benchmark_group("ffi_scanner_confirm");
    pair(
        &mut g,
        &n.to_string(),
        || {
            let r = scanner.confirm(black_box(&cands), &accounts, black_box(&positions), 0, &mut hits);
            (r.count as u64, r.next as u64, r.exact_checks as u64)
        },
        || {
            // SAFETY: as above.
            let st = unsafe {
                partliq_scanner_confirm(
                    sp,
                    sl,
                    cm.as_ptr(),
                    1,
                    cp1.as_ptr(),
                    1,
                    black_box(ccands.as_ptr()),
                    ccands.len(),
                    cacc.as_ptr(),
                    n,
                    black_box(cpos.as_ptr()),
                    n,
                    0,
                    chits.as_mut_ptr(),
                    n,
                    &mut cout,
                )
            };
            ok(st, (cout.count, cout.next, cout.exact_checks))
        },
        |d, c| *d == c.1 && d.0 > 0,
    );
    g.finish();

    let a = (n / 2) as u32;
    let mut g = c.benchmark_group("ffi_index_insert_account");
    let (mut removed, mut inserted) = (0u64, 0u64);
    pair(
        &mut g,
        &format!("insert_remove_{n}"),
        || {
            let r = ix.remove_account(black_box(a));
            (r as u64, ix.insert_account(a, black_box(&accounts), &positions, &markets, &p0, &p0).unwrap() as u64)
        },
        || {
            // SAFETY: as above; the outputs are live borrows.
            let st = unsafe { partliq_index_remove_account(ip, il, black_box(a), &mut removed) };
            assert_eq!(st, PARTLIQ_STATUS_OK);
            // SAFETY: as above.
            let st = unsafe {
                partliq_index_insert_account(
                    ip,
                    il,
                    a,
                    black_box(cacc.as_ptr()),
                    n,
                    cpos.as_ptr(),
                    n,
                    cm.as_ptr(),
                    1,
                    cp0.as_ptr(),
                    1,
                    cp0.as_ptr(),
                    1,
                    &mut inserted,
                )
            };
            ok(st, (removed, inserted))
        },
        |d, c| *d == c.1 && *d == (1, 1),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_index_rekey_account");
    pair(
        &mut g,
        &n.to_string(),
        || {
            let (r, i) = ix.rekey_account(black_box(a), black_box(&accounts), &positions, &markets, &p0, &p0).unwrap();
            (r as u64, i as u64)
        },
        || {
            // SAFETY: as above.
            let st = unsafe {
                partliq_index_rekey_account(
                    ip,
                    il,
                    black_box(a),
                    black_box(cacc.as_ptr()),
                    n,
                    cpos.as_ptr(),
                    n,
                    cm.as_ptr(),
                    1,
                    cp0.as_ptr(),
                    1,
                    cp0.as_ptr(),
                    1,
                    &mut removed,
                    &mut inserted,
                )
            };
            ok(st, (removed, inserted))
        },
        |d, c| *d == c.1 && *d == (1, 1),
    );
    g.finish();
    // Both indexes still hold the same entries.
    let (l, s) = ix.candidates(Price(0));
    let longs_now: Vec<partliq_index_entry> = l.iter().chain(s).map(c_index_entry).collect();
    // SAFETY: as above.
    assert_eq!(unsafe { partliq_index_candidates(ip, il, 0, 0, 0, cbuf.as_mut_ptr(), cbuf.len(), &mut q) }, PARTLIQ_STATUS_OK);
    assert_eq!(&cbuf[..q.count as usize], &longs_now[..]);
}

/// A flat batch of unified accounts in both forms, with the book's markets,
/// assets and funding (the prices are the caller's).
struct UnifiedBatch {
    markets: Vec<Market>,
    funding: Vec<i64>,
    assets: Vec<Asset>,
    accounts: Vec<UnifiedScanAccount>,
    balances: Vec<AssetBalance>,
    positions: Vec<PerpPosition>,
    cm: Vec<partliq_market>,
    c_assets: Vec<partliq_asset>,
    c_accounts: Vec<partliq_unified_scan_account>,
    c_balances: Vec<partliq_asset_balance>,
    c_positions: Vec<partliq_perp_position>,
}

/// `f(pre…, markets, prices, funding, no perp risk, assets, asset prices,
/// balances, positions, rest…)` on a batch, with the C prices `cp` and asset
/// prices `ca`, the arrays through `black_box`.
macro_rules! c_batch {
    ($f:ident, [$($pre:expr),*], $u:expr, $cp:expr, $ca:expr $(, $rest:expr)* $(,)?) => {
        // SAFETY: every pointer comes from a live Vec or array with its
        // length (NULL with 0 for the empty perp risk); the outputs are
        // distinct live borrows.
        unsafe {
            $f(
                $($pre,)*
                black_box($u.cm.as_ptr()),
                $u.cm.len(),
                black_box($cp.as_ptr()),
                $cp.len(),
                $u.funding.as_ptr(),
                $u.funding.len(),
                core::ptr::null(),
                0,
                black_box($u.c_assets.as_ptr()),
                $u.c_assets.len(),
                $ca.as_ptr(),
                $ca.len(),
                black_box($u.c_balances.as_ptr()),
                $u.c_balances.len(),
                black_box($u.c_positions.as_ptr()),
                $u.c_positions.len(),
                $($rest),*
            )
        }
    };
}

/// The per-tick path of unified accounts: 1,000 of them (the `index`
/// bench's population: a deposit of a BTC-like asset priced at the mark,
/// a borrow of the quote asset at par and one cross perp, half long, half
/// short; one pool each), a move of the mark and of the asset's price to
/// 1 % lower. The unified scan of every pool at the new prices; the move
/// since the reference (`partliq_unified_price_move`); a move index keyed
/// at the reference (direct: built in bulk; C: account by account; the same
/// entries, asserted) queried for the move (copied into a buffer, as the C
/// call writes it) and its candidates confirmed at the new prices; one
/// account in the middle removed and inserted again (`insert_remove`:
/// keying its pool's three move keys), or re-keyed in one call (`rekey`).
fn unified_scan_and_index(c: &mut Criterion) {
    let n = 1_000;
    let (accounts, balances, positions) = unified_population(n, MARK, 11);
    let assets = vec![Asset::at_par(0), Asset::weighted(-4, (Ppm(900_000), Ppm(950_000)), (Ppm(1_100_000), Ppm(1_050_000)))];
    let markets = vec![single_tier()];
    let u = UnifiedBatch {
        cm: markets.iter().map(c_market).collect(),
        c_assets: assets.iter().map(c_asset).collect(),
        c_accounts: accounts
            .iter()
            .map(|a| partliq_unified_scan_account {
                first_balance: a.first_balance,
                balance_count: a.balance_count,
                first_position: a.first_position,
                position_count: a.position_count,
            })
            .collect(),
        c_balances: balances.iter().map(c_balance).collect(),
        c_positions: positions.iter().map(c_perp).collect(),
        funding: vec![0],
        markets,
        assets,
        accounts,
        balances,
        positions,
    };
    let (p0, p1) = ([Price(MARK)], [Price(MARK_1PCT_LOWER)]);
    let (a0, a1) = ([Price(1), Price(MARK)], [Price(1), Price(MARK_1PCT_LOWER)]);
    let (cp0, cp1, ca0, ca1) = ([MARK], [MARK_1PCT_LOWER], [1i64, MARK], [1i64, MARK_1PCT_LOWER]);
    let reference =
        MarginBook { markets: &u.markets, prices: &p0, funding_indexes: &u.funding, perp_risk: &[], assets: &u.assets, asset_prices: &a0 };
    let now = MarginBook { prices: &p1, asset_prices: &a1, ..reference };
    let ladder = MarginLadder::STANDARD;
    let cl = c_ladder(&ladder);
    let scanner = UnifiedScanner::new(now, ladder);
    let mut hits = vec![UnifiedScanHit::default(); n];
    let mut chits = vec![partliq_unified_scan_hit::default(); n];

    let mut g = c.benchmark_group("ffi_unified_scan");
    let mut out = partliq_unified_scan_outcome::default();
    pair(
        &mut g,
        &n.to_string(),
        || {
            let r = scanner.scan_flat(black_box(&u.accounts), &u.balances, black_box(&u.positions), UnifiedCursor::default(), &mut hits);
            assert_eq!(r.end, ScanEnd::Complete);
            (r.count as u64, r.next.account as u64, r.next.pool as u64, r.exact_checks as u64)
        },
        || {
            let st = c_batch!(
                partliq_unified_scan,
                [],
                u,
                cp1,
                ca1,
                black_box(u.c_accounts.as_ptr()),
                n,
                0,
                0,
                &cl,
                chits.as_mut_ptr(),
                n,
                &mut out
            );
            ok(st, (out.count, out.next_account, out.next_pool, out.exact_checks))
        },
        |d, c| *d == c.1 && d.0 > 0,
    );
    g.finish();
    assert!(hits[..out.count as usize].iter().zip(&chits).all(|(h, c)| (
        h.account_index as u64,
        h.pool_index as u64,
        partliq_unified_health::from(&h.health)
    ) == (c.account_index, c.pool_index, c.health)));

    let mut g = c.benchmark_group("ffi_unified_price_move");
    let mut cmv = partliq_price_move::default();
    pair(
        &mut g,
        "1",
        || PriceMove::between(black_box(&reference), black_box(&now)).unwrap(),
        || {
            // SAFETY: every array is live with its length; `cmv` a live borrow.
            let st = unsafe {
                partliq_unified_price_move(
                    black_box(cp0.as_ptr()),
                    1,
                    cp1.as_ptr(),
                    1,
                    black_box(ca0.as_ptr()),
                    2,
                    ca1.as_ptr(),
                    2,
                    &mut cmv,
                )
            };
            ok(st, cmv)
        },
        |d, c| (d.down_ppm, d.up_ppm) == (c.1.down_ppm, c.1.up_ppm) && d.down_ppm == 10_000,
    );
    g.finish();
    let mv = PriceMove::between(&reference, &now).unwrap();

    // The move index, keyed at the reference, both ways.
    let (mut d, mut up, mut b) =
        (vec![UnifiedIndexEntry::default(); n], vec![UnifiedIndexEntry::default(); n], vec![UnifiedIndexEntry::default(); n]);
    let mut ix = UnifiedIndex::new(&mut d, &mut up, &mut b);
    let views: Vec<UnifiedAccount<'_>> = u.accounts.iter().map(|a| a.view(&u.balances, &u.positions).unwrap()).collect();
    for (i, v) in views.iter().enumerate() {
        ix.push_account_unsorted(i as u32, v, &reference, &ladder).unwrap();
    }
    ix.sort();
    let mut imem = Mem::new(partliq_unified_index_size(n));
    let (ip, il) = (imem.ptr(), imem.len());
    // SAFETY: `imem` is live, aligned, `il` bytes.
    assert_eq!(unsafe { partliq_unified_index_init(ip, il, n) }, PARTLIQ_STATUS_OK);
    let mut one = 0u64;
    for a in 0..n as u32 {
        let st = c_batch!(partliq_unified_index_insert_account, [ip, il, a], u, cp0, ca0, u.c_accounts.as_ptr(), n, &cl, &mut one);
        assert_eq!((st, one), (PARTLIQ_STATUS_OK, 1));
    }
    let to_c = |e: &UnifiedIndexEntry| partliq_unified_index_entry { key: e.key, account: e.account, pool: e.pool };
    let mut cbuf = vec![partliq_unified_index_entry::default(); n];
    let mut q = partliq_index_query::default();
    let same_sides = |ix: &UnifiedIndex<'_>, cbuf: &mut Vec<partliq_unified_index_entry>, q: &mut partliq_index_query| {
        for side in MoveSide::ALL {
            let want: Vec<partliq_unified_index_entry> = ix.side(side).iter().map(to_c).collect();
            // SAFETY: as above; every entry's key is at most u32::MAX.
            let st = unsafe { partliq_unified_index_crossed(ip, il, side as u32, 0, u32::MAX, 0, cbuf.as_mut_ptr(), cbuf.len(), q) };
            assert_eq!(st, PARTLIQ_STATUS_OK);
            // The entries keyed 0 are not "crossed" from 0: compare the rest.
            let zero = want.iter().filter(|e| e.key == 0).count();
            assert_eq!(&cbuf[..q.count as usize], &want[zero..], "{side:?}");
        }
    };
    same_sides(&ix, &mut cbuf, &mut q);

    let mut g = c.benchmark_group("ffi_unified_index_candidates");
    let mut buf = vec![UnifiedIndexEntry::default(); n];
    pair(
        &mut g,
        &n.to_string(),
        || {
            let x = ix.candidates(black_box(mv));
            buf[..x.len()].copy_from_slice(x);
            x.len() as u64
        },
        || {
            // SAFETY: as above; `cmv` a live borrow.
            let st = unsafe { partliq_unified_index_candidates(ip, il, black_box(&cmv), 0, cbuf.as_mut_ptr(), cbuf.len(), &mut q) };
            ok(st, q.total)
        },
        |d, c| *d == c.1 && *d > 0,
    );
    g.finish();

    let cands: Vec<UnifiedIndexEntry> = ix.candidates(mv).to_vec();
    let ccands: Vec<partliq_unified_index_entry> = cands.iter().map(to_c).collect();
    let mut g = c.benchmark_group("ffi_unified_confirm");
    let mut cout = partliq_scan_outcome::default();
    pair(
        &mut g,
        &n.to_string(),
        || {
            let r = scanner.confirm(black_box(&cands), &u.accounts, &u.balances, black_box(&u.positions), 0, &mut hits);
            (r.count as u64, r.next as u64, r.exact_checks as u64)
        },
        || {
            let st = c_batch!(
                partliq_unified_confirm,
                [],
                u,
                cp1,
                ca1,
                u.c_accounts.as_ptr(),
                n,
                black_box(ccands.as_ptr()),
                ccands.len(),
                0,
                &cl,
                chits.as_mut_ptr(),
                n,
                &mut cout
            );
            ok(st, (cout.count, cout.next, cout.exact_checks))
        },
        |d, c| *d == c.1 && d.0 > 0,
    );
    g.finish();

    let a = (n / 2) as u32;
    let view = views[a as usize];
    let (mut removed, mut inserted) = (0u64, 0u64);
    let mut g = c.benchmark_group("ffi_unified_index_insert_account");
    pair(
        &mut g,
        &format!("insert_remove_{n}"),
        || {
            let r = ix.remove_account(black_box(a));
            (r as u64, ix.insert_account(a, black_box(&view), black_box(&reference), &ladder).unwrap() as u64)
        },
        || {
            // SAFETY: as above; `removed` a live borrow.
            let st = unsafe { partliq_unified_index_remove_account(ip, il, black_box(a), &mut removed) };
            assert_eq!(st, PARTLIQ_STATUS_OK);
            let st = c_batch!(
                partliq_unified_index_insert_account,
                [ip, il, a],
                u,
                cp0,
                ca0,
                black_box(u.c_accounts.as_ptr()),
                n,
                &cl,
                &mut inserted
            );
            ok(st, (removed, inserted))
        },
        |d, c| *d == c.1 && *d == (1, 1),
    );
    g.finish();

    let mut g = c.benchmark_group("ffi_unified_index_rekey_account");
    pair(
        &mut g,
        &n.to_string(),
        || {
            let (r, i) = ix.rekey_account(black_box(a), black_box(&view), black_box(&reference), &ladder).unwrap();
            (r as u64, i as u64)
        },
        || {
            let st = c_batch!(
                partliq_unified_index_rekey_account,
                [ip, il, black_box(a)],
                u,
                cp0,
                ca0,
                black_box(u.c_accounts.as_ptr()),
                n,
                &cl,
                &mut removed,
                &mut inserted
            );
            ok(st, (removed, inserted))
        },
        |d, c| *d == c.1 && *d == (1, 1),
    );
    g.finish();
    same_sides(&ix, &mut cbuf, &mut q);
}

/// `n` short counterparties of a bankrupt long of 1 BTC, 0.1–1.6 BTC each,
/// with spread profits and leverage (the ranking has work to do).
fn adl_candidates(n: usize) -> Vec<AdlCandidate> {
    (0..n)
        .map(|i| {
            let size = -10_000_000 * (i as i64 + 1);
            let entry = -size * 5_800_000 / 10_000;
            let mark = -size * 5_700_000 / 10_000;
            AdlCandidate {
                account: i as u32,
                reserved: 0,
                size: Size(size),
                unrealized_pnl: Quote(entry - mark),
                entry_notional: Quote(entry),
                mark_notional: Quote(mark),
                margin: Quote(1_000 * USD * (17 - i as i64)),
            }
        })
        .collect()
}

fn c_adl(c: &AdlCandidate) -> partliq_adl_candidate {
    partliq_adl_candidate {
        account: c.account,
        reserved: 0,
        size: c.size.0,
        unrealized_pnl: c.unrealized_pnl.0,
        entry_notional: c.entry_notional.0,
        mark_notional: c.mark_notional.0,
        margin: c.margin.0,
    }
}

fn adl(c: &mut Criterion) {
    let mut g = c.benchmark_group("ffi_rank_adl");
    for n in [1usize, 16] {
        let cands = adl_candidates(n);
        let ccands: Vec<partliq_adl_candidate> = cands.iter().map(c_adl).collect();
        let deficit = Size(10_000_000);
        let (mut order, mut corder) = (vec![0u32; n], vec![0u32; n]);
        let mut count = 0usize;
        pair(
            &mut g,
            &n.to_string(),
            || {
                let k = rank_adl(black_box(deficit), black_box(&cands), &mut order).unwrap();
                (k, order[0])
            },
            || {
                // SAFETY: every pointer comes from a live Vec with its length.
                let st =
                    unsafe { partliq_rank_adl(black_box(deficit.0), black_box(ccands.as_ptr()), n, corder.as_mut_ptr(), n, &mut count) };
                assert_eq!(st, PARTLIQ_STATUS_OK);
                (count, corder[0])
            },
            |d, c| d == c,
        );
    }
    g.finish();

    let mut g = c.benchmark_group("ffi_deleverage");
    for n in [1usize, 16] {
        let cands = adl_candidates(n);
        let ccands: Vec<partliq_adl_candidate> = cands.iter().map(c_adl).collect();
        // The whole opposite side when there is one candidate; 1 BTC of 13.6.
        let deficit = Size(if n == 1 { 10_000_000 } else { 100_000_000 });
        let (price, lot) = (Price(5_500_000), Size(1_000));
        let (mut order, mut corder) = (vec![0u32; n], vec![0u32; n]);
        let mut fills = vec![AdlFill { candidate: 0, account: 0, size_delta: Size(0), price: Price(0) }; n];
        let mut cfills = vec![partliq_adl_fill::default(); n];
        let mut count = 0usize;
        pair(
            &mut g,
            &n.to_string(),
            || {
                let k = deleverage(black_box(deficit), price, lot, black_box(&cands), AdlMode::ProRata, &mut order, &mut fills).unwrap();
                (k, fills[k - 1].size_delta.0)
            },
            || {
                // SAFETY: every pointer comes from a live Vec with its length.
                let st = unsafe {
                    partliq_deleverage(
                        black_box(deficit.0),
                        price.0,
                        lot.0,
                        black_box(ccands.as_ptr()),
                        n,
                        partliq_adl_mode::ProRata as u32,
                        corder.as_mut_ptr(),
                        n,
                        cfills.as_mut_ptr(),
                        n,
                        &mut count,
                    )
                };
                assert_eq!(st, PARTLIQ_STATUS_OK);
                (count, cfills[count - 1].size_delta)
            },
            |d, c| d == c,
        );
    }
    g.finish();
}

criterion_group!(
    benches,
    health,
    sizing_and_plan,
    pricing_and_settlement,
    pipeline,
    adl,
    dydx_v4,
    dydx_v4_helpers,
    unified,
    unified_legs,
    unified_liquidation,
    lending,
    scanner_and_index,
    unified_scan_and_index
);
criterion_main!(benches);
