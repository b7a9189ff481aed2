//! Scanner and liquidation-index edge tables: `scan_accounts`,
//! `Scanner::check` / `Scanner::confirm`, `band_bounds`, `position_key` and
//! `LiquidationIndex` (`insert`, `insert_account`, `push_account_unsorted`,
//! `shorts`, `sort`, `remove`, `candidates`, `crossed`); the unified move
//! index (`PriceMove`, `pool_keys`, `UnifiedIndex`).

use partliq::*;

use crate::market;
use crate::support::{check, pos, MAX, MIN};

// ---------------------------------------------------------------------------
// Scanner and index.

#[test]
fn scan_edges() {
    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(100)];
    // No accounts: complete at 0, nothing checked.
    let out = scan_accounts(&markets, &prices, &[], &[], 0, &mut []);
    assert_eq!(out, ScanOutcome { count: 0, next: 0, end: ScanEnd::Complete, exact_checks: 0 });
    let out = scan_accounts(&[], &[], &[], &[], 0, &mut []);
    assert_eq!(out, ScanOutcome { count: 0, next: 0, end: ScanEnd::Complete, exact_checks: 0 });
    // Long 100 @ 100 with quote balance −9,600: equity 400 < MM 500 → not
    // healthy. A zero-length hit buffer: BufferFull at account 0, nothing written.
    let positions = [pos(0, 100, -9_600)];
    let accounts = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 }];
    let out = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut []);
    assert_eq!((out.count, out.next, out.end), (0, 0, ScanEnd::BufferFull));
    let mut hits = [ScanHit::default(); 1];
    let out = scan_accounts(&markets, &prices, &accounts, &positions, 0, &mut hits);
    assert_eq!((out.count, out.next, out.end), (1, 1, ScanEnd::Complete));
    // Equity 400, MM 100 × 100 × 5 % = 500.
    assert_eq!((hits[0].health.equity, hits[0].health.maintenance_requirement), (Quote(400), Quote(500)));
    // A range outside the positions array.
    let bad = [ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 }];
    let out = scan_accounts(&markets, &prices, &bad, &positions, 0, &mut hits);
    assert_eq!((out.next, out.end), (0, ScanEnd::Failed(Error::UnknownPosition)));
    // An account with no positions and zero collateral: equity 0, MM 0 → healthy.
    let none = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: 0 }];
    let out = scan_accounts(&markets, &prices, &none, &[], 0, &mut hits);
    assert_eq!((out.count, out.end), (0, ScanEnd::Complete));
    // MAX_POSITIONS flat longs of 1 @ 100, collateral 1,000: equity 64 × 100 +
    // 1,000 = 7,400 ≥ MM 64 × 5 = 320 → healthy.
    let many = vec![pos(0, 1, 0); MAX_POSITIONS];
    let acct = [ScanAccount { collateral: Quote(1_000), first_position: 0, position_count: MAX_POSITIONS as u32 }];
    let out = scan_accounts(&markets, &prices, &acct, &many, 0, &mut hits);
    assert_eq!((out.count, out.next, out.end), (0, 1, ScanEnd::Complete));
    // With quote balances −100 each: equity 1,000 + 64 × 0 = 1,000 ≥ 320: still healthy;
    // with collateral 0: equity 0 < 320 → one hit.
    let many_neg = vec![pos(0, 1, -100); MAX_POSITIONS];
    let acct0 = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: MAX_POSITIONS as u32 }];
    let out = scan_accounts(&markets, &prices, &acct0, &many_neg, 0, &mut hits);
    assert_eq!((out.count, out.end), (1, ScanEnd::Complete));
    assert_eq!((hits[0].health.equity, hits[0].health.maintenance_requirement), (Quote(0), Quote(320)));
}

#[test]
fn index_edges() {
    // No prices: nothing to bound.
    assert_eq!(band_bounds(&[], Ppm(10_000), &mut [], &mut []), Ok(()));
    // Band above 100 %.
    let (mut lo, mut hi) = ([Price(0)], [Price(0)]);
    assert!(band_bounds(&[Price(100)], Ppm(1_000_001), &mut lo, &mut hi).is_err());
    // Band 100 %: low = max(1, ⌊100 × 0⌋) = 1, high = ⌈100 × 2⌉ = 200.
    band_bounds(&[Price(100)], Ppm::ONE, &mut lo, &mut hi).unwrap();
    assert_eq!((lo[0], hi[0]), (Price(1), Price(200)));
    // Band 0 at i64::MAX: low = high = MAX.
    band_bounds(&[Price(i64::MAX)], Ppm(0), &mut lo, &mut hi).unwrap();
    assert_eq!((lo[0], hi[0]), (Price(i64::MAX), Price(i64::MAX)));
    // Zero-capacity index: both sides empty; inserting fails with BufferTooSmall.
    let (mut l, mut s): ([IndexEntry; 0], [IndexEntry; 0]) = ([], []);
    let mut idx = LiquidationIndex::new(0, &mut l, &mut s);
    let e = IndexEntry { key: 0, account: 0, position: 0 };
    assert_eq!(idx.insert(Side::Long, e), Err(Error::BufferTooSmall));
    assert_eq!(idx.push_unsorted(Side::Short, e), Err(Error::BufferTooSmall));
    assert!(!idx.remove(Side::Long, &e));
    let (a, b) = idx.candidates(Price(i64::MAX));
    assert!(a.is_empty() && b.is_empty());
    assert!(idx.crossed(Price(1), Price(i64::MAX)).is_empty());
    assert_eq!(idx.remove_account(0), 0);
}

