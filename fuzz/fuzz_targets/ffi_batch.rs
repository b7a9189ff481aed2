//! The batch entry points `partliq_pool_health_batch`,
//! `partliq_plan_liquidation_batch` and `partliq_dydx_subaccount_risk_batch`:
//! no crash; NULL arrays and lengths
//! that disagree refused with a boundary status and nothing written;
//! otherwise each account's status and figures are those of the one-account
//! call on its range (`partliq_pool_health`, `partliq_plan_liquidation` with
//! the same leg room, the core's `subaccount_risk`),
//! an account whose range leaves the positions array `UNKNOWN_POSITION`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::venues::dydx_v4::{subaccount_risk, DydxPerpetual, DydxPosition, LiquidityTier, MarketPrice};
use partliq_ffi::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct DydxIn {
    atomic_resolution: i8,
    open_interest: i64,
    imf: u32,
    mf: u32,
    lower: u64,
    upper: u64,
    price: u64,
    price_exponent: i8,
    reserved: bool,
    quantums: i64,
    quote_balance: i64,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    pool: PoolIn,
    ranges: Vec<(i64, u8, u8)>,
    dydx: Vec<DydxIn>,
    /// 0: right; 1: NULL out; 2: NULL statuses; 3: out_len one more.
    shape: u8,
    /// The plan batch: target kind, buffer, band, order (any values: the
    /// ABI's checks apply), leg slots per account (0: `BAD_LENGTH`), and
    /// 0: right; 1: NULL plans; 2: NULL params; 3: legs_len one short.
    plan: (u8, u32, u32, u8, u8, u8),
}

