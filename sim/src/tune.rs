//! The tuner: a policy's tunables searched over a set of scenarios.
//!
//! Seeded Latin hypercube over the tunables' ranges (two thirds of the
//! evaluations), then local refinement around the best candidate within the
//! risk budget (coordinate steps that halve when nothing improves). Each
//! candidate is a custom policy over the base (`[[custom_policies]]` fields)
//! run on every scenario of the set; its figures are the users' equity lost
//! to liquidation (summed over the set), bad debt (the worst scenario: with
//! a set of a handful of scenarios, the p99 is the maximum), market impact
//! paid by fills (summed) and whether any run drove the insurance fund to
//! its floor. The Pareto frontier is over (user loss, bad debt, impact); the
//! recommendation minimises user loss within the budget (bad debt ≤ the
//! stated maximum, the fund never depleted). The base policy itself is
//! evaluation 0, so the answer to "does it beat the base at no more bad
//! debt" is on the same set, same seeds.
//!
//! With `monte_carlo: Some(N)` each scenario of the set is replaced by N
//! seeded Monte Carlo paths of it ([`crate::lab::mc_scenario`], the tuner's
//! seed): user loss and impact are then each scenario's mean over its
//! paths (summed over the set), bad debt the p99 over every run (nearest
//! rank) and the fund counts as depleted when the p99 of the depletion flag
//! is set (more than 1 % of the runs). Without it every scenario is one
//! run, and the same rules give the sum, the worst scenario and "any run".

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use plotters::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::lab::{mc_scenario, Distribution, PathModel};
use crate::model::custom_policy;
use crate::outcome::user_metrics;
use crate::scenario::{CustomPolicySpec, Scenario};
use crate::sim::SimError;
use crate::{run_policy, World};

/// A tunable: its name, range and how it writes a custom policy.
#[derive(Debug, Clone, Copy)]
pub struct Tunable {
    /// Its name on the command line and in the report.
    pub name: &'static str,
    pub lo: f64,
    pub hi: f64,
    /// What it is.
    pub what: &'static str,
}

/// Every tunable the tuner knows.
pub const TUNABLES: &[Tunable] = &[
    Tunable { name: "buffer", lo: 0.0, hi: 0.25, what: "target: maintenance × (1 + buffer)" },
    Tunable { name: "band", lo: 0.001, hi: 0.02, what: "price band of a liquidation order" },
    Tunable {
        name: "step_fraction",
        lo: 0.05,
        hi: 1.0,
        what: "largest fraction of a large position closed per step (≥ 0.95: the base's rule)",
    },
    Tunable { name: "cooldown", lo: 0.0, hi: 120.0, what: "seconds between two capped steps" },
    Tunable {
        name: "backstop_fraction",
        lo: 0.0,
        hi: 0.9,
        what: "backstop when equity falls below this fraction of maintenance (< 0.05: the base's rule)",
    },
];

/// Where a step fraction means "no cap" and a backstop fraction "none":
/// the search can leave those rules off, as the base policy may have them.
pub const STEP_FRACTION_OFF_ABOVE: f64 = 0.95;
/// See [`STEP_FRACTION_OFF_ABOVE`].
pub const BACKSTOP_FRACTION_OFF_BELOW: f64 = 0.05;

/// Writes tunable `name` at `x` into `spec`. A step fraction of at least
/// 95 % leaves the base's step rule (and its cooldown) as it is; a
/// backstop fraction below 5 % leaves the base's backstop rule as it is.
fn apply(spec: &mut CustomPolicySpec, name: &str, x: f64) {
    match name {
        "buffer" => spec.target_buffer = Some(x),
        "band" => spec.price_band = Some(x),
        "step_fraction" if x < STEP_FRACTION_OFF_ABOVE => spec.max_fraction = Some(x),
        "cooldown" => spec.cooldown_seconds = Some(x.round() as u64),
        "backstop_fraction" if x >= BACKSTOP_FRACTION_OFF_BELOW => spec.backstop_fraction = Some(((x * 1000.0).round() as u32, 1000)),
        _ => {}
    }
}

