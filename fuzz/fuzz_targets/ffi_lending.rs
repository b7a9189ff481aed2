//! Lending mode: `partliq_lending_terms_validate`, `partliq_lending_health`,
//! `partliq_plan_lending_liquidation`, `partliq_least_debt_to_cover`: no
//! crash on any values, NULL or misaligned pointers or impossible lengths;
//! every status the Rust API's (after the boundary's own checks, in
//! argument order: the book's and the balances' values — not the
//! positions', which lending does not read — then the terms' reserved
//! bytes and flag; `BUFFER_TOO_SMALL` when the flows do not fit);
//! the outputs and the flows, pre-filled with a sentinel, untouched byte for
//! byte on any error and past `flow_count` on success; on success the
//! figures the Rust API's, each flow summing to zero, a liquidation only of
//! a liquidatable account, and the least amount within the close factor,
//! restoring a health factor of 1 when it says so (checked by planning it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::unified::lending::{least_debt_to_cover, lending_health, plan_lending_liquidation, LendingTerms};
use partliq_ffi::*;
use partliq_fuzz::lending::*;
use partliq_fuzz::unified::*;
use partliq_fuzz::*;

const WAD: i128 = 1_000_000_000_000_000_000;

/// The amount to cover.
#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
enum Cover {
    /// `INT64_MAX`: as much as allowed.
    All,
    /// A share of the account's debt in the debt asset, ppm.
    Share(u32),
    Raw(I64),
}

/// The flows array's length.
#[derive(arbitrary::Arbitrary, Debug, Clone, Copy)]
enum FlowsLen {
    Max,
    Small(u8),
    Zero,
    TooLong,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    data: LendingIn,
    shapes: UnifiedShapes,
    terms: Vec<TermsIn>,
    base_exponent: i8,
    terms_shape: ArrShape,
    collateral: u8,
    debt: u8,
    raw_pair: Option<(u32, u32)>,
    cover: Cover,
    flows_len: FlowsLen,
    flows_ptr: OutPtr,
    out: OutPtr,
    least_out: OutPtr,
    health_out: OutPtr,
    scan_limit: u8,
    validate_ptr: OutPtr,
}

/// The calls' common arguments.
struct Call<'a> {
    args: &'a UnifiedArgs<'a>,
    terms: &'a ArrArg<partliq_lending_terms>,
}

