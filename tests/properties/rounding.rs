//! Health rounding against exact rationals computed independently here.

use partliq::{HealthState, Market, Target};
use proptest::prelude::*;

use crate::scenario::*;
use crate::support::{ceil_div, floor_div, pow10};

// ---------------------------------------------------------------------------
// Exact test-side arithmetic
// ---------------------------------------------------------------------------

/// Exact requirement of a position as a numerator over `1e15`
/// (`10^9` for the notional, `1e6` for the ppm), from the tiers as an
/// integral: `Σ_t f_t × |[floor_t, floor_{t+1}) ∩ [0, N)|`. Independent of the
/// crate's cumulative-deduction formula (equal by continuity).
fn exact_requirement_e15(m: &Market, size: i64, price: i64, initial: bool) -> i128 {
    let n9 = i128::from(size).abs() * i128::from(price) * pow10(u32::try_from(m.quote_exponent + 9).unwrap());
    let tiers = &m.tiers[..m.tier_count as usize];
    let mut total = 0i128;
    for (i, t) in tiers.iter().enumerate() {
        let lo = i128::from(t.notional_floor.0) * 1_000_000_000;
        let hi = tiers.get(i + 1).map_or(i128::MAX, |n| i128::from(n.notional_floor.0) * 1_000_000_000);
        let span = n9.min(hi) - lo;
        if span > 0 {
            let f = if initial { t.initial.0 } else { t.maintenance.0 };
            total += span * i128::from(f);
        }
    }
    total
}

/// Exact mark value `size·P·10^e` as a numerator over `1e9`.
fn exact_value_e9(m: &Market, size: i64, price: i64) -> i128 {
    i128::from(size) * i128::from(price) * pow10(u32::try_from(m.quote_exponent + 9).unwrap())
}

// ---------------------------------------------------------------------------
// Rounding against exact rationals
// ---------------------------------------------------------------------------

/// Per position, the value is the floor of the exact `size·P·10^e + qb` and
/// each requirement the ceiling of the exact tier integral (computed here
/// without the crate's deduction formula); so the pool's equity is at most
/// the exact one and within 1 per position, its requirements at least the
/// exact ones and within 1 per position. The ratio, free collateral, state
/// and target follow from the rounded figures as documented.
#[test]
fn health_rounding_against_exact_rationals() {
    let t = run(10_000, scenario(), |s| {
        let h = s.health_of(&s.positions);
        let mut eq9 = i128::from(s.collateral.0) * 1_000_000_000;
        let (mut mm15, mut im15) = (0i128, 0i128);
        let mut n = 0i128;
        for p in &s.positions {
            let m = &s.markets[p.market_index as usize];
            let price = s.prices[p.market_index as usize];
            let v9 = exact_value_e9(m, p.size.0, price.0);
            let mm = exact_requirement_e15(m, p.size.0, price.0, false);
            let im = exact_requirement_e15(m, p.size.0, price.0, true);
            prop_assert_eq!(
                m.position_value(p.size, price, p.quote_balance).unwrap(),
                floor_div(v9, 1_000_000_000) + i128::from(p.quote_balance.0)
            );
            prop_assert_eq!(i128::from(m.maintenance_requirement(p.size, price).unwrap().0), ceil_div(mm, 1_000_000_000_000_000));
            prop_assert_eq!(i128::from(m.initial_requirement(p.size, price).unwrap().0), ceil_div(im, 1_000_000_000_000_000));
            eq9 += v9 + i128::from(p.quote_balance.0) * 1_000_000_000;
            mm15 += mm;
            im15 += im;
            n += 1;
        }
        let (e, mm, im) = (i128::from(h.equity.0), i128::from(h.maintenance_requirement.0), i128::from(h.initial_requirement.0));
        prop_assert!(e * 1_000_000_000 <= eq9 && eq9 - e * 1_000_000_000 < n * 1_000_000_000, "equity {} vs exact {}e-9", e, eq9);
        prop_assert!(mm * 1_000_000_000_000_000 >= mm15 && mm * 1_000_000_000_000_000 - mm15 < n * 1_000_000_000_000_000);
        prop_assert!(im * 1_000_000_000_000_000 >= im15 && im * 1_000_000_000_000_000 - im15 < n * 1_000_000_000_000_000);
        prop_assert!(im >= mm && mm >= 0);
        prop_assert_eq!(i128::from(h.free_collateral.0), e - im);
        let ratio = if mm == 0 {
            0
        } else if e <= 0 {
            u64::MAX
        } else {
            u64::try_from(ceil_div(mm * 1_000_000, e)).unwrap_or(u64::MAX)
        };
        prop_assert_eq!(h.margin_ratio_ppm, ratio);
        let state = if e < 0 {
            HealthState::Bankrupt
        } else if mm > 0 && e < mm {
            HealthState::Liquidatable
        } else {
            HealthState::Healthy
        };
        prop_assert_eq!(h.state, state);
        let req = i128::from(s.target.required_equity(&h).unwrap().0);
        match s.target {
            Target::Maintenance { buffer } => prop_assert_eq!(req, ceil_div(mm * (1_000_000 + i128::from(buffer.0)), 1_000_000)),
            Target::Initial => prop_assert_eq!(req, im),
        }
        Ok(match h.state {
            HealthState::Healthy => "healthy",
            HealthState::Liquidatable => "liquidatable",
            HealthState::Bankrupt => "bankrupt",
        })
    });
    assert_share(&t, "liquidatable", 300);
    assert_share(&t, "bankrupt", 20);
    assert_share(&t, "healthy", 20);
}
