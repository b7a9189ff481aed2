//! partliq's liquidation legs against the anchors' own liquidation tests:
//! Mango v4's `token_liq_with_token` and `perp_liq_base_or_positive_pnl`
//! (their unit tests and their program tests), and Drift v2's two sizing
//! formulas through the replica `partliq::venues::drift_v2::liquidation`.
//!
//! Each case builds the anchor's account as a partliq unified account,
//! then compares two figures: [`settle_leg`] at the anchor's own amount
//! (the balances after it against the anchor's asserted balances), and
//! [`size_leg`]'s least amount against the anchor's sizing. Where the two
//! differ, both are pinned with the reason and the size of the gap.
//!
//! # Mango v4
//!
//! Sources: `blockworks-foundation/mango-v4` at commit
//! `1303a4a16228eb1e8e8d4f0eef724eaf63310c86`:
//! `programs/mango-v4/src/instructions/token_liq_with_token.rs` (the
//! instruction and its unit tests `test_liq_with_token_stable_price`,
//! `test_liq_with_token_while_perp`), `perp_liq_base_or_positive_pnl.rs`
//! (`test_liq_base_or_positive_pnl`,
//! `test_liq_base_or_positive_pnl_stable_price`), and the program tests
//! `programs/mango-v4/tests/cases/test_liq_tokens.rs`
//! (`test_liq_tokens_with_token`) and `test_liq_perps_base_and_bankruptcy.rs`.
//!
//! Mango sizes a token liquidation to **liquidation-end health 0** (initial
//! weights at oracle prices: partliq's [`Target::Initial`], whose level is
//! the same) with the continuous solution
//! `x = −health / (ilw × P_L − iaw × P_L × ff_total)` in I80F48, and a perp
//! base reduction to the next whole lot (`ceil`). partliq rounds every term
//! against the account (a deposit's weighted value down, a borrow's up, the
//! collateral taken up) and stops at the least whole unit that reaches the
//! target, found exactly.
//!
//! | Mango | partliq |
//! | --- | --- |
//! | token native units (I80F48 fractions) | quote unit q = 10⁻⁶ native of the quote token; a balance `b` native is `b × 10⁶`, [`Asset`] `quote_exponent = −6` |
//! | token price `X` (native quote per native) | price mantissa `X × 10⁶` |
//! | weights `1 ∓ w` (I80F48 from f64) | ppm: 0.6 → 600,000, 1.4 → 1,400,000 |
//! | `liquidation_fee` `f`, `platform_liquidation_fee` `p` (0.01, 0.01) | [`AssetLiquidationFees`] `liquidator_bonus` `f × 10⁶` = 10,000, `insurance_fee` `p × 10⁶` = 10,000: the collateral factor `(1 + f_L + p_L)(1 + f_C + p_C)` = 1.0404 is partliq's, the liquidator's `(1 + f_L)(1 + f_C)` = 1.0201 too |
//! | loan origination fee 0.0005 on a borrow | folded into the balance: a 350 borrow is −350.175 native = −350,175,000 |
//! | perp base lots × `base_lot_size` | size in native base, market `quote_exponent = 0`, mark `X × 10⁶` q per native base, `lot_step` = the lot |
//! | perp base weights `1 ∓ w` | initial / maintenance fraction `w` |
//! | `base_liquidation_fee` `f_b`, `platform_liquidation_fee` `p_b` | [`Market::liquidation_fee`] `(f_b + p_b) × 10⁶`, [`Market::liquidator_fee_share`] `f_b / (f_b + p_b)`: the liqee gets `1 − f_b − p_b` of the oracle notional, the liqor (counterparty and liquidator at once) pays `1 − f_b` |
//! | pnl settlement into a borrowed settle token, `positive_pnl_liquidation_fee` `g` | [`UnifiedLeg::pnl_for_liability`], the liability's bonus `1 / (1 − g) − 1` rounded up to the ppm |
//!
//! What partliq does not have: Mango counts a perp's pnl **through its
//! settle token** (a gain times the overall asset weight, then the settle
//! token's weight; a loss times the settle token's liability weight) and
//! limits a token liquidation to the balance net of that pnl. partliq
//! counts a perp's value at par at the liquidation-end level (the overall
//! weight only at the initial level). Rows whose perp pnl is weighted are
//! pinned with both figures; rows with a settle token at par and a
//! non-positive perp pnl are the same model and agree to the unit. A
//! **bankrupt** account (unweighted equity < 0) is another difference:
//! Mango trades its lots at the oracle and resolves the loss later;
//! partliq's perp leg never closes beyond the bankruptcy price and the
//! fund books the rest as bad debt at once (pinned).
//!
//! Mango's I80F48 figures are compared through their exact rational
//! values (Mango's formula in fractions; I80F48 is within 2⁻⁴⁸ of them):
//! partliq's are within a few q of them (120 q in the program test's
//! dust step, where 3.3 q of collateral less is worth 75 each), with
//! partliq's least never below Mango's exact root and its collateral taken
//! rounded up; each gap is explained where it is pinned.
//!
//! # Drift v2
//!
//! Source: `drift-labs/protocol-v2` at commit
//! `0ae3e3b1db782a6765c3525b3dec38ad4d9d3a62`,
//! `programs/drift/src/math/liquidation/tests.rs`, the inputs of
//! `tests/conformance/drift_v2_liquidation.rs`. Drift sizes to the
//! **maintenance** margin shortage (partliq's [`Target::MAINTENANCE`]):
//!
//! | Drift | partliq |
//! | --- | --- |
//! | `QUOTE_PRECISION` (10⁻⁶ USD) | quote unit |
//! | a perp's base (10⁻⁹) at `PRICE_PRECISION` (10⁻⁶ USD) | size unit 10⁻⁹ base, market `quote_exponent = −9` |
//! | `margin_ratio` (bps) | maintenance fraction × 100 (1,000 bps → 100,000 ppm) |
//! | `liquidation_fee`, `if_liquidation_fee` (ppm of 10⁶) | [`Market::liquidation_fee`] their sum, [`Market::liquidator_fee_share`] the liquidator's part |
//! | a token of `d` decimals at `PRICE_PRECISION` | [`Asset`] `quote_exponent = −d` |
//! | spot weights (`SPOT_WEIGHT_PRECISION` 10⁴: 8,000 = 0.8) | ppm (800,000) |
//! | asset / liability multipliers `m_A`, `m_L` | the collateral's bonus `m_A − 1`, the liability's `1 / m_L − 1` rounded up to the ppm (against the account) |
//! | `if_liquidation_fee` `i` on a spot liquidation (the fund keeps `i` of the liability transferred) | the account is relieved of `T − ⌊i T⌋` of its borrow for collateral worth `T`: the liability's insurance fee makes `1 / (1 − i)` (rounded up) |
//!
//! Drift truncates every division: its amount can fall short of covering
//! the shortage by a fraction of a unit of each term; partliq's least
//! amount reaches the target (checked with partliq's health after each).
//! Three sources of a gap, each named where it is pinned: Drift's
//! truncations (its amount short in exact arithmetic), partliq's rounding
//! of each health term to a whole q against the account (its least a few
//! units above the exact root), and the ppm mapping of Drift's
//! multipliers that are not whole ppm (`1 / 0.9`, `1 / 0.99`, rounded up:
//! partliq takes up to 1 ppm more collateral).

use partliq::unified::{settle_leg, size_leg, target_surplus, AccountCopy, AssetLiquidationFees, LegFlow, LegTerms, UnifiedLeg};
use partliq::*;

/// One native unit in q (10⁻⁶ native).
const N: i64 = 1_000_000;

/// A token with weights `(initial asset, maintenance asset, maintenance
/// liability, initial liability)` in ppm, balances in q.
fn token(iaw: u32, maw: u32, mlw: u32, ilw: u32) -> Asset {
    Asset::weighted(-6, (Ppm(iaw), Ppm(maw)), (Ppm(ilw), Ppm(mlw)))
}

/// A token at par at every level (Mango's `mock_bank_and_oracle(.., 0.0, 0.0)`).
fn par() -> Asset {
    token(1_000_000, 1_000_000, 1_000_000, 1_000_000)
}

fn bal(asset_index: u32, amount: i64) -> AssetBalance {
    AssetBalance { asset_index, amount }
}

fn pool(account: &UnifiedAccount<'_>, book: &MarginBook<'_>) -> UnifiedHealth {
    unified_pool_health(&account.pool(0).unwrap(), book, &MarginLadder::STANDARD).unwrap()
}

fn end_health(account: &UnifiedAccount<'_>, book: &MarginBook<'_>) -> i128 {
    pool(account, book).liquidation_end.health().unwrap()
}