fuzz_target!(|inp: Input| {
    let data = inp.data.build();
    let args = UnifiedArgs::new(&data, inp.shapes);
    let k = i32::from(inp.base_exponent % 4) * 2;
    let mut terms: Vec<partliq_lending_terms> = inp.terms.iter().take(data.assets.len() + 1).map(|t| t.to_abi(k)).collect();
    if matches!(inp.data, LendingIn::Near { .. }) && terms.len() < data.assets.len() {
        // Mostly enough terms for the assets near the threshold.
        let testnet = partliq_lending_terms {
            liquidation_threshold_ppm: 860_000,
            liquidation_bonus_ppm: 1_050_000,
            protocol_fee_ppm: 100_000,
            collateral_enabled: 1,
            reserved: [0; 3],
            base_exponent: k,
        };
        let fill = terms.last().copied().unwrap_or(testnet);
        terms.resize(data.assets.len(), fill);
    }
    let terms_arg = ArrArg::new(&terms, inp.terms_shape);
    let call = Call { args: &args, terms: &terms_arg };
    let na = data.assets.len() as u32 + 1;
    let (ci, di) = inp.raw_pair.unwrap_or((u32::from(inp.collateral) % na, u32::from(inp.debt) % na));
    let rejected = args.rejected() || terms_arg.rejected;

    validate(&terms, inp.validate_ptr);

    // What the core sees and the boundary's own value checks (the balances
    // only: the positions' values are neither checked nor read).
    let v = args.view_balances();
    let core_terms_v: Vec<LendingTerms> = terms_arg.effective(&terms).iter().map(core_terms).collect();
    let boundary = v.boundary.or_else(|| terms_boundary(terms_arg.effective(&terms)));
    let (book, account) = (v.book(), v.account());

    // Health.
    let mut h = OutSlot::<partliq_lending_account_health>::new(inp.health_out);
    let st = call.health(h.ptr());
    assert_named(st);
    if rejected || h.rejected() {
        assert!(is_boundary_status(st), "health: status {st} for a rejected argument");
        h.assert_untouched("lending health");
    } else {
        let core = lending_health(&account, &book, &core_terms_v);
        assert_eq!(st, boundary.unwrap_or_else(|| status_of(&core)), "{core:?}");
        if st == PARTLIQ_STATUS_OK {
            let c = core.unwrap();
            assert_eq!(h.read(0), partliq_lending_account_health::from(&c));
            h.assert_untouched_from(1, "lending health");
        } else {
            h.assert_untouched("lending health");
        }
    }

    // One liquidation.
    let debt_held: i128 = v.balances.iter().filter(|b| b.asset_index == di && b.amount < 0).map(|b| -i128::from(b.amount)).sum();
    let cover = match inp.cover {
        Cover::All => i64::MAX,
        Cover::Share(p) => i64::try_from(debt_held * i128::from(p % 1_200_001) / 1_000_000).unwrap_or(i64::MAX - 1),
        Cover::Raw(x) => x.get(),
    };
    let n = match inp.flows_len {
        FlowsLen::Max => PARTLIQ_MAX_LENDING_FLOWS,
        FlowsLen::Small(s) => usize::from(s % 4),
        FlowsLen::Zero => 0,
        FlowsLen::TooLong => max_len::<partliq_asset_flow>() + 1,
    };
    let mut flows = OutSlot::<partliq_asset_flow>::array(inp.flows_ptr, n.min(PARTLIQ_MAX_LENDING_FLOWS));
    let flows_rejected = n > 0 && (flows.rejected() || n > max_len::<partliq_asset_flow>());
    let mut out = OutSlot::<partliq_lending_liquidation>::new(inp.out);
    let st = call.plan(ci, di, cover, flows.ptr(), n, out.ptr());
    assert_named(st);
    if rejected || flows_rejected || out.rejected() {
        assert!(is_boundary_status(st), "plan: status {st} for a rejected argument");
        out.assert_untouched("lending liquidation");
        flows.assert_untouched("flows");
    } else {
        let core_cover = if cover == i64::MAX { i128::MAX } else { i128::from(cover) };
        let core = plan_lending_liquidation(&account, &book, &core_terms_v, ci, di, core_cover);
        let want = boundary.unwrap_or_else(|| match &core {
            Ok(l) if l.flows().len() > n => PARTLIQ_STATUS_BUFFER_TOO_SMALL,
            r => status_of(r),
        });
        assert_eq!(st, want, "{core:?}");
        if st == PARTLIQ_STATUS_OK {
            let c = core.unwrap();
            let l = out.read(0);
            out.assert_untouched_from(1, "lending liquidation");
            check_liquidation(&l, &c);
            let count = l.flow_count as usize;
            assert_eq!(count, c.flows().len());
            for (i, f) in c.flows().iter().enumerate() {
                let got = flows.read(i);
                assert_eq!(got, partliq_asset_flow::from(f));
                let net = wide(got.account_hi, got.account_lo)
                    + wide(got.liquidator_hi, got.liquidator_lo)
                    + wide(got.protocol_hi, got.protocol_lo)
                    + wide(got.deficit_hi, got.deficit_lo);
                assert_eq!(net, 0, "flow {i} does not sum to zero: {got:?}");
            }
            flows.assert_untouched_from(count, "flows past flow_count");
        } else {
            out.assert_untouched("lending liquidation");
            flows.assert_untouched("flows");
        }
    }

    // The least amount.
    let mut q = OutSlot::<partliq_debt_to_cover>::new(inp.least_out);
    let scan = u32::from(inp.scan_limit % 64);
    let st = call.least(ci, di, scan, q.ptr());
    assert_named(st);
    if rejected || q.rejected() {
        assert!(is_boundary_status(st), "least: status {st} for a rejected argument");
        q.assert_untouched("least debt to cover");
        return;
    }
    let core = least_debt_to_cover(&account, &book, &core_terms_v, ci, di, scan);
    assert_eq!(st, boundary.unwrap_or_else(|| status_of(&core)), "{core:?}");
    if st != PARTLIQ_STATUS_OK {
        q.assert_untouched("least debt to cover");
        return;
    }
    let c = core.unwrap();
    let got = q.read(0);
    q.assert_untouched_from(1, "least debt to cover");
    assert_eq!(got, partliq_debt_to_cover::from(&c));
    let x = wide(got.debt_to_cover_hi, got.debt_to_cover_lo);
    let max = wide(got.max_liquidatable_debt_hi, got.max_liquidatable_debt_lo);
    assert!(0 < x && x <= max, "least {x} outside (0, {max}]");
    assert!(got.restores <= 1 && got.exact <= 1 && got.reserved == [0; 6]);
    let hf = wide(got.health_factor_after_hi, got.health_factor_after_lo);
    assert_eq!(got.restores == 1, hf >= WAD, "restores and the health factor after: {got:?}");
    // Planned through the ABI, the amount found gives that health factor.
    if let Ok(x64) = i64::try_from(x) {
        if x64 != i64::MAX {
            let mut flows = vec![partliq_asset_flow::default(); PARTLIQ_MAX_LENDING_FLOWS];
            let mut l = partliq_lending_liquidation::default();
            let st = call.plan(ci, di, x64, flows.as_mut_ptr(), flows.len(), &mut l);
            assert_eq!(st, PARTLIQ_STATUS_OK, "the least amount {x} is refused");
            assert_eq!(wide(l.after.health_factor_hi, l.after.health_factor_lo), hf);
        }
    }
});

