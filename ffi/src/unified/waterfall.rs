//! The bankruptcy waterfall (the core's `unified::waterfall`): a deficit
//! left once a pool is exhausted, absorbed step by step (insurance fund,
//! backstop, socialized loss, auto-deleveraging) with a ledger of who pays
//! whom: `partliq_resolve_deficit`, and the socialized loss's figures
//! (`partliq_socialized_delta`, `partliq_socialized_charge`,
//! `partliq_haircut_index`, `partliq_haircut_balance`).

use partliq::escalation::{InsuranceFundBook, InsuranceFunds};
use partliq::num::Size;
use partliq::unified::{
    haircut_balance, haircut_index, resolve_deficit, socialized_charge, socialized_delta, Deficit, FundId, FundScope, LedgerEntry,
    LedgerUnit, MarginBook, Party, Socialization, StepUse, WaterfallContext, WaterfallOutcome, WaterfallPolicy, WaterfallStep,
    MAX_LEDGER_ENTRIES, MAX_WATERFALL_STEPS,
};

use crate::asset::partliq_asset;
use crate::boundary::{decode, Castable, OK};
use crate::escalation::{fund_out, partliq_insurance_fund};
use crate::status::*;
use crate::unified::PARTLIQ_NO_INDEX;

/// Most steps in a waterfall policy (the core's `MAX_WATERFALL_STEPS`).
pub const PARTLIQ_MAX_WATERFALL_STEPS: usize = 4;
/// Most entries one resolved deficit writes to the ledger (the core's
/// `MAX_LEDGER_ENTRIES`).
pub const PARTLIQ_MAX_LEDGER_ENTRIES: usize = 6;

const _: () = assert!(PARTLIQ_MAX_WATERFALL_STEPS == MAX_WATERFALL_STEPS && PARTLIQ_MAX_LEDGER_ENTRIES == MAX_LEDGER_ENTRIES);

/// A step of the waterfall (`partliq_waterfall_policy.steps`); any other
/// value: `INVALID_ENUM`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_waterfall_step {
    /// The insurance fund, down to its floor.
    InsuranceFund = 0,
    /// The backstop, up to its capacity.
    Backstop = 1,
    /// Spread over the market's open interest (a perp deficit) or the
    /// asset's depositors (a spot deficit).
    SocializedLoss = 2,
    /// Closed against the counterparties.
    AutoDeleverage = 3,
}

/// Which fund a perp deficit draws on (`partliq_waterfall_policy.fund_scope`);
/// any other value: `INVALID_ENUM`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_fund_scope {
    /// The exchange-wide fund.
    Global = 0,
    /// The market's own fund when it has one, else the exchange-wide fund.
    PerMarket = 1,
}

/// What a deficit is owed in (`partliq_deficit.kind`); any other value:
/// `INVALID_ENUM`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_deficit_kind {
    /// A perp's negative cash, quote units; `index` is the market.
    Perp = 0,
    /// A borrow, smallest units of the asset; `index` is the asset.
    Spot = 1,
}

/// A party of a ledger entry (`partliq_party.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_party_kind {
    /// The bankrupt account.
    Account = 0,
    /// The liquidator (buys the asset the fund pays for).
    Liquidator = 1,
    /// An insurance fund: `index` is the market of its own fund, or
    /// `PARTLIQ_NO_INDEX` for the exchange-wide fund.
    InsuranceFund = 2,
    /// The backstop.
    Backstop = 3,
    /// The open interest of market `index`.
    SocializedPerp = 4,
    /// The depositors of asset `index`.
    SocializedDeposits = 5,
    /// The auto-deleveraged counterparties in market (or asset) `index`.
    AdlCounterparties = 6,
}

/// What a ledger entry counts (`partliq_ledger_unit.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_ledger_unit_kind {
    /// Quote units (`index` is `PARTLIQ_NO_INDEX`).
    Quote = 0,
    /// Smallest units of asset `index`.
    Asset = 1,
}

/// How the socialized step spread the loss (`partliq_socialization.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_socialization_kind {
    /// Not used.
    None = 0,
    /// Over a market's open interest (the `open_interest`, `delta`,
    /// `charged` and `surplus` fields).
    Perp = 1,
    /// Over an asset's depositors (the `deposits`, `old_index`,
    /// `new_index`, `deposits_after` and `surplus` fields).
    Spot = 2,
}

abi_enum!(partliq_waterfall_step => WaterfallStep {
    InsuranceFund => WaterfallStep::InsuranceFund,
    Backstop => WaterfallStep::Backstop,
    SocializedLoss => WaterfallStep::SocializedLoss,
    AutoDeleverage => WaterfallStep::AutoDeleverage,
});
abi_enum!(partliq_fund_scope => FundScope { Global => FundScope::Global, PerMarket => FundScope::PerMarket });
abi_enum!(partliq_deficit_kind => partliq_deficit_kind { Perp => partliq_deficit_kind::Perp, Spot => partliq_deficit_kind::Spot });

