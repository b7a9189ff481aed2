//! Aave v3 lending-mode liquidation (`partliq::venues::aave_v3`) against
//! Aave's own numbers and hand-computed rounding cases.
//!
//! Source: `aave-dao/aave-v3-origin` at commit
//! `fd1fbd9150426ca8ace9cee45b4acf912ae84f5b` (v3.7.0 libraries), files
//!
//! * `tests/protocol/libraries/math/PercentageMath.t.sol`, `WadRayMath.t.sol`
//!   (the rounding primitives, literal numbers);
//! * `tests/protocol/pool/Pool.Rounding.t.sol` (scaled balances, debt in base
//!   currency rounding up);
//! * `tests/protocol/pool/Pool.Liquidations.t.sol` (the v3.7 "hasNoCollateralLeft"
//!   regressions with tiny balances and manipulated indexes, the
//!   fee-cap edge case, the partial and 50 %-close-factor liquidations);
//! * `tests/protocol/pool/Pool.Liquidations.CloseFactor.t.sol` (`MustNotLeaveDust`
//!   reverts and the `LiquidationDataProvider` amounts that pass).
//!
//! Aave's Foundry tests mostly assert against their own helper
//! (`LiquidationHelper`, `LiquidationDataProvider`), i.e. the same formulas; the
//! expected figures below are those formulas evaluated by hand on the test's
//! state (testnet listing `tests/mocks/AaveV3TestListing.sol`: USDX 6 decimals
//! at $1 = 1e8, WBTC 8 decimals at $27,000, WETH 18 decimals at $1,800; LT
//! 86 %, bonus 105 %, protocol fee 10 %; no time passes, so indexes are RAY
//! unless the test sets them), with the arithmetic in comments. Where Aave's
//! test asserts a literal (balances, reverts, "deficit > 0") we assert the
//! literal and the exact figure.

use partliq::venues::aave_v3::*;
use partliq::Error;
use proptest::prelude::*;

const MAX: i128 = i128::MAX; // type(uint256).max as debtToCover
const E6: i128 = 1_000_000;
const E8: i128 = 100_000_000;
const E18: i128 = 1_000_000_000_000_000_000;

/// Testnet USDX: 6 decimals, $1, LT 86 %, bonus 105 %, fee 10 %.
fn usdx() -> Reserve {
    Reserve::new(E8, 6, 8_600, 10_500, 1_000)
}
/// Testnet WBTC: 8 decimals, $27,000.
fn wbtc(price: i128) -> Reserve {
    Reserve::new(price, 8, 8_600, 10_500, 1_000)
}
/// Testnet WETH: 18 decimals, $1,800.
fn weth() -> Reserve {
    Reserve::new(1_800 * E8, 18, 8_600, 10_500, 1_000)
}
/// A $1 token with 8 decimals: 1 wei = 1 base unit, handy for hand arithmetic.
fn dollar(lt: u32, fee: u32) -> Reserve {
    Reserve::new(E8, 8, lt, 10_500, fee)
}

fn call(ci: usize, di: usize, cover: i128) -> LiquidationCall {
    LiquidationCall { collateral_index: ci, debt_index: di, debt_to_cover: cover, receive_a_token: false }
}

/// Runs a liquidation with output buffers; returns (result, balances after, deficits).
fn run<const N: usize>(
    reserves: &[Reserve; N],
    user: &[UserReserve; N],
    c: LiquidationCall,
) -> Result<(Liquidation, [UserReserve; N], [i128; N]), Error> {
    let mut after = [UserReserve::default(); N];
    let mut deficits = [0i128; N];
    let l = liquidation_call(reserves, user, &c, &mut after, &mut deficits)?;
    Ok((l, after, deficits))
}

// ---------------------------------------------------------------------------
// Rounding primitives: PercentageMath.t.sol and WadRayMath.t.sol literals
// ---------------------------------------------------------------------------

#[test]
fn percentage_math_literals() {
    // PercentageMath.t.sol::test_percentMul
    assert_eq!(percent_mul(E18, 5_000).unwrap(), E18 / 2);
    assert_eq!(percent_mul(14_251_500_000_000_000_000, 7_442).unwrap(), 10_605_966_300_000_000_000);
    assert_eq!(
        percent_mul(9_087_312 * 1_000_000_000_000_000_000_000_000_000, 1_333).unwrap(),
        1_211_338_689_600_000_000_000_000_000_000_000
    );
    // ::test_percentDiv
    assert_eq!(percent_div(E18, 5_000).unwrap(), 2 * E18);
    assert_eq!(percent_div(14_251_500_000_000_000_000, 7_442).unwrap(), 19_150_094_060_736_361_193);
    assert_eq!(
        percent_div(9_087_312 * 1_000_000_000_000_000_000_000_000_000, 1_333).unwrap(),
        68_171_882_970_742_685_671_417_854_463_615_904
    );
    // ::testPercentMulCeil_* / Floor_* / DivFloor_* / DivCeil_*
    assert_eq!(percent_mul_ceil(100 * E18, 10_000).unwrap(), 100 * E18);
    assert_eq!(percent_mul_ceil(1, 1).unwrap(), 1); // 0.0001 → 1
    assert_eq!(percent_mul_ceil(0, 100).unwrap(), 0);
    assert_eq!(percent_mul_ceil(100, 0).unwrap(), 0);
    assert_eq!(percent_mul_floor(100 * E18, 10_000).unwrap(), 100 * E18);
    assert_eq!(percent_mul_floor(1, 1).unwrap(), 0); // 0.0001 → 0
    assert_eq!(percent_div_floor(100 * E18, 10_000).unwrap(), 100 * E18);
    assert_eq!(percent_div_floor(5, 3).unwrap(), 16_666); // 16,666.6…
    assert_eq!(percent_div_ceil(100 * E18, 10_000).unwrap(), 100 * E18);
    assert_eq!(percent_div_ceil(5, 3).unwrap(), 16_667);
    // ::test_percentDiv_revertOnDivByZero, ::testPercentDivFloor_RevertOnDivByZero
    assert_eq!(percent_div(E18, 0), Err(Error::DivisionByZero));
    assert_eq!(percent_div_floor(1_234, 0), Err(Error::DivisionByZero));
    // uint256 inputs: negative values are refused
    assert_eq!(percent_mul(-1, 1), Err(Error::OutOfRange));
}

#[test]
fn half_up_ties() {
    // percentMul: (v·p + 5,000) / 10,000. 1 × 5,000 = 0.5 → 1 (tie rounds up);
    // 1 × 4,999 = 0.4999 → 0.
    assert_eq!(percent_mul(1, 5_000).unwrap(), 1);
    assert_eq!(percent_mul(1, 4_999).unwrap(), 0);
    // percentDiv: (v·10,000 + floor(p/2)) / p with odd p = 3: 1 → 3,333.33 → 3,333;
    // 2 → 6,666.67 → 6,667.
    assert_eq!(percent_div(1, 3).unwrap(), 3_333);
    assert_eq!(percent_div(2, 3).unwrap(), 6_667);
    // wadDiv with odd b: (1·1e18 + 1) / 3 = 333…333.67 → floor 333…333
    assert_eq!(wad_div(1, 3).unwrap(), 333_333_333_333_333_333);
    // (2·1e18 + 1) / 3 → 666…667
    assert_eq!(wad_div(2, 3).unwrap(), 666_666_666_666_666_667);
}

