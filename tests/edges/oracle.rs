//! The price guard in the pipelines, figure by figure: exactly at the
//! maximum staleness a price liquidates, one second later it does not; a
//! grace period holds a liquidation off until its end; a market the pool
//! does not hold never blocks it; marks that are not the guard's are an
//! error; with the guard off the guarded pipeline is the pipeline; each
//! order limit is priced around the guard's limit source, held between the
//! band from the mark and the mark (single pools and unified perps).

use partliq::oracle::{first_in_grace, PriceUse};
use partliq::unified::*;
use partliq::*;

/// Exponent 0, lot 1, tick 1, 10 % / 5 %, no fee.
fn market() -> Market {
    Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
}

/// A long 100 @ 100 with quote balance −9,750: value 250, maintenance
/// 5 % × 10,000 = 500, so liquidatable.
const LONG: [Position; 1] = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_750) }];

/// Oracle 100 published at 1,000, confidence 0.
const FEED: PriceFeed =
    PriceFeed { oracle: Price(100), publish_time: 1_000, confidence: Price(0), index: Price(0), mark: Price(0), grace_until: 0 };

/// At most 60 s old.
const GUARD: PriceGuard = PriceGuard { max_staleness: 60, ..PriceGuard::OFF };

const SENTINEL: PlanLeg =
    PlanLeg { position_index: 77, size_delta: Size(77), limit_price: Price(77), expected_cash: Quote(77), expected_fee: Quote(77) };

fn run(pool: &Pool<'_>, prices: &[Price], feeds: &[PriceFeed], guard: &PriceGuard, now: u64) -> (Result<Decision>, [PlanLeg; 2]) {
    let markets = [market(), market()];
    let mut st = AccountLiquidationState::default();
    let mut legs = [SENTINEL; 2];
    let d =
        run_guarded_pipeline(pool, &markets[..feeds.len()], prices, feeds, guard, &Policy::default(), &mut st, &mut [], now, 1, &mut legs);
    (d, legs)
}

/// Age 60 = the maximum: liquidates (the least reduction back to
/// maintenance: 250 − x ≥ 500 − 5x at the 99 limit ⇒ x ≥ 62.5, so 63);
/// age 61: no liquidation, PriceInvalid, the buffer untouched.
#[test]
fn staleness_boundary_in_the_pipeline() {
    let pool = Pool::new(Quote(0), &LONG);
    let (d, legs) = run(&pool, &[Price(100)], &[FEED], &GUARD, 1_060);
    let d = d.unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Liquidate, Reason::TargetRestored, 1));
    assert_eq!((legs[0].size_delta, legs[0].limit_price), (Size(-63), Price(99)));
    let (d, legs) = run(&pool, &[Price(100)], &[FEED], &GUARD, 1_061);
    let d = d.unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count, d.backstop), (Action::None, Reason::PriceInvalid, 0, None));
    assert_eq!(d.plan.health_before.equity, Quote(0));
    assert_eq!(legs, [SENTINEL; 2]);
}

/// A healthy pool with a stale price is not "healthy": its price is
/// refused first.
#[test]
fn a_refused_price_comes_before_the_trigger() {
    let healthy = [Position { market_index: 0, size: Size(1), quote_balance: Quote(0) }];
    let (d, _) = run(&Pool::new(Quote(0), &healthy), &[Price(100)], &[FEED], &GUARD, 5_000);
    assert_eq!(d.unwrap().reason, Reason::PriceInvalid);
    let (d, _) = run(&Pool::new(Quote(0), &healthy), &[Price(100)], &[FEED], &GUARD, 1_000);
    assert_eq!(d.unwrap().reason, Reason::Healthy);
}

/// A stale market the pool holds nothing of (no position, or a position
/// of size 0) does not block; its mark may be anything.
#[test]
fn only_held_markets_count() {
    let stale = PriceFeed { publish_time: 0, ..FEED };
    let pool = Pool::new(Quote(0), &LONG);
    let (d, _) = run(&pool, &[Price(100), Price(0)], &[FEED, stale], &GUARD, 1_000);
    assert_eq!(d.unwrap().action, Action::Liquidate);
    let with_empty = [LONG[0], Position { market_index: 1, size: Size(0), quote_balance: Quote(5) }];
    let (d, _) = run(&Pool::new(Quote(0), &with_empty), &[Price(100), Price(0)], &[FEED, stale], &GUARD, 1_000);
    assert_eq!(d.unwrap().action, Action::Liquidate);
    let both = [LONG[0], Position { market_index: 1, size: Size(-1), quote_balance: Quote(500) }];
    let (d, _) = run(&Pool::new(Quote(0), &both), &[Price(100), Price(0)], &[FEED, stale], &GUARD, 1_000);
    assert_eq!(d.unwrap().reason, Reason::PriceInvalid);
}

