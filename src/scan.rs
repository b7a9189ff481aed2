//! Batch scan: every liquidatable or bankrupt margin pool among many, on
//! every price update, without allocating.
//!
//! The caller owns a flat batch of accounts ([`ScanAccount`]s: collateral
//! and a range of a flat positions array, one cross-margin pool each — an
//! isolated position is an account with collateral 0 and one position) and a
//! buffer of [`ScanHit`]s. A scan writes the index and exact [`Health`] of
//! every pool that is not healthy into the buffer, in account order, and
//! says where to resume when the buffer fills. Single thread; to shard, give
//! each thread its own slice of accounts (a [`Scanner`] is `Sync` and is
//! built once per price update).
//!
//! # Exactness
//!
//! A scan reports exactly what [`pool_health`] reports for each account —
//! the same states, the same figures, the same errors — because every
//! account it does not prove healthy goes through [`pool_health`] itself.
//!
//! # The fast path
//!
//! Proving health needs no division. With `K = max k` over the markets (`k =
//! max(0, −e)`) and `Q = 10^K × 10^6`, the exact (unrounded) equity and
//! maintenance requirement, scaled by `Q`, are integers:
//!
//! ```text
//! E_x·Q  = Q·(collateral + Σ quote_balance) + Σ S_i·10^6
//! MM_x·Q = Σ (|S_i|·f_t − D_t·10^K)           S_i = size_i·price_i·10^e_i·10^K
//! ```
//!
//! so per position one multiply, `size × (price·10^(K+e)·(10^6 ∓ f_t)) +
//! D_t·10^K` (64 × 64 → 128 bits when the bracket fits `i64`), the bracket
//! precomputed per market, tier and side (the tier itself is found by
//! comparing `|size|` with precomputed size thresholds). The
//! engine's figures round each position's value down and its requirement up,
//! so each moves by less than 1 per non-empty position: with `n` of them,
//! `E_x − MM_x > 2n − 1` proves `equity ≥ maintenance` (healthy). Every
//! other pool (liquidatable, bankrupt, or within `2n` quote units of the
//! boundary) is decided by [`pool_health`], which also gives the figures to
//! report.
//!
//! The fast path applies only where it provably cannot overflow and where
//! [`pool_health`] provably cannot fail: valid markets with a positive price,
//! at most [`MAX_POSITIONS`] positions, every position notional, quote
//! balance and the collateral below `B = min(2^55, 2^110 / Q)` quote units
//! (at micro-dollar quotes and `K ≤ 8`, 36 billion dollars). Outside it, the
//! exact path runs: slower, never different.
//!
//! # Footprint
//!
//! Per account the scan reads one [`ScanAccount`] (16 bytes) and its
//! positions ([`Position`], 24 bytes each): 40 bytes for a single-position
//! account. The per-market table ([`ScanMarket`]) is built once per
//! [`Scanner`].

use crate::account::{Pool, Position, ScanAccount, MAX_POSITIONS};
use crate::error::{Error, Result};
use crate::health::{pool_health, Health, HealthState};
use crate::market::{Market, RequirementKind, MAX_TIERS};
use crate::num::{self, Price, Quote, Rounding, PPM};

/// A pool the scan found not healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanHit {
    /// Index of the account in the accounts array.
    pub account_index: usize,
    /// Its exact health ([`pool_health`]); state liquidatable or bankrupt.
    pub health: Health,
}

impl Default for ScanHit {
    fn default() -> Self {
        let q = Quote(0);
        ScanHit {
            account_index: 0,
            health: Health {
                equity: q,
                initial_requirement: q,
                maintenance_requirement: q,
                free_collateral: q,
                margin_ratio_ppm: 0,
                state: HealthState::Healthy,
            },
        }
    }
}

/// Why a scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanEnd {
    /// Every account was examined.
    Complete,
    /// The hit buffer is full; account `next` is not healthy and was not
    /// written. Resume at `next` with an emptied buffer.
    BufferFull,
    /// [`pool_health`] failed for account `next` (or its position range is
    /// out of bounds: [`Error::UnknownPosition`]). Resume at `next + 1` to
    /// skip it.
    Failed(Error),
}

/// What a scan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOutcome {
    /// Hits written to the front of the buffer.
    pub count: usize,
    /// First account (or entry, for [`Scanner::confirm`]) not examined to
    /// the end. When complete: the accounts' (entries') length, or `start`
    /// when that was already past the end — `next` never moves backwards, so
    /// a resume loop `while next < len` always ends.
    pub next: usize,
    /// Why the scan stopped.
    pub end: ScanEnd,
    /// How many accounts went through the exact path (not proven healthy by
    /// the fast path): the hits plus the near-boundary and out-of-range ones.
    pub exact_checks: usize,
}