fuzz_target!(|inp: Input| {
    let data = inp.pool.build(4, FUZZ_MAX_POSITIONS);
    let accounts: Vec<partliq_batch_account> = inp
        .ranges
        .iter()
        .take(16)
        .map(|&(c, f, n)| partliq_batch_account { collateral: c, first_position: u32::from(f % 20), position_count: u32::from(n % 20) })
        .collect();
    let n = accounts.len();
    let out_len = if inp.shape % 4 == 3 { n + 1 } else { n };
    let mut out = vec![partliq_health::default(); n + 1];
    let mut st = vec![u32::MAX; n + 1];
    let out_ptr = if inp.shape % 4 == 1 { core::ptr::null_mut() } else { out.as_mut_ptr() };
    let st_ptr = if inp.shape % 4 == 2 { core::ptr::null_mut() } else { st.as_mut_ptr() };
    // SAFETY: every non-NULL pointer is valid for its length (out and st
    // hold n + 1 entries).
    let r = unsafe {
        partliq_pool_health_batch(
            data.markets.as_ptr(),
            data.markets.len(),
            data.prices.as_ptr(),
            data.prices.len(),
            accounts.as_ptr(),
            n,
            data.positions.as_ptr(),
            data.positions.len(),
            out_ptr,
            st_ptr,
            out_len,
        )
    };
    assert_named(r);
    let untouched = |st: &[u32], out: &[partliq_health]| {
        assert!(st.iter().all(|&s| s == u32::MAX));
        assert!(out.iter().all(|h| *h == partliq_health::default()));
    };
    if (inp.shape % 4 == 1 || inp.shape % 4 == 2) && out_len > 0 {
        assert_eq!(r, PARTLIQ_STATUS_NULL_POINTER);
        untouched(&st, &out);
    } else if inp.shape % 4 == 3 {
        assert!(is_boundary_status(r), "status {r}");
        untouched(&st, &out);
    } else if r == PARTLIQ_STATUS_OK && out_len > 0 {
        for (i, a) in accounts.iter().enumerate() {
            let first = a.first_position as usize;
            let end = first + a.position_count as usize;
            if end > data.positions.len() {
                assert_eq!(st[i], PARTLIQ_STATUS_UNKNOWN_POSITION);
                continue;
            }
            let mut one = partliq_health::default();
            let ps = &data.positions[first..end];
            // SAFETY: valid pointers for their lengths.
            let s = unsafe {
                partliq_pool_health(
                    data.markets.as_ptr(),
                    data.markets.len(),
                    data.prices.as_ptr(),
                    data.prices.len(),
                    a.collateral,
                    ps.as_ptr(),
                    ps.len(),
                    &mut one,
                )
            };
            assert_eq!(st[i], s, "account {i}");
            if s == PARTLIQ_STATUS_OK {
                assert_eq!(out[i], one, "account {i}");
            } else {
                assert_eq!(out[i], partliq_health::default());
            }
        }
    } else if r != PARTLIQ_STATUS_OK {
        // Bad markets, prices or positions (a reserved field, an enum the
        // ABI does not name, a pointer): refused whole.
        assert!(is_boundary_status(r) || r == PARTLIQ_STATUS_RESERVED_NOT_ZERO || r == PARTLIQ_STATUS_INVALID_ENUM, "status {r}");
        untouched(&st, &out);
    }

    // Plans: each account's as partliq_plan_liquidation's on its range.
    let (kind, buffer, band, order, per, pshape) = inp.plan;
    let params = partliq_plan_params {
        target: partliq_target { kind: u32::from(kind % 3), buffer_ppm: buffer % 2_000_000 },
        price_band_ppm: band % 1_200_000,
        order: u32::from(order % 4),
    };
    let per = usize::from(per % 4);
    let legs_len = if pshape % 4 == 3 { (n * per).saturating_sub(1) } else { n * per };
    let mut legs = OutSlot::<partliq_plan_leg>::array(OutPtr::Valid, n * per);
    let mut plans = OutSlot::<partliq_plan>::array(if pshape % 4 == 1 { OutPtr::Null } else { OutPtr::Valid }, n);
    let mut st = vec![u32::MAX; n];
    let params_ptr: *const partliq_plan_params = if pshape % 4 == 2 { core::ptr::null() } else { &params };
    // SAFETY: every non-NULL pointer is valid for its length.
    let r = unsafe {
        partliq_plan_liquidation_batch(
            data.markets.as_ptr(),
            data.markets.len(),
            data.prices.as_ptr(),
            data.prices.len(),
            accounts.as_ptr(),
            n,
            data.positions.as_ptr(),
            data.positions.len(),
            params_ptr,
            legs.ptr(),
            legs_len,
            per,
            plans.ptr(),
            st.as_mut_ptr(),
            n,
        )
    };
    assert_named(r);
    if r != PARTLIQ_STATUS_OK {
        // Refused whole: nothing written.
        assert!(st.iter().all(|&s| s == u32::MAX));
        legs.assert_untouched("plan batch legs");
        plans.assert_untouched("plan batch plans");
        if pshape % 4 == 2 {
            assert_eq!(r, PARTLIQ_STATUS_NULL_POINTER);
        }
    } else {
        assert!(pshape % 4 == 0 || n == 0 || (pshape % 4 == 3 && per == 0), "a bad shape accepted: {pshape} {n} {per}");
        assert!(per > 0 || n == 0, "no leg slots accepted");
        for (i, a) in accounts.iter().enumerate() {
            let first = a.first_position as usize;
            let end = first + a.position_count as usize;
            if end > data.positions.len() {
                assert_eq!(st[i], PARTLIQ_STATUS_UNKNOWN_POSITION);
                continue;
            }
            let ps = &data.positions[first..end];
            let mut one_legs = OutSlot::<partliq_plan_leg>::array(OutPtr::Valid, per);
            let mut one = OutSlot::<partliq_plan>::new(OutPtr::Valid);
            // SAFETY: valid pointers for their lengths.
            let s = unsafe {
                partliq_plan_liquidation(
                    data.markets.as_ptr(),
                    data.markets.len(),
                    data.prices.as_ptr(),
                    data.prices.len(),
                    a.collateral,
                    ps.as_ptr(),
                    ps.len(),
                    &params,
                    one_legs.ptr(),
                    per,
                    one.ptr(),
                )
            };
            assert_eq!(st[i], s, "plan account {i}");
            if s == PARTLIQ_STATUS_OK {
                let p = one.read(0);
                assert_eq!(plans.read(i), p, "plan account {i}");
                for k in 0..p.leg_count as usize {
                    assert_eq!(legs.read(i * per + k), one_legs.read(k), "plan account {i} leg {k}");
                }
            }
        }
    }

    // dYdX: one subaccount per position and one holding them all.
    let ps: Vec<partliq_batch_dydx_position> = inp
        .dydx
        .iter()
        .take(8)
        .map(|d| partliq_batch_dydx_position {
            perpetual_id: 0,
            atomic_resolution: i32::from(d.atomic_resolution % 20),
            open_interest: d.open_interest,
            initial_margin_ppm: d.imf % 1_100_000,
            maintenance_fraction_ppm: d.mf % 1_100_000,
            open_interest_lower_cap: d.lower,
            open_interest_upper_cap: d.upper,
            price: d.price,
            price_exponent: i32::from(d.price_exponent % 20),
            reserved: u32::from(d.reserved),
            quantums: d.quantums,
            quote_balance: d.quote_balance,
        })
        .collect();
    let mut accts: Vec<partliq_batch_account> =
        (0..ps.len()).map(|i| partliq_batch_account { collateral: 0, first_position: i as u32, position_count: 1 }).collect();
    accts.push(partliq_batch_account { collateral: 1, first_position: 0, position_count: ps.len() as u32 });
    let mut out = vec![partliq_batch_dydx_risk::default(); accts.len()];
    let mut st = vec![u32::MAX; accts.len()];
    // SAFETY: valid pointers for their lengths (ps may be empty: its
    // dangling pointer is never read with length 0).
    let r = unsafe {
        partliq_dydx_subaccount_risk_batch(
            accts.as_ptr(),
            accts.len(),
            ps.as_ptr(),
            ps.len(),
            out.as_mut_ptr(),
            st.as_mut_ptr(),
            accts.len(),
        )
    };
    assert_eq!(r, PARTLIQ_STATUS_OK);
    for (i, a) in accts.iter().enumerate() {
        let range = &ps[a.first_position as usize..(a.first_position + a.position_count) as usize];
        // Positions are taken in order: a reserved field, then a tier dYdX's
        // `Validate` refuses (as the one-subaccount call), is reported when
        // the positions before it summed without error.
        let tier = |p: &partliq_batch_dydx_position| LiquidityTier {
            initial_margin_ppm: p.initial_margin_ppm,
            maintenance_fraction_ppm: p.maintenance_fraction_ppm,
            open_interest_lower_cap: p.open_interest_lower_cap,
            open_interest_upper_cap: p.open_interest_upper_cap,
        };
        let refused_at = range.iter().position(|p| p.reserved != 0 || tier(p).validate().is_err());
        let refusal = refused_at.map(|k| match (range[k].reserved != 0, tier(&range[k]).validate()) {
            (true, _) => PARTLIQ_STATUS_RESERVED_NOT_ZERO,
            (false, Err(partliq::Error::FractionAbove100Percent)) => PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT,
            (false, _) => PARTLIQ_STATUS_OUT_OF_RANGE,
        });
        let core: Vec<DydxPosition> = range[..refused_at.unwrap_or(range.len())]
            .iter()
            .map(|p| DydxPosition {
                perpetual: DydxPerpetual {
                    id: 0,
                    atomic_resolution: p.atomic_resolution,
                    open_interest: i128::from(p.open_interest),
                    liquidity_tier: tier(p),
                },
                price: MarketPrice { price: p.price, exponent: p.price_exponent },
                quantums: i128::from(p.quantums),
                quote_balance: i128::from(p.quote_balance),
            })
            .collect();
        match subaccount_risk(i128::from(a.collateral), &core) {
            Ok(_) if refusal.is_some() => assert_eq!(Some(st[i]), refusal),
            Ok(risk) => match (i64::try_from(risk.mmr), i64::try_from(risk.imr), i64::try_from(risk.nc)) {
                (Ok(mmr), Ok(imr), Ok(nc)) => {
                    assert_eq!(st[i], PARTLIQ_STATUS_OK);
                    assert_eq!(
                        out[i],
                        partliq_batch_dydx_risk { mmr, imr, nc, liquidatable: u32::from(risk.is_liquidatable()), reserved: 0 }
                    );
                }
                _ => assert_eq!(st[i], PARTLIQ_STATUS_OVERFLOW),
            },
            Err(_) => assert_ne!(st[i], PARTLIQ_STATUS_OK),
        }
    }
});
