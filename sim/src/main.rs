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
use partliq_sim::{lab, run_all, Scenario, World};

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
    /// A subcommand (`tune`); without one, a run.
    #[command(subcommand)]
    command: Option<Command>,
    /// Scenario: a name from the library (flash_crash, grinding_decline,
    /// gap_down, alt_crash, short_squeeze, oracle_glitch, liquidity_drought,
    /// funding_spike) or a TOML file; without it, the built-in default
    /// (flash_crash).
    #[arg(long, value_name = "NAME|FILE", global = true)]
    scenario: Option<String>,
    /// Run a set of scenarios one after the other: `all` (the library).
    /// Charts and JSON go to --out.
    #[arg(long, value_name = "SET", conflicts_with = "scenario", global = true)]
    scenario_set: Option<String>,
    /// Monte Carlo: run every policy on N seeded jump-diffusion paths (the
    /// scenario's population and markets) and report each metric's
    /// distribution; --seed seeds the paths. With `tune`: evaluate every
    /// candidate on N paths of each scenario (bad debt: the p99).
    #[arg(long, value_name = "N", global = true)]
    monte_carlo: Option<u64>,
    /// Override the scenario's number of generated accounts (lighter Monte
    /// Carlo and scenario sets).
    #[arg(long, value_name = "N", global = true)]
    accounts: Option<u32>,
    /// Directory of a scenario set's and a Monte Carlo's outputs.
    #[arg(long, value_name = "DIR", default_value = "target/partliq-sim", global = true)]
    out: PathBuf,
    /// Override the scenario's seed.
    #[arg(long, global = true)]
    seed: Option<u64>,
    /// Where to write the SVG chart.
    #[arg(long, value_name = "PATH", default_value = "target/partliq-sim/report.svg")]
    chart: PathBuf,
    /// Also write the machine-readable JSON report here.
    #[arg(long, value_name = "PATH", global = true)]
    json: Option<PathBuf>,
    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads (default: the machine's cores); results do not depend on it.
    #[arg(long, global = true)]
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

/// Subcommands.
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Tune a policy's tunables over the scenario (or --scenario-set all):
    /// Latin hypercube, then local refinement; the Pareto frontier of user
    /// loss, bad debt and market impact; the least user loss within the
    /// risk budget, against the policy as it is.
    Tune {
        /// The built-in policy to tune (its tunables override it).
        #[arg(long, default_value = "partliq")]
        policy: String,
        /// Evaluations (the base policy is the first; at least 2).
        #[arg(long, default_value_t = 24)]
        evals: usize,
        /// Risk budget: the worst scenario's bad debt at most this (USD);
        /// the insurance fund may never be depleted.
        #[arg(long, value_name = "USD", default_value_t = 0.0)]
        budget: f64,
        /// Tunables to search, comma separated (default: all of buffer,
        /// band, step_fraction, cooldown, backstop_fraction).
        #[arg(long, value_name = "LIST", default_value = "")]
        tunables: String,
    },
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
    if cli.monte_carlo == Some(0) {
        eprintln!("error: --monte-carlo: the number of paths must be at least 1");
        return ExitCode::from(2);
    }
    if cli.accounts == Some(0) {
        eprintln!("error: --accounts: at least 1");
        return ExitCode::from(2);
    }
    let scenarios: Vec<(String, Scenario)> = match (&cli.scenario_set, &cli.scenario) {
        (Some(set), _) if set == "all" => {
            let mut v = Vec::new();
            for (name, _) in lab::LIBRARY {
                match lab::library_scenario(name) {
                    Ok(s) => v.push((name.to_string(), s)),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            v
        }
        (Some(set), _) => {
            eprintln!("error: --scenario-set: unknown set `{set}` (known: all)");
            return ExitCode::from(2);
        }
        (None, None) => vec![("default".to_string(), Scenario::default_scenario())],
        (None, Some(arg)) => match load(arg) {
            Ok(s) => vec![(arg.clone(), s)],
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let threads = cli.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Some(Command::Tune { policy, evals, budget, tunables }) = &cli.command {
        let mut scenarios = scenarios;
        for (_, s) in scenarios.iter_mut() {
            if let Some(n) = cli.accounts {
                s.population.accounts = n;
            }
            if let Some(seed) = cli.seed {
                s.seed = seed;
            }
        }
        return tune(&cli, &scenarios, policy, *evals, *budget, tunables, threads);
    }
    let set = cli.scenario_set.is_some();
    for (name, mut scenario) in scenarios {
        if let Some(seed) = cli.seed {
            scenario.seed = seed;
        }
        if let Some(n) = cli.accounts {
            scenario.population.accounts = n;
        }
        let code = if let Some(paths) = cli.monte_carlo {
            monte_carlo(&cli, &name, &scenario, paths, threads)
        } else {
            let (chart, json) = if set {
                (cli.out.join(format!("{name}.svg")), Some(cli.out.join(format!("{name}.json"))))
            } else {
                (cli.chart.clone(), cli.json.clone())
            };
            run_one(&cli, &scenario, &chart, json.as_deref(), threads)
        };
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    ExitCode::SUCCESS
}

#[allow(clippy::too_many_arguments)]
fn tune(cli: &Cli, scenarios: &[(String, Scenario)], policy: &str, evals: usize, budget: f64, tunables: &str, threads: usize) -> ExitCode {
    let tunables = match partliq_sim::tune::parse_tunables(tunables) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if !partliq_sim::scenario::BUILTIN_POLICIES.contains(&policy) {
        eprintln!("error: --policy: unknown built-in policy `{policy}` (known: {})", partliq_sim::scenario::BUILTIN_POLICIES.join(", "));
        return ExitCode::from(2);
    }
    if !budget.is_finite() || budget < 0.0 {
        eprintln!("error: --budget: a bad-debt budget in USD, >= 0 (got {budget})");
        return ExitCode::from(2);
    }
    if evals < 2 {
        eprintln!("error: --evals: at least 2 (the base and one candidate)");
        return ExitCode::from(2);
    }
    let seed = cli.seed.unwrap_or(1);
    println!(
        "partliq-sim tune — `{policy}` over {}{} ({evals} evaluations, seed {seed}, budget: {} bad debt <= {budget} $, fund never depleted)",
        scenarios.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "),
        cli.monte_carlo.map_or(String::new(), |n| format!(", {n} Monte Carlo paths each")),
        if cli.monte_carlo.is_some() { "p99" } else { "worst" }
    );
    let bar = bar(cli, evals as u64, "evaluations");
    let started = Instant::now();
    let max_bad = (budget * 1e6).round() as i64;
    let r = match partliq_sim::tune::tune(scenarios, policy, &tunables, evals, seed, max_bad, cli.monte_carlo, threads, &|| bar.inc(1)) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    bar.finish_and_clear();
    println!();
    print!("{}", r.table());
    println!("\n{}", r.verdict);
    let _ = std::fs::create_dir_all(&cli.out);
    let json = cli.json.clone().unwrap_or_else(|| cli.out.join(format!("tune-{policy}.json")));
    let svg = json.with_extension("svg");
    if let Err(e) = std::fs::write(&json, r.to_json()) {
        eprintln!("error: cannot write {}: {e}", json.display());
        return ExitCode::FAILURE;
    }
    if let Err(e) = r.write_svg(&svg) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let html = json.with_extension("html");
    let charts: Vec<(&str, String)> =
        std::fs::read_to_string(&svg).ok().map(|s| ("user loss against bad debt, every candidate", s)).into_iter().collect();
    if let Err(e) = std::fs::write(&html, partliq_sim::html::tune_html(&r, &charts)) {
        eprintln!("error: cannot write {}: {e}", html.display());
        return ExitCode::FAILURE;
    }
    println!(
        "json: {}\nfrontier chart: {}\nhtml: {}\nran in {:.1} s",
        json.display(),
        svg.display(),
        html.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// A library scenario by name, or a scenario file.
fn load(arg: &str) -> Result<Scenario, String> {
    if lab::LIBRARY.iter().any(|(n, _)| *n == arg) {
        return lab::library_scenario(arg);
    }
    let path = std::path::Path::new(arg);
    if !path.exists() && !arg.contains('/') && !arg.ends_with(".toml") {
        return Err(format!("--scenario: unknown scenario name `{arg}` (the library: {}; or a TOML file)", lab::library_names()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("--scenario: cannot read {arg}: {e}"))?;
    Scenario::parse(&text, arg).map_err(|e| format!("{e}\n(run `partliq-sim --explain-scenario` for every field)"))
}

fn bar(cli: &Cli, total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if cli.quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else if let Ok(style) = ProgressStyle::with_template(&format!("{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} ({{eta}})")) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn monte_carlo(cli: &Cli, name: &str, scenario: &Scenario, paths: u64, threads: usize) -> ExitCode {
    if let Err(e) = World::build(scenario) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let model = lab::PathModel::default();
    println!("partliq-sim Monte Carlo — {} ({paths} paths, seed {}, {} policies)", scenario.name, scenario.seed, scenario.policies.len());
    let bar = bar(cli, paths * scenario.policies.len() as u64, "policy evaluations");
    let started = Instant::now();
    let r = match lab::monte_carlo(scenario, &model, paths, scenario.seed, threads, &|| bar.inc(1)) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    bar.finish_and_clear();
    println!();
    print!("{}", r.table());
    let path =
        cli.json.clone().unwrap_or_else(|| cli.out.join(format!("{}-monte-carlo.json", name.trim_end_matches(".toml").replace('/', "_"))));
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    if let Err(e) = std::fs::write(&path, r.to_json()) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    let stem = path.file_stem().map_or("monte-carlo".into(), |s| s.to_string_lossy().into_owned());
    let (outcomes, paths_svg) = (path.with_file_name(format!("{stem}-outcomes.svg")), path.with_file_name(format!("{stem}-paths.svg")));
    for w in [r.write_outcomes_svg(&outcomes), r.write_paths_svg(&paths_svg)] {
        if let Err(e) = w {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    let charts: Vec<(&str, String)> =
        [("both sides per policy: mean and p99 over the paths", &outcomes), ("the paths: lowest and last price", &paths_svg)]
            .iter()
            .filter_map(|(t, p)| std::fs::read_to_string(p).ok().map(|s| (*t, s)))
            .collect();
    let html = path.with_extension("html");
    if let Err(e) = std::fs::write(&html, partliq_sim::html::monte_carlo_html(&r, &charts)) {
        eprintln!("error: cannot write {}: {e}", html.display());
        return ExitCode::FAILURE;
    }
    println!(
        "\njson: {}\ncharts: {}, {}\nhtml: {}\nran in {:.1} s",
        path.display(),
        outcomes.display(),
        paths_svg.display(),
        html.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn run_one(cli: &Cli, scenario: &Scenario, chart: &std::path::Path, json: Option<&std::path::Path>, threads: usize) -> ExitCode {
    let started = Instant::now();
    let world = match World::build(scenario) {
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
    let bar = bar(cli, total, "simulating policy-steps");
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
    if let Some(dir) = chart.parent() {
        if !dir.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    if let Err(e) = report.write_svg(chart) {
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
        if let Err(e) = std::fs::write(path, report.accounts_csv()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("accounts: {}", path.display());
    }
    if let Some(path) = json {
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
    let html_path = match json {
        Some(j) => j.with_extension("html"),
        None => chart.with_extension("html"),
    };
    let charts: Vec<(&str, String)> =
        [("lowest mark per step and insurance fund", chart), ("users and system, per policy", outcomes_chart.as_path())]
            .iter()
            .filter_map(|(t, p)| std::fs::read_to_string(p).ok().map(|s| (*t, s)))
            .collect();
    if let Err(e) = std::fs::write(&html_path, partliq_sim::html::report_html(&report, &charts)) {
        eprintln!("error: cannot write {}: {e}", html_path.display());
        return ExitCode::FAILURE;
    }
    println!("html: {}", html_path.display());
    let checks: u64 = report.policies.iter().map(|p| p.ledger_checks).sum();
    println!("ledger balanced at every step ({checks} checks); ran in {:.1} s", elapsed.as_secs_f64());
    ExitCode::SUCCESS
}
