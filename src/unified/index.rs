//! A move index over unified pools: which pools of a batch of unified
//! accounts a price move can make hits, over caller-provided storage.
//!
//! A unified pool's health depends on many prices at once — each balance's
//! asset price, each perp position's mark — so it has no single liquidation
//! price to sort by (the perp [`crate::index`]'s key). It is keyed instead by
//! its **move margin**: how far, in ppm of a **reference** price vector (the
//! book the keys were computed against), every price may move before the
//! pool can become a hit ([`super::scan::is_hit`]). A query by the size of
//! the move since the reference returns every pool whose margin the move may
//! have used up — a prefix of a sorted array, found by one binary search —
//! and the exact unified health ([`super::scan::UnifiedScanner::confirm`])
//! decides each.
//!
//! # The key
//!
//! A **box** of size `m` (ppm) around the reference prices: each price `r`
//! (every perp mark and every asset price) within `[lo, hi]`,
//! `lo = max(1, ⌊r × (1e6 − m) / 1e6⌋)`, `hi = ⌈r × (1e6 + m) / 1e6⌉`. Three
//! boxes, one per **side** ([`MoveSide`]): every price at or below its
//! reference (`[lo, r]`, a fall), every price at or above it (`[r, hi]`, a
//! rise), and any mix (`[lo, hi]`).
//!
//! A pool is a hit exactly when its unweighted equity is negative or its
//! maintenance collateral `c` and requirement `r` have `c × 1e6 < r × t`
//! (`t` the ladder's liquidation threshold, ≥ 1e6; the states and rungs
//! [`super::scan::is_hit`] reads all come down to these two). Each figure
//! is a sum of terms each of which depends on one price only — a balance's
//! value and weighted value, a position's value and requirement — and each
//! term is monotone in its price (a deposit's value rises with it, a
//! borrow's falls, a position's value moves with its side, its requirement
//! with its notional), with the pool's funding a constant. So over a box,
//! with each term at the worse end of its own price's interval (each
//! rounded as the health rounds it),
//!
//! ```text
//! equity ≥ Σ min(value at the ends) + funding
//! c      ≥ Σ min(weighted value at the ends) + funding
//! r      ≤ Σ max(requirement at the ends)
//! ```
//!
//! and a pool whose bounds give `equity ≥ 0` and `c × 1e6 ≥ r × t` is not a
//! hit anywhere in the box. The bound treats every term on its own (two
//! balances of one asset, the value and the requirement of one position —
//! which move together — each at its own worst end), so it is conservative,
//! never loose the wrong way. The key of a side is `1 +` the largest `m ≤
//! KEY_LIMIT` (10⁶, 100 %) whose box the bound proves safe (a search on `m`,
//! interpolating the bound's slack, which is nearly linear in `m`, with
//! bisection as the fallback; the proof is monotone in `m` because the boxes
//! are nested and each term is monotone, so the key is that one boundary
//! whatever the search's probes), and 0 for a pool that is a hit at the
//! reference itself or whose health fails there: such a pool is a candidate
//! of every query. The mixed side's box holds both one-way boxes, so its key
//! is at most the smaller one-way key.
//!
//! A pool whose risk hangs on one price (a single perp, one non-stable
//! asset) gets the same key: its box bound is its exact health at the box's
//! worse end, less the one-term decoupling (its requirement at the high end
//! while its value is at the low end): conservative by at most the
//! requirement's change over the band. Keys are in ppm of the reference,
//! which is coarser than one price tick for prices above 10⁶ units.
//!
//! # Queries
//!
//! A move is its [`PriceMove`]: the largest fall and the largest rise of any
//! price since the reference, in ppm rounded up ([`PriceMove::between`]) —
//! each new price then lies in the box of that size. A move with no rise
//! reads the fall side, one with no fall the rise side, a mixed one the
//! mixed side at the larger of the two; [`UnifiedIndex::candidates`]
//! returns the entries with `key ≤` that size. Every pool that is a hit at
//! the new prices is among them (property-tested against the exact health on
//! random accounts and moves); the exact confirmation drops the rest.
//!
//! # What the caller must do for the index to stay exact
//!
//! 1. Re-key an account ([`UnifiedIndex::rekey_account`]) whenever any of
//!    its balances or positions changes (sizes, quote balances, resting
//!    orders, the last funding index, a position's margin mode, its ranges
//!    in the flat arrays), and when a market's funding index moves (the
//!    pool's funding is a constant of its keys).
//! 2. Keep one reference book: queries measure the move from the prices the
//!    keys were computed with. When a move grows large (its candidates too
//!    many), move the reference and re-key every pool (or rebuild:
//!    [`UnifiedIndex::push_account_unsorted`], [`UnifiedIndex::sort`]).
//! 3. Key and confirm with the same ladder, markets, assets and risk
//!    parameters; rebuild on a change of any of them.
//!
//! # Failures
//!
//! The index answers for hits. A pool whose health fails at the reference
//! (an unknown market or asset, negative resting orders, an invalid risk
//! extra or ladder: failures that do not depend on the prices) is keyed 0,
//! so the confirmation reports its failure on every query. A failure that
//! appears only at other prices is an [`Error::Overflow`]: the key demands
//! every bound of the maintenance figures fit `i64` with a factor of 4 to
//! spare (a pool near the limit is keyed 0), which keeps those figures
//! representable across the box; the initial level's figures (the √size
//! premium, resting orders) are not bounded, and a pool whose initial
//! figures overflow only inside its box is confirmed only once a query
//! reaches its key.
//!
//! # Cost and memory
//!
//! An entry is 12 bytes; every pool has one entry per side (36 bytes a
//! pool). Keying a pool costs its health at the reference and a handful of
//! evaluations of its terms per side (the search above: one for the box of
//! size 0, shared by the sides, one at the limit per one-way side, then
//! typically two to four a side; at most about 60); a query is one binary
//! search; insertion and removal keep each side a sorted array (`O(n)`
//! memmove, as the perp index); bulk building is
//! [`UnifiedIndex::push_account_unsorted`] then [`UnifiedIndex::sort`].

