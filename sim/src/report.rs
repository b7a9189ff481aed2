//! The results: the comparison table, the JSON report and the SVG chart.

use std::path::Path;

use plotters::prelude::*;
use serde::Serialize;

use crate::book::CENTS_PER_USD;
use crate::model::{World, QUOTE_PER_USD};
use crate::sim::PolicyReport;

/// One market of the scenario, as the report describes it.
#[derive(Debug, Clone, Serialize)]
pub struct MarketInfo {
    pub name: String,
    pub start_price: f64,
    /// Open interest at the start, USD (longs; shorts are the same in absolute).
    pub long_open_interest_usd: f64,
    pub short_open_interest_usd: f64,
    pub depth_usd: f64,
    pub impact: f64,
}

/// One collateral asset, as the report describes it.
#[derive(Debug, Clone, Serialize)]
pub struct AssetInfo {
    pub name: String,
    pub start_price: f64,
    pub lowest_price: f64,
    /// The unified accounts' deposits and borrows at the start, USD.
    pub deposits_usd: f64,
    pub borrows_usd: f64,
}

/// The whole run: the scenario in brief, the oracle path and one report per policy.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub steps: u32,
    pub step_seconds: u64,
    pub accounts: usize,
    /// Unified accounts (deposits, borrows, perps).
    pub unified_accounts: usize,
    /// The collateral assets.
    pub assets: Vec<AssetInfo>,
    pub main_market: String,
    pub insurance_fund_start: i64,
    pub markets: Vec<MarketInfo>,
    /// Oracle price per market and step, USD.
    pub oracle: Vec<Vec<f64>>,
    pub policies: Vec<PolicyReport>,
    /// Per margin account: its end equity without any liquidation (not in
    /// the JSON; see `--accounts-csv`).
    #[serde(skip)]
    pub no_liquidation: Vec<i128>,
}

impl Report {
    /// The report's frame (policies filled in by the caller).
    pub fn new(w: &World, policies: Vec<PolicyReport>) -> Report {
        let s = &w.scenario;
        let markets = (0..w.markets.len())
            .map(|m| {
                let price = w.start_price(m) as f64;
                let (mut long, mut short) = (0.0, 0.0);
                for a in &w.accounts {
                    for p in a.positions.iter().filter(|p| p.market_index as usize == m) {
                        let n = p.size.0 as f64 * price / 1e4 / QUOTE_PER_USD as f64;
                        if n > 0.0 {
                            long += n;
                        } else {
                            short -= n;
                        }
                    }
                }
                MarketInfo {
                    name: w.names[m].clone(),
                    start_price: price / CENTS_PER_USD,
                    long_open_interest_usd: long.round(),
                    short_open_interest_usd: short.round(),
                    depth_usd: s.markets[m].depth_usd,
                    impact: s.markets[m].impact,
                }
            })
            .collect();
        Report {
            scenario: s.name.clone(),
            seed: s.seed,
            steps: s.steps,
            step_seconds: s.step_seconds,
            accounts: w.accounts.len(),
            unified_accounts: w.unified.len(),
            assets: (0..w.assets.len())
                .map(|a| {
                    let price = w.asset_start_price(a) as f64 / CENTS_PER_USD;
                    let (mut dep, mut bor) = (0.0, 0.0);
                    for u in &w.unified {
                        for b in u.balances.iter().filter(|b| b.asset_index as usize == a) {
                            let v = b.amount as f64 * w.scenario.assets[a].unit * price;
                            if v > 0.0 {
                                dep += v;
                            } else {
                                bor -= v;
                            }
                        }
                    }
                    AssetInfo {
                        name: w.asset_names[a].clone(),
                        start_price: price,
                        lowest_price: w.asset_oracle.iter().map(|r| r[a]).fold(f64::INFINITY, f64::min) / CENTS_PER_USD,
                        deposits_usd: dep.round(),
                        borrows_usd: bor.round(),
                    }
                })
                .collect(),
            main_market: w.names[w.main].clone(),
            insurance_fund_start: (s.insurance_fund.initial_usd * QUOTE_PER_USD as f64).round() as i64,
            markets,
            oracle: (0..w.markets.len()).map(|m| w.oracle.iter().map(|r| r[m] / CENTS_PER_USD).collect()).collect(),
            policies,
            no_liquidation: Vec::new(),
        }
    }

