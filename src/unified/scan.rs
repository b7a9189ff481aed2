//! Batch scan of unified accounts: every pool (the cross pool and each
//! isolated position's) of many accounts that needs liquidation, on every
//! price update, without allocating.
//!
//! The unified counterpart of [`crate::scan::Scanner`]. The caller owns the
//! accounts — either as [`UnifiedAccount`]s or flat, as
//! [`UnifiedScanAccount`]s (a range of a flat balances array and a range of
//! a flat positions array each) — and a buffer of [`UnifiedScanHit`]s. A
//! scan writes the account index, pool index and exact [`UnifiedHealth`] of
//! every pool that is a hit (see [`is_hit`]) into the buffer, in account
//! then pool order, and says where it stopped and where to resume.
//!
//! # Exactness
//!
//! A scan reports exactly what [`unified_pool_health`] reports for each
//! pool — the same figures, states, rungs and errors — because every pool
//! goes through [`unified_pool_health`] itself. There is no fast path: the
//! perp scan's division-free bound does not carry over as it stands (each
//! balance's haircut and each level's figures round on their own, the √size
//! premium needs a root, funding rounds once per pool), and an unproven
//! shortcut would break exactness. The cost per pool is one
//! [`unified_pool_health`]; walking an account's pools is linear in its
//! positions.
//!
//! # Only the pools a move can reach
//!
//! [`super::index`] keys every pool by how far the prices may move before
//! it can become a hit; a query by the move since the reference returns
//! the candidates, and [`UnifiedScanner::confirm`] checks them exactly —
//! the same hits as this scan at the new prices, for the pools the move
//! reaches.
//!
//! # Resuming
//!
//! A scan starts at a [`UnifiedCursor`] (account, pool) and stops with the
//! cursor `next` of the pool it could not finish (or past the end), and the
//! cursor `resume` to start the next scan at: `next` itself when the buffer
//! filled (with an emptied buffer), the pool after `next` when that pool's
//! health failed, the next account when the account itself is malformed (a
//! flat range outside the arrays). A cursor's pool index beyond the
//! account's last pool moves on to the next account.

use super::health::{unified_pool_health, MarginLadder, MarginRung, UnifiedHealth};
use super::{MarginBook, PerpPosition, PositionMargin, UnifiedAccount, UnifiedPool};
use crate::asset::AssetBalance;
use crate::error::{Error, Result};
use crate::health::HealthState;
use crate::num::Quote;
use crate::scan::ScanEnd;
use crate::unified::LevelFigures;

/// How many entries ahead [`UnifiedScanner::confirm`] touches the memory
/// of the pools to come.
const CONFIRM_AHEAD: usize = 8;

/// One unified account of a flat batch: a range of the flat balances array
/// and a range of the flat positions array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct UnifiedScanAccount {
    /// Index of the account's first balance in the balances array.
    pub first_balance: u32,
    /// Number of balances (consecutive from `first_balance`).
    pub balance_count: u32,
    /// Index of the account's first position in the positions array.
    pub first_position: u32,
    /// Number of positions (consecutive from `first_position`).
    pub position_count: u32,
}

impl UnifiedScanAccount {
    /// The account over the flat arrays; [`Error::UnknownPosition`] when a
    /// range lies outside its array.
    pub fn view<'a>(&self, balances: &'a [AssetBalance], positions: &'a [PerpPosition]) -> Result<UnifiedAccount<'a>> {
        let range = |first: u32, count: u32| -> Result<core::ops::Range<usize>> {
            let first = first as usize;
            Ok(first..first.checked_add(count as usize).ok_or(Error::UnknownPosition)?)
        };
        Ok(UnifiedAccount {
            balances: balances.get(range(self.first_balance, self.balance_count)?).ok_or(Error::UnknownPosition)?,
            positions: positions.get(range(self.first_position, self.position_count)?).ok_or(Error::UnknownPosition)?,
        })
    }
}

/// A place in a batch: an account and one of its pools (0: the cross pool;
/// `k ≥ 1`: the `k`-th isolated position's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnifiedCursor {
    /// Index of the account in the accounts array.
    pub account: usize,
    /// Index of the pool in the account.
    pub pool: usize,
}

