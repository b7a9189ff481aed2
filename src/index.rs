//! A per-market liquidation-price index over caller-provided storage.
//!
//! Each entry is one position of one account of a flat batch ([`ScanAccount`]
//! and the flat positions array, as the batch scan reads them) in the
//! index's market, keyed by a
//! **conservative liquidation price**: longs and shorts are kept apart, each
//! sorted by key, so that
//!
//! * [`LiquidationIndex::candidates`] at a mark `P` is every entry that may be
//!   unhealthy at `P` (longs with `key ≥ P`, shorts with `key ≤ P`), and
//! * [`LiquidationIndex::crossed`] for a move `p0 → p1` is every entry whose
//!   key lies between (longs with `p1 ≤ key < p0` when the mark falls, shorts
//!   with `p0 < key ≤ p1` when it rises): exactly the entries that become
//!   candidates at `p1` without being candidates at `p0`,
//!
//! each a contiguous slice found by two binary searches: `O(log n)`, plus
//! `O(k)` for the caller to confirm the `k` entries with the exact health
//! check ([`crate::scan::Scanner::confirm`]).
//!
//! The index keys perp pools ([`ScanAccount`]s). Unified accounts
//! (balances with haircuts, borrows, funding, resting orders) have their
//! own index, [`crate::unified::index`]: each pool keyed by how far every
//! price may move before it can become a hit, queried by the size of a
//! move and confirmed with [`crate::unified::UnifiedScanner::confirm`].
//!
//! # The key
//!
//! [`position_key`]: the mark of the indexed market below which (long) or
//! above which (short) the pool *may* be unhealthy, the other positions held
//! at their worst within caller-given price bounds. It is
//! [`crate::pricing::estimated_liquidation_price`]'s root (tier-consistent,
//! a long's rounded up, a short's down) with the pool's equity lowered by the
//! engine's rounding slack, so that it covers the rounded health exactly:
//!
//! * the position's own rounding (value down, requirement up) moves its
//!   figure by less than 2, and the pool is unhealthy when `equity −
//!   maintenance ≤ −1`, so the root is taken for `equity − maintenance − 1`;
//! * every other position counts with its exact rounded figure at the worst
//!   end of its bound (`low` for a long, `high` for a short: `value −
//!   requirement` is monotone in the mark), less 1 when its bound is not a
//!   single price (its rounding may lose up to 1 more inside the bound).
//!
//! For an isolated position (an account with collateral 0 and one position)
//! the key is therefore the estimated liquidation price within 2 quote units
//! of equity, and needs no bound. A key that cannot be computed (an invalid
//! market, a missing price, overflow) is "always a candidate" (`i64::MAX` for
//! a long, 0 for a short): the exact check decides; so is every position of
//! an account with more than one non-empty position in the same market (they
//! move together, and their sum need not be monotone). An empty position, and
//! one whose pool no mark of this market can make unhealthy, has no entry.
//!
//! # What the caller must do for the index to stay exact
//!
//! With those keys, `candidates(P)` confirmed with the exact check reports
//! exactly the accounts with a position in this market that a full scan at
//! the same prices reports — **provided** that:
//!
//! 1. an account is re-keyed ([`LiquidationIndex::remove`] its old entries,
//!    [`LiquidationIndex::insert_account`] again) whenever its collateral or
//!    any of its positions (size, quote balance, market, the positions
//!    array range) changes, in every market it holds;
//! 2. the marks of the account's **other** markets stay within the `low ..=
//!    high` bounds its key was computed with. The simplest scheme: keep a
//!    reference price per market, pass `low`/`high` = reference ∓ a band
//!    ([`band_bounds`]) when keying, and when a market's mark leaves its
//!    band, move its reference and re-key every account that holds it *and*
//!    another market (in those other markets' indices). With `low = high =`
//!    the current marks (band 0) the keys are tightest and every move of
//!    another market calls for re-keying;
//! 3. market parameters (tiers, exponent) do not change without a rebuild.
//!
//! Moves of the index's own market need nothing: that is what the key is
//! for. An account with no non-empty position in this market is not in its
//! index; its health does not depend on this market's mark.
//!
//! # Cost
//!
//! Queries: `O(log n)` and a slice. [`LiquidationIndex::insert`] and
//! [`LiquidationIndex::remove`] keep each side a sorted array: a binary
//! search and one `memmove` of the entries after the slot, `O(n)` (16 bytes
//! an entry; re-keying an entry in the middle of 500,000 — a remove and an
//! insert — takes about 0.23 ms in `benches/index.rs`). For bulk changes, [`LiquidationIndex::push_unsorted`] then
//! [`LiquidationIndex::sort`] rebuild in `O(n log n)`.

