//! dYdX v4 (the core's `venues::dydx_v4`): its liquidation config,
//! `partliq_dydx_liquidation_config_*`, and its exact liquidation functions
//! (`partliq_dydx_*`): margin with open-interest-scaled initial margin and
//! the double-ceiling maintenance margin, the subaccount's risk, the
//! bankruptcy and fillable prices and the fillable price's subticks, the
//! insurance fund delta of a fill, and the block limits and size delta of
//! the next liquidation order.
//!
//! Sizes, balances and figures are `int64_t` (base and quote quantums; a
//! figure beyond it is `OVERFLOW`); exact fractions are two
//! `partliq_i128`s. Go's panics are statuses (see each function).

use partliq::venues::dydx_v4;

use crate::boundary::{decode, Castable, Flag, OK};
use crate::status::*;
use crate::venues::{narrow, partliq_i128};

/// dYdX v4's `LiquidationsConfig`, flattened (quote amounts in quote quantums).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_liquidation_config {
    /// Largest liquidation fee, ppm of the fill's quote amount (1 ..= 1,000,000).
    pub max_liquidation_fee_ppm: u32,
    /// Fillable price: `BA`, ppm (≥ 1,000,000).
    pub bankruptcy_adjustment_ppm: u32,
    /// Fillable price: `SMMR`, ppm (> 0).
    pub spread_to_maintenance_margin_ratio_ppm: u32,
    /// Largest portion of a position's notional liquidated per block, ppm (1 ..= 1,000,000).
    pub max_position_portion_liquidated_ppm: u32,
    /// Least notional a liquidation takes (capped at the position's notional).
    pub min_position_notional_liquidated: u64,
    /// Most notional liquidated per subaccount per block (> 0).
    pub max_notional_liquidated: u64,
    /// Most insurance fund loss per subaccount per block (> 0).
    pub max_quantums_insurance_lost: u64,
}

pin_layout!(partliq_dydx_liquidation_config, size = 40, align = i64, {
    max_liquidation_fee_ppm @ 0, bankruptcy_adjustment_ppm @ 4, spread_to_maintenance_margin_ratio_ppm @ 8,
    max_position_portion_liquidated_ppm @ 12, min_position_notional_liquidated @ 16, max_notional_liquidated @ 24,
    max_quantums_insurance_lost @ 32,
});

impl partliq_dydx_liquidation_config {
    /// The core's config (checked apart, by its `validate`).
    pub(crate) fn to_core(self) -> dydx_v4::LiquidationConfig {
        dydx_v4::LiquidationConfig {
            max_liquidation_fee_ppm: self.max_liquidation_fee_ppm,
            fillable_price_config: dydx_v4::FillablePriceConfig {
                bankruptcy_adjustment_ppm: self.bankruptcy_adjustment_ppm,
                spread_to_maintenance_margin_ratio_ppm: self.spread_to_maintenance_margin_ratio_ppm,
            },
            position_block_limits: dydx_v4::PositionBlockLimits {
                min_position_notional_liquidated: self.min_position_notional_liquidated,
                max_position_portion_liquidated_ppm: self.max_position_portion_liquidated_ppm,
            },
            subaccount_block_limits: dydx_v4::SubaccountBlockLimits {
                max_notional_liquidated: self.max_notional_liquidated,
                max_quantums_insurance_lost: self.max_quantums_insurance_lost,
            },
        }
    }

    /// The ABI's config of the core's.
    pub(crate) fn from_core(c: &dydx_v4::LiquidationConfig) -> Self {
        partliq_dydx_liquidation_config {
            max_liquidation_fee_ppm: c.max_liquidation_fee_ppm,
            bankruptcy_adjustment_ppm: c.fillable_price_config.bankruptcy_adjustment_ppm,
            spread_to_maintenance_margin_ratio_ppm: c.fillable_price_config.spread_to_maintenance_margin_ratio_ppm,
            max_position_portion_liquidated_ppm: c.position_block_limits.max_position_portion_liquidated_ppm,
            min_position_notional_liquidated: c.position_block_limits.min_position_notional_liquidated,
            max_notional_liquidated: c.subaccount_block_limits.max_notional_liquidated,
            max_quantums_insurance_lost: c.subaccount_block_limits.max_quantums_insurance_lost,
        }
    }
}

/// dYdX mainnet's genesis liquidations config.
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_mainnet_genesis(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::mainnet_genesis()));
    OK
}

/// dYdX's code default liquidations config (`LiquidationsConfig_Default`).
///
/// # Safety
/// `out` is NULL or valid for one write of a `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_code_default(out: *mut partliq_dydx_liquidation_config) -> partliq_status {
    out!(out);
    write_out!(out, partliq_dydx_liquidation_config::from_core(&dydx_v4::LiquidationConfig::code_default()));
    OK
}

/// dYdX's `LiquidationsConfig.Validate`: `INVALID_LIQUIDATION_CONFIG`,
/// `FRACTION_ABOVE_100_PERCENT`.
///
/// # Safety
/// `config` is NULL or points to an initialised `partliq_dydx_liquidation_config`.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidation_config_validate(config: *const partliq_dydx_liquidation_config) -> partliq_status {
    let config = struct_in!(config).to_core();
    core_try!(config.validate());
    OK
}

