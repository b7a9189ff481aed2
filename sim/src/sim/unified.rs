//! Unified accounts in a policy's run: deposits and borrows of several
//! assets with haircuts, and perps, liquidated by
//! [`run_unified_liquidation`] leg by leg.
//!
//! Each pass, after the perp accounts, every unified account near its
//! maintenance level (a float pre-screen; the decision itself is exact) is
//! run through the pipeline up to `ticks_per_round` times:
//!
//! * resting orders are cancelled first;
//! * each leg of the plan is settled with [`settle_leg`] and booked on the
//!   account with [`AccountCopy::apply`]; the liquidator's side of each unit
//!   goes to the liquidators' holdings, the insurance fund's fee to the fund
//!   (quote to its book, an asset to its holdings of the asset), a perp
//!   reduction's counterparty side to the book. A perp reduction fills at
//!   its planned limit price; the book supplies the depth (it fills only as
//!   much as the book holds before the limit) and takes the market impact;
//! * a pool taken over goes to the fund whole: its positions to the backstop
//!   vault (the fund pays the vault their negative value, as for the perp
//!   accounts' transfers), its balances to the fund's holdings;
//! * a pool with nothing left that still owes hands each deficit to
//!   [`resolve_deficit`]: the insurance fund, then a socialized loss (every
//!   open position of the market pays its share of a perp deficit; the
//!   depositors of the asset, the outside lenders included, take a haircut
//!   for a borrow).
//!
//! Every unit is conserved: quote in the run's ledger, each asset in its
//! own (accounts + lenders + liquidators + fund).

use partliq::unified::{
    haircut_balance, ledger_balances, resolve_deficit, run_unified_liquidation, settle_leg, socialized_charge, AccountCopy, Deficit,
    FlowUnit, FundScope, LedgerEntry, LedgerUnit, LegKind, LegOrdering, LegSettlement, LiquidationTiers, MarginBook, Party, Socialization,
    UnifiedAccount, UnifiedDecision, UnifiedLeg, UnifiedLiquidationPolicy, WaterfallContext, WaterfallPolicy, WaterfallStep,
    MAX_LEDGER_ENTRIES, MAX_PLAN_LEGS,
};
use partliq::{Action, InsuranceFunds, Price, Quote, Size};
use serde::Serialize;

use super::{core, narrow, Run, SimError};
use crate::model::NOTIONAL_DIVISOR;

/// The deposit index handed to the waterfall: the haircut is applied to the
/// balances directly, so only the ratio of the new index to this one counts.
const DEPOSIT_INDEX: i128 = 1_000_000_000_000;

/// Decisions in a row that book nothing before the fund takes the account over.
const STALLED_STEPS: u32 = 2;

/// Figures of one leg kind. Money in micro-USD.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LegStats {
    /// Legs booked.
    pub count: u64,
    /// Unweighted value the accounts gave up (a perp reduction: the
    /// notional closed at the mark).
    pub value_liquidated: i64,
    /// Bonus, fees and band the accounts paid.
    pub cost_to_users: i64,
}

/// What a policy did to the unified accounts. Money in micro-USD.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnifiedReport {
    /// Unified accounts in the run.
    pub accounts: u64,
    /// Accounts with at least one leg booked, takeover or deficit.
    pub accounts_liquidated: u64,
    pub perp_reductions: LegStats,
    pub collateral_swaps: LegStats,
    pub pnl_for_borrow: LegStats,
    pub deposit_for_loss: LegStats,
    /// Σ over the leg kinds.
    pub value_liquidated: i64,
    /// Σ over the leg kinds.
    pub cost_to_users: i64,
    /// The insurance fund's share of the legs' fees (assets at their price).
    pub fees_to_fund: i64,
    /// Accounts whose resting orders were cancelled.
    pub orders_cancelled: u64,
    /// Perp legs the book could not fill at all before their limit.
    pub unfilled_perp_legs: u64,
    /// Perp legs the book filled only in part.
    pub partial_perp_legs: u64,
    /// Plans that needed more legs than a plan holds, planned again with
    /// the perps first (or, failing that, taken over).
    pub planner_fallbacks: u64,
    /// Perp fills beyond the bankruptcy price (the fund tops them up).
    pub bad_debt: i64,
    /// Pools taken over whole by the fund.
    pub takeovers: u64,
    /// Their negative equity (positions and balances at their prices).
    pub takeover_deficit: i64,
    /// Deficits handed to the waterfall.
    pub deficits: u64,
    /// What the insurance fund paid for them.
    pub deficits_to_fund: i64,
    /// What a socialized loss absorbed (assets at their price).
    pub deficits_socialized: i64,
    /// Deficits the waterfall carried past the insurance fund to a
    /// socialized loss (a perp loss shared by the market's open positions,
    /// or a haircut of the asset's depositors).
    pub socialized_losses: u64,
    /// Per asset at the end: what the liquidators hold (in the asset's
    /// units; negative: what they paid in).
    pub liquidator_holdings: Vec<i64>,
    /// Per asset at the end: what the fund holds (fees, takeovers).
    pub fund_holdings: Vec<i64>,
}