use crate::account::{Position, ScanAccount};
use crate::error::{Error, Result};
use crate::health::{self, Sums};
use crate::market::Market;
use crate::num::{self, Ppm, Price, Rounding, PPM};
use crate::pricing::{LiquidationPrice, PositionContext};

/// One indexed position: its key, its account and its position (indices in
/// the caller's accounts and flat positions arrays). Ordered by key, then
/// account, then position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(C)]
pub struct IndexEntry {
    /// Conservative liquidation price (see the module docs).
    pub key: i64,
    /// Index of the account in the accounts array.
    pub account: u32,
    /// Index of the position in the flat positions array.
    pub position: u32,
}

/// Which side of the index an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Side {
    /// Size > 0: may become unhealthy when the mark falls.
    Long = 0,
    /// Size < 0: may become unhealthy when the mark rises.
    Short = 1,
}

/// `low[i] = floor(prices[i] × (1 − band))` (at least 1) and `high[i] =
/// ceil(prices[i] × (1 + band))`, for the first `min` of the three lengths.
/// Errors on a band above 100 % or overflow.
pub fn band_bounds(prices: &[Price], band: Ppm, low: &mut [Price], high: &mut [Price]) -> Result<()> {
    band.at_most_one(Error::InvalidPriceBand)?;
    let b = i128::from(band.0);
    for ((p, lo), hi) in prices.iter().zip(low.iter_mut()).zip(high.iter_mut()) {
        let v = i128::from(p.0);
        let l = num::mul_div(v, num::sub(PPM, b)?, PPM, Rounding::Floor)?.max(1);
        let h = num::mul_div(v, num::add(PPM, b)?, PPM, Rounding::Ceil)?;
        *lo = Price(i64::try_from(l).map_err(|_| Error::Overflow)?);
        *hi = Price(i64::try_from(h).map_err(|_| Error::Overflow)?);
    }
    Ok(())
}

/// The side and key of `positions[position]`, a position of `account`, for
/// the index of its market, with the account's other markets' marks bounded
/// by `low[i] ..= high[i]` (the index's own market's bounds are not used).
/// `None` when the position is empty or no mark of its market can make the
/// pool unhealthy. See the module docs for what the key guarantees.
///
/// Errors only on a `position` outside the account's range, or an account
/// whose range lies outside `positions` ([`Error::UnknownPosition`]); every
/// other problem gives the "always a candidate" key.
pub fn position_key(
    account: &ScanAccount,
    positions: &[Position],
    position: usize,
    markets: &[Market],
    low: &[Price],
    high: &[Price],
) -> Result<Option<(Side, i64)>> {
    let own = account.positions(positions)?;
    let first = account.first_position as usize;
    let j = position.checked_sub(first).ok_or(Error::UnknownPosition)?;
    let p = own.get(j).ok_or(Error::UnknownPosition)?;
    if p.size.0 == 0 {
        return Ok(None);
    }
    let side = if p.size.0 > 0 { Side::Long } else { Side::Short };
    let always = match side {
        Side::Long => i64::MAX,
        Side::Short => 0,
    };
    Ok(match key_of(account, own, j, markets, low, high) {
        Ok(LiquidationPrice::Never) => None,
        Ok(LiquidationPrice::Always) | Err(_) => Some((side, always)),
        Ok(LiquidationPrice::At(px)) => Some((side, px.0)),
    })
}

