package dev.partliq;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.partliq.Partliq.AccountState;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.AssetLiquidationFees;
import dev.partliq.Partliq.Decision;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.MarketCapacityState;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.PerpRisk;
import dev.partliq.Partliq.PlanLeg;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;
import dev.partliq.Partliq.UnifiedDecision;
import dev.partliq.Partliq.UnifiedLeg;
import dev.partliq.Partliq.UnifiedLiquidationPolicy;

/**
 * The JNA binding of prices with integrity (ffi/src/oracle.rs): price feeds,
 * the price guard, the stable price, the guarded pipeline and the guarded
 * unified liquidation.
 */
public interface PartliqOracle extends Library {
  PartliqOracle LIB = Native.load("partliq", PartliqOracle.class);

  int SOURCE_ORACLE = 0;
  int SOURCE_MARK = 1;
  int SOURCE_INDEX = 2;
  int SOURCE_MEDIAN = 3;
  int USE_TRIGGER = 0;
  int USE_INITIAL = 1;
  int USE_LIMIT = 2;
  int VALIDITY_VALID = 0;
  int VALIDITY_STALE = 2;
  int VALIDITY_TOO_UNCERTAIN = 3;
  int VALIDITY_DEVIATING = 4;
  int VALIDITY_NO_MARK = 5;
  int REASON_PRICE_INVALID = 10;
  int REASON_GRACE_PERIOD = 11;
  int STATUS_MISSING_PRICE = 31;
  int STATUS_PRICE_NOT_GUARDED = 68;
  int STATUS_MARKET_DATA_TOO_SHORT = 207;
  int STATUS_RESERVED_NOT_ZERO = 1003;

  @FieldOrder({"oracle", "publish_time", "confidence", "index", "mark", "grace_until"})
  class PriceFeed extends Structure {
    public long oracle;
    public long publish_time;
    public long confidence;
    public long index;
    public long mark;
    public long grace_until;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"max_staleness", "max_confidence_ppm", "max_deviation_ppm", "trigger", "initial", "limit", "reserved"})
  class PriceGuard extends Structure {
    public long max_staleness;
    public int max_confidence_ppm;
    public int max_deviation_ppm;
    public int trigger;
    public int initial;
    public int limit;
    public int reserved;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"price", "last_update"})
  class StablePrice extends Structure {
    public long price;
    public long last_update;
  }

  int partliq_price_validity(PriceGuard guard, PriceFeed feed, long now, IntByReference out);

  int partliq_guarded_price(PriceGuard guard, PriceFeed feed, long now, int usage, LongByReference outPrice, IntByReference outValidity);

  int partliq_resolve_prices(PriceGuard guard, PriceFeed[] feeds, SizeT feedsLen, long now, int usage, long[] outPrices, SizeT outLen,
      LongByReference outRefused);

  int partliq_stable_price_update(StablePrice state, long oracle, long now, int ratePpm);

  int partliq_initial_price(long oracle, long stable, int held, LongByReference out);

  /** policy: partliq_policy memory (e.g. from partliq_policy_default). */
  int partliq_run_guarded_pipeline(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long collateral, Position[] positions,
      SizeT positionsLen, PriceFeed[] feeds, SizeT feedsLen, PriceGuard guard, Pointer policy, AccountState accountState,
      MarketCapacityState[] marketStates, SizeT marketStatesLen, long now, long block, PlanLeg[] legs, SizeT legsLen, Decision out);

  /** partliq_run_unified_liquidation behind the guard: one feed per market and per asset. */
  int partliq_run_guarded_unified_liquidation(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, int poolIndex,
      PriceFeed[] marketFeeds, SizeT marketFeedsLen, PriceFeed[] assetFeeds, SizeT assetFeedsLen, PriceGuard guard,
      AssetLiquidationFees[] assetFees, SizeT assetFeesLen, UnifiedLiquidationPolicy policy, int[] assetTiers, SizeT assetTiersLen,
      int[] marketTiers, SizeT marketTiersLen, int inLiquidation, long now, UnifiedLeg[] legs, SizeT legsLen, UnifiedDecision out);
}
