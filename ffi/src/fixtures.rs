//! What the unit tests of several modules share: a market, a position,
//! and `partliq_run_pipeline` over slices.

use crate::*;

/// Market 1: lot step and tick 1, one tier (initial 10 %, maintenance
/// 5 %), a 1 % fee rounded up, 40 % of it to the liquidator.
pub(crate) fn market() -> partliq_market {
    let mut m = partliq_market {
        id: 1,
        quote_exponent: 0,
        lot_step: 1,
        tick: 1,
        tiers: [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS],
        tier_count: 1,
        liquidation_fee_ppm: 10_000,
        liquidator_fee_share_ppm: 400_000,
        liquidation_fee_rounding: partliq_fee_rounding::Up as u32,
        dust_floor: 0,
    };
    if let Some(t) = m.tiers.first_mut() {
        *t = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
    }
    m
}

/// A long of 100 with quote balance −9,600: at mark 100, equity
/// 10,000 − 9,600 = 400 < maintenance 5 % × 10,000 = 500.
pub(crate) fn position() -> partliq_position {
    partliq_position { market_index: 0, reserved: 0, size: 100, quote_balance: -9_600 }
}

/// `partliq_run_pipeline` with collateral 0 and every array a slice (its
/// length the slice's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_pipeline(
    markets: &[partliq_market],
    prices: &[i64],
    positions: &[partliq_position],
    policy: &partliq_policy,
    state: &mut partliq_account_liquidation_state,
    market_states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
    out: &mut partliq_decision,
) -> partliq_status {
    // SAFETY: every pointer comes from a live slice or reference, with its
    // length; the outputs are distinct borrows.
    unsafe {
        partliq_run_pipeline(
            markets.as_ptr(),
            markets.len(),
            prices.as_ptr(),
            prices.len(),
            0,
            positions.as_ptr(),
            positions.len(),
            policy,
            state,
            market_states.as_mut_ptr(),
            market_states.len(),
            now,
            block,
            legs.as_mut_ptr(),
            legs.len(),
            out,
        )
    }
}
