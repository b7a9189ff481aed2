//! Step rules, venue presets, escalation and the one-call pipeline, with
//! hand-computed expectations (the arithmetic in the comments).

use crate::support::pos;

use partliq::presets;
use partliq::venues::dydx_v4;
use partliq::*;

struct Run {
    state: AccountLiquidationState,
    markets_state: [MarketCapacityState; 2],
}

impl Run {
    fn new() -> Self {
        Run { state: AccountLiquidationState::default(), markets_state: [MarketCapacityState::default(); 2] }
    }
    fn go(
        &mut self,
        pool: &Pool<'_>,
        markets: &[Market],
        prices: &[Price],
        policy: &Policy,
        now: u64,
        block: u64,
        legs: &mut [PlanLeg],
    ) -> Decision {
        run_pipeline(pool, markets, prices, policy, &mut self.state, &mut self.markets_state, now, block, legs).unwrap()
    }
}

/// Hyperliquid BTC: sizes in 0.001 BTC (e = −3), prices and quote in USD, 40x
/// max leverage → initial 2.5 %, maintenance 1.25 %.
fn hl_market() -> Market {
    presets::hyperliquid_market(-3, 1, 1, 1, &[(0, 40)]).unwrap()
}

#[test]
fn hyperliquid_twenty_percent_then_cooldown_full() {
    let preset = presets::hyperliquid(1, 1).unwrap();
    let mut m = hl_market();
    preset.apply_to(&mut m);
    let markets = [m];
    let prices = [Price(98_000)];
    // 2 BTC long from 100,000 with 6,000 collateral at 98,000: notional 196,000,
    // MM 1.25 % = 2,450, equity 6,000 − 4,000 = 2,000: liquidatable, ≥ 2/3 MM.
    let positions = [pos(0, 2_000, -200_000)];
    let pool = Pool::new(Quote(6_000), &positions);
    let mut run = Run::new();
    let mut legs = [PlanLeg::default(); 1];
    let d = run.go(&pool, &markets, &prices, &preset.policy, 100, 1, &mut legs);
    // Over 100k: 20 % = 400 units, priced at the bankruptcy price:
    // (196,000 − 2,000) / 2 BTC = 97,000.
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Liquidate, Reason::StepCapped, 1));
    assert_eq!((legs[0].size_delta, legs[0].limit_price), (Size(-400), Price(97_000)));
    assert_eq!((run.state.has_partial, run.state.last_partial_time, run.state.in_liquidation), (true, 100, true));
    // Book it: 400 × 97 = 38,800; the rest (1,600 units) with qb −161,200.
    let after = [pos(0, 1_600, -161_200)];
    let pool = Pool::new(Quote(6_000), &after);
    // 10 s later, inside the 30 s cooldown: the whole position.
    let d = run.go(&pool, &markets, &prices, &preset.policy, 110, 2, &mut legs);
    assert_eq!((d.action, legs[0].size_delta), (Action::Liquidate, Size(-1_600)));
    // After the cooldown (t = 131 ≥ 100 + 30): 20 % again → 320.
    let d = run.go(&pool, &markets, &prices, &preset.policy, 131, 3, &mut legs);
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-320)));
}

#[test]
fn hyperliquid_small_positions_close_whole() {
    let preset = presets::hyperliquid(1, 1).unwrap();
    let markets = [hl_market()];
    // 0.5 BTC at 98,000 = 49,000 ≤ 100,000: the whole position. MM 612.5 → 613;
    // equity 1,500 − 1,000 = 500 ≥ 2/3 × 613 = 408.7.
    let positions = [pos(0, 500, -50_000)];
    let mut legs = [PlanLeg::default(); 1];
    let d = Run::new().go(&Pool::new(Quote(1_500), &positions), &markets, &[Price(98_000)], &preset.policy, 0, 0, &mut legs);
    assert_eq!((d.action, legs[0].size_delta), (Action::Liquidate, Size(-500)));
}