#[test]
fn wad_ray_math_literals() {
    // WadRayMath.t.sol::test_wadDiv
    assert_eq!(wad_div(2_500_000_000_000_000_000, 500_000_000_000_000_000).unwrap(), 5 * E18);
    assert_eq!(wad_div(412_200_000_000_000_000_000, E18).unwrap(), 412_200_000_000_000_000_000);
    assert_eq!(wad_div(8_745_000_000_000_000_000, 670_000_000_000_000_000).unwrap(), 13_052_238_805_970_149_254);
    assert_eq!(wad_div(6 * E18, 2 * E18).unwrap(), 3 * E18);
    // ::testRayMulFloor_* / Ceil_* / RayDivCeil_* / RayDivFloor_Exact
    assert_eq!(ray_mul_floor(RAY, 5 * RAY).unwrap(), 5 * RAY);
    assert_eq!(ray_mul_floor(3, 5).unwrap(), 0);
    assert_eq!(ray_mul_ceil(RAY, 5 * RAY).unwrap(), 5 * RAY);
    assert_eq!(ray_mul_ceil(3, 5).unwrap(), 1);
    assert_eq!(ray_mul_ceil(0, 123).unwrap(), 0);
    assert_eq!(ray_div_ceil(RAY, RAY).unwrap(), RAY);
    assert_eq!(ray_div_ceil(5, 3).unwrap(), 1_666_666_666_666_666_666_666_666_667);
    assert_eq!(ray_div_ceil(0, 123).unwrap(), 0);
    assert_eq!(ray_div_floor(RAY, RAY).unwrap(), RAY);
    assert_eq!(ray_div_floor(5, 3).unwrap(), 1_666_666_666_666_666_666_666_666_666);
    assert_eq!(ray_div_ceil(1, 0), Err(Error::DivisionByZero));
}

// ---------------------------------------------------------------------------
// Pool.Rounding.t.sol: balances from scaled amounts, debt value rounds up
// ---------------------------------------------------------------------------

#[test]
fn pool_rounding_balances() {
    // test_reverts_withdrawShouldRoundDownUserBalance: scaled 3 at index 2e27 + 1
    // → balance floor(6.000…003) = 6; at 2e27 − 1 → floor(5.999…997) = 5.
    let u = UserReserve::new(3, 0);
    let r = weth().with_indexes(2 * RAY + 1, RAY);
    assert_eq!(u.collateral_balance(&r).unwrap(), 6);
    let r = weth().with_indexes(2 * RAY - 1, RAY);
    assert_eq!(u.collateral_balance(&r).unwrap(), 5);
    // test_borrowCapShouldRoundUp: scaled debt 3.5e18 − 2 at index 2e27 + 1
    // → ceil(6.999999999999999996000000003…e18) = 7e18 − 3.
    let u = UserReserve::new(0, 3_500_000_000_000_000_000 - 2);
    let r = weth().with_indexes(RAY, 2 * RAY + 1);
    assert_eq!(u.debt_balance(&r).unwrap(), 7 * E18 - 3);
}

#[test]
fn pool_rounding_debt_in_base_currency_rounds_up() {
    // test_debtBalanceInBaseCurrencyShouldRoundUp: 100 WETH supplied, 1 wei WETH
    // borrowed → debt = ceil(1 × 1,800e8 / 1e18) = 1 (it was 0 before v3.5), and
    // the health factor is finite.
    let reserves = [weth()];
    let user = [UserReserve::new(100 * E18, 1)];
    let a = account_data(&reserves, &user).unwrap();
    assert_eq!(a.total_debt_base, 1);
    assert_eq!(a.total_collateral_base, 180_000 * E8);
    assert_ne!(a.health_factor, HEALTH_FACTOR_NO_DEBT);
    // HF = wadDiv(180,000e8 × 8,600, 1) / 1e4 = 1.548e20 × 1e18 / 1e4
    assert_eq!(a.health_factor, 180_000 * E8 * 8_600 * E18 / 10_000);
}

// ---------------------------------------------------------------------------
// Pool.Liquidations.t.sol: v3.7 regressions with indexes
// ---------------------------------------------------------------------------

#[test]
fn aave_collateral_bit_cleared_after_full_scaled_consumption() {
    // test_collateral_bit_remains_after_full_scaled_consumption.
    // USDX: LT 50 %, bonus 105 %, fee 100 %; supply 3, borrow 1 (scaled 3 / 1);
    // liquidityIndex 1.5e27 → collateral floor(4.5) = 4; borrowIndex 3e27 → debt 3.
    let reserves = [Reserve::new(E8, 6, 5_000, 10_500, 10_000).with_indexes(3 * RAY / 2, 3 * RAY)];
    let user = [UserReserve::new(3, 1)];
    // values: collateral 4 × 1e8 / 1e6 = 400, debt ceil(3 × 100) = 300;
    // HF = wadDiv(400 × 5,000, 300) / 1e4 = 0.666…
    let (l, after, deficits) = run(&reserves, &user, call(0, 0, MAX)).unwrap();
    assert_eq!(l.account_before.health_factor, 666_666_666_666_666_666);
    assert_eq!(l.close_factor.rule, CloseFactorRule::CollateralBelowThreshold);
    // base = 3; seized = floor(3 × 1.05) = 3; bonus part = 3 − floor(3/1.05 = 2.86) = 1;
    // fee = ceil(1 × 100 %) = 1; liquidator 2.
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (3, 2, 1));
    assert_eq!(l.dust, DustCheck::AllDebtRepaid);
    // scaled: rayDivCeil(2, 1.5) = 2, rayDivCeil(1, 1.5) = 1 → 3 = the whole scaled balance
    assert_eq!(l.scaled, ScaledMoves { collateral_to_liquidator: 2, protocol_fee: 1, debt_burned: 1 });
    assert!(l.collateral_fully_consumed && l.has_no_collateral_left);
    // Aave: scaled balance 0 and the collateral bit cleared.
    assert_eq!(after[0], UserReserve { scaled_collateral: 0, use_as_collateral: false, scaled_debt: 0 });
    assert_eq!(deficits, [0]);
}

