//! The tuner on a tiny scenario: the base first, the frontier, the
//! recommendation within the budget, the same result whatever the thread
//! count, unknown tunables refused.

use partliq_sim::lab::library_scenario;
use partliq_sim::tune::{parse_tunables, tune};

#[test]
fn the_tuner_searches_reports_and_recommends_within_the_budget() {
    let mut s = library_scenario("gap_down").unwrap();
    s.population.accounts = 150;
    s.population.whales = 1;
    s.steps = 40;
    s.max_rounds = 2;
    if let Some(u) = s.unified.as_mut() {
        u.accounts = 1;
    }
    let set = vec![("gap_down".to_string(), s)];
    let t = parse_tunables("buffer,band").unwrap();
    let budget = 1_000_000_000_000; // 1 M$: every candidate fits.
    let a = tune(&set, "partliq", &t, 6, 3, budget, None, 1, &|| {}).unwrap();
    let b = tune(&set, "partliq", &t, 6, 3, budget, None, 2, &|| {}).unwrap();
    assert_eq!(a.to_json(), b.to_json(), "the thread count changes nothing");
    assert_eq!(a.candidates.len(), 6);
    assert!(a.candidates[0].params.is_empty(), "evaluation 0 is the base");
    assert!(a.candidates[1..].iter().all(|c| c.params.len() == 2));
    for c in &a.candidates[1..] {
        let buffer = c.params[0].1;
        let band = c.params[1].1;
        assert!((0.0..=0.25).contains(&buffer) && (0.001..=0.02).contains(&band), "{c:?}");
    }
    // The recommendation is the least user loss among the feasible.
    let r = a.recommended.unwrap();
    let min = a.candidates.iter().filter(|c| c.feasible).map(|c| c.user_loss).min().unwrap();
    assert_eq!(a.candidates[r].user_loss, min);
    // Frontier points are not dominated; every other point is.
    for c in &a.candidates {
        let dominated = a.candidates.iter().any(|o| {
            o.user_loss <= c.user_loss
                && o.bad_debt <= c.bad_debt
                && o.impact <= c.impact
                && (o.user_loss, o.bad_debt, o.impact) != (c.user_loss, c.bad_debt, c.impact)
        });
        assert_eq!(c.pareto, !dominated, "{c:?}");
    }
    assert_eq!(
        a.beats_base,
        r != 0 && a.candidates[r].user_loss < a.candidates[0].user_loss && a.candidates[r].bad_debt <= a.candidates[0].bad_debt
    );
    // A budget nothing meets: no recommendation, said so.
    let none = tune(&set, "partliq", &t, 3, 3, -1, None, 1, &|| {}).unwrap();
    assert!(none.recommended.is_none() && none.verdict.contains("no candidate met the budget"), "{}", none.verdict);
    // Bad input.
    let err = parse_tunables("buffer,leverage").unwrap_err();
    assert!(err.contains("--tunables: unknown tunable `leverage`") && err.contains("step_fraction"), "{err}");
    assert!(tune(&set, "partliq", &t, 1, 3, budget, None, 1, &|| {}).unwrap_err().to_string().contains("--evals"));
}

#[test]
fn the_tuner_can_evaluate_on_monte_carlo_paths() {
    use partliq_sim::lab::{mc_scenario, PathModel};
    use partliq_sim::model::builtin_policy;
    use partliq_sim::outcome::user_metrics;
    use partliq_sim::{run_policy, World};

    let mut s = library_scenario("gap_down").unwrap();
    s.population.accounts = 120;
    s.population.whales = 1;
    s.steps = 30;
    s.max_rounds = 2;
    if let Some(u) = s.unified.as_mut() {
        u.accounts = 1;
    }
    let set = vec![("gap_down".to_string(), s.clone())];
    let t = parse_tunables("buffer").unwrap();
    let budget = 1_000_000_000_000;
    let a = tune(&set, "partliq", &t, 3, 5, budget, Some(3), 1, &|| {}).unwrap();
    let b = tune(&set, "partliq", &t, 3, 5, budget, Some(3), 2, &|| {}).unwrap();
    assert_eq!(a.to_json(), b.to_json(), "the thread count changes nothing");
    assert_eq!((a.monte_carlo, a.runs_per_candidate, a.candidates.len()), (Some(3), 3, 3));
    // Evaluation 0 is `partliq` itself on paths 0, 1, 2 of seed 5: its user
    // loss the mean of the three runs (rounded down), its bad debt their
    // p99, which with three runs is the worst.
    let pol = builtin_policy("partliq").unwrap();
    let (mut losses, mut bads) = (Vec::new(), Vec::new());
    for k in 0..3 {
        let mut sc = s.clone();
        sc.policies = vec!["partliq".into()];
        let (sc, path) = mc_scenario(&sc, &PathModel::default(), 5, k);
        assert_eq!(sc.path.points.len(), 30);
        assert_eq!(sc.path.points[29].1, path[29] as f64 / 1e6);
        let r = run_policy(&World::build(&sc).unwrap(), &pol, &mut |_| {}).unwrap();
        losses.push(i128::from(user_metrics(&r.outcomes, &[], &[]).equity_lost));
        bads.push(r.system.bad_debt);
    }
    let base = &a.candidates[0];
    assert_eq!(i128::from(base.user_loss), losses.iter().sum::<i128>().div_euclid(3));
    assert_eq!(base.bad_debt, *bads.iter().max().unwrap());
    // The paths are not the scenario's own: the plain run's evaluation 0
    // differs (the gap is −18 % in one step; no path of three does that).
    let plain = tune(&set, "partliq", &t, 2, 5, budget, None, 1, &|| {}).unwrap();
    assert_eq!((plain.monte_carlo, plain.runs_per_candidate), (None, 1));
    assert_ne!(plain.candidates[0].user_loss, base.user_loss);
    assert!(tune(&set, "partliq", &t, 3, 5, budget, Some(0), 1, &|| {}).unwrap_err().to_string().contains("--monte-carlo"));
}
