//! Aave v3 (the core's `venues::aave_v3`): lending-mode liquidation exact
//! to the wei, `partliq_aave_*`: the account data and health factor, the
//! close factor, the collateral a debt buys, and a whole `liquidationCall`.
//!
//! Amounts, prices and indexes are `partliq_i128` (wei amounts and RAY
//! indexes do not fit 64 bits); every figure is non-negative. A user's
//! reserves are two arrays of one length, `reserves[i]` and `user[i]` the
//! same reserve. Aave's reverts are statuses: `NOT_LIQUIDATABLE` (health
//! factor not below 1), `COLLATERAL_NOT_ENABLED`, `NOT_BORROWED`,
//! `MUST_NOT_LEAVE_DUST`, `ZERO_BURN_AMOUNT`; a uint256 overflow or underflow
//! is `OVERFLOW`.

use partliq::venues::aave_v3;

use crate::boundary::{decode, index, Flag, OK};
use crate::status::*;
use crate::venues::partliq_i128;

/// One Aave reserve with the parameters liquidation reads (percentages in
/// bps, 10,000 = 100 %).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_reserve {
    /// Oracle price in base-currency units per whole token (> 0 where used).
    pub price: partliq_i128,
    /// Token decimals (≤ 38).
    pub decimals: u32,
    /// Liquidation threshold, bps (≤ 10,000).
    pub liquidation_threshold: u32,
    /// Liquidation bonus including the principal, bps (≥ 10,000).
    pub liquidation_bonus: u32,
    /// Treasury's share of the bonus, bps (≤ 10,000).
    pub liquidation_protocol_fee: u32,
    /// aToken liquidity index (RAY, ≥ 10^27; 10^27 for plain balances).
    pub liquidity_index: partliq_i128,
    /// Variable-debt index (RAY, ≥ 10^27).
    pub variable_borrow_index: partliq_i128,
}

/// A user's scaled balances in one reserve.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_user_reserve {
    /// aToken scaled balance (≥ 0).
    pub scaled_collateral: partliq_i128,
    /// Variable-debt scaled balance (≥ 0; borrowed when > 0).
    pub scaled_debt: partliq_i128,
    /// 1 when the supply is used as collateral, else 0.
    pub use_as_collateral: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// `calculateUserAccountData`'s figures.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_account {
    /// Σ collateral values (each rounded down), base currency.
    pub total_collateral_base: partliq_i128,
    /// Σ debt values (each rounded up), base currency.
    pub total_debt_base: partliq_i128,
    /// Σ collateral value × liquidation threshold (base currency × bps).
    pub weighted_threshold: partliq_i128,
    /// Average liquidation threshold, bps, rounded down.
    pub avg_liquidation_threshold: partliq_i128,
    /// Health factor (WAD, 10^18 = 1.0); `INT128_MAX` without debt.
    pub health_factor: partliq_i128,
}

/// The most debt of one reserve a liquidation may repay.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_max_debt {
    /// The cap, debt-token wei.
    pub max_liquidatable_debt: partliq_i128,
    /// The reserve's debt, wei.
    pub reserve_debt: partliq_i128,
    /// Its value, base currency (rounded up).
    pub reserve_debt_base: partliq_i128,
    /// The collateral reserve's balance, wei.
    pub reserve_collateral: partliq_i128,
    /// Its value, base currency (rounded down).
    pub reserve_collateral_base: partliq_i128,
    /// Why: 0 collateral below $2,000, 1 debt below $2,000, 2 HF ≤ 0.95, 3
    /// half of the total debt, 4 the reserve's debt within that half.
    pub rule: u32,
    /// 0.
    pub reserved: u32,
}

/// The collateral a repayment buys.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_collateral_quote {
    /// Collateral to the liquidator (wei).
    pub collateral_to_liquidator: partliq_i128,
    /// Debt repaid (wei).
    pub debt_repaid: partliq_i128,
    /// Collateral to the treasury (wei).
    pub protocol_fee: partliq_i128,
    /// The bonus part of the collateral seized (wei).
    pub bonus_collateral: partliq_i128,
    /// The debt's worth in collateral before the bonus (wei, rounded down).
    pub base_collateral: partliq_i128,
    /// 1 when the collateral balance capped it (the debt recomputed from it).
    pub capped_by_balance: u32,
    /// 0.
    pub reserved: u32,
}

