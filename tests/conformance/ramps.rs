//! The ramps against the venues they follow: Drift v2's `get_liquidation_fee`
//! and `calculate_max_pct_to_liquidate` (their own test figures, and the
//! replicas in `partliq::venues::drift_v2::liquidation` over random inputs).
//! dYdX's fillable price through the pipeline is in the `dydx_v4` module,
//! next to dYdX's table it replays.

use partliq::venues::drift_v2::liquidation::{
    calculate_max_pct_to_liquidate, get_liquidation_fee, DriftUserLiquidationState, LIQUIDATION_FEE_PRECISION, LIQUIDATION_PCT_PRECISION,
};
use partliq::{
    run_pipeline, AccountLiquidationState, Action, FeeRamp, FractionRamp, Market, PlanLeg, Policy, Pool, Position, Ppm, Price, Quote,
    Ramps, Reason, Size,
};
use proptest::prelude::*;

const QUOTE_PRECISION: u128 = 1_000_000;

/// Drift's ramps with a fee cap `max` (micro-USD quotes).
fn drift(max: u32, initial: u32, duration: u64) -> Ramps {
    Ramps::drift_v2(Ppm(max), Ppm(initial), duration, 1_000_000).unwrap()
}

/// Drift's `get_liquidation_fee` test (`math/liquidation/tests.rs`): base 2
/// %, max 5 %, last active at slot 0. At slot 100,000 the max; at 10, in
/// the grace, the base; at 10,000, 20,000 + 10,000 × 1 = 3 %. Then the
/// replica's hand-computed figures (base 1 %, max 4 %, start 1,000): 1,499
/// slots on 10,000; 1,500 on 11,500; 30,000 on 40,000.
#[test]
fn drift_fee_test_figures() {
    let (base, max) = (2 * LIQUIDATION_FEE_PRECISION / 100, 5 * LIQUIDATION_FEE_PRECISION / 100);
    let r = drift(max, 0, 0).fee;
    assert_eq!(r.fee_at(Ppm(base), 100_000), Ppm(max));
    assert_eq!(r.fee_at(Ppm(base), 10), Ppm(base));
    assert_eq!(r.fee_at(Ppm(base), 10_000), Ppm(3 * LIQUIDATION_FEE_PRECISION / 100));
    let r = drift(40_000, 0, 0).fee;
    assert_eq!(
        (r.fee_at(Ppm(10_000), 1_499), r.fee_at(Ppm(10_000), 1_500), r.fee_at(Ppm(10_000), 30_000)),
        (Ppm(10_000), Ppm(11_500), Ppm(40_000))
    );
    // Through the rule state: started at slot 1,000, read at 2,500.
    let st = AccountLiquidationState { liquidation_started: true, liquidation_start_time: 1_000, ..Default::default() };
    assert_eq!(drift(40_000, 0, 0).fee_for(Ppm(10_000), &st, 2_500), Ppm(11_500));
}

/// Drift's `calculate_max_pct_to_liquidate` test: a $49 shortage is
/// liquidated whole whatever the ramp (10 % initially, 10 slots). The same
/// through the pipeline, in micro-USD: a long of 100 at 100 with quote
/// balance −9,600 (e = 0, 5 % maintenance) is 100 µUSD short, under $50:
/// its least close (4x ≥ 100 at the 1 % band: 25 units) goes at once. The
/// same pool with $50 = 50 quote units is not "tiny": 10 % = 10 units.
#[test]
fn drift_max_pct_test_figures() {
    let user = DriftUserLiquidationState::default();
    let shortage = 49 * QUOTE_PRECISION;
    assert_eq!(calculate_max_pct_to_liquidate(&user, shortage, 1, LIQUIDATION_PCT_PRECISION / 10, 10), Ok(LIQUIDATION_PCT_PRECISION));
    let ramps = drift(0, 100_000, 10);
    assert_eq!(ramps.fraction.cap_for(shortage as i128, 1), None);
    assert_eq!(ramps.fraction.cap_for(50 * QUOTE_PRECISION as i128, 1), Some(Ppm(200_000)));

    let positions = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) }];
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let run = |ramps: Ramps| {
        let mut legs = [PlanLeg::default(); 1];
        let policy = Policy { ramps, ..Policy::default() };
        let d = run_pipeline(
            &Pool::new(Quote(0), &positions),
            &markets,
            &[Price(100)],
            &policy,
            &mut AccountLiquidationState::default(),
            &mut [],
            0,
            0,
            &mut legs,
        )
        .unwrap();
        (d.action, d.reason, legs[0].size_delta)
    };
    assert_eq!(run(ramps), (Action::Liquidate, Reason::TargetRestored, Size(-25)));
    let coarse = Ramps::drift_v2(Ppm(0), Ppm(100_000), 10, 1).unwrap();
    assert_eq!(run(coarse), (Action::Liquidate, Reason::StepCapped, Size(-10)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// The fee ramp with Drift's parameters is Drift's `get_liquidation_fee`
    /// for every base ≤ max, start and slot at or after it.
    #[test]
    fn drift_fee_equals_the_replica(base in 0u32..=1_000_000, extra in 0u32..=1_000_000, start in any::<u64>(), elapsed in prop_oneof![0u64..5_000, any::<u64>()]) {
        let max = base.saturating_add(extra).min(1_000_000);
        let now = start.saturating_add(elapsed);
        let want = get_liquidation_fee(base, max, start, now).unwrap();
        prop_assert_eq!(drift(max, 0, 0).fee.fee_at(Ppm(base), now - start), Ppm(want));
    }

    /// The fraction ramp is Drift's time ramp to the unit: with Drift's
    /// `initial_pct_to_liquidate` `i` (10⁴ precision) as `100 i` ppm, Drift's
    /// `pct_freeable` is `⌊fraction(t) / 100⌋` (nested floors), so with no
    /// margin freed yet Drift's result is `⌊⌊S × p / 10⁴⌋ × 10⁴ / S⌋` of it,
    /// for any shortage `S` ≥ $50.
    #[test]
    fn drift_fraction_is_drifts_time_ramp(initial in 0u32..=10_000, duration in 1u64..1_000_000, elapsed in 0u64..2_000_000, s in 50_000_000u128..1_000_000_000_000) {
        let ramp = FractionRamp { initial: Ppm(initial * 100), duration, full_below_shortage: Quote(50_000_000) };
        let p = u128::from(ramp.cap_for(s as i128, elapsed).unwrap().0 / 100);
        let user = DriftUserLiquidationState { last_active_slot: 7, liquidation_margin_freed: 0 };
        let drift = calculate_max_pct_to_liquidate(&user, s, 7 + elapsed, u128::from(initial), u128::from(duration)).unwrap();
        prop_assert_eq!(drift, s * p / 10_000 * 10_000 / s);
    }
}

/// `FeeRamp` off is the market's fee at every time.
#[test]
fn fee_ramp_off_is_the_market_fee() {
    for t in [0, 1, 1_500, u64::MAX] {
        assert_eq!(FeeRamp::default().fee_at(Ppm(12_345), t), Ppm(12_345));
    }
}
