//! dYdX v4 replica edge tables: the big-number helpers, rationals and clamps,
//! quantum conversions, subticks and risk, the liquidity tier and margin
//! requirements, the bankruptcy and fillable prices, the insurance fund delta,
//! the block limits and the liquidatable size delta, `Rational::checked_sub`,
//! `clamp_unit`, `den`, `SubaccountLiquidationInfo` and the mainnet config.

use partliq::venues::dydx_v4::{self, *};
use partliq::*;

use crate::support::{check, IMAX, IMIN};

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
// dYdX v4: big-number helpers.

#[test]
fn dydx_big_helpers() {
    use dydx_v4::{big_div_ceil, big_int_mul_ppm, big_int_round_to_multiple, big_mul_ppm};
    check::<Result<i128>>(&[
        // 0 × anything = 0.
        ("big_mul_ppm(0, i128::MAX, up)", big_mul_ppm(0, IMAX, true), Ok(0)),
        // 1 × 1 / 10^6 = 10^-6: up → 1, down (toward −∞) → 0.
        ("big_mul_ppm(1, 1, up)", big_mul_ppm(1, 1, true), Ok(1)),
        ("big_mul_ppm(1, 1, down)", big_mul_ppm(1, 1, false), Ok(0)),
        // −10^-6: down (toward −∞) → −1, up → 0.
        ("big_mul_ppm(-1, 1, down)", big_mul_ppm(-1, 1, false), Ok(-1)),
        ("big_mul_ppm(-1, 1, up)", big_mul_ppm(-1, 1, true), Ok(0)),
        // MAX × 10^6 / 10^6 = MAX: the 256-bit intermediate keeps it exact.
        ("big_mul_ppm(MAX, 1e6)", big_mul_ppm(IMAX, 1_000_000, false), Ok(IMAX)),
        ("big_mul_ppm(MIN, 1e6)", big_mul_ppm(IMIN, 1_000_000, true), Ok(IMIN)),
        // MAX × (10^6 + 1) / 10^6 > MAX: does not fit.
        ("big_mul_ppm(MAX, 1e6+1)", big_mul_ppm(IMAX, 1_000_001, false), Err(Error::Overflow)),
        // MIN × −1 = 2^127 > MAX.
        ("big_mul_ppm(MIN, -1e6)", big_mul_ppm(IMIN, -1_000_000, false), Err(Error::Overflow)),
        // MIN × (−1 ppm) = 2^127 / 10^6: fits.
        ("big_mul_ppm(MIN, -1, down)", big_mul_ppm(IMIN, -1, false), Ok((1i128 << 126) / 500_000)),
        ("big_int_mul_ppm(MIN, 1e6)", big_int_mul_ppm(IMIN, 1_000_000), Ok(IMIN)),
        // −1 × 1 / 10^6 floored = −1.
        ("big_int_mul_ppm(-1, 1)", big_int_mul_ppm(-1, 1), Ok(-1)),
        ("big_int_mul_ppm(x, 0)", big_int_mul_ppm(IMAX, 0), Ok(0)),
        // MAX × ~4295 ≫ MAX.
        ("big_int_mul_ppm(MAX, u32::MAX)", big_int_mul_ppm(IMAX, u32::MAX), Err(Error::Overflow)),
        ("big_div_ceil(1, 0)", big_div_ceil(1, 0), Err(Error::DivisionByZero)),
        // ⌈±7 / ±2⌉: 3.5 → 4, −3.5 → −3.
        ("big_div_ceil(7, 2)", big_div_ceil(7, 2), Ok(4)),
        ("big_div_ceil(-7, 2)", big_div_ceil(-7, 2), Ok(-3)),
        ("big_div_ceil(7, -2)", big_div_ceil(7, -2), Ok(-3)),
        ("big_div_ceil(-7, -2)", big_div_ceil(-7, -2), Ok(4)),
        ("big_div_ceil(0, MIN)", big_div_ceil(0, IMIN), Ok(0)),
        ("big_div_ceil(MIN, 1)", big_div_ceil(IMIN, 1), Ok(IMIN)),
        // ⌈MAX / 2⌉ = 2^126 (MAX = 2^127 − 1).
        ("big_div_ceil(MAX, 2)", big_div_ceil(IMAX, 2), Ok(1i128 << 126)),
        // MIN / −1 = 2^127 does not fit.
        ("big_div_ceil(MIN, -1)", big_div_ceil(IMIN, -1), Err(Error::Overflow)),
        ("round_to_multiple(n, 0)", big_int_round_to_multiple(5, 0, true), Err(Error::OutOfRange)),
        ("round_to_multiple(n, -1)", big_int_round_to_multiple(5, -1, false), Err(Error::OutOfRange)),
        ("round_to_multiple(n, MIN)", big_int_round_to_multiple(5, IMIN, false), Err(Error::OutOfRange)),
        // 7 → 10 up, 5 down; −7 → −5 up, −10 down (toward −∞).
        ("round_to_multiple(7, 5, up)", big_int_round_to_multiple(7, 5, true), Ok(10)),
        ("round_to_multiple(7, 5, down)", big_int_round_to_multiple(7, 5, false), Ok(5)),
        ("round_to_multiple(-7, 5, up)", big_int_round_to_multiple(-7, 5, true), Ok(-5)),
        ("round_to_multiple(-7, 5, down)", big_int_round_to_multiple(-7, 5, false), Ok(-10)),
        ("round_to_multiple(0, MAX, up)", big_int_round_to_multiple(0, IMAX, true), Ok(0)),
        // MIN = −2^127 is a multiple of 2; MAX rounded up to a multiple of 2 is 2^127: no fit.
        ("round_to_multiple(MIN, 2, down)", big_int_round_to_multiple(IMIN, 2, false), Ok(IMIN)),
        ("round_to_multiple(MAX, 2, up)", big_int_round_to_multiple(IMAX, 2, true), Err(Error::Overflow)),
        // MAX down to a multiple of MAX is MAX; 1 up to a multiple of MAX is MAX.
        ("round_to_multiple(MAX, MAX, down)", big_int_round_to_multiple(IMAX, IMAX, false), Ok(IMAX)),
        ("round_to_multiple(1, MAX, up)", big_int_round_to_multiple(1, IMAX, true), Ok(IMAX)),
    ]);
}

