//! Escalation over the C ABI: `partliq_backstop_transfer`, the insurance
//! fund as a value (`partliq_insurance_fund_new` / `_credit` / `_debit` /
//! `_cover` / `_book`, as a sequence of operations), `partliq_rank_adl` and
//! `partliq_deleverage`. No crash; every status equal to the Rust API's;
//! outputs (and the fund, the rank order) untouched byte for byte on error;
//! on success the Rust API's figures, and the invariants: the fund's ledger
//! `initial + credits − debits = balance` and `balance ≥ floor` after every
//! operation, coverage `covered + uncovered = deficit`; the ranking a
//! permutation of the opposite-side candidates; deleveraging fills summing
//! exactly to the deficit, each on a distinct opposite candidate, within
//! its position, at the bankruptcy price.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::{AdlCandidate, AdlFill, AdlMode, Health, HealthState, InsuranceFundBook, Position, Price, Quote, Settlement, Size};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
enum FundOp {
    Credit(I64),
    Debit(I64),
    Cover(I64, OutPtr),
    Book { s: [I64; 9], state: u8, reserved: u8, out: OutPtr, settlement_ptr: OutPtr },
}

#[derive(arbitrary::Arbitrary, Debug)]
struct CandidateIn {
    account: u8,
    size: I64,
    pnl: I64,
    entry: I64,
    mark: I64,
    margin: I64,
    reserved: u8,
}

#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
enum BufLen {
    Enough,
    Enough2,
    Short(u8),
    Zero,
    TooLong,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    shapes: PoolShapes,
    backstop_out: OutPtr,
    balance: I64,
    floor: I64,
    new_out: OutPtr,
    fund_ptr: OutPtr,
    ops: Vec<FundOp>,
    deficit: I64,
    price: I64,
    lot_step: I64,
    mode: u8,
    candidates: Vec<CandidateIn>,
    cand_shape: ArrShape,
    order_ptr: OutPtr,
    order_len: BufLen,
    fills_ptr: OutPtr,
    fills_len: BufLen,
    count_ptr: OutPtr,
}

fn fund_abi(f: &InsuranceFundBook) -> partliq_insurance_fund {
    partliq_insurance_fund {
        balance: f.balance.0,
        floor: f.floor.0,
        initial: f.initial.0,
        total_credits: f.total_credits.0,
        total_debits: f.total_debits.0,
    }
}

fn check_ledger(f: &partliq_insurance_fund) {
    assert_eq!(
        i128::from(f.initial) + i128::from(f.total_credits) - i128::from(f.total_debits),
        i128::from(f.balance),
        "fund ledger not exact: {f:?}"
    );
    assert!(f.balance >= f.floor, "fund below its floor: {f:?}");
}

fn buf_len(l: BufLen, n: usize, max: usize) -> (usize, usize) {
    match l {
        BufLen::Enough | BufLen::Enough2 => (n, n),
        BufLen::Short(k) => (n - usize::from(k) % (n + 1), n),
        BufLen::Zero => (0, 0),
        BufLen::TooLong => (max + 1, 1),
    }
}

fuzz_target!(|inp: Input| {
    backstop(&inp);
    fund(&inp);
    adl(&inp);
});

