//! The scenarios of the sizing, plan, settlement and rounding properties.
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

use partliq::{pool_health, CloseRequest, Health, MarginTier, Market, Pool, Position, Ppm, Price, Quote, Rounding, Size, Target};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::support::{ceil_div, close_cash, close_fee, den, fixed_runner, floor_div, mul, pow10};

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct RawMarket {
    pub e: i32,
    pub lot: i64,
    pub tick: i64,
    pub lot_mant: i64,
    pub lot_exp: i32,
    pub jitter: i64,
    pub tiers: usize,
    pub gaps: [i64; 5],
    pub mm0: u32,
    pub incs: [u32; 5],
    pub im_ratio: u32,
    pub fee: u32,
    pub share: u32,
    pub dust: u32,
    /// The fee rounds down (a venue preset's rounding) instead of up.
    pub fee_floor: bool,
}

pub fn raw_market() -> impl Strategy<Value = RawMarket> {
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
pub struct RawPosition {
    pub market: usize,
    pub long: bool,
    pub lots: i64,
    pub rem: i64,
    pub noise: i64,
}

pub fn raw_position() -> impl Strategy<Value = RawPosition> {
    (0usize..3, any::<bool>(), 1i64..=200, prop_oneof![Just(0i64), 1i64..1000], -500i64..=500)
        .prop_map(|(market, long, lots, rem, noise)| RawPosition { market, long, lots, rem, noise })
}

#[derive(Debug, Clone)]
pub struct RawScenario {
    pub markets: Vec<RawMarket>,
    pub positions: Vec<RawPosition>,
    /// The pool's deficit below its target as a fraction (ppm) of what
    /// position `j` adds to the target (≤ 0: already safe; > 1e6: closing `j`
    /// alone cannot restore it).
    pub deficit: i64,
    pub target: (u8, u32),
    pub j: usize,
    pub slip: (u8, u32),
    pub band: u32,
}

pub fn raw_scenario() -> impl Strategy<Value = RawScenario> {
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
pub struct Scn {
    pub markets: Vec<Market>,
    pub prices: Vec<Price>,
    pub positions: Vec<Position>,
    pub collateral: Quote,
    pub target: Target,
    pub j: usize,
    pub exec: Price,
    pub band: Ppm,
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
pub fn mk(e: i32, lot: i64, tick: i64, tiers: &[(i64, u32, u32)], fee: u32, share: u32, dust: i64) -> Market {
    let tiers: Vec<MarginTier> =
        tiers.iter().map(|&(f, im, mm)| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) }).collect();
    let mut m = Market::single_tier(e, lot, tick, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
    m.liquidation_fee = Ppm(fee);
    m.liquidator_fee_share = Ppm(share);
    m.dust_floor = Quote(dust);
    m.validate().unwrap();
    m
}

pub fn build_market(r: &RawMarket) -> (Market, Price, i128) {
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

pub fn build_target(kind: u8, v: u32) -> Target {
    match kind {
        0..=4 => Target::MAINTENANCE,
        5 | 6 => Target::Maintenance { buffer: Ppm(v % 200_001) },
        7 => Target::Maintenance { buffer: Ppm(v) },
        _ => Target::Initial,
    }
}

pub fn build(r: &RawScenario) -> Scn {
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

pub fn scenario() -> impl Strategy<Value = Scn> {
    raw_scenario().prop_map(|r| build(&r))
}

// ---------------------------------------------------------------------------
// Test-side recomputation
// ---------------------------------------------------------------------------

impl Scn {
    pub fn pool(&self) -> Pool<'_> {
        Pool::new(self.collateral, &self.positions)
    }

    pub fn market_of(&self, j: usize) -> &Market {
        &self.markets[self.positions[j].market_index as usize]
    }

    pub fn mark_of(&self, j: usize) -> i128 {
        i128::from(self.prices[self.positions[j].market_index as usize].0)
    }

    pub fn health_of(&self, positions: &[Position]) -> Health {
        pool_health(&Pool::new(self.collateral, positions), &self.markets, &self.prices).unwrap()
    }

    /// Rounded `equity − required` of a position slice.
    pub fn surplus_of(&self, positions: &[Position]) -> i128 {
        let h = self.health_of(positions);
        i128::from(h.equity.0) - i128::from(self.target.required_equity(&h).unwrap().0)
    }

    /// The positions with `units` of position `j` closed at `exec`.
    pub fn closed(&self, j: usize, units: i128, exec: i128) -> Vec<Position> {
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
    pub fn dust_adjusted(&self, j: usize, units: i128) -> i128 {
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
    pub fn grid(&self, j: usize) -> Vec<i128> {
        let u = i128::from(self.positions[j].size.0).abs();
        let step = i128::from(self.market_of(j).lot_step.0);
        let n = ceil_div(u, step);
        (0..=n).map(|k| (k * step).min(u)).collect()
    }

    pub fn request(&self) -> CloseRequest {
        CloseRequest { position_index: self.j, execution_price: self.exec, target: self.target }
    }
}

// ---------------------------------------------------------------------------
// Runner with outcome counters
// ---------------------------------------------------------------------------

pub type Tally = BTreeMap<&'static str, usize>;

/// Runs `cases` cases of `test`, which returns an outcome label; returns the
/// count of each label (for the non-vacuity checks). Panics with the
/// minimised failing input on failure.
pub fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<&'static str, TestCaseError>) -> Tally
where
    S::Value: std::fmt::Debug,
{
    let tally = RefCell::new(Tally::new());
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 4_096, ..Config::default() };
    let mut runner = fixed_runner(config);
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

pub fn count(t: &Tally, label: &str) -> usize {
    t.get(label).copied().unwrap_or(0)
}

pub fn total(t: &Tally) -> usize {
    t.values().sum()
}

/// At least `per_mille`/1000 of the cases had `label`.
pub fn assert_share(t: &Tally, label: &str, per_mille: usize) {
    let n = total(t);
    assert!(count(t, label) * 1000 >= n * per_mille, "only {} of {n} cases were {label:?}: {t:?}", count(t, label));
}
