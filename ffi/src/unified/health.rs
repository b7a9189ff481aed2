//! The health of a unified pool (the core's `unified::health`): three
//! levels, the margin ladder and its rungs, `partliq_unified_pool_health`,
//! `partliq_unified_account_health`.

use partliq::health::HealthState;
use partliq::unified::{
    unified_account_health, unified_pool_health, HealthLevel, LevelFigures, MarginBook, MarginLadder, MarginRung, UnifiedAccount,
    UnifiedHealth,
};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{index, Castable, OK};
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{partliq_perp_position, partliq_perp_risk};

/// A health level, in order: each is at least as strict as the next (the
/// fields `initial`, `liquidation_end`, `maintenance` of
/// `partliq_unified_health`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_health_level {
    /// Opening, increasing, withdrawing.
    Initial = 0,
    /// Where a liquidation may stop.
    LiquidationEnd = 1,
    /// The liquidation trigger.
    Maintenance = 2,
}

abi_enum!(partliq_health_level => HealthLevel {
    Initial => HealthLevel::Initial,
    LiquidationEnd => HealthLevel::LiquidationEnd,
    Maintenance => HealthLevel::Maintenance,
});

/// Graduated states of a pool from its maintenance coverage
/// (`partliq_unified_health.rung`), in order of severity.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_margin_rung {
    /// Above every threshold.
    Safe = 0,
    /// Below the warning threshold: tell the user.
    Warning = 1,
    /// Below the reduce-only threshold: no new risk.
    ReduceOnly = 2,
    /// Below the liquidation threshold: liquidate.
    Liquidation = 3,
    /// Below the backstop threshold: hand over to the backstop.
    Backstop = 4,
}

abi_enum!(partliq_margin_rung => MarginRung {
    Safe => MarginRung::Safe,
    Warning => MarginRung::Warning,
    ReduceOnly => MarginRung::ReduceOnly,
    Liquidation => MarginRung::Liquidation,
    Backstop => MarginRung::Backstop,
});

/// A pool's figures at one health level, in quote units; below the level
/// when `collateral < requirement`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_level_figures {
    /// Balances weighted at the level, perp values (at the initial level a
    /// gain weighted), unsettled funding; rounded down.
    pub collateral: i64,
    /// The perps' margin requirement at the level; rounded up.
    pub requirement: i64,
}

/// A venue's ladder of maintenance coverage thresholds, ppm of the
/// maintenance requirement (1,000,000 = covered exactly); 0 turns a rung
/// off. `partliq_margin_ladder_standard` and
/// `partliq_margin_ladder_binance_portfolio_margin` give the core's two.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_margin_ladder {
    /// Below this: `PARTLIQ_MARGIN_RUNG_WARNING`.
    pub warning_ppm: u32,
    /// Below this: `PARTLIQ_MARGIN_RUNG_REDUCE_ONLY`.
    pub reduce_only_ppm: u32,
    /// Below this: `PARTLIQ_MARGIN_RUNG_LIQUIDATION` (at least 1,000,000).
    pub liquidation_ppm: u32,
    /// Below this: `PARTLIQ_MARGIN_RUNG_BACKSTOP`.
    pub backstop_ppm: u32,
}

/// The health of a unified pool (or, from `partliq_unified_account_health`,
/// the figures summed over the account's pools with the worst state and
/// rung of any of them).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_health {
    /// Unweighted: balances at their prices, perps at their marks, funding
    /// (each rounded down). Below zero the pool is bankrupt.
    pub equity: i64,
    /// The initial level.
    pub initial: partliq_level_figures,
    /// The liquidation-end level.
    pub liquidation_end: partliq_level_figures,
    /// The maintenance level.
    pub maintenance: partliq_level_figures,
    /// Maintenance requirement over maintenance collateral, ppm, rounded up:
    /// `UINT64_MAX` when the collateral is ≤ 0 with a requirement, 0 with none.
    pub margin_ratio_ppm: u64,
    /// A `partliq_health_state`: bankrupt when `equity` < 0, liquidatable
    /// when the maintenance collateral is below its requirement, else healthy.
    pub state: u32,
    /// A `partliq_margin_rung`: the ladder's rung.
    pub rung: u32,
}

