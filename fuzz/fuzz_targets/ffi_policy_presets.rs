//! Policies and presets over the C ABI: `partliq_policy_validate`, every
//! `partliq_preset_*` constructor, the dYdX liquidation configs
//! (`partliq_dydx_liquidation_config_*`) and `partliq_preset_apply`. No
//! crash; outputs untouched on error (byte for byte); every status equal to
//! the Rust API's (`presets::*`, `Policy::validate`,
//! `LiquidationConfig::validate`); on success the written preset is the
//! Rust preset field for field, its policy validates through the C ABI, and
//! `preset_apply` changes exactly the fee, its rounding, the fee share and
//! the dust floor.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::presets::{self, Preset};
use partliq::venues::dydx_v4;
use partliq::{Ppm, Quote, Rounding};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug, Clone)]
enum ConfigIn {
    Genesis,
    CodeDefault,
    Raw { fee: u32, ba: u32, smmr: u32, portion: u32, min: u64, max_notional: u64, max_loss: u64 },
}

#[derive(arbitrary::Arbitrary, Debug, Clone)]
enum Ctor {
    Default,
    Hyperliquid(I64, u64),
    Binance(PpmArg, PpmArg),
    Bitmex,
    Bybit,
    Okx,
    Deribit(PpmArg, PpmArg),
    PerpV2(I64, PpmArg),
    DydxV4(ConfigIn, OutPtr, PpmArg),
    Aave(I64),
    Synthetix(I64, u64),
}

#[derive(arbitrary::Arbitrary, Debug, Clone)]
enum PresetSrc {
    FromCtor,
    /// `rounding`: even 0 (up), odd 1 (down), 254 `UINT32_MAX`, 255 2.
    Raw {
        policy: AbiPolicyIn,
        fee: PpmArg,
        share: PpmArg,
        dust: I64,
        rounding: u8,
        fees_reserved: bool,
    },
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    ctor: Ctor,
    out: OutPtr,
    policy: AbiPolicyIn,
    policy_ptr: OutPtr,
    config: ConfigIn,
    config_ptr: OutPtr,
    config_out: OutPtr,
    genesis: bool,
    apply_src: PresetSrc,
    apply_preset_ptr: OutPtr,
    market: MarketIn,
    market_ptr: OutPtr,
}

fn abi_config(c: &ConfigIn) -> partliq_dydx_liquidation_config {
    match *c {
        ConfigIn::Genesis => abi_of(&dydx_v4::LiquidationConfig::mainnet_genesis()),
        ConfigIn::CodeDefault => abi_of(&dydx_v4::LiquidationConfig::code_default()),
        ConfigIn::Raw { fee, ba, smmr, portion, min, max_notional, max_loss } => partliq_dydx_liquidation_config {
            max_liquidation_fee_ppm: fee,
            bankruptcy_adjustment_ppm: ba,
            spread_to_maintenance_margin_ratio_ppm: smmr,
            max_position_portion_liquidated_ppm: portion,
            min_position_notional_liquidated: min,
            max_notional_liquidated: max_notional,
            max_quantums_insurance_lost: max_loss,
        },
    }
}

fn abi_of(c: &dydx_v4::LiquidationConfig) -> partliq_dydx_liquidation_config {
    partliq_dydx_liquidation_config {
        max_liquidation_fee_ppm: c.max_liquidation_fee_ppm,
        bankruptcy_adjustment_ppm: c.fillable_price_config.bankruptcy_adjustment_ppm,
        spread_to_maintenance_margin_ratio_ppm: c.fillable_price_config.spread_to_maintenance_margin_ratio_ppm,
        max_position_portion_liquidated_ppm: c.position_block_limits.max_position_portion_liquidated_ppm,
        min_position_notional_liquidated: c.position_block_limits.min_position_notional_liquidated,
        max_notional_liquidated: c.subaccount_block_limits.max_notional_liquidated,
        max_quantums_insurance_lost: c.subaccount_block_limits.max_quantums_insurance_lost,
    }
}

fn core_config(c: &partliq_dydx_liquidation_config) -> dydx_v4::LiquidationConfig {
    dydx_v4::LiquidationConfig {
        max_liquidation_fee_ppm: c.max_liquidation_fee_ppm,
        fillable_price_config: dydx_v4::FillablePriceConfig {
            bankruptcy_adjustment_ppm: c.bankruptcy_adjustment_ppm,
            spread_to_maintenance_margin_ratio_ppm: c.spread_to_maintenance_margin_ratio_ppm,
        },
        position_block_limits: dydx_v4::PositionBlockLimits {
            min_position_notional_liquidated: c.min_position_notional_liquidated,
            max_position_portion_liquidated_ppm: c.max_position_portion_liquidated_ppm,
        },
        subaccount_block_limits: dydx_v4::SubaccountBlockLimits {
            max_notional_liquidated: c.max_notional_liquidated,
            max_quantums_insurance_lost: c.max_quantums_insurance_lost,
        },
    }
}

