//! Venue presets: policies that follow each venue's documented rules
//! through partliq's own pipeline.
//!
//! A [`Preset`] is a [`Policy`] plus the market-side parameters the venue
//! fixes (liquidation fee, its rounding, its split, dust floor), which
//! [`Preset::apply_to`](crate::presets::Preset::apply_to) writes into a [`Market`]. Amounts the venues state
//! in dollars are given in the caller's quote units through `quote_per_usd`
//! (e.g. 1,000,000 for micro-USDC), and durations through `ticks_per_second`
//! (the unit of the caller's clock). Each constructor cites the rule it
//! implements; the sources are listed in the README's preset table, with the
//! venue roundings each preset reproduces.
//!
//! A preset is policy, not arithmetic: the venues' own functions, exact to
//! the unit, are replicas in [`crate::venues`] (dYdX v4's in
//! [`crate::venues::dydx_v4`], Aave v3's lending mode in
//! [`crate::venues::aave_v3`]); [`dydx_v4_policy`] takes dYdX's own
//! configuration type from there.

use crate::error::{Error, Result};
use crate::health::Target;
use crate::market::{MarginTier, Market, MAX_TIERS};
use crate::num::{self, Ppm, Quote, Rounding};
use crate::plan::PlanOrder;
use crate::policy::{
    BlockLimits, CloseFactor, EscalationRules, Fraction, FractionCap, LimitMode, Policy, PositionLimits, SizingMode, TierStep,
    WindowCapacity,
};
use crate::venues::dydx_v4::LiquidationConfig;

/// The market-side parameters a venue fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenueFees {
    /// Liquidation (clearance) fee on the liquidated notional.
    pub liquidation_fee: Ppm,
    /// How the venue rounds that fee to a quote unit: `Ceil` (partliq's
    /// default, against the account, where the venue documents nothing) or
    /// `Floor` (see [`Market::liquidation_fee_rounding`]).
    pub liquidation_fee_rounding: Rounding,
    /// The liquidator's share of it (the rest goes to the insurance fund).
    pub liquidator_fee_share: Ppm,
    /// Remainders below this notional close whole (0 = none).
    pub dust_floor: Quote,
}

impl VenueFees {
    /// Checks that these fees are what [`Market::validate`] accepts once
    /// written into a market: fee and fee share at most 100 %
    /// ([`Error::FractionAbove100Percent`]), a dust floor not negative
    /// ([`Error::InvalidDustFloor`]), and a fee rounding of `Ceil` or
    /// `Floor` ([`Error::InvalidFeeRounding`]) — checked in that order (the
    /// checks the C layer makes before `partliq_preset_apply`).
    pub fn validate(&self) -> Result<()> {
        self.liquidation_fee.at_most_one(Error::FractionAbove100Percent)?;
        self.liquidator_fee_share.at_most_one(Error::FractionAbove100Percent)?;
        if self.dust_floor.0 < 0 {
            return Err(Error::InvalidDustFloor);
        }
        if self.liquidation_fee_rounding == Rounding::TowardZero {
            return Err(Error::InvalidFeeRounding);
        }
        Ok(())
    }
}

impl Default for VenueFees {
    /// No fee (rounded up should one be set), no split, no dust floor.
    fn default() -> Self {
        VenueFees { liquidation_fee: Ppm(0), liquidation_fee_rounding: Rounding::Ceil, liquidator_fee_share: Ppm(0), dust_floor: Quote(0) }
    }
}

/// A venue's policy and market parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The liquidation policy.
    pub policy: Policy,
    /// Fee, fee split and dust floor for the venue's markets.
    pub fees: VenueFees,
}

impl Preset {
    /// Writes the venue's fee, its rounding, the fee split and the dust
    /// floor into `market`.
    pub fn apply_to(&self, market: &mut Market) {
        market.liquidation_fee = self.fees.liquidation_fee;
        market.liquidation_fee_rounding = self.fees.liquidation_fee_rounding;
        market.liquidator_fee_share = self.fees.liquidator_fee_share;
        market.dust_floor = self.fees.dust_floor;
    }
}

fn usd(quote_per_usd: i64, dollars: i64) -> Result<Quote> {
    if quote_per_usd <= 0 {
        return Err(Error::OutOfRange);
    }
    Quote::from_i128(num::mul(i128::from(quote_per_usd), i128::from(dollars))?)
}

fn base_policy() -> Policy {
    Policy::default()
}

/// Venues without a backstop vault: what partial reduction cannot do, the
/// insurance fund takes over at the bankruptcy price (the pipeline's
/// [`crate::pipeline::Action::Takeover`]).
const FUND_TAKES_OVER: EscalationRules = EscalationRules { backstop_fraction: Fraction::new(0, 0), backstop_on_infeasible: false };

