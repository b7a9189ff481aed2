//! Liquidation legs of a unified pool: the four ways a liquidator can
//! restore it, each sized to the least amount that reaches the target.
//!
//! # Four kinds of leg
//!
//! A pool whose deficit comes from a perp can be restored by reducing the
//! perp; one whose deficit comes from a borrow cannot: the borrow has to be
//! repaid, with something the account holds. The anchors' liquidators do it
//! in four ways (Mango v4's `token_liq_with_token`,
//! `perp_liq_base_or_positive_pnl`, `perp_liq_negative_pnl_or_bankruptcy`;
//! Drift v2's `liquidate_perp`, `liquidate_spot`,
//! `liquidate_borrow_for_perp_pnl`, `liquidate_perp_pnl_for_deposit`):
//!
//! | kind | the liquidator gives | the liquidator takes | amount (the leg's driver) |
//! | --- | --- | --- | --- |
//! | [`LegKind::ReducePerp`] | the other side of the trade | the perp at the limit price, the fee | units of size closed |
//! | [`LegKind::SwapCollateralForLiability`] | repays a borrow | a deposit worth its value plus the bonus | units of the borrow repaid |
//! | [`LegKind::PerpPnlForLiability`] | repays a borrow | perp gain worth its value plus the bonus | units of the borrow repaid |
//! | [`LegKind::DepositForPerpLoss`] | takes over a perp loss (pays quote into the position) | a deposit worth the loss plus the bonus | quote units of loss taken over |
//!
//! # The bonus, the platform's share, and rounding
//!
//! Each asset has two liquidation fees ([`AssetLiquidationFees`], Mango's
//! `liquidation_fee` and `platform_liquidation_fee`): the liquidator's bonus
//! and the insurance fund's fee, both applied when the asset is taken or
//! repaid. A swap of liability `L` for collateral `C` prices `L` in `C`
//! with both assets' factors, as Mango does:
//!
//! ```text
//! account gives   c = ⌈r × value(L) × (1 + bonus_L + fee_L)(1 + bonus_C + fee_C) / price(C)⌉
//! liquidator gets     ⌊r × value(L) × (1 + bonus_L)(1 + bonus_C) / price(C)⌋
//! insurance fund gets the difference (never negative)
//! ```
//!
//! A leg that takes or pays perp PnL uses the one asset's factor (the PnL
//! is in quote units at par). What the account gives is rounded up and what
//! the liquidator receives down, so the unit the rounding creates goes to
//! the insurance fund, never to either party at the other's expense. Every
//! leg conserves each unit exactly: account + liquidator + counterparty +
//! insurance fund = 0 ([`LegFlow::conserves`]); a perp reduction is today's
//! settlement ([`crate::settle_fill`]: the counterparty pays the fill cash,
//! the fund covers any bad debt).
//!
//! # The target and the least amount
//!
//! A leg stops at the target ([`Target::Initial`]: the liquidation-end
//! health of the pool is ≥ 0; [`Target::Maintenance`]: maintenance
//! collateral ≥ (1 + buffer) × maintenance requirement). The pool's surplus
//! after a leg is a sum of rounded terms, one per balance and per position,
//! so it splits into two parts that each never decrease with the amount:
//! what the leg repays or relieves (**rising**: the borrow's weighted
//! liability shrinks, or the loss taken over) and what it takes (**falling**:
//! the deposit's weighted value or the gain given up). The least amount is
//! then found exactly by the same jump search as the least perp close (see
//! [`crate::sizing`]): at an amount that falls short, no amount can restore
//! before the rising part has caught up with the falling part there.
//!
//! That holds when each part is monotone, which is so for every leg except
//! a deposit with a **size discount** (an IMF factor): its weight, rounded
//! to the ppm, rises as the deposit shrinks, so its weighted value can rise
//! by a unit while a unit is taken. With such a collateral the amount
//! returned reaches the target and is the least up to that rounding.
//!
//! A leg whose relief and cost per unit are almost equal (a loss taken
//! over for a deposit worth a little less at its weight) would need a jump
//! per few units: each jump only reaches where the relief has caught up
//! with the cost at the last amount, which then grows again. Without size
//! terms both parts are a line give or take a few units of rounding (a
//! balance's term is `⌊γ x⌋`, a position's cash enters unrounded, what
//! the account gives is one product rounded up), so a jump also skips every
//! amount that line, its slope bounded from the parts at 1 and at the
//! largest amount, proves short (the proof is at `linear_crossing`): from
//! anywhere short of the target the next amount tried is short by at most
//! a few units of surplus (the rounding's width), not by a fixed share.
//!
//! The search is bounded: after [`MAX_JUMPS`] jumps the leg is sized whole
//! (restoring, or infeasible if even the whole amount falls short): never
//! short of the target, but then not proven least.
//!
//! A perp reduction is sized by [`crate::minimal_close`] on the pool's perp
//! view at the target's level (the balances weighted at the level's
//! weights): exact and least, as for today's pools. Its limit price and
//! settlement are judged on the pool's **unweighted** equity (the balances
//! at their value): haircuts decide when to liquidate, not whether the
//! account is bankrupt, so a fill never books bad debt for an account whose
//! deposits still cover it.

use super::health::{unified_pool_health, unified_pool_health_read, MarginLadder, UnifiedHealth};
use super::{MarginBook, PerpPosition, UnifiedAccount, MAX_BALANCES};
use crate::account::{Pool, Position, MAX_POSITIONS};
use crate::asset::{Asset, AssetBalance};
use crate::error::{Error, Result};
use crate::health::{self, Target};
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};
use crate::oracle::LimitSource;
use crate::settlement::{settle_fill, Fill};
use crate::sizing::{first_rising_at_least, least_crossing_within, minimal_close, CloseRequest, CloseStatus, SurplusParts};

/// Most jumps of a leg's least-amount search (see the module docs).
pub const MAX_JUMPS: usize = 256;

/// The kind of a liquidation leg (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u32)]
pub enum LegKind {
    /// Reduce a perp position (today's leg).
    #[default]
    ReducePerp = 0,
    /// The liquidator repays a borrow and takes a deposit at a bonus.
    SwapCollateralForLiability = 1,
    /// The liquidator repays a borrow and takes positive perp PnL at a bonus.
    PerpPnlForLiability = 2,
    /// The liquidator takes over negative perp PnL and takes a deposit at a
    /// bonus.
    DepositForPerpLoss = 3,
}

/// Marks an unused index field of a [`UnifiedLeg`].
pub const NO_INDEX: u32 = u32::MAX;

/// One liquidation leg of a unified pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct UnifiedLeg {
    /// What the leg does.
    pub kind: LegKind,
    /// The account's position (perp reduction and the PnL legs), else
    /// [`NO_INDEX`].
    pub position_index: u32,
    /// The borrowed asset repaid (swap, PnL for liability), else
    /// [`NO_INDEX`].
    pub liability_asset: u32,
    /// The deposited asset taken (swap, deposit for loss), else
    /// [`NO_INDEX`].
    pub collateral_asset: u32,
    /// The leg's driver (> 0): units of size closed (perp reduction),
    /// smallest units of the borrow repaid (swap, PnL for liability), or
    /// quote units of loss taken over (deposit for loss).
    pub amount: i64,
}

impl UnifiedLeg {
    /// A perp reduction of `units` of position `position_index`.
    #[must_use]
    pub fn reduce_perp(position_index: u32, units: i64) -> Self {
        UnifiedLeg { kind: LegKind::ReducePerp, position_index, liability_asset: NO_INDEX, collateral_asset: NO_INDEX, amount: units }
    }

    /// A swap of deposit `collateral` for `repaid` units of borrow `liability`.
    #[must_use]
    pub fn swap(liability: u32, collateral: u32, repaid: i64) -> Self {
        UnifiedLeg {
            kind: LegKind::SwapCollateralForLiability,
            position_index: NO_INDEX,
            liability_asset: liability,
            collateral_asset: collateral,
            amount: repaid,
        }
    }

    /// Position `position_index`'s gain for `repaid` units of borrow `liability`.
    #[must_use]
    pub fn pnl_for_liability(position_index: u32, liability: u32, repaid: i64) -> Self {
        UnifiedLeg {
            kind: LegKind::PerpPnlForLiability,
            position_index,
            liability_asset: liability,
            collateral_asset: NO_INDEX,
            amount: repaid,
        }
    }

    /// `loss` quote units of position `position_index`'s loss for deposit
    /// `collateral`.
    #[must_use]
    pub fn deposit_for_loss(position_index: u32, collateral: u32, loss: i64) -> Self {
        UnifiedLeg {
            kind: LegKind::DepositForPerpLoss,
            position_index,
            liability_asset: NO_INDEX,
            collateral_asset: collateral,
            amount: loss,
        }
    }

    /// The same leg with another amount.
    #[must_use]
    pub fn with_amount(self, amount: i64) -> Self {
        UnifiedLeg { amount, ..self }
    }
}

/// An asset's liquidation fees (Mango's `liquidation_fee` and
/// `platform_liquidation_fee`), applied when the asset is taken or repaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct AssetLiquidationFees {
    /// The liquidator's bonus, ppm of the value.
    pub liquidator_bonus: Ppm,
    /// The insurance fund's fee, ppm of the value, on top of the bonus.
    pub insurance_fee: Ppm,
}

/// What the legs are sized and priced with.
#[derive(Debug, Clone, Copy)]
pub struct LegTerms<'a> {
    /// `asset_fees[i]` is the fees of asset `i`; empty: no fees anywhere.
    pub asset_fees: &'a [AssetLiquidationFees],
    /// A perp reduction's worst execution price: the mark moved against the
    /// account by this band ([`crate::limit_price`]).
    pub perp_band: Ppm,
    /// Where a leg may stop (see the module docs).
    pub target: Target,
    /// Where a perp reduction's worst price is priced around: `None` the
    /// mark; `Some` the price guard's limit price of the market, held
    /// between the band from the mark and the mark
    /// ([`crate::limit_price_around`]; the rule: [`crate::oracle`], "The
    /// order limit"). The guarded unified liquidation sets it.
    pub perp_limit: Option<LimitSource<'a>>,
}

impl AssetLiquidationFees {
    /// [`Error::InvalidLiquidationFees`] when the bonus and the fee
    /// together exceed 100 % of the value.
    pub fn validate(&self) -> Result<()> {
        if u64::from(self.liquidator_bonus.0).saturating_add(u64::from(self.insurance_fee.0)) > 1_000_000 {
            return Err(Error::InvalidLiquidationFees);
        }
        Ok(())
    }
}

impl LegTerms<'_> {
    /// Bonus and insurance fee of asset `asset`, validated.
    fn fees(&self, asset: u32) -> Result<AssetLiquidationFees> {
        if self.asset_fees.is_empty() {
            return Ok(AssetLiquidationFees::default());
        }
        let i = usize::try_from(asset).map_err(|_| Error::UnknownAsset)?;
        let fees = self.asset_fees.get(i).copied().ok_or(Error::UnknownAsset)?;
        fees.validate()?;
        Ok(fees)
    }
}

/// What a [`LegFlow`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum FlowUnit {
    /// Nothing (an unused flow).
    #[default]
    None = 0,
    /// Smallest units of asset `index`.
    Asset = 1,
    /// Quote units of the cash of the account's position `index`.
    PositionQuote = 2,
    /// Units of size of the account's position `index`.
    PositionSize = 3,
}

/// One unit's movement in a leg: signed amounts received (> 0) or given
/// (< 0) by each party; they sum to zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct LegFlow {
    /// What is counted.
    pub unit: FlowUnit,
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

impl LegFlow {
    /// True when nothing is created or destroyed.
    #[must_use]
    pub fn conserves(&self) -> bool {
        let sum = [self.liquidator, self.counterparty, self.insurance_fund]
            .iter()
            .try_fold(i128::from(self.account), |s, v| num::add(s, i128::from(*v)));
        sum == Ok(0)
    }

    fn new(unit: FlowUnit, index: u32, account: i128, liquidator: i128, counterparty: i128, insurance_fund: i128) -> Result<Self> {
        let f = |v: i128| i64::try_from(v).map_err(|_| Error::Overflow);
        Ok(LegFlow {
            unit,
            index,
            account: f(account)?,
            liquidator: f(liquidator)?,
            counterparty: f(counterparty)?,
            insurance_fund: f(insurance_fund)?,
        })
    }
}

