package dev.partliq;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.partliq.Partliq.Health;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;

/**
 * The JNA binding of the per-tick hot path (ffi/src/scan.rs, index.rs,
 * priority.rs) and of dYdX's fillable price (ffi/src/venues/dydx_v4.rs):
 * their structures field for field, and the entry points. Scanner and index
 * memory is native memory ({@code com.sun.jna.Memory}, aligned).
 */
public interface PartliqHotPath extends Library {
  PartliqHotPath LIB = Native.load("partliq", PartliqHotPath.class);

  int SCAN_END_COMPLETE = 0;
  int SCAN_END_BUFFER_FULL = 1;
  int SCAN_END_FAILED = 2;
  int PRIORITY_ORDER_MARGIN_RATIO = 0;
  int PRIORITY_ORDER_ORACLE_DISTANCE = 1;
  int STATUS_UNKNOWN_POSITION = 33;
  int STATUS_TABLE_MEMORY_TOO_SMALL = 250;
  int STATUS_TABLE_MEMORY_MISALIGNED = 251;
  int STATUS_TABLE_NOT_INITIALIZED = 252;
  int STATUS_STALE_SCAN_TABLE = 253;
  int STATUS_INDEX_MARKET_MISMATCH = 254;

  @FieldOrder({"collateral", "first_position", "position_count"})
  class ScanAccount extends Structure {
    public long collateral;
    public int first_position;
    public int position_count;
  }

