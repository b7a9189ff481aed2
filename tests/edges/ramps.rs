//! The ramps through the pipeline at each boundary: the start, the middle,
//! the cap and past it, with every figure computed by hand; and the
//! liquidation's start time in the account's rule state.
//!
//! The pool throughout: e = 0, lot 1, tick 1, 10 % / 5 %; one long of 100
//! at mark 100 with quote balance −9,600 and no collateral. Value 400,
//! maintenance 500: 100 short. Selling `x` units at limit `L` with fee `φ`:
//! equity `400 − x(100 − L) − ⌈x·L·φ⌉`, maintenance `500 − 5x`; the least
//! close has `(5 − (100 − L))·x − ⌈x·L·φ⌉ ≥ 100`. The bankruptcy price of
//! the whole position is 96, below every limit used here.

use partliq::{
    run_pipeline, AccountLiquidationState, Action, BandRamp, Error, FeeRamp, FractionRamp, Market, PlanLeg, Policy, Pool, Position, Ppm,
    Price, Quote, Ramps, Reason, Size,
};

const POS: [Position; 1] = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) }];

fn market(fee: u32) -> Market {
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(fee);
    m
}

/// A liquidation that started at 1,000, seen `elapsed` later.
fn started() -> AccountLiquidationState {
    AccountLiquidationState { liquidation_started: true, liquidation_start_time: 1_000, in_liquidation: true, ..Default::default() }
}

/// One call at `1,000 + elapsed`: (action, reason, size delta, limit, expected fee).
fn call(ramps: Ramps, fee: u32, elapsed: u64) -> (Action, Reason, i64, i64, i64) {
    let policy = Policy { ramps, ..Policy::default() };
    let mut st = started();
    let mut legs = [PlanLeg::default(); 1];
    let d =
        run_pipeline(&Pool::new(Quote(0), &POS), &[market(fee)], &[Price(100)], &policy, &mut st, &mut [], 1_000 + elapsed, 1, &mut legs)
            .unwrap();
    assert_eq!(d.plan.leg_count, 1, "{d:?}");
    (d.action, d.reason, legs[0].size_delta.0, legs[0].limit_price.0, legs[0].expected_fee.0)
}

/// Fee 0, cap 1.5 %, 10 units of grace, 100 ppm a unit; band 1 % (L = 99).
/// t = 0 (start) and 9 (in the grace): fee 0, 4x ≥ 100, x = 25. t = 100
/// (mid): 1 %: 4x − ⌈0.99x⌉ ≥ 100; x = 34 gives 136 − 34 = 102, x = 33
/// gives 132 − 33 = 99: 34 units, fee ⌈33.66⌉ = 34. t = 150 (at the cap):
/// 1.5 %: x = 40 gives 160 − ⌈59.4⌉ = 100, x = 39 gives 156 − ⌈57.915⌉ =
/// 98: 40 units, fee 60. Past the cap (t = 10⁶): the same.
#[test]
fn fee_ramp_through_the_pipeline() {
    let ramps = Ramps { fee: FeeRamp { max_fee: Ppm(15_000), grace: 10, increase_per_unit: 100 }, ..Ramps::OFF };
    let restored = (Action::Liquidate, Reason::TargetRestored);
    for (t, units, fee) in [(0, 25, 0), (9, 25, 0), (100, 34, 34), (150, 40, 60), (1_000_000, 40, 60)] {
        let (a, r, delta, limit, f) = call(ramps, 0, t);
        assert_eq!(((a, r), delta, limit, f), (restored, -units, 99, fee), "t = {t}");
    }
    // A cap below the market's own fee (1 %) leaves it: 34 units at every time.
    let low = Ramps { fee: FeeRamp { max_fee: Ppm(5_000), grace: 0, increase_per_unit: 100 }, ..Ramps::OFF };
    assert_eq!(call(low, 10_000, 500).2, -34);
    // The fee the caller settles with is the one planned.
    let st = started();
    assert_eq!(ramps.fee_for(Ppm(0), &st, 1_100), Ppm(10_000));
    assert_eq!(ramps.fee_for(Ppm(0), &AccountLiquidationState::default(), 1_100), Ppm(0));
}

/// Fee 0, band 1 % (25 units wanted); initial 10 %, 1,000 units to 100 %.
/// t = 0: 10 % of 100 = 10 units, capped. t = 100 (mid): 20 % = 20. t =
/// 150: 25 % = 25, the least close itself: restored. t = 900 (at 100 %) and
/// t = 10⁶ (past): 25. A shortage (100) below the threshold (101) goes
/// whole at once: 25 at t = 0; at the threshold (100) the cap holds.
#[test]
fn fraction_ramp_through_the_pipeline() {
    let ramp = |threshold| Ramps {
        fraction: FractionRamp { initial: Ppm(100_000), duration: 1_000, full_below_shortage: Quote(threshold) },
        ..Ramps::OFF
    };
    let capped = (Action::Liquidate, Reason::StepCapped);
    let restored = (Action::Liquidate, Reason::TargetRestored);
    for (t, units, end) in [(0, 10, capped), (100, 20, capped), (150, 25, restored), (900, 25, restored), (1_000_000, 25, restored)] {
        let (a, r, delta, ..) = call(ramp(0), 0, t);
        assert_eq!(((a, r), delta), (end, -units), "t = {t}");
    }
    assert_eq!(call(ramp(101), 0, 0).2, -25);
    assert_eq!(call(ramp(100), 0, 0).2, -10);
}

