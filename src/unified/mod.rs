//! Unified margin accounts: collateral assets, borrows, funding, open
//! orders, cross and isolated positions in one account.
//!
//! The account large venues run (Binance's multi-asset and portfolio
//! margin, Bybit's unified account, Drift v2, Mango v4, Hyperliquid) holds
//! **token balances** — deposits and borrows of several assets, valued with
//! haircuts ([`crate::asset`]) — next to **perpetual positions**, each
//! either **cross** (backed by the balances and every other cross position)
//! or **isolated** (backed only by the margin in its own quote balance).
//! Positions also carry what the engine has not settled yet: **funding**
//! since the position's last funding index, and **resting orders** that
//! could still fill.
//!
//! # Pools
//!
//! An account has one **cross pool** (every balance and every cross
//! position; pool 0, present even when empty) and one **isolated pool** per
//! isolated position (pools 1, 2, … in the order of the positions). Each
//! pool has its own health and is liquidated on its own; the account's state
//! is the worst of its pools'.
//!
//! The figures of a pool, at three levels in order, are in [`health`]; the
//! pipeline's first step for such a pool (cancel its resting orders) and its
//! perps in today's model are in [`pipeline`]; the four kinds of
//! liquidation leg (perp reduction, collateral for a borrow, perp gain for a
//! borrow, a deposit for a perp loss), each sized to the least amount, are
//! in [`legs`]; the plan over all of them that liquidates the least is in
//! [`planner`].
//!
//! What a pool's loss becomes once it has nothing more — who pays a
//! deficit, in which order, with one exact ledger — is [`waterfall`]; the
//! final settlement of a delisted market, which can leave such a deficit,
//! is [`delisting`].
//!
//! The same balances run in **lending mode** ([`lending`]): Aave v3's
//! health factor and liquidation, exact to the wei, as a policy over the
//! account.

pub mod delisting;
pub mod health;
pub mod index;
pub mod legs;
pub mod lending;
pub mod pipeline;
pub mod planner;
pub mod scan;
pub mod waterfall;

use crate::account::Position;
use crate::asset::{Asset, AssetBalance};
use crate::error::{Error, Result};
use crate::market::Market;
use crate::num::{Ppm, Price, Quote, Size};

pub use delisting::{settle_delisted, DelistingOutcome, DelistingPolicy, PoolDelisting, PositionSettlement};
pub use health::{unified_account_health, unified_pool_health, HealthLevel, LevelFigures, MarginLadder, MarginRung, UnifiedHealth};
pub use index::{candidates_on, crossed_on, pool_keys, MoveKeys, MoveSide, PriceMove, UnifiedIndex, UnifiedIndexEntry, KEY_LIMIT};
pub use legs::{
    settle_leg, size_leg, target_surplus, AccountCopy, AssetLiquidationFees, FlowUnit, LegFlow, LegKind, LegSettlement, LegSizing,
    LegTerms, UnifiedLeg,
};
pub use lending::{
    least_debt_to_cover, lending_health, plan_lending_liquidation, AssetFlow, LeastDebtToCover, LendingHealth, LendingLiquidation,
    LendingTerms,
};
pub use pipeline::{
    perp_view, run_guarded_unified_liquidation, run_unified_liquidation, run_unified_pipeline, UnifiedDecision, UnifiedLiquidationPolicy,
};
pub use planner::{
    plan_unified_liquidation, plan_unified_liquidation_within, LegOrdering, LiquidationTiers, PlanObjective, UnifiedPlan,
    DEFAULT_SEARCH_BUDGET, MAX_PLAN_LEGS,
};
pub use scan::{is_hit, scan_unified, UnifiedCursor, UnifiedScanAccount, UnifiedScanHit, UnifiedScanOutcome, UnifiedScanner};
pub use waterfall::{
    check_pool_exhausted, haircut_balance, haircut_index, ledger_balances, resolve_deficit, socialized_charge, socialized_delta, Deficit,
    FundId, FundScope, LedgerEntry, LedgerUnit, Party, Socialization, StepUse, WaterfallContext, WaterfallOutcome, WaterfallPolicy,
    WaterfallStep, MAX_LEDGER_ENTRIES, MAX_WATERFALL_STEPS,
};

/// Most token balances one account may hold.
pub const MAX_BALANCES: usize = 64;

