//! Unified accounts in the simulator: a BTC crash makes borrowers'
//! collateral swaps, every asset is conserved at every step, and the
//! reports carry the leg kinds.

use partliq_sim::scenario::Scenario;
use partliq_sim::{run_all, run_policy, World};

mod common;
use common::small;

/// One BTC market and no perp accounts; 12 unified accounts borrowing
/// USDC against BTC deposits; BTC falls 30 % over ten steps (no noise,
/// no impact): the borrows breach maintenance and collateral swaps repay
/// them.
const BORROWERS: &str = r#"
name = "unified borrowers"
seed = 11
steps = 16
step_seconds = 60
max_rounds = 2
ticks_per_round = 3
main_market = "BTC"
policies = ["partliq", "hyperliquid"]

[insurance_fund]
initial_usd = 100_000

[backstop]
vault_usd = 1_000_000

[path]
points = [[0, 1.0], [2, 1.0], [12, 0.7], [16, 0.7]]

[population]
accounts = 0
long_fraction = 0.5
collateral_median_usd = 1_000
collateral_sigma = 0.0
leverage_sigma = 0.0

[[markets]]
name = "BTC"
price = 60_000
lot = 0.00001
weight = 1.0
depth_usd = 50_000_000
impact = 0.0
resilience = 0.5
leverage_median = 2
leverage_max = 10
tiers = [{ floor_usd = 0, max_leverage = 20 }]

[[assets]]
name = "USDC"
price = 1.0
unit = 0.01
initial_liability_weight = 1.25
maintenance_liability_weight = 1.2
liquidation_bonus = 0.02
insurance_fee = 0.005

[[assets]]
name = "BTC"
price = 60_000
unit = 0.00001
follows = "BTC"
initial_asset_weight = 0.75
maintenance_asset_weight = 0.8
initial_liability_weight = 1.3
maintenance_liability_weight = 1.25
liquidation_bonus = 0.04
insurance_fee = 0.01

[unified]
accounts = 12
deposit_median_usd = 10_000
deposit_sigma = 0.5
collateral = ["BTC"]
borrow_asset = "USDC"
borrow_fraction = 1.0
borrow_usage = [0.85, 0.99]
"#;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_btc_crash_swaps_collateral_and_conserves_every_asset() {
    let sc = parse(BORROWERS);
    let world = World::build(&sc).unwrap();
    assert_eq!(world.unified.len(), 12);
    // Every account opened with a BTC deposit and a USDC borrow.
    assert!(world
        .unified
        .iter()
        .all(|u| u.balances.iter().any(|b| b.asset_index == 1 && b.amount > 0)
            && u.balances.iter().any(|b| b.asset_index == 0 && b.amount < 0)));
    // The outside lenders hold the borrows over the utilization (0.8).
    let borrowed: i64 = world.unified.iter().flat_map(|u| &u.balances).filter(|b| b.amount < 0).map(|b| -b.amount).sum();
    assert_eq!(world.lenders[0], (borrowed as f64 / 0.8).ceil() as i64);
    for pol in &world.policies {
        let mut steps = 0;
        let report = run_policy(&world, pol, &mut |ledger| {
            // Σ accounts + lenders + liquidators + fund, per asset, never moves.
            assert_eq!(ledger.assets.len(), 2);
            for (now, start) in &ledger.assets {
                assert_eq!(now, start, "{} step {}: {:?}", pol.name, ledger.step, ledger.assets);
            }
            assert!(ledger.balanced(), "{} step {}", pol.name, ledger.step);
            steps += 1;
        })
        .unwrap_or_else(|e| panic!("{}: {e}", pol.name));
        assert_eq!(steps, 16);
        let u = &report.unified;
        assert!(u.collateral_swaps.count > 0, "{}: no collateral swap: {u:?}", pol.name);
        // Borrows alone: no perp leg, no PnL leg.
        assert_eq!((u.perp_reductions.count, u.pnl_for_borrow.count, u.deposit_for_loss.count), (0, 0, 0), "{}", pol.name);
        // The liquidators paid USDC in and took BTC out; the fund took its
        // fee in both (the fee of the repaid USDC and of the BTC taken).
        assert!(u.liquidator_holdings[0] < 0 && u.liquidator_holdings[1] > 0, "{:?}", u.liquidator_holdings);
        assert!(u.fund_holdings[1] > 0, "{:?}", u.fund_holdings);
        // Each swap costs its bonus and fee: more than nothing, far less
        // than the value taken (bonus 2 % and 4 %, fees 0.5 % and 1 %:
        // (1.025 × 1.05 − 1) / (1.025 × 1.05) ≈ 7.1 % of the BTC taken).
        assert!(u.cost_to_users > 0 && u.cost_to_users * 100 < u.value_liquidated * 8, "{u:?}");
        assert_eq!(u.value_liquidated, u.collateral_swaps.value_liquidated);
        assert!(u.accounts_liquidated > 0 && u.accounts_liquidated <= 12);
    }
}

