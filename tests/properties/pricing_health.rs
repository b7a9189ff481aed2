//! Property tests: the estimated liquidation price's kind against
//! `pool_health`, and an isolated account's state against its pools.
//!
//! # Liquidation price vs `pool_health`
//!
//! Markets: quote exponent in {−6, −3, −2, −1, 0, 1, 3}, 1–4 tiers with
//! floors around the position's notional, maintenance fractions rising
//! tier by tier and often reaching 100 % (single 100 % tiers, mixed tiers
//! with a 100 % top). Pools: the position under test plus 0–2 others, each
//! in a market of its own (a mark moves every position of its market, and
//! the estimate holds the others at their marks), longs and shorts, quote
//! balances and collateral around the maintenance boundary.
//!
//! What is asserted, and why. Let `g(P)` be the exact `equity −
//! maintenance` of the pool with the position's market at mark `P` (other
//! positions at their rounded figures, as `pool_health` sums them), and
//! `r(P)` `pool_health`'s `equity − maintenance_requirement`. The pool needs
//! liquidation (liquidatable or bankrupt) iff `r(P) < 0`.
//!
//! 1. Rounding: `r(P) = floor(g(P))` when the quote exponent is ≥ 0 (the
//!    value is an integer, the requirement is rounded up alone), and
//!    `r(P) ∈ {floor(g), floor(g) − 1}` when it is negative (value and
//!    requirement round separately). Checked at every sampled mark against
//!    `g` computed here independently (requirement as the integral of the
//!    tier fractions).
//! 2. Hence `g < 0 ⇒ r < 0`: wherever the kind says "liquidatable" it is
//!    checked exactly — `Always` at every sampled mark, `At(p)` at `p − 1`
//!    (long) / `p + 1` (short) and beyond, no margin.
//! 3. On the healthy side (`Never`; `At(p)` from `p` on for a long, up to `p`
//!    for a short) `g ≥ 0`, so `r ≥ −1` everywhere, and `r ≥ 0` (healthy)
//!    when the exponent is ≥ 0 — checked at `p` itself. With a negative
//!    exponent `r ≥ 0` needs `g ≥ 1`: one price unit moves `g` by at least
//!    `u·10^e·(1e6 − f_max)/1e6` for a long (`f_max` the largest maintenance
//!    fraction; nothing when it is 100 %) and `u·10^e·(1e6 + f_0)/1e6` for a
//!    short, so `healthy` is asserted from `d = ceil(1 / that)` price units
//!    beyond `p` on (for a long's `Never`, beyond 1: its root is ≤ 1).
//!
//! Sampled marks: 1, 2, the current mark, a mark whose notional is ~10^14
//! quote units (beyond every tier floor), and for `At(p)`: `p − 1`, `p`,
//! `p + 1`, `p ∓ d`, `p ∓ 2d`.
//!
//! # Isolated accounts
//!
//! `account_health`'s state is the worst `pool_health` state of the
//! account's pools, the free collateral counted as a pool with no
//! positions; its figures are the sums of the pools' figures, its margin
//! ratio computed from the sums.

use crate::support::{ceil_div, den, fixed_runner, mul, pow10, PPM};

