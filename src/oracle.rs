//! Prices with integrity: the stage before the pipeline that decides
//! whether a market's price may liquidate anyone, and which price it is.
//!
//! A liquidation is only as right as its mark. An oracle that stopped
//! publishing, a price whose confidence interval spans a tenth of itself, a
//! mark that one thin book pushed far from the oracle: each would liquidate
//! healthy accounts (or spare insolvent ones) if taken at face value. The
//! venues guard against it the same way — Drift grades each oracle reading
//! (`OracleValidity`: invalid, too volatile, too uncertain, stale) and acts
//! only on a valid one; Pyth publishes a price with a confidence interval and
//! a publish time; Hyperliquid's mark is the median of its oracle, its book
//! and its index; Mango values initial health with a slow "stable price";
//! Aave holds liquidations off for a grace period after an outage. This
//! module is those rules, composed per market:
//!
//! * a [`PriceFeed`] per market: the oracle price with its publish time and
//!   confidence (the half-width of the oracle's interval, in price units),
//!   an optional index price and mark price, and the time until which the
//!   market is in a liquidation grace period;
//! * a [`PriceGuard`]: the maximum age of the oracle price
//!   (`now − publish_time`), the maximum confidence width and the maximum
//!   mark-to-oracle deviation (both in ppm of the oracle price), and which
//!   price each figure uses ([`PriceSource`] per [`PriceUse`]: oracle, mark,
//!   index, or the median of the three);
//! * [`Validity`]: one variant per failure, so an engine can log exactly why
//!   a market's price was refused;
//! * a [`StablePrice`]: a price that follows the oracle at a bounded rate per
//!   second, and [`initial_price`], which values an asset at the lower and a
//!   liability at the higher of the oracle and the stable price.
//!
//! # The checks, exactly
//!
//! With `P` the oracle price, `c` its confidence and `M` the mark (each an
//! integer), a feed is, in this order:
//!
//! * [`Validity::NonPositive`] when `P ≤ 0`;
//! * [`Validity::Stale`] when `now − publish_time > max_staleness` (equal
//!   is still fresh; a publish time after `now`, a clock skew, counts as
//!   age 0);
//! * [`Validity::TooUncertain`] when `c < 0` or `c × 10^6 > max_confidence
//!   × P` (equal is still certain enough);
//! * [`Validity::Deviating`] when a mark is given (`M > 0`) and `|M − P| ×
//!   10^6 > max_deviation × P` (equal still agrees);
//! * otherwise [`Validity::Valid`].
//!
//! Each comparison is of exact products in `i128` — no division, so no
//! rounding to name. A limit of 0 turns its check off, and
//! [`PriceGuard::OFF`] (the default) has every check off and reads the oracle
//! for every figure: exactly the pipeline's behaviour without a guard (a
//! price is refused only when it is not positive).
//!
//! A source the guard names for a figure must be there: a mark or index of
//! 0 (or below) is "not given", and a figure read from it is
//! [`Validity::NoMark`] or [`Validity::NoIndex`]; the median needs all three.
//! The median of three integers is the middle one (no rounding).
//!
//! # In the pipeline
//!
//! [`run_guarded_pipeline`](crate::pipeline::run_guarded_pipeline) gates
//! [`run_pipeline`](crate::run_pipeline): when the price of any market the
//! pool holds a position in is not valid for the figures the pipeline uses
//! (the liquidation trigger and the order limit price), the decision is no
//! liquidation with [`Reason::PriceInvalid`](crate::Reason::PriceInvalid);
//! when any such market is in its grace period, no liquidation with
//! [`Reason::GracePeriod`](crate::Reason::GracePeriod). Never a guess. The
//! marks it then liquidates at are the caller's, checked to be the guard's
//! trigger prices ([`resolve_prices`] writes them).
//!
//! # The order limit
//!
//! Health, the trigger and the sizing's valuation read the trigger price
//! (sizing restores the very figure the trigger reads). Each leg's limit
//! price — the flat band, the Dutch band, or dYdX's fillable price — is
//! priced around the guard's [`PriceUse::Limit`] price `R` of the market
//! instead of the mark `P`, and then held between two bounds:
//!
//! * never **worse for the account** than the same pricing around `P` (the
//!   band measured from the price the account is judged at is never
//!   exceeded: a limit source below the mark cannot make a sell cheaper);
//! * never **better for the account** than `P` itself, to the tick (a sell's
//!   mark rounded down, a buy's up): sizing never counts on a fill better
//!   than the mark, so a limit source above the mark narrows a sell's
//!   discount at most to nothing.
//!
//! For a sell (closing a long) with `q(X)` the limit priced around `X`:
//! `limit = max(q(P), min(q(R), max(⌊P⌋_tick, q(P))))`, and for a buy the
//! mirror `min(q(P), max(q(R), min(⌈P⌉_tick, q(P))))`. A limit source on
//! the wrong side of the mark (below it for a sell, above it for a buy) thus
//! gives exactly the limit around the mark; on the other side it moves the
//! limit toward the mark by at most the band. The planner sizes each leg at
//! this limit — the worst fill the order accepts — so when every leg fills
//! at its limit the pool reaches the target, whichever source the limit
//! reads; a better fill only adds equity. With the limit source equal to
//! the trigger source (e.g. both the oracle, [`PriceGuard::OFF`]) the
//! guarded pipeline decides exactly as the plain one. For dYdX's fillable
//! price the position's notional is taken at `R` and the spread
//! (`ABR × SMMR × PMMR`) stays the pool's at its marks.
//! [`crate::pricing::limit_price_around`] gives the same limit for one
//! position. A limit source the guard refuses is
//! [`Reason::PriceInvalid`](crate::Reason::PriceInvalid), as a refused
//! trigger source is.
//!
//! # The stable price
//!
//! Mango values initial health with a "stable price" that follows the oracle
//! slowly, so a short spike cannot lend an account margin it will not have
//! once the spike is gone. [`StablePrice::update`] moves the stable price `S`
//! toward the oracle `P` by at most
//!
//! ```text
//! step = ⌊S × rate × (now − last_update) / 10^6⌋      (Floor: never faster)
//! ```
//!
//! and never past `P`. The step is linear in the elapsed time from the
//! stable price at the last move (Mango compounds per second; linear is the
//! bound an integer engine can state exactly, and it is never faster). A
//! step that rounds to 0 keeps `last_update`, so the elapsed time accumulates
//! until at least one price unit may move — a slow market is not frozen by
//! frequent updates.
//!
//! [`initial_price`] takes, for the initial margin, the lower of the oracle
//! and the stable price for what the account holds (a long, a deposit) and
//! the higher for what it owes (a short, a borrow). A long's health
//! (`value − requirement`, the requirement's slope below 1) only rises with
//! the price and a short's only falls, so initial health with the stable
//! price is never above initial health at the oracle alone.
//! [`initial_prices`] applies it to a pool's markets (by the sign of the
//! pool's net size in each); the caller passes the result to
//! [`pool_health`](crate::pool_health) for its initial figures, or applies
//! [`initial_price`] per asset to a unified book's asset prices (a deposit
//! is held, a borrow owed) — a price selection the caller applies, so every
//! health function keeps its one price per market.