/// Grace until 1,050: at 1,049 no liquidation, with the pool's health
/// (equity 250, maintenance 500); at 1,050 it liquidates.
#[test]
fn grace_period_boundary() {
    let feed = PriceFeed { grace_until: 1_050, ..FEED };
    let pool = Pool::new(Quote(0), &LONG);
    assert_eq!(first_in_grace(&pool, &[feed], 1_049), Ok(Some(0)));
    let (d, legs) = run(&pool, &[Price(100)], &[feed], &GUARD, 1_049);
    let d = d.unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::GracePeriod, 0));
    assert_eq!((d.plan.health_before.equity, d.plan.health_before.maintenance_requirement), (Quote(250), Quote(500)));
    assert_eq!(legs, [SENTINEL; 2]);
    let (d, _) = run(&pool, &[Price(100)], &[feed], &GUARD, 1_050);
    assert_eq!(d.unwrap().action, Action::Liquidate);
}

/// The marks must be the guard's: a mark of 101 for an oracle of 100 is
/// refused; with the trigger on the mark (99, within 1 %), 99 is the one.
/// A feed slice shorter than the markets is an error.
#[test]
fn marks_are_the_guards() {
    let pool = Pool::new(Quote(0), &LONG);
    let (d, legs) = run(&pool, &[Price(101)], &[FEED], &GUARD, 1_000);
    assert_eq!((d, legs), (Err(Error::PriceNotGuarded), [SENTINEL; 2]));
    let on_mark = PriceGuard { trigger: PriceSource::Mark, max_deviation: Ppm(10_000), ..GUARD };
    let feed = PriceFeed { mark: Price(99), ..FEED };
    let mut resolved = [Price(0)];
    assert_eq!(resolve_prices(&on_mark, &[feed], 1_000, PriceUse::Trigger, &mut resolved), Ok(0));
    assert_eq!(resolved, [Price(99)]);
    let (d, _) = run(&pool, &resolved, &[feed], &on_mark, 1_000);
    assert_eq!(d.unwrap().action, Action::Liquidate);
    // 98 deviates by 2 %: refused.
    let (d, _) = run(&pool, &[Price(98)], &[PriceFeed { mark: Price(98), ..FEED }], &on_mark, 1_000);
    assert_eq!(d.unwrap().reason, Reason::PriceInvalid);
    let markets = [market(), market()];
    let r = run_guarded_pipeline(
        &pool,
        &markets,
        &[Price(100); 2],
        &[FEED],
        &GUARD,
        &Policy::default(),
        &mut Default::default(),
        &mut [],
        1_000,
        1,
        &mut [SENTINEL; 2],
    );
    assert_eq!(r, Err(Error::MarketDataTooShort));
}

/// With the guard off, the guarded pipeline decides what the pipeline
/// decides (and writes the same state).
#[test]
fn guard_off_is_the_pipeline() {
    let pool = Pool::new(Quote(0), &LONG);
    let markets = [market()];
    let (mut a, mut b) = (AccountLiquidationState::default(), AccountLiquidationState::default());
    let (mut la, mut lb) = ([SENTINEL; 1], [SENTINEL; 1]);
    let p = Policy::default();
    let d1 = run_pipeline(&pool, &markets, &[Price(100)], &p, &mut a, &mut [], 9_999, 1, &mut la);
    let d2 = run_guarded_pipeline(&pool, &markets, &[Price(100)], &[FEED], &PriceGuard::OFF, &p, &mut b, &mut [], 9_999, 1, &mut lb);
    assert_eq!((d1, a, la), (d2, b, lb));
    // Off still refuses a price that is not positive.
    let zero = PriceFeed { oracle: Price(0), ..FEED };
    let d = run_guarded_pipeline(&pool, &markets, &[Price(0)], &[zero], &PriceGuard::OFF, &p, &mut b, &mut [], 0, 1, &mut lb);
    assert_eq!(d.unwrap().reason, Reason::PriceInvalid);
}

