//! The market-impact model: a book of finite depth around the oracle.
//!
//! The book remembers how much notional has been consumed (`consumed`, USD,
//! signed: sells push it down, buys up). Its marginal price at consumption
//! `q` follows the square-root law in log-price,
//!
//! ```text
//! price(q) = oracle × exp(impact × sign(q) × sqrt(|q| / depth))
//! ```
//!
//! so consuming `depth` USD moves the price by about `impact`. The mark is
//! `price(consumed)`; a liquidation order walks the book from there and fills
//! at the average price of the range it consumes, never past its limit (the
//! part beyond the limit does not fill). Each step the book restores a
//! fraction `resilience` of the consumed depth, so the mark recovers toward
//! the oracle path.
//!
//! Floats are used here only for the impact model, with IEEE basic
//! operations and the deterministic `exp`, `ln` and `sqrt` of
//! [`crate::det`] (never the platform's), so fills are the same on every
//! platform; every fill is handed to partliq as an integer size and an
//! integer price on the tick.

use crate::det;

/// Base units per coin (sizes are in 1e-8 of a coin).
pub const UNITS_PER_COIN: f64 = 1e8;
/// Price units per USD (prices are in cents).
pub const CENTS_PER_USD: f64 = 100.0;

/// One market's book.
#[derive(Debug, Clone)]
pub struct Book {
    /// The oracle price this step, in cents.
    pub oracle: f64,
    /// Consumed notional, USD (negative: bids consumed by sells).
    pub consumed: f64,
    /// Depth parameter, USD.
    pub depth: f64,
    /// Price move (fraction, in log) when `depth` is consumed.
    pub impact: f64,
    /// Fraction of consumed depth restored per step.
    pub resilience: f64,
}

/// A fill the book offers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quote {
    /// Signed units filled (same sign as the order).
    pub size_delta: i64,
    /// Average fill price in cents, on the tick, never worse than the limit.
    pub price: i64,
    /// Signed USD consumption (negative for a sell).
    pub consumed_delta: f64,
}

impl Book {
    /// The marginal price (cents) after `q` USD of consumption.
    pub fn marginal(&self, q: f64) -> f64 {
        if self.impact == 0.0 || q == 0.0 {
            return self.oracle;
        }
        self.oracle * det::exp(self.impact * q.signum() * det::sqrt(q.abs() / self.depth))
    }

    /// The mark price in cents (at least one cent).
    pub fn mark(&self) -> i64 {
        round_cents(self.marginal(self.consumed))
    }

    fn usd_per_unit(&self) -> f64 {
        self.oracle / CENTS_PER_USD / UNITS_PER_COIN
    }

    /// The consumption level at which the marginal price equals `limit`.
    fn level_at(&self, limit: f64) -> f64 {
        if self.impact == 0.0 {
            return if limit < self.oracle {
                f64::NEG_INFINITY
            } else if limit > self.oracle {
                f64::INFINITY
            } else {
                0.0
            };
        }
        let r = det::ln(limit / self.oracle) / self.impact;
        r.signum() * self.depth * r * r
    }

