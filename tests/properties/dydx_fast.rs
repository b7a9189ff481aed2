//! dYdX v4 margin: the whole-position 64-bit path
//! (`DydxPerpetual::position_risk_u64`) against the exact `i128` path on
//! random inputs, boundary values included — wherever the 64-bit path
//! answers, its answer is the exact path's `Ok` value, and the public entry
//! point always equals the exact path (value or error).

use partliq::venues::dydx_v4::{
    bankruptcy_price_quote_quantums, bankruptcy_price_quote_quantums_64, liquidatable_position_size_delta,
    liquidatable_position_size_delta_64, max_and_min_position_notional_liquidatable, position_notional_limits_of, subaccount_risk,
    ClobPair, DydxPerpetual, DydxPosition, DydxPosition64, LiquidationConfig, LiquidityTier, MarketPrice, Risk, Risk64,
    SubaccountLiquidationInfo,
};
use proptest::prelude::*;

/// A `u64` biased toward the edges of the 64-bit path.
fn edge_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(i64::MAX as u64),
        Just(1u64 << 32),
        Just(10_000_000_000_000_000_000),
        any::<u64>(),
        0u64..1_000_000_000_000,
    ]
}

/// An `i128` size or open interest around the `u64` narrowing.
fn edge_i128() -> impl Strategy<Value = i128> {
    prop_oneof![
        Just(0i128),
        Just(i128::MIN),
        Just(i128::MAX),
        Just(i128::from(u64::MAX)),
        Just(-i128::from(u64::MAX)),
        Just(i128::from(u64::MAX) + 1),
        Just(-i128::from(u64::MAX) - 1),
        any::<i64>().prop_map(i128::from),
        any::<i128>(),
        (-1_000_000_000_000i128..1_000_000_000_000),
    ]
}

/// A fraction, ppm, mostly valid, sometimes above 100 %.
fn ppm() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(1_000_000), Just(1_000_001), Just(u32::MAX), 0u32..=1_000_000, any::<u32>()]
}

fn perpetual() -> impl Strategy<Value = DydxPerpetual> {
    (-30i32..=30, edge_i128(), ppm(), ppm(), edge_u64(), edge_u64(), any::<bool>()).prop_map(
        |(atomic_resolution, open_interest, imf, mf, a, b, scaled)| DydxPerpetual {
            id: 0,
            atomic_resolution,
            open_interest,
            liquidity_tier: LiquidityTier {
                initial_margin_ppm: imf,
                maintenance_fraction_ppm: mf,
                open_interest_lower_cap: a.min(b),
                open_interest_upper_cap: if scaled { a.max(b) } else { 0 },
            },
        },
    )
}

fn price() -> impl Strategy<Value = MarketPrice> {
    (edge_u64(), prop_oneof![Just(i32::MIN), Just(i32::MAX), -30i32..=30]).prop_map(|(price, exponent)| MarketPrice { price, exponent })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn fast_path_is_the_exact_path(perp in perpetual(), p in price(), q in edge_i128(), custom in ppm()) {
        let exact = perp.position_net_notional_value_and_margin_exact(p, q, custom);
        if let Some(fast) = perp.position_risk_u64(p, q, custom) {
            prop_assert_eq!(Ok(fast), exact);
        }
        prop_assert_eq!(perp.position_net_notional_value_and_margin(p, q, custom), exact);
    }

    /// Realistic markets (sizes and open interest in `i64`, exponents as
    /// dYdX lists them, valid tiers, no interpolation band) always take the
    /// 64-bit path, so the comparison above is not vacuous.
    #[test]
    fn realistic_positions_take_the_fast_path(
        q in -(1i64 << 40)..(1i64 << 40),
        oi in 0i64..(1i64 << 40),
        price in 1u64..1_000_000_000,
        atomic_resolution in -12i32..=-5,
        exponent in -10i32..=-4,
        imf in 0u32..=1_000_000,
        mf in 0u32..=1_000_000,
        custom in 0u32..=1_000_000,
    ) {
        let perp = DydxPerpetual {
            id: 0,
            atomic_resolution,
            open_interest: i128::from(oi),
            liquidity_tier: LiquidityTier { initial_margin_ppm: imf, maintenance_fraction_ppm: mf, open_interest_lower_cap: 0, open_interest_upper_cap: 0 },
        };
        let p = MarketPrice { price, exponent };
        let fast = perp.position_risk_u64(p, i128::from(q), custom);
        prop_assert!(fast.is_some());
        prop_assert_eq!(Ok(fast.unwrap()), perp.position_net_notional_value_and_margin_exact(p, i128::from(q), custom));
    }

    /// A subaccount's total equals the exact per-position sum.
    #[test]
    fn subaccount_risk_is_the_exact_sum(usdc in any::<i64>(), ps in prop::collection::vec((perpetual(), price(), edge_i128(), any::<i64>()), 0..6)) {
        let positions: Vec<DydxPosition> =
            ps.iter().map(|&(perpetual, price, quantums, qb)| DydxPosition { perpetual, price, quantums, quote_balance: i128::from(qb) }).collect();
        let mut exact: Result<Risk, _> = Ok(Risk { mmr: 0, imr: 0, nc: i128::from(usdc) });
        for p in &positions {
            exact = exact.and_then(|t| {
                let mut r = p.perpetual.position_net_notional_value_and_margin_exact(p.price, p.quantums, 0)?;
                r.nc = r.nc.checked_add(p.quote_balance).ok_or(partliq::Error::Overflow)?;
                t.checked_add(r)
            });
        }
        prop_assert_eq!(subaccount_risk(i128::from(usdc), &positions), exact);
    }
}