/// A dYdX liquidity tier (`LiquidityTier`, without the impact notional).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_liquidity_tier {
    /// Base initial margin fraction, ppm (≤ 1,000,000).
    pub initial_margin_ppm: u32,
    /// Maintenance margin as a fraction of the initial margin, ppm (≤ 1,000,000).
    pub maintenance_fraction_ppm: u32,
    /// Open-interest notional (quote quantums) up to which the base initial fraction holds.
    pub open_interest_lower_cap: u64,
    /// Open-interest notional from which the initial fraction is 100 % (0: no scaling).
    pub open_interest_upper_cap: u64,
}

/// A perpetual position of a subaccount with its perpetual and oracle price.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_position {
    /// Perpetual id.
    pub perpetual_id: u32,
    /// One base quantum is `10^atomic_resolution` coins.
    pub atomic_resolution: i32,
    /// The perpetual's open interest, base quantums (scales the initial margin).
    pub open_interest: i64,
    /// The perpetual's liquidity tier.
    pub liquidity_tier: partliq_dydx_liquidity_tier,
    /// Oracle price mantissa: a coin is worth `price × 10^price_exponent` USDC.
    pub price: u64,
    /// Oracle price exponent.
    pub price_exponent: i32,
    /// Must be 0.
    pub reserved: u32,
    /// Size, base quantums (long > 0, short < 0).
    pub quantums: i64,
    /// The position's own quote balance (after funding), quote quantums.
    pub quote_balance: i64,
}

/// Margin figures in quote quantums (`margin.Risk`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_risk {
    /// Maintenance margin requirement.
    pub mmr: i64,
    /// Initial margin requirement.
    pub imr: i64,
    /// Net collateral.
    pub nc: i64,
}

/// A CLOB pair's units.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_clob_pair {
    /// Order sizes are multiples of this many base quantums.
    pub step_base_quantums: u64,
    /// Order prices are multiples of this many subticks.
    pub subticks_per_tick: u32,
    /// `subticks × 10^exponent` is a price in quote quantums per base quantum.
    pub quantum_conversion_exponent: i32,
}

/// A liquidation fill as the matching engine reports it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_fill {
    /// Filled base quantums (> 0).
    pub fill_amount: u64,
    /// Fill price, subticks.
    pub subticks: u64,
    /// 1 when the liquidation order buys (closes a short), else 0.
    pub is_buy: u32,
    /// Must be 0.
    pub reserved: u32,
}

/// An exact fraction `num / den` (den > 0, in lowest terms when the
/// library made it), quote quantums per base quantum.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_rational {
    /// Numerator.
    pub num: partliq_i128,
    /// Denominator (≠ 0).
    pub den: partliq_i128,
}

/// Least and largest notional of one position liquidatable in a block.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_notional_limits {
    /// `min(min_position_notional_liquidated, |notional|)`.
    pub min: i64,
    /// `max(min, ⌊|notional| × max_position_portion_liquidated_ppm / 10^6⌋)`.
    pub max: i64,
}

/// What a subaccount may still have liquidated in this block.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_dydx_block_left {
    /// Notional, quote quantums.
    pub notional: i64,
    /// Insurance fund loss, quote quantums.
    pub insurance_lost: i64,
}

pin_layout!(partliq_dydx_liquidity_tier, size = 24, align = u64, {
    initial_margin_ppm @ 0, maintenance_fraction_ppm @ 4, open_interest_lower_cap @ 8, open_interest_upper_cap @ 16,
});
pin_layout!(partliq_dydx_position, size = 72, align = i64, {
    perpetual_id @ 0, atomic_resolution @ 4, open_interest @ 8, liquidity_tier @ 16, price @ 40, price_exponent @ 48,
    reserved @ 52, quantums @ 56, quote_balance @ 64,
});
pin_layout!(partliq_dydx_risk, size = 24, align = i64, { mmr @ 0, imr @ 8, nc @ 16 });
pin_layout!(partliq_dydx_clob_pair, size = 16, align = u64, { step_base_quantums @ 0, subticks_per_tick @ 8, quantum_conversion_exponent @ 12 });
pin_layout!(partliq_dydx_fill, size = 24, align = u64, { fill_amount @ 0, subticks @ 8, is_buy @ 16, reserved @ 20 });
pin_layout!(partliq_dydx_rational, size = 32, align = u64, { num @ 0, den @ 16 });
pin_layout!(partliq_dydx_notional_limits, size = 16, align = i64, { min @ 0, max @ 8 });
pin_layout!(partliq_dydx_block_left, size = 16, align = i64, { notional @ 0, insurance_lost @ 8 });

