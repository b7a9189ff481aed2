//! The emergency bypass (`policy::EmergencyBypass`): each trigger at its
//! edge, the projection's arithmetic, the default (off) unchanged, and the
//! unified pipeline lifting the same caps.

use partliq::*;

/// Exponent 0, lot 1, tick 1, 10 % / 5 %, no fee.
fn market() -> Market {
    Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
}

/// A dYdX-like stall: whole-position sizing, 1,000 of notional per account
/// and block (hard cap), the fund takes over rather than backstopping.
fn capped(bypass: EmergencyBypass) -> Policy {
    Policy {
        sizing: SizingMode::MaxAllowed,
        block_limits: BlockLimits { max_notional: Quote(1_000), max_insurance_loss: Quote(i64::MAX) },
        escalation: EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false },
        emergency_bypass: bypass,
        ..Policy::default()
    }
}

/// One call on a long 100 @ 100 with quote balance `qb`, in block 1 with
/// `state`; returns the decision, the legs and the state after.
fn call(qb: i64, policy: &Policy, mut state: AccountLiquidationState) -> (Decision, Vec<PlanLeg>, AccountLiquidationState) {
    let positions = [Position { market_index: 0, size: Size(100), quote_balance: Quote(qb) }];
    let mut legs = [PlanLeg::default(); 1];
    let d =
        run_pipeline(&Pool::new(Quote(0), &positions), &[market()], &[Price(100)], policy, &mut state, &mut [], 5, 1, &mut legs).unwrap();
    (d, legs[..d.plan.leg_count].to_vec(), state)
}

const BELOW_HALF: EmergencyBypass = EmergencyBypass { below_fraction: Fraction::new(1, 2), project: false, adverse_move: Ppm(0) };

/// Value 100 × 100 − 9,700 = 300 against maintenance 5 % × 10,000 = 500:
/// 0.6 of maintenance, above 1/2. The bypass stays off: the same capped
/// step as without it, 1,000 / 100 = 10 units.
#[test]
fn above_the_fraction_the_caps_hold() {
    let (off, legs_off, st_off) = call(-9_700, &capped(EmergencyBypass::OFF), AccountLiquidationState::default());
    let (on, legs_on, st_on) = call(-9_700, &capped(BELOW_HALF), AccountLiquidationState::default());
    assert_eq!((off.action, off.reason), (Action::Liquidate, Reason::StepCapped));
    assert_eq!(legs_off[0].size_delta, Size(-10));
    assert_eq!((on, legs_on, st_on), (off, legs_off, st_off));
}

/// Quote balance −9,780: equity 220, 0.44 of maintenance, below 1/2. The
/// caps lift; the least close at 99 (1 % band; a unit costs 1 of equity
/// and releases 5 of maintenance): 220 − x ≥ 500 − 5x ⇒ x ≥ 70. The
/// block books 70 × 100 = 7,000, over its 1,000 limit (the truth).
#[test]
fn below_the_fraction_the_caps_lift() {
    let (d, legs, st) = call(-9_780, &capped(BELOW_HALF), AccountLiquidationState::default());
    assert_eq!((d.action, d.reason, d.plan.status), (Action::Liquidate, Reason::EmergencyBypass, PlanStatus::Restored));
    assert_eq!((legs[0].size_delta, legs[0].limit_price), (Size(-70), Price(99)));
    assert_eq!((st.block_notional, st.in_liquidation), (Quote(7_000), false));
    // Exactly at the fraction (equity 250 = 1/2 × 500) the rule is strict: capped.
    let (d, legs, _) = call(-9_750, &capped(BELOW_HALF), AccountLiquidationState::default());
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-10)));
}

/// The projection, equity 300: the capped step sells 10 at 99, equity
/// after 300 − 10 = 290, and leaves 90 units (notional 9,000). A 10 %
/// move costs 900: 290 − 900 < 0, bypass: 300 − x ≥ 500 − 5x ⇒ x ≥ 50.
/// A 3 % move costs 270: 290 − 270 = 20 ≥ 0, the capped step stands.
#[test]
fn projection_at_its_edge() {
    let project = |ppm| EmergencyBypass { below_fraction: Fraction::default(), project: true, adverse_move: Ppm(ppm) };
    let (d, legs, _) = call(-9_700, &capped(project(100_000)), AccountLiquidationState::default());
    assert_eq!((d.reason, legs[0].size_delta), (Reason::EmergencyBypass, Size(-50)));
    let (d, legs, _) = call(-9_700, &capped(project(30_000)), AccountLiquidationState::default());
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-10)));
    // 290 − ⌈9,000 × 32,222 / 10^6⌉ = 290 − ⌈289.998⌉ = 0: not negative, capped.
    let (d, _, _) = call(-9_700, &capped(project(32_222)), AccountLiquidationState::default());
    assert_eq!(d.reason, Reason::StepCapped);
    // 290 − ⌈290.007⌉ = −1 < 0: bypass.
    let (d, _, _) = call(-9_700, &capped(project(32_223)), AccountLiquidationState::default());
    assert_eq!(d.reason, Reason::EmergencyBypass);
}

