//! partliq-sim: the stress simulator of partliq.
//!
//! It replays a crash over a population of leveraged accounts, lets the
//! liquidation orders of each policy hit a book of finite depth (square-root
//! impact, recovering over time) and compares what each policy costs:
//! notional liquidated, accounts touched and closed whole, how deep the
//! cascade drove the mark, bad debt, the insurance fund's low point,
//! backstop transfers and deleveraging. All money that goes through partliq
//! stays integer (micro-USD); floats are only used for the impact model, the
//! population draws and the statistics.

pub mod book;
pub mod charts;
pub mod model;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod sim;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub use model::World;
pub use report::Report;
pub use scenario::Scenario;
pub use sim::{run_policy, Ledger, PolicyReport, SimError};

/// Runs every policy of `world` on up to `threads` threads (the results do
/// not depend on it); `tick` is called once per simulated step of any policy.
pub fn run_all(world: &World, threads: usize, tick: &(dyn Fn() + Sync)) -> Result<Report, SimError> {
    let n = world.policies.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<PolicyReport, SimError>>>> = Mutex::new(vec![None; n]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n {
                    break;
                }
                let r = run_policy(world, &world.policies[k], &mut |_| tick());
                if let Ok(mut g) = results.lock() {
                    g[k] = Some(r);
                }
            });
        }
    });
    let results = results.into_inner().map_err(|_| SimError::Setup("a worker thread panicked".into()))?;
    let mut reports = Vec::with_capacity(n);
    for r in results {
        reports.push(r.ok_or_else(|| SimError::Setup("a policy run did not finish".into()))??);
    }
    counterfactuals(world, &mut reports)?;
    Ok(Report::new(world, reports))
}

/// Fills in every report's user metrics against the two counterfactuals on
/// the same path: no liquidation (computed), full liquidation (the `full`
/// policy's run; run here when the scenario does not list it).
pub fn counterfactuals(world: &World, reports: &mut [PolicyReport]) -> Result<(), SimError> {
    let none = outcome::no_liquidation(world);
    let full: Vec<i128> = match reports.iter().find(|r| r.policy == "full") {
        Some(r) => r.outcomes.iter().map(|o| o.end_equity).collect(),
        None => {
            let pol = model::builtin_policy("full").map_err(SimError::Setup)?;
            run_policy(world, &pol, &mut |_| {})?.outcomes.iter().map(|o| o.end_equity).collect()
        }
    };
    for r in reports.iter_mut() {
        r.user = outcome::user_metrics(&r.outcomes, &none, &full);
    }
    Ok(())
}
