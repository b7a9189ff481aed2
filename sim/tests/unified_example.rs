//! The example scenario's unified accounts: the MEME gap leaves accounts
//! owing more USDC than they hold, the waterfall runs past the small
//! insurance fund to a socialized loss, and every unit stays accounted for;
//! bad values in the `[[assets]]` and `[unified]` sections are refused with
//! the field and its line.

use partliq_sim::scenario::Scenario;
use partliq_sim::{run_policy, World};

const EXAMPLE: &str = include_str!("../scenarios/example.toml");

/// The example with `from` replaced by `to` (once, after the line holding
/// `after`).
fn edited(after: &str, from: &str, to: &str) -> String {
    let start = EXAMPLE.find(&format!("\n{after}")).unwrap_or_else(|| panic!("the example no longer contains {after:?}"));
    let at = start + EXAMPLE[start..].find(from).unwrap_or_else(|| panic!("no {from:?} after {after:?}"));
    format!("{}{}{}", &EXAMPLE[..at], to, &EXAMPLE[at + from.len()..])
}

/// The 1-based line of the first line containing `needle` after the first
/// line starting with `after`.
fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.lines().position(|l| l.starts_with(after)).unwrap();
    text.lines().enumerate().skip(start).find(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1).unwrap()
}

#[test]
fn the_example_reaches_a_socialized_loss_and_balances() {
    let sc = Scenario::parse(EXAMPLE, "example.toml").unwrap_or_else(|e| panic!("{e}"));
    let u = sc.unified.as_ref().expect("the example has unified accounts");
    assert_eq!((u.accounts, sc.assets.len()), (12, 3));
    let world = World::build(&sc).unwrap();
    assert_eq!(world.unified.len(), 12);
    // `partliq` liquidates a bankrupt account leg by leg (it does not take
    // it over whole), so what the account still owes goes to the waterfall.
    let pol = world.policies.iter().find(|p| p.name == "partliq").unwrap();
    let mut steps = 0;
    let report = run_policy(&world, pol, &mut |ledger| {
        // Σ accounts + lenders + liquidators + fund, per asset, never moves;
        // the quote ledger balances.
        assert_eq!(ledger.assets.len(), 3);
        for (now, start) in &ledger.assets {
            assert_eq!(now, start, "step {}: {:?}", ledger.step, ledger.assets);
        }
        assert!(ledger.balanced(), "step {}", ledger.step);
        steps += 1;
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(steps, sc.steps);
    let r = &report.unified;
    // The fund paid what it had, the rest was socialized.
    assert!(r.deficits > 0, "{r:?}");
    assert!(r.deficits_to_fund > 0, "{r:?}");
    assert!(r.deficits_socialized > 0 && r.socialized_losses > 0, "no socialized loss: {r:?}");
    assert!(r.socialized_losses <= r.deficits);
}

#[test]
fn bad_unified_values_name_the_field() {
    for (after, from, to, field, words) in [
        (
            "name = \"ETH\"\nprice = 3_000\nunit",
            "maintenance_asset_weight = 0.8",
            "maintenance_asset_weight = 1.5",
            "assets[1].maintenance_asset_weight",
            "<= 1",
        ),
        (
            "name = \"ETH\"\nprice = 3_000\nunit",
            "initial_asset_weight = 0.75",
            "initial_asset_weight = 0.9",
            "assets[1].initial_asset_weight",
            "(0.9)",
        ),
        (
            "name = \"USDC\"",
            "maintenance_liability_weight = 1.2",
            "maintenance_liability_weight = 0.9",
            "assets[0].maintenance_liability_weight",
            "(0.9)",
        ),
        (
            "name = \"USDC\"",
            "initial_liability_weight = 1.25",
            "initial_liability_weight = 1.1",
            "assets[0].initial_liability_weight",
            "(1.1)",
        ),
        ("name = \"MEME\"", "unit = 0.01", "unit = 0.03", "assets[2].unit", "power of ten"),
        ("name = \"MEME\"", "liquidation_bonus = 0.1", "liquidation_bonus = 0.7", "assets[2].liquidation_bonus", "[0, 0.5]"),
        ("name = \"ETH\"\nprice = 3_000\nunit", "follows = \"ETH\"", "follows = \"SOL\"", "assets[1].follows", "unknown market `SOL`"),
        ("[unified]", "borrow_usage = [0.9, 0.99]", "borrow_usage = [0.9, 1.2]", "unified.borrow_usage", "0 < lo <= hi <= 1"),
        (
            "[unified]",
            "collateral = [\"MEME\", \"ETH\"]",
            "collateral = [\"MEME\", \"DOGE\"]",
            "unified.collateral[1]",
            "unknown asset `DOGE`",
        ),
        ("[unified]", "borrow_asset = \"USDC\"", "borrow_asset = \"DAI\"", "unified.borrow_asset", "unknown asset `DAI`"),
        ("[unified]", "utilization = 0.9", "utilization = 0", "unified.utilization", "(0, 1]"),
        ("[unified]", "perp_fraction = 0.25", "perp_fraction = 1.5", "unified.perp_fraction", "[0, 1]"),
    ] {
        let text = edited(after, from, to);
        let e = Scenario::parse(&text, "bad.toml").map(|_| ()).expect_err(to);
        let key = field.rsplit('.').next().unwrap().split('[').next().unwrap();
        let anchor = after.lines().next().unwrap();
        assert_eq!(e.field, field, "{to}: {e}");
        assert_eq!(e.line, Some(line_of(&text, anchor, key)), "{to}: {e}");
        let shown = e.to_string();
        assert!(
            shown.contains(&format!("bad.toml:{}: field `{field}`", line_of(&text, anchor, key))) && shown.contains(words),
            "{to}: {shown}"
        );
    }
    // A value of the wrong type: the parser names the line.
    let text = edited("[unified]", "accounts = 12", "accounts = \"twelve\"");
    let e = Scenario::parse(&text, "bad.toml").map(|_| ()).expect_err("a string for accounts");
    assert_eq!(e.line, Some(line_of(&text, "[unified]", "\"twelve\"")), "{e}");
}
