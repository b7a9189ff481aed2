//! Liquidation legs of a unified pool (the core's `unified::legs`): the
//! four kinds of leg, each asset's liquidation fees, a leg's flows and
//! figures, `partliq_unified_settle_leg`, `partliq_unified_size_leg`.

use partliq::health::Target;
use partliq::num::Ppm;
use partliq::unified::{
    settle_leg, size_leg, AssetLiquidationFees, FlowUnit, LegFlow, LegKind, LegSettlement, LegSizing, LegTerms, MarginBook, UnifiedAccount,
    UnifiedLeg,
};

use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::boundary::{decode, index, Castable, OK};
use crate::health::partliq_target;
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{partliq_perp_position, partliq_perp_risk, partliq_unified_health};

/// Marks an unused index field of a `partliq_unified_leg` (the core's
/// `NO_INDEX`), and the exchange-wide insurance fund where a market's fund
/// is named (`partliq_party.index`, `partliq_waterfall_outcome.fund_market`).
pub const PARTLIQ_NO_INDEX: u32 = u32::MAX;

const _: () = assert!(PARTLIQ_NO_INDEX == partliq::unified::legs::NO_INDEX);

/// The kind of a liquidation leg (`partliq_unified_leg.kind`); any other
/// value: `INVALID_LEG_KIND`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_leg_kind {
    /// Reduce a perp position; `amount` is units of size closed.
    ReducePerp = 0,
    /// The liquidator repays a borrow and takes a deposit at a bonus;
    /// `amount` is smallest units of the borrow repaid.
    SwapCollateralForLiability = 1,
    /// The liquidator repays a borrow and takes positive perp PnL at a
    /// bonus; `amount` is smallest units of the borrow repaid.
    PerpPnlForLiability = 2,
    /// The liquidator takes over negative perp PnL and takes a deposit at a
    /// bonus; `amount` is quote units of loss taken over.
    DepositForPerpLoss = 3,
}

abi_enum!(partliq_leg_kind => LegKind {
    ReducePerp => LegKind::ReducePerp,
    SwapCollateralForLiability => LegKind::SwapCollateralForLiability,
    PerpPnlForLiability => LegKind::PerpPnlForLiability,
    DepositForPerpLoss => LegKind::DepositForPerpLoss,
});

/// What a `partliq_leg_flow` counts (`partliq_leg_flow.unit`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_flow_unit {
    /// Nothing (an unused flow).
    None = 0,
    /// Smallest units of asset `index`.
    Asset = 1,
    /// Quote units of the cash of the account's position `index`.
    PositionQuote = 2,
    /// Units of size of the account's position `index`.
    PositionSize = 3,
}

/// One liquidation leg of a unified pool, the core's `UnifiedLeg` field for
/// field.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_unified_leg {
    /// A `partliq_leg_kind`.
    pub kind: u32,
    /// The account's position (perp reduction and the PnL legs), else
    /// `PARTLIQ_NO_INDEX`.
    pub position_index: u32,
    /// The borrowed asset repaid (swap, PnL for liability), else
    /// `PARTLIQ_NO_INDEX`.
    pub liability_asset: u32,
    /// The deposited asset taken (swap, deposit for loss), else
    /// `PARTLIQ_NO_INDEX`.
    pub collateral_asset: u32,
    /// The leg's driver (> 0 to settle; ignored when sizing): units of size
    /// closed, units of the borrow repaid, or quote units of loss taken over.
    pub amount: i64,
}

/// An asset's liquidation fees, applied when the asset is taken or repaid
/// (the core's `AssetLiquidationFees`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_asset_liquidation_fees {
    /// The liquidator's bonus, ppm of the value.
    pub liquidator_bonus_ppm: u32,
    /// The insurance fund's fee, ppm of the value, on top of the bonus.
    pub insurance_fee_ppm: u32,
}

