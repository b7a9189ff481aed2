//! Shared state over the C ABI, single-threaded: `partliq_market_params_*`,
//! `partliq_capacity_*`, `partliq_fund_*` over caller memory of arbitrary
//! length and alignment (or NULL), as sequences of operations. Every status
//! equals the Rust API's on a twin object (same operations on
//! `partliq::shared` over a word array of the same length); outputs
//! untouched on error. Invariants: capacity never over-spent (window and
//! block usage within their budgets), the fund never debited below its
//! floor and its ledger exact (`initial + credits − debits = balance`), a
//! read returns the last published market and version.
#![no_main]
use core::ffi::c_void;
use core::sync::atomic::AtomicU64;
use libfuzzer_sys::fuzz_target;
use partliq::shared::{Capacity, CapacityLimits, Params, Reservation, SharedInsuranceFund};
use partliq::{Market, Quote};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
enum Mem {
    Exact,
    Exact2,
    Exact3,
    Short(u8),
    Long(u8),
    Misaligned,
    Null,
}

#[derive(arbitrary::Arbitrary, Debug)]
enum Op {
    Publish(MarketIn, OutPtr),
    Read(OutPtr, OutPtr),
    Reserve { market: u8, amount: I64, now: u8, block: u8, partial: u8, out: OutPtr },
    Commit { which: u8, filled: I64, raw: Option<u64> },
    Release { which: u8 },
    Available { market: u8, now: u8, block: u8, out: OutPtr },
    Used { market: u8, now: u8, block: u8, w: OutPtr, b: OutPtr },
    Credit(I64, OutPtr),
    Debit(I64, OutPtr),
    DebitUpTo(I64, OutPtr),
    Ledger(OutPtr),
    SetFloor(I64),
}

#[derive(arbitrary::Arbitrary, Debug)]
enum Kind {
    Params { slots: u8, initial: MarketIn, initial_ptr: OutPtr },
    Capacity { limits: Vec<(u8, I64, I64)>, entries: u8, limits_ptr: OutPtr },
    Fund { initial: I64, floor: I64 },
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    kind: Kind,
    mem: Mem,
    ops: Vec<Op>,
}

fn budget(v: I64) -> u64 {
    match v {
        I64::Edge(Edge::Max) | I64::Edge(Edge::MinusOne) => PARTLIQ_CAPACITY_UNLIMITED,
        v => v.get() as u64,
    }
}

