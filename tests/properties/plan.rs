//! Plan properties: plans are consistent in every order, and the pro-rata
//! fraction is the least against brute force.

use partliq::{limit_price, plan_liquidation, PlanLeg, PlanOrder, PlanParams, PlanStatus, Position, Price, Quote, Size};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::scenario::*;
use crate::support::{ceil_div, close_cash, close_fee, floor_div};

// ---------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------

fn check_plan(s: &Scn, order: PlanOrder) -> Result<&'static str, TestCaseError> {
    let params = PlanParams { target: s.target, price_band: s.band, order };
    let n = s.positions.len();
    let sentinel =
        PlanLeg { position_index: 999, size_delta: Size(7), limit_price: Price(7), expected_cash: Quote(7), expected_fee: Quote(7) };
    let mut legs = vec![sentinel; n + 2];
    let p = plan_liquidation(&s.pool(), &s.markets, &s.prices, &params, &mut legs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    prop_assert!(p.leg_count <= n);
    prop_assert!(legs[p.leg_count..].iter().all(|l| *l == sentinel), "wrote past leg_count");
    prop_assert_eq!(p.health_before, s.health_of(&s.positions));
    let mut after = s.positions.clone();
    let mut seen = vec![false; n];
    for leg in &legs[..p.leg_count] {
        let i = leg.position_index as usize;
        prop_assert!(i < n && !seen[i], "bad or repeated position index {}", i);
        seen[i] = true;
        let pos = s.positions[i];
        let m = s.market_of(i);
        let size = i128::from(pos.size.0);
        let delta = i128::from(leg.size_delta.0);
        prop_assert!(delta != 0 && delta.signum() == -size.signum(), "leg on the wrong side: {:?}", leg);
        prop_assert!(delta.abs() <= size.abs(), "leg larger than its position: {:?}", leg);
        let step = i128::from(m.lot_step.0);
        prop_assert!(delta % step == 0 || delta.abs() == size.abs(), "leg off the lot grid: {:?}", leg);
        // Limit price: the public limit_price, on the tick grid, between the
        // band price and the mark (at least one tick).
        let limit = i128::from(leg.limit_price.0);
        let tick = i128::from(m.tick.0);
        let mark = s.mark_of(i);
        prop_assert_eq!(leg.limit_price, limit_price(&s.pool(), &s.markets, &s.prices, i, s.band).unwrap());
        prop_assert!(limit > 0 && limit % tick == 0, "limit {} off the tick grid {}", limit, tick);
        let b = i128::from(s.band.0);
        if size > 0 {
            let band_px = floor_div(floor_div(mark * (1_000_000 - b), 1_000_000), tick) * tick;
            prop_assert!(limit >= band_px, "long limit {} below the band price {}", limit, band_px);
            prop_assert!(limit <= mark || limit == tick, "long limit {} above the mark {}", limit, mark);
        } else {
            let band_px = ceil_div(ceil_div(mark * (1_000_000 + b), 1_000_000), tick) * tick;
            prop_assert!(limit <= band_px, "short limit {} above the band price {}", limit, band_px);
            prop_assert!(limit >= mark, "short limit {} below the mark {}", limit, mark);
        }
        let sigma = size.signum();
        prop_assert_eq!(i128::from(leg.expected_cash.0), close_cash(m, sigma, delta.abs(), limit));
        prop_assert_eq!(i128::from(leg.expected_fee.0), close_fee(m, delta.abs(), limit));
        after[i].size.0 += leg.size_delta.0;
        after[i].quote_balance.0 += leg.expected_cash.0 - leg.expected_fee.0;
        prop_assert!(after[i].size.0 == 0 || after[i].size.0.signum() == pos.size.0.signum(), "leg flips the position");
    }
    let h = s.health_of(&after);
    prop_assert_eq!(p.health_after, h);
    if order != PlanOrder::ProRata && p.status == PlanStatus::Restored && p.leg_count >= 2 {
        // Ordered plans stop at the first leg that restores the target: all
        // legs but the last do not.
        let mut prefix = s.positions.clone();
        for leg in &legs[..p.leg_count - 1] {
            let i = leg.position_index as usize;
            prefix[i].size.0 += leg.size_delta.0;
            prefix[i].quote_balance.0 += leg.expected_cash.0 - leg.expected_fee.0;
        }
        prop_assert!(s.surplus_of(&prefix) < 0, "the plan went on after a leg restored the target");
    }
    let req = s.target.required_equity(&h).unwrap();
    prop_assert_eq!(p.required_equity_after, req);
    let surplus = i128::from(h.equity.0) - i128::from(req.0);
    prop_assert_eq!(i128::from(p.shortfall.0), (-surplus).max(0));
    let before = s.surplus_of(&s.positions);
    Ok(match p.status {
        PlanStatus::AlreadySafe => {
            prop_assert!(before >= 0 && p.leg_count == 0);
            "safe"
        }
        PlanStatus::Restored => {
            prop_assert!(before < 0 && surplus >= 0, "restored but surplus {}", surplus);
            prop_assert!(p.leg_count > 0);
            "restored"
        }
        PlanStatus::Infeasible => {
            prop_assert!(before < 0 && surplus < 0, "infeasible but surplus {}", surplus);
            "infeasible"
        }
    })
}

