//! The stress lab: a library of named scenarios and Monte Carlo runs over
//! seeded price paths.
//!
//! The library (`scenarios/*.toml`, embedded in the binary) is run by name
//! (`--scenario gap_down`) or all together (`--scenario-set all`).
//!
//! Monte Carlo (`--monte-carlo N --seed S`) replaces the scenario's price
//! path by N paths of a jump-diffusion with volatility clustering and runs
//! every policy on each; the population and everything else stay the
//! scenario's. The paths are integer arithmetic throughout (ChaCha8 draws,
//! returns in ppm, a GARCH(1,1) variance in ppm², an integer square root),
//! so a seed gives the same paths on every platform; path `i` has its own
//! stream, and results are gathered by index, so the thread count changes
//! nothing. Every metric is reported per policy as mean, p95, p99, min and
//! max over the paths.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use plotters::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::scenario::{Scenario, DEFAULT_SCENARIO};
use crate::sim::{PolicyReport, SimError};
use crate::{run_policy, World};

/// The scenario library: `(name, file text)`. `flash_crash` is the built-in
/// default.
pub const LIBRARY: &[(&str, &str)] = &[
    ("flash_crash", DEFAULT_SCENARIO),
    ("grinding_decline", include_str!("../scenarios/grinding_decline.toml")),
    ("gap_down", include_str!("../scenarios/gap_down.toml")),
    ("alt_crash", include_str!("../scenarios/alt_crash.toml")),
    ("short_squeeze", include_str!("../scenarios/short_squeeze.toml")),
    ("oracle_glitch", include_str!("../scenarios/oracle_glitch.toml")),
    ("liquidity_drought", include_str!("../scenarios/liquidity_drought.toml")),
    ("funding_spike", include_str!("../scenarios/funding_spike.toml")),
];

/// The library's names, comma separated (for messages).
pub fn library_names() -> String {
    LIBRARY.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// The library scenario `name`, parsed.
pub fn library_scenario(name: &str) -> Result<Scenario, String> {
    let (_, text) = LIBRARY
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("scenario: unknown scenario name `{name}` (the library: {})", library_names()))?;
    Scenario::parse(text, name).map_err(|e| e.to_string())
}

/// The jump-diffusion of the Monte Carlo paths, integer parameters.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PathModel {
    /// Long-run volatility per step, ppm of price.
    pub base_vol_ppm: i64,
    /// GARCH(1,1): `var' = (1 − α − β) base² + α r² + β var`, α and β in ppm.
    pub alpha_ppm: i64,
    pub beta_ppm: i64,
    /// Jump probability per step, ppm.
    pub jump_ppm: u32,
    /// Jump size range, ppm of price (a jump is down with probability
    /// `jump_down_ppm`).
    pub jump_min_ppm: i64,
    pub jump_max_ppm: i64,
    pub jump_down_ppm: u32,
}

impl Default for PathModel {
    fn default() -> PathModel {
        // 0.3 % a minute at rest, clustering (α 10 %, β 85 %), a jump every
        // ~200 steps of 3–15 %, three in four down.
        PathModel {
            base_vol_ppm: 3_000,
            alpha_ppm: 100_000,
            beta_ppm: 850_000,
            jump_ppm: 5_000,
            jump_min_ppm: 30_000,
            jump_max_ppm: 150_000,
            jump_down_ppm: 750_000,
        }
    }
}

/// `floor(sqrt(x))` for `x ≥ 0`, exact (Newton's method on integers).
pub fn isqrt(x: u128) -> u128 {
    if x < 2 {
        return x;
    }
    let mut r = 1u128 << (x.ilog2() / 2 + 1);
    loop {
        let next = (r + x / r) / 2;
        if next >= r {
            return r;
        }
        r = next;
    }
}

