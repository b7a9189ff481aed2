//! Unified margin accounts (the core's `unified`): perp positions with their
//! margin (cross or isolated), unsettled funding and resting orders; the
//! markets' risk extras; the account's pools (`partliq_unified_pool_count`).
//! A pool's health is in `health`, the pipeline in `pipeline`; its
//! liquidation legs in `legs`, the planner over them in `planner`, the
//! bankruptcy waterfall in `waterfall`, a delisted market's final
//! settlement in `delisting`; the batch scan of many accounts' pools in
//! `scan`.
//!
//! A unified account is passed flat, as `balances, balances_len,
//! positions, positions_len`, after its book: `markets, markets_len,
//! prices, prices_len, funding_indexes, funding_indexes_len, perp_risk,
//! perp_risk_len, assets, assets_len, asset_prices, asset_prices_len`
//! (`funding_indexes` and `perp_risk` empty, or one per market).

mod delisting;
mod health;
mod index;
mod legs;
mod lending;
mod pipeline;
mod planner;
mod scan;
mod waterfall;

pub use delisting::*;
pub use health::*;
pub use index::*;
pub use legs::*;
pub use lending::*;
pub use pipeline::*;
pub use planner::*;
pub use scan::*;
pub use waterfall::*;

use partliq::unified::{PerpPosition, PerpRisk, PositionMargin};

use crate::boundary::{array_fast, decode, ptr_fast, Castable, OK};
use crate::status::*;

/// Most token balances one unified account may hold (the core's
/// `unified::MAX_BALANCES`).
pub const PARTLIQ_MAX_BALANCES: usize = 64;

const _: () = assert!(PARTLIQ_MAX_BALANCES == partliq::unified::MAX_BALANCES);

/// Whether a perp position shares the cross pool's margin or has its own
/// (`partliq_perp_position.margin`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_position_margin {
    /// Backed by the account's balances and its other cross positions.
    Cross = 0,
    /// Backed only by the margin in its own quote balance.
    Isolated = 1,
}

abi_enum!(partliq_position_margin => PositionMargin {
    Cross => PositionMargin::Cross,
    Isolated => PositionMargin::Isolated,
});

/// A perp position of a unified account, the core's `PerpPosition` field for
/// field.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_perp_position {
    /// Index of the position's market in the markets array.
    pub market_index: u32,
    /// A `partliq_position_margin`: `PARTLIQ_POSITION_MARGIN_CROSS` (0) or
    /// `PARTLIQ_POSITION_MARGIN_ISOLATED` (1); any other value:
    /// `INVALID_ENUM`.
    pub margin: u32,
    /// Signed size in base units: long > 0, short < 0.
    pub size: i64,
    /// Settled cash of the position, quote units (isolated: its margin too).
    pub quote_balance: i64,
    /// The market's cumulative funding index when the position was last
    /// settled (quote units × 10⁻⁶ per unit of size).
    pub last_funding_index: i64,
    /// Size of the account's resting bids in this market (≥ 0).
    pub open_bids: i64,
    /// Size of the account's resting asks in this market (≥ 0).
    pub open_asks: i64,
}

/// A market's risk parameters beyond its tiers, for unified accounts (the
/// core's `PerpRisk`); `{0, 1000000, 1}` is none (the core's `PerpRisk::NONE`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_perp_risk {
    /// Drift's IMF factor for the initial margin's √size premium, ppm per
    /// √unit of size; 0 turns it off.
    pub imf_factor_ppm: u32,
    /// What a position's unrealised gain counts for at the initial level,
    /// ppm (≤ 1,000,000; 1,000,000 counts it whole).
    pub initial_upnl_weight_ppm: u32,
    /// Units of size in one whole unit for the √size term; > 0.
    pub imf_unit: i64,
}

pin_layout!(partliq_perp_position, size = 48, align = i64, {
    market_index @ 0, margin @ 4, size @ 8, quote_balance @ 16, last_funding_index @ 24, open_bids @ 32, open_asks @ 40,
});
pin_layout!(partliq_perp_risk, size = 16, align = i64, { imf_factor_ppm @ 0, initial_upnl_weight_ppm @ 4, imf_unit @ 8 });