/// Whether a position shares the cross pool's margin or has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum PositionMargin {
    /// Backed by the account's balances and its other cross positions.
    #[default]
    Cross = 0,
    /// Backed only by the margin in its own quote balance.
    Isolated = 1,
}

/// A perpetual position of a unified account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct PerpPosition {
    /// Index of the position's market in the markets slice.
    pub market_index: u32,
    /// Cross or isolated.
    pub margin: PositionMargin,
    /// Signed size in base units: long > 0, short < 0.
    pub size: Size,
    /// Settled cash of the position in quote units (isolated: its margin
    /// too), as [`Position::quote_balance`].
    pub quote_balance: Quote,
    /// The market's cumulative funding index when the position was last
    /// settled (quote units × 10⁻⁶ per unit of size).
    pub last_funding_index: i64,
    /// Size of the account's resting bids in this market (≥ 0).
    pub open_bids: Size,
    /// Size of the account's resting asks in this market (≥ 0).
    pub open_asks: Size,
}

impl PerpPosition {
    /// A cross position with nothing unsettled and no orders.
    #[must_use]
    pub fn cross(market_index: u32, size: Size, quote_balance: Quote) -> Self {
        PerpPosition { market_index, size, quote_balance, ..PerpPosition::default() }
    }

    /// An isolated position with nothing unsettled and no orders.
    #[must_use]
    pub fn isolated(market_index: u32, size: Size, quote_balance: Quote) -> Self {
        PerpPosition { margin: PositionMargin::Isolated, ..PerpPosition::cross(market_index, size, quote_balance) }
    }

    /// The position in today's model (size and quote balance).
    #[must_use]
    pub fn position(&self) -> Position {
        Position { market_index: self.market_index, size: self.size, quote_balance: self.quote_balance }
    }

    /// True when the position has resting orders.
    #[must_use]
    pub fn has_open_orders(&self) -> bool {
        self.open_bids.0 != 0 || self.open_asks.0 != 0
    }
}

/// A market's risk parameters beyond its tiers, for unified accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct PerpRisk {
    /// Drift's IMF factor for the initial margin's √size premium, ppm per
    /// √unit of size; 0 turns it off.
    pub imf_factor: Ppm,
    /// What a position's positive value (its unrealised gain) counts for at
    /// the initial level (Drift's unrealised asset weight, Mango's overall
    /// asset weight); 100 % counts it whole.
    pub initial_upnl_weight: Ppm,
    /// Units of size in one whole unit for the √size term; > 0.
    pub imf_unit: i64,
}

impl PerpRisk {
    /// No premium, gains counted whole: today's markets.
    pub const NONE: PerpRisk = PerpRisk { imf_factor: Ppm(0), initial_upnl_weight: Ppm::ONE, imf_unit: 1 };

    /// Checks the parameters: [`Error::InvalidImfUnit`] for a unit ≤ 0,
    /// [`Error::FractionAbove100Percent`] for a uPnL weight above 100 %.
    pub fn validate(&self) -> Result<()> {
        if self.imf_unit <= 0 {
            return Err(Error::InvalidImfUnit);
        }
        self.initial_upnl_weight.at_most_one(Error::FractionAbove100Percent)?;
        Ok(())
    }
}

impl Default for PerpRisk {
    fn default() -> Self {
        PerpRisk::NONE
    }
}

/// Everything a unified account is valued against: the perp markets with
/// their marks, cumulative funding indexes and risk extras, and the
/// collateral assets with their prices. `funding_indexes` and `perp_risk`
/// may be empty (no funding; [`PerpRisk::NONE`] everywhere), otherwise one
/// per market.
#[derive(Debug, Clone, Copy)]
pub struct MarginBook<'a> {
    /// The perp markets.
    pub markets: &'a [Market],
    /// `prices[i]` is the mark of `markets[i]`.
    pub prices: &'a [Price],
    /// `funding_indexes[i]` is the cumulative funding index of `markets[i]`.
    pub funding_indexes: &'a [i64],
    /// `perp_risk[i]` is the risk extras of `markets[i]`.
    pub perp_risk: &'a [PerpRisk],
    /// The collateral assets.
    pub assets: &'a [Asset],
    /// `asset_prices[i]` is the price of `assets[i]`.
    pub asset_prices: &'a [Price],
}