/// A standard normal draw in ppm, from integers only: the sum of twelve
/// uniforms on [0, 10^6) minus 6·10^6 (Irwin–Hall; mean 0, sd 10^6).
fn normal_ppm(rng: &mut ChaCha8Rng) -> i64 {
    let mut s: i64 = 0;
    for _ in 0..12 {
        s += rng.random_range(0..1_000_000i64);
    }
    s - 6_000_000
}

/// Path `index` of the Monte Carlo with `seed`: the main market's price as
/// a multiple of its start, ppm, one per step (step 0 is 10^6).
pub fn mc_path(model: &PathModel, seed: u64, index: u64, steps: u32) -> Vec<i64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let base2 = i128::from(model.base_vol_ppm) * i128::from(model.base_vol_ppm);
    let (a, b) = (i128::from(model.alpha_ppm), i128::from(model.beta_ppm));
    let omega = base2 * (1_000_000 - a - b).max(0) / 1_000_000;
    let mut var = base2;
    let mut price: i64 = 1_000_000;
    let mut out = Vec::with_capacity(steps as usize);
    for step in 0..steps {
        if step == 0 {
            out.push(price);
            continue;
        }
        let vol = isqrt(var.max(0) as u128) as i128;
        // Return this step, ppm: vol × z (both ppm), rounded down.
        let mut r = (vol * i128::from(normal_ppm(&mut rng))).div_euclid(1_000_000);
        if rng.random_range(0..1_000_000u32) < model.jump_ppm {
            let size = i128::from(rng.random_range(model.jump_min_ppm..=model.jump_max_ppm.max(model.jump_min_ppm)));
            r += if rng.random_range(0..1_000_000u32) < model.jump_down_ppm { -size } else { size };
        }
        // Clamped so the price stays positive (−90 % .. +100 % a step).
        let r = r.clamp(-900_000, 1_000_000);
        var = omega + (a * r * r + b * var) / 1_000_000;
        price = ((i128::from(price) * (1_000_000 + r)).div_euclid(1_000_000)).max(1_000) as i64;
        out.push(price);
    }
    out
}

/// `scenario` with its price path replaced by Monte Carlo path `index` of
/// `seed` (no per-step noise), and that path (ppm multipliers).
pub fn mc_scenario(scenario: &Scenario, model: &PathModel, seed: u64, index: u64) -> (Scenario, Vec<i64>) {
    let path = mc_path(model, seed, index, scenario.steps);
    let mut sc = scenario.clone();
    sc.path.points = path.iter().enumerate().map(|(s, &p)| (s as u32, p as f64 / 1e6)).collect();
    sc.path.noise = 0.0;
    (sc, path)
}

/// The named figures of one policy's run that the Monte Carlo and the
/// tuner aggregate (money in micro-USD, durations in seconds).
pub fn metrics(p: &PolicyReport) -> Vec<(&'static str, i64)> {
    let (u, s) = (&p.user, &p.system);
    let i = |x: u64| x.min(i64::MAX as u64) as i64;
    vec![
        ("user_equity_lost", u.equity_lost),
        ("user_fees", u.fees),
        ("user_shortfall", u.shortfall),
        ("user_seized", u.seized),
        ("user_vs_no_liquidation", u.vs_no_liquidation),
        ("user_vs_full_liquidation", u.vs_full_liquidation),
        ("user_exposure_retained_ppm", i(u.exposure_retained_ppm)),
        ("user_accounts_liquidated", i(u.accounts_liquidated)),
        ("user_accounts_wiped_out", i(u.accounts_wiped_out)),
        ("user_wiped_out_by_liquidation", i(u.wiped_out_by_liquidation)),
        ("user_account_seconds_below_maintenance", i(u.account_seconds_below_maintenance)),
        ("system_bad_debt", s.bad_debt),
        ("system_fund_drawdown", s.fund_drawdown),
        ("system_fund_depleted", i64::from(s.fund_depleted)),
        ("system_backstop_loss", s.backstop_loss),
        ("system_time_to_safety_p50", i(s.time_to_safety.p50)),
        ("system_time_to_safety_p95", i(s.time_to_safety.p95)),
        ("system_time_to_safety_max", i(s.time_to_safety.max)),
        ("system_peak_exposure_below_maintenance", s.peak_exposure_below_maintenance),
        ("system_worst_impact_ppm", i(s.worst_impact_ppm)),
        ("system_impact_cost", s.impact_cost),
        ("system_cascade_depth", i64::from(s.cascade_depth)),
        ("notional_liquidated", p.notional_liquidated),
        ("unified_cost_to_users", p.unified.cost_to_users),
    ]
}