pin_layout!(partliq_level_figures, size = 16, align = i64, { collateral @ 0, requirement @ 8 });
pin_layout!(partliq_margin_ladder, size = 16, align = u32, { warning_ppm @ 0, reduce_only_ppm @ 4, liquidation_ppm @ 8, backstop_ppm @ 12 });
pin_layout!(partliq_unified_health, size = 72, align = i64, {
    equity @ 0, initial @ 8, liquidation_end @ 24, maintenance @ 40, margin_ratio_ppm @ 56, state @ 64, rung @ 68,
});

// The caller's ladder is read in place as the core's (four integers).
castable!(partliq_margin_ladder => MarginLadder, |_l| Ok(()), {
    warning_ppm = warning_ppm, reduce_only_ppm = reduce_only_ppm, liquidation_ppm = liquidation_ppm, backstop_ppm = backstop_ppm,
});

impl From<&LevelFigures> for partliq_level_figures {
    fn from(f: &LevelFigures) -> Self {
        partliq_level_figures { collateral: f.collateral.0, requirement: f.requirement.0 }
    }
}

impl From<&UnifiedHealth> for partliq_unified_health {
    fn from(h: &UnifiedHealth) -> Self {
        partliq_unified_health {
            equity: h.equity.0,
            initial: partliq_level_figures::from(&h.initial),
            liquidation_end: partliq_level_figures::from(&h.liquidation_end),
            maintenance: partliq_level_figures::from(&h.maintenance),
            margin_ratio_ppm: h.margin_ratio_ppm,
            state: h.state as u32,
            rung: h.rung as u32,
        }
    }
}

impl From<&MarginLadder> for partliq_margin_ladder {
    fn from(l: &MarginLadder) -> Self {
        partliq_margin_ladder {
            warning_ppm: l.warning_ppm,
            reduce_only_ppm: l.reduce_only_ppm,
            liquidation_ppm: l.liquidation_ppm,
            backstop_ppm: l.backstop_ppm,
        }
    }
}

// ---------------------------------------------------------------------------
// Ladders.

/// Checks a ladder: `INVALID_MARGIN_LADDER` unless the liquidation
/// threshold is at least 1,000,000 ppm and the thresholds set (non-zero)
/// fall from warning to backstop.
///
/// # Safety
/// `ladder` is NULL or points to an initialised `partliq_margin_ladder`.
#[no_mangle]
pub unsafe extern "C" fn partliq_margin_ladder_validate(ladder: *const partliq_margin_ladder) -> partliq_status {
    let ladder = struct_in!(ladder);
    let core = check!(ladder.cast_ref());
    core_try!(core.validate());
    OK
}

/// Writes the standard ladder (the core's `MarginLadder::STANDARD`):
/// liquidation below 100 % of maintenance, no other rung (today's trigger).
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_margin_ladder_standard(out: *mut partliq_margin_ladder) -> partliq_status {
    out!(out);
    write_out!(out, partliq_margin_ladder::from(&MarginLadder::STANDARD));
    OK
}

/// Writes Binance portfolio margin's uniMMR ladder (the core's
/// `MarginLadder::BINANCE_PORTFOLIO_MARGIN`): warning below 150 %,
/// reduce-only below 120 %, liquidation below 105 %, backstop below 100 %.
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_margin_ladder_binance_portfolio_margin(out: *mut partliq_margin_ladder) -> partliq_status {
    out!(out);
    write_out!(out, partliq_margin_ladder::from(&MarginLadder::BINANCE_PORTFOLIO_MARGIN));
    OK
}

// ---------------------------------------------------------------------------
// Health.

