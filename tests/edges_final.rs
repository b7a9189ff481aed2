//! Final edge tables (issue 8): the dYdX v4 liquidation and margin functions,
//! Aave's close factor, collateral quote, `liquidationCall` and liquidation
//! info, and `Scanner::check` / `Scanner::confirm`.
//! Every expected value is derived from the function's documentation; the
//! arithmetic is in the comment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use partliq::presets::dydx_v4::*;
use partliq::*;

mod common;
use common::{check, IMAX, IMIN};

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

// ---------------------------------------------------------------------------
// Aave v3: close factor, collateral for debt, liquidationCall, liquidation
// info. Two $1 reserves with 8 decimals (price 1e8, unit 1e8), so 1 wei is
// worth exactly 1 base unit ($1e-8) and every value below is its own amount.
// LT 86 %, bonus 105 %, protocol fee 10 % unless a row says otherwise.

mod aave_edges {
    use super::{check, IMAX};
    use partliq::venues::aave_v3::*;
    use partliq::Error;

    const E8: i128 = 100_000_000;
    /// $2,000 and $1,000 in base units (8 decimals).
    const CF_MIN: i128 = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD;
    const LEFT_MIN: i128 = MIN_LEFTOVER_BASE;

    fn dollar(fee_bps: u32) -> Reserve {
        Reserve::new(E8, 8, 8_600, 10_500, fee_bps)
    }

    /// Reserve 0 holds collateral `c`, reserve 1 the debt `d`.
    fn pair(c: i128, d: i128) -> ([Reserve; 2], [UserReserve; 2]) {
        ([dollar(1_000), dollar(1_000)], [UserReserve::new(c, 0), UserReserve::new(0, d)])
    }

    fn cf(c: i128, d: i128) -> Result<(i128, CloseFactorRule), Error> {
        let (r, u) = pair(c, d);
        close_factor(&r, &u, 0, 1).map(|f| (f.max_liquidatable_debt, f.rule))
    }

    #[test]
    fn close_factor_edges() {
        use CloseFactorRule::*;
        let (r, u) = pair(CF_MIN, CF_MIN);
        // Three reserves: collateral 9.5e11 + 1 and two debts of 4.3e11 each.
        let r3 = [dollar(1_000), dollar(1_000), dollar(1_000)];
        let u3 = [UserReserve::new(950_000_000_001, 0), UserReserve::new(0, 430_000_000_000), UserReserve::new(0, 430_000_000_000)];
        check::<Result<(i128, CloseFactorRule), Error>>(&[
            // Collateral worth $2,000 − 1e-8 < threshold: the whole debt.
            ("collateral 2e11 − 1", cf(CF_MIN - 1, 250_000_000_000), Ok((250_000_000_000, CollateralBelowThreshold))),
            // Collateral at the threshold, debt 1 below: the whole debt.
            ("debt 2e11 − 1", cf(CF_MIN, CF_MIN - 1), Ok((CF_MIN - 1, DebtBelowThreshold))),
            // HF = wadDiv(9.5e11 × 8,600, 8.6e11) / 1e4 = 9,500e18 / 1e4 =
            // 0.95e18 exactly: at the threshold, the whole debt.
            ("HF = 0.95", cf(950_000_000_000, 860_000_000_000), Ok((860_000_000_000, HealthFactorAtOrBelowThreshold))),
            // One more wei of collateral: wadDiv adds 8,600e18 / 8.6e11 = 1e10,
            // HF = 0.95e18 + 1e6 > 0.95: half of the total debt 8.6e11,
            // percentMul(8.6e11, 50 %) = 4.3e11, converted at $1: 4.3e11.
            ("HF = 0.95 + 1e-12", cf(950_000_000_001, 860_000_000_000), Ok((430_000_000_000, HalfOfTotalDebt))),
            // Total debt 8.6e11, half 4.3e11; the reserve's 4.3e11 is not above
            // it: the whole reserve debt.
            (
                "reserve debt = half",
                close_factor(&r3, &u3, 0, 1).map(|f| (f.max_liquidatable_debt, f.rule)),
                Ok((430_000_000_000, ReserveDebtWithinHalf)),
            ),
            // No debt at all: the close factor is 0 wei of debt (collateral 0 < $2,000).
            ("no debt, no collateral", cf(0, 0), Ok((0, CollateralBelowThreshold))),
        ]);
        check::<Result<MaxLiquidatableDebt, Error>>(&[
            ("collateral index 2 of 2", close_factor(&r, &u, 2, 1), Err(Error::UnknownMarket)),
            ("debt index usize::MAX", close_factor(&r, &u, 0, usize::MAX), Err(Error::UnknownMarket)),
            ("empty slices", close_factor(&[], &[], 0, 0), Err(Error::UnknownMarket)),
            ("one user entry for two reserves", close_factor(&r, &u[..1], 0, 1), Err(Error::BufferTooSmall)),
            ("two user entries for one reserve", close_factor(&r[..1], &u, 0, 0), Err(Error::UnknownMarket)),
            ("scaled collateral i128::MIN", close_factor(&r, &[UserReserve::new(i128::MIN, 0), u[1]], 0, 1), Err(Error::OutOfRange)),
            ("scaled debt −1", close_factor(&r, &[u[0], UserReserve::new(0, -1)], 0, 1), Err(Error::OutOfRange)),
            // MAX × 1e8 / 1e8 = MAX is the value; × 8,600 for the weighted sum overflows.
            ("scaled collateral i128::MAX", close_factor(&r, &[UserReserve::new(IMAX, 0), u[1]], 0, 1), Err(Error::Overflow)),
            ("debt price 0", close_factor(&[r[0], Reserve { price: 0, ..r[1] }], &u, 0, 1), Err(Error::MissingPrice)),
            ("debt price −1", close_factor(&[r[0], Reserve { price: -1, ..r[1] }], &u, 0, 1), Err(Error::NegativePrice)),
            ("39 decimals", close_factor(&[Reserve { decimals: 39, ..r[0] }, r[1]], &u, 0, 1), Err(Error::OutOfRange)),
            ("bonus 9,999 bps", close_factor(&[Reserve { liquidation_bonus: 9_999, ..r[0] }, r[1]], &u, 0, 1), Err(Error::OutOfRange)),
            (
                "threshold 10,001 bps",
                close_factor(&[Reserve { liquidation_threshold: 10_001, ..r[0] }, r[1]], &u, 0, 1),
                Err(Error::FractionAbove100Percent),
            ),
            ("liquidity index RAY − 1", close_factor(&[r[0].with_indexes(RAY - 1, RAY), r[1]], &u, 0, 1), Err(Error::OutOfRange)),
        ]);
    }

