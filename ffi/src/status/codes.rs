// Generated from src/error.rs (the core's error table, through
// `partliq::Error::ALL`) by `bash scripts/ffi/gen-status-codes.sh`; do not
// edit. The test `status::tests::codes_are_generated` fails when it is stale.

//! `PARTLIQ_STATUS_<ERROR>`: the status of each core error, its code the
//! error's own and its description the error's.

use super::partliq_status;

/// arithmetic overflow: a figure does not fit its integer type (`partliq::Error::Overflow`).
pub const PARTLIQ_STATUS_OVERFLOW: partliq_status = 1;

/// division by zero (`partliq::Error::DivisionByZero`).
pub const PARTLIQ_STATUS_DIVISION_BY_ZERO: partliq_status = 2;

/// value out of range (`partliq::Error::OutOfRange`).
pub const PARTLIQ_STATUS_OUT_OF_RANGE: partliq_status = 3;

/// market lot step must be positive (`partliq::Error::InvalidLotStep`).
pub const PARTLIQ_STATUS_INVALID_LOT_STEP: partliq_status = 10;

/// market tick must be positive (`partliq::Error::InvalidTick`).
pub const PARTLIQ_STATUS_INVALID_TICK: partliq_status = 11;

/// market must have between 1 and MAX_TIERS margin tiers (`partliq::Error::InvalidTierCount`).
pub const PARTLIQ_STATUS_INVALID_TIER_COUNT: partliq_status = 12;

/// first margin tier must start at notional 0 (`partliq::Error::FirstTierNotAtZero`).
pub const PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO: partliq_status = 13;

/// margin tier notional floors must be strictly ascending (`partliq::Error::TiersNotAscending`).
pub const PARTLIQ_STATUS_TIERS_NOT_ASCENDING: partliq_status = 14;

/// maintenance fraction exceeds initial fraction (`partliq::Error::MaintenanceAboveInitial`).
pub const PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL: partliq_status = 15;

/// a fraction exceeds 1,000,000 ppm (100 %) (`partliq::Error::FractionAbove100Percent`).
pub const PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT: partliq_status = 16;

/// margin fractions decrease from one tier to the next (`partliq::Error::FractionsDecreasing`).
pub const PARTLIQ_STATUS_FRACTIONS_DECREASING: partliq_status = 17;

/// quote exponent outside [-18, 18] (`partliq::Error::InvalidQuoteExponent`).
pub const PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT: partliq_status = 18;

/// dust floor must not be negative (`partliq::Error::InvalidDustFloor`).
pub const PARTLIQ_STATUS_INVALID_DUST_FLOOR: partliq_status = 19;

/// liquidation fee rounding must be up (Ceil) or down (Floor) (`partliq::Error::InvalidFeeRounding`).
pub const PARTLIQ_STATUS_INVALID_FEE_ROUNDING: partliq_status = 20;

/// position names a market that is not there (`partliq::Error::UnknownMarket`).
pub const PARTLIQ_STATUS_UNKNOWN_MARKET: partliq_status = 30;

/// price missing for a market a position needs (`partliq::Error::MissingPrice`).
pub const PARTLIQ_STATUS_MISSING_PRICE: partliq_status = 31;

/// price is negative (`partliq::Error::NegativePrice`).
pub const PARTLIQ_STATUS_NEGATIVE_PRICE: partliq_status = 32;

/// position index out of range (`partliq::Error::UnknownPosition`).
pub const PARTLIQ_STATUS_UNKNOWN_POSITION: partliq_status = 33;

/// position has size zero (`partliq::Error::EmptyPosition`).
pub const PARTLIQ_STATUS_EMPTY_POSITION: partliq_status = 34;

/// more positions than MAX_POSITIONS in one pool (`partliq::Error::TooManyPositions`).
pub const PARTLIQ_STATUS_TOO_MANY_POSITIONS: partliq_status = 35;

/// output buffer too small (`partliq::Error::BufferTooSmall`).
pub const PARTLIQ_STATUS_BUFFER_TOO_SMALL: partliq_status = 36;

/// fill quantity zero, on the wrong side, or beyond the position (`partliq::Error::InvalidFillQuantity`).
pub const PARTLIQ_STATUS_INVALID_FILL_QUANTITY: partliq_status = 40;

/// fill price must be positive (`partliq::Error::InvalidFillPrice`).
pub const PARTLIQ_STATUS_INVALID_FILL_PRICE: partliq_status = 41;