#[test]
fn hyperliquid_backstop_at_exactly_two_thirds() {
    let preset = presets::hyperliquid(1, 1).unwrap();
    let markets = [hl_market()];
    let prices = [Price(98_000)];
    let positions = [pos(0, 2_000, -200_000)];
    let mut legs = [PlanLeg::default(); 1];
    // Equity 1,633: 3 × 1,633 = 4,899 < 2 × 2,450 = 4,900 → backstop.
    let d = Run::new().go(&Pool::new(Quote(5_633), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!((d.action, d.reason), (Action::Backstop, Reason::BelowBackstopFraction));
    let b = d.backstop.unwrap();
    assert_eq!((b.collateral, b.position_count, b.health.equity, b.deficit), (Quote(5_633), 1, Quote(1_633), Quote(0)));
    // Equity 1,634: 4,902 ≥ 4,900 → partial liquidation.
    let d = Run::new().go(&Pool::new(Quote(5_634), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!(d.action, Action::Liquidate);
}

#[test]
fn perp_v2_ratio_rule() {
    let preset = presets::perp_v2(1, Ppm(10_000)).unwrap();
    // 10 % / 6.25 %; e = 0; price 100.
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(62_500));
    preset.apply_to(&mut m);
    let markets = [m, m];
    let prices = [Price(100), Price(100)];
    // A: 100 units (10,000), B: 300 units (30,000): Σ|N| 40,000, MM 625 + 1,875 = 2,500.
    let positions = [pos(0, 100, -10_000), pos(1, 300, -30_000)];
    let mut legs = [PlanLeg::default(); 2];
    // Equity 2,000 ≥ MM / 2: B (largest MM) at most 40,000 / (2 × 30,000) = 2/3 → 200 units,
    // at the 1 % band (99; bankruptcy (30,000 − 1,500) / 300 = 95 is further).
    let d = Run::new().go(&Pool::new(Quote(2_000), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!((legs[0].position_index, legs[0].size_delta, legs[0].limit_price), (1, Size(-200), Price(99)));
    // Fee 2.5 % of 19,800 = 495; equity 2,000 + (10,000 − 30,000 + 19,800 − 495) = 1,305 ≥ MM 1,250.
    assert_eq!((d.reason, d.plan.leg_count, d.plan.health_after.equity), (Reason::TargetRestored, 1, Quote(1_305)));
    assert_eq!(legs[0].expected_fee, Quote(495));
    // Equity 1,200 < MM / 2 = 1,250: the whole of B.
    Run::new().go(&Pool::new(Quote(1_200), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!((legs[0].position_index, legs[0].size_delta), (1, Size(-300)));
    // Dust: $100 or less closes whole (floor 101).
    assert_eq!(markets[0].dust_floor, Quote(101));
}

fn tiered() -> Market {
    // Floors 0 / 5,000 / 10,000; maintenance 5 / 10 / 15 %; deductions 0 / 250 / 750.
    let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
    Market::single_tier(0, 1, 1, Ppm(0), Ppm(0))
        .with_tiers(&[t(0, 100_000, 50_000), t(5_000, 200_000, 100_000), t(10_000, 300_000, 150_000)])
        .unwrap()
}

#[test]
fn tier_steps_bitmex_and_okx() {
    let markets = [tiered()];
    let prices = [Price(100)];
    // 120 units: 12,000 notional in tier 2: MM 1,800 − 750 = 1,050; equity 1,000.
    let positions = [pos(0, 120, -12_000)];
    let pool = Pool::new(Quote(1_000), &positions);
    let mut legs = [PlanLeg::default(); 1];
    // BitMEX: one tier down: the remainder under 10,000 → at most 99 units → close 21.
    Run::new().go(&pool, &markets, &prices, &presets::bitmex().policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-21));
    // OKX: two tiers down: under 5,000 → at most 49 units → close 71.
    Run::new().go(&pool, &markets, &prices, &presets::okx().policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-71));
    // OKX, a position in tier 1 (80 units, 8,000; MM 800 − 250 = 550; equity 500): closes whole.
    let positions = [pos(0, 80, -8_000)];
    Run::new().go(&Pool::new(Quote(500), &positions), &markets, &prices, &presets::okx().policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-80));
    // BitMEX in the lowest tier (30 units, 3,000; MM 150; equity 100): whole.
    let positions = [pos(0, 30, -3_000)];
    Run::new().go(&Pool::new(Quote(100), &positions), &markets, &prices, &presets::bitmex().policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-30));
}

#[test]
fn close_factor_and_min_remainder() {
    let preset = presets::aave_v3_close_factor(1).unwrap();
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    preset.apply_to(&mut m);
    m.liquidation_fee = Ppm(0);
    let markets = [m];
    let prices = [Price(100)];
    let positions = [pos(0, 100, -10_000)]; // 10,000 ≥ 2,000; MM 500
    let mut legs = [PlanLeg::default(); 1];
    // Health 480 / 500 = 0.96 > 0.95: at most 50 %.
    Run::new().go(&Pool::new(Quote(480), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-50));
    // Health 0.94: no factor, the whole position.
    Run::new().go(&Pool::new(Quote(470), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-100));
    // Minimal sizing with the $1,000 remainder rule: 25 units (MM 125), equity 40, limit 99
    // (1 % band): 40 − x ≥ 125 − 5x ⇒ x ≥ 21.25 → 22, leaving 300 < 1,000 → all 25.
    let policy = Policy { sizing: SizingMode::Minimal, ..preset.policy };
    let positions = [pos(0, 25, -2_500)];
    Run::new().go(&Pool::new(Quote(40), &positions), &markets, &prices, &policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-25));
    // Equity 100: x ≥ 6.25 → 7, leaving 1,800 ≥ 1,000: kept.
    Run::new().go(&Pool::new(Quote(100), &positions), &markets, &prices, &policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-7));
}

#[test]
fn dydx_position_and_block_limits() {
    let mut config = dydx_v4::LiquidationConfig::code_default();
    config.max_liquidation_fee_ppm = 0;
    config.position_block_limits =
        dydx_v4::PositionBlockLimits { min_position_notional_liquidated: 1_000, max_position_portion_liquidated_ppm: 100_000 };
    config.subaccount_block_limits = dydx_v4::SubaccountBlockLimits { max_notional_liquidated: 15_000, max_quantums_insurance_lost: 500 };
    let preset = presets::dydx_v4_policy(&config, Ppm(10_000)).unwrap();
    // mainnet genesis maps one to one.
    let genesis = presets::dydx_v4_policy(&dydx_v4::LiquidationConfig::mainnet_genesis(), Ppm(15_000)).unwrap();
    assert_eq!(
        genesis.policy.position_limits,
        PositionLimits { min_notional: Quote(1_000_000_000), max_portion: Ppm(100_000), mode: LimitMode::AtLeastOneLot }
    );
    assert_eq!(genesis.fees.liquidation_fee, Ppm(15_000));
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    // 1,000 units = 100,000: at most max(min(1,000, 100,000), 10 %) = 10,000 → 100 units.
    let positions = [pos(0, 1_000, -100_000)];
    let pool = Pool::new(Quote(4_000), &positions); // MM 5,000
    let mut run = Run::new();
    let mut legs = [PlanLeg::default(); 1];
    let d = run.go(&pool, &markets, &prices, &preset.policy, 0, 7, &mut legs);
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-100)));
    assert_eq!(run.state.block_notional, Quote(10_000));
    // Same block: 5,000 of the 15,000 left → 50 units.
    run.go(&pool, &markets, &prices, &preset.policy, 0, 7, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-50));
    assert_eq!(run.state.block_notional, Quote(15_000));
    // Same block again: nothing left, yet dYdX's size delta is one step
    // (the limit 0 converts to 0 units, clamped up to the step of 1).
    let d = run.go(&pool, &markets, &prices, &preset.policy, 0, 7, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count, legs[0].size_delta), (Action::Liquidate, Reason::StepCapped, 1, Size(-1)));
    assert_eq!(run.state.block_notional, Quote(15_100));
    // Now the block's limit is exceeded (15,100 > 15,000): dYdX's
    // GetSubaccountMaxNotionalLiquidatable fails, nothing this block.
    let d = run.go(&pool, &markets, &prices, &preset.policy, 0, 7, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::BlockLimitReached, 0));
    // Next block: 100 again. Insurance loss limit 500: at 500 booked dYdX
    // still liquidates (GetSubaccountMaxInsuranceLost fails only above it) ...
    run.go(&pool, &markets, &prices, &preset.policy, 0, 8, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-100));
    run.state.record_insurance_loss(8, Quote(500)).unwrap();
    let d = run.go(&pool, &markets, &prices, &preset.policy, 0, 8, &mut legs);
    assert_eq!((d.action, d.reason, legs[0].size_delta), (Action::Liquidate, Reason::StepCapped, Size(-50)));
    // ... at 501, nothing this block.
    run.state.record_insurance_loss(8, Quote(1)).unwrap();
    let d = run.go(&pool, &markets, &prices, &preset.policy, 0, 8, &mut legs);
    assert_eq!((d.action, d.reason), (Action::None, Reason::BlockLimitReached));
    // The same limits as hard caps (LimitMode::Cap): at the limit, nothing.
    let cap = Policy { position_limits: PositionLimits { mode: LimitMode::Cap, ..preset.policy.position_limits }, ..preset.policy };
    let mut run = Run::new();
    run.state.record_insurance_loss(9, Quote(500)).unwrap();
    let d = run.go(&pool, &markets, &prices, &cap, 0, 9, &mut legs);
    assert_eq!((d.action, d.reason), (Action::None, Reason::BlockLimitReached));
    // A small position (5 units = 500 < 1,000): the whole of it.
    let positions = [pos(0, 5, -500)];
    Run::new().go(&Pool::new(Quote(20), &positions), &markets, &prices, &preset.policy, 0, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-5));
}

