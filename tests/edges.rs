//! Edge tables: the public functions at `i64::MIN` / `i64::MAX`, zero, one
//! lot, one tick, empty slices, `MAX_POSITIONS` positions and `MAX_TIERS`
//! tiers. Each row names its input and the exact result or error expected;
//! a failing row prints its name.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::type_complexity)]

use partliq::num::{cmp_products, div_round, mul_div, mul_div_wide, pow10};
use partliq::*;

const MIN: i64 = i64::MIN;
const MAX: i64 = i64::MAX;

/// e = 0, lot 1, tick 1, 10 % / 5 %, fee 1 %, 40 % to the liquidator.
fn market() -> Market {
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(10_000);
    m.liquidator_fee_share = Ppm(400_000);
    m
}

/// `market()` with `n` tiers: floors 0, 1,000, 2,000, …; fractions rising by
/// 1 % (initial) and 0.5 % (maintenance) per tier.
fn tiered(n: usize) -> Market {
    let tiers: Vec<MarginTier> = (0..n)
        .map(|k| MarginTier {
            notional_floor: Quote(1_000 * k as i64),
            initial: Ppm(100_000 + 10_000 * k as u32),
            maintenance: Ppm(50_000 + 5_000 * k as u32),
        })
        .collect();
    market().with_tiers(&tiers).unwrap()
}

fn pos(size: i64, qb: i64) -> Position {
    Position { market_index: 0, size: Size(size), quote_balance: Quote(qb) }
}

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
        let mut m = market();
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
    assert_eq!(market().with_tiers(&[]), Err(Error::InvalidTierCount), "with_tiers(&[])");
    let many = [MarginTier::default(); MAX_TIERS + 1];
    assert_eq!(market().with_tiers(&many), Err(Error::InvalidTierCount), "with_tiers(MAX_TIERS + 1)");
}