/// A leg's figures: its flows, what it liquidates and costs, and the pool
/// after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegSettlement {
    /// The leg settled.
    pub leg: UnifiedLeg,
    /// The two units the leg moves (a perp reduction: size and cash).
    pub flows: [LegFlow; 2],
    /// Unweighted value of what the account gives up, at the oracle (a
    /// perp reduction: the notional closed at the mark), rounded up.
    pub value_liquidated: Quote,
    /// What the leg costs the account beyond what it is relieved of: bonus
    /// and fees (and a perp reduction's band), rounded up.
    pub cost_to_account: Quote,
    /// The pool after the leg.
    pub health_after: UnifiedHealth,
}

/// The least leg of one kind and pair, sized to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegSizing {
    /// Already safe, restored, or infeasible (then the leg is the largest
    /// the account allows, or amount 0 when it allows none).
    pub status: CloseStatus,
    /// The leg with its least amount.
    pub leg: UnifiedLeg,
    /// The largest amount the account allows for this leg.
    pub max_amount: i64,
    /// The leg's figures (`None` for amount 0).
    pub settlement: Option<LegSettlement>,
}

/// A caller-independent copy of an account that legs are applied to.
#[derive(Debug, Clone, Copy)]
pub struct AccountCopy {
    balances: [AssetBalance; MAX_BALANCES],
    balance_count: usize,
    positions: [PerpPosition; MAX_POSITIONS],
    position_count: usize,
}

impl AccountCopy {
    /// Copies `account`. [`Error::TooManyBalances`] /
    /// [`Error::TooManyPositions`] above the limits.
    pub fn of(account: &UnifiedAccount<'_>) -> Result<Self> {
        if account.balances.len() > MAX_BALANCES {
            return Err(Error::TooManyBalances);
        }
        if account.positions.len() > MAX_POSITIONS {
            return Err(Error::TooManyPositions);
        }
        // Each entry written once (the account's, then defaults), not
        // zeroed and then copied over.
        Ok(AccountCopy {
            balances: core::array::from_fn(|i| account.balances.get(i).copied().unwrap_or_default()),
            balance_count: account.balances.len(),
            positions: core::array::from_fn(|i| account.positions.get(i).copied().unwrap_or_default()),
            position_count: account.positions.len(),
        })
    }

    /// The copy as an account.
    #[must_use]
    pub fn account(&self) -> UnifiedAccount<'_> {
        UnifiedAccount {
            balances: self.balances.get(..self.balance_count).unwrap_or(&[]),
            positions: self.positions.get(..self.position_count).unwrap_or(&[]),
        }
    }

    /// The balance of `asset`: [`Error::AssetNotHeld`] when there is none.
    fn balance_mut(&mut self, asset: u32) -> Result<&mut AssetBalance> {
        self.balances
            .get_mut(..self.balance_count)
            .unwrap_or(&mut [])
            .iter_mut()
            .find(|b| b.asset_index == asset)
            .ok_or(Error::AssetNotHeld)
    }

    fn position_mut(&mut self, index: u32) -> Result<&mut PerpPosition> {
        let i = usize::try_from(index).map_err(|_| Error::UnknownPosition)?;
        self.positions.get_mut(..self.position_count).unwrap_or(&mut []).get_mut(i).ok_or(Error::UnknownPosition)
    }

    /// Books a settled leg's account side.
    pub fn apply(&mut self, settlement: &LegSettlement) -> Result<()> {
        for flow in &settlement.flows {
            self.apply_flow(flow)?;
        }
        Ok(())
    }

    /// Books flows (the account's side of each).
    pub(super) fn apply_flows(&mut self, flows: &[LegFlow; 2]) -> Result<()> {
        for flow in flows {
            self.apply_flow(flow)?;
        }
        Ok(())
    }

    /// Takes back flows booked with [`AccountCopy::apply`] (the planner's
    /// search walks one copy up and down its tree): the account's side of
    /// each, negated, in reverse order. Integer additions: exact.
    pub(super) fn undo(&mut self, flows: &[LegFlow; 2]) -> Result<()> {
        for flow in flows.iter().rev() {
            let back = LegFlow { account: flow.account.checked_neg().ok_or(Error::Overflow)?, ..*flow };
            self.apply_flow(&back)?;
        }
        Ok(())
    }

    fn apply_flow(&mut self, flow: &LegFlow) -> Result<()> {
        let delta = i128::from(flow.account);
        match flow.unit {
            FlowUnit::None => Ok(()),
            FlowUnit::Asset => move_balance(self.balance_mut(flow.index)?, delta),
            // One arm a unit: the unit's branch in `move_position` folds.
            FlowUnit::PositionQuote => move_position(self.position_mut(flow.index)?, FlowUnit::PositionQuote, delta),
            FlowUnit::PositionSize => move_position(self.position_mut(flow.index)?, FlowUnit::PositionSize, delta),
        }
    }
}

/// Moves a balance's amount by `delta` (a flow's account side): exact, or
/// [`Error::Overflow`] past `i64`.
#[inline(always)]
fn move_balance(b: &mut AssetBalance, delta: i128) -> Result<()> {
    b.amount = i64::try_from(num::add(i128::from(b.amount), delta)?).map_err(|_| Error::Overflow)?;
    Ok(())
}

/// Moves a position's quote balance (`FlowUnit::PositionQuote`) or size
/// (any other unit) by `delta`: exact, or [`Error::Overflow`] past the
/// field's range.
#[inline(always)]
fn move_position(p: &mut PerpPosition, unit: FlowUnit, delta: i128) -> Result<()> {
    if unit == FlowUnit::PositionQuote {
        p.quote_balance = Quote::from_i128(num::add(i128::from(p.quote_balance.0), delta)?)?;
    } else {
        p.size = Size(i64::try_from(num::add(i128::from(p.size.0), delta)?).map_err(|_| Error::Overflow)?);
    }
    Ok(())
}

/// The balances and positions a leg's two flows move, as
/// [`AccountCopy::apply`] would leave them on a copy of the account,
/// without the copy: each flow finds its balance (the first of its asset)
/// or position and moves it by the account's side, with the same checks
/// and errors in the same order ([`AccountCopy::of`]'s limits first, then
/// each flow's), so reading the account through it
/// ([`unified_pool_health_read`]) is the copy's health. A pool's balances
/// are the account's (the cross pool) or none, and its members keep their
/// account indices, so a balance is looked up by its index in the
/// account's balances and a position by its index in the account's
/// positions.
struct Moved {
    /// `(index in the account's balances, the balance moved)`.
    balances: [Option<(usize, AssetBalance)>; 2],
    /// `(index in the account's positions, the position moved)`.
    positions: [Option<(usize, PerpPosition)>; 2],
}

impl Moved {
    fn of(account: &UnifiedAccount<'_>, flows: &[LegFlow; 2]) -> Result<Self> {
        if account.balances.len() > MAX_BALANCES {
            return Err(Error::TooManyBalances);
        }
        if account.positions.len() > MAX_POSITIONS {
            return Err(Error::TooManyPositions);
        }
        let mut m = Moved { balances: [None; 2], positions: [None; 2] };
        for flow in flows {
            let delta = i128::from(flow.account);
            match flow.unit {
                FlowUnit::None => {}
                FlowUnit::Asset => {
                    let k = account.balances.iter().position(|b| b.asset_index == flow.index).ok_or(Error::AssetNotHeld)?;
                    let mut b = m.balance(k).or_else(|| account.balances.get(k).copied()).ok_or(Error::AssetNotHeld)?;
                    move_balance(&mut b, delta)?;
                    Self::put(&mut m.balances, k, b)?;
                }
                FlowUnit::PositionQuote | FlowUnit::PositionSize => {
                    let i = usize::try_from(flow.index).map_err(|_| Error::UnknownPosition)?;
                    let mut p = m.position(i).or_else(|| account.positions.get(i).copied()).ok_or(Error::UnknownPosition)?;
                    move_position(&mut p, flow.unit, delta)?;
                    Self::put(&mut m.positions, i, p)?;
                }
            }
        }
        Ok(m)
    }

    /// Sets entry `at` (in place of its earlier move, or in a free slot:
    /// two flows move at most two of each).
    fn put<T: Copy>(slots: &mut [Option<(usize, T)>; 2], at: usize, value: T) -> Result<()> {
        let slot = match slots.iter().position(|s| s.is_some_and(|(i, _)| i == at)) {
            Some(j) => slots.get_mut(j),
            None => slots.iter_mut().find(|s| s.is_none()),
        };
        *slot.ok_or(Error::OutOfRange)? = Some((at, value));
        Ok(())
    }

    /// The moved balance at index `k` of the account's balances.
    fn balance(&self, k: usize) -> Option<AssetBalance> {
        self.balances.iter().flatten().find(|(i, _)| *i == k).map(|(_, b)| *b)
    }

    /// The moved position at index `i` of the account's positions.
    fn position(&self, i: usize) -> Option<PerpPosition> {
        self.positions.iter().flatten().find(|(j, _)| *j == i).map(|(_, p)| *p)
    }
}

/// The pool's surplus over the target (see the module docs).
pub fn target_surplus(h: &UnifiedHealth, target: &Target) -> Result<i128> {
    match *target {
        Target::Initial => h.liquidation_end.health(),
        Target::Maintenance { .. } => {
            target.validate()?;
            let sums = health::Sums { equity: 0, initial: 0, maintenance: i128::from(h.maintenance.requirement.0) };
            num::sub(i128::from(h.maintenance.collateral.0), target.required(&sums)?)
        }
    }
}

/// The health of pool `pool_index` of `account` on the standard ladder.
pub(super) fn pool_health_of(account: &UnifiedAccount<'_>, pool_index: usize, book: &MarginBook<'_>) -> Result<UnifiedHealth> {
    unified_pool_health(&account.pool(pool_index)?, book, &MarginLadder::STANDARD)
}

/// Where legs are sized and settled: pool `pool_index` of `account`,
/// priced by `book`, under `terms` (what every leg function shares; the
/// public [`size_leg`] and [`settle_leg`] take the four apart).
#[derive(Clone, Copy)]
pub(super) struct LegScope<'r, 'a> {
    /// The account the legs act on.
    pub(super) account: &'r UnifiedAccount<'a>,
    /// Its pool.
    pub(super) pool_index: usize,
    /// Markets, assets and their prices.
    pub(super) book: &'r MarginBook<'a>,
    /// Fees, band and target.
    pub(super) terms: &'r LegTerms<'a>,
}

impl<'r, 'a> LegScope<'r, 'a> {
    /// The same pool, book and terms on `account` (a copy with legs
    /// applied).
    pub(super) fn on<'o>(&self, account: &'o UnifiedAccount<'o>) -> LegScope<'o, 'o>
    where
        'r: 'o,
    {
        LegScope { account, pool_index: self.pool_index, book: self.book, terms: self.terms }
    }

    /// The pool's health ([`pool_health_of`]).
    pub(super) fn health(&self) -> Result<UnifiedHealth> {
        pool_health_of(self.account, self.pool_index, self.book)
    }

    /// The pool's surplus over the terms' target ([`target_surplus`] of
    /// its health).
    pub(super) fn surplus(&self) -> Result<i128> {
        target_surplus(&self.health()?, &self.terms.target)
    }
}

/// `amount × price × 10^e` of one asset in units of another (or of quote:
/// `to = None`), times `factor / 10¹²`, rounded as named, is
/// `mul_div_wide(numerator(amount), factor, denominator, rounding)` with
/// the parts that do not depend on the amount found once: the numerator
/// `amount × from_price × 10^k` (`k = e_from − e_to ≥ 0`) over the
/// denominator `to_price × 10¹²` (`× 10^−k` when `k < 0`). Every step is
/// a checked product whose only error is [`Error::Overflow`], so finding
/// the denominator before the numerator changes no result and no error.
#[derive(Debug, Clone, Copy)]
struct Conversion {
    from_price: i128,
    /// `10^k` when `k ≥ 0`, else `None` (the power is in the denominator).
    up: Option<i128>,
    denominator: i128,
}