    fn quote(debt: i128, balance: i128, bonus: u32, fee_bps: u32) -> Result<CollateralQuote, Error> {
        collateral_for_debt(&dollar(fee_bps), &dollar(1_000), debt, balance, bonus)
    }

    const fn q(to_liquidator: i128, repaid: i128, fee: i128, bonus: i128, base: i128, capped: bool) -> CollateralQuote {
        CollateralQuote {
            collateral_to_liquidator: to_liquidator,
            debt_repaid: repaid,
            protocol_fee: fee,
            bonus_collateral: bonus,
            base_collateral: base,
            capped_by_balance: capped,
        }
    }

    #[test]
    fn collateral_for_debt_edges() {
        let d38 = Reserve::new(E8, 38, 8_600, 10_500, 1_000);
        check::<Result<CollateralQuote, Error>>(&[
            // Nothing asked, nothing held: all zero.
            ("0 debt, 0 balance", quote(0, 0, 10_500, 1_000), Ok(q(0, 0, 0, 0, 0, false))),
            // 1 wei: base 1, seized ⌊1 × 1.05⌋ = 1, bonus part 1 − ⌊1 / 1.05⌋ = 1,
            // fee ⌈1 × 10 %⌉ = 1: the treasury takes the one wei, the liquidator 0.
            ("1 wei of debt", quote(1, 10_000_000_000, 10_500, 1_000), Ok(q(0, 1, 1, 1, 1, false))),
            // Same without a protocol fee: the bonus part is not computed.
            ("1 wei, fee 0", quote(1, 10_000_000_000, 10_500, 0), Ok(q(1, 1, 0, 0, 1, false))),
            // 2e10 asked, 2.1e10 wanted > balance 1e10: seize 1e10, debt
            // ⌈1e10 / 1.05⌉ = ⌈9,523,809,523.8⌉ = 9,523,809,524; bonus part
            // 1e10 − 9,523,809,523 = 476,190,477, fee ⌈47,619,047.7⌉ = 47,619,048.
            (
                "capped by balance 1e10",
                quote(20_000_000_000, 10_000_000_000, 10_500, 1_000),
                Ok(q(9_952_380_952, 9_523_809_524, 47_619_048, 476_190_477, 20_000_000_000, true)),
            ),
            // Exactly the balance: ⌊9,523,809,524 × 1.05⌋ = ⌊10,000,000,000.2⌋ = 1e10, not above: not capped.
            (
                "seized = balance",
                quote(9_523_809_524, 10_000_000_000, 10_500, 1_000),
                Ok(q(9_952_380_952, 9_523_809_524, 47_619_048, 476_190_477, 9_523_809_524, false)),
            ),
            // Balance 0: everything wanted is capped to 0; debt ⌈0⌉ = 0.
            ("balance 0", quote(1_000, 0, 10_500, 1_000), Ok(q(0, 0, 0, 0, 1_000, true))),
            // Bonus 100 %: seized = debt, no bonus part, no fee.
            ("bonus 10,000", quote(100, 1_000, 10_000, 1_000), Ok(q(100, 100, 0, 0, 100, false))),
            ("bonus 10,000 at i128::MAX", quote(IMAX, IMAX, 10_000, 1_000), Ok(q(IMAX, IMAX, 0, 0, IMAX, false))),
            // ⌊MAX × 1.05⌋ does not fit before the cap is applied.
            ("bonus 10,500 at i128::MAX", quote(IMAX, 10_000_000_000, 10_500, 1_000), Err(Error::Overflow)),
            ("bonus 9,999", quote(100, 1_000, 9_999, 1_000), Err(Error::OutOfRange)),
            ("debt −1", quote(-1, 1_000, 10_500, 1_000), Err(Error::OutOfRange)),
            ("balance i128::MIN", quote(1, i128::MIN, 10_500, 1_000), Err(Error::OutOfRange)),
            ("debt price 0", collateral_for_debt(&dollar(0), &Reserve { price: 0, ..dollar(0) }, 1, 1, 10_500), Err(Error::MissingPrice)),
            (
                "collateral price −1",
                collateral_for_debt(&Reserve { price: -1, ..dollar(0) }, &dollar(0), 1, 1, 10_500),
                Err(Error::NegativePrice),
            ),
            // P_coll × U_debt = 1e8 × 1e38 does not fit i128: a clear error, not a wrong figure.
            ("debt with 38 decimals", collateral_for_debt(&dollar(0), &d38, 1, 1, 10_500), Err(Error::Overflow)),
        ]);
    }

    fn call(cover: i128, receive_a_token: bool) -> LiquidationCall {
        LiquidationCall { collateral_index: 0, debt_index: 1, debt_to_cover: cover, receive_a_token }
    }

    type After = ([UserReserve; 2], [i128; 2]);