/// A pool the scan found needing liquidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedScanHit {
    /// Index of the account in the accounts array.
    pub account_index: usize,
    /// Index of the pool in the account (as [`UnifiedAccount::pool`]).
    pub pool_index: usize,
    /// Its exact health ([`unified_pool_health`]).
    pub health: UnifiedHealth,
}

impl Default for UnifiedScanHit {
    fn default() -> Self {
        let zero = LevelFigures { collateral: Quote(0), requirement: Quote(0) };
        UnifiedScanHit {
            account_index: 0,
            pool_index: 0,
            health: UnifiedHealth {
                equity: Quote(0),
                initial: zero,
                liquidation_end: zero,
                maintenance: zero,
                margin_ratio_ppm: 0,
                state: HealthState::Healthy,
                rung: MarginRung::Safe,
            },
        }
    }
}

/// What a unified scan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedScanOutcome {
    /// Hits written to the front of the buffer.
    pub count: usize,
    /// The pool not examined to the end: with [`ScanEnd::BufferFull`] a hit
    /// not written, with [`ScanEnd::Failed`] the pool (pool 0 for a
    /// malformed account) whose health failed. When complete: account =
    /// the accounts' length (or the start's account when already past it),
    /// pool 0.
    pub next: UnifiedCursor,
    /// Where the next scan starts: never before the start, and past it
    /// unless the buffer was empty and full at once — a resume loop `while
    /// resume.account < len` always ends (with a non-empty buffer).
    pub resume: UnifiedCursor,
    /// Why the scan stopped.
    pub end: ScanEnd,
    /// Pools whose health was computed (every pool examined).
    pub exact_checks: usize,
}

/// True when a pool with this health is a scan hit: not healthy
/// (liquidatable or bankrupt), or at the ladder's liquidation rung or
/// worse (a ladder that liquidates above 100 % of maintenance). With
/// [`MarginLadder::STANDARD`] exactly the pools that are not healthy.
#[must_use]
pub fn is_hit(h: &UnifiedHealth) -> bool {
    h.state != HealthState::Healthy || h.rung >= MarginRung::Liquidation
}

/// The pools of one account from pool `from` on, each with its index.
/// Linear in the account's positions (the first isolated pool wanted is
/// found once, then each next one from there).
fn pools_from<'a>(account: &UnifiedAccount<'a>, from: usize) -> impl Iterator<Item = (usize, UnifiedPool<'a>)> + 'a {
    let positions = account.positions;
    let cross = (from == 0)
        .then_some((0usize, UnifiedPool { balances: account.balances, positions, margin: PositionMargin::Cross, first_position: 0 }));
    let isolated = positions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.margin == PositionMargin::Isolated)
        .enumerate()
        .map(|(k, (at, _))| (k.saturating_add(1), at))
        .skip(from.saturating_sub(1))
        .filter_map(move |(k, at)| {
            let own = positions.get(at..at.saturating_add(1))?;
            Some((k, UnifiedPool { balances: &[], positions: own, margin: PositionMargin::Isolated, first_position: at }))
        });
    cross.into_iter().chain(isolated)
}

/// A unified scan context for one price update: the book and the ladder.
/// Build once per update, use from any thread.
#[derive(Debug, Clone, Copy)]
pub struct UnifiedScanner<'a> {
    book: MarginBook<'a>,
    ladder: MarginLadder,
}

