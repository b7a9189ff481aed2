//! Drift v2's own margin tests, replayed twice: against the replica
//! `partliq::venues::drift_v2` (Drift's integer steps, to the unit), and
//! against partliq's unified health (`unified_pool_health`) built from the
//! same inputs. Funding is also checked against dYdX v4's settlement tests,
//! since partliq's funding is dYdX's formula.
//!
//! Sources: `drift-labs/protocol-v2` at commit
//! `0ae3e3b1db782a6765c3525b3dec38ad4d9d3a62` (`programs/drift/src/math/margin/tests.rs`,
//! `state/user/tests.rs`, `state/perp_market/tests.rs`,
//! `controller/pnl/delisting.rs`); `dydxprotocol/v4-chain` at commit
//! `84d4664bae71e3a077adaac67fb77ad19cd28d30` (`x/perpetuals/lib/lib_test.go`,
//! `x/subaccounts/keeper/subaccount_test.go`). Each test names the Drift or
//! dYdX test it replays; numbers marked *derived* are computed from the
//! venue's formula, not taken from one of its tests.
//!
//! # Scaling: Drift's fixed point → partliq's integers
//!
//! | Drift | partliq |
//! | --- | --- |
//! | `QUOTE_PRECISION` (10⁻⁶ USD) | quote unit: Drift's quote integers are partliq's unchanged |
//! | spot token, `decimals` d, native units | [`Asset`] with `quote_exponent = −d`; balance = token amount |
//! | spot price `P` (10⁻⁶ USD per token) | asset price mantissa `P` (value = amount × P × 10^−d) |
//! | perp base, `BASE_PRECISION` (10⁻⁹) | perp [`Market`] with `quote_exponent = −9`; size = base |
//! | perp oracle price `P` | mark mantissa `P` |
//! | weights, margin ratios (bps) | ppm = bps × 100 |
//! | IMF factor (10⁻⁶) | ppm, the same number; `imf_unit` = 10^d (spot), 10⁹ (perp) |
//! | funding rate (10⁻⁹ USD per whole base) | funding index with size in 10⁻³ base (10⁶ Drift base units): the same number (see `d8_funding_payment`) |
//! | `user.max_margin_ratio` r | per-account weights: liability `max(w, 1 + r)`, asset `min(w, 1 − r)`, perp fraction `max(f, r)` |
//!
//! Drift puts spot liabilities (weighted borrows, cash paid by bids) in its
//! **margin requirement**; partliq nets them in the **collateral**. So with
//! `L` their total, `partliq collateral = Drift total collateral − L` and
//! `partliq requirement = Drift margin requirement − L − $0.01 × open
//! orders`: the same health, written differently.
//!
//! # Where partliq rounds differently (both figures pinned)
//!
//! * **√size weights**: Drift computes them in bps with a floor root and
//!   three truncations; partliq in ppm from the ceiling root, rounded against
//!   the account. partliq's liability weights and perp premiums come out
//!   higher or equal in these vectors (1,196,228 ppm vs Drift's 11,962 bps;
//!   D4's premiums); its asset weights can be higher by less than one bp
//!   (835,721 ppm vs 8,357 bps = 835,700: Drift's bps floor is coarser than
//!   partliq's ppm floor of the exact 835,721.6).
//! * **Perp value and requirement**: Drift truncates `base × price` toward
//!   zero on the signed value (a short's pnl rounds up) and truncates the
//!   requirement twice; partliq rounds the value down and the requirement up,
//!   once each: one unit more conservative on each.
//! * **Dust**: Drift floors a borrow's value before weighting (−0.1 → −1,
//!   then × 3 = −3); partliq rounds the exact −0.3 once (−1). Here Drift's
//!   double rounding is the more conservative.
//! * **Funding**: Drift rounds each payment toward zero; partliq rounds the
//!   pool's owed total up (dYdX: floor of the summed settlement).
//!
//! # Drift concepts partliq does not have (skipped or pinned, with reason)
//!
//! * the **$100 cap** on a position's weighted pnl at the initial level
//!   (D3 hits it: partliq counts 17,580,307,387 where Drift counts
//!   100,000,000);
//! * **$0.01 per open order** (D5, D7: partliq's health is Drift's plus the
//!   order charge);
//! * the **√size discount of a gain** (`unrealized_pnl_imf_factor`): partliq's
//!   initial uPnL weight is one number per market, so the test sets it to the
//!   replica's weight for that position;
//! * a **maintenance uPnL weight**: partliq counts a maintenance gain whole
//!   (Drift's test markets leave both uPnL weights at their default 0);
//! * **market-wide deposit scaling** of the initial asset weight (D2:
//!   replica only), the **Fill** level (replica only), **high-leverage mode**;
//! * **resting spot orders**: partliq models resting orders on perps only; a
//!   Drift spot order enters partliq as the balances after its riskier fill
//!   (D5), which gives Drift's health to the unit less the order charge;
//!   Drift's strict mode, which values the order at `max(oracle, twap)` and
//!   the holding at `min`, has no equivalent (partliq has one price per
//!   asset) and is checked on the replica only;
//! * the **√size premium at maintenance**: Drift raises the maintenance
//!   ratio too (`get_margin_ratio` for every level; D1's maintenance
//!   liability weight 31,622 is the spot analogue, which partliq's [`Asset`]
//!   does apply); partliq's [`PerpRisk`] premium is initial-level only (D4,
//!   pinned);
//! * **unsettled funding inside the pnl**: Drift adds it to the pnl before
//!   the uPnL weight and the cap; partliq adds it to the collateral whole,
//!   after weighting (no test vector has both a gain and funding);
//! * separate **long and short funding rates**: partliq has one index per
//!   market; and the **liquidation buffer** (`margin_buffer`): replica only.

use partliq::venues::drift_v2::*;
use partliq::{
    unified_pool_health, Asset, AssetBalance, Error, HealthState, LevelFigures, MarginBook, MarginLadder, Market, PerpPosition, PerpRisk,
    Ppm, Price, Quote, Size, UnifiedAccount, UnifiedHealth, WeightLevel,
};

// ---------------------------------------------------------------------------
// The markets of Drift's margin tests, as replica markets and as partliq's
// ---------------------------------------------------------------------------

/// Drift's USDC spot market 0 (6 decimals, weights 100 %).
fn drift_usdc() -> DriftSpotMarket {
    DriftSpotMarket { decimals: 6, initial_asset_weight: 10_000, maintenance_asset_weight: 10_000, ..DriftSpotMarket::default() }
}

/// Drift's SOL spot market 1 in `calculate_margin_requirement_and_total_collateral`
/// (9 decimals, asset 80 / 90 %, liability 120 / 110 %).
fn drift_sol() -> DriftSpotMarket {
    DriftSpotMarket {
        decimals: 9,
        initial_asset_weight: 8_000,
        maintenance_asset_weight: 9_000,
        initial_liability_weight: 12_000,
        maintenance_liability_weight: 11_000,
        ..DriftSpotMarket::default()
    }
}

/// Drift's SOL-PERP test market (10 % / 5 %; uPnL weights at their default 0).
fn drift_sol_perp() -> DriftPerpMarket {
    DriftPerpMarket { margin_ratio_initial: 1_000, margin_ratio_maintenance: 500, ..DriftPerpMarket::default() }
}

/// SOL at $100: `get_pyth_price(100, 6)`.
const SOL_P: i64 = 100_000_000;

/// USDC in partliq: micro-USDC at a price in micro-USD per USDC (e = −6), at
/// par at every level (Drift values the quote market unweighted).
fn usdc() -> Asset {
    Asset::at_par(-6)
}
const USDC_PRICE: Price = Price(1_000_000);

/// SOL in partliq: lamports, micro-USD per SOL (e = −9); 8000 bps → 800,000
/// ppm and so on.
fn sol() -> Asset {
    Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))
}

/// SOL-PERP in partliq: base in 10⁻⁹ SOL, price in micro-USD per SOL (e = −9),
/// 1000 bps → 100,000 ppm, 500 bps → 50,000 ppm.
fn sol_perp() -> Market {
    Market::single_tier(-9, 1, 1, Ppm(100_000), Ppm(50_000))
}

/// Health of pool `index` (0 = cross).
fn pool(balances: &[AssetBalance], positions: &[PerpPosition], book: &MarginBook<'_>, index: usize) -> UnifiedHealth {
    let account = UnifiedAccount { balances, positions };
    unified_pool_health(&account.pool(index).unwrap(), book, &MarginLadder::STANDARD).unwrap()
}