/// The steps a deficit goes through, in order.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_waterfall_policy {
    /// `partliq_waterfall_step`s; the first `step_count` are used (the
    /// others are ignored).
    pub steps: [u32; PARTLIQ_MAX_WATERFALL_STEPS],
    /// 1 to `PARTLIQ_MAX_WATERFALL_STEPS`; the last step used must always
    /// absorb (socialized loss or auto-deleveraging), no step twice:
    /// otherwise `INVALID_WATERFALL_POLICY`.
    pub step_count: u32,
    /// A `partliq_fund_scope`.
    pub fund_scope: u32,
}

/// A deficit left on an exhausted pool.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_deficit {
    /// A `partliq_deficit_kind`.
    pub kind: u32,
    /// The market (perp) or the asset (spot).
    pub index: u32,
    /// What is owed (> 0): quote units (perp) or units of the asset (spot).
    pub amount: i64,
}

/// A party of a ledger entry.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_party {
    /// A `partliq_party_kind`.
    pub kind: u32,
    /// The market or asset it names, else `PARTLIQ_NO_INDEX`.
    pub index: u32,
}

/// What a ledger entry counts.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_ledger_unit {
    /// A `partliq_ledger_unit_kind`.
    pub kind: u32,
    /// The asset, or `PARTLIQ_NO_INDEX` for quote.
    pub index: u32,
}

/// One transfer: `amount` (> 0) of `unit` from `from` to `to`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_ledger_entry {
    /// Who pays.
    pub from: partliq_party,
    /// Who receives.
    pub to: partliq_party,
    /// What is moved.
    pub unit: partliq_ledger_unit,
    /// How much (> 0).
    pub amount: i64,
}

/// What one step absorbed.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_step_use {
    /// A `partliq_waterfall_step`.
    pub step: u32,
    /// 0.
    pub reserved: u32,
    /// Units of the deficit it absorbed (≥ 0).
    pub absorbed: i64,
}

/// The socialized step's figures (zero where its kind does not use them).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_socialization {
    /// A `partliq_socialization_kind`.
    pub kind: u32,
    /// 0.
    pub reserved: u32,
    /// Perp: Σ |size| of the payers.
    pub open_interest: i64,
    /// Perp: the loss per unit of size, quote × 10⁻⁶, rounded up
    /// (`partliq_socialized_delta`).
    pub delta: i64,
    /// Perp: Σ of the payers' charges (`partliq_socialized_charge`).
    pub charged: i64,
    /// Spot: Σ of the depositors' balances before.
    pub deposits: i64,
    /// Spot: the deposit index before.
    pub old_index: i64,
    /// Spot: the deposit index after (`partliq_haircut_index`).
    pub new_index: i64,
    /// Spot: Σ of the balances after (`partliq_haircut_balance`).
    pub deposits_after: i64,
    /// What the rounding charged beyond the loss, credited to the fund.
    pub surplus: i64,
}

/// A resolved deficit (its ledger is in the caller's ledger array).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_waterfall_outcome {
    /// The steps run, in order (the first `step_count`).
    pub steps: [partliq_step_use; PARTLIQ_MAX_WATERFALL_STEPS],
    /// Steps run.
    pub step_count: u32,
    /// The fund drawn on: a market's own fund, or `PARTLIQ_NO_INDEX` for the
    /// exchange-wide fund.
    pub fund_market: u32,
    /// Quote units the fund paid.
    pub fund_paid: i64,
    /// Units left to auto-deleveraging.
    pub adl_residual: i64,
    /// The fund drawn on, after.
    pub fund_after: partliq_insurance_fund,
    /// The socialized step's figures.
    pub socialization: partliq_socialization,
    /// Entries written to the front of the ledger array.
    pub ledger_len: u32,
    /// 0.
    pub reserved: u32,
}

pin_layout!(partliq_waterfall_policy, size = 24, align = u32, { steps @ 0, step_count @ 16, fund_scope @ 20 });
pin_layout!(partliq_deficit, size = 16, align = i64, { kind @ 0, index @ 4, amount @ 8 });
pin_layout!(partliq_party, size = 8, align = u32, { kind @ 0, index @ 4 });
pin_layout!(partliq_ledger_unit, size = 8, align = u32, { kind @ 0, index @ 4 });
pin_layout!(partliq_ledger_entry, size = 32, align = i64, { from @ 0, to @ 8, unit @ 16, amount @ 24 });
pin_layout!(partliq_step_use, size = 16, align = i64, { step @ 0, reserved @ 4, absorbed @ 8 });
pin_layout!(partliq_socialization, size = 72, align = i64, {
    kind @ 0, reserved @ 4, open_interest @ 8, delta @ 16, charged @ 24, deposits @ 32, old_index @ 40, new_index @ 48,
    deposits_after @ 56, surplus @ 64,
});
pin_layout!(partliq_waterfall_outcome, size = 208, align = i64, {
    steps @ 0, step_count @ 64, fund_market @ 68, fund_paid @ 72, adl_residual @ 80, fund_after @ 88, socialization @ 128,
    ledger_len @ 200, reserved @ 204,
});

