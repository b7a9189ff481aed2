//! Property tests of the whole pipeline against brute force and exact
//! rationals computed independently in the test.
//!
//! Every property runs on generated markets (quote exponent −9..=3, lot step
//! 1..1000, tick 1..100, 1–6 tiers with ascending floors and non-decreasing
//! fractions, fee 0–3 %, dust floor sometimes 0), marks, long and short
//! positions and cross pools of 1–5 positions over 1–3 markets, with the
//! collateral chosen so the pool is usually below its target. Each property
//! counts its outcomes and asserts that a good share of the cases exercised
//! the interesting branch (restored, infeasible, bad debt, …), so a property
//! can never pass vacuously.
//!
//! The figures are recomputed from scratch through `pool_health` on a
//! modified position slice, with cash and fee rounded as documented:
//! `cash = floor(σ·units·exec·10^e)` (σ the position's sign) and
//! `fee = ceil(units·exec·10^e·fee_ppm / 1e6)`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

mod support;
use support::{ceil_div, close_cash, close_fee, den, floor_div, mul, pos, pow10};

use partliq::{
    bankruptcy_price, limit_price, minimal_close, plan_liquidation, pool_health, settle_fill, CloseRequest, CloseSizing, CloseStatus, Fill,
    Health, HealthState, MarginTier, Market, PlanLeg, PlanOrder, PlanParams, PlanStatus, Pool, Position, Ppm, Price, Quote, Rounding, Size,
    Target,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::RefCell;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Exact test-side arithmetic
// ---------------------------------------------------------------------------

/// Exact requirement of a position as a numerator over `1e15`
/// (`10^9` for the notional, `1e6` for the ppm), from the tiers as an
/// integral: `Σ_t f_t × |[floor_t, floor_{t+1}) ∩ [0, N)|`. Independent of the
/// crate's cumulative-deduction formula (equal by continuity).
fn exact_requirement_e15(m: &Market, size: i64, price: i64, initial: bool) -> i128 {
    let n9 = i128::from(size).abs() * i128::from(price) * pow10(u32::try_from(m.quote_exponent + 9).unwrap());
    let tiers = &m.tiers[..m.tier_count as usize];
    let mut total = 0i128;
    for (i, t) in tiers.iter().enumerate() {
        let lo = i128::from(t.notional_floor.0) * 1_000_000_000;
        let hi = tiers.get(i + 1).map_or(i128::MAX, |n| i128::from(n.notional_floor.0) * 1_000_000_000);
        let span = n9.min(hi) - lo;
        if span > 0 {
            let f = if initial { t.initial.0 } else { t.maintenance.0 };
            total += span * i128::from(f);
        }
    }
    total
}

/// Exact mark value `size·P·10^e` as a numerator over `1e9`.
fn exact_value_e9(m: &Market, size: i64, price: i64) -> i128 {
    i128::from(size) * i128::from(price) * pow10(u32::try_from(m.quote_exponent + 9).unwrap())
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RawMarket {
    e: i32,
    lot: i64,
    tick: i64,
    lot_mant: i64,
    lot_exp: i32,
    jitter: i64,
    tiers: usize,
    gaps: [i64; 5],
    mm0: u32,
    incs: [u32; 5],
    im_ratio: u32,
    fee: u32,
    share: u32,
    dust: u32,
    /// The fee rounds down (a venue preset's rounding) instead of up.
    fee_floor: bool,
}

fn raw_market() -> impl Strategy<Value = RawMarket> {
    (
        (-9i32..=3, 1i64..1000, 1i64..100, 1i64..10, -2i32..=5, 500i64..2000),
        (1usize..=6, prop::array::uniform5(1i64..=100), 5_000u32..=100_000, prop::array::uniform5(0u32..=50_000), 1_000u32..=3_000),
        (
            prop_oneof![Just(0u32), 0u32..=5_000, 0u32..=30_000],
            0u32..=1_000_000,
            prop_oneof![Just(0u32), 1u32..=300],
            prop::bool::weighted(0.25),
        ),
    )
        .prop_map(|((e, lot, tick, lot_mant, lot_exp, jitter), (tiers, gaps, mm0, incs, im_ratio), (fee, share, dust, fee_floor))| {
            RawMarket { e, lot, tick, lot_mant, lot_exp, jitter, tiers, gaps, mm0, incs, im_ratio, fee, share, dust, fee_floor }
        })
}

#[derive(Debug, Clone)]
struct RawPosition {
    market: usize,
    long: bool,
    lots: i64,
    rem: i64,
    noise: i64,
}

fn raw_position() -> impl Strategy<Value = RawPosition> {
    (0usize..3, any::<bool>(), 1i64..=200, prop_oneof![Just(0i64), 1i64..1000], -500i64..=500)
        .prop_map(|(market, long, lots, rem, noise)| RawPosition { market, long, lots, rem, noise })
}

#[derive(Debug, Clone)]
struct RawScenario {
    markets: Vec<RawMarket>,
    positions: Vec<RawPosition>,
    /// The pool's deficit below its target as a fraction (ppm) of what
    /// position `j` adds to the target (≤ 0: already safe; > 1e6: closing `j`
    /// alone cannot restore it).
    deficit: i64,
    target: (u8, u32),
    j: usize,
    slip: (u8, u32),
    band: u32,
}

fn raw_scenario() -> impl Strategy<Value = RawScenario> {
    (
        prop::collection::vec(raw_market(), 1..=3),
        prop::collection::vec(raw_position(), 1..=5),
        prop_oneof![14 => 1i64..=900_000, 3 => 900_000i64..1_300_000, 2 => -500_000i64..=0, 1 => 1_300_000i64..3_000_000],
        (0u8..10, 0u32..=1_000_000),
        0usize..5,
        (0u8..10, 0u32..=1_000_000),
        prop_oneof![Just(0u32), 0u32..=50_000, 0u32..=1_000_000],
    )
        .prop_map(|(markets, positions, deficit, target, j, slip, band)| RawScenario {
            markets,
            positions,
            deficit,
            target,
            j,
            slip,
            band,
        })
}

/// A built scenario: a cross pool, a target, a position `j` to size and an
/// execution price for it, and a price band for plans. Its `Debug` prints
/// Rust that rebuilds it (with [`mk`] and [`pos`]), for regression tests.
#[derive(Clone)]
struct Scn {
    markets: Vec<Market>,
    prices: Vec<Price>,
    positions: Vec<Position>,
    collateral: Quote,
    target: Target,
    j: usize,
    exec: Price,
    band: Ppm,
}

impl std::fmt::Debug for Scn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Scn {{")?;
        writeln!(f, "    markets: vec![")?;
        for m in &self.markets {
            let tiers: Vec<String> = m.tiers[..m.tier_count as usize]
                .iter()
                .map(|t| format!("({}, {}, {})", t.notional_floor.0, t.initial.0, t.maintenance.0))
                .collect();
            writeln!(
                f,
                "        mk({}, {}, {}, &[{}], {}, {}, {}),",
                m.quote_exponent,
                m.lot_step.0,
                m.tick.0,
                tiers.join(", "),
                m.liquidation_fee.0,
                m.liquidator_fee_share.0,
                m.dust_floor.0
            )?;
        }
        writeln!(f, "    ],")?;
        let prices: Vec<String> = self.prices.iter().map(|p| format!("Price({})", p.0)).collect();
        writeln!(f, "    prices: vec![{}],", prices.join(", "))?;
        let ps: Vec<String> =
            self.positions.iter().map(|p| format!("pos({}, {}, {})", p.market_index, p.size.0, p.quote_balance.0)).collect();
        writeln!(f, "    positions: vec![{}],", ps.join(", "))?;
        let target = match self.target {
            Target::Maintenance { buffer } => format!("Target::Maintenance {{ buffer: Ppm({}) }}", buffer.0),
            Target::Initial => "Target::Initial".to_string(),
        };
        writeln!(f, "    collateral: Quote({}),", self.collateral.0)?;
        writeln!(f, "    target: {target},")?;
        writeln!(f, "    j: {},", self.j)?;
        writeln!(f, "    exec: Price({}),", self.exec.0)?;
        writeln!(f, "    band: Ppm({}),", self.band.0)?;
        write!(f, "}}")
    }
}

/// A market from `(floor, initial, maintenance)` tiers, fee, fee share and
/// dust floor.
fn mk(e: i32, lot: i64, tick: i64, tiers: &[(i64, u32, u32)], fee: u32, share: u32, dust: i64) -> Market {
    let tiers: Vec<MarginTier> =
        tiers.iter().map(|&(f, im, mm)| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) }).collect();
    let mut m = Market::single_tier(e, lot, tick, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
    m.liquidation_fee = Ppm(fee);
    m.liquidator_fee_share = Ppm(share);
    m.dust_floor = Quote(dust);
    m.validate().unwrap();
    m
}

fn build_market(r: &RawMarket) -> (Market, Price, i128) {
    // Price so that one lot is worth about lot_mant × 10^lot_exp quote units.
    let pe = r.lot_exp - r.e;
    let p = if pe >= 0 { i128::from(r.lot_mant) * pow10(pe.unsigned_abs()) } else { i128::from(r.lot_mant) / pow10(pe.unsigned_abs()) };
    let p = (p / i128::from(r.lot) * i128::from(r.jitter) / 1000).max(1);
    let mut m = Market::single_tier(r.e, r.lot, r.tick, Ppm(10_000), Ppm(5_000));
    // Scale: the notional of 100 lots.
    let scale = (i128::from(r.lot) * p * 100 * mul(&m) / den(&m)).max(1);
    let mut tiers = Vec::new();
    let mut floor = 0i128;
    let mut mm = r.mm0;
    for t in 0..r.tiers {
        if t > 0 {
            floor += (scale * i128::from(r.gaps[t - 1]) / 50).max(1);
            mm = (mm + r.incs[t - 1]).min(500_000);
        }
        let im = (u64::from(mm) * u64::from(r.im_ratio) / 1000).min(1_000_000) as u32;
        tiers.push(MarginTier { notional_floor: Quote(i64::try_from(floor).unwrap()), initial: Ppm(im), maintenance: Ppm(mm) });
    }
    m = m.with_tiers(&tiers).unwrap();
    m.liquidation_fee = Ppm(r.fee);
    m.liquidation_fee_rounding = if r.fee_floor { Rounding::Floor } else { Rounding::Ceil };
    m.liquidator_fee_share = Ppm(r.share);
    m.dust_floor = Quote(if r.dust == 0 { 0 } else { i64::try_from((scale * i128::from(r.dust) / 1000).max(1)).unwrap() });
    m.validate().unwrap();
    (m, Price(i64::try_from(p).unwrap()), scale)
}

fn build_target(kind: u8, v: u32) -> Target {
    match kind {
        0..=4 => Target::MAINTENANCE,
        5 | 6 => Target::Maintenance { buffer: Ppm(v % 200_001) },
        7 => Target::Maintenance { buffer: Ppm(v) },
        _ => Target::Initial,
    }
}

fn build(r: &RawScenario) -> Scn {
    let mut markets = Vec::new();
    let mut prices = Vec::new();
    let mut scales = Vec::new();
    for rm in &r.markets {
        let (m, p, s) = build_market(rm);
        markets.push(m);
        prices.push(p);
        scales.push(s);
    }
    let mut positions = Vec::new();
    for rp in &r.positions {
        let mi = rp.market % markets.len();
        let m = &markets[mi];
        let units = rp.lots * m.lot_step.0 + rp.rem % m.lot_step.0;
        let sigma: i64 = if rp.long { 1 } else { -1 };
        let value = floor_div(i128::from(sigma * units) * i128::from(prices[mi].0) * mul(m), den(m));
        let qb = -value + scales[mi] * i128::from(rp.noise) / 1000;
        positions.push(Position {
            market_index: u32::try_from(mi).unwrap(),
            size: Size(sigma * units),
            quote_balance: Quote(i64::try_from(qb).unwrap()),
        });
    }
    let target = build_target(r.target.0, r.target.1);
    let j = r.j % positions.len();
    let pj = positions[j];
    let mj = &markets[pj.market_index as usize];
    let mark = i128::from(prices[pj.market_index as usize].0);
    let (kind, v) = r.slip;
    let mm0 = i128::from(mj.tiers[0].maintenance.0);
    let slip: i128 = match kind {
        0..=5 => mm0 * i128::from(v % 1200) / 1000,
        6 | 7 => i128::from(v % 50_001),
        8 => -i128::from(v % 20_001),
        _ => 0,
    };
    let exec = if pj.size.0 > 0 { floor_div(mark * (1_000_000 - slip), 1_000_000) } else { ceil_div(mark * (1_000_000 + slip), 1_000_000) };
    let mut s = Scn {
        markets,
        prices,
        positions,
        collateral: Quote(0),
        target,
        j,
        exec: Price(i64::try_from(exec.max(1)).unwrap()),
        band: Ppm(r.band),
    };
    // Collateral: the deficit below the target is a fraction of what closing
    // `j` whole gains (or, when that gains nothing, of what `j` adds to the
    // target), so closing `j` restores the pool in most cases.
    let h0 = s.health_of(&s.positions);
    let req0 = i128::from(target.required_equity(&h0).unwrap().0);
    let gain = s.surplus_of(&s.closed(j, i128::from(pj.size.0).abs(), i128::from(s.exec.0))) - s.surplus_of(&s.positions);
    let base = if gain > 0 {
        gain
    } else {
        let mut without_j = s.positions.clone();
        without_j.remove(j);
        req0 - i128::from(target.required_equity(&s.health_of(&without_j)).unwrap().0)
    };
    let deficit = (base * i128::from(r.deficit) / 1_000_000).max(i128::from(r.deficit.signum()));
    s.collateral = Quote(i64::try_from(req0 - deficit - i128::from(h0.equity.0)).unwrap());
    s
}

fn scenario() -> impl Strategy<Value = Scn> {
    raw_scenario().prop_map(|r| build(&r))
}

// ---------------------------------------------------------------------------
// Test-side recomputation
// ---------------------------------------------------------------------------

impl Scn {
    fn pool(&self) -> Pool<'_> {
        Pool::new(self.collateral, &self.positions)
    }

    fn market_of(&self, j: usize) -> &Market {
        &self.markets[self.positions[j].market_index as usize]
    }

    fn mark_of(&self, j: usize) -> i128 {
        i128::from(self.prices[self.positions[j].market_index as usize].0)
    }

    fn health_of(&self, positions: &[Position]) -> Health {
        pool_health(&Pool::new(self.collateral, positions), &self.markets, &self.prices).unwrap()
    }

    /// Rounded `equity − required` of a position slice.
    fn surplus_of(&self, positions: &[Position]) -> i128 {
        let h = self.health_of(positions);
        i128::from(h.equity.0) - i128::from(self.target.required_equity(&h).unwrap().0)
    }

    /// The positions with `units` of position `j` closed at `exec`.
    fn closed(&self, j: usize, units: i128, exec: i128) -> Vec<Position> {
        let mut ps = self.positions.clone();
        if units == 0 {
            return ps;
        }
        let m = self.market_of(j);
        let sigma = i128::from(ps[j].size.0.signum());
        let cash = close_cash(m, sigma, units, exec);
        let fee = close_fee(m, units, exec);
        ps[j].size.0 -= i64::try_from(sigma * units).unwrap();
        ps[j].quote_balance.0 += i64::try_from(cash - fee).unwrap();
        ps
    }

    /// The dust rule, test side.
    fn dust_adjusted(&self, j: usize, units: i128) -> i128 {
        let m = self.market_of(j);
        let u = i128::from(self.positions[j].size.0).abs();
        let rest = u - units;
        if rest <= 0 || m.dust_floor.0 == 0 {
            return units;
        }
        if floor_div(rest * self.mark_of(j) * mul(m), den(m)) < i128::from(m.dust_floor.0) {
            u
        } else {
            units
        }
    }

    /// The grid of lot-step closes of position `j`: 0, step, 2·step, …, |size|.
    fn grid(&self, j: usize) -> Vec<i128> {
        let u = i128::from(self.positions[j].size.0).abs();
        let step = i128::from(self.market_of(j).lot_step.0);
        let n = ceil_div(u, step);
        (0..=n).map(|k| (k * step).min(u)).collect()
    }

    fn request(&self) -> CloseRequest {
        CloseRequest { position_index: self.j, execution_price: self.exec, target: self.target }
    }
}

