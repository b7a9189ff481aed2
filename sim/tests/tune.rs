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
    let a = tune(&set, "partliq", &t, 6, 3, budget, 1, &|| {}).unwrap();
    let b = tune(&set, "partliq", &t, 6, 3, budget, 2, &|| {}).unwrap();
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
    let none = tune(&set, "partliq", &t, 3, 3, -1, 1, &|| {}).unwrap();
    assert!(none.recommended.is_none() && none.verdict.contains("no candidate met the budget"), "{}", none.verdict);
    // Bad input.
    let err = parse_tunables("buffer,leverage").unwrap_err();
    assert!(err.contains("--tunables: unknown tunable `leverage`") && err.contains("step_fraction"), "{err}");
    assert!(tune(&set, "partliq", &t, 1, 3, budget, 1, &|| {}).unwrap_err().to_string().contains("--evals"));
}
