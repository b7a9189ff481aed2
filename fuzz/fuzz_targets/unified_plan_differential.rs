//! The unified planner against brute force (Rust API), on small accounts:
//! the quote asset and two collateral assets with arbitrary weights, prices
//! and fees, one perp, a quote borrow. Checks:
//! - every leg kind's least amount reaches the target and one unit less
//!   does not; every leg conserves each unit;
//! - the plan's legs settle in order to its figures and its status is
//!   true (restored means the target is met after them);
//! - when the plan is proven least (the planner's exact search finished),
//!   no combination of a perp reduction and the two swaps, the perp
//!   reduced first or last (the search's two orders), restores for less
//!   of the objective (value liquidated or cost to the account, both
//!   fuzzed).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::*;
use partliq::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    weights: [(u16, u16, u16, u16); 2],
    prices: [u16; 2],
    fees: [(u16, u16); 3],
    imf: u16,
    mark: u8,
    fee: u16,
    band: u16,
    deposits: [u8; 2],
    borrow: u16,
    size: i8,
    cash: i16,
    maintenance_target: bool,
    least_cost: bool,
}

fn surplus(account: &UnifiedAccount<'_>, book: &MarginBook<'_>, target: &Target) -> Option<i128> {
    target_surplus(&unified_pool_health(&account.pool(0).ok()?, book, &MarginLadder::STANDARD).ok()?, target).ok()
}

