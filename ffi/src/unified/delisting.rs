//! Final settlement of a delisted market (the core's `unified::delisting`):
//! every position of a pool in the market closed at the settlement price,
//! funding settled, a fee capped by the equity, `partliq_settle_delisted`.

use core::mem::MaybeUninit;

use partliq::account::MAX_POSITIONS;
use partliq::num::{Ppm, Price};
use partliq::unified::{
    settle_delisted, DelistingOutcome, DelistingPolicy, MarginBook, MarginLadder, PerpPosition, PoolDelisting, PositionSettlement,
    UnifiedAccount,
};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{index, stage, stage_try, Castable, OK};
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{partliq_deficit, partliq_margin_ladder, partliq_perp_position, partliq_perp_risk, partliq_unified_health};

/// What a delisted pool comes to (`partliq_pool_delisting.outcome`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_delisting_outcome {
    /// Equity ≥ 0 after the settlement.
    Solvent = 0,
    /// Below zero with nothing left but the one deficit
    /// (`partliq_pool_delisting.deficit`): resolve it with
    /// `partliq_resolve_deficit`.
    Bankrupt = 1,
    /// Below zero with deposits, borrows or other positions left: liquidate
    /// those first (`partliq_pool_delisting.shortfall` is −equity).
    Insolvent = 2,
}

/// How a delisted market is settled.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_delisting_policy {
    /// The price every position is closed at (> 0).
    pub settlement_price: i64,
    /// Fee on the notional closed, ppm (≤ 1,000,000), capped by the pool's
    /// equity after the closes.
    pub fee_ppm: u32,
    /// 0.
    pub reserved: u32,
}

/// One settled position.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_position_settlement {
    /// Index of the position in the account's positions.
    pub position_index: u32,
    /// 0.
    pub reserved: u32,
    /// The size closed (the position's size before).
    pub closed_size: i64,
    /// Cash of the close at the settlement price (received > 0), rounded
    /// down.
    pub cash: i64,
    /// Funding settled (paid > 0), rounded up.
    pub funding: i64,
    /// Fee charged.
    pub fee: i64,
    /// Change of the quote balance: cash − funding − fee.
    pub quote_delta: i64,
    /// The quote balance after.
    pub new_quote_balance: i64,
}

/// A delisted pool's settlement (the settled positions are in the caller's
/// settlements array, the positions after in its positions array).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_pool_delisting {
    /// Positions settled (written to the front of the settlements array).
    pub settled: u32,
    /// A `partliq_delisting_outcome`.
    pub outcome: u32,
    /// The pool after the settlement.
    pub health_after: partliq_unified_health,
    /// The deficit when bankrupt, else all zero.
    pub deficit: partliq_deficit,
    /// −equity when insolvent, else 0.
    pub shortfall: i64,
}

pin_layout!(partliq_delisting_policy, size = 16, align = i64, { settlement_price @ 0, fee_ppm @ 8, reserved @ 12 });
pin_layout!(partliq_position_settlement, size = 56, align = i64, {
    position_index @ 0, reserved @ 4, closed_size @ 8, cash @ 16, funding @ 24, fee @ 32, quote_delta @ 40, new_quote_balance @ 48,
});
pin_layout!(partliq_pool_delisting, size = 104, align = i64, { settled @ 0, outcome @ 4, health_after @ 8, deficit @ 80, shortfall @ 96 });

impl From<&PerpPosition> for partliq_perp_position {
    fn from(p: &PerpPosition) -> Self {
        partliq_perp_position {
            market_index: p.market_index,
            margin: p.margin as u32,
            size: p.size.0,
            quote_balance: p.quote_balance.0,
            last_funding_index: p.last_funding_index,
            open_bids: p.open_bids.0,
            open_asks: p.open_asks.0,
        }
    }
}