#[test]
fn dydx_rational_and_clamp() {
    use dydx_v4::{big_rat_round, big_uint64_clamp};
    let r = |n, d| Rational::new(n, d).unwrap();
    check::<Result<i128>>(&[
        // ½: up 1, down 0; −½: up 0, down −1.
        ("round(1/2, up)", big_rat_round(r(1, 2), true), Ok(1)),
        ("round(1/2, down)", big_rat_round(r(1, 2), false), Ok(0)),
        ("round(-1/2, up)", big_rat_round(r(-1, 2), true), Ok(0)),
        ("round(-1/2, down)", big_rat_round(r(-1, 2), false), Ok(-1)),
        ("round(MIN/1)", big_rat_round(Rational::from_int(IMIN), true), Ok(IMIN)),
        ("round(MAX/1)", big_rat_round(Rational::from_int(IMAX), false), Ok(IMAX)),
        // MAX / 2 = 2^126 − ½: up 2^126, down 2^126 − 1.
        ("round(MAX/2, up)", big_rat_round(r(IMAX, 2), true), Ok(1i128 << 126)),
        ("round(MAX/2, down)", big_rat_round(r(IMAX, 2), false), Ok((1i128 << 126) - 1)),
        // 1 / MAX: up 1, down 0.
        ("round(1/MAX, up)", big_rat_round(r(1, IMAX), true), Ok(1)),
        ("round(1/MAX, down)", big_rat_round(r(1, IMAX), false), Ok(0)),
    ]);
    check::<Result<Rational>>(&[
        ("Rational::new(1, 0)", Rational::new(1, 0), Err(Error::DivisionByZero)),
        ("Rational::new(0, -5) = 0/1", Rational::new(0, -5), Ok(Rational::ZERO)),
        // 6 / −4 = −3/2 in lowest terms, positive denominator.
        ("Rational::new(6, -4)", Rational::new(6, -4), Ok(Rational::from_int(-3).checked_mul(r(1, 2)).unwrap())),
        // MAX / MAX = 1/1.
        ("Rational::new(MAX, MAX)", Rational::new(IMAX, IMAX), Ok(Rational::ONE)),
    ]);
    let m = u64::MAX;
    check::<u64>(&[
        ("clamp(-1, 0, MAX)", big_uint64_clamp(-1, 0, m), 0),
        ("clamp(MIN, 0, MAX)", big_uint64_clamp(IMIN, 0, m), 0),
        ("clamp(i128::MAX, 0, MAX)", big_uint64_clamp(IMAX, 0, m), m),
        // u64::MAX + 1 clamps to u64::MAX; u64::MAX stays.
        ("clamp(u64::MAX + 1)", big_uint64_clamp(i128::from(m) + 1, 0, m), m),
        ("clamp(u64::MAX)", big_uint64_clamp(i128::from(m), 0, m), m),
        ("clamp(0, 0, 0)", big_uint64_clamp(0, 0, 0), 0),
        // Overlapping bounds [10, 3]: n < lower → lower, otherwise upper.
        ("clamp(5, 10, 3)", big_uint64_clamp(5, 10, 3), 10),
        ("clamp(10, 10, 3)", big_uint64_clamp(10, 10, 3), 3),
        ("clamp(MAX, 10, 3)", big_uint64_clamp(IMAX, 10, 3), 3),
    ]);
}

