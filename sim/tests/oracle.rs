//! The oracle scenarios: on a stale oracle and on a price spike, the
//! `+guard` policies liquidate no account that is healthy at the true
//! price, while the same policies unguarded do; the new `[path]` fields are
//! validated.

use partliq_sim::scenario::Scenario;
use partliq_sim::{run_all, World};

fn scenario(file: &str) -> Scenario {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    Scenario::parse(&text, &path).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the scenario; (policy, healthy accounts liquidated, notional).
fn victims(file: &str) -> Vec<(String, u64, i64)> {
    let report = run_all(&World::build(&scenario(file)).unwrap(), 2, &|| {}).unwrap();
    report.policies.iter().map(|p| (p.policy.clone(), p.healthy_liquidated, p.notional_liquidated)).collect()
}

fn check_guarded_spare_the_healthy(file: &str) {
    let v = victims(file);
    for base in ["partliq", "full"] {
        let plain = v.iter().find(|p| p.0 == base).unwrap();
        let guarded = v.iter().find(|p| p.0 == format!("{base}+guard")).unwrap();
        assert!(plain.1 > 100, "{file}: {base} liquidated only {} healthy accounts", plain.1);
        assert_eq!(guarded.1, 0, "{file}: {base}+guard liquidated {} healthy accounts", guarded.1);
    }
}

#[test]
fn stale_oracle_guarded_liquidate_no_healthy_account() {
    check_guarded_spare_the_healthy("stale_oracle.toml");
}

#[test]
fn price_spike_guarded_liquidate_no_healthy_account() {
    check_guarded_spare_the_healthy("price_spike.toml");
}

#[test]
fn path_feed_fields_are_validated() {
    let base = std::fs::read_to_string(format!("{}/scenarios/price_spike.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for (bad, field) in [
        ("spikes = [[20, 0.0, 0.02]]", "path.spikes[0]"),
        ("spikes = [[99, 0.9, 0.02]]", "path.spikes[0]"),
        ("spikes = [[20, 0.9, 1.0]]", "path.spikes[0]"),
        ("spikes = [[20, 0.85, 0.02]]\nstale = [[3, 5, 4]]", "path.stale[0]"),
        ("spikes = [[20, 0.85, 0.02]]\nstale = [[5, 3, 1]]", "path.stale[0]"),
    ] {
        let text = base.replace("spikes = [[20, 0.85, 0.02]]", bad);
        let err = Scenario::parse(&text, "t").err().unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(err.to_string().contains(field), "{bad}: {err}");
    }
    let text = base.replace("confidence = 0.001", "confidence = 1.5");
    assert!(Scenario::parse(&text, "t").unwrap_err().to_string().contains("path.confidence"));
    // An unknown base under the suffix is refused.
    let text = base.replace("\"full+guard\"", "\"nope+guard\"");
    assert!(Scenario::parse(&text, "t").unwrap_err().to_string().contains("nope+guard"));
}
