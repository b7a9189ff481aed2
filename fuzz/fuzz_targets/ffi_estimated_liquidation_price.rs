//! `partliq_estimated_liquidation_price`: no crash; output untouched on
//! error; the core's answer (kind and price; price 0 unless `At`, and > 0
//! when `At`). For valid markets, when the position is the only non-empty
//! one in its market (and always for the position alone in a pool with the
//! same collateral), the kind agrees with `pool_health` with that market's
//! mark moved to 1, `p − 1`, `p`, `p + 1`, the current mark and large marks:
//! liquidatable (`equity − maintenance < 0`) where the kind says so, and on
//! the other side `equity − maintenance ≥ 0` with a quote exponent ≥ 0
//! (health's rounding is then exact), `≥ −1` with a negative one (value and
//! requirement round separately, at most one unit short).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{LiquidationPrice, Price};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let mut out = OutSlot::<partliq_liquidation_price>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_estimated_liquidation_price(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            j as u32,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("estimated_liquidation_price");
        return;
    }
    let v = args.view();
    let core = partliq::estimated_liquidation_price(&v.pool(), &v.markets, &v.prices, j);
    let expected = v.boundary.unwrap_or_else(|| status_of(&core));
    assert_eq!(st, expected);
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("estimated_liquidation_price");
        return;
    }
    let o = out.read(0);
    out.assert_untouched_from(1, "estimated_liquidation_price");
    assert_eq!(o.reserved, 0);
    let lp = core.unwrap();
    match lp {
        LiquidationPrice::Never => assert_eq!((o.kind, o.price), (0, 0)),
        LiquidationPrice::Always => assert_eq!((o.kind, o.price), (1, 0)),
        LiquidationPrice::At(p) => {
            assert_eq!((o.kind, o.price), (2, p.0));
            assert!(p.0 > 0, "At({}) not a positive price", p.0);
        }
    }
    if v.markets_valid() {
        let pos = v.positions[j];
        if !v.positions.iter().enumerate().any(|(i, q)| i != j && q.size.0 != 0 && q.market_index == pos.market_index) {
            kind_agrees_with_health(&v, j, lp);
        }
        // The position alone with the pool's collateral (always checkable:
        // no other position moves with its market's mark).
        let alone = PoolView { positions: vec![pos], ..v.clone() };
        if let Ok(lp) = partliq::estimated_liquidation_price(&alone.pool(), &alone.markets, &alone.prices, 0) {
            kind_agrees_with_health(&alone, 0, lp);
        }
    }
});

/// Position `j` is the only non-empty one in its market.
fn kind_agrees_with_health(v: &PoolView, j: usize, lp: LiquidationPrice) {
    let pos = v.positions[j];
    let mi = pos.market_index as usize;
    let long = pos.size.0 > 0;
    let exact = v.markets[mi].quote_exponent >= 0;
    let mut marks = vec![1, 2, v.prices[mi].0, 1_000_000, 1 << 40, 1 << 62, i64::MAX];
    if let LiquidationPrice::At(p) = lp {
        marks.extend([p.0 - 1, p.0, p.0.saturating_add(1)]);
    }
    for x in marks.into_iter().filter(|&x| x >= 1) {
        let mut prices = v.prices.clone();
        prices[mi] = Price(x);
        let Ok(h) = partliq::pool_health(&v.pool(), &v.markets, &prices) else { continue };
        let r = i128::from(h.equity.0) - i128::from(h.maintenance_requirement.0);
        let liquidating = match lp {
            LiquidationPrice::Always => true,
            LiquidationPrice::Never => false,
            LiquidationPrice::At(p) => {
                if long {
                    x < p.0
                } else {
                    x > p.0
                }
            }
        };
        if liquidating {
            assert!(r < 0 && h.needs_liquidation(), "{lp:?} but healthy at mark {x}: {h:?}");
        } else if exact {
            assert!(r >= 0 && !h.needs_liquidation(), "{lp:?} but liquidatable at mark {x}: {h:?}");
        } else {
            assert!(r >= -1, "{lp:?} but {r} short at mark {x}: {h:?}");
        }
    }
}
