//! From a [`Scenario`] to what the simulation runs: partliq markets and
//! policies, the oracle path and the account population.
//!
//! Units inside partliq: sizes in 1e-8 of a coin, prices in cents, quote in
//! micro-USD, so `notional = size × price × 10^-4` (quote exponent −4).

use partliq::presets::{self, Preset, VenueFees};
use partliq::venues::dydx_v4::LiquidationConfig;
use partliq::{
    pool_health, EscalationRules, Fraction, FractionCap, HealthState, Market, PlanOrder, Policy, Pool, Position, PositionLimits, Ppm,
    Quote, Size, SizingMode, Target,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

use crate::book::{CENTS_PER_USD, UNITS_PER_COIN};
use crate::scenario::{CustomPolicySpec, OrderSpec, Scenario, Side, SizingSpec, TargetSpec};

/// Micro-USD per USD.
pub const QUOTE_PER_USD: i64 = 1_000_000;
/// `notional = size × price × 10^QUOTE_EXPONENT`.
pub const QUOTE_EXPONENT: i32 = -4;
/// The divisor that exponent stands for.
pub const NOTIONAL_DIVISOR: i128 = 10_000;

/// A policy as the simulator runs it.
#[derive(Debug, Clone)]
pub struct SimPolicy {
    /// Its name in the report.
    pub name: String,
    /// The partliq policy.
    pub policy: Policy,
    /// Fee, fee split and dust floor written into every market.
    pub fees: VenueFees,
    /// Close every position of a breached account whole (full liquidation).
    pub close_all: bool,
    /// One line saying what it is.
    pub description: String,
}

/// A margin account of the population.
#[derive(Debug, Clone)]
pub struct Acct {
    pub collateral: Quote,
    pub positions: Vec<Position>,
    pub whale: bool,
}

/// Everything a policy run needs, shared read-only between runs.
#[derive(Debug, Clone)]
pub struct World {
    pub scenario: Scenario,
    /// Markets without fees (each policy writes its own).
    pub markets: Vec<Market>,
    pub names: Vec<String>,
    pub main: usize,
    /// Oracle price in cents, `[step][market]`.
    pub oracle: Vec<Vec<f64>>,
    pub accounts: Vec<Acct>,
    pub policies: Vec<SimPolicy>,
    /// Float copies of the maintenance tiers for the health pre-screen:
    /// `(floor, fraction, deduction)` in micro-USD.
    pub float_tiers: Vec<Vec<(f64, f64, f64)>>,
}

/// Builds a built-in policy by name.
pub fn builtin_policy(name: &str) -> Result<SimPolicy, String> {
    let e = |err: partliq::Error| format!("policy `{name}`: {err:?}");
    let sp = |p: Preset, close_all: bool, description: &str| SimPolicy {
        name: name.to_string(),
        policy: p.policy,
        fees: p.fees,
        close_all,
        description: description.to_string(),
    };
    Ok(match name {
        "full" => {
            let fees = presets::partliq_default().fees;
            let policy = Policy {
                target: Target::MAINTENANCE,
                sizing: SizingMode::MaxAllowed,
                escalation: EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false },
                ..Policy::default()
            };
            sp(
                Preset { policy, fees },
                true,
                "full liquidation at maintenance: every position of a breached account closed whole (1 % band, 0.5 % fee)",
            )
        }
        "partliq" => {
            // partliq_default's 1 % band plus its 0.5 % fee cost more than a
            // 50x tier's 1 % maintenance releases: no partial close could
            // restore the target there and every such account would go to
            // the backstop. A 0.25 % band keeps partial liquidation feasible.
            let mut p = presets::partliq_default();
            p.policy.price_band = Ppm(2_500);
            sp(
                p,
                false,
                "partliq_default (0.25 % band): least reduction to maintenance + 5 %, least notional first, backstop when infeasible",
            )
        }
        "hyperliquid" => sp(
            presets::hyperliquid(QUOTE_PER_USD, 1).map_err(e)?,
            false,
            "Hyperliquid: 20 % per order above 100k, whole below; backstop vault under 2/3 maintenance",
        ),
        "dydx_v4" => sp(
            presets::dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(15_000)).map_err(e)?,
            false,
            "dYdX v4 mainnet genesis: 10 % portion / 1,000 USD minimum, 100k USD per account per block, fee to the fund",
        ),
        "binance_usdm" => sp(
            presets::binance_usdm(Ppm(5_000), Ppm(10_000)),
            false,
            "Binance USDⓈ-M: one IOC restoring maintenance (1 % band), 0.5 % clearance fee to the fund; else the fund takes over",
        ),
        "bitmex" => sp(presets::bitmex(), false, "BitMEX: reduce one risk-limit tier per order"),
        "okx" => sp(presets::okx(), false, "OKX: two tiers per step, tier ≤ 2 closes whole"),
        "deribit" => sp(presets::deribit(Ppm(250_000), Ppm(10_000)), false, "Deribit: incremental, 25 % per round"),
        "perp_v2" => sp(presets::perp_v2(QUOTE_PER_USD, Ppm(10_000)).map_err(e)?, false, "Perpetual Protocol v2 ratio rule"),
        other => return Err(format!("unknown policy name `{other}`")),
    })
}

