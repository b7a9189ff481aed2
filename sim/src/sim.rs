//! One policy's run over the scenario.
//!
//! Each step the oracle moves along the path; then up to `max_rounds`
//! liquidation passes run. A pass takes the marks the book shows (the
//! oracle moved by the depth consumed so far), runs partliq's
//! [`run_pipeline`] for every account in trouble, sends the legs to the
//! book, books each fill with [`settle_fill`], the fee and bad debt with the
//! [`InsuranceFundBook`], transfers backstopped accounts to the vault, and
//! deleverages ([`deleverage`]) when the fund cannot cover a fill's bad debt.
//! The fills move the book, so the next pass sees lower marks: the cascade.
//! At the end of the step the vault unwinds part of what it holds, the book
//! recovers part of its depth, and an exact integer ledger is checked.

use partliq::{
    backstop_transfer, bankruptcy_price, deleverage, limit_price, run_pipeline, settle_fill, AccountLiquidationState, Action, AdlCandidate,
    AdlFill, AdlMode, Error as CoreError, Fill, InsuranceFundBook, Market, MarketCapacityState, PlanLeg, Pool, Position, Price, Quote,
    Reason, Size, MAX_POSITIONS,
};
use partliq::{pool_health, run_guarded_pipeline, HealthState, PriceFeed};
use serde::Serialize;

use crate::book::{round_cents, Book, CENTS_PER_USD};
use crate::model::{num_floor, Acct, SimPolicy, UAcct, World, NOTIONAL_DIVISOR, QUOTE_PER_USD};
use crate::outcome::{equity_at, exposure_at, reference_marks, AccountOutcome, Durations, SystemMetrics, Tracker, UserMetrics};

mod screen;
mod unified;
pub use unified::{LegStats, UnifiedReport};

/// The exact ledger at the end of a step, in micro-USD. Conserved:
/// `accounts + vault + fund + liquidators + book + funding − unrecovered = initial`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    pub step: u32,
    /// Collateral plus settled position cash of every account.
    pub accounts: i128,
    /// The vault's collateral plus its positions' cash.
    pub vault: i128,
    /// Insurance fund balance.
    pub fund: i128,
    /// Fees paid to liquidators.
    pub liquidators: i128,
    /// Cash of the outside book (what it paid for the liquidation fills).
    pub book: i128,
    /// Bad debt nobody covered (credited to accounts with no payer).
    pub unrecovered: i128,
    /// Funding the venue's counterparty side holds: minus what the margin
    /// accounts received (the imbalance of longs and shorts).
    pub funding: i128,
    /// `accounts + vault + fund + liquidators + book + funding − unrecovered`.
    pub total: i128,
    /// The same sum at the start.
    pub initial: i128,
    /// Per market: sizes of accounts + vault + book, and at the start.
    pub sizes: Vec<(i128, i128)>,
    /// Per collateral asset, in its units: unified accounts + outside
    /// lenders + liquidators + insurance fund, and at the start.
    pub assets: Vec<(i128, i128)>,
}

impl Ledger {
    /// True when value, sizes and every asset are conserved.
    pub fn balanced(&self) -> bool {
        self.total == self.initial && self.sizes.iter().all(|(a, b)| a == b) && self.assets.iter().all(|(a, b)| a == b)
    }
}

/// The lowest prices of one market in a run.
#[derive(Debug, Clone, Serialize)]
pub struct MarketLow {
    pub market: String,
    pub start_price: f64,
    /// Lowest mark (USD) seen by any liquidation pass.
    pub lowest_mark: f64,
    pub lowest_mark_pct: f64,
    /// Lowest oracle (USD) of the path.
    pub lowest_oracle: f64,
    /// Largest gap of the mark below the oracle (%, negative).
    pub max_impact_pct: f64,
    /// Highest mark (USD): the squeeze of shorts on the way up.
    pub highest_mark: f64,
}

/// What one policy did, in figures. Money in micro-USD (integers).
#[derive(Debug, Clone, Serialize)]
pub struct PolicyReport {
    pub policy: String,
    pub description: String,
    pub notional_liquidated: i64,
    pub liquidation_fills: u64,
    pub partial_fills: u64,
    pub unfilled_orders: u64,
    pub accounts_touched: u64,
    pub accounts_closed_whole: u64,
    /// Accounts a liquidation (or backstop) started on while they were
    /// healthy at the true price (a stale or spiking oracle's victims).
    pub healthy_liquidated: u64,
    pub markets: Vec<MarketLow>,
    pub bad_debt: i64,
    pub fund_low: i64,
    pub fund_end: i64,
    pub fees_to_fund: i64,
    pub fees_to_liquidators: i64,
    pub backstop_transfers: u64,
    /// Backstops by the pipeline's reason: [infeasible, below the backstop fraction, bankrupt].
    pub backstop_reasons: [u64; 3],
    pub takeovers: u64,
    pub backstop_notional: i64,
    pub vault_absorbed: i64,
    pub vault_unwind_notional: i64,
    pub vault_end_equity: i64,
    pub vault_start: i64,
    pub deleveraging_events: u64,
    pub deleveraged_accounts: u64,
    pub deleveraged_notional: i64,
    pub unrecovered_bad_debt: i64,
    pub ledger_checks: u64,
    /// The unified accounts: legs by kind, takeovers, deficits.
    pub unified: UnifiedReport,
    /// The users' side (margin accounts; the counterfactuals are filled in
    /// once every policy has run: see [`crate::outcome`]).
    pub user: UserMetrics,
    /// The system's side.
    pub system: SystemMetrics,
    /// Per margin account (not in the JSON: see `--accounts-csv`).
    #[serde(skip)]
    pub outcomes: Vec<AccountOutcome>,
    pub series: Series,
}