fn bal(asset_index: u32, amount: i64) -> AssetBalance {
    AssetBalance { asset_index, amount }
}

fn figures(collateral: i64, requirement: i64) -> LevelFigures {
    LevelFigures { collateral: Quote(collateral), requirement: Quote(requirement) }
}

// ---------------------------------------------------------------------------
// D1 — math/margin/tests.rs::spot_market_asset_weight
// ---------------------------------------------------------------------------

/// Market 1: initial weights 9000 / 11000 bps, 6 decimals, maintenance
/// weights left at 0 (Drift's default).
fn d1_market(imf_factor: u32) -> DriftSpotMarket {
    DriftSpotMarket { decimals: 6, initial_asset_weight: 9_000, initial_liability_weight: 11_000, imf_factor, ..DriftSpotMarket::default() }
}

#[test]
fn d1_spot_size_weights_replica() {
    use MarginRequirementType::*;
    // size = 1000 × QUOTE_PRECISION = 1e9 native (1,000 tokens); in 10⁹
    // units 1e12; √(1e13 + 1) = 3,162,277.
    let size: u128 = 1_000_000_000;
    let price = 1_000_000;
    let m = d1_market(0);
    assert_eq!(m.get_asset_weight(size, price, Initial).unwrap(), 9_000);
    assert_eq!(m.get_liability_weight(size, Initial).unwrap(), 11_000);
    // imf 10: 1.1e10 / (1e6 + ⌊3,162,277 × 10 / 1e5⌋ = 316) = 10,996 > 9000;
    // premium 8,800 + 316 < 11,000.
    let m = d1_market(10);
    assert_eq!(m.get_asset_weight(size, price, Initial).unwrap(), 9_000);
    assert_eq!(m.get_liability_weight(size, Initial).unwrap(), 11_000);
    // size × 1e6: √(1e19 + 1) = 3,162,277,660 → ⌊… × 10 / 1e5⌋ = 316,227:
    // 1.1e10 / 1,316,227 = 8,357.2 → 8357.
    assert_eq!(m.get_asset_weight(size * 1_000_000, price, Initial).unwrap(), 8_357);
    // imf 10,000: ⌊3,162,277 × 10,000 / 1e5⌋ = 316,227 → 8357; premium
    // 11,000 − 2,200 + ⌊3,162,277 × 10,000 / 1e7⌋ = 8,800 + 3,162 = 11,962.
    let m = d1_market(10_000);
    assert_eq!(m.get_asset_weight(size, price, Initial).unwrap(), 8_357);
    assert_eq!(m.get_liability_weight(size, Initial).unwrap(), 11_962);
    // imf 100,000: 1.1e10 / (1e6 + 3,162,277) = 2,642.7 → 2642; premium
    // 8,800 + 31,622 = 40,422; maintenance (w₀ = 0): 0 + 31,622.
    let m = d1_market(100_000);
    assert_eq!(m.get_asset_weight(size, price, Initial).unwrap(), 2_642);
    assert_eq!(m.get_liability_weight(size, Initial).unwrap(), 40_422);
    assert_eq!(m.get_liability_weight(size, Maintenance).unwrap(), 31_622);
    // Market 2: 1500 / 7500 asset, 15000 / 12500 liability; 100,000 tokens
    // (1e11 native) at $0.50. Fill = (1500 + 7500) / 2 = 4500.
    let mut m2 = DriftSpotMarket {
        decimals: 6,
        initial_asset_weight: 1_500,
        maintenance_asset_weight: 7_500,
        initial_liability_weight: 15_000,
        maintenance_liability_weight: 12_500,
        ..DriftSpotMarket::default()
    };
    let (size2, price2) = (100_000_000_000u128, 500_000);
    assert_eq!(m2.get_asset_weight(size2, price2, Initial).unwrap(), 1_500);
    assert_eq!(m2.get_asset_weight(size2, price2, Fill).unwrap(), 4_500);
    assert_eq!(m2.get_asset_weight(size2, price2, Maintenance).unwrap(), 7_500);
    // imf 100,000: √(1e15 + 1) = 31,622,776 → 1.1e10 / (1e6 + 31,622,776)
    // = 337.2 → 337 at every level (below each level's weight).
    m2.imf_factor = 100_000;
    for kind in [Initial, Fill, Maintenance] {
        assert_eq!(m2.get_asset_weight(size2, price2, kind).unwrap(), 337);
    }
    // Derived (Drift's vectors above do not tell a floor root from a ceiling
    // one): an IMF factor of 1e7 makes the premium term the root itself:
    // size 1 → ⌊√(10 + 1)⌋ = 3, so 10,000 − 2,000 + 3; size 0 → ⌊√1⌋ = 1
    // (`test_nroot`: the root of 0 is 0, of 1 is 1).
    assert_eq!(calculate_size_premium_liability_weight(1, 10_000_000, 10_000, 10_000, false).unwrap(), 8_003);
    assert_eq!(calculate_size_premium_liability_weight(0, 10_000_000, 10_000, 10_000, false).unwrap(), 8_001);
}

#[test]
fn d1_spot_size_weights_partliq_pinned() {
    // partliq's Asset for market 1: e = −6 (6 decimals), imf_unit 1e6; the
    // maintenance weights set to the initial ones (Drift's default 0 is not
    // a valid partliq weight: a maintenance asset weight below the initial
    // one is `WeightsOutOfOrder`).
    let asset = |imf: u32| Asset {
        imf_factor: Ppm(imf),
        imf_unit: 1_000_000,
        ..Asset::weighted(-6, (Ppm(900_000), Ppm(900_000)), (Ppm(1_100_000), Ppm(1_100_000)))
    };
    let mut drift_default = asset(0);
    drift_default.maintenance_asset_weight = Ppm(0);
    assert_eq!(drift_default.validate(), Err(Error::WeightsOutOfOrder));
    let (tokens, initial) = (1_000_000_000i128, WeightLevel::Initial);
    // imf 0 and imf 10 on 1,000 tokens: Drift's 9000 / 11000 bps exactly.
    for imf in [0, 10] {
        let a = asset(imf);
        a.validate().unwrap();
        assert_eq!(
            (a.asset_weight(tokens, initial).unwrap(), a.liability_weight(-tokens, initial).unwrap()),
            (Ppm(900_000), Ppm(1_100_000))
        );
    }
    // (imf, amount, Drift bps × 100, partliq ppm). partliq: r = ⌈√(|amount| × 1e6)⌉,
    // asset = ⌊1.1e12 × 1e6 / (1e12 + imf × r)⌋, liability = ⌈0.8 w⌉ + ⌈imf × r / 1e6⌉.
    // imf 10, 1e9 tokens: r = ⌈√1e21⌉ = 31,622,776,602; 1.1e24 / 1,316,227,766,020
    //   = 835,721.6 → 835,721 (exact 1.1e6 / (1 + 1e-5 × √1e9) = 835,721.62).
    // imf 10,000, 1,000 tokens: r = ⌈√1e15⌉ = 31,622,777 → 835,721; liability
    //   880,000 + ⌈316,227.77⌉ = 1,196,228 (exact 1,196,227.77).
    // imf 100,000: 1.1e24 / 4,162,277,700,000 = 264,278.4 → 264,278 (exact
    //   264,278.38); liability 880,000 + 3,162,278 = 4,042,278 (exact 4,042,277.66).
    let rows: [(u32, i128, u32, u32, u32, u32); 3] = [
        (10, tokens * 1_000_000, 835_700, 835_721, 0, 0),
        (10_000, tokens, 835_700, 835_721, 1_196_200, 1_196_228),
        (100_000, tokens, 264_200, 264_278, 4_042_200, 4_042_278),
    ];
    for (imf, amount, drift_asset, ours_asset, drift_liab, ours_liab) in rows {
        let a = asset(imf);
        let drift = d1_market(imf);
        let bps_asset = drift.get_asset_weight(amount.unsigned_abs(), 1_000_000, MarginRequirementType::Initial).unwrap();
        assert_eq!(bps_asset * 100, drift_asset);
        assert_eq!(a.asset_weight(amount, initial).unwrap(), Ppm(ours_asset), "imf {imf}");
        if drift_liab != 0 {
            let bps_liab = drift.get_liability_weight(amount.unsigned_abs(), MarginRequirementType::Initial).unwrap();
            assert_eq!(bps_liab * 100, drift_liab);
            assert_eq!(a.liability_weight(-amount, initial).unwrap(), Ppm(ours_liab), "imf {imf}");
        }
    }
    // Market 2, imf 100,000, 100,000 tokens: r = ⌈√1e17⌉ = 316,227,767;
    // 1.1e24 / 32,622,776,700,000 = 33,718.8 → 33,718 at the initial (150,000)
    // and maintenance (750,000) level; Drift 337 bps = 33,700. (Drift's Fill
    // level has no partliq counterpart.)
    let a2 = Asset {
        imf_factor: Ppm(100_000),
        imf_unit: 1_000_000,
        ..Asset::weighted(-6, (Ppm(150_000), Ppm(750_000)), (Ppm(1_500_000), Ppm(1_250_000)))
    };
    a2.validate().unwrap();
    for level in [WeightLevel::Initial, WeightLevel::Maintenance] {
        assert_eq!(a2.asset_weight(100_000_000_000, level).unwrap(), Ppm(33_718));
    }
}