fn twin_words(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

fn code<T>(r: &partliq::Result<T>) -> partliq_status {
    status_of(r)
}

fuzz_target!(|inp: Input| {
    assert_eq!((partliq_market_params_align(), partliq_capacity_align(), partliq_fund_align()), (8, 8, 8));
    let need = match &inp.kind {
        Kind::Params { slots, .. } => partliq_market_params_size(usize::from(*slots % 66)),
        Kind::Capacity { limits, entries, .. } => partliq_capacity_size(limits.len().min(4), usize::from(*entries % 9)),
        Kind::Fund { .. } => partliq_fund_size(),
    };
    let base = need.max(8);
    let len = match inp.mem {
        Mem::Exact | Mem::Exact2 | Mem::Exact3 | Mem::Misaligned | Mem::Null => base,
        Mem::Short(k) => base - (usize::from(k) % (base + 1)),
        Mem::Long(k) => base + usize::from(k),
    };
    let mut buf = vec![0u64; len / 8 + 2];
    let mem: *mut c_void = match inp.mem {
        Mem::Null => core::ptr::null_mut(),
        Mem::Misaligned => buf.as_mut_ptr().cast::<u8>().wrapping_add(1).cast(),
        _ => buf.as_mut_ptr().cast(),
    };
    let mem_err = match inp.mem {
        Mem::Null => Some(PARTLIQ_STATUS_NULL_POINTER),
        Mem::Misaligned => Some(PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED),
        _ => None,
    };
    let mut twin = twin_words(len / 8);
    // Init.
    let init_st = match &inp.kind {
        Kind::Params { slots, initial, initial_ptr } => {
            let m = initial.to_abi();
            let p = InStruct::new(m, *initial_ptr);
            // SAFETY: `mem` valid for `len` bytes, NULL or misaligned.
            let st = unsafe { partliq_market_params_init(mem, len, usize::from(*slots % 66), p.ptr()) };
            if p.rejected() {
                assert!(is_boundary_status(st));
                return;
            }
            let want = mem_err.unwrap_or_else(|| {
                if let Some(s) = fee_rounding_status(&m) {
                    return s;
                }
                let cm = core_market(&m);
                match cm.validate() {
                    Err(e) => e as u32,
                    Ok(()) => code(&Params::<Market>::init(&mut twin, usize::from(*slots % 66), &cm)),
                }
            });
            assert_eq!(st, want);
            st
        }
        Kind::Capacity { limits, entries, limits_ptr } => {
            let ls: Vec<partliq_capacity_limits> = limits
                .iter()
                .take(4)
                .map(|(w, wb, bb)| partliq_capacity_limits {
                    window_len: u64::from(*w % 8),
                    window_budget: budget(*wb),
                    block_budget: budget(*bb),
                })
                .collect();
            let a = ArrArg::new(
                &ls,
                ArrShape {
                    ptr: match limits_ptr {
                        OutPtr::Null => ArrPtr::Null,
                        OutPtr::Misaligned => ArrPtr::Misaligned,
                        _ => ArrPtr::Valid,
                    },
                    len: ArrLen::Exact,
                },
            );
            // SAFETY: as above; `limits` valid for its length unless rejected.
            let st = unsafe { partliq_capacity_init(mem, len, a.ptr, a.len, usize::from(*entries % 9)) };
            if a.rejected {
                assert!(is_boundary_status(st));
                return;
            }
            let cl: Vec<CapacityLimits> = ls
                .iter()
                .map(|l| CapacityLimits { window_len: l.window_len, window_budget: l.window_budget, block_budget: l.block_budget })
                .collect();
            let want = mem_err.unwrap_or_else(|| code(&Capacity::init(&mut twin, &cl, usize::from(*entries % 9))));
            assert_eq!(st, want);
            st
        }
        Kind::Fund { initial, floor } => {
            // SAFETY: as above.
            let st = unsafe { partliq_fund_init(mem, len, initial.get(), floor.get()) };
            let want = mem_err.unwrap_or_else(|| code(&SharedInsuranceFund::init(&mut twin, Quote(initial.get()), Quote(floor.get()))));
            assert_eq!(st, want);
            st
        }
    };
    assert_named(init_st);
    let live = init_st == PARTLIQ_STATUS_OK;
    let mut handles: Vec<u64> = Vec::new();
    let mut last: Option<(partliq_market, u64)> = None;
    if live {
        if let Kind::Params { initial, .. } = &inp.kind {
            last = Some((initial.to_abi(), 1));
        }
    }
    let mut fund_model: Option<(i128, i128, i128, i64)> = None; // (initial, credits, debits, floor)
    if let (true, Kind::Fund { initial, floor }) = (live, &inp.kind) {
        fund_model = Some((i128::from(initial.get()), 0, 0, floor.get()));
    }
    for op in inp.ops.iter().take(24) {
        let mem_c = mem.cast_const();
        // The twin's view of the status for memory and object errors.
        let pre = |outs_bad: bool| -> Option<partliq_status> {
            if outs_bad {
                None
            } else {
                mem_err
            }
        };
        match op {
            Op::Publish(mi, vp) => {
                let m = mi.to_abi();
                let mut v = OutSlot::<u64>::new(*vp);
                // SAFETY: valid/NULL/misaligned pointers; `mem` as above.
                let st = unsafe { partliq_market_params_publish(mem_c, len, &m, v.ptr()) };
                assert_named(st);
                if v.rejected() {
                    assert!(is_boundary_status(st));
                    v.assert_untouched("publish");
                    continue;
                }
                let want = pre(false).unwrap_or_else(|| {
                    if let Some(s) = fee_rounding_status(&m) {
                        return s;
                    }
                    let cm = core_market(&m);
                    match cm.validate() {
                        Err(e) => e as u32,
                        Ok(()) => code(&Params::<Market>::attach(&twin).and_then(|p| p.publish(&cm))),
                    }
                });
                assert_eq!(st, want);
                if st == PARTLIQ_STATUS_OK {
                    let (_, ver) = last.expect("publish on an object never initialised");
                    assert_eq!(v.read(0), ver + 1, "versions are not consecutive");
                    last = Some((m, ver + 1));
                } else {
                    v.assert_untouched("publish");
                }
            }
            Op::Read(op, vp) => {
                let mut o = OutSlot::<partliq_market>::new(*op);
                let mut v = OutSlot::<u64>::new(*vp);
                // SAFETY: as above.
                let st = unsafe { partliq_market_params_read(mem_c, len, o.ptr(), v.ptr()) };
                assert_named(st);
                if o.rejected() || v.rejected() {
                    assert!(is_boundary_status(st));
                } else {
                    let want = pre(false).unwrap_or_else(|| code(&Params::<Market>::attach(&twin).and_then(|p| p.read())));
                    assert_eq!(st, want);
                    if st == PARTLIQ_STATUS_OK {
                        let (m, ver) = last.expect("read on an object never initialised");
                        let mut expect = m;
                        expect.tiers[m.tier_count as usize..].fill(partliq_margin_tier::default());
                        assert_eq!((o.read(0), v.read(0)), (expect, ver), "read is not the last published market");
                        continue;
                    }
                }
                o.assert_untouched("read");
                v.assert_untouched("read version");
            }
            Op::Reserve { market, amount, now, block, partial, out } => {
                let mut o = OutSlot::<partliq_capacity_reservation>::new(*out);
                let (mk, am, now, bl, pa) =
                    (u32::from(*market % 6), amount.get() as u64, u64::from(*now), u64::from(*block % 4), u32::from(*partial % 3));
                // SAFETY: as above.
                let st = unsafe { partliq_capacity_reserve(mem_c, len, mk, am, now, bl, pa, o.ptr()) };
                assert_named(st);
                if o.rejected() {
                    assert!(is_boundary_status(st));
                    o.assert_untouched("reserve");
                    continue;
                }
                let want = pre(false).unwrap_or_else(|| {
                    if pa > 1 {
                        return PARTLIQ_STATUS_INVALID_ENUM;
                    }
                    match Capacity::attach(&twin) {
                        Err(e) => e as u32,
                        Ok(c) => {
                            let r = c.reserve(mk as usize, am, now, bl, pa == 1);
                            if let Ok(r) = &r {
                                let l = c.limits(mk as usize).unwrap();
                                if l.window_budget != PARTLIQ_CAPACITY_UNLIMITED {
                                    assert!(c.window_used(mk as usize, now).unwrap() <= l.window_budget, "window over-spent");
                                }
                                if l.block_budget != PARTLIQ_CAPACITY_UNLIMITED {
                                    assert!(c.block_used(mk as usize, bl).unwrap() <= l.block_budget, "block over-spent");
                                }
                                assert!(r.amount >= 1 && r.amount <= am);
                                if pa == 0 {
                                    assert_eq!(r.amount, am);
                                }
                            }
                            code(&r)
                        }
                    }
                });
                assert_eq!(st, want);
                if st == PARTLIQ_STATUS_OK {
                    let r = o.read(0);
                    handles.push(r.handle);
                    // The ABI object agrees with the twin's usage.
                    let (mut w, mut b) = (0u64, 0u64);
                    // SAFETY: valid pointers.
                    assert_eq!(unsafe { partliq_capacity_used(mem_c, len, mk, now, bl, &mut w, &mut b) }, PARTLIQ_STATUS_OK);
                    let c = Capacity::attach(&twin).unwrap();
                    assert_eq!((w, b), (c.window_used(mk as usize, now).unwrap(), c.block_used(mk as usize, bl).unwrap()));
                } else {
                    o.assert_untouched("reserve");
                }
            }
            Op::Commit { which, filled, raw } => {
                let h = raw.unwrap_or_else(|| handles.get(usize::from(*which) % handles.len().max(1)).copied().unwrap_or(0));
                let f = filled.get() as u64;
                // SAFETY: `mem` as above.
                let st = unsafe { partliq_capacity_commit(mem_c, len, h, f) };
                let want = pre(false).unwrap_or_else(|| code(&Capacity::attach(&twin).and_then(|c| c.commit(Reservation::from_raw(h), f))));
                assert_eq!(st, want);
            }
            Op::Release { which } => {
                let h = handles.get(usize::from(*which) % handles.len().max(1)).copied().unwrap_or(0);
                // SAFETY: as above.
                let st = unsafe { partliq_capacity_release(mem_c, len, h) };
                let want = pre(false).unwrap_or_else(|| code(&Capacity::attach(&twin).and_then(|c| c.release(Reservation::from_raw(h)))));
                assert_eq!(st, want);
            }
            Op::Available { market, now, block, out } => {
                let mut o = OutSlot::<u64>::new(*out);
                let (mk, now, bl) = (u32::from(*market % 6), u64::from(*now), u64::from(*block % 4));
                // SAFETY: as above.
                let st = unsafe { partliq_capacity_available(mem_c, len, mk, now, bl, o.ptr()) };
                if o.rejected() {
                    assert!(is_boundary_status(st));
                    o.assert_untouched("available");
                    continue;
                }
                let twin_r = Capacity::attach(&twin).and_then(|c| c.available(mk as usize, now, bl));
                assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                if st == PARTLIQ_STATUS_OK {
                    assert_eq!(o.read(0), twin_r.unwrap());
                } else {
                    o.assert_untouched("available");
                }
            }
            Op::Used { market, now, block, w, b } => {
                let mut ow = OutSlot::<u64>::new(*w);
                let mut ob = OutSlot::<u64>::new(*b);
                let (mk, now, bl) = (u32::from(*market % 6), u64::from(*now), u64::from(*block % 4));
                // SAFETY: as above.
                let st = unsafe { partliq_capacity_used(mem_c, len, mk, now, bl, ow.ptr(), ob.ptr()) };
                if ow.rejected() || ob.rejected() {
                    assert!(is_boundary_status(st));
                } else {
                    let twin_r = Capacity::attach(&twin)
                        .and_then(|c| Ok((c.window_used(mk as usize, now)?, c.block_used(mk as usize, bl)?, c.limits(mk as usize)?)));
                    assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                    if st == PARTLIQ_STATUS_OK {
                        let (tw, tb, l) = twin_r.unwrap();
                        assert_eq!((ow.read(0), ob.read(0)), (tw, tb));
                        assert!(l.window_budget == PARTLIQ_CAPACITY_UNLIMITED || tw <= l.window_budget, "window over-spent");
                        assert!(l.block_budget == PARTLIQ_CAPACITY_UNLIMITED || tb <= l.block_budget, "block over-spent");
                        continue;
                    }
                }
                ow.assert_untouched("used");
                ob.assert_untouched("used");
            }
            Op::Credit(a, out) | Op::Debit(a, out) => {
                let credit = matches!(op, Op::Credit(..));
                let mut o = OutSlot::<i64>::new(*out);
                // SAFETY: as above.
                let st = unsafe {
                    if credit {
                        partliq_fund_credit(mem_c, len, a.get(), o.ptr())
                    } else {
                        partliq_fund_debit(mem_c, len, a.get(), o.ptr())
                    }
                };
                if o.rejected() {
                    assert!(is_boundary_status(st));
                    o.assert_untouched("fund");
                    continue;
                }
                let twin_r =
                    SharedInsuranceFund::attach(&twin)
                        .and_then(|f| if credit { f.credit(Quote(a.get())) } else { f.debit(Quote(a.get())) });
                assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                if st == PARTLIQ_STATUS_OK {
                    assert_eq!(o.read(0), twin_r.unwrap().0);
                    if let Some(m) = fund_model.as_mut() {
                        if credit {
                            m.1 += i128::from(a.get());
                        } else {
                            m.2 += i128::from(a.get());
                            // A debit of 0 is a no-op (accepted even below the floor).
                            assert!(a.get() == 0 || o.read(0) >= m.3, "debited below the floor");
                        }
                    }
                } else {
                    o.assert_untouched("fund");
                }
            }
            Op::DebitUpTo(a, out) => {
                let mut o = OutSlot::<partliq_partial_debit>::new(*out);
                // SAFETY: as above.
                let st = unsafe { partliq_fund_debit_up_to(mem_c, len, a.get(), o.ptr()) };
                if o.rejected() {
                    assert!(is_boundary_status(st));
                    o.assert_untouched("debit_up_to");
                    continue;
                }
                let twin_r = SharedInsuranceFund::attach(&twin).and_then(|f| f.debit_up_to(Quote(a.get())));
                assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                if st == PARTLIQ_STATUS_OK {
                    let d = o.read(0);
                    let t = twin_r.unwrap();
                    assert_eq!((d.debited, d.balance), (t.debited.0, t.balance.0));
                    assert!(d.debited >= 0 && d.debited <= a.get());
                    if let Some(m) = fund_model.as_mut() {
                        m.2 += i128::from(d.debited);
                        assert!(d.debited == 0 || d.balance >= m.3, "debited below the floor");
                    }
                } else {
                    o.assert_untouched("debit_up_to");
                }
            }
            Op::Ledger(out) => {
                let mut o = OutSlot::<partliq_ledger>::new(*out);
                // SAFETY: as above.
                let st = unsafe { partliq_fund_ledger(mem_c, len, o.ptr()) };
                if o.rejected() {
                    assert!(is_boundary_status(st));
                    o.assert_untouched("ledger");
                    continue;
                }
                let twin_r = SharedInsuranceFund::attach(&twin).and_then(|f| f.ledger());
                assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                if st != PARTLIQ_STATUS_OK {
                    o.assert_untouched("ledger");
                    continue;
                }
                let l = o.read(0);
                let credits = (u128::from(l.credits_hi) << 64) | u128::from(l.credits_lo);
                let debits = (u128::from(l.debits_hi) << 64) | u128::from(l.debits_lo);
                let t = twin_r.unwrap();
                assert_eq!((l.initial, l.balance, l.floor, credits, debits), (t.initial.0, t.balance.0, t.floor.0, t.credits, t.debits));
                assert_eq!(i128::from(l.initial) + credits as i128 - debits as i128, i128::from(l.balance), "ledger not exact");
                if let Some(m) = fund_model {
                    assert_eq!((i128::from(l.initial), credits as i128, debits as i128, l.floor), m, "ledger differs from the model");
                }
            }
            Op::SetFloor(f) => {
                // SAFETY: as above.
                let st = unsafe { partliq_fund_set_floor(mem_c, len, f.get()) };
                let twin_r = SharedInsuranceFund::attach(&twin).and_then(|x| x.set_floor(Quote(f.get())));
                assert_eq!(st, pre(false).unwrap_or_else(|| code(&twin_r)));
                if st == PARTLIQ_STATUS_OK {
                    if let Some(m) = fund_model.as_mut() {
                        m.3 = f.get();
                    }
                }
            }
        }
    }
    drop(buf);
});