// The caller's positions are read in place as the core's. Every field is a
// plain integer but the margin, the core's `PositionMargin` enum: its ABI
// values are the enum's discriminants, and `check` refuses any other before
// a position is seen as the core's (no invalid Rust enum is ever formed).
castable!(partliq_perp_position => PerpPosition, |p| decode::<partliq_position_margin>(p.margin).map(|_| ()), {
    market_index = market_index, margin = margin, size = size, quote_balance = quote_balance,
    last_funding_index = last_funding_index, open_bids = open_bids, open_asks = open_asks,
});
castable!(partliq_perp_risk => PerpRisk, |_r| Ok(()), {
    imf_factor_ppm = imf_factor, initial_upnl_weight_ppm = initial_upnl_weight, imf_unit = imf_unit,
});
const _: () = {
    assert!(core::mem::size_of::<PositionMargin>() == core::mem::size_of::<u32>());
    assert!(partliq_position_margin::Cross as u32 == PositionMargin::Cross as u32);
    assert!(partliq_position_margin::Isolated as u32 == PositionMargin::Isolated as u32);
    // The named margins are exactly `0 ..= MARGIN_MAX` (`perp_positions_in`),
    // and 1 is isolated (`pool_count_of`'s sum).
    assert!(partliq_position_margin::Cross as u32 == 0 && partliq_position_margin::Isolated as u32 == MARGIN_MAX);
    assert!(MARGIN_MAX == 1);
};

/// The largest named `partliq_position_margin`.
const MARGIN_MAX: u32 = 1;

/// The caller's whole positions array as the core's, every margin checked
/// first (a Rust enum in the core type: no reference to the array is formed
/// before all are valid), in one branch-free pass over the margins: the
/// cheapest form of `Castable::cast_slice`, whose status (`INVALID_ENUM`)
/// it returns for the first unnamed margin.
pub(crate) fn perp_positions_in(s: &[partliq_perp_position]) -> Result<&[PerpPosition], partliq_status> {
    if s.iter().fold(false, |bad, p| bad | (p.margin > MARGIN_MAX)) {
        return Castable::cast_slice(s);
    }
    // SAFETY: every margin is a named value (0 or 1, the discriminants of
    // `PositionMargin`: asserted above), every other field an integer, the
    // layouts the same (`castable!`): every element is a valid
    // `PerpPosition`, as `cast_slice` would have found.
    Ok(unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<PerpPosition>(), s.len()) })
}

/// Checks a market's risk extras: `INVALID_IMF_UNIT` for a unit ≤ 0,
/// `FRACTION_ABOVE_100_PERCENT` for a uPnL weight above 1,000,000 ppm. (The
/// health functions check the extras of every market a position names.)
///
/// # Safety
/// `risk` is NULL or points to an initialised `partliq_perp_risk`.
#[no_mangle]
pub unsafe extern "C" fn partliq_perp_risk_validate(risk: *const partliq_perp_risk) -> partliq_status {
    let risk = struct_in!(risk);
    let core = check!(risk.cast_ref());
    core_try!(core.validate());
    OK
}

/// The number of margin pools of a unified account with these positions:
/// the cross pool (pool 0, always there) and one per isolated position
/// (pools 1, 2, … in the order of the positions). Writes `*out` on success.
/// Statuses: the boundary's (`INVALID_ENUM` for a margin other than cross
/// or isolated).
///
/// # Safety
/// `positions` is NULL (only with `positions_len` 0) or points to that many
/// initialised positions; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_pool_count(
    positions: *const partliq_perp_position,
    positions_len: usize,
    out: *mut usize,
) -> partliq_status {
    // The array non-empty, non-NULL, aligned and within its bound and `out`
    // non-NULL and aligned, tested at once; anything else takes the checks
    // one by one (their statuses, in their order).
    if !(array_fast(positions, positions_len) & ptr_fast(out.cast_const())) {
        // SAFETY: the function's contract.
        return unsafe { pool_count_checked(positions, positions_len, out) };
    }
    // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX (`array_fast`, as
    // `slice_in`); validity is the function's contract.
    let positions = unsafe { core::slice::from_raw_parts(positions, positions_len) };
    write_out!(out, check!(pool_count_of(positions)));
    OK
}

