//! Cross-account priority (the core's `priority`): the order to process
//! many liquidatable accounts in, most dangerous first,
//! `partliq_sort_by_priority`.

use partliq::priority::{sort_by_priority, PriorityItem, PriorityOrder};

use crate::boundary::{decode, Castable, OK};
use crate::status::*;

/// Which order `partliq_sort_by_priority` sorts into.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_priority_order {
    /// Lowest `equity / maintenance` first (exact; no maintenance: −∞ with
    /// negative equity, +∞ otherwise), then the larger notional, then the
    /// lower index.
    MarginRatio = 0,
    /// dYdX-style: largest `|fillable − oracle| / oracle` first (exact),
    /// then the larger notional, then the lower index.
    OracleDistance = 1,
}

abi_enum!(partliq_priority_order => PriorityOrder {
    MarginRatio => PriorityOrder::MarginRatio,
    OracleDistance => PriorityOrder::OracleDistance,
});

/// One account's figures for `partliq_sort_by_priority`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_priority_item {
    /// Equity (a `partliq_health`'s).
    pub equity: i64,
    /// Maintenance requirement (≥ 0).
    pub maintenance: i64,
    /// Gross notional of its positions (≥ 0): the first tie-break.
    pub notional: i64,
    /// Oracle price (`OracleDistance` only; > 0 there).
    pub oracle_price: i64,
    /// Fillable price (`OracleDistance` only; ≥ 0 there).
    pub fillable_price: i64,
}

pin_layout!(partliq_priority_item, size = 40, align = i64, {
    equity @ 0, maintenance @ 8, notional @ 16, oracle_price @ 24, fillable_price @ 32,
});
castable!(partliq_priority_item => PriorityItem, |_p| Ok(()), {
    equity = equity, maintenance = maintenance, notional = notional, oracle_price = oracle_price, fillable_price = fillable_price,
});

/// Sorts `indices` (indices into `items`) in place, most dangerous first by
/// `order` (a `partliq_priority_order`): a heapsort of the caller's buffer,
/// no allocation, a total and deterministic order (the index is the last
/// key). Duplicated indices stay adjacent.
///
/// Statuses: the arrays', `INVALID_ENUM`, `UNKNOWN_POSITION` (an index ≥
/// `items_len`), `OUT_OF_RANGE` (a named item's maintenance or notional
/// negative), with `OracleDistance` `MISSING_PRICE` (an oracle price 0) and
/// `NEGATIVE_PRICE`. On any status but `OK` `indices` is unchanged.
///
/// # Safety
/// `items` is NULL (only with `items_len` 0) or points to `items_len`
/// initialised items; `indices` likewise for `indices_len` indices, writable
/// and not overlapping `items`.
#[no_mangle]
pub unsafe extern "C" fn partliq_sort_by_priority(
    items: *const partliq_priority_item,
    items_len: usize,
    order: u32,
    indices: *mut u32,
    indices_len: usize,
) -> partliq_status {
    let items = array_in!(items, items_len);
    let indices = array_out!(indices, indices_len);
    let order = check!(decode::<partliq_priority_order>(order));
    let items = check!(Castable::cast_slice(items));
    core_try!(sort_by_priority(items, order, indices));
    OK
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn item(equity: i64, maintenance: i64, notional: i64) -> partliq_priority_item {
        partliq_priority_item { equity, maintenance, notional, ..Default::default() }
    }

    #[test]
    fn sorts_and_refuses_in_place() {
        // 0: 0.8; 1: −∞ (no maintenance, debt); 2: 0.8 with more notional;
        // 3: +∞; 4: −0.5.
        let items = [item(400, 500, 1), item(-5, 0, 1), item(800, 1_000, 9), item(7, 0, 1), item(-100, 200, 1)];
        let mut idx = [0u32, 1, 2, 3, 4];
        // SAFETY: valid arrays.
        unsafe {
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 0, idx.as_mut_ptr(), 5), OK);
            assert_eq!(idx, [1, 4, 2, 0, 3]);
            let mut bad = [4u32, 5];
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 0, bad.as_mut_ptr(), 2), PARTLIQ_STATUS_UNKNOWN_POSITION);
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 2, idx.as_mut_ptr(), 5), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 1, idx.as_mut_ptr(), 5), PARTLIQ_STATUS_MISSING_PRICE);
            assert_eq!(partliq_sort_by_priority(core::ptr::null(), 5, 0, idx.as_mut_ptr(), 5), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 0, core::ptr::null_mut(), 5), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 0, core::ptr::null_mut(), 0), OK);
            // An 8-aligned buffer, so that one byte in is misaligned for a
            // `u32` wherever the buffer lies (a bare `[u8; N]` may start at
            // any address: under Miri, one byte in was sometimes aligned).
            #[repr(C, align(8))]
            struct Aligned([u8; 24]);
            let mut aligned = Aligned([0; 24]);
            let buf = &mut aligned.0;
            let odd = buf.as_mut_ptr().add(1).cast::<u32>();
            assert_eq!(partliq_sort_by_priority(items.as_ptr(), 5, 0, odd, 2), PARTLIQ_STATUS_MISALIGNED_POINTER);
            assert_eq!(bad, [4, 5]);
            assert_eq!(idx, [1, 4, 2, 0, 3]);
            assert!(buf.iter().all(|b| *b == 0));
        }
    }
}
