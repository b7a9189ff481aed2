//! Batch entry points: the health, the plans and the dYdX margin of N
//! accounts in one call, so that a caller across a foreign-function
//! boundary (Go's cgo, Java's JNA) pays one crossing per batch instead of
//! one per account.
//!
//! Accounts are ranges of one positions array (`partliq_batch_account`:
//! collateral, first position, position count). The arguments shared by the
//! batch (pointers, lengths, markets) are checked once and fail the whole
//! call; each account then gets its own status in `statuses[i]` (its result
//! in `out[i]` is written only when that status is `PARTLIQ_STATUS_OK`), so
//! one bad account never hides the others'. An account whose range does not
//! lie in the positions array has `PARTLIQ_STATUS_UNKNOWN_POSITION`.

use partliq::account::{Pool, Position};
use partliq::num::{Ppm, Quote};
use partliq::plan::PlanParams;
use partliq::venues::dydx_v4::{DydxPerpetual, DydxPosition, LiquidityTier, MarketPrice, Risk};

use crate::account::partliq_position;
use crate::boundary::{decode, PoolRef, OK};
use crate::health::partliq_health;
use crate::market::partliq_market;
use crate::plan::{legs_written, partliq_plan, partliq_plan_leg, partliq_plan_order, partliq_plan_params, plan_core, plan_of};
use crate::status::*;

/// One account of a batch: its collateral and its positions, the range
/// `[first_position, first_position + position_count)` of the batch's
/// positions array.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_batch_account {
    /// Collateral, quote units.
    pub collateral: i64,
    /// Index of the account's first position in the positions array.
    pub first_position: u32,
    /// Number of positions (consecutive from `first_position`).
    pub position_count: u32,
}

pin_layout!(partliq_batch_account, size = 16, align = i64, { collateral @ 0, first_position @ 8, position_count @ 12 });

/// A dYdX v4 perpetual position with its market (the replica
/// `venues::dydx_v4`'s `DydxPosition`), in 64-bit fields.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_batch_dydx_position {
    /// Perpetual id.
    pub perpetual_id: u32,
    /// One base quantum is `10^atomic_resolution` coins.
    pub atomic_resolution: i32,
    /// Open interest, base quantums.
    pub open_interest: i64,
    /// Base initial margin fraction, ppm (≤ 1,000,000).
    pub initial_margin_ppm: u32,
    /// Maintenance margin as a fraction of the initial margin, ppm.
    pub maintenance_fraction_ppm: u32,
    /// Open-interest lower cap, quote quantums.
    pub open_interest_lower_cap: u64,
    /// Open-interest upper cap, quote quantums (0: no scaling).
    pub open_interest_upper_cap: u64,
    /// Oracle price mantissa.
    pub price: u64,
    /// Oracle price exponent.
    pub price_exponent: i32,
    /// 0.
    pub reserved: u32,
    /// Size in base quantums (long > 0, short < 0).
    pub quantums: i64,
    /// The position's quote balance (after funding), quote quantums.
    pub quote_balance: i64,
}

pin_layout!(partliq_batch_dydx_position, size = 72, align = i64, {
    perpetual_id @ 0, atomic_resolution @ 4, open_interest @ 8, initial_margin_ppm @ 16,
    maintenance_fraction_ppm @ 20, open_interest_lower_cap @ 24, open_interest_upper_cap @ 32,
    price @ 40, price_exponent @ 48, reserved @ 52, quantums @ 56, quote_balance @ 64,
});

/// A dYdX subaccount's margin (`margin.Risk`), quote quantums.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_batch_dydx_risk {
    /// Maintenance margin requirement.
    pub mmr: i64,
    /// Initial margin requirement.
    pub imr: i64,
    /// Net collateral.
    pub nc: i64,
    /// 1 when liquidatable (`MMR > 0 && NC < MMR`), else 0.
    pub liquidatable: u32,
    /// 0.
    pub reserved: u32,
}

pin_layout!(partliq_batch_dydx_risk, size = 32, align = i64, { mmr @ 0, imr @ 8, nc @ 16, liquidatable @ 24, reserved @ 28 });