// ---------------------------------------------------------------------------
// Scanner::check and Scanner::confirm. One market: lot 1, tick 1, IM 10 %,
// MM 5 %, mark 100.

fn setup() -> ([Market; 1], [Price; 1]) {
    ([Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))], [Price(100)])
}

fn acct(collateral: i64, first: u32, count: u32) -> ScanAccount {
    ScanAccount { collateral: Quote(collateral), first_position: first, position_count: count }
}

/// Equity, maintenance and state of a pool that is not healthy.
type Verdict = Result<Option<(i64, i64, HealthState)>>;

/// `Some(figures)` when not healthy, `None` when healthy.
fn state(r: Result<Option<Health>>) -> Verdict {
    r.map(|h| h.map(|h| (h.equity.0, h.maintenance_requirement.0, h.state)))
}

#[test]
fn check_edges() {
    let (markets, prices) = setup();
    let mut table = [ScanMarket::EMPTY; 1];
    let s = Scanner::new(&mut table, &markets, &prices);
    let mut empty_table: [ScanMarket; 0] = [];
    let slow = Scanner::new(&mut empty_table, &markets, &prices);
    // Long 100 @ 100 = 10,000 notional, MM 5 % = 500.
    let at = |qb: i64| [pos(0, 100, qb)];
    let ps = [at(-9_500), at(-9_501), at(-10_000), at(-10_001)];
    let too_many = vec![pos(0, 1, 0); MAX_POSITIONS + 1];
    let rows: Vec<(&str, Verdict, Verdict)> = vec![
        // No positions: MM 0, healthy at any collateral ≥ 0.
        ("no positions, collateral 0", state(s.check(&acct(0, 0, 0), &[])), Ok(None)),
        // Equity −1 < 0: bankrupt even without a requirement.
        ("no positions, collateral −1", state(s.check(&acct(-1, 0, 0), &[])), Ok(Some((-1, 0, HealthState::Bankrupt)))),
        ("no positions, collateral i64::MIN", state(s.check(&acct(i64::MIN, 0, 0), &[])), Ok(Some((i64::MIN, 0, HealthState::Bankrupt)))),
        ("no positions, collateral i64::MAX", state(s.check(&acct(i64::MAX, 0, 0), &[])), Ok(None)),
        // Equity 10,000 − 9,500 = 500 = MM: healthy (not below).
        ("equity = maintenance", state(s.check(&acct(0, 0, 1), &ps[0])), Ok(None)),
        ("equity = maintenance − 1", state(s.check(&acct(0, 0, 1), &ps[1])), Ok(Some((499, 500, HealthState::Liquidatable)))),
        // Equity 0: liquidatable, not bankrupt; −1: bankrupt.
        ("equity 0", state(s.check(&acct(0, 0, 1), &ps[2])), Ok(Some((0, 500, HealthState::Liquidatable)))),
        ("equity −1", state(s.check(&acct(0, 0, 1), &ps[3])), Ok(Some((-1, 500, HealthState::Bankrupt)))),
        // Collateral makes up the difference.
        ("collateral 1 covers", state(s.check(&acct(1, 0, 1), &ps[1])), Ok(None)),
        // Collateral i64::MAX plus 500 of equity does not fit a quote.
        ("collateral i64::MAX + equity", state(s.check(&acct(i64::MAX, 0, 1), &ps[0])), Err(Error::Overflow)),
        ("range past the end", state(s.check(&acct(0, 1, 1), &ps[0])), Err(Error::UnknownPosition)),
        ("range u32::MAX", state(s.check(&acct(0, u32::MAX, u32::MAX), &ps[0])), Err(Error::UnknownPosition)),
        ("unknown market", state(s.check(&acct(0, 0, 1), &[pos(1, 1, 0)])), Err(Error::UnknownMarket)),
        // A flat position in an unknown market is still an unknown market.
        ("flat, unknown market", state(s.check(&acct(0, 0, 1), &[pos(1, 0, 0)])), Err(Error::UnknownMarket)),
        // Health has no position limit (only the planner has): 65 longs of
        // 1 @ 100, equity 6,500 ≥ MM 65 × 5 = 325.
        ("MAX_POSITIONS + 1", state(s.check(&acct(0, 0, too_many.len() as u32), &too_many)), Ok(None)),
    ];
    check(&rows);
    // The exact path alone (no table) gives the same answers.
    for (a, p) in [(acct(0, 0, 1), &ps[0][..]), (acct(0, 0, 1), &ps[1][..]), (acct(-1, 0, 0), &[][..]), (acct(0, 1, 1), &ps[0][..])] {
        assert_eq!(s.check(&a, p), slow.check(&a, p), "{a:?}");
    }
    // A zero or missing mark: only a non-zero position needs it.
    let zero = [Price(0)];
    let mut t = [ScanMarket::EMPTY; 1];
    let z = Scanner::new(&mut t, &markets, &zero);
    assert_eq!(z.check(&acct(0, 0, 1), &ps[0]), Err(Error::MissingPrice));
    assert_eq!(z.check(&acct(0, 0, 1), &[pos(0, 0, 0)]), Ok(None));
    let mut t = [ScanMarket::EMPTY; 1];
    let no_price = Scanner::new(&mut t, &markets, &[]);
    assert_eq!(no_price.check(&acct(0, 0, 1), &ps[0]), Err(Error::MissingPrice));
}

