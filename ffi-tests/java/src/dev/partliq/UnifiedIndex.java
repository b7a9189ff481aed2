package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
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
import dev.partliq.PartliqUnifiedIndex.PriceMove;
import dev.partliq.PartliqUnifiedIndex.UnifiedIndexEntry;
import dev.partliq.PartliqUnifiedIndex.UnifiedIndexStats;
import java.util.Arrays;

/**
 * A unified move index in native memory this object owns (allocated with
 * partliq_unified_index_size bytes, aligned to partliq_unified_index_align,
 * laid out by partliq_unified_index_init), and the idiomatic calls on it: a
 * status other than OK is a {@link PartliqException}, outputs are returned
 * only on success. Changes need the index to themselves; queries may run at
 * once.
 */
public final class UnifiedIndex {
  private static final PartliqUnifiedIndex L = PartliqUnifiedIndex.LIB;

  /** What a unified account is valued against (each array may be null for empty). */
  public static final class Book {
    public Market[] markets;
    public long[] prices;
    public long[] fundingIndexes;
    public PerpRisk[] perpRisk;
    public Asset[] assets;
    public long[] assetPrices;

    /** The same book at other prices (perp marks and asset prices). */
    public Book at(long[] newPrices, long[] newAssetPrices) {
      Book b = new Book();
      b.markets = markets;
      b.prices = newPrices;
      b.fundingIndexes = fundingIndexes;
      b.perpRisk = perpRisk;
      b.assets = assets;
      b.assetPrices = newAssetPrices;
      return b;
    }
  }

  /** A batch of unified accounts: ranges of the flat balances and positions. */
  public static final class Accounts {
    public AssetBalance[] balances;
    public PerpPosition[] positions;
    public UnifiedScanAccount[] accounts;
  }

  /** A query's answer: what was written (partliq_index_query) and the entries (query.count of them). */
  public static final class Answer {
    public final IndexQuery query;
    public final UnifiedIndexEntry[] entries;

    Answer(IndexQuery query, UnifiedIndexEntry[] entries) {
      this.query = query;
      this.entries = entries;
    }
  }

  /** A confirmation: the outcome (partliq_scan_outcome) and the hits (outcome.count of them). */
  public static final class Confirmation {
    public final ScanOutcome outcome;
    public final UnifiedScanHit[] hits;

    Confirmation(ScanOutcome outcome, UnifiedScanHit[] hits) {
      this.outcome = outcome;
      this.hits = hits;
    }
  }

  @SuppressWarnings("unused") // keeps the native memory alive as long as the index
  private final Memory memory;
  private final Pointer mem;
  private final SizeT len;

  /** An empty index of capacity (≥ 1) pools; OUT_OF_RANGE for 0. */
  public UnifiedIndex(long capacity) {
    long bytes = size(capacity);
    if (bytes == 0) {
      bytes = 64; // capacity 0 (or too large): let init say which
    }
    int align = align();
    memory = new Memory(bytes + align);
    memory.clear();
    mem = memory.align(align);
    len = new SizeT(bytes);
    PartliqException.check(L.partliq_unified_index_init(mem, len, new SizeT(capacity)));
  }

  /** partliq_unified_index_align. */
  public static int align() {
    return L.partliq_unified_index_align().intValue();
  }

  /** partliq_unified_index_size: bytes for capacity pools (0: capacity 0 or too large). */
  public static long size(long capacity) {
    return L.partliq_unified_index_size(new SizeT(capacity)).longValue();
  }

  /** The aligned memory (for raw calls). */
  Pointer pointer() {
    return mem;
  }