/// target buffer exceeds 1,000,000 ppm (`partliq::Error::InvalidBuffer`).
pub const PARTLIQ_STATUS_INVALID_BUFFER: partliq_status = 42;

/// price band exceeds 1,000,000 ppm (`partliq::Error::InvalidPriceBand`).
pub const PARTLIQ_STATUS_INVALID_PRICE_BAND: partliq_status = 43;

/// policy fraction above 100 % or zero where it must not be (`partliq::Error::InvalidPolicyFraction`).
pub const PARTLIQ_STATUS_INVALID_POLICY_FRACTION: partliq_status = 50;

/// capacity window or cooldown of zero length (`partliq::Error::ZeroWindow`).
pub const PARTLIQ_STATUS_ZERO_WINDOW: partliq_status = 51;

/// backstop fraction must be below 100 % of maintenance (`partliq::Error::BackstopFractionNotBelowOne`).
pub const PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE: partliq_status = 52;

/// policy limit is negative (`partliq::Error::NegativeLimit`).
pub const PARTLIQ_STATUS_NEGATIVE_LIMIT: partliq_status = 53;

/// caller-owned state slice too small for the markets (`partliq::Error::StateTooSmall`).
pub const PARTLIQ_STATUS_STATE_TOO_SMALL: partliq_status = 54;

/// deleveraging counterparties cannot absorb the position (`partliq::Error::InsufficientCounterparties`).
pub const PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES: partliq_status = 55;

/// insurance fund debit would go below its floor (`partliq::Error::InsuranceFundBelowFloor`).
pub const PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR: partliq_status = 56;

/// health factor not below the liquidation threshold (`partliq::Error::NotLiquidatable`).
pub const PARTLIQ_STATUS_NOT_LIQUIDATABLE: partliq_status = 57;

/// collateral reserve not enabled as collateral (`partliq::Error::CollateralNotEnabled`).
pub const PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED: partliq_status = 58;

/// no debt in the reserve to repay (`partliq::Error::NotBorrowed`).
pub const PARTLIQ_STATUS_NOT_BORROWED: partliq_status = 59;

/// liquidation would leave dust below the minimum (`partliq::Error::MustNotLeaveDust`).
pub const PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST: partliq_status = 60;

/// burn of zero scaled units (`partliq::Error::ZeroBurnAmount`).
pub const PARTLIQ_STATUS_ZERO_BURN_AMOUNT: partliq_status = 61;

/// perpetual already liquidated for this subaccount in this block (`partliq::Error::AlreadyLiquidatedThisBlock`).
pub const PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK: partliq_status = 62;

/// subaccount block limit already exceeded (`partliq::Error::BlockLimitExceeded`).
pub const PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED: partliq_status = 63;

/// invalid liquidation configuration (`partliq::Error::InvalidLiquidationConfig`).
pub const PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG: partliq_status = 64;

/// perp bankruptcy cannot be socialized: the market has no open interest (`partliq::Error::NoOpenInterestToSocialize`).
pub const PARTLIQ_STATUS_NO_OPEN_INTEREST_TO_SOCIALIZE: partliq_status = 65;

/// liquidation transfer price below the liquidator's limit price (`partliq::Error::LiquidationBelowLimitPrice`).
pub const PARTLIQ_STATUS_LIQUIDATION_BELOW_LIMIT_PRICE: partliq_status = 66;

/// liquidation swap price worse than the worst case the fees allow (`partliq::Error::LiquidationBeyondWorstCasePrice`).
pub const PARTLIQ_STATUS_LIQUIDATION_BEYOND_WORST_CASE_PRICE: partliq_status = 67;

/// mark of a held market is not the price guard's trigger price for its feed (`partliq::Error::PriceNotGuarded`).
pub const PARTLIQ_STATUS_PRICE_NOT_GUARDED: partliq_status = 68;

/// ramp parameters out of range (`partliq::Error::InvalidRamp`).
pub const PARTLIQ_STATUS_INVALID_RAMP: partliq_status = 90;

/// emergency bypass fraction must be below 100 % of maintenance (`partliq::Error::BypassFractionNotBelowOne`).
pub const PARTLIQ_STATUS_BYPASS_FRACTION_NOT_BELOW_ONE: partliq_status = 91;

/// shared-state memory too small for its layout (`partliq::Error::SharedMemoryTooSmall`).
pub const PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL: partliq_status = 100;

/// shared-state memory not 8-byte aligned (`partliq::Error::SharedMemoryMisaligned`).
pub const PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED: partliq_status = 101;

