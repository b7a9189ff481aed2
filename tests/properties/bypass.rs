//! The emergency bypass: with it, no pool whose equity is below the bypass
//! fraction of maintenance is left capped — every call on such a pool either
//! closes uncapped (`EmergencyBypass`), or escalates (backstop, takeover),
//! never `StepCapped`, `BlockLimitReached` or `CapacityExhausted`; and the
//! uncapped legs restore the target whenever the plan without any step rule
//! does. Not vacuous: the cases where the bypass fired and the same call
//! without it would have been capped are counted and must be a fifth of
//! the cases at least. The unified pipeline honours the bypass exactly as
//! the pipeline does (it is the pipeline on the pool's perp view).

use partliq::*;
use proptest::prelude::*;

/// Exponent 0, lot `lot`, tick 1, 10 % / 5 %, fee `fee` ppm.
fn market(lot: i64, fee: u32) -> Market {
    let mut m = Market::single_tier(0, lot, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(fee);
    m
}

/// The generated pool and policy of one case.
#[derive(Debug, Clone)]
struct Case {
    sizes: Vec<(i64, bool)>,
    lot: i64,
    fee: u32,
    equity_share: i64,
    fraction: (u32, u32),
    max_notional: i64,
    max_fraction: u32,
    capacity: i64,
    maxed: bool,
    backstop: bool,
    used: i64,
}

/// Equity between −30 % and 100 % of maintenance (mostly below the
/// bypass fraction, drawn 1..99 %), caps that bind: a fraction cap of at
/// most 50 %, block and window budgets of at most 5,000 with up to 6,000
/// already used.
fn cases() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec((1i64..5_000, any::<bool>()), 1..4),
        1i64..20,
        0u32..20_000,
        -300i64..1_000,
        (1u32..99, 100u32..101),
        (0i64..5_000, 0u32..500_000, 0i64..5_000),
        (any::<bool>(), any::<bool>(), 0i64..6_000),
    )
        .prop_map(|(sizes, lot, fee, equity_share, fraction, (max_notional, max_fraction, capacity), (maxed, backstop, used))| Case {
            sizes,
            lot,
            fee,
            equity_share,
            fraction,
            max_notional,
            max_fraction,
            capacity,
            maxed,
            backstop,
            used,
        })
}

impl Case {
    /// Markets, marks (100), positions (each rounded to the lot) and the
    /// collateral that puts equity at `equity_share` ‰ of maintenance.
    fn pool(&self) -> (Vec<Market>, Vec<Price>, Vec<Position>, Quote) {
        let markets: Vec<Market> = self.sizes.iter().map(|_| market(self.lot, self.fee)).collect();
        let prices: Vec<Price> = self.sizes.iter().map(|_| Price(100)).collect();
        let positions: Vec<Position> = self
            .sizes
            .iter()
            .enumerate()
            .map(|(i, (u, long))| {
                let units = (u / self.lot).max(1) * self.lot;
                Position { market_index: i as u32, size: Size(if *long { units } else { -units }), quote_balance: Quote(0) }
            })
            .collect();
        let maintenance: i64 = positions.iter().map(|p| p.size.0.abs() * 100 / 20).sum();
        let target_equity = maintenance * self.equity_share / 1_000;
        let notional_value: i64 = positions.iter().map(|p| p.size.0 * 100).sum();
        (markets, prices, positions, Quote(target_equity - notional_value))
    }

    /// The capped policy with `bypass`.
    fn policy(&self, bypass: EmergencyBypass) -> Policy {
        Policy {
            sizing: if self.maxed { SizingMode::MaxAllowed } else { SizingMode::Minimal },
            fraction_cap: FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(self.max_fraction), cooldown: 0 },
            block_limits: BlockLimits { max_notional: Quote(self.max_notional), max_insurance_loss: Quote(i64::MAX) },
            window_capacity: WindowCapacity { capacity: Quote(self.capacity), window: 60 },
            escalation: EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: self.backstop },
            emergency_bypass: bypass,
            ..Policy::default()
        }
    }

    fn bypass(&self) -> EmergencyBypass {
        EmergencyBypass { below_fraction: Fraction::new(self.fraction.0, self.fraction.1), project: false, adverse_move: Ppm(0) }
    }

    /// One call in block 1 with `used` already booked to the block and
    /// every window; the decision and the legs.
    fn run(&self, pool: &Pool<'_>, markets: &[Market], prices: &[Price], policy: &Policy) -> (Decision, Vec<PlanLeg>) {
        let mut st = AccountLiquidationState { block: 1, block_notional: Quote(self.used), ..Default::default() };
        let mut states = vec![MarketCapacityState { window_start: 0, used: Quote(self.used) }; markets.len()];
        let mut legs = vec![PlanLeg::default(); pool.positions.len()];
        let dec = run_pipeline(pool, markets, prices, policy, &mut st, &mut states, 10, 1, &mut legs).unwrap();
        (dec, legs)
    }
}

fn is_capped(reason: Reason) -> bool {
    matches!(reason, Reason::StepCapped | Reason::BlockLimitReached | Reason::CapacityExhausted)
}

