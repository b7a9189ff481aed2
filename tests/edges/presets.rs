//! Venue preset edge tables: the preset constructors (`hyperliquid`,
//! `perp_v2`, `aave_v3_close_factor`, `synthetix_v3`, `dydx_v4_policy`,
//! `hyperliquid_market`, `binance_btcusdt_2021`), `Preset::apply_to` and the
//! `partliq_default`, `binance_usdm`, `bitmex`, `bybit`, `okx` and `deribit`
//! presets, their figures checked against their doc comments, the README and
//! docs/venues.md.

use partliq::presets::{self, Preset, VenueFees};
use partliq::venues::dydx_v4::LiquidationConfig;
use partliq::*;

use crate::support::check;

// ---------------------------------------------------------------------------
// Preset constructors.

#[test]
fn preset_constructors() {
    use presets::*;
    let band = Ppm(10_000);
    let err = |r: Result<Preset>| r.err();
    check::<Option<Error>>(&[
        // quote_per_usd ≤ 0 is out of range.
        ("hyperliquid(0, 1)", err(hyperliquid(0, 1)), Some(Error::OutOfRange)),
        ("hyperliquid(-1, 1)", err(hyperliquid(-1, 1)), Some(Error::OutOfRange)),
        ("hyperliquid(MIN, 1)", err(hyperliquid(i64::MIN, 1)), Some(Error::OutOfRange)),
        // 100,000 × i64::MAX does not fit a Quote.
        ("hyperliquid(MAX, 1)", err(hyperliquid(i64::MAX, 1)), Some(Error::Overflow)),
        // 30 s × u64::MAX ticks per second overflows.
        ("hyperliquid(1, u64::MAX)", err(hyperliquid(1, u64::MAX)), Some(Error::Overflow)),
        ("hyperliquid(1, 0)", err(hyperliquid(1, 0)), None),
        ("perp_v2(0)", err(perp_v2(0, band)), Some(Error::OutOfRange)),
        ("perp_v2(-1)", err(perp_v2(-1, band)), Some(Error::OutOfRange)),
        // 100 × i64::MAX does not fit.
        ("perp_v2(MAX)", err(perp_v2(i64::MAX, band)), Some(Error::Overflow)),
        ("aave_v3_close_factor(0)", err(aave_v3_close_factor(0)), Some(Error::OutOfRange)),
        ("aave_v3_close_factor(-1)", err(aave_v3_close_factor(-1)), Some(Error::OutOfRange)),
        ("aave_v3_close_factor(MAX)", err(aave_v3_close_factor(i64::MAX)), Some(Error::Overflow)),
        ("synthetix_v3(_, 0)", err(synthetix_v3(Quote(1), 0)), Some(Error::ZeroWindow)),
    ]);
    // perp_v2 at 1 unit per USD: dust floor $100 + one unit = 101.
    assert_eq!(perp_v2(1, band).unwrap().fees.dust_floor, Quote(101));
    // quote_per_usd = i64::MAX / 100: 100 × that fits; + 1 still fits (≤ i64::MAX − 7 + 1).
    let q = i64::MAX / 100;
    assert_eq!(perp_v2(q, band).unwrap().fees.dust_floor, Quote(q * 100 + 1));
    // aave: min position $2,000, min remainder $1,000 at 1 unit per USD.
    let a = aave_v3_close_factor(1).unwrap().policy.close_factor;
    assert_eq!((a.min_position_notional, a.min_remainder), (Quote(2_000), Quote(1_000)));
    // dYdX limits above i64::MAX do not fit a Quote.
    let mut cfg = LiquidationConfig::code_default();
    cfg.subaccount_block_limits.max_notional_liquidated = u64::MAX;
    assert_eq!(dydx_v4_policy(&cfg, band).err(), Some(Error::Overflow));
    cfg.subaccount_block_limits.max_notional_liquidated = i64::MAX as u64;
    assert_eq!(dydx_v4_policy(&cfg, band).unwrap().policy.block_limits.max_notional, Quote(i64::MAX));

    let err_m = |r: Result<Market>| r.err();
    let over: Vec<(i64, u32)> = (0..=MAX_TIERS as i64).map(|k| (k * 1_000, 10)).collect();
    check::<Option<Error>>(&[
        ("hyperliquid_market(no tiers)", err_m(hyperliquid_market(0, 1, 1, 1, &[])), Some(Error::InvalidTierCount)),
        ("hyperliquid_market(MAX_TIERS + 1)", err_m(hyperliquid_market(0, 1, 1, 1, &over)), Some(Error::InvalidTierCount)),
        ("hyperliquid_market(leverage 0)", err_m(hyperliquid_market(0, 1, 1, 1, &[(0, 0)])), Some(Error::OutOfRange)),
        ("hyperliquid_market(quote_per_usd 0)", err_m(hyperliquid_market(0, 1, 1, 0, &[(0, 10)])), Some(Error::OutOfRange)),
        ("hyperliquid_market(quote_per_usd -1)", err_m(hyperliquid_market(0, 1, 1, -1, &[(0, 10)])), Some(Error::OutOfRange)),
        ("binance_btcusdt_2021(0)", err_m(binance_btcusdt_2021(0, 1, 1, 0)), Some(Error::OutOfRange)),
        // 50,000 × i64::MAX does not fit.
        ("binance_btcusdt_2021(MAX)", err_m(binance_btcusdt_2021(0, 1, 1, i64::MAX)), Some(Error::Overflow)),
    ]);
    // Leverage 1: IM 100 %, MM 50 %. Leverage 3: ⌈10^6 / 3⌉ = 333,334, ⌈10^6 / 6⌉ = 166,667.
    let m = hyperliquid_market(0, 1, 1, 1, &[(0, 3)]).unwrap();
    let t = m.active_tiers().unwrap()[0];
    assert_eq!((t.initial, t.maintenance), (Ppm(333_334), Ppm(166_667)));
    let m = hyperliquid_market(0, 1, 1, 1, &[(0, 1)]).unwrap();
    assert_eq!((m.active_tiers().unwrap()[0].initial, m.active_tiers().unwrap()[0].maintenance), (Ppm(1_000_000), Ppm(500_000)));
    // Exactly MAX_TIERS tiers, floors 0, 1,000, …, leverage 50 (IM 2 %, MM 1 %).
    let full: Vec<(i64, u32)> = (0..MAX_TIERS as i64).map(|k| (k * 1_000, 50)).collect();
    assert_eq!(hyperliquid_market(0, 1, 1, 1, &full).unwrap().active_tiers().unwrap().len(), MAX_TIERS);
}

