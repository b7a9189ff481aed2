//! The HTML reports render (a run's, the Monte Carlo's, the tuner's): their
//! tables and their inline charts, checked in a headless Chromium (DOM dump,
//! and a screenshot of the run's page). scripts/test-all.sh
//! installs Chromium when missing; without one the browser part is skipped
//! with a message (the page's own checks still run).

use std::path::{Path, PathBuf};
use std::process::Command;

use partliq_sim::lab::library_scenario;
use partliq_sim::{run_all, World};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PARTLIQ_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn headless(browser: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-dev-shm-usage"])
        .args(args)
        .output()
        .expect("run the browser")
}

#[test]
fn the_html_report_renders_its_tables_and_charts() {
    let mut s = library_scenario("gap_down").unwrap();
    s.population.accounts = 150;
    s.population.whales = 1;
    s.steps = 40;
    s.max_rounds = 2;
    s.policies = vec!["full".into(), "partliq".into()];
    if let Some(u) = s.unified.as_mut() {
        u.accounts = 1;
    }
    let report = run_all(&World::build(&s).unwrap(), 2, &|| {}).unwrap();
    let dir = std::env::temp_dir().join(format!("partliq-sim-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (c1, c2) = (dir.join("c.svg"), dir.join("c-outcomes.svg"));
    report.write_svg(&c1).unwrap();
    report.write_outcomes_svg(&c2).unwrap();
    let charts = vec![("marks", std::fs::read_to_string(&c1).unwrap()), ("both sides", std::fs::read_to_string(&c2).unwrap())];
    let html = partliq_sim::html::report_html(&report, &charts);
    let page = dir.join("report.html");
    std::fs::write(&page, &html).unwrap();

    // Self-contained: nothing fetched from anywhere.
    for needle in ["http://", "https://", "<script", "<link", "@import", "src="] {
        let offenders: Vec<&str> = html.lines().filter(|l| l.contains(needle) && !l.contains("http://www.w3.org/2000/svg")).collect();
        assert!(offenders.is_empty(), "{needle}: {offenders:?}");
    }
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("equity lost to liquidation") && html.contains("time to safety"));

    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium on this machine (scripts/test-all.sh installs it); the page's own checks ran");
        return;
    };
    let url = format!("file://{}", page.display());
    let out = headless(&browser, &["--dump-dom", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    // The browser parsed both tables, every row, and both charts with
    // their drawn elements.
    assert!(dom.contains("<table id=\"comparison\">") && dom.contains("<table id=\"policies\">"), "{dom}");
    let rows = report.rows().len();
    assert!(dom.matches("<tr").count() >= rows + 1 + report.policies.len(), "{} rows", dom.matches("<tr").count());
    assert_eq!(dom.matches("<svg").count(), 2);
    assert!(dom.matches("<rect").count() > 10, "the bars");
    assert!(dom.matches("<polyline").count() + dom.matches("<path").count() > 4, "the lines");
    // A screenshot: a page of tables and charts is far from a blank PNG
    // (a blank 1200×2400 PNG is a few KB).
    let shot = dir.join("shot.png");
    let out = headless(&browser, &["--window-size=1200,2400", &format!("--screenshot={}", shot.display()), &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 60_000, "{} bytes: the page looks blank", png.len());
}

/// The page's own checks: nothing fetched from anywhere, `svgs` inline
/// charts.
fn self_contained(html: &str, svgs: usize) {
    for needle in ["http://", "https://", "<script", "<link", "@import", "src="] {
        let offenders: Vec<&str> = html.lines().filter(|l| l.contains(needle) && !l.contains("http://www.w3.org/2000/svg")).collect();
        assert!(offenders.is_empty(), "{needle}: {offenders:?}");
    }
    assert_eq!(html.matches("<svg").count(), svgs);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</body></html>"));
}

/// Writes `html` to `dir/name` and returns the DOM Chromium parsed from it
/// (`None`, said so, without a Chromium).
fn dom_of(dir: &Path, name: &str, html: &str) -> Option<String> {
    let page = dir.join(name);
    std::fs::write(&page, html).unwrap();
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium on this machine (scripts/test-all.sh installs it); the page's own checks ran");
        return None;
    };
    let out = headless(&browser, &["--dump-dom", &format!("file://{}", page.display())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn tiny(name: &str) -> partliq_sim::Scenario {
    let mut s = library_scenario(name).unwrap();
    s.population.accounts = 120;
    s.population.whales = 1;
    s.steps = 30;
    s.max_rounds = 2;
    s.policies = vec!["full".into(), "partliq".into()];
    if let Some(u) = s.unified.as_mut() {
        u.accounts = 1;
    }
    s
}

#[test]
fn the_monte_carlo_page_renders_its_distributions_and_charts() {
    use partliq_sim::lab::{monte_carlo, PathModel};
    let m = PathModel { jump_ppm: 100_000, ..PathModel::default() };
    let r = monte_carlo(&tiny("flash_crash"), &m, 4, 9, 2, &|| {}).unwrap();
    let dir = std::env::temp_dir().join(format!("partliq-sim-html-mc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (c1, c2) = (dir.join("mc-outcomes.svg"), dir.join("mc-paths.svg"));
    r.write_outcomes_svg(&c1).unwrap();
    r.write_paths_svg(&c2).unwrap();
    let charts = vec![("both sides", std::fs::read_to_string(&c1).unwrap()), ("paths", std::fs::read_to_string(&c2).unwrap())];
    let html = partliq_sim::html::monte_carlo_html(&r, &charts);
    self_contained(&html, 2);
    let metrics = r.metric_names();
    assert!(metrics.len() > 20 && metrics.iter().any(|n| n == "system_bad_debt"));
    // The summary's full row reads `mean / p99` of the bad debt, in dollars.
    let d = r.get("full", "system_bad_debt");
    let row = format!("<td class=\"n\">{} / {}</td>", partliq_sim::report::money(d.mean), partliq_sim::report::money(d.p99));
    assert!(html.contains(&row), "{row}");
    let Some(dom) = dom_of(&dir, "mc.html", &html) else { return };
    // One summary, one table per policy, the paths' table; every metric a
    // row in the summary and in each policy's table; a row per path.
    assert!(dom.contains("<table id=\"summary\">") && dom.contains("<table id=\"paths\">"), "{dom}");
    assert_eq!(dom.matches("<table class=\"distribution\"").count(), 2);
    let rows = dom.matches("<tr").count();
    assert_eq!(rows, (1 + metrics.len()) * 3 + 1 + 4, "{rows} rows");
    assert_eq!(dom.matches("<svg").count(), 2);
    assert!(dom.matches("<rect").count() > 10, "the bars");
    assert!(dom.matches("<circle").count() >= 4, "a point per path");
}

#[test]
fn the_tuner_page_renders_its_candidates_and_frontier() {
    use partliq_sim::tune::{parse_tunables, tune};
    let set = vec![("gap_down".to_string(), tiny("gap_down"))];
    let r = tune(&set, "partliq", &parse_tunables("buffer,band").unwrap(), 4, 3, 1_000_000_000_000, None, 2, &|| {}).unwrap();
    let dir = std::env::temp_dir().join(format!("partliq-sim-html-tune-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("tune.svg");
    r.write_svg(&svg).unwrap();
    let html = partliq_sim::html::tune_html(&r, &[("frontier", std::fs::read_to_string(&svg).unwrap())]);
    self_contained(&html, 1);
    assert!(html.contains(&partliq_sim::html::escape(&r.verdict)));
    let Some(dom) = dom_of(&dir, "tune.html", &html) else { return };
    // Every candidate a row (and a header), the recommendation marked, the
    // two tunables a row each; the frontier chart with a point per
    // candidate at least.
    assert!(dom.contains("<table id=\"candidates\">") && dom.contains("<p id=\"verdict\">"), "{dom}");
    assert_eq!(dom.matches("<tr").count(), (1 + r.candidates.len()) + (1 + 2));
    assert_eq!(dom.matches("<tr class=\"recommended\">").count(), usize::from(r.recommended.is_some()));
    assert_eq!(dom.matches("<svg").count(), 1);
    assert!(dom.matches("<circle").count() >= r.candidates.len(), "the candidates");
}
