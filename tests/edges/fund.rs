//! Escalation edge tables: the backstop transfer, deleveraging and the ADL
//! ranking (`deleverage`, `rank_adl`, `adl_cmp`), the insurance fund
//! (`InsuranceFundBook::new` / `credit` / `debit` / `cover` / `book`) and the
//! per-market funds (`InsuranceFunds::fund_for`).

use core::cmp::Ordering;
use partliq::escalation::adl_cmp;
use partliq::*;

use crate::support::{book_settlement as settlement, check, MAX, MIN};
use crate::{fee_market, pos0};

// ---------------------------------------------------------------------------
// Backstop.

#[test]
fn backstop_transfer_edges() {
    let ms = [fee_market()];
    let p100 = [Price(100)];
    let b = |c: i64, ps: &[Position]| backstop_transfer(&Pool::new(Quote(c), ps), &ms, &p100).map(|t| (t.position_count, t.deficit.0));
    assert_eq!(b(0, &[]), Ok((0, 0)), "backstop, empty pool");
    assert_eq!(b(MIN, &[]), Err(Error::Overflow), "backstop, collateral MIN (deficit −MIN does not fit)");
    assert_eq!(b(MIN + 1, &[]), Ok((0, MAX)), "backstop, collateral MIN + 1");
    assert_eq!(b(0, &[pos0(0, 0), pos0(1, -101)]), Ok((1, 1)), "backstop, one lot and an empty position");
}

// ---------------------------------------------------------------------------
// Deleveraging and the insurance fund.

/// A candidate of `size` with unrealized PnL `pnl` (entry and mark notional
/// 100, margin 10).
fn cand_sized(account: u32, size: i64, pnl: i64) -> AdlCandidate {
    AdlCandidate {
        account,
        reserved: 0,
        size: Size(size),
        unrealized_pnl: Quote(pnl),
        entry_notional: Quote(100),
        mark_notional: Quote(100),
        margin: Quote(10),
    }
}

#[test]
fn adl_edges() {
    let run = |deficit: i64, price: i64, step: i64, cs: &[AdlCandidate], mode: AdlMode| {
        let mut order = vec![0u32; cs.len()];
        let mut fills = vec![AdlFill::default(); cs.len()];
        deleverage(Size(deficit), Price(price), Size(step), cs, mode, &mut order, &mut fills)
            .map(|k| fills[..k].iter().map(|f| (f.candidate, f.size_delta.0)).collect::<Vec<_>>())
    };
    let short_max = [cand_sized(1, -MAX, 0)];
    let rows: Vec<(&str, Result<Vec<(u32, i64)>>, Result<Vec<(u32, i64)>>)> = vec![
        ("no candidates", run(1, 100, 1, &[], AdlMode::Queue), Err(Error::InsufficientCounterparties)),
        ("deficit 0, no candidates", run(0, 100, 1, &[], AdlMode::Queue), Ok(vec![])),
        ("lot step 0", run(1, 100, 0, &short_max, AdlMode::Queue), Err(Error::InvalidLotStep)),
        ("price 0", run(1, 0, 1, &short_max, AdlMode::Queue), Err(Error::InvalidFillPrice)),
        ("deficit MAX against −MAX, queue", run(MAX, 1, 1, &short_max, AdlMode::Queue), Ok(vec![(0, MAX)])),
        ("deficit MAX against −MAX, pro rata", run(MAX, 1, 1, &short_max, AdlMode::ProRata), Ok(vec![(0, MAX)])),
        ("deficit MAX, lot step MAX, pro rata", run(MAX, 1, MAX, &short_max, AdlMode::ProRata), Ok(vec![(0, MAX)])),
        (
            "deficit MIN against MAX: short of one unit",
            run(MIN, 1, 1, &[cand_sized(1, MAX, 0)], AdlMode::Queue),
            Err(Error::InsufficientCounterparties),
        ),
        (
            "deficit MIN against MAX + 1",
            run(MIN, 1, 1, &[cand_sized(1, MAX, 0), cand_sized(2, 1, 0)], AdlMode::Queue),
            Ok(vec![(0, -MAX), (1, -1)]),
        ),
        ("same side only", run(1, 1, 1, &[cand_sized(1, 5, 0)], AdlMode::Queue), Err(Error::InsufficientCounterparties)),
        // One lot, two candidates of equal size: pro rata floor gives 0 each, the lot goes to the queue's first (higher PnL).
        (
            "one lot, two equal candidates, pro rata",
            run(1, 1, 1, &[cand_sized(1, -1, 0), cand_sized(2, -1, 5)], AdlMode::ProRata),
            Ok(vec![(1, 1)]),
        ),
    ];
    for (name, got, want) in rows {
        assert_eq!(got, want, "{name}");
    }
    let mut order = [0u32; 0];
    assert_eq!(rank_adl(Size(1), &[cand_sized(1, -1, 0)], &mut order), Err(Error::BufferTooSmall), "rank_adl, empty order buffer");
    assert_eq!(rank_adl(Size(1), &[], &mut order), Ok(0), "rank_adl, empty");
    // Three counterparties, room for two: refused before any write.
    let mut short = [7u32; 2];
    let three = [cand_sized(1, -1, 0), cand_sized(2, -2, 0), cand_sized(3, -3, 0)];
    assert_eq!(rank_adl(Size(1), &three, &mut short), Err(Error::BufferTooSmall), "rank_adl, one entry short");
    assert_eq!(short, [7, 7], "rank_adl wrote on error");
}