// ---------------------------------------------------------------------------
// Presets.

/// A market whose fee fields are all non-zero (and its fee rounded down, not
/// the default up), so a write of 0 (or of `Ceil`) shows.
fn market() -> Market {
    Market {
        liquidation_fee: Ppm(123),
        liquidation_fee_rounding: Rounding::Floor,
        liquidator_fee_share: Ppm(456),
        dust_floor: Quote(789),
        ..Market::single_tier(-2, 3, 5, Ppm(100_000), Ppm(50_000))
    }
}

/// `m` with the four fee fields replaced (what `apply_to` documents), the
/// fee rounded up (what `preset` writes).
fn with_fees(m: Market, fee: u32, share: u32, dust: i64) -> Market {
    Market {
        liquidation_fee: Ppm(fee),
        liquidation_fee_rounding: Rounding::Ceil,
        liquidator_fee_share: Ppm(share),
        dust_floor: Quote(dust),
        ..m
    }
}

fn applied(p: &Preset, mut m: Market) -> Market {
    p.apply_to(&mut m);
    m
}

fn preset(fee: u32, share: u32, dust: i64) -> Preset {
    Preset {
        policy: Policy::default(),
        fees: VenueFees { liquidation_fee: Ppm(fee), liquidator_fee_share: Ppm(share), dust_floor: Quote(dust), ..VenueFees::default() },
    }
}

