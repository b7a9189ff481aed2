//! A small engine loop on an embedded scenario (the stress simulator,
//! `cargo run --release -p partliq-sim`, is the main job).
//!
//! Three cross-margin accounts hold BTC and ETH perpetuals; the marks fall
//! 1 % a tick for twenty ticks. Each tick the loop checks every account's
//! health, plans the least liquidation that restores maintenance + 5 %
//! (largest maintenance first, orders limited to a 0.25 % band), fills every leg
//! at its limit price and books it with `settle_fill`. It prints each
//! liquidation and a summary. A plan that cannot restore the target
//! (`Infeasible`) still executes its best legs here; escalation to backstop,
//! insurance fund and deleveraging is the next stage of the pipeline.
//!
//! Run: `cargo run --release --example quickstart`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use partliq::*;

fn market(id: u32, exponent: i32, tiers: &[(i64, u32, u32)]) -> Market {
    let tiers: Vec<MarginTier> =
        tiers.iter().map(|&(f, im, mm)| MarginTier { notional_floor: Quote(f), initial: Ppm(im), maintenance: Ppm(mm) }).collect();
    let mut m = Market::single_tier(exponent, 1_000, 100, Ppm(0), Ppm(0)).with_tiers(&tiers).expect("tiers");
    m.id = id;
    m.liquidation_fee = Ppm(5_000); // 0.5 %
    m.liquidator_fee_share = Ppm(500_000); // half to the liquidator
    m.dust_floor = Quote(10_000_000); // 10 USD in micro-USD
    m.validate().expect("valid market");
    m
}

fn main() -> Result<()> {
    // Quote units are micro-USD; sizes are 1e-8 of a coin; prices in cents.
    // notional = size × price × 10^e with e = −8 − 2 + 6 = −4.
    let markets = [
        market(0, -4, &[(0, 20_000, 10_000), (1_000_000_000_000, 40_000, 20_000)]),
        market(1, -4, &[(0, 40_000, 20_000), (500_000_000_000, 80_000, 40_000)]),
    ];
    let mut prices = [Price(6_000_000), Price(300_000)]; // 60,000.00 and 3,000.00 USD
    let mut accounts: Vec<(Quote, Vec<Position>)> = vec![
        // 2 BTC long, entry 60,000, 10,000 USD of collateral: ~12x.
        (Quote(10_000_000_000), vec![Position { market_index: 0, size: Size(200_000_000), quote_balance: Quote(-120_000_000_000) }]),
        // 20 ETH long and 0.5 BTC short.
        (
            Quote(6_000_000_000),
            vec![
                Position { market_index: 1, size: Size(2_000_000_000), quote_balance: Quote(-60_000_000_000) },
                Position { market_index: 0, size: Size(-50_000_000), quote_balance: Quote(30_000_000_000) },
            ],
        ),
        // 0.3 BTC long, well funded.
        (Quote(15_000_000_000), vec![Position { market_index: 0, size: Size(30_000_000), quote_balance: Quote(-18_000_000_000) }]),
    ];
    let params = PlanParams {
        target: Target::Maintenance { buffer: Ppm(50_000) },
        price_band: Ppm(2_500),
        order: PlanOrder::LargestMaintenanceFirst,
    };
    let (mut liquidations, mut fees, mut fund, mut bad_debt) = (0u32, 0i64, 0i64, 0i64);
    println!("tick  account  plan        position   size_delta        limit   fee (USD)  equity → after (USD)");
    for tick in 1..=20 {
        for p in prices.iter_mut() {
            p.0 = p.0 * 99 / 100;
        }
        for (a, (collateral, positions)) in accounts.iter_mut().enumerate() {
            let mut legs = [PlanLeg::default(); MAX_POSITIONS];
            let plan = plan_liquidation(&Pool::new(*collateral, positions), &markets, &prices, &params, &mut legs)?;
            for leg in &legs[..plan.leg_count] {
                let fill = Fill { position_index: leg.position_index as usize, size_delta: leg.size_delta, price: leg.limit_price };
                let s = settle_fill(&Pool::new(*collateral, positions), &markets, &prices, &fill)?;
                positions[fill.position_index] = s.new_position;
                liquidations += 1;
                fees += s.fee.0;
                fund += s.insurance_fund_delta.0;
                bad_debt += s.bad_debt.0;
                println!(
                    "{tick:>4}  {a:>7}  {:<10}  {:>8}  {:>11}  {:>11.2}  {:>10.2}  {:>9.2} → {:.2}",
                    format!("{:?}", plan.status),
                    fill.position_index,
                    leg.size_delta.0,
                    leg.limit_price.0 as f64 / 100.0,
                    s.fee.0 as f64 / 1e6,
                    plan.health_before.equity.0 as f64 / 1e6,
                    s.health_after.equity.0 as f64 / 1e6,
                );
            }
        }
    }
    println!("\nfinal marks: BTC {:.2}, ETH {:.2}", prices[0].0 as f64 / 100.0, prices[1].0 as f64 / 100.0);
    for (a, (collateral, positions)) in accounts.iter().enumerate() {
        let h = pool_health(&Pool::new(*collateral, positions), &markets, &prices)?;
        println!(
            "account {a}: {:?}, equity {:.2} USD, maintenance {:.2} USD",
            h.state,
            h.equity.0 as f64 / 1e6,
            h.maintenance_requirement.0 as f64 / 1e6
        );
    }
    println!(
        "liquidation orders: {liquidations}; fees {:.2} USD; insurance fund {:+.2} USD; bad debt {:.2} USD",
        fees as f64 / 1e6,
        fund as f64 / 1e6,
        bad_debt as f64 / 1e6
    );
    Ok(())
}