/// The tunables named in `list` (comma separated; empty: all).
pub fn parse_tunables(list: &str) -> Result<Vec<Tunable>, String> {
    if list.trim().is_empty() {
        return Ok(TUNABLES.to_vec());
    }
    list.split(',')
        .map(|n| {
            let n = n.trim();
            TUNABLES.iter().copied().find(|t| t.name == n).ok_or_else(|| {
                format!("--tunables: unknown tunable `{n}` (known: {})", TUNABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(", "))
            })
        })
        .collect()
}

/// One evaluated candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Evaluation number (0: the base policy as it is).
    pub eval: usize,
    /// `(tunable, value)`; empty for the base.
    pub params: Vec<(String, f64)>,
    /// Σ over the set of the users' equity lost to liquidation (each
    /// scenario's mean over its runs), micro-USD.
    pub user_loss: i64,
    /// Bad debt, the p99 over the runs (nearest rank: with 100 runs or
    /// fewer, the worst), micro-USD.
    pub bad_debt: i64,
    /// Σ of the market impact paid by liquidation fills (each scenario's
    /// mean over its runs), micro-USD.
    pub impact: i64,
    /// The p99 of the runs' depletion flag is set: more than 1 % of the
    /// runs (with 100 runs or fewer, any) drove the insurance fund to its
    /// floor.
    pub fund_depleted: bool,
    /// How many runs drove the insurance fund to its floor.
    pub depleting_runs: usize,
    /// Within the risk budget.
    pub feasible: bool,
    /// On the Pareto frontier of (user loss, bad debt, impact).
    pub pareto: bool,
}

/// The tuner's result.
#[derive(Debug, Clone, Serialize)]
pub struct TuneReport {
    pub policy: String,
    pub scenarios: Vec<String>,
    /// Monte Carlo paths per scenario (`None`: each scenario's own path).
    pub monte_carlo: Option<u64>,
    /// Runs per candidate (scenarios × paths).
    pub runs_per_candidate: usize,
    pub seed: u64,
    pub evals: usize,
    /// The budget: bad debt ≤ this (micro-USD), no fund depletion.
    pub max_bad_debt: i64,
    pub tunables: Vec<String>,
    pub candidates: Vec<Candidate>,
    /// The recommended candidate's evaluation number, if any is feasible.
    pub recommended: Option<usize>,
    /// The recommendation beats the base on user loss at no more bad debt.
    pub beats_base: bool,
    /// One sentence saying so, or not.
    pub verdict: String,
}

/// Evaluates a candidate on `scenarios`: per scenario, its runs (one, or
/// its Monte Carlo paths), on up to `threads` threads (gathered by index:
/// the same figures whatever their number).
fn evaluate(
    scenarios: &[Vec<World>],
    spec: &CustomPolicySpec,
    max_bad_debt: i64,
    eval: usize,
    params: Vec<(String, f64)>,
    threads: usize,
) -> Result<Candidate, SimError> {
    let pol = custom_policy(spec).map_err(SimError::Setup)?;
    let jobs: Vec<(usize, usize)> = scenarios.iter().enumerate().flat_map(|(s, runs)| (0..runs.len()).map(move |k| (s, k))).collect();
    let runs = crate::par_map(jobs.len(), threads, &|j| {
        let (s, k) = jobs[j];
        run_policy(&scenarios[s][k], &pol, &mut |_| {}).map(|r| RunFigures {
            user_loss: user_metrics(&r.outcomes, &[], &[]).equity_lost,
            impact: r.system.impact_cost,
            bad_debt: r.system.bad_debt,
            fund_depleted: r.system.fund_depleted,
        })
    });
    let mut figures: Vec<Vec<RunFigures>> = scenarios.iter().map(|runs| Vec::with_capacity(runs.len())).collect();
    for (&(s, _), r) in jobs.iter().zip(runs) {
        figures[s].push(r?);
    }
    let mut c = aggregate(&figures, max_bad_debt);
    c.eval = eval;
    c.params = params;
    Ok(c)
}

