//! Venue replicas (the core's `venues`): a venue's own configuration and
//! functions as the replica takes them, one module per venue the ABI
//! exposes, plus the 128-bit integer their figures need.

mod aave_v3;
mod dydx_v4;

pub use aave_v3::*;
pub use dydx_v4::*;

use crate::status::*;

/// A signed 128-bit integer, `hi × 2^64 + lo` (two's complement: `hi` holds
/// the sign), for the replicas' figures beyond 64 bits (Aave's wei amounts
/// and RAY indexes, dYdX's exact fractions).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_i128 {
    /// High 64 bits, signed.
    pub hi: i64,
    /// Low 64 bits.
    pub lo: u64,
}

// Words in the order of the lending figures' `*_hi`, `*_lo` fields.
pin_layout!(partliq_i128, size = 16, align = u64, { hi @ 0, lo @ 8 });

impl partliq_i128 {
    /// The value.
    pub(crate) fn get(self) -> i128 {
        (i128::from(self.hi) << 64) | i128::from(self.lo)
    }

    /// The ABI's form of `v`.
    pub(crate) fn of(v: i128) -> Self {
        partliq_i128 { hi: (v >> 64) as i64, lo: v as u64 }
    }
}

/// A figure as `int64_t`, or `OVERFLOW`.
pub(crate) fn narrow(v: i128) -> Result<i64, partliq_status> {
    i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i128_round_trips() {
        for v in [0i128, 1, -1, i128::MAX, i128::MIN, 1 << 64, -(1 << 64), (1 << 64) - 1, 1_000_000_000_000_000_000_000_000_000] {
            assert_eq!(partliq_i128::of(v).get(), v, "{v}");
        }
        assert_eq!(partliq_i128::of(-1), partliq_i128 { hi: -1, lo: u64::MAX });
        assert_eq!(partliq_i128::of(1 << 64), partliq_i128 { hi: 1, lo: 0 });
        assert_eq!(narrow(i128::from(i64::MIN)), Ok(i64::MIN));
        assert_eq!(narrow(i128::from(i64::MAX) + 1), Err(PARTLIQ_STATUS_OVERFLOW));
    }
}
