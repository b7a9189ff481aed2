//! Final edge tables (issue 8): the dYdX v4 liquidation and margin functions.
//! Every expected value is derived from the function's documentation; the
//! arithmetic is in the comment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use partliq::presets::dydx_v4::*;
use partliq::*;

const IMAX: i128 = i128::MAX;
const IMIN: i128 = i128::MIN;

fn check<T: PartialEq + core::fmt::Debug>(rows: &[(&str, T, T)]) {
    let bad: Vec<String> =
        rows.iter().filter(|(_, got, want)| got != want).map(|(name, got, want)| format!("{name}: got {got:?}, want {want:?}")).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------
// dYdX v4 setup: atomic resolution −6 and price exponent 0 give a conversion
// exponent of 0, so the notional is `quantums × price` exactly. Tier: IMF 20 %,
// maintenance 50 % of it (10 %), no open-interest scaling.

const TIER: LiquidityTier = LiquidityTier {
    initial_margin_ppm: 200_000,
    maintenance_fraction_ppm: 500_000,
    open_interest_lower_cap: 0,
    open_interest_upper_cap: 0,
};

fn perp(tier: LiquidityTier) -> DydxPerpetual {
    DydxPerpetual { id: 7, atomic_resolution: -6, open_interest: 0, liquidity_tier: tier }
}

fn px(p: u64) -> MarketPrice {
    MarketPrice { price: p, exponent: 0 }
}

fn dpos(quantums: i128, quote_balance: i128) -> DydxPosition {
    DydxPosition { perpetual: perp(TIER), price: px(10), quantums, quote_balance }
}

/// TNC 50, TMMR 100 (the subaccount of `dpos(100, −950)`: NC 1,000 − 950,
/// MMR ⌈⌈1,000 × 0.2⌉ × 0.5⌉ = 100).
const TOTAL: Risk = Risk { mmr: 100, imr: 200, nc: 50 };

#[test]
fn dydx_liquidity_tier_margin() {
    let scaled = LiquidityTier { open_interest_lower_cap: 1_000, open_interest_upper_cap: 2_000, ..TIER };
    check::<Result<u32>>(&[
        // Upper cap 0 disables scaling: the base IMF for any OI.
        ("no caps, OI MAX", TIER.adjusted_initial_margin_ppm(IMAX), Ok(200_000)),
        ("no caps, OI MIN", TIER.adjusted_initial_margin_ppm(IMIN), Ok(200_000)),
        // OI ≤ lower: base; OI ≥ upper: 100 %.
        ("OI = lower", scaled.adjusted_initial_margin_ppm(1_000), Ok(200_000)),
        ("OI MIN", scaled.adjusted_initial_margin_ppm(IMIN), Ok(200_000)),
        ("OI = upper", scaled.adjusted_initial_margin_ppm(2_000), Ok(1_000_000)),
        ("OI MAX", scaled.adjusted_initial_margin_ppm(IMAX), Ok(1_000_000)),
        // 200,000 + ⌊800,000 × 1 / 1,000⌋ = 200,800.
        ("OI = lower + 1", scaled.adjusted_initial_margin_ppm(1_001), Ok(200_800)),
        // 200,000 + ⌊800,000 × 500 / 1,000⌋ = 600,000.
        ("OI midway", scaled.adjusted_initial_margin_ppm(1_500), Ok(600_000)),
        // 200,000 + ⌊800,000 × 999 / 1,000⌋ = 999,200.
        ("OI = upper − 1", scaled.adjusted_initial_margin_ppm(1_999), Ok(999_200)),
        // [0, u64::MAX], OI 1: ⌊800,000 / (2^64 − 1)⌋ = 0.
        (
            "caps [0, u64::MAX], OI 1",
            LiquidityTier { open_interest_upper_cap: u64::MAX, ..TIER }.adjusted_initial_margin_ppm(1),
            Ok(200_000),
        ),
        // IMF above 100 %: only the interpolating branch refuses it.
        (
            "IMF 1e6+1, OI midway",
            LiquidityTier { initial_margin_ppm: 1_000_001, ..scaled }.adjusted_initial_margin_ppm(1_500),
            Err(Error::FractionAbove100Percent),
        ),
        ("IMF 1e6+1, OI ≤ lower", LiquidityTier { initial_margin_ppm: 1_000_001, ..scaled }.adjusted_initial_margin_ppm(0), Ok(1_000_001)),
    ]);
    check::<Result<i128>>(&[
        ("IM(0)", TIER.initial_margin_quote_quantums(0, 0, 0), Ok(0)),
        // ⌈1 × 0.2⌉ = 1; ⌈−0.2⌉ = 0.
        ("IM(1)", TIER.initial_margin_quote_quantums(1, 0, 0), Ok(1)),
        ("IM(-1)", TIER.initial_margin_quote_quantums(-1, 0, 0), Ok(0)),
        // ⌈(2^127 − 1) / 5⌉.
        ("IM(MAX)", TIER.initial_margin_quote_quantums(IMAX, 0, 0), Ok(34_028_236_692_093_846_346_337_460_743_176_821_146)),
        // Custom 30 % > 20 %: ⌈10 × 0.3⌉ = 3; custom 10 % < 20 %: ⌈10 × 0.2⌉ = 2.
        ("IM(10), custom 30 %", TIER.initial_margin_quote_quantums(10, 0, 300_000), Ok(3)),
        ("IM(10), custom 10 %", TIER.initial_margin_quote_quantums(10, 0, 100_000), Ok(2)),
        // ⌈4,294.967295⌉ = 4,295.
        ("IM(1), custom u32::MAX", TIER.initial_margin_quote_quantums(1, 0, u32::MAX), Ok(4_295)),
        ("IM(MAX), custom u32::MAX", TIER.initial_margin_quote_quantums(IMAX, 0, u32::MAX), Err(Error::Overflow)),
        // OI midway: IMF 60 %, ⌈1,000 × 0.6⌉ = 600.
        ("IM(1000), OI midway", scaled.initial_margin_quote_quantums(1_000, 1_500, 0), Ok(600)),
        // IMF 100 %: MIN × 1 = MIN.
        ("IM(MIN), IMF 100 %", LiquidityTier { initial_margin_ppm: 1_000_000, ..TIER }.initial_margin_quote_quantums(IMIN, 0, 0), Ok(IMIN)),
    ]);
    check::<Result<u32>>(&[
        // ⌊200,000 × 0.5⌋ = 100,000.
        ("MM ppm", TIER.maintenance_margin_ppm(), Ok(100_000)),
        (
            "MM ppm, MF 1e6+1",
            LiquidityTier { maintenance_fraction_ppm: 1_000_001, ..TIER }.maintenance_margin_ppm(),
            Err(Error::FractionAbove100Percent),
        ),
        // ⌊1 × 999,999 / 10^6⌋ = 0.
        (
            "MM ppm, IMF 1, MF 999,999",
            LiquidityTier { initial_margin_ppm: 1, maintenance_fraction_ppm: 999_999, ..TIER }.maintenance_margin_ppm(),
            Ok(0),
        ),
    ]);
}

#[test]
fn dydx_margin_requirements() {
    let p = perp(TIER);
    check::<Result<(i128, i128)>>(&[
        ("0 quantums", p.margin_requirements(px(10), 0, 0), Ok((0, 0))),
        // Price 0: notional 0.
        ("price 0", p.margin_requirements(px(0), 100, 0), Ok((0, 0))),
        // Notional 10: IMR ⌈2⌉ = 2, MMR ⌈⌈2⌉ × 0.5⌉ = 1; a short the same.
        ("one quantum long", p.margin_requirements(px(10), 1, 0), Ok((2, 1))),
        ("one quantum short", p.margin_requirements(px(10), -1, 0), Ok((2, 1))),
        // Notional 1: IMR ⌈0.2⌉ = 1, MMR ⌈1 × 0.5⌉ = 1 (rounded up twice).
        ("notional 1", p.margin_requirements(px(1), 1, 0), Ok((1, 1))),
        // Notional 1,000: IMR 200, MMR 100.
        ("100 @ 10", p.margin_requirements(px(10), 100, 0), Ok((200, 100))),
        // Custom IMF raises only the IMR: 1,000 × 100 % = 1,000; MMR stays 100.
        ("custom 100 %", p.margin_requirements(px(10), 100, 1_000_000), Ok((1_000, 100))),
        // |MIN| does not fit.
        ("MIN quantums", p.margin_requirements(px(1), IMIN, 0), Err(Error::Overflow)),
        // Notional MAX: IMR ⌈MAX / 5⌉, MMR ⌈IMR / 2⌉.
        (
            "MAX quantums @ 1",
            p.margin_requirements(px(1), IMAX, 0),
            Ok((34_028_236_692_093_846_346_337_460_743_176_821_146, 17_014_118_346_046_923_173_168_730_371_588_410_573)),
        ),
        ("MAX quantums @ 2", p.margin_requirements(px(2), IMAX, 0), Err(Error::Overflow)),
        // OI 100 @ 10 = 1,000 within caps [0, 2,000]: IMF 200,000 + ⌊800,000 × 1,000 / 2,000⌋
        // = 600,000, IMR 600; the MMR uses the base IMF: 100.
        (
            "OI-scaled IMR",
            DydxPerpetual { open_interest: 100, ..perp(LiquidityTier { open_interest_upper_cap: 2_000, ..TIER }) }.margin_requirements(
                px(10),
                100,
                0,
            ),
            Ok((600, 100)),
        ),
    ]);
    check::<Result<Risk>>(&[
        // NNV 1,000 (short −1,000); with quote balance −950: NC 50.
        ("PNNV long", p.position_net_notional_value_and_margin(px(10), 100, 0), Ok(Risk { mmr: 100, imr: 200, nc: 1_000 })),
        ("PNNV short", p.position_net_notional_value_and_margin(px(10), -100, 0), Ok(Risk { mmr: 100, imr: 200, nc: -1_000 })),
        ("NC + qb", p.net_collateral_and_margin(px(10), 100, -950, 0), Ok(Risk { mmr: 100, imr: 200, nc: 50 })),
        ("NC + qb MAX", p.net_collateral_and_margin(px(10), 1, IMAX, 0), Err(Error::Overflow)),
        ("risk()", dpos(100, -950).risk(), Ok(TOTAL)),
    ]);
    check::<Result<i128>>(&[
        ("net_notional(-1)", p.net_notional(px(10), -1), Ok(-10)),
        // 1,005 / 10 truncated = 100; −1,005 → −100.
        ("base(1005)", p.notional_in_base_quantums(px(10), 1_005), Ok(100)),
        ("base(-1005)", p.notional_in_base_quantums(px(10), -1_005), Ok(-100)),
        ("base at price 0", p.notional_in_base_quantums(px(0), 1), Err(Error::DivisionByZero)),
    ]);
}

#[test]
fn dydx_bankruptcy_price() {
    let b = bankruptcy_price_quote_quantums;
    let short = dpos(-100, 1_050); // NC −1,000 + 1,050 = 50, MMR 100
    check::<Result<i128>>(&[
        // Close all: ΔNNV −1,000, ΔMMR −100: 1,000 − ⌊50 × 100 / 100⌋ = 950.
        ("long, close all", b(&dpos(100, -950), &TOTAL, -100), Ok(950)),
        // One quantum: size 99 → NNV 990, MMR ⌈⌈198⌉ × 0.5⌉ = 99; 10 − ⌊50 / 100⌋ = 10.
        ("long, one quantum", b(&dpos(100, -950), &TOTAL, -1), Ok(10)),
        // Half: ΔMMR −50: 500 − ⌊50 × 50 / 100⌋ = 475.
        ("long, half", b(&dpos(100, -950), &TOTAL, -50), Ok(475)),
        // Short close all: −1,000 − 50 = −1,050 (may pay at most 1,050).
        ("short, close all", b(&short, &TOTAL, 100), Ok(-1_050)),
        // TNC −30: 10 − ⌊−30 / 100⌋ = 10 − (−1) = 11 (floor toward −∞).
        ("TNC negative, floor", b(&dpos(100, -950), &Risk { nc: -30, ..TOTAL }, -1), Ok(11)),
        // TNC MAX, TMMR 1: 10 − MAX × 1 / 1 = −(MAX − 10).
        ("TNC MAX", b(&dpos(100, -950), &Risk { mmr: 1, imr: 1, nc: IMAX }, -1), Ok(10 - IMAX)),
        // TNC MIN: 10 − MIN does not fit.
        ("TNC MIN", b(&dpos(100, -950), &Risk { mmr: 1, imr: 1, nc: IMIN }, -1), Err(Error::Overflow)),
        ("delta 0", b(&dpos(100, -950), &TOTAL, 0), Err(Error::InvalidFillQuantity)),
        ("delta same side", b(&dpos(100, -950), &TOTAL, 1), Err(Error::InvalidFillQuantity)),
        ("delta > position", b(&dpos(100, -950), &TOTAL, -101), Err(Error::InvalidFillQuantity)),
        ("delta MIN", b(&dpos(100, -950), &TOTAL, IMIN), Err(Error::InvalidFillQuantity)),
        ("position 0", b(&dpos(0, 0), &TOTAL, 1), Err(Error::InvalidFillQuantity)),
        ("TMMR 0", b(&dpos(100, -950), &Risk { mmr: 0, ..TOTAL }, -1), Err(Error::DivisionByZero)),
        ("TMMR -1", b(&dpos(100, -950), &Risk { mmr: -1, ..TOTAL }, -1), Err(Error::OutOfRange)),
    ]);
}

#[test]
fn dydx_fillable_price() {
    let cfg = |ba: u32, smmr: u32| FillablePriceConfig { bankruptcy_adjustment_ppm: ba, spread_to_maintenance_margin_ratio_ppm: smmr };
    let r = |n, d| Rational::new(n, d).unwrap();
    let long = dpos(100, -950); // PNNV 1,000, PMMR 100
    let short = dpos(-100, 1_050); // PNNV −1,000, PMMR 100
    let d = cfg(1_000_000, 100_000); // BA 1, SMMR 10 %: largest spread 10
    check::<Result<Rational>>(&[
        // ABR = 1 − 50/100 = 1/2; spread 1/2 × 10 = 5; (1,000 − 5) / 100 = 199/20.
        ("long, ABR 1/2", fillable_price(&long, &TOTAL, -1, &d), Ok(r(199, 20))),
        // The price does not depend on the delta.
        ("long, ABR 1/2, close all", fillable_price(&long, &TOTAL, -100, &d), Ok(r(199, 20))),
        // Short: (−1,000 − 5) / −100 = 201/20.
        ("short, ABR 1/2", fillable_price(&short, &TOTAL, 1, &d), Ok(r(201, 20))),
        // TNC = TMMR: ABR 0, the oracle price 10.
        ("ABR 0", fillable_price(&long, &Risk { nc: 100, ..TOTAL }, -1, &d), Ok(Rational::from_int(10))),
        // TNC MAX: 1 − MAX/100 < 0 → clamp 0.
        ("TNC MAX", fillable_price(&long, &Risk { nc: IMAX, ..TOTAL }, -1, &d), Ok(Rational::from_int(10))),
        // TNC −50: 3/2 → clamp 1; (1,000 − 10) / 100 = 99/10.
        ("ABR clamps to 1", fillable_price(&long, &Risk { nc: -50, ..TOTAL }, -1, &d), Ok(r(99, 10))),
        // BA 2: 2 × 1/2 = 1 → 99/10.
        ("BA 2", fillable_price(&long, &TOTAL, -1, &cfg(2_000_000, 100_000)), Ok(r(99, 10))),
        // SMMR 1,000 %, ABR 1: spread 1,000 = PNNV → price exactly 0.
        ("price 0", fillable_price(&long, &Risk { nc: 0, ..TOTAL }, -1, &cfg(1_000_000, 10_000_000)), Ok(Rational::ZERO)),
        // SMMR u32::MAX, ABR 1: spread 100 × 4,294.967295 > 1,000 → negative.
        ("negative price", fillable_price(&long, &Risk { nc: 0, ..TOTAL }, -1, &cfg(1_000_000, u32::MAX)), Err(Error::NegativePrice)),
        // A short's price only rises: (−1,000 − 429,496.7295) / −100.
        (
            "short, SMMR u32::MAX",
            fillable_price(&short, &Risk { nc: 0, ..TOTAL }, 1, &cfg(1_000_000, u32::MAX)),
            Ok(r(4_304_967_295, 1_000_000)),
        ),
        ("delta 0", fillable_price(&long, &TOTAL, 0, &d), Err(Error::InvalidFillQuantity)),
        ("delta same side", fillable_price(&long, &TOTAL, 1, &d), Err(Error::InvalidFillQuantity)),
        ("TMMR 0", fillable_price(&long, &Risk { mmr: 0, ..TOTAL }, -1, &d), Err(Error::DivisionByZero)),
    ]);
}

#[test]
fn dydx_insurance_fund_delta() {
    let pair = ClobPair { step_base_quantums: 1, subticks_per_tick: 1, quantum_conversion_exponent: 0 };
    let fill = |is_buy, fill_amount, subticks| LiquidationFill { is_buy, fill_amount, subticks };
    let long = dpos(100, -950); // bankruptcy: 950 for all, 10 for one quantum
    let short = dpos(-100, 1_050); // bankruptcy −1,050 for all
    let f = |p: &DydxPosition, fee, fl: LiquidationFill| liquidation_insurance_fund_delta(p, &TOTAL, &pair, fee, &fl);
    check::<Result<i128>>(&[
        // Cash 100 × 10 = 1,000; Δ = 50; fee min(50, ⌊1,000 × 0.5 %⌋ = 5) = 5.
        ("sell all at oracle", f(&long, 5_000, fill(false, 100, 10)), Ok(5)),
        // Cash 900: Δ = −50, the fund covers 50.
        ("sell all at 9", f(&long, 5_000, fill(false, 100, 9)), Ok(-50)),
        // One quantum at the bankruptcy price 10: Δ = 0.
        ("one quantum at bankruptcy", f(&long, 5_000, fill(false, 1, 10)), Ok(0)),
        // At 11: Δ = 1, fee cap ⌊11 × 0.5 %⌋ = 0 → 0.
        ("one tick above, fee cap 0", f(&long, 5_000, fill(false, 1, 11)), Ok(0)),
        // Fee 100 %: cap 11, min(11, 1) = 1.
        ("one tick above, fee 100 %", f(&long, 1_000_000, fill(false, 1, 11)), Ok(1)),
        // Fee 0: nothing collected.
        ("fee 0", f(&long, 0, fill(false, 100, 10)), Ok(0)),
        // Short: pays 1,000, Δ = −1,000 + 1,050 = 50, fee min(50, 5) = 5.
        ("buy all at oracle", f(&short, 5_000, fill(true, 100, 10)), Ok(5)),
        // u64::MAX subticks: Δ = u64::MAX − 10, fee ⌊u64::MAX × 5,000 / 10^6⌋.
        ("subticks u64::MAX", f(&long, 5_000, fill(false, 1, u64::MAX)), Ok(92_233_720_368_547_758)),
        ("fill 0", f(&long, 5_000, fill(false, 0, 10)), Err(Error::InvalidFillQuantity)),
        ("buy on a long", f(&long, 5_000, fill(true, 1, 10)), Err(Error::InvalidFillQuantity)),
        ("fill > position", f(&long, 5_000, fill(false, 101, 10)), Err(Error::InvalidFillQuantity)),
        ("fill u64::MAX", f(&long, 5_000, fill(false, u64::MAX, 10)), Err(Error::InvalidFillQuantity)),
    ]);
}

#[test]
fn dydx_block_limits() {
    let lim = |min, portion| PositionBlockLimits { min_position_notional_liquidated: min, max_position_portion_liquidated_ppm: portion };
    let nl = |min, max| Ok(PositionNotionalLimits { min, max });
    let m = max_and_min_position_notional_liquidatable;
    check::<Result<PositionNotionalLimits>>(&[
        // Notional 1,000: min(300, 1,000) = 300, max(300, ⌊1,000 × 0.5⌋) = 500.
        ("min 300, 50 %", m(&dpos(100, 0), &lim(300, 500_000)), nl(300, 500)),
        ("short", m(&dpos(-100, 0), &lim(300, 500_000)), nl(300, 500)),
        // min capped at the notional.
        ("min 2,000, 100 %", m(&dpos(100, 0), &lim(2_000, 1_000_000)), nl(1_000, 1_000)),
        ("min u64::MAX, 0 %", m(&dpos(100, 0), &lim(u64::MAX, 0)), nl(1_000, 1_000)),
        ("min 0, 0 %", m(&dpos(100, 0), &lim(0, 0)), nl(0, 0)),
        // ⌊1,000 × 1 / 10^6⌋ = 0 < min 300.
        ("portion 1 ppm", m(&dpos(100, 0), &lim(300, 1)), nl(300, 300)),
        // Not validated here: ⌊1,000 × 4,294.967295⌋ = 4,294,967.
        ("portion u32::MAX", m(&dpos(100, 0), &lim(0, u32::MAX)), nl(0, 4_294_967)),
        ("position 0", m(&dpos(0, 0), &lim(300, 500_000)), nl(0, 0)),
        // Notional MIN: |MIN| does not fit.
        ("notional MIN", m(&DydxPosition { price: px(1), ..dpos(IMIN, 0) }, &lim(0, 1_000_000)), Err(Error::Overflow)),
    ]);
    let sl = SubaccountBlockLimits { max_notional_liquidated: 1_000, max_quantums_insurance_lost: 500 };
    let info = |perps: &'static [u32], n, i| SubaccountLiquidationInfo {
        perpetuals_liquidated: perps,
        notional_liquidated: n,
        quantums_insurance_lost: i,
    };
    let top = SubaccountBlockLimits { max_notional_liquidated: u64::MAX, max_quantums_insurance_lost: u64::MAX };
    check::<Result<i128>>(&[
        ("notional, fresh", subaccount_max_notional_liquidatable(&sl, &info(&[], 0, 0), 7), Ok(1_000)),
        ("notional, at limit", subaccount_max_notional_liquidatable(&sl, &info(&[], 1_000, 0), 7), Ok(0)),
        ("notional, limit − 1", subaccount_max_notional_liquidatable(&sl, &info(&[], 999, 0), 7), Ok(1)),
        ("notional, over limit", subaccount_max_notional_liquidatable(&sl, &info(&[], 1_001, 0), 7), Err(Error::BlockLimitExceeded)),
        // The "already liquidated" check comes first.
        (
            "notional, perp done",
            subaccount_max_notional_liquidatable(&sl, &info(&[7], 1_001, 0), 7),
            Err(Error::AlreadyLiquidatedThisBlock),
        ),
        ("notional, other perp done", subaccount_max_notional_liquidatable(&sl, &info(&[8], 0, 0), 7), Ok(1_000)),
        ("notional, u64::MAX", subaccount_max_notional_liquidatable(&top, &info(&[], 0, 0), 7), Ok(i128::from(u64::MAX))),
        ("insurance, fresh", subaccount_max_insurance_lost(&sl, &info(&[], 0, 0), 7), Ok(500)),
        ("insurance, at limit", subaccount_max_insurance_lost(&sl, &info(&[], 0, 500), 7), Ok(0)),
        ("insurance, over limit", subaccount_max_insurance_lost(&sl, &info(&[], 0, 501), 7), Err(Error::BlockLimitExceeded)),
        ("insurance, perp done", subaccount_max_insurance_lost(&sl, &info(&[7], 0, 0), 7), Err(Error::AlreadyLiquidatedThisBlock)),
        // The notional counter does not limit the insurance one.
        ("insurance, notional over", subaccount_max_insurance_lost(&sl, &info(&[], u64::MAX, 0), 7), Ok(500)),
        ("insurance, u64::MAX used", subaccount_max_insurance_lost(&top, &info(&[], 0, u64::MAX), 7), Ok(0)),
    ]);
}

