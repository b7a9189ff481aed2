//! Shared input shapes and checks for partliq's fuzz targets.
//!
//! Inputs are structured (`arbitrary`): numbers are drawn from small, medium,
//! raw and edge values (`i64::MIN`, `i64::MAX`, 0, ±1, …); markets are either
//! raw (every field arbitrary: exercises validation) or repaired into valid
//! ones (exercises the solver); a pool's collateral can be tuned so that its
//! equity sits near its maintenance requirement (where liquidations happen).
//! Pointer arguments are valid, NULL or misaligned; lengths exact, shorter,
//! zero or impossibly large. Outputs are pre-filled with a sentinel so that
//! "untouched on error" is checked byte for byte.

pub mod legs;
pub mod lending;
pub mod unified;
pub mod venues;

use arbitrary::Arbitrary;
use partliq::{MarginTier, Market, Pool, Position, Ppm, Price, Quote, Rounding, Size, Target, MAX_POSITIONS, MAX_TIERS};
use partliq_ffi::*;

// ---------------------------------------------------------------------------
// Numbers.

/// An `i64` drawn from several magnitudes and the edges.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum I64 {
    /// -128 ..= 127.
    Tiny(i8),
    /// -32768 ..= 32767.
    Small(i16),
    /// ±2^31.
    Mid(i32),
    /// Anything.
    Raw(i64),
    /// The edges.
    Edge(Edge),
}

/// Edge values.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Edge {
    Min,
    MinPlusOne,
    Max,
    MaxMinusOne,
    Zero,
    One,
    MinusOne,
    Pow62,
    NegPow62,
}

impl I64 {
    pub fn get(self) -> i64 {
        match self {
            I64::Tiny(v) => i64::from(v),
            I64::Small(v) => i64::from(v),
            I64::Mid(v) => i64::from(v),
            I64::Raw(v) => v,
            I64::Edge(e) => match e {
                Edge::Min => i64::MIN,
                Edge::MinPlusOne => i64::MIN + 1,
                Edge::Max => i64::MAX,
                Edge::MaxMinusOne => i64::MAX - 1,
                Edge::Zero => 0,
                Edge::One => 1,
                Edge::MinusOne => -1,
                Edge::Pow62 => 1 << 62,
                Edge::NegPow62 => -(1 << 62),
            },
        }
    }
}

/// A ppm value: mostly within 0 ..= 100 %, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum PpmArg {
    InRange(u32),
    Percent(u8),
    Raw(u32),
}

impl PpmArg {
    pub fn get(self) -> u32 {
        match self {
            PpmArg::InRange(v) => v % 1_000_001,
            PpmArg::Percent(p) => u32::from(p % 101) * 10_000,
            PpmArg::Raw(v) => v,
        }
    }
}

// ---------------------------------------------------------------------------
// Markets and pools.

