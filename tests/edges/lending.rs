//! Lending mode on unified accounts (`partliq::unified::lending`) at the
//! edges: empty accounts, `i64` extremes of balances and prices, exponents
//! at and beyond their range, every asset slot in use, zero and extreme
//! amounts to cover.

use crate::support::check;
use partliq::unified::lending::*;
use partliq::*;

const E8: i64 = 100_000_000;

fn terms() -> LendingTerms {
    LendingTerms::new(Ppm(800_000), Ppm(1_050_000), Ppm(100_000))
}

fn book<'a>(assets: &'a [Asset], prices: &'a [Price]) -> MarginBook<'a> {
    MarginBook { assets, asset_prices: prices, ..MarginBook::perps(&[], &[]) }
}

/// (collateral, debt, health factor) in base units and WAD.
fn health(balances: &[AssetBalance], assets: &[Asset], prices: &[Price], terms: &[LendingTerms]) -> Result<(i128, i128, i128)> {
    lending_health(&UnifiedAccount { balances, positions: &[] }, &book(assets, prices), terms)
        .map(|h| (h.total_collateral_base, h.total_debt_base, h.health_factor))
}

fn bal(asset_index: u32, amount: i64) -> AssetBalance {
    AssetBalance { asset_index, amount }
}

#[test]
fn health_at_the_extremes() {
    let par = [Asset::at_par(0)];
    let one = [Price(1)];
    let t = [terms()];
    let wide = |e: i32| [Asset::at_par(e)];
    check(&[
        // No balances: no collateral, no debt, HF = MAX.
        ("empty account", health(&[], &par, &one, &t), Ok((0, 0, i128::MAX))),
        // A borrow of i64::MIN at price 1: debt 2^63, no collateral → HF 0.
        ("i64::MIN borrow", health(&[bal(0, i64::MIN)], &par, &one, &t), Ok((0, 1 << 63, 0))),
        // i64::MAX deposit at i64::MAX with e = 18: P = (2^63 − 1) × 10^18 fits,
        // the value (2^63 − 1)² × 10^18 ≈ 8.5e55 does not.
        ("value beyond i128", health(&[bal(0, i64::MAX)], &wide(18), &[Price(i64::MAX)], &t), Err(Error::Overflow)),
        // e + k = 18 + 20 = 38 is in range, but P = (2^63 − 1) × 10^38 does not fit.
        ("price beyond i128", health(&[bal(0, 1)], &wide(18), &[Price(i64::MAX)], &[terms().with_base_exponent(20)]), Err(Error::Overflow)),
        // e + k = −18 − 20 = −38: d = 38, 1 unit at price 1 is worth 10⁻³⁸ → 0.
        ("decimals 38", health(&[bal(0, i64::MAX)], &wide(-18), &one, &[terms().with_base_exponent(-20)]), Ok((0, 0, i128::MAX))),
        ("e + k = 39", health(&[bal(0, 1)], &wide(18), &one, &[terms().with_base_exponent(21)]), Err(Error::InvalidBaseExponent)),
        ("e + k = −39", health(&[bal(0, 1)], &wide(-18), &one, &[terms().with_base_exponent(-21)]), Err(Error::InvalidBaseExponent)),
        ("k = 39", health(&[bal(0, 1)], &par, &one, &[terms().with_base_exponent(39)]), Err(Error::InvalidBaseExponent)),
        ("quote exponent 19", health(&[bal(0, 1)], &wide(19), &one, &t), Err(Error::InvalidQuoteExponent)),
        ("negative price", health(&[bal(0, 1)], &par, &[Price(-1)], &t), Err(Error::NegativePrice)),
        ("price slice short", health(&[bal(0, 1)], &par, &[], &t), Err(Error::MissingPrice)),
        ("asset index u32::MAX", health(&[bal(u32::MAX, 1)], &par, &one, &t), Err(Error::UnknownAsset)),
        // A zero balance still needs its asset, but values nothing.
        ("zero balance", health(&[bal(0, 0)], &par, &one, &t), Ok((0, 0, i128::MAX))),
    ]);
}