impl partliq_batch_dydx_position {
    /// The position's liquidity tier, as given.
    fn tier(&self) -> LiquidityTier {
        LiquidityTier {
            initial_margin_ppm: self.initial_margin_ppm,
            maintenance_fraction_ppm: self.maintenance_fraction_ppm,
            open_interest_lower_cap: self.open_interest_lower_cap,
            open_interest_upper_cap: self.open_interest_upper_cap,
        }
    }

    /// The core's position: `RESERVED_NOT_ZERO`, then the tier's
    /// `LiquidityTier.Validate` (`FRACTION_ABOVE_100_PERCENT`,
    /// `OUT_OF_RANGE`), as `partliq_dydx_subaccount_risk` refuses.
    pub(crate) fn to_core(self) -> Result<DydxPosition, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        let liquidity_tier = self.tier();
        liquidity_tier.validate().map_err(status_of)?;
        Ok(DydxPosition {
            perpetual: DydxPerpetual {
                id: self.perpetual_id,
                atomic_resolution: self.atomic_resolution,
                open_interest: i128::from(self.open_interest),
                liquidity_tier,
            },
            price: MarketPrice { price: self.price, exponent: self.price_exponent },
            quantums: i128::from(self.quantums),
            quote_balance: i128::from(self.quote_balance),
        })
    }
}

/// The account's range of `positions`, or `UNKNOWN_POSITION`.
fn range<'p, T>(a: &partliq_batch_account, positions: &'p [T]) -> Result<&'p [T], partliq_status> {
    let first = usize::try_from(a.first_position).map_err(|_| PARTLIQ_STATUS_UNKNOWN_POSITION)?;
    let count = usize::try_from(a.position_count).map_err(|_| PARTLIQ_STATUS_UNKNOWN_POSITION)?;
    let end = first.checked_add(count).ok_or(PARTLIQ_STATUS_UNKNOWN_POSITION)?;
    positions.get(first..end).ok_or(PARTLIQ_STATUS_UNKNOWN_POSITION)
}

/// One account's health.
fn health_one(view: &PoolRef<'_>, a: &partliq_batch_account, positions: &[Position]) -> Result<partliq_health, partliq_status> {
    let pool = Pool::new(Quote(a.collateral), range(a, positions)?);
    partliq::health::pool_health(&pool, view.markets, view.prices).map(|h| partliq_health::from(&h)).map_err(status_of)
}

/// The health of `accounts_len` cross pools (`partliq_pool_health` of each)
/// in one call.
///
/// `out` and `statuses` hold `accounts_len` entries (`out_len` must equal
/// `accounts_len`: `PARTLIQ_STATUS_BAD_LENGTH` otherwise). Returns a
/// failure status (NULL pointer, bad length, a reserved field or enum of a
/// market or position) without writing anything when the batch's shared
/// arguments are bad; otherwise `PARTLIQ_STATUS_OK`, with each account's
/// status in `statuses[i]` and its health in `out[i]` when that is OK.
///
/// # Safety
/// Each non-NULL pointer must be valid for its length (`out` and
/// `statuses` for `out_len` writes) and not written by anything else
/// during the call.
#[no_mangle]
pub unsafe extern "C" fn partliq_pool_health_batch(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    accounts: *const partliq_batch_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    out: *mut partliq_health,
    statuses: *mut partliq_status,
    out_len: usize,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, 0, positions, positions_len);
    let accounts = array_in!(accounts, accounts_len);
    let out = array_out!(out, out_len);
    let statuses = array_out!(statuses, out_len);
    if out_len != accounts.len() {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    let view = check!(pool.view());
    for ((a, o), s) in accounts.iter().zip(out.iter_mut()).zip(statuses.iter_mut()) {
        *s = match health_one(&view, a, view.positions) {
            Ok(h) => {
                *o = h;
                OK
            }
            Err(e) => e,
        };
    }
    OK
}