/// What the legs are sized and priced with (the asset fees are passed
/// apart, as an array).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_leg_terms {
    /// Where a leg may stop: `PARTLIQ_TARGET_KIND_INITIAL` — the pool's
    /// liquidation-end health ≥ 0; `PARTLIQ_TARGET_KIND_MAINTENANCE` —
    /// maintenance collateral ≥ (1 + buffer) × requirement.
    pub target: partliq_target,
    /// A perp reduction's worst execution price: the mark moved against the
    /// account by this band, ppm (≤ 1,000,000).
    pub perp_band_ppm: u32,
    /// 0.
    pub reserved: u32,
}

/// One unit's movement in a leg: signed amounts received (> 0) or given
/// (< 0) by each party; they sum to zero.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_leg_flow {
    /// A `partliq_flow_unit`.
    pub unit: u32,
    /// The asset or position index.
    pub index: u32,
    /// The liquidated account.
    pub account: i64,
    /// The liquidator.
    pub liquidator: i64,
    /// The other side of a perp reduction's fill (the market).
    pub counterparty: i64,
    /// The insurance fund (its fee; a perp reduction's bad debt negative).
    pub insurance_fund: i64,
}

/// A leg's figures: its two flows, what it liquidates and costs, and the
/// pool after it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_leg_settlement {
    /// The leg settled.
    pub leg: partliq_unified_leg,
    /// The two units the leg moves: the one relieved (the borrow repaid,
    /// the loss taken over; a perp reduction's size), then the one taken (a
    /// perp reduction's cash).
    pub flows: [partliq_leg_flow; 2],
    /// Unweighted value of what the account gives up, at the oracle (a
    /// perp reduction: the notional closed at the mark), rounded up.
    pub value_liquidated: i64,
    /// What the leg costs the account beyond what it is relieved of: bonus
    /// and fees (and a perp reduction's band), rounded up.
    pub cost_to_account: i64,
    /// The pool after the leg.
    pub health_after: partliq_unified_health,
}

/// The least leg of one kind and pair that restores the target.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_leg_sizing {
    /// A `partliq_outcome`: already safe (amount 0), restored (the least
    /// amount), or infeasible (the largest amount the account allows, 0
    /// when it allows none).
    pub status: u32,
    /// 1 when `settlement` holds the leg's figures (amount > 0), else 0
    /// (and `settlement` is all zero).
    pub has_settlement: u32,
    /// The leg with its amount.
    pub leg: partliq_unified_leg,
    /// The largest amount the account allows for this leg.
    pub max_amount: i64,
    /// The leg's figures when `has_settlement` is 1.
    pub settlement: partliq_leg_settlement,
}

pin_layout!(partliq_unified_leg, size = 24, align = i64, {
    kind @ 0, position_index @ 4, liability_asset @ 8, collateral_asset @ 12, amount @ 16,
});
pin_layout!(partliq_asset_liquidation_fees, size = 8, align = u32, { liquidator_bonus_ppm @ 0, insurance_fee_ppm @ 4 });
pin_layout!(partliq_leg_terms, size = 16, align = u32, { target @ 0, perp_band_ppm @ 8, reserved @ 12 });
pin_layout!(partliq_leg_flow, size = 40, align = i64, {
    unit @ 0, index @ 4, account @ 8, liquidator @ 16, counterparty @ 24, insurance_fund @ 32,
});
pin_layout!(partliq_leg_settlement, size = 192, align = i64, {
    leg @ 0, flows @ 24, value_liquidated @ 104, cost_to_account @ 112, health_after @ 120,
});
pin_layout!(partliq_leg_sizing, size = 232, align = i64, { status @ 0, has_settlement @ 4, leg @ 8, max_amount @ 32, settlement @ 40 });

/// A leg kind of the ABI as the core's: `INVALID_LEG_KIND` for an unnamed
/// value.
pub(crate) fn leg_kind(kind: u32) -> Result<LegKind, partliq_status> {
    decode::<partliq_leg_kind>(kind).map_err(|_| PARTLIQ_STATUS_INVALID_LEG_KIND)
}