// ---------------------------------------------------------------------------
// Runner with outcome counters
// ---------------------------------------------------------------------------

type Tally = BTreeMap<&'static str, usize>;

/// Runs `cases` cases of `test`, which returns an outcome label; returns the
/// count of each label (for the non-vacuity checks). Panics with the
/// minimised failing input on failure.
fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<&'static str, TestCaseError>) -> Tally
where
    S::Value: std::fmt::Debug,
{
    let tally = RefCell::new(Tally::new());
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 4_096, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |v| {
        let label = test(v)?;
        *tally.borrow_mut().entry(label).or_insert(0) += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let t = tally.into_inner();
    println!("{t:?}");
    t
}

fn count(t: &Tally, label: &str) -> usize {
    t.get(label).copied().unwrap_or(0)
}

fn total(t: &Tally) -> usize {
    t.values().sum()
}

/// At least `per_mille`/1000 of the cases had `label`.
fn assert_share(t: &Tally, label: &str, per_mille: usize) {
    let n = total(t);
    assert!(count(t, label) * 1000 >= n * per_mille, "only {} of {n} cases were {label:?}: {t:?}", count(t, label));
}

// ---------------------------------------------------------------------------
// 1. Sizing minimality against brute force
// ---------------------------------------------------------------------------

/// Checks one `minimal_close` against a brute force over every lot-step
/// close of the position (at most 201 grid points).
fn check_sizing(s: &Scn) -> Result<&'static str, TestCaseError> {
    let j = s.j;
    let c = minimal_close(&s.pool(), &s.markets, &s.prices, &s.request()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let size = i128::from(s.positions[j].size.0);
    let u = size.abs();
    let exec = i128::from(s.exec.0);
    let x = i128::from(c.size_delta.0).abs();
    prop_assert!(x <= u, "closes more than the position");
    prop_assert!(i128::from(c.size_delta.0) * size <= 0, "size_delta on the position's side");
    let grid = s.grid(j);
    prop_assert!(grid.contains(&x), "{x} is neither a lot-step multiple nor the whole position");
    let f = |units: i128| s.surplus_of(&s.closed(j, units, exec));
    let fs: Vec<i128> = grid.iter().map(|&g| f(g)).collect();
    // The figures reported are the ones recomputed from scratch.
    let after = s.health_of(&s.closed(j, x, exec));
    prop_assert_eq!(c.health_after, after);
    prop_assert_eq!(c.required_equity_after, s.target.required_equity(&after).unwrap());
    let fx = i128::from(after.equity.0) - i128::from(c.required_equity_after.0);
    prop_assert_eq!(i128::from(c.shortfall.0), (-fx).max(0));
    let least = grid.iter().zip(&fs).find(|(_, &v)| v >= 0).map(|(&g, _)| g);
    match c.status {
        CloseStatus::AlreadySafe => {
            prop_assert!(fs[0] >= 0 && x == 0 && !c.dust_closed);
            Ok("safe")
        }
        CloseStatus::Restored => {
            prop_assert!(fx >= 0, "restored but the target is missed: surplus {fx}");
            prop_assert!(fs[0] < 0);
            // The least grid point that restores, after the dust rule: always
            // (the solver is exact, there is no local-only answer).
            let least = least.unwrap();
            prop_assert_eq!(x, s.dust_adjusted(j, least), "least restoring grid close is {}", least);
            prop_assert_eq!(c.dust_closed, x != least);
            if !c.dust_closed {
                let k = grid.iter().position(|&g| g == x).unwrap();
                prop_assert!(fs[k - 1] < 0, "x − step = {} restores too (surplus {})", grid[k - 1], fs[k - 1]);
            }
            Ok(if c.dust_closed { "restored-dust" } else { "restored" })
        }
        CloseStatus::Infeasible => {
            // Regressions (see `infeasible_although_*`): an Infeasible answer
            // never meets the target, and no grid close does.
            prop_assert!(fx < 0, "infeasible but the target is met");
            let restoring: Vec<i128> = grid[1..].iter().copied().filter(|&g| f(s.dust_adjusted(j, g)) >= 0).collect();
            prop_assert!(restoring.is_empty(), "grid closes {:?} restore the target; reported surplus {}", restoring, fx);
            if !c.dust_closed {
                // The best reachable, within the rounding slack (< 6).
                let best = *fs.iter().max().unwrap();
                prop_assert!(best - fx <= 5, "best grid surplus {best}, reported {fx} at {x}");
                Ok(if best == fx { "infeasible-best" } else { "infeasible-slack" })
            } else {
                Ok("infeasible-dust")
            }
        }
    }
}

/// `minimal_close` returns the least lot-step close that restores the target
/// (brute force over every smaller grid point), never more than the position, on the lot grid; when
/// infeasible no grid close restores the target and the reported close is
/// the best reachable up to the rounding slack (`ROUNDING_SLACK` = 6, so a
/// gap ≤ 5).
#[test]
fn sizing_is_minimal_against_brute_force() {
    let t = run(6_000, scenario(), |s| check_sizing(&s));
    assert_share(&t, "restored", 250);
    assert!(count(&t, "infeasible-best") + count(&t, "infeasible-slack") >= 30, "{t:?}");
    assert!(count(&t, "restored-dust") + count(&t, "infeasible-dust") >= 10, "{t:?}");
}

// ---------------------------------------------------------------------------
// 2. Sizing's health_after equals the recomputed pool health
// ---------------------------------------------------------------------------

/// `health_after`, `expected_cash` and `expected_fee` of `minimal_close`
/// equal the figures recomputed from scratch with the close applied.
#[test]
fn sizing_health_after_equals_recomputed() {
    let t = run(10_000, scenario(), |s| {
        let c = minimal_close(&s.pool(), &s.markets, &s.prices, &s.request()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let j = s.j;
        let m = s.market_of(j);
        let sigma = i128::from(s.positions[j].size.0.signum());
        let units = i128::from(c.size_delta.0).abs();
        let exec = i128::from(s.exec.0);
        prop_assert_eq!(c.execution_price, s.exec);
        let (cash, fee) = if units == 0 { (0, 0) } else { (close_cash(m, sigma, units, exec), close_fee(m, units, exec)) };
        prop_assert_eq!(i128::from(c.expected_cash.0), cash);
        prop_assert_eq!(i128::from(c.expected_fee.0), fee);
        let mut ps = s.positions.clone();
        ps[j].size.0 += c.size_delta.0;
        ps[j].quote_balance.0 += c.expected_cash.0 - c.expected_fee.0;
        prop_assert_eq!(c.health_after, s.health_of(&ps));
        Ok(match c.status {
            CloseStatus::AlreadySafe => "safe",
            CloseStatus::Restored => "restored",
            CloseStatus::Infeasible if units == 0 => "infeasible",
            CloseStatus::Infeasible if units == s.positions[j].size.0.abs().into() => "infeasible-whole",
            CloseStatus::Infeasible => "infeasible-mid",
        })
    });
    assert_share(&t, "restored", 250);
    assert_share(&t, "infeasible", 20);
}

// ---------------------------------------------------------------------------
// 3. Plans
// ---------------------------------------------------------------------------

fn check_plan(s: &Scn, order: PlanOrder) -> Result<&'static str, TestCaseError> {
    let params = PlanParams { target: s.target, price_band: s.band, order };
    let n = s.positions.len();
    let sentinel =
        PlanLeg { position_index: 999, size_delta: Size(7), limit_price: Price(7), expected_cash: Quote(7), expected_fee: Quote(7) };
    let mut legs = vec![sentinel; n + 2];
    let p = plan_liquidation(&s.pool(), &s.markets, &s.prices, &params, &mut legs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    prop_assert!(p.leg_count <= n);
    prop_assert!(legs[p.leg_count..].iter().all(|l| *l == sentinel), "wrote past leg_count");
    prop_assert_eq!(p.health_before, s.health_of(&s.positions));
    let mut after = s.positions.clone();
    let mut seen = vec![false; n];
    for leg in &legs[..p.leg_count] {
        let i = leg.position_index as usize;
        prop_assert!(i < n && !seen[i], "bad or repeated position index {}", i);
        seen[i] = true;
        let pos = s.positions[i];
        let m = s.market_of(i);
        let size = i128::from(pos.size.0);
        let delta = i128::from(leg.size_delta.0);
        prop_assert!(delta != 0 && delta.signum() == -size.signum(), "leg on the wrong side: {:?}", leg);
        prop_assert!(delta.abs() <= size.abs(), "leg larger than its position: {:?}", leg);
        let step = i128::from(m.lot_step.0);
        prop_assert!(delta % step == 0 || delta.abs() == size.abs(), "leg off the lot grid: {:?}", leg);
        // Limit price: the public limit_price, on the tick grid, between the
        // band price and the mark (at least one tick).
        let limit = i128::from(leg.limit_price.0);
        let tick = i128::from(m.tick.0);
        let mark = s.mark_of(i);
        prop_assert_eq!(leg.limit_price, limit_price(&s.pool(), &s.markets, &s.prices, i, s.band).unwrap());
        prop_assert!(limit > 0 && limit % tick == 0, "limit {} off the tick grid {}", limit, tick);
        let b = i128::from(s.band.0);
        if size > 0 {
            let band_px = floor_div(floor_div(mark * (1_000_000 - b), 1_000_000), tick) * tick;
            prop_assert!(limit >= band_px, "long limit {} below the band price {}", limit, band_px);
            prop_assert!(limit <= mark || limit == tick, "long limit {} above the mark {}", limit, mark);
        } else {
            let band_px = ceil_div(ceil_div(mark * (1_000_000 + b), 1_000_000), tick) * tick;
            prop_assert!(limit <= band_px, "short limit {} above the band price {}", limit, band_px);
            prop_assert!(limit >= mark, "short limit {} below the mark {}", limit, mark);
        }
        let sigma = size.signum();
        prop_assert_eq!(i128::from(leg.expected_cash.0), close_cash(m, sigma, delta.abs(), limit));
        prop_assert_eq!(i128::from(leg.expected_fee.0), close_fee(m, delta.abs(), limit));
        after[i].size.0 += leg.size_delta.0;
        after[i].quote_balance.0 += leg.expected_cash.0 - leg.expected_fee.0;
        prop_assert!(after[i].size.0 == 0 || after[i].size.0.signum() == pos.size.0.signum(), "leg flips the position");
    }
    let h = s.health_of(&after);
    prop_assert_eq!(p.health_after, h);
    if order != PlanOrder::ProRata && p.status == PlanStatus::Restored && p.leg_count >= 2 {
        // Ordered plans stop at the first leg that restores the target: all
        // legs but the last do not.
        let mut prefix = s.positions.clone();
        for leg in &legs[..p.leg_count - 1] {
            let i = leg.position_index as usize;
            prefix[i].size.0 += leg.size_delta.0;
            prefix[i].quote_balance.0 += leg.expected_cash.0 - leg.expected_fee.0;
        }
        prop_assert!(s.surplus_of(&prefix) < 0, "the plan went on after a leg restored the target");
    }
    let req = s.target.required_equity(&h).unwrap();
    prop_assert_eq!(p.required_equity_after, req);
    let surplus = i128::from(h.equity.0) - i128::from(req.0);
    prop_assert_eq!(i128::from(p.shortfall.0), (-surplus).max(0));
    let before = s.surplus_of(&s.positions);
    Ok(match p.status {
        PlanStatus::AlreadySafe => {
            prop_assert!(before >= 0 && p.leg_count == 0);
            "safe"
        }
        PlanStatus::Restored => {
            prop_assert!(before < 0 && surplus >= 0, "restored but surplus {}", surplus);
            prop_assert!(p.leg_count > 0);
            "restored"
        }
        PlanStatus::Infeasible => {
            prop_assert!(before < 0 && surplus < 0, "infeasible but surplus {}", surplus);
            "infeasible"
        }
    })
}

/// For every order: `health_after` equals the pool health recomputed with
/// every leg applied; Restored ⇔ the target is met after; legs are on the
/// position's closing side, at most the position, on the lot grid, never
/// flip, one per position at most, nothing written past `leg_count`; limit
/// prices equal `limit_price`, lie on the tick grid and between the band
/// price and the mark (a long's limit may exceed a mark below one tick: the
/// documented "at least one tick"); each leg's cash and fee are the
/// documented roundings at its limit price.
#[test]
fn plans_are_consistent_in_every_order() {
    for order in [PlanOrder::LargestMaintenanceFirst, PlanOrder::BestReleasePerCostFirst, PlanOrder::ProRata] {
        let t = run(3_000, scenario(), move |s| check_plan(&s, order));
        assert_share(&t, "restored", 250);
        assert_share(&t, "infeasible", 20);
        assert_share(&t, "safe", 20);
    }
}

/// Pro rata closes the least fraction φ (ppm) of every position that
/// restores the target. Brute force: the legs only change where some
/// position's units do; the least restoring φ is among those points (and 1). Each position's units at φ: the
/// fraction rounded up, up to the lot step, the dust rule; closed at the
/// position's limit price. The plan's legs must be exactly those. (A
/// position's units are `min(step × ceil(u × φ / (1e6 × step)), u)`, so they
/// change only at `φ = floor(j × 1e6 × step / u) + 1`.)
fn check_pro_rata(s: &Scn) -> Result<&'static str, TestCaseError> {
    let params = PlanParams { target: s.target, price_band: s.band, order: PlanOrder::ProRata };
    let n = s.positions.len();
    let mut legs = vec![PlanLeg::default(); n];
    let p = plan_liquidation(&s.pool(), &s.markets, &s.prices, &params, &mut legs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    if s.surplus_of(&s.positions) >= 0 {
        return Ok("safe");
    }
    let limits: Vec<i128> =
        (0..n)
            .map(|i| {
                if s.positions[i].size.0 == 0 {
                    0
                } else {
                    i128::from(limit_price(&s.pool(), &s.markets, &s.prices, i, s.band).unwrap().0)
                }
            })
            .collect();
    let units_at = |i: usize, phi: i128| -> i128 {
        let u = i128::from(s.positions[i].size.0).abs();
        let step = i128::from(s.market_of(i).lot_step.0);
        let want = (u * phi + 999_999) / 1_000_000;
        let units = (((want + step - 1) / step) * step).min(u);
        if units > 0 {
            s.dust_adjusted(i, units)
        } else {
            0
        }
    };
    let after = |phi: i128| -> Vec<Position> {
        let mut ps = s.positions.clone();
        for i in 0..n {
            let x = units_at(i, phi);
            if x > 0 {
                let one = s.closed(i, x, limits[i]);
                ps[i] = one[i];
            }
        }
        ps
    };
    let mut candidates: Vec<i128> = vec![1];
    for (i, pos) in s.positions.iter().enumerate() {
        let u = i128::from(pos.size.0).abs();
        let step = i128::from(s.market_of(i).lot_step.0);
        if u == 0 {
            continue;
        }
        for j in 0..=(u + step - 1) / step {
            candidates.push(j * 1_000_000 * step / u + 1);
        }
    }
    candidates.retain(|&c| (1..=1_000_000).contains(&c));
    candidates.sort_unstable();
    candidates.dedup();
    let least = candidates.into_iter().find(|&phi| s.surplus_of(&after(phi)) >= 0);
    let Some(phi) = least else {
        // No fraction restores: the planner falls back to an ordered plan.
        return Ok("no-fraction");
    };
    prop_assert_eq!(p.status, PlanStatus::Restored);
    let mut got = vec![0i128; n];
    for leg in &legs[..p.leg_count] {
        got[leg.position_index as usize] = i128::from(leg.size_delta.0).abs();
    }
    let want: Vec<i128> = (0..n).map(|i| if s.positions[i].size.0 == 0 { 0 } else { units_at(i, phi) }).collect();
    prop_assert_eq!(got, want, "least restoring fraction {} ppm", phi);
    Ok("restored")
}

#[test]
fn pro_rata_fraction_is_least_against_brute_force() {
    let t = run(1_000, scenario(), |s| check_pro_rata(&s));
    assert_share(&t, "restored", 200);
}

// ---------------------------------------------------------------------------
// 4. Monotonicity
// ---------------------------------------------------------------------------

/// True when `c` would be the (fixed) solver bug: Infeasible
/// although a grid close restores the target (see
/// `infeasible_although_the_whole_close_restores`). Asserted never to happen.
fn solver_missed(s: &Scn, prices: &[Price], c: &CloseSizing) -> bool {
    if c.status != CloseStatus::Infeasible {
        return false;
    }
    let s = Scn { prices: prices.to_vec(), ..s.clone() };
    let exec = i128::from(c.execution_price.0);
    s.grid(s.j)[1..].iter().any(|&g| s.surplus_of(&s.closed(s.j, s.dust_adjusted(s.j, g), exec)) >= 0)
}

fn rank(s: CloseStatus) -> u8 {
    match s {
        CloseStatus::AlreadySafe => 0,
        CloseStatus::Restored => 1,
        CloseStatus::Infeasible => 2,
    }
}

/// `better` is the sizing under the more favourable condition: it is never a
/// worse status, and when both are Restored never a larger close.
fn check_monotone(better: &CloseSizing, worse: &CloseSizing) -> Result<&'static str, TestCaseError> {
    prop_assert!(rank(better.status) <= rank(worse.status), "better {:?} vs worse {:?}", better, worse);
    if better.status == CloseStatus::Restored && worse.status == CloseStatus::Restored {
        let (xb, xw) = (better.size_delta.0.abs(), worse.size_delta.0.abs());
        prop_assert!(xb <= xw, "a worse condition needs a smaller close: {} < {}", xw, xb);
        return Ok(if xb < xw { "both-restored-strict" } else { "both-restored-equal" });
    }
    Ok(match (better.status, worse.status) {
        (CloseStatus::Restored, CloseStatus::Infeasible) => "restored-then-infeasible",
        _ => "other",
    })
}

/// Worse execution price. Exact rounding argument: at every grid close the
/// rounded surplus is non-increasing in the worsening of the price when
/// * the position is short (cash `floor(−x·q·10^e)` and fee `ceil(x·q·fee)`
///   both move against the account as `q` rises), any exponent; or
/// * it is long and `e ≥ 0` (cash falls by exactly `x·Δq·10^e`, an integer,
///   which bounds the fee's fall `ceil(x·Δq·10^e·fee) ≤ x·Δq·10^e`), or the
///   fee is 0.
///
/// For a long with `e < 0` and a fee the cash may not fall (floor) while the
/// fee falls by one: see `long_exec_monotonicity_breaks_below_one_unit`.
fn exec_case(s: &Scn, d: u32, long_any: bool) -> Result<&'static str, TestCaseError> {
    let j = s.j;
    let m = s.market_of(j);
    let long = s.positions[j].size.0 > 0;
    let holds = !long || m.quote_exponent >= 0 || m.liquidation_fee.0 == 0;
    if holds == long_any {
        return Ok("skipped");
    }
    let q = i128::from(s.exec.0);
    let delta = (q * i128::from(d) / 1_000_000).max(1);
    let worse = if long { q - delta } else { q + delta };
    if worse < 1 {
        return Ok("skipped");
    }
    let req = s.request();
    let a = minimal_close(&s.pool(), &s.markets, &s.prices, &req).unwrap();
    prop_assert!(!solver_missed(s, &s.prices, &a), "the solver missed a restoring close");
    let b = minimal_close(&s.pool(), &s.markets, &s.prices, &CloseRequest { execution_price: Price(i64::try_from(worse).unwrap()), ..req })
        .unwrap();
    // Nothing closed, nothing depends on the execution price.
    prop_assert_eq!(a.status == CloseStatus::AlreadySafe, b.status == CloseStatus::AlreadySafe);
    check_monotone(&a, &b)
}

