package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.MarginLadder;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.SizeT;
import dev.partliq.PartliqBatch.UnifiedScanAccount;
import dev.partliq.PartliqBatch.UnifiedScanHit;
import dev.partliq.PartliqHotPath.IndexQuery;
import dev.partliq.PartliqHotPath.ScanOutcome;
import dev.partliq.PartliqUnifiedIndex.PriceMove;
import dev.partliq.PartliqUnifiedIndex.UnifiedIndexEntry;
import dev.partliq.PartliqUnifiedIndex.UnifiedIndexStats;

/**
 * The unified move index through JNA: layouts, keys, candidates, crossings,
 * the exact confirmation, re-key and removal computed by hand (as the C and
 * Go tests), and the refusals (NULL, misaligned, undersized and blank
 * memory, bad lengths), after which nothing is written. {@link #run} returns
 * the number of failed checks.
 *
 * <p>The fixture: e = 0, 10 % / 5 % at 100, an asset at par priced 1, four
 * accounts each of one deposit and a cross long 100 bought for 10,000:
 * deposits 600, 690, 700, 800. A fall to lo: collateral deposit + 100·lo −
 * 10,000 against 500 (the requirement at the reference, the fall box's high
 * end); lo = ⌊100 × (1e6 − m) / 1e6⌋ is 99 for m ≤ 10,000, 98 to 20,000, 97
 * to 30,000. 600: lo 98 → 400 &lt; 500, key 10,001; 690: 490, key 10,001;
 * 700: lo 97 → 400, key 20,001; 800: lo 96 → 400, key 30,001.
 */
final class UnifiedIndexTest {
  private static int failed;
  private static final PartliqUnifiedIndex L = PartliqUnifiedIndex.LIB;

  private UnifiedIndexTest() {}

