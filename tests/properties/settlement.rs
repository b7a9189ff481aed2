//! Settlement properties: a settlement conserves and respects its caps, and
//! the bankruptcy price is the bad-debt boundary.

use partliq::{bankruptcy_price, settle_fill, Fill, Price, Quote, Size};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::scenario::*;
use crate::support::{ceil_div, close_cash, close_fee, den, floor_div, mul};

// ---------------------------------------------------------------------------
// Settlement
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct FillCase {
    s: Scn,
    units_raw: u64,
    price_kind: u8,
    price_raw: u32,
}

fn fill_case() -> impl Strategy<Value = FillCase> {
    (scenario(), any::<u64>(), 0u8..10, 0u32..=1_000_000).prop_map(|(s, units_raw, price_kind, price_raw)| FillCase {
        s,
        units_raw,
        price_kind,
        price_raw,
    })
}

/// Conservation `position_quote_delta − fill_cash + fee_to_liquidator +
/// insurance_fund_delta = 0` exactly; `0 ≤ fee ≤ nominal_fee`; bad debt ≥ 0
/// and excludes a fee; the split adds up; `fee = min(nominal, max(0,
/// cash − bankruptcy_quote))`, `bad_debt = max(0, bankruptcy_quote − cash)`;
/// the new position and `health_after` equal the recomputed ones. And the
/// invariant the bankruptcy quote is for: the account ends with at least its
/// equity less the closed units' share, `equity_after ≥ equity_before −
/// (ceil(closed mark value) − bankruptcy_quote)`; in particular a pool with
/// equity ≥ 0 is never left bankrupt by a fill, whatever its price.
#[test]
fn settlement_conserves_and_caps() {
    let t = run(8_000, fill_case(), |c| {
        let s = &c.s;
        let j = s.j;
        let pos = s.positions[j];
        let m = s.market_of(j);
        let size = i128::from(pos.size.0);
        let sigma = size.signum();
        let u = size.abs();
        let units = 1 + i128::from(c.units_raw) % u;
        let mark = s.mark_of(j);
        let v = i128::from(c.price_raw);
        let price = match c.price_kind {
            0..=5 => mark * (1_000_000 - sigma * (v % 100_000 - 20_000)) / 1_000_000,
            6..=7 => {
                let bp = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, Size(i64::try_from(-sigma * units).unwrap())).unwrap();
                i128::from(bp.price.0) + v % 5 - 2
            }
            _ => 1 + v,
        }
        .max(1);
        let fill = Fill {
            position_index: j,
            size_delta: Size(i64::try_from(-sigma * units).unwrap()),
            price: Price(i64::try_from(price).unwrap()),
        };
        let st = settle_fill(&s.pool(), &s.markets, &s.prices, &fill).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let q = |x: Quote| i128::from(x.0);
        prop_assert_eq!(q(st.position_quote_delta) - q(st.fill_cash) + q(st.fee_to_liquidator) + q(st.insurance_fund_delta), 0);
        prop_assert!(q(st.fee) >= 0 && q(st.fee) <= q(st.nominal_fee));
        prop_assert!(q(st.bad_debt) >= 0);
        prop_assert!(q(st.bad_debt) == 0 || q(st.fee) == 0);
        prop_assert_eq!(q(st.fee_to_liquidator) + q(st.fee_to_insurance), q(st.fee));
        prop_assert_eq!(q(st.fee_to_liquidator), floor_div(q(st.fee) * i128::from(m.liquidator_fee_share.0), 1_000_000));
        prop_assert_eq!(q(st.insurance_fund_delta), q(st.fee_to_insurance) - q(st.bad_debt));
        prop_assert_eq!(q(st.fill_cash), close_cash(m, sigma, units, price));
        prop_assert_eq!(q(st.nominal_fee), close_fee(m, units, price));
        let bq = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, fill.size_delta).unwrap().quote;
        prop_assert_eq!(st.bankruptcy_quote, bq);
        let excess = q(st.fill_cash) - q(bq);
        prop_assert_eq!(q(st.fee), q(st.nominal_fee).min(excess.max(0)));
        prop_assert_eq!(q(st.bad_debt), (-excess).max(0));
        prop_assert_eq!(q(st.position_quote_delta), q(st.fill_cash) - q(st.fee) + q(st.bad_debt));
        let mut ps = s.positions.clone();
        ps[j].size.0 += fill.size_delta.0;
        ps[j].quote_balance.0 += st.position_quote_delta.0;
        prop_assert_eq!(st.new_position, ps[j]);
        let after = s.health_of(&ps);
        prop_assert_eq!(st.health_after, after);
        let before = s.health_of(&s.positions);
        let leaving = ceil_div(sigma * units * mark * mul(m), den(m));
        let share = leaving - q(bq);
        prop_assert!(
            q(after.equity) >= q(before.equity) - share,
            "equity after {:?} < before {:?} − share {}",
            after.equity,
            before.equity,
            share
        );
        if before.equity.0 >= 0 {
            prop_assert!(after.equity.0 >= 0, "a solvent pool left bankrupt by a fill");
        }
        Ok(if q(st.bad_debt) > 0 {
            "bad-debt"
        } else if q(st.fee) < q(st.nominal_fee) {
            "fee-capped"
        } else {
            "normal"
        })
    });
    assert_share(&t, "bad-debt", 50);
    assert_share(&t, "fee-capped", 20);
    assert_share(&t, "normal", 200);
}

