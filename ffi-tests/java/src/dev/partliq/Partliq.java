package dev.partliq;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * A JNA binding of partliq's C ABI (include/partliq.h). Structures mirror the
 * C structs field for field (their layout is checked by the test); arrays of
 * markets and positions are contiguous JNA structure arrays
 * ({@link Structure#toArray}). Every function returns a partliq_status
 * (unsigned 32-bit, 0 = ok) and writes its outputs only on success.
 *
 * <p>The library is found as "partliq" on jna.library.path.
 */
public interface Partliq extends Library {
  Partliq LIB = Native.load("partliq", Partliq.class);

  int STATUS_OK = 0;
  int STATUS_BUFFER_TOO_SMALL = 36;
  int STATUS_NULL_POINTER = 1000;
  int TARGET_MAINTENANCE = 0;
  int TARGET_INITIAL = 1;
  int ORDER_LARGEST_MAINTENANCE_FIRST = 0;
  int ORDER_BEST_RELEASE_PER_COST_FIRST = 1;
  int ORDER_PRO_RATA = 2;
  int OUTCOME_RESTORED = 1;
  int STATE_HEALTHY = 0;
  int STATE_LIQUIDATABLE = 1;
  int MAX_TIERS = 16;
  int STATUS_STATE_TOO_SMALL = 54;
  int STATUS_INSUFFICIENT_COUNTERPARTIES = 55;
  int STATUS_INVALID_ENUM = 1004;
  int STATUS_INVALID_POLICY_FRACTION = 50;
  int STATUS_BYPASS_FRACTION_NOT_BELOW_ONE = 91;
  int STATUS_RESERVATION_TABLE_FULL = 108;
  int STATUS_UNKNOWN_RESERVATION = 109;
  int STATUS_COMMIT_EXCEEDS_RESERVATION = 110;
  int REASON_STEP_CAPPED = 3;
  /** Offsets in partliq_policy (POLICY_SIZE bytes) the tests set. */
  int POLICY_PRICE_BAND = 8;
  int POLICY_SIZING = 16;
  int POLICY_BLOCK_MAX_NOTIONAL = 96;
  int POLICY_BACKSTOP_ON_INFEASIBLE = 136;
  int POLICY_EMERGENCY_BYPASS = 216;
  int ACTION_LIQUIDATE = 1;
  int ACTION_BACKSTOP = 2;
  int REASON_TARGET_RESTORED = 2;
  int REASON_BELOW_BACKSTOP_FRACTION = 5;
  int REASON_EMERGENCY_BYPASS = 12;
  int ADL_MODE_QUEUE = 0;
  int ADL_MODE_PRO_RATA = 1;
  /** sizeof(partliq_preset): used from Java as opaque native memory. */
  int PRESET_SIZE = 256;
  /** sizeof(partliq_policy): used from Java as opaque native memory. */
  int POLICY_SIZE = 232;
  /** offsetof(partliq_policy, ramps). */
  int POLICY_RAMPS_OFFSET = 144;
  int BAND_MODE_DUTCH = 1;
  int BAND_MODE_DYDX_FILLABLE = 2;
  int STATUS_INVALID_RAMP = 90;
  int STATUS_UNKNOWN_POSITION = 33;
  int STATUS_UNKNOWN_ASSET = 204;
  int STATUS_INVALID_MARGIN_LADDER = 206;
  int POSITION_MARGIN_CROSS = 0;
  int POSITION_MARGIN_ISOLATED = 1;
  int MARGIN_RUNG_SAFE = 0;
  int MARGIN_RUNG_LIQUIDATION = 3;
  int MARGIN_RUNG_BACKSTOP = 4;
  int ACTION_CANCEL_ORDERS = 4;
  int REASON_OPEN_ORDERS = 9;
  int NO_INDEX = -1; // UINT32_MAX
  int LEG_KIND_REDUCE_PERP = 0;
  int LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY = 1;
  int LEG_KIND_DEPOSIT_FOR_PERP_LOSS = 3;
  int FLOW_UNIT_ASSET = 1;
  int PLAN_OBJECTIVE_LEAST_VALUE = 0;
  int PLAN_OBJECTIVE_LEAST_COST = 1;
  int LEG_ORDERING_CHEAPEST = 0;
  int WATERFALL_STEP_INSURANCE_FUND = 0;
  int WATERFALL_STEP_SOCIALIZED_LOSS = 2;
  int FUND_SCOPE_GLOBAL = 0;
  int DEFICIT_KIND_PERP = 0;
  int PARTY_KIND_ACCOUNT = 0;
  int PARTY_KIND_INSURANCE_FUND = 2;
  int PARTY_KIND_SOCIALIZED_PERP = 4;
  int STATUS_INVALID_LEG_KIND = 215;
  int STATUS_DEFICIT_UNABSORBED = 223;
  int STATUS_RESERVED_NOT_ZERO = 1003;
  int STATUS_BAD_LENGTH = 1001;
  int ACTION_NONE = 0;
  int ACTION_TAKEOVER = 3;
  int ACTION_RESOLVE_DEFICIT = 5;
  int REASON_HEALTHY = 0;
  int REASON_TARGET_MET = 1;
  int REASON_INFEASIBLE = 4;
  int REASON_BANKRUPT = 6;

  /** size_t. */
  class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() {
      this(0);
    }

    public SizeT(long value) {
      super(Native.SIZE_T_SIZE, value, true);
    }
  }

  @FieldOrder({"notional_floor", "initial_ppm", "maintenance_ppm"})
  class MarginTier extends Structure {
    public long notional_floor;
    public int initial_ppm;
    public int maintenance_ppm;
  }

  @FieldOrder({"id", "quote_exponent", "lot_step", "tick", "tiers", "tier_count", "liquidation_fee_ppm", "liquidator_fee_share_ppm",
      "liquidation_fee_rounding", "dust_floor"})
  class Market extends Structure {
    public int id;
    public int quote_exponent;
    public long lot_step;
    public long tick;
    public MarginTier[] tiers = (MarginTier[]) new MarginTier().toArray(MAX_TIERS);
    public int tier_count;
    public int liquidation_fee_ppm;
    public int liquidator_fee_share_ppm;
    /** A partliq_fee_rounding: 0 up (the default), 1 down. */
    public int liquidation_fee_rounding;
    public long dust_floor;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"market_index", "reserved", "size", "quote_balance"})
  class Position extends Structure {
    public int market_index;
    public int reserved;
    public long size;
    public long quote_balance;

    public Position() {}

    public Position(int marketIndex, long size, long quoteBalance) {
      this.market_index = marketIndex;
      this.size = size;
      this.quote_balance = quoteBalance;
    }
  }

  @FieldOrder({"equity", "initial_requirement", "maintenance_requirement", "free_collateral", "margin_ratio_ppm", "state", "reserved"})
  class Health extends Structure {
    public long equity;
    public long initial_requirement;
    public long maintenance_requirement;
    public long free_collateral;
    public long margin_ratio_ppm; // unsigned
    public int state;
    public int reserved;
  }

  @FieldOrder({"kind", "buffer_ppm"})
  class Target extends Structure {
    public int kind;
    public int buffer_ppm;
  }

  @FieldOrder({"target", "price_band_ppm", "order"})
  class PlanParams extends Structure {
    public Target target = new Target();
    public int price_band_ppm;
    public int order;
  }

  @FieldOrder({"position_index", "reserved", "size_delta", "limit_price", "expected_cash", "expected_fee"})
  class PlanLeg extends Structure {
    public int position_index;
    public int reserved;
    public long size_delta;
    public long limit_price;
    public long expected_cash;
    public long expected_fee;
  }

  @FieldOrder({"status", "leg_count", "health_before", "health_after", "required_equity_after", "shortfall", "dust_closed", "reserved"})
  class Plan extends Structure {
    public int status;
    public int leg_count;
    public Health health_before = new Health();
    public Health health_after = new Health();
    public long required_equity_after;
    public long shortfall;
    public byte dust_closed;
    public byte[] reserved = new byte[7];

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"position_index", "target", "reserved", "execution_price"})
  class CloseRequest extends Structure {
    public int position_index;
    public Target target = new Target();
    public int reserved;
    public long execution_price;
  }

  @FieldOrder({"status", "dust_closed", "exhaustive", "reserved", "size_delta", "execution_price", "expected_cash", "expected_fee",
      "health_after", "required_equity_after", "shortfall"})
  class CloseSizing extends Structure {
    public int status;
    public byte dust_closed;
    public byte exhaustive;
    public byte[] reserved = new byte[2];
    public long size_delta;
    public long execution_price;
    public long expected_cash;
    public long expected_fee;
    public Health health_after = new Health();
    public long required_equity_after;
    public long shortfall;
  }

  @FieldOrder({"quote", "price"})
  class Bankruptcy extends Structure {
    public long quote;
    public long price;
  }

  @FieldOrder({"kind", "reserved", "price"})
  class LiquidationPrice extends Structure {
    public int kind;
    public int reserved;
    public long price;
  }

  @FieldOrder({"position_index", "reserved", "size_delta", "price"})
  class Fill extends Structure {
    public int position_index;
    public int reserved;
    public long size_delta;
    public long price;
  }

  @FieldOrder({"new_position", "fill_cash", "bankruptcy_quote", "nominal_fee", "fee", "fee_to_liquidator", "fee_to_insurance", "bad_debt",
      "insurance_fund_delta", "position_quote_delta", "health_after"})
  class Settlement extends Structure {
    public Position new_position = new Position();
    public long fill_cash;
    public long bankruptcy_quote;
    public long nominal_fee;
    public long fee;
    public long fee_to_liquidator;
    public long fee_to_insurance;
    public long bad_debt;
    public long insurance_fund_delta;
    public long position_quote_delta;
    public Health health_after = new Health();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"last_partial_time", "has_partial", "in_liquidation", "block", "block_notional", "block_insurance_loss",
      "liquidation_start_time", "liquidation_started", "reserved"})
  class AccountState extends Structure {
    public long last_partial_time;
    public int has_partial;
    public int in_liquidation;
    public long block;
    public long block_notional;
    public long block_insurance_loss;
    public long liquidation_start_time;
    public int liquidation_started;
    public int reserved;
  }

  /**
   * partliq_ramps, flattened (fee, fraction, band in turn: every field is
   * naturally aligned, so the layout is the nested C struct's).
   */
  @FieldOrder({"fee_max_fee_ppm", "fee_increase_per_unit_ppm", "fee_grace", "fraction_initial_ppm", "fraction_reserved",
      "fraction_duration", "fraction_full_below_shortage", "band_mode", "band_start_ppm", "band_max_ppm",
      "band_bankruptcy_adjustment_ppm", "band_duration", "band_spread_to_maintenance_margin_ratio_ppm", "band_reserved"})
  class Ramps extends Structure {
    public int fee_max_fee_ppm;
    public int fee_increase_per_unit_ppm;
    public long fee_grace;
    public int fraction_initial_ppm;
    public int fraction_reserved;
    public long fraction_duration;
    public long fraction_full_below_shortage;
    public int band_mode;
    public int band_start_ppm;
    public int band_max_ppm;
    public int band_bankruptcy_adjustment_ppm;
    public long band_duration;
    public int band_spread_to_maintenance_margin_ratio_ppm;
    public int band_reserved;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }

    /** Writes these ramps into a partliq_policy's memory. */
    public void writeInto(Pointer policy) {
      write();
      policy.write(POLICY_RAMPS_OFFSET, getPointer().getByteArray(0, size()), 0, size());
    }
  }

  /** partliq_leg_reservation: one leg's booked notional until its fill is committed and the rest released. */
  @FieldOrder({"block", "window_start", "position_index", "market_index", "units", "filled_units", "released_units", "block_reserved",
      "window_reserved", "block_committed", "window_committed", "block_released", "window_released"})
  class LegReservation extends Structure {
    public long block;
    public long window_start;
    public int position_index;
    public int market_index;
    public long units;
    public long filled_units;
    public long released_units;
    public long block_reserved;
    public long window_reserved;
    public long block_committed;
    public long window_committed;
    public long block_released;
    public long window_released;
  }

  @FieldOrder({"window_start", "used"})
  class MarketCapacityState extends Structure {
    public long window_start;
    public long used;
  }

  @FieldOrder({"collateral", "position_count", "reserved", "health", "deficit"})
  class Backstop extends Structure {
    public long collateral;
    public int position_count;
    public int reserved;
    public Health health = new Health();
    public long deficit;
  }

  @FieldOrder({"action", "reason", "plan", "has_backstop", "reserved", "backstop"})
  class Decision extends Structure {
    public int action;
    public int reason;
    public Plan plan = new Plan();
    public byte has_backstop;
    public byte[] reserved = new byte[7];
    public Backstop backstop = new Backstop();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"account", "reserved", "size", "unrealized_pnl", "entry_notional", "mark_notional", "margin"})
  class AdlCandidate extends Structure {
    public int account;
    public int reserved;
    public long size;
    public long unrealized_pnl;
    public long entry_notional;
    public long mark_notional;
    public long margin;
  }

  @FieldOrder({"candidate", "account", "size_delta", "price"})
  class AdlFill extends Structure {
    public int candidate;
    public int account;
    public long size_delta;
    public long price;
  }

  @FieldOrder({"id", "quote_exponent", "initial_asset_weight_ppm", "maintenance_asset_weight_ppm", "initial_liability_weight_ppm",
      "maintenance_liability_weight_ppm", "imf_factor_ppm", "reserved", "imf_unit"})
  class Asset extends Structure {
    public int id;
    public int quote_exponent;
    public int initial_asset_weight_ppm;
    public int maintenance_asset_weight_ppm;
    public int initial_liability_weight_ppm;
    public int maintenance_liability_weight_ppm;
    public int imf_factor_ppm;
    public int reserved;
    public long imf_unit;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"asset_index", "reserved", "amount"})
  class AssetBalance extends Structure {
    public int asset_index;
    public int reserved;
    public long amount;
  }

  @FieldOrder({"market_index", "margin", "size", "quote_balance", "last_funding_index", "open_bids", "open_asks"})
  class PerpPosition extends Structure {
    public int market_index;
    /** A partliq_position_margin: 0 cross, 1 isolated. */
    public int margin;
    public long size;
    public long quote_balance;
    public long last_funding_index;
    public long open_bids;
    public long open_asks;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"imf_factor_ppm", "initial_upnl_weight_ppm", "imf_unit"})
  class PerpRisk extends Structure {
    public int imf_factor_ppm;
    public int initial_upnl_weight_ppm;
    public long imf_unit;
  }

  @FieldOrder({"warning_ppm", "reduce_only_ppm", "liquidation_ppm", "backstop_ppm"})
  class MarginLadder extends Structure {
    public int warning_ppm;
    public int reduce_only_ppm;
    public int liquidation_ppm;
    public int backstop_ppm;
  }

  @FieldOrder({"collateral", "requirement"})
  class LevelFigures extends Structure {
    public long collateral;
    public long requirement;
  }

  @FieldOrder({"equity", "initial", "liquidation_end", "maintenance", "margin_ratio_ppm", "state", "rung"})
  class UnifiedHealth extends Structure {
    public long equity;
    public LevelFigures initial = new LevelFigures();
    public LevelFigures liquidation_end = new LevelFigures();
    public LevelFigures maintenance = new LevelFigures();
    public long margin_ratio_ppm; // unsigned
    public int state;
    public int rung;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"kind", "position_index", "liability_asset", "collateral_asset", "amount"})
  class UnifiedLeg extends Structure {
    /** A partliq_leg_kind. */
    public int kind;
    public int position_index;
    public int liability_asset;
    public int collateral_asset;
    public long amount;
  }

  @FieldOrder({"liquidator_bonus_ppm", "insurance_fee_ppm"})
  class AssetLiquidationFees extends Structure {
    public int liquidator_bonus_ppm;
    public int insurance_fee_ppm;
  }

  @FieldOrder({"target", "perp_band_ppm", "reserved"})
  class LegTerms extends Structure {
    public Target target = new Target();
    public int perp_band_ppm;
    public int reserved;
  }

  @FieldOrder({"unit", "index", "account", "liquidator", "counterparty", "insurance_fund"})
  class LegFlow extends Structure {
    public int unit;
    public int index;
    public long account;
    public long liquidator;
    public long counterparty;
    public long insurance_fund;
  }

  @FieldOrder({"leg", "flows", "value_liquidated", "cost_to_account", "health_after"})
  class LegSettlement extends Structure {
    public UnifiedLeg leg = new UnifiedLeg();
    public LegFlow[] flows = (LegFlow[]) new LegFlow().toArray(2);
    public long value_liquidated;
    public long cost_to_account;
    public UnifiedHealth health_after = new UnifiedHealth();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"status", "has_settlement", "leg", "max_amount", "settlement"})
  class LegSizing extends Structure {
    public int status;
    public int has_settlement;
    public UnifiedLeg leg = new UnifiedLeg();
    public long max_amount;
    public LegSettlement settlement = new LegSettlement();
  }

  @FieldOrder({"status", "leg_count", "value_liquidated", "cost_to_account", "health_after", "proven_least", "reserved"})
  class UnifiedPlan extends Structure {
    public int status;
    public int leg_count;
    public long value_liquidated;
    public long cost_to_account;
    public UnifiedHealth health_after = new UnifiedHealth();
    public int proven_least;
    public int reserved;
  }

  @FieldOrder({"balance", "floor", "initial", "total_credits", "total_debits"})
  class InsuranceFund extends Structure {
    public long balance;
    public long floor;
    public long initial;
    public long total_credits;
    public long total_debits;
  }

  @FieldOrder({"steps", "step_count", "fund_scope"})
  class WaterfallPolicy extends Structure {
    public int[] steps = new int[4];
    public int step_count;
    public int fund_scope;
  }

  @FieldOrder({"kind", "index", "amount"})
  class Deficit extends Structure {
    public int kind;
    public int index;
    public long amount;
  }

  @FieldOrder({"kind", "index"})
  class Party extends Structure {
    public int kind;
    public int index;
  }

  @FieldOrder({"kind", "index"})
  class LedgerUnit extends Structure {
    public int kind;
    public int index;
  }

  @FieldOrder({"from", "to", "unit", "amount"})
  class LedgerEntry extends Structure {
    public Party from = new Party();
    public Party to = new Party();
    public LedgerUnit unit = new LedgerUnit();
    public long amount;
  }

  @FieldOrder({"step", "reserved", "absorbed"})
  class StepUse extends Structure {
    public int step;
    public int reserved;
    public long absorbed;
  }

  @FieldOrder({"kind", "reserved", "open_interest", "delta", "charged", "deposits", "old_index", "new_index", "deposits_after", "surplus"})
  class Socialization extends Structure {
    public int kind;
    public int reserved;
    public long open_interest;
    public long delta;
    public long charged;
    public long deposits;
    public long old_index;
    public long new_index;
    public long deposits_after;
    public long surplus;
  }

  @FieldOrder({"steps", "step_count", "fund_market", "fund_paid", "adl_residual", "fund_after", "socialization", "ledger_len", "reserved"})
  class WaterfallOutcome extends Structure {
    public StepUse[] steps = (StepUse[]) new StepUse().toArray(4);
    public int step_count;
    public int fund_market;
    public long fund_paid;
    public long adl_residual;
    public InsuranceFund fund_after = new InsuranceFund();
    public Socialization socialization = new Socialization();
    public int ledger_len;
    public int reserved;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"settlement_price", "fee_ppm", "reserved"})
  class DelistingPolicy extends Structure {
    public long settlement_price;
    public int fee_ppm;
    public int reserved;
  }

  @FieldOrder({"position_index", "reserved", "closed_size", "cash", "funding", "fee", "quote_delta", "new_quote_balance"})
  class PositionSettlement extends Structure {
    public int position_index;
    public int reserved;
    public long closed_size;
    public long cash;
    public long funding;
    public long fee;
    public long quote_delta;
    public long new_quote_balance;
  }

  @FieldOrder({"settled", "outcome", "health_after", "deficit", "shortfall"})
  class PoolDelisting extends Structure {
    public int settled;
    public int outcome;
    public UnifiedHealth health_after = new UnifiedHealth();
    public Deficit deficit = new Deficit();
    public long shortfall;
  }

  @FieldOrder({"terms", "objective", "ordering", "take_over_bankrupt", "search_budget_units"})
  class UnifiedLiquidationPolicy extends Structure {
    public LegTerms terms = new LegTerms();
    /** A partliq_plan_objective. */
    public int objective;
    /** A partliq_leg_ordering. */
    public int ordering;
    /** 1: a bankrupt pool is taken over whole; 0: liquidated leg by leg first. */
    public int take_over_bankrupt;
    /** The exact search's work units for each of its orders; 0 = the default. */
    public int search_budget_units;
  }

  @FieldOrder({"action", "reason", "plan"})
  class UnifiedDecision extends Structure {
    public int action;
    public int reason;
    public UnifiedPlan plan = new UnifiedPlan();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  String partliq_version();

  int partliq_abi_version();

  String partliq_status_str(int status);

  int partliq_market_validate(Market market);

  int partliq_pool_health(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, Health out);

  int partliq_account_health(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, int marginMode, Health out);

  int partliq_minimal_close(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, CloseRequest request, CloseSizing out);

  int partliq_plan_liquidation(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, PlanParams params, PlanLeg[] legs, SizeT legsLen, Plan out);

  int partliq_bankruptcy_price(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, int positionIndex, long sizeDelta, Bankruptcy out);

  int partliq_limit_price(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, int positionIndex, int bandPpm, LongByReference outPrice);

  int partliq_estimated_liquidation_price(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral,
      Position[] positions, SizeT positionsLen, int positionIndex, LiquidationPrice out);

  int partliq_settle_fill(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, Fill fill, Settlement out);

  int partliq_preset_synthetix_v3(long capacity, long window, Pointer out);

  int partliq_preset_hyperliquid(long quotePerUsd, long ticksPerSecond, Pointer out);

  /** policy: a partliq_preset's memory (its policy is at offset 0). */
  int partliq_run_pipeline(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, Pointer policy, AccountState accountState, MarketCapacityState[] marketStates, SizeT marketStatesLen, long now,
      long block, PlanLeg[] legs, SizeT legsLen, Decision out);

  /** policy: partliq_policy memory. */
  int partliq_policy_validate(Pointer policy);

  /** policy: a partliq_preset's memory (its policy is at offset 0). */
  int partliq_run_pipeline_reserving(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral,
      Position[] positions, SizeT positionsLen, Pointer policy, AccountState accountState, MarketCapacityState[] marketStates,
      SizeT marketStatesLen, long now, long block, PlanLeg[] legs, SizeT legsLen, LegReservation[] reservations, SizeT reservationsLen,
      Decision out);

  int partliq_leg_reservation_commit(LegReservation reservation, long units);

  int partliq_leg_reservation_release(LegReservation reservation, AccountState accountState, MarketCapacityState[] marketStates,
      SizeT marketStatesLen);

  int partliq_asset_validate(Asset asset);

  int partliq_perp_risk_validate(PerpRisk risk);

  int partliq_margin_ladder_validate(MarginLadder ladder);

  int partliq_margin_ladder_standard(MarginLadder out);

  int partliq_margin_ladder_binance_portfolio_margin(MarginLadder out);

  /** out: partliq_policy memory (POLICY_SIZE bytes). */
  int partliq_policy_default(Pointer out);

  int partliq_ramps_validate(Ramps ramps);

  int partliq_ramps_fee(Ramps ramps, int baseFeePpm, AccountState state, long now, IntByReference outFeePpm);

  int partliq_fillable_limit_price(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral,
      Position[] positions, SizeT positionsLen, int positionIndex, int bankruptcyAdjustmentPpm, int spreadToMaintenanceMarginRatioPpm,
      LongByReference outPrice);

  /** out: a size_t (8 bytes here: checked by the test). */
  int partliq_unified_pool_count(PerpPosition[] positions, SizeT positionsLen, LongByReference out);

  int partliq_unified_pool_health(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      MarginLadder ladder, UnifiedHealth out);

  int partliq_unified_account_health(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, MarginLadder ladder,
      UnifiedHealth out);

  /** policy: partliq_policy memory (e.g. from partliq_policy_default). */
  int partliq_run_unified_pipeline(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      Pointer policy, AccountState accountState, MarketCapacityState[] marketStates, SizeT marketStatesLen, long now, long block,
      PlanLeg[] legs, SizeT legsLen, Decision out);

  /** outCount: a size_t (8 bytes here: checked by the test). */
  int partliq_deleverage(long deficitSize, long bankruptcyPrice, long lotStep, AdlCandidate[] candidates, SizeT candidatesLen, int mode,
      int[] order, SizeT orderLen, AdlFill[] fills, SizeT fillsLen, LongByReference outCount);

  int partliq_unified_settle_leg(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      AssetLiquidationFees[] assetFees, SizeT assetFeesLen, LegTerms terms, UnifiedLeg leg, LegSettlement out);

  int partliq_unified_size_leg(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      AssetLiquidationFees[] assetFees, SizeT assetFeesLen, LegTerms terms, UnifiedLeg leg, LegSizing out);

  int partliq_unified_plan_liquidation(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      AssetLiquidationFees[] assetFees, SizeT assetFeesLen, LegTerms terms, int objective, int ordering, int[] assetTiers,
      SizeT assetTiersLen, int[] marketTiers, SizeT marketTiersLen, UnifiedLeg[] legs, SizeT legsLen, UnifiedPlan out);

  int partliq_run_unified_liquidation(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      AssetLiquidationFees[] assetFees, SizeT assetFeesLen, UnifiedLiquidationPolicy policy, int[] assetTiers, SizeT assetTiersLen,
      int[] marketTiers, SizeT marketTiersLen, int inLiquidation, UnifiedLeg[] legs, SizeT legsLen, UnifiedDecision out);

  int partliq_insurance_fund_new(long balance, long floor, InsuranceFund out);

  /** hasOwn: one byte per market. */
  int partliq_resolve_deficit(Asset[] assets, SizeT assetsLen, long[] assetPrices, SizeT assetPricesLen, Deficit deficit,
      WaterfallPolicy policy, InsuranceFund fund, InsuranceFund[] marketFunds, SizeT marketFundsLen, byte[] hasOwn, SizeT hasOwnLen,
      long backstopCapacity, long[] payers, SizeT payersLen, long depositIndex, LedgerEntry[] ledger, SizeT ledgerLen,
      WaterfallOutcome out);

  int partliq_settle_delisted(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      int marketIndex, DelistingPolicy policy, MarginLadder ladder, PerpPosition[] positionsAfter, SizeT positionsAfterLen,
      PositionSettlement[] settlements, SizeT settlementsLen, PoolDelisting out);

  int partliq_socialized_delta(long loss, long openInterest, LongByReference out);

  int partliq_socialized_charge(long size, long delta, LongByReference out);

  int partliq_haircut_index(long index, long deposits, long loss, LongByReference out);

  int partliq_haircut_balance(long balance, long oldIndex, long newIndex, LongByReference out);
}
