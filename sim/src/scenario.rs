//! The scenario file: a TOML description of markets, a price path, an
//! account population, the insurance fund, the backstop vault and the
//! policies to compare.
//!
//! Parsing has two layers. `serde` + `toml` read the file into
//! [`Scenario`] (missing fields, wrong types, unknown fields and unknown
//! enum values are reported by `toml` with the line). [`Scenario::validate`]
//! then checks meaning (negative depth, leverage over a tier's cap, unknown
//! policy names, …) and reports the offending field by its dotted path, which
//! [`locate`] turns into a line of the file.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The built-in default scenario (also the file `scenarios/default.toml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/default.toml");

/// A policy name's suffix that runs it behind a price guard.
pub const GUARD_SUFFIX: &str = "+guard";

/// Policy names the simulator knows without a `[[custom_policies]]` entry.
pub const BUILTIN_POLICIES: &[&str] =
    &["full", "partliq", "hyperliquid", "dydx_v4", "dydx_v4_bypass", "binance_usdm", "bitmex", "okx", "deribit", "perp_v2"];

/// The field reference printed by `--explain-scenario` (and in `--help`).
pub const FIELD_REFERENCE: &str = r#"SCENARIO FILE (TOML) — every field

Money is in USD (floats in the file; integers of micro-USD inside partliq).
Fractions are plain numbers (0.05 = 5 %). Required fields are marked (req).

Top level
  name            string   label printed in the report               (default "scenario")
  seed            integer  seed of every random draw (population, noise) (req)
  steps           integer  number of simulated steps, >= 1                (req)
  step_seconds    integer  simulated seconds per step, >= 1 (the clock the
                           policies see: cooldowns, windows)              (req)
  max_rounds      integer  liquidation passes per step (the cascade: each
                           pass sees the marks the previous one moved;
                           the oracle moves a part of the step each pass) (default 4)
  ticks_per_round integer  engine ticks (blocks) per pass: an account
                           whose step a rule capped (dYdX's per-block
                           limits, Hyperliquid's 20 %) steps again, up to
                           this many times per pass                      (default 15)
  main_market     string   market whose price path the chart and the
                           "deepest price" row show first                (req)
  policies        [string] policies to run side by side: built-ins
                           full, partliq, hyperliquid, dydx_v4,
                           dydx_v4_bypass, binance_usdm, bitmex, okx, deribit, perp_v2,
                           or the name of a [[custom_policies]] entry     (req)

[insurance_fund]
  initial_usd     float    starting balance, >= floor_usd                 (req)
  floor_usd       float    the fund never pays below it, >= 0            (default 0)

[backstop]        the vault that takes over accounts a policy backstops
  vault_usd       float    the vault's starting capital, >= 0            (req)
  unwind_per_step float    fraction of the vault's positions it sells on
                           the book each step, in [0, 1]                 (default 0.05)
  unwind_band     float    its orders' limit, this far from the mark,
                           in [0, 1)                                     (default 0.02)

[path]            the oracle price path
  points          [[step, multiplier], ...] the main market's price as a
                           multiple of its start price at key steps,
                           linear in between; first step 0, steps
                           strictly increasing, multipliers > 0           (req)
  noise           float    per-step log-normal jitter (sd), >= 0          (default 0)
  depth           [[step, multiplier], ...] every book's depth as a
                           multiple of its depth_usd (a liquidity
                           drought), linear in between, > 0      (default constant)
  funding         [[step, rate], ...] funding per step, a fraction of
                           notional longs pay shorts (< 0: shorts pay),
                           in [-0.1, 0.1], linear in between     (default none)
  Market j's oracle is price_j × multiplier^beta_j × jitter.
  confidence      float    the oracle's confidence, fraction of its price,
                           in [0, 1)                                      (default 0)
  stale           [[from, to, delay], ...] in steps from..=to the engine
                           reads the oracle as published delay steps
                           earlier: that step's price and publish time
                           (the path is the true price), delay <= from    (default none)
  spikes          [[step, multiplier, confidence], ...] in that step the
                           oracle reads the true price × multiplier (> 0)
                           with that confidence (fraction, [0, 1))        (default none)
  A policy name with the suffix `+guard` runs the policy behind a price
  guard (oracle at most half a step old, confidence at most 1 %).

[population]      generated accounts (seeded)
  accounts        integer  number of generated accounts                   (req)
  long_fraction   float    probability that a position is long, [0, 1]    (req)
  collateral_median_usd float median collateral (log-normal), > 0          (req)
  collateral_sigma float   log-normal sigma of collateral, >= 0           (req)
  leverage_sigma  float    log-normal sigma of leverage around each
                           market's leverage_median, >= 0                 (req)
  multi_market_fraction float share of accounts holding 2-3 markets
                           (cross margin), [0, 1]                         (default 0)
  entry_spread    float    sd of entry prices around the start price
                           (some accounts start in profit, some in loss) (default 0)
  whales          integer  extra large accounts                           (default 0)
  whale_collateral_usd [lo, hi] their collateral, log-uniform, 0 < lo <= hi
                                                                          (default [1e6, 1e7])
  Generated positions never exceed the max leverage of the tier their
  notional falls in (they are scaled down to it).

[[markets]]       one table per market (at most 16)
  name            string   unique                                         (req)
  price           float    start price in USD, >= 0.01                    (req)
  lot             float    lot step in coins (a multiple of 1e-8)         (req)
  beta            float    multiplier of the path's log-move, >= 0        (default 1)
  weight          float    share of generated positions, >= 0             (req)
  depth_usd       float    book depth: consuming depth_usd of notional
                           moves the mark by `impact`; square-root law:
                           move = impact × sqrt(consumed / depth_usd); > 0 (req)
  impact          float    price move (fraction) at depth_usd, >= 0;
                           0 = no market impact                           (req)
  resilience      float    fraction of consumed depth the book restores
                           each step (the mark recovers toward the
                           oracle), in [0, 1]                             (req)
  leverage_median float    median leverage of generated positions, >= 1   (req)
  leverage_max    float    most leverage of generated positions; at most
                           the first tier's max_leverage                  (req)
  tiers           [{ floor_usd, max_leverage }, ...] margin tiers by
                           position notional (Hyperliquid style: initial
                           = 1 / max_leverage, maintenance = half of it);
                           first floor 0, floors increasing, max_leverage
                           integer >= 1 and not increasing                (req)

[[accounts]]      explicit accounts, added to the generated ones
  count           integer  copies of this account, >= 1                   (default 1)
  collateral_usd  float    > 0                                            (req)
  positions       [{ market, side, leverage, entry }, ...]                (req)
    market        string   a market name
    side          "long" | "short"
    leverage      float    notional = collateral_usd × leverage; > 0 and
                           at most the max_leverage of the tier the
                           notional falls in, and the account's initial
                           margin must not exceed its collateral
    entry         float    entry price in USD                  (default: start price)

[[custom_policies]]  a policy built from a base and overrides
  name            string   unique, not a built-in name                     (req)
  base            string   a built-in policy name                          (req)
  target          "maintenance" | "initial"     where a liquidation stops
  target_buffer   float    maintenance × (1 + buffer), [0, 1]
  price_band      float    limit price band around the mark, [0, 1]
  sizing          "minimal" | "max_allowed"
  order           "largest_maintenance" | "best_release" | "pro_rata"
  max_fraction    float    most of a position one step closes, [0, 1] (0 off)
  fraction_threshold_usd float  ... for positions above this notional
  cooldown_seconds integer after a partial step, close whole for this long
  min_notional_usd float   dYdX-style least notional per step
  max_portion     float    dYdX-style most portion per step, [0, 1]
  backstop_fraction [num, den]  backstop when equity < num/den × maintenance
  backstop_on_infeasible bool   backstop when no partial reduction works
  liquidation_fee float    fee on the liquidated notional, [0, 1]
  liquidator_share float   the liquidator's share of the fee, [0, 1]
  dust_floor_usd  float    remainders below it close whole, >= 0
  close_all       bool     close every position of a breached account whole
  unified_ordering "cheapest" | "perps_first" | "by_tier" | "tokens_first"
                           which legs of a unified account compete
  unified_objective "least_value" | "least_cost"  what its plan minimises
  take_over_bankrupt bool  hand a bankrupt unified account to the fund whole
  Omitted fields keep the base policy's values.

[[assets]]        collateral assets of the unified accounts (at most 16)
  name            string   unique                                         (req)
  price           float    start price in USD, >= 0.01                    (req)
  unit            float    a balance's smallest unit in coins, a power of
                           ten from 1e-8 to 1 (coarser units plan faster) (default 1e-8)
  follows         string   a market whose oracle the price follows
                           (price × (oracle / start)^beta)
  beta            float    >= 0                                           (default 1)
  points          [[step, multiplier], ...] its own path when it follows
                           no market (as [path] points); neither: constant
  initial_asset_weight, maintenance_asset_weight     haircuts of a deposit:
                           0 <= initial <= maintenance <= 1               (default 1)
  maintenance_liability_weight, initial_liability_weight   of a borrow:
                           1 <= maintenance <= initial <= 10              (default 1)
  liquidation_bonus float  the liquidator's bonus, [0, 0.5]               (default 0)
  insurance_fee   float    the fund's fee on top of it, [0, 0.5]          (default 0)
  liquidation_tier integer the asset's tier as a liability (by_tier
                           policies relieve the highest tier first)       (default 0)
  Markets take `liquidation_tier` (default 0) too.