/// One run's figures, as a candidate aggregates them.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunFigures {
    /// The users' equity lost to liquidation, micro-USD.
    pub user_loss: i64,
    /// Market impact paid by liquidation fills, micro-USD.
    pub impact: i64,
    /// Bad debt, micro-USD.
    pub bad_debt: i64,
    /// The insurance fund reached its floor.
    pub fund_depleted: bool,
}

/// A candidate's figures from its runs, per scenario: user loss and impact
/// summed over the scenarios of their mean over the runs (rounded toward
/// −∞), bad debt the nearest-rank p99 over every run, the fund depleted when
/// the p99 of the depletion flag is set (evaluation 0, no parameters).
pub fn aggregate(per_scenario: &[Vec<RunFigures>], max_bad_debt: i64) -> Candidate {
    let (mut loss, mut impact) = (0i128, 0i128);
    let (mut bad, mut depleted) = (Vec::new(), Vec::new());
    for runs in per_scenario {
        let k = i128::try_from(runs.len().max(1)).unwrap_or(1);
        loss += runs.iter().map(|r| i128::from(r.user_loss)).sum::<i128>().div_euclid(k);
        impact += runs.iter().map(|r| i128::from(r.impact)).sum::<i128>().div_euclid(k);
        bad.extend(runs.iter().map(|r| r.bad_debt));
        depleted.extend(runs.iter().map(|r| i64::from(r.fund_depleted)));
    }
    let n = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    let depleting_runs = depleted.iter().filter(|&&d| d != 0).count();
    let bad = if bad.is_empty() { 0 } else { Distribution::of(&mut bad).p99 };
    let fund_depleted = !depleted.is_empty() && Distribution::of(&mut depleted).p99 != 0;
    Candidate {
        eval: 0,
        params: Vec::new(),
        user_loss: n(loss),
        bad_debt: bad,
        impact: n(impact),
        fund_depleted,
        depleting_runs,
        feasible: bad <= max_bad_debt && !fund_depleted,
        pareto: false,
    }
}

