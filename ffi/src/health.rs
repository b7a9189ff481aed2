//! Health (the core's `health`): a pool's and an account's health, targets.

use partliq::account::Account;
use partliq::health::{account_health, pool_health, Health, HealthState, Target};
use partliq::num::Ppm;

use crate::account::{partliq_margin_mode, partliq_position};
use crate::boundary::{decode, OK};
use crate::market::partliq_market;
use crate::status::*;

/// How a pool's state is reported (`partliq_health.state`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_health_state {
    /// Equity covers maintenance (or there is no maintenance requirement).
    Healthy = 0,
    /// `maintenance > 0 && equity < maintenance`: reduce positions.
    Liquidatable = 1,
    /// Equity below zero.
    Bankrupt = 2,
}

abi_enum!(partliq_health_state => HealthState {
    Healthy => HealthState::Healthy,
    Liquidatable => HealthState::Liquidatable,
    Bankrupt => HealthState::Bankrupt,
});

/// Where a liquidation may stop (`partliq_target.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_target_kind {
    /// `equity ≥ ceil(maintenance × (1 + buffer_ppm / 1e6))`.
    Maintenance = 0,
    /// `equity ≥ initial requirement` (`buffer_ppm` must be 0).
    Initial = 1,
}

abi_enum!(partliq_target_kind => partliq_target_kind {
    Maintenance => partliq_target_kind::Maintenance,
    Initial => partliq_target_kind::Initial,
});

/// The health of a margin pool (or, from `partliq_account_health` in
/// isolated mode, the figures summed over the account's pools — its
/// collateral one with no positions — with the worst state of any of them).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_health {
    /// Collateral plus position values at mark (each rounded down).
    pub equity: i64,
    /// Initial margin requirement (rounded up).
    pub initial_requirement: i64,
    /// Maintenance margin requirement (rounded up).
    pub maintenance_requirement: i64,
    /// `equity − initial_requirement`.
    pub free_collateral: i64,
    /// `maintenance / equity` in ppm, rounded up; `UINT64_MAX` when equity
    /// ≤ 0 with maintenance > 0; 0 when maintenance is 0.
    pub margin_ratio_ppm: u64,
    /// A `partliq_health_state`.
    pub state: u32,
    /// 0.
    pub reserved: u32,
}

/// Where a liquidation may stop.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_target {
    /// A `partliq_target_kind`.
    pub kind: u32,
    /// Extra fraction of maintenance to restore, ppm (≤ 1,000,000); 0 for an
    /// initial-margin target.
    pub buffer_ppm: u32,
}

pin_layout!(partliq_health, size = 48, align = i64, {
    equity @ 0, initial_requirement @ 8, maintenance_requirement @ 16, free_collateral @ 24,
    margin_ratio_ppm @ 32, state @ 40, reserved @ 44,
});
pin_layout!(partliq_target, size = 8, align = u32, { kind @ 0, buffer_ppm @ 4 });

impl From<&Health> for partliq_health {
    fn from(h: &Health) -> Self {
        partliq_health {
            equity: h.equity.0,
            initial_requirement: h.initial_requirement.0,
            maintenance_requirement: h.maintenance_requirement.0,
            free_collateral: h.free_collateral.0,
            margin_ratio_ppm: h.margin_ratio_ppm,
            state: h.state as u32,
            reserved: 0,
        }
    }
}

impl partliq_target {
    /// The core's target: `INVALID_ENUM` for an unnamed kind,
    /// `INVALID_BUFFER` for a buffer with an initial-margin target.
    pub(crate) fn to_core(self) -> Result<Target, partliq_status> {
        match decode::<partliq_target_kind>(self.kind)? {
            partliq_target_kind::Maintenance => Ok(Target::Maintenance { buffer: Ppm(self.buffer_ppm) }),
            partliq_target_kind::Initial if self.buffer_ppm == 0 => Ok(Target::Initial),
            partliq_target_kind::Initial => Err(PARTLIQ_STATUS_INVALID_BUFFER),
        }
    }

    /// The ABI's target of a core target.
    pub(crate) fn of(t: Target) -> Self {
        match t {
            Target::Maintenance { buffer } => partliq_target { kind: partliq_target_kind::Maintenance as u32, buffer_ppm: buffer.0 },
            Target::Initial => partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 0 },
        }
    }
}

/// Health of one margin pool at the given marks: collateral plus
/// `positions`, `prices[i]` the mark of `markets[i]`. Writes `*out` on
/// success.
///
/// Statuses besides the boundary's: `UNKNOWN_MARKET` (a position's market
/// index ≥ `markets_len`), `MISSING_PRICE` (a non-zero position whose price is
/// absent or 0), `NEGATIVE_PRICE`, `OVERFLOW`. Markets are not re-validated
/// on every call (validate each once with `partliq_market_validate` when it
/// is set up or changed): a market that would not validate may give one of
/// its market errors (`INVALID_TIER_COUNT`, …) or figures computed from it.
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements; `out` is NULL or valid for one write. Outputs must
/// not overlap inputs.
#[no_mangle]
pub unsafe extern "C" fn partliq_pool_health(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    out: *mut partliq_health,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out);
    let view = check!(pool.view());
    let h = core_try!(pool_health(&view.pool(), view.markets, view.prices));
    write_out!(out, partliq_health::from(&h));
    OK
}

