//! Drift v2's own liquidation-math tests, replayed against the replica
//! `partliq::venues::drift_v2::liquidation`, to the unit.
//!
//! Source: `drift-labs/protocol-v2` at commit
//! `0ae3e3b1db782a6765c3525b3dec38ad4d9d3a62`,
//! `programs/drift/src/math/liquidation/tests.rs`. Each module below is
//! one of that file's modules, each test keeps its Drift name, and the
//! inputs are written as Drift writes them (`10 * QUOTE_PRECISION`,
//! `MARGIN_PRECISION / 10`, …) with the constants below standing for
//! Drift's. Every numeric test of Drift's file is here (28), and each
//! module adds `hand_computed`: a case of our own, the arithmetic in a
//! comment. `calculate_liquidation_multiplier` and
//! `get_liquidation_order_params` have no test in Drift's file; theirs is
//! the hand-computed one.
//!
//! Drift's `User`, `PerpMarket` and `SpotMarket` arguments are passed as
//! the fields the functions read (see the replica's module docs):
//! `User::default()` is `DriftUserLiquidationState::default()`.

use partliq::venues::drift_v2::liquidation::*;
use partliq::venues::drift_v2::{
    AMM_TO_QUOTE_PRECISION_RATIO as AMM_TO_QUOTE_I128, BASE_PRECISION as BASE_U128, PRICE_PRECISION as PRICE_I128,
    QUOTE_PRECISION as QUOTE_I128, SPOT_BALANCE_PRECISION as SPOT_BALANCE_U128,
    SPOT_CUMULATIVE_INTEREST_PRECISION as SPOT_CUMULATIVE_INTEREST_U128, SPOT_WEIGHT_PRECISION as SPOT_WEIGHT_U32,
};
use partliq::Error;

// Drift's constants in the types Drift's tests use them, from the replica's.
const QUOTE_PRECISION: u128 = QUOTE_I128 as u128;
const QUOTE_PRECISION_I128: i128 = QUOTE_I128;
const PRICE_PRECISION: u128 = PRICE_I128 as u128;
const PRICE_PRECISION_I64: i64 = PRICE_I128 as i64;
const PRICE_PRECISION_U64: u64 = PRICE_I128 as u64;
const BASE_PRECISION: u128 = BASE_U128;
const BASE_PRECISION_U64: u64 = BASE_U128 as u64;
const BASE_PRECISION_I128: i128 = BASE_U128 as i128;
const AMM_TO_QUOTE_PRECISION_RATIO: u128 = AMM_TO_QUOTE_I128 as u128;
const MARGIN_PRECISION_U128: u128 = MARGIN_PRECISION as u128;
const SPOT_WEIGHT_PRECISION: u32 = SPOT_WEIGHT_U32;
const SPOT_WEIGHT_PRECISION_U128: u128 = SPOT_WEIGHT_U32 as u128;
const SPOT_BALANCE_PRECISION: u128 = SPOT_BALANCE_U128;
const SPOT_CUMULATIVE_INTEREST_PRECISION: u128 = SPOT_CUMULATIVE_INTEREST_U128;
/// Solana's `LAMPORTS_PER_SOL`.
const LAMPORTS_PER_SOL: u64 = 1_000_000_000;

/// The replica's constants are Drift's (`math/constants.rs` and
/// `math/liquidation.rs`), written out by hand.
#[test]
fn constants_are_drifts() {
    assert_eq!(QUOTE_PRECISION, 1_000_000);
    assert_eq!(PRICE_PRECISION, 1_000_000);
    assert_eq!(BASE_PRECISION, 1_000_000_000);
    assert_eq!(AMM_TO_QUOTE_PRECISION_RATIO, 1_000);
    assert_eq!(MARGIN_PRECISION, 10_000);
    assert_eq!(SPOT_WEIGHT_PRECISION, 10_000);
    assert_eq!(SPOT_BALANCE_PRECISION, 1_000_000_000);
    assert_eq!(SPOT_CUMULATIVE_INTEREST_PRECISION, 10_000_000_000);
    assert_eq!(LIQUIDATION_FEE_PRECISION, 1_000_000);
    assert_eq!(LIQUIDATION_FEE_PRECISION_U128, 1_000_000);
    // 10⁶ / 10⁴; 10⁶ × 10³; 10⁶ / 10⁶; 10⁹ / 10⁶.
    assert_eq!(LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO, 100);
    assert_eq!(PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO, 1_000_000_000);
    assert_eq!(LIQUIDATION_FEE_INCREASE_PER_SLOT, 1);
    assert_eq!(FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO, 1_000);
    assert_eq!(LIQUIDATION_PCT_PRECISION, 10_000);
    assert_eq!(LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS, 1_500);
    assert_eq!(ACCELERATED_LIQUIDATION_SHORTAGE, 50 * QUOTE_PRECISION);
}

mod calculate_base_asset_amount_to_cover_margin_shortage {
    use super::*;