/// A metric's distribution over paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Distribution {
    /// Mean, rounded toward −∞.
    pub mean: i64,
    /// Nearest-rank percentiles.
    pub p95: i64,
    pub p99: i64,
    pub min: i64,
    /// The worst (largest) value.
    pub max: i64,
}

impl Distribution {
    /// The distribution of `v` (sorted in place).
    pub fn of(v: &mut [i64]) -> Distribution {
        v.sort_unstable();
        if v.is_empty() {
            return Distribution::default();
        }
        let n = v.len() as i128;
        let sum: i128 = v.iter().map(|&x| i128::from(x)).sum();
        let rank = |q: i128| -> i64 { v[((q * n + 99) / 100).clamp(1, n) as usize - 1] };
        Distribution { mean: sum.div_euclid(n) as i64, p95: rank(95), p99: rank(99), min: v[0], max: v[v.len() - 1] }
    }
}

/// The Monte Carlo's result.
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloReport {
    pub scenario: String,
    pub seed: u64,
    pub paths: u64,
    pub steps: u32,
    pub model: PathModel,
    /// Per policy, per metric: its distribution over the paths.
    pub policies: BTreeMap<String, BTreeMap<String, Distribution>>,
    /// The policies in the scenario's order.
    pub order: Vec<String>,
    /// Per path: the main market's lowest and last multiplier, ppm.
    pub path_low_ppm: Vec<i64>,
    pub path_end_ppm: Vec<i64>,
}

impl MonteCarloReport {
    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// A table: one row per metric, one column per policy, `mean / p99 / max`.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let Some(first) = self.order.first().and_then(|p| self.policies.get(p)) else { return out };
        let names: Vec<&String> = first.keys().collect();
        let w = names.iter().map(|n| n.len()).max().unwrap_or(10);
        out.push_str(&format!("{:<w$}", "metric (mean / p99 / max)"));
        for p in &self.order {
            out.push_str(&format!("  {p:>34}"));
        }
        out.push('\n');
        for n in names {
            out.push_str(&format!("{n:<w$}"));
            for p in &self.order {
                let d = self.policies.get(p).and_then(|m| m.get(n.as_str())).cloned().unwrap_or_default();
                let money = Self::is_money(n);
                let f = |x: i64| if money { crate::report::money(x) } else { x.to_string() };
                out.push_str(&format!("  {:>34}", format!("{} / {} / {}", f(d.mean), f(d.p99), f(d.max))));
            }
            out.push('\n');
        }
        out
    }
}

impl MonteCarloReport {
    /// Whether metric `name` is money (micro-USD), as opposed to a count,
    /// a duration, a ppm figure or a flag.
    pub fn is_money(name: &str) -> bool {
        !(name.ends_with("ppm")
            || name.contains("accounts")
            || name.contains("seconds")
            || name.contains("time")
            || name.contains("depth")
            || name.ends_with("depleted"))
    }

