//! Lending mode on a unified account (`partliq::unified::lending`) against
//! the Aave v3 replica: unified accounts shaped like the Aave conformance
//! cases of `aave_v3` (the testnet listing: USDX 6 decimals at $1, WBTC 8
//! decimals, WETH 18 decimals at $1,800; LT 86 %, bonus 105 %, fee 10 %)
//! give exactly the replica's figures — and Aave's literals, repeated here.
//!
//! The book's quote unit is Aave's base unit (10⁻⁸ USD, `k = 0`) unless a
//! test says otherwise: a token of `d` decimals at Aave price `P` is an
//! asset with quote exponent `−d` and price `P` (`amount × P × 10^−d`).

use partliq::unified::lending::*;
use partliq::venues::aave_v3::{self, LiquidationCall, Reserve, UserReserve};
use partliq::*;

const MAX: i128 = i128::MAX;
const E6: i64 = 1_000_000;
const E8: i64 = 100_000_000;

/// Aave's testnet terms in ppm: 8,600 / 10,500 / 1,000 bps.
fn testnet(fee_bps: u32) -> LendingTerms {
    LendingTerms::new(Ppm(860_000), Ppm(1_050_000), Ppm(fee_bps * 100))
}

fn book<'a>(assets: &'a [Asset], prices: &'a [Price]) -> MarginBook<'a> {
    MarginBook { assets, asset_prices: prices, ..MarginBook::perps(&[], &[]) }
}

fn bal(asset_index: u32, amount: i64) -> AssetBalance {
    AssetBalance { asset_index, amount }
}

/// The replica's `liquidationCall` (receiving aTokens, as lending mode does).
fn replica(reserves: &[Reserve], user: &[UserReserve], ci: usize, di: usize, cover: i128) -> Result<aave_v3::Liquidation> {
    let mut after = vec![UserReserve::default(); reserves.len()];
    let mut deficits = vec![0i128; reserves.len()];
    let call = LiquidationCall { collateral_index: ci, debt_index: di, debt_to_cover: cover, receive_a_token: true };
    aave_v3::liquidation_call(reserves, user, &call, &mut after, &mut deficits)
}