use crate::account::Pool;
use crate::error::{Error, Result};
use crate::num::{self, Ppm, Price, PPM};

/// One market's prices as its feeds publish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct PriceFeed {
    /// The oracle price (price units of the market).
    pub oracle: Price,
    /// When the oracle published it (the caller's clock, as `now`).
    pub publish_time: u64,
    /// The oracle's confidence: the half-width of its interval, price units.
    pub confidence: Price,
    /// The index price (the spot price the perpetual tracks); 0 = none.
    pub index: Price,
    /// The mark price (the venue's own, e.g. from its book); 0 = none.
    pub mark: Price,
    /// No liquidation on this market while `now < grace_until` (Aave's
    /// liquidation grace period after an outage); 0 = none.
    pub grace_until: u64,
}

/// Which price a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u32)]
pub enum PriceSource {
    /// The oracle price.
    #[default]
    Oracle = 0,
    /// The mark price (must be given).
    Mark = 1,
    /// The index price (must be given).
    Index = 2,
    /// Hyperliquid-style: the median of oracle, mark and index (all given).
    Median = 3,
}

/// The figures a price is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum PriceUse {
    /// The liquidation trigger (maintenance health), and what the pipeline
    /// sizes against.
    Trigger = 0,
    /// The initial margin (opening, withdrawing).
    Initial = 1,
    /// The liquidation order's limit price.
    Limit = 2,
}