  /** Its length in bytes. */
  long length() {
    return len.longValue();
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

  /** partliq_unified_index_info. */
  public UnifiedIndexStats info() {
    UnifiedIndexStats s = new UnifiedIndexStats();
    PartliqException.check(L.partliq_unified_index_info(mem, len, s));
    return s;
  }

  /** partliq_unified_index_insert_account against the reference book: the pools inserted. */
  public long insertAccount(int account, Book b, Accounts a, MarginLadder ladder) {
    long[] out = new long[1];
    PartliqException.check(L.partliq_unified_index_insert_account(mem, len, account, Batches.packed(b.markets, Market::new), len(b.markets),
        orNull(b.prices), len(b.prices), orNull(b.fundingIndexes), len(b.fundingIndexes), Batches.packed(b.perpRisk, PerpRisk::new),
        len(b.perpRisk), Batches.packed(b.assets, Asset::new), len(b.assets), orNull(b.assetPrices), len(b.assetPrices),
        Batches.packed(a.balances, AssetBalance::new), len(a.balances), Batches.packed(a.positions, PerpPosition::new), len(a.positions),
        Batches.packed(a.accounts, UnifiedScanAccount::new), len(a.accounts), ladder, out));
    return out[0];
  }

  /** partliq_unified_index_rekey_account: {removed, inserted}. */
  public long[] rekeyAccount(int account, Book b, Accounts a, MarginLadder ladder) {
    long[] removed = new long[1];
    long[] inserted = new long[1];
    PartliqException.check(L.partliq_unified_index_rekey_account(mem, len, account, Batches.packed(b.markets, Market::new), len(b.markets),
        orNull(b.prices), len(b.prices), orNull(b.fundingIndexes), len(b.fundingIndexes), Batches.packed(b.perpRisk, PerpRisk::new),
        len(b.perpRisk), Batches.packed(b.assets, Asset::new), len(b.assets), orNull(b.assetPrices), len(b.assetPrices),
        Batches.packed(a.balances, AssetBalance::new), len(a.balances), Batches.packed(a.positions, PerpPosition::new), len(a.positions),
        Batches.packed(a.accounts, UnifiedScanAccount::new), len(a.accounts), ladder, removed, inserted));
    return new long[] {removed[0], inserted[0]};
  }

  /** partliq_unified_index_remove_account: the pools removed. */
  public long removeAccount(int account) {
    long[] out = new long[1];
    PartliqException.check(L.partliq_unified_index_remove_account(mem, len, account, out));
    return out[0];
  }

  /** partliq_unified_price_move from the reference prices to the current ones. */
  public static PriceMove priceMove(long[] referencePrices, long[] prices, long[] referenceAssetPrices, long[] assetPrices) {
    PriceMove m = new PriceMove();
    PartliqException.check(L.partliq_unified_price_move(orNull(referencePrices), len(referencePrices), orNull(prices), len(prices),
        orNull(referenceAssetPrices), len(referenceAssetPrices), orNull(assetPrices), len(assetPrices), m));
    return m;
  }

  private static Answer answer(IndexQuery q, UnifiedIndexEntry[] out) {
    return new Answer(q, out == null ? new UnifiedIndexEntry[0] : Arrays.copyOf(out, (int) q.count));
  }

  @SuppressWarnings("unchecked")
  private static UnifiedIndexEntry[] entries(int count) {
    return count == 0 ? null : (UnifiedIndexEntry[]) new UnifiedIndexEntry().toArray(count);
  }

  /** partliq_unified_index_candidates of the move from start, with room for outLen entries. */
  public Answer candidates(PriceMove move, long start, int outLen) {
    IndexQuery q = new IndexQuery();
    UnifiedIndexEntry[] out = entries(outLen);
    PartliqException.check(L.partliq_unified_index_candidates(mem, len, move, n(start), out, n(outLen), q));
    return answer(q, out);
  }

  /** partliq_unified_index_crossed: the entries of side with fromPpm &lt; key ≤ toPpm, from start. */
  public Answer crossed(int side, int fromPpm, int toPpm, long start, int outLen) {
    IndexQuery q = new IndexQuery();
    UnifiedIndexEntry[] out = entries(outLen);
    PartliqException.check(L.partliq_unified_index_crossed(mem, len, side, fromPpm, toPpm, n(start), out, n(outLen), q));
    return answer(q, out);
  }

  /** partliq_unified_confirm of entries[start..] at the current book, with room for hitsLen hits. */
  public static Confirmation confirm(Book b, Accounts a, UnifiedIndexEntry[] entries, long start, MarginLadder ladder, int hitsLen) {
    @SuppressWarnings("unchecked")
    UnifiedScanHit[] hits = hitsLen == 0 ? null : (UnifiedScanHit[]) new UnifiedScanHit().toArray(hitsLen);
    ScanOutcome out = new ScanOutcome();
    PartliqException.check(L.partliq_unified_confirm(Batches.packed(b.markets, Market::new), len(b.markets), orNull(b.prices),
        len(b.prices), orNull(b.fundingIndexes), len(b.fundingIndexes), Batches.packed(b.perpRisk, PerpRisk::new), len(b.perpRisk),
        Batches.packed(b.assets, Asset::new), len(b.assets), orNull(b.assetPrices), len(b.assetPrices),
        Batches.packed(a.balances, AssetBalance::new), len(a.balances), Batches.packed(a.positions, PerpPosition::new), len(a.positions),
        Batches.packed(a.accounts, UnifiedScanAccount::new), len(a.accounts), Batches.packed(entries, UnifiedIndexEntry::new), len(entries),
        n(start), ladder, hits, n(hitsLen), out));
    return new Confirmation(out, hits == null ? new UnifiedScanHit[0] : Arrays.copyOf(hits, (int) out.count));
  }
}
