//! A reference implementation of partliq's health and minimal-close sizing
//! in exact big rationals (`num-bigint` / `num-rational`), the way dYdX v4
//! computes with Go's `big.Int` / `big.Rat`: every figure is an exact
//! rational, rounded only where partliq's rules say (position value down,
//! requirements, fee and target up, cash against the account).
//!
//! Sizing: the least lot-step `x` whose rounded surplus `equity − target`
//! after closing `x` at the execution price is ≥ 0 (no dust floor). The
//! exact (unrounded) surplus is concave in `x`; the reference bisects for
//! its peak, then for the first grid point before it where it is ≥ 0 (the
//! rounded surplus is below the exact one, so nothing smaller restores the
//! target), then walks the grid until the rounded surplus is ≥ 0.
//! `Infeasible` carries no figures worth comparing (the whole close).
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use num_bigint::BigInt;
use num_rational::BigRational;
use partliq::*;

fn abs(r: &BigRational) -> BigRational {
    if *r < rat(0) {
        -r.clone()
    } else {
        r.clone()
    }
}

fn int(v: i128) -> BigInt {
    BigInt::from(v)
}

fn rat(v: i128) -> BigRational {
    BigRational::from_integer(int(v))
}

fn ceil(r: &BigRational) -> BigInt {
    r.ceil().to_integer()
}

fn floor(r: &BigRational) -> BigInt {
    r.floor().to_integer()
}

/// `size × price × 10^e`, exact.
pub fn notional(m: &Market, size: i128, price: i128) -> BigRational {
    let e = m.quote_exponent;
    let ten = BigInt::from(10);
    let p = rat(size) * rat(price);
    if e >= 0 {
        p * BigRational::from_integer(ten.pow(e as u32))
    } else {
        p / BigRational::from_integer(ten.pow((-e) as u32))
    }
}

/// Exact requirement of an absolute notional: `|N| × f_t − deduction_t`.
pub fn requirement(m: &Market, abs: &BigRational, initial: bool) -> BigRational {
    let tiers = m.active_tiers().unwrap();
    let frac = |t: &MarginTier| i128::from(if initial { t.initial.0 } else { t.maintenance.0 });
    let mut idx = 0;
    for (i, t) in tiers.iter().enumerate() {
        if *abs >= rat(i128::from(t.notional_floor.0)) {
            idx = i;
        } else {
            break;
        }
    }
    let mut ded = BigInt::from(0);
    let mut prev = 0i128;
    for t in &tiers[..=idx] {
        ded += int(i128::from(t.notional_floor.0)) * int(frac(t) - prev);
        prev = frac(t);
    }
    let million = rat(1_000_000);
    (abs * rat(frac(&tiers[idx])) - BigRational::from_integer(ded)) / million
}

#[derive(Debug, Clone, Default)]
pub struct BigSums {
    pub equity: BigInt,
    pub initial: BigInt,
    pub maintenance: BigInt,
}

/// One position's rounded figures.
pub fn terms(m: &Market, size: i128, price: i128, qb: i128) -> BigSums {
    if size == 0 {
        return BigSums { equity: int(qb), ..BigSums::default() };
    }
    let n = notional(m, size, price);
    let abs = abs(&n);
    BigSums { equity: floor(&n) + int(qb), initial: ceil(&requirement(m, &abs, true)), maintenance: ceil(&requirement(m, &abs, false)) }
}

fn add(a: &BigSums, b: &BigSums) -> BigSums {
    BigSums { equity: &a.equity + &b.equity, initial: &a.initial + &b.initial, maintenance: &a.maintenance + &b.maintenance }
}

pub fn sums(collateral: i64, positions: &[Position], markets: &[Market], prices: &[Price], skip: Option<usize>) -> BigSums {
    let mut s = BigSums { equity: int(i128::from(collateral)), ..BigSums::default() };
    for (i, p) in positions.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let mi = p.market_index as usize;
        s = add(&s, &terms(&markets[mi], i128::from(p.size.0), i128::from(prices[mi].0), i128::from(p.quote_balance.0)));
    }
    s
}

fn q(v: &BigInt) -> Quote {
    Quote(i64::try_from(v).unwrap())
}

/// partliq's [`Health`] from exact sums.
pub fn health_of(s: &BigSums) -> Health {
    let ratio = if s.maintenance == BigInt::from(0) {
        0
    } else if s.equity <= BigInt::from(0) {
        u64::MAX
    } else {
        let r = ceil(&(BigRational::from_integer(&s.maintenance * BigInt::from(1_000_000)) / BigRational::from_integer(s.equity.clone())));
        u64::try_from(&r).unwrap_or(u64::MAX)
    };
    let state = if s.equity < BigInt::from(0) {
        HealthState::Bankrupt
    } else if s.maintenance > BigInt::from(0) && s.equity < s.maintenance {
        HealthState::Liquidatable
    } else {
        HealthState::Healthy
    };
    Health {
        equity: q(&s.equity),
        initial_requirement: q(&s.initial),
        maintenance_requirement: q(&s.maintenance),
        free_collateral: q(&(&s.equity - &s.initial)),
        margin_ratio_ppm: ratio,
        state,
    }
}