// A position is read in place as the core's 64-bit position (its reserved
// field lies in the core type's padding; every field is an integer), once
// its checks pass (`partliq_dydx_position::check`); the tier and a risk
// (three integers, nothing to check) likewise.
castable!(partliq_dydx_liquidity_tier => dydx_v4::LiquidityTier, |_t| Ok(()), {
    initial_margin_ppm = initial_margin_ppm, maintenance_fraction_ppm = maintenance_fraction_ppm,
    open_interest_lower_cap = open_interest_lower_cap, open_interest_upper_cap = open_interest_upper_cap,
});
castable!(partliq_dydx_risk => dydx_v4::Risk64, |_r| Ok(()), { mmr = mmr, imr = imr, nc = nc });
castable!(partliq_dydx_position => dydx_v4::DydxPosition64, |p| p.check(), {
    perpetual_id = perpetual_id, atomic_resolution = atomic_resolution, open_interest = open_interest,
    liquidity_tier = liquidity_tier, price = price, price_exponent = price_exponent, quantums = quantums,
    quote_balance = quote_balance,
});

impl partliq_dydx_liquidity_tier {
    fn to_core(self) -> dydx_v4::LiquidityTier {
        dydx_v4::LiquidityTier {
            initial_margin_ppm: self.initial_margin_ppm,
            maintenance_fraction_ppm: self.maintenance_fraction_ppm,
            open_interest_lower_cap: self.open_interest_lower_cap,
            open_interest_upper_cap: self.open_interest_upper_cap,
        }
    }
}

impl partliq_dydx_position {
    /// The position's checks, in `to_core`'s order, without building the
    /// core's position: `RESERVED_NOT_ZERO`, then the tier's
    /// `LiquidityTier.Validate` (`FRACTION_ABOVE_100_PERCENT`, `OUT_OF_RANGE`).
    #[inline(always)]
    fn check(&self) -> Result<(), partliq_status> {
        if self.reserved != 0 {
            return Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO);
        }
        self.liquidity_tier.to_core().validate().map_err(status_of)
    }

    /// The core's position: read in place as the core's `DydxPosition64`
    /// once it passes `check` (`RESERVED_NOT_ZERO`, then the tier's
    /// `LiquidityTier.Validate`: `FRACTION_ABOVE_100_PERCENT`,
    /// `OUT_OF_RANGE`), then widened.
    fn to_core(self) -> Result<dydx_v4::DydxPosition, partliq_status> {
        Ok(self.cast_ref()?.widen())
    }
}

impl partliq_dydx_risk {
    fn to_core(self) -> dydx_v4::Risk {
        dydx_v4::Risk { mmr: i128::from(self.mmr), imr: i128::from(self.imr), nc: i128::from(self.nc) }
    }

    fn of(r: &dydx_v4::Risk) -> Result<Self, partliq_status> {
        Ok(partliq_dydx_risk { mmr: narrow(r.mmr)?, imr: narrow(r.imr)?, nc: narrow(r.nc)? })
    }
}

impl partliq_dydx_clob_pair {
    fn to_core(self) -> dydx_v4::ClobPair {
        dydx_v4::ClobPair {
            step_base_quantums: self.step_base_quantums,
            subticks_per_tick: self.subticks_per_tick,
            quantum_conversion_exponent: self.quantum_conversion_exponent,
        }
    }
}

/// The subaccount's block record: the perpetuals liquidated for it in this
/// block and what was liquidated and lost so far.
fn block_info(
    perpetuals_liquidated: &[u32],
    notional_liquidated: u64,
    quantums_insurance_lost: u64,
) -> dydx_v4::SubaccountLiquidationInfo<'_> {
    dydx_v4::SubaccountLiquidationInfo { perpetuals_liquidated, notional_liquidated, quantums_insurance_lost }
}

/// The initial margin fraction (ppm) of a liquidity tier at an open-interest
/// notional of `oi_quote_quantums` (`GetAdjustedInitialMarginPpm`): the base
/// fraction up to the lower cap, 100 % from the upper cap, linear (floored)
/// between. Statuses: `FRACTION_ABOVE_100_PERCENT`, `OUT_OF_RANGE` (the
/// tier's `Validate`).
///
/// # Safety
/// `tier` is NULL or points to an initialised tier; `out` is NULL or valid
/// for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_adjusted_initial_margin_ppm(
    tier: *const partliq_dydx_liquidity_tier,
    oi_quote_quantums: i64,
    out: *mut u32,
) -> partliq_status {
    let tier = struct_in!(tier).to_core();
    out!(out);
    core_try!(tier.validate());
    let v = core_try!(tier.adjusted_initial_margin_ppm(i128::from(oi_quote_quantums)));
    write_out!(out, v);
    OK
}

/// A position's risk with its own quote balance
/// (`GetNetCollateralAndMarginRequirements` of one position): net collateral
/// `notional + quote_balance`, `IMR = ⌈notional × max(IMF(OI), custom)⌉`
/// with the open-interest-scaled fraction, and the double-ceiling
/// `MMR = ⌈⌈notional × IMF⌉ × MF⌉` with the base fraction
/// (`custom_imf_ppm` 0: none).
///
/// Statuses: `RESERVED_NOT_ZERO`, the tier's, `OVERFLOW`.
///
/// # Safety
/// `position` is NULL or points to an initialised position; `out` is NULL
/// or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_position_risk(
    position: *const partliq_dydx_position,
    custom_imf_ppm: u32,
    out: *mut partliq_dydx_risk,
) -> partliq_status {
    let position = struct_in!(position);
    out!(out);
    let p = check!(position.to_core());
    let r = core_try!(p.perpetual.net_collateral_and_margin(p.price, p.quantums, p.quote_balance, custom_imf_ppm));
    write_out!(out, check!(partliq_dydx_risk::of(&r)));
    OK
}

