//! Regression tests for what fuzzing (fuzz/) found.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use partliq::*;

/// `equity − target` of the pool with `units` of position 0 closed at `exec`
/// (cash floor, fee ceil: the sizing's own booking), recomputed from scratch.
fn surplus_after(m: &Market, collateral: i64, p: Position, mark: i64, exec: i64, units: i128, target: Target) -> i128 {
    let den = 10i128.pow(m.quote_exponent.unsigned_abs());
    assert!(m.quote_exponent <= 0 && m.liquidation_fee.0 == 0);
    let sigma = i128::from(p.size.0.signum());
    let cash = (sigma * units * i128::from(exec)).div_euclid(den);
    let after = Position {
        market_index: 0,
        size: Size((i128::from(p.size.0) - sigma * units) as i64),
        quote_balance: Quote((i128::from(p.quote_balance.0) + cash) as i64),
    };
    let h = pool_health(&Pool::new(Quote(collateral), &[after]), &[*m], &[Price(mark)]).unwrap();
    i128::from(h.equity.0) - i128::from(target.required_equity(&h).unwrap().0)
}

/// ffi_minimal_close, crash-52586a7d: where the surplus stops rising (a
/// tier with zero fractions, no slippage, no fee) and the step-by-step walk
/// ran out, the solver returned the whole close because it reached the
/// target, without checking that one lot step less did not: it did (surplus
/// 0), so the result was not even locally minimal. It now bisects between
/// the walk's end and the whole close.
#[test]
fn flat_segment_after_the_walk_is_still_locally_minimal() {
    let tiers = [
        MarginTier { notional_floor: Quote(0), initial: Ppm(0), maintenance: Ppm(0) },
        MarginTier { notional_floor: Quote(96), initial: Ppm(630_000), maintenance: Ppm(538_428) },
        MarginTier { notional_floor: Quote(18_761), initial: Ppm(630_000), maintenance: Ppm(538_428) },
    ];
    let target = Target::Maintenance { buffer: Ppm(70_000) };
    for dust in [0, 24_672] {
        let mut m = Market::single_tier(-14, 25, 25, Ppm(0), Ppm(0)).with_tiers(&tiers).unwrap();
        m.liquidator_fee_share = Ppm(130_000);
        m.dust_floor = Quote(dust);
        m.validate().unwrap();
        let p = Position { market_index: 0, size: Size(1 << 62), quote_balance: Quote(i64::MIN) };
        let collateral = 9_223_372_036_854_729_692;
        let c = minimal_close(
            &Pool::new(Quote(collateral), &[p]),
            &[m],
            &[Price(1)],
            &CloseRequest { position_index: 0, execution_price: Price(1), target },
        )
        .unwrap();
        assert_eq!(c.status, CloseStatus::Restored, "dust {dust}");
        let x = i128::from(c.size_delta.0).abs();
        let u = 1i128 << 62;
        assert!(surplus_after(&m, collateral, p, 1, 1, x, target) >= 0, "dust {dust}: target not reached");
        if c.dust_closed {
            assert_eq!(x, u, "dust {dust}");
        } else {
            // One lot step less (the grid's previous point) falls short.
            let prev = if x == u { (u - 1) / 25 * 25 } else { x - 25 };
            assert!(surplus_after(&m, collateral, p, 1, 1, prev, target) < 0, "dust {dust}: {x} is not minimal");
            assert!(x < u, "dust {dust}: the whole close was returned although {prev} reaches the target");
        }
    }
}

/// scripts/panic-check.sh found core's slice sort (bounds checks, the
/// ordering-violation panic) linked into `partliq_rank_adl`; `rank_adl` now
/// sorts with its own panic-free heapsort. It must give exactly the order a
/// standard sort by `adl_cmp` gives (a total order: the sorted sequence is
/// unique), for every size from 0 to 40 and many score ties.
#[test]
fn rank_adl_heapsort_matches_a_standard_sort() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for n in 0..=40usize {
        for _ in 0..20 {
            let cs: Vec<AdlCandidate> = (0..n)
                .map(|_| AdlCandidate {
                    account: (next() % 8) as u32,
                    reserved: 0,
                    size: Size(-((next() % 5) as i64)),
                    unrealized_pnl: Quote((next() % 7) as i64 - 3),
                    entry_notional: Quote((next() % 4) as i64),
                    mark_notional: Quote((next() % 4) as i64),
                    margin: Quote((next() % 5) as i64 - 1),
                })
                .collect();
            let mut order = vec![0u32; n];
            let k = rank_adl(Size(1), &cs, &mut order).unwrap();
            let mut want: Vec<u32> = (0..n as u32).filter(|&i| cs[i as usize].size.0 != 0).collect();
            want.sort_by(|&x, &y| partliq::escalation::adl_cmp(&cs, x, y));
            assert_eq!(&order[..k], want.as_slice(), "n = {n}");
        }
    }
}