impl Conversion {
    fn of(from: Option<(&Asset, Price)>, to: Option<(&Asset, Price)>) -> Result<Self> {
        let (from_price, from_e) = from.map_or((1, 0), |(a, p)| (i128::from(p.0), a.quote_exponent));
        let (to_price, to_e) = to.map_or((1, 0), |(a, p)| (i128::from(p.0), a.quote_exponent));
        if from_price <= 0 || to_price <= 0 {
            return Err(Error::MissingPrice);
        }
        let k = num::sub(i128::from(from_e), i128::from(to_e))?;
        let pow = num::pow10(u32::try_from(k.unsigned_abs()).map_err(|_| Error::Overflow)?)?;
        let d = num::mul(to_price, PPM_SQUARED)?;
        Ok(if k >= 0 {
            Conversion { from_price, up: Some(pow), denominator: d }
        } else {
            Conversion { from_price, up: None, denominator: num::mul(d, pow)? }
        })
    }

    /// `amount × from_price` (`× 10^k`).
    fn numerator(&self, amount: i128) -> Result<i128> {
        let n = num::mul(amount, self.from_price)?;
        match self.up {
            Some(pow) => num::mul(n, pow),
            None => Ok(n),
        }
    }
}

/// `10¹²`: the denominator of a product of two ppm factors.
const PPM_SQUARED: i128 = 1_000_000_000_000;

/// `(1 + a)(1 + b)` in 10⁻¹² units for ppm `a` and `b`.
fn factor(a: i128, b: i128) -> Result<i128> {
    num::mul(num::add(PPM, a)?, num::add(PPM, b)?)
}

/// The account's side and the others' of a spot or PnL leg of amount
/// `amount` (without health).
pub(super) struct Quantities {
    /// The unit repaid or relieved: (unit, index, account gets).
    relieved: (FlowUnit, u32, i128),
    /// The unit taken: (unit, index, account gives, liquidator gets).
    taken: (FlowUnit, u32, i128, i128),
    /// Value given up and cost, rounded up.
    pub(super) value: i128,
    cost: i128,
}

fn quantities(book: &MarginBook<'_>, terms: &LegTerms<'_>, leg: &UnifiedLeg) -> Result<Quantities> {
    LegQuantities::of(book, terms, leg)?.at(i128::from(leg.amount))
}

/// A spot or PnL leg's [`Quantities`] with what does not depend on its
/// amount found once (the assets, fees, fee factors and the conversion's
/// parts: [`Conversion`]): [`LegQuantities::at`] is [`quantities`] at an
/// amount. [`quantities`] itself is `of` then `at`, so there is one
/// computation: the figures are the same, and so are the errors (the ones
/// that do not depend on the amount come from `of`, in the same order).
#[derive(Debug, Clone, Copy)]
pub(super) struct LegQuantities<'b> {
    /// The unit relieved (unit, index).
    relieved: (FlowUnit, u32),
    /// The unit taken (unit, index).
    taken: (FlowUnit, u32),
    /// What the account gives, in the taken unit.
    conversion: Conversion,
    /// `(1 + bonus + fee)` and `(1 + bonus)` factors, in 10⁻¹² units.
    total: i128,
    liq: i128,
    /// The repaid asset (a swap's, a PnL leg's): the value relieved is the
    /// amount's value, rounded down; `None`: the amount itself (quote).
    liability: Option<(&'b Asset, Price)>,
    /// The asset taken (a swap's, a deposit's): the value given up is the
    /// given amount's value, rounded up; `None`: the given amount itself
    /// (quote).
    collateral: Option<(&'b Asset, Price)>,
}

impl<'b> LegQuantities<'b> {
    /// The parts of `leg` (its amount ignored).
    pub(super) fn of(book: &MarginBook<'b>, terms: &LegTerms<'_>, leg: &UnifiedLeg) -> Result<Self> {
        let bonus_and_fee = |f: AssetLiquidationFees| num::add(i128::from(f.liquidator_bonus.0), i128::from(f.insurance_fee.0));
        match leg.kind {
            LegKind::ReducePerp => Err(Error::InvalidLegKind),
            LegKind::SwapCollateralForLiability => {
                if leg.liability_asset == leg.collateral_asset {
                    return Err(Error::LegSameAsset);
                }
                let l = book.asset(leg.liability_asset)?;
                let c = book.asset(leg.collateral_asset)?;
                let (lf, cf) = (terms.fees(leg.liability_asset)?, terms.fees(leg.collateral_asset)?);
                let total = factor(bonus_and_fee(lf)?, bonus_and_fee(cf)?)?;
                let liq = factor(i128::from(lf.liquidator_bonus.0), i128::from(cf.liquidator_bonus.0))?;
                Ok(LegQuantities {
                    relieved: (FlowUnit::Asset, leg.liability_asset),
                    taken: (FlowUnit::Asset, leg.collateral_asset),
                    conversion: Conversion::of(Some(l), Some(c))?,
                    total,
                    liq,
                    liability: Some(l),
                    collateral: Some(c),
                })
            }
            LegKind::PerpPnlForLiability => {
                let l = book.asset(leg.liability_asset)?;
                let lf = terms.fees(leg.liability_asset)?;
                let total = factor(bonus_and_fee(lf)?, 0)?;
                let liq = factor(i128::from(lf.liquidator_bonus.0), 0)?;
                Ok(LegQuantities {
                    relieved: (FlowUnit::Asset, leg.liability_asset),
                    taken: (FlowUnit::PositionQuote, leg.position_index),
                    conversion: Conversion::of(Some(l), None)?,
                    total,
                    liq,
                    liability: Some(l),
                    collateral: None,
                })
            }
            LegKind::DepositForPerpLoss => {
                let c = book.asset(leg.collateral_asset)?;
                let cf = terms.fees(leg.collateral_asset)?;
                let total = factor(bonus_and_fee(cf)?, 0)?;
                let liq = factor(i128::from(cf.liquidator_bonus.0), 0)?;
                Ok(LegQuantities {
                    relieved: (FlowUnit::PositionQuote, leg.position_index),
                    taken: (FlowUnit::Asset, leg.collateral_asset),
                    conversion: Conversion::of(None, Some(c))?,
                    total,
                    liq,
                    liability: None,
                    collateral: Some(c),
                })
            }
        }
    }

    /// The leg's quantities at `amount`: what the account gives (the
    /// conversion times the total factor, rounded up) and what the
    /// liquidator gets (times its bonus factor, rounded down), of one
    /// numerator; the value given up (rounded up) and the cost, the value
    /// less what is relieved (its value rounded down).
    pub(super) fn at(&self, amount: i128) -> Result<Quantities> {
        let c = &self.conversion;
        let n = c.numerator(amount)?;
        let given = num::mul_div_wide(n, self.total, c.denominator, Rounding::Ceil)?;
        let to_liquidator = num::mul_div_wide(n, self.liq, c.denominator, Rounding::Floor)?;
        let value = match self.collateral {
            Some((ca, cp)) => ca.value(given, cp, Rounding::Ceil)?,
            None => given,
        };
        let relieved = match self.liability {
            Some((la, lp)) => la.value(amount, lp, Rounding::Floor)?,
            None => amount,
        };
        Ok(Quantities {
            relieved: (self.relieved.0, self.relieved.1, amount),
            taken: (self.taken.0, self.taken.1, given, to_liquidator),
            value,
            cost: num::sub(value, relieved)?,
        })
    }
}

/// The position's equity term at its mark (value + cash, rounded down).
fn position_equity(p: &PerpPosition, book: &MarginBook<'_>) -> Result<i128> {
    Ok(health::stored_position_terms(&p.position(), book.markets, book.prices)?.equity)
}

impl LegScope<'_, '_> {
    /// Checks that a leg fits the account (the right side of each balance,
    /// a position with the right PnL, the pool) and returns the largest
    /// amount it allows (quantity caps only; 0 when the leg can do
    /// nothing); [`settle_leg`]'s errors for a leg that does not fit the
    /// pool at all.
    pub(super) fn max_amount(&self, leg: &UnifiedLeg) -> Result<i128> {
        self.caps(leg, None, None)
    }

    /// [`LegScope::max_amount`], the largest amount that fits what the
    /// account holds looked up in `memo` first (and remembered there):
    /// the same figure (see [`CapMemo`]).
    pub(super) fn max_amount_memo(&self, leg: &UnifiedLeg, memo: &mut CapMemo) -> Result<i128> {
        self.caps(leg, None, Some(memo))
    }

    /// [`LegScope::max_amount`]'s checks, then: with `probe` `None`, the
    /// largest amount the leg allows; with `Some(a)`, `a` when the leg
    /// allows it (so `a` is at most the largest amount), else 0 (a spot or
    /// PnL leg's taken amount never decreases with its amount, so one
    /// evaluation at `a` decides it).
    fn caps(&self, leg: &UnifiedLeg, probe: Option<i128>, mut memo: Option<&mut CapMemo>) -> Result<i128> {
        let LegScope { account, pool_index, book, terms } = *self;
        let pool = account.pool(pool_index)?;
        if pool.margin == super::PositionMargin::Isolated && leg.kind != LegKind::ReducePerp {
            return Err(Error::LegNotInPool);
        }
        if leg.kind == LegKind::SwapCollateralForLiability && leg.liability_asset == leg.collateral_asset {
            return Err(Error::LegSameAsset);
        }
        let position = |index: u32| -> Result<&PerpPosition> {
            let i = usize::try_from(index).map_err(|_| Error::UnknownPosition)?;
            pool.members().find(|(at, _)| *at == i).map(|(_, p)| p).ok_or(Error::LegNotInPool)
        };
        let balance = |asset: u32| -> Result<i128> {
            book.asset(asset)?.0.validate()?;
            terms.fees(asset)?;
            pool.balances.iter().find(|b| b.asset_index == asset).map(|b| i128::from(b.amount)).ok_or(Error::AssetNotHeld)
        };
        let borrow = |asset: u32| -> Result<i128> {
            let b = balance(asset)?;
            if b > 0 {
                return Err(Error::WrongBalanceSide);
            }
            num::sub(0, b)
        };
        let deposit = |asset: u32| -> Result<i128> {
            let d = balance(asset)?;
            if d < 0 {
                return Err(Error::WrongBalanceSide);
            }
            Ok(d)
        };
        // The largest driver whose taken amount fits `limit` (monotone), or
        // whether `probe` fits.
        let fits = |hi: i128, limit: i128| -> Result<i128> {
            if hi <= 0 {
                return Ok(0);
            }
            // The leg's parts found once ([`LegQuantities`]: the same
            // figures and errors as [`quantities`] at each amount).
            let parts = LegQuantities::of(book, terms, leg)?;
            let taken = |n: i128| -> Result<i128> {
                i64::try_from(n).map_err(|_| Error::Overflow)?;
                Ok(parts.at(n)?.taken.2)
            };
            if taken(1)? > limit {
                return Ok(0);
            }
            if let Some(a) = probe {
                return Ok(if a >= 1 && a <= hi && taken(a)? <= limit { a } else { 0 });
            }
            let top = taken(hi)?;
            if top <= limit {
                return Ok(hi);
            }
            // `1` fits and `hi` does not. The taken amount is near-proportional
            // to the driver: the guess `hi × limit / taken(hi)` is bracketed by
            // galloping from it, then bisected (any bracket gives the answer;
            // the guess only makes it narrow).
            let guess = num::mul_div_wide(hi, limit, top, Rounding::Floor)?.max(1).min(num::sub(hi, 1)?);
            let (mut ok, mut bad) = if taken(guess)? <= limit {
                let (mut ok, mut stride) = (guess, 1i128);
                loop {
                    let next = num::add(ok, stride)?.min(hi);
                    if next == hi || taken(next)? > limit {
                        break (ok, next);
                    }
                    ok = next;
                    stride = stride.saturating_mul(2);
                }
            } else {
                let (mut bad, mut stride) = (guess, 1i128);
                loop {
                    let next = num::sub(bad, stride)?.max(1);
                    if next == 1 || taken(next)? <= limit {
                        break (next, bad);
                    }
                    bad = next;
                    stride = stride.saturating_mul(2);
                }
            };
            while num::sub(bad, ok)? > 1 {
                let mid = num::add(ok, num::div_round(num::sub(bad, ok)?, 2, Rounding::Floor)?)?;
                if taken(mid)? <= limit {
                    ok = mid;
                } else {
                    bad = mid;
                }
            }
            Ok(ok)
        };
        // The largest amount remembered for the same leg, bound and limit
        // (no probe: a probe's answer depends on it).
        let mut fits = |hi: i128, limit: i128| -> Result<i128> {
            let key = (leg.with_amount(0), hi, limit);
            let Some(memo) = memo.as_deref_mut().filter(|_| probe.is_none()) else { return fits(hi, limit) };
            if let Some(found) = memo.get(&key) {
                return Ok(found);
            }
            let found = fits(hi, limit)?;
            memo.put(key, found);
            Ok(found)
        };
        match leg.kind {
            LegKind::ReducePerp => {
                let p = position(leg.position_index)?;
                Ok(i128::from(p.size.0).checked_abs().ok_or(Error::Overflow)?)
            }
            LegKind::SwapCollateralForLiability => {
                let (owed, held) = (borrow(leg.liability_asset)?, deposit(leg.collateral_asset)?);
                fits(owed, held)
            }
            LegKind::PerpPnlForLiability => {
                let owed = borrow(leg.liability_asset)?;
                let gain = position_equity(position(leg.position_index)?, book)?;
                if gain <= 0 {
                    return Err(Error::WrongPnlSide);
                }
                fits(owed, gain)
            }
            LegKind::DepositForPerpLoss => {
                let held = deposit(leg.collateral_asset)?;
                let loss = num::sub(0, position_equity(position(leg.position_index)?, book)?)?;
                if loss <= 0 {
                    return Err(Error::WrongPnlSide);
                }
                fits(loss, held)
            }
        }
    }
}

/// A [`CapMemo`] key: the leg at amount 0, `hi` and `limit`.
type CapKey = (UnifiedLeg, i128, i128);

/// The largest amounts of spot and PnL legs that fit what the account
/// holds, remembered by leg and by the two figures that bound it: `hi`
/// (the borrow owed, or the loss) and `limit` (the deposit held, or the
/// gain). [`LegScope::caps`]' search for that amount reads nothing else:
/// it evaluates what the account gives at amounts of the leg
/// ([`quantities`], a function of the leg, its amount, the book and the
/// terms), so with one book and one set of terms (the memo's owner's) the
/// amount remembered is the one the search would find again. Only amounts
/// found without error are kept.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CapMemo {
    /// `((leg at amount 0, hi, limit), largest amount)`.
    slots: [Option<(CapKey, i128)>; 4],
    /// The slot the next amount replaces.
    next: usize,
}