#[test]
fn confirm_edges() {
    let (markets, prices) = setup();
    let mut table = [ScanMarket::EMPTY; 1];
    let s = Scanner::new(&mut table, &markets, &prices);
    // Account 0 healthy far from the boundary (equity 1,000, MM 500),
    // account 1 liquidatable (499 < 500), account 2 at the boundary
    // (equity 500 = MM: healthy, but only the exact check can tell).
    let positions = [pos(0, 100, -9_000), pos(0, 100, -9_501), pos(0, 100, -9_500)];
    let accounts = [acct(0, 0, 1), acct(0, 1, 1), acct(0, 2, 1)];
    let e = |account: u32, position: u32| IndexEntry { key: 0, account, position };
    let mut one = [ScanHit::default(); 1];
    let o = |count, next, end, exact_checks| ScanOutcome { count, next, end, exact_checks };
    check(&[
        ("no entries", s.confirm(&[], &accounts, &positions, 0, &mut one), o(0, 0, ScanEnd::Complete, 0)),
        // A healthy account is proven by the fast path: no exact check.
        ("healthy entry", s.confirm(&[e(0, 0)], &accounts, &positions, 0, &mut one), o(0, 1, ScanEnd::Complete, 0)),
        ("boundary entry", s.confirm(&[e(2, 2)], &accounts, &positions, 0, &mut one), o(0, 1, ScanEnd::Complete, 1)),
        ("unhealthy entry", s.confirm(&[e(1, 1)], &accounts, &positions, 0, &mut one), o(1, 1, ScanEnd::Complete, 1)),
        // Named twice with room for one: the second stops the run at entry 1.
        ("twice, one slot", s.confirm(&[e(1, 1), e(1, 1)], &accounts, &positions, 0, &mut one), o(1, 1, ScanEnd::BufferFull, 2)),
        ("no hit buffer", s.confirm(&[e(1, 1)], &accounts, &positions, 0, &mut []), o(0, 0, ScanEnd::BufferFull, 1)),
        (
            "account 3 of 3",
            s.confirm(&[e(0, 0), e(3, 0)], &accounts, &positions, 0, &mut one),
            o(0, 1, ScanEnd::Failed(Error::UnknownPosition), 0),
        ),
        (
            "account u32::MAX",
            s.confirm(&[e(u32::MAX, 0)], &accounts, &positions, 0, &mut one),
            o(0, 0, ScanEnd::Failed(Error::UnknownPosition), 0),
        ),
        // Starting at the end or past it examines nothing; `next` never goes back.
        ("start = len", s.confirm(&[e(1, 1)], &accounts, &positions, 1, &mut one), o(0, 1, ScanEnd::Complete, 0)),
        ("start past the end", s.confirm(&[e(1, 1)], &accounts, &positions, 5, &mut one), o(0, 5, ScanEnd::Complete, 0)),
        ("start usize::MAX", s.confirm(&[e(1, 1)], &accounts, &positions, usize::MAX, &mut one), o(0, usize::MAX, ScanEnd::Complete, 0)),
        ("scan start past the end", s.scan(&accounts, &positions, 7, &mut one), o(0, 7, ScanEnd::Complete, 0)),
    ]);
    // The hit names the account (not the entry) with its exact health.
    s.confirm(&[e(0, 0), e(1, 1)], &accounts, &positions, 0, &mut one);
    assert_eq!((one[0].account_index, one[0].health.equity, one[0].health.maintenance_requirement), (1, Quote(499), Quote(500)));
}