    fn liquidate(c: i128, d: i128, call: LiquidationCall) -> Result<(Liquidation, After), Error> {
        let (r, u) = pair(c, d);
        let (mut after, mut deficits) = ([UserReserve::default(); 2], [0i128; 2]);
        let l = liquidation_call(&r, &u, &call, &mut after, &mut deficits)?;
        Ok((l, (after, deficits)))
    }

    fn err(c: i128, d: i128, call: LiquidationCall) -> Option<Error> {
        liquidate(c, d, call).err()
    }

    #[test]
    fn liquidation_call_validation_edges() {
        let (r, u) = pair(220_000_000_000, 210_000_000_000);
        let mut after = [UserReserve::default(); 2];
        let mut deficits = [0i128; 2];
        let not_collateral = [UserReserve { use_as_collateral: false, ..u[0] }, u[1]];
        check::<Option<Error>>(&[
            // HF = wadDiv(1e12 × 8,600, 8.6e11) / 1e4 = 1e18: not below 1.
            ("HF = 1", err(1_000_000_000_000, 860_000_000_000, call(IMAX, false)), Some(ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD)),
            ("no debt (HF = MAX)", err(1_000, 0, call(IMAX, false)), Some(ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD)),
            // Liquidating reserve 0's debt, which is 0 (HF 0.9 < 1).
            (
                "debt reserve not borrowed",
                liquidation_call(&r, &u, &LiquidationCall { debt_index: 0, ..call(IMAX, false) }, &mut after, &mut deficits).err(),
                Some(ERR_NOT_BORROWED),
            ),
            // Collateral bit off: no collateral counts, HF 0 < 1, then refused.
            (
                "collateral not enabled",
                liquidation_call(&r, &not_collateral, &call(IMAX, false), &mut after, &mut deficits).err(),
                Some(ERR_COLLATERAL_CANNOT_BE_LIQUIDATED),
            ),
            ("debt_to_cover −1", err(220_000_000_000, 210_000_000_000, call(-1, false)), Some(Error::OutOfRange)),
            ("debt_to_cover i128::MIN", err(220_000_000_000, 210_000_000_000, call(i128::MIN, false)), Some(Error::OutOfRange)),
            // Nothing repaid: the debt burn would be zero scaled units.
            ("debt_to_cover 0", err(220_000_000_000, 210_000_000_000, call(0, false)), Some(ERR_INVALID_BURN_AMOUNT)),
            (
                "collateral index 2",
                liquidation_call(&r, &u, &LiquidationCall { collateral_index: 2, ..call(IMAX, false) }, &mut after, &mut deficits).err(),
                Some(Error::UnknownMarket),
            ),
            (
                "user_after too short",
                liquidation_call(&r, &u, &call(IMAX, false), &mut after[..1], &mut deficits).err(),
                Some(Error::BufferTooSmall),
            ),
            ("deficits empty", liquidation_call(&r, &u, &call(IMAX, false), &mut after, &mut []).err(), Some(Error::BufferTooSmall)),
            ("empty slices", liquidation_call(&[], &[], &call(IMAX, false), &mut [], &mut []).err(), Some(Error::UnknownMarket)),
            (
                "user slice short",
                liquidation_call(&r, &u[..1], &call(IMAX, false), &mut after, &mut deficits).err(),
                Some(Error::BufferTooSmall),
            ),
        ]);
    }

    #[test]
    fn liquidation_call_amount_edges() {
        // C 2.2e11, D 2.1e11: HF = 2.2e11 × 0.86 / 2.1e11 = 0.9009… ≤ 0.95, so
        // the whole debt is liquidatable.
        let (c, d) = (220_000_000_000, 210_000_000_000);
        // Repaying 1.1e11 leaves debt 1e11 = $1,000 exactly (not below) and
        // collateral 2.2e11 − ⌊1.1e11 × 1.05⌋ = 1.045e11: passes.
        let (l, (after, deficits)) = liquidate(c, d, call(110_000_000_000, false)).unwrap();
        assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
        // Seized 1.155e11, bonus part 5.5e9, fee 5.5e8, liquidator 1.1495e11.
        assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (110_000_000_000, 114_950_000_000, 550_000_000));
        assert_eq!((after[0].scaled_collateral, after[1].scaled_debt, deficits), (104_500_000_000, LEFT_MIN, [0, 0]));
        // One wei more leaves debt worth $1,000 − 1e-8.
        assert_eq!(err(c, d, call(110_000_000_001, false)), Some(ERR_MUST_NOT_LEAVE_DUST));

