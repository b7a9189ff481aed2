//! Errors as values.
//!
//! Every fallible function in partliq returns `Result<T, Error>`. Each variant
//! names one specific thing that is wrong, so an engine can log it, map it to
//! a status code and reject the input without guessing.
//!
//! The table below is the one place each error is written: its name, its
//! code (the enum's discriminant, which is also the C ABI's status code:
//! explicit and never reused) and its description, which is both the
//! variant's doc comment and what [`Error::as_str`] (and `Display`) returns,
//! and, NUL-terminated, [`Error::as_c_str`].
//! Optional `///` lines before an entry add detail to its doc comment only.
//! [`Error::ALL`] lists every variant, for the C layer and the tests to
//! derive their own tables from.
//!
//! Code ranges: 1–9 arithmetic, 10–29 market parameters, 30–39 pools and
//! positions, 40–49 fills and liquidation parameters, 50–99 policies,
//! presets, escalation and venue replicas, 100–199 shared state, 200–209
//! unified accounts, 210–219 their liquidation legs, 220–239 unified
//! liquidation's waterfall and final settlement, 240–249 lending mode,
//! 250–259 scan tables, liquidation-price indices and priority orders in
//! caller memory.

use core::ffi::CStr;

/// A NUL-terminated literal as a C string, at compile time. A literal with
/// a NUL inside would give the empty string (none has one: the module's
/// test compares every C string with its `as_str`).
const fn nul_terminated(bytes: &'static [u8]) -> &'static CStr {
    match CStr::from_bytes_with_nul(bytes) {
        Ok(text) => text,
        Err(_) => nul_terminated(b"\0"),
    }
}

/// Defines [`Error`], [`Error::as_str`], [`Error::as_c_str`] and
/// [`Error::ALL`] from one table of
/// `Variant = code, "description";` entries.
macro_rules! error_table {
    ($( $(#[doc = $detail:literal])* $name:ident = $code:literal, $text:literal; )*) => {
        /// Everything that can go wrong in the core (see the module docs for
        /// the table and the code ranges).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum Error {
            $(
                #[doc = $text]
                #[doc = ""]
                $(#[doc = $detail])*
                $name = $code,
            )*
        }

        impl Error {
            /// Every variant, in the table's order (ascending codes).
            pub const ALL: &'static [Error] = &[$(Error::$name),*];

            /// A short, stable, human-readable description (the variant's
            /// doc comment; the C ABI's `partliq_status_str` text).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Error::$name => $text,)*
                }
            }

            /// [`Error::as_str`] as a static NUL-terminated C string, made
            /// from the same literal at compile time (what the C ABI's
            /// `partliq_status_str` returns).
            #[must_use]
            pub const fn as_c_str(self) -> &'static CStr {
                match self {
                    $(Error::$name => {
                        const TEXT: &CStr = nul_terminated(concat!($text, "\0").as_bytes());
                        TEXT
                    })*
                }
            }
        }
    };
}