#[test]
fn dydx_liquidatable_size_delta() {
    let pair = |step| ClobPair { step_base_quantums: step, subticks_per_tick: 1, quantum_conversion_exponent: 0 };
    let cfg = |min, portion| LiquidationConfig {
        position_block_limits: PositionBlockLimits { min_position_notional_liquidated: min, max_position_portion_liquidated_ppm: portion },
        ..LiquidationConfig::code_default()
    };
    let none = SubaccountLiquidationInfo::default();
    let d = liquidatable_position_size_delta;
    let half = cfg(300, 500_000); // position limit 500 of a 1,000 notional
    let used = |n| SubaccountLiquidationInfo { notional_liquidated: n, ..none };
    check::<Result<i128>>(&[
        // Code default: limit max(min(1,000, 1,000), 1,000) = 1,000 ≥ notional: close all.
        ("within limit: all", d(&dpos(100, 0), &pair(1), &LiquidationConfig::code_default(), &none), Ok(-100)),
        ("short, within limit", d(&dpos(-100, 0), &pair(1), &LiquidationConfig::code_default(), &none), Ok(100)),
        // Limit 500: 500 / 10 = 50 base quantums.
        ("half, step 1", d(&dpos(100, 0), &pair(1), &half, &none), Ok(-50)),
        ("short, half, step 1", d(&dpos(-100, 0), &pair(1), &half, &none), Ok(50)),
        // ⌊50 / 7⌋ × 7 = 49.
        ("half, step 7", d(&dpos(100, 0), &pair(7), &half, &none), Ok(-49)),
        // 50 rounds down to 0 < step 60: one step.
        ("half, step 60", d(&dpos(100, 0), &pair(60), &half, &none), Ok(-60)),
        // |position| ≤ step: all.
        ("step = position", d(&dpos(100, 0), &pair(100), &half, &none), Ok(-100)),
        ("step u64::MAX", d(&dpos(100, 0), &pair(u64::MAX), &half, &none), Ok(-100)),
        ("step 0", d(&dpos(100, 0), &pair(0), &half, &none), Err(Error::InvalidLotStep)),
        // Price 3, notional 300: limit ⌊300 × 0.333333⌋ = 99; ⌊99 / 3⌋ = 33 (truncated).
        ("truncating conversion", d(&DydxPosition { price: px(3), ..dpos(100, 0) }, &pair(1), &cfg(0, 333_333), &none), Ok(-33)),
        // Subaccount limit 10^14 − (10^14 − 200) = 200 < 1,000: 20 base quantums.
        ("subaccount limit 200", d(&dpos(100, 0), &pair(1), &LiquidationConfig::code_default(), &used(100_000_000_000_000 - 200)), Ok(-20)),
        // Subaccount limit 0: 0 base → clamped up to one step.
        ("subaccount limit 0", d(&dpos(100, 0), &pair(1), &LiquidationConfig::code_default(), &used(100_000_000_000_000)), Ok(-1)),
        (
            "subaccount over limit",
            d(&dpos(100, 0), &pair(1), &LiquidationConfig::code_default(), &used(100_000_000_000_001)),
            Err(Error::BlockLimitExceeded),
        ),
        (
            "perp already liquidated",
            d(&dpos(100, 0), &pair(1), &half, &SubaccountLiquidationInfo { perpetuals_liquidated: &[7], ..none }),
            Err(Error::AlreadyLiquidatedThisBlock),
        ),
        ("position 0", d(&dpos(0, 0), &pair(1), &half, &none), Err(Error::EmptyPosition)),
    ]);
}