#[derive(Arbitrary, Debug, Clone)]
pub struct TierIn {
    pub floor: I64,
    pub initial: PpmArg,
    pub maintenance: PpmArg,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct MarketIn {
    /// Repair the fields into a valid market.
    pub make_valid: bool,
    pub id: u32,
    pub quote_exponent: i32,
    pub lot_step: I64,
    pub tick: I64,
    pub tiers: Vec<TierIn>,
    /// A raw `tier_count` instead of the number of tiers given.
    pub tier_count_raw: Option<u32>,
    pub fee: PpmArg,
    pub share: PpmArg,
    /// The fee rounding: even 0 (up), odd 1 (down); 254: `UINT32_MAX` and
    /// 255: 2, both outside the enumeration.
    pub fee_rounding: u8,
    pub dust_floor: I64,
}

impl MarketIn {
    pub fn to_abi(&self) -> partliq_market {
        let mut tiers = [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS];
        let given = self.tiers.len().min(PARTLIQ_MAX_TIERS);
        for (slot, t) in tiers.iter_mut().zip(&self.tiers) {
            *slot =
                partliq_margin_tier { notional_floor: t.floor.get(), initial_ppm: t.initial.get(), maintenance_ppm: t.maintenance.get() };
        }
        let mut m = partliq_market {
            id: self.id,
            quote_exponent: self.quote_exponent,
            lot_step: self.lot_step.get(),
            tick: self.tick.get(),
            tiers,
            tier_count: self.tier_count_raw.unwrap_or(given as u32),
            liquidation_fee_ppm: self.fee.get(),
            liquidator_fee_share_ppm: self.share.get(),
            liquidation_fee_rounding: match self.fee_rounding {
                255 => 2,
                254 => u32::MAX,
                r => u32::from(r & 1),
            },
            dust_floor: self.dust_floor.get(),
        };
        if self.make_valid {
            repair(&mut m, given);
        }
        m
    }
}

/// Turns any market into a valid one (keeping as much of it as possible).
pub fn repair(m: &mut partliq_market, given: usize) {
    if !(-18..=18).contains(&m.quote_exponent) {
        m.quote_exponent = m.quote_exponent.rem_euclid(37) - 18;
    }
    m.lot_step = m.lot_step.unsigned_abs().clamp(1, i64::MAX as u64) as i64;
    m.tick = m.tick.unsigned_abs().clamp(1, i64::MAX as u64) as i64;
    m.liquidation_fee_ppm %= 1_000_001;
    m.liquidator_fee_share_ppm %= 1_000_001;
    m.liquidation_fee_rounding %= 2;
    m.dust_floor = m.dust_floor.unsigned_abs().min(i64::MAX as u64) as i64;
    let n = given.clamp(1, PARTLIQ_MAX_TIERS);
    let mut floors: Vec<i64> = m.tiers[..n].iter().map(|t| t.notional_floor.unsigned_abs().min(i64::MAX as u64) as i64).collect();
    floors[0] = 0;
    floors.sort_unstable();
    floors.dedup();
    let mut out = [partliq_margin_tier::default(); PARTLIQ_MAX_TIERS];
    let (mut im_prev, mut mm_prev) = (0u32, 0u32);
    for (k, f) in floors.iter().enumerate() {
        let t = m.tiers[k];
        let im = (t.initial_ppm % 1_000_001).max(im_prev);
        let mm = (t.maintenance_ppm % 1_000_001).min(t.initial_ppm % 1_000_001).max(mm_prev);
        out[k] = partliq_margin_tier { notional_floor: *f, initial_ppm: im, maintenance_ppm: mm };
        (im_prev, mm_prev) = (im, mm);
    }
    m.tiers = out;
    m.tier_count = floors.len() as u32;
}

/// The ABI market as the core's, field by field (a fee rounding outside the
/// enumeration, which the ABI rejects, becomes `TowardZero`, which the core
/// rejects).
pub fn core_market(m: &partliq_market) -> Market {
    let mut tiers = [MarginTier::default(); MAX_TIERS];
    for (c, a) in tiers.iter_mut().zip(&m.tiers) {
        *c = MarginTier { notional_floor: Quote(a.notional_floor), initial: Ppm(a.initial_ppm), maintenance: Ppm(a.maintenance_ppm) };
    }
    Market {
        id: m.id,
        quote_exponent: m.quote_exponent,
        lot_step: Size(m.lot_step),
        tick: Price(m.tick),
        tiers,
        tier_count: m.tier_count,
        liquidation_fee: Ppm(m.liquidation_fee_ppm),
        liquidator_fee_share: Ppm(m.liquidator_fee_share_ppm),
        liquidation_fee_rounding: match m.liquidation_fee_rounding {
            0 => Rounding::Ceil,
            1 => Rounding::Floor,
            _ => Rounding::TowardZero,
        },
        dust_floor: Quote(m.dust_floor),
    }
}

/// What the ABI says of a market's fee rounding before the core sees it.
pub fn fee_rounding_status(m: &partliq_market) -> Option<partliq_status> {
    (m.liquidation_fee_rounding > 1).then_some(PARTLIQ_STATUS_INVALID_ENUM)
}

pub fn core_position(p: &partliq_position) -> Position {
    Position { market_index: p.market_index, size: Size(p.size), quote_balance: Quote(p.quote_balance) }
}

pub fn abi_position(p: &Position) -> partliq_position {
    partliq_position { market_index: p.market_index, reserved: 0, size: p.size.0, quote_balance: p.quote_balance.0 }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct PositionIn {
    pub market: u8,
    pub size: I64,
    pub quote_balance: I64,
    /// 255: a non-zero reserved field.
    pub reserved: u8,
}

/// How the collateral is chosen.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Tune {
    /// As drawn.
    Raw,
    /// Equity = maintenance × (1 + k / 1000) (k ∈ −1000 ..= 1000 roughly):
    /// near the trigger, where liquidation sizing has work to do.
    NearMaintenance(i16),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct PoolIn {
    pub markets: Vec<MarketIn>,
    pub prices: Vec<I64>,
    /// Pad or cut the prices to one per market (positive marks).
    pub one_price_per_market: bool,
    pub collateral: I64,
    pub positions: Vec<PositionIn>,
    pub tune: Tune,
}

/// A pool in ABI form.
#[derive(Debug, Clone)]
pub struct PoolData {
    pub markets: Vec<partliq_market>,
    pub prices: Vec<i64>,
    pub collateral: i64,
    pub positions: Vec<partliq_position>,
}

impl PoolIn {
    pub fn build(&self, max_markets: usize, max_positions: usize) -> PoolData {
        let markets: Vec<partliq_market> = self.markets.iter().take(max_markets).map(MarketIn::to_abi).collect();
        let mut prices: Vec<i64> = self.prices.iter().take(max_markets + 1).map(|p| p.get()).collect();
        if self.one_price_per_market {
            prices.resize(markets.len(), 1);
            for p in &mut prices {
                *p = p.unsigned_abs().clamp(1, i64::MAX as u64) as i64;
            }
        }
        let n = markets.len() as u32 + 1;
        let positions: Vec<partliq_position> = self
            .positions
            .iter()
            .take(max_positions)
            .map(|p| partliq_position {
                market_index: u32::from(p.market) % n,
                reserved: u32::from(p.reserved == 255),
                size: p.size.get(),
                quote_balance: p.quote_balance.get(),
            })
            .collect();
        let mut data = PoolData { markets, prices, collateral: self.collateral.get(), positions };
        if let Tune::NearMaintenance(k) = self.tune {
            data.tune_near_maintenance(i128::from(k));
        }
        data
    }
}

impl PoolData {
    pub fn core_markets(&self) -> Vec<Market> {
        self.markets.iter().map(core_market).collect()
    }
    pub fn core_prices(&self) -> Vec<Price> {
        self.prices.iter().map(|p| Price(*p)).collect()
    }
    pub fn core_positions(&self) -> Vec<Position> {
        self.positions.iter().map(core_position).collect()
    }

    /// Moves the collateral so that equity ≈ maintenance × (1 + k/1000).
    fn tune_near_maintenance(&mut self, k: i128) {
        let (m, p, q) = (self.core_markets(), self.core_prices(), self.core_positions());
        let Ok(h) = partliq::pool_health(&Pool::new(Quote(self.collateral), &q), &m, &p) else { return };
        let mm = i128::from(h.maintenance_requirement.0);
        let want = mm + mm * k.clamp(-1000, 1000) / 1000;
        let c = i128::from(self.collateral) + want - i128::from(h.equity.0);
        if let Ok(c) = i64::try_from(c) {
            self.collateral = c;
        }
    }

    /// The status the ABI's pool checks give before the core runs: a
    /// position's non-zero reserved field, else any market's fee rounding
    /// outside its enumeration (every market is checked, named or not).
    pub fn boundary(positions: &[partliq_position], markets: &[partliq_market]) -> Option<partliq_status> {
        if positions.iter().any(|p| p.reserved != 0) {
            return Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        markets.iter().find_map(fee_rounding_status)
    }

    /// The status the ABI's checks give before the core runs a call that
    /// reads the positions of the accounts `reads` only (an index's insert
    /// or re-key, a scanner's scan or confirm): a non-zero reserved field in
    /// the range of one of them (an account that does not exist, or a range
    /// outside the positions, is the core's to refuse), else any market's
    /// fee rounding outside its enumeration (every market is checked).
    pub fn boundary_reading(
        positions: &[partliq_position],
        markets: &[partliq_market],
        accounts: &[partliq_scan_account],
        reads: impl IntoIterator<Item = u32>,
    ) -> Option<partliq_status> {
        let range = |a: &partliq_scan_account| {
            let first = a.first_position as usize;
            first.checked_add(a.position_count as usize).and_then(|end| positions.get(first..end)).unwrap_or(&[])
        };
        let read = reads.into_iter().filter_map(|i| accounts.get(i as usize));
        if read.map(range).any(|ps| ps.iter().any(|p| p.reserved != 0)) {
            return Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        markets.iter().find_map(fee_rounding_status)
    }
}

// ---------------------------------------------------------------------------
// Pointer and length shapes.

/// An input array pointer (valid is weighted ×3).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ArrPtr {
    Valid,
    Valid2,
    Valid3,
    Null,
    Misaligned,
}

/// An input array length (exact is weighted ×3).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ArrLen {
    Exact,
    Exact2,
    Exact3,
    Shorter(u8),
    Zero,
    /// One more than the largest length any array of the type can have.
    TooLong,
    Max,
}

/// An output (or input struct) pointer (valid is weighted ×4).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum OutPtr {
    Valid,
    Valid2,
    Valid3,
    Valid4,
    Null,
    Misaligned,
}

impl OutPtr {
    pub fn valid(self) -> bool {
        matches!(self, OutPtr::Valid | OutPtr::Valid2 | OutPtr::Valid3 | OutPtr::Valid4)
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct ArrShape {
    pub ptr: ArrPtr,
    pub len: ArrLen,
}

/// An input array as passed: pointer, length, and whether the boundary
/// must reject it (then the core never sees it).
pub struct ArrArg<T> {
    pub ptr: *const T,
    pub len: usize,
    pub rejected: bool,
    _scratch: Vec<u64>,
}

pub fn max_len<T>() -> usize {
    (isize::MAX as usize) / core::mem::size_of::<T>()
}

impl<T> ArrArg<T> {
    pub fn new(v: &[T], shape: ArrShape) -> Self {
        let len = match shape.len {
            ArrLen::Exact | ArrLen::Exact2 | ArrLen::Exact3 => v.len(),
            ArrLen::Shorter(k) => v.len() - usize::from(k) % (v.len() + 1),
            ArrLen::Zero => 0,
            ArrLen::TooLong => max_len::<T>() + 1,
            ArrLen::Max => usize::MAX,
        };
        let huge = len > v.len();
        let mut scratch = Vec::new();
        let ptr = match shape.ptr {
            ArrPtr::Valid | ArrPtr::Valid2 | ArrPtr::Valid3 => v.as_ptr(),
            ArrPtr::Null => core::ptr::null(),
            ArrPtr::Misaligned => {
                // Enough bytes behind the pointer; it is never read (the
                // boundary rejects it first).
                scratch = vec![0u64; core::mem::size_of_val(v) / 8 + 2];
                scratch.as_ptr().cast::<u8>().wrapping_add(1).cast::<T>()
            }
        };
        let rejected = len > 0 && (ptr.is_null() || huge || matches!(shape.ptr, ArrPtr::Misaligned));
        ArrArg { ptr, len, rejected, _scratch: scratch }
    }

    /// The slice the core sees when the boundary accepts the array.
    pub fn effective<'a>(&self, v: &'a [T]) -> &'a [T] {
        &v[..self.len.min(v.len())]
    }
}

/// The status of a boundary rejection.
pub fn is_boundary_status(s: partliq_status) -> bool {
    matches!(s, PARTLIQ_STATUS_NULL_POINTER | PARTLIQ_STATUS_BAD_LENGTH | PARTLIQ_STATUS_MISALIGNED_POINTER)
}

const SENTINEL: u64 = 0xA5A5_5A5A_C3C3_3C3C;

/// An output slot pre-filled with a sentinel; `ptr()` is what the call gets.
pub struct OutSlot<T> {
    buf: Vec<u64>,
    shape: OutPtr,
    _t: core::marker::PhantomData<T>,
}

impl<T: Copy> OutSlot<T> {
    pub fn new(shape: OutPtr) -> Self {
        Self::array(shape, 1)
    }

