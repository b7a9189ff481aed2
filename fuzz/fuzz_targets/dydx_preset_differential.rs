//! The dYdX preset against dYdX's own functions (`venues::dydx_v4`), through
//! partliq's pipeline:
//!
//! 1. every leg `run_pipeline` gives under `presets::dydx_v4_policy` is
//!    `liquidatable_position_size_delta` of that position with the block's
//!    notional so far (the state's, plus the call's earlier legs booked as
//!    dYdX books a fill); a block limit already exceeded gives no leg
//!    (`BlockLimitReached`) where dYdX fails;
//! 2. `settle_fill` of a fill whose quote amount is whole (dYdX's mainnet
//!    CLOB pairs: one step at one tick is a whole number of quote quantums)
//!    books `liquidation_insurance_fund_delta` as its insurance fund delta,
//!    `bankruptcy_price_quote_quantums` as its bankruptcy quote and dYdX's
//!    fill amount as its cash.
//!
//! The mapping (as `tests/dydx_v4.rs`): a perpetual with its oracle price and
//! CLOB pair is a partliq market in quote quantums and base quantums,
//! `e = min(qce, conv)` with `conv = price_exponent + atomic_resolution + 6`;
//! mark `price × 10^(conv − e)`; a fill at `subticks` at `subticks × 10^(qce
//! − e)`; lot = step, tick = subticks per tick; tier IMF / IMF × MF.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::presets::{self, Preset};
use partliq::venues::dydx_v4::*;
use partliq::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct VenueIn {
    atomic_resolution: u8,
    conv: u8,
    price: u64,
    qce_offset: u8,
    step: u16,
    spt: u16,
    imf: u32,
    mf: u32,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct PositionIn {
    venue: VenueIn,
    size: u32,
    short: bool,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct SizeIn {
    positions: Vec<PositionIn>,
    min_notional: u64,
    portion: u32,
    max_notional: Option<u64>,
    liquidated: u64,
    max_loss: u64,
    lost: u64,
    slack: u32,
    band: u16,
    block: u16,
}

/// A mainnet-shaped market: `q` quote quantums a base quantum, one step at
/// one tick a whole number of quote quantums, maintenance `1/k` of initial.
#[derive(arbitrary::Arbitrary, Debug)]
struct WholeVenueIn {
    q: u16,
    z: u8,
    atomic_resolution: u8,
    qce: u8,
    split: u8,
    step: u8,
    spt: u8,
    k: u8,
    imf: u32,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct WholePositionIn {
    venue: WholeVenueIn,
    lots: u16,
    short: bool,
    quote_balance: i32,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct SettleIn {
    positions: Vec<WholePositionIn>,
    usdc_offset: i64,
    fee: u32,
    fill_lots: u16,
    ticks: u64,
}

#[derive(arbitrary::Arbitrary, Debug)]
enum Input {
    Size(SizeIn),
    Settle(SettleIn),
}

#[derive(Debug, Clone, Copy)]
struct Venue {
    perp: DydxPerpetual,
    price: MarketPrice,
    clob: ClobPair,
}

fn pow10(k: i32) -> i128 {
    10i128.pow(k as u32)
}

impl Venue {
    fn conv(&self) -> i32 {
        self.price.exponent + self.perp.atomic_resolution + 6
    }
    fn e(&self) -> i32 {
        self.clob.quantum_conversion_exponent.min(self.conv())
    }
    fn market(&self, preset: &Preset) -> Option<Market> {
        let t = self.perp.liquidity_tier;
        let mm = u32::try_from(u64::from(t.initial_margin_ppm) * u64::from(t.maintenance_fraction_ppm) / 1_000_000).ok()?;
        let tick = i128::from(self.clob.subticks_per_tick) * pow10(self.clob.quantum_conversion_exponent - self.e());
        let mut m = Market::single_tier(
            self.e(),
            i64::try_from(self.clob.step_base_quantums).ok()?,
            i64::try_from(tick).ok()?,
            Ppm(t.initial_margin_ppm),
            Ppm(mm),
        );
        m.id = self.perp.id;
        preset.apply_to(&mut m);
        m.validate().ok()?;
        Some(m)
    }
    fn mark(&self) -> Option<Price> {
        i64::try_from(i128::from(self.price.price) * pow10(self.conv() - self.e())).ok().map(Price)
    }
    fn fill_price(&self, subticks: u64) -> Option<Price> {
        i64::try_from(i128::from(subticks) * pow10(self.clob.quantum_conversion_exponent - self.e())).ok().map(Price)
    }
}

fn venue(v: &VenueIn, id: u32) -> Venue {
    let atomic_resolution = -4 - i32::from(v.atomic_resolution % 7);
    let conv = -i32::from(v.conv % 11);
    let qce = (conv - 3 + i32::from(v.qce_offset % 7)).max(-10);
    let tier = LiquidityTier {
        initial_margin_ppm: 10_000 + v.imf % 990_001,
        maintenance_fraction_ppm: 100_000 + v.mf % 900_001,
        open_interest_lower_cap: 0,
        open_interest_upper_cap: 0,
    };
    Venue {
        perp: DydxPerpetual { id, atomic_resolution, open_interest: 0, liquidity_tier: tier },
        price: MarketPrice { price: 1 + v.price % 1_000_000_000, exponent: conv - atomic_resolution - 6 },
        clob: ClobPair {
            step_base_quantums: 1 + u64::from(v.step % 1_000),
            subticks_per_tick: 1 + u32::from(v.spt % 1_000),
            quantum_conversion_exponent: qce,
        },
    }
}

fn whole_venue(v: &WholeVenueIn, id: u32) -> Venue {
    let q = 1 + i128::from(v.q % 10_000);
    let z = i32::from(v.z % 5);
    let atomic_resolution = -5 - i32::from(v.atomic_resolution % 6);
    let qce = -5 - i32::from(v.qce % 5);
    let lo = (-qce - 8).max(0);
    let i = lo + i32::from(v.split) % (-qce - lo + 1);
    let kk = [1i128, 2, 4, 5, 8, 10, 20][usize::from(v.k % 7)];
    let imf = kk * (1 + i128::from(v.imf) % (1_000_000 / kk));
    let tier = LiquidityTier {
        initial_margin_ppm: imf as u32,
        maintenance_fraction_ppm: (1_000_000 / kk) as u32,
        open_interest_lower_cap: 0,
        open_interest_upper_cap: 0,
    };
    Venue {
        perp: DydxPerpetual { id, atomic_resolution, open_interest: 0, liquidity_tier: tier },
        price: MarketPrice { price: (q * pow10(z)) as u64, exponent: -z - atomic_resolution - 6 },
        clob: ClobPair {
            step_base_quantums: ((1 + i128::from(v.step % 20)) * pow10(i)) as u64,
            subticks_per_tick: ((1 + i128::from(v.spt % 20)) * pow10(-qce - i)) as u32,
            quantum_conversion_exponent: qce,
        },
    }
}

fn dydx_position(v: &Venue, quantums: i128, quote_balance: i128) -> DydxPosition {
    DydxPosition { perpetual: v.perp, price: v.price, quantums, quote_balance }
}

fn size_case(inp: &SizeIn) {
    if inp.positions.is_empty() {
        return;
    }
    let n = inp.positions.len().min(3);
    let venues: Vec<Venue> = inp.positions.iter().take(n).enumerate().map(|(i, p)| venue(&p.venue, i as u32)).collect();
    let sizes: Vec<i128> = inp
        .positions
        .iter()
        .take(n)
        .map(|p| {
            let q = 1 + i128::from(p.size % 100_000_000);
            if p.short {
                -q
            } else {
                q
            }
        })
        .collect();
    let dps: Vec<DydxPosition> = venues.iter().zip(&sizes).map(|(v, q)| dydx_position(v, *q, 0)).collect();
    let Ok(abs_notional) = dps.iter().map(|d| d.perpetual.net_notional(d.price, d.quantums).map(i128::abs)).collect::<Result<Vec<_>>>()
    else {
        return;
    };
    let total_n: i128 = abs_notional.iter().sum();
    let mut config = LiquidationConfig::code_default();
    config.position_block_limits = PositionBlockLimits {
        min_position_notional_liquidated: (inp.min_notional as u128 % (2 * total_n as u128 + 2)) as u64,
        max_position_portion_liquidated_ppm: 1 + inp.portion % 1_000_000,
    };
    let max_n: i128 = match inp.max_notional {
        None => i128::from(i64::MAX),
        Some(m) => 1 + i128::from(m) % (2 * total_n + 2),
    };
    config.subaccount_block_limits =
        SubaccountBlockLimits { max_notional_liquidated: max_n as u64, max_quantums_insurance_lost: 1 + inp.max_loss % 1_000_000_000_000 };
    let sl = config.subaccount_block_limits;
    let max_loss = i128::from(sl.max_quantums_insurance_lost);
    // Booked so far: up to the limit, or just past it (not when unlimited).
    let cap = max_n.min(2 * total_n + 2);
    let liquidated =
        if max_n < i128::from(i64::MAX) { i128::from(inp.liquidated) % (max_n + 3) } else { i128::from(inp.liquidated) % (cap + 1) };
    let lost = i128::from(inp.lost) % (max_loss + 3);
    let Ok(preset) = presets::dydx_v4_policy(&config, Ppm(u32::from(inp.band) % 50_001)) else { return };
    let Some(markets) = venues.iter().map(|v| v.market(&preset)).collect::<Option<Vec<_>>>() else { return };
    let Some(marks) = venues.iter().map(Venue::mark).collect::<Option<Vec<_>>>() else { return };
    let positions: Vec<Position> = sizes
        .iter()
        .enumerate()
        .map(|(i, q)| Position { market_index: i as u32, size: Size(*q as i64), quote_balance: Quote(0) })
        .collect();
    let Ok(h) = pool_health(&Pool::new(Quote(0), &positions), &markets, &marks) else { return };
    let mm = i128::from(h.maintenance_requirement.0);
    let usdc = mm - i128::from(h.equity.0) - (1 + i128::from(inp.slack) % (mm + 1));
    let Ok(usdc) = i64::try_from(usdc) else { return };
    let pool = Pool::new(Quote(usdc), &positions);
    let block = u64::from(inp.block) + 1;
    let mut st = AccountLiquidationState {
        block,
        block_notional: Quote(liquidated as i64),
        block_insurance_loss: Quote(lost as i64),
        ..AccountLiquidationState::default()
    };
    let before = st;
    let mut legs = [PlanLeg::default(); 3];
    let mut ms = [MarketCapacityState::default(); 3];
    let d = match run_pipeline(&pool, &markets, &marks, &preset.policy, &mut st, &mut ms, 0, block, &mut legs) {
        Ok(d) => d,
        // Figures beyond partliq's range (the solver's intermediate products):
        // an error value, the state untouched.
        Err(_) => {
            assert_eq!(st, before);
            return;
        }
    };
    let info = |notional: i128| SubaccountLiquidationInfo {
        perpetuals_liquidated: &[],
        notional_liquidated: notional as u64,
        quantums_insurance_lost: lost as u64,
    };
    if liquidated > max_n || lost > max_loss {
        // dYdX fails (GetSubaccountMax* with the amount used above the limit).
        if liquidated > max_n {
            assert_eq!(subaccount_max_notional_liquidatable(&sl, &info(liquidated), 0), Err(Error::BlockLimitExceeded));
        } else {
            assert_eq!(subaccount_max_insurance_lost(&sl, &info(liquidated), 0), Err(Error::BlockLimitExceeded));
        }
        assert_eq!((d.action, d.reason, d.plan.leg_count), (Action::None, Reason::BlockLimitReached, 0));
        assert_eq!(st, before);
        return;
    }
    assert!(d.plan.leg_count >= 1, "no leg: {d:?}");
    let mut booked = liquidated;
    for leg in &legs[..d.plan.leg_count] {
        let i = leg.position_index as usize;
        let want = liquidatable_position_size_delta(&dps[i], &venues[i].clob, &config, &info(booked))
            .unwrap_or_else(|e| panic!("dYdX error {e:?} for {leg:?} with {booked} booked"));
        assert_eq!(i128::from(leg.size_delta.0), want, "leg {leg:?}, {booked} booked, {config:?}, {venues:?}, sizes {sizes:?}");
        booked += dps[i].perpetual.net_notional(dps[i].price, want).unwrap().abs();
    }
    assert_eq!(i128::from(st.block_notional.0), booked);
}

fn settle_case(inp: &SettleIn) {
    if inp.positions.is_empty() {
        return;
    }
    let n = inp.positions.len().min(3);
    let venues: Vec<Venue> = inp.positions.iter().take(n).enumerate().map(|(i, p)| whole_venue(&p.venue, i as u32)).collect();
    let dps: Vec<DydxPosition> = venues
        .iter()
        .zip(&inp.positions)
        .map(|(v, p)| {
            let q = (1 + i128::from(p.lots % 2_000)) * i128::from(v.clob.step_base_quantums);
            dydx_position(v, if p.short { -q } else { q }, i128::from(p.quote_balance))
        })
        .collect();
    let fee_ppm = 1 + inp.fee % 1_000_000;
    let mut config = LiquidationConfig::code_default();
    config.max_liquidation_fee_ppm = fee_ppm;
    let Ok(preset) = presets::dydx_v4_policy(&config, Ppm(10_000)) else { return };
    let Some(markets) = venues.iter().map(|v| v.market(&preset)).collect::<Option<Vec<_>>>() else { return };
    let Some(marks) = venues.iter().map(Venue::mark).collect::<Option<Vec<_>>>() else { return };
    let Ok(total0) = subaccount_risk(0, &dps) else { return };
    let usdc = total0.mmr - total0.nc + i128::from(inp.usdc_offset) % (3 * total0.mmr + 1);
    let Ok(total) = subaccount_risk(usdc, &dps) else { return };
    let (dp, v) = (dps[0], venues[0]);
    let step = i128::from(v.clob.step_base_quantums);
    let lots = dp.quantums.abs() / step;
    let fill_amount = (1 + i128::from(inp.fill_lots) % lots) * step;
    let is_buy = dp.quantums < 0;
    // Around the oracle: its price in subticks ± 25 %, on the tick grid.
    let spt = i128::from(v.clob.subticks_per_tick);
    let oracle = dp.perpetual.net_notional(dp.price, 1).unwrap() * pow10(-v.clob.quantum_conversion_exponent);
    let ticks = (oracle / spt).max(4);
    let subticks = (ticks * 3 / 4 + i128::from(inp.ticks) % (ticks / 2 + 1)).max(1) * spt;
    let Ok(subticks) = u64::try_from(subticks) else { return };
    let fill = LiquidationFill { is_buy, fill_amount: fill_amount as u64, subticks };
    let delta = if is_buy { fill_amount } else { -fill_amount };
    let (Ok(want), Ok(want_bk), Ok(cash)) = (
        liquidation_insurance_fund_delta(&dp, &total, &v.clob, fee_ppm, &fill),
        bankruptcy_price_quote_quantums(&dp, &total, delta),
        fill_amount_to_quote_quantums(subticks, fill.fill_amount, v.clob.quantum_conversion_exponent),
    ) else {
        return;
    };
    let Some(price) = v.fill_price(subticks) else { return };
    let (Ok(usdc), Ok(positions)) = (
        i64::try_from(usdc),
        dps.iter()
            .enumerate()
            .map(|(i, d)| {
                Ok(Position {
                    market_index: i as u32,
                    size: Size(i64::try_from(d.quantums)?),
                    quote_balance: Quote(i64::try_from(d.quote_balance)?),
                })
            })
            .collect::<std::result::Result<Vec<_>, std::num::TryFromIntError>>(),
    ) else {
        return;
    };
    let Ok(s) = settle_fill(
        &Pool::new(Quote(usdc), &positions),
        &markets,
        &marks,
        &Fill { position_index: 0, size_delta: Size(delta as i64), price },
    ) else {
        // Only a figure beyond i64 may fail here.
        return;
    };
    let ctx = format!("{venues:?} {dps:?} usdc {usdc} {fill:?} fee {fee_ppm}: {s:?}");
    assert_eq!(i128::from(s.fill_cash.0), if is_buy { -cash } else { cash }, "cash: {ctx}");
    assert_eq!(i128::from(s.bankruptcy_quote.0), want_bk, "bankruptcy quote: {ctx}");
    assert_eq!(i128::from(s.insurance_fund_delta.0), want, "insurance fund delta: {ctx}");
}

fuzz_target!(|inp: Input| {
    match &inp {
        Input::Size(s) => size_case(s),
        Input::Settle(s) => settle_case(s),
    }
});