/// A subaccount's total risk: `NC = usdc + Σ (notional + quote balance)`,
/// IMR and MMR summed per position (no custom IMF) — what dYdX's
/// `GetNetCollateralAndMarginRequirements` returns for an empty update.
///
/// # Safety
/// `positions` is NULL (only with length 0) or points to `positions_len`
/// initialised positions; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_subaccount_risk(
    usdc_quantums: i64,
    positions: *const partliq_dydx_position,
    positions_len: usize,
    out: *mut partliq_dydx_risk,
) -> partliq_status {
    let positions = array_in!(positions, positions_len);
    out!(out);
    let mut total = dydx_v4::Risk { mmr: 0, imr: 0, nc: i128::from(usdc_quantums) };
    for p in positions {
        let r = core_try!(check!(p.to_core()).risk());
        total = core_try!(total.checked_add(r));
    }
    write_out!(out, check!(partliq_dydx_risk::of(&total)));
    OK
}

/// The bankruptcy price of closing `delta_quantums` of `position` as the
/// signed quote quantums the subaccount must receive
/// (`GetBankruptcyPriceInQuoteQuantums`: `−ΔNNV − ⌊TNC × |ΔMMR| / TMMR⌋`,
/// `total` the subaccount's risk).
///
/// Statuses: `INVALID_FILL_QUANTITY` (a delta that does not reduce the
/// position), `DIVISION_BY_ZERO` (TMMR 0), `OUT_OF_RANGE` (TMMR < 0, or ΔMMR
/// > 0), `OVERFLOW`, the position's.
///
/// # Safety
/// `position` and `total` are NULL or point to initialised values; `out` is
/// NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_bankruptcy_price_quote_quantums(
    position: *const partliq_dydx_position,
    total: *const partliq_dydx_risk,
    delta_quantums: i64,
    out: *mut i64,
) -> partliq_status {
    let position = struct_in!(position);
    let total = check!(struct_in!(total).cast_ref());
    out!(out);
    let p = check!(position.cast_ref());
    let v = core_try!(dydx_v4::bankruptcy_price_quote_quantums_64(p, total, delta_quantums));
    write_out!(out, check!(narrow(v)));
    OK
}

/// The fillable price of a liquidation of `position` (`GetFillablePrice`):
/// `(PNNV − ABR × SMMR × PMMR) / PS`, `ABR = clamp(BA × (1 − TNC / TMMR),
/// 0, 1)`, exact (quote quantums per base quantum, in lowest terms).
/// `delta_quantums` is only validated.
///
/// Statuses: `INVALID_FILL_QUANTITY`, `DIVISION_BY_ZERO` (TMMR 0),
/// `NEGATIVE_PRICE`, `OVERFLOW`, the position's, the config's
/// (`partliq_dydx_liquidation_config_validate`).
///
/// # Safety
/// `position`, `total` and `config` are NULL or point to initialised
/// values; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_fillable_price(
    position: *const partliq_dydx_position,
    total: *const partliq_dydx_risk,
    delta_quantums: i64,
    config: *const partliq_dydx_liquidation_config,
    out: *mut partliq_dydx_rational,
) -> partliq_status {
    let position = struct_in!(position);
    let total = struct_in!(total).to_core();
    let config = struct_in!(config).to_core();
    out!(out);
    let p = check!(position.to_core());
    core_try!(config.validate());
    let r = core_try!(dydx_v4::fillable_price(&p, &total, i128::from(delta_quantums), &config.fillable_price_config));
    write_out!(out, partliq_dydx_rational { num: partliq_i128::of(r.num()), den: partliq_i128::of(r.den()) });
    OK
}

/// The order price in subticks of a liquidation at `price`
/// (`ConvertFillablePriceToSubticks`): rounded up when liquidating a long
/// (`is_liquidating_long` 1), down for a short, to a multiple of
/// `subticks_per_tick` the same way, clamped to `[subticks_per_tick,
/// UINT64_MAX − UINT64_MAX % subticks_per_tick]`.
///
/// Statuses: `DIVISION_BY_ZERO` (den 0), `INVALID_ENUM` (the flag),
/// `NEGATIVE_PRICE`, `INVALID_TICK` (`subticks_per_tick` 0), `OVERFLOW`.
///
/// # Safety
/// `price` and `clob_pair` are NULL or point to initialised values; `out`
/// is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_fillable_price_to_subticks(
    price: *const partliq_dydx_rational,
    is_liquidating_long: u32,
    clob_pair: *const partliq_dydx_clob_pair,
    out: *mut u64,
) -> partliq_status {
    let price = struct_in!(price);
    let clob = struct_in!(clob_pair).to_core();
    out!(out);
    let long = check!(decode::<Flag>(is_liquidating_long));
    let r = core_try!(dydx_v4::Rational::new(price.num.get(), price.den.get()));
    let v = core_try!(dydx_v4::fillable_price_to_subticks(r, long, &clob));
    write_out!(out, v);
    OK
}