/// Whether a feed's price may be used, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Validity {
    /// Every check passes.
    Valid = 0,
    /// The oracle price is zero or negative.
    NonPositive = 1,
    /// The oracle price is older than the guard's maximum staleness.
    Stale = 2,
    /// The confidence is negative or wider than the guard's maximum.
    TooUncertain = 3,
    /// The mark deviates from the oracle by more than the guard's maximum.
    Deviating = 4,
    /// The figure reads the mark (or the median) and no mark is given.
    NoMark = 5,
    /// The figure reads the index (or the median) and no index is given.
    NoIndex = 6,
}

impl Validity {
    /// True for [`Validity::Valid`].
    #[must_use]
    pub const fn is_valid(self) -> bool {
        matches!(self, Validity::Valid)
    }
}

/// The price policy: how old, how uncertain and how far from the oracle a
/// price may be, and which price each figure reads. A limit of 0 is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct PriceGuard {
    /// Largest `now − publish_time` still fresh (0 = no staleness check).
    pub max_staleness: u64,
    /// Largest confidence, in ppm of the oracle price (0 = no check).
    pub max_confidence: Ppm,
    /// Largest `|mark − oracle|`, in ppm of the oracle price (0 = no check).
    pub max_deviation: Ppm,
    /// The liquidation trigger's price.
    pub trigger: PriceSource,
    /// The initial margin's price.
    pub initial: PriceSource,
    /// The liquidation order limit's price.
    pub limit: PriceSource,
}

impl Default for PriceGuard {
    /// [`PriceGuard::OFF`].
    fn default() -> Self {
        PriceGuard::OFF
    }
}

impl PriceGuard {
    /// Every check off, the oracle for every figure: a price is refused only
    /// when it is not positive (the pipeline's behaviour without a guard).
    pub const OFF: PriceGuard = PriceGuard {
        max_staleness: 0,
        max_confidence: Ppm(0),
        max_deviation: Ppm(0),
        trigger: PriceSource::Oracle,
        initial: PriceSource::Oracle,
        limit: PriceSource::Oracle,
    };

    /// The source a figure reads.
    #[must_use]
    pub const fn source(&self, usage: PriceUse) -> PriceSource {
        match usage {
            PriceUse::Trigger => self.trigger,
            PriceUse::Initial => self.initial,
            PriceUse::Limit => self.limit,
        }
    }