/// See [`exec_case`] for the conditions under which it holds.
#[test]
fn worse_execution_price_never_needs_a_smaller_close() {
    let t = run(6_000, (scenario(), 1u32..=100_000), |(s, d)| exec_case(&s, d, false));
    assert!(count(&t, "both-restored-strict") >= 200, "{t:?}");
    assert!(count(&t, "restored-then-infeasible") >= 10, "{t:?}");
}

/// Worse mark, execution price fixed. The closed position is moved to a
/// market of its own (a copy) so its mark moves nothing else. At every grid
/// close the rounded surplus is non-increasing as the mark moves against the
/// position when
/// * the position is short (its value `floor(−r·P·10^e)` falls, its
///   requirement `ceil(…)` and the target `ceil(…)` rise), any exponent,
///   any target; or
/// * it is long, `e ≥ 0` and the target multiplier is 1 (no buffer, or the
///   initial target): the value falls by exactly `r·ΔP·10^e`, an integer,
///   which bounds the fall `ceil(r·ΔP·10^e·f) ≤ r·ΔP·10^e` of the requirement.
///
/// For a long with `e < 0`, or with a buffer, the value's floor may stay put
/// (or the buffer multiply the requirement's unit fall) so that the target
/// falls more than the equity: see `long_mark_monotonicity_breaks_below_one_unit` and
/// `long_mark_monotonicity_breaks_with_a_buffer`.
fn mark_case(s: &Scn, d: u32, long_any: bool) -> Result<&'static str, TestCaseError> {
    let j = s.j;
    let long = s.positions[j].size.0 > 0;
    let unit_multiplier = matches!(s.target, Target::Initial | Target::Maintenance { buffer: Ppm(0) });
    let holds = !long || (s.market_of(j).quote_exponent >= 0 && unit_multiplier);
    if holds == long_any {
        return Ok("skipped");
    }
    // Isolate the position's market.
    let mut s = s.clone();
    let mi = s.positions[j].market_index as usize;
    s.markets.push(s.markets[mi]);
    s.prices.push(s.prices[mi]);
    s.positions[j].market_index = u32::try_from(s.markets.len() - 1).unwrap();
    let p = i128::from(s.prices[mi].0);
    let delta = (p * i128::from(d) / 1_000_000).max(1);
    let worse = if long { p - delta } else { p + delta };
    if worse < 1 {
        return Ok("skipped");
    }
    let a = minimal_close(&s.pool(), &s.markets, &s.prices, &s.request()).unwrap();
    prop_assert!(!solver_missed(&s, &s.prices, &a), "the solver missed a restoring close");
    let mut prices = s.prices.clone();
    *prices.last_mut().unwrap() = Price(i64::try_from(worse).unwrap());
    let b = minimal_close(&s.pool(), &s.markets, &prices, &s.request()).unwrap();
    check_monotone(&a, &b)
}