/// Health of pool `pool_index` of a unified account (0: the cross pool —
/// every balance and every cross position; `k ≥ 1`: the `k`-th isolated
/// position alone), at three levels, with the ladder's rung. Writes `*out`
/// on success.
///
/// The book: `prices[i]` is the mark of `markets[i]`; `funding_indexes`
/// and `perp_risk` are empty (no funding; no risk extras) or hold one entry
/// per market; `asset_prices[i]` is the price of `assets[i]`. The account:
/// `balances` (at most `PARTLIQ_MAX_BALANCES`) and `positions`.
///
/// Statuses besides the boundary's (`RESERVED_NOT_ZERO` for an asset's or
/// a balance's reserved field, `INVALID_ENUM` for a market's fee rounding
/// or a position's margin, checked in argument order): `UNKNOWN_POSITION`
/// (no such pool), `UNKNOWN_ASSET`, `UNKNOWN_MARKET`, `MISSING_PRICE`,
/// `NEGATIVE_PRICE`, `NEGATIVE_OPEN_ORDERS`, `MARKET_DATA_TOO_SHORT` (fewer
/// funding indexes or risk extras than markets), `TOO_MANY_BALANCES`,
/// `INVALID_MARGIN_LADDER`, the risk extras' (`partliq_perp_risk_validate`)
/// for a market a position names, `OVERFLOW`. Markets and assets are not
/// re-validated (validate each once with `partliq_market_validate`,
/// `partliq_asset_validate`).
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements; `ladder` points to an initialised ladder; `out` is
/// NULL or valid for one write. Outputs must not overlap inputs.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_pool_health(
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
    ladder: *const partliq_margin_ladder,
    out: *mut partliq_unified_health,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let ladder = struct_in!(ladder);
    out!(out);
    let (book, account) = check!(args.view());
    let ladder = check!(ladder.cast_ref());
    let pool = check!(index(pool_index));
    let h = check!(pool_health_core(&account, pool, &book, ladder));
    write_out!(out, partliq_unified_health::from(&h));
    OK
}

/// Health of a whole unified account: the figures summed over its pools
/// (the cross pool and one per isolated position), the margin ratio from
/// the sums, and the worst state and rung of any pool (never those of the
/// sums: each pool is liquidated on its own). Arguments and statuses as
/// `partliq_unified_pool_health`, without a pool index.
///
/// # Safety
/// As `partliq_unified_pool_health`.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_account_health(
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
    ladder: *const partliq_margin_ladder,
    out: *mut partliq_unified_health,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let ladder = struct_in!(ladder);
    out!(out);
    let (book, account) = check!(args.view());
    let ladder = check!(ladder.cast_ref());
    let h = check!(account_health_core(&account, &book, ladder));
    write_out!(out, partliq_unified_health::from(&h));
    OK
}

/// The core's pool health, kept out of the exported function's frame (see
/// `scripts/ffi/check-stack-probes.sh`).
#[inline(never)]
fn pool_health_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    ladder: &MarginLadder,
) -> Result<UnifiedHealth, partliq_status> {
    let pool = account.pool(pool).map_err(status_of)?;
    unified_pool_health(&pool, book, ladder).map_err(status_of)
}

/// The core's account health, kept out of the exported function's frame.
#[inline(never)]
fn account_health_core(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    ladder: &MarginLadder,
) -> Result<UnifiedHealth, partliq_status> {
    unified_account_health(account, book, ladder).map_err(status_of)
}