#[test]
fn aave_no_collateral_left_single_debt_creates_deficit() {
    // test_hasNoCollateralLeft_accounts_for_ceil_rounding_single_debt.
    // USDX: LT 85 %, bonus 105 %, fee 10 %, price 1e17; supply 3, borrow 2;
    // liquidityIndex 1.5e27 → collateral 4; borrowIndex 2.5e27 → debt 5.
    let reserves = [Reserve::new(100_000_000_000_000_000, 6, 8_500, 10_500, 1_000).with_indexes(3 * RAY / 2, 5 * RAY / 2)];
    let user = [UserReserve::new(3, 2)];
    // collateral 4 × 1e17 / 1e6 = 4e11, debt 5e11 (both ≥ $2,000) but HF 0.68 ≤ 0.95 → 100 %
    let (l, after, deficits) = run(&reserves, &user, call(0, 0, 3)).unwrap();
    assert_eq!(l.account_before.health_factor, 680_000_000_000_000_000);
    assert_eq!(l.close_factor.rule, CloseFactorRule::HealthFactorAtOrBelowThreshold);
    // base 3, seized floor(3.15) = 3, bonus part 3 − floor(2.857) = 1, fee ceil(0.1) = 1
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (3, 2, 1));
    // dust: debt left ceil(2 × 1e11) = 2e11 ≥ 1e11; collateral left (4 − 3) × 1e11 = 1e11 ≥ 1e11
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    // scaled 2 + 1 = 3 = balance → no collateral left: all 5 debt burned, 5 − 3 = 2 deficit
    assert!(l.has_no_collateral_left);
    assert_eq!(l.scaled.debt_burned, 2); // rayDivFloor(5, 2.5e27) = 2
    assert_eq!(after[0].scaled_collateral, 0);
    assert_eq!(after[0].scaled_debt, 0);
    assert_eq!(l.deficit, 2);
    assert_eq!(deficits, [2]);
}

#[test]
fn aave_scaled_consumption_exceeds_balance_fee_capped() {
    // test_hasNoCollateralLeft_accounts_for_ceil_rounding_sum_exceeds_scaled.
    // scaled collateral 2, scaled debt 1, liquidityIndex 5e27, borrowIndex 9e27,
    // price 1e17 → balance 10, debt 9; HF = 10 × 0.85 / 9 = 0.944.
    let reserves = [Reserve::new(100_000_000_000_000_000, 6, 8_500, 10_500, 1_000).with_indexes(5 * RAY, 9 * RAY)];
    let user = [UserReserve::new(2, 1)];
    let (l, after, _) = run(&reserves, &user, call(0, 0, 9)).unwrap();
    assert_eq!(l.account_before.health_factor, 944_444_444_444_444_444);
    // seized floor(9 × 1.05) = 9, bonus part 9 − floor(8.57) = 1, fee 1, liquidator 8
    assert_eq!((l.debt_repaid, l.quote.collateral_to_liquidator, l.quote.protocol_fee), (9, 8, 1));
    // rayDivCeil(8, 5) = 2 leaves 0 scaled; the fee's rayDivCeil(1, 5) = 1 > 0 →
    // cut to 0 scaled, fee transferred rayMulFloor(0) = 0.
    assert_eq!(l.scaled.collateral_to_liquidator, 2);
    assert_eq!(l.scaled.protocol_fee, 0);
    assert_eq!(l.protocol_fee, 0);
    assert!(l.collateral_fully_consumed && l.has_no_collateral_left);
    assert_eq!(after[0], UserReserve { scaled_collateral: 0, use_as_collateral: false, scaled_debt: 0 });
    assert_eq!(l.deficit, 0);
}

#[test]
fn aave_no_collateral_left_multi_debt_burns_other_reserve() {
    // test_hasNoCollateralLeft_accounts_for_ceil_rounding_multi_debt.
    // USDX collateral 5 scaled (LT 50 %, bonus 105 %, fee 100 %), USDX debt 3
    // scaled, WETH debt 555,555,556 wei; liquidityIndex 1.3e27 → 6, borrowIndex
    // 1.5e27 → debt ceil(4.5) = 5.
    let reserves = [Reserve::new(E8, 6, 5_000, 10_500, 10_000).with_indexes(13 * RAY / 10, 3 * RAY / 2), weth()];
    let user = [UserReserve::new(5, 3), UserReserve::new(0, 555_555_556)];
    let (l, after, deficits) = run(&reserves, &user, call(0, 0, MAX)).unwrap();
    // collateral 600; debt 500 + ceil(555,555,556 × 1,800e8 / 1e18 = 100.00000008) = 601
    assert_eq!((l.account_before.total_collateral_base, l.account_before.total_debt_base), (600, 601));
    // seized floor(5.25) = 5, bonus part 5 − floor(4.76) = 1, fee 1, liquidator 4
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (5, 4, 1));
    // rayDivCeil(4, 1.3) = 4 + rayDivCeil(1, 1.3) = 1 → 5: all consumed
    assert!(l.has_no_collateral_left);
    assert_eq!(l.bad_debt_reserves, 1);
    assert_eq!(after[0].scaled_collateral, 0);
    assert!(!after[0].use_as_collateral);
    assert_eq!(after[1].scaled_debt, 0);
    assert_eq!(deficits, [0, 555_555_556]);
    assert_eq!(l.account_after.total_debt_base, 0);
}

#[test]
fn aave_weth_dust_leftover_worthless() {
    // test_weth_dust_leftover_rounds_to_zero_in_base_currency.
    // WETH 0.525e18 + 3 supplied (LT 85 %, bonus 105 %, fee 10 %), USDX 360e6
    // borrowed (borrowIndex 2.5e27 → 900e6), WETH 1e12 borrowed.
    let reserves = [usdx().with_indexes(RAY, 5 * RAY / 2), Reserve::new(1_800 * E8, 18, 8_500, 10_500, 1_000)];
    let user = [UserReserve::new(0, 360 * E6), UserReserve::new(525_000_000_000_000_003, 1_000_000_000_000)];
    assert_eq!(user[0].debt_balance(&reserves[0]).unwrap(), 900 * E6);
    let (l, after, deficits) = run(&reserves, &user, call(1, 0, MAX)).unwrap();
    // collateral floor((0.525e18 + 3) × 1,800e8 / 1e18) = 945e8; debt 900e8 + 180,000
    assert_eq!(l.account_before.total_collateral_base, 945 * E8);
    assert_eq!(l.account_before.total_debt_base, 900 * E8 + 180_000);
    // base = 1e8 × 900e6 × 1e18 / (1,800e8 × 1e6) = 0.5e18; seized 0.525e18;
    // bonus part 0.525e18 − 0.5e18 = 0.025e18; fee 0.0025e18; liquidator 0.5225e18
    assert_eq!(l.debt_repaid, 900 * E6);
    assert_eq!(l.collateral_to_liquidator, 522_500_000_000_000_000);
    assert_eq!(l.protocol_fee, 2_500_000_000_000_000);
    // 3 wei left (not fully consumed) but worth $0: consumed value = 945e8 = total
    assert!(!l.collateral_fully_consumed);
    assert!(l.has_no_collateral_left);
    assert_eq!(after[1].scaled_collateral, 3);
    assert!(!after[1].use_as_collateral);
    assert_eq!(after[0].scaled_debt, 0);
    assert_eq!(after[1].scaled_debt, 0);
    assert_eq!(deficits, [0, 1_000_000_000_000]);
}