        // debtToCover = MAX: 2.1e11 wanted, ⌊2.1e11 × 1.05⌋ = 2.205e11 > 2.2e11:
        // seize all 2.2e11, debt ⌈2.2e11 / 1.05⌉ = 209,523,809,524; bonus part
        // 2.2e11 − 209,523,809,523 = 10,476,190,477, fee ⌈1,047,619,047.7⌉ =
        // 1,047,619,048, liquidator 218,952,380,952. No collateral left: the
        // whole debt is burned and 2.1e11 − 209,523,809,524 = 476,190,476 is deficit.
        let (l, (after, deficits)) = liquidate(c, d, call(IMAX, false)).unwrap();
        assert_eq!(l.dust, DustCheck::AllCollateralSeized);
        assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (209_523_809_524, 218_952_380_952, 1_047_619_048));
        assert!(l.collateral_fully_consumed && l.has_no_collateral_left);
        assert_eq!((l.deficit, l.bad_debt_reserves, l.scaled.debt_burned), (476_190_476, 0, d));
        assert_eq!(after, [UserReserve { scaled_collateral: 0, use_as_collateral: false, scaled_debt: 0 }, UserReserve::new(0, 0)]);
        assert_eq!(deficits, [0, 476_190_476]);
        assert_eq!(l.account_after.health_factor, HEALTH_FACTOR_NO_DEBT);

        // 1 wei of collateral against 1 wei of debt (HF 0.86): the whole debt
        // is repaid, the 1 wei seized goes to the treasury as fee and the
        // liquidator gets 0 — refused when that is an underlying burn…
        assert_eq!(err(1, 1, call(IMAX, false)), Some(ERR_INVALID_BURN_AMOUNT));
        // …accepted as an aToken transfer of 0.
        let (l, (after, deficits)) = liquidate(1, 1, call(IMAX, true)).unwrap();
        assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee, l.dust), (1, 0, 1, DustCheck::AllDebtRepaid));
        assert_eq!((after[0].scaled_collateral, after[1].scaled_debt, deficits), (0, 0, [0, 0]));

        // Just below HF 1: C 1e12 − 1, D 8.6e11 → HF = 1e18 − 1e6 > 0.95: the
        // close factor caps MAX at 4.3e11; seized 4.515e11, fee 2.15e9.
        let (l, (after, _)) = liquidate(1_000_000_000_000 - 1, 860_000_000_000, call(IMAX, false)).unwrap();
        assert_eq!(l.account_before.health_factor, 1_000_000_000_000_000_000 - 1_000_000);
        assert_eq!((l.debt_requested, l.collateral_to_liquidator, l.protocol_fee), (430_000_000_000, 449_350_000_000, 2_150_000_000));
        assert_eq!((after[0].scaled_collateral, after[1].scaled_debt), (548_499_999_999, 430_000_000_000));
    }

    fn info(c: i128, d: i128, fee_bps: u32, cover: i128) -> Result<LiquidationInfo, Error> {
        let r = [dollar(fee_bps), dollar(1_000)];
        liquidation_info(&r, &[UserReserve::new(c, 0), UserReserve::new(0, d)], 0, 1, cover)
    }

    const fn li(coll: i128, debt: i128, fee: i128, pass: i128) -> LiquidationInfo {
        LiquidationInfo { max_collateral_to_liquidate: coll, max_debt_to_liquidate: debt, protocol_fee: fee, amount_to_pass: pass }
    }

    #[test]
    fn liquidation_info_edges() {
        let none = Ok(LiquidationInfo::default());
        let r = [dollar(1_000), dollar(1_000)];
        let off = [UserReserve { use_as_collateral: false, ..UserReserve::new(250_000_000_000, 0) }, UserReserve::new(0, 250_000_000_000)];
        check::<Result<LiquidationInfo, Error>>(&[
            ("HF = 1", info(1_000_000_000_000, 860_000_000_000, 1_000, IMAX), none),
            ("no debt", info(1_000, 0, 1_000, IMAX), none),
            ("collateral not enabled", liquidation_info(&r, &off, 0, 1, IMAX), none),
            // C = D = 2.5e11, HF 0.86: whole debt asked, ⌊2.5e11 × 1.05⌋ > 2.5e11:
            // seize all, debt ⌈2.5e11 / 1.05⌉ = 238,095,238,096; bonus part
            // 2.5e11 − 238,095,238,095 = 11,904,761,905, fee ⌈1,190,476,190.5⌉ =
            // 1,190,476,191, liquidator 248,809,523,809. Aave's provider passes
            // MAX only when the debt or the liquidator's collateral (after the
            // fee) is the whole balance — neither is, so the debt figure is passed.
            (
                "all collateral, fee 10 %",
                info(250_000_000_000, 250_000_000_000, 1_000, IMAX),
                Ok(li(248_809_523_809, 238_095_238_096, 1_190_476_191, 238_095_238_096)),
            ),
            // Without a fee the liquidator's collateral is the whole balance: MAX.
            ("all collateral, fee 0", info(250_000_000_000, 250_000_000_000, 0, IMAX), Ok(li(250_000_000_000, 238_095_238_096, 0, IMAX))),
            // C 2.2e11, D 2.1e11, asking 1.2e11: leftovers 2.2e11 − 1.26e11 =
            // 9.4e10 and 9e10, short by 6e9 and 1e10; the debt side is further
            // below, so debt −= 1e10 → 1.1e11, collateral ⌊1.1e11 × 1.05⌋ =
            // 1.155e11, fee 10 % of 5.5e9 = 5.5e8, liquidator 1.1495e11.
            (
                "debt leftover adjusted",
                info(220_000_000_000, 210_000_000_000, 1_000, 120_000_000_000),
                Ok(li(114_950_000_000, 110_000_000_000, 550_000_000, 110_000_000_000)),
            ),
            // C 2.2e11, D 2.4e11, asking 1.3e11: seized 1.365e11, fee 6.5e8,
            // liquidator 1.3585e11; leftovers 8.35e10 (short 1.65e10) and 1.1e11.
            // Collateral side: 1.3585e11 − 1.65e10 = 1.1935e11, debt
            // ⌈1.1935e11 / 1.05⌉ = ⌈113,666,666,666.7⌉ = 113,666,666,667; fee on
            // 1.1935e11 − 113,666,666,666 = 5,683,333,334 is ⌈568,333,333.4⌉ =
            // 568,333,334; liquidator 1.1935e11 − 568,333,334 = 118,781,666,666.
            (
                "collateral leftover adjusted",
                info(220_000_000_000, 240_000_000_000, 1_000, 130_000_000_000),
                Ok(li(118_781_666_666, 113_666_666_667, 568_333_334, 113_666_666_667)),
            ),
            // Asking 0: both leftovers are large, nothing to adjust.
            ("debt_to_cover 0", info(220_000_000_000, 210_000_000_000, 1_000, 0), Ok(li(0, 0, 0, 0))),
            // A small account asking 0: the collateral side is $1,000 short
            // (5e10 below) and the helper would subtract 5e10 from 0.
            ("small account, 0 asked", info(50_000_000_000, 60_000_000_000, 1_000, 0), Err(Error::Overflow)),
            ("debt_to_cover −1", info(220_000_000_000, 210_000_000_000, 1_000, -1), Err(Error::OutOfRange)),
            ("collateral index 2", liquidation_info(&r, &off, 2, 1, IMAX), Err(Error::UnknownMarket)),
            ("empty slices", liquidation_info(&[], &[], 0, 0, IMAX), Err(Error::UnknownMarket)),
        ]);
        // The amounts the provider reports pass the pool's dust rule.
        let (l, _) = liquidate(220_000_000_000, 240_000_000_000, call(113_666_666_667, false)).unwrap();
        assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
        let (l, _) = liquidate(250_000_000_000, 250_000_000_000, call(238_095_238_096, false)).unwrap();
        assert_eq!((l.dust, l.debt_repaid), (DustCheck::AllCollateralSeized, 238_095_238_096));
    }
}

