//! Unified accounts for the fuzz targets: a book and an account drawn either
//! raw (every field arbitrary: exercises the boundary's value checks and the
//! core's errors) or around the README's account (a SOL deposit, a USDC
//! borrow, a BTC long with funding and resting orders, an isolated position:
//! healthy, liquidatable and bankrupt pools, where the pipeline cancels and
//! liquidates); the eight arrays as passed (valid, NULL, misaligned, short,
//! impossibly long); the boundary's value checks in argument order; the
//! core's view of what the boundary accepts.

use arbitrary::Arbitrary;
use partliq::unified::{MarginBook, MarginLadder, PerpPosition, PerpRisk, PositionMargin, UnifiedAccount, UnifiedScanAccount};
use partliq::{Asset, AssetBalance, Market, Ppm, Price, Quote, Size};
use partliq_ffi::*;

use crate::{core_market, fee_rounding_status, repair, ArrArg, ArrShape, MarketIn, PpmArg, I64};

/// An asset: raw, or repaired into a valid one.
#[derive(Arbitrary, Debug, Clone)]
pub struct AssetIn {
    pub make_valid: bool,
    pub id: u32,
    pub quote_exponent: i32,
    pub weights: [PpmArg; 4],
    pub imf: Option<PpmArg>,
    pub imf_unit: I64,
    /// 255: a non-zero reserved field.
    pub reserved: u8,
}

impl AssetIn {
    pub fn to_abi(&self) -> partliq_asset {
        let [iaw, maw, ilw, mlw] = self.weights.map(PpmArg::get);
        let mut a = partliq_asset {
            id: self.id,
            quote_exponent: self.quote_exponent,
            initial_asset_weight_ppm: iaw,
            maintenance_asset_weight_ppm: maw,
            initial_liability_weight_ppm: ilw,
            maintenance_liability_weight_ppm: mlw,
            imf_factor_ppm: self.imf.map_or(0, PpmArg::get),
            reserved: u32::from(self.reserved == 255),
            imf_unit: self.imf_unit.get(),
        };
        if self.make_valid {
            a.quote_exponent = a.quote_exponent.rem_euclid(37) - 18;
            let (lo, hi) = (iaw.min(maw) % 1_000_001, iaw.max(maw) % 1_000_001);
            a.initial_asset_weight_ppm = lo.min(hi);
            a.maintenance_asset_weight_ppm = lo.max(hi);
            let (l1, l2) = (1_000_000 + ilw % 1_000_001, 1_000_000 + mlw % 1_000_001);
            a.initial_liability_weight_ppm = l1.max(l2);
            a.maintenance_liability_weight_ppm = l1.min(l2);
            a.imf_unit = a.imf_unit.unsigned_abs().clamp(1, 1 << 40) as i64;
        }
        a
    }
}

/// A balance.
#[derive(Arbitrary, Debug, Clone)]
pub struct BalanceIn {
    pub asset: u8,
    pub amount: I64,
    /// 255: a non-zero reserved field.
    pub reserved: u8,
}

/// A perp position.
#[derive(Arbitrary, Debug, Clone)]
pub struct PerpIn {
    pub market: u8,
    /// Even: cross; odd: isolated; 255: a raw margin (2 or more).
    pub margin: u8,
    pub raw_margin: u32,
    pub size: I64,
    pub quote_balance: I64,
    pub last_funding_index: I64,
    pub open_bids: I64,
    pub open_asks: I64,
}

/// A market's risk extras.
#[derive(Arbitrary, Debug, Clone)]
pub struct RiskIn {
    pub imf: PpmArg,
    pub upnl_weight: PpmArg,
    pub unit: I64,
}

/// A ladder: the core's two, or raw thresholds.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum LadderIn {
    Standard,
    BinancePortfolioMargin,
    Raw(PpmArg, PpmArg, u32, PpmArg),
}

