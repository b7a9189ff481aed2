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
    check(len == 64 + 1480, "scanner size");
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
    moreEntryPoints();
    return failed;
  }

  private static PartliqHotPath.I128 i128(long hi, long lo) {
    PartliqHotPath.I128 x = new PartliqHotPath.I128();
    x.hi = hi;
    x.lo = lo;
    return x;
  }

  /** The rest of the new entry points, on the rows of the C and Go tests. */
  private static void moreEntryPoints() {
    check(L.partliq_scanner_align().intValue() == 16 && L.partliq_index_align().intValue() == 8, "alignments");
    // Index: a long keyed 102, a short keyed 99; info, crossed, re-key, remove.
    Market[] ms = hotMarket();
    long[] prices = {100};
    Position[] ps = (Position[]) new Position().toArray(2);
    ps[0].size = 100;
    ps[0].quote_balance = -9600;
    ps[1].size = -100;
    ps[1].quote_balance = 10400;
    ScanAccount[] as = (ScanAccount[]) new ScanAccount().toArray(2);
    for (int i = 0; i < 2; i++) {
      as[i].first_position = i;
      as[i].position_count = 1;
    }
    long len = L.partliq_index_size(n(2)).longValue();
    Pointer mem = aligned(len, 8);
    check(L.partliq_index_init(mem, n(len), 0, n(2)) == 0, "index init");
    long[] k = new long[1];
    long[] r = new long[1];
    for (int a = 0; a < 2; a++) {
      check(L.partliq_index_insert_account(mem, n(len), a, as, n(2), ps, n(2), ms, n(1), prices, n(1), prices, n(1), k) == 0, "insert");
    }
    PartliqHotPath.IndexStats info = new PartliqHotPath.IndexStats();
    check(L.partliq_index_info(mem, n(len), info) == 0 && info.longs == 1 && info.shorts == 1 && info.capacity == 2, "index info");
    IndexEntry[] es = (IndexEntry[]) new IndexEntry().toArray(2);
    IndexQuery q = new IndexQuery();
    check(L.partliq_index_crossed(mem, n(len), 0, 98, 100, n(0), es, n(2), q) == 0 && q.total == 1 && es[0].key == 99, "crossed 98 -> 100");
    ps[0].quote_balance = -9000;
    check(L.partliq_index_rekey_account(mem, n(len), 0, as, n(2), ps, n(2), ms, n(1), prices, n(1), prices, n(1), r, k) == 0 && r[0] == 1
        && k[0] == 1, "rekey");
    check(L.partliq_index_remove_account(mem, n(len), 1, r) == 0 && r[0] == 1, "remove");

    // dYdX.
    DydxPosition p = new DydxPosition();
    p.atomic_resolution = -8;
    p.liquidity_tier.initial_margin_ppm = 200000;
    p.liquidity_tier.maintenance_fraction_ppm = 500000;
    p.price = 5000000000L;
    p.price_exponent = -5;
    p.quantums = 10000000;
    DydxRisk risk = new DydxRisk();
    check(L.partliq_dydx_position_risk(p, 300000, risk) == 0 && risk.imr == 1500000000L && risk.mmr == 500000000L, "dydx position risk");
    DydxPosition[] one = (DydxPosition[]) new DydxPosition().toArray(1);
    one[0].atomic_resolution = -8;
    one[0].liquidity_tier.initial_margin_ppm = 200000;
    one[0].liquidity_tier.maintenance_fraction_ppm = 500000;
    one[0].price = 5000000000L;
    one[0].price_exponent = -5;
    one[0].quantums = 10000000;
    check(L.partliq_dydx_subaccount_risk(-5100000000L, one, n(1), risk) == 0, "dydx risk at -5,100");
    long[] v = new long[1];
    check(L.partliq_dydx_bankruptcy_price_quote_quantums(p, risk, -10000000L, v) == 0 && v[0] == 5100000000L, "dydx bankruptcy");
    PartliqHotPath.DydxClobPair clob = new PartliqHotPath.DydxClobPair();
    clob.step_base_quantums = 5;
    clob.subticks_per_tick = 5;
    clob.quantum_conversion_exponent = -8;
    PartliqHotPath.DydxFill fill = new PartliqHotPath.DydxFill();
    fill.fill_amount = 10000000;
    fill.subticks = 56100000000L;
    check(L.partliq_dydx_insurance_fund_delta(p, risk, clob, 5000, fill, v) == 0 && v[0] == 28050000, "dydx insurance fund delta");
    DydxConfig cfg = new DydxConfig();
    check(L.partliq_dydx_liquidation_config_mainnet_genesis(cfg) == 0, "dydx mainnet genesis");
    p.quantums = 1000000000;
    PartliqHotPath.DydxNotionalLimits lim = new PartliqHotPath.DydxNotionalLimits();
    check(L.partliq_dydx_position_notional_limits(p, cfg, lim) == 0 && lim.min == 1000000000L && lim.max == 50000000000L, "dydx limits");
    check(L.partliq_dydx_liquidatable_size_delta(p, clob, cfg, null, n(0), 99000000000L, 0, v) == 0 && v[0] == -2000000, "dydx size delta");
    PartliqHotPath.DydxBlockLeft left = new PartliqHotPath.DydxBlockLeft();
    check(L.partliq_dydx_subaccount_block_left(cfg, null, n(0), 99000000000L, 7, 0, left) == 0 && left.notional == 1000000000L
        && left.insurance_lost == 999999999993L, "dydx block left");
    check(L.partliq_dydx_subaccount_block_left(cfg, new int[] {0}, n(1), 0, 0, 0, left) == 62, "already liquidated this block");
    p.liquidity_tier.open_interest_lower_cap = 1000000;
    p.liquidity_tier.open_interest_upper_cap = 3000000;
    int[] imf = new int[1];
    check(L.partliq_dydx_adjusted_initial_margin_ppm(p.liquidity_tier, 2000000, imf) == 0 && imf[0] == 600000, "dydx adjusted IMF");

    // Aave: WBTC at $20,250 for 20,500 USDX, 106 USDX covered.
    PartliqHotPath.AaveReserve[] rs = (PartliqHotPath.AaveReserve[]) new PartliqHotPath.AaveReserve().toArray(2);
    long[][] rv = {{100000000L, 6}, {2025000000000L, 8}};
    for (int i = 0; i < 2; i++) {
      rs[i].price = i128(0, rv[i][0]);
      rs[i].decimals = (int) rv[i][1];
      rs[i].liquidation_threshold = 8600;
      rs[i].liquidation_bonus = 10500;
      rs[i].liquidation_protocol_fee = 1000;
      rs[i].liquidity_index = i128(54210108L, Long.parseUnsignedLong("11515845246265065472"));
      rs[i].variable_borrow_index = i128(54210108L, Long.parseUnsignedLong("11515845246265065472"));
    }
    PartliqHotPath.AaveUserReserve[] us = (PartliqHotPath.AaveUserReserve[]) new PartliqHotPath.AaveUserReserve().toArray(2);
    us[0].scaled_debt = i128(0, 20500000000L);
    us[1].scaled_collateral = i128(0, 100000000L);
    us[1].use_as_collateral = 1;
    PartliqHotPath.AaveAccount acct = new PartliqHotPath.AaveAccount();
    check(L.partliq_aave_account_data(rs, n(2), us, n(2), acct) == 0 && acct.health_factor.lo == 849512195121951219L, "aave health factor");
    PartliqHotPath.AaveMaxDebt md = new PartliqHotPath.AaveMaxDebt();
    check(L.partliq_aave_close_factor(rs, n(2), us, n(2), 1, 0, md) == 0 && md.max_liquidatable_debt.lo == 20500000000L && md.rule == 2,
        "aave close factor");
    PartliqHotPath.AaveCollateralQuote cq = new PartliqHotPath.AaveCollateralQuote();
    check(L.partliq_aave_collateral_for_debt(rs[1], rs[0], i128(0, 106000000L), i128(0, 100000000L), 10500, cq) == 0
        && cq.collateral_to_liquidator.lo == 547010 && cq.protocol_fee.lo == 2618, "aave collateral for debt");
    PartliqHotPath.AaveCall call = new PartliqHotPath.AaveCall();
    call.collateral_index = 1;
    call.debt_to_cover = i128(0, 106000000L);
    PartliqHotPath.AaveUserReserve[] after = (PartliqHotPath.AaveUserReserve[]) new PartliqHotPath.AaveUserReserve().toArray(2);
    PartliqHotPath.I128[] deficits = (PartliqHotPath.I128[]) new PartliqHotPath.I128().toArray(2);
    PartliqHotPath.AaveLiquidation liq = new PartliqHotPath.AaveLiquidation();
    check(L.partliq_aave_liquidation_call(rs, n(2), us, n(2), call, after, n(2), deficits, n(2), liq) == 0 && liq.debt_repaid.lo == 106000000L
        && after[1].scaled_collateral.lo == 100000000L - 549628 && deficits[0].lo == 0, "aave liquidationCall");
    check(new PartliqHotPath.AaveLiquidation().size() == 488 && new PartliqHotPath.AaveReserve().size() == 64, "aave layouts");
  }
}