    /// Room for `n` values of `T` (plus a guard word after them).
    pub fn array(shape: OutPtr, n: usize) -> Self {
        let words = (core::mem::size_of::<T>() * n) / 8 + 2;
        OutSlot { buf: vec![SENTINEL; words], shape, _t: core::marker::PhantomData }
    }

    pub fn ptr(&mut self) -> *mut T {
        match self.shape {
            OutPtr::Null => core::ptr::null_mut(),
            OutPtr::Misaligned => self.buf.as_mut_ptr().cast::<u8>().wrapping_add(1).cast::<T>(),
            _ => self.buf.as_mut_ptr().cast::<T>(),
        }
    }

    pub fn rejected(&self) -> bool {
        !self.shape.valid()
    }

    /// Every byte still holds the sentinel.
    pub fn assert_untouched(&self, what: &str) {
        assert!(self.buf.iter().all(|w| *w == SENTINEL), "{what}: output written on error");
    }

    /// The value at index `i` (only for a valid slot after success).
    pub fn read(&self, i: usize) -> T {
        assert!(self.shape.valid());
        // SAFETY: the buffer is 8-aligned and holds at least i+1 values; every
        // ABI struct is plain integers (any bit pattern is valid).
        unsafe { self.buf.as_ptr().cast::<T>().add(i).read() }
    }

    /// Bytes from value `n` on are still the sentinel.
    pub fn assert_untouched_from(&self, n: usize, what: &str) {
        let bytes: &[u8] =
            // SAFETY: reading our own initialised u64 buffer as bytes.
            unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), self.buf.len() * 8) };
        let start = core::mem::size_of::<T>() * n;
        let s = SENTINEL.to_ne_bytes();
        for (k, b) in bytes.iter().enumerate().skip(start) {
            assert_eq!(*b, s[k % 8], "{what}: byte {k} beyond the written values changed");
        }
    }
}

/// An input struct pointer: valid, NULL or misaligned.
pub struct InStruct<T> {
    value: Box<T>,
    scratch: Vec<u64>,
    shape: OutPtr,
}

