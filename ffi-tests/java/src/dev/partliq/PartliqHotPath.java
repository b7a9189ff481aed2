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