use super::health::{unified_pool_health, MarginLadder, Totals};
use super::scan::is_hit;
use super::{MarginBook, UnifiedAccount, UnifiedPool};
use crate::error::{Error, Result};
use crate::health;
use crate::num::{self, Price, Rounding, PPM};

/// The largest move margin searched, in ppm (100 %). A pool safe over the
/// whole box of this size is keyed `KEY_LIMIT + 1`.
pub const KEY_LIMIT: u32 = 1_000_000;

/// One indexed pool: its key on one side, its account and its pool (indices
/// in the caller's accounts array and in the account's pools, 0 the cross
/// pool). Ordered by key, then account, then pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(C)]
pub struct UnifiedIndexEntry {
    /// The move margin (see the module docs): a candidate of every move of
    /// at least `key` ppm on its side; 0 always.
    pub key: u32,
    /// Index of the account in the accounts array.
    pub account: u32,
    /// Index of the pool in the account.
    pub pool: u32,
}

/// The direction of a move a side of the index answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum MoveSide {
    /// Every price at or below its reference.
    Down = 0,
    /// Every price at or above its reference.
    Up = 1,
    /// Any mix of falls and rises.
    Both = 2,
}

impl MoveSide {
    /// The three sides, in order.
    pub const ALL: [MoveSide; 3] = [MoveSide::Down, MoveSide::Up, MoveSide::Both];

    fn slot(self) -> usize {
        self as usize
    }
}

/// A move of the prices since the reference: the largest fall and the
/// largest rise of any one price, in ppm of its reference, rounded up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(C)]
pub struct PriceMove {
    /// The largest fall, ppm (at most 10⁶).
    pub down_ppm: u32,
    /// The largest rise, ppm (saturating at `u32::MAX`).
    pub up_ppm: u32,
}

impl PriceMove {
    /// The side that answers for this move and the box size to query it
    /// at: the fall side when nothing rose, the rise side when nothing fell,
    /// the mixed side at the larger of the two otherwise.
    #[must_use]
    #[inline]
    pub fn side(&self) -> (MoveSide, u32) {
        match (self.down_ppm, self.up_ppm) {
            (d, 0) => (MoveSide::Down, d),
            (0, u) => (MoveSide::Up, u),
            (d, u) => (MoveSide::Both, d.max(u)),
        }
    }

    /// The move from the `reference` book's prices (perp marks and asset
    /// prices) to `now`'s. [`Error::MarketDataTooShort`] when `now` has
    /// fewer prices of either kind than the reference; [`Error::MissingPrice`]
    /// / [`Error::NegativePrice`] for a price ≤ 0 in either.
    pub fn between(reference: &MarginBook<'_>, now: &MarginBook<'_>) -> Result<PriceMove> {
        PriceMove::of_prices(reference.prices, now.prices)?.widen(PriceMove::of_prices(reference.asset_prices, now.asset_prices)?)
    }

    /// The move from `reference[i]` to `now[i]` for every `i` of the
    /// reference. Errors as [`Self::between`].
    pub fn of_prices(reference: &[Price], now: &[Price]) -> Result<PriceMove> {
        if now.len() < reference.len() {
            return Err(Error::MarketDataTooShort);
        }
        let mut mv = PriceMove::default();
        for (r, p) in reference.iter().zip(now) {
            let (r, p) = (positive(*r)?, positive(*p)?);
            let ppm = |d: i128| -> Result<u32> {
                let v = num::mul_div(d, PPM, r, Rounding::Ceil)?;
                Ok(u32::try_from(v).unwrap_or(u32::MAX))
            };
            if p < r {
                mv.down_ppm = mv.down_ppm.max(ppm(num::sub(r, p)?)?);
            } else if p > r {
                mv.up_ppm = mv.up_ppm.max(ppm(num::sub(p, r)?)?);
            }
        }
        Ok(mv)
    }

    fn widen(self, other: PriceMove) -> Result<PriceMove> {
        Ok(PriceMove { down_ppm: self.down_ppm.max(other.down_ppm), up_ppm: self.up_ppm.max(other.up_ppm) })
    }
}

fn positive(p: Price) -> Result<i128> {
    match p.0 {
        0 => Err(Error::MissingPrice),
        v if v < 0 => Err(Error::NegativePrice),
        v => Ok(i128::from(v)),
    }
}

/// A pool's keys, one per side (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MoveKeys {
    /// The fall side's key.
    pub down: u32,
    /// The rise side's key.
    pub up: u32,
    /// The mixed side's key.
    pub both: u32,
}

impl MoveKeys {
    /// The key of `side`.
    #[must_use]
    pub fn get(&self, side: MoveSide) -> u32 {
        match side {
            MoveSide::Down => self.down,
            MoveSide::Up => self.up,
            MoveSide::Both => self.both,
        }
    }
}

/// The interval of a price of reference `r` in the box of size `m` on `side`.
fn interval(r: i128, side: MoveSide, m: u32) -> Result<(Price, Price)> {
    let m = i128::from(m);
    let lo = num::mul_div(r, num::sub(PPM, m)?, PPM, Rounding::Floor)?.max(1);
    let hi = num::mul_div(r, num::add(PPM, m)?, PPM, Rounding::Ceil)?;
    let price = |v: i128| -> Result<Price> { Ok(Price(i64::try_from(v).map_err(|_| Error::Overflow)?)) };
    Ok(match side {
        MoveSide::Down => (price(lo)?, price(r)?),
        MoveSide::Up => (price(r)?, price(hi)?),
        MoveSide::Both => (price(lo)?, price(hi)?),
    })
}

