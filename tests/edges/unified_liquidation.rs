//! Unified liquidation, path by path: a collateral swap restores; a swap
//! that cannot help leaves a perp reduction; a bankrupt pool liquidates
//! what it has, then its deficit goes to the insurance fund and socialized
//! loss with a balanced ledger; a delisting bankrupts an isolated pool whose
//! deficit goes the same way. Every figure by hand.

use partliq::unified::*;
use partliq::*;

/// Asset 0: the quote asset at par. Asset 1: in hundredths, price 100 (one
/// unit worth 1), weights 80 % / 90 % and 120 % / 110 %.
fn assets() -> [Asset; 2] {
    [Asset::at_par(0), Asset::weighted(-2, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))]
}
const PRICES: [Price; 2] = [Price(1), Price(100)];

fn fees(bonus: u32) -> [AssetLiquidationFees; 2] {
    [AssetLiquidationFees::default(), AssetLiquidationFees { liquidator_bonus: Ppm(bonus), insurance_fee: Ppm(0) }]
}

fn market() -> Market {
    let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    m.liquidation_fee = Ppm(10_000);
    m
}

fn policy(fees: &[AssetLiquidationFees]) -> UnifiedLiquidationPolicy<'_> {
    UnifiedLiquidationPolicy {
        target: Target::Initial,
        perp_band: Ppm(0),
        asset_fees: fees,
        objective: PlanObjective::LeastValue,
        ordering: LegOrdering::Cheapest,
        tiers: LiquidationTiers::default(),
        take_over_bankrupt: false,
        search_budget_units: 0,
    }
}

/// Runs the pipeline, books its legs, and returns the decision and the
/// account after them.
fn step(
    account: &AccountCopy,
    book: &MarginBook<'_>,
    policy: &UnifiedLiquidationPolicy<'_>,
    in_liquidation: bool,
) -> (UnifiedDecision, Vec<UnifiedLeg>, AccountCopy) {
    let mut legs = [UnifiedLeg::default(); MAX_PLAN_LEGS];
    let d = run_unified_liquidation(&account.account(), 0, book, policy, in_liquidation, &mut legs).unwrap();
    let mut after = *account;
    for leg in &legs[..d.plan.leg_count] {
        let s = settle_leg(&after.account(), 0, book, &policy.terms(), leg).unwrap();
        assert!(s.flows.iter().all(LegFlow::conserves));
        after.apply(&s).unwrap();
    }
    (d, legs[..d.plan.leg_count].to_vec(), after)
}

#[test]
fn a_collateral_swap_restores() {
    let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
    let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
    let fees = fees(50_000);
    let policy = policy(&fees);
    // 1,000 units against a 950 borrow: maintenance 900 − 950 < 0.
    let balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -950 }];
    let account = AccountCopy::of(&UnifiedAccount { balances: &balances, positions: &[] }).unwrap();
    let (d, legs, after) = step(&account, &book, &policy, false);
    // The least repayment: 938 (see the legs' unit test: c = ⌈984.9⌉ = 985).
    assert_eq!((d.action, d.reason, legs), (Action::Liquidate, Reason::TargetRestored, vec![UnifiedLeg::swap(0, 1, 938)]));
    assert_eq!(after.account().balances, &[AssetBalance { asset_index: 1, amount: 15 }, AssetBalance { asset_index: 0, amount: -12 }]);
    // Booked: the liquidation under way ends at its target.
    let (d, legs, _) = step(&after, &book, &policy, true);
    assert_eq!((d.action, d.reason, legs.len()), (Action::None, Reason::TargetMet, 0));
}

#[test]
fn a_swap_that_cannot_help_leaves_the_perp() {
    let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
    let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
    // Bonus 30 %: a unit repaid takes 1.3 units worth 0.8 × 1.3 = 1.04.
    let fees = fees(300_000);
    let policy = policy(&fees);
    // 1,000 units, a 700 borrow, a long 100 @ 100 with cash −10,000:
    // maintenance 900 − 700 − 500 = −300; end level 800 − 700 − 1,000 = −900.
    let balances = [AssetBalance { asset_index: 1, amount: 1_000 }, AssetBalance { asset_index: 0, amount: -700 }];
    let positions = [PerpPosition::cross(0, Size(100), Quote(-10_000))];
    let account = AccountCopy::of(&UnifiedAccount { balances: &balances, positions: &positions }).unwrap();
    let (d, legs, after) = step(&account, &book, &policy, false);
    // Closing x at the mark with a 1 % fee gains 10x − x: x = 100 (900).
    assert_eq!((d.action, d.reason, legs), (Action::Liquidate, Reason::TargetRestored, vec![UnifiedLeg::reduce_perp(0, 100)]));
    assert_eq!(after.account().positions[0].quote_balance, Quote(-100));
    assert_eq!(d.plan.health_after.liquidation_end.health().unwrap(), 0);
    // Resting orders go first.
    let with_orders = [PerpPosition { open_bids: Size(1), ..positions[0] }];
    let account = AccountCopy::of(&UnifiedAccount { balances: &balances, positions: &with_orders }).unwrap();
    let (d, legs, _) = step(&account, &book, &policy, false);
    assert_eq!((d.action, d.reason, legs.len()), (Action::CancelOrders, Reason::OpenOrders, 0));
}