/// Runs the tuner: `evals` evaluations (≥ 2) of `policy` over `scenarios`
/// (each on its own path, or on `monte_carlo` seeded paths of it), seeded;
/// `threads` workers evaluate the Latin hypercube in parallel (the result
/// does not depend on their number); `tick` once per evaluation.
#[allow(clippy::too_many_arguments)]
pub fn tune(
    scenarios: &[(String, Scenario)],
    policy: &str,
    tunables: &[Tunable],
    evals: usize,
    seed: u64,
    max_bad_debt: i64,
    monte_carlo: Option<u64>,
    threads: usize,
    tick: &(dyn Fn() + Sync),
) -> Result<TuneReport, SimError> {
    if evals < 2 {
        return Err(SimError::Setup("--evals: at least 2 (the base and one candidate)".into()));
    }
    if tunables.is_empty() {
        return Err(SimError::Setup("--tunables: name at least one".into()));
    }
    if monte_carlo == Some(0) {
        return Err(SimError::Setup("--monte-carlo: the number of paths must be at least 1".into()));
    }
    let model = PathModel::default();
    let worlds: Vec<Vec<World>> = scenarios
        .iter()
        .map(|(_, s)| {
            let mut s = s.clone();
            s.policies = vec![policy.to_string()];
            match monte_carlo {
                None => Ok(vec![World::build(&s)?]),
                Some(n) => (0..n).map(|k| World::build(&mc_scenario(&s, &model, seed, k).0)).collect(),
            }
        })
        .collect::<Result<_, String>>()
        .map_err(SimError::Setup)?;
    let runs_per_candidate = worlds.iter().map(Vec::len).sum();
    let base = CustomPolicySpec { name: format!("{policy}_tuned"), base: policy.to_string(), ..CustomPolicySpec::default() };
    let spec_of = |x: &[f64]| {
        let mut s = base.clone();
        for (t, &v) in tunables.iter().zip(x) {
            apply(&mut s, t.name, v);
        }
        // A cooldown without a step cap is the base's step rule changed:
        // left as it is when the cap is off.
        if s.max_fraction.is_none() {
            s.cooldown_seconds = None;
        }
        s
    };
    let params_of = |x: &[f64]| tunables.iter().zip(x).map(|(t, &v)| (t.name.to_string(), v)).collect::<Vec<_>>();

    // Latin hypercube: per dimension a seeded permutation of the strata.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lhs = ((evals - 1) * 2 / 3).max(1);
    let mut points: Vec<Vec<f64>> = vec![Vec::with_capacity(tunables.len()); lhs];
    for t in tunables {
        let mut strata: Vec<usize> = (0..lhs).collect();
        strata.shuffle(&mut rng);
        for (p, &k) in points.iter_mut().zip(&strata) {
            let u = (k as f64 + rng.random::<f64>()) / lhs as f64;
            p.push(t.lo + (t.hi - t.lo) * u);
        }
    }
    // Evaluation 0 (the base) and the hypercube, in parallel, by index.
    let n = lhs + 1;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Candidate, SimError>>>> = Mutex::new(vec![None; n]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, n) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n {
                    break;
                }
                let r = if k == 0 {
                    evaluate(&worlds, &base, max_bad_debt, 0, Vec::new(), 1)
                } else {
                    evaluate(&worlds, &spec_of(&points[k - 1]), max_bad_debt, k, params_of(&points[k - 1]), 1)
                };
                tick();
                if let Ok(mut g) = results.lock() {
                    g[k] = Some(r);
                }
            });
        }
    });
    let mut cands = Vec::with_capacity(evals);
    for r in results.into_inner().map_err(|_| SimError::Setup("a worker thread panicked".into()))? {
        cands.push(r.ok_or_else(|| SimError::Setup("an evaluation did not finish".into()))??);
    }
    let mut xs: Vec<Option<Vec<f64>>> = std::iter::once(None).chain(points.into_iter().map(Some)).collect();

    // Local refinement: coordinate steps around the best feasible point.
    let better = |a: &Candidate, b: &Candidate| (a.feasible, -a.user_loss, -a.bad_debt) > (b.feasible, -b.user_loss, -b.bad_debt);
    let mut best = (1..cands.len()).fold(1, |b, k| if better(&cands[k], &cands[b]) { k } else { b });
    let mut step = 0.25;
    let mut dim = 0;
    let mut dir = 1.0;
    while cands.len() < evals {
        let Some(x0) = xs[best].clone() else { break };
        let t = tunables[dim];
        let mut x = x0.clone();
        x[dim] = (x[dim] + dir * step * (t.hi - t.lo)).clamp(t.lo, t.hi);
        let k = cands.len();
        // One candidate at a time: its runs in parallel.
        let c = evaluate(&worlds, &spec_of(&x), max_bad_debt, k, params_of(&x), threads)?;
        tick();
        let improved = better(&c, &cands[best]);
        cands.push(c);
        xs.push(Some(x));
        if improved {
            best = k;
        } else if dir > 0.0 {
            dir = -1.0;
            continue;
        } else {
            dir = 1.0;
            dim += 1;
            if dim == tunables.len() {
                dim = 0;
                step /= 2.0;
            }
        }
    }

    // Pareto frontier over (user loss, bad debt, impact).
    let snapshot = cands.clone();
    for c in cands.iter_mut() {
        c.pareto = !snapshot.iter().any(|o| {
            o.user_loss <= c.user_loss
                && o.bad_debt <= c.bad_debt
                && o.impact <= c.impact
                && (o.user_loss < c.user_loss || o.bad_debt < c.bad_debt || o.impact < c.impact)
        });
    }
    let recommended = cands.iter().filter(|c| c.feasible).min_by_key(|c| (c.user_loss, c.bad_debt, c.eval)).map(|c| c.eval);
    let b = &cands[0];
    let (beats, verdict) = match recommended.map(|r| &cands[r]) {
        None => (false, format!("no candidate met the budget (bad debt ≤ {} $, fund never depleted), the base included", crate::report::money(max_bad_debt))),
        Some(r) if r.eval == 0 => (false, format!("nothing beat `{policy}` itself on user loss within the budget")),
        Some(r) if r.user_loss < b.user_loss && r.bad_debt <= b.bad_debt => (
            true,
            format!(
                "evaluation {} beats `{policy}`: users lose {} $ instead of {} $ ({:+.1} %), bad debt {} $ against {} $",
                r.eval,
                crate::report::money(r.user_loss),
                crate::report::money(b.user_loss),
                (r.user_loss as f64 / b.user_loss.max(1) as f64 - 1.0) * 100.0,
                crate::report::money(r.bad_debt),
                crate::report::money(b.bad_debt)
            ),
        ),
        Some(r) if r.user_loss < b.user_loss => (
            false,
            format!(
                "evaluation {} has the least user loss within the budget ({} $ against {} $) but more bad debt than `{policy}` ({} $ against {} $): it does not beat it at no more bad debt",
                r.eval,
                crate::report::money(r.user_loss),
                crate::report::money(b.user_loss),
                crate::report::money(r.bad_debt),
                crate::report::money(b.bad_debt)
            ),
        ),
        Some(r) => (
            false,
            format!(
                "`{policy}` itself loses users less ({} $) but is {} the budget (bad debt {} ${}); the least user loss within it is evaluation {} ({} $, bad debt {} $): no candidate beats `{policy}` on user loss",
                crate::report::money(b.user_loss),
                if b.feasible { "within" } else { "outside" },
                crate::report::money(b.bad_debt),
                if b.fund_depleted { ", the insurance fund depleted" } else { "" },
                r.eval,
                crate::report::money(r.user_loss),
                crate::report::money(r.bad_debt)
            ),
        ),
    };
    Ok(TuneReport {
        policy: policy.to_string(),
        scenarios: scenarios.iter().map(|(n, _)| n.clone()).collect(),
        monte_carlo,
        runs_per_candidate,
        seed,
        evals: cands.len(),
        max_bad_debt,
        tunables: tunables.iter().map(|t| t.name.to_string()).collect(),
        candidates: cands,
        recommended,
        beats_base: beats,
        verdict,
    })
}

