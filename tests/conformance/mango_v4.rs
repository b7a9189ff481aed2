//! Mango v4's own health tests against partliq's unified health, to the
//! unit.
//!
//! Sources: `blockworks-foundation/mango-v4` at commit
//! `1303a4a16228eb1e8e8d4f0eef724eaf63310c86`: `programs/mango-v4/src/health/cache.rs`
//! (`test_health1`, `PerpInfo::unweighted_health_unsettled_pnl`,
//! `TokenInfo::health_contribution`), `health/client.rs`
//! (`test_health_perp_funding`, `test_health_stable_price_token`) and the
//! fixtures of `health/test.rs` (`mock_bank_and_oracle`, `mock_perp_market`).
//!
//! # Mango's health, in its own order
//!
//! Every token balance counts `balance × weight × price` (asset weight and
//! the lower "asset" price for a deposit, liability weight and the higher
//! "liability" price for a borrow). A perp position counts **through its
//! settle token**: its unweighted health pnl
//! `uhupnl = quote − unsettled funding + min(all bids fill, all asks fill)`,
//! each case `net base × base weight × price` with the fill's cash at the
//! same price, is weighted by the market's overall asset weight when
//! positive (`hupnl`), **added to the settle token's balance**, and the sum
//! is weighted by the settle token's weight — two layers of weighting.
//!
//! # Scaling: Mango's I80F48 → partliq's integers
//!
//! | Mango | partliq |
//! | --- | --- |
//! | token native units (the tests' tokens have 0 decimals) | quote unit q = 10⁻⁶ native of token 0 (the settle and health-reference token) |
//! | token balance `b` native | [`Asset`] with `quote_exponent = −6`, balance `b × 10⁶` |
//! | token price `X` (native per native) | asset price mantissa `X × 10⁶` |
//! | asset / liability weight `1 ∓ w` (I80F48 from f64) | ppm `(1 ∓ w) × 10⁶` (0.8 → 800,000) |
//! | perp base lots × `base_lot_size` (10) | size in native base, `quote_exponent = 0`, mark `X × 10⁶` q per native base |
//! | perp base weights `1 ∓ w` (init 0.2, maint 0.1) | initial / maintenance fraction `w` (200,000 / 100,000 ppm) |
//! | perp quote `Q` native | quote balance `Q × 10⁶` |
//! | overall asset weight `1 − w` (init 0.95) | [`PerpRisk::initial_upnl_weight`] 950,000 |
//! | `long_funding` `F` native per base lot | funding index `F / base_lot_size × 10¹²` (10⁻⁶ q per native base) |
//! | Init level: stable-adjusted prices | a book priced at `min(oracle, stable)` for assets, `max` for liabilities |
//!
//! With base weights `1 ∓ w`, Mango's perp case is exactly partliq's perp
//! value minus its requirement: `Q + b × (1 − w) × X = (Q + b X) − w |b X|`
//! for a long (the liability weight gives the same for a short), and the
//! worse of all bids or all asks filling at the mark is partliq's initial
//! requirement at the worse resting size. So **uhupnl is partliq's health
//! of a pool holding the perp alone** (initial level for Mango's Init,
//! maintenance for Maint), funding included.
//!
//! # What partliq does not have, and what the tests do about it
//!
//! * **The settle-token weighting of perp pnl**: partliq counts a perp's
//!   value as quote at par (a gain times the initial uPnL weight, a loss
//!   whole) and its requirement whole. The tests therefore check two
//!   figures: Mango's, **reproduced to the unit by composing partliq's
//!   pieces in Mango's order** (uhupnl from partliq's perp pool, the overall
//!   weight with [`partliq::Ppm::of`], the settle token's weight with
//!   [`Asset::weighted_value`]); and **partliq's own unified figure** for the
//!   same account, pinned, with the difference explained. With a settle
//!   token at par (weights 100 %) and one perp, partliq's figure is never
//!   above Mango's: it is lower by `(1 − overall weight) × min(value,
//!   requirement)` when the perp's value is positive (partliq weights the
//!   value, Mango the value less the requirement, and only when that is
//!   positive) and equal otherwise (*derived*,
//!   `settle_token_at_par_partliq_is_not_above_mango`).
//!   With Mango's test settle token (0.8 / 1.2) partliq is above Mango where
//!   a perp gain or loss would be haircut by that token's weight (cases 2,
//!   3, 4, 5) and below where Mango nets the perp against a token balance
//!   before weighting (cases 12, 13, funding).
//! * **Bank-wide deposit and borrow scaling** (`test_health1` cases 10 and
//!   11): partliq's weights are per asset and do not scale with a bank's
//!   total deposits or borrows: skipped.
//! * **Serum reserved funds** (cases 0 and 1, and 6–9, 14–17 which are
//!   Serum only): partliq has no resting spot orders; as for Drift's spot
//!   orders, the engine passes the balances after the conversion Mango
//!   chooses (cases 0 and 1 reproduced that way; 6–9 and 14–17 skipped: the
//!   choice *is* the test).
//! * **Asymmetric base weights** (`1 − w_a`, `1 + w_l` with `w_a ≠ w_l`):
//!   partliq has one fraction per level; the tests' weights are symmetric.
//! * **One price per asset per evaluation**: Mango's Init level uses stable
//!   prices and its Maint level oracle prices; partliq evaluates each with
//!   its own book.
//! * **Binary fixed point**: Mango computes in I80F48 (weights are the
//!   nearest 2⁻⁴⁸ multiples of f64 values such as 0.95) and its tests accept
//!   0.001 native of error (`health_eq`); partliq's figures are the exact
//!   decimals (every expectation below is a whole number of q), and each
//!   test also checks them against Mango's f64 formula within that
//!   tolerance.

