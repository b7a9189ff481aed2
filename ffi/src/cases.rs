//! The Rust reference runner of the cross-language table
//! (`ffi-tests/cases/cases.txt`, format in `gen_cases.py`): computes every
//! case with the **core** Rust API (not through the C ABI) and checks the
//! output, byte for byte, against `ffi-tests/cases/expected.txt`, which the
//! C, Go and Java runners (through the C ABI) must reproduce too.
//!
//! `PARTLIQ_BLESS=1 cargo test -p partliq-ffi --lib cases::` rewrites expected.txt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use std::fmt::Write as _;
use std::string::String;
use std::vec::Vec;

use partliq::*;

struct Tokens<'a>(core::str::SplitWhitespace<'a>);

impl Tokens<'_> {
    fn word(&mut self) -> &str {
        self.0.next().expect("token")
    }
    fn int(&mut self) -> i64 {
        self.word().parse().expect("integer")
    }
    fn expect(&mut self, tag: &str) {
        assert_eq!(self.word(), tag);
    }
}

fn health(h: &Health) -> String {
    format!(
        "{} {} {} {} {} {}",
        h.equity.0, h.initial_requirement.0, h.maintenance_requirement.0, h.free_collateral.0, h.margin_ratio_ppm, h.state as u32
    )
}

fn target(kind: i64, buffer: i64) -> Target {
    match kind {
        0 => Target::Maintenance { buffer: Ppm(buffer as u32) },
        _ => Target::Initial,
    }
}

/// One output line (without the newline).
fn run_case(line: &str) -> String {
    let mut t = Tokens(line.split_whitespace());
    let name = t.word().to_owned();
    let op = t.word().to_owned();
    t.expect("M");
    let n = t.int();
    let mut markets = Vec::new();
    for _ in 0..n {
        let (id, exp, lot, tick, fee, share, dust, ntiers) = (t.int(), t.int(), t.int(), t.int(), t.int(), t.int(), t.int(), t.int());
        let mut m = Market::single_tier(exp as i32, lot, tick, Ppm(0), Ppm(0));
        m.id = id as u32;
        for k in 0..ntiers as usize {
            m.tiers[k] = MarginTier { notional_floor: Quote(t.int()), initial: Ppm(t.int() as u32), maintenance: Ppm(t.int() as u32) };
        }
        m.tier_count = ntiers as u32;
        m.liquidation_fee = Ppm(fee as u32);
        m.liquidator_fee_share = Ppm(share as u32);
        m.dust_floor = Quote(dust);
        markets.push(m);
    }
    t.expect("P");
    let n = t.int();
    let prices: Vec<Price> = (0..n).map(|_| Price(t.int())).collect();
    t.expect("C");
    let collateral = Quote(t.int());
    t.expect("S");
    let n = t.int();
    let positions: Vec<Position> =
        (0..n).map(|_| Position { market_index: t.int() as u32, size: Size(t.int()), quote_balance: Quote(t.int()) }).collect();
    t.expect("A");
    let pool = Pool::new(collateral, &positions);
    let result: core::result::Result<String, Error> = match op.as_str() {
        "validate" => markets[t.int() as usize].validate().map(|()| String::new()),
        "health" => pool_health(&pool, &markets, &prices).map(|h| health(&h)),
        "account" => {
            let mode = if t.int() == 0 { MarginMode::Cross } else { MarginMode::Isolated };
            account_health(&Account { collateral, positions: &positions, mode }, &markets, &prices).map(|h| health(&h))
        }
        "close" => {
            let (i, exec, kind, buf) = (t.int(), t.int(), t.int(), t.int());
            let req = CloseRequest { position_index: i as usize, execution_price: Price(exec), target: target(kind, buf) };
            minimal_close(&pool, &markets, &prices, &req).map(|c| {
                format!(
                    "{} {} {} {} {} {} {} {} {} {}",
                    c.status as u32,
                    u8::from(c.dust_closed),
                    1u8,
                    c.size_delta.0,
                    c.execution_price.0,
                    c.expected_cash.0,
                    c.expected_fee.0,
                    health(&c.health_after),
                    c.required_equity_after.0,
                    c.shortfall.0
                )
            })
        }
        "plan" => {
            let (kind, buf, band, order, legs_len) = (t.int(), t.int(), t.int(), t.int(), t.int());
            let order = match order {
                0 => PlanOrder::LargestMaintenanceFirst,
                1 => PlanOrder::BestReleasePerCostFirst,
                _ => PlanOrder::ProRata,
            };
            let params = PlanParams { target: target(kind, buf), price_band: Ppm(band as u32), order };
            let mut legs = std::vec![PlanLeg::default(); legs_len as usize];
            plan_liquidation(&pool, &markets, &prices, &params, &mut legs).map(|p| {
                let mut s = format!(
                    "{} {} {} {} {} {} {}",
                    p.status as u32,
                    p.leg_count,
                    health(&p.health_before),
                    health(&p.health_after),
                    p.required_equity_after.0,
                    p.shortfall.0,
                    u8::from(p.dust_closed)
                );
                for l in &legs[..p.leg_count] {
                    write!(s, " | {} {} {} {} {}", l.position_index, l.size_delta.0, l.limit_price.0, l.expected_cash.0, l.expected_fee.0)
                        .unwrap();
                }
                s
            })
        }
        "bankrupt" => {
            let (i, d) = (t.int(), t.int());
            bankruptcy_price(&pool, &markets, &prices, i as usize, Size(d)).map(|b| format!("{} {}", b.quote.0, b.price.0))
        }
        "limit" => {
            let (i, band) = (t.int(), t.int());
            limit_price(&pool, &markets, &prices, i as usize, Ppm(band as u32)).map(|p| format!("{}", p.0))
        }
        "liqprice" => estimated_liquidation_price(&pool, &markets, &prices, t.int() as usize).map(|lp| match lp {
            LiquidationPrice::Never => "0 0".to_owned(),
            LiquidationPrice::Always => "1 0".to_owned(),
            LiquidationPrice::At(p) => format!("2 {}", p.0),
        }),
        "settle" => {
            let (i, d, px) = (t.int(), t.int(), t.int());
            let fill = Fill { position_index: i as usize, size_delta: Size(d), price: Price(px) };
            settle_fill(&pool, &markets, &prices, &fill).map(|s| {
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {} {}",
                    s.new_position.market_index,
                    s.new_position.size.0,
                    s.new_position.quote_balance.0,
                    s.fill_cash.0,
                    s.bankruptcy_quote.0,
                    s.nominal_fee.0,
                    s.fee.0,
                    s.fee_to_liquidator.0,
                    s.fee_to_insurance.0,
                    s.bad_debt.0,
                    s.insurance_fund_delta.0,
                    s.position_quote_delta.0,
                    health(&s.health_after)
                )
            })
        }
        other => panic!("unknown op {other}"),
    };
    match result {
        Ok(s) if s.is_empty() => format!("{name} 0"),
        Ok(s) => format!("{name} 0 {s}"),
        Err(e) => format!("{name} {}", e as u32),
    }
}

#[test]
fn cross_language_table() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../ffi-tests/cases");
    let cases = std::fs::read_to_string(format!("{dir}/cases.txt")).unwrap();
    let mut out = String::new();
    let mut count = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        out.push_str(&run_case(line));
        out.push('\n');
        count += 1;
    }
    assert!(count >= 50, "the table must have at least 50 cases");
    let expected_path = format!("{dir}/expected.txt");
    if std::env::var_os("PARTLIQ_BLESS").is_some() {
        std::fs::write(&expected_path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert!(expected == out, "Rust output differs from {expected_path}:\n{out}");
}
