//! The venue replicas' limits and quotes through the C ABI, against the
//! core's `venues::dydx_v4` and `venues::aave_v3`: dYdX's open-interest
//! scaled initial margin (`partliq_dydx_adjusted_initial_margin_ppm`) and a
//! subaccount's block limits left (`partliq_dydx_subaccount_block_left`),
//! Aave's close factor (`partliq_aave_close_factor`) and collateral quote
//! (`partliq_aave_collateral_for_debt`). The same status, the same figures
//! (64-bit ones `OVERFLOW` where the core's do not fit), NULL pointers
//! refused, outputs untouched on error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::venues::{aave_v3, dydx_v4};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct DydxIn {
    imf: u32,
    mf: u32,
    lower: u64,
    upper: u64,
    oi: I64,
    genesis: bool,
    /// Overrides of the configuration's subaccount block limits (0: keep).
    max_notional: u64,
    max_lost: u64,
    liquidated: Vec<u8>,
    notional_liquidated: u64,
    insurance_lost: u64,
    perpetual_id: u8,
    out: OutPtr,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct ReserveIn {
    price: I64,
    decimals: u8,
    threshold: u16,
    bonus: u16,
    fee: u16,
    liquidity_index: u32,
    borrow_index: u32,
    collateral: I64,
    debt: I64,
    use_as_collateral: u8,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    dydx: DydxIn,
    reserves: Vec<ReserveIn>,
    collateral_index: u8,
    debt_index: u8,
    cover: I64,
    balance: I64,
    bonus_bps: u16,
    out: OutPtr,
}

fn check<T: PartialEq + core::fmt::Debug + Copy>(what: &str, st: partliq_status, out: &OutSlot<T>, want: Result<T, partliq_status>) {
    assert_named(st);
    if out.rejected() {
        assert!(is_boundary_status(st), "{what}: status {st}");
        out.assert_untouched(what);
        return;
    }
    match want {
        Ok(v) => {
            assert_eq!(st, PARTLIQ_STATUS_OK, "{what}");
            assert_eq!(out.read(0), v, "{what}");
        }
        Err(s) => {
            assert_eq!(st, s, "{what}");
            out.assert_untouched(what);
        }
    }
}

fn dydx(d: &DydxIn) {
    let tier = partliq_dydx_liquidity_tier {
        initial_margin_ppm: d.imf % 1_100_000,
        maintenance_fraction_ppm: d.mf % 1_100_000,
        open_interest_lower_cap: d.lower,
        open_interest_upper_cap: d.upper,
    };
    let core_tier = dydx_v4::LiquidityTier {
        initial_margin_ppm: tier.initial_margin_ppm,
        maintenance_fraction_ppm: tier.maintenance_fraction_ppm,
        open_interest_lower_cap: tier.open_interest_lower_cap,
        open_interest_upper_cap: tier.open_interest_upper_cap,
    };
    let oi = d.oi.get();
    let mut imf = OutSlot::<u32>::new(d.out);
    // SAFETY: a valid tier; the output as the slot's shape.
    let st = unsafe { partliq_dydx_adjusted_initial_margin_ppm(&tier, oi, imf.ptr()) };
    let want = core_tier.validate().and_then(|()| core_tier.adjusted_initial_margin_ppm(i128::from(oi))).map_err(|e| e as u32);
    check("adjusted_initial_margin_ppm", st, &imf, want);
    if let Ok(v) = want {
        // Between the base fraction and 100 %.
        assert!(v >= tier.initial_margin_ppm.min(1_000_000) && v <= 1_000_000.max(tier.initial_margin_ppm), "imf {v}");
    }

    let mut cfg = partliq_dydx_liquidation_config::default();
    // SAFETY: a valid out-pointer.
    unsafe {
        if d.genesis {
            partliq_dydx_liquidation_config_mainnet_genesis(&mut cfg);
        } else {
            partliq_dydx_liquidation_config_code_default(&mut cfg);
        }
    }
    if d.max_notional != 0 {
        cfg.max_notional_liquidated = d.max_notional;
    }
    if d.max_lost != 0 {
        cfg.max_quantums_insurance_lost = d.max_lost;
    }
    let mut core_cfg = if d.genesis { dydx_v4::LiquidationConfig::mainnet_genesis() } else { dydx_v4::LiquidationConfig::code_default() };
    core_cfg.subaccount_block_limits = dydx_v4::SubaccountBlockLimits {
        max_notional_liquidated: cfg.max_notional_liquidated,
        max_quantums_insurance_lost: cfg.max_quantums_insurance_lost,
    };
    let ids: Vec<u32> = d.liquidated.iter().take(4).map(|i| u32::from(*i % 4)).collect();
    let info = dydx_v4::SubaccountLiquidationInfo {
        perpetuals_liquidated: &ids,
        notional_liquidated: d.notional_liquidated,
        quantums_insurance_lost: d.insurance_lost,
    };
    let id = u32::from(d.perpetual_id % 5);
    let mut left = OutSlot::<partliq_dydx_block_left>::new(d.out);
    // SAFETY: valid pointers; the output as the slot's shape.
    let st = unsafe {
        partliq_dydx_subaccount_block_left(&cfg, ids.as_ptr(), ids.len(), d.notional_liquidated, d.insurance_lost, id, left.ptr())
    };
    let n = |v: i128| i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW);
    let want = core_cfg.validate().map_err(|e| e as u32).and_then(|()| {
        let l = &core_cfg.subaccount_block_limits;
        let notional = dydx_v4::subaccount_max_notional_liquidatable(l, &info, id).map_err(|e| e as u32)?;
        let lost = dydx_v4::subaccount_max_insurance_lost(l, &info, id).map_err(|e| e as u32)?;
        Ok(partliq_dydx_block_left { notional: n(notional)?, insurance_lost: n(lost)? })
    });
    check("subaccount_block_left", st, &left, want);
    // NULL ids with a length: refused before anything is read.
    let mut left = OutSlot::<partliq_dydx_block_left>::new(OutPtr::Valid);
    // SAFETY: NULL with a length is refused by the boundary.
    let st = unsafe { partliq_dydx_subaccount_block_left(&cfg, core::ptr::null(), 1, 0, 0, id, left.ptr()) };
    assert_eq!(st, PARTLIQ_STATUS_NULL_POINTER);
    left.assert_untouched("subaccount_block_left NULL ids");
}