// ---------------------------------------------------------------------------
// dYdX v4: quantum conversions.

#[test]
fn dydx_conversions() {
    use dydx_v4::{base_to_quote_quantums as b2q, fill_amount_to_quote_quantums as fill, quote_to_base_quantums as q2b};
    let um = u64::MAX;
    let (imax32, imin32) = (i32::MAX, i32::MIN);
    check::<Result<i128>>(&[
        // Exponent = price_exponent + atomic_resolution + 6.
        // e = 0: 1 × 1 = 1.
        ("b2q(1, -6, 1, 0)", b2q(1, -6, 1, 0), Ok(1)),
        ("b2q(0, -6, MAX, 0)", b2q(0, -6, um, 0), Ok(0)),
        // e = −1: ±1 / 10 truncates toward zero → 0; −19 / 10 → −1.
        ("b2q(1, -7, 1, 0)", b2q(1, -7, 1, 0), Ok(0)),
        ("b2q(-1, -7, 1, 0)", b2q(-1, -7, 1, 0), Ok(0)),
        ("b2q(-19, -7, 1, 0)", b2q(-19, -7, 1, 0), Ok(-1)),
        // e = 0, price 1: the base itself, at both extremes.
        ("b2q(MAX, -6, 1, 0)", b2q(IMAX, -6, 1, 0), Ok(IMAX)),
        ("b2q(MIN, -6, 1, 0)", b2q(IMIN, -6, 1, 0), Ok(IMIN)),
        ("b2q(MAX, -6, 2, 0)", b2q(IMAX, -6, 2, 0), Err(Error::Overflow)),
        // e = 38: 10^38 < 2^127 ≈ 1.7 × 10^38 fits; 2 × 10^38 and 10^39 do not.
        ("b2q(1, 32, 1, 0)", b2q(1, 32, 1, 0), Ok(10i128.pow(38))),
        ("b2q(2, 32, 1, 0)", b2q(2, 32, 1, 0), Err(Error::Overflow)),
        ("b2q(1, 33, 1, 0)", b2q(1, 33, 1, 0), Err(Error::Overflow)),
        // "Ok exactly when the result fits, for any exponents":
        // 0 × 10^(2^32) = 0; MAX × u64::MAX × 10^(−2^32) truncates to 0.
        ("b2q(0, i32::MAX, MAX, i32::MAX)", b2q(0, imax32, um, imax32), Ok(0)),
        ("b2q(MAX, i32::MIN, MAX, i32::MIN)", b2q(IMAX, imin32, um, imin32), Ok(0)),
        ("b2q(1, i32::MAX, 1, i32::MAX)", b2q(1, imax32, 1, imax32), Err(Error::Overflow)),
        // Price 0: notional 0.
        ("b2q(MAX, -6, 0, 0)", b2q(IMAX, -6, 0, 0), Ok(0)),
        ("q2b(x, _, 0, _)", q2b(1, -6, 0, 0), Err(Error::DivisionByZero)),
        ("q2b(1, -6, 1, 0)", q2b(1, -6, 1, 0), Ok(1)),
        // −1 / 2 truncates toward zero → 0.
        ("q2b(-1, -6, 2, 0)", q2b(-1, -6, 2, 0), Ok(0)),
        // e = −1: 1 / 10^−1 = 10; MAX × 10 does not fit.
        ("q2b(1, -7, 1, 0)", q2b(1, -7, 1, 0), Ok(10)),
        ("q2b(MAX, -7, 1, 0)", q2b(IMAX, -7, 1, 0), Err(Error::Overflow)),
        ("q2b(MIN, -6, 1, 0)", q2b(IMIN, -6, 1, 0), Ok(IMIN)),
        ("q2b(MIN, -6, MAX, 0)", q2b(IMIN, -6, um, 0), Ok(IMIN / i128::from(um))),
        // 0 × 10^(2^32) = 0; MAX / 10^(2^32) → 0.
        ("q2b(0, i32::MIN, 1, i32::MIN)", q2b(0, imin32, 1, imin32), Ok(0)),
        ("q2b(MAX, i32::MAX, 1, i32::MAX)", q2b(IMAX, imax32, 1, imax32), Ok(0)),
        ("fill(0, MAX, 38)", fill(0, um, 38), Ok(0)),
        // (2^64 − 1)^2 = 2^128 − 2^65 + 1 > 2^127 − 1: no fit; /10 fits.
        ("fill(MAX, MAX, 0)", fill(um, um, 0), Err(Error::Overflow)),
        ("fill(MAX, MAX, -1)", fill(um, um, -1), Ok(i128::try_from(u128::from(um) * u128::from(um) / 10).unwrap())),
        // 1 / 10 rounded down → 0.
        ("fill(1, 1, -1)", fill(1, 1, -1), Ok(0)),
        ("fill(1, 1, 38)", fill(1, 1, 38), Ok(10i128.pow(38))),
        ("fill(1, 1, 39)", fill(1, 1, 39), Err(Error::Overflow)),
        ("fill(MAX, MAX, i32::MIN)", fill(um, um, imin32), Ok(0)),
        ("fill(1, 1, i32::MAX)", fill(1, 1, imax32), Err(Error::Overflow)),
    ]);
}

