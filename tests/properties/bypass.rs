//! The emergency bypass: with it, no pool whose equity is below the bypass
//! fraction of maintenance is left capped — every call on such a pool either
//! closes uncapped (`EmergencyBypass`), or escalates (backstop, takeover),
//! never `StepCapped`, `BlockLimitReached` or `CapacityExhausted`; and the
//! uncapped legs restore the target whenever the plan without any step rule
//! does.

use partliq::*;
use proptest::prelude::*;

/// Exponent 0, lot `lot`, tick 1, 10 % / 5 %, fee `fee` ppm.
fn market(lot: i64, fee: u32) -> Market {
    let mut m = Market::single_tier(0, lot, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(fee);
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn below_the_fraction_nothing_stays_capped(
        sizes in proptest::collection::vec((1i64..5_000, any::<bool>()), 1..4),
        lot in 1i64..20,
        fee in 0u32..20_000,
        equity_share in -300i64..1_000,
        fraction in (1u32..99, 100u32..101),
        max_notional in 0i64..5_000,
        max_fraction in 0u32..500_000,
        capacity in 0i64..5_000,
        maxed in any::<bool>(),
        backstop in any::<bool>(),
        used in 0i64..6_000,
    ) {
        let markets: Vec<Market> = sizes.iter().map(|_| market(lot, fee)).collect();
        let prices: Vec<Price> = sizes.iter().map(|_| Price(100)).collect();
        // Each position's units rounded to the lot; value at 100, maintenance 5 %.
        let positions: Vec<Position> = sizes
            .iter()
            .enumerate()
            .map(|(i, (u, long))| {
                let units = (u / lot).max(1) * lot;
                Position { market_index: i as u32, size: Size(if *long { units } else { -units }), quote_balance: Quote(0) }
            })
            .collect();
        let maintenance: i64 = positions.iter().map(|p| p.size.0.abs() * 100 / 20).sum();
        // Collateral puts equity at equity_share / 1,000 of maintenance.
        let target_equity = maintenance * equity_share / 1_000;
        let notional_value: i64 = positions.iter().map(|p| p.size.0 * 100).sum();
        let pool_positions: Vec<Position> = positions.clone();
        let collateral = Quote(target_equity - notional_value);
        let pool = Pool::new(collateral, &pool_positions);
        let h = pool_health(&pool, &markets, &prices).unwrap();
        let (equity, maint) = (i128::from(h.equity.0), i128::from(h.maintenance_requirement.0));
        let (n, d) = fraction;
        let policy = Policy {
            sizing: if maxed { SizingMode::MaxAllowed } else { SizingMode::Minimal },
            fraction_cap: FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(max_fraction), cooldown: 0 },
            block_limits: BlockLimits { max_notional: Quote(max_notional), max_insurance_loss: Quote(i64::MAX) },
            window_capacity: WindowCapacity { capacity: Quote(capacity), window: 60 },
            escalation: EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: backstop },
            emergency_bypass: EmergencyBypass { below_fraction: Fraction::new(n, d), project: false, adverse_move: Ppm(0) },
            ..Policy::default()
        };
        let mut st = AccountLiquidationState { block: 1, block_notional: Quote(used), ..Default::default() };
        let mut states = vec![MarketCapacityState { window_start: 0, used: Quote(used) }; markets.len()];
        let mut legs = vec![PlanLeg::default(); positions.len()];
        let dec = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut states, 10, 1, &mut legs).unwrap();
        let below = maint > 0 && equity * i128::from(d) < maint * i128::from(n);
        if below && h.state != HealthState::Healthy {
            prop_assert!(
                !matches!(dec.reason, Reason::StepCapped | Reason::BlockLimitReached | Reason::CapacityExhausted),
                "left capped: {dec:?}"
            );
            if dec.action == Action::Liquidate {
                prop_assert_eq!(dec.reason, Reason::EmergencyBypass);
            }
            // Whenever the plan without any step rule restores the target,
            // the bypass's legs do too.
            let mut free = vec![PlanLeg::default(); positions.len()];
            let params = PlanParams { target: policy.target, price_band: policy.price_band, order: policy.order };
            let p = plan_liquidation(&pool, &markets, &prices, &params, &mut free).unwrap();
            if p.status == PlanStatus::Restored {
                prop_assert_eq!((dec.action, dec.plan.status), (Action::Liquidate, PlanStatus::Restored));
                prop_assert_eq!(&legs[..dec.plan.leg_count], &free[..p.leg_count]);
            }
        }
    }
}
