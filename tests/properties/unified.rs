//! Unified margin accounts: today's model as an exact special case (health,
//! plans, pipeline decisions and settlements identical to today's functions
//! on the generated scenarios), the three health levels always in order,
//! and health monotone in prices and weights where it should be.

use partliq::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::scenario::{assert_share, run, scenario};

/// The quote asset at par: price 1, exponent 0, weights 100 %.
fn quote_asset() -> [Asset; 1] {
    [Asset::at_par(0)]
}

fn policy_for(target: Target, band: Ppm) -> Policy {
    Policy { target, price_band: band, ..Policy::default() }
}

/// On every generated scenario, the pool as a unified account (the
/// collateral a quote balance at par, the positions cross) gives exactly
/// today's health (every level), plan, pipeline decision (legs, states) and
/// settlement of its first leg.
#[test]
fn today_s_pool_is_an_exact_special_case() {
    let t = run(3_000, scenario(), |s| {
        let assets = quote_asset();
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1)], ..MarginBook::perps(&s.markets, &s.prices) };
        let balances = [AssetBalance { asset_index: 0, amount: s.collateral.0 }];
        let positions: Vec<PerpPosition> =
            s.positions.iter().map(|p| PerpPosition::cross(p.market_index, p.size, p.quote_balance)).collect();
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let today = pool_health(&s.pool(), &s.markets, &s.prices).unwrap();
        let h = unified_pool_health(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
        prop_assert_eq!(h.as_health().unwrap(), today);
        prop_assert_eq!(h.equity, today.equity);
        for level in [h.initial, h.liquidation_end] {
            prop_assert_eq!(level, LevelFigures { collateral: today.equity, requirement: today.initial_requirement });
        }
        prop_assert_eq!(h.maintenance, LevelFigures { collateral: today.equity, requirement: today.maintenance_requirement });
        // The pool in today's model is the pool itself.
        let mut ps = [Position::default(); MAX_POSITIONS];
        let mut idx = [0usize; MAX_POSITIONS];
        let view = perp_view(&account.pool(0).unwrap(), &book, &mut ps, &mut idx).unwrap();
        prop_assert_eq!((view.collateral, view.positions), (s.collateral, &s.positions[..]));
        // The pipeline: the same decision, legs and states.
        let policy = policy_for(s.target, s.band);
        let n = s.positions.len();
        let (mut st_a, mut st_b) = (AccountLiquidationState::default(), AccountLiquidationState::default());
        let (mut legs_a, mut legs_b) = (vec![PlanLeg::default(); n], vec![PlanLeg::default(); n]);
        let a = run_pipeline(&s.pool(), &s.markets, &s.prices, &policy, &mut st_a, &mut [], 7, 3, &mut legs_a);
        let b = run_unified_pipeline(&account, 0, &book, &policy, &mut st_b, &mut [], 7, 3, &mut legs_b);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!((&legs_a, st_a), (&legs_b, st_b));
        // Settlement of the first leg: on the same pool, the same figures.
        if let Ok(d) = a {
            if d.plan.leg_count > 0 {
                let leg = legs_a[0];
                let fill = Fill { position_index: leg.position_index as usize, size_delta: leg.size_delta, price: leg.limit_price };
                prop_assert_eq!(settle_fill(&view, &s.markets, &s.prices, &fill), settle_fill(&s.pool(), &s.markets, &s.prices, &fill));
                return Ok("liquidated");
            }
        }
        Ok(if today.needs_liquidation() { "unhealthy" } else { "healthy" })
    });
    assert_share(&t, "liquidated", 100);
    assert_share(&t, "healthy", 50);
}