#[test]
fn dydx_subticks_and_risk() {
    use dydx_v4::{fillable_price_to_subticks as to_subticks, subaccount_risk};
    let pair = |spt: u32, qce: i32| ClobPair { step_base_quantums: 1, subticks_per_tick: spt, quantum_conversion_exponent: qce };
    let r = |n, d| Rational::new(n, d).unwrap();
    let top10 = u64::MAX - u64::MAX % 10; // 18,446,744,073,709,551,610
    check::<Result<u64>>(&[
        ("price 1, spt 1, qce 0", to_subticks(Rational::ONE, true, &pair(1, 0)), Ok(1)),
        ("spt 0", to_subticks(Rational::ONE, true, &pair(0, 0)), Err(Error::InvalidTick)),
        ("negative price", to_subticks(r(-1, 1), false, &pair(1, 0)), Err(Error::NegativePrice)),
        // 0 subticks clamps up to one tick.
        ("price 0, spt 10", to_subticks(Rational::ZERO, false, &pair(10, 0)), Ok(10)),
        // Beyond u64: clamps to u64::MAX − u64::MAX % 10.
        ("price MAX, spt 10", to_subticks(Rational::from_int(IMAX), true, &pair(10, 0)), Ok(top10)),
        ("price u64::MAX, spt 1", to_subticks(Rational::from_int(u64::MAX.into()), false, &pair(1, 0)), Ok(u64::MAX)),
        // 1/3 × 10^1 = 3.33: long (sell) up → 4, short (buy) down → 3.
        ("1/3, qce -1, long", to_subticks(r(1, 3), true, &pair(1, -1)), Ok(4)),
        ("1/3, qce -1, short", to_subticks(r(1, 3), false, &pair(1, -1)), Ok(3)),
        // spt 2: 4 stays, 3 → 2 (down).
        ("1/3, qce -1, spt 2, long", to_subticks(r(1, 3), true, &pair(2, -1)), Ok(4)),
        ("1/3, qce -1, spt 2, short", to_subticks(r(1, 3), false, &pair(2, -1)), Ok(2)),
        // 1/3 at qce 0, short: 0 → clamped to 1 tick.
        ("1/3, qce 0, short", to_subticks(r(1, 3), false, &pair(1, 0)), Ok(1)),
    ]);
    check::<Result<Risk>>(&[
        // No positions: NC = USDC, no requirement.
        ("risk(0, [])", subaccount_risk(0, &[]), Ok(Risk { mmr: 0, imr: 0, nc: 0 })),
        ("risk(MAX, [])", subaccount_risk(IMAX, &[]), Ok(Risk { mmr: 0, imr: 0, nc: IMAX })),
        ("risk(MIN, [])", subaccount_risk(IMIN, &[]), Ok(Risk { mmr: 0, imr: 0, nc: IMIN })),
    ]);
    // Risk predicates at zero: NC ≥ IMR and NC ≥ MMR hold; liquidatable needs MMR > 0.
    let z = Risk::default();
    assert!(z.is_initial_collateralized() && z.is_maintenance_collateralized() && !z.is_liquidatable());
    // MMR 1, NC 0: liquidatable; NC MIN with MMR 0: not (MMR must be > 0).
    assert!(Risk { mmr: 1, imr: 1, nc: 0 }.is_liquidatable());
    assert!(!Risk { mmr: 0, imr: 0, nc: IMIN }.is_liquidatable());
    // Field-wise sum: MAX + 1 overflows.
    assert_eq!(Risk { mmr: 0, imr: 0, nc: IMAX }.checked_add(Risk { mmr: 0, imr: 0, nc: 1 }), Err(Error::Overflow));
}

