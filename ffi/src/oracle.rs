//! Prices with integrity (the core's `oracle`): per-market price feeds, the
//! price guard's checks and sources, the stable price, and the pipeline
//! behind the guard (`partliq_run_guarded_pipeline`).

use partliq::num::{Ppm, Price};
use partliq::oracle::{initial_price, resolve_prices, PriceFeed, PriceGuard, PriceSource, PriceUse, StablePrice, Validity};
use partliq::pipeline::{run_guarded_pipeline, Decision};
use partliq::policy::{AccountLiquidationState, Policy};

use crate::account::partliq_position;
use crate::boundary::{decode, Castable, Flag, PoolRef, OK};
use crate::market::partliq_market;
use crate::pipeline::{decision_of, partliq_decision};
use crate::plan::{legs_written, partliq_plan_leg};
use crate::policy::{partliq_account_liquidation_state, partliq_market_capacity_state, partliq_policy};
use crate::status::*;

/// One market's prices as its feeds publish them (`partliq_run_guarded_pipeline`
/// reads one per market).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_price_feed {
    /// The oracle price (price units of the market).
    pub oracle: i64,
    /// When the oracle published it (the caller's clock, as `now`).
    pub publish_time: u64,
    /// The oracle's confidence: the half-width of its interval, price units.
    pub confidence: i64,
    /// The index price; 0 = none.
    pub index: i64,
    /// The mark price; 0 = none.
    pub mark: i64,
    /// No liquidation on this market while `now < grace_until`; 0 = none.
    pub grace_until: u64,
}

pin_layout!(partliq_price_feed, size = 48, align = i64, {
    oracle @ 0, publish_time @ 8, confidence @ 16, index @ 24, mark @ 32, grace_until @ 40,
});

// Read in place: every field an integer, every value a valid feed.
castable!(partliq_price_feed => PriceFeed, |_f| Ok(()), {
    oracle = oracle, publish_time = publish_time, confidence = confidence, index = index, mark = mark, grace_until = grace_until,
});

/// Which price a figure reads (`partliq_price_guard.trigger` …).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_price_source {
    /// The oracle price.
    Oracle = 0,
    /// The mark price (must be given).
    Mark = 1,
    /// The index price (must be given).
    Index = 2,
    /// The median of oracle, mark and index (all given).
    Median = 3,
}

abi_enum!(partliq_price_source => PriceSource {
    Oracle => PriceSource::Oracle,
    Mark => PriceSource::Mark,
    Index => PriceSource::Index,
    Median => PriceSource::Median,
});

/// The figure a price is for (`partliq_guarded_price`, `partliq_resolve_prices`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_price_use {
    /// The liquidation trigger (and what the pipeline sizes against).
    Trigger = 0,
    /// The initial margin.
    Initial = 1,
    /// The liquidation order's limit price.
    Limit = 2,
}

abi_enum!(partliq_price_use => PriceUse { Trigger => PriceUse::Trigger, Initial => PriceUse::Initial, Limit => PriceUse::Limit });

/// Whether a feed's price may be used, and if not, why.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_validity {
    /// Every check passes.
    Valid = 0,
    /// The oracle price is zero or negative.
    NonPositive = 1,
    /// `now − publish_time` above the guard's maximum.
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

abi_enum!(partliq_validity => Validity {
    Valid => Validity::Valid,
    NonPositive => Validity::NonPositive,
    Stale => Validity::Stale,
    TooUncertain => Validity::TooUncertain,
    Deviating => Validity::Deviating,
    NoMark => Validity::NoMark,
    NoIndex => Validity::NoIndex,
});

/// The price policy. A limit of 0 is off; all zeros is the guard off (the
/// oracle for every figure, refused only when not positive).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_price_guard {
    /// Largest `now − publish_time` still fresh (0 = no check).
    pub max_staleness: u64,
    /// Largest confidence, ppm of the oracle price (0 = no check).
    pub max_confidence_ppm: u32,
    /// Largest `|mark − oracle|`, ppm of the oracle price (0 = no check).
    pub max_deviation_ppm: u32,
    /// The liquidation trigger's `partliq_price_source`.
    pub trigger: u32,
    /// The initial margin's `partliq_price_source`.
    pub initial: u32,
    /// The order limit's `partliq_price_source`.
    pub limit: u32,
    /// Must be 0.
    pub reserved: u32,
}