#[test]
fn aave_collateral_not_enough_to_cover_fee() {
    // test_full_liquidate_atokens_edgecase_collateral_not_enough_to_cover_fee
    // (receiveAToken = true). USDX supply 49, borrow 30; liquidityIndex 2.05e27 →
    // collateral floor(100.45) = 100; borrowIndex 4.05e27 → debt ceil(121.5) = 122.
    let reserves = [usdx().with_indexes(205 * RAY / 100, 405 * RAY / 100)];
    let user = [UserReserve::new(49, 30)];
    let mut c = call(0, 0, MAX);
    c.receive_a_token = true;
    let (l, after, deficits) = run(&reserves, &user, c).unwrap();
    // base 122, seized floor(128.1) = 128 > 100 → capped: seized 100, debt =
    // percentDivCeil(floor(100 × 1e8 × 1e6 / (1e8 × 1e6)) = 100, 10,500) = ceil(95.24) = 96
    assert!(l.quote.capped_by_balance);
    assert_eq!(l.debt_repaid, 96);
    // bonus part 100 − floor(95.24) = 5, fee ceil(0.5) = 1, liquidator 99
    assert_eq!((l.quote.bonus_collateral, l.quote.protocol_fee, l.collateral_to_liquidator), (5, 1, 99));
    assert_eq!(l.dust, DustCheck::AllCollateralSeized);
    // rayDivCeil(99, 2.05) = 49 = all scaled; the fee transfer is cut to 0
    assert_eq!(l.scaled.collateral_to_liquidator, 49);
    assert_eq!(l.protocol_fee, 0);
    // Aave: aToken balance 0, flag cleared; 122 − 96 = 26 of deficit
    assert_eq!(after[0].collateral_balance(&reserves[0]).unwrap(), 0);
    assert!(!after[0].use_as_collateral);
    assert_eq!(deficits, [26]);
}

#[test]
fn aave_partial_liquidation_wbtc_usdx() {
    // test_partial_liquidate_variable_borrow: 1 WBTC supplied, 20,500 USDX
    // borrowed, WBTC price −25 %: 27,000e8 − percentMul(27,000e8, 2,500) = 20,250e8.
    let reserves = [usdx(), wbtc(20_250 * E8)];
    let user = [UserReserve::new(0, 20_500 * E6), UserReserve::new(E8, 0)];
    let (l, _, _) = run(&reserves, &user, call(1, 0, 106 * E6)).unwrap();
    // HF = wadDiv(20,250e8 × 8,600, 20,500e8) / 1e4 = 0.849512195121951219 ≤ 0.95 → 100 %
    assert_eq!(l.account_before.health_factor, 849_512_195_121_951_219);
    assert_eq!(l.close_factor.max_liquidatable_debt, 20_500 * E6);
    // base = 1e8 × 106e6 × 1e8 / (20,250e8 × 1e6) = 523,456.79 → 523,456
    // seized = floor(523,456 × 1.05 = 549,628.8) = 549,628
    // bonus part = 549,628 − floor(523,455.24) = 26,173; fee = ceil(2,617.3) = 2,618
    assert_eq!(l.quote.base_collateral, 523_456);
    assert_eq!(l.quote.collateral_seized().unwrap(), 549_628);
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (106 * E6, 547_010, 2_618));
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    // HF 0.8495 is below LT × bonus = 0.86 × 1.05 = 0.903, so a liquidation
    // *lowers* it: collateral 99,450,372 sat × 20,250 = 2,013,870,033,000, debt
    // 20,394e8 → HF = wadDiv(2,013,870,033,000 × 8,600, 20,394e8) / 1e4.
    assert_eq!(l.account_after.total_collateral_base, 2_013_870_033_000);
    assert_eq!(l.account_after.health_factor, 849_234_200_441_306_266);
    assert!(l.account_after.health_factor < l.account_before.health_factor);
}

#[test]
fn aave_fifty_percent_close_factor_no_fee() {
    // test_liquidate_variable_borrow_no_fee: WBTC fee 0, price −16 %:
    // 27,000e8 − 4,320e8 = 22,680e8. HF = 22,680 × 0.86 / 20,500 = 0.951453… > 0.95,
    // collateral $22,680 and debt $20,500 ≥ $2,000 → 50 % of total debt.
    let reserves = [usdx(), Reserve::new(22_680 * E8, 8, 8_600, 10_500, 0)];
    let user = [UserReserve::new(0, 20_500 * E6), UserReserve::new(E8, 0)];
    let (l, _, _) = run(&reserves, &user, call(1, 0, MAX)).unwrap();
    assert_eq!(l.account_before.health_factor, 951_453_658_536_585_365);
    // percentMul(20,500e8, 5,000) = 10,250e8 → 10,250e8 × 1e6 / 1e8 = 10,250e6
    assert_eq!(l.close_factor.rule, CloseFactorRule::HalfOfTotalDebt);
    assert_eq!(l.close_factor.max_liquidatable_debt, 10_250 * E6);
    // base = 1e8 × 10,250e6 × 1e8 / (22,680e8 × 1e6) = 45,194,003.5 → 45,194,003;
    // seized = floor(47,453,703.15) = 47,453,703, no fee
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (10_250 * E6, 47_453_703, 0));
    assert_eq!(l.quote.bonus_collateral, 0);
}

// ---------------------------------------------------------------------------
// Pool.Liquidations.CloseFactor.t.sol: dust reverts and the data provider
// ---------------------------------------------------------------------------

#[test]
fn aave_revert_if_close_factor_100_but_collateral_below_threshold() {
    // test_shouldRevertIfCloseFactorIs100ButCollateralIsBelowThreshold: bob supplies
    // 2,000 USDX and 4 WETH, borrows USDX down to HF 0.93:
    // required = percentMul(9,200e8, 8,601) × 1e18 / 0.93e18 = 850,851,612,903
    // → 8,508,516,129 USDX wei (floor).
    let reserves = [usdx(), weth()];
    let user = [UserReserve::new(2_000 * E6, 8_508_516_129), UserReserve::new(4 * E18, 0)];
    let a = account_data(&reserves, &user).unwrap();
    assert_eq!(a.total_debt_base, 850_851_612_900);
    assert_eq!(a.health_factor, 929_891_873_041_544_304);
    // liquidationAmount = 2,000e6 / 2 − 44e6 = 956e6: seized 1,003.8e6, fee 4.78e6 →
    // collateral left 2,000e6 − 1,003.8e6 = 996.2e6 = $996.2 < $1,000 → MustNotLeaveDust
    assert_eq!(run(&reserves, &user, call(0, 0, 956 * E6)).unwrap_err(), ERR_MUST_NOT_LEAVE_DUST);
    let q = collateral_for_debt(&reserves[0], &reserves[0], 956 * E6, 2_000 * E6, 10_500).unwrap();
    assert_eq!((q.collateral_to_liquidator, q.debt_repaid, q.protocol_fee), (999_020_000, 956 * E6, 4_780_000));
}