impl LadderIn {
    pub fn to_abi(self) -> partliq_margin_ladder {
        let l = match self {
            LadderIn::Standard => MarginLadder::STANDARD,
            LadderIn::BinancePortfolioMargin => MarginLadder::BINANCE_PORTFOLIO_MARGIN,
            LadderIn::Raw(w, r, l, b) => MarginLadder {
                warning_ppm: w.get().saturating_mul(2),
                reduce_only_ppm: r.get().saturating_mul(2),
                liquidation_ppm: l,
                backstop_ppm: b.get(),
            },
        };
        partliq_margin_ladder {
            warning_ppm: l.warning_ppm,
            reduce_only_ppm: l.reduce_only_ppm,
            liquidation_ppm: l.liquidation_ppm,
            backstop_ppm: l.backstop_ppm,
        }
    }

    /// The core's ladder of an ABI ladder (four integers, nothing to check).
    pub fn core(l: &partliq_margin_ladder) -> MarginLadder {
        MarginLadder {
            warning_ppm: l.warning_ppm,
            reduce_only_ppm: l.reduce_only_ppm,
            liquidation_ppm: l.liquidation_ppm,
            backstop_ppm: l.backstop_ppm,
        }
    }
}

/// How the funding indexes and risk extras are sized.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum PerMarket {
    Empty,
    OnePerMarket,
    AsDrawn,
}

/// The README's account, moved: the marks scaled by `(1 + k / 10,000)`, the
/// resting asks and bids, the USDC balance, the funding index, an isolated
/// position besides and the funding and risk arrays' shapes.
#[derive(Arbitrary, Debug, Clone)]
pub struct ReadmeIn {
    pub btc_move: i16,
    pub sol_move: i16,
    pub usdc: I64,
    pub sol: Option<I64>,
    pub funding: i16,
    pub asks: u8,
    pub bids: u8,
    pub isolated: Option<(I64, I64)>,
    pub isolated_first: bool,
    pub risk: Option<RiskIn>,
    pub no_funding: bool,
    /// Lot step 1,000 × (1 + k % 8) and the fee, ppm.
    pub lot: u8,
    pub fee: PpmArg,
}

/// A unified book and account to draw.
#[derive(Arbitrary, Debug, Clone)]
pub enum UnifiedIn {
    Raw {
        markets: Vec<MarketIn>,
        prices: Vec<I64>,
        one_price_per_market: bool,
        funding: Vec<I64>,
        funding_shape: PerMarket,
        risk: Vec<RiskIn>,
        risk_shape: PerMarket,
        assets: Vec<AssetIn>,
        asset_prices: Vec<I64>,
        balances: Vec<BalanceIn>,
        positions: Vec<PerpIn>,
    },
    Readme(ReadmeIn),
}

/// A unified book and account in ABI form.
#[derive(Debug, Clone, Default)]
pub struct UnifiedData {
    pub markets: Vec<partliq_market>,
    pub prices: Vec<i64>,
    pub funding: Vec<i64>,
    pub risk: Vec<partliq_perp_risk>,
    pub assets: Vec<partliq_asset>,
    pub asset_prices: Vec<i64>,
    pub balances: Vec<partliq_asset_balance>,
    pub positions: Vec<partliq_perp_position>,
}

fn sized<T: Clone>(v: Vec<T>, shape: PerMarket, markets: usize, fill: T) -> Vec<T> {
    match shape {
        PerMarket::Empty => Vec::new(),
        PerMarket::AsDrawn => v,
        PerMarket::OnePerMarket => {
            let mut v = v;
            v.resize(markets, fill);
            v
        }
    }
}

/// `v` moved by `k` units of 0.01 % (at least 1; `v` itself when the
/// moved price does not fit).
pub fn moved(v: i64, k: i16) -> i64 {
    let m = i128::from(v) + i128::from(v) * i128::from(k) / 10_000;
    i64::try_from(m).unwrap_or(v).max(1)
}

fn abi_risk(r: &RiskIn) -> partliq_perp_risk {
    partliq_perp_risk { imf_factor_ppm: r.imf.get(), initial_upnl_weight_ppm: r.upnl_weight.get(), imf_unit: r.unit.get() }
}

