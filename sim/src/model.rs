//! From a [`Scenario`] to what the simulation runs: partliq markets and
//! policies, the oracle path and the account population.
//!
//! Units inside partliq: sizes in 1e-8 of a coin, prices in cents, quote in
//! micro-USD, so `notional = size × price × 10^-4` (quote exponent −4).

use crate::det;
use partliq::presets::{self, Preset, VenueFees};
use partliq::unified::{
    unified_account_health, AssetLiquidationFees, LegOrdering, MarginBook, MarginLadder, PerpPosition, PlanObjective, UnifiedAccount,
};
use partliq::venues::dydx_v4::LiquidationConfig;
use partliq::{
    pool_health, Asset, AssetBalance, EmergencyBypass, EscalationRules, Fraction, FractionCap, HealthState, Market, PlanOrder, Policy,
    Pool, Position, PositionLimits, Ppm, Quote, Size, SizingMode, Target,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::book::{CENTS_PER_USD, UNITS_PER_COIN};
use crate::scenario::{CustomPolicySpec, ObjectiveSpec, OrderSpec, OrderingSpec, Scenario, Side, SizingSpec, TargetSpec, GUARD_SUFFIX};
use partliq::oracle::PriceGuard;

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
    /// Never liquidate (the `none` counterfactual: accounts ride the path).
    pub never: bool,
    /// One line saying what it is.
    pub description: String,
    /// How it liquidates unified accounts.
    pub unified: UnifiedTerms,
    /// The price guard it runs behind (a `+guard` name), if any.
    pub guard: Option<PriceGuard>,
}

/// What the engine reads of the oracle in one step (see `[path]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeedStep {
    /// The reading is the one published this many steps earlier.
    pub delay: u32,
    /// The reading is the true price × this.
    pub multiplier: f64,
    /// The reading's confidence, a fraction of its price.
    pub confidence: f64,
}

/// The `+guard` policies' price guard: the oracle at most half a step old,
/// its confidence at most 1 % of its price.
pub fn sim_guard(step_seconds: u64) -> PriceGuard {
    PriceGuard { max_staleness: (step_seconds / 2).max(1), max_confidence: Ppm(10_000), ..PriceGuard::OFF }
}

/// How a policy liquidates unified accounts: the fields of
/// [`partliq::unified::UnifiedLiquidationPolicy`] besides the assets' fees
/// and tiers (which are the scenario's).
///
/// The built-in policies map as follows (target and perp band are the
/// policy's own unless said):
///
/// | policy | legs that compete | plan minimises | bankrupt account |
/// | --- | --- | --- | --- |
/// | `full` | every leg; target: the liquidation-end (initial) level | value | taken over whole |
/// | `partliq` | every leg | value | liquidated leg by leg |
/// | `hyperliquid` | perps first (Mango v4's order) | value | taken over whole (its vault) |
/// | `dydx_v4`, `dydx_v4_bypass` | the riskiest liquidation tier first (Drift v2's order) | value | liquidated leg by leg |
/// | `binance_usdm` | every leg | cost to the user | taken over whole (its fund) |
/// | `bitmex` | perps first | cost | taken over whole |
/// | `okx` | token legs first | cost | liquidated leg by leg |
/// | `deribit` | perps first | value | liquidated leg by leg |
/// | `perp_v2` | every leg | cost | liquidated leg by leg |
///
/// A full liquidation of a unified account is not a set of legs (a borrow
/// cannot be "closed"): `full` goes as far as the core's furthest target.
#[derive(Debug, Clone, Copy)]
pub struct UnifiedTerms {
    /// Where a liquidation stops.
    pub target: Target,
    /// A perp reduction's limit: the mark moved against the account by this.
    pub perp_band: Ppm,
    /// What the plan minimises.
    pub objective: PlanObjective,
    /// Which legs compete.
    pub ordering: LegOrdering,
    /// A bankrupt account goes to the fund whole.
    pub take_over_bankrupt: bool,
}

