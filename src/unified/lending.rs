//! Lending mode on a unified account: Aave v3's liquidation as a policy over
//! the account's token balances.
//!
//! A unified account's balances — deposits (> 0) and borrows (< 0) of
//! several assets — are exactly what a lending pool holds for a user: a
//! supply and a debt per reserve. This module runs the exact Aave v3.7
//! replica of [`crate::venues::aave_v3`] on them, so one engine can run
//! perps (margin mode, [`crate::unified::health`]) and lending (this mode)
//! on the same accounts and the same book. Nothing of Aave's arithmetic is
//! written again here: the module only maps the account and the book onto
//! the replica's reserves ([`LendingTerms`] carries what the book does not
//! have) and reads the replica's figures back as changes of the account's
//! balances.
//!
//! # The mapping
//!
//! * **Reserves.** Every asset the account holds becomes one reserve; a
//!   deposit is its supply, a borrow its debt (an account may hold both in
//!   one asset as two balances: each side is summed on its own, as Aave
//!   keeps supply and debt apart). The indexes are [`aave_v3::RAY`]: the
//!   balances are plain amounts, so scaled and actual balances coincide.
//! * **Values.** The book values `amount × price × 10^e` quote units; Aave
//!   values `amount × P / 10^d` base-currency units (USD with 8 decimals on
//!   its USD markets). With [`LendingTerms::base_exponent`] `k` (base units
//!   per quote unit `= 10^k`) the reserve gets `P / 10^d = price × 10^(e+k)`:
//!   `P = price × 10^(e+k), d = 0` when `e + k ≥ 0`, else `P = price,
//!   d = −(e+k)`. Every figure of the replica depends on the rational
//!   `P / 10^d` alone (each division is one exact `mul_div`), so the choice
//!   of `d` changes nothing. `k` must be such that Aave's fixed thresholds
//!   ($1,000 of leftover, $2,000 for the close factor, in 8-decimal base
//!   units) mean what they mean on Aave: with quote units of 10⁻⁸ USD,
//!   `k = 0`; with quote units of 10⁻⁶ USD (USDC's), `k = 2`.
//! * **Terms.** A threshold, bonus and fee in ppm, the project's unit for
//!   ratios, converted to Aave's basis points by an exact division by 100:
//!   a term that is not a whole number of bps is refused
//!   ([`Error::LendingTermNotWholeBps`]) rather than rounded.
//! * **Collateral.** A deposit counts as collateral when its asset's terms
//!   allow it ([`LendingTerms::collateral_enabled`]); the asset weights of
//!   the book ([`crate::asset::Asset`]) are margin mode's and are not read —
//!   the liquidation threshold plays their part.
//! * **Positions.** The account's perp positions are not part of a lending
//!   pool and are not read: the lending health is the balances'.
//!
//! # Figures
//!
//! The health factor is Aave's, a **WAD** (`10^18` is 1.0; [`i128::MAX`]
//! without debt, Aave's `type(uint256).max`), computed by
//! [`aave_v3::account_data`]. A liquidation is [`aave_v3::liquidation_call`]
//! with the liquidator receiving the seized collateral as a balance (Aave's
//! `receiveAToken = true`: a credit, not a withdrawal). Its outcome is one
//! [`AssetFlow`] per asset it touches — the account's balance change, what
//! the liquidator and the protocol receive (negative: pay) and the deficit
//! written off — and every flow is checked to sum to zero
//! ([`Error::LendingNotConserved`] otherwise, which would be a defect).
//!
//! # The least liquidation
//!
//! [`least_debt_to_cover`] finds the smallest `debtToCover` after which the
//! health factor is at least 1, by bisection over the replica itself. It
//! relies on the outcome's order along the amount (see its docs): partial
//! liquidations first, then those that break the dust rule, then those that
//! repay the whole reserve debt or seize the whole collateral. Among partial
//! amounts the floor of the seizure can make the health factor zigzag
//! within a rounding window the function computes; a scan of that window,
//! up to a caller's limit, makes the result exact, and the result says
//! whether it is ([`LeastDebtToCover::exact`]).
//!
//! A liquidation does not always raise the health factor. Seizing `r × b` of
//! collateral value (bonus `b`, threshold `l` of the collateral) to repay `r`
//! of debt value turns `HF = W / D` into `(W − r·b·l) / (D − r)`, which is
//! at least `HF` exactly when `HF ≥ b·l`. Below that, each partial
//! liquidation lowers the health factor (Aave's own partial-liquidation test
//! goes from 0.8495 to 0.8492 with `b·l = 0.903`), and only repaying the
//! whole debt — or seizing the whole collateral, writing the rest off as a
//! deficit — leaves a health factor of at least 1.
//!
//! Everything is `no_std`, allocation-free and panic-free: the reserves live
//! in fixed arrays on the stack (at most [`MAX_BALANCES`] assets, plus the
//! two the liquidation names).

use crate::asset::AssetBalance;
use crate::error::{Error, Result};
use crate::num::{add, div_round, mul, pow10, sub, Ppm, Rounding};
use crate::unified::{MarginBook, UnifiedAccount, MAX_BALANCES};
use crate::venues::aave_v3::{
    self, CloseFactorRule, DustCheck, Liquidation, LiquidationCall, Reserve, UserReserve, HEALTH_FACTOR_LIQUIDATION_THRESHOLD, MAX_DECIMALS,
};

/// ppm in one basis point: Aave's percentages are bps, partliq's ppm.
pub const PPM_PER_BPS: u32 = 100;

/// Most reserves one lending evaluation maps: every asset an account may
/// hold, plus the collateral and debt assets a liquidation names.
pub const MAX_LENDING_RESERVES: usize = MAX_BALANCES + 2;

/// An asset's lending parameters, one per asset of the book (the caller's
/// slice, `terms[i]` for `book.assets[i]`). Ratios are ppm and must be whole
/// basis points (multiples of [`PPM_PER_BPS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct LendingTerms {
    /// Liquidation threshold, at most 100 % (Aave's `8,600` bps = 86 % is
    /// `Ppm(860_000)`).
    pub liquidation_threshold: Ppm,
    /// Liquidation bonus *including* the repaid principal, at least 100 %
    /// (Aave's `10,500` bps, a 5 % bonus, is `Ppm(1_050_000)`).
    pub liquidation_bonus: Ppm,
    /// Share of the bonus paid to the protocol, at most 100 % (Aave's
    /// `liquidationProtocolFee`, `1,000` bps = 10 % is `Ppm(100_000)`).
    pub protocol_fee: Ppm,
    /// Whether a deposit of the asset counts as collateral (Aave's user
    /// collateral bit; an asset with a zero threshold should be `false`).
    pub collateral_enabled: bool,
    /// `k`: one quote unit of the book is `10^k` base-currency units (Aave's
    /// 8-decimal USD). The same for every asset of an account; `e + k` (with
    /// `e` the asset's quote exponent) in `[-38, 38]`.
    pub base_exponent: i32,
}