fn backstop(inp: &Input) {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let args = PoolArgs::new(&data, inp.shapes);
    let mut out = OutSlot::<partliq_backstop>::new(inp.backstop_out);
    // SAFETY: see ffi_pool_health.
    let st = unsafe {
        partliq_backstop_transfer(
            args.markets.ptr,
            args.markets.len,
            args.prices.ptr,
            args.prices.len,
            data.collateral,
            args.positions.ptr,
            args.positions.len,
            out.ptr(),
        )
    };
    assert_named(st);
    if args.rejected() || out.rejected() {
        assert!(is_boundary_status(st));
        out.assert_untouched("backstop");
        return;
    }
    let v = args.view();
    if let Some(s) = v.boundary {
        assert_eq!(st, s);
        out.assert_untouched("backstop");
        return;
    }
    let core = partliq::backstop_transfer(&v.pool(), &v.markets, &v.prices);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        out.assert_untouched("backstop");
        return;
    }
    let t = core.unwrap();
    let o = out.read(0);
    out.assert_untouched_from(1, "backstop");
    assert_eq!((o.collateral, o.position_count, o.reserved, o.deficit), (t.collateral.0, t.position_count, 0, t.deficit.0));
    assert_eq!(o.health, partliq_health::from(&t.health));
    assert_eq!(o.collateral, v.collateral.0);
    assert_eq!(o.position_count as usize, v.positions.iter().filter(|p| p.size.0 != 0).count());
    assert_eq!(i128::from(o.deficit), (-i128::from(o.health.equity)).max(0), "deficit is not max(0, -equity)");
}