/// An `i128` figure of the core as the ABI's `i64` (`OVERFLOW` beyond).
fn wide(v: i128) -> Result<i64, partliq_status> {
    i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW)
}

impl partliq_waterfall_policy {
    /// The core's policy: `INVALID_WATERFALL_POLICY` for a count of 0 or
    /// above the most, `INVALID_ENUM` for an unnamed step or scope, then the
    /// core's checks.
    pub(crate) fn to_core(self) -> Result<WaterfallPolicy, partliq_status> {
        let n = usize::try_from(self.step_count).map_err(|_| PARTLIQ_STATUS_INVALID_WATERFALL_POLICY)?;
        let used = self.steps.get(..n).ok_or(PARTLIQ_STATUS_INVALID_WATERFALL_POLICY)?;
        let mut steps = [WaterfallStep::AutoDeleverage; MAX_WATERFALL_STEPS];
        for (slot, step) in steps.iter_mut().zip(used) {
            *slot = decode::<partliq_waterfall_step>(*step)?;
        }
        let scope = decode::<partliq_fund_scope>(self.fund_scope)?;
        WaterfallPolicy::new(steps.get(..n).unwrap_or(&[]), scope).map_err(status_of)
    }
}

impl partliq_deficit {
    /// The core's deficit (`INVALID_ENUM` for an unnamed kind).
    pub(crate) fn to_core(self) -> Result<Deficit, partliq_status> {
        let amount = i128::from(self.amount);
        Ok(match decode::<partliq_deficit_kind>(self.kind)? {
            partliq_deficit_kind::Perp => Deficit::Perp { market_index: self.index, loss: amount },
            partliq_deficit_kind::Spot => Deficit::Spot { asset_index: self.index, amount },
        })
    }

    /// The ABI's deficit of the core's (`OVERFLOW` for an amount beyond
    /// `i64`).
    pub(crate) fn of(d: &Deficit) -> Result<Self, partliq_status> {
        Ok(match *d {
            Deficit::Perp { market_index, loss } => {
                partliq_deficit { kind: partliq_deficit_kind::Perp as u32, index: market_index, amount: wide(loss)? }
            }
            Deficit::Spot { asset_index, amount } => {
                partliq_deficit { kind: partliq_deficit_kind::Spot as u32, index: asset_index, amount: wide(amount)? }
            }
        })
    }
}

fn fund_index(f: FundId) -> u32 {
    match f {
        FundId::Global => PARTLIQ_NO_INDEX,
        FundId::Market(m) => m,
    }
}

impl From<&Party> for partliq_party {
    fn from(p: &Party) -> Self {
        let (kind, index) = match *p {
            Party::Account => (partliq_party_kind::Account, PARTLIQ_NO_INDEX),
            Party::Liquidator => (partliq_party_kind::Liquidator, PARTLIQ_NO_INDEX),
            Party::InsuranceFund(f) => (partliq_party_kind::InsuranceFund, fund_index(f)),
            Party::Backstop => (partliq_party_kind::Backstop, PARTLIQ_NO_INDEX),
            Party::SocializedPerp(m) => (partliq_party_kind::SocializedPerp, m),
            Party::SocializedDeposits(a) => (partliq_party_kind::SocializedDeposits, a),
            Party::AdlCounterparties(i) => (partliq_party_kind::AdlCounterparties, i),
        };
        partliq_party { kind: kind as u32, index }
    }
}

impl From<&LedgerUnit> for partliq_ledger_unit {
    fn from(u: &LedgerUnit) -> Self {
        match *u {
            LedgerUnit::Quote => partliq_ledger_unit { kind: partliq_ledger_unit_kind::Quote as u32, index: PARTLIQ_NO_INDEX },
            LedgerUnit::Asset(a) => partliq_ledger_unit { kind: partliq_ledger_unit_kind::Asset as u32, index: a },
        }
    }
}

impl partliq_ledger_entry {
    /// The ABI's entry of the core's (`OVERFLOW` for an amount beyond `i64`).
    fn of(e: &LedgerEntry) -> Result<Self, partliq_status> {
        Ok(partliq_ledger_entry {
            from: partliq_party::from(&e.from),
            to: partliq_party::from(&e.to),
            unit: partliq_ledger_unit::from(&e.unit),
            amount: wide(e.amount)?,
        })
    }
}