impl LendingTerms {
    /// Collateral-enabled terms with quote units as base units (`k = 0`).
    #[must_use]
    pub const fn new(liquidation_threshold: Ppm, liquidation_bonus: Ppm, protocol_fee: Ppm) -> Self {
        LendingTerms { liquidation_threshold, liquidation_bonus, protocol_fee, collateral_enabled: true, base_exponent: 0 }
    }

    /// The same terms with base-currency exponent `k`.
    #[must_use]
    pub const fn with_base_exponent(mut self, base_exponent: i32) -> Self {
        self.base_exponent = base_exponent;
        self
    }

    /// The same terms with the asset not usable as collateral (borrow only).
    #[must_use]
    pub const fn not_collateral(mut self) -> Self {
        self.collateral_enabled = false;
        self
    }

    /// Checks the terms, in this order: threshold and fee at most 100 %
    /// ([`Error::FractionAbove100Percent`]); bonus at least 100 %
    /// ([`Error::LendingBonusBelow100Percent`]); each a whole number of bps
    /// ([`Error::LendingTermNotWholeBps`]); Aave's configurator rule
    /// `percentMul(threshold, bonus) ≤ 100 %`
    /// ([`Error::LendingThresholdTimesBonusAbove100Percent`]); `k` in
    /// `[-38, 38]` ([`Error::InvalidBaseExponent`]).
    pub fn validate(&self) -> Result<()> {
        self.liquidation_threshold.at_most_one(Error::FractionAbove100Percent)?;
        self.protocol_fee.at_most_one(Error::FractionAbove100Percent)?;
        if self.liquidation_bonus < Ppm::ONE {
            return Err(Error::LendingBonusBelow100Percent);
        }
        let (threshold, bonus, _) = self.bps()?;
        if aave_v3::percent_mul(i128::from(threshold), i128::from(bonus))? > aave_v3::PERCENTAGE_FACTOR {
            return Err(Error::LendingThresholdTimesBonusAbove100Percent);
        }
        if self.base_exponent.unsigned_abs() > MAX_DECIMALS {
            return Err(Error::InvalidBaseExponent);
        }
        Ok(())
    }

    /// `(threshold, bonus, fee)` in bps, each exactly `ppm / 100`
    /// ([`Error::LendingTermNotWholeBps`] when one is not whole).
    pub fn bps(&self) -> Result<(u32, u32, u32)> {
        let one = |p: Ppm| {
            if p.0 % PPM_PER_BPS == 0 {
                Ok(p.0 / PPM_PER_BPS)
            } else {
                Err(Error::LendingTermNotWholeBps)
            }
        };
        Ok((one(self.liquidation_threshold)?, one(self.liquidation_bonus)?, one(self.protocol_fee)?))
    }
}

/// The lending health of an account: Aave's `calculateUserAccountData`
/// figures of its balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LendingHealth {
    /// Σ collateral values (each rounded down), base-currency units; only
    /// deposits of collateral-enabled assets count.
    pub total_collateral_base: i128,
    /// Σ debt values (each rounded up), base-currency units.
    pub total_debt_base: i128,
    /// Health factor, a WAD (`10^18` is 1.0): `Σ value × threshold / debt`
    /// (Aave's rounding); [`i128::MAX`] without debt.
    pub health_factor: i128,
    /// `health_factor < 1`: a liquidation is allowed.
    pub liquidatable: bool,
}

impl LendingHealth {
    fn of(a: &aave_v3::AccountData) -> Self {
        LendingHealth {
            total_collateral_base: a.total_collateral_base,
            total_debt_base: a.total_debt_base,
            health_factor: a.health_factor,
            liquidatable: a.health_factor < HEALTH_FACTOR_LIQUIDATION_THRESHOLD,
        }
    }
}

/// What a liquidation does to one asset, in the asset's smallest unit. The
/// four figures sum to zero (checked when the liquidation is planned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AssetFlow {
    /// The asset (index in the book's assets).
    pub asset_index: u32,
    /// Change of the account's signed balance in the asset: `+repaid` (and
    /// `+written off`) on the debt asset, `−seized` on the collateral asset.
    pub account: i128,
    /// What the liquidator receives (> 0: the collateral after the fee) or
    /// pays (< 0: the debt repaid).
    pub liquidator: i128,
    /// What the protocol receives: its share of the bonus.
    pub protocol: i128,
    /// Minus the debt written off as bad debt (the reserve's deficit, a loss
    /// of the asset's lenders).
    pub deficit: i128,
}

impl AssetFlow {
    /// `account + liquidator + protocol + deficit`: zero for every flow of a
    /// planned liquidation.
    pub fn net(&self) -> Result<i128> {
        add(add(self.account, self.liquidator)?, add(self.protocol, self.deficit)?)
    }
}

/// A planned lending liquidation: the replica's figures and the changes of
/// the account's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LendingLiquidation {
    /// The collateral asset seized.
    pub collateral_asset: u32,
    /// The debt asset repaid.
    pub debt_asset: u32,
    /// The account before.
    pub before: LendingHealth,
    /// The account after (its balances changed by the flows).
    pub after: LendingHealth,
    /// Aave's close factor: the most of the debt asset one call may repay.
    pub max_liquidatable_debt: i128,
    /// Which close-factor branch decided.
    pub close_factor_rule: CloseFactorRule,
    /// Debt the liquidator repays (debt asset).
    pub debt_repaid: i128,
    /// Collateral leaving the account: the liquidator's part plus the fee.
    pub collateral_seized: i128,
    /// Collateral the liquidator receives.
    pub collateral_to_liquidator: i128,
    /// Collateral the protocol receives.
    pub protocol_fee: i128,
    /// How the dust rule was met.
    pub dust: DustCheck,
    /// Debt written off, summed over assets in base-currency units (each
    /// rounded up); 0 unless the account's last collateral was seized.
    pub deficit_base: i128,
    /// The replica's own result (reserve indexes are those of the internal
    /// mapping, not the book's).
    pub aave: Liquidation,
    flows: [AssetFlow; MAX_LENDING_RESERVES],
    flow_count: usize,
}

impl LendingLiquidation {
    /// One flow per asset the liquidation touches (the collateral asset,
    /// the debt asset, and the assets whose debt is written off), in the
    /// order of the account's balances.
    #[must_use]
    pub fn flows(&self) -> &[AssetFlow] {
        self.flows.get(..self.flow_count).unwrap_or(&[])
    }

    /// The flow of one asset, if the liquidation touches it.
    #[must_use]
    pub fn flow(&self, asset_index: u32) -> Option<&AssetFlow> {
        self.flows().iter().find(|f| f.asset_index == asset_index)
    }
}

