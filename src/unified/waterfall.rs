//! The bankruptcy waterfall: who owns a loss the account can no longer pay.
//!
//! # What a deficit is
//!
//! A **deficit** is a loss left once an account (one pool of it) has nothing
//! more: no deposit, no open position, no positive quote balance
//! ([`check_pool_exhausted`]). It comes in two kinds ([`Deficit`]):
//!
//! * **perp**: a market's negative quote balance on a position of size 0, in
//!   quote units (Drift's `resolve_perp_bankruptcy`, Mango's
//!   `perp_liq_negative_pnl_or_bankruptcy`);
//! * **spot**: a borrow nobody will repay, in the asset's own units (Drift's
//!   `resolve_spot_bankruptcy`, Mango's `token_liq_bankruptcy`).
//!
//! # The steps
//!
//! A [`WaterfallPolicy`] lists the steps in the caller's order; each absorbs
//! what it can of what is left, and the next sees only the rest, so a step is
//! used only once every earlier one is exhausted:
//!
//! * **insurance fund** — the market's own fund or the exchange-wide one
//!   ([`FundScope`], through [`InsuranceFunds`]), down to its floor and never
//!   below ([`InsuranceFundBook::cover`]). A spot deficit is always the
//!   exchange-wide fund's, and the fund pays in quote: it buys the borrowed
//!   units through the liquidator at the asset's price (Mango: the fund pays
//!   the liquidator in the settle token for the liability it takes over),
//!   the most whole units its room above the floor pays for, each bought at
//!   `⌈units × price × 10^e⌉` (up, so the liquidator is never short);
//! * **backstop** — a capacity the caller passes, in the deficit's own unit
//!   (quote for a perp deficit, the asset for a spot one: a vault that takes a
//!   borrow over takes it in the asset);
//! * **socialized loss** — everyone on the other side of the book pays a
//!   share (below); it absorbs the whole rest, unless there is nobody to pay
//!   (no open interest, no deposits);
//! * **auto-deleveraging** — hands the rest over, whole, to
//!   [`crate::escalation::rank_adl`] / [`crate::escalation::deleverage`]: the
//!   engine closes counterparties until their realised profit covers
//!   [`WaterfallOutcome::adl_residual`] (for a perp deficit, before the
//!   bankrupt position is closed, deleveraging it at its bankruptcy price
//!   leaves no deficit at all). It needs at least one counterparty.
//!
//! A valid policy repeats no step and ends in socialized loss or
//! auto-deleveraging. If that last step cannot absorb either (nobody on the
//! other side), the waterfall fails with [`Error::DeficitUnabsorbed`] and
//! nothing changes: a deficit is never left without an owner.
//!
//! # Socialized loss, exact and never short
//!
//! **Perp.** With `OI = Σ |size|` over the market's open positions (longs
//! and shorts both pay, as Drift's `calculate_funding_rate_deltas_to_resolve_bankruptcy`
//! spreads the loss over `base_asset_amount_long + |base_asset_amount_short|`),
//! the charge per unit of size, in funding-index units (quote × 10⁻⁶ per
//! unit), is
//!
//! ```text
//! δ = ⌈loss × 10⁶ / OI⌉            (up: the index never under-charges)
//! charge(size) = ⌈|size| × δ / 10⁶⌉  (up, per position: [`socialized_charge`])
//! ```
//!
//! so `Σ charge ≥ OI × δ / 10⁶ ≥ loss`. The surplus `Σ charge − loss` (the
//! dust of two roundings up) is credited to the insurance fund in the ledger.
//! Its bound: `surplus < n + OI / 10⁶` with `n` payers — each per-position
//! ceiling adds less than one unit, and δ's ceiling less than `OI / 10⁶`
//! (one index unit over the whole open interest). When `loss × 10⁶` is a
//! multiple of `OI` the second part is zero and `surplus < n`.
//!
//! How an engine applies it, exactly as the ledger records: debit every open
//! position's quote balance by [`socialized_charge`] (longs and shorts
//! alike). With one cumulative index per market (longs pay when it rises),
//! the index form is: raise the market's index by δ — each long then owes
//! `size × δ / 10⁶` more, rounded up in its pool's funding sum — and for each
//! short move its `last_funding_index` up by δ as well (cancelling the credit
//! the rise would give it) and debit its quote balance by
//! `⌈|size| × δ / 10⁶⌉`. The index form rounds the longs' share once per
//! pool instead of once per position: still at least the exact share, so
//! `Σ ≥ loss` holds, and the dust is at most the ledger's.
//!
//! **Spot.** The asset's cumulative deposit index `I` (each depositor's claim
//! is proportional to it) is cut so that deposits `D` fall by at least the
//! loss `L` (Drift's `calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy`,
//! Mango's deposit index haircut):
//!
//! ```text
//! I' = ⌊I × (D − L) / D⌋                       ([`haircut_index`])
//! balance' = ⌊balance × I' / I⌋ per depositor  ([`haircut_balance`])
//! ```
//!
//! so `Σ balance' ≤ D × I' / I ≤ D − L`: the claims drop by at least `L`; the
//! surplus (their drop beyond `L`) is credited to the fund in the asset's
//! units (the fund's token balance of the asset, not its quote book). When
//! `L ≥ D` the index goes to 0: the deposits absorb `D` and the rest falls
//! through.
//!
//! The exact surplus needs every payer (each position's size, each
//! depositor's balance): [`WaterfallContext::payers`] lists them. Nothing
//! allocates; every figure is checked.
//!
//! # One ledger
//!
//! Every unit moved is one [`LedgerEntry`] (from, to, unit, amount > 0) in a
//! caller-provided buffer of at least [`MAX_LEDGER_ENTRIES`]. The waterfall
//! works on a staged copy of the ledger and of the fund, and writes both only
//! on success: on error nothing changes, and a deficit is never paid twice.
//! [`ledger_balances`] checks a ledger: amounts positive, per unit what left
//! equals what arrived, and the account receives exactly its deficit, in the
//! deficit's unit, and nothing else.

use super::{MarginBook, UnifiedPool};
use crate::asset::AssetBalance;
use crate::error::{Error, Result};
use crate::escalation::{InsuranceFundBook, InsuranceFunds};
use crate::num::{self, Quote, Rounding, Size, PPM};

use super::PerpPosition;

/// Most ledger entries one deficit's waterfall writes: the fund's (two for a
/// spot deficit: fund → liquidator, liquidator → account), the backstop's,
/// the socialized loss's two (loss and dust) and the hand-over to ADL.
pub const MAX_LEDGER_ENTRIES: usize = 6;

/// Most steps a policy holds (each step at most once).
pub const MAX_WATERFALL_STEPS: usize = 4;

