//! Reservations of the single-threaded rule state
//! (`run_pipeline_reserving`, `LegReservation`): a partial IOC fill booked
//! as what filled, the rest released, and the next call continuing from
//! there.

use partliq::*;

/// Exponent 0, lot 1, tick 1, 10 % / 5 %, no fee.
fn market() -> Market {
    Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
}

fn windowed() -> Policy {
    Policy { window_capacity: WindowCapacity { capacity: Quote(1_000_000), window: 60 }, ..Policy::default() }
}

/// Long 100 @ 100, quote balance −9,600: equity 400 < 500; at 99 (1 %
/// band) 400 − x ≥ 500 − 5x ⇒ x = 25, booked 2,500 to the block and the
/// window opened at 10. The IOC fills 10 at 99: commit keeps
/// ⌈2,500 × 10 / 25⌉ = 1,000, release gives back 1,500 of each. The
/// position is then 90 with quote balance −9,600 + 990 = −8,610: equity
/// 390 < 450, 390 − x ≥ 450 − 5x ⇒ x = 15; the block and window hold
/// 1,000 + 1,500 = 2,500 (booked as if all filled, they would hold 4,000).
#[test]
fn partial_fill_then_next_call() {
    let markets = [market()];
    let prices = [Price(100)];
    let policy = windowed();
    let mut st = AccountLiquidationState::default();
    let mut ms = [MarketCapacityState::default()];
    let mut legs = [PlanLeg::default(); 1];
    let mut res = [LegReservation::default(); 1];
    let positions = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) }];
    let pool = Pool::new(Quote(0), &positions);
    let d = run_pipeline_reserving(&pool, &markets, &prices, &policy, &mut st, &mut ms, 10, 1, &mut legs, &mut res).unwrap();
    assert_eq!((d.reason, legs[0].size_delta, legs[0].limit_price), (Reason::TargetRestored, Size(-25), Price(99)));
    assert_eq!((st.block_notional, ms[0]), (Quote(2_500), MarketCapacityState { window_start: 10, used: Quote(2_500) }));
    let want = LegReservation {
        block: 1,
        window_start: 10,
        units: 25,
        block_reserved: Quote(2_500),
        window_reserved: Quote(2_500),
        ..LegReservation::default()
    };
    assert_eq!(res[0], want);
    // An open record refuses the next call, writing nothing.
    let before = (st, ms, legs, res);
    assert_eq!(
        run_pipeline_reserving(&pool, &markets, &prices, &policy, &mut st, &mut ms, 11, 1, &mut legs, &mut res),
        Err(Error::ReservationTableFull)
    );
    assert_eq!((st, ms, legs, res), before);

    let s = settle_fill(&pool, &markets, &prices, &Fill { position_index: 0, size_delta: Size(-10), price: Price(99) }).unwrap();
    assert_eq!(s.new_position, Position { market_index: 0, size: Size(90), quote_balance: Quote(-8_610) });
    assert_eq!(res[0].commit(26), Err(Error::CommitExceedsReservation));
    assert_eq!(res[0].commit(-1), Err(Error::CommitExceedsReservation));
    res[0].commit(10).unwrap();
    assert_eq!((res[0].filled_units, res[0].block_committed, res[0].window_committed), (10, Quote(1_000), Quote(1_000)));
    res[0].release(&mut st, &mut ms).unwrap();
    assert_eq!((res[0].released_units, res[0].block_released, res[0].window_released), (15, Quote(1_500), Quote(1_500)));
    assert_eq!((st.block_notional, ms[0].used), (Quote(1_000), Quote(1_000)));
    assert!(!res[0].is_open());
    assert_eq!(res[0].release(&mut st, &mut ms), Err(Error::UnknownReservation));
    assert_eq!(res[0].commit(1), Err(Error::UnknownReservation));

    let after = [s.new_position];
    let pool = Pool::new(Quote(0), &after);
    let d = run_pipeline_reserving(&pool, &markets, &prices, &policy, &mut st, &mut ms, 11, 1, &mut legs, &mut res).unwrap();
    assert_eq!((d.reason, legs[0].size_delta), (Reason::TargetRestored, Size(-15)));
    assert_eq!((st.block_notional, ms[0]), (Quote(2_500), MarketCapacityState { window_start: 10, used: Quote(2_500) }));
    assert_eq!((res[0].units, res[0].block_reserved, res[0].filled_units), (15, Quote(1_500), 0));
}

/// An inconsistent record is refused; a release in a later block or
/// window leaves the new counters alone.
#[test]
fn bad_records_and_stale_releases() {
    let mut st = AccountLiquidationState { block: 2, block_notional: Quote(700), ..Default::default() };
    let mut ms = [MarketCapacityState { window_start: 70, used: Quote(300) }];
    for bad in [
        LegReservation { units: -1, ..Default::default() },
        LegReservation { units: 5, filled_units: 4, released_units: 2, ..Default::default() },
        LegReservation { units: 5, block_reserved: Quote(10), block_committed: Quote(11), ..Default::default() },
        LegReservation { units: 5, window_reserved: Quote(-1), ..Default::default() },
    ] {
        let mut r = bad;
        assert_eq!(r.release(&mut st, &mut ms), Err(Error::UnknownReservation), "{bad:?}");
        assert_eq!(r.commit(0), Err(Error::UnknownReservation), "{bad:?}");
        assert_eq!(r, bad);
    }
    // Booked in block 1, window 10: both have moved on; nothing given back.
    let mut r = LegReservation {
        block: 1,
        window_start: 10,
        units: 5,
        block_reserved: Quote(500),
        window_reserved: Quote(500),
        ..Default::default()
    };
    r.release(&mut st, &mut ms).unwrap();
    assert_eq!((st.block_notional, ms[0].used, r.block_released), (Quote(700), Quote(300), Quote(500)));
}
