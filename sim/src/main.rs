//! `partliq-sim`: compare liquidation policies on a crash.
//!
//! `cargo run --release -p partliq-sim` runs the built-in default scenario;
//! `--scenario FILE` runs a TOML scenario (`--explain-scenario` documents
//! every field; `scenarios/example.toml` is a commented example).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use partliq_sim::scenario::{DEFAULT_SCENARIO, FIELD_REFERENCE};
use partliq_sim::{run_all, Scenario, World};

/// Stress simulator for partliq: liquidation policies side by side on a crash.
///
/// Replays a price path (a fast crash and a recovery by default) over tens of
/// thousands of leveraged accounts. Each policy's liquidation orders hit a
/// book of finite depth (square-root impact, recovering each step), which
/// moves the mark and can push more accounts under: the cascade. Prints a
/// table per policy, writes an SVG chart and, with --json, a JSON report.
#[derive(Parser, Debug)]
#[command(name = "partliq-sim", version, about, long_about, after_long_help = FIELD_REFERENCE)]
struct Cli {
    /// Scenario file (TOML); without it, the built-in default scenario.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Override the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Where to write the SVG chart.
    #[arg(long, value_name = "PATH", default_value = "target/partliq-sim/report.svg")]
    chart: PathBuf,
    /// Also write the machine-readable JSON report here.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: the machine's cores); results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Also write one CSV row per margin account and policy (user outcomes).
    #[arg(long, value_name = "PATH")]
    accounts_csv: Option<PathBuf>,
    /// Print the reference of every scenario field and exit.
    #[arg(long)]
    explain_scenario: bool,
    /// Print the built-in default scenario (a TOML file to start from) and exit.
    #[arg(long)]
    print_default_scenario: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.explain_scenario {
        print!("{FIELD_REFERENCE}");
        return ExitCode::SUCCESS;
    }
    if cli.print_default_scenario {
        print!("{DEFAULT_SCENARIO}");
        return ExitCode::SUCCESS;
    }
    let mut scenario = match &cli.scenario {
        None => Scenario::default_scenario(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            };
            match Scenario::parse(&text, &path.display().to_string()) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("(run `partliq-sim --explain-scenario` for every field)");
                    return ExitCode::from(2);
                }
            }
        }
    };
    if let Some(seed) = cli.seed {
        scenario.seed = seed;
    }
    let started = Instant::now();
    let world = match World::build(&scenario) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!("partliq-sim — {}", scenario.name);
    println!(
        "{} accounts ({} unified), {} markets, {} steps of {} s, seed {}; policies: {}",
        world.accounts.len() + world.unified.len(),
        world.unified.len(),
        world.markets.len(),
        scenario.steps,
        scenario.step_seconds,
        scenario.seed,
        scenario.policies.join(", ")
    );

    let total = u64::from(scenario.steps) * world.policies.len() as u64;
    let bar = ProgressBar::new(total);
    if cli.quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else if let Ok(style) = ProgressStyle::with_template("{spinner} simulating [{bar:40}] {pos}/{len} policy-steps ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    let threads = cli.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let report = match run_all(&world, threads, &|| bar.inc(1)) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    println!();
    for m in &report.markets {
        println!(
            "  {:<5} start {:>10.2}  open interest long {:>7.1} M$ / short {:>7.1} M$  depth {:.0} M$ per {:.1} % impact",
            m.name,
            m.start_price,
            m.long_open_interest_usd / 1e6,
            m.short_open_interest_usd / 1e6,
            m.depth_usd / 1e6,
            m.impact * 100.0
        );
    }
    for a in &report.assets {
        println!(
            "  {:<5} start {:>10.2}  low {:>10.2}  unified deposits {:>7.1} M$ / borrows {:>7.1} M$",
            a.name,
            a.start_price,
            a.lowest_price,
            a.deposits_usd / 1e6,
            a.borrows_usd / 1e6
        );
    }
    println!();
    print!("{}", report.table());
    println!();
    for p in &world.policies {
        println!("  {:<16} {}", p.name, p.description);
    }
    println!();
    if let Some(dir) = cli.chart.parent() {
        if !dir.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    if let Err(e) = report.write_svg(&cli.chart) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!("chart: {}", cli.chart.display());
    let outcomes_chart =
        cli.chart.with_file_name(format!("{}-outcomes.svg", cli.chart.file_stem().map_or("report".into(), |s| s.to_string_lossy())));
    if let Err(e) = report.write_outcomes_svg(&outcomes_chart) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!("users and system chart: {}", outcomes_chart.display());
    if let Some(path) = &cli.accounts_csv {
        if let Err(e) = std::fs::write(path, report.accounts_csv(&world)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("accounts: {}", path.display());
    }
    if let Some(path) = &cli.json {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(dir);
            }
        }
        if let Err(e) = std::fs::write(path, report.to_json()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("json: {}", path.display());
    }
    let checks: u64 = report.policies.iter().map(|p| p.ledger_checks).sum();
    println!("ledger balanced at every step ({checks} checks); ran in {:.1} s", elapsed.as_secs_f64());
    ExitCode::SUCCESS
}