pin_layout!(partliq_price_guard, size = 32, align = u64, {
    max_staleness @ 0, max_confidence_ppm @ 8, max_deviation_ppm @ 12, trigger @ 16, initial @ 20, limit @ 24, reserved @ 28,
});

impl partliq_price_guard {
    /// The core guard (`INVALID_ENUM` for a source the ABI does not name,
    /// `RESERVED_NOT_ZERO`).
    pub(crate) fn to_core(self) -> Result<PriceGuard, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        Ok(PriceGuard {
            max_staleness: self.max_staleness,
            max_confidence: Ppm(self.max_confidence_ppm),
            max_deviation: Ppm(self.max_deviation_ppm),
            trigger: decode::<partliq_price_source>(self.trigger)?,
            initial: decode::<partliq_price_source>(self.initial)?,
            limit: decode::<partliq_price_source>(self.limit)?,
        })
    }
}

/// A price that follows the oracle at a bounded rate (caller-owned, one per
/// market; all zeros before the first update).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_stable_price {
    /// The stable price; 0 until the first update.
    pub price: i64,
    /// When it last moved.
    pub last_update: u64,
}

pin_layout!(partliq_stable_price, size = 16, align = i64, { price @ 0, last_update @ 8 });

castable!(partliq_stable_price => StablePrice, |_s| Ok(()), { price = price, last_update = last_update });

/// The feed's validity at `now` under `guard` (a `partliq_validity` in
/// `*out`, written only on `OK`): not positive, stale (`now −
/// publish_time > max_staleness`), too uncertain (`confidence × 10^6 >
/// max_confidence_ppm × oracle`, or a negative confidence), deviating
/// (`|mark − oracle| × 10^6 > max_deviation_ppm × oracle`, a mark given),
/// the first that fails.
///
/// Statuses: `NULL_POINTER`, `MISALIGNED_POINTER`, `RESERVED_NOT_ZERO`,
/// `INVALID_ENUM` (a source).
///
/// # Safety
/// `guard` and `feed` point to initialised values; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn partliq_price_validity(
    guard: *const partliq_price_guard,
    feed: *const partliq_price_feed,
    now: u64,
    out: *mut u32,
) -> partliq_status {
    let guard = struct_in!(guard);
    let feed = struct_in!(feed);
    out!(out);
    let guard = check!(guard.to_core());
    let feed = check!(feed.cast_ref());
    let v = core_try!(guard.validity(feed, now));
    write_out!(out, v as u32);
    OK
}

/// The price the figure `usage` (a `partliq_price_use`) reads from `feed`
/// at `now`: on `OK`, `*out_validity` is `PARTLIQ_VALIDITY_VALID` and
/// `*out_price` the price, or the reason it is refused and `*out_price` 0.
///
/// Statuses: as `partliq_price_validity`; `INVALID_ENUM` for `usage`.
///
/// # Safety
/// As `partliq_price_validity`; `out_price` and `out_validity` are writable
/// and distinct.
#[no_mangle]
pub unsafe extern "C" fn partliq_guarded_price(
    guard: *const partliq_price_guard,
    feed: *const partliq_price_feed,
    now: u64,
    usage: u32,
    out_price: *mut i64,
    out_validity: *mut u32,
) -> partliq_status {
    let guard = struct_in!(guard);
    let feed = struct_in!(feed);
    out!(out_price);
    out!(out_validity);
    let guard = check!(guard.to_core());
    let usage = check!(decode::<partliq_price_use>(usage));
    let feed = check!(feed.cast_ref());
    let (price, validity) = match core_try!(guard.price(feed, now, usage)) {
        Ok(p) => (p.0, Validity::Valid),
        Err(v) => (0, v),
    };
    write_out!(out_price, price);
    write_out!(out_validity, validity as u32);
    OK
}

