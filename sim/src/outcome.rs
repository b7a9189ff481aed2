//! Both sides of a liquidation: what the users lost and what the system
//! carried.
//!
//! The user side is measured per margin account, exactly, in micro-USD:
//! every event that changes an account's equity at the current marks (a
//! liquidation fill on the book, a deleveraging fill at the bankruptcy
//! price, a backstop transfer or takeover) is booked as
//! `equity before − equity after` and split into
//!
//! * `fees`: the liquidation fee charged (liquidator + insurance fund),
//! * `shortfall`: the execution shortfall against the mark at the time
//!   (the book's impact, the limit band, the bankruptcy price of a
//!   deleveraging, rounding to the micro-USD),
//! * `seized`: the positive equity handed over whole in a backstop transfer
//!   or takeover,
//! * `relief`: what the account did not pay (bad debt covered for it, the
//!   negative equity of an account taken over),
//!
//! so that `lost = fees + shortfall + seized − relief` equals the sum of the
//! equity changes, to the micro-USD. Equity at the end of the path is valued
//! at the reference marks (the last oracle prices on the cent) for every
//! policy, and compared with two counterfactuals on the same path: the same
//! account never liquidated (its starting positions at the reference
//! marks) and the same account under full liquidation (the `full` policy's
//! run). The unified accounts have their own rows (`cost to users`); they
//! are not in these per-account figures.
//!
//! The system side: bad debt, the insurance fund's drawdown, the backstop
//! vault's loss, time-to-safety (from the first decision that acts on an
//! account to the one that finds its target met, or its closing), the peak
//! notional of accounts below maintenance, market impact and cascade depth.

use serde::Serialize;

use partliq::Price;

use crate::model::{num_floor, Acct, World, NOTIONAL_DIVISOR};

/// Exact equity of a margin account at `marks` (cents), micro-USD:
/// `collateral + Σ (quote balance + floor(size × mark / 10^4))`.
pub fn equity_at(a: &Acct, marks: &[Price]) -> i128 {
    let mut e = i128::from(a.collateral.0);
    for p in &a.positions {
        let mark = marks.get(p.market_index as usize).map_or(0, |m| m.0);
        e += i128::from(p.quote_balance.0) + num_floor(i128::from(p.size.0) * i128::from(mark), NOTIONAL_DIVISOR);
    }
    e
}

/// Gross exposure of a margin account at `marks`: `Σ |size × mark| / 10^4`
/// (rounded down), micro-USD.
pub fn exposure_at(a: &Acct, marks: &[Price]) -> i128 {
    a.positions
        .iter()
        .map(|p| {
            let mark = marks.get(p.market_index as usize).map_or(0, |m| m.0);
            (i128::from(p.size.0) * i128::from(mark)).abs() / NOTIONAL_DIVISOR
        })
        .sum()
}

/// The reference marks of a world: the last oracle price of each market,
/// rounded to the cent (at least one cent).
pub fn reference_marks(w: &World) -> Vec<Price> {
    match w.oracle.last() {
        Some(row) => row.iter().map(|&p| Price(crate::book::round_cents(p))).collect(),
        None => (0..w.markets.len()).map(|m| Price(w.start_price(m))).collect(),
    }
}

/// One margin account's outcome under one policy, micro-USD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountOutcome {
    /// Liquidation fees charged to it.
    pub fees: i128,
    /// Execution shortfall against the mark at the time (signed).
    pub shortfall: i128,
    /// Positive equity handed over whole (backstop, takeover).
    pub seized: i128,
    /// Losses it did not pay (bad debt covered, negative equity taken over).
    pub relief: i128,
    /// Equity at the reference marks at the end of the path.
    pub end_equity: i128,
    /// Gross exposure at the reference marks at the end of the path.
    pub end_exposure: i128,
    /// Seconds (whole steps) it ended a step below maintenance.
    pub seconds_below_maintenance: u64,
    /// Any liquidation event touched it.
    pub liquidated: bool,
}

impl AccountOutcome {
    /// Equity lost to liquidation: `fees + shortfall + seized − relief`.
    pub fn lost(&self) -> i128 {
        self.fees + self.shortfall + self.seized - self.relief
    }
}

/// Distribution of a set of durations, seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Durations {
    /// How many.
    pub count: u64,
    /// Nearest-rank percentiles and the maximum.
    pub p50: u64,
    pub p95: u64,
    pub max: u64,
}

