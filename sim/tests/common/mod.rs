//! Shared by the integration tests.
#![allow(dead_code)]

use partliq_sim::scenario::DEFAULT_SCENARIO;

/// The default scenario, shrunk so that a debug build runs it in seconds.
pub fn small(extra: &[(&str, &str)]) -> String {
    let mut s = DEFAULT_SCENARIO.to_string();
    let subs: Vec<(&str, &str)> = vec![
        ("steps = 300", "steps = 80"),
        ("accounts = 20_000", "accounts = 1_200"),
        ("whales = 40", "whales = 6"),
        // The unified accounts' plans are slow in a debug build.
        ("[unified]\naccounts = 20\n", "[unified]\naccounts = 4\n"),
        ("max_rounds = 12", "max_rounds = 6"),
        (
            "points = [[0, 1.0], [30, 1.0], [35, 0.85], [38, 0.84], [48, 0.93], [150, 0.95], [300, 0.96]]",
            "points = [[0, 1.0], [10, 1.0], [15, 0.85], [18, 0.84], [28, 0.93], [80, 0.95]]",
        ),
    ];
    for (a, b) in subs.iter().chain(extra.iter()) {
        assert!(s.contains(a), "the default scenario no longer contains {a:?}");
        s = s.replacen(a, b, 1);
    }
    s
}