use partliq::{
    account_health, estimated_liquidation_price, pool_health, Account, Error, HealthState, LiquidationPrice, MarginMode, MarginTier,
    Market, Pool, Position, Ppm, Price, Quote, Size,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Exact maintenance requirement of scaled notional `s` (notional × 10^k) as
/// a numerator over `10^k × 1e6`: the integral of the tier fractions.
fn exact_mm(m: &Market, s: i128) -> i128 {
    let k = den(m);
    let tiers = &m.tiers[..m.tier_count as usize];
    let mut total = 0;
    for (i, t) in tiers.iter().enumerate() {
        let lo = i128::from(t.notional_floor.0) * k;
        let hi = tiers.get(i + 1).map_or(i128::MAX, |n| i128::from(n.notional_floor.0) * k);
        let span = s.min(hi) - lo;
        if span > 0 {
            total += span * i128::from(t.maintenance.0);
        }
    }
    total
}

// ---------------------------------------------------------------------------
// Generators.

#[derive(Debug, Clone)]
struct RawTiers {
    count: usize,
    /// Floors as per mille of the position's notional at the mark.
    floors: [u32; 3],
    mm0: u32,
    /// Per tier: 0 → +0, 1 → jump to 100 %, else + that many ppm.
    steps: [u32; 3],
    full_first: bool,
}

fn raw_tiers() -> impl Strategy<Value = RawTiers> {
    (
        1usize..=4,
        prop::array::uniform3(50u32..=3_000),
        prop_oneof![Just(0u32), 1_000u32..=200_000, 400_000u32..=999_999],
        prop::array::uniform3(prop_oneof![Just(0u32), Just(1u32), 2u32..=300_000]),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(count, floors, mm0, steps, full_first)| RawTiers { count, floors, mm0, steps, full_first })
}

fn build_market(e: i32, notional: i128, r: &RawTiers) -> Market {
    let mut floors: Vec<i64> = r.floors[..r.count - 1].iter().map(|&pm| ((notional * i128::from(pm)) / 1_000).max(1) as i64).collect();
    floors.sort_unstable();
    floors.dedup();
    let mut mm = if r.full_first { 1_000_000 } else { r.mm0 };
    let mut tiers = vec![MarginTier { notional_floor: Quote(0), initial: Ppm(mm.clamp(1, 1_000_000)), maintenance: Ppm(mm) }];
    for (i, f) in floors.iter().enumerate() {
        mm = match r.steps[i] {
            0 => mm,
            1 => 1_000_000,
            s => (mm + s).min(1_000_000),
        };
        let im = tiers.last().unwrap().initial.0.max(mm);
        tiers.push(MarginTier { notional_floor: Quote(*f), initial: Ppm(im), maintenance: Ppm(mm) });
    }
    let m = Market::single_tier(e, 1, 1, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
    m.validate().unwrap();
    m
}

#[derive(Debug, Clone)]
struct RawPos {
    e: i32,
    size: i64,
    mark: i64,
    tiers: RawTiers,
    /// Quote balance: −σ·notional + margin, margin = maintenance × this / 100.
    margin_pct: i64,
    jitter: i64,
}

fn raw_pos() -> impl Strategy<Value = RawPos> {
    (
        prop::sample::select(vec![-6i32, -3, -2, -1, 0, 1, 3]),
        prop_oneof![1i64..=10, 1i64..=10_000],
        prop_oneof![1i64..=100, 1i64..=1_000_000],
        raw_tiers(),
        -250i64..=250,
        -3i64..=3,
    )
        .prop_map(|(e, size, mark, tiers, margin_pct, jitter)| RawPos { e, size, mark, tiers, margin_pct, jitter })
}

#[derive(Debug, Clone)]
struct Case {
    markets: Vec<Market>,
    marks: Vec<Price>,
    positions: Vec<Position>,
    collateral: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (prop::collection::vec((raw_pos(), any::<bool>()), 1..=3), -50i64..=50).prop_map(|(raw, collateral)| {
        let mut c = Case { markets: vec![], marks: vec![], positions: vec![], collateral };
        for (i, (r, long)) in raw.iter().enumerate() {
            let probe = Market::single_tier(r.e, 1, 1, Ppm(0), Ppm(0));
            let scaled = i128::from(r.size) * i128::from(r.mark) * mul(&probe);
            let notional = ceil_div(scaled, den(&probe)).max(1);
            let m = build_market(r.e, notional, &r.tiers);
            let mm = ceil_div(exact_mm(&m, scaled), den(&m) * PPM);
            let sigma: i64 = if *long { 1 } else { -1 };
            let value = (i128::from(sigma) * scaled).div_euclid(den(&m));
            let qb = -value + mm * i128::from(r.margin_pct) / 100 + i128::from(r.jitter);
            c.markets.push(m);
            c.marks.push(Price(r.mark));
            c.positions.push(Position { market_index: i as u32, size: Size(sigma * r.size), quote_balance: Quote(qb as i64) });
        }
        c
    })
}

// ---------------------------------------------------------------------------
// Tallies (no property passes vacuously).

type Tally = RefCell<BTreeMap<&'static str, usize>>;

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value, &Tally) -> Result<(), TestCaseError>) -> BTreeMap<&'static str, usize>
where
    S::Value: std::fmt::Debug,
{
    let tally: Tally = RefCell::new(BTreeMap::new());
    let mut runner = fixed_runner(Config { cases, failure_persistence: None, ..Config::default() });
    runner.run(&strategy, |v| test(v, &tally)).unwrap();
    tally.into_inner()
}