/// See [`mark_case`] for the conditions under which it holds.
#[test]
fn worse_mark_never_needs_a_smaller_close() {
    let t = run(6_000, (scenario(), 1u32..=100_000), |(s, d)| mark_case(&s, d, false));
    assert!(count(&t, "both-restored-strict") >= 200, "{t:?}");
}

fn pinned(m: Market, price: i64, size: i64, qb: i64, collateral: i64, target: Target, exec: i64) -> Scn {
    Scn {
        markets: vec![m],
        prices: vec![Price(price)],
        positions: vec![pos(0, size, qb)],
        collateral: Quote(collateral),
        target,
        j: 0,
        exec: Price(exec),
        band: Ppm(0),
    }
}

/// Pins the exception stated on `exec_case` (a long, `e < 0`, a fee): long 2
/// at 100.01 (e = −2), 10 %/5 %, fee 1 %. At exec 100.01 one unit brings
/// `floor(100.01) − ceil(1.0001) = 98`, at the worse 100.00 it brings
/// `100 − 1 = 99`: the worse price needs 1 unit, the better 2.
#[test]
fn long_exec_monotonicity_breaks_below_one_unit() {
    let m = mk(-2, 1, 1, &[(0, 100_000, 50_000)], 10_000, 0, 0);
    let better = sizing_of(&pinned(m, 10_001, 2, -200, 7, Target::MAINTENANCE, 10_001));
    let worse = sizing_of(&pinned(m, 10_001, 2, -200, 7, Target::MAINTENANCE, 10_000));
    assert_eq!((better.status, better.size_delta), (CloseStatus::Restored, Size(-2)));
    assert_eq!((worse.status, worse.size_delta), (CloseStatus::Restored, Size(-1)));
}