fn key_of(
    account: &ScanAccount,
    own: &[Position],
    j: usize,
    markets: &[Market],
    low: &[Price],
    high: &[Price],
) -> Result<LiquidationPrice> {
    let p = own.get(j).ok_or(Error::UnknownPosition)?;
    let market = market_checked(markets, p.market_index)?;
    // A lower bound of collateral + Σ_{i≠j} (value_i − requirement_i), each
    // rounded as the engine rounds, at the worst end of its bounds.
    let mut rest: i128 = i128::from(account.collateral.0);
    for (i, q) in own.iter().enumerate() {
        if i == j {
            continue;
        }
        if q.size.0 == 0 {
            market_checked(markets, q.market_index)?;
            rest = num::add(rest, i128::from(q.quote_balance.0))?;
            continue;
        }
        if q.market_index == p.market_index {
            // Two non-empty positions in the indexed market move together;
            // their sum is not monotone in the mark: always a candidate.
            return Ok(LiquidationPrice::Always);
        }
        let m = market_checked(markets, q.market_index)?;
        let mi = q.market_index as usize;
        let (lo, hi) = (low.get(mi).ok_or(Error::MissingPrice)?.0, high.get(mi).ok_or(Error::MissingPrice)?.0);
        if lo <= 0 || hi < lo {
            return Err(Error::MissingPrice);
        }
        let worst = if q.size.0 > 0 { lo } else { hi };
        let t = health::position_terms(m, i128::from(q.size.0), i128::from(worst), i128::from(q.quote_balance.0))?;
        rest = num::add(rest, num::sub(t.equity, t.maintenance)?)?;
        if lo != hi {
            rest = num::sub(rest, 1)?;
        }
    }
    // Own rounding slack (< 2) and "unhealthy ⇔ equity − maintenance ≤ −1":
    // the root of rest − 1 + quote_balance + value − requirement.
    let ctx = PositionContext {
        market,
        mark: 0,
        size: i128::from(p.size.0),
        quote_balance: i128::from(p.quote_balance.0),
        rest: Sums { equity: num::sub(rest, 1)?, initial: 0, maintenance: 0 },
    };
    ctx.liquidation_price()
}

fn market_checked(markets: &[Market], index: u32) -> Result<&Market> {
    let m = markets.get(index as usize).ok_or(Error::UnknownMarket)?;
    m.validate()?;
    Ok(m)
}

/// The index of one market: two sorted arrays of [`IndexEntry`] in
/// caller-provided storage (longs ascending by key, shorts ascending by key).
#[derive(Debug)]
pub struct LiquidationIndex<'s> {
    market_index: u32,
    longs: &'s mut [IndexEntry],
    long_len: usize,
    shorts: &'s mut [IndexEntry],
    short_len: usize,
}

impl<'s> LiquidationIndex<'s> {
    /// An empty index of market `market_index` over the caller's storage
    /// (its capacity per side is the storage's length).
    pub fn new(market_index: u32, long_storage: &'s mut [IndexEntry], short_storage: &'s mut [IndexEntry]) -> Self {
        LiquidationIndex { market_index, longs: long_storage, long_len: 0, shorts: short_storage, short_len: 0 }
    }

    /// An index over storage that already holds `long_len` long and
    /// `short_len` short entries, each side sorted (as an earlier index over
    /// the same storage left them: what a caller that keeps the index in its
    /// own memory between calls, the C ABI's, uses). Lengths above the
    /// storage's are clamped to it. The order is trusted: unsorted entries
    /// give wrong query answers (never undefined behaviour).
    pub fn from_parts(
        market_index: u32,
        long_storage: &'s mut [IndexEntry],
        long_len: usize,
        short_storage: &'s mut [IndexEntry],
        short_len: usize,
    ) -> Self {
        let long_len = long_len.min(long_storage.len());
        let short_len = short_len.min(short_storage.len());
        LiquidationIndex { market_index, longs: long_storage, long_len, shorts: short_storage, short_len }
    }

    /// The capacity of each side (its storage's length): `(longs, shorts)`.
    #[must_use]
    pub fn capacity(&self) -> (usize, usize) {
        (self.longs.len(), self.shorts.len())
    }

    /// The market this index covers.
    #[must_use]
    pub fn market_index(&self) -> u32 {
        self.market_index
    }

    /// The long entries, ascending by key.
    #[must_use]
    pub fn longs(&self) -> &[IndexEntry] {
        self.longs.get(..self.long_len).unwrap_or(&[])
    }

