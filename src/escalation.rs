//! Escalation: what happens when partial reduction cannot restore an account.
//!
//! The ladder, in order:
//!
//! 1. **Backstop.** When equity falls below a fraction of maintenance
//!    (Hyperliquid: 2/3) or no partial reduction can restore the target, the
//!    pool is transferred whole to a backstop vault (a liquidity provider that
//!    takes positions over at mark): the whole cross account, or one isolated
//!    position with its margin. [`backstop_transfer`] gives the figures.
//! 2. **Insurance fund.** Liquidation fees credit it; a fill beyond the
//!    bankruptcy price (bad debt) or a backstop of a bankrupt pool debits it.
//!    [`InsuranceFundBook`] is the fund's book as a plain value the caller
//!    owns (one thread at a time; the lock-free fund in shared memory, for
//!    many threads, is [`crate::shared::SharedInsuranceFund`]). A debit that
//!    would take it below its floor is refused whole
//!    ([`InsuranceFundBook::debit`]); [`InsuranceFundBook::cover`] covers
//!    what it can down to the floor and reports the rest. Isolated markets
//!    can keep their own funds ([`InsuranceFunds`]).
//! 3. **Auto-deleveraging.** What the fund cannot cover is closed against
//!    opposite-side accounts at the bankruptcy price, either down a queue
//!    ranked by profit × effective leverage (BitMEX / Binance / Bybit) or pro
//!    rata by position size (the fairer alternative: every winner gives up the
//!    same fraction). Ranking sorts a caller-provided index buffer; nothing
//!    allocates.

use core::cmp::Ordering;
use core::mem::MaybeUninit;

use crate::account::Pool;
use crate::error::{Error, Result};
use crate::health::{self, Health};
use crate::market::Market;
use crate::num::{self, Price, Quote, Rounding, Size};

/// What a backstop vault receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackstopTransfer {
    /// Collateral moved with the pool (0 for an isolated pool).
    pub collateral: Quote,
    /// Number of non-empty positions moved.
    pub position_count: u32,
    /// Pool health at transfer (equity at mark, requirements).
    pub health: Health,
    /// `max(0, −equity)`: what the insurance fund owes the vault for taking a
    /// bankrupt pool (the vault must not inherit a loss).
    pub deficit: Quote,
}

/// The figures of transferring `pool` whole to a backstop vault at mark.
/// No clearance fee (Hyperliquid charges none on backstop liquidations).
pub fn backstop_transfer(pool: &Pool<'_>, markets: &[Market], prices: &[Price]) -> Result<BackstopTransfer> {
    let health = health::pool_health(pool, markets, prices)?;
    let position_count = u32::try_from(pool.positions.iter().filter(|p| p.size.0 != 0).count()).map_err(|_| Error::Overflow)?;
    Ok(BackstopTransfer {
        collateral: pool.collateral,
        position_count,
        health,
        deficit: Quote(health.equity.0.checked_neg().ok_or(Error::Overflow)?.max(0)),
    })
}

/// The book of an insurance fund: its balance, floor and exact ledger, as a
/// plain value the caller owns and updates from one thread at a time (for a
/// fund that many threads credit and debit, see
/// [`crate::shared::SharedInsuranceFund`]).
///
/// Invariant at every point: `initial + total_credits − total_debits = balance`
/// and `balance ≥ floor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct InsuranceFundBook {
    /// Current balance (quote units).
    pub balance: Quote,
    /// The balance may not go below this.
    pub floor: Quote,
    /// Balance when the fund was created.
    pub initial: Quote,
    /// Sum of all credits.
    pub total_credits: Quote,
    /// Sum of all debits.
    pub total_debits: Quote,
}

/// How much of a deficit the fund covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Paid by the fund.
    pub covered: Quote,
    /// Left for auto-deleveraging.
    pub uncovered: Quote,
}

impl InsuranceFundBook {
    /// A fund holding `balance` with a `floor` (errors if balance < floor).
    pub fn new(balance: Quote, floor: Quote) -> Result<Self> {
        if balance < floor {
            return Err(Error::InsuranceFundBelowFloor);
        }
        Ok(InsuranceFundBook { balance, floor, initial: balance, total_credits: Quote(0), total_debits: Quote(0) })
    }

    /// Adds `amount ≥ 0` (fees, recoveries).
    ///
    /// # Errors
    /// [`Error::NegativeLimit`] for a negative amount (the status the C ABI
    /// documents for every fund amount), [`Error::Overflow`]; nothing changes.
    pub fn credit(&mut self, amount: Quote) -> Result<()> {
        if amount.0 < 0 {
            return Err(Error::NegativeLimit);
        }
        let balance = self.balance.0.checked_add(amount.0).ok_or(Error::Overflow)?;
        let credits = self.total_credits.0.checked_add(amount.0).ok_or(Error::Overflow)?;
        self.balance = Quote(balance);
        self.total_credits = Quote(credits);
        Ok(())
    }

