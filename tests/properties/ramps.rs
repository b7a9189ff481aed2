//! Property tests of the ramps: each ramp is monotone in time (the fee and
//! the fraction never fall, the Dutch band never narrows) and never beyond
//! its cap; dYdX's fillable price never improves for the account as its
//! equity falls; through the pipeline a later call never closes less under
//! the fee ramp nor more than the fraction ramp allows; and with the ramps
//! off (or on but neutral) the pipeline decides exactly as without them,
//! whatever the liquidation's start time.

use crate::support::fixed_runner;
use partliq::venues::dydx_v4::FillablePriceConfig;
use partliq::{
    fillable_limit_price, run_pipeline, AccountLiquidationState, BandRamp, FeeRamp, FractionRamp, Market, PlanLeg, PlanOrder, Policy, Pool,
    Position, Ppm, Price, Quote, Ramps, Size, SizingMode,
};
use partliq::{Decision, PlanStatus};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::cell::Cell;

fn ppm() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..=1_000_000, Just(0), Just(1_000_000)]
}

fn time() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10_000, any::<u64>()]
}

/// A pool of 1–3 positions (e = 0, lot 1–10, tick 1–5, maintenance 2–20 %
/// of notional, half the initial), one market each, marks 50–10,000;
/// collateral set so equity lies around maintenance.
#[derive(Debug, Clone)]
struct Scenario {
    markets: Vec<Market>,
    prices: Vec<Price>,
    positions: Vec<Position>,
    collateral: i64,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop::collection::vec((1i64..=10, 1i64..=5, 20_000u32..=200_000, 50i64..=10_000, 1i64..=500, any::<bool>(), 0u32..=20_000), 1..=3)
        .prop_flat_map(|specs| {
            let maintenance: i64 = specs.iter().map(|(lot, _, mm, px, lots, ..)| lot * lots * px * i64::from(*mm) / 1_000_000).sum();
            (Just(specs), -maintenance / 3..=maintenance * 11 / 10)
        })
        .prop_map(|(specs, equity)| {
            let mut markets = Vec::new();
            let mut prices = Vec::new();
            let mut positions = Vec::new();
            for (i, (lot, tick, mm, px, lots, short, fee)) in specs.iter().enumerate() {
                let mut m = Market::single_tier(0, *lot, *tick, Ppm(mm * 2), Ppm(*mm));
                m.liquidation_fee = Ppm(*fee);
                markets.push(m);
                let mark = px - px % tick + tick;
                prices.push(Price(mark));
                let size = lot * lots * if *short { -1 } else { 1 };
                // Quote balance: the opposite of the notional (entered at the mark).
                positions.push(Position { market_index: i as u32, size: Size(size), quote_balance: Quote(-size * mark) });
            }
            Scenario { markets, prices, positions, collateral: equity }
        })
}

fn run(s: &Scenario, policy: &Policy, state: &mut AccountLiquidationState, now: u64) -> (Option<Decision>, Vec<PlanLeg>) {
    let mut legs = vec![PlanLeg::default(); s.positions.len()];
    let d =
        run_pipeline(&Pool::new(Quote(s.collateral), &s.positions), &s.markets, &s.prices, policy, state, &mut [], now, 1, &mut legs).ok();
    let n = d.map_or(0, |d| d.plan.leg_count);
    legs.truncate(n);
    (d, legs)
}