impl<T: Copy> InStruct<T> {
    pub fn new(value: T, shape: OutPtr) -> Self {
        InStruct { value: Box::new(value), scratch: vec![0u64; core::mem::size_of::<T>() / 8 + 2], shape }
    }
    pub fn ptr(&self) -> *const T {
        match self.shape {
            OutPtr::Null => core::ptr::null(),
            OutPtr::Misaligned => self.scratch.as_ptr().cast::<u8>().wrapping_add(1).cast::<T>(),
            _ => &*self.value,
        }
    }
    pub fn rejected(&self) -> bool {
        !self.shape.valid()
    }
}

// ---------------------------------------------------------------------------
// The pool's three arrays, as passed.

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct PoolShapes {
    pub markets: ArrShape,
    pub prices: ArrShape,
    pub positions: ArrShape,
}

pub struct PoolArgs<'a> {
    pub data: &'a PoolData,
    pub markets: ArrArg<partliq_market>,
    pub prices: ArrArg<i64>,
    pub positions: ArrArg<partliq_position>,
}

impl<'a> PoolArgs<'a> {
    pub fn new(data: &'a PoolData, s: PoolShapes) -> Self {
        PoolArgs {
            data,
            markets: ArrArg::new(&data.markets, s.markets),
            prices: ArrArg::new(&data.prices, s.prices),
            positions: ArrArg::new(&data.positions, s.positions),
        }
    }

    pub fn rejected(&self) -> bool {
        self.markets.rejected || self.prices.rejected || self.positions.rejected
    }

    /// The arrays the core sees (when not rejected).
    pub fn view(&self) -> PoolView {
        let markets = self.markets.effective(&self.data.markets);
        let positions = self.positions.effective(&self.data.positions);
        PoolView {
            boundary: PoolData::boundary(positions, markets),
            markets: markets.iter().map(core_market).collect(),
            prices: self.prices.effective(&self.data.prices).iter().map(|p| Price(*p)).collect(),
            collateral: Quote(self.data.collateral),
            positions: positions.iter().map(core_position).collect(),
        }
    }
}

/// The pool as the core sees it.
#[derive(Debug, Clone)]
pub struct PoolView {
    /// The boundary's own status for the pool's arrays (before the core).
    pub boundary: Option<partliq_status>,
    pub markets: Vec<Market>,
    pub prices: Vec<Price>,
    pub collateral: Quote,
    pub positions: Vec<Position>,
}

impl PoolView {
    /// Every market a position names validates (the ABI does not re-validate
    /// markets on each call: results are only meaningful for valid ones).
    pub fn markets_valid(&self) -> bool {
        self.positions.iter().all(|p| self.markets.get(p.market_index as usize).map_or(true, |m| m.validate().is_ok()))
    }

    pub fn pool(&self) -> Pool<'_> {
        Pool::new(self.collateral, &self.positions)
    }
}

/// A core result as the status the ABI must return.
pub fn status_of<T>(r: &partliq::Result<T>) -> partliq_status {
    match r {
        Ok(_) => PARTLIQ_STATUS_OK,
        Err(e) => *e as u32,
    }
}

/// Every status a function returns is named.
pub fn assert_named(s: partliq_status) {
    // SAFETY: partliq_status_str returns a static NUL-terminated string.
    let name = unsafe { core::ffi::CStr::from_ptr(partliq_status_str(s)) };
    assert_ne!(name.to_bytes(), b"unknown status code", "status {s} has no name");
}

// ---------------------------------------------------------------------------
// Independent recomputation of a close (for the sizing invariants).

/// `10^|e|` as the multiplier (e > 0) and denominator (e < 0) of notionals.
fn scale(m: &Market) -> (i128, i128) {
    let p = 10i128.pow(m.quote_exponent.unsigned_abs());
    if m.quote_exponent >= 0 {
        (p, 1)
    } else {
        (1, p)
    }
}

/// Cash of closing `units` of a position of sign `sigma` at `exec`:
/// `floor(σ·units·exec·10^e)` (received rounded down, paid rounded up).
pub fn close_cash(m: &Market, sigma: i128, units: i128, exec: i128) -> Option<i128> {
    let (mul, den) = scale(m);
    let n = sigma.checked_mul(units)?.checked_mul(exec)?.checked_mul(mul)?;
    Some(n.div_euclid(den))
}

/// Fee of closing `units` at `exec`: `units·exec·10^e·fee`, rounded up, or
/// down when the market says so (toward zero is down: the fee is ≥ 0).
pub fn close_fee(m: &Market, units: i128, exec: i128) -> Option<i128> {
    let (mul, den) = scale(m);
    let n = units.checked_mul(exec)?.checked_mul(mul)?.checked_mul(i128::from(m.liquidation_fee.0))?;
    let d = den.checked_mul(1_000_000)?;
    match m.liquidation_fee_rounding {
        Rounding::Ceil => Some(-((-n).div_euclid(d))),
        Rounding::Floor | Rounding::TowardZero => Some(n.div_euclid(d)),
    }
}

/// The pool with `units` of position `j` closed at `exec` (cash and full fee
/// booked to the position), or None when a figure leaves i64.
pub fn closed(view: &PoolView, j: usize, units: i128, exec: i64) -> Option<Vec<Position>> {
    let mut ps = view.positions.clone();
    let p = ps[j];
    let m = view.markets.get(p.market_index as usize)?;
    let sigma = i128::from(p.size.0.signum());
    if units != 0 {
        let cash = close_cash(m, sigma, units, i128::from(exec))?;
        let fee = close_fee(m, units, i128::from(exec))?;
        let size = i128::from(p.size.0).checked_sub(sigma.checked_mul(units)?)?;
        let qb = i128::from(p.quote_balance.0).checked_add(cash)?.checked_sub(fee)?;
        ps[j] =
            Position { market_index: p.market_index, size: Size(i64::try_from(size).ok()?), quote_balance: Quote(i64::try_from(qb).ok()?) };
    }
    Some(ps)
}