#[test]
fn synthetix_window_capacity() {
    let preset = presets::synthetix_v3(Quote(3_000), 60).unwrap();
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    let positions = [pos(0, 1_000, -100_000)];
    let pool = Pool::new(Quote(4_000), &positions); // MM 5,000, deficit 1,000
    let mut run = Run::new();
    let mut legs = [PlanLeg::default(); 1];
    // 3,000 of capacity → 30 units.
    let d = run.go(&pool, &markets, &prices, &preset.policy, 1_000, 0, &mut legs);
    assert_eq!((d.reason, legs[0].size_delta), (Reason::StepCapped, Size(-30)));
    assert_eq!(run.markets_state[0], MarketCapacityState { window_start: 1_000, used: Quote(3_000) });
    let d = run.go(&pool, &markets, &prices, &preset.policy, 1_059, 0, &mut legs);
    assert_eq!((d.action, d.reason), (Action::None, Reason::CapacityExhausted));
    // The window ends at 1,060.
    run.go(&pool, &markets, &prices, &preset.policy, 1_060, 0, &mut legs);
    assert_eq!(legs[0].size_delta, Size(-30));
    assert!(presets::synthetix_v3(Quote(1), 0).is_err());
}

fn one_market() -> [Market; 1] {
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(10_000);
    m.liquidator_fee_share = Ppm(500_000);
    [m]
}