fn bump(t: &Tally, label: &'static str) {
    *t.borrow_mut().entry(label).or_insert(0) += 1;
}

fn at_least(t: &BTreeMap<&'static str, usize>, label: &str, n: usize) {
    let got = t.get(label).copied().unwrap_or(0);
    assert!(got >= n, "only {got} cases of {label:?} (want ≥ {n}); tally {t:?}");
}

// ---------------------------------------------------------------------------
// Liquidation price vs pool_health.

/// `(r, floor(g), exact g ≥ 0)` at mark `p` of position `j`'s market, or
/// `None` when `pool_health` overflows there.
fn figures(c: &Case, j: usize, p: i64) -> Option<(i128, i128)> {
    let mut prices = c.marks.clone();
    let mi = c.positions[j].market_index as usize;
    prices[mi] = Price(p);
    let h = match pool_health(&Pool::new(Quote(c.collateral), &c.positions), &c.markets, &prices) {
        Ok(h) => h,
        Err(Error::Overflow) => return None,
        Err(e) => panic!("pool_health: {e:?}"),
    };
    let r = i128::from(h.equity.0) - i128::from(h.maintenance_requirement.0);
    assert_eq!(h.needs_liquidation(), r < 0);
    // The rest as pool_health rounds it, at its marks.
    let mut rest = c.positions.clone();
    rest[j] = Position { market_index: rest[j].market_index, size: Size(0), quote_balance: Quote(0) };
    let hr = pool_health(&Pool::new(Quote(c.collateral), &rest), &c.markets, &prices).unwrap();
    let k_rest = i128::from(hr.equity.0) - i128::from(hr.maintenance_requirement.0);
    let m = &c.markets[mi];
    let pos = c.positions[j];
    let s = i128::from(pos.size.0).abs() * i128::from(p) * mul(m);
    let sigma = i128::from(pos.size.0.signum());
    let d = den(m) * PPM;
    // g × 10^k × 1e6
    let g = (k_rest + i128::from(pos.quote_balance.0)) * d + sigma * s * PPM - exact_mm(m, s);
    Some((r, g.div_euclid(d)))
}