    /// The feed's validity at `now`, the checks in the module docs' order
    /// (the first failing one is reported). The sources are not looked at
    /// (see [`PriceGuard::price`]).
    ///
    /// Errors: [`Error::Overflow`] never in practice (the products are of
    /// `i64` by `u32` figures in `i128`); kept a `Result` for the checked
    /// arithmetic.
    pub fn validity(&self, feed: &PriceFeed, now: u64) -> Result<Validity> {
        let p = i128::from(feed.oracle.0);
        if p <= 0 {
            return Ok(Validity::NonPositive);
        }
        if self.max_staleness > 0 && now.saturating_sub(feed.publish_time) > self.max_staleness {
            return Ok(Validity::Stale);
        }
        let conf = i128::from(feed.confidence.0);
        if conf < 0 || (self.max_confidence.0 > 0 && exceeds(conf, self.max_confidence, p)?) {
            return Ok(Validity::TooUncertain);
        }
        let mark = i128::from(feed.mark.0);
        if self.max_deviation.0 > 0 && mark > 0 && exceeds(num::sub(mark, p)?.abs(), self.max_deviation, p)? {
            return Ok(Validity::Deviating);
        }
        Ok(Validity::Valid)
    }

    /// The price `usage` reads from `feed` at `now`: `Ok(Ok(price))` when the
    /// feed is valid and the source is given, `Ok(Err(validity))` with the
    /// reason otherwise. Errors as [`PriceGuard::validity`].
    pub fn price(&self, feed: &PriceFeed, now: u64, usage: PriceUse) -> Result<core::result::Result<Price, Validity>> {
        let v = self.validity(feed, now)?;
        if !v.is_valid() {
            return Ok(Err(v));
        }
        Ok(source_price(feed, self.source(usage)))
    }

    /// The first market of `pool` holding a position (size ≠ 0) whose feed
    /// refuses a figure the pipeline uses (trigger or limit), with its
    /// market index and reason; `None` when every one is valid.
    ///
    /// Errors: [`Error::UnknownMarket`] when a position's market has no feed.
    pub fn first_invalid(&self, pool: &Pool<'_>, feeds: &[PriceFeed], now: u64) -> Result<Option<(u32, Validity)>> {
        for p in pool.positions.iter().filter(|p| p.size.0 != 0) {
            let feed = feed_of(feeds, p.market_index)?;
            for usage in [PriceUse::Trigger, PriceUse::Limit] {
                if let Err(v) = self.price(feed, now, usage)? {
                    return Ok(Some((p.market_index, v)));
                }
            }
        }
        Ok(None)
    }
}

/// The first market of `pool` holding a position (size ≠ 0) that is in its
/// liquidation grace period at `now` (`now < grace_until`); `None` if none.
///
/// Errors: [`Error::UnknownMarket`] when a position's market has no feed.
pub fn first_in_grace(pool: &Pool<'_>, feeds: &[PriceFeed], now: u64) -> Result<Option<u32>> {
    for p in pool.positions.iter().filter(|p| p.size.0 != 0) {
        if now < feed_of(feeds, p.market_index)?.grace_until {
            return Ok(Some(p.market_index));
        }
    }
    Ok(None)
}

/// Resolves the price `usage` reads for every feed into `out` (`out[i]` for
/// `feeds[i]`): the guard's price when valid, `Price(0)` — a missing price,
/// which no health or pipeline function accepts — when not. Returns how
/// many feeds were refused.
///
/// Writes `out` only on success. Errors: [`Error::BufferTooSmall`] when
/// `out` is shorter than `feeds`.
pub fn resolve_prices(guard: &PriceGuard, feeds: &[PriceFeed], now: u64, usage: PriceUse, out: &mut [Price]) -> Result<usize> {
    let out = out.get_mut(..feeds.len()).ok_or(Error::BufferTooSmall)?;
    let mut refused = 0usize;
    for (slot, feed) in out.iter_mut().zip(feeds) {
        *slot = match guard.price(feed, now, usage)? {
            Ok(price) => price,
            Err(_) => {
                refused = refused.saturating_add(1);
                Price(0)
            }
        };
    }
    Ok(refused)
}

/// Where a pipeline prices each market's order limit: the guard's
/// [`PriceUse::Limit`] price of the market's feed at `now` (see "The order
/// limit" in the module docs). The guarded pipelines build it; a caller may
/// put one in [`crate::unified::LegTerms::perp_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSource<'a> {
    /// The price policy.
    pub guard: &'a PriceGuard,
    /// One feed per market (`feeds[i]` for market `i`).
    pub feeds: &'a [PriceFeed],
    /// The caller's clock.
    pub now: u64,
}