#[test]
fn preset_apply_to() {
    let m = market();
    // Writes the fee, its rounding, the fee split and the dust floor, nothing
    // else, and validates nothing.
    let mut twice = m;
    preset(u32::MAX, u32::MAX, i64::MAX).apply_to(&mut twice);
    Preset { policy: Policy::default(), fees: VenueFees::default() }.apply_to(&mut twice);
    let broken = Market::single_tier(i32::MAX, 0, 0, Ppm(u32::MAX), Ppm(u32::MAX));
    let d = presets::deribit(Ppm(200_000), Ppm(10_000));
    let b = presets::binance_usdm(Ppm(5_000), Ppm(10_000));
    check::<Market>(&[
        ("zeros over non-zeros", applied(&preset(0, 0, 0), m), with_fees(m, 0, 0, 0)),
        ("one unit each", applied(&preset(1, 1, 1), m), with_fees(m, 1, 1, 1)),
        ("u32::MAX, u32::MAX, i64::MAX", applied(&preset(u32::MAX, u32::MAX, i64::MAX), m), with_fees(m, u32::MAX, u32::MAX, i64::MAX)),
        // A negative dust floor is written as is (Market::validate refuses it later).
        ("dust i64::MIN", applied(&preset(0, 1_000_000, i64::MIN), m), with_fees(m, 0, 1_000_000, i64::MIN)),
        // The last write wins.
        ("applied twice", twice, with_fees(m, 0, 0, 0)),
        // An invalid market: still only the four fields change.
        ("invalid market", applied(&preset(5_000, 500_000, 7), broken), with_fees(broken, 5_000, 500_000, 7)),
        // The policy plays no part: the same fees under okx()'s policy.
        ("other policy", applied(&Preset { policy: presets::okx().policy, ..preset(9, 8, 7) }, m), with_fees(m, 9, 8, 7)),
        // Deribit: 0.75 % to the insurance fund (liquidator share 0); Binance:
        // the clearance fee given, all to the fund. (Neither documents a dust
        // floor, so that field is taken from the result.)
        ("deribit", applied(&d, m), Market { liquidation_fee: Ppm(7_500), liquidator_fee_share: Ppm(0), ..applied(&d, m) }),
        ("binance", applied(&b, m), Market { liquidation_fee: Ppm(5_000), liquidator_fee_share: Ppm(0), ..applied(&b, m) }),
    ]);
    // Each preset writes its own VenueFees.
    for (name, p) in [
        ("partliq_default", presets::partliq_default()),
        ("binance_usdm", b),
        ("bitmex", presets::bitmex()),
        ("bybit", presets::bybit()),
        ("okx", presets::okx()),
        ("deribit", d),
        ("hyperliquid", presets::hyperliquid(1_000_000, 1).unwrap()),
        ("perp_v2", presets::perp_v2(1_000_000, Ppm(10_000)).unwrap()),
        ("dydx_v4", presets::dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(10_000)).unwrap()),
        ("aave_v3_close_factor", presets::aave_v3_close_factor(1_000_000).unwrap()),
        ("synthetix_v3", presets::synthetix_v3(Quote(1), 1).unwrap()),
    ] {
        let f = p.fees;
        let want = Market {
            liquidation_fee_rounding: f.liquidation_fee_rounding,
            ..with_fees(m, f.liquidation_fee.0, f.liquidator_fee_share.0, f.dust_floor.0)
        };
        assert_eq!(applied(&p, m), want, "{name}");
    }
    // The venues that round the fee down (dYdX v4, Perpetual Protocol v2,
    // Aave v3.7); every other preset rounds up (documented, or undocumented
    // by the venue, or no fee).
    check::<Rounding>(&[
        ("partliq_default", presets::partliq_default().fees.liquidation_fee_rounding, Rounding::Ceil),
        ("binance_usdm", b.fees.liquidation_fee_rounding, Rounding::Ceil),
        ("deribit", d.fees.liquidation_fee_rounding, Rounding::Ceil),
        ("perp_v2", presets::perp_v2(1_000_000, Ppm(10_000)).unwrap().fees.liquidation_fee_rounding, Rounding::Floor),
        (
            "dydx_v4",
            presets::dydx_v4_policy(&LiquidationConfig::code_default(), Ppm(0)).unwrap().fees.liquidation_fee_rounding,
            Rounding::Floor,
        ),
        ("aave_v3_close_factor", presets::aave_v3_close_factor(1).unwrap().fees.liquidation_fee_rounding, Rounding::Floor),
        ("VenueFees::default()", VenueFees::default().liquidation_fee_rounding, Rounding::Ceil),
    ]);
}

