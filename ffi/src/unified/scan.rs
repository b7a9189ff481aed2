//! The unified batch scan (the core's `unified::scan`): every pool of a flat
//! batch of unified accounts that needs liquidation, `partliq_unified_scan`.
//!
//! The batch is flat: `balances` and `positions` arrays shared by every
//! account, and one `partliq_unified_scan_account` per account naming its
//! range of each. Every pool (the cross pool, then each isolated position's)
//! goes through the exact health of `partliq_unified_pool_health`: a hit is
//! a pool not healthy or at the ladder's liquidation rung or worse.

use partliq::scan::ScanEnd;
use partliq::unified::{MarginLadder, PerpPosition, UnifiedCursor, UnifiedScanAccount, UnifiedScanHit, UnifiedScanOutcome, UnifiedScanner};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{Castable, OK};
use crate::market::partliq_market;
use crate::scan::partliq_scan_end;
use crate::status::*;
use crate::unified::{partliq_margin_ladder, partliq_perp_position, partliq_perp_risk, partliq_unified_health};

/// One unified account of a flat batch: a range of the balances array and a
/// range of the positions array.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_scan_account {
    /// Index of the account's first balance in the balances array.
    pub first_balance: u32,
    /// Number of balances (consecutive from `first_balance`).
    pub balance_count: u32,
    /// Index of the account's first position in the positions array.
    pub first_position: u32,
    /// Number of positions (consecutive from `first_position`).
    pub position_count: u32,
}

/// A pool a unified scan found needing liquidation.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_scan_hit {
    /// Index of the account in the accounts array.
    pub account_index: u64,
    /// Index of the pool in the account (0: cross; `k ≥ 1`: the `k`-th
    /// isolated position's).
    pub pool_index: u64,
    /// Its exact health (`partliq_unified_pool_health`'s).
    pub health: partliq_unified_health,
}

impl From<UnifiedScanHit> for partliq_unified_scan_hit {
    fn from(h: UnifiedScanHit) -> Self {
        partliq_unified_scan_hit {
            account_index: h.account_index as u64,
            pool_index: h.pool_index as u64,
            health: partliq_unified_health::from(&h.health),
        }
    }
}

/// What a unified scan did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_scan_outcome {
    /// Hits written to the front of the buffer.
    pub count: u64,
    /// Account of the pool not examined to the end (the hit not written, the
    /// pool whose health failed); when complete, the accounts' length (or
    /// the start account when already past it).
    pub next_account: u64,
    /// That pool's index (0 for a malformed account, and when complete).
    pub next_pool: u64,
    /// Account to start the next scan at: `next_account` when the buffer
    /// filled; past the failed pool (or, for a malformed account, at the
    /// next account) when one failed. Never before the start.
    pub resume_account: u64,
    /// Pool to start the next scan at (a pool beyond the account's last
    /// moves on to the next account).
    pub resume_pool: u64,
    /// Pools whose health was computed.
    pub exact_checks: u64,
    /// A `partliq_scan_end`.
    pub end: u32,
    /// With `end` `PARTLIQ_SCAN_END_FAILED`, the failure's status
    /// (`UNKNOWN_POSITION` for an account whose range lies outside its
    /// array); else 0.
    pub error: partliq_status,
}

pin_layout!(partliq_unified_scan_account, size = 16, align = u32, {
    first_balance @ 0, balance_count @ 4, first_position @ 8, position_count @ 12,
});
pin_layout!(partliq_unified_scan_hit, size = 88, align = u64, { account_index @ 0, pool_index @ 8, health @ 16 });
pin_layout!(partliq_unified_scan_outcome, size = 56, align = u64, {
    count @ 0, next_account @ 8, next_pool @ 16, resume_account @ 24, resume_pool @ 32, exact_checks @ 40, end @ 48, error @ 52,
});
castable!(partliq_unified_scan_account => UnifiedScanAccount, |_a| Ok(()), {
    first_balance = first_balance, balance_count = balance_count, first_position = first_position, position_count = position_count,
});

