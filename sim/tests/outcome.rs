//! Both sides of a run: the users' figures against the counterfactuals on
//! the same path, and the system's.

use partliq_sim::outcome::{no_liquidation, Durations};
use partliq_sim::scenario::Scenario;
use partliq_sim::{run_all, World};

mod common;
use common::small;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"))
}

/// The small default with a few policies and the `none` counterfactual.
fn report(extra: &[(&str, &str)], policies: &[&str]) -> partliq_sim::Report {
    let mut sc = parse(&small(extra));
    sc.policies = policies.iter().map(|s| s.to_string()).collect();
    run_all(&World::build(&sc).unwrap(), 2, &|| {}).unwrap()
}

#[test]
fn a_policy_that_never_liquidates_costs_users_nothing_and_is_the_counterfactual() {
    let r = report(&[], &["none", "partliq", "full"]);
    let none = &r.policies[0];
    let u = &none.user;
    assert_eq!((u.equity_lost, u.fees, u.shortfall, u.seized, u.relief), (0, 0, 0, 0, 0));
    assert_eq!((u.accounts_liquidated, none.notional_liquidated, none.system.bad_debt), (0, 0, 0));
    // Its end equity is the no-liquidation counterfactual, account by account.
    assert_eq!(u.end_equity, u.end_equity_no_liquidation);
    assert_eq!((u.vs_no_liquidation, u.accounts_worse_than_no_liquidation), (0, 0));
    let world = World::build(&parse(&small(&[]))).unwrap();
    let cf = no_liquidation(&world);
    for (o, (e, x)) in none.outcomes.iter().zip(&cf) {
        assert_eq!((o.end_equity, o.end_exposure), (*e, *x));
    }
    // Nothing is liquidated, but the crash leaves accounts under water:
    // time below maintenance and exposure below maintenance are still seen.
    assert!(u.account_seconds_below_maintenance > 0 && none.system.peak_exposure_below_maintenance > 0);
    assert_eq!(none.system.time_to_safety, Durations::default());
    // The others liquidate, and users pay for it.
    for p in &r.policies[1..] {
        assert!(p.user.equity_lost > 0 && p.user.fees > 0, "{}", p.policy);
        assert!(p.user.accounts_liquidated > 0 && p.system.time_to_safety.count > 0, "{}", p.policy);
    }
    // `full` is its own full-liquidation counterfactual.
    assert_eq!(r.policies[2].user.end_equity, r.policies[2].user.end_equity_full_liquidation);
    assert_eq!(r.policies[2].user.vs_full_liquidation, 0);
}

#[test]
fn user_losses_add_up_with_the_system_ledger() {
    let r = report(&[], &["full", "partliq", "hyperliquid", "dydx_v4", "binance_usdm", "partliq_initial"]);
    for p in &r.policies {
        let u = &p.user;
        // Every fee a user paid went to a liquidator or the fund (the
        // margin accounts' fills; deleveraging charges none).
        assert_eq!(u.fees, p.fees_to_fund + p.fees_to_liquidators, "{}", p.policy);
        // The parts add up to the whole, account by account.
        let lost: i128 = p.outcomes.iter().map(|o| o.fees + o.shortfall + o.seized - o.relief).sum();
        assert_eq!(i128::from(u.equity_lost), lost, "{}", p.policy);
        // Without deleveraging, what users did not pay is the bad debt.
        if p.deleveraging_events == 0 {
            assert_eq!(u.relief, p.system.bad_debt, "{}", p.policy);
        }
        // The fund's drawdown is its start minus its low.
        assert_eq!(p.system.fund_drawdown, r.insurance_fund_start - p.fund_low, "{}", p.policy);
        let t = &p.system.time_to_safety;
        assert!(t.p50 <= t.p95 && t.p95 <= t.max, "{}: {t:?}", p.policy);
        assert!(p.system.cascade_depth >= 1, "{}", p.policy);
    }
    // Partial liquidation keeps some of the exposure; full keeps less.
    let (full, part) = (&r.policies[0].user, &r.policies[1].user);
    assert!(part.exposure_retained_ppm > full.exposure_retained_ppm, "{} vs {}", part.exposure_retained_ppm, full.exposure_retained_ppm);
}

#[test]
fn full_liquidation_retains_no_exposure_when_the_book_takes_everything() {
    // No impact and a gentle path: every full close fills whole.
    let r = report(
        &[
            ("impact = 0.01\nresilience = 0.25\nleverage_median = 6", "impact = 0.0\nresilience = 0.25\nleverage_median = 6"),
            ("impact = 0.01\nresilience = 0.25\nleverage_median = 5", "impact = 0.0\nresilience = 0.25\nleverage_median = 5"),
            ("impact = 0.01\nresilience = 0.2", "impact = 0.0\nresilience = 0.2"),
            ("noise = 0.002", "noise = 0.0"),
        ],
        &["full", "partliq"],
    );
    let full = &r.policies[0];
    assert!(full.user.accounts_liquidated > 0);
    assert_eq!((full.user.exposure_retained, full.user.exposure_retained_ppm), (0, 0));
    assert!(r.policies[1].user.exposure_retained > 0);
    // No impact: fills at the mark, so the shortfall is the band and
    // rounding only, and the book's impact cost is what fills paid below
    // the mark (never negative for a sell at or below it).
    assert_eq!(full.system.worst_impact_ppm, 0);
}

#[test]
fn durations_use_the_nearest_rank() {
    // 1..=20: p50 is the 10th value, p95 the 19th.
    let mut v: Vec<u64> = (1..=20).rev().collect();
    assert_eq!(Durations::of(&mut v), Durations { count: 20, p50: 10, p95: 19, max: 20 });
    assert_eq!(Durations::of(&mut []), Durations::default());
    assert_eq!(Durations::of(&mut [7]), Durations { count: 1, p50: 7, p95: 7, max: 7 });
}
