//! Unified liquidation for the fuzz targets: legs, their terms and fees
//! drawn small (indexes near the account's, kinds and enumerations mostly
//! in range), the waterfall's deficit, policy, funds and payers, and the
//! core's view of each as the boundary decodes it.

use arbitrary::Arbitrary;
use partliq::escalation::InsuranceFundBook;
use partliq::unified::{
    AssetLiquidationFees, Deficit, FlowUnit, LegKind, LegOrdering, PlanObjective, UnifiedLeg, WaterfallPolicy, WaterfallStep,
};
use partliq::{Ppm, Quote};
use partliq_ffi::*;

use crate::{core_target, PpmArg, TargetIn, I64};

/// An index: small (near the account's), `NO_INDEX`, or anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum IndexIn {
    Small(u8),
    None,
    Raw(u32),
}

impl IndexIn {
    pub fn get(self) -> u32 {
        match self {
            IndexIn::Small(k) => u32::from(k % 4),
            IndexIn::None => PARTLIQ_NO_INDEX,
            IndexIn::Raw(v) => v,
        }
    }
}

/// A leg: its kind mostly in range (4 ..= 5 and raw values out of it).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct LegIn {
    pub kind: u8,
    pub raw_kind: Option<u32>,
    pub position: IndexIn,
    pub liability: IndexIn,
    pub collateral: IndexIn,
    pub amount: I64,
}

impl LegIn {
    pub fn to_abi(self) -> partliq_unified_leg {
        partliq_unified_leg {
            kind: self.raw_kind.unwrap_or(u32::from(self.kind % 6)),
            position_index: self.position.get(),
            liability_asset: self.liability.get(),
            collateral_asset: self.collateral.get(),
            amount: self.amount.get(),
        }
    }
}

/// The core's leg of an ABI leg, or the boundary's status for its kind.
pub fn core_leg(l: &partliq_unified_leg) -> Result<UnifiedLeg, partliq_status> {
    let kind = match l.kind {
        0 => LegKind::ReducePerp,
        1 => LegKind::SwapCollateralForLiability,
        2 => LegKind::PerpPnlForLiability,
        3 => LegKind::DepositForPerpLoss,
        _ => return Err(PARTLIQ_STATUS_INVALID_LEG_KIND),
    };
    Ok(UnifiedLeg {
        kind,
        position_index: l.position_index,
        liability_asset: l.liability_asset,
        collateral_asset: l.collateral_asset,
        amount: l.amount,
    })
}

/// The terms: target, band, and a reserved field now and then non-zero.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct TermsIn {
    pub target: TargetIn,
    pub band: PpmArg,
    pub reserved: u8,
}

impl TermsIn {
    pub fn to_abi(self) -> partliq_leg_terms {
        partliq_leg_terms { target: self.target.to_abi(), perp_band_ppm: self.band.get(), reserved: u32::from(self.reserved == 255) }
    }
}

/// The boundary's checks of the terms, in order (reserved, then the target).
pub fn core_terms(t: &partliq_leg_terms) -> Result<(partliq::Target, Ppm), partliq_status> {
    if t.reserved != 0 {
        return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    Ok((core_target(t.target)?, Ppm(t.perp_band_ppm)))
}

/// Fees: a bonus and a fund fee, each mostly within 0 ..= 30 %.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct FeesIn {
    pub bonus: u8,
    pub fee: u8,
    pub raw: Option<(u32, u32)>,
}

impl FeesIn {
    pub fn to_abi(self) -> partliq_asset_liquidation_fees {
        let (b, f) = self.raw.unwrap_or((u32::from(self.bonus % 31) * 10_000, u32::from(self.fee % 11) * 1_000));
        partliq_asset_liquidation_fees { liquidator_bonus_ppm: b, insurance_fee_ppm: f }
    }
}

pub fn core_fees(f: &partliq_asset_liquidation_fees) -> AssetLiquidationFees {
    AssetLiquidationFees { liquidator_bonus: Ppm(f.liquidator_bonus_ppm), insurance_fee: Ppm(f.insurance_fee_ppm) }
}

