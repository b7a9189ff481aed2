//! `partliq_settle_fill`: no crash; output untouched on error; the core's
//! settlement; and its invariants: value conserved
//! (`position_quote_delta − fill_cash + fee_to_liquidator +
//! insurance_fund_delta = 0`), the fee capped by the nominal fee and by the
//! equity above bankruptcy, the split (liquidator's share rounded down), bad
//! debt only below bankruptcy, the new position, and (valid markets)
//! `health_after` equal to the recomputed health.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{Fill, Position, Price, Quote, Size};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    position: u8,
    delta: DeltaIn,
    price: PriceIn,
    reserved: u8,
    fill_ptr: OutPtr,
    out: OutPtr,
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let j = usize::from(inp.position) % (data.positions.len() + 2);
    let fill = partliq_fill {
        position_index: j as u32,
        reserved: u32::from(inp.reserved == 255),
        size_delta: inp.delta.get(&data, j),
        price: inp.price.get(&data, j),
    };
    let f = InStruct::new(fill, inp.fill_ptr);
    let mut out = OutSlot::<partliq_settlement>::new(inp.out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_settle_fill(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            f.ptr(),
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || f.rejected() || out.rejected() {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("settle_fill");
        return;
    }
    let v = args.view();
    let boundary = if fill.reserved != 0 { Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO) } else { v.boundary };
    if let Some(s) = boundary {
        assert_eq!(st, s);
        out.assert_untouched("settle_fill");
        return;
    }
    let cf = Fill { position_index: j, size_delta: Size(fill.size_delta), price: Price(fill.price) };
    let core = partliq::settle_fill(&v.pool(), &v.markets, &v.prices, &cf);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("settle_fill");
        return;
    }
    let s = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "settle_fill");
    assert_eq!(o.new_position, abi_position(&s.new_position));
    assert_eq!(
        [
            o.fill_cash,
            o.bankruptcy_quote,
            o.nominal_fee,
            o.fee,
            o.fee_to_liquidator,
            o.fee_to_insurance,
            o.bad_debt,
            o.insurance_fund_delta,
            o.position_quote_delta
        ],
        [
            s.fill_cash.0,
            s.bankruptcy_quote.0,
            s.nominal_fee.0,
            s.fee.0,
            s.fee_to_liquidator.0,
            s.fee_to_insurance.0,
            s.bad_debt.0,
            s.insurance_fund_delta.0,
            s.position_quote_delta.0
        ]
    );
    assert_eq!(o.health_after, partliq_health::from(&s.health_after));
    let w = |q: Quote| i128::from(q.0);
    // Conservation: what the position gains, the fill, the liquidator and the fund account for.
    assert_eq!(
        w(s.position_quote_delta) - w(s.fill_cash) + w(s.fee_to_liquidator) + w(s.insurance_fund_delta),
        0,
        "value not conserved: {s:?}"
    );
    assert_eq!(w(s.fee_to_liquidator) + w(s.fee_to_insurance), w(s.fee));
    assert_eq!(w(s.insurance_fund_delta), w(s.fee_to_insurance) - w(s.bad_debt));
    let excess = w(s.fill_cash) - w(s.bankruptcy_quote);
    assert_eq!(w(s.fee), w(s.nominal_fee).min(excess.max(0)), "fee cap");
    assert_eq!(w(s.bad_debt), (-excess).max(0), "bad debt");
    let p = v.positions[j];
    assert_eq!(s.new_position.size.0, p.size.0 + fill.size_delta);
    assert_eq!(w(s.new_position.quote_balance), i128::from(p.quote_balance.0) + w(s.position_quote_delta));
    assert_eq!(s.new_position.market_index, p.market_index);
    if v.markets_valid() {
        // (An invalid market's fee or share above 100 % gives figures computed from it.)
        assert!(s.fee.0 >= 0 && s.bad_debt.0 >= 0 && s.fee_to_liquidator.0 >= 0 && s.fee_to_insurance.0 >= 0);
        let m = v.markets[p.market_index as usize];
        assert_eq!(w(s.fee_to_liquidator), w(s.fee) * i128::from(m.liquidator_fee_share.0) / 1_000_000, "liquidator share rounding");
        let units = i128::from(fill.size_delta).abs();
        assert_eq!(close_cash(&m, i128::from(p.size.0.signum()), units, i128::from(fill.price)), Some(w(s.fill_cash)));
        assert_eq!(close_fee(&m, units, i128::from(fill.price)), Some(w(s.nominal_fee)));
        let mut after: Vec<Position> = v.positions.clone();
        after[j] = s.new_position;
        let h = partliq::pool_health(&partliq::Pool::new(v.collateral, &after), &v.markets, &v.prices);
        assert_eq!(h, Ok(s.health_after), "health_after differs from the recomputed health");
    }
});