impl<'a> UnifiedScanner<'a> {
    /// A scanner over `book` with `ladder` (checked by every pool's health:
    /// an invalid ladder fails the first pool examined).
    #[must_use]
    pub fn new(book: MarginBook<'a>, ladder: MarginLadder) -> UnifiedScanner<'a> {
        UnifiedScanner { book, ladder }
    }

    /// The health of pool `pool_index` of `account` if it is a hit
    /// ([`is_hit`]), `None` if not. Errors exactly when
    /// [`unified_pool_health`] does ([`Error::UnknownPosition`] for no
    /// such pool).
    pub fn check(&self, account: &UnifiedAccount<'_>, pool_index: usize) -> Result<Option<UnifiedHealth>> {
        let h = unified_pool_health(&account.pool(pool_index)?, &self.book, &self.ladder)?;
        Ok(is_hit(&h).then_some(h))
    }

    /// Scans `accounts` from `start` and writes each pool that is a hit to
    /// the front of `out`, in account then pool order. See
    /// [`UnifiedScanOutcome`] for where to resume.
    pub fn scan(&self, accounts: &[UnifiedAccount<'_>], start: UnifiedCursor, out: &mut [UnifiedScanHit]) -> UnifiedScanOutcome {
        self.run(accounts.len(), |i| accounts.get(i).copied().ok_or(Error::UnknownPosition), start, out)
    }

    /// [`Self::scan`] over flat accounts: each a range of `balances` and of
    /// `positions`. An account whose range lies outside its array fails
    /// with [`Error::UnknownPosition`] (resume: the next account).
    pub fn scan_flat(
        &self,
        accounts: &[UnifiedScanAccount],
        balances: &[AssetBalance],
        positions: &[PerpPosition],
        start: UnifiedCursor,
        out: &mut [UnifiedScanHit],
    ) -> UnifiedScanOutcome {
        self.run(accounts.len(), |i| accounts.get(i).ok_or(Error::UnknownPosition)?.view(balances, positions), start, out)
    }

    /// The exact check of the pools a [`super::index::UnifiedIndex`] query
    /// returned, `entries[start..]` in order: writes each that is a hit
    /// ([`is_hit`]) to the front of `out` as [`Self::scan_flat`] would.
    /// `next` (an entry index) says where it stopped: a full buffer (the
    /// entry not written: resume there with an emptied buffer) or an entry
    /// whose pool failed (its account's range outside the arrays, no such
    /// pool, or its health's error: resume at `next + 1`). The outcome's
    /// `exact_checks` counts the pools whose health was computed.
    pub fn confirm(
        &self,
        entries: &[super::index::UnifiedIndexEntry],
        accounts: &[UnifiedScanAccount],
        balances: &[AssetBalance],
        positions: &[PerpPosition],
        start: usize,
        out: &mut [UnifiedScanHit],
    ) -> crate::scan::ScanOutcome {
        self.confirm_viewing(entries, accounts, |a| a.view(balances, positions), start, out)
    }

    /// [`Self::confirm`] with each named account's view made by `view`
    /// (for the flat arrays, [`UnifiedScanAccount::view`]), each hit
    /// converted into the caller's hit type as it is written: for a caller
    /// whose arrays are not the core's types as a whole — the C ABI checks
    /// and views only the accounts the entries name, and writes its hits
    /// straight into the caller's array. The same outcome as
    /// [`Self::confirm`] over a buffer of that length. `view` is called for
    /// each entry's account, once more a few entries ahead of it (its
    /// figures touched so that memory misses overlap), and must give the
    /// same result both times.
    pub fn confirm_viewing<'b, H: From<UnifiedScanHit>>(
        &self,
        entries: &[super::index::UnifiedIndexEntry],
        accounts: &[UnifiedScanAccount],
        view: impl Fn(&UnifiedScanAccount) -> Result<UnifiedAccount<'b>>,
        start: usize,
        out: &mut [H],
    ) -> crate::scan::ScanOutcome {
        use crate::scan::ScanOutcome;
        let mut count = 0usize;
        let mut exact_checks = 0usize;
        let tail = entries.get(start..).unwrap_or(&[]);
        for (offset, e) in tail.iter().enumerate() {
            // The entries name pools in key order, scattered in memory: touch
            // the account two strides on and its balances and positions one
            // stride on (its record in cache by then), so that the misses
            // overlap with this pool's work.
            if let Some(f) = tail.get(offset.wrapping_add(2 * CONFIRM_AHEAD)) {
                core::hint::black_box(accounts.get(f.account as usize).map(|a| a.first_balance));
            }
            if let Some(Ok(a)) = tail.get(offset.wrapping_add(CONFIRM_AHEAD)).and_then(|f| accounts.get(f.account as usize)).map(&view) {
                core::hint::black_box((a.balances.first().map(|b| b.amount), a.positions.first().map(|p| p.size)));
            }
            let idx = start.saturating_add(offset);
            let (account_index, pool_index) = (e.account as usize, e.pool as usize);
            let pool = accounts.get(account_index).ok_or(Error::UnknownPosition).and_then(&view).and_then(|a| a.pool(pool_index));
            let health = match pool {
                Ok(p) => {
                    exact_checks = exact_checks.saturating_add(1);
                    unified_pool_health(&p, &self.book, &self.ladder)
                }
                Err(err) => Err(err),
            };
            match health {
                Ok(h) if !is_hit(&h) => {}
                Ok(health) => match out.get_mut(count) {
                    Some(slot) => {
                        *slot = H::from(UnifiedScanHit { account_index, pool_index, health });
                        count = count.saturating_add(1);
                    }
                    None => return ScanOutcome { count, next: idx, end: ScanEnd::BufferFull, exact_checks },
                },
                Err(err) => return ScanOutcome { count, next: idx, end: ScanEnd::Failed(err), exact_checks },
            }
        }
        ScanOutcome { count, next: start.max(entries.len()), end: ScanEnd::Complete, exact_checks }
    }

    fn run<'b>(
        &self,
        len: usize,
        account: impl Fn(usize) -> Result<UnifiedAccount<'b>>,
        start: UnifiedCursor,
        out: &mut [UnifiedScanHit],
    ) -> UnifiedScanOutcome {
        let mut count = 0usize;
        let mut exact_checks = 0usize;
        let mut from = start.pool;
        for idx in start.account..len {
            let stop = |next: UnifiedCursor, resume: UnifiedCursor, end: ScanEnd, count: usize, exact_checks: usize| UnifiedScanOutcome {
                count,
                next,
                resume,
                end,
                exact_checks,
            };
            let next_account = UnifiedCursor { account: idx.saturating_add(1), pool: 0 };
            let a = match account(idx) {
                Ok(a) => a,
                Err(e) => {
                    let at = UnifiedCursor { account: idx, pool: from };
                    return stop(at, next_account, ScanEnd::Failed(e), count, exact_checks);
                }
            };
            for (k, pool) in pools_from(&a, from) {
                let at = UnifiedCursor { account: idx, pool: k };
                exact_checks = exact_checks.saturating_add(1);
                match unified_pool_health(&pool, &self.book, &self.ladder) {
                    Ok(h) if !is_hit(&h) => {}
                    Ok(health) => match out.get_mut(count) {
                        Some(slot) => {
                            *slot = UnifiedScanHit { account_index: idx, pool_index: k, health };
                            count = count.saturating_add(1);
                        }
                        None => return stop(at, at, ScanEnd::BufferFull, count, exact_checks),
                    },
                    Err(e) => {
                        let resume = UnifiedCursor { account: idx, pool: k.saturating_add(1) };
                        return stop(at, resume, ScanEnd::Failed(e), count, exact_checks);
                    }
                }
            }
            from = 0;
        }
        let end = UnifiedCursor { account: start.account.max(len), pool: 0 };
        UnifiedScanOutcome { count, next: end, resume: end, end: ScanEnd::Complete, exact_checks }
    }
}