#[test]
fn escalation_partial_partial_restored() {
    // partliq's default with a 20 % cap per step. Long 100 @ 100, qb −9,600: equity 400 < 500.
    let policy =
        Policy { fraction_cap: FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(200_000), cooldown: 0 }, ..Policy::default() };
    let markets = one_market();
    let prices = [Price(100)];
    let mut positions = [pos(0, 100, -9_600)];
    let mut run = Run::new();
    let mut legs = [PlanLeg::default(); 1];
    let mut reasons = [Reason::Healthy; 3];
    for (step, reason) in reasons.iter_mut().enumerate() {
        let pool = Pool::new(Quote(0), &positions);
        let d = run.go(&pool, &markets, &prices, &policy, step as u64, step as u64, &mut legs);
        *reason = d.reason;
        if d.action == Action::Liquidate {
            let fill = Fill { position_index: 0, size_delta: legs[0].size_delta, price: legs[0].limit_price };
            positions[0] = settle_fill(&pool, &markets, &prices, &fill).unwrap().new_position;
        }
    }
    // Step 1: minimal 34 capped to 20 at 99: fee 20; qb −9,600 + 1,980 − 20 = −7,640; equity 360 < MM 400.
    // Step 2: 4x − ceil(0.99x) ≥ 40 ⇒ x = 14 (≤ 16 = 20 % of 80): restored. Step 3: nothing to do.
    assert_eq!(reasons, [Reason::StepCapped, Reason::TargetRestored, Reason::Healthy]);
    assert_eq!(positions[0].size, Size(66));
}

#[test]
fn escalation_infeasible_goes_to_backstop() {
    // A 6 % band is clamped at bankruptcy (96): per unit 5 released − 4 slippage − 0.96 fee = 0.04;
    // the 100 deficit would need 2,500 units of 100: infeasible → backstop.
    let policy = Policy { price_band: Ppm(60_000), ..Policy::default() };
    let positions = [pos(0, 100, -9_600)];
    let mut legs = [PlanLeg::default(); 1];
    let d = Run::new().go(&Pool::new(Quote(0), &positions), &one_market(), &[Price(100)], &policy, 0, 0, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Backstop, Reason::Infeasible, 0));
    assert_eq!(d.backstop.unwrap().health.equity, Quote(400));
}