impl LimitSource<'_> {
    /// Market `index`'s limit reference. Errors: [`Error::UnknownMarket`]
    /// without a feed; [`Error::PriceNotGuarded`] when the guard refuses it
    /// (the gate before a guarded pipeline refuses such a pool first).
    pub fn reference(&self, index: u32) -> Result<i128> {
        match self.guard.price(feed_of(self.feeds, index)?, self.now, PriceUse::Limit)? {
            Ok(price) => Ok(i128::from(price.0)),
            Err(_) => Err(Error::PriceNotGuarded),
        }
    }
}

/// The feed of market `index`.
pub(crate) fn feed_of(feeds: &[PriceFeed], index: u32) -> Result<&PriceFeed> {
    usize::try_from(index).ok().and_then(|i| feeds.get(i)).ok_or(Error::UnknownMarket)
}

/// `amount × 10^6 > limit × price`, exactly.
fn exceeds(amount: i128, limit: Ppm, price: i128) -> Result<bool> {
    Ok(num::mul(amount, PPM)? > num::mul(i128::from(limit.0), price)?)
}

/// The source's price from a feed (whose oracle is positive).
fn source_price(feed: &PriceFeed, source: PriceSource) -> core::result::Result<Price, Validity> {
    let mark = if feed.mark.0 > 0 { Ok(feed.mark) } else { Err(Validity::NoMark) };
    let index = if feed.index.0 > 0 { Ok(feed.index) } else { Err(Validity::NoIndex) };
    match source {
        PriceSource::Oracle => Ok(feed.oracle),
        PriceSource::Mark => mark,
        PriceSource::Index => index,
        PriceSource::Median => Ok(median3(feed.oracle, mark?, index?)),
    }
}

/// The middle of three prices.
#[must_use]
pub fn median3(a: Price, b: Price, c: Price) -> Price {
    a.max(b).min(a.min(b).max(c))
}

/// A price that follows the oracle at a bounded rate (Mango's stable price;
/// see the module docs). Caller-owned state, one per market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct StablePrice {
    /// The stable price; 0 until the first update (which sets it to the oracle).
    pub price: Price,
    /// When it last moved (or was set).
    pub last_update: u64,
}

impl StablePrice {
    /// Moves the stable price toward `oracle` by at most `rate` (ppm of the
    /// stable price) per second elapsed since `last_update`, rounded down,
    /// never past the oracle. The first update (price ≤ 0) sets it to the
    /// oracle, and so does a rate of 0 (no stable price). A step of 0 keeps
    /// `last_update` (the elapsed time accumulates); a `now` before
    /// `last_update` moves nothing. Writes `self` only on success.
    ///
    /// Errors: [`Error::NegativePrice`] / [`Error::MissingPrice`] for an
    /// oracle below / at zero.
    pub fn update(&mut self, oracle: Price, now: u64, rate: Ppm) -> Result<()> {
        if oracle.0 < 0 {
            return Err(Error::NegativePrice);
        }
        if oracle.0 == 0 {
            return Err(Error::MissingPrice);
        }
        if self.price.0 <= 0 || rate.0 == 0 {
            *self = StablePrice { price: oracle, last_update: now };
            return Ok(());
        }
        let (s, p) = (i128::from(self.price.0), i128::from(oracle.0));
        let gap = num::sub(p, s)?.abs();
        let dt = i128::from(now.saturating_sub(self.last_update));
        // step = ⌊S × rate × dt / 10^6⌋; a product too large for i128 is far
        // beyond any gap, so the whole gap.
        let step = match num::mul(s, i128::from(rate.0)).and_then(|x| num::mul(x, dt)) {
            Ok(x) => num::div_round(x, PPM, num::Rounding::Floor)?.min(gap),
            Err(_) => gap,
        };
        if step == 0 {
            return Ok(());
        }
        let moved = if p > s { num::add(s, step)? } else { num::sub(s, step)? };
        let price = Price(i64::try_from(moved).map_err(|_| Error::Overflow)?);
        *self = StablePrice { price, last_update: now };
        Ok(())
    }
}