// ---------------------------------------------------------------------------
// dYdX v4: exact fractions (lowest terms, positive denominator; equal values
// have equal `num` and `den`; `Overflow` when a figure does not fit), block
// info and the mainnet config.

fn r(n: i128, d: i128) -> Rational {
    Rational::new(n, d).unwrap()
}

/// `(num, den)`, to pin the reduced form itself.
fn nd(x: Result<Rational>) -> Result<(i128, i128)> {
    x.map(|q| (q.num(), q.den()))
}

const P126: i128 = 1 << 126;

#[test]
fn rational_checked_sub() {
    let i = Rational::from_int;
    check::<Result<(i128, i128)>>(&[
        ("0 − 0", nd(Rational::ZERO.checked_sub(Rational::ZERO)), Ok((0, 1))),
        // 3/6 − 2/6 = 1/6.
        ("1/2 − 1/3", nd(r(1, 2).checked_sub(r(1, 3))), Ok((1, 6))),
        // LCD 30: 5/30 − 3/30 = 2/30 = 1/15 (reduced).
        ("1/6 − 1/10", nd(r(1, 6).checked_sub(r(1, 10))), Ok((1, 15))),
        // Equal values: 0, as 0/1.
        ("1/2 − 1/2", nd(r(1, 2).checked_sub(r(1, 2))), Ok((0, 1))),
        // 1/3 + 2/3 = 3/3 = 1/1.
        ("1/3 − (−2/3)", nd(r(1, 3).checked_sub(r(-2, 3))), Ok((1, 1))),
        // −2/4 = −1/2: the sign on the numerator.
        ("1/4 − 3/4", nd(r(1, 4).checked_sub(r(3, 4))), Ok((-1, 2))),
        // Integer extremes.
        ("MAX − MAX", nd(i(IMAX).checked_sub(i(IMAX))), Ok((0, 1))),
        ("MIN − MIN", nd(i(IMIN).checked_sub(i(IMIN))), Ok((0, 1))),
        // 0 − MAX = −(2^127 − 1) = MIN + 1.
        ("0 − MAX", nd(Rational::ZERO.checked_sub(i(IMAX))), Ok((IMIN + 1, 1))),
        // 2^127 does not fit; MIN − 1 and MAX + 1 neither.
        ("0 − MIN", nd(Rational::ZERO.checked_sub(i(IMIN))), Err(Error::Overflow)),
        ("MIN − 1", nd(i(IMIN).checked_sub(Rational::ONE)), Err(Error::Overflow)),
        ("MAX − (−1)", nd(i(IMAX).checked_sub(i(-1))), Err(Error::Overflow)),
        // Results of exactly −2^127 = MIN fit (MIN / 1 is in lowest terms).
        ("MIN − 0", nd(i(IMIN).checked_sub(Rational::ZERO)), Ok((IMIN, 1))),
        ("−1 − MAX", nd(i(-1).checked_sub(i(IMAX))), Ok((IMIN, 1))),
        // MAX/2 − 1/2 = (2^127 − 2)/2 = 2^126 − 1.
        ("MAX/2 − 1/2", nd(r(IMAX, 2).checked_sub(r(1, 2))), Ok((P126 - 1, 1))),
        // Over the *least* common denominator 2^126 (the product 2^251
        // would not fit): 1/2^126 − 2/2^126 = −1/2^126.
        ("1/2^126 − 1/2^125", nd(r(1, P126).checked_sub(r(1, P126 / 2))), Ok((-1, P126))),
        // Denominator MAX: (MAX − 1)/MAX − 1 = −1/MAX; 1 − 1/MAX = (MAX − 1)/MAX.
        ("(MAX−1)/MAX − 1", nd(r(IMAX - 1, IMAX).checked_sub(Rational::ONE)), Ok((-1, IMAX))),
        ("1 − 1/MAX", nd(Rational::ONE.checked_sub(r(1, IMAX))), Ok((IMAX - 1, IMAX))),
        ("1/MAX − 0", nd(r(1, IMAX).checked_sub(Rational::ZERO)), Ok((1, IMAX))),
        ("1/MAX − 1/MAX", nd(r(1, IMAX).checked_sub(r(1, IMAX))), Ok((0, 1))),
        // Coprime denominators MAX and MAX − 1: the exact result
        // −1 / (MAX × (MAX − 1)) has a denominator beyond i128.
        ("1/MAX − 1/(MAX−1)", nd(r(1, IMAX).checked_sub(r(1, IMAX - 1))), Err(Error::Overflow)),
    ]);
}