#[test]
fn escalation_bankruptcy_insurance_fund_then_deleveraging() {
    let markets = one_market();
    let prices = [Price(100)];
    // Long 100 @ 100 with qb −10,100: equity −100.
    let positions = [pos(0, 100, -10_100)];
    let pool = Pool::new(Quote(0), &positions);
    let mut legs = [PlanLeg::default(); 1];
    // With a backstop: transfer, deficit 100 owed by the fund.
    let d = Run::new().go(&pool, &markets, &prices, &Policy::default(), 0, 0, &mut legs);
    assert_eq!((d.action, d.reason, d.backstop.unwrap().deficit), (Action::Backstop, Reason::Bankrupt, Quote(100)));
    let mut fund = InsuranceFundBook::new(Quote(1_000), Quote(0)).unwrap();
    assert_eq!(fund.cover(Quote(100)).unwrap(), Coverage { covered: Quote(100), uncovered: Quote(0) });
    assert!(fund.ledger_balances());
    // Without a backstop (Binance): close at the limit; bankruptcy (10,000 + 100) / 100 = 101 is
    // above the mark, so the limit is the mark, 100. The fill at 100: cash 10,000 < 10,100 → bad debt 100.
    let binance = presets::binance_usdm(Ppm(5_000), Ppm(10_000));
    let d = Run::new().go(&pool, &markets, &prices, &binance.policy, 0, 0, &mut legs);
    assert_eq!((d.action, legs[0].size_delta, legs[0].limit_price), (Action::Liquidate, Size(-100), Price(100)));
    let s = settle_fill(&pool, &markets, &prices, &Fill { position_index: 0, size_delta: Size(-100), price: Price(100) }).unwrap();
    assert_eq!((s.bad_debt, s.fee, s.bankruptcy_quote), (Quote(100), Quote(0), Quote(10_100)));
    // An empty fund covers nothing; the position goes to deleveraging at the bankruptcy price 101.
    let mut empty = InsuranceFundBook::new(Quote(0), Quote(0)).unwrap();
    assert_eq!(empty.book(&s).unwrap(), Coverage { covered: Quote(0), uncovered: Quote(100) });
    assert_eq!(empty.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(empty, InsuranceFundBook::new(Quote(0), Quote(0)).unwrap(), "a refused debit changes nothing");
    let b = bankruptcy_price(&pool, &markets, &prices, 0, Size(-100)).unwrap();
    assert_eq!(b.price, Price(101));
    let cands = [
        AdlCandidate {
            account: 7,
            size: Size(-60),
            unrealized_pnl: Quote(50),
            entry_notional: Quote(6_050),
            mark_notional: Quote(6_000),
            margin: Quote(600),
            ..Default::default()
        },
        AdlCandidate {
            account: 8,
            size: Size(-80),
            unrealized_pnl: Quote(400),
            entry_notional: Quote(8_400),
            mark_notional: Quote(8_000),
            margin: Quote(400),
            ..Default::default()
        },
        AdlCandidate {
            account: 9,
            size: Size(50),
            unrealized_pnl: Quote(900),
            entry_notional: Quote(4_100),
            mark_notional: Quote(5_000),
            margin: Quote(100),
            ..Default::default()
        },
    ];
    let mut order = [0u32; 3];
    let mut fills = [AdlFill::default(); 3];
    // Scores: #8: 400/8,400 × 8,000/400 = 0.952; #7: 50/6,050 × 6,000/600 = 0.083. #9 is long: not eligible.
    let n = deleverage(Size(100), b.price, Size(1), &cands, AdlMode::Queue, &mut order, &mut fills).unwrap();
    assert_eq!(
        &fills[..n],
        &[
            AdlFill { candidate: 1, account: 8, size_delta: Size(80), price: Price(101) },
            AdlFill { candidate: 0, account: 7, size_delta: Size(20), price: Price(101) },
        ]
    );
    // Pro rata: 100 × 60/140 = 42.86 → 42, 100 × 80/140 = 57.14 → 57; the last unit in queue order (#8).
    let n = deleverage(Size(100), b.price, Size(1), &cands, AdlMode::ProRata, &mut order, &mut fills).unwrap();
    let mut got: Vec<(u32, i64)> = fills[..n].iter().map(|f| (f.account, f.size_delta.0)).collect();
    got.sort();
    assert_eq!(got, vec![(7, 42), (8, 58)]);
    // More than the opposite side holds.
    assert_eq!(
        deleverage(Size(141), b.price, Size(1), &cands, AdlMode::Queue, &mut order, &mut fills),
        Err(Error::InsufficientCounterparties)
    );
}

#[test]
fn adl_queue_is_a_total_order() {
    let c = |account: u32, pnl: i64, entry: i64, mark: i64, margin: i64| AdlCandidate {
        account,
        size: Size(-10),
        unrealized_pnl: Quote(pnl),
        entry_notional: Quote(entry),
        mark_notional: Quote(mark),
        margin: Quote(margin),
        ..Default::default()
    };
    let cands = [
        c(1, 100, 1_000, 1_100, 110), // 10 % × 10 = 1.0
        c(2, 50, 1_000, 1_050, 50),   // 5 % × 21 = 1.05
        c(3, -100, 1_000, 900, 100),  // −10 % / 9
        c(4, 100, 1_000, 1_100, 0),   // margin 0: infinite leverage
        c(0, 100, 1_000, 1_100, 110), // ties with #1, lower account id first
    ];
    let mut order = [0u32; 5];
    assert_eq!(rank_adl(Size(10), &cands, &mut order).unwrap(), 5);
    let accounts: Vec<u32> = order.iter().map(|&i| cands[i as usize].account).collect();
    assert_eq!(accounts, vec![4, 2, 0, 1, 3]);
    // Any input order gives the same ranking.
    let mut rev = cands;
    rev.reverse();
    let mut order2 = [0u32; 5];
    rank_adl(Size(10), &rev, &mut order2).unwrap();
    let accounts2: Vec<u32> = order2.iter().map(|&i| rev[i as usize].account).collect();
    assert_eq!(accounts2, accounts);
}

#[test]
fn insurance_funds_per_market() {
    let mut shared = InsuranceFundBook::new(Quote(100), Quote(10)).unwrap();
    let mut per = [InsuranceFundBook::new(Quote(5), Quote(0)).unwrap(), InsuranceFundBook::new(Quote(50), Quote(0)).unwrap()];
    let has_own = [0u8, 1u8];
    let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut per, has_own: &has_own };
    funds.fund_for(1).unwrap().debit(Quote(50)).unwrap();
    // Market 0 uses the shared fund: 100 − 91 = 9 < floor 10 → refused whole.
    assert_eq!(funds.fund_for(0).unwrap().debit(Quote(91)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(funds.fund_for(0).unwrap().cover(Quote(200)).unwrap(), Coverage { covered: Quote(90), uncovered: Quote(110) });
    assert_eq!((shared.balance, per[1].balance), (Quote(10), Quote(0)));
    assert!(shared.ledger_balances() && per[1].ledger_balances());
    assert_eq!(InsuranceFundBook::new(Quote(1), Quote(2)), Err(Error::InsuranceFundBelowFloor));
}

#[test]
fn bad_policy_parameters() {
    let p = Policy::default();
    let bad = |f: fn(&mut Policy)| {
        let mut q = p;
        f(&mut q);
        q.validate()
    };
    assert_eq!(bad(|q| q.fraction_cap.max_fraction = Ppm(1_000_001)), Err(Error::InvalidPolicyFraction));
    assert_eq!(bad(|q| q.close_factor.max_fraction = Ppm(2_000_000)), Err(Error::InvalidPolicyFraction));
    assert_eq!(bad(|q| q.position_limits.max_portion = Ppm(1_000_001)), Err(Error::InvalidPolicyFraction));
    assert_eq!(bad(|q| q.window_capacity = WindowCapacity { capacity: Quote(5), window: 0 }), Err(Error::ZeroWindow));
    assert_eq!(bad(|q| q.escalation.backstop_fraction = Fraction::new(3, 3)), Err(Error::BackstopFractionNotBelowOne));
    assert_eq!(bad(|q| q.block_limits.max_notional = Quote(-1)), Err(Error::NegativeLimit));
    assert_eq!(bad(|q| q.price_band = Ppm(1_000_001)), Err(Error::InvalidPriceBand));
    assert_eq!(bad(|q| q.target = Target::Maintenance { buffer: Ppm(1_000_001) }), Err(Error::InvalidBuffer));
    // Unsorted tiers are a market error.
    let t = |f: i64| MarginTier { notional_floor: Quote(f), initial: Ppm(10), maintenance: Ppm(5) };
    assert_eq!(
        Market::single_tier(0, 1, 1, Ppm(10), Ppm(5)).with_tiers(&[t(0), t(9), t(5)]).unwrap().validate(),
        Err(Error::TiersNotAscending)
    );
    assert_eq!(presets::hyperliquid_market(0, 1, 1, 1, &[(0, 0)]), Err(Error::OutOfRange));
    // The pipeline refuses a bad policy before touching anything.
    let mut st = AccountLiquidationState::default();
    let positions = [pos(0, 100, -9_600)];
    let r = run_pipeline(
        &Pool::new(Quote(0), &positions),
        &one_market(),
        &[Price(100)],
        &Policy { price_band: Ppm(2_000_000), ..p },
        &mut st,
        &mut [],
        0,
        0,
        &mut [],
    );
    assert_eq!(r, Err(Error::InvalidPriceBand));
    assert_eq!(st, AccountLiquidationState::default());
}

#[test]
fn infeasible_without_backstop_is_a_takeover() {
    // Binance (no backstop vault). A 6 % band is clamped at the bankruptcy price 96; with a 2 %
    // fee each unit closed costs 4 + 1.92 but releases only 5: not even one leg helps, so the
    // insurance fund takes the pool over at bankruptcy.
    let mut markets = one_market();
    markets[0].liquidation_fee = Ppm(20_000);
    let positions = [pos(0, 100, -9_600)];
    let mut legs = [PlanLeg::default(); 1];
    let policy = presets::binance_usdm(Ppm(20_000), Ppm(60_000)).policy;
    let d = Run::new().go(&Pool::new(Quote(0), &positions), &markets, &[Price(100)], &policy, 0, 0, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Takeover, Reason::Infeasible, 0));
    let b = d.backstop.unwrap();
    assert_eq!((b.health.equity, b.deficit, b.position_count), (Quote(400), Quote(0), 1));
    // With a 1 % fee the full close still helps a little (0.04 per unit): the best legs, no takeover.
    let d = Run::new().go(&Pool::new(Quote(0), &positions), &one_market(), &[Price(100)], &policy, 0, 0, &mut legs);
    assert_eq!((d.action, d.reason, legs[0].size_delta), (Action::Liquidate, Reason::Infeasible, Size(-100)));
}

#[test]
fn a_failed_booking_changes_no_state() {
    // Two longs of 100 @ 100 (qb −9,600) in two markets, collateral −301: equity 499 < MM 1,000.
    // MaxAllowed, band 0: the first leg closes market 0 whole (10,000 of notional), leaving
    // 499 < 500, so a second leg closes market 1. The block counter starts 10,000 below
    // i64::MAX: booking the second leg overflows. Neither the account's nor market 0's
    // state may keep the first leg.
    let markets = [one_market()[0], one_market()[0]];
    let positions = [pos(0, 100, -9_600), pos(1, 100, -9_600)];
    let policy = Policy {
        price_band: Ppm(0),
        sizing: SizingMode::MaxAllowed,
        window_capacity: WindowCapacity { capacity: Quote(1_000_000_000_000), window: 60 },
        ..Policy::default()
    };
    let mut state = AccountLiquidationState { block: 5, block_notional: Quote(i64::MAX - 10_000), ..Default::default() };
    let before = state;
    let mut ms = [MarketCapacityState::default(); 2];
    let mut legs = [PlanLeg::default(); 2];
    let r = run_pipeline(
        &Pool::new(Quote(-301), &positions),
        &markets,
        &[Price(100), Price(100)],
        &policy,
        &mut state,
        &mut ms,
        10,
        5,
        &mut legs,
    );
    assert_eq!(r.err(), Some(Error::Overflow));
    assert_eq!(state, before);
    assert_eq!(ms, [MarketCapacityState::default(); 2]);
}

// ---------------------------------------------------------------------------
// Fee rounding, per preset, through the pipeline
//
// One market in cents (e = −2: a price of 10,001 is 100.01 quote units a
// unit), 10 % / 5 %, lot 1, tick 1, its fees set by the preset (`apply_to`).
// A long of 100 at mark 10,001 (notional 10,001, MM ⌈500.05⌉ = 501) with
// quote balance −9,600: equity 401 < 501. The pipeline plans under the
// preset's policy, the plan's legs carry their fee at the limit price, and a
// fill of 1 unit at 100.01 is settled: its fee, `100.01 × fee`, is
// fractional for every fee a preset sets, so its rounding shows.

struct FeeCase {
    market: Market,
    decision: Decision,
    leg: PlanLeg,
    settlement: Settlement,
}

fn fee_case(preset: &presets::Preset) -> FeeCase {
    let mut m = Market::single_tier(-2, 1, 1, Ppm(100_000), Ppm(50_000));
    preset.apply_to(&mut m);
    m.validate().unwrap();
    let markets = [m];
    let prices = [Price(10_001)];
    let positions = [pos(0, 100, -9_600)];
    let pool = Pool::new(Quote(0), &positions);
    let mut legs = [PlanLeg::default(); 1];
    let decision = Run::new().go(&pool, &markets, &prices, &preset.policy, 1_000, 1, &mut legs);
    let settlement =
        settle_fill(&pool, &markets, &prices, &Fill { position_index: 0, size_delta: Size(-1), price: Price(10_001) }).unwrap();
    FeeCase { market: m, decision, leg: legs[0], settlement }
}

/// The exact fee of a leg (`|size| × limit × 10^−2 × fee`) as a fraction
/// `(numerator, 10^8)`.
fn exact_leg_fee(leg: &PlanLeg, fee_ppm: u32) -> (i128, i128) {
    (i128::from(leg.size_delta.0).abs() * i128::from(leg.limit_price.0) * i128::from(fee_ppm), 100 * 1_000_000)
}

/// partliq's own: 0.5 %, rounded up. Fill: 100.01 × 0.5 % = 0.50005 → 1.
/// Leg: 34 at 99.00: 3,366 × 0.5 % = 16.83 → 17.
#[test]
fn fee_rounding_partliq_default() {
    let c = fee_case(&presets::partliq_default());
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Ceil);
    assert_eq!((c.leg.size_delta, c.leg.limit_price, c.leg.expected_fee), (Size(-34), Price(9_900), Quote(17)));
    assert_eq!(exact_leg_fee(&c.leg, 5_000), (1_683_000_000, 100_000_000));
    assert_eq!(c.settlement.nominal_fee, Quote(1));
}

