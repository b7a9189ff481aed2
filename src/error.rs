//! Errors as values.
//!
//! Every fallible function in partliq returns `Result<T, Error>`. Each variant
//! names one specific thing that is wrong, so an engine can log it, map it to
//! a status code (the C ABI does, one code per variant) and reject the input
//! without guessing. Discriminants are explicit and never reused.

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
#[non_exhaustive]
pub enum Error {
    /// An intermediate or final figure does not fit its integer type.
    Overflow = 1,
    /// A division by zero was requested.
    DivisionByZero = 2,
    /// A value is outside the range its parameter allows.
    OutOfRange = 3,
    /// The market's lot step is zero or negative.
    InvalidLotStep = 10,
    /// The market's tick is zero or negative.
    InvalidTick = 11,
    /// The market has no margin tier, or more than [`crate::MAX_TIERS`].
    InvalidTierCount = 12,
    /// The first tier does not start at notional 0.
    FirstTierNotAtZero = 13,
    /// Tier notional floors are not strictly ascending.
    TiersNotAscending = 14,
    /// A tier's maintenance fraction exceeds its initial fraction.
    MaintenanceAboveInitial = 15,
    /// A margin fraction (or another ratio that must be ≤ 100 %) exceeds 1,000,000 ppm.
    FractionAbove100Percent = 16,
    /// A margin fraction is lower than the one of the tier below it.
    FractionsDecreasing = 17,
    /// The quote exponent is outside `[-18, 18]`.
    InvalidQuoteExponent = 18,
    /// The dust floor is negative.
    InvalidDustFloor = 19,
    /// The market's liquidation fee rounding is not `Ceil` or `Floor`.
    InvalidFeeRounding = 20,
    /// A position names a market index that is not in the markets slice.
    UnknownMarket = 30,
    /// The price of a market a position needs is missing (absent or zero).
    MissingPrice = 31,
    /// A price is negative.
    NegativePrice = 32,
    /// A position index is out of range for the pool.
    UnknownPosition = 33,
    /// The position to act on has size zero.
    EmptyPosition = 34,
    /// More positions than [`crate::MAX_POSITIONS`] in one margin pool.
    TooManyPositions = 35,
    /// An output buffer is shorter than the input it must describe.
    BufferTooSmall = 36,
    /// A fill quantity is zero, on the wrong side, or larger than the position.
    InvalidFillQuantity = 40,
    /// A fill or execution price is zero or negative.
    InvalidFillPrice = 41,
    /// The target buffer exceeds 1,000,000 ppm (100 %).
    InvalidBuffer = 42,
    /// A price band exceeds 1,000,000 ppm (100 %).
    InvalidPriceBand = 43,
    /// A policy fraction (cap, portion, close factor, ratio) exceeds 100 % or is 0 where it must not be.
    InvalidPolicyFraction = 50,
    /// A capacity window or cooldown of zero length where one is required.
    ZeroWindow = 51,
    /// The backstop fraction is 100 % or more (it must lie below maintenance).
    BackstopFractionNotBelowOne = 52,
    /// A policy limit (notional, loss, capacity) is negative.
    NegativeLimit = 53,
    /// A caller-owned state slice is shorter than the markets it must track.
    StateTooSmall = 54,
    /// Deleveraging counterparties cannot absorb the position (not enough opposite size).
    InsufficientCounterparties = 55,
    /// An insurance fund debit would take it below its floor; refused whole.
    InsuranceFundBelowFloor = 56,
    /// Lending mode: the health factor is not below the liquidation threshold.
    NotLiquidatable = 57,
    /// Lending mode: the collateral reserve is not enabled as collateral (or holds none).
    CollateralNotEnabled = 58,
    /// Lending mode: the user has no debt in the reserve to repay.
    NotBorrowed = 59,
    /// Lending mode: the liquidation would leave dust (Aave v3.3+: < $1,000 of debt or collateral).
    MustNotLeaveDust = 60,
    /// Lending mode: a burn of zero scaled units was requested.
    ZeroBurnAmount = 61,
    /// dYdX: this perpetual was already liquidated for the subaccount in this block.
    AlreadyLiquidatedThisBlock = 62,
    /// dYdX: the subaccount's block limit is already exceeded.
    BlockLimitExceeded = 63,
    /// A venue's liquidation configuration is invalid.
    InvalidLiquidationConfig = 64,
    /// Caller-provided memory for a shared-state object is too small for its layout.
    SharedMemoryTooSmall = 100,
    /// Caller-provided memory for a shared-state object is not 8-byte aligned.
    SharedMemoryMisaligned = 101,
    /// A shared-state count (parameter slots, markets, reservation entries) is zero or above its maximum.
    InvalidSlotCount = 102,
    /// The memory does not hold an initialized shared-state object of this kind and layout.
    SharedMemoryNotInitialized = 103,
    /// Another writer is publishing parameters right now; retry.
    PublishInProgress = 104,
    /// Every spare parameter slot is still being read; retry.
    NoFreeSlot = 105,
    /// A parameter payload encoded or decoded a different number of words than it declares.
    PayloadSizeMismatch = 106,
    /// Not enough liquidation capacity left in the window or block.
    CapacityExhausted = 107,
    /// Every reservation entry is in use; commit or release some first.
    ReservationTableFull = 108,
    /// The reservation handle names no live reservation (never made, or already committed or released).
    UnknownReservation = 109,
    /// A commit is larger than its reservation; the reservation is left as it was.
    CommitExceedsReservation = 110,
}