#[test]
fn d1_replica_weights_as_partliq_weights() {
    // 1,000 tokens at $1 (1e9 native, price 1e6, e = −6), imf 10,000. Drift:
    // deposit 1,000,000,000 × 8357 / 1e4 = 835,700,000 of total collateral;
    // borrow 1,000,000,000 × 11962 / 1e4 = 1,196,200,000 of requirement.
    let drift = d1_market(10_000);
    let price = StrictOraclePrice::current(1_000_000);
    let spot = |amount: i128| SpotEntry {
        market: &drift,
        is_quote_market: false,
        token_amount: amount,
        open_bids: 0,
        open_asks: 0,
        open_orders: 0,
        price,
    };
    let ctx = MarginContext::standard(MarginRequirementType::Initial);
    let deposit = cross_margin_calculation(&[spot(1_000_000_000)], &[], &ctx).unwrap();
    let borrow = cross_margin_calculation(&[spot(-1_000_000_000)], &[], &ctx).unwrap();
    assert_eq!((deposit.total_collateral, deposit.margin_requirement), (835_700_000, 0));
    assert_eq!((borrow.total_collateral, borrow.margin_requirement), (0, 1_196_200_000));

    // partliq with the replica's weights (bps × 100, no size term): the same
    // figures, netted (collateral = TC − L).
    let replica_weights = Asset::weighted(-6, (Ppm(835_700), Ppm(900_000)), (Ppm(1_196_200), Ppm(1_100_000)));
    // partliq's own √size weights on the same asset: 835,721 and 1,196,228 ppm.
    let own = Asset {
        imf_factor: Ppm(10_000),
        imf_unit: 1_000_000,
        ..Asset::weighted(-6, (Ppm(900_000), Ppm(900_000)), (Ppm(1_100_000), Ppm(1_100_000)))
    };
    let markets: [Market; 0] = [];
    for (asset, deposit_c, borrow_c) in [(replica_weights, 835_700_000, -1_196_200_000), (own, 835_721_000, -1_196_228_000)] {
        asset.validate().unwrap();
        let assets = [asset];
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1_000_000)], ..MarginBook::perps(&markets, &[]) };
        let h = pool(&[bal(0, 1_000_000_000)], &[], &book, 0);
        assert_eq!(h.initial, figures(deposit_c, 0));
        let h = pool(&[bal(0, -1_000_000_000)], &[], &book, 0);
        assert_eq!(h.initial, figures(borrow_c, 0));
    }
}

// ---------------------------------------------------------------------------
// D2 — spot_market_scale_initial_asset_weight (replica only)
// ---------------------------------------------------------------------------

#[test]
fn d2_scaled_initial_asset_weight_replica_only() {
    // SOL (9 decimals) at $25, 9000 bps, start $500k. The scaling reads the
    // market's total deposits, not the account's: partliq's asset weights
    // are per asset and do not scale with a market total, so this is the
    // replica's alone. Deposits: scaled balance × 1e10 / 1e10 (interest 1).
    let weight = |sol: u128| {
        let deposits = get_token_amount(sol * SPOT_BALANCE_PRECISION, 9, SPOT_CUMULATIVE_INTEREST_PRECISION, false).unwrap();
        let m = DriftSpotMarket {
            decimals: 9,
            initial_asset_weight: 9_000,
            initial_liability_weight: 11_000,
            scale_initial_asset_weight_start: 500_000 * 1_000_000,
            deposit_token_amount: deposits,
            ..DriftSpotMarket::default()
        };
        m.get_scaled_initial_asset_weight(25_000_000).unwrap()
    };
    // 1 SOL = $25 < start; 20,000 SOL = $500k (not below: 9000 × 500k / 500k);
    // 40,000 = $1M → 9000 / 2; 60,000 = $1.5M → 9000 / 3.
    assert_eq!([weight(1), weight(20_000), weight(40_000), weight(60_000)], [9_000, 9_000, 4_500, 3_000]);
}

// ---------------------------------------------------------------------------
// D3 — calculate_user_equity_value_tests: perp IMF and uPnL weight
// ---------------------------------------------------------------------------

/// The test's BTC-PERP: 10 % / 5 %, imf 1,000 on margin and on the pnl,
/// uPnL weights 100 %.
fn d3_market() -> DriftPerpMarket {
    DriftPerpMarket {
        margin_ratio_initial: 1_000,
        margin_ratio_maintenance: 500,
        imf_factor: 1_000,
        unrealized_pnl_initial_asset_weight: 10_000,
        unrealized_pnl_maintenance_asset_weight: 10_000,
        unrealized_pnl_imf_factor: 1_000,
        ..DriftPerpMarket::default()
    }
}

/// Short 6.147540983 BTC, $25,000 entry.
const D3_POSITION: DriftPerpPosition =
    DriftPerpPosition { base_asset_amount: -(12_295_081_967 / 2), quote_asset_amount: 153_688_524_588, ..ZERO_POSITION };
const ZERO_POSITION: DriftPerpPosition = DriftPerpPosition {
    base_asset_amount: 0,
    quote_asset_amount: 0,
    last_cumulative_funding_rate: 0,
    open_bids: 0,
    open_asks: 0,
    open_orders: 0,
};

#[test]
fn d3_perp_imf_and_upnl_weight_replica() {
    use MarginRequirementType::Initial;
    let m = d3_market();
    let quote = StrictOraclePrice::current(1_000_000);
    assert_eq!(m.get_unrealized_asset_weight(22_699_050_905, Initial).unwrap(), 9_559);
    // Oracle $22,050: liability ⌊6,147,540,983 × 22,050e6 / 1e9⌋ = 135,553,278,675;
    // ratio max(1000, 800 + ⌊247,942 × 1000 / 1e7⌋ = 824) = 1000 →
    // requirement 13,555,327,867; pnl 153,688,524,588 − 135,553,278,675 =
    // 18,135,245,913, weight 9694 → 17,580,307,388, capped at $100.
    let v = calculate_perp_position_value_and_pnl(&D3_POSITION, &m, 22_050_000_000, &quote, Initial, 0).unwrap();
    assert_eq!((v.margin_requirement, v.weighted_unrealized_pnl), (13_555_327_867, 100_000_000));
    assert_eq!(m.get_unrealized_asset_weight(18_135_245_913, Initial).unwrap(), 9_694);
    // Oracle $21,050: pnl = quote + trunc(−129,405,737,692.15) = 24,282,786,896.
    let (_, pnl) = calculate_base_asset_value_and_pnl_with_oracle_price(&D3_POSITION, 21_050_000_000).unwrap();
    assert_eq!(pnl, 24_282_786_896);
    let weights: Vec<u32> =
        [1, 10, 100, 1_000, 10_000, 800_000].iter().map(|k| m.get_unrealized_asset_weight(pnl * k, Initial).unwrap()).collect();
    assert_eq!(weights, [9_516, 7_368, 4_299, 1_855, 663, 78]);
    assert_eq!(pnl * 800_000, 19_426_229_516_800_000);
    let v2 = calculate_perp_position_value_and_pnl(&D3_POSITION, &m, 21_050_000_000, &quote, Initial, 0).unwrap();
    assert_eq!(m.get_unrealized_asset_weight(v2.weighted_unrealized_pnl, Initial).unwrap(), 10_000);
    assert_eq!((v2.margin_requirement, v2.weighted_unrealized_pnl), (12_940_573_769, 100_000_000));
    assert_eq!(v.margin_requirement - v2.margin_requirement, 614_754_098);
}