    /// Removes `amount ≥ 0`, or refuses it whole (nothing changes) with
    /// [`Error::InsuranceFundBelowFloor`] when the balance would drop below
    /// the floor. Other errors as [`Self::credit`].
    pub fn debit(&mut self, amount: Quote) -> Result<()> {
        if amount.0 < 0 {
            return Err(Error::NegativeLimit);
        }
        // A difference below i64::MIN is below every floor.
        let balance = self.balance.0.checked_sub(amount.0).ok_or(Error::InsuranceFundBelowFloor)?;
        if balance < self.floor.0 {
            return Err(Error::InsuranceFundBelowFloor);
        }
        let debits = self.total_debits.0.checked_add(amount.0).ok_or(Error::Overflow)?;
        self.balance = Quote(balance);
        self.total_debits = Quote(debits);
        Ok(())
    }

    /// Covers as much of `deficit ≥ 0` as the fund can down to its floor.
    /// Errors as [`Self::credit`].
    pub fn cover(&mut self, deficit: Quote) -> Result<Coverage> {
        if deficit.0 < 0 {
            return Err(Error::NegativeLimit);
        }
        // The room above the floor in i128: a negative floor (a fund allowed
        // to go into debt) can put it beyond i64. The covered amount is at
        // most the deficit, so it fits.
        let room = num::sub(i128::from(self.balance.0), i128::from(self.floor.0))?.max(0);
        let covered = i64::try_from(i128::from(deficit.0).min(room)).map_err(|_| Error::Overflow)?;
        self.debit(Quote(covered))?;
        Ok(Coverage { covered: Quote(covered), uncovered: Quote(deficit.0.checked_sub(covered).ok_or(Error::Overflow)?) })
    }

    /// Books a settled fill: credits the fund's fee share, then covers the
    /// bad debt. Returns what is left for deleveraging. Errors as
    /// [`Self::credit`]; on error nothing changes.
    pub fn book(&mut self, settlement: &crate::settlement::Settlement) -> Result<Coverage> {
        // All or nothing: work on a copy, commit on success.
        let mut next = *self;
        next.credit(settlement.fee_to_insurance)?;
        let coverage = next.cover(settlement.bad_debt)?;
        *self = next;
        Ok(coverage)
    }

    /// True when `initial + credits − debits = balance` (the exact ledger).
    #[must_use]
    pub fn ledger_balances(&self) -> bool {
        num::sub(
            num::add(i128::from(self.initial.0), i128::from(self.total_credits.0)).unwrap_or(i128::MAX),
            i128::from(self.total_debits.0),
        )
        .is_ok_and(|v| v == i128::from(self.balance.0))
    }
}

/// The exchange-wide fund plus optional per-market funds for isolated
/// markets, each an [`InsuranceFundBook`].
#[derive(Debug)]
pub struct InsuranceFunds<'a> {
    /// The exchange-wide fund: it backs every market without its own.
    pub shared: &'a mut InsuranceFundBook,
    /// Per-market funds; `has_own[i] != 0` routes market `i` to `per_market[i]`.
    pub per_market: &'a mut [InsuranceFundBook],
    /// Which markets have their own fund.
    pub has_own: &'a [u8],
}

impl InsuranceFunds<'_> {
    /// The fund that backs `market_index`.
    pub fn fund_for(&mut self, market_index: usize) -> Result<&mut InsuranceFundBook> {
        if self.has_own.get(market_index).copied().unwrap_or(0) != 0 {
            self.per_market.get_mut(market_index).ok_or(Error::StateTooSmall)
        } else {
            Ok(self.shared)
        }
    }
}

/// An opposite-side account that may be deleveraged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct AdlCandidate {
    /// The engine's account id (ties rank by it, ascending).
    pub account: u32,
    /// Padding; keep 0.
    pub reserved: u32,
    /// The candidate's signed position in the market.
    pub size: Size,
    /// Unrealised PnL of that position (quote units).
    pub unrealized_pnl: Quote,
    /// |entry value| of the position (> 0).
    pub entry_notional: Quote,
    /// |mark value| of the position.
    pub mark_notional: Quote,
    /// Margin backing it: mark value − bankruptcy value (≤ 0: bankrupt itself).
    pub margin: Quote,
}