impl UnifiedIn {
    /// At most `max_markets` markets and `max_positions` positions.
    pub fn build(&self, max_markets: usize, max_positions: usize) -> UnifiedData {
        match self {
            UnifiedIn::Raw {
                markets,
                prices,
                one_price_per_market,
                funding,
                funding_shape,
                risk,
                risk_shape,
                assets,
                asset_prices,
                balances,
                positions,
            } => {
                let markets: Vec<partliq_market> = markets.iter().take(max_markets).map(MarketIn::to_abi).collect();
                let n = markets.len();
                let mut prices: Vec<i64> = prices.iter().take(n + 1).map(|p| p.get()).collect();
                if *one_price_per_market {
                    prices.resize(n, 1);
                    for p in &mut prices {
                        *p = p.unsigned_abs().clamp(1, i64::MAX as u64) as i64;
                    }
                }
                let funding = sized(funding.iter().take(n + 1).map(|f| f.get()).collect(), *funding_shape, n, 0);
                let none = partliq_perp_risk { imf_factor_ppm: 0, initial_upnl_weight_ppm: 1_000_000, imf_unit: 1 };
                let risk = sized(risk.iter().take(n + 1).map(abi_risk).collect(), *risk_shape, n, none);
                let assets: Vec<partliq_asset> = assets.iter().take(4).map(AssetIn::to_abi).collect();
                let na = assets.len() as u32 + 1;
                let asset_prices = asset_prices.iter().take(assets.len() + 1).map(|p| p.get()).collect();
                let balances = balances
                    .iter()
                    .take(partliq::unified::MAX_BALANCES + 1)
                    .map(|b| partliq_asset_balance {
                        asset_index: u32::from(b.asset) % na,
                        reserved: u32::from(b.reserved == 255),
                        amount: b.amount.get(),
                    })
                    .collect();
                let positions = positions
                    .iter()
                    .take(max_positions)
                    .map(|p| partliq_perp_position {
                        market_index: u32::from(p.market) % (n as u32 + 1),
                        margin: if p.margin == 255 { p.raw_margin.max(2) } else { u32::from(p.margin & 1) },
                        size: p.size.get(),
                        quote_balance: p.quote_balance.get(),
                        last_funding_index: p.last_funding_index.get(),
                        open_bids: p.open_bids.get(),
                        open_asks: p.open_asks.get(),
                    })
                    .collect();
                UnifiedData { markets, prices, funding, risk, assets, asset_prices, balances, positions }
            }
            UnifiedIn::Readme(r) => r.build(),
        }
    }
}