// ---------------------------------------------------------------------------
// Scanner::check and Scanner::confirm. One market: lot 1, tick 1, IM 10 %,
// MM 5 %, mark 100.

mod scanner_edges {
    use super::check;
    use partliq::*;

    fn setup() -> ([Market; 1], [Price; 1]) {
        ([Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))], [Price(100)])
    }

    fn pos(m: u32, size: i64, qb: i64) -> Position {
        Position { market_index: m, size: Size(size), quote_balance: Quote(qb) }
    }

    fn acct(collateral: i64, first: u32, count: u32) -> ScanAccount {
        ScanAccount { collateral: Quote(collateral), first_position: first, position_count: count }
    }

    /// Equity, maintenance and state of a pool that is not healthy.
    type Verdict = Result<Option<(i64, i64, HealthState)>>;

    /// `Some(figures)` when not healthy, `None` when healthy.
    fn state(r: Result<Option<Health>>) -> Verdict {
        r.map(|h| h.map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)))
    }

    #[test]
    fn check_edges() {
        let (markets, prices) = setup();
        let mut table = [ScanMarket::EMPTY; 1];
        let s = Scanner::new(&mut table, &markets, &prices);
        let mut empty_table: [ScanMarket; 0] = [];
        let slow = Scanner::new(&mut empty_table, &markets, &prices);
        // Long 100 @ 100 = 10,000 notional, MM 5 % = 500.
        let at = |qb: i64| [pos(0, 100, qb)];
        let ps = [at(-9_500), at(-9_501), at(-10_000), at(-10_001)];
        let too_many = vec![pos(0, 1, 0); MAX_POSITIONS + 1];
        let rows: Vec<(&str, Verdict, Verdict)> = vec![
            // No positions: MM 0, healthy at any collateral ≥ 0.
            ("no positions, collateral 0", state(s.check(&acct(0, 0, 0), &[])), Ok(None)),
            // Equity −1 < 0: bankrupt even without a requirement.
            ("no positions, collateral −1", state(s.check(&acct(-1, 0, 0), &[])), Ok(Some((-1, 0, HealthState::Bankrupt)))),
            (
                "no positions, collateral i64::MIN",
                state(s.check(&acct(i64::MIN, 0, 0), &[])),
                Ok(Some((i64::MIN, 0, HealthState::Bankrupt))),
            ),
            ("no positions, collateral i64::MAX", state(s.check(&acct(i64::MAX, 0, 0), &[])), Ok(None)),
            // Equity 10,000 − 9,500 = 500 = MM: healthy (not below).
            ("equity = maintenance", state(s.check(&acct(0, 0, 1), &ps[0])), Ok(None)),
            ("equity = maintenance − 1", state(s.check(&acct(0, 0, 1), &ps[1])), Ok(Some((499, 500, HealthState::Liquidatable)))),
            // Equity 0: liquidatable, not bankrupt; −1: bankrupt.
            ("equity 0", state(s.check(&acct(0, 0, 1), &ps[2])), Ok(Some((0, 500, HealthState::Liquidatable)))),
            ("equity −1", state(s.check(&acct(0, 0, 1), &ps[3])), Ok(Some((-1, 500, HealthState::Bankrupt)))),
            // Collateral makes up the difference.
            ("collateral 1 covers", state(s.check(&acct(1, 0, 1), &ps[1])), Ok(None)),
            // Collateral i64::MAX plus 500 of equity does not fit a quote.
            ("collateral i64::MAX + equity", state(s.check(&acct(i64::MAX, 0, 1), &ps[0])), Err(Error::Overflow)),
            ("range past the end", state(s.check(&acct(0, 1, 1), &ps[0])), Err(Error::UnknownPosition)),
            ("range u32::MAX", state(s.check(&acct(0, u32::MAX, u32::MAX), &ps[0])), Err(Error::UnknownPosition)),
            ("unknown market", state(s.check(&acct(0, 0, 1), &[pos(1, 1, 0)])), Err(Error::UnknownMarket)),
            // A flat position in an unknown market is still an unknown market.
            ("flat, unknown market", state(s.check(&acct(0, 0, 1), &[pos(1, 0, 0)])), Err(Error::UnknownMarket)),
            // Health has no position limit (only the planner has): 65 longs of
            // 1 @ 100, equity 6,500 ≥ MM 65 × 5 = 325.
            ("MAX_POSITIONS + 1", state(s.check(&acct(0, 0, too_many.len() as u32), &too_many)), Ok(None)),
        ];
        check(&rows);
        // The exact path alone (no table) gives the same answers.
        for (a, p) in [(acct(0, 0, 1), &ps[0][..]), (acct(0, 0, 1), &ps[1][..]), (acct(-1, 0, 0), &[][..]), (acct(0, 1, 1), &ps[0][..])] {
            assert_eq!(s.check(&a, p), slow.check(&a, p), "{a:?}");
        }
        // A zero or missing mark: only a non-zero position needs it.
        let zero = [Price(0)];
        let mut t = [ScanMarket::EMPTY; 1];
        let z = Scanner::new(&mut t, &markets, &zero);
        assert_eq!(z.check(&acct(0, 0, 1), &ps[0]), Err(Error::MissingPrice));
        assert_eq!(z.check(&acct(0, 0, 1), &[pos(0, 0, 0)]), Ok(None));
        let mut t = [ScanMarket::EMPTY; 1];
        let no_price = Scanner::new(&mut t, &markets, &[]);
        assert_eq!(no_price.check(&acct(0, 0, 1), &ps[0]), Err(Error::MissingPrice));
    }

    #[test]
    fn confirm_edges() {
        let (markets, prices) = setup();
        let mut table = [ScanMarket::EMPTY; 1];
        let s = Scanner::new(&mut table, &markets, &prices);
        // Account 0 healthy far from the boundary (equity 1,000, MM 500),
        // account 1 liquidatable (499 < 500), account 2 at the boundary
        // (equity 500 = MM: healthy, but only the exact check can tell).
        let positions = [pos(0, 100, -9_000), pos(0, 100, -9_501), pos(0, 100, -9_500)];
        let accounts = [acct(0, 0, 1), acct(0, 1, 1), acct(0, 2, 1)];
        let e = |account: u32, position: u32| IndexEntry { key: 0, account, position };
        let mut one = [ScanHit::default(); 1];
        let o = |count, next, end, exact_checks| ScanOutcome { count, next, end, exact_checks };
        check(&[
            ("no entries", s.confirm(&[], &accounts, &positions, 0, &mut one), o(0, 0, ScanEnd::Complete, 0)),
            // A healthy account is proven by the fast path: no exact check.
            ("healthy entry", s.confirm(&[e(0, 0)], &accounts, &positions, 0, &mut one), o(0, 1, ScanEnd::Complete, 0)),
            ("boundary entry", s.confirm(&[e(2, 2)], &accounts, &positions, 0, &mut one), o(0, 1, ScanEnd::Complete, 1)),
            ("unhealthy entry", s.confirm(&[e(1, 1)], &accounts, &positions, 0, &mut one), o(1, 1, ScanEnd::Complete, 1)),
            // Named twice with room for one: the second stops the run at entry 1.
            ("twice, one slot", s.confirm(&[e(1, 1), e(1, 1)], &accounts, &positions, 0, &mut one), o(1, 1, ScanEnd::BufferFull, 2)),
            ("no hit buffer", s.confirm(&[e(1, 1)], &accounts, &positions, 0, &mut []), o(0, 0, ScanEnd::BufferFull, 1)),
            (
                "account 3 of 3",
                s.confirm(&[e(0, 0), e(3, 0)], &accounts, &positions, 0, &mut one),
                o(0, 1, ScanEnd::Failed(Error::UnknownPosition), 0),
            ),
            (
                "account u32::MAX",
                s.confirm(&[e(u32::MAX, 0)], &accounts, &positions, 0, &mut one),
                o(0, 0, ScanEnd::Failed(Error::UnknownPosition), 0),
            ),
            // Starting at the end or past it examines nothing; `next` never goes back.
            ("start = len", s.confirm(&[e(1, 1)], &accounts, &positions, 1, &mut one), o(0, 1, ScanEnd::Complete, 0)),
            ("start past the end", s.confirm(&[e(1, 1)], &accounts, &positions, 5, &mut one), o(0, 5, ScanEnd::Complete, 0)),
            (
                "start usize::MAX",
                s.confirm(&[e(1, 1)], &accounts, &positions, usize::MAX, &mut one),
                o(0, usize::MAX, ScanEnd::Complete, 0),
            ),
            ("scan start past the end", s.scan(&accounts, &positions, 7, &mut one), o(0, 7, ScanEnd::Complete, 0)),
        ]);
        // The hit names the account (not the entry) with its exact health.
        s.confirm(&[e(0, 0), e(1, 1)], &accounts, &positions, 0, &mut one);
        assert_eq!((one[0].account_index, one[0].health.equity, one[0].health.maintenance_requirement), (1, Quote(499), Quote(500)));
    }
}

