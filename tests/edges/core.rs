//! Core edge tables: numbers (`num`, `Ppm`, `Quote`), checked integers and
//! error descriptions, markets (validation, notional, maintenance
//! deduction), health (pool, account, `needs_liquidation`,
//! `Target::required_equity`, `Account::pool_count`), sizing, planning,
//! pricing, settlement, the pipeline and the policy rule state
//! (`AccountLiquidationState`, `Fraction::is_set`, `MarketCapacityState`).

use partliq::num::{add, cmp_products, div_round, mul, mul_div, mul_div_wide, pow10, sub};
use partliq::*;

use crate::support::{check, pos, tier, IMAX, IMIN, MAX, MIN, UMAX};
use crate::{fee_market, market, pos0};

/// `fee_market()` with `n` tiers: floors 0, 1,000, 2,000, …; fractions rising by
/// 1 % (initial) and 0.5 % (maintenance) per tier.
fn tiered(n: usize) -> Market {
    let tiers: Vec<MarginTier> = (0..n)
        .map(|k| MarginTier {
            notional_floor: Quote(1_000 * k as i64),
            initial: Ppm(100_000 + 10_000 * k as u32),
            maintenance: Ppm(50_000 + 5_000 * k as u32),
        })
        .collect();
    fee_market().with_tiers(&tiers).unwrap()
}

/// Equity, initial and maintenance requirements and state of a pool.
fn health(pool: &Pool<'_>, markets: &[Market], prices: &[Price]) -> Result<(i64, i64, i64, HealthState)> {
    pool_health(pool, markets, prices).map(|h| (h.equity.0, h.initial_requirement.0, h.maintenance_requirement.0, h.state))
}

// ---------------------------------------------------------------------------
// Numbers.