// ---------------------------------------------------------------------------
// position_key: the mark below which (long) or above which (short) the pool
// may be unhealthy — the root of `equity − maintenance − 1` (a long's rounded
// up, a short's down), other positions at the worst end of their bounds (less
// 1 when the bound is not a single price). "Always a candidate" (i64::MAX for
// a long, 0 for a short) when the key cannot be computed or the account has
// more than one non-empty position in the market; None when empty or never
// unhealthy; UnknownPosition only for a position outside the account's range.
// Market 0 and 1: e = 0, MM 5 %: a long of u with quote balance q and rest R
// has its root at (1 − R − q) / (0.95 u), a short's at (R + q − 1) / (1.05 u).

fn key(collateral: i64, ps: &[Position], position: usize, low: &[Price], high: &[Price]) -> Result<Option<(Side, i64)>> {
    let account = ScanAccount { collateral: Quote(collateral), first_position: 0, position_count: ps.len() as u32 };
    position_key(&account, ps, position, &[market(), market()], low, high)
}

#[test]
fn index_position_key() {
    let none: [Price; 0] = [];
    let one = [Price(1), Price(100)]; // market 1 bounded to exactly 100
    let band = [Price(1), Price(90)]; // market 1 low 90 …
    let band_hi = [Price(1), Price(110)]; // … high 110
    let own = [pos(0, 100, -9_600)];
    check::<Result<Option<(Side, i64)>>>(&[
        // (1 + 9,600) / 95 = 101.06 → 102.
        ("isolated long", key(0, &own, 0, &none, &none), Ok(Some((Side::Long, 102)))),
        // (10,400 − 1) / 105 = 99.04 → 99.
        ("isolated short", key(0, &[pos(0, -100, 10_400)], 0, &none, &none), Ok(Some((Side::Short, 99)))),
        // One lot: (1 + 96) / 0.95 = 102.1 → 103; (104 − 1) / 1.05 = 98.1 → 98.
        ("one lot long", key(0, &[pos(0, 1, -96)], 0, &none, &none), Ok(Some((Side::Long, 103)))),
        ("one lot short", key(0, &[pos(0, -1, 104)], 0, &none, &none), Ok(Some((Side::Short, 98)))),
        // Long with qb 1: equity 100P + 1 ≥ MM ⌈5P⌉ at every mark: never unhealthy.
        ("long never unhealthy", key(0, &[pos(0, 100, 1)], 0, &none, &none), Ok(None)),
        // Long with qb 0: −1 + 95P < 0 only for P < 1/95, below every mark: never.
        ("fully funded long", key(0, &[pos(0, 100, 0)], 0, &none, &none), Ok(None)),
        // qb −95: root (1 + 95) / 95 = 1.01 > 1 → 2, a candidate at marks 1 and 2.
        ("long root just above 1", key(0, &[pos(0, 100, -95)], 0, &none, &none), Ok(Some((Side::Long, 2)))),
        // qb −94: root (1 + 94) / 95 = 1 exactly: at mark 1 equity − MM − 1
        // is 0, not below (the pool: 6 vs 5, healthy), and no mark is below
        // 1: never a candidate.
        ("long root exactly 1", key(0, &[pos(0, 100, -94)], 0, &none, &none), Ok(None)),
        // Unfunded short: equity −100P < 0 at every mark: always.
        ("short always unhealthy", key(0, &[pos(0, -100, 0)], 0, &none, &none), Ok(Some((Side::Short, 0)))),
        ("empty position", key(0, &[pos(0, 0, 5)], 0, &none, &none), Ok(None)),
        ("empty position, qb MIN", key(0, &[pos(0, 0, MIN)], 0, &none, &none), Ok(None)),
        // Size MAX, qb MIN: (1 + 2^63) / (0.95 × (2^63 − 1)) = 1.0526… → 2.
        ("long MAX, qb MIN", key(0, &[pos(0, MAX, MIN)], 0, &none, &none), Ok(Some((Side::Long, 2)))),
        // Size MIN, qb MAX: at mark 1 equity −2^63 + 2^63 − 1 = −1 < 0: always.
        ("short MIN, qb MAX", key(0, &[pos(0, MIN, MAX)], 0, &none, &none), Ok(Some((Side::Short, 0)))),
        // Collateral MAX, short 1: (MAX − 1) / 1.05 = 8,784,163,844,623,596,005.7 → …005.
        ("collateral MAX, short 1", key(MAX, &[pos(0, -1, 0)], 0, &none, &none), Ok(Some((Side::Short, 8_784_163_844_623_596_005)))),
        // Collateral MIN, long 1: root (2^63 + 1) / 0.95 ≈ 9.7e18 > i64::MAX: cannot be a price: always.
        ("collateral MIN, long 1", key(MIN, &[pos(0, 1, 0)], 0, &none, &none), Ok(Some((Side::Long, MAX)))),
        // Two non-empty positions in the same market: always, each on its side.
        ("two in one market, long", key(0, &[pos(0, 1, 0), pos(0, -1, 0)], 0, &none, &none), Ok(Some((Side::Long, MAX)))),
        ("two in one market, short", key(0, &[pos(0, 1, 0), pos(0, -1, 0)], 1, &none, &none), Ok(Some((Side::Short, 0)))),
        // …but an empty second one counts its quote balance only: R = 7,
        // (1 − 7 + 9,600) / 95 = 100.99 → 101.
        ("with an empty one in the market", key(0, &[pos(0, 100, -9_600), pos(0, 0, 7)], 0, &none, &none), Ok(Some((Side::Long, 101)))),
        // Another market's empty position needs no price: R = 7 → 101.
        ("other market empty, no bounds", key(0, &[pos(0, 100, -9_600), pos(1, 0, 7)], 0, &none, &none), Ok(Some((Side::Long, 101)))),
        // Other market long 10 at exactly 100: R = 1,000 − 50 = 950;
        // (1 − 950 + 9,600) / 95 = 91.06 → 92.
        ("other long, single price", key(0, &[pos(0, 100, -9_600), pos(1, 10, 0)], 0, &one, &one), Ok(Some((Side::Long, 92)))),
        // Bounds 90 ..= 110: worst for a long is 90: 900 − 45 − 1 = 854;
        // (1 − 854 + 9,600) / 95 = 92.07 → 93.
        ("other long, band", key(0, &[pos(0, 100, -9_600), pos(1, 10, 0)], 0, &band, &band_hi), Ok(Some((Side::Long, 93)))),
        // Other short −10, qb 1,100, worst at 110: −1,100 + 1,100 − 55 − 1 = −56;
        // (1 + 56 + 9,600) / 95 = 101.65 → 102.
        ("other short, band", key(0, &[pos(0, 100, -9_600), pos(1, -10, 1_100)], 0, &band, &band_hi), Ok(Some((Side::Long, 102)))),
        // Other market without bounds: missing price: always.
        ("other market, no bounds", key(0, &[pos(0, 100, -9_600), pos(1, 10, 0)], 0, &none, &none), Ok(Some((Side::Long, MAX)))),
        ("other market, low 0", key(0, &[pos(0, -100, 10_400), pos(1, 10, 0)], 0, &[Price(1), Price(0)], &one), Ok(Some((Side::Short, 0)))),
        // Unknown market (2 of 2): cannot be computed: always.
        ("own market unknown", key(0, &[pos(2, 100, -9_600)], 0, &none, &none), Ok(Some((Side::Long, MAX)))),
        ("other market unknown", key(0, &[pos(0, -100, 10_400), pos(7, 1, 0)], 0, &one, &one), Ok(Some((Side::Short, 0)))),
        // Out of the account's range.
        ("position = count", key(0, &own, 1, &none, &none), Err(Error::UnknownPosition)),
        ("position usize::MAX", key(0, &own, usize::MAX, &none, &none), Err(Error::UnknownPosition)),
        ("no positions", key(0, &[], 0, &none, &none), Err(Error::UnknownPosition)),
        // The account's range runs past the positions array.
        (
            "range past the array",
            position_key(&ScanAccount { collateral: Quote(0), first_position: 0, position_count: 2 }, &own, 0, &[market()], &none, &none),
            Err(Error::UnknownPosition),
        ),
    ]);
    // An invalid market (lot step 0): always a candidate.
    let mut bad = market();
    bad.lot_step = Size(0);
    let acct = ScanAccount { collateral: Quote(0), first_position: 0, position_count: 1 };
    assert_eq!(position_key(&acct, &own, 0, &[bad], &none, &none), Ok(Some((Side::Long, MAX))));
    // A 100 % tier: a long's equity − maintenance is constant in the mark.
    // Collateral 50, long 1 @ −100: 50 − 100 − 1 < 0 at every mark: always a
    // candidate (it was left out of the index); collateral 101: 0, never.
    let full = [Market::single_tier(0, 1, 1, Ppm(1_000_000), Ppm(1_000_000))];
    let acct = |c: i64| ScanAccount { collateral: Quote(c), first_position: 0, position_count: 1 };
    check::<Result<Option<(Side, i64)>>>(&[
        (
            "100 % tier, long short of maintenance",
            position_key(&acct(50), &[pos(0, 1, -100)], 0, &full, &none, &none),
            Ok(Some((Side::Long, MAX))),
        ),
        ("100 % tier, long one unit over", position_key(&acct(101), &[pos(0, 1, -100)], 0, &full, &none, &none), Ok(None)),
    ]);
    // An account whose range starts at 1: position 0 is before it, 2 after it.
    let three = [pos(0, 1, 0), pos(0, 100, -9_600), pos(0, 1, 0)];
    let mid = ScanAccount { collateral: Quote(0), first_position: 1, position_count: 1 };
    let m = [market()];
    check::<Result<Option<(Side, i64)>>>(&[
        ("before the range", position_key(&mid, &three, 0, &m, &none, &none), Err(Error::UnknownPosition)),
        ("in the range", position_key(&mid, &three, 1, &m, &none, &none), Ok(Some((Side::Long, 102)))),
        ("after the range", position_key(&mid, &three, 2, &m, &none, &none), Err(Error::UnknownPosition)),
    ]);
}

