package dev.partliq;

import com.sun.jna.Structure;
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
import dev.partliq.PartliqBatch.BatchAccount;
import dev.partliq.PartliqBatch.BatchDydxPosition;
import dev.partliq.PartliqBatch.BatchDydxRisk;
import dev.partliq.PartliqBatch.UnifiedScanAccount;
import dev.partliq.PartliqBatch.UnifiedScanHit;
import dev.partliq.PartliqBatch.UnifiedScanOutcome;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Idiomatic wrappers of the batch entry points and of the unified scan: the
 * output buffers are sized here, a failed call (the batch's shared arguments)
 * throws {@link PartliqException} and returns nothing, and an account's own
 * failure is its status in the {@link PerAccount} result ({@link
 * PerAccount#get} throws it). Arrays of structures may be any Java arrays:
 * they are packed into contiguous native memory when they are not already.
 */
public final class Batches {
  private static final PartliqBatch L = PartliqBatch.LIB;

  private Batches() {}

  /** Each account's result or its status. */
  public static final class PerAccount<T> {
    private final T[] values;
    private final int[] statuses;

    PerAccount(T[] values, int[] statuses) {
      this.values = values;
      this.statuses = statuses;
    }

    /** The number of accounts. */
    public int size() {
      return statuses.length;
    }

    /** Account i's status (0: OK). */
    public int status(int i) {
      return statuses[i];
    }

    /** Account i's result; its status as a {@link PartliqException} when not OK. */
    public T get(int i) {
      PartliqException.check(statuses[i]);
      return values[i];
    }
  }

  /** An account's plan with its legs (plan.leg_count of them). */
  public static final class PlannedAccount {
    /** The plan, partliq_plan. */
    public final Plan plan;
    /** Its legs, in order. */
    public final PlanLeg[] legs;

    PlannedAccount(Plan plan, PlanLeg[] legs) {
      this.plan = plan;
      this.legs = legs;
    }
  }

  /** A unified scan: what it did and the hits it wrote (outcome.count of them). */
  public static final class UnifiedScan {
    /** The outcome: count, where to resume, the end and a pool's error. */
    public final UnifiedScanOutcome outcome;
    /** The hits, in account then pool order. */
    public final UnifiedScanHit[] hits;

    UnifiedScan(UnifiedScanOutcome outcome, UnifiedScanHit[] hits) {
      this.outcome = outcome;
      this.hits = hits;
    }
  }

  private static SizeT n(long v) {
    return new SizeT(v);
  }

  private static SizeT len(Object[] a) {
    return new SizeT(a == null ? 0 : a.length);
  }

  private static SizeT len(long[] a) {
    return new SizeT(a == null ? 0 : a.length);
  }

  private static long[] orNull(long[] a) {
    return a == null || a.length == 0 ? null : a;
  }

  /**
   * The array in contiguous native memory (as JNA passes a structure array):
   * itself when it is, a packed copy when not; null when empty.
   */
  @SuppressWarnings("unchecked")
  static <T extends Structure> T[] packed(T[] in, Supplier<T> make) {
    if (in == null || in.length == 0) {
      return null;
    }
    int size = in[0].size();
    boolean contiguous = true;
    for (int i = 1; i < in.length && contiguous; i++) {
      contiguous = in[i].getPointer().equals(in[0].getPointer().share((long) i * size));
    }
    if (contiguous) {
      return in;
    }
    T[] out = (T[]) make.get().toArray(in.length);
    for (int i = 0; i < in.length; i++) {
      in[i].write();
      out[i].getPointer().write(0, in[i].getPointer().getByteArray(0, size), 0, size);
      out[i].read();
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Structure> T[] fresh(Supplier<T> make, int count) {
    return count == 0 ? null : (T[]) make.get().toArray(count);
  }

  /** partliq_pool_health_batch: each account's health (partliq_pool_health of its range) in one call. */
  public static PerAccount<Health> poolHealth(Market[] markets, long[] prices, BatchAccount[] accounts, Position[] positions) {
    BatchAccount[] acc = packed(accounts, BatchAccount::new);
    int count = acc == null ? 0 : acc.length;
    Health[] out = fresh(Health::new, count);
    int[] statuses = count == 0 ? null : new int[count];
    PartliqException.check(L.partliq_pool_health_batch(packed(markets, Market::new), len(markets), orNull(prices), len(prices), acc,
        n(count), packed(positions, Position::new), len(positions), out, statuses, n(count)));
    return new PerAccount<>(out == null ? new Health[0] : out, statuses == null ? new int[0] : statuses);
  }

  /**
   * partliq_plan_liquidation_batch: each account's plan (partliq_plan_liquidation of its range, one params for all) with at most
   * legsPerAccount legs, in one call. legsPerAccount 0 throws BAD_LENGTH.
   */
  public static PerAccount<PlannedAccount> plans(Market[] markets, long[] prices, BatchAccount[] accounts, Position[] positions,
      PlanParams params, int legsPerAccount) {
    BatchAccount[] acc = packed(accounts, BatchAccount::new);
    int count = acc == null ? 0 : acc.length;
    Plan[] out = fresh(Plan::new, count);
    PlanLeg[] legs = fresh(PlanLeg::new, count * Math.max(legsPerAccount, 0));
    int[] statuses = count == 0 ? null : new int[count];
    PartliqException.check(L.partliq_plan_liquidation_batch(packed(markets, Market::new), len(markets), orNull(prices), len(prices), acc,
        n(count), packed(positions, Position::new), len(positions), params, legs, len(legs), n(Math.max(legsPerAccount, 0)), out, statuses,
        n(count)));
    PlannedAccount[] planned = new PlannedAccount[count];
    for (int i = 0; i < count; i++) {
      if (statuses[i] == 0) {
        int from = i * legsPerAccount;
        planned[i] = new PlannedAccount(out[i], Arrays.copyOfRange(legs, from, from + out[i].leg_count));
      }
    }
    return new PerAccount<>(planned, statuses == null ? new int[0] : statuses);
  }

  /**
   * partliq_dydx_subaccount_risk_batch: dYdX v4 subaccount margin of each account (collateral: its USDC quote quantums) in one
   * call.
   */
  public static PerAccount<BatchDydxRisk> dydxSubaccountRisk(BatchAccount[] accounts, BatchDydxPosition[] positions) {
    BatchAccount[] acc = packed(accounts, BatchAccount::new);
    int count = acc == null ? 0 : acc.length;
    BatchDydxRisk[] out = fresh(BatchDydxRisk::new, count);
    int[] statuses = count == 0 ? null : new int[count];
    PartliqException.check(L.partliq_dydx_subaccount_risk_batch(acc, n(count), packed(positions, BatchDydxPosition::new),
        len(positions), out, statuses, n(count)));
    return new PerAccount<>(out == null ? new BatchDydxRisk[0] : out, statuses == null ? new int[0] : statuses);
  }

  /**
   * partliq_unified_scan of the flat accounts (ranges of balances and positions) from pool startPool of account startAccount on,
   * with a buffer of hitsLen hits. A pool's own failure is in the outcome (end SCAN_END_FAILED, error), not thrown.
   */
  public static UnifiedScan unifiedScan(Market[] markets, long[] prices, long[] fundingIndexes, PerpRisk[] perpRisk, Asset[] assets,
      long[] assetPrices, AssetBalance[] balances, PerpPosition[] positions, UnifiedScanAccount[] accounts, long startAccount,
      long startPool, MarginLadder ladder, int hitsLen) {
    UnifiedScanHit[] hits = fresh(UnifiedScanHit::new, hitsLen);
    UnifiedScanOutcome out = new UnifiedScanOutcome();
    PartliqException.check(L.partliq_unified_scan(packed(markets, Market::new), len(markets), orNull(prices), len(prices),
        orNull(fundingIndexes), len(fundingIndexes), packed(perpRisk, PerpRisk::new), len(perpRisk), packed(assets, Asset::new),
        len(assets), orNull(assetPrices), len(assetPrices), packed(balances, AssetBalance::new), len(balances),
        packed(positions, PerpPosition::new), len(positions), packed(accounts, UnifiedScanAccount::new), len(accounts), startAccount,
        startPool, ladder, hits, n(hitsLen), out));
    return new UnifiedScan(out, hits == null ? new UnifiedScanHit[0] : Arrays.copyOf(hits, (int) out.count));
  }
}
