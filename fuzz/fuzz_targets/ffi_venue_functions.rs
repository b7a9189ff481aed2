//! The venue replicas' functions through the C ABI (`partliq_dydx_*`,
//! `partliq_aave_*`) against the core's `venues::dydx_v4` and
//! `venues::aave_v3`: the same status, the same figures (64-bit ones
//! `OVERFLOW` where the core's do not fit), outputs untouched on error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::venues::{aave_v3, dydx_v4};
use partliq_ffi::*;
use partliq_fuzz::venues::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct DydxIn {
    perpetual_id: u8,
    atomic_resolution: i8,
    open_interest: I64,
    imf: u32,
    mf: u32,
    lower: u64,
    upper: u64,
    price: u64,
    price_exponent: i8,
    reserved: bool,
    quantums: I64,
    quote_balance: I64,
    usdc: I64,
    delta: I64,
    custom_imf: u32,
    step: u8,
    subticks_per_tick: u16,
    qce: i8,
    fill_amount: u64,
    subticks: u64,
    is_buy: u8,
    fee: u32,
    genesis: bool,
    liquidated: Vec<u8>,
    notional_liquidated: u64,
    insurance_lost: u64,
    long: u8,
    num: i64,
    den: i64,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    dydx: DydxIn,
    reserves: Vec<ReserveIn>,
    collateral_index: u8,
    debt_index: u8,
    cover: I64,
    receive_a_token: u8,
}

