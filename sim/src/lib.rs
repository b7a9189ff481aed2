//! partliq-sim: the stress simulator of partliq.
//!
//! It replays a crash over a population of leveraged accounts, lets the
//! liquidation orders of each policy hit a book of finite depth (square-root
//! impact, recovering over time) and compares what each policy costs:
//! notional liquidated, accounts touched and closed whole, how deep the
//! cascade drove the mark, bad debt, the insurance fund's low point,
//! backstop transfers and deleveraging. All money that goes through partliq
//! stays integer (micro-USD); floats are only used for the impact model, the
//! population draws and the statistics, with IEEE basic operations and the
//! deterministic elementary functions of [`det`] (never the platform's
//! `exp`/`ln`/`sqrt`), so a seed gives the same report on every platform.

pub mod book;
pub mod charts;
pub mod det;
pub mod html;
pub mod lab;
pub mod model;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod tune;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub use model::World;
pub use report::Report;
pub use scenario::Scenario;
pub use sim::{run_policy, Ledger, PolicyReport, SimError};

/// `f(0)`, …, `f(n − 1)` on up to `threads` threads, in index order
/// whatever the number of threads.
pub fn par_map<T: Send>(n: usize, threads: usize, f: &(dyn Fn(usize) -> T + Sync)) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n {
                    break;
                }
                let r = f(k);
                if let Ok(mut g) = results.lock() {
                    g[k] = Some(r);
                }
            });
        }
    });
    // A worker's panic propagates out of the scope above, so every slot is
    // filled here.
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().flatten().collect()
}

/// The counterfactual policies every run compares with: never liquidated,
/// fully liquidated.
pub const COUNTERFACTUALS: [&str; 2] = ["none", "full"];

/// Runs every policy of `world` on up to `threads` threads (the results do
/// not depend on it); `tick` is called once per simulated step of any policy.
///
/// The counterfactual runs the scenario does not list (`none`, `full`) are
/// queued after its policies on the same threads, so they overlap with the
/// policies' runs; every run is gathered by its index.
pub fn run_all(world: &World, threads: usize, tick: &(dyn Fn() + Sync)) -> Result<Report, SimError> {
    let n = world.policies.len();
    let mut extra = Vec::new();
    for name in COUNTERFACTUALS {
        if !world.policies.iter().any(|p| p.name == name) {
            extra.push(model::builtin_policy(name).map_err(SimError::Setup)?);
        }
    }
    let jobs = n + extra.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<PolicyReport, SimError>>>> = Mutex::new(vec![None; jobs]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= jobs {
                    break;
                }
                let r = match world.policies.get(k) {
                    Some(p) => run_policy(world, p, &mut |_| tick()),
                    None => run_policy(world, &extra[k - n], &mut |_| {}),
                };
                if let Ok(mut g) = results.lock() {
                    g[k] = Some(r);
                }
            });
        }
    });
    let results = results.into_inner().map_err(|_| SimError::Setup("a worker thread panicked".into()))?;
    let mut reports = Vec::with_capacity(jobs);
    for r in results {
        reports.push(r.ok_or_else(|| SimError::Setup("a policy run did not finish".into()))??);
    }
    let counter = reports.split_off(n);
    let none = counterfactuals(world, &mut reports, &counter)?;
    let mut report = Report::new(world, reports);
    report.no_liquidation = none.iter().map(|x| x.0).collect();
    Ok(report)
}

/// Fills in every report's user metrics against the two counterfactuals on
/// the same path: no liquidation (the `none` policy's run: the starting
/// positions ride the path, paying funding if any) and full liquidation
/// (the `full` policy's run), found among `reports`, then among `ran`
/// (counterfactual runs already made), else run here. Returns the
/// no-liquidation `(end equity, end exposure)` per margin account.
pub fn counterfactuals(world: &World, reports: &mut [PolicyReport], ran: &[PolicyReport]) -> Result<Vec<(i128, i128)>, SimError> {
    let end = |name: &str, reports: &[PolicyReport]| -> Result<Vec<(i128, i128)>, SimError> {
        let pick = |r: &PolicyReport| r.outcomes.iter().map(|o| (o.end_equity, o.end_exposure)).collect();
        match reports.iter().chain(ran).find(|r| r.policy == name) {
            Some(r) => Ok(pick(r)),
            None => {
                let pol = model::builtin_policy(name).map_err(SimError::Setup)?;
                Ok(pick(&run_policy(world, &pol, &mut |_| {})?))
            }
        }
    };
    let none = end("none", reports)?;
    let full: Vec<i128> = end("full", reports)?.into_iter().map(|x| x.0).collect();
    for r in reports.iter_mut() {
        r.user = outcome::user_metrics(&r.outcomes, &none, &full);
    }
    Ok(none)
}
