//! `run_pipeline` (Rust API) with any policy: a policy that does not validate
//! is refused with its error; on any error the caller's states are
//! untouched. On success: legs on distinct positions, on the closing side,
//! within the position; `TargetRestored` reaches the target; `Backstop`
//! carries the transfer; and every step cap the policy sets is respected by
//! every leg (fraction cap outside the cooldown, close factor above its
//! health threshold, max portion, block notional budget, window capacity).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct PolicyIn {
    target_kind: bool,
    buffer: PpmArg,
    band: PpmArg,
    order: u8,
    max_allowed: bool,
    fraction_cap: Option<(I64, PpmArg, u8)>,
    tier_step: Option<(u8, Option<u8>)>,
    close_factor: Option<(PpmArg, u32, I64, I64)>,
    position_limits: Option<(I64, PpmArg)>,
    block_limits: Option<(I64, I64)>,
    window: Option<(I64, u8)>,
    perp_v2_ratio: bool,
    backstop_fraction: Option<(u8, u8)>,
    backstop_on_infeasible: bool,
}

impl PolicyIn {
    fn build(&self) -> Policy {
        let mut p = Policy::default();
        p.target = if self.target_kind { Target::Initial } else { Target::Maintenance { buffer: Ppm(self.buffer.get()) } };
        p.price_band = Ppm(self.band.get());
        p.order = match self.order % 3 {
            0 => PlanOrder::LargestMaintenanceFirst,
            1 => PlanOrder::BestReleasePerCostFirst,
            _ => PlanOrder::ProRata,
        };
        p.sizing = if self.max_allowed { SizingMode::MaxAllowed } else { SizingMode::Minimal };
        if let Some((t, f, c)) = self.fraction_cap {
            p.fraction_cap = FractionCap { notional_threshold: Quote(t.get()), max_fraction: Ppm(f.get()), cooldown: u64::from(c) };
        }
        if let Some((levels, full)) = self.tier_step {
            p.tier_step =
                TierStep { levels: u32::from(levels % 4), full_close_at_or_below_tier: full.map_or(u32::MAX, |t| u32::from(t % 4)) };
        }
        if let Some((f, h, mp, mr)) = self.close_factor {
            p.close_factor = CloseFactor {
                max_fraction: Ppm(f.get()),
                health_threshold_ppm: h,
                min_position_notional: Quote(mp.get()),
                min_remainder: Quote(mr.get()),
            };
        }
        if let Some((n, portion)) = self.position_limits {
            // Hard caps (checked below); dYdX's mode: fuzz_targets/dydx_preset_differential.rs.
            p.position_limits = PositionLimits { min_notional: Quote(n.get()), max_portion: Ppm(portion.get()), mode: LimitMode::Cap };
        }
        if let Some((n, l)) = self.block_limits {
            p.block_limits = BlockLimits { max_notional: Quote(n.get()), max_insurance_loss: Quote(l.get()) };
        }
        if let Some((c, w)) = self.window {
            p.window_capacity = WindowCapacity { capacity: Quote(c.get()), window: u64::from(w) };
        }
        p.perp_v2_ratio = self.perp_v2_ratio;
        if let Some((n, d)) = self.backstop_fraction {
            p.escalation.backstop_fraction = Fraction::new(u32::from(n), u32::from(d));
        }
        p.escalation.backstop_on_infeasible = self.backstop_on_infeasible;
        p
    }
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    policy: PolicyIn,
    last_partial: u8,
    has_partial: bool,
    in_liquidation: bool,
    state_block: u8,
    block_notional: I64,
    block_loss: I64,
    windows: Vec<(u8, I64)>,
    now: u8,
    block: u8,
    legs_room: u8,
}