impl ReadmeIn {
    fn build(&self) -> UnifiedData {
        let mut btc = partliq_market {
            id: 0,
            quote_exponent: -4,
            lot_step: 1_000 * (1 + i64::from(self.lot % 8)),
            tick: 100,
            tiers: [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS],
            tier_count: 1,
            liquidation_fee_ppm: self.fee.get() % 50_001,
            liquidator_fee_share_ppm: 500_000,
            liquidation_fee_rounding: 0,
            dust_floor: 0,
        };
        btc.tiers[0] = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
        repair(&mut btc, 1);
        let at_par = partliq_asset {
            id: 0,
            quote_exponent: 0,
            initial_asset_weight_ppm: 1_000_000,
            maintenance_asset_weight_ppm: 1_000_000,
            initial_liability_weight_ppm: 1_000_000,
            maintenance_liability_weight_ppm: 1_000_000,
            imf_factor_ppm: 0,
            reserved: 0,
            imf_unit: 1,
        };
        let sol = partliq_asset {
            id: 1,
            quote_exponent: -9,
            initial_asset_weight_ppm: 800_000,
            maintenance_asset_weight_ppm: 900_000,
            initial_liability_weight_ppm: 1_200_000,
            maintenance_liability_weight_ppm: 1_100_000,
            ..at_par
        };
        let long = partliq_perp_position {
            market_index: 0,
            margin: 0,
            size: 100_000_000,
            quote_balance: -60_000_000_000,
            last_funding_index: 1_000,
            open_bids: i64::from(self.bids) * 1_000_000,
            open_asks: i64::from(self.asks) * 1_000_000,
        };
        let mut positions = vec![long];
        if let Some((size, qb)) = self.isolated {
            let iso = partliq_perp_position {
                margin: 1,
                size: size.get() % 1_000_000_000,
                quote_balance: qb.get() % 1_000_000_000_000,
                last_funding_index: 1_500,
                open_bids: 0,
                open_asks: 0,
                ..long
            };
            if self.isolated_first {
                positions.insert(0, iso);
            } else {
                positions.push(iso);
            }
        }
        UnifiedData {
            markets: vec![btc],
            prices: vec![moved(5_700_000, self.btc_move)],
            funding: if self.no_funding { vec![] } else { vec![1_500 + i64::from(self.funding)] },
            risk: self.risk.iter().map(abi_risk).collect(),
            assets: vec![at_par, sol],
            asset_prices: vec![1, moved(150_000_000, self.sol_move)],
            balances: vec![
                partliq_asset_balance {
                    asset_index: 1,
                    reserved: 0,
                    amount: self.sol.map_or(40_000_000_000, |s| s.get() % 1_000_000_000_000),
                },
                partliq_asset_balance { asset_index: 0, reserved: 0, amount: self.usdc.get() % 100_000_000_000 },
            ],
            positions,
        }
    }
}

/// The eight arrays' shapes.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct UnifiedShapes(pub [ArrShape; 8]);

/// The eight arrays as passed.
pub struct UnifiedArgs<'a> {
    pub data: &'a UnifiedData,
    pub markets: ArrArg<partliq_market>,
    pub prices: ArrArg<i64>,
    pub funding: ArrArg<i64>,
    pub risk: ArrArg<partliq_perp_risk>,
    pub assets: ArrArg<partliq_asset>,
    pub asset_prices: ArrArg<i64>,
    pub balances: ArrArg<partliq_asset_balance>,
    pub positions: ArrArg<partliq_perp_position>,
}

/// Calls a C entry point that takes a unified book and account: the eight
/// arrays of `args` (a `&UnifiedArgs`), each pointer then length in the
/// ABI's order, between the leading and the trailing arguments:
/// `unified_call!(f; args; rest..)` or `unified_call!(f; lead..; args; rest..)`.
/// Expands to the call alone (unsafe as `f` is: the caller's `unsafe` block
/// and SAFETY comment cover it).
#[macro_export]
macro_rules! unified_call {
    ($f:path; $args:expr; $($rest:expr),* $(,)?) => {
        $crate::unified_call!($f; ; $args; $($rest),*)
    };
    ($f:path; $($lead:expr),*; $args:expr; $($rest:expr),* $(,)?) => {{
        let u: &$crate::unified::UnifiedArgs<'_> = $args;
        $f(
            $($lead,)*
            u.markets.ptr,
            u.markets.len,
            u.prices.ptr,
            u.prices.len,
            u.funding.ptr,
            u.funding.len,
            u.risk.ptr,
            u.risk.len,
            u.assets.ptr,
            u.assets.len,
            u.asset_prices.ptr,
            u.asset_prices.len,
            u.balances.ptr,
            u.balances.len,
            u.positions.ptr,
            u.positions.len,
            $($rest),*
        )
    }};
}

/// The scanned accounts of drawn `(first balance, balance count, first
/// position, position count)` tuples (at most `max`; firsts below 16,
/// counts below 5: some reach past the arrays).
pub fn scan_accounts(raw: &[(u8, u8, u8, u8)], max: usize) -> Vec<partliq_unified_scan_account> {
    raw.iter()
        .take(max)
        .map(|&(fb, bc, fp, pc)| partliq_unified_scan_account {
            first_balance: u32::from(fb % 16),
            balance_count: u32::from(bc % 5),
            first_position: u32::from(fp % 16),
            position_count: u32::from(pc % 5),
        })
        .collect()
}