/// Reduce a position `levels` risk-limit tiers per step with market orders
/// (band 100 %, at the most the rule allows), closing it whole at or below
/// tier `full_close_at_or_below_tier`; the insurance fund takes over what
/// cannot be reduced (BitMEX, Bybit, OKX).
fn tier_stepped(levels: u32, full_close_at_or_below_tier: u32) -> Preset {
    Preset {
        policy: Policy {
            price_band: Ppm::ONE,
            sizing: SizingMode::MaxAllowed,
            tier_step: TierStep { levels, full_close_at_or_below_tier },
            escalation: FUND_TAKES_OVER,
            ..base_policy()
        },
        fees: VenueFees::default(),
    }
}

/// partliq's own policy: the least reduction restoring maintenance + 5 %,
/// best release per unit of cost first (least notional liquidated), 1 % band,
/// backstop when infeasible; a 0.5 % fee rounded up, split 50/50.
#[must_use]
pub fn partliq_default() -> Preset {
    Preset {
        policy: Policy { target: Target::Maintenance { buffer: Ppm(50_000) }, order: PlanOrder::BestReleasePerCostFirst, ..base_policy() },
        fees: VenueFees { liquidation_fee: Ppm(5_000), liquidator_fee_share: Ppm(500_000), ..VenueFees::default() },
    }
}

/// Hyperliquid (docs: trading/liquidations, trading/margin-tiers).
///
/// * Positions over 100,000 USDC of notional: 20 % of the position per
///   liquidation order; after a partial liquidation, a 30 s cooldown during
///   which liquidation orders are the whole position.
/// * Smaller positions: the whole position (market order).
/// * Backstop: when equity < 2/3 of maintenance (and only then), the
///   liquidator vault takes the positions (cross: all cross positions and
///   margin; isolated: that position). No clearance fee.
///
/// Orders are market orders; the limit is the bankruptcy price (band 100 %,
/// clamped at bankruptcy).
pub fn hyperliquid(quote_per_usd: i64, ticks_per_second: u64) -> Result<Preset> {
    let cooldown = 30u64.checked_mul(ticks_per_second).ok_or(Error::Overflow)?;
    Ok(Preset {
        policy: Policy {
            price_band: Ppm::ONE,
            sizing: SizingMode::MaxAllowed,
            fraction_cap: FractionCap { notional_threshold: usd(quote_per_usd, 100_000)?, max_fraction: Ppm(200_000), cooldown },
            escalation: EscalationRules { backstop_fraction: Fraction::new(2, 3), backstop_on_infeasible: false },
            ..base_policy()
        },
        fees: VenueFees::default(),
    })
}

/// Hyperliquid's margin tiers from a table of `(lower bound in USD, max
/// leverage)`: initial = 1 / max leverage, maintenance = half of that, the
/// deduction from the tier floors (docs: trading/margin-tiers).
/// Fractions that are not whole ppm are rounded **up** (more margin).
pub fn hyperliquid_market(quote_exponent: i32, lot_step: i64, tick: i64, quote_per_usd: i64, tiers: &[(i64, u32)]) -> Result<Market> {
    if tiers.is_empty() || tiers.len() > MAX_TIERS {
        return Err(Error::InvalidTierCount);
    }
    let mut out = [MarginTier::default(); MAX_TIERS];
    for (slot, &(floor_usd, max_leverage)) in out.iter_mut().zip(tiers) {
        if max_leverage == 0 {
            return Err(Error::OutOfRange);
        }
        let lev = i128::from(max_leverage);
        let im = num::div_round(1_000_000, lev, Rounding::Ceil)?;
        let mm = num::div_round(1_000_000, num::mul(lev, 2)?, Rounding::Ceil)?;
        *slot = MarginTier {
            notional_floor: usd(quote_per_usd, floor_usd)?,
            initial: Ppm(u32::try_from(im).map_err(|_| Error::Overflow)?),
            maintenance: Ppm(u32::try_from(mm).map_err(|_| Error::Overflow)?),
        };
    }
    let m = Market::single_tier(quote_exponent, lot_step, tick, Ppm(0), Ppm(0))
        .with_tiers(out.get(..tiers.len()).ok_or(Error::InvalidTierCount)?)?;
    m.validate()?;
    Ok(m)
}