/// A tier with scaling whose caps sit at `n + dl` and `n + du` (clamped to
/// `u64`), `n` an open-interest notional: the caps' boundaries exactly.
fn tier_around(n: i128, dl: i128, du: i128, imf: u32, mf: u32) -> LiquidityTier {
    let cap = |d: i128| u64::try_from(n.saturating_add(d).max(0)).unwrap_or(u64::MAX);
    LiquidityTier {
        initial_margin_ppm: imf,
        maintenance_fraction_ppm: mf,
        open_interest_lower_cap: cap(dl),
        open_interest_upper_cap: cap(du).max(1),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// The open-interest caps compared without a division (the 64-bit
    /// path's thresholds `(lower + 1) × 10^k` and `upper × 10^k`) at and one
    /// quantum either side of the exact open-interest notional, over every
    /// exponent the threshold form takes (−19 … −1) and beyond: wherever the
    /// 64-bit path answers it is the exact path, and the entry point always
    /// is.
    #[test]
    fn open_interest_caps_on_the_boundary(
        oi in prop_oneof![any::<i64>().prop_map(i128::from), edge_i128()],
        price in edge_u64(),
        atomic_resolution in -22i32..=0,
        exponent in -8i32..=4,
        dl in -2i128..=2,
        du in -2i128..=2,
        q in prop_oneof![any::<i64>().prop_map(i128::from), edge_i128()],
        imf in ppm(),
        mf in ppm(),
        custom in ppm(),
    ) {
        let p = MarketPrice { price, exponent };
        let probe = DydxPerpetual { id: 0, atomic_resolution, open_interest: oi, liquidity_tier: LiquidityTier::default() };
        let Ok(n) = probe.net_notional(p, oi) else { return Ok(()) };
        let perp = DydxPerpetual { liquidity_tier: tier_around(n, dl, du, imf, mf), ..probe };
        let exact = perp.position_net_notional_value_and_margin_exact(p, q, custom);
        if let Some(fast) = perp.position_risk_u64(p, q, custom) {
            prop_assert_eq!(Ok(fast), exact);
        }
        prop_assert_eq!(perp.position_net_notional_value_and_margin(p, q, custom), exact);
    }

    /// The 64-bit path gives up only where it must: a valid tier without
    /// open-interest scaling, `i64` sizes and open interest, a negative
    /// conversion exponent down to −27 and a fraction ≤ 100 % — it answers
    /// exactly when the exact notional fits `u64` (the inline shift-and-
    /// constant division, or its general form for a wider product).
    #[test]
    fn the_64_bit_path_answers_whenever_the_notional_fits(
        q in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX)],
        oi in any::<i64>(),
        price in edge_u64(),
        e in -27i32..=-1,
        imf in 0u32..=1_000_000,
        mf in 0u32..=1_000_000,
        custom in 0u32..=1_000_000,
    ) {
        // price exponent e − 4 and atomic resolution −2: conversion exponent e.
        let perp = DydxPerpetual {
            id: 0,
            atomic_resolution: -2,
            open_interest: i128::from(oi),
            liquidity_tier: LiquidityTier { initial_margin_ppm: imf, maintenance_fraction_ppm: mf, open_interest_lower_cap: 0, open_interest_upper_cap: 0 },
        };
        let p = MarketPrice { price, exponent: e - 4 };
        let exact = perp.position_net_notional_value_and_margin_exact(p, i128::from(q), custom).unwrap();
        let fast = perp.position_risk_u64(p, i128::from(q), custom);
        prop_assert_eq!(fast.is_some(), u64::try_from(exact.nc.unsigned_abs()).is_ok());
        if let Some(fast) = fast {
            prop_assert_eq!(fast, exact);
        }
    }
}