#[test]
fn num_edges() {
    use Rounding::*;
    let (imin, imax) = (i128::MIN, i128::MAX);
    let rows: &[(&str, Result<i128>, Result<i128>)] = &[
        ("div_round(0, 1)", div_round(0, 1, Floor), Ok(0)),
        ("div_round(x, 0)", div_round(1, 0, Ceil), Err(Error::DivisionByZero)),
        ("div_round(MIN, -1)", div_round(imin, -1, Floor), Err(Error::Overflow)),
        ("div_round(MIN, 1)", div_round(imin, 1, Ceil), Ok(imin)),
        ("div_round(MAX, 2) floor", div_round(imax, 2, Floor), Ok(imax / 2)),
        ("div_round(MAX, 2) ceil", div_round(imax, 2, Ceil), Ok(imax / 2 + 1)),
        ("div_round(MIN+1, 2) floor", div_round(imin + 1, 2, Floor), Ok(imin / 2)),
        ("div_round(MIN+1, 2) toward zero", div_round(imin + 1, 2, TowardZero), Ok(imin / 2 + 1)),
        ("mul_div(i64::MAX, i64::MAX, 1)", mul_div(MAX.into(), MAX.into(), 1, Floor), Ok(i128::from(MAX) * i128::from(MAX))),
        ("mul_div(i64::MIN, i64::MIN, 1)", mul_div(MIN.into(), MIN.into(), 1, Floor), Ok(1i128 << 126)),
        ("mul_div(i128::MAX, 2, 2)", mul_div(imax, 2, 2, Floor), Err(Error::Overflow)),
        ("mul_div_wide(i128::MAX, 2, 2)", mul_div_wide(imax, 2, 2, Floor), Ok(imax)),
        ("mul_div_wide(i128::MIN, 1, 1)", mul_div_wide(imin, 1, 1, Floor), Ok(imin)),
        ("mul_div_wide(i128::MAX, i128::MAX, 1)", mul_div_wide(imax, imax, 1, Floor), Err(Error::Overflow)),
        ("mul_div_wide(x, y, 0)", mul_div_wide(1, 1, 0, Floor), Err(Error::DivisionByZero)),
        ("mul_div_wide(0, i128::MIN, -1)", mul_div_wide(0, imin, -1, Ceil), Ok(0)),
        ("mul_div_wide(-1, 1, 2) floor", mul_div_wide(-1, 1, 2, Floor), Ok(-1)),
        ("mul_div_wide(-1, 1, 2) ceil", mul_div_wide(-1, 1, 2, Ceil), Ok(0)),
        ("pow10(0)", pow10(0), Ok(1)),
        ("pow10(38)", pow10(38), Ok(10i128.pow(38))),
        ("pow10(39)", pow10(39), Err(Error::Overflow)),
        ("Ppm(0).of(MAX)", Ppm(0).of(imax, Ceil), Ok(0)),
        ("Ppm(1e6).of(i64::MIN)", Ppm::ONE.of(MIN.into(), Floor), Ok(MIN.into())),
        ("Ppm(1).of(1) ceil", Ppm(1).of(1, Ceil), Ok(1)),
        ("Ppm(1).of(1) floor", Ppm(1).of(1, Floor), Ok(0)),
        ("Ppm(u32::MAX).of(i128::MAX)", Ppm(u32::MAX).of(imax, Floor), Err(Error::Overflow)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let quotes: &[(&str, Result<Quote>, Result<Quote>)] = &[
        ("Quote::from_i128(i64::MAX)", Quote::from_i128(MAX.into()), Ok(Quote(MAX))),
        ("Quote::from_i128(i64::MIN)", Quote::from_i128(MIN.into()), Ok(Quote(MIN))),
        ("Quote::from_i128(i64::MAX + 1)", Quote::from_i128(i128::from(MAX) + 1), Err(Error::Overflow)),
        ("Quote::from_i128(i64::MIN - 1)", Quote::from_i128(i128::from(MIN) - 1), Err(Error::Overflow)),
    ];
    for (name, got, want) in quotes {
        assert_eq!(got, want, "{name}");
    }
    use core::cmp::Ordering::*;
    let cmps = [
        ("cmp_products(MIN, MIN, MAX, MAX)", cmp_products(imin, imin, imax, imax), Greater),
        ("cmp_products(MIN, 1, MIN, 1)", cmp_products(imin, 1, imin, 1), Equal),
        ("cmp_products(0, MIN, 0, MAX)", cmp_products(0, imin, 0, imax), Equal),
        ("cmp_products(MIN, MAX, 0, 0)", cmp_products(imin, imax, 0, 0), Less),
    ];
    for (name, got, want) in cmps {
        assert_eq!(got, want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// Markets.

#[test]
fn market_validate_edges() {
    let with = |f: &dyn Fn(&mut Market)| {
        let mut m = fee_market();
        f(&mut m);
        m.validate()
    };
    let rows: &[(&str, Result<()>)] = &[
        ("the base market", Ok(())),
        ("lot step 0", Err(Error::InvalidLotStep)),
        ("lot step i64::MIN", Err(Error::InvalidLotStep)),
        ("lot step i64::MAX", Ok(())),
        ("tick 0", Err(Error::InvalidTick)),
        ("tick i64::MIN", Err(Error::InvalidTick)),
        ("tick i64::MAX", Ok(())),
        ("exponent -18", Ok(())),
        ("exponent 18", Ok(())),
        ("exponent -19", Err(Error::InvalidQuoteExponent)),
        ("exponent i32::MAX", Err(Error::InvalidQuoteExponent)),
        ("tier count 0", Err(Error::InvalidTierCount)),
        ("tier count MAX_TIERS + 1", Err(Error::InvalidTierCount)),
        ("tier count u32::MAX", Err(Error::InvalidTierCount)),
        ("dust floor -1", Err(Error::InvalidDustFloor)),
        ("dust floor i64::MAX", Ok(())),
        ("fee 100 %", Ok(())),
        ("fee 100 % + 1 ppm", Err(Error::FractionAbove100Percent)),
        ("fee share u32::MAX", Err(Error::FractionAbove100Percent)),
        ("MAX_TIERS tiers", Ok(())),
        ("MAX_TIERS tiers, last floor i64::MAX", Ok(())),
        ("MAX_TIERS tiers, a fraction above 100 %", Err(Error::FractionAbove100Percent)),
    ];
    let got: Vec<Result<()>> = vec![
        with(&|_| {}),
        with(&|m| m.lot_step = Size(0)),
        with(&|m| m.lot_step = Size(MIN)),
        with(&|m| m.lot_step = Size(MAX)),
        with(&|m| m.tick = Price(0)),
        with(&|m| m.tick = Price(MIN)),
        with(&|m| m.tick = Price(MAX)),
        with(&|m| m.quote_exponent = -18),
        with(&|m| m.quote_exponent = 18),
        with(&|m| m.quote_exponent = -19),
        with(&|m| m.quote_exponent = i32::MAX),
        with(&|m| m.tier_count = 0),
        with(&|m| m.tier_count = MAX_TIERS as u32 + 1),
        with(&|m| m.tier_count = u32::MAX),
        with(&|m| m.dust_floor = Quote(-1)),
        with(&|m| m.dust_floor = Quote(MAX)),
        with(&|m| m.liquidation_fee = Ppm(1_000_000)),
        with(&|m| m.liquidation_fee = Ppm(1_000_001)),
        with(&|m| m.liquidator_fee_share = Ppm(u32::MAX)),
        tiered(MAX_TIERS).validate(),
        {
            let mut m = tiered(MAX_TIERS);
            m.tiers[MAX_TIERS - 1].notional_floor = Quote(MAX);
            m.validate()
        },
        {
            let mut m = tiered(MAX_TIERS);
            m.tiers[MAX_TIERS - 1].initial = Ppm(1_000_001);
            m.validate()
        },
    ];
    assert_eq!(rows.len(), got.len());
    for ((name, want), got) in rows.iter().zip(&got) {
        assert_eq!(got, want, "{name}");
    }
    // with_tiers: empty and MAX_TIERS + 1 refused.
    assert_eq!(fee_market().with_tiers(&[]), Err(Error::InvalidTierCount), "with_tiers(&[])");
    let many = [MarginTier::default(); MAX_TIERS + 1];
    assert_eq!(fee_market().with_tiers(&many), Err(Error::InvalidTierCount), "with_tiers(MAX_TIERS + 1)");
}

#[test]
fn notional_edges() {
    let m = fee_market();
    let m18 = fee_market().with_exponent(18);
    let mneg = fee_market().with_exponent(-18);
    use Rounding::*;
    let rows: &[(&str, Result<Quote>, Result<Quote>)] = &[
        ("0 × MAX", m.notional(Size(0), Price(MAX), Floor), Ok(Quote(0))),
        ("MAX × 1", m.notional(Size(MAX), Price(1), Floor), Ok(Quote(MAX))),
        ("MIN × 1", m.notional(Size(MIN), Price(1), Floor), Ok(Quote(MIN))),
        ("MAX × 2", m.notional(Size(MAX), Price(2), Floor), Err(Error::Overflow)),
        ("MIN × -1", m.notional(Size(MIN), Price(-1), Floor), Err(Error::Overflow)),
        ("one lot × one tick", m.notional(Size(1), Price(1), Floor), Ok(Quote(1))),
        ("one lot × one tick, e = 18", m18.notional(Size(1), Price(1), Floor), Ok(Quote(1_000_000_000_000_000_000))),
        ("10 × one tick, e = 18", m18.notional(Size(10), Price(1), Floor), Err(Error::Overflow)),
        ("one lot × one tick, e = -18, floor", mneg.notional(Size(1), Price(1), Floor), Ok(Quote(0))),
        ("one lot × one tick, e = -18, ceil", mneg.notional(Size(1), Price(1), Ceil), Ok(Quote(1))),
        ("-1 lot × one tick, e = -18, floor", mneg.notional(Size(-1), Price(1), Floor), Ok(Quote(-1))),
        ("MAX × MAX, e = -18 (8.5e19)", mneg.notional(Size(MAX), Price(MAX), Floor), Err(Error::Overflow)),
        ("MAX × 1, e = -18", mneg.notional(Size(MAX), Price(1), Floor), Ok(Quote(9))),
        ("MAX × 1, e = -18, ceil", mneg.notional(Size(MAX), Price(1), Ceil), Ok(Quote(10))),
        ("MAX × MAX, e = 0", m.notional(Size(MAX), Price(MAX), Floor), Err(Error::Overflow)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let values: &[(&str, Result<i128>, Result<i128>)] = &[
        ("value 0 lots, qb MIN", m.position_value(Size(0), Price(1), Quote(MIN)), Ok(i128::from(MIN))),
        (
            "value MAX lots × MAX, qb MAX",
            m.position_value(Size(MAX), Price(MAX), Quote(MAX)),
            Ok(i128::from(MAX) * i128::from(MAX) + i128::from(MAX)),
        ),
        (
            "value MIN lots × MAX, qb MIN",
            m.position_value(Size(MIN), Price(MAX), Quote(MIN)),
            Ok(i128::from(MIN) * i128::from(MAX) + i128::from(MIN)),
        ),
        ("value 1 lot, e = -18 (floor)", mneg.position_value(Size(-1), Price(1), Quote(0)), Ok(-1)),
    ];
    for (name, got, want) in values {
        assert_eq!(got, want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// Health.

#[test]
fn pool_health_edges() {
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let h = |c: i64, ps: &[Position], prices: &[Price]| health(&Pool::new(Quote(c), ps), &ms, prices);
    let many = vec![pos0(1, -95); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(i64, i64, i64, HealthState)>, Result<(i64, i64, i64, HealthState)>)> = vec![
        ("empty pool, collateral 0", h(0, &[], &[]), Ok((0, 0, 0, HealthState::Healthy))),
        ("empty pool, collateral MAX", h(MAX, &[], &[]), Ok((MAX, 0, 0, HealthState::Healthy))),
        ("empty pool, collateral MIN", h(MIN, &[], &[]), Ok((MIN, 0, 0, HealthState::Bankrupt))),
        ("empty pool, collateral -1", h(-1, &[], &[]), Ok((-1, 0, 0, HealthState::Bankrupt))),
        ("size 0 needs no price", h(0, &[pos0(0, 5)], &[]), Ok((5, 0, 0, HealthState::Healthy))),
        ("size 0, unknown market", health(&Pool::new(Quote(0), &[pos0(0, 5)]), &[], &[]), Err(Error::UnknownMarket)),
        ("one lot at one tick", h(0, &[pos0(1, 0)], &[Price(1)]), Ok((1, 1, 1, HealthState::Healthy))),
        ("one lot short at one tick", h(0, &[pos0(-1, 1)], &[Price(1)]), Ok((0, 1, 1, HealthState::Liquidatable))),
        ("missing price", h(0, &[pos0(1, 0)], &[]), Err(Error::MissingPrice)),
        ("price 0", h(0, &[pos0(1, 0)], &[Price(0)]), Err(Error::MissingPrice)),
        ("price MIN", h(0, &[pos0(1, 0)], &[Price(MIN)]), Err(Error::NegativePrice)),
        (
            "size MAX at 1: requirement ceil(MAX / 10)",
            h(0, &[pos0(MAX, 0)], &[Price(1)]),
            Ok((MAX, 922_337_203_685_477_581, 461_168_601_842_738_791, HealthState::Healthy)),
        ),
        ("size MAX at 1, collateral 1", h(1, &[pos0(MAX, 0)], &[Price(1)]), Err(Error::Overflow)),
        (
            "size MIN at 1, qb MAX: equity -1",
            h(0, &[pos0(MIN, MAX)], &[Price(1)]),
            Ok((-1, 922_337_203_685_477_581, 461_168_601_842_738_791, HealthState::Bankrupt)),
        ),
        ("size MAX at MAX", h(0, &[pos0(MAX, MIN)], &[Price(MAX)]), Err(Error::Overflow)),
        ("collateral MAX + a positive position", h(MAX, &[pos0(1, 0)], &p100), Err(Error::Overflow)),
        ("MAX_POSITIONS positions", h(0, &many, &p100), Ok((64 * 5, 64 * 10, 64 * 5, HealthState::Healthy))),
        (
            "MAX_POSITIONS + 1 positions (health has no limit)",
            h(0, &[many.as_slice(), &[pos0(1, -95)]].concat(), &p100),
            Ok((65 * 5, 65 * 10, 65 * 5, HealthState::Healthy)),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    // MAX_TIERS tiers: 20 units at 100 = 2,000 notional sits in tier 2 (floor 2,000):
    // maintenance = 2,000 × 6 % − (1,000 × 0.5 % + 2,000 × 0.5 %) = 120 − 15 = 105.
    let t = [tiered(MAX_TIERS)];
    let got = health(&Pool::new(Quote(0), &[pos0(20, -1_900)]), &t, &p100);
    assert_eq!(got, Ok((100, 210, 105, HealthState::Liquidatable)), "MAX_TIERS tiers, tier 2");
    // Top tier (15, floor 15,000): 200 units = 20,000 notional; mm = 20,000 × 12.5 % − Σ_k 1,000·k·0.5 % (k = 1..15) = 2,500 − 600 = 1,900.
    let got = health(&Pool::new(Quote(0), &[pos0(200, -20_000)]), &t, &p100);
    assert_eq!(got.map(|h| h.2), Ok(1_900), "MAX_TIERS tiers, top tier");
}

#[test]
fn account_health_edges() {
    let ms = [fee_market()];
    let ps = [pos0(1, -95), pos0(-1, 104)];
    let iso = |c: i64, ps: &[Position]| {
        account_health(&Account { collateral: Quote(c), positions: ps, mode: MarginMode::Isolated }, &ms, &[Price(100)])
    };
    let cross = |c: i64, ps: &[Position]| account_health(&Account::cross(Quote(c), ps), &ms, &[Price(100)]);
    let rows: Vec<(&str, Result<Health>, Result<Health>)> = vec![
        ("isolated, empty = cross, empty", iso(7, &[]), cross(7, &[])),
        ("isolated, collateral MIN, empty", iso(MIN, &[]), cross(MIN, &[])),
        ("isolated, collateral MAX + a pool's equity", iso(MAX, &ps), Err(Error::Overflow)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    // Isolated: pools (5, 10, 5) and (4, 10, 5, liquidatable); the worst state wins.
    let h = iso(0, &ps).unwrap();
    assert_eq!((h.equity.0, h.maintenance_requirement.0, h.state), (9, 10, HealthState::Liquidatable), "isolated, one pool liquidatable");
    // The free collateral is a pool of its own: negative, bankrupt, however
    // healthy the positions (found by a differential check: the state came
    // from the sums). Long 1 @ −50: equity 50, MM 5, healthy.
    let healthy = [pos0(1, -50)];
    let rows: Vec<(&str, Result<(i64, i64, HealthState)>, Result<(i64, i64, HealthState)>)> = vec![
        // Sums 50 − 1,000 = −950.
        (
            "isolated, healthy pool, collateral −1,000",
            iso(-1_000, &healthy).map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)),
            Ok((-950, 5, HealthState::Bankrupt)),
        ),
        // Sums 49 ≥ 5: healthy by the sums, bankrupt by the collateral pool.
        (
            "isolated, healthy pool, collateral −1",
            iso(-1, &healthy).map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)),
            Ok((49, 5, HealthState::Bankrupt)),
        ),
        // Sums 3 < 5: liquidatable by the sums.
        (
            "isolated, healthy pool, collateral −47",
            iso(-47, &healthy).map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)),
            Ok((3, 5, HealthState::Bankrupt)),
        ),
        (
            "isolated, healthy pool, collateral 0",
            iso(0, &healthy).map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)),
            Ok((50, 5, HealthState::Healthy)),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// Sizing, planning, pricing, settlement.

fn close(ps: &[Position], prices: &[Price], j: usize, exec: i64) -> Result<(CloseStatus, i64)> {
    minimal_close(
        &Pool::new(Quote(0), ps),
        &[fee_market()],
        prices,
        &CloseRequest { position_index: j, execution_price: Price(exec), target: Target::MAINTENANCE },
    )
    .map(|c| (c.status, c.size_delta.0))
}

#[test]
fn minimal_close_edges() {
    let p100 = [Price(100)];
    let rows: Vec<(&str, Result<(CloseStatus, i64)>, Result<(CloseStatus, i64)>)> = vec![
        ("empty pool", close(&[], &p100, 0, 100), Err(Error::UnknownPosition)),
        ("index usize::MAX", close(&[pos0(1, 0)], &p100, usize::MAX, 100), Err(Error::UnknownPosition)),
        ("size 0", close(&[pos0(0, 0)], &p100, 0, 100), Err(Error::EmptyPosition)),
        ("exec 0", close(&[pos0(1, 0)], &p100, 0, 0), Err(Error::InvalidFillPrice)),
        ("exec MIN", close(&[pos0(1, 0)], &p100, 0, MIN), Err(Error::InvalidFillPrice)),
        ("no prices", close(&[pos0(1, 0)], &[], 0, 100), Err(Error::MissingPrice)),
        ("healthy one lot", close(&[pos0(1, -90)], &p100, 0, 100), Ok((CloseStatus::AlreadySafe, 0))),
        // One lot, equity 4 < mm 5: closing it at 100 less the 1-unit fee leaves 3 ≥ 0.
        ("one lot, liquidatable", close(&[pos0(1, -96)], &p100, 0, 100), Ok((CloseStatus::Restored, -1))),
        // One lot, bankrupt (equity -1): closing leaves -2 < 0 = target.
        ("one lot, bankrupt", close(&[pos0(1, -101)], &p100, 0, 100), Ok((CloseStatus::Infeasible, -1))),
        // One tick: a long at mark 1 (e = 0), qb 0: equity 1, mm 1 → healthy.
        ("one lot at one tick", close(&[pos0(1, 0)], &[Price(1)], 0, 1), Ok((CloseStatus::AlreadySafe, 0))),
        // Size MAX at one tick, qb MIN: equity −1; the whole close (cash MAX, fee
        // ceil(MAX / 100)) cannot restore it: the best reachable is the whole position.
        ("size MAX at one tick", close(&[pos0(MAX, MIN)], &[Price(1)], 0, 1), Ok((CloseStatus::Infeasible, -MAX))),
        ("size MIN (short) at one tick", close(&[pos0(MIN, MAX)], &[Price(1)], 0, 1), Err(Error::Overflow)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn plan_edges() {
    let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(0), order: PlanOrder::LargestMaintenanceFirst };
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let plan = |ps: &[Position], legs: usize, params: &PlanParams| {
        let mut l = vec![PlanLeg::default(); legs];
        plan_liquidation(&Pool::new(Quote(0), ps), &ms, &p100, params, &mut l).map(|p| (p.status, p.leg_count))
    };
    let liquidatable = vec![pos0(1, -96); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(PlanStatus, usize)>, Result<(PlanStatus, usize)>)> = vec![
        ("empty pool, empty legs", plan(&[], 0, &params), Ok((PlanStatus::AlreadySafe, 0))),
        ("one position, empty legs", plan(&[pos0(1, -96)], 0, &params), Err(Error::BufferTooSmall)),
        ("MAX_POSITIONS, MAX_POSITIONS - 1 legs", plan(&liquidatable, MAX_POSITIONS - 1, &params), Err(Error::BufferTooSmall)),
        // Each position: equity 4, mm 5 → pool 256 < 320. Closing one lot: +(100 − 1 − 96) − 4 … each
        // close moves the surplus by 5 − 1 − 0 = +4 (mm released 5, fee 1): 64 shortfall needs 16 legs.
        ("MAX_POSITIONS positions", plan(&liquidatable, MAX_POSITIONS, &params), Ok((PlanStatus::Restored, 16))),
        (
            "MAX_POSITIONS + 1 positions",
            plan(&[liquidatable.as_slice(), &[pos0(1, -96)]].concat(), MAX_POSITIONS + 1, &params),
            Err(Error::TooManyPositions),
        ),
        (
            "price band 100 % + 1",
            plan(&[pos0(1, -96)], 1, &PlanParams { price_band: Ppm(1_000_001), ..params }),
            Err(Error::InvalidPriceBand),
        ),
        (
            "buffer 100 % + 1",
            plan(&[pos0(1, -96)], 1, &PlanParams { target: Target::Maintenance { buffer: Ppm(1_000_001) }, ..params }),
            Err(Error::InvalidBuffer),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn pricing_edges() {
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let b = |ps: &[Position], j: usize, d: i64| {
        bankruptcy_price(&Pool::new(Quote(0), ps), &ms, &p100, j, Size(d)).map(|b| (b.quote.0, b.price.0))
    };
    let rows: Vec<(&str, Result<(i64, i64)>, Result<(i64, i64)>)> = vec![
        ("bankruptcy, empty pool", b(&[], 0, -1), Err(Error::UnknownPosition)),
        ("bankruptcy, delta 0", b(&[pos0(1, -96)], 0, 0), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, same side", b(&[pos0(1, -96)], 0, 1), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, delta MIN", b(&[pos0(1, -96)], 0, MIN), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, size 0", b(&[pos0(0, 0)], 0, -1), Err(Error::EmptyPosition)),
        // One lot, TNC 4, TMMR 5: quote = 100 − floor(4 × 5 / 5) = 96.
        ("bankruptcy, one lot", b(&[pos0(1, -96)], 0, -1), Ok((96, 96))),
        ("bankruptcy, one lot short", b(&[pos0(-1, 104)], 0, 1), Ok((-104, 104))),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let l = |ps: &[Position], prices: &[Price], band: u32| limit_price(&Pool::new(Quote(0), ps), &ms, prices, 0, Ppm(band)).map(|p| p.0);
    let rows: Vec<(&str, Result<i64>, Result<i64>)> = vec![
        ("limit, empty pool", l(&[], &p100, 0), Err(Error::UnknownPosition)),
        ("limit, band 100 % + 1", l(&[pos0(1, -96)], &p100, 1_000_001), Err(Error::InvalidPriceBand)),
        ("limit, band 0: the mark", l(&[pos0(1, -50)], &p100, 0), Ok(100)),
        ("limit, long one lot at one tick: at least one tick", l(&[pos0(1, 0)], &[Price(1)], 1_000_000), Ok(1)),
        // Band 100 %: the mark moves to 0; clamped at the bankruptcy price 96.
        ("limit, long, band 100 %: bankruptcy", l(&[pos0(1, -96)], &p100, 1_000_000), Ok(96)),
        ("limit, short, band 100 %: bankruptcy", l(&[pos0(-1, 104)], &p100, 1_000_000), Ok(104)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let e = |ps: &[Position], c: i64| estimated_liquidation_price(&Pool::new(Quote(c), ps), &ms, &p100, 0);
    let rows: Vec<(&str, Result<LiquidationPrice>, Result<LiquidationPrice>)> = vec![
        ("liquidation price, empty pool", e(&[], 0), Err(Error::UnknownPosition)),
        ("liquidation price, size 0", e(&[pos0(0, 0)], 0), Err(Error::EmptyPosition)),
        // Long 1, qb −95: equity P − 95 = 0.05 P → P = 100 (95 / 0.95).
        ("liquidation price, one lot long", e(&[pos0(1, -95)], 0), Ok(LiquidationPrice::At(Price(100)))),
        ("liquidation price, collateral MAX: never", e(&[pos0(1, -95)], MAX), Ok(LiquidationPrice::Never)),
        ("liquidation price, short, collateral MIN: always", e(&[pos0(-1, 95)], MIN), Ok(LiquidationPrice::Always)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    // 100 % maintenance tiers (found by a differential check against
    // pool_health: both said never). A long's equity − maintenance is
    // constant over a 100 % tier.
    let tier = |f: i64, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(mm), maintenance: Ppm(mm) };
    let full = Market::single_tier(0, 1, 1, Ppm(1_000_000), Ppm(1_000_000));
    let mixed = full.with_tiers(&[tier(0, 500_000), tier(1_000, 1_000_000)]).unwrap();
    let e1 = |m: Market, c: i64, p: Position| estimated_liquidation_price(&Pool::new(Quote(c), &[p]), &[m], &p100, 0);
    let needs = |m: Market, c: i64, p: Position, mark: i64| {
        pool_health(&Pool::new(Quote(c), &[p]), &[m], &[Price(mark)]).map(|h| h.needs_liquidation())
    };
    let rows: Vec<(&str, Result<LiquidationPrice>, Result<LiquidationPrice>)> = vec![
        // 50 + P − 100 − P = −50 at every mark.
        ("liquidation price, 100 % tier, long short of maintenance: always", e1(full, 50, pos0(1, -100)), Ok(LiquidationPrice::Always)),
        // Tier 0: −600 + 0.5 P has its root 1,200 above the tier; tier 1: −600 + 500.
        ("liquidation price, 50 % then 100 %, long: always", e1(mixed, 0, pos0(1, -600)), Ok(LiquidationPrice::Always)),
        // Tier 1's constant −500 + 500 = 0: healthy there; tier 0's root 1,000.
        (
            "liquidation price, 50 % then 100 %, flat at 0: at the floor",
            e1(mixed, 0, pos0(1, -500)),
            Ok(LiquidationPrice::At(Price(1_000))),
        ),
        // 300 − 2 P = 0 at 150.
        ("liquidation price, 100 % tier, short", e1(full, 0, pos0(-1, 300)), Ok(LiquidationPrice::At(Price(150)))),
        // 95 P − 95: the root is exactly 1, healthy there.
        ("liquidation price, long, root exactly 1: never", e(&[pos0(100, -95)], 0), Ok(LiquidationPrice::Never)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let rows: Vec<(&str, Result<bool>, Result<bool>)> = vec![
        ("100 % tier, collateral 50, long 1 @ −100: needs liquidation at 1", needs(full, 50, pos0(1, -100), 1), Ok(true)),
        ("… at 100", needs(full, 50, pos0(1, -100), 100), Ok(true)),
        ("… at 1,000,000", needs(full, 50, pos0(1, -100), 1_000_000), Ok(true)),
        ("50 %/100 %, long 1 @ −600: needs liquidation at 1", needs(mixed, 0, pos0(1, -600), 1), Ok(true)),
        ("… at 1,000,000", needs(mixed, 0, pos0(1, -600), 1_000_000), Ok(true)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn settle_edges() {
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let s = |ps: &[Position], d: i64, price: i64| {
        settle_fill(&Pool::new(Quote(0), ps), &ms, &p100, &Fill { position_index: 0, size_delta: Size(d), price: Price(price) })
    };
    let rows: Vec<(&str, Result<Settlement>, Error)> = vec![
        ("empty pool", s(&[], -1, 100), Error::UnknownPosition),
        ("price 0", s(&[pos0(1, -96)], -1, 0), Error::InvalidFillPrice),
        ("price MIN", s(&[pos0(1, -96)], -1, MIN), Error::InvalidFillPrice),
        ("delta 0", s(&[pos0(1, -96)], 0, 100), Error::InvalidFillQuantity),
        ("delta MIN", s(&[pos0(1, -96)], MIN, 100), Error::InvalidFillQuantity),
        ("delta MAX (same side)", s(&[pos0(1, -96)], MAX, 100), Error::InvalidFillQuantity),
        ("size MAX sold whole at MAX", s(&[pos0(MAX, 0)], -MAX, MAX), Error::Overflow),
    ];
    for (name, got, want) in rows {
        assert_eq!(got.map(|_| ()), Err(want), "{name}");
    }
    // One lot at one tick above bankruptcy (96): cash 97, fee ceil(0.97) = 1 ≤ 97 − 96.
    let st = s(&[pos0(1, -96)], -1, 97).unwrap();
    assert_eq!(
        (
            st.fill_cash.0,
            st.bankruptcy_quote.0,
            st.fee.0,
            st.fee_to_liquidator.0,
            st.fee_to_insurance.0,
            st.bad_debt.0,
            st.position_quote_delta.0
        ),
        (97, 96, 1, 0, 1, 0, 96),
        "one lot, one tick above bankruptcy"
    );
    // One tick below bankruptcy: cash 95, no fee, bad debt 1.
    let st = s(&[pos0(1, -96)], -1, 95).unwrap();
    assert_eq!(
        (st.fee.0, st.bad_debt.0, st.insurance_fund_delta.0, st.position_quote_delta.0),
        (0, 1, -1, 96),
        "one lot, one tick below bankruptcy"
    );
    // Price MAX, one lot: cash MAX, nominal fee ceil(MAX / 100).
    let st = s(&[pos0(1, -96)], -1, MAX).unwrap();
    assert_eq!((st.fill_cash.0, st.nominal_fee.0, st.fee.0), (MAX, 92_233_720_368_547_759, 92_233_720_368_547_759), "one lot at price MAX");
}

// ---------------------------------------------------------------------------
// Pipeline.

#[test]
fn pipeline_edges() {
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let run = |ps: &[Position], policy: &Policy, legs: usize| {
        let mut st = AccountLiquidationState::default();
        let mut l = vec![PlanLeg::default(); legs];
        run_pipeline(&Pool::new(Quote(0), ps), &ms, &p100, policy, &mut st, &mut [], 0, 0, &mut l)
            .map(|d| (d.action, d.reason, d.plan.leg_count))
    };
    let p = Policy::default();
    let liquidatable = vec![pos0(1, -96); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(Action, Reason, usize)>, Result<(Action, Reason, usize)>)> = vec![
        ("empty pool", run(&[], &p, 0), Ok((Action::None, Reason::Healthy, 0))),
        // The default policy's 1 % band: limit 99, so each one-lot leg moves the
        // surplus by 5 − 1 (slippage) − 1 (fee) = 3: a shortfall of 64 needs 22 legs.
        ("MAX_POSITIONS liquidatable", run(&liquidatable, &p, MAX_POSITIONS), Ok((Action::Liquidate, Reason::TargetRestored, 22))),
        (
            "MAX_POSITIONS + 1",
            run(&[liquidatable.as_slice(), &[pos0(1, -96)]].concat(), &p, MAX_POSITIONS + 1),
            Err(Error::TooManyPositions),
        ),
        ("legs too small", run(&[pos0(1, -96)], &p, 0), Err(Error::BufferTooSmall)),
        (
            "window capacity without states",
            run(&[pos0(1, -96)], &Policy { window_capacity: WindowCapacity { capacity: Quote(1), window: 1 }, ..p }, 1),
            Err(Error::StateTooSmall),
        ),
        (
            "negative block limit",
            run(
                &[pos0(1, -96)],
                &Policy { block_limits: BlockLimits { max_notional: Quote(MIN), max_insurance_loss: Quote(MAX) }, ..p },
                1,
            ),
            Err(Error::NegativeLimit),
        ),
        (
            "block limit 0",
            run(&[pos0(1, -96)], &Policy { block_limits: BlockLimits { max_notional: Quote(0), max_insurance_loss: Quote(MAX) }, ..p }, 1),
            Ok((Action::None, Reason::BlockLimitReached, 0)),
        ),
        (
            "backstop fraction 1/1",
            run(
                &[pos0(1, -96)],
                &Policy { escalation: EscalationRules { backstop_fraction: Fraction::new(1, 1), backstop_on_infeasible: true }, ..p },
                1,
            ),
            Err(Error::BackstopFractionNotBelowOne),
        ),
        ("bankrupt one lot: backstop", run(&[pos0(1, -101)], &p, 1), Ok((Action::Backstop, Reason::Bankrupt, 0))),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// Checked integers and error descriptions.

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

// ---------------------------------------------------------------------------
// AccountLiquidationState::in_cooldown: true while the cooldown after a
// partial step runs — `cooldown` time units from `last_partial_time` (a
// partial step happened: `has_partial` 1; `cooldown` 0 = no rule).

fn state(last_partial_time: u64, has_partial: u32) -> AccountLiquidationState {
    AccountLiquidationState { last_partial_time, has_partial: has_partial != 0, ..AccountLiquidationState::default() }
}

fn cap(cooldown: u64) -> FractionCap {
    FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(100_000), cooldown }
}

#[test]
fn account_state_in_cooldown() {
    check::<bool>(&[
        ("cooldown 0", state(0, 1).in_cooldown(&cap(0), 0), false),
        ("cooldown 0, now MAX", state(0, 1).in_cooldown(&cap(0), UMAX), false),
        ("no partial step", state(0, 0).in_cooldown(&cap(10), 0), false),
        ("no partial step, cooldown MAX", state(0, 0).in_cooldown(&cap(UMAX), 5), false),
        // Partial step at 100, cooldown 10: runs for 100 ..= 109.
        ("at the step", state(100, 1).in_cooldown(&cap(10), 100), true),
        ("last unit", state(100, 1).in_cooldown(&cap(10), 109), true),
        ("cooldown over", state(100, 1).in_cooldown(&cap(10), 110), false),
        ("now MAX", state(100, 1).in_cooldown(&cap(10), UMAX), false),
        // Before the step: not after a partial step.
        ("one unit before the step", state(100, 1).in_cooldown(&cap(10), 99), false),
        ("now 0, step at 100", state(100, 1).in_cooldown(&cap(10), 0), false),
        // Cooldown 1: only the step's own time unit.
        ("cooldown 1, at the step", state(100, 1).in_cooldown(&cap(1), 100), true),
        ("cooldown 1, one later", state(100, 1).in_cooldown(&cap(1), 101), false),
        // Cooldown u64::MAX from 0: runs for 0 ..= MAX − 1.
        ("cooldown MAX, now MAX − 1", state(0, 1).in_cooldown(&cap(UMAX), UMAX - 1), true),
        ("cooldown MAX, now MAX", state(0, 1).in_cooldown(&cap(UMAX), UMAX), false),
        // Step at u64::MAX: 0 units elapsed at MAX.
        ("step at MAX, now MAX", state(UMAX, 1).in_cooldown(&cap(UMAX), UMAX), true),
        ("step at MAX, cooldown 1", state(UMAX, 1).in_cooldown(&cap(1), UMAX), true),
        // Step at MAX − 1, cooldown 5: 1 unit elapsed (step + cooldown is past u64).
        ("step at MAX − 1, cooldown 5", state(UMAX - 1, 1).in_cooldown(&cap(5), UMAX), true),
    ]);
}

// ---------------------------------------------------------------------------
// notional_in / insurance_loss_in: the counters of `block` (0 once the block
// moved on); record_insurance_loss books a loss in `block`.

#[test]
fn account_state_block_counters() {
    let st = |block: u64, notional: i64, loss: i64| AccountLiquidationState {
        last_partial_time: 3,
        has_partial: true,
        in_liquidation: true,
        block,
        block_notional: Quote(notional),
        block_insurance_loss: Quote(loss),
        ..AccountLiquidationState::default()
    };
    let s5 = st(5, 700, 40);
    let ext = st(UMAX, MAX, MIN);
    check::<i128>(&[
        ("notional_in, default, block 0", AccountLiquidationState::default().notional_in(0), 0),
        ("notional_in, same block", s5.notional_in(5), 700),
        ("notional_in, next block", s5.notional_in(6), 0),
        ("notional_in, block MAX", s5.notional_in(UMAX), 0),
        ("notional_in, i64::MAX in block MAX", ext.notional_in(UMAX), i128::from(MAX)),
        ("notional_in, counters of block 0, block MAX", st(0, MAX, MAX).notional_in(UMAX), 0),
        ("insurance_loss_in, default, block 0", AccountLiquidationState::default().insurance_loss_in(0), 0),
        ("insurance_loss_in, same block", s5.insurance_loss_in(5), 40),
        ("insurance_loss_in, next block", s5.insurance_loss_in(6), 0),
        ("insurance_loss_in, block MAX", s5.insurance_loss_in(UMAX), 0),
        ("insurance_loss_in, i64::MIN in block MAX", ext.insurance_loss_in(UMAX), i128::from(MIN)),
        ("insurance_loss_in, i64::MAX", st(9, 0, MAX).insurance_loss_in(9), i128::from(MAX)),
    ]);

    let rec = |mut s: AccountLiquidationState, block: u64, loss: i64| s.record_insurance_loss(block, Quote(loss)).map(|()| s);
    check::<Result<AccountLiquidationState>>(&[
        ("loss 0 in block 0", rec(AccountLiquidationState::default(), 0, 0), Ok(AccountLiquidationState::default())),
        // Same block: 40 + 60 = 100; the notional stays.
        ("same block", rec(s5, 5, 60), Ok(st(5, 700, 100))),
        // A new block: its counters start from 0, then 60 is booked.
        ("next block", rec(s5, 6, 60), Ok(st(6, 0, 60))),
        ("new block, loss 0", rec(s5, 7, 0), Ok(st(7, 0, 0))),
        (
            "block MAX, loss MAX",
            rec(AccountLiquidationState::default(), UMAX, MAX),
            Ok(AccountLiquidationState { block: UMAX, block_insurance_loss: Quote(MAX), ..AccountLiquidationState::default() }),
        ),
        // MAX + 1 in the same block does not fit.
        ("loss MAX + 1", rec(st(5, 0, MAX), 5, 1), Err(Error::Overflow)),
        // In a new block the old MAX does not carry over.
        ("loss MAX, then 1 next block", rec(st(5, 0, MAX), 6, 1), Ok(st(6, 0, 1))),
    ]);
    // What was booked is what insurance_loss_in reports.
    let mut s = s5;
    s.record_insurance_loss(6, Quote(60)).unwrap();
    assert_eq!((s.insurance_loss_in(6), s.notional_in(6), s.insurance_loss_in(5)), (60, 0, 0));
}

// ---------------------------------------------------------------------------
// Fraction::is_set: "true when the fraction is set (denominator > 0)".

#[test]
fn fraction_is_set_edges() {
    check::<bool>(&[
        ("0/0", Fraction::new(0, 0).is_set(), false),
        ("default", Fraction::default().is_set(), false),
        ("u32::MAX/0", Fraction::new(u32::MAX, 0).is_set(), false),
        ("0/1", Fraction::new(0, 1).is_set(), true),
        ("2/3", Fraction::new(2, 3).is_set(), true),
        // Set even when ≥ 1 (validate, not is_set, refuses those).
        ("5/1", Fraction::new(5, 1).is_set(), true),
        ("0/u32::MAX", Fraction::new(0, u32::MAX).is_set(), true),
        ("u32::MAX/u32::MAX", Fraction::new(u32::MAX, u32::MAX).is_set(), true),
    ]);
}

// ---------------------------------------------------------------------------
// MarketCapacityState: at most `capacity` per window of `window` time units,
// a fixed window starting at the first liquidation after the previous one
// ended; a state that has booked nothing has no open window. `remaining` is
// the notional still available (`i128::MAX` when the rule is off); `record`
// books notional, starting a new window if none is open.

fn cap_state(window_start: u64, used: i64) -> MarketCapacityState {
    MarketCapacityState { window_start, used: Quote(used) }
}

#[test]
fn market_capacity_remaining_and_record() {
    let rule = WindowCapacity { capacity: Quote(100), window: 10 };
    let rule_max = WindowCapacity { capacity: Quote(MAX), window: UMAX };
    let off = WindowCapacity { capacity: Quote(0), window: 0 };
    check::<i128>(&[
        // Rule off (window 0): unlimited whatever the state.
        ("off", MarketCapacityState::default().remaining(&off, 0), i128::MAX),
        ("off, used MAX", cap_state(0, MAX).remaining(&off, UMAX), i128::MAX),
        ("off, capacity MAX", cap_state(0, MAX).remaining(&WindowCapacity { capacity: Quote(MAX), window: 0 }, 0), i128::MAX),
        // Nothing booked: no open window, the whole capacity (even at time 0).
        ("nothing booked", MarketCapacityState::default().remaining(&rule, 0), 100),
        ("nothing booked, now MAX", MarketCapacityState::default().remaining(&rule, UMAX), 100),
        // Window opened at 5 with 30 used: 70 left for 5 ..= 14.
        ("window start", cap_state(5, 30).remaining(&rule, 5), 70),
        ("window last unit", cap_state(5, 30).remaining(&rule, 14), 70),
        ("window over", cap_state(5, 30).remaining(&rule, 15), 100),
        // A window opened at 5 does not run at 4.
        ("before the window", cap_state(5, 30).remaining(&rule, 4), 100),
        // All used: 0; more than the capacity used: still 0, never negative.
        ("used = capacity", cap_state(5, 100).remaining(&rule, 5), 0),
        ("used > capacity", cap_state(5, 150).remaining(&rule, 5), 0),
        ("used MAX, capacity 100", cap_state(5, MAX).remaining(&rule, 5), 0),
        // Capacity 0: nothing available.
        ("capacity 0", MarketCapacityState::default().remaining(&WindowCapacity { capacity: Quote(0), window: 1 }, 0), 0),
        // Capacity MAX, window MAX: MAX − 1 after one unit used at MAX − 1, one unit later.
        ("capacity MAX, used 1", cap_state(UMAX - 1, 1).remaining(&rule_max, UMAX), i128::from(MAX) - 1),
        // Window of MAX units from 0 ends at MAX.
        ("window MAX from 0, now MAX", cap_state(0, 1).remaining(&rule_max, UMAX), i128::from(MAX)),
        ("window MAX from 0, now MAX − 1", cap_state(0, 1).remaining(&rule_max, UMAX - 1), i128::from(MAX) - 1),
    ]);

    let rec = |mut s: MarketCapacityState, r: &WindowCapacity, now: u64, notional: i128| s.record(r, now, notional).map(|()| s);
    let fresh = MarketCapacityState::default();
    check::<Result<MarketCapacityState>>(&[
        // The first liquidation opens the window at its own time (not at 0).
        ("first at 7", rec(fresh, &rule, 7, 30), Ok(cap_state(7, 30))),
        // Booking 0 still starts a window (none was open): start 3, used 0.
        ("first, notional 0", rec(fresh, &rule, 3, 0), Ok(cap_state(3, 0))),
        // Open window (16 − 7 = 9 < 10): 30 + 20.
        ("inside the window", rec(cap_state(7, 30), &rule, 16, 20), Ok(cap_state(7, 50))),
        // 17 − 7 = 10: the window ended, a new one opens at 17.
        ("window ended", rec(cap_state(7, 30), &rule, 17, 20), Ok(cap_state(17, 20))),
        // At 6 the window opened at 7 does not run: a new one at 6.
        ("before the window", rec(cap_state(7, 30), &rule, 6, 20), Ok(cap_state(6, 20))),
        // Booking beyond the capacity is not refused: it books.
        ("beyond capacity", rec(cap_state(7, 90), &rule, 8, 20), Ok(cap_state(7, 110))),
        // MAX + 1 in the open window does not fit a quote amount.
        ("used MAX + 1", rec(cap_state(0, MAX), &rule, 0, 1), Err(Error::Overflow)),
        // The window ended: MAX starts fresh in a new one.
        ("used MAX, new window", rec(cap_state(0, MAX), &rule, 10, i128::from(MAX)), Ok(cap_state(10, MAX))),
        ("notional i128::MAX", rec(fresh, &rule, 0, i128::MAX), Err(Error::Overflow)),
        ("notional i128::MIN", rec(fresh, &rule, 0, i128::MIN), Err(Error::Overflow)),
        ("notional i64::MAX + 1", rec(fresh, &rule, 0, i128::from(MAX) + 1), Err(Error::Overflow)),
        // Window MAX, time MAX: opens at MAX.
        ("at time MAX", rec(fresh, &rule_max, UMAX, 1), Ok(cap_state(UMAX, 1))),
    ]);
    // What was booked is what remaining reports: 100 − 30 at 7 ..= 16, 100 from 17.
    let mut s = fresh;
    s.record(&rule, 7, 30).unwrap();
    assert_eq!((s.remaining(&rule, 7), s.remaining(&rule, 16), s.remaining(&rule, 17)), (70, 70, 100));
}

// ---------------------------------------------------------------------------
// Health::needs_liquidation: "true when the pool must be liquidated
// (liquidatable or bankrupt)"; by the health table: bankrupt when equity < 0,
// liquidatable when maintenance > 0 and equity < maintenance, else healthy.

#[test]
fn health_needs_liquidation() {
    let markets = [market()];
    let prices = [Price(100)];
    let needs =
        |collateral: i64, ps: &[Position]| pool_health(&Pool::new(Quote(collateral), ps), &markets, &prices).map(|h| h.needs_liquidation());
    // 64 longs of one lot @ 100 with quote balance −95: each value 5, MM ⌈5⌉ = 5.
    let full = vec![pos(0, 1, -95); MAX_POSITIONS];
    check::<Result<bool>>(&[
        // No positions: maintenance 0.
        ("no positions, collateral 0", needs(0, &[]), Ok(false)),
        ("no positions, collateral MAX", needs(MAX, &[]), Ok(false)),
        ("no positions, collateral −1", needs(-1, &[]), Ok(true)),
        ("no positions, collateral MIN", needs(MIN, &[]), Ok(true)),
        // Long 100 @ 100: notional 10,000, MM 500.
        // 10,000 − 9,500 = 500 = MM: healthy.
        ("equity = MM", needs(0, &[pos(0, 100, -9_500)]), Ok(false)),
        ("equity = MM − 1", needs(0, &[pos(0, 100, -9_501)]), Ok(true)),
        ("equity 0", needs(0, &[pos(0, 100, -10_000)]), Ok(true)),
        ("equity −1", needs(0, &[pos(0, 100, -10_001)]), Ok(true)),
        // Short −100 @ 100: value −10,000 + 10,500 = 500 = MM.
        ("short, equity = MM", needs(0, &[pos(0, -100, 10_500)]), Ok(false)),
        ("short, equity = MM − 1", needs(0, &[pos(0, -100, 10_499)]), Ok(true)),
        // One lot: value 100 − 95 = 5, MM ⌈100 × 5 %⌉ = 5.
        ("one lot, equity = MM", needs(0, &[pos(0, 1, -95)]), Ok(false)),
        ("one lot, equity = MM − 1", needs(0, &[pos(0, 1, -96)]), Ok(true)),
        // MAX_POSITIONS: equity 64 × 5 = 320 = MM 320; collateral −1: 319 < 320.
        ("MAX_POSITIONS, equity = MM", needs(0, &full), Ok(false)),
        ("MAX_POSITIONS, equity = MM − 1", needs(-1, &full), Ok(true)),
        // An empty position with a negative quote balance: equity −1, no maintenance: bankrupt.
        ("empty position, qb −1", needs(0, &[pos(0, 0, -1)]), Ok(true)),
    ]);
}

// ---------------------------------------------------------------------------
// Target::required_equity: Maintenance { buffer }: ⌈maintenance × (1 +
// buffer)⌉; Initial: the initial requirement. Errors when it does not fit a
// quote amount.

fn figures(initial: i64, maintenance: i64) -> Health {
    Health {
        equity: Quote(0),
        initial_requirement: Quote(initial),
        maintenance_requirement: Quote(maintenance),
        free_collateral: Quote(-initial),
        margin_ratio_ppm: 0,
        state: HealthState::Healthy,
    }
}

#[test]
fn target_required_equity_edges() {
    let buf = |b: u32| Target::Maintenance { buffer: Ppm(b) };
    let half = MAX / 2; // 4,611,686,018,427,387,903
    check::<Result<Quote>>(&[
        ("maintenance, MM 0", Target::MAINTENANCE.required_equity(&figures(0, 0)), Ok(Quote(0))),
        ("maintenance, MM 1", Target::MAINTENANCE.required_equity(&figures(2, 1)), Ok(Quote(1))),
        ("maintenance, MM MAX", Target::MAINTENANCE.required_equity(&figures(MAX, MAX)), Ok(Quote(MAX))),
        // ⌈538 × 1.1⌉ = ⌈591.8⌉ = 592.
        ("buffer 10 %, MM 538", buf(100_000).required_equity(&figures(1_075, 538)), Ok(Quote(592))),
        // ⌈1 × 1.000001⌉ = 2; ⌈0 × 1.000001⌉ = 0.
        ("buffer 1 ppm, MM 1", buf(1).required_equity(&figures(1, 1)), Ok(Quote(2))),
        ("buffer 1 ppm, MM 0", buf(1).required_equity(&figures(0, 0)), Ok(Quote(0))),
        // ⌈1 × 2⌉ = 2.
        ("buffer 100 %, MM 1", buf(1_000_000).required_equity(&figures(1, 1)), Ok(Quote(2))),
        // 1,000,000 × 1.000001 = 1,000,001 exactly.
        ("buffer 1 ppm, MM 1e6", buf(1).required_equity(&figures(1_000_000, 1_000_000)), Ok(Quote(1_000_001))),
        // ⌈MAX × 1.000001⌉ > MAX.
        ("buffer 1 ppm, MM MAX", buf(1).required_equity(&figures(MAX, MAX)), Err(Error::Overflow)),
        // (MAX / 2) × 2 = MAX − 1 fits; (MAX / 2 + 1) × 2 = 2^63 does not.
        ("buffer 100 %, MM MAX/2", buf(1_000_000).required_equity(&figures(MAX, half)), Ok(Quote(MAX - 1))),
        // A buffer above 100 % is refused, as Target::validate refuses it.
        ("buffer 100 % + 1 ppm", buf(1_000_001).required_equity(&figures(1, 1)), Err(Error::InvalidBuffer)),
        ("buffer u32::MAX", buf(u32::MAX).required_equity(&figures(10, 10)), Err(Error::InvalidBuffer)),
        ("buffer 100 %, MM MAX/2 + 1", buf(1_000_000).required_equity(&figures(MAX, half + 1)), Err(Error::Overflow)),
        // Initial: the initial requirement itself, whatever the maintenance.
        ("initial 0", Target::Initial.required_equity(&figures(0, 0)), Ok(Quote(0))),
        ("initial 1,075", Target::Initial.required_equity(&figures(1_075, 538)), Ok(Quote(1_075))),
        ("initial MAX", Target::Initial.required_equity(&figures(MAX, 1)), Ok(Quote(MAX))),
    ]);
}

// ---------------------------------------------------------------------------
// Market::maintenance_deduction: the cumulative deduction of tier idx,
// deduction_n = deduction_{n−1} + floor_n × (mmf_n − mmf_{n−1}), deduction_0
// = 0, in quote units rounded down.

fn tiers(ts: &[MarginTier]) -> Market {
    market().with_tiers(ts).unwrap()
}

#[test]
fn market_maintenance_deduction_edges() {
    // Binance BTCUSDT: floors 0 / 50k / 250k / 1M, MMR 0.4 / 0.5 / 1 / 2.5 %.
    let binance =
        tiers(&[tier(0, 8_000, 4_000), tier(50_000, 10_000, 5_000), tier(250_000, 20_000, 10_000), tier(1_000_000, 50_000, 25_000)]);
    // MAX_TIERS tiers: floor k × 10^6, MM (k + 1) %, IM twice that.
    let full: Vec<MarginTier> = (0..MAX_TIERS as u32).map(|k| tier(i64::from(k) * 1_000_000, 20_000 * (k + 1), 10_000 * (k + 1))).collect();
    let full = tiers(&full);
    let mut no_tier = market();
    no_tier.tier_count = 0;
    let mut too_many = market();
    too_many.tier_count = MAX_TIERS as u32 + 1;
    let mut count_max = market();
    count_max.tier_count = u32::MAX;
    let d = |m: &Market, idx: usize| m.maintenance_deduction(idx);
    check::<Result<Quote>>(&[
        ("single tier", d(&market(), 0), Ok(Quote(0))),
        ("Binance tier 0", d(&binance, 0), Ok(Quote(0))),
        // 50,000 × 0.1 % = 50.
        ("Binance tier 1", d(&binance, 1), Ok(Quote(50))),
        // 50 + 250,000 × 0.5 % = 1,300.
        ("Binance tier 2", d(&binance, 2), Ok(Quote(1_300))),
        // 1,300 + 1,000,000 × 1.5 % = 16,300.
        ("Binance tier 3", d(&binance, 3), Ok(Quote(16_300))),
        // Σ_{j=1..8} j × 10^6 × 1 % = 10,000 × 36 = 360,000.
        ("MAX_TIERS, tier 8", d(&full, 8), Ok(Quote(360_000))),
        // Σ_{j=1..15} j × 10^4 = 10,000 × 120 = 1,200,000.
        ("MAX_TIERS, last tier", d(&full, MAX_TIERS - 1), Ok(Quote(1_200_000))),
        // Rounded down: 1 × 1 ppm = 0.000001 → 0; 999,999 ppm·units → 0; 10^6 → 1.
        ("floor 1, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(1, 1, 1)]), 1), Ok(Quote(0))),
        ("floor 999,999, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(999_999, 1, 1)]), 1), Ok(Quote(0))),
        ("floor 10^6, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(1_000_000, 1, 1)]), 1), Ok(Quote(1))),
        // Equal fractions: nothing added.
        ("floor MAX, +0", d(&tiers(&[tier(0, 5, 5), tier(MAX, 5, 5)]), 1), Ok(Quote(0))),
        // MAX × 100 % = MAX.
        ("floor MAX, 0 → 100 %", d(&tiers(&[tier(0, 0, 0), tier(MAX, 1_000_000, 1_000_000)]), 1), Ok(Quote(MAX))),
        // ⌊MAX / 10^6⌋ = 9,223,372,036,854.
        ("floor MAX, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(MAX, 1, 1)]), 1), Ok(Quote(9_223_372_036_854))),
        // (MAX − 1) × ½ + MAX × ½ = MAX − ½ → MAX − 1.
        (
            "floors MAX − 1 and MAX, ½ each",
            d(&tiers(&[tier(0, 0, 0), tier(MAX - 1, 500_000, 500_000), tier(MAX, 1_000_000, 1_000_000)]), 2),
            Ok(Quote(MAX - 1)),
        ),
        // No tier in use, or more than MAX_TIERS.
        ("tier_count 0", d(&no_tier, 0), Err(Error::InvalidTierCount)),
        ("tier_count MAX_TIERS + 1", d(&too_many, 0), Err(Error::InvalidTierCount)),
        ("tier_count u32::MAX", d(&count_max, 0), Err(Error::InvalidTierCount)),
    ]);
    // A tier that is not in use has no deduction: OutOfRange.
    check::<Result<Quote>>(&[
        ("single tier, idx 1", d(&market(), 1), Err(Error::OutOfRange)),
        ("MAX_TIERS, idx MAX_TIERS", d(&full, MAX_TIERS), Err(Error::OutOfRange)),
        ("idx usize::MAX", d(&binance, usize::MAX), Err(Error::OutOfRange)),
    ]);
}

// ---------------------------------------------------------------------------
// Account::pool_count: 1 for cross, one per position for isolated.

#[test]
fn account_pool_count_edges() {
    let one = [pos(0, 1, 0)];
    let flat = [pos(0, 0, 0)];
    let full = vec![pos(0, 1, 0); MAX_POSITIONS];
    let over = vec![pos(0, 1, 0); MAX_POSITIONS + 1];
    let iso = |ps: &[Position]| Account { collateral: Quote(0), positions: ps, mode: MarginMode::Isolated }.pool_count();
    let cross = |c: i64, ps: &[Position]| Account::cross(Quote(c), ps).pool_count();
    check::<usize>(&[
        ("cross, no positions", cross(0, &[]), 1),
        ("cross, one", cross(0, &one), 1),
        ("cross, MAX_POSITIONS", cross(MAX, &full), 1),
        ("cross, MAX_POSITIONS + 1", cross(MIN, &over), 1),
        ("isolated, no positions", iso(&[]), 0),
        ("isolated, one", iso(&one), 1),
        // An empty position is still a position: its own pool.
        ("isolated, one empty", iso(&flat), 1),
        ("isolated, MAX_POSITIONS", iso(&full), MAX_POSITIONS),
        ("isolated, MAX_POSITIONS + 1", iso(&over), MAX_POSITIONS + 1),
    ]);
}