/// A deleveraging fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct AdlFill {
    /// Index of the candidate in the candidates slice.
    pub candidate: u32,
    /// Its account id.
    pub account: u32,
    /// The candidate's size change (reduces its position).
    pub size_delta: Size,
    /// Execution price: the bankrupt position's bankruptcy price.
    pub price: Price,
}

/// How the deficit position is spread over counterparties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum AdlMode {
    /// Down the queue ranked by [`adl_cmp`], each taken fully before the next.
    Queue = 0,
    /// Pro rata by position size, in lot steps, largest remainders first.
    ProRata = 1,
}

/// The queue score as an exact fraction: `PnL% × EffLev` when profitable,
/// `PnL% / EffLev` otherwise, with `PnL% = pnl / entry` and
/// `EffLev = mark / margin`. A profitable candidate with margin ≤ 0 has
/// infinite leverage and ranks first.
fn score(c: &AdlCandidate) -> (u8, i128, i128) {
    let pnl = i128::from(c.unrealized_pnl.0);
    let entry = i128::from(c.entry_notional.0).max(1);
    let mark = i128::from(c.mark_notional.0).max(1);
    let margin = i128::from(c.margin.0);
    if pnl > 0 {
        if margin <= 0 {
            return (2, 1, 1);
        }
        // pnl × mark / (entry × margin)
        (1, pnl.saturating_mul(mark), entry.saturating_mul(margin))
    } else if margin <= 0 {
        // pnl / ∞ = 0
        (1, 0, 1)
    } else {
        // pnl × margin / (entry × mark)
        (1, pnl.saturating_mul(margin), entry.saturating_mul(mark))
    }
}

/// Compares `a/b` with `c/d` exactly (b, d > 0) with 256-bit products.
fn cmp_fractions(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    num::cmp_products(a, d, c, b)
}

/// The queue order: higher score first; ties by account id, then candidate
/// index — a total order, so the ranking is deterministic.
///
/// The score is `PnL% × EffLev` for a profitable candidate and
/// `PnL% / EffLev` otherwise (`PnL% = pnl / entry notional`, `EffLev = mark
/// notional / margin`), compared exactly. Margin ≤ 0 is infinite leverage:
/// a profitable candidate then ranks above every finite score, a losing one
/// scores 0. An index outside `candidates` compares by index only.
pub fn adl_cmp(candidates: &[AdlCandidate], x: u32, y: u32) -> Ordering {
    let (Some(cx), Some(cy)) = (candidates.get(x as usize), candidates.get(y as usize)) else {
        return x.cmp(&y);
    };
    let (kx, nx, dx) = score(cx);
    let (ky, ny, dy) = score(cy);
    ky.cmp(&kx).then_with(|| cmp_fractions(ny, dy, nx, dx)).then_with(|| cx.account.cmp(&cy.account)).then_with(|| x.cmp(&y))
}

/// A candidate holds a position on the side opposite to `deficit_size`.
fn is_counterparty(deficit_size: Size, c: &AdlCandidate) -> bool {
    c.size.0 != 0 && c.size.0.signum() != deficit_size.0.signum()
}

/// How many candidates hold a position on the side opposite to
/// `deficit_size`: the entries [`rank_adl`] needs in `order` and
/// [`deleverage`] in `order` and `fills`.
#[must_use]
pub fn adl_counterparty_count(deficit_size: Size, candidates: &[AdlCandidate]) -> usize {
    candidates.iter().filter(|c| is_counterparty(deficit_size, c)).count()
}

/// Ranks the candidates on the side opposite to `deficit_size` into `order`
/// (indices into `candidates`), best first. Returns how many were ranked.
/// `order` needs [`adl_counterparty_count`] entries
/// ([`Error::BufferTooSmall`] otherwise); on any error `order` is left as it
/// was (every check comes before the first write).
pub fn rank_adl(deficit_size: Size, candidates: &[AdlCandidate], order: &mut [u32]) -> Result<usize> {
    rank_adl_in(deficit_size, candidates, order)
}

/// [`rank_adl`] writing how many were ranked into `count`, on success only
/// (it may be uninitialised before): a caller holding a place for the count
/// (the C ABI's out-pointer) passes it through and gets the outcome in a
/// register. Same checks, same order, same value.
pub fn rank_adl_into(deficit_size: Size, candidates: &[AdlCandidate], order: &mut [u32], count: &mut MaybeUninit<usize>) -> Result<()> {
    count.write(rank_adl_in(deficit_size, candidates, order)?);
    Ok(())
}