/// The price `usage` reads from every feed into `out_prices` (one per
/// feed; 0 for a refused feed), and in `*out_refused` how many were refused
/// — all only on `OK`. Pass the trigger prices to
/// `partliq_run_guarded_pipeline`.
///
/// Statuses: as `partliq_guarded_price`; `BAD_LENGTH` and
/// `MISALIGNED_POINTER` for an array; `BUFFER_TOO_SMALL` when
/// `out_prices_len < feeds_len`.
///
/// # Safety
/// `feeds` is NULL (only with length 0) or points to `feeds_len` feeds;
/// `out_prices` likewise to `out_prices_len` writable prices; no output
/// overlaps another or an input.
#[no_mangle]
pub unsafe extern "C" fn partliq_resolve_prices(
    guard: *const partliq_price_guard,
    feeds: *const partliq_price_feed,
    feeds_len: usize,
    now: u64,
    usage: u32,
    out_prices: *mut i64,
    out_prices_len: usize,
    out_refused: *mut usize,
) -> partliq_status {
    let guard = struct_in!(guard);
    let feeds = array_in!(feeds, feeds_len);
    let out_prices = array_out!(out_prices, out_prices_len);
    out!(out_refused);
    let guard = check!(guard.to_core());
    let usage = check!(decode::<partliq_price_use>(usage));
    let feeds = check!(Castable::cast_slice(feeds));
    let prices: &mut [Price] = check!(Castable::cast_slice_mut(out_prices));
    let refused = core_try!(resolve_prices(&guard, feeds, now, usage, prices));
    write_out!(out_refused, refused);
    OK
}

/// Moves `*state` toward `oracle` by at most `rate_ppm` of the stable
/// price per second since its last move, rounded down, never past the
/// oracle (the first update, or a rate of 0, sets it to the oracle; a step
/// of 0 keeps its time). Written only on `OK`.
///
/// Statuses: `NULL_POINTER`, `MISALIGNED_POINTER`, `MISSING_PRICE` (oracle
/// 0), `NEGATIVE_PRICE`.
///
/// # Safety
/// `state` points to an initialised stable price nothing else accesses.
#[no_mangle]
pub unsafe extern "C" fn partliq_stable_price_update(
    state: *mut partliq_stable_price,
    oracle: i64,
    now: u64,
    rate_ppm: u32,
) -> partliq_status {
    let state = struct_inout!(state);
    let s = check!(state.cast_mut());
    core_try!(s.update(Price(oracle), now, Ppm(rate_ppm)));
    OK
}

/// The initial margin's price: for what the account holds (`held` 1: a
/// long, a deposit) the lower of `oracle` and `stable`, for what it owes
/// (`held` 0) the higher; a `stable` of 0 or below is ignored. `*out` on
/// `OK` only.
///
/// Statuses: `NULL_POINTER`, `MISALIGNED_POINTER`, `INVALID_ENUM` (`held`
/// not 0/1).
///
/// # Safety
/// `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn partliq_initial_price(oracle: i64, stable: i64, held: u32, out: *mut i64) -> partliq_status {
    out!(out);
    let held = check!(decode::<Flag>(held));
    write_out!(out, initial_price(Price(oracle), Price(stable), held).0);
    OK
}

/// `partliq_run_pipeline` behind a price guard: `feeds[i]` is market `i`'s
/// feed (`feeds_len ≥ markets_len`, else `MARKET_DATA_TOO_SHORT`) and
/// `prices` the trigger prices resolved from them
/// (`partliq_resolve_prices`). A held market's feed refused for the trigger
/// or the limit → `PARTLIQ_ACTION_NONE`, `PARTLIQ_REASON_PRICE_INVALID`, no
/// leg, every figure 0; a held market in its grace period →
/// `PARTLIQ_REASON_GRACE_PERIOD` with the pool's health; a held market
/// whose price is not its feed's trigger price → `PRICE_NOT_GUARDED`.
/// Otherwise `partliq_run_pipeline`, except that each leg's limit price is
/// priced around the guard's `limit` source of its market, held between
/// the limit around the mark (never worse for the account) and the mark
/// (never better), and the leg sized at it. Every output written only on
/// `OK`.
///
/// Statuses: `partliq_run_pipeline`'s, the guard's (`RESERVED_NOT_ZERO`,
/// `INVALID_ENUM`), `MARKET_DATA_TOO_SHORT`, `PRICE_NOT_GUARDED`.
///
/// # Safety
/// As `partliq_run_pipeline`; `feeds` is NULL (only with length 0) or
/// points to `feeds_len` feeds; `guard` to an initialised guard.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_guarded_pipeline(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    feeds: *const partliq_price_feed,
    feeds_len: usize,
    guard: *const partliq_price_guard,
    policy: *const partliq_policy,
    account_state: *mut partliq_account_liquidation_state,
    market_states: *mut partliq_market_capacity_state,
    market_states_len: usize,
    now: u64,
    block: u64,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    out: *mut partliq_decision,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    let feeds = array_in!(feeds, feeds_len);
    let guard = struct_in!(guard);
    let policy = struct_in!(policy);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let guard = check!(guard.to_core());
    let policy = check!(policy.to_core());
    let mut state = check!(account_state.to_core());
    let view = check!(pool.view());
    let feeds = check!(Castable::cast_slice(feeds));
    let decision = check!(guarded_core(&view, feeds, &guard, &policy, &mut state, market_states, now, block, legs));
    legs_written(legs, decision.plan.leg_count);
    *account_state = partliq_account_liquidation_state::from(&state);
    write_out!(out, decision_of(&decision));
    OK
}