fn fund(inp: &Input) {
    let (b, f) = (inp.balance.get(), inp.floor.get());
    let mut out = OutSlot::<partliq_insurance_fund>::new(inp.new_out);
    // SAFETY: valid, NULL or misaligned.
    let st = unsafe { partliq_insurance_fund_new(b, f, out.ptr()) };
    assert_named(st);
    let core = InsuranceFundBook::new(Quote(b), Quote(f));
    if out.rejected() {
        assert!(is_boundary_status(st));
        out.assert_untouched("fund_new");
    } else {
        assert_eq!(st, status_of(&core));
        if st == PARTLIQ_STATUS_OK {
            assert_eq!(out.read(0), fund_abi(core.as_ref().unwrap()));
            out.assert_untouched_from(1, "fund_new");
        } else {
            out.assert_untouched("fund_new");
        }
    }
    let Ok(mut model) = core else { return };
    let mut fund = InOut::new(fund_abi(&model), inp.fund_ptr);
    check_ledger(&fund_abi(&model));
    for op in inp.ops.iter().take(16) {
        let before = fund.bytes();
        let fp = fund.ptr();
        let (st, want, cov_out): (partliq_status, Result<Option<partliq::Coverage>, partliq::Error>, Option<OutSlot<partliq_coverage>>) =
            match op {
                FundOp::Credit(a) => {
                    // SAFETY: valid, NULL or misaligned fund pointer.
                    let st = unsafe { partliq_insurance_fund_credit(fp, a.get()) };
                    let mut m = model;
                    let r = m.credit(Quote(a.get())).map(|_| None);
                    if r.is_ok() {
                        model = m;
                    }
                    (st, r, None)
                }
                FundOp::Debit(a) => {
                    // SAFETY: as above.
                    let st = unsafe { partliq_insurance_fund_debit(fp, a.get()) };
                    let mut m = model;
                    let r = m.debit(Quote(a.get())).map(|_| None);
                    if r.is_ok() {
                        model = m;
                    }
                    (st, r, None)
                }
                FundOp::Cover(d, o) => {
                    let mut c = OutSlot::<partliq_coverage>::new(*o);
                    // SAFETY: as above.
                    let st = unsafe { partliq_insurance_fund_cover(fp, d.get(), c.ptr()) };
                    let mut m = model;
                    let r = m.cover(Quote(d.get())).map(Some);
                    if c.rejected() {
                        assert!(is_boundary_status(st));
                        c.assert_untouched("cover");
                        assert_eq!(fund.bytes(), before, "fund written on error");
                        continue;
                    }
                    if r.is_ok() && !fund.rejected() {
                        model = m;
                        let cv = r.as_ref().unwrap().unwrap();
                        assert_eq!(i128::from(cv.covered.0) + i128::from(cv.uncovered.0), i128::from(d.get()), "coverage does not add up");
                    }
                    (st, r, Some(c))
                }
                FundOp::Book { s, state, reserved, out: o, settlement_ptr } => {
                    let h = partliq_health {
                        equity: s[6].get(),
                        initial_requirement: s[7].get(),
                        maintenance_requirement: s[8].get(),
                        free_collateral: 0,
                        margin_ratio_ppm: 0,
                        state: u32::from(*state % 4),
                        reserved: u32::from(*reserved == 254),
                    };
                    let set = partliq_settlement {
                        new_position: partliq_position {
                            market_index: 0,
                            reserved: u32::from(*reserved == 255),
                            size: 0,
                            quote_balance: 0,
                        },
                        fill_cash: s[0].get(),
                        bankruptcy_quote: s[1].get(),
                        nominal_fee: s[2].get(),
                        fee: s[2].get(),
                        fee_to_liquidator: s[3].get(),
                        fee_to_insurance: s[4].get(),
                        bad_debt: s[5].get(),
                        insurance_fund_delta: s[4].get().wrapping_sub(s[5].get()),
                        position_quote_delta: 0,
                        health_after: h,
                    };
                    let sin = InStruct::new(set, *settlement_ptr);
                    let mut c = OutSlot::<partliq_coverage>::new(*o);
                    // SAFETY: as above; the settlement valid, NULL or misaligned.
                    let st = unsafe { partliq_insurance_fund_book(fp, sin.ptr(), c.ptr()) };
                    if c.rejected() || sin.rejected() {
                        assert!(is_boundary_status(st));
                        c.assert_untouched("book");
                        assert_eq!(fund.bytes(), before, "fund written on error");
                        continue;
                    }
                    if fund.rejected() {
                        (st, Ok(None), Some(c))
                    } else if set.new_position.reserved != 0 || h.reserved != 0 || h.state > 2 {
                        let want = if h.state > 2 && set.new_position.reserved == 0 && h.reserved == 0 {
                            PARTLIQ_STATUS_INVALID_ENUM
                        } else {
                            PARTLIQ_STATUS_RESERVED_NOT_ZERO
                        };
                        assert_eq!(st, want);
                        c.assert_untouched("book");
                        assert_eq!(fund.bytes(), before);
                        continue;
                    } else {
                        let state = [HealthState::Healthy, HealthState::Liquidatable, HealthState::Bankrupt][h.state as usize];
                        let core = Settlement {
                            new_position: Position { market_index: 0, size: Size(0), quote_balance: Quote(0) },
                            fill_cash: Quote(set.fill_cash),
                            bankruptcy_quote: Quote(set.bankruptcy_quote),
                            nominal_fee: Quote(set.nominal_fee),
                            fee: Quote(set.fee),
                            fee_to_liquidator: Quote(set.fee_to_liquidator),
                            fee_to_insurance: Quote(set.fee_to_insurance),
                            bad_debt: Quote(set.bad_debt),
                            insurance_fund_delta: Quote(set.insurance_fund_delta),
                            position_quote_delta: Quote(0),
                            health_after: Health {
                                equity: Quote(h.equity),
                                initial_requirement: Quote(h.initial_requirement),
                                maintenance_requirement: Quote(h.maintenance_requirement),
                                free_collateral: Quote(0),
                                margin_ratio_ppm: 0,
                                state,
                            },
                        };
                        let mut m = model;
                        let r = m.book(&core).map(Some);
                        if r.is_ok() {
                            model = m;
                        }
                        (st, r, Some(c))
                    }
                }
            };
        assert_named(st);
        if fund.rejected() {
            assert!(is_boundary_status(st), "status {st} for a rejected fund");
            assert_eq!(fund.bytes(), before, "fund written on error");
            if let Some(c) = cov_out {
                c.assert_untouched("coverage");
            }
            continue;
        }
        assert_eq!(st, status_of(&want), "{op:?}: {want:?}");
        if st != PARTLIQ_STATUS_OK {
            assert_eq!(fund.bytes(), before, "fund written on error ({op:?})");
            if let Some(c) = cov_out {
                c.assert_untouched("coverage");
            }
            continue;
        }
        assert_eq!(fund.get(), fund_abi(&model), "fund differs from the Rust API's");
        check_ledger(&fund.get());
        if let (Some(c), Ok(Some(cv))) = (cov_out, want) {
            assert_eq!(c.read(0), partliq_coverage { covered: cv.covered.0, uncovered: cv.uncovered.0 });
            c.assert_untouched_from(1, "coverage");
            assert!(cv.covered.0 >= 0 && cv.uncovered.0 >= 0);
        }
    }
}