/// Per-step series for the chart and the JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Mark at the end of each step, USD, `[market][step]`.
    pub mark: Vec<Vec<f64>>,
    /// Lowest mark within each step, USD, `[market][step]`.
    pub low: Vec<Vec<f64>>,
    /// Insurance fund balance at the end of each step, USD.
    pub fund: Vec<f64>,
    /// Cumulative notional liquidated, USD.
    pub liquidated: Vec<f64>,
}

/// An error that stops a run.
#[derive(Debug, Clone, PartialEq)]
pub enum SimError {
    /// partliq refused an input: the run's state is inconsistent.
    Core { what: &'static str, account: usize, error: CoreError },
    /// The exact ledger does not balance.
    Ledger { step: u32, total: i128, initial: i128 },
    /// A setup problem.
    Setup(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Core { what, account, error } => write!(f, "partliq error in {what} (account {account}): {error:?}"),
            SimError::Ledger { step, total, initial } => {
                write!(f, "ledger does not balance at step {step}: {total} != {initial} (micro-USD)")
            }
            SimError::Setup(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for SimError {}

fn core(what: &'static str, account: usize) -> impl Fn(CoreError) -> SimError {
    move |error| SimError::Core { what, account, error }
}

fn to_usd(q: i128) -> f64 {
    q as f64 / QUOTE_PER_USD as f64
}

fn narrow(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Signed cash of trading `size_delta` at `price`, rounded down (against the trader).
fn trade_cash(size_delta: i64, price: i64) -> i128 {
    num_floor(-(i128::from(size_delta) * i128::from(price)), NOTIONAL_DIVISOR)
}

fn abs_notional(size: i64, price: i64) -> i128 {
    (i128::from(size) * i128::from(price)).abs() / NOTIONAL_DIVISOR
}

struct Run<'w> {
    w: &'w World,
    pol: &'w SimPolicy,
    markets: Vec<Market>,
    markets_nofee: Vec<Market>,
    books: Vec<Book>,
    accts: Vec<Acct>,
    states: Vec<AccountLiquidationState>,
    market_states: Vec<MarketCapacityState>,
    fund: InsuranceFundBook,
    vault_collateral: i128,
    vault: Vec<Position>,
    liquidators: i128,
    book_cash: i128,
    book_size: Vec<i128>,
    unrecovered: i128,
    initial_total: i128,
    initial_sizes: Vec<i128>,
    marks: Vec<Price>,
    block: u64,
    // the oracle as the engine reads it (see `[path]`)
    /// The true oracle price of each market this round (the path's).
    true_oracle: Vec<f64>,
    /// When the reading the engine sees was published.
    published_at: u64,
    /// The reading's confidence, a fraction of its price.
    confidence: f64,
    /// Accounts a liquidation started on while healthy at the true price.
    healthy_liquidated: Vec<bool>,
    // statistics
    touched: Vec<bool>,
    closed: Vec<bool>,
    deleveraged: Vec<bool>,
    notional: i128,
    fills: u64,
    partial_fills: u64,
    unfilled: u64,
    bad_debt: i128,
    fund_low: i128,
    fees_to_fund: i128,
    backstops: u64,
    backstop_reasons: [u64; 3],
    takeovers: u64,
    backstop_notional: i128,
    vault_absorbed: i128,
    unwind_notional: i128,
    adl_events: u64,
    adl_notional: i128,
    low: Vec<f64>,
    high: Vec<f64>,
    max_gap: Vec<f64>,
    step_low: Vec<f64>,
    // unified accounts
    uaccts: Vec<UAcct>,
    u_in_liq: Vec<bool>,
    u_touched: Vec<bool>,
    /// Decisions in a row that booked nothing.
    u_stalled: Vec<u32>,
    asset_prices: Vec<Price>,
    lenders: Vec<i64>,
    liq_assets: Vec<i128>,
    fund_assets: Vec<i128>,
    /// Quote the liquidators received (−: paid) in unified legs and waterfalls.
    u_liq_quote: i128,
    initial_assets: Vec<i128>,
    ustats: UnifiedReport,
    /// Both sides' figures.
    track: Tracker,
    /// See [`Ledger::funding`].
    funding: i128,
    /// Which accounts the float pre-screen may pass over unevaluated.
    screen: screen::Screen,
}

/// Runs one policy; `on_step` sees the ledger after every step.
pub fn run_policy(w: &World, pol: &SimPolicy, on_step: &mut dyn FnMut(&Ledger)) -> Result<PolicyReport, SimError> {
    let s = &w.scenario;
    let n_m = w.markets.len();
    let mut markets = w.markets.clone();
    for m in markets.iter_mut() {
        m.liquidation_fee = pol.fees.liquidation_fee;
        m.liquidation_fee_rounding = pol.fees.liquidation_fee_rounding;
        m.liquidator_fee_share = pol.fees.liquidator_fee_share;
        m.dust_floor = pol.fees.dust_floor;
        m.validate().map_err(|e| SimError::Setup(format!("market {}: {e:?}", m.id)))?;
    }
    let mut markets_nofee = markets.clone();
    for m in markets_nofee.iter_mut() {
        m.liquidation_fee = partliq::Ppm(0);
    }
    let fund = InsuranceFundBook::new(
        Quote((s.insurance_fund.initial_usd * QUOTE_PER_USD as f64).round() as i64),
        Quote((s.insurance_fund.floor_usd * QUOTE_PER_USD as f64).round() as i64),
    )
    .map_err(|e| SimError::Setup(format!("insurance fund: {e:?}")))?;
    let books = s
        .markets
        .iter()
        .enumerate()
        .map(|(m, spec)| Book {
            oracle: w.oracle[0][m],
            consumed: 0.0,
            depth: spec.depth_usd,
            impact: spec.impact,
            resilience: spec.resilience,
        })
        .collect();
    let n = w.accounts.len();
    let mut run = Run {
        w,
        pol,
        markets,
        markets_nofee,
        books,
        accts: w.accounts.clone(),
        states: vec![AccountLiquidationState::default(); n],
        market_states: vec![MarketCapacityState::default(); n_m],
        fund,
        vault_collateral: i128::from((s.backstop.vault_usd * QUOTE_PER_USD as f64).round() as i64),
        vault: (0..n_m).map(|m| Position { market_index: m as u32, size: Size(0), quote_balance: Quote(0) }).collect(),
        liquidators: 0,
        book_cash: 0,
        book_size: vec![0; n_m],
        unrecovered: 0,
        initial_total: 0,
        initial_sizes: vec![0; n_m],
        marks: vec![Price(1); n_m],
        true_oracle: w.oracle[0].clone(),
        published_at: 0,
        confidence: 0.0,
        healthy_liquidated: vec![false; n],
        block: 0,
        touched: vec![false; n],
        closed: vec![false; n],
        deleveraged: vec![false; n],
        notional: 0,
        fills: 0,
        partial_fills: 0,
        unfilled: 0,
        bad_debt: 0,
        fund_low: 0,
        fees_to_fund: 0,
        backstops: 0,
        backstop_reasons: [0; 3],
        takeovers: 0,
        backstop_notional: 0,
        vault_absorbed: 0,
        unwind_notional: 0,
        adl_events: 0,
        adl_notional: 0,
        low: vec![f64::INFINITY; n_m],
        high: vec![0.0; n_m],
        max_gap: vec![0.0; n_m],
        step_low: vec![f64::INFINITY; n_m],
        uaccts: w.unified.clone(),
        u_in_liq: vec![false; w.unified.len()],
        u_touched: vec![false; w.unified.len()],
        u_stalled: vec![0; w.unified.len()],
        asset_prices: unified::asset_prices(w.asset_oracle.first().map_or(&[][..], |r| &r[..])),
        lenders: w.lenders.clone(),
        liq_assets: vec![0; w.assets.len()],
        fund_assets: vec![0; w.assets.len()],
        u_liq_quote: 0,
        initial_assets: Vec::new(),
        ustats: UnifiedReport::default(),
        track: Tracker::new(n),
        funding: 0,
        screen: screen::Screen::new(n, &w.float_tiers),
    };
    let vault_start = run.vault_collateral;
    let start = run.ledger(0);
    run.initial_total = start.total;
    run.initial_sizes = start.sizes.iter().map(|x| x.0).collect();
    run.initial_assets = start.assets.iter().map(|x| x.0).collect();
    run.fund_low = i128::from(run.fund.balance.0);

    let steps = s.steps as usize;
    let mut series = Series {
        mark: vec![Vec::with_capacity(steps); n_m],
        low: vec![Vec::with_capacity(steps); n_m],
        fund: Vec::with_capacity(steps),
        liquidated: Vec::with_capacity(steps),
    };
    let mut ledger_checks = 0u64;
    for step in 0..s.steps {
        run.step_low = vec![f64::INFINITY; n_m];
        if !s.path.depth.is_empty() {
            let f = crate::model::path_multiplier(&s.path.depth, step);
            for (b, spec) in run.books.iter_mut().zip(&s.markets) {
                b.depth = spec.depth_usd * f;
            }
        }
        let prev = w.oracle[(step as usize).saturating_sub(1)].clone();
        let cur = &w.oracle[step as usize];
        let (aprev, acur) = match (w.asset_oracle.get((step as usize).saturating_sub(1)), w.asset_oracle.get(step as usize)) {
            (Some(a), Some(b)) => (a.clone(), b.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        for round in 0..s.max_rounds {
            // The oracle moves from the last step's price to this step's
            // over the step's rounds (geometrically).
            let f = f64::from(round + 1) / f64::from(s.max_rounds);
            // What the engine reads: the true price (× a spike's
            // multiplier), or, delayed, the one published steps earlier.
            let feed = w.feed[step as usize];
            let round_len = s.step_seconds / u64::from(s.max_rounds);
            let now = u64::from(step) * s.step_seconds + u64::from(round) * round_len;
            let then = step.saturating_sub(feed.delay) as usize;
            let (dprev, dcur) = (&w.oracle[then.saturating_sub(1)], &w.oracle[then]);
            for (m, b) in run.books.iter_mut().enumerate() {
                run.true_oracle[m] = prev[m] * crate::det::powf(cur[m] / prev[m], f);
                b.oracle = dprev[m] * crate::det::powf(dcur[m] / dprev[m], f) * feed.multiplier;
            }
            run.published_at = now.saturating_sub(u64::from(feed.delay) * s.step_seconds);
            run.confidence = feed.confidence;
            let row: Vec<f64> = aprev.iter().zip(&acur).map(|(p, c)| p * crate::det::powf(c / p, f)).collect();
            run.asset_prices = unified::asset_prices(&row);
            run.observe_marks();
            if round == 0 {
                run.unwind_vault()?;
                run.observe_marks();
            }
            if pol.never {
                continue;
            }
            let acted = run.pass(now, round_len, s.ticks_per_round)?;
            run.track.pass(acted);
            if round + 1 == s.max_rounds && !run.uaccts.is_empty() {
                // Unified accounts: once a step, after its last pass (their
                // plans cost far more than a perp account's).
                run.unified_pass(s.ticks_per_round)?;
            }
        }
        run.observe_marks();
        for m in 0..n_m {
            series.mark[m].push(run.marks[m].0 as f64 / CENTS_PER_USD);
            series.low[m].push(run.step_low[m] / CENTS_PER_USD);
        }
        if !s.path.funding.is_empty() {
            run.pay_funding(crate::model::path_multiplier(&s.path.funding, step));
        }
        run.below_maintenance()?;
        series.fund.push(to_usd(i128::from(run.fund.balance.0)));
        series.liquidated.push(to_usd(run.notional));
        for b in run.books.iter_mut() {
            b.recover();
        }
        let ledger = run.ledger(step);
        ledger_checks += 1;
        on_step(&ledger);
        if !ledger.balanced() || !run.fund.ledger_balances() {
            return Err(SimError::Ledger { step, total: ledger.total, initial: ledger.initial });
        }
    }

    let markets_low = (0..n_m)
        .map(|m| {
            let start = w.start_price(m) as f64 / CENTS_PER_USD;
            let lowest_oracle = w.oracle.iter().map(|r| r[m]).fold(f64::INFINITY, f64::min) / CENTS_PER_USD;
            MarketLow {
                market: w.names[m].clone(),
                start_price: start,
                lowest_mark: run.low[m] / CENTS_PER_USD,
                lowest_mark_pct: (run.low[m] / CENTS_PER_USD / start - 1.0) * 100.0,
                lowest_oracle,
                max_impact_pct: run.max_gap[m] * 100.0,
                highest_mark: run.high[m] / CENTS_PER_USD,
            }
        })
        .collect();
    let vault_equity = run.vault_equity();
    run.track.finish(u64::from(s.steps) * s.step_seconds);
    let reference = reference_marks(w);
    for (o, a) in run.track.accounts.iter_mut().zip(&run.accts) {
        o.end_equity = equity_at(a, &reference);
        o.end_exposure = exposure_at(a, &reference);
    }
    let main_gap = run.max_gap.get(w.main).copied().unwrap_or(0.0);
    let fund_start = i128::from((s.insurance_fund.initial_usd * QUOTE_PER_USD as f64).round() as i64);
    let system = SystemMetrics {
        bad_debt: narrow(run.bad_debt),
        fund_drawdown: narrow(fund_start - run.fund_low),
        fund_depleted: run.fund_low <= i128::from(run.fund.floor.0) && fund_start > i128::from(run.fund.floor.0),
        backstop_loss: narrow((vault_start - vault_equity).max(0)),
        time_to_safety: Durations::of(&mut run.track.safety),
        unresolved_breaches: run.track.unresolved,
        peak_exposure_below_maintenance: narrow(run.track.peak_below),
        worst_impact_ppm: (-main_gap * 1e6).round().max(0.0) as u64,
        impact_cost: narrow(run.track.impact_cost),
        cascade_depth: run.track.cascade,
    };
    let outcomes = std::mem::take(&mut run.track.accounts);
    Ok(PolicyReport {
        policy: pol.name.clone(),
        description: pol.description.clone(),
        notional_liquidated: narrow(run.notional),
        liquidation_fills: run.fills,
        partial_fills: run.partial_fills,
        unfilled_orders: run.unfilled,
        accounts_touched: run.touched.iter().filter(|&&t| t).count() as u64,
        accounts_closed_whole: run.closed.iter().filter(|&&t| t).count() as u64,
        healthy_liquidated: run.healthy_liquidated.iter().filter(|&&t| t).count() as u64,
        markets: markets_low,
        bad_debt: narrow(run.bad_debt),
        fund_low: narrow(run.fund_low),
        fund_end: run.fund.balance.0,
        fees_to_fund: narrow(run.fees_to_fund),
        fees_to_liquidators: narrow(run.liquidators),
        backstop_transfers: run.backstops,
        backstop_reasons: run.backstop_reasons,
        takeovers: run.takeovers,
        backstop_notional: narrow(run.backstop_notional),
        vault_absorbed: narrow(run.vault_absorbed),
        vault_unwind_notional: narrow(run.unwind_notional),
        vault_end_equity: narrow(vault_equity),
        vault_start: narrow(vault_start),
        deleveraging_events: run.adl_events,
        deleveraged_accounts: run.deleveraged.iter().filter(|&&t| t).count() as u64,
        deleveraged_notional: narrow(run.adl_notional),
        unrecovered_bad_debt: narrow(run.unrecovered),
        ledger_checks,
        unified: run.unified_report(),
        user: UserMetrics::default(),
        system,
        outcomes,
        series,
    })
}

impl Run<'_> {
    fn observe_marks(&mut self) {
        for (m, b) in self.books.iter().enumerate() {
            let mark = b.mark();
            self.marks[m] = Price(mark);
            let p = mark as f64;
            self.low[m] = self.low[m].min(p);
            self.high[m] = self.high[m].max(p);
            self.step_low[m] = self.step_low[m].min(p);
            self.max_gap[m] = self.max_gap[m].min(p / b.oracle - 1.0);
        }
    }

    fn ledger(&self, step: u32) -> Ledger {
        let mut accounts: i128 = 0;
        let mut sizes: Vec<i128> = self.book_size.clone();
        for a in &self.accts {
            accounts += i128::from(a.collateral.0);
            for p in &a.positions {
                accounts += i128::from(p.quote_balance.0);
                sizes[p.market_index as usize] += i128::from(p.size.0);
            }
        }
        for u in &self.uaccts {
            for p in &u.positions {
                accounts += i128::from(p.quote_balance.0);
                sizes[p.market_index as usize] += i128::from(p.size.0);
            }
        }
        let mut vault = self.vault_collateral;
        for p in &self.vault {
            vault += i128::from(p.quote_balance.0);
            sizes[p.market_index as usize] += i128::from(p.size.0);
        }
        let fund = i128::from(self.fund.balance.0);
        let liquidators = self.liquidators + self.u_liq_quote;
        let total = accounts + vault + fund + liquidators + self.book_cash + self.funding - self.unrecovered;
        let assets = self.asset_totals();
        Ledger {
            step,
            accounts,
            vault,
            fund,
            liquidators,
            book: self.book_cash,
            unrecovered: self.unrecovered,
            funding: self.funding,
            total,
            initial: self.initial_total,
            sizes: sizes.iter().zip(self.initial_sizes.iter().chain(std::iter::repeat(&0))).map(|(&a, &b)| (a, b)).collect(),
            assets: assets.iter().zip(self.initial_assets.iter().chain(std::iter::repeat(&0))).map(|(&a, &b)| (a, b)).collect(),
        }
    }

    fn vault_equity(&self) -> i128 {
        let mut e = self.vault_collateral;
        for p in &self.vault {
            e += i128::from(p.quote_balance.0)
                + num_floor(i128::from(p.size.0) * i128::from(self.marks[p.market_index as usize].0), NOTIONAL_DIVISOR);
        }
        e
    }

    /// The first account from `from` on that the pre-screen may not pass
    /// over unevaluated, the marks `delta` from the screen's reference;
    /// debug builds check that the pre-screen would indeed pass over every
    /// account before it.
    fn next_to_look(&self, from: usize, delta: f64) -> Option<usize> {
        let next = self.screen.next_to_look(from, delta);
        if cfg!(debug_assertions) {
            for i in from..next.unwrap_or(self.accts.len()) {
                let (e, m) = self.float_health(&self.accts[i]);
                assert!(screen::passes_over(e, m), "account {i}: the screen passed over e {e} m {m} at delta {delta}");
                assert!(!self.accts[i].positions.is_empty() && !self.states[i].in_liquidation && self.track.breach_at[i].is_none());
            }
        }
        next
    }

    /// Float equity and maintenance of an account (pre-screen only).
    fn float_health(&self, a: &Acct) -> (f64, f64) {
        screen::float_health(a, &self.marks, &self.w.float_tiers)
    }

    /// Funding at `rate` (fraction of notional per step): each margin
    /// account's position pays `size × mark × rate` (longs pay when the
    /// rate is positive), rounded down against the account; the venue's
    /// counterparty side takes the other side (see [`Ledger::funding`]).
    fn pay_funding(&mut self, rate: f64) {
        let rate_ppm = (rate * 1e6).round() as i128;
        if rate_ppm == 0 {
            return;
        }
        self.screen.all_changed();
        for a in self.accts.iter_mut() {
            for p in a.positions.iter_mut() {
                let mark = i128::from(self.marks[p.market_index as usize].0);
                let delta = num_floor(-(i128::from(p.size.0) * mark * rate_ppm), NOTIONAL_DIVISOR * 1_000_000);
                p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) + delta));
                self.funding -= delta;
            }
        }
    }

    /// End of a step: every margin account below maintenance gets the
    /// step's seconds, and their gross exposure is summed (the peak is
    /// kept). The float screen decides clear cases; near the line the exact
    /// health does.
    fn below_maintenance(&mut self) -> Result<(), SimError> {
        let secs = self.w.scenario.step_seconds;
        let mut exposure: i128 = 0;
        let delta = self.screen.look(&self.marks);
        let mut next = 0;
        while let Some(i) = self.next_to_look(next, delta) {
            next = i + 1;
            let a = &self.accts[i];
            if a.positions.is_empty() {
                continue;
            }
            let (e, m) = self.float_health(a);
            if !self.states[i].in_liquidation && self.track.breach_at[i].is_none() {
                self.screen.evaluated(i, a, &self.marks, e, m, delta);
            }
            if screen::passes_over(e, m) {
                continue;
            }
            if e >= m - 100.0 - 1e-9 * (e.abs() + m.abs()) {
                let h = partliq::pool_health(&Pool::new(a.collateral, &a.positions), &self.markets, &self.marks)
                    .map_err(core("pool_health", i))?;
                if h.state == partliq::HealthState::Healthy {
                    continue;
                }
            }
            exposure += exposure_at(a, &self.marks);
            self.track.accounts[i].seconds_below_maintenance += secs;
        }
        self.track.peak_below = self.track.peak_below.max(exposure);
        Ok(())
    }

    fn compact(&mut self, i: usize) {
        self.screen.changed(i);
        let a = &mut self.accts[i];
        let mut freed = 0i64;
        a.positions.retain(|p| {
            if p.size.0 == 0 {
                freed += p.quote_balance.0;
                false
            } else {
                true
            }
        });
        a.collateral = Quote(a.collateral.0 + freed);
    }

    /// One liquidation pass over every account; true if anything executed.
    /// An account whose step a rule capped may take up to `ticks` steps in
    /// the pass (engine ticks / blocks `round_len / ticks` apart): dYdX's
    /// per-block limits and Hyperliquid's cooldown count them.
    fn pass(&mut self, now: u64, round_len: u64, ticks: u32) -> Result<bool, SimError> {
        let mut acted = false;
        let delta = self.screen.look(&self.marks);
        let mut next = 0;
        // Accounts certain to pass the pre-screen below are passed over
        // unevaluated (see `screen`: only an open account neither in
        // liquidation nor in an open breach has a margin).
        while let Some(i) = self.next_to_look(next, delta) {
            next = i + 1;
            if self.accts[i].positions.is_empty() {
                // Closed meanwhile (deleveraged as a counterparty): safe.
                self.track.safe(i, now);
                continue;
            }
            if !self.states[i].in_liquidation && self.track.breach_at[i].is_none() {
                // Pre-screen in floats: the exact trigger is `equity <
                // maintenance`; float error and partliq's per-position
                // rounding are far below this margin.
                let (e, m) = self.float_health(&self.accts[i]);
                self.screen.evaluated(i, &self.accts[i], &self.marks, e, m, delta);
                if screen::passes_over(e, m) {
                    continue;
                }
            }
            for tick in 0..ticks {
                let t_now = now + u64::from(tick) * round_len / u64::from(ticks);
                let (did, again) = self.step_account(i, t_now, self.block + u64::from(tick))?;
                acted |= did;
                if !again {
                    break;
                }
            }
            // It may be in liquidation or in a breach now: no margin.
            self.screen.changed(i);
        }
        self.block += u64::from(ticks);
        Ok(acted)
    }

    /// One pipeline decision for account `i`, executed. Returns (anything
    /// executed, a rule capped the step and something filled: go on).
    fn step_account(&mut self, i: usize, now: u64, block: u64) -> Result<(bool, bool), SimError> {
        if self.accts[i].positions.is_empty() {
            return Ok((false, false));
        }
        let mut legs = [PlanLeg::default(); MAX_POSITIONS];
        let a = &self.accts[i];
        let pool = Pool::new(a.collateral, &a.positions);
        let was_in_liquidation = self.states[i].in_liquidation;
        let d = match &self.pol.guard {
            None => run_pipeline(
                &pool,
                &self.markets,
                &self.marks,
                &self.pol.policy,
                &mut self.states[i],
                &mut self.market_states,
                now,
                block,
                &mut legs,
            )
            .map_err(core("run_pipeline", i))?,
            Some(guard) => {
                // The marks are the oracle's readings (moved by the book):
                // the feed the guard checks, with its time and confidence.
                let feeds: Vec<PriceFeed> = self
                    .marks
                    .iter()
                    .map(|p| PriceFeed {
                        oracle: *p,
                        publish_time: self.published_at,
                        confidence: Price((p.0 as f64 * self.confidence).round() as i64),
                        ..PriceFeed::default()
                    })
                    .collect();
                run_guarded_pipeline(
                    &pool,
                    &self.markets,
                    &self.marks,
                    &feeds,
                    guard,
                    &self.pol.policy,
                    &mut self.states[i],
                    &mut self.market_states,
                    now,
                    block,
                    &mut legs,
                )
                .map_err(core("run_guarded_pipeline", i))?
            }
        };
        if !was_in_liquidation && !matches!(d.action, Action::None | Action::CancelOrders | Action::ResolveDeficit) {
            // At the true price: each mark scaled by true / read oracle.
            let truth: Vec<Price> = (0..self.marks.len())
                .map(|m| Price((self.marks[m].0 as f64 * self.true_oracle[m] / self.books[m].oracle).round().max(1.0) as i64))
                .collect();
            if pool_health(&pool, &self.markets, &truth).is_ok_and(|h| h.state == HealthState::Healthy) {
                self.healthy_liquidated[i] = true;
            }
        }
        if d.action == Action::None {
            self.track.safe(i, now);
        } else {
            self.track.breach(i, now);
        }
        match d.action {
            // The simulator's perp accounts rest no orders: run_pipeline never
            // asks to cancel; deficits to resolve are for unified pools only.
            Action::None | Action::CancelOrders | Action::ResolveDeficit => Ok((false, false)),
            Action::Backstop => {
                self.backstops += 1;
                let r = match d.reason {
                    Reason::Infeasible => 0,
                    Reason::BelowBackstopFraction => 1,
                    _ => 2,
                };
                self.backstop_reasons[r] += 1;
                self.transfer(i)?;
                self.track.safe(i, now);
                Ok((true, false))
            }
            Action::Takeover if !self.pol.close_all => {
                // No order helps and the policy has no backstop: the insurance
                // fund takes the account over at its bankruptcy price
                // (Binance: "the insurance fund takes over").
                self.takeovers += 1;
                self.transfer(i)?;
                self.track.safe(i, now);
                Ok((true, false))
            }
            Action::Liquidate | Action::Takeover => {
                let mut orders: Vec<(usize, i64, i64)> = Vec::with_capacity(4);
                if self.pol.close_all {
                    for (k, p) in a.positions.iter().enumerate() {
                        if p.size.0 != 0 {
                            let limit = limit_price(&pool, &self.markets, &self.marks, k, self.pol.policy.price_band)
                                .map_err(core("limit_price", i))?;
                            orders.push((k, -p.size.0, limit.0));
                        }
                    }
                } else {
                    for l in &legs[..d.plan.leg_count] {
                        orders.push((l.position_index as usize, l.size_delta.0, l.limit_price.0));
                    }
                }
                let mut filled = false;
                for (k, size_delta, limit) in orders {
                    filled |= self.execute(i, k, size_delta, limit, block)?;
                }
                self.compact(i);
                if self.accts[i].positions.is_empty() {
                    self.closed[i] = true;
                    self.track.safe(i, now);
                    return Ok((filled, false));
                }
                if self.bankrupt(i)? {
                    // What the book could not close of a bankrupt account is
                    // taken over by the liquidation engine (the insurance
                    // fund pays the deficit; see `transfer`).
                    self.takeovers += 1;
                    self.transfer(i)?;
                    self.track.safe(i, now);
                    self.track.safe(i, now);
                    return Ok((true, false));
                }
                Ok((filled, filled && d.reason == Reason::StepCapped))
            }
        }
    }

    fn note_fund(&mut self) {
        self.fund_low = self.fund_low.min(i128::from(self.fund.balance.0));
    }

    fn bankrupt(&self, i: usize) -> Result<bool, SimError> {
        let a = &self.accts[i];
        let h = partliq::pool_health(&Pool::new(a.collateral, &a.positions), &self.markets, &self.marks).map_err(core("pool_health", i))?;
        Ok(h.equity.0 < 0)
    }

    /// Takes a whole account over (a backstop transfer, or the engine's
    /// takeover of a bankrupt account): when the insurance fund can pay its
    /// deficit, the vault gets its collateral and positions and the fund pays
    /// the deficit to the vault; when it cannot, every position is
    /// deleveraged against opposite-side accounts at its bankruptcy price,
    /// and what even that cannot place goes to the vault, which absorbs the
    /// deficit the fund cannot pay.
    fn transfer(&mut self, i: usize) -> Result<(), SimError> {
        self.touched[i] = true;
        self.closed[i] = true;
        self.screen.changed(i);
        self.states[i] = AccountLiquidationState::default();
        let t = {
            let a = &self.accts[i];
            backstop_transfer(&Pool::new(a.collateral, &a.positions), &self.markets, &self.marks).map_err(core("backstop_transfer", i))?
        };
        self.bad_debt += i128::from(t.deficit.0);
        let room = i128::from(self.fund.balance.0) - i128::from(self.fund.floor.0);
        if i128::from(t.deficit.0) > room {
            let mut k = 0;
            while k < self.accts[i].positions.len() {
                let size = self.accts[i].positions[k].size.0;
                if size != 0 && !self.deleverage(i, k, -size)? {
                    break;
                }
                k += 1;
            }
            self.compact(i);
            if self.accts[i].positions.is_empty() {
                // Closed at bankruptcy prices: what is left (≥ 0) stays the account's.
                return Ok(());
            }
        }
        let t = {
            let a = &self.accts[i];
            backstop_transfer(&Pool::new(a.collateral, &a.positions), &self.markets, &self.marks).map_err(core("backstop_transfer", i))?
        };
        let equity = equity_at(&self.accts[i], &self.marks);
        self.track.handed_over(i, equity);
        let a = &mut self.accts[i];
        self.vault_collateral += i128::from(a.collateral.0);
        for p in &a.positions {
            let m = p.market_index as usize;
            self.backstop_notional += abs_notional(p.size.0, self.marks[m].0);
            let v = &mut self.vault[m];
            v.size = Size(v.size.0 + p.size.0);
            v.quote_balance = Quote(v.quote_balance.0 + p.quote_balance.0);
        }
        a.collateral = Quote(0);
        a.positions.clear();
        if t.deficit.0 > 0 {
            // The fund pays the vault what it can; the vault absorbs the rest.
            let cov = self.fund.cover(t.deficit).map_err(core("insurance fund", i))?;
            self.vault_collateral += i128::from(cov.covered.0);
            self.vault_absorbed += i128::from(cov.uncovered.0);
            self.note_fund();
        }
        Ok(())
    }

    /// Sends one liquidation order to the book; true if anything filled.
    fn execute(&mut self, i: usize, k: usize, size_delta: i64, limit: i64, block: u64) -> Result<bool, SimError> {
        let Some(pos) = self.accts[i].positions.get(k).copied() else { return Ok(false) };
        if pos.size.0 == 0 || size_delta == 0 {
            return Ok(false);
        }
        let m = pos.market_index as usize;
        let lot = self.markets[m].lot_step.0;
        let Some(q) = self.books[m].quote(size_delta, limit, lot) else {
            self.unfilled += 1;
            return Ok(false);
        };
        let a = &self.accts[i];
        let pool = Pool::new(a.collateral, &a.positions);
        let fill = Fill { position_index: k, size_delta: Size(q.size_delta), price: Price(q.price) };
        let s = settle_fill(&pool, &self.markets, &self.marks, &fill).map_err(core("settle_fill", i))?;
        let room = i128::from(self.fund.balance.0) - i128::from(self.fund.floor.0);
        if i128::from(s.bad_debt.0) > room && self.deleverage(i, k, size_delta)? {
            return Ok(true);
        }
        self.books[m].commit(&q);
        self.book_size[m] -= i128::from(q.size_delta);
        self.book_cash -= i128::from(s.fill_cash.0);
        let before = equity_at(&self.accts[i], &self.marks);
        self.screen.changed(i);
        self.accts[i].positions[k] = s.new_position;
        let after = equity_at(&self.accts[i], &self.marks);
        self.track.fill(i, before, after, i128::from(s.fee.0), i128::from(s.bad_debt.0), true);
        let cov = self.fund.book(&s).map_err(core("insurance fund", i))?;
        self.unrecovered += i128::from(cov.uncovered.0);
        self.liquidators += i128::from(s.fee_to_liquidator.0);
        self.fees_to_fund += i128::from(s.fee_to_insurance.0);
        self.bad_debt += i128::from(s.bad_debt.0);
        self.states[i].record_insurance_loss(block, cov.covered).map_err(core("record_insurance_loss", i))?;
        self.note_fund();
        self.notional += i128::from(s.fill_cash.0).abs();
        self.fills += 1;
        if q.size_delta != size_delta {
            self.partial_fills += 1;
        }
        self.touched[i] = true;
        Ok(true)
    }

    /// Closes the order against opposite-side accounts at the bankruptcy
    /// price (auto-deleveraging); false if they cannot absorb it.
    fn deleverage(&mut self, i: usize, k: usize, size_delta: i64) -> Result<bool, SimError> {
        let a = &self.accts[i];
        let pos = a.positions[k];
        let m = pos.market_index as usize;
        let pool = Pool::new(a.collateral, &a.positions);
        let b = bankruptcy_price(&pool, &self.markets, &self.marks, k, Size(size_delta)).map_err(core("bankruptcy_price", i))?;
        if b.price.0 <= 0 {
            return Ok(false);
        }
        let mark = self.marks[m].0;
        let mut cands: Vec<AdlCandidate> = Vec::new();
        for (j, other) in self.accts.iter().enumerate() {
            if j == i {
                continue;
            }
            for p in &other.positions {
                if p.market_index as usize == m && p.size.0 != 0 && p.size.0.signum() != pos.size.0.signum() {
                    let value = num_floor(i128::from(p.size.0) * i128::from(mark), NOTIONAL_DIVISOR);
                    let (equity, _) = self.float_health(other);
                    cands.push(AdlCandidate {
                        account: j as u32,
                        reserved: 0,
                        size: p.size,
                        unrealized_pnl: Quote(narrow(value + i128::from(p.quote_balance.0))),
                        entry_notional: Quote(p.quote_balance.0.saturating_abs()),
                        mark_notional: Quote(narrow(value.abs())),
                        margin: Quote(equity as i64),
                    });
                }
            }
        }
        let mut order = vec![0u32; cands.len()];
        let mut fills = vec![AdlFill::default(); cands.len()];
        let lot = self.markets[m].lot_step;
        let n = match deleverage(Size(-size_delta), b.price, lot, &cands, AdlMode::Queue, &mut order, &mut fills) {
            Ok(n) => n,
            Err(CoreError::InsufficientCounterparties) => return Ok(false),
            Err(e) => return Err(SimError::Core { what: "deleverage", account: i, error: e }),
        };
        // The liquidated side, at the bankruptcy price, without a fee.
        let fill = Fill { position_index: k, size_delta: Size(size_delta), price: b.price };
        let s = settle_fill(&pool, &self.markets_nofee, &self.marks, &fill).map_err(core("settle_fill (deleverage)", i))?;
        let before = equity_at(&self.accts[i], &self.marks);
        self.screen.changed(i);
        self.accts[i].positions[k] = s.new_position;
        let after = equity_at(&self.accts[i], &self.marks);
        self.track.fill(i, before, after, i128::from(s.fee.0), i128::from(s.bad_debt.0), false);
        let cov = self.fund.book(&s).map_err(core("insurance fund", i))?;
        self.unrecovered += i128::from(cov.uncovered.0);
        self.liquidators += i128::from(s.fee_to_liquidator.0);
        self.bad_debt += i128::from(s.bad_debt.0);
        let mut paid: i128 = 0;
        for f in &fills[..n] {
            let j = f.account as usize;
            let cash = trade_cash(f.size_delta.0, f.price.0);
            paid += cash;
            let before = equity_at(&self.accts[j], &self.marks);
            self.screen.changed(j);
            if let Some(p) = self.accts[j].positions.iter_mut().find(|p| p.market_index as usize == m) {
                p.size = Size(p.size.0 + f.size_delta.0);
                p.quote_balance = Quote(narrow(i128::from(p.quote_balance.0) + cash));
            }
            let after = equity_at(&self.accts[j], &self.marks);
            self.track.counterparty(j, before, after);
            self.deleveraged[j] = true;
            self.compact(j);
        }
        // Rounding crumbs (each side rounded down) go to the fund.
        let residual = -(i128::from(s.fill_cash.0) + paid);
        if residual > 0 {
            self.fund.credit(Quote(narrow(residual))).map_err(core("insurance fund", i))?;
        }
        self.note_fund();
        self.adl_events += 1;
        self.adl_notional += i128::from(s.fill_cash.0).abs();
        self.touched[i] = true;
        Ok(true)
    }

    /// The vault sells a part of what it holds on the book.
    fn unwind_vault(&mut self) -> Result<(), SimError> {
        let sb = &self.w.scenario.backstop;
        if sb.unwind_per_step <= 0.0 {
            return Ok(());
        }
        for m in 0..self.vault.len() {
            let p = self.vault[m];
            if p.size.0 == 0 {
                continue;
            }
            let lot = self.markets[m].lot_step.0;
            let units = p.size.0.abs();
            let want = (((units as f64 * sb.unwind_per_step) / lot as f64).ceil() as i64 * lot).clamp(lot.min(units), units);
            let delta = -p.size.0.signum() * want;
            let mark = self.marks[m].0 as f64;
            let limit = if delta < 0 { round_cents(mark * (1.0 - sb.unwind_band)) } else { round_cents(mark * (1.0 + sb.unwind_band)) };
            let Some(q) = self.books[m].quote(delta, limit, lot) else { continue };
            let cash = trade_cash(q.size_delta, q.price);
            self.books[m].commit(&q);
            self.book_size[m] -= i128::from(q.size_delta);
            self.book_cash -= cash;
            let v = &mut self.vault[m];
            v.size = Size(v.size.0 + q.size_delta);
            v.quote_balance = Quote(narrow(i128::from(v.quote_balance.0) + cash));
            self.unwind_notional += cash.abs();
        }
        Ok(())
    }
}