/// The initial margin's price of what an account holds (`held`: a long, a
/// deposit) — the lower of `oracle` and `stable` — or owes (a short, a
/// borrow) — the higher. A stable price of 0 (or below: not yet set) is
/// ignored.
#[must_use]
pub fn initial_price(oracle: Price, stable: Price, held: bool) -> Price {
    if stable.0 <= 0 {
        oracle
    } else if held {
        oracle.min(stable)
    } else {
        oracle.max(stable)
    }
}

/// [`initial_price`] for every market of `pool` into `out` (`out[i]` for
/// market `i`): a market where the pool's net size is long is held, short
/// owed; a market the pool has no net size in gets its oracle. Pass `out`
/// to [`pool_health`](crate::pool_health) for the initial figures.
///
/// Writes `out` only on success. Errors: [`Error::BufferTooSmall`] when
/// `out` or `stable` is shorter than `oracle`; [`Error::UnknownMarket`]
/// when a position's market is beyond `oracle`; [`Error::Overflow`].
pub fn initial_prices(pool: &Pool<'_>, oracle: &[Price], stable: &[Price], out: &mut [Price]) -> Result<()> {
    let stable = stable.get(..oracle.len()).ok_or(Error::BufferTooSmall)?;
    let out = out.get_mut(..oracle.len()).ok_or(Error::BufferTooSmall)?;
    for p in pool.positions {
        usize::try_from(p.market_index).ok().and_then(|i| oracle.get(i)).ok_or(Error::UnknownMarket)?;
    }
    for (i, ((slot, o), s)) in out.iter_mut().zip(oracle).zip(stable).enumerate() {
        let mut net: i128 = 0;
        for p in pool.positions.iter().filter(|p| usize::try_from(p.market_index).ok() == Some(i)) {
            net = num::add(net, i128::from(p.size.0))?;
        }
        *slot = if net == 0 { *o } else { initial_price(*o, *s, net > 0) };
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    /// Oracle 1,000 published at 100, confidence 5, mark 1,010, index 990.
    const FEED: PriceFeed =
        PriceFeed { oracle: Price(1_000), publish_time: 100, confidence: Price(5), index: Price(990), mark: Price(1_010), grace_until: 0 };

    fn guard() -> PriceGuard {
        PriceGuard { max_staleness: 30, max_confidence: Ppm(5_000), max_deviation: Ppm(10_000), ..PriceGuard::OFF }
    }

    /// Staleness: age 30 = the maximum is fresh, age 31 stale; a publish
    /// time after now is age 0.
    #[test]
    fn staleness_boundary() {
        assert_eq!(guard().validity(&FEED, 130).unwrap(), Validity::Valid);
        assert_eq!(guard().validity(&FEED, 131).unwrap(), Validity::Stale);
        assert_eq!(guard().validity(&FEED, 50).unwrap(), Validity::Valid);
        // Off: any age.
        assert_eq!(PriceGuard::OFF.validity(&FEED, u64::MAX).unwrap(), Validity::Valid);
    }

    /// Confidence: 5 × 10^6 = 5,000 × 1,000 is at the limit (valid); 6 is
    /// over; a negative confidence is refused even with the check off.
    #[test]
    fn confidence_boundary() {
        assert_eq!(guard().validity(&FEED, 100).unwrap(), Validity::Valid);
        let wide = PriceFeed { confidence: Price(6), ..FEED };
        assert_eq!(guard().validity(&wide, 100).unwrap(), Validity::TooUncertain);
        let negative = PriceFeed { confidence: Price(-1), ..FEED };
        assert_eq!(PriceGuard::OFF.validity(&negative, 100).unwrap(), Validity::TooUncertain);
    }

    /// Deviation: |1,010 − 1,000| × 10^6 = 10,000 × 1,000 is at the limit;
    /// a mark of 1,011 or 989 is over; no mark, no check.
    #[test]
    fn deviation_boundary() {
        assert_eq!(guard().validity(&FEED, 100).unwrap(), Validity::Valid);
        for m in [1_011, 989] {
            assert_eq!(guard().validity(&PriceFeed { mark: Price(m), ..FEED }, 100).unwrap(), Validity::Deviating);
        }
        assert_eq!(guard().validity(&PriceFeed { mark: Price(990), ..FEED }, 100).unwrap(), Validity::Valid);
        assert_eq!(guard().validity(&PriceFeed { mark: Price(0), ..FEED }, 100).unwrap(), Validity::Valid);
    }

    /// The first failing check is reported: non-positive before stale
    /// before uncertain before deviating.
    #[test]
    fn check_order() {
        let bad = PriceFeed { confidence: Price(100), mark: Price(2_000), ..FEED };
        assert_eq!(guard().validity(&bad, 200).unwrap(), Validity::Stale);
        assert_eq!(guard().validity(&bad, 100).unwrap(), Validity::TooUncertain);
        assert_eq!(guard().validity(&PriceFeed { oracle: Price(0), ..bad }, 200).unwrap(), Validity::NonPositive);
        assert_eq!(guard().validity(&PriceFeed { oracle: Price(-5), ..FEED }, 100).unwrap(), Validity::NonPositive);
    }

    /// Sources: the median of 1,000, 1,010, 990 is 1,000; of 1,000, 1,010,
    /// 1,020 (index) it is 1,010; a missing mark or index refuses the
    /// figures that read it.
    #[test]
    fn sources() {
        let g = PriceGuard { trigger: PriceSource::Median, initial: PriceSource::Index, limit: PriceSource::Mark, ..guard() };
        assert_eq!(g.price(&FEED, 100, PriceUse::Trigger).unwrap(), Ok(Price(1_000)));
        assert_eq!(g.price(&FEED, 100, PriceUse::Initial).unwrap(), Ok(Price(990)));
        assert_eq!(g.price(&FEED, 100, PriceUse::Limit).unwrap(), Ok(Price(1_010)));
        let high_index = PriceFeed { index: Price(1_020), ..FEED };
        assert_eq!(g.price(&high_index, 100, PriceUse::Trigger).unwrap(), Ok(Price(1_010)));
        let no_mark = PriceFeed { mark: Price(0), ..FEED };
        assert_eq!(g.price(&no_mark, 100, PriceUse::Trigger).unwrap(), Err(Validity::NoMark));
        assert_eq!(g.price(&no_mark, 100, PriceUse::Limit).unwrap(), Err(Validity::NoMark));
        assert_eq!(g.price(&no_mark, 100, PriceUse::Initial).unwrap(), Ok(Price(990)));
        let no_index = PriceFeed { index: Price(0), ..FEED };
        assert_eq!(g.price(&no_index, 100, PriceUse::Trigger).unwrap(), Err(Validity::NoIndex));
        assert_eq!(g.price(&FEED, 131, PriceUse::Initial).unwrap(), Err(Validity::Stale));
        assert_eq!(median3(Price(3), Price(1), Price(2)), Price(2));
        assert_eq!(median3(Price(2), Price(2), Price(1)), Price(2));
    }

    /// resolve_prices: valid feeds give their price, refused ones 0; a
    /// short buffer writes nothing.
    #[test]
    fn resolve() {
        let feeds = [FEED, PriceFeed { publish_time: 0, ..FEED }];
        let mut out = [Price(7); 3];
        assert_eq!(resolve_prices(&guard(), &feeds, 130, PriceUse::Trigger, &mut out), Ok(1));
        assert_eq!(out, [Price(1_000), Price(0), Price(7)]);
        let mut short = [Price(7); 1];
        assert_eq!(resolve_prices(&guard(), &feeds, 130, PriceUse::Trigger, &mut short), Err(Error::BufferTooSmall));
        assert_eq!(short, [Price(7)]);
    }

    /// Stable price, by hand: 1,000 with rate 1,000 ppm (0.1 %/s); oracle
    /// 2,000 five seconds later: step ⌊1,000 × 1,000 × 5 / 10^6⌋ = 5 →
    /// 1,005. Then 1 s later toward 1,000: step ⌊1,005 × 1,000 / 10^6⌋ = 1
    /// → 1,004. A step that rounds to 0 keeps the time.
    #[test]
    fn stable_by_hand() {
        let mut s = StablePrice::default();
        s.update(Price(1_000), 10, Ppm(1_000)).unwrap();
        assert_eq!(s, StablePrice { price: Price(1_000), last_update: 10 });
        s.update(Price(2_000), 15, Ppm(1_000)).unwrap();
        assert_eq!(s, StablePrice { price: Price(1_005), last_update: 15 });
        s.update(Price(1_000), 16, Ppm(1_000)).unwrap();
        assert_eq!(s, StablePrice { price: Price(1_004), last_update: 16 });
        // Price 100, 0.1 %/s: 100 × 1,000 × dt / 10^6 < 1 until dt = 10.
        let mut slow = StablePrice { price: Price(100), last_update: 0 };
        for t in 1..10 {
            slow.update(Price(200), t, Ppm(1_000)).unwrap();
            assert_eq!(slow, StablePrice { price: Price(100), last_update: 0 });
        }
        slow.update(Price(200), 10, Ppm(1_000)).unwrap();
        assert_eq!(slow, StablePrice { price: Price(101), last_update: 10 });
        // Never past the oracle; a huge dt is the whole gap.
        slow.update(Price(150), u64::MAX, Ppm(1_000_000)).unwrap();
        assert_eq!(slow.price, Price(150));
        // Rate 0 follows the oracle; a bad oracle writes nothing.
        slow.update(Price(90), 11, Ppm(0)).unwrap();
        assert_eq!(slow, StablePrice { price: Price(90), last_update: 11 });
        assert_eq!(slow.update(Price(0), 12, Ppm(1)), Err(Error::MissingPrice));
        assert_eq!(slow.update(Price(-1), 12, Ppm(1)), Err(Error::NegativePrice));
        assert_eq!(slow, StablePrice { price: Price(90), last_update: 11 });
    }

    /// Initial price: held at the lower, owed at the higher; an unset
    /// stable price is ignored. Per market by net size.
    #[test]
    fn initial_selection() {
        assert_eq!(initial_price(Price(100), Price(90), true), Price(90));
        assert_eq!(initial_price(Price(100), Price(90), false), Price(100));
        assert_eq!(initial_price(Price(100), Price(110), false), Price(110));
        assert_eq!(initial_price(Price(100), Price(0), true), Price(100));
        use crate::test_fixtures::pos;
        let positions = [pos(0, 5, 0), pos(1, -5, 0)];
        let pool = Pool::new(crate::Quote(0), &positions);
        let mut out = [Price(0); 3];
        initial_prices(&pool, &[Price(100), Price(100), Price(100)], &[Price(120), Price(120), Price(80)], &mut out).unwrap();
        assert_eq!(out, [Price(100), Price(120), Price(100)]);
        assert_eq!(initial_prices(&pool, &[Price(100); 3], &[Price(1); 2], &mut out), Err(Error::BufferTooSmall));
        assert_eq!(initial_prices(&pool, &[Price(100); 1], &[Price(1); 1], &mut out), Err(Error::UnknownMarket));
    }
}
