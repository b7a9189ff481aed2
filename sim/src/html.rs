//! The self-contained HTML reports: a run's comparison table (both sides),
//! the Monte Carlo's distributions, the tuner's candidates, each with its
//! charts inlined as SVG. No script, no stylesheet or font from the
//! network: one file that opens anywhere.

use crate::lab::MonteCarloReport;
use crate::report::{money, Report};
use crate::tune::TuneReport;

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// An SVG document as an inline element (its XML declaration dropped).
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => "",
    }
}

/// The page's start: doctype, title, the inline stylesheet, the heading.
fn head(title: &str) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str(&format!("<title>{}</title>\n", escape(title)));
    h.push_str(
        "<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse;font-size:13px}\
         td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}\
         tr.section td{background:#eef;font-weight:bold}th{background:#f4f4f4}figure{margin:24px 0}\
         tr.recommended td{background:#dfd;font-weight:bold}tr.base td{background:#eee}\
         figure svg{max-width:100%;height:auto;border:1px solid #ddd}</style>\n</head><body>\n",
    );
    h.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    h
}

/// The charts as figures, then the page's end.
fn charts_and_foot(h: &mut String, charts: &[(&str, String)], note: &str) {
    for (title, svg) in charts {
        h.push_str(&format!("<figure class=\"chart\"><figcaption>{}</figcaption>\n{}\n</figure>\n", escape(title), inline_svg(svg)));
    }
    h.push_str(&format!("<p>{}</p>\n</body></html>\n", escape(note)));
}