/// One step of the waterfall (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum WaterfallStep {
    /// The insurance fund, down to its floor.
    InsuranceFund = 0,
    /// A backstop's capacity.
    Backstop = 1,
    /// The other side of the book pays pro rata (always absorbs when anyone
    /// is there).
    SocializedLoss = 2,
    /// The rest is handed to auto-deleveraging (always absorbs when anyone
    /// is there).
    AutoDeleverage = 3,
}

impl WaterfallStep {
    /// True for the steps that absorb any amount once someone is there to
    /// pay: a valid policy ends in one.
    #[must_use]
    pub fn always_absorbs(self) -> bool {
        matches!(self, WaterfallStep::SocializedLoss | WaterfallStep::AutoDeleverage)
    }
}

/// Which insurance fund a perp deficit draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum FundScope {
    /// The exchange-wide fund, for every market.
    #[default]
    Global = 0,
    /// The market's own fund where it has one
    /// ([`InsuranceFunds::fund_for`]), else the exchange-wide one.
    PerMarket = 1,
}

/// The caller-ordered steps of the waterfall, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaterfallPolicy {
    steps: [WaterfallStep; MAX_WATERFALL_STEPS],
    len: usize,
    /// Which fund the insurance-fund step draws on, and which fund a
    /// socialized loss's dust is credited to.
    pub fund_scope: FundScope,
}

impl WaterfallPolicy {
    /// A policy from `steps` in order.
    ///
    /// # Errors
    /// [`Error::InvalidWaterfallPolicy`] when `steps` is empty, longer than
    /// [`MAX_WATERFALL_STEPS`], repeats a step, or does not end in a step
    /// that always absorbs ([`WaterfallStep::always_absorbs`]).
    pub fn new(steps: &[WaterfallStep], fund_scope: FundScope) -> Result<Self> {
        let last = steps.last().ok_or(Error::InvalidWaterfallPolicy)?;
        if steps.len() > MAX_WATERFALL_STEPS || !last.always_absorbs() {
            return Err(Error::InvalidWaterfallPolicy);
        }
        let mut out = [WaterfallStep::AutoDeleverage; MAX_WATERFALL_STEPS];
        for (i, (slot, step)) in out.iter_mut().zip(steps).enumerate() {
            if steps.get(..i).is_some_and(|earlier| earlier.contains(step)) {
                return Err(Error::InvalidWaterfallPolicy);
            }
            *slot = *step;
        }
        Ok(WaterfallPolicy { steps: out, len: steps.len(), fund_scope })
    }

    /// Drift v2's order: the market's insurance fund, then socialized loss.
    #[must_use]
    pub fn fund_then_socialized() -> Self {
        WaterfallPolicy {
            steps: [
                WaterfallStep::InsuranceFund,
                WaterfallStep::SocializedLoss,
                WaterfallStep::AutoDeleverage,
                WaterfallStep::AutoDeleverage,
            ],
            len: 2,
            fund_scope: FundScope::PerMarket,
        }
    }

    /// The steps in order.
    #[must_use]
    pub fn steps(&self) -> &[WaterfallStep] {
        self.steps.get(..self.len).unwrap_or(&[])
    }
}

/// What a figure of the ledger counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LedgerUnit {
    /// Quote units.
    #[default]
    Quote,
    /// The smallest units of the asset at this index.
    Asset(u32),
}

/// An insurance fund: the exchange-wide one or a market's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundId {
    /// The exchange-wide fund.
    Global,
    /// The fund of the market at this index.
    Market(u32),
}

/// Who gives or receives in a ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Party {
    /// The bankrupt account (it receives its deficit).
    #[default]
    Account,
    /// A liquidator taking a borrow over for the fund.
    Liquidator,
    /// An insurance fund.
    InsuranceFund(FundId),
    /// The backstop.
    Backstop,
    /// Every open position of the perp market at this index, pro rata.
    SocializedPerp(u32),
    /// Every depositor of the asset at this index, pro rata.
    SocializedDeposits(u32),
    /// The counterparties auto-deleveraging will close: of the perp market
    /// at this index (a quote entry) or of the asset at this index (an asset
    /// entry).
    AdlCounterparties(u32),
}

/// One transfer: `amount > 0` of `unit` from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerEntry {
    /// Who gives.
    pub from: Party,
    /// Who receives.
    pub to: Party,
    /// What is moved.
    pub unit: LedgerUnit,
    /// How much (> 0).
    pub amount: i128,
}

/// A loss left once the account has nothing more (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deficit {
    /// A perp market's negative quote balance on a closed position.
    Perp {
        /// The market's index.
        market_index: u32,
        /// The loss in quote units (> 0).
        loss: i128,
    },
    /// An unrepaid borrow.
    Spot {
        /// The asset's index.
        asset_index: u32,
        /// The borrowed amount in the asset's smallest units (> 0).
        amount: i128,
    },
}

impl Deficit {
    /// The deficit of a closed position: its negative quote balance.
    ///
    /// # Errors
    /// [`Error::AccountNotExhausted`] when the position is still open (its
    /// loss is not a deficit before it is closed); [`Error::NoDeficit`] when
    /// its quote balance is not negative.
    pub fn of_position(p: &PerpPosition) -> Result<Deficit> {
        if p.size.0 != 0 {
            return Err(Error::AccountNotExhausted);
        }
        if p.quote_balance.0 >= 0 {
            return Err(Error::NoDeficit);
        }
        Ok(Deficit::Perp { market_index: p.market_index, loss: num::sub(0, i128::from(p.quote_balance.0))? })
    }

    /// The deficit of a borrow: its magnitude. [`Error::NoDeficit`] for a
    /// balance that is not a borrow.
    pub fn of_balance(b: &AssetBalance) -> Result<Deficit> {
        if b.amount >= 0 {
            return Err(Error::NoDeficit);
        }
        Ok(Deficit::Spot { asset_index: b.asset_index, amount: num::sub(0, i128::from(b.amount))? })
    }

    /// The unit the deficit is counted in.
    #[must_use]
    pub fn unit(&self) -> LedgerUnit {
        match *self {
            Deficit::Perp { .. } => LedgerUnit::Quote,
            Deficit::Spot { asset_index, .. } => LedgerUnit::Asset(asset_index),
        }
    }

    /// The amount owed, in [`Self::unit`].
    #[must_use]
    pub fn amount(&self) -> i128 {
        match *self {
            Deficit::Perp { loss, .. } => loss,
            Deficit::Spot { amount, .. } => amount,
        }
    }

    /// The market or asset index.
    fn index(&self) -> u32 {
        match *self {
            Deficit::Perp { market_index, .. } => market_index,
            Deficit::Spot { asset_index, .. } => asset_index,
        }
    }
}