#[test]
fn terms_at_the_extremes() {
    let t = |lt: u32, b: u32, f: u32| LendingTerms::new(Ppm(lt), Ppm(b), Ppm(f)).validate();
    check(&[
        ("threshold u32::MAX", t(u32::MAX, 1_000_000, 0), Err(Error::FractionAbove100Percent)),
        ("fee u32::MAX", t(0, 1_000_000, u32::MAX), Err(Error::FractionAbove100Percent)),
        // u32::MAX = 4,294,967,295 ppm is not whole bps (…95)
        ("bonus u32::MAX", t(0, u32::MAX, 0), Err(Error::LendingTermNotWholeBps)),
        // 4,294,967,200 ppm = 42,949,672 bps: whole; threshold 0 → 0 × bonus ≤ 100 %
        ("bonus 42,949,672 bps, threshold 0", t(0, 4_294_967_200, 0), Ok(())),
        // threshold 1 bp × bonus 42,949,672 bps = 4,294.97 bps → passes; 3 bps → 12,884.9 > 10,000
        ("1 bp × huge bonus", t(100, 4_294_967_200, 0), Ok(())),
        ("3 bps × huge bonus", t(300, 4_294_967_200, 0), Err(Error::LendingThresholdTimesBonusAbove100Percent)),
        ("threshold 100 %, bonus 100 %, fee 100 %", t(1_000_000, 1_000_000, 1_000_000), Ok(())),
        // percentMul(10,000, 10,001) = 10,001 > 10,000
        ("threshold 100 %, bonus 100.01 %", t(1_000_000, 1_000_100, 0), Err(Error::LendingThresholdTimesBonusAbove100Percent)),
        ("all zero", t(0, 0, 0), Err(Error::LendingBonusBelow100Percent)),
    ]);
}

/// 64 balances of 64 distinct assets (the most an account may hold) and
/// the collateral and debt assets named beyond them: 66 reserves.
#[test]
fn every_slot_in_use() {
    let assets = [Asset::at_par(0); 66];
    let prices = [Price(1); 66];
    let t = [terms(); 66];
    let b = book(&assets, &prices);
    // 63 deposits of $100 and one borrow of $6,000: HF = 0.8 × 6,300 / 6,000 = 0.84.
    let mut balances: Vec<AssetBalance> = (0..63).map(|i| bal(i, 100 * E8)).collect();
    balances.push(bal(63, -6_000 * E8));
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let h = lending_health(&account, &b, &t).unwrap();
    assert_eq!((h.total_collateral_base, h.total_debt_base), (6_300 * i128::from(E8), 6_000 * i128::from(E8)));
    assert_eq!(h.health_factor, 840_000_000_000_000_000);
    check(&[
        ("collateral asset not held", plan_lending_liquidation(&account, &b, &t, 64, 63, 1).err(), Some(Error::CollateralNotEnabled)),
        ("debt asset not held", plan_lending_liquidation(&account, &b, &t, 0, 65, 1).err(), Some(Error::NotBorrowed)),
        ("asset beyond the book", plan_lending_liquidation(&account, &b, &t, 66, 63, 1).err(), Some(Error::UnknownAsset)),
    ]);
    // $100 of collateral < $2,000: the whole debt may go; repaying $50 seizes
    // $52.50, leaving $47.50 < $1,000 of it → refused; covering everything seizes
    // the $100 (capped): debt ⌈100e8 / 1.05⌉ = 9,523,809,524 repaid.
    assert_eq!(plan_lending_liquidation(&account, &b, &t, 0, 63, 50 * i128::from(E8)).err(), Some(Error::MustNotLeaveDust));
    let l = plan_lending_liquidation(&account, &b, &t, 0, 63, i128::MAX).unwrap();
    assert_eq!(l.debt_repaid, 9_523_809_524);
    assert_eq!(l.collateral_seized, 100 * i128::from(E8));
    assert_eq!(l.flows().len(), 2);
    let too_many: Vec<AssetBalance> = (0..65).map(|i| bal(i, 1)).collect();
    let account = UnifiedAccount { balances: &too_many, positions: &[] };
    assert_eq!(lending_health(&account, &b, &t), Err(Error::TooManyBalances));
}

#[test]
fn amounts_to_cover_at_the_extremes() {
    let assets = [Asset::at_par(0), Asset::at_par(0)];
    let prices = [Price(1), Price(1)];
    let t = [terms(), terms()];
    let b = book(&assets, &prices);
    // $10,000 against $9,000: HF 0.889.
    let balances = [bal(0, 10_000 * E8), bal(1, -9_000 * E8)];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let plan = |cover: i128| plan_lending_liquidation(&account, &b, &t, 0, 1, cover).map(|l| (l.debt_repaid, l.collateral_seized));
    check(&[
        // Nothing to repay: Aave's debt burn of zero scaled units is refused.
        ("zero", plan(0), Err(Error::ZeroBurnAmount)),
        ("negative", plan(-1), Err(Error::OutOfRange)),
        ("i128::MIN", plan(i128::MIN), Err(Error::OutOfRange)),
        // One unit: seizes ⌊1 × 1.05⌋ = 1.
        ("one unit", plan(1), Ok((1, 1))),
        // Everything: HF ≤ 0.95 → the whole 9,000e8; seizes 9,450e8 ≤ 10,000e8.
        ("i128::MAX", plan(i128::MAX), Ok((9_000 * i128::from(E8), 9_450 * i128::from(E8)))),
    ]);
    // The least with no scan limit and with the largest.
    let a = least_debt_to_cover(&account, &b, &t, 0, 1, 0).unwrap();
    let z = least_debt_to_cover(&account, &b, &t, 0, 1, u32::MAX).unwrap();
    assert_eq!(a.debt_to_cover, z.debt_to_cover);
    assert!(z.exact && z.restores);
}