use partliq::{
    unified_pool_health, Asset, AssetBalance, HealthLevel, MarginBook, MarginLadder, Market, PerpPosition, PerpRisk, Ppm, Price, Quote,
    Rounding, Size, UnifiedAccount, WeightLevel,
};

/// Mango's `health_eq` tolerance: 0.001 native = 1,000 q.
const TOLERANCE: f64 = 0.001;

/// One native unit of token 0 in q.
const NATIVE: i64 = 1_000_000;

/// A token of `mock_bank_and_oracle(.., init_w, maint_w)`: asset weights
/// `1 − w`, liability weights `1 + w` (ppm); balances in 10⁻⁶ native.
fn token(init_w: u32, maint_w: u32) -> Asset {
    let one = 1_000_000;
    Asset::weighted(-6, (Ppm(one - init_w), Ppm(one - maint_w)), (Ppm(one + init_w), Ppm(one + maint_w)))
}

/// token1 (index 0, price 1.0, weights 0.2 / 0.1): the settle token.
fn token1() -> Asset {
    token(200_000, 100_000)
}

/// token2 (index 4 in Mango, price 5.0, weights 0.5 / 0.3).
fn token2() -> Asset {
    token(500_000, 300_000)
}

/// perp1 (`mock_perp_market`, base weights 0.2 / 0.1): sizes in native base
/// (lots × 10), marks in q per native base.
fn perp1() -> Market {
    Market::single_tier(0, 1, 1, Ppm(200_000), Ppm(100_000))
}

/// `base_lot_size`.
const LOT: i64 = 10;

/// A `record_trade` and its resting orders: (base lots, quote native, bid
/// lots, ask lots).
type Perp = (i64, i64, i64, i64);

/// `init_overall_asset_weight = 1 − 0.05`.
const INIT_OVERALL: Ppm = Ppm(950_000);

/// A perp position from `record_trade(base_lots, quote_native)` and the
/// resting `bids_base_lots` / `asks_base_lots`.
fn perp(base_lots: i64, quote_native: i64, bids_lots: i64, asks_lots: i64) -> PerpPosition {
    PerpPosition {
        open_bids: Size(bids_lots * LOT),
        open_asks: Size(asks_lots * LOT),
        ..PerpPosition::cross(0, Size(base_lots * LOT), Quote(quote_native * NATIVE))
    }
}

/// Mango's `uhupnl`: partliq's health of a pool holding the perp alone, at
/// the initial level (Mango's Init) or the maintenance level (Maint), gains
/// counted whole.
fn uhupnl(position: PerpPosition, mark: i64, funding: &[i64], level: HealthLevel) -> i128 {
    let markets = [perp1()];
    let prices = [Price(mark)];
    let book = MarginBook { funding_indexes: funding, ..MarginBook::perps(&markets, &prices) };
    let positions = [position];
    let account = UnifiedAccount { balances: &[], positions: &positions };
    let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
    h.level(level).health().unwrap()
}