/// The unified terms of built-in policy `name` over its perp policy.
pub fn builtin_unified_terms(name: &str, policy: &Policy) -> UnifiedTerms {
    use LegOrdering::*;
    use PlanObjective::*;
    let (ordering, objective, take_over_bankrupt) = match name {
        "full" | "binance_usdm" => (Cheapest, if name == "full" { LeastValue } else { LeastCost }, true),
        "hyperliquid" => (PerpsFirst, LeastValue, true),
        "dydx_v4" | "dydx_v4_bypass" => (ByTier, LeastValue, false),
        "bitmex" => (PerpsFirst, LeastCost, true),
        "okx" => (TokensFirst, LeastCost, false),
        "deribit" => (PerpsFirst, LeastValue, false),
        "perp_v2" => (Cheapest, LeastCost, false),
        _ => (Cheapest, LeastValue, false),
    };
    let target = if name == "full" { Target::Initial } else { policy.target };
    UnifiedTerms { target, perp_band: policy.price_band, objective, ordering, take_over_bankrupt }
}

/// A unified account of the population: deposits and borrows, perps.
#[derive(Debug, Clone)]
pub struct UAcct {
    pub balances: Vec<AssetBalance>,
    pub positions: Vec<PerpPosition>,
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
    /// Per step, what the engine reads of the oracle.
    pub feed: Vec<FeedStep>,
    /// Float copies of the maintenance tiers for the health pre-screen:
    /// `(floor, fraction, deduction)` in micro-USD.
    pub float_tiers: Vec<Vec<(f64, f64, f64)>>,
    /// The collateral assets (amounts in each asset's `unit`, prices in
    /// cents, quote in micro-USD: see [`asset_exponent`]).
    pub assets: Vec<Asset>,
    pub asset_names: Vec<String>,
    pub asset_fees: Vec<AssetLiquidationFees>,
    /// Liquidation tiers of the assets (as liabilities) and the markets.
    pub asset_tiers: Vec<u32>,
    pub market_tiers: Vec<u32>,
    /// Asset price in cents, `[step][asset]`.
    pub asset_oracle: Vec<Vec<f64>>,
    /// The unified accounts.
    pub unified: Vec<UAcct>,
    /// Per asset: the outside depositors' balance (who lent what the
    /// unified accounts borrow; they pay a socialized loss of it).
    pub lenders: Vec<i64>,
}