/// `equity − required` of a pool (None when the core errors).
pub fn surplus(view: &PoolView, positions: &[Position], target: Target) -> Option<(i128, partliq::Health)> {
    let h = partliq::pool_health(&Pool::new(view.collateral, positions), &view.markets, &view.prices).ok()?;
    let req = target.required_equity(&h).ok()?;
    Some((i128::from(h.equity.0) - i128::from(req.0), h))
}

/// The sizing grid of a position: `x_n = min(n·step, u)`.
pub fn grid_prev(x: i128, u: i128, step: i128) -> i128 {
    if x == u {
        ((u + step - 1) / step - 1) * step
    } else {
        x - step
    }
}

/// The dust rule: a remainder under the floor (notional at mark, rounded
/// down) closes whole.
pub fn dust_adjusted(m: &Market, mark: i64, u: i128, x: i128) -> (i128, bool) {
    let rem = u - x;
    if rem <= 0 || m.dust_floor.0 == 0 {
        return (x, false);
    }
    let (mul, den) = scale(m);
    let Some(n) = rem.checked_mul(i128::from(mark)).and_then(|v| v.checked_mul(mul)) else { return (x, false) };
    if n.div_euclid(den) < i128::from(m.dust_floor.0) {
        (u, true)
    } else {
        (x, false)
    }
}

/// Whether a close sizing (already known to succeed) keeps its promises:
/// `health_after` equals the recomputed health, the target is reached (when
/// `Restored`) and one lot step less falls short; `Infeasible` falls short.
pub fn check_close_sizing(view: &PoolView, j: usize, exec: i64, target: Target, c: &partliq::CloseSizing) {
    let p = view.positions[j];
    let m = view.markets[p.market_index as usize];
    let u = i128::from(p.size.0).abs();
    let x = i128::from(c.size_delta.0).abs();
    assert!(x <= u, "closes more than the position");
    assert!(c.size_delta.0 == 0 || c.size_delta.0.signum() == -p.size.0.signum(), "close on the wrong side");
    let step = i128::from(m.lot_step.0);
    assert!(x == u || x % step == 0, "size off the lot grid");
    let Some(after) = closed(view, j, x, exec) else { return };
    let Some((s, h)) = surplus(view, &after, target) else { return };
    assert_eq!(h, c.health_after, "health_after differs from the recomputed health");
    assert_eq!(i128::from(c.required_equity_after.0), i128::from(h.equity.0) - s);
    assert_eq!(i128::from(c.shortfall.0), (-s).max(0), "shortfall");
    if x > 0 {
        assert_eq!(Some(i128::from(c.expected_cash.0)), close_cash(&m, i128::from(p.size.0.signum()), x, i128::from(exec)));
        assert_eq!(Some(i128::from(c.expected_fee.0)), close_fee(&m, x, i128::from(exec)));
    }
    match c.status {
        partliq::CloseStatus::AlreadySafe => {
            assert_eq!(x, 0);
            assert!(s >= 0, "AlreadySafe but short of the target");
        }
        partliq::CloseStatus::Restored => {
            assert!(x > 0);
            assert!(s >= 0, "Restored but short of the target: surplus {s}");
            if !c.dust_closed {
                let prev = grid_prev(x, u, step);
                if let Some(before) = closed(view, j, prev, exec) {
                    if let Some((sp, _)) = surplus(view, &before, target) {
                        assert!(
                            sp < 0,
                            "not minimal: {prev} units (one step less than {x}) already reach the target (surplus {sp}); exec {exec}, position {p:?}, collateral {:?}, market {m:?}, marks {:?}, target {target:?}",
                            view.collateral,
                            view.prices
                        );
                    }
                }
            }
        }
        partliq::CloseStatus::Infeasible => {
            assert!(s < 0, "Infeasible but the returned close reaches the target");
            if x != u {
                if let Some(all) = closed(view, j, u, exec) {
                    if let Some((sa, _)) = surplus(view, &all, target) {
                        assert!(sa < 0, "Infeasible but the whole close reaches the target");
                    }
                }
            }
        }
    }
}

/// Most positions a generated pool has: one more than the core accepts.
pub const FUZZ_MAX_POSITIONS: usize = MAX_POSITIONS + 1;

/// The ABI target as the core's (the same rules as the boundary's).
pub fn core_target(t: partliq_target) -> Result<Target, partliq_status> {
    match t.kind {
        0 => Ok(Target::Maintenance { buffer: Ppm(t.buffer_ppm) }),
        1 if t.buffer_ppm == 0 => Ok(Target::Initial),
        1 => Err(PARTLIQ_STATUS_INVALID_BUFFER),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct TargetIn {
    pub kind: u8,
    pub buffer: PpmArg,
}

impl TargetIn {
    /// Kind 0 / 1 mostly (2 ..= 3: an invalid enumeration).
    pub fn to_abi(self) -> partliq_target {
        let kind = u32::from(self.kind % 4);
        let buffer_ppm = if kind == 1 && self.kind >= 128 { 0 } else { self.buffer.get() };
        partliq_target { kind, buffer_ppm }
    }
}

/// A health's own invariants.
pub fn check_health(h: &partliq_health) {
    assert_eq!(i128::from(h.free_collateral), i128::from(h.equity) - i128::from(h.initial_requirement));
    assert!(h.maintenance_requirement >= 0 && h.initial_requirement >= 0, "negative requirement");
    let state = if h.equity < 0 {
        2
    } else if h.maintenance_requirement > 0 && h.equity < h.maintenance_requirement {
        1
    } else {
        0
    };
    // Bankrupt is reported for negative equity; liquidatable below maintenance.
    assert_eq!(h.state, state, "state of {h:?}");
    let ratio = if h.maintenance_requirement == 0 {
        0
    } else if h.equity <= 0 {
        u64::MAX
    } else {
        let n = i128::from(h.maintenance_requirement) * 1_000_000;
        let d = i128::from(h.equity);
        u64::try_from((n + d - 1) / d).unwrap_or(u64::MAX)
    };
    assert_eq!(h.margin_ratio_ppm, ratio, "margin ratio of {h:?}");
    assert_eq!(h.reserved, 0);
}

/// An execution / fill price: raw, or near the mark of a position's market.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum PriceIn {
    Raw(I64),
    /// `mark × (1 + k / 10,000)`, at least 1.
    NearMark(i16),
    /// Worse than the mark for the position by `k / 10,000` (sell lower, buy higher).
    Against(u8),
}

impl PriceIn {
    pub fn get(self, data: &PoolData, position: usize) -> i64 {
        let mark = data.positions.get(position).and_then(|p| data.prices.get(p.market_index as usize)).copied().unwrap_or(1);
        let sign = data.positions.get(position).map_or(1, |p| p.size.signum());
        let moved = |k: i128| -> i64 {
            let m = i128::from(mark);
            i64::try_from(m + m * k / 10_000).unwrap_or(mark).max(1)
        };
        match self {
            PriceIn::Raw(v) => v.get(),
            PriceIn::NearMark(k) => moved(i128::from(k)),
            PriceIn::Against(k) => moved(-i128::from(sign) * i128::from(k)),
        }
    }
}

/// A size change that closes part of a position: raw, or a fraction of it.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum DeltaIn {
    Raw(I64),
    /// `−size × k / 255` (rounded toward zero; at least one unit).
    Fraction(u8),
    Whole,
}