#[test]
fn notional_edges() {
    let m = market();
    let m18 = market().with_exponent(18);
    let mneg = market().with_exponent(-18);
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
    let ms = [market()];
    let p100 = [Price(100)];
    let h = |c: i64, ps: &[Position], prices: &[Price]| health(&Pool::new(Quote(c), ps), &ms, prices);
    let many = vec![pos(1, -95); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(i64, i64, i64, HealthState)>, Result<(i64, i64, i64, HealthState)>)> = vec![
        ("empty pool, collateral 0", h(0, &[], &[]), Ok((0, 0, 0, HealthState::Healthy))),
        ("empty pool, collateral MAX", h(MAX, &[], &[]), Ok((MAX, 0, 0, HealthState::Healthy))),
        ("empty pool, collateral MIN", h(MIN, &[], &[]), Ok((MIN, 0, 0, HealthState::Bankrupt))),
        ("empty pool, collateral -1", h(-1, &[], &[]), Ok((-1, 0, 0, HealthState::Bankrupt))),
        ("size 0 needs no price", h(0, &[pos(0, 5)], &[]), Ok((5, 0, 0, HealthState::Healthy))),
        ("size 0, unknown market", health(&Pool::new(Quote(0), &[pos(0, 5)]), &[], &[]), Err(Error::UnknownMarket)),
        ("one lot at one tick", h(0, &[pos(1, 0)], &[Price(1)]), Ok((1, 1, 1, HealthState::Healthy))),
        ("one lot short at one tick", h(0, &[pos(-1, 1)], &[Price(1)]), Ok((0, 1, 1, HealthState::Liquidatable))),
        ("missing price", h(0, &[pos(1, 0)], &[]), Err(Error::MissingPrice)),
        ("price 0", h(0, &[pos(1, 0)], &[Price(0)]), Err(Error::MissingPrice)),
        ("price MIN", h(0, &[pos(1, 0)], &[Price(MIN)]), Err(Error::NegativePrice)),
        (
            "size MAX at 1: requirement ceil(MAX / 10)",
            h(0, &[pos(MAX, 0)], &[Price(1)]),
            Ok((MAX, 922_337_203_685_477_581, 461_168_601_842_738_791, HealthState::Healthy)),
        ),
        ("size MAX at 1, collateral 1", h(1, &[pos(MAX, 0)], &[Price(1)]), Err(Error::Overflow)),
        (
            "size MIN at 1, qb MAX: equity -1",
            h(0, &[pos(MIN, MAX)], &[Price(1)]),
            Ok((-1, 922_337_203_685_477_581, 461_168_601_842_738_791, HealthState::Bankrupt)),
        ),
        ("size MAX at MAX", h(0, &[pos(MAX, MIN)], &[Price(MAX)]), Err(Error::Overflow)),
        ("collateral MAX + a positive position", h(MAX, &[pos(1, 0)], &p100), Err(Error::Overflow)),
        ("MAX_POSITIONS positions", h(0, &many, &p100), Ok((64 * 5, 64 * 10, 64 * 5, HealthState::Healthy))),
        (
            "MAX_POSITIONS + 1 positions (health has no limit)",
            h(0, &[many.as_slice(), &[pos(1, -95)]].concat(), &p100),
            Ok((65 * 5, 65 * 10, 65 * 5, HealthState::Healthy)),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    // MAX_TIERS tiers: 20 units at 100 = 2,000 notional sits in tier 2 (floor 2,000):
    // maintenance = 2,000 × 6 % − (1,000 × 0.5 % + 2,000 × 0.5 %) = 120 − 15 = 105.
    let t = [tiered(MAX_TIERS)];
    let got = health(&Pool::new(Quote(0), &[pos(20, -1_900)]), &t, &p100);
    assert_eq!(got, Ok((100, 210, 105, HealthState::Liquidatable)), "MAX_TIERS tiers, tier 2");
    // Top tier (15, floor 15,000): 200 units = 20,000 notional; mm = 20,000 × 12.5 % − Σ_k 1,000·k·0.5 % (k = 1..15) = 2,500 − 600 = 1,900.
    let got = health(&Pool::new(Quote(0), &[pos(200, -20_000)]), &t, &p100);
    assert_eq!(got.map(|h| h.2), Ok(1_900), "MAX_TIERS tiers, top tier");
}

#[test]
fn account_health_edges() {
    let ms = [market()];
    let ps = [pos(1, -95), pos(-1, 104)];
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
    let healthy = [pos(1, -50)];
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
        &[market()],
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
        ("index usize::MAX", close(&[pos(1, 0)], &p100, usize::MAX, 100), Err(Error::UnknownPosition)),
        ("size 0", close(&[pos(0, 0)], &p100, 0, 100), Err(Error::EmptyPosition)),
        ("exec 0", close(&[pos(1, 0)], &p100, 0, 0), Err(Error::InvalidFillPrice)),
        ("exec MIN", close(&[pos(1, 0)], &p100, 0, MIN), Err(Error::InvalidFillPrice)),
        ("no prices", close(&[pos(1, 0)], &[], 0, 100), Err(Error::MissingPrice)),
        ("healthy one lot", close(&[pos(1, -90)], &p100, 0, 100), Ok((CloseStatus::AlreadySafe, 0))),
        // One lot, equity 4 < mm 5: closing it at 100 less the 1-unit fee leaves 3 ≥ 0.
        ("one lot, liquidatable", close(&[pos(1, -96)], &p100, 0, 100), Ok((CloseStatus::Restored, -1))),
        // One lot, bankrupt (equity -1): closing leaves -2 < 0 = target.
        ("one lot, bankrupt", close(&[pos(1, -101)], &p100, 0, 100), Ok((CloseStatus::Infeasible, -1))),
        // One tick: a long at mark 1 (e = 0), qb 0: equity 1, mm 1 → healthy.
        ("one lot at one tick", close(&[pos(1, 0)], &[Price(1)], 0, 1), Ok((CloseStatus::AlreadySafe, 0))),
        // Size MAX at one tick, qb MIN: equity −1; the whole close (cash MAX, fee
        // ceil(MAX / 100)) cannot restore it: the best reachable is the whole position.
        ("size MAX at one tick", close(&[pos(MAX, MIN)], &[Price(1)], 0, 1), Ok((CloseStatus::Infeasible, -MAX))),
        ("size MIN (short) at one tick", close(&[pos(MIN, MAX)], &[Price(1)], 0, 1), Err(Error::Overflow)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn plan_edges() {
    let params = PlanParams { target: Target::MAINTENANCE, price_band: Ppm(0), order: PlanOrder::LargestMaintenanceFirst };
    let ms = [market()];
    let p100 = [Price(100)];
    let plan = |ps: &[Position], legs: usize, params: &PlanParams| {
        let mut l = vec![PlanLeg::default(); legs];
        plan_liquidation(&Pool::new(Quote(0), ps), &ms, &p100, params, &mut l).map(|p| (p.status, p.leg_count))
    };
    let liquidatable = vec![pos(1, -96); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(PlanStatus, usize)>, Result<(PlanStatus, usize)>)> = vec![
        ("empty pool, empty legs", plan(&[], 0, &params), Ok((PlanStatus::AlreadySafe, 0))),
        ("one position, empty legs", plan(&[pos(1, -96)], 0, &params), Err(Error::BufferTooSmall)),
        ("MAX_POSITIONS, MAX_POSITIONS - 1 legs", plan(&liquidatable, MAX_POSITIONS - 1, &params), Err(Error::BufferTooSmall)),
        // Each position: equity 4, mm 5 → pool 256 < 320. Closing one lot: +(100 − 1 − 96) − 4 … each
        // close moves the surplus by 5 − 1 − 0 = +4 (mm released 5, fee 1): 64 shortfall needs 16 legs.
        ("MAX_POSITIONS positions", plan(&liquidatable, MAX_POSITIONS, &params), Ok((PlanStatus::Restored, 16))),
        (
            "MAX_POSITIONS + 1 positions",
            plan(&[liquidatable.as_slice(), &[pos(1, -96)]].concat(), MAX_POSITIONS + 1, &params),
            Err(Error::TooManyPositions),
        ),
        (
            "price band 100 % + 1",
            plan(&[pos(1, -96)], 1, &PlanParams { price_band: Ppm(1_000_001), ..params }),
            Err(Error::InvalidPriceBand),
        ),
        (
            "buffer 100 % + 1",
            plan(&[pos(1, -96)], 1, &PlanParams { target: Target::Maintenance { buffer: Ppm(1_000_001) }, ..params }),
            Err(Error::InvalidBuffer),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn pricing_edges() {
    let ms = [market()];
    let p100 = [Price(100)];
    let b = |ps: &[Position], j: usize, d: i64| {
        bankruptcy_price(&Pool::new(Quote(0), ps), &ms, &p100, j, Size(d)).map(|b| (b.quote.0, b.price.0))
    };
    let rows: Vec<(&str, Result<(i64, i64)>, Result<(i64, i64)>)> = vec![
        ("bankruptcy, empty pool", b(&[], 0, -1), Err(Error::UnknownPosition)),
        ("bankruptcy, delta 0", b(&[pos(1, -96)], 0, 0), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, same side", b(&[pos(1, -96)], 0, 1), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, delta MIN", b(&[pos(1, -96)], 0, MIN), Err(Error::InvalidFillQuantity)),
        ("bankruptcy, size 0", b(&[pos(0, 0)], 0, -1), Err(Error::EmptyPosition)),
        // One lot, TNC 4, TMMR 5: quote = 100 − floor(4 × 5 / 5) = 96.
        ("bankruptcy, one lot", b(&[pos(1, -96)], 0, -1), Ok((96, 96))),
        ("bankruptcy, one lot short", b(&[pos(-1, 104)], 0, 1), Ok((-104, 104))),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let l = |ps: &[Position], prices: &[Price], band: u32| limit_price(&Pool::new(Quote(0), ps), &ms, prices, 0, Ppm(band)).map(|p| p.0);
    let rows: Vec<(&str, Result<i64>, Result<i64>)> = vec![
        ("limit, empty pool", l(&[], &p100, 0), Err(Error::UnknownPosition)),
        ("limit, band 100 % + 1", l(&[pos(1, -96)], &p100, 1_000_001), Err(Error::InvalidPriceBand)),
        ("limit, band 0: the mark", l(&[pos(1, -50)], &p100, 0), Ok(100)),
        ("limit, long one lot at one tick: at least one tick", l(&[pos(1, 0)], &[Price(1)], 1_000_000), Ok(1)),
        // Band 100 %: the mark moves to 0; clamped at the bankruptcy price 96.
        ("limit, long, band 100 %: bankruptcy", l(&[pos(1, -96)], &p100, 1_000_000), Ok(96)),
        ("limit, short, band 100 %: bankruptcy", l(&[pos(-1, 104)], &p100, 1_000_000), Ok(104)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let e = |ps: &[Position], c: i64| estimated_liquidation_price(&Pool::new(Quote(c), ps), &ms, &p100, 0);
    let rows: Vec<(&str, Result<LiquidationPrice>, Result<LiquidationPrice>)> = vec![
        ("liquidation price, empty pool", e(&[], 0), Err(Error::UnknownPosition)),
        ("liquidation price, size 0", e(&[pos(0, 0)], 0), Err(Error::EmptyPosition)),
        // Long 1, qb −95: equity P − 95 = 0.05 P → P = 100 (95 / 0.95).
        ("liquidation price, one lot long", e(&[pos(1, -95)], 0), Ok(LiquidationPrice::At(Price(100)))),
        ("liquidation price, collateral MAX: never", e(&[pos(1, -95)], MAX), Ok(LiquidationPrice::Never)),
        ("liquidation price, short, collateral MIN: always", e(&[pos(-1, 95)], MIN), Ok(LiquidationPrice::Always)),
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
        ("liquidation price, 100 % tier, long short of maintenance: always", e1(full, 50, pos(1, -100)), Ok(LiquidationPrice::Always)),
        // Tier 0: −600 + 0.5 P has its root 1,200 above the tier; tier 1: −600 + 500.
        ("liquidation price, 50 % then 100 %, long: always", e1(mixed, 0, pos(1, -600)), Ok(LiquidationPrice::Always)),
        // Tier 1's constant −500 + 500 = 0: healthy there; tier 0's root 1,000.
        ("liquidation price, 50 % then 100 %, flat at 0: at the floor", e1(mixed, 0, pos(1, -500)), Ok(LiquidationPrice::At(Price(1_000)))),
        // 300 − 2 P = 0 at 150.
        ("liquidation price, 100 % tier, short", e1(full, 0, pos(-1, 300)), Ok(LiquidationPrice::At(Price(150)))),
        // 95 P − 95: the root is exactly 1, healthy there.
        ("liquidation price, long, root exactly 1: never", e(&[pos(100, -95)], 0), Ok(LiquidationPrice::Never)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let rows: Vec<(&str, Result<bool>, Result<bool>)> = vec![
        ("100 % tier, collateral 50, long 1 @ −100: needs liquidation at 1", needs(full, 50, pos(1, -100), 1), Ok(true)),
        ("… at 100", needs(full, 50, pos(1, -100), 100), Ok(true)),
        ("… at 1,000,000", needs(full, 50, pos(1, -100), 1_000_000), Ok(true)),
        ("50 %/100 %, long 1 @ −600: needs liquidation at 1", needs(mixed, 0, pos(1, -600), 1), Ok(true)),
        ("… at 1,000,000", needs(mixed, 0, pos(1, -600), 1_000_000), Ok(true)),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn settle_edges() {
    let ms = [market()];
    let p100 = [Price(100)];
    let s = |ps: &[Position], d: i64, price: i64| {
        settle_fill(&Pool::new(Quote(0), ps), &ms, &p100, &Fill { position_index: 0, size_delta: Size(d), price: Price(price) })
    };
    let rows: Vec<(&str, Result<Settlement>, Error)> = vec![
        ("empty pool", s(&[], -1, 100), Error::UnknownPosition),
        ("price 0", s(&[pos(1, -96)], -1, 0), Error::InvalidFillPrice),
        ("price MIN", s(&[pos(1, -96)], -1, MIN), Error::InvalidFillPrice),
        ("delta 0", s(&[pos(1, -96)], 0, 100), Error::InvalidFillQuantity),
        ("delta MIN", s(&[pos(1, -96)], MIN, 100), Error::InvalidFillQuantity),
        ("delta MAX (same side)", s(&[pos(1, -96)], MAX, 100), Error::InvalidFillQuantity),
        ("size MAX sold whole at MAX", s(&[pos(MAX, 0)], -MAX, MAX), Error::Overflow),
    ];
    for (name, got, want) in rows {
        assert_eq!(got.map(|_| ()), Err(want), "{name}");
    }
    // One lot at one tick above bankruptcy (96): cash 97, fee ceil(0.97) = 1 ≤ 97 − 96.
    let st = s(&[pos(1, -96)], -1, 97).unwrap();
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
    let st = s(&[pos(1, -96)], -1, 95).unwrap();
    assert_eq!(
        (st.fee.0, st.bad_debt.0, st.insurance_fund_delta.0, st.position_quote_delta.0),
        (0, 1, -1, 96),
        "one lot, one tick below bankruptcy"
    );
    // Price MAX, one lot: cash MAX, nominal fee ceil(MAX / 100).
    let st = s(&[pos(1, -96)], -1, MAX).unwrap();
    assert_eq!((st.fill_cash.0, st.nominal_fee.0, st.fee.0), (MAX, 92_233_720_368_547_759, 92_233_720_368_547_759), "one lot at price MAX");
}

// ---------------------------------------------------------------------------
// Pipeline and escalation.

#[test]
fn pipeline_edges() {
    let ms = [market()];
    let p100 = [Price(100)];
    let run = |ps: &[Position], policy: &Policy, legs: usize| {
        let mut st = AccountLiquidationState::default();
        let mut l = vec![PlanLeg::default(); legs];
        run_pipeline(&Pool::new(Quote(0), ps), &ms, &p100, policy, &mut st, &mut [], 0, 0, &mut l)
            .map(|d| (d.action, d.reason, d.plan.leg_count))
    };
    let p = Policy::default();
    let liquidatable = vec![pos(1, -96); MAX_POSITIONS];
    let rows: Vec<(&str, Result<(Action, Reason, usize)>, Result<(Action, Reason, usize)>)> = vec![
        ("empty pool", run(&[], &p, 0), Ok((Action::None, Reason::Healthy, 0))),
        // The default policy's 1 % band: limit 99, so each one-lot leg moves the
        // surplus by 5 − 1 (slippage) − 1 (fee) = 3: a shortfall of 64 needs 22 legs.
        ("MAX_POSITIONS liquidatable", run(&liquidatable, &p, MAX_POSITIONS), Ok((Action::Liquidate, Reason::TargetRestored, 22))),
        (
            "MAX_POSITIONS + 1",
            run(&[liquidatable.as_slice(), &[pos(1, -96)]].concat(), &p, MAX_POSITIONS + 1),
            Err(Error::TooManyPositions),
        ),
        ("legs too small", run(&[pos(1, -96)], &p, 0), Err(Error::BufferTooSmall)),
        (
            "window capacity without states",
            run(&[pos(1, -96)], &Policy { window_capacity: WindowCapacity { capacity: Quote(1), window: 1 }, ..p }, 1),
            Err(Error::StateTooSmall),
        ),
        (
            "negative block limit",
            run(&[pos(1, -96)], &Policy { block_limits: BlockLimits { max_notional: Quote(MIN), max_insurance_loss: Quote(MAX) }, ..p }, 1),
            Err(Error::NegativeLimit),
        ),
        (
            "block limit 0",
            run(&[pos(1, -96)], &Policy { block_limits: BlockLimits { max_notional: Quote(0), max_insurance_loss: Quote(MAX) }, ..p }, 1),
            Ok((Action::None, Reason::BlockLimitReached, 0)),
        ),
        (
            "backstop fraction 1/1",
            run(
                &[pos(1, -96)],
                &Policy { escalation: EscalationRules { backstop_fraction: Fraction::new(1, 1), backstop_on_infeasible: true }, ..p },
                1,
            ),
            Err(Error::BackstopFractionNotBelowOne),
        ),
        ("bankrupt one lot: backstop", run(&[pos(1, -101)], &p, 1), Ok((Action::Backstop, Reason::Bankrupt, 0))),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let b = |c: i64, ps: &[Position]| backstop_transfer(&Pool::new(Quote(c), ps), &ms, &p100).map(|t| (t.position_count, t.deficit.0));
    assert_eq!(b(0, &[]), Ok((0, 0)), "backstop, empty pool");
    assert_eq!(b(MIN, &[]), Err(Error::Overflow), "backstop, collateral MIN (deficit −MIN does not fit)");
    assert_eq!(b(MIN + 1, &[]), Ok((0, MAX)), "backstop, collateral MIN + 1");
    assert_eq!(b(0, &[pos(0, 0), pos(1, -101)]), Ok((1, 1)), "backstop, one lot and an empty position");
}

fn cand(account: u32, size: i64, pnl: i64) -> AdlCandidate {
    AdlCandidate {
        account,
        reserved: 0,
        size: Size(size),
        unrealized_pnl: Quote(pnl),
        entry_notional: Quote(100),
        mark_notional: Quote(100),
        margin: Quote(10),
    }
}

#[test]
fn adl_edges() {
    let run = |deficit: i64, price: i64, step: i64, cs: &[AdlCandidate], mode: AdlMode| {
        let mut order = vec![0u32; cs.len()];
        let mut fills = vec![AdlFill::default(); cs.len()];
        deleverage(Size(deficit), Price(price), Size(step), cs, mode, &mut order, &mut fills)
            .map(|k| fills[..k].iter().map(|f| (f.candidate, f.size_delta.0)).collect::<Vec<_>>())
    };
    let short_max = [cand(1, -MAX, 0)];
    let rows: Vec<(&str, Result<Vec<(u32, i64)>>, Result<Vec<(u32, i64)>>)> = vec![
        ("no candidates", run(1, 100, 1, &[], AdlMode::Queue), Err(Error::InsufficientCounterparties)),
        ("deficit 0, no candidates", run(0, 100, 1, &[], AdlMode::Queue), Ok(vec![])),
        ("lot step 0", run(1, 100, 0, &short_max, AdlMode::Queue), Err(Error::InvalidLotStep)),
        ("price 0", run(1, 0, 1, &short_max, AdlMode::Queue), Err(Error::InvalidFillPrice)),
        ("deficit MAX against −MAX, queue", run(MAX, 1, 1, &short_max, AdlMode::Queue), Ok(vec![(0, MAX)])),
        ("deficit MAX against −MAX, pro rata", run(MAX, 1, 1, &short_max, AdlMode::ProRata), Ok(vec![(0, MAX)])),
        ("deficit MAX, lot step MAX, pro rata", run(MAX, 1, MAX, &short_max, AdlMode::ProRata), Ok(vec![(0, MAX)])),
        (
            "deficit MIN against MAX: short of one unit",
            run(MIN, 1, 1, &[cand(1, MAX, 0)], AdlMode::Queue),
            Err(Error::InsufficientCounterparties),
        ),
        ("deficit MIN against MAX + 1", run(MIN, 1, 1, &[cand(1, MAX, 0), cand(2, 1, 0)], AdlMode::Queue), Ok(vec![(0, -MAX), (1, -1)])),
        ("same side only", run(1, 1, 1, &[cand(1, 5, 0)], AdlMode::Queue), Err(Error::InsufficientCounterparties)),
        // One lot, two candidates of equal size: pro rata floor gives 0 each, the lot goes to the queue's first (higher PnL).
        ("one lot, two equal candidates, pro rata", run(1, 1, 1, &[cand(1, -1, 0), cand(2, -1, 5)], AdlMode::ProRata), Ok(vec![(1, 1)])),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let mut order = [0u32; 0];
    assert_eq!(rank_adl(Size(1), &[cand(1, -1, 0)], &mut order), Err(Error::BufferTooSmall), "rank_adl, empty order buffer");
    assert_eq!(rank_adl(Size(1), &[], &mut order), Ok(0), "rank_adl, empty");
}

#[test]
fn insurance_fund_edges() {
    let rows: Vec<(&str, Result<InsuranceFund>, bool)> = vec![
        ("new(MAX, MIN)", InsuranceFund::new(Quote(MAX), Quote(MIN)), true),
        ("new(0, 0)", InsuranceFund::new(Quote(0), Quote(0)), true),
        ("new(MIN, 0): below floor", InsuranceFund::new(Quote(MIN), Quote(0)), false),
    ];
    for (name, got, ok) in rows {
        assert_eq!(got.is_ok(), ok, "{name}: {got:?}");
    }
    let mut f = InsuranceFund::new(Quote(MAX), Quote(0)).unwrap();
    assert_eq!(f.credit(Quote(1)), Err(Error::Overflow), "credit 1 at MAX");
    assert_eq!(f.credit(Quote(-1)), Err(Error::NegativeLimit), "credit -1");
    assert_eq!(f.debit(Quote(MAX)), Ok(()), "debit MAX down to the floor 0");
    assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor), "debit 1 at the floor");
    assert_eq!(f.cover(Quote(MAX)).map(|c| (c.covered.0, c.uncovered.0)), Ok((0, MAX)), "cover MAX at the floor");
    assert_eq!(f.cover(Quote(MIN)).map(|_| ()), Err(Error::NegativeLimit), "cover MIN");
    assert!(f.ledger_balances(), "ledger after the edges");
}
