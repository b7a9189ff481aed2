package dev.partliq;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.PerpRisk;
import dev.partliq.Partliq.SizeT;
import java.math.BigInteger;

/**
 * The JNA binding of lending mode (ffi/src/unified/lending.rs): its structures
 * field for field, and the entry points. 128-bit figures are two words,
 * {@code hi × 2^64 + lo} ({@link #wide}).
 */
public interface PartliqLending extends Library {
  PartliqLending LIB = Native.load("partliq", PartliqLending.class);

  int MAX_LENDING_FLOWS = 66;
  int CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD = 2;
  int DUST_CHECK_ALL_COLLATERAL_SEIZED = 1;
  int DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM = 2;
  int STATUS_NOT_LIQUIDATABLE = 57;
  int STATUS_LENDING_TERMS_TOO_SHORT = 240;
  int STATUS_LENDING_TERM_NOT_WHOLE_BPS = 241;

  /** {@code hi × 2^64 + lo}, {@code lo} unsigned. */
  static BigInteger wide(long hi, long lo) {
    return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
  }

  @FieldOrder({"liquidation_threshold_ppm", "liquidation_bonus_ppm", "protocol_fee_ppm", "collateral_enabled", "reserved", "base_exponent"})
  class LendingTerms extends Structure {
    public int liquidation_threshold_ppm;
    public int liquidation_bonus_ppm;
    public int protocol_fee_ppm;
    public byte collateral_enabled;
    public byte[] reserved = new byte[3];
    public int base_exponent;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"total_collateral_base_hi", "total_collateral_base_lo", "total_debt_base_hi", "total_debt_base_lo", "health_factor_hi",
      "health_factor_lo", "liquidatable", "reserved"})
  class LendingAccountHealth extends Structure {
    public long total_collateral_base_hi;
    public long total_collateral_base_lo;
    public long total_debt_base_hi;
    public long total_debt_base_lo;
    public long health_factor_hi;
    public long health_factor_lo;
    public byte liquidatable;
    public byte[] reserved = new byte[7];

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"asset_index", "reserved", "account_hi", "account_lo", "liquidator_hi", "liquidator_lo", "protocol_hi", "protocol_lo",
      "deficit_hi", "deficit_lo"})
  class AssetFlow extends Structure {
    public int asset_index;
    public int reserved;
    public long account_hi;
    public long account_lo;
    public long liquidator_hi;
    public long liquidator_lo;
    public long protocol_hi;
    public long protocol_lo;
    public long deficit_hi;
    public long deficit_lo;
  }

  @FieldOrder({"collateral_asset", "debt_asset", "before", "after", "max_liquidatable_debt_hi", "max_liquidatable_debt_lo", "debt_repaid_hi",
      "debt_repaid_lo", "collateral_seized_hi", "collateral_seized_lo", "collateral_to_liquidator_hi", "collateral_to_liquidator_lo",
      "protocol_fee_hi", "protocol_fee_lo", "deficit_base_hi", "deficit_base_lo", "close_factor_rule", "dust", "flow_count", "reserved"})
  class LendingLiquidation extends Structure {
    public int collateral_asset;
    public int debt_asset;
    public LendingAccountHealth before = new LendingAccountHealth();
    public LendingAccountHealth after = new LendingAccountHealth();
    public long max_liquidatable_debt_hi;
    public long max_liquidatable_debt_lo;
    public long debt_repaid_hi;
    public long debt_repaid_lo;
    public long collateral_seized_hi;
    public long collateral_seized_lo;
    public long collateral_to_liquidator_hi;
    public long collateral_to_liquidator_lo;
    public long protocol_fee_hi;
    public long protocol_fee_lo;
    public long deficit_base_hi;
    public long deficit_base_lo;
    public int close_factor_rule;
    public int dust;
    public int flow_count;
    public int reserved;

    public int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  @FieldOrder({"debt_to_cover_hi", "debt_to_cover_lo", "max_liquidatable_debt_hi", "max_liquidatable_debt_lo", "health_factor_after_hi",
      "health_factor_after_lo", "restores", "exact", "reserved"})
  class DebtToCover extends Structure {
    public long debt_to_cover_hi;
    public long debt_to_cover_lo;
    public long max_liquidatable_debt_hi;
    public long max_liquidatable_debt_lo;
    public long health_factor_after_hi;
    public long health_factor_after_lo;
    public byte restores;
    public byte exact;
    public byte[] reserved = new byte[6];
  }

  int partliq_lending_terms_validate(LendingTerms terms);

  int partliq_least_debt_to_cover(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, LendingTerms[] terms,
      SizeT termsLen, int collateralAsset, int debtAsset, int scanLimit, DebtToCover out);

  int partliq_lending_health(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, LendingTerms[] terms,
      SizeT termsLen, LendingAccountHealth out);

  /** debtToCover Long.MAX_VALUE: as much as allowed. */
  int partliq_plan_lending_liquidation(Market[] markets, SizeT marketsLen, long[] prices, SizeT pricesLen, long[] fundingIndexes,
      SizeT fundingIndexesLen, PerpRisk[] perpRisk, SizeT perpRiskLen, Asset[] assets, SizeT assetsLen, long[] assetPrices,
      SizeT assetPricesLen, AssetBalance[] balances, SizeT balancesLen, PerpPosition[] positions, SizeT positionsLen, LendingTerms[] terms,
      SizeT termsLen, int collateralAsset, int debtAsset, long debtToCover, AssetFlow[] flows, SizeT flowsLen, LendingLiquidation out);
}