/// Liquidation plans (`partliq_plan_liquidation`) of `accounts_len` cross
/// pools in one call, with one `params` for all.
///
/// Account `i` writes its legs to `legs[i × legs_per_account ..]`
/// (`legs_len` must be `accounts_len × legs_per_account`), its plan to
/// `plans[i]` and its status to `statuses[i]` (`out_len` must equal
/// `accounts_len`). Failures of the shared arguments fail the call, as
/// [`partliq_pool_health_batch`]; an account's own failure is its status.
///
/// # Safety
/// As [`partliq_pool_health_batch`]; `legs` valid for `legs_len` writes.
#[no_mangle]
pub unsafe extern "C" fn partliq_plan_liquidation_batch(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    accounts: *const partliq_batch_account,
    accounts_len: usize,
    positions: *const partliq_position,
    positions_len: usize,
    params: *const partliq_plan_params,
    legs: *mut partliq_plan_leg,
    legs_len: usize,
    legs_per_account: usize,
    plans: *mut partliq_plan,
    statuses: *mut partliq_status,
    out_len: usize,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, 0, positions, positions_len);
    let accounts = array_in!(accounts, accounts_len);
    let params = struct_in!(params);
    let legs = array_out!(legs, legs_len);
    let plans = array_out!(plans, out_len);
    let statuses = array_out!(statuses, out_len);
    if out_len != accounts.len() || accounts.len().checked_mul(legs_per_account) != Some(legs.len()) || legs_per_account == 0 {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    let target = check!(params.target.to_core());
    let order = check!(decode::<partliq_plan_order>(params.order));
    let view = check!(pool.view());
    let core_params = PlanParams { target, price_band: Ppm(params.price_band_ppm), order };
    let rows = accounts.iter().zip(legs.chunks_exact_mut(legs_per_account)).zip(plans.iter_mut()).zip(statuses.iter_mut());
    for (((a, account_legs), plan_out), s) in rows {
        *s = match range(a, view.positions) {
            Err(e) => e,
            Ok(ps) => {
                let one = PoolRef { markets: view.markets, prices: view.prices, collateral: Quote(a.collateral), positions: ps };
                match plan_core(&one, &core_params, account_legs) {
                    Ok(plan) => {
                        legs_written(account_legs, plan.leg_count);
                        *plan_out = plan_of(&plan);
                        OK
                    }
                    Err(e) => e,
                }
            }
        };
    }
    OK
}

/// The subaccount's total when every position takes the 64-bit path
/// (`DydxPerpetual::position_risk_u64`), `None` as soon as one does not (or
/// has a non-zero reserved field): the caller then computes the whole
/// account on the checked path, so errors and their order are unchanged.
///
/// No sum is checked, and none needs to be: each position adds a
/// requirement below `2^64` and a net collateral `±notional + quote
/// balance` of magnitude below `2^64 + 2^63 < 2^65`, an account holds at
/// most `2^32 − 1` positions, so every partial sum stays below
/// `2^63 + 2^32 × 2^65 < 2^98` in magnitude — far inside `i128`; the
/// checked sums of the exact path give the same values.
#[inline(always)]
fn dydx_fast(usdc: i64, ps: &[partliq_batch_dydx_position]) -> Option<Risk> {
    let mut total = Risk { mmr: 0, imr: 0, nc: i128::from(usdc) };
    for p in ps {
        // A refusal (a reserved word, a tier dYdX's `Validate` refuses)
        // is the checked loop's to report.
        let liquidity_tier = p.tier();
        if p.reserved != 0 || liquidity_tier.validate().is_err() {
            return None;
        }
        let perp = DydxPerpetual {
            id: p.perpetual_id,
            atomic_resolution: p.atomic_resolution,
            open_interest: i128::from(p.open_interest),
            liquidity_tier,
        };
        let r = perp.position_risk_u64(MarketPrice { price: p.price, exponent: p.price_exponent }, i128::from(p.quantums), 0)?;
        total.mmr = total.mmr.wrapping_add(r.mmr);
        total.imr = total.imr.wrapping_add(r.imr);
        total.nc = total.nc.wrapping_add(r.nc.wrapping_add(i128::from(p.quote_balance)));
    }
    Some(total)
}

