//! Reservations of the single-threaded rule state: for any planned step and
//! any sequence of partial fills, `reserved = committed + released` once
//! released, the block and window hold exactly what they held before plus
//! what the fills committed, and the committed share never exceeds the
//! reservation (capacity never over-used).

use partliq::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn reserved_is_committed_plus_released(
        units in 1i64..5_000,
        lot in 1i64..20,
        equity_share in 0i64..999,
        price in 50i64..200,
        used_before in 0i64..10_000,
        fills in proptest::collection::vec(0u32..1_000, 0..5),
        one_lot in any::<bool>(),
    ) {
        let market = Market::single_tier(0, lot, 1, Ppm(100_000), Ppm(50_000));
        let size = (units / lot).max(1) * lot;
        let maintenance = size * price / 20;
        let qb = maintenance * equity_share / 1_000 - size * price;
        let positions = [Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }];
        let pool = Pool::new(Quote(0), &positions);
        let mut policy = Policy { window_capacity: WindowCapacity { capacity: Quote(i64::MAX / 4), window: 60 }, ..Policy::default() };
        policy.position_limits.mode = if one_lot { LimitMode::AtLeastOneLot } else { LimitMode::Cap };
        let mut st = AccountLiquidationState { block: 3, block_notional: Quote(used_before), ..Default::default() };
        let mut ms = [MarketCapacityState { window_start: 5, used: Quote(used_before) }];
        let mut legs = [PlanLeg::default(); 1];
        let mut res = [LegReservation::default(); 1];
        let d = run_pipeline_reserving(&pool, &[market], &[Price(price)], &policy, &mut st, &mut ms, 6, 3, &mut legs, &mut res).unwrap();
        prop_assume!(d.plan.leg_count == 1);
        let r0 = res[0];
        // What was booked is what was reserved.
        prop_assert_eq!(i128::from(st.block_notional.0), i128::from(used_before) + i128::from(r0.block_reserved.0));
        prop_assert_eq!(i128::from(ms[0].used.0), i128::from(used_before) + i128::from(r0.window_reserved.0));
        prop_assert_eq!(r0.units, -legs[0].size_delta.0);
        let mut r = r0;
        for f in fills {
            let open = r.units - r.filled_units;
            if open == 0 {
                // Settled by its fills: nothing more to commit.
                prop_assert_eq!(r.commit(0), Err(Error::UnknownReservation));
                break;
            }
            let take = i64::from(f) % (open + 1);
            r.commit(take).unwrap();
            prop_assert!(r.block_committed.0 <= r.block_reserved.0 && r.window_committed.0 <= r.window_reserved.0);
        }
        let all = r.filled_units == r.units;
        if all {
            prop_assert_eq!((r.block_committed, r.window_committed), (r.block_reserved, r.window_reserved));
            prop_assert_eq!(r.release(&mut st, &mut ms), Err(Error::UnknownReservation));
        } else {
            r.release(&mut st, &mut ms).unwrap();
        }
        prop_assert_eq!(r.block_committed.0 + r.block_released.0, r.block_reserved.0);
        prop_assert_eq!(r.window_committed.0 + r.window_released.0, r.window_reserved.0);
        prop_assert_eq!(r.filled_units + r.released_units, r.units);
        prop_assert_eq!(st.block_notional.0, used_before + r.block_committed.0);
        prop_assert_eq!(ms[0].used.0, used_before + r.window_committed.0);
        prop_assert!(!r.is_open());
    }
}
