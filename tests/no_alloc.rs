//! Proves that the hot path never touches the heap.
//!
//! A counting global allocator counts every allocation made on the current
//! thread while it is armed; health, sizing, planning (all three orders),
//! pricing, settlement, the pipeline with every venue preset, escalation
//! (backstop, insurance fund, deleveraging), the bankruptcy waterfall and
//! final settlement of unified accounts, and the batch scan and the
//! liquidation-price index (scanning, confirming, keying, inserting,
//! removing, sorting, querying), and lending mode on unified accounts
//! (health, a liquidation, the least debt to cover) run armed and must leave
//! the count at zero.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]
#![allow(unsafe_code)]

use partliq::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ARMED.try_with(|a| {
            if a.get() {
                COUNT.with(|c| c.set(c.get() + 1));
            }
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ARMED.try_with(|a| {
            if a.get() {
                COUNT.with(|c| c.set(c.get() + 1));
            }
        });
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> u64 {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    COUNT.with(|c| c.get())
}

fn tiered_market(exp: i32) -> Market {
    let t = |floor: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(floor), initial: Ppm(im), maintenance: Ppm(mm) };
    let mut m = Market::single_tier(exp, 10, 5, Ppm(100_000), Ppm(50_000))
        .with_tiers(&[t(0, 100_000, 50_000), t(50_000, 200_000, 100_000), t(250_000, 400_000, 200_000)])
        .unwrap();
    m.liquidation_fee = Ppm(5_000);
    m.liquidator_fee_share = Ppm(500_000);
    m.dust_floor = Quote(10);
    m
}

#[test]
fn the_pipeline_allocates_nothing() {
    let markets = [tiered_market(0), tiered_market(-2)];
    let prices = [Price(1_000), Price(250_000)];
    let positions = [
        Position { market_index: 0, size: Size(300), quote_balance: Quote(-280_000) },
        Position { market_index: 1, size: Size(-40), quote_balance: Quote(95_000) },
    ];
    let pool = Pool::new(Quote(5_000), &positions);
    let account = Account::cross(Quote(5_000), &positions);
    // Warm up (and check the scenario is a real liquidation).
    assert_eq!(pool_health(&pool, &markets, &prices).unwrap().state, HealthState::Liquidatable);

    let mut legs = [PlanLeg::default(); 2];
    let n = allocations_during(|| {
        let h = pool_health(&pool, &markets, &prices).unwrap();
        let _ = account_health(&account, &markets, &prices).unwrap();
        assert!(h.needs_liquidation());
        let c = minimal_close(
            &pool,
            &markets,
            &prices,
            &CloseRequest { position_index: 0, execution_price: Price(990), target: Target::MAINTENANCE },
        )
        .unwrap();
        assert_ne!(c.size_delta, Size(0));
        for order in [PlanOrder::LargestMaintenanceFirst, PlanOrder::BestReleasePerCostFirst, PlanOrder::ProRata] {
            let params = PlanParams { target: Target::Maintenance { buffer: Ppm(100_000) }, price_band: Ppm(20_000), order };
            let p = plan_liquidation(&pool, &markets, &prices, &params, &mut legs).unwrap();
            assert!(p.leg_count > 0);
        }
        let _ = bankruptcy_price(&pool, &markets, &prices, 0, Size(-100)).unwrap();
        let _ = limit_price(&pool, &markets, &prices, 1, Ppm(10_000)).unwrap();
        let _ = estimated_liquidation_price(&pool, &markets, &prices, 0).unwrap();
        let _ = settle_fill(&pool, &markets, &prices, &Fill { position_index: 0, size_delta: Size(-100), price: Price(985) }).unwrap();
        // The whole pipeline with every preset, and escalation.
        let presets = [
            partliq::presets::partliq_default(),
            partliq::presets::hyperliquid(1, 1).unwrap(),
            partliq::presets::binance_usdm(Ppm(5_000), Ppm(10_000)),
            partliq::presets::bitmex(),
            partliq::presets::okx(),
            partliq::presets::deribit(Ppm(200_000), Ppm(10_000)),
            partliq::presets::perp_v2(1, Ppm(10_000)).unwrap(),
            partliq::presets::aave_v3_close_factor(1).unwrap(),
            partliq::presets::synthetix_v3(Quote(1_000_000), 60).unwrap(),
            partliq::presets::dydx_v4_policy(&partliq::venues::dydx_v4::LiquidationConfig::mainnet_genesis(), Ppm(15_000)).unwrap(),
        ];
        for preset in &presets {
            let mut st = AccountLiquidationState::default();
            let mut ms = [MarketCapacityState::default(); 2];
            let d = run_pipeline(&pool, &markets, &prices, &preset.policy, &mut st, &mut ms, 5, 5, &mut legs).unwrap();
            assert_ne!(d.reason, Reason::Healthy);
        }
        // Behind a price guard: resolved, liquidated, refused (stale), and
        // the stable price.
        let guard = PriceGuard { max_staleness: 10, max_confidence: Ppm(5_000), ..PriceGuard::OFF };
        let feeds = prices.map(|p| PriceFeed { oracle: p, publish_time: 5, ..PriceFeed::default() });
        let mut marks = [Price(0); 2];
        assert_eq!(resolve_prices(&guard, &feeds, 5, partliq::oracle::PriceUse::Trigger, &mut marks).unwrap(), 0);
        for now in [5, 16] {
            let mut st = AccountLiquidationState::default();
            let d = run_guarded_pipeline(&pool, &markets, &marks, &feeds, &guard, &presets[0].policy, &mut st, &mut [], now, 5, &mut legs);
            assert_eq!(d.unwrap().reason == Reason::PriceInvalid, now == 16);
        }
        // The order limit around a limit source other than the trigger's
        // (the median of oracle, mark and index).
        let median = PriceGuard { limit: PriceSource::Median, ..guard };
        let quoted = feeds.map(|f| PriceFeed { mark: Price(f.oracle.0 + 1), index: Price(f.oracle.0 + 2), ..f });
        let mut st = AccountLiquidationState::default();
        let d = run_guarded_pipeline(&pool, &markets, &marks, &quoted, &median, &presets[0].policy, &mut st, &mut [], 5, 5, &mut legs);
        assert_eq!(d.unwrap().action, Action::Liquidate);
        let mut stable = StablePrice::default();
        stable.update(Price(1_000), 1, Ppm(1_000)).unwrap();
        stable.update(Price(2_000), 9, Ppm(1_000)).unwrap();
        let _ = backstop_transfer(&pool, &markets, &prices).unwrap();
        let mut fund = InsuranceFundBook::new(Quote(1_000), Quote(0)).unwrap();
        fund.credit(Quote(5)).unwrap();
        let _ = fund.cover(Quote(2_000)).unwrap();
        let cands = [
            AdlCandidate {
                account: 1,
                size: Size(-60),
                unrealized_pnl: Quote(5),
                entry_notional: Quote(600),
                mark_notional: Quote(605),
                margin: Quote(60),
                ..Default::default()
            },
            AdlCandidate {
                account: 2,
                size: Size(-80),
                unrealized_pnl: Quote(9),
                entry_notional: Quote(800),
                mark_notional: Quote(809),
                margin: Quote(40),
                ..Default::default()
            },
        ];
        let mut order = [0u32; 2];
        let mut fills = [AdlFill::default(); 2];
        for mode in [AdlMode::Queue, AdlMode::ProRata] {
            assert_eq!(deleverage(Size(100), Price(10), Size(1), &cands, mode, &mut order, &mut fills).unwrap(), 2);
        }
        // Error paths allocate nothing either.
        assert_eq!(pool_health(&pool, &markets, &prices[..1]), Err(Error::MissingPrice));
    });
    assert_eq!(n, 0, "hot path made {n} heap allocations");
}

#[test]
fn unified_accounts_allocate_nothing() {
    let markets = [tiered_market(-4)];
    let prices = [Price(5_700_000)];
    let assets = [Asset::at_par(0), {
        let mut a = Asset::weighted(-9, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)));
        a.imf_factor = Ppm(1_000);
        a.imf_unit = 1_000_000_000;
        a
    }];
    let risk = [PerpRisk { imf_factor: Ppm(500), imf_unit: 100_000_000, initial_upnl_weight: Ppm(900_000) }];
    let book = MarginBook {
        markets: &markets,
        prices: &prices,
        funding_indexes: &[1_500],
        perp_risk: &risk,
        assets: &assets,
        asset_prices: &[Price(1), Price(150_000_000)],
    };
    let balances = [AssetBalance { asset_index: 1, amount: 40_000_000_000 }, AssetBalance { asset_index: 0, amount: -1_000_000_000 }];
    let positions = [
        PerpPosition {
            last_funding_index: 1_000,
            open_asks: Size(50_000_000),
            ..PerpPosition::cross(0, Size(100_000_000), Quote(-60_000_000_000))
        },
        PerpPosition::isolated(0, Size(-10_000_000), Quote(6_000_000_000)),
    ];
    let cancelled = [PerpPosition { open_asks: Size(0), ..positions[0] }, positions[1]];
    let n = allocations_during(|| {
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        for ladder in [MarginLadder::STANDARD, MarginLadder::BINANCE_PORTFOLIO_MARGIN] {
            unified_account_health(&account, &book, &ladder).unwrap();
            unified_pool_health(&account.pool(1).unwrap(), &book, &ladder).unwrap();
        }
        for ps in [&positions, &cancelled] {
            let account = UnifiedAccount { balances: &balances, positions: ps };
            let (mut state, mut legs) = (AccountLiquidationState::default(), [PlanLeg::default(); 2]);
            run_unified_pipeline(&account, 0, &book, &Policy::default(), &mut state, &mut [], 0, 0, &mut legs).unwrap();
        }
        // Error paths too.
        let bad = [AssetBalance { asset_index: 9, amount: 1 }];
        assert_eq!(
            unified_account_health(&UnifiedAccount { balances: &bad, positions: &[] }, &book, &MarginLadder::STANDARD).err(),
            Some(Error::UnknownAsset)
        );
    });
    assert_eq!(n, 0, "unified accounts made {n} heap allocations");
}