fn ppm(x: f64) -> Ppm {
    Ppm((x * 1e6).round().clamp(0.0, 1e6) as u32)
}

fn usd(x: f64) -> Quote {
    Quote((x * QUOTE_PER_USD as f64).round() as i64)
}

/// Builds a custom policy from its base and overrides.
pub fn custom_policy(c: &CustomPolicySpec) -> Result<SimPolicy, String> {
    let mut sp = builtin_policy(&c.base)?;
    let p = &mut sp.policy;
    if let Some(t) = c.target {
        p.target = match t {
            TargetSpec::Maintenance => Target::Maintenance { buffer: c.target_buffer.map(ppm).unwrap_or(Ppm(0)) },
            TargetSpec::Initial => Target::Initial,
        };
    } else if let Some(b) = c.target_buffer {
        p.target = Target::Maintenance { buffer: ppm(b) };
    }
    if let Some(b) = c.price_band {
        p.price_band = ppm(b);
    }
    if let Some(s) = c.sizing {
        p.sizing = match s {
            SizingSpec::Minimal => SizingMode::Minimal,
            SizingSpec::MaxAllowed => SizingMode::MaxAllowed,
        };
    }
    if let Some(o) = c.order {
        p.order = match o {
            OrderSpec::LargestMaintenance => PlanOrder::LargestMaintenanceFirst,
            OrderSpec::BestRelease => PlanOrder::BestReleasePerCostFirst,
            OrderSpec::ProRata => PlanOrder::ProRata,
        };
    }
    if c.max_fraction.is_some() || c.fraction_threshold_usd.is_some() || c.cooldown_seconds.is_some() {
        p.fraction_cap = FractionCap {
            notional_threshold: c.fraction_threshold_usd.map(usd).unwrap_or(p.fraction_cap.notional_threshold),
            max_fraction: c.max_fraction.map(ppm).unwrap_or(p.fraction_cap.max_fraction),
            cooldown: c.cooldown_seconds.unwrap_or(p.fraction_cap.cooldown),
        };
    }
    if c.min_notional_usd.is_some() || c.max_portion.is_some() {
        p.position_limits = PositionLimits {
            min_notional: c.min_notional_usd.map(usd).unwrap_or(p.position_limits.min_notional),
            max_portion: c.max_portion.map(ppm).unwrap_or(p.position_limits.max_portion),
            ..p.position_limits
        };
    }
    if let Some((n, d)) = c.backstop_fraction {
        p.escalation.backstop_fraction = Fraction::new(n, d);
    }
    if let Some(b) = c.backstop_on_infeasible {
        p.escalation.backstop_on_infeasible = b;
    }
    if let Some(f) = c.liquidation_fee {
        sp.fees.liquidation_fee = ppm(f);
    }
    if let Some(f) = c.liquidator_share {
        sp.fees.liquidator_fee_share = ppm(f);
    }
    if let Some(f) = c.dust_floor_usd {
        sp.fees.dust_floor = usd(f);
    }
    if let Some(b) = c.close_all {
        sp.close_all = b;
    }
    sp.policy.validate().map_err(|err| format!("custom policy `{}`: {err:?}", c.name))?;
    sp.name = c.name.clone();
    sp.description = format!("custom, based on `{}`", c.base);
    Ok(sp)
}

/// The main market's multiplier at `step` (linear between points).
pub fn path_multiplier(points: &[(u32, f64)], step: u32) -> f64 {
    let mut prev = match points.first() {
        Some(&p) => p,
        None => return 1.0,
    };
    for &(s, m) in points.iter().skip(1) {
        if step <= s {
            let span = f64::from(s - prev.0);
            let t = f64::from(step.saturating_sub(prev.0)) / span;
            return prev.1 + (m - prev.1) * t;
        }
        prev = (s, m);
    }
    prev.1
}