    /// The report as pretty JSON (deterministic: no clock, no paths).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The comparison table: one column per policy.
    pub fn table(&self) -> String {
        let rows = self.rows();
        let label_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
        let col_w: Vec<usize> = (0..self.policies.len())
            .map(|c| rows.iter().map(|r| r.1[c].chars().count()).chain([self.policies[c].policy.chars().count()]).max().unwrap_or(8))
            .collect();
        let mut out = String::new();
        out.push_str(&format!("{:<label_w$}", "policy"));
        for (c, p) in self.policies.iter().enumerate() {
            out.push_str(&format!("  {:>w$}", p.policy, w = col_w[c]));
        }
        out.push('\n');
        out.push_str(&"-".repeat(label_w + col_w.iter().map(|w| w + 2).sum::<usize>()));
        out.push('\n');
        for (label, cells) in &rows {
            out.push_str(&format!("{label:<label_w$}"));
            for (c, cell) in cells.iter().enumerate() {
                out.push_str(&format!("  {:>w$}", cell, w = col_w[c]));
            }
            out.push('\n');
        }
        out
    }

    /// The table's rows: a label and one cell per policy.
    pub fn rows(&self) -> Vec<(String, Vec<String>)> {
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        let mut row = |label: &str, f: &dyn Fn(&PolicyReport) -> String| {
            rows.push((label.to_string(), self.policies.iter().map(f).collect()));
        };
        row("notional liquidated ($)", &|p| money(p.notional_liquidated));
        row("liquidation fills", &|p| count(p.liquidation_fills));
        row("accounts touched", &|p| count(p.accounts_touched));
        row("accounts closed whole", &|p| count(p.accounts_closed_whole));
        // Only when an oracle could mislead (a guarded policy, or a victim).
        if self.policies.iter().any(|p| p.healthy_liquidated > 0 || p.policy.ends_with(crate::scenario::GUARD_SUFFIX)) {
            row("healthy at the true price, liquidated", &|p| count(p.healthy_liquidated));
        }
        for (m, info) in self.markets.iter().enumerate() {
            let label = format!("{} deepest mark (start {})", info.name, price(info.start_price));
            row(&label, &|p| format!("{} {:+.1}%", price(p.markets[m].lowest_mark), p.markets[m].lowest_mark_pct));
        }
        let main = self.markets.iter().position(|m| m.name == self.main_market).unwrap_or(0);
        let label = format!("{} worst gap mark vs oracle", self.markets[main].name);
        row(&label, &|p| format!("{:+.2}%", p.markets[main].max_impact_pct));
        row("bad debt ($)", &|p| money(p.bad_debt));
        row("insurance fund low ($)", &|p| money(p.fund_low));
        row("insurance fund end ($)", &|p| money(p.fund_end));
        row("backstop transfers", &|p| count(p.backstop_transfers));
        row("takeovers of bankrupt accounts", &|p| count(p.takeovers));
        row("notional moved to the vault ($)", &|p| money(p.backstop_notional));
        row("deleveraging events", &|p| count(p.deleveraging_events));
        row("accounts deleveraged", &|p| count(p.deleveraged_accounts));
        row("vault absorbed ($)", &|p| money(p.vault_absorbed));
        row("unrecovered bad debt ($)", &|p| money(p.unrecovered_bad_debt));
        row("fees to liquidators ($)", &|p| money(p.fees_to_liquidators));
        row("USERS (margin accounts)", &|_| String::new());
        row("  equity lost to liquidation ($)", &|p| money(p.user.equity_lost));
        row("    fees ($)", &|p| money(p.user.fees));
        row("    execution shortfall vs mark ($)", &|p| money(p.user.shortfall));
        row("    equity seized whole ($)", &|p| money(p.user.seized));
        row("    losses not paid (relief) ($)", &|p| money(p.user.relief));
        row("  accounts liquidated", &|p| count(p.user.accounts_liquidated));
        row("  exposure retained after liquidation", &|p| format!("{:.1}%", p.user.exposure_retained_ppm as f64 / 1e4));
        row("  end equity vs no liquidation ($)", &|p| money(p.user.vs_no_liquidation));
        row("  end equity vs full liquidation ($)", &|p| money(p.user.vs_full_liquidation));
        row("  accounts worse off than unliquidated", &|p| count(p.user.accounts_worse_than_no_liquidation));
        row("  accounts wiped out (by liquidation)", &|p| {
            format!("{} ({})", count(p.user.accounts_wiped_out), count(p.user.wiped_out_by_liquidation))
        });
        row("  account-hours below maintenance", &|p| count(p.user.account_seconds_below_maintenance / 3600));
        row("SYSTEM", &|_| String::new());
        row("  bad debt ($)", &|p| money(p.system.bad_debt));
        row("  insurance fund drawdown ($)", &|p| {
            format!("{}{}", money(p.system.fund_drawdown), if p.system.fund_depleted { " (depleted)" } else { "" })
        });
        row("  backstop vault loss ($)", &|p| money(p.system.backstop_loss));
        row("  time to safety p50/p95/max (s)", &|p| {
            let t = &p.system.time_to_safety;
            format!("{}/{}/{}", t.p50, t.p95, t.max)
        });
        row("  breaches unresolved at the end", &|p| count(p.system.unresolved_breaches));
        row("  peak exposure below maint. ($)", &|p| money(p.system.peak_exposure_below_maintenance));
        row("  market impact paid by fills ($)", &|p| money(p.system.impact_cost));
        row("  cascade depth (passes in a row)", &|p| count(u64::from(p.system.cascade_depth)));
        if self.unified_accounts > 0 {
            row("unified accounts liquidated", &|p| count(p.unified.accounts_liquidated));
            row("  perp reductions", &|p| legs(&p.unified.perp_reductions));
            row("  collateral swaps", &|p| legs(&p.unified.collateral_swaps));
            row("  PnL for borrow", &|p| legs(&p.unified.pnl_for_borrow));
            row("  deposit for loss", &|p| legs(&p.unified.deposit_for_loss));
            row("  value liquidated ($)", &|p| money(p.unified.value_liquidated));
            row("  cost to users ($)", &|p| money(p.unified.cost_to_users));
            row("  orders cancelled", &|p| count(p.unified.orders_cancelled));
            row("  fees to the fund ($)", &|p| money(p.unified.fees_to_fund));
            row("  taken over by the fund", &|p| count(p.unified.takeovers));
            row("  their negative equity ($)", &|p| money(p.unified.takeover_deficit));
            row("  deficits resolved", &|p| count(p.unified.deficits));
            row("  deficits paid by the fund ($)", &|p| money(p.unified.deficits_to_fund));
            row("  deficits socialized ($)", &|p| money(p.unified.deficits_socialized));
            row("  socialized losses", &|p| count(p.unified.socialized_losses));
        }

        rows
    }