/// Hand-computed: BTC as dYdX's tests list it (atomic resolution −10, price
/// 50,000 × 10^−5 → e = −5 − 10 + 6 = −9), 1 BTC = 10^10 quantums:
/// notional = 10^10 × 5,000,000,000 / 10^9 = 50,000,000,000 quote quantums
/// ($50,000); IMF 5 % → IMR = 2,500,000,000; MF 60 % → MMR = 1,500,000,000.
/// A short of the same size: NC = −50,000,000,000, same requirements.
#[test]
fn fast_path_hand_computed() {
    let perp = DydxPerpetual {
        id: 0,
        atomic_resolution: -10,
        open_interest: 0,
        liquidity_tier: LiquidityTier {
            initial_margin_ppm: 50_000,
            maintenance_fraction_ppm: 600_000,
            open_interest_lower_cap: 0,
            open_interest_upper_cap: 0,
        },
    };
    let p = MarketPrice { price: 5_000_000_000, exponent: -5 };
    let long = Risk { mmr: 1_500_000_000, imr: 2_500_000_000, nc: 50_000_000_000 };
    assert_eq!(perp.position_risk_u64(p, 10_000_000_000, 0), Some(long));
    assert_eq!(perp.position_risk_u64(p, -10_000_000_000, 0), Some(Risk { nc: -50_000_000_000, ..long }));
    // One quantum: 5,000,000,000 / 10^9 = 5; IMR ⌈5 × 0.05⌉ = 1; MMR ⌈1 × 0.6⌉ = 1.
    assert_eq!(perp.position_risk_u64(p, 1, 0), Some(Risk { mmr: 1, imr: 1, nc: 5 }));
    // u64::MAX quantums × price overflows u64: the exact path answers.
    assert_eq!(perp.position_risk_u64(p, i128::from(u64::MAX), 0), None);
    assert!(perp.position_net_notional_value_and_margin(p, i128::from(u64::MAX), 0).is_ok());
}

/// A 64-bit position over `perpetual()`'s tiers, any figures.
fn position_64() -> impl Strategy<Value = DydxPosition64> {
    (perpetual(), price(), any::<i64>(), any::<i64>(), any::<i64>(), any::<u32>()).prop_map(|(perp, p, oi, q, qb, id)| DydxPosition64 {
        perpetual_id: id % 4,
        atomic_resolution: perp.atomic_resolution,
        open_interest: oi,
        liquidity_tier: perp.liquidity_tier,
        price: p.price,
        price_exponent: p.exponent,
        quantums: q,
        quote_balance: qb,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    /// The functions over a 64-bit position read in place return what
    /// their `DydxPosition` forms return for the widened position (value or
    /// error): the bankruptcy price, the notional limits, the size delta.
    #[test]
    fn position_64_forms_are_the_widened_forms(
        p in position_64(),
        delta in any::<i64>(),
        total in (any::<i64>(), any::<i64>(), any::<i64>()),
        step in edge_u64(),
        used in edge_u64(),
        liquidated in prop::collection::vec(0u32..4, 0..3),
    ) {
        let wide = p.widen();
        prop_assert_eq!(wide.quantums, i128::from(p.quantums));
        prop_assert_eq!(wide.perpetual.open_interest, i128::from(p.open_interest));
        let total = Risk64 { mmr: total.0, imr: total.1, nc: total.2 };
        let wide_total = total.widen();
        prop_assert_eq!(wide_total, Risk { mmr: i128::from(total.mmr), imr: i128::from(total.imr), nc: i128::from(total.nc) });
        prop_assert_eq!(
            bankruptcy_price_quote_quantums_64(&p, &total, delta),
            bankruptcy_price_quote_quantums(&wide, &wide_total, i128::from(delta))
        );
        // A delta that closes the whole position: the common case.
        let all = p.quantums.wrapping_neg();
        prop_assert_eq!(
            bankruptcy_price_quote_quantums_64(&p, &total, all),
            bankruptcy_price_quote_quantums(&wide, &wide_total, i128::from(all))
        );
        let config = LiquidationConfig::mainnet_genesis();
        prop_assert_eq!(
            position_notional_limits_of(p.atomic_resolution, wide.price, wide.quantums, config.position_block_limits),
            max_and_min_position_notional_liquidatable(&wide, &config.position_block_limits)
        );
        let clob = ClobPair { step_base_quantums: step, subticks_per_tick: 1, quantum_conversion_exponent: -9 };
        let info = SubaccountLiquidationInfo { perpetuals_liquidated: &liquidated, notional_liquidated: used % 200_000_000_000, quantums_insurance_lost: 0 };
        prop_assert_eq!(
            liquidatable_position_size_delta_64(&p, &clob, &config, &info),
            liquidatable_position_size_delta(&wide, &clob, &config, &info)
        );
    }
}