// ---------------------------------------------------------------------------
// The remaining shared-memory entry points (reservation handles, release,
// window usage, partial debits, floors, raw-memory checks, payload words),
// the checked integer helpers and error descriptions.

mod shared_api_edges {
    use super::common::zeroed;
    use super::{check, IMAX, IMIN};
    use partliq::num::{add, mul, sub};
    use partliq::shared::{
        check_raw_memory, Capacity, CapacityLimits, Debit, InsuranceFund, Params, Payload, Reservation, WordReader, WordWriter, UNLIMITED,
    };
    use partliq::{Error, Ppm, Quote, Result};

    #[test]
    fn reservation_release_and_window_edges() {
        // Any raw value round-trips; validity is checked on use.
        check::<u64>(&[
            ("raw 0", Reservation::from_raw(0).to_raw(), 0),
            ("raw u64::MAX", Reservation::from_raw(u64::MAX).to_raw(), u64::MAX),
        ]);
        // Market 0: window of 10 time units with budget 100; market 1: no window.
        let limits = [CapacityLimits { window_len: 10, window_budget: 100, block_budget: UNLIMITED }, CapacityLimits::UNLIMITED];
        let mut mem = zeroed(Capacity::words(2, 2).unwrap());
        let c = Capacity::init(&mut mem, &limits, 2).unwrap();
        // Nothing was reserved: handles 0 (entry 0, generation 0, free) and
        // u64::MAX (entry 2^32 − 1 of 2) name no live reservation.
        check::<Result<()>>(&[
            ("release raw 0", c.release(Reservation::from_raw(0)), Err(Error::UnknownReservation)),
            ("release raw u64::MAX", c.release(Reservation::from_raw(u64::MAX)), Err(Error::UnknownReservation)),
        ]);
        let r = c.reserve(0, 30, 0, 0, false).unwrap();
        // Window epoch ⌊now / 10⌋: 0 for now 0 and 9, 1 for now 10.
        check::<Result<u64>>(&[
            ("window used at 0", c.window_used(0, 0), Ok(30)),
            ("window used at 9", c.window_used(0, 9), Ok(30)),
            ("window used at 10 (next window)", c.window_used(0, 10), Ok(0)),
            ("window used at u64::MAX", c.window_used(0, u64::MAX), Ok(0)),
            ("window not enforced", c.window_used(1, 0), Ok(0)),
            ("market 2 of 2", c.window_used(2, 0), Err(Error::UnknownMarket)),
            ("market usize::MAX", c.window_used(usize::MAX, 0), Err(Error::UnknownMarket)),
            ("available after reserving 30", c.available(0, 0, 0), Ok(70)),
        ]);
        // The handle survives the raw round trip; release gives all 30 back,
        // and the handle is spent.
        let raw = Reservation::from_raw(r.reservation.to_raw());
        assert_eq!(c.release(raw), Ok(()));
        assert_eq!((c.window_used(0, 0), c.available(0, 0, 0)), (Ok(0), Ok(100)));
        assert_eq!(c.release(raw), Err(Error::UnknownReservation));
        // The entry's next generation: the old handle still names nothing live.
        let r2 = c.reserve(0, 100, 0, 0, false).unwrap();
        assert_ne!(r2.reservation, raw);
        assert_eq!(c.release(raw), Err(Error::UnknownReservation));
        assert_eq!(c.window_used(0, 0), Ok(100));
        assert_eq!(c.release(r2.reservation), Ok(()));
    }