impl World {
    /// Builds the world of a validated scenario (deterministic for its seed).
    pub fn build(scenario: &Scenario) -> Result<World, String> {
        let mut markets = Vec::new();
        let mut float_tiers = Vec::new();
        for (i, m) in scenario.markets.iter().enumerate() {
            let tiers: Vec<(i64, u32)> = m.tiers.iter().map(|t| (t.floor_usd.round() as i64, t.max_leverage)).collect();
            let lot = (m.lot * UNITS_PER_COIN).round() as i64;
            let mut market = presets::hyperliquid_market(QUOTE_EXPONENT, lot, 1, QUOTE_PER_USD, &tiers)
                .map_err(|e| format!("market `{}`: {e:?}", m.name))?;
            market.id = i as u32;
            let mut ft = Vec::new();
            let (mut prev_f, mut ded) = (0.0, 0.0);
            for t in market.active_tiers().map_err(|e| format!("{e:?}"))? {
                let f = f64::from(t.maintenance.0) / 1e6;
                let floor = t.notional_floor.0 as f64;
                ded += floor * (f - prev_f);
                prev_f = f;
                ft.push((floor, f, ded));
            }
            markets.push(market);
            float_tiers.push(ft);
        }
        let names: Vec<String> = scenario.markets.iter().map(|m| m.name.clone()).collect();
        let main = names.iter().position(|n| n == &scenario.main_market).ok_or("unknown main market")?;

        // Oracle path: its own random stream, so the population does not shift it.
        let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        rng.set_stream(1);
        let noise = Normal::new(0.0, scenario.path.noise.max(0.0)).map_err(|e| e.to_string())?;
        let mut oracle = Vec::with_capacity(scenario.steps as usize);
        for step in 0..scenario.steps {
            let mult = path_multiplier(&scenario.path.points, step).ln();
            let row: Vec<f64> = scenario
                .markets
                .iter()
                .map(|m| {
                    let jitter = if step == 0 { 0.0 } else { noise.sample(&mut rng) };
                    m.price * CENTS_PER_USD * (m.beta * mult + jitter).exp()
                })
                .collect();
            oracle.push(row);
        }

        let policies = scenario
            .policies
            .iter()
            .map(|name| match scenario.custom_policies.iter().find(|c| &c.name == name) {
                Some(c) => custom_policy(c),
                None => builtin_policy(name),
            })
            .collect::<Result<Vec<_>, _>>()?;

        let mut world = World { scenario: scenario.clone(), markets, names, main, oracle, accounts: Vec::new(), policies, float_tiers };
        world.accounts = world.population()?;
        Ok(world)
    }

    /// Start price of market `m` in cents.
    pub fn start_price(&self, m: usize) -> i64 {
        (self.scenario.markets[m].price * CENTS_PER_USD).round() as i64
    }

    /// A position of `notional_usd` opened at `entry` cents, the size a
    /// whole number of lots (at least one).
    fn open(&self, m: usize, side: Side, notional_usd: f64, entry: i64) -> Position {
        let lot = self.markets[m].lot_step.0;
        let coins = notional_usd / (entry as f64 / CENTS_PER_USD);
        let lots = ((coins * UNITS_PER_COIN / lot as f64).round() as i64).max(1);
        let units = lots * lot;
        let size = if side == Side::Long { units } else { -units };
        // The cash paid (long) or received (short) at entry, rounded down.
        let cash = num_floor(-(i128::from(size) * i128::from(entry)), NOTIONAL_DIVISOR);
        Position { market_index: m as u32, size: Size(size), quote_balance: Quote(cash as i64) }
    }

    fn healthy(&self, collateral: Quote, positions: &[Position]) -> bool {
        let prices: Vec<partliq::Price> = (0..self.markets.len()).map(|m| partliq::Price(self.start_price(m))).collect();
        let h = pool_health(&Pool::new(collateral, positions), &self.markets, &prices);
        matches!(h, Ok(h) if h.state == HealthState::Healthy && h.free_collateral.0 >= 0)
    }