/// shared-state slot, market or entry count zero or above its maximum (`partliq::Error::InvalidSlotCount`).
pub const PARTLIQ_STATUS_INVALID_SLOT_COUNT: partliq_status = 102;

/// memory holds no initialized shared-state object of this kind (`partliq::Error::SharedMemoryNotInitialized`).
pub const PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED: partliq_status = 103;

/// another writer is publishing parameters (`partliq::Error::PublishInProgress`).
pub const PARTLIQ_STATUS_PUBLISH_IN_PROGRESS: partliq_status = 104;

/// every spare parameter slot is still being read (`partliq::Error::NoFreeSlot`).
pub const PARTLIQ_STATUS_NO_FREE_SLOT: partliq_status = 105;

/// parameter payload word count differs from its declaration (`partliq::Error::PayloadSizeMismatch`).
pub const PARTLIQ_STATUS_PAYLOAD_SIZE_MISMATCH: partliq_status = 106;

/// liquidation capacity exhausted for the window or block (`partliq::Error::CapacityExhausted`).
pub const PARTLIQ_STATUS_CAPACITY_EXHAUSTED: partliq_status = 107;

/// every capacity reservation entry is in use (`partliq::Error::ReservationTableFull`).
pub const PARTLIQ_STATUS_RESERVATION_TABLE_FULL: partliq_status = 108;

/// no live capacity reservation with this handle (`partliq::Error::UnknownReservation`).
pub const PARTLIQ_STATUS_UNKNOWN_RESERVATION: partliq_status = 109;

/// commit larger than its reservation (`partliq::Error::CommitExceedsReservation`).
pub const PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION: partliq_status = 110;

/// asset weight exceeds 1,000,000 ppm (100 %) (`partliq::Error::AssetWeightAbove100Percent`).
pub const PARTLIQ_STATUS_ASSET_WEIGHT_ABOVE_100_PERCENT: partliq_status = 200;

/// liability weight below 1,000,000 ppm (100 %) (`partliq::Error::LiabilityWeightBelow100Percent`).
pub const PARTLIQ_STATUS_LIABILITY_WEIGHT_BELOW_100_PERCENT: partliq_status = 201;

/// initial weight less strict than the maintenance weight (`partliq::Error::WeightsOutOfOrder`).
pub const PARTLIQ_STATUS_WEIGHTS_OUT_OF_ORDER: partliq_status = 202;

/// IMF size unit must be positive (`partliq::Error::InvalidImfUnit`).
pub const PARTLIQ_STATUS_INVALID_IMF_UNIT: partliq_status = 203;

/// balance names an asset that is not there (`partliq::Error::UnknownAsset`).
pub const PARTLIQ_STATUS_UNKNOWN_ASSET: partliq_status = 204;

/// open bid or ask size is negative (`partliq::Error::NegativeOpenOrders`).
pub const PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS: partliq_status = 205;

/// margin ladder thresholds out of order (`partliq::Error::InvalidMarginLadder`).
pub const PARTLIQ_STATUS_INVALID_MARGIN_LADDER: partliq_status = 206;

/// per-market slice shorter than the markets (`partliq::Error::MarketDataTooShort`).
pub const PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT: partliq_status = 207;

/// more token balances than MAX_BALANCES in one account (`partliq::Error::TooManyBalances`).
pub const PARTLIQ_STATUS_TOO_MANY_BALANCES: partliq_status = 208;

/// balance on the wrong side (deposit where a borrow is needed or the reverse) (`partliq::Error::WrongBalanceSide`).
pub const PARTLIQ_STATUS_WRONG_BALANCE_SIDE: partliq_status = 209;

/// leg names an asset the account does not hold (`partliq::Error::AssetNotHeld`).
pub const PARTLIQ_STATUS_ASSET_NOT_HELD: partliq_status = 210;

/// leg names a position or balance outside the pool (`partliq::Error::LegNotInPool`).
pub const PARTLIQ_STATUS_LEG_NOT_IN_POOL: partliq_status = 211;

/// swap leg's collateral and liability are the same asset (`partliq::Error::LegSameAsset`).
pub const PARTLIQ_STATUS_LEG_SAME_ASSET: partliq_status = 212;

/// position has no perp PnL of the side the leg needs (`partliq::Error::WrongPnlSide`).
pub const PARTLIQ_STATUS_WRONG_PNL_SIDE: partliq_status = 213;

/// leg amount is not positive or exceeds what the account holds (`partliq::Error::InvalidLegAmount`).
pub const PARTLIQ_STATUS_INVALID_LEG_AMOUNT: partliq_status = 214;