    #[test]
    pub fn zero_percent_liquidation_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let margin_ratio = MARGIN_PRECISION / 10; // 10x leverage
        let liquidation_fee = 0; // 0 percent
        let oracle_price = 100 * PRICE_PRECISION_I64; // $100 / base
        let base_asset_amount = calculate_base_asset_amount_to_cover_margin_shortage(
            margin_shortage,
            margin_ratio,
            liquidation_fee,
            0,
            oracle_price,
            PRICE_PRECISION_I64,
        )
        .unwrap();
        // 1e7 × 1e9 / ⌊1e8 × 1e5 / 1e6⌋ = 1e16 / 1e7 = 1e9.
        assert_eq!(base_asset_amount, BASE_PRECISION_U64); // must lose 1 base
    }

    #[test]
    pub fn usdc_not_one() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let margin_ratio = MARGIN_PRECISION / 10; // 10x leverage
        let liquidation_fee = 0; // 0 percent
        let oracle_price = 100 * PRICE_PRECISION_I64; // $100 / base
        let quote_oracle_price = 99 * 10000;
        let base_asset_amount = calculate_base_asset_amount_to_cover_margin_shortage(
            margin_shortage,
            margin_ratio,
            liquidation_fee,
            0,
            oracle_price,
            quote_oracle_price,
        )
        .unwrap();
        // P × Q = 1e8 × 990,000 / 1e6 = 99e6; × 1e5 / 1e6 = 9.9e6;
        // 1e16 / 9.9e6 = 1,010,101,010.1 → 1,010,101,010.
        assert_eq!(base_asset_amount, 1010101010);

        let quote_oracle_price = 101 * 10000;
        let base_asset_amount = calculate_base_asset_amount_to_cover_margin_shortage(
            margin_shortage,
            margin_ratio,
            liquidation_fee,
            0,
            oracle_price,
            quote_oracle_price,
        )
        .unwrap();
        // 1e16 / 10.1e6 = 990,099,009.9 → 990,099,009.
        assert_eq!(base_asset_amount, 990099009);
    }

    #[test]
    pub fn one_percent_liquidation_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let margin_ratio = MARGIN_PRECISION / 10; // 10x leverage
        let liquidation_fee = LIQUIDATION_FEE_PRECISION / 100; // 1 percent
        let oracle_price = 100 * PRICE_PRECISION_I64; // $100 / base
        let base_asset_amount = calculate_base_asset_amount_to_cover_margin_shortage(
            margin_shortage,
            margin_ratio,
            liquidation_fee,
            0,
            oracle_price,
            PRICE_PRECISION_I64,
        )
        .unwrap();

        let freed_collateral = (base_asset_amount as u128) * (oracle_price as u128) / PRICE_PRECISION / AMM_TO_QUOTE_PRECISION_RATIO
            * margin_ratio as u128
            / MARGIN_PRECISION_U128;

        let negative_pnl = (base_asset_amount as u128) * (oracle_price as u128) / PRICE_PRECISION / AMM_TO_QUOTE_PRECISION_RATIO
            * liquidation_fee as u128
            / LIQUIDATION_FEE_PRECISION_U128;

        // 1,111,111,111 base is $111.111111: 11,111,111 freed − 1,111,111 fee.
        assert_eq!(freed_collateral - negative_pnl, 10000000); // ~$10

        // 1e16 / ⌊1e8 × (100,000 − 10,000) / 1e6⌋ = 1e16 / 9e6.
        assert_eq!(base_asset_amount, BASE_PRECISION_U64 * 10 / 9); // must lose 10/9 base
    }

    #[test]
    pub fn one_percent_liquidation_fee_and_one_percent_if_liquidation_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let margin_ratio = MARGIN_PRECISION / 10; // 10x leverage
        let liquidation_fee = LIQUIDATION_FEE_PRECISION / 100; // 1 percent
        let oracle_price = 100 * PRICE_PRECISION_I64; // $100 / base
        let if_liquidation_fee = LIQUIDATION_FEE_PRECISION / 100; // 1 percent
        let base_asset_amount = calculate_base_asset_amount_to_cover_margin_shortage(
            margin_shortage,
            margin_ratio,
            liquidation_fee,
            if_liquidation_fee,
            oracle_price,
            PRICE_PRECISION_I64,
        )
        .unwrap();

        let if_fee = (base_asset_amount as u128) * (oracle_price as u128) / PRICE_PRECISION / AMM_TO_QUOTE_PRECISION_RATIO
            * if_liquidation_fee as u128
            / LIQUIDATION_FEE_PRECISION_U128;

        let freed_collateral = (base_asset_amount as u128) * (oracle_price as u128) / PRICE_PRECISION / AMM_TO_QUOTE_PRECISION_RATIO
            * margin_ratio as u128
            / MARGIN_PRECISION_U128;

        let negative_pnl = (base_asset_amount as u128) * (oracle_price as u128) / PRICE_PRECISION / AMM_TO_QUOTE_PRECISION_RATIO
            * liquidation_fee as u128
            / LIQUIDATION_FEE_PRECISION_U128;

        let if_fee_consume_collateral = if_fee;

        // $125 of base: 12.5 freed − 1.25 − 1.25.
        assert_eq!(
            freed_collateral - negative_pnl - if_fee_consume_collateral,
            10000000 // ~$10
        );

        // 1e16 / (9e6 − ⌊1e8 × 10,000 / 1e6⌋ = 1e6) = 1e16 / 8e6.
        assert_eq!(base_asset_amount, 1250000000); // must lose 10/9 base
    }

    /// A 5 % margin ratio, 1 % liquidator fee, 0.5 % insurance fee, $50
    /// per base and USDC at $1: the denominator is
    /// `⌊50e6 × (50,000 − 10,000) / 1e6⌋ − ⌊50e6 × 5,000 / 1e6⌋ =
    /// 2,000,000 − 250,000 = 1,750,000`, so a $30 shortage is
    /// `30e6 × 1e9 / 1.75e6 = 17,142,857,142.86 → 17,142,857,142` base
    /// (17.14 base; freed $42.86 − $8.57 − $4.29 = $30). USDC at $0.98
    /// lowers only the freed part: `⌊⌊50e6 × 980,000 / 1e6⌋ × 40,000 / 1e6⌋
    /// = 1,960,000`, less 250,000 = 1,710,000: 17,543,859,649.1 → …649.
    /// A fee at the margin ratio (5 %) or a zero price: no finite amount.
    #[test]
    fn hand_computed() {
        let margin_shortage = 30 * QUOTE_PRECISION;
        let margin_ratio = MARGIN_PRECISION / 20; // 5 %
        let liquidation_fee = LIQUIDATION_FEE_PRECISION / 100; // 1 %
        let if_liquidation_fee = LIQUIDATION_FEE_PRECISION / 200; // 0.5 %
        let oracle_price = 50 * PRICE_PRECISION_I64;
        let f = |q: i64, fee: u32, p: i64| {
            calculate_base_asset_amount_to_cover_margin_shortage(margin_shortage, margin_ratio, fee, if_liquidation_fee, p, q)
        };
        assert_eq!(f(PRICE_PRECISION_I64, liquidation_fee, oracle_price), Ok(17_142_857_142));
        assert_eq!(f(98 * PRICE_PRECISION_I64 / 100, liquidation_fee, oracle_price), Ok(17_543_859_649));
        assert_eq!(f(PRICE_PRECISION_I64, LIQUIDATION_FEE_PRECISION / 20, oracle_price), Ok(u64::MAX));
        assert_eq!(f(PRICE_PRECISION_I64, liquidation_fee, 0), Ok(u64::MAX));
    }
}

mod calculate_liability_transfer_to_cover_margin_shortage {
    use super::*;

    #[test]
    pub fn zero_asset_and_liability_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let asset_weight = 8 * SPOT_WEIGHT_PRECISION / 10; // .8
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_weight = 12 * SPOT_WEIGHT_PRECISION / 10; // 1.2
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let liability_transfer = calculate_liability_transfer_to_cover_margin_shortage(
            margin_shortage,
            asset_weight,
            asset_liquidation_multiplier,
            liability_weight,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
            0,
        )
        .unwrap();

