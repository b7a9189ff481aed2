//! dYdX v4's own unit-test tables, replayed against `partliq::venues::dydx_v4`,
//! to the quantum.
//!
//! Every table below is one Go test function of `dydxprotocol/v4-chain` at
//! commit `84d4664bae71e3a077adaac67fb77ad19cd28d30` (branch `main`,
//! 2026-03-04); each row keeps the Go row's name. Expected values are dYdX's;
//! the inputs are dYdX's test constants (`protocol/testutil/constants`):
//!
//! * markets (`prices.go`, `TestMarketPrices`): BTC-USD price 5,000,000,000 at
//!   exponent −5 ($50,000), ETH-USD 3,000,000,000 at −6 ($3,000);
//! * perpetuals (`perpetuals.go`): `BtcUsd_20PercentInitial_10PercentMaintenance`
//!   (id 0, atomic resolution −8, liquidity tier 3),
//!   `EthUsd_20PercentInitial_10PercentMaintenance` (id 1, −9, tier 3),
//!   `BtcUsd_100PercentMarginRequirement` (id 0, −8, tier 0); tier 3 is 20 %
//!   initial with a 50 % maintenance fraction and no open-interest caps,
//!   tier 0 is 100 % / 100 %;
//! * CLOB pairs (`clob_pair.go`): `ClobPair_Btc` (step 5, 5 subticks per tick,
//!   exponent −8), `ClobPair_Btc3` (10, 100, −8), `ClobPair_Eth` (1,000, 1,000, −9);
//! * liquidation configs (`liquidation_configs.go`,
//!   `x/clob/types/liquidations_config_keeper.go`).
//!
//! **Keeper state.** The `x/clob/keeper` tests build a chain state (markets,
//! perpetuals, a subaccount with a USDC asset position and perpetual
//! positions) and call the keeper. partliq has no chain state: these tests
//! pass the same positions directly and compute the subaccount totals (TNC,
//! TMMR) with `subaccount_risk` from the same USDC balance and positions, which
//! is what the keeper's `GetNetCollateralAndMarginRequirements` returns for an
//! empty update (funding is zero in every row). The per-block liquidation info
//! is passed as a plain struct. Rows that depend on keeper lookups with no
//! counterpart here (a non-existent perpetual id) are listed and skipped.

use partliq::venues::dydx_v4::*;
use partliq::Error;

/// The commit every table is taken from.
const COMMIT: &str = "84d4664bae71e3a077adaac67fb77ad19cd28d30";

fn big(s: &str) -> i128 {
    s.parse().unwrap()
}

// ---------------------------------------------------------------------------
// dYdX's test constants
// ---------------------------------------------------------------------------

const ONE_DOLLAR: i128 = 1_000_000;

const BTC_PRICE: MarketPrice = MarketPrice { price: 5_000_000_000, exponent: -5 };
const ETH_PRICE: MarketPrice = MarketPrice { price: 3_000_000_000, exponent: -6 };

const TIER_0: LiquidityTier = LiquidityTier {
    initial_margin_ppm: 1_000_000,
    maintenance_fraction_ppm: 1_000_000,
    open_interest_lower_cap: 0,
    open_interest_upper_cap: 0,
};
const TIER_3: LiquidityTier = LiquidityTier {
    initial_margin_ppm: 200_000,
    maintenance_fraction_ppm: 500_000,
    open_interest_lower_cap: 0,
    open_interest_upper_cap: 0,
};

/// `BtcUsd_20PercentInitial_10PercentMaintenance`.
const BTC: DydxPerpetual = DydxPerpetual { id: 0, atomic_resolution: -8, open_interest: 0, liquidity_tier: TIER_3 };
/// `EthUsd_20PercentInitial_10PercentMaintenance`.
const ETH: DydxPerpetual = DydxPerpetual { id: 1, atomic_resolution: -9, open_interest: 0, liquidity_tier: TIER_3 };
/// `BtcUsd_100PercentMarginRequirement`.
const BTC_100: DydxPerpetual = DydxPerpetual { id: 0, atomic_resolution: -8, open_interest: 0, liquidity_tier: TIER_0 };

const CLOB_BTC: ClobPair = ClobPair { step_base_quantums: 5, subticks_per_tick: 5, quantum_conversion_exponent: -8 };
const CLOB_BTC3: ClobPair = ClobPair { step_base_quantums: 10, subticks_per_tick: 100, quantum_conversion_exponent: -8 };
const CLOB_ETH: ClobPair = ClobPair { step_base_quantums: 1_000, subticks_per_tick: 1_000, quantum_conversion_exponent: -9 };

fn btc(quantums: i128) -> DydxPosition {
    DydxPosition { perpetual: BTC, price: BTC_PRICE, quantums, quote_balance: 0 }
}
fn eth(quantums: i128) -> DydxPosition {
    DydxPosition { perpetual: ETH, price: ETH_PRICE, quantums, quote_balance: 0 }
}

// `PerpetualPosition_*` constants (positions.go).
const ONE_BTC: i128 = 100_000_000;
const ONE_TENTH_BTC: i128 = 10_000_000;
const FOUR_THOUSANDTHS_BTC: i128 = 400_000;
const ONE_TENTH_ETH: i128 = 100_000_000;

const FILLABLE_DEFAULT: FillablePriceConfig =
    FillablePriceConfig { bankruptcy_adjustment_ppm: 1_000_000, spread_to_maintenance_margin_ratio_ppm: 100_000 };

const POSITION_NO_LIMIT: PositionBlockLimits =
    PositionBlockLimits { min_position_notional_liquidated: 1, max_position_portion_liquidated_ppm: 1_000_000 };
const SUBACCOUNT_NO_LIMIT: SubaccountBlockLimits =
    SubaccountBlockLimits { max_notional_liquidated: u64::MAX, max_quantums_insurance_lost: u64::MAX };

/// `LiquidationsConfig_No_Limit`.
const CONFIG_NO_LIMIT: LiquidationConfig = LiquidationConfig {
    max_liquidation_fee_ppm: 5_000,
    fillable_price_config: FILLABLE_DEFAULT,
    position_block_limits: POSITION_NO_LIMIT,
    subaccount_block_limits: SUBACCOUNT_NO_LIMIT,
};

fn config(position: PositionBlockLimits, subaccount: SubaccountBlockLimits) -> LiquidationConfig {
    LiquidationConfig {
        max_liquidation_fee_ppm: 5_000,
        fillable_price_config: FILLABLE_DEFAULT,
        position_block_limits: position,
        subaccount_block_limits: subaccount,
    }
}

fn rat(n: i128, d: i128) -> Rational {
    Rational::new(n, d).unwrap()
}

#[test]
fn presets_match_dydx_sources() {
    // `LiquidationsConfig_Default` (x/clob/types/liquidations_config_keeper.go).
    let d = LiquidationConfig::code_default();
    assert_eq!(d.max_liquidation_fee_ppm, 5_000);
    assert_eq!(d.fillable_price_config, FILLABLE_DEFAULT);
    assert_eq!(d.position_block_limits.min_position_notional_liquidated, 1_000);
    assert_eq!(d.position_block_limits.max_position_portion_liquidated_ppm, 1_000_000);
    assert_eq!(d.subaccount_block_limits.max_notional_liquidated, 100_000_000_000_000);
    assert_eq!(d.subaccount_block_limits.max_quantums_insurance_lost, 100_000_000_000_000);
    assert_eq!(LiquidationConfig::default(), d);
    // protocol/testing/mainnet/genesis.json, app_state.clob.liquidations_config.
    let m = LiquidationConfig::mainnet_genesis();
    assert_eq!(m.max_liquidation_fee_ppm, 15_000);
    assert_eq!(m.fillable_price_config.bankruptcy_adjustment_ppm, 1_000_000);
    assert_eq!(m.fillable_price_config.spread_to_maintenance_margin_ratio_ppm, 1_500_000);
    assert_eq!(m.position_block_limits.min_position_notional_liquidated, 1_000_000_000);
    assert_eq!(m.position_block_limits.max_position_portion_liquidated_ppm, 100_000);
    assert_eq!(m.subaccount_block_limits.max_notional_liquidated, 100_000_000_000);
    assert_eq!(m.subaccount_block_limits.max_quantums_insurance_lost, 1_000_000_000_000);
    d.validate().unwrap();
    m.validate().unwrap();
    CONFIG_NO_LIMIT.validate().unwrap();
    assert_eq!(COMMIT.len(), 40);
}

// ---------------------------------------------------------------------------
// protocol/lib/quantums_test.go
// ---------------------------------------------------------------------------

/// `TestBaseToQuoteQuantums` (protocol/lib/quantums_test.go @ 84d4664): 10 rows.
#[test]
fn go_test_base_to_quote_quantums() {
    // (name, base, atomic resolution, price, price exponent, expected)
    let rows: [(&str, i128, i32, u64, i32, i128); 10] = [
        ("Converts from base to quote quantums", 1, -6, 1, 1, 10),
        ("Correctly converts negative value", -100, -6, 1, 1, -1000),
        ("priceExponent is negative", 5_000_000, -6, 7, -5, 350),
        ("priceExponent is zero", 5_000_000, -6, 7, 0, 35_000_000),
        ("baseCurrencyAtomicResolution is greater than 10^6", 5_000_000, -8, 7, 0, 350_000),
        ("baseCurrencyAtomicResolution is less than 10^6", 5_000_000, -4, 7, 1, 35_000_000_000),
        ("Calculation rounds down", 9, -8, 1, 1, 0),
        ("Negative calculation rounds up", -9, -8, 1, 1, 0),
        ("Calculation overflows", i128::from(u64::MAX), -6, 2, 0, big("36893488147419103230")),
        ("Calculation underflows", -i128::from(u64::MAX), -6, 2, 0, big("-36893488147419103230")),
    ];
    for (name, base, res, price, exp, want) in rows {
        assert_eq!(base_to_quote_quantums(base, res, price, exp).unwrap(), want, "{name}");
    }
}

/// `BenchmarkBaseToQuoteQuantums` (same file): its two asserted results. The
/// second, 2,276,555,874,282,755,105,905,825,041,901,000,000,000 ≈ 2.3·10^39,
/// does not fit `i128` (max ≈ 1.7·10^38): partliq returns `Overflow`.
#[test]
fn go_benchmark_base_to_quote_quantums() {
    let v = 1_234_123_412_341;
    assert_eq!(base_to_quote_quantums(v, -8, 18_446_744_073_709_551_610, -10).unwrap(), big("22765558742827551059"));
    assert_eq!(base_to_quote_quantums(v, -8, 18_446_744_073_709_551_610, 10), Err(Error::Overflow));
}

/// `TestQuoteToBaseQuantums` (protocol/lib/quantums_test.go @ 84d4664): 12 rows.
#[test]
fn go_test_quote_to_base_quantums() {
    let rows: [(&str, i128, i32, u64, i32, i128); 12] = [
        ("Converts from base to quote quantums", 10, -6, 1, 1, 1),
        ("Correctly converts negative value", -1000, -6, 1, 1, -100),
        ("priceExponent is negative", 350, -6, 7, -5, 5_000_000),
        ("priceExponent is zero", 35_000_000, -6, 7, 0, 5_000_000),
        ("realistic values: 1 BTC at $29001", 29_001_000_000, -10, 2_900_100_000, -5, 10_000_000_000),
        ("realistic values: 25.123 BTC at $29001", 728_592_123_000, -10, 2_900_100_000, -5, 251_230_000_000),
        ("baseCurrencyAtomicResolution is greater than 10^6", 350_000, -8, 7, 0, 5_000_000),
        ("baseCurrencyAtomicResolution is less than 10^6", 35_000_000_000, -4, 7, 1, 5_000_000),
        ("Calculation rounds down", 99, -6, 1, 1, 9),
        ("Negative calculation rounds up", -99, -6, 1, 1, -9),
        ("Calculation overflows", i128::from(u64::MAX), -7, 1, 0, big("184467440737095516150")),
        ("Calculation underflows", -i128::from(u64::MAX), -7, 1, 0, big("-184467440737095516150")),
    ];
    for (name, quote, res, price, exp, want) in rows {
        assert_eq!(quote_to_base_quantums(quote, res, price, exp).unwrap(), want, "{name}");
    }
}