#[test]
fn preset_partliq_default() {
    let p = presets::partliq_default().policy;
    // "maintenance + 5 %": buffer 50,000 ppm.
    check::<Target>(&[("target", p.target, Target::Maintenance { buffer: Ppm(50_000) })]);
    // "best release per unit of cost first (least notional liquidated)".
    check::<PlanOrder>(&[("order", p.order, PlanOrder::BestReleasePerCostFirst)]);
    // "the least reduction restoring …".
    check::<SizingMode>(&[("sizing", p.sizing, SizingMode::Minimal)]);
    check::<Ppm>(&[
        // "1 % band" = 10,000 ppm.
        ("band", p.price_band, Ppm(10_000)),
        // README: "partliq_default()'s own 1 % band and 0.5 % fee".
        ("fee", presets::partliq_default().fees.liquidation_fee, Ppm(5_000)),
    ]);
    // "backstop when infeasible" (and no equity-fraction threshold).
    check::<EscalationRules>(&[(
        "escalation",
        p.escalation,
        EscalationRules { backstop_fraction: Fraction::new(0, 0), backstop_on_infeasible: true },
    )]);
    // Policy::default is documented as "minimal reduction to maintenance, 1 %
    // band, largest maintenance first, no step rules, backstop when
    // infeasible": partliq_default differs in the buffer and the order only.
    check::<Policy>(&[(
        "vs Policy::default",
        p,
        Policy { target: Target::Maintenance { buffer: Ppm(50_000) }, order: PlanOrder::BestReleasePerCostFirst, ..Policy::default() },
    )]);
    // Buffer 5 % ≤ 100 %, band 1 % ≤ 100 %, no fractions, no negative limit.
    check::<Result<()>>(&[("validate", p.validate(), Ok(()))]);
}

#[test]
fn preset_binance_usdm() {
    let b = presets::binance_usdm;
    let no_vault = EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false };
    check::<Ppm>(&[
        // The clearance fee is the argument, stored as given (the constructor
        // cannot fail), at every extreme.
        ("fee 0", b(Ppm(0), Ppm(10_000)).fees.liquidation_fee, Ppm(0)),
        ("fee 1 ppm", b(Ppm(1), Ppm(10_000)).fees.liquidation_fee, Ppm(1)),
        ("fee 0.5 %", b(Ppm(5_000), Ppm(10_000)).fees.liquidation_fee, Ppm(5_000)),
        ("fee u32::MAX", b(Ppm(u32::MAX), Ppm(10_000)).fees.liquidation_fee, Ppm(u32::MAX)),
        // "goes to the insurance fund": liquidator share 0.
        ("share", b(Ppm(5_000), Ppm(10_000)).fees.liquidator_fee_share, Ppm(0)),
        ("share, fee 100 %", b(Ppm::ONE, Ppm::ONE).fees.liquidator_fee_share, Ppm(0)),
        // The band is the argument.
        ("band 0", b(Ppm(5_000), Ppm(0)).policy.price_band, Ppm(0)),
        ("band 100 %", b(Ppm(5_000), Ppm::ONE).policy.price_band, Ppm::ONE),
        ("band u32::MAX", b(Ppm(5_000), Ppm(u32::MAX)).policy.price_band, Ppm(u32::MAX)),
    ]);
    // "One large IOC order meant to restore the maintenance requirement (the
    // least reduction, here)".
    check::<SizingMode>(&[("sizing", b(Ppm(5_000), Ppm(10_000)).policy.sizing, SizingMode::Minimal)]);
    check::<Target>(&[("target", b(Ppm(5_000), Ppm(10_000)).policy.target, Target::MAINTENANCE)]);
    // "when it cannot, … the insurance fund takes over (no backstop vault)".
    check::<EscalationRules>(&[("escalation", b(Ppm(5_000), Ppm(10_000)).policy.escalation, no_vault)]);
    check::<Result<()>>(&[
        ("validate band 0", b(Ppm(0), Ppm(0)).policy.validate(), Ok(())),
        ("validate band 100 %", b(Ppm(5_000), Ppm::ONE).policy.validate(), Ok(())),
        // A band above 1,000,000 ppm.
        ("validate band 1e6 + 1", b(Ppm(5_000), Ppm(1_000_001)).policy.validate(), Err(Error::InvalidPriceBand)),
        ("validate band u32::MAX", b(Ppm(5_000), Ppm(u32::MAX)).policy.validate(), Err(Error::InvalidPriceBand)),
        // The fee is a market parameter, not the policy's.
        ("validate fee u32::MAX", b(Ppm(u32::MAX), Ppm(10_000)).policy.validate(), Ok(())),
    ]);
}