/// Binance USDⓈ-M: the clearance fee's rounding is not documented: up.
/// Fill: 100.01 × 0.5 % = 0.50005 → 1. Leg: 29 at 99.00: 2,871 × 0.5 % =
/// 14.355 → 15.
#[test]
fn fee_rounding_binance_usdm() {
    let c = fee_case(&presets::binance_usdm(Ppm(5_000), Ppm(10_000)));
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Ceil);
    assert_eq!((c.leg.size_delta, c.leg.expected_fee), (Size(-29), Quote(15)));
    assert_eq!(exact_leg_fee(&c.leg, 5_000), (1_435_500_000, 100_000_000));
    assert_eq!((c.settlement.nominal_fee, c.settlement.fee_to_liquidator, c.settlement.fee_to_insurance), (Quote(1), Quote(0), Quote(1)));
}

/// Deribit: 0.75 %, rounding not documented: up. Fill: 100.01 × 0.75 % =
/// 0.750075 → 1. Leg (25 % per round): 25 at 99.00: 2,475 × 0.75 % =
/// 18.5625 → 19.
#[test]
fn fee_rounding_deribit() {
    let c = fee_case(&presets::deribit(Ppm(250_000), Ppm(10_000)));
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Ceil);
    assert_eq!((c.decision.reason, c.leg.size_delta, c.leg.expected_fee), (Reason::StepCapped, Size(-25), Quote(19)));
    assert_eq!(c.settlement.nominal_fee, Quote(1));
}