impl<'a> MarginBook<'a> {
    /// A book of perp markets alone (no assets, no funding, no extras).
    #[must_use]
    pub fn perps(markets: &'a [Market], prices: &'a [Price]) -> Self {
        MarginBook { markets, prices, funding_indexes: &[], perp_risk: &[], assets: &[], asset_prices: &[] }
    }

    fn funding_index(&self, market_index: u32) -> Result<Option<i64>> {
        if self.funding_indexes.is_empty() {
            return Ok(None);
        }
        if self.funding_indexes.len() < self.markets.len() {
            return Err(Error::MarketDataTooShort);
        }
        let i = usize::try_from(market_index).map_err(|_| Error::UnknownMarket)?;
        self.funding_indexes.get(i).copied().map(Some).ok_or(Error::UnknownMarket)
    }

    fn risk(&self, market_index: u32) -> Result<PerpRisk> {
        if self.perp_risk.is_empty() {
            return Ok(PerpRisk::NONE);
        }
        if self.perp_risk.len() < self.markets.len() {
            return Err(Error::MarketDataTooShort);
        }
        let i = usize::try_from(market_index).map_err(|_| Error::UnknownMarket)?;
        let r = *self.perp_risk.get(i).ok_or(Error::UnknownMarket)?;
        r.validate()?;
        Ok(r)
    }

    fn asset(&self, asset_index: u32) -> Result<(&'a Asset, Price)> {
        let i = usize::try_from(asset_index).map_err(|_| Error::UnknownAsset)?;
        let asset = self.assets.get(i).ok_or(Error::UnknownAsset)?;
        let price = *self.asset_prices.get(i).ok_or(Error::MissingPrice)?;
        Ok((asset, price))
    }
}

/// A unified margin account: token balances and perp positions, both owned
/// by the caller.
#[derive(Debug, Clone, Copy)]
pub struct UnifiedAccount<'a> {
    /// Deposits (> 0) and borrows (< 0), at most [`MAX_BALANCES`].
    pub balances: &'a [AssetBalance],
    /// The positions, cross and isolated.
    pub positions: &'a [PerpPosition],
}

/// One margin pool of a unified account (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct UnifiedPool<'a> {
    /// The balances counted (the cross pool's; none for an isolated pool).
    pub balances: &'a [AssetBalance],
    /// The positions to look at: every position for the cross pool (only
    /// the cross ones count), the one position for an isolated pool.
    pub positions: &'a [PerpPosition],
    /// Which of `positions` count: the cross ones, or the isolated one.
    pub margin: PositionMargin,
    /// Index in the account's positions of `positions[0]`.
    pub first_position: usize,
}

impl<'a> UnifiedAccount<'a> {
    /// Number of pools: the cross pool and one per isolated position.
    #[must_use]
    pub fn pool_count(&self) -> usize {
        self.positions.iter().filter(|p| p.margin == PositionMargin::Isolated).count().saturating_add(1)
    }

    /// Pool `index`: 0 is the cross pool, `k ≥ 1` the `k`-th isolated
    /// position's. [`Error::UnknownPosition`] beyond the last.
    pub fn pool(&self, index: usize) -> Result<UnifiedPool<'a>> {
        if index == 0 {
            return Ok(UnifiedPool {
                balances: self.balances,
                positions: self.positions,
                margin: PositionMargin::Cross,
                first_position: 0,
            });
        }
        let (at, _) = self
            .positions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.margin == PositionMargin::Isolated)
            .nth(index.saturating_sub(1))
            .ok_or(Error::UnknownPosition)?;
        let positions = self.positions.get(at..at.saturating_add(1)).ok_or(Error::UnknownPosition)?;
        Ok(UnifiedPool { balances: &[], positions, margin: PositionMargin::Isolated, first_position: at })
    }
}

impl<'a> UnifiedPool<'a> {
    /// The positions that count in this pool, with their index in the
    /// account's positions.
    pub fn members(&self) -> impl Iterator<Item = (usize, &'a PerpPosition)> + '_ {
        let margin = self.margin;
        let first = self.first_position;
        self.positions.iter().enumerate().filter(move |(_, p)| p.margin == margin).map(move |(i, p)| (first.saturating_add(i), p))
    }
}