#[test]
fn d3_perp_imf_and_upnl_weight_partliq_pinned() {
    // partliq: size −6,147,540,983 (10⁻⁹ BTC), e = −9, mark = Drift's oracle;
    // 10 % / 5 %; imf 1,000 ppm per √BTC (imf_unit 1e9). partliq's uPnL weight
    // is one number per market: set to the replica's weight of this
    // position's pnl, 9694 bps → 969,400 ppm (Drift's √pnl discount is per
    // position and has no partliq equivalent).
    let markets = [Market::single_tier(-9, 1, 1, Ppm(100_000), Ppm(50_000))];
    let risk = [PerpRisk { imf_factor: Ppm(1_000), imf_unit: 1_000_000_000, initial_upnl_weight: Ppm(969_400) }];
    let positions = [PerpPosition::cross(0, Size(-6_147_540_983), Quote(153_688_524_588))];
    let run = |price: i64, risk: &[PerpRisk]| {
        let prices = [Price(price)];
        let book = MarginBook { perp_risk: risk, ..MarginBook::perps(&markets, &prices) };
        pool(&[], &positions, &book, 0)
    };
    let h = run(22_050_000_000, &risk);
    // Value: 153,688,524,588 + ⌊−135,553,278,675.15⌋ = 18,135,245,912
    //   (Drift 18,135,245,913: it truncates the short's value toward zero).
    // Initial requirement: ⌈135,553,278,675.15 × 10 %⌉ = 13,555,327,868 (Drift
    //   13,555,327,867: ⌊⌊135,553,278,675.15⌋ × 1000 / 1e4⌋); the √size premium,
    //   ⌈|N| × (8 % + 0.1 % × √6.1475…)⌉ = 11,180,356,282, stays below it (Drift: 824 bps).
    // Initial collateral: ⌊18,135,245,912 × 96.94 %⌋ = 17,580,307,387. Drift counts
    //   min(17,580,307,388, $100) = 100,000,000: partliq has no $100 cap.
    assert_eq!(h.initial, figures(17_580_307_387, 13_555_327_868));
    assert_eq!(h.liquidation_end, figures(18_135_245_912, 13_555_327_868));
    // Maintenance: ⌈135,553,278,675.15 × 5 %⌉ = ⌈6,777,663,933.76⌉.
    assert_eq!(h.maintenance, figures(18_135_245_912, 6_777_663_934));
    // $21,050 with the replica's weight for that pnl, 9516 bps: value
    // 24,282,786,895 (Drift …896), requirement ⌈12,940,573,769.215⌉ =
    // 12,940,573,770 (Drift …769), collateral ⌊24,282,786,895 × 95.16 %⌋ =
    // 23,107,500,009 (Drift before the cap 23,107,500,010, after it $100).
    let risk_21 = [PerpRisk { initial_upnl_weight: Ppm(951_600), ..risk[0] }];
    let h2 = run(21_050_000_000, &risk_21);
    assert_eq!(h2.initial, figures(23_107_500_009, 12_940_573_770));
    assert_eq!(h2.liquidation_end.collateral, Quote(24_282_786_895));
    // The difference of the two requirements is Drift's to the unit:
    // 13,555,327,868 − 12,940,573,770 = 614,754,098.
    assert_eq!(h.initial.requirement.0 - h2.initial.requirement.0, 614_754_098);
    // Drift's own figures on the replica, for the pin.
    let d = d3_market();
    let quote = StrictOraclePrice::current(1_000_000);
    let dv =
        calculate_perp_position_value_and_pnl(&D3_POSITION, &d, 22_050_000_000, &quote, MarginRequirementType::Maintenance, 0).unwrap();
    assert_eq!((dv.margin_requirement, dv.weighted_unrealized_pnl), (6_777_663_933, 18_135_245_913));
}

// ---------------------------------------------------------------------------
// D4 — state/perp_market/tests.rs::get_margin_ratio
// ---------------------------------------------------------------------------

#[test]
fn d4_perp_margin_ratio_with_imf() {
    use MarginRequirementType::*;
    // get_margin_ratio::test: 1000 / 500 bps, Fill = 750.
    let plain = DriftPerpMarket { margin_ratio_initial: 1_000, margin_ratio_maintenance: 500, ..DriftPerpMarket::default() };
    let one = u128::from(1_000_000_000u32);
    assert_eq!([Initial, Fill, Maintenance].map(|k| plain.get_margin_ratio(one, k).unwrap()), [1_000, 750, 500]);
    // new_hlm_imf_size: imf 50, 1,000,000 BTC: 800 + ⌊1e8 × 50 / 1e7⌋ = 1300.
    let m = DriftPerpMarket { imf_factor: 50, ..plain };
    assert_eq!(m.get_margin_ratio(one * 1_000_000, Initial).unwrap(), 1_300);

    // partliq: the same market with imf 50 ppm per √BTC; 1e15 base at $100:
    // √1,000,000 = 1,000 exactly: 8 % + 0.005 % × 1,000 = 13 % of 1e14 =
    // 13,000,000,000,000 — Drift's ⌊1e14 × 1300 / 1e4⌋ to the unit.
    let markets = [sol_perp()];
    let prices = [Price(SOL_P)];
    let risk = [PerpRisk { imf_factor: Ppm(50), imf_unit: 1_000_000_000, initial_upnl_weight: Ppm::ONE }];
    let book = MarginBook { perp_risk: &risk, ..MarginBook::perps(&markets, &prices) };
    let h = pool(&[], &[PerpPosition::cross(0, Size(1_000_000_000_000_000), Quote(-100_000_000_000_000))], &book, 0);
    assert_eq!(h.initial.requirement, Quote(13_000_000_000_000));
    // Derived (Drift's test asserts the initial ratio only): Drift applies the
    // premium at maintenance too: max(500, 400 + 500) = 900 bps →
    // 9,000,000,000,000. partliq's premium is an initial-level extra: its
    // maintenance requirement stays 5 % = 5,000,000,000,000 (pinned: for
    // large positions partliq's trigger is below Drift's).
    assert_eq!(m.get_margin_ratio(one * 1_000_000, Maintenance).unwrap(), 900);
    assert_eq!(h.maintenance.requirement, Quote(5_000_000_000_000));

    // new_hlm_imf_size_loop (the non-HLM half): 500 / 303 bps, imf 50, sizes
    // 1,000 × i BTC for i in 1..1000: the ratio exceeds 500 bps 959 times.
    let loop_market =
        DriftPerpMarket { margin_ratio_initial: 500, margin_ratio_maintenance: 303, imf_factor: 50, ..DriftPerpMarket::default() };
    let drift_count = (1..1_000u128).filter(|i| loop_market.get_margin_ratio(one * i * 1_000, Initial).unwrap() != 500).count();
    assert_eq!(drift_count, 959_196 / 1_000);
    // partliq on the same grid (5 % / 3.03 %, imf 50 ppm): the premium wins
    // when 4 % + 0.005 % × √S > 5 %, i.e. S > 40,000: i ≥ 41, also 959.
    let markets = [Market::single_tier(-9, 1, 1, Ppm(50_000), Ppm(30_300))];
    let book = MarginBook { perp_risk: &risk, ..MarginBook::perps(&markets, &prices) };
    let initial = |whole: i64| {
        let size = whole * 1_000_000_000;
        let h = pool(&[], &[PerpPosition::cross(0, Size(size), Quote(0))], &book, 0);
        (markets[0].initial_requirement(Size(size), Price(SOL_P)).unwrap().0, h.initial.requirement.0)
    };
    let ours = (1..1_000i64).filter(|i| {
        let (tiered, with_premium) = initial(i * 1_000);
        with_premium > tiered
    });
    assert_eq!(ours.count(), 959);
    // Between the two thresholds the figures differ: Drift's premium
    // 400 + ⌊√(S × 1e10 + 1) × 50 / 1e7⌋ first exceeds 500 bps at S = 40,804,
    // partliq's as soon as √S > 200. At $100 (S, Drift, partliq):
    // 40,001: Drift 500 bps of 4,000,100e6 = 200,005,000,000; partliq
    //   ⌈4,000,100e6 × (4 % + 0.005 % × 200.002499985)⌉ = 200,005,500,010.
    // 40,803: Drift 204,015,000,000; partliq 204,422,525,010.
    // 40,804 (√ = 202 exactly): both 5.01 % = 204,428,040,000.
    let drift_req = |whole: u128| {
        let size = one * whole;
        let r = loop_market.get_margin_ratio(size, Initial).unwrap();
        calculate_base_asset_value_with_oracle_price(i128::try_from(size).unwrap(), SOL_P).unwrap() * u128::from(r) / 10_000
    };
    assert_eq!((drift_req(40_001), initial(40_001).1), (200_005_000_000, 200_005_500_010));
    assert_eq!((drift_req(40_803), initial(40_803).1), (204_015_000_000, 204_422_525_010));
    assert_eq!((drift_req(40_804), initial(40_804).1), (204_428_040_000, 204_428_040_000));
    assert_eq!(initial(40_000), (200_000_000_000, 200_000_000_000));
}