impl CapMemo {
    /// The remembered largest amount for `key`.
    fn get(&self, key: &CapKey) -> Option<i128> {
        self.slots.iter().flatten().find(|(k, _)| k == key).map(|(_, found)| *found)
    }

    /// Remembers `found` for `key`, in place of the oldest.
    fn put(&mut self, key: CapKey, found: i128) {
        if let Some(slot) = self.slots.get_mut(self.next) {
            *slot = Some((key, found));
        }
        self.next = if self.next.saturating_add(1) >= self.slots.len() { 0 } else { self.next.saturating_add(1) };
    }
}

/// A spot or PnL leg's two flows.
fn token_flows(q: &Quantities) -> Result<[LegFlow; 2]> {
    let (ru, ri, ra) = q.relieved;
    let (tu, ti, given, to_liquidator) = q.taken;
    Ok([
        LegFlow::new(ru, ri, ra, num::sub(0, ra)?, 0, 0)?,
        LegFlow::new(tu, ti, num::sub(0, given)?, to_liquidator, 0, num::sub(given, to_liquidator)?)?,
    ])
}

/// The change of the target level's term of one unit of a pool when the
/// account's side of it moves by `delta`: a balance's weighted value at the
/// level, or a position's cash (which enters its term unrounded, so the
/// change is `delta` itself). `balances`: the pool's, before the move.
fn term_change(
    balances: &[AssetBalance],
    book: &MarginBook<'_>,
    target: &Target,
    unit: FlowUnit,
    index: u32,
    delta: i128,
    memo: &mut TermMemo,
) -> Result<i128> {
    match unit {
        FlowUnit::Asset => {
            let (asset, price) = book.asset(index)?;
            let amount = balances.iter().find(|b| b.asset_index == index).map_or(0, |b| i128::from(b.amount));
            let initial = matches!(target, Target::Initial);
            let after = asset.level_figure(num::add(amount, delta)?, price, initial)?;
            let before = match memo.get(index, amount) {
                Some(term) => term,
                None => {
                    let term = asset.level_figure(amount, price, initial)?;
                    memo.put(index, amount, term);
                    term
                }
            };
            num::sub(after, before)
        }
        _ => Ok(delta),
    }
}

/// The target level's terms of balances as held before a leg, remembered
/// by asset and amount: the term a leg's gain is taken from
/// ([`LegScope::token_effect`]) is the same for every amount of the leg on one
/// account, so it is computed once. A memo serves one book and one target
/// (its owner's): the term is a function of the asset, its price, the
/// amount and the level alone, so a remembered one is the one
/// [`crate::Asset::figures`] gives (only terms computed without error are
/// kept).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TermMemo {
    /// `(asset, amount, term)`.
    slots: [(u32, i128, i128); 4],
    /// Which slots hold a term.
    used: [bool; 4],
    /// The slot the next term replaces.
    next: usize,
}

impl TermMemo {
    /// The remembered term of `asset` held at `amount`.
    fn get(&self, asset: u32, amount: i128) -> Option<i128> {
        self.slots.iter().zip(self.used.iter()).find(|((a, x, _), used)| **used && *a == asset && *x == amount).map(|((_, _, t), _)| *t)
    }

    /// Remembers `term` for `asset` held at `amount`, in place of the
    /// oldest.
    fn put(&mut self, asset: u32, amount: i128, term: i128) {
        let at = self.next;
        if let (Some(slot), Some(used)) = (self.slots.get_mut(at), self.used.get_mut(at)) {
            *slot = (asset, amount, term);
            *used = true;
        }
        self.next = if at.saturating_add(1) >= self.slots.len() { 0 } else { at.saturating_add(1) };
    }
}

/// What a spot or PnL leg does, without the pool's health: the change of
/// the pool's surplus over the target, the value, the cost and the flows.
#[derive(Debug, Clone, Copy)]
pub(super) struct TokenEffect {
    /// The surplus after the leg minus the surplus before (exact: the leg
    /// moves one balance term and one balance or cash term, and the
    /// surplus is their sum with the rest; see [`size_leg`]).
    pub(super) gain: i128,
    /// Value liquidated ([`LegSettlement::value_liquidated`]).
    pub(super) value: i128,
    /// Cost to the account ([`LegSettlement::cost_to_account`]).
    pub(super) cost: i128,
    /// The flows ([`LegSettlement::flows`]).
    pub(super) flows: [LegFlow; 2],
}

impl LegScope<'_, '_> {
    /// A spot or PnL leg's effect on the pool (its amount between 1 and
    /// [`LegScope::max_amount`]: not checked here), the same figures
    /// [`settle_leg`] gives without computing the pool's health.
    ///
    /// `parts`: [`LegQuantities::of`] of `leg` on this scope's book and
    /// terms (the caller finds them once per leg; the figures at the
    /// leg's amount are [`quantities`]').
    pub(super) fn token_effect(&self, parts: &LegQuantities<'_>, leg: &UnifiedLeg, memo: &mut TermMemo) -> Result<TokenEffect> {
        let LegScope { account, pool_index, book, terms } = *self;
        let q = parts.at(i128::from(leg.amount))?;
        let pool = account.pool(pool_index)?;
        let (ru, ri, ra) = q.relieved;
        let (tu, ti, given, _) = q.taken;
        // The two units differ (a swap's two assets differ; the other legs move
        // a balance and a position's cash), so the two changes add.
        let gain = num::add(
            term_change(pool.balances, book, &terms.target, ru, ri, ra, memo)?,
            term_change(pool.balances, book, &terms.target, tu, ti, num::sub(0, given)?, memo)?,
        )?;
        Ok(TokenEffect { gain, value: q.value, cost: q.cost, flows: token_flows(&q)? })
    }
}

/// True when asset `asset`'s weighted value at every level is the amount
/// times a constant of its side, rounded down (no size term): `⌊γ x⌋`.
pub(super) fn linear_term(book: &MarginBook<'_>, asset: u32) -> Result<bool> {
    Ok(book.asset(asset)?.0.imf_factor.0 == 0)
}

/// Settles `leg` on pool `pool_index` of `account`: its flows, value, cost
/// and the pool's health after (the account itself is not changed: book it
/// with [`AccountCopy::apply`] or the engine's own ledger).
///
/// Errors: [`Error::InvalidLegAmount`] for an amount ≤ 0 or beyond what the
/// account holds (more than the borrow, the deposit, the PnL or the
/// position); [`Error::AssetNotHeld`] for an asset the pool has no balance
/// of; [`Error::WrongBalanceSide`] for a deposit where a borrow is repaid
/// or the reverse; [`Error::WrongPnlSide`] for a PnL leg on a position
/// without that PnL; [`Error::LegNotInPool`] for a position of another
/// pool (and every spot leg names balances, which only the cross pool has);
/// [`Error::LegSameAsset`]; a named asset's own validation errors
/// ([`Asset::validate`]: weights above or below 100 %, out of order) and
/// [`Error::InvalidLiquidationFees`]; the book's and health's errors.
pub fn settle_leg(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    leg: &UnifiedLeg,
) -> Result<LegSettlement> {
    LegScope { account, pool_index, book, terms }.settle(leg)
}

impl LegScope<'_, '_> {
    /// [`settle_leg`] on the scope's pool.
    pub(super) fn settle(&self, leg: &UnifiedLeg) -> Result<LegSettlement> {
        let max = self.caps(leg, Some(i128::from(leg.amount)), None)?;
        if leg.amount <= 0 || i128::from(leg.amount) > max {
            return Err(Error::InvalidLegAmount);
        }
        let (flows, value, cost) = if leg.kind == LegKind::ReducePerp {
            self.reduce_perp(leg)?
        } else {
            let q = quantities(self.book, self.terms, leg)?;
            (token_flows(&q)?, q.value, q.cost)
        };
        // The pool after the flows, read through them ([`Moved`]) rather
        // than on a copy of the account: the same checks, the same health.
        let after = Moved::of(self.account, &flows)?;
        let pool = self.account.pool(self.pool_index)?;
        let health_after = unified_pool_health_read(
            &pool,
            self.book,
            &MarginLadder::STANDARD,
            |k, b| after.balance(k).unwrap_or(*b),
            |i, p| after.position(i).unwrap_or(*p),
        )?;
        Ok(LegSettlement {
            leg: *leg,
            flows,
            value_liquidated: Quote::from_i128(value)?,
            cost_to_account: Quote::from_i128(cost)?,
            health_after,
        })
    }

    /// The pool's perp view at the target's level (`weighted`: the balances
    /// at the level's weights, for sizing) or unweighted (the balances at
    /// their value: bankruptcy, the limit price and the settlement are
    /// judged on the equity), with the account index of each view position.
    fn view_of<'p>(
        &self,
        target: Option<&Target>,
        positions: &'p mut [Position; MAX_POSITIONS],
        index: &mut [usize; MAX_POSITIONS],
    ) -> Result<crate::account::Pool<'p>> {
        let level = match target {
            Some(Target::Initial) => super::health::LIQUIDATION_END,
            Some(Target::Maintenance { .. }) => super::health::MAINTENANCE,
            None => super::health::UNWEIGHTED,
        };
        super::pipeline::perp_view_at(&self.account.pool(self.pool_index)?, self.book, level, positions, index)
    }
}

fn view_position(index: &[usize; MAX_POSITIONS], count: usize, account_position: u32) -> Result<usize> {
    let want = usize::try_from(account_position).map_err(|_| Error::UnknownPosition)?;
    index.get(..count).unwrap_or(&[]).iter().position(|&i| i == want).ok_or(Error::LegNotInPool)
}

/// The worst price of a reduction of position `j` of the perp view `view`:
/// the band around the mark, or around the terms' limit source.
fn perp_limit_price(view: &Pool<'_>, book: &MarginBook<'_>, terms: &LegTerms<'_>, j: usize) -> Result<Price> {
    match terms.perp_limit {
        None => crate::pricing::limit_price(view, book.markets, book.prices, j, terms.perp_band),
        Some(source) => {
            let pos = view.positions.get(j).ok_or(Error::UnknownPosition)?;
            let reference = i64::try_from(source.reference(pos.market_index)?).map_err(|_| Error::Overflow)?;
            crate::pricing::limit_price_around(view, book.markets, book.prices, j, terms.perp_band, Price(reference))
        }
    }
}

