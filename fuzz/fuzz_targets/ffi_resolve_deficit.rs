//! `partliq_resolve_deficit` and the socialized loss's figures
//! (`partliq_socialized_delta`, `partliq_socialized_charge`,
//! `partliq_haircut_index`, `partliq_haircut_balance`) on arbitrary
//! deficits, policies, funds (valid or raw), payers and assets: no crash on
//! any values, NULL or misaligned pointers or impossible lengths; every
//! status the Rust API's after the boundary's own checks (deficit kind,
//! policy count, steps and scope; a figure beyond `int64_t`: `OVERFLOW`);
//! the ledger, the outcome and every fund untouched byte for byte on any
//! error; on success the Rust API's figures, a balanced ledger
//! (`ledger_balances`) and the one fund drawn on written.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::escalation::InsuranceFunds;
use partliq::unified::{
    haircut_balance, haircut_index, ledger_balances, resolve_deficit, socialized_charge, socialized_delta, FundId, LedgerEntry, MarginBook,
    Socialization, WaterfallContext, MAX_LEDGER_ENTRIES,
};
use partliq::{Price, Size};
use partliq_ffi::*;
use partliq_fuzz::legs::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    deficit: DeficitIn,
    deficit_ptr: OutPtr,
    policy: PolicyIn,
    policy_ptr: OutPtr,
    fund: FundIn,
    fund_ptr: OutPtr,
    market_funds: Vec<FundIn>,
    market_funds_shape: ArrShape,
    has_own: Vec<u8>,
    has_own_shape: ArrShape,
    backstop: I64,
    payers: Vec<I64>,
    payers_shape: ArrShape,
    deposit_index: I64,
    assets: Vec<AssetIn>,
    assets_shape: ArrShape,
    asset_prices: Vec<I64>,
    asset_prices_shape: ArrShape,
    ledger_ptr: OutPtr,
    ledger_len: u8,
    out: OutPtr,
    figures: [I64; 3],
}

fn wide(v: i128) -> Result<i64, partliq_status> {
    i64::try_from(v).map_err(|_| PARTLIQ_STATUS_OVERFLOW)
}