/// The same for an isolated account: every position an isolated pool, the
/// collateral the cross pool's only balance. The account's figures and
/// state equal `account_health` in isolated mode, and each isolated pool is
/// today's pool of that position.
#[test]
fn today_s_isolated_account_is_an_exact_special_case() {
    run(2_000, scenario(), |s| {
        let assets = quote_asset();
        let book = MarginBook { assets: &assets, asset_prices: &[Price(1)], ..MarginBook::perps(&s.markets, &s.prices) };
        let balances = [AssetBalance { asset_index: 0, amount: s.collateral.0 }];
        let positions: Vec<PerpPosition> =
            s.positions.iter().map(|p| PerpPosition::isolated(p.market_index, p.size, p.quote_balance)).collect();
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let today = account_health(
            &Account { collateral: s.collateral, positions: &s.positions, mode: MarginMode::Isolated },
            &s.markets,
            &s.prices,
        )
        .unwrap();
        let h = unified_account_health(&account, &book, &MarginLadder::STANDARD).unwrap();
        prop_assert_eq!(h.as_health().unwrap(), today);
        prop_assert_eq!(account.pool_count(), s.positions.len() + 1);
        for (k, p) in s.positions.iter().enumerate() {
            let one = pool_health(&Pool::new(Quote(0), std::slice::from_ref(p)), &s.markets, &s.prices).unwrap();
            let u = unified_pool_health(&account.pool(k + 1).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
            prop_assert_eq!(u.as_health().unwrap(), one);
        }
        Ok("ok")
    });
}

// ---------------------------------------------------------------------------
// Random unified accounts.

#[derive(Debug, Clone)]
struct RawAsset {
    e: i32,
    /// Initial ≤ maintenance asset weight, maintenance ≤ initial liability.
    weights: (u32, u32, u32, u32),
    imf: u32,
    unit_exp: u32,
    price: i64,
}

fn raw_asset() -> impl Strategy<Value = RawAsset> {
    (
        -9i32..=0,
        (0u32..=1_000_000, 0u32..=1_000_000, 1_000_000u32..=3_000_000, 1_000_000u32..=3_000_000),
        prop_oneof![Just(0u32), 1u32..=100_000],
        0u32..=9,
        1i64..=100_000_000,
    )
        .prop_map(|(e, (a, b, c, d), imf, unit_exp, price)| RawAsset {
            e,
            weights: (a.min(b), a.max(b), c.min(d), c.max(d)),
            imf,
            unit_exp,
            price,
        })
}

impl RawAsset {
    fn asset(&self) -> Asset {
        let (ia, ma, ml, il) = self.weights;
        let mut a = Asset::weighted(self.e, (Ppm(ia), Ppm(ma)), (Ppm(il), Ppm(ml)));
        a.imf_factor = Ppm(self.imf);
        a.imf_unit = 10i64.pow(self.unit_exp);
        a.validate().unwrap();
        a
    }
}

#[derive(Debug, Clone)]
struct RawPerp {
    size: i64,
    qb: i64,
    isolated: bool,
    last_index: i64,
    bids: i64,
    asks: i64,
}

fn raw_perp() -> impl Strategy<Value = RawPerp> {
    (
        -1_000_000i64..=1_000_000,
        -1_000_000_000i64..=1_000_000_000,
        prop::bool::weighted(0.3),
        -1_000_000i64..=1_000_000,
        prop_oneof![Just(0i64), 0i64..=100_000],
        prop_oneof![Just(0i64), 0i64..=100_000],
    )
        .prop_map(|(size, qb, isolated, last_index, bids, asks)| RawPerp { size, qb, isolated, last_index, bids, asks })
}

#[derive(Debug, Clone)]
struct RawUnified {
    assets: Vec<RawAsset>,
    balances: Vec<(usize, i64)>,
    perps: Vec<RawPerp>,
    mark: i64,
    funding_index: i64,
    risk: (u32, u32, u32),
}

fn raw_unified() -> impl Strategy<Value = RawUnified> {
    (
        prop::collection::vec(raw_asset(), 1..=4),
        prop::collection::vec((0usize..4, -1_000_000_000i64..=1_000_000_000), 0..=5),
        prop::collection::vec(raw_perp(), 0..=4),
        1i64..=1_000_000,
        -1_000_000i64..=1_000_000,
        (prop_oneof![Just(0u32), 1u32..=50_000], 0u32..=6, 0u32..=1_000_000),
    )
        .prop_map(|(assets, balances, perps, mark, funding_index, risk)| RawUnified {
            assets,
            balances,
            perps,
            mark,
            funding_index,
            risk,
        })
}

/// Owned inputs of one generated account.
struct Built {
    assets: Vec<Asset>,
    asset_prices: Vec<Price>,
    balances: Vec<AssetBalance>,
    positions: Vec<PerpPosition>,
    markets: [Market; 1],
    prices: [Price; 1],
    funding: [i64; 1],
    risk: [PerpRisk; 1],
}

impl Built {
    fn of(r: &RawUnified) -> Built {
        let assets: Vec<Asset> = r.assets.iter().map(RawAsset::asset).collect();
        let asset_prices = r.assets.iter().map(|a| Price(a.price)).collect();
        let balances = r.balances.iter().map(|&(i, amount)| AssetBalance { asset_index: (i % assets.len()) as u32, amount }).collect();
        let positions = r
            .perps
            .iter()
            .map(|p| PerpPosition {
                market_index: 0,
                margin: if p.isolated { PositionMargin::Isolated } else { PositionMargin::Cross },
                size: Size(p.size),
                quote_balance: Quote(p.qb),
                last_funding_index: p.last_index,
                open_bids: Size(p.bids),
                open_asks: Size(p.asks),
            })
            .collect();
        let market = Market::single_tier(-3, 1, 1, Ppm(100_000), Ppm(50_000))
            .with_tiers(&[
                MarginTier { notional_floor: Quote(0), initial: Ppm(100_000), maintenance: Ppm(50_000) },
                MarginTier { notional_floor: Quote(100_000_000), initial: Ppm(200_000), maintenance: Ppm(100_000) },
            ])
            .unwrap();
        let (imf, unit_exp, upnl) = r.risk;
        Built {
            assets,
            asset_prices,
            balances,
            positions,
            markets: [market],
            prices: [Price(r.mark)],
            funding: [r.funding_index],
            risk: [PerpRisk { imf_factor: Ppm(imf), imf_unit: 10i64.pow(unit_exp), initial_upnl_weight: Ppm(upnl) }],
        }
    }

    fn book(&self) -> MarginBook<'_> {
        MarginBook {
            markets: &self.markets,
            prices: &self.prices,
            funding_indexes: &self.funding,
            perp_risk: &self.risk,
            assets: &self.assets,
            asset_prices: &self.asset_prices,
        }
    }

    fn account(&self) -> UnifiedAccount<'_> {
        UnifiedAccount { balances: &self.balances, positions: &self.positions }
    }

    /// Every pool's health, or `None` when a figure overflows.
    fn healths(&self, book: &MarginBook<'_>) -> Option<Vec<UnifiedHealth>> {
        let account = self.account();
        (0..account.pool_count())
            .map(|i| match unified_pool_health(&account.pool(i).unwrap(), book, &MarginLadder::BINANCE_PORTFOLIO_MARGIN) {
                Ok(h) => Some(h),
                Err(Error::Overflow) => None,
                Err(e) => panic!("{e:?}"),
            })
            .collect()
    }
}