#[test]
fn the_waterfall_and_delisting_allocate_nothing() {
    use partliq::unified::{
        ledger_balances, resolve_deficit, settle_delisted, Deficit, DelistingPolicy, FundScope, LedgerEntry, PositionSettlement,
        WaterfallContext, WaterfallPolicy, WaterfallStep, MAX_LEDGER_ENTRIES,
    };
    let markets = [tiered_market(-4)];
    let prices = [Price(5_700_000)];
    let assets = [Asset::at_par(-2)];
    let funding = [1_500];
    let book =
        MarginBook { funding_indexes: &funding, assets: &assets, asset_prices: &[Price(150)], ..MarginBook::perps(&markets, &prices) };
    let positions = [PerpPosition::isolated(0, Size(-10_000_000), Quote(6_000_000_000)), PerpPosition::cross(0, Size(3), Quote(-5))];
    let mut shared = InsuranceFundBook::new(Quote(1_000), Quote(100)).unwrap();
    let mut own = [InsuranceFundBook::new(Quote(50), Quote(0)).unwrap()];
    let n = allocations_during(|| {
        let steps = [WaterfallStep::InsuranceFund, WaterfallStep::Backstop, WaterfallStep::SocializedLoss, WaterfallStep::AutoDeleverage];
        let policy = WaterfallPolicy::new(&steps, FundScope::PerMarket).unwrap();
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut own, has_own: &[1] };
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let ctx = WaterfallContext { backstop_capacity: 7, payers: &[3, -4, 0], deposit_index: 1_000_003, book: &book };
        let perp = Deficit::Perp { market_index: 0, loss: 2_000 };
        let out = resolve_deficit(&perp, &policy, &mut funds, &ctx, &mut ledger).unwrap();
        assert!(ledger_balances(&ledger[..out.ledger_len], &perp));
        let spot = Deficit::Spot { asset_index: 0, amount: 2_000 };
        let depositors = WaterfallContext { payers: &[500, 300, 200], ..ctx };
        let out = resolve_deficit(&spot, &policy, &mut funds, &depositors, &mut ledger).unwrap();
        assert!(ledger_balances(&ledger[..out.ledger_len], &spot));
        // Error path: nobody to charge.
        let nobody = WaterfallContext { payers: &[], ..ctx };
        assert_eq!(resolve_deficit(&perp, &policy, &mut funds, &nobody, &mut ledger).err(), Some(Error::DeficitUnabsorbed));
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let (mut scratch, mut out) = ([PerpPosition::default(); 2], [PositionSettlement::default(); 2]);
        for pool in 0..2 {
            settle_delisted(
                &account,
                pool,
                &book,
                0,
                &DelistingPolicy::at(Price(6_000_000)),
                &MarginLadder::STANDARD,
                &mut scratch,
                &mut out,
            )
            .unwrap();
        }
    });
    assert_eq!(n, 0, "the waterfall and delisting made {n} heap allocations");
}