// ---------------------------------------------------------------------------
// LiquidationIndex: insert_account keys every position of `accounts[account]`
// in the index's market and inserts it, returning how many; an account with
// no non-empty position in the market (or one never unhealthy) has no entry.
// push_account_unsorted appends the same entries; sort orders both sides;
// longs() / shorts() are ascending by key, then account, then position.

fn e(key: i64, account: u32, position: u32) -> IndexEntry {
    IndexEntry { key, account, position }
}

/// Keys (market 0, isolated, see `index_position_key`): account 0 long 102,
/// account 1 short 99, account 2 only market 1 (key 102 there), account 3 empty, account 4
/// never unhealthy, account 5 a long and a short in market 0 (always: MAX
/// and 0), account 6 a range past the array, account 7 no positions.
fn world() -> (Vec<ScanAccount>, Vec<Position>) {
    let positions =
        vec![pos(0, 100, -9_600), pos(0, -100, 10_400), pos(1, 10, -960), pos(0, 0, 5), pos(0, 100, 1), pos(0, 1, 0), pos(0, -1, 0)];
    let a = |first: u32, count: u32| ScanAccount { collateral: Quote(0), first_position: first, position_count: count };
    (vec![a(0, 1), a(1, 1), a(2, 1), a(3, 1), a(4, 1), a(5, 2), a(7, 1), a(0, 0)], positions)
}