/// The scales of a scanner's table (`Q = 10^K × 10^6` and the figure bound
/// `B`, see the module docs), as [`Scanner::scales`] returns them: all
/// integers with no padding (32 bytes), so that they may be kept in caller
/// memory with the table (the C ABI's scanner header).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanScales {
    /// `Q`.
    q: i128,
    /// `B`.
    bound: u64,
    /// Always 0.
    reserved: u64,
}

/// Per-market constants of one scan (one price update): scaled tier
/// thresholds, and per tier and side the bracket `price·10^(K+e)·(10^6 ∓ f)`
/// and the scaled deduction. Caller-owned storage for [`Scanner::new`];
/// 1,168 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanMarket {
    /// Largest `|size|` the fast path takes (0: the market is not fast).
    size_max: u64,
    /// Tiers reachable on the fast path (0: the market is not fast).
    tier_count: u32,
    /// 1 when every reachable tier's brackets fit `i64`, else 0 (an integer,
    /// not a `bool`, so that every bit pattern of the table is a valid
    /// value: a table may live in caller memory, see [`Scanner::from_table`]).
    narrow: u32,
    /// Least `|size|` of each tier.
    size_floor: [u64; MAX_TIERS],
    /// `pm × (10^6 − f_t)`, `pm = price × 10^(K+e)` (longs).
    long_slope: [i128; MAX_TIERS],
    /// `pm × (10^6 + f_t)` (shorts).
    short_slope: [i128; MAX_TIERS],
    /// `D_t × 10^K`, the deduction (quote·ppm) scaled.
    deduction: [i128; MAX_TIERS],
    /// `long_slope` as `i64` when `narrow` (a 64 × 64 → 128-bit multiply).
    long_slope64: [i64; MAX_TIERS],
    /// `short_slope` as `i64` when `narrow`.
    short_slope64: [i64; MAX_TIERS],
}

impl ScanMarket {
    /// An unused entry (every position of its market takes the exact path).
    pub const EMPTY: ScanMarket = ScanMarket {
        size_max: 0,
        tier_count: 0,
        narrow: 0,
        size_floor: [0; MAX_TIERS],
        long_slope: [0; MAX_TIERS],
        short_slope: [0; MAX_TIERS],
        deduction: [0; MAX_TIERS],
        long_slope64: [0; MAX_TIERS],
        short_slope64: [0; MAX_TIERS],
    };

    /// `size × bracket_t + deduction_t` (a position's `(E_x − MM_x)·Q`
    /// less its quote balance's), or `None` when the position is outside the
    /// fast path. `|size × bracket| = |S| × (10^6 ∓ f) < B·10^K × 2·10^6 =
    /// 2·B·Q ≤ 2^111` and `deduction ≤ |S| × f < B·Q` (continuity): no wrap.
    #[inline(always)]
    fn term(&self, size: i64) -> Option<i128> {
        let u = size.unsigned_abs();
        if u > self.size_max {
            return None;
        }
        // The tier: the last whose size floor |size| reaches (floors ascend;
        // tier 0's is 0).
        let mut t = 0usize;
        if self.tier_count > 1 {
            let tiers = self.size_floor.get(..self.tier_count as usize).unwrap_or(&[]);
            for (i, &f) in tiers.iter().enumerate().skip(1) {
                if u >= f {
                    t = i;
                } else {
                    break;
                }
            }
        }
        let ded = *self.deduction.get(t)?;
        // One 64 × 64 → 128-bit multiply when every bracket of the market
        // fits i64 (the usual case), the full i128 multiply otherwise.
        let product = if self.narrow != 0 {
            let slopes = if size > 0 { &self.long_slope64 } else { &self.short_slope64 };
            i128::from(size).wrapping_mul(i128::from(*slopes.get(t)?))
        } else {
            let slopes = if size > 0 { &self.long_slope } else { &self.short_slope };
            wide_product(size, *slopes.get(t)?)
        };
        Some(product.wrapping_add(ded))
    }
}

/// `size × bracket` for a bracket beyond `i64` (out of line, so that the
/// compiler keeps the narrow path a single 64 × 64 → 128-bit multiply).
#[inline(never)]
fn wide_product(size: i64, bracket: i128) -> i128 {
    i128::from(size).wrapping_mul(bracket)
}

impl Default for ScanMarket {
    fn default() -> Self {
        ScanMarket::EMPTY
    }
}