impl DeltaIn {
    pub fn get(self, data: &PoolData, position: usize) -> i64 {
        let size = data.positions.get(position).map_or(0, |p| p.size);
        match self {
            DeltaIn::Raw(v) => v.get(),
            DeltaIn::Fraction(k) => {
                let d = -(i128::from(size) * i128::from(k) / 255);
                let d = if d == 0 { -i128::from(size.signum()) } else { d };
                i64::try_from(d).unwrap_or(i64::MAX)
            }
            DeltaIn::Whole => size.checked_neg().unwrap_or(i64::MAX),
        }
    }
}

// ---------------------------------------------------------------------------
// In/out structs (read and written in place by the call).

/// A value the call reads and may write: valid (aligned), NULL or
/// misaligned (a copy one byte off, never read by a correct boundary).
pub struct InOut<T> {
    buf: Vec<u64>,
    shape: OutPtr,
    _t: core::marker::PhantomData<T>,
}

impl<T: Copy> InOut<T> {
    pub fn new(value: T, shape: OutPtr) -> Self {
        let mut buf = vec![0u64; core::mem::size_of::<T>() / 8 + 2];
        let at = if matches!(shape, OutPtr::Misaligned) { 1 } else { 0 };
        // SAFETY: the buffer holds size_of::<T>() + 8 bytes or more; an
        // unaligned write of a plain value.
        unsafe { buf.as_mut_ptr().cast::<u8>().add(at).cast::<T>().write_unaligned(value) };
        InOut { buf, shape, _t: core::marker::PhantomData }
    }
    pub fn ptr(&mut self) -> *mut T {
        match self.shape {
            OutPtr::Null => core::ptr::null_mut(),
            OutPtr::Misaligned => self.buf.as_mut_ptr().cast::<u8>().wrapping_add(1).cast::<T>(),
            _ => self.buf.as_mut_ptr().cast::<T>(),
        }
    }
    pub fn rejected(&self) -> bool {
        !self.shape.valid()
    }
    /// The value (valid shape).
    pub fn get(&self) -> T {
        // SAFETY: aligned buffer of plain integers, initialised by `new`.
        unsafe { self.buf.as_ptr().cast::<T>().read() }
    }
    /// Every byte of the buffer.
    pub fn bytes(&self) -> Vec<u64> {
        self.buf.clone()
    }
}

// ---------------------------------------------------------------------------
// The pipelines' states and legs buffer.

/// A pipeline's legs buffer length against the pool's `n` positions.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum LegsLen {
    Positions,
    Positions2,
    Fewer(u8),
    More(u8),
    Zero,
    TooLong,
}

impl LegsLen {
    /// `(length passed, legs the buffer holds)`: `TooLong` an impossible
    /// length over a one-leg buffer (refused before any write).
    pub fn for_positions(self, n: usize) -> (usize, usize) {
        match self {
            LegsLen::Positions | LegsLen::Positions2 => (n, n),
            LegsLen::Fewer(k) => (n - usize::from(k) % (n + 1), n),
            LegsLen::More(k) => (n + usize::from(k % 8), n + usize::from(k % 8)),
            LegsLen::Zero => (0, 0),
            LegsLen::TooLong => (max_len::<partliq_plan_leg>() + 1, 1),
        }
    }
}

/// The core state of an ABI account state (flags: any non-zero word is
/// set; the pipelines refuse words other than 0 and 1 before this is used).
pub fn core_account_state(s: &partliq_account_liquidation_state) -> partliq::AccountLiquidationState {
    partliq::AccountLiquidationState {
        last_partial_time: s.last_partial_time,
        has_partial: s.has_partial != 0,
        in_liquidation: s.in_liquidation != 0,
        block: s.block,
        block_notional: Quote(s.block_notional),
        block_insurance_loss: Quote(s.block_insurance_loss),
        liquidation_start_time: s.liquidation_start_time,
        liquidation_started: s.liquidation_started != 0,
    }
}

/// At most six market capacity states of drawn `(window start, used)`.
pub fn market_states(windows: &[(u8, I64)]) -> Vec<partliq_market_capacity_state> {
    windows.iter().take(6).map(|(s, u)| partliq_market_capacity_state { window_start: u64::from(*s), used: u.get() }).collect()
}

/// The core's market capacity states of ABI ones.
pub fn core_market_states(ms: &[partliq_market_capacity_state]) -> Vec<partliq::MarketCapacityState> {
    ms.iter().map(|m| partliq::MarketCapacityState { window_start: m.window_start, used: Quote(m.used) }).collect()
}

/// The market states as passed (read and written in place): the shape's
/// argument, and its pointer made mutable (a valid one from `ms` itself).
pub fn states_arg(
    ms: &mut [partliq_market_capacity_state],
    shape: ArrShape,
) -> (ArrArg<partliq_market_capacity_state>, *mut partliq_market_capacity_state) {
    let arg = ArrArg::new(ms, shape);
    let ptr = if matches!(shape.ptr, ArrPtr::Valid | ArrPtr::Valid2 | ArrPtr::Valid3) { ms.as_mut_ptr() } else { arg.ptr.cast_mut() };
    (arg, ptr)
}