#[test]
fn insurance_fund_edges() {
    let rows: Vec<(&str, Result<InsuranceFundBook>, bool)> = vec![
        ("new(MAX, MIN)", InsuranceFundBook::new(Quote(MAX), Quote(MIN)), true),
        ("new(0, 0)", InsuranceFundBook::new(Quote(0), Quote(0)), true),
        ("new(MIN, 0): below floor", InsuranceFundBook::new(Quote(MIN), Quote(0)), false),
    ];
    for (name, got, ok) in rows {
        assert_eq!(got.is_ok(), ok, "{name}: {got:?}");
    }
    let mut f = InsuranceFundBook::new(Quote(MAX), Quote(0)).unwrap();
    assert_eq!(f.credit(Quote(1)), Err(Error::Overflow), "credit 1 at MAX");
    assert_eq!(f.credit(Quote(-1)), Err(Error::NegativeLimit), "credit -1");
    assert_eq!(f.debit(Quote(MAX)), Ok(()), "debit MAX down to the floor 0");
    assert_eq!(f.debit(Quote(1)), Err(Error::InsuranceFundBelowFloor), "debit 1 at the floor");
    assert_eq!(f.cover(Quote(MAX)).map(|c| (c.covered.0, c.uncovered.0)), Ok((0, MAX)), "cover MAX at the floor");
    assert_eq!(f.cover(Quote(MIN)).map(|_| ()), Err(Error::NegativeLimit), "cover MIN");
    assert!(f.ledger_balances(), "ledger after the edges");
}

// ---------------------------------------------------------------------------
// adl_cmp: "higher score first; ties by account id, then candidate index".
// Score: PnL% × EffLev when profitable, PnL% / EffLev otherwise, with PnL% =
// pnl / entry and EffLev = mark / margin; a profitable candidate with
// margin ≤ 0 has infinite leverage and ranks first. `Less` = x ranks first.

fn cand(account: u32, pnl: i64, entry: i64, mark: i64, margin: i64) -> AdlCandidate {
    AdlCandidate {
        account,
        reserved: 0,
        size: Size(1),
        unrealized_pnl: Quote(pnl),
        entry_notional: Quote(entry),
        mark_notional: Quote(mark),
        margin: Quote(margin),
    }
}

