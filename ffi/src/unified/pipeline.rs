//! The pipeline for a unified pool (the core's `unified::pipeline`): cancel
//! its resting orders first, then liquidate its perps,
//! `partliq_run_unified_pipeline`.

use partliq::pipeline::Decision;
use partliq::policy::{AccountLiquidationState, Policy};
use partliq::unified::{run_unified_pipeline, MarginBook, UnifiedAccount};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{index, Castable, OK};
use crate::market::partliq_market;
use crate::pipeline::{decision_of, partliq_decision};
use crate::plan::{legs_written, partliq_plan_leg};
use crate::policy::{partliq_account_liquidation_state, partliq_market_capacity_state, partliq_policy};
use crate::status::*;
use crate::unified::{partliq_perp_position, partliq_perp_risk};

/// The pipeline for pool `pool_index` of a unified account (0 the cross
/// pool, `k ≥ 1` the `k`-th isolated position's): the book and the account
/// as `partliq_unified_pool_health` takes them, the policy, rule state,
/// market states, clock and legs as `partliq_run_pipeline` takes them.
///
/// When a liquidation is due and any of the pool's positions has resting
/// orders, the decision is `PARTLIQ_ACTION_CANCEL_ORDERS` with
/// `PARTLIQ_REASON_OPEN_ORDERS` and no leg, the rule state and market states
/// as they were: cancel the orders (set `open_bids` and `open_asks` to 0
/// once they are), then call again. Otherwise the pipeline runs on the
/// pool's perps against everything else the pool counts at the maintenance
/// level (its balances at their maintenance weights and its unsettled
/// funding), as `partliq_run_pipeline` does for a pool; each leg's
/// `position_index` is the index of its position in `positions` (the
/// account's, not the pool's).
///
/// Writes `*out`, the plan's legs to the front of `legs`, and the updated
/// `*account_state` and `market_states` — all only on `OK`; on any other
/// status nothing is written. Statuses: `partliq_unified_pool_health`'s
/// (but `TOO_MANY_BALANCES` and `INVALID_MARGIN_LADDER`: no ladder here,
/// and the balances are not capped) and `partliq_run_pipeline`'s
/// (`TOO_MANY_POSITIONS` for a pool of more than `PARTLIQ_MAX_POSITIONS`
/// positions).
///
/// # Safety
/// As `partliq_unified_pool_health` for the book and the account, as
/// `partliq_run_pipeline` for the policy, the states and the legs. No output
/// overlaps another output or an input.
#[no_mangle]
pub unsafe extern "C" fn partliq_run_unified_pipeline(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    funding_indexes: *const i64,
    funding_indexes_len: usize,
    perp_risk: *const partliq_perp_risk,
    perp_risk_len: usize,
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    balances: *const partliq_asset_balance,
    balances_len: usize,
    positions: *const partliq_perp_position,
    positions_len: usize,
    pool_index: u32,
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
    let book = book_in!(
        markets,
        markets_len,
        prices,
        prices_len,
        funding_indexes,
        funding_indexes_len,
        perp_risk,
        perp_risk_len,
        assets,
        assets_len,
        asset_prices,
        asset_prices_len
    );
    let account = unified_account_in!(balances, balances_len, positions, positions_len);
    let policy = struct_in!(policy);
    let account_state = struct_inout!(account_state);
    let market_states = array_out!(market_states, market_states_len);
    let legs = array_out!(legs, legs_len);
    out!(out);
    let policy = check!(policy.to_core());
    let mut state = check!(account_state.to_core());
    let book = check!(book.view());
    let account = check!(account.view());
    let pool = check!(index(pool_index));
    let decision = check!(unified_pipeline_core(&account, pool, &book, &policy, &mut state, market_states, now, block, legs));
    // The core wrote the legs and the market states (on success only);
    // nothing fails from here on.
    legs_written(legs, decision.plan.leg_count);
    *account_state = partliq_account_liquidation_state::from(&state);
    write_out!(out, decision_of(&decision));
    OK
}