/// The reference `pool_health`.
pub fn pool_health_ref(collateral: i64, positions: &[Position], markets: &[Market], prices: &[Price]) -> Health {
    health_of(&sums(collateral, positions, markets, prices, None))
}

/// What the reference sizing returns (the fields partliq's `CloseSizing`
/// has for a restored or already-safe close).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefClose {
    pub status: CloseStatus,
    pub size_delta: Size,
    pub expected_cash: Quote,
    pub expected_fee: Quote,
    pub health_after: Health,
    pub required_equity_after: Quote,
}

impl RefClose {
    pub fn of(c: &CloseSizing) -> RefClose {
        RefClose {
            status: c.status,
            size_delta: c.size_delta,
            expected_cash: c.expected_cash,
            expected_fee: c.expected_fee,
            health_after: c.health_after,
            required_equity_after: c.required_equity_after,
        }
    }
}

struct Model<'a> {
    m: &'a Market,
    mark: i128,
    size: i128,
    qb: i128,
    exec: i128,
    rest: BigSums,
    buffer: i128,
}

impl Model<'_> {
    fn sigma(&self) -> i128 {
        self.size.signum()
    }

    fn cash_exact(&self, x: i128) -> BigRational {
        notional(self.m, self.sigma() * x, self.exec)
    }

    fn fee_exact(&self, x: i128) -> BigRational {
        notional(self.m, x, self.exec) * rat(i128::from(self.m.liquidation_fee.0)) / rat(1_000_000)
    }

    fn after(&self, x: i128) -> (BigSums, BigInt, BigInt) {
        let size = self.size - self.sigma() * x;
        let (cash, fee) = if x == 0 { (BigInt::from(0), BigInt::from(0)) } else { (floor(&self.cash_exact(x)), ceil(&self.fee_exact(x))) };
        let qb = int(self.qb) + &cash - &fee;
        let own = terms(self.m, size, self.mark, i128::try_from(&qb).unwrap());
        (add(&self.rest, &own), cash, fee)
    }

    fn required(&self, s: &BigSums) -> BigInt {
        ceil(&(BigRational::from_integer(s.maintenance.clone()) * rat(1_000_000 + self.buffer) / rat(1_000_000)))
    }

    /// Rounded surplus.
    fn surplus(&self, x: i128) -> BigInt {
        let (s, _, _) = self.after(x);
        &s.equity - self.required(&s)
    }

    /// Exact surplus (the position's own figures unrounded).
    fn surplus_exact(&self, x: i128) -> BigRational {
        let size = self.size - self.sigma() * x;
        let n = notional(self.m, size, self.mark);
        let qb = rat(self.qb) + self.cash_exact(x) - self.fee_exact(x);
        let equity = BigRational::from_integer(self.rest.equity.clone()) + &n + qb;
        let mm = BigRational::from_integer(self.rest.maintenance.clone()) + requirement(self.m, &abs(&n), false);
        equity - mm * rat(1_000_000 + self.buffer) / rat(1_000_000)
    }
}

/// The reference `minimal_close` for a maintenance target with a buffer.
pub fn minimal_close_ref(collateral: i64, positions: &[Position], markets: &[Market], prices: &[Price], req: &CloseRequest) -> RefClose {
    let Target::Maintenance { buffer } = req.target else { panic!("maintenance targets only") };
    let p = positions[req.position_index];
    let mi = p.market_index as usize;
    let model = Model {
        m: &markets[mi],
        mark: i128::from(prices[mi].0),
        size: i128::from(p.size.0),
        qb: i128::from(p.quote_balance.0),
        exec: i128::from(req.execution_price.0),
        rest: sums(collateral, positions, markets, prices, Some(req.position_index)),
        buffer: i128::from(buffer.0),
    };
    let u = model.size.abs();
    let step = i128::from(model.m.lot_step.0);
    let grid_end = (u + step - 1) / step;
    let x_at = |n: i128| (n * step).min(u);
    let describe = |status: CloseStatus, x: i128| {
        let (s, cash, fee) = model.after(x);
        RefClose {
            status,
            size_delta: Size((-model.sigma() * x) as i64),
            expected_cash: q(&cash),
            expected_fee: q(&fee),
            health_after: health_of(&s),
            required_equity_after: q(&model.required(&s)),
        }
    };
    if model.surplus(0) >= BigInt::from(0) {
        return describe(CloseStatus::AlreadySafe, 0);
    }
    // The exact surplus is concave in x: find where it stops increasing
    // (bisection on the sign of its step), then the first grid point of the
    // increasing part where it is ≥ 0 (bisection), then walk the rounded
    // surplus (below the exact one) from there.
    let h = |n: i128| model.surplus_exact(x_at(n));
    let (mut lo, mut hi) = (0i128, grid_end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if h(mid + 1) <= h(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let peak = lo;
    if h(peak) < rat(0) {
        return describe(CloseStatus::Infeasible, u);
    }
    let (mut lo, mut hi) = (0i128, peak);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if h(mid) < rat(0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mut n = hi;
    while model.surplus(x_at(n)) < BigInt::from(0) {
        n += 1;
        if n > grid_end || h(n) < rat(0) {
            return describe(CloseStatus::Infeasible, u);
        }
    }
    describe(CloseStatus::Restored, x_at(n))
}