/// The unified pipeline: 1,000 units of asset 1 (price 100, one unit
/// worth 1, maintenance weight 90 %) against a 950 borrow of the quote
/// asset is liquidatable (900 < 950); a stale feed of asset 1 refuses it,
/// a grace period holds it off, a fresh feed liquidates.
#[test]
fn unified_guarded() {
    let assets = [Asset::at_par(0), Asset::weighted(-2, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))];
    let (markets, marks, asset_prices) = ([market()], [Price(100)], [Price(1), Price(100)]);
    let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &marks) };
    let fees = [AssetLiquidationFees::default(), AssetLiquidationFees { liquidator_bonus: Ppm(50_000), insurance_fee: Ppm(0) }];
    let policy = UnifiedLiquidationPolicy {
        target: Target::Initial,
        perp_band: Ppm(0),
        asset_fees: &fees,
        objective: PlanObjective::LeastValue,
        ordering: LegOrdering::Cheapest,
        tiers: LiquidationTiers::default(),
        take_over_bankrupt: false,
        search_budget_units: 0,
    };
    let balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -950 }];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let quote = PriceFeed { oracle: Price(1), ..FEED };
    let feed = PriceFeed { oracle: Price(100), ..FEED };
    let mut legs = [UnifiedLeg::default(); 4];
    let go = |asset_feeds: &[PriceFeed], now: u64, legs: &mut [UnifiedLeg]| {
        run_guarded_unified_liquidation(&account, 0, &book, &[FEED], asset_feeds, &GUARD, &policy, false, now, legs)
    };
    let d = go(&[quote, feed], 1_061, &mut legs).unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::PriceInvalid, 0));
    assert_eq!(legs, [UnifiedLeg::default(); 4]);
    let d = go(&[quote, PriceFeed { grace_until: 1_061, ..feed }], 1_060, &mut legs).unwrap();
    assert_eq!((d.action, d.reason), (Action::None, Reason::GracePeriod));
    // Its health as it stands: maintenance collateral 1,000 × 90 % − 950 = −50.
    assert_eq!(d.plan.health_after.state, HealthState::Liquidatable);
    let d = go(&[quote, feed], 1_060, &mut legs).unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Liquidate, Reason::TargetRestored, 1));
    assert_eq!(go(&[quote, PriceFeed { oracle: Price(101), ..feed }], 1_060, &mut legs), Err(Error::PriceNotGuarded));
    assert_eq!(go(&[quote], 1_060, &mut legs), Err(Error::MarketDataTooShort));
    // A limit read from the mark: the asset feeds have none, but an asset's
    // limit is never read, so the same one-leg liquidation goes ahead.
    let mark_limit = PriceGuard { limit: PriceSource::Mark, ..GUARD };
    let mut marked = [UnifiedLeg::default(); 4];
    let d = run_guarded_unified_liquidation(&account, 0, &book, &[FEED], &[quote, feed], &mark_limit, &policy, false, 1_060, &mut marked)
        .unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count, marked), (Action::Liquidate, Reason::TargetRestored, 1, legs));
}

/// Input errors come before the guard's decisions: a window rule with no
/// market states is `StateTooSmall` even when the price is refused.
#[test]
fn input_errors_before_the_gate() {
    let pool = Pool::new(Quote(0), &LONG);
    let windowed = Policy { window_capacity: WindowCapacity { capacity: Quote(1_000), window: 60 }, ..Policy::default() };
    let mut st = AccountLiquidationState::default();
    let r =
        run_guarded_pipeline(&pool, &[market()], &[Price(100)], &[FEED], &GUARD, &windowed, &mut st, &mut [], 5_000, 1, &mut [SENTINEL; 1]);
    assert_eq!(r, Err(Error::StateTooSmall));
    let mut states = [MarketCapacityState::default()];
    let d = run_guarded_pipeline(
        &pool,
        &[market()],
        &[Price(100)],
        &[FEED],
        &GUARD,
        &windowed,
        &mut st,
        &mut states,
        5_000,
        1,
        &mut [SENTINEL; 1],
    );
    assert_eq!(d.unwrap().reason, Reason::PriceInvalid);
}

/// The order limit priced around the guard's limit source. A long 100 @
/// 100 with quote balance −9,600: equity 400 < maintenance 500; the
/// bankruptcy price of the whole position is (10,000 − 400) / 100 = 96.
/// With a 2 % band around the mark the limit is ⌊98⌋ = 98 (above 96) and
/// the least sell is 400 − 2x ≥ 500 − 5x ⇒ x ≥ 33.3, so 34.
const LONG_400: [Position; 1] = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_600) }];