    /// The chart: the main market's lowest mark in each step per policy over
    /// the oracle, and the insurance fund over time.
    pub fn write_svg(&self, path: &Path) -> Result<(), String> {
        let e = |err: DrawingAreaErrorKind<std::io::Error>| format!("chart {}: {err}", path.display());
        let main = self.markets.iter().position(|m| m.name == self.main_market).unwrap_or(0);
        let steps = self.steps as f64;
        let root = SVGBackend::new(path, (1200, 900)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (top, bottom) = root.split_vertically(540);

        let oracle = &self.oracle[main];
        let lows = self.policies.iter().flat_map(|p| p.series.low[main].iter().copied());
        let highs = self.policies.iter().flat_map(|p| p.series.mark[main].iter().copied());
        let ymin = lows.chain(oracle.iter().copied()).fold(f64::INFINITY, f64::min);
        let ymax = highs.chain(oracle.iter().copied()).fold(0.0, f64::max);
        let pad = (ymax - ymin).max(1.0) * 0.05;
        let mut chart = ChartBuilder::on(&top)
            .caption(format!("{} — lowest mark in each step, per policy (oracle in black)", self.main_market), ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..steps, (ymin - pad)..(ymax + pad))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(format!("step ({} s)", self.step_seconds))
            .y_desc(format!("{} (USD)", self.main_market))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(LineSeries::new(oracle.iter().enumerate().map(|(i, &v)| (i as f64, v)), BLACK.stroke_width(2)))
            .map_err(e)?
            .label("oracle")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        for (k, p) in self.policies.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            chart
                .draw_series(LineSeries::new(p.series.low[main].iter().enumerate().map(|(i, &v)| (i as f64, v)), color.stroke_width(2)))
                .map_err(e)?
                .label(p.policy.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(e)?;

        let fmax = self.policies.iter().flat_map(|p| p.series.fund.iter().copied()).fold(self.insurance_fund_start as f64 / 1e6, f64::max);
        let fmin = self.policies.iter().flat_map(|p| p.series.fund.iter().copied()).fold(0.0, f64::min);
        let scale = 1e6;
        let mut chart = ChartBuilder::on(&bottom)
            .caption("insurance fund (USD millions)", ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..steps, (fmin / scale)..(fmax / scale * 1.1 + 0.01))
            .map_err(e)?;
        chart.configure_mesh().x_desc(format!("step ({} s)", self.step_seconds)).y_desc("fund ($M)").draw().map_err(e)?;
        for (k, p) in self.policies.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            chart
                .draw_series(LineSeries::new(p.series.fund.iter().enumerate().map(|(i, &v)| (i as f64, v / scale)), color.stroke_width(2)))
                .map_err(e)?
                .label(p.policy.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(e)?;
        root.present().map_err(e)?;
        Ok(())
    }
}

impl Report {
    /// The two-sided chart (see [`crate::charts::write_outcomes_svg`]).
    pub fn write_outcomes_svg(&self, path: &Path) -> Result<(), String> {
        let usd = |m: i64| m as f64 / QUOTE_PER_USD as f64;
        let users: Vec<crate::charts::BarGroup> = self
            .policies
            .iter()
            .map(|p| crate::charts::BarGroup {
                label: p.policy.clone(),
                values: vec![usd(p.user.equity_lost), usd(p.user.fees), usd(p.user.shortfall), usd(p.user.vs_full_liquidation)],
            })
            .collect();
        let system: Vec<crate::charts::BarGroup> = self
            .policies
            .iter()
            .map(|p| crate::charts::BarGroup {
                label: p.policy.clone(),
                values: vec![usd(p.system.bad_debt), usd(p.system.fund_drawdown), usd(p.system.backstop_loss), usd(p.system.impact_cost)],
            })
            .collect();
        crate::charts::write_outcomes_svg(path, &users, &system)
    }

    /// One CSV row per margin account and policy: the per-account figures
    /// (micro-USD) and the two counterfactuals'.
    pub fn accounts_csv(&self) -> String {
        let none = &self.no_liquidation;
        let full: Option<&PolicyReport> = self.policies.iter().find(|p| p.policy == "full");
        let mut out = String::from(
            "policy,account,lost,fees,shortfall,seized,relief,end_equity,end_equity_no_liquidation,end_equity_full_liquidation,end_exposure,seconds_below_maintenance,liquidated\n",
        );
        for p in &self.policies {
            for (i, o) in p.outcomes.iter().enumerate() {
                let ne = none.get(i).copied().unwrap_or(0);
                let fe = full.and_then(|f| f.outcomes.get(i)).map_or(String::new(), |f| f.end_equity.to_string());
                out.push_str(&format!(
                    "{},{i},{},{},{},{},{},{},{ne},{fe},{},{},{}\n",
                    p.policy,
                    o.lost(),
                    o.fees,
                    o.shortfall,
                    o.seized,
                    o.relief,
                    o.end_equity,
                    o.end_exposure,
                    o.seconds_below_maintenance,
                    o.liquidated
                ));
            }
        }
        out
    }
}

/// Whole dollars with thousands separators, from micro-USD.
pub fn money(micro: i64) -> String {
    let dollars = (micro as f64 / QUOTE_PER_USD as f64).round() as i64;
    let sign = if dollars < 0 { "-" } else { "" };
    format!("{sign}{}", group(dollars.unsigned_abs()))
}

/// A leg kind's count and the value it liquidated.
fn legs(l: &crate::sim::LegStats) -> String {
    format!("{} / {}", count(l.count), money(l.value_liquidated))
}

fn count(n: u64) -> String {
    group(n)
}

fn price(p: f64) -> String {
    if p >= 1000.0 {
        group(p.round() as u64)
    } else {
        format!("{p:.2}")
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