    /// The short entries, ascending by key.
    #[must_use]
    pub fn shorts(&self) -> &[IndexEntry] {
        self.shorts.get(..self.short_len).unwrap_or(&[])
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.long_len = 0;
        self.short_len = 0;
    }

    fn side_mut(&mut self, side: Side) -> (&mut [IndexEntry], &mut usize) {
        match side {
            Side::Long => (&mut *self.longs, &mut self.long_len),
            Side::Short => (&mut *self.shorts, &mut self.short_len),
        }
    }

    /// Inserts `entry` in order: a binary search and a `memmove` of the
    /// entries after it. [`Error::BufferTooSmall`] when the side is full.
    pub fn insert(&mut self, side: Side, entry: IndexEntry) -> Result<()> {
        let (store, len) = self.side_mut(side);
        let n = *len;
        if n >= store.len() {
            return Err(Error::BufferTooSmall);
        }
        let live = store.get(..n).ok_or(Error::BufferTooSmall)?;
        let at = live.partition_point(|e| *e < entry);
        let end = n.checked_add(1).ok_or(Error::Overflow)?;
        let window = store.get_mut(at..end).ok_or(Error::BufferTooSmall)?;
        // A memmove of the entries after the slot, one place up. The window
        // holds at least the slot (at ≤ n < end); checked all the same, so
        // that `rotate_right`'s own bound check folds away (no panic path).
        if window.is_empty() {
            return Err(Error::BufferTooSmall);
        }
        window.rotate_right(1);
        *window.first_mut().ok_or(Error::BufferTooSmall)? = entry;
        *len = end;
        Ok(())
    }

    /// Removes `entry` (all three fields must match); false when absent.
    pub fn remove(&mut self, side: Side, entry: &IndexEntry) -> bool {
        let (store, len) = self.side_mut(side);
        let n = *len;
        let Some(live) = store.get_mut(..n) else { return false };
        let Ok(at) = live.binary_search(entry) else { return false };
        if let Some(window) = live.get_mut(at..) {
            if !window.is_empty() {
                window.rotate_left(1);
            }
        }
        *len = n.saturating_sub(1);
        true
    }

    /// Appends `entry` without keeping the order (bulk building); call
    /// [`Self::sort`] before any query, insert or remove.
    pub fn push_unsorted(&mut self, side: Side, entry: IndexEntry) -> Result<()> {
        let (store, len) = self.side_mut(side);
        let slot = store.get_mut(*len).ok_or(Error::BufferTooSmall)?;
        *slot = entry;
        *len = len.saturating_add(1);
        Ok(())
    }

    /// Sorts both sides (after [`Self::push_unsorted`]); `O(n log n)`, no
    /// allocation.
    pub fn sort(&mut self) {
        let (l, s) = (self.long_len, self.short_len);
        if let Some(v) = self.longs.get_mut(..l) {
            v.sort_unstable();
        }
        if let Some(v) = self.shorts.get_mut(..s) {
            v.sort_unstable();
        }
    }

    /// Keys every position of `accounts[account]` in this market and inserts
    /// it (see [`position_key`] for `low`/`high`). Returns how many entries
    /// were inserted. To re-key later, remove the same entries (recompute
    /// them with [`position_key`] from the same inputs, or keep them).
    ///
    /// # Errors
    /// [`Error::UnknownPosition`] for an account index outside `accounts` or
    /// a position range outside `positions`; [`Error::BufferTooSmall`] when a
    /// side has no room for all of the account's entries. On an error
    /// nothing is inserted (the entries are counted first).
    #[allow(clippy::too_many_arguments)]
    pub fn insert_account(
        &mut self,
        account: u32,
        accounts: &[ScanAccount],
        positions: &[Position],
        markets: &[Market],
        low: &[Price],
        high: &[Price],
    ) -> Result<usize> {
        let (longs, shorts) = self.count_account(account, accounts, positions, markets, low, high)?;
        let (cap_l, cap_s) = self.capacity();
        if self.long_len.saturating_add(longs) > cap_l || self.short_len.saturating_add(shorts) > cap_s {
            return Err(Error::BufferTooSmall);
        }
        self.account_entries(account, accounts, positions, markets, low, high, &mut |ix, side, e| ix.insert(side, e))
    }

