//! Edge tables for the core API that no other edge table covers: `adl_cmp`,
//! `InsuranceFund::book`, `InsuranceFunds::fund_for`, the rule state
//! (`AccountLiquidationState::in_cooldown` / `notional_in` /
//! `insurance_loss_in` / `record_insurance_loss`, `Fraction::is_set`,
//! `MarketCapacityState::remaining` / `record`), `Health::needs_liquidation`,
//! `Target::required_equity`, the liquidation index (`position_key`,
//! `LiquidationIndex::insert_account` / `push_account_unsorted` / `shorts` /
//! `sort`), `Market::maintenance_deduction` and `Account::pool_count`, at
//! `i64` / `u64` / `u32` extremes, zero, one lot, empty slices,
//! `MAX_POSITIONS` and `MAX_TIERS`, and out-of-range indexes.
//! Every expected value is derived from the function's documentation (and
//! its module's); the arithmetic is in the comment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use core::cmp::Ordering;
use partliq::escalation::adl_cmp;
use partliq::*;

mod common;
use common::{book_settlement as settlement, check};

const MAX: i64 = i64::MAX;
const MIN: i64 = i64::MIN;
const UMAX: u64 = u64::MAX;

fn pos(m: u32, size: i64, qb: i64) -> Position {
    Position { market_index: m, size: Size(size), quote_balance: Quote(qb) }
}

/// e = 0, lot 1, tick 1, IM 10 %, MM 5 %: notional = size × price.
fn market() -> Market {
    Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000))
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
// InsuranceFund::book: "credits the fund's fee share, then covers the bad
// debt. Returns what is left for deleveraging." `cover` covers as much as
// the fund can down to its floor; the ledger `initial + credits − debits =
// balance` holds at every point.

/// (covered, uncovered, balance, total credits, total debits) after booking.
type Booked = Result<(i64, i64, i64, i64, i64)>;

fn book(mut fund: InsuranceFund, fee: i64, bad_debt: i64) -> Booked {
    let c = fund.book(&settlement(fee, bad_debt))?;
    assert!(fund.ledger_balances() && fund.balance >= fund.floor, "invariant broken: {fund:?}");
    Ok((c.covered.0, c.uncovered.0, fund.balance.0, fund.total_credits.0, fund.total_debits.0))
}