/// Checks that a pool has nothing more to give: no deposit, no open
/// position, no positive quote balance on a position that counts in it.
/// [`Error::AccountNotExhausted`] otherwise.
pub fn check_pool_exhausted(pool: &UnifiedPool<'_>) -> Result<()> {
    if pool.balances.iter().any(|b| b.amount > 0) || pool.members().any(|(_, p)| p.size.0 != 0 || p.quote_balance.0 > 0) {
        return Err(Error::AccountNotExhausted);
    }
    Ok(())
}

/// What the waterfall needs besides the deficit, the policy and the funds.
#[derive(Debug, Clone, Copy)]
pub struct WaterfallContext<'a> {
    /// The backstop's capacity in the deficit's unit (≥ 0).
    pub backstop_capacity: i128,
    /// Who pays a socialized loss and who is deleveraged: for a perp
    /// deficit the signed size of every open position in the market (longs
    /// and shorts; the bankrupt one, of size 0, adds nothing); for a spot
    /// deficit every depositor's balance of the asset (each ≥ 0).
    pub payers: &'a [i64],
    /// The asset's cumulative deposit index before the haircut (> 0; spot
    /// deficits only, any value for a perp deficit).
    pub deposit_index: i128,
    /// The book: the asset and its price, for the fund to buy a borrow's
    /// units (spot deficits only).
    pub book: &'a MarginBook<'a>,
}

/// How much one step absorbed, in the deficit's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepUse {
    /// The step.
    pub step: WaterfallStep,
    /// What it absorbed (≥ 0; 0 when it could not absorb anything).
    pub absorbed: i128,
}

/// The socialized loss of a waterfall, if its step absorbed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Socialization {
    /// No socialized loss.
    #[default]
    None,
    /// Charged to every open position of a perp market.
    Perp {
        /// `Σ |size|` over the payers.
        open_interest: i128,
        /// The charge per unit of size in funding-index units (quote ×
        /// 10⁻⁶), rounded up.
        delta: i128,
        /// `Σ ⌈|size| × δ / 10⁶⌉` over the payers (≥ the loss absorbed).
        charged: i128,
        /// `charged − absorbed`, credited to the insurance fund.
        surplus: i128,
    },
    /// A haircut of an asset's deposits.
    Spot {
        /// `D`: the depositors' total before.
        deposits: i128,
        /// The cumulative deposit index before.
        old_index: i128,
        /// The index after: `⌊I × (D − L) / D⌋` (0 when `L ≥ D`).
        new_index: i128,
        /// `Σ ⌊balance × I' / I⌋`: the depositors' total after (≤ D − L).
        deposits_after: i128,
        /// `D − deposits_after − absorbed`, credited to the fund in the asset.
        surplus: i128,
    },
}

/// Everything a resolved deficit books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaterfallOutcome {
    /// The steps in policy order, with what each absorbed (the first
    /// [`Self::step_count`] entries).
    pub steps: [StepUse; MAX_WATERFALL_STEPS],
    /// How many steps were tried.
    pub step_count: usize,
    /// Quote units the insurance fund paid (for a spot deficit, what it paid
    /// the liquidator for the units it bought).
    pub fund_paid: i128,
    /// The socialized loss.
    pub socialization: Socialization,
    /// What is handed to auto-deleveraging, in the deficit's unit.
    pub adl_residual: i128,
    /// The fund's book after (debit, then the dust credited).
    pub fund_after: InsuranceFundBook,
    /// Which fund it is.
    pub fund_id: FundId,
    /// Entries written to the ledger.
    pub ledger_len: usize,
}

impl WaterfallOutcome {
    /// The steps tried, in order.
    #[must_use]
    pub fn used(&self) -> &[StepUse] {
        self.steps.get(..self.step_count).unwrap_or(&[])
    }
}

/// `δ = ⌈loss × 10⁶ / open_interest⌉`: a perp loss's charge per unit of
/// size in funding-index units. [`Error::DivisionByZero`] for no open
/// interest; [`Error::NoDeficit`] for a loss ≤ 0.
pub fn socialized_delta(loss: i128, open_interest: i128) -> Result<i128> {
    if loss <= 0 {
        return Err(Error::NoDeficit);
    }
    num::mul_div_wide(loss, PPM, open_interest, Rounding::Ceil)
}

/// A position's share of a socialized perp loss: `⌈|size| × δ / 10⁶⌉` quote
/// units (up), for a long or a short alike.
pub fn socialized_charge(size: Size, delta: i128) -> Result<i128> {
    let abs = i128::from(size.0).checked_abs().ok_or(Error::Overflow)?;
    num::mul_div_wide(abs, delta, PPM, Rounding::Ceil)
}

/// The deposit index after a haircut of `loss` on `deposits`:
/// `⌊index × (D − L) / D⌋`, or 0 when `L ≥ D`.
///
/// # Errors
/// [`Error::InvalidDepositIndex`] for an index ≤ 0; [`Error::DivisionByZero`]
/// for no deposits; [`Error::NegativeCapacity`] for negative deposits;
/// [`Error::NoDeficit`] for a loss ≤ 0.
pub fn haircut_index(index: i128, deposits: i128, loss: i128) -> Result<i128> {
    if index <= 0 {
        return Err(Error::InvalidDepositIndex);
    }
    if deposits < 0 {
        return Err(Error::NegativeCapacity);
    }
    if loss <= 0 {
        return Err(Error::NoDeficit);
    }
    if deposits == 0 {
        return Err(Error::DivisionByZero);
    }
    if loss >= deposits {
        return Ok(0);
    }
    num::mul_div_wide(index, num::sub(deposits, loss)?, deposits, Rounding::Floor)
}

/// One depositor's balance after the index moves from `old_index` to
/// `new_index`: `⌊balance × new / old⌋` (down). Errors as
/// [`haircut_index`] for an index ≤ 0 or a negative balance or new index.
pub fn haircut_balance(balance: i128, old_index: i128, new_index: i128) -> Result<i128> {
    if old_index <= 0 || new_index < 0 {
        return Err(Error::InvalidDepositIndex);
    }
    if balance < 0 {
        return Err(Error::NegativeCapacity);
    }
    num::mul_div_wide(balance, new_index, old_index, Rounding::Floor)
}

/// The staged ledger: entries in a fixed array, copied out on success.
struct Staged {
    entries: [LedgerEntry; MAX_LEDGER_ENTRIES],
    len: usize,
}

impl Staged {
    fn push(&mut self, from: Party, to: Party, unit: LedgerUnit, amount: i128) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        if amount < 0 {
            return Err(Error::Overflow);
        }
        let slot = self.entries.get_mut(self.len).ok_or(Error::LedgerTooSmall)?;
        *slot = LedgerEntry { from, to, unit, amount };
        self.len = self.len.checked_add(1).ok_or(Error::Overflow)?;
        Ok(())
    }
}