    /// Re-keys `account` after a change of its collateral or positions (or
    /// of its other markets' bounds): removes every entry of it
    /// ([`Self::remove_account`]) and inserts its new ones
    /// ([`Self::insert_account`]). Returns `(removed, inserted)`. On an error
    /// (as [`Self::insert_account`]'s, the room counted after the removal)
    /// nothing changes.
    #[allow(clippy::too_many_arguments)]
    pub fn rekey_account(
        &mut self,
        account: u32,
        accounts: &[ScanAccount],
        positions: &[Position],
        markets: &[Market],
        low: &[Price],
        high: &[Price],
    ) -> Result<(usize, usize)> {
        let (longs, shorts) = self.count_account(account, accounts, positions, markets, low, high)?;
        let held = |v: &[IndexEntry]| v.iter().filter(|e| e.account == account).count();
        let (old_l, old_s) = (held(self.longs()), held(self.shorts()));
        let (cap_l, cap_s) = self.capacity();
        let fits = |len: usize, old: usize, new: usize, cap: usize| len.saturating_sub(old).saturating_add(new) <= cap;
        if !fits(self.long_len, old_l, longs, cap_l) || !fits(self.short_len, old_s, shorts, cap_s) {
            return Err(Error::BufferTooSmall);
        }
        let removed = self.remove_account(account);
        let inserted = self.account_entries(account, accounts, positions, markets, low, high, &mut |ix, side, e| ix.insert(side, e))?;
        Ok((removed, inserted))
    }

    /// How many long and short entries [`Self::insert_account`] would insert.
    fn count_account(
        &mut self,
        account: u32,
        accounts: &[ScanAccount],
        positions: &[Position],
        markets: &[Market],
        low: &[Price],
        high: &[Price],
    ) -> Result<(usize, usize)> {
        let mut counts = (0usize, 0usize);
        self.account_entries(account, accounts, positions, markets, low, high, &mut |_, side, _| {
            match side {
                Side::Long => counts.0 = counts.0.saturating_add(1),
                Side::Short => counts.1 = counts.1.saturating_add(1),
            }
            Ok(())
        })?;
        Ok(counts)
    }

    /// As [`Self::insert_account`], appending unsorted (bulk building).
    pub fn push_account_unsorted(
        &mut self,
        account: u32,
        accounts: &[ScanAccount],
        positions: &[Position],
        markets: &[Market],
        low: &[Price],
        high: &[Price],
    ) -> Result<usize> {
        self.account_entries(account, accounts, positions, markets, low, high, &mut |ix, side, e| ix.push_unsorted(side, e))
    }

    #[allow(clippy::too_many_arguments)]
    fn account_entries(
        &mut self,
        account: u32,
        accounts: &[ScanAccount],
        positions: &[Position],
        markets: &[Market],
        low: &[Price],
        high: &[Price],
        put: &mut dyn FnMut(&mut Self, Side, IndexEntry) -> Result<()>,
    ) -> Result<usize> {
        let a = accounts.get(account as usize).ok_or(Error::UnknownPosition)?;
        let own = a.positions(positions)?;
        let first = a.first_position as usize;
        let mut n = 0usize;
        for (j, p) in own.iter().enumerate() {
            if p.market_index != self.market_index || p.size.0 == 0 {
                continue;
            }
            let position = first.checked_add(j).ok_or(Error::Overflow)?;
            if let Some((side, key)) = position_key(a, positions, position, markets, low, high)? {
                let entry = IndexEntry { key, account, position: u32::try_from(position).map_err(|_| Error::Overflow)? };
                put(self, side, entry)?;
                n = n.saturating_add(1);
            }
        }
        Ok(n)
    }

    /// Removes every entry of `account` (both sides): a linear pass, `O(n)`,
    /// for callers that keep no copy of the entries. Returns how many.
    pub fn remove_account(&mut self, account: u32) -> usize {
        let mut removed = 0usize;
        for side in [Side::Long, Side::Short] {
            let (store, len) = self.side_mut(side);
            let n = *len;
            let mut w = 0usize;
            for r in 0..n {
                let Some(&e) = store.get(r) else { break };
                if e.account == account {
                    removed = removed.saturating_add(1);
                    continue;
                }
                if let Some(slot) = store.get_mut(w) {
                    *slot = e;
                }
                w = w.saturating_add(1);
            }
            *len = w;
        }
        removed
    }