/// One dYdX subaccount's risk: `subaccount_risk`'s sum, in its order
/// (the USDC balance, then each position's risk in turn) — on the 64-bit
/// path ([`dydx_fast`]) when every position takes it, else checked.
fn dydx_one(a: &partliq_batch_account, positions: &[partliq_batch_dydx_position]) -> Result<partliq_batch_dydx_risk, partliq_status> {
    let ps = range(a, positions)?;
    let total = match dydx_fast(a.collateral, ps) {
        Some(total) => total,
        None => {
            let mut total = Risk { mmr: 0, imr: 0, nc: i128::from(a.collateral) };
            for p in ps {
                total = total.checked_add(p.to_core()?.risk().map_err(status_of)?).map_err(status_of)?;
            }
            total
        }
    };
    let narrow = |v: i128| i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW);
    Ok(partliq_batch_dydx_risk {
        mmr: narrow(total.mmr)?,
        imr: narrow(total.imr)?,
        nc: narrow(total.nc)?,
        liquidatable: u32::from(total.is_liquidatable()),
        reserved: 0,
    })
}

/// dYdX v4 subaccount margin (`venues::dydx_v4::subaccount_risk`: net
/// collateral, initial and maintenance requirement, exact to the quantum)
/// of `accounts_len` subaccounts in one call. An account's `collateral` is
/// its USDC quote quantums; its positions are ranges of `positions`. A
/// figure beyond `int64_t` is `PARTLIQ_STATUS_OVERFLOW` for that account.
/// Statuses and lengths as [`partliq_pool_health_batch`]; a position with a
/// non-zero reserved field gives its account `RESERVED_NOT_ZERO`, a tier
/// dYdX's `Validate` refuses `FRACTION_ABOVE_100_PERCENT` or `OUT_OF_RANGE`
/// (as `partliq_dydx_subaccount_risk`).
///
/// # Safety
/// As [`partliq_pool_health_batch`].
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_subaccount_risk_batch(
    accounts: *const partliq_batch_account,
    accounts_len: usize,
    positions: *const partliq_batch_dydx_position,
    positions_len: usize,
    out: *mut partliq_batch_dydx_risk,
    statuses: *mut partliq_status,
    out_len: usize,
) -> partliq_status {
    let accounts = array_in!(accounts, accounts_len);
    let positions = array_in!(positions, positions_len);
    let out = array_out!(out, out_len);
    let statuses = array_out!(statuses, out_len);
    if out_len != accounts.len() {
        return PARTLIQ_STATUS_BAD_LENGTH;
    }
    for ((a, o), s) in accounts.iter().zip(out.iter_mut()).zip(statuses.iter_mut()) {
        *s = match dydx_one(a, positions) {
            Ok(r) => {
                *o = r;
                OK
            }
            Err(e) => e,
        };
    }
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::fixtures::market;
    use crate::health::partliq_pool_health;
    use core::ptr::{null, null_mut};

    fn pos(size: i64, qb: i64) -> partliq_position {
        partliq_position { market_index: 0, reserved: 0, size, quote_balance: qb }
    }

    #[test]
    fn health_batch_is_each_accounts_health() {
        let ms = [market()];
        let prices = [100i64];
        let ps = [pos(10, -900), pos(-5, 600), pos(1, 0)];
        // Account 2's range runs past the array: its own status.
        let accts = [
            partliq_batch_account { collateral: 50, first_position: 0, position_count: 1 },
            partliq_batch_account { collateral: 0, first_position: 1, position_count: 2 },
            partliq_batch_account { collateral: 0, first_position: 2, position_count: 2 },
        ];
        let mut out = [partliq_health::default(); 3];
        let mut st = [u32::MAX; 3];
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe {
            partliq_pool_health_batch(
                ms.as_ptr(),
                1,
                prices.as_ptr(),
                1,
                accts.as_ptr(),
                3,
                ps.as_ptr(),
                3,
                out.as_mut_ptr(),
                st.as_mut_ptr(),
                3,
            )
        };
        assert_eq!(r, OK);
        assert_eq!(st, [OK, OK, PARTLIQ_STATUS_UNKNOWN_POSITION]);
        for i in 0..2 {
            let a = accts[i];
            let mut one = partliq_health::default();
            // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
            let s = unsafe {
                partliq_pool_health(
                    ms.as_ptr(),
                    1,
                    prices.as_ptr(),
                    1,
                    a.collateral,
                    ps[a.first_position as usize..].as_ptr(),
                    a.position_count as usize,
                    &mut one,
                )
            };
            assert_eq!(s, OK);
            assert_eq!(out[i], one);
        }
        assert_eq!(out[2], partliq_health::default());
    }

    #[test]
    fn health_batch_refuses_bad_arguments() {
        let ms = [market()];
        let prices = [100i64];
        let ps = [pos(10, -900)];
        let accts = [partliq_batch_account { collateral: 50, first_position: 0, position_count: 1 }];
        let mut out = [partliq_health::default(); 1];
        let mut st = [u32::MAX; 1];
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let call = |accts: *const partliq_batch_account, out: *mut partliq_health, st: *mut partliq_status, n: usize| unsafe {
            partliq_pool_health_batch(ms.as_ptr(), 1, prices.as_ptr(), 1, accts, 1, ps.as_ptr(), 1, out, st, n)
        };
        assert_eq!(call(null(), out.as_mut_ptr(), st.as_mut_ptr(), 1), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call(accts.as_ptr(), null_mut(), st.as_mut_ptr(), 1), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call(accts.as_ptr(), out.as_mut_ptr(), null_mut(), 1), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call(accts.as_ptr(), out.as_mut_ptr(), st.as_mut_ptr(), 0), PARTLIQ_STATUS_BAD_LENGTH);
        assert_eq!(call(accts.as_ptr(), out.as_mut_ptr(), st.as_mut_ptr(), usize::MAX), PARTLIQ_STATUS_BAD_LENGTH);
        assert_eq!(st, [u32::MAX], "nothing written on a refused call");
        // An empty batch with NULL arrays of length 0 is fine.
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe { partliq_pool_health_batch(ms.as_ptr(), 1, prices.as_ptr(), 1, null(), 0, null(), 0, null_mut(), null_mut(), 0) };
        assert_eq!(r, OK);
    }

    #[test]
    fn plan_batch_is_each_accounts_plan() {
        use crate::health::partliq_target;
        use crate::plan::partliq_plan_liquidation;
        let ms = [market()];
        let prices = [90i64];
        let ps = [pos(10, -900), pos(-5, 600)];
        let accts = [
            partliq_batch_account { collateral: 10, first_position: 0, position_count: 1 },
            partliq_batch_account { collateral: 0, first_position: 1, position_count: 1 },
        ];
        let params = partliq_plan_params { target: partliq_target { kind: 0, buffer_ppm: 0 }, price_band_ppm: 1_000, order: 0 };
        let mut legs = [partliq_plan_leg::default(); 4];
        let mut plans = [partliq_plan::default(); 2];
        let mut st = [u32::MAX; 2];
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe {
            partliq_plan_liquidation_batch(
                ms.as_ptr(),
                1,
                prices.as_ptr(),
                1,
                accts.as_ptr(),
                2,
                ps.as_ptr(),
                2,
                &params,
                legs.as_mut_ptr(),
                4,
                2,
                plans.as_mut_ptr(),
                st.as_mut_ptr(),
                2,
            )
        };
        assert_eq!(r, OK);
        for i in 0..2 {
            let a = accts[i];
            let mut one_legs = [partliq_plan_leg::default(); 2];
            let mut one = partliq_plan::default();
            // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
            let s = unsafe {
                partliq_plan_liquidation(
                    ms.as_ptr(),
                    1,
                    prices.as_ptr(),
                    1,
                    a.collateral,
                    ps[i..].as_ptr(),
                    1,
                    &params,
                    one_legs.as_mut_ptr(),
                    2,
                    &mut one,
                )
            };
            assert_eq!(st[i], s);
            assert_eq!(plans[i], one);
            assert_eq!(legs[2 * i..2 * i + 2], one_legs);
        }
        // legs_len not accounts × legs_per_account.
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe {
            partliq_plan_liquidation_batch(
                ms.as_ptr(),
                1,
                prices.as_ptr(),
                1,
                accts.as_ptr(),
                2,
                ps.as_ptr(),
                2,
                &params,
                legs.as_mut_ptr(),
                3,
                2,
                plans.as_mut_ptr(),
                st.as_mut_ptr(),
                2,
            )
        };
        assert_eq!(r, PARTLIQ_STATUS_BAD_LENGTH);
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe {
            partliq_plan_liquidation_batch(
                ms.as_ptr(),
                1,
                prices.as_ptr(),
                1,
                accts.as_ptr(),
                2,
                ps.as_ptr(),
                2,
                null(),
                legs.as_mut_ptr(),
                4,
                2,
                plans.as_mut_ptr(),
                st.as_mut_ptr(),
                2,
            )
        };
        assert_eq!(r, PARTLIQ_STATUS_NULL_POINTER);
    }

    #[test]
    fn dydx_batch_is_subaccount_risk() {
        // A BTC perpetual of dYdX's tests: atomic resolution −8, IMF 20 %,
        // MF 50 %; price 50,000 USDC (5,000,000,000 × 10^−5).
        let p = partliq_batch_dydx_position {
            perpetual_id: 0,
            atomic_resolution: -8,
            open_interest: 0,
            initial_margin_ppm: 200_000,
            maintenance_fraction_ppm: 500_000,
            open_interest_lower_cap: 0,
            open_interest_upper_cap: 0,
            price: 5_000_000_000,
            price_exponent: -5,
            reserved: 0,
            quantums: 100_000_000,
            quote_balance: -45_000_000_000,
        };
        // 1 BTC at 50,000 = 50,000,000,000 quote quantums; IMR 20 % =
        // 10,000,000,000; MMR half of it 5,000,000,000; NC = 1,000,000,000
        // collateral + 50,000,000,000 − 45,000,000,000 = 6,000,000,000.
        let accts = [
            partliq_batch_account { collateral: 1_000_000_000, first_position: 0, position_count: 1 },
            partliq_batch_account { collateral: -2_000_000_000, first_position: 0, position_count: 1 },
            partliq_batch_account { collateral: 0, first_position: 1, position_count: 1 },
        ];
        let mut bad = p;
        bad.reserved = 1;
        let ps = [p, bad];
        let mut out = [partliq_batch_dydx_risk::default(); 3];
        let mut st = [u32::MAX; 3];
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe { partliq_dydx_subaccount_risk_batch(accts.as_ptr(), 3, ps.as_ptr(), 2, out.as_mut_ptr(), st.as_mut_ptr(), 3) };
        assert_eq!(r, OK);
        assert_eq!(st, [OK, OK, PARTLIQ_STATUS_RESERVED_NOT_ZERO]);
        assert_eq!(
            out[0],
            partliq_batch_dydx_risk { mmr: 5_000_000_000, imr: 10_000_000_000, nc: 6_000_000_000, liquidatable: 0, reserved: 0 }
        );
        // NC 3,000,000,000 < MMR 5,000,000,000: liquidatable.
        assert_eq!(
            out[1],
            partliq_batch_dydx_risk { mmr: 5_000_000_000, imr: 10_000_000_000, nc: 3_000_000_000, liquidatable: 1, reserved: 0 }
        );
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe { partliq_dydx_subaccount_risk_batch(accts.as_ptr(), 3, ps.as_ptr(), 2, out.as_mut_ptr(), st.as_mut_ptr(), 2) };
        assert_eq!(r, PARTLIQ_STATUS_BAD_LENGTH);
        // SAFETY: every pointer is valid for its length, or NULL with the length the test means.
        let r = unsafe { partliq_dydx_subaccount_risk_batch(accts.as_ptr(), 3, null(), 2, out.as_mut_ptr(), st.as_mut_ptr(), 3) };
        assert_eq!(r, PARTLIQ_STATUS_NULL_POINTER);
    }

    /// Each position in turn, as `partliq_dydx_subaccount_risk`: the first
    /// position's risk overflows (a price of `i64::MAX × 10^30` quote
    /// quantums a quantum), the second's tier is one dYdX's `Validate`
    /// refuses (an initial margin of 110 %): the overflow, not the tier's
    /// `FRACTION_ABOVE_100_PERCENT` (the cross-language table's reference
    /// agrees: `cases::dydx_batch_reference_takes_positions_in_order`).
    #[test]
    fn dydx_batch_takes_positions_in_order() {
        let p = partliq_batch_dydx_position {
            initial_margin_ppm: 200_000,
            maintenance_fraction_ppm: 500_000,
            quantums: 1,
            ..Default::default()
        };
        let positions = [
            partliq_batch_dydx_position { price: i64::MAX as u64, price_exponent: 30, ..p },
            partliq_batch_dydx_position {
                atomic_resolution: -8,
                initial_margin_ppm: 1_100_000,
                price: 5_000_000_000,
                price_exponent: -5,
                ..p
            },
        ];
        let account = partliq_batch_account { collateral: 0, first_position: 0, position_count: 2 };
        let (mut out, mut st) = ([partliq_batch_dydx_risk::default()], [u32::MAX]);
        // SAFETY: every pointer is valid for its length.
        let r = unsafe { partliq_dydx_subaccount_risk_batch(&account, 1, positions.as_ptr(), 2, out.as_mut_ptr(), st.as_mut_ptr(), 1) };
        assert_eq!((r, st[0]), (OK, PARTLIQ_STATUS_OVERFLOW));
        assert_eq!(out[0], partliq_batch_dydx_risk::default(), "no figures for a refused account");
        // Either position alone: its own status.
        for (i, want) in [(0, PARTLIQ_STATUS_OVERFLOW), (1, PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT)] {
            let one = partliq_batch_account { first_position: i, position_count: 1, ..account };
            // SAFETY: every pointer is valid for its length.
            let r = unsafe { partliq_dydx_subaccount_risk_batch(&one, 1, positions.as_ptr(), 2, out.as_mut_ptr(), st.as_mut_ptr(), 1) };
            assert_eq!((r, st[0]), (OK, want), "position {i}");
        }
    }

    /// The batch's whole-account 64-bit loop against the checked loop it
    /// replaces where it applies (every position `to_core`, `risk`, checked
    /// sums — the reference below), on 4,000 pseudo-random subaccounts of 0–5
    /// positions: values at the edges of `i64` / `u64`, exponents on both
    /// sides of the inline division, open-interest caps around the open
    /// interest's notional (the interpolating band takes the checked path),
    /// fractions above 100 %, and reserved fields. Same status, same figures.
    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn dydx_batch_fast_loop_is_the_checked_loop() {
        fn next(seed: &mut u64) -> u64 {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        }
        // One of `vs` two times in three, else any u64.
        fn pick_in(seed: &mut u64, vs: &[u64]) -> u64 {
            let r = next(seed);
            if r % 3 == 0 {
                next(seed)
            } else {
                vs[(r / 3 % vs.len() as u64) as usize]
            }
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let edges = [0, 1, 2, 999_999, 1_000_000, 1_000_001, 3_000_000_000_000, 5_700_000_000, i64::MAX as u64, u64::MAX];
        let (mut positions, mut accounts) = (Vec::new(), Vec::new());
        let (mut fast, mut checked) = (0, 0);
        for _ in 0..4000 {
            let first = positions.len() as u32;
            let n = pick_in(&mut seed, &[0, 1, 2, 3, 4, 5]) % 6;
            for _ in 0..n {
                let open_interest = pick_in(&mut seed, &edges) as i64;
                let price = pick_in(&mut seed, &edges);
                let (atomic_resolution, price_exponent) =
                    (-((pick_in(&mut seed, &[4, 8, 10, 12, 25, 40]) % 41) as i32), -((pick_in(&mut seed, &[3, 5, 9, 20]) % 24) as i32));
                let oin =
                    partliq::venues::dydx_v4::base_to_quote_quantums(i128::from(open_interest), atomic_resolution, price, price_exponent)
                        .ok()
                        .and_then(|v| u64::try_from(v.max(0)).ok())
                        .unwrap_or(u64::MAX);
                let caps = [0, 1, oin.saturating_sub(1), oin, oin.saturating_add(1), u64::MAX];
                let (a, b) = (pick_in(&mut seed, &caps), pick_in(&mut seed, &caps));
                positions.push(partliq_batch_dydx_position {
                    perpetual_id: 0,
                    atomic_resolution,
                    open_interest,
                    initial_margin_ppm: pick_in(&mut seed, &[0, 50_000, 1_000_000, 1_000_001]) as u32,
                    maintenance_fraction_ppm: pick_in(&mut seed, &[0, 600_000, 1_000_000, 1_000_001]) as u32,
                    open_interest_lower_cap: a.min(b),
                    open_interest_upper_cap: if next(&mut seed) % 3 == 0 { 0 } else { a.max(b) },
                    price,
                    price_exponent,
                    reserved: u32::from(next(&mut seed) % 50 == 0),
                    quantums: pick_in(&mut seed, &edges) as i64,
                    quote_balance: pick_in(&mut seed, &edges) as i64,
                });
            }
            accounts.push(partliq_batch_account {
                collateral: pick_in(&mut seed, &edges) as i64,
                first_position: first,
                position_count: n as u32,
            });
        }
        let mut out = vec![partliq_batch_dydx_risk::default(); accounts.len()];
        let mut st = vec![u32::MAX; accounts.len()];
        // SAFETY: every pointer is valid for its length.
        let r = unsafe {
            partliq_dydx_subaccount_risk_batch(
                accounts.as_ptr(),
                accounts.len(),
                positions.as_ptr(),
                positions.len(),
                out.as_mut_ptr(),
                st.as_mut_ptr(),
                accounts.len(),
            )
        };
        assert_eq!(r, OK);
        for (i, a) in accounts.iter().enumerate() {
            let ps = range(a, &positions).unwrap();
            // The reference: the checked loop alone.
            let want = (|| {
                let mut total = Risk { mmr: 0, imr: 0, nc: i128::from(a.collateral) };
                for p in ps {
                    total = total.checked_add(p.to_core()?.risk().map_err(status_of)?).map_err(status_of)?;
                }
                let narrow = |v: i128| i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW);
                Ok(partliq_batch_dydx_risk {
                    mmr: narrow(total.mmr)?,
                    imr: narrow(total.imr)?,
                    nc: narrow(total.nc)?,
                    liquidatable: u32::from(total.is_liquidatable()),
                    reserved: 0,
                })
            })();
            match want {
                Ok(w) => assert_eq!((st[i], out[i]), (OK, w), "account {i}"),
                Err(e) => assert_eq!(st[i], e, "account {i}"),
            }
            // The one-subaccount call: the same status and figures.
            let single: Vec<_> = ps
                .iter()
                .map(|p| crate::venues::partliq_dydx_position {
                    perpetual_id: p.perpetual_id,
                    atomic_resolution: p.atomic_resolution,
                    open_interest: p.open_interest,
                    liquidity_tier: crate::venues::partliq_dydx_liquidity_tier {
                        initial_margin_ppm: p.initial_margin_ppm,
                        maintenance_fraction_ppm: p.maintenance_fraction_ppm,
                        open_interest_lower_cap: p.open_interest_lower_cap,
                        open_interest_upper_cap: p.open_interest_upper_cap,
                    },
                    price: p.price,
                    price_exponent: p.price_exponent,
                    reserved: p.reserved,
                    quantums: p.quantums,
                    quote_balance: p.quote_balance,
                })
                .collect();
            let mut one = crate::venues::partliq_dydx_risk::default();
            // SAFETY: the positions and the output are live locals.
            let s1 = unsafe { crate::venues::partliq_dydx_subaccount_risk(a.collateral, single.as_ptr(), single.len(), &mut one) };
            assert_eq!(s1, st[i], "account {i}: the one-subaccount call's status");
            if s1 == OK {
                assert_eq!((one.mmr, one.imr, one.nc), (out[i].mmr, out[i].imr, out[i].nc), "account {i}");
            }
            if dydx_fast(a.collateral, ps).is_some() {
                fast += 1;
            } else {
                checked += 1;
            }
        }
        // Both loops ran, each on a good share of the accounts, and both
        // figures and failures were compared.
        let oks = st.iter().filter(|&&s| s == OK).count();
        assert!(fast > 400 && checked > 400, "{fast} fast, {checked} checked");
        assert!(oks > 400 && accounts.len() - oks > 400, "{oks} OK of {}", accounts.len());
    }
}