const NO_FEES: [AssetLiquidationFees; 0] = [];

fn initial(fees: &[AssetLiquidationFees]) -> LegTerms<'_> {
    LegTerms { asset_fees: fees, perp_band: Ppm(0), target: Target::Initial, perp_limit: None }
}

/// Every flow of a settlement conserves.
fn conserved(flows: &[LegFlow; 2]) {
    assert!(flows.iter().all(LegFlow::conserves), "{flows:?}");
}

mod mango_token_liq_with_token {
    use super::*;

    /// `token_liq_with_token.rs` `test_liq_with_token_stable_price`: asset
    /// token at par (10 native), liability token −9 with liability weights
    /// 1.4 (init) / 1.2 (maint), price 1, no fees. The stable prices and
    /// the weight scaling change only Mango's Init level; LiquidationEnd is
    /// `10 − 9 × 1.4 = −2.6` (Mango's assertion), partliq's liquidation-end
    /// level the same, −2,600,000 q. Mango ends at asset 3.5, liability
    /// −2.5: `6.5 = 2.6 / (1.4 − 1.0)` transferred.
    ///
    /// partliq's least: `(10e6 − r) − ⌈1.4 (9e6 − r)⌉ ≥ 0` ⇔ `0.4 r ≥
    /// 2.6e6`: r = 6,500,000 (3,500,000 − 3,500,000 = 0); r − 1:
    /// 3,500,001 − ⌈3,500,001.4⌉ = −1. The same figure, to the unit.
    #[test]
    fn test_liq_with_token_stable_price() {
        let assets = [par(), token(1_000_000, 1_000_000, 1_200_000, 1_400_000)];
        let prices = [Price(N), Price(N)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        let balances = [bal(0, 10 * N), bal(1, -9 * N)];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let h = pool(&account, &book);
        assert_eq!((h.liquidation_end.health().unwrap(), h.maintenance.health().unwrap()), (-2_600_000, -800_000));
        let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, 0)).unwrap();
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 6_500_000));
        let s = sized.settlement.unwrap();
        conserved(&s.flows);
        let mut after = AccountCopy::of(&account).unwrap();
        after.apply(&s).unwrap();
        // Mango: asset 3.5, liability −2.5, LiquidationEnd 0.
        assert_eq!(after.account().balances, [bal(0, 3_500_000), bal(1, -2_500_000)]);
        assert_eq!(s.health_after.liquidation_end.health().unwrap(), 0);
        let less = settle_leg(&account, 0, &book, &initial(&NO_FEES), &sized.leg.with_amount(6_499_999)).unwrap();
        assert_eq!(less.health_after.liquidation_end.health().unwrap(), -1);
    }

    /// `test_liq_with_token_while_perp`'s rows without perps (and two with
    /// perps, pinned below). Asset token 0 and liability token 1 with
    /// initial weights `w` / `2 − w` and maintenance weights 1 (the mock's
    /// 0.0), the other token at par, prices 1, no fees. (name, `w` ppm,
    /// (asset, liability, other) native, Mango's max_liab_transfer native,
    /// Mango's end (asset, liability) native, partliq's least status and
    /// amount in q.)
    #[test]
    fn test_liq_with_token_while_perp_token_rows() {
        type Row = (&'static str, u32, (i64, i64, i64), i64, (i64, i64), (CloseStatus, i64));
        let rows: [Row; 5] = [
            // Health 0.9 × 10 − 1.1 × 11 = −3.1 needs 3.1 / 0.2 = 15.5 >
            // the 10 of collateral: everything goes. partliq: no amount
            // restores; the largest is the 10e6 held (⌈r⌉ ≤ 10e6).
            ("no perps1", 900_000, (10, -11, 0), 100, (0, -1), (CloseStatus::Infeasible, 10 * N)),
            // Limited to 2 by the liqor: settle_leg at 2e6.
            ("no perps1, limited", 900_000, (10, -11, 0), 2, (8, -9), (CloseStatus::Infeasible, 10 * N)),
            // 0.8 × 10 − 1.2 × 9 = −2.8; 2.8 / 0.4 = 7. partliq: ⌊0.8 (10e6
            // − r)⌋ − ⌈1.2 (9e6 − r)⌉ ≥ 0 at r = 7e6 (2.4e6 − 2.4e6); r − 1:
            // 2,400,000 − ⌈2,400,001.2⌉ = −2.
            ("no perps2", 800_000, (10, -9, 0), 100, (3, -2), (CloseStatus::Restored, 7 * N)),
            // + 0.4 at par: −2.4 → r = 6e6 (4 × 0.8 − 3 × 1.2 + 0.4 = 0).
            ("no perps2, other health1", 800_000, (10, -9, 400_000), 100, (4, -3), (CloseStatus::Restored, 6 * N)),
            // − 0.4 at par: −3.2 → r = 8e6 (2 × 0.8 − 1 × 1.2 − 0.4 = 0).
            ("no perps2, other health2", 800_000, (10, -9, -400_000), 100, (2, -1), (CloseStatus::Restored, 8 * N)),
        ];
        for (name, w, (asset, liab, other_q), max_liab, (end_asset, end_liab), (status, least)) in rows {
            let assets = [token(w, 1_000_000, 1_000_000, 2_000_000 - w), token(w, 1_000_000, 1_000_000, 2_000_000 - w), par()];
            let prices = [Price(N); 3];
            let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
            let balances = [bal(0, asset * N), bal(1, liab * N), bal(2, other_q)];
            let account = UnifiedAccount { balances: &balances, positions: &[] };
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), (status, least), "{name}: partliq's least");
            // Mango's transfer: min(needed, possible, max_liab_transfer).
            let mango = (asset - end_asset) * N;
            assert_eq!(mango, least.min(max_liab * N), "{name}: Mango's transfer is partliq's");
            let s = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, mango)).unwrap();
            conserved(&s.flows);
            let mut after = AccountCopy::of(&account).unwrap();
            after.apply(&s).unwrap();
            assert_eq!(after.account().balances[..2], [bal(0, end_asset * N), bal(1, end_liab * N)], "{name}: Mango's end balances");
            if status == CloseStatus::Restored {
                assert_eq!(s.health_after.liquidation_end.health().unwrap(), 0, "{name}");
                let less = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, mango - 1)).unwrap();
                assert!(less.health_after.liquidation_end.health().unwrap() < 0, "{name}: one less");
            } else {
                assert!(s.health_after.liquidation_end.health().unwrap() < 0, "{name}");
            }
        }
    }

    /// The rows Mango rejects: "no liabs1" (asset 1, nothing borrowed:
    /// `require_gt!(0, liab)`) and "no assets1" (a −1 borrow and nothing
    /// to take). partliq: the first is already safe (health 0.9), the
    /// second infeasible with amount 0; settling any amount is
    /// [`Error::InvalidLegAmount`].
    #[test]
    fn test_liq_with_token_while_perp_rejected_rows() {
        let w = 900_000;
        let assets = [token(w, 1_000_000, 1_000_000, 2_000_000 - w), token(w, 1_000_000, 1_000_000, 2_000_000 - w)];
        let prices = [Price(N); 2];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        for (name, balances, status) in [
            ("no liabs1", [bal(0, N), bal(1, 0)], CloseStatus::AlreadySafe),
            ("no assets1", [bal(0, 0), bal(1, -N)], CloseStatus::Infeasible),
        ] {
            let account = UnifiedAccount { balances: &balances, positions: &[] };
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount, sized.max_amount), (status, 0, 0), "{name}");
            assert_eq!(
                settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, 1)),
                Err(Error::InvalidLegAmount),
                "{name}"
            );
        }
    }

    /// Two rows of `test_liq_with_token_while_perp` whose perp pnl is
    /// weighted through its settle token (weights 0.8 / 1.2 and overall
    /// asset weight 0.5): both figures pinned.
    ///
    /// "perp assets2": asset token 5 with a perp gain of 14 settling in
    /// it, liability −9. Mango: `(5 + 0.5 × 14) × 0.8 − 9 × 1.2 = −1.2`,
    /// needs `1.2 / 0.4 = 3`: ends (2, −6). partliq counts the gain at par
    /// at the liquidation-end level: `0.8 × 5 + 14 − 10.8 = 7.2` — already
    /// safe, amount 0. The gap is the 8.4 of the gain Mango's two weights
    /// (0.5 × 0.8 = 0.4) leave out.
    ///
    /// "perp liabs2": asset 10, liability token −8 with a perp loss of 1
    /// settling in it. Mango: `10 × 0.8 − (8 + 1) × 1.2 = −2.8`, needs 7,
    /// ends (3, −1). partliq counts the loss at par: `8 − 9.6 − 1 = −2.6`,
    /// least `0.4 r ≥ 2.6` → r = 6.5 native, ends (3.5, −1.5): half a
    /// unit less, the 0.2 × 1 that Mango's liability weight adds to the
    /// loss, divided by the 0.4 each unit repaid gains.
    #[test]
    fn test_liq_with_token_while_perp_perp_rows_pinned() {
        let w = 800_000;
        let assets = [token(w, 1_000_000, 1_000_000, 2_000_000 - w), token(w, 1_000_000, 1_000_000, 2_000_000 - w)];
        let prices = [Price(N); 2];
        let markets = [Market::single_tier(0, 1, 1, Ppm(200_000), Ppm(100_000))];
        let marks = [Price(N)];
        let risk = [PerpRisk { initial_upnl_weight: Ppm(500_000), ..PerpRisk::NONE }];
        let book = MarginBook { assets: &assets, asset_prices: &prices, perp_risk: &risk, ..MarginBook::perps(&markets, &marks) };
        // (name, asset, liability, perp quote, Mango's transfer, partliq's least, partliq's end health before)
        let rows = [("perp assets2", 5, -9, 14, 3 * N, 0, 7_200_000), ("perp liabs2", 10, -8, -1, 7 * N, 6_500_000, -2_600_000)];
        for (name, asset, liab, quote, mango, least, before) in rows {
            let balances = [bal(0, asset * N), bal(1, liab * N)];
            let positions = [PerpPosition::cross(0, Size(0), Quote(quote * N))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            assert_eq!(end_health(&account, &book), before, "{name}");
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, 0)).unwrap();
            assert_eq!(sized.leg.amount, least, "{name}: partliq's least");
            // Mango's transfer on partliq's account overshoots partliq's target.
            let s = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::swap(1, 0, mango)).unwrap();
            let overshoot = if least == 0 { 7_200_000 + 1_200_000 } else { 200_000 };
            assert_eq!(s.health_after.liquidation_end.health().unwrap(), overshoot, "{name}: Mango's amount, partliq's health");
        }
    }
}