  private static void check(boolean ok, String what) {
    if (!ok) {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  private static SizeT n(long v) {
    return new SizeT(v);
  }

  private static UnifiedIndex.Book book() {
    Market[] ms = (Market[]) new Market().toArray(1);
    ms[0].id = 1;
    ms[0].lot_step = 1;
    ms[0].tick = 1;
    ms[0].tier_count = 1;
    ms[0].tiers[0].initial_ppm = 100000;
    ms[0].tiers[0].maintenance_ppm = 50000;
    Asset[] par = (Asset[]) new Asset().toArray(1);
    par[0].initial_asset_weight_ppm = par[0].maintenance_asset_weight_ppm = 1000000;
    par[0].initial_liability_weight_ppm = par[0].maintenance_liability_weight_ppm = 1000000;
    par[0].imf_unit = 1;
    UnifiedIndex.Book b = new UnifiedIndex.Book();
    b.markets = ms;
    b.prices = new long[] {100};
    b.assets = par;
    b.assetPrices = new long[] {1};
    return b;
  }

  private static UnifiedIndex.Accounts accounts() {
    long[] deposits = {600, 690, 700, 800};
    UnifiedIndex.Accounts a = new UnifiedIndex.Accounts();
    a.balances = (AssetBalance[]) new AssetBalance().toArray(4);
    a.positions = (PerpPosition[]) new PerpPosition().toArray(4);
    a.accounts = (UnifiedScanAccount[]) new UnifiedScanAccount().toArray(4);
    for (int i = 0; i < 4; i++) {
      a.balances[i].amount = deposits[i];
      a.positions[i].margin = Partliq.POSITION_MARGIN_CROSS;
      a.positions[i].size = 100;
      a.positions[i].quote_balance = -10000;
      a.accounts[i].first_balance = i;
      a.accounts[i].balance_count = 1;
      a.accounts[i].first_position = i;
      a.accounts[i].position_count = 1;
    }
    return a;
  }

  private static MarginLadder ladder() {
    MarginLadder l = new MarginLadder();
    check(Partliq.LIB.partliq_margin_ladder_standard(l) == 0, "standard ladder");
    return l;
  }

  private static boolean is(UnifiedIndexEntry e, int key, int account, int pool) {
    return e.key == key && e.account == account && e.pool == pool;
  }

  private static int status(Runnable r) {
    try {
      r.run();
      return 0;
    } catch (PartliqException e) {
      return e.status();
    }
  }

  private static void layouts() {
    check(new UnifiedIndexEntry().size() == 12, "partliq_unified_index_entry layout");
    check(new PriceMove().size() == 8 && new PriceMove().offsetOf("up_ppm") == 4, "partliq_price_move layout");
    check(new UnifiedIndexStats().size() == 32, "partliq_unified_index_stats layout");
    check(UnifiedIndex.align() == PartliqUnifiedIndex.UNIFIED_INDEX_ALIGN && UnifiedIndex.size(4) == 64 + 36 * 4
        && UnifiedIndex.size(0) == 0, "align and size");
  }

  private static void byHand() {
    UnifiedIndex.Book b = book();
    UnifiedIndex.Accounts a = accounts();
    MarginLadder ladder = ladder();
    UnifiedIndex ix = new UnifiedIndex(4);
    for (int i = 0; i < 4; i++) {
      check(ix.insertAccount(i, b, a, ladder) == 1, "insert " + i);
    }
    UnifiedIndexStats s = ix.info();
    check(s.capacity == 4 && s.down == 4 && s.up == 4 && s.both == 4, "info");
    UnifiedIndex.Answer down = ix.crossed(PartliqUnifiedIndex.MOVE_SIDE_DOWN, 0, PartliqUnifiedIndex.UNIFIED_INDEX_KEY_LIMIT, 0, 8);
    check(down.query.total == 4 && down.entries.length == 4 && is(down.entries[0], 10001, 0, 0) && is(down.entries[1], 10001, 1, 0)
        && is(down.entries[2], 20001, 2, 0) && is(down.entries[3], 30001, 3, 0), "the fall side's keys");
    // The rise side bounds each term on its own: the long's value at the reference (its low end), its requirement at hi:
    // deposit ≥ 5 × hi, safe to hi = deposit / 5 = 120, 138, 140, 160: m 200,000, 380,000, 400,000, 600,000 (keys one more).
    UnifiedIndex.Answer rise = ix.crossed(PartliqUnifiedIndex.MOVE_SIDE_UP, 0, PartliqUnifiedIndex.UNIFIED_INDEX_KEY_LIMIT, 0, 8);
    check(rise.query.total == 4 && is(rise.entries[0], 200001, 0, 0) && is(rise.entries[1], 380001, 1, 0)
        && is(rise.entries[2], 400001, 2, 0) && is(rise.entries[3], 600001, 3, 0), "the rise side's keys");
    // 100 → 98: a fall of 20,000 ppm: accounts 0 and 1.
    PriceMove mv = UnifiedIndex.priceMove(b.prices, new long[] {98}, b.assetPrices, new long[] {1});
    check(mv.down_ppm == 20000 && mv.up_ppm == 0, "the move");
    UnifiedIndex.Answer from1 = ix.candidates(mv, 1, 4);
    check(from1.query.count == 1 && from1.query.next == 2 && from1.query.total == 2 && is(from1.entries[0], 10001, 1, 0),
        "candidates from 1");
    UnifiedIndex.Answer c = ix.candidates(mv, 0, 4);
    PriceMove up = UnifiedIndex.priceMove(b.prices, new long[] {103}, null, null);
    check(up.down_ppm == 0 && up.up_ppm == 30000 && ix.candidates(up, 0, 4).query.total == 0, "a rise of 30,000 ppm: none");
    // Confirmed at 98: collateral deposit − 200 against 490: account 0 (400) a hit, account 1 (490) not.
    UnifiedIndex.Confirmation k = UnifiedIndex.confirm(b.at(new long[] {98}, b.assetPrices), a, c.entries, 0, ladder, 4);
    check(k.outcome.count == 1 && k.outcome.next == 2 && k.outcome.exact_checks == 2 && k.outcome.end == PartliqHotPath.SCAN_END_COMPLETE
        && k.hits[0].account_index == 0 && k.hits[0].pool_index == 0 && k.hits[0].health.maintenance.collateral == 400
        && k.hits[0].health.maintenance.requirement == 490, "confirm");
    // Account 1 deposits 100 more (790): lo 98 → 590 safe, lo 97 → 490: key 20,001.
    a.balances[1].amount += 100;
    long[] rk = ix.rekeyAccount(1, b, a, ladder);
    check(rk[0] == 1 && rk[1] == 1, "rekey");
    UnifiedIndex.Answer x = ix.crossed(PartliqUnifiedIndex.MOVE_SIDE_DOWN, 10001, 20001, 0, 4);
    check(x.query.total == 2 && is(x.entries[0], 20001, 1, 0) && is(x.entries[1], 20001, 2, 0), "crossed after the rekey");
    check(ix.removeAccount(3) == 1 && ix.removeAccount(3) == 0, "remove");
    s = ix.info();
    check(s.down == 3 && s.up == 3 && s.both == 3, "info after");
  }

  private static void refusals() {
    UnifiedIndex.Book b = book();
    UnifiedIndex.Accounts a = accounts();
    MarginLadder ladder = ladder();
    check(status(() -> new UnifiedIndex(0)) == PartliqUnifiedIndex.STATUS_OUT_OF_RANGE, "capacity 0");
    // Blank, misaligned, undersized memory.
    long len = UnifiedIndex.size(2);
    Memory blank = new Memory(len + 16);
    blank.clear();
    Pointer mem = blank.align(8);
    UnifiedIndexStats st = new UnifiedIndexStats();
    check(L.partliq_unified_index_info(mem, n(len), st) == PartliqHotPath.STATUS_TABLE_NOT_INITIALIZED, "blank memory");
    check(L.partliq_unified_index_init(null, n(len), n(2)) == Partliq.STATUS_NULL_POINTER, "init NULL");
    check(L.partliq_unified_index_init(mem.share(4), n(len), n(2)) == PartliqHotPath.STATUS_TABLE_MEMORY_MISALIGNED, "init misaligned");
    check(L.partliq_unified_index_init(mem, n(63), n(2)) == PartliqHotPath.STATUS_TABLE_MEMORY_TOO_SMALL, "init header only");
    check(L.partliq_unified_index_init(mem, n(len - 1), n(2)) == PartliqHotPath.STATUS_TABLE_MEMORY_TOO_SMALL, "init undersized");
    check(L.partliq_unified_index_init(mem, n(-1), n(2)) == Partliq.STATUS_BAD_LENGTH, "init bad length");
    check(L.partliq_unified_index_init(mem, n(len), n(0)) == PartliqUnifiedIndex.STATUS_OUT_OF_RANGE, "init capacity 0");
    boolean zero = true;
    for (byte v : mem.getByteArray(0, (int) len)) {
      zero &= v == 0;
    }
    check(zero && L.partliq_unified_index_info(mem, n(len), st) == PartliqHotPath.STATUS_TABLE_NOT_INITIALIZED && st.capacity == 0,
        "refused inits wrote nothing");

    UnifiedIndex ix = new UnifiedIndex(2);
    check(ix.insertAccount(0, b, a, ladder) == 1 && ix.insertAccount(1, b, a, ladder) == 1, "two in");
    check(status(() -> ix.insertAccount(2, b, a, ladder)) == Partliq.STATUS_BUFFER_TOO_SMALL, "full");
    check(status(() -> ix.insertAccount(4, b, a, ladder)) == Partliq.STATUS_UNKNOWN_POSITION, "unknown account");
    check(status(() -> ix.insertAccount(2, b, a, null)) == Partliq.STATUS_NULL_POINTER, "NULL ladder");
    Pointer p = ix.pointer();
    long il = ix.length();
    long[] out = {77};
    long[] out2 = {77};
    check(L.partliq_unified_index_insert_account(p, n(il), 2, b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1),
        b.assetPrices, n(1), a.balances, n(4), a.positions, n(4), a.accounts, n(-1), ladder, out) == Partliq.STATUS_BAD_LENGTH,
        "insert bad accounts length");
    check(L.partliq_unified_index_insert_account(p, n(il), 2, b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1),
        b.assetPrices, n(1), a.balances, n(4), a.positions, n(4), a.accounts, n(4), ladder, null) == Partliq.STATUS_NULL_POINTER,
        "insert NULL out");
    check(L.partliq_unified_index_insert_account(p.share(4), n(il), 2, b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets,
        n(1), b.assetPrices, n(1), a.balances, n(4), a.positions, n(4), a.accounts, n(4), ladder, out)
        == PartliqHotPath.STATUS_TABLE_MEMORY_MISALIGNED, "insert misaligned");
    check(L.partliq_unified_index_rekey_account(p, n(il - 1), 0, b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1),
        b.assetPrices, n(1), a.balances, n(4), a.positions, n(4), a.accounts, n(4), ladder, out, out2)
        == PartliqHotPath.STATUS_TABLE_MEMORY_TOO_SMALL, "rekey undersized");
    check(L.partliq_unified_index_remove_account(null, n(il), 0, out) == Partliq.STATUS_NULL_POINTER, "remove NULL memory");
    check(L.partliq_unified_index_remove_account(p, n(il), 0, null) == Partliq.STATUS_NULL_POINTER, "remove NULL out");
    check(out[0] == 77 && out2[0] == 77, "refused changes wrote nothing");

