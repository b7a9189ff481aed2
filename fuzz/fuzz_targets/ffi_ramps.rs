//! The ramps over the C ABI: `partliq_ramps_validate`, `partliq_ramps_fee`
//! and `partliq_fillable_limit_price` — no crash; the status of the Rust API
//! (after the boundary's checks, reimplemented in `core_ramps`); outputs
//! untouched on error; and the ramps' promises: the fee never below the
//! market's nor above the larger of it and the cap, never falling as time
//! passes; the fillable limit on the tick grid, at least one tick, on the
//! account's side of the mark (a short's when its notional is exact: dYdX
//! truncates it toward zero), and never better for the account with less
//! collateral.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::venues::dydx_v4::FillablePriceConfig;
use partliq::{AccountLiquidationState, Ppm, Quote};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    ramps: RampsIn,
    ramps_ptr: OutPtr,
    base_fee: PpmArg,
    started: u8,
    start_time: u8,
    state_ptr: OutPtr,
    now: u8,
    later: u8,
    fee_out: OutPtr,
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    adjustment: Option<u32>,
    spread: PpmArg,
    deeper: u16,
    price_out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let abi = inp.ramps.build();
    let r = InStruct::new(abi, inp.ramps_ptr);
    // SAFETY: valid, NULL or misaligned (rejected before any access).
    let st = unsafe { partliq_ramps_validate(r.ptr()) };
    assert_named(st);
    let core = core_ramps(&abi).and_then(|c| c.validate().map(|()| c).map_err(|e| status_of::<()>(&Err(e))));
    if r.rejected() {
        assert!(is_boundary_status(st));
    } else {
        assert_eq!(st, core.err().unwrap_or(PARTLIQ_STATUS_OK));
    }

    // The fee of a call.
    let state0 = partliq_account_liquidation_state {
        liquidation_started: u32::from(inp.started % 3),
        liquidation_start_time: u64::from(inp.start_time),
        ..Default::default()
    };
    let state = InStruct::new(state0, inp.state_ptr);
    let mut fee = OutSlot::<u32>::new(inp.fee_out);
    let (base, now) = (inp.base_fee.get(), u64::from(inp.now));
    // SAFETY: as above.
    let st = unsafe { partliq_ramps_fee(r.ptr(), base, state.ptr(), now, fee.ptr()) };
    assert_named(st);
    if r.rejected() || state.rejected() || fee.rejected() {
        assert!(is_boundary_status(st));
        fee.assert_untouched("ramps_fee");
    } else {
        let expected = match (core, state0.liquidation_started > 1, base > 1_000_000) {
            (Err(s), ..) => Err(s),
            (Ok(_), true, _) => Err(PARTLIQ_STATUS_INVALID_ENUM),
            (Ok(_), false, true) => Err(PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT),
            (Ok(c), false, false) => Ok(c),
        };
        match expected {
            Err(s) => {
                assert_eq!(st, s);
                fee.assert_untouched("ramps_fee");
            }
            Ok(c) => {
                assert_eq!(st, PARTLIQ_STATUS_OK);
                let got = fee.read(0);
                let cs = AccountLiquidationState {
                    liquidation_started: state0.liquidation_started == 1,
                    liquidation_start_time: state0.liquidation_start_time,
                    ..Default::default()
                };
                assert_eq!(got, c.fee_for(Ppm(base), &cs, now).0);
                assert!(got >= base && got <= base.max(c.fee.max_fee.0), "fee {got} outside [{base}, cap]");
                let later = c.fee_for(Ppm(base), &cs, now + u64::from(inp.later));
                assert!(later.0 >= got, "the fee fell from {got} to {}", later.0);
            }
        }
    }

    // dYdX's fillable price as a limit.
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let config = FillablePriceConfig {
        bankruptcy_adjustment_ppm: inp.adjustment.map_or(1_000_000, |a| a),
        spread_to_maintenance_margin_ratio_ppm: inp.spread.get(),
    };
    let mut out = OutSlot::<i64>::new(inp.price_out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_fillable_limit_price(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            j as u32,
            config.bankruptcy_adjustment_ppm,
            config.spread_to_maintenance_margin_ratio_ppm,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("fillable_limit_price");
        return;
    }
    let v = args.view();
    let core = partliq::fillable_limit_price(&v.pool(), &v.markets, &v.prices, j, &config);
    assert_eq!(st, v.boundary.unwrap_or_else(|| status_of(&core)));
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("fillable_limit_price");
        return;
    }
    let p = out.read(0);
    out.assert_untouched_from(1, "fillable_limit_price");
    assert_eq!(p, core.unwrap().0);
    if !v.markets_valid() {
        return;
    }
    let pos = v.positions[j];
    let m = v.markets[pos.market_index as usize];
    let mark = i128::from(v.prices[pos.market_index as usize].0);
    let tick = i128::from(m.tick.0);
    let p = i128::from(p);
    assert!(p >= tick && p % tick == 0, "fillable limit {p} off the tick {tick}");
    if pos.size.0 > 0 {
        let up = (mark + tick - 1).div_euclid(tick) * tick;
        assert!(p <= up.max(tick), "a long's limit {p} above the mark {mark}");
    } else {
        // dYdX truncates the notional toward zero: a short's price per unit
        // may lie below the mark by that truncation; exact notionals only.
        let scaled = i128::from(pos.size.0).checked_abs().and_then(|s| s.checked_mul(mark)).and_then(|x| x.checked_mul(notional_multiplier(&m)));
        if scaled.is_some_and(|x| x % notional_denominator(&m) == 0) {
            assert!(p >= mark.div_euclid(tick) * tick, "a short's limit {p} below the mark {mark}");
        }
    }
    // Less collateral: never better for the account.
    let deeper = partliq::Pool::new(Quote(data.collateral.saturating_sub(i64::from(inp.deeper))), &v.positions);
    if let Ok(q) = partliq::fillable_limit_price(&deeper, &v.markets, &v.prices, j, &config) {
        let q = i128::from(q.0);
        if pos.size.0 > 0 {
            assert!(q <= p, "deeper underwater, a long's limit rose from {p} to {q}");
        } else {
            assert!(q >= p, "deeper underwater, a short's limit fell from {p} to {q}");
        }
    }
});

/// `10^max(0, e)`: a notional is `size × price × this / notional_denominator`.
fn notional_multiplier(m: &partliq::Market) -> i128 {
    10i128.checked_pow(m.quote_exponent.max(0).unsigned_abs()).unwrap_or(i128::MAX)
}

/// `10^max(0, −e)`.
fn notional_denominator(m: &partliq::Market) -> i128 {
    10i128.checked_pow((-m.quote_exponent).max(0).unsigned_abs()).unwrap_or(i128::MAX)
}