fn level_health(h: &UnifiedHealth, level: HealthLevel) -> i128 {
    h.level(level).health().unwrap()
}

/// `health(initial) ≤ health(liquidation end) ≤ health(maintenance)` in
/// every pool of every generated account; the state and rung agree with the
/// maintenance figures.
#[test]
fn health_levels_are_in_order() {
    let t = run(4_000, raw_unified(), |r| {
        let b = Built::of(&r);
        let Some(hs) = b.healths(&b.book()) else { return Ok("overflow") };
        for h in &hs {
            let (i, le, m) = (
                level_health(h, HealthLevel::Initial),
                level_health(h, HealthLevel::LiquidationEnd),
                level_health(h, HealthLevel::Maintenance),
            );
            prop_assert!(i <= le && le <= m, "initial {i}, liquidation end {le}, maintenance {m}: {h:?}");
            let want = if h.equity.0 < 0 {
                HealthState::Bankrupt
            } else if m < 0 {
                HealthState::Liquidatable
            } else {
                HealthState::Healthy
            };
            prop_assert_eq!(h.state, want);
            // Binance's ladder: backstop below 100 % of maintenance, i.e. a
            // negative maintenance health (or a negative collateral with no
            // requirement).
            prop_assert_eq!(m < 0, h.rung == MarginRung::Backstop, "{:?}", h);
        }
        Ok(if hs.iter().any(|h| h.state != HealthState::Healthy) { "unhealthy" } else { "healthy" })
    });
    assert_share(&t, "unhealthy", 100);
    assert_share(&t, "healthy", 100);
}