/// Health of a whole account: `margin_mode` is a `partliq_margin_mode`.
/// Cross: the health of its one pool. Isolated: each position is its own
/// pool (its margin in its quote balance) and the collateral is a pool of
/// its own with no positions (bankrupt when negative: a debt nothing
/// backs). The figures are the sums over all those pools, the margin ratio
/// is computed from the sums, and the state is the worst state of any of
/// those pools, never the state of the sums. Statuses as
/// `partliq_pool_health`, plus `INVALID_ENUM`.
///
/// # Safety
/// As `partliq_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_account_health(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
    margin_mode: u32,
    out: *mut partliq_health,
) -> partliq_status {
    let pool = pool_in!(markets, markets_len, prices, prices_len, collateral, positions, positions_len);
    out!(out);
    let mode = check!(decode::<partliq_margin_mode>(margin_mode));
    let view = check!(pool.view());
    let account = Account { collateral: view.collateral, positions: view.positions, mode };
    let h = core_try!(account_health(&account, view.markets, view.prices));
    write_out!(out, partliq_health::from(&h));
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::fixtures::market;
    use crate::market::{partliq_fee_rounding, partliq_market_validate};
    use crate::settlement::{partliq_fill, partliq_settle_fill, partliq_settlement};
    use partliq::account::MarginMode;

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(partliq_health_state::Healthy as u32, HealthState::Healthy as u32);
        assert_eq!(partliq_health_state::Liquidatable as u32, HealthState::Liquidatable as u32);
        assert_eq!(partliq_health_state::Bankrupt as u32, HealthState::Bankrupt as u32);
        assert_eq!(partliq_margin_mode::Isolated as u32, MarginMode::Isolated as u32);
    }

    /// The caller's arrays, read in place, give the core's answers; an
    /// out-of-range market index and a short price array keep their errors.
    #[test]
    fn pool_semantics_are_the_core_ones() {
        let ms = [market(), market(), market()];
        let ps = [partliq_position { market_index: 2, reserved: 0, size: 100, quote_balance: -9_600 }];
        let mut h = partliq_health::default();
        // SAFETY: valid arrays and out-pointer.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 3, [100i64, 100].as_ptr(), 2, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, PARTLIQ_STATUS_MISSING_PRICE);
        // SAFETY: as above.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, OK);
        assert_eq!((h.equity, h.maintenance_requirement, h.state), (400, 500, 1));
        // SAFETY: as above.
        let st = unsafe { partliq_pool_health(ms.as_ptr(), 2, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
        assert_eq!(st, PARTLIQ_STATUS_UNKNOWN_MARKET);
        let mut s = partliq_settlement::default();
        let f = partliq_fill { position_index: 0, reserved: 0, size_delta: -34, price: 99 };
        // SAFETY: as above.
        let st = unsafe { partliq_settle_fill(ms.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &f, &mut s) };
        assert_eq!(st, OK);
        assert_eq!(s.new_position, partliq_position { market_index: 2, reserved: 0, size: 66, quote_balance: -6_268 });
        // Fee rounding down: sell 34 at 99, fee 1 % of 3,366 = 33.66 → 33
        // (34 rounded up, above); the cap (excess 102) does not bind.
        let mut ms2 = ms;
        ms2[2].liquidation_fee_rounding = partliq_fee_rounding::Down as u32;
        // SAFETY: as above.
        let st = unsafe { partliq_settle_fill(ms2.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &f, &mut s) };
        assert_eq!((st, s.nominal_fee, s.fee), (OK, 33, 33));
        // Every market's fee rounding is checked, named by a position or not:
        // the whole array is read as core markets.
        for bad in [2u32, 3, u32::MAX] {
            let mut ms3 = ms;
            ms3[0].liquidation_fee_rounding = bad;
            // SAFETY: as above.
            let st = unsafe { partliq_pool_health(ms3.as_ptr(), 3, [1i64, 1, 100].as_ptr(), 3, 0, ps.as_ptr(), 1, &mut h) };
            assert_eq!(st, PARTLIQ_STATUS_INVALID_ENUM);
            // SAFETY: a valid market.
            assert_eq!(unsafe { partliq_market_validate(&ms3[0]) }, PARTLIQ_STATUS_INVALID_ENUM);
        }
    }

    #[test]
    fn targets_decode() {
        let t = |kind, buffer_ppm| partliq_target { kind, buffer_ppm }.to_core();
        assert_eq!(t(0, 50_000), Ok(Target::Maintenance { buffer: Ppm(50_000) }));
        assert_eq!(t(1, 0), Ok(Target::Initial));
        assert_eq!(t(1, 1), Err(PARTLIQ_STATUS_INVALID_BUFFER));
        assert_eq!(t(2, 0), Err(PARTLIQ_STATUS_INVALID_ENUM));
        for core in [Target::Initial, Target::Maintenance { buffer: Ppm(7) }] {
            assert_eq!(partliq_target::of(core).to_core(), Ok(core));
        }
    }
}
