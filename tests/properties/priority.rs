//! The cross-account priority order: a permutation of the buffer, sorted
//! by a total order (every adjacent pair in order, strictly unless the two
//! indices are equal), the same whatever the starting order, and the margin
//! ratio compared exactly against rationals computed here.

use partliq::priority::{compare, sort_by_priority, PriorityItem, PriorityOrder};
use partliq::{Price, Quote};
use proptest::prelude::*;
use std::cmp::Ordering;

fn items() -> impl Strategy<Value = Vec<PriorityItem>> {
    // Small figures tie often; extremes check the cross-multiplication.
    let fig = prop_oneof![-5i64..5, any::<i64>()];
    let nonneg = prop_oneof![0i64..4, 0i64..=i64::MAX];
    let price = prop_oneof![1i64..4, 1i64..=i64::MAX];
    prop::collection::vec((fig, nonneg.clone(), nonneg, price.clone(), prop_oneof![Just(0i64), price]), 0..40).prop_map(|v| {
        v.into_iter()
            .map(|(e, m, n, o, f)| PriorityItem {
                equity: Quote(e),
                maintenance: Quote(m),
                notional: Quote(n),
                oracle_price: Price(o),
                fillable_price: Price(f),
            })
            .collect()
    })
}

/// The model's order of `equity / maintenance`: no maintenance and
/// negative equity is −∞, no maintenance otherwise +∞, else the fraction
/// (exact: i64 × i64 products in i128).
fn model_ratio_cmp(a: &PriorityItem, b: &PriorityItem) -> Ordering {
    let class = |p: &PriorityItem| match (p.maintenance.0 > 0, p.equity.0 < 0) {
        (true, _) => 1,
        (false, true) => 0,
        (false, false) => 2,
    };
    match class(a).cmp(&class(b)) {
        Ordering::Equal if class(a) == 1 => {
            // a/b vs c/d with b, d > 0: a·d vs c·b.
            let (x, y) = (a.equity.0 as i128 * b.maintenance.0 as i128, b.equity.0 as i128 * a.maintenance.0 as i128);
            x.cmp(&y)
        }
        o => o,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn sorted_permutation_total_and_deterministic(items in items(), seed in any::<u64>(), distance in any::<bool>()) {
        let order = if distance { PriorityOrder::OracleDistance } else { PriorityOrder::MarginRatio };
        let n = items.len() as u32;
        // A buffer with every index once and a few twice, shuffled by the seed.
        let mut buf: Vec<u32> = (0..n).chain((0..n).step_by(3)).collect();
        let mut s = seed | 1;
        for i in (1..buf.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            buf.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let mut sorted = buf.clone();
        sort_by_priority(&items, order, &mut sorted).unwrap();
        // A permutation.
        let (mut a, mut b) = (buf.clone(), sorted.clone());
        a.sort_unstable();
        b.sort_unstable();
        prop_assert_eq!(a, b);
        // In order, strictly between distinct indices; the comparison is
        // antisymmetric.
        for w in sorted.windows(2) {
            let c = compare(&items, order, w[0], w[1]);
            prop_assert!(c != Ordering::Greater);
            prop_assert_eq!(c == Ordering::Equal, w[0] == w[1]);
            prop_assert_eq!(compare(&items, order, w[1], w[0]), c.reverse());
        }
        // Deterministic: the ascending buffer sorts to the same order.
        let mut from_ascending: Vec<u32> = buf.clone();
        from_ascending.sort_unstable();
        sort_by_priority(&items, order, &mut from_ascending).unwrap();
        prop_assert_eq!(&from_ascending, &sorted);
        // The margin ratio's first key agrees with the model.
        if order == PriorityOrder::MarginRatio {
            for w in sorted.windows(2) {
                prop_assert!(model_ratio_cmp(&items[w[0] as usize], &items[w[1] as usize]) != Ordering::Greater);
            }
        }
    }
}