/// A deposit's price up never lowers a pool's health at any level; a
/// borrow's price up never raises it. (The size discount and premium depend
/// on the amount, not the price.)
#[test]
fn health_is_monotone_in_asset_prices() {
    let t = run(3_000, (raw_unified(), 0usize..4, 1i64..=1_000_000), |(r, which, bump)| {
        let b = Built::of(&r);
        let k = which % b.assets.len();
        let Some(before) = b.healths(&b.book()) else { return Ok("overflow") };
        let mut up = b.asset_prices.clone();
        up[k] = Price(up[k].0.saturating_add(bump));
        let book = MarginBook { asset_prices: &up, ..b.book() };
        let Some(after) = b.healths(&book) else { return Ok("overflow") };
        let net: i128 = b.balances.iter().filter(|x| x.asset_index as usize == k).map(|x| i128::from(x.amount)).sum();
        let cross_sign = b.balances.iter().filter(|x| x.asset_index as usize == k).map(|x| x.amount.signum()).collect::<Vec<_>>();
        for level in [HealthLevel::Initial, HealthLevel::LiquidationEnd, HealthLevel::Maintenance] {
            let (x, y) = (level_health(&before[0], level), level_health(&after[0], level));
            if cross_sign.iter().all(|&s| s >= 0) {
                prop_assert!(y >= x, "deposits of asset {k} up, {level:?} health {x} → {y}");
            }
            if cross_sign.iter().all(|&s| s <= 0) {
                prop_assert!(y <= x, "borrows of asset {k} up, {level:?} health {x} → {y}");
            }
        }
        // Isolated pools hold no balance: unchanged.
        prop_assert_eq!(&before[1..], &after[1..]);
        Ok(if net > 0 {
            "deposit"
        } else if net < 0 {
            "borrow"
        } else {
            "none"
        })
    });
    assert_share(&t, "deposit", 200);
    assert_share(&t, "borrow", 200);
}

/// Raising an asset weight never lowers health; raising a liability weight
/// never raises it (at the level whose weight moved, and those sharing it).
#[test]
fn health_is_monotone_in_weights() {
    run(3_000, (raw_unified(), 0usize..4, 0u32..=500_000), |(r, which, bump)| {
        let b = Built::of(&r);
        let k = which % b.assets.len();
        let Some(before) = b.healths(&b.book()) else { return Ok("overflow") };
        // Asset weights up (kept ≤ 100 % and in order).
        let mut up = b.assets.clone();
        up[k].maintenance_asset_weight = Ppm((up[k].maintenance_asset_weight.0 + bump).min(1_000_000));
        up[k].initial_asset_weight = Ppm((up[k].initial_asset_weight.0 + bump).min(up[k].maintenance_asset_weight.0));
        up[k].validate().unwrap();
        let Some(after) = b.healths(&MarginBook { assets: &up, ..b.book() }) else { return Ok("overflow") };
        for level in [HealthLevel::Initial, HealthLevel::LiquidationEnd, HealthLevel::Maintenance] {
            prop_assert!(level_health(&after[0], level) >= level_health(&before[0], level), "{level:?}");
        }
        // Liability weights up.
        let mut heavier = b.assets.clone();
        heavier[k].maintenance_liability_weight = Ppm(heavier[k].maintenance_liability_weight.0 + bump);
        heavier[k].initial_liability_weight = Ppm(heavier[k].initial_liability_weight.0 + bump);
        heavier[k].validate().unwrap();
        let Some(after) = b.healths(&MarginBook { assets: &heavier, ..b.book() }) else { return Ok("overflow") };
        for level in [HealthLevel::Initial, HealthLevel::LiquidationEnd, HealthLevel::Maintenance] {
            prop_assert!(level_health(&after[0], level) <= level_health(&before[0], level), "{level:?}");
        }
        Ok("ok")
    });
}

/// The account's state is the worst of its pools', its figures their sums.
#[test]
fn account_health_is_the_worst_pool() {
    run(2_000, raw_unified(), |r| {
        let b = Built::of(&r);
        let Some(hs) = b.healths(&b.book()) else { return Ok("overflow") };
        let a = match unified_account_health(&b.account(), &b.book(), &MarginLadder::BINANCE_PORTFOLIO_MARGIN) {
            Ok(a) => a,
            Err(Error::Overflow) => return Ok("overflow"),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        prop_assert_eq!(a.state, hs.iter().map(|h| h.state).max().unwrap());
        prop_assert_eq!(a.rung, hs.iter().map(|h| h.rung).max().unwrap());
        prop_assert_eq!(i128::from(a.equity.0), hs.iter().map(|h| i128::from(h.equity.0)).sum::<i128>());
        prop_assert_eq!(i128::from(a.maintenance.requirement.0), hs.iter().map(|h| i128::from(h.maintenance.requirement.0)).sum::<i128>());
        Ok("ok")
    });
}