// ---------------------------------------------------------------------------
// Policies in ABI form.

/// The ABI policy as the core's, with the boundary's checks in the
/// boundary's order (reserved fields, sizing, order, target, flags, ramps).
pub fn core_policy(p: &partliq_policy) -> Result<partliq::Policy, partliq_status> {
    use partliq::*;
    if p.fraction_cap.reserved != 0 || p.escalation.reserved != 0 {
        return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    let mode = match p.position_limits.mode {
        0 => LimitMode::Cap,
        1 => LimitMode::AtLeastOneLot,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    let sizing = match p.sizing {
        0 => SizingMode::Minimal,
        1 => SizingMode::MaxAllowed,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    let order = match p.order {
        0 => PlanOrder::LargestMaintenanceFirst,
        1 => PlanOrder::BestReleasePerCostFirst,
        2 => PlanOrder::ProRata,
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    let target = core_target(p.target)?;
    let flag = |v: u32| match v {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    Ok(Policy {
        target,
        price_band: Ppm(p.price_band_ppm),
        order,
        sizing,
        fraction_cap: FractionCap {
            notional_threshold: Quote(p.fraction_cap.notional_threshold),
            max_fraction: Ppm(p.fraction_cap.max_fraction_ppm),
            cooldown: p.fraction_cap.cooldown,
        },
        tier_step: TierStep { levels: p.tier_step.levels, full_close_at_or_below_tier: p.tier_step.full_close_at_or_below_tier },
        close_factor: CloseFactor {
            max_fraction: Ppm(p.close_factor.max_fraction_ppm),
            health_threshold_ppm: p.close_factor.health_threshold_ppm,
            min_position_notional: Quote(p.close_factor.min_position_notional),
            min_remainder: Quote(p.close_factor.min_remainder),
        },
        position_limits: PositionLimits {
            min_notional: Quote(p.position_limits.min_notional),
            max_portion: Ppm(p.position_limits.max_portion_ppm),
            mode,
        },
        block_limits: BlockLimits {
            max_notional: Quote(p.block_limits.max_notional),
            max_insurance_loss: Quote(p.block_limits.max_insurance_loss),
        },
        window_capacity: WindowCapacity { capacity: Quote(p.window_capacity.capacity), window: p.window_capacity.window },
        perp_v2_ratio: flag(p.perp_v2_ratio)?,
        escalation: EscalationRules {
            backstop_fraction: Fraction::new(p.escalation.backstop_numerator, p.escalation.backstop_denominator),
            backstop_on_infeasible: flag(p.escalation.backstop_on_infeasible)?,
        },
        ramps: core_ramps(&p.ramps)?,
        emergency_bypass: EmergencyBypass {
            below_fraction: Fraction::new(p.emergency_bypass.below_numerator, p.emergency_bypass.below_denominator),
            project: flag(p.emergency_bypass.project)?,
            adverse_move: Ppm(p.emergency_bypass.adverse_move_ppm),
        },
    })
}

/// The ABI ramps as the core's, with the boundary's checks: reserved words,
/// the band mode, another mode's fields (all `RESERVED_NOT_ZERO` but the
/// mode's `INVALID_ENUM`, in that order).
pub fn core_ramps(r: &partliq_ramps) -> Result<partliq::Ramps, partliq_status> {
    use partliq::*;
    let b = &r.band;
    if r.fraction.reserved != 0 || b.reserved != 0 {
        return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    let dutch = b.start_ppm != 0 || b.max_ppm != 0 || b.duration != 0;
    let dydx = b.bankruptcy_adjustment_ppm != 0 || b.spread_to_maintenance_margin_ratio_ppm != 0;
    let band = match b.mode {
        0 if !dutch && !dydx => BandRamp::Flat,
        1 if !dydx => BandRamp::Dutch { start: Ppm(b.start_ppm), max: Ppm(b.max_ppm), duration: b.duration },
        2 if !dutch => BandRamp::DydxFillable(partliq::venues::dydx_v4::FillablePriceConfig {
            bankruptcy_adjustment_ppm: b.bankruptcy_adjustment_ppm,
            spread_to_maintenance_margin_ratio_ppm: b.spread_to_maintenance_margin_ratio_ppm,
        }),
        0..=2 => return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO),
        _ => return Err(PARTLIQ_STATUS_INVALID_ENUM),
    };
    Ok(Ramps {
        fee: FeeRamp { max_fee: Ppm(r.fee.max_fee_ppm), grace: r.fee.grace, increase_per_unit: r.fee.increase_per_unit_ppm },
        fraction: FractionRamp {
            initial: Ppm(r.fraction.initial_ppm),
            duration: r.fraction.duration,
            full_below_shortage: Quote(r.fraction.full_below_shortage),
        },
        band,
    })
}

/// Ramps: each part on or off, small times (so the clock matters), and
/// possibly broken at the boundary.
#[derive(Arbitrary, Debug, Clone)]
pub struct RampsIn {
    /// Cap, increase per unit, grace.
    pub fee: Option<(PpmArg, u16, u8)>,
    /// Initial fraction, duration, shortage threshold.
    pub fraction: Option<(PpmArg, u8, I64)>,
    pub band: BandIn,
    pub broken: Option<BrokenRamps>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BandIn {
    Flat,
    Dutch(PpmArg, PpmArg, u8),
    /// Bankruptcy adjustment above 10⁶ by this much, spread ratio.
    Dydx(u32, PpmArg),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BrokenRamps {
    FractionReserved,
    BandReserved,
    /// A band mode outside the enumeration (3 or more).
    BandMode(u32),
    /// A Dutch field set in another mode.
    OtherModeField(u32),
}

impl RampsIn {
    pub fn build(&self) -> partliq_ramps {
        let mut r = partliq_ramps::default();
        if let Some((cap, rate, grace)) = self.fee {
            r.fee = partliq_fee_ramp { max_fee_ppm: cap.get(), increase_per_unit_ppm: u32::from(rate), grace: u64::from(grace) };
        }
        if let Some((initial, duration, shortage)) = self.fraction {
            r.fraction = partliq_fraction_ramp {
                initial_ppm: initial.get(),
                reserved: 0,
                duration: u64::from(duration),
                full_below_shortage: shortage.get(),
            };
        }
        match self.band {
            BandIn::Flat => {}
            BandIn::Dutch(a, b, d) => {
                r.band.mode = 1;
                r.band.start_ppm = a.get();
                r.band.max_ppm = b.get();
                r.band.duration = u64::from(d);
            }
            BandIn::Dydx(extra, smmr) => {
                r.band.mode = 2;
                r.band.bankruptcy_adjustment_ppm = 1_000_000u32.saturating_add(extra % 3_000_000);
                r.band.spread_to_maintenance_margin_ratio_ppm = smmr.get();
            }
        }
        match self.broken {
            None => {}
            Some(BrokenRamps::FractionReserved) => r.fraction.reserved = 1,
            Some(BrokenRamps::BandReserved) => r.band.reserved = 1,
            Some(BrokenRamps::BandMode(v)) => r.band.mode = v.max(3),
            Some(BrokenRamps::OtherModeField(v)) => {
                if r.band.mode == 1 {
                    r.band.bankruptcy_adjustment_ppm = v.max(1);
                } else {
                    r.band.duration = u64::from(v.max(1));
                }
            }
        }
        r
    }
}

/// A policy: structured (mostly sensible rules) and then possibly broken
/// at the boundary (a reserved field, an enumeration or a flag out of range).
#[derive(Arbitrary, Debug, Clone)]
pub struct AbiPolicyIn {
    pub target: TargetIn,
    pub band: PpmArg,
    pub order: u8,
    pub max_allowed: bool,
    pub fraction_cap: Option<(I64, PpmArg, u8)>,
    pub tier_step: Option<(u8, Option<u8>)>,
    pub close_factor: Option<(PpmArg, u32, I64, I64)>,
    /// Min notional, max portion, dYdX's at-least-one-lot mode.
    pub position_limits: Option<(I64, PpmArg, bool)>,
    pub block_limits: Option<(I64, I64)>,
    pub window: Option<(I64, u8)>,
    pub perp_v2_ratio: bool,
    pub backstop_fraction: Option<(u8, u8)>,
    pub backstop_on_infeasible: bool,
    /// The emergency bypass: its fraction, the projection and its move.
    pub emergency_bypass: Option<(u8, u8, bool, PpmArg)>,
    pub broken: Option<Broken>,
    pub ramps: Option<RampsIn>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Broken {
    FractionCapReserved,
    /// A position-limits mode outside the enumeration (2 or more).
    PositionLimitsMode(u32),
    EscalationReserved,
    Sizing(u32),
    Order(u32),
    TargetKind(u32),
    PerpV2(u32),
    BackstopOnInfeasible(u32),
    BypassProject(u32),
}

impl AbiPolicyIn {
    pub fn build(&self) -> partliq_policy {
        let mut p = partliq_policy {
            target: self.target.to_abi(),
            price_band_ppm: self.band.get(),
            order: u32::from(self.order % 3),
            sizing: u32::from(self.max_allowed),
            perp_v2_ratio: u32::from(self.perp_v2_ratio),
            ..Default::default()
        };
        p.tier_step.full_close_at_or_below_tier = u32::MAX;
        p.block_limits = partliq_block_limits { max_notional: i64::MAX, max_insurance_loss: i64::MAX };
        if let Some((t, f, c)) = self.fraction_cap {
            p.fraction_cap =
                partliq_fraction_cap { notional_threshold: t.get(), max_fraction_ppm: f.get(), reserved: 0, cooldown: u64::from(c) };
        }
        if let Some((levels, full)) = self.tier_step {
            p.tier_step = partliq_tier_step {
                levels: u32::from(levels % 4),
                full_close_at_or_below_tier: full.map_or(u32::MAX, |t| u32::from(t % 4)),
            };
        }
        if let Some((f, h, mp, mr)) = self.close_factor {
            p.close_factor = partliq_close_factor {
                max_fraction_ppm: f.get(),
                health_threshold_ppm: h,
                min_position_notional: mp.get(),
                min_remainder: mr.get(),
            };
        }
        if let Some((n, portion, one_lot)) = self.position_limits {
            p.position_limits = partliq_position_limits { min_notional: n.get(), max_portion_ppm: portion.get(), mode: u32::from(one_lot) };
        }
        if let Some((n, l)) = self.block_limits {
            p.block_limits = partliq_block_limits { max_notional: n.get(), max_insurance_loss: l.get() };
        }
        if let Some((c, w)) = self.window {
            p.window_capacity = partliq_window_capacity { capacity: c.get(), window: u64::from(w) };
        }
        if let Some((n, d)) = self.backstop_fraction {
            p.escalation.backstop_numerator = u32::from(n);
            p.escalation.backstop_denominator = u32::from(d);
        }
        p.escalation.backstop_on_infeasible = u32::from(self.backstop_on_infeasible);
        if let Some((n, d, project, adverse)) = self.emergency_bypass {
            p.emergency_bypass = partliq_emergency_bypass {
                below_numerator: u32::from(n),
                below_denominator: u32::from(d),
                project: u32::from(project),
                adverse_move_ppm: adverse.get(),
            };
        }
        match self.broken {
            None => {}
            Some(Broken::FractionCapReserved) => p.fraction_cap.reserved = 1,
            Some(Broken::PositionLimitsMode(v)) => p.position_limits.mode = v.max(2),
            Some(Broken::EscalationReserved) => p.escalation.reserved = 1,
            Some(Broken::Sizing(v)) => p.sizing = v,
            Some(Broken::Order(v)) => p.order = v,
            Some(Broken::TargetKind(v)) => p.target.kind = v,
            Some(Broken::PerpV2(v)) => p.perp_v2_ratio = v,
            Some(Broken::BackstopOnInfeasible(v)) => p.escalation.backstop_on_infeasible = v,
            Some(Broken::BypassProject(v)) => p.emergency_bypass.project = v,
        }
        if let Some(r) = &self.ramps {
            p.ramps = r.build();
        }
        p
    }
}