/// The insurance fund delta of a liquidation fill
/// (`GetLiquidationInsuranceFundDelta`): positive, the fee the subaccount
/// pays the fund (at most `max_liquidation_fee_ppm` of the fill's quote
/// amount); negative, the loss the fund covers.
///
/// Statuses: `RESERVED_NOT_ZERO`, `INVALID_ENUM` (`is_buy`),
/// `INVALID_FILL_QUANTITY` (a zero fill, or one that does not reduce the
/// position), those of `partliq_dydx_bankruptcy_price_quote_quantums`.
///
/// # Safety
/// Every pointer is NULL or points to an initialised value; `out` is NULL
/// or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_insurance_fund_delta(
    position: *const partliq_dydx_position,
    total: *const partliq_dydx_risk,
    clob_pair: *const partliq_dydx_clob_pair,
    max_liquidation_fee_ppm: u32,
    fill: *const partliq_dydx_fill,
    out: *mut i64,
) -> partliq_status {
    let position = struct_in!(position);
    let total = struct_in!(total).to_core();
    let clob = struct_in!(clob_pair).to_core();
    let fill = struct_in!(fill);
    out!(out);
    let p = check!(position.to_core());
    if fill.reserved != 0 {
        return PARTLIQ_STATUS_RESERVED_NOT_ZERO;
    }
    let is_buy = check!(decode::<Flag>(fill.is_buy));
    let f = dydx_v4::LiquidationFill { is_buy, fill_amount: fill.fill_amount, subticks: fill.subticks };
    let v = core_try!(dydx_v4::liquidation_insurance_fund_delta(&p, &total, &clob, max_liquidation_fee_ppm, &f));
    write_out!(out, check!(narrow(v)));
    OK
}

/// The least and largest notional of `position` liquidatable in one block
/// (`GetMaxAndMinPositionNotionalLiquidatable`, the config's position
/// limits). Statuses: the position's, the config's, `OVERFLOW`.
///
/// # Safety
/// `position` and `config` are NULL or point to initialised values; `out`
/// is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_position_notional_limits(
    position: *const partliq_dydx_position,
    config: *const partliq_dydx_liquidation_config,
    out: *mut partliq_dydx_notional_limits,
) -> partliq_status {
    let position = struct_in!(position);
    let config = struct_in!(config).to_core();
    out!(out);
    check!(position.check());
    core_try!(config.validate());
    // The fields the core reads, in registers: no position built in memory.
    let price = dydx_v4::MarketPrice { price: position.price, exponent: position.price_exponent };
    let l = core_try!(dydx_v4::position_notional_limits_of(
        position.atomic_resolution,
        price,
        i128::from(position.quantums),
        config.position_block_limits
    ));
    write_out!(out, partliq_dydx_notional_limits { min: check!(narrow(l.min)), max: check!(narrow(l.max)) });
    OK
}

/// What the subaccount may still have liquidated in this block for
/// `perpetual_id` (`GetSubaccountMaxNotionalLiquidatable` and
/// `GetSubaccountMaxInsuranceLost`): the config's subaccount limits less
/// `notional_liquidated` and `quantums_insurance_lost`.
///
/// Statuses: `ALREADY_LIQUIDATED_THIS_BLOCK` (`perpetual_id` among
/// `perpetuals_liquidated`), `BLOCK_LIMIT_EXCEEDED`, the config's.
///
/// # Safety
/// `config` is NULL or points to an initialised config;
/// `perpetuals_liquidated` is NULL (only with length 0) or points to that
/// many ids; `out` is NULL or valid for one write.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_subaccount_block_left(
    config: *const partliq_dydx_liquidation_config,
    perpetuals_liquidated: *const u32,
    perpetuals_liquidated_len: usize,
    notional_liquidated: u64,
    quantums_insurance_lost: u64,
    perpetual_id: u32,
    out: *mut partliq_dydx_block_left,
) -> partliq_status {
    let config = struct_in!(config).to_core();
    let ids = array_in!(perpetuals_liquidated, perpetuals_liquidated_len);
    out!(out);
    core_try!(config.validate());
    let info = block_info(ids, notional_liquidated, quantums_insurance_lost);
    let limits = &config.subaccount_block_limits;
    let notional = core_try!(dydx_v4::subaccount_max_notional_liquidatable(limits, &info, perpetual_id));
    let lost = core_try!(dydx_v4::subaccount_max_insurance_lost(limits, &info, perpetual_id));
    write_out!(out, partliq_dydx_block_left { notional: check!(narrow(notional)), insurance_lost: check!(narrow(lost)) });
    OK
}