/// Mango's health from partliq's pieces: `hupnl` (the overall weight on a
/// positive uhupnl) added to the settle token's balance (q = 10⁻⁶ native at
/// price 1), that sum weighted as a token1 balance at `settle_price`, plus
/// the other tokens' contribution.
fn mango_compose(uhupnl: i128, overall: Ppm, settle_balance: i64, settle_price: i64, level: WeightLevel, others: i128) -> i128 {
    let hupnl = if uhupnl > 0 { overall.of(uhupnl, Rounding::Floor).unwrap() } else { uhupnl };
    let settle = token1().weighted_value(i128::from(settle_balance) + hupnl, Price(settle_price), level).unwrap();
    settle + others
}

/// partliq's own initial health of an account holding token1 (and token2)
/// balances and perp1 (cross), with the overall weight as the initial uPnL
/// weight.
fn partliq_initial(token1_native: i64, token2_native: i64, position: PerpPosition) -> i128 {
    let markets = [perp1()];
    let prices = [Price(5 * NATIVE)];
    let risk = [PerpRisk { initial_upnl_weight: INIT_OVERALL, ..PerpRisk::NONE }];
    let assets = [token1(), token2()];
    let asset_prices = [Price(NATIVE), Price(5 * NATIVE)];
    let book = MarginBook { perp_risk: &risk, assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &prices) };
    let balances =
        [AssetBalance { asset_index: 0, amount: token1_native * NATIVE }, AssetBalance { asset_index: 1, amount: token2_native * NATIVE }];
    let positions = [position];
    let account = UnifiedAccount { balances: &balances, positions: &positions };
    unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap().initial.health().unwrap()
}

/// What token2 balances contribute at the initial level (partliq).
fn token2_initial(native: i64) -> i128 {
    token2().weighted_value(i128::from(native * NATIVE), Price(5 * NATIVE), WeightLevel::Initial).unwrap()
}

fn within_tolerance(q: i128, mango: f64) -> bool {
    (q as f64 / 1e6 - mango).abs() < TOLERANCE
}

#[test]
fn test_health1_perp_cases() {
    let blq = 10.0 * 5.0; // base_lots_to_quote
                          // (case, token1 native, perp (base lots, quote, bids, asks), Mango's
                          // formula, Mango's figure in q, partliq's unified figure in q).
    let rows: [(&str, i64, Perp, f64, i128, i128); 6] = [
        // uhupnl = 100 − 1.2 × 50 = value 50 − 20 % × 50 = 40; × 0.95 = 38;
        // token1 0 + 38 → × 0.8 = 30.4. partliq: 0.95 × 50 − 10 = 37.5.
        ("2: weighted positive perp pnl", 0, (-1, 100, 0, 0), 0.8 * 0.95 * (100.0 - 1.2 * 1.0 * blq), 30_400_000, 37_500_000),
        // uhupnl = −100 + 0.8 × 50 = −50 − 10 = −60 (not weighted); × 1.2 = −72.
        // partliq: −60 (the loss at par).
        ("3: negative perp pnl", 0, (1, -100, 0, 0), 1.2 * (-100.0 + 0.8 * 1.0 * blq), -72_000_000, -60_000_000),
        // value 600, requirement 100: 500 × 0.95 × 0.8 = 380. partliq: 570 − 100.
        ("4: perp health", 0, (10, 100, 0, 0), 0.8 * 0.95 * (100.0 + 0.8 * 10.0 * blq), 380_000_000, 470_000_000),
        // value 1,400, requirement 300: 1,100 × 0.95 × 0.8 = 836. partliq: 1,330 − 300.
        ("5: perp health", 0, (30, -100, 0, 0), 0.8 * 0.95 * (-100.0 + 0.8 * 30.0 * blq), 836_000_000, 1_030_000_000),
        // value 150, requirement 10: 140 × 0.95 = 133; −100 + 133 = 33 × 0.8 = 26.4.
        // partliq: −100 × 1.2 + 0.95 × 150 − 10 = 12.5.
        (
            "12: positive perp health offsets token borrow",
            -100,
            (1, 100, 0, 0),
            0.8 * (-100.0 + 0.95 * (100.0 + 0.8 * 1.0 * blq)),
            26_400_000,
            12_500_000,
        ),
        // value −150, requirement 10: −160; 100 − 160 = −60 × 1.2 = −72.
        // partliq: 100 × 0.8 − 150 − 10 = −80.
        (
            "13: negative perp health offsets token deposit",
            100,
            (-1, -100, 0, 0),
            1.2 * (100.0 - 100.0 - 1.2 * 1.0 * blq),
            -72_000_000,
            -80_000_000,
        ),
    ];
    for (name, token1_native, (lots, quote, bids, asks), formula, mango, ours) in rows {
        let p = perp(lots, quote, bids, asks);
        let u = uhupnl(p, 5 * NATIVE, &[], HealthLevel::Initial);
        assert_eq!(
            mango_compose(u, INIT_OVERALL, token1_native * NATIVE, NATIVE, WeightLevel::Initial, 0),
            mango,
            "{name}: Mango's figure"
        );
        assert!(within_tolerance(mango, formula), "{name}: {mango} q vs Mango's {formula}");
        assert_eq!(partliq_initial(token1_native, 0, p), ours, "{name}: partliq's figure");
    }
}

