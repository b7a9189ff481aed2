//! Which margin accounts the float pre-screen may pass over without
//! evaluating it.
//!
//! Every liquidation pass and every step's count of time below maintenance
//! pre-screen each margin account in floats: it is passed over when
//! `maintenance ≤ 0` or `equity > maintenance + 100 + 10⁻⁹ (|equity| +
//! |maintenance|)` (micro-USD). Evaluating that for every account in every
//! pass is most of a run's work, and most accounts are nowhere near the
//! line. The screen keeps, per account, a *margin*: how far (a relative
//! move of every market's mark from a common reference) the marks may go
//! with the pre-screen still certain to pass the account over, found from
//! one evaluation:
//!
//! * equity moves by at most `Σ |Δnotional|`, and maintenance (continuous,
//!   piecewise linear in the notional, slopes the tiers' fractions) by at
//!   most `Σ |Δnotional| × the market's largest fraction`, so the slack
//!   `equity − maintenance − 100 − 10⁻⁹ (…)` by at most `(1 + 10⁻⁹) Σ
//!   |Δnotional| (1 + fraction)`;
//! * a move of at most `δ` of the reference price is `|Δnotional| ≤ δ ×
//!   |size| × reference / 10⁴`, from the marks of the evaluation (at `δₑ`
//!   from the reference) at most `δ + δₑ`;
//! * the floats' rounding, far below `10⁻⁸` of the account's gross value,
//!   is taken off the slack first (`2·10⁻⁸ × gross + 1`, gross at 1.5 × the
//!   larger of the reference and the marks), and the bound is widened by
//!   0.1 %.
//!
//! So the margin is `(slack − rounding) / K − δₑ` with `K = 1.001 (1 + 10⁻⁹)
//! Σ |size| × reference / 10⁴ × (1 + fraction)`, capped at 50 % (which keeps
//! the gross value under the bound used for the rounding). An account is
//! passed over unevaluated while the marks are less than its margin from
//! the reference: exactly the accounts the pre-screen would pass over too,
//! so a run is the same, figure for figure, as one that evaluates every
//! account (debug builds check it on every account passed over). Anything
//! that changes an account (a fill, a deleveraging, a transfer, funding)
//! sets its margin to zero, and so does every pipeline decision on it: only
//! an open account neither in liquidation nor in an open breach (which the
//! pass never pre-screens) has a margin, so a pass looks at nothing else
//! first. The reference moves to the current marks when they are more than
//! [`REBASE_AT`] from it, and every margin is then found again.

use super::Acct;
use crate::model::NOTIONAL_DIVISOR;
use partliq::Price;

/// The marks' largest relative move from the reference at which every
/// margin is found again from the current marks (only a matter of speed).
pub const REBASE_AT: f64 = 0.004;

/// The largest margin (see the module's documentation).
const MAX_MARGIN: f64 = 0.5;

/// Float equity and maintenance of margin account `a` at `marks` (cents),
/// micro-USD, with the float copies of the markets' maintenance tiers
/// (`(floor, fraction, deduction)`): the pre-screen's figures.
pub fn float_health(a: &Acct, marks: &[Price], tiers: &[Vec<(f64, f64, f64)>]) -> (f64, f64) {
    let mut equity = a.collateral.0 as f64;
    let mut maint = 0.0;
    for p in &a.positions {
        let m = p.market_index as usize;
        let notional = p.size.0 as f64 * marks[m].0 as f64 / NOTIONAL_DIVISOR as f64;
        equity += notional + p.quote_balance.0 as f64;
        let abs = notional.abs();
        let tiers = &tiers[m];
        let t = tiers.iter().rev().find(|t| abs >= t.0).unwrap_or(&tiers[0]);
        maint += abs * t.1 - t.2;
    }
    (equity, maint)
}

/// The pre-screen's skip rule: `(equity, maintenance)` passed over.
pub fn passes_over(e: f64, m: f64) -> bool {
    m <= 0.0 || e > m + 100.0 + 1e-9 * (e.abs() + m.abs())
}

/// See the module's documentation.
pub struct Screen {
    /// The reference marks, cents.
    reference: Vec<f64>,
    /// Per market: `1.001 (1 + 10⁻⁹) (1 + the tiers' largest fraction)`.
    slope: Vec<f64>,
    /// Per account: its margin (0: evaluate).
    margin: Vec<f64>,
    /// Find every margin again at the next look.
    stale: bool,
}