fn check_liquidation_price(c: Case, t: &Tally) -> Result<(), TestCaseError> {
    for j in 0..c.positions.len() {
        let pos = c.positions[j];
        let m = &c.markets[pos.market_index as usize];
        let long = pos.size.0 > 0;
        let u = i128::from(pos.size.0).abs();
        let neg_e = m.quote_exponent < 0;
        let lp = match estimated_liquidation_price(&Pool::new(Quote(c.collateral), &c.positions), &c.markets, &c.marks, j) {
            Ok(lp) => lp,
            Err(e) => return Err(TestCaseError::fail(format!("position {j}: {e:?}"))),
        };
        let tiers = &m.tiers[..m.tier_count as usize];
        let f_max = i128::from(tiers.iter().map(|t| t.maintenance.0).max().unwrap());
        let f_0 = i128::from(tiers[0].maintenance.0);
        // Price units from the boundary beyond which g ≥ 1 (None: no bound).
        let d: Option<i64> = if !neg_e {
            Some(0)
        } else if long {
            (f_max < PPM).then(|| ceil_div(den(m) * PPM, (PPM - f_max) * u * mul(m)) as i64)
        } else {
            Some(ceil_div(den(m) * PPM, (PPM + f_0) * u * mul(m)) as i64)
        };
        let huge = ceil_div(pow10(14) * den(m), u * mul(m)).min(pow10(17)) as i64;
        let mut marks = vec![1, 2, c.marks[pos.market_index as usize].0, huge];
        // The boundary: liquidatable strictly beyond it on the liquidating side.
        let boundary: Option<i64> = match lp {
            LiquidationPrice::Always => {
                bump(t, if long { "always long" } else { "always short" });
                if long && f_max == PPM {
                    bump(t, "always long, 100 % tier");
                }
                None
            }
            LiquidationPrice::Never => {
                prop_assert!(long, "a short never liquidating in a valid market");
                bump(t, "never long");
                Some(1)
            }
            LiquidationPrice::At(p) => {
                bump(t, if long { "at long" } else { "at short" });
                prop_assert!(if long { p.0 >= 2 } else { p.0 >= 1 }, "At({}) out of range", p.0);
                let dd = d.unwrap_or(1).max(1);
                marks.extend([p.0 - 1, p.0, p.0 + 1, p.0 - dd, p.0 + dd, p.0 - 2 * dd, p.0 + 2 * dd]);
                Some(p.0)
            }
        };
        for &x in marks.iter().filter(|&&x| x >= 1) {
            let Some((r, floor_g)) = figures(&c, j, x) else {
                bump(t, "overflow at a sampled mark");
                continue;
            };
            // 1. Rounding.
            if neg_e {
                prop_assert!(r == floor_g || r == floor_g - 1, "mark {x}: r {r}, floor(g) {floor_g}");
            } else {
                prop_assert_eq!(r, floor_g, "mark {}", x);
            }
            let liquidating = match (lp, boundary) {
                (LiquidationPrice::Always, _) => true,
                (_, Some(b)) => {
                    if long {
                        x < b
                    } else {
                        x > b
                    }
                }
                _ => unreachable!(),
            };
            if liquidating {
                // 2. Exact on the liquidating side.
                prop_assert!(r < 0, "{lp:?}: mark {x} healthy (r {r}) on the liquidating side; position {j} of {c:?}");
                bump(t, "checked liquidatable");
            } else {
                // 3. Healthy side: at most one unit short; healthy beyond d.
                prop_assert!(r >= -1, "{lp:?}: mark {x}: r {r} on the healthy side");
                let b = boundary.unwrap();
                let dist = if long { x - b } else { b - x };
                if d.is_some_and(|d| dist >= d) {
                    prop_assert!(r >= 0, "{lp:?}: mark {x} ({dist} beyond the boundary, margin {d:?}) liquidatable; position {j} of {c:?}");
                    bump(t, "checked healthy");
                } else {
                    bump(t, if r < 0 { "one unit short within the margin" } else { "healthy within the margin" });
                }
            }
        }
    }
    Ok(())
}

#[test]
fn liquidation_price_kind_agrees_with_pool_health() {
    let t = run(4_000, case(), check_liquidation_price);
    for label in ["always long", "always long, 100 % tier", "always short", "never long", "at long", "at short"] {
        at_least(&t, label, 40);
    }
    at_least(&t, "checked liquidatable", 2_000);
    at_least(&t, "checked healthy", 2_000);
    at_least(&t, "one unit short within the margin", 1);
}