#[test]
fn test_health1_cases_0_and_1_orders_and_serum() {
    let blq = 10.0 * 5.0;
    // Case 0: perp1 (3 lots, −131, bids 7, asks 11) at 5: value −131 + 150 = 19;
    // all bids: size 100 → 20 % × 500 = 100; all asks: −80 → 80. partliq's
    // initial requirement is the worse, 100: uhupnl = 19 − 100 = −81 (Mango:
    // min(50, 70) − 131).
    let u0 = uhupnl(perp(3, -131, 7, 11), 5 * NATIVE, &[], HealthLevel::Initial);
    assert_eq!(u0, -81_000_000);
    // Case 1: perp1 (−10 lots, −131, bids 7, asks 11): value −131 − 500 =
    // −631; bids −30 → 30, asks −210 → 210: −841 (Mango: min(−530, −710) − 131).
    let u1 = uhupnl(perp(-10, -131, 7, 11), 5 * NATIVE, &[], HealthLevel::Initial);
    assert_eq!(u1, -841_000_000);
    // The Serum open orders (20 quote + 15 base reserved): Mango counts them
    // converted to token1 in case 0 (20 + 15 × 5 = 95) and to token2 in
    // case 1 (15 + 20 / 5 = 19); partliq takes those balances.
    // Case 0: token1 100 + 95 = 195, −81 → 114 × 0.8 = 91.2; token2 −10 × 5 × 1.5 = −75.
    let case0 = mango_compose(u0, INIT_OVERALL, 195 * NATIVE, NATIVE, WeightLevel::Initial, token2_initial(-10));
    let formula0 = 0.8 * (100.0 + (20.0 + 15.0 * 5.0) + (3.0 + 7.0) * blq * 0.8 + (-131.0 - 7.0 * blq)) - 10.0 * 5.0 * 1.5;
    assert_eq!(case0, 16_200_000);
    assert!(within_tolerance(case0, formula0));
    // Case 1: token1 −100 − 841 = −941 × 1.2 = −1,129.2; token2 10 + 19 = 29 ×
    // 5 × 0.5 = 72.5: −1,056.7.
    let case1 = mango_compose(u1, INIT_OVERALL, -100 * NATIVE, NATIVE, WeightLevel::Initial, token2_initial(29));
    let formula1 = 1.2 * (-100.0 + (-10.0 - 11.0) * blq * 1.2 + (-131.0 + 11.0 * blq)) + (10.0 * 5.0 + (20.0 + 15.0 * 5.0)) * 0.5;
    assert_eq!(case1, -1_056_700_000);
    assert!(within_tolerance(case1, formula1));
    // partliq's own figures (the perp at par, a positive value × 0.95):
    // case 0: 195 × 0.8 − 75 + 0.95 × 19 − 100 = 156 − 75 + 18.05 − 100 = −0.95;
    // case 1: −100 × 1.2 + 72.5 − 631 − 210 = −888.5.
    assert_eq!(partliq_initial(195, -10, perp(3, -131, 7, 11)), -950_000);
    assert_eq!(partliq_initial(-100, 29, perp(-10, -131, 7, 11)), -888_500_000);
}