// The caller's legs are read in place as the core's: the kind is the core's
// `LegKind` (`repr(u32)`, its discriminants the ABI's values), checked
// before a leg is seen as the core's; the other fields are integers.
castable!(partliq_unified_leg => UnifiedLeg, |l| leg_kind(l.kind).map(|_| ()), {
    kind = kind, position_index = position_index, liability_asset = liability_asset, collateral_asset = collateral_asset,
    amount = amount,
});
castable!(partliq_asset_liquidation_fees => AssetLiquidationFees, |_f| Ok(()), {
    liquidator_bonus_ppm = liquidator_bonus, insurance_fee_ppm = insurance_fee,
});
const _: () = {
    assert!(core::mem::size_of::<LegKind>() == core::mem::size_of::<u32>());
    assert!(partliq_leg_kind::ReducePerp as u32 == LegKind::ReducePerp as u32);
    assert!(partliq_leg_kind::SwapCollateralForLiability as u32 == LegKind::SwapCollateralForLiability as u32);
    assert!(partliq_leg_kind::PerpPnlForLiability as u32 == LegKind::PerpPnlForLiability as u32);
    assert!(partliq_leg_kind::DepositForPerpLoss as u32 == LegKind::DepositForPerpLoss as u32);
    assert!(partliq_flow_unit::None as u32 == FlowUnit::None as u32);
    assert!(partliq_flow_unit::Asset as u32 == FlowUnit::Asset as u32);
    assert!(partliq_flow_unit::PositionQuote as u32 == FlowUnit::PositionQuote as u32);
    assert!(partliq_flow_unit::PositionSize as u32 == FlowUnit::PositionSize as u32);
};

impl From<&UnifiedLeg> for partliq_unified_leg {
    fn from(l: &UnifiedLeg) -> Self {
        partliq_unified_leg {
            kind: l.kind as u32,
            position_index: l.position_index,
            liability_asset: l.liability_asset,
            collateral_asset: l.collateral_asset,
            amount: l.amount,
        }
    }
}

impl From<&LegFlow> for partliq_leg_flow {
    fn from(f: &LegFlow) -> Self {
        partliq_leg_flow {
            unit: f.unit as u32,
            index: f.index,
            account: f.account,
            liquidator: f.liquidator,
            counterparty: f.counterparty,
            insurance_fund: f.insurance_fund,
        }
    }
}

impl From<&LegSettlement> for partliq_leg_settlement {
    fn from(s: &LegSettlement) -> Self {
        let [a, b] = &s.flows;
        partliq_leg_settlement {
            leg: partliq_unified_leg::from(&s.leg),
            flows: [partliq_leg_flow::from(a), partliq_leg_flow::from(b)],
            value_liquidated: s.value_liquidated.0,
            cost_to_account: s.cost_to_account.0,
            health_after: partliq_unified_health::from(&s.health_after),
        }
    }
}

impl From<&LegSizing> for partliq_leg_sizing {
    fn from(s: &LegSizing) -> Self {
        partliq_leg_sizing {
            status: s.status as u32,
            has_settlement: u32::from(s.settlement.is_some()),
            leg: partliq_unified_leg::from(&s.leg),
            max_amount: s.max_amount,
            settlement: s.settlement.as_ref().map(partliq_leg_settlement::from).unwrap_or_default(),
        }
    }
}

impl partliq_leg_terms {
    /// The core's target and band: the target's statuses (`INVALID_ENUM`,
    /// `INVALID_BUFFER`), `RESERVED_NOT_ZERO`.
    pub(crate) fn to_core(self) -> Result<(Target, Ppm), partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        Ok((self.target.to_core()?, Ppm(self.perp_band_ppm)))
    }
}

/// The caller's terms as the core's, the fees read in place.
pub(crate) fn terms_of<'a>(
    asset_fees: &'a [partliq_asset_liquidation_fees],
    terms: &partliq_leg_terms,
) -> Result<LegTerms<'a>, partliq_status> {
    let (target, perp_band) = terms.to_core()?;
    Ok(LegTerms { asset_fees: Castable::cast_slice(asset_fees)?, perp_band, target, perp_limit: None })
}

