//! Accounts, positions and margin pools.
//!
//! An account holds collateral and a caller-owned slice of positions. Each
//! position is `size` base units of one market plus a `quote_balance`: the
//! settled cash of that position (entry cost, realised PnL, settled funding,
//! and for isolated positions the margin allotted to it). Its value at mark
//! price `P` is `size × P × 10^e + quote_balance`.
//!
//! A **margin pool** is what one health figure covers:
//! * **cross** margin: one pool, the account's collateral plus every position;
//! * **isolated** margin: each position is its own pool with no shared
//!   collateral (its margin lives in its `quote_balance`); the account's free
//!   collateral backs none of them: it is a pool of its own with no
//!   positions, bankrupt when negative (a debt nothing backs).
//!
//! An account's health state is the worst state of its pools, the
//! free-collateral pool included (see [`crate::health::account_health`]).
//!
//! A **flat batch** ([`ScanAccount`]) lays many accounts out in two arrays
//! for the batch scan and the liquidation-price index: one entry per
//! account (collateral and a range) and one flat array of every account's
//! positions.

use crate::error::{Error, Result};
use crate::num::{Quote, Size};

/// Most positions one margin pool may hold (bounds the planner's stack use).
pub const MAX_POSITIONS: usize = 64;

/// A position in one market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Position {
    /// Index of the position's market in the markets slice.
    pub market_index: u32,
    /// Signed size in base units: long > 0, short < 0.
    pub size: Size,
    /// Settled cash of the position in quote units.
    pub quote_balance: Quote,
}

impl Position {
    /// A position of `size` in market `market_index` with `quote_balance`.
    #[must_use]
    pub const fn new(market_index: u32, size: Size, quote_balance: Quote) -> Self {
        Position { market_index, size, quote_balance }
    }
}

/// How an account's positions share margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum MarginMode {
    /// One pool: collateral plus all positions.
    Cross = 0,
    /// Each position its own pool; the collateral a pool with no positions.
    Isolated = 1,
}

/// A margin account: collateral and positions, both owned by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// Free collateral in quote units (cross: backs every position;
    /// isolated: a pool of its own with no positions, bankrupt when
    /// negative).
    pub collateral: Quote,
    /// The positions.
    pub positions: &'a [Position],
    /// Cross or isolated.
    pub mode: MarginMode,
}

/// What one health figure covers: some collateral and some positions.
#[derive(Debug, Clone, Copy)]
pub struct Pool<'a> {
    /// Collateral counted in this pool's equity.
    pub collateral: Quote,
    /// Positions counted in this pool.
    pub positions: &'a [Position],
}

impl<'a> Account<'a> {
    /// A cross-margin account.
    #[must_use]
    pub fn cross(collateral: Quote, positions: &'a [Position]) -> Self {
        Account { collateral, positions, mode: MarginMode::Cross }
    }

    /// Number of margin pools: 1 for cross, one per position for isolated.
    #[must_use]
    pub fn pool_count(&self) -> usize {
        match self.mode {
            MarginMode::Cross => 1,
            MarginMode::Isolated => self.positions.len(),
        }
    }

    /// Margin pool `index` (cross: only 0; isolated: the position's own pool).
    pub fn pool(&self, index: usize) -> Result<Pool<'a>> {
        match self.mode {
            MarginMode::Cross if index == 0 => Ok(Pool { collateral: self.collateral, positions: self.positions }),
            MarginMode::Cross => Err(Error::UnknownPosition),
            MarginMode::Isolated => {
                let end = index.checked_add(1).ok_or(Error::UnknownPosition)?;
                let positions = self.positions.get(index..end).ok_or(Error::UnknownPosition)?;
                Ok(Pool { collateral: Quote(0), positions })
            }
        }
    }
}

impl<'a> Pool<'a> {
    /// A pool over `positions` with `collateral`.
    #[must_use]
    pub fn new(collateral: Quote, positions: &'a [Position]) -> Self {
        Pool { collateral, positions }
    }
}

/// One account of a flat batch: collateral and a range of a flat positions
/// array shared by every account of the batch — the layout the batch scan
/// and the liquidation-price index read. One cross-margin pool (the
/// collateral backs every position of the range); an isolated position is
/// an account with collateral 0 and one position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[repr(C)]
pub struct ScanAccount {
    /// Collateral in quote units.
    pub collateral: Quote,
    /// Index of the account's first position in the positions array.
    pub first_position: u32,
    /// Number of positions (consecutive from `first_position`).
    pub position_count: u32,
}

impl ScanAccount {
    /// The account's positions; [`Error::UnknownPosition`] when the range
    /// does not lie in `positions`.
    #[inline]
    pub fn positions<'p>(&self, positions: &'p [Position]) -> Result<&'p [Position]> {
        let first = usize::try_from(self.first_position).map_err(|_| Error::UnknownPosition)?;
        let count = usize::try_from(self.position_count).map_err(|_| Error::UnknownPosition)?;
        let end = first.checked_add(count).ok_or(Error::UnknownPosition)?;
        positions.get(first..end).ok_or(Error::UnknownPosition)
    }

    /// The account as a margin [`Pool`].
    pub fn pool<'p>(&self, positions: &'p [Position]) -> Result<Pool<'p>> {
        Ok(Pool::new(self.collateral, self.positions(positions)?))
    }
}