/// Scans `accounts` from `start` over `book` with `ladder`: see
/// [`UnifiedScanner::scan`].
pub fn scan_unified(
    book: &MarginBook<'_>,
    ladder: &MarginLadder,
    accounts: &[UnifiedAccount<'_>],
    start: UnifiedCursor,
    out: &mut [UnifiedScanHit],
) -> UnifiedScanOutcome {
    UnifiedScanner::new(*book, *ladder).scan(accounts, start, out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::Asset;
    use crate::market::Market;
    use crate::num::{Ppm, Price, Size};

    #[test]
    fn finds_every_pool_in_order_and_resumes() {
        // e = 0, IM 10 % / MM 5 %, mark 100; one quote asset at par.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100)];
        let assets = [Asset::at_par(0)];
        let asset_prices = [Price(1)];
        let book = MarginBook {
            markets: &markets,
            prices: &prices,
            funding_indexes: &[],
            perp_risk: &[],
            assets: &assets,
            asset_prices: &asset_prices,
        };
        // Account 0: cross long 100 @ 100 (value 10,000, MM 500) with qb
        // −10,000 and a deposit of 499: collateral 499 < 500, liquidatable;
        // isolated long 100 with qb −9,500: 500 = MM, healthy; isolated
        // short 1 with qb 99: −1, bankrupt.
        let b0 = [AssetBalance { asset_index: 0, amount: 499 }];
        let p0 = [
            PerpPosition::cross(0, Size(100), Quote(-10_000)),
            PerpPosition::isolated(0, Size(100), Quote(-9_500)),
            PerpPosition::isolated(0, Size(-1), Quote(99)),
        ];
        // Account 1: a deposit alone, healthy. Account 2: a borrow of 1,
        // no perp: equity −1, bankrupt.
        let b1 = [AssetBalance { asset_index: 0, amount: 7 }];
        let b2 = [AssetBalance { asset_index: 0, amount: -1 }];
        let accounts = [
            UnifiedAccount { balances: &b0, positions: &p0 },
            UnifiedAccount { balances: &b1, positions: &[] },
            UnifiedAccount { balances: &b2, positions: &[] },
        ];
        let s = UnifiedScanner::new(book, MarginLadder::STANDARD);
        let mut out = [UnifiedScanHit::default(); 8];
        let r = s.scan(&accounts, UnifiedCursor::default(), &mut out);
        assert_eq!((r.count, r.end, r.next, r.exact_checks), (3, ScanEnd::Complete, UnifiedCursor { account: 3, pool: 0 }, 5));
        let got: Vec<_> = out[..3].iter().map(|h| (h.account_index, h.pool_index, h.health.state, h.health.equity)).collect();
        assert_eq!(
            got,
            vec![
                (0, 0, HealthState::Liquidatable, Quote(499)),
                (0, 2, HealthState::Bankrupt, Quote(-1)),
                (2, 0, HealthState::Bankrupt, Quote(-1)),
            ]
        );
        // A buffer of one: stops at pool 2 of account 0, resumes there.
        let mut one = [UnifiedScanHit::default(); 1];
        let r = s.scan(&accounts, UnifiedCursor::default(), &mut one);
        assert_eq!(
            (r.count, r.end, r.next, r.resume),
            (1, ScanEnd::BufferFull, UnifiedCursor { account: 0, pool: 2 }, UnifiedCursor { account: 0, pool: 2 })
        );
        let r = s.scan(&accounts, r.resume, &mut one);
        assert_eq!((r.count, one[0].account_index, one[0].pool_index, r.next), (1, 0, 2, UnifiedCursor { account: 2, pool: 0 }));
        // A pool index past the last moves on.
        let r = s.scan(&accounts, UnifiedCursor { account: 0, pool: 9 }, &mut out);
        assert_eq!((r.count, out[0].account_index), (1, 2));
    }

    #[test]
    fn failures_resume_past_the_pool_or_account() {
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100)];
        let book = MarginBook::perps(&markets, &prices);
        // Pool 1 names market 7: UnknownMarket; pool 2 is bankrupt.
        let positions = [PerpPosition::isolated(7, Size(1), Quote(0)), PerpPosition::isolated(0, Size(-1), Quote(99))];
        let flat = [
            UnifiedScanAccount { first_balance: 0, balance_count: 0, first_position: 0, position_count: 2 },
            UnifiedScanAccount { first_balance: 0, balance_count: 1, first_position: 0, position_count: 0 },
            UnifiedScanAccount { first_balance: 0, balance_count: 0, first_position: 1, position_count: 1 },
        ];
        let s = UnifiedScanner::new(book, MarginLadder::STANDARD);
        let mut out = [UnifiedScanHit::default(); 4];
        let r = s.scan_flat(&flat, &[], &positions, UnifiedCursor::default(), &mut out);
        assert_eq!(
            (r.end, r.next, r.resume),
            (ScanEnd::Failed(Error::UnknownMarket), UnifiedCursor { account: 0, pool: 1 }, UnifiedCursor { account: 0, pool: 2 })
        );
        let r = s.scan_flat(&flat, &[], &positions, r.resume, &mut out);
        // Pool 2 of account 0 hit; account 1's balance range is out of bounds.
        assert_eq!((r.count, out[0].pool_index), (1, 2));
        assert_eq!(
            (r.end, r.next, r.resume),
            (ScanEnd::Failed(Error::UnknownPosition), UnifiedCursor { account: 1, pool: 0 }, UnifiedCursor { account: 2, pool: 0 })
        );
        let r = s.scan_flat(&flat, &[], &positions, r.resume, &mut out);
        assert_eq!((r.count, r.end, out[0].account_index), (1, ScanEnd::Complete, 2));
        // An invalid ladder fails the first pool.
        let bad = MarginLadder { liquidation_ppm: 1, ..MarginLadder::STANDARD };
        let r = UnifiedScanner::new(book, bad).scan_flat(&flat, &[], &positions, UnifiedCursor { account: 2, pool: 0 }, &mut out);
        assert_eq!(r.end, ScanEnd::Failed(Error::InvalidMarginLadder));
    }
}