mod mango_test_liq_tokens {
    use super::*;

    /// Mango's I80F48 native figure as an f64, against partliq's q.
    fn near(q: i64, mango: f64, tolerance: f64) -> bool {
        (q as f64 / 1e6 - mango).abs() < tolerance
    }

    /// `test_liq_tokens.rs` `test_liq_tokens_with_token`, step by step.
    ///
    /// Four tokens, weights 0.6 / 0.8 / 1.2 / 1.4 (`GroupWithTokensConfig`),
    /// each with `liquidation_fee` 0.01 and `platform_liquidation_fee` 0.01
    /// (bonus 10,000 ppm, insurance fee 10,000 ppm: the account gives
    /// `1.0404`, the liqor gets `1.0201`). Indexes here: 0 borrow1 (price
    /// 2 after the oracle change), 1 borrow2, 2 collateral1, 3 collateral2,
    /// all others at price 1. The account: collateral1 1,000, collateral2
    /// 20, borrow1 `350 × 1.0005 = 350.175`, borrow2 `50 × 1.0005 =
    /// 50.025` (the loan origination fee). LiquidationEnd: `0.6 × 1,020 −
    /// 1.4 × (700.35 + 50.025) = −438.525` (partliq: −438,525,000 q).
    ///
    /// Mango's exact figures (its formula in rationals; Mango's I80F48 is
    /// within 2⁻⁴⁸ of them) against partliq's, in native with q in
    /// brackets:
    ///
    /// 1. borrow2 for collateral2, unlimited: the 20 of collateral buys
    ///    `20 / 1.0404 = 19.2233756…`; partliq can repay 19,223,375 (the
    ///    most whose `⌈1.0404 r⌉` fits the 20,000,000 held), infeasible
    ///    (nothing restores), taking all 20,000,000. The liqor: Mango
    ///    `20 × 1.0201 / 1.0404 = 19.6097655`, partliq `⌊1.0201 ×
    ///    19,223,375⌋ = 19,609,764`; the platform fee 0.3902345 against
    ///    the fund's 390,236 (it also gets the rounding unit). borrow2
    ///    after: −30.8016244 (Mango asserts −31) vs −30,801,625: 0.62 q
    ///    less repaid, the fraction of a q partliq does not split.
    /// 2. borrow2 for collateral1, unlimited: all of borrow2 (Mango
    ///    30.8016244, partliq 30,801,625, infeasible: still −399.7);
    ///    collateral `30.8016244 × 1.0404 = 32.04601` vs ⌈32,046,010.65⌉ =
    ///    32,046,011: collateral1 967.95399 (Mango asserts 968) vs
    ///    967,953,989.
    /// 3. borrow1 for collateral1, limited to 10: `10 × 2 × 1.0404 =
    ///    20.808` either way (20,808,000): collateral1 947.14599 (Mango
    ///    asserts 947) vs 947,145,989.
    /// 4. borrow1 for collateral1, unlimited: health `0.6 × 947.14599 −
    ///    2.8 × 340.175 = −384.202406` (partliq ⌊568,287,593.4⌋ −
    ///    952,490,000 = −384,202,407); Mango's `384.202406 / (2.8 − 1.2 ×
    ///    1.0404) = 247.6296831…`, partliq's least 247,629,684 (⌈⌉ of
    ///    Mango's to the q; 247,629,683 leaves −2). borrow1 −92.5453169
    ///    (Mango asserts −93) vs −92,545,316; collateral1 431.8781453
    ///    (Mango asserts 432) vs 431,878,142: 3.3 q less, partliq's
    ///    roundings against the account in steps 2 and 4.
    /// 5. The dust: collateral1 at 100,000, 430 withdrawn (Mango's
    ///    `account_position` rounds 431.878 to 432, less 2), then at 75:
    ///    the 1.8781453 left (partliq 1,878,142) buys `1.8781453 × 75 /
    ///    2.0808 = 67.6955487` of borrow1; Mango asserts borrow1 > −26
    ///    after (−24.8497682) and dusts the collateral; partliq repays
    ///    67,695,429 (`⌈2.0808 r / 75⌉` = 1,878,142, all of it), borrow1
    ///    −24,849,887, infeasible: 120 q less repaid than Mango's
    ///    67,695,548.7, which is the 3.3 q less collateral of step 4, now
    ///    at a price of 75 (`3.3 × 75 / 2.0808 = 119`).
    #[test]
    fn test_liq_tokens_with_token() {
        let t = token(600_000, 800_000, 1_200_000, 1_400_000);
        let assets = [t; 4];
        let fees = [AssetLiquidationFees { liquidator_bonus: Ppm(10_000), insurance_fee: Ppm(10_000) }; 4];
        let terms = initial(&fees);
        let balances = [bal(0, -350_175_000), bal(1, -50_025_000), bal(2, 1_000 * N), bal(3, 20 * N)];
        let mut copy = AccountCopy::of(&UnifiedAccount { balances: &balances, positions: &[] }).unwrap();
        let prices = [Price(2 * N), Price(N), Price(N), Price(N)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        assert_eq!(end_health(&copy.account(), &book), -438_525_000);
        // (liability, collateral, the liqor's limit, partliq's sizing (status,
        // least), partliq's collateral flow (account, liquidator, fund),
        // liquidation-end health after)
        type Step = (u32, u32, Option<i64>, (CloseStatus, i64), (i64, i64, i64), i128);
        let steps: [Step; 4] = [
            (1, 3, None, (CloseStatus::Infeasible, 19_223_375), (-20_000_000, 19_609_764, 390_236), -423_612_275),
            (1, 2, None, (CloseStatus::Infeasible, 30_801_625), (-32_046_011, 31_420_737, 625_274), -399_717_607),
            (0, 2, Some(10 * N), (CloseStatus::Restored, 257_629_684), (-20_808_000, 20_402_000, 406_000), -384_202_407),
            (0, 2, None, (CloseStatus::Restored, 247_629_684), (-515_267_847, 505_214_081, 10_053_766), 0),
        ];
        for (i, (liability, collateral, limit, sizing, collateral_flow, health_after)) in steps.into_iter().enumerate() {
            let account = copy.account();
            let sized = size_leg(&account, 0, &book, &terms, &UnifiedLeg::swap(liability, collateral, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), sizing, "step {}", i + 1);
            let leg = UnifiedLeg::swap(liability, collateral, limit.unwrap_or(sized.leg.amount));
            let s = settle_leg(&account, 0, &book, &terms, &leg).unwrap();
            conserved(&s.flows);
            assert_eq!(s.flows[0].account, leg.amount, "step {}", i + 1);
            let f = s.flows[1];
            assert_eq!((f.account, f.liquidator, f.insurance_fund), collateral_flow, "step {}", i + 1);
            assert_eq!(s.health_after.liquidation_end.health().unwrap(), health_after, "step {}", i + 1);
            if limit.is_none() && sized.status == CloseStatus::Restored {
                let less = settle_leg(&account, 0, &book, &terms, &leg.with_amount(leg.amount - 1)).unwrap();
                assert_eq!(less.health_after.liquidation_end.health().unwrap(), -2, "step {}: one less", i + 1);
            }
            copy.apply(&s).unwrap();
        }
        // Mango's asserted (rounded) balances and its exact ones.
        let b = copy.account().balances;
        assert_eq!(b, [bal(0, -92_545_316), bal(1, 0), bal(2, 431_878_142), bal(3, 0)]);
        assert_eq!((b[0].amount as f64 / 1e6).round(), -350.0 + 257.0);
        assert_eq!((b[2].amount as f64 / 1e6).round(), 1_000.0 - 32.0 - 535.0 - 1.0);
        assert!(near(b[0].amount, -92.545_316_850_572_35, 1e-6) && near(b[2].amount, 431.878_145_302_670_9, 4e-6));
        // Step 1's platform fee against Mango's `assert_eq_f64!(.., 0.001)`.
        assert!(near(390_236, 20.0 * (1.0 - 1.01 * 1.01 / (1.02 * 1.02)), 0.001));

        // Step 5: the dust.
        let mut left = b.to_vec();
        left[2].amount -= 430 * N;
        let prices = [Price(2 * N), Price(N), Price(75 * N), Price(N)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        let account = UnifiedAccount { balances: &left, positions: &[] };
        let sized = size_leg(&account, 0, &book, &terms, &UnifiedLeg::swap(0, 2, 0)).unwrap();
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Infeasible, 67_695_429));
        let s = sized.settlement.unwrap();
        assert_eq!(s.flows[1].account, -1_878_142);
        let mut end = AccountCopy::of(&account).unwrap();
        end.apply(&s).unwrap();
        assert_eq!(end.account().balances[0], bal(0, -24_849_887));
        // Mango: borrow1 > −26, exactly −92.5453169 + 1.8781453 × 75 / 2.0808.
        let mango = -92.545_316_850_572_35 + 1.878_145_302_670_9 * 75.0 / 2.0808;
        assert!(mango > -26.0 && near(-24_849_887, mango, 1.2e-4));
    }
}