/// (result, longs, shorts) of one call on an index.
type Outcome = (Result<usize>, Vec<IndexEntry>, Vec<IndexEntry>);

#[test]
fn index_insert_and_push_account() {
    let (accounts, positions) = world();
    let markets = [market(), market()];
    let bounds = [Price(1), Price(100)];
    // Each account alone into an empty index of market 0 with room for 2 per side.
    let insert = |account: u32| -> Outcome {
        let (mut l, mut s) = ([IndexEntry::default(); 2], [IndexEntry::default(); 2]);
        let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
        let r = ix.insert_account(account, &accounts, &positions, &markets, &bounds, &bounds);
        (r, ix.longs().to_vec(), ix.shorts().to_vec())
    };
    let push = |account: u32| -> Outcome {
        let (mut l, mut s) = ([IndexEntry::default(); 2], [IndexEntry::default(); 2]);
        let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
        let r = ix.push_account_unsorted(account, &accounts, &positions, &markets, &bounds, &bounds);
        ix.sort();
        (r, ix.longs().to_vec(), ix.shorts().to_vec())
    };
    let rows = |f: &dyn Fn(u32) -> Outcome| -> Vec<(&'static str, Outcome, Outcome)> {
        vec![
            ("long 102", f(0), (Ok(1), vec![e(102, 0, 0)], vec![])),
            ("short 99", f(1), (Ok(1), vec![], vec![e(99, 1, 1)])),
            ("only another market", f(2), (Ok(0), vec![], vec![])),
            ("empty position", f(3), (Ok(0), vec![], vec![])),
            ("never unhealthy", f(4), (Ok(0), vec![], vec![])),
            ("two in the market", f(5), (Ok(2), vec![e(MAX, 5, 5)], vec![e(0, 5, 6)])),
            // Its range (7 ..= 7) does not lie in the 7 positions: nothing to key.
            ("range past the array", f(6), (Err(Error::UnknownPosition), vec![], vec![])),
            ("no positions", f(7), (Ok(0), vec![], vec![])),
        ]
    };
    check(&rows(&insert));
    check(&rows(&push));

    // Index of market 1: only account 2 (long 10, qb −960: (1 + 960) / 9.5 = 101.2 → 102).
    let (mut l, mut s) = ([IndexEntry::default(); 2], [IndexEntry::default(); 2]);
    let mut ix = LiquidationIndex::new(1, &mut l, &mut s);
    let n: Vec<Result<usize>> = (0..accounts.len() as u32)
        .filter(|&a| a != 6)
        .map(|a| ix.insert_account(a, &accounts, &positions, &markets, &bounds, &bounds))
        .collect();
    assert_eq!(n, vec![Ok(0), Ok(0), Ok(1), Ok(0), Ok(0), Ok(0), Ok(0)]);
    assert_eq!((ix.longs(), ix.shorts()), (&[e(102, 2, 2)][..], &[][..]));

    // Every account into one index, inserted in order or pushed in reverse
    // and sorted: the same sides, ascending.
    let want_l = vec![e(102, 0, 0), e(MAX, 5, 5)];
    let want_s = vec![e(0, 5, 6), e(99, 1, 1)];
    let (mut l, mut s) = ([IndexEntry::default(); 4], [IndexEntry::default(); 4]);
    let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
    for a in [0, 1, 2, 3, 4, 5, 7] {
        ix.insert_account(a, &accounts, &positions, &markets, &bounds, &bounds).unwrap();
    }
    check(&[("insert all, longs", ix.longs().to_vec(), want_l.clone()), ("insert all, shorts", ix.shorts().to_vec(), want_s.clone())]);
    let (mut l, mut s) = ([IndexEntry::default(); 4], [IndexEntry::default(); 4]);
    let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
    for a in [7, 5, 4, 3, 2, 1, 0] {
        ix.push_account_unsorted(a, &accounts, &positions, &markets, &bounds, &bounds).unwrap();
    }
    ix.sort();
    check(&[("push all, longs", ix.longs().to_vec(), want_l), ("push all, shorts", ix.shorts().to_vec(), want_s)]);

    // MAX_POSITIONS longs of one lot in market 0: more than one non-empty
    // position in the market, so each is "always" (key MAX), positions 0..63.
    let many = vec![pos(0, 1, 0); MAX_POSITIONS];
    let acct = [ScanAccount { collateral: Quote(0), first_position: 0, position_count: MAX_POSITIONS as u32 }];
    let all: Vec<IndexEntry> = (0..MAX_POSITIONS as u32).map(|p| e(MAX, 0, p)).collect();
    let full = |cap: usize, bulk: bool| -> Outcome {
        let (mut l, mut s) = (vec![IndexEntry::default(); cap], vec![IndexEntry::default(); cap]);
        let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
        let r = if bulk {
            let r = ix.push_account_unsorted(0, &acct, &many, &markets, &bounds, &bounds);
            ix.sort();
            r
        } else {
            ix.insert_account(0, &acct, &many, &markets, &bounds, &bounds)
        };
        (r, ix.longs().to_vec(), ix.shorts().to_vec())
    };
    check(&[
        ("MAX_POSITIONS, insert", full(MAX_POSITIONS, false), (Ok(MAX_POSITIONS), all.clone(), vec![])),
        ("MAX_POSITIONS, push", full(MAX_POSITIONS, true), (Ok(MAX_POSITIONS), all, vec![])),
    ]);
    // One slot short: the side fills up.
    check::<Result<usize>>(&[
        ("MAX_POSITIONS, capacity 63, insert", full(MAX_POSITIONS - 1, false).0, Err(Error::BufferTooSmall)),
        ("MAX_POSITIONS, capacity 63, push", full(MAX_POSITIONS - 1, true).0, Err(Error::BufferTooSmall)),
        ("long, capacity 0, insert", full_zero(&accounts, &positions, &markets, false), Err(Error::BufferTooSmall)),
        ("long, capacity 0, push", full_zero(&accounts, &positions, &markets, true), Err(Error::BufferTooSmall)),
    ]);
}