#[test]
fn adl_cmp_edges() {
    let c = [
        // 0: (100 / 1,000) × (1,100 / 100) = 1.1.
        cand(10, 100, 1_000, 1_100, 100),
        // 1: profitable, margin 0: infinite leverage.
        cand(11, 100, 1_000, 1_100, 0),
        // 2: (−100 / 1,000) / (900 / 100) = −1/90.
        cand(12, -100, 1_000, 900, 100),
        // 3: PnL 0: score 0.
        cand(13, 0, 1_000, 1_000, 100),
        // 4: unprofitable, margin 0: EffLev = 900 / 0 = ∞, −0.1 / ∞ = 0.
        cand(14, -100, 1_000, 900, 0),
        // 5: the same figures and account as 0.
        cand(10, 100, 1_000, 1_100, 100),
        // 6: (50 / 500) × (1,100 / 100) = 1.1, account 9.
        cand(9, 50, 500, 1_100, 100),
        // 7: (MAX / 1) × (MAX / 1) = MAX², finite.
        cand(20, MAX, 1, MAX, 1),
        // 8: (MAX / MAX) × (MAX / MAX) = 1.
        cand(21, MAX, MAX, MAX, MAX),
        // 9: (MIN / 1) / (1 / MAX) = MIN × MAX.
        cand(22, MIN, 1, 1, MAX),
        // 10: (1 / MAX) × (MAX / MAX) = 1/MAX > 0.
        cand(23, 1, MAX, MAX, MAX),
        // 11: (−1 / MAX) / (MAX / 1) = −1/MAX² < 0.
        cand(24, -1, MAX, MAX, 1),
        // 12: profitable, margin MIN: infinite leverage, account 5.
        cand(5, 1, 1, 1, MIN),
        // 13: MAX / (MAX − 1), account 0.
        cand(0, MAX, MAX - 1, 1, 1),
        // 14: (MAX − 1) / (MAX − 2), account 1: larger than 13's, as
        //     MAX × (MAX − 2) = (MAX − 1)² − 1 < (MAX − 1)².
        cand(1, MAX - 1, MAX - 2, 1, 1),
        // 15: (MIN / MAX) / (1 / 1) = −(2^63) / (2^63 − 1) < −1, account 0.
        cand(0, MIN, MAX, 1, 1),
        // 16: (−MAX / MAX) / 1 = −1, account 1.
        cand(1, -MAX, MAX, 1, 1),
    ];
    let cmp = |x: u32, y: u32| adl_cmp(&c, x, y);
    check::<Ordering>(&[
        // A total order: every index equals itself, in or out of range.
        ("x = y = 0", cmp(0, 0), Ordering::Equal),
        ("x = y = u32::MAX", cmp(u32::MAX, u32::MAX), Ordering::Equal),
        ("empty slice, x = y = 0", adl_cmp(&[], 0, 0), Ordering::Equal),
        // Infinite leverage (1) before 1.1 (0).
        ("infinite before finite", cmp(1, 0), Ordering::Less),
        ("finite after infinite", cmp(0, 1), Ordering::Greater),
        // Infinite before MAX² (7).
        ("infinite before MAX²", cmp(1, 7), Ordering::Less),
        // Two infinite ones tie: account 5 (12) before 11 (1).
        ("infinite tie, by account", cmp(1, 12), Ordering::Greater),
        // MAX² (7) before 1.1 (0).
        ("MAX² before 1.1", cmp(7, 0), Ordering::Less),
        // 1.1 (0) before 1 (8).
        ("1.1 before 1", cmp(0, 8), Ordering::Less),
        // 1/MAX (10) before 0 (3).
        ("1/MAX before 0", cmp(10, 3), Ordering::Less),
        // 0 (3) before −1/MAX² (11), which is before −1/90 (2).
        ("0 before −1/MAX²", cmp(3, 11), Ordering::Less),
        ("−1/MAX² before −1/90", cmp(11, 2), Ordering::Less),
        // −1/90 (2) before MIN × MAX (9).
        ("−1/90 before MIN × MAX", cmp(2, 9), Ordering::Less),
        // Score 0 from PnL 0 (3) and from infinite leverage (4) tie: account 13 before 14.
        ("score 0 tie, by account", cmp(3, 4), Ordering::Less),
        ("score 0 tie, reversed", cmp(4, 3), Ordering::Greater),
        // Equal score 1.1: account 9 (6) before 10 (0).
        ("equal score, lower account", cmp(6, 0), Ordering::Less),
        // Same score and account: index 0 before index 5.
        ("same score and account, by index", cmp(0, 5), Ordering::Less),
        ("same score and account, reversed", cmp(5, 0), Ordering::Greater),
        // Exact at the extremes: (MAX − 1)/(MAX − 2) (14) ranks before
        // MAX/(MAX − 1) (13), although 13 has the lower account.
        ("MAX/(MAX−1) after (MAX−1)/(MAX−2)", cmp(13, 14), Ordering::Greater),
        // −1 (16) ranks before −(2^63)/(2^63 − 1) (15), though 15 has the lower account.
        ("MIN/MAX after −1", cmp(15, 16), Ordering::Greater),
    ]);
}

