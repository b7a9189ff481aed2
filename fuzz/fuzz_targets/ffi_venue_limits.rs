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
use partliq_fuzz::venues::*;
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

fn dydx(d: &DydxIn) {
    let (tier, core_tier) = dydx_tier(d.imf, d.mf, d.lower, d.upper);
    let oi = d.oi.get();
    let mut imf = OutSlot::<u32>::new(d.out);
    // SAFETY: a valid tier; the output as the slot's shape.
    let st = unsafe { partliq_dydx_adjusted_initial_margin_ppm(&tier, oi, imf.ptr()) };
    let want = core_tier.validate().and_then(|()| core_tier.adjusted_initial_margin_ppm(i128::from(oi))).map_err(|e| e as u32);
    same_as_core("adjusted_initial_margin_ppm", st, &imf, want);
    if let Ok(v) = want {
        // Between the base fraction and 100 %.
        assert!(v >= tier.initial_margin_ppm.min(1_000_000) && v <= 1_000_000.max(tier.initial_margin_ppm), "imf {v}");
    }

    let (mut cfg, mut core_cfg) = dydx_config(d.genesis);
    if d.max_notional != 0 {
        cfg.max_notional_liquidated = d.max_notional;
    }
    if d.max_lost != 0 {
        cfg.max_quantums_insurance_lost = d.max_lost;
    }
    core_cfg.subaccount_block_limits = dydx_v4::SubaccountBlockLimits {
        max_notional_liquidated: cfg.max_notional_liquidated,
        max_quantums_insurance_lost: cfg.max_quantums_insurance_lost,
    };
    let ids = liquidated_ids(&d.liquidated);
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
    let want = core_cfg.validate().map_err(|e| e as u32).and_then(|()| {
        let l = &core_cfg.subaccount_block_limits;
        let notional = dydx_v4::subaccount_max_notional_liquidatable(l, &info, id).map_err(|e| e as u32)?;
        let lost = dydx_v4::subaccount_max_insurance_lost(l, &info, id).map_err(|e| e as u32)?;
        Ok(partliq_dydx_block_left { notional: fit64(notional)?, insurance_lost: fit64(lost)? })
    });
    same_as_core("subaccount_block_left", st, &left, want);
    // NULL ids with a length: refused before anything is read.
    let mut left = OutSlot::<partliq_dydx_block_left>::new(OutPtr::Valid);
    // SAFETY: NULL with a length is refused by the boundary.
    let st = unsafe { partliq_dydx_subaccount_block_left(&cfg, core::ptr::null(), 1, 0, 0, id, left.ptr()) };
    assert_eq!(st, PARTLIQ_STATUS_NULL_POINTER);
    left.assert_untouched("subaccount_block_left NULL ids");
}

fn aave(inp: &Input) {
    let AaveBook { abi, users, core_rs, core_us, flags_bad } = AaveBook::new(&inp.reserves);

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
    same_as_core("aave_close_factor", st, &cf, want);

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
    let (cover, balance) = (i128::from(inp.cover.get()), i128::from(inp.balance.get()));
    let bonus = u32::from(inp.bonus_bps);
    let mut q = OutSlot::<partliq_aave_collateral_quote>::new(inp.out);
    // SAFETY: valid pointers; the output as the slot's shape.
    let st = unsafe { partliq_aave_collateral_for_debt(&c, &d, &wide(cover), &wide(balance), bonus, q.ptr()) };
    let want = aave_v3::collateral_for_debt(&core_reserve(&c), &core_reserve(&d), cover, balance, bonus)
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
    same_as_core("aave_collateral_for_debt", st, &q, want);
    if let Ok(v) = want {
        // Never more collateral than the balance, never more debt than asked.
        assert!(join(v.collateral_to_liquidator) + join(v.protocol_fee) <= balance.max(0) || balance < 0, "{v:?}");
        assert!(join(v.debt_repaid) <= cover.max(0) || cover < 0, "{v:?}");
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