    /// Every entry that may be unhealthy at mark `price`: `(longs with key ≥
    /// price, shorts with key ≤ price)`. `O(log n)`.
    #[must_use]
    pub fn candidates(&self, price: Price) -> (&[IndexEntry], &[IndexEntry]) {
        candidates_of(self.longs(), self.shorts(), price)
    }

    /// The entries a move of the mark from `from` to `to` makes candidates
    /// that were not candidates at `from`: longs with `to ≤ key < from` when
    /// the mark falls, shorts with `from < key ≤ to` when it rises, nothing
    /// when it stays. `O(log n)`.
    #[must_use]
    pub fn crossed(&self, from: Price, to: Price) -> &[IndexEntry] {
        crossed_of(self.longs(), self.shorts(), from, to)
    }
}

/// [`LiquidationIndex::candidates`] over an index's sorted sides read in
/// place (`longs`, `shorts` as [`LiquidationIndex::longs`] and
/// [`LiquidationIndex::shorts`] give them): for readers that only share the
/// storage, such as the C ABI's concurrent queries.
#[must_use]
#[inline]
pub fn candidates_of<'e>(longs: &'e [IndexEntry], shorts: &'e [IndexEntry], price: Price) -> (&'e [IndexEntry], &'e [IndexEntry]) {
    let l = longs.partition_point(|e| e.key < price.0);
    let s = shorts.partition_point(|e| e.key <= price.0);
    (longs.get(l..).unwrap_or(&[]), shorts.get(..s).unwrap_or(&[]))
}