fn policies() -> impl Strategy<Value = Policy> {
    (0u32..=30_000, 0usize..3, any::<bool>()).prop_map(|(band, order, max)| Policy {
        price_band: Ppm(band),
        order: [PlanOrder::LargestMaintenanceFirst, PlanOrder::BestReleasePerCostFirst, PlanOrder::ProRata][order],
        sizing: if max { SizingMode::MaxAllowed } else { SizingMode::Minimal },
        ..Policy::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// The fee ramp never falls as time passes, never goes below the
    /// market's fee nor above the larger of it and the cap.
    #[test]
    fn fee_monotone_and_capped(base in ppm(), max in ppm(), grace in time(), rate in prop_oneof![0u32..100, any::<u32>()], t1 in time(), t2 in time()) {
        let r = FeeRamp { max_fee: Ppm(max), grace, increase_per_unit: rate };
        let (a, b) = (t1.min(t2), t1.max(t2));
        let (fa, fb) = (r.fee_at(Ppm(base), a), r.fee_at(Ppm(base), b));
        prop_assert!(fa <= fb);
        prop_assert!(fa.0 >= base && fb.0 <= base.max(max));
    }

    /// The fraction never falls, starts at `initial` and never passes 100 %.
    #[test]
    fn fraction_monotone_and_capped(initial in ppm(), duration in time(), t1 in time(), t2 in time()) {
        let r = FractionRamp { initial: Ppm(initial), duration, full_below_shortage: Quote(0) };
        let (a, b) = (t1.min(t2), t1.max(t2));
        prop_assert!(r.fraction_at(a) <= r.fraction_at(b));
        prop_assert!(r.fraction_at(b).0 <= 1_000_000);
        if duration > 0 {
            prop_assert_eq!(r.fraction_at(0), Ppm(initial));
        }
    }

    /// The Dutch band never narrows, stays within [start, max], is `start`
    /// at the start (duration > 0) and `max` from `duration` on.
    #[test]
    fn dutch_band_monotone_and_capped(x in ppm(), y in ppm(), duration in time(), t1 in time(), t2 in time()) {
        let (start, max) = (x.min(y), x.max(y));
        let r = BandRamp::Dutch { start: Ppm(start), max: Ppm(max), duration };
        let (a, b) = (t1.min(t2), t1.max(t2));
        let (ba, bb) = (r.band_at(Ppm(0), a), r.band_at(Ppm(0), b));
        prop_assert!(ba <= bb && ba.0 >= start && bb.0 <= max);
        prop_assert_eq!(r.band_at(Ppm(0), duration), Ppm(max));
        if duration > 0 {
            prop_assert_eq!(r.band_at(Ppm(0), 0), Ppm(start));
        }
    }

    /// With the ramps off the pipeline's decisions, legs and rule state are
    /// those of ramps that are on but change nothing (a fee cap of 0, a 100 %
    /// initial fraction, a Dutch band fixed at the policy's band), and they
    /// do not depend on the liquidation's start time: only the start-time
    /// fields of the state may differ.
    #[test]
    fn ramps_off_decide_as_without(s in scenario(), policy in policies(), start in time(), started in any::<bool>(), now in time()) {
        let mut st0 = AccountLiquidationState { liquidation_started: started, liquidation_start_time: start, ..Default::default() };
        let mut st1 = st0;
        let mut st2 = AccountLiquidationState::default();
        let off = run(&s, &policy, &mut st0, now);
        let neutral = Policy {
            ramps: Ramps {
                fee: FeeRamp { max_fee: Ppm(0), grace: 0, increase_per_unit: 7 },
                fraction: FractionRamp { initial: Ppm::ONE, duration: 5, full_below_shortage: Quote(0) },
                band: BandRamp::Dutch { start: policy.price_band, max: policy.price_band, duration: 9 },
            },
            ..policy
        };
        prop_assert_eq!(&run(&s, &neutral, &mut st1, now), &off);
        prop_assert_eq!(st1, st0);
        prop_assert_eq!(&run(&s, &policy, &mut st2, now), &off);
        let strip = |st: AccountLiquidationState| AccountLiquidationState { liquidation_started: false, liquidation_start_time: 0, ..st };
        prop_assert_eq!(strip(st2), strip(st0));
    }

}

/// dYdX's fillable price never improves for the account as its equity falls
/// (less collateral): a long's limit never rises, a short's never falls;
/// the spread never exceeds `SMMR × PMMR` per unit (one tick of rounding
/// aside). Counts the prices compared (most of them) and those where the
/// deeper pool's spread is wider (some).
#[test]
fn fillable_monotone_in_depth() {
    let (compared, wider) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = (scenario(), 1_000_000u32..=3_000_000, 1u32..=1_000_000, 0i64..1_000_000);
    fixed_runner(Config::with_cases(1_000))
        .run(&strategy, |(s, ba, smmr, less)| {
            let config = FillablePriceConfig { bankruptcy_adjustment_ppm: ba, spread_to_maintenance_margin_ratio_ppm: smmr };
            let deeper = Scenario { collateral: s.collateral - less, ..s.clone() };
            for i in 0..s.positions.len() {
                let at = |sc: &Scenario| {
                    fillable_limit_price(&Pool::new(Quote(sc.collateral), &sc.positions), &sc.markets, &sc.prices, i, &config)
                };
                let (Ok(p1), Ok(p2)) = (at(&s), at(&deeper)) else { continue };
                compared.set(compared.get() + 1);
                let size = s.positions[i].size.0;
                if size > 0 {
                    prop_assert!(p2 <= p1);
                } else {
                    prop_assert!(p2 >= p1);
                }
                wider.set(wider.get() + u32::from(p2 != p1));
                // Spread: |limit − mark| ≤ SMMR × MM fraction × mark + one tick.
                let (mark, m) = (i128::from(s.prices[i].0), &s.markets[i]);
                let spread = (i128::from(p2.0) - mark).abs();
                let mm = i128::from(m.tiers[0].maintenance.0);
                prop_assert!(spread * 1_000_000_000_000 <= mark * mm * i128::from(smmr) + i128::from(m.tick.0) * 1_000_000_000_000);
            }
            Ok(())
        })
        .unwrap();
    let (compared, wider) = (compared.get(), wider.get());
    assert!(compared > 1_000 && wider > 100, "compared {compared}, wider {wider}");
}

/// Through the pipeline (one call each, same pool): under the fee ramp a
/// later call's least close is never smaller when both restore (a higher
/// fee releases less per unit); under the fraction ramp no leg closes more
/// than the ramp's fraction of its position (rounded down to the lot, at
/// least one lot). Counts the comparisons where the later close is larger
/// and the legs the fraction ramp held below the position.
#[test]
fn pipeline_ramps_monotone_and_capped() {
    let (grew, held) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = (scenario(), 0u64..3_000, 0u64..3_000, ppm(), 1u64..2_000);
    // A fixed seed: the counts asserted below are measured, not hoped for
    // (a random seed drew 47 held legs once).
    fixed_runner(Config::with_cases(1_000))
        .run(&strategy, |(s, t1, t2, initial, duration)| {
            let (a, b) = (t1.min(t2), t1.max(t2));
            let at = |policy: &Policy, t: u64| {
                let mut st = AccountLiquidationState { liquidation_started: true, liquidation_start_time: 1_000, ..Default::default() };
                run(&s, policy, &mut st, 1_000 + t)
            };
            let fee = Policy {
                ramps: Ramps { fee: FeeRamp { max_fee: Ppm(40_000), grace: 100, increase_per_unit: 20 }, ..Ramps::OFF },
                ..Policy::default()
            };
            if s.positions.len() == 1 {
                let units = |r: &(Option<Decision>, Vec<PlanLeg>)| r.1.first().map_or(0, |l| l.size_delta.0.abs());
                let (ra, rb) = (at(&fee, a), at(&fee, b));
                if let (Some(da), Some(db)) = (ra.0, rb.0) {
                    if da.plan.status == PlanStatus::Restored && db.plan.status == PlanStatus::Restored {
                        prop_assert!(units(&ra) <= units(&rb), "{:?} {:?}", ra, rb);
                        grew.set(grew.get() + u32::from(units(&ra) < units(&rb)));
                    }
                }
            }
            let frac = Policy {
                ramps: Ramps { fraction: FractionRamp { initial: Ppm(initial), duration, full_below_shortage: Quote(0) }, ..Ramps::OFF },
                ..Policy::default()
            };
            let (_, legs) = at(&frac, b);
            let f = i64::from(frac.ramps.fraction.fraction_at(b).0);
            for leg in legs {
                let p = s.positions[leg.position_index as usize];
                let lot = s.markets[p.market_index as usize].lot_step.0;
                let cap = ((p.size.0.abs() * f / 1_000_000) / lot * lot).max(lot).min(p.size.0.abs());
                prop_assert!(leg.size_delta.0.abs() <= cap, "{:?} cap {}", leg, cap);
                held.set(held.get() + u32::from(cap < p.size.0.abs()));
            }
            Ok(())
        })
        .unwrap();
    let (grew, held) = (grew.get(), held.get());
    assert!(grew > 20 && held > 50, "grew {grew}, held {held}");
}