impl Durations {
    /// The distribution of `v` (sorted in place; nearest rank).
    pub fn of(v: &mut [u64]) -> Durations {
        v.sort_unstable();
        let pick = |q: u64| -> u64 {
            if v.is_empty() {
                return 0;
            }
            let n = v.len() as u64;
            // Nearest rank: ceil(q × n / 100), at least 1.
            let rank = (q * n).div_ceil(100).max(1);
            v[(rank - 1) as usize]
        };
        Durations { count: v.len() as u64, p50: pick(50), p95: pick(95), max: v.last().copied().unwrap_or(0) }
    }
}

/// What the users got, aggregated over the margin accounts. Money in
/// micro-USD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserMetrics {
    /// Equity lost to liquidation: `fees + shortfall + seized − relief`.
    pub equity_lost: i64,
    pub fees: i64,
    pub shortfall: i64,
    pub seized: i64,
    pub relief: i64,
    /// Accounts any liquidation event touched.
    pub accounts_liquidated: u64,
    /// Their gross exposure at the end (reference marks).
    pub exposure_retained: i64,
    /// The same accounts' exposure had they never been liquidated.
    pub exposure_without_liquidation: i64,
    /// `exposure_retained / exposure_without_liquidation`, ppm (0 when none).
    pub exposure_retained_ppm: u64,
    /// Σ equity at the end of the path (reference marks).
    pub end_equity: i64,
    /// The same without any liquidation (counterfactual, same path).
    pub end_equity_no_liquidation: i64,
    /// The same under full liquidation (the `full` policy's run).
    pub end_equity_full_liquidation: i64,
    /// `end_equity − end_equity_no_liquidation`.
    pub vs_no_liquidation: i64,
    /// `end_equity − end_equity_full_liquidation`.
    pub vs_full_liquidation: i64,
    /// Accounts that end worse than never liquidated / than fully liquidated.
    pub accounts_worse_than_no_liquidation: u64,
    pub accounts_worse_than_full: u64,
    /// Accounts that end with equity ≤ 0 (after the liquidation; a taken-over
    /// account ends at 0).
    pub accounts_wiped_out: u64,
    /// Of them, accounts that would have ended above 0 without liquidation.
    pub wiped_out_by_liquidation: u64,
    /// Σ over accounts of the seconds they ended a step below maintenance.
    pub account_seconds_below_maintenance: u64,
    /// The longest any account spent below maintenance, seconds.
    pub max_seconds_below_maintenance: u64,
}

/// What the system carried. Money in micro-USD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SystemMetrics {
    /// Bad debt (losses beyond accounts' equity, whoever paid them).
    pub bad_debt: i64,
    /// Insurance fund start − its low point.
    pub fund_drawdown: i64,
    /// The fund ran down to its floor.
    pub fund_depleted: bool,
    /// The backstop vault's loss: `max(0, start − end equity)`.
    pub backstop_loss: i64,
    /// Breach (the first decision acting on an account) to safety (target
    /// met, or the account closed or taken over), seconds.
    pub time_to_safety: Durations,
    /// Breaches still open at the end of the path (counted in the
    /// distribution with the time they had lasted).
    pub unresolved_breaches: u64,
    /// The largest gross exposure of accounts below maintenance at the end
    /// of a step.
    pub peak_exposure_below_maintenance: i64,
    /// Market impact: the main market's worst gap of the mark below the
    /// oracle, ppm (positive).
    pub worst_impact_ppm: u64,
    /// Market impact paid by liquidation fills: their execution shortfall
    /// against the mark, summed.
    pub impact_cost: i64,
    /// Cascade depth: the longest run of consecutive liquidation passes
    /// that executed something.
    pub cascade_depth: u32,
}

/// Per-run tracking, owned by the simulation run.
#[derive(Debug, Clone)]
pub struct Tracker {
    /// Per margin account.
    pub accounts: Vec<AccountOutcome>,
    /// When the current breach of each account started.
    pub breach_at: Vec<Option<u64>>,
    /// Finished breaches, seconds.
    pub safety: Vec<u64>,
    pub unresolved: u64,
    pub peak_below: i128,
    pub impact_cost: i128,
    pub run: u32,
    pub cascade: u32,
}

impl Tracker {
    /// A tracker for `n` margin accounts.
    pub fn new(n: usize) -> Tracker {
        Tracker {
            accounts: vec![AccountOutcome::default(); n],
            breach_at: vec![None; n],
            safety: Vec::new(),
            unresolved: 0,
            peak_below: 0,
            impact_cost: 0,
            run: 0,
            cascade: 0,
        }
    }

    /// A fill on the book or a deleveraging fill of account `i`: its equity
    /// at the marks went from `before` to `after`, with `fee` charged and
    /// `bad_debt` covered for it.
    pub fn fill(&mut self, i: usize, before: i128, after: i128, fee: i128, bad_debt: i128, on_book: bool) {
        let o = &mut self.accounts[i];
        let shortfall = before - after - fee + bad_debt;
        o.fees += fee;
        o.relief += bad_debt;
        o.shortfall += shortfall;
        o.liquidated = true;
        if on_book {
            self.impact_cost += shortfall;
        }
    }