#[test]
fn aave_data_provider_edge_range() {
    // test_liquidationdataprovider_edge_range: 8,000 USDX supplied, 4,200 USDX
    // borrowed, then WETH to HF 0.98: percentMul(8,000e8, 8,601) × 1e18 / 0.98e18
    // − 4,200e8 = 282,122,448,979 base → 1,567,346,938,772,222,222 WETH wei.
    let reserves = [usdx(), weth()];
    let user = [UserReserve::new(8_000 * E6, 4_200 * E6), UserReserve::new(0, 1_567_346_938_772_222_222)];
    let a = account_data(&reserves, &user).unwrap();
    assert_eq!(a.total_debt_base, 702_122_448_979);
    assert_eq!(a.health_factor, 979_886_059_761_318_936);
    // 50 % rule, half-up on an odd total: percentMul(702,122,448,979, 5,000) =
    // (3,510,612,244,895,000 + 5,000) / 10,000 = 351,061,224,490 → 3,510,612,244 USDX wei
    let cf = close_factor(&reserves, &user, 0, 0).unwrap();
    assert_eq!(cf.rule, CloseFactorRule::HalfOfTotalDebt);
    assert_eq!(cf.max_liquidatable_debt, 3_510_612_244);
    // uint256.max → debt left 689,387,756 = $689.39 < $1,000 → MustNotLeaveDust (Aave expects the revert)
    assert_eq!(run(&reserves, &user, call(0, 0, MAX)).unwrap_err(), ERR_MUST_NOT_LEAVE_DUST);
    // LiquidationDataProvider: debt shortfall $310.61 → debt −310,612,244 = 3,200,000,000;
    // collateral floor(3.2e9 × 1.05) = 3.36e9; bonus part 1.6e8, fee 1.6e7
    let info = liquidation_info(&reserves, &user, 0, 0, MAX).unwrap();
    assert_eq!(
        info,
        LiquidationInfo {
            max_collateral_to_liquidate: 3_344_000_000,
            max_debt_to_liquidate: 3_200_000_000,
            protocol_fee: 16_000_000,
            amount_to_pass: 3_200_000_000,
        }
    );
    // and the pool accepts it (Aave: the call with maxDebtToLiquidate succeeds)
    let (l, _, _) = run(&reserves, &user, call(0, 0, info.max_debt_to_liquidate)).unwrap();
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (3_200_000_000, 3_344_000_000, 16_000_000));
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
}

#[test]
fn aave_data_provider_edge_range_reverse() {
    // test_liquidationdataprovider_edge_range_reverse: 4,200 USDX and
    // 4,000e8 × 1e18 / 1,800e8 = 2,222,222,222,222,222,222 WETH supplied; USDX
    // borrowed to HF 0.98: percentMul(819,999,999,999, 8,601) = 705,281,999,999
    // → × 1e18 / 0.98e18 = 719,675,510,203 → 7,196,755,102 USDX wei.
    let reserves = [usdx(), weth()];
    let user = [UserReserve::new(4_200 * E6, 7_196_755_102), UserReserve::new(2_222_222_222_222_222_222, 0)];
    let a = account_data(&reserves, &user).unwrap();
    assert_eq!(a.total_collateral_base, 819_999_999_999);
    assert_eq!(a.health_factor, 979_886_059_764_855_397);
    // max = percentMul(719,675,510,200, 50 %) × 1e6 / 1e8 = 3,598,377,551; seized
    // 3,778,296,428 → collateral left 421,703,572 = $421.70 → MustNotLeaveDust
    assert_eq!(run(&reserves, &user, call(0, 0, MAX)).unwrap_err(), ERR_MUST_NOT_LEAVE_DUST);
    // provider: collateral shortfall 57,829,642,800 base → −578,296,428 wei:
    // 3,760,304,540 − 578,296,428 = 3,182,008,112; debt = ceil(3,182,008,112 / 1.05)
    // = 3,030,483,917; bonus part 3,182,008,112 − 3,030,483,916 = 151,524,196,
    // fee ceil(15,152,419.6) = 15,152,420 → 3,166,855,692
    let info = liquidation_info(&reserves, &user, 0, 0, MAX).unwrap();
    assert_eq!(info.max_debt_to_liquidate, 3_030_483_917);
    assert_eq!(info.max_collateral_to_liquidate, 3_166_855_692);
    assert_eq!(info.protocol_fee, 15_152_420);
    let (l, _, _) = run(&reserves, &user, call(0, 0, info.max_debt_to_liquidate)).unwrap();
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    assert_eq!(l.collateral_to_liquidator, 3_166_855_692);
}

// ---------------------------------------------------------------------------
// Hand-computed rounding directions
// ---------------------------------------------------------------------------

#[test]
fn seized_collateral_rounds_down() {
    // Same-asset $1 8-decimal reserves, fee 0. base = 1,011; 1,011 × 1.05 =
    // 1,061.55 → percentMulFloor 1,061 (v3.6's half-up percentMul gave 1,062).
    let r = dollar(8_000, 0);
    let q = collateral_for_debt(&r, &r, 1_011, 10_000, 10_500).unwrap();
    assert_eq!(q.base_collateral, 1_011);
    assert_eq!(q.collateral_seized().unwrap(), 1_061);
    assert_eq!(percent_mul(1_011, 10_500).unwrap(), 1_062);
    // base itself floors: debt 1 wei of a $3 token for a $2 token → 1.5 → 1
    let c = Reserve::new(2 * E8, 8, 8_000, 10_500, 0);
    let d = Reserve::new(3 * E8, 8, 8_000, 10_500, 0);
    assert_eq!(collateral_for_debt(&c, &d, 1, 100, 10_500).unwrap().base_collateral, 1);
}

#[test]
fn bonus_part_floor_and_fee_ceil() {
    // seized = 1,010 (base 962: floor(962 × 1.05 = 1,010.1) = 1,010), fee 15 %.
    // base part = percentDivFloor(1,010, 10,500) = floor(961.90) = 961 (half-up: 962)
    // → bonus part 1,010 − 961 = 49; fee = percentMulCeil(49, 1,500) = ceil(7.35) = 8
    // (half-up on v3.6's 48 would give 7); liquidator 1,010 − 8 = 1,002.
    let r = Reserve::new(E8, 8, 8_000, 10_500, 1_500);
    let q = collateral_for_debt(&r, &r, 962, 10_000, 10_500).unwrap();
    assert_eq!(q.collateral_seized().unwrap(), 1_010);
    assert_eq!(q.bonus_collateral, 49);
    assert_eq!(q.protocol_fee, 8);
    assert_eq!(q.collateral_to_liquidator, 1_002);
    assert_eq!(percent_div(1_010, 10_500).unwrap(), 962);
    assert_eq!(percent_mul(48, 1_500).unwrap(), 7);
    // fee 0 → no bonus split at all
    let r0 = Reserve::new(E8, 8, 8_000, 10_500, 0);
    let q0 = collateral_for_debt(&r0, &r0, 962, 10_000, 10_500).unwrap();
    assert_eq!((q0.protocol_fee, q0.collateral_to_liquidator), (0, 1_010));
}