    /// The metrics' names, in the report's (alphabetical) order.
    pub fn metric_names(&self) -> Vec<String> {
        self.order.first().and_then(|p| self.policies.get(p)).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Metric `name`'s distribution under `policy` (zeros when absent).
    pub fn get(&self, policy: &str, name: &str) -> Distribution {
        self.policies.get(policy).and_then(|m| m.get(name)).cloned().unwrap_or_default()
    }

    /// Both sides per policy as bars, mean and p99 over the paths: users
    /// above (equity lost, fees, execution shortfall), the system below
    /// (bad debt, fund drawdown, impact paid).
    pub fn write_outcomes_svg(&self, path: &Path) -> Result<(), String> {
        let usd = |m: i64| m as f64 / 1e6;
        let group = |p: &String, names: &[(&str, bool)]| crate::charts::BarGroup {
            label: p.clone(),
            values: names
                .iter()
                .map(|&(n, p99)| {
                    let d = self.get(p, n);
                    usd(if p99 { d.p99 } else { d.mean })
                })
                .collect(),
        };
        let u = [("user_equity_lost", false), ("user_equity_lost", true), ("user_fees", false), ("user_shortfall", false)];
        let s = [("system_bad_debt", false), ("system_bad_debt", true), ("system_fund_drawdown", true), ("system_impact_cost", false)];
        let users: Vec<_> = self.order.iter().map(|p| group(p, &u)).collect();
        let system: Vec<_> = self.order.iter().map(|p| group(p, &s)).collect();
        crate::charts::write_two_panels_svg(
            path,
            (
                "users over the paths: equity lost to liquidation (mean, p99), fees and shortfall (mean)",
                &["equity lost, mean", "equity lost, p99", "fees, mean", "shortfall, mean"],
                &users,
            ),
            (
                "system over the paths: bad debt (mean, p99), fund drawdown (p99), impact paid (mean)",
                &["bad debt, mean", "bad debt, p99", "fund drawdown, p99", "impact paid, mean"],
                &system,
            ),
        )
    }

    /// The paths: each path's lowest price against its last, as % of the
    /// start (one point per path).
    pub fn write_paths_svg(&self, path: &Path) -> Result<(), String> {
        let e = |err: DrawingAreaErrorKind<std::io::Error>| format!("chart {}: {err}", path.display());
        let root = SVGBackend::new(path, (1000, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let pct = |v: i64| v as f64 / 1e4;
        let pts: Vec<(f64, f64)> = self.path_low_ppm.iter().zip(&self.path_end_ppm).map(|(&l, &x)| (pct(l), pct(x))).collect();
        let xmin = pts.iter().map(|p| p.0).fold(100.0, f64::min) - 1.0;
        let ymin = pts.iter().map(|p| p.1).fold(100.0, f64::min) - 1.0;
        let ymax = pts.iter().map(|p| p.1).fold(100.0, f64::max) + 1.0;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{} paths of seed {}: lowest and last price (% of the start)", self.paths, self.seed), ("sans-serif", 20))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(xmin..101.0, ymin..ymax)
            .map_err(e)?;
        chart.configure_mesh().x_desc("lowest price, % of the start").y_desc("last price, % of the start").draw().map_err(e)?;
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, BLUE.mix(0.6).filled()))).map_err(e)?;
        root.present().map_err(e)?;
        Ok(())
    }
}