/// The status the boundary gives a core preset (checked as `preset_out` does).
fn preset_status(p: &Result<Preset, partliq::Error>) -> partliq_status {
    match p {
        Err(e) => *e as u32,
        Ok(p) => match p.policy.validate() {
            Err(e) => e as u32,
            Ok(()) if p.fees.liquidation_fee_rounding == Rounding::TowardZero => PARTLIQ_STATUS_INVALID_FEE_ROUNDING,
            Ok(()) => fees_status(p.fees.liquidation_fee.0, p.fees.liquidator_fee_share.0, p.fees.dust_floor.0),
        },
    }
}

fn fees_status(fee: u32, share: u32, dust: i64) -> partliq_status {
    if fee > 1_000_000 || share > 1_000_000 {
        PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT
    } else if dust < 0 {
        PARTLIQ_STATUS_INVALID_DUST_FLOOR
    } else {
        PARTLIQ_STATUS_OK
    }
}

/// The boundary's status for ABI fees: reserved field, fee rounding, then the fees.
fn abi_fees_status(f: &partliq_venue_fees) -> partliq_status {
    if f.reserved != 0 {
        PARTLIQ_STATUS_RESERVED_NOT_ZERO
    } else if f.liquidation_fee_rounding > 1 {
        PARTLIQ_STATUS_INVALID_ENUM
    } else {
        fees_status(f.liquidation_fee_ppm, f.liquidator_fee_share_ppm, f.dust_floor)
    }
}