/// `BenchmarkQuoteToBaseQuantums` (same file): its two asserted results.
#[test]
fn go_benchmark_quote_to_base_quantums() {
    let v = big("18446744073709551610");
    assert_eq!(quote_to_base_quantums(v, -8, 1_234_123_412_341, -10).unwrap(), big("14947244245790664347"));
    assert_eq!(quote_to_base_quantums(v, -8, 1_234_123_412_341, 6).unwrap(), 1494);
}

/// `TestFillAmountToQuoteQuantums` (protocol/x/clob/types/quantums_test.go @ 84d4664): 5 rows.
#[test]
fn go_test_fill_amount_to_quote_quantums() {
    // (name, base quantums, subticks, quantum conversion exponent, expected)
    let rows: [(&str, u64, u64, i32, i128); 5] = [
        ("Converts from base to quote quantums", 1, 1, 1, 10),
        ("quantumConversionExponent is negative", 1_000, 5_000_000, -4, 500_000),
        ("quantumConversionExponent is zero", 5_000_000, 1, 0, 5_000_000),
        ("Calculation rounds down and can return 0 quoteQuantums", 9, 1, -1, 0),
        ("Calculation overflows", u64::MAX, 1, 6, big("18446744073709551615000000")),
    ];
    for (name, base, subticks, qce, want) in rows {
        assert_eq!(fill_amount_to_quote_quantums(subticks, base, qce).unwrap(), want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// protocol/lib/big_math_test.go
// ---------------------------------------------------------------------------

/// `TestBigMulPpm` (protocol/lib/big_math_test.go @ 84d4664): 11 rows.
#[test]
fn go_test_big_mul_ppm() {
    let rows: [(&str, i128, i128, bool, i128); 11] = [
        ("Positive round down", 543_211, 876_543, false, 476_147),
        ("Negative round down", -543_211, 876_543, false, -476_148),
        ("Positive round up", 543_211, 876_543, true, 476_148),
        ("Negative round up", -543_211, 876_543, true, -476_147),
        ("Zero val", 0, 876_543, true, 0),
        ("Zero ppm", 543_211, 0, true, 0),
        ("Zero val and ppm", 0, 0, true, 0),
        ("Negative val", -543_211, 876_543, true, -476_147),
        ("Negative ppm", 543_211, -876_543, true, -476_147),
        ("Negative val and ppm", -543_211, -876_543, true, 476_148),
        ("Greater than max int64", big("1000000000000000000000000"), 10_000, true, big("10000000000000000000000")),
    ];
    for (name, val, ppm, up, want) in rows {
        assert_eq!(big_mul_ppm(val, ppm, up).unwrap(), want, "{name}");
    }
}

/// `TestBigIntMulPpm` (protocol/lib/big_math_test.go @ 84d4664): 9 rows.
#[test]
fn go_test_big_int_mul_ppm() {
    let rows: [(&str, i128, u32, i128); 9] = [
        ("Ppm of 5", 1_000_000, 5, 5),
        ("Ppm of 10^6", 1_000_000, 1_000_000, 1_000_000),
        ("Ppm of 0", 1_000_000, 0, 0),
        ("Ppm over 10^6", 1_000_000, 1_000_000_000, 1_000_000_000),
        ("Ppm of max uint32", 1_000_000, u32::MAX, 4_294_967_295),
        ("Positive rounding towards negative infinity", 3, 500_000, 1),
        ("Negative rounding towards negative infinity", -3, 500_000, -2),
        ("0 input", 0, 1_000_000, 0),
        ("Input greater than max uint", big("1000000000000000000000000"), 10_000, big("10000000000000000000000")),
    ];
    for (name, input, ppm, want) in rows {
        assert_eq!(big_int_mul_ppm(input, ppm).unwrap(), want, "{name}");
    }
}

/// `TestBigDivCeil` (protocol/lib/big_math_test.go @ 84d4664): 10 rows; the
/// Go panic on a zero denominator is `Error::DivisionByZero`.
#[test]
fn go_test_big_div_ceil() {
    let rows: [(&str, i128, i128, i128); 9] = [
        ("Divides evenly", 10, 5, 2),
        ("Doesn't divide evenly", 10, 3, 4),
        ("Negative numerator", -10, 3, -3),
        ("Negative numerator 2", -1, 2, 0),
        ("Negative denominator", 10, -3, -3),
        ("Negative denominator 2", 1, -2, 0),
        ("Negative numerator and denominator", -10, -3, 4),
        ("Negative numerator and denominator 2", -1, -2, 1),
        ("Zero numerator", 0, 3, 0),
    ];
    for (name, a, b, want) in rows {
        assert_eq!(big_div_ceil(a, b).unwrap(), want, "{name}");
    }
    // "Zero denominator": Go panics.
    assert_eq!(big_div_ceil(10, 0), Err(Error::DivisionByZero));
}

/// `TestBigRatRound` (protocol/lib/big_math_test.go @ 84d4664): 12 rows.
#[test]
fn go_test_big_rat_round() {
    let rows: [(&str, i128, i128, bool, i128); 12] = [
        ("Input is unrounded if it is zero and we round up", 0, 1, true, 0),
        ("Input is unrounded if it is zero and we round down", 0, 1, false, 0),
        ("Input is unrounded if it is an int and we round up", 2, 1, true, 2),
        ("Input is unrounded if it is an int and we round down", 2, 1, false, 2),
        ("Input is unrounded if it isn't normalized, it is an int and we round up", 21, 3, true, 7),
        ("Input is unrounded if it isn't normalized, it is an int and we round down", 21, 3, false, 7),
        ("Input is rounded up if we round up", 5, 4, true, 2),
        ("Input is rounded up if it isn't normalized and we round up", 10, 4, true, 3),
        ("Input is rounded down if rational number isn't normalized and we round down", 10, 4, false, 2),
        ("Input is rounded down if we round down", 5, 4, false, 1),
        ("Input is rounded down if input is negative and we round down", -22, 7, false, -4),
        ("Input is rounded up if input is negative and we round up", -22, 7, true, -3),
    ];
    for (name, n, d, up, want) in rows {
        assert_eq!(big_rat_round(rat(n, d), up).unwrap(), want, "{name}");
    }
}

/// `TestBigIntRoundToMultiple` (protocol/lib/big_math_test.go @ 84d4664): 8
/// rows; the two Go panics (multiple ≤ 0) are `Error::OutOfRange`.
#[test]
fn go_test_big_int_round_to_multiple() {
    let rows: [(&str, i128, i128, bool, i128); 6] = [
        ("Input is unrounded if n % multiple == 0 and we round up", 5, 5, true, 5),
        ("Input is unrounded if n % multiple == 0 and we round down", -5, 5, false, -5),
        ("Input is rounded up if n % multiple != 0 and we round up", 7, 3, true, 9),
        ("Input is rounded down if n % multiple != 0 and we round down", 7, 3, false, 6),
        ("Input is rounded up if n is negative, n % multiple != 0 and we round up", -7, 3, true, -6),
        ("Input is rounded down if n is negative, n % multiple != 0 and we round down", -7, 3, false, -9),
    ];
    for (name, n, m, up, want) in rows {
        assert_eq!(big_int_round_to_multiple(n, m, up).unwrap(), want, "{name}");
    }
    assert_eq!(big_int_round_to_multiple(-7, 0, false), Err(Error::OutOfRange), "Panics if multiple is zero");
    assert_eq!(big_int_round_to_multiple(7, -1, true), Err(Error::OutOfRange), "Panics if multiple is negative");
}

/// `TestBigUint64Clamp` (protocol/lib/big_math_test.go @ 84d4664): 9 rows.
#[test]
fn go_test_big_uint64_clamp() {
    let rows: [(&str, i128, u64, u64, u64); 9] = [
        ("Input is returned when input is between lower and upper bound", 2, 1, 3, 2),
        ("Input is returned when input is at lower bound", 2, 2, 3, 2),
        ("Input is returned when input is at upper bound", 2, 1, 2, 2),
        ("Lower is returned when input is below lower bound", 0, 1, 5, 1),
        ("Upper is returned when input is above upper bound", 100, 1, 5, 5),
        ("Lower is returned when lower > upper && n < lower", 4, 5, 3, 5),
        ("Upper is returned when lower > upper && n >= lower", 4, 4, 3, 3),
        ("Upper is returned when input is above max uint64", big("100000000000000000000"), 1, u64::MAX, u64::MAX),
        ("Lower is returned when input is negative", big("-100000000000000000000"), 1, 20, 1),
    ];
    for (name, n, lo, hi, want) in rows {
        assert_eq!(big_uint64_clamp(n, lo, hi), want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// protocol/x/perpetuals/types/liquidity_tier_test.go
// ---------------------------------------------------------------------------

fn tier(initial_margin_ppm: u32, lower: u64, upper: u64) -> LiquidityTier {
    LiquidityTier { initial_margin_ppm, maintenance_fraction_ppm: 0, open_interest_lower_cap: lower, open_interest_upper_cap: upper }
}

/// `TestGetAdjustedInitialMarginPpm` (liquidity_tier_test.go @ 84d4664): 7 rows.
#[test]
fn go_test_get_adjusted_initial_margin_ppm() {
    // (name, IMF, lower cap, upper cap, OI notional, expected ppm)
    let rows: [(&str, u32, u64, u64, i128, u32); 7] = [
        ("Zero open interest", 200_000, 1_000_000, 2_000_000, 0, 200_000),
        ("Open interest within bounds", 200_000, 1_000_000, 2_000_000, 1_500_000, 600_000),
        ("Open interest within bounds, rounded", 200_000, 1_000_000, 2_000_000, 1_234_567, 387_653),
        ("Open interest at lower bound", 200_000, 1_000_000, 2_000_000, 1_000_000, 200_000),
        ("Open interest at upper bound", 200_000, 1_000_000, 2_000_000, 2_000_000, 1_000_000),
        ("Open interest above upper bound", 200_000, 1_000_000, 2_000_000, 2_500_000, 1_000_000),
        ("No upper bound, no increase", 200_000, 0, 0, 1_500_000, 200_000),
    ];
    for (name, imf, lo, hi, oi, want) in rows {
        assert_eq!(tier(imf, lo, hi).adjusted_initial_margin_ppm(oi).unwrap(), want, "{name}");
    }
}

/// `TestGetInitialMarginQuoteQuantums` (liquidity_tier_test.go @ 84d4664): 9 rows.
#[test]
fn go_test_get_initial_margin_quote_quantums() {
    // (name, IMF, lower cap, upper cap, OI notional, quote quantums, expected)
    let rows: [(&str, u32, u64, u64, i128, i128, i128); 9] = [
        ("initial margin 20%", 200_000, 0, 0, 0, 500_000, 100_000),
        ("initial margin 50%", 500_000, 0, 0, 0, 1_000_000, 500_000),
        ("initial margin 10%, quote quantums = 1, should round up to 1", 100_000, 0, 0, 0, 1, 1),
        ("initial margin 56.7243%, quote quantums = 123_456, should round up to 70_030", 567_243, 0, 0, 0, 123_456, 70_030),
        ("base IMF = 20%, no OIMF since lower_cap = upper_cap = 0", 200_000, 0, 0, 1_500_000_000_000, 500_000, 100_000),
        ("base IMF = 20%, scaling_factor = 0.5", 200_000, 1_000_000_000_000, 2_000_000_000_000, 1_500_000_000_000, 500_000, 300_000),
        (
            "base IMF = 10%, scaling_factor = 1 since open_interest >> upper_cap",
            200_000,
            25_000_000_000_000,
            50_000_000_000_000,
            80_000_000_000_000,
            500_000,
            500_000,
        ),
        (
            "base IMF = 10%, open_interest = lower_cap so scaling_factor = 0",
            200_000,
            25_000_000_000_000,
            50_000_000_000_000,
            25_000_000_000_000,
            500_000,
            100_000,
        ),
        (
            "base IMF = 10%, lower_cap < open_interest < upper_cap, realistic numbers",
            200_000,
            25_000_000_000_000,
            60_000_000_000_000,
            28_123_456_789_123,
            500_000,
            135_697,
        ),
    ];
    for (name, imf, lo, hi, oi, quote, want) in rows {
        assert_eq!(tier(imf, lo, hi).initial_margin_quote_quantums(quote, oi, 0).unwrap(), want, "{name}");
    }
}

/// `TestLiquidityTierGetMaintenanceMarginPpm` (liquidity_tier_test.go @ 84d4664): 7 rows.
#[test]
fn go_test_liquidity_tier_get_maintenance_margin_ppm() {
    let rows: [(&str, u32, u32, u32); 7] = [
        ("15% initial margin, 80% maintenance fraction", 150_000, 800_000, 120_000),
        ("45% initial margin, 77% maintenance fraction", 450_000, 770_000, 346_500),
        ("63.7239% initial margin, 28.9284% maintenance fraction", 637_239, 289_284, 184_343),
        ("100% initial margin, 100% maintenance fraction", 1_000_000, 1_000_000, 1_000_000),
        ("0% initial margin, 100% maintenance fraction", 0, 1_000_000, 0),
        ("0% initial margin, 0% maintenance fraction", 0, 0, 0),
        ("100% initial margin, 0% maintenance fraction", 1_000_000, 0, 0),
    ];
    for (name, im, mf, want) in rows {
        let t = LiquidityTier { initial_margin_ppm: im, maintenance_fraction_ppm: mf, ..LiquidityTier::default() };
        assert_eq!(t.maintenance_margin_ppm().unwrap(), want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// protocol/x/perpetuals/lib/lib_test.go
// ---------------------------------------------------------------------------

/// `TestGetNetNotionalInQuoteQuantums` (perpetuals/lib/lib_test.go @ 84d4664): 3 rows.
#[test]
fn go_test_get_net_notional_in_quote_quantums() {
    let perp = DydxPerpetual { id: 0, atomic_resolution: -16, open_interest: 1_000_000_000_000, liquidity_tier: TIER_3 };
    let price = MarketPrice { price: 123_456_789_123, exponent: -5 };
    let rows: [(&str, i128, i128); 3] = [
        ("zero quantums", 0, 0),
        ("positive quantums", 1_000_000_000_000, 123_456_789),
        ("negative quantums", -1_000_000_000_000, -123_456_789),
    ];
    for (name, q, want) in rows {
        assert_eq!(perp.net_notional(price, q).unwrap(), want, "{name}");
    }
}

/// `TestGetNetCollateralAndMarginRequirements` (perpetuals/lib/lib_test.go @
/// 84d4664): 5 rows. The Go test asserts consistency (NC = net notional +
/// quote balance; IMR and MMR as `GetMarginRequirementsInQuoteQuantums`), not
/// numbers; so does this one.
#[test]
fn go_test_get_net_collateral_and_margin_requirements() {
    let tier = LiquidityTier { initial_margin_ppm: 200_000, maintenance_fraction_ppm: 500_000, ..LiquidityTier::default() };
    let perp = DydxPerpetual { id: 0, atomic_resolution: -16, open_interest: 1_000_000_000_000, liquidity_tier: tier };
    let price = MarketPrice { price: 123_456_789_123, exponent: -5 };
    let rows: [(&str, i128, i128); 5] = [
        ("zero quantums", 0, 0),
        ("positive quantums", 1_000_000_000_000, 0),
        ("negative quantums", -1_000_000_000_000, 0),
        ("positive quote balance", -1_000_000_000_000, 1_000_000_000_000),
        ("negative quote balance", 1_000_000_000_000, -1_000_000_000_000),
    ];
    for (name, q, qb) in rows {
        let enc = perp.net_notional(price, q).unwrap();
        let (imr, mmr) = perp.margin_requirements(price, q, 0).unwrap();
        let risk = perp.net_collateral_and_margin(price, q, qb, 0).unwrap();
        assert_eq!(risk, Risk { mmr, imr, nc: enc + qb }, "{name}");
    }
}

/// `TestGetMarginRequirementsInQuoteQuantums` (perpetuals/lib/lib_test.go @ 84d4664): 5 rows.
#[test]
fn go_test_get_margin_requirements_in_quote_quantums() {
    let base = LiquidityTier { initial_margin_ppm: 200_000, maintenance_fraction_ppm: 500_000, ..LiquidityTier::default() };
    let capped = LiquidityTier { open_interest_lower_cap: 1_000_000_000_000, open_interest_upper_cap: 2_000_000_000_000, ..base };
    let price = MarketPrice { price: 123_456_789_123, exponent: -5 };
    let rows: [(&str, LiquidityTier, i128, i128, i128); 5] = [
        ("zero quantums", base, 0, 0, 0),
        ("positive quantums", base, 1, 2_469_135_782_460_000, 1_234_567_891_230_000),
        ("positive quantums, open interest above cap", capped, 1, 12_345_678_912_300_000, 1_234_567_891_230_000),
        ("negative quantums", base, -1, 2_469_135_782_460_000, 1_234_567_891_230_000),
        ("negative quantums, open interest above cap", capped, -1, 12_345_678_912_300_000, 1_234_567_891_230_000),
    ];
    for (name, t, q, imr, mmr) in rows {
        let perp = DydxPerpetual { id: 0, atomic_resolution: 4, open_interest: 1_000_000_000_000, liquidity_tier: t };
        assert_eq!(perp.margin_requirements(price, q, 0).unwrap(), (imr, mmr), "{name}");
    }
}

/// `TestGetMarginRequirementsInQuoteQuantums_2` (perpetuals/lib/lib_test.go @
/// 84d4664): 14 rows. The Go test creates a market, a liquidity tier and a
/// perpetual in a keeper and sets the open interest with `ModifyOpenInterest`
/// (from 0); here the same figures are passed directly.
#[test]
fn go_test_get_margin_requirements_in_quote_quantums_2() {
    struct Row {
        name: &'static str,
        price: u64,
        exponent: i32,
        res: i32,
        base: i128,
        imf: u32,
        mf: u32,
        oi: i128,
        lower: u64,
        upper: u64,
        imr: i128,
        mmr: i128,
    }
    let r = |name, price, exponent, res, base, imf, mf, imr, mmr| Row {
        name,
        price,
        exponent,
        res,
        base,
        imf,
        mf,
        oi: 0,
        lower: 0,
        upper: 0,
        imr,
        mmr,
    };
    let one_bip = 100u32;
    let rows = [
        r(
            "InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, atomic resolution 4",
            55_550,
            -1,
            -4,
            7_000,
            one_bip * 100,
            500_000,
            38_885_000,
            19_442_500,
        ),
        r(
            "InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, negative exponent, atomic resolution 6",
            42_000_000,
            -2,
            -6,
            -5_000,
            one_bip * 100,
            500_000,
            21_000_000,
            10_500_000,
        ),
        r(
            "InitialMargin 10_000 BIPs (max), MaintenanceMargin 10_000 BIPs (max), atomic resolution 6",
            55_550,
            -1,
            -6,
            7_000,
            one_bip * 10_000,
            1_000_000,
            38_885_000,
            38_885_000,
        ),
        r(
            "InitialMargin 100 BIPs, MaintenanceMargin 100 BIPs, atomic resolution 6",
            55_550,
            -1,
            -6,
            7_000,
            one_bip * 100,
            1_000_000,
            388_850,
            388_850,
        ),
        r("InitialMargin 0 BIPs (min), MaintenanceMargin 0 BIPs (min), atomic resolution 6", 55_550, -1, -6, 7_000, 0, 1_000_000, 0, 0),
        r("Price is zero, atomic resolution 6", 0, -1, -6, -7_000, one_bip, 1_000_000, 0, 0),
        r(
            "Price and quantums are max uints",
            u64::MAX,
            -1,
            -6,
            i128::from(u64::MAX),
            one_bip,
            1_000_000,
            big("3402823669209384634264811192843492"),
            big("3402823669209384634264811192843492"),
        ),
        r(
            "InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, atomic resolution 6",
            55_550,
            -1,
            -6,
            7_000,
            one_bip * 100,
            500_000,
            388_850,
            388_850 / 2,
        ),
        r(
            "InitialMargin 20%, MaintenanceMargin 10%, atomic resolution 6",
            367_500,
            -1,
            -6,
            12_000,
            200_000,
            500_000,
            88_200_000,
            88_200_000 / 2,
        ),
        r(
            "InitialMargin 5%, MaintenanceMargin 3%, atomic resolution 6",
            1_234_560,
            -1,
            -6,
            74_523,
            50_000,
            600_000,
            460_015_575,
            276_009_345,
        ),
        r(
            "InitialMargin 25%, MaintenanceMargin 15%, atomic resolution 6",
            1_234_560,
            -1,
            -6,
            74_523,
            250_000,
            600_000,
            2_300_077_872,
            1_380_046_724,
        ),
        Row {
            oi: 408_163_265,
            lower: 10_000_000_000_000,
            upper: 20_000_000_000_000,
            ..r(
                "OIMF: IM 20%, scaled to 60%, MaintenanceMargin 10%, atomic resolution 6",
                367_500,
                -1,
                -6,
                12_000,
                200_000,
                500_000,
                264_599_559,
                88_200_000 / 2,
            )
        },
        Row {
            oi: 1_000_000_000,
            lower: 10_000_000_000_000,
            upper: 20_000_000_000_000,
            ..r(
                "OIMF: IM 20%, scaled to 100%, MaintenanceMargin 10%, atomic resolution 6",
                367_500,
                -1,
                -6,
                12_000,
                200_000,
                500_000,
                441_000_000,
                88_200_000 / 2,
            )
        },
        Row {
            oi: 1_123_456_789,
            lower: 25_000_000_000_000,
            upper: 50_000_000_000_000,
            ..r(
                "OIMF: IM 20%, lower_cap < realistic open interest < upper_cap, MaintenanceMargin 10%, atomic resolution 6",
                367_500,
                -1,
                -6,
                12_000,
                200_000,
                500_000,
                318_042_585,
                88_200_000 / 2,
            )
        },
    ];
    assert_eq!(rows.len(), 14);
    for row in rows {
        let tier = LiquidityTier {
            initial_margin_ppm: row.imf,
            maintenance_fraction_ppm: row.mf,
            open_interest_lower_cap: row.lower,
            open_interest_upper_cap: row.upper,
        };
        let perp = DydxPerpetual { id: 0, atomic_resolution: row.res, open_interest: row.oi, liquidity_tier: tier };
        let price = MarketPrice { price: row.price, exponent: row.exponent };
        assert_eq!(perp.margin_requirements(price, row.base, 0).unwrap(), (row.imr, row.mmr), "{}", row.name);
    }
}

// ---------------------------------------------------------------------------
// protocol/lib/margin/risk_test.go
// ---------------------------------------------------------------------------

fn risk(nc: i128, imr: i128, mmr: i128) -> Risk {
    Risk { mmr, imr, nc }
}

/// `TestRisk_AddInPlace` (protocol/lib/margin/risk_test.go @ 84d4664): 4 rows.
#[test]
fn go_test_risk_add_in_place() {
    let z = Risk::default();
    let a = Risk { mmr: 100, imr: 200, nc: 300 };
    let b = Risk { mmr: 50, imr: 100, nc: 150 };
    assert_eq!(z.checked_add(z).unwrap(), z, "zero + zero");
    assert_eq!(z.checked_add(a).unwrap(), a, "zero + non-zero");
    assert_eq!(a.checked_add(z).unwrap(), a, "non-zero + zero");
    assert_eq!(a.checked_add(b).unwrap(), Risk { mmr: 150, imr: 300, nc: 450 }, "non-zero + non-zero");
}

/// `TestRisk_IsInitialCollateralized`, `TestRisk_IsMaintenanceCollateralized`
/// (5 rows each) and `TestRisk_IsLiquidatable` (8 rows)
/// (protocol/lib/margin/risk_test.go @ 84d4664).
#[test]
fn go_test_risk_predicates() {
    let initial: [(&str, i128, i128, bool); 5] = [
        ("NC > IMR", 200, 100, true),
        ("NC = IMR", 100, 100, true),
        ("NC < IMR", 50, 100, false),
        ("NC = 0, IMR = 0", 0, 0, true),
        ("NC < 0, IMR = 0", -100, 0, false),
    ];
    for (name, nc, imr, want) in initial {
        assert_eq!(risk(nc, imr, 0).is_initial_collateralized(), want, "{name}");
    }
    let maintenance: [(&str, i128, i128, bool); 5] = [
        ("NC > MMR", 200, 100, true),
        ("NC = MMR", 100, 100, true),
        ("NC < MMR", 50, 100, false),
        ("NC = 0, MMR = 0", 0, 0, true),
        ("NC < 0, MMR = 0", -100, 0, false),
    ];
    for (name, nc, mmr, want) in maintenance {
        assert_eq!(risk(nc, 0, mmr).is_maintenance_collateralized(), want, "{name}");
    }
    let liquidatable: [(&str, i128, i128, bool); 8] = [
        ("NC > 0, MMR = 0", 100, 0, false),
        ("NC = 0, MMR > 0", 0, 100, true),
        ("NC = 0, MMR = 0", 0, 0, false),
        ("NC < 0, MMR > 0", -100, 100, true),
        ("NC < 0, MMR = 0", -100, 0, false),
        ("NC < MMR", 75, 100, true),
        ("NC = MMR", 100, 100, false),
        ("NC > MMR", 125, 100, false),
    ];
    for (name, nc, mmr, want) in liquidatable {
        assert_eq!(risk(nc, 0, mmr).is_liquidatable(), want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// protocol/x/clob/keeper/liquidations_test.go
// ---------------------------------------------------------------------------

/// `TestIsLiquidatable` (x/clob/keeper/liquidations_test.go @ 84d4664): 5
/// rows; keeper state replaced by `subaccount_risk` of the same positions.
#[test]
fn go_test_is_liquidatable() {
    let rows: [(&str, i128, &[DydxPosition], bool); 5] = [
        ("Subaccount with no open positions but positive net collateral is not liquidatable", ONE_DOLLAR, &[], false),
        ("Subaccount with no open positions but negative net collateral is not liquidatable", -ONE_DOLLAR, &[], false),
        ("Subaccount at initial margin requirements is not liquidatable", -4_000 * ONE_DOLLAR, &[btc(ONE_TENTH_BTC)], false),
        (
            "Subaccount below initial but at maintenance margin requirements is not liquidatable",
            -4_500 * ONE_DOLLAR,
            &[btc(ONE_TENTH_BTC)],
            false,
        ),
        ("Subaccount below maintenance margin requirements is liquidatable", -4_501 * ONE_DOLLAR, &[btc(ONE_TENTH_BTC)], true),
    ];
    for (name, usdc, positions, want) in rows {
        assert_eq!(subaccount_risk(usdc, positions).unwrap().is_liquidatable(), want, "{name}");
    }
}

/// One keeper-test subaccount: USDC balance and perpetual positions, plus the
/// index of the position the function is called for (`None`: the subaccount
/// has no position in that perpetual).
struct Subaccount {
    usdc: i128,
    positions: Vec<DydxPosition>,
    target: Option<usize>,
}

impl Subaccount {
    fn new(usdc_dollars: i128, positions: &[DydxPosition], target: Option<usize>) -> Subaccount {
        Subaccount { usdc: usdc_dollars * ONE_DOLLAR, positions: positions.to_vec(), target }
    }
    fn total(&self) -> Risk {
        subaccount_risk(self.usdc, &self.positions).unwrap()
    }
    /// The targeted position, or a BTC position of 0 quantums (dYdX reads a
    /// missing position as size 0).
    fn position(&self) -> DydxPosition {
        self.target.map_or(btc(0), |i| self.positions[i])
    }
}

/// `TestGetBankruptcyPriceInQuoteQuantums` (x/clob/keeper/liquidations_test.go
/// @ 84d4664): all 18 rows (14 values, 4 errors). Keeper state replaced by
/// the same USDC balance and positions; TNC and TMMR from `subaccount_risk`.
/// The Go test also sets open interest (`SetUpDefaultPerpOIsForTest`); tier 3
/// has no open-interest caps, so it does not change any figure.
#[test]
fn go_test_get_bankruptcy_price_in_quote_quantums() {
    let rows: Vec<(&str, Subaccount, i128, i128)> = vec![
        (
            "fully closing one long position that is slightly below maintenance margin requirements",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            4_501_000_000,
        ),
        (
            "fully closing one short position that is slightly below maintenance margin requirements",
            Subaccount::new(5_499, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            -5_499_000_000,
        ),
        (
            "fully closing one long position that is at the bankruptcy price",
            Subaccount::new(-5_000, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            5_000_000_000,
        ),
        (
            "partially closing one long position that is at the bankruptcy price",
            Subaccount::new(-5_000, &[btc(ONE_TENTH_BTC)], Some(0)),
            -5_000_000,
            2_500_000_000,
        ),
        (
            "partially closing one short position that is at the bankruptcy price",
            Subaccount::new(5_000, &[btc(-ONE_TENTH_BTC)], Some(0)),
            5_000_000,
            -2_500_000_000,
        ),
        (
            "fully closing one short position that is at the bankruptcy price",
            Subaccount::new(5_000, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            -5_000_000_000,
        ),
        (
            "fully closing one long position that is below the bankruptcy price",
            Subaccount::new(-5_100, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            5_100_000_000,
        ),
        (
            "fully closing one short position that is below the bankruptcy price",
            Subaccount::new(4_900, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            -4_900_000_000,
        ),
        (
            "fully closing one long position and has multiple long positions",
            Subaccount::new(-490, &[btc(FOUR_THOUSANDTHS_BTC), eth(ONE_TENTH_ETH)], Some(1)),
            -100_000_000,
            294_000_000,
        ),
        (
            "fully closing one short position and has multiple short positions",
            Subaccount::new(510, &[btc(-FOUR_THOUSANDTHS_BTC), eth(-ONE_TENTH_ETH)], Some(1)),
            100_000_000,
            -306_000_000,
        ),
        (
            "fully closing one short position and has a long and short position",
            Subaccount::new(110, &[btc(FOUR_THOUSANDTHS_BTC), eth(-ONE_TENTH_ETH)], Some(1)),
            100_000_000,
            -306_000_000,
        ),
        (
            "Rounds up bankruptcy price ... partially closing one long position (2,775.11 → 2,776)",
            Subaccount::new(-13, &[btc(ONE_BTC)], Some(0)),
            -21_347,
            2_776,
        ),
        (
            "Rounds up bankruptcy price ... partially closing one short position (−2,775.11 → −2,775)",
            Subaccount::new(13, &[btc(-ONE_BTC)], Some(0)),
            21_347,
            -2_775,
        ),
        (
            "Account with a long position that cannot be liquidated at a loss has a negative bankruptcy price",
            Subaccount::new(1, &[btc(ONE_BTC)], Some(0)),
            -100_000_000,
            -1_000_000,
        ),
    ];
    for (name, sub, delta, want) in rows {
        assert_eq!(bankruptcy_price_quote_quantums(&sub.position(), &sub.total(), delta).unwrap(), want, "{name}");
    }
    // Errors: ErrInvalidPerpetualPositionSizeDelta.
    let errors: [(&str, Subaccount, i128); 4] = [
        ("Returns error when deltaQuantums is zero", Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)), 0),
        ("Returns error when subaccount does not have an open position for perpetual id", Subaccount::new(-4_501, &[], None), -10_000_000),
        (
            "Returns error when delta quantums and perpetual position have the same sign",
            Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)),
            10_000_000,
        ),
        (
            "Returns error when abs delta quantums is greater than position size",
            Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)),
            -100_000_001,
        ),
    ];
    for (name, sub, delta) in errors {
        assert_eq!(bankruptcy_price_quote_quantums(&sub.position(), &sub.total(), delta), Err(Error::InvalidFillQuantity), "{name}");
    }
}

/// The value rows of `TestGetFillablePrice` (see [`go_test_get_fillable_price`]).
fn fillable_price_rows() -> Vec<(&'static str, Subaccount, i128, FillablePriceConfig, Rational)> {
    let fp = |ba: u32, smmr: u32| FillablePriceConfig { bankruptcy_adjustment_ppm: ba, spread_to_maintenance_margin_ratio_ppm: smmr };
    let default = FILLABLE_DEFAULT;
    vec![
        (
            "one long position that is slightly below maintenance margin requirements",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            default,
            rat(49_999, 100),
        ),
        (
            "one long position when bankruptcyAdjustmentPpm is 2_000_000",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            fp(2_000_000, 100_000),
            rat(49_998, 100),
        ),
        (
            "one long position when spreadToMaintenanceMarginRatioPpm is 200_000",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            fp(1_000_000, 200_000),
            rat(49_998, 100),
        ),
        (
            "one short position that is slightly below maintenance margin requirements",
            Subaccount::new(5_499, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            default,
            rat(50_001, 100),
        ),
        (
            "one short position when bankruptcyAdjustmentPpm is 2_000_000",
            Subaccount::new(5_499, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            fp(2_000_000, 100_000),
            rat(50_002, 100),
        ),
        (
            "one short position when SpreadToMaintenanceMarginRatioPpm is 200_000",
            Subaccount::new(5_499, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            fp(1_000_000, 200_000),
            rat(50_002, 100),
        ),
        (
            "one long position at the bankruptcy price",
            Subaccount::new(-5_000, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            default,
            rat(495, 1),
        ),
        (
            "one long position at the bankruptcy price where we are liquidating half of the position",
            Subaccount::new(-5_000, &[btc(ONE_TENTH_BTC)], Some(0)),
            -5_000_000,
            default,
            rat(495, 1),
        ),
        (
            "one short position at the bankruptcy price",
            Subaccount::new(5_000, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            default,
            rat(505, 1),
        ),
        (
            "one long position below the bankruptcy price",
            Subaccount::new(-5_500, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            default,
            rat(495, 1),
        ),
        (
            "one short position below the bankruptcy price",
            Subaccount::new(4_500, &[btc(-ONE_TENTH_BTC)], Some(0)),
            10_000_000,
            default,
            rat(505, 1),
        ),
        (
            "multiple long positions",
            Subaccount::new(-490, &[btc(FOUR_THOUSANDTHS_BTC), eth(ONE_TENTH_ETH)], Some(1)),
            -100_000_000,
            default,
            rat(372, 125),
        ),
        (
            "bankruptcyAdjustmentPpm is max uint32",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            fp(u32::MAX, 100_000),
            rat(495, 1),
        ),
        (
            "SpreadTomaintenanceMarginRatioPpm is 1",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            fp(1_000_000, 1),
            rat(4_999_999_999, 10_000_000),
        ),
        (
            "SpreadTomaintenanceMarginRatioPpm is one million",
            Subaccount::new(-4_501, &[btc(ONE_TENTH_BTC)], Some(0)),
            -10_000_000,
            fp(1_000_000, 1_000_000),
            rat(49_990, 100),
        ),
    ]
}

/// `TestGetFillablePrice` (x/clob/keeper/liquidations_test.go @ 84d4664): all
/// 19 rows (15 values, 4 errors), compared as reduced fractions (Go compares
/// `big.Rat`s). Keeper state replaced as above; the config of a row without
/// one is `LiquidationsConfig_Default`.
#[test]
fn go_test_get_fillable_price() {
    let default = FILLABLE_DEFAULT;
    let rows = fillable_price_rows();
    for (name, sub, delta, cfg, want) in rows {
        assert_eq!(fillable_price(&sub.position(), &sub.total(), delta, &cfg).unwrap(), want, "{name}");
    }
    let errors: [(&str, Subaccount, i128); 4] = [
        ("Returns error when deltaQuantums is zero", Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)), 0),
        ("Returns error when subaccount does not have an open position for perpetual id", Subaccount::new(-4_501, &[], None), -10_000_000),
        (
            "Returns error when delta quantums and perpetual position have the same sign",
            Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)),
            10_000_000,
        ),
        (
            "Returns error when abs delta quantums is greater than position size",
            Subaccount::new(-4_501, &[btc(ONE_BTC)], Some(0)),
            -100_000_001,
        ),
    ];
    for (name, sub, delta) in errors {
        assert_eq!(fillable_price(&sub.position(), &sub.total(), delta, &default), Err(Error::InvalidFillQuantity), "{name}");
    }
}

/// `TestGetLiquidationInsuranceFundDelta` (x/clob/keeper/liquidations_test.go
/// @ 84d4664): all 14 rows (13 values, 1 error), on `ClobPair_Btc`. Keeper
/// state replaced as above; the fee is `MaxLiquidationFeePpm` of the row's
/// config (`LiquidationsConfig_Default`'s 5,000 when it has none).
#[test]
fn go_test_get_liquidation_insurance_fund_delta() {
    let long = || Subaccount::new(-5_100, &[btc(ONE_TENTH_BTC)], Some(0));
    let short = || Subaccount::new(4_900, &[btc(-ONE_TENTH_BTC)], Some(0));
    let sell = |subticks| LiquidationFill { is_buy: false, fill_amount: 10_000_000, subticks };
    let buy = |subticks| LiquidationFill { is_buy: true, fill_amount: 10_000_000, subticks };
    let rows: Vec<(&str, Subaccount, LiquidationFill, u32, i128)> = vec![
        (
            "Fully closing one long position above the bankruptcy price and pays max liquidation fee",
            long(),
            sell(56_100_000_000),
            5_000,
            28_050_000,
        ),
        ("... long ... pays max liquidation fee when MaxLiquidationFeePpm is 25_000", long(), sell(56_100_000_000), 25_000, 140_250_000),
        (
            "... long ... pays less than max liquidation fee when MaxLiquidationFeePpm is one million",
            long(),
            sell(56_100_000_000),
            1_000_000,
            510_000_000,
        ),
        (
            "Fully closing one short position above the bankruptcy price and pays max liquidation fee",
            short(),
            buy(44_100_000_000),
            5_000,
            22_050_000,
        ),
        ("... short ... pays max liquidation fee when MaxLiquidationFeePpm is 25_000", short(), buy(44_100_000_000), 25_000, 110_250_000),
        (
            "... short ... pays less than max liquidation fee when MaxLiquidationFeePpm is one million",
            short(),
            buy(44_100_000_000),
            1_000_000,
            490_000_000,
        ),
        (
            "Fully closing one long position above the bankruptcy price and pays less than max liquidation fee",
            long(),
            sell(51_051_000_000),
            5_000,
            5_100_000,
        ),
        (
            "Fully closing one short position above the bankruptcy price and pays less than max liquidation fee",
            short(),
            buy(48_951_000_000),
            5_000,
            4_900_000,
        ),
        ("Fully closing one long position at the bankruptcy price and the delta is 0", long(), sell(51_000_000_000), 5_000, 0),
        ("Fully closing one short position above the bankruptcy price and the delta is 0", short(), buy(49_000_000_000), 5_000, 0),
        (
            "Fully closing one long position below the bankruptcy price and the insurance fund must cover the loss",
            long(),
            sell(50_490_000_000),
            5_000,
            -51_000_000,
        ),
        (
            "If fully closing one short position below the bankruptcy price the insurance fund must cover the loss",
            short(),
            buy(49_490_000_000),
            5_000,
            -49_000_000,
        ),
        ("Succeeds when delta quote quantums is zero", short(), buy(1), 5_000, 0),
    ];
    for (name, sub, fill, fee, want) in rows {
        assert_eq!(liquidation_insurance_fund_delta(&sub.position(), &sub.total(), &CLOB_BTC, fee, &fill).unwrap(), want, "{name}");
    }
    // "Returns error when delta quantums is zero": ErrInvalidQuantumsForInsuranceFundDeltaCalculation.
    let sub = short();
    let fill = LiquidationFill { is_buy: true, fill_amount: 0, subticks: 50_000_000_000 };
    assert_eq!(liquidation_insurance_fund_delta(&sub.position(), &sub.total(), &CLOB_BTC, 5_000, &fill), Err(Error::InvalidFillQuantity));
}

/// `TestGetFillablePrice`'s 15 value rows through partliq's pipeline in
/// its dYdX fillable-price mode (`BandRamp::DydxFillable`): each row's
/// subaccount as a partliq pool (USDC as collateral, each perpetual a market
/// in quote and base quantums: BTC e = −8, mark 5·10¹⁰, lot and tick 5 as
/// `ClobPair_Btc`; ETH e = −9, mark 3·10⁹, lot and tick 1,000 as
/// `ClobPair_Eth`), run with the row's configuration, dYdX's sizing (the
/// most the rules allow) and no backstop. The targeted position's leg is
/// priced at dYdX's `ConvertFillablePriceToSubticks` of the row's fillable
/// price (subticks × 10^(qce − e) = subticks here), and
/// `fillable_limit_price` gives the same. (The four error rows are about a
/// caller's delta; the pipeline sizes the leg itself.)
#[test]
fn fillable_price_rows_through_the_pipeline() {
    use partliq::{
        fillable_limit_price, run_pipeline, AccountLiquidationState, Action, BandRamp, EscalationRules, Fraction, Market, PlanLeg, Policy,
        Pool, Position, Ppm, Price, Quote, Ramps, SizingMode,
    };
    let markets =
        [Market::single_tier(-8, 5, 5, Ppm(200_000), Ppm(100_000)), Market::single_tier(-9, 1_000, 1_000, Ppm(200_000), Ppm(100_000))];
    let prices = [Price(50_000_000_000), Price(3_000_000_000)];
    let mut legs_seen = 0;
    for (name, sub, _delta, cfg, want) in fillable_price_rows() {
        let positions: Vec<Position> = sub
            .positions
            .iter()
            .map(|p| Position { market_index: p.perpetual.id, size: partliq::Size(p.quantums as i64), quote_balance: Quote(0) })
            .collect();
        let target = sub.target.unwrap();
        let clob = if sub.positions[target].perpetual.id == 0 { CLOB_BTC } else { CLOB_ETH };
        let expected = fillable_price_to_subticks(want, sub.positions[target].quantums > 0, &clob).unwrap() as i64;
        let pool = Pool::new(Quote(sub.usdc as i64), &positions);
        assert_eq!(fillable_limit_price(&pool, &markets, &prices, target, &cfg), Ok(Price(expected)), "{name}");
        let policy = Policy {
            sizing: SizingMode::MaxAllowed,
            escalation: EscalationRules { backstop_fraction: Fraction::new(0, 0), backstop_on_infeasible: false },
            ramps: Ramps { band: BandRamp::DydxFillable(cfg), ..Ramps::OFF },
            ..Policy::default()
        };
        let mut legs = [PlanLeg::default(); 2];
        let d = run_pipeline(&pool, &markets, &prices, &policy, &mut AccountLiquidationState::default(), &mut [], 0, 0, &mut legs).unwrap();
        assert_eq!(d.action, Action::Liquidate, "{name}: {d:?}");
        let leg = legs[..d.plan.leg_count].iter().find(|l| l.position_index as usize == target).expect(name);
        assert_eq!(leg.limit_price, Price(expected), "{name}");
        legs_seen += 1;
    }
    assert_eq!(legs_seen, 15);
}

/// `TestConvertFillablePriceToSubticks` (7 rows) and
/// `TestConvertFillablePriceToSubticks_PanicsOnNegativeFillablePrice` (1 row)
/// (x/clob/keeper/liquidations_test.go @ 84d4664). The Go panic is
/// `Error::NegativePrice`.
#[test]
fn go_test_convert_fillable_price_to_subticks() {
    let pair = ClobPair { step_base_quantums: 0, subticks_per_tick: 100, quantum_conversion_exponent: 1 };
    let rows: [(&str, Rational, bool, ClobPair, u64); 7] = [
        (
            "Converts fillable price to subticks for liquidating a BTC long position",
            rat(5_000_000_000, 1),
            true,
            CLOB_BTC,
            500_000_000_000_000_000,
        ),
        (
            "Converts fillable price to subticks for liquidating a BTC short position",
            rat(5_000_000_000, 1),
            false,
            CLOB_BTC,
            500_000_000_000_000_000,
        ),
        ("Converts fillable price to subticks for liquidating a long position and rounds up", rat(7, 1), true, pair, 100),
        ("Converts fillable price to subticks for liquidating a short position and rounds down", rat(197, 1), true, pair, 100),
        ("... rounds down, but the result is lower bounded at SubticksPerTick", rat(7, 1), true, pair, 100),
        ("Converts zero fillable price ... lower bounded at SubticksPerTick", rat(0, 1), true, pair, 100),
        (
            "... rounds up, but the result is upper bounded at the max Uint64 that is most aligned with SubticksPerTick",
            rat(big("10000000000000000000000"), 1),
            true,
            pair,
            18_446_744_073_709_551_600,
        ),
    ];
    for (name, price, long, clob, want) in rows {
        assert_eq!(fillable_price_to_subticks(price, long, &clob).unwrap(), want, "{name}");
    }
    assert_eq!(fillable_price_to_subticks(rat(-1, 1), false, &CLOB_BTC), Err(Error::NegativePrice), "PanicsOnNegativeFillablePrice");
}

/// `TestGetPerpetualPositionToLiquidate` (x/clob/keeper/liquidations_test.go @
/// 84d4664): all 18 rows. The Go test picks the position with
/// `GetPerpetualPositionToLiquidate` (a pseudo-random start over the
/// subaccount's positions not yet liquidated this block; every row has a
/// single position, so it is that one) and checks
/// `GetLiquidatablePositionSizeDelta`, which is what is replayed here.
#[test]
fn go_test_get_perpetual_position_to_liquidate() {
    let pos_limits =
        |min: u64, ppm: u32| PositionBlockLimits { min_position_notional_liquidated: min, max_position_portion_liquidated_ppm: ppm };
    let sub_limit = |max: u64| SubaccountBlockLimits { max_notional_liquidated: max, max_quantums_insurance_lost: u64::MAX };
    let step3 = ClobPair { step_base_quantums: 3, subticks_per_tick: 100, quantum_conversion_exponent: -8 };
    let max_eth = DydxPosition { perpetual: ETH, price: ETH_PRICE, quantums: i128::from(u64::MAX), quote_balance: 0 };
    let rows: Vec<(&str, DydxPosition, LiquidationConfig, ClobPair, i128)> = vec![
        (
            "Full position size is returned when subaccount has one perpetual long position",
            btc(ONE_TENTH_BTC),
            CONFIG_NO_LIMIT,
            CLOB_BTC,
            -ONE_TENTH_BTC,
        ),
        (
            "Full position size is returned when MinPositionNotionalLiquidated is greater than position size",
            btc(ONE_TENTH_BTC),
            config(pos_limits(10_000_000_000, 1_000_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            -10_000_000,
        ),
        (
            "Half position size is returned when MaxPositionPortionLiquidatedPpm is 500,000",
            btc(ONE_TENTH_BTC),
            config(pos_limits(1_000, 500_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            -5_000_000,
        ),
        (
            "full position is returned when position size is smaller than StepBaseQuantums",
            btc(5),
            config(pos_limits(1, 100_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC3,
            -5,
        ),
        (
            "returned position size is rounded down to the nearest clob.stepBaseQuantums",
            btc(140),
            config(pos_limits(1, 100_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            -10,
        ),
        (
            "returned position size is at least clob.stepBaseQuantums",
            btc(20),
            config(pos_limits(1, 100_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            -5,
        ),
        (
            "Full position is returned when position smaller than subaccount limit",
            btc(ONE_TENTH_BTC),
            config(POSITION_NO_LIMIT, sub_limit(10_000_000_000)),
            CLOB_BTC,
            -10_000_000,
        ),
        (
            "Max subaccount limit is returned when position larger than subaccount limit",
            btc(ONE_TENTH_BTC),
            config(POSITION_NO_LIMIT, sub_limit(2_500_000_000)),
            CLOB_BTC,
            -5_000_000,
        ),
        (
            "position size is capped by subaccount block limit when subaccount limit is lower than position block limit",
            btc(ONE_TENTH_BTC),
            config(pos_limits(1_000, 500_000), sub_limit(2_000_000_000)),
            CLOB_BTC,
            -4_000_000,
        ),
        (
            "position size is capped by position block limit when position limit is lower than subaccount block limit",
            btc(ONE_TENTH_BTC),
            config(pos_limits(1_000, 400_000), sub_limit(2_500_000_000)),
            CLOB_BTC,
            -4_000_000,
        ),
        ("Result is rounded to nearest step size", btc(21), config(pos_limits(1_000, 500_000), SUBACCOUNT_NO_LIMIT), step3, -9),
        (
            "Full position size is returned when subaccount has one perpetual short position",
            btc(-ONE_BTC),
            CONFIG_NO_LIMIT,
            CLOB_BTC,
            ONE_BTC,
        ),
        (
            "Full position size (short) is returned when MinPositionNotionalLiquidated is greater than position size",
            btc(-ONE_TENTH_BTC),
            config(pos_limits(10_000_000_000, 1_000_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            10_000_000,
        ),
        (
            "Half position size (short) is returned when MaxPositionPortionLiquidatedPpm is 500,000",
            btc(-ONE_TENTH_BTC),
            config(pos_limits(1_000, 500_000), SUBACCOUNT_NO_LIMIT),
            CLOB_BTC,
            5_000_000,
        ),
        (
            "Full position (short) is returned when position smaller than subaccount limit",
            btc(-ONE_TENTH_BTC),
            config(POSITION_NO_LIMIT, sub_limit(10_000_000_000)),
            CLOB_BTC,
            10_000_000,
        ),
        (
            "Max subaccount limit is returned when short position larger than subaccount limit",
            btc(-ONE_TENTH_BTC),
            config(POSITION_NO_LIMIT, sub_limit(2_500_000_000)),
            CLOB_BTC,
            5_000_000,
        ),
        (
            "Full position size of max uint64 ... one long perpetual position at max position size",
            max_eth,
            CONFIG_NO_LIMIT,
            CLOB_ETH,
            -6_148_914_691_236_517_000,
        ),
        (
            "Full position size of negated max uint64 ... one short perpetual position at max position size",
            DydxPosition { quantums: -i128::from(u64::MAX), ..max_eth },
            CONFIG_NO_LIMIT,
            CLOB_ETH,
            6_148_914_691_236_517_000,
        ),
    ];
    assert_eq!(rows.len(), 18);
    let info = SubaccountLiquidationInfo::default();
    for (name, position, cfg, clob, want) in rows {
        assert_eq!(liquidatable_position_size_delta(&position, &clob, &cfg, &info).unwrap(), want, "{name}");
    }
}

/// `TestGetMaxLiquidatableNotionalAndInsuranceLost`
/// (x/clob/keeper/liquidations_test.go @ 84d4664): all 4 rows, for perpetual
/// 0. The per-block info is what `MustUpdateSubaccountPerpetualLiquidated`
/// and `UpdateSubaccountLiquidationInfo(100, −100)` leave (an insurance fund
/// delta of −100 is 100 lost). dYdX's error (already liquidated) is
/// `Error::AlreadyLiquidatedThisBlock`; its panics (limit already exceeded)
/// are `Error::BlockLimitExceeded`.
#[test]
fn go_test_get_max_liquidatable_notional_and_insurance_lost() {
    let limits = |n: u64, i: u64| SubaccountBlockLimits { max_notional_liquidated: n, max_quantums_insurance_lost: i };
    let other = [1u32];
    let same = [0u32];
    let info_other = SubaccountLiquidationInfo { perpetuals_liquidated: &other, notional_liquidated: 100, quantums_insurance_lost: 100 };
    let info_same = SubaccountLiquidationInfo { perpetuals_liquidated: &same, ..info_other };
    type Limit = Result<i128, Error>;
    let rows: [(&str, SubaccountBlockLimits, SubaccountLiquidationInfo<'_>, Limit, Limit); 4] = [
        ("Can get max notional liquidatable and insurance lost", limits(150, 150), info_other, Ok(50), Ok(50)),
        (
            "Same perpetual id",
            SUBACCOUNT_NO_LIMIT,
            info_same,
            Err(Error::AlreadyLiquidatedThisBlock),
            Err(Error::AlreadyLiquidatedThisBlock),
        ),
        ("invalid notional liquidated", limits(50, 150), info_other, Err(Error::BlockLimitExceeded), Ok(50)),
        ("invalid insurance lost", limits(150, 50), info_other, Ok(50), Err(Error::BlockLimitExceeded)),
    ];
    for (name, l, info, notional, insurance) in rows {
        assert_eq!(subaccount_max_notional_liquidatable(&l, &info, 0), notional, "{name}");
        assert_eq!(subaccount_max_insurance_lost(&l, &info, 0), insurance, "{name}");
    }
}

/// `TestGetMaxAndMinPositionNotionalLiquidatable`
/// (x/clob/keeper/liquidations_test.go @ 84d4664): 3 of 4 rows, on
/// `BtcUsd_100PercentMarginRequirement`. Not reproduced: "errors are
/// propagated" asks the keeper for perpetual id 999, which does not exist;
/// partliq takes the perpetual itself, so there is no lookup to fail.
#[test]
fn go_test_get_max_and_min_position_notional_liquidatable() {
    let limits =
        |min: u64, ppm: u32| PositionBlockLimits { min_position_notional_liquidated: min, max_position_portion_liquidated_ppm: ppm };
    let position = |q| DydxPosition { perpetual: BTC_100, price: BTC_PRICE, quantums: q, quote_balance: 0 };
    let rows: [(&str, PositionBlockLimits, i128, i128, i128); 3] = [
        ("Can get min notional liquidatable", limits(100, 1_000_000), ONE_BTC, 100, 50_000_000_000),
        ("Can get max notional liquidatable", limits(100, 500_000), ONE_BTC, 100, 25_000_000_000),
        ("min and max notional liquidatable can be overridden", limits(10_000_000, 1_000_000), 10_000, 5_000_000, 5_000_000),
    ];
    for (name, l, q, min, max) in rows {
        assert_eq!(max_and_min_position_notional_liquidatable(&position(q), &l).unwrap(), PositionNotionalLimits { min, max }, "{name}");
    }
}

// ---------------------------------------------------------------------------
// The preset through the pipeline
//
// `presets::dydx_v4_policy` run through partliq's own `run_pipeline` and
// `settle_fill` must give dYdX's figures: each leg's size is
// `liquidatable_position_size_delta`, each fill's insurance fund delta is
// `liquidation_insurance_fund_delta` (and the bankruptcy quote
// `bankruptcy_price_quote_quantums`). The mapping between the two:
//
// * a perpetual with its oracle price and CLOB pair is a partliq market whose
//   quote unit is the quote quantum and whose size unit is the base quantum;
//   `notional = size × price × 10^e` with `e = min(qce, conv)`, where
//   `conv = price_exponent + atomic_resolution + 6` is dYdX's
//   `BaseToQuoteQuantums` exponent and `qce` the CLOB pair's quantum
//   conversion exponent. The mark is the oracle price scaled to `e`
//   (`price × 10^(conv − e)`), a fill at `subticks` is at the partliq price
//   `subticks × 10^(qce − e)`; lot step = step base quantums, tick = subticks
//   per tick in the same unit; one tier, initial = IMF, maintenance =
//   IMF × MF (dYdX's maintenance is a fraction of the initial requirement).
// * a subaccount is a cross pool: USDC = collateral, each perpetual position
//   a position with its quote balance.
// * the block's state: `SubaccountLiquidationInfo { notional_liquidated,
//   quantums_insurance_lost }` = `AccountLiquidationState { block_notional,
//   block_insurance_loss }` of the same block.
// ---------------------------------------------------------------------------

mod through_the_pipeline {
    use super::*;
    use partliq::presets;
    use partliq::{
        pool_health, run_pipeline, settle_fill, AccountLiquidationState, Action, Fill, Market, MarketCapacityState, PlanLeg, Pool,
        Position, Ppm, Price, Quote, Reason, Size,
    };
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use std::cell::RefCell;

    /// One dYdX perpetual market as partliq sees it (see the section's docs).
    #[derive(Debug, Clone, Copy)]
    struct Venue {
        perp: DydxPerpetual,
        price: MarketPrice,
        clob: ClobPair,
    }

    fn pow10(k: i32) -> i128 {
        10i128.pow(u32::try_from(k).unwrap())
    }

    impl Venue {
        fn conv(&self) -> i32 {
            self.price.exponent + self.perp.atomic_resolution + 6
        }
        fn e(&self) -> i32 {
            self.clob.quantum_conversion_exponent.min(self.conv())
        }
        /// The partliq market, with the preset's fees applied.
        fn market(&self, preset: &presets::Preset) -> Market {
            let t = self.perp.liquidity_tier;
            let mm = u32::try_from(u64::from(t.initial_margin_ppm) * u64::from(t.maintenance_fraction_ppm) / 1_000_000).unwrap();
            let tick = i128::from(self.clob.subticks_per_tick) * pow10(self.clob.quantum_conversion_exponent - self.e());
            let mut m = Market::single_tier(
                self.e(),
                i64::try_from(self.clob.step_base_quantums).unwrap(),
                i64::try_from(tick).unwrap(),
                Ppm(t.initial_margin_ppm),
                Ppm(mm),
            );
            m.id = self.perp.id;
            preset.apply_to(&mut m);
            m.validate().unwrap();
            m
        }
        fn mark(&self) -> Price {
            Price(i64::try_from(i128::from(self.price.price) * pow10(self.conv() - self.e())).unwrap())
        }
        fn fill_price(&self, subticks: u64) -> Price {
            Price(i64::try_from(i128::from(subticks) * pow10(self.clob.quantum_conversion_exponent - self.e())).unwrap())
        }
    }

    /// A subaccount: USDC and one position per venue.
    #[derive(Debug, Clone)]
    struct Sub {
        venues: Vec<Venue>,
        usdc: i128,
        /// (base quantums, quote balance) per venue.
        positions: Vec<(i128, i128)>,
    }

    impl Sub {
        fn dydx(&self, i: usize) -> DydxPosition {
            let v = &self.venues[i];
            DydxPosition { perpetual: v.perp, price: v.price, quantums: self.positions[i].0, quote_balance: self.positions[i].1 }
        }
        fn dydx_all(&self) -> Vec<DydxPosition> {
            (0..self.venues.len()).map(|i| self.dydx(i)).collect()
        }
        fn markets(&self, preset: &presets::Preset) -> Vec<Market> {
            self.venues.iter().map(|v| v.market(preset)).collect()
        }
        fn marks(&self) -> Vec<Price> {
            self.venues.iter().map(Venue::mark).collect()
        }
        fn partliq_positions(&self) -> Vec<Position> {
            self.positions
                .iter()
                .enumerate()
                .map(|(i, &(q, qb))| Position {
                    market_index: u32::try_from(i).unwrap(),
                    size: Size(i64::try_from(q).unwrap()),
                    quote_balance: Quote(i64::try_from(qb).unwrap()),
                })
                .collect()
        }
    }

    /// Random draws from a vector of knobs.
    struct Knobs<'a> {
        v: &'a [u64],
        i: usize,
    }

    impl Knobs<'_> {
        fn next(&mut self) -> u64 {
            let x = self.v[self.i % self.v.len()];
            self.i += 1;
            x
        }
        /// Uniform in `lo..=hi`.
        fn range(&mut self, lo: i128, hi: i128) -> i128 {
            lo + i128::from(self.next()) % (hi - lo + 1)
        }
        fn pct(&mut self, pct: u64) -> bool {
            self.next() % 100 < pct
        }
        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[usize::try_from(self.next() % xs.len() as u64).unwrap()]
        }
        /// `10^lo ..= 10^hi`, log-uniform, times a random mantissa.
        fn log(&mut self, lo: i32, hi: i32) -> i128 {
            let k = i32::try_from(self.range(i128::from(lo), i128::from(hi))).unwrap();
            (pow10(k) * self.range(1, 9)).max(1)
        }
    }

    fn runner(cases: u32) -> TestRunner {
        crate::support::fixed_runner(Config { cases, failure_persistence: None, max_shrink_iters: 2_000, ..Config::default() })
    }

    fn knobs() -> impl Strategy<Value = Vec<u64>> {
        prop::collection::vec(any::<u64>(), 64)
    }

    /// A dYdX market of any shape (notionals need not be whole quantums).
    fn any_venue(k: &mut Knobs<'_>, id: u32) -> Venue {
        // BaseToQuoteQuantums' exponent in [−10, 0] and the CLOB pair's
        // within 3 of it (dYdX's markets: −9 … −5 for both).
        let atomic_resolution = i32::try_from(k.range(-10, -4)).unwrap();
        let conv = i32::try_from(k.range(-10, 0)).unwrap();
        let exponent = conv - atomic_resolution - 6;
        let price = u64::try_from(k.log(0, 8)).unwrap() + u64::try_from(k.range(0, 99)).unwrap();
        let qce = i32::try_from(k.range(i128::from((conv - 3).max(-10)), i128::from(conv + 3))).unwrap();
        let any_step = k.range(1, 1_000);
        let step = k.pick(&[1i128, 1, 3, 5, 10, 100, 1_000, any_step]);
        let tier = LiquidityTier {
            initial_margin_ppm: u32::try_from(k.range(10_000, 1_000_000)).unwrap(),
            maintenance_fraction_ppm: u32::try_from(k.range(100_000, 1_000_000)).unwrap(),
            open_interest_lower_cap: 0,
            open_interest_upper_cap: 0,
        };
        Venue {
            perp: DydxPerpetual { id, atomic_resolution, open_interest: 0, liquidity_tier: tier },
            price: MarketPrice { price, exponent },
            clob: ClobPair {
                step_base_quantums: u64::try_from(step).unwrap(),
                subticks_per_tick: u32::try_from(k.range(1, 1_000)).unwrap(),
                quantum_conversion_exponent: qce,
            },
        }
    }

    /// The regression: dYdX's test BTC market (price $50,000, atomic
    /// resolution −8: one base quantum is 500 quote quantums; IMF 20 %, MF
    /// 50 %), `ClobPair_Btc` (step 5), the code default config with a 50 %
    /// portion. Long 5 base quantums (notional 2,500), USDC −2,400: NC 100 <
    /// MMR ⌈⌈2,500 × 20 %⌉ × 50 %⌉ = 250. Position limit max(min(1,000,
    /// 2,500), ⌊2,500 × 50 %⌋) = 1,250 < 2,500, but the position is one step
    /// (5 ≤ 5): dYdX closes it whole, −5. (partliq returned no leg and
    /// `CapacityExhausted`: the limit, 2 base quantums, rounded down to the
    /// step is 0.)
    #[test]
    fn preset_closes_one_step_when_the_limit_is_below_a_step() {
        let mut config = LiquidationConfig::code_default();
        config.position_block_limits.max_position_portion_liquidated_ppm = 500_000;
        let venue = Venue { perp: BTC, price: BTC_PRICE, clob: CLOB_BTC };
        let sub = Sub { venues: vec![venue], usdc: -2_400, positions: vec![(5, 0)] };
        let info = SubaccountLiquidationInfo::default();
        assert_eq!(liquidatable_position_size_delta(&sub.dydx(0), &CLOB_BTC, &config, &info), Ok(-5));
        assert!(subaccount_risk(sub.usdc, &sub.dydx_all()).unwrap().is_liquidatable());
        let preset = presets::dydx_v4_policy(&config, Ppm(10_000)).unwrap();
        let markets = sub.markets(&preset);
        // e = min(−8, −5 − 8 + 6 = −7) = −8: the mark is 5·10^10 (500 quote quantums a base quantum).
        assert_eq!((markets[0].quote_exponent, sub.marks()[0], markets[0].lot_step), (-8, Price(50_000_000_000), Size(5)));
        let positions = sub.partliq_positions();
        let pool = Pool::new(Quote(-2_400), &positions);
        let h = pool_health(&pool, &markets, &sub.marks()).unwrap();
        assert_eq!((h.equity, h.maintenance_requirement), (Quote(100), Quote(250)));
        let mut state = AccountLiquidationState::default();
        let mut legs = [PlanLeg::default(); 1];
        let d =
            run_pipeline(&pool, &markets, &sub.marks(), &preset.policy, &mut state, &mut [MarketCapacityState::default()], 0, 1, &mut legs)
                .unwrap();
        assert_eq!((d.action, d.plan.leg_count, legs[0].size_delta), (Action::Liquidate, 1, Size(-5)));
        // Booked to the block as dYdX books the fill: 5 × 500 = 2,500.
        assert_eq!((state.block, state.block_notional), (1, Quote(2_500)));
        // A position of 10 base quantums (two steps, notional 5,000, limit
        // 2,500 = 5 base quantums): one step, −5.
        let sub = Sub { positions: vec![(10, 0)], usdc: -4_800, ..sub };
        assert_eq!(liquidatable_position_size_delta(&sub.dydx(0), &CLOB_BTC, &config, &info), Ok(-5));
        let positions = sub.partliq_positions();
        let pool = Pool::new(Quote(-4_800), &positions);
        let mut state = AccountLiquidationState::default();
        let d =
            run_pipeline(&pool, &markets, &sub.marks(), &preset.policy, &mut state, &mut [MarketCapacityState::default()], 0, 1, &mut legs)
                .unwrap();
        assert_eq!((d.action, d.reason, legs[0].size_delta), (Action::Liquidate, Reason::StepCapped, Size(-5)));
        // With a 20 % portion (limit max(1,000, 1,000) = 1,000 = 2 base
        // quantums, below the step): still one step, where hard caps
        // (LimitMode::Cap) wait — and say which rule (not `CapacityExhausted`).
        config.position_block_limits.max_position_portion_liquidated_ppm = 200_000;
        assert_eq!(liquidatable_position_size_delta(&sub.dydx(0), &CLOB_BTC, &config, &info), Ok(-5));
        let preset = presets::dydx_v4_policy(&config, Ppm(10_000)).unwrap();
        let d =
            run_pipeline(&pool, &markets, &sub.marks(), &preset.policy, &mut state, &mut [MarketCapacityState::default()], 0, 2, &mut legs)
                .unwrap();
        assert_eq!((d.action, legs[0].size_delta), (Action::Liquidate, Size(-5)));
        let mut cap = preset.policy;
        cap.position_limits.mode = partliq::LimitMode::Cap;
        let d =
            run_pipeline(&pool, &markets, &sub.marks(), &cap, &mut state, &mut [MarketCapacityState::default()], 0, 3, &mut legs).unwrap();
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::StepCapped, 0));
    }

    /// The fee of that subaccount's fill, rounded down as dYdX does: sell the
    /// 5 base quantums at 52,020,000,000 subticks, `5 × 52,020,000,000 ×
    /// 10^−8 = 2,601`; bankruptcy quote `2,500 − ⌊100 × 250 / 250⌋ = 2,400`;
    /// delta 201 above it; fee `⌊2,601 × 0.5 %⌋ = ⌊13.005⌋ = 13` (rounded up
    /// it was 14). The C suite settles the same fill.
    #[test]
    fn preset_fee_is_rounded_down_as_dydx() {
        let config = LiquidationConfig::code_default();
        let venue = Venue { perp: BTC, price: BTC_PRICE, clob: CLOB_BTC };
        let sub = Sub { venues: vec![venue], usdc: -2_400, positions: vec![(5, 0)] };
        let total = subaccount_risk(sub.usdc, &sub.dydx_all()).unwrap();
        let fill = LiquidationFill { is_buy: false, fill_amount: 5, subticks: 52_020_000_000 };
        assert_eq!(liquidation_insurance_fund_delta(&sub.dydx(0), &total, &CLOB_BTC, 5_000, &fill), Ok(13));
        let preset = presets::dydx_v4_policy(&config, Ppm(10_000)).unwrap();
        let positions = sub.partliq_positions();
        let s = settle_fill(
            &Pool::new(Quote(-2_400), &positions),
            &sub.markets(&preset),
            &sub.marks(),
            &Fill { position_index: 0, size_delta: Size(-5), price: venue.fill_price(fill.subticks) },
        )
        .unwrap();
        assert_eq!(
            (s.fill_cash, s.bankruptcy_quote, s.nominal_fee, s.fee, s.fee_to_liquidator),
            (Quote(2_601), Quote(2_400), Quote(13), Quote(13), Quote(0))
        );
        assert_eq!(s.insurance_fund_delta, Quote(13));
    }

    #[derive(Default, Debug)]
    struct SizeStats {
        cases: u64,
        legs: u64,
        later_legs: u64,
        whole_by_notional: u64,
        whole_by_step: u64,
        one_step_forced: u64,
        partial: u64,
        block_bound: u64,
        exceeded: u64,
    }

    /// On random markets, subaccounts, configs and block states, every leg
    /// of the dYdX preset through `run_pipeline` is dYdX's
    /// `GetLiquidatablePositionSizeDelta` for that position, with the block's
    /// notional so far (earlier legs of the call included, booked as dYdX
    /// books a fill); a block limit already exceeded gives no leg
    /// (`BlockLimitReached`) where dYdX fails.
    #[test]
    fn preset_leg_size_is_dydx_size_delta() {
        let stats = RefCell::new(SizeStats::default());
        let result = runner(3_000).run(&knobs(), |v| {
            let mut k = Knobs { v: &v, i: 0 };
            let n = usize::try_from(k.range(1, 3)).unwrap();
            let venues: Vec<Venue> = (0..n).map(|i| any_venue(&mut k, u32::try_from(i).unwrap())).collect();
            let positions: Vec<(i128, i128)> = venues
                .iter()
                .map(|_| {
                    let q = k.log(0, 7) + k.range(0, 9);
                    (if k.pct(40) { -q } else { q }, 0)
                })
                .collect();
            let mut sub = Sub { venues, usdc: 0, positions };
            // Make the pool liquidatable in partliq's figures: equity below maintenance.
            let abs_notional: Vec<i128> =
                (0..n).map(|i| sub.dydx(i).perpetual.net_notional(sub.venues[i].price, sub.positions[i].0).unwrap().abs()).collect();
            let total_n: i128 = abs_notional.iter().sum();
            let mut config = LiquidationConfig::code_default();
            let (any_portion, small_portion) = (k.range(1, 1_000_000), k.range(1, 1_000));
            config.position_block_limits = PositionBlockLimits {
                min_position_notional_liquidated: u64::try_from(if k.pct(20) { 0 } else { k.range(0, 2 * total_n + 1) }).unwrap(),
                max_position_portion_liquidated_ppm: u32::try_from(k.pick(&[1_000_000, 500_000, 100_000, any_portion, small_portion]))
                    .unwrap(),
            };
            let max_notional = k.range(1, 2 * total_n + 1);
            config.subaccount_block_limits = SubaccountBlockLimits {
                max_notional_liquidated: u64::try_from(if k.pct(20) { i128::from(i64::MAX) } else { max_notional }).unwrap(),
                max_quantums_insurance_lost: u64::try_from(k.range(1, 1_000_000_000)).unwrap(),
            };
            let sl = config.subaccount_block_limits;
            let max_n = i128::from(sl.max_notional_liquidated);
            // Booked so far (the block's total must still fit an i64 after this call's legs).
            let cap = max_n.min(2 * total_n + 1);
            let liquidated = match k.range(0, 9) {
                0 => cap,
                1 if max_n < i128::from(i64::MAX) => max_n + k.range(1, 1_000),
                2..=5 => 0,
                _ => k.range(0, cap),
            };
            let max_loss = i128::from(sl.max_quantums_insurance_lost);
            let lost = match k.range(0, 9) {
                0 => max_loss,
                1 => max_loss + 1,
                _ => k.range(0, max_loss),
            };
            let preset = presets::dydx_v4_policy(&config, Ppm(u32::try_from(k.range(0, 50_000)).unwrap())).unwrap();
            let markets = sub.markets(&preset);
            let marks = sub.marks();
            let positions = sub.partliq_positions();
            let h = pool_health(&Pool::new(Quote(0), &positions), &markets, &marks).unwrap();
            let mm = i128::from(h.maintenance_requirement.0);
            let slack = k.range(1, mm + 1);
            sub.usdc = mm - i128::from(h.equity.0) - slack;
            let positions = sub.partliq_positions();
            let pool = Pool::new(Quote(i64::try_from(sub.usdc).unwrap()), &positions);
            let block = u64::try_from(k.range(1, 1_000)).unwrap();
            let mut state = AccountLiquidationState {
                block,
                block_notional: Quote(i64::try_from(liquidated).unwrap()),
                block_insurance_loss: Quote(i64::try_from(lost).unwrap()),
                ..AccountLiquidationState::default()
            };
            let before = state;
            let mut legs = [PlanLeg::default(); 3];
            let mut ms = vec![MarketCapacityState::default(); n];
            let d = run_pipeline(&pool, &markets, &marks, &preset.policy, &mut state, &mut ms, 0, block, &mut legs)
                .map_err(|e| TestCaseError::fail(format!("pipeline error {e:?} on {sub:?} {config:?}")))?;
            let mut s = stats.borrow_mut();
            s.cases += 1;
            let info = |notional: i128| SubaccountLiquidationInfo {
                perpetuals_liquidated: &[],
                notional_liquidated: u64::try_from(notional).unwrap(),
                quantums_insurance_lost: u64::try_from(lost).unwrap(),
            };
            // dYdX fails when a block limit is already exceeded (its
            // GetSubaccountMax* panic there; the matching never lets it happen).
            let exceeded = liquidated > max_n || lost > max_loss;
            if exceeded {
                s.exceeded += 1;
                if liquidated > max_n {
                    prop_assert_eq!(subaccount_max_notional_liquidatable(&sl, &info(liquidated), 0), Err(Error::BlockLimitExceeded));
                } else {
                    prop_assert_eq!(subaccount_max_insurance_lost(&sl, &info(liquidated), 0), Err(Error::BlockLimitExceeded));
                }
                prop_assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::BlockLimitReached, 0));
                prop_assert_eq!(state, before);
                return Ok(());
            }
            prop_assert!(d.plan.leg_count >= 1, "no leg: {d:?} {sub:?} {config:?}");
            let mut booked = liquidated;
            for (j, leg) in legs[..d.plan.leg_count].iter().enumerate() {
                let i = leg.position_index as usize;
                let dp = sub.dydx(i);
                let want = liquidatable_position_size_delta(&dp, &sub.venues[i].clob, &config, &info(booked)).map_err(|e| {
                    TestCaseError::fail(format!("dYdX error {e:?} for leg {j} {leg:?}, booked {booked}: {sub:?} {config:?}"))
                })?;
                prop_assert_eq!(
                    i128::from(leg.size_delta.0),
                    want,
                    "leg {} of position {} (block {} used): {:?} {:?}",
                    j,
                    i,
                    booked,
                    sub,
                    config
                );
                // How dYdX reached it.
                let u = dp.quantums.abs();
                let step = i128::from(sub.venues[i].clob.step_base_quantums);
                let limit = max_and_min_position_notional_liquidatable(&dp, &config.position_block_limits).unwrap().max.min(max_n - booked);
                s.legs += 1;
                if j > 0 {
                    s.later_legs += 1;
                }
                if abs_notional[i] <= limit {
                    s.whole_by_notional += 1;
                } else if u <= step {
                    s.whole_by_step += 1;
                } else if want.abs() == step && dp.perpetual.notional_in_base_quantums(dp.price, limit).unwrap() < step {
                    s.one_step_forced += 1;
                } else {
                    s.partial += 1;
                }
                if max_n - booked < max_and_min_position_notional_liquidatable(&dp, &config.position_block_limits).unwrap().max {
                    s.block_bound += 1;
                }
                booked += dp.perpetual.net_notional(dp.price, want).unwrap().abs();
            }
            // The block's notional is booked as dYdX books the fills.
            prop_assert_eq!(i128::from(state.block_notional.0), booked);
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let s = stats.into_inner();
        println!("{s:?}");
        // Every branch of dYdX's sizing is exercised.
        for (name, count) in [
            ("whole_by_notional", s.whole_by_notional),
            ("whole_by_step", s.whole_by_step),
            ("one_step_forced", s.one_step_forced),
            ("partial", s.partial),
            ("block_bound", s.block_bound),
            ("later_legs", s.later_legs),
            ("exceeded", s.exceeded),
        ] {
            assert!(count * 50 >= s.cases, "{name}: {count} of {} cases ({s:?})", s.cases);
        }
    }

    /// A dYdX market whose notionals and fills are whole quote quantums, as
    /// on mainnet: the oracle values one base quantum at `q` quote quantums
    /// (`q × 10^z` at exponent `conv = −z`), and one step at one tick is a
    /// whole number (`step × subticks_per_tick × 10^qce ∈ ℕ`). Its
    /// maintenance fraction is `1 / k` of the initial one with the initial
    /// fraction a multiple of `k` ppm, so partliq's single tier
    /// (`⌈N × IMF / k⌉`) is dYdX's `⌈⌈N × IMF⌉ / k⌉` exactly.
    fn whole_venue(k: &mut Knobs<'_>, id: u32) -> Venue {
        let q = k.log(0, 3) + k.range(0, 9);
        let z = i32::try_from(k.range(0, 4)).unwrap();
        let atomic_resolution = i32::try_from(k.range(-10, -5)).unwrap();
        let qce = i32::try_from(k.range(-9, -5)).unwrap();
        // Subticks per tick fit a u32: at most 20 × 10^8.
        let i = i32::try_from(k.range(i128::from((-qce - 8).max(0)), i128::from(-qce))).unwrap();
        let step = k.range(1, 20) * pow10(i);
        let spt = k.range(1, 20) * pow10(-qce - i);
        let kk = k.pick(&[1i128, 2, 4, 5, 8, 10, 20]);
        let imf = kk * k.range(1, 1_000_000 / kk);
        let tier = LiquidityTier {
            initial_margin_ppm: u32::try_from(imf).unwrap(),
            maintenance_fraction_ppm: u32::try_from(1_000_000 / kk).unwrap(),
            open_interest_lower_cap: 0,
            open_interest_upper_cap: 0,
        };
        Venue {
            perp: DydxPerpetual { id, atomic_resolution, open_interest: 0, liquidity_tier: tier },
            price: MarketPrice { price: u64::try_from(q * pow10(z)).unwrap(), exponent: -z - atomic_resolution - 6 },
            clob: ClobPair {
                step_base_quantums: u64::try_from(step).unwrap(),
                subticks_per_tick: u32::try_from(spt).unwrap(),
                quantum_conversion_exponent: qce,
            },
        }
    }

    #[derive(Default, Debug)]
    struct SettleStats {
        cases: u64,
        fee_charged: u64,
        fee_capped: u64,
        fee_fractional: u64,
        loss: u64,
        buys: u64,
        partial_fills: u64,
    }

    /// On random dYdX-shaped fills (markets as `whole_venue`, subaccounts of
    /// one to three positions, fill sizes in steps, fill prices in ticks
    /// around the oracle, any fee), the dYdX preset's `settle_fill` books
    /// dYdX's `GetLiquidationInsuranceFundDelta` as its insurance fund delta,
    /// dYdX's `GetBankruptcyPriceInQuoteQuantums` as its bankruptcy quote and
    /// dYdX's fill amount as its cash.
    #[test]
    fn preset_settlement_is_dydx_insurance_fund_delta() {
        let stats = RefCell::new(SettleStats::default());
        let result = runner(4_000).run(&knobs(), |v| {
            let mut k = Knobs { v: &v, i: 0 };
            let n = usize::try_from(k.range(1, 3)).unwrap();
            let venues: Vec<Venue> = (0..n).map(|i| whole_venue(&mut k, u32::try_from(i).unwrap())).collect();
            let positions: Vec<(i128, i128)> = venues
                .iter()
                .map(|v| {
                    let lots = k.log(0, 3) + k.range(0, 9);
                    let q = lots * i128::from(v.clob.step_base_quantums);
                    (if k.pct(50) { -q } else { q }, if k.pct(30) { k.range(-1_000_000, 1_000_000) } else { 0 })
                })
                .collect();
            let mut sub = Sub { venues, usdc: 0, positions };
            let any_fee = k.range(1, 1_000_000);
            let fee_ppm = u32::try_from(k.pick(&[5_000i128, 15_000, 1_000_000, any_fee])).unwrap();
            let mut config = LiquidationConfig::code_default();
            config.max_liquidation_fee_ppm = fee_ppm;
            let preset = presets::dydx_v4_policy(&config, Ppm(10_000)).unwrap();
            let markets = sub.markets(&preset);
            let marks = sub.marks();
            // USDC around what leaves the subaccount near its maintenance requirement.
            let total0 = subaccount_risk(0, &sub.dydx_all()).unwrap();
            sub.usdc = total0.mmr - total0.nc + k.range(-2 * total0.mmr - 1, total0.mmr);
            let dp = sub.dydx(0);
            let total = subaccount_risk(sub.usdc, &sub.dydx_all()).unwrap();
            let v = sub.venues[0];
            let step = i128::from(v.clob.step_base_quantums);
            let lots = dp.quantums.abs() / step;
            let fill_lots = if k.pct(40) { lots } else { k.range(1, lots) };
            let fill_amount = fill_lots * step;
            let is_buy = dp.quantums < 0;
            // Oracle in subticks: q quote quantums a base quantum = q × 10^−qce subticks.
            let oracle_subticks = dp.perpetual.net_notional(dp.price, 1).unwrap() * pow10(-v.clob.quantum_conversion_exponent);
            let spt = i128::from(v.clob.subticks_per_tick);
            let target = oracle_subticks * k.range(800_000, 1_200_000) / 1_000_000;
            let subticks = (target / spt).max(1) * spt + if k.pct(10) { spt } else { 0 };
            let fill =
                LiquidationFill { is_buy, fill_amount: u64::try_from(fill_amount).unwrap(), subticks: u64::try_from(subticks).unwrap() };
            let want = liquidation_insurance_fund_delta(&dp, &total, &v.clob, fee_ppm, &fill).unwrap();
            let delta = if is_buy { fill_amount } else { -fill_amount };
            let want_bankruptcy = bankruptcy_price_quote_quantums(&dp, &total, delta).unwrap();
            let cash = fill_amount_to_quote_quantums(fill.subticks, fill.fill_amount, v.clob.quantum_conversion_exponent).unwrap();
            let positions = sub.partliq_positions();
            let pool = Pool::new(Quote(i64::try_from(sub.usdc).unwrap()), &positions);
            let got = settle_fill(
                &pool,
                &markets,
                &marks,
                &Fill { position_index: 0, size_delta: Size(i64::try_from(delta).unwrap()), price: v.fill_price(fill.subticks) },
            )
            .map_err(|e| TestCaseError::fail(format!("settle error {e:?}: {sub:?} {fill:?}")))?;
            let ctx = format!("{sub:?} {fill:?} fee {fee_ppm} → {got:?}");
            prop_assert_eq!(i128::from(got.fill_cash.0), if is_buy { -cash } else { cash }, "cash: {}", ctx);
            prop_assert_eq!(i128::from(got.bankruptcy_quote.0), want_bankruptcy, "bankruptcy quote: {}", ctx);
            prop_assert_eq!(i128::from(got.insurance_fund_delta.0), want, "insurance fund delta: {}", ctx);
            let mut s = stats.borrow_mut();
            s.cases += 1;
            if want > 0 {
                s.fee_charged += 1;
                if got.fee < got.nominal_fee {
                    s.fee_capped += 1;
                }
            }
            if want < 0 {
                s.loss += 1;
            }
            if cash * i128::from(fee_ppm) % 1_000_000 != 0 {
                s.fee_fractional += 1;
            }
            if is_buy {
                s.buys += 1;
            }
            if fill_amount < dp.quantums.abs() {
                s.partial_fills += 1;
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let s = stats.into_inner();
        println!("{s:?}");
        for (name, count) in [
            ("fee_charged", s.fee_charged),
            ("fee_capped", s.fee_capped),
            ("fee_fractional", s.fee_fractional),
            ("loss", s.loss),
            ("buys", s.buys),
            ("partial_fills", s.partial_fills),
        ] {
            assert!(count * 20 >= s.cases, "{name}: {count} of {} cases ({s:?})", s.cases);
        }
    }

    /// The one documented difference: a fill whose quote amount is not a
    /// whole quote quantum. dYdX rounds the amount down for both sides
    /// (`FillAmountToQuoteQuantums`); partliq rounds a purchase's cash up,
    /// against the account. `ClobPair_Btc` (exponent −8): short 5 base
    /// quantums of BTC (notional 2,500), USDC 2,600: NC 100, MMR 250;
    /// bankruptcy quote `−2,500 − ⌊100 × 250 / 250⌋ = −2,600`. Buy 5 at
    /// 52,000,000,005 subticks: `5 × 52,000,000,005 × 10^−8 = 2,600.00000025`.
    /// dYdX pays 2,600: delta 0. partliq pays 2,601: one quantum of bad debt.
    #[test]
    fn fractional_fill_amount_is_the_documented_difference() {
        let venue = Venue { perp: BTC, price: BTC_PRICE, clob: CLOB_BTC };
        let sub = Sub { venues: vec![venue], usdc: 2_600, positions: vec![(-5, 0)] };
        let total = subaccount_risk(2_600, &sub.dydx_all()).unwrap();
        assert_eq!((total.nc, total.mmr), (100, 250));
        let fill = LiquidationFill { is_buy: true, fill_amount: 5, subticks: 52_000_000_005 };
        assert_eq!(liquidation_insurance_fund_delta(&sub.dydx(0), &total, &CLOB_BTC, 5_000, &fill), Ok(0));
        let preset = presets::dydx_v4_policy(&LiquidationConfig::code_default(), Ppm(10_000)).unwrap();
        let positions = sub.partliq_positions();
        let s = settle_fill(
            &Pool::new(Quote(2_600), &positions),
            &sub.markets(&preset),
            &sub.marks(),
            &Fill { position_index: 0, size_delta: Size(5), price: venue.fill_price(fill.subticks) },
        )
        .unwrap();
        assert_eq!(
            (s.fill_cash, s.bankruptcy_quote, s.bad_debt, s.insurance_fund_delta),
            (Quote(-2_601), Quote(-2_600), Quote(1), Quote(-1))
        );
    }
}