impl partliq_socialization {
    fn of(s: &Socialization) -> Result<Self, partliq_status> {
        let none = partliq_socialization::default();
        Ok(match *s {
            Socialization::None => none,
            Socialization::Perp { open_interest, delta, charged, surplus } => partliq_socialization {
                kind: partliq_socialization_kind::Perp as u32,
                open_interest: wide(open_interest)?,
                delta: wide(delta)?,
                charged: wide(charged)?,
                surplus: wide(surplus)?,
                ..none
            },
            Socialization::Spot { deposits, old_index, new_index, deposits_after, surplus } => partliq_socialization {
                kind: partliq_socialization_kind::Spot as u32,
                deposits: wide(deposits)?,
                old_index: wide(old_index)?,
                new_index: wide(new_index)?,
                deposits_after: wide(deposits_after)?,
                surplus: wide(surplus)?,
                ..none
            },
        })
    }
}

impl partliq_waterfall_outcome {
    /// The ABI's outcome of the core's (`OVERFLOW` for a figure beyond
    /// `i64`).
    fn of(o: &WaterfallOutcome) -> Result<Self, partliq_status> {
        let mut steps = [partliq_step_use::default(); PARTLIQ_MAX_WATERFALL_STEPS];
        for (slot, u) in steps.iter_mut().zip(o.used()) {
            let StepUse { step, absorbed } = *u;
            *slot = partliq_step_use { step: step as u32, reserved: 0, absorbed: wide(absorbed)? };
        }
        Ok(partliq_waterfall_outcome {
            steps,
            step_count: u32::try_from(o.step_count).map_err(|_| PARTLIQ_STATUS_OVERFLOW)?,
            fund_market: fund_index(o.fund_id),
            fund_paid: wide(o.fund_paid)?,
            adl_residual: wide(o.adl_residual)?,
            fund_after: fund_out(&o.fund_after),
            socialization: partliq_socialization::of(&o.socialization)?,
            ledger_len: u32::try_from(o.ledger_len).map_err(|_| PARTLIQ_STATUS_OVERFLOW)?,
            reserved: 0,
        })
    }
}

/// Resolves a deficit left on an exhausted pool through the policy's steps,
/// in order, until it is absorbed whole:
///
/// * the insurance fund pays down to its floor (`fund`, the exchange-wide
///   fund, or for a perp deficit under `PARTLIQ_FUND_SCOPE_PER_MARKET` the
///   market's own fund `market_funds[m]` when `has_own[m]` is not 0); a
///   spot deficit's fund buys the asset from the liquidator at its price
///   (`assets`, `asset_prices`, as the book of `partliq_unified_pool_health`);
/// * the backstop takes up to `backstop_capacity` (≥ 0);
/// * the socialized loss charges the payers: `payers` are the signed sizes
///   of the market's open positions (perp) or the depositors' balances
///   (spot, each ≥ 0, at `deposit_index` > 0);
/// * auto-deleveraging takes the rest when any payer is left.
///
/// Writes the ledger (who pays whom, at most `PARTLIQ_MAX_LEDGER_ENTRIES`)
/// to the front of `ledger`, the fund drawn on, and `*out` — all only on
/// success; on any other status nothing is written, the funds included.
///
/// Statuses: the boundary's, `INVALID_ENUM` (deficit kind, a step, the
/// scope), `INVALID_WATERFALL_POLICY`, `NO_DEFICIT` (amount ≤ 0),
/// `NEGATIVE_CAPACITY` (backstop capacity, a depositor's balance),
/// `INVALID_DEPOSIT_INDEX`, `UNKNOWN_ASSET`, `MISSING_PRICE`,
/// `NEGATIVE_PRICE`, `INVALID_QUOTE_EXPONENT`, `STATE_TOO_SMALL` (`has_own`
/// names a market beyond `market_funds`), `DEFICIT_UNABSORBED` (the steps
/// did not absorb it: nobody left to charge), `LEDGER_TOO_SMALL`,
/// `INSURANCE_FUND_BELOW_FLOOR`, `OVERFLOW`.
///
/// # Safety
/// Each array pointer is NULL (only with length 0) or points to that many
/// initialised elements (`market_funds` writable); `deficit` and `policy`
/// point to initialised values; `fund` points to an initialised fund,
/// writable; `ledger` is NULL (only with length 0) or points to
/// `ledger_len` initialised entries (any values: they are only written);
/// `out` is NULL or valid for one write. No output overlaps another or an
/// input.
#[no_mangle]
pub unsafe extern "C" fn partliq_resolve_deficit(
    assets: *const partliq_asset,
    assets_len: usize,
    asset_prices: *const i64,
    asset_prices_len: usize,
    deficit: *const partliq_deficit,
    policy: *const partliq_waterfall_policy,
    fund: *mut partliq_insurance_fund,
    market_funds: *mut partliq_insurance_fund,
    market_funds_len: usize,
    has_own: *const u8,
    has_own_len: usize,
    backstop_capacity: i64,
    payers: *const i64,
    payers_len: usize,
    deposit_index: i64,
    ledger: *mut partliq_ledger_entry,
    ledger_len: usize,
    out: *mut partliq_waterfall_outcome,
) -> partliq_status {
    let assets = array_in!(assets, assets_len);
    let asset_prices = array_in!(asset_prices, asset_prices_len);
    let deficit = struct_in!(deficit);
    let policy = struct_in!(policy);
    let fund = struct_inout!(fund);
    let market_funds = array_out!(market_funds, market_funds_len);
    let has_own = array_in!(has_own, has_own_len);
    let payers = array_in!(payers, payers_len);
    let ledger = array_out!(ledger, ledger_len);
    out!(out);
    let book = MarginBook {
        assets: check!(Castable::cast_slice(assets)),
        asset_prices: check!(Castable::cast_slice(asset_prices)),
        ..MarginBook::perps(&[], &[])
    };
    let deficit = check!(deficit.to_core());
    let policy = check!(policy.to_core());
    let shared = check!(fund.cast_mut());
    let per_market = check!(Castable::cast_slice_mut(market_funds));
    let ctx = WaterfallContext {
        backstop_capacity: i128::from(backstop_capacity),
        payers,
        deposit_index: i128::from(deposit_index),
        book: &book,
    };
    let o = check!(resolve_core(&deficit, &policy, shared, per_market, has_own, &ctx, ledger));
    write_out!(out, o);
    OK
}