fn dydx(d: &DydxIn) {
    let (tier, core_tier) = dydx_tier(d.imf, d.mf, d.lower, d.upper);
    let p = partliq_dydx_position {
        perpetual_id: u32::from(d.perpetual_id % 4),
        atomic_resolution: i32::from(d.atomic_resolution % 20),
        open_interest: d.open_interest.get(),
        liquidity_tier: tier,
        price: d.price,
        price_exponent: i32::from(d.price_exponent % 20),
        reserved: u32::from(d.reserved),
        quantums: d.quantums.get(),
        quote_balance: d.quote_balance.get(),
    };
    let pos_status: Result<dydx_v4::DydxPosition, partliq_status> = if d.reserved {
        Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
    } else {
        core_tier.validate().map_err(|e| e as u32).map(|()| dydx_v4::DydxPosition {
            perpetual: dydx_v4::DydxPerpetual {
                id: p.perpetual_id,
                atomic_resolution: p.atomic_resolution,
                open_interest: i128::from(p.open_interest),
                liquidity_tier: core_tier,
            },
            price: dydx_v4::MarketPrice { price: p.price, exponent: p.price_exponent },
            quantums: i128::from(p.quantums),
            quote_balance: i128::from(p.quote_balance),
        })
    };
    let risk_of = |r: dydx_v4::Risk| -> Result<partliq_dydx_risk, partliq_status> {
        Ok(partliq_dydx_risk { mmr: fit64(r.mmr)?, imr: fit64(r.imr)?, nc: fit64(r.nc)? })
    };

    let mut out = OutSlot::<partliq_dydx_risk>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_position_risk(&p, d.custom_imf, out.ptr()) };
    let want = pos_status.and_then(|c| {
        c.perpetual.net_collateral_and_margin(c.price, c.quantums, c.quote_balance, d.custom_imf).map_err(|e| e as u32).and_then(risk_of)
    });
    same_as_core("position_risk", st, &out, want);

    let mut total = OutSlot::<partliq_dydx_risk>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_subaccount_risk(d.usdc.get(), &p, 1, total.ptr()) };
    let core_total = pos_status.and_then(|c| dydx_v4::subaccount_risk(i128::from(d.usdc.get()), &[c]).map_err(|e| e as u32));
    same_as_core("subaccount_risk", st, &total, core_total.and_then(risk_of));
    let Ok(t) = core_total.and_then(risk_of) else { return };
    let core_t = dydx_v4::Risk { mmr: i128::from(t.mmr), imr: i128::from(t.imr), nc: i128::from(t.nc) };

    let (cfg, core_cfg) = dydx_config(d.genesis);
    let delta = d.delta.get();

    let mut q = OutSlot::<i64>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_bankruptcy_price_quote_quantums(&p, &t, delta, q.ptr()) };
    let want = pos_status.and_then(|c| narrow(dydx_v4::bankruptcy_price_quote_quantums(&c, &core_t, i128::from(delta))));
    same_as_core("bankruptcy_price", st, &q, want);

    let mut fp = OutSlot::<partliq_dydx_rational>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_fillable_price(&p, &t, delta, &cfg, fp.ptr()) };
    let want = pos_status.and_then(|c| {
        dydx_v4::fillable_price(&c, &core_t, i128::from(delta), &core_cfg.fillable_price_config)
            .map(|r| partliq_dydx_rational { num: wide(r.num()), den: wide(r.den()) })
            .map_err(|e| e as u32)
    });
    same_as_core("fillable_price", st, &fp, want);

    let clob = partliq_dydx_clob_pair {
        step_base_quantums: u64::from(d.step),
        subticks_per_tick: u32::from(d.subticks_per_tick),
        quantum_conversion_exponent: i32::from(d.qce % 24),
    };
    let core_clob = dydx_v4::ClobPair {
        step_base_quantums: clob.step_base_quantums,
        subticks_per_tick: clob.subticks_per_tick,
        quantum_conversion_exponent: clob.quantum_conversion_exponent,
    };
    let rat = partliq_dydx_rational {
        num: partliq_i128 { lo: d.num as u64, hi: if d.num < 0 { -1 } else { 0 } },
        den: partliq_i128 { lo: d.den as u64, hi: if d.den < 0 { -1 } else { 0 } },
    };
    let mut s = OutSlot::<u64>::new(OutPtr::Valid);
    let long = u32::from(d.long % 3);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_fillable_price_to_subticks(&rat, long, &clob, s.ptr()) };
    let want = if long > 1 {
        Err(PARTLIQ_STATUS_INVALID_ENUM)
    } else {
        dydx_v4::Rational::new(i128::from(d.num), i128::from(d.den))
            .and_then(|r| dydx_v4::fillable_price_to_subticks(r, long == 1, &core_clob))
            .map_err(|e| e as u32)
    };
    same_as_core("fillable_price_to_subticks", st, &s, want);

    let fill = partliq_dydx_fill { fill_amount: d.fill_amount, subticks: d.subticks, is_buy: u32::from(d.is_buy % 3), reserved: 0 };
    let mut q = OutSlot::<i64>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_insurance_fund_delta(&p, &t, &clob, d.fee, &fill, q.ptr()) };
    let want = pos_status.and_then(|c| {
        if fill.is_buy > 1 {
            return Err(PARTLIQ_STATUS_INVALID_ENUM);
        }
        let f = dydx_v4::LiquidationFill { is_buy: fill.is_buy == 1, fill_amount: fill.fill_amount, subticks: fill.subticks };
        narrow(dydx_v4::liquidation_insurance_fund_delta(&c, &core_t, &core_clob, d.fee, &f))
    });
    same_as_core("insurance_fund_delta", st, &q, want);

    let ids = liquidated_ids(&d.liquidated);
    let info = dydx_v4::SubaccountLiquidationInfo {
        perpetuals_liquidated: &ids,
        notional_liquidated: d.notional_liquidated,
        quantums_insurance_lost: d.insurance_lost,
    };
    let mut q = OutSlot::<i64>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe {
        partliq_dydx_liquidatable_size_delta(&p, &clob, &cfg, ids.as_ptr(), ids.len(), d.notional_liquidated, d.insurance_lost, q.ptr())
    };
    let want = pos_status.and_then(|c| narrow(dydx_v4::liquidatable_position_size_delta(&c, &core_clob, &core_cfg, &info)));
    same_as_core("liquidatable_size_delta", st, &q, want);

    let mut l = OutSlot::<partliq_dydx_notional_limits>::new(OutPtr::Valid);
    // SAFETY: valid pointers.
    let st = unsafe { partliq_dydx_position_notional_limits(&p, &cfg, l.ptr()) };
    let want = pos_status.and_then(|c| {
        let r = dydx_v4::max_and_min_position_notional_liquidatable(&c, &core_cfg.position_block_limits).map_err(|e| e as u32)?;
        Ok(partliq_dydx_notional_limits { min: fit64(r.min)?, max: fit64(r.max)? })
    });
    same_as_core("position_notional_limits", st, &l, want);
}

