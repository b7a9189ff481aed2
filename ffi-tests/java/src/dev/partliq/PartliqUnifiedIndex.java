package dev.partliq;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.MarginLadder;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.PerpRisk;
import dev.partliq.Partliq.SizeT;
import dev.partliq.PartliqBatch.UnifiedScanAccount;
import dev.partliq.PartliqBatch.UnifiedScanHit;
import dev.partliq.PartliqHotPath.IndexQuery;
import dev.partliq.PartliqHotPath.ScanOutcome;

/**
 * The JNA binding of the unified move index (ffi/src/unified/index.rs): its
 * structures field for field and the entry points, raw. {@link UnifiedIndex}
 * wraps them: memory it allocates and aligns itself, a status other than OK
 * a {@link PartliqException}, outputs returned only on success.
 */
public interface PartliqUnifiedIndex extends Library {
  PartliqUnifiedIndex LIB = Native.load("partliq", PartliqUnifiedIndex.class);

  /** partliq_move_side: every price at or below its reference. */
  int MOVE_SIDE_DOWN = 0;
  /** Every price at or above its reference. */
  int MOVE_SIDE_UP = 1;
  /** Any mix of falls and rises. */
  int MOVE_SIDE_BOTH = 2;
  /** PARTLIQ_UNIFIED_INDEX_ALIGN. */
  int UNIFIED_INDEX_ALIGN = 8;
  /** PARTLIQ_UNIFIED_INDEX_KEY_LIMIT: the largest move margin a key states, ppm. */
  int UNIFIED_INDEX_KEY_LIMIT = 1000000;
  int STATUS_OUT_OF_RANGE = 3;
  int STATUS_NEGATIVE_PRICE = 32;
  int STATUS_MARKET_DATA_TOO_SHORT = 207;

  /** partliq_unified_index_entry: one pool on one side (key ppm, account, pool; all unsigned). */
  @FieldOrder({"key", "account", "pool"})
  class UnifiedIndexEntry extends Structure {
    public int key;
    public int account;
    public int pool;
  }

  /** partliq_price_move: the largest fall and rise of any one price, ppm (unsigned). */
  @FieldOrder({"down_ppm", "up_ppm"})
  class PriceMove extends Structure {
    public int down_ppm;
    public int up_ppm;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** partliq_unified_index_stats: the capacity and the entries of each side. */
  @FieldOrder({"capacity", "down", "up", "both"})
  class UnifiedIndexStats extends Structure {
    public long capacity;
    public long down;
    public long up;
    public long both;
  }

  SizeT partliq_unified_index_align();

  SizeT partliq_unified_index_size(SizeT capacity);

  int partliq_unified_index_init(Pointer mem, SizeT len, SizeT capacity);

  int partliq_unified_index_info(Pointer mem, SizeT len, UnifiedIndexStats out);

  int partliq_unified_index_insert_account(Pointer mem, SizeT len, int account, Market[] markets, SizeT marketsLen, long[] prices,
      SizeT pricesLen, long[] fundingIndexes, SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets,
      SizeT assetsLen, long[] assetPrices, SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions,
      SizeT positionsLen, UnifiedScanAccount[] accounts, SizeT accountsLen, MarginLadder ladder, long[] outInserted);

  int partliq_unified_index_rekey_account(Pointer mem, SizeT len, int account, Market[] markets, SizeT marketsLen, long[] prices,
      SizeT pricesLen, long[] fundingIndexes, SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets,
      SizeT assetsLen, long[] assetPrices, SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions,
      SizeT positionsLen, UnifiedScanAccount[] accounts, SizeT accountsLen, MarginLadder ladder, long[] outRemoved, long[] outInserted);

  int partliq_unified_index_remove_account(Pointer mem, SizeT len, int account, long[] outRemoved);

  int partliq_unified_price_move(long[] referencePrices, SizeT referencePricesLen, long[] prices, SizeT pricesLen,
      long[] referenceAssetPrices, SizeT referenceAssetPricesLen, long[] assetPrices, SizeT assetPricesLen, PriceMove out);

  int partliq_unified_index_candidates(Pointer mem, SizeT len, PriceMove priceMove, SizeT start, UnifiedIndexEntry[] out, SizeT outLen,
      IndexQuery query);

  int partliq_unified_index_crossed(Pointer mem, SizeT len, int side, int fromPpm, int toPpm, SizeT start, UnifiedIndexEntry[] out,
      SizeT outLen, IndexQuery query);

  int partliq_unified_confirm(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen,
      UnifiedScanAccount[] accounts, SizeT accountsLen, UnifiedIndexEntry[] entries, SizeT entriesLen, SizeT start, MarginLadder ladder,
      UnifiedScanHit[] hits, SizeT hitsLen, ScanOutcome out);
}