/// Settles one leg on pool `pool_index` of a unified account: its two
/// flows (each conserving: account + liquidator + counterparty + fund = 0),
/// the value it liquidates, what it costs the account, and the pool's
/// health after it; the account itself is not changed (book the flows in
/// the engine's ledger). The book and the account as
/// `partliq_unified_pool_health` takes them; `asset_fees` empty (no fees
/// anywhere) or one per asset. Writes `*out` on success.
///
/// Statuses besides `partliq_unified_pool_health`'s: `INVALID_LEG_KIND`,
/// `RESERVED_NOT_ZERO` (`terms.reserved`), `INVALID_ENUM` / `INVALID_BUFFER`
/// (the target), `INVALID_LEG_AMOUNT` (an amount ≤ 0 or beyond what the
/// account holds), `ASSET_NOT_HELD`, `WRONG_BALANCE_SIDE`, `WRONG_PNL_SIDE`,
/// `LEG_NOT_IN_POOL` (a position of another pool; any spot leg on an
/// isolated pool), `LEG_SAME_ASSET`, `UNKNOWN_ASSET` (also an asset without
/// fees when `asset_fees` is not empty), `INVALID_PRICE_BAND`,
/// `TOO_MANY_BALANCES`, `TOO_MANY_POSITIONS`, `OVERFLOW`.
///
/// # Safety
/// As `partliq_unified_pool_health` for the book and the account;
/// `asset_fees` is NULL (only with length 0) or points to that many
/// initialised fees; `terms` and `leg` point to initialised values; `out`
/// is NULL or valid for one write. Outputs must not overlap inputs.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_settle_leg(
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
    asset_fees: *const partliq_asset_liquidation_fees,
    asset_fees_len: usize,
    terms: *const partliq_leg_terms,
    leg: *const partliq_unified_leg,
    out: *mut partliq_leg_settlement,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let asset_fees = array_in!(asset_fees, asset_fees_len);
    let terms = struct_in!(terms);
    let leg = struct_in!(leg);
    out!(out);
    let (book, account) = check!(args.view());
    let terms = check!(terms_of(asset_fees, terms));
    let leg = check!(leg.cast_ref());
    let pool = check!(index(pool_index));
    let s = check!(settle_leg_core(&account, pool, &book, &terms, leg));
    write_out!(out, s);
    OK
}

/// The core's `settle_leg` (a frame over 4 KiB: the account's copy), kept
/// out of the exported function's frame.
#[inline(never)]
fn settle_leg_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    leg: &UnifiedLeg,
) -> Result<partliq_leg_settlement, partliq_status> {
    settle_leg(account, pool, book, terms, leg).map(|s| partliq_leg_settlement::from(&s)).map_err(status_of)
}

/// The least leg of `leg`'s kind and pair (its `amount` is ignored) that
/// brings pool `pool_index` to the target: `status` already safe (amount
/// 0), restored (the least amount), or infeasible (the largest amount the
/// account allows, 0 when it allows none); with the leg's settlement when
/// its amount is > 0. A perp reduction is the least close of
/// `partliq_minimal_close` on the pool's perps at the target's level.
/// Arguments as `partliq_unified_settle_leg`; writes `*out` on success.
/// Statuses: `partliq_unified_settle_leg`'s (but `INVALID_LEG_AMOUNT`).
///
/// # Safety
/// As `partliq_unified_settle_leg`.
#[no_mangle]
pub unsafe extern "C" fn partliq_unified_size_leg(
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
    asset_fees: *const partliq_asset_liquidation_fees,
    asset_fees_len: usize,
    terms: *const partliq_leg_terms,
    leg: *const partliq_unified_leg,
    out: *mut partliq_leg_sizing,
) -> partliq_status {
    let args = unified_in! {
        markets, markets_len, prices, prices_len, funding_indexes, funding_indexes_len, perp_risk, perp_risk_len,
        assets, assets_len, asset_prices, asset_prices_len, balances, balances_len, positions, positions_len
    };
    let asset_fees = array_in!(asset_fees, asset_fees_len);
    let terms = struct_in!(terms);
    let leg = struct_in!(leg);
    out!(out);
    let (book, account) = check!(args.view());
    let terms = check!(terms_of(asset_fees, terms));
    let leg = check!(leg.cast_ref());
    let pool = check!(index(pool_index));
    let s = check!(size_leg_core(&account, pool, &book, &terms, leg));
    write_out!(out, s);
    OK
}