        // 1e7 × 10³ × 1e11 / (1e8 × (120,000 − 80,000)) = 1e21 / 4e12.
        assert_eq!(liability_transfer, 250000000); // .25 base
    }

    #[test]
    pub fn ten_percent_asset_and_liability_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let asset_weight = 8 * SPOT_WEIGHT_PRECISION / 10; // .8
        let asset_liquidation_multiplier = 110 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_weight = 12 * SPOT_WEIGHT_PRECISION / 10; // 1.2
        let liability_liquidation_multiplier = 90 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let liability_transfer = calculate_liability_transfer_to_cover_margin_shortage(
            margin_shortage,
            asset_weight,
            asset_liquidation_multiplier,
            liability_weight,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
            0,
        )
        .unwrap();

        // c_A = ⌊80,000 × 1.1e6 / 0.9e6⌋ = 97,777; 1e21 / (1e8 × 22,223)
        // = 449,984,250.5 → 449,984,250.
        assert_eq!(liability_transfer, 449984250);
    }

    #[test]
    pub fn zero_asset_and_liability_fee_with_one_percent_if_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let asset_weight = 8 * SPOT_WEIGHT_PRECISION / 10; // .8
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_weight = 12 * SPOT_WEIGHT_PRECISION / 10; // 1.2
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;
        let if_liquidation_fee = LIQUIDATION_FEE_PRECISION / 100;

        let liability_transfer = calculate_liability_transfer_to_cover_margin_shortage(
            margin_shortage,
            asset_weight,
            asset_liquidation_multiplier,
            liability_weight,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
            if_liquidation_fee,
        )
        .unwrap();

        let if_fee = liability_transfer * if_liquidation_fee as u128 / LIQUIDATION_FEE_PRECISION_U128;

        let liability_transfer_freed_collateral = liability_transfer * (liability_price as u128) / PRICE_PRECISION / 1000
            * (liability_weight - asset_weight) as u128
            / SPOT_WEIGHT_PRECISION_U128;

        let if_fee_consumed_collateral =
            if_fee * (liability_price as u128) / PRICE_PRECISION / 1000 * liability_weight as u128 / SPOT_WEIGHT_PRECISION_U128;

        assert_eq!(liability_transfer_freed_collateral - if_fee_consumed_collateral, 10000001);
        // IF term ⌊1e8 × 10,000 / 1e6⌋ × 12,000 × 10 = 1.2e11;
        // 1e21 / (4e12 − 1.2e11) = 257,731,958.8 → 257,731,958.
        assert_eq!(liability_transfer, 257731958);
    }

    #[test]
    pub fn ten_percent_asset_and_liability_fee_with_one_percent_if_fee() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let asset_weight = 8 * SPOT_WEIGHT_PRECISION / 10; // .8
        let asset_liquidation_multiplier = 110 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_weight = 12 * SPOT_WEIGHT_PRECISION / 10; // 1.2
        let liability_liquidation_multiplier = 90 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;
        let if_liquidation_fee = LIQUIDATION_FEE_PRECISION / 100;

        let liability_transfer = calculate_liability_transfer_to_cover_margin_shortage(
            margin_shortage,
            asset_weight,
            asset_liquidation_multiplier,
            liability_weight,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
            if_liquidation_fee,
        )
        .unwrap();

        let if_fee = liability_transfer * (if_liquidation_fee as u128) / LIQUIDATION_FEE_PRECISION_U128;

        let liability_transfer_freed_collateral = liability_transfer * (liability_price as u128) / PRICE_PRECISION / 1000
            * (liability_weight as u128
                - asset_weight as u128 * asset_liquidation_multiplier as u128 / liability_liquidation_multiplier as u128)
            / SPOT_WEIGHT_PRECISION_U128;

        let if_fee_consumed_collateral =
            if_fee * (liability_price as u128) / PRICE_PRECISION / 1000 * (liability_weight as u128) / SPOT_WEIGHT_PRECISION_U128;

        assert_eq!(
            liability_transfer_freed_collateral - if_fee_consumed_collateral,
            10003330 // ~$10
        );
        // 1e21 / (2.2223e12 − 1.2e11) = 475,669,504.8 → 475,669,504.
        assert_eq!(liability_transfer, 475669504);
    }

    #[test]
    pub fn liability_weight_component_less_than_asset_weight_component() {
        let margin_shortage = 10 * QUOTE_PRECISION; // $10 shortage
        let asset_weight = SPOT_WEIGHT_PRECISION; // .8
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_weight = SPOT_WEIGHT_PRECISION; // 1
        let liability_liquidation_multiplier = 75 * LIQUIDATION_FEE_PRECISION / 100; // .75
        let liability_decimals = 6;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let liability_transfer = calculate_liability_transfer_to_cover_margin_shortage(
            margin_shortage,
            asset_weight,
            asset_liquidation_multiplier,
            liability_weight,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
            0,
        )
        .unwrap();

        assert_eq!(liability_transfer, u128::MAX);
    }

    /// A BTC borrow (8 decimals) at $20,000, weight 1.25, against a deposit
    /// of weight 0.9 taken at a 5 % premium: `c_A = ⌊90,000 × 1.05e6 /
    /// 1e6⌋ = 94,500`, freed per unit of price `125,000 − 94,500 = 30,500`;
    /// a $10 shortage is `1e7 × 10² × 1e11 / (2e10 × 30,500) = 1e20 /
    /// 6.1e14 = 163,934.4 → 163,934` satoshi ($32.79 × 0.305 = $10.0). With
    /// a 1 % insurance fee, `⌊2e10 × 10,000 / 1e6⌋ × 12,500 × 10 = 2.5e13`
    /// comes off: `1e20 / 5.85e14 = 170,940.2 → 170,940`. A 6-decimal
    /// liability at $1 (scale 1, 1): `1e7 × 1e11 / (1e6 × 30,500) =
    /// 32,786,885.2 → 32,786,885`; a tiny shortage still transfers 1.
    #[test]
    fn hand_computed() {
        let f = |shortage: u128, decimals: u32, price: i64, if_fee: u32| {
            calculate_liability_transfer_to_cover_margin_shortage(
                shortage,
                9 * SPOT_WEIGHT_PRECISION / 10,
                105 * LIQUIDATION_FEE_PRECISION / 100,
                125 * SPOT_WEIGHT_PRECISION / 100,
                LIQUIDATION_FEE_PRECISION,
                decimals,
                price,
                if_fee,
            )
        };
        let btc = 20_000 * PRICE_PRECISION_I64;
        assert_eq!(f(10 * QUOTE_PRECISION, 8, btc, 0), Ok(163_934));
        assert_eq!(f(10 * QUOTE_PRECISION, 8, btc, LIQUIDATION_FEE_PRECISION / 100), Ok(170_940));
        assert_eq!(f(10 * QUOTE_PRECISION, 6, PRICE_PRECISION_I64, 0), Ok(32_786_885));
        // 1 × 1e11 / (2e10 × 30,500) = 0 → at least 1.
        assert_eq!(f(1, 6, btc, 0), Ok(1));
    }
}

mod calculate_liability_transfer_implied_by_asset_amount {
    use super::*;