/// The core's waterfall, then the ABI's figures; the one fund it may have
/// changed is put back when a figure does not fit the ABI, so that nothing
/// is written unless the whole call succeeds. Kept out of the exported
/// function's frame (its staged ledger and outcome).
#[inline(never)]
fn resolve_core(
    deficit: &Deficit,
    policy: &WaterfallPolicy,
    shared: &mut InsuranceFundBook,
    per_market: &mut [InsuranceFundBook],
    has_own: &[u8],
    ctx: &WaterfallContext<'_>,
    ledger: &mut [partliq_ledger_entry],
) -> Result<partliq_waterfall_outcome, partliq_status> {
    let before = (*shared, market_of(deficit).and_then(|m| per_market.get(m).copied()));
    let mut staged = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
    let room = staged.get_mut(..ledger.len().min(MAX_LEDGER_ENTRIES)).ok_or(PARTLIQ_STATUS_OUT_OF_RANGE)?;
    let mut funds = InsuranceFunds { shared: &mut *shared, per_market: &mut *per_market, has_own };
    let o = resolve_deficit(deficit, policy, &mut funds, ctx, room).map_err(status_of)?;
    let figures = || -> Result<(partliq_waterfall_outcome, [partliq_ledger_entry; MAX_LEDGER_ENTRIES]), partliq_status> {
        let mut entries = [partliq_ledger_entry::default(); MAX_LEDGER_ENTRIES];
        for (slot, e) in entries.iter_mut().zip(staged.iter().take(o.ledger_len)) {
            *slot = partliq_ledger_entry::of(e)?;
        }
        Ok((partliq_waterfall_outcome::of(&o)?, entries))
    };
    match figures() {
        Ok((out, entries)) => {
            for (slot, e) in ledger.iter_mut().zip(entries.iter().take(o.ledger_len)) {
                *slot = *e;
            }
            Ok(out)
        }
        Err(s) => {
            *shared = before.0;
            if let (Some(m), Some(f)) = (market_of(deficit), before.1) {
                if let Some(slot) = per_market.get_mut(m) {
                    *slot = f;
                }
            }
            Err(s)
        }
    }
}

/// The market whose own fund a deficit may draw on.
fn market_of(d: &Deficit) -> Option<usize> {
    match *d {
        Deficit::Perp { market_index, .. } => usize::try_from(market_index).ok(),
        Deficit::Spot { .. } => None,
    }
}

/// A perp loss spread over an open interest: the loss per unit of size,
/// quote × 10⁻⁶, `⌈loss × 10⁶ / open_interest⌉`. Writes `*out` on success.
/// Statuses: `NO_DEFICIT` (loss ≤ 0), `DIVISION_BY_ZERO` (open interest 0),
/// `OVERFLOW` (also a figure beyond `int64_t`).
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_socialized_delta(loss: i64, open_interest: i64, out: *mut i64) -> partliq_status {
    out!(out);
    let d = core_try!(socialized_delta(i128::from(loss), i128::from(open_interest)));
    write_out!(out, check!(wide(d)));
    OK
}

/// What one position of signed `size` pays of a socialized loss of `delta`
/// per unit (`partliq_socialized_delta`): `⌈|size| × delta / 10⁶⌉`. Writes
/// `*out` on success. Statuses: `OVERFLOW`, `DIVISION_BY_ZERO`.
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_socialized_charge(size: i64, delta: i64, out: *mut i64) -> partliq_status {
    out!(out);
    let c = core_try!(socialized_charge(Size(size), i128::from(delta)));
    write_out!(out, check!(wide(c)));
    OK
}

