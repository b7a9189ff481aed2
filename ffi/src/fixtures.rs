//! What the unit tests of several modules share: a market, a position,
//! and `partliq_run_pipeline` over slices.

use crate::*;

/// Market 1: lot step and tick 1, one tier (initial 10 %, maintenance
/// 5 %), a 1 % fee rounded up, 40 % of it to the liquidator.
pub(crate) fn market() -> partliq_market {
    let mut m = partliq_market {
        id: 1,
        quote_exponent: 0,
        lot_step: 1,
        tick: 1,
        tiers: [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS],
        tier_count: 1,
        liquidation_fee_ppm: 10_000,
        liquidator_fee_share_ppm: 400_000,
        liquidation_fee_rounding: partliq_fee_rounding::Up as u32,
        dust_floor: 0,
    };
    if let Some(t) = m.tiers.first_mut() {
        *t = partliq_margin_tier { notional_floor: 0, initial_ppm: 100_000, maintenance_ppm: 50_000 };
    }
    m
}

/// A long of 100 with quote balance −9,600: at mark 100, equity
/// 10,000 − 9,600 = 400 < maintenance 5 % × 10,000 = 500.
pub(crate) fn position() -> partliq_position {
    partliq_position { market_index: 0, reserved: 0, size: 100, quote_balance: -9_600 }
}

/// `partliq_run_pipeline` with collateral 0 and every array a slice (its
/// length the slice's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_pipeline(
    markets: &[partliq_market],
    prices: &[i64],
    positions: &[partliq_position],
    policy: &partliq_policy,
    state: &mut partliq_account_liquidation_state,
    market_states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
    out: &mut partliq_decision,
) -> partliq_status {
    // SAFETY: every pointer comes from a live slice or reference, with its
    // length; the outputs are distinct borrows.
    unsafe {
        partliq_run_pipeline(
            markets.as_ptr(),
            markets.len(),
            prices.as_ptr(),
            prices.len(),
            0,
            positions.as_ptr(),
            positions.len(),
            policy,
            state,
            market_states.as_mut_ptr(),
            market_states.len(),
            now,
            block,
            legs.as_mut_ptr(),
            legs.len(),
            out,
        )
    }
}

/// A unified book and account in ABI form, every array its own vector.
#[cfg(feature = "std")]
#[derive(Debug, Clone)]
pub(crate) struct Book {
    pub(crate) markets: Vec<partliq_market>,
    pub(crate) prices: Vec<i64>,
    pub(crate) funding_indexes: Vec<i64>,
    pub(crate) perp_risk: Vec<partliq_perp_risk>,
    pub(crate) assets: Vec<partliq_asset>,
    pub(crate) asset_prices: Vec<i64>,
    pub(crate) balances: Vec<partliq_asset_balance>,
    pub(crate) positions: Vec<partliq_perp_position>,
}

/// The README's unified account. Quote unit µUSD. Assets: USDC at par
/// (price 1, e = 0) and SOL in lamports (e = −9; weights 80 / 90 % and
/// 120 / 110 %) at 150 USD. Market: BTC, sizes in 10⁻⁸ BTC, prices in cents
/// (e = −4), lot 1,000, tick 100, 10 % / 5 %, no fee, at 57,000 USD, funding
/// index 1,500. Account: 40 SOL deposited, 1,000 USDC borrowed; 1 BTC long
/// (cross) bought at 60,000, last settled at index 1,000, 0.5 BTC of resting
/// asks.
#[cfg(feature = "std")]
pub(crate) fn readme_book() -> Book {
    let mut btc = market();
    btc.id = 0;
    btc.quote_exponent = -4;
    btc.lot_step = 1_000;
    btc.tick = 100;
    btc.liquidation_fee_ppm = 0;
    btc.liquidator_fee_share_ppm = 0;
    let usdc = partliq_asset {
        id: 0,
        quote_exponent: 0,
        initial_asset_weight_ppm: 1_000_000,
        maintenance_asset_weight_ppm: 1_000_000,
        initial_liability_weight_ppm: 1_000_000,
        maintenance_liability_weight_ppm: 1_000_000,
        imf_factor_ppm: 0,
        reserved: 0,
        imf_unit: 1,
    };
    let sol = partliq_asset {
        quote_exponent: -9,
        initial_asset_weight_ppm: 800_000,
        maintenance_asset_weight_ppm: 900_000,
        initial_liability_weight_ppm: 1_200_000,
        maintenance_liability_weight_ppm: 1_100_000,
        ..usdc
    };
    Book {
        markets: vec![btc],
        prices: vec![5_700_000],
        funding_indexes: vec![1_500],
        perp_risk: vec![],
        assets: vec![usdc, sol],
        asset_prices: vec![1, 150_000_000],
        balances: vec![
            partliq_asset_balance { asset_index: 1, reserved: 0, amount: 40_000_000_000 },
            partliq_asset_balance { asset_index: 0, reserved: 0, amount: -1_000_000_000 },
        ],
        positions: vec![partliq_perp_position {
            market_index: 0,
            margin: partliq_position_margin::Cross as u32,
            size: 100_000_000,
            quote_balance: -60_000_000_000,
            last_funding_index: 1_000,
            open_bids: 0,
            open_asks: 50_000_000,
        }],
    }
}