#[test]
fn test_health_perp_funding() {
    // token1 +100; perp on oracle1 (1.0): 10 lots (100 native) long, quote
    // −110; long_funding 10.1 against long_settled_funding 10.0 per lot:
    // unsettled 0.1 × 10 lots = 1.0 native. partliq's index: F / 10 × 1e12:
    // 10.1 → 1.01e12, 10.0 → 1e12; Δ 1e10 × 100 / 1e6 = 1,000,000 q = 1.0.
    let p = PerpPosition { last_funding_index: 1_000_000_000_000, ..perp(10, -110, 0, 0) };
    let funding = [1_010_000_000_000];
    // uhupnl = −110 − 1 + 0.8 × 100 = −31 (partliq: value −10, funding −1,
    // requirement 20); token1 100 − 31 = 69 × 0.8 = 55.2.
    let u = uhupnl(p, NATIVE, &funding, HealthLevel::Initial);
    assert_eq!(u, -31_000_000);
    let mango = mango_compose(u, INIT_OVERALL, 100 * NATIVE, NATIVE, WeightLevel::Initial, 0);
    assert_eq!(mango, 55_200_000);
    assert!(within_tolerance(mango, 0.8 * (100.0 + 0.8 * 100.0 - 110.0 - 1.0)));
    // partliq's own: 100 × 0.8 − 10 − 1 − 20 = 49 (the perp loss and the
    // funding count whole against the deposit's 80).
    let markets = [perp1()];
    let prices = [Price(NATIVE)];
    let assets = [token1()];
    let book =
        MarginBook { funding_indexes: &funding, assets: &assets, asset_prices: &[Price(NATIVE)], ..MarginBook::perps(&markets, &prices) };
    let balances = [AssetBalance { asset_index: 0, amount: 100 * NATIVE }];
    let positions = [p];
    let account = UnifiedAccount { balances: &balances, positions: &positions };
    let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
    assert_eq!(h.initial.health().unwrap(), 49_000_000);
}

#[test]
fn test_health_stable_price_token() {
    // bank1 and perp1: oracle 1.0, stable 0.5. Init prices a deposit (and a
    // long's base) at min = 0.5 and a borrow at max = 1.0; Maint at the oracle.
    let tokens_only = |balance_native: i64, price: i64| {
        let markets: [Market; 0] = [];
        let assets = [token1()];
        let asset_prices = [Price(price)];
        let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &[]) };
        let balances = [AssetBalance { asset_index: 0, amount: balance_native * NATIVE }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap()
    };
    // Account 1: +100. Init 0.8 × 0.5 × 100 = 40; Maint 0.9 × 1.0 × 100 = 90.
    let init = tokens_only(100, NATIVE / 2).initial.health().unwrap();
    let maint = tokens_only(100, NATIVE).maintenance.health().unwrap();
    assert_eq!((init, maint), (40_000_000, 90_000_000));
    assert!(within_tolerance(init, 0.8 * 0.5 * 100.0) && within_tolerance(maint, 0.9 * 1.0 * 100.0));
    // Account 2: −100. Init −1.2 × 1.0 × 100; Maint −1.1 × 1.0 × 100.
    let init = tokens_only(-100, NATIVE).initial.health().unwrap();
    let maint = tokens_only(-100, NATIVE).maintenance.health().unwrap();
    assert_eq!((init, maint), (-120_000_000, -110_000_000));
    assert!(within_tolerance(init, -1.2 * 1.0 * 100.0) && within_tolerance(maint, -1.1 * 1.0 * 100.0));
    // Account 3: perp 10 lots long, quote −100. Init at 0.5: value −50,
    // requirement 10: −60 → token1 −60 at its liability price 1.0 × 1.2 = −72.
    // Maint at 1.0: value 0, requirement 10 % × 100 = 10: −10 × 1.1 = −11.
    let p = perp(10, -100, 0, 0);
    let u_init = uhupnl(p, NATIVE / 2, &[], HealthLevel::Initial);
    let u_maint = uhupnl(p, NATIVE, &[], HealthLevel::Maintenance);
    assert_eq!((u_init, u_maint), (-60_000_000, -10_000_000));
    let init = mango_compose(u_init, INIT_OVERALL, 0, NATIVE, WeightLevel::Initial, 0);
    let maint = mango_compose(u_maint, Ppm(980_000), 0, NATIVE, WeightLevel::Maintenance, 0);
    assert_eq!((init, maint), (-72_000_000, -11_000_000));
    assert!(within_tolerance(init, 1.2 * (0.8 * 0.5 * 10.0 * 10.0 - 100.0)));
    assert!(within_tolerance(maint, 1.1 * (0.9 * 1.0 * 10.0 * 10.0 - 100.0)));
    // partliq's own figures for account 3 are the perp pool's: −60 and −10
    // (no settle-token liability weight on the perp loss).
}