/// A `liquidationCall`'s arguments.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_call {
    /// The collateral reserve's index.
    pub collateral_index: u32,
    /// The debt reserve's index.
    pub debt_index: u32,
    /// Debt to cover (wei; `INT128_MAX` for "as much as allowed").
    pub debt_to_cover: partliq_i128,
    /// 1 when the liquidator takes aTokens, else 0.
    pub receive_a_token: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// What a `liquidationCall` does.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_aave_liquidation {
    /// Account data before.
    pub account_before: partliq_aave_account,
    /// Account data after.
    pub account_after: partliq_aave_account,
    /// The close factor.
    pub close_factor: partliq_aave_max_debt,
    /// The collateral quote for the debt requested.
    pub quote: partliq_aave_collateral_quote,
    /// `min(debt_to_cover, max_liquidatable_debt)`.
    pub debt_requested: partliq_i128,
    /// Debt repaid (wei).
    pub debt_repaid: partliq_i128,
    /// Collateral to the liquidator (wei).
    pub collateral_to_liquidator: partliq_i128,
    /// Collateral to the treasury (wei; cut to the balance left when needed).
    pub protocol_fee: partliq_i128,
    /// Scaled collateral moved to the liquidator.
    pub scaled_collateral_to_liquidator: partliq_i128,
    /// Scaled collateral moved to the treasury.
    pub scaled_protocol_fee: partliq_i128,
    /// Scaled debt burned.
    pub scaled_debt_burned: partliq_i128,
    /// Deficit booked on the debt reserve (wei).
    pub deficit: partliq_i128,
    /// The bonus used, bps.
    pub liquidation_bonus: u32,
    /// Which dust rule passed: 0 all debt repaid, 1 all collateral seized, 2
    /// both leftovers ≥ $1,000.
    pub dust: u32,
    /// 1 when the user's scaled collateral in the reserve is used up.
    pub collateral_fully_consumed: u32,
    /// 1 when no collateral is left (every debt becomes deficit).
    pub has_no_collateral_left: u32,
    /// Reserves whose debt became deficit.
    pub bad_debt_reserves: u32,
    /// 0.
    pub reserved: u32,
}

pin_layout!(partliq_aave_reserve, size = 64, align = u64, {
    price @ 0, decimals @ 16, liquidation_threshold @ 20, liquidation_bonus @ 24, liquidation_protocol_fee @ 28,
    liquidity_index @ 32, variable_borrow_index @ 48,
});
pin_layout!(partliq_aave_user_reserve, size = 40, align = u64, { scaled_collateral @ 0, scaled_debt @ 16, use_as_collateral @ 32, reserved @ 36 });
pin_layout!(partliq_aave_account, size = 80, align = u64, {
    total_collateral_base @ 0, total_debt_base @ 16, weighted_threshold @ 32, avg_liquidation_threshold @ 48, health_factor @ 64,
});
pin_layout!(partliq_aave_max_debt, size = 88, align = u64, {
    max_liquidatable_debt @ 0, reserve_debt @ 16, reserve_debt_base @ 32, reserve_collateral @ 48, reserve_collateral_base @ 64,
    rule @ 80, reserved @ 84,
});
pin_layout!(partliq_aave_collateral_quote, size = 88, align = u64, {
    collateral_to_liquidator @ 0, debt_repaid @ 16, protocol_fee @ 32, bonus_collateral @ 48, base_collateral @ 64,
    capped_by_balance @ 80, reserved @ 84,
});
pin_layout!(partliq_aave_call, size = 32, align = u64, { collateral_index @ 0, debt_index @ 4, debt_to_cover @ 8, receive_a_token @ 24, reserved @ 28 });
pin_layout!(partliq_aave_liquidation, size = 488, align = u64, {
    account_before @ 0, account_after @ 80, close_factor @ 160, quote @ 248, debt_requested @ 336, debt_repaid @ 352,
    collateral_to_liquidator @ 368, protocol_fee @ 384, scaled_collateral_to_liquidator @ 400, scaled_protocol_fee @ 416,
    scaled_debt_burned @ 432, deficit @ 448, liquidation_bonus @ 464, dust @ 468, collateral_fully_consumed @ 472,
    has_no_collateral_left @ 476, bad_debt_reserves @ 480, reserved @ 484,
});