/// Markets [`scan_accounts`] tables on the stack; positions in markets with
/// a higher index take the exact path. Use [`Scanner::new`] with a
/// caller-owned table to cover more.
pub const SCAN_STACK_MARKETS: usize = 8;

/// How many entries ahead [`Scanner::confirm`] touches memory.
const CONFIRM_AHEAD: usize = 8;

/// Largest figure bound of the fast path (see the module docs).
const BOUND_CAP: i128 = 1 << 55;
/// `B × Q` stays below this.
const SCALED_CAP: i128 = 1 << 110;

/// A scan context for one price update: the markets, their marks and the
/// per-market table. Build once per update, use from any thread.
#[derive(Debug, Clone, Copy)]
pub struct Scanner<'a> {
    table: &'a [ScanMarket],
    markets: &'a [Market],
    prices: &'a [Price],
    /// `Q = 10^K × 10^6`.
    q: i128,
    /// `Q` when it fits `i64` (`K ≤ 12`).
    q64: Option<i64>,
    /// `B`: collateral and quote balances must lie strictly inside ±B.
    bound: u64,
}

impl<'a> Scanner<'a> {
    /// Fills `table` (one entry per market, `table[i]` for `markets[i]`;
    /// markets beyond its length take the exact path) for the marks
    /// `prices`. Invalid markets and markets without a positive price take
    /// the exact path (which reports their errors).
    pub fn new(table: &'a mut [ScanMarket], markets: &'a [Market], prices: &'a [Price]) -> Scanner<'a> {
        let s = Scales::of(markets, table.len());
        for (i, slot) in table.iter_mut().enumerate() {
            *slot = match (markets.get(i), prices.get(i)) {
                (Some(m), Some(p)) => market_entry(m, *p, s.big_k, s.pow_k, s.scaled_bound).unwrap_or(ScanMarket::EMPTY),
                _ => ScanMarket::EMPTY,
            };
        }
        Scanner::with_scales(table, markets, prices, &s)
    }

    /// A scanner over a table [`Scanner::new`] filled earlier (and nothing
    /// changed since) for these same `markets` and `prices`: what a caller
    /// that keeps the table between calls (the C ABI's scanner, in caller
    /// memory) uses instead of filling it again. Its scans are exactly those
    /// of the scanner `new` returned.
    ///
    /// The table is trusted: one filled for other markets or marks, or
    /// altered, makes the fast path prove the wrong pools healthy (never
    /// undefined behaviour: every bit pattern is a valid [`ScanMarket`]). The
    /// C ABI keeps a copy of the markets and marks with the table and
    /// refuses a scan whose markets or marks differ from it.
    #[must_use]
    pub fn from_table(table: &'a [ScanMarket], markets: &'a [Market], prices: &'a [Price]) -> Scanner<'a> {
        let s = Scales::of(markets, table.len());
        Scanner::with_scales(table, markets, prices, &s)
    }

    /// The scales of this scanner's table (what [`Scanner::from_table`]
    /// derives from the markets again): kept with a table that lives between
    /// calls, they let [`Scanner::from_table_scaled`] skip that work.
    #[must_use]
    #[inline]
    pub fn scales(&self) -> ScanScales {
        ScanScales { q: self.q, bound: self.bound, reserved: 0 }
    }

    /// [`Scanner::from_table`] with the scales [`Scanner::scales`] returned
    /// for this table, markets and marks, instead of deriving them from the
    /// markets again (a pass validating every market). Trusted as the table
    /// is: other scales make the fast path prove the wrong pools healthy,
    /// never undefined behaviour or a panic (every bit pattern is a valid
    /// [`ScanScales`] and the fast path's arithmetic wraps).
    #[must_use]
    #[inline]
    pub fn from_table_scaled(table: &'a [ScanMarket], markets: &'a [Market], prices: &'a [Price], scales: ScanScales) -> Scanner<'a> {
        let covered = table.len().min(markets.len());
        let table: &'a [ScanMarket] = table.get(..covered).unwrap_or(&[]);
        let q = scales.q;
        Scanner { table, markets, prices, q, q64: i64::try_from(q).ok(), bound: scales.bound }
    }

    fn with_scales(table: &'a [ScanMarket], markets: &'a [Market], prices: &'a [Price], s: &Scales) -> Scanner<'a> {
        // Only markets that exist have an entry: a position whose market has
        // one needs no other existence check.
        let scales = ScanScales { q: s.q, bound: u64::try_from(s.bound).unwrap_or(0), reserved: 0 };
        Scanner::from_table_scaled(table, markets, prices, scales)
    }

    /// The health of one account if it is not healthy, `None` if it is.
    /// Errors exactly when [`pool_health`] does (or with
    /// [`Error::UnknownPosition`] for a position range out of bounds).
    pub fn check(&self, account: &ScanAccount, positions: &[Position]) -> Result<Option<Health>> {
        let own = account.positions(positions)?;
        if self.proves_healthy(account.collateral, own) {
            return Ok(None);
        }
        self.exact(account.collateral, own)
    }

    fn exact(&self, collateral: Quote, own: &[Position]) -> Result<Option<Health>> {
        let h = pool_health(&Pool::new(collateral, own), self.markets, self.prices)?;
        Ok(if h.state == HealthState::Healthy { None } else { Some(h) })
    }

    /// The exact path of one account: writes a hit to `out[*count]` when it
    /// is not healthy; `Some(end)` when the scan must stop here. Kept out of
    /// line so that the fast loop keeps its registers.
    #[cold]
    #[inline(never)]
    fn record<H: From<ScanHit>>(
        &self,
        account_index: usize,
        collateral: Quote,
        own: &[Position],
        out: &mut [H],
        count: &mut usize,
    ) -> Option<ScanEnd> {
        match self.exact(collateral, own) {
            Ok(None) => None,
            Ok(Some(health)) => match out.get_mut(*count) {
                Some(slot) => {
                    *slot = H::from(ScanHit { account_index, health });
                    *count = count.saturating_add(1);
                    None
                }
                None => Some(ScanEnd::BufferFull),
            },
            Err(e) => Some(ScanEnd::Failed(e)),
        }
    }

    /// True when the division-free bound proves the pool healthy and
    /// [`pool_health`] error-free (see the module docs). False proves
    /// nothing.
    #[inline(always)]
    fn proves_healthy(&self, collateral: Quote, own: &[Position]) -> bool {
        let b = self.bound;
        if collateral.0.unsigned_abs() >= b {
            return false;
        }
        if let [p] = own {
            return self.proves_one(collateral, p);
        }
        if own.len() > MAX_POSITIONS {
            return false;
        }
        // |cash| < (1 + MAX_POSITIONS) × B ≤ 65 × 2^55: i64 cannot wrap.
        let mut cash: i64 = collateral.0;
        // Each term is below 3 × B × Q ≤ 3 × 2^110 in magnitude, at most
        // MAX_POSITIONS of them: |acc| < 2^118, no i128 wrap.
        let mut acc: i128 = 0;
        let mut nonzero: i64 = 0;
        for p in own {
            let qb = p.quote_balance.0;
            if qb.unsigned_abs() >= b {
                return false;
            }
            // The table covers only markets that exist (see `new`).
            let Some(m) = self.table.get(p.market_index as usize) else { return false };
            cash = cash.wrapping_add(qb);
            if p.size.0 == 0 {
                continue;
            }
            let Some(term) = m.term(p.size.0) else { return false };
            acc = acc.wrapping_add(term);
            nonzero = nonzero.wrapping_add(1);
        }
        self.healthy(acc, cash, nonzero)
    }

    /// [`Self::proves_healthy`] for a single-position pool, without the
    /// loop (the common case). The caller has checked nothing.
    #[inline(always)]
    fn proves_one(&self, collateral: Quote, p: &Position) -> bool {
        // |collateral| < B and |qb| < B, as `x + (B − 1) < 2B − 1` unsigned
        // (one compare each; B ≥ 2^30); then |collateral + qb| < 2B.
        let qb = p.quote_balance.0;
        let (shift, span) = (self.bound.wrapping_sub(1), self.bound.wrapping_mul(2).wrapping_sub(1));
        if (collateral.0 as u64).wrapping_add(shift) >= span || (qb as u64).wrapping_add(shift) >= span {
            return false;
        }
        let Some(m) = self.table.get(p.market_index as usize) else { return false };
        let cash = collateral.0.wrapping_add(qb);
        if p.size.0 == 0 {
            return cash >= 0;
        }
        let Some(term) = m.term(p.size.0) else { return false };
        self.healthy(term, cash, 1)
    }

    /// `E_x − MM_x > 2n − 1`, i.e. `acc + Q × (cash − 2n + 1) > 0`.
    /// `|cash − 2n + 1| < 2^62` and `|cash| < 65·B`, so `Q × …` < 2^117 and
    /// the sum < 2^119: no wrap.
    #[inline(always)]
    fn healthy(&self, acc: i128, cash: i64, nonzero: i64) -> bool {
        let slack = cash.wrapping_sub(nonzero.wrapping_mul(2)).wrapping_add(1);
        match self.q64 {
            Some(q) => acc.wrapping_add(i128::from(q).wrapping_mul(i128::from(slack))) > 0,
            None => acc.wrapping_add(self.q.wrapping_mul(i128::from(slack))) > 0,
        }
    }

    /// Scans `accounts[start..]` and writes each pool that is not healthy to
    /// the front of `out`, in account order. See [`ScanOutcome`] for where
    /// to resume.
    pub fn scan(&self, accounts: &[ScanAccount], positions: &[Position], start: usize, out: &mut [ScanHit]) -> ScanOutcome {
        self.scan_into(accounts, positions, start, out)
    }

    /// [`Self::scan`] into a buffer of the caller's hit type, each hit
    /// converted as it is written (the C ABI's hits, written straight into
    /// the caller's array). The same outcome as [`Self::scan`] over a buffer
    /// of that length.
    pub fn scan_into<H: From<ScanHit>>(
        &self,
        accounts: &[ScanAccount],
        positions: &[Position],
        start: usize,
        out: &mut [H],
    ) -> ScanOutcome {
        let mut count = 0usize;
        let mut exact_checks = 0usize;
        let tail = accounts.get(start..).unwrap_or(&[]);
        for (offset, a) in tail.iter().enumerate() {
            // The common single-position account first: one bounds check,
            // no slice.
            if a.position_count == 1 {
                if let Some(p) = positions.get(a.first_position as usize) {
                    if self.proves_one(a.collateral, p) {
                        continue;
                    }
                }
            }
            let idx = start.saturating_add(offset);
            let own = match a.positions(positions) {
                Ok(own) => own,
                Err(e) => return ScanOutcome { count, next: idx, end: ScanEnd::Failed(e), exact_checks },
            };
            if a.position_count != 1 && self.proves_healthy(a.collateral, own) {
                continue;
            }
            exact_checks = exact_checks.saturating_add(1);
            if let Some(end) = self.record(idx, a.collateral, own, out, &mut count) {
                return ScanOutcome { count, next: idx, end, exact_checks };
            }
        }
        ScanOutcome { count, next: start.max(accounts.len()), end: ScanEnd::Complete, exact_checks }
    }

    /// Checks the accounts named by `entries[start..]` (candidates from a
    /// [`crate::index::LiquidationIndex`]) and writes each that is not
    /// healthy to `out`, in entry order; `next` counts entries. An account
    /// named twice is reported twice. An entry naming no account fails with
    /// [`Error::UnknownPosition`].
    pub fn confirm(
        &self,
        entries: &[crate::index::IndexEntry],
        accounts: &[ScanAccount],
        positions: &[Position],
        start: usize,
        out: &mut [ScanHit],
    ) -> ScanOutcome {
        self.confirm_into(entries, accounts, positions, start, out)
    }

    /// [`Self::confirm`] into a buffer of the caller's hit type (see
    /// [`Self::scan_into`]).
    pub fn confirm_into<H: From<ScanHit>>(
        &self,
        entries: &[crate::index::IndexEntry],
        accounts: &[ScanAccount],
        positions: &[Position],
        start: usize,
        out: &mut [H],
    ) -> ScanOutcome {
        let mut count = 0usize;
        let mut exact_checks = 0usize;
        let tail = entries.get(start..).unwrap_or(&[]);
        for (offset, e) in tail.iter().enumerate() {
            // The entries name accounts in key order, scattered in memory:
            // touch the account and position a few entries on, so that
            // their cache misses overlap with this entry's work.
            if let Some(f) = tail.get(offset.wrapping_add(CONFIRM_AHEAD)) {
                core::hint::black_box((
                    accounts.get(f.account as usize).map(|a| a.collateral),
                    positions.get(f.position as usize).map(|p| p.size),
                ));
            }
            let idx = start.saturating_add(offset);
            let account_index = e.account as usize;
            let checked = match accounts.get(account_index) {
                Some(a) => a.positions(positions).map(|own| (a.collateral, own)),
                None => Err(Error::UnknownPosition),
            };
            let (collateral, own) = match checked {
                Ok(v) => v,
                Err(err) => return ScanOutcome { count, next: idx, end: ScanEnd::Failed(err), exact_checks },
            };
            if self.proves_healthy(collateral, own) {
                continue;
            }
            exact_checks = exact_checks.saturating_add(1);
            if let Some(end) = self.record(account_index, collateral, own, out, &mut count) {
                return ScanOutcome { count, next: idx, end, exact_checks };
            }
        }
        ScanOutcome { count, next: start.max(entries.len()), end: ScanEnd::Complete, exact_checks }
    }
}

/// The scales of one table: `K`, `10^K`, `Q`, `B` and `B × 10^K` (see the
/// module docs).
struct Scales {
    big_k: u32,
    pow_k: i128,
    q: i128,
    bound: i128,
    scaled_bound: i128,
}

impl Scales {
    /// The scales of a table of `covered` entries over `markets`.
    fn of(markets: &[Market], covered: usize) -> Scales {
        // K over the markets the table covers and that are valid.
        let mut big_k: u32 = 0;
        for m in markets.iter().take(covered) {
            if m.validate().is_ok() {
                big_k = big_k.max(m.denominator_exponent());
            }
        }
        // K ≤ 18 for valid markets: 10^K × 10^6 ≤ 10^24 fits.
        let pow_k = num::pow10(big_k).unwrap_or(1);
        let q = pow_k.saturating_mul(PPM);
        // B = min(2^55, 2^110 / Q) ≥ 2^30.
        let bound = BOUND_CAP.min(SCALED_CAP.checked_div(q).unwrap_or(0));
        let scaled_bound = bound.saturating_mul(pow_k); // B × 10^K < 2^91
        Scales { big_k, pow_k, q, bound, scaled_bound }
    }
}

/// The table entry of one market, or `None` when its positions must take the
/// exact path (invalid market, no positive price, or figures too large).
fn market_entry(m: &Market, price: Price, big_k: u32, pow_k: i128, scaled_bound: i128) -> Option<ScanMarket> {
    m.validate().ok()?;
    if price.0 <= 0 {
        return None;
    }
    // pm = price × 10^max(0,e) × 10^(K − k): S = size × pm exactly.
    let lift = num::pow10(big_k.checked_sub(m.denominator_exponent())?).ok()?;
    let pm = num::mul(num::mul(i128::from(price.0), m.notional_multiplier().ok()?).ok()?, lift).ok()?;
    if pm >= scaled_bound {
        return None;
    }
    // |size| ≤ size_max ⇒ |S| ≤ size_max × pm < B × 10^K.
    let size_max = u64::try_from(num::div_round(num::sub(scaled_bound, 1).ok()?, pm, Rounding::Floor).ok()?).unwrap_or(u64::MAX);
    let mut e = ScanMarket { size_max, ..ScanMarket::EMPTY };
    let mut count: u32 = 0;
    for (t, tier) in m.active_tiers().ok()?.iter().enumerate() {
        // Tier t holds |S| ≥ floor × 10^K ⇔ |size| ≥ ceil(floor × 10^K / pm).
        let floor_scaled = num::mul(i128::from(tier.notional_floor.0), pow_k).ok()?;
        let size_floor = num::div_round(floor_scaled, pm, Rounding::Ceil).ok()?;
        if size_floor > i128::from(size_max) {
            break; // this and every higher tier is out of the fast path's reach
        }
        let (f, d) = m.tier_terms(t, RequirementKind::Maintenance).ok()?;
        let f = i128::from(f.0);
        *e.size_floor.get_mut(t)? = u64::try_from(size_floor).ok()?;
        *e.long_slope.get_mut(t)? = num::mul(pm, num::sub(PPM, f).ok()?).ok()?;
        *e.short_slope.get_mut(t)? = num::mul(pm, num::add(PPM, f).ok()?).ok()?;
        *e.deduction.get_mut(t)? = num::mul(d, pow_k).ok()?;
        count = count.checked_add(1)?;
    }
    e.tier_count = count;
    let fits = |v: &i128| i64::try_from(*v).is_ok();
    let n = count as usize;
    let narrow = [&e.long_slope, &e.short_slope].iter().all(|a| a.get(..n).is_some_and(|a| a.iter().all(fits)));
    e.narrow = u32::from(narrow);
    if narrow {
        for (d, s) in e.long_slope64.iter_mut().zip(e.long_slope.iter()).chain(e.short_slope64.iter_mut().zip(e.short_slope.iter())) {
            *d = i64::try_from(*s).unwrap_or(0);
        }
    }
    Some(e)
}

/// Scans `accounts[start..]` at `prices` with a stack table of
/// [`SCAN_STACK_MARKETS`] markets (positions of markets beyond it take the
/// exact path). See [`Scanner::scan`].
pub fn scan_accounts(
    markets: &[Market],
    prices: &[Price],
    accounts: &[ScanAccount],
    positions: &[Position],
    start: usize,
    out: &mut [ScanHit],
) -> ScanOutcome {
    let mut table = [ScanMarket::EMPTY; SCAN_STACK_MARKETS];
    Scanner::new(&mut table, markets, prices).scan(accounts, positions, start, out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::market::MarginTier;
    use crate::num::Ppm;
    use crate::test_fixtures::pos;

    #[test]
    fn finds_exactly_the_unhealthy() {
        // e = 0, 10 % / 5 %. Long 100 @ 100: value 10,000 + qb, MM 500.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100)];
        let positions = [pos(0, 100, -9_500), pos(0, 100, -9_501), pos(0, 100, -10_001), pos(0, 0, 5)];
        let accounts = [
            ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 }, // 500 = MM: healthy
            ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 }, // 499 < 500
            ScanAccount { collateral: Quote(0), first_position: 2, position_count: 1 }, // −1: bankrupt
            ScanAccount { collateral: Quote(-6), first_position: 3, position_count: 1 }, // −1, no MM: bankrupt
            ScanAccount { collateral: Quote(1_000), first_position: 0, position_count: 3 }, // 1,000 + 500 + 499 − 1 vs 1,500
        ];
        let mut out = [ScanHit::default(); 8];
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut out);
        assert_eq!(r.end, ScanEnd::Complete);
        assert_eq!(r.next, 5);
        let got: Vec<_> = out[..r.count].iter().map(|h| (h.account_index, h.health.state, h.health.equity)).collect();
        assert_eq!(
            got,
            vec![(1, HealthState::Liquidatable, Quote(499)), (2, HealthState::Bankrupt, Quote(-1)), (3, HealthState::Bankrupt, Quote(-1))]
        );
        // A buffer of one: stops at the second hit, resumes there.
        let mut one = [ScanHit::default(); 1];
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut one);
        assert_eq!((r.count, r.next, r.end), (1, 2, ScanEnd::BufferFull));
        let r = scan_accounts(&markets, &prices, &accounts, &positions, 2, &mut one);
        assert_eq!((r.count, r.next, one[0].account_index), (1, 3, 2));
    }

    #[test]
    fn errors_stop_the_scan_where_pool_health_fails() {
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let positions = [pos(0, 100, -9_000), pos(1, 1, 0)];
        let accounts = [
            ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 },
            ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 },
            ScanAccount { collateral: Quote(0), first_position: 1, position_count: 5 },
        ];
        let mut out = [ScanHit::default(); 4];
        let r = scan_accounts(&markets, &[Price(100)], &accounts, &positions, 0, &mut out);
        assert_eq!((r.count, r.next, r.end), (0, 1, ScanEnd::Failed(Error::UnknownMarket)));
        let r = scan_accounts(&markets, &[Price(100)], &accounts, &positions, 2, &mut out);
        assert_eq!((r.count, r.next, r.end), (0, 2, ScanEnd::Failed(Error::UnknownPosition)));
        // A missing price fails only for the accounts that need it.
        let r = scan_accounts(&markets, &[Price(0)], &accounts[..1], &positions, 0, &mut out);
        assert_eq!(r.end, ScanEnd::Failed(Error::MissingPrice));
    }

    #[test]
    fn figure_bound_edges() {
        // K = 0: Q = 1e6, B = min(2^55, 2^110 / 1e6) = 2^55.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(1)];
        let mut table = [ScanMarket::EMPTY; 1];
        let s = Scanner::new(&mut table, &markets, &prices);
        let b = 1i64 << 55;
        assert_eq!(s.bound, 1u64 << 55);
        let one = |qb: i64| [pos(0, 1, qb)];
        for (collateral, qb, fast) in [(b - 1, 0, true), (b, 0, false), (0, b - 1, true), (0, b, false), (-b, b - 1, false), (5, -b, false)]
        {
            assert_eq!(s.proves_healthy(Quote(collateral), &one(qb)), fast, "{collateral} {qb}");
            // Same answer either way.
            let a = ScanAccount { collateral: Quote(collateral), first_position: 0, position_count: 1 };
            let want = pool_health(&Pool::new(Quote(collateral), &one(qb)), &markets, &prices)
                .map(|h| (h.state != HealthState::Healthy).then_some(h));
            assert_eq!(s.check(&a, &one(qb)), want);
        }
        // Two positions take the loop: the same bounds.
        assert!(s.proves_healthy(Quote(b - 1), &[pos(0, 1, 0), pos(0, 0, 1)]));
        assert!(!s.proves_healthy(Quote(b), &[pos(0, 1, 0), pos(0, 0, 1)]));
    }

    #[test]
    fn a_kept_table_scans_as_the_new_one() {
        // Two markets (e = 0 and e = −2); the table filled once, then used
        // through `from_table`: the same outcome and hits, hit for hit.
        let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000)), Market::single_tier(-2, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(100), Price(10_000)];
        let positions = [pos(0, 100, -9_501), pos(1, 100, -9_000), pos(0, -100, 10_600), pos(1, 0, 3)];
        let accounts = [
            ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 }, // 499 < 500
            ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 }, // 1,000 ≥ 50
            ScanAccount { collateral: Quote(0), first_position: 2, position_count: 2 }, // 600 + 3 ≥ 500
        ];
        let mut table = [ScanMarket::EMPTY; 2];
        let mut a = [ScanHit::default(); 4];
        let fresh = Scanner::new(&mut table, &markets, &prices);
        let scales = fresh.scales();
        let ra = fresh.scan(&accounts, &positions, 0, &mut a);
        let mut b = [ScanHit::default(); 4];
        let rb = Scanner::from_table(&table, &markets, &prices).scan(&accounts, &positions, 0, &mut b);
        assert_eq!(ra, rb);
        assert_eq!(a, b);
        assert_eq!((rb.count, b[0].account_index, b[0].health.equity), (1, 0, Quote(499)));
        // The fast path proved the other two healthy in both.
        assert_eq!(rb.exact_checks, 1);
        // With the kept scales (K = 2: Q = 10^2 × 10^6 = 10^8; B = min(2^55,
        // 2^110 / 10^8) = 2^55), the same scan; `from_table` derives the same.
        let kept = Scanner::from_table_scaled(&table, &markets, &prices, scales);
        assert_eq!(kept.scales(), Scanner::from_table(&table, &markets, &prices).scales());
        assert_eq!(scales, ScanScales { q: 100_000_000, bound: 1 << 55, reserved: 0 });
        let mut c = [ScanHit::default(); 4];
        assert_eq!(kept.scan(&accounts, &positions, 0, &mut c), ra);
        assert_eq!(c, a);
        // Into another hit type (here the account index alone), converted as
        // written: the same outcome, the same accounts.
        struct Index(usize);
        impl From<ScanHit> for Index {
            fn from(h: ScanHit) -> Self {
                Index(h.account_index)
            }
        }
        let mut d: [Index; 1] = [Index(9)];
        let rd = kept.scan_into(&accounts, &positions, 0, &mut d);
        assert_eq!((rd, d[0].0), (ra, 0));
        let mut e: [Index; 0] = [];
        assert_eq!(kept.scan_into(&accounts, &positions, 0, &mut e).end, ScanEnd::BufferFull);
    }

    #[test]
    fn layouts() {
        // The per-account footprint of the scan: 16 + 24 bytes a position.
        assert_eq!(core::mem::size_of::<ScanAccount>(), 16);
        assert_eq!(core::mem::size_of::<Position>(), 24);
        assert_eq!(core::mem::size_of::<crate::index::IndexEntry>(), 16);
        assert_eq!(core::mem::size_of::<ScanMarket>(), 1_168);
    }

    #[test]
    fn tiers_and_exponents_on_the_fast_path() {
        // [0, 5,000) 5 %; [5,000, ∞) 10 % (deduction 250), e = −2 (cents).
        let t = |f: i64, im: u32, mm: u32| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) };
        let m = Market::single_tier(-2, 1, 1, Ppm(0), Ppm(0)).with_tiers(&[t(0, 100_000, 50_000), t(5_000, 200_000, 100_000)]).unwrap();
        let markets = [m, Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
        let prices = [Price(10_000), Price(7)];
        // Long 100 @ 100.00 = 10,000 (tier 1: MM 1,000 − 250 = 750) with
        // qb −9,000 and collateral 0 → equity 1,000: healthy with margin.
        let positions = [pos(0, 100, -9_000), pos(1, -1_000, 7_000 + 400)];
        let accounts = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: 2 }];
        let mut table = [ScanMarket::EMPTY; 2];
        let s = Scanner::new(&mut table, &markets, &prices);
        // Short 1,000 @ 7 = −7,000, MM 350; equity 1,000 + 400 = 1,400 ≥ 1,100.
        assert!(s.proves_healthy(Quote(0), &positions));
        assert_eq!(s.check(&accounts[0], &positions).unwrap(), None);
        // Collateral −300: 1,100 = MM exactly: the fast path cannot prove it
        // (within 2n), the exact path says healthy.
        assert!(!s.proves_healthy(Quote(-300), &positions));
        assert_eq!(s.check(&ScanAccount { collateral: Quote(-300), ..accounts[0] }, &positions).unwrap(), None);
        let h = s.check(&ScanAccount { collateral: Quote(-301), ..accounts[0] }, &positions).unwrap().unwrap();
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (Quote(1_099), Quote(1_100), HealthState::Liquidatable));
    }
}
