//! The Rust side of `benches/go/run.sh`: the same inputs as the Go
//! benchmarks in `benches/go/dydx_test.go`, called directly.
//!
//! * `dydx_risk/{1,16}`: `venues::dydx_v4::subaccount_risk` of a subaccount
//!   of 1 and 16 BTC-like positions (atomic resolution −10, price exponent
//!   −5, IMF 5 %, MF 60 %, open interest below the lower cap).
//! * `dydx_position_16/{fast,exact}`: the 16 positions' risk through
//!   `position_net_notional_value_and_margin` (the 64-bit path where it
//!   applies, here everywhere) and `…_exact` (always the `i128` path): the
//!   fast path's gain, measured in one run.
//! * `health_1000`: `pool_health` of 1,000 single-position accounts, one
//!   call each, as the C ABI's batch entry point computes them.
//!
//! **Goals** (`benches/go/run.sh` prints the ratios): Go `math/big` over
//! partliq ≥ 100× for one and 16 positions; the Go caller's time per account
//! through `partliq_pool_health_batch` (1,000 a call) ≤ 1.1× the direct
//! call's here.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use common::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use partliq::venues::dydx_v4::{subaccount_risk, DydxPerpetual, DydxPosition, LiquidityTier, MarketPrice};
use partliq::*;

fn dydx_subaccount(n: usize) -> Vec<DydxPosition> {
    (0..n)
        .map(|i| {
            let q = 1_000_000_000i128 * (i as i128 + 1) * if i % 2 == 1 { -1 } else { 1 };
            DydxPosition {
                perpetual: DydxPerpetual {
                    id: i as u32,
                    atomic_resolution: -10,
                    open_interest: 3_000_000_000_000,
                    liquidity_tier: LiquidityTier {
                        initial_margin_ppm: 50_000,
                        maintenance_fraction_ppm: 600_000,
                        open_interest_lower_cap: 25_000_000_000_000,
                        open_interest_upper_cap: 50_000_000_000_000,
                    },
                },
                price: MarketPrice { price: 5_700_000_000 + 1_000_000 * i as u64, exponent: -5 },
                quantums: q,
                quote_balance: -q / 10 * 56,
            }
        })
        .collect()
}

/// The Go side's `healthInputs`: 1,000 single-position accounts.
pub fn batch_population() -> (Vec<ScanAccount>, Vec<Position>) {
    let ps: Vec<Position> = (0..1000i64)
        .map(|i| {
            let size = 10_000_000 * (1 + i % 16) * if i % 2 == 1 { -1 } else { 1 };
            Position { market_index: 0, size: Size(size), quote_balance: Quote(-size * 5_600_000 / 10_000) }
        })
        .collect();
    let accts = (0..1000u32)
        .map(|i| ScanAccount { collateral: Quote((20_000 + i64::from(i)) * 1_000_000), first_position: i, position_count: 1 })
        .collect();
    (accts, ps)
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch");
    for n in [1usize, 16] {
        let ps = dydx_subaccount(n);
        let usdc = 200_000_000_000i128;
        assert!(!subaccount_risk(usdc, &ps).unwrap().is_liquidatable());
        g.bench_function(format!("dydx_risk/{n}"), |b| b.iter(|| subaccount_risk(black_box(usdc), black_box(&ps)).unwrap()));
    }
    let ps = dydx_subaccount(16);
    for (name, exact) in [("fast", false), ("exact", true)] {
        g.bench_function(format!("dydx_position_16/{name}"), |b| {
            b.iter(|| {
                let mut sum = 0i128;
                for p in black_box(&ps) {
                    let r = if exact {
                        p.perpetual.position_net_notional_value_and_margin_exact(p.price, p.quantums, 0)
                    } else {
                        p.perpetual.position_net_notional_value_and_margin(p.price, p.quantums, 0)
                    };
                    let r = r.unwrap();
                    sum += r.mmr + r.imr + r.nc;
                }
                sum
            })
        });
    }
    let ms = [single_tier()];
    let prices = [Price(5_700_000)];
    let (accts, ps) = batch_population();
    let mut out = vec![None; accts.len()];
    g.bench_function("health_1000", |b| {
        b.iter(|| {
            for (a, o) in black_box(&accts).iter().zip(out.iter_mut()) {
                *o = a.pool(&ps).and_then(|p| pool_health(&p, &ms, &prices)).ok();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