const _: () = {
    assert!(core::mem::size_of::<HealthState>() == core::mem::size_of::<u32>());
    assert!(core::mem::size_of::<MarginRung>() == core::mem::size_of::<u32>());
};

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{readme_book, unified_health, Book};
    use crate::health::partliq_health_state;
    use crate::unified::partliq_position_margin;

    #[test]
    fn enum_values_match_the_core() {
        for (a, b) in [
            (partliq_health_level::Initial, HealthLevel::Initial),
            (partliq_health_level::LiquidationEnd, HealthLevel::LiquidationEnd),
            (partliq_health_level::Maintenance, HealthLevel::Maintenance),
        ] {
            assert_eq!(a as u32, b as u32);
        }
        for (a, b) in [
            (partliq_margin_rung::Safe, MarginRung::Safe),
            (partliq_margin_rung::Warning, MarginRung::Warning),
            (partliq_margin_rung::ReduceOnly, MarginRung::ReduceOnly),
            (partliq_margin_rung::Liquidation, MarginRung::Liquidation),
            (partliq_margin_rung::Backstop, MarginRung::Backstop),
        ] {
            assert_eq!(a as u32, b as u32);
        }
    }

    #[test]
    fn ladders() {
        let mut l = partliq_margin_ladder { warning_ppm: 9, ..Default::default() };
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_margin_ladder_standard(&mut l), OK);
            assert_eq!(l, partliq_margin_ladder { warning_ppm: 0, reduce_only_ppm: 0, liquidation_ppm: 1_000_000, backstop_ppm: 0 });
            assert_eq!(partliq_margin_ladder_validate(&l), OK);
            assert_eq!(partliq_margin_ladder_binance_portfolio_margin(&mut l), OK);
            assert_eq!(
                l,
                partliq_margin_ladder {
                    warning_ppm: 1_500_000,
                    reduce_only_ppm: 1_200_000,
                    liquidation_ppm: 1_050_000,
                    backstop_ppm: 1_000_000
                }
            );
            assert_eq!(partliq_margin_ladder_validate(&l), OK);
            let bad = partliq_margin_ladder { warning_ppm: 1_100_000, ..l };
            assert_eq!(partliq_margin_ladder_validate(&bad), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
            let bad = partliq_margin_ladder { liquidation_ppm: 999_999, ..l };
            assert_eq!(partliq_margin_ladder_validate(&bad), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
            assert_eq!(partliq_margin_ladder_validate(core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_margin_ladder_standard(core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_margin_ladder_binance_portfolio_margin(core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
        }
    }

    /// The README's unified account, through the C ABI: the figures by hand.
    #[test]
    fn readme_example_by_hand() {
        let book = readme_book();
        let mut h = partliq_unified_health::default();
        let bpm = partliq_margin_ladder::from(&MarginLadder::BINANCE_PORTFOLIO_MARGIN);
        assert_eq!(unified_health(&book, Some(0), &bpm, &mut h), OK);
        // SOL 40 × 150 = 6,000 USD (initial 80 % 4,800, maintenance 90 %
        // 5,400); USDC −1,000; the BTC long 57,000 − 60,000 = −3,000; funding
        // (1,500 − 1,000) × 10⁸ / 10⁶ = 50,000 µUSD owed. Equity 1,999.95 USD.
        assert_eq!(h.equity, 1_999_950_000);
        // Initial: 4,800 − 1,000 − 3,000 − 0.05 against 10 % of 57,000 (the
        // resting asks leave a smaller position: the bids side, the current
        // size, is the worse fill).
        assert_eq!(h.initial, partliq_level_figures { collateral: 799_950_000, requirement: 5_700_000_000 });
        assert_eq!(h.liquidation_end, partliq_level_figures { collateral: 799_950_000, requirement: 5_700_000_000 });
        assert_eq!(h.maintenance, partliq_level_figures { collateral: 1_399_950_000, requirement: 2_850_000_000 });
        // ⌈2,850,000,000 × 10⁶ / 1,399,950,000⌉ = ⌈19 × 10⁹ / 9,333⌉ = ⌈2,035,786.99…⌉.
        assert_eq!(h.margin_ratio_ppm, 2_035_787);
        assert_eq!((h.state, h.rung), (partliq_health_state::Liquidatable as u32, partliq_margin_rung::Backstop as u32));
        // The standard ladder: liquidation, not backstop.
        let std_ladder = partliq_margin_ladder::from(&MarginLadder::STANDARD);
        assert_eq!(unified_health(&book, Some(0), &std_ladder, &mut h), OK);
        assert_eq!(h.rung, partliq_margin_rung::Liquidation as u32);
        // The account (one pool) is its cross pool.
        let mut a = partliq_unified_health::default();
        assert_eq!(unified_health(&book, None, &std_ladder, &mut a), OK);
        assert_eq!(a, h);
        // No pool 1: no isolated position.
        let mut o = partliq_unified_health { equity: 42, ..Default::default() };
        assert_eq!(unified_health(&book, Some(1), &std_ladder, &mut o), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!(o.equity, 42);
    }

    /// Each value check of the boundary, and the core's statuses, with the
    /// output untouched.
    #[test]
    fn statuses_and_outputs_untouched() {
        let ladder = partliq_margin_ladder::from(&MarginLadder::STANDARD);
        let base = readme_book();
        let sentinel = partliq_unified_health { equity: 7, margin_ratio_ppm: 9, ..Default::default() };
        let run = |b: &Book, pool: Option<u32>, l: &partliq_margin_ladder| {
            let mut h = sentinel;
            let st = unified_health(b, pool, l, &mut h);
            if st != OK {
                assert_eq!(h, sentinel, "output written with status {st}");
            }
            st
        };
        let with = |f: &dyn Fn(&mut Book)| {
            let mut b = base.clone();
            f(&mut b);
            b
        };
        for pool in [Some(0), None] {
            let r = |b: Book| run(&b, pool, &ladder);
            assert_eq!(r(with(&|b| b.assets[1].reserved = 1)), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!(r(with(&|b| b.balances[0].reserved = 1)), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            assert_eq!(r(with(&|b| b.positions[0].margin = 2)), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!(r(with(&|b| b.markets[0].liquidation_fee_rounding = 5)), PARTLIQ_STATUS_INVALID_ENUM);
            // Argument order: the book's markets before the account's positions.
            assert_eq!(
                r(with(&|b| {
                    b.positions[0].margin = 2;
                    b.assets[0].reserved = 3;
                })),
                PARTLIQ_STATUS_RESERVED_NOT_ZERO
            );
            assert_eq!(r(with(&|b| b.balances[0].asset_index = 2)), PARTLIQ_STATUS_UNKNOWN_ASSET);
            assert_eq!(r(with(&|b| b.positions[0].market_index = 1)), PARTLIQ_STATUS_UNKNOWN_MARKET);
            assert_eq!(r(with(&|b| b.asset_prices.truncate(1))), PARTLIQ_STATUS_MISSING_PRICE);
            assert_eq!(r(with(&|b| b.asset_prices[1] = -1)), PARTLIQ_STATUS_NEGATIVE_PRICE);
            assert_eq!(r(with(&|b| b.prices[0] = 0)), PARTLIQ_STATUS_MISSING_PRICE);
            assert_eq!(r(with(&|b| b.positions[0].open_bids = -1)), PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS);
            assert_eq!(
                r(with(&|b| {
                    b.markets.push(b.markets[0]);
                    b.prices.push(1);
                })),
                PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
            );
            assert_eq!(
                r(with(&|b| b.perp_risk = vec![partliq_perp_risk { imf_factor_ppm: 0, initial_upnl_weight_ppm: 1_000_000, imf_unit: 0 }])),
                PARTLIQ_STATUS_INVALID_IMF_UNIT
            );
            assert_eq!(
                r(with(&|b| b.perp_risk = vec![partliq_perp_risk { imf_factor_ppm: 0, initial_upnl_weight_ppm: 1_000_001, imf_unit: 1 }])),
                PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT
            );
            assert_eq!(r(with(&|b| b.balances = vec![partliq_asset_balance::default(); 65])), PARTLIQ_STATUS_TOO_MANY_BALANCES);
            assert_eq!(r(with(&|b| b.balances = vec![partliq_asset_balance::default(); 64])), OK);
            // 40 SOL at INT64_MAX µUSD per SOL: 3.7 × 10²⁰, beyond an int64_t.
            assert_eq!(r(with(&|b| b.asset_prices[1] = i64::MAX)), PARTLIQ_STATUS_OVERFLOW);
            let bad = partliq_margin_ladder { liquidation_ppm: 1, ..ladder };
            assert_eq!(run(&base, pool, &bad), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
        }
        // Isolated pools: pool 1 is the isolated position.
        let iso = with(&|b| {
            let mut p = b.positions[0];
            p.margin = partliq_position_margin::Isolated as u32;
            p.quote_balance = -56_000_000_000;
            b.positions.push(p);
        });
        let mut h = partliq_unified_health::default();
        assert_eq!(unified_health(&iso, Some(1), &ladder, &mut h), OK);
        // 57,000 − 56,000 = 1,000 USD of value, funding 0.05 owed; MM 2,850.
        assert_eq!(h.maintenance, partliq_level_figures { collateral: 999_950_000, requirement: 2_850_000_000 });
        assert_eq!(unified_health(&iso, Some(2), &ladder, &mut h), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!(unified_health(&iso, Some(u32::MAX), &ladder, &mut h), PARTLIQ_STATUS_UNKNOWN_POSITION);
    }

    /// Eight-byte-aligned storage, viewed at any byte offset (misaligned
    /// pointers into valid memory).
    #[repr(C, align(8))]
    struct Aligned([u8; 256]);

    /// Every pointer of both health functions: NULL (with a length),
    /// an impossible length, misaligned — each refused with its status
    /// before any read, the output and the buffer untouched.
    #[test]
    fn every_pointer_is_checked() {
        let book = readme_book();
        let raw = book.raw();
        let buf = Aligned([0; 256]);
        // SAFETY: offsets within the buffer.
        let (at1, at4) = unsafe { (buf.0.as_ptr().add(1), buf.0.as_ptr().add(4)) };
        let ladder = partliq_margin_ladder::from(&MarginLadder::STANDARD);
        let sentinel = partliq_unified_health { equity: 7, rung: 9, ..Default::default() };
        for pool in [Some(0), None] {
            let mut out = sentinel;
            for k in 0..8 {
                // Every element type of the eight arrays is 8-byte aligned.
                for (ptr, len, want) in [
                    (core::ptr::null(), 1, PARTLIQ_STATUS_NULL_POINTER),
                    (raw.arrays[k].0, usize::MAX, PARTLIQ_STATUS_BAD_LENGTH),
                    (at4, 1, PARTLIQ_STATUS_MISALIGNED_POINTER),
                ] {
                    let mut r = raw;
                    r.arrays[k] = (ptr, len);
                    // SAFETY: every pointer is valid for its length but the
                    // one the boundary refuses.
                    assert_eq!(unsafe { r.health(pool, &ladder, &mut out) }, want, "array {k}");
                }
                // NULL with length 0 is an empty array.
                let mut r = raw;
                r.arrays[k] = (core::ptr::null(), 0);
                // SAFETY: as above.
                let st = unsafe { r.health(pool, &ladder, &mut out) };
                assert_ne!(st, PARTLIQ_STATUS_NULL_POINTER, "array {k}");
                out = sentinel;
            }
            // SAFETY: valid arrays; the ladder and out pointers refused.
            unsafe {
                assert_eq!(raw.health(pool, core::ptr::null(), &mut out), PARTLIQ_STATUS_NULL_POINTER);
                assert_eq!(raw.health(pool, at1.cast(), &mut out), PARTLIQ_STATUS_MISALIGNED_POINTER);
                assert_eq!(raw.health(pool, &ladder, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
                assert_eq!(raw.health(pool, &ladder, at4.cast_mut().cast()), PARTLIQ_STATUS_MISALIGNED_POINTER);
            }
            assert_eq!(out, sentinel);
            // Arrays before structs, structs before the output: the first in
            // argument order wins.
            let mut r = raw;
            r.arrays[7] = (core::ptr::null(), 1);
            // SAFETY: refused before any read.
            assert_eq!(unsafe { r.health(pool, at1.cast(), core::ptr::null_mut()) }, PARTLIQ_STATUS_NULL_POINTER);
            r = raw;
            r.arrays[0] = (at4, 1);
            r.arrays[1] = (core::ptr::null(), 1);
            // SAFETY: refused before any read.
            assert_eq!(unsafe { r.health(pool, &ladder, &mut out) }, PARTLIQ_STATUS_MISALIGNED_POINTER);
        }
        assert!(buf.0.iter().all(|b| *b == 0));
        // Empty: no balance, no position: an empty cross pool, healthy.
        let none = (core::ptr::null(), 0);
        let empty = crate::fixtures::RawBook { arrays: [none; 8] };
        let mut h = sentinel;
        // SAFETY: NULL arrays of length 0.
        assert_eq!(unsafe { empty.health(Some(0), &ladder, &mut h) }, OK);
        assert_eq!(h, partliq_unified_health::default());
    }
}