/// Perpetual Protocol v2: 2.5 %, rounded down (`mulRatio`), the
/// liquidator's half down (`div(2)`), the fund the rest. Fill: 100.01 ×
/// 2.5 % = 2.50025 → 2 (1 + 1). Leg (the ratio rule: half): 50 at 99.00:
/// 4,950 × 2.5 % = 123.75 → 123.
#[test]
fn fee_rounding_perp_v2() {
    let c = fee_case(&presets::perp_v2(1, Ppm(10_000)).unwrap());
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Floor);
    assert_eq!((c.leg.size_delta, c.leg.expected_fee), (Size(-50), Quote(123)));
    assert_eq!(exact_leg_fee(&c.leg, 25_000), (12_375_000_000, 100_000_000));
    assert_eq!((c.settlement.nominal_fee, c.settlement.fee_to_liquidator, c.settlement.fee_to_insurance), (Quote(2), Quote(1), Quote(1)));
}

/// dYdX v4: the fee rounded down (`BigIntMulPpm`). Mainnet genesis, 1.5 %.
/// Fill: 100.01 × 1.5 % = 1.50015 → 1, all to the insurance fund. Leg: the
/// position's notional, 10,001, is below mainnet's minimum (10^9), so the
/// limit `max(min(10^9, 10,001), ⌊10 % × 10,001⌋)` is all of it: the whole
/// position, 100 at 98.50 (1.5 % band): 9,850 × 1.5 % = 147.75 → 147.
#[test]
fn fee_rounding_dydx_v4() {
    let c = fee_case(&presets::dydx_v4_policy(&dydx_v4::LiquidationConfig::mainnet_genesis(), Ppm(15_000)).unwrap());
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Floor);
    assert_eq!((c.leg.size_delta, c.leg.limit_price, c.leg.expected_fee), (Size(-100), Price(9_850), Quote(147)));
    assert_eq!(exact_leg_fee(&c.leg, 15_000), (14_775_000_000, 100_000_000));
    assert_eq!((c.settlement.nominal_fee, c.settlement.fee_to_insurance), (Quote(1), Quote(1)));
}