/// The two reproducers of the "never where every mark liquidates" defect,
/// through the same check.
#[test]
fn liquidation_price_reproducers_agree_with_pool_health() {
    let t = |f: i64, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(mm), maintenance: Ppm(mm) };
    let full = Market::single_tier(0, 1, 1, Ppm(1_000_000), Ppm(1_000_000));
    let mixed = full.with_tiers(&[t(0, 500_000), t(1_000, 1_000_000)]).unwrap();
    let one = |m: Market, collateral: i64, qb: i64| Case {
        markets: vec![m],
        marks: vec![Price(100)],
        positions: vec![Position { market_index: 0, size: Size(1), quote_balance: Quote(qb) }],
        collateral,
    };
    for c in [one(full, 50, -100), one(mixed, 0, -600)] {
        assert_eq!(
            estimated_liquidation_price(&Pool::new(Quote(c.collateral), &c.positions), &c.markets, &c.marks, 0),
            Ok(LiquidationPrice::Always)
        );
        check_liquidation_price(c, &RefCell::new(BTreeMap::new())).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Isolated accounts.

fn isolated_case() -> impl Strategy<Value = Case> {
    (case(), prop_oneof![-2_000i64..=2_000, Just(0i64), -5i64..=5], prop::collection::vec(0u32..3, 0..=4), any::<u64>()).prop_map(
        |(mut c, collateral, extra, seed)| {
            // Up to 4 more positions in the same markets (isolated pools do
            // not interact), and sometimes an empty one.
            let n = c.positions.len();
            for (i, &k) in extra.iter().enumerate() {
                let mut p = c.positions[(k as usize) % n];
                p.quote_balance = Quote(p.quote_balance.0 + ((seed >> (8 * i)) % 41) as i64 - 20);
                if (seed >> (40 + i)) & 7 == 0 {
                    p.size = Size(0);
                }
                c.positions.push(p);
            }
            c.collateral = collateral;
            c
        },
    )
}

fn check_isolated(c: Case, t: &Tally) -> Result<(), TestCaseError> {
    let acct = Account { collateral: Quote(c.collateral), positions: &c.positions, mode: MarginMode::Isolated };
    let h = account_health(&acct, &c.markets, &c.marks).unwrap();
    // The free-collateral pool, then one pool per position.
    let free = pool_health(&Pool::new(Quote(c.collateral), &[]), &c.markets, &c.marks).unwrap();
    let mut worst = free.state;
    let (mut eq, mut im, mut mm) = (i128::from(free.equity.0), 0i128, 0i128);
    for p in &c.positions {
        let ph = pool_health(&Pool::new(Quote(0), std::slice::from_ref(p)), &c.markets, &c.marks).unwrap();
        worst = worst.max(ph.state);
        eq += i128::from(ph.equity.0);
        im += i128::from(ph.initial_requirement.0);
        mm += i128::from(ph.maintenance_requirement.0);
    }
    prop_assert_eq!(h.state, worst);
    prop_assert_eq!((i128::from(h.equity.0), i128::from(h.initial_requirement.0), i128::from(h.maintenance_requirement.0)), (eq, im, mm));
    prop_assert_eq!(i128::from(h.free_collateral.0), eq - im);
    let ratio = if mm == 0 {
        0
    } else if eq <= 0 {
        u64::MAX
    } else {
        u64::try_from(ceil_div(mm * PPM, eq)).unwrap_or(u64::MAX)
    };
    prop_assert_eq!(h.margin_ratio_ppm, ratio);
    // Where the sums' own state would differ from the worst pool's.
    let sums_state = if eq < 0 {
        HealthState::Bankrupt
    } else if mm > 0 && eq < mm {
        HealthState::Liquidatable
    } else {
        HealthState::Healthy
    };
    bump(
        t,
        match h.state {
            HealthState::Healthy => "healthy",
            HealthState::Liquidatable => "liquidatable",
            HealthState::Bankrupt => "bankrupt",
        },
    );
    if sums_state != h.state {
        bump(t, "sums' state differs");
    }
    if c.collateral < 0 && free.state == HealthState::Bankrupt && eq >= 0 {
        bump(t, "negative collateral, sums non-negative");
    }
    Ok(())
}

#[test]
fn isolated_state_is_the_worst_pool_state() {
    let t = run(3_000, isolated_case(), check_isolated);
    for label in ["healthy", "liquidatable", "bankrupt", "sums' state differs", "negative collateral, sums non-negative"] {
        at_least(&t, label, 50);
    }
}