fn adl(inp: &Input) {
    let cands: Vec<partliq_adl_candidate> = inp
        .candidates
        .iter()
        .take(40)
        .map(|c| partliq_adl_candidate {
            account: u32::from(c.account),
            reserved: u32::from(c.reserved == 255),
            size: c.size.get(),
            unrealized_pnl: c.pnl.get(),
            entry_notional: c.entry.get(),
            mark_notional: c.mark.get(),
            margin: c.margin.get(),
        })
        .collect();
    let arr = ArrArg::new(&cands, inp.cand_shape);
    let seen_cands = arr.effective(&cands);
    let deficit = inp.deficit.get();
    let opp = seen_cands.iter().filter(|c| c.size != 0 && c.size.signum() != deficit.signum()).count();
    let (olen, oroom) = buf_len(inp.order_len, opp, max_len::<u32>());
    let (flen, froom) = buf_len(inp.fills_len, opp, max_len::<partliq_adl_fill>());
    let core_c: Vec<AdlCandidate> = seen_cands
        .iter()
        .map(|c| AdlCandidate {
            account: c.account,
            reserved: c.reserved,
            size: Size(c.size),
            unrealized_pnl: Quote(c.unrealized_pnl),
            entry_notional: Quote(c.entry_notional),
            mark_notional: Quote(c.mark_notional),
            margin: Quote(c.margin),
        })
        .collect();
    let reserved_bad = seen_cands.iter().any(|c| c.reserved != 0);

    // rank_adl.
    let mut order = OutSlot::<u32>::array(inp.order_ptr, oroom.max(1));
    let mut count = OutSlot::<usize>::new(inp.count_ptr);
    // SAFETY: arrays valid for their lengths unless rejected first.
    let st = unsafe { partliq_rank_adl(deficit, arr.ptr, arr.len, order.ptr(), olen, count.ptr()) };
    assert_named(st);
    let order_rejected = olen > 0 && order.rejected() || olen > max_len::<u32>();
    if arr.rejected || order_rejected || count.rejected() {
        assert!(is_boundary_status(st));
        order.assert_untouched("rank order");
        count.assert_untouched("rank count");
    } else {
        let want = if reserved_bad {
            PARTLIQ_STATUS_RESERVED_NOT_ZERO
        } else if olen < opp {
            PARTLIQ_STATUS_BUFFER_TOO_SMALL
        } else {
            PARTLIQ_STATUS_OK
        };
        let mut core_order = vec![0u32; olen.min(opp + 8)];
        let core = if want == PARTLIQ_STATUS_OK { Some(partliq::rank_adl(Size(deficit), &core_c, &mut core_order)) } else { None };
        let want = core.as_ref().map_or(want, status_of);
        assert_eq!(st, want, "{core:?}");
        if st != PARTLIQ_STATUS_OK {
            order.assert_untouched("rank order");
            count.assert_untouched("rank count");
        } else {
            let n = core.unwrap().unwrap();
            assert_eq!(count.read(0), n);
            assert_eq!(n, opp);
            order.assert_untouched_from(n, "rank order");
            let mut seen = vec![false; seen_cands.len()];
            for (k, w) in core_order[..n].iter().enumerate() {
                assert_eq!(order.read(k), *w);
                let i = *w as usize;
                assert!(i < seen_cands.len() && !seen[i], "rank: unknown or repeated candidate");
                seen[i] = true;
                assert!(
                    seen_cands[i].size != 0 && seen_cands[i].size.signum() != deficit.signum(),
                    "rank: candidate on the deficit's side"
                );
            }
        }
    }

    // deleverage.
    let (price, step) = (inp.price.get(), inp.lot_step.get());
    let mode = u32::from(inp.mode % 3);
    let mut order = OutSlot::<u32>::array(inp.order_ptr, oroom.max(1));
    let mut fills = OutSlot::<partliq_adl_fill>::array(inp.fills_ptr, froom.max(1));
    let mut count = OutSlot::<usize>::new(inp.count_ptr);
    // SAFETY: as above.
    let st = unsafe { partliq_deleverage(deficit, price, step, arr.ptr, arr.len, mode, order.ptr(), olen, fills.ptr(), flen, count.ptr()) };
    assert_named(st);
    let fills_rejected = flen > 0 && fills.rejected() || flen > max_len::<partliq_adl_fill>();
    if arr.rejected || order_rejected || fills_rejected || count.rejected() {
        assert!(is_boundary_status(st));
        fills.assert_untouched("fills");
        count.assert_untouched("adl count");
        return;
    }
    let available: i128 =
        seen_cands.iter().filter(|c| c.size != 0 && c.size.signum() != deficit.signum()).map(|c| i128::from(c.size).saturating_abs()).sum();
    let pre = if mode > 1 {
        Some(PARTLIQ_STATUS_INVALID_ENUM)
    } else if reserved_bad {
        Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
    } else if step <= 0 {
        Some(PARTLIQ_STATUS_INVALID_LOT_STEP)
    } else if price <= 0 {
        Some(PARTLIQ_STATUS_INVALID_FILL_PRICE)
    } else if olen < opp {
        Some(PARTLIQ_STATUS_BUFFER_TOO_SMALL)
    } else if available < i128::from(deficit).saturating_abs() {
        Some(PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES)
    } else if flen < opp {
        Some(PARTLIQ_STATUS_BUFFER_TOO_SMALL)
    } else {
        None
    };
    if let Some(s) = pre {
        assert_eq!(st, s);
        fills.assert_untouched("fills");
        count.assert_untouched("adl count");
        return;
    }
    let mut core_order = vec![0u32; olen];
    let mut core_fills = vec![AdlFill::default(); flen];
    let m = if mode == 0 { AdlMode::Queue } else { AdlMode::ProRata };
    let core = partliq::deleverage(Size(deficit), Price(price), Size(step), &core_c, m, &mut core_order, &mut core_fills);
    assert_eq!(st, status_of(&core), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        fills.assert_untouched("fills");
        count.assert_untouched("adl count");
        return;
    }
    let k = core.unwrap();
    assert_eq!(count.read(0), k);
    fills.assert_untouched_from(flen, "fills past fills_len");
    let mut seen = vec![false; seen_cands.len()];
    let mut total: i128 = 0;
    for (j, cf) in core_fills[..k].iter().enumerate() {
        let f = fills.read(j);
        assert_eq!((f.candidate, f.account, f.size_delta, f.price), (cf.candidate, cf.account, cf.size_delta.0, cf.price.0));
        let i = f.candidate as usize;
        assert!(i < seen_cands.len() && !seen[i], "unknown or repeated candidate");
        seen[i] = true;
        let c = seen_cands[i];
        assert_eq!((f.account, f.price), (c.account, price));
        assert!(c.size != 0 && c.size.signum() != deficit.signum(), "fill on the deficit's side");
        assert!(f.size_delta != 0 && f.size_delta.signum() == -c.size.signum(), "fill does not reduce the candidate");
        assert!(f.size_delta.unsigned_abs() <= c.size.unsigned_abs(), "fill beyond the candidate's position");
        total += i128::from(f.size_delta).abs();
    }
    assert_eq!(total, i128::from(deficit).abs(), "fills do not sum to the deficit");
}