/// `partliq_unified_pool_count` with its checks one by one, in its order.
///
/// # Safety
/// As `partliq_unified_pool_count`.
#[cold]
#[inline(never)]
unsafe fn pool_count_checked(positions: *const partliq_perp_position, positions_len: usize, out: *mut usize) -> partliq_status {
    let positions = array_in!(positions, positions_len);
    out!(out);
    write_out!(out, check!(pool_count_of(positions)));
    OK
}

/// The core's `UnifiedAccount::pool_count` of the caller's positions (the
/// cross pool and one per isolated position), their margins checked in the
/// same pass (`INVALID_ENUM` for any unnamed one, as `perp_positions_in`):
/// one branch-free pass that ORs the margins and adds them up. The named
/// margins are 0 (cross) and 1 (isolated, asserted above), so the OR is
/// above 1 exactly when one is unnamed, and otherwise the sum is the count
/// of isolated positions. The test `pool_count_is_the_cores` holds it to
/// the core's.
fn pool_count_of(s: &[partliq_perp_position]) -> Result<usize, partliq_status> {
    let (any, sum) = s.iter().fold((0u32, 0usize), |(any, sum), p| {
        // Wraps only when some margin is above 1, and then the sum is not
        // used: with margins of 0 or 1 it is at most `s.len()`.
        (any | p.margin, sum.wrapping_add(p.margin as usize))
    });
    if any > MARGIN_MAX {
        return Err(PARTLIQ_STATUS_INVALID_ENUM);
    }
    // `pool_count`'s own rule: the cross pool, always there, and the rest
    // (margins of 0 or 1: the sum is at most `s.len()`, below `usize::MAX`,
    // so adding 1 does not wrap).
    Ok(sum.wrapping_add(1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use partliq::num::{Ppm, Quote, Size};
    use partliq::unified::UnifiedAccount;

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(partliq_position_margin::Cross as u32, PositionMargin::Cross as u32);
        assert_eq!(partliq_position_margin::Isolated as u32, PositionMargin::Isolated as u32);
        assert_eq!(decode::<partliq_position_margin>(1), Ok(PositionMargin::Isolated));
        assert_eq!(decode::<partliq_position_margin>(2), Err(PARTLIQ_STATUS_INVALID_ENUM));
    }

    /// The one-pass cast of a positions array: every margin checked, as
    /// `Castable::cast_slice`, whichever element holds the bad one.
    #[test]
    fn positions_in_checks_every_margin() {
        let p = |margin: u32, size: i64| partliq_perp_position { margin, size, ..Default::default() };
        let mut ps = [p(0, 1), p(1, -2), p(0, 3)];
        let core = perp_positions_in(&ps).unwrap();
        assert_eq!((core[1].margin, core[1].size.0, core[2].size.0), (PositionMargin::Isolated, -2, 3));
        assert!(perp_positions_in(&[]).unwrap().is_empty());
        for (i, bad) in [(0, 2u32), (2, u32::MAX), (1, 1 << 31)] {
            ps[i].margin = bad;
            assert_eq!(perp_positions_in(&ps).err(), Some(PARTLIQ_STATUS_INVALID_ENUM), "margin {bad} at {i}");
            ps[i].margin = 0;
        }
    }

    /// Read in place, field for field the core's; a margin outside the
    /// enumeration refuses the whole array before any is seen as the core's.
    #[test]
    fn positions_read_in_place() {
        let p = partliq_perp_position {
            market_index: 2,
            margin: 1,
            size: -5,
            quote_balance: 700,
            last_funding_index: 9,
            open_bids: 1,
            open_asks: 2,
        };
        let core = PerpPosition {
            last_funding_index: 9,
            open_bids: Size(1),
            open_asks: Size(2),
            ..PerpPosition::isolated(2, Size(-5), Quote(700))
        };
        assert_eq!(Castable::cast_slice(&[p]).unwrap(), &[core]);
        for bad in [2, 3, u32::MAX] {
            assert_eq!(Castable::cast_slice(&[p, partliq_perp_position { margin: bad, ..p }]).err(), Some(PARTLIQ_STATUS_INVALID_ENUM));
        }
        let r = partliq_perp_risk { imf_factor_ppm: 1_000, initial_upnl_weight_ppm: 600_000, imf_unit: 3 };
        assert_eq!(*r.cast_ref().unwrap(), PerpRisk { imf_factor: Ppm(1_000), initial_upnl_weight: Ppm(600_000), imf_unit: 3 });
    }

    #[test]
    fn perp_risk_validate() {
        let v = |r: partliq_perp_risk| {
            // SAFETY: a valid pointer.
            unsafe { partliq_perp_risk_validate(&r) }
        };
        let none = partliq_perp_risk { imf_factor_ppm: 0, initial_upnl_weight_ppm: 1_000_000, imf_unit: 1 };
        assert_eq!(*none.cast_ref().unwrap(), PerpRisk::NONE);
        assert_eq!(v(none), OK);
        assert_eq!(v(partliq_perp_risk { imf_unit: 0, ..none }), PARTLIQ_STATUS_INVALID_IMF_UNIT);
        assert_eq!(v(partliq_perp_risk { initial_upnl_weight_ppm: 1_000_001, ..none }), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
        // SAFETY: NULL is refused before any read.
        assert_eq!(unsafe { partliq_perp_risk_validate(core::ptr::null()) }, PARTLIQ_STATUS_NULL_POINTER);
    }

    /// The boundary's one-pass count is the core's `pool_count` on every
    /// mix of margins (all 2^6 patterns of six positions, and none); an
    /// unnamed margin anywhere is refused as `perp_positions_in` refuses it.
    #[test]
    fn pool_count_is_the_cores() {
        for mask in 0u32..64 {
            let ps: [partliq_perp_position; 6] =
                core::array::from_fn(|i| partliq_perp_position { margin: (mask >> i) & 1, size: 1, ..Default::default() });
            let core = UnifiedAccount { balances: &[], positions: perp_positions_in(&ps).unwrap() }.pool_count();
            assert_eq!(pool_count_of(&ps), Ok(core), "margins {mask:06b}");
            assert_eq!(core as u32, 1 + mask.count_ones());
            for bad in [2, 1 << 31, u32::MAX] {
                let mut b = ps;
                b[(mask % 6) as usize].margin = bad;
                assert_eq!(pool_count_of(&b), Err(PARTLIQ_STATUS_INVALID_ENUM));
                assert_eq!(perp_positions_in(&b).err(), Some(PARTLIQ_STATUS_INVALID_ENUM));
            }
        }
        assert_eq!(pool_count_of(&[]), Ok(1));
    }

    #[test]
    fn pool_count() {
        let cross = partliq_perp_position { size: 1, ..Default::default() };
        let iso = partliq_perp_position { margin: 1, ..cross };
        let mut n = 99usize;
        let ps = [iso, cross, iso];
        // SAFETY: valid arrays and out-pointer.
        unsafe {
            assert_eq!(partliq_unified_pool_count(ps.as_ptr(), 3, &mut n), OK);
            assert_eq!(n, 3);
            assert_eq!(partliq_unified_pool_count(core::ptr::null(), 0, &mut n), OK);
            assert_eq!(n, 1, "the cross pool is always there");
            n = 99;
            let bad = [iso, partliq_perp_position { margin: 7, ..cross }];
            assert_eq!(partliq_unified_pool_count(bad.as_ptr(), 2, &mut n), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(partliq_unified_pool_count(core::ptr::null(), 1, &mut n), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_unified_pool_count(ps.as_ptr(), usize::MAX, &mut n), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(partliq_unified_pool_count(ps.as_ptr(), 3, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            // Several refusals at once: the array's first (misaligned: one
            // byte into the 8-aligned positions), then a misaligned out.
            let odd = ps.as_ptr().cast::<u8>().wrapping_add(1).cast::<partliq_perp_position>();
            assert_eq!(partliq_unified_pool_count(odd, 1, core::ptr::null_mut()), PARTLIQ_STATUS_MISALIGNED_POINTER);
            let odd_out = (&mut n as *mut usize).cast::<u8>().wrapping_add(1).cast::<usize>();
            assert_eq!(partliq_unified_pool_count(ps.as_ptr(), 3, odd_out), PARTLIQ_STATUS_MISALIGNED_POINTER);
            assert_eq!(n, 99, "untouched on error");
        }
    }
}