/// Account 0 (one long) into an index with no storage.
fn full_zero(accounts: &[ScanAccount], positions: &[Position], markets: &[Market], bulk: bool) -> Result<usize> {
    let (mut l, mut s): ([IndexEntry; 0], [IndexEntry; 0]) = ([], []);
    let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
    let b = [Price(1), Price(100)];
    if bulk {
        ix.push_account_unsorted(0, accounts, positions, markets, &b, &b)
    } else {
        ix.insert_account(0, accounts, positions, markets, &b, &b)
    }
}

#[test]
fn index_shorts_and_sort() {
    // shorts(): empty on a fresh index and on one with no storage.
    let (mut l, mut s) = ([IndexEntry::default(); 3], [IndexEntry::default(); 5]);
    let (mut l0, mut s0): ([IndexEntry; 0], [IndexEntry; 0]) = ([], []);
    let mut ix = LiquidationIndex::new(0, &mut l, &mut s);
    let zero = LiquidationIndex::new(u32::MAX, &mut l0, &mut s0);
    check::<Vec<IndexEntry>>(&[("fresh", ix.shorts().to_vec(), vec![]), ("no storage", zero.shorts().to_vec(), vec![])]);
    // Sorting an empty index leaves it empty.
    ix.sort();
    check::<usize>(&[("sorted empty, longs", ix.longs().len(), 0), ("sorted empty, shorts", ix.shorts().len(), 0)]);
    // Extreme keys and ties: by key, then account, then position.
    for x in [e(MAX, 1, 1), e(MIN, 2, 0), e(0, 0, 0)] {
        ix.push_unsorted(Side::Long, x).unwrap();
    }
    for x in [e(5, u32::MAX, 0), e(5, 0, u32::MAX), e(5, 0, 0), e(MIN, u32::MAX, u32::MAX)] {
        ix.push_unsorted(Side::Short, x).unwrap();
    }
    ix.sort();
    check::<Vec<IndexEntry>>(&[
        ("longs", ix.longs().to_vec(), vec![e(MIN, 2, 0), e(0, 0, 0), e(MAX, 1, 1)]),
        ("shorts", ix.shorts().to_vec(), vec![e(MIN, u32::MAX, u32::MAX), e(5, 0, 0), e(5, 0, u32::MAX), e(5, u32::MAX, 0)]),
    ]);
    // Sorting again changes nothing; an insert keeps shorts ascending.
    ix.sort();
    ix.insert(Side::Short, e(5, 0, 1)).unwrap();
    assert_eq!(ix.shorts(), &[e(MIN, u32::MAX, u32::MAX), e(5, 0, 0), e(5, 0, 1), e(5, 0, u32::MAX), e(5, u32::MAX, 0)]);
}