// ---------------------------------------------------------------------------
// D5 — spot open orders
// ---------------------------------------------------------------------------

#[test]
fn d5_spot_open_orders_replica() {
    let usdc_m = drift_usdc();
    let sol_m = drift_sol();
    let ctx = MarginContext::standard(MarginRequirementType::Initial);
    let usdc_entry = |amount: i128| SpotEntry {
        market: &usdc_m,
        is_quote_market: true,
        token_amount: amount,
        open_bids: 0,
        open_asks: 0,
        open_orders: 0,
        price: StrictOraclePrice::current(1_000_000),
    };
    let sol_entry = |amount: i128, bids: i64, asks: i64| SpotEntry {
        market: &sol_m,
        is_quote_market: false,
        token_amount: amount,
        open_bids: bids,
        open_asks: asks,
        open_orders: 1,
        price: StrictOraclePrice::current(SOL_P),
    };
    // (name, USDC, SOL, bids, asks, margin requirement, total collateral)
    let rows: [(&str, i128, i128, i64, i64, u128, i128); 3] = [
        ("usdc_deposit_and_5x_sol_bid", 10_000_000_000, 0, 500_000_000_000, 0, 50_000_010_000, 50_000_000_000),
        ("usdc_deposit_and_5x_sol_ask", 10_000_000_000, 0, 0, -500_000_000_000, 60_000_010_000, 60_000_000_000),
        ("sol_deposit_and_5x_sol_ask", 0, 500_000_000_000, 0, -3_000_000_000_000, 300_000_010_000, 300_000_000_000),
    ];
    for (name, usdc_amount, sol_amount, bids, asks, mr, tc) in rows {
        let m = cross_margin_calculation(&[usdc_entry(usdc_amount), sol_entry(sol_amount, bids, asks)], &[], &ctx).unwrap();
        assert_eq!((m.margin_requirement, m.total_collateral), (mr, tc), "{name}");
    }
    // state/user/tests.rs::get_worst_case_fill_simulation, SOL at $100 with
    // twap none / 110 / 90: (amount, orders value, token value, weighted, fcc).
    let sim = |amount: i128, bids: i64, asks: i64, twap: Option<i64>| {
        let s = sol_m
            .get_worst_case_fill_simulation(
                amount,
                bids,
                asks,
                &StrictOraclePrice { current: SOL_P, twap_5min: twap },
                MarginRequirementType::Initial,
            )
            .unwrap();
        (s.token_amount, s.orders_value, s.token_value, s.weighted_token_value, s.free_collateral_contribution)
    };
    let q = 1_000_000i128;
    // no_token_open_bid
    assert_eq!(sim(0, 1_000_000_000, 0, None), (1_000_000_000, -100 * q, 100 * q, 80 * q, -20 * q));
    assert_eq!(sim(0, 1_000_000_000, 0, Some(110_000_000)), (1_000_000_000, -110 * q, 110 * q, 88 * q, -22 * q));
    assert_eq!(sim(0, 1_000_000_000, 0, Some(90_000_000)), (1_000_000_000, -100 * q, 100 * q, 80 * q, -20 * q));
    // deposit_and_open_ask_flips_to_borrow: 1 SOL deposit, asks −2 SOL.
    assert_eq!(sim(1_000_000_000, 0, -2_000_000_000, None), (-1_000_000_000, 200 * q, -100 * q, -120 * q, 80 * q));
    assert_eq!(sim(1_000_000_000, 0, -2_000_000_000, Some(110_000_000)), (-1_000_000_000, 220 * q, -120 * q, -144 * q, 76 * q));
    assert_eq!(sim(1_000_000_000, 0, -2_000_000_000, Some(90_000_000)), (-1_000_000_000, 200 * q, -110 * q, -132 * q, 68 * q));
}

#[test]
fn d5_spot_open_orders_partliq_post_fill_pinned() {
    // partliq has no resting spot orders: the engine passes the balances
    // after the riskier side fills (the side Drift's simulation keeps), the
    // order's cash moved into USDC at the order's price. Drift then lists
    // the weighted SOL borrow or the cash paid (L) in its requirement and
    // charges $0.01 for the order; partliq nets L in the collateral and has
    // no order charge: partliq health = Drift TC − MR + 10,000.
    let assets = [usdc(), sol()];
    let markets: [Market; 0] = [];
    let book = MarginBook { assets: &assets, asset_prices: &[USDC_PRICE, Price(SOL_P)], ..MarginBook::perps(&markets, &[]) };
    // (name, USDC after, SOL after, Drift TC, Drift MR, L)
    let rows: [(&str, i64, i64, i64, i64, i64); 3] = [
        // bid 500 SOL: USDC 10,000e6 − 50,000e6; SOL +500: 50,000e6 × 0.8 = 40,000e6.
        // partliq: −40,000e6 + 40,000e6 = 0. Drift: L = 50,000e6 (cash paid).
        ("usdc_deposit_and_5x_sol_bid", -40_000_000_000, 500_000_000_000, 50_000_000_000, 50_000_010_000, 50_000_000_000),
        // ask 500 SOL: USDC 10,000e6 + 50,000e6; SOL −500: −50,000e6 × 1.2 = −60,000e6.
        ("usdc_deposit_and_5x_sol_ask", 60_000_000_000, -500_000_000_000, 60_000_000_000, 60_000_010_000, 60_000_000_000),
        // 500 SOL deposit, ask 3,000: USDC +300,000e6; SOL −2,500: −250,000e6 × 1.2.
        ("sol_deposit_and_5x_sol_ask", 300_000_000_000, -2_500_000_000_000, 300_000_000_000, 300_000_010_000, 300_000_000_000),
    ];
    for (name, usdc_after, sol_after, tc, mr, l) in rows {
        let h = pool(&[bal(0, usdc_after), bal(1, sol_after)], &[], &book, 0);
        assert_eq!(h.initial, figures(tc - l, mr - l - 10_000), "{name}");
        assert_eq!(h.initial, figures(0, 0), "{name}");
        assert_eq!(h.initial.health().unwrap(), i128::from(tc - mr) + 10_000, "{name}");
    }
    // The unit vectors' free-collateral contributions (non-strict):
    // no_token_open_bid: SOL +1, USDC −100: 80e6 − 100e6 = −20e6;
    // deposit_and_open_ask_flips_to_borrow: SOL −1, USDC +200: −120e6 + 200e6 = 80e6.
    let h = pool(&[bal(0, -100_000_000), bal(1, 1_000_000_000)], &[], &book, 0);
    assert_eq!(h.initial.collateral, Quote(-20_000_000));
    let h = pool(&[bal(0, 200_000_000), bal(1, -1_000_000_000)], &[], &book, 0);
    assert_eq!(h.initial.collateral, Quote(80_000_000));
}

// ---------------------------------------------------------------------------
// D6 — borrows with liability weights, perp margin, cross and isolated
// ---------------------------------------------------------------------------