/// The core's `size_leg` (a frame over 4 KiB), kept out of the exported
/// function's frame.
#[inline(never)]
fn size_leg_core(
    account: &UnifiedAccount<'_>,
    pool: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    leg: &UnifiedLeg,
) -> Result<partliq_leg_sizing, partliq_status> {
    size_leg(account, pool, book, terms, leg).map(|s| partliq_leg_sizing::from(&s)).map_err(status_of)
}

#[cfg(all(test, feature = "std"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::fixtures::{cross, legs_book};
    use crate::health::partliq_target_kind;
    use crate::plan::partliq_outcome;

    /// Asset 1's liquidator bonus 5 %, no fund fee; asset 0 none.
    const FEES: [partliq_asset_liquidation_fees; 2] = [
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 0, insurance_fee_ppm: 0 },
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: 50_000, insurance_fee_ppm: 0 },
    ];

    fn terms(kind: partliq_target_kind) -> partliq_leg_terms {
        partliq_leg_terms { target: partliq_target { kind: kind as u32, buffer_ppm: 0 }, perp_band_ppm: 0, reserved: 0 }
    }

    fn leg(kind: partliq_leg_kind, position_index: u32, liability_asset: u32, collateral_asset: u32, amount: i64) -> partliq_unified_leg {
        partliq_unified_leg { kind: kind as u32, position_index, liability_asset, collateral_asset, amount }
    }

    fn swap(amount: i64) -> partliq_unified_leg {
        leg(partliq_leg_kind::SwapCollateralForLiability, PARTLIQ_NO_INDEX, 0, 1, amount)
    }

    fn flow(unit: partliq_flow_unit, index: u32, parties: [i64; 4]) -> partliq_leg_flow {
        let [account, liquidator, counterparty, insurance_fund] = parties;
        partliq_leg_flow { unit: unit as u32, index, account, liquidator, counterparty, insurance_fund }
    }

    fn end(h: &partliq_unified_health) -> i64 {
        h.liquidation_end.collateral - h.liquidation_end.requirement
    }

    #[test]
    fn enum_values_match_the_core() {
        assert_eq!(leg_kind(3), Ok(LegKind::DepositForPerpLoss));
        for bad in [4, 99, u32::MAX] {
            assert_eq!(leg_kind(bad), Err(PARTLIQ_STATUS_INVALID_LEG_KIND));
        }
        assert_eq!(partliq_flow_unit::PositionSize as u32, FlowUnit::PositionSize as u32);
    }

    /// The core's swap: 1,000 units of asset 1 against a 950 borrow of
    /// asset 0 (liquidation end 800 − 950 = −150). Repaying r takes c =
    /// ⌈1.05 r⌉; the end surplus ⌊0.8 (1,000 − c)⌋ − (950 − r): r = 938, c =
    /// ⌈984.9⌉ = 985, 12 − 12 = 0 ✓; r = 937, c = 984, ⌊12.8⌋ − 13 = −1 ✗.
    #[test]
    fn the_swap_of_938() {
        let book = legs_book(&[(1, 1_000), (0, -950)], &[]);
        let t = terms(partliq_target_kind::Initial);
        let mut sized = partliq_leg_sizing::default();
        assert_eq!(book.size_leg(0, &FEES, &t, &swap(0), &mut sized), OK);
        assert_eq!(
            (sized.status, sized.has_settlement, sized.leg, sized.max_amount),
            (partliq_outcome::Restored as u32, 1, swap(938), 950)
        );
        let s = sized.settlement;
        assert_eq!(s.flows[0], flow(partliq_flow_unit::Asset, 0, [938, -938, 0, 0]));
        // The liquidator gets ⌊984.9⌋ = 984, the fund the rounding unit.
        assert_eq!(s.flows[1], flow(partliq_flow_unit::Asset, 1, [-985, 984, 0, 1]));
        assert_eq!((s.value_liquidated, s.cost_to_account, end(&s.health_after)), (985, 47, 0));
        let mut settled = partliq_leg_settlement::default();
        assert_eq!(book.settle_leg(0, &FEES, &t, &swap(938), &mut settled), OK);
        assert_eq!(settled, s);
        assert_eq!(book.settle_leg(0, &FEES, &t, &swap(937), &mut settled), OK);
        assert_eq!(end(&settled.health_after), -1);
        // The maintenance target stops at 914 (the core's figures).
        assert_eq!(book.size_leg(0, &FEES, &terms(partliq_target_kind::Maintenance), &swap(0), &mut sized), OK);
        assert_eq!(sized.leg.amount, 914);
    }

    /// The core's perp reduction: long 100 @ 100, cash −10,000, backed by
    /// 1,000 units of asset 1 (end level 800 − 1,000 = −200); closing x with
    /// a 1 % fee: −200 + 10x − x ≥ 0 ⇒ x = 23 (207 − 200 = 7).
    #[test]
    fn a_perp_reduction() {
        let book = legs_book(&[(1, 1_000)], &[cross(100, -10_000)]);
        let mut sized = partliq_leg_sizing::default();
        let reduce = leg(partliq_leg_kind::ReducePerp, 0, PARTLIQ_NO_INDEX, PARTLIQ_NO_INDEX, 0);
        assert_eq!(book.size_leg(0, &FEES, &terms(partliq_target_kind::Initial), &reduce, &mut sized), OK);
        assert_eq!((sized.leg.amount, sized.settlement.value_liquidated, sized.settlement.cost_to_account), (23, 2_300, 23));
        assert_eq!(sized.settlement.flows[0], flow(partliq_flow_unit::PositionSize, 0, [-23, 0, 23, 0]));
        assert_eq!(end(&sized.settlement.health_after), 7);
        // Already safe: amount 0, no settlement.
        let safe = legs_book(&[(1, 1_000)], &[]);
        assert_eq!(safe.size_leg(0, &FEES, &terms(partliq_target_kind::Initial), &swap(0), &mut sized), PARTLIQ_STATUS_ASSET_NOT_HELD);
        let safe = legs_book(&[(1, 1_000), (0, -10)], &[]);
        assert_eq!(safe.size_leg(0, &FEES, &terms(partliq_target_kind::Initial), &swap(0), &mut sized), OK);
        assert_eq!((sized.status, sized.has_settlement, sized.leg.amount), (partliq_outcome::AlreadySafe as u32, 0, 0));
        assert_eq!(sized.settlement, partliq_leg_settlement::default());
    }

    /// Every refusal leaves the output as it was.
    #[test]
    fn bad_legs_and_arguments() {
        let book = legs_book(&[(1, 1_000), (0, -950)], &[]);
        let t = terms(partliq_target_kind::Initial);
        let poison = partliq_leg_settlement { value_liquidated: 77, ..Default::default() };
        let settle = |fees: &[partliq_asset_liquidation_fees], t: &partliq_leg_terms, l: &partliq_unified_leg| {
            let mut out = poison;
            let s = book.settle_leg(0, fees, t, l, &mut out);
            assert_eq!(out, poison, "written with status {s}");
            s
        };
        assert_eq!(settle(&FEES, &t, &partliq_unified_leg { kind: 4, ..swap(1) }), PARTLIQ_STATUS_INVALID_LEG_KIND);
        assert_eq!(settle(&FEES, &t, &partliq_unified_leg { kind: u32::MAX, ..swap(1) }), PARTLIQ_STATUS_INVALID_LEG_KIND);
        assert_eq!(settle(&FEES, &t, &swap(0)), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
        assert_eq!(settle(&FEES, &t, &swap(951)), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
        assert_eq!(settle(&FEES, &t, &swap(i64::MIN)), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
        assert_eq!(settle(&FEES, &t, &partliq_unified_leg { collateral_asset: 0, ..swap(1) }), PARTLIQ_STATUS_LEG_SAME_ASSET);
        assert_eq!(settle(&FEES, &t, &partliq_unified_leg { collateral_asset: 7, ..swap(1) }), PARTLIQ_STATUS_UNKNOWN_ASSET);
        assert_eq!(
            settle(&FEES, &t, &partliq_unified_leg { liability_asset: 1, collateral_asset: 0, ..swap(1) }),
            PARTLIQ_STATUS_WRONG_BALANCE_SIDE
        );
        assert_eq!(settle(&FEES[..1], &t, &swap(1)), PARTLIQ_STATUS_UNKNOWN_ASSET);
        assert_eq!(settle(&FEES, &partliq_leg_terms { reserved: 1, ..t }, &swap(1)), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        let bad_target = partliq_leg_terms { target: partliq_target { kind: 2, buffer_ppm: 0 }, ..t };
        assert_eq!(settle(&FEES, &bad_target, &swap(1)), PARTLIQ_STATUS_INVALID_ENUM);
        let buffered = partliq_leg_terms { target: partliq_target { kind: partliq_target_kind::Initial as u32, buffer_ppm: 1 }, ..t };
        assert_eq!(settle(&FEES, &buffered, &swap(1)), PARTLIQ_STATUS_INVALID_BUFFER);
        // A position the account does not have; a pool it does not have.
        let reduce = leg(partliq_leg_kind::ReducePerp, 0, PARTLIQ_NO_INDEX, PARTLIQ_NO_INDEX, 1);
        assert_eq!(settle(&FEES, &t, &reduce), PARTLIQ_STATUS_LEG_NOT_IN_POOL);
        let mut out = poison;
        assert_eq!(book.settle_leg(1, &FEES, &t, &swap(1), &mut out), PARTLIQ_STATUS_UNKNOWN_POSITION);
        // Pointers: NULL terms, leg, out; fees NULL with a length, an
        // impossible length.
        let [m, p, f, r, a, ap, b, ps] = book.raw().arrays;
        let call = |fees: (*const partliq_asset_liquidation_fees, usize),
                    t: *const partliq_leg_terms,
                    l: *const partliq_unified_leg,
                    o: *mut partliq_leg_settlement| {
            // SAFETY: live vectors with their lengths; the pointer under test
            // is refused before any access.
            unsafe {
                partliq_unified_settle_leg(
                    m.0.cast(),
                    m.1,
                    p.0.cast(),
                    p.1,
                    f.0.cast(),
                    f.1,
                    r.0.cast(),
                    r.1,
                    a.0.cast(),
                    a.1,
                    ap.0.cast(),
                    ap.1,
                    b.0.cast(),
                    b.1,
                    ps.0.cast(),
                    ps.1,
                    0,
                    fees.0,
                    fees.1,
                    t,
                    l,
                    o,
                )
            }
        };
        let mut out = poison;
        let (fp, l) = (FEES.as_ptr(), swap(1));
        assert_eq!(call((fp, 2), core::ptr::null(), &l, &mut out), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call((fp, 2), &t, core::ptr::null(), &mut out), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call((fp, 2), &t, &l, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call((core::ptr::null(), 2), &t, &l, &mut out), PARTLIQ_STATUS_NULL_POINTER);
        assert_eq!(call((fp, usize::MAX), &t, &l, &mut out), PARTLIQ_STATUS_BAD_LENGTH);
        assert_eq!(out, poison);
        // No fees at all: NULL with length 0 is fine (the liquidator gets
        // exactly what is repaid: c = r).
        assert_eq!(call((core::ptr::null(), 0), &t, &l, &mut out), OK);
        assert_eq!(out.flows[1], flow(partliq_flow_unit::Asset, 1, [-1, 1, 0, 0]));
    }
}