#[test]
fn collateral_cap_recomputes_debt_with_ceil() {
    // balance 1,000 wei, debt 2,000 wei asked, same $1 8-decimal asset:
    // seized floor(2,000 × 1.05) = 2,100 > 1,000 → seized 1,000;
    // debt = percentDivCeil(1,000, 10,500) = ceil(952.38) = 953 (not 952).
    let r = dollar(8_000, 1_000);
    let q = collateral_for_debt(&r, &r, 2_000, 1_000, 10_500).unwrap();
    assert!(q.capped_by_balance);
    assert_eq!(q.debt_repaid, 953);
    // fee on the capped amount: bonus part 1,000 − floor(952.38) = 48; fee ceil(4.8) = 5
    assert_eq!((q.bonus_collateral, q.protocol_fee, q.collateral_to_liquidator), (48, 5, 995));
    // the inner conversion floors: collateral $2 per wei, debt $3 per wei,
    // balance 5 → floor(5 × 2 / 3 = 3.33) = 3 → ceil(3 / 1.05 = 2.857) = 3
    let c = Reserve::new(2 * E8, 8, 8_000, 10_500, 0);
    let d = Reserve::new(3 * E8, 8, 8_000, 10_500, 0);
    let q = collateral_for_debt(&c, &d, 1_000, 5, 10_500).unwrap();
    assert_eq!((q.collateral_seized().unwrap(), q.debt_repaid), (5, 3));
}

#[test]
fn close_factor_boundary_at_hf_095() {
    // $10,000 collateral (LT 95 %), debt in a $1 8-decimal token.
    let reserves = [Reserve::new(E8, 8, 9_500, 10_500, 1_000), dollar(8_000, 0)];
    // debt $10,000: HF = wadDiv(1e12 × 9,500, 1e12) / 1e4 = 0.95 exactly → 100 %
    let user = [UserReserve::new(1_000_000_000_000, 0), UserReserve::new(0, 1_000_000_000_000)];
    let cf = close_factor(&reserves, &user, 0, 1).unwrap();
    assert_eq!(health_factor(&reserves, &user).unwrap(), CLOSE_FACTOR_HF_THRESHOLD);
    assert_eq!(cf.rule, CloseFactorRule::HealthFactorAtOrBelowThreshold);
    assert_eq!(cf.max_liquidatable_debt, 1_000_000_000_000);
    // debt 1 wei less: HF = 0.950000000000950000 > 0.95 → 50 % of total debt,
    // percentMul(999,999,999,999, 5,000) = 499,999,999,999.5 → half up 500,000,000,000
    let user = [UserReserve::new(1_000_000_000_000, 0), UserReserve::new(0, 999_999_999_999)];
    assert_eq!(health_factor(&reserves, &user).unwrap(), 950_000_000_000_950_000);
    let cf = close_factor(&reserves, &user, 0, 1).unwrap();
    assert_eq!(cf.rule, CloseFactorRule::HalfOfTotalDebt);
    assert_eq!(cf.max_liquidatable_debt, 500_000_000_000);
}

#[test]
fn close_factor_boundary_at_2000_dollars() {
    // Collateral A (tested) + B, LT 85 %, $3,000 in all; debt $2,600 → HF 0.98.
    let reserves = [dollar(8_500, 0), dollar(8_500, 0), dollar(8_000, 0)];
    // A exactly $2,000 → 50 % rule: percentMul(2,600e8, 50 %) = 1,300e8
    let user = [UserReserve::new(2_000 * E8, 0), UserReserve::new(1_000 * E8, 0), UserReserve::new(0, 2_600 * E8)];
    assert_eq!(health_factor(&reserves, &user).unwrap(), 980_769_230_769_230_769);
    let cf = close_factor(&reserves, &user, 0, 2).unwrap();
    assert_eq!((cf.rule, cf.max_liquidatable_debt), (CloseFactorRule::HalfOfTotalDebt, 1_300 * E8));
    // A one base unit below $2,000 → 100 %
    let user = [UserReserve::new(2_000 * E8 - 1, 0), UserReserve::new(1_000 * E8 + 1, 0), UserReserve::new(0, 2_600 * E8)];
    let cf = close_factor(&reserves, &user, 0, 2).unwrap();
    assert_eq!((cf.rule, cf.max_liquidatable_debt), (CloseFactorRule::CollateralBelowThreshold, 2_600 * E8));

    // Debt side: $3,000 collateral, debts D1 (tested) + D2 = $2,600.
    let reserves = [dollar(8_500, 0), dollar(8_000, 0), dollar(8_000, 0)];
    let user = [UserReserve::new(3_000 * E8, 0), UserReserve::new(0, 2_000 * E8), UserReserve::new(0, 600 * E8)];
    let cf = close_factor(&reserves, &user, 0, 1).unwrap();
    assert_eq!((cf.rule, cf.max_liquidatable_debt), (CloseFactorRule::HalfOfTotalDebt, 1_300 * E8));
    let user = [UserReserve::new(3_000 * E8, 0), UserReserve::new(0, 2_000 * E8 - 1), UserReserve::new(0, 600 * E8 + 1)];
    let cf = close_factor(&reserves, &user, 0, 1).unwrap();
    assert_eq!((cf.rule, cf.max_liquidatable_debt), (CloseFactorRule::DebtBelowThreshold, 2_000 * E8 - 1));
    // 50 % applies but D1 ($2,000) ≤ half of $4,600 = $2,300 → all of D1
    // ($5,300 collateral: HF = 4,505 / 4,600 = 0.979…)
    let user = [UserReserve::new(5_300 * E8, 0), UserReserve::new(0, 2_000 * E8), UserReserve::new(0, 2_600 * E8)];
    let cf = close_factor(&reserves, &user, 0, 1).unwrap();
    assert_eq!((cf.rule, cf.max_liquidatable_debt), (CloseFactorRule::ReserveDebtWithinHalf, 2_000 * E8));
}

#[test]
fn dust_rule_debt_side_both_ways() {
    // $10,000 collateral (LT 80 %, fee 0), $9,000 debt: HF 0.888… → 100 %.
    let reserves = [dollar(8_000, 0), dollar(8_000, 0)];
    let user = [UserReserve::new(10_000 * E8, 0), UserReserve::new(0, 9_000 * E8)];
    // repay $8,000: debt left exactly $1,000, collateral left 10,000 − 8,400 = $1,600 → passes
    let (l, after, _) = run(&reserves, &user, call(0, 1, 8_000 * E8)).unwrap();
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    assert_eq!((after[0].scaled_collateral, after[1].scaled_debt), (1_600 * E8, MIN_LEFTOVER_BASE));
    // one wei more: debt left $1,000 − 1 base unit → MustNotLeaveDust
    assert_eq!(run(&reserves, &user, call(0, 1, 8_000 * E8 + 1)).unwrap_err(), ERR_MUST_NOT_LEAVE_DUST);
    // but repaying everything is always allowed
    let (l, after, _) = run(&reserves, &user, call(0, 1, MAX)).unwrap();
    assert_eq!(l.dust, DustCheck::AllDebtRepaid);
    assert_eq!(after[1].scaled_debt, 0);
    assert_eq!(after[0].scaled_collateral, 10_000 * E8 - 9_450 * E8);
}