/// A unified book and account as the entry points take them: the eight
/// arrays' pointers and lengths, in argument order (markets, prices,
/// funding indexes, perp risk, assets, asset prices, balances, positions),
/// the pointers as bytes (a test may point one anywhere).
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawBook {
    pub(crate) arrays: [(*const u8, usize); 8],
}

#[cfg(feature = "std")]
impl Book {
    /// The vectors' pointers and lengths.
    pub(crate) fn raw(&self) -> RawBook {
        fn a<T>(v: &[T]) -> (*const u8, usize) {
            (v.as_ptr().cast(), v.len())
        }
        RawBook {
            arrays: [
                a(&self.markets),
                a(&self.prices),
                a(&self.funding_indexes),
                a(&self.perp_risk),
                a(&self.assets),
                a(&self.asset_prices),
                a(&self.balances),
                a(&self.positions),
            ],
        }
    }
}

#[cfg(feature = "std")]
impl RawBook {
    /// `partliq_unified_pool_health` of pool `pool`, or with `None`
    /// `partliq_unified_account_health`.
    ///
    /// # Safety
    /// Every pointer is valid for its length and type, or one the boundary
    /// refuses (NULL, misaligned, with an impossible length).
    pub(crate) unsafe fn health(
        &self,
        pool: Option<u32>,
        ladder: *const partliq_margin_ladder,
        out: *mut partliq_unified_health,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.arrays;
        // SAFETY: the caller's contract.
        unsafe {
            match pool {
                Some(pool) => partliq_unified_pool_health(
                    m.0.cast(),
                    m.1,
                    p.0.cast(),
                    p.1,
                    f.0.cast(),
                    f.1,
                    r.0.cast(),
                    r.1,
                    a.0.cast(),
                    a.1,
                    ap.0.cast(),
                    ap.1,
                    b.0.cast(),
                    b.1,
                    ps.0.cast(),
                    ps.1,
                    pool,
                    ladder,
                    out,
                ),
                None => partliq_unified_account_health(
                    m.0.cast(),
                    m.1,
                    p.0.cast(),
                    p.1,
                    f.0.cast(),
                    f.1,
                    r.0.cast(),
                    r.1,
                    a.0.cast(),
                    a.1,
                    ap.0.cast(),
                    ap.1,
                    b.0.cast(),
                    b.1,
                    ps.0.cast(),
                    ps.1,
                    ladder,
                    out,
                ),
            }
        }
    }

    /// `partliq_run_unified_pipeline` of pool `pool`.
    ///
    /// # Safety
    /// As [`RawBook::health`], for every pointer.
    #[allow(clippy::too_many_arguments)]
    pub(crate) unsafe fn pipeline(
        &self,
        pool: u32,
        policy: *const partliq_policy,
        state: *mut partliq_account_liquidation_state,
        market_states: (*mut partliq_market_capacity_state, usize),
        now: u64,
        block: u64,
        legs: (*mut partliq_plan_leg, usize),
        out: *mut partliq_decision,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.arrays;
        // SAFETY: the caller's contract.
        unsafe {
            partliq_run_unified_pipeline(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                policy,
                state,
                market_states.0,
                market_states.1,
                now,
                block,
                legs.0,
                legs.1,
                out,
            )
        }
    }
}