    /// The counterparty of a deleveraging fill: its equity change at the marks.
    pub fn counterparty(&mut self, j: usize, before: i128, after: i128) {
        self.accounts[j].shortfall += before - after;
    }

    /// Account `i`, of equity `equity` at the marks, handed over whole.
    pub fn handed_over(&mut self, i: usize, equity: i128) {
        let o = &mut self.accounts[i];
        if equity >= 0 {
            o.seized += equity;
        } else {
            o.relief -= equity;
        }
        o.liquidated = true;
    }

    /// A decision acted on account `i` at `now`.
    pub fn breach(&mut self, i: usize, now: u64) {
        if self.breach_at[i].is_none() {
            self.breach_at[i] = Some(now);
        }
    }

    /// Account `i` is safe at `now` (target met, closed or taken over).
    pub fn safe(&mut self, i: usize, now: u64) {
        if let Some(t) = self.breach_at[i].take() {
            self.safety.push(now.saturating_sub(t));
        }
    }

    /// A liquidation pass ended; `acted`: it executed something.
    pub fn pass(&mut self, acted: bool) {
        self.run = if acted { self.run + 1 } else { 0 };
        self.cascade = self.cascade.max(self.run);
    }

    /// Closes the open breaches at `end` (seconds).
    pub fn finish(&mut self, end: u64) {
        for i in 0..self.breach_at.len() {
            if let Some(t) = self.breach_at[i].take() {
                self.safety.push(end.saturating_sub(t));
                self.unresolved += 1;
            }
        }
    }
}

fn narrow(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// The per-account figures the counterfactuals need: each account's end
/// equity and exposure without any liquidation (its starting positions at
/// the reference marks).
pub fn no_liquidation(w: &World) -> Vec<(i128, i128)> {
    let marks = reference_marks(w);
    w.accounts.iter().map(|a| (equity_at(a, &marks), exposure_at(a, &marks))).collect()
}

/// The user metrics of `accounts` against the two counterfactuals
/// (`none[i] = (equity, exposure)` without liquidation, `full[i]` the end
/// equity under full liquidation).
pub fn user_metrics(accounts: &[AccountOutcome], none: &[(i128, i128)], full: &[i128]) -> UserMetrics {
    let mut u = UserMetrics::default();
    let (mut lost, mut fees, mut short, mut seized, mut relief) = (0i128, 0i128, 0i128, 0i128, 0i128);
    let (mut retained, mut without, mut end, mut end_none, mut end_full) = (0i128, 0i128, 0i128, 0i128, 0i128);
    for (i, o) in accounts.iter().enumerate() {
        let (ne, nx) = none.get(i).copied().unwrap_or((0, 0));
        let fe = full.get(i).copied().unwrap_or(0);
        lost += o.lost();
        fees += o.fees;
        short += o.shortfall;
        seized += o.seized;
        relief += o.relief;
        if o.liquidated {
            u.accounts_liquidated += 1;
            retained += o.end_exposure;
            without += nx;
        }
        end += o.end_equity;
        end_none += ne;
        end_full += fe;
        u.accounts_worse_than_no_liquidation += u64::from(o.end_equity < ne);
        u.accounts_worse_than_full += u64::from(o.end_equity < fe);
        if o.end_equity <= 0 {
            u.accounts_wiped_out += 1;
            u.wiped_out_by_liquidation += u64::from(ne > 0);
        }
        u.account_seconds_below_maintenance += o.seconds_below_maintenance;
        u.max_seconds_below_maintenance = u.max_seconds_below_maintenance.max(o.seconds_below_maintenance);
    }
    u.equity_lost = narrow(lost);
    u.fees = narrow(fees);
    u.shortfall = narrow(short);
    u.seized = narrow(seized);
    u.relief = narrow(relief);
    u.exposure_retained = narrow(retained);
    u.exposure_without_liquidation = narrow(without);
    // Rounded down: ppm of the exposure the liquidated accounts kept.
    u.exposure_retained_ppm = if without > 0 { (retained.max(0) * 1_000_000 / without) as u64 } else { 0 };
    u.end_equity = narrow(end);
    u.end_equity_no_liquidation = narrow(end_none);
    u.end_equity_full_liquidation = narrow(end_full);
    u.vs_no_liquidation = narrow(end - end_none);
    u.vs_full_liquidation = narrow(end - end_full);
    u
}