#[test]
fn dust_rule_collateral_side_both_ways() {
    // $5,000 collateral (LT 80 %, fee 0), $5,000 debt: HF 0.8 → 100 %.
    let reserves = [dollar(8_000, 0), dollar(8_000, 0)];
    let user = [UserReserve::new(5_000 * E8, 0), UserReserve::new(0, 5_000 * E8)];
    // 380,952,380,953 × 1.05 = 400,000,000,000.65 → seized 4,000e8: collateral left exactly $1,000
    let (l, _, _) = run(&reserves, &user, call(0, 1, 380_952_380_953)).unwrap();
    assert_eq!(l.collateral_to_liquidator, 4_000 * E8);
    assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
    // one wei more: seized 400,000,000,001 → $1,000 − 1 unit left → revert
    assert_eq!(run(&reserves, &user, call(0, 1, 380_952_380_954)).unwrap_err(), ERR_MUST_NOT_LEAVE_DUST);
    // seizing all collateral is always allowed: uint256.max → capped at $5,000,
    // debt ceil(5,000e8 / 1.05) = 476,190,476,191; no collateral is left, so the
    // remaining $523.81 of debt becomes deficit
    let (l, after, deficits) = run(&reserves, &user, call(0, 1, MAX)).unwrap();
    assert_eq!(l.dust, DustCheck::AllCollateralSeized);
    assert_eq!(l.debt_repaid, 476_190_476_191);
    assert!(l.has_no_collateral_left);
    assert_eq!(deficits[1], 5_000 * E8 - 476_190_476_191);
    assert_eq!(after[1].scaled_debt, 0);
}

#[test]
fn dust_counts_the_fee() {
    // With a 10 % fee the collateral leftover is balance − liquidator's part − fee.
    // $5,000 collateral, $5,000 debt; repay 380,952,380,953: seized 4,000e8, bonus part
    // 4,000e8 − floor(4,000e8 / 1.05 = 380,952,380,952.38) = 19,047,619,048,
    // fee ceil(1,904,761,904.8) = 1,904,761,905; left 5,000e8 − 4,000e8 = $1,000 → passes.
    let reserves = [dollar(8_000, 1_000), dollar(8_000, 0)];
    let user = [UserReserve::new(5_000 * E8, 0), UserReserve::new(0, 5_000 * E8)];
    let (l, after, _) = run(&reserves, &user, call(0, 1, 380_952_380_953)).unwrap();
    assert_eq!(l.protocol_fee, 1_904_761_905);
    assert_eq!(l.collateral_to_liquidator, 4_000 * E8 - 1_904_761_905);
    assert_eq!(after[0].scaled_collateral, MIN_LEFTOVER_BASE);
}

#[test]
fn deficit_when_collateral_reaches_zero() {
    // $1,000 collateral (LT 80 %, fee 10 %), $2,000 debt in B and 1e15 wei WETH debt.
    let reserves = [dollar(8_000, 1_000), dollar(8_000, 0), weth()];
    let user = [UserReserve::new(1_000 * E8, 0), UserReserve::new(0, 2_000 * E8), UserReserve::new(0, 1_000_000_000_000_000)];
    let (l, after, deficits) = run(&reserves, &user, call(0, 1, MAX)).unwrap();
    // debt value 2,000e8 + ceil(1e15 × 1,800e8 / 1e18) = 2,000e8 + 180,000,000
    assert_eq!(l.account_before.total_debt_base, 200_180_000_000);
    // collateral < $2,000 → 100 %; seized 2,100e8 > 1,000e8 → cap: debt =
    // ceil(1,000e8 / 1.05 = 95,238,095,238.1) = 95,238,095,239; bonus part
    // 1,000e8 − 95,238,095,238 = 4,761,904,762; fee ceil(476,190,476.2) = 476,190,477
    assert_eq!(l.debt_repaid, 95_238_095_239);
    assert_eq!(l.protocol_fee, 476_190_477);
    assert_eq!(l.collateral_to_liquidator, 99_523_809_523);
    assert!(l.has_no_collateral_left);
    // deficit: 2,000e8 − 95,238,095,239 in B, all 1e15 WETH wei
    assert_eq!(l.deficit, 104_761_904_761);
    assert_eq!(deficits, [0, 104_761_904_761, 1_000_000_000_000_000]);
    assert_eq!(l.bad_debt_reserves, 1);
    assert_eq!(after, [UserReserve { scaled_collateral: 0, use_as_collateral: false, scaled_debt: 0 }; 3]);
    assert_eq!(l.account_after.health_factor, HEALTH_FACTOR_NO_DEBT);
}

#[test]
fn no_deficit_while_other_collateral_remains() {
    // Same as above plus $10 of other collateral: the liquidated reserve is used
    // up (flag cleared) but the user still has collateral → no deficit, debt stays.
    let reserves = [dollar(8_000, 1_000), dollar(8_000, 0), dollar(8_000, 0)];
    let user = [UserReserve::new(1_000 * E8, 0), UserReserve::new(0, 2_000 * E8), UserReserve::new(10 * E8, 0)];
    let (l, after, deficits) = run(&reserves, &user, call(0, 1, MAX)).unwrap();
    assert!(l.collateral_fully_consumed);
    assert!(!l.has_no_collateral_left);
    assert_eq!(l.deficit, 0);
    assert_eq!(deficits, [0, 0, 0]);
    assert_eq!(after[1].scaled_debt, 2_000 * E8 - 95_238_095_239);
    assert!(!after[0].use_as_collateral);
    assert!(after[2].use_as_collateral);
}

// ---------------------------------------------------------------------------
// Validation and errors
// ---------------------------------------------------------------------------