/// A spot loss spread over an asset's deposits: the deposit index after,
/// `⌊index × (deposits − loss) / deposits⌋` (0 when the loss takes every
/// deposit). Writes `*out` on success. Statuses: `INVALID_DEPOSIT_INDEX`
/// (index ≤ 0), `NEGATIVE_CAPACITY` (deposits < 0), `NO_DEFICIT` (loss ≤
/// 0), `DIVISION_BY_ZERO` (no deposits), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_haircut_index(index: i64, deposits: i64, loss: i64, out: *mut i64) -> partliq_status {
    out!(out);
    let i = core_try!(haircut_index(i128::from(index), i128::from(deposits), i128::from(loss)));
    write_out!(out, check!(wide(i)));
    OK
}

/// A deposit of `balance` after the index moved from `old_index` to
/// `new_index`: `⌊balance × new_index / old_index⌋`. Writes `*out` on
/// success. Statuses: `INVALID_DEPOSIT_INDEX` (old index ≤ 0, new index <
/// 0), `NEGATIVE_CAPACITY` (balance < 0), `OVERFLOW`.
///
/// # Safety
/// `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_haircut_balance(balance: i64, old_index: i64, new_index: i64, out: *mut i64) -> partliq_status {
    out!(out);
    let b = core_try!(haircut_balance(i128::from(balance), i128::from(old_index), i128::from(new_index)));
    write_out!(out, check!(wide(b)));
    OK
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use partliq::num::Quote;

    const FUND: u32 = partliq_waterfall_step::InsuranceFund as u32;
    const BACKSTOP: u32 = partliq_waterfall_step::Backstop as u32;
    const SOCIAL: u32 = partliq_waterfall_step::SocializedLoss as u32;
    const ADL: u32 = partliq_waterfall_step::AutoDeleverage as u32;

    fn fund(balance: i64, floor: i64) -> partliq_insurance_fund {
        fund_out(&InsuranceFundBook::new(Quote(balance), Quote(floor)).unwrap())
    }

    fn policy(steps: &[u32], scope: partliq_fund_scope) -> partliq_waterfall_policy {
        let mut p = partliq_waterfall_policy { steps: [0; 4], step_count: u32::try_from(steps.len()).unwrap(), fund_scope: scope as u32 };
        p.steps[..steps.len()].copy_from_slice(steps);
        p
    }

    fn perp(loss: i64) -> partliq_deficit {
        partliq_deficit { kind: partliq_deficit_kind::Perp as u32, index: 0, amount: loss }
    }

    fn party(kind: partliq_party_kind, index: u32) -> partliq_party {
        partliq_party { kind: kind as u32, index }
    }

    fn quote(from: partliq_party, to: partliq_party, amount: i64) -> partliq_ledger_entry {
        partliq_ledger_entry { from, to, unit: partliq_ledger_unit { kind: 0, index: PARTLIQ_NO_INDEX }, amount }
    }

    const JUNK: partliq_ledger_entry = partliq_ledger_entry {
        from: partliq_party { kind: 9, index: 9 },
        to: partliq_party { kind: 9, index: 9 },
        unit: partliq_ledger_unit { kind: 9, index: 9 },
        amount: 9,
    };

    /// Resolves over slices (the assets empty: perp deficits only).
    #[allow(clippy::too_many_arguments)]
    fn resolve(
        d: &partliq_deficit,
        p: &partliq_waterfall_policy,
        shared: &mut partliq_insurance_fund,
        own: &mut [partliq_insurance_fund],
        has_own: &[u8],
        cap: i64,
        payers: &[i64],
        ledger: &mut [partliq_ledger_entry],
        out: &mut partliq_waterfall_outcome,
    ) -> partliq_status {
        // SAFETY: every pointer comes from a live slice or reference with its
        // length; the outputs are distinct borrows.
        unsafe {
            partliq_resolve_deficit(
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                d,
                p,
                shared,
                own.as_mut_ptr(),
                own.len(),
                has_own.as_ptr(),
                has_own.len(),
                cap,
                payers.as_ptr(),
                payers.len(),
                1_000_000,
                ledger.as_mut_ptr(),
                ledger.len(),
                out,
            )
        }
    }

    /// The core's case: the fund's room 700 − 100 = 600, then 400 over an
    /// open interest of 3 + 4 = 7: δ = ⌈400e6 / 7⌉ = 57,142,858; charges
    /// ⌈171.43⌉ = 172 and ⌈228.57⌉ = 229, Σ 401: surplus 1 to the fund.
    #[test]
    fn fund_then_socialized_loss() {
        let mut shared = fund(700, 100);
        let mut ledger = [JUNK; 4];
        let mut o = partliq_waterfall_outcome::default();
        let p = policy(&[FUND, SOCIAL], partliq_fund_scope::Global);
        assert_eq!(resolve(&perp(1_000), &p, &mut shared, &mut [], &[], 0, &[3, -4], &mut ledger, &mut o), OK);
        assert_eq!((o.step_count, o.steps[0].absorbed, o.steps[1].step, o.steps[1].absorbed), (2, 600, SOCIAL, 400));
        assert_eq!((o.fund_paid, o.adl_residual, o.fund_market, o.ledger_len), (600, 0, PARTLIQ_NO_INDEX, 3));
        let s = o.socialization;
        assert_eq!((s.kind, s.open_interest, s.delta, s.charged, s.surplus), (1, 7, 57_142_858, 401, 1));
        let g = party(partliq_party_kind::InsuranceFund, PARTLIQ_NO_INDEX);
        let acct = party(partliq_party_kind::Account, PARTLIQ_NO_INDEX);
        let social = party(partliq_party_kind::SocializedPerp, 0);
        assert_eq!(ledger, [quote(g, acct, 600), quote(social, acct, 400), quote(social, g, 1), JUNK]);
        assert_eq!((shared.balance, shared.total_debits, shared.total_credits), (101, 600, 1));
        assert_eq!(o.fund_after, shared);
    }

    /// Own fund 250 − 200 = 50, backstop 30, ADL the remaining 20.
    #[test]
    fn per_market_fund_backstop_then_adl() {
        let mut shared = fund(1_000_000, 0);
        let mut own = [fund(250, 200)];
        let mut ledger = [JUNK; 6];
        let mut o = partliq_waterfall_outcome::default();
        let p = policy(&[FUND, BACKSTOP, ADL], partliq_fund_scope::PerMarket);
        assert_eq!(resolve(&perp(100), &p, &mut shared, &mut own, &[1], 30, &[5], &mut ledger, &mut o), OK);
        let absorbed: Vec<i64> = o.steps[..3].iter().map(|u| u.absorbed).collect();
        assert_eq!((absorbed, o.adl_residual, o.fund_market), (vec![50, 30, 20], 20, 0));
        assert_eq!((own[0].balance, shared.balance), (200, 1_000_000));
        assert_eq!(
            ledger[2],
            quote(party(partliq_party_kind::AdlCounterparties, 0), party(partliq_party_kind::Account, PARTLIQ_NO_INDEX), 20)
        );
    }

    #[test]
    fn refusals_write_nothing() {
        let f0 = fund(10, 0);
        let o0 = partliq_waterfall_outcome { ledger_len: 99, ..Default::default() };
        let run = |d: partliq_deficit, p: partliq_waterfall_policy, payers: &[i64], n: usize| {
            let (mut shared, mut ledger, mut o) = (f0, [JUNK; 6], o0);
            let s = resolve(&d, &p, &mut shared, &mut [], &[], 0, payers, &mut ledger[..n], &mut o);
            assert_eq!((shared, ledger, o), (f0, [JUNK; 6], o0), "written with status {s}");
            s
        };
        let good = policy(&[FUND, SOCIAL, ADL], partliq_fund_scope::Global);
        // Nobody to charge.
        assert_eq!(run(perp(25), good, &[0, 0], 6), PARTLIQ_STATUS_DEFICIT_UNABSORBED);
        assert_eq!(run(perp(0), good, &[1], 6), PARTLIQ_STATUS_NO_DEFICIT);
        assert_eq!(run(perp(-5), good, &[1], 6), PARTLIQ_STATUS_NO_DEFICIT);
        // Fund 10, then 15 over 3 + 4: δ = ⌈15e6 / 7⌉ = 2,142,858, charges
        // ⌈6.43⌉ + ⌈8.57⌉ = 16, a surplus of 1: 3 entries do not fit 2.
        assert_eq!(run(perp(25), good, &[3, -4], 2), PARTLIQ_STATUS_LEDGER_TOO_SMALL);
        assert_eq!(run(perp(25), policy(&[], partliq_fund_scope::Global), &[1], 6), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
        assert_eq!(run(perp(25), policy(&[FUND], partliq_fund_scope::Global), &[1], 6), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
        assert_eq!(run(perp(25), policy(&[SOCIAL, SOCIAL], partliq_fund_scope::Global), &[1], 6), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
        assert_eq!(run(perp(25), partliq_waterfall_policy { step_count: 5, ..good }, &[1], 6), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
        assert_eq!(
            run(perp(25), partliq_waterfall_policy { step_count: u32::MAX, ..good }, &[1], 6),
            PARTLIQ_STATUS_INVALID_WATERFALL_POLICY
        );
        assert_eq!(run(perp(25), policy(&[FUND, 4], partliq_fund_scope::Global), &[1], 6), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(perp(25), partliq_waterfall_policy { fund_scope: 2, ..good }, &[1], 6), PARTLIQ_STATUS_INVALID_ENUM);
        assert_eq!(run(partliq_deficit { kind: 2, ..perp(25) }, good, &[1], 6), PARTLIQ_STATUS_INVALID_ENUM);
        // A spot deficit whose asset is not in the (empty) book.
        let spot = partliq_deficit { kind: partliq_deficit_kind::Spot as u32, index: 0, amount: 5 };
        assert_eq!(run(spot, good, &[1], 6), PARTLIQ_STATUS_UNKNOWN_ASSET);
        assert_eq!(run(spot, policy(&[SOCIAL], partliq_fund_scope::Global), &[-1], 6), PARTLIQ_STATUS_NEGATIVE_CAPACITY);
        // Socialized over two positions of i64::MAX: δ = 1, each charged
        // ⌈9,223,372,036,854.78⌉, the fund credited the surplus — but the
        // open interest 2⁶⁴ − 2 does not fit the outcome: OVERFLOW, and the
        // fund is put back.
        assert_eq!(run(perp(1_000), policy(&[SOCIAL], partliq_fund_scope::Global), &[i64::MAX, i64::MAX], 6), PARTLIQ_STATUS_OVERFLOW);
        // NULL fund, ledger and out.
        let (mut ledger, mut o) = ([JUNK; 6], o0);
        let d = perp(1);
        // SAFETY: valid pointers but the NULL one under test.
        let s = unsafe {
            partliq_resolve_deficit(
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                &d,
                &good,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                0,
                core::ptr::null(),
                0,
                0,
                core::ptr::null(),
                0,
                1,
                ledger.as_mut_ptr(),
                6,
                &mut o,
            )
        };
        assert_eq!((s, ledger, o), (PARTLIQ_STATUS_NULL_POINTER, [JUNK; 6], o0));
    }

    #[test]
    fn socialized_and_haircut_figures() {
        let call = |f: &dyn Fn(*mut i64) -> partliq_status| {
            let mut v = -7i64;
            let s = f(&mut v);
            if s != OK {
                assert_eq!(v, -7, "written with status {s}");
            }
            (s, v)
        };
        // SAFETY: `p` is a live out-pointer.
        let delta = |l, oi| call(&|p| unsafe { partliq_socialized_delta(l, oi, p) });
        // SAFETY: `p` is a live out-pointer.
        let charge = |s, d| call(&|p| unsafe { partliq_socialized_charge(s, d, p) });
        // SAFETY: `p` is a live out-pointer.
        let index = |i, d, l| call(&|p| unsafe { partliq_haircut_index(i, d, l, p) });
        // SAFETY: `p` is a live out-pointer.
        let balance = |b, o, n| call(&|p| unsafe { partliq_haircut_balance(b, o, n, p) });
        // Drift's case: loss 100 over 7 + 4: δ = ⌈1e8 / 11⌉ = 9,090,910;
        // long 7 pays ⌈63.64⌉ = 64, short 4 ⌈36.36⌉ = 37.
        assert_eq!(delta(100, 11), (OK, 9_090_910));
        assert_eq!(charge(7, 9_090_910), (OK, 64));
        assert_eq!(charge(-4, 9_090_910), (OK, 37));
        assert_eq!(delta(0, 11).0, PARTLIQ_STATUS_NO_DEFICIT);
        assert_eq!(delta(5, 0).0, PARTLIQ_STATUS_DIVISION_BY_ZERO);
        assert_eq!(delta(i64::MAX, 1).0, PARTLIQ_STATUS_OVERFLOW);
        // D = 1,000, L = 7, I = 1,000,003: I' = ⌊1,000,003 × 993 / 1,000⌋ =
        // 993,002; 500 → ⌊496.499⌋ = 496.
        assert_eq!(index(1_000_003, 1_000, 7), (OK, 993_002));
        assert_eq!(balance(500, 1_000_003, 993_002), (OK, 496));
        assert_eq!(index(1_000_000, 5, 5), (OK, 0));
        assert_eq!(index(0, 5, 1).0, PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX);
        assert_eq!(index(1, 0, 1).0, PARTLIQ_STATUS_DIVISION_BY_ZERO);
        assert_eq!(index(1, -1, 1).0, PARTLIQ_STATUS_NEGATIVE_CAPACITY);
        assert_eq!(index(1, 5, 0).0, PARTLIQ_STATUS_NO_DEFICIT);
        assert_eq!(balance(-1, 1, 1).0, PARTLIQ_STATUS_NEGATIVE_CAPACITY);
        assert_eq!(balance(1, 0, 1).0, PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX);
        assert_eq!(balance(i64::MAX, 1, 2).0, PARTLIQ_STATUS_OVERFLOW);
        // SAFETY: NULL is refused before any write.
        assert_eq!(unsafe { partliq_haircut_balance(1, 1, 1, core::ptr::null_mut()) }, PARTLIQ_STATUS_NULL_POINTER);
    }
}