/// The least `debtToCover` that restores a health factor of at least 1
/// ([`least_debt_to_cover`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LeastDebtToCover {
    /// The amount to pass as `debt_to_cover` (debt asset's smallest unit).
    pub debt_to_cover: i128,
    /// Aave's close factor for the pair: the most one call may repay.
    pub max_liquidatable_debt: i128,
    /// The liquidation of `debt_to_cover` leaves a health factor ≥ 1;
    /// `false` when no amount found does (then `debt_to_cover` is the
    /// largest amount the pool accepts).
    pub restores: bool,
    /// The health factor after that liquidation (WAD).
    pub health_factor_after: i128,
    /// The result is proven the least amount that restores (or, with
    /// `restores` false, that no amount restores): false only when the
    /// rounding window below the search's result was wider than the scan
    /// limit (see [`least_debt_to_cover`]).
    pub exact: bool,
}

// ---------------------------------------------------------------------------
// The adapter: account and book as the replica's reserves
// ---------------------------------------------------------------------------

/// A placeholder for unused slots (never read: slices stop at `len`).
const UNUSED: Reserve = Reserve::new(1, 0, 0, 10_000, 0);

/// The account's balances as Aave reserves.
struct LendingPool {
    reserves: [Reserve; MAX_LENDING_RESERVES],
    user: [UserReserve; MAX_LENDING_RESERVES],
    assets: [u32; MAX_LENDING_RESERVES],
    len: usize,
    base_exponent: Option<i32>,
}

impl LendingPool {
    fn new() -> Self {
        LendingPool {
            reserves: [UNUSED; MAX_LENDING_RESERVES],
            user: [UserReserve::default(); MAX_LENDING_RESERVES],
            assets: [0; MAX_LENDING_RESERVES],
            len: 0,
            base_exponent: None,
        }
    }

    /// Maps the account's balances (positions are not read).
    fn build(account: &UnifiedAccount<'_>, book: &MarginBook<'_>, terms: &[LendingTerms]) -> Result<Self> {
        if account.balances.len() > MAX_BALANCES {
            return Err(Error::TooManyBalances);
        }
        if terms.len() < book.assets.len() {
            return Err(Error::LendingTermsTooShort);
        }
        let mut pool = LendingPool::new();
        for b in account.balances {
            pool.add_balance(b, book, terms)?;
        }
        Ok(pool)
    }

    fn reserves(&self) -> &[Reserve] {
        self.reserves.get(..self.len).unwrap_or(&[])
    }

    fn user(&self) -> &[UserReserve] {
        self.user.get(..self.len).unwrap_or(&[])
    }

    /// The slot of an asset, added (with no balance) when absent.
    fn slot(&mut self, asset_index: u32, book: &MarginBook<'_>, terms: &[LendingTerms]) -> Result<usize> {
        if let Some(i) = self.assets.get(..self.len).unwrap_or(&[]).iter().position(|a| *a == asset_index) {
            return Ok(i);
        }
        let reserve = self.reserve_for(asset_index, book, terms)?;
        let i = self.len;
        *self.reserves.get_mut(i).ok_or(Error::TooManyBalances)? = reserve;
        *self.user.get_mut(i).ok_or(Error::TooManyBalances)? = UserReserve::default();
        *self.assets.get_mut(i).ok_or(Error::TooManyBalances)? = asset_index;
        self.len = i.saturating_add(1);
        Ok(i)
    }

    /// The reserve of a book asset: `P / 10^d = price × 10^(e+k)`.
    fn reserve_for(&mut self, asset_index: u32, book: &MarginBook<'_>, terms: &[LendingTerms]) -> Result<Reserve> {
        let (asset, price) = book.asset(asset_index)?;
        let i = usize::try_from(asset_index).map_err(|_| Error::UnknownAsset)?;
        let t = terms.get(i).ok_or(Error::LendingTermsTooShort)?;
        t.validate()?;
        match self.base_exponent {
            Some(k) if k != t.base_exponent => return Err(Error::BaseExponentMismatch),
            _ => self.base_exponent = Some(t.base_exponent),
        }
        if !(-18..=18).contains(&asset.quote_exponent) {
            return Err(Error::InvalidQuoteExponent);
        }
        let x = asset.quote_exponent.checked_add(t.base_exponent).ok_or(Error::InvalidBaseExponent)?;
        if x.unsigned_abs() > MAX_DECIMALS {
            return Err(Error::InvalidBaseExponent);
        }
        let mantissa = i128::from(price.0);
        let (p, d) = if x >= 0 { (mul(mantissa, pow10(x.unsigned_abs())?)?, 0) } else { (mantissa, x.unsigned_abs()) };
        let (threshold, bonus, fee) = t.bps()?;
        Ok(Reserve::new(p, d, threshold, bonus, fee))
    }

    fn add_balance(&mut self, b: &AssetBalance, book: &MarginBook<'_>, terms: &[LendingTerms]) -> Result<()> {
        let i = self.slot(b.asset_index, book, terms)?;
        let enabled = self.collateral_enabled(b.asset_index, terms)?;
        let u = self.user.get_mut(i).ok_or(Error::TooManyBalances)?;
        let amount = i128::from(b.amount);
        if amount > 0 {
            u.scaled_collateral = add(u.scaled_collateral, amount)?;
            u.use_as_collateral = enabled;
        } else if amount < 0 {
            u.scaled_debt = sub(u.scaled_debt, amount)?;
        }
        Ok(())
    }

    fn collateral_enabled(&self, asset_index: u32, terms: &[LendingTerms]) -> Result<bool> {
        let i = usize::try_from(asset_index).map_err(|_| Error::UnknownAsset)?;
        Ok(terms.get(i).ok_or(Error::LendingTermsTooShort)?.collateral_enabled)
    }
}

/// Aave's `calculateUserAccountData` on the account's balances (see the
/// module docs for the mapping): collateral and debt in base-currency units
/// and the health factor (WAD). Only the terms, assets and prices of the
/// assets the account holds are read (and validated).
///
/// Errors: more than [`MAX_BALANCES`] balances ([`Error::TooManyBalances`]),
/// `terms` shorter than the assets ([`Error::LendingTermsTooShort`]), a
/// balance naming no asset ([`Error::UnknownAsset`]) or one without a price
/// ([`Error::MissingPrice`], [`Error::NegativePrice`]), invalid terms
/// ([`LendingTerms::validate`]), base exponents that differ
/// ([`Error::BaseExponentMismatch`]) or out of range
/// ([`Error::InvalidBaseExponent`]), overflow.
pub fn lending_health(account: &UnifiedAccount<'_>, book: &MarginBook<'_>, terms: &[LendingTerms]) -> Result<LendingHealth> {
    let pool = LendingPool::build(account, book, terms)?;
    Ok(LendingHealth::of(&aave_v3::account_data(pool.reserves(), pool.user())?))
}

// ---------------------------------------------------------------------------
// One liquidation
// ---------------------------------------------------------------------------

/// The pool, the pair and the replica's scratch outputs.
struct Run {
    pool: LendingPool,
    ci: usize,
    di: usize,
    after: [UserReserve; MAX_LENDING_RESERVES],
    deficits: [i128; MAX_LENDING_RESERVES],
}