/// Resolves `deficit` down the steps of `policy` (see the module docs):
/// each step absorbs what it can of the rest, every unit moved is written to
/// `ledger`, the fund is debited (and credited the socialized loss's dust).
///
/// All or nothing: on success the first [`WaterfallOutcome::ledger_len`]
/// entries of `ledger` and the fund are written; on error neither changes.
///
/// # Errors
/// [`Error::NoDeficit`] for a deficit ≤ 0; [`Error::NegativeCapacity`] for
/// a negative backstop capacity or (spot) depositor's balance;
/// [`Error::InvalidDepositIndex`] for a spot deficit with an index ≤ 0 and
/// a socialized-loss step; [`Error::UnknownAsset`] /
/// [`Error::MissingPrice`] / [`Error::NegativePrice`] /
/// [`Error::InvalidQuoteExponent`] for a spot deficit the fund step cannot
/// price (checked whenever the policy has the step, whatever the amounts);
/// [`Error::LedgerTooSmall`] for a ledger shorter than the entries;
/// [`Error::DeficitUnabsorbed`] when the last step could not absorb the rest
/// (nobody on the other side); [`Error::StateTooSmall`] for a market routed
/// to its own fund that is not there; [`Error::Overflow`].
pub fn resolve_deficit(
    deficit: &Deficit,
    policy: &WaterfallPolicy,
    funds: &mut InsuranceFunds<'_>,
    ctx: &WaterfallContext<'_>,
    ledger: &mut [LedgerEntry],
) -> Result<WaterfallOutcome> {
    let total = deficit.amount();
    if total <= 0 {
        return Err(Error::NoDeficit);
    }
    if ctx.backstop_capacity < 0 {
        return Err(Error::NegativeCapacity);
    }
    // A spot deficit's inputs, checked whatever the amounts (so the errors do
    // not depend on how far down the steps the deficit goes).
    if let Deficit::Spot { asset_index, .. } = *deficit {
        if ctx.payers.iter().any(|&b| b < 0) {
            return Err(Error::NegativeCapacity);
        }
        if policy.steps().contains(&WaterfallStep::SocializedLoss) && ctx.deposit_index <= 0 {
            return Err(Error::InvalidDepositIndex);
        }
        if policy.steps().contains(&WaterfallStep::InsuranceFund) {
            let (asset, price) = ctx.book.asset(asset_index)?;
            scale(asset.quote_exponent)?;
            if price.0 <= 0 {
                return Err(if price.0 == 0 { Error::MissingPrice } else { Error::NegativePrice });
            }
        }
    }
    let unit = deficit.unit();
    let index = deficit.index();
    // The fund: a perp deficit's by the policy's scope, a spot deficit's the
    // exchange-wide one. Worked on as a copy.
    let (fund_id, mut fund) = match (*deficit, policy.fund_scope) {
        (Deficit::Perp { market_index, .. }, FundScope::PerMarket) => {
            let m = usize::try_from(market_index).map_err(|_| Error::UnknownMarket)?;
            let own = funds.has_own.get(m).copied().unwrap_or(0) != 0;
            (if own { FundId::Market(market_index) } else { FundId::Global }, *funds.fund_for(m)?)
        }
        _ => (FundId::Global, *funds.shared),
    };
    let fund_party = Party::InsuranceFund(fund_id);
    let mut staged = Staged { entries: [LedgerEntry::default(); MAX_LEDGER_ENTRIES], len: 0 };
    let mut out = WaterfallOutcome {
        steps: [StepUse { step: WaterfallStep::AutoDeleverage, absorbed: 0 }; MAX_WATERFALL_STEPS],
        step_count: 0,
        fund_paid: 0,
        socialization: Socialization::None,
        adl_residual: 0,
        fund_after: fund,
        fund_id,
        ledger_len: 0,
    };
    let mut left = total;
    for (k, &step) in policy.steps().iter().enumerate() {
        if left == 0 {
            break;
        }
        let absorbed = match step {
            WaterfallStep::InsuranceFund => fund_step(deficit, left, &mut fund, fund_party, ctx, &mut staged, &mut out)?,
            WaterfallStep::Backstop => {
                let take = left.min(ctx.backstop_capacity);
                staged.push(Party::Backstop, Party::Account, unit, take)?;
                take
            }
            WaterfallStep::SocializedLoss => socialize(deficit, left, &mut fund, fund_party, ctx, &mut staged, &mut out)?,
            WaterfallStep::AutoDeleverage => {
                if has_counterparty(deficit, ctx.payers)? {
                    staged.push(Party::AdlCounterparties(index), Party::Account, unit, left)?;
                    out.adl_residual = left;
                    left
                } else {
                    0
                }
            }
        };
        *out.steps.get_mut(k).ok_or(Error::OutOfRange)? = StepUse { step, absorbed };
        out.step_count = k.saturating_add(1);
        left = num::sub(left, absorbed)?;
    }
    if left != 0 {
        return Err(Error::DeficitUnabsorbed);
    }
    let dest = ledger.get_mut(..staged.len).ok_or(Error::LedgerTooSmall)?;
    let src = staged.entries.get(..staged.len).ok_or(Error::OutOfRange)?;
    // Commit: the fund first (its slot exists: it was read above), then the
    // ledger (its length checked above).
    match fund_id {
        FundId::Market(m) => *funds.fund_for(usize::try_from(m).map_err(|_| Error::UnknownMarket)?)? = fund,
        FundId::Global => *funds.shared = fund,
    }
    dest.copy_from_slice(src);
    out.fund_after = fund;
    out.ledger_len = staged.len;
    Ok(out)
}

/// True when someone stands on the other side: an open position (perp) or
/// a deposit (spot).
fn has_counterparty(deficit: &Deficit, payers: &[i64]) -> Result<bool> {
    match deficit {
        Deficit::Perp { .. } => Ok(payers.iter().any(|&s| s != 0)),
        Deficit::Spot { .. } => {
            if payers.iter().any(|&b| b < 0) {
                return Err(Error::NegativeCapacity);
            }
            Ok(payers.iter().any(|&b| b > 0))
        }
    }
}

