//! The binary: bad scenario files are refused with the field and the line,
//! the help documents every field, runs are deterministic and write the
//! chart and the JSON report.

use std::path::PathBuf;
use std::process::{Command, Output};

mod common;
use common::small;

const BIN: &str = env!("CARGO_BIN_EXE_partliq-sim");

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("partliq-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_file(name: &str, text: &str, extra: &[&str]) -> Output {
    let path = tmp(name);
    std::fs::write(&path, text).unwrap();
    let chart = tmp(&format!("{name}.svg"));
    let mut args = vec!["--scenario", path.to_str().unwrap(), "--quiet", "--chart", chart.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// The 1-based line of the first line of `text` containing `needle` after
/// the line containing `after`.
fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.lines().position(|l| l.contains(after)).unwrap();
    text.lines().enumerate().skip(start).find(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1).unwrap()
}

/// Runs a bad file; asserts exit code 2 and that stderr names the field and
/// the line (`file:LINE: field `FIELD``).
fn refused(name: &str, text: &str, field: &str, line: usize, words: &str) -> String {
    let out = run_file(name, text, &[]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    assert!(out.stdout.is_empty() || !String::from_utf8_lossy(&out.stdout).contains("chart:"), "{name} must not run");
    assert!(err.contains(&format!(":{line}: field `{field}`")), "{name}: expected line {line} and field `{field}` in:\n{err}");
    assert!(err.contains(words), "{name}: expected {words:?} in:\n{err}");
    err
}

#[test]
fn missing_field_names_field_and_line() {
    let text = small(&[("depth_usd = 4_000_000\n", "")]);
    // toml points at the [[markets]] table that lacks it (the second, ETH).
    let eth_header = text.lines().enumerate().filter(|(_, l)| l.starts_with("[[markets]]")).nth(1).map(|(i, _)| i + 1).unwrap();
    refused("missing.toml", &text, "depth_usd", eth_header, "missing field `depth_usd`");
    // A missing top-level field: line 1 of the document.
    let text = small(&[("seed = 20240805\n", "")]);
    let out = run_file("missing_seed.toml", &text, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("missing field `seed`"), "{err}");
}

#[test]
fn negative_depth() {
    let text = small(&[("depth_usd = 1_500_000", "depth_usd = -5")]);
    let line = line_of(&text, "name = \"SOL\"", "depth_usd");
    refused("negative_depth.toml", &text, "markets[2].depth_usd", line, "book depth must be positive, got -5");
}

#[test]
fn leverage_over_the_tier_cap() {
    // A market's generated leverage above its first tier.
    let text = small(&[("leverage_max = 40", "leverage_max = 60")]);
    let line = line_of(&text, "name = \"BTC\"", "leverage_max");
    refused("leverage_max.toml", &text, "markets[0].leverage_max", line, "over the tier cap");
    // An explicit account: 10x on 2 M$ of ETH, whose tier allows 10x up to
    // 10 M$ but 25x only below 500 k$: fine; 12x is over.
    let account = "\n[[accounts]]\ncollateral_usd = 200_000\npositions = [\n  { market = \"ETH\", side = \"long\", leverage = 12 },\n]\n";
    let mut text = small(&[]);
    text.push_str(account);
    let line = line_of(&text, "[[accounts]]", "leverage = 12");
    refused("account_leverage.toml", &text, "accounts[0].positions[0].leverage", line, "a ETH position of 2400000 USD may use at most 10x");
    let ok = text.replace("leverage = 12", "leverage = 9");
    let out = run_file("account_ok.toml", &ok, &["--json", tmp("ok.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn unknown_policy_names() {
    let text = small(&[("\"binance_usdm\", \"partliq_initial\"]", "\"binance\", \"partliq_initial\"]")]);
    let line = line_of(&text, "seed =", "policies = [");
    let err = refused("unknown_policy.toml", &text, "policies[5]", line, "unknown policy name `binance`");
    assert!(err.contains("binance_usdm"), "the message lists the known names: {err}");
    let text = small(&[("base = \"partliq\"", "base = \"partliq_v9\"")]);
    let line = line_of(&text, "[[custom_policies]]", "base =");
    refused("unknown_base.toml", &text, "custom_policies[0].base", line, "unknown policy name `partliq_v9`");
    // Unknown fields and enum values are refused by the parser, with the line.
    let text = small(&[("target = \"initial\"", "target = \"initial_margin\"")]);
    let line = line_of(&text, "[[custom_policies]]", "target =");
    let out = run_file("unknown_variant.toml", &text, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(&format!(":{line}:")) && err.contains("unknown variant `initial_margin`"), "{err}");
    let text = small(&[("lot = 0.01\n", "lot = 0.01\ndepht_usd = 5\n")]);
    let line = line_of(&text, "name = \"SOL\"", "depht_usd");
    let out = run_file("unknown_field.toml", &text, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(&format!(":{line}:")) && err.contains("unknown field `depht_usd`"), "{err}");
}

#[test]
fn unreadable_and_malformed_files() {
    let out = run(&["--scenario", "/nonexistent/partliq.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run_file("malformed.toml", "seed = = 3\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":1:"));
}

#[test]
fn help_documents_every_field() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let fields = [
        "seed",
        "steps",
        "step_seconds",
        "max_rounds",
        "ticks_per_round",
        "main_market",
        "policies",
        "[insurance_fund]",
        "initial_usd",
        "floor_usd",
        "[backstop]",
        "vault_usd",
        "unwind_per_step",
        "unwind_band",
        "[path]",
        "points",
        "noise",
        "[population]",
        "long_fraction",
        "collateral_median_usd",
        "collateral_sigma",
        "leverage_sigma",
        "multi_market_fraction",
        "entry_spread",
        "whales",
        "whale_collateral_usd",
        "[[markets]]",
        "price",
        "lot",
        "beta",
        "weight",
        "depth_usd",
        "impact",
        "resilience",
        "leverage_median",
        "leverage_max",
        "tiers",
        "max_leverage",
        "[[accounts]]",
        "count",
        "collateral_usd",
        "positions",
        "side",
        "leverage",
        "entry",
        "[[custom_policies]]",
        "base",
        "target_buffer",
        "price_band",
        "sizing",
        "order",
        "max_fraction",
        "fraction_threshold_usd",
        "cooldown_seconds",
        "min_notional_usd",
        "max_portion",
        "backstop_fraction",
        "backstop_on_infeasible",
        "liquidation_fee",
        "liquidator_share",
        "dust_floor_usd",
        "close_all",
        "unified_ordering",
        "unified_objective",
        "take_over_bankrupt",
        "[[assets]]",
        "unit",
        "follows",
        "maintenance_asset_weight",
        "initial_liability_weight",
        "liquidation_bonus",
        "insurance_fee",
        "liquidation_tier",
        "[unified]",
        "deposit_median_usd",
        "borrow_asset",
        "perp_fraction",
        "borrow_fraction",
        "perp_usage",
        "borrow_usage",
        "open_orders_fraction",
        "utilization",
        "--scenario",
        "--json",
        "--chart",
        "--quiet",
    ];
    for f in fields {
        assert!(help.contains(f), "--help does not document `{f}`");
    }
    let explain = run(&["--explain-scenario"]);
    assert!(explain.status.success());
    assert!(String::from_utf8_lossy(&explain.stdout).contains("depth_usd"));
    let default = run(&["--print-default-scenario"]);
    assert_eq!(String::from_utf8_lossy(&default.stdout), partliq_sim::scenario::DEFAULT_SCENARIO);
}

#[test]
fn same_json_twice_and_the_outputs() {
    let text = small(&[]);
    let (j1, j2) = (tmp("run1.json"), tmp("run2.json"));
    let a = run_file("det.toml", &text, &["--json", j1.to_str().unwrap(), "--threads", "1"]);
    let b = run_file("det.toml", &text, &["--json", j2.to_str().unwrap(), "--threads", "2"]);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success());
    let (r1, r2) = (std::fs::read_to_string(&j1).unwrap(), std::fs::read_to_string(&j2).unwrap());
    assert_eq!(r1, r2, "same seed, same JSON");
    // The table and the chart's name are printed; the chart is an SVG.
    let stdout = String::from_utf8_lossy(&a.stdout);
    for row in [
        "notional liquidated",
        "accounts closed whole",
        "deepest mark",
        "bad debt",
        "insurance fund low",
        "backstop",
        "deleveraging",
        "unified accounts liquidated",
        "collateral swaps",
        "deficits socialized",
        "equity lost to liquidation",
        "end equity vs no liquidation",
        "exposure retained after liquidation",
        "time to safety p50/p95/max",
        "cascade depth",
    ] {
        assert!(stdout.contains(row), "table row {row:?} missing:\n{stdout}");
    }
    let chart = tmp("det.toml.svg");
    assert!(stdout.contains(&format!("chart: {}", chart.display())));
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("insurance fund") && svg.contains("partliq_initial"));
    // Both sides, as bars, beside it.
    let outcomes = std::fs::read_to_string(tmp("det.toml-outcomes.svg")).unwrap();
    assert!(
        outcomes.starts_with("<svg") && outcomes.contains("equity lost") && outcomes.contains("bad debt") && outcomes.contains("<rect")
    );
    // The JSON has one report per policy with the figures of the table.
    let v: serde_json::Value = serde_json::from_str(&r1).unwrap();
    let policies = v["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 7);
    for p in policies {
        for key in [
            "notional_liquidated",
            "accounts_touched",
            "accounts_closed_whole",
            "bad_debt",
            "fund_low",
            "backstop_transfers",
            "deleveraging_events",
        ] {
            assert!(p[key].is_i64() || p[key].is_u64(), "{key}");
        }
        assert_eq!(p["ledger_checks"].as_u64(), Some(80));
        for key in ["equity_lost", "fees", "shortfall", "vs_no_liquidation", "vs_full_liquidation", "accounts_wiped_out"] {
            assert!(p["user"][key].is_i64() || p["user"][key].is_u64(), "user.{key}");
        }
        for key in ["bad_debt", "fund_drawdown", "backstop_loss", "peak_exposure_below_maintenance", "cascade_depth"] {
            assert!(p["system"][key].is_i64() || p["system"][key].is_u64(), "system.{key}");
        }
        assert!(p["system"]["time_to_safety"]["p95"].is_u64());
    }
    // Another seed changes the run.
    let j3 = tmp("run3.json");
    let c = run_file("det.toml", &text, &["--json", j3.to_str().unwrap(), "--seed", "1"]);
    assert!(c.status.success());
    assert_ne!(std::fs::read_to_string(&j3).unwrap(), r1);
}
