//! The simulation's properties: deterministic for a seed, no bad debt without
//! market impact on a path that never gaps, value conserved at every step.

use partliq_sim::scenario::{Scenario, BUILTIN_POLICIES, DEFAULT_SCENARIO};
use partliq_sim::{run_all, run_policy, World};

mod common;
use common::small;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn default_and_example_scenarios_parse() {
    let d = Scenario::default_scenario();
    assert!(d.population.accounts + d.population.whales >= 20_000);
    assert_eq!(d.markets.len(), 3);
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/example.toml")).unwrap();
    let e = parse(&example);
    assert_eq!(e.custom_policies.len(), 2);
    World::build(&e).unwrap();
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml")).unwrap();
    assert_eq!(file, DEFAULT_SCENARIO);
}

#[test]
fn deterministic_for_a_seed() {
    let sc = parse(&small(&[]));
    let w1 = World::build(&sc).unwrap();
    let w2 = World::build(&sc).unwrap();
    // The thread count does not change anything either.
    let a = run_all(&w1, 1, &|| {}).unwrap().to_json();
    let b = run_all(&w2, 3, &|| {}).unwrap().to_json();
    assert_eq!(a, b);
    // A different seed gives a different run.
    let mut other = sc.clone();
    other.seed += 1;
    let c = run_all(&World::build(&other).unwrap(), 2, &|| {}).unwrap().to_json();
    assert_ne!(a, c);
}

#[test]
fn no_market_impact_and_no_gaps_means_no_bad_debt() {
    // Zero impact everywhere; a 12 % fall over 60 steps (0.2 % a step,
    // 0.03 % a pass), no noise: no account can gap from above maintenance to
    // below bankruptcy between two passes.
    let text = small(&[
        ("impact = 0.01\nresilience = 0.25\nleverage_median = 6", "impact = 0.0\nresilience = 0.25\nleverage_median = 6"),
        ("impact = 0.01\nresilience = 0.25\nleverage_median = 5", "impact = 0.0\nresilience = 0.25\nleverage_median = 5"),
        ("impact = 0.01\nresilience = 0.2", "impact = 0.0\nresilience = 0.2"),
        (
            "points = [[0, 1.0], [10, 1.0], [15, 0.85], [18, 0.84], [28, 0.93], [80, 0.95]]",
            "points = [[0, 1.0], [10, 1.0], [70, 0.88], [80, 0.90]]",
        ),
        ("noise = 0.002", "noise = 0.0"),
    ]);
    let mut sc = parse(&text);
    assert!(sc.markets.iter().all(|m| m.impact == 0.0));
    // Every built-in policy and the custom one.
    sc.policies = BUILTIN_POLICIES.iter().map(|s| s.to_string()).collect();
    sc.policies.push("partliq_initial".into());
    let report = run_all(&World::build(&sc).unwrap(), 2, &|| {}).unwrap();
    for p in &report.policies {
        assert!(p.accounts_touched > 0, "{}: the path must liquidate someone", p.policy);
        assert_eq!(p.bad_debt, 0, "{}: bad debt without impact", p.policy);
        assert_eq!((p.unrecovered_bad_debt, p.vault_absorbed), (0, 0), "{}", p.policy);
        // No impact: the mark is the oracle (up to the cent).
        assert!(p.markets.iter().all(|m| m.max_impact_pct.abs() < 0.01), "{}", p.policy);
    }
}

#[test]
fn value_is_conserved_at_every_step() {
    // A brutal scenario that uses every path: thin books, a 30 % gap in one
    // step, an empty insurance fund (so bad debt is deleveraged), a backstop
    // vault, whales.
    let text = small(&[
        ("initial_usd = 250_000", "initial_usd = 0"),
        (
            "points = [[0, 1.0], [10, 1.0], [15, 0.85], [18, 0.84], [28, 0.93], [80, 0.95]]",
            "points = [[0, 1.0], [10, 1.0], [11, 0.70], [30, 0.72], [50, 1.05], [80, 1.1]]",
        ),
        ("depth_usd = 8_000_000", "depth_usd = 300_000"),
        ("depth_usd = 4_000_000", "depth_usd = 200_000"),
        ("depth_usd = 1_500_000", "depth_usd = 100_000"),
    ]);
    let mut sc = parse(&text);
    sc.policies = BUILTIN_POLICIES.iter().map(|s| s.to_string()).collect();
    sc.policies.push("partliq_initial".into());
    let world = World::build(&sc).unwrap();
    let (mut adl, mut backstops, mut takeovers) = (0, 0, 0);
    for pol in &world.policies {
        let mut steps = 0u32;
        let report = run_policy(&world, pol, &mut |ledger| {
            assert!(ledger.balanced(), "{} step {}: {:?}", pol.name, ledger.step, ledger);
            assert_eq!(ledger.total, ledger.accounts + ledger.vault + ledger.fund + ledger.liquidators + ledger.book - ledger.unrecovered);
            steps += 1;
        })
        .unwrap_or_else(|e| panic!("{}: {e}", pol.name));
        assert_eq!(steps, sc.steps);
        assert_eq!(report.ledger_checks, u64::from(sc.steps));
        adl += report.deleveraging_events;
        backstops += report.backstop_transfers;
        takeovers += report.takeovers;
    }
    assert!(adl > 0, "the scenario must exercise deleveraging");
    assert!(backstops > 0 && takeovers > 0, "and backstops ({backstops}) and takeovers ({takeovers})");
}

#[test]
fn partial_liquidation_closes_fewer_accounts_whole_than_full() {
    let mut sc = parse(&small(&[]));
    sc.policies = vec!["full".into(), "partliq".into()];
    let r = run_all(&World::build(&sc).unwrap(), 2, &|| {}).unwrap();
    let (full, part) = (&r.policies[0], &r.policies[1]);
    assert!(full.accounts_closed_whole > 0);
    assert!(part.accounts_closed_whole < full.accounts_closed_whole, "{} vs {}", part.accounts_closed_whole, full.accounts_closed_whole);
    assert!(part.notional_liquidated < full.notional_liquidated);
}