/// Aave v3 close factor: the 5 % bonus rounded down (v3.7's
/// `percentMulFloor` on the collateral seized), the liquidator's 90 % down,
/// the treasury's 10 % up (`percentMulCeil`). Fill: 100.01 × 5 % = 5.0005
/// → 5; the account's equity above the fill's bankruptcy quote caps it at 3
/// (liquidator ⌊2.7⌋ = 2, treasury 1). Leg (health 0.8 < 0.95: no factor,
/// the whole position): 9,900 × 5 % = 495, whole.
#[test]
fn fee_rounding_aave_v3_close_factor() {
    let c = fee_case(&presets::aave_v3_close_factor(1).unwrap());
    assert_eq!(c.market.liquidation_fee_rounding, Rounding::Floor);
    assert_eq!((c.leg.size_delta, c.leg.expected_fee), (Size(-100), Quote(495)));
    let s = c.settlement;
    assert_eq!((s.nominal_fee, s.fee, s.fee_to_liquidator, s.fee_to_insurance), (Quote(5), Quote(3), Quote(2), Quote(1)));
}

/// The presets whose venue charges no liquidation fee write 0, rounded up
/// (partliq's default): a fee set on top of one (0.5 % here) rounds up,
/// 0.50005 → 1.
fn no_fee_rounds_up(name: &str, preset: &presets::Preset) {
    let c = fee_case(preset);
    assert_eq!((c.market.liquidation_fee, c.market.liquidation_fee_rounding), (Ppm(0), Rounding::Ceil), "{name}");
    assert_eq!((c.leg.expected_fee, c.settlement.nominal_fee), (Quote(0), Quote(0)), "{name}");
    let with_fee = presets::Preset { fees: presets::VenueFees { liquidation_fee: Ppm(5_000), ..preset.fees }, ..*preset };
    assert_eq!(fee_case(&with_fee).settlement.nominal_fee, Quote(1), "{name}");
}

/// Hyperliquid: no clearance fee.
#[test]
fn fee_rounding_hyperliquid() {
    no_fee_rounds_up("hyperliquid", &presets::hyperliquid(1, 1).unwrap());
}

/// BitMEX: no liquidation fee in the preset.
#[test]
fn fee_rounding_bitmex() {
    no_fee_rounds_up("bitmex", &presets::bitmex());
}

/// Bybit: as BitMEX.
#[test]
fn fee_rounding_bybit() {
    no_fee_rounds_up("bybit", &presets::bybit());
}

/// OKX: no liquidation fee in the preset.
#[test]
fn fee_rounding_okx() {
    no_fee_rounds_up("okx", &presets::okx());
}

/// Synthetix perps v3: no liquidation fee in the preset.
#[test]
fn fee_rounding_synthetix_v3() {
    no_fee_rounds_up("synthetix_v3", &presets::synthetix_v3(Quote(10_000), 60).unwrap());
}

/// A step rule that leaves less than one lot step says which rule it is:
/// the block's limit `BlockLimitReached`, the window's `CapacityExhausted`,
/// any other `StepCapped` (nothing to send this call). Lot 10 at 100 (1,000
/// a lot); a long of 100 (notional 10,000, MM 500) with equity 400.
#[test]
fn a_zero_step_names_its_rule() {
    let markets = [Market::single_tier(0, 10, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    let positions = [pos(0, 100, -9_600)];
    let pool = Pool::new(Quote(0), &positions);
    let mut legs = [PlanLeg::default(); 1];
    let base = Policy::default();
    // 999 of block notional: 9 units, under one lot (this said CapacityExhausted).
    let block = Policy { block_limits: BlockLimits { max_notional: Quote(999), ..BlockLimits::default() }, ..base };
    let d = Run::new().go(&pool, &markets, &prices, &block, 0, 1, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::BlockLimitReached, 0));
    // 999 of window capacity.
    let window = Policy { window_capacity: WindowCapacity { capacity: Quote(999), window: 60 }, ..base };
    let d = Run::new().go(&pool, &markets, &prices, &window, 0, 1, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::CapacityExhausted, 0));
    // A 5 % portion: 500 of notional, 5 units (this said CapacityExhausted too).
    let portion =
        Policy { position_limits: PositionLimits { min_notional: Quote(0), max_portion: Ppm(50_000), mode: LimitMode::Cap }, ..base };
    let d = Run::new().go(&pool, &markets, &prices, &portion, 0, 1, &mut legs);
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::StepCapped, 0));
    // dYdX's mode: at least one lot, for the portion and for the block.
    for p in [portion, block] {
        let p = Policy { position_limits: PositionLimits { mode: LimitMode::AtLeastOneLot, ..p.position_limits }, ..p };
        let d = Run::new().go(&pool, &markets, &prices, &p, 0, 1, &mut legs);
        assert_eq!((d.action, d.reason, legs[0].size_delta), (Action::Liquidate, Reason::StepCapped, Size(-10)));
    }
}