/// What a perp reduction books on its position's cash, and the cash the
/// closed units are worth at the mark (signed as the fill's cash).
#[derive(Debug, Clone, Copy)]
pub(super) struct PerpCash {
    /// The position's quote change ([`crate::Settlement::position_quote_delta`]).
    pub(super) quote_delta: i128,
    /// The closed units at the mark, rounded down (the band's reference).
    pub(super) at_mark: i128,
    /// The fill's limit price.
    pub(super) exec: i64,
    /// The position's equity term after the fill minus before.
    pub(super) equity_change: i128,
    /// The value liquidated ([`LegSettlement::value_liquidated`]).
    pub(super) value: i128,
}

impl LegScope<'_, '_> {
    /// A perp reduction's flows, value and cost.
    fn reduce_perp(&self, leg: &UnifiedLeg) -> Result<([LegFlow; 2], i128, i128)> {
        let (flows, value, cost, _) = self.reduce_perp_shifted(leg, 0)?;
        Ok((flows, value, cost))
    }

    /// [`LegScope::reduce_perp`] with the pool's unweighted equity moved by
    /// `equity_shift` (the view's collateral moved: the bankruptcy quote and
    /// the limit price see it, nothing else): what a fill would book on an
    /// account whose other legs left that much more or less equity. `0`: the
    /// settlement itself.
    pub(super) fn perp_cash_shifted(&self, leg: &UnifiedLeg, equity_shift: i128) -> Result<PerpCash> {
        Ok(self.reduce_perp_shifted(leg, equity_shift)?.3)
    }

    /// [`LegScope::reduce_perp`] and [`LegScope::perp_cash_shifted`] at
    /// once.
    fn reduce_perp_shifted(&self, leg: &UnifiedLeg, equity_shift: i128) -> Result<([LegFlow; 2], i128, i128, PerpCash)> {
        let (book, terms) = (self.book, self.terms);
        let mut positions = [Position::default(); MAX_POSITIONS];
        let mut index = [0usize; MAX_POSITIONS];
        let mut view = self.view_of(None, &mut positions, &mut index)?;
        if equity_shift != 0 {
            view.collateral = Quote::from_i128(num::add(i128::from(view.collateral.0), equity_shift)?)?;
        }
        let j = view_position(&index, view.positions.len(), leg.position_index)?;
        let pos = view.positions.get(j).ok_or(Error::UnknownPosition)?;
        let exec = perp_limit_price(&view, book, terms, j)?;
        let delta = if pos.size.0 > 0 { num::sub(0, i128::from(leg.amount))? } else { i128::from(leg.amount) };
        let size_delta = Size(i64::try_from(delta).map_err(|_| Error::Overflow)?);
        let s = settle_fill(&view, book.markets, book.prices, &Fill { position_index: j, size_delta, price: exec })?;
        let (market, mark) = health::market_and_price(book.markets, book.prices, pos.market_index)?;
        let units = i128::from(leg.amount);
        let value = market.notional_i128(units, mark, Rounding::Ceil)?;
        // Band: what the fill gives up against the mark, plus the fee.
        let at_mark = market.notional_i128(num::sub(0, delta)?, mark, Rounding::Floor)?;
        let band = num::sub(at_mark, i128::from(s.fill_cash.0))?;
        let p = leg.position_index;
        let flows = [
            LegFlow::new(FlowUnit::PositionSize, p, delta, 0, num::sub(0, delta)?, 0)?,
            LegFlow::new(
                FlowUnit::PositionQuote,
                p,
                i128::from(s.position_quote_delta.0),
                i128::from(s.fee_to_liquidator.0),
                num::sub(0, i128::from(s.fill_cash.0))?,
                i128::from(s.insurance_fund_delta.0),
            )?,
        ];
        let equity_change = num::sub(
            health::stored_position_terms(&s.new_position, book.markets, book.prices)?.equity,
            health::stored_position_terms(pos, book.markets, book.prices)?.equity,
        )?;
        let cash = PerpCash { quote_delta: i128::from(s.position_quote_delta.0), at_mark, exec: exec.0, equity_change, value };
        Ok((flows, value, num::add(band.max(0), i128::from(s.fee.0))?, cash))
    }
}

/// The least amount of `leg`'s kind and pair (its `amount` is ignored) that
/// brings pool `pool_index` to the target (see the module docs).
///
/// [`CloseStatus::AlreadySafe`] with amount 0 when the pool meets the
/// target; [`CloseStatus::Restored`] with the least amount; otherwise
/// [`CloseStatus::Infeasible`] with the largest amount the account allows
/// (0 when it allows none). Errors: [`settle_leg`]'s.
pub fn size_leg(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    terms: &LegTerms<'_>,
    leg: &UnifiedLeg,
) -> Result<LegSizing> {
    let scope = LegScope { account, pool_index, book, terms };
    scope.size_from(leg, scope.surplus()?, true)
}

impl LegScope<'_, '_> {
    /// [`size_leg`] with the pool's surplus over the target given (`base`,
    /// [`target_surplus`] of its health now): one health for many legs
    /// sized on the same account. `short`: a leg that cannot restore is
    /// settled at its largest amount as [`size_leg`] does; otherwise it has
    /// no settlement (a caller that only looks for legs that restore).
    pub(super) fn size_from(&self, leg: &UnifiedLeg, base: i128, short: bool) -> Result<LegSizing> {
        self.size_settling(leg, base, short, true)
    }

    /// [`LegScope::size_from`] without any settlement (`short` false): the
    /// status and amount alone, the same as [`LegScope::size_from`]'s; a
    /// caller settles the leg itself ([`LegScope::settle`] of the sized
    /// leg: what [`LegScope::size_from`] would have returned) only when it
    /// needs it.
    pub(super) fn size_unsettled(&self, leg: &UnifiedLeg, base: i128) -> Result<LegSizing> {
        self.size_settling(leg, base, false, false)
    }

    /// What [`LegScope::size_from`] and [`LegScope::size_unsettled`]
    /// share: `restoring`, a leg that restores is settled.
    fn size_settling(&self, leg: &UnifiedLeg, base: i128, short: bool, restoring: bool) -> Result<LegSizing> {
        let (book, terms) = (self.book, self.terms);
        let max = self.max_amount(leg)?;
        let max_amount = i64::try_from(max).map_err(|_| Error::Overflow)?;
        let done = |status: CloseStatus, amount: i64| -> Result<LegSizing> {
            let leg = leg.with_amount(amount);
            let settled = amount > 0 && (short || (restoring && status == CloseStatus::Restored));
            let settlement = if settled { Some(self.settle(&leg)?) } else { None };
            Ok(LegSizing { status, leg, max_amount, settlement })
        };
        if base >= 0 {
            return done(CloseStatus::AlreadySafe, 0);
        }
        if max == 0 {
            return done(CloseStatus::Infeasible, 0);
        }
        if leg.kind == LegKind::ReducePerp {
            return self.size_reduce(leg, max_amount, short, restoring);
        }
        // The pool's surplus is a sum of per-balance and per-position terms, so
        // a leg moves it by the change of the one or two terms it touches: a
        // balance's weighted value at the target's level, or a position's cash
        // (which enters its term unrounded). Each evaluation is then a term or
        // two, not the whole pool.
        // Rising: the surplus with only the relieved side applied; falling:
        // what the taken side alone costs it.
        let shape = LegParts::of(&self.account.pool(self.pool_index)?, book, terms, leg, base)?;
        let parts = |n: i128| shape.at(n);
        // Nothing qualifies when even the largest relief is below the smallest
        // cost: `rising(m) ≤ rising(max) < falling(1) ≤ falling(m)` for every
        // `m` (both parts of a leg are monotone; two evaluations, not a walk).
        let (first, whole) = (parts(1)?, parts(max)?);
        if first.rising < first.falling && whole.rising < first.falling {
            return done(CloseStatus::Infeasible, max_amount);
        }
        match token_crossing(book, leg, max, &parts, first, whole)? {
            Some(Some(n)) => done(CloseStatus::Restored, i64::try_from(n).map_err(|_| Error::Overflow)?),
            Some(None) => done(CloseStatus::Infeasible, max_amount),
            // The budget ran out (a leg that relieves almost exactly what it
            // takes, over a wide range): the whole amount if it restores.
            None => {
                let whole = parts(max)?;
                let status = if whole.rising >= whole.falling { CloseStatus::Restored } else { CloseStatus::Infeasible };
                done(status, max_amount)
            }
        }
    }

    /// The least amount `n` of spot or PnL leg `leg` (its `amount` ignored)
    /// with `base + gain(n) ≥ 0`, `gain(n)` its gain alone on the account:
    /// `Some(Some(n))`; `Some(None)` when no amount reaches it; `None` when
    /// not known (the jump search ran out). The same jump search as
    /// [`size_leg`] from another base; exact when the leg's balance terms
    /// have no size term ([`linear_term`]).
    pub(super) fn least_amount_from(&self, leg: &UnifiedLeg, base: i128) -> Result<Option<Option<i64>>> {
        let (book, terms) = (self.book, self.terms);
        let max = self.max_amount(leg)?;
        if base >= 0 {
            return Ok(Some(Some(0)));
        }
        if max == 0 {
            return Ok(Some(None));
        }
        let shape = LegParts::of(&self.account.pool(self.pool_index)?, book, terms, leg, base)?;
        let parts = |n: i128| shape.at(n);
        let (first, whole) = (parts(1)?, parts(max)?);
        if first.rising < first.falling && whole.rising < first.falling {
            return Ok(Some(None));
        }
        match token_crossing(book, leg, max, &parts, first, whole)? {
            Some(Some(n)) => Ok(Some(Some(i64::try_from(n).map_err(|_| Error::Overflow)?))),
            Some(None) => Ok(Some(None)),
            None => Ok(None),
        }
    }

    /// The value liquidated and (but for a perp reduction, whose cost needs
    /// its fill) the cost to the account that [`settle_leg`] books for `leg`
    /// at its amount, found without settling it: a spot or PnL leg's
    /// quantities, a perp reduction's closed units at the mark rounded up,
    /// the very figures [`settle_leg`] books. For a leg [`settle_leg`]
    /// accepts.
    pub(super) fn value_and_cost(&self, leg: &UnifiedLeg) -> Result<(Quote, Option<Quote>)> {
        let (book, terms) = (self.book, self.terms);
        if leg.kind == LegKind::ReducePerp {
            let p = usize::try_from(leg.position_index).ok().and_then(|i| self.account.positions.get(i)).ok_or(Error::UnknownPosition)?;
            let (market, mark) = health::market_and_price(book.markets, book.prices, p.market_index)?;
            return Ok((Quote::from_i128(market.notional_i128(i128::from(leg.amount), mark, Rounding::Ceil)?)?, None));
        }
        let q = quantities(book, terms, leg)?;
        Ok((Quote::from_i128(q.value)?, Some(Quote::from_i128(q.cost)?)))
    }
}

/// A spot or PnL leg's two parts from `base` at any amount: the surplus
/// with its relieved side applied, and what its taken side costs
/// ([`term_change`] of each, [`quantities`]' figures), with what does not
/// depend on the amount found once: the conversion of the taken side (its
/// assets and fee factor) and each balance term before the leg.
struct LegParts<'b> {
    base: i128,
    /// What the account gives: the amount converted ([`Conversion`], its
    /// parts found once) times `factor / 10¹²`, rounded up.
    conversion: Conversion,
    factor: i128,
    relieved: Term<'b>,
    taken: Term<'b>,
}

/// One term of the pool's surplus that a leg moves.
enum Term<'b> {
    /// A position's cash: it enters the surplus unrounded.
    Cash,
    /// A balance of `amount` of `asset`, its term at the target's level
    /// `before` the leg.
    Balance { asset: &'b Asset, price: Price, amount: i128, before: i128, initial: bool },
}

impl<'b> Term<'b> {
    fn of(pool: &super::UnifiedPool<'_>, book: &MarginBook<'b>, target: &Target, unit: FlowUnit, index: u32) -> Result<Self> {
        if unit != FlowUnit::Asset {
            return Ok(Term::Cash);
        }
        let (asset, price) = book.asset(index)?;
        let amount = pool.balances.iter().find(|b| b.asset_index == index).map_or(0, |b| i128::from(b.amount));
        let initial = matches!(target, Target::Initial);
        Ok(Term::Balance { asset, price, amount, before: asset.level_figure(amount, price, initial)?, initial })
    }

