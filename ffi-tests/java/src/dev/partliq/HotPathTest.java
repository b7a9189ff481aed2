package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;
import dev.partliq.PartliqHotPath.DydxConfig;
import dev.partliq.PartliqHotPath.DydxPosition;
import dev.partliq.PartliqHotPath.DydxRational;
import dev.partliq.PartliqHotPath.DydxRisk;
import dev.partliq.PartliqHotPath.IndexEntry;
import dev.partliq.PartliqHotPath.IndexQuery;
import dev.partliq.PartliqHotPath.PriorityItem;
import dev.partliq.PartliqHotPath.ScanAccount;
import dev.partliq.PartliqHotPath.ScanHit;
import dev.partliq.PartliqHotPath.ScanOutcome;

/**
 * The per-tick hot path through JNA: layouts, a scan resumed over a small
 * hit buffer, a stale table, the index's candidates confirmed with the exact
 * health, another market refused, the priority order and dYdX's fillable
 * price — each figure computed by hand (as the C and Go tests).
 * {@link #run} returns the number of failed checks.
 */
final class HotPathTest {
  private static int failed;
  private static final PartliqHotPath L = PartliqHotPath.LIB;

  private HotPathTest() {}

  private static void check(boolean ok, String what) {
    if (!ok) {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  private static SizeT n(long v) {
    return new SizeT(v);
  }

  /** Native memory of len bytes at an address aligned to align, zeroed. */
  private static Pointer aligned(long len, int align) {
    Memory m = new Memory(len + align);
    m.clear();
    return m.align(align);
  }

  /** e = 0, 10 % / 5 %. */
  private static Market[] hotMarket() {
    Market[] ms = (Market[]) new Market().toArray(1);
    ms[0].id = 1;
    ms[0].lot_step = 1;
    ms[0].tick = 1;
    ms[0].tier_count = 1;
    ms[0].tiers[0].initial_ppm = 100000;
    ms[0].tiers[0].maintenance_ppm = 50000;
    return ms;
  }

  static int run() {
    check(new ScanHit().size() == 56 && new ScanHit().offsetOf("health") == 8, "partliq_scan_hit layout");
    check(new ScanOutcome().size() == 32 && new ScanOutcome().offsetOf("error") == 28, "partliq_scan_outcome layout");
    check(new ScanAccount().size() == 16 && new IndexEntry().size() == 16 && new IndexQuery().size() == 24, "scan account, entry, query");
    check(new PriorityItem().size() == 40, "partliq_priority_item layout");
    check(new DydxPosition().size() == 72 && new DydxPosition().offsetOf("quantums") == 56, "partliq_dydx_position layout");
    check(new DydxRational().size() == 32 && new DydxConfig().size() == 40, "dydx rational, config");

    // Twelve accounts of a long 100 at 100: every third has equity 499 < 500.
    Market[] ms = hotMarket();
    long[] prices = {100};
    Position[] ps = (Position[]) new Position().toArray(12);
    ScanAccount[] as = (ScanAccount[]) new ScanAccount().toArray(12);
    for (int i = 0; i < 12; i++) {
      ps[i].size = 100;
      ps[i].quote_balance = i % 3 == 0 ? -9501 : -9000;
      as[i].first_position = i;
      as[i].position_count = 1;
    }
    long len = L.partliq_scanner_size(n(1)).longValue();
    check(len == 64 + 1168, "scanner size");
    Pointer mem = aligned(len, 16);
    check(L.partliq_scanner_init(mem, n(len), ms, n(1), prices, n(1)) == 0, "scanner init");
    ScanHit[] hits = (ScanHit[]) new ScanHit().toArray(3);
    ScanOutcome out = new ScanOutcome();
    int st = L.partliq_scanner_scan(mem, n(len), ms, n(1), prices, n(1), as, n(12), ps, n(12), n(0), hits, n(3), out);
    check(st == 0 && out.count == 3 && out.end == PartliqHotPath.SCAN_END_BUFFER_FULL && out.next == 9, "scan fills 3 hits, next 9");
    check(hits[2].account_index == 6 && hits[2].health.equity == 499, "third hit is account 6");
    st = L.partliq_scanner_scan(mem, n(len), ms, n(1), prices, n(1), as, n(12), ps, n(12), n(out.next), hits, n(3), out);
    check(st == 0 && out.count == 1 && out.end == PartliqHotPath.SCAN_END_COMPLETE && hits[0].account_index == 9, "resumed: account 9");
    st = L.partliq_scanner_scan(mem, n(len), ms, n(1), new long[] {99}, n(1), as, n(12), ps, n(12), n(0), hits, n(3), out);
    check(st == PartliqHotPath.STATUS_STALE_SCAN_TABLE, "a new mark: stale");
    st = L.partliq_scanner_scan(mem.share(8), n(len), ms, n(1), prices, n(1), as, n(12), ps, n(12), n(0), hits, n(3), out);
    check(st == PartliqHotPath.STATUS_TABLE_MEMORY_MISALIGNED, "misaligned scanner memory");

    // Index: longs keyed 102 and 95, a short keyed 99.
    Position[] ip = (Position[]) new Position().toArray(3);
    long[][] pq = {{100, -9600}, {-100, 10400}, {100, -9000}};
    ScanAccount[] ia = (ScanAccount[]) new ScanAccount().toArray(3);
    for (int i = 0; i < 3; i++) {
      ip[i].size = pq[i][0];
      ip[i].quote_balance = pq[i][1];
      ia[i].first_position = i;
      ia[i].position_count = 1;
    }
    long ilen = L.partliq_index_size(n(4)).longValue();
    Pointer imem = aligned(ilen, 8);
    check(L.partliq_index_init(imem, n(ilen), 0, n(4)) == 0, "index init");
    long[] inserted = new long[1];
    for (int a = 0; a < 3; a++) {
      check(L.partliq_index_insert_account(imem, n(ilen), a, ia, n(3), ip, n(3), ms, n(1), prices, n(1), prices, n(1), inserted) == 0
          && inserted[0] == 1, "insert account " + a);
    }
    IndexEntry[] es = (IndexEntry[]) new IndexEntry().toArray(4);
    IndexQuery q = new IndexQuery();
    check(L.partliq_index_candidates(imem, n(ilen), 0, 100, n(0), es, n(4), q) == 0 && q.total == 2 && es[0].key == 102 && es[1].key == 99,
        "candidates at 100");
    check(L.partliq_index_candidates(imem, n(ilen), 3, 100, n(0), es, n(4), q) == PartliqHotPath.STATUS_INDEX_MARKET_MISMATCH,
        "another market");
    // Confirm at 95: account 0 bankrupt (−100), account 2 healthy (500 ≥ 475).
    long[] at95 = {95};
    check(L.partliq_scanner_init(mem, n(len), ms, n(1), at95, n(1)) == 0, "scanner at 95");
    check(L.partliq_index_candidates(imem, n(ilen), 0, 95, n(0), es, n(4), q) == 0 && q.total == 2, "candidates at 95");
    IndexEntry[] two = (IndexEntry[]) new IndexEntry().toArray(2);
    for (int i = 0; i < 2; i++) {
      two[i].key = es[i].key;
      two[i].account = es[i].account;
      two[i].position = es[i].position;
    }
    st = L.partliq_scanner_confirm(mem, n(len), ms, n(1), at95, n(1), two, n(2), ia, n(3), ip, n(3), n(0), hits, n(3), out);
    check(st == 0 && out.count == 1 && hits[0].account_index == 0 && hits[0].health.equity == -100, "confirm at 95");

    // Priority: 0.8, −∞, 0.8 with more notional, +∞, −0.5.
    PriorityItem[] items = (PriorityItem[]) new PriorityItem().toArray(5);
    long[][] f = {{400, 500, 1}, {-5, 0, 1}, {800, 1000, 9}, {7, 0, 1}, {-100, 200, 1}};
    for (int i = 0; i < 5; i++) {
      items[i].equity = f[i][0];
      items[i].maintenance = f[i][1];
      items[i].notional = f[i][2];
    }
    int[] order = {0, 1, 2, 3, 4};
    check(L.partliq_sort_by_priority(items, n(5), PartliqHotPath.PRIORITY_ORDER_MARGIN_RATIO, order, n(5)) == 0
        && java.util.Arrays.equals(order, new int[] {1, 4, 2, 0, 3}), "priority order");
    int[] keep = {4, 5};
    check(L.partliq_sort_by_priority(items, n(5), 0, keep, n(2)) == PartliqHotPath.STATUS_UNKNOWN_POSITION && keep[0] == 4 && keep[1] == 5,
        "unknown index, buffer unchanged");

    // dYdX: 0.1 BTC long at $50,000, USDC −4,501: 49,999 / 100, 49,999,000,000 subticks.
    DydxPosition[] p = (DydxPosition[]) new DydxPosition().toArray(1);
    p[0].atomic_resolution = -8;
    p[0].liquidity_tier.initial_margin_ppm = 200000;
    p[0].liquidity_tier.maintenance_fraction_ppm = 500000;
    p[0].price = 5000000000L;
    p[0].price_exponent = -5;
    p[0].quantums = 10000000;
    DydxRisk r = new DydxRisk();
    check(L.partliq_dydx_subaccount_risk(-4501000000L, p, n(1), r) == 0 && r.nc == 499000000L && r.mmr == 500000000L, "dydx risk");
    DydxConfig cfg = new DydxConfig();
    check(L.partliq_dydx_liquidation_config_code_default(cfg) == 0, "dydx config");
    DydxRational price = new DydxRational();
    check(L.partliq_dydx_fillable_price(p[0], r, -10000000L, cfg, price) == 0 && price.num.hi == 0 && price.num.lo == 49999
        && price.den.lo == 100, "dydx fillable price");
    Pointer clob = aligned(16, 8);
    clob.setLong(0, 5);
    clob.setInt(8, 5);
    clob.setInt(12, -8);
    long[] subticks = new long[1];
    check(L.partliq_dydx_fillable_price_to_subticks(price, 1, clob, subticks) == 0 && subticks[0] == 49999000000L, "dydx subticks");
    return failed;
  }
}