#[test]
fn the_counter_counts() {
    // A test that cannot fail is a defect: prove the counter sees allocations.
    let n = allocations_during(|| {
        let v: Vec<u64> = Vec::with_capacity(8);
        std::hint::black_box(v);
    });
    assert_eq!(n, 1);
}

#[test]
fn scan_and_index_allocate_nothing() {
    let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
    let m0 =
        Market::single_tier(-4, 1, 1, Ppm(100_000), Ppm(50_000)).with_tiers(&[t(0, 100_000, 50_000), t(50_000, 200_000, 100_000)]).unwrap();
    let markets = [m0, Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(1_000_000), Price(100)];
    let mut positions = Vec::new();
    let mut accounts = Vec::new();
    for i in 0..200i64 {
        let first = positions.len() as u32;
        positions.push(Position {
            market_index: 0,
            size: Size(if i % 2 == 0 { 10_000 } else { -10_000 }),
            quote_balance: Quote(if i % 2 == 0 { -950_000 } else { 1_050_000 } + i * 37 - 3_000),
        });
        if i % 3 == 0 {
            positions.push(Position { market_index: 1, size: Size(5), quote_balance: Quote(-450) });
        }
        accounts.push(ScanAccount { collateral: Quote(i * 11), first_position: first, position_count: positions.len() as u32 - first });
    }
    let mut out = vec![ScanHit::default(); 4];
    let mut table = vec![ScanMarket::EMPTY; 2];
    let mut longs = vec![IndexEntry::default(); 400];
    let mut shorts = vec![IndexEntry::default(); 400];
    let mut lo = vec![Price(0); 2];
    let mut hi = vec![Price(0); 2];
    let n = allocations_during(|| {
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
        assert!(r.count > 0);
        let s = Scanner::new(&mut table, &markets, &prices);
        let mut start = 0;
        loop {
            let r = s.scan(&accounts, &positions, start, &mut out);
            if r.end == ScanEnd::Complete {
                break;
            }
            start = r.next;
        }
        band_bounds(&prices, Ppm(10_000), &mut lo, &mut hi).unwrap();
        let mut ix = LiquidationIndex::new(0, &mut longs, &mut shorts);
        for a in 0..100u32 {
            ix.push_account_unsorted(a, &accounts, &positions, &markets, &lo, &hi).unwrap();
        }
        ix.sort();
        for a in 100..200u32 {
            ix.insert_account(a, &accounts, &positions, &markets, &lo, &hi).unwrap();
        }
        let (l, sh) = ix.candidates(Price(990_000));
        let _ = s.confirm(l, &accounts, &positions, 0, &mut out);
        let _ = s.confirm(sh, &accounts, &positions, 0, &mut out);
        let _ = ix.crossed(prices[0], Price(990_000));
        assert!(ix.remove_account(7) > 0);
    });
    assert_eq!(n, 0, "the scan or the index allocated");
}