/// Below the bypass fraction nothing stays capped, and the bypass's legs
/// restore the target whenever the plan without any step rule does; at
/// least a fifth of the cases are ones where the bypass fired and the same
/// call without it was capped.
#[test]
fn below_the_fraction_nothing_stays_capped() {
    const CASES: u32 = 2_000;
    let bound = std::cell::Cell::new(0u32);
    let config = ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = crate::support::fixed_runner(config);
    runner
        .run(&cases(), |case| {
            let (markets, prices, positions, collateral) = case.pool();
            let pool = Pool::new(collateral, &positions);
            let h = pool_health(&pool, &markets, &prices).unwrap();
            let (equity, maint) = (i128::from(h.equity.0), i128::from(h.maintenance_requirement.0));
            let (n, d) = case.fraction;
            let policy = case.policy(case.bypass());
            let (dec, legs) = case.run(&pool, &markets, &prices, &policy);
            let below = maint > 0 && equity * i128::from(d) < maint * i128::from(n);
            // The bypass fires only below the fraction (no projection here).
            if dec.reason == Reason::EmergencyBypass {
                prop_assert!(below && h.state != HealthState::Healthy);
            }
            if below && h.state != HealthState::Healthy {
                prop_assert!(!is_capped(dec.reason), "left capped: {dec:?}");
                if dec.action == Action::Liquidate {
                    prop_assert_eq!(dec.reason, Reason::EmergencyBypass);
                }
                // The same call without the bypass: was a cap binding?
                let (off, _) = case.run(&pool, &markets, &prices, &case.policy(EmergencyBypass::OFF));
                if dec.reason == Reason::EmergencyBypass && is_capped(off.reason) {
                    bound.set(bound.get() + 1);
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
            Ok(())
        })
        .unwrap();
    assert!(bound.get() * 5 >= CASES, "the bypass lifted a binding cap in only {} of {CASES} cases", bound.get());
}

/// The unified pipeline is the pipeline on the pool's perp view, the
/// bypass included: with balances (a deposit at a maintenance weight) and
/// perps, `run_unified_pipeline` decides, books and writes exactly what
/// `run_pipeline` does on `perp_view`, with the legs naming the account's
/// positions; and the bypass fires through it (counted).
#[test]
fn unified_pipeline_honours_the_bypass() {
    use partliq::unified::{perp_view, run_unified_pipeline, MarginBook, PerpPosition, UnifiedAccount};
    const CASES: u32 = 1_000;
    let fired = std::cell::Cell::new(0u32);
    let config = ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = crate::support::fixed_runner(config);
    runner
        .run(&(cases(), 0i64..2_000, any::<bool>()), |(case, deposit, project)| {
            let (markets, prices, positions, collateral) = case.pool();
            // The collateral as quote cash on the first position plus a
            // deposit of `deposit` units of an asset at 90 % maintenance
            // weight, the cash lowered by the deposit's weighted value.
            let assets = [Asset::weighted(0, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))];
            let asset_prices = [Price(1)];
            let weighted = deposit * 9 / 10;
            let perps: Vec<PerpPosition> = positions
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let cash = if i == 0 { collateral.0 - weighted } else { 0 };
                    PerpPosition::cross(p.market_index, p.size, Quote(cash))
                })
                .collect();
            let balances = [AssetBalance { asset_index: 0, amount: deposit }];
            let account = UnifiedAccount { balances: &balances, positions: &perps };
            let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &prices) };
            let bypass = EmergencyBypass { project, adverse_move: Ppm(if project { 50_000 } else { 0 }), ..case.bypass() };
            let policy = case.policy(bypass);
            let start = AccountLiquidationState { block: 1, block_notional: Quote(case.used), ..Default::default() };
            let window = vec![MarketCapacityState { window_start: 0, used: Quote(case.used) }; markets.len()];
            let (mut su, mut sp) = (start, start);
            let (mut wu, mut wp) = (window.clone(), window);
            let mut lu = vec![PlanLeg::default(); perps.len()];
            let unified = run_unified_pipeline(&account, 0, &book, &policy, &mut su, &mut wu, 10, 1, &mut lu);
            let mut ps = [Position::default(); MAX_POSITIONS];
            let mut index = [0usize; MAX_POSITIONS];
            let view = perp_view(&account.pool(0).unwrap(), &book, &mut ps, &mut index).unwrap();
            let mut lp = vec![PlanLeg::default(); perps.len()];
            let plain = run_pipeline(&view, &markets, &prices, &policy, &mut sp, &mut wp, 10, 1, &mut lp);
            for leg in lp.iter_mut().take(plain.as_ref().map_or(0, |d| d.plan.leg_count)) {
                leg.position_index = index[leg.position_index as usize] as u32;
            }
            prop_assert_eq!((unified, su, &wu, &lu), (plain, sp, &wp, &lp));
            if matches!(unified, Ok(Decision { reason: Reason::EmergencyBypass, .. })) {
                fired.set(fired.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    assert!(fired.get() * 5 >= CASES, "the bypass fired through the unified pipeline in only {} of {CASES} cases", fired.get());
}