/// `partliq_unified_pool_health` of pool `pool`, or with `None`
/// `partliq_unified_account_health`, over the book's vectors.
#[cfg(feature = "std")]
pub(crate) fn unified_health(
    b: &Book,
    pool: Option<u32>,
    ladder: &partliq_margin_ladder,
    out: &mut partliq_unified_health,
) -> partliq_status {
    // SAFETY: every pointer comes from a live vector with its length, or a
    // reference.
    unsafe { b.raw().health(pool, ladder, out) }
}

/// `partliq_run_unified_pipeline` of pool `pool` over the book's vectors.
#[cfg(feature = "std")]
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_unified(
    b: &Book,
    pool: u32,
    policy: &partliq_policy,
    state: &mut partliq_account_liquidation_state,
    market_states: &mut [partliq_market_capacity_state],
    now: u64,
    block: u64,
    legs: &mut [partliq_plan_leg],
    out: &mut partliq_decision,
) -> partliq_status {
    // SAFETY: every pointer comes from a live vector or slice with its
    // length, or a reference; the outputs are distinct borrows.
    unsafe {
        b.raw().pipeline(
            pool,
            policy,
            state,
            (market_states.as_mut_ptr(), market_states.len()),
            now,
            block,
            (legs.as_mut_ptr(), legs.len()),
            out,
        )
    }
}

/// The book of the core's leg and planner tests. Asset 0: the quote asset
/// at par. Asset 1: hundredths (e = −2) at price 100 — one unit worth 1
/// quote unit — weights 80 % / 90 % (asset) and 120 % / 110 % (liability).
/// Market 0: lot and tick 1, 10 % / 5 %, a 1 % fee rounded up, all of it
/// to the insurance fund, at mark 100. No funding, no risk extras.
#[cfg(feature = "std")]
pub(crate) fn legs_book(balances: &[(u32, i64)], positions: &[partliq_perp_position]) -> Book {
    let mut m = market();
    m.id = 0;
    m.liquidator_fee_share_ppm = 0;
    let par = partliq_asset {
        id: 0,
        quote_exponent: 0,
        initial_asset_weight_ppm: 1_000_000,
        maintenance_asset_weight_ppm: 1_000_000,
        initial_liability_weight_ppm: 1_000_000,
        maintenance_liability_weight_ppm: 1_000_000,
        imf_factor_ppm: 0,
        reserved: 0,
        imf_unit: 1,
    };
    let hundredths = partliq_asset {
        id: 1,
        quote_exponent: -2,
        initial_asset_weight_ppm: 800_000,
        maintenance_asset_weight_ppm: 900_000,
        initial_liability_weight_ppm: 1_200_000,
        maintenance_liability_weight_ppm: 1_100_000,
        ..par
    };
    Book {
        markets: vec![m],
        prices: vec![100],
        funding_indexes: vec![],
        perp_risk: vec![],
        assets: vec![par, hundredths],
        asset_prices: vec![1, 100],
        balances: balances.iter().map(|&(asset_index, amount)| partliq_asset_balance { asset_index, reserved: 0, amount }).collect(),
        positions: positions.to_vec(),
    }
}

/// A cross position of `size` with cash `quote_balance` in market 0.
#[cfg(feature = "std")]
pub(crate) fn cross(size: i64, quote_balance: i64) -> partliq_perp_position {
    partliq_perp_position { market_index: 0, margin: 0, size, quote_balance, last_funding_index: 0, open_bids: 0, open_asks: 0 }
}