mod mango_perp_liq_base_or_positive_pnl {
    use super::*;

    /// `perp_liq_base_or_positive_pnl.rs` `test_liq_base_or_positive_pnl`'s
    /// rows whose perp pnl stays ≤ 0 (Mango's step 1 only: "reduce base
    /// while uhupnl < 0", each lot gaining `price × (1 − base weight)`) on
    /// a solvent account: there the settle token at par and the perp
    /// counted at par are partliq's model exactly (the bankrupt rows are
    /// pinned below). Settle token and other token at par, price
    /// 1, base lot 1, initial base weight `1 − w` (partliq: initial
    /// fraction `w` = 500,000), maintenance 0.9 (100,000), no fees.
    ///
    /// (name, (spot, base lots, quote, other) native, Mango's end (spot,
    /// base, quote), Mango's max_base_transfer, partliq's (status, least
    /// lots), partliq's liquidation-end health after Mango's amount in q.)
    #[test]
    fn test_liq_base_or_positive_pnl_negative_uhupnl_rows() {
        type Row = (&'static str, (i64, i64, i64, i64), (i64, i64, i64), i64, (CloseStatus, i64), i128);
        let rows: [Row; 4] = [
            // 5 − 4 − 2 = −1: 2 lots (−1 + 0.5 × 2 = 0).
            ("neg base liq 3: health positive", (5, -4, 0, 0), (5, -2, -2), 20, (CloseStatus::Restored, 2), 0),
            // 5 + 0 − 10 = −5: 10 lots; limited to 1.
            ("pos base liq 1: limited", (5, 20, -20, 0), (5, 19, -19), 1, (CloseStatus::Restored, 10), -4_500_000),
            ("pos base liq 3: health positive", (5, 20, -20, 0), (5, 10, -10), 100, (CloseStatus::Restored, 10), 0),
            // Settle token 2 and other −2: 2 − 2 + (60 − 35) − 30 = −5: 10
            // lots (Mango's comment: "settle token 2 + (50/2 − 25) = 2").
            (
                "base liq of negative perp health: where total token pos goes from negative to positive",
                (2, 60, -35, -2),
                (2, 50, -25),
                200,
                (CloseStatus::Restored, 10),
                0,
            ),
        ];
        for (name, (spot, base, quote, other), (end_spot, end_base, end_quote), max_base, (status, least), health_after) in rows {
            let assets = [par(), par()];
            let prices = [Price(N); 2];
            let markets = [Market::single_tier(0, 1, 1, Ppm(500_000), Ppm(100_000))];
            let marks = [Price(N)];
            let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
            let balances = [bal(0, spot * N), bal(1, other * N)];
            let positions = [PerpPosition::cross(0, Size(base), Quote(quote * N))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), (status, least), "{name}: partliq's least");
            let mango = (base - end_base).abs();
            assert_eq!(mango, least.min(max_base), "{name}: Mango's lots are partliq's");
            let s = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, mango)).unwrap();
            conserved(&s.flows);
            let mut after = AccountCopy::of(&account).unwrap();
            after.apply(&s).unwrap();
            let p = after.account().positions[0];
            assert_eq!(
                (after.account().balances[0].amount, p.size.0, p.quote_balance.0),
                (end_spot * N, end_base, end_quote * N),
                "{name}"
            );
            assert_eq!(s.health_after.liquidation_end.health().unwrap(), health_after, "{name}");
            if status == CloseStatus::Restored {
                let less = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, least - 1)).unwrap();
                assert_eq!(less.health_after.liquidation_end.health().unwrap(), -500_000, "{name}: one lot less");
            }
        }
    }

    /// The rows with a positive perp pnl at the start (Mango's steps 2–5:
    /// pre-settle, reduce for settlement, post-settle, reduce while the
    /// overall weight counts): Mango weights a positive `uhupnl` by the
    /// overall asset weight `ow` at LiquidationEnd, partliq counts the perp
    /// at par there (the weight is its initial level's). So partliq's
    /// liquidation-end health is Mango's plus `(1 − ow) × max(uhupnl, 0)`,
    /// to the q, on every such row. partliq's least reduction (in lots) is
    /// pinned beside the lots Mango reduced: the same on 8 of the 13 rows
    /// (nothing on "2-1", "6" and "pre-settle", where partliq is already
    /// safe and Mango only moves pnl into the settle token; 10 on "1",
    /// "2-2" and "9"; all 70 on "phases 1"; 20 on "base liq and
    /// post-settle", whose `uhupnl = 0` makes it the same model — Mango then
    /// also moves 10 of pnl into the settle token: spot 3, quote −20;
    /// partliq's quote −10, spot −7: the same health, 0). On the other 5
    /// Mango's own limits (`max_base_transfer`, `max_pnl_transfer`) or its
    /// weighted pnl set its lots: "2-3" 10 vs 6, "4" 10 vs 0, "8" 5 vs 20,
    /// "base liq of positive perp health" 20 vs 0, "phases 2" 60 vs 70.
    #[test]
    fn test_liq_base_or_positive_pnl_positive_uhupnl_rows_pinned() {
        // (name, overall weight ppm, (spot, base, quote, other), Mango's end
        // base, partliq's least (status, lots), whether partliq's least is
        // the lots Mango reduced)
        type Row = (&'static str, i64, (i64, i64, i64, i64), i64, (CloseStatus, i64), bool);
        let rows: [Row; 13] = [
            ("base liq, pos perp health 1: until health positive", 800_000, (-20, 20, 5, 0), 10, (CloseStatus::Restored, 10), true),
            (
                "base liq, pos perp health 2-1: settle until health positive",
                500_000,
                (-19, 20, 10, 0),
                20,
                (CloseStatus::AlreadySafe, 0),
                true,
            ),
            (
                "base liq, pos perp health 2-2: base+settle until health positive",
                500_000,
                (-25, 20, 10, 0),
                10,
                (CloseStatus::Restored, 10),
                true,
            ),
            (
                "base liq, pos perp health 2-3: base+settle until pnl limit",
                500_000,
                (-23, 20, 10, 0),
                10,
                (CloseStatus::Restored, 6),
                false,
            ),
            (
                "base liq, pos perp health 4: liq some base, then settle some",
                500_000,
                (-20, 20, 10, 0),
                10,
                (CloseStatus::AlreadySafe, 0),
                false,
            ),
            (
                "base liq, pos perp health 6: don't touch base without settlement",
                0,
                (-20, 20, 10, 0),
                20,
                (CloseStatus::AlreadySafe, 0),
                true,
            ),
            ("base liq, pos perp health 8: settlement enables base", 0, (-30, 20, 10, 0), 15, (CloseStatus::Restored, 20), false),
            ("base liq, pos perp health 9: until health positive", 0, (-25, 20, 10, 0), 10, (CloseStatus::Restored, 10), true),
            (
                "pre-settle: where total token pos goes from negative to positive",
                0,
                (-7, 60, -20, -3),
                60,
                (CloseStatus::AlreadySafe, 0),
                true,
            ),
            (
                "base liq and post-settle: where total token pos goes from negative to positive",
                0,
                (-7, 60, -30, -3),
                40,
                (CloseStatus::Restored, 20),
                true,
            ),
            (
                "base liq of positive perp health: where total token pos goes from negative to positive",
                500_000,
                (-7, 60, -20, -3),
                40,
                (CloseStatus::AlreadySafe, 0),
                false,
            ),
            ("use all liquidation phases 1", 500_000, (-7, 70, -40, -100), 0, (CloseStatus::Infeasible, 70), true),
            ("use all liquidation phases 2", 500_000, (-7, 70, -30, -100), 10, (CloseStatus::Infeasible, 70), false),
        ];
        for (name, ow, (spot, base, quote, other), mango_base, (status, least), same) in rows {
            let assets = [par(), par()];
            let prices = [Price(N); 2];
            let markets = [Market::single_tier(0, 1, 1, Ppm(500_000), Ppm(100_000))];
            let marks = [Price(N)];
            let risk = [PerpRisk { initial_upnl_weight: Ppm(u32::try_from(ow).unwrap()), ..PerpRisk::NONE }];
            let book = MarginBook { assets: &assets, asset_prices: &prices, perp_risk: &risk, ..MarginBook::perps(&markets, &marks) };
            let balances = [bal(0, spot * N), bal(1, other * N)];
            let positions = [PerpPosition::cross(0, Size(base), Quote(quote * N))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            // Mango: uhupnl = quote + base × 0.5 (long) at price 1.
            let uhupnl = i128::from(quote * N + base * N / 2);
            let mango = i128::from((spot + other) * N) + if uhupnl > 0 { uhupnl * i128::from(ow) / 1_000_000 } else { uhupnl };
            let ours = end_health(&account, &book);
            assert_eq!(ours - mango, uhupnl.max(0) * i128::from(1_000_000 - ow) / 1_000_000, "{name}: the gap");
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), (status, least), "{name}: partliq's least");
            assert_eq!(base - mango_base == least, same, "{name}: Mango reduced {} lots", base - mango_base);
        }
    }

    /// Mango's pnl settlement (the liqor takes over `s` of positive pnl
    /// and pays `s × (1 − positive_pnl_liquidation_fee)` into the settle
    /// token) on rows whose settle token is a borrow is partliq's
    /// [`UnifiedLeg::pnl_for_liability`]: `r` of the borrow repaid for
    /// `⌈r × (1 + bonus)⌉` of the gain, the bonus `1 / (1 − fee) − 1`
    /// rounded up to the ppm. Settled by partliq at Mango's amount:
    ///
    /// * "base liq, pos perp health 7: settlement without base" (fee 0;
    ///   limits 10 lots, 5 pnl): Mango settles 5: spot −20 → −15, quote 10
    ///   → 5. partliq: `r` = 5,000,000 for 5,000,000 of gain: the same.
    /// * "base liq, pos perp health 2-1: settle until health positive"
    ///   (fee 0): Mango settles 18: spot −19 → −1, quote 10 → −8. The same.
    /// * "settle fee 4" (fee 0.25; other token 4): Mango settles 2 for 1.5:
    ///   spot −7 → −5.5, quote −30 → −32. partliq's bonus `⌈1e6 / 0.75⌉ −
    ///   1e6 = 333,334`: 1,500,000 repaid takes `1,500,000 × 1.333334` =
    ///   2,000,001 of the gain exactly (all to the liquidator): quote
    ///   −32,000,001, one q beyond Mango's −32 — the ppm rounding of 4 / 3.
    #[test]
    fn test_liq_base_or_positive_pnl_settlement_as_pnl_leg() {
        // (name, (bonus ppm), (spot, base, quote, other), Mango's settled
        // (token, pnl) in q, partliq's gain taken)
        type Row = (&'static str, u32, (i64, i64, i64, i64), (i64, i64), i64);
        let rows: [Row; 3] = [
            ("base liq, pos perp health 7: settlement without base", 0, (-20, 20, 10, 0), (5 * N, 5 * N), 5 * N),
            ("base liq, pos perp health 2-1: settle until health positive", 0, (-19, 20, 10, 0), (18 * N, 18 * N), 18 * N),
            ("settle fee 4", 333_334, (-7, 70, -30, 4), (1_500_000, 2 * N), 2_000_001),
        ];
        for (name, bonus, (spot, base, quote, other), (token, pnl), gain) in rows {
            let assets = [par(), par()];
            let prices = [Price(N); 2];
            let markets = [Market::single_tier(0, 1, 1, Ppm(500_000), Ppm(100_000))];
            let marks = [Price(N)];
            let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
            let fees = [AssetLiquidationFees { liquidator_bonus: Ppm(bonus), insurance_fee: Ppm(0) }, AssetLiquidationFees::default()];
            let balances = [bal(0, spot * N), bal(1, other * N)];
            let positions = [PerpPosition::cross(0, Size(base), Quote(quote * N))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            let s = settle_leg(&account, 0, &book, &initial(&fees), &UnifiedLeg::pnl_for_liability(0, 0, token)).unwrap();
            conserved(&s.flows);
            assert_eq!((s.flows[0].account, s.flows[1].account, s.flows[1].liquidator), (token, -gain, gain), "{name}");
            // Mango's end: spot + token, quote − pnl; partliq's quote differs by the rounding unit.
            assert_eq!(gain - pnl, if bonus == 0 { 0 } else { 1 }, "{name}");
        }
    }

    /// The rows whose account is **bankrupt** (unweighted equity < 0):
    /// "neg base liq 1: limited" and "neg base liq 2: base to zero" (settle
    /// token 5, short 10 at quote 0: equity −5) and "pos base liq 2: base
    /// to zero" (settle token 0, long 20 at quote −30: equity −10). Mango
    /// trades the lots at the oracle whatever the equity (its bankruptcy
    /// instruction comes later). partliq's perp leg is today's settlement:
    /// the account never closes beyond its bankruptcy price, the fund pays
    /// the rest of the fill as bad debt. Both figures, per row: Mango's
    /// lots and end quote; partliq's sizing, the account's end quote and the
    /// fund's flow at Mango's lots (the fill at the mark is the same, paid
    /// by the account and the fund together). A short of 10 with equity −5
    /// closes at a bankruptcy price of 0.5: each lot costs the account 0.5
    /// and the fund 0.5; a long of 20 at −30 sells at 1.5 per lot, the
    /// fund adding 0.5.
    #[test]
    fn test_liq_base_or_positive_pnl_bankrupt_rows_pinned() {
        // (name, (spot, base, quote), Mango's lots, Mango's end quote,
        // partliq's (status, least), partliq's end quote, the fund's flow)
        type Row = (&'static str, (i64, i64, i64), i64, i64, (CloseStatus, i64), i64, i64);
        let rows: [Row; 3] = [
            ("neg base liq 1: limited", (5, -10, 0), 1, -N, (CloseStatus::Infeasible, 10), -N / 2, -N / 2),
            ("neg base liq 2: base to zero", (5, -10, 0), 10, -10 * N, (CloseStatus::Infeasible, 10), -5 * N, -5 * N),
            ("pos base liq 2: base to zero", (0, 20, -30), 20, -10 * N, (CloseStatus::Infeasible, 20), 0, -10 * N),
        ];
        for (name, (spot, base, quote), lots, mango_quote, sizing, end_quote, fund) in rows {
            let assets = [par(), par()];
            let prices = [Price(N); 2];
            let markets = [Market::single_tier(0, 1, 1, Ppm(500_000), Ppm(100_000))];
            let marks = [Price(N)];
            let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
            let balances = [bal(0, spot * N), bal(1, 0)];
            let positions = [PerpPosition::cross(0, Size(base), Quote(quote * N))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            assert!(pool(&account, &book).equity.0 < 0, "{name}: bankrupt");
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), sizing, "{name}: partliq's sizing");
            let s = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, lots)).unwrap();
            conserved(&s.flows);
            let q = s.flows[1];
            // The fill at the mark: lots × 1 native, received or paid by the counterparty.
            assert_eq!(q.counterparty, -q.account - q.insurance_fund, "{name}");
            assert_eq!((quote * N + q.account, q.insurance_fund), (end_quote, fund), "{name}: partliq");
            // Mango's quote: the lots at the oracle.
            assert_eq!(quote * N + base.signum() * lots * N, mango_quote, "{name}: Mango");
            assert_eq!(mango_quote - end_quote, fund, "{name}: the gap is the fund's bad debt");
        }
    }

    /// `test_liq_base_or_positive_pnl_stable_price`: initial base weight
    /// 0.6 (fraction 400,000), maintenance 0.8 (200,000), stable price 0.5
    /// (Init only). Settle token 5, long 30 at quote −30. LiquidationEnd
    /// `5 + (−30 + 30 × 0.6) = −7` (partliq −7,000,000); Maint `5 − 30 +
    /// 24 = −1`. Mango: `⌈7 / 0.4⌉ = ⌈17.5⌉ = 18` lots, leaving 12 and
    /// health `5 − 12 + 7.2 = 0.2`. partliq's least: `5 − ⌈0.4 (30 − x)⌉ ≥
    /// 0` at x = 18 (0.2e6), 17 gives −0.2e6. The same lots.
    #[test]
    fn test_liq_base_or_positive_pnl_stable_price() {
        let assets = [par()];
        let prices = [Price(N)];
        let markets = [Market::single_tier(0, 1, 1, Ppm(400_000), Ppm(200_000))];
        let marks = [Price(N)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
        let balances = [bal(0, 5 * N)];
        let positions = [PerpPosition::cross(0, Size(30), Quote(-30 * N))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let h = pool(&account, &book);
        assert_eq!((h.liquidation_end.health().unwrap(), h.maintenance.health().unwrap()), (-7_000_000, -1_000_000));
        let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 18));
        let s = sized.settlement.unwrap();
        assert_eq!(s.health_after.liquidation_end.health().unwrap(), 200_000);
        let mut after = AccountCopy::of(&account).unwrap();
        after.apply(&s).unwrap();
        assert_eq!(after.account().positions[0].size, Size(12));
        let less = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 17)).unwrap();
        assert_eq!(less.health_after.liquidation_end.health().unwrap(), -200_000);
    }

    /// `test_liq_perps_base_and_bankruptcy.rs`: quote token 0 at par (1,330
    /// deposited), settle token 1 (weights 0.6 / 0.8 / 1.2 / 1.4, no
    /// balance), a perp with base lot 100, base weights 0.6 / 0.7 (long)
    /// and 1.4 / 1.3 (short) — partliq's fractions 400,000 / 300,000 —
    /// `base_liquidation_fee` 0.03 and `platform_liquidation_fee` 0.02
    /// (partliq: fee 50,000 ppm, the liquidator's share 600,000). Each
    /// account traded 20 lots (2,000 native base) at 1.
    ///
    /// Every liquidation of the test at Mango's own lot count, settled by
    /// partliq: the account's quote moves by the lots at the oracle times
    /// `1 ∓ 0.05`, the liqor's (partliq's counterparty and liquidator
    /// together) by `1 ∓ 0.03`, the fund by the 0.02 between — Mango's
    /// `liqee_amount`, `liqor_amount` and `accrued_liquidation_fees`, to
    /// the q:
    ///
    /// | step | price | lots | liqee | liqor | fund |
    /// | --- | --- | --- | --- | --- | --- |
    /// | long, limited | 0.6 | 10 | +570 | −582 | 12 |
    /// | long, max | 0.6 | 6 | +342 | −349.2 | 7.2 |
    /// | short, limited | 1.32 | 10 | −1,386 | +1,359.6 | 26.4 |
    /// | short, max | 1.32 | 7 | −970.2 | +951.72 | 18.48 |
    /// | short to zero | 2.0 | 3 | −630 | +618 | 12 |
    ///
    /// The sizing differs by model and is pinned: Mango weights the perp's
    /// negative pnl through the settle token's liability weight 1.4. After
    /// the limited step the long account has Mango LiquidationEnd `1,330 +
    /// 1.4 × (−1,430 + 0.6 × 600) = −168` and needs `⌈(168 / 1.4) / (600 ×
    /// (0.95 − 0.6) / 10)⌉ = ⌈120 / 21⌉ = 6` lots; partliq counts the
    /// loss at par, `1,330 − 1,430 + 600 − 0.4 × 600 = 260` — already
    /// safe (the 428 between is `0.4 × 1,070`, the liability weight's
    /// share of the pnl). The short at 1.32: Mango `1,330 + 1.4 × (2,000 −
    /// 1.4 × 2,640) = −1,044.4` needs `⌈(1,044.4 / 1.4) / 46.2⌉ = 17` lots
    /// (10 limited + 7; each lot gains `132 × (1.4 − 1.05) = 46.2`);
    /// partliq `1,330 + 2,000 − 2,640 − 0.4 × 2,640 = −366` needs 8 (7.92:
    /// the same 46.2 per lot, the 52.8 of requirement released less the
    /// 6.6 fee), so at Mango's limited 10 it is already past its target.
    /// After it: Mango `1,330 + 1.4 × (614 − 1.4 × 1,320) = −397.6` (7
    /// lots), partliq `1,330 + 614 − 1,320 − 0.4 × 1,320 = 96`; at 2.0
    /// before the last 3 lots, partliq 133.8.
    #[test]
    fn test_liq_perps_base_and_bankruptcy() {
        let settle = token(600_000, 800_000, 1_200_000, 1_400_000);
        let assets = [par(), settle];
        let asset_prices = [Price(N), Price(N)];
        let mut market = Market::single_tier(0, 100, 1, Ppm(400_000), Ppm(300_000));
        market.liquidation_fee = Ppm(50_000);
        market.liquidator_fee_share = Ppm(600_000);
        let markets = [market];
        let balances = [bal(0, 1_330 * N), bal(1, 0)];
        // (step, size, quote before, price in q per native base, lots,
        // Mango's (liqee, liqor, fund) in q, partliq's sizing on the account
        // before (status, units))
        type Step = (&'static str, i64, i64, i64, i64, (i64, i64, i64), (CloseStatus, i64));
        let steps: [Step; 5] = [
            ("long, limited", 2_000, -2_000 * N, 600_000, 10, (570 * N, -582 * N, 12 * N), (CloseStatus::AlreadySafe, 0)),
            ("long, max", 1_000, -1_430 * N, 600_000, 6, (342 * N, -349_200_000, 7_200_000), (CloseStatus::AlreadySafe, 0)),
            ("short, limited", -2_000, 2_000 * N, 1_320_000, 10, (-1_386 * N, 1_359_600_000, 26_400_000), (CloseStatus::Restored, 800)),
            ("short, max", -1_000, 614 * N, 1_320_000, 7, (-970_200_000, 951_720_000, 18_480_000), (CloseStatus::AlreadySafe, 0)),
            ("short to zero", -300, -356_200_000, 2 * N, 3, (-630 * N, 618 * N, 12 * N), (CloseStatus::AlreadySafe, 0)),
        ];
        let mut healths = [0i128; 5];
        for (i, (name, size, quote, price, lots, (liqee, liqor, fund), sizing)) in steps.into_iter().enumerate() {
            let marks = [Price(price)];
            let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &marks) };
            let positions = [PerpPosition::cross(0, Size(size), Quote(quote))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            healths[i] = end_health(&account, &book);
            let sized = size_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
            assert_eq!((sized.status, sized.leg.amount), sizing, "{name}: partliq's sizing");
            let s = settle_leg(&account, 0, &book, &initial(&NO_FEES), &UnifiedLeg::reduce_perp(0, lots * 100)).unwrap();
            conserved(&s.flows);
            let q = s.flows[1];
            assert_eq!((q.account, q.counterparty + q.liquidator, q.insurance_fund), (liqee, liqor, fund), "{name}");
        }
        // partliq's liquidation-end health before each step, in q.
        assert_eq!(healths, [50_000_000, 260_000_000, -366_000_000, 96_000_000, 133_800_000]);
    }
}