impl TuneReport {
    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The table: the base, the frontier and the recommendation.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "the base, the Pareto frontier and the recommendation (over: bad debt over the budget; depletes: the fund reached its floor)\n",
        );
        out.push_str(&format!("{:>5}  {:>14}  {:>12}  {:>12}  {:<9}  params\n", "eval", "user loss ($)", "bad debt ($)", "impact ($)", ""));
        for c in &self.candidates {
            if !(c.eval == 0 || c.pareto || Some(c.eval) == self.recommended) {
                continue;
            }
            let tag = if Some(c.eval) == self.recommended {
                "RECOMMEND"
            } else if c.eval == 0 {
                "base"
            } else if c.fund_depleted {
                "depletes"
            } else if !c.feasible {
                "over"
            } else {
                "frontier"
            };
            let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v:.4}")).collect();
            out.push_str(&format!(
                "{:>5}  {:>14}  {:>12}  {:>12}  {:<9}  {}\n",
                c.eval,
                crate::report::money(c.user_loss),
                crate::report::money(c.bad_debt),
                crate::report::money(c.impact),
                tag,
                if params.is_empty() { "(the policy as it is)".into() } else { params.join(" ") }
            ));
        }
        out
    }

    /// The frontier chart: user loss against bad debt, every candidate, the
    /// frontier, the base and the recommendation marked.
    pub fn write_svg(&self, path: &Path) -> Result<(), String> {
        let e = |err: DrawingAreaErrorKind<std::io::Error>| format!("chart {}: {err}", path.display());
        let root = SVGBackend::new(path, (1000, 700)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let k = |v: i64| v as f64 / 1e9;
        let xmax = self.candidates.iter().map(|c| k(c.user_loss)).fold(0.0, f64::max) * 1.05 + 1e-3;
        let xmin = self.candidates.iter().map(|c| k(c.user_loss)).fold(f64::INFINITY, f64::min).min(xmax) * 0.95;
        let ymax = self.candidates.iter().map(|c| k(c.bad_debt)).fold(0.0, f64::max) * 1.1 + 1e-3;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("tuning `{}`: user loss vs bad debt (frontier in red)", self.policy), ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(xmin..xmax, 0f64..ymax)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc("users' equity lost (thousand USD)")
            .y_desc(if self.monte_carlo.is_some() {
                "bad debt, p99 over the paths (thousand USD)"
            } else {
                "bad debt, worst scenario (thousand USD)"
            })
            .draw()
            .map_err(e)?;
        chart
            .draw_series(self.candidates.iter().map(|c| Circle::new((k(c.user_loss), k(c.bad_debt)), 3, BLUE.mix(0.5).filled())))
            .map_err(e)?
            .label("candidate")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, BLUE.mix(0.5).filled()));
        chart
            .draw_series(self.candidates.iter().filter(|c| c.pareto).map(|c| Circle::new((k(c.user_loss), k(c.bad_debt)), 5, RED.filled())))
            .map_err(e)?
            .label("Pareto frontier")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, RED.filled()));
        let b = &self.candidates[0];
        chart
            .draw_series(std::iter::once(TriangleMarker::new((k(b.user_loss), k(b.bad_debt)), 9, BLACK.filled())))
            .map_err(e)?
            .label("base policy")
            .legend(|(x, y)| TriangleMarker::new((x + 10, y), 7, BLACK.filled()));
        if let Some(r) = self.recommended.and_then(|r| self.candidates.get(r)) {
            chart
                .draw_series(std::iter::once(Cross::new((k(r.user_loss), k(r.bad_debt)), 9, GREEN.stroke_width(3))))
                .map_err(e)?
                .label("recommended")
                .legend(|(x, y)| Cross::new((x + 10, y), 6, GREEN.stroke_width(3)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(e)?;
        root.present().map_err(e)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(user_loss: i64, bad_debt: i64, fund_depleted: bool) -> RunFigures {
        RunFigures { user_loss, impact: user_loss / 10, bad_debt, fund_depleted }
    }

    #[test]
    fn one_run_per_scenario_sums_and_takes_the_worst() {
        // Three scenarios, one run each: loss 10 + 20 + 31 = 61, impact
        // 1 + 2 + 3 = 6, bad debt the worst (7), one depletion is enough.
        let set = vec![vec![run(10, 0, false)], vec![run(20, 7, true)], vec![run(31, 5, false)]];
        let c = aggregate(&set, 7);
        assert_eq!((c.user_loss, c.impact, c.bad_debt, c.fund_depleted, c.depleting_runs), (61, 6, 7, true, 1));
        assert!(!c.feasible, "depleted");
        let c = aggregate(&set[..1], 0);
        assert!(c.feasible && !c.fund_depleted);
    }

    #[test]
    fn many_paths_take_the_mean_and_the_p99() {
        // 200 paths of one scenario: bad debt 1..=200 (in some order); the
        // nearest-rank p99 is the ceil(0.99 × 200) = 198th smallest, 198.
        // Loss: mean of 0..200 = 19900 / 200 = 99.5, rounded down: 99.
        let mut runs: Vec<RunFigures> = (0..200).map(|i| run(i, (i * 37) % 200 + 1, false)).collect();
        let c = aggregate(std::slice::from_ref(&runs), 198);
        assert_eq!((c.user_loss, c.bad_debt, c.fund_depleted), (99, 198, false));
        assert!(c.feasible);
        assert!(!aggregate(std::slice::from_ref(&runs), 197).feasible);
        // Two depleting paths of 200 are within the 1 % tail (the 198th
        // smallest flag is still 0); three are not.
        runs[5].fund_depleted = true;
        runs[77].fund_depleted = true;
        let c = aggregate(std::slice::from_ref(&runs), i64::MAX);
        assert_eq!((c.fund_depleted, c.depleting_runs, c.feasible), (false, 2, true));
        runs[150].fund_depleted = true;
        let c = aggregate(std::slice::from_ref(&runs), i64::MAX);
        assert_eq!((c.fund_depleted, c.depleting_runs, c.feasible), (true, 3, false));
        // A negative mean rounds toward −∞: (−3 + 0) / 2 = −1.5 → −2.
        assert_eq!(aggregate(&[vec![run(-3, 0, false), run(0, 0, false)]], 0).user_loss, -2);
    }
}