error_table! {
    // 1–9: arithmetic.
    Overflow = 1, "arithmetic overflow: a figure does not fit its integer type";
    DivisionByZero = 2, "division by zero";
    OutOfRange = 3, "value out of range";

    // 10–29: market parameters.
    InvalidLotStep = 10, "market lot step must be positive";
    InvalidTick = 11, "market tick must be positive";
    /// See [`crate::MAX_TIERS`].
    InvalidTierCount = 12, "market must have between 1 and MAX_TIERS margin tiers";
    FirstTierNotAtZero = 13, "first margin tier must start at notional 0";
    TiersNotAscending = 14, "margin tier notional floors must be strictly ascending";
    MaintenanceAboveInitial = 15, "maintenance fraction exceeds initial fraction";
    /// A margin fraction, or another ratio that must be at most 100 %.
    FractionAbove100Percent = 16, "a fraction exceeds 1,000,000 ppm (100 %)";
    FractionsDecreasing = 17, "margin fractions decrease from one tier to the next";
    InvalidQuoteExponent = 18, "quote exponent outside [-18, 18]";
    InvalidDustFloor = 19, "dust floor must not be negative";
    InvalidFeeRounding = 20, "liquidation fee rounding must be up (Ceil) or down (Floor)";

    // 30–39: pools and positions.
    UnknownMarket = 30, "position names a market that is not there";
    /// Absent from the prices slice, or zero.
    MissingPrice = 31, "price missing for a market a position needs";
    NegativePrice = 32, "price is negative";
    UnknownPosition = 33, "position index out of range";
    EmptyPosition = 34, "position has size zero";
    /// See [`crate::MAX_POSITIONS`].
    TooManyPositions = 35, "more positions than MAX_POSITIONS in one pool";
    /// Shorter than the input it must describe.
    BufferTooSmall = 36, "output buffer too small";

    // 40–49: fills and liquidation parameters.
    InvalidFillQuantity = 40, "fill quantity zero, on the wrong side, or beyond the position";
    InvalidFillPrice = 41, "fill price must be positive";
    InvalidBuffer = 42, "target buffer exceeds 1,000,000 ppm";
    InvalidPriceBand = 43, "price band exceeds 1,000,000 ppm";

    // 50–99: policies, presets, escalation and venue replicas.
    /// A cap, portion, close factor or ratio.
    InvalidPolicyFraction = 50, "policy fraction above 100 % or zero where it must not be";
    ZeroWindow = 51, "capacity window or cooldown of zero length";
    BackstopFractionNotBelowOne = 52, "backstop fraction must be below 100 % of maintenance";
    /// A notional, loss or capacity limit.
    NegativeLimit = 53, "policy limit is negative";
    StateTooSmall = 54, "caller-owned state slice too small for the markets";
    /// Not enough opposite size.
    InsufficientCounterparties = 55, "deleveraging counterparties cannot absorb the position";
    /// The debit is refused whole.
    InsuranceFundBelowFloor = 56, "insurance fund debit would go below its floor";
    /// Lending mode ([`crate::venues::aave_v3`]).
    NotLiquidatable = 57, "health factor not below the liquidation threshold";
    /// Lending mode ([`crate::venues::aave_v3`]): not enabled, or holding none.
    CollateralNotEnabled = 58, "collateral reserve not enabled as collateral";
    /// Lending mode ([`crate::venues::aave_v3`]).
    NotBorrowed = 59, "no debt in the reserve to repay";
    /// Lending mode ([`crate::venues::aave_v3`]; v3.3+: less than $1,000 of
    /// debt or collateral left).
    MustNotLeaveDust = 60, "liquidation would leave dust below the minimum";
    /// Lending mode ([`crate::venues::aave_v3`]).
    ZeroBurnAmount = 61, "burn of zero scaled units";
    /// dYdX ([`crate::venues::dydx_v4`]).
    AlreadyLiquidatedThisBlock = 62, "perpetual already liquidated for this subaccount in this block";
    /// dYdX ([`crate::venues::dydx_v4`]).
    BlockLimitExceeded = 63, "subaccount block limit already exceeded";
    /// A venue replica's configuration.
    InvalidLiquidationConfig = 64, "invalid liquidation configuration";
    /// Drift ([`crate::venues::drift_v2::liquidation`]): Drift's
    /// `CantResolvePerpBankruptcy`, a loss to spread over no open interest.
    NoOpenInterestToSocialize = 65, "perp bankruptcy cannot be socialized: the market has no open interest";
    /// Drift ([`crate::venues::drift_v2::liquidation`]): Drift's
    /// `LiquidationDoesntSatisfyLimitPrice`.
    LiquidationBelowLimitPrice = 66, "liquidation transfer price below the liquidator's limit price";
    /// Drift ([`crate::venues::drift_v2::liquidation`]): Drift's
    /// `InvalidLiquidation`, a swap price worse than the oracle prices with
    /// the liquidation multipliers.
    LiquidationBeyondWorstCasePrice = 67, "liquidation swap price worse than the worst case the fees allow";
    /// The guarded pipelines ([`crate::oracle`]) liquidate only at the
    /// marks their price guard resolves.
    PriceNotGuarded = 68, "mark of a held market is not the price guard's trigger price for its feed";
    /// A policy's ramps ([`crate::ramps::Ramps::validate`]): a fee cap, an
    /// initial fraction or a Dutch band above 100 %, a Dutch band starting
    /// above its max, a negative shortage threshold, or a fillable-price
    /// configuration dYdX refuses.
    InvalidRamp = 90, "ramp parameters out of range";
    /// [`crate::policy::EmergencyBypass::below_fraction`]: at or above
    /// maintenance the pool is not liquidatable.
    BypassFractionNotBelowOne = 91, "emergency bypass fraction must be below 100 % of maintenance";

    // 100–199: shared state (caller-provided memory).
    SharedMemoryTooSmall = 100, "shared-state memory too small for its layout";
    SharedMemoryMisaligned = 101, "shared-state memory not 8-byte aligned";
    /// Parameter slots, markets or reservation entries.
    InvalidSlotCount = 102, "shared-state slot, market or entry count zero or above its maximum";
    /// Of this kind and layout.
    SharedMemoryNotInitialized = 103, "memory holds no initialized shared-state object of this kind";
    /// Retry.
    PublishInProgress = 104, "another writer is publishing parameters";
    /// Retry.
    NoFreeSlot = 105, "every spare parameter slot is still being read";
    /// Encoded or decoded.
    PayloadSizeMismatch = 106, "parameter payload word count differs from its declaration";
    CapacityExhausted = 107, "liquidation capacity exhausted for the window or block";
    /// Commit or release some first.
    ReservationTableFull = 108, "every capacity reservation entry is in use";
    /// Never made, or already committed or released.
    UnknownReservation = 109, "no live capacity reservation with this handle";
    /// The reservation is left as it was.
    CommitExceedsReservation = 110, "commit larger than its reservation";

    // 200–209: unified accounts (collateral assets, funding, open orders).
    /// Initial or maintenance ([`crate::asset`]).
    AssetWeightAbove100Percent = 200, "asset weight exceeds 1,000,000 ppm (100 %)";
    /// Initial or maintenance ([`crate::asset`]).
    LiabilityWeightBelow100Percent = 201, "liability weight below 1,000,000 ppm (100 %)";
    /// `initial asset ≤ maintenance asset` and `initial liability ≥
    /// maintenance liability` must hold ([`crate::asset`]).
    WeightsOutOfOrder = 202, "initial weight less strict than the maintenance weight";
    /// The size term's unit ([`crate::asset`], [`crate::unified::PerpRisk`]).
    InvalidImfUnit = 203, "IMF size unit must be positive";
    UnknownAsset = 204, "balance names an asset that is not there";
    /// Resting bid and ask sizes are magnitudes.
    NegativeOpenOrders = 205, "open bid or ask size is negative";
    /// Warning ≥ reduce-only ≥ liquidation ≥ backstop, and liquidation at
    /// least 100 % ([`crate::unified::MarginLadder`]).
    InvalidMarginLadder = 206, "margin ladder thresholds out of order";
    /// Funding indexes or perp risk parameters given, but fewer than markets.
    MarketDataTooShort = 207, "per-market slice shorter than the markets";
    /// See [`crate::unified::MAX_BALANCES`].
    TooManyBalances = 208, "more token balances than MAX_BALANCES in one account";
    /// A deposit weight given to a borrow or the reverse, in a leg or a
    /// balance that must be of one side.
    WrongBalanceSide = 209, "balance on the wrong side (deposit where a borrow is needed or the reverse)";

    // 210–219: liquidation legs of unified accounts.
    /// A leg names an asset the pool has no balance of.
    AssetNotHeld = 210, "leg names an asset the account does not hold";
    /// A leg's position is in another pool (spot legs belong to the cross
    /// pool, which holds the balances).
    LegNotInPool = 211, "leg names a position or balance outside the pool";
    /// A swap's collateral and liability are one asset.
    LegSameAsset = 212, "swap leg's collateral and liability are the same asset";
    /// Positive PnL taken from a position without a gain, or a loss taken
    /// over from a position without one.
    WrongPnlSide = 213, "position has no perp PnL of the side the leg needs";
    /// ≤ 0, or beyond the borrow, the deposit, the PnL or the position.
    InvalidLegAmount = 214, "leg amount is not positive or exceeds what the account holds";
    InvalidLegKind = 215, "unknown liquidation leg kind";
    /// A liquidator's bonus plus the insurance fund's fee above 100 % of
    /// the value ([`crate::unified::AssetLiquidationFees`]).
    InvalidLiquidationFees = 216, "asset liquidation bonus plus insurance fee exceeds 1,000,000 ppm (100 %)";

    // 220–239: unified liquidation (bankruptcy waterfall, final settlement).
    /// Empty, a step twice, or not ending in socialized loss or
    /// auto-deleveraging ([`crate::unified::WaterfallPolicy`]).
    InvalidWaterfallPolicy = 220, "waterfall policy empty, repeats a step or does not end in a step that always absorbs";
    /// A perp deficit needs a negative quote balance, a spot deficit a
    /// borrow ([`crate::unified::Deficit`]).
    NoDeficit = 221, "nothing to resolve: the balance is not a deficit";
    /// A deficit is what is left once the account has nothing more: no
    /// deposit, no open position, no positive quote balance.
    AccountNotExhausted = 222, "account still holds assets or open positions, so its loss is not yet a deficit";
    /// Every step in the policy was tried ([`crate::unified::resolve_deficit`]).
    DeficitUnabsorbed = 223, "no step of the waterfall could absorb the rest of the deficit";
    /// Nothing was written ([`crate::unified::resolve_deficit`]).
    LedgerTooSmall = 224, "ledger buffer too small for the waterfall's entries";
    /// A cumulative deposit index must be positive.
    InvalidDepositIndex = 225, "cumulative deposit index must be positive";
    /// Final settlement ([`crate::unified::settle_delisted`]).
    InvalidSettlementPrice = 226, "settlement price must be positive";
    /// A backstop capacity or a depositor's balance below zero.
    NegativeCapacity = 227, "backstop capacity or socialization payer amount is negative";

    // 240–249: lending mode on a unified account.
    /// One [`crate::unified::lending::LendingTerms`] per asset of the book.
    LendingTermsTooShort = 240, "lending terms slice shorter than the assets";
    /// Lending terms are ppm but Aave's are basis points: a threshold,
    /// bonus or fee must be a multiple of 100 ppm.
    LendingTermNotWholeBps = 241, "lending term not a whole number of basis points (a multiple of 100 ppm)";
    /// The bonus includes the repaid principal ([`crate::unified::lending`]).
    LendingBonusBelow100Percent = 242, "liquidation bonus below 1,000,000 ppm (100 %)";
    /// Aave's configurator requires `percentMul(threshold, bonus) ≤ 100 %`.
    LendingThresholdTimesBonusAbove100Percent = 243, "liquidation threshold times liquidation bonus exceeds 100 %";
    /// The quote exponent plus the base-currency exponent must lie in
    /// `[-38, 38]` ([`crate::unified::lending::LendingTerms::base_exponent`]).
    InvalidBaseExponent = 244, "base-currency exponent out of range";
    /// Every asset an account uses must value in the same base currency.
    BaseExponentMismatch = 245, "assets of one account have different base-currency exponents";
    /// An internal check of [`crate::unified::lending`] failed: the
    /// account's, liquidator's, protocol's and deficit's changes of an asset
    /// do not sum to zero.
    LendingNotConserved = 246, "lending liquidation does not conserve an asset";

    // 250–259: scan tables, liquidation-price indices and priority orders in caller memory.
    /// Smaller than its layout needs for the markets or capacity asked.
    TableMemoryTooSmall = 250, "scanner or index memory too small for its layout";
    /// Its alignment is the table's (the scanner's 16 bytes, the index's 8).
    TableMemoryMisaligned = 251, "scanner or index memory not aligned for its layout";
    /// Not laid out by its init, of another kind, or its header altered.
    TableNotInitialized = 252, "memory holds no initialized scanner or index of this kind";
    /// Markets or marks changed since the table was built (or the markets
    /// given are not the ones it was built for): build it again.
    StaleScanTable = 253, "scanner table was built for other markets or prices";
    /// The index covers one market; the call named another.
    IndexMarketMismatch = 254, "liquidation-price index holds another market";
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::Error;

    /// The table is in ascending code order, codes and texts unique, and
    /// every code in its documented range.
    #[test]
    fn table_is_ordered_and_unique() {
        // 51 variants today; a shorter list means the table lost an entry.
        assert!(Error::ALL.len() >= 51, "{}", Error::ALL.len());
        for pair in Error::ALL.windows(2) {
            assert!((pair[0] as u32) < (pair[1] as u32), "{:?} before {:?}", pair[0], pair[1]);
        }
        for (i, a) in Error::ALL.iter().enumerate() {
            assert!((1..260).contains(&(*a as u32)), "{a:?}");
            assert!(!a.as_str().is_empty(), "{a:?}");
            for b in &Error::ALL[i + 1..] {
                assert_ne!(a.as_str(), b.as_str(), "{a:?} and {b:?} share a description");
            }
        }
    }

    /// Codes are the C status codes: spot checks of each range's first and
    /// last, written out by hand.
    #[test]
    fn codes_are_the_documented_ones() {
        let by_hand = [
            (Error::Overflow, 1),
            (Error::OutOfRange, 3),
            (Error::InvalidLotStep, 10),
            (Error::InvalidFeeRounding, 20),
            (Error::UnknownMarket, 30),
            (Error::BufferTooSmall, 36),
            (Error::InvalidFillQuantity, 40),
            (Error::InvalidPriceBand, 43),
            (Error::InvalidPolicyFraction, 50),
            (Error::InvalidLiquidationConfig, 64),
            (Error::NoOpenInterestToSocialize, 65),
            (Error::LiquidationBeyondWorstCasePrice, 67),
            (Error::SharedMemoryTooSmall, 100),
            (Error::CommitExceedsReservation, 110),
            (Error::AssetWeightAbove100Percent, 200),
            (Error::WrongBalanceSide, 209),
            (Error::AssetNotHeld, 210),
            (Error::InvalidLegKind, 215),
            (Error::InvalidWaterfallPolicy, 220),
            (Error::NegativeCapacity, 227),
            (Error::LendingTermsTooShort, 240),
            (Error::LendingNotConserved, 246),
            (Error::TableMemoryTooSmall, 250),
            (Error::IndexMarketMismatch, 254),
        ];
        for (e, code) in by_hand {
            assert_eq!(e as u32, code, "{e:?}");
        }
        assert_eq!(Error::ALL.first(), Some(&Error::Overflow));
        assert_eq!(Error::ALL.last(), Some(&Error::IndexMarketMismatch));
    }

    /// The C string is the description, NUL-terminated, with no NUL inside.
    #[test]
    fn c_str_is_the_description() {
        for e in Error::ALL {
            assert_eq!(e.as_c_str().to_bytes(), e.as_str().as_bytes(), "{e:?}");
            assert_eq!(e.as_c_str().to_bytes_with_nul().last(), Some(&0u8));
        }
        assert_eq!(Error::DivisionByZero.as_c_str().to_bytes(), b"division by zero");
        // The fallback for a literal with a NUL inside.
        assert_eq!(super::nul_terminated(b"a\0b\0").to_bytes(), b"");
    }

    /// `Display` is `as_str`.
    #[test]
    #[cfg(feature = "std")]
    fn display_is_the_description() {
        extern crate std;
        use std::string::ToString;
        for e in Error::ALL {
            assert_eq!(e.to_string(), e.as_str());
        }
        assert_eq!(Error::DivisionByZero.to_string(), "division by zero");
    }
}