    PriceMove big = new PriceMove();
    big.down_ppm = 1000000;
    UnifiedIndexEntry[] got = (UnifiedIndexEntry[]) new UnifiedIndexEntry().toArray(2);
    IndexQuery q = new IndexQuery();
    q.count = 7;
    check(L.partliq_unified_index_candidates(null, n(il), big, n(0), got, n(2), q) == Partliq.STATUS_NULL_POINTER, "candidates NULL");
    check(L.partliq_unified_index_candidates(p.share(4), n(il), big, n(0), got, n(2), q) == PartliqHotPath.STATUS_TABLE_MEMORY_MISALIGNED,
        "candidates misaligned");
    check(L.partliq_unified_index_candidates(p, n(63), big, n(0), got, n(2), q) == PartliqHotPath.STATUS_TABLE_MEMORY_TOO_SMALL,
        "candidates header only");
    check(L.partliq_unified_index_candidates(p, n(il - 1), big, n(0), got, n(2), q) == PartliqHotPath.STATUS_TABLE_MEMORY_TOO_SMALL,
        "candidates undersized");
    check(L.partliq_unified_index_candidates(p, n(-1), big, n(0), got, n(2), q) == Partliq.STATUS_BAD_LENGTH, "candidates bad length");
    check(L.partliq_unified_index_candidates(mem, n(len), big, n(0), got, n(2), q) == PartliqHotPath.STATUS_TABLE_NOT_INITIALIZED,
        "candidates blank memory");
    check(L.partliq_unified_index_candidates(p, n(il), null, n(0), got, n(2), q) == Partliq.STATUS_NULL_POINTER, "candidates NULL move");
    check(L.partliq_unified_index_candidates(p, n(il), big, n(0), null, n(2), q) == Partliq.STATUS_NULL_POINTER, "candidates NULL out");
    check(L.partliq_unified_index_candidates(p, n(il), big, n(0), got, n(-1), q) == Partliq.STATUS_BAD_LENGTH, "candidates bad out length");
    check(L.partliq_unified_index_candidates(p, n(il), big, n(0), got, n(2), null) == Partliq.STATUS_NULL_POINTER, "candidates NULL query");
    check(L.partliq_unified_index_crossed(p, n(il), 3, 0, 9, n(0), got, n(2), q) == Partliq.STATUS_INVALID_ENUM, "crossed side 3");
    check(status(() -> ix.crossed(3, 0, 9, 0, 2)) == Partliq.STATUS_INVALID_ENUM, "crossed wrapper side 3");
    got[0].read();
    q.read();
    check(q.count == 7 && got[0].key == 0 && got[0].account == 0, "refused queries wrote nothing");