#[test]
fn a_perp_backed_by_btc_is_reduced_or_its_loss_taken_for_a_deposit() {
    // The same accounts holding a long BTC perp on their deposits instead
    // of a borrow: the crash hits the deposit and the perp together.
    let text = BORROWERS
        .replace("borrow_fraction = 1.0", "borrow_fraction = 0.0\nperp_fraction = 1.0\nlong_fraction = 1.0\nperp_usage = [0.5, 0.9]")
        .replace("impact = 0.0", "impact = 0.002")
        // Fewer accounts and one policy: these plans are slow in a debug build.
        .replace("accounts = 12", "accounts = 5")
        .replace(r#"policies = ["partliq", "hyperliquid"]"#, r#"policies = ["partliq"]"#);
    let world = World::build(&parse(&text)).unwrap();
    assert!(world.unified.iter().all(|u| u.positions.len() == 1 && u.positions[0].size.0 > 0));
    let report = run_all(&world, 1, &|| {}).unwrap();
    assert_eq!(report.policies.len(), 1);
    for p in &report.policies {
        let u = &p.unified;
        assert!(u.perp_reductions.count + u.deposit_for_loss.count + u.takeovers > 0, "{}: {u:?}", p.policy);
        assert_eq!((u.collateral_swaps.count, u.pnl_for_borrow.count), (0, 0), "{}", p.policy);
        let kinds = u.perp_reductions.value_liquidated + u.deposit_for_loss.value_liquidated;
        assert_eq!(u.value_liquidated, kinds);
    }
}

#[test]
fn the_shrunk_default_reports_the_unified_rows() {
    let sc = parse(&small(&[]));
    assert!(sc.unified.as_ref().is_some_and(|u| u.accounts > 0));
    let world = World::build(&sc).unwrap();
    let report = run_all(&world, 2, &|| {}).unwrap();
    assert_eq!(report.unified_accounts, world.unified.len());
    assert_eq!(report.assets.len(), 3);
    let table = report.table();
    for row in [
        "unified accounts liquidated",
        "perp reductions",
        "collateral swaps",
        "PnL for borrow",
        "deposit for loss",
        "value liquidated ($)",
        "cost to users ($)",
        "taken over by the fund",
        "deficits paid by the fund ($)",
        "deficits socialized ($)",
    ] {
        assert!(table.contains(row), "row {row:?} missing:\n{table}");
    }
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    for p in json["policies"].as_array().unwrap() {
        for key in ["perp_reductions", "collateral_swaps", "pnl_for_borrow", "deposit_for_loss"] {
            assert!(p["unified"][key]["count"].is_u64(), "{key}");
        }
        for key in ["value_liquidated", "cost_to_users", "deficits_to_fund", "deficits_socialized", "bad_debt"] {
            assert!(p["unified"][key].is_i64() || p["unified"][key].is_u64(), "{key}");
        }
    }
}