/// The one body of [`rank_adl`] and [`rank_adl_into`].
#[inline(always)]
fn rank_adl_in(deficit_size: Size, candidates: &[AdlCandidate], order: &mut [u32]) -> Result<usize> {
    // Every index written must fit u32, and `order` hold every one.
    if u32::try_from(candidates.len().saturating_sub(1)).is_err() {
        return Err(Error::Overflow);
    }
    if order.len() < adl_counterparty_count(deficit_size, candidates) {
        return Err(Error::BufferTooSmall);
    }
    let mut n = 0usize;
    for (i, c) in candidates.iter().enumerate() {
        if is_counterparty(deficit_size, c) {
            *order.get_mut(n).ok_or(Error::BufferTooSmall)? = u32::try_from(i).map_err(|_| Error::Overflow)?;
            n = n.saturating_add(1);
        }
    }
    heapsort(order.get_mut(..n).ok_or(Error::BufferTooSmall)?, |x, y| adl_cmp(candidates, x, y) == Ordering::Less);
    Ok(n)
}

/// Sorts `v` ascending by `less` (a strict total order) in place: a heapsort
/// without a panicking path (core's slice sorts carry bounds checks and an
/// ordering-violation panic, which `scripts/panic-check.sh` would find in
/// `partliq_rank_adl`). With a total order the result is the unique sorted
/// sequence, as with any correct sort. Inlined into its one caller (the
/// ranking's body).
#[inline(always)]
fn heapsort(v: &mut [u32], less: impl Fn(u32, u32) -> bool) {
    let v = core::cell::Cell::from_mut(v).as_slice_of_cells();
    let swap = |a: &core::cell::Cell<u32>, b: &core::cell::Cell<u32>| {
        let t = a.get();
        a.set(b.get());
        b.set(t);
    };
    // Moves `root` down the heap `v[..end]` (max-heap by `less`).
    let sift = |mut root: usize, end: usize| {
        while let Some(left) = root.checked_mul(2).and_then(|x| x.checked_add(1)).filter(|l| *l < end) {
            let mut child = left;
            if let (Some(l), Some(r)) = (v.get(left), left.checked_add(1).filter(|r| *r < end).and_then(|r| v.get(r))) {
                if less(l.get(), r.get()) {
                    child = left.saturating_add(1);
                }
            }
            let (Some(rc), Some(cc)) = (v.get(root), v.get(child)) else { return };
            if !less(rc.get(), cc.get()) {
                return;
            }
            swap(rc, cc);
            root = child;
        }
    };
    let n = v.len();
    for start in (0..n.wrapping_shr(1)).rev() {
        sift(start, n);
    }
    for end in (1..n).rev() {
        if let (Some(first), Some(last)) = (v.first(), v.get(end)) {
            swap(first, last);
        }
        sift(0, end);
    }
}