impl Error {
    /// A short, stable, human-readable description.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Error::Overflow => "arithmetic overflow: a figure does not fit its integer type",
            Error::DivisionByZero => "division by zero",
            Error::OutOfRange => "value out of range",
            Error::InvalidLotStep => "market lot step must be positive",
            Error::InvalidTick => "market tick must be positive",
            Error::InvalidTierCount => "market must have between 1 and MAX_TIERS margin tiers",
            Error::FirstTierNotAtZero => "first margin tier must start at notional 0",
            Error::TiersNotAscending => "margin tier notional floors must be strictly ascending",
            Error::MaintenanceAboveInitial => "maintenance fraction exceeds initial fraction",
            Error::FractionAbove100Percent => "a fraction exceeds 1,000,000 ppm (100 %)",
            Error::FractionsDecreasing => "margin fractions decrease from one tier to the next",
            Error::InvalidQuoteExponent => "quote exponent outside [-18, 18]",
            Error::InvalidDustFloor => "dust floor must not be negative",
            Error::InvalidFeeRounding => "liquidation fee rounding must be up (Ceil) or down (Floor)",
            Error::UnknownMarket => "position names a market that is not there",
            Error::MissingPrice => "price missing for a market a position needs",
            Error::NegativePrice => "price is negative",
            Error::UnknownPosition => "position index out of range",
            Error::EmptyPosition => "position has size zero",
            Error::TooManyPositions => "more positions than MAX_POSITIONS in one pool",
            Error::BufferTooSmall => "output buffer too small",
            Error::InvalidFillQuantity => "fill quantity zero, on the wrong side, or beyond the position",
            Error::InvalidFillPrice => "fill price must be positive",
            Error::InvalidBuffer => "target buffer exceeds 1,000,000 ppm",
            Error::InvalidPriceBand => "price band exceeds 1,000,000 ppm",
            Error::InvalidPolicyFraction => "policy fraction above 100 % or zero where it must not be",
            Error::ZeroWindow => "capacity window or cooldown of zero length",
            Error::BackstopFractionNotBelowOne => "backstop fraction must be below 100 % of maintenance",
            Error::NegativeLimit => "policy limit is negative",
            Error::StateTooSmall => "caller-owned state slice too small for the markets",
            Error::InsufficientCounterparties => "deleveraging counterparties cannot absorb the position",
            Error::InsuranceFundBelowFloor => "insurance fund debit would go below its floor",
            Error::NotLiquidatable => "health factor not below the liquidation threshold",
            Error::CollateralNotEnabled => "collateral reserve not enabled as collateral",
            Error::NotBorrowed => "no debt in the reserve to repay",
            Error::MustNotLeaveDust => "liquidation would leave dust below the minimum",
            Error::ZeroBurnAmount => "burn of zero scaled units",
            Error::AlreadyLiquidatedThisBlock => "perpetual already liquidated for this subaccount in this block",
            Error::BlockLimitExceeded => "subaccount block limit already exceeded",
            Error::InvalidLiquidationConfig => "invalid liquidation configuration",
            Error::SharedMemoryTooSmall => "shared-state memory too small for its layout",
            Error::SharedMemoryMisaligned => "shared-state memory not 8-byte aligned",
            Error::InvalidSlotCount => "shared-state slot, market or entry count zero or above its maximum",
            Error::SharedMemoryNotInitialized => "memory holds no initialized shared-state object of this kind",
            Error::PublishInProgress => "another writer is publishing parameters",
            Error::NoFreeSlot => "every spare parameter slot is still being read",
            Error::PayloadSizeMismatch => "parameter payload word count differs from its declaration",
            Error::CapacityExhausted => "liquidation capacity exhausted for the window or block",
            Error::ReservationTableFull => "every capacity reservation entry is in use",
            Error::UnknownReservation => "no live capacity reservation with this handle",
            Error::CommitExceedsReservation => "commit larger than its reservation",
        }
    }
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