/// Bounds must fit `i64` with this to spare (see the module docs).
const FIGURE_CAP: i128 = (i64::MAX / 4) as i128;

/// The bound's slack over the box of size `m` on `side` (see the module
/// docs): `min(equity × 1e6, c × 1e6 − r × t)` at the bounds, so that the
/// bound proves `pool` no hit exactly when it is ≥ 0. An error (or a bound
/// past the figures' cap) proves nothing: `None`.
fn slack(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, threshold: i128, funding: i128, side: MoveSide, m: u32) -> Option<i128> {
    slack_of(pool, book, threshold, funding, side, m).ok().flatten()
}

fn slack_of(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, threshold: i128, funding: i128, side: MoveSide, m: u32) -> Result<Option<i128>> {
    // (low, high) of the equity and the maintenance collateral; the high of
    // the requirement (its low is ≥ 0).
    let (mut e_lo, mut e_hi, mut c_lo, mut c_hi, mut r_hi) = (funding, funding, funding, funding, 0i128);
    for b in pool.balances {
        let (asset, price) = book.asset(b.asset_index)?;
        let (a, z) = interval(positive(price)?, side, m)?;
        let amount = i128::from(b.amount);
        let (fa, fz) = (asset.figures(amount, a)?, asset.figures(amount, z)?);
        e_lo = num::add(e_lo, fa.value.min(fz.value))?;
        e_hi = num::add(e_hi, fa.value.max(fz.value))?;
        c_lo = num::add(c_lo, fa.maintenance.min(fz.maintenance))?;
        c_hi = num::add(c_hi, fa.maintenance.max(fz.maintenance))?;
    }
    for (_, p) in pool.members() {
        let qb = i128::from(p.quote_balance.0);
        if p.size.0 == 0 {
            for v in [&mut e_lo, &mut e_hi, &mut c_lo, &mut c_hi] {
                *v = num::add(*v, qb)?;
            }
            continue;
        }
        let (market, price) = health::market_and_price(book.markets, book.prices, p.market_index)?;
        let (a, z) = interval(price, side, m)?;
        let size = i128::from(p.size.0);
        let ta = health::position_terms(market, size, i128::from(a.0), qb)?;
        let tz = health::position_terms(market, size, i128::from(z.0), qb)?;
        let (lo, hi) = (ta.equity.min(tz.equity), ta.equity.max(tz.equity));
        e_lo = num::add(e_lo, lo)?;
        e_hi = num::add(e_hi, hi)?;
        c_lo = num::add(c_lo, lo)?;
        c_hi = num::add(c_hi, hi)?;
        r_hi = num::add(r_hi, ta.maintenance.max(tz.maintenance))?;
    }
    if [e_lo, e_hi, c_lo, c_hi, r_hi].iter().any(|v| v.unsigned_abs() > FIGURE_CAP.unsigned_abs()) {
        return Ok(None);
    }
    let level = num::sub(num::mul(c_lo, PPM)?, num::mul(r_hi, threshold)?)?;
    Ok(Some(num::mul(e_lo, PPM)?.min(level)))
}

/// One probe of the search: a box size and the bound's slack there (a
/// failed bound recorded as −1: proves nothing).
type Probe = (u32, i128);

/// The root of the line through `a` and `b` (`a.0 < b.0`), floored; a
/// guess, not a figure. A flat line has no root: `flat` says which way to
/// go (a flat unsafe pair puts the root at or before the pair, a flat safe
/// pair at or after it). `None` when the arithmetic does not fit.
fn line_root(a: Probe, b: Probe, flat: i128) -> Option<i128> {
    let run = i128::from(b.0.checked_sub(a.0)?);
    let rise = b.1.checked_sub(a.1)?;
    if rise == 0 {
        return Some(flat);
    }
    // a.0 − a.1 × run / rise, the division truncated toward zero: a guess.
    i128::from(a.0).checked_sub(a.1.checked_mul(run)?.checked_div(rise)?)
}

/// `guess` moved inside the open bracket `(lo, hi)` (which holds a point:
/// `hi − lo ≥ 2`).
fn inside(guess: i128, lo: u32, hi: u32) -> u32 {
    // max then min, not `clamp` (whose bound assertion is a panic path).
    let g = guess.max(i128::from(lo).saturating_add(1)).min(i128::from(hi).saturating_sub(1));
    u32::try_from(g).unwrap_or(lo.saturating_add(1))
}