/// The report as one HTML page; `charts` are `(title, SVG text)`.
pub fn report_html(r: &Report, charts: &[(&str, String)]) -> String {
    let mut h = head(&format!("partliq-sim — {}", r.scenario));
    h.push_str(&format!(
        "<p>{} margin accounts ({} unified), {} steps of {} s, seed {}; main market {}.</p>\n",
        r.accounts,
        r.unified_accounts,
        r.steps,
        r.step_seconds,
        r.seed,
        escape(&r.main_market)
    ));
    h.push_str("<h2>Both sides, per policy</h2>\n<table id=\"comparison\">\n<tr><th>policy</th>");
    for p in &r.policies {
        h.push_str(&format!("<th>{}</th>", escape(&p.policy)));
    }
    h.push_str("</tr>\n");
    for (label, cells) in r.rows() {
        let section = cells.iter().all(|c| c.is_empty());
        h.push_str(if section { "<tr class=\"section\">" } else { "<tr>" });
        let indent = label.len() - label.trim_start().len();
        h.push_str(&format!("<td style=\"padding-left:{}px\">{}</td>", 8 + indent * 6, escape(label.trim_start())));
        for c in cells {
            h.push_str(&format!("<td class=\"n\">{}</td>", escape(&c)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<h2>Policies</h2>\n<table id=\"policies\">\n");
    for p in &r.policies {
        h.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>\n", escape(&p.policy), escape(&p.description)));
    }
    h.push_str("</table>\n");
    charts_and_foot(&mut h, charts, "Money in USD (exact micro-USD in the JSON report next to this page).");
    h
}

/// The Monte Carlo as one HTML page: the path model, one table per policy
/// (every metric's mean, p95, p99, min and max over the paths), the paths'
/// lows and ends, and `charts` (`(title, SVG text)`) inline.
pub fn monte_carlo_html(r: &MonteCarloReport, charts: &[(&str, String)]) -> String {
    let mut h = head(&format!("partliq-sim Monte Carlo — {}", r.scenario));
    let m = &r.model;
    h.push_str(&format!(
        "<p>{} paths of {} steps, seed {}; policies: {}.</p>\n<p>Path model: volatility {} ppm a step at rest, GARCH(1,1) α {} ppm, β {} ppm; \
         jumps with probability {} ppm a step, {}–{} ppm of the price, down with probability {} ppm.</p>\n",
        r.paths,
        r.steps,
        r.seed,
        escape(&r.order.join(", ")),
        m.base_vol_ppm,
        m.alpha_ppm,
        m.beta_ppm,
        m.jump_ppm,
        m.jump_min_ppm,
        m.jump_max_ppm,
        m.jump_down_ppm
    ));
    let names = r.metric_names();
    h.push_str("<h2>Mean and p99 per policy</h2>\n<table id=\"summary\">\n<tr><th>metric (mean / p99)</th>");
    for p in &r.order {
        h.push_str(&format!("<th>{}</th>", escape(p)));
    }
    h.push_str("</tr>\n");
    let f = |n: &str, x: i64| if MonteCarloReport::is_money(n) { money(x) } else { x.to_string() };
    for n in &names {
        h.push_str(&format!("<tr><td>{}</td>", escape(&unit_label(n))));
        for p in &r.order {
            let d = r.get(p, n);
            h.push_str(&format!("<td class=\"n\">{} / {}</td>", f(n, d.mean), f(n, d.p99)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    for (i, p) in r.order.iter().enumerate() {
        h.push_str(&format!(
            "<h2>{}</h2>\n<table class=\"distribution\" id=\"policy-{i}\">\n<tr><th>metric</th><th>mean</th><th>p95</th><th>p99</th><th>min</th><th>max</th></tr>\n",
            escape(p)
        ));
        for n in &names {
            let d = r.get(p, n);
            h.push_str(&format!("<tr><td>{}</td>", escape(&unit_label(n))));
            for x in [d.mean, d.p95, d.p99, d.min, d.max] {
                h.push_str(&format!("<td class=\"n\">{}</td>", f(n, x)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str(
        "<h2>Paths</h2>\n<table id=\"paths\">\n<tr><th>path</th><th>lowest price (% of start)</th><th>last price (% of start)</th></tr>\n",
    );
    for (k, (lo, end)) in r.path_low_ppm.iter().zip(&r.path_end_ppm).enumerate() {
        h.push_str(&format!("<tr><td>{k}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n", pct(*lo), pct(*end)));
    }
    h.push_str("</table>\n");
    charts_and_foot(
        &mut h,
        charts,
        "Money in USD (exact micro-USD in the JSON report next to this page); nearest-rank percentiles; the mean rounded toward minus infinity.",
    );
    h
}

/// The tuner as one HTML page: the verdict, the tunables, every candidate
/// (the base, the frontier and the recommendation marked), and `charts`
/// (`(title, SVG text)`) inline.
pub fn tune_html(r: &TuneReport, charts: &[(&str, String)]) -> String {
    let mut h = head(&format!("partliq-sim tune — {}", r.policy));
    let over = match r.monte_carlo {
        Some(n) => format!("{n} Monte Carlo paths of each of {} (bad debt: the p99 over the paths)", r.scenarios.join(", ")),
        None => format!("{} (bad debt: the worst scenario)", r.scenarios.join(", ")),
    };
    h.push_str(&format!(
        "<p>`{}` over {}; {} evaluations, seed {}; budget: bad debt ≤ {} $, the insurance fund never depleted.</p>\n",
        escape(&r.policy),
        escape(&over),
        r.evals,
        r.seed,
        money(r.max_bad_debt)
    ));
    h.push_str(&format!("<p id=\"verdict\"><strong>{}</strong></p>\n", escape(&r.verdict)));
    h.push_str("<h2>Tunables</h2>\n<table id=\"tunables\">\n<tr><th>tunable</th><th>range</th><th>what it sets</th></tr>\n");
    for name in &r.tunables {
        if let Some(t) = crate::tune::TUNABLES.iter().find(|t| t.name == name) {
            h.push_str(&format!(
                "<tr><td>{}</td><td class=\"n\">{} – {}</td><td>{}</td></tr>\n",
                escape(t.name),
                t.lo,
                t.hi,
                escape(t.what)
            ));
        }
    }
    h.push_str("</table>\n<h2>Candidates</h2>\n<table id=\"candidates\">\n<tr><th>eval</th><th>user loss ($)</th><th>bad debt ($)</th><th>impact ($)</th><th>fund</th><th>budget</th><th>frontier</th><th>parameters</th></tr>\n");
    for c in &r.candidates {
        let class = if Some(c.eval) == r.recommended {
            " class=\"recommended\""
        } else if c.eval == 0 {
            " class=\"base\""
        } else {
            ""
        };
        let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v:.4}")).collect();
        h.push_str(&format!(
            "<tr{class}><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            c.eval,
            money(c.user_loss),
            money(c.bad_debt),
            money(c.impact),
            if c.fund_depleted { "depleted" } else { "" },
            if c.feasible { "within" } else { "over" },
            if c.pareto { "yes" } else { "" },
            escape(&if params.is_empty() { "(the policy as it is)".to_string() } else { params.join(" ") })
        ));
    }
    h.push_str("</table>\n");
    charts_and_foot(&mut h, charts, "Money in USD (exact micro-USD in the JSON report next to this page).");
    h
}

/// A metric's name with its unit.
fn unit_label(n: &str) -> String {
    if MonteCarloReport::is_money(n) {
        format!("{n} ($)")
    } else {
        n.to_string()
    }
}

/// A ppm multiplier as a percentage with two decimals.
fn pct(ppm: i64) -> String {
    format!("{:.2}", ppm as f64 / 1e4)
}