/// The size delta (base quantums, opposite in sign to the position) of the
/// next liquidation order of `position` (`GetLiquidatablePositionSizeDelta`):
/// the whole position when its notional is within the block limits or it is
/// no larger than one step, else the limit in base quantums rounded down to
/// the step and clamped to `[step, |position|]`.
///
/// Statuses: `EMPTY_POSITION`, `INVALID_LOT_STEP` (step 0 where it is used),
/// those of `partliq_dydx_subaccount_block_left` and
/// `partliq_dydx_position_notional_limits`.
///
/// # Safety
/// As `partliq_dydx_subaccount_block_left`; `position` and `clob_pair` are
/// NULL or point to initialised values.
#[no_mangle]
pub unsafe extern "C" fn partliq_dydx_liquidatable_size_delta(
    position: *const partliq_dydx_position,
    clob_pair: *const partliq_dydx_clob_pair,
    config: *const partliq_dydx_liquidation_config,
    perpetuals_liquidated: *const u32,
    perpetuals_liquidated_len: usize,
    notional_liquidated: u64,
    quantums_insurance_lost: u64,
    out: *mut i64,
) -> partliq_status {
    let position = struct_in!(position);
    let clob = struct_in!(clob_pair).to_core();
    let config = struct_in!(config).to_core();
    let ids = array_in!(perpetuals_liquidated, perpetuals_liquidated_len);
    out!(out);
    let p = check!(position.cast_ref());
    core_try!(config.validate());
    let info = block_info(ids, notional_liquidated, quantums_insurance_lost);
    let v = core_try!(dydx_v4::liquidatable_position_size_delta_64(p, &clob, &config, &info));
    write_out!(out, check!(narrow(v)));
    OK
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flattened config is the core's, field for field, both ways; the
    /// entry points write the core's configs and run its `validate`.
    #[test]
    fn config_round_trips() {
        for c in [dydx_v4::LiquidationConfig::mainnet_genesis(), dydx_v4::LiquidationConfig::code_default()] {
            assert_eq!(partliq_dydx_liquidation_config::from_core(&c).to_core(), c);
        }
        let mut abi = partliq_dydx_liquidation_config::default();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_dydx_liquidation_config_code_default(&mut abi), OK);
            assert_eq!(abi.max_liquidation_fee_ppm, 5_000);
            assert_eq!(partliq_dydx_liquidation_config_validate(&abi), OK);
            abi.spread_to_maintenance_margin_ratio_ppm = 0;
            assert_eq!(partliq_dydx_liquidation_config_validate(&abi), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
            assert_eq!(partliq_dydx_liquidation_config_mainnet_genesis(core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
        }
    }

    /// `BtcUsd_20PercentInitial_10PercentMaintenance` at $50,000 (a base
    /// quantum, 1e-8 BTC, is 500 quote quantums): 0.1 BTC long.
    fn btc(quantums: i64) -> partliq_dydx_position {
        partliq_dydx_position {
            perpetual_id: 0,
            atomic_resolution: -8,
            open_interest: 0,
            liquidity_tier: partliq_dydx_liquidity_tier {
                initial_margin_ppm: 200_000,
                maintenance_fraction_ppm: 500_000,
                ..Default::default()
            },
            price: 5_000_000_000,
            price_exponent: -5,
            reserved: 0,
            quantums,
            quote_balance: 0,
        }
    }

    const CLOB_BTC: partliq_dydx_clob_pair =
        partliq_dydx_clob_pair { step_base_quantums: 5, subticks_per_tick: 5, quantum_conversion_exponent: -8 };

    /// dYdX's own test rows, through the C ABI.
    #[test]
    fn liquidation_functions_by_hand() {
        let p = btc(10_000_000);
        let mut risk = partliq_dydx_risk::default();
        let mut cfg = partliq_dydx_liquidation_config::default();
        // SAFETY: valid pointers throughout.
        unsafe {
            assert_eq!(partliq_dydx_liquidation_config_code_default(&mut cfg), OK);
            // Notional 1e7 × 500 = 5e9; IMR 20 % = 1e9; MMR ⌈⌈5e9 × 20 %⌉ × 50 %⌉ = 5e8.
            assert_eq!(partliq_dydx_position_risk(&p, 0, &mut risk), OK);
            assert_eq!(risk, partliq_dydx_risk { mmr: 500_000_000, imr: 1_000_000_000, nc: 5_000_000_000 });
            // A custom IMF of 30 % raises the IMR only: 1.5e9.
            assert_eq!(partliq_dydx_position_risk(&p, 300_000, &mut risk), OK);
            assert_eq!((risk.imr, risk.mmr), (1_500_000_000, 500_000_000));
            // USDC −4,501 dollars: NC 4.99e8 < MMR 5e8.
            assert_eq!(partliq_dydx_subaccount_risk(-4_501_000_000, &p, 1, &mut risk), OK);
            assert_eq!(risk, partliq_dydx_risk { mmr: 500_000_000, imr: 1_000_000_000, nc: 499_000_000 });
            // ABR = 1 − 4.99e8 / 5e8 = 0.002; spread 0.002 × 10 % × 5e8 = 1e5;
            // (5e9 − 1e5) / 1e7 = 499.99 = 49,999 / 100.
            let mut price = partliq_dydx_rational::default();
            assert_eq!(partliq_dydx_fillable_price(&p, &risk, -10_000_000, &cfg, &mut price), OK);
            assert_eq!((price.num.get(), price.den.get()), (49_999, 100));
            // 499.99 × 10^8 = 49,999,000,000 subticks, a multiple of 5.
            let mut subticks = 0u64;
            assert_eq!(partliq_dydx_fillable_price_to_subticks(&price, 1, &CLOB_BTC, &mut subticks), OK);
            assert_eq!(subticks, 49_999_000_000);
            // A short's price rounds down: 49,999 / 100 − 1 / 10^9 → 49,998,999,999.99 → …995.
            let below = partliq_dydx_rational { num: partliq_i128::of(49_999 * 10_000_000 - 1), den: partliq_i128::of(1_000_000_000) };
            assert_eq!(partliq_dydx_fillable_price_to_subticks(&below, 0, &CLOB_BTC, &mut subticks), OK);
            assert_eq!(subticks, 49_998_999_995);
            // Bankruptcy of closing it all with USDC −5,100: TNC −1e8;
            // 5e9 − ⌊−1e8 × 5e8 / 5e8⌋ = 5.1e9.
            assert_eq!(partliq_dydx_subaccount_risk(-5_100_000_000, &p, 1, &mut risk), OK);
            let mut q = 0i64;
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&p, &risk, -10_000_000, &mut q), OK);
            assert_eq!(q, 5_100_000_000);
            // Sell at 56,100,000,000 subticks: cash 5.61e9, delta 5.1e8, fee
            // capped at 0.5 % × 5.61e9 = 28,050,000.
            let fill = partliq_dydx_fill { fill_amount: 10_000_000, subticks: 56_100_000_000, is_buy: 0, reserved: 0 };
            assert_eq!(partliq_dydx_insurance_fund_delta(&p, &risk, &CLOB_BTC, 5_000, &fill, &mut q), OK);
            assert_eq!(q, 28_050_000);
            // Mainnet genesis, 10 BTC ($500,000): limits [1e9, 5e10]; the
            // order closes 5e10 / 500 = 1e8 base quantums.
            assert_eq!(partliq_dydx_liquidation_config_mainnet_genesis(&mut cfg), OK);
            let big = btc(1_000_000_000);
            let mut limits = partliq_dydx_notional_limits::default();
            assert_eq!(partliq_dydx_position_notional_limits(&big, &cfg, &mut limits), OK);
            assert_eq!(limits, partliq_dydx_notional_limits { min: 1_000_000_000, max: 50_000_000_000 });
            assert_eq!(partliq_dydx_liquidatable_size_delta(&big, &CLOB_BTC, &cfg, core::ptr::null(), 0, 0, 0, &mut q), OK);
            assert_eq!(q, -100_000_000);
            // $99,000 already liquidated: $1,000 left = 2e6 base quantums.
            assert_eq!(partliq_dydx_liquidatable_size_delta(&big, &CLOB_BTC, &cfg, core::ptr::null(), 0, 99_000_000_000, 0, &mut q), OK);
            assert_eq!(q, -2_000_000);
            let mut left = partliq_dydx_block_left::default();
            assert_eq!(partliq_dydx_subaccount_block_left(&cfg, core::ptr::null(), 0, 99_000_000_000, 7, 0, &mut left), OK);
            assert_eq!(left, partliq_dydx_block_left { notional: 1_000_000_000, insurance_lost: 999_999_999_993 });
            // OI scaling: lower cap 1e6, upper 3e6, at 2e6 halfway from 20 % to 100 %.
            let tier =
                partliq_dydx_liquidity_tier { open_interest_lower_cap: 1_000_000, open_interest_upper_cap: 3_000_000, ..p.liquidity_tier };
            let mut imf = 0u32;
            assert_eq!(partliq_dydx_adjusted_initial_margin_ppm(&tier, 2_000_000, &mut imf), OK);
            assert_eq!(imf, 600_000);
        }
    }

    /// An open interest inside the tier's interpolating band takes the
    /// core's exact path (out of line), through the C call as directly.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn position_risk_in_the_open_interest_band() {
        // Caps 1e6 and 3e6 quote quantums; 4,000 base quantums of open
        // interest are 4,000 × 500 = 2e6, halfway: IMF 20 % + 80 % / 2 = 60 %.
        let p = partliq_dydx_position {
            open_interest: 4_000,
            liquidity_tier: partliq_dydx_liquidity_tier {
                open_interest_lower_cap: 1_000_000,
                open_interest_upper_cap: 3_000_000,
                ..btc(0).liquidity_tier
            },
            ..btc(10_000_000)
        };
        let core = p.to_core().unwrap();
        assert_eq!(core.perpetual.position_risk_u64(core.price, core.quantums, 0), None);
        let mut risk = partliq_dydx_risk::default();
        // SAFETY: valid pointers.
        assert_eq!(unsafe { partliq_dydx_position_risk(&p, 0, &mut risk) }, OK);
        // Notional 5e9; IMR ⌈5e9 × 60 %⌉ = 3e9; MMR at the base fraction
        // ⌈⌈5e9 × 20 %⌉ × 50 %⌉ = 5e8; NC 5e9 + 0.
        assert_eq!(risk, partliq_dydx_risk { mmr: 500_000_000, imr: 3_000_000_000, nc: 5_000_000_000 });
    }

    #[test]
    fn refusals_write_nothing() {
        let p = btc(10_000_000);
        let mut cfg = partliq_dydx_liquidation_config::default();
        let risk = partliq_dydx_risk { mmr: 500_000_000, imr: 1_000_000_000, nc: 499_000_000 };
        let mut q = 42i64;
        // SAFETY: valid pointers but for the NULLs, refused first.
        unsafe {
            assert_eq!(partliq_dydx_liquidation_config_code_default(&mut cfg), OK);
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(core::ptr::null(), &risk, -1, &mut q), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&p, &risk, -1, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            // A delta that grows the position; one beyond it.
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&p, &risk, 1, &mut q), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&p, &risk, -10_000_001, &mut q), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
            let zero = partliq_dydx_risk { mmr: 0, ..risk };
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&p, &zero, -1, &mut q), PARTLIQ_STATUS_DIVISION_BY_ZERO);
            let bad = partliq_dydx_position { reserved: 1, ..p };
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&bad, &risk, -1, &mut q), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            let over = partliq_dydx_position {
                liquidity_tier: partliq_dydx_liquidity_tier { initial_margin_ppm: 1_000_001, ..p.liquidity_tier },
                ..p
            };
            assert_eq!(partliq_dydx_bankruptcy_price_quote_quantums(&over, &risk, -1, &mut q), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
            let fill = partliq_dydx_fill { fill_amount: 10_000_000, subticks: 1, is_buy: 2, reserved: 0 };
            assert_eq!(partliq_dydx_insurance_fund_delta(&p, &risk, &CLOB_BTC, 5_000, &fill, &mut q), PARTLIQ_STATUS_INVALID_ENUM);
            let fill = partliq_dydx_fill { is_buy: 0, reserved: 3, ..fill };
            assert_eq!(partliq_dydx_insurance_fund_delta(&p, &risk, &CLOB_BTC, 5_000, &fill, &mut q), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
            let fill = partliq_dydx_fill { fill_amount: 0, reserved: 0, ..fill };
            assert_eq!(partliq_dydx_insurance_fund_delta(&p, &risk, &CLOB_BTC, 5_000, &fill, &mut q), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
            assert_eq!(
                partliq_dydx_liquidatable_size_delta(&btc(0), &CLOB_BTC, &cfg, core::ptr::null(), 0, 0, 0, &mut q),
                PARTLIQ_STATUS_EMPTY_POSITION
            );
            let ids = [3u32, 0];
            assert_eq!(
                partliq_dydx_liquidatable_size_delta(&p, &CLOB_BTC, &cfg, ids.as_ptr(), 2, 0, 0, &mut q),
                PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK
            );
            assert_eq!(
                partliq_dydx_liquidatable_size_delta(&p, &CLOB_BTC, &cfg, core::ptr::null(), 2, 0, 0, &mut q),
                PARTLIQ_STATUS_NULL_POINTER
            );
            let mut left = partliq_dydx_block_left { notional: 9, insurance_lost: 9 };
            assert_eq!(
                partliq_dydx_subaccount_block_left(&cfg, core::ptr::null(), 0, u64::MAX, 0, 0, &mut left),
                PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED
            );
            assert_eq!(left, partliq_dydx_block_left { notional: 9, insurance_lost: 9 });
            let mut broken = cfg;
            broken.spread_to_maintenance_margin_ratio_ppm = 0;
            let mut price = partliq_dydx_rational { num: partliq_i128::of(5), den: partliq_i128::of(7) };
            assert_eq!(partliq_dydx_fillable_price(&p, &risk, -1, &broken, &mut price), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
            let no_den = partliq_dydx_rational { num: partliq_i128::of(5), den: partliq_i128::of(0) };
            let mut st = 7u64;
            assert_eq!(partliq_dydx_fillable_price_to_subticks(&no_den, 1, &CLOB_BTC, &mut st), PARTLIQ_STATUS_DIVISION_BY_ZERO);
            let no_tick = partliq_dydx_clob_pair { subticks_per_tick: 0, ..CLOB_BTC };
            assert_eq!(partliq_dydx_fillable_price_to_subticks(&price, 1, &no_tick, &mut st), PARTLIQ_STATUS_INVALID_TICK);
            assert_eq!(partliq_dydx_fillable_price_to_subticks(&price, 2, &CLOB_BTC, &mut st), PARTLIQ_STATUS_INVALID_ENUM);
            assert_eq!((price.num.get(), price.den.get(), st), (5, 7, 7));
        }
        assert_eq!(q, 42);
    }
}