/// test_partial_liquidate_variable_borrow (Pool.Liquidations.t.sol): 1 WBTC
/// supplied, 20,500 USDX borrowed, WBTC at 20,250 after a 25 % drop; the
/// liquidator covers 106 USDX.
#[test]
fn partial_liquidation_wbtc_usdx_is_the_replica_s() {
    let assets = [Asset::at_par(-6), Asset::at_par(-8)];
    let prices = [Price(E8), Price(20_250 * E8)];
    let terms = [testnet(1_000), testnet(1_000)];
    let balances = [bal(0, -20_500 * E6), bal(1, E8)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let b = book(&assets, &prices);

    let reserves = [Reserve::new(i128::from(E8), 6, 8_600, 10_500, 1_000), Reserve::new(i128::from(20_250 * E8), 8, 8_600, 10_500, 1_000)];
    let user = [UserReserve::new(0, i128::from(20_500 * E6)), UserReserve::new(i128::from(E8), 0)];
    let want = replica(&reserves, &user, 1, 0, i128::from(106 * E6)).unwrap();

    let h = lending_health(&account, &b, &terms).unwrap();
    let a = aave_v3::account_data(&reserves, &user).unwrap();
    assert_eq!(
        (h.total_collateral_base, h.total_debt_base, h.health_factor),
        (a.total_collateral_base, a.total_debt_base, a.health_factor)
    );
    // Aave: HF = wadDiv(20,250e8 × 8,600, 20,500e8) / 1e4
    assert_eq!(h.health_factor, 849_512_195_121_951_219);
    assert!(h.liquidatable);

    let l = plan_lending_liquidation(&account, &b, &terms, 1, 0, i128::from(106 * E6)).unwrap();
    // Every figure of the replica (the mapping keeps the reserves in the
    // balances' order, which is the replica's order here).
    assert_eq!(l.aave, want);
    // Aave's figures: base 523,456, seized 549,628, fee 2,618, liquidator 547,010.
    assert_eq!((l.debt_repaid, l.collateral_seized, l.collateral_to_liquidator, l.protocol_fee), (106_000_000, 549_628, 547_010, 2_618));
    assert_eq!(l.before.health_factor, 849_512_195_121_951_219);
    assert_eq!(l.after.health_factor, 849_234_200_441_306_266);
    assert_eq!(l.after.total_collateral_base, 2_013_870_033_000);
    assert_eq!(l.dust, aave_v3::DustCheck::LeftoversAboveMinimum);
    assert_eq!(
        l.flows(),
        &[
            AssetFlow { asset_index: 0, account: 106_000_000, liquidator: -106_000_000, protocol: 0, deficit: 0 },
            AssetFlow { asset_index: 1, account: -549_628, liquidator: 547_010, protocol: 2_618, deficit: 0 },
        ]
    );
}

/// The same account in a book of µUSD quote units (`k = 2`: one quote unit
/// is 100 base units): USDX at price 1 with exponent 0, WBTC at 20,250 USD
/// = 202.5 µUSD per satoshi, price 2,025 with exponent −1. Same figures.
#[test]
fn the_base_exponent_maps_other_quote_units() {
    let assets = [Asset::at_par(0), Asset::at_par(-1)];
    let prices = [Price(1), Price(2_025)];
    let terms = [testnet(1_000).with_base_exponent(2), testnet(1_000).with_base_exponent(2)];
    let balances = [bal(0, -20_500 * E6), bal(1, E8)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let l = plan_lending_liquidation(&account, &book(&assets, &prices), &terms, 1, 0, i128::from(106 * E6)).unwrap();
    assert_eq!(l.before.health_factor, 849_512_195_121_951_219);
    assert_eq!(l.after.health_factor, 849_234_200_441_306_266);
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (106_000_000, 547_010, 2_618));
}

/// test_liquidate_variable_borrow_no_fee: WBTC at 22,680, fee 0: HF
/// 0.951453… > 0.95 with $2,000 on both sides → 50 % of the total debt.
#[test]
fn fifty_percent_close_factor_is_the_replica_s() {
    let assets = [Asset::at_par(-6), Asset::at_par(-8)];
    let prices = [Price(E8), Price(22_680 * E8)];
    let terms = [testnet(1_000), testnet(0)];
    let balances = [bal(0, -20_500 * E6), bal(1, E8)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let reserves = [Reserve::new(i128::from(E8), 6, 8_600, 10_500, 1_000), Reserve::new(i128::from(22_680 * E8), 8, 8_600, 10_500, 0)];
    let user = [UserReserve::new(0, i128::from(20_500 * E6)), UserReserve::new(i128::from(E8), 0)];
    let want = replica(&reserves, &user, 1, 0, MAX).unwrap();
    let l = plan_lending_liquidation(&account, &book(&assets, &prices), &terms, 1, 0, MAX).unwrap();
    assert_eq!(l.aave, want);
    assert_eq!(l.before.health_factor, 951_453_658_536_585_365);
    assert_eq!(l.close_factor_rule, aave_v3::CloseFactorRule::HalfOfTotalDebt);
    // percentMul(20,500e8, 50 %) = 10,250e8 → 10,250e6 USDX wei; seized 47,453,703, no fee
    assert_eq!(l.max_liquidatable_debt, 10_250_000_000);
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (10_250_000_000, 47_453_703, 0));
    // HF 0.9515 ≥ b·l = 0.903: this liquidation raises it. The least amount
    // that restores HF ≥ 1 is within the close factor: exact model
    // r ≥ (20,500 − 19,504.8) / (1 − 0.903) ≈ $10,259.8 > $10,250, so the
    // close factor binds and the least is its maximum, not restoring.
    // A satoshi (22,680 base units) is coarse against a USDX wei (100): the
    // rounding window is ⌈N / slope⌉ with N = 8,600 × 20,500 × 22,680 +
    // 10⁴ × 18,600 + ⌈2.05e12 / 2e14⌉ = 3,998,670,000,001 and slope = 1e8 / 1e6 ×
    // (10⁸ − 8,600 × 10,500) = 100 × 9,700,000: 4,122.3 → 4,123 units, so proving
    // that no smaller amount restores takes a scan of the 4,122 amounts below.
    let least = least_debt_to_cover(&account, &book(&assets, &prices), &terms, 1, 0, 4_122).unwrap();
    assert_eq!(least.max_liquidatable_debt, 10_250_000_000);
    assert_eq!(least.debt_to_cover, 10_250_000_000);
    assert!(!least.restores);
    assert!(least.exact);
    assert_eq!(least.health_factor_after, want.account_after.health_factor);
    assert!(least.health_factor_after < 1_000_000_000_000_000_000);
    let unscanned = least_debt_to_cover(&account, &book(&assets, &prices), &terms, 1, 0, 4_121).unwrap();
    assert_eq!(unscanned, LeastDebtToCover { exact: false, ..least });
}

/// test_liquidationdataprovider_edge_range: 8,000 USDX supplied *and* 4,200
/// USDX borrowed (two balances of one asset), WETH borrowed to HF 0.98.
#[test]
fn supply_and_debt_in_one_asset_is_the_replica_s() {
    let assets = [Asset::at_par(-6), Asset::at_par(-18)];
    let prices = [Price(E8), Price(1_800 * E8)];
    let terms = [testnet(1_000), testnet(1_000)];
    let balances = [bal(0, 8_000 * E6), bal(0, -4_200 * E6), bal(1, -1_567_346_938_772_222_222)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let b = book(&assets, &prices);
    let reserves = [Reserve::new(i128::from(E8), 6, 8_600, 10_500, 1_000), Reserve::new(i128::from(1_800 * E8), 18, 8_600, 10_500, 1_000)];
    let user = [UserReserve::new(8_000_000_000, 4_200_000_000), UserReserve::new(0, 1_567_346_938_772_222_222)];
    let h = lending_health(&account, &b, &terms).unwrap();
    assert_eq!(h.total_debt_base, 702_122_448_979);
    assert_eq!(h.health_factor, 979_886_059_761_318_936);
    // uint256.max: debt left $689.39 → MustNotLeaveDust, as Aave expects
    assert_eq!(plan_lending_liquidation(&account, &b, &terms, 0, 0, MAX).unwrap_err(), Error::MustNotLeaveDust);
    // The data provider's amount passes: 3,200,000,000 repaid, 3,344,000,000 to the
    // liquidator, 16,000,000 fee.
    let want = replica(&reserves, &user, 0, 0, 3_200_000_000).unwrap();
    let l = plan_lending_liquidation(&account, &b, &terms, 0, 0, 3_200_000_000).unwrap();
    assert_eq!(l.aave, want);
    assert_eq!((l.debt_repaid, l.collateral_to_liquidator, l.protocol_fee), (3_200_000_000, 3_344_000_000, 16_000_000));
    // One asset, one flow: the account loses 3,360,000,000 of supply and
    // 3,200,000,000 of debt, net −160,000,000; the liquidator pays 3.2e9 and
    // receives 3.344e9; the protocol 16e6.
    assert_eq!(
        l.flows(),
        &[AssetFlow { asset_index: 0, account: -160_000_000, liquidator: 144_000_000, protocol: 16_000_000, deficit: 0 }]
    );
    // The least amount restoring HF ≥ 1 is partial, far below the dust. Same
    // asset both sides (1 wei = 100 base units), x wei repaid, seized
    // s = ⌊1.05 x⌋: HF ≥ 1 ⟺ (8e9 − s) × 100 × 8,600 ≥ 1e4 × (702,122,448,979 − 100 x).
    // x = 1,455,922,571: s = ⌊1,528,718,699.55⌋ = 1,528,718,699, W = 647,128,130,100
    // × 8,600 = 5,565,301,918,860,000 against 1e4 × 556,530,191,879 =
    // 5,565,301,918,790,000: +70,000, HF = 1 + 7e4 / 5.565e18 → 1.000000000012577933.
    // x − 1: s = ⌊1,528,718,698.5⌋ = 1,528,718,698, W = 5,565,301,919,720,000 against
    // 5,565,301,919,790,000: −70,000, HF < 1.
    let least = least_debt_to_cover(&account, &b, &terms, 0, 0, 64).unwrap();
    assert_eq!(
        least,
        LeastDebtToCover {
            debt_to_cover: 1_455_922_571,
            max_liquidatable_debt: 3_510_612_244,
            restores: true,
            health_factor_after: 1_000_000_000_012_577_933,
            exact: true
        }
    );
    let below = plan_lending_liquidation(&account, &b, &terms, 0, 0, 1_455_922_570).unwrap();
    assert_eq!(below.collateral_seized, 1_528_718_698);
    assert!(below.after.health_factor < 1_000_000_000_000_000_000);
}

/// $1,000 of collateral against $2,000 of debt and 1e15 WETH wei: all the
/// collateral goes, the rest of both debts is deficit.
#[test]
fn deficit_is_the_replica_s() {
    let assets = [Asset::at_par(-8), Asset::at_par(-8), Asset::at_par(-18)];
    let prices = [Price(E8), Price(E8), Price(1_800 * E8)];
    let t = LendingTerms::new(Ppm(800_000), Ppm(1_050_000), Ppm(100_000));
    let terms = [t, LendingTerms { protocol_fee: Ppm(0), ..t }, testnet(1_000)];
    let balances = [bal(0, 1_000 * E8), bal(1, -2_000 * E8), bal(2, -1_000_000_000_000_000)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let reserves = [
        Reserve::new(i128::from(E8), 8, 8_000, 10_500, 1_000),
        Reserve::new(i128::from(E8), 8, 8_000, 10_500, 0),
        Reserve::new(i128::from(1_800 * E8), 18, 8_600, 10_500, 1_000),
    ];
    let user = [UserReserve::new(100_000_000_000, 0), UserReserve::new(0, 200_000_000_000), UserReserve::new(0, 1_000_000_000_000_000)];
    let want = replica(&reserves, &user, 0, 1, MAX).unwrap();
    let l = plan_lending_liquidation(&account, &book(&assets, &prices), &terms, 0, 1, MAX).unwrap();
    assert_eq!(l.aave, want);
    assert_eq!(l.before.total_debt_base, 200_180_000_000);
    assert_eq!((l.debt_repaid, l.protocol_fee, l.collateral_to_liquidator), (95_238_095_239, 476_190_477, 99_523_809_523));
    // deficit 104,761,904,761 in B, all 1e15 WETH wei (worth 180,000,000)
    assert_eq!(l.deficit_base, 104_761_904_761 + 180_000_000);
    assert_eq!(l.after.health_factor, i128::MAX);
    assert_eq!(
        l.flows(),
        &[
            AssetFlow { asset_index: 0, account: -100_000_000_000, liquidator: 99_523_809_523, protocol: 476_190_477, deficit: 0 },
            AssetFlow { asset_index: 1, account: 200_000_000_000, liquidator: -95_238_095_239, protocol: 0, deficit: -104_761_904_761 },
            AssetFlow { asset_index: 2, account: 1_000_000_000_000_000, liquidator: 0, protocol: 0, deficit: -1_000_000_000_000_000 },
        ]
    );
}

/// Aave's validation errors, in Aave's order, on a unified account.
#[test]
fn validation_errors_are_the_replica_s() {
    let assets = [Asset::at_par(-8), Asset::at_par(-8)];
    let prices = [Price(E8), Price(E8)];
    let t = LendingTerms::new(Ppm(800_000), Ppm(1_050_000), Ppm(0));
    let b = book(&assets, &prices);
    let healthy = [bal(0, 5_000 * E8), bal(1, -1_000 * E8)];
    let account = UnifiedAccount { balances: &healthy, positions: &[] };
    assert_eq!(plan_lending_liquidation(&account, &b, &[t, t], 0, 1, MAX).unwrap_err(), aave_v3::ERR_HEALTH_FACTOR_NOT_BELOW_THRESHOLD);
    let sick = [bal(0, 5_000 * E8), bal(1, -5_000 * E8)];
    let account = UnifiedAccount { balances: &sick, positions: &[] };
    // Collateral disabled by the terms: HF 0 (nothing counts), then the collateral check.
    assert_eq!(plan_lending_liquidation(&account, &b, &[t.not_collateral(), t], 0, 1, MAX).unwrap_err(), Error::CollateralNotEnabled);
    assert_eq!(plan_lending_liquidation(&account, &b, &[t, t], 0, 0, MAX).unwrap_err(), Error::NotBorrowed);
    assert_eq!(plan_lending_liquidation(&account, &b, &[t, t], 0, 1, -1).unwrap_err(), Error::OutOfRange);
    // Perp positions are not read: the same figures with one.
    let positions = [PerpPosition::cross(0, Size(1), Quote(-1_000_000))];
    let with_perp = UnifiedAccount { balances: &sick, positions: &positions };
    assert_eq!(lending_health(&with_perp, &b, &[t, t]), lending_health(&account, &b, &[t, t]));
}