/// A 2 % flat band.
fn band_2() -> Policy {
    Policy { price_band: Ppm(20_000), ..Policy::default() }
}

/// One guarded call with the trigger on the oracle (100) and the limit on
/// `limit`; returns (size, limit price) of its one leg.
fn limit_leg(positions: &[Position], feed: PriceFeed, limit: PriceSource, policy: &Policy) -> (Reason, Size, Price) {
    let guard = PriceGuard { limit, ..GUARD };
    let mut legs = [SENTINEL; 1];
    let mut st = AccountLiquidationState::default();
    let d = run_guarded_pipeline(
        &Pool::new(Quote(0), positions),
        &[market()],
        &[Price(100)],
        &[feed],
        &guard,
        policy,
        &mut st,
        &mut [],
        1_000,
        1,
        &mut legs,
    )
    .unwrap();
    assert_eq!(d.plan.leg_count, 1, "{d:?}");
    (d.reason, legs[0].size_delta, legs[0].limit_price)
}

/// A sell's limit around each source, by hand (x the units sold at limit
/// q: 400 − (100 − q)·x ≥ 500 − 5x):
///
/// * the oracle (100, the trigger's own): 98, 34 units — the plain pipeline;
/// * the mark 102, differing from the oracle: ⌊102 × 0.98⌋ = ⌊99.96⌋ = 99,
///   within [98, 100]: 400 − x ≥ 500 − 5x ⇒ x ≥ 25 (exactly 375 = 375);
/// * the index 110: ⌊107.8⌋ = 107, held to the mark 100: 400 ≥ 500 − 5x ⇒
///   x ≥ 20;
/// * the index 95 (the wrong side: below the mark for a sell): ⌊93.1⌋ = 93,
///   or the bankruptcy 96 capped at 95 — held up to 98: the band from the
///   mark is never exceeded, 34 units as the plain pipeline;
/// * the median of oracle 100, mark 110, index 102 = 102: 99, 25 units; of
///   oracle 100, mark 95, index 102 = 100: the plain 98, 34 units.
#[test]
fn limit_source_prices_the_order_limit() {
    let p = band_2();
    let feed = PriceFeed { mark: Price(102), index: Price(110), ..FEED };
    assert_eq!(limit_leg(&LONG_400, feed, PriceSource::Oracle, &p), (Reason::TargetRestored, Size(-34), Price(98)));
    assert_eq!(limit_leg(&LONG_400, feed, PriceSource::Mark, &p), (Reason::TargetRestored, Size(-25), Price(99)));
    assert_eq!(limit_leg(&LONG_400, feed, PriceSource::Index, &p), (Reason::TargetRestored, Size(-20), Price(100)));
    let low = PriceFeed { index: Price(95), ..feed };
    assert_eq!(limit_leg(&LONG_400, low, PriceSource::Index, &p), (Reason::TargetRestored, Size(-34), Price(98)));
    let median_high = PriceFeed { mark: Price(110), index: Price(102), ..FEED };
    assert_eq!(limit_leg(&LONG_400, median_high, PriceSource::Median, &p), (Reason::TargetRestored, Size(-25), Price(99)));
    let median_mid = PriceFeed { mark: Price(95), index: Price(102), ..FEED };
    assert_eq!(limit_leg(&LONG_400, median_mid, PriceSource::Median, &p), (Reason::TargetRestored, Size(-34), Price(98)));
    // The same limits one position at a time.
    let pool = Pool::new(Quote(0), &LONG_400);
    let around = |r| limit_price_around(&pool, &[market()], &[Price(100)], 0, Ppm(20_000), Price(r)).unwrap();
    assert_eq!((around(100), around(102), around(110), around(95), around(101)), (Price(98), Price(99), Price(100), Price(98), Price(98)));
    assert_eq!(limit_price_around(&pool, &[market()], &[Price(100)], 0, Ppm(20_000), Price(0)), Err(Error::MissingPrice));
}