#[test]
fn bankrupt_then_fund_then_socialized_loss() {
    let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
    let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
    let fees = fees(50_000);
    let policy = policy(&fees);
    // 100 units against a 120 borrow: equity −20, bankrupt.
    let balances = [AssetBalance { asset_index: 1, amount: 100 }, AssetBalance { asset_index: 0, amount: -120 }];
    let account = AccountCopy::of(&UnifiedAccount { balances: &balances, positions: &[] }).unwrap();
    let h = unified_pool_health(&account.account().pool(0).unwrap(), &book, &MarginLadder::STANDARD).unwrap();
    assert_eq!((h.state, h.equity), (HealthState::Bankrupt, Quote(-20)));
    // Handed over whole when the policy says so.
    let mut legs = [UnifiedLeg::default(); 2];
    let takeover = UnifiedLiquidationPolicy { take_over_bankrupt: true, ..policy };
    let d = run_unified_liquidation(&account.account(), 0, &book, &takeover, false, &mut legs).unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::Takeover, Reason::Bankrupt, 0));
    // Otherwise liquidated first (Mango, Drift). The swap cannot restore;
    // in full it still improves the pool: ⌈1.05 r⌉
    // ≤ 100 ⇒ r = 95 (c = ⌈99.75⌉ = 100): end level 80 − 120 = −40 → −25.
    let (d, legs, after) = step(&account, &book, &policy, false);
    assert_eq!((d.action, d.reason, legs), (Action::Liquidate, Reason::Infeasible, vec![UnifiedLeg::swap(0, 1, 95)]));
    assert_eq!(after.account().balances, &[AssetBalance { asset_index: 1, amount: 0 }, AssetBalance { asset_index: 0, amount: -25 }]);
    // Nothing left to give: the borrow is a deficit.
    let (d, legs, _) = step(&after, &book, &policy, true);
    assert_eq!((d.action, d.reason, legs.len()), (Action::ResolveDeficit, Reason::Bankrupt, 0));
    let deficit = Deficit::of_balance(&after.account().balances[1]).unwrap();
    assert_eq!(deficit, Deficit::Spot { asset_index: 0, amount: 25 });
    // The fund has 10 above its floor and buys 10 units of the quote asset;
    // depositors of 1,000 and 500 lose the other 15: the index 10⁶ becomes
    // ⌊10⁶ × 1,485 / 1,500⌋ = 990,000; balances 990 and 495 (−15 in all).
    let mut shared = InsuranceFundBook::new(Quote(10), Quote(0)).unwrap();
    let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
    let payers = [1_000, 500];
    let ctx = WaterfallContext { backstop_capacity: 0, payers: &payers, deposit_index: 1_000_000, book: &book };
    let waterfall = WaterfallPolicy::new(&[WaterfallStep::InsuranceFund, WaterfallStep::SocializedLoss], FundScope::Global).unwrap();
    let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
    let out = resolve_deficit(&deficit, &waterfall, &mut funds, &ctx, &mut ledger).unwrap();
    assert_eq!(
        out.used(),
        &[StepUse { step: WaterfallStep::InsuranceFund, absorbed: 10 }, StepUse { step: WaterfallStep::SocializedLoss, absorbed: 15 }]
    );
    let Socialization::Spot { new_index, .. } = out.socialization else { panic!("{:?}", out.socialization) };
    assert_eq!(new_index, 990_000);
    assert_eq!((haircut_balance(1_000, 1_000_000, new_index).unwrap(), haircut_balance(500, 1_000_000, new_index).unwrap()), (990, 495));
    assert!(ledger_balances(&ledger[..out.ledger_len], &deficit));
    assert_eq!(shared.balance, Quote(0));
}

#[test]
fn a_delisting_bankrupts_an_isolated_pool() {
    let markets = [market()];
    let marks = [Price(110)];
    let book = MarginBook::perps(&markets, &marks);
    // A short 10 sold at 100 with 50 of margin (cash 1,050), settled at 110:
    // it pays 1,100 and is left with −50.
    let positions = [PerpPosition::isolated(0, Size(-10), Quote(1_050))];
    let account = UnifiedAccount { balances: &[], positions: &positions };
    let mut scratch = [PerpPosition::default(); 1];
    let mut settlements = [PositionSettlement::default(); 1];
    let out =
        settle_delisted(&account, 1, &book, 0, &DelistingPolicy::at(Price(110)), &MarginLadder::STANDARD, &mut scratch, &mut settlements)
            .unwrap();
    assert_eq!((out.settled, settlements[0].new_quote_balance), (1, Quote(-50)));
    assert_eq!(out.outcome, DelistingOutcome::Bankrupt(Deficit::Perp { market_index: 0, loss: 50 }));
    // The pipeline agrees: the closed pool owes and has nothing: a deficit.
    let closed = UnifiedAccount { balances: &[], positions: &scratch };
    let fees = fees(0);
    let mut legs = [UnifiedLeg::default(); 1];
    let d = run_unified_liquidation(&closed, 1, &book, &policy(&fees), false, &mut legs).unwrap();
    assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::ResolveDeficit, Reason::Bankrupt, 0));
}