/// The core's guarded pipeline, out of the exported function's frame (as
/// `partliq_run_pipeline`'s); writes `state`, `states` and `legs` only on
/// success.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn guarded_core(
    view: &PoolRef<'_>,
    feeds: &[PriceFeed],
    guard: &PriceGuard,
    policy: &Policy,
    state: &mut AccountLiquidationState,
    states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
) -> Result<Decision, partliq_status> {
    let states = Castable::cast_slice_mut(states)?;
    let legs = Castable::cast_slice_mut(legs)?;
    run_guarded_pipeline(&view.pool(), view.markets, view.prices, feeds, guard, policy, state, states, now, block, legs).map_err(status_of)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_match_the_core() {
        for (a, b) in [
            (partliq_price_source::Oracle, PriceSource::Oracle),
            (partliq_price_source::Mark, PriceSource::Mark),
            (partliq_price_source::Index, PriceSource::Index),
            (partliq_price_source::Median, PriceSource::Median),
        ] {
            assert_eq!(a as u32, b as u32);
        }
        for (a, b) in [
            (partliq_validity::Valid, Validity::Valid),
            (partliq_validity::NonPositive, Validity::NonPositive),
            (partliq_validity::Stale, Validity::Stale),
            (partliq_validity::TooUncertain, Validity::TooUncertain),
            (partliq_validity::Deviating, Validity::Deviating),
            (partliq_validity::NoMark, Validity::NoMark),
            (partliq_validity::NoIndex, Validity::NoIndex),
        ] {
            assert_eq!(a as u32, b as u32);
        }
        for (a, b) in [
            (partliq_price_use::Trigger, PriceUse::Trigger),
            (partliq_price_use::Initial, PriceUse::Initial),
            (partliq_price_use::Limit, PriceUse::Limit),
        ] {
            assert_eq!(a as u32, b as u32);
        }
    }

    /// Age 60 of a 60 s guard is valid, 61 stale; a bad source or reserved
    /// field is refused with `*out` untouched.
    #[test]
    fn validity_and_refusals() {
        let feed = partliq_price_feed { oracle: 100, publish_time: 1_000, ..Default::default() };
        let guard = partliq_price_guard { max_staleness: 60, ..Default::default() };
        let mut v = 99u32;
        // SAFETY: live references.
        unsafe {
            assert_eq!(partliq_price_validity(&guard, &feed, 1_060, &mut v), OK);
            assert_eq!(v, partliq_validity::Valid as u32);
            assert_eq!(partliq_price_validity(&guard, &feed, 1_061, &mut v), OK);
            assert_eq!(v, partliq_validity::Stale as u32);
            v = 99;
            let bad = partliq_price_guard { trigger: 4, ..guard };
            assert_eq!(partliq_price_validity(&bad, &feed, 0, &mut v), PARTLIQ_STATUS_INVALID_ENUM);
            let bad = partliq_price_guard { reserved: 1, ..guard };
            assert_eq!(partliq_price_validity(&bad, &feed, 0, &mut v), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!(partliq_price_validity(core::ptr::null(), &feed, 0, &mut v), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(v, 99);
        }
    }
}