#[test]
fn validation_errors() {
    let reserves = [dollar(8_000, 0), dollar(8_000, 0)];
    // healthy: HF = 5,000 × 0.8 / 1,000 = 4 → HealthFactorNotBelowThreshold
    let healthy = [UserReserve::new(5_000 * E8, 0), UserReserve::new(0, 1_000 * E8)];
    assert_eq!(run(&reserves, &healthy, call(0, 1, MAX)).unwrap_err(), ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD);
    let sick = [UserReserve::new(5_000 * E8, 0), UserReserve::new(0, 5_000 * E8)];
    // collateral not enabled
    let mut off = sick;
    off[1].use_as_collateral = false;
    assert_eq!(run(&reserves, &off, call(1, 1, MAX)).unwrap_err(), ERR_COLLATERAL_CANNOT_BE_LIQUIDATED);
    // no debt in the named reserve
    assert_eq!(run(&reserves, &sick, call(0, 0, MAX)).unwrap_err(), ERR_NOT_BORROWED);
    // debtToCover 0 passes the dust rule (both leftovers large) but burns nothing
    assert_eq!(run(&reserves, &sick, call(0, 1, 0)).unwrap_err(), ERR_INVALID_BURN_AMOUNT);
    // indexes and slices
    assert_eq!(run(&reserves, &sick, call(2, 1, MAX)).unwrap_err(), Error::UnknownMarket);
    assert_eq!(account_data(&reserves, &sick[..1]), Err(Error::BufferTooSmall));
    let mut after = [UserReserve::default(); 1];
    let mut deficits = [0i128; 2];
    assert_eq!(liquidation_call(&reserves, &sick, &call(0, 1, MAX), &mut after, &mut deficits), Err(Error::BufferTooSmall));
    // bad parameters
    let mut bad = reserves;
    bad[0].liquidation_bonus = 9_999;
    assert_eq!(account_data(&bad, &sick), Err(Error::OutOfRange));
    let mut bad = reserves;
    bad[0].liquidation_protocol_fee = 10_001;
    assert_eq!(account_data(&bad, &sick), Err(Error::FractionAbove100Percent));
    let mut bad = reserves;
    bad[1].variable_borrow_index = RAY - 1;
    assert_eq!(account_data(&bad, &sick), Err(Error::OutOfRange));
    let mut bad = reserves;
    bad[1].price = 0;
    assert_eq!(account_data(&bad, &sick), Err(Error::MissingPrice));
    bad[1].price = -1;
    assert_eq!(account_data(&bad, &sick), Err(Error::NegativePrice));
    // a price of 0 on an unused reserve is fine
    let mut unused = [dollar(8_000, 0), dollar(8_000, 0), dollar(8_000, 0)];
    unused[2].price = 0;
    let u3 = [sick[0], sick[1], UserReserve::default()];
    assert!(account_data(&unused, &u3).is_ok());
    // receiveAToken allows a zero-scaled collateral transfer where a burn refuses it:
    // collateral 1 wei at index 1e27, debt tiny (1 wei): base 1, seized floor(1.05) = 1
    let tiny_r = [dollar(8_000, 10_000)];
    let tiny = [UserReserve::new(1, 1)];
    // HF = 0.8; seized 1, bonus part 1 − floor(0.95) = 1, fee 1 → liquidator 0
    assert_eq!(run(&tiny_r, &tiny, call(0, 0, MAX)).unwrap_err(), ERR_INVALID_BURN_AMOUNT);
    let mut c = call(0, 0, MAX);
    c.receive_a_token = true;
    let (l, _, _) = run(&tiny_r, &tiny, c).unwrap();
    assert_eq!((l.collateral_to_liquidator, l.protocol_fee, l.debt_repaid), (0, 1, 1));
}

#[test]
fn no_debt_health_factor_is_max() {
    let reserves = [dollar(8_000, 0)];
    let user = [UserReserve::new(E8, 0)];
    assert_eq!(health_factor(&reserves, &user).unwrap(), HEALTH_FACTOR_NO_DEBT);
    assert_eq!(liquidation_info(&reserves, &user, 0, 0, MAX).unwrap(), LiquidationInfo::default());
}

// ---------------------------------------------------------------------------
// Conservation: debt repaid × bonus = collateral seized, within the roundings
// ---------------------------------------------------------------------------

proptest! {
    /// With X = seized × P_coll × U_debt × 10,000 and Y = debt × P_debt × U_coll × bonus
    /// (both "value × bonus" in a common unit):
    /// * not capped: `seized = floor(floor(B) × bonus / 1e4)`, B the exact collateral
    ///   worth of the debt, so `0 ≤ Y − X < P_coll × U_debt × (bonus + 10,000)`
    ///   (the liquidator never gets more than the bonus, and loses under one wei of
    ///   collateral to each of the two floors);
    /// * capped: `debt = ceil(floor(c × P_coll U_debt / (P_debt U_coll)) × 1e4 / bonus)`,
    ///   so `−P_debt × U_coll × 10,000 < Y − X < P_debt × U_coll × bonus`
    ///   (within one wei of debt either way).
    /// The fee is the ceiling of its share of the bonus part, and the bonus part is
    /// at least the exact bonus share.
    #[test]
    fn conservation(
        pc in 1i128..10_000_000_000, pd in 1i128..10_000_000_000,
        dc in 0u32..=8, dd in 0u32..=8,
        debt in 0i128..100_000_000_000_000, balance in 0i128..100_000_000_000_000,
        bonus in 10_000u32..=15_000, fee in 0u32..=10_000,
    ) {
        let c = Reserve::new(pc, dc, 8_000, bonus, fee);
        let d = Reserve::new(pd, dd, 8_000, bonus, 0);
        let q = collateral_for_debt(&c, &d, debt, balance, bonus).unwrap();
        let seized = q.collateral_seized().unwrap();
        prop_assert!(seized <= balance);
        prop_assert!(q.debt_repaid <= debt);
        let (uc, ud) = (10i128.pow(dc), 10i128.pow(dd));
        let b = i128::from(bonus);
        let x = seized * pc * ud * 10_000;
        let y = q.debt_repaid * pd * uc * b;
        if q.capped_by_balance {
            prop_assert_eq!(seized, balance);
            prop_assert!(y - x > -(pd * uc * 10_000));
            prop_assert!(y - x < pd * uc * b);
        } else {
            prop_assert_eq!(q.debt_repaid, debt);
            prop_assert!(y - x >= 0);
            prop_assert!(y - x < pc * ud * (b + 10_000));
        }
        // bonus part ≥ exact seized × (1 − 1e4 / bonus); fee = ceil(part × fee / 1e4)
        if fee != 0 {
            prop_assert!(q.bonus_collateral * b >= seized * (b - 10_000));
            let f = i128::from(fee);
            prop_assert!(q.protocol_fee * 10_000 >= q.bonus_collateral * f);
            prop_assert!(q.protocol_fee * 10_000 < q.bonus_collateral * f + 10_000);
        }
        prop_assert_eq!(q.collateral_to_liquidator + q.protocol_fee, seized);
    }

    /// A successful liquidation moves exactly what it reports: the collateral the
    /// borrower loses equals the scaled units moved, the debt burned matches, and
    /// the deficits plus the repaid debt never exceed the debts before.
    #[test]
    fn liquidation_books_balance(
        coll in 1i128..10_000_000_000_000, debt in 1i128..10_000_000_000_000,
        cover in 1i128..10_000_000_000_000, fee in 0u32..=10_000, lt in 5_000u32..=9_000,
    ) {
        let reserves = [dollar(lt, fee), dollar(8_000, 0)];
        let user = [UserReserve::new(coll, 0), UserReserve::new(0, debt)];
        let mut after = [UserReserve::default(); 2];
        let mut deficits = [0i128; 2];
        if let Ok(l) = liquidation_call(&reserves, &user, &call(0, 1, cover), &mut after, &mut deficits) {
            prop_assert_eq!(coll - after[0].scaled_collateral, l.scaled.collateral_to_liquidator + l.scaled.protocol_fee);
            prop_assert_eq!(debt - after[1].scaled_debt, l.scaled.debt_burned);
            prop_assert_eq!(l.debt_repaid + deficits[1] + after[1].scaled_debt, debt);
            prop_assert!(l.debt_repaid <= l.close_factor.max_liquidatable_debt);
            prop_assert!(l.account_before.health_factor < HEALTH_FACTOR_LIQUIDATION_THRESHOLD);
        }
    }
}