// ---------------------------------------------------------------------------
// InsuranceFundBook::book: "credits the fund's fee share, then covers the bad
// debt. Returns what is left for deleveraging." `cover` covers as much as
// the fund can down to its floor; the ledger `initial + credits − debits =
// balance` holds at every point.

/// (covered, uncovered, balance, total credits, total debits) after booking.
type Booked = Result<(i64, i64, i64, i64, i64)>;

fn book(mut fund: InsuranceFundBook, fee: i64, bad_debt: i64) -> Booked {
    let c = fund.book(&settlement(fee, bad_debt))?;
    assert!(fund.ledger_balances() && fund.balance >= fund.floor, "invariant broken: {fund:?}");
    Ok((c.covered.0, c.uncovered.0, fund.balance.0, fund.total_credits.0, fund.total_debits.0))
}

fn fund(balance: i64, floor: i64) -> InsuranceFundBook {
    InsuranceFundBook::new(Quote(balance), Quote(floor)).unwrap()
}

#[test]
fn insurance_fund_book_edges() {
    // After booking fee MAX and bad debt MAX into an empty fund: balance 0, credits MAX.
    let mut full_credits = fund(0, 0);
    full_credits.book(&settlement(MAX, MAX)).unwrap();
    check::<Booked>(&[
        // Nothing to book: covered 0, uncovered 0, nothing moves.
        ("fee 0, bad debt 0", book(fund(100, 0), 0, 0), Ok((0, 0, 100, 0, 0))),
        // Fee only: 100 + 10 = 110.
        ("fee 10", book(fund(100, 0), 10, 0), Ok((0, 0, 110, 10, 0))),
        // Bad debt = balance: all covered, 0 left.
        ("bad debt = balance", book(fund(100, 0), 0, 100), Ok((100, 0, 0, 0, 100))),
        // The fee is credited first: room 110, covered 110, 200 − 110 = 90 left.
        ("fee first, then cover", book(fund(100, 0), 10, 200), Ok((110, 90, 0, 10, 110))),
        // Floor 40: room 100 + 5 − 40 = 65; 100 − 65 = 35 left.
        ("down to the floor", book(fund(100, 40), 5, 100), Ok((65, 35, 40, 5, 65))),
        // Empty fund: covers 0 of 1.
        ("empty fund, bad debt 1", book(fund(0, 0), 0, 1), Ok((0, 1, 0, 0, 0))),
        // Balance at the floor MAX: room 0.
        ("balance = floor = MAX", book(fund(MAX, MAX), 0, 1), Ok((0, 1, MAX, 0, 0))),
        // Balance = floor = MIN: room MIN − MIN = 0.
        ("balance = floor = MIN", book(fund(MIN, MIN), 0, 0), Ok((0, 0, MIN, 0, 0))),
        // Negative balance above a negative floor: room −5 − (−10) = 5 of 10.
        ("negative balance and floor", book(fund(-5, -10), 0, 10), Ok((5, 5, -10, 0, 5))),
        // Bad debt MAX against balance MAX: all covered.
        ("bad debt MAX, balance MAX", book(fund(MAX, 0), 0, MAX), Ok((MAX, 0, 0, 0, MAX))),
        // Fee MAX into an empty fund, then bad debt MAX: room MAX, all covered.
        ("fee MAX, bad debt MAX", book(fund(0, 0), MAX, MAX), Ok((MAX, 0, 0, MAX, MAX))),
        // Floors below zero: the room balance − floor passes i64 but the
        // covered amount is at most the bad debt. 0 − MIN = 2^63 ≥ 1: all
        // covered; MAX − (−1) = 2^63 ≥ MAX: all covered.
        ("floor MIN", book(fund(0, MIN), 0, 1), Ok((1, 0, -1, 0, 1))),
        ("balance MAX, floor −1", book(fund(MAX, -1), 0, MAX), Ok((MAX, 0, 0, 0, MAX))),
        // Balance 0, floor MIN: MAX of bad debt covered, −MAX left.
        ("floor MIN, bad debt MAX", book(fund(0, MIN), 0, MAX), Ok((MAX, 0, -MAX, 0, MAX))),
        // Balance MAX + fee 1 does not fit.
        ("balance MAX, fee 1", book(fund(MAX, 0), 1, 0), Err(Error::Overflow)),
        // Balance 0 + 1 fits, but total credits MAX + 1 does not (the ledger must stay exact).
        ("credits MAX, fee 1", book(full_credits, 1, 0), Err(Error::Overflow)),
    ]);
    // Amounts must be ≥ 0 (credit: "amount ≥ 0", cover: "deficit ≥ 0"); a
    // negative one is refused with NegativeLimit and nothing changes.
    check::<Booked>(&[
        ("fee −1", book(fund(100, 0), -1, 0), Err(Error::NegativeLimit)),
        ("fee MIN", book(fund(100, 0), MIN, 0), Err(Error::NegativeLimit)),
        ("bad debt −1", book(fund(100, 0), 0, -1), Err(Error::NegativeLimit)),
        ("bad debt MIN", book(fund(100, 0), 10, MIN), Err(Error::NegativeLimit)),
    ]);
    // All or nothing: the fee of a refused booking is not credited.
    let mut f = fund(100, 0);
    assert_eq!(f.book(&settlement(10, -1)).err(), Some(Error::NegativeLimit));
    assert_eq!(f, fund(100, 0));
    // A plain debit past i64::MIN is below every floor, refused whole.
    let mut f = fund(-5, MIN);
    assert_eq!(f.debit(Quote(MAX)), Err(Error::InsuranceFundBelowFloor));
    assert_eq!(f, fund(-5, MIN));
}