/// The block's limit used up (1,000 booked in block 1): no step without
/// the bypass; with the projection, the pool as it is (equity 300, 100
/// units, a 10 % move costs 1,000) projects to −700: the caps lift.
#[test]
fn block_limit_reached_then_projection() {
    let used = AccountLiquidationState { block: 1, block_notional: Quote(1_000), ..Default::default() };
    let (d, legs, st) = call(-9_700, &capped(EmergencyBypass::OFF), used);
    // Nothing booked; the liquidation's clock (for the ramps) starts at
    // this call's time, 5: a liquidation held back by a limit is under way.
    let started = AccountLiquidationState { liquidation_start_time: 5, liquidation_started: true, ..used };
    assert_eq!((d.action, d.reason, legs.len(), st), (Action::None, Reason::BlockLimitReached, 0, started));
    let bypass = EmergencyBypass { below_fraction: Fraction::default(), project: true, adverse_move: Ppm(100_000) };
    let (d, legs, st) = call(-9_700, &capped(bypass), used);
    assert_eq!((d.reason, legs[0].size_delta, st.block_notional), (Reason::EmergencyBypass, Size(-50), Quote(6_000)));
}

/// The backstop fraction comes first; a bad bypass is refused.
#[test]
fn precedence_and_validation() {
    let mut p = capped(BELOW_HALF);
    p.escalation.backstop_fraction = Fraction::new(1, 2);
    let (d, _, _) = call(-9_780, &p, AccountLiquidationState::default());
    assert_eq!((d.action, d.reason), (Action::Backstop, Reason::BelowBackstopFraction));
    for (bypass, err) in [
        (EmergencyBypass { below_fraction: Fraction::new(1, 1), ..EmergencyBypass::OFF }, Error::BypassFractionNotBelowOne),
        (EmergencyBypass { below_fraction: Fraction::new(3, 2), ..EmergencyBypass::OFF }, Error::BypassFractionNotBelowOne),
        (EmergencyBypass { adverse_move: Ppm(1_000_001), ..EmergencyBypass::OFF }, Error::InvalidPolicyFraction),
    ] {
        assert_eq!(capped(bypass).validate(), Err(err), "{bypass:?}");
    }
    assert_eq!(Policy::default().emergency_bypass, EmergencyBypass::OFF);
}

/// The unified pipeline is the pipeline on the pool's perp view, so the
/// bypass lifts the same caps there: the cross long 100 @ 100 with cash
/// −9,780 (equity 220, 0.44 of maintenance 500, below 1/2) closes the
/// least that restores, 70 at 99, with `EmergencyBypass`; at cash −9,700
/// (0.6) the cap holds, 10 units, `StepCapped`. With resting orders the
/// orders go first (no state written), then the same bypass.
#[test]
fn the_unified_pipeline_bypasses_too() {
    use partliq::unified::{run_unified_pipeline, MarginBook, PerpPosition, UnifiedAccount};
    let (markets, prices) = ([market()], [Price(100)]);
    let book = MarginBook::perps(&markets, &prices);
    let call = |p: PerpPosition, state: &mut AccountLiquidationState| {
        let positions = [p];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let mut legs = [PlanLeg::default(); 1];
        let d = run_unified_pipeline(&account, 0, &book, &capped(BELOW_HALF), state, &mut [], 5, 1, &mut legs).unwrap();
        (d.action, d.reason, legs[0].size_delta, legs[0].limit_price)
    };
    let mut st = AccountLiquidationState::default();
    assert_eq!(
        call(PerpPosition::cross(0, Size(100), Quote(-9_780)), &mut st),
        (Action::Liquidate, Reason::EmergencyBypass, Size(-70), Price(99))
    );
    assert_eq!(st.block_notional, Quote(7_000));
    let mut st = AccountLiquidationState::default();
    assert_eq!(call(PerpPosition::cross(0, Size(100), Quote(-9_700)), &mut st).1, Reason::StepCapped);
    let mut st = AccountLiquidationState::default();
    let with_orders = PerpPosition { open_asks: Size(5), ..PerpPosition::cross(0, Size(100), Quote(-9_780)) };
    assert_eq!(call(with_orders, &mut st).1, Reason::OpenOrders);
    assert_eq!(st, AccountLiquidationState::default());
    assert_eq!(call(PerpPosition::cross(0, Size(100), Quote(-9_780)), &mut st).1, Reason::EmergencyBypass);
}