#[test]
fn d6_custom_margin_ratio_and_borrow() {
    // user_custom_margin_ratio: USDC +100, SOL borrow 100, SOL-PERP long 100
    // (quote 0), SOL $100.
    let (usdc_m, sol_m, perp_m) = (drift_usdc(), drift_sol(), drift_sol_perp());
    let spots = [
        SpotEntry {
            market: &usdc_m,
            is_quote_market: true,
            token_amount: 100_000_000,
            open_bids: 0,
            open_asks: 0,
            open_orders: 0,
            price: StrictOraclePrice::current(1_000_000),
        },
        SpotEntry {
            market: &sol_m,
            is_quote_market: false,
            token_amount: -100_000_000_000,
            open_bids: 0,
            open_asks: 0,
            open_orders: 0,
            price: StrictOraclePrice::current(SOL_P),
        },
    ];
    let perps = [PerpEntry {
        market: &perp_m,
        position: DriftPerpPosition { base_asset_amount: 100_000_000_000, ..ZERO_POSITION },
        oracle_price: SOL_P,
        strict_quote_price: StrictOraclePrice::current(1_000_000),
        isolated_deposit_value: None,
    }];
    let at = |kind, custom| {
        let ctx = MarginContext { kind, margin_buffer: 0, user_max_margin_ratio: custom };
        cross_margin_calculation(&spots, &perps, &ctx).unwrap()
    };
    use MarginRequirementType::*;
    // 2e4: liability weight max(1.2, 1 + 2) = 3, perp ratio max(2, 0.1) = 2:
    // 100 × $100 × 3 + 100 × $100 × 2.
    assert_eq!(at(Initial, 20_000).margin_requirement, 50_000_000_000);
    // 1e4: 100 × $100 × 2 + 100 × $100 × 1.
    assert_eq!(at(Initial, 10_000).margin_requirement, 30_000_000_000);
    // 5e3: 100 × $100 × 1.5 + 100 × $100 × 0.5.
    assert_eq!(at(Initial, 5_000).margin_requirement, 20_000_000_000);
    // Maintenance ignores the custom ratio: 100 × $100 × 1.1 + 100 × $100 × 0.05.
    let maint = at(Maintenance, 100_000);
    assert_eq!(maint.margin_requirement, 11_500_000_000);
    // (Not asserted by Drift: the market's uPnL weights are 0, so the
    // 10,000e6 gain counts nothing and TC is the USDC alone.)
    assert_eq!(maint.total_collateral, 100_000_000);
    // SOL deposit 100 with 5e3: asset weight min(0.8, 1 − 0.5): 100 × $100 × 0.5.
    let deposit = [SpotEntry { token_amount: 100_000_000_000, ..spots[1] }];
    let ctx = MarginContext { kind: Initial, margin_buffer: 0, user_max_margin_ratio: 5_000 };
    assert_eq!(cross_margin_calculation(&deposit, &[], &ctx).unwrap().total_collateral, 5_000_000_000);

    // partliq. The custom ratio becomes this account's weights and fraction:
    // SOL initial liability max(1.2, 1 + r), perp initial fraction max(10 %, r);
    // the initial uPnL weight 0 as in Drift's market. L = the weighted SOL
    // borrow: partliq requirement = Drift MR − L, collateral = 100e6 − L.
    let markets_for = |fraction: u32| [Market::single_tier(-9, 1, 1, Ppm(fraction), Ppm(50_000))];
    let positions = [PerpPosition::cross(0, Size(100_000_000_000), Quote(0))];
    let balances = [bal(0, 100_000_000), bal(1, -100_000_000_000)];
    let risk = [PerpRisk { initial_upnl_weight: Ppm(0), ..PerpRisk::NONE }];
    let prices = [Price(SOL_P)];
    // (r bps, liability weight, perp fraction, Drift MR, L)
    for (r, liability, fraction, drift_mr, l) in [
        (10_000u32, 2_000_000u32, 1_000_000u32, 30_000_000_000i64, 20_000_000_000i64),
        (5_000, 1_500_000, 500_000, 20_000_000_000, 15_000_000_000),
    ] {
        let mut sol_r = sol();
        sol_r.initial_liability_weight = Ppm(liability);
        sol_r.validate().unwrap();
        let assets = [usdc(), sol_r];
        let markets = markets_for(fraction);
        markets[0].validate().unwrap();
        let book = MarginBook {
            perp_risk: &risk,
            assets: &assets,
            asset_prices: &[USDC_PRICE, Price(SOL_P)],
            ..MarginBook::perps(&markets, &prices)
        };
        let h = pool(&balances, &positions, &book, 0);
        assert_eq!(h.initial, figures(100_000_000 - l, drift_mr - l), "r = {r}");
    }
    // r = 2e4 needs a perp fraction of 200 %: partliq's fractions are at most
    // 100 % (skipped for that reason).
    assert_eq!(markets_for(2_000_000)[0].validate(), Err(Error::FractionAbove100Percent));
    // Maintenance, plain weights: requirement 500e6 = 11,500e6 − L (L =
    // 100 × $100 × 1.1 = 11,000e6). Collateral: partliq counts the gain whole
    // at maintenance (no maintenance uPnL weight): 100e6 − 11,000e6 +
    // 10,000e6 = −900e6, where Drift's market (weight 0) counts
    // 100e6 − 11,000e6 = −10,900e6.
    let assets = [usdc(), sol()];
    let markets = [sol_perp()];
    let book =
        MarginBook { perp_risk: &risk, assets: &assets, asset_prices: &[USDC_PRICE, Price(SOL_P)], ..MarginBook::perps(&markets, &prices) };
    let h = pool(&balances, &positions, &book, 0);
    assert_eq!(h.maintenance, figures(-900_000_000, 500_000_000));
    assert_eq!(h.maintenance.requirement.0 + 11_000_000_000, 11_500_000_000);
    assert_eq!(maint.total_collateral - 11_000_000_000, -10_900_000_000);
    // Initial with r = 5e3 applied to the asset weight: 100 SOL × $100 × 0.5.
    let mut sol_half = sol();
    sol_half.initial_asset_weight = Ppm(500_000);
    let assets = [usdc(), sol_half];
    let book = MarginBook { assets: &assets, asset_prices: &[USDC_PRICE, Price(SOL_P)], ..MarginBook::perps(&markets, &prices) };
    assert_eq!(pool(&[bal(1, 100_000_000_000)], &[], &book, 0).initial.collateral, Quote(5_000_000_000));
}

#[test]
fn d6_isolated_position() {
    // isolated_position::isolated_position_margin_requirement: cross USDC
    // +20,000, SOL borrow 100; isolated SOL-PERP long 100, quote −11,000,
    // isolated deposit 100 USDC.
    let (usdc_m, sol_m, perp_m) = (drift_usdc(), drift_sol(), drift_sol_perp());
    let spots = [
        SpotEntry {
            market: &usdc_m,
            is_quote_market: true,
            token_amount: 20_000_000_000,
            open_bids: 0,
            open_asks: 0,
            open_orders: 0,
            price: StrictOraclePrice::current(1_000_000),
        },
        SpotEntry {
            market: &sol_m,
            is_quote_market: false,
            token_amount: -100_000_000_000,
            open_bids: 0,
            open_asks: 0,
            open_orders: 0,
            price: StrictOraclePrice::current(SOL_P),
        },
    ];
    let deposit = get_token_amount(100 * SPOT_BALANCE_PRECISION, 6, SPOT_CUMULATIVE_INTEREST_PRECISION, false).unwrap();
    let perp = PerpEntry {
        market: &perp_m,
        position: DriftPerpPosition { base_asset_amount: 100_000_000_000, quote_asset_amount: -11_000_000_000, ..ZERO_POSITION },
        oracle_price: SOL_P,
        strict_quote_price: StrictOraclePrice::current(1_000_000),
        isolated_deposit_value: Some(get_token_value(i128::try_from(deposit).unwrap(), 6, 1_000_000).unwrap()),
    };
    let ctx = MarginContext::standard(MarginRequirementType::Initial);
    let cross = cross_margin_calculation(&spots, &[perp], &ctx).unwrap();
    let iso = isolated_margin_calculation(&perp, &ctx).unwrap();
    assert_eq!((cross.margin_requirement, cross.total_collateral), (12_000_000_000, 20_000_000_000));
    assert_eq!((iso.margin_requirement, iso.total_collateral), (1_000_000_000, -900_000_000));
    assert!(cross.meets_margin_requirement() && !iso.meets_margin_requirement());
    // .margin_buffer(1000): + 10 % of the liability values (replica only:
    // partliq's unified health has no buffer).
    let ctx = MarginContext { margin_buffer: 1_000, ..ctx };
    let cross = cross_margin_calculation(&spots, &[perp], &ctx).unwrap();
    let iso = isolated_margin_calculation(&perp, &ctx).unwrap();
    assert_eq!((cross.margin_requirement_plus_buffer, cross.total_collateral_plus_buffer().unwrap()), (13_000_000_000, 20_000_000_000));
    assert_eq!((iso.margin_requirement_plus_buffer, iso.total_collateral_plus_buffer().unwrap()), (2_000_000_000, -1_000_000_000));

    // partliq: the isolated position's quote balance holds its margin:
    // −11,000e6 + 100e6 = −10,900e6. Pool 0 (cross): 20,000e6 − 100 × $100 ×
    // 1.2 = 8,000e6 against 0 (Drift: 20,000e6 against 12,000e6, L = 12,000e6).
    // Pool 1 (isolated): 10,000e6 − 10,900e6 = −900e6 against 10 % of
    // 10,000e6 — Drift's isolated figures exactly.
    let assets = [usdc(), sol()];
    let markets = [sol_perp()];
    let prices = [Price(SOL_P)];
    let book = MarginBook { assets: &assets, asset_prices: &[USDC_PRICE, Price(SOL_P)], ..MarginBook::perps(&markets, &prices) };
    let balances = [bal(0, 20_000_000_000), bal(1, -100_000_000_000)];
    let positions = [PerpPosition::isolated(0, Size(100_000_000_000), Quote(-10_900_000_000))];
    let c = pool(&balances, &positions, &book, 0);
    let i = pool(&balances, &positions, &book, 1);
    assert_eq!(c.initial, figures(20_000_000_000 - 12_000_000_000, 12_000_000_000 - 12_000_000_000));
    assert_eq!(i.initial, figures(-900_000_000, 1_000_000_000));
    assert!(c.initial.health().unwrap() >= 0 && i.initial.health().unwrap() < 0);
    // At maintenance the isolated pool is below zero equity: bankrupt on its own.
    assert_eq!((i.maintenance, i.state), (figures(-900_000_000, 500_000_000), HealthState::Bankrupt));
}