impl partliq_position_settlement {
    fn of(s: &PositionSettlement) -> Result<Self, partliq_status> {
        Ok(partliq_position_settlement {
            position_index: u32::try_from(s.position_index).map_err(|_| PARTLIQ_STATUS_OVERFLOW)?,
            reserved: 0,
            closed_size: s.closed_size.0,
            cash: s.cash.0,
            funding: s.funding.0,
            fee: s.fee.0,
            quote_delta: s.quote_delta.0,
            new_quote_balance: s.new_quote_balance.0,
        })
    }
}

impl partliq_pool_delisting {
    fn of(d: &PoolDelisting) -> Result<Self, partliq_status> {
        let mut out = partliq_pool_delisting {
            settled: u32::try_from(d.settled).map_err(|_| PARTLIQ_STATUS_OVERFLOW)?,
            outcome: partliq_delisting_outcome::Solvent as u32,
            health_after: partliq_unified_health::from(&d.health_after),
            deficit: partliq_deficit::default(),
            shortfall: 0,
        };
        match d.outcome {
            DelistingOutcome::Solvent => {}
            DelistingOutcome::Bankrupt(deficit) => {
                out.outcome = partliq_delisting_outcome::Bankrupt as u32;
                out.deficit = partliq_deficit::of(&deficit)?;
            }
            DelistingOutcome::Insolvent { shortfall } => {
                out.outcome = partliq_delisting_outcome::Insolvent as u32;
                out.shortfall = shortfall.0;
            }
        }
        Ok(out)
    }
}

/// Settles every position of pool `pool_index` in delisted market
/// `market_index` at `policy.settlement_price`: resting orders in the
/// market cancelled, each position closed (its cash rounded against the
/// account), funding settled at the book's index (rounded up), then the
/// fee — `fee_ppm` of the notional, capped by the pool's equity after the
/// closes, in position order. The pool is then solvent, bankrupt (its one
/// deficit, for `partliq_resolve_deficit`) or insolvent (other legs
/// first). The book and the account as `partliq_unified_pool_health` takes
/// them; `ladder` grades the pool's health after.
///
/// Writes the account's positions after the settlement to the front of
/// `positions_after` (all of them, at least `positions_len`), each settled
/// position's figures to the front of `settlements`, and `*out` — only on
/// success. Statuses: `partliq_unified_pool_health`'s,
/// `INVALID_SETTLEMENT_PRICE` (price ≤ 0), `FRACTION_ABOVE_100_PERCENT`
/// (fee), `RESERVED_NOT_ZERO` (`policy.reserved`), `UNKNOWN_MARKET`,
/// `TOO_MANY_POSITIONS` (more than `PARTLIQ_MAX_POSITIONS` positions),
/// `BUFFER_TOO_SMALL` (`positions_after` shorter than the positions, or
/// `settlements` than the positions settled), `OVERFLOW`.
///
/// # Safety
/// As `partliq_unified_pool_health` for the book, the account and the
/// ladder; `policy` points to an initialised value; `positions_after` and
/// `settlements` are NULL (only with length 0) or point to that many
/// initialised values (any: they are only written); `out` is NULL or valid
/// for one write. No output overlaps another or an input.
#[no_mangle]
pub unsafe extern "C" fn partliq_settle_delisted(
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
    market_index: u32,
    policy: *const partliq_delisting_policy,
    ladder: *const partliq_margin_ladder,
    positions_after: *mut partliq_perp_position,
    positions_after_len: usize,
    settlements: *mut partliq_position_settlement,
    settlements_len: usize,
    out: *mut partliq_pool_delisting,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let policy = struct_in!(policy);
    let ladder = struct_in!(ladder);
    let positions_after = array_out!(positions_after, positions_after_len);
    let settlements = array_out!(settlements, settlements_len);
    out!(out);
    let (book, account) = check!(args.view());
    if policy.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let policy = DelistingPolicy { settlement_price: Price(policy.settlement_price), fee: Ppm(policy.fee_ppm) };
    let ladder = check!(ladder.cast_ref());
    let pool = check!(index(pool_index));
    let d = check!(delisting_core(&account, pool, &book, market_index, &policy, ladder, positions_after, settlements));
    write_out!(out, d);
    OK
}