fn fund(balance: i64, floor: i64) -> InsuranceFund {
    InsuranceFund::new(Quote(balance), Quote(floor)).unwrap()
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
    let mut none: [InsuranceFund; 0] = [];
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

// ---------------------------------------------------------------------------
// AccountLiquidationState::in_cooldown: true while the cooldown after a
// partial step runs — `cooldown` time units from `last_partial_time` (a
// partial step happened: `has_partial` 1; `cooldown` 0 = no rule).

fn state(last_partial_time: u64, has_partial: u32) -> AccountLiquidationState {
    AccountLiquidationState { last_partial_time, has_partial: has_partial != 0, ..AccountLiquidationState::default() }
}

fn cap(cooldown: u64) -> FractionCap {
    FractionCap { notional_threshold: Quote(0), max_fraction: Ppm(100_000), cooldown }
}

#[test]
fn account_state_in_cooldown() {
    check::<bool>(&[
        ("cooldown 0", state(0, 1).in_cooldown(&cap(0), 0), false),
        ("cooldown 0, now MAX", state(0, 1).in_cooldown(&cap(0), UMAX), false),
        ("no partial step", state(0, 0).in_cooldown(&cap(10), 0), false),
        ("no partial step, cooldown MAX", state(0, 0).in_cooldown(&cap(UMAX), 5), false),
        // Partial step at 100, cooldown 10: runs for 100 ..= 109.
        ("at the step", state(100, 1).in_cooldown(&cap(10), 100), true),
        ("last unit", state(100, 1).in_cooldown(&cap(10), 109), true),
        ("cooldown over", state(100, 1).in_cooldown(&cap(10), 110), false),
        ("now MAX", state(100, 1).in_cooldown(&cap(10), UMAX), false),
        // Before the step: not after a partial step.
        ("one unit before the step", state(100, 1).in_cooldown(&cap(10), 99), false),
        ("now 0, step at 100", state(100, 1).in_cooldown(&cap(10), 0), false),
        // Cooldown 1: only the step's own time unit.
        ("cooldown 1, at the step", state(100, 1).in_cooldown(&cap(1), 100), true),
        ("cooldown 1, one later", state(100, 1).in_cooldown(&cap(1), 101), false),
        // Cooldown u64::MAX from 0: runs for 0 ..= MAX − 1.
        ("cooldown MAX, now MAX − 1", state(0, 1).in_cooldown(&cap(UMAX), UMAX - 1), true),
        ("cooldown MAX, now MAX", state(0, 1).in_cooldown(&cap(UMAX), UMAX), false),
        // Step at u64::MAX: 0 units elapsed at MAX.
        ("step at MAX, now MAX", state(UMAX, 1).in_cooldown(&cap(UMAX), UMAX), true),
        ("step at MAX, cooldown 1", state(UMAX, 1).in_cooldown(&cap(1), UMAX), true),
        // Step at MAX − 1, cooldown 5: 1 unit elapsed (step + cooldown is past u64).
        ("step at MAX − 1, cooldown 5", state(UMAX - 1, 1).in_cooldown(&cap(5), UMAX), true),
    ]);
}

// ---------------------------------------------------------------------------
// notional_in / insurance_loss_in: the counters of `block` (0 once the block
// moved on); record_insurance_loss books a loss in `block`.

#[test]
fn account_state_block_counters() {
    let st = |block: u64, notional: i64, loss: i64| AccountLiquidationState {
        last_partial_time: 3,
        has_partial: true,
        in_liquidation: true,
        block,
        block_notional: Quote(notional),
        block_insurance_loss: Quote(loss),
    };
    let s5 = st(5, 700, 40);
    let ext = st(UMAX, MAX, MIN);
    check::<i128>(&[
        ("notional_in, default, block 0", AccountLiquidationState::default().notional_in(0), 0),
        ("notional_in, same block", s5.notional_in(5), 700),
        ("notional_in, next block", s5.notional_in(6), 0),
        ("notional_in, block MAX", s5.notional_in(UMAX), 0),
        ("notional_in, i64::MAX in block MAX", ext.notional_in(UMAX), i128::from(MAX)),
        ("notional_in, counters of block 0, block MAX", st(0, MAX, MAX).notional_in(UMAX), 0),
        ("insurance_loss_in, default, block 0", AccountLiquidationState::default().insurance_loss_in(0), 0),
        ("insurance_loss_in, same block", s5.insurance_loss_in(5), 40),
        ("insurance_loss_in, next block", s5.insurance_loss_in(6), 0),
        ("insurance_loss_in, block MAX", s5.insurance_loss_in(UMAX), 0),
        ("insurance_loss_in, i64::MIN in block MAX", ext.insurance_loss_in(UMAX), i128::from(MIN)),
        ("insurance_loss_in, i64::MAX", st(9, 0, MAX).insurance_loss_in(9), i128::from(MAX)),
    ]);

    let rec = |mut s: AccountLiquidationState, block: u64, loss: i64| s.record_insurance_loss(block, Quote(loss)).map(|()| s);
    check::<Result<AccountLiquidationState>>(&[
        ("loss 0 in block 0", rec(AccountLiquidationState::default(), 0, 0), Ok(AccountLiquidationState::default())),
        // Same block: 40 + 60 = 100; the notional stays.
        ("same block", rec(s5, 5, 60), Ok(st(5, 700, 100))),
        // A new block: its counters start from 0, then 60 is booked.
        ("next block", rec(s5, 6, 60), Ok(st(6, 0, 60))),
        ("new block, loss 0", rec(s5, 7, 0), Ok(st(7, 0, 0))),
        (
            "block MAX, loss MAX",
            rec(AccountLiquidationState::default(), UMAX, MAX),
            Ok(AccountLiquidationState { block: UMAX, block_insurance_loss: Quote(MAX), ..AccountLiquidationState::default() }),
        ),
        // MAX + 1 in the same block does not fit.
        ("loss MAX + 1", rec(st(5, 0, MAX), 5, 1), Err(Error::Overflow)),
        // In a new block the old MAX does not carry over.
        ("loss MAX, then 1 next block", rec(st(5, 0, MAX), 6, 1), Ok(st(6, 0, 1))),
    ]);
    // What was booked is what insurance_loss_in reports.
    let mut s = s5;
    s.record_insurance_loss(6, Quote(60)).unwrap();
    assert_eq!((s.insurance_loss_in(6), s.notional_in(6), s.insurance_loss_in(5)), (60, 0, 0));
}

// ---------------------------------------------------------------------------
// Fraction::is_set: "true when the fraction is set (denominator > 0)".

#[test]
fn fraction_is_set_edges() {
    check::<bool>(&[
        ("0/0", Fraction::new(0, 0).is_set(), false),
        ("default", Fraction::default().is_set(), false),
        ("u32::MAX/0", Fraction::new(u32::MAX, 0).is_set(), false),
        ("0/1", Fraction::new(0, 1).is_set(), true),
        ("2/3", Fraction::new(2, 3).is_set(), true),
        // Set even when ≥ 1 (validate, not is_set, refuses those).
        ("5/1", Fraction::new(5, 1).is_set(), true),
        ("0/u32::MAX", Fraction::new(0, u32::MAX).is_set(), true),
        ("u32::MAX/u32::MAX", Fraction::new(u32::MAX, u32::MAX).is_set(), true),
    ]);
}

// ---------------------------------------------------------------------------
// MarketCapacityState: at most `capacity` per window of `window` time units,
// a fixed window starting at the first liquidation after the previous one
// ended; a state that has booked nothing has no open window. `remaining` is
// the notional still available (`i128::MAX` when the rule is off); `record`
// books notional, starting a new window if none is open.

fn cap_state(window_start: u64, used: i64) -> MarketCapacityState {
    MarketCapacityState { window_start, used: Quote(used) }
}

#[test]
fn market_capacity_remaining_and_record() {
    let rule = WindowCapacity { capacity: Quote(100), window: 10 };
    let rule_max = WindowCapacity { capacity: Quote(MAX), window: UMAX };
    let off = WindowCapacity { capacity: Quote(0), window: 0 };
    check::<i128>(&[
        // Rule off (window 0): unlimited whatever the state.
        ("off", MarketCapacityState::default().remaining(&off, 0), i128::MAX),
        ("off, used MAX", cap_state(0, MAX).remaining(&off, UMAX), i128::MAX),
        ("off, capacity MAX", cap_state(0, MAX).remaining(&WindowCapacity { capacity: Quote(MAX), window: 0 }, 0), i128::MAX),
        // Nothing booked: no open window, the whole capacity (even at time 0).
        ("nothing booked", MarketCapacityState::default().remaining(&rule, 0), 100),
        ("nothing booked, now MAX", MarketCapacityState::default().remaining(&rule, UMAX), 100),
        // Window opened at 5 with 30 used: 70 left for 5 ..= 14.
        ("window start", cap_state(5, 30).remaining(&rule, 5), 70),
        ("window last unit", cap_state(5, 30).remaining(&rule, 14), 70),
        ("window over", cap_state(5, 30).remaining(&rule, 15), 100),
        // A window opened at 5 does not run at 4.
        ("before the window", cap_state(5, 30).remaining(&rule, 4), 100),
        // All used: 0; more than the capacity used: still 0, never negative.
        ("used = capacity", cap_state(5, 100).remaining(&rule, 5), 0),
        ("used > capacity", cap_state(5, 150).remaining(&rule, 5), 0),
        ("used MAX, capacity 100", cap_state(5, MAX).remaining(&rule, 5), 0),
        // Capacity 0: nothing available.
        ("capacity 0", MarketCapacityState::default().remaining(&WindowCapacity { capacity: Quote(0), window: 1 }, 0), 0),
        // Capacity MAX, window MAX: MAX − 1 after one unit used at MAX − 1, one unit later.
        ("capacity MAX, used 1", cap_state(UMAX - 1, 1).remaining(&rule_max, UMAX), i128::from(MAX) - 1),
        // Window of MAX units from 0 ends at MAX.
        ("window MAX from 0, now MAX", cap_state(0, 1).remaining(&rule_max, UMAX), i128::from(MAX)),
        ("window MAX from 0, now MAX − 1", cap_state(0, 1).remaining(&rule_max, UMAX - 1), i128::from(MAX) - 1),
    ]);

    let rec = |mut s: MarketCapacityState, r: &WindowCapacity, now: u64, notional: i128| s.record(r, now, notional).map(|()| s);
    let fresh = MarketCapacityState::default();
    check::<Result<MarketCapacityState>>(&[
        // The first liquidation opens the window at its own time (not at 0).
        ("first at 7", rec(fresh, &rule, 7, 30), Ok(cap_state(7, 30))),
        // Booking 0 still starts a window (none was open): start 3, used 0.
        ("first, notional 0", rec(fresh, &rule, 3, 0), Ok(cap_state(3, 0))),
        // Open window (16 − 7 = 9 < 10): 30 + 20.
        ("inside the window", rec(cap_state(7, 30), &rule, 16, 20), Ok(cap_state(7, 50))),
        // 17 − 7 = 10: the window ended, a new one opens at 17.
        ("window ended", rec(cap_state(7, 30), &rule, 17, 20), Ok(cap_state(17, 20))),
        // At 6 the window opened at 7 does not run: a new one at 6.
        ("before the window", rec(cap_state(7, 30), &rule, 6, 20), Ok(cap_state(6, 20))),
        // Booking beyond the capacity is not refused: it books.
        ("beyond capacity", rec(cap_state(7, 90), &rule, 8, 20), Ok(cap_state(7, 110))),
        // MAX + 1 in the open window does not fit a quote amount.
        ("used MAX + 1", rec(cap_state(0, MAX), &rule, 0, 1), Err(Error::Overflow)),
        // The window ended: MAX starts fresh in a new one.
        ("used MAX, new window", rec(cap_state(0, MAX), &rule, 10, i128::from(MAX)), Ok(cap_state(10, MAX))),
        ("notional i128::MAX", rec(fresh, &rule, 0, i128::MAX), Err(Error::Overflow)),
        ("notional i128::MIN", rec(fresh, &rule, 0, i128::MIN), Err(Error::Overflow)),
        ("notional i64::MAX + 1", rec(fresh, &rule, 0, i128::from(MAX) + 1), Err(Error::Overflow)),
        // Window MAX, time MAX: opens at MAX.
        ("at time MAX", rec(fresh, &rule_max, UMAX, 1), Ok(cap_state(UMAX, 1))),
    ]);
    // What was booked is what remaining reports: 100 − 30 at 7 ..= 16, 100 from 17.
    let mut s = fresh;
    s.record(&rule, 7, 30).unwrap();
    assert_eq!((s.remaining(&rule, 7), s.remaining(&rule, 16), s.remaining(&rule, 17)), (70, 70, 100));
}

// ---------------------------------------------------------------------------
// Health::needs_liquidation: "true when the pool must be liquidated
// (liquidatable or bankrupt)"; by the health table: bankrupt when equity < 0,
// liquidatable when maintenance > 0 and equity < maintenance, else healthy.

#[test]
fn health_needs_liquidation() {
    let markets = [market()];
    let prices = [Price(100)];
    let needs =
        |collateral: i64, ps: &[Position]| pool_health(&Pool::new(Quote(collateral), ps), &markets, &prices).map(|h| h.needs_liquidation());
    // 64 longs of one lot @ 100 with quote balance −95: each value 5, MM ⌈5⌉ = 5.
    let full = vec![pos(0, 1, -95); MAX_POSITIONS];
    check::<Result<bool>>(&[
        // No positions: maintenance 0.
        ("no positions, collateral 0", needs(0, &[]), Ok(false)),
        ("no positions, collateral MAX", needs(MAX, &[]), Ok(false)),
        ("no positions, collateral −1", needs(-1, &[]), Ok(true)),
        ("no positions, collateral MIN", needs(MIN, &[]), Ok(true)),
        // Long 100 @ 100: notional 10,000, MM 500.
        // 10,000 − 9,500 = 500 = MM: healthy.
        ("equity = MM", needs(0, &[pos(0, 100, -9_500)]), Ok(false)),
        ("equity = MM − 1", needs(0, &[pos(0, 100, -9_501)]), Ok(true)),
        ("equity 0", needs(0, &[pos(0, 100, -10_000)]), Ok(true)),
        ("equity −1", needs(0, &[pos(0, 100, -10_001)]), Ok(true)),
        // Short −100 @ 100: value −10,000 + 10,500 = 500 = MM.
        ("short, equity = MM", needs(0, &[pos(0, -100, 10_500)]), Ok(false)),
        ("short, equity = MM − 1", needs(0, &[pos(0, -100, 10_499)]), Ok(true)),
        // One lot: value 100 − 95 = 5, MM ⌈100 × 5 %⌉ = 5.
        ("one lot, equity = MM", needs(0, &[pos(0, 1, -95)]), Ok(false)),
        ("one lot, equity = MM − 1", needs(0, &[pos(0, 1, -96)]), Ok(true)),
        // MAX_POSITIONS: equity 64 × 5 = 320 = MM 320; collateral −1: 319 < 320.
        ("MAX_POSITIONS, equity = MM", needs(0, &full), Ok(false)),
        ("MAX_POSITIONS, equity = MM − 1", needs(-1, &full), Ok(true)),
        // An empty position with a negative quote balance: equity −1, no maintenance: bankrupt.
        ("empty position, qb −1", needs(0, &[pos(0, 0, -1)]), Ok(true)),
    ]);
}

// ---------------------------------------------------------------------------
// Target::required_equity: Maintenance { buffer }: ⌈maintenance × (1 +
// buffer)⌉; Initial: the initial requirement. Errors when it does not fit a
// quote amount.

fn figures(initial: i64, maintenance: i64) -> Health {
    Health {
        equity: Quote(0),
        initial_requirement: Quote(initial),
        maintenance_requirement: Quote(maintenance),
        free_collateral: Quote(-initial),
        margin_ratio_ppm: 0,
        state: HealthState::Healthy,
    }
}

#[test]
fn target_required_equity_edges() {
    let buf = |b: u32| Target::Maintenance { buffer: Ppm(b) };
    let half = MAX / 2; // 4,611,686,018,427,387,903
    check::<Result<Quote>>(&[
        ("maintenance, MM 0", Target::MAINTENANCE.required_equity(&figures(0, 0)), Ok(Quote(0))),
        ("maintenance, MM 1", Target::MAINTENANCE.required_equity(&figures(2, 1)), Ok(Quote(1))),
        ("maintenance, MM MAX", Target::MAINTENANCE.required_equity(&figures(MAX, MAX)), Ok(Quote(MAX))),
        // ⌈538 × 1.1⌉ = ⌈591.8⌉ = 592.
        ("buffer 10 %, MM 538", buf(100_000).required_equity(&figures(1_075, 538)), Ok(Quote(592))),
        // ⌈1 × 1.000001⌉ = 2; ⌈0 × 1.000001⌉ = 0.
        ("buffer 1 ppm, MM 1", buf(1).required_equity(&figures(1, 1)), Ok(Quote(2))),
        ("buffer 1 ppm, MM 0", buf(1).required_equity(&figures(0, 0)), Ok(Quote(0))),
        // ⌈1 × 2⌉ = 2.
        ("buffer 100 %, MM 1", buf(1_000_000).required_equity(&figures(1, 1)), Ok(Quote(2))),
        // 1,000,000 × 1.000001 = 1,000,001 exactly.
        ("buffer 1 ppm, MM 1e6", buf(1).required_equity(&figures(1_000_000, 1_000_000)), Ok(Quote(1_000_001))),
        // ⌈MAX × 1.000001⌉ > MAX.
        ("buffer 1 ppm, MM MAX", buf(1).required_equity(&figures(MAX, MAX)), Err(Error::Overflow)),
        // (MAX / 2) × 2 = MAX − 1 fits; (MAX / 2 + 1) × 2 = 2^63 does not.
        ("buffer 100 %, MM MAX/2", buf(1_000_000).required_equity(&figures(MAX, half)), Ok(Quote(MAX - 1))),
        // A buffer above 100 % is refused, as Target::validate refuses it.
        ("buffer 100 % + 1 ppm", buf(1_000_001).required_equity(&figures(1, 1)), Err(Error::InvalidBuffer)),
        ("buffer u32::MAX", buf(u32::MAX).required_equity(&figures(10, 10)), Err(Error::InvalidBuffer)),
        ("buffer 100 %, MM MAX/2 + 1", buf(1_000_000).required_equity(&figures(MAX, half + 1)), Err(Error::Overflow)),
        // Initial: the initial requirement itself, whatever the maintenance.
        ("initial 0", Target::Initial.required_equity(&figures(0, 0)), Ok(Quote(0))),
        ("initial 1,075", Target::Initial.required_equity(&figures(1_075, 538)), Ok(Quote(1_075))),
        ("initial MAX", Target::Initial.required_equity(&figures(MAX, 1)), Ok(Quote(MAX))),
    ]);
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
// Market::maintenance_deduction: the cumulative deduction of tier idx,
// deduction_n = deduction_{n−1} + floor_n × (mmf_n − mmf_{n−1}), deduction_0
// = 0, in quote units rounded down.

fn tier(floor: i64, im: u32, mm: u32) -> MarginTier {
    MarginTier { notional_floor: Quote(floor), initial: Ppm(im), maintenance: Ppm(mm) }
}

fn tiers(ts: &[MarginTier]) -> Market {
    market().with_tiers(ts).unwrap()
}

#[test]
fn market_maintenance_deduction_edges() {
    // Binance BTCUSDT: floors 0 / 50k / 250k / 1M, MMR 0.4 / 0.5 / 1 / 2.5 %.
    let binance =
        tiers(&[tier(0, 8_000, 4_000), tier(50_000, 10_000, 5_000), tier(250_000, 20_000, 10_000), tier(1_000_000, 50_000, 25_000)]);
    // MAX_TIERS tiers: floor k × 10^6, MM (k + 1) %, IM twice that.
    let full: Vec<MarginTier> = (0..MAX_TIERS as u32).map(|k| tier(i64::from(k) * 1_000_000, 20_000 * (k + 1), 10_000 * (k + 1))).collect();
    let full = tiers(&full);
    let mut no_tier = market();
    no_tier.tier_count = 0;
    let mut too_many = market();
    too_many.tier_count = MAX_TIERS as u32 + 1;
    let mut count_max = market();
    count_max.tier_count = u32::MAX;
    let d = |m: &Market, idx: usize| m.maintenance_deduction(idx);
    check::<Result<Quote>>(&[
        ("single tier", d(&market(), 0), Ok(Quote(0))),
        ("Binance tier 0", d(&binance, 0), Ok(Quote(0))),
        // 50,000 × 0.1 % = 50.
        ("Binance tier 1", d(&binance, 1), Ok(Quote(50))),
        // 50 + 250,000 × 0.5 % = 1,300.
        ("Binance tier 2", d(&binance, 2), Ok(Quote(1_300))),
        // 1,300 + 1,000,000 × 1.5 % = 16,300.
        ("Binance tier 3", d(&binance, 3), Ok(Quote(16_300))),
        // Σ_{j=1..8} j × 10^6 × 1 % = 10,000 × 36 = 360,000.
        ("MAX_TIERS, tier 8", d(&full, 8), Ok(Quote(360_000))),
        // Σ_{j=1..15} j × 10^4 = 10,000 × 120 = 1,200,000.
        ("MAX_TIERS, last tier", d(&full, MAX_TIERS - 1), Ok(Quote(1_200_000))),
        // Rounded down: 1 × 1 ppm = 0.000001 → 0; 999,999 ppm·units → 0; 10^6 → 1.
        ("floor 1, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(1, 1, 1)]), 1), Ok(Quote(0))),
        ("floor 999,999, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(999_999, 1, 1)]), 1), Ok(Quote(0))),
        ("floor 10^6, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(1_000_000, 1, 1)]), 1), Ok(Quote(1))),
        // Equal fractions: nothing added.
        ("floor MAX, +0", d(&tiers(&[tier(0, 5, 5), tier(MAX, 5, 5)]), 1), Ok(Quote(0))),
        // MAX × 100 % = MAX.
        ("floor MAX, 0 → 100 %", d(&tiers(&[tier(0, 0, 0), tier(MAX, 1_000_000, 1_000_000)]), 1), Ok(Quote(MAX))),
        // ⌊MAX / 10^6⌋ = 9,223,372,036,854.
        ("floor MAX, +1 ppm", d(&tiers(&[tier(0, 0, 0), tier(MAX, 1, 1)]), 1), Ok(Quote(9_223_372_036_854))),
        // (MAX − 1) × ½ + MAX × ½ = MAX − ½ → MAX − 1.
        (
            "floors MAX − 1 and MAX, ½ each",
            d(&tiers(&[tier(0, 0, 0), tier(MAX - 1, 500_000, 500_000), tier(MAX, 1_000_000, 1_000_000)]), 2),
            Ok(Quote(MAX - 1)),
        ),
        // No tier in use, or more than MAX_TIERS.
        ("tier_count 0", d(&no_tier, 0), Err(Error::InvalidTierCount)),
        ("tier_count MAX_TIERS + 1", d(&too_many, 0), Err(Error::InvalidTierCount)),
        ("tier_count u32::MAX", d(&count_max, 0), Err(Error::InvalidTierCount)),
    ]);
    // A tier that is not in use has no deduction: OutOfRange.
    check::<Result<Quote>>(&[
        ("single tier, idx 1", d(&market(), 1), Err(Error::OutOfRange)),
        ("MAX_TIERS, idx MAX_TIERS", d(&full, MAX_TIERS), Err(Error::OutOfRange)),
        ("idx usize::MAX", d(&binance, usize::MAX), Err(Error::OutOfRange)),
    ]);
}

// ---------------------------------------------------------------------------
// Account::pool_count: 1 for cross, one per position for isolated.

#[test]
fn account_pool_count_edges() {
    let one = [pos(0, 1, 0)];
    let flat = [pos(0, 0, 0)];
    let full = vec![pos(0, 1, 0); MAX_POSITIONS];
    let over = vec![pos(0, 1, 0); MAX_POSITIONS + 1];
    let iso = |ps: &[Position]| Account { collateral: Quote(0), positions: ps, mode: MarginMode::Isolated }.pool_count();
    let cross = |c: i64, ps: &[Position]| Account::cross(Quote(c), ps).pool_count();
    check::<usize>(&[
        ("cross, no positions", cross(0, &[]), 1),
        ("cross, one", cross(0, &one), 1),
        ("cross, MAX_POSITIONS", cross(MAX, &full), 1),
        ("cross, MAX_POSITIONS + 1", cross(MIN, &over), 1),
        ("isolated, no positions", iso(&[]), 0),
        ("isolated, one", iso(&one), 1),
        // An empty position is still a position: its own pool.
        ("isolated, one empty", iso(&flat), 1),
        ("isolated, MAX_POSITIONS", iso(&full), MAX_POSITIONS),
        ("isolated, MAX_POSITIONS + 1", iso(&over), MAX_POSITIONS + 1),
    ]);
}