#[test]
fn rational_clamp_and_den() {
    let i = Rational::from_int;
    let c = |x: Rational| nd(Ok(x.clamp_unit()));
    check::<Result<(i128, i128)>>(&[
        // Below 0 → 0/1.
        ("clamp MIN", c(i(IMIN)), Ok((0, 1))),
        ("clamp −1/2", c(r(-1, 2)), Ok((0, 1))),
        ("clamp −1/MAX", c(r(-1, IMAX)), Ok((0, 1))),
        // Inside [0, 1]: unchanged, bounds included.
        ("clamp 0", c(Rational::ZERO), Ok((0, 1))),
        ("clamp 1/MAX", c(r(1, IMAX)), Ok((1, IMAX))),
        ("clamp 1/2", c(r(1, 2)), Ok((1, 2))),
        ("clamp (MAX−1)/MAX", c(r(IMAX - 1, IMAX)), Ok((IMAX - 1, IMAX))),
        ("clamp 1", c(Rational::ONE), Ok((1, 1))),
        // Above 1 → 1/1.
        ("clamp MAX/(MAX−1)", c(r(IMAX, IMAX - 1)), Ok((1, 1))),
        ("clamp 2", c(i(2)), Ok((1, 1))),
        ("clamp MAX", c(i(IMAX)), Ok((1, 1))),
    ]);
    let den = |n, d| Rational::new(n, d).map(|q| q.den());
    check::<Result<i128>>(&[
        ("den ZERO", Ok(Rational::ZERO.den()), Ok(1)),
        ("den ONE", Ok(Rational::ONE.den()), Ok(1)),
        ("den from_int(MIN)", Ok(Rational::from_int(IMIN).den()), Ok(1)),
        ("den from_int(MAX)", Ok(Rational::from_int(IMAX).den()), Ok(1)),
        ("den 1/MAX", den(1, IMAX), Ok(IMAX)),
        // Always positive: 1/−MAX = −1/MAX; 6/−4 = −3/2; −6/−4 = 3/2.
        ("den 1/−MAX", den(1, -IMAX), Ok(IMAX)),
        ("den 6/−4", den(6, -4), Ok(2)),
        ("den −6/−4", den(-6, -4), Ok(2)),
        // 0 over anything is 0/1, even over MIN.
        ("den 0/MIN", den(0, IMIN), Ok(1)),
        // MIN/MIN = 1; MIN/2 = −2^126.
        ("den MIN/MIN", den(IMIN, IMIN), Ok(1)),
        ("den MIN/2", den(IMIN, 2), Ok(1)),
        ("den 1/2^126", den(1, P126), Ok(P126)),
        // 1/MIN = −1/2^127: the positive denominator 2^127 does not fit.
        ("den 1/MIN", den(1, IMIN), Err(Error::Overflow)),
        ("den 3/MIN", den(3, IMIN), Err(Error::Overflow)),
        // 1/2 × 2 = 1/1.
        ("den of a product", r(1, 2).checked_mul(Rational::from_int(2)).map(|q| q.den()), Ok(1)),
        // 1/3 − 1/6 = 1/6.
        ("den of a difference", r(1, 3).checked_sub(r(1, 6)).map(|q| q.den()), Ok(6)),
    ]);
}