    #[test]
    pub fn zero_asset_and_liability_fee() {
        let asset_transfer = 10 * QUOTE_PRECISION; // $10
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let asset_price = PRICE_PRECISION_I64;
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let liability_transfer = calculate_liability_transfer_implied_by_asset_amount(
            asset_transfer,
            asset_liquidation_multiplier,
            6,
            asset_price,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // ⌈1e7 × 10³ × 1e6 × 1e6 / (1e8 × 1e6)⌉ = 1e8.
        assert_eq!(liability_transfer, 100000000); // .1 base
    }

    #[test]
    pub fn one_percent_asset_and_liability_fee() {
        let asset_transfer = 10 * QUOTE_PRECISION; // $10
        let asset_liquidation_multiplier = 101 * LIQUIDATION_FEE_PRECISION / 100;
        let asset_price = PRICE_PRECISION_I64;
        let liability_liquidation_multiplier = 99 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let liability_transfer = calculate_liability_transfer_implied_by_asset_amount(
            asset_transfer,
            asset_liquidation_multiplier,
            6,
            asset_price,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // ⌈1e10 × 1e6 × 990,000 / (1e8 × 1,010,000)⌉ = ⌈98,019,801.98⌉.
        assert_eq!(liability_transfer, 98019802); // .1 base
    }

    /// 1 SOL (9 decimals) at $150, taken at a 2 % premium, against a USDC
    /// borrow (6 decimals, $1): scales `(1, 10³)`;
    /// `⌈1e9 × 150e6 × 1e6 / (1e6 × 1.02e6)⌉ = ⌈147,058,823,529.4⌉ =
    /// 147,058,823,530`, then `⌈… / 10³⌉ = 147,058,824` ($147.058824, the
    /// exact $147.0588235… rounded up). Without the premium, exactly
    /// $150: 150,000,000.
    #[test]
    fn hand_computed() {
        let f = |asset_multiplier: u32| {
            calculate_liability_transfer_implied_by_asset_amount(
                LAMPORTS_PER_SOL as u128,
                asset_multiplier,
                9,
                150 * PRICE_PRECISION_I64,
                LIQUIDATION_FEE_PRECISION,
                6,
                PRICE_PRECISION_I64,
            )
        };
        assert_eq!(f(102 * LIQUIDATION_FEE_PRECISION / 100), Ok(147_058_824));
        assert_eq!(f(LIQUIDATION_FEE_PRECISION), Ok(150_000_000));
    }
}

mod calculate_asset_transfer_for_liability_transfer {
    use super::*;

    #[test]
    pub fn zero_asset_and_liability_fee() {
        let asset_amount = 100 * QUOTE_PRECISION;
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let asset_price = PRICE_PRECISION_I64;
        let liability_transfer = BASE_PRECISION;
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let asset_transfer = calculate_asset_transfer_for_liability_transfer(
            asset_amount,
            asset_liquidation_multiplier,
            6,
            asset_price,
            liability_transfer,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // ⌊⌊1e9 × 1e8 × 1e6 / (1e6 × 1e6)⌋ / 10³⌋ = 1e8.
        assert_eq!(asset_transfer, 100000000); // 100 quote
    }

    #[test]
    pub fn one_percent_asset_and_liability_fee() {
        let asset_amount = 200 * QUOTE_PRECISION;
        let asset_liquidation_multiplier = 101 * LIQUIDATION_FEE_PRECISION / 100;
        let asset_price = PRICE_PRECISION_I64;
        let liability_transfer = BASE_PRECISION;
        let liability_liquidation_multiplier = 99 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_decimals = 9;
        let liability_price = 100 * PRICE_PRECISION_I64;

        let asset_transfer = calculate_asset_transfer_for_liability_transfer(
            asset_amount,
            asset_liquidation_multiplier,
            6,
            asset_price,
            liability_transfer,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // ⌊1e9 × 1e8 × 1,010,000 / (1e6 × 990,000)⌋ = 102,020,202,020;
        // / 10³ = 102,020,202 ($97.98 from the $200 held: no snap).
        assert_eq!(asset_transfer, 102020202); // 100 quote
    }

    #[test]
    pub fn full_liability_tranfer_same_decimals() {
        let asset_decimals = 6;
        let asset_amount = 200 * 10_u128.pow(asset_decimals);
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let asset_price = PRICE_PRECISION_I64;
        let liability_decimals = 6;
        let liability_transfer = 10_u128.pow(liability_decimals);
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_price = PRICE_PRECISION_I64;

        let asset_transfer = calculate_asset_transfer_for_liability_transfer(
            asset_amount,
            asset_liquidation_multiplier,
            asset_decimals,
            asset_price,
            liability_transfer,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        assert_eq!(asset_transfer, 1_000_000); // 1e6 liability = 1e6 asset (decimals equal)
    }

    #[test]
    pub fn full_liability_tranfer_asset_decimals_less_than_liability_decimals() {
        let asset_decimals = 5;
        let asset_amount = 200 * 10_u128.pow(asset_decimals);
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let asset_price = PRICE_PRECISION_I64;
        let liability_decimals = 6;
        let liability_transfer = 10_u128.pow(liability_decimals);
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_price = PRICE_PRECISION_I64;

        let asset_transfer = calculate_asset_transfer_for_liability_transfer(
            asset_amount,
            asset_liquidation_multiplier,
            asset_decimals,
            asset_price,
            liability_transfer,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // ⌊1e18 / 1e12⌋ / 10 = 1e5; the $199 left over scales to
        // ⌊19,900,000 × 1e6 / 1e6⌋ / 10 = 1,990,000 ≥ 1e6: no snap.
        assert_eq!(asset_transfer, 100_000); // 1e6 liability = 1e5 asset
    }

    #[test]
    pub fn full_liability_tranfer_liability_decimals_less_than_asset_decimals() {
        let asset_decimals = 6;
        let asset_amount = 200 * 10_u128.pow(asset_decimals);
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let asset_price = PRICE_PRECISION_I64;
        let liability_decimals = 5;
        let liability_transfer = 10_u128.pow(liability_decimals);
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;
        let liability_price = PRICE_PRECISION_I64;

        let asset_transfer = calculate_asset_transfer_for_liability_transfer(
            asset_amount,
            asset_liquidation_multiplier,
            asset_decimals,
            asset_price,
            liability_transfer,
            liability_liquidation_multiplier,
            liability_decimals,
            liability_price,
        )
        .unwrap();

        // 1e5 × 10 × 1e6 × 1e6 / 1e12 = 1e6.
        assert_eq!(asset_transfer, 1_000_000); // 1e5 liability = 1e6 asset
    }

    /// 1 SOL of borrow (9 decimals, $150) repaid for USDC (6 decimals, $1)
    /// at a 2 % premium: scales `(1, 10³)`; `⌊1e9 × 150e6 × 1.02e6 / (1e6 ×
    /// 1e6)⌋ = 153,000,000,000`, `/ 10³ = 153,000,000` ($153). Holding
    /// $153.50: the $0.50 difference is `⌊500,000 × 1e6 / 1e6⌋ = 500,000 <
    /// 1e6`, so it snaps to the 153,500,000 held; holding $154: exactly $1
    /// off, no snap.
    ///
    /// The other way, 100 USDC of borrow for SOL (9 decimals, $150) at the
    /// same premium: scales `(10³, 1)`; `1e8 × 10³ × 1e6 × 1.02e6 / (150e6
    /// × 1e6) = 680,000,000` (0.68 SOL = $102). The snap's rescaling
    /// multiplies by 10³ here: 6 lamports over ($0.0000009) give
    /// `⌊6 × 150e6 / 1e6⌋ × 10³ = 900,000 < 1e6` (snap), 7 lamports give
    /// 1,050,000 (no snap).
    #[test]
    fn hand_computed() {
        let premium = 102 * LIQUIDATION_FEE_PRECISION / 100;
        let sol = 150 * PRICE_PRECISION_I64;
        let usdc_for_sol = |held: u128| {
            calculate_asset_transfer_for_liability_transfer(
                held,
                premium,
                6,
                PRICE_PRECISION_I64,
                LAMPORTS_PER_SOL as u128,
                LIQUIDATION_FEE_PRECISION,
                9,
                sol,
            )
        };
        assert_eq!(usdc_for_sol(1_000 * QUOTE_PRECISION), Ok(153_000_000));
        assert_eq!(usdc_for_sol(153_500_000), Ok(153_500_000));
        assert_eq!(usdc_for_sol(154_000_000), Ok(153_000_000));
        let sol_for_usdc = |held: u128| {
            calculate_asset_transfer_for_liability_transfer(
                held,
                premium,
                9,
                sol,
                100 * QUOTE_PRECISION,
                LIQUIDATION_FEE_PRECISION,
                6,
                PRICE_PRECISION_I64,
            )
        };
        assert_eq!(sol_for_usdc(10 * LAMPORTS_PER_SOL as u128), Ok(680_000_000));
        assert_eq!(sol_for_usdc(680_000_006), Ok(680_000_006));
        assert_eq!(sol_for_usdc(680_000_007), Ok(680_000_000));
    }
}

mod calculate_liquidation_multiplier {
    use super::*;

    /// No test in Drift's file. `10⁶ + 10,000 = 1,010,000` (1 % premium),
    /// `10⁶ − 25,000 = 975,000` (2.5 % discount); a discount above 100 %
    /// underflows.
    #[test]
    fn hand_computed() {
        let one_pct = LIQUIDATION_FEE_PRECISION / 100;
        assert_eq!(calculate_liquidation_multiplier(one_pct, LiquidationMultiplierType::Premium), Ok(1_010_000));
        assert_eq!(calculate_liquidation_multiplier(25 * one_pct / 10, LiquidationMultiplierType::Discount), Ok(975_000));
        assert_eq!(calculate_liquidation_multiplier(0, LiquidationMultiplierType::Discount), Ok(LIQUIDATION_FEE_PRECISION));
        assert_eq!(
            calculate_liquidation_multiplier(LIQUIDATION_FEE_PRECISION + 1, LiquidationMultiplierType::Discount),
            Err(Error::Overflow)
        );
    }
}

mod calculate_funding_rate_deltas_to_resolve_bankruptcy {
    use super::*;

    #[test]
    fn total_base_asset_amount_is_zero() {
        let loss = -QUOTE_PRECISION_I128;
        // PerpMarket { amm: AMM { base_asset_amount_long: 0, base_asset_amount_short: 0, .. }, .. }
        let (base_asset_amount_long, base_asset_amount_short) = (0, 0);

        assert!(calculate_funding_rate_deltas_to_resolve_bankruptcy(loss, base_asset_amount_long, base_asset_amount_short).is_err());
        assert_eq!(
            calculate_funding_rate_deltas_to_resolve_bankruptcy(loss, base_asset_amount_long, base_asset_amount_short),
            Err(Error::NoOpenInterestToSocialize)
        );
    }

    #[test]
    fn total_base_asset_amount_not_zero() {
        let loss = -100 * QUOTE_PRECISION_I128;
        let base_asset_amount_long = 7 * BASE_PRECISION_I128;
        let base_asset_amount_short = -4 * BASE_PRECISION_I128;

        let cumulative_funding_rate_delta =
            calculate_funding_rate_deltas_to_resolve_bankruptcy(loss, base_asset_amount_long, base_asset_amount_short).unwrap();

        // ⌈1e8 × 1e9 / 11e9⌉ = ⌈9,090,909.09⌉ = 9,090,910; × 10³.
        assert_eq!(cumulative_funding_rate_delta, 9090910000);
    }

    /// $250 over 30 long + 20 short base: `250e6 × 1e9 / 50e9 = 5e6`
    /// exactly ($5 per base), `× 10³ = 5e9`; the sign of the loss does not
    /// matter. One micro-dollar over 3 base: `⌈1e9 / 3e9⌉ = 1` (not 0),
    /// `× 10³ = 1,000`.
    #[test]
    fn hand_computed() {
        let f = calculate_funding_rate_deltas_to_resolve_bankruptcy;
        assert_eq!(f(-250 * QUOTE_PRECISION_I128, 30 * BASE_PRECISION_I128, -20 * BASE_PRECISION_I128), Ok(5_000_000_000));
        assert_eq!(f(250 * QUOTE_PRECISION_I128, 30 * BASE_PRECISION_I128, -20 * BASE_PRECISION_I128), Ok(5_000_000_000));
        assert_eq!(f(-1, 3 * BASE_PRECISION_I128, 0), Ok(1_000));
    }
}

mod calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy {
    use super::*;

    #[test]
    fn zero_total_deposits() {
        let loss = 100 * QUOTE_PRECISION;
        // SpotMarket { deposit_balance: 0, cumulative_deposit_interest: 1111 × … / 1000, decimals: 0, .. }
        let deposit_balance = 0;
        let cumulative_deposit_interest = 1111 * SPOT_CUMULATIVE_INTEREST_PRECISION / 1000;

        let delta =
            calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(loss, deposit_balance, cumulative_deposit_interest, 0)
                .unwrap();

        assert_eq!(delta, 0);
    }

    #[test]
    fn non_zero_total_deposits() {
        let loss = 11 * QUOTE_PRECISION;
        let deposit_balance = 120 * SPOT_BALANCE_PRECISION;
        let cumulative_deposit_interest = SPOT_CUMULATIVE_INTEREST_PRECISION;
        let decimals = 6;

        let delta =
            calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(loss, deposit_balance, cumulative_deposit_interest, decimals)
                .unwrap();

        // deposits = 120e9 × 1e10 / 10¹³ = 120e6; ⌈1e10 × 11e6 / 120e6⌉ =
        // ⌈916,666,666.7⌉.
        assert_eq!(delta, 916666667);
    }

    /// 1,000 SOL of scaled deposits (9 decimals) at interest 1.05: deposits
    /// `1e12 × 1.05e10 / 10¹⁰ = 1.05e12` (1,050 SOL). A 5 SOL bad borrow:
    /// `1.05e10 × 5e9 / 1.05e12 = 5e7` exactly (interest 1.045 leaves
    /// 1,045 SOL); one lamport: `⌈1.05e10 / 1.05e12⌉ = ⌈0.01⌉ = 1`.
    #[test]
    fn hand_computed() {
        let interest = 105 * SPOT_CUMULATIVE_INTEREST_PRECISION / 100;
        let f = |borrow: u128| {
            calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(borrow, 1_000 * SPOT_BALANCE_PRECISION, interest, 9)
        };
        assert_eq!(f(5 * LAMPORTS_PER_SOL as u128), Ok(50_000_000));
        assert_eq!(f(1), Ok(1));
    }
}

mod validate_transfer_satisfies_limit_price {
    use super::*;

    #[test]
    fn sol_asset_usdc_liability() {
        let limit_price = PRICE_PRECISION_U64 / 100; // 1 SOL / $100 USD
        let asset = LAMPORTS_PER_SOL as u128;
        let asset_decimals = 9_u32;
        let liability = 100 * QUOTE_PRECISION;
        let liability_decimals = 6_u32;

        // 1e9 × 1e6 / 1e9 × 1e6 / 1e8 = 10,000 ≥ 10,000.
        assert!(validate_transfer_satisfies_limit_price(asset, liability, asset_decimals, liability_decimals, Some(limit_price)).is_ok());

        let asset = asset / 10;
        // 1,000 < 10,000.
        assert!(validate_transfer_satisfies_limit_price(asset, liability, asset_decimals, liability_decimals, Some(limit_price)).is_err());
    }

    #[test]
    fn usdc_asset_sol_liability() {
        let limit_price = PRICE_PRECISION_U64 * 100; // $100 / 1 SOL
        let asset = 100 * QUOTE_PRECISION;
        let asset_decimals = 6_u32;
        let liability = LAMPORTS_PER_SOL as u128;
        let liability_decimals = 9_u32;

        // 1e8 × 1e6 / 1e6 × 1e9 / 1e9 = 1e8 ≥ 1e8.
        assert!(validate_transfer_satisfies_limit_price(asset, liability, asset_decimals, liability_decimals, Some(limit_price)).is_ok());

        let asset = asset / 10;
        assert!(validate_transfer_satisfies_limit_price(asset, liability, asset_decimals, liability_decimals, Some(limit_price)).is_err());
    }

    /// 2.5 SOL for 370 USDC: `⌊⌊2.5e9 × 1e6 / 1e9⌋ × 1e6 / 370e6⌋ =
    /// ⌊2.5e12 / 3.7e8⌋ = ⌊6,756.76⌋ = 6,756` (0.006756 SOL per USDC): a
    /// limit of 6,756 passes, 6,757 fails, none passes.
    #[test]
    fn hand_computed() {
        let (asset, liability) = (25 * LAMPORTS_PER_SOL as u128 / 10, 370 * QUOTE_PRECISION);
        assert_eq!(calculate_swap_price(asset, liability, 9, 6), Ok(6_756));
        assert_eq!(validate_transfer_satisfies_limit_price(asset, liability, 9, 6, Some(6_756)), Ok(()));
        assert_eq!(validate_transfer_satisfies_limit_price(asset, liability, 9, 6, Some(6_757)), Err(Error::LiquidationBelowLimitPrice));
        assert_eq!(validate_transfer_satisfies_limit_price(asset, liability, 9, 6, None), Ok(()));
    }
}

mod calculate_perp_if_fee {
    use super::*;

    #[test]
    fn test() {
        let margin_shortage = 20 * QUOTE_PRECISION;
        let oracle_price = 100 * PRICE_PRECISION_I64;
        let quote_price = PRICE_PRECISION_I64;
        let liquidator_fee = LIQUIDATION_FEE_PRECISION / 100; // 1%
        let margin_ratio = MARGIN_PRECISION / 20; // 5%
        let base_asset_amount = 10 * BASE_PRECISION_U64;
        let max_if_fee = LIQUIDATION_FEE_PRECISION / 20; // 5%

        let fee =
            calculate_perp_if_fee(margin_shortage, base_asset_amount, margin_ratio, liquidator_fee, oracle_price, quote_price, max_if_fee)
                .unwrap();

        // share ⌊⌊2e7 × 1e9 / 1e10⌋ × 1e6 / 1e8⌋ = 20,000 (2 %);
        // (50,000 − 10,000 − 20,000) × 19 / 20 = 19,000.
        assert_eq!(fee, 19000); // 2% * .95

        let tiny_margin_shortage = QUOTE_PRECISION;
        let fee = calculate_perp_if_fee(
            tiny_margin_shortage,
            base_asset_amount,
            margin_ratio,
            liquidator_fee,
            oracle_price,
            quote_price,
            max_if_fee,
        )
        .unwrap();

        // share 1,000; (40,000 − 1,000) × 19 / 20 = 37,050.
        assert_eq!(fee, 37050); // 3.9% * .95

        let huge_margin_shortage = 1000 * QUOTE_PRECISION;
        let fee = calculate_perp_if_fee(
            huge_margin_shortage,
            base_asset_amount,
            margin_ratio,
            liquidator_fee,
            oracle_price,
            quote_price,
            max_if_fee,
        )
        .unwrap();

        // share 1,000,000 > 40,000: saturates at 0.
        assert_eq!(fee, 0);

        let large_liquidator_fee = LIQUIDATION_FEE_PRECISION / 10; // 10%
        let fee = calculate_perp_if_fee(
            margin_shortage,
            base_asset_amount,
            margin_ratio,
            large_liquidator_fee,
            oracle_price,
            quote_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_oracle_price = 0;
        let fee = calculate_perp_if_fee(
            margin_shortage,
            base_asset_amount,
            margin_ratio,
            liquidator_fee,
            zero_oracle_price,
            quote_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_quote_price = 0;
        let fee = calculate_perp_if_fee(
            margin_shortage,
            base_asset_amount,
            margin_ratio,
            liquidator_fee,
            oracle_price,
            zero_quote_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_base_asset_amount = 0;
        let fee = calculate_perp_if_fee(
            margin_shortage,
            zero_base_asset_amount,
            margin_ratio,
            liquidator_fee,
            oracle_price,
            quote_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);
    }

    /// $12 short on 4 base at $80 with USDC at $0.98, margin ratio 6.25 %,
    /// liquidator 1.5 %: price `⌊80e6 × 980,000 / 1e6⌋ = 78,400,000`;
    /// share `⌊⌊12e6 × 1e9 / 4e9⌋ × 1e6 / 78.4e6⌋ = ⌊38,265.3⌋ = 38,265`;
    /// `(62,500 − 15,000 − 38,265) × 19 / 20 = 9,235 × 19 / 20 =
    /// ⌊8,773.25⌋ = 8,773`, under a 5 % cap; capped at 0.5 %: 5,000.
    #[test]
    fn hand_computed() {
        let f = |max: u32| {
            calculate_perp_if_fee(
                12 * QUOTE_PRECISION,
                4 * BASE_PRECISION_U64,
                625,
                15 * LIQUIDATION_FEE_PRECISION / 1_000,
                80 * PRICE_PRECISION_I64,
                98 * PRICE_PRECISION_I64 / 100,
                max,
            )
        };
        assert_eq!(f(LIQUIDATION_FEE_PRECISION / 20), Ok(8_773));
        assert_eq!(f(LIQUIDATION_FEE_PRECISION / 200), Ok(5_000));
    }
}

mod calculate_spot_if_fee {
    use super::*;

    #[test]
    fn test() {
        let margin_shortage = 5 * QUOTE_PRECISION;
        let oracle_price = 100 * PRICE_PRECISION_I64;
        let asset_weight = SPOT_WEIGHT_PRECISION;
        let asset_multiplier = 101 * LIQUIDATION_FEE_PRECISION / 100;
        let liability_weight = 11 * SPOT_WEIGHT_PRECISION / 10;
        let liability_multiplier = LIQUIDATION_FEE_PRECISION;
        let decimals = 9_u32;
        let token_amount = 10_u128.pow(decimals);
        let max_if_fee = LIQUIDATION_FEE_PRECISION / 20; // 5%

        let fee = calculate_spot_if_fee(
            margin_shortage,
            token_amount,
            asset_weight,
            asset_multiplier,
            liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        // 1.1e6 − ⌊1e6 × 1.01e6 / 1e6⌋ = 90,000; share ⌊5e6 × 1e6 × 1e9 /
        // 1e9 / 1e8⌋ = 50,000; 40,000 × 1e6 / 1.1e6 = ⌊36,363.6⌋.
        assert_eq!(fee, 36363); // 4% /1.1

        let large_margin_shortage = 100 * QUOTE_PRECISION;
        let fee = calculate_spot_if_fee(
            large_margin_shortage,
            token_amount,
            asset_weight,
            asset_multiplier,
            liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let tiny_margin_shortage = QUOTE_PRECISION;
        let fee = calculate_spot_if_fee(
            tiny_margin_shortage,
            token_amount,
            asset_weight,
            asset_multiplier,
            liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        // (90,000 − 10,000) × 1e6 / 1.1e6 = 72,727 > the 50,000 cap.
        assert_eq!(fee, max_if_fee);

        let large_asset_weight = SPOT_WEIGHT_PRECISION * 2;
        let fee = calculate_spot_if_fee(
            tiny_margin_shortage,
            token_amount,
            large_asset_weight,
            asset_multiplier,
            liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_liability_weight = 0;
        let fee = calculate_spot_if_fee(
            margin_shortage,
            token_amount,
            asset_weight,
            asset_multiplier,
            zero_liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_token_amount = 0;
        let fee = calculate_spot_if_fee(
            margin_shortage,
            zero_token_amount,
            asset_weight,
            asset_multiplier,
            liability_weight,
            liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);

        let zero_liability_multiplier = 0;
        let fee = calculate_spot_if_fee(
            margin_shortage,
            token_amount,
            asset_weight,
            asset_multiplier,
            liability_weight,
            zero_liability_multiplier,
            decimals,
            oracle_price,
            max_if_fee,
        )
        .unwrap();

        assert_eq!(fee, 0);
    }

    /// A $2 shortage on a 3-token borrow (9 decimals) at $40, weights 0.8
    /// and 1.2, a 2 % asset premium: `1.2e6 − ⌊0.8e6 × 1.02e6 / 1e6⌋ =
    /// 384,000`; share `⌊⌊2e6 × 1e6 × 1e9 / 3e9⌋ / 40e6⌋ =
    /// ⌊666,666,666,666 / 4e7⌋ = 16,666`; `367,334 × 1e6 / 1.2e6 =
    /// ⌊306,111.7⌋ = 306,111` under a 100 % cap, 50,000 under 5 %.
    #[test]
    fn hand_computed() {
        let f = |max: u32| {
            calculate_spot_if_fee(
                2 * QUOTE_PRECISION,
                3 * LAMPORTS_PER_SOL as u128,
                8 * SPOT_WEIGHT_PRECISION / 10,
                102 * LIQUIDATION_FEE_PRECISION / 100,
                12 * SPOT_WEIGHT_PRECISION / 10,
                LIQUIDATION_FEE_PRECISION,
                9,
                40 * PRICE_PRECISION_I64,
                max,
            )
        };
        assert_eq!(f(LIQUIDATION_FEE_PRECISION), Ok(306_111));
        assert_eq!(f(LIQUIDATION_FEE_PRECISION / 20), Ok(50_000));
    }
}

mod calculate_max_pct_to_liquidate {
    use super::*;

    #[test]
    fn test() {
        let user = DriftUserLiquidationState::default();
        let margin_shortage = 49 * QUOTE_PRECISION;

        let pct = calculate_max_pct_to_liquidate(&user, margin_shortage, 1, LIQUIDATION_PCT_PRECISION / 10, 10).unwrap();

        // Under $50: all of it.
        assert_eq!(pct, LIQUIDATION_PCT_PRECISION);
    }

    /// Began at slot 100 with $40 already freed, $200 short now, 10 %
    /// initially and 150 slots to 100 %. At slot 130: `⌊30 × 1e4 / 150⌋ +
    /// 1,000 = 3,000` (30 %) of `$240` is $72, less the $40 freed is $32,
    /// `32e6 × 1e4 / 200e6 = 1,600` (16 % of the current shortage). At slot
    /// 101: `66 + 1,000 = 1,066`, `⌊240e6 × 1,066 / 1e4⌋ = 25,584,000 <
    /// 40e6`: nothing more (0). A zero duration: 100 % of $240 less $40 =
    /// $200, all of it (10,000). A slot before the start underflows.
    #[test]
    fn hand_computed() {
        let user = DriftUserLiquidationState { last_active_slot: 100, liquidation_margin_freed: 40_000_000 };
        let f = |slot: u64, duration: u128| calculate_max_pct_to_liquidate(&user, 200 * QUOTE_PRECISION, slot, 1_000, duration);
        assert_eq!(f(130, 150), Ok(1_600));
        assert_eq!(f(101, 150), Ok(0));
        assert_eq!(f(101, 0), Ok(LIQUIDATION_PCT_PRECISION));
        assert_eq!(f(99, 150), Err(Error::Overflow));
        // Exactly $50 is not "tiny": the ramp applies. At slot 130,
        // ⌊90e6 × 3,000 / 1e4⌋ = 27e6 < the 40e6 freed: 0.
        assert_eq!(calculate_max_pct_to_liquidate(&user, 50 * QUOTE_PRECISION, 130, 1_000, 150), Ok(0));
    }
}

mod get_liquidation_fee {
    use super::*;

    #[test]
    fn test() {
        let user_slot: u64 = 0;
        let base_liq_fee: u32 = 2 * LIQUIDATION_FEE_PRECISION / 100;
        let max_liq_fee: u32 = 5 * LIQUIDATION_FEE_PRECISION / 100;

        // Huge slot difference
        let curr_slot: u64 = 100000;
        let fee = get_liquidation_fee(base_liq_fee, max_liq_fee, user_slot, curr_slot).unwrap();
        // 20,000 + 100,000 > 50,000.
        assert_eq!(fee, max_liq_fee);

        // Small slot difference within grace period
        let curr_slot: u64 = 10;
        let fee = get_liquidation_fee(base_liq_fee, max_liq_fee, user_slot, curr_slot).unwrap();
        assert_eq!(fee, base_liq_fee);

        // Successful increase
        let target_liq_fee: u32 = 3 * LIQUIDATION_FEE_PRECISION / 100;
        let curr_slot: u64 = 10000;
        let fee = get_liquidation_fee(base_liq_fee, max_liq_fee, user_slot, curr_slot).unwrap();
        // 20,000 + 10,000 × 1.
        assert_eq!(fee, target_liq_fee);
    }

    /// Base 1 %, max 4 %, in liquidation since slot 1,000: 1,499 slots on,
    /// still 10,000; at 1,500 every elapsed slot counts at once, 10,000 +
    /// 1,500 = 11,500; at 30,000 slots, 40,000 (capped). A current slot
    /// before the start underflows.
    #[test]
    fn hand_computed() {
        let (base, max) = (LIQUIDATION_FEE_PRECISION / 100, 4 * LIQUIDATION_FEE_PRECISION / 100);
        assert_eq!(get_liquidation_fee(base, max, 1_000, 2_499), Ok(10_000));
        assert_eq!(get_liquidation_fee(base, max, 1_000, 2_500), Ok(11_500));
        assert_eq!(get_liquidation_fee(base, max, 1_000, 31_000), Ok(40_000));
        assert_eq!(get_liquidation_fee(base, max, 1_000, 999), Err(Error::Overflow));
    }
}

mod validate_swap_within_liquidation_boundaries {
    use super::*;

    #[test]
    fn success() {
        let asset_decimals = 9;
        let liability_decimals = 6;
        let asset_transfer = 10_u128.pow(asset_decimals);
        let liability_transfer = 200 * 10_u128.pow(liability_decimals);
        let asset_price = 200 * PRICE_PRECISION_I64;
        let liability_price = PRICE_PRECISION_I64;
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION * 101 / 100;
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;

        // Swap 200e6 ≥ worst ⌊2e20 / 1e6 / 1.01e6⌋ = 198,019,801.
        validate_swap_within_liquidation_boundaries(
            asset_transfer,
            liability_transfer,
            asset_decimals,
            liability_decimals,
            asset_price,
            liability_price,
            asset_liquidation_multiplier,
            liability_liquidation_multiplier,
        )
        .unwrap();
    }

    #[test]
    fn failure() {
        let asset_decimals = 9;
        let liability_decimals = 6;
        let asset_transfer = 10_u128.pow(asset_decimals);
        let liability_transfer = 198 * 10_u128.pow(liability_decimals);
        let asset_price = 200 * PRICE_PRECISION_I64;
        let liability_price = PRICE_PRECISION_I64;
        let asset_liquidation_multiplier = LIQUIDATION_FEE_PRECISION * 101 / 100;
        let liability_liquidation_multiplier = LIQUIDATION_FEE_PRECISION;

        // Swap 198,000,000 < worst 198,019,801.
        let err = validate_swap_within_liquidation_boundaries(
            asset_transfer,
            liability_transfer,
            asset_decimals,
            liability_decimals,
            asset_price,
            liability_price,
            asset_liquidation_multiplier,
            liability_liquidation_multiplier,
        )
        .unwrap_err();
        assert_eq!(err, Error::LiquidationBeyondWorstCasePrice);
    }

    /// 1 SOL ($150) for USDC at a 2 % premium: worst `⌊⌊150e6 × 1e6 × 1e6
    /// / 1e6⌋ / 1.02e6⌋ = ⌊147,058,823.5⌋ = 147,058,823`; 147.058823 USDC
    /// for it passes (`⌊⌊147,058,823 × 1e6 / 1e6⌋ × 1e9 / 1e9⌋`), one
    /// micro-dollar less fails. The transfer
    /// `calculate_liability_transfer_implied_by_asset_amount` gives for
    /// that SOL (147,058,824, rounded up) passes too.
    #[test]
    fn hand_computed() {
        let premium = 102 * LIQUIDATION_FEE_PRECISION / 100;
        let sol = 150 * PRICE_PRECISION_I64;
        let f = |liability: u128| {
            validate_swap_within_liquidation_boundaries(
                LAMPORTS_PER_SOL as u128,
                liability,
                9,
                6,
                sol,
                PRICE_PRECISION_I64,
                premium,
                LIQUIDATION_FEE_PRECISION,
            )
        };
        assert_eq!(f(147_058_823), Ok(()));
        assert_eq!(f(147_058_822), Err(Error::LiquidationBeyondWorstCasePrice));
        let implied = calculate_liability_transfer_implied_by_asset_amount(
            LAMPORTS_PER_SOL as u128,
            premium,
            9,
            sol,
            LIQUIDATION_FEE_PRECISION,
            6,
            PRICE_PRECISION_I64,
        )
        .unwrap();
        assert_eq!(f(implied), Ok(()));
    }
}

mod get_liquidation_order_params {
    use super::*;

    /// No test in Drift's file. A long at $100 with a 2.5 % fee is sold at
    /// `100e6 − 2.5e6 = 97,500,000`; a short bought at 102,500,000. At
    /// $33.333333 and 1 %, the fee `⌊33,333,333 × 10,000 / 1e6⌋ = 333,333`
    /// truncates: 33,000,000 and 33,666,666 (toward the oracle).
    #[test]
    fn hand_computed() {
        let fee = 25 * LIQUIDATION_FEE_PRECISION / 1_000;
        let sell =
            get_liquidation_order_params(3, PositionDirection::Long, 2 * BASE_PRECISION_U64, 100 * PRICE_PRECISION_I64, fee).unwrap();
        assert_eq!(
            sell,
            LiquidationOrderParams {
                market_index: 3,
                direction: PositionDirection::Short,
                price: 97_500_000,
                base_asset_amount: 2 * BASE_PRECISION_U64
            }
        );
        let buy = get_liquidation_order_params(3, PositionDirection::Short, 1, 100 * PRICE_PRECISION_I64, fee).unwrap();
        assert_eq!((buy.direction, buy.price), (PositionDirection::Long, 102_500_000));
        let one_pct = LIQUIDATION_FEE_PRECISION / 100;
        assert_eq!(get_liquidation_order_params(0, PositionDirection::Long, 1, 33_333_333, one_pct).unwrap().price, 33_000_000);
        assert_eq!(get_liquidation_order_params(0, PositionDirection::Short, 1, 33_333_333, one_pct).unwrap().price, 33_666_666);
    }
}