/// Builds a built-in policy by name.
pub fn builtin_policy(name: &str) -> Result<SimPolicy, String> {
    let e = |err: partliq::Error| format!("policy `{name}`: {err:?}");
    let sp = |p: Preset, close_all: bool, description: &str| SimPolicy {
        name: name.to_string(),
        unified: builtin_unified_terms(name, &p.policy),
        policy: p.policy,
        fees: p.fees,
        close_all,
        never: false,
        description: description.to_string(),
        guard: None,
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
        "none" => SimPolicy {
            never: true,
            ..sp(presets::partliq_default(), false, "no liquidation at all: every account rides the path (the counterfactual)")
        },
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
        "dydx_v4_bypass" => {
            // dYdX's per-block limits in calm markets; below half of
            // maintenance, or when the equity after the capped step would be
            // negative once the marks move 1 % against what it leaves, the
            // limits lift and the least close back to maintenance goes out.
            let mut p = presets::dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(15_000)).map_err(e)?;
            p.policy.emergency_bypass = EmergencyBypass { below_fraction: Fraction::new(1, 2), project: true, adverse_move: Ppm(10_000) };
            sp(
                p,
                false,
                "dYdX v4 mainnet genesis with the emergency bypass: limits lift below 1/2 of maintenance or on a projected bankruptcy (1 % move)",
            )
        }
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

/// The quote exponent of an asset whose smallest unit is `unit` coins
/// (prices in cents, quote in micro-USD): `unit × 10^8 × 10^−4`.
/// `unit` is a power of ten (the scenario checks it); the exponent comes
/// from [`crate::det::decimal_exponent`], not the platform's `log10`.
pub fn asset_exponent(unit: f64) -> i32 {
    crate::det::decimal_exponent(unit).unwrap_or(0) + 4
}

/// A ppm figure that may exceed 100 % (liability weights).
fn ppm_any(x: f64) -> Ppm {
    Ppm((x * 1e6).round().clamp(0.0, 1e9) as u32)
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
    if c.target.is_some() || c.target_buffer.is_some() {
        sp.unified.target = sp.policy.target;
    }
    if c.price_band.is_some() {
        sp.unified.perp_band = sp.policy.price_band;
    }
    if let Some(o) = c.unified_ordering {
        sp.unified.ordering = match o {
            OrderingSpec::Cheapest => LegOrdering::Cheapest,
            OrderingSpec::PerpsFirst => LegOrdering::PerpsFirst,
            OrderingSpec::ByTier => LegOrdering::ByTier,
            OrderingSpec::TokensFirst => LegOrdering::TokensFirst,
        };
    }
    if let Some(o) = c.unified_objective {
        sp.unified.objective = match o {
            ObjectiveSpec::LeastValue => PlanObjective::LeastValue,
            ObjectiveSpec::LeastCost => PlanObjective::LeastCost,
        };
    }
    if let Some(b) = c.take_over_bankrupt {
        sp.unified.take_over_bankrupt = b;
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
        let noise = scenario.path.noise.max(0.0);
        let mut oracle = Vec::with_capacity(scenario.steps as usize);
        for step in 0..scenario.steps {
            let mult = det::ln(path_multiplier(&scenario.path.points, step));
            let row: Vec<f64> = scenario
                .markets
                .iter()
                .map(|m| {
                    let jitter = if step == 0 { 0.0 } else { noise * det::normal(&mut rng) };
                    m.price * CENTS_PER_USD * det::exp(m.beta * mult + jitter)
                })
                .collect();
            oracle.push(row);
        }

        let policies = scenario
            .policies
            .iter()
            .map(|name| {
                let base = name.strip_suffix(GUARD_SUFFIX).unwrap_or(name);
                let mut p = match scenario.custom_policies.iter().find(|c| c.name == base) {
                    Some(c) => custom_policy(c)?,
                    None => builtin_policy(base)?,
                };
                if base != name {
                    p.name = name.clone();
                    p.description = format!("{} — behind a price guard (oracle at most half a step old, confidence ≤ 1 %)", p.description);
                    p.guard = Some(sim_guard(scenario.step_seconds));
                }
                Ok::<_, String>(p)
            })
            .collect::<Result<Vec<_>, _>>()?;

        // What the engine reads of the oracle: the path's price, or the last
        // reading while the oracle is stale, or a spike; and its confidence.
        let feed = (0..scenario.steps)
            .map(|step| {
                let p = &scenario.path;
                let delay = p.stale.iter().find(|&&(a, b, _)| (a..=b).contains(&step)).map_or(0, |s| s.2);
                let spike = p.spikes.iter().find(|s| s.0 == step);
                FeedStep { delay, multiplier: spike.map_or(1.0, |s| s.1), confidence: spike.map_or(p.confidence, |s| s.2) }
            })
            .collect();

        let mut assets = Vec::new();
        for a in &scenario.assets {
            let w = (
                (ppm(a.initial_asset_weight), ppm(a.maintenance_asset_weight)),
                (ppm_any(a.initial_liability_weight), ppm_any(a.maintenance_liability_weight)),
            );
            let asset = Asset { id: assets.len() as u32, ..Asset::weighted(asset_exponent(a.unit), w.0, w.1) };
            asset.validate().map_err(|e| format!("asset `{}`: {e:?}", a.name))?;
            assets.push(asset);
        }
        let asset_fees = scenario
            .assets
            .iter()
            .map(|a| AssetLiquidationFees { liquidator_bonus: ppm(a.liquidation_bonus), insurance_fee: ppm(a.insurance_fee) })
            .collect();
        let asset_oracle = (0..scenario.steps)
            .map(|step| {
                scenario
                    .assets
                    .iter()
                    .map(|a| {
                        let mult = match a.follows.as_deref().and_then(|f| names.iter().position(|n| n == f)) {
                            Some(m) => det::powf(oracle[step as usize][m] / oracle[0][m], a.beta),
                            None if !a.points.is_empty() => path_multiplier(&a.points, step),
                            None => 1.0,
                        };
                        a.price * CENTS_PER_USD * mult
                    })
                    .collect()
            })
            .collect();
        let mut world = World {
            scenario: scenario.clone(),
            markets,
            names,
            main,
            oracle,
            accounts: Vec::new(),
            policies,
            feed,
            float_tiers,
            asset_names: scenario.assets.iter().map(|a| a.name.clone()).collect(),
            asset_tiers: scenario.assets.iter().map(|a| a.liquidation_tier).collect(),
            market_tiers: scenario.markets.iter().map(|m| m.liquidation_tier).collect(),
            assets,
            asset_fees,
            asset_oracle,
            unified: Vec::new(),
            lenders: vec![0; scenario.assets.len()],
        };
        world.accounts = world.population()?;
        let (unified, lenders) = world.unified_population()?;
        world.unified = unified;
        world.lenders = lenders;
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
        // Log-normal collateral, normal leverage noise and entry spread:
        // deterministic draws (see `det`).
        let collateral_mu = det::ln(pop.collateral_median_usd);
        let normal = |rng: &mut ChaCha8Rng, sd: f64| sd * det::normal(rng);
        let weights: Vec<f64> = s.markets.iter().map(|m| m.weight.max(0.0)).collect();
        let total_w: f64 = weights.iter().sum();
        let mut accounts = Vec::new();
        let n = pop.accounts as usize + pop.whales as usize;
        for i in 0..n {
            let whale = i >= pop.accounts as usize;
            let coll_usd = if whale {
                let (lo, hi) = pop.whale_collateral_usd;
                det::exp(det::ln(lo) + rng.random::<f64>() * (det::ln(hi) - det::ln(lo)))
            } else {
                det::exp(collateral_mu + normal(&mut rng, pop.collateral_sigma)).clamp(50.0, 5_000_000.0)
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
                let mut lev = det::exp(det::ln(spec.leverage_median) + normal(&mut rng, pop.leverage_sigma)).clamp(1.0, spec.leverage_max);
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
                let drift = normal(&mut rng, pop.entry_spread).clamp(-3.0 * pop.entry_spread, 3.0 * pop.entry_spread);
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

impl World {
    /// Start price of asset `a` in cents.
    pub fn asset_start_price(&self, a: usize) -> i64 {
        (self.scenario.assets[a].price * CENTS_PER_USD).round() as i64
    }

    /// Units (1e-8 of a coin) of asset `a` worth `usd` at its start price.
    fn asset_units(&self, a: usize, usd: f64) -> i64 {
        (usd / self.scenario.assets[a].price / self.scenario.assets[a].unit).floor().max(0.0) as i64
    }

    /// True when a unified account meets its initial level at the start prices.
    fn unified_opens(&self, a: &UAcct) -> bool {
        let prices: Vec<partliq::Price> = (0..self.markets.len()).map(|m| partliq::Price(self.start_price(m))).collect();
        let asset_prices: Vec<partliq::Price> = (0..self.assets.len()).map(|i| partliq::Price(self.asset_start_price(i))).collect();
        let book = MarginBook { assets: &self.assets, asset_prices: &asset_prices, ..MarginBook::perps(&self.markets, &prices) };
        let account = UnifiedAccount { balances: &a.balances, positions: &a.positions };
        match unified_account_health(&account, &book, &MarginLadder::STANDARD) {
            Ok(h) => h.state == HealthState::Healthy && h.initial.health().is_ok_and(|x| x >= 0),
            Err(_) => false,
        }
    }

    /// The unified accounts (their own random stream) and the outside
    /// depositors of each asset.
    fn unified_population(&self) -> Result<(Vec<UAcct>, Vec<i64>), String> {
        let s = &self.scenario;
        let mut lenders = vec![0i64; s.assets.len()];
        let Some(u) = &s.unified else { return Ok((Vec::new(), lenders)) };
        let asset_index = |name: &str| s.assets.iter().position(|a| a.name == name).ok_or(format!("unknown asset `{name}`"));
        let collateral: Vec<usize> = u.collateral.iter().map(|n| asset_index(n)).collect::<Result<_, _>>()?;
        let borrow = u.borrow_asset.as_deref().map(asset_index).transpose()?;
        let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
        rng.set_stream(2);
        let deposit_mu = det::ln(u.deposit_median_usd);
        let weights: Vec<f64> = s.markets.iter().map(|m| m.weight.max(0.0)).collect();
        let total_w: f64 = weights.iter().sum();
        let uniform = |rng: &mut ChaCha8Rng, (lo, hi): (f64, f64)| lo + (hi - lo) * rng.random::<f64>();
        let mut out = Vec::with_capacity(u.accounts as usize);
        let mut borrowed: i128 = 0;
        for _ in 0..u.accounts {
            let value = det::exp(deposit_mu + u.deposit_sigma * det::normal(&mut rng)).clamp(100.0, 50_000_000.0);
            // One collateral asset, or two (30 %) in a random split.
            let first = collateral[rng.random_range(0..collateral.len())];
            let mut shares = vec![(first, value)];
            if collateral.len() > 1 && rng.random::<f64>() < 0.3 {
                let mut second = collateral[rng.random_range(0..collateral.len())];
                while second == first {
                    second = collateral[rng.random_range(0..collateral.len())];
                }
                let split = 0.3 + 0.4 * rng.random::<f64>();
                shares = vec![(first, value * split), (second, value * (1.0 - split))];
            }
            let mut free: f64 = shares.iter().map(|&(a, v)| v * s.assets[a].initial_asset_weight).sum();
            let has_perp = total_w > 0.0 && rng.random::<f64>() < u.perp_fraction;
            let has_borrow = borrow.is_some() && rng.random::<f64>() < u.borrow_fraction;
            let mut balances: Vec<AssetBalance> =
                shares.iter().map(|&(a, v)| AssetBalance { asset_index: a as u32, amount: self.asset_units(a, v) }).collect();
            let mut borrow_usd = 0.0;
            if let (true, Some(b)) = (has_borrow, borrow) {
                let share = if has_perp { 0.5 } else { 1.0 };
                let il = s.assets[b].initial_liability_weight;
                borrow_usd = uniform(&mut rng, u.borrow_usage) * free * share / il;
                free -= borrow_usd * il;
            }
            let mut perp: Option<(usize, Side, f64, bool)> = None;
            if has_perp {
                let mut x = rng.random::<f64>() * total_w;
                let mut m = 0;
                for (j, w) in weights.iter().enumerate() {
                    m = j;
                    if x < *w {
                        break;
                    }
                    x -= w;
                }
                let side = if rng.random::<f64>() < u.long_fraction { Side::Long } else { Side::Short };
                let margin = uniform(&mut rng, u.perp_usage) * free;
                let spec = &s.markets[m];
                // The notional at the leverage of the tier it falls in.
                let mut lev = f64::from(crate::scenario::tier_cap(spec, 0.0).unwrap_or(1));
                for _ in 0..8 {
                    let cap = f64::from(crate::scenario::tier_cap(spec, margin * lev).unwrap_or(1));
                    if cap >= lev {
                        break;
                    }
                    lev = cap;
                }
                perp = Some((m, side, margin * lev, rng.random::<f64>() < u.open_orders_fraction));
            }
            // Scaled down until the account meets its initial level.
            let mut scale = 1.0;
            let mut acct = UAcct { balances: Vec::new(), positions: Vec::new() };
            for _ in 0..24 {
                acct.balances = balances.clone();
                acct.positions.clear();
                if let Some(b) = borrow.filter(|_| has_borrow) {
                    let units = self.asset_units(b, borrow_usd * scale);
                    if units > 0 {
                        acct.balances.push(AssetBalance { asset_index: b as u32, amount: -units });
                    }
                }
                if let Some((m, side, notional, orders)) = perp {
                    let p = self.open(m, side, notional * scale, self.start_price(m));
                    let lot = self.markets[m].lot_step.0;
                    let mut pp = PerpPosition::cross(m as u32, p.size, p.quote_balance);
                    if orders {
                        // A resting order to add a quarter of the position.
                        let resting = Size(((p.size.0.abs() / 4) / lot).max(1) * lot);
                        if p.size.0 > 0 {
                            pp.open_bids = resting;
                        } else {
                            pp.open_asks = resting;
                        }
                    }
                    acct.positions.push(pp);
                }
                if self.unified_opens(&acct) {
                    break;
                }
                scale *= 0.8;
            }
            if !self.unified_opens(&acct) {
                // Deposits alone always open.
                acct.positions.clear();
                acct.balances = balances.clone();
            }
            balances.clear();
            for b in &acct.balances {
                if b.amount < 0 {
                    borrowed += i128::from(-b.amount);
                }
            }
            out.push(acct);
        }
        if let Some(b) = borrow {
            lenders[b] = (borrowed as f64 / u.utilization).ceil() as i64;
        }
        Ok((out, lenders))
    }
}

/// `floor(a / b)` for `b > 0`.
pub fn num_floor(a: i128, b: i128) -> i128 {
    a.div_euclid(b)
}