/// Pins the exception stated on `mark_case` (a long, `e < 0`): long 5 at
/// 0.51 (e = −2), 50 %/40 %: at mark 0.51 the pool needs a close, at the
/// worse 0.50 it is already safe (the value `floor(2.55) → floor(2.50)` keeps
/// 2 while the requirement `ceil(1.02) → ceil(1.00)` falls from 2 to 1).
#[test]
fn long_mark_monotonicity_breaks_below_one_unit() {
    let m = mk(-2, 1, 1, &[(0, 500_000, 400_000)], 0, 0, 0);
    let better = sizing_of(&pinned(m, 51, 5, -255, 254, Target::MAINTENANCE, 31));
    let worse = sizing_of(&pinned(m, 50, 5, -255, 254, Target::MAINTENANCE, 31));
    assert_eq!((better.status, better.size_delta), (CloseStatus::Restored, Size(-1)));
    assert_eq!(worse.status, CloseStatus::AlreadySafe);
}

/// Pins the other exception stated on `mark_case` (a long, `e ≥ 0`, a
/// buffer): long 1 at 3 (e = 0), 50 %/40 %, buffer 100 %: the mark falling to
/// 2 costs 1 of equity but the target `ceil(2 × ceil(1.2)) = 4` falls to
/// `2 × ceil(0.8) = 2`: already safe.
#[test]
fn long_mark_monotonicity_breaks_with_a_buffer() {
    let m = mk(0, 1, 1, &[(0, 500_000, 400_000)], 0, 0, 0);
    let t = Target::Maintenance { buffer: Ppm(1_000_000) };
    let better = sizing_of(&pinned(m, 3, 1, -3, 3, t, 1));
    let worse = sizing_of(&pinned(m, 2, 1, -3, 3, t, 1));
    assert_eq!((better.status, better.size_delta), (CloseStatus::Restored, Size(-1)));
    assert_eq!(worse.status, CloseStatus::AlreadySafe);
}