// ---------------------------------------------------------------------------
// The unified move index.

#[test]
fn unified_index_edges() {
    use partliq::unified::*;
    // Moves at the ends of the price range: a rise from 1 to i64::MAX
    // saturates; a fall from i64::MAX to 1 is ⌈(MAX − 1) × 1e6 / MAX⌉ = 1e6.
    assert_eq!(PriceMove::of_prices(&[Price(1)], &[Price(MAX)]), Ok(PriceMove { down_ppm: 0, up_ppm: u32::MAX }));
    assert_eq!(PriceMove::of_prices(&[Price(MAX)], &[Price(1)]), Ok(PriceMove { down_ppm: 1_000_000, up_ppm: 0 }));
    assert_eq!(PriceMove::of_prices(&[Price(5)], &[Price(-1)]), Err(Error::NegativePrice));
    assert_eq!(PriceMove::of_prices(&[], &[]), Ok(PriceMove::default()));
    assert_eq!(PriceMove { down_ppm: 0, up_ppm: 0 }.side(), (MoveSide::Down, 0));

    let markets = [Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))];
    let prices = [Price(1)];
    let assets = [Asset::at_par(0)];
    let book = MarginBook { assets: &assets, asset_prices: &[Price(1)], ..MarginBook::perps(&markets, &prices) };
    let never = MoveKeys { down: KEY_LIMIT + 1, up: KEY_LIMIT + 1, both: KEY_LIMIT + 1 };
    let keys = |balances: &[AssetBalance], positions: &[PerpPosition]| {
        let a = UnifiedAccount { balances, positions };
        pool_keys(&a.pool(0).unwrap(), &book, &MarginLadder::STANDARD)
    };
    // An empty account, and a fully funded long at a mark of 1 (the fall's
    // low end clamps at 1; at a doubled mark its MM ⌈10⌉ ≤ its value 100).
    assert_eq!(keys(&[], &[]), never);
    assert_eq!(keys(&[], &[PerpPosition::cross(0, Size(100), Quote(0))]), never);
    // Figures past the cap (a deposit of i64::MAX at par): keyed 0, always a
    // candidate; so is a balance of an asset the book lacks.
    assert_eq!(keys(&[AssetBalance { asset_index: 0, amount: MAX }], &[]), MoveKeys::default());
    assert_eq!(keys(&[AssetBalance { asset_index: 5, amount: 1 }], &[]), MoveKeys::default());
    // A bad ladder: every pool keyed 0.
    let a = UnifiedAccount { balances: &[], positions: &[] };
    let bad = MarginLadder { liquidation_ppm: 0, ..MarginLadder::STANDARD };
    assert_eq!(pool_keys(&a.pool(0).unwrap(), &book, &bad), MoveKeys::default());

    // An index without room.
    let mut ix = UnifiedIndex::new(&mut [], &mut [], &mut []);
    assert_eq!(ix.insert_account(0, &a, &book, &MarginLadder::STANDARD), Err(Error::BufferTooSmall));
    assert_eq!(ix.insert(MoveSide::Up, UnifiedIndexEntry::default()), Err(Error::BufferTooSmall));
    assert_eq!(ix.push_unsorted(MoveSide::Both, UnifiedIndexEntry::default()), Err(Error::BufferTooSmall));
    assert!(!ix.remove(MoveSide::Down, &UnifiedIndexEntry::default()));
    assert_eq!(ix.remove_account(0), 0);
    assert_eq!(ix.candidates(PriceMove { down_ppm: u32::MAX, up_ppm: u32::MAX }), &[]);
    assert_eq!(ix.crossed(MoveSide::Both, 9, 3), &[]);
    assert_eq!((ix.capacity(MoveSide::Down), ix.lens()), (0, [0; 3]));
    // Lengths beyond the storage clamp to it.
    let (mut d, mut u, mut b) = ([UnifiedIndexEntry::default(); 1], [UnifiedIndexEntry::default(); 2], [UnifiedIndexEntry::default(); 3]);
    assert_eq!(UnifiedIndex::from_parts(&mut d, &mut u, &mut b, [9, 9, 9]).lens(), [1, 2, 3]);
}