/// The core's scanned account of an ABI one.
pub fn core_scan_account(a: &partliq_unified_scan_account) -> UnifiedScanAccount {
    UnifiedScanAccount {
        first_balance: a.first_balance,
        balance_count: a.balance_count,
        first_position: a.first_position,
        position_count: a.position_count,
    }
}

/// The book and account as the core sees them, and the boundary's status
/// for their values (before the core).
#[derive(Debug, Clone)]
pub struct UnifiedView {
    pub boundary: Option<partliq_status>,
    pub markets: Vec<Market>,
    pub prices: Vec<Price>,
    pub funding: Vec<i64>,
    pub risk: Vec<PerpRisk>,
    pub assets: Vec<Asset>,
    pub asset_prices: Vec<Price>,
    pub balances: Vec<AssetBalance>,
    pub positions: Vec<PerpPosition>,
}

impl<'a> UnifiedArgs<'a> {
    pub fn new(data: &'a UnifiedData, s: UnifiedShapes) -> Self {
        let [m, p, f, r, a, ap, b, ps] = s.0;
        UnifiedArgs {
            data,
            markets: ArrArg::new(&data.markets, m),
            prices: ArrArg::new(&data.prices, p),
            funding: ArrArg::new(&data.funding, f),
            risk: ArrArg::new(&data.risk, r),
            assets: ArrArg::new(&data.assets, a),
            asset_prices: ArrArg::new(&data.asset_prices, ap),
            balances: ArrArg::new(&data.balances, b),
            positions: ArrArg::new(&data.positions, ps),
        }
    }

    pub fn rejected(&self) -> bool {
        self.markets.rejected
            || self.prices.rejected
            || self.funding.rejected
            || self.risk.rejected
            || self.assets.rejected
            || self.asset_prices.rejected
            || self.balances.rejected
            || self.positions.rejected
    }

    /// [`boundary_reading`] over the arrays the call sees (when no array is
    /// rejected).
    pub fn boundary_reading(
        &self,
        accounts: &[partliq_unified_scan_account],
        reads: impl IntoIterator<Item = u32>,
    ) -> Option<partliq_status> {
        let d = self.data;
        boundary_reading(
            self.markets.effective(&d.markets),
            self.assets.effective(&d.assets),
            self.balances.effective(&d.balances),
            self.positions.effective(&d.positions),
            accounts,
            reads,
        )
    }

    /// The boundary's checks for a call that keys account `i` only (a
    /// unified index's insert or re-key), in order: every market's fee
    /// rounding, every asset's reserved field; the account and its ranges
    /// (`UNKNOWN_POSITION`); its balances' reserved fields; its positions'
    /// margins. `None`: the core runs (on a view that exists).
    pub fn boundary_account(&self, accounts: &[partliq_unified_scan_account], i: u32) -> Option<partliq_status> {
        let d = self.data;
        let book = boundary(self.markets.effective(&d.markets), self.assets.effective(&d.assets), &[], &[]);
        if book.is_some() {
            return book;
        }
        let Some(a) = accounts.get(i as usize) else { return Some(PARTLIQ_STATUS_UNKNOWN_POSITION) };
        let range = |first: u32, count: u32, len: usize| {
            let f = first as usize;
            f.checked_add(count as usize).filter(|e| *e <= len).map(|e| f..e)
        };
        let (balances, positions) = (self.balances.effective(&d.balances), self.positions.effective(&d.positions));
        let (Some(b), Some(p)) =
            (range(a.first_balance, a.balance_count, balances.len()), range(a.first_position, a.position_count, positions.len()))
        else {
            return Some(PARTLIQ_STATUS_UNKNOWN_POSITION);
        };
        boundary(&[], &[], &balances[b], &positions[p])
    }