// ---------------------------------------------------------------------------
// 5. Settlement
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct FillCase {
    s: Scn,
    units_raw: u64,
    price_kind: u8,
    price_raw: u32,
}

fn fill_case() -> impl Strategy<Value = FillCase> {
    (scenario(), any::<u64>(), 0u8..10, 0u32..=1_000_000).prop_map(|(s, units_raw, price_kind, price_raw)| FillCase {
        s,
        units_raw,
        price_kind,
        price_raw,
    })
}

/// Conservation `position_quote_delta − fill_cash + fee_to_liquidator +
/// insurance_fund_delta = 0` exactly; `0 ≤ fee ≤ nominal_fee`; bad debt ≥ 0
/// and excludes a fee; the split adds up; `fee = min(nominal, max(0,
/// cash − bankruptcy_quote))`, `bad_debt = max(0, bankruptcy_quote − cash)`;
/// the new position and `health_after` equal the recomputed ones. And the
/// invariant the bankruptcy quote is for: the account ends with at least its
/// equity less the closed units' share, `equity_after ≥ equity_before −
/// (ceil(closed mark value) − bankruptcy_quote)`; in particular a pool with
/// equity ≥ 0 is never left bankrupt by a fill, whatever its price.
#[test]
fn settlement_conserves_and_caps() {
    let t = run(8_000, fill_case(), |c| {
        let s = &c.s;
        let j = s.j;
        let pos = s.positions[j];
        let m = s.market_of(j);
        let size = i128::from(pos.size.0);
        let sigma = size.signum();
        let u = size.abs();
        let units = 1 + i128::from(c.units_raw) % u;
        let mark = s.mark_of(j);
        let v = i128::from(c.price_raw);
        let price = match c.price_kind {
            0..=5 => mark * (1_000_000 - sigma * (v % 100_000 - 20_000)) / 1_000_000,
            6..=7 => {
                let bp = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, Size(i64::try_from(-sigma * units).unwrap())).unwrap();
                i128::from(bp.price.0) + v % 5 - 2
            }
            _ => 1 + v,
        }
        .max(1);
        let fill = Fill {
            position_index: j,
            size_delta: Size(i64::try_from(-sigma * units).unwrap()),
            price: Price(i64::try_from(price).unwrap()),
        };
        let st = settle_fill(&s.pool(), &s.markets, &s.prices, &fill).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let q = |x: Quote| i128::from(x.0);
        prop_assert_eq!(q(st.position_quote_delta) - q(st.fill_cash) + q(st.fee_to_liquidator) + q(st.insurance_fund_delta), 0);
        prop_assert!(q(st.fee) >= 0 && q(st.fee) <= q(st.nominal_fee));
        prop_assert!(q(st.bad_debt) >= 0);
        prop_assert!(q(st.bad_debt) == 0 || q(st.fee) == 0);
        prop_assert_eq!(q(st.fee_to_liquidator) + q(st.fee_to_insurance), q(st.fee));
        prop_assert_eq!(q(st.fee_to_liquidator), floor_div(q(st.fee) * i128::from(m.liquidator_fee_share.0), 1_000_000));
        prop_assert_eq!(q(st.insurance_fund_delta), q(st.fee_to_insurance) - q(st.bad_debt));
        prop_assert_eq!(q(st.fill_cash), close_cash(m, sigma, units, price));
        prop_assert_eq!(q(st.nominal_fee), close_fee(m, units, price));
        let bq = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, fill.size_delta).unwrap().quote;
        prop_assert_eq!(st.bankruptcy_quote, bq);
        let excess = q(st.fill_cash) - q(bq);
        prop_assert_eq!(q(st.fee), q(st.nominal_fee).min(excess.max(0)));
        prop_assert_eq!(q(st.bad_debt), (-excess).max(0));
        prop_assert_eq!(q(st.position_quote_delta), q(st.fill_cash) - q(st.fee) + q(st.bad_debt));
        let mut ps = s.positions.clone();
        ps[j].size.0 += fill.size_delta.0;
        ps[j].quote_balance.0 += st.position_quote_delta.0;
        prop_assert_eq!(st.new_position, ps[j]);
        let after = s.health_of(&ps);
        prop_assert_eq!(st.health_after, after);
        let before = s.health_of(&s.positions);
        let leaving = ceil_div(sigma * units * mark * mul(m), den(m));
        let share = leaving - q(bq);
        prop_assert!(
            q(after.equity) >= q(before.equity) - share,
            "equity after {:?} < before {:?} − share {}",
            after.equity,
            before.equity,
            share
        );
        if before.equity.0 >= 0 {
            prop_assert!(after.equity.0 >= 0, "a solvent pool left bankrupt by a fill");
        }
        Ok(if q(st.bad_debt) > 0 {
            "bad-debt"
        } else if q(st.fee) < q(st.nominal_fee) {
            "fee-capped"
        } else {
            "normal"
        })
    });
    assert_share(&t, "bad-debt", 50);
    assert_share(&t, "fee-capped", 20);
    assert_share(&t, "normal", 200);
}