/// `(1 +` the largest `m < hi` whose box `slack_at` proves safe, the slack
/// at that key`)`, given that `m = 0`'s does (slack `s0 ≥ 0`) and `hi`'s
/// does not (slack `shi < 0`, or at least an upper bound of it: the slacks
/// only steer the probes).
///
/// The proof is monotone in `m` (the boxes are nested and every term is
/// monotone), so the answer is the one boundary of a monotone predicate:
/// every probe keeps `lo` proven safe and `hi` proven unsafe, and any order
/// of probes ends on the same key. The order is chosen for the slack's
/// shape: close to linear in `m` (exactly so but for rounding, the clamp of
/// a price at 1 and tier floors) and concave where it is not (a term's worse
/// end moves linearly; tier floors raise the requirement's slope), except
/// for a step where a price's interval first widens by a whole tick (a
/// price of 1 at par reaches 2 in any box that rises). Each round probes
///
/// 1. the root of the chord between the bracket's ends (for a concave slack
///    at or below the true boundary);
/// 2. the nearer of the roots of the lines through the last two safe probes
///    and through the last two unsafe ones (for a concave slack at or above
///    the boundary; a flat unsafe pair, a step, sends it to `lo + 1`), or
///    the chord root's neighbour when no such line is known — on a linear
///    slack these two close the bracket in one round;
/// 3. the bracket's middle when the round has not halved the bracket,
///
/// so the search takes at most three probes for each halving (about 60 in
/// all) and typically two to four.
fn search(mut slack_at: impl FnMut(u32) -> Option<i128>, s0: i128, hi: u32, shi: i128) -> Probe {
    let (mut lo, mut hi) = ((0u32, s0), (hi, shi.min(-1)));
    // The safe probe before `lo` and the unsafe one after `hi`.
    let (mut lo_prev, mut hi_prev): (Option<Probe>, Option<Probe>) = (None, None);
    let mut probe = |m: u32, lo: &mut Probe, hi: &mut Probe, lo_prev: &mut Option<Probe>, hi_prev: &mut Option<Probe>| -> bool {
        match slack_at(m) {
            Some(v) if v >= 0 => {
                *lo_prev = Some(*lo);
                *lo = (m, v);
                true
            }
            v => {
                *hi_prev = Some(*hi);
                *hi = (m, v.unwrap_or(-1).min(-1));
                false
            }
        }
    };
    while hi.0.saturating_sub(lo.0) > 1 {
        let width = hi.0.saturating_sub(lo.0);
        // 1. The chord's root: lo + width × slo / (slo − shi).
        let den = lo.1.saturating_sub(hi.1).max(1);
        let step = i128::from(width).checked_mul(lo.1).and_then(|n| n.checked_div(den)).unwrap_or(i128::from(width / 2));
        let chord = inside(i128::from(lo.0).saturating_add(step), lo.0, hi.0);
        let safe = probe(chord, &mut lo, &mut hi, &mut lo_prev, &mut hi_prev);
        if hi.0.saturating_sub(lo.0) <= 1 {
            break;
        }
        // 2. The lines through the last two probes on each side.
        let from_lo = lo_prev.and_then(|p| line_root(p, lo, i128::MAX));
        let from_hi = hi_prev.and_then(|p| line_root(hi, p, i128::MIN));
        let guess = match (from_lo, from_hi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let next = match guess {
            Some(g) => inside(g, lo.0, hi.0),
            None if safe => chord.saturating_add(1),
            None => chord.saturating_sub(1),
        };
        if next > lo.0 && next < hi.0 {
            probe(next, &mut lo, &mut hi, &mut lo_prev, &mut hi_prev);
        }
        // 3. The middle, when the round did not halve the bracket.
        let left = hi.0.saturating_sub(lo.0);
        if left > 1 && left > width / 2 {
            let mid = lo.0.saturating_add(left / 2);
            probe(mid, &mut lo, &mut hi, &mut lo_prev, &mut hi_prev);
        }
    }
    (lo.0.saturating_add(1), hi.1)
}

/// What every box of `pool` is measured with: the liquidation threshold
/// (ppm) and the pool's funding total; `None` (every key 0) when the pool is
/// liquidatable at the reference, its health fails there, or its funding
/// does not total.
fn keying_terms(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, ladder: &MarginLadder) -> Option<(i128, i128)> {
    match unified_pool_health(pool, book, ladder) {
        Ok(h) if !is_hit(&h) => {}
        _ => return None,
    }
    let mut t = Totals::default();
    for (_, p) in pool.members() {
        t.funding(p, book).ok()?;
    }
    Some((i128::from(ladder.liquidation_ppm), t.funding_total().ok()?))
}

/// The keys of `pool` against the reference `book` with `ladder` (see the
/// module docs). Never fails: a pool whose health fails at the reference
/// (or a ladder that does not validate) is keyed 0 on every side.
///
/// The box of size 0 is the reference on every side, so its slack is
/// evaluated once. The mixed box of size `m` holds both one-way boxes of
/// that size and each of its terms is at its worse end of a wider interval,
/// so it proves a pool safe only where both one-way boxes do: the mixed key
/// is at most the smaller one-way key, which bounds its search (and is the
/// mixed key itself when that is 1). Every key is the boundary [`search`]
/// finds on the same monotone proof, whatever the bracket it starts from.
#[must_use]
pub fn pool_keys(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, ladder: &MarginLadder) -> MoveKeys {
    let Some((threshold, funding)) = keying_terms(pool, book, ladder) else { return MoveKeys::default() };
    let at = |side: MoveSide, m: u32| slack(pool, book, threshold, funding, side, m);
    // The box of size 0 is the reference itself (each term at its own
    // price, on every side): safe unless a figure is past the cap.
    let s0 = match at(MoveSide::Both, 0) {
        Some(s0) if s0 >= 0 => s0,
        _ => return MoveKeys::default(),
    };
    // The key of `side` below `hi` (unsafe, slack `shi`), or above the
    // limit when `hi` is none and the whole box is safe.
    let key = |side: MoveSide, bound: Option<Probe>| -> Probe {
        let (hi, shi) = match bound {
            Some(b) => b,
            None => match at(side, KEY_LIMIT) {
                Some(v) if v >= 0 => return (KEY_LIMIT.saturating_add(1), v),
                v => (KEY_LIMIT, v.unwrap_or(-1).min(-1)),
            },
        };
        if hi <= 1 {
            return (1, shi);
        }
        search(|m| at(side, m), s0, hi, shi)
    };
    let (down, up) = (key(MoveSide::Down, None), key(MoveSide::Up, None));
    // The smaller one-way key is unsafe for the mixed box too (its one-way
    // slack there bounds the mixed one from above: a guess for the search).
    let tighter = if down.0 <= up.0 { down } else { up };
    let both = key(MoveSide::Both, (tighter.0 <= KEY_LIMIT).then_some(tighter));
    MoveKeys { down: down.0, up: up.0, both: both.0 }
}

/// The pools of an account with their indices: the cross pool, then each
/// isolated position's.
fn pools<'a>(account: &UnifiedAccount<'a>) -> impl Iterator<Item = (usize, UnifiedPool<'a>)> + 'a {
    let a = *account;
    (0..a.pool_count()).filter_map(move |k| a.pool(k).ok().map(|p| (k, p)))
}

/// The move index: three sorted arrays of [`UnifiedIndexEntry`] (one per
/// [`MoveSide`], ascending by key) in caller-provided storage.
#[derive(Debug)]
pub struct UnifiedIndex<'s> {
    sides: [&'s mut [UnifiedIndexEntry]; 3],
    lens: [usize; 3],
}

impl<'s> UnifiedIndex<'s> {
    /// An empty index over the caller's storage, one slice per side (fall,
    /// rise, mixed); a side's capacity is its slice's length.
    pub fn new(down: &'s mut [UnifiedIndexEntry], up: &'s mut [UnifiedIndexEntry], both: &'s mut [UnifiedIndexEntry]) -> Self {
        UnifiedIndex { sides: [down, up, both], lens: [0; 3] }
    }

    /// An index over storage that already holds `lens[side]` sorted entries
    /// per side (as an earlier index over it left them). Lengths above a
    /// side's storage are clamped to it; the order is trusted (unsorted
    /// entries give wrong answers, never undefined behaviour).
    pub fn from_parts(
        down: &'s mut [UnifiedIndexEntry],
        up: &'s mut [UnifiedIndexEntry],
        both: &'s mut [UnifiedIndexEntry],
        lens: [usize; 3],
    ) -> Self {
        let [a, b, c] = lens;
        let lens = [a.min(down.len()), b.min(up.len()), c.min(both.len())];
        UnifiedIndex { sides: [down, up, both], lens }
    }

    /// The capacity of `side`.
    #[must_use]
    pub fn capacity(&self, side: MoveSide) -> usize {
        self.sides.get(side.slot()).map_or(0, |s| s.len())
    }

    /// The entries of `side`, ascending by key.
    #[must_use]
    pub fn side(&self, side: MoveSide) -> &[UnifiedIndexEntry] {
        let n = self.lens.get(side.slot()).copied().unwrap_or(0);
        self.sides.get(side.slot()).and_then(|s| s.get(..n)).unwrap_or(&[])
    }

    /// Entries per side: `[fall, rise, mixed]`.
    #[must_use]
    pub fn lens(&self) -> [usize; 3] {
        self.lens
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.lens = [0; 3];
    }

    fn side_mut(&mut self, side: MoveSide) -> Result<(&mut [UnifiedIndexEntry], &mut usize)> {
        let store = self.sides.get_mut(side.slot()).ok_or(Error::OutOfRange)?;
        let len = self.lens.get_mut(side.slot()).ok_or(Error::OutOfRange)?;
        Ok((&mut **store, len))
    }

    /// Inserts `entry` in order on `side` (a binary search and a memmove).
    /// [`Error::BufferTooSmall`] when the side is full.
    pub fn insert(&mut self, side: MoveSide, entry: UnifiedIndexEntry) -> Result<()> {
        let (store, len) = self.side_mut(side)?;
        let n = *len;
        let live = store.get(..n).ok_or(Error::BufferTooSmall)?;
        let at = live.partition_point(|e| *e < entry);
        let end = n.checked_add(1).ok_or(Error::Overflow)?;
        let window = store.get_mut(at..end).ok_or(Error::BufferTooSmall)?;
        if window.is_empty() {
            return Err(Error::BufferTooSmall);
        }
        window.rotate_right(1);
        *window.first_mut().ok_or(Error::BufferTooSmall)? = entry;
        *len = end;
        Ok(())
    }

    /// Removes `entry` from `side` (every field must match); false when
    /// absent.
    pub fn remove(&mut self, side: MoveSide, entry: &UnifiedIndexEntry) -> bool {
        let Ok((store, len)) = self.side_mut(side) else { return false };
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

    /// Appends `entry` to `side` without keeping the order (bulk building);
    /// call [`Self::sort`] before any query, insert or remove.
    pub fn push_unsorted(&mut self, side: MoveSide, entry: UnifiedIndexEntry) -> Result<()> {
        let (store, len) = self.side_mut(side)?;
        let slot = store.get_mut(*len).ok_or(Error::BufferTooSmall)?;
        *slot = entry;
        *len = len.saturating_add(1);
        Ok(())
    }

    /// Sorts every side (after [`Self::push_unsorted`]); no allocation.
    pub fn sort(&mut self) {
        for (store, &n) in self.sides.iter_mut().zip(self.lens.iter()) {
            if let Some(v) = store.get_mut(..n) {
                v.sort_unstable();
            }
        }
    }

    fn room(&self, pools: usize, freed: [usize; 3]) -> bool {
        MoveSide::ALL.iter().zip(freed).all(|(s, f)| {
            let len = self.lens.get(s.slot()).copied().unwrap_or(0);
            len.saturating_sub(f).saturating_add(pools) <= self.capacity(*s)
        })
    }

    fn put_account(
        &mut self,
        account: u32,
        view: &UnifiedAccount<'_>,
        book: &MarginBook<'_>,
        ladder: &MarginLadder,
        sorted: bool,
    ) -> Result<usize> {
        let mut n = 0usize;
        for (k, pool) in pools(view) {
            let keys = pool_keys(&pool, book, ladder);
            let pool = u32::try_from(k).map_err(|_| Error::Overflow)?;
            for side in MoveSide::ALL {
                let e = UnifiedIndexEntry { key: keys.get(side), account, pool };
                if sorted {
                    self.insert(side, e)?;
                } else {
                    self.push_unsorted(side, e)?;
                }
            }
            n = n.saturating_add(1);
        }
        Ok(n)
    }

    /// Keys every pool of `view` (account `account` of the caller's batch)
    /// against the reference `book` with `ladder` and inserts it on every
    /// side. Returns how many pools went in. [`Error::BufferTooSmall`] when
    /// a side has no room for all of them; nothing is inserted then.
    pub fn insert_account(
        &mut self,
        account: u32,
        view: &UnifiedAccount<'_>,
        book: &MarginBook<'_>,
        ladder: &MarginLadder,
    ) -> Result<usize> {
        if !self.room(view.pool_count(), [0; 3]) {
            return Err(Error::BufferTooSmall);
        }
        self.put_account(account, view, book, ladder, true)
    }

    /// As [`Self::insert_account`], appending unsorted (bulk building).
    pub fn push_account_unsorted(
        &mut self,
        account: u32,
        view: &UnifiedAccount<'_>,
        book: &MarginBook<'_>,
        ladder: &MarginLadder,
    ) -> Result<usize> {
        if !self.room(view.pool_count(), [0; 3]) {
            return Err(Error::BufferTooSmall);
        }
        self.put_account(account, view, book, ladder, false)
    }

    /// Re-keys `account` (see the module docs for when): removes every entry
    /// of it and inserts its pools anew. Returns `(pools removed, pools
    /// inserted)`. [`Error::BufferTooSmall`] (room counted after the
    /// removal) changes nothing.
    pub fn rekey_account(
        &mut self,
        account: u32,
        view: &UnifiedAccount<'_>,
        book: &MarginBook<'_>,
        ladder: &MarginLadder,
    ) -> Result<(usize, usize)> {
        let held = |s: MoveSide| self.side(s).iter().filter(|e| e.account == account).count();
        let freed = [held(MoveSide::Down), held(MoveSide::Up), held(MoveSide::Both)];
        if !self.room(view.pool_count(), freed) {
            return Err(Error::BufferTooSmall);
        }
        let removed = self.remove_account(account);
        let inserted = self.put_account(account, view, book, ladder, true)?;
        Ok((removed, inserted))
    }

    /// Removes every entry of `account` from every side (a linear pass).
    /// Returns how many pools it had (its entries on the mixed side).
    pub fn remove_account(&mut self, account: u32) -> usize {
        let mut removed = 0usize;
        for side in MoveSide::ALL {
            let Ok((store, len)) = self.side_mut(side) else { continue };
            let n = *len;
            let mut w = 0usize;
            for r in 0..n {
                let Some(&e) = store.get(r) else { break };
                if e.account == account {
                    if side == MoveSide::Both {
                        removed = removed.saturating_add(1);
                    }
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

    /// Every pool the move `mv` (since the reference) may have made a hit:
    /// the entries of `mv`'s side ([`PriceMove::side`]) with `key ≤` its
    /// size. `O(log n)`.
    #[must_use]
    pub fn candidates(&self, mv: PriceMove) -> &[UnifiedIndexEntry] {
        let (side, m) = mv.side();
        candidates_on(self.side(side), m)
    }

    /// The entries of `side` that a move growing from `from` to `to` ppm
    /// adds to the candidates: `from < key ≤ to` (none unless `to > from`).
    #[must_use]
    pub fn crossed(&self, side: MoveSide, from: u32, to: u32) -> &[UnifiedIndexEntry] {
        crossed_on(self.side(side), from, to)
    }
}

/// The entries of one sorted side with `key ≤ m` (read in place, for
/// readers that only share the storage).
#[must_use]
#[inline]
pub fn candidates_on(side: &[UnifiedIndexEntry], m: u32) -> &[UnifiedIndexEntry] {
    let n = side.partition_point(|e| e.key <= m);
    side.get(..n).unwrap_or(&[])
}

/// The entries of one sorted side with `from < key ≤ to` (read in place).
#[must_use]
#[inline]
pub fn crossed_on(side: &[UnifiedIndexEntry], from: u32, to: u32) -> &[UnifiedIndexEntry] {
    if to <= from {
        return &[];
    }
    let lo = side.partition_point(|e| e.key <= from);
    let hi = side.partition_point(|e| e.key <= to);
    side.get(lo..hi).unwrap_or(&[])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::market::Market;
    use crate::num::{Ppm, Quote, Size};
    use crate::unified::PerpPosition;

    /// The search on slacks of known shape: the boundary exactly, in few
    /// probes where the shape is the one it is built for.
    #[test]
    fn the_search_on_known_slacks() {
        fn run(f: impl Fn(u32) -> Option<i128>) -> (u32, usize) {
            let probes = core::cell::Cell::new(0usize);
            let at = |m: u32| {
                probes.set(probes.get() + 1);
                f(m)
            };
            let (s0, s1) = (f(0).unwrap(), f(KEY_LIMIT).unwrap_or(-1));
            (search(at, s0, KEY_LIMIT, s1).0, probes.get())
        }
        // Linear: safe up to m = 312,345 (slack 7 × (312,345 − m)).
        let (key, n) = run(|m| Some(7 * (312_345 - i128::from(m))));
        assert_eq!(key, 312_346);
        assert!(n <= 3, "{n} probes");
        // Concave (a tier floor doubles the slope at 200,000): boundary
        // 200,000 + 100,000 / 2 = 250,000.
        let (key, n) = run(|m| {
            let m = i128::from(m);
            Some(300_000 - m - (m - 200_000).max(0))
        });
        assert_eq!(key, 250_001);
        assert!(n <= 6, "{n} probes");
        // A step at 1 (a price of 1 reaching 2), then flat: key 1.
        let (key, n) = run(|m| Some(if m == 0 { 10 } else { -1_000 }));
        assert_eq!(key, 1);
        assert!(n <= 4, "{n} probes");
        // The same with a slope after the step.
        let (key, n) = run(|m| Some(if m == 0 { 10 } else { -1_000 - i128::from(m) }));
        assert_eq!(key, 1);
        assert!(n <= 4, "{n} probes");
        // Failures past 600,000 and a plateau (rounding of a small price):
        // safe while m < 400,000.
        let (key, n) = run(|m| (m <= 600_000).then_some(if m < 400_000 { 5 } else { -5 }));
        assert_eq!(key, 400_000);
        assert!(n <= 60, "{n} probes");
        // Every boundary of a step function, each probe count within the
        // bound of three a halving.
        for b in [1u32, 2, 3, 999, 500_000, 999_998, 999_999] {
            let (key, n) = run(|m| Some(if m < b { 1 } else { -1 }));
            assert_eq!(key, b, "boundary {b}");
            assert!(n <= 60, "boundary {b}: {n} probes");
        }
    }

    /// The keys of a plain bisection of each side on the same bound: the
    /// reference the search (and the mixed side's bracket) must reproduce.
    fn bisected_keys(pool: &UnifiedPool<'_>, book: &MarginBook<'_>, ladder: &MarginLadder) -> MoveKeys {
        let Some((threshold, funding)) = keying_terms(pool, book, ladder) else { return MoveKeys::default() };
        let key = |side: MoveSide| {
            let safe = |m: u32| matches!(slack(pool, book, threshold, funding, side, m), Some(v) if v >= 0);
            if !safe(0) {
                return 0;
            }
            if safe(KEY_LIMIT) {
                return KEY_LIMIT + 1;
            }
            let (mut lo, mut hi) = (0u32, KEY_LIMIT);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if safe(mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            hi
        };
        MoveKeys { down: key(MoveSide::Down), up: key(MoveSide::Up), both: key(MoveSide::Both) }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// `pool_keys` equals the plain bisection's keys on random pools: a
        /// deposit or borrow of a weighted asset, one of a par asset priced
        /// at 1 (its rise is a step), one or two cross perps on a small-tick
        /// and a tiered market, small and large marks.
        #[test]
        fn keys_are_the_bisections_keys(
            deposit in -3_000_000i64..=3_000_000,
            par in -2_000_000i64..=2_000_000,
            sizes in (-20_000i64..=20_000, -20_000i64..=20_000),
            margins in (-60_000i64..=250_000, -60_000i64..=250_000),
            marks in (50i64..=200, 1_000_000i64..=9_000_000),
            asset_px in 1_000i64..=3_000,
        ) {
            let tiers = [
                crate::market::MarginTier { notional_floor: Quote(0), initial: Ppm(100_000), maintenance: Ppm(50_000) },
                crate::market::MarginTier { notional_floor: Quote(500_000), initial: Ppm(200_000), maintenance: Ppm(100_000) },
            ];
            let markets = [
                Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)).with_tiers(&tiers).unwrap(),
                Market::single_tier(-4, 1, 1, Ppm(100_000), Ppm(50_000)),
            ];
            let prices = [Price(marks.0), Price(marks.1)];
            let assets = [
                crate::asset::Asset::at_par(0),
                crate::asset::Asset::weighted(-3, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000))),
            ];
            let asset_prices = [Price(1), Price(asset_px)];
            let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &prices) };
            let balances = [
                crate::asset::AssetBalance { asset_index: 1, amount: deposit },
                crate::asset::AssetBalance { asset_index: 0, amount: par },
            ];
            // qb = −notional + |notional| × margin / 1e6 (near maintenance).
            let qb = |m: usize, size: i64, margin: i64| {
                let notional = size * marks_of(&prices, m) / if m == 1 { 10_000 } else { 1 };
                Quote(-notional + notional.abs() * margin / 1_000_000)
            };
            fn marks_of(p: &[Price], m: usize) -> i64 { p[m].0 }
            let positions = [
                PerpPosition::cross(0, Size(sizes.0), qb(0, sizes.0, margins.0)),
                PerpPosition::cross(1, Size(sizes.1 * 1_000), qb(1, sizes.1 * 1_000, margins.1)),
            ];
            for ladder in [MarginLadder::STANDARD, MarginLadder::BINANCE_PORTFOLIO_MARGIN] {
                for n in 0..=2 {
                    let a = UnifiedAccount { balances: &balances, positions: &positions[..n] };
                    let pool = a.pool(0).unwrap();
                    let (got, want) = (pool_keys(&pool, &book, &ladder), bisected_keys(&pool, &book, &ladder));
                    proptest::prop_assert_eq!(got, want, "{} positions", n);
                }
            }
        }
    }

    #[test]
    fn an_isolated_long_by_hand() {
        // e = 0, 10 % / 5 %, mark 100; long 100 with qb −9,000: value
        // 100P − 9,000, MM ⌈5P⌉. The bound at a fall to lo: value at lo,
        // MM at the reference (500): safe ⇔ 100·lo − 9,500 ≥ 0 ⇔ lo ≥ 95.
        // lo = ⌊100 × (1e6 − m) / 1e6⌋ ≥ 95 ⇔ m ≤ 50,000: key 50,001.
        // A rise: value at the reference (1,000), MM at hi (⌈5·hi⌉):
        // safe ⇔ 5·hi ≤ 1,000 ⇔ hi ≤ 200 ⇔ m ≤ 1e6: KEY_LIMIT + 1.
        // Mixed: 100·lo − 9,000 ≥ ⌈5·hi⌉: m = 40,000 → 9,600 − 9,000 = 600
        // ≥ 520; m = 42,000 → lo 95 (⌊95.8⌋), 500 < ⌈521⌉ — lo stays 95
        // from 40,001 to 50,000 while hi climbs: 500 ≥ 5·hi ⇔ hi ≤ 100
        // fails at once; at 40,000 lo = 96: 600 ≥ 5 × 104 = 520. So the
        // largest safe m is 40,000: key 40,001.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100)];
        let book = MarginBook::perps(&markets, &prices);
        let positions = [PerpPosition::isolated(0, Size(100), Quote(-9_000))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let keys = pool_keys(&account.pool(1).unwrap(), &book, &MarginLadder::STANDARD);
        assert_eq!(keys, MoveKeys { down: 50_001, up: KEY_LIMIT + 1, both: 40_001 });
        // At 95 the pool is healthy (500 ≥ 475), at 94 not (400 < 470):
        // the exact boundary is a fall of 5 % to 6 %.
        // The cross pool (empty) is safe everywhere.
        let cross = pool_keys(&account.pool(0).unwrap(), &book, &MarginLadder::STANDARD);
        assert_eq!(cross, MoveKeys { down: KEY_LIMIT + 1, up: KEY_LIMIT + 1, both: KEY_LIMIT + 1 });
        // A hit at the reference: 0 everywhere.
        let positions = [PerpPosition::isolated(0, Size(100), Quote(-9_600))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        assert_eq!(pool_keys(&account.pool(1).unwrap(), &book, &MarginLadder::STANDARD), MoveKeys::default());
    }

    #[test]
    fn moves_sides_and_queries() {
        let r = [Price(100), Price(1_000)];
        assert_eq!(PriceMove::of_prices(&r, &[Price(99), Price(1_000)]).unwrap(), PriceMove { down_ppm: 10_000, up_ppm: 0 });
        // 1,000 → 1,001: 1,000 ppm up; 100 → 99.5 is not a price (integers).
        let mv = PriceMove::of_prices(&r, &[Price(99), Price(1_001)]).unwrap();
        assert_eq!(mv, PriceMove { down_ppm: 10_000, up_ppm: 1_000 });
        assert_eq!(mv.side(), (MoveSide::Both, 10_000));
        // 3 → 2: ⌈1e6 / 3⌉ = 333,334.
        assert_eq!(PriceMove::of_prices(&[Price(3)], &[Price(2)]).unwrap().down_ppm, 333_334);
        assert_eq!(PriceMove::of_prices(&r, &[Price(1)]), Err(Error::MarketDataTooShort));
        assert_eq!(PriceMove::of_prices(&r, &[Price(0), Price(1)]), Err(Error::MissingPrice));

        let mut d = [UnifiedIndexEntry::default(); 3];
        let mut u = [UnifiedIndexEntry::default(); 3];
        let mut b = [UnifiedIndexEntry::default(); 3];
        let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
        let e = |key: u32, account: u32| UnifiedIndexEntry { key, account, pool: 0 };
        for (k, a) in [(50_001, 0), (0, 1), (9_000, 2)] {
            ix.insert(MoveSide::Down, e(k, a)).unwrap();
        }
        assert_eq!(ix.candidates(PriceMove { down_ppm: 10_000, up_ppm: 0 }), &[e(0, 1), e(9_000, 2)]);
        assert_eq!(ix.candidates(PriceMove { down_ppm: 8_999, up_ppm: 0 }), &[e(0, 1)]);
        assert_eq!(ix.crossed(MoveSide::Down, 8_999, 60_000), &[e(9_000, 2), e(50_001, 0)]);
        assert_eq!(ix.crossed(MoveSide::Down, 60_000, 8_999), &[]);
        assert_eq!(ix.insert(MoveSide::Down, e(1, 9)), Err(Error::BufferTooSmall));
        assert!(ix.remove(MoveSide::Down, &e(0, 1)));
        assert!(!ix.remove(MoveSide::Down, &e(0, 1)));
        assert_eq!(ix.side(MoveSide::Down), &[e(9_000, 2), e(50_001, 0)]);
    }

    #[test]
    fn accounts_insert_all_or_nothing_and_rekey() {
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100)];
        let book = MarginBook::perps(&markets, &prices);
        // Two pools (cross, one isolated).
        let positions = [PerpPosition::cross(0, Size(-10), Quote(1_100)), PerpPosition::isolated(0, Size(100), Quote(-9_000))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let mut d = [UnifiedIndexEntry::default(); 3];
        let mut u = [UnifiedIndexEntry::default(); 3];
        let mut b = [UnifiedIndexEntry::default(); 3];
        let mut ix = UnifiedIndex::new(&mut d, &mut u, &mut b);
        assert_eq!(ix.insert_account(4, &account, &book, &MarginLadder::STANDARD), Ok(2));
        assert_eq!(ix.lens(), [2, 2, 2]);
        // No room for two more pools; the re-key frees its own first.
        assert_eq!(ix.insert_account(5, &account, &book, &MarginLadder::STANDARD), Err(Error::BufferTooSmall));
        assert_eq!(ix.lens(), [2, 2, 2]);
        let before: Vec<_> = ix.side(MoveSide::Both).to_vec();
        assert_eq!(ix.rekey_account(4, &account, &book, &MarginLadder::STANDARD), Ok((2, 2)));
        assert_eq!(ix.side(MoveSide::Both), &before[..]);
        assert_eq!(ix.remove_account(4), 2);
        assert_eq!(ix.lens(), [0, 0, 0]);
    }
}