/// For every order: `health_after` equals the pool health recomputed with
/// every leg applied; Restored ⇔ the target is met after; legs are on the
/// position's closing side, at most the position, on the lot grid, never
/// flip, one per position at most, nothing written past `leg_count`; limit
/// prices equal `limit_price`, lie on the tick grid and between the band
/// price and the mark (a long's limit may exceed a mark below one tick: the
/// documented "at least one tick"); each leg's cash and fee are the
/// documented roundings at its limit price.
#[test]
fn plans_are_consistent_in_every_order() {
    for order in [PlanOrder::LargestMaintenanceFirst, PlanOrder::BestReleasePerCostFirst, PlanOrder::ProRata] {
        let t = run(3_000, scenario(), move |s| check_plan(&s, order));
        assert_share(&t, "restored", 250);
        assert_share(&t, "infeasible", 20);
        assert_share(&t, "safe", 20);
    }
}

/// Pro rata closes the least fraction φ (ppm) of every position that
/// restores the target. Brute force: the legs only change where some
/// position's units do; the least restoring φ is among those points (and 1). Each position's units at φ: the
/// fraction rounded up, up to the lot step, the dust rule; closed at the
/// position's limit price. The plan's legs must be exactly those. (A
/// position's units are `min(step × ceil(u × φ / (1e6 × step)), u)`, so they
/// change only at `φ = floor(j × 1e6 × step / u) + 1`.)
fn check_pro_rata(s: &Scn) -> Result<&'static str, TestCaseError> {
    let params = PlanParams { target: s.target, price_band: s.band, order: PlanOrder::ProRata };
    let n = s.positions.len();
    let mut legs = vec![PlanLeg::default(); n];
    let p = plan_liquidation(&s.pool(), &s.markets, &s.prices, &params, &mut legs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    if s.surplus_of(&s.positions) >= 0 {
        return Ok("safe");
    }
    let limits: Vec<i128> =
        (0..n)
            .map(|i| {
                if s.positions[i].size.0 == 0 {
                    0
                } else {
                    i128::from(limit_price(&s.pool(), &s.markets, &s.prices, i, s.band).unwrap().0)
                }
            })
            .collect();
    let units_at = |i: usize, phi: i128| -> i128 {
        let u = i128::from(s.positions[i].size.0).abs();
        let step = i128::from(s.market_of(i).lot_step.0);
        let want = (u * phi + 999_999) / 1_000_000;
        let units = (((want + step - 1) / step) * step).min(u);
        if units > 0 {
            s.dust_adjusted(i, units)
        } else {
            0
        }
    };
    let after = |phi: i128| -> Vec<Position> {
        let mut ps = s.positions.clone();
        for i in 0..n {
            let x = units_at(i, phi);
            if x > 0 {
                let one = s.closed(i, x, limits[i]);
                ps[i] = one[i];
            }
        }
        ps
    };
    let mut candidates: Vec<i128> = vec![1];
    for (i, pos) in s.positions.iter().enumerate() {
        let u = i128::from(pos.size.0).abs();
        let step = i128::from(s.market_of(i).lot_step.0);
        if u == 0 {
            continue;
        }
        for j in 0..=(u + step - 1) / step {
            candidates.push(j * 1_000_000 * step / u + 1);
        }
    }
    candidates.retain(|&c| (1..=1_000_000).contains(&c));
    candidates.sort_unstable();
    candidates.dedup();
    let least = candidates.into_iter().find(|&phi| s.surplus_of(&after(phi)) >= 0);
    let Some(phi) = least else {
        // No fraction restores: the planner falls back to an ordered plan.
        return Ok("no-fraction");
    };
    prop_assert_eq!(p.status, PlanStatus::Restored);
    let mut got = vec![0i128; n];
    for leg in &legs[..p.leg_count] {
        got[leg.position_index as usize] = i128::from(leg.size_delta.0).abs();
    }
    let want: Vec<i128> = (0..n).map(|i| if s.positions[i].size.0 == 0 { 0 } else { units_at(i, phi) }).collect();
    prop_assert_eq!(got, want, "least restoring fraction {} ppm", phi);
    Ok("restored")
}

#[test]
fn pro_rata_fraction_is_least_against_brute_force() {
    let t = run(1_000, scenario(), |s| check_pro_rata(&s));
    assert_share(&t, "restored", 200);
}