/// The insurance fund's step: what it absorbs of `left`.
fn fund_step(
    deficit: &Deficit,
    left: i128,
    fund: &mut InsuranceFundBook,
    fund_party: Party,
    ctx: &WaterfallContext<'_>,
    staged: &mut Staged,
    out: &mut WaterfallOutcome,
) -> Result<i128> {
    match *deficit {
        Deficit::Perp { .. } => {
            // The fund's book is in i64 quote units: cover at most that.
            let ask = Quote(i64::try_from(left).unwrap_or(i64::MAX));
            let covered = i128::from(fund.cover(ask)?.covered.0);
            staged.push(fund_party, Party::Account, LedgerUnit::Quote, covered)?;
            out.fund_paid = num::add(out.fund_paid, covered)?;
            Ok(covered)
        }
        Deficit::Spot { asset_index, .. } => {
            let (asset, price) = ctx.book.asset(asset_index)?;
            // value(u) = u × p × 10^e = u × p × up / down. The most units
            // whose value (rounded up) fits the room: u × p × up ≤ room × down.
            let (up, down) = scale(asset.quote_exponent)?;
            if price.0 <= 0 {
                return Err(if price.0 == 0 { Error::MissingPrice } else { Error::NegativePrice });
            }
            let room = num::sub(i128::from(fund.balance.0), i128::from(fund.floor.0))?.max(0);
            let per_unit = num::mul(i128::from(price.0), up)?;
            let affordable = num::mul_div_wide(room, down, per_unit, Rounding::Floor)?;
            let units = left.min(affordable);
            if units == 0 {
                return Ok(0);
            }
            let cost = num::mul_div_wide(units, per_unit, down, Rounding::Ceil)?;
            fund.debit(Quote::from_i128(cost)?)?;
            staged.push(fund_party, Party::Liquidator, LedgerUnit::Quote, cost)?;
            staged.push(Party::Liquidator, Party::Account, LedgerUnit::Asset(asset_index), units)?;
            out.fund_paid = num::add(out.fund_paid, cost)?;
            Ok(units)
        }
    }
}

/// `(10^max(0, e), 10^max(0, −e))`.
fn scale(e: i32) -> Result<(i128, i128)> {
    if !(-18..=18).contains(&e) {
        return Err(Error::InvalidQuoteExponent);
    }
    let p = num::pow10(e.unsigned_abs())?;
    Ok(if e >= 0 { (p, 1) } else { (1, p) })
}

/// The socialized loss's step: what it absorbs of `left`.
fn socialize(
    deficit: &Deficit,
    left: i128,
    fund: &mut InsuranceFundBook,
    fund_party: Party,
    ctx: &WaterfallContext<'_>,
    staged: &mut Staged,
    out: &mut WaterfallOutcome,
) -> Result<i128> {
    // A spot deficit's dust is in the asset: it goes to the exchange-wide
    // fund's holding of the asset, not to the (quote) book.
    match *deficit {
        Deficit::Perp { market_index, .. } => {
            let mut oi: i128 = 0;
            for &s in ctx.payers {
                oi = num::add(oi, i128::from(s).checked_abs().ok_or(Error::Overflow)?)?;
            }
            if oi == 0 {
                return Ok(0);
            }
            let delta = socialized_delta(left, oi)?;
            let mut charged: i128 = 0;
            for &s in ctx.payers {
                charged = num::add(charged, socialized_charge(Size(s), delta)?)?;
            }
            let surplus = num::sub(charged, left)?;
            fund.credit(Quote::from_i128(surplus)?)?;
            let party = Party::SocializedPerp(market_index);
            staged.push(party, Party::Account, LedgerUnit::Quote, left)?;
            staged.push(party, fund_party, LedgerUnit::Quote, surplus)?;
            out.socialization = Socialization::Perp { open_interest: oi, delta, charged, surplus };
            Ok(left)
        }
        Deficit::Spot { asset_index, .. } => {
            let mut deposits: i128 = 0;
            for &b in ctx.payers {
                if b < 0 {
                    return Err(Error::NegativeCapacity);
                }
                deposits = num::add(deposits, i128::from(b))?;
            }
            if deposits == 0 {
                return Ok(0);
            }
            let old_index = ctx.deposit_index;
            let new_index = haircut_index(old_index, deposits, left)?;
            let mut after: i128 = 0;
            for &b in ctx.payers {
                after = num::add(after, haircut_balance(i128::from(b), old_index, new_index)?)?;
            }
            let absorbed = left.min(deposits);
            let surplus = num::sub(num::sub(deposits, after)?, absorbed)?;
            let unit = LedgerUnit::Asset(asset_index);
            let party = Party::SocializedDeposits(asset_index);
            staged.push(party, Party::Account, unit, absorbed)?;
            // The dust goes to the exchange-wide fund's holding of the asset.
            staged.push(party, Party::InsuranceFund(FundId::Global), unit, surplus)?;
            out.socialization = Socialization::Spot { deposits, old_index, new_index, deposits_after: after, surplus };
            Ok(absorbed)
        }
    }
}