/// Binance USDⓈ-M futures (FAQ: liquidation protocols).
///
/// One large IOC order meant to restore the maintenance requirement (the
/// least reduction, here); when it cannot, the position is closed at the
/// bankruptcy price and the insurance fund takes over (no backstop vault).
/// The clearance fee (per symbol) goes to the insurance fund; Binance does
/// not document its rounding, so partliq rounds it up (against the account).
#[must_use]
pub fn binance_usdm(clearance_fee: Ppm, price_band: Ppm) -> Preset {
    Preset {
        policy: Policy { price_band, sizing: SizingMode::Minimal, escalation: FUND_TAKES_OVER, ..base_policy() },
        fees: VenueFees { liquidation_fee: clearance_fee, ..VenueFees::default() },
    }
}

/// Binance's historic BTCUSDT brackets (announcement of 2021-03-18): floors
/// 0 / 50k / 250k / 1M / 10M / 20M / 50M / 100M / 200M / 300M USDT with
/// maintenance 0.4 / 0.5 / 1 / 2.5 / 5 / 10 / 12.5 / 15 / 25 / 50 % and
/// initial twice that (33.3 % and 100 % at the top). Maintenance amounts
/// (cum) follow: 0, 50, 1,300, 16,300, 266,300, …
pub fn binance_btcusdt_2021(quote_exponent: i32, lot_step: i64, tick: i64, quote_per_usd: i64) -> Result<Market> {
    const T: [(i64, u32, u32); 10] = [
        (0, 8_000, 4_000),
        (50_000, 10_000, 5_000),
        (250_000, 20_000, 10_000),
        (1_000_000, 50_000, 25_000),
        (10_000_000, 100_000, 50_000),
        (20_000_000, 200_000, 100_000),
        (50_000_000, 250_000, 125_000),
        (100_000_000, 333_000, 150_000),
        (200_000_000, 500_000, 250_000),
        (300_000_000, 1_000_000, 500_000),
    ];
    let mut tiers = [MarginTier::default(); 10];
    for (slot, &(floor, im, mm)) in tiers.iter_mut().zip(T.iter()) {
        *slot = MarginTier { notional_floor: usd(quote_per_usd, floor)?, initial: Ppm(im), maintenance: Ppm(mm) };
    }
    let m = Market::single_tier(quote_exponent, lot_step, tick, Ppm(0), Ppm(0)).with_tiers(&tiers)?;
    m.validate()?;
    Ok(m)
}

/// BitMEX (docs: liquidation; risk limits): a fill-or-kill order just large
/// enough to bring the position under the next lower risk-limit tier; in the
/// lowest tier the position is taken over at the bankruptcy price (the
/// insurance fund, no backstop vault).
#[must_use]
pub fn bitmex() -> Preset {
    tier_stepped(1, 0)
}

/// Bybit (docs: liquidation process, risk limit): as BitMEX — reduce the
/// position to a lower risk-limit tier, take over at bankruptcy in the lowest.
#[must_use]
pub fn bybit() -> Preset {
    bitmex()
}

/// OKX (docs: partial liquidation): positions in tier 3 or above are reduced
/// two tiers per step (orders rest, re-check, repeat); tier 2 or below close
/// fully at the bankruptcy price. (OKX's trigger is `adjusted equity / (MM +
/// liquidation fee) ≤ 100 %`; partliq triggers on `equity < MM`.)
#[must_use]
pub fn okx() -> Preset {
    tier_stepped(2, 1)
}

/// Deribit (docs: liquidations): incremental — part of the position each
/// round (one round a second), stopping once maintenance < equity; the
/// liquidation fee (BTC futures 0.75 %) goes to the insurance fund (its
/// rounding is not documented: partliq rounds it up). `fraction_per_round` is the most sold per round (`Ppm(0)` turns the cap
/// off: the minimal reduction in one round). partliq stops at
/// `equity ≥ maintenance`, one quote unit before Deribit's strict
/// `maintenance < equity`, because its trigger is `equity < maintenance`: a
/// pool at equality is healthy and would not be liquidated again.
#[must_use]
pub fn deribit(fraction_per_round: Ppm, price_band: Ppm) -> Preset {
    Preset {
        policy: Policy {
            price_band,
            sizing: SizingMode::Minimal,
            fraction_cap: FractionCap { notional_threshold: Quote(0), max_fraction: fraction_per_round, cooldown: 0 },
            escalation: FUND_TAKES_OVER,
            ..base_policy()
        },
        fees: VenueFees { liquidation_fee: Ppm(7_500), ..VenueFees::default() },
    }
}