    #[test]
    fn fund_partial_debit_and_floor_edges() {
        let d = |debited: i64, balance: i64| Ok(Debit { debited: Quote(debited), balance: Quote(balance) });
        let mut mem = zeroed(InsuranceFund::words());
        let f = InsuranceFund::init(&mut mem, Quote(100), Quote(40)).unwrap();
        // Room above the floor 100 − 40 = 60: a debit up to 100 takes 60.
        check::<Result<Debit>>(&[
            ("negative", f.debit_up_to(Quote(-1)), Err(Error::OutOfRange)),
            ("i64::MIN", f.debit_up_to(Quote(i64::MIN)), Err(Error::OutOfRange)),
            ("zero", f.debit_up_to(Quote(0)), d(0, 100)),
            ("100 of room 60", f.debit_up_to(Quote(100)), d(60, 40)),
            ("at the floor", f.debit_up_to(Quote(1)), d(0, 40)),
        ]);
        // Raising the floor above the balance: nothing more can go, even
        // partially; a zero whole debit still succeeds.
        assert_eq!(f.set_floor(Quote(i64::MAX)), Ok(()));
        assert_eq!(f.floor(), Ok(Quote(i64::MAX)));
        check::<Result<Debit>>(&[("floor above balance", f.debit_up_to(Quote(i64::MAX)), d(0, 40))]);
        assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
        assert_eq!(f.debit(Quote(0)), Ok(Quote(40)));
        // Floor i64::MIN: room 40 − (−2^63) = 2^63 + 40 > i64::MAX, so the
        // whole i64::MAX goes: 40 − (2^63 − 1) = −2^63 + 41.
        assert_eq!(f.set_floor(Quote(i64::MIN)), Ok(()));
        check::<Result<Debit>>(&[("floor i64::MIN", f.debit_up_to(Quote(i64::MAX)), d(i64::MAX, i64::MIN + 41))]);
        // Room now 41: asking i64::MAX takes 41 and reaches i64::MIN exactly.
        check::<Result<Debit>>(&[("down to i64::MIN", f.debit_up_to(Quote(i64::MAX)), d(41, i64::MIN))]);
        let l = f.ledger().unwrap();
        // initial 100 + credits 0 − debits (60 + (2^63 − 1) + 41) = −2^63.
        assert_eq!((l.debits, l.balance), (60 + i64::MAX as u128 + 41, Quote(i64::MIN)));
        assert!(l.is_balanced());
    }

    #[test]
    fn raw_memory_edges() {
        check::<Result<()>>(&[
            ("nothing at 0", check_raw_memory(0, 0, 0), Ok(())),
            ("one word exactly", check_raw_memory(8, 8, 1), Ok(())),
            // 15 bytes hold ⌊15 / 8⌋ = 1 word.
            ("two words in 15 bytes", check_raw_memory(8, 15, 2), Err(Error::SharedMemoryTooSmall)),
            ("7 bytes", check_raw_memory(8, 7, 1), Err(Error::SharedMemoryTooSmall)),
            ("address 1", check_raw_memory(1, 64, 1), Err(Error::SharedMemoryMisaligned)),
            ("address 4", check_raw_memory(4, 64, 1), Err(Error::SharedMemoryMisaligned)),
            // Alignment is checked first.
            ("address usize::MAX, nothing", check_raw_memory(usize::MAX, 0, 1), Err(Error::SharedMemoryMisaligned)),
            ("usize::MAX bytes", check_raw_memory(8, usize::MAX, usize::MAX / 8), Ok(())),
            ("usize::MAX words", check_raw_memory(8, usize::MAX, usize::MAX), Err(Error::SharedMemoryTooSmall)),
        ]);
    }