fuzz_target!(|inp: Input| {
    // 1. A preset constructor.
    let mut out = OutSlot::<partliq_preset>::new(inp.out);
    let mut cfg_in = None;
    let (st, core) = match &inp.ctor {
        Ctor::Default => (unsafe { partliq_preset_partliq_default(out.ptr()) }, Ok(presets::partliq_default())),
        Ctor::Hyperliquid(q, t) => (unsafe { partliq_preset_hyperliquid(q.get(), *t, out.ptr()) }, presets::hyperliquid(q.get(), *t)),
        Ctor::Binance(f, b) => {
            (unsafe { partliq_preset_binance_usdm(f.get(), b.get(), out.ptr()) }, Ok(presets::binance_usdm(Ppm(f.get()), Ppm(b.get()))))
        }
        Ctor::Bitmex => (unsafe { partliq_preset_bitmex(out.ptr()) }, Ok(presets::bitmex())),
        Ctor::Bybit => (unsafe { partliq_preset_bybit(out.ptr()) }, Ok(presets::bybit())),
        Ctor::Okx => (unsafe { partliq_preset_okx(out.ptr()) }, Ok(presets::okx())),
        Ctor::Deribit(f, b) => {
            (unsafe { partliq_preset_deribit(f.get(), b.get(), out.ptr()) }, Ok(presets::deribit(Ppm(f.get()), Ppm(b.get()))))
        }
        Ctor::PerpV2(q, b) => (unsafe { partliq_preset_perp_v2(q.get(), b.get(), out.ptr()) }, presets::perp_v2(q.get(), Ppm(b.get()))),
        Ctor::DydxV4(c, cptr, b) => {
            let abi = abi_config(c);
            let s = InStruct::new(abi, *cptr);
            cfg_in = Some(s.rejected());
            let cc = core_config(&abi);
            let core = cc.validate().and_then(|()| presets::dydx_v4_policy(&cc, Ppm(b.get())));
            (unsafe { partliq_preset_dydx_v4(s.ptr(), b.get(), out.ptr()) }, core)
        }
        Ctor::Aave(q) => (unsafe { partliq_preset_aave_v3_close_factor(q.get(), out.ptr()) }, presets::aave_v3_close_factor(q.get())),
        Ctor::Synthetix(c, w) => {
            (unsafe { partliq_preset_synthetix_v3(c.get(), *w, out.ptr()) }, presets::synthetix_v3(Quote(c.get()), *w))
        }
    };
    assert_named(st);
    let mut made = None;
    if out.rejected() || cfg_in == Some(true) {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        out.assert_untouched("preset");
    } else {
        assert_eq!(st, preset_status(&core), "{core:?}");
        if st != PARTLIQ_STATUS_OK {
            out.assert_untouched("preset");
        } else {
            let core = core.unwrap();
            let o = out.read(0);
            out.assert_untouched_from(1, "preset");
            assert_eq!(core_policy(&o.policy), Ok(core.policy), "preset policy differs from the Rust preset");
            assert_eq!(o.policy, partliq_policy::from(&core.policy));
            assert_eq!(
                (o.fees.liquidation_fee_ppm, o.fees.liquidator_fee_share_ppm, o.fees.dust_floor),
                (core.fees.liquidation_fee.0, core.fees.liquidator_fee_share.0, core.fees.dust_floor.0)
            );
            let down = u32::from(core.fees.liquidation_fee_rounding == Rounding::Floor);
            assert_eq!((o.fees.liquidation_fee_rounding, o.fees.reserved), (down, 0));
            // SAFETY: a valid pointer to an initialised policy.
            assert_eq!(unsafe { partliq_policy_validate(&o.policy) }, PARTLIQ_STATUS_OK, "a preset's policy does not validate");
            made = Some(o);
        }
    }

    // 2. partliq_policy_validate on any policy.
    let pol = inp.policy.build();
    let pin = InStruct::new(pol, inp.policy_ptr);
    // SAFETY: valid, NULL or misaligned (rejected before any read).
    let st = unsafe { partliq_policy_validate(pin.ptr()) };
    assert_named(st);
    if pin.rejected() {
        assert!(is_boundary_status(st));
    } else {
        let want = match core_policy(&pol) {
            Err(s) => s,
            Ok(p) => p.validate().map_or_else(|e| e as u32, |()| PARTLIQ_STATUS_OK),
        };
        assert_eq!(st, want, "{pol:?}");
    }

    // 3. dYdX liquidation configs.
    let mut cout = OutSlot::<partliq_dydx_liquidation_config>::new(inp.config_out);
    let (st, want) = if inp.genesis {
        (unsafe { partliq_dydx_liquidation_config_mainnet_genesis(cout.ptr()) }, dydx_v4::LiquidationConfig::mainnet_genesis())
    } else {
        (unsafe { partliq_dydx_liquidation_config_code_default(cout.ptr()) }, dydx_v4::LiquidationConfig::code_default())
    };
    if cout.rejected() {
        assert!(is_boundary_status(st));
        cout.assert_untouched("dydx config");
    } else {
        assert_eq!(st, PARTLIQ_STATUS_OK);
        assert_eq!(core_config(&cout.read(0)), want);
        cout.assert_untouched_from(1, "dydx config");
    }
    let cfg = abi_config(&inp.config);
    let cin = InStruct::new(cfg, inp.config_ptr);
    // SAFETY: as above.
    let st = unsafe { partliq_dydx_liquidation_config_validate(cin.ptr()) };
    assert_named(st);
    if cin.rejected() {
        assert!(is_boundary_status(st));
    } else {
        assert_eq!(st, core_config(&cfg).validate().map_or_else(|e| e as u32, |()| PARTLIQ_STATUS_OK));
    }

    // 4. partliq_preset_apply.
    let preset = match (&inp.apply_src, made) {
        (PresetSrc::FromCtor, Some(p)) => p,
        (PresetSrc::Raw { policy, fee, share, dust, rounding, fees_reserved }, _) => partliq_preset {
            policy: policy.build(),
            fees: partliq_venue_fees {
                liquidation_fee_ppm: fee.get(),
                liquidator_fee_share_ppm: share.get(),
                dust_floor: dust.get(),
                liquidation_fee_rounding: match rounding {
                    255 => 2,
                    254 => u32::MAX,
                    r => u32::from(r & 1),
                },
                reserved: u32::from(*fees_reserved),
            },
        },
        (PresetSrc::FromCtor, None) => partliq_preset { policy: inp.policy.build(), fees: partliq_venue_fees::default() },
    };
    let pp = InStruct::new(preset, inp.apply_preset_ptr);
    let m0 = inp.market.to_abi();
    let mut m = InOut::new(m0, inp.market_ptr);
    let before = m.bytes();
    // SAFETY: valid, NULL or misaligned pointers; a valid market pointer
    // points to an initialised market.
    let st = unsafe { partliq_preset_apply(pp.ptr(), m.ptr()) };
    assert_named(st);
    if pp.rejected() || m.rejected() {
        assert!(is_boundary_status(st));
        assert_eq!(m.bytes(), before, "market written on error");
        return;
    }
    let want = match core_policy(&preset.policy) {
        Err(s) => s,
        // The market is only written: its own fields (fee rounding included) are not checked.
        Ok(_) => abi_fees_status(&preset.fees),
    };
    assert_eq!(st, want);
    if st != PARTLIQ_STATUS_OK {
        assert_eq!(m.bytes(), before, "market written on error");
        return;
    }
    let mut expect = m0;
    expect.liquidation_fee_ppm = preset.fees.liquidation_fee_ppm;
    expect.liquidator_fee_share_ppm = preset.fees.liquidator_fee_share_ppm;
    expect.liquidation_fee_rounding = preset.fees.liquidation_fee_rounding;
    expect.dust_floor = preset.fees.dust_floor;
    assert_eq!(m.get(), expect, "preset_apply changed more than the fees");
    // A valid market with a valid preset's fees stays valid.
    let mut repaired = m0;
    repair(&mut repaired, inp.market.tiers.len().min(PARTLIQ_MAX_TIERS));
    repaired.liquidation_fee_ppm = expect.liquidation_fee_ppm;
    repaired.liquidator_fee_share_ppm = expect.liquidator_fee_share_ppm;
    repaired.liquidation_fee_rounding = expect.liquidation_fee_rounding;
    repaired.dust_floor = expect.dust_floor;
    // SAFETY: a valid pointer.
    assert_eq!(unsafe { partliq_market_validate(&repaired) }, PARTLIQ_STATUS_OK, "a preset's fees make a valid market invalid");
});