/// How many hits `partliq_unified_scan` gathers on the stack at a time.
const CHUNK: usize = 8;

/// The scan into the caller's hits in chunks of [`CHUNK`], with exactly the
/// outcome of one core call over a buffer of `hits.len()` (a chunk that
/// fills while the caller's buffer has room resumes at its `next`, whose
/// pool was counted once as an exact check and will be again: counted
/// once). Out of the exported function's frame.
#[inline(never)]
fn scan_core(
    scanner: &UnifiedScanner<'_>,
    accounts: &[UnifiedScanAccount],
    balances: &[partliq::asset::AssetBalance],
    positions: &[PerpPosition],
    start: UnifiedCursor,
    hits: &mut [partliq_unified_scan_hit],
) -> partliq_unified_scan_outcome {
    let mut buf = [UnifiedScanHit::default(); CHUNK];
    let mut written = 0usize;
    let mut exact = 0usize;
    let mut cursor = start;
    loop {
        let room = hits.len().saturating_sub(written);
        let take = room.min(CHUNK);
        let r: UnifiedScanOutcome = scanner.scan_flat(accounts, balances, positions, cursor, buf.get_mut(..take).unwrap_or(&mut []));
        for (slot, h) in hits.iter_mut().skip(written).zip(buf.iter().take(r.count)) {
            *slot = partliq_unified_scan_hit {
                account_index: h.account_index as u64,
                pool_index: h.pool_index as u64,
                health: partliq_unified_health::from(&h.health),
            };
        }
        written = written.saturating_add(r.count);
        exact = exact.saturating_add(r.exact_checks);
        if r.end == ScanEnd::BufferFull && take < room {
            exact = exact.saturating_sub(1);
            cursor = r.resume;
            continue;
        }
        let (end, error) = match r.end {
            ScanEnd::Complete => (partliq_scan_end::Complete, OK),
            ScanEnd::BufferFull => (partliq_scan_end::BufferFull, OK),
            ScanEnd::Failed(e) => (partliq_scan_end::Failed, status_of(e)),
        };
        return partliq_unified_scan_outcome {
            count: written as u64,
            next_account: r.next.account as u64,
            next_pool: r.next.pool as u64,
            resume_account: r.resume.account as u64,
            resume_pool: r.resume.pool as u64,
            exact_checks: exact as u64,
            end: end as u32,
            error,
        };
    }
}