#[test]
fn d6_dust_and_quote_borrows() {
    // user_dust_borrow: scaled balance 1 → ⌈1 × 1e10 / 1e10⌉ = 1 lamport;
    // custom ratio 2e4 → liability weight 3. Drift: value ⌊−1 × 100e6 / 1e9⌋
    // = −1, × 3 = −3: margin requirement 3.
    let sol_m = drift_sol();
    let amount = get_token_amount(1, 9, SPOT_CUMULATIVE_INTEREST_PRECISION, true).unwrap();
    assert_eq!(amount, 1);
    let spot = SpotEntry {
        market: &sol_m,
        is_quote_market: false,
        token_amount: -1,
        open_bids: 0,
        open_asks: 0,
        open_orders: 0,
        price: StrictOraclePrice::current(SOL_P),
    };
    let ctx = MarginContext { kind: MarginRequirementType::Initial, margin_buffer: 0, user_max_margin_ratio: 20_000 };
    let m = cross_margin_calculation(&[spot], &[], &ctx).unwrap();
    assert_eq!((m.total_collateral, m.margin_requirement), (0, 3));
    // partliq, liability weight 3 (the custom ratio as the account's
    // weight): the exact −0.1 × 3 = −0.3, rounded once against the account:
    // −1. Drift's −3 comes from flooring the value before weighting.
    let mut sol3 = sol();
    sol3.initial_liability_weight = Ppm(3_000_000);
    sol3.validate().unwrap();
    assert_eq!(sol3.weighted_value(-1, Price(SOL_P), WeightLevel::Initial).unwrap(), -1);

    // usdc_more_than_1_with_borrow (strict): USDC borrow of 1 at oracle
    // $1.01 and twap $1.00 / $1.02 / $0.99: requirement = 1 × max(oracle, twap).
    let usdc_m = drift_usdc();
    let assets = [usdc()];
    let markets: [Market; 0] = [];
    for (twap, drift_mr) in [(1_000_000i64, 1_010_000u128), (1_020_000, 1_020_000), (990_000, 1_010_000)] {
        let price = StrictOraclePrice { current: 1_010_000, twap_5min: Some(twap) };
        let usdc_borrow = SpotEntry {
            market: &usdc_m,
            is_quote_market: true,
            token_amount: -1_000_000,
            open_bids: 0,
            open_asks: 0,
            open_orders: 0,
            price,
        };
        let m = cross_margin_calculation(&[usdc_borrow], &[], &MarginContext::standard(MarginRequirementType::Initial)).unwrap();
        assert_eq!((m.total_collateral, m.margin_requirement), (0, drift_mr));
        // partliq: the engine passes Drift's strict liability price, max(oracle, twap).
        let asset_prices = [Price(price.max())];
        let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &[]) };
        let h = pool(&[bal(0, -1_000_000)], &[], &book, 0);
        assert_eq!(h.initial, figures(-i64::try_from(drift_mr).unwrap(), 0));
    }
}

// ---------------------------------------------------------------------------
// D7 — perp worst case over open orders
// ---------------------------------------------------------------------------

#[test]
fn d7_perp_worst_case_over_open_orders() {
    // state/user/tests.rs::worst_case_liability_value::perp, $100:
    // (base, bids, asks, worst base, liability).
    let b = 1_000_000_000i64;
    let rows: [(i64, i64, i64, i128, u128); 4] = [
        (0, b, -b, -1_000_000_000, 100_000_000), // a tie goes to the asks
        (0, 2 * b, -b, 2_000_000_000, 200_000_000),
        (98 * b, 0, -99 * b, 98_000_000_000, 9_800_000_000),
        (-98 * b, 99 * b, 0, -98_000_000_000, 9_800_000_000),
    ];
    // partliq at 100 % initial (the requirement is the liability value) and
    // at Drift's 10 %: its asks are a positive size (Drift's are ≤ 0).
    let prices = [Price(SOL_P)];
    for (base, bids, asks, worst, lv) in rows {
        let pos = DriftPerpPosition { base_asset_amount: base, open_bids: bids, open_asks: asks, ..ZERO_POSITION };
        assert_eq!(pos.worst_case_liability_value(SOL_P).unwrap(), (worst, lv));
        let p = PerpPosition { open_bids: Size(bids), open_asks: Size(-asks), ..PerpPosition::cross(0, Size(base), Quote(0)) };
        for (fraction, want) in [(1_000_000u32, lv), (100_000, lv / 10)] {
            let markets = [Market::single_tier(-9, 1, 1, Ppm(fraction), Ppm(fraction / 2))];
            let h = pool(&[], &[p], &MarginBook::perps(&markets, &prices), 0);
            assert_eq!(u128::try_from(h.initial.requirement.0).unwrap(), want, "base {base}, bids {bids}, asks {asks}");
        }
        // Drift's requirement on the 10 % market: ⌊lv × 1000 / 1e4⌋, the same.
        let v = calculate_perp_position_value_and_pnl(
            &pos,
            &drift_sol_perp(),
            SOL_P,
            &StrictOraclePrice::current(1_000_000),
            MarginRequirementType::Initial,
            0,
        )
        .unwrap();
        assert_eq!(v.margin_requirement, lv / 10);
    }
    // margin tests::no_perp_position_but_trigger_order: USDC +100, no base,
    // one (trigger) order: Drift's requirement is the $0.01 order charge.
    let (usdc_m, perp_m) = (drift_usdc(), drift_sol_perp());
    let spots = [SpotEntry {
        market: &usdc_m,
        is_quote_market: true,
        token_amount: 100_000_000,
        open_bids: 0,
        open_asks: 0,
        open_orders: 0,
        price: StrictOraclePrice::current(1_000_000),
    }];
    let perps = [PerpEntry {
        market: &perp_m,
        position: DriftPerpPosition { open_orders: 1, ..ZERO_POSITION },
        oracle_price: SOL_P,
        strict_quote_price: StrictOraclePrice::current(1_000_000),
        isolated_deposit_value: None,
    }];
    let m = cross_margin_calculation(&spots, &perps, &MarginContext::standard(MarginRequirementType::Initial)).unwrap();
    assert_eq!((m.total_collateral, m.margin_requirement), (100_000_000, 10_000));
    // partliq: no resting size (a trigger order is not one) and no order
    // charge: requirement 0.
    let assets = [usdc()];
    let markets = [sol_perp()];
    let book = MarginBook { assets: &assets, asset_prices: &[USDC_PRICE], ..MarginBook::perps(&markets, &prices) };
    let h = pool(&[bal(0, 100_000_000)], &[PerpPosition::cross(0, Size(0), Quote(0))], &book, 0);
    assert_eq!(h.initial, figures(100_000_000, 0));
}