/// Perpetual Protocol v2 (docs: liquidation): while equity ≥ half of
/// maintenance, at most `min(1, Σ|N| / (2 × |N_position|))` of a position
/// per liquidation, else the whole; positions of $100 or less close whole;
/// a 2.5 % penalty split 50/50 between liquidator and insurance fund,
/// rounded **down** as the ClearingHouse does (`liquidatedPositionNotional
/// .abs().mulRatio(liquidationPenaltyRatio)`, `FullMath.mulDiv` floors; the
/// liquidator's half `penalty.div(2)` floors too, the fund gets the rest).
/// (Markets use a 6.25 % maintenance ratio: set it in the market's tier.)
pub fn perp_v2(quote_per_usd: i64, price_band: Ppm) -> Result<Preset> {
    Ok(Preset {
        policy: Policy { price_band, sizing: SizingMode::MaxAllowed, perp_v2_ratio: true, escalation: FUND_TAKES_OVER, ..base_policy() },
        // "≤ $100 closes whole": the remainder rule closes below the floor, so the floor is $100 + one unit.
        fees: VenueFees {
            liquidation_fee: Ppm(25_000),
            liquidation_fee_rounding: Rounding::Floor,
            liquidator_fee_share: Ppm(500_000),
            dust_floor: Quote(usd(quote_per_usd, 100)?.0.checked_add(1).ok_or(Error::Overflow)?),
        },
    })
}

/// dYdX v4 (`protocol/x/clob/keeper/liquidations.go`): each liquidation
/// order closes the most the position and block limits allow — at least
/// `min(min_position_notional_liquidated, |PNNV|)`, at most `max(that,
/// |PNNV| × max_position_portion_liquidated_ppm)`, within the subaccount's
/// per-block notional and insurance-loss limits; the fee (at most
/// `max_liquidation_fee_ppm` of the fill, rounded **down**: `BigIntMulPpm`)
/// goes to the insurance fund; when the fund cannot cover, deleveraging. The
/// limits are dYdX's own [`LiquidationConfig`] (e.g.
/// `mainnet_genesis()`), in quote quantums; `price_band` stands in for the
/// fillable price when planning (the exact fillable price in subticks is
/// [`crate::venues::dydx_v4::fillable_price`]).
///
/// Each leg's size is exactly dYdX's `GetLiquidatablePositionSizeDelta`
/// ([`crate::venues::dydx_v4::liquidatable_position_size_delta`]) for the same position and
/// block state ([`LimitMode::AtLeastOneLot`]): the smaller of the position's
/// and the block's notional limits, the whole position when its notional is
/// within it or it is at most one lot step, else that limit in units rounded
/// down to the step, at least one step. A block limit stops liquidation only
/// once exceeded (dYdX: `GetSubaccountMaxNotionalLiquidatable` and
/// `GetSubaccountMaxInsuranceLost` fail only when the amount already used is
/// above the limit); notional is booked to the block as dYdX books a fill
/// (`GetNetNotional`, rounded down). Where partliq differs on purpose: it
/// plans legs for several positions in one call (dYdX liquidates one
/// perpetual per subaccount and block; a later leg is sized as dYdX would
/// size it after the earlier ones filled), and dYdX's matching rejects a fill
/// beyond the block's remaining notional or insurance loss
/// (`validateLiquidationAgainstSubaccountBlockLimits`), which is the
/// engine's matching to do. The settlement of a fill equals dYdX's
/// `GetLiquidationInsuranceFundDelta` whenever the fill's quote amount is a
/// whole number of quote quantums (always on mainnet, whose CLOB pairs make
/// one step at one tick a whole number, e.g. BTC-USD 10^6 base quantums ×
/// 10^5 subticks × 10^−9 = 100); for a fractional amount dYdX rounds it down
/// for both sides and takes its fee on that, while partliq rounds a
/// purchase's cash up (against the account) and takes the fee on the exact
/// amount.
pub fn dydx_v4_policy(config: &LiquidationConfig, price_band: Ppm) -> Result<Preset> {
    let q = |v: u64| -> Result<Quote> { i64::try_from(v).map(Quote).map_err(|_| Error::Overflow) };
    let pl = &config.position_block_limits;
    let sl = &config.subaccount_block_limits;
    Ok(Preset {
        policy: Policy {
            price_band,
            sizing: SizingMode::MaxAllowed,
            position_limits: PositionLimits {
                min_notional: q(pl.min_position_notional_liquidated)?,
                max_portion: Ppm(pl.max_position_portion_liquidated_ppm),
                mode: LimitMode::AtLeastOneLot,
            },
            block_limits: BlockLimits {
                max_notional: q(sl.max_notional_liquidated)?,
                max_insurance_loss: q(sl.max_quantums_insurance_lost)?,
            },
            escalation: FUND_TAKES_OVER,
            ..base_policy()
        },
        fees: VenueFees {
            liquidation_fee: Ppm(config.max_liquidation_fee_ppm),
            liquidation_fee_rounding: Rounding::Floor,
            ..VenueFees::default()
        },
    })
}