/// Closes `deficit_size` (the bankrupt position, signed) against opposite
/// candidates at `bankruptcy_price`. Writes the fills to `fills` and returns
/// their count; the fills' sizes sum exactly to `|deficit_size|`, each within
/// its candidate's position. `order` is scratch (≥ candidates).
///
/// Errors: [`Error::InsufficientCounterparties`] when the opposite side holds
/// less than the deficit; [`Error::BufferTooSmall`]; nothing is written then.
pub fn deleverage(
    deficit_size: Size,
    bankruptcy_price: Price,
    lot_step: Size,
    candidates: &[AdlCandidate],
    mode: AdlMode,
    order: &mut [u32],
    fills: &mut [AdlFill],
) -> Result<usize> {
    if lot_step.0 <= 0 {
        return Err(Error::InvalidLotStep);
    }
    if bankruptcy_price.0 <= 0 {
        return Err(Error::InvalidFillPrice);
    }
    let need = i128::from(deficit_size.0).checked_abs().ok_or(Error::Overflow)?;
    let n = rank_adl(deficit_size, candidates, order)?;
    let ranked = order.get(..n).ok_or(Error::BufferTooSmall)?;
    let size_of = |i: u32| -> Result<i128> {
        let c = candidates.get(i as usize).ok_or(Error::UnknownPosition)?;
        i128::from(c.size.0).checked_abs().ok_or(Error::Overflow)
    };
    let mut available: i128 = 0;
    for &i in ranked {
        available = num::add(available, size_of(i)?)?;
    }
    if available < need {
        return Err(Error::InsufficientCounterparties);
    }
    if fills.len() < n {
        return Err(Error::BufferTooSmall);
    }
    // The fills buffer holds the working amounts (in `size_delta` as a
    // magnitude) until the signs are applied at the end.
    let work = fills.get_mut(..n).ok_or(Error::BufferTooSmall)?;
    for (f, &i) in work.iter_mut().zip(ranked) {
        let c = candidates.get(i as usize).ok_or(Error::UnknownPosition)?;
        *f = AdlFill { candidate: i, account: c.account, size_delta: Size(0), price: bankruptcy_price };
    }
    let amount = |f: &AdlFill| i128::from(f.size_delta.0);
    match mode {
        AdlMode::Queue => {
            let mut left = need;
            for (f, &i) in work.iter_mut().zip(ranked) {
                let take = left.min(size_of(i)?);
                f.size_delta = Size(i64::try_from(take).map_err(|_| Error::Overflow)?);
                left = num::sub(left, take)?;
            }
        }
        AdlMode::ProRata => {
            let step = i128::from(lot_step.0);
            let mut given: i128 = 0;
            for (f, &i) in work.iter_mut().zip(ranked) {
                // floor(need × s_i / Σ) down to the lot step.
                let share = num::mul_div_wide(need, size_of(i)?, available, Rounding::Floor)?;
                let base = num::mul(num::div_round(share, step, Rounding::Floor)?, step)?;
                f.size_delta = Size(i64::try_from(base).map_err(|_| Error::Overflow)?);
                given = num::add(given, base)?;
            }
            // The remainder, a lot step at a time, in queue order, within capacity.
            let mut left = num::sub(need, given)?;
            while left > 0 {
                let mut progressed = false;
                for (f, &i) in work.iter_mut().zip(ranked) {
                    if left == 0 {
                        break;
                    }
                    let room = num::sub(size_of(i)?, amount(f))?;
                    let add = left.min(step).min(room);
                    if add > 0 {
                        f.size_delta = Size(i64::try_from(num::add(amount(f), add)?).map_err(|_| Error::Overflow)?);
                        left = num::sub(left, add)?;
                        progressed = true;
                    }
                }
                if !progressed {
                    return Err(Error::InsufficientCounterparties);
                }
            }
        }
    }
    // Apply signs (a fill reduces its candidate's position) and compact.
    let mut k = 0usize;
    for j in 0..n {
        let f = *fills.get(j).ok_or(Error::BufferTooSmall)?;
        if f.size_delta.0 == 0 {
            continue;
        }
        let c = candidates.get(f.candidate as usize).ok_or(Error::UnknownPosition)?;
        let signed = num::mul(i128::from(c.size.0.signum()).wrapping_neg(), amount(&f))?;
        *fills.get_mut(k).ok_or(Error::BufferTooSmall)? =
            AdlFill { size_delta: Size(i64::try_from(signed).map_err(|_| Error::Overflow)?), ..f };
        k = k.saturating_add(1);
    }
    Ok(k)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn cand(account: u32, size: i64) -> AdlCandidate {
        AdlCandidate { account, size: Size(size), entry_notional: Quote(1), ..AdlCandidate::default() }
    }

    /// The count is the opposite side's non-empty positions, and exactly
    /// the room `rank_adl` needs: one entry less is `BufferTooSmall`.
    #[test]
    fn counterparty_count_is_the_room_rank_needs() {
        // Deficit long 7: the shorts −5 and −1 stand opposite; the long 4 and
        // the empty 0 do not.
        let cs = [cand(1, -5), cand(2, 4), cand(3, 0), cand(4, -1)];
        assert_eq!(adl_counterparty_count(Size(7), &cs), 2);
        // A short deficit: the one long.
        assert_eq!(adl_counterparty_count(Size(-7), &cs), 1);
        let mut order = [9u32; 2];
        assert_eq!(rank_adl(Size(7), &cs, &mut order[..1]), Err(Error::BufferTooSmall));
        assert_eq!(rank_adl(Size(7), &cs, &mut order), Ok(2));
        assert_eq!(adl_counterparty_count(Size(7), &[]), 0);
    }

    /// `rank_adl_into` ranks as `rank_adl` does; a refusal leaves `order` as
    /// it was (the count's writes, on success only, are the C ABI's tests:
    /// reading it back here would need `unsafe`).
    #[test]
    fn rank_into_ranks_as_rank() {
        let cs = [cand(1, -5), cand(2, 4), cand(3, 0), cand(4, -1)];
        let mut order = [9u32; 2];
        let mut count = MaybeUninit::new(42usize);
        assert_eq!(rank_adl_into(Size(7), &cs, &mut order[..1], &mut count), Err(Error::BufferTooSmall));
        assert_eq!(order, [9, 9]);
        assert_eq!(rank_adl_into(Size(7), &cs, &mut order, &mut count), Ok(()));
        let mut direct = [9u32; 2];
        assert_eq!(rank_adl(Size(7), &cs, &mut direct), Ok(2));
        assert_eq!(order, direct);
    }
}
