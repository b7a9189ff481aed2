//! Cross-account priority: the order in which to process many accounts
//! that are liquidatable at once, most dangerous first.
//!
//! The caller owns one [`PriorityItem`] per account (its figures, e.g. from
//! a scan's hits) and a buffer of indices into them; [`sort_by_priority`]
//! sorts the indices in place — a heapsort over the caller's buffer: no
//! allocation, `O(n log n)`, no recursion — into a total, deterministic
//! order (every key ends with the index itself, so no two distinct indices
//! tie, and the result does not depend on the buffer's starting order).
//!
//! Two orders ([`PriorityOrder`]):
//!
//! * [`PriorityOrder::MarginRatio`] (the default): the lowest `equity /
//!   maintenance` first, compared exactly by cross-multiplication
//!   (`e_a × m_b < e_b × m_a`, both maintenances positive; 64 × 64-bit
//!   products in `i128`: no rounding, no overflow). An account with no
//!   maintenance requirement ranks as `−∞` when its equity is negative (a
//!   debt nothing margins: bankrupt) and `+∞` otherwise. Ties: the larger
//!   notional first, then the lower index.
//! * [`PriorityOrder::OracleDistance`]: dYdX-style, the accounts whose
//!   fillable price lies farthest from the oracle price first, the distance
//!   taken relative to the oracle (`|fillable − oracle| / oracle`, compared
//!   by cross-multiplication, exact); ties: the larger notional first, then
//!   the lower index. The caller supplies both prices (e.g. the replica's
//!   fillable price for the position it will liquidate).
//!
//! Duplicated indices are allowed (they stay adjacent); every index must
//! name an item ([`Error::UnknownPosition`] otherwise). The items an index
//! names are checked before anything moves: a negative maintenance or
//! notional is [`Error::OutOfRange`]; with [`PriorityOrder::OracleDistance`]
//! an oracle price of 0 is [`Error::MissingPrice`] and a negative price
//! [`Error::NegativePrice`]. On an error the buffer is unchanged.

use core::cmp::Ordering;

use crate::error::{Error, Result};
use crate::health::Health;
use crate::num::{Price, Quote};

/// One account's figures for [`sort_by_priority`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[repr(C)]
pub struct PriorityItem {
    /// Equity (a [`Health`]'s).
    pub equity: Quote,
    /// Maintenance requirement (≥ 0).
    pub maintenance: Quote,
    /// Gross notional of its positions, `Σ |size × price × 10^e|` (≥ 0),
    /// the caller's to compute: the first tie-break (larger first).
    pub notional: Quote,
    /// Oracle price ([`PriorityOrder::OracleDistance`] only; > 0 there).
    pub oracle_price: Price,
    /// Fillable price ([`PriorityOrder::OracleDistance`] only; ≥ 0 there).
    pub fillable_price: Price,
}

impl PriorityItem {
    /// The item of an account of `health` and gross `notional`, for
    /// [`PriorityOrder::MarginRatio`] (prices 0).
    #[must_use]
    pub fn of_health(health: &Health, notional: Quote) -> PriorityItem {
        PriorityItem { equity: health.equity, maintenance: health.maintenance_requirement, notional, ..PriorityItem::default() }
    }
}

/// Which order [`sort_by_priority`] sorts into (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum PriorityOrder {
    /// Lowest `equity / maintenance` first, then larger notional, then index.
    #[default]
    MarginRatio = 0,
    /// Largest `|fillable − oracle| / oracle` first, then larger notional,
    /// then index.
    OracleDistance = 1,
}

/// The margin ratio's class: `−∞`, finite, `+∞`.
fn ratio_class(p: &PriorityItem) -> u8 {
    if p.maintenance.0 > 0 {
        1
    } else if p.equity.0 < 0 {
        0
    } else {
        2
    }
}

/// `equity / maintenance`, lower first, exactly.
fn by_ratio(a: &PriorityItem, b: &PriorityItem) -> Ordering {
    let (ca, cb) = (ratio_class(a), ratio_class(b));
    if ca != cb || ca != 1 {
        return ca.cmp(&cb);
    }
    // Both maintenances positive: e_a / m_a < e_b / m_b ⇔ e_a·m_b < e_b·m_a.
    // |i64 × i64| < 2^126: no overflow.
    let lhs = i128::from(a.equity.0).wrapping_mul(i128::from(b.maintenance.0));
    let rhs = i128::from(b.equity.0).wrapping_mul(i128::from(a.maintenance.0));
    lhs.cmp(&rhs)
}