/// Aave v3's close factor on a margin pool (lending mode proper is in
/// [`crate::venues::aave_v3`]): 50 % per liquidation while health (equity / maintenance, the
/// health factor's analogue) is above 0.95 and the position is worth at least
/// $2,000; a liquidation leaves nothing or at least $1,000. The 5 % bonus
/// (the fee) is rounded **down** and the liquidator's 90 % of it down too
/// (the treasury's 10 % up), as Aave v3.7 rounds the collateral seized
/// (`percentMulFloor`) and the protocol fee (`percentMulCeil`); v3.0–v3.6
/// rounded both half up, which partliq does not reproduce (the exact lending
/// arithmetic of the version followed is in [`crate::venues::aave_v3`]).
pub fn aave_v3_close_factor(quote_per_usd: i64) -> Result<Preset> {
    Ok(Preset {
        policy: Policy {
            sizing: SizingMode::MaxAllowed,
            close_factor: CloseFactor {
                max_fraction: Ppm(500_000),
                health_threshold_ppm: 950_000,
                min_position_notional: usd(quote_per_usd, 2_000)?,
                min_remainder: usd(quote_per_usd, 1_000)?,
            },
            escalation: FUND_TAKES_OVER,
            ..base_policy()
        },
        fees: VenueFees {
            liquidation_fee: Ppm(50_000),
            liquidation_fee_rounding: Rounding::Floor,
            liquidator_fee_share: Ppm(900_000),
            dust_floor: Quote(0),
        },
    })
}

/// Synthetix perps v3 (`LiquidationConfiguration`): per market, liquidated
/// notional per window ≤ `(makerFee + takerFee) × skewScale × multiplier ×
/// windowSeconds`, computed by the caller into `capacity`.
pub fn synthetix_v3(capacity: Quote, window: u64) -> Result<Preset> {
    if window == 0 {
        return Err(Error::ZeroWindow);
    }
    Ok(Preset {
        policy: Policy { sizing: SizingMode::Minimal, window_capacity: WindowCapacity { capacity, window }, ..base_policy() },
        fees: VenueFees::default(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Each check of `VenueFees::validate` with its own error, in the
    /// documented order, and every preset's fees pass it.
    #[test]
    fn venue_fees_validate() {
        let ok = VenueFees { liquidation_fee: Ppm::ONE, liquidator_fee_share: Ppm::ONE, ..VenueFees::default() };
        assert_eq!(ok.validate(), Ok(()));
        let fee = VenueFees { liquidation_fee: Ppm(1_000_001), ..ok };
        assert_eq!(fee.validate(), Err(Error::FractionAbove100Percent));
        let share = VenueFees { liquidator_fee_share: Ppm(1_000_001), ..ok };
        assert_eq!(share.validate(), Err(Error::FractionAbove100Percent));
        let dust = VenueFees { dust_floor: Quote(-1), ..ok };
        assert_eq!(dust.validate(), Err(Error::InvalidDustFloor));
        let rounding = VenueFees { liquidation_fee_rounding: Rounding::TowardZero, ..ok };
        assert_eq!(rounding.validate(), Err(Error::InvalidFeeRounding));
        // Fee first, then the dust floor, then the rounding.
        assert_eq!(
            VenueFees { dust_floor: Quote(-1), liquidation_fee_rounding: Rounding::TowardZero, ..fee }.validate(),
            Err(Error::FractionAbove100Percent)
        );
        assert_eq!(VenueFees { liquidation_fee_rounding: Rounding::TowardZero, ..dust }.validate(), Err(Error::InvalidDustFloor));

        let presets = [
            partliq_default(),
            hyperliquid(1_000_000, 1).unwrap(),
            binance_usdm(Ppm(5_000), Ppm(10_000)),
            bitmex(),
            okx(),
            deribit(Ppm(100_000), Ppm(10_000)),
            perp_v2(1_000_000, Ppm(10_000)).unwrap(),
            dydx_v4_policy(&LiquidationConfig::mainnet_genesis(), Ppm(15_000)).unwrap(),
            aave_v3_close_factor(1_000_000).unwrap(),
            synthetix_v3(Quote(1_000_000), 60).unwrap(),
        ];
        for p in presets {
            assert_eq!(p.fees.validate(), Ok(()), "{p:?}");
            let mut m = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
            p.apply_to(&mut m);
            assert_eq!(m.validate(), Ok(()), "{p:?}");
        }
    }
}