mod drift_v2 {
    use super::*;
    use partliq::venues::drift_v2::liquidation::{
        calculate_base_asset_amount_to_cover_margin_shortage, calculate_liability_transfer_to_cover_margin_shortage,
        LIQUIDATION_FEE_PRECISION,
    };

    const MAINT: LegTerms<'static> = LegTerms { asset_fees: &NO_FEES, perp_band: Ppm(0), target: Target::MAINTENANCE, perp_limit: None };

    /// What a perp case gives: partliq's least (status, units), and the
    /// maintenance surplus after Drift's amount, after partliq's least and
    /// after one unit less.
    #[derive(Debug, PartialEq, Eq)]
    struct Compared {
        least: (CloseStatus, i64),
        surplus_at_drift: i128,
        surplus_at_least: i128,
        surplus_one_less: i128,
    }

    /// A long of `base` (10⁻⁹ units) at `price` (10⁻⁶ USD), maintenance
    /// fraction `ratio_bps × 100` ppm, with the quote balance that leaves a
    /// maintenance shortage of exactly `shortage`; the fee `fee + if_fee`
    /// with the liquidator's share `fee / (fee + if_fee)`.
    fn perp(shortage: i64, ratio_bps: u32, fee: u32, if_fee: u32, price: i64, base: i64, drift: i64) -> Compared {
        let mut market = Market::single_tier(-9, 1, 1, Ppm(2 * 100 * ratio_bps), Ppm(100 * ratio_bps));
        market.liquidation_fee = Ppm(fee + if_fee);
        if fee + if_fee > 0 {
            market.liquidator_fee_share = Ppm(u32::try_from(u64::from(fee) * 1_000_000 / u64::from(fee + if_fee)).unwrap());
        }
        let markets = [market];
        let marks = [Price(price)];
        let book = MarginBook::perps(&markets, &marks);
        // notional = base × price / 1e9; collateral = requirement − shortage.
        let notional = base * (price / 1_000) / 1_000_000;
        let requirement = notional / 10_000 * i64::from(ratio_bps);
        let positions = [PerpPosition::cross(0, Size(base), Quote(requirement - shortage - notional))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        assert_eq!(target_surplus(&pool(&account, &book), &Target::MAINTENANCE).unwrap(), -i128::from(shortage));
        let sized = size_leg(&account, 0, &book, &MAINT, &UnifiedLeg::reduce_perp(0, 0)).unwrap();
        let surplus = |units: i64| {
            let s = settle_leg(&account, 0, &book, &MAINT, &UnifiedLeg::reduce_perp(0, units)).unwrap();
            conserved(&s.flows);
            target_surplus(&s.health_after, &Target::MAINTENANCE).unwrap()
        };
        Compared {
            least: (sized.status, sized.leg.amount),
            surplus_at_drift: surplus(drift),
            surplus_at_least: surplus(sized.leg.amount),
            surplus_one_less: surplus(sized.leg.amount - 1),
        }
    }

    /// A borrow of `borrow` units of a token with `decimals` at `price`
    /// (10⁻⁶ USD per whole token), maintenance liability weight
    /// `liability_weight` (ppm), against `deposit` µUSDC (6 decimals, $1)
    /// of maintenance asset weight `asset_weight`; the liability's fees
    /// and the collateral's bonus. Compared with Drift's `relieved` (the
    /// borrow repaid; the surplus after it is `i128::MIN` when Drift gives
    /// no finite transfer).
    #[allow(clippy::too_many_arguments)]
    fn spot(
        decimals: i32,
        price: i64,
        liability_weight: u32,
        asset_weight: u32,
        borrow: i64,
        deposit: i64,
        fees: [AssetLiquidationFees; 2],
        relieved: i64,
    ) -> (Compared, i128) {
        let liability = Asset::weighted(-decimals, (Ppm(1_000_000), Ppm(1_000_000)), (Ppm(liability_weight), Ppm(liability_weight)));
        let usdc = Asset::weighted(-6, (Ppm(asset_weight), Ppm(asset_weight)), (Ppm(1_000_000), Ppm(1_000_000)));
        let assets = [liability, usdc];
        let prices = [Price(price), Price(N)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        let balances = [bal(0, -borrow), bal(1, deposit)];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let before = target_surplus(&pool(&account, &book), &Target::MAINTENANCE).unwrap();
        let terms = LegTerms { asset_fees: &fees, ..MAINT };
        let sized = size_leg(&account, 0, &book, &terms, &UnifiedLeg::swap(0, 1, 0)).unwrap();
        let surplus = |r: i64| {
            let s = settle_leg(&account, 0, &book, &terms, &UnifiedLeg::swap(0, 1, r)).unwrap();
            conserved(&s.flows);
            target_surplus(&s.health_after, &Target::MAINTENANCE).unwrap()
        };
        let least = sized.leg.amount;
        let at_least = if least > 0 { surplus(least) } else { 0 };
        let one_less = if least > 1 { surplus(least - 1) } else { 0 };
        let at_drift = if relieved > 0 && relieved <= sized.max_amount { surplus(relieved) } else { i128::MIN };
        (
            Compared { least: (sized.status, least), surplus_at_drift: at_drift, surplus_at_least: at_least, surplus_one_less: one_less },
            before,
        )
    }

    fn fees(liability_bonus: u32, liability_if: u32, collateral_bonus: u32) -> [AssetLiquidationFees; 2] {
        [
            AssetLiquidationFees { liquidator_bonus: Ppm(liability_bonus), insurance_fee: Ppm(liability_if) },
            AssetLiquidationFees { liquidator_bonus: Ppm(collateral_bonus), insurance_fee: Ppm(0) },
        ]
    }

    /// `calculate_base_asset_amount_to_cover_margin_shortage`'s tests (USDC
    /// at $1; `usdc_not_one` is left out: partliq's perp cash is the quote
    /// at par, while Drift scales the freed margin by the quote's oracle
    /// price). partliq's account: a long of 10 base at $100 (100 base at
    /// $50 for the hand-computed case) whose quote balance leaves exactly
    /// Drift's shortage below maintenance; closing `x` units (10⁻⁹ base) at
    /// the oracle, the fee rounded up to the q.
    ///
    /// * `zero_percent_liquidation_fee`: `1e7 / (0.1 × 10%)` = 1 base
    ///   exactly: Drift and partliq agree, surplus 0.
    /// * `one_percent_liquidation_fee`: each unit frees `0.1 × (10% − 1%)
    ///   = 0.009` q: the exact least is `⌈1,111,111,111.1⌉ =
    ///   1,111,111,112`; Drift truncates to 1,111,111,111, which covers
    ///   9,999,999.99 q of the 10,000,000 — short, and partliq's health
    ///   after it is −2 (the unit lost by the close's cash and the
    ///   remaining value, each rounded down, and the fee rounded up).
    ///   partliq's least is 1,111,111,200: the remaining requirement
    ///   `⌈(10¹⁰ − x) / 100⌉` drops to 88,888,888 q only there, and its
    ///   fee `⌈x / 1,000⌉` is 1,111,112 from 1,111,111,001 on — 88 units
    ///   (8.8e-8 base) above the exact least, the price of rounding each
    ///   term to a whole q against the account.
    /// * `one_percent_liquidation_fee_and_one_percent_if_liquidation_fee`:
    ///   `1e7 / 0.008` = 1,250,000,000 exactly: both agree, surplus 0.
    /// * `hand_computed` ($50, 5 %, 1 % + 0.5 %): exact `3e7 / (0.05 ×
    ///   3.5 %) = 17,142,857,142.86`; Drift's 17,142,857,142 is short
    ///   (partliq: −2); partliq's least 17,142,857,200 (0).
    #[test]
    fn base_asset_amount_to_cover_margin_shortage() {
        let f = LIQUIDATION_FEE_PRECISION;
        // (name, shortage, margin ratio bps, fee, insurance fee, price, base
        // held, Drift's amount, partliq's figures)
        type Row = (&'static str, u128, u32, u32, u32, i64, i64, u64, Compared);
        let c = |least: i64, status: CloseStatus, at_drift: i128| Compared {
            least: (status, least),
            surplus_at_drift: at_drift,
            surplus_at_least: 0,
            surplus_one_less: -2,
        };
        let rows: [Row; 4] = [
            (
                "zero_percent_liquidation_fee",
                10_000_000,
                1_000,
                0,
                0,
                100_000_000,
                10_000_000_000,
                1_000_000_000,
                c(1_000_000_000, CloseStatus::Restored, 0),
            ),
            (
                "one_percent_liquidation_fee",
                10_000_000,
                1_000,
                f / 100,
                0,
                100_000_000,
                10_000_000_000,
                1_111_111_111,
                c(1_111_111_200, CloseStatus::Restored, -2),
            ),
            (
                "one_percent_liquidation_fee_and_one_percent_if_liquidation_fee",
                10_000_000,
                1_000,
                f / 100,
                f / 100,
                100_000_000,
                10_000_000_000,
                1_250_000_000,
                c(1_250_000_000, CloseStatus::Restored, 0),
            ),
            (
                "hand_computed",
                30_000_000,
                500,
                f / 100,
                f / 200,
                50_000_000,
                100_000_000_000,
                17_142_857_142,
                c(17_142_857_200, CloseStatus::Restored, -2),
            ),
        ];
        for (name, shortage, ratio, fee, if_fee, price, base, drift, want) in rows {
            let got = calculate_base_asset_amount_to_cover_margin_shortage(shortage, ratio, fee, if_fee, price, 1_000_000).unwrap();
            assert_eq!(got, drift, "{name}: Drift's figure");
            let shortage = i64::try_from(shortage).unwrap();
            assert_eq!(perp(shortage, ratio, fee, if_fee, price, base, i64::try_from(drift).unwrap()), want, "{name}: partliq");
        }
    }

    /// `calculate_liability_transfer_to_cover_margin_shortage`'s tests.
    /// partliq's account: a borrow of one whole token (1,000 for the
    /// 6-decimal row) of the liability at its weight, against the µUSDC of
    /// the asset weight that leaves exactly Drift's shortage below
    /// maintenance (137,500,000 at 0.8 against $120 of weighted borrow;
    /// 27,766,666,667 at 0.9 against $25,000, `⌊0.9 ×⌋` = 24,990,000,000;
    /// 1,377,777,778 against $1,250). Drift's transfer `T` relieves the
    /// borrow of `T − ⌊i T⌋` (the fund keeps `i T`): that is the amount
    /// compared. Exact figures below are Drift's own multipliers in
    /// rationals, without its truncations:
    ///
    /// * `zero_asset_and_liability_fee`: `1e7 / (0.1 × 0.4)` =
    ///   250,000,000 exactly: both agree, surplus 0.
    /// * `ten_percent_asset_and_liability_fee` (`m_A` 1.1, `m_L` 0.9):
    ///   exact 450,000,000 (`0.1 × (1.2 − 0.8 × 1.1 / 0.9)` per unit);
    ///   Drift's `c_A = ⌊97,777.8⌋` gives 449,984,250, 350 q short in exact
    ///   terms; partliq, with the liability's `1 / 0.9` rounded up to
    ///   1.111112, is 386 q short after it; partliq's least 450,001,600:
    ///   1,600 units (3.6 ppm) above the exact, the ppm rounding's cost.
    /// * `zero_asset_and_liability_fee_with_one_percent_if_fee`: Drift's
    ///   257,731,958 relieves 255,154,639, which covers in exact terms
    ///   (+0.04 q; Drift's own test: 10,000,001). partliq maps `1 / 0.99`
    ///   to an insurance fee of 10,102 ppm (1.010102 ≥ 1.0101…), which
    ///   takes 0.99 ppm more collateral: −22 after Drift's amount, least
    ///   255,155,167 (exact least 255,154,640). Here the gap is partliq's
    ///   ppm mapping, not Drift's truncation.
    /// * `ten_percent_asset_and_liability_fee_with_one_percent_if_fee`:
    ///   Drift's 475,669,504 relieves 470,912,809, 370 q short in exact
    ///   terms (Drift's truncated `c_A` again; its test's 10,003,330 is
    ///   computed with the same `c_A`); partliq −394 after it (liability
    ///   factor `1 / (0.9 × 0.99)` rounded up to 1.122335: bonus 111,112,
    ///   insurance fee 11,223); least 470,931,300 (exact 470,930,233).
    /// * `liability_weight_component_less_than_asset_weight_component`
    ///   (weights 1 and 1, `m_L` 0.75): Drift `u128::MAX` (no transfer
    ///   covers it); partliq infeasible, each unit repaid taking 1.333334 of
    ///   collateral: the largest transfer the 90 USDC allow, 674,999, leaves
    ///   −32,500,012.
    /// * `hand_computed`, BTC at $20,000 (8 decimals, weight 1.25, USDC at
    ///   0.9 with `m_A` 1.05): exact `1e7 / (200 × 0.305) = 163,934.4`;
    ///   Drift's 163,934 is 26 q short (exact and partliq alike); partliq's
    ///   least 163,935 (+35). With a 1 % insurance fee Drift's 170,940
    ///   relieves 169,231 and covers exactly (+90 q); partliq's 1.010102
    ///   leaves −19 there and its least is 169,232. A 6-decimal liability
    ///   at $1: Drift's 32,786,885 is 0.075 q short exactly, −1 in
    ///   partliq; partliq's least 32,786,888 (exact least 32,786,886).
    #[test]
    fn liability_transfer_to_cover_margin_shortage() {
        let f = LIQUIDATION_FEE_PRECISION;
        let w = 10_000;
        // (name, (asset weight, m_A, liability weight, m_L), decimals,
        // price, insurance fee, (borrow, deposit), partliq's fees, Drift's
        // transfer, partliq's figures)
        type Row = (&'static str, (u32, u32, u32, u32), u32, i64, u32, (i64, i64), [AssetLiquidationFees; 2], u128, Compared);
        let c = |status: CloseStatus, least: i64, at_drift: i128, at_least: i128, one_less: i128| Compared {
            least: (status, least),
            surplus_at_drift: at_drift,
            surplus_at_least: at_least,
            surplus_one_less: one_less,
        };
        let sol = (1_000_000_000, 137_500_000);
        let btc = (100_000_000, 27_766_666_667);
        let rows: [Row; 8] = [
            (
                "zero_asset_and_liability_fee",
                (8 * w / 10, f, 12 * w / 10, f),
                9,
                100_000_000,
                0,
                sol,
                fees(0, 0, 0),
                250_000_000,
                c(CloseStatus::Restored, 250_000_000, 0, 0, -1),
            ),
            (
                "ten_percent_asset_and_liability_fee",
                (8 * w / 10, 110 * f / 100, 12 * w / 10, 90 * f / 100),
                9,
                100_000_000,
                0,
                sol,
                fees(111_112, 0, 100_000),
                449_984_250,
                c(CloseStatus::Restored, 450_001_600, -386, 0, -1),
            ),
            (
                "zero_asset_and_liability_fee_with_one_percent_if_fee",
                (8 * w / 10, f, 12 * w / 10, f),
                9,
                100_000_000,
                f / 100,
                sol,
                fees(0, 10_102, 0),
                257_731_958,
                c(CloseStatus::Restored, 255_155_167, -22, 0, -1),
            ),
            (
                "ten_percent_asset_and_liability_fee_with_one_percent_if_fee",
                (8 * w / 10, 110 * f / 100, 12 * w / 10, 90 * f / 100),
                9,
                100_000_000,
                f / 100,
                sol,
                fees(111_112, 11_223, 100_000),
                475_669_504,
                c(CloseStatus::Restored, 470_931_300, -394, 0, -1),
            ),
            (
                "liability_weight_component_less_than_asset_weight_component",
                (w, f, w, 75 * f / 100),
                6,
                100_000_000,
                0,
                (1_000_000, 90_000_000),
                fees(333_334, 0, 0),
                u128::MAX,
                c(CloseStatus::Infeasible, 674_999, i128::MIN, -32_500_012, -32_499_979),
            ),
            (
                "hand_computed (BTC)",
                (9 * w / 10, 105 * f / 100, 125 * w / 100, f),
                8,
                20_000_000_000,
                0,
                btc,
                fees(0, 0, 50_000),
                163_934,
                c(CloseStatus::Restored, 163_935, -26, 35, -26),
            ),
            (
                "hand_computed (BTC, 1 % insurance fee)",
                (9 * w / 10, 105 * f / 100, 125 * w / 100, f),
                8,
                20_000_000_000,
                f / 100,
                btc,
                fees(0, 10_102, 50_000),
                170_940,
                c(CloseStatus::Restored, 169_232, -19, 40, -19),
            ),
            (
                "hand_computed (6 decimals at $1)",
                (9 * w / 10, 105 * f / 100, 125 * w / 100, f),
                6,
                1_000_000,
                0,
                (1_000_000_000, 1_377_777_778),
                fees(0, 0, 50_000),
                32_786_885,
                c(CloseStatus::Restored, 32_786_888, -1, 0, -1),
            ),
        ];
        for (name, (wa, ma, wl, ml), decimals, price, if_fee, (borrow, deposit), fees, drift, want) in rows {
            let got = calculate_liability_transfer_to_cover_margin_shortage(10_000_000, wa, ma, wl, ml, decimals, price, if_fee).unwrap();
            assert_eq!(got, drift, "{name}: Drift's figure");
            let relieved = if drift == u128::MAX {
                0
            } else {
                let t = i64::try_from(drift).unwrap();
                t - t * i64::from(if_fee) / 1_000_000
            };
            let (got, before) = spot(i32::try_from(decimals).unwrap(), price, wl * 100, wa * 100, borrow, deposit, fees, relieved);
            assert_eq!(before, -10_000_000, "{name}: the shortage");
            assert_eq!(got, want, "{name}: partliq");
        }
    }
}