/// `|fillable − oracle| / oracle`, larger first, exactly (oracles > 0,
/// fillables ≥ 0: each distance < 2^63, each product < 2^126).
fn by_distance(a: &PriorityItem, b: &PriorityItem) -> Ordering {
    let dist = |p: &PriorityItem| i128::from(p.fillable_price.0).wrapping_sub(i128::from(p.oracle_price.0)).unsigned_abs();
    let lhs = dist(a).wrapping_mul(i128::from(b.oracle_price.0).unsigned_abs());
    let rhs = dist(b).wrapping_mul(i128::from(a.oracle_price.0).unsigned_abs());
    rhs.cmp(&lhs)
}

/// The order of items `ia` and `ib` (their indices the last key):
/// `Less` when `ia` comes first. Total on the items [`check`] accepts.
#[must_use]
pub fn compare(items: &[PriorityItem], order: PriorityOrder, ia: u32, ib: u32) -> Ordering {
    let (Some(a), Some(b)) = (items.get(ia as usize), items.get(ib as usize)) else {
        return ia.cmp(&ib);
    };
    let first = match order {
        PriorityOrder::MarginRatio => by_ratio(a, b),
        PriorityOrder::OracleDistance => by_distance(a, b),
    };
    first.then_with(|| b.notional.0.cmp(&a.notional.0)).then_with(|| ia.cmp(&ib))
}

/// Checks every index and the items they name (see the module docs for the
/// errors).
pub fn check(items: &[PriorityItem], order: PriorityOrder, indices: &[u32]) -> Result<()> {
    for &i in indices {
        let p = items.get(i as usize).ok_or(Error::UnknownPosition)?;
        if p.maintenance.0 < 0 || p.notional.0 < 0 {
            return Err(Error::OutOfRange);
        }
        if order == PriorityOrder::OracleDistance {
            if p.oracle_price.0 < 0 || p.fillable_price.0 < 0 {
                return Err(Error::NegativePrice);
            }
            if p.oracle_price.0 == 0 {
                return Err(Error::MissingPrice);
            }
        }
    }
    Ok(())
}

/// Sorts `indices` (indices into `items`) in place, most dangerous first
/// (see the module docs). On an error `indices` is unchanged.
pub fn sort_by_priority(items: &[PriorityItem], order: PriorityOrder, indices: &mut [u32]) -> Result<()> {
    check(items, order, indices)?;
    heapsort(indices, |a, b| compare(items, order, a, b) == Ordering::Less);
    Ok(())
}

/// Swaps `v[a]` and `v[b]` when both are in bounds (no panic path).
fn swap(v: &mut [u32], a: usize, b: usize) {
    let (Some(&x), Some(&y)) = (v.get(a), v.get(b)) else { return };
    if let Some(s) = v.get_mut(a) {
        *s = y;
    }
    if let Some(s) = v.get_mut(b) {
        *s = x;
    }
}

/// Moves `v[root]` down the max-heap `v[..end]`.
fn sift_down(v: &mut [u32], mut root: usize, end: usize, less: &impl Fn(u32, u32) -> bool) {
    loop {
        // child = 2·root + 1 < end ≤ v.len() ≤ isize::MAX: no overflow.
        let Some(child) = root.checked_mul(2).and_then(|c| c.checked_add(1)) else { return };
        if child >= end {
            return;
        }
        let mut big = child;
        let right = child.saturating_add(1);
        if right < end {
            if let (Some(&l), Some(&r)) = (v.get(child), v.get(right)) {
                if less(l, r) {
                    big = right;
                }
            }
        }
        let (Some(&top), Some(&c)) = (v.get(root), v.get(big)) else { return };
        if !less(top, c) {
            return;
        }
        swap(v, root, big);
        root = big;
    }
}