    /// Two words: a `u32` pair and an `i64`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Packed {
        lo: u32,
        hi: u32,
        signed: i64,
    }

    impl Payload for Packed {
        const WORDS: usize = 2;
        fn encode(&self, out: &mut WordWriter<'_>) {
            out.put_u32_pair(self.lo, self.hi);
            out.put_i64(self.signed);
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            let (lo, hi) = input.get_u32_pair();
            Packed { lo, hi, signed: input.get_i64() }
        }
    }

    /// Reads the two words of `Packed` as raw `u64`s.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Raw([u64; 2]);

    impl Payload for Raw {
        const WORDS: usize = 2;
        fn encode(&self, out: &mut WordWriter<'_>) {
            out.put(self.0[0]);
            out.put(self.0[1]);
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            Raw([input.get(), input.get()])
        }
    }

    /// Declares one word, writes and reads three (a broken impl).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Long(u64);

    impl Payload for Long {
        const WORDS: usize = 1;
        fn encode(&self, out: &mut WordWriter<'_>) {
            (0..3).for_each(|_| out.put(self.0));
        }
        fn decode(input: &mut WordReader<'_>) -> Self {
            let words = [input.get(), input.get(), input.get()];
            Long(words[0] | words[1] | words[2])
        }
    }

    #[test]
    fn payload_word_edges() {
        let extremes = Packed { lo: u32::MAX, hi: 0, signed: i64::MIN };
        let mut mem = zeroed(Params::<Packed>::words(2).unwrap());
        let p = Params::<Packed>::init(&mut mem, 2, &extremes).unwrap();
        assert_eq!(p.read().unwrap().value, extremes);
        let other = Packed { lo: 0, hi: u32::MAX, signed: i64::MAX };
        assert_eq!(p.publish(&other), Ok(2));
        assert_eq!(p.read().unwrap().value, other);
        // put_u32_pair(a, b) puts `a` in the low half: (1, 2) is 1 + 2 × 2^32;
        // put_i64(−1) is all ones.
        let words = {
            let mut packed_mem = zeroed(Params::<Packed>::words(2).unwrap());
            Params::<Packed>::init(&mut packed_mem, 2, &Packed { lo: 1, hi: 2, signed: -1 }).unwrap();
            Params::<Raw>::attach(&packed_mem).unwrap().read().unwrap().value
        };
        check::<Raw>(&[("u32 pair and i64 words", words, Raw([1 + (2 << 32), u64::MAX]))]);
        // A payload writing past its declared words is refused at init.
        let mut long_mem = zeroed(Params::<Long>::words(2).unwrap());
        assert_eq!(Params::<Long>::init(&mut long_mem, 2, &Long(5)).err(), Some(Error::PayloadSizeMismatch));
        // The extremes of the built-in payloads round-trip.
        let mut m = zeroed(Params::<u32>::words(2).unwrap());
        let u = Params::<u32>::init(&mut m, 2, &u32::MAX).unwrap();
        assert_eq!(u.read().unwrap().value, u32::MAX);
        let mut m = zeroed(Params::<i32>::words(2).unwrap());
        let i = Params::<i32>::init(&mut m, 2, &i32::MIN).unwrap();
        assert_eq!(i.read().unwrap().value, i32::MIN);
        assert_eq!(i.publish(&i32::MAX), Ok(2));
        assert_eq!(i.read().unwrap().value, i32::MAX);
    }

    #[test]
    fn checked_integer_edges() {
        check::<Result<i128>>(&[
            ("MAX + 1", add(IMAX, 1), Err(Error::Overflow)),
            ("MIN + −1", add(IMIN, -1), Err(Error::Overflow)),
            ("MAX + MIN", add(IMAX, IMIN), Ok(-1)),
            ("0 + 0", add(0, 0), Ok(0)),
            ("MIN − 1", sub(IMIN, 1), Err(Error::Overflow)),
            ("0 − MIN", sub(0, IMIN), Err(Error::Overflow)),
            ("−1 − MIN", sub(-1, IMIN), Ok(IMAX)),
            ("MAX − MAX", sub(IMAX, IMAX), Ok(0)),
            ("MIN × −1", mul(IMIN, -1), Err(Error::Overflow)),
            ("MAX × −1", mul(IMAX, -1), Ok(IMIN + 1)),
            ("0 × MIN", mul(0, IMIN), Ok(0)),
            // 2^63 × 2^63 = 2^126 fits; 2^64 × 2^63 = 2^127 does not.
            ("2^63 × 2^63", mul(1 << 63, 1 << 63), Ok(1 << 126)),
            ("2^64 × 2^63", mul(1 << 64, 1 << 63), Err(Error::Overflow)),
            ("−2^64 × 2^63 = MIN", mul(-(1 << 64), 1 << 63), Ok(IMIN)),
        ]);
        check::<Result<Ppm>>(&[
            ("0 %", Ppm(0).at_most_one(Error::InvalidBuffer), Ok(Ppm(0))),
            ("100 %", Ppm(1_000_000).at_most_one(Error::InvalidBuffer), Ok(Ppm(1_000_000))),
            ("100 % + 1 ppm", Ppm(1_000_001).at_most_one(Error::InvalidBuffer), Err(Error::InvalidBuffer)),
            ("u32::MAX", Ppm(u32::MAX).at_most_one(Error::FractionAbove100Percent), Err(Error::FractionAbove100Percent)),
        ]);
        check::<&str>(&[
            ("Overflow", Error::Overflow.as_str(), "arithmetic overflow: a figure does not fit its integer type"),
            ("DivisionByZero", Error::DivisionByZero.as_str(), "division by zero"),
            ("TooManyPositions", Error::TooManyPositions.as_str(), "more positions than MAX_POSITIONS in one pool"),
        ]);
        // Usable in constants.
        const DESCRIPTION: &str = Error::OutOfRange.as_str();
        assert_eq!(DESCRIPTION, "value out of range");
    }
}
