//! Differential: `minimal_close` against a brute-force search over every lot
//! step, on small inputs (sizes up to a few thousand lot steps, one to three
//! positions, valid markets), including coarse quote units with fine lots
//! (exponents down to −7 with small prices: one lot worth a tiny fraction of
//! a quote unit, so rounding decides where the target is first met). The
//! brute force evaluates the pool's rounded `equity − target` at each
//! `x ∈ {0, step, 2·step, …, |size|}` through `pool_health` (an independent
//! path: the close's cash and fee booked by hand), takes the least `x` that
//! reaches the target, applies the dust rule, and must give exactly the
//! solver's size and status — always.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct PosIn {
    market: u8,
    lots: i16,
    extra: u8,
    qb: i32,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    markets: Vec<MarketIn>,
    /// Small market parameters: exponent, lot step, tick.
    small: Vec<(i8, u8, u8)>,
    prices: Vec<u16>,
    positions: Vec<PosIn>,
    collateral: i32,
    near: Option<i16>,
    position: u8,
    target: TargetIn,
    exec: PriceIn,
}

fuzz_target!(|inp: Input| {
    let mut markets: Vec<partliq_ffi::partliq_market> = inp.markets.iter().take(2).map(|m| m.to_abi()).collect();
    if markets.is_empty() {
        return;
    }
    for (k, m) in markets.iter_mut().enumerate() {
        let (e, step, tick) = inp.small.get(k).copied().unwrap_or((0, 1, 1));
        // −7 ..= 3: down to coarse quote units (one lot of a small price at
        // 10^−7 is worth a millionth of a quote unit or less).
        m.quote_exponent = i32::from(e).rem_euclid(11) - 7;
        m.lot_step = i64::from(step % 16).max(1);
        m.tick = i64::from(tick % 8).max(1);
        m.dust_floor %= 1 << 20;
        let n = m.tier_count as usize;
        for t in m.tiers.iter_mut() {
            t.notional_floor %= 1 << 30;
        }
        partliq_fuzz::repair(m, n);
    }
    let prices: Vec<i64> = (0..markets.len()).map(|k| i64::from(inp.prices.get(k).copied().unwrap_or(100)).max(1)).collect();
    let positions: Vec<partliq_ffi::partliq_position> = inp
        .positions
        .iter()
        .take(3)
        .map(|p| {
            let mi = u32::from(p.market) % markets.len() as u32;
            let step = markets[mi as usize].lot_step;
            let lots = i64::from(p.lots % 4_000);
            let size = lots * step + i64::from(p.extra) % step * lots.signum();
            partliq_ffi::partliq_position { market_index: mi, reserved: 0, size, quote_balance: i64::from(p.qb) }
        })
        .collect();
    if positions.is_empty() {
        return;
    }
    let mut data = PoolData { markets, prices, collateral: i64::from(inp.collateral), positions };
    if let Some(k) = inp.near {
        // equity ≈ maintenance × (1 + k/1000)
        let (m, p, q) = (data.core_markets(), data.core_prices(), data.core_positions());
        if let Ok(h) = pool_health(&Pool::new(Quote(data.collateral), &q), &m, &p) {
            let mm = i128::from(h.maintenance_requirement.0);
            let want = mm + mm * i128::from(k % 1000) / 1000;
            if let Ok(c) = i64::try_from(i128::from(data.collateral) + want - i128::from(h.equity.0)) {
                data.collateral = c;
            }
        }
    }
    let j = usize::from(inp.position) % data.positions.len();
    if data.positions[j].size == 0 {
        return;
    }
    let Ok(target) = core_target(inp.target.to_abi()) else { return };
    let exec = inp.exec.get(&data, j).clamp(1, 1 << 20);
    let view = PoolView {
        boundary: None,
        markets: data.core_markets(),
        prices: data.core_prices(),
        collateral: Quote(data.collateral),
        positions: data.core_positions(),
    };
    let req = CloseRequest { position_index: j, execution_price: Price(exec), target };
    let Ok(c) = minimal_close(&view.pool(), &view.markets, &view.prices, &req) else { return };
    check_close_sizing(&view, j, exec, target, &c);
    // Brute force over the grid.
    let p = view.positions[j];
    let m = view.markets[p.market_index as usize];
    let mark = view.prices[p.market_index as usize].0;
    let u = i128::from(p.size.0).abs();
    let step = i128::from(m.lot_step.0);
    // The rounded surplus at every grid point (skip inputs whose figures do
    // not fit the public health, which reports i64).
    let mut grid = Vec::new();
    let mut n: i128 = 0;
    loop {
        let x = (n * step).min(u);
        let Some(after) = closed(&view, j, x, exec) else { return };
        let Some((s, _)) = surplus(&view, &after, target) else { return };
        grid.push((x, s));
        if x == u {
            break;
        }
        n += 1;
    }
    let f = |x: i128| -> i128 { grid.iter().find(|(gx, _)| *gx == x).map(|(_, s)| *s).unwrap() };
    if f(0) >= 0 {
        assert_eq!((c.status, c.size_delta.0), (CloseStatus::AlreadySafe, 0));
        return;
    }
    let first = grid.iter().find(|(_, s)| *s >= 0).map(|(x, _)| *x);
    match first {
        Some(x0) => {
            let (x, dust) = dust_adjusted(&m, mark, u, x0);
            let status = if dust && f(u) < 0 { CloseStatus::Infeasible } else { CloseStatus::Restored };
            assert_eq!(
                (c.status, i128::from(c.size_delta.0).abs(), c.dust_closed),
                (status, x, dust),
                "solver and brute force differ (least restoring size {x0})"
            );
        }
        None => assert_eq!(c.status, CloseStatus::Infeasible, "brute force finds no restoring size"),
    }
});