fn down_to_step(units: i128, x: i128, step: i128) -> i128 {
    if x >= units {
        units
    } else {
        x.max(0) / step * step
    }
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let (markets, prices, positions) = (data.core_markets(), data.core_prices(), data.core_positions());
    let pool = Pool::new(Quote(data.collateral), &positions);
    let policy = inp.policy.build();
    let mut st = AccountLiquidationState {
        last_partial_time: u64::from(inp.last_partial),
        has_partial: inp.has_partial,
        in_liquidation: inp.in_liquidation,
        block: u64::from(inp.state_block),
        block_notional: Quote(inp.block_notional.get()),
        block_insurance_loss: Quote(inp.block_loss.get()),
        ..AccountLiquidationState::default()
    };
    let mut ms: Vec<MarketCapacityState> =
        inp.windows.iter().take(6).map(|(s, u)| MarketCapacityState { window_start: u64::from(*s), used: Quote(u.get()) }).collect();
    let (st0, ms0) = (st, ms.clone());
    let room = if inp.legs_room == 255 { positions.len().saturating_sub(1) } else { positions.len() + usize::from(inp.legs_room % 3) };
    let mut legs = vec![PlanLeg::default(); room];
    let (now, block) = (u64::from(inp.now), u64::from(inp.block));
    let r = run_pipeline(&pool, &markets, &prices, &policy, &mut st, &mut ms, now, block, &mut legs);
    if let Err(e) = policy.validate() {
        assert_eq!(r, Err(e), "an invalid policy was not refused");
    }
    let d = match r {
        Err(_) => {
            assert_eq!((st, &ms), (st0, &ms0), "state changed on error");
            return;
        }
        Ok(d) => d,
    };
    let n = d.plan.leg_count;
    assert!(n <= positions.len());
    if d.action != Action::Liquidate {
        assert_eq!(n, 0, "legs without a liquidation");
    }
    // Backstop and Takeover (the fund takes the pool over) carry the transfer's figures.
    assert_eq!(matches!(d.action, Action::Backstop | Action::Takeover), d.backstop.is_some());
    if d.reason == Reason::TargetRestored {
        assert_eq!(d.action, Action::Liquidate);
        assert!(d.plan.health_after.equity >= d.plan.required_equity_after, "TargetRestored short of the target");
    }
    let valid = positions.iter().all(|p| markets.get(p.market_index as usize).map_or(true, |m| m.validate().is_ok()));
    let Ok(h) = pool_health(&pool, &markets, &prices) else { return };
    let (equity, maintenance) = (i128::from(h.equity.0), i128::from(h.maintenance_requirement.0));
    let mut seen = vec![false; positions.len()];
    let mut block_sum: i128 = 0;
    let mut window_sum = vec![0i128; markets.len()];
    for l in &legs[..n] {
        let i = l.position_index as usize;
        assert!(i < positions.len() && !seen[i], "leg on an unknown or repeated position");
        seen[i] = true;
        let p = positions[i];
        assert!(l.size_delta.0 != 0 && l.size_delta.0.signum() == -p.size.0.signum(), "leg on the wrong side");
        assert!(l.size_delta.0.unsigned_abs() <= p.size.0.unsigned_abs(), "leg larger than the position");
        if !valid {
            continue;
        }
        let m = &markets[p.market_index as usize];
        let mark = i128::from(prices[p.market_index as usize].0);
        let units = i128::from(p.size.0).abs();
        let x = i128::from(l.size_delta.0).abs();
        let step = i128::from(m.lot_step.0);
        let e = m.quote_exponent;
        let (mul, den) = if e >= 0 { (10i128.pow(e as u32), 1) } else { (1, 10i128.pow(e.unsigned_abs())) };
        let Some(scaled) = units.checked_mul(mark).and_then(|v| v.checked_mul(mul)) else { continue };
        let notional = scaled / den;
        // Leg notional at mark, rounded up (what the budgets are charged).
        let Some(leg_scaled) = x.checked_mul(mark).and_then(|v| v.checked_mul(mul)) else { continue };
        let leg_notional = (leg_scaled + den - 1) / den;
        block_sum += leg_notional;
        window_sum[p.market_index as usize] += leg_notional;
        let frac = |f: u32| down_to_step(units, units * i128::from(f) / 1_000_000, step);
        let fc = policy.fraction_cap;
        if fc.max_fraction.0 > 0 && notional > i128::from(fc.notional_threshold.0) && !st0.in_cooldown(&fc, now) {
            assert!(x <= frac(fc.max_fraction.0).max(step.min(units)), "fraction cap exceeded: {x} of {units}");
        }
        let cf = policy.close_factor;
        if cf.max_fraction.0 > 0
            && notional >= i128::from(cf.min_position_notional.0)
            && maintenance > 0
            && equity * 1_000_000 > maintenance * i128::from(cf.health_threshold_ppm)
        {
            assert!(x <= frac(cf.max_fraction.0), "close factor exceeded: {x} of {units}");
        }
        let pl = policy.position_limits;
        if pl.max_portion.0 > 0 {
            let max_n = i128::from(pl.min_notional.0).min(notional).max(notional * i128::from(pl.max_portion.0) / 1_000_000);
            // units_for_notional(max_n, floor) = floor(max_n × den / (mark × mul))
            let cap = down_to_step(units, max_n * den / (mark * mul), step);
            assert!(x <= cap, "max portion exceeded: {x} > {cap}");
        }
    }
    if valid && d.action == Action::Liquidate {
        let bl = policy.block_limits.max_notional.0;
        if bl != i64::MAX {
            let budget = (i128::from(bl) - st0.notional_in(block)).max(0);
            assert!(block_sum <= budget, "block notional budget exceeded: {block_sum} > {budget}");
        }
        if policy.window_capacity.window > 0 {
            for (k, used) in window_sum.iter().enumerate() {
                let remaining = ms0[k].remaining(&policy.window_capacity, now);
                assert!(*used <= remaining, "window capacity of market {k} exceeded: {used} > {remaining}");
            }
        }
    }
});