/// The most reserves one call reads (the core's slices live on the stack).
pub const PARTLIQ_AAVE_MAX_RESERVES: usize = 64;

fn i(v: i128) -> partliq_i128 {
    partliq_i128::of(v)
}

impl partliq_aave_reserve {
    fn to_core(self) -> aave_v3::Reserve {
        aave_v3::Reserve {
            price: self.price.get(),
            decimals: self.decimals,
            liquidation_threshold: self.liquidation_threshold,
            liquidation_bonus: self.liquidation_bonus,
            liquidation_protocol_fee: self.liquidation_protocol_fee,
            liquidity_index: self.liquidity_index.get(),
            variable_borrow_index: self.variable_borrow_index.get(),
        }
    }
}

impl partliq_aave_user_reserve {
    fn to_core(self) -> Result<aave_v3::UserReserve, partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        Ok(aave_v3::UserReserve {
            scaled_collateral: self.scaled_collateral.get(),
            use_as_collateral: decode::<Flag>(self.use_as_collateral)?,
            scaled_debt: self.scaled_debt.get(),
        })
    }

    fn of(u: &aave_v3::UserReserve) -> Self {
        partliq_aave_user_reserve {
            scaled_collateral: i(u.scaled_collateral),
            scaled_debt: i(u.scaled_debt),
            use_as_collateral: u32::from(u.use_as_collateral),
            reserved: 0,
        }
    }
}

impl partliq_aave_account {
    fn of(a: &aave_v3::AccountData) -> Self {
        partliq_aave_account {
            total_collateral_base: i(a.total_collateral_base),
            total_debt_base: i(a.total_debt_base),
            weighted_threshold: i(a.weighted_threshold),
            avg_liquidation_threshold: i(a.avg_liquidation_threshold),
            health_factor: i(a.health_factor),
        }
    }
}

impl partliq_aave_max_debt {
    fn of(c: &aave_v3::MaxLiquidatableDebt) -> Self {
        partliq_aave_max_debt {
            max_liquidatable_debt: i(c.max_liquidatable_debt),
            reserve_debt: i(c.reserve_debt),
            reserve_debt_base: i(c.reserve_debt_base),
            reserve_collateral: i(c.reserve_collateral),
            reserve_collateral_base: i(c.reserve_collateral_base),
            rule: c.rule as u32,
            reserved: 0,
        }
    }
}

impl partliq_aave_collateral_quote {
    fn of(q: &aave_v3::CollateralQuote) -> Self {
        partliq_aave_collateral_quote {
            collateral_to_liquidator: i(q.collateral_to_liquidator),
            debt_repaid: i(q.debt_repaid),
            protocol_fee: i(q.protocol_fee),
            bonus_collateral: i(q.bonus_collateral),
            base_collateral: i(q.base_collateral),
            capped_by_balance: u32::from(q.capped_by_balance),
            reserved: 0,
        }
    }
}

