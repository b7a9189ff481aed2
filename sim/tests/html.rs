//! The HTML report renders: its tables and its inline charts, checked in a
//! headless Chromium (DOM dump and a screenshot). scripts/test-all.sh
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