// ---------------------------------------------------------------------------
// 6. Rounding against exact rationals
// ---------------------------------------------------------------------------

/// Per position, the value is the floor of the exact `size·P·10^e + qb` and
/// each requirement the ceiling of the exact tier integral (computed here
/// without the crate's deduction formula); so the pool's equity is at most
/// the exact one and within 1 per position, its requirements at least the
/// exact ones and within 1 per position. The ratio, free collateral, state
/// and target follow from the rounded figures as documented.
#[test]
fn health_rounding_against_exact_rationals() {
    let t = run(10_000, scenario(), |s| {
        let h = s.health_of(&s.positions);
        let mut eq9 = i128::from(s.collateral.0) * 1_000_000_000;
        let (mut mm15, mut im15) = (0i128, 0i128);
        let mut n = 0i128;
        for p in &s.positions {
            let m = &s.markets[p.market_index as usize];
            let price = s.prices[p.market_index as usize];
            let v9 = exact_value_e9(m, p.size.0, price.0);
            let mm = exact_requirement_e15(m, p.size.0, price.0, false);
            let im = exact_requirement_e15(m, p.size.0, price.0, true);
            prop_assert_eq!(
                m.position_value(p.size, price, p.quote_balance).unwrap(),
                floor_div(v9, 1_000_000_000) + i128::from(p.quote_balance.0)
            );
            prop_assert_eq!(i128::from(m.maintenance_requirement(p.size, price).unwrap().0), ceil_div(mm, 1_000_000_000_000_000));
            prop_assert_eq!(i128::from(m.initial_requirement(p.size, price).unwrap().0), ceil_div(im, 1_000_000_000_000_000));
            eq9 += v9 + i128::from(p.quote_balance.0) * 1_000_000_000;
            mm15 += mm;
            im15 += im;
            n += 1;
        }
        let (e, mm, im) = (i128::from(h.equity.0), i128::from(h.maintenance_requirement.0), i128::from(h.initial_requirement.0));
        prop_assert!(e * 1_000_000_000 <= eq9 && eq9 - e * 1_000_000_000 < n * 1_000_000_000, "equity {} vs exact {}e-9", e, eq9);
        prop_assert!(mm * 1_000_000_000_000_000 >= mm15 && mm * 1_000_000_000_000_000 - mm15 < n * 1_000_000_000_000_000);
        prop_assert!(im * 1_000_000_000_000_000 >= im15 && im * 1_000_000_000_000_000 - im15 < n * 1_000_000_000_000_000);
        prop_assert!(im >= mm && mm >= 0);
        prop_assert_eq!(i128::from(h.free_collateral.0), e - im);
        let ratio = if mm == 0 {
            0
        } else if e <= 0 {
            u64::MAX
        } else {
            u64::try_from(ceil_div(mm * 1_000_000, e)).unwrap_or(u64::MAX)
        };
        prop_assert_eq!(h.margin_ratio_ppm, ratio);
        let state = if e < 0 {
            HealthState::Bankrupt
        } else if mm > 0 && e < mm {
            HealthState::Liquidatable
        } else {
            HealthState::Healthy
        };
        prop_assert_eq!(h.state, state);
        let req = i128::from(s.target.required_equity(&h).unwrap().0);
        match s.target {
            Target::Maintenance { buffer } => prop_assert_eq!(req, ceil_div(mm * (1_000_000 + i128::from(buffer.0)), 1_000_000)),
            Target::Initial => prop_assert_eq!(req, im),
        }
        Ok(match h.state {
            HealthState::Healthy => "healthy",
            HealthState::Liquidatable => "liquidatable",
            HealthState::Bankrupt => "bankrupt",
        })
    });
    assert_share(&t, "liquidatable", 300);
    assert_share(&t, "bankrupt", 20);
    assert_share(&t, "healthy", 20);
}