    fn population(&self) -> Result<Vec<Acct>, String> {
        let s = &self.scenario;
        let pop = &s.population;
        let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
        let collateral = LogNormal::new(pop.collateral_median_usd.ln(), pop.collateral_sigma).map_err(|e| e.to_string())?;
        let lev_noise = Normal::new(0.0, pop.leverage_sigma).map_err(|e| e.to_string())?;
        let spread = Normal::new(0.0, pop.entry_spread).map_err(|e| e.to_string())?;
        let weights: Vec<f64> = s.markets.iter().map(|m| m.weight.max(0.0)).collect();
        let total_w: f64 = weights.iter().sum();
        let mut accounts = Vec::new();
        let n = pop.accounts as usize + pop.whales as usize;
        for i in 0..n {
            let whale = i >= pop.accounts as usize;
            let coll_usd = if whale {
                let (lo, hi) = pop.whale_collateral_usd;
                (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp()
            } else {
                collateral.sample(&mut rng).clamp(50.0, 5_000_000.0)
            };
            let count = if rng.random::<f64>() < pop.multi_market_fraction { 2 + usize::from(rng.random::<f64>() < 0.4) } else { 1 };
            let count = count.min(s.markets.iter().filter(|m| m.weight > 0.0).count()).max(1);
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < count {
                let mut x = rng.random::<f64>() * total_w;
                let mut m = 0;
                for (j, w) in weights.iter().enumerate() {
                    if x < *w {
                        m = j;
                        break;
                    }
                    x -= w;
                    m = j;
                }
                if weights[m] > 0.0 && !chosen.contains(&m) {
                    chosen.push(m);
                }
            }
            let share = coll_usd / count as f64;
            let mut positions = Vec::new();
            for &m in &chosen {
                let spec = &s.markets[m];
                let side = if rng.random::<f64>() < pop.long_fraction { Side::Long } else { Side::Short };
                let mut lev = (spec.leverage_median.ln() + lev_noise.sample(&mut rng)).exp().clamp(1.0, spec.leverage_max);
                // Scale down to the cap of the tier the notional falls in.
                for _ in 0..8 {
                    let cap = f64::from(crate::scenario::tier_cap(spec, share * lev).unwrap_or(1));
                    if lev <= cap * 0.98 {
                        break;
                    }
                    lev = cap * 0.98;
                }
                let lev = lev.max(1.0).min(f64::from(crate::scenario::tier_cap(spec, share).unwrap_or(1)));
                let start = self.start_price(m);
                let drift = spread.sample(&mut rng).clamp(-3.0 * pop.entry_spread, 3.0 * pop.entry_spread);
                let entry = ((start as f64) * (1.0 + drift)).round().max(1.0) as i64;
                positions.push((m, side, share * lev, entry));
            }
            let coll = usd(coll_usd);
            let mut pos: Vec<Position> = positions.iter().map(|&(m, side, n, e)| self.open(m, side, n, e)).collect();
            if !self.healthy(coll, &pos) {
                // Entered at a price that leaves it under water: enter at the start price.
                pos = positions.iter().map(|&(m, side, n, _)| self.open(m, side, n, self.start_price(m))).collect();
            }
            if !self.healthy(coll, &pos) {
                // Lot rounding pushed it over: halve the positions until it fits.
                for _ in 0..16 {
                    for p in pos.iter_mut() {
                        let lot = self.markets[p.market_index as usize].lot_step.0;
                        let half = ((p.size.0.abs() / 2) / lot).max(1) * lot * p.size.0.signum();
                        let entry = self.start_price(p.market_index as usize);
                        *p = Position {
                            market_index: p.market_index,
                            size: Size(half),
                            quote_balance: Quote(num_floor(-(i128::from(half) * i128::from(entry)), NOTIONAL_DIVISOR) as i64),
                        };
                    }
                    if self.healthy(coll, &pos) {
                        break;
                    }
                }
            }
            accounts.push(Acct { collateral: coll, positions: pos, whale });
        }
        // Whales at random places in the processing order.
        for i in (1..accounts.len()).rev() {
            let j = rng.random_range(0..=i);
            accounts.swap(i, j);
        }
        for a in &s.accounts {
            let coll = usd(a.collateral_usd);
            let pos: Vec<Position> = a
                .positions
                .iter()
                .map(|p| {
                    let m = self.names.iter().position(|n| n == &p.market).unwrap_or(0);
                    let entry = p.entry.map(|e| (e * CENTS_PER_USD).round() as i64).unwrap_or_else(|| self.start_price(m));
                    self.open(m, p.side, a.collateral_usd * p.leverage, entry)
                })
                .collect();
            for _ in 0..a.count {
                accounts.push(Acct { collateral: coll, positions: pos.clone(), whale: true });
            }
        }
        Ok(accounts)
    }
}

/// `floor(a / b)` for `b > 0`.
pub fn num_floor(a: i128, b: i128) -> i128 {
    a.div_euclid(b)
}