/// Checks a waterfall's ledger against its deficit.
///
/// Every entry moves one unit from one party to another, so per unit what
/// left equals what arrived by construction; the check sums every unit's
/// flows (in checked arithmetic: a ledger whose sums overflow fails) and
/// asserts what matters beyond that: every amount positive and between two
/// different parties; the account never pays and receives exactly the
/// deficit in the deficit's unit (fully owned, and paid once) and nothing in
/// any other unit; a liquidator that delivers units is paid for them.
#[must_use]
pub fn ledger_balances(entries: &[LedgerEntry], deficit: &Deficit) -> bool {
    let check = || -> Result<bool> {
        if deficit.amount() <= 0 {
            return Ok(false);
        }
        for e in entries {
            if e.amount <= 0 || e.from == e.to || e.from == Party::Account {
                return Ok(false);
            }
        }
        let mut deficit_unit_seen = false;
        for (i, e) in entries.iter().enumerate() {
            // Each unit once: at its first entry.
            if entries.get(..i).is_some_and(|before| before.iter().any(|b| b.unit == e.unit)) {
                continue;
            }
            let (mut moved, mut to_account) = (0i128, 0i128);
            for x in entries.iter().filter(|x| x.unit == e.unit) {
                moved = num::add(moved, x.amount)?;
                if x.to == Party::Account {
                    to_account = num::add(to_account, x.amount)?;
                }
            }
            let owed = if e.unit == deficit.unit() {
                deficit_unit_seen = true;
                deficit.amount()
            } else {
                0
            };
            if to_account != owed || moved < to_account {
                return Ok(false);
            }
        }
        let delivers = entries.iter().any(|e| e.from == Party::Liquidator);
        let paid = entries.iter().any(|e| e.to == Party::Liquidator && e.unit == LedgerUnit::Quote);
        Ok(deficit_unit_seen && (!delivers || paid))
    };
    check().unwrap_or(false)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::Asset;
    use crate::num::Price;
    use crate::unified::{PerpPosition, UnifiedAccount};
    use WaterfallStep::{AutoDeleverage as Adl, Backstop, InsuranceFund as Fund, SocializedLoss as Social};

    fn fund(balance: i64, floor: i64) -> InsuranceFundBook {
        InsuranceFundBook::new(Quote(balance), Quote(floor)).unwrap()
    }

    fn perp(loss: i128) -> Deficit {
        Deficit::Perp { market_index: 0, loss }
    }

    /// A perp context: backstop `cap`, payers `sizes`.
    fn ctx<'a>(book: &'a MarginBook<'a>, cap: i128, payers: &'a [i64]) -> WaterfallContext<'a> {
        WaterfallContext { backstop_capacity: cap, payers, deposit_index: 1_000_000, book }
    }

    fn empty_book() -> MarginBook<'static> {
        MarginBook::perps(&[], &[])
    }

    /// The absorbed amounts of the steps tried, zero-padded.
    fn absorbed(o: &WaterfallOutcome) -> [i128; MAX_WATERFALL_STEPS] {
        let mut a = [0; MAX_WATERFALL_STEPS];
        for (x, s) in a.iter_mut().zip(o.used()) {
            *x = s.absorbed;
        }
        a
    }

    fn absorbed_of(v: &[i128]) -> [i128; MAX_WATERFALL_STEPS] {
        let mut a = [0; MAX_WATERFALL_STEPS];
        a[..v.len()].copy_from_slice(v);
        a
    }

    fn entry(from: Party, to: Party, unit: LedgerUnit, amount: i128) -> LedgerEntry {
        LedgerEntry { from, to, unit, amount }
    }

    #[test]
    fn policy_validation() {
        assert_eq!(WaterfallPolicy::new(&[], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        // Does not end in a step that always absorbs.
        assert_eq!(WaterfallPolicy::new(&[Fund], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        assert_eq!(WaterfallPolicy::new(&[Social, Backstop], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        // A step twice.
        assert_eq!(WaterfallPolicy::new(&[Social, Adl, Social], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        assert_eq!(WaterfallPolicy::new(&[Fund, Fund, Adl], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        // Five steps.
        assert_eq!(WaterfallPolicy::new(&[Fund, Backstop, Social, Fund, Adl], FundScope::Global), Err(Error::InvalidWaterfallPolicy));
        let p = WaterfallPolicy::new(&[Fund, Backstop, Social, Adl], FundScope::PerMarket).unwrap();
        assert_eq!(p.steps(), &[Fund, Backstop, Social, Adl]);
        assert_eq!(WaterfallPolicy::new(&[Adl], FundScope::Global).unwrap().steps(), &[Adl]);
        assert_eq!(WaterfallPolicy::fund_then_socialized().steps(), &[Fund, Social]);
    }

    #[test]
    fn socialized_figures_by_hand() {
        // Drift's own case: loss 100, longs 7, shorts −4, OI 11:
        // δ = ⌈100 × 1e6 / 11⌉ = ⌈9,090,909.09⌉ = 9,090,910.
        assert_eq!(socialized_delta(100, 11), Ok(9_090_910));
        // Long 7: ⌈7 × 9,090,910 / 1e6⌉ = ⌈63.63637⌉ = 64; short 4: ⌈36.36364⌉ = 37.
        assert_eq!(socialized_charge(Size(7), 9_090_910), Ok(64));
        assert_eq!(socialized_charge(Size(-4), 9_090_910), Ok(37));
        // Σ 101 ≥ 100: surplus 1 < 2 payers.
        assert_eq!(socialized_delta(0, 11), Err(Error::NoDeficit));
        assert_eq!(socialized_delta(5, 0), Err(Error::DivisionByZero));
        assert_eq!(socialized_charge(Size(0), 9_090_910), Ok(0));
    }

    #[test]
    fn haircut_figures_by_hand() {
        // D = 500 + 300 + 200 = 1,000, L = 7, I = 1,000,003:
        // I' = ⌊1,000,003 × 993 / 1,000⌋ = ⌊993,002.979⌋ = 993,002.
        assert_eq!(haircut_index(1_000_003, 1_000, 7), Ok(993_002));
        // 500 × 993,002 / 1,000,003 = 496.499… → 496; 300 → 297.899… → 297;
        // 200 → 198.599… → 198. Σ 991 ≤ 993 = D − L.
        assert_eq!(haircut_balance(500, 1_000_003, 993_002), Ok(496));
        assert_eq!(haircut_balance(300, 1_000_003, 993_002), Ok(297));
        assert_eq!(haircut_balance(200, 1_000_003, 993_002), Ok(198));
        // L ≥ D: everything goes.
        assert_eq!(haircut_index(1_000_000, 5, 5), Ok(0));
        assert_eq!(haircut_index(0, 5, 1), Err(Error::InvalidDepositIndex));
        assert_eq!(haircut_index(1, 0, 1), Err(Error::DivisionByZero));
        assert_eq!(haircut_index(1, -1, 1), Err(Error::NegativeCapacity));
        assert_eq!(haircut_index(1, 5, 0), Err(Error::NoDeficit));
        assert_eq!(haircut_balance(-1, 1, 1), Err(Error::NegativeCapacity));
        assert_eq!(haircut_balance(1, 0, 1), Err(Error::InvalidDepositIndex));
    }

    /// Scenario: bankrupt → fund (down to its floor) → socialized loss, dust to the fund.
    #[test]
    fn fund_then_socialized_loss() {
        let book = empty_book();
        let mut shared = fund(700, 100);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let policy = WaterfallPolicy::new(&[Fund, Social], FundScope::Global).unwrap();
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let payers = [3, -4];
        let out = resolve_deficit(&perp(1_000), &policy, &mut funds, &ctx(&book, 0, &payers), &mut ledger).unwrap();
        // The fund's room is 700 − 100 = 600; 400 left. OI = 3 + 4 = 7:
        // δ = ⌈400e6 / 7⌉ = ⌈57,142,857.14⌉ = 57,142,858; charges ⌈171.428574⌉ = 172
        // and ⌈228.571432⌉ = 229: Σ 401, surplus 1 to the fund (100 + 1 = 101).
        assert_eq!(out.used(), &[StepUse { step: Fund, absorbed: 600 }, StepUse { step: Social, absorbed: 400 }]);
        assert_eq!(out.socialization, Socialization::Perp { open_interest: 7, delta: 57_142_858, charged: 401, surplus: 1 });
        assert_eq!((out.fund_paid, out.adl_residual, out.fund_id), (600, 0, FundId::Global));
        let g = Party::InsuranceFund(FundId::Global);
        assert_eq!(
            &ledger[..out.ledger_len],
            &[
                entry(g, Party::Account, LedgerUnit::Quote, 600),
                entry(Party::SocializedPerp(0), Party::Account, LedgerUnit::Quote, 400),
                entry(Party::SocializedPerp(0), g, LedgerUnit::Quote, 1),
            ]
        );
        assert!(ledger_balances(&ledger[..out.ledger_len], &perp(1_000)));
        assert_eq!((shared.balance, shared.total_debits, shared.total_credits), (Quote(101), Quote(600), Quote(1)));
        assert!(shared.ledger_balances());
        assert_eq!(out.fund_after, shared);
    }

    /// Scenario: a market's own fund stops at its floor; the backstop, then
    /// ADL take the rest; the exchange-wide fund is not touched.
    #[test]
    fn per_market_fund_floor_backstop_then_adl() {
        let book = empty_book();
        let mut shared = fund(1_000_000, 0);
        let mut own = [fund(250, 200)];
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut own, has_own: &[1] };
        let policy = WaterfallPolicy::new(&[Fund, Backstop, Adl], FundScope::PerMarket).unwrap();
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let out = resolve_deficit(&perp(100), &policy, &mut funds, &ctx(&book, 30, &[5]), &mut ledger).unwrap();
        // Own fund: 250 − 200 = 50; backstop 30; ADL 100 − 50 − 30 = 20.
        assert_eq!(absorbed(&out), absorbed_of(&[50, 30, 20]));
        assert_eq!((out.adl_residual, out.fund_id), (20, FundId::Market(0)));
        let f = Party::InsuranceFund(FundId::Market(0));
        assert_eq!(
            &ledger[..3],
            &[
                entry(f, Party::Account, LedgerUnit::Quote, 50),
                entry(Party::Backstop, Party::Account, LedgerUnit::Quote, 30),
                entry(Party::AdlCounterparties(0), Party::Account, LedgerUnit::Quote, 20),
            ]
        );
        assert!(ledger_balances(&ledger[..3], &perp(100)));
        assert_eq!((own[0].balance, shared.balance), (Quote(200), Quote(1_000_000)));
    }

    /// A step that covers everything ends the waterfall; later steps are not tried.
    #[test]
    fn later_steps_untouched_when_earlier_suffice() {
        let book = empty_book();
        let mut shared = fund(500, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let policy = WaterfallPolicy::new(&[Fund, Social], FundScope::PerMarket).unwrap();
        let mut ledger = [LedgerEntry::default(); 1];
        let out = resolve_deficit(&perp(80), &policy, &mut funds, &ctx(&book, 0, &[1]), &mut ledger).unwrap();
        // 80 ≤ 500: the fund alone; PerMarket without an own fund is the shared one.
        assert_eq!((out.step_count, out.fund_id, out.socialization), (1, FundId::Global, Socialization::None));
        assert_eq!(shared.balance, Quote(420));
    }

    /// Zero open interest: socialized loss cannot absorb; the next step takes
    /// over, and a last step that cannot is an error with nothing changed.
    #[test]
    fn nobody_to_charge_falls_through_or_fails() {
        let book = empty_book();
        let mut shared = fund(10, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let policy = WaterfallPolicy::new(&[Fund, Social, Adl], FundScope::Global).unwrap();
        assert_eq!(resolve_deficit(&perp(25), &policy, &mut funds, &ctx(&book, 0, &[0, 0]), &mut ledger), Err(Error::DeficitUnabsorbed));
        assert_eq!(shared.balance, Quote(10));
        assert_eq!(ledger, [LedgerEntry::default(); MAX_LEDGER_ENTRIES]);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        // Backstop before social: with OI 0, socialized loss absorbs nothing and ADL
        // has nobody either; with the backstop big enough it never gets there.
        let policy = WaterfallPolicy::new(&[Fund, Backstop, Social], FundScope::Global).unwrap();
        let out = resolve_deficit(&perp(25), &policy, &mut funds, &ctx(&book, 100, &[]), &mut ledger).unwrap();
        // Fund 10, backstop 15.
        assert_eq!(absorbed(&out), absorbed_of(&[10, 15]));
        assert_eq!(shared.balance, Quote(0));
    }

    /// A ledger too short: an error, and neither the fund nor the ledger moves.
    #[test]
    fn short_ledger_changes_nothing() {
        let book = empty_book();
        let mut shared = fund(10, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let mut ledger = [LedgerEntry::default(); 1];
        let policy = WaterfallPolicy::new(&[Fund, Social], FundScope::Global).unwrap();
        assert_eq!(resolve_deficit(&perp(25), &policy, &mut funds, &ctx(&book, 0, &[1]), &mut ledger), Err(Error::LedgerTooSmall));
        assert_eq!((shared.balance, ledger[0]), (Quote(10), LedgerEntry::default()));
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        assert_eq!(resolve_deficit(&perp(0), &policy, &mut funds, &ctx(&book, 0, &[1]), &mut ledger), Err(Error::NoDeficit));
        assert_eq!(resolve_deficit(&perp(5), &policy, &mut funds, &ctx(&book, -1, &[1]), &mut ledger), Err(Error::NegativeCapacity));
    }

    /// A borrow: the fund buys what its room pays for through the
    /// liquidator, the deposits are haircut (L ≥ D here), ADL takes the rest.
    #[test]
    fn spot_deficit_fund_haircut_adl() {
        // e = −2, price 150: one unit is worth 1.5 quote.
        let assets = [Asset::at_par(-2)];
        let prices = [Price(150)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        let mut shared = fund(10, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let policy = WaterfallPolicy::new(&[Fund, Social, Adl], FundScope::PerMarket).unwrap();
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let d = Deficit::Spot { asset_index: 0, amount: 10 };
        let depositors = [3];
        let c = WaterfallContext { backstop_capacity: 0, payers: &depositors, deposit_index: 1_000_000, book: &book };
        let out = resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger).unwrap();
        // Units the room of 10 pays for: ⌊10 × 100 / 150⌋ = 6 (6 × 1.5 = 9 ≤ 10;
        // 7 × 1.5 = 10.5 > 10), cost ⌈9⌉ = 9. Left 4 ≥ D = 3: index → 0, the
        // deposits absorb 3. ADL takes 1.
        assert_eq!(absorbed(&out), absorbed_of(&[6, 3, 1]));
        assert_eq!(
            out.socialization,
            Socialization::Spot { deposits: 3, old_index: 1_000_000, new_index: 0, deposits_after: 0, surplus: 0 }
        );
        let a = LedgerUnit::Asset(0);
        let g = Party::InsuranceFund(FundId::Global);
        assert_eq!(
            &ledger[..out.ledger_len],
            &[
                entry(g, Party::Liquidator, LedgerUnit::Quote, 9),
                entry(Party::Liquidator, Party::Account, a, 6),
                entry(Party::SocializedDeposits(0), Party::Account, a, 3),
                entry(Party::AdlCounterparties(0), Party::Account, a, 1),
            ]
        );
        assert!(ledger_balances(&ledger[..out.ledger_len], &d));
        assert_eq!((shared.balance, out.fund_paid, out.adl_residual), (Quote(1), 9, 1));
    }

    /// A haircut with dust: the surplus goes to the fund in the asset.
    #[test]
    fn spot_haircut_dust_to_fund() {
        let assets = [Asset::at_par(0)];
        let prices = [Price(1)];
        let book = MarginBook { assets: &assets, asset_prices: &prices, ..MarginBook::perps(&[], &[]) };
        let mut shared = fund(0, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let policy = WaterfallPolicy::new(&[Fund, Social], FundScope::Global).unwrap();
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let d = Deficit::Spot { asset_index: 0, amount: 7 };
        let depositors = [500, 300, 200];
        let c = WaterfallContext { backstop_capacity: 0, payers: &depositors, deposit_index: 1_000_003, book: &book };
        let out = resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger).unwrap();
        // The empty fund absorbs 0; the haircut (see haircut_figures_by_hand):
        // after 991, drop 9, surplus 9 − 7 = 2.
        assert_eq!(out.used(), &[StepUse { step: Fund, absorbed: 0 }, StepUse { step: Social, absorbed: 7 }]);
        assert_eq!(
            out.socialization,
            Socialization::Spot { deposits: 1_000, old_index: 1_000_003, new_index: 993_002, deposits_after: 991, surplus: 2 }
        );
        let a = LedgerUnit::Asset(0);
        assert_eq!(
            &ledger[..out.ledger_len],
            &[
                entry(Party::SocializedDeposits(0), Party::Account, a, 7),
                entry(Party::SocializedDeposits(0), Party::InsuranceFund(FundId::Global), a, 2),
            ]
        );
        assert!(ledger_balances(&ledger[..out.ledger_len], &d));
        // A negative depositor is refused.
        let c = WaterfallContext { payers: &[5, -1], ..c };
        assert_eq!(resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger), Err(Error::NegativeCapacity));
    }

    /// A spot deficit's inputs are checked up front, however far the amounts go.
    #[test]
    fn spot_inputs_checked_up_front() {
        let assets = [Asset::at_par(0)];
        let mut shared = fund(1_000, 0);
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let d = Deficit::Spot { asset_index: 0, amount: 1 };
        let policy = WaterfallPolicy::new(&[Fund, Social], FundScope::Global).unwrap();
        // The fund alone would cover 1 unit at price 1; the bad inputs still count.
        let zero = [Price(0)];
        let book = MarginBook { assets: &assets, asset_prices: &zero, ..MarginBook::perps(&[], &[]) };
        let c = WaterfallContext { backstop_capacity: 0, payers: &[1], deposit_index: 1, book: &book };
        assert_eq!(resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger), Err(Error::MissingPrice));
        let one = [Price(1)];
        let book = MarginBook { assets: &assets, asset_prices: &one, ..MarginBook::perps(&[], &[]) };
        let c = WaterfallContext { backstop_capacity: 0, payers: &[1], deposit_index: 0, book: &book };
        assert_eq!(resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger), Err(Error::InvalidDepositIndex));
        let c = WaterfallContext { payers: &[-1], deposit_index: 1, ..c };
        assert_eq!(resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger), Err(Error::NegativeCapacity));
        let c = WaterfallContext { payers: &[1], ..c };
        let empty = MarginBook::perps(&[], &[]);
        assert_eq!(
            resolve_deficit(&d, &policy, &mut funds, &WaterfallContext { book: &empty, ..c }, &mut ledger),
            Err(Error::UnknownAsset)
        );
        assert_eq!(shared.balance, Quote(1_000));
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let out = resolve_deficit(&d, &policy, &mut funds, &c, &mut ledger).unwrap();
        // 1 unit at price 1: cost 1.
        assert_eq!((out.fund_paid, shared.balance), (1, Quote(999)));
    }

    #[test]
    fn ledger_check_catches_what_is_wrong() {
        let d = perp(10);
        let g = Party::InsuranceFund(FundId::Global);
        let q = LedgerUnit::Quote;
        let ok = [entry(g, Party::Account, q, 4), entry(Party::Backstop, Party::Account, q, 6)];
        assert!(ledger_balances(&ok, &d));
        // Short: not fully owned.
        assert!(!ledger_balances(&ok[..1], &d));
        assert!(!ledger_balances(&[], &d));
        // Paid twice.
        assert!(!ledger_balances(&[ok[0], ok[1], ok[1]], &d));
        // Zero, self-transfer, the account paying.
        assert!(!ledger_balances(&[ok[0], ok[1], entry(g, Party::Backstop, q, 0)], &d));
        assert!(!ledger_balances(&[ok[0], ok[1], entry(g, g, q, 3)], &d));
        assert!(!ledger_balances(&[ok[0], ok[1], entry(Party::Account, g, q, 3)], &d));
        // The account receiving another unit.
        assert!(!ledger_balances(&[ok[0], ok[1], entry(g, Party::Account, LedgerUnit::Asset(0), 1)], &d));
        // A liquidator delivering without being paid.
        let s = Deficit::Spot { asset_index: 0, amount: 2 };
        assert!(!ledger_balances(&[entry(Party::Liquidator, Party::Account, LedgerUnit::Asset(0), 2)], &s));
        assert!(ledger_balances(
            &[entry(g, Party::Liquidator, q, 3), entry(Party::Liquidator, Party::Account, LedgerUnit::Asset(0), 2)],
            &s
        ));
    }

    #[test]
    fn deficits_and_exhaustion() {
        assert_eq!(Deficit::of_position(&PerpPosition::cross(2, Size(0), Quote(-5))), Ok(Deficit::Perp { market_index: 2, loss: 5 }));
        assert_eq!(Deficit::of_position(&PerpPosition::cross(2, Size(1), Quote(-5))), Err(Error::AccountNotExhausted));
        assert_eq!(Deficit::of_position(&PerpPosition::cross(2, Size(0), Quote(0))), Err(Error::NoDeficit));
        let borrow = AssetBalance { asset_index: 3, amount: -9 };
        assert_eq!(Deficit::of_balance(&borrow), Ok(Deficit::Spot { asset_index: 3, amount: 9 }));
        assert_eq!(Deficit::of_balance(&AssetBalance { asset_index: 3, amount: 0 }), Err(Error::NoDeficit));
        assert_eq!(perp(4).unit(), LedgerUnit::Quote);
        // A deposit keeps the cross pool alive; the isolated pool is on its own.
        let deposit = [AssetBalance { asset_index: 0, amount: 1 }, borrow];
        let positions = [PerpPosition::cross(0, Size(0), Quote(-3)), PerpPosition::isolated(1, Size(0), Quote(-2))];
        let acct = UnifiedAccount { balances: &deposit, positions: &positions };
        assert_eq!(check_pool_exhausted(&acct.pool(0).unwrap()), Err(Error::AccountNotExhausted));
        assert_eq!(check_pool_exhausted(&acct.pool(1).unwrap()), Ok(()));
        let acct = UnifiedAccount { balances: &deposit[1..], positions: &positions };
        assert_eq!(check_pool_exhausted(&acct.pool(0).unwrap()), Ok(()));
        let open = [PerpPosition::cross(0, Size(1), Quote(-3))];
        assert_eq!(
            check_pool_exhausted(&UnifiedAccount { balances: &[], positions: &open }.pool(0).unwrap()),
            Err(Error::AccountNotExhausted)
        );
    }
}