impl Screen {
    /// A screen of `accounts` accounts over markets whose float tiers are
    /// `tiers` (`(floor, fraction, deduction)`); every margin unknown.
    pub fn new(accounts: usize, tiers: &[Vec<(f64, f64, f64)>]) -> Screen {
        let slope = tiers.iter().map(|t| 1.001 * (1.0 + 1e-9) * (1.0 + t.iter().map(|x| x.1.abs()).fold(0.0, f64::max))).collect();
        Screen { reference: vec![0.0; tiers.len()], slope, margin: vec![0.0; accounts], stale: true }
    }

    /// The marks' largest relative move from the reference, moving the
    /// reference to them (and forgetting every margin) when it is stale or
    /// more than [`REBASE_AT`] away. Call once per look at the accounts.
    pub fn look(&mut self, marks: &[Price]) -> f64 {
        let delta = self.delta(marks);
        if self.stale || delta > REBASE_AT {
            for (r, p) in self.reference.iter_mut().zip(marks) {
                *r = p.0 as f64;
            }
            self.margin.fill(0.0);
            self.stale = false;
            return 0.0;
        }
        delta
    }

    fn delta(&self, marks: &[Price]) -> f64 {
        let mut d: f64 = 0.0;
        for (&r, p) in self.reference.iter().zip(marks) {
            if r <= 0.0 {
                return f64::INFINITY;
            }
            d = d.max((p.0 as f64 - r).abs() / r);
        }
        d
    }

    /// The first account from `from` on that may not be passed over
    /// unevaluated at marks `delta` from the reference (`None`: none left).
    pub fn next_to_look(&self, from: usize, delta: f64) -> Option<usize> {
        let rest = self.margin.get(from..)?;
        rest.iter().position(|&m| delta.partial_cmp(&m) != Some(std::cmp::Ordering::Less)).map(|k| from + k)
    }

    /// Account `i` changed: evaluate it next time.
    pub fn changed(&mut self, i: usize) {
        self.margin[i] = 0.0;
    }

    /// Every account changed.
    pub fn all_changed(&mut self) {
        self.stale = true;
    }

    /// Account `a` (index `i`) was evaluated at `marks`, `delta` from the
    /// reference: `(e, m)` its float equity and maintenance. Sets its margin.
    pub fn evaluated(&mut self, i: usize, a: &Acct, marks: &[Price], e: f64, m: f64, delta: f64) {
        self.margin[i] = self.margin_of(a, marks, e, m, delta);
    }