/// The planner's objective and ordering, as the boundary decodes them.
pub fn core_plan_options(objective: u32, ordering: u32) -> Result<(PlanObjective, LegOrdering), partliq_status> {
    let o = match objective {
        0 => PlanObjective::LeastValue,
        1 => PlanObjective::LeastCost,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    let r = match ordering {
        0 => LegOrdering::Cheapest,
        1 => LegOrdering::PerpsFirst,
        2 => LegOrdering::ByTier,
        3 => LegOrdering::TokensFirst,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    Ok((o, r))
}

/// Every flow of a settlement sums to zero over the four parties, and names
/// a unit the core defines.
pub fn check_settlement(s: &partliq_leg_settlement) {
    for f in &s.flows {
        let sum = i128::from(f.account) + i128::from(f.liquidator) + i128::from(f.counterparty) + i128::from(f.insurance_fund);
        assert_eq!(sum, 0, "a flow that does not conserve: {f:?}");
        assert!(f.unit <= FlowUnit::PositionSize as u32);
    }
}

// ---------------------------------------------------------------------------
// The waterfall.

/// A deficit: its kind mostly in range, its amount any.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct DeficitIn {
    pub kind: u8,
    pub index: IndexIn,
    pub amount: I64,
}

impl DeficitIn {
    pub fn to_abi(self) -> partliq_deficit {
        partliq_deficit { kind: u32::from(self.kind % 3), index: self.index.get(), amount: self.amount.get() }
    }
}

pub fn core_deficit(d: &partliq_deficit) -> Result<Deficit, partliq_status> {
    let amount = i128::from(d.amount);
    match d.kind {
        0 => Ok(Deficit::Perp { market_index: d.index, loss: amount }),
        1 => Ok(Deficit::Spot { asset_index: d.index, amount }),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    }
}

/// A policy: steps mostly in range, a count mostly within 0 ..= 4.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct PolicyIn {
    pub steps: [u8; 4],
    pub count: u8,
    pub raw_count: Option<u32>,
    pub scope: u8,
}

impl PolicyIn {
    pub fn to_abi(self) -> partliq_waterfall_policy {
        partliq_waterfall_policy {
            steps: self.steps.map(|s| u32::from(s % 5)),
            step_count: self.raw_count.unwrap_or(u32::from(self.count % 6)),
            fund_scope: u32::from(self.scope % 3),
        }
    }
}

/// The boundary's decoding of a policy, in its order (count, steps,
/// scope, then the core's rules).
pub fn core_policy_of(p: &partliq_waterfall_policy) -> Result<WaterfallPolicy, partliq_status> {
    let n = usize::try_from(p.step_count).map_err(|_| PARTLIQ_STATUS_INVALID_WATERFALL_POLICY)?;
    let used = p.steps.get(..n).ok_or(PARTLIQ_STATUS_INVALID_WATERFALL_POLICY)?;
    let mut steps = Vec::new();
    for s in used {
        steps.push(match s {
            0 => WaterfallStep::InsuranceFund,
            1 => WaterfallStep::Backstop,
            2 => WaterfallStep::SocializedLoss,
            3 => WaterfallStep::AutoDeleverage,
            _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
        });
    }
    let scope = match p.fund_scope {
        0 => partliq::unified::FundScope::Global,
        1 => partliq::unified::FundScope::PerMarket,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    WaterfallPolicy::new(&steps, scope).map_err(|e| crate::status_of::<()>(&Err(e)))
}

/// A fund: built valid, or raw (its invariants need not hold).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum FundIn {
    Valid { balance: I64, floor: I64 },
    Raw([I64; 5]),
}

impl FundIn {
    pub fn to_abi(self) -> partliq_insurance_fund {
        match self {
            FundIn::Valid { balance, floor } => {
                let (b, f) = (balance.get(), floor.get());
                let (b, f) = (b.max(f), b.min(f));
                partliq_insurance_fund { balance: b, floor: f, initial: b, total_credits: 0, total_debits: 0 }
            }
            FundIn::Raw(v) => {
                let [balance, floor, initial, total_credits, total_debits] = v.map(I64::get);
                partliq_insurance_fund { balance, floor, initial, total_credits, total_debits }
            }
        }
    }
}

pub fn core_fund(f: &partliq_insurance_fund) -> InsuranceFundBook {
    InsuranceFundBook {
        balance: Quote(f.balance),
        floor: Quote(f.floor),
        initial: Quote(f.initial),
        total_credits: Quote(f.total_credits),
        total_debits: Quote(f.total_debits),
    }
}