/// Runs the Monte Carlo: `paths` seeded paths over `scenario`, on up to
/// `threads` threads (the result does not depend on it); `tick` is called
/// once per policy evaluation.
pub fn monte_carlo(
    scenario: &Scenario,
    model: &PathModel,
    paths: u64,
    seed: u64,
    threads: usize,
    tick: &(dyn Fn() + Sync),
) -> Result<MonteCarloReport, SimError> {
    if paths == 0 {
        return Err(SimError::Setup("monte-carlo: the number of paths must be at least 1".into()));
    }
    let n = paths as usize;
    // Every run of every path is a job (the scenario's policies, then the
    // counterfactuals it does not list), so the threads stay busy to the
    // end even with fewer paths than threads. A path's world is built by
    // its first job and dropped by its last, which also turns its runs into
    // the path's metrics (only those are kept).
    let base = World::build(scenario).map_err(SimError::Setup)?;
    let listed = base.policies.clone();
    let mut pols = listed.clone();
    for name in crate::COUNTERFACTUALS {
        if !listed.iter().any(|p| p.name == name) {
            pols.push(crate::model::builtin_policy(name).map_err(SimError::Setup)?);
        }
    }
    drop(base);
    let per_path = pols.len();
    type PathResult = Result<(Vec<Vec<(&'static str, i64)>>, Vec<String>, i64, i64), SimError>;
    struct Slot {
        world: Option<std::sync::Arc<World>>,
        path: Vec<i64>,
        runs: Vec<Option<Result<crate::PolicyReport, SimError>>>,
        left: usize,
    }
    let slots: Vec<Mutex<Slot>> = (0..n)
        .map(|_| Mutex::new(Slot { world: None, path: Vec::new(), runs: (0..per_path).map(|_| None).collect(), left: per_path }))
        .collect();
    let results: Vec<Option<PathResult>> = crate::par_map(n * per_path, threads, &|job| {
        let (k, j) = (job / per_path, job % per_path);
        let slot = &slots[k];
        let world = {
            let Ok(mut g) = slot.lock() else { return Some(Err(SimError::Setup("a worker thread panicked".into()))) };
            if g.world.is_none() {
                let (sc, path) = mc_scenario(scenario, model, seed, k as u64);
                match World::build(&sc) {
                    Ok(w) => g.world = Some(std::sync::Arc::new(w)),
                    Err(e) => return Some(Err(SimError::Setup(e))),
                }
                g.path = path;
            }
            g.world.clone()?
        };
        let r = run_policy(&world, &pols[j], &mut |_| {});
        if j < listed.len() {
            tick();
        }
        let Ok(mut g) = slot.lock() else { return Some(Err(SimError::Setup("a worker thread panicked".into()))) };
        g.runs[j] = Some(r);
        g.left -= 1;
        if g.left > 0 {
            return None;
        }
        // The path's last run: its metrics, against its counterfactuals.
        let runs = std::mem::take(&mut g.runs);
        let path = std::mem::take(&mut g.path);
        g.world = None;
        drop(g);
        Some((|| {
            let mut reports = Vec::with_capacity(per_path);
            for r in runs {
                reports.push(r.ok_or_else(|| SimError::Setup("a policy run did not finish".into()))??);
            }
            let counter = reports.split_off(listed.len());
            crate::counterfactuals(&world, &mut reports, &counter)?;
            let low = path.iter().copied().min().unwrap_or(1_000_000);
            let end = path.last().copied().unwrap_or(1_000_000);
            Ok((reports.iter().map(metrics).collect(), reports.iter().map(|p| p.policy.clone()).collect(), low, end))
        })())
    });
    let mut by_path: Vec<Option<PathResult>> = (0..n).map(|_| None).collect();
    for (job, r) in results.into_iter().enumerate() {
        if let Some(r) = r {
            by_path[job / per_path] = Some(r);
        }
    }
    let results = by_path;
    let mut per: BTreeMap<String, BTreeMap<String, Vec<i64>>> = BTreeMap::new();
    let mut order = Vec::new();
    let (mut lows, mut ends) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for r in results {
        let (m, names, low, end) = r.ok_or_else(|| SimError::Setup("a path did not finish".into()))??;
        if order.is_empty() {
            order = names.clone();
        }
        for (pm, name) in m.into_iter().zip(names) {
            let e = per.entry(name).or_default();
            for (k, v) in pm {
                e.entry(k.to_string()).or_default().push(v);
            }
        }
        lows.push(low);
        ends.push(end);
    }
    let policies = per.into_iter().map(|(p, m)| (p, m.into_iter().map(|(k, mut v)| (k, Distribution::of(&mut v))).collect())).collect();
    Ok(MonteCarloReport {
        scenario: scenario.name.clone(),
        seed,
        paths,
        steps: scenario.steps,
        model: *model,
        policies,
        order,
        path_low_ppm: lows,
        path_end_ppm: ends,
    })
}
