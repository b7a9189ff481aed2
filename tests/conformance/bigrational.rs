//! partliq's health and minimal-close sizing equal an exact big-rational
//! reference (`tests/bigrational_ref`, as dYdX computes with big.Int /
//! big.Rat) on every input of `benches/bigrational.rs`, and on generated
//! pools and closes.

use crate::support::tier;

use crate::bench_common::*;
use crate::bigrational_ref::*;
use partliq::*;
use proptest::prelude::*;

#[test]
fn benchmark_inputs_are_identical() {
    for n in [1usize, 4, 16] {
        for m in [single_tier(), sixteen_tiers()] {
            let (ms, ps) = markets(m, n);
            let positions = pool_positions(n);
            let coll = 200_000 * USD;
            let h = pool_health(&Pool::new(Quote(coll), &positions), &ms, &ps).unwrap();
            assert_eq!(h, pool_health_ref(coll, &positions, &ms, &ps), "{n} positions");
        }
    }
    for tiered in [false, true] {
        let (ms, ps, coll, positions) = liquidatable(tiered);
        let pool = Pool::new(coll, &positions);
        let req = close_request(&pool, &ms, &ps);
        let c = minimal_close(&pool, &ms, &ps, &req).unwrap();
        assert_eq!(c.status, CloseStatus::Restored);
        assert_eq!(RefClose::of(&c), minimal_close_ref(coll.0, &positions, &ms, &ps, &req), "tiered {tiered}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Health of generated pools (tiers, both exponent signs, longs and shorts).
    #[test]
    fn health_is_identical(
        e in -8i32..=2,
        mm in 1_000u32..100_000,
        floors in prop::collection::vec(1i64..10_000_000, 0..4),
        ps in prop::collection::vec((0u32..2, -10_000_000i64..10_000_000, -1_000_000_000i64..1_000_000_000), 0..6),
        prices in prop::collection::vec(1i64..10_000_000, 2),
        coll in -1_000_000_000i64..1_000_000_000,
    ) {
        let mut tiers = vec![tier(0, 2 * mm, mm)];
        let mut f = 0;
        for (i, d) in floors.iter().enumerate() {
            f += d;
            let m = mm + 1_000 * (i as u32 + 1);
            tiers.push(tier(f, 2 * m, m));
        }
        let m = Market::single_tier(e, 1, 1, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
        let ms = [m, m.with_exponent(e - 1)];
        let prices: Vec<Price> = prices.into_iter().map(Price).collect();
        let positions: Vec<Position> = ps.iter().map(|&(mi, s, qb)| Position { market_index: mi, size: Size(s), quote_balance: Quote(qb) }).collect();
        let h = pool_health(&Pool::new(Quote(coll), &positions), &ms, &prices).unwrap();
        prop_assert_eq!(h, pool_health_ref(coll, &positions, &ms, &prices));
    }

    /// Minimal closes of generated liquidatable positions (0.2 % band, 0.5 %
    /// fee, one or 16 tiers, lots of 1 to 100,000 units): the same close, or
    /// both infeasible.
    #[test]
    fn sizing_is_identical(
        units in 1_000_000i64..2_000_000_000,
        long in any::<bool>(),
        distance in 1u32..40_000,
        lot in prop_oneof![Just(1i64), Just(1_000), Just(100_000)],
        tiered in any::<bool>(),
        buffer in 0u32..200_000,
    ) {
        let m = if tiered { sixteen_tiers() } else { single_tier() };
        let m = Market { lot_step: Size(lot), ..m };
        let mark = 5_700_000i64;
        let notional = i128::from(units) * i128::from(mark) / 10_000;
        let h0 = pool_health(&Pool::new(Quote(0), &[Position { market_index: 0, size: Size(if long { units } else { -units }), quote_balance: Quote(0) }]), &[m], &[Price(mark)]).unwrap();
        // Equity = MM × (1 − distance): liquidatable.
        let mmr = i128::from(h0.maintenance_requirement.0);
        let equity = mmr * i128::from(1_000_000 - distance) / 1_000_000;
        let qb = if long { equity - notional } else { equity + notional };
        let positions = [Position { market_index: 0, size: Size(if long { units } else { -units }), quote_balance: Quote(qb as i64) }];
        let pool = Pool::new(Quote(0), &positions);
        let exec = limit_price(&pool, &[m], &[Price(mark)], 0, Ppm(2_000)).unwrap();
        let req = CloseRequest { position_index: 0, execution_price: exec, target: Target::Maintenance { buffer: Ppm(buffer) } };
        let c = minimal_close(&pool, &[m], &[Price(mark)], &req).unwrap();
        let r = minimal_close_ref(0, &positions, &[m], &[Price(mark)], &req);
        if c.status == CloseStatus::Infeasible {
            prop_assert_eq!(r.status, CloseStatus::Infeasible);
        } else {
            prop_assert_eq!(RefClose::of(&c), r);
        }
    }
}