#[test]
fn lending_mode_allocates_nothing() {
    use partliq::unified::lending::*;
    let assets = [Asset::at_par(0), Asset::at_par(0)];
    let prices = [Price(1), Price(1)];
    let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
    let t = LendingTerms::new(Ppm(800_000), Ppm(1_050_000), Ppm(100_000));
    let terms = [t, t];
    // $20,000 against $17,000 (8-decimal dollars): HF 0.94.
    let balances =
        [AssetBalance { asset_index: 0, amount: 2_000_000_000_000 }, AssetBalance { asset_index: 1, amount: -1_700_000_000_000 }];
    let account = UnifiedAccount { balances: &balances, positions: &[] };
    let n = allocations_during(|| {
        assert!(lending_health(&account, &book, &terms).unwrap().liquidatable);
        let l = plan_lending_liquidation(&account, &book, &terms, 0, 1, 100_000_000_000).unwrap();
        assert_eq!(l.flows().len(), 2);
        let least = least_debt_to_cover(&account, &book, &terms, 0, 1, 64).unwrap();
        assert!(least.restores);
        assert_eq!(plan_lending_liquidation(&account, &book, &terms, 0, 0, 1).err(), Some(Error::NotBorrowed));
    });
    assert_eq!(n, 0, "lending mode made {n} heap allocations");
}