/// Scans the unified accounts `accounts` (each a range of `balances` and of
/// `positions`) from pool `start_pool` of account `start_account` on,
/// against the book with `ladder`: writes each pool that is not healthy or
/// at the ladder's liquidation rung or worse, with its exact health, to the
/// front of `hits` (in account then pool order), and what the scan did to
/// `*out` — exactly the core's `UnifiedScanner::scan_flat`. A full buffer or
/// a pool whose health fails stops the scan with status `OK` and says where
/// to resume (`resume_account`, `resume_pool`).
///
/// The book as `partliq_unified_pool_health`'s. Statuses: the arrays' and
/// `out`'s, the book's and the accounts' checks of values
/// (`RESERVED_NOT_ZERO`, `INVALID_ENUM`), the ladder's NULL. A pool's own
/// errors (and `INVALID_MARGIN_LADDER`) are reported in `*out`. Nothing is
/// written unless `OK`.
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements (`hits` writable, any values, not overlapping the
/// others); `ladder` is NULL or points to an initialised ladder; `out` is
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_scan(
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
    accounts: *const partliq_unified_scan_account,
    accounts_len: usize,
    start_account: u64,
    start_pool: u64,
    ladder: *const partliq_margin_ladder,
    hits: *mut partliq_unified_scan_hit,
    hits_len: usize,
    out: *mut partliq_unified_scan_outcome,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let accounts = array_in!(accounts, accounts_len);
    let ladder = struct_in!(ladder);
    let hits = array_out!(hits, hits_len);
    out!(out);
    let (book, flat) = check!(args.view());
    let accounts: &[UnifiedScanAccount] = check!(Castable::cast_slice(accounts));
    let ladder: &MarginLadder = check!(ladder.cast_ref());
    // A start beyond `usize` is past every account.
    let start = UnifiedCursor {
        account: usize::try_from(start_account).unwrap_or(usize::MAX),
        pool: usize::try_from(start_pool).unwrap_or(usize::MAX),
    };
    let scanner = UnifiedScanner::new(book, *ladder);
    let r = scan_core(&scanner, accounts, flat.balances, flat.positions, start, hits);
    write_out!(out, r);
    OK
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use partliq::unified::{MarginBook, UnifiedAccount};

    /// The quote asset at par.
    fn par() -> partliq_asset {
        partliq_asset {
            id: 0,
            quote_exponent: 0,
            initial_asset_weight_ppm: 1_000_000,
            maintenance_asset_weight_ppm: 1_000_000,
            initial_liability_weight_ppm: 1_000_000,
            maintenance_liability_weight_ppm: 1_000_000,
            imf_factor_ppm: 0,
            reserved: 0,
            imf_unit: 1,
        }
    }

    /// The C scan gives the core's hits and outcome, chunk boundaries
    /// included, and refuses bad arguments.
    #[test]
    fn matches_the_core() {
        let markets = [crate::fixtures::market()];
        let prices = [100i64];
        let assets = [par()];
        let asset_prices = [1i64];
        let mut balances = Vec::new();
        let mut positions = Vec::new();
        let mut accounts = Vec::new();
        // 30 accounts: a deposit of 490 + i (cross long 100 @ 100 with qb
        // −10,000: collateral 490 + i against MM 500, a hit below i = 10)
        // and an isolated short 1 with qb 99 + (i % 3): equity −1, 0, 1 —
        // bankrupt, then below MM 100 × 5 % = 5: every isolated pool a hit.
        for i in 0..30u32 {
            accounts.push(partliq_unified_scan_account { first_balance: i, balance_count: 1, first_position: 2 * i, position_count: 2 });
            balances.push(partliq_asset_balance { asset_index: 0, reserved: 0, amount: 490 + i64::from(i) });
            positions.push(partliq_perp_position { size: 100, quote_balance: -10_000, ..Default::default() });
            positions.push(partliq_perp_position { margin: 1, size: -1, quote_balance: 99 + i64::from(i % 3), ..Default::default() });
        }
        let ladder = partliq_margin_ladder::from(&MarginLadder::STANDARD);
        let scan = |start: (u64, u64), hits: &mut [partliq_unified_scan_hit], out: &mut partliq_unified_scan_outcome| {
            // SAFETY: valid arrays and pointers.
            unsafe {
                partliq_unified_scan(
                    markets.as_ptr(),
                    1,
                    prices.as_ptr(),
                    1,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    assets.as_ptr(),
                    1,
                    asset_prices.as_ptr(),
                    1,
                    balances.as_ptr(),
                    balances.len(),
                    positions.as_ptr(),
                    positions.len(),
                    accounts.as_ptr(),
                    accounts.len(),
                    start.0,
                    start.1,
                    &ladder,
                    hits.as_mut_ptr(),
                    hits.len(),
                    out,
                )
            }
        };
        // The core over the same accounts.
        let book = MarginBook {
            markets: Castable::cast_slice(&markets[..]).unwrap(),
            prices: Castable::cast_slice(&prices[..]).unwrap(),
            funding_indexes: &[],
            perp_risk: &[],
            assets: Castable::cast_slice(&assets[..]).unwrap(),
            asset_prices: Castable::cast_slice(&asset_prices[..]).unwrap(),
        };
        let cb: &[partliq::asset::AssetBalance] = Castable::cast_slice(&balances[..]).unwrap();
        let cp: &[PerpPosition] = Castable::cast_slice(&positions[..]).unwrap();
        let ca: &[UnifiedScanAccount] = Castable::cast_slice(&accounts[..]).unwrap();
        let s = UnifiedScanner::new(book, MarginLadder::STANDARD);
        for size in [1usize, 7, 8, 9, 25, 100] {
            let mut hits = vec![partliq_unified_scan_hit::default(); size];
            let mut core_hits = vec![UnifiedScanHit::default(); size];
            let mut out = partliq_unified_scan_outcome::default();
            let mut at = (0u64, 0u64);
            loop {
                assert_eq!(scan(at, &mut hits, &mut out), OK);
                let r = s.scan_flat(ca, cb, cp, UnifiedCursor { account: at.0 as usize, pool: at.1 as usize }, &mut core_hits);
                assert_eq!((out.count, out.next_account, out.next_pool), (r.count as u64, r.next.account as u64, r.next.pool as u64));
                assert_eq!(
                    (out.resume_account, out.resume_pool, out.exact_checks),
                    (r.resume.account as u64, r.resume.pool as u64, r.exact_checks as u64)
                );
                for (c, h) in hits.iter().zip(&core_hits).take(r.count) {
                    assert_eq!((c.account_index, c.pool_index), (h.account_index as u64, h.pool_index as u64));
                    assert_eq!(c.health, partliq_unified_health::from(&h.health));
                }
                if out.end == partliq_scan_end::Complete as u32 {
                    break;
                }
                at = (out.resume_account, out.resume_pool);
            }
        }
        // 10 cross hits (i < 10) and 30 isolated hits; one buffer holds all.
        let mut hits = vec![partliq_unified_scan_hit::default(); 64];
        let mut out = partliq_unified_scan_outcome::default();
        assert_eq!(scan((0, 0), &mut hits, &mut out), OK);
        assert_eq!((out.count, out.exact_checks, out.next_account), (40, 60, 30));
        let a0 = UnifiedAccount { balances: &cb[..1], positions: &cp[..2] };
        assert_eq!(hits[0].health, partliq_unified_health::from(&s.check(&a0, 0).unwrap().unwrap()));
        // Past the end: complete, nothing written.
        assert_eq!(scan((u64::MAX, 0), &mut hits, &mut out), OK);
        assert_eq!((out.count, out.next_account), (0, usize::MAX as u64));
        // Bad arguments.
        let mut o2 = partliq_unified_scan_outcome { count: 77, ..Default::default() };
        // SAFETY: each call's bad pointer or length is refused before use.
        unsafe {
            let call = |ladder: *const partliq_margin_ladder,
                        accounts_len: usize,
                        hits_ptr: *mut partliq_unified_scan_hit,
                        out: *mut partliq_unified_scan_outcome| {
                partliq_unified_scan(
                    markets.as_ptr(),
                    1,
                    prices.as_ptr(),
                    1,
                    core::ptr::null(),
                    0,
                    core::ptr::null(),
                    0,
                    assets.as_ptr(),
                    1,
                    asset_prices.as_ptr(),
                    1,
                    balances.as_ptr(),
                    balances.len(),
                    positions.as_ptr(),
                    positions.len(),
                    accounts.as_ptr(),
                    accounts_len,
                    0,
                    0,
                    ladder,
                    hits_ptr,
                    1,
                    out,
                )
            };
            let mut h = [partliq_unified_scan_hit::default(); 1];
            assert_eq!(call(core::ptr::null(), 1, h.as_mut_ptr(), &mut o2), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(call(&ladder, usize::MAX, h.as_mut_ptr(), &mut o2), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(call(&ladder, 1, core::ptr::null_mut(), &mut o2), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(call(&ladder, 1, h.as_mut_ptr(), core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(o2.count, 77, "untouched on error");
            // An invalid ladder fails the first pool, in the outcome.
            let bad = partliq_margin_ladder { liquidation_ppm: 5, ..ladder };
            assert_eq!(call(&bad, 1, h.as_mut_ptr(), &mut o2), OK);
            assert_eq!((o2.end, o2.error), (partliq_scan_end::Failed as u32, PARTLIQ_STATUS_INVALID_MARGIN_LADDER));
        }
    }
}