#[test]
fn subaccount_info_has_perpetual() {
    let info = |ids: &'static [u32]| SubaccountLiquidationInfo { perpetuals_liquidated: ids, ..SubaccountLiquidationInfo::default() };
    let top = u32::MAX;
    check::<bool>(&[
        // Empty list: nothing liquidated, whatever the id.
        ("[] has 0", info(&[]).has_perpetual_been_liquidated(0), false),
        ("[] has MAX", info(&[]).has_perpetual_been_liquidated(top), false),
        ("default has 0", SubaccountLiquidationInfo::default().has_perpetual_been_liquidated(0), false),
        ("[0] has 0", info(&[0]).has_perpetual_been_liquidated(0), true),
        ("[0] has 1", info(&[0]).has_perpetual_been_liquidated(1), false),
        ("[0] has MAX", info(&[0]).has_perpetual_been_liquidated(top), false),
        ("[MAX] has MAX", info(&[u32::MAX]).has_perpetual_been_liquidated(top), true),
        ("[MAX] has MAX − 1", info(&[u32::MAX]).has_perpetual_been_liquidated(top - 1), false),
        // Any position in the list; duplicates are harmless.
        ("[7, 8] has 8", info(&[7, 8]).has_perpetual_been_liquidated(8), true),
        ("[7, 8] has 9", info(&[7, 8]).has_perpetual_been_liquidated(9), false),
        ("[7, 7] has 7", info(&[7, 7]).has_perpetual_been_liquidated(7), true),
        // The counters do not matter.
        (
            "counters at MAX, [] has 7",
            SubaccountLiquidationInfo { perpetuals_liquidated: &[], notional_liquidated: u64::MAX, quantums_insurance_lost: u64::MAX }
                .has_perpetual_been_liquidated(7),
            false,
        ),
    ]);
}

/// Usable in a constant (it is a `const fn`).
const GENESIS: LiquidationConfig = LiquidationConfig::mainnet_genesis();

#[test]
fn dydx_mainnet_genesis() {
    let g = LiquidationConfig::mainnet_genesis();
    // Doc comment (and docs/venues.md: fee 15,000; min notional 1e9;
    // portion 100,000; spread 1,500,000). USDC amounts × 10^6 quote quantums.
    check::<u64>(&[
        // 1.5 % = 15,000 ppm.
        ("fee", u64::from(g.max_liquidation_fee_ppm), 15_000),
        // BA 100 % = 10^6 ppm.
        ("BA", u64::from(g.fillable_price_config.bankruptcy_adjustment_ppm), 1_000_000),
        // SMMR 150 % = 1,500,000 ppm.
        ("SMMR", u64::from(g.fillable_price_config.spread_to_maintenance_margin_ratio_ppm), 1_500_000),
        // 1,000 USDC × 10^6 = 10^9.
        ("min notional", g.position_block_limits.min_position_notional_liquidated, 1_000_000_000),
        // 10 % = 100,000 ppm.
        ("portion", u64::from(g.position_block_limits.max_position_portion_liquidated_ppm), 100_000),
        // 100,000 USDC × 10^6 = 10^11.
        ("block notional", g.subaccount_block_limits.max_notional_liquidated, 100_000_000_000),
        // 1,000,000 USDC × 10^6 = 10^12.
        ("block insurance", g.subaccount_block_limits.max_quantums_insurance_lost, 1_000_000_000_000),
        ("BA = ONE_MILLION", u64::from(GENESIS.fillable_price_config.bankruptcy_adjustment_ppm), u64::from(ONE_MILLION)),
    ]);
    check::<Result<()>>(&[
        // Validate: BA ≥ 10^6, SMMR > 0 (150 % is allowed: only the fee and
        // portion are capped at 10^6), fee and portion in (0, 10^6], block
        // limits > 0.
        ("validate", g.validate(), Ok(())),
    ]);
    check::<bool>(&[
        // Every figure but BA differs from the code default (fee 5,000,
        // SMMR 100,000, min 1,000, portion 10^6, limits 10^14).
        ("≠ code default", g == LiquidationConfig::code_default(), false),
        (
            "same BA as code default",
            g.fillable_price_config.bankruptcy_adjustment_ppm
                == LiquidationConfig::code_default().fillable_price_config.bankruptcy_adjustment_ppm,
            true,
        ),
        ("≠ Default", g == LiquidationConfig::default(), false),
        ("const = call", GENESIS == g, true),
    ]);
}