/// The core's unified pipeline (a frame over 4 KiB: the pool's perps, their
/// legs and today's pipeline), kept out of the exported function's frame
/// (see `scripts/ffi/check-stack-probes.sh`); it writes `state`, `states`
/// and `legs` only on success.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn unified_pipeline_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    policy: &Policy,
    state: &mut AccountLiquidationState,
    states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
) -> Result<Decision, partliq_status> {
    let states = Castable::cast_slice_mut(states)?;
    let legs = Castable::cast_slice_mut(legs)?;
    run_unified_pipeline(account, pool, book, policy, state, states, now, block, legs).map_err(status_of)
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{readme_book, run_unified};
    use crate::pipeline::{partliq_action, partliq_reason};
    use crate::policy::partliq_policy_default;
    use crate::unified::partliq_position_margin;

    fn default_policy() -> partliq_policy {
        let mut p = partliq_policy::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_policy_default(&mut p) }, OK);
        p
    }

    /// The README's account: cancel first, then the least close.
    #[test]
    fn readme_example_cancel_then_liquidate() {
        let mut book = readme_book();
        let policy = default_policy();
        let mut st = partliq_account_liquidation_state { block: 5, ..Default::default() };
        let leg9 = partliq_plan_leg { position_index: 9, reserved: 9, size_delta: 9, limit_price: 9, expected_cash: 9, expected_fee: 9 };
        let mut legs = [leg9; 2];
        let mut d = partliq_decision::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::CancelOrders as u32, partliq_reason::OpenOrders as u32, 0));
        assert_eq!((d.has_backstop, st), (0, partliq_account_liquidation_state { block: 5, ..Default::default() }));
        assert_eq!(legs, [leg9; 2], "no leg written when cancelling");
        // Orders cancelled: the perp view's collateral is 5,400 − 1,000 − 0.05
        // = 4,399.95 USD. Sell x at the 1 % band's limit 56,430 (5.7 µUSD a
        // unit below the mark), MM 28.5 µUSD a unit: 1,399,950,000 − 5.7x ≥
        // 2,850,000,000 − 28.5x ⇒ x ≥ 63,598,684.2… → 63,599,000 (lot 1,000).
        book.positions[0].open_asks = 0;
        st = partliq_account_liquidation_state::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason, d.plan.leg_count), (partliq_action::Liquidate as u32, partliq_reason::TargetRestored as u32, 1));
        // Cash 63,599,000 × 5,643,000 × 10⁻⁴ = 35,888,915,700; no fee.
        assert_eq!(
            legs[0],
            partliq_plan_leg {
                position_index: 0,
                reserved: 0,
                size_delta: -63_599_000,
                limit_price: 5_643_000,
                expected_cash: 35_888_915_700,
                expected_fee: 0
            }
        );
        assert_eq!(legs[1], leg9, "nothing written past the plan's legs");
        assert_eq!(d.plan.health_before.equity, 1_399_950_000);
        // The leg's notional at the mark, 63,599,000 × 570, booked in the block.
        assert_eq!((st.block, st.block_notional, st.in_liquidation), (0, 36_251_430_000, 0));
    }

    /// Legs name the account's positions; bad inputs leave every output as it was.
    #[test]
    fn account_indexes_and_outputs_untouched() {
        let mut book = readme_book();
        book.positions[0].open_asks = 0;
        // An isolated healthy short first: the cross long is account position 1.
        let iso = partliq_perp_position {
            margin: partliq_position_margin::Isolated as u32,
            size: -1_000,
            quote_balance: 1_000_000_000,
            last_funding_index: 1_500,
            ..book.positions[0]
        };
        book.positions.insert(0, iso);
        let policy = default_policy();
        let mut st = partliq_account_liquidation_state::default();
        let mut legs = [partliq_plan_leg::default(); 2];
        let mut d = partliq_decision::default();
        assert_eq!(run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.plan.leg_count, legs[0].position_index, legs[0].size_delta), (1, 1, -63_599_000));
        // The isolated pool (pool 1): healthy, nothing to do.
        assert_eq!(run_unified(&book, 1, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.reason), (partliq_action::None as u32, partliq_reason::Healthy as u32));

        let st0 = partliq_account_liquidation_state { block: 3, block_notional: 11, ..Default::default() };
        let d0 = partliq_decision { action: 77, ..Default::default() };
        let leg9 = partliq_plan_leg { size_delta: 9, ..Default::default() };
        let ms0 = [partliq_market_capacity_state { window_start: 4, used: 5 }];
        let run = |b: &crate::fixtures::Book, pool: u32, p: &partliq_policy, st: partliq_account_liquidation_state, n_legs: usize| {
            let (mut st, mut legs, mut d, mut ms) = (st, [leg9; 2], d0, ms0);
            let s = run_unified(b, pool, p, &mut st, &mut ms, 0, 0, &mut legs[..n_legs], &mut d);
            if s != OK {
                assert_eq!((st.block, st.block_notional, legs, d, ms), (3, 11, [leg9; 2], d0, ms0), "written with status {s}");
            }
            s
        };
        let with = |f: &dyn Fn(&mut crate::fixtures::Book)| {
            let mut b = book.clone();
            f(&mut b);
            b
        };
        assert_eq!(run(&book, 2, &policy, st0, 2), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!(run(&book, 0, &policy, st0, 0), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(run(&book, 0, &policy, partliq_account_liquidation_state { has_partial: 2, ..st0 }, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&book, 0, &partliq_policy { sizing: 9, ..policy }, st0, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&book, 0, &partliq_policy { price_band_ppm: 1_000_001, ..policy }, st0, 2), PARTLIQ_STATUS_INVALID_PRICE_BAND);
        assert_eq!(run(&with(&|b| b.positions[1].margin = 3), 0, &policy, st0, 2), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(&with(&|b| b.balances[1].reserved = 1), 0, &policy, st0, 2), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(&with(&|b| b.assets[0].reserved = 1), 0, &policy, st0, 2), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(&with(&|b| b.balances[0].asset_index = 5), 0, &policy, st0, 2), PARTLIQ_STATUS_UNKNOWN_ASSET);
        assert_eq!(run(&with(&|b| b.positions[1].open_asks = -1), 0, &policy, st0, 2), PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS);
        assert_eq!(run(&with(&|b| b.funding_indexes = vec![1, 2, 3]), 0, &policy, st0, 2), OK);
        assert_eq!(
            run(
                &with(&|b| {
                    b.markets.push(b.markets[0]);
                    b.prices.push(1);
                }),
                0,
                &policy,
                st0,
                2
            ),
            PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
        );
        // A window rule without market states; the block's notional overflowing.
        let window = partliq_policy { window_capacity: crate::policy::partliq_window_capacity { capacity: 1, window: 1 }, ..policy };
        let s = {
            let (mut st, mut legs, mut d) = (st0, [leg9; 2], d0);
            run_unified(&book, 0, &window, &mut st, &mut [], 0, 0, &mut legs, &mut d)
        };
        assert_eq!(s, PARTLIQ_STATUS_STATE_TOO_SMALL);
        let s = {
            let full = partliq_account_liquidation_state { block: 0, block_notional: i64::MAX - 10, ..st0 };
            let (mut st, mut legs, mut d) = (full, [leg9; 2], d0);
            let s = run_unified(&book, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d);
            assert_eq!((st, legs, d), (full, [leg9; 2], d0));
            s
        };
        assert_eq!(s, PARTLIQ_STATUS_OVERFLOW);
        // 65 cross positions in the pool.
        let many = with(&|b| b.positions = vec![b.positions[1]; 65]);
        let (mut st, mut d) = (st0, d0);
        let mut legs = [leg9; 65];
        let s = run_unified(&many, 0, &policy, &mut st, &mut [], 0, 0, &mut legs, &mut d);
        assert_eq!((s, d, legs[0]), (PARTLIQ_STATUS_TOO_MANY_POSITIONS, d0, leg9));
    }

    /// Every pointer of the pipeline: NULL (with a length), an impossible
    /// length, misaligned — each refused before any access, every output as
    /// it was.
    #[test]
    fn every_pointer_is_checked() {
        #[repr(C, align(8))]
        struct Aligned([u8; 512]);
        let buf = Aligned([0; 512]);
        let base = buf.0.as_ptr().cast_mut();
        // SAFETY: offsets within the buffer.
        let (at1, at4) = unsafe { (base.add(1), base.add(4)) };
        let book = readme_book();
        let raw = book.raw();
        let policy = default_policy();
        let st0 = partliq_account_liquidation_state { block: 2, ..Default::default() };
        let mut st = st0;
        let leg9 = partliq_plan_leg { size_delta: 9, ..Default::default() };
        let mut legs = [leg9; 1];
        let mut ms = [partliq_market_capacity_state { window_start: 1, used: 2 }];
        let d0 = partliq_decision { reason: 99, ..Default::default() };
        let mut d = d0;
        let (lp, msp) = (legs.as_mut_ptr(), ms.as_mut_ptr());
        let (stp, dp) = (core::ptr::addr_of_mut!(st), core::ptr::addr_of_mut!(d));
        for k in 0..8 {
            for (ptr, len, want) in [
                (core::ptr::null(), 1, PARTLIQ_STATUS_NULL_POINTER),
                (raw.arrays[k].0, usize::MAX, PARTLIQ_STATUS_BAD_LENGTH),
                (at4.cast_const(), 1, PARTLIQ_STATUS_MISALIGNED_POINTER),
            ] {
                let mut r = raw;
                r.arrays[k] = (ptr, len);
                // SAFETY: valid pointers but the one refused.
                assert_eq!(unsafe { r.pipeline(0, &policy, stp, (msp, 1), 0, 0, (lp, 1), dp) }, want, "array {k}");
            }
        }
        // SAFETY: valid arrays; the pointer under test refused first.
        unsafe {
            let p = &policy as *const partliq_policy;
            let r = raw;
            for (st, want) in [
                (r.pipeline(0, core::ptr::null(), stp, (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, at4.cast(), stp, (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, core::ptr::null_mut(), (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, at4.cast(), (msp, 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (core::ptr::null_mut(), 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (at4.cast(), 1), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (msp, usize::MAX), 0, 0, (lp, 1), dp), PARTLIQ_STATUS_BAD_LENGTH),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 1), dp), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (at4.cast(), 1), dp), PARTLIQ_STATUS_MISALIGNED_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, usize::MAX), dp), PARTLIQ_STATUS_BAD_LENGTH),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, 1), core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER),
                (r.pipeline(0, p, stp, (msp, 1), 0, 0, (lp, 1), at1.cast()), PARTLIQ_STATUS_MISALIGNED_POINTER),
            ] {
                assert_eq!(st, want);
            }
        }
        assert_eq!((st, legs, ms, d), (st0, [leg9], [partliq_market_capacity_state { window_start: 1, used: 2 }], d0));
        assert!(buf.0.iter().all(|b| *b == 0), "nothing written through a refused pointer");
        // NULL market states of length 0: no window rule, fine.
        // SAFETY: valid pointers; NULL with length 0.
        let s = unsafe { raw.pipeline(0, &policy, stp, (core::ptr::null_mut(), 0), 0, 0, (lp, 1), dp) };
        assert_eq!((s, d.action), (OK, partliq_action::CancelOrders as u32));
        // NULL legs of length 0: the core's order — cancelling the resting
        // orders needs no leg and comes first; once they are cancelled, the
        // legs are too few for the pool's one position.
        d = d0;
        let dp = core::ptr::addr_of_mut!(d);
        // SAFETY: valid pointers; NULL with length 0.
        let s = unsafe { raw.pipeline(0, &policy, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 0), dp) };
        assert_eq!((s, d.action, d.plan.leg_count), (OK, partliq_action::CancelOrders as u32, 0));
        let mut cancelled = readme_book();
        cancelled.positions[0].open_asks = 0;
        d = d0;
        let dp = core::ptr::addr_of_mut!(d);
        // SAFETY: as above.
        let s = unsafe { cancelled.raw().pipeline(0, &policy, stp, (msp, 1), 0, 0, (core::ptr::null_mut(), 0), dp) };
        assert_eq!((s, d, st), (PARTLIQ_STATUS_BUFFER_TOO_SMALL, d0, st0));
    }
}