// ---------------------------------------------------------------------------
// D8 — funding (controller/pnl/delisting.rs)
// ---------------------------------------------------------------------------

/// Equity of one perp position worth 0 at its mark plus its funding, with
/// the market's funding index `index`.
fn funding_equity(market: Market, size: i64, price: i64, last_index: i64, index: i64) -> i64 {
    let markets = [market];
    let prices = [Price(price)];
    let funding = [index];
    let book = MarginBook { funding_indexes: &funding, ..MarginBook::perps(&markets, &prices) };
    let value = markets[0].notional(Size(size), Price(price), partliq::Rounding::Floor).unwrap();
    let p = PerpPosition { last_funding_index: last_index, ..PerpPosition::cross(0, Size(size), Quote(-value.0)) };
    pool(&[], &[p], &book, 0).equity.0
}

#[test]
fn d8_funding_payment() {
    // delist_market_with_1000_balance_shorts_owe_longs_short_close_first:
    // long 200 (base 200e9), rate 0 → 17,249,955,000:
    // −⌊17,249,955,000 × 200e9 / 1e9⌋ / 1e3 = −3,449,991,000.
    let long = DriftPerpPosition { base_asset_amount: 200_000_000_000, ..ZERO_POSITION };
    assert_eq!(calculate_funding_payment(17_249_955_000, &long).unwrap(), -3_449_991_000);

    // partliq's index is in 10⁻⁶ quote units per unit of size. Drift's rate is
    // 10⁻⁹ USD per whole base = 10⁻³ micro-USD per 10⁹ base units; with the
    // partliq size in 10⁻³ base (10⁶ Drift units; e = −3 for a micro-USD
    // price per whole base), one index unit is 10⁻⁶ micro-USD per 10⁻³ base
    // = 10⁻⁹ USD per base: Drift's number unchanged.
    // 17,249,955,000 × 200,000 / 1e6 = 3,449,991,000 owed, exactly.
    let milli = Market::single_tier(-3, 1, 1, Ppm(100_000), Ppm(50_000));
    assert_eq!(funding_equity(milli, 200_000, SOL_P, 0, 17_249_955_000), -3_449_991_000);
    // Shorts receive (derived: Drift's formula with base −200e9).
    let short = DriftPerpPosition { base_asset_amount: -200_000_000_000, ..ZERO_POSITION };
    assert_eq!(calculate_funding_payment(17_249_955_000, &short).unwrap(), 3_449_991_000);
    assert_eq!(funding_equity(milli, -200_000, SOL_P, 0, 17_249_955_000), 3_449_991_000);
    // With partliq's size in Drift's own 10⁻⁹ base, one index unit is 10⁻³
    // USD per base: Drift's rate is 17,249.955 units, not an integer. The
    // two nearest indexes bracket Drift's payment (pinned: partliq cannot
    // hold Drift's rate at that size unit).
    assert_eq!(funding_equity(sol_perp(), 200_000_000_000, SOL_P, 0, 17_249), -3_449_800_000);
    assert_eq!(funding_equity(sol_perp(), 200_000_000_000, SOL_P, 0, 17_250), -3_450_000_000);
    // Rounding (derived): long 0.001 (1e6 base), Δ 999: Drift ⌊999 × 1e6 / 1e9⌋
    // = 0 → pays nothing; partliq owes ⌈999 × 1 / 1e6⌉ = 1 (against the account).
    let tiny = DriftPerpPosition { base_asset_amount: 1_000_000, ..ZERO_POSITION };
    assert_eq!(calculate_funding_payment(999, &tiny).unwrap(), 0);
    assert_eq!(funding_equity(milli, 1, SOL_P, 0, 999), -1);
}

// ---------------------------------------------------------------------------
// dYdX v4 funding settlement (partliq's funding formula)
// ---------------------------------------------------------------------------

/// partliq's funding on positions `(quantums, position index, perp index)`,
/// one market each, every position worth 0 at its mark: dYdX's units are
/// partliq's (size = base quantums, index = ppm of a quote quantum per base
/// quantum, quote unit = quote quantum).
fn dydx_settlement(rows: &[(i64, i64, i64)]) -> i64 {
    let markets: Vec<Market> = rows.iter().map(|_| Market::single_tier(0, 1, 1, Ppm(0), Ppm(0))).collect();
    let prices: Vec<Price> = rows.iter().map(|_| Price(1)).collect();
    let funding: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let positions: Vec<PerpPosition> = rows
        .iter()
        .enumerate()
        .map(|(i, &(q, last, _))| PerpPosition {
            last_funding_index: last,
            ..PerpPosition::cross(u32::try_from(i).unwrap(), Size(q), Quote(-q))
        })
        .collect();
    let book = MarginBook { funding_indexes: &funding, ..MarginBook::perps(&markets, &prices) };
    pool(&[], &positions, &book, 0).equity.0
}

#[test]
fn dydx_funding_settlement_table() {
    // TestGetSettlementPpmWithPerpetual: (name, perp index, position index,
    // quantums, expected settlement ppm). partliq's funding is
    // ⌊settlement ppm / 1e6⌋ (every row is a whole number of quantums).
    let rows: [(&str, i64, i64, i64, i128); 13] = [
        ("zero indexDelta", 4_000_000_000, 4_000_000_000, 1_000_000, 0),
        ("positive indexDelta, positive quantums", 123_456_789_123, 100_000_000_000, 1_000_000, -23_456_789_123_000_000),
        ("positive indexDelta, negative quantums", 123_456_789_123, 100_000_000_000, -1_000_000, 23_456_789_123_000_000),
        ("negative indexDelta, positive quantums", -123_456_789_123, -100_000_000_000, 1_000_000, 23_456_789_123_000_000),
        ("negative indexDelta, negative quantums", -123_456_789_123, -100_000_000_000, -1_000_000, -23_456_789_123_000_000),
        ("is long, index went from negative to positive", 100, -100, 30_000, -6_000_000),
        ("is long, index unchanged", 100, 100, 1_000_000, 0),
        ("is long, index went from positive to zero", 0, 100, 10_000_000, 1_000_000_000),
        ("is long, index went from positive to negative", -200, 100, 10_000_000, 3_000_000_000),
        ("is short, index went from negative to positive", 100, -100, -30_000, 6_000_000),
        ("is short, index unchanged", 100, 100, -1_000, 0),
        ("is short, index went from positive to zero", 0, 100, -5_000_000, -500_000_000),
        ("is short, index went from positive to negative", -50, 100, -5_000_000, -750_000_000),
    ];
    for (name, perp_index, position_index, quantums, ppm) in rows {
        assert_eq!(-(i128::from(perp_index - position_index) * i128::from(quantums)), ppm, "{name}: the formula");
        assert_eq!(i128::from(dydx_settlement(&[(quantums, position_index, perp_index)])), ppm.div_euclid(1_000_000), "{name}");
    }
}

#[test]
fn dydx_funding_keeper_settlements() {
    // subaccount_test.go, "persist unsettled negative funding": 1 BTC
    // (1e8 quantums), index −30 → −10: settlement −20 × 1e8 = −2e9 ppm →
    // −2,000; with the −100 USDC update: −2,100.
    let f = dydx_settlement(&[(100_000_000, -30, -10)]);
    assert_eq!((f, -100 + f), (-2_000, -2_100));
    // "persist unsettled positive funding": 500,000 quantums, 0 → −17:
    // 17 × 500,000 = 8,500,000 ppm → ⌊8.5⌋ = 8; −100 + 8 = −92.
    let f = dydx_settlement(&[(500_000, 0, -17)]);
    assert_eq!((f, -100 + f), (8, -92));
    // "both BTC and ETH positions have unsettled funding": −1 BTC (−5 → −10)
    // and −2 ETH (−2e9 quantums, −6 → −8): −500 − 4,000 from 100,000e6 USDC.
    let f = dydx_settlement(&[(-100_000_000, -5, -10), (-2_000_000_000, -6, -8)]);
    assert_eq!(100_000_000_000 + f, 99_999_995_500);
    // Derived (dYdX sums before its one floor): two positions each −500,000
    // ppm: ⌊−1,000,000 / 1e6⌋ = −1, where a floor per position would give −2.
    assert_eq!(dydx_settlement(&[(500_000, 0, 1), (500_000, 0, 1)]), -1);
    assert_eq!(dydx_settlement(&[(500_000, 0, 1)]), -1);
}