fuzz_target!(|inp: Input| {
    let weight = |(a, d, l, e): (u16, u16, u16, u16)| {
        let am = 500_000 + u32::from(a) % 500_001;
        let lm = 1_000_000 + u32::from(l) % 300_001;
        Asset::weighted(-2, (Ppm(am - u32::from(d) % (am - 499_999)), Ppm(am)), (Ppm(lm + u32::from(e) % 200_001), Ppm(lm)))
    };
    let assets = [Asset::at_par(0), weight(inp.weights[0]), weight(inp.weights[1])];
    let prices = [Price(1), Price(1 + i64::from(inp.prices[0] % 300)), Price(1 + i64::from(inp.prices[1] % 300))];
    let fees = inp.fees.map(|(b, f)| AssetLiquidationFees { liquidator_bonus: Ppm(u32::from(b) % 100_001), insurance_fee: Ppm(u32::from(f) % 30_001) });
    let im = 20_000 + u32::from(inp.imf) % 180_001;
    let mut market = Market::single_tier(0, 1, 1, Ppm(im), Ppm(im / 2));
    market.liquidation_fee = Ppm(u32::from(inp.fee) % 20_001);
    let markets = [market];
    let mark = 1 + i64::from(inp.mark % 50);
    let marks = [Price(mark)];
    let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
    let size = i64::from(inp.size % 9);
    let balances = [
        AssetBalance { asset_index: 1, amount: i64::from(inp.deposits[0] % 41) },
        AssetBalance { asset_index: 2, amount: i64::from(inp.deposits[1] % 41) },
        AssetBalance { asset_index: 0, amount: -1 - i64::from(inp.borrow % 1_000) },
    ];
    let positions = [PerpPosition::cross(0, Size(size), Quote(-size * mark + i64::from(inp.cash % 400)))];
    let account = UnifiedAccount { balances: &balances, positions: &positions };
    let target = if inp.maintenance_target { Target::MAINTENANCE } else { Target::Initial };
    let terms = LegTerms { asset_fees: &fees, perp_band: Ppm(u32::from(inp.band) % 20_001), target, perp_limit: None };
    let Some(before) = surplus(&account, &book, &target) else { return };

    // Each leg kind: least and conserving.
    for leg in [UnifiedLeg::reduce_perp(0, 0), UnifiedLeg::swap(0, 1, 0), UnifiedLeg::swap(0, 2, 0), UnifiedLeg::deposit_for_loss(0, 1, 0)] {
        let Ok(sized) = size_leg(&account, 0, &book, &terms, &leg) else { continue };
        if let Some(s) = sized.settlement {
            assert!(s.flows.iter().all(LegFlow::conserves), "{s:?}");
        }
        if sized.status == CloseStatus::Restored {
            let s = sized.settlement.unwrap();
            assert!(target_surplus(&s.health_after, &target).unwrap() >= 0);
            if leg.kind != LegKind::ReducePerp && sized.leg.amount > 1 {
                let less = settle_leg(&account, 0, &book, &terms, &sized.leg.with_amount(sized.leg.amount - 1)).unwrap();
                assert!(target_surplus(&less.health_after, &target).unwrap() < 0, "{leg:?} not least");
            }
        }
    }

    // The plan settles to its figures.
    let mut legs = [UnifiedLeg::default(); MAX_PLAN_LEGS];
    let objective = if inp.least_cost { PlanObjective::LeastCost } else { PlanObjective::LeastValue };
    let measure = |s: &LegSettlement| match objective {
        PlanObjective::LeastValue => i128::from(s.value_liquidated.0),
        PlanObjective::LeastCost => i128::from(s.cost_to_account.0.max(0)),
    };
    let Ok(plan) = plan_unified_liquidation(&account, 0, &book, &terms, objective, LegOrdering::Cheapest, &LiquidationTiers::default(), &mut legs)
    else {
        return;
    };
    let mut copy = AccountCopy::of(&account).unwrap();
    let (mut value, mut cost, mut mine) = (0i128, 0i128, 0i128);
    for leg in &legs[..plan.leg_count] {
        let s = settle_leg(&copy.account(), 0, &book, &terms, leg).unwrap();
        assert!(s.flows.iter().all(LegFlow::conserves));
        value += i128::from(s.value_liquidated.0);
        cost += i128::from(s.cost_to_account.0);
        mine += measure(&s);
        copy.apply(&s).unwrap();
    }
    assert_eq!((value, cost), (i128::from(plan.value_liquidated.0), i128::from(plan.cost_to_account.0)));
    let after = surplus(&copy.account(), &book, &target).unwrap();
    match plan.status {
        CloseStatus::AlreadySafe => assert!(before >= 0 && plan.leg_count == 0 && plan.proven_least),
        CloseStatus::Restored => assert!(after >= 0),
        CloseStatus::Infeasible => assert!(after < 0 && !plan.proven_least),
    }

    // Brute force, the perp first or last: never cheaper than a proven plan.
    if !plan.proven_least || plan.status != CloseStatus::Restored {
        return;
    }
    let apply = |amounts: [i64; 3], perp_last: bool| -> Option<(i128, i128)> {
        let mut a = AccountCopy::of(&account).unwrap();
        let mut m = 0i128;
        let mut legs = [UnifiedLeg::reduce_perp(0, amounts[0]), UnifiedLeg::swap(0, 1, amounts[1]), UnifiedLeg::swap(0, 2, amounts[2])];
        if perp_last {
            legs.rotate_left(1);
        }
        for leg in legs.iter().filter(|l| l.amount > 0) {
            let s = settle_leg(&a.account(), 0, &book, &terms, leg).ok()?;
            m += measure(&s);
            a.apply(&s).unwrap();
        }
        Some((m, surplus(&a.account(), &book, &target)?))
    };
    for x in 0..=size.abs() {
        for r1 in 0..=i64::from(inp.deposits[0] % 41) * 3 + 3 {
            for r2 in 0..=i64::from(inp.deposits[1] % 41) * 3 + 3 {
                for perp_last in [false, true] {
                    if let Some((m, s)) = apply([x, r1, r2], perp_last) {
                        assert!(
                            !(s >= 0 && m < mine),
                            "[{x}, {r1}, {r2}] (perp last: {perp_last}) restores for {m}; the proven plan {:?} costs {mine}",
                            &legs[..plan.leg_count]
                        );
                    }
                }
            }
        }
    }
});