[unified]         unified accounts: deposits, borrows, perps (seeded)
  accounts        integer  number of unified accounts, <= 100,000         (req)
  deposit_median_usd float median value of an account's deposits, > 0     (req)
  deposit_sigma   float    log-normal sigma of it, [0, 5]                 (default 0)
  collateral      [string] assets deposited (one or two per account)      (req)
  borrow_asset    string   the asset borrowed (needed to borrow)
  perp_fraction   float    share of accounts with a perp backed by the
                           deposits, [0, 1]                               (default 0)
  borrow_fraction float    share of accounts borrowing, [0, 1]            (default 0)
  long_fraction   float    share of those perps that are long, [0, 1]     (default 0.75)
  perp_usage      [lo, hi] share of the free initial margin a perp uses,
                           0 < lo <= hi <= 1                              (default [0.5, 0.95])
  borrow_usage    [lo, hi] the same for a borrow                          (default [0.5, 0.95])
  open_orders_fraction float share of perps with resting orders (the
                           liquidation cancels them first), [0, 1]        (default 0)
  utilization     float    borrows over the outside deposits of the
                           borrowed asset (who pays a socialized loss
                           of it), (0, 1]                                 (default 0.8)
"#;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "default_name")]
    pub name: String,
    pub seed: u64,
    pub steps: u32,
    pub step_seconds: u64,
    #[serde(default = "default_rounds")]
    pub max_rounds: u32,
    #[serde(default = "default_ticks")]
    pub ticks_per_round: u32,
    pub main_market: String,
    pub policies: Vec<String>,
    pub insurance_fund: FundSpec,
    pub backstop: BackstopSpec,
    pub path: PathSpec,
    pub population: PopulationSpec,
    pub markets: Vec<MarketSpec>,
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    #[serde(default)]
    pub custom_policies: Vec<CustomPolicySpec>,
    /// Collateral assets of the unified accounts.
    #[serde(default)]
    pub assets: Vec<AssetSpec>,
    /// The unified accounts' population (none without it).
    #[serde(default)]
    pub unified: Option<UnifiedSpec>,
}