fn aave(inp: &Input) {
    let AaveBook { abi, users, core_rs, core_us, flags_bad } = AaveBook::new(&inp.reserves);

    let mut a = OutSlot::<partliq_aave_account>::new(OutPtr::Valid);
    // SAFETY: valid arrays.
    let st = unsafe { partliq_aave_account_data(abi.as_ptr(), abi.len(), users.as_ptr(), users.len(), a.ptr()) };
    assert_named(st);
    let want = if flags_bad { Err(PARTLIQ_STATUS_INVALID_ENUM) } else { aave_v3::account_data(&core_rs, &core_us).map_err(|e| e as u32) };
    match want {
        Ok(w) => {
            assert_eq!(st, PARTLIQ_STATUS_OK);
            let g = a.read(0);
            assert_eq!((g.total_collateral_base, g.health_factor), (wide(w.total_collateral_base), wide(w.health_factor)));
        }
        Err(s) => {
            assert_eq!(st, s);
            a.assert_untouched("aave_account_data");
        }
    }

    let n = abi.len();
    let call = partliq_aave_call {
        collateral_index: u32::from(inp.collateral_index % 5),
        debt_index: u32::from(inp.debt_index % 5),
        debt_to_cover: wide(i128::from(inp.cover.get())),
        receive_a_token: u32::from(inp.receive_a_token % 3),
        reserved: 0,
    };
    let mut after = OutSlot::<partliq_aave_user_reserve>::array(OutPtr::Valid, n);
    let mut defs = OutSlot::<partliq_i128>::array(OutPtr::Valid, n);
    let mut out = OutSlot::<partliq_aave_liquidation>::new(OutPtr::Valid);
    // SAFETY: valid arrays and outputs.
    let st = unsafe { partliq_aave_liquidation_call(abi.as_ptr(), n, users.as_ptr(), n, &call, after.ptr(), n, defs.ptr(), n, out.ptr()) };
    assert_named(st);
    let want = if flags_bad {
        Err(PARTLIQ_STATUS_INVALID_ENUM)
    } else if call.receive_a_token > 1 {
        Err(PARTLIQ_STATUS_INVALID_ENUM)
    } else {
        let c = aave_v3::LiquidationCall {
            collateral_index: call.collateral_index as usize,
            debt_index: call.debt_index as usize,
            debt_to_cover: i128::from(inp.cover.get()),
            receive_a_token: call.receive_a_token == 1,
        };
        let mut ca = vec![aave_v3::UserReserve::default(); n];
        let mut cd = vec![0i128; n];
        aave_v3::liquidation_call(&core_rs, &core_us, &c, &mut ca, &mut cd).map(|l| (l, ca, cd)).map_err(|e| e as u32)
    };
    match want {
        Ok((l, ca, cd)) => {
            assert_eq!(st, PARTLIQ_STATUS_OK);
            let g = out.read(0);
            assert_eq!(
                (g.debt_repaid, g.collateral_to_liquidator, g.protocol_fee, g.deficit),
                (wide(l.debt_repaid), wide(l.collateral_to_liquidator), wide(l.protocol_fee), wide(l.deficit))
            );
            for k in 0..n {
                assert_eq!(after.read(k).scaled_collateral, wide(ca[k].scaled_collateral));
                assert_eq!(after.read(k).scaled_debt, wide(ca[k].scaled_debt));
                assert_eq!(defs.read(k), wide(cd[k]));
            }
        }
        Err(s) => {
            assert_eq!(st, s);
            after.assert_untouched("aave_liquidation_call user_after");
            defs.assert_untouched("aave_liquidation_call deficits");
            out.assert_untouched("aave_liquidation_call");
        }
    }
}

fuzz_target!(|inp: Input| {
    dydx(&inp.dydx);
    aave(&inp);
});