/// unknown liquidation leg kind (`partliq::Error::InvalidLegKind`).
pub const PARTLIQ_STATUS_INVALID_LEG_KIND: partliq_status = 215;

/// asset liquidation bonus plus insurance fee exceeds 1,000,000 ppm (100 %) (`partliq::Error::InvalidLiquidationFees`).
pub const PARTLIQ_STATUS_INVALID_LIQUIDATION_FEES: partliq_status = 216;

/// waterfall policy empty, repeats a step or does not end in a step that always absorbs (`partliq::Error::InvalidWaterfallPolicy`).
pub const PARTLIQ_STATUS_INVALID_WATERFALL_POLICY: partliq_status = 220;

/// nothing to resolve: the balance is not a deficit (`partliq::Error::NoDeficit`).
pub const PARTLIQ_STATUS_NO_DEFICIT: partliq_status = 221;

/// account still holds assets or open positions, so its loss is not yet a deficit (`partliq::Error::AccountNotExhausted`).
pub const PARTLIQ_STATUS_ACCOUNT_NOT_EXHAUSTED: partliq_status = 222;

/// no step of the waterfall could absorb the rest of the deficit (`partliq::Error::DeficitUnabsorbed`).
pub const PARTLIQ_STATUS_DEFICIT_UNABSORBED: partliq_status = 223;

/// ledger buffer too small for the waterfall's entries (`partliq::Error::LedgerTooSmall`).
pub const PARTLIQ_STATUS_LEDGER_TOO_SMALL: partliq_status = 224;

/// cumulative deposit index must be positive (`partliq::Error::InvalidDepositIndex`).
pub const PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX: partliq_status = 225;

/// settlement price must be positive (`partliq::Error::InvalidSettlementPrice`).
pub const PARTLIQ_STATUS_INVALID_SETTLEMENT_PRICE: partliq_status = 226;

/// backstop capacity or socialization payer amount is negative (`partliq::Error::NegativeCapacity`).
pub const PARTLIQ_STATUS_NEGATIVE_CAPACITY: partliq_status = 227;

/// lending terms slice shorter than the assets (`partliq::Error::LendingTermsTooShort`).
pub const PARTLIQ_STATUS_LENDING_TERMS_TOO_SHORT: partliq_status = 240;

/// lending term not a whole number of basis points (a multiple of 100 ppm) (`partliq::Error::LendingTermNotWholeBps`).
pub const PARTLIQ_STATUS_LENDING_TERM_NOT_WHOLE_BPS: partliq_status = 241;

/// liquidation bonus below 1,000,000 ppm (100 %) (`partliq::Error::LendingBonusBelow100Percent`).
pub const PARTLIQ_STATUS_LENDING_BONUS_BELOW_100_PERCENT: partliq_status = 242;

/// liquidation threshold times liquidation bonus exceeds 100 % (`partliq::Error::LendingThresholdTimesBonusAbove100Percent`).
pub const PARTLIQ_STATUS_LENDING_THRESHOLD_TIMES_BONUS_ABOVE_100_PERCENT: partliq_status = 243;

/// base-currency exponent out of range (`partliq::Error::InvalidBaseExponent`).
pub const PARTLIQ_STATUS_INVALID_BASE_EXPONENT: partliq_status = 244;

/// assets of one account have different base-currency exponents (`partliq::Error::BaseExponentMismatch`).
pub const PARTLIQ_STATUS_BASE_EXPONENT_MISMATCH: partliq_status = 245;

/// lending liquidation does not conserve an asset (`partliq::Error::LendingNotConserved`).
pub const PARTLIQ_STATUS_LENDING_NOT_CONSERVED: partliq_status = 246;

/// scanner or index memory too small for its layout (`partliq::Error::TableMemoryTooSmall`).
pub const PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL: partliq_status = 250;

/// scanner or index memory not aligned for its layout (`partliq::Error::TableMemoryMisaligned`).
pub const PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED: partliq_status = 251;

/// memory holds no initialized scanner or index of this kind (`partliq::Error::TableNotInitialized`).
pub const PARTLIQ_STATUS_TABLE_NOT_INITIALIZED: partliq_status = 252;

/// scanner table was built for other markets or prices (`partliq::Error::StaleScanTable`).
pub const PARTLIQ_STATUS_STALE_SCAN_TABLE: partliq_status = 253;

/// liquidation-price index holds another market (`partliq::Error::IndexMarketMismatch`).
pub const PARTLIQ_STATUS_INDEX_MARKET_MISMATCH: partliq_status = 254;