/// The ABI's liquidation against the core's, field for field, with its
/// own invariants.
fn check_liquidation(l: &partliq_lending_liquidation, c: &partliq::unified::lending::LendingLiquidation) {
    assert_eq!((l.collateral_asset, l.debt_asset), (c.collateral_asset, c.debt_asset));
    assert_eq!(l.before, partliq_lending_account_health::from(&c.before));
    assert_eq!(l.after, partliq_lending_account_health::from(&c.after));
    let pairs = [
        (wide(l.max_liquidatable_debt_hi, l.max_liquidatable_debt_lo), c.max_liquidatable_debt),
        (wide(l.debt_repaid_hi, l.debt_repaid_lo), c.debt_repaid),
        (wide(l.collateral_seized_hi, l.collateral_seized_lo), c.collateral_seized),
        (wide(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo), c.collateral_to_liquidator),
        (wide(l.protocol_fee_hi, l.protocol_fee_lo), c.protocol_fee),
        (wide(l.deficit_base_hi, l.deficit_base_lo), c.deficit_base),
    ];
    for (i, (got, want)) in pairs.iter().enumerate() {
        assert_eq!(got, want, "figure {i}");
    }
    assert_eq!((l.close_factor_rule, l.dust, l.reserved), (c.close_factor_rule as u32, c.dust as u32, 0));
    assert_eq!(l.before.liquidatable, 1, "a liquidation of an account that is not liquidatable");
    assert!(l.flow_count as usize <= PARTLIQ_MAX_LENDING_FLOWS);
    let seized = wide(l.collateral_seized_hi, l.collateral_seized_lo);
    let parts = wide(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo) + wide(l.protocol_fee_hi, l.protocol_fee_lo);
    assert_eq!(seized, parts);
}

/// `partliq_lending_terms_validate` of each terms value against the core's
/// `validate` (after the boundary's checks).
fn validate(terms: &[partliq_lending_terms], shape: OutPtr) {
    for t in terms {
        let arg = InStruct::new(*t, shape);
        // SAFETY: valid, NULL or misaligned (refused before any read).
        let st = unsafe { partliq_lending_terms_validate(arg.ptr()) };
        assert_named(st);
        if arg.rejected() {
            assert!(is_boundary_status(st));
        } else {
            let want = terms_boundary(core::slice::from_ref(t)).unwrap_or_else(|| status_of(&core_terms(t).validate()));
            assert_eq!(st, want);
        }
    }
}

impl Call<'_> {
    fn health(&self, out: *mut partliq_lending_account_health) -> partliq_status {
        let a = self.args;
        // SAFETY: every array is valid for its length unless the boundary must
        // reject it (NULL, misaligned, impossible length) before any read; the
        // output is valid, NULL or misaligned.
        unsafe { unified_call!(partliq_lending_health; a; self.terms.ptr, self.terms.len, out) }
    }

    fn plan(
        &self,
        ci: u32,
        di: u32,
        cover: i64,
        flows: *mut partliq_asset_flow,
        flows_len: usize,
        out: *mut partliq_lending_liquidation,
    ) -> partliq_status {
        let a = self.args;
        // SAFETY: as `health`; the flows are valid for `flows_len` or refused
        // before any write.
        unsafe { unified_call!(partliq_plan_lending_liquidation; a; self.terms.ptr, self.terms.len, ci, di, cover, flows, flows_len, out) }
    }

    fn least(&self, ci: u32, di: u32, scan: u32, out: *mut partliq_debt_to_cover) -> partliq_status {
        let a = self.args;
        // SAFETY: as `health`.
        unsafe { unified_call!(partliq_least_debt_to_cover; a; self.terms.ptr, self.terms.len, ci, di, scan, out) }
    }
}