    fn margin_of(&self, a: &Acct, marks: &[Price], e: f64, m: f64, delta: f64) -> f64 {
        if m <= 0.0 || !delta.is_finite() {
            return 0.0;
        }
        let slack = e - m - 100.0 - 1e-9 * (e.abs() + m.abs());
        let (mut k, mut gross) = (0.0f64, (a.collateral.0 as f64).abs());
        for p in &a.positions {
            let mi = p.market_index as usize;
            let (Some(&r), Some(&slope), Some(mark)) = (self.reference.get(mi), self.slope.get(mi), marks.get(mi)) else {
                return 0.0;
            };
            let size = (p.size.0 as f64).abs() / NOTIONAL_DIVISOR as f64;
            k += size * r * slope;
            gross += 1.5 * size * r.max(mark.0 as f64) + (p.quote_balance.0 as f64).abs();
        }
        let rounding = 2e-8 * gross + 1.0;
        // (NaN: no margin.)
        let certain = slack > rounding && k > 0.0;
        if !certain {
            return 0.0;
        }
        ((slack - rounding) / k - delta).clamp(0.0, MAX_MARGIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partliq::{Position, Quote, Size};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Tiers as the world builds them: fractions 2.5 %, 5 %, 10 %
    /// (floors 0, 1 M$, 5 M$), deductions keeping maintenance continuous.
    fn tiers() -> Vec<(f64, f64, f64)> {
        let mut v = Vec::new();
        let (mut prev, mut ded) = (0.0, 0.0);
        for (floor, f) in [(0.0, 0.025), (1e12, 0.05), (5e12, 0.1)] {
            ded += floor * (f - prev);
            prev = f;
            v.push((floor, f, ded));
        }
        v
    }

    /// Random accounts over two markets, evaluated at random marks, then
    /// looked at again at many marks less than their margin away from the
    /// reference: the pre-screen passes every one of them over. Accounts
    /// near the line, across tier floors and on both sides are drawn.
    #[test]
    fn an_account_within_its_margin_is_always_passed_over() {
        let tiers = vec![tiers(), tiers()];
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let (mut skipped, mut margins) = (0u32, 0u32);
        for _ in 0..4_000 {
            let reference = [Price(rng.random_range(100_000..10_000_000)), Price(rng.random_range(1_000..500_000))];
            let mut a = Acct { collateral: Quote(rng.random_range(0..50_000_000_000)), positions: Vec::new(), whale: false };
            for m in 0..rng.random_range(1..=2u32) {
                // Up to ~60 M$ of notional, long or short, entered near the reference.
                let size: i64 = rng.random_range(-1i64 << 36..1i64 << 36);
                let entry = reference[m as usize].0 as f64 * rng.random_range(0.9..1.1);
                let quote = -(size as f64 * entry / NOTIONAL_DIVISOR as f64) as i64;
                a.positions.push(Position { market_index: m, size: Size(size), quote_balance: Quote(quote) });
            }
            let mut s = Screen::new(1, &tiers);
            assert_eq!(s.look(&reference), 0.0);
            // Evaluated at marks a little away from the reference.
            let at: Vec<Price> = reference.iter().map(|p| Price(((p.0 as f64) * rng.random_range(0.997..1.003)) as i64)).collect();
            let delta = s.delta(&at);
            let (e, m) = float_health(&a, &at, &tiers);
            s.evaluated(0, &a, &at, e, m, delta);
            let margin = s.margin[0];
            assert!(margin == 0.0 || passes_over(e, m));
            if margin == 0.0 {
                continue;
            }
            margins += 1;
            for _ in 0..50 {
                // Marks up to the margin away (the edge included, at times).
                let edge = rng.random_bool(0.2);
                let moved: Vec<Price> = reference
                    .iter()
                    .map(|p| {
                        let d = if edge { margin * 0.999_999 } else { rng.random_range(0.0..margin) };
                        let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
                        Price(((p.0 as f64) * (1.0 + sign * d)).round().max(1.0) as i64)
                    })
                    .collect();
                let d = s.delta(&moved);
                if s.next_to_look(0, d).is_none() {
                    skipped += 1;
                    let (e, m) = float_health(&a, &moved, &tiers);
                    assert!(passes_over(e, m), "{a:?} at {moved:?}: e {e} m {m}, margin {margin}, delta {d}");
                }
            }
        }
        assert!(margins > 500 && skipped > 10_000, "{margins} margins, {skipped} skips");
    }

    #[test]
    fn a_change_or_a_far_move_forgets_the_margin() {
        let tiers = vec![tiers()];
        let a = Acct {
            collateral: Quote(10_000_000_000),
            positions: vec![Position { market_index: 0, size: Size(100_000_000), quote_balance: Quote(-60_000_000_000) }],
            whale: false,
        };
        let mut s = Screen::new(2, &tiers);
        let p = [Price(6_000_000)];
        assert_eq!(s.look(&p), 0.0);
        let (e, m) = float_health(&a, &p, &tiers);
        s.evaluated(1, &a, &p, e, m, 0.0);
        // 1 BTC long at 60,000 with 10,000 $: equity 10,000 $, maintenance
        // 1,500 $; the slack (8,500 $) over 1.001 × 1.1 × 60,000 $ is 12.87 %.
        assert!((s.margin[1] - 8_499.9 / (1.001 * 1.1 * 60_000.0)).abs() < 1e-4, "{}", s.margin[1]);
        assert_eq!(s.next_to_look(0, 0.0), Some(0), "account 0 was never evaluated");
        assert_eq!(s.next_to_look(1, 0.001), None);
        s.changed(1);
        assert_eq!(s.next_to_look(1, 0.001), Some(1));
        s.evaluated(1, &a, &p, e, m, 0.0);
        // 0.5 % away: past the rebase threshold, every margin forgotten.
        assert!(s.look(&[Price(5_970_000)]) == 0.0 && s.next_to_look(1, 0.0) == Some(1));
        s.evaluated(1, &a, &[Price(5_970_000)], e, m, 0.0);
        s.all_changed();
        assert!(s.look(&[Price(5_970_000)]) == 0.0 && s.next_to_look(1, 0.0) == Some(1));
    }
}