// ---------------------------------------------------------------------------
// InsuranceFunds::fund_for: `has_own[i] != 0` routes market i to
// `per_market[i]`; every market without its own fund uses `shared`.

#[test]
fn insurance_funds_fund_for_edges() {
    let mut shared = fund(1, 0);
    let mut per = [fund(10, 0), fund(20, 0), fund(30, 0)];
    let has_own = [0u8, 1, 255];
    let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut per, has_own: &has_own };
    let mut bal = |i: usize| funds.fund_for(i).map(|f| f.balance.0);
    let rows: Vec<(&str, Result<i64>, Result<i64>)> = vec![
        ("has_own 0 → shared", bal(0), Ok(1)),
        ("has_own 1 → per_market[1]", bal(1), Ok(20)),
        ("has_own 255 → per_market[2]", bal(2), Ok(30)),
        // Past the end of has_own: no own fund.
        ("index 3 → shared", bal(3), Ok(1)),
        ("index usize::MAX → shared", bal(usize::MAX), Ok(1)),
    ];
    check(&rows);
    // The fund is returned by reference: a credit through it lands in per_market[2] only.
    funds.fund_for(2).unwrap().credit(Quote(5)).unwrap();
    assert_eq!((shared.balance, per[2].balance), (Quote(1), Quote(35)));

    let mut s = fund(7, 0);
    let mut none: [InsuranceFundBook; 0] = [];
    let mut two = [fund(10, 0), fund(20, 0)];
    let own_0 = [1u8];
    let own_2 = [0u8, 0, 1];
    check::<Result<i64>>(&[
        // No per-market funds at all: every market uses the shared one.
        ("empty, index 0", InsuranceFunds { shared: &mut s, per_market: &mut [], has_own: &[] }.fund_for(0).map(|f| f.balance.0), Ok(7)),
        // A market marked as having its own fund beyond per_market: the
        // caller-owned slice is shorter than the markets it must track.
        (
            "has_own[0] = 1, per_market empty",
            InsuranceFunds { shared: &mut s, per_market: &mut none, has_own: &own_0 }.fund_for(0).map(|f| f.balance.0),
            Err(Error::StateTooSmall),
        ),
        (
            "has_own[2] = 1, per_market of 2",
            InsuranceFunds { shared: &mut s, per_market: &mut two, has_own: &own_2 }.fund_for(2).map(|f| f.balance.0),
            Err(Error::StateTooSmall),
        ),
        (
            "has_own[1] = 0, per_market of 2",
            InsuranceFunds { shared: &mut s, per_market: &mut two, has_own: &own_2 }.fund_for(1).map(|f| f.balance.0),
            Ok(7),
        ),
    ]);
}