/// [`LiquidationIndex::crossed`] over an index's sorted sides read in place
/// (see [`candidates_of`]).
#[must_use]
#[inline]
pub fn crossed_of<'e>(longs: &'e [IndexEntry], shorts: &'e [IndexEntry], from: Price, to: Price) -> &'e [IndexEntry] {
    if to.0 < from.0 {
        let lo = longs.partition_point(|e| e.key < to.0);
        let hi = longs.partition_point(|e| e.key < from.0);
        longs.get(lo..hi).unwrap_or(&[])
    } else if to.0 > from.0 {
        let lo = shorts.partition_point(|e| e.key <= from.0);
        let hi = shorts.partition_point(|e| e.key <= to.0);
        shorts.get(lo..hi).unwrap_or(&[])
    } else {
        &[]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::num::Quote;
    use crate::test_fixtures::pos;

    #[test]
    fn isolated_keys_bracket_the_estimated_price() {
        // Long 100, qb −9,600, 10 % / 5 %: estimated price 9,600 / 95 = 101.05 → 102.
        // Key: root of −1 + (−9,600) + 95P = 0 → 9,601 / 95 = 101.06 → 102.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let positions = [pos(0, 100, -9_600), pos(0, -100, 10_400), pos(0, 100, 0), pos(0, -100, 0), pos(0, 0, 5)];
        let accounts: Vec<_> = (0..5).map(|i| ScanAccount { collateral: Quote(0), first_position: i, position_count: 1 }).collect();
        let p = [Price(100)];
        let key = |i: usize| position_key(&accounts[i], &positions, i, &markets, &p, &p).unwrap();
        assert_eq!(key(0), Some((Side::Long, 102)));
        // Short: −1 + 10,400 − 105P = 0 → 99.04 → 99.
        assert_eq!(key(1), Some((Side::Short, 99)));
        // Fully funded long: −1 + 95P < 0 only below 1 / 95, and no mark
        // is below 1: never a candidate.
        assert_eq!(key(2), None);
        assert_eq!(key(3), Some((Side::Short, 0))); // unfunded short: always
        assert_eq!(key(4), None); // empty
        assert_eq!(position_key(&accounts[0], &positions, 1, &markets, &p, &p), Err(Error::UnknownPosition));
    }

    #[test]
    fn candidates_and_crossings() {
        let mut l = [IndexEntry::default(); 4];
        let mut s = [IndexEntry::default(); 4];
        let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
        let e = |key: i64, account: u32| IndexEntry { key, account, position: account };
        for (k, a) in [(90, 0), (95, 1), (99, 2)] {
            ix.insert(Side::Long, e(k, a)).unwrap();
        }
        for (k, a) in [(101, 3), (110, 4)] {
            ix.insert(Side::Short, e(k, a)).unwrap();
        }
        assert_eq!(ix.candidates(Price(100)), (&[][..], &[][..]));
        assert_eq!(ix.candidates(Price(95)), (&[e(95, 1), e(99, 2)][..], &[][..]));
        assert_eq!(ix.crossed(Price(100), Price(95)), &[e(95, 1), e(99, 2)]);
        assert_eq!(ix.crossed(Price(99), Price(95)), &[e(95, 1)]);
        assert_eq!(ix.crossed(Price(100), Price(110)), &[e(101, 3), e(110, 4)]);
        assert_eq!(ix.crossed(Price(101), Price(110)), &[e(110, 4)]);
        assert!(ix.remove(Side::Long, &e(95, 1)));
        assert!(!ix.remove(Side::Long, &e(95, 1)));
        assert_eq!(ix.longs(), &[e(90, 0), e(99, 2)]);
        assert_eq!(ix.remove_account(4), 1);
        assert_eq!(ix.shorts(), &[e(101, 3)]);
        for k in 0..2 {
            ix.insert(Side::Long, e(k, 9)).unwrap();
        }
        assert_eq!(ix.insert(Side::Long, e(7, 9)), Err(Error::BufferTooSmall));
    }

    #[test]
    fn account_inserts_are_all_or_nothing_and_rekey_in_place() {
        // Two accounts, each a long and (account 1) a short in market 0 and
        // a long in market 1. Capacity: 1 long, 1 short.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)), Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let positions = [pos(0, 100, -9_600), pos(1, 1, 0), pos(0, 100, -9_600), pos(0, -100, 10_400)];
        let accounts = [
            ScanAccount { collateral: Quote(0), first_position: 0, position_count: 2 },
            ScanAccount { collateral: Quote(0), first_position: 2, position_count: 2 },
        ];
        let p = [Price(100), Price(100)];
        let mut l = [IndexEntry::default(); 1];
        let mut s = [IndexEntry::default(); 1];
        let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
        assert_eq!(ix.insert_account(0, &accounts, &positions, &markets, &p, &p), Ok(1));
        // Account 1 needs a long (no room) and a short (room): nothing goes in.
        assert_eq!(ix.insert_account(1, &accounts, &positions, &markets, &p, &p), Err(Error::BufferTooSmall));
        assert_eq!((ix.longs().len(), ix.shorts().len()), (1, 0));
        assert_eq!(ix.insert_account(2, &accounts, &positions, &markets, &p, &p), Err(Error::UnknownPosition));
        // Re-keying account 0 frees its own long first: room for the new one.
        let before = ix.longs()[0];
        assert_eq!(ix.rekey_account(0, &accounts, &positions, &markets, &p, &p), Ok((1, 1)));
        assert_eq!(ix.longs(), &[before]);
        // Re-keying account 1 into account 0's long slot: still no room.
        assert_eq!(ix.rekey_account(1, &accounts, &positions, &markets, &p, &p), Err(Error::BufferTooSmall));
        assert_eq!(ix.longs(), &[before]);
        // The kept storage read back as it was.
        let (ll, sl) = (ix.longs().len(), ix.shorts().len());
        let ix = LiquidationIndex::from_parts(0, &mut l, ll, &mut s, sl + 5);
        assert_eq!((ix.longs(), ix.shorts().len()), (&[before][..], 1));
    }

    #[test]
    fn bounds_of_a_band() {
        let mut lo = [Price(0); 2];
        let mut hi = [Price(0); 2];
        band_bounds(&[Price(1_000), Price(1)], Ppm(10_000), &mut lo, &mut hi).unwrap();
        assert_eq!((lo, hi), ([Price(990), Price(1)], [Price(1_010), Price(2)]));
    }
}