fn default_name() -> String {
    "scenario".to_string()
}
fn default_rounds() -> u32 {
    4
}
fn default_ticks() -> u32 {
    15
}
fn default_one() -> f64 {
    1.0
}
fn default_count() -> u32 {
    1
}
fn default_unwind() -> f64 {
    0.05
}
fn default_unwind_band() -> f64 {
    0.02
}
fn default_whale_range() -> (f64, f64) {
    (1e6, 1e7)
}
fn default_asset_unit() -> f64 {
    1e-8
}
fn default_unified_long() -> f64 {
    0.75
}
fn default_usage() -> (f64, f64) {
    (0.5, 0.95)
}
fn default_utilization() -> f64 {
    0.8
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundSpec {
    pub initial_usd: f64,
    #[serde(default)]
    pub floor_usd: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackstopSpec {
    pub vault_usd: f64,
    #[serde(default = "default_unwind")]
    pub unwind_per_step: f64,
    #[serde(default = "default_unwind_band")]
    pub unwind_band: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathSpec {
    pub points: Vec<(u32, f64)>,
    #[serde(default)]
    pub noise: f64,
    /// The oracle's confidence (half-width), a fraction of its price.
    #[serde(default)]
    pub confidence: f64,
    /// `[from, to, delay]`: in steps `from..=to` the engine reads the
    /// oracle as published `delay` steps earlier (its price and time then).
    #[serde(default)]
    pub stale: Vec<(u32, u32, u32)>,
    /// `[step, multiplier, confidence]`: in that step the oracle reads the
    /// path's price × multiplier, with that confidence (fraction).
    #[serde(default)]
    pub spikes: Vec<(u32, f64, f64)>,
    /// Every market's book depth as a multiple of its `depth_usd`, at key
    /// steps, linear in between (empty: constant).
    #[serde(default)]
    pub depth: Vec<(u32, f64)>,
    /// Funding rate per step (fraction of notional longs pay shorts;
    /// negative: shorts pay), at key steps, linear in between (empty: none).
    #[serde(default)]
    pub funding: Vec<(u32, f64)>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    pub accounts: u32,
    pub long_fraction: f64,
    pub collateral_median_usd: f64,
    pub collateral_sigma: f64,
    pub leverage_sigma: f64,
    #[serde(default)]
    pub multi_market_fraction: f64,
    #[serde(default)]
    pub entry_spread: f64,
    #[serde(default)]
    pub whales: u32,
    #[serde(default = "default_whale_range")]
    pub whale_collateral_usd: (f64, f64),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSpec {
    pub name: String,
    pub price: f64,
    pub lot: f64,
    #[serde(default = "default_one")]
    pub beta: f64,
    pub weight: f64,
    pub depth_usd: f64,
    pub impact: f64,
    pub resilience: f64,
    pub leverage_median: f64,
    pub leverage_max: f64,
    pub tiers: Vec<TierSpec>,
    /// The market's liquidation tier for unified accounts under a
    /// tier-ordered policy (higher: liquidated first).
    #[serde(default)]
    pub liquidation_tier: u32,
}

/// A collateral asset of the unified accounts: its price path, haircuts and
/// liquidation fees.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSpec {
    pub name: String,
    /// Start price, USD.
    pub price: f64,
    /// The smallest unit of a balance, in coins: a power of ten from 1e-8
    /// to 1.
    #[serde(default = "default_asset_unit")]
    pub unit: f64,
    /// A market whose oracle the price follows (its log-move times `beta`).
    #[serde(default)]
    pub follows: Option<String>,
    #[serde(default = "default_one")]
    pub beta: f64,
    /// Its own path (multipliers of the start price, as `[path] points`),
    /// when it follows no market; neither: a constant price.
    #[serde(default)]
    pub points: Vec<(u32, f64)>,
    #[serde(default = "default_one")]
    pub initial_asset_weight: f64,
    #[serde(default = "default_one")]
    pub maintenance_asset_weight: f64,
    #[serde(default = "default_one")]
    pub initial_liability_weight: f64,
    #[serde(default = "default_one")]
    pub maintenance_liability_weight: f64,
    /// The liquidator's bonus when the asset is taken or repaid.
    #[serde(default)]
    pub liquidation_bonus: f64,
    /// The insurance fund's fee on top of the bonus.
    #[serde(default)]
    pub insurance_fee: f64,
    /// The asset's liquidation tier as a liability (higher: first).
    #[serde(default)]
    pub liquidation_tier: u32,
}

/// The unified accounts' population (seeded).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnifiedSpec {
    pub accounts: u32,
    /// Median value of an account's deposits, USD (log-normal).
    pub deposit_median_usd: f64,
    #[serde(default)]
    pub deposit_sigma: f64,
    /// The assets deposited (one or two of them per account).
    pub collateral: Vec<String>,
    /// The asset borrowed (needed when `borrow_fraction` > 0).
    #[serde(default)]
    pub borrow_asset: Option<String>,
    /// Share of accounts holding a perp backed by their deposits.
    #[serde(default)]
    pub perp_fraction: f64,
    /// Share of accounts borrowing against their deposits.
    #[serde(default)]
    pub borrow_fraction: f64,
    #[serde(default = "default_unified_long")]
    pub long_fraction: f64,
    /// Share of the free initial margin a perp uses, [lo, hi].
    #[serde(default = "default_usage")]
    pub perp_usage: (f64, f64),
    /// Share of the free initial margin a borrow uses, [lo, hi].
    #[serde(default = "default_usage")]
    pub borrow_usage: (f64, f64),
    /// Share of accounts with resting orders on their perp.
    #[serde(default)]
    pub open_orders_fraction: f64,
    /// Borrows over the outside deposits of the borrowed asset.
    #[serde(default = "default_utilization")]
    pub utilization: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    pub floor_usd: f64,
    pub max_leverage: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    #[serde(default = "default_count")]
    pub count: u32,
    pub collateral_usd: f64,
    pub positions: Vec<AccountPositionSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Long,
    Short,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPositionSpec {
    pub market: String,
    pub side: Side,
    pub leverage: f64,
    #[serde(default)]
    pub entry: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSpec {
    Maintenance,
    Initial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizingSpec {
    Minimal,
    MaxAllowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSpec {
    LargestMaintenance,
    BestRelease,
    ProRata,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomPolicySpec {
    pub name: String,
    pub base: String,
    pub target: Option<TargetSpec>,
    pub target_buffer: Option<f64>,
    pub price_band: Option<f64>,
    pub sizing: Option<SizingSpec>,
    pub order: Option<OrderSpec>,
    pub max_fraction: Option<f64>,
    pub fraction_threshold_usd: Option<f64>,
    pub cooldown_seconds: Option<u64>,
    pub min_notional_usd: Option<f64>,
    pub max_portion: Option<f64>,
    pub backstop_fraction: Option<(u32, u32)>,
    pub backstop_on_infeasible: Option<bool>,
    pub liquidation_fee: Option<f64>,
    pub liquidator_share: Option<f64>,
    pub dust_floor_usd: Option<f64>,
    pub close_all: Option<bool>,
    /// Which legs of a unified account compete.
    pub unified_ordering: Option<OrderingSpec>,
    /// What the unified plan minimises.
    pub unified_objective: Option<ObjectiveSpec>,
    /// Hand a bankrupt unified account to the fund whole.
    pub take_over_bankrupt: Option<bool>,
}

/// [`partliq::unified::LegOrdering`] by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderingSpec {
    Cheapest,
    PerpsFirst,
    ByTier,
    TokensFirst,
}

/// [`partliq::unified::PlanObjective`] by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveSpec {
    LeastValue,
    LeastCost,
}

/// One step of a field path (`markets[2].depth_usd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A scenario error: the field, its line when known, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub source: String,
    pub field: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.field.is_empty(), self.line) {
            (true, _) => write!(f, "{}: {}", self.source, self.message),
            (false, Some(l)) => write!(f, "{}:{}: field `{}`: {}", self.source, l, self.field, self.message),
            (false, None) => write!(f, "{}: field `{}`: {}", self.source, self.field, self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// A semantic problem before it is located in the file.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: Vec<Seg>,
    pub message: String,
}

fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The 1-based line of the field at `path` in `text`; when the field itself is
/// absent, the line of the deepest enclosing table or array that is present.
pub fn locate(text: &str, path: &[Seg]) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut item: &toml_edit::Item = doc.as_item();
    let mut best: Option<std::ops::Range<usize>> = None;
    for seg in path {
        let next = match seg {
            Seg::Key(k) => {
                // Prefer the key's own span (the start of `key = value`).
                let key_span = match item {
                    toml_edit::Item::Table(t) => t.get_key_value(k).and_then(|(key, _)| key.span()),
                    toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => t.get_key_value(k).and_then(|(key, _)| key.span()),
                    _ => None,
                };
                let next = item.get(k.as_str());
                if let Some(sp) = key_span {
                    best = Some(sp);
                } else if let Some(n) = next {
                    if let Some(sp) = n.span() {
                        best = Some(sp);
                    }
                }
                next
            }
            Seg::Index(i) => {
                let next = item.get(*i);
                if let Some(n) = next {
                    let sp = match n {
                        toml_edit::Item::Table(t) => t.span(),
                        other => other.span(),
                    };
                    if sp.is_some() {
                        best = sp;
                    }
                }
                next
            }
        };
        match next {
            Some(n) => item = n,
            None => break,
        }
    }
    let start = best?.start;
    Some(text.get(..start)?.matches('\n').count() + 1)
}

impl Scenario {
    /// Parses and validates a scenario; `source` names it in messages.
    pub fn parse(text: &str, source: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let line = e.span().and_then(|sp| text.get(..sp.start).map(|t| t.matches('\n').count() + 1));
            let message = e.message().trim().to_string();
            // toml names the field in its message ("missing field `depth_usd`").
            let field = message.split('`').nth(1).unwrap_or_default().to_string();
            ScenarioError { source: source.to_string(), field, line, message }
        })?;
        if let Some(p) = scenario.validate().into_iter().next() {
            return Err(ScenarioError {
                source: source.to_string(),
                field: path_string(&p.path),
                line: locate(text, &p.path),
                message: p.message,
            });
        }
        Ok(scenario)
    }

    /// The built-in default scenario.
    pub fn default_scenario() -> Scenario {
        match Scenario::parse(DEFAULT_SCENARIO, "<default scenario>") {
            Ok(s) => s,
            Err(e) => unreachable!("the embedded default scenario is invalid: {e}"),
        }
    }

    /// Every semantic problem, in file order of the checks.
    pub fn validate(&self) -> Vec<Problem> {
        let mut v = Validator { problems: Vec::new() };
        let k = |s: &str| Seg::Key(s.to_string());
        v.check(self.steps >= 1, vec![k("steps")], "must be at least 1".into());
        v.check(self.steps <= 1_000_000, vec![k("steps")], "must be at most 1,000,000".into());
        v.check(self.step_seconds >= 1, vec![k("step_seconds")], "must be at least 1".into());
        v.check((1..=64).contains(&self.max_rounds), vec![k("max_rounds")], "must be between 1 and 64".into());
        v.check((1..=1000).contains(&self.ticks_per_round), vec![k("ticks_per_round")], "must be between 1 and 1000".into());

        // Markets.
        v.check(!self.markets.is_empty(), vec![k("markets")], "at least one [[markets]] table is required".into());
        v.check(self.markets.len() <= 16, vec![k("markets")], "at most 16 markets".into());
        for (i, m) in self.markets.iter().enumerate() {
            let at = |f: &str| vec![k("markets"), Seg::Index(i), k(f)];
            v.check(!m.name.is_empty(), at("name"), "must not be empty".into());
            if self.markets.iter().take(i).any(|o| o.name == m.name) {
                v.fail(at("name"), format!("duplicate market name `{}`", m.name));
            }
            v.check(
                m.price.is_finite() && m.price >= 0.01 && m.price < 1e9,
                at("price"),
                format!("must be between 0.01 and 1e9 USD, got {}", m.price),
            );
            let lot_units = m.lot * 1e8;
            v.check(
                m.lot.is_finite() && lot_units >= 1.0 - 1e-9 && (lot_units - lot_units.round()).abs() < 1e-6 && lot_units < 1e15,
                at("lot"),
                format!("must be a positive multiple of 1e-8 coins, got {}", m.lot),
            );
            v.check(m.beta.is_finite() && m.beta >= 0.0, at("beta"), format!("must be >= 0, got {}", m.beta));
            v.check(m.weight.is_finite() && m.weight >= 0.0, at("weight"), format!("must be >= 0, got {}", m.weight));
            v.check(
                m.depth_usd.is_finite() && m.depth_usd > 0.0,
                at("depth_usd"),
                format!("book depth must be positive, got {}", m.depth_usd),
            );
            v.check(m.impact.is_finite() && (0.0..=1.0).contains(&m.impact), at("impact"), format!("must be in [0, 1], got {}", m.impact));
            v.check(
                m.resilience.is_finite() && (0.0..=1.0).contains(&m.resilience),
                at("resilience"),
                format!("must be in [0, 1], got {}", m.resilience),
            );
            v.check(m.tiers.len() <= partliq::MAX_TIERS, at("tiers"), format!("at most {} tiers", partliq::MAX_TIERS));
            if m.tiers.is_empty() {
                v.fail(at("tiers"), "at least one tier is required".into());
            }
            for (t, tier) in m.tiers.iter().enumerate() {
                let tat = |f: &str| vec![k("markets"), Seg::Index(i), k("tiers"), Seg::Index(t), k(f)];
                if t == 0 {
                    v.check(tier.floor_usd == 0.0, tat("floor_usd"), "the first tier must start at 0".into());
                } else {
                    let prev = &m.tiers[t - 1];
                    v.check(tier.floor_usd > prev.floor_usd, tat("floor_usd"), "floors must increase".into());
                    v.check(tier.max_leverage <= prev.max_leverage, tat("max_leverage"), "max leverage must not increase with size".into());
                }
                v.check(tier.floor_usd.is_finite() && tier.floor_usd < 1e12, tat("floor_usd"), "must be below 1e12 USD".into());
                v.check((1..=1000).contains(&tier.max_leverage), tat("max_leverage"), "must be between 1 and 1000".into());
            }
            let cap = m.tiers.first().map_or(0, |t| t.max_leverage);
            v.check(
                m.leverage_median.is_finite() && m.leverage_median >= 1.0,
                at("leverage_median"),
                format!("must be >= 1, got {}", m.leverage_median),
            );
            v.check(
                m.leverage_max.is_finite() && m.leverage_max >= m.leverage_median,
                at("leverage_max"),
                format!("must be >= leverage_median ({}), got {}", m.leverage_median, m.leverage_max),
            );
            v.check(
                m.leverage_max <= f64::from(cap),
                at("leverage_max"),
                format!("leverage {} is over the tier cap: the first tier allows at most {}x", m.leverage_max, cap),
            );
        }
        let market_index = |name: &str| self.markets.iter().position(|m| m.name == name);
        if !self.markets.is_empty() && market_index(&self.main_market).is_none() {
            v.fail(vec![k("main_market")], format!("unknown market `{}` (markets: {})", self.main_market, self.market_names()));
        }

        // Fund and vault.
        let f = &self.insurance_fund;
        v.check(f.floor_usd.is_finite() && f.floor_usd >= 0.0, vec![k("insurance_fund"), k("floor_usd")], "must be >= 0".into());
        v.check(
            f.initial_usd.is_finite() && f.initial_usd >= f.floor_usd && f.initial_usd < 1e12,
            vec![k("insurance_fund"), k("initial_usd")],
            format!("must be at least floor_usd ({}) and below 1e12, got {}", f.floor_usd, f.initial_usd),
        );
        let b = &self.backstop;
        v.check(
            b.vault_usd.is_finite() && (0.0..1e12).contains(&b.vault_usd),
            vec![k("backstop"), k("vault_usd")],
            "must be in [0, 1e12)".into(),
        );
        v.check((0.0..=1.0).contains(&b.unwind_per_step), vec![k("backstop"), k("unwind_per_step")], "must be in [0, 1]".into());
        v.check((0.0..1.0).contains(&b.unwind_band), vec![k("backstop"), k("unwind_band")], "must be in [0, 1)".into());

        // Path.
        let p = &self.path;
        if p.points.is_empty() {
            v.fail(vec![k("path"), k("points")], "at least one point is required".into());
        }
        for (i, &(step, mult)) in p.points.iter().enumerate() {
            let at = vec![k("path"), k("points"), Seg::Index(i)];
            if i == 0 {
                v.check(step == 0, at.clone(), "the first point must be at step 0".into());
            } else {
                v.check(step > p.points[i - 1].0, at.clone(), "steps must increase strictly".into());
            }
            v.check(mult.is_finite() && mult > 0.0, at, format!("multiplier must be positive, got {mult}"));
        }
        v.check(p.noise.is_finite() && (0.0..=0.5).contains(&p.noise), vec![k("path"), k("noise")], "must be in [0, 0.5]".into());
        v.check((0.0..1.0).contains(&p.confidence), vec![k("path"), k("confidence")], "must be in [0, 1)".into());
        for (i, &(from, to, delay)) in p.stale.iter().enumerate() {
            let ok = from <= to && to < self.steps && delay <= from;
            v.check(ok, vec![k("path"), k("stale"), Seg::Index(i)], "needs from <= to < steps and delay <= from".into());
        }
        for (i, &(step, mult, conf)) in p.spikes.iter().enumerate() {
            let ok = step < self.steps && mult.is_finite() && mult > 0.0 && (0.0..1.0).contains(&conf);
            v.check(ok, vec![k("path"), k("spikes"), Seg::Index(i)], "needs step < steps, multiplier > 0, confidence in [0, 1)".into());
        }
        for (field, pts) in [("depth", &p.depth), ("funding", &p.funding)] {
            for (i, &(step, x)) in pts.iter().enumerate() {
                let at = vec![k("path"), k(field), Seg::Index(i)];
                if i == 0 {
                    v.check(step == 0, at.clone(), "the first point must be at step 0".into());
                } else {
                    v.check(step > pts[i - 1].0, at.clone(), "steps must increase strictly".into());
                }
                if field == "depth" {
                    v.check(x.is_finite() && x > 0.0, at, format!("depth multiplier must be positive, got {x}"));
                } else {
                    v.check(
                        x.is_finite() && (-0.1..=0.1).contains(&x),
                        at,
                        format!("funding rate per step must be in [-0.1, 0.1], got {x}"),
                    );
                }
            }
        }

        // Population.
        let pop = &self.population;
        let at = |f: &str| vec![k("population"), k(f)];
        v.check(pop.accounts <= 2_000_000, at("accounts"), "at most 2,000,000".into());
        v.check((0.0..=1.0).contains(&pop.long_fraction), at("long_fraction"), "must be in [0, 1]".into());
        v.check(
            pop.collateral_median_usd.is_finite() && pop.collateral_median_usd > 0.0,
            at("collateral_median_usd"),
            "must be positive".into(),
        );
        v.check((0.0..=5.0).contains(&pop.collateral_sigma), at("collateral_sigma"), "must be in [0, 5]".into());
        v.check((0.0..=5.0).contains(&pop.leverage_sigma), at("leverage_sigma"), "must be in [0, 5]".into());
        v.check((0.0..=1.0).contains(&pop.multi_market_fraction), at("multi_market_fraction"), "must be in [0, 1]".into());
        v.check((0.0..=0.5).contains(&pop.entry_spread), at("entry_spread"), "must be in [0, 0.5]".into());
        v.check(pop.whales <= 100_000, at("whales"), "at most 100,000".into());
        let (lo, hi) = pop.whale_collateral_usd;
        v.check(
            lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi && hi < 1e11,
            at("whale_collateral_usd"),
            "need 0 < lo <= hi < 1e11".into(),
        );
        if pop.accounts + pop.whales > 0 && !self.markets.is_empty() && self.markets.iter().map(|m| m.weight.max(0.0)).sum::<f64>() <= 0.0 {
            v.fail(vec![k("markets"), Seg::Index(0), k("weight")], "generated accounts need at least one market with weight > 0".into());
        }

        // Explicit accounts.
        for (i, a) in self.accounts.iter().enumerate() {
            let at = |f: &str| vec![k("accounts"), Seg::Index(i), k(f)];
            v.check((1..=1_000_000).contains(&a.count), at("count"), "must be between 1 and 1,000,000".into());
            v.check(
                a.collateral_usd.is_finite() && a.collateral_usd > 0.0 && a.collateral_usd < 1e11,
                at("collateral_usd"),
                "must be positive".into(),
            );
            v.check(!a.positions.is_empty(), at("positions"), "at least one position".into());
            let mut initial_margin = 0.0;
            for (j, pos) in a.positions.iter().enumerate() {
                let pat = |f: &str| vec![k("accounts"), Seg::Index(i), k("positions"), Seg::Index(j), k(f)];
                let Some(mi) = market_index(&pos.market) else {
                    v.fail(pat("market"), format!("unknown market `{}` (markets: {})", pos.market, self.market_names()));
                    continue;
                };
                if a.positions.iter().take(j).any(|o| o.market == pos.market) {
                    v.fail(pat("market"), format!("market `{}` appears twice in one account", pos.market));
                }
                if let Some(e) = pos.entry {
                    v.check(e.is_finite() && e >= 0.01, pat("entry"), "must be at least 0.01 USD".into());
                }
                if !(pos.leverage.is_finite() && pos.leverage > 0.0) {
                    v.fail(pat("leverage"), format!("must be positive, got {}", pos.leverage));
                    continue;
                }
                let m = &self.markets[mi];
                let notional = a.collateral_usd * pos.leverage;
                if let Some(cap) = tier_cap(m, notional) {
                    if pos.leverage > f64::from(cap) {
                        v.fail(
                            pat("leverage"),
                            format!(
                                "leverage {} is over the tier cap: a {} position of {:.0} USD may use at most {}x",
                                pos.leverage, m.name, notional, cap
                            ),
                        );
                    }
                    initial_margin += notional / f64::from(cap);
                }
            }
            if initial_margin > a.collateral_usd * (1.0 + 1e-9) {
                v.fail(
                    at("positions"),
                    format!(
                        "leverage over the tier caps: the positions need {:.2} USD of initial margin, collateral is {:.2}",
                        initial_margin, a.collateral_usd
                    ),
                );
            }
        }

        // Assets and unified accounts.
        self.validate_unified(&mut v);

        // Policies.
        for (i, c) in self.custom_policies.iter().enumerate() {
            let at = |f: &str| vec![k("custom_policies"), Seg::Index(i), k(f)];
            if c.name.is_empty() {
                v.fail(at("name"), "must not be empty".into());
            }
            if BUILTIN_POLICIES.contains(&c.name.as_str()) {
                v.fail(at("name"), format!("`{}` is a built-in policy name; choose another", c.name));
            }
            if self.custom_policies.iter().take(i).any(|o| o.name == c.name) {
                v.fail(at("name"), format!("duplicate custom policy name `{}`", c.name));
            }
            if !BUILTIN_POLICIES.contains(&c.base.as_str()) {
                v.fail(at("base"), format!("unknown policy name `{}` (built-ins: {})", c.base, BUILTIN_POLICIES.join(", ")));
            }
            let unit = |v: &mut Validator, f: &str, x: Option<f64>| {
                if let Some(x) = x {
                    v.check(x.is_finite() && (0.0..=1.0).contains(&x), at(f), format!("must be in [0, 1], got {x}"));
                }
            };
            unit(&mut v, "target_buffer", c.target_buffer);
            unit(&mut v, "price_band", c.price_band);
            unit(&mut v, "max_fraction", c.max_fraction);
            unit(&mut v, "max_portion", c.max_portion);
            unit(&mut v, "liquidation_fee", c.liquidation_fee);
            unit(&mut v, "liquidator_share", c.liquidator_share);
            for (f, x) in [
                ("fraction_threshold_usd", c.fraction_threshold_usd),
                ("min_notional_usd", c.min_notional_usd),
                ("dust_floor_usd", c.dust_floor_usd),
            ] {
                if let Some(x) = x {
                    v.check(x.is_finite() && (0.0..1e12).contains(&x), at(f), format!("must be in [0, 1e12), got {x}"));
                }
            }
            if let Some((n, d)) = c.backstop_fraction {
                v.check(d > 0 && n < d, at("backstop_fraction"), format!("need 0 <= num < den, got [{n}, {d}]"));
            }
        }
        if self.policies.is_empty() {
            v.fail(vec![k("policies")], "name at least one policy".into());
        }
        for (i, name) in self.policies.iter().enumerate() {
            let base = name.strip_suffix(GUARD_SUFFIX).unwrap_or(name);
            let known = BUILTIN_POLICIES.contains(&base) || base == "none" || self.custom_policies.iter().any(|c| c.name == base);
            if !known {
                let mut names: Vec<&str> = BUILTIN_POLICIES.to_vec();
                names.extend(self.custom_policies.iter().map(|c| c.name.as_str()));
                v.fail(vec![k("policies"), Seg::Index(i)], format!("unknown policy name `{name}` (known: {})", names.join(", ")));
            }
            if self.policies.iter().take(i).any(|o| o == name) {
                v.fail(vec![k("policies"), Seg::Index(i)], format!("policy `{name}` listed twice"));
            }
        }
        v.problems
    }

    fn validate_unified(&self, v: &mut Validator) {
        let k = |s: &str| Seg::Key(s.to_string());
        v.check(self.assets.len() <= 16, vec![k("assets")], "at most 16 assets".into());
        let market_index = |name: &str| self.markets.iter().position(|m| m.name == name);
        for (i, a) in self.assets.iter().enumerate() {
            let at = |f: &str| vec![k("assets"), Seg::Index(i), k(f)];
            v.check(!a.name.is_empty(), at("name"), "must not be empty".into());
            if self.assets.iter().take(i).any(|o| o.name == a.name) {
                v.fail(at("name"), format!("duplicate asset name `{}`", a.name));
            }
            v.check(
                a.price.is_finite() && a.price >= 0.01 && a.price < 1e9,
                at("price"),
                format!("must be between 0.01 and 1e9 USD, got {}", a.price),
            );
            v.check(
                crate::det::decimal_exponent(a.unit).is_some_and(|k| (-8..=0).contains(&k)),
                at("unit"),
                format!("must be a power of ten from 1e-8 to 1, got {}", a.unit),
            );
            if let Some(f) = &a.follows {
                if market_index(f).is_none() {
                    v.fail(at("follows"), format!("unknown market `{f}` (markets: {})", self.market_names()));
                }
                v.check(a.points.is_empty(), at("points"), "an asset follows a market or has its own points, not both".into());
            }
            v.check(a.beta.is_finite() && (0.0..=10.0).contains(&a.beta), at("beta"), format!("must be in [0, 10], got {}", a.beta));
            for (j, &(step, mult)) in a.points.iter().enumerate() {
                let pat = vec![k("assets"), Seg::Index(i), k("points"), Seg::Index(j)];
                if j == 0 {
                    v.check(step == 0, pat.clone(), "the first point must be at step 0".into());
                } else {
                    v.check(step > a.points[j - 1].0, pat.clone(), "steps must increase strictly".into());
                }
                v.check(mult.is_finite() && mult > 0.0, pat, format!("multiplier must be positive, got {mult}"));
            }
            // Each field named by itself: the maintenance weight against its
            // bound, the initial one against the maintenance one.
            let (ia, ma, ml, il) =
                (a.initial_asset_weight, a.maintenance_asset_weight, a.maintenance_liability_weight, a.initial_liability_weight);
            let ma_ok = ma.is_finite() && (0.0..=1.0).contains(&ma);
            v.check(ma_ok, at("maintenance_asset_weight"), format!("need 0 <= maintenance_asset_weight ({ma}) <= 1"));
            v.check(
                !ma_ok || (ia.is_finite() && (0.0..=ma).contains(&ia)),
                at("initial_asset_weight"),
                format!("need 0 <= initial_asset_weight ({ia}) <= maintenance_asset_weight ({ma}) <= 1"),
            );
            let ml_ok = ml.is_finite() && (1.0..=10.0).contains(&ml);
            v.check(ml_ok, at("maintenance_liability_weight"), format!("need 1 <= maintenance_liability_weight ({ml}) <= 10"));
            v.check(
                !ml_ok || (il.is_finite() && il >= ml && il <= 10.0),
                at("initial_liability_weight"),
                format!("need 1 <= maintenance_liability_weight ({ml}) <= initial_liability_weight ({il}) <= 10"),
            );
            for (f, x) in [("liquidation_bonus", a.liquidation_bonus), ("insurance_fee", a.insurance_fee)] {
                v.check(x.is_finite() && (0.0..=0.5).contains(&x), at(f), format!("must be in [0, 0.5], got {x}"));
            }
        }
        let Some(u) = &self.unified else { return };
        let at = |f: &str| vec![k("unified"), k(f)];
        let asset_index = |name: &str| self.assets.iter().position(|a| a.name == name);
        v.check(u.accounts <= 100_000, at("accounts"), "at most 100,000".into());
        v.check(u.deposit_median_usd.is_finite() && u.deposit_median_usd > 0.0, at("deposit_median_usd"), "must be positive".into());
        v.check((0.0..=5.0).contains(&u.deposit_sigma), at("deposit_sigma"), "must be in [0, 5]".into());
        v.check(!u.collateral.is_empty(), at("collateral"), "name at least one asset".into());
        for (j, name) in u.collateral.iter().enumerate() {
            if asset_index(name).is_none() {
                v.fail(vec![k("unified"), k("collateral"), Seg::Index(j)], format!("unknown asset `{name}`"));
            }
            if u.borrow_asset.as_deref() == Some(name.as_str()) {
                v.fail(vec![k("unified"), k("collateral"), Seg::Index(j)], format!("`{name}` is the borrowed asset"));
            }
        }
        match &u.borrow_asset {
            Some(b) if asset_index(b).is_none() => v.fail(at("borrow_asset"), format!("unknown asset `{b}`")),
            None if u.borrow_fraction > 0.0 => v.fail(at("borrow_asset"), "borrowing needs a borrow_asset".into()),
            _ => {}
        }
        for (f, x) in [
            ("perp_fraction", u.perp_fraction),
            ("borrow_fraction", u.borrow_fraction),
            ("long_fraction", u.long_fraction),
            ("open_orders_fraction", u.open_orders_fraction),
        ] {
            v.check((0.0..=1.0).contains(&x), at(f), format!("must be in [0, 1], got {x}"));
        }
        for (f, (lo, hi)) in [("perp_usage", u.perp_usage), ("borrow_usage", u.borrow_usage)] {
            v.check(
                lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi && hi <= 1.0,
                at(f),
                format!("need 0 < lo <= hi <= 1, got [{lo}, {hi}]"),
            );
        }
        v.check(u.utilization.is_finite() && u.utilization > 0.0 && u.utilization <= 1.0, at("utilization"), "must be in (0, 1]".into());
        if u.accounts > 0 && u.perp_fraction > 0.0 && self.markets.iter().all(|m| m.weight <= 0.0) {
            v.fail(at("perp_fraction"), "perps need at least one market with weight > 0".into());
        }
    }

    fn market_names(&self) -> String {
        self.markets.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Max leverage of the tier a notional (USD) falls in.
pub fn tier_cap(m: &MarketSpec, notional_usd: f64) -> Option<u32> {
    m.tiers.iter().rev().find(|t| notional_usd >= t.floor_usd).map(|t| t.max_leverage)
}

struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn check(&mut self, ok: bool, path: Vec<Seg>, message: String) {
        if !ok {
            self.fail(path, message);
        }
    }
    fn fail(&mut self, path: Vec<Seg>, message: String) {
        self.problems.push(Problem { path, message });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_parses() {
        let s = Scenario::default_scenario();
        assert!(s.population.accounts >= 10_000);
        assert!(s.markets.len() >= 3);
    }

    #[test]
    fn locate_finds_lines() {
        let text = "a = 1\n[[m]]\nx = 2\n[[m]]\nx = 3\ny = { z = 4 }\n";
        let k = |s: &str| Seg::Key(s.to_string());
        assert_eq!(locate(text, &[k("a")]), Some(1));
        assert_eq!(locate(text, &[k("m"), Seg::Index(1), k("x")]), Some(5));
        assert_eq!(locate(text, &[k("m"), Seg::Index(1), k("y"), k("z")]), Some(6));
        // Missing field: the enclosing table's header.
        assert_eq!(locate(text, &[k("m"), Seg::Index(1), k("missing")]), Some(4));
    }
}