/// In-place heapsort, ascending by `less` (a strict total order).
fn heapsort(v: &mut [u32], less: impl Fn(u32, u32) -> bool) {
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n, &less);
    }
    for end in (1..n).rev() {
        swap(v, 0, end);
        sift_down(v, 0, end, &less);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn item(equity: i64, maintenance: i64, notional: i64) -> PriorityItem {
        PriorityItem { equity: Quote(equity), maintenance: Quote(maintenance), notional: Quote(notional), ..PriorityItem::default() }
    }

    #[test]
    fn margin_ratio_order_by_hand() {
        let items = [
            item(400, 500, 10_000),  // 0: 0.8
            item(-5, 0, 1),          // 1: no maintenance, negative equity: −∞
            item(1, 3, 100),         // 2: 0.333…
            item(1_000, 0, 50),      // 3: +∞
            item(800, 1_000, 9_000), // 4: 0.8, less notional than 0
            item(-100, 200, 5),      // 5: −0.5
            item(800, 1_000, 9_000), // 6: 4's twin: index decides
            item(333, 1_000, 1),     // 7: 0.333 < 1/3 (333·3 = 999 < 1,000)
        ];
        let mut order: [u32; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
        sort_by_priority(&items, PriorityOrder::MarginRatio, &mut order).unwrap();
        assert_eq!(order, [1, 5, 7, 2, 0, 4, 6, 3]);
        // Duplicates stay adjacent; a subset sorts alone.
        let mut some = [6u32, 0, 6, 3];
        sort_by_priority(&items, PriorityOrder::MarginRatio, &mut some).unwrap();
        assert_eq!(some, [0, 6, 6, 3]);
    }

    #[test]
    fn oracle_distance_order_by_hand() {
        let at = |oracle: i64, fillable: i64, notional: i64| PriorityItem {
            oracle_price: Price(oracle),
            fillable_price: Price(fillable),
            notional: Quote(notional),
            ..PriorityItem::default()
        };
        let items = [
            at(100, 95, 1),      // 0: 5 %
            at(1_000, 900, 1),   // 1: 10 %
            at(100, 110, 1),     // 2: 10 %, index after 1
            at(10, 10, 7),       // 3: 0
            at(2_000, 1_900, 3), // 4: 5 %, more notional than 0
        ];
        let mut order = [0u32, 1, 2, 3, 4];
        sort_by_priority(&items, PriorityOrder::OracleDistance, &mut order).unwrap();
        assert_eq!(order, [1, 2, 4, 0, 3]);
    }

    #[test]
    fn refusals_leave_the_buffer_alone() {
        let items = [item(1, 1, 1), item(1, -1, 1), item(1, 1, -1)];
        for (order, idx, err) in [
            (PriorityOrder::MarginRatio, [0u32, 3], Error::UnknownPosition),
            (PriorityOrder::MarginRatio, [0, 1], Error::OutOfRange),
            (PriorityOrder::MarginRatio, [2, 0], Error::OutOfRange),
            (PriorityOrder::OracleDistance, [0, 0], Error::MissingPrice),
        ] {
            let mut v = idx;
            assert_eq!(sort_by_priority(&items, order, &mut v), Err(err));
            assert_eq!(v, idx);
        }
        let neg = [PriorityItem { oracle_price: Price(1), fillable_price: Price(-1), ..PriorityItem::default() }];
        assert_eq!(sort_by_priority(&neg, PriorityOrder::OracleDistance, &mut [0]), Err(Error::NegativePrice));
        // Empty and single buffers.
        assert_eq!(sort_by_priority(&items, PriorityOrder::MarginRatio, &mut []), Ok(()));
        assert_eq!(sort_by_priority(&[], PriorityOrder::MarginRatio, &mut []), Ok(()));
    }

    #[test]
    fn extreme_figures_do_not_overflow() {
        let items = [item(i64::MAX, 1, 0), item(i64::MIN, i64::MAX, 0), item(i64::MAX, i64::MAX, 0), item(i64::MIN, 1, 0)];
        let mut order = [0u32, 1, 2, 3];
        sort_by_priority(&items, PriorityOrder::MarginRatio, &mut order).unwrap();
        // MIN/1 < MIN/MAX (≈ −1) < MAX/MAX = 1 < MAX/1.
        assert_eq!(order, [3, 1, 2, 0]);
    }
}