    /// Average marginal price over consumption `[a, b]` (Simpson, 32 panels).
    fn average(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            return self.marginal(a);
        }
        const N: usize = 32;
        let h = (b - a) / N as f64;
        let mut s = self.marginal(a) + self.marginal(b);
        for k in 1..N {
            let w = if k.is_multiple_of(2) { 2.0 } else { 4.0 };
            s += w * self.marginal(a + h * k as f64);
        }
        s / (3.0 * N as f64)
    }

    /// What an order of `size_delta` units (negative: sell) limited at
    /// `limit` cents can fill now: all of it, or the lot-step multiple that
    /// the book holds before the limit, or nothing.
    pub fn quote(&self, size_delta: i64, limit: i64, lot: i64) -> Option<Quote> {
        if size_delta == 0 || limit <= 0 || lot <= 0 {
            return None;
        }
        let sell = size_delta < 0;
        let want = size_delta.unsigned_abs() as f64;
        let level = self.level_at(limit as f64);
        let room_usd = if sell { self.consumed - level } else { level - self.consumed };
        if room_usd.is_nan() || room_usd <= 0.0 {
            return None;
        }
        let room_units = room_usd / self.usd_per_unit();
        let units: i64 = if room_units >= want {
            size_delta.unsigned_abs() as i64
        } else {
            ((room_units / lot as f64).floor() as i64).saturating_mul(lot)
        };
        if units <= 0 {
            return None;
        }
        let usd = units as f64 * self.usd_per_unit();
        let (a, b) = if sell { (self.consumed - usd, self.consumed) } else { (self.consumed, self.consumed + usd) };
        let avg = self.average(a, b);
        // On the tick, against the liquidated account, never past the limit.
        let price = if sell { (avg.floor() as i64).max(limit).max(1) } else { (avg.ceil() as i64).min(limit).max(1) };
        Some(Quote { size_delta: if sell { -units } else { units }, price, consumed_delta: if sell { -usd } else { usd } })
    }

    /// Books a fill's consumption.
    pub fn commit(&mut self, q: &Quote) {
        self.consumed += q.consumed_delta;
    }

    /// End of a step: the book refills a fraction of the consumed depth.
    pub fn recover(&mut self) {
        self.consumed *= 1.0 - self.resilience;
    }
}

/// Cents from a float price, at least 1.
pub fn round_cents(p: f64) -> i64 {
    if p.is_finite() {
        (p.round() as i64).max(1)
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(impact: f64) -> Book {
        Book { oracle: 6_000_000.0, consumed: 0.0, depth: 10_000_000.0, impact, resilience: 0.5 }
    }

    #[test]
    fn square_root_impact() {
        let mut b = book(0.01);
        // Consuming the depth moves the mark by about 1 %.
        b.consumed = -10_000_000.0;
        let m = b.mark() as f64 / 6_000_000.0;
        assert!((m - (-0.01f64).exp()).abs() < 1e-6, "{m}");
        // Four times the depth: 2 %.
        b.consumed = -40_000_000.0;
        assert!((b.mark() as f64 / 6_000_000.0 - (-0.02f64).exp()).abs() < 1e-6);
        b.recover();
        assert_eq!(b.consumed, -20_000_000.0);
    }

    #[test]
    fn fills_respect_the_limit_and_fill_partially() {
        let b = book(0.01);
        // 1,000 BTC sell (60M USD) limited 1 % below the oracle: the book
        // holds depth × (ln 0.99 / 0.01)² ≈ 10.1M USD down to there (less
        // than one lot, 0.6 USD, is left).
        let q = b.quote(-100_000_000_000, 5_940_000, 1_000).unwrap();
        assert!(q.size_delta < 0 && q.size_delta > -100_000_000_000);
        assert!(q.price >= 5_940_000 && q.price <= 6_000_000);
        let room = 10_000_000.0 * (0.99f64.ln() / 0.01).powi(2);
        assert!(q.consumed_delta <= -room + 0.61 && q.consumed_delta >= -room, "{}", q.consumed_delta);
        // A small order fills whole near the oracle.
        let q = b.quote(-1_000_000, 5_940_000, 1_000).unwrap();
        assert_eq!(q.size_delta, -1_000_000);
        // A buy above the oracle, limited at the oracle: nothing.
        let mut b2 = b.clone();
        b2.consumed = 1_000_000.0;
        assert!(b2.quote(1_000, 6_000_000, 1_000).is_none());
        // No impact: everything fills at the oracle.
        let q = book(0.0).quote(-100_000_000_000, 5_940_000, 1_000).unwrap();
        assert_eq!((q.size_delta, q.price), (-100_000_000_000, 6_000_000));
    }
}