/// `BAD_LENGTH` for more reserves than `PARTLIQ_AAVE_MAX_RESERVES`, checked
/// before the arrays are read.
fn lengths_ok(reserves_len: usize, user_len: usize) -> Result<(), partliq_status> {
    if reserves_len > PARTLIQ_AAVE_MAX_RESERVES || user_len > PARTLIQ_AAVE_MAX_RESERVES {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    Ok(())
}

/// Runs `f` on the caller's reserves and user reserves as the core's,
/// copied to arrays on this function's stack (out of line, so that the
/// exported functions keep small frames): `BAD_LENGTH` beyond
/// `PARTLIQ_AAVE_MAX_RESERVES`, then each user reserve's checks
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM`). The lengths may differ: the core
/// reports that.
#[inline(never)]
fn with_book<T>(
    reserves: &[partliq_aave_reserve],
    user: &[partliq_aave_user_reserve],
    f: impl FnOnce(&[aave_v3::Reserve], &[aave_v3::UserReserve]) -> Result<T, partliq_status>,
) -> Result<T, partliq_status> {
    if reserves.len() > PARTLIQ_AAVE_MAX_RESERVES || user.len() > PARTLIQ_AAVE_MAX_RESERVES {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    let mut rs = [aave_v3::Reserve::new(0, 0, 0, 0, 0); PARTLIQ_AAVE_MAX_RESERVES];
    let mut us = [aave_v3::UserReserve::default(); PARTLIQ_AAVE_MAX_RESERVES];
    for (d, s) in rs.iter_mut().zip(reserves) {
        *d = s.to_core();
    }
    for (d, s) in us.iter_mut().zip(user) {
        *d = s.to_core()?;
    }
    f(rs.get(..reserves.len()).unwrap_or(&[]), us.get(..user.len()).unwrap_or(&[]))
}

/// `calculateUserAccountData`: collateral and debt in base currency and the
/// health factor `wadDiv(Σ value × LT, debt) / 10,000`.
///
/// Statuses: the arrays' (`BAD_LENGTH` beyond `PARTLIQ_AAVE_MAX_RESERVES`),
/// `RESERVED_NOT_ZERO`, `INVALID_ENUM`, `BUFFER_TOO_SMALL` / `UNKNOWN_MARKET`
/// (fewer / more user reserves than reserves), a reserve's
/// (`OUT_OF_RANGE`, `FRACTION_ABOVE_100_PERCENT`), `MISSING_PRICE`,
/// `NEGATIVE_PRICE`, `OVERFLOW`.
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_aave_account_data(
    reserves: *const partliq_aave_reserve,
    reserves_len: usize,
    user: *const partliq_aave_user_reserve,
    user_len: usize,
    out: *mut partliq_aave_account,
) -> partliq_status {
    check!(lengths_ok(reserves_len, user_len));
    let reserves = array_in!(reserves, reserves_len);
    let user = array_in!(user, user_len);
    out!(out);
    let a = check!(with_book(reserves, user, |r, u| aave_v3::account_data(r, u).map_err(status_of)));
    write_out!(out, partliq_aave_account::of(&a));
    OK
}

/// The most debt of reserve `debt_index` a liquidation seizing reserve
/// `collateral_index` may repay (v3.3+): all of it, or half of the user's
/// total debt while HF > 0.95 and both reserves are worth ≥ $2,000.
/// Statuses as `partliq_aave_account_data`, `UNKNOWN_MARKET` (an index).
///
/// # Safety
/// As `partliq_aave_account_data`.
#[no_mangle]
pub unsafe extern "C" fn partliq_aave_close_factor(
    reserves: *const partliq_aave_reserve,
    reserves_len: usize,
    user: *const partliq_aave_user_reserve,
    user_len: usize,
    collateral_index: u32,
    debt_index: u32,
    out: *mut partliq_aave_max_debt,
) -> partliq_status {
    check!(lengths_ok(reserves_len, user_len));
    let reserves = array_in!(reserves, reserves_len);
    let user = array_in!(user, user_len);
    out!(out);
    let (ci, di) = (check!(index(collateral_index)), check!(index(debt_index)));
    let c = check!(with_book(reserves, user, |r, u| aave_v3::close_factor(r, u, ci, di).map_err(status_of)));
    write_out!(out, partliq_aave_max_debt::of(&c));
    OK
}

/// The collateral `*debt_to_cover` of `debt` buys from `collateral` with a
/// bonus of `bonus_bps` (v3.7 rounding: seized collateral down, the bonus's
/// base part down, the protocol fee up), capped by `*collateral_balance`
/// (the debt then recomputed from it, rounded up).
///
/// Statuses: a reserve's, `OUT_OF_RANGE` (a bonus below 10,000 or a
/// negative amount), `MISSING_PRICE`, `NEGATIVE_PRICE`, `OVERFLOW`.
///
/// # Safety
/// Every input pointer is NULL or points to an initialised value; `out` is
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_aave_collateral_for_debt(
    collateral: *const partliq_aave_reserve,
    debt: *const partliq_aave_reserve,
    debt_to_cover: *const partliq_i128,
    collateral_balance: *const partliq_i128,
    bonus_bps: u32,
    out: *mut partliq_aave_collateral_quote,
) -> partliq_status {
    let collateral = struct_in!(collateral).to_core();
    let debt = struct_in!(debt).to_core();
    let cover = struct_in!(debt_to_cover).get();
    let balance = struct_in!(collateral_balance).get();
    out!(out);
    let q = core_try!(aave_v3::collateral_for_debt(&collateral, &debt, cover, balance, bonus_bps));
    write_out!(out, partliq_aave_collateral_quote::of(&q));
    OK
}

/// A whole `liquidationCall`: the checks (`NOT_LIQUIDATABLE`,
/// `COLLATERAL_NOT_ENABLED`, `NOT_BORROWED`, the dust rule
/// `MUST_NOT_LEAVE_DUST`, `ZERO_BURN_AMOUNT`), the close factor, the
/// collateral and fee, the scaled moves and, when no collateral is left,
/// every debt turned into deficit. Writes the user's reserves after it to
/// `user_after`, each reserve's deficit to `deficits` (both at least as
/// long as the reserves), and what it did to `*out`.
///
/// Statuses as `partliq_aave_close_factor`, the Aave reverts above,
/// `BUFFER_TOO_SMALL` (an output array shorter than the reserves),
/// `RESERVED_NOT_ZERO` / `INVALID_ENUM` (the call's). Nothing is written
/// unless `OK`.
///
/// # Safety
/// As `partliq_aave_account_data`; `call` is NULL or points to an
/// initialised call; `user_after` and `deficits` are NULL (only with length
/// 0) or valid for that many writes of initialised elements, overlapping
/// nothing else.
#[no_mangle]
pub unsafe extern "C" fn partliq_aave_liquidation_call(
    reserves: *const partliq_aave_reserve,
    reserves_len: usize,
    user: *const partliq_aave_user_reserve,
    user_len: usize,
    call: *const partliq_aave_call,
    user_after: *mut partliq_aave_user_reserve,
    user_after_len: usize,
    deficits: *mut partliq_i128,
    deficits_len: usize,
    out: *mut partliq_aave_liquidation,
) -> partliq_status {
    check!(lengths_ok(reserves_len, user_len));
    let reserves = array_in!(reserves, reserves_len);
    let user = array_in!(user, user_len);
    let call = struct_in!(call);
    let user_after = array_out!(user_after, user_after_len);
    let deficits = array_out!(deficits, deficits_len);
    out!(out);
    if call.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let c = aave_v3::LiquidationCall {
        collateral_index: check!(index(call.collateral_index)),
        debt_index: check!(index(call.debt_index)),
        debt_to_cover: call.debt_to_cover.get(),
        receive_a_token: check!(decode::<Flag>(call.receive_a_token)),
    };
    let l = check!(with_book(reserves, user, |r, u| liquidate(r, u, &c, user_after, deficits)));
    write_out!(
        out,
        partliq_aave_liquidation {
            account_before: partliq_aave_account::of(&l.account_before),
            account_after: partliq_aave_account::of(&l.account_after),
            close_factor: partliq_aave_max_debt::of(&l.close_factor),
            quote: partliq_aave_collateral_quote::of(&l.quote),
            debt_requested: i(l.debt_requested),
            debt_repaid: i(l.debt_repaid),
            collateral_to_liquidator: i(l.collateral_to_liquidator),
            protocol_fee: i(l.protocol_fee),
            scaled_collateral_to_liquidator: i(l.scaled.collateral_to_liquidator),
            scaled_protocol_fee: i(l.scaled.protocol_fee),
            scaled_debt_burned: i(l.scaled.debt_burned),
            deficit: i(l.deficit),
            liquidation_bonus: l.liquidation_bonus,
            dust: l.dust as u32,
            collateral_fully_consumed: u32::from(l.collateral_fully_consumed),
            has_no_collateral_left: u32::from(l.has_no_collateral_left),
            bad_debt_reserves: l.bad_debt_reserves,
            reserved: 0,
        }
    );
    OK
}

/// The core's `liquidation_call` into arrays on this function's stack,
/// copied to the caller's outputs on success only.
#[inline(never)]
fn liquidate(
    reserves: &[aave_v3::Reserve],
    user: &[aave_v3::UserReserve],
    call: &aave_v3::LiquidationCall,
    user_after: &mut [partliq_aave_user_reserve],
    deficits: &mut [partliq_i128],
) -> Result<aave_v3::Liquidation, partliq_status> {
    let n = reserves.len();
    if user_after.len() < n || deficits.len() < n {
        return Err(PARTLIQ_STATUS_BUFFER_TOO_SMALL);
    }
    let mut after = [aave_v3::UserReserve::default(); PARTLIQ_AAVE_MAX_RESERVES];
    let mut defs = [0i128; PARTLIQ_AAVE_MAX_RESERVES];
    let (after_s, defs_s) = (after.get_mut(..n).unwrap_or(&mut []), defs.get_mut(..n).unwrap_or(&mut []));
    let l = aave_v3::liquidation_call(reserves, user, call, after_s, defs_s).map_err(status_of)?;
    for (d, s) in user_after.iter_mut().zip(after_s.iter()) {
        *d = partliq_aave_user_reserve::of(s);
    }
    for (d, s) in deficits.iter_mut().zip(defs_s.iter()) {
        *d = i(*s);
    }
    Ok(l)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    const E6: i128 = 1_000_000;
    const E8: i128 = 100_000_000;
    const RAY: i128 = 1_000_000_000_000_000_000_000_000_000;

    fn reserve(price: i128, decimals: u32, fee: u32) -> partliq_aave_reserve {
        partliq_aave_reserve {
            price: i(price),
            decimals,
            liquidation_threshold: 8_600,
            liquidation_bonus: 10_500,
            liquidation_protocol_fee: fee,
            liquidity_index: i(RAY),
            variable_borrow_index: i(RAY),
        }
    }

    fn user(collateral: i128, debt: i128) -> partliq_aave_user_reserve {
        partliq_aave_user_reserve {
            scaled_collateral: i(collateral),
            scaled_debt: i(debt),
            use_as_collateral: u32::from(collateral > 0),
            reserved: 0,
        }
    }

    /// Aave's `test_partial_liquidate_variable_borrow`: 1 WBTC at $20,250,
    /// 20,500 USDX borrowed, 106 USDX covered.
    #[test]
    fn partial_liquidation_by_hand() {
        let reserves = [reserve(E8, 6, 1_000), reserve(20_250 * E8, 8, 1_000)];
        let users = [user(0, 20_500 * E6), user(E8, 0)];
        let mut a = partliq_aave_account::default();
        let mut after = [partliq_aave_user_reserve::default(); 2];
        let mut defs = [partliq_i128::default(); 2];
        let mut l = partliq_aave_liquidation::default();
        let call = partliq_aave_call { collateral_index: 1, debt_index: 0, debt_to_cover: i(106 * E6), receive_a_token: 0, reserved: 0 };
        // SAFETY: valid arrays and outputs.
        unsafe {
            // HF = wadDiv(20,250e8 × 8,600, 20,500e8) / 1e4 = 0.849512195121951219.
            assert_eq!(partliq_aave_account_data(reserves.as_ptr(), 2, users.as_ptr(), 2, &mut a), OK);
            assert_eq!(a.health_factor.get(), 849_512_195_121_951_219);
            let mut cf = partliq_aave_max_debt::default();
            assert_eq!(partliq_aave_close_factor(reserves.as_ptr(), 2, users.as_ptr(), 2, 1, 0, &mut cf), OK);
            assert_eq!((cf.max_liquidatable_debt.get(), cf.rule), (20_500 * E6, 2));
            // base = 1e8 × 106e6 × 1e8 / (20,250e8 × 1e6) = 523,456.79 → 523,456;
            // seized ⌊523,456 × 1.05⌋ = 549,628; bonus part 26,173, fee ⌈2,617.3⌉ = 2,618.
            let mut q = partliq_aave_collateral_quote::default();
            assert_eq!(partliq_aave_collateral_for_debt(&reserves[1], &reserves[0], &i(106 * E6), &i(E8), 10_500, &mut q), OK);
            assert_eq!((q.base_collateral.get(), q.collateral_to_liquidator.get(), q.protocol_fee.get()), (523_456, 547_010, 2_618));
            assert_eq!(
                partliq_aave_liquidation_call(
                    reserves.as_ptr(),
                    2,
                    users.as_ptr(),
                    2,
                    &call,
                    after.as_mut_ptr(),
                    2,
                    defs.as_mut_ptr(),
                    2,
                    &mut l
                ),
                OK
            );
            assert_eq!(
                (l.debt_repaid.get(), l.collateral_to_liquidator.get(), l.protocol_fee.get(), l.dust),
                (106 * E6, 547_010, 2_618, 2)
            );
            assert_eq!(l.account_after.health_factor.get(), 849_234_200_441_306_266);
            // 1e8 − 547,010 − 2,618 sat left; 20,500e6 − 106e6 debt left.
            assert_eq!((after[1].scaled_collateral.get(), after[0].scaled_debt.get()), (E8 - 549_628, 20_394 * E6));
            assert_eq!((defs[0].get(), defs[1].get()), (0, 0));
        }
    }

    #[test]
    fn refusals_write_nothing() {
        let reserves = [reserve(E8, 6, 1_000), reserve(20_250 * E8, 8, 1_000)];
        let users = [user(0, 20_500 * E6), user(E8, 0)];
        let sentinel = user(7, 7);
        let mut after = [sentinel; 2];
        let mut defs = [i(9); 2];
        let mut l = partliq_aave_liquidation { liquidation_bonus: 3, ..Default::default() };
        let call = partliq_aave_call { collateral_index: 1, debt_index: 0, debt_to_cover: i(106 * E6), receive_a_token: 0, reserved: 0 };
        let mut a = partliq_aave_account::default();
        // SAFETY: valid arrays and outputs but for the refused ones.
        unsafe {
            let run = |c: &partliq_aave_call,
                       after: &mut [partliq_aave_user_reserve],
                       defs: &mut [partliq_i128],
                       l: &mut partliq_aave_liquidation| {
                partliq_aave_liquidation_call(
                    reserves.as_ptr(),
                    2,
                    users.as_ptr(),
                    2,
                    c,
                    after.as_mut_ptr(),
                    after.len(),
                    defs.as_mut_ptr(),
                    defs.len(),
                    l,
                )
            };
            assert_eq!(run(&call, &mut after[..1], &mut defs, &mut l), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(run(&partliq_aave_call { reserved: 1, ..call }, &mut after, &mut defs, &mut l), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!(run(&partliq_aave_call { receive_a_token: 2, ..call }, &mut after, &mut defs, &mut l), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(
                run(&partliq_aave_call { collateral_index: 0, ..call }, &mut after, &mut defs, &mut l),
                PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED
            );
            assert_eq!(run(&partliq_aave_call { debt_index: 1, ..call }, &mut after, &mut defs, &mut l), PARTLIQ_STATUS_NOT_BORROWED);
            assert_eq!(run(&partliq_aave_call { debt_index: 5, ..call }, &mut after, &mut defs, &mut l), PARTLIQ_STATUS_UNKNOWN_MARKET);
            // Healthy at a higher price: NOT_LIQUIDATABLE.
            let rich = [reserves[0], reserve(40_000 * E8, 8, 1_000)];
            assert_eq!(
                partliq_aave_liquidation_call(
                    rich.as_ptr(),
                    2,
                    users.as_ptr(),
                    2,
                    &call,
                    after.as_mut_ptr(),
                    2,
                    defs.as_mut_ptr(),
                    2,
                    &mut l
                ),
                PARTLIQ_STATUS_NOT_LIQUIDATABLE
            );
            assert_eq!(partliq_aave_account_data(reserves.as_ptr(), 2, users.as_ptr(), 1, &mut a), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(partliq_aave_account_data(reserves.as_ptr(), 65, users.as_ptr(), 2, &mut a), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(partliq_aave_account_data(core::ptr::null(), 2, users.as_ptr(), 2, &mut a), PARTLIQ_STATUS_NULL_POINTER);
            let bad = [users[0], partliq_aave_user_reserve { use_as_collateral: 3, ..users[1] }];
            assert_eq!(partliq_aave_account_data(reserves.as_ptr(), 2, bad.as_ptr(), 2, &mut a), PARTLIQ_STATUS_INVALID_ENUM);
            let mut q = partliq_aave_collateral_quote::default();
            assert_eq!(
                partliq_aave_collateral_for_debt(&reserves[1], &reserves[0], &i(-1), &i(E8), 10_500, &mut q),
                PARTLIQ_STATUS_OUT_OF_RANGE
            );
            assert_eq!(
                partliq_aave_collateral_for_debt(&reserves[1], &reserves[0], &i(1), &i(E8), 9_999, &mut q),
                PARTLIQ_STATUS_OUT_OF_RANGE
            );
        }
        assert_eq!((after, defs, l.liquidation_bonus), ([sentinel; 2], [i(9); 2], 3));
        assert_eq!(a, partliq_aave_account::default());
    }
}