// ---------------------------------------------------------------------------
// 7. Bankruptcy price
// ---------------------------------------------------------------------------

/// Filling at the bankruptcy price (rounded against the account) never
/// creates bad debt, and the fee it leaves room for is less than one price
/// unit of the fill (`(cash − quote)·10^k < units·10^max(0,e)`); one price
/// unit worse always creates bad debt and then no fee is charged. A fill
/// whose cash is exactly the bankruptcy quote charges neither.
#[test]
fn bankruptcy_price_is_the_bad_debt_boundary() {
    let t = run(8_000, (scenario(), any::<u64>()), |(s, raw)| {
        let j = s.j;
        let pos = s.positions[j];
        let m = s.market_of(j);
        let size = i128::from(pos.size.0);
        let sigma = size.signum();
        let units = 1 + i128::from(raw) % size.abs();
        let delta = Size(i64::try_from(-sigma * units).unwrap());
        let bp = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, delta).unwrap();
        let settle = |price: i64| {
            settle_fill(&s.pool(), &s.markets, &s.prices, &Fill { position_index: j, size_delta: delta, price: Price(price) }).unwrap()
        };
        if bp.price.0 <= 0 {
            let st = settle(1);
            if sigma > 0 {
                // A long whose share covers the closed units: any fill is solvent.
                prop_assert!(bp.quote.0 <= 0);
                prop_assert_eq!(st.bad_debt, Quote(0));
                return Ok("never-bankrupt");
            }
            // A short so deep under water that even the lowest price leaves bad debt.
            prop_assert!(st.bad_debt.0 > 0 && st.fee.0 == 0);
            return Ok("always-bankrupt");
        }
        let st = settle(bp.price.0);
        prop_assert_eq!(st.bankruptcy_quote, bp.quote);
        prop_assert_eq!(st.bad_debt, Quote(0), "bad debt when filled at the bankruptcy price");
        let room = i128::from(st.fill_cash.0) - i128::from(bp.quote.0);
        prop_assert!(room >= 0 && room * den(m) < units * mul(m), "room {} for {} units", room, units);
        prop_assert!(i128::from(st.fee.0) <= room);
        if room == 0 {
            prop_assert_eq!(st.fee, Quote(0));
        }
        let worse = bp.price.0 - i64::try_from(sigma).unwrap();
        if worse >= 1 {
            let st = settle(worse);
            prop_assert!(st.bad_debt.0 > 0, "no bad debt one price unit beyond bankruptcy");
            prop_assert_eq!(st.fee, Quote(0));
        }
        Ok(if room == 0 { "exact" } else { "rounded" })
    });
    assert!(count(&t, "exact") + count(&t, "rounded") >= 4_000, "{t:?}");
    assert!(count(&t, "exact") >= 50, "{t:?}");
}

// ---------------------------------------------------------------------------
// Failures found (kept as ignored regression tests; src is not changed here)
// ---------------------------------------------------------------------------

fn sizing_of(s: &Scn) -> CloseSizing {
    minimal_close(&s.pool(), &s.markets, &s.prices, &s.request()).unwrap()
}

/// A short of 26 units at 0.0035 (e = −4), quote balance 1: value
/// `floor(−0.091) + 1 = 0`, maintenance `ceil(0.091 × 0.5 %) = 1`: the pool is
/// liquidatable by rounding alone. Buying the 26 back at 0.0036 costs
/// `ceil(0.0936) = 1`, leaving equity 0 against maintenance 0: the whole
/// close restores the target (`pool_health` says so). The solver sees an
/// exact slope ≤ 0 (slippage 0.0001 > released 0.5 % of 0.0035) in the first
/// segment and returns Infeasible with nothing closed.
///
/// Expected: Restored, size_delta +26. Got: Infeasible, size_delta 0,
/// shortfall 1.
#[test]
fn infeasible_although_the_whole_close_restores() {
    let s = Scn {
        markets: vec![mk(-4, 1, 1, &[(0, 5000, 5000)], 0, 0, 0)],
        prices: vec![Price(35)],
        positions: vec![pos(0, -26, 1)],
        collateral: Quote(0),
        target: Target::Maintenance { buffer: Ppm(0) },
        j: 0,
        exec: Price(36),
        band: Ppm(0),
    };
    assert!(s.surplus_of(&s.positions) < 0);
    assert!(s.surplus_of(&s.closed(0, 26, 36)) >= 0, "the whole close restores the target");
    let c = sizing_of(&s);
    assert_eq!((c.status, c.size_delta), (CloseStatus::Restored, Size(26)), "{c:?}");
}

/// Three shorts in one market (e = −6, three tiers, 1.98 % fee, buffer
/// 7.69 %); sizing position 0. The rounded surplus reaches 0 at several
/// partial closes (the least is 46 units) after the exact surplus has
/// started to fall, and the solver stops at the first segment with an exact
/// slope ≤ 0.
///
/// Expected: Restored with the least restoring close. Got: Infeasible.
#[test]
fn infeasible_although_a_partial_close_restores() {
    let s = Scn {
        markets: vec![mk(-6, 1, 1, &[(0, 70002, 70002), (42, 92037, 92037), (49, 96976, 96976)], 19846, 0, 0)],
        prices: vec![Price(609300)],
        positions: vec![pos(0, -113, 69), pos(0, -70, 43), pos(0, -47, 29)],
        collateral: Quote(14),
        target: Target::Maintenance { buffer: Ppm(76924) },
        j: 0,
        exec: Price(645171),
        band: Ppm(0),
    };
    let least = (1..=113).find(|&x| s.surplus_of(&s.closed(0, x, 645_171)) >= 0).unwrap();
    let c = sizing_of(&s);
    assert_eq!((c.status, c.size_delta), (CloseStatus::Restored, Size(i64::try_from(least).unwrap())), "{c:?}");
}

/// A short of 101 units at 0.01002 (e = −6), tiers 0.5 % below notional 1
/// and 0.529 % above, dust floor 1. No grid close restores the target, so
/// the solver returns its best reachable close (2 units), which the dust
/// rule turns into the whole position (the remaining 99 units are worth
/// 0.99 < 1) — and the whole close restores the target (equity 0 ≥ 0), but
/// the status stays Infeasible, contradicting `health_after` and
/// `shortfall` 0. In a plan (`if sol.status != Infeasible { break }`) this
/// goes on to liquidate the next position although the pool is restored.
///
/// Expected: Restored (size_delta +101, dust_closed). Got: Infeasible with
/// shortfall 0.
#[test]
fn infeasible_although_the_dust_closed_close_restores() {
    let s = Scn {
        markets: vec![mk(-6, 1, 1, &[(0, 5000, 5000), (1, 5290, 5290)], 0, 0, 1)],
        prices: vec![Price(10020)],
        positions: vec![pos(0, -101, 2)],
        collateral: Quote(0),
        target: Target::Maintenance { buffer: Ppm(0) },
        j: 0,
        exec: Price(10071),
        band: Ppm(0),
    };
    let c = sizing_of(&s);
    // Fixed: the whole close is now found directly (so `dust_closed` may be
    // false); either way it must be reported as restoring.
    assert_eq!((c.size_delta, c.shortfall), (Size(101), Quote(0)));
    assert!(c.health_after.equity >= c.required_equity_after);
    assert_eq!(c.status, CloseStatus::Restored, "{c:?}");
}