#[test]
fn settle_token_at_par_partliq_is_not_above_mango() {
    // Derived (not a Mango test): test_health1's perp cases with token1 at
    // par (weights 100 %). Mango: token1 + hupnl; partliq: its unified
    // figure. (case, token1 native, perp, Mango, partliq)
    let par = Asset::at_par(-6);
    let rows: [(&str, i64, Perp, i128, i128); 7] = [
        // uhupnl 40 > 0: Mango 0.95 × 40 = 38; partliq 0.95 × 50 − 10 = 37.5
        // (lower by 5 % of the requirement, 0.5).
        ("2", 0, (-1, 100, 0, 0), 38_000_000, 37_500_000),
        ("3", 0, (1, -100, 0, 0), -60_000_000, -60_000_000),
        // 0.95 × 500 = 475; 0.95 × 600 − 100 = 470 (5 % of 100).
        ("4", 0, (10, 100, 0, 0), 475_000_000, 470_000_000),
        // 0.95 × 1,100 = 1,045; 0.95 × 1,400 − 300 = 1,030 (5 % of 300).
        ("5", 0, (30, -100, 0, 0), 1_045_000_000, 1_030_000_000),
        // −100 + 133 = 33; −100 + 142.5 − 10 = 32.5.
        ("12", -100, (1, 100, 0, 0), 33_000_000, 32_500_000),
        ("13", 100, (-1, -100, 0, 0), -60_000_000, -60_000_000),
        // Not a Mango case: short 1 lot with quote 55: value 5 < requirement
        // 10: Mango −5 (unweighted); partliq 0.95 × 5 − 10 = −5.25 (5 % of 5).
        ("value below requirement", 0, (-1, 55, 0, 0), -5_000_000, -5_250_000),
    ];
    let markets = [perp1()];
    let prices = [Price(5 * NATIVE)];
    let risk = [PerpRisk { initial_upnl_weight: INIT_OVERALL, ..PerpRisk::NONE }];
    let assets = [par];
    let book = MarginBook { perp_risk: &risk, assets: &assets, asset_prices: &[Price(NATIVE)], ..MarginBook::perps(&markets, &prices) };
    for (name, token1_native, (lots, quote, bids, asks), mango, ours) in rows {
        let p = perp(lots, quote, bids, asks);
        let u = uhupnl(p, 5 * NATIVE, &[], HealthLevel::Initial);
        let hupnl = if u > 0 { INIT_OVERALL.of(u, Rounding::Floor).unwrap() } else { u };
        let composed = par.weighted_value(i128::from(token1_native * NATIVE) + hupnl, Price(NATIVE), WeightLevel::Initial).unwrap();
        assert_eq!(composed, mango, "case {name}: Mango");
        let balances = [AssetBalance { asset_index: 0, amount: token1_native * NATIVE }];
        let positions = [p];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        assert_eq!(h.initial.health().unwrap(), ours, "case {name}: partliq");
        // The gap is 5 % of min(value, requirement) when the value is positive.
        let requirement = i128::from(perp1().initial_requirement(p.size, Price(5 * NATIVE)).unwrap().0);
        let value = perp1().position_value(p.size, Price(5 * NATIVE), p.quote_balance).unwrap();
        let gap = if value > 0 { Ppm(50_000).of(value.min(requirement), Rounding::Floor).unwrap() } else { 0 };
        assert_eq!(mango - ours, gap, "case {name}: gap");
    }
}