const RAY: i128 = 1_000_000_000_000_000_000_000_000_000;

fn wide(v: i128) -> partliq_i128 {
    partliq_i128 { lo: v as u64, hi: (v >> 64) as i64 }
}

fn aave(inp: &Input) {
    let rs: Vec<&ReserveIn> = inp.reserves.iter().take(4).collect();
    let abi: Vec<partliq_aave_reserve> = rs
        .iter()
        .map(|r| partliq_aave_reserve {
            price: wide(i128::from(r.price.get())),
            decimals: u32::from(r.decimals % 40),
            liquidation_threshold: u32::from(r.threshold % 10_100),
            liquidation_bonus: 9_900 + u32::from(r.bonus % 2_000),
            liquidation_protocol_fee: u32::from(r.fee % 10_100),
            liquidity_index: wide(RAY + i128::from(r.liquidity_index) * 1_000_000_000 - 1),
            variable_borrow_index: wide(RAY + i128::from(r.borrow_index) * 1_000_000_000),
        })
        .collect();
    let users: Vec<partliq_aave_user_reserve> = rs
        .iter()
        .map(|r| partliq_aave_user_reserve {
            scaled_collateral: wide(i128::from(r.collateral.get())),
            scaled_debt: wide(i128::from(r.debt.get())),
            use_as_collateral: u32::from(r.use_as_collateral % 3),
            reserved: 0,
        })
        .collect();
    let core_rs: Vec<aave_v3::Reserve> = abi
        .iter()
        .map(|r| aave_v3::Reserve {
            price: r.price.lo as i64 as i128,
            decimals: r.decimals,
            liquidation_threshold: r.liquidation_threshold,
            liquidation_bonus: r.liquidation_bonus,
            liquidation_protocol_fee: r.liquidation_protocol_fee,
            liquidity_index: (i128::from(r.liquidity_index.hi) << 64) | i128::from(r.liquidity_index.lo),
            variable_borrow_index: (i128::from(r.variable_borrow_index.hi) << 64) | i128::from(r.variable_borrow_index.lo),
        })
        .collect();
    let flags_bad = users.iter().any(|u| u.use_as_collateral > 1);
    let core_us: Vec<aave_v3::UserReserve> = users
        .iter()
        .map(|u| aave_v3::UserReserve {
            scaled_collateral: u.scaled_collateral.lo as i64 as i128,
            use_as_collateral: u.use_as_collateral == 1,
            scaled_debt: u.scaled_debt.lo as i64 as i128,
        })
        .collect();

    let (ci, di) = (u32::from(inp.collateral_index % 5), u32::from(inp.debt_index % 5));
    let mut cf = OutSlot::<partliq_aave_max_debt>::new(inp.out);
    // SAFETY: valid arrays; the output as the slot's shape.
    let st = unsafe { partliq_aave_close_factor(abi.as_ptr(), abi.len(), users.as_ptr(), users.len(), ci, di, cf.ptr()) };
    let want = if flags_bad {
        Err(PARTLIQ_STATUS_INVALID_ENUM)
    } else {
        aave_v3::close_factor(&core_rs, &core_us, ci as usize, di as usize)
            .map(|c| partliq_aave_max_debt {
                max_liquidatable_debt: wide(c.max_liquidatable_debt),
                reserve_debt: wide(c.reserve_debt),
                reserve_debt_base: wide(c.reserve_debt_base),
                reserve_collateral: wide(c.reserve_collateral),
                reserve_collateral_base: wide(c.reserve_collateral_base),
                rule: c.rule as u32,
                reserved: 0,
            })
            .map_err(|e| e as u32)
    };
    check("aave_close_factor", st, &cf, want);

    // The quote between two of the reserves (the first and the last, or a
    // reserve of its own when there are none).
    let fallback = partliq_aave_reserve {
        price: wide(100_000_000),
        decimals: 6,
        liquidation_threshold: 8_000,
        liquidation_bonus: 10_500,
        liquidation_protocol_fee: 1_000,
        liquidity_index: wide(RAY),
        variable_borrow_index: wide(RAY),
    };
    let (c, d) = (*abi.first().unwrap_or(&fallback), *abi.last().unwrap_or(&fallback));
    let core_of = |r: &partliq_aave_reserve| aave_v3::Reserve {
        price: (i128::from(r.price.hi) << 64) | i128::from(r.price.lo),
        decimals: r.decimals,
        liquidation_threshold: r.liquidation_threshold,
        liquidation_bonus: r.liquidation_bonus,
        liquidation_protocol_fee: r.liquidation_protocol_fee,
        liquidity_index: (i128::from(r.liquidity_index.hi) << 64) | i128::from(r.liquidity_index.lo),
        variable_borrow_index: (i128::from(r.variable_borrow_index.hi) << 64) | i128::from(r.variable_borrow_index.lo),
    };
    let (cover, balance) = (i128::from(inp.cover.get()), i128::from(inp.balance.get()));
    let bonus = u32::from(inp.bonus_bps);
    let mut q = OutSlot::<partliq_aave_collateral_quote>::new(inp.out);
    // SAFETY: valid pointers; the output as the slot's shape.
    let st = unsafe { partliq_aave_collateral_for_debt(&c, &d, &wide(cover), &wide(balance), bonus, q.ptr()) };
    let want = aave_v3::collateral_for_debt(&core_of(&c), &core_of(&d), cover, balance, bonus)
        .map(|q| partliq_aave_collateral_quote {
            collateral_to_liquidator: wide(q.collateral_to_liquidator),
            debt_repaid: wide(q.debt_repaid),
            protocol_fee: wide(q.protocol_fee),
            bonus_collateral: wide(q.bonus_collateral),
            base_collateral: wide(q.base_collateral),
            capped_by_balance: u32::from(q.capped_by_balance),
            reserved: 0,
        })
        .map_err(|e| e as u32);
    check("aave_collateral_for_debt", st, &q, want);
    if let Ok(v) = want {
        // Never more collateral than the balance, never more debt than asked.
        let get = |w: partliq_i128| (i128::from(w.hi) << 64) | i128::from(w.lo);
        assert!(get(v.collateral_to_liquidator) + get(v.protocol_fee) <= balance.max(0) || balance < 0, "{v:?}");
        assert!(get(v.debt_repaid) <= cover.max(0) || cover < 0, "{v:?}");
    }
    // NULL reserve pointers: refused, nothing written.
    let mut q = OutSlot::<partliq_aave_collateral_quote>::new(OutPtr::Valid);
    // SAFETY: NULL is refused by the boundary.
    let st = unsafe { partliq_aave_collateral_for_debt(core::ptr::null(), &d, &wide(cover), &wide(balance), bonus, q.ptr()) };
    assert_eq!(st, PARTLIQ_STATUS_NULL_POINTER);
    q.assert_untouched("aave_collateral_for_debt NULL collateral");
}

fuzz_target!(|inp: Input| {
    dydx(&inp.dydx);
    aave(&inp);
});
