package dev.partliq;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.Health;
import dev.partliq.Partliq.MarginLadder;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.PerpRisk;
import dev.partliq.Partliq.Plan;
import dev.partliq.Partliq.PlanLeg;
import dev.partliq.Partliq.PlanParams;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;
import dev.partliq.Partliq.UnifiedHealth;

/**
 * The JNA binding of the batch entry points (ffi/src/batch.rs: the health,
 * the plans and dYdX v4's subaccount margin of many accounts in one call) and
 * of the unified scan (ffi/src/scan.rs): their structures field for field and
 * the entry points, raw. {@link Batches} wraps them: a status other than OK
 * is a {@link PartliqException}, and outputs are returned only on success.
 */
public interface PartliqBatch extends Library {
  PartliqBatch LIB = Native.load("partliq", PartliqBatch.class);

  int STATUS_OVERFLOW = 1;
  int STATUS_UNKNOWN_POSITION = 33;
  int STATUS_BAD_LENGTH = 1001;
  int STATUS_RESERVED_NOT_ZERO = 1003;

  /** partliq_batch_account: the range [first_position, first_position + position_count) of the batch's positions. */
  @FieldOrder({"collateral", "first_position", "position_count"})
  class BatchAccount extends Structure {
    public long collateral;
    public int first_position;
    public int position_count;
  }

  /** partliq_batch_dydx_position: a dYdX v4 perpetual position with its market, in 64-bit fields. */
  @FieldOrder({"perpetual_id", "atomic_resolution", "open_interest", "initial_margin_ppm", "maintenance_fraction_ppm",
      "open_interest_lower_cap", "open_interest_upper_cap", "price", "price_exponent", "reserved", "quantums", "quote_balance"})
  class BatchDydxPosition extends Structure {
    public int perpetual_id;
    public int atomic_resolution;
    public long open_interest;
    public int initial_margin_ppm;
    public int maintenance_fraction_ppm;
    public long open_interest_lower_cap; // unsigned
    public long open_interest_upper_cap; // unsigned
    public long price; // unsigned
    public int price_exponent;
    public int reserved;
    public long quantums;
    public long quote_balance;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** partliq_batch_dydx_risk: a subaccount's margin, quote quantums. */
  @FieldOrder({"mmr", "imr", "nc", "liquidatable", "reserved"})
  class BatchDydxRisk extends Structure {
    public long mmr;
    public long imr;
    public long nc;
    public int liquidatable;
    public int reserved;
  }

  /** partliq_unified_scan_account: ranges of the flat balances and positions. */
  @FieldOrder({"first_balance", "balance_count", "first_position", "position_count"})
  class UnifiedScanAccount extends Structure {
    public int first_balance;
    public int balance_count;
    public int first_position;
    public int position_count;
  }

  /** partliq_unified_scan_hit: a pool that is not healthy, or at the ladder's liquidation rung or worse. */
  @FieldOrder({"account_index", "pool_index", "health"})
  class UnifiedScanHit extends Structure {
    public long account_index;
    public long pool_index;
    public UnifiedHealth health = new UnifiedHealth();

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** partliq_unified_scan_outcome: what the scan did. */
  @FieldOrder({"count", "next_account", "next_pool", "resume_account", "resume_pool", "exact_checks", "end", "error"})
  class UnifiedScanOutcome extends Structure {
    public long count;
    public long next_account;
    public long next_pool;
    public long resume_account;
    public long resume_pool;
    public long exact_checks;
    /** A partliq_scan_end (PartliqHotPath.SCAN_END_*). */
    public int end;
    public int error;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  int partliq_pool_health_batch(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, BatchAccount[] accounts,
      SizeT accountsLen, Position[] positions, SizeT positionsLen, Health[] out, int[] statuses, SizeT outLen);

  int partliq_plan_liquidation_batch(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, BatchAccount[] accounts,
      SizeT accountsLen, Position[] positions, SizeT positionsLen, PlanParams params, PlanLeg[] legs, SizeT legsLen,
      SizeT legsPerAccount, Plan[] plans, int[] statuses, SizeT outLen);

  int partliq_dydx_subaccount_risk_batch(BatchAccount[] accounts, SizeT accountsLen, BatchDydxPosition[] positions, SizeT positionsLen,
      BatchDydxRisk[] out, int[] statuses, SizeT outLen);

  int partliq_unified_scan(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen,
      UnifiedScanAccount[] accounts, SizeT accountsLen, long startAccount, long startPool, MarginLadder ladder, UnifiedScanHit[] hits,
      SizeT hitsLen, UnifiedScanOutcome out);
}