    /// What the core sees (when no array is rejected).
    pub fn view(&self) -> UnifiedView {
        let d = self.data;
        let markets = self.markets.effective(&d.markets);
        let assets = self.assets.effective(&d.assets);
        let balances = self.balances.effective(&d.balances);
        let positions = self.positions.effective(&d.positions);
        UnifiedView {
            boundary: boundary(markets, assets, balances, positions),
            markets: markets.iter().map(core_market).collect(),
            prices: self.prices.effective(&d.prices).iter().map(|p| Price(*p)).collect(),
            funding: self.funding.effective(&d.funding).to_vec(),
            risk: self.risk.effective(&d.risk).iter().map(core_risk).collect(),
            assets: assets.iter().map(core_asset).collect(),
            asset_prices: self.asset_prices.effective(&d.asset_prices).iter().map(|p| Price(*p)).collect(),
            balances: balances.iter().map(|b| AssetBalance { asset_index: b.asset_index, amount: b.amount }).collect(),
            positions: positions.iter().map(core_perp).collect(),
        }
    }
}

impl<'a> UnifiedArgs<'a> {
    /// What the core sees for a call that reads the balances only (the
    /// lending calls): [`UnifiedArgs::view`] with the positions' values
    /// neither checked (no margin refused) nor given to the core.
    pub fn view_balances(&self) -> UnifiedView {
        let d = self.data;
        let (markets, assets, balances) =
            (self.markets.effective(&d.markets), self.assets.effective(&d.assets), self.balances.effective(&d.balances));
        UnifiedView { boundary: boundary(markets, assets, balances, &[]), positions: Vec::new(), ..self.view() }
    }
}

/// The boundary's value checks, in argument order: every market's fee
/// rounding, every asset's reserved field, every balance's, every
/// position's margin.
pub fn boundary(
    markets: &[partliq_market],
    assets: &[partliq_asset],
    balances: &[partliq_asset_balance],
    positions: &[partliq_perp_position],
) -> Option<partliq_status> {
    markets
        .iter()
        .find_map(fee_rounding_status)
        .or_else(|| assets.iter().any(|a| a.reserved != 0).then_some(PARTLIQ_STATUS_RESERVED_NOT_ZERO))
        .or_else(|| balances.iter().any(|b| b.reserved != 0).then_some(PARTLIQ_STATUS_RESERVED_NOT_ZERO))
        .or_else(|| positions.iter().any(|p| p.margin > 1).then_some(PARTLIQ_STATUS_INVALID_ENUM))
}

/// The boundary's value checks for a call that reads the accounts `reads`
/// only (a unified index's insert or re-key, `partliq_unified_confirm`), in
/// argument order: every market's fee rounding, every asset's reserved
/// field, the reserved fields of the balances in those accounts' ranges,
/// then the margins of the positions in their ranges (an account that does
/// not exist, or a range outside its array, is the core's to refuse).
pub fn boundary_reading(
    markets: &[partliq_market],
    assets: &[partliq_asset],
    balances: &[partliq_asset_balance],
    positions: &[partliq_perp_position],
    accounts: &[partliq_unified_scan_account],
    reads: impl IntoIterator<Item = u32>,
) -> Option<partliq_status> {
    fn range<T>(s: &[T], first: u32, count: u32) -> &[T] {
        let first = first as usize;
        first.checked_add(count as usize).and_then(|end| s.get(first..end)).unwrap_or(&[])
    }
    let read: Vec<&partliq_unified_scan_account> = reads.into_iter().filter_map(|i| accounts.get(i as usize)).collect();
    let balance_bad = read.iter().any(|a| range(balances, a.first_balance, a.balance_count).iter().any(|b| b.reserved != 0));
    let margin_bad = read.iter().any(|a| range(positions, a.first_position, a.position_count).iter().any(|p| p.margin > 1));
    markets
        .iter()
        .find_map(fee_rounding_status)
        .or_else(|| assets.iter().any(|a| a.reserved != 0).then_some(PARTLIQ_STATUS_RESERVED_NOT_ZERO))
        .or_else(|| balance_bad.then_some(PARTLIQ_STATUS_RESERVED_NOT_ZERO))
        .or_else(|| margin_bad.then_some(PARTLIQ_STATUS_INVALID_ENUM))
}