impl Run {
    fn new(
        account: &UnifiedAccount<'_>,
        book: &MarginBook<'_>,
        terms: &[LendingTerms],
        collateral_asset: u32,
        debt_asset: u32,
    ) -> Result<Self> {
        let mut pool = LendingPool::build(account, book, terms)?;
        let ci = pool.slot(collateral_asset, book, terms)?;
        let di = pool.slot(debt_asset, book, terms)?;
        Ok(Run { pool, ci, di, after: [UserReserve::default(); MAX_LENDING_RESERVES], deficits: [0; MAX_LENDING_RESERVES] })
    }

    /// `liquidationCall(debt_to_cover)`; the liquidator receives the
    /// collateral as a balance (`receiveAToken`).
    fn call(&mut self, debt_to_cover: i128) -> Result<Liquidation> {
        let call = LiquidationCall { collateral_index: self.ci, debt_index: self.di, debt_to_cover, receive_a_token: true };
        let n = self.pool.len;
        let after = self.after.get_mut(..n).ok_or(Error::BufferTooSmall)?;
        let deficits = self.deficits.get_mut(..n).ok_or(Error::BufferTooSmall)?;
        aave_v3::liquidation_call(self.pool.reserves(), self.pool.user(), &call, after, deficits)
    }

    /// The outcome of `debt_to_cover`, classified along the amount.
    fn outcome(&mut self, debt_to_cover: i128) -> Result<Outcome> {
        match self.call(debt_to_cover) {
            Ok(l) => Ok(Outcome {
                class: if l.dust == DustCheck::LeftoversAboveMinimum { Class::Partial } else { Class::Whole },
                capped: l.quote.capped_by_balance,
                health_factor: l.account_after.health_factor,
            }),
            Err(e) if e == aave_v3::ERR_MUST_NOT_LEAVE_DUST => Ok(Outcome { class: Class::Dust, capped: false, health_factor: 0 }),
            Err(e) => Err(e),
        }
    }

    /// The flows of the last successful [`Run::call`], merged per asset and
    /// checked for conservation.
    fn flows(&self, l: &Liquidation) -> Result<([AssetFlow; MAX_LENDING_RESERVES], usize, i128)> {
        let mut flows = [AssetFlow::default(); MAX_LENDING_RESERVES];
        let mut count = 0usize;
        let mut deficit_base = 0i128;
        for i in 0..self.pool.len {
            let (before, after) = (pick(self.pool.user(), i)?, pick(&self.after, i)?);
            let reserve = pick(self.pool.reserves(), i)?;
            // RAY indexes: scaled balances are the amounts.
            let account = sub(sub(after.scaled_collateral, before.scaled_collateral)?, sub(after.scaled_debt, before.scaled_debt)?)?;
            let mut f = AssetFlow { asset_index: *pick(&self.pool.assets, i)?, account, ..AssetFlow::default() };
            if i == self.ci {
                f.liquidator = add(f.liquidator, l.collateral_to_liquidator)?;
                f.protocol = l.protocol_fee;
            }
            if i == self.di {
                f.liquidator = sub(f.liquidator, l.debt_repaid)?;
            }
            let written_off = *pick(&self.deficits, i)?;
            f.deficit = sub(0, written_off)?;
            deficit_base = add(deficit_base, reserve.debt_value(written_off)?)?;
            if f.net()? != 0 {
                return Err(Error::LendingNotConserved);
            }
            if f != (AssetFlow { asset_index: f.asset_index, ..AssetFlow::default() }) {
                *flows.get_mut(count).ok_or(Error::BufferTooSmall)? = f;
                count = count.saturating_add(1);
            }
        }
        Ok((flows, count, deficit_base))
    }
}

fn pick<T>(s: &[T], i: usize) -> Result<&T> {
    s.get(i).ok_or(Error::UnknownAsset)
}

/// Where an amount falls: the three kinds come in this order as the amount
/// grows (the leftovers shrink with it, and repaying the whole reserve debt
/// or seizing the whole collateral, once reached, stays reached). Among
/// whole ones, those that seize exactly the balance or repay exactly the
/// reserve debt (the amount repaid is `x`) come before those where the
/// seizure is capped by the balance (the amount repaid is recomputed from
/// the balance, the same for every `x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Accepted, leaving at least $1,000 of debt and collateral.
    Partial,
    /// Refused by the dust rule.
    Dust,
    /// Accepted, repaying the reserve's whole debt or seizing its whole
    /// collateral.
    Whole,
}

#[derive(Debug, Clone, Copy)]
struct Outcome {
    class: Class,
    /// The seizure was capped by the balance (the outcome no longer
    /// depends on the amount).
    capped: bool,
    health_factor: i128,
}

impl Outcome {
    fn restores(&self) -> bool {
        self.class != Class::Dust && self.health_factor >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD
    }
}

/// Aave's `liquidationCall` on the account's balances: repay up to
/// `debt_to_cover` of `debt_asset` (smallest units; [`i128::MAX`] for "as
/// much as allowed") and seize `collateral_asset` with the bonus, after the
/// close factor, the protocol fee, the dust rule and the deficit — every
/// figure the replica's ([`aave_v3::liquidation_call`], the liquidator
/// receiving the collateral as a balance).
///
/// The result's [`LendingLiquidation::flows`] are the changes to apply: the
/// account's balance of each asset changes by `account`, the liquidator's
/// by `liquidator`, the protocol's by `protocol`; `deficit` is the bad debt
/// written off, and each asset's four figures sum to zero.
///
/// Errors: those of [`lending_health`]; a pair naming no asset
/// ([`Error::UnknownAsset`]); then Aave's, in its order: health factor not
/// below 1 ([`Error::NotLiquidatable`]), collateral not enabled or not held
/// ([`Error::CollateralNotEnabled`]), no debt in the debt asset
/// ([`Error::NotBorrowed`]), dust ([`Error::MustNotLeaveDust`]);
/// [`Error::OutOfRange`] for a negative `debt_to_cover`.
pub fn plan_lending_liquidation(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    terms: &[LendingTerms],
    collateral_asset: u32,
    debt_asset: u32,
    debt_to_cover: i128,
) -> Result<LendingLiquidation> {
    let mut run = Run::new(account, book, terms, collateral_asset, debt_asset)?;
    let l = run.call(debt_to_cover)?;
    let (flows, flow_count, deficit_base) = run.flows(&l)?;
    Ok(LendingLiquidation {
        collateral_asset,
        debt_asset,
        before: LendingHealth::of(&l.account_before),
        after: LendingHealth::of(&l.account_after),
        max_liquidatable_debt: l.close_factor.max_liquidatable_debt,
        close_factor_rule: l.close_factor.rule,
        debt_repaid: l.debt_repaid,
        collateral_seized: add(l.collateral_to_liquidator, l.protocol_fee)?,
        collateral_to_liquidator: l.collateral_to_liquidator,
        protocol_fee: l.protocol_fee,
        dust: l.dust,
        deficit_base,
        aave: l,
        flows,
        flow_count,
    })
}

// ---------------------------------------------------------------------------
// The least liquidation
// ---------------------------------------------------------------------------