  @FieldOrder({"account_index", "health"})
  class ScanHit extends Structure {
    public long account_index;
    public Health health = new Health();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"count", "next", "exact_checks", "end", "error"})
  class ScanOutcome extends Structure {
    public long count;
    public long next;
    public long exact_checks;
    public int end;
    public int error;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"key", "account", "position"})
  class IndexEntry extends Structure {
    public long key;
    public int account;
    public int position;
  }

  @FieldOrder({"count", "next", "total"})
  class IndexQuery extends Structure {
    public long count;
    public long next;
    public long total;
  }

  @FieldOrder({"equity", "maintenance", "notional", "oracle_price", "fillable_price"})
  class PriorityItem extends Structure {
    public long equity;
    public long maintenance;
    public long notional;
    public long oracle_price;
    public long fillable_price;
  }

  @FieldOrder({"hi", "lo"})
  class I128 extends Structure {
    public long hi;
    public long lo;
  }

  @FieldOrder({"initial_margin_ppm", "maintenance_fraction_ppm", "open_interest_lower_cap", "open_interest_upper_cap"})
  class DydxLiquidityTier extends Structure {
    public int initial_margin_ppm;
    public int maintenance_fraction_ppm;
    public long open_interest_lower_cap;
    public long open_interest_upper_cap;
  }

  @FieldOrder({"perpetual_id", "atomic_resolution", "open_interest", "liquidity_tier", "price", "price_exponent", "reserved", "quantums",
      "quote_balance"})
  class DydxPosition extends Structure {
    public int perpetual_id;
    public int atomic_resolution;
    public long open_interest;
    public DydxLiquidityTier liquidity_tier = new DydxLiquidityTier();
    public long price;
    public int price_exponent;
    public int reserved;
    public long quantums;
    public long quote_balance;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"mmr", "imr", "nc"})
  class DydxRisk extends Structure {
    public long mmr;
    public long imr;
    public long nc;
  }

  @FieldOrder({"num", "den"})
  class DydxRational extends Structure {
    public I128 num = new I128();
    public I128 den = new I128();
  }

  @FieldOrder({"max_liquidation_fee_ppm", "bankruptcy_adjustment_ppm", "spread_to_maintenance_margin_ratio_ppm",
      "max_position_portion_liquidated_ppm", "min_position_notional_liquidated", "max_notional_liquidated", "max_quantums_insurance_lost"})
  class DydxConfig extends Structure {
    public int max_liquidation_fee_ppm;
    public int bankruptcy_adjustment_ppm;
    public int spread_to_maintenance_margin_ratio_ppm;
    public int max_position_portion_liquidated_ppm;
    public long min_position_notional_liquidated;
    public long max_notional_liquidated;
    public long max_quantums_insurance_lost;
  }

  @FieldOrder({"capacity", "longs", "shorts", "market_index", "reserved"})
  class IndexStats extends Structure {
    public long capacity;
    public long longs;
    public long shorts;
    public int market_index;
    public int reserved;
  }

  @FieldOrder({"step_base_quantums", "subticks_per_tick", "quantum_conversion_exponent"})
  class DydxClobPair extends Structure {
    public long step_base_quantums;
    public int subticks_per_tick;
    public int quantum_conversion_exponent;
  }

  @FieldOrder({"fill_amount", "subticks", "is_buy", "reserved"})
  class DydxFill extends Structure {
    public long fill_amount;
    public long subticks;
    public int is_buy;
    public int reserved;
  }

  @FieldOrder({"min", "max"})
  class DydxNotionalLimits extends Structure {
    public long min;
    public long max;
  }

  @FieldOrder({"notional", "insurance_lost"})
  class DydxBlockLeft extends Structure {
    public long notional;
    public long insurance_lost;
  }

  @FieldOrder({"price", "decimals", "liquidation_threshold", "liquidation_bonus", "liquidation_protocol_fee", "liquidity_index",
      "variable_borrow_index"})
  class AaveReserve extends Structure {
    public I128 price = new I128();
    public int decimals;
    public int liquidation_threshold;
    public int liquidation_bonus;
    public int liquidation_protocol_fee;
    public I128 liquidity_index = new I128();
    public I128 variable_borrow_index = new I128();
  }

  @FieldOrder({"scaled_collateral", "scaled_debt", "use_as_collateral", "reserved"})
  class AaveUserReserve extends Structure {
    public I128 scaled_collateral = new I128();
    public I128 scaled_debt = new I128();
    public int use_as_collateral;
    public int reserved;
  }

  @FieldOrder({"total_collateral_base", "total_debt_base", "weighted_threshold", "avg_liquidation_threshold", "health_factor"})
  class AaveAccount extends Structure {
    public I128 total_collateral_base = new I128();
    public I128 total_debt_base = new I128();
    public I128 weighted_threshold = new I128();
    public I128 avg_liquidation_threshold = new I128();
    public I128 health_factor = new I128();
  }

  @FieldOrder({"max_liquidatable_debt", "reserve_debt", "reserve_debt_base", "reserve_collateral", "reserve_collateral_base", "rule",
      "reserved"})
  class AaveMaxDebt extends Structure {
    public I128 max_liquidatable_debt = new I128();
    public I128 reserve_debt = new I128();
    public I128 reserve_debt_base = new I128();
    public I128 reserve_collateral = new I128();
    public I128 reserve_collateral_base = new I128();
    public int rule;
    public int reserved;
  }

  @FieldOrder({"collateral_to_liquidator", "debt_repaid", "protocol_fee", "bonus_collateral", "base_collateral", "capped_by_balance",
      "reserved"})
  class AaveCollateralQuote extends Structure {
    public I128 collateral_to_liquidator = new I128();
    public I128 debt_repaid = new I128();
    public I128 protocol_fee = new I128();
    public I128 bonus_collateral = new I128();
    public I128 base_collateral = new I128();
    public int capped_by_balance;
    public int reserved;
  }

  @FieldOrder({"collateral_index", "debt_index", "debt_to_cover", "receive_a_token", "reserved"})
  class AaveCall extends Structure {
    public int collateral_index;
    public int debt_index;
    public I128 debt_to_cover = new I128();
    public int receive_a_token;
    public int reserved;
  }

  @FieldOrder({"account_before", "account_after", "close_factor", "quote", "debt_requested", "debt_repaid", "collateral_to_liquidator",
      "protocol_fee", "scaled_collateral_to_liquidator", "scaled_protocol_fee", "scaled_debt_burned", "deficit", "liquidation_bonus", "dust",
      "collateral_fully_consumed", "has_no_collateral_left", "bad_debt_reserves", "reserved"})
  class AaveLiquidation extends Structure {
    public AaveAccount account_before = new AaveAccount();
    public AaveAccount account_after = new AaveAccount();
    public AaveMaxDebt close_factor = new AaveMaxDebt();
    public AaveCollateralQuote quote = new AaveCollateralQuote();
    public I128 debt_requested = new I128();
    public I128 debt_repaid = new I128();
    public I128 collateral_to_liquidator = new I128();
    public I128 protocol_fee = new I128();
    public I128 scaled_collateral_to_liquidator = new I128();
    public I128 scaled_protocol_fee = new I128();
    public I128 scaled_debt_burned = new I128();
    public I128 deficit = new I128();
    public int liquidation_bonus;
    public int dust;
    public int collateral_fully_consumed;
    public int has_no_collateral_left;
    public int bad_debt_reserves;
    public int reserved;
  }

  SizeT partliq_scanner_align();

  SizeT partliq_index_align();

  int partliq_index_info(Pointer mem, SizeT len, IndexStats out);

  int partliq_index_rekey_account(Pointer mem, SizeT len, int account, ScanAccount[] accounts, SizeT accountsLen, Position[] positions,
      SizeT positionsLen, Market[] markets, SizeT marketsLen, long[] low, SizeT lowLen, long[] high, SizeT highLen, long[] outRemoved,
      long[] outInserted);

  int partliq_index_remove_account(Pointer mem, SizeT len, int account, long[] outRemoved);

  int partliq_index_crossed(Pointer mem, SizeT len, int marketIndex, long from, long to, SizeT start, IndexEntry[] out, SizeT outLen,
      IndexQuery query);

  int partliq_dydx_liquidation_config_mainnet_genesis(DydxConfig out);

  int partliq_dydx_liquidation_config_validate(DydxConfig config);

  int partliq_dydx_adjusted_initial_margin_ppm(DydxLiquidityTier tier, long oiQuoteQuantums, int[] out);

  int partliq_dydx_position_risk(DydxPosition position, int customImfPpm, DydxRisk out);

  int partliq_dydx_bankruptcy_price_quote_quantums(DydxPosition position, DydxRisk total, long deltaQuantums, long[] out);

  int partliq_dydx_insurance_fund_delta(DydxPosition position, DydxRisk total, DydxClobPair clobPair, int maxLiquidationFeePpm,
      DydxFill fill, long[] out);

  int partliq_dydx_position_notional_limits(DydxPosition position, DydxConfig config, DydxNotionalLimits out);

  int partliq_dydx_subaccount_block_left(DydxConfig config, int[] perpetualsLiquidated, SizeT perpetualsLiquidatedLen,
      long notionalLiquidated, long quantumsInsuranceLost, int perpetualId, DydxBlockLeft out);

  int partliq_dydx_liquidatable_size_delta(DydxPosition position, DydxClobPair clobPair, DydxConfig config, int[] perpetualsLiquidated,
      SizeT perpetualsLiquidatedLen, long notionalLiquidated, long quantumsInsuranceLost, long[] out);

  int partliq_aave_account_data(AaveReserve[] reserves, SizeT reservesLen, AaveUserReserve[] user, SizeT userLen, AaveAccount out);

  int partliq_aave_close_factor(AaveReserve[] reserves, SizeT reservesLen, AaveUserReserve[] user, SizeT userLen, int collateralIndex,
      int debtIndex, AaveMaxDebt out);

  int partliq_aave_collateral_for_debt(AaveReserve collateral, AaveReserve debt, I128 debtToCover, I128 collateralBalance, int bonusBps,
      AaveCollateralQuote out);

  int partliq_aave_liquidation_call(AaveReserve[] reserves, SizeT reservesLen, AaveUserReserve[] user, SizeT userLen, AaveCall call,
      AaveUserReserve[] userAfter, SizeT userAfterLen, I128[] deficits, SizeT deficitsLen, AaveLiquidation out);

  SizeT partliq_scanner_size(SizeT marketsLen);

  int partliq_scanner_init(Pointer mem, SizeT len, Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen);

  int partliq_scanner_scan(Pointer mem, SizeT len, Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen,
      ScanAccount[] accounts, SizeT accountsLen, Position[] positions, SizeT positionsLen, SizeT start, ScanHit[] hits, SizeT hitsLen,
      ScanOutcome out);

  int partliq_scanner_confirm(Pointer mem, SizeT len, Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen,
      IndexEntry[] entries, SizeT entriesLen, ScanAccount[] accounts, SizeT accountsLen, Position[] positions, SizeT positionsLen,
      SizeT start, ScanHit[] hits, SizeT hitsLen, ScanOutcome out);

  SizeT partliq_index_size(SizeT capacity);

  int partliq_index_init(Pointer mem, SizeT len, int marketIndex, SizeT capacity);

  int partliq_index_insert_account(Pointer mem, SizeT len, int account, ScanAccount[] accounts, SizeT accountsLen, Position[] positions,
      SizeT positionsLen, Market[] markets, SizeT marketsLen, long[] low, SizeT lowLen, long[] high, SizeT highLen, long[] outInserted);

  int partliq_index_candidates(Pointer mem, SizeT len, int marketIndex, long price, SizeT start, IndexEntry[] out, SizeT outLen,
      IndexQuery query);

  int partliq_sort_by_priority(PriorityItem[] items, SizeT itemsLen, int order, int[] indices, SizeT indicesLen);

  int partliq_dydx_liquidation_config_code_default(DydxConfig out);

  int partliq_dydx_subaccount_risk(long usdcQuantums, DydxPosition[] positions, SizeT positionsLen, DydxRisk out);

  int partliq_dydx_fillable_price(DydxPosition position, DydxRisk total, long deltaQuantums, DydxConfig config, DydxRational out);

  int partliq_dydx_fillable_price_to_subticks(DydxRational price, int isLiquidatingLong, Pointer clobPair, long[] out);
}