pub fn core_asset(a: &partliq_asset) -> Asset {
    Asset {
        id: a.id,
        quote_exponent: a.quote_exponent,
        initial_asset_weight: Ppm(a.initial_asset_weight_ppm),
        maintenance_asset_weight: Ppm(a.maintenance_asset_weight_ppm),
        initial_liability_weight: Ppm(a.initial_liability_weight_ppm),
        maintenance_liability_weight: Ppm(a.maintenance_liability_weight_ppm),
        imf_factor: Ppm(a.imf_factor_ppm),
        imf_unit: a.imf_unit,
    }
}

pub fn core_risk(r: &partliq_perp_risk) -> PerpRisk {
    PerpRisk { imf_factor: Ppm(r.imf_factor_ppm), initial_upnl_weight: Ppm(r.initial_upnl_weight_ppm), imf_unit: r.imf_unit }
}

/// The core's position of an ABI position (a margin outside the
/// enumeration, which the boundary refuses first, reads as cross).
pub fn core_perp(p: &partliq_perp_position) -> PerpPosition {
    PerpPosition {
        market_index: p.market_index,
        margin: if p.margin == 1 { PositionMargin::Isolated } else { PositionMargin::Cross },
        size: Size(p.size),
        quote_balance: Quote(p.quote_balance),
        last_funding_index: p.last_funding_index,
        open_bids: Size(p.open_bids),
        open_asks: Size(p.open_asks),
    }
}

impl UnifiedView {
    pub fn book(&self) -> MarginBook<'_> {
        MarginBook {
            markets: &self.markets,
            prices: &self.prices,
            funding_indexes: &self.funding,
            perp_risk: &self.risk,
            assets: &self.assets,
            asset_prices: &self.asset_prices,
        }
    }

    pub fn account(&self) -> UnifiedAccount<'_> {
        UnifiedAccount { balances: &self.balances, positions: &self.positions }
    }

    /// Every market, asset and risk extra validates (the figures' own
    /// invariants hold only then: the ABI does not re-validate them).
    pub fn all_valid(&self) -> bool {
        self.markets.iter().all(|m| m.validate().is_ok())
            && self.assets.iter().all(|a| a.validate().is_ok())
            && self.risk.iter().all(|r| r.validate().is_ok())
    }
}

/// A unified health's own invariants (valid markets, assets and extras):
/// initial ≤ liquidation end ≤ maintenance health; the margin ratio from
/// the maintenance level; for one pool (`pool`), the state from the equity
/// and the maintenance level (an account's is its worst pool's).
pub fn check_unified_health(h: &partliq_unified_health, pool: bool) {
    let health = |l: &partliq_level_figures| i128::from(l.collateral) - i128::from(l.requirement);
    assert!(health(&h.initial) <= health(&h.liquidation_end), "initial above liquidation end: {h:?}");
    assert!(health(&h.liquidation_end) <= health(&h.maintenance), "liquidation end above maintenance: {h:?}");
    let (c, r) = (i128::from(h.maintenance.collateral), i128::from(h.maintenance.requirement));
    let state = if h.equity < 0 {
        2
    } else if c < r {
        1
    } else {
        0
    };
    if pool {
        assert_eq!(h.state, state, "state of {h:?}");
    } else {
        assert!(h.state >= state, "an account's state is at least its sums' (its worst pool's): {h:?}");
    }
    let ratio = if r == 0 {
        0
    } else if c <= 0 {
        u64::MAX
    } else {
        u64::try_from((r * 1_000_000 + c - 1) / c).unwrap_or(u64::MAX)
    };
    assert_eq!(h.margin_ratio_ppm, ratio, "margin ratio of {h:?}");
    assert!(h.rung <= 4);
}