    PriceMove mv = new PriceMove();
    mv.down_ppm = 7;
    check(L.partliq_unified_price_move(new long[] {100}, n(1), new long[] {98}, n(0), null, n(0), null, n(0), mv)
        == PartliqUnifiedIndex.STATUS_MARKET_DATA_TOO_SHORT, "move too short");
    check(L.partliq_unified_price_move(new long[] {100}, n(1), new long[] {-1}, n(1), null, n(0), null, n(0), mv)
        == PartliqUnifiedIndex.STATUS_NEGATIVE_PRICE, "move negative");
    check(L.partliq_unified_price_move(new long[] {100}, n(1), null, n(1), null, n(0), null, n(0), mv) == Partliq.STATUS_NULL_POINTER,
        "move NULL prices");
    check(L.partliq_unified_price_move(new long[] {100}, n(1), new long[] {98}, n(-1), null, n(0), null, n(0), mv)
        == Partliq.STATUS_BAD_LENGTH, "move bad length");
    check(L.partliq_unified_price_move(new long[] {100}, n(1), new long[] {98}, n(1), null, n(0), null, n(0), null)
        == Partliq.STATUS_NULL_POINTER, "move NULL out");
    mv.read();
    check(mv.down_ppm == 7 && mv.up_ppm == 0, "refused moves wrote nothing");