/// Fee 0; band from 1 % to 3 % over 100 units. t = 0: L = 99, 4x ≥ 100, 25
/// units. t = 50 (mid): 2 %, L = 98, 3x ≥ 100, 34 units. t = 100 (at the
/// max): 3 %, L = 97, 2x ≥ 100, 50 units. t = 10⁶: the same. The policy's
/// own band (here 0) is not used.
#[test]
fn dutch_band_through_the_pipeline() {
    let ramps = Ramps { band: BandRamp::Dutch { start: Ppm(10_000), max: Ppm(30_000), duration: 100 }, ..Ramps::OFF };
    for (t, units, limit) in [(0, 25, 99), (50, 34, 98), (100, 50, 97), (1_000_000, 50, 97)] {
        let policy = Policy { ramps, price_band: Ppm(0), ..Policy::default() };
        let mut st = started();
        let mut legs = [PlanLeg::default(); 1];
        run_pipeline(&Pool::new(Quote(0), &POS), &[market(0)], &[Price(100)], &policy, &mut st, &mut [], 1_000 + t, 1, &mut legs).unwrap();
        assert_eq!((legs[0].size_delta.0, legs[0].limit_price.0), (-units, limit), "t = {t}");
    }
}

/// The start time: a fresh state starts the clock at the first call (its
/// elapsed is 0: 10 units with the fraction ramp), a later call sees the
/// time since (t = 100: 20 units), the call that restores clears it, a
/// healthy pool's call clears it too; a clock gone back counts 0.
#[test]
fn start_time_in_the_rule_state() {
    let policy = Policy {
        ramps: Ramps { fraction: FractionRamp { initial: Ppm(100_000), duration: 1_000, ..FractionRamp::default() }, ..Ramps::OFF },
        ..Policy::default()
    };
    let (markets, prices) = ([market(0)], [Price(100)]);
    let mut st = AccountLiquidationState::default();
    let mut legs = [PlanLeg::default(); 1];
    let pool = Pool::new(Quote(0), &POS);
    let d = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut [], 5_000, 1, &mut legs).unwrap();
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-10)));
    assert_eq!((st.liquidation_started, st.liquidation_start_time, st.time_in_liquidation(5_100)), (true, 5_000, 100));
    let d = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut [], 5_100, 2, &mut legs).unwrap();
    assert_eq!((d.reason, legs[0].size_delta, st.liquidation_start_time), (Reason::StepCapped, Size(-20), 5_000));
    // The clock gone back: elapsed 0, the start kept.
    assert_eq!(st.time_in_liquidation(4_000), 0);
    let d = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut [], 4_000, 3, &mut legs).unwrap();
    assert_eq!((legs[0].size_delta, st.liquidation_start_time), (Size(-10), 5_000));
    assert_eq!(d.reason, Reason::StepCapped);
    // t = 1,000: 100 %, the least close (25) restores: the clock stops.
    let d = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut [], 6_000, 4, &mut legs).unwrap();
    assert_eq!((d.reason, legs[0].size_delta), (Reason::TargetRestored, Size(-25)));
    assert_eq!((st.liquidation_started, st.liquidation_start_time, st.time_in_liquidation(9_999)), (false, 0, 0));
    // A healthy pool clears a running clock.
    let healthy = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_000) }];
    let mut st = started();
    let d = run_pipeline(&Pool::new(Quote(0), &healthy), &markets, &prices, &policy, &mut st, &mut [], 7_000, 5, &mut legs).unwrap();
    assert_eq!((d.action, st.liquidation_started, st.liquidation_start_time), (Action::None, false, 0));
}

/// Bad ramps are refused before anything is written.
#[test]
fn bad_ramps_refused() {
    let policy =
        Policy { ramps: Ramps { band: BandRamp::Dutch { start: Ppm(2), max: Ppm(1), duration: 0 }, ..Ramps::OFF }, ..Policy::default() };
    let mut st = started();
    let mut legs = [PlanLeg::default(); 1];
    let r = run_pipeline(&Pool::new(Quote(0), &POS), &[market(0)], &[Price(100)], &policy, &mut st, &mut [], 1, 1, &mut legs);
    assert_eq!(r, Err(Error::InvalidRamp));
    assert_eq!((st, legs), (started(), [PlanLeg::default(); 1]));
    assert_eq!(policy.validate(), Err(Error::InvalidRamp));
}