/// A buy (closing a short 100 @ 100 with quote balance 10,400: equity 400,
/// bankruptcy (10,000 + 400) / 100 = 104): around the mark ⌈102⌉ = 102, 34
/// units; around 99: ⌈100.98⌉ = 101, 25 units; around 98: ⌈99.96⌉ = 100,
/// 20 units; around 105 (the wrong side for a buy): ⌈107.1⌉ = 108, held
/// down to 102.
#[test]
fn limit_source_for_a_buy() {
    let short = [Position { market_index: 0, size: Size(-100), quote_balance: Quote(10_400) }];
    let p = band_2();
    for (mark, units, limit) in [(100, 34, 102), (99, 25, 101), (98, 20, 100), (105, 34, 102)] {
        let feed = PriceFeed { mark: Price(mark), ..FEED };
        assert_eq!(limit_leg(&short, feed, PriceSource::Mark, &p), (Reason::TargetRestored, Size(units), Price(limit)), "mark {mark}");
    }
}

/// dYdX's fillable price around the limit source: BA = 1, SMMR = 2; ABR =
/// 1 × (1 − 400 / 500) = 0.2, the spread 0.2 × 2 × 500 = 200 over 100
/// units. Around the mark (10,000 − 200) / 100 = 98, 34 units; around 101
/// (10,100 − 200) / 100 = 99, 25 units; around 99: 97, held up to 98.
#[test]
fn limit_source_with_the_fillable_price() {
    use partliq::venues::dydx_v4::FillablePriceConfig;
    let config = FillablePriceConfig { bankruptcy_adjustment_ppm: 1_000_000, spread_to_maintenance_margin_ratio_ppm: 2_000_000 };
    let p = Policy { ramps: Ramps { band: BandRamp::DydxFillable(config), ..Ramps::OFF }, ..Policy::default() };
    for (mark, units, limit) in [(100, -34, 98), (101, -25, 99), (99, -34, 98)] {
        let feed = PriceFeed { mark: Price(mark), ..FEED };
        assert_eq!(limit_leg(&LONG_400, feed, PriceSource::Mark, &p), (Reason::TargetRestored, Size(units), Price(limit)), "mark {mark}");
    }
}

/// A limit source the guard refuses (the mark, not given) refuses the
/// pool as a refused trigger does: PriceInvalid, no leg.
#[test]
fn a_refused_limit_source_refuses() {
    let guard = PriceGuard { limit: PriceSource::Mark, ..GUARD };
    let (d, legs) = run(&Pool::new(Quote(0), &LONG_400), &[Price(100)], &[FEED], &guard, 1_000);
    assert_eq!((d.unwrap().reason, legs), (Reason::PriceInvalid, [SENTINEL; 2]));
}

/// The guarded unified liquidation prices a perp reduction around the
/// limit source too: the cross long 100 @ 100 with quote balance −9,600
/// (equity 400 < maintenance 500), a 2 % band and a maintenance target:
/// around the oracle (the trigger) 34 units (400 − 2x ≥ 500 − 5x); around
/// the mark 102 (⌊99.96⌋ = 99) 25 units; around the mark 95 (the wrong
/// side) as around the oracle. The unguarded call is the oracle's.
#[test]
fn unified_perp_limit_source() {
    let (markets, marks) = ([market()], [Price(100)]);
    let book = MarginBook::perps(&markets, &marks);
    let positions = [PerpPosition::cross(0, Size(100), Quote(-9_600))];
    let account = UnifiedAccount { balances: &[], positions: &positions };
    let policy = UnifiedLiquidationPolicy {
        target: Target::MAINTENANCE,
        perp_band: Ppm(20_000),
        asset_fees: &[],
        objective: PlanObjective::LeastValue,
        ordering: LegOrdering::Cheapest,
        tiers: LiquidationTiers::default(),
        take_over_bankrupt: false,
        search_budget_units: 0,
    };
    let go = |mark: i64, limit: PriceSource| {
        let guard = PriceGuard { limit, ..GUARD };
        let feed = PriceFeed { mark: Price(mark), ..FEED };
        let mut legs = [UnifiedLeg::default(); 2];
        let d = run_guarded_unified_liquidation(&account, 0, &book, &[feed], &[], &guard, &policy, false, 1_000, &mut legs).unwrap();
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Liquidate, Reason::TargetRestored, 1));
        legs[0].amount
    };
    assert_eq!((go(102, PriceSource::Oracle), go(102, PriceSource::Mark), go(95, PriceSource::Mark)), (34, 25, 34));
    let mut legs = [UnifiedLeg::default(); 2];
    let d = run_unified_liquidation(&account, 0, &book, &policy, false, &mut legs).unwrap();
    assert_eq!((d.plan.leg_count, legs[0].amount), (1, 34));
}