    UnifiedIndexEntry[] one = (UnifiedIndexEntry[]) new UnifiedIndexEntry().toArray(1);
    UnifiedScanHit[] hits = (UnifiedScanHit[]) new UnifiedScanHit().toArray(2);
    ScanOutcome o = new ScanOutcome();
    o.count = 7;
    check(L.partliq_unified_confirm(b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1), b.assetPrices, n(1),
        a.balances, n(4), a.positions, n(4), a.accounts, n(4), null, n(1), n(0), ladder, hits, n(2), o) == Partliq.STATUS_NULL_POINTER,
        "confirm NULL entries");
    check(L.partliq_unified_confirm(b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1), b.assetPrices, n(1),
        a.balances, n(4), a.positions, n(4), a.accounts, n(4), one, n(-1), n(0), ladder, hits, n(2), o) == Partliq.STATUS_BAD_LENGTH,
        "confirm bad entries length");
    check(L.partliq_unified_confirm(b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1), b.assetPrices, n(1),
        a.balances, n(4), a.positions, n(4), a.accounts, n(4), one, n(1), n(0), null, hits, n(2), o) == Partliq.STATUS_NULL_POINTER,
        "confirm NULL ladder");
    check(L.partliq_unified_confirm(b.markets, n(1), b.prices, n(1), null, n(0), null, n(0), b.assets, n(1), b.assetPrices, n(1),
        a.balances, n(4), a.positions, n(4), a.accounts, n(4), one, n(1), n(0), ladder, hits, n(2), null) == Partliq.STATUS_NULL_POINTER,
        "confirm NULL out");
    o.read();
    check(o.count == 7, "refused confirmations wrote nothing");
    st = ix.info();
    check(st.capacity == 2 && st.down == 2 && st.up == 2 && st.both == 2, "nothing changed");
  }

  static int run() {
    failed = 0;
    layouts();
    byHand();
    refusals();
    return failed;
  }
}