/// The legs' entry points over a book's vectors: every pointer comes from
/// a live vector, slice or reference with its length; the outputs are
/// distinct borrows.
#[cfg(feature = "std")]
impl Book {
    /// `partliq_unified_settle_leg`.
    pub(crate) fn settle_leg(
        &self,
        pool: u32,
        fees: &[partliq_asset_liquidation_fees],
        terms: &partliq_leg_terms,
        leg: &partliq_unified_leg,
        out: &mut partliq_leg_settlement,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_unified_settle_leg(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                fees.as_ptr(),
                fees.len(),
                terms,
                leg,
                out,
            )
        }
    }

    /// `partliq_unified_size_leg`.
    pub(crate) fn size_leg(
        &self,
        pool: u32,
        fees: &[partliq_asset_liquidation_fees],
        terms: &partliq_leg_terms,
        leg: &partliq_unified_leg,
        out: &mut partliq_leg_sizing,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_unified_size_leg(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                fees.as_ptr(),
                fees.len(),
                terms,
                leg,
                out,
            )
        }
    }

    /// `partliq_unified_plan_liquidation`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan(
        &self,
        pool: u32,
        fees: &[partliq_asset_liquidation_fees],
        terms: &partliq_leg_terms,
        objective: u32,
        ordering: u32,
        tiers: (&[u32], &[u32]),
        legs: &mut [partliq_unified_leg],
        out: &mut partliq_unified_plan,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_unified_plan_liquidation(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                fees.as_ptr(),
                fees.len(),
                terms,
                objective,
                ordering,
                tiers.0.as_ptr(),
                tiers.0.len(),
                tiers.1.as_ptr(),
                tiers.1.len(),
                legs.as_mut_ptr(),
                legs.len(),
                out,
            )
        }
    }

    /// `partliq_run_unified_liquidation`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run_liquidation(
        &self,
        pool: u32,
        fees: &[partliq_asset_liquidation_fees],
        policy: &partliq_unified_liquidation_policy,
        tiers: (&[u32], &[u32]),
        in_liquidation: u32,
        legs: &mut [partliq_unified_leg],
        out: &mut partliq_unified_decision,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_run_unified_liquidation(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                fees.as_ptr(),
                fees.len(),
                policy,
                tiers.0.as_ptr(),
                tiers.0.len(),
                tiers.1.as_ptr(),
                tiers.1.len(),
                in_liquidation,
                legs.as_mut_ptr(),
                legs.len(),
                out,
            )
        }
    }

    /// `partliq_run_guarded_unified_liquidation`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run_guarded_liquidation(
        &self,
        pool: u32,
        feeds: (&[partliq_price_feed], &[partliq_price_feed]),
        guard: &partliq_price_guard,
        fees: &[partliq_asset_liquidation_fees],
        policy: &partliq_unified_liquidation_policy,
        in_liquidation: u32,
        now: u64,
        legs: &mut [partliq_unified_leg],
        out: &mut partliq_unified_decision,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_run_guarded_unified_liquidation(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                feeds.0.as_ptr(),
                feeds.0.len(),
                feeds.1.as_ptr(),
                feeds.1.len(),
                guard,
                fees.as_ptr(),
                fees.len(),
                policy,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                in_liquidation,
                now,
                legs.as_mut_ptr(),
                legs.len(),
                out,
            )
        }
    }

    /// `partliq_settle_delisted`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn delist(
        &self,
        pool: u32,
        market: u32,
        policy: &partliq_delisting_policy,
        ladder: &partliq_margin_ladder,
        positions_after: &mut [partliq_perp_position],
        settlements: &mut [partliq_position_settlement],
        out: &mut partliq_pool_delisting,
    ) -> partliq_status {
        let [m, p, f, r, a, ap, b, ps] = self.raw().arrays;
        // SAFETY: see the impl's docs.
        unsafe {
            partliq_settle_delisted(
                m.0.cast(),
                m.1,
                p.0.cast(),
                p.1,
                f.0.cast(),
                f.1,
                r.0.cast(),
                r.1,
                a.0.cast(),
                a.1,
                ap.0.cast(),
                ap.1,
                b.0.cast(),
                b.1,
                ps.0.cast(),
                ps.1,
                pool,
                market,
                policy,
                ladder,
                positions_after.as_mut_ptr(),
                positions_after.len(),
                settlements.as_mut_ptr(),
                settlements.len(),
                out,
            )
        }
    }
}