/// A payer of a socialized loss.
#[derive(Clone, Copy)]
enum Payer {
    /// Position `k` of perp account `i`.
    Perp(usize, usize),
    /// Position `k` of unified account `i`.
    Unified(usize, usize),
    /// The vault's position in the market.
    Vault(usize),
    /// Balance `k` of unified account `i`.
    Deposit(usize, usize),
    /// The outside lenders of the asset.
    Lenders(usize),
}

impl Run<'_> {
    /// Value of `amount` units of asset `a` at its price, micro-USD (down).
    fn asset_value(&self, a: usize, amount: i128) -> i128 {
        let e = self.w.assets[a].quote_exponent;
        let v = amount * i128::from(self.asset_prices[a].0);
        if e >= 0 {
            v * 10i128.pow(e as u32)
        } else {
            v.div_euclid(10i128.pow(e.unsigned_abs()))
        }
    }

    /// Unweighted equity of account `i` (balances and perps at their prices), micro-USD.
    fn unified_equity(&self, i: usize) -> i128 {
        let u = &self.uaccts[i];
        let mut e: i128 = 0;
        for b in &u.balances {
            e += self.asset_value(b.asset_index as usize, i128::from(b.amount));
        }
        for p in &u.positions {
            e += (i128::from(p.size.0) * i128::from(self.marks[p.market_index as usize].0)).div_euclid(NOTIONAL_DIVISOR)
                + i128::from(p.quote_balance.0);
        }
        e
    }

    /// Σ per asset over accounts, lenders, liquidators and the fund.
    pub(super) fn asset_totals(&self) -> Vec<i128> {
        let mut t: Vec<i128> =
            (0..self.asset_prices.len()).map(|a| self.liq_assets[a] + self.fund_assets[a] + i128::from(self.lenders[a])).collect();
        for u in &self.uaccts {
            for b in &u.balances {
                t[b.asset_index as usize] += i128::from(b.amount);
            }
        }
        t
    }

    /// Float pre-screen: true when account `i` may be below maintenance.
    fn unified_at_risk(&self, i: usize) -> bool {
        let u = &self.uaccts[i];
        let (mut health, mut gross) = (0.0f64, 0.0f64);
        for b in &u.balances {
            let a = &self.w.assets[b.asset_index as usize];
            let v = b.amount as f64 * self.asset_prices[b.asset_index as usize].0 as f64 * 10f64.powi(a.quote_exponent);
            let w = if b.amount > 0 { a.maintenance_asset_weight.0 } else { a.maintenance_liability_weight.0 };
            health += v * f64::from(w) / 1e6;
            gross += v.abs();
        }
        for p in &u.positions {
            let m = p.market_index as usize;
            let notional = p.size.0 as f64 * self.marks[m].0 as f64 / NOTIONAL_DIVISOR as f64;
            health += notional + p.quote_balance.0 as f64;
            let abs = notional.abs();
            let tiers = &self.w.float_tiers[m];
            let t = tiers.iter().rev().find(|t| abs >= t.0).unwrap_or(&tiers[0]);
            health -= abs * t.1 - t.2;
            gross += abs;
        }
        health < 0.001 * gross + 1e6
    }

    /// One pass over the unified accounts; true if anything was booked.
    pub(super) fn unified_pass(&mut self, ticks: u32) -> Result<bool, SimError> {
        let mut acted = false;
        for i in 0..self.uaccts.len() {
            if !self.u_in_liq[i] && !self.unified_at_risk(i) {
                continue;
            }
            for _ in 0..ticks {
                let (did, again) = self.unified_step(i)?;
                acted |= did;
                if !again {
                    break;
                }
            }
        }
        Ok(acted)
    }

    /// One decision for unified account `i`, carried out. Returns (anything
    /// booked, call again).
    fn unified_step(&mut self, i: usize) -> Result<(bool, bool), SimError> {
        let mut legs = [UnifiedLeg::default(); MAX_PLAN_LEGS];
        let d = match self.unified_decision(i, None, &mut legs) {
            Err(SimError::Core { error: partliq::Error::BufferTooSmall, .. }) => {
                // The plan needs more legs than a plan holds: once more with
                // the perps first (one greedy order, fewer legs); failing
                // that, the fund takes the account over.
                self.ustats.planner_fallbacks += 1;
                match self.unified_decision(i, Some(LegOrdering::PerpsFirst), &mut legs) {
                    Err(SimError::Core { error: partliq::Error::BufferTooSmall, .. }) => {
                        self.unified_takeover(i)?;
                        return Ok((true, false));
                    }
                    other => other?,
                }
            }
            other => other?,
        };
        match d.action {
            Action::None => {
                self.u_in_liq[i] = false;
                Ok((false, false))
            }
            Action::CancelOrders => {
                for p in self.uaccts[i].positions.iter_mut() {
                    p.open_bids = Size(0);
                    p.open_asks = Size(0);
                }
                self.ustats.orders_cancelled += 1;
                Ok((true, true))
            }
            Action::Liquidate => {
                self.u_in_liq[i] = true;
                let mut booked = false;
                for leg in &legs[..d.plan.leg_count] {
                    match self.book_unified_leg(i, *leg)? {
                        LegOutcome::Whole => booked = true,
                        LegOutcome::Part => {
                            booked = true;
                            break;
                        }
                        LegOutcome::Nothing => break,
                    }
                }
                if booked {
                    self.u_touched[i] = true;
                    self.u_stalled[i] = 0;
                    return Ok((true, true));
                }
                // Nothing booked: the book holds nothing before the legs'
                // limits. A bankrupt account, or one stalled for
                // `STALLED_STEPS` decisions, is taken over by the fund (as
                // the engine takes over what the book cannot close of a perp
                // account).
                self.u_stalled[i] += 1;
                if d.plan.health_after.equity.0 < 0 || self.unified_equity(i) < 0 || self.u_stalled[i] >= STALLED_STEPS {
                    self.unified_takeover(i)?;
                    return Ok((true, false));
                }
                Ok((false, false))
            }
            Action::Takeover | Action::Backstop => {
                self.unified_takeover(i)?;
                Ok((true, false))
            }
            Action::ResolveDeficit => {
                self.unified_deficits(i)?;
                Ok((true, false))
            }
        }
    }

    /// The pipeline's decision for account `i` (under another leg ordering
    /// when `ordering` is set).
    fn unified_decision(&self, i: usize, ordering: Option<LegOrdering>, legs: &mut [UnifiedLeg]) -> Result<UnifiedDecision, SimError> {
        let mut policy = self.unified_policy();
        if let Some(o) = ordering {
            policy.ordering = o;
        }
        let book = self.margin_book();
        let u = &self.uaccts[i];
        let account = UnifiedAccount { balances: &u.balances, positions: &u.positions };
        run_unified_liquidation(&account, 0, &book, &policy, self.u_in_liq[i], legs).map_err(core("run_unified_liquidation", i))
    }

    fn unified_policy(&self) -> UnifiedLiquidationPolicy<'_> {
        let t = self.pol.unified;
        UnifiedLiquidationPolicy {
            target: t.target,
            perp_band: t.perp_band,
            asset_fees: &self.w.asset_fees,
            objective: t.objective,
            ordering: t.ordering,
            tiers: LiquidationTiers { assets: &self.w.asset_tiers, markets: &self.w.market_tiers },
            take_over_bankrupt: t.take_over_bankrupt,
            search_budget_units: 0,
        }
    }

    fn margin_book(&self) -> MarginBook<'_> {
        MarginBook { assets: &self.w.assets, asset_prices: &self.asset_prices, ..MarginBook::perps(&self.markets, &self.marks) }
    }

    /// Settles `leg` on account `i` (None when its amount no longer fits).
    fn settle_unified(&self, i: usize, leg: &UnifiedLeg) -> Result<Option<LegSettlement>, SimError> {
        let policy = self.unified_policy();
        let book = self.margin_book();
        let u = &self.uaccts[i];
        let account = UnifiedAccount { balances: &u.balances, positions: &u.positions };
        match settle_leg(&account, 0, &book, &policy.terms(), leg) {
            Ok(s) => Ok(Some(s)),
            Err(partliq::Error::InvalidLegAmount) => Ok(None),
            Err(e) => Err(SimError::Core { what: "settle_leg", account: i, error: e }),
        }
    }

    /// Books one planned leg of account `i`.
    fn book_unified_leg(&mut self, i: usize, leg: UnifiedLeg) -> Result<LegOutcome, SimError> {
        let Some(mut s) = self.settle_unified(i, &leg)? else { return Ok(LegOutcome::Nothing) };
        let mut outcome = LegOutcome::Whole;
        if leg.kind == LegKind::ReducePerp {
            // The limit the leg was priced at, from its fill cash.
            let k = leg.position_index as usize;
            let m = self.uaccts[i].positions[k].market_index as usize;
            let size_delta = s.flows[0].account;
            let cash = i128::from(s.flows[1].counterparty).abs();
            let units = i128::from(size_delta).abs();
            let limit = if size_delta < 0 {
                (cash * NOTIONAL_DIVISOR).div_euclid(units)
            } else {
                (cash * NOTIONAL_DIVISOR + units - 1).div_euclid(units)
            };
            let lot = self.markets[m].lot_step.0;
            let Some(q) = self.books[m].quote(size_delta, narrow(limit), lot) else {
                self.ustats.unfilled_perp_legs += 1;
                return Ok(LegOutcome::Nothing);
            };
            if q.size_delta != size_delta {
                let Some(part) = self.settle_unified(i, &leg.with_amount(q.size_delta.abs()))? else {
                    self.ustats.unfilled_perp_legs += 1;
                    return Ok(LegOutcome::Nothing);
                };
                s = part;
                self.ustats.partial_perp_legs += 1;
                outcome = LegOutcome::Part;
            }
            self.books[m].commit(&q);
        }
        self.apply_unified(i, &s)?;
        Ok(outcome)
    }

    /// Books a settled leg: the account's side with [`AccountCopy::apply`],
    /// the others' to their holdings.
    fn apply_unified(&mut self, i: usize, s: &LegSettlement) -> Result<(), SimError> {
        if !s.flows.iter().all(|f| f.conserves()) {
            return Err(SimError::Setup(format!("a leg of unified account {i} does not conserve: {s:?}")));
        }
        {
            let u = &self.uaccts[i];
            let mut copy =
                AccountCopy::of(&UnifiedAccount { balances: &u.balances, positions: &u.positions }).map_err(core("AccountCopy::of", i))?;
            copy.apply(s).map_err(core("AccountCopy::apply", i))?;
            let after = copy.account();
            let (balances, positions) = (after.balances.to_vec(), after.positions.to_vec());
            let u = &mut self.uaccts[i];
            u.balances = balances;
            u.positions = positions;
        }
        for f in &s.flows {
            let x = f.index as usize;
            match f.unit {
                FlowUnit::None => {}
                FlowUnit::Asset => {
                    self.liq_assets[x] += i128::from(f.liquidator);
                    self.fund_assets[x] += i128::from(f.insurance_fund);
                    self.ustats.fees_to_fund += narrow(self.asset_value(x, i128::from(f.insurance_fund)));
                    if f.counterparty != 0 {
                        return Err(SimError::Setup(format!("an asset flow with a counterparty: {f:?}")));
                    }
                }
                FlowUnit::PositionQuote => {
                    self.u_liq_quote += i128::from(f.liquidator);
                    self.book_cash += i128::from(f.counterparty);
                    if f.insurance_fund >= 0 {
                        self.fund.credit(Quote(f.insurance_fund)).map_err(core("insurance fund", i))?;
                        self.ustats.fees_to_fund += f.insurance_fund;
                    } else {
                        // A fill beyond the bankruptcy price: the fund tops it up.
                        let cov = self.fund.cover(Quote(-f.insurance_fund)).map_err(core("insurance fund", i))?;
                        self.unrecovered += i128::from(cov.uncovered.0);
                        self.ustats.bad_debt -= f.insurance_fund;
                        self.note_fund();
                    }
                }
                FlowUnit::PositionSize => {
                    let m = self.uaccts[i].positions[x].market_index as usize;
                    self.book_size[m] += i128::from(f.counterparty);
                    if f.liquidator != 0 || f.insurance_fund != 0 {
                        return Err(SimError::Setup(format!("a size flow to the liquidator or fund: {f:?}")));
                    }
                }
            }
        }
        let stats = match s.leg.kind {
            LegKind::ReducePerp => &mut self.ustats.perp_reductions,
            LegKind::SwapCollateralForLiability => &mut self.ustats.collateral_swaps,
            LegKind::PerpPnlForLiability => &mut self.ustats.pnl_for_borrow,
            LegKind::DepositForPerpLoss => &mut self.ustats.deposit_for_loss,
        };
        stats.count += 1;
        stats.value_liquidated += s.value_liquidated.0;
        stats.cost_to_users += s.cost_to_account.0;
        self.ustats.value_liquidated += s.value_liquidated.0;
        self.ustats.cost_to_users += s.cost_to_account.0;
        Ok(())
    }

    /// The fund takes pool 0 of account `i` over whole.
    fn unified_takeover(&mut self, i: usize) -> Result<(), SimError> {
        self.u_touched[i] = true;
        self.u_in_liq[i] = false;
        self.u_stalled[i] = 0;
        self.ustats.takeovers += 1;
        let (balances, positions) = {
            let u = &mut self.uaccts[i];
            (std::mem::take(&mut u.balances), std::mem::take(&mut u.positions))
        };
        let mut equity: i128 = 0;
        let mut positions_equity: i128 = 0;
        for p in &positions {
            let m = p.market_index as usize;
            let value = (i128::from(p.size.0) * i128::from(self.marks[m].0)).div_euclid(NOTIONAL_DIVISOR) + i128::from(p.quote_balance.0);
            positions_equity += value;
            self.backstop_notional += (i128::from(p.size.0) * i128::from(self.marks[m].0)).abs() / NOTIONAL_DIVISOR;
            let v = &mut self.vault[m];
            v.size = Size(v.size.0 + p.size.0);
            v.quote_balance = Quote(narrow(i128::from(v.quote_balance.0) + i128::from(p.quote_balance.0)));
        }
        equity += positions_equity;
        for b in &balances {
            let a = b.asset_index as usize;
            self.fund_assets[a] += i128::from(b.amount);
            equity += self.asset_value(a, i128::from(b.amount));
        }
        // Keep the balances (at zero) so the account's shape stays.
        self.uaccts[i].balances = balances.iter().map(|b| partliq::AssetBalance { amount: 0, ..*b }).collect();
        if positions_equity < 0 {
            // The vault takes the positions with their value made whole by the fund.
            let cov = self.fund.cover(Quote(narrow(-positions_equity))).map_err(core("insurance fund", i))?;
            self.vault_collateral += i128::from(cov.covered.0);
            self.vault_absorbed += i128::from(cov.uncovered.0);
            self.note_fund();
        }
        if equity < 0 {
            self.ustats.takeover_deficit += narrow(-equity);
        }
        Ok(())
    }

    /// Hands every deficit of account `i` to the waterfall.
    fn unified_deficits(&mut self, i: usize) -> Result<(), SimError> {
        self.u_touched[i] = true;
        self.u_in_liq[i] = false;
        let waterfall = WaterfallPolicy::new(&[WaterfallStep::InsuranceFund, WaterfallStep::SocializedLoss], FundScope::Global)
            .map_err(core("WaterfallPolicy", i))?;
        let mut deficits = Vec::new();
        for p in &self.uaccts[i].positions {
            if p.size.0 == 0 && p.quote_balance.0 < 0 {
                deficits.push(Deficit::of_position(p).map_err(core("Deficit::of_position", i))?);
            }
        }
        for b in &self.uaccts[i].balances {
            if b.amount < 0 {
                deficits.push(Deficit::of_balance(b).map_err(core("Deficit::of_balance", i))?);
            }
        }
        for deficit in deficits {
            self.ustats.deficits += 1;
            let (payers, who) = self.payers(i, &deficit);
            let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
            let out = {
                let book = MarginBook {
                    assets: &self.w.assets,
                    asset_prices: &self.asset_prices,
                    ..MarginBook::perps(&self.markets, &self.marks)
                };
                let ctx = WaterfallContext { backstop_capacity: 0, payers: &payers, deposit_index: DEPOSIT_INDEX, book: &book };
                let mut funds = InsuranceFunds { shared: &mut self.fund, per_market: &mut [], has_own: &[] };
                match resolve_deficit(&deficit, &waterfall, &mut funds, &ctx, &mut ledger) {
                    Ok(out) => out,
                    // Nobody on the other side: the loss stays unrecovered.
                    Err(partliq::Error::DeficitUnabsorbed) => {
                        self.unresolved_deficit(i, &deficit);
                        continue;
                    }
                    Err(e) => return Err(SimError::Core { what: "resolve_deficit", account: i, error: e }),
                }
            };
            self.note_fund();
            let entries = &ledger[..out.ledger_len];
            if !ledger_balances(entries, &deficit) {
                return Err(SimError::Setup(format!("the waterfall's ledger of unified account {i} does not balance")));
            }
            for e in entries {
                match (e.from, e.to, e.unit) {
                    (Party::InsuranceFund(_), Party::Account, LedgerUnit::Quote) => {
                        self.credit_deficit(i, &deficit, e.amount);
                        self.ustats.deficits_to_fund += narrow(e.amount);
                    }
                    (Party::InsuranceFund(_), Party::Liquidator, LedgerUnit::Quote) => {
                        self.u_liq_quote += e.amount;
                        self.ustats.deficits_to_fund += narrow(e.amount);
                    }
                    (Party::Liquidator, Party::Account, LedgerUnit::Asset(a)) => {
                        self.liq_assets[a as usize] -= e.amount;
                        self.credit_deficit(i, &deficit, e.amount);
                    }
                    (Party::SocializedPerp(_), Party::Account, LedgerUnit::Quote) => {
                        self.credit_deficit(i, &deficit, e.amount);
                        self.ustats.deficits_socialized += narrow(e.amount);
                    }
                    (Party::SocializedDeposits(a), Party::Account, LedgerUnit::Asset(_)) => {
                        self.credit_deficit(i, &deficit, e.amount);
                        self.ustats.deficits_socialized += narrow(self.asset_value(a as usize, e.amount));
                    }
                    // The dust of a perp socialization: already in the fund's book.
                    (Party::SocializedPerp(_), Party::InsuranceFund(_), LedgerUnit::Quote) => {}
                    (Party::SocializedDeposits(_), Party::InsuranceFund(_), LedgerUnit::Asset(a)) => {
                        self.fund_assets[a as usize] += e.amount;
                    }
                    other => return Err(SimError::Setup(format!("unexpected waterfall entry {other:?}"))),
                }
            }
            if out.socialization != Socialization::None {
                self.ustats.socialized_losses += 1;
            }
            // The payers pay exactly what the ledger says.
            match out.socialization {
                Socialization::None => {}
                Socialization::Perp { delta, charged, .. } => {
                    let mut paid: i128 = 0;
                    for (&size, w) in payers.iter().zip(&who) {
                        let c = socialized_charge(Size(size), delta).map_err(core("socialized_charge", i))?;
                        paid += c;
                        self.charge(*w, c);
                    }
                    if paid != charged {
                        return Err(SimError::Setup(format!("socialized charges {paid} != {charged}")));
                    }
                }
                Socialization::Spot { old_index, new_index, deposits_after, .. } => {
                    let mut after: i128 = 0;
                    for (&b, w) in payers.iter().zip(&who) {
                        let nb = haircut_balance(i128::from(b), old_index, new_index).map_err(core("haircut_balance", i))?;
                        after += nb;
                        self.charge(*w, i128::from(b) - nb);
                    }
                    if after != deposits_after {
                        return Err(SimError::Setup(format!("haircut balances {after} != {deposits_after}")));
                    }
                }
            }
        }
        Ok(())
    }

    /// A deficit nobody can absorb: credited to the account with no payer.
    fn unresolved_deficit(&mut self, i: usize, deficit: &Deficit) {
        let amount = deficit.amount();
        if let Deficit::Perp { .. } = deficit {
            self.unrecovered += amount;
        } else if let Deficit::Spot { asset_index, .. } = deficit {
            // No depositor at all: the liquidators' side is charged nothing;
            // the units are written off against the fund's holdings.
            self.fund_assets[*asset_index as usize] -= amount;
        }
        self.credit_deficit(i, deficit, amount);
    }

    /// Pays `amount` of `deficit` into account `i`.
    fn credit_deficit(&mut self, i: usize, deficit: &Deficit, amount: i128) {
        let u = &mut self.uaccts[i];
        match *deficit {
            Deficit::Perp { market_index, .. } => {
                if let Some(p) = u.positions.iter_mut().find(|p| p.market_index == market_index && p.size.0 == 0 && p.quote_balance.0 < 0) {
                    p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) + amount));
                }
            }
            Deficit::Spot { asset_index, .. } => {
                if let Some(b) = u.balances.iter_mut().find(|b| b.asset_index == asset_index && b.amount < 0) {
                    b.amount = narrow(i128::from(b.amount) + amount);
                }
            }
        }
    }

    /// Charges `amount` (quote for a position, units for a deposit) to a payer.
    fn charge(&mut self, who: Payer, amount: i128) {
        match who {
            Payer::Perp(j, k) => {
                let p = &mut self.accts[j].positions[k];
                p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) - amount));
            }
            Payer::Unified(j, k) => {
                let p = &mut self.uaccts[j].positions[k];
                p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) - amount));
            }
            Payer::Vault(m) => {
                let p = &mut self.vault[m];
                p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) - amount));
            }
            Payer::Deposit(j, k) => {
                let b = &mut self.uaccts[j].balances[k];
                b.amount = narrow(i128::from(b.amount) - amount);
            }
            Payer::Lenders(a) => self.lenders[a] = narrow(i128::from(self.lenders[a]) - amount),
        }
    }

    /// Who pays a socialized loss of `deficit` (see the module docs).
    fn payers(&self, i: usize, deficit: &Deficit) -> (Vec<i64>, Vec<Payer>) {
        let (mut sizes, mut who) = (Vec::new(), Vec::new());
        match *deficit {
            Deficit::Perp { market_index, .. } => {
                let m = market_index as usize;
                for (j, a) in self.accts.iter().enumerate() {
                    for (k, p) in a.positions.iter().enumerate() {
                        if p.market_index == market_index && p.size.0 != 0 {
                            sizes.push(p.size.0);
                            who.push(Payer::Perp(j, k));
                        }
                    }
                }
                for (j, u) in self.uaccts.iter().enumerate() {
                    for (k, p) in u.positions.iter().enumerate() {
                        if j != i && p.market_index == market_index && p.size.0 != 0 {
                            sizes.push(p.size.0);
                            who.push(Payer::Unified(j, k));
                        }
                    }
                }
                if self.vault[m].size.0 != 0 {
                    sizes.push(self.vault[m].size.0);
                    who.push(Payer::Vault(m));
                }
            }
            Deficit::Spot { asset_index, .. } => {
                let a = asset_index as usize;
                if self.lenders[a] > 0 {
                    sizes.push(self.lenders[a]);
                    who.push(Payer::Lenders(a));
                }
                for (j, u) in self.uaccts.iter().enumerate() {
                    for (k, b) in u.balances.iter().enumerate() {
                        if b.asset_index == asset_index && b.amount > 0 {
                            sizes.push(b.amount);
                            who.push(Payer::Deposit(j, k));
                        }
                    }
                }
            }
        }
        (sizes, who)
    }

    /// The report's figures at the end of the run.
    pub(super) fn unified_report(&self) -> UnifiedReport {
        UnifiedReport {
            accounts: self.uaccts.len() as u64,
            accounts_liquidated: self.u_touched.iter().filter(|&&t| t).count() as u64,
            liquidator_holdings: self.liq_assets.iter().map(|&x| narrow(x)).collect(),
            fund_holdings: self.fund_assets.iter().map(|&x| narrow(x)).collect(),
            ..self.ustats.clone()
        }
    }
}

/// How much of a planned leg was booked.
enum LegOutcome {
    Whole,
    Part,
    Nothing,
}

/// Asset prices in cents from floats.
pub(super) fn asset_prices(row: &[f64]) -> Vec<Price> {
    row.iter().map(|&p| Price(crate::book::round_cents(p))).collect()
}