/// The core's settlement into its own positions and settlements, staged on
/// this frame (kept out of the exported function's) and copied to the
/// caller's arrays only on success. The stages hold `MAX_POSITIONS`
/// entries but only what the call uses is written (`stage`): the positions
/// (the core's scratch starts as a copy of them), as many settlement slots
/// as the caller's array and the positions allow (the core settles at most
/// one per position), and the settled ones converted.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn delisting_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    market_index: u32,
    policy: &DelistingPolicy,
    ladder: &MarginLadder,
    positions_after: &mut [partliq_perp_position],
    settlements: &mut [partliq_position_settlement],
) -> Result<partliq_pool_delisting, partliq_status> {
    let n = account.positions.len();
    if n > MAX_POSITIONS {
        return Err(PARTLIQ_STATUS_TOO_MANY_POSITIONS);
    }
    if positions_after.len() < n {
        return Err(PARTLIQ_STATUS_BUFFER_TOO_SMALL);
    }
    let mut scratch = [MaybeUninit::<PerpPosition>::uninit(); MAX_POSITIONS];
    let scratch = stage(&mut scratch, account.positions.iter().copied());
    let mut staged = [MaybeUninit::<PositionSettlement>::uninit(); MAX_POSITIONS];
    let room = stage(&mut staged, core::iter::repeat(PositionSettlement::default()).take(settlements.len().min(n)));
    let d = settle_delisted(account, pool, book, market_index, policy, ladder, scratch, room).map_err(status_of)?;
    let out = partliq_pool_delisting::of(&d)?;
    let mut converted = [MaybeUninit::<partliq_position_settlement>::uninit(); MAX_POSITIONS];
    let written = stage_try(&mut converted, room.iter().take(d.settled).map(partliq_position_settlement::of))?;
    // Nothing fails from here on.
    for (slot, p) in positions_after.iter_mut().zip(scratch.iter()) {
        *slot = partliq_perp_position::from(p);
    }
    for (slot, s) in settlements.iter_mut().zip(written.iter()) {
        *slot = *s;
    }
    Ok(out)
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::fixtures::{cross, legs_book, Book};
    use crate::unified::{partliq_deficit_kind, partliq_position_margin};

    fn isolated(size: i64, quote_balance: i64) -> partliq_perp_position {
        partliq_perp_position { margin: partliq_position_margin::Isolated as u32, ..cross(size, quote_balance) }
    }

    const STANDARD: partliq_margin_ladder =
        partliq_margin_ladder { warning_ppm: 0, reduce_only_ppm: 0, liquidation_ppm: 1_000_000, backstop_ppm: 0 };
    const AT_110: partliq_delisting_policy = partliq_delisting_policy { settlement_price: 110, fee_ppm: 0, reserved: 0 };

    /// A long 10 bought at 90 (cash −900) and a short 10 sold at 100 with 50
    /// of margin (cash 1,050), each isolated, settled at 110.
    fn book() -> Book {
        let mut b = legs_book(&[], &[isolated(10, -900), isolated(-10, 1_050)]);
        b.prices = vec![110];
        b
    }

    const JUNK_P: partliq_perp_position =
        partliq_perp_position { market_index: 9, margin: 9, size: 9, quote_balance: 9, last_funding_index: 9, open_bids: 9, open_asks: 9 };
    const JUNK_S: partliq_position_settlement = partliq_position_settlement {
        position_index: 9,
        reserved: 9,
        closed_size: 9,
        cash: 9,
        funding: 9,
        fee: 9,
        quote_delta: 9,
        new_quote_balance: 9,
    };

    #[test]
    fn long_solvent_short_bankrupt() {
        let b = book();
        let (mut after, mut settled, mut d) = ([JUNK_P; 3], [JUNK_S; 2], partliq_pool_delisting::default());
        // The long: proceeds 10 × 110 = 1,100, cash 200.
        assert_eq!(b.delist(1, 0, &AT_110, &STANDARD, &mut after, &mut settled, &mut d), OK);
        assert_eq!(
            settled[0],
            partliq_position_settlement {
                position_index: 0,
                reserved: 0,
                closed_size: 10,
                cash: 1_100,
                funding: 0,
                fee: 0,
                quote_delta: 1_100,
                new_quote_balance: 200
            }
        );
        assert_eq!((settled[1], d.settled, d.outcome, d.health_after.equity), (JUNK_S, 1, 0, 200));
        assert_eq!((after[0], after[1], after[2]), (isolated(0, 200), b.positions[1], JUNK_P));
        // The short: cost 1,100, cash −50: bankrupt, its deficit 50.
        assert_eq!(b.delist(2, 0, &AT_110, &STANDARD, &mut after, &mut settled, &mut d), OK);
        assert_eq!((settled[0].position_index, settled[0].cash, settled[0].new_quote_balance), (1, -1_100, -50));
        assert_eq!((d.outcome, d.deficit), (1, partliq_deficit { kind: partliq_deficit_kind::Perp as u32, index: 0, amount: 50 }));
        // A cross long (cash −1,095) with a deposit of 5 closed at 100: cash
        // −95, equity −90 with the deposit still there: insolvent.
        let mut c = legs_book(&[(0, 5)], &[cross(10, -1_095)]);
        c.prices = vec![100];
        let at_100 = partliq_delisting_policy { settlement_price: 100, ..AT_110 };
        assert_eq!(c.delist(0, 0, &at_100, &STANDARD, &mut after, &mut settled, &mut d), OK);
        assert_eq!((d.outcome, d.shortfall, d.deficit), (2, 90, partliq_deficit::default()));
        // A 1 % fee, ⌈11⌉, capped by the equity 10 at 110.
        let fee = partliq_delisting_policy { fee_ppm: 10_000, ..AT_110 };
        c.prices = vec![110];
        assert_eq!(c.delist(0, 0, &fee, &STANDARD, &mut after, &mut settled, &mut d), OK);
        assert_eq!((settled[0].fee, settled[0].new_quote_balance, d.outcome), (10, -5, 0));
    }

    #[test]
    fn refusals_write_nothing() {
        let b = book();
        let d0 = partliq_pool_delisting { settled: 99, ..Default::default() };
        let run = |pool: u32, market: u32, policy: partliq_delisting_policy, n_after: usize, n_settled: usize| {
            let (mut after, mut settled, mut d) = ([JUNK_P; 2], [JUNK_S; 2], d0);
            let s = b.delist(pool, market, &policy, &STANDARD, &mut after[..n_after], &mut settled[..n_settled], &mut d);
            assert_eq!((after, settled, d), ([JUNK_P; 2], [JUNK_S; 2], d0), "written with status {s}");
            s
        };
        assert_eq!(run(1, 0, partliq_delisting_policy { settlement_price: 0, ..AT_110 }, 2, 2), PARTLIQ_STATUS_INVALID_SETTLEMENT_PRICE);
        assert_eq!(run(1, 0, partliq_delisting_policy { fee_ppm: 1_000_001, ..AT_110 }, 2, 2), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
        assert_eq!(run(1, 0, partliq_delisting_policy { reserved: 1, ..AT_110 }, 2, 2), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        assert_eq!(run(3, 0, AT_110, 2, 2), PARTLIQ_STATUS_UNKNOWN_POSITION);
        assert_eq!(run(1, 7, AT_110, 2, 2), PARTLIQ_STATUS_UNKNOWN_MARKET);
        assert_eq!(run(1, 0, AT_110, 1, 2), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(run(1, 0, AT_110, 2, 0), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
        let many = legs_book(&[], &[cross(1, 0); 65]);
        let (mut after, mut settled, mut d) = ([JUNK_P; 65], [JUNK_S; 2], d0);
        assert_eq!(many.delist(0, 0, &AT_110, &STANDARD, &mut after, &mut settled, &mut d), PARTLIQ_STATUS_TOO_MANY_POSITIONS);
        assert_eq!((after[0], d), (JUNK_P, d0));
    }
}