#[test]
fn preset_bitmex_bybit_okx() {
    let no_vault = EscalationRules { backstop_fraction: Fraction::default(), backstop_on_infeasible: false };
    check::<TierStep>(&[
        // "just large enough to bring the position under the next lower
        // risk-limit tier": one level; "in the lowest tier" (index 0) whole.
        ("bitmex tier step", presets::bitmex().policy.tier_step, TierStep { levels: 1, full_close_at_or_below_tier: 0 }),
        // "tier 3 or above are reduced two tiers per step; tier 2 or below
        // close fully": OKX's tiers 1, 2, 3 are indexes 0, 1, 2.
        ("okx tier step", presets::okx().policy.tier_step, TierStep { levels: 2, full_close_at_or_below_tier: 1 }),
    ]);
    check::<SizingMode>(&[
        // A fixed order the tier rule sizes (not the least reduction): as much
        // as the step rules allow.
        ("bitmex sizing", presets::bitmex().policy.sizing, SizingMode::MaxAllowed),
        ("okx sizing", presets::okx().policy.sizing, SizingMode::MaxAllowed),
    ]);
    check::<Ppm>(&[
        // Closed "at the bankruptcy price": band 100 %, clamped at bankruptcy
        // (the convention hyperliquid() documents).
        ("bitmex band", presets::bitmex().policy.price_band, Ppm::ONE),
        ("okx band", presets::okx().policy.price_band, Ppm::ONE),
    ]);
    // "taken over at the bankruptcy price (the insurance fund, no backstop vault)".
    check::<EscalationRules>(&[("bitmex escalation", presets::bitmex().policy.escalation, no_vault)]);
    // "as BitMEX".
    check::<Preset>(&[("bybit = bitmex", presets::bybit(), presets::bitmex())]);
    check::<Result<()>>(&[
        ("bitmex validate", presets::bitmex().policy.validate(), Ok(())),
        ("bybit validate", presets::bybit().policy.validate(), Ok(())),
        ("okx validate", presets::okx().policy.validate(), Ok(())),
    ]);
}

#[test]
fn preset_deribit() {
    let d = presets::deribit;
    check::<FractionCap>(&[
        // "part of the position each round": every position (threshold 0),
        // the argument's fraction, no full-size cooldown.
        (
            "20 %",
            d(Ppm(200_000), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(200_000), cooldown: 0 },
        ),
        (
            "1 ppm",
            d(Ppm(1), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(1), cooldown: 0 },
        ),
        (
            "100 %",
            d(Ppm::ONE, Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm::ONE, cooldown: 0 },
        ),
        // Stored as given (the constructor cannot fail).
        (
            "u32::MAX",
            d(Ppm(u32::MAX), Ppm(10_000)).policy.fraction_cap,
            FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(u32::MAX), cooldown: 0 },
        ),
    ]);
    check::<Ppm>(&[
        // "the liquidation fee (BTC futures 0.75 %) goes to the insurance fund"
        // (docs/venues.md: BTC 0.75 %): 7,500 ppm, liquidator share 0.
        ("fee", d(Ppm(200_000), Ppm(10_000)).fees.liquidation_fee, Ppm(7_500)),
        ("share", d(Ppm(200_000), Ppm(10_000)).fees.liquidator_fee_share, Ppm(0)),
        // The fee does not depend on the arguments.
        ("fee, extremes", d(Ppm(u32::MAX), Ppm(u32::MAX)).fees.liquidation_fee, Ppm(7_500)),
        ("band", d(Ppm(200_000), Ppm(0)).policy.price_band, Ppm(0)),
        ("band u32::MAX", d(Ppm(200_000), Ppm(u32::MAX)).policy.price_band, Ppm(u32::MAX)),
    ]);
    // Incremental, stopping once the requirement is met: the least reduction.
    check::<SizingMode>(&[("sizing", d(Ppm(200_000), Ppm(10_000)).policy.sizing, SizingMode::Minimal)]);
    check::<Result<()>>(&[
        ("validate 20 %", d(Ppm(200_000), Ppm(10_000)).policy.validate(), Ok(())),
        ("validate 100 %, band 100 %", d(Ppm::ONE, Ppm::ONE).policy.validate(), Ok(())),
        ("validate 0, band 0", d(Ppm(0), Ppm(0)).policy.validate(), Ok(())),
        // A fraction above 100 %: InvalidPolicyFraction.
        ("validate 1e6 + 1", d(Ppm(1_000_001), Ppm(10_000)).policy.validate(), Err(Error::InvalidPolicyFraction)),
        ("validate u32::MAX", d(Ppm(u32::MAX), Ppm(10_000)).policy.validate(), Err(Error::InvalidPolicyFraction)),
        ("validate band 1e6 + 1", d(Ppm(200_000), Ppm(1_000_001)).policy.validate(), Err(Error::InvalidPriceBand)),
    ]);
}