    /// The term's change when the account's side moves by `delta`
    /// ([`term_change`]).
    fn change(&self, delta: i128) -> Result<i128> {
        match *self {
            Term::Cash => Ok(delta),
            Term::Balance { asset, price, amount, before, initial } => {
                num::sub(asset.level_figure(num::add(amount, delta)?, price, initial)?, before)
            }
        }
    }
}

impl<'b> LegParts<'b> {
    fn of(pool: &super::UnifiedPool<'_>, book: &MarginBook<'b>, terms: &LegTerms<'_>, leg: &UnifiedLeg, base: i128) -> Result<Self> {
        // The units and factors of [`quantities`], at amount 1.
        let q = quantities(book, terms, &leg.with_amount(1))?;
        let (ru, ri, _) = q.relieved;
        let (tu, ti, _, _) = q.taken;
        let fee = |asset: u32| -> Result<i128> {
            let f = terms.fees(asset)?;
            num::add(i128::from(f.liquidator_bonus.0), i128::from(f.insurance_fee.0))
        };
        let (from, to, factor) = match leg.kind {
            LegKind::SwapCollateralForLiability => (
                Some(book.asset(leg.liability_asset)?),
                Some(book.asset(leg.collateral_asset)?),
                factor(fee(leg.liability_asset)?, fee(leg.collateral_asset)?)?,
            ),
            LegKind::PerpPnlForLiability => (Some(book.asset(leg.liability_asset)?), None, factor(fee(leg.liability_asset)?, 0)?),
            LegKind::DepositForPerpLoss => (None, Some(book.asset(leg.collateral_asset)?), factor(fee(leg.collateral_asset)?, 0)?),
            LegKind::ReducePerp => return Err(Error::InvalidLegKind),
        };
        Ok(LegParts {
            base,
            conversion: Conversion::of(from, to)?,
            factor,
            relieved: Term::of(pool, book, &terms.target, ru, ri)?,
            taken: Term::of(pool, book, &terms.target, tu, ti)?,
        })
    }

    /// The parts at amount `n`.
    fn at(&self, n: i128) -> Result<SurplusParts> {
        let given = num::mul_div_wide(self.conversion.numerator(n)?, self.factor, self.conversion.denominator, Rounding::Ceil)?;
        let rising = num::add(self.base, self.relieved.change(n)?)?;
        let falling = num::sub(0, self.taken.change(num::sub(0, given)?)?)?;
        Ok(SurplusParts { rising, falling })
    }
}

/// The least amount in `1..=hi` of spot or PnL leg `leg` whose parts
/// cross (`rising ≥ falling`), `first` and `whole` its parts at 1 and at
/// `hi`: [`least_crossing_within`] within [`MAX_JUMPS`] jumps, each jump
/// also skipping what the leg's near-linear shape rules out when its
/// balance terms have no size term ([`linear_term`]; see
/// [`linear_crossing`]).
fn token_crossing(
    book: &MarginBook<'_>,
    leg: &UnifiedLeg,
    hi: i128,
    parts: &dyn Fn(i128) -> Result<SurplusParts>,
    first: SurplusParts,
    whole: SurplusParts,
) -> Result<Option<Option<i128>>> {
    let (relieved, taken) = match leg.kind {
        LegKind::SwapCollateralForLiability => (Some(leg.liability_asset), Some(leg.collateral_asset)),
        LegKind::PerpPnlForLiability => (Some(leg.liability_asset), None),
        LegKind::DepositForPerpLoss => (None, Some(leg.collateral_asset)),
        LegKind::ReducePerp => return Err(Error::InvalidLegKind),
    };
    for asset in [relieved, taken].into_iter().flatten() {
        if !linear_term(book, asset)? {
            return least_crossing_within(1, hi, parts, MAX_JUMPS);
        }
    }
    linear_crossing(hi, parts, (relieved.is_some(), taken.is_some()), first, whole, MAX_JUMPS)
}

/// [`least_crossing_within`] over `1..=hi` for a leg whose two parts are
/// near-linear: `balances.0` when the relieved unit is a balance (else a
/// position's cash), `balances.1` the same for the unit taken; `first` and
/// `whole` the parts at 1 and `hi`. Every index skipped is proven not to
/// cross:
///
/// Write `f(n) = rising(n) − falling(n)`. A balance's term without a size
/// term is `T(y) = ⌊γ y⌋` (one `γ ≥ 0` per side; the leg keeps the balance
/// on its side) and a position's cash enters the surplus unrounded. The
/// relieved part is `T(x + n) − T(x)` (a borrow repaid, `ρ` its side's
/// `γ`: it moves by `ρ (m − n)` between `n` and `m`, give or take less
/// than 1) or `n`
/// itself (`ρ = 1`, exact); the taken part is `T(x) − T(x − g(n))` or
/// `g(n)`, where `g(n) = ⌈κ n⌉` is what the account gives (one rounding
/// up of a product, `κ > 0`), so `g(m) − g(n)` is `κ (m − n)` give or take
/// less than 1, and the part moves by `φ κ (m − n)` give or take less than
/// `φ + 1` (a balance, `φ = γ`) or 1 (the cash, `φ = 1`). Hence, with the
/// slope `S = ρ − φ κ`, `|f(m) − f(n) − S (m − n)| < U` for any `n < m`,
/// `U = [relieved a balance] + (taken a balance ? γ + 1 : 1)`; and `γ <
/// falling(1) + 1` (`falling(1) > γ g(1) − 1`, `g(1) ≥ 1`), so `U ≤ u =
/// [relieved a balance] + (taken a balance ? falling(1) + 2 : 1)`.
///
/// From 1 and `hi`: `S (hi − 1) < f(hi) − f(1) + u = Δ`. At `n` with `f(n)
/// < 0`, a crossing `m > n` has `0 ≤ f(m) < f(n) + Δ (m − n) / (hi − 1) +
/// u`: with `need = −f(n) − u > 0`, none when `Δ ≤ 0`, else `m − n >
/// need (hi − 1) / Δ`. The jump of [`least_crossing_within`] (the first
/// `m` whose rising part reaches the falling part at `n`: both parts are
/// monotone) then starts there. `Ok(None)`: past `jumps` jumps.
fn linear_crossing(
    hi: i128,
    parts: &dyn Fn(i128) -> Result<SurplusParts>,
    balances: (bool, bool),
    first: SurplusParts,
    whole: SurplusParts,
    jumps: usize,
) -> Result<Option<Option<i128>>> {
    let gap = |p: &SurplusParts| num::sub(p.rising, p.falling);
    let u = num::add(i128::from(balances.0), if balances.1 { num::add(first.falling.max(0), 2)? } else { 1 })?;
    let span = num::sub(hi, 1)?;
    let delta = num::add(num::sub(gap(&whole)?, gap(&first)?)?, u)?;
    let (mut n, mut p) = (1i128, first);
    let mut left = jumps;
    loop {
        let f = gap(&p)?;
        if f >= 0 {
            return Ok(Some(Some(n)));
        }
        if n >= hi {
            return Ok(Some(None));
        }
        if left == 0 {
            return Ok(None);
        }
        left = left.saturating_sub(1);
        // The skip: no crossing below `n + ⌊need (hi − 1) / Δ⌋ + 1`.
        let need = num::sub(num::sub(0, f)?, u)?;
        let mut lo = num::add(n, 1)?;
        if need > 0 {
            if delta <= 0 {
                return Ok(Some(None));
            }
            let skip = num::mul_div_wide(need, span, delta, Rounding::Floor)?;
            lo = lo.max(num::add(n, num::add(skip, 1)?)?);
        }
        if lo > hi {
            return Ok(Some(None));
        }
        // The jump: the first `m ≥ lo` whose rising part reaches `n`'s
        // falling part (galloping, then bisecting).
        let at = parts(lo)?;
        (n, p) = if at.rising >= p.falling {
            (lo, at)
        } else {
            match first_rising_at_least(num::add(lo, 1)?, hi, p.falling, parts)? {
                Some(found) => found,
                None => return Ok(Some(None)),
            }
        };
    }
}

impl LegScope<'_, '_> {
    /// A perp reduction sized ([`LegScope::size_settling`] for
    /// [`LegKind::ReducePerp`]): [`crate::minimal_close`] on the pool's
    /// perp view at the target's level, at the limit price the unweighted
    /// view gives.
    fn size_reduce(&self, leg: &UnifiedLeg, max_amount: i64, short: bool, restoring: bool) -> Result<LegSizing> {
        let (book, terms) = (self.book, self.terms);
        let mut positions = [Position::default(); MAX_POSITIONS];
        let mut index = [0usize; MAX_POSITIONS];
        let equity = self.view_of(None, &mut positions, &mut index)?;
        let j = view_position(&index, equity.positions.len(), leg.position_index)?;
        let exec = perp_limit_price(&equity, book, terms, j)?;
        let mut weighted_positions = [Position::default(); MAX_POSITIONS];
        let view = self.view_of(Some(&terms.target), &mut weighted_positions, &mut index)?;
        let c = minimal_close(
            &view,
            book.markets,
            book.prices,
            &CloseRequest { position_index: j, execution_price: exec, target: terms.target },
        )?;
        let amount = i64::try_from(i128::from(c.size_delta.0).checked_abs().ok_or(Error::Overflow)?).map_err(|_| Error::Overflow)?;
        let leg = leg.with_amount(amount);
        let settled = amount > 0 && (short || (restoring && c.status == CloseStatus::Restored));
        let settlement = if settled { Some(self.settle(&leg)?) } else { None };
        Ok(LegSizing { status: c.status, leg, max_amount, settlement })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::market::Market;

    /// Asset 0: the quote asset at par. Asset 1: "BTC" in hundredths, price
    /// 100 per whole (one unit worth 1 quote unit), asset weights 80 % / 90 %,
    /// liability weights 120 % / 110 %, bonus 5 %.
    fn assets() -> [Asset; 2] {
        [Asset::at_par(0), Asset::weighted(-2, (Ppm(800_000), Ppm(900_000)), (Ppm(1_200_000), Ppm(1_100_000)))]
    }
    const FEES: [AssetLiquidationFees; 2] = [
        AssetLiquidationFees { liquidator_bonus: Ppm(0), insurance_fee: Ppm(0) },
        AssetLiquidationFees { liquidator_bonus: Ppm(50_000), insurance_fee: Ppm(0) },
    ];
    const PRICES: [Price; 2] = [Price(1), Price(100)];

    fn market() -> Market {
        let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
        m.liquidation_fee = Ppm(10_000);
        m
    }

    fn terms() -> LegTerms<'static> {
        LegTerms { asset_fees: &FEES, perp_band: Ppm(0), target: Target::Initial, perp_limit: None }
    }

    fn bal(asset_index: u32, amount: i64) -> AssetBalance {
        AssetBalance { asset_index, amount }
    }

    fn conserved(s: &LegSettlement) {
        assert!(s.flows.iter().all(LegFlow::conserves), "{s:?}");
    }

