//! The self-contained HTML report: the comparison table (both sides), the
//! policies, and the charts inlined as SVG. No script, no stylesheet or
//! font from the network: one file that opens anywhere.

use crate::report::Report;

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

/// The report as one HTML page; `charts` are `(title, SVG text)`.
pub fn report_html(r: &Report, charts: &[(&str, String)]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str(&format!("<title>partliq-sim — {}</title>\n", escape(&r.scenario)));
    h.push_str(
        "<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse;font-size:13px}\
         td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}\
         tr.section td{background:#eef;font-weight:bold}th{background:#f4f4f4}figure{margin:24px 0}\
         figure svg{max-width:100%;height:auto;border:1px solid #ddd}</style>\n</head><body>\n",
    );
    h.push_str(&format!("<h1>partliq-sim — {}</h1>\n", escape(&r.scenario)));
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
    for (title, svg) in charts {
        h.push_str(&format!("<figure class=\"chart\"><figcaption>{}</figcaption>\n{}\n</figure>\n", escape(title), inline_svg(svg)));
    }
    h.push_str("<p>Money in USD (exact micro-USD in the JSON report next to this page).</p>\n</body></html>\n");
    h
}