fuzz_target!(|inp: Input| {
    figures(inp.figures.map(I64::get));
    let deficit = inp.deficit.to_abi();
    let d_arg = InStruct::new(deficit, inp.deficit_ptr);
    let policy = inp.policy.to_abi();
    let p_arg = InStruct::new(policy, inp.policy_ptr);
    let fund0 = inp.fund.to_abi();
    let mut fund = InOut::new(fund0, inp.fund_ptr);
    let own0: Vec<partliq_insurance_fund> = inp.market_funds.iter().take(3).map(|f| f.to_abi()).collect();
    let mut own = own0.clone();
    let own_arg = ArrArg::new(&own, inp.market_funds_shape);
    let own_ptr = if own_arg.ptr.is_null() || own_arg.rejected { own_arg.ptr.cast_mut() } else { own.as_mut_ptr() };
    let has_own: Vec<u8> = inp.has_own.iter().take(4).map(|b| b % 2).collect();
    // Bytes have no alignment to miss: a "misaligned" one is a valid pointer.
    let mut has_shape = inp.has_own_shape;
    if matches!(has_shape.ptr, ArrPtr::Misaligned) {
        has_shape.ptr = ArrPtr::Valid;
    }
    let has_arg = ArrArg::new(&has_own, has_shape);
    let payers: Vec<i64> = inp.payers.iter().take(6).map(|p| p.get()).collect();
    let payers_arg = ArrArg::new(&payers, inp.payers_shape);
    let assets: Vec<partliq_asset> = inp.assets.iter().take(3).map(AssetIn::to_abi).collect();
    let assets_arg = ArrArg::new(&assets, inp.assets_shape);
    let prices: Vec<i64> = inp.asset_prices.iter().take(3).map(|p| p.get()).collect();
    let prices_arg = ArrArg::new(&prices, inp.asset_prices_shape);
    let ledger_len = usize::from(inp.ledger_len % 9);
    let mut ledger = OutSlot::<partliq_ledger_entry>::array(inp.ledger_ptr, ledger_len.max(1));
    let mut out = OutSlot::<partliq_waterfall_outcome>::new(inp.out);
    let (cap, deposit_index) = (inp.backstop.get(), inp.deposit_index.get());
    let fund_before = fund.bytes();
    // SAFETY: every array valid for its length unless the boundary must
    // reject it first; the structs, the fund and the outputs valid, NULL or
    // misaligned; the market funds are `own`, written only through this call.
    let st = unsafe {
        partliq_resolve_deficit(
            assets_arg.ptr,
            assets_arg.len,
            prices_arg.ptr,
            prices_arg.len,
            d_arg.ptr(),
            p_arg.ptr(),
            fund.ptr(),
            own_ptr,
            own_arg.len,
            has_arg.ptr,
            has_arg.len,
            cap,
            payers_arg.ptr,
            payers_arg.len,
            deposit_index,
            ledger.ptr(),
            ledger_len,
            out.ptr(),
        )
    };
    assert_named(st);
    let untouched = |what: &str, ledger: &OutSlot<partliq_ledger_entry>, out: &OutSlot<partliq_waterfall_outcome>| {
        ledger.assert_untouched(what);
        out.assert_untouched(what);
    };
    if assets_arg.rejected
        || prices_arg.rejected
        || d_arg.rejected()
        || p_arg.rejected()
        || fund.rejected()
        || own_arg.rejected
        || has_arg.rejected
        || payers_arg.rejected
        || (ledger_len > 0 && ledger.rejected())
        || out.rejected()
    {
        assert!(is_boundary_status(st), "status {st} for a rejected argument");
        untouched("waterfall", &ledger, &out);
        assert_eq!(fund.bytes(), fund_before);
        assert_eq!(own, own0);
        return;
    }
    // The core on copies, then the ABI's figures.
    let core_assets: Vec<_> = assets_arg.effective(&assets).iter().map(core_asset).collect();
    let core_prices: Vec<Price> = prices_arg.effective(&prices).iter().map(|p| Price(*p)).collect();
    let book = MarginBook { assets: &core_assets, asset_prices: &core_prices, ..MarginBook::perps(&[], &[]) };
    let mut shared = core_fund(&fund0);
    let mut per_market: Vec<_> = own_arg.effective(&own0).iter().map(core_fund).collect();
    let mut core_ledger = vec![LedgerEntry::default(); ledger_len.min(MAX_LEDGER_ENTRIES)];
    let ctx = WaterfallContext {
        backstop_capacity: i128::from(cap),
        payers: payers_arg.effective(&payers),
        deposit_index: i128::from(deposit_index),
        book: &book,
    };
    let has = has_arg.effective(&has_own);
    // The boundary's order: the assets' reserved fields, the deficit, the
    // policy, then the core.
    let reserved =
        if assets_arg.effective(&assets).iter().any(|a| a.reserved != 0) { Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO) } else { Ok(()) };
    let expected =
        reserved.and_then(|()| core_deficit(&deficit)).and_then(|d| core_policy_of(&policy).map(|p| (d, p))).and_then(|(d, p)| {
            let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut per_market, has_own: has };
            let o = resolve_deficit(&d, &p, &mut funds, &ctx, &mut core_ledger).map_err(|e| status_of::<()>(&Err(e)))?;
            // Every figure the ABI writes must fit an int64_t.
            for e in &core_ledger[..o.ledger_len] {
                wide(e.amount)?;
            }
            for u in o.used() {
                wide(u.absorbed)?;
            }
            wide(o.fund_paid)?;
            wide(o.adl_residual)?;
            match o.socialization {
                Socialization::None => {}
                Socialization::Perp { open_interest, delta, charged, surplus } => {
                    for v in [open_interest, delta, charged, surplus] {
                        wide(v)?;
                    }
                }
                Socialization::Spot { deposits, old_index, new_index, deposits_after, surplus } => {
                    for v in [deposits, old_index, new_index, deposits_after, surplus] {
                        wide(v)?;
                    }
                }
            }
            Ok((d, o))
        });
    match &expected {
        Err(s) => assert_eq!(st, *s),
        Ok(_) => assert_eq!(st, PARTLIQ_STATUS_OK),
    }
    let Ok((d, o)) = expected else {
        untouched("waterfall", &ledger, &out);
        assert_eq!(fund.bytes(), fund_before, "fund written on error");
        assert_eq!(own, own0, "market funds written on error");
        return;
    };
    let w = out.read(0);
    out.assert_untouched_from(1, "waterfall");
    let n = o.ledger_len;
    assert_eq!(w.ledger_len as usize, n);
    ledger.assert_untouched_from(n, "waterfall ledger");
    assert!(ledger_balances(&core_ledger[..n], &d), "unbalanced ledger {:?}", &core_ledger[..n]);
    for (i, e) in core_ledger[..n].iter().enumerate() {
        let l = ledger.read(i);
        assert_eq!(l.amount, wide(e.amount).unwrap());
        assert!(l.amount > 0);
    }
    assert_eq!(
        (w.step_count as usize, w.fund_paid, w.adl_residual),
        (o.step_count, wide(o.fund_paid).unwrap(), wide(o.adl_residual).unwrap())
    );
    // The fund drawn on is the one written, with the outcome's figures.
    let after = w.fund_after;
    assert_eq!(core_fund(&after), o.fund_after);
    match o.fund_id {
        FundId::Global => {
            assert_eq!((w.fund_market, fund.get()), (PARTLIQ_NO_INDEX, after));
            assert_eq!(own, own0);
        }
        FundId::Market(m) => {
            assert_eq!(w.fund_market, m);
            assert_eq!(fund.bytes(), fund_before);
            assert_eq!(own[m as usize], after);
        }
    }
});

/// The four scalar figures against the core's.
fn figures([a, b, c]: [i64; 3]) {
    let call = |f: &dyn Fn(*mut i64) -> partliq_status, core: partliq::Result<i128>| {
        let mut v = 0x5A5A_i64;
        let st = f(&mut v);
        let want = core.map_err(|e| status_of::<()>(&Err(e))).and_then(wide);
        match want {
            Ok(x) => assert_eq!((st, v), (PARTLIQ_STATUS_OK, x)),
            Err(s) => assert_eq!((st, v), (s, 0x5A5A)),
        }
    };
    let (a1, b1, c1) = (i128::from(a), i128::from(b), i128::from(c));
    // SAFETY (each closure): `p` is a live out-pointer.
    call(&|p| unsafe { partliq_socialized_delta(a, b, p) }, socialized_delta(a1, b1));
    // SAFETY: as above.
    call(&|p| unsafe { partliq_socialized_charge(a, b, p) }, socialized_charge(Size(a), b1));
    // SAFETY: as above.
    call(&|p| unsafe { partliq_haircut_index(a, b, c, p) }, haircut_index(a1, b1, c1));
    // SAFETY: as above.
    call(&|p| unsafe { partliq_haircut_balance(a, b, c, p) }, haircut_balance(a1, b1, c1));
}