    #[test]
    fn collateral_swap_restores_with_the_least_repayment() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        // 1,000 BTC units (worth 1,000) against a 950 quote borrow:
        // maintenance 900 − 950 = −50, liquidation end 800 − 950 = −150.
        let balances = [bal(1, 1_000), bal(0, -950)];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let sized = size_leg(&account, 0, &book, &terms(), &UnifiedLeg::swap(0, 1, 0)).unwrap();
        // Repaying r takes c = ⌈1.05 r⌉ BTC units; the end surplus is
        // ⌊0.8 (1,000 − c)⌋ − (950 − r). r = 938: c = ⌈984.9⌉ = 985,
        // ⌊0.8 × 15⌋ − 12 = 0 ✓. r = 937: c = 984, ⌊12.8⌋ − 13 = −1 ✗.
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 938));
        let s = sized.settlement.unwrap();
        conserved(&s);
        assert_eq!(
            s.flows[0],
            LegFlow { unit: FlowUnit::Asset, index: 0, account: 938, liquidator: -938, counterparty: 0, insurance_fund: 0 }
        );
        // The liquidator gets ⌊984.9⌋ = 984, the fund the rounding unit.
        assert_eq!(
            s.flows[1],
            LegFlow { unit: FlowUnit::Asset, index: 1, account: -985, liquidator: 984, counterparty: 0, insurance_fund: 1 }
        );
        assert_eq!((s.value_liquidated, s.cost_to_account), (Quote(985), Quote(47)));
        assert_eq!(s.health_after.liquidation_end.health().unwrap(), 0);
        // Maintenance after: ⌊0.9 × 15⌋ − 12 = 1.
        assert_eq!(s.health_after.maintenance.health().unwrap(), 1);
        let less = settle_leg(&account, 0, &book, &terms(), &UnifiedLeg::swap(0, 1, 937)).unwrap();
        assert_eq!(less.health_after.liquidation_end.health().unwrap(), -1);
        // The maintenance target stops much earlier: ⌊0.9 (1,000 − c)⌋ −
        // (950 − r) ≥ 0 ⇒ 0.055 r ≥ 50 ⇒ r = 910: c = ⌈955.5⌉ = 956,
        // ⌊39.6⌋ − 40 = −1 ✗; r = 911: c = ⌈956.55⌉ = 957, ⌊38.7⌋ − 39 = −1 ✗;
        // r = 912: c = ⌈957.6⌉ = 958, ⌊37.8⌋ − 38 = −1 ✗; r = 913: c = 959,
        // ⌊36.9⌋ − 37 = −1 ✗; r = 914: c = ⌈959.7⌉ = 960, 36 − 36 = 0 ✓.
        let maint = LegTerms { target: Target::MAINTENANCE, ..terms() };
        let sized = size_leg(&account, 0, &book, &maint, &UnifiedLeg::swap(0, 1, 0)).unwrap();
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 914));
        let less = settle_leg(&account, 0, &book, &maint, &UnifiedLeg::swap(0, 1, 913)).unwrap();
        assert_eq!(target_surplus(&less.health_after, &Target::MAINTENANCE).unwrap(), -1);
    }

    #[test]
    fn a_swap_whose_bonus_outweighs_the_haircut_cannot_restore() {
        // Bonus 30 %: each unit repaid takes 1.3 units worth 0.8 × 1.3 =
        // 1.04 of collateral: the swap only worsens the pool.
        let fees = [AssetLiquidationFees::default(), AssetLiquidationFees { liquidator_bonus: Ppm(300_000), insurance_fee: Ppm(0) }];
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        let balances = [bal(1, 1_000), bal(0, -950)];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let t = LegTerms { asset_fees: &fees, ..terms() };
        let sized = size_leg(&account, 0, &book, &t, &UnifiedLeg::swap(0, 1, 0)).unwrap();
        // The largest repayment whose ⌈1.3 r⌉ fits the 1,000 held: 769.
        assert_eq!((sized.status, sized.leg.amount, sized.max_amount), (CloseStatus::Infeasible, 769, 769));
    }

    #[test]
    fn a_deposit_takes_over_a_perp_loss() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        // A closed position with −920 of cash against 1,000 BTC units:
        // maintenance 900 − 920 = −20, liquidation end 800 − 920 = −120.
        let balances = [bal(1, 1_000)];
        let positions = [PerpPosition::cross(0, Size(0), Quote(-920))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let sized = size_leg(&account, 0, &book, &terms(), &UnifiedLeg::deposit_for_loss(0, 1, 0)).unwrap();
        // Taking q takes c = ⌈1.05 q⌉: ⌊0.8 (1,000 − c)⌋ − 920 + q ≥ 0.
        // q = 750: c = 788, 169 − 170 = −1 ✗; q = 751: c = 789, 168 − 169
        // = −1 ✗; q = 752: c = ⌈789.6⌉ = 790, 168 − 168 = 0 ✓.
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 752));
        let s = sized.settlement.unwrap();
        conserved(&s);
        assert_eq!(
            s.flows[0],
            LegFlow { unit: FlowUnit::PositionQuote, index: 0, account: 752, liquidator: -752, counterparty: 0, insurance_fund: 0 }
        );
        assert_eq!(
            s.flows[1],
            LegFlow { unit: FlowUnit::Asset, index: 1, account: -790, liquidator: 789, counterparty: 0, insurance_fund: 1 }
        );
        assert_eq!((s.value_liquidated, s.cost_to_account), (Quote(790), Quote(38)));
        for q in [750, 751] {
            let less = settle_leg(&account, 0, &book, &terms(), &UnifiedLeg::deposit_for_loss(0, 1, q)).unwrap();
            assert_eq!(less.health_after.liquidation_end.health().unwrap(), -1, "q = {q}");
        }
    }

    #[test]
    fn perp_gain_repays_a_borrow() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        // A borrow of 600 BTC units (worth 600; 660 at maintenance, 720 at
        // the end level) against a closed position's gain of 630.
        let balances = [bal(1, -600)];
        let positions = [PerpPosition::cross(0, Size(0), Quote(630))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let sized = size_leg(&account, 0, &book, &terms(), &UnifiedLeg::pnl_for_liability(0, 1, 0)).unwrap();
        // Repaying r takes p = ⌈1.05 r⌉ of the gain: 630 − p − ⌈1.2 (600 −
        // r)⌉ ≥ 0 only at r = 600 (p = 630, nothing left); r = 599: 630 −
        // 629 − ⌈1.2⌉ = −1.
        assert_eq!((sized.status, sized.leg.amount, sized.max_amount), (CloseStatus::Restored, 600, 600));
        let s = sized.settlement.unwrap();
        conserved(&s);
        assert_eq!(
            s.flows[1],
            LegFlow { unit: FlowUnit::PositionQuote, index: 0, account: -630, liquidator: 630, counterparty: 0, insurance_fund: 0 }
        );
        assert_eq!((s.value_liquidated, s.cost_to_account), (Quote(630), Quote(30)));
        let less = settle_leg(&account, 0, &book, &terms(), &UnifiedLeg::pnl_for_liability(0, 1, 599)).unwrap();
        assert_eq!(less.health_after.liquidation_end.health().unwrap(), -1);
    }

    #[test]
    fn a_perp_reduction_is_the_least_close_at_the_end_level() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        // Long 100 @ 100 with cash −10,000 (value 0), backed by 1,000 BTC
        // units: end level 800 − 1,000 (10 % initial) = −200.
        let balances = [bal(1, 1_000)];
        let positions = [PerpPosition::cross(0, Size(100), Quote(-10_000))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let sized = size_leg(&account, 0, &book, &terms(), &UnifiedLeg::reduce_perp(0, 0)).unwrap();
        // Closing x at the mark with a 1 % fee: 800 − ⌈x⌉ + ... : surplus
        // = 800 − ⌈0.01 × 100 x⌉ − 10 (100 − x) = −200 + 10x − x ≥ 0 ⇒ 9x ≥
        // 200 ⇒ x = 23 (207 − 200 = 7 ✓), x = 22: 198 − 200 < 0.
        assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, 23));
        let s = sized.settlement.unwrap();
        conserved(&s);
        assert_eq!(
            s.flows[0],
            LegFlow { unit: FlowUnit::PositionSize, index: 0, account: -23, liquidator: 0, counterparty: 23, insurance_fund: 0 }
        );
        assert_eq!((s.value_liquidated, s.cost_to_account), (Quote(2_300), Quote(23)));
        assert_eq!(s.health_after.liquidation_end.health().unwrap(), 7);
    }

    /// [`CapMemo`]: one memo shared by a leg over many accounts (every
    /// deposit and borrow of a grid, the same owed and held met again on
    /// other accounts) gives the largest amount found without it, and
    /// remembers some.
    #[test]
    fn a_remembered_largest_amount_is_the_one_found_again() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        let legs = [UnifiedLeg::swap(0, 1, 0), UnifiedLeg::deposit_for_loss(0, 1, 0), UnifiedLeg::pnl_for_liability(0, 0, 0)];
        let mut memos = [CapMemo::default(); 3];
        let (mut compared, mut hits) = (0, 0);
        for round in 0..3 {
            for deposit in [0, 1, 50, 733, 1_000] {
                for borrow in [0, 1, 299, 700] {
                    for cash in [-10_400, -9_000] {
                        let balances = [bal(1, deposit), bal(0, -borrow)];
                        let positions = [PerpPosition::cross(0, Size(100), Quote(cash + round))];
                        let account = UnifiedAccount { balances: &balances, positions: &positions };
                        let scope = LegScope { account: &account, pool_index: 0, book: &book, terms: &terms() };
                        for (leg, memo) in legs.iter().zip(memos.iter_mut()) {
                            // An amount found is remembered (the next slot
                            // moves on); one remembered is not again.
                            let next = memo.next;
                            let remembered = scope.max_amount_memo(leg, memo);
                            assert_eq!(remembered, scope.max_amount(leg), "{leg:?} {balances:?} {positions:?}");
                            if remembered.is_ok() && memo.next == next {
                                hits += 1;
                            }
                            compared += 1;
                        }
                    }
                }
            }
        }
        // (153 of the 360 remembered.)
        assert!(compared == 360 && hits > 100, "{compared} {hits}");
    }

    /// A settlement's health read through its moved balances and positions
    /// ([`Moved`]) is the health of a copy with the flows applied: every
    /// kind of leg at several amounts, on the cross pool (a swap moves two
    /// balances, a perp reduction one position twice, a PnL leg a balance
    /// and a position) and on an isolated pool; and the copy's errors.
    #[test]
    fn a_settlement_read_through_its_flows_is_the_copys() {
        let (assets, markets, marks) = (assets(), [market(), market()], [Price(100), Price(80)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        let balances = [bal(1, 1_000), bal(0, -700)];
        let positions = [
            PerpPosition::cross(0, Size(100), Quote(-10_300)),
            PerpPosition::isolated(1, Size(-30), Quote(2_500)),
            PerpPosition::cross(1, Size(20), Quote(-1_500)),
        ];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let mut compared = 0;
        for (pool_index, leg) in [
            (0, UnifiedLeg::swap(0, 1, 0)),
            (0, UnifiedLeg::reduce_perp(0, 0)),
            (0, UnifiedLeg::reduce_perp(2, 0)),
            (0, UnifiedLeg::deposit_for_loss(0, 1, 0)),
            (0, UnifiedLeg::pnl_for_liability(2, 0, 0)),
            (1, UnifiedLeg::reduce_perp(1, 0)),
        ] {
            for amount in [1, 2, 7, 19, 30, 99, 100, 250] {
                let leg = leg.with_amount(amount);
                let scope = LegScope { account: &account, pool_index, book: &book, terms: &terms() };
                let Ok(s) = scope.settle(&leg) else { continue };
                let mut copy = AccountCopy::of(&account).unwrap();
                copy.apply(&s).unwrap();
                assert_eq!(s.health_after, pool_health_of(&copy.account(), pool_index, &book).unwrap(), "{leg:?}");
                compared += 1;
            }
        }
        assert!(compared >= 30, "{compared}");
        // The copy's checks: a flow on a balance the account does not hold,
        // a position it does not have, an amount past i64.
        let none = UnifiedAccount { balances: &[], positions: &positions };
        let flow = |unit, index, account| LegFlow { unit, index, account, liquidator: 0, counterparty: 0, insurance_fund: 0 };
        assert_eq!(Moved::of(&none, &[flow(FlowUnit::Asset, 1, 5), LegFlow::default()]).err(), Some(Error::AssetNotHeld));
        assert_eq!(Moved::of(&account, &[flow(FlowUnit::PositionQuote, 3, 5), LegFlow::default()]).err(), Some(Error::UnknownPosition));
        let big = [flow(FlowUnit::Asset, 1, i64::MAX), flow(FlowUnit::Asset, 1, 1)];
        assert_eq!(Moved::of(&account, &big).err(), Some(Error::Overflow));
        let twice = Moved::of(&account, &[flow(FlowUnit::PositionSize, 0, -3), flow(FlowUnit::PositionQuote, 0, 250)]).unwrap();
        let p = twice.position(0).unwrap();
        assert_eq!((p.size, p.quote_balance, twice.position(1)), (Size(97), Quote(-10_050), None));
    }

    #[test]
    fn a_perp_fill_keeps_more_cash_as_the_equity_falls() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        // Long 100 @ 100 with cash −9,600: equity 400, maintenance 500.
        // Selling 10 at the limit price 100 (band 0; the whole position's
        // bankruptcy price 96 is below it): cash 1,000, nominal fee 10.
        let positions = [PerpPosition::cross(0, Size(100), Quote(-9_600))];
        let account = UnifiedAccount { balances: &[], positions: &positions };
        let leg = UnifiedLeg::reduce_perp(0, 10);
        let terms = terms();
        let scope = LegScope { account: &account, pool_index: 0, book: &book, terms: &terms };
        let at = |shift: i128| {
            let c = scope.perp_cash_shifted(&leg, shift).unwrap();
            (c.quote_delta, c.exec, c.at_mark, c.value)
        };
        // Bankruptcy quote 1,000 − ⌊400 × 50 / 500⌋ = 960: excess 40, the
        // fee 10 whole; the position keeps 990, its equity 390 (−10).
        assert_eq!(at(0), (990, 100, 1_000, 1_000));
        let c = scope.perp_cash_shifted(&leg, 0).unwrap();
        assert_eq!(c.equity_change, -10);
        assert_eq!(c.quote_delta, i128::from(settle_leg(&account, 0, &book, &terms, &leg).unwrap().flows[1].account));
        // Equity 10: ⌊10 × 50 / 500⌋ = 1, quote 999, excess 1: fee 1.
        assert_eq!(at(-390), (999, 100, 1_000, 1_000));
        // Equity 0: quote 1,000, no room: fee 0.
        assert_eq!(at(-400), (1_000, 100, 1_000, 1_000));
        // Equity −100: share −10, quote 1,010 above the fill's 1,000: the
        // shortfall is topped up (the whole position's bankruptcy price
        // 101 is above the mark: the limit price stays at 100).
        assert_eq!(at(-500), (1_010, 100, 1_000, 1_000));
    }

    #[test]
    fn a_leg_past_its_jump_budget_is_sized_whole() {
        // Asset 1 at par (e = 0, price 1) weighted 99.9999 %, no fees: each
        // unit repaid of the quote borrow relieves 1 and takes 0.999999.
        // 3,000,000 deposited (⌊2,999,997⌋ weighted), 2,999,999 borrowed:
        // −2. Repaying r: ⌊0.999999 (3,000,000 − r)⌋ − (2,999,999 − r) =
        // ⌊0.000001 r⌋ − 2 (2,999,997 + 0.000001 r − r plus r − 2,999,999),
        // ≥ 0 first at r = 2,000,000. The jump search moves two units a jump
        // (at n the taken part is n and the relief n − 2), so it would need
        // about a million jumps: past MAX_JUMPS the leg is sized whole (the
        // whole borrow, 2,999,999), which restores: 0.999999 × 1 = ⌊0.999999⌋
        // = 0 left against no borrow.
        let assets = [Asset::at_par(0), Asset::weighted(0, (Ppm(999_999), Ppm(999_999)), (Ppm(1_000_000), Ppm(1_000_000)))];
        let prices = [Price(1), Price(1)];
        let (markets, marks) = ([market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
        let balances = [bal(1, 3_000_000), bal(0, -2_999_999)];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let t = LegTerms { asset_fees: &[], perp_band: Ppm(0), target: Target::Initial, perp_limit: None };
        let before = pool_health_of(&account, 0, &book).unwrap();
        assert_eq!(target_surplus(&before, &Target::Initial).unwrap(), -2);
        let sized = size_leg(&account, 0, &book, &t, &UnifiedLeg::swap(0, 1, 0)).unwrap();
        assert_eq!((sized.status, sized.leg.amount, sized.max_amount), (CloseStatus::Restored, 2_999_999, 2_999_999));
        let s = sized.settlement.unwrap();
        assert_eq!(target_surplus(&s.health_after, &Target::Initial).unwrap(), 0);
        // Never short, but not the least: 2,000,000 restores (⌊0.999999 ×
        // 1,000,000⌋ = 999,999 against 999,999), 1,999,999 does not
        // (⌊999,999.999999⌋ = 999,999 against 1,000,000).
        let at = |r: i64| {
            let s = settle_leg(&account, 0, &book, &t, &UnifiedLeg::swap(0, 1, r)).unwrap();
            target_surplus(&s.health_after, &Target::Initial).unwrap()
        };
        assert_eq!((at(2_000_000), at(1_999_999)), (0, -1));
    }

    #[test]
    fn bad_legs_each_have_their_error() {
        let (assets, markets, marks) = (assets(), [market()], [Price(100)]);
        let book = MarginBook { assets: &assets, asset_prices: &PRICES, ..MarginBook::perps(&markets, &marks) };
        let balances = [bal(1, 1_000), bal(0, -950)];
        let positions = [PerpPosition::cross(0, Size(0), Quote(-10)), PerpPosition::isolated(0, Size(1), Quote(0))];
        let account = UnifiedAccount { balances: &balances, positions: &positions };
        let t = terms();
        let err = |pool: usize, leg: UnifiedLeg| settle_leg(&account, pool, &book, &t, &leg).unwrap_err();
        // An asset the account does not hold (asset 2 is not in the book).
        let one = [bal(1, 1_000)];
        let lone = UnifiedAccount { balances: &one, positions: &[] };
        assert_eq!(settle_leg(&lone, 0, &book, &t, &UnifiedLeg::swap(0, 1, 1)).unwrap_err(), Error::AssetNotHeld);
        assert_eq!(err(0, UnifiedLeg::swap(2, 1, 1)), Error::UnknownAsset);
        // A deposit named as the liability, a borrow as the collateral.
        assert_eq!(err(0, UnifiedLeg::swap(1, 0, 1)), Error::WrongBalanceSide);
        assert_eq!(err(0, UnifiedLeg::swap(0, 0, 1)), Error::LegSameAsset);
        // A gain taken from a position with a loss.
        assert_eq!(err(0, UnifiedLeg::pnl_for_liability(0, 0, 1)), Error::WrongPnlSide);
        // Amounts: 0, and more than the borrow.
        assert_eq!(err(0, UnifiedLeg::swap(0, 1, 0)), Error::InvalidLegAmount);
        assert_eq!(err(0, UnifiedLeg::swap(0, 1, 951)), Error::InvalidLegAmount);
        // Spot legs and other pools' positions are outside an isolated pool.
        assert_eq!(err(1, UnifiedLeg::swap(0, 1, 1)), Error::LegNotInPool);
        assert_eq!(err(1, UnifiedLeg::reduce_perp(0, 1)), Error::LegNotInPool);
        assert_eq!(err(0, UnifiedLeg::reduce_perp(1, 1)), Error::LegNotInPool);
        assert_eq!(err(0, UnifiedLeg::reduce_perp(5, 1)), Error::LegNotInPool);
        // Weights out of order, a deposit weight above 100 %, fees above
        // 100 %: each its own error.
        let mut bad = assets;
        bad[1].initial_asset_weight = Ppm(950_000);
        let bad_book = MarginBook { assets: &bad, ..book };
        assert_eq!(settle_leg(&account, 0, &bad_book, &t, &UnifiedLeg::swap(0, 1, 1)).unwrap_err(), Error::WeightsOutOfOrder);
        bad[1] = assets[1];
        bad[1].maintenance_asset_weight = Ppm(1_000_001);
        let bad_book = MarginBook { assets: &bad, ..book };
        assert_eq!(settle_leg(&account, 0, &bad_book, &t, &UnifiedLeg::swap(0, 1, 1)).unwrap_err(), Error::AssetWeightAbove100Percent);
        let fees = [AssetLiquidationFees::default(), AssetLiquidationFees { liquidator_bonus: Ppm(900_000), insurance_fee: Ppm(100_001) }];
        let t = LegTerms { asset_fees: &fees, ..terms() };
        assert_eq!(settle_leg(&account, 0, &book, &t, &UnifiedLeg::swap(0, 1, 1)).unwrap_err(), Error::InvalidLiquidationFees);
        assert_eq!(size_leg(&account, 0, &book, &t, &UnifiedLeg::swap(0, 1, 0)).unwrap_err(), Error::InvalidLiquidationFees);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// A spot or PnL leg without size terms is sized to its least
        /// restoring amount, as a scan of every amount finds it (the
        /// near-linear skip never passes over one), and its largest amount
        /// is the largest whose taken side fits (the proportional guess).
        #[test]
        fn the_least_amount_is_the_scans(
            kind in 0u8..4,
            e in -2i32..=0,
            price in 1i64..=500,
            weights in (500_000u32..=1_000_000, 1_000_000u32..=1_600_000),
            bonus in (0u32..=150_000, 0u32..=50_000, 0u32..=150_000),
            held in 1i64..=1_500,
            ratio in 600i64..=1_100,
            maintenance in proptest::bool::ANY,
        ) {
            let asset = (Ppm(weights.0), Ppm(weights.0.max(900_000)));
            let assets = [Asset::at_par(0), Asset::weighted(e, asset, (Ppm(weights.1.max(1_100_000)), Ppm(weights.1)))];
            let fees = [
                AssetLiquidationFees { liquidator_bonus: Ppm(bonus.0), insurance_fee: Ppm(bonus.1) },
                AssetLiquidationFees { liquidator_bonus: Ppm(bonus.2), insurance_fee: Ppm(0) },
            ];
            let prices = [Price(1), Price(price)];
            let (markets, marks) = ([market()], [Price(100)]);
            let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&markets, &marks) };
            let target = if maintenance { Target::Maintenance { buffer: Ppm(50_000) } } else { Target::Initial };
            let terms = LegTerms { asset_fees: &fees, perp_band: Ppm(0), target, perp_limit: None };
            // Near the boundary: the borrow (or the loss) `ratio` ‰ of what
            // repays it is worth (a unit of asset 1 is worth `price × 10^e`).
            let worth = |units: i64| units * price / 10i64.pow(e.unsigned_abs());
            let share = |v: i64| (v * ratio / 1_000).max(1);
            let (balances, cash, leg) = match kind {
                // Asset 0 owed, repaid with asset 1.
                0 => ([bal(1, held), bal(0, -share(worth(held)))], 0, UnifiedLeg::swap(0, 1, 0)),
                // Asset 1 owed, repaid with asset 0.
                1 => ([bal(0, held), bal(1, -share(held * 10i64.pow(e.unsigned_abs()) / price))], 0, UnifiedLeg::swap(1, 0, 0)),
                // A closed position's loss, taken over for asset 1.
                2 => ([bal(1, held), bal(0, -1)], -share(worth(held)), UnifiedLeg::deposit_for_loss(0, 1, 0)),
                // Asset 1 owed, repaid with a closed position's gain.
                _ => {
                    let owed = -share(held * 10i64.pow(e.unsigned_abs()) / price);
                    ([bal(0, 1), bal(1, owed)], held * 4 / 5, UnifiedLeg::pnl_for_liability(0, 1, 0))
                }
            };
            let positions = [PerpPosition::cross(0, Size(0), Quote(cash))];
            let account = UnifiedAccount { balances: &balances, positions: &positions };
            // (A scan of at most 20,000 amounts.)
            let scope = LegScope { account: &account, pool_index: 0, book: &book, terms: &terms };
            let Ok(max) = scope.max_amount(&leg) else { return Ok(()) };
            if max > 20_000 {
                return Ok(());
            }
            // The largest amount: its taken side fits, one more does not.
            let taken = |n: i128| quantities(&book, &terms, &leg.with_amount(n as i64)).unwrap().taken.2;
            let limit = if kind == 3 { i128::from(cash) } else { i128::from(held) };
            let owed = -balances.iter().map(|b| b.amount).min().unwrap();
            let hi = if kind == 2 { i128::from(-cash) } else { i128::from(owed) };
            if max > 0 {
                proptest::prop_assert!(taken(max) <= limit);
            }
            if max < hi && hi > 0 {
                proptest::prop_assert!(taken(max + 1) > limit, "max {max} hi {hi}");
            }
            let sized = size_leg(&account, 0, &book, &terms, &leg).unwrap();
            let surplus = |n: i64| -> i128 {
                let s = settle_leg(&account, 0, &book, &terms, &leg.with_amount(n)).unwrap();
                target_surplus(&s.health_after, &terms.target).unwrap()
            };
            let before = target_surplus(&pool_health_of(&account, 0, &book).unwrap(), &terms.target).unwrap();
            let least = if before >= 0 { Some(0) } else { (1..=max as i64).find(|&n| surplus(n) >= 0) };
            match least {
                Some(0) => proptest::prop_assert_eq!(sized.status, CloseStatus::AlreadySafe),
                Some(n) => proptest::prop_assert_eq!((sized.status, sized.leg.amount), (CloseStatus::Restored, n)),
                None => proptest::prop_assert_eq!(sized.status, CloseStatus::Infeasible),
            }
        }
    }
}