#[test]
fn unified_scan_allocates_nothing() {
    use partliq::unified::{
        scan_unified, MarginBook, MarginLadder, PerpPosition, UnifiedAccount, UnifiedCursor, UnifiedScanAccount, UnifiedScanHit,
        UnifiedScanner,
    };
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    let assets = [partliq::Asset::at_par(0)];
    let asset_prices = [Price(1)];
    let book = MarginBook {
        markets: &markets,
        prices: &prices,
        funding_indexes: &[0],
        perp_risk: &[],
        assets: &assets,
        asset_prices: &asset_prices,
    };
    let mut balances = Vec::new();
    let mut positions = Vec::new();
    let mut flat = Vec::new();
    for i in 0..100i64 {
        let (fb, fp) = (balances.len() as u32, positions.len() as u32);
        balances.push(partliq::AssetBalance { asset_index: 0, amount: 400 + i * 3 });
        positions.push(PerpPosition::cross(0, Size(100), Quote(-10_000)));
        if i % 2 == 0 {
            positions.push(PerpPosition::isolated(0, Size(-10), Quote(1_000 + i)));
        }
        flat.push(UnifiedScanAccount {
            first_balance: fb,
            balance_count: 1,
            first_position: fp,
            position_count: positions.len() as u32 - fp,
        });
    }
    let accounts: Vec<UnifiedAccount<'_>> = flat.iter().map(|a| a.view(&balances, &positions).unwrap()).collect();
    let mut out = vec![UnifiedScanHit::default(); 3];
    let n = allocations_during(|| {
        let s = UnifiedScanner::new(book, MarginLadder::BINANCE_PORTFOLIO_MARGIN);
        let mut at = UnifiedCursor::default();
        let mut hits = 0;
        loop {
            let r = s.scan_flat(&flat, &balances, &positions, at, &mut out);
            hits += r.count;
            if r.end == ScanEnd::Complete {
                break;
            }
            at = r.resume;
        }
        assert!(hits > 0);
        let r = scan_unified(&book, &MarginLadder::STANDARD, &accounts, UnifiedCursor::default(), &mut out);
        assert!(r.count > 0);
        let _ = s.check(&accounts[0], 0);
    });
    assert_eq!(n, 0, "the unified scan allocated");
}

#[test]
fn the_unified_index_allocates_nothing() {
    use partliq::unified::{
        MarginBook, MarginLadder, PerpPosition, PriceMove, UnifiedIndex, UnifiedIndexEntry, UnifiedScanAccount, UnifiedScanHit,
        UnifiedScanner,
    };
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let (p0, p1) = ([Price(100)], [Price(97)]);
    let assets = [partliq::Asset::at_par(0)];
    let asset_prices = [Price(1)];
    let reference =
        MarginBook { markets: &markets, prices: &p0, funding_indexes: &[0], perp_risk: &[], assets: &assets, asset_prices: &asset_prices };
    let now = MarginBook { prices: &p1, ..reference };
    let mut balances = Vec::new();
    let mut positions = Vec::new();
    let mut flat = Vec::new();
    for i in 0..50i64 {
        let (fb, fp) = (balances.len() as u32, positions.len() as u32);
        balances.push(partliq::AssetBalance { asset_index: 0, amount: 600 + i * 10 });
        positions.push(PerpPosition::cross(0, Size(100), Quote(-10_000)));
        flat.push(UnifiedScanAccount { first_balance: fb, balance_count: 1, first_position: fp, position_count: 1 });
    }
    let (mut d, mut u, mut b) =
        (vec![UnifiedIndexEntry::default(); 50], vec![UnifiedIndexEntry::default(); 50], vec![UnifiedIndexEntry::default(); 50]);
    let mut out = vec![UnifiedScanHit::default(); 4];
    let n = allocations_during(|| {
        let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
        for (i, a) in flat.iter().enumerate() {
            ix.insert_account(i as u32, &a.view(&balances, &positions).unwrap(), &reference, &MarginLadder::STANDARD).unwrap();
        }
        let mv = PriceMove::between(&reference, &now).unwrap();
        let c = ix.candidates(mv);
        assert!(!c.is_empty());
        let r = UnifiedScanner::new(now, MarginLadder::STANDARD).confirm(c, &flat, &balances, &positions, 0, &mut out);
        assert!(r.count > 0);
        ix.rekey_account(0, &flat[0].view(&balances, &positions).unwrap(), &reference, &MarginLadder::STANDARD).unwrap();
        assert_eq!(ix.remove_account(3), 1);
    });
    assert_eq!(n, 0, "the unified index allocated");
}