/// Bisection: with `holds(lo)` false and `holds(hi)` true (`lo < hi`), an
/// `x` in `(lo, hi]` with `holds(x)` and not `holds(x − 1)`.
fn bisect(run: &mut Run, mut lo: i128, mut hi: i128, holds: impl Fn(&Outcome) -> bool) -> Result<i128> {
    while sub(hi, lo)? > 1 {
        let mid = add(lo, div_round(sub(hi, lo)?, 2, Rounding::Floor)?)?;
        if holds(&run.outcome(mid)?) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

impl Run {
    /// `⌈N / slope⌉` (see [`least_debt_to_cover`]): every partial amount
    /// that restores lies less than this many units below any partial
    /// amount that does not. `None` when the exact health factor does not
    /// rise with the amount (`l·b ≥ 100 %`) or the bound does not fit.
    fn rounding_window(&self, total_debt_base: i128) -> Option<i128> {
        let (cr, dr) = (pick(self.pool.reserves(), self.ci).ok()?, pick(self.pool.reserves(), self.di).ok()?);
        let (l, b) = (i128::from(cr.liquidation_threshold), i128::from(cr.liquidation_bonus));
        let bps = aave_v3::PERCENTAGE_FACTOR;
        // slope × 10⁴ / P_d = 10⁸ − l·B
        let slope = sub(mul(bps, bps).ok()?, mul(l, b).ok()?).ok()?;
        if slope <= 0 {
            return None;
        }
        // N × 10⁴ = l·(10⁴ + B)·P_c + 10⁴·(l + 10⁴) + 10⁴·D / (2·10¹⁸), each rounded up
        let seize = crate::num::mul_div_wide(mul(l, add(bps, b).ok()?).ok()?, cr.price, cr.unit().ok()?, Rounding::Ceil).ok()?;
        let values = mul(bps, add(l, bps).ok()?).ok()?;
        let wad = div_round(total_debt_base, 200_000_000_000_000, Rounding::Ceil).ok()?;
        let n = add(add(seize, values).ok()?, wad).ok()?;
        crate::num::mul_div_wide(n, dr.unit().ok()?, mul(dr.price, slope).ok()?, Rounding::Ceil).ok()
    }

    /// The least partial amount below `y` (a partial amount that does not
    /// restore, or 0) that restores, scanning the rounding window below
    /// `y`; with whether the scan covered the window (`exact`).
    fn scan_below(&mut self, y: i128, total_debt_base: i128, scan_limit: u32) -> Result<(Option<(i128, Outcome)>, bool)> {
        if y <= 1 {
            return Ok((None, true));
        }
        let lo = match self.rounding_window(total_debt_base) {
            Some(w) => sub(y, w).map_or(1, |v| v.saturating_add(1).max(1)),
            None => 1,
        };
        if sub(y, lo)? > i128::from(scan_limit) {
            return Ok((None, false));
        }
        for x in lo..y {
            let o = self.outcome(x)?;
            if o.restores() {
                return Ok((Some((x, o)), true));
            }
        }
        Ok((None, true))
    }
}

/// The least `debt_to_cover` of `debt_asset` against `collateral_asset`
/// whose liquidation leaves a health factor of at least 1, within Aave's
/// close factor; when none does, the close-factor maximum (or, when the
/// dust rule refuses that, the largest amount below it the pool accepts)
/// with [`LeastDebtToCover::restores`] false.
///
/// The search runs the replica itself, on the order of the outcomes along
/// the amount `x`: partial liquidations (both leftovers ≥ $1,000), then
/// amounts the dust rule refuses, then whole ones (the whole reserve debt
/// repaid or the whole collateral seized) — first those that seize exactly
/// the balance (repaying `x`), then those capped by the balance (repaying
/// one recomputed amount for every `x`, which can be *less* than an exact
/// seizure's, so the last exact amount can restore where the cap does not).
///
/// 1. By bisection, the least `x` that is not partial or restores, and `y`,
///    the partial amount below it that does not restore.
/// 2. A scan of the rounding window below `y` (next paragraph) for a
///    smaller partial amount that restores.
/// 3. If neither step found a partial amount that restores, by bisection
///    among whole amounts, the least that restores or is capped: the answer
///    if it restores, else no amount restores.
///
/// **Exactness.** A whole amount's health factor grows with `x` until the
/// cap, then stays, so step 3 is exact. After a partial liquidation the
/// health factor is monotone in `x` in exact arithmetic (rising when
/// `HF ≥ bonus × threshold`), but the replica's floors add a term in
/// `(−(l + 10⁴), l·(1 + b)·P_c + D/(2·10¹⁸)]` to `W − 10⁴·D`
/// (threshold-weighted collateral in bps minus debt, base units; `l` the
/// collateral's threshold in bps, `b` its bonus as a fraction, `P_c`, `P_d`
/// the base value of one unit of the collateral and debt assets), whose
/// exact part grows by `P_d·(10⁴ − l·b)` per unit of `x`. So a partial
/// amount that restores lies less than
/// `N / slope = (l·(1 + b)·P_c + l + 10⁴ + D/(2·10¹⁸)) / (P_d·(10⁴ − l·b))`
/// units below any partial amount that does not. Below 1 unit (a unit of
/// debt worth well over a unit of collateral: collateral of 18 decimals
/// against a 6-decimal stablecoin) the bisection alone is exact; above it
/// (coarse collateral units: a satoshi against a stablecoin's smallest
/// unit) the floor of the seizure can make isolated smaller amounts
/// restore, and step 2 tries every amount of the window, at most
/// `scan_limit` of them (the whole range below `y` when `l·b ≥ 100 %`).
/// When the window is wider, step 2 is skipped and
/// [`LeastDebtToCover::exact`] is false: the result still restores and one
/// unit less does not (it leaves a health factor below 1 or is refused),
/// but a smaller amount, within the window below `y`, may restore too.
///
/// Errors: those of [`plan_lending_liquidation`] except the dust rule
/// (which the search steps around; [`Error::MustNotLeaveDust`] only when
/// the pool accepts no amount at all).
pub fn least_debt_to_cover(
    account: &UnifiedAccount<'_>,
    book: &MarginBook<'_>,
    terms: &[LendingTerms],
    collateral_asset: u32,
    debt_asset: u32,
    scan_limit: u32,
) -> Result<LeastDebtToCover> {
    let mut run = Run::new(account, book, terms, collateral_asset, debt_asset)?;
    // Aave's validations (health, collateral, debt) come before the dust
    // rule: a call of the whole amount raises them.
    let top = run.outcome(i128::MAX)?;
    let cf = aave_v3::close_factor(run.pool.reserves(), run.pool.user(), run.ci, run.di)?;
    let total_debt_base = aave_v3::account_data(run.pool.reserves(), run.pool.user())?.total_debt_base;
    let max = cf.max_liquidatable_debt;
    let answer = |x: i128, o: &Outcome, exact: bool| LeastDebtToCover {
        debt_to_cover: x,
        max_liquidatable_debt: max,
        restores: o.restores(),
        health_factor_after: o.health_factor,
        exact,
    };
    // Step 1: `first` (with its outcome), or none when the maximum itself is
    // partial and does not restore; `y` below it.
    let not_partial_or_restores = |o: &Outcome| o.class != Class::Partial || o.restores();
    let first = if not_partial_or_restores(&top) {
        let x = bisect(&mut run, 0, max, not_partial_or_restores)?;
        Some((x, run.outcome(x)?))
    } else {
        None
    };
    let y = match first {
        Some((x, _)) => sub(x, 1)?,
        None => max,
    };
    // Step 2.
    let (scanned, exact) = run.scan_below(y, total_debt_base, scan_limit)?;
    if let Some((x, o)) = scanned {
        return Ok(answer(x, &o, exact));
    }
    let Some((first, at_first)) = first else {
        return Ok(answer(max, &top, exact));
    };
    if at_first.class == Class::Partial {
        return Ok(answer(first, &at_first, exact));
    }
    // Step 3: `first` is the first amount that is not partial, `y` the last
    // partial one (or 0).
    let whole_restores_or_capped = |o: &Outcome| o.class == Class::Whole && (o.restores() || o.capped);
    if whole_restores_or_capped(&top) {
        let x = bisect(&mut run, y, max, whole_restores_or_capped)?;
        let o = run.outcome(x)?;
        if o.restores() {
            return Ok(answer(x, &o, exact));
        }
    }
    if top.class != Class::Dust {
        return Ok(answer(max, &top, exact));
    }
    if y < 1 {
        return Err(aave_v3::ERR_MUST_NOT_LEAVE_DUST);
    }
    let o = run.outcome(y)?;
    Ok(answer(y, &o, exact))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::Asset;
    use crate::num::Price;

    const E8: i64 = 100_000_000;

    /// 86 % threshold, 105 % bonus, 10 % fee: Aave's testnet listing.
    fn terms() -> LendingTerms {
        LendingTerms::new(Ppm(860_000), Ppm(1_050_000), Ppm(100_000))
    }

    fn book<'a>(assets: &'a [Asset], prices: &'a [Price]) -> MarginBook<'a> {
        MarginBook { markets: &[], prices: &[], funding_indexes: &[], perp_risk: &[], assets, asset_prices: prices }
    }

    #[test]
    fn terms_validation() {
        assert_eq!(terms().validate(), Ok(()));
        assert_eq!(terms().bps(), Ok((8_600, 10_500, 1_000)));
        let t = |lt: u32, b: u32, f: u32| LendingTerms::new(Ppm(lt), Ppm(b), Ppm(f)).validate();
        assert_eq!(t(1_000_001, 1_000_000, 0), Err(Error::FractionAbove100Percent));
        assert_eq!(t(0, 1_000_000, 1_000_001), Err(Error::FractionAbove100Percent));
        assert_eq!(t(800_000, 999_900, 0), Err(Error::LendingBonusBelow100Percent));
        assert_eq!(t(860_050, 1_050_000, 0), Err(Error::LendingTermNotWholeBps));
        assert_eq!(t(860_000, 1_050_001, 0), Err(Error::LendingTermNotWholeBps));
        assert_eq!(t(860_000, 1_050_000, 1), Err(Error::LendingTermNotWholeBps));
        // percentMul(9,600, 10,500) = 10,080 > 10,000; (9,500 × 10,500 = 9,975 passes)
        assert_eq!(t(960_000, 1_050_000, 0), Err(Error::LendingThresholdTimesBonusAbove100Percent));
        assert_eq!(t(950_000, 1_050_000, 0), Ok(()));
        assert_eq!(terms().with_base_exponent(39).validate(), Err(Error::InvalidBaseExponent));
        assert_eq!(terms().with_base_exponent(-38).validate(), Ok(()));
    }

    /// USD quote units of 10⁻⁸ (k = 0): a $1 stable with 6 decimals (e = 2:
    /// 1 wei = 100 base units) and a coin of 8 decimals at $20,000 (price
    /// 20,000 with e = 0 per satoshi-like unit: 1 unit = 20,000 base units).
    #[test]
    fn health_by_hand() {
        let assets = [Asset::at_par(2), Asset::at_par(0)];
        let prices = [Price(1), Price(20_000)];
        let terms = [terms(), terms()];
        // 1 coin (1e8 units) deposited, 15,000 stable (15,000e6 wei) borrowed.
        let balances = [AssetBalance { asset_index: 1, amount: E8 }, AssetBalance { asset_index: 0, amount: -15_000_000_000 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let h = lending_health(&account, &book(&assets, &prices), &terms).unwrap();
        // collateral 1e8 × 20,000 = 2e12 ($20,000); debt 15,000e6 × 100 = 1.5e12;
        // HF: wadDiv(2e12 × 8,600, 1.5e12) = 1.72e16 × 1e18 / 1.5e12
        // = 11,466,666,666,666,666,666,666.67 → …667 (half up), then / 1e4 floor
        // → 1,146,666,666,666,666,666.
        assert_eq!(h.total_collateral_base, 2_000_000_000_000);
        assert_eq!(h.total_debt_base, 1_500_000_000_000);
        assert_eq!(h.health_factor, 1_146_666_666_666_666_666);
        assert!(!h.liquidatable);
        // Borrow only: the coin no longer counts → collateral 0, HF 0.
        let only = [terms[0], terms[1].not_collateral()];
        let h = lending_health(&account, &book(&assets, &prices), &only).unwrap();
        assert_eq!((h.total_collateral_base, h.health_factor, h.liquidatable), (0, 0, true));
        // No debt: HF = MAX.
        let account = UnifiedAccount { balances: &balances[..1], positions: &[] };
        let h = lending_health(&account, &book(&assets, &prices), &terms).unwrap();
        assert_eq!((h.total_debt_base, h.health_factor, h.liquidatable), (0, i128::MAX, false));
    }

    /// A negative combined exponent goes to the decimals: e = −6, k = 2 (USD
    /// quote units of 10⁻⁶) values 1 unit at price 3 as 3 × 10⁻⁴ base units,
    /// so 10,000 units are worth exactly 3 base units, 9,999 units 2 (down).
    #[test]
    fn base_exponent_scales_values() {
        let assets = [Asset::at_par(-6)];
        let prices = [Price(3)];
        let terms = [terms().with_base_exponent(2)];
        let value = |amount: i64| {
            let balances = [AssetBalance { asset_index: 0, amount }];
            let account = UnifiedAccount { balances: &balances, positions: &[] };
            lending_health(&account, &book(&assets, &prices), &terms).unwrap().total_collateral_base
        };
        assert_eq!(value(10_000), 3);
        assert_eq!(value(9_999), 2);
        // The same asset with k = 0 and k = 2 in one account is refused.
        let assets = [Asset::at_par(-6), Asset::at_par(-6)];
        let prices = [Price(3), Price(3)];
        let mixed = [terms[0], terms[0].with_base_exponent(0)];
        let balances = [AssetBalance { asset_index: 0, amount: 1 }, AssetBalance { asset_index: 1, amount: -1 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        assert_eq!(lending_health(&account, &book(&assets, &prices), &mixed), Err(Error::BaseExponentMismatch));
    }

    #[test]
    fn input_errors() {
        let assets = [Asset::at_par(0)];
        let prices = [Price(1)];
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 1 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        assert_eq!(lending_health(&account, &b, &[]), Err(Error::LendingTermsTooShort));
        let unknown = [AssetBalance { asset_index: 1, amount: 1 }];
        let acc = UnifiedAccount { balances: &unknown, positions: &[] };
        assert_eq!(lending_health(&acc, &b, &[terms()]), Err(Error::UnknownAsset));
        let many = [AssetBalance { asset_index: 0, amount: 1 }; MAX_BALANCES + 1];
        let acc = UnifiedAccount { balances: &many, positions: &[] };
        assert_eq!(lending_health(&acc, &b, &[terms()]), Err(Error::TooManyBalances));
        let zero = [Price(0)];
        assert_eq!(lending_health(&account, &book(&assets, &zero), &[terms()]), Err(Error::MissingPrice));
        let bad = [LendingTerms::new(Ppm(860_000), Ppm(1_000_050), Ppm(0))];
        assert_eq!(lending_health(&account, &b, &bad), Err(Error::LendingTermNotWholeBps));
        assert_eq!(plan_lending_liquidation(&account, &b, &[terms()], 0, 5, 1).unwrap_err(), Error::UnknownAsset);
    }

    /// Two $1 assets with 8 decimals (1 unit = 1 base unit, e = 0), LT 80 %,
    /// bonus 105 %, fee 10 % on the collateral: $10,000 collateral against
    /// $9,000 debt, HF = 0.8 × 10,000 / 9,000 = 0.888…
    fn dollars() -> ([Asset; 2], [Price; 2], [LendingTerms; 2]) {
        let t = LendingTerms::new(Ppm(800_000), Ppm(1_050_000), Ppm(100_000));
        ([Asset::at_par(0), Asset::at_par(0)], [Price(1), Price(1)], [t, t])
    }

    #[test]
    fn liquidation_by_hand() {
        let (assets, prices, terms) = dollars();
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 10_000 * E8 }, AssetBalance { asset_index: 1, amount: -9_000 * E8 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let l = plan_lending_liquidation(&account, &b, &terms, 0, 1, 1_000 * E8 as i128).unwrap();
        // HF = wadDiv(1e12 × 8,000, 9e11) / 1e4 = 0.888…889 half up → floor … = 888,888,888,888,888,888
        assert_eq!(l.before.health_factor, 888_888_888_888_888_888);
        // HF ≤ 0.95 → whole reserve debt allowed
        assert_eq!(l.max_liquidatable_debt, 9_000 * E8 as i128);
        assert_eq!(l.close_factor_rule, CloseFactorRule::HealthFactorAtOrBelowThreshold);
        // repay 1,000e8; seized floor(1,000e8 × 1.05) = 1,050e8; bonus part 1,050e8 −
        // floor(1,050e8 / 1.05) = 50e8; fee ceil(50e8 × 10 %) = 5e8; liquidator 1,045e8.
        assert_eq!(l.debt_repaid, 1_000 * E8 as i128);
        assert_eq!(l.collateral_seized, 1_050 * E8 as i128);
        assert_eq!((l.collateral_to_liquidator, l.protocol_fee), (1_045 * E8 as i128, 5 * E8 as i128));
        assert_eq!(l.dust, DustCheck::LeftoversAboveMinimum);
        // after: collateral 8,950e8, debt 8,000e8: HF = 0.8 × 8,950 / 8,000 = 0.895
        assert_eq!(l.after.health_factor, 895_000_000_000_000_000);
        assert_eq!(l.deficit_base, 0);
        let e8 = i128::from(E8);
        assert_eq!(
            l.flows(),
            &[
                AssetFlow { asset_index: 0, account: -1_050 * e8, liquidator: 1_045 * e8, protocol: 5 * e8, deficit: 0 },
                AssetFlow { asset_index: 1, account: 1_000 * e8, liquidator: -1_000 * e8, protocol: 0, deficit: 0 },
            ]
        );
        assert_eq!(l.flow(1).unwrap().account, 1_000 * e8);
        assert_eq!(l.flow(2), None);
    }

    /// Collateral $1,000, debt $2,000: the whole collateral is seized and the
    /// rest of the debt becomes deficit.
    #[test]
    fn deficit_by_hand() {
        let (assets, prices, terms) = dollars();
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 1_000 * E8 }, AssetBalance { asset_index: 1, amount: -2_000 * E8 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let l = plan_lending_liquidation(&account, &b, &terms, 0, 1, i128::MAX).unwrap();
        // seized 2,100e8 > 1,000e8 → capped: debt = ceil(1,000e8 / 1.05) = 95,238,095,239;
        // bonus part 1,000e8 − floor(95,238,095,238.09) = 4,761,904,762; fee ceil(476,190,476.2)
        // = 476,190,477; deficit 2,000e8 − 95,238,095,239 = 104,761,904,761.
        assert_eq!(l.debt_repaid, 95_238_095_239);
        assert_eq!(l.protocol_fee, 476_190_477);
        assert_eq!(l.collateral_to_liquidator, 100_000_000_000 - 476_190_477);
        assert_eq!(l.deficit_base, 104_761_904_761);
        assert_eq!(l.after.health_factor, i128::MAX);
        assert_eq!(
            l.flows(),
            &[
                AssetFlow { asset_index: 0, account: -100_000_000_000, liquidator: 99_523_809_523, protocol: 476_190_477, deficit: 0 },
                AssetFlow { asset_index: 1, account: 200_000_000_000, liquidator: -95_238_095_239, protocol: 0, deficit: -104_761_904_761 },
            ]
        );
    }

    /// HF = 0.8 × 20,000 / 17,000 = 0.941 ≥ b·l = 0.84: partial liquidations
    /// raise it. In exact arithmetic repaying `r` dollars gives 0.8 × (20,000 −
    /// 1.05 r) / (17,000 − r) ≥ 1 ⟺ r ≥ 1,000 / 0.16 = 6,250. In units, with
    /// x = 6,250e8 − j: seized = floor(1.05 x) = 6,562.5e8 − ⌈1.05 j⌉, so
    /// collateral C = 13,437.5e8 + ⌈1.05 j⌉ and debt D = 10,750e8 + j, and
    /// HF ≥ 1 ⟺ 8,000 C ≥ 10,000 D ⟺ ⌈1.05 j⌉ ≥ 1.25 j: true for j ≤ 4
    /// (⌈4.2⌉ = 5 ≥ 5), false for j = 5 (⌈5.25⌉ = 6 < 6.25) and beyond (the
    /// seizure's floor favours the account by up to one unit). Least x =
    /// 6,250e8 − 4, where 8,000 C = 10,000 D exactly: HF = 1.0.
    #[test]
    fn least_by_hand() {
        let (assets, prices, terms) = dollars();
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 20_000 * E8 }, AssetBalance { asset_index: 1, amount: -17_000 * E8 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        // Rounding window: slope = 10⁸ − 8,000 × 10,500 = 16e6 (× P_d = 1), N =
        // 8,000 × 20,500 × 1 + 10⁴ × 18,000 + ⌈1.7e12 / 2e14⌉ = 344,000,001 → 22 units:
        // the scan of the 21 amounts below the bisection's finds nothing smaller.
        let least = least_debt_to_cover(&account, &b, &terms, 0, 1, 21).unwrap();
        assert!(least.exact);
        assert_eq!(least.debt_to_cover, 625_000_000_000 - 4);
        let unscanned = least_debt_to_cover(&account, &b, &terms, 0, 1, 20).unwrap();
        assert_eq!((unscanned.debt_to_cover, unscanned.exact), (625_000_000_000 - 4, false));
        assert!(least.restores);
        assert_eq!(least.health_factor_after, 1_000_000_000_000_000_000);
        assert_eq!(least.max_liquidatable_debt, 17_000 * E8 as i128);
        let below = plan_lending_liquidation(&account, &b, &terms, 0, 1, 625_000_000_000 - 5).unwrap();
        assert!(below.after.health_factor < 1_000_000_000_000_000_000);
        assert_eq!(below.collateral_seized, 656_250_000_000 - 6);
    }

    /// Collateral $9,000 against $8,900 of debt: HF = 0.8 × 9,000 / 8,900 =
    /// 0.809 < b·l = 0.84, so every partial liquidation lowers the health
    /// factor and only a whole one restores it.
    #[test]
    fn least_when_partial_lowers_health() {
        let (assets, prices, terms) = dollars();
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 9_000 * E8 }, AssetBalance { asset_index: 1, amount: -8_900 * E8 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let least = least_debt_to_cover(&account, &b, &terms, 0, 1, 0).unwrap();
        // Repaying all 8,900e8 seizes 9,345e8 > 9,000e8: capped, all collateral
        // seized for ceil(9,000e8 / 1.05) = 857,142,857,143; the rest is deficit and
        // HF = MAX. The first amount that seizes everything is the least x with
        // floor(x × 1.05) ≥ 9,000e8: x = 857,142,857,143 (× 1.05 = 900,000,000,000.15).
        assert_eq!(least.debt_to_cover, 857_142_857_143);
        assert!(least.restores);
        assert_eq!(least.health_factor_after, i128::MAX);
        // One less leaves $0.00…: 857,142,857,142 × 1.05 = 899,999,999,999.1 → seized
        // 899,999,999,999, leftover 1 unit < $1,000: refused by the dust rule.
        assert_eq!(plan_lending_liquidation(&account, &b, &terms, 0, 1, 857_142_857_142).unwrap_err(), Error::MustNotLeaveDust);
    }

    /// Coarse collateral units: 38 units at $34.77 (3,476,666,667 base units
    /// each) against 73 units of debt at $15.74 (1,573,554,128), threshold
    /// 84.82 %, bonus 100 %: HF = 38 × 3,476,666,667 × 0.8482 / (73 ×
    /// 1,573,554,128) = 0.976. Repaying x seizes ⌊x × 0.45257⌋ units, so the
    /// floor gives the account ~0.9 units ($31) at x = 2 (seizes 0): HF after
    /// = 0.8482 × 132,113,333,346 / (71 × 1,573,554,128) = 1.003 — while x =
    /// 9 seizes 4 and leaves 0.9956. The bisection alone ends on the dust
    /// boundary (x = 10 is refused: 34 units = $1,182 of collateral but 63
    /// units = $991 of debt left) and finds only the whole debt (73).
    /// Rounding window: slope = 1,573,554,128 × (10⁸ − 84,820,000) =
    /// 23,886,551,663,040,000; N = 169,640,000 × 3,476,666,667 plus
    /// 184,820,000 plus 1 = 589,781,733,574,700,001 → ⌈24.69⌉ = 25 units
    /// below y = 9: the scan tries 1..=8 (8 amounts).
    #[test]
    fn least_with_coarse_collateral_units_scans_the_window() {
        let t = LendingTerms::new(Ppm(848_200), Ppm(1_000_000), Ppm(0));
        let assets = [Asset::at_par(0), Asset::at_par(0)];
        let prices = [Price(3_476_666_667), Price(1_573_554_128)];
        let b = book(&assets, &prices);
        let balances = [AssetBalance { asset_index: 0, amount: 38 }, AssetBalance { asset_index: 1, amount: -73 }];
        let account = UnifiedAccount { balances: &balances, positions: &[] };
        let hf = |x: i128| plan_lending_liquidation(&account, &b, &[t, t], 0, 1, x).map(|l| l.after.health_factor);
        assert_eq!(hf(1), Ok(989_078_440_593_804_176));
        assert_eq!(hf(2), Ok(1_003_009_122_855_688_742));
        assert_eq!(hf(9), Ok(995_585_535_597_710_783));
        assert_eq!(hf(10), Err(Error::MustNotLeaveDust));
        let scanned = least_debt_to_cover(&account, &b, &[t, t], 0, 1, 8).unwrap();
        assert_eq!(
            scanned,
            LeastDebtToCover {
                debt_to_cover: 2,
                max_liquidatable_debt: 73,
                restores: true,
                health_factor_after: 1_003_009_122_855_688_742,
                exact: true
            }
        );
        let unscanned = least_debt_to_cover(&account, &b, &[t, t], 0, 1, 7).unwrap();
        assert_eq!(
            unscanned,
            LeastDebtToCover { debt_to_cover: 73, max_liquidatable_debt: 73, restores: true, health_factor_after: i128::MAX, exact: false }
        );
    }

    #[test]
    fn least_errors_follow_aave() {
        let (assets, prices, terms) = dollars();
        let b = book(&assets, &prices);
        let healthy = [AssetBalance { asset_index: 0, amount: 10_000 * E8 }, AssetBalance { asset_index: 1, amount: -1_000 * E8 }];
        let account = UnifiedAccount { balances: &healthy, positions: &[] };
        assert_eq!(least_debt_to_cover(&account, &b, &terms, 0, 1, 0).unwrap_err(), Error::NotLiquidatable);
        let sick = [AssetBalance { asset_index: 0, amount: 10_000 * E8 }, AssetBalance { asset_index: 1, amount: -9_000 * E8 }];
        let account = UnifiedAccount { balances: &sick, positions: &[] };
        // The debt asset as collateral: holds none → CollateralNotEnabled.
        assert_eq!(least_debt_to_cover(&account, &b, &terms, 1, 1, 0).unwrap_err(), Error::CollateralNotEnabled);
        assert_eq!(least_debt_to_cover(&account, &b, &terms, 0, 0, 0).unwrap_err(), Error::NotBorrowed);
    }
}