// ---------------------------------------------------------------------------
// Bankruptcy price
// ---------------------------------------------------------------------------

/// Filling at the bankruptcy price (rounded against the account) never
/// creates bad debt, and the fee it leaves room for is less than one price
/// unit of the fill (`(cash − quote)·10^k < units·10^max(0,e)`); one price
/// unit worse always creates bad debt and then no fee is charged. A fill
/// whose cash is exactly the bankruptcy quote charges neither.
#[test]
fn bankruptcy_price_is_the_bad_debt_boundary() {
    let t = run(8_000, (scenario(), any::<u64>()), |(s, raw)| {
        let j = s.j;
        let pos = s.positions[j];
        let m = s.market_of(j);
        let size = i128::from(pos.size.0);
        let sigma = size.signum();
        let units = 1 + i128::from(raw) % size.abs();
        let delta = Size(i64::try_from(-sigma * units).unwrap());
        let bp = bankruptcy_price(&s.pool(), &s.markets, &s.prices, j, delta).unwrap();
        let settle = |price: i64| {
            settle_fill(&s.pool(), &s.markets, &s.prices, &Fill { position_index: j, size_delta: delta, price: Price(price) }).unwrap()
        };
        if bp.price.0 <= 0 {
            let st = settle(1);
            if sigma > 0 {
                // A long whose share covers the closed units: any fill is solvent.
                prop_assert!(bp.quote.0 <= 0);
                prop_assert_eq!(st.bad_debt, Quote(0));
                return Ok("never-bankrupt");
            }
            // A short so deep under water that even the lowest price leaves bad debt.
            prop_assert!(st.bad_debt.0 > 0 && st.fee.0 == 0);
            return Ok("always-bankrupt");
        }
        let st = settle(bp.price.0);
        prop_assert_eq!(st.bankruptcy_quote, bp.quote);
        prop_assert_eq!(st.bad_debt, Quote(0), "bad debt when filled at the bankruptcy price");
        let room = i128::from(st.fill_cash.0) - i128::from(bp.quote.0);
        prop_assert!(room >= 0 && room * den(m) < units * mul(m), "room {} for {} units", room, units);
        prop_assert!(i128::from(st.fee.0) <= room);
        if room == 0 {
            prop_assert_eq!(st.fee, Quote(0));
        }
        let worse = bp.price.0 - i64::try_from(sigma).unwrap();
        if worse >= 1 {
            let st = settle(worse);
            prop_assert!(st.bad_debt.0 > 0, "no bad debt one price unit beyond bankruptcy");
            prop_assert_eq!(st.fee, Quote(0));
        }
        Ok(if room == 0 { "exact" } else { "rounded" })
    });
    assert!(count(&t, "exact") + count(&t, "rounded") >= 4_000, "{t:?}");
    assert!(count(&t, "exact") >= 50, "{t:?}");
}
