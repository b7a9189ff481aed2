package dev.partliq;

import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.Health;
import dev.partliq.Partliq.MarginLadder;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.Plan;
import dev.partliq.Partliq.PlanLeg;
import dev.partliq.Partliq.PlanParams;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;
import dev.partliq.Partliq.UnifiedHealth;
import dev.partliq.PartliqBatch.BatchAccount;
import dev.partliq.PartliqBatch.BatchDydxPosition;
import dev.partliq.PartliqBatch.BatchDydxRisk;
import dev.partliq.PartliqBatch.UnifiedScanAccount;
import dev.partliq.PartliqBatch.UnifiedScanHit;
import dev.partliq.PartliqBatch.UnifiedScanOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch entry points and the unified scan through JNA: layouts, each
 * batch against its one-account call and figures computed by hand (as the Go
 * tests), the wrappers' exceptions, and bad input at the raw call (NULL, a
 * length that does not match) refused with nothing written. {@link #run}
 * returns the number of failed checks.
 */
final class BatchTest {
  private static int failed;
  private static final PartliqBatch L = PartliqBatch.LIB;

  private BatchTest() {}

  private static void check(boolean ok, String what) {
    if (!ok) {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  private static SizeT n(long v) {
    return new SizeT(v);
  }

  /** The status a wrapper call throws, 0 when it does not throw. */
  private static int thrown(Runnable call) {
    try {
      call.run();
      return 0;
    } catch (PartliqException e) {
      return e.status();
    }
  }

  /** Market A: e = 0, lot 1, tick 1, 10 % / 5 %, fee 1 %, 40 % of it to the liquidator. */
  private static Market[] marketA() {
    Market[] ms = (Market[]) new Market().toArray(1);
    ms[0].id = 1;
    ms[0].lot_step = 1;
    ms[0].tick = 1;
    ms[0].tier_count = 1;
    ms[0].liquidation_fee_ppm = 10000;
    ms[0].liquidator_fee_share_ppm = 400000;
    ms[0].tiers[0].initial_ppm = 100000;
    ms[0].tiers[0].maintenance_ppm = 50000;
    return ms;
  }

  private static BatchAccount[] accounts(long[][] rows) {
    BatchAccount[] as = (BatchAccount[]) new BatchAccount().toArray(rows.length);
    for (int i = 0; i < rows.length; i++) {
      as[i].collateral = rows[i][0];
      as[i].first_position = (int) rows[i][1];
      as[i].position_count = (int) rows[i][2];
    }
    return as;
  }

  private static boolean sameHealth(Health a, Health b) {
    return a.equity == b.equity && a.initial_requirement == b.initial_requirement && a.maintenance_requirement == b.maintenance_requirement
        && a.free_collateral == b.free_collateral && a.margin_ratio_ppm == b.margin_ratio_ppm && a.state == b.state;
  }

  private static boolean sameUnified(UnifiedHealth a, UnifiedHealth b) {
    return a.equity == b.equity && a.initial.collateral == b.initial.collateral && a.initial.requirement == b.initial.requirement
        && a.liquidation_end.collateral == b.liquidation_end.collateral && a.liquidation_end.requirement == b.liquidation_end.requirement
        && a.maintenance.collateral == b.maintenance.collateral && a.maintenance.requirement == b.maintenance.requirement
        && a.margin_ratio_ppm == b.margin_ratio_ppm && a.state == b.state && a.rung == b.rung;
  }

  static int run() {
    check(new BatchAccount().size() == 16, "partliq_batch_account layout");
    check(new BatchDydxPosition().size() == 72 && new BatchDydxPosition().offsetOf("quantums") == 56, "partliq_batch_dydx_position layout");
    check(new BatchDydxRisk().size() == 32, "partliq_batch_dydx_risk layout");
    check(new UnifiedScanAccount().size() == 16, "partliq_unified_scan_account layout");
    check(new UnifiedScanHit().size() == 88 && new UnifiedScanHit().offsetOf("health") == 16, "partliq_unified_scan_hit layout");
    check(new UnifiedScanOutcome().size() == 56 && new UnifiedScanOutcome().offsetOf("error") == 52, "partliq_unified_scan_outcome layout");
    poolHealthBatch();
    planBatch();
    dydxBatch();
    unifiedScan();
    dydxConfigValidate();
    perpRiskValidate();
    return failed;
  }

  /** A market's risk extras: a unit of 0 is INVALID_IMF_UNIT (203), a uPnL weight above 100 % FRACTION_ABOVE_100_PERCENT (16). */
  private static void perpRiskValidate() {
    Partliq.PerpRisk r = new Partliq.PerpRisk();
    r.imf_factor_ppm = 1000;
    r.initial_upnl_weight_ppm = 1000000;
    r.imf_unit = 1;
    check(Partliq.LIB.partliq_perp_risk_validate(r) == 0, "risk extras valid");
    r.imf_unit = 0;
    check(Partliq.LIB.partliq_perp_risk_validate(r) == 203, "IMF unit 0");
    r.imf_unit = 1;
    r.initial_upnl_weight_ppm = 1000001;
    check(Partliq.LIB.partliq_perp_risk_validate(r) == 16, "uPnL weight above 100 %");
    check(Partliq.LIB.partliq_perp_risk_validate(null) == Partliq.STATUS_NULL_POINTER, "NULL risk extras");
  }

  /**
   * dYdX's LiquidationsConfig.Validate: both presets pass; a bankruptcy adjustment below 10^6 or a zero block limit is
   * INVALID_LIQUIDATION_CONFIG (64), a fee above 10^6 ppm FRACTION_ABOVE_100_PERCENT (16), NULL NULL_POINTER.
   */
  private static void dydxConfigValidate() {
    PartliqHotPath h = PartliqHotPath.LIB;
    PartliqHotPath.DydxConfig cfg = new PartliqHotPath.DydxConfig();
    check(h.partliq_dydx_liquidation_config_code_default(cfg) == 0 && h.partliq_dydx_liquidation_config_validate(cfg) == 0, "code default");
    check(h.partliq_dydx_liquidation_config_mainnet_genesis(cfg) == 0 && h.partliq_dydx_liquidation_config_validate(cfg) == 0, "genesis");
    cfg.bankruptcy_adjustment_ppm = 999999;
    check(h.partliq_dydx_liquidation_config_validate(cfg) == 64, "BA below 10^6");
    h.partliq_dydx_liquidation_config_mainnet_genesis(cfg);
    cfg.max_notional_liquidated = 0;
    check(h.partliq_dydx_liquidation_config_validate(cfg) == 64, "no block notional");
    h.partliq_dydx_liquidation_config_mainnet_genesis(cfg);
    cfg.max_liquidation_fee_ppm = 1000001;
    check(h.partliq_dydx_liquidation_config_validate(cfg) == 16, "fee above 100 %");
    check(h.partliq_dydx_liquidation_config_validate(null) == Partliq.STATUS_NULL_POINTER, "NULL config");
  }

  /**
   * Long 100 @ 100 with quote −9,600: equity 400 < MM 500 (liquidatable). With a short 10 @ 100 (quote 1,100) and collateral 7:
   * equity 400 + 100 + 7 = 507, MM 500 + 50 = 550, IM 1,000 + 100 = 1,100. A range past the positions is that account's
   * UNKNOWN_POSITION.
   */
  private static void poolHealthBatch() {
    Market[] ms = marketA();
    long[] prices = {100};
    Position[] ps = (Position[]) new Position().toArray(2);
    ps[0].size = 100;
    ps[0].quote_balance = -9600;
    ps[1].size = -10;
    ps[1].quote_balance = 1100;
    long[][] rows = {{0, 0, 1}, {7, 0, 2}, {0, 1, 5}};
    BatchAccount[] as = accounts(rows);
    Batches.PerAccount<Health> hs = Batches.poolHealth(ms, prices, as, ps);
    check(hs.size() == 3 && hs.status(0) == 0 && hs.status(1) == 0, "health batch: accounts 0 and 1 OK");
    Health h0 = hs.get(0);
    check(h0.equity == 400 && h0.maintenance_requirement == 500 && h0.state == Partliq.STATE_LIQUIDATABLE, "account 0: 400 < 500");
    Health h1 = hs.get(1);
    check(h1.equity == 507 && h1.maintenance_requirement == 550 && h1.initial_requirement == 1100 && h1.state == Partliq.STATE_LIQUIDATABLE,
        "account 1: 507 < 550");
    for (int i = 0; i < 2; i++) {
      Health one = new Health();
      Position[] range = (Position[]) new Position().toArray((int) rows[i][2]);
      for (int k = 0; k < range.length; k++) {
        range[k].size = ps[k].size;
        range[k].quote_balance = ps[k].quote_balance;
      }
      check(Partliq.LIB.partliq_pool_health(ms, n(1), prices, n(1), rows[i][0], range, n(range.length), one) == 0
          && sameHealth(one, hs.get(i)), "health batch = partliq_pool_health, account " + i);
    }
    check(hs.status(2) == Partliq.STATUS_UNKNOWN_POSITION && thrown(() -> hs.get(2)) == Partliq.STATUS_UNKNOWN_POSITION,
        "account 2: UNKNOWN_POSITION, thrown by get");
    // Accounts not made by toArray are packed by the wrapper.
    BatchAccount loose = new BatchAccount();
    loose.position_count = 1;
    check(Batches.poolHealth(ms, prices, new BatchAccount[] {loose, new BatchAccount()}, ps).get(0).equity == 400, "loose accounts packed");
    check(Batches.poolHealth(ms, prices, null, ps).size() == 0, "an empty batch");
    // A position with a reserved field fails the whole batch.
    ps[1].reserved = 1;
    check(thrown(() -> Batches.poolHealth(ms, prices, as, ps)) == PartliqBatch.STATUS_RESERVED_NOT_ZERO, "reserved field: the batch throws");
    ps[1].reserved = 0;

    // Raw: out_len not the accounts' length, NULL arrays — refused, nothing written.
    Health[] out = (Health[]) new Health().toArray(3);
    for (Health h : out) {
      h.equity = 42;
    }
    int[] st = {7, 7, 7};
    check(L.partliq_pool_health_batch(ms, n(1), prices, n(1), as, n(3), ps, n(2), out, st, n(2)) == PartliqBatch.STATUS_BAD_LENGTH
        && out[0].equity == 42 && out[2].equity == 42 && st[0] == 7 && st[2] == 7, "undersized out: BAD_LENGTH, nothing written");
    check(L.partliq_pool_health_batch(ms, n(1), prices, n(1), null, n(3), ps, n(2), out, st, n(3)) == Partliq.STATUS_NULL_POINTER
        && out[0].equity == 42 && st[0] == 7, "NULL accounts: NULL_POINTER, nothing written");
    check(L.partliq_pool_health_batch(ms, n(1), prices, n(1), as, n(3), ps, n(2), out, null, n(3)) == Partliq.STATUS_NULL_POINTER
        && out[1].equity == 42, "NULL statuses: NULL_POINTER, nothing written");
    check(L.partliq_pool_health_batch(ms, n(1), prices, n(1), as, n(3), ps, n(2), null, st, n(3)) == Partliq.STATUS_NULL_POINTER
        && st[1] == 7, "NULL out: NULL_POINTER, nothing written");
  }

  /**
   * Long 100 @ 100, quote −9,600 (equity 400 < MM 500): closing x at 100 pays a 1 % fee of 100x = x, so 400 − x ≥ 5 × (100 − x)
   * ⇒ 4x ≥ 100 ⇒ x = 25, fee 25; with collateral 200 (equity 600 ≥ 500) no leg.
   */
  private static void planBatch() {
    Market[] ms = marketA();
    long[] prices = {100};
    Position[] ps = (Position[]) new Position().toArray(1);
    ps[0].size = 100;
    ps[0].quote_balance = -9600;
    BatchAccount[] as = accounts(new long[][] {{0, 0, 1}, {200, 0, 1}, {0, 1, 1}});
    PlanParams params = new PlanParams();
    params.target.kind = Partliq.TARGET_MAINTENANCE;
    params.order = Partliq.ORDER_LARGEST_MAINTENANCE_FIRST;
    Batches.PerAccount<Batches.PlannedAccount> plans = Batches.plans(ms, prices, as, ps, params, 2);
    Batches.PlannedAccount p0 = plans.get(0);
    check(p0.plan.status == Partliq.OUTCOME_RESTORED && p0.legs.length == 1 && p0.legs[0].size_delta == -25 && p0.legs[0].limit_price == 100
        && p0.legs[0].expected_fee == 25, "plan batch: account 0 sells 25 @ 100, fee 25");
    PlanLeg[] one = (PlanLeg[]) new PlanLeg().toArray(2);
    Plan onePlan = new Plan();
    check(Partliq.LIB.partliq_plan_liquidation(ms, n(1), prices, n(1), 0, ps, n(1), params, one, n(2), onePlan) == 0
        && onePlan.leg_count == 1 && one[0].size_delta == p0.legs[0].size_delta && one[0].expected_cash == p0.legs[0].expected_cash
        && onePlan.health_after.equity == p0.plan.health_after.equity, "plan batch = partliq_plan_liquidation");
    Batches.PlannedAccount p1 = plans.get(1);
    check(p1.legs.length == 0 && p1.plan.health_before.equity == 600, "account 1: already safe, no leg");
    check(plans.status(2) == Partliq.STATUS_UNKNOWN_POSITION && thrown(() -> plans.get(2)) == Partliq.STATUS_UNKNOWN_POSITION,
        "account 2: UNKNOWN_POSITION");
    check(thrown(() -> Batches.plans(ms, prices, as, ps, params, 0)) == PartliqBatch.STATUS_BAD_LENGTH, "no leg slots: BAD_LENGTH");

    // Raw: legs_len not accounts × legs_per_account — refused, nothing written.
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(6);
    legs[0].size_delta = 42;
    Plan[] out = (Plan[]) new Plan().toArray(3);
    out[0].leg_count = 42;
    int[] st = {7, 7, 7};
    check(L.partliq_plan_liquidation_batch(ms, n(1), prices, n(1), as, n(3), ps, n(1), params, legs, n(5), n(2), out, st, n(3))
        == PartliqBatch.STATUS_BAD_LENGTH && legs[0].size_delta == 42 && out[0].leg_count == 42 && st[0] == 7,
        "legs_len 5 for 3 × 2: BAD_LENGTH, nothing written");
    check(L.partliq_plan_liquidation_batch(ms, n(1), prices, n(1), as, n(3), ps, n(1), null, legs, n(6), n(2), out, st, n(3))
        == Partliq.STATUS_NULL_POINTER && legs[0].size_delta == 42 && st[0] == 7, "NULL params: NULL_POINTER, nothing written");
  }

  /**
   * dYdX's BTC perpetual (atomic resolution −8, IMF 20 %, MF 50 %, price 5,000,000,000 × 10^−5 = 50,000): 1 BTC = 10^8 quantums is
   * 50e9 quote quantums, IMR 10e9, MMR 5e9; NC = USDC + 50e9 − 45e9: 6e9 with 1e9 (safe), 3e9 with −2e9 (liquidatable). The short
   * (−10^8, quote 55e9): NC −50e9 + 55e9 = 5e9 ≥ MMR 5e9.
   */
  private static void dydxBatch() {
    BatchDydxPosition[] ps = (BatchDydxPosition[]) new BatchDydxPosition().toArray(3);
    for (BatchDydxPosition p : ps) {
      p.atomic_resolution = -8;
      p.initial_margin_ppm = 200000;
      p.maintenance_fraction_ppm = 500000;
      p.price = 5000000000L;
      p.price_exponent = -5;
      p.quantums = 100000000L;
      p.quote_balance = -45000000000L;
    }
    ps[1].reserved = 1;
    ps[2].quantums = -100000000L;
    ps[2].quote_balance = 55000000000L;
    BatchAccount[] as = accounts(new long[][] {{1000000000L, 0, 1}, {-2000000000L, 0, 1}, {0, 1, 1}, {0, 2, 5}, {0, 2, 1}, {7, 0, 0}});
    Batches.PerAccount<BatchDydxRisk> r = Batches.dydxSubaccountRisk(as, ps);
    long[][] want = {{5000000000L, 10000000000L, 6000000000L, 0}, {5000000000L, 10000000000L, 3000000000L, 1}, null, null,
        {5000000000L, 10000000000L, 5000000000L, 0}, {0, 0, 7, 0}};
    for (int i = 0; i < want.length; i++) {
      if (want[i] != null) {
        BatchDydxRisk x = r.get(i);
        check(x.mmr == want[i][0] && x.imr == want[i][1] && x.nc == want[i][2] && x.liquidatable == want[i][3],
            "dYdX batch account " + i + ": " + x.mmr + " " + x.imr + " " + x.nc + " " + x.liquidatable);
      }
    }
    check(r.status(2) == PartliqBatch.STATUS_RESERVED_NOT_ZERO && r.status(3) == Partliq.STATUS_UNKNOWN_POSITION,
        "accounts 2, 3: RESERVED_NOT_ZERO, UNKNOWN_POSITION");
    // 2^62 quantums at 50,000: beyond int64, OVERFLOW for that account.
    BatchDydxPosition huge = new BatchDydxPosition();
    huge.atomic_resolution = -8;
    huge.initial_margin_ppm = 200000;
    huge.maintenance_fraction_ppm = 500000;
    huge.price = 5000000000L;
    huge.price_exponent = -5;
    huge.quantums = 1L << 62;
    BatchAccount one = new BatchAccount();
    one.position_count = 1;
    check(Batches.dydxSubaccountRisk(new BatchAccount[] {one}, new BatchDydxPosition[] {huge}).status(0) == PartliqBatch.STATUS_OVERFLOW,
        "2^62 quantums: OVERFLOW");

    // Raw: out_len not the accounts' length, NULL positions with a length — refused, nothing written.
    BatchDydxRisk[] out = (BatchDydxRisk[]) new BatchDydxRisk().toArray(6);
    out[0].nc = 42;
    int[] st = new int[6];
    st[0] = 7;
    check(L.partliq_dydx_subaccount_risk_batch(as, n(6), ps, n(3), out, st, n(5)) == PartliqBatch.STATUS_BAD_LENGTH && out[0].nc == 42
        && st[0] == 7, "undersized out: BAD_LENGTH, nothing written");
    check(L.partliq_dydx_subaccount_risk_batch(as, n(6), null, n(3), out, st, n(6)) == Partliq.STATUS_NULL_POINTER && out[0].nc == 42
        && st[0] == 7, "NULL positions: NULL_POINTER, nothing written");
  }

  /**
   * The README's book (BTC at 57,000, SOL at 150) and 12 accounts of 40 SOL and (6 − i) × 300 USDC with the BTC long cross (bought at
   * 60,000, funding 0.05 owed): cross equity 2,999.95 + 300 × (6 − i), maintenance collateral 2,399.95 + 300 × (6 − i) against
   * 2,850. Every third account also holds an isolated 0.01 BTC short with 10 × i USD of equity (maintenance 28.50). With Binance's
   * ladder (liquidation rung below 105 %: 2,992.50 and 29.925) the hits are the cross pools of i ≥ 5 and the isolated pool of i = 0:
   * 8 of 16 pools, each with partliq_unified_pool_health's figures. Scanned with a buffer of 2 and resumed.
   */
  private static void unifiedScan() {
    Market[] ms = (Market[]) new Market().toArray(1);
    ms[0].quote_exponent = -4;
    ms[0].lot_step = 1000;
    ms[0].tick = 100;
    ms[0].tier_count = 1;
    ms[0].tiers[0].initial_ppm = 100000;
    ms[0].tiers[0].maintenance_ppm = 50000;
    long[] prices = {5700000};
    long[] funding = {1500};
    Asset[] assets = (Asset[]) new Asset().toArray(2);
    int[][] w = {{0, 1000000, 1000000, 1000000, 1000000}, {-9, 800000, 900000, 1200000, 1100000}};
    for (int i = 0; i < 2; i++) {
      assets[i].quote_exponent = w[i][0];
      assets[i].initial_asset_weight_ppm = w[i][1];
      assets[i].maintenance_asset_weight_ppm = w[i][2];
      assets[i].initial_liability_weight_ppm = w[i][3];
      assets[i].maintenance_liability_weight_ppm = w[i][4];
      assets[i].imf_unit = 1;
    }
    long[] assetPrices = {1, 150000000};
    int nPositions = 12 + 4;
    AssetBalance[] bs = (AssetBalance[]) new AssetBalance().toArray(24);
    PerpPosition[] pp = (PerpPosition[]) new PerpPosition().toArray(nPositions);
    UnifiedScanAccount[] accs = (UnifiedScanAccount[]) new UnifiedScanAccount().toArray(12);
    int p = 0;
    for (int i = 0; i < 12; i++) {
      bs[2 * i].asset_index = 1;
      bs[2 * i].amount = 40000000000L;
      bs[2 * i + 1].asset_index = 0;
      bs[2 * i + 1].amount = (6L - i) * 300000000L;
      accs[i].first_balance = 2 * i;
      accs[i].balance_count = 2;
      accs[i].first_position = p;
      pp[p].margin = Partliq.POSITION_MARGIN_CROSS;
      pp[p].size = 100000000L;
      pp[p].quote_balance = -60000000000L;
      pp[p].last_funding_index = 1000;
      pp[p].open_asks = 50000000L;
      p++;
      if (i % 3 == 0) {
        pp[p].margin = Partliq.POSITION_MARGIN_ISOLATED;
        pp[p].size = -1000000L;
        pp[p].quote_balance = 570000000L + i * 10000000L;
        pp[p].last_funding_index = 1500;
        p++;
      }
      accs[i].position_count = p - accs[i].first_position;
    }
    MarginLadder bpm = new MarginLadder();
    check(Partliq.LIB.partliq_margin_ladder_binance_portfolio_margin(bpm) == 0, "Binance ladder");

    List<long[]> got = new ArrayList<>();
    List<UnifiedHealth> gotHealth = new ArrayList<>();
    long sa = 0;
    long sp = 0;
    for (int calls = 0;; calls++) {
      if (calls > 100) {
        check(false, "the resume loop must end");
        return;
      }
      Batches.UnifiedScan s = Batches.unifiedScan(ms, prices, funding, null, assets, assetPrices, bs, pp, accs, sa, sp, bpm, 2);
      for (UnifiedScanHit h : s.hits) {
        got.add(new long[] {h.account_index, h.pool_index});
        gotHealth.add(h.health);
      }
      if (s.outcome.end == PartliqHotPath.SCAN_END_COMPLETE) {
        break;
      }
      check(s.outcome.end == PartliqHotPath.SCAN_END_BUFFER_FULL && s.outcome.count == 2, "a full buffer of 2");
      sa = s.outcome.resume_account;
      sp = s.outcome.resume_pool;
    }
    long[][] want = {{0, 1}, {5, 0}, {6, 0}, {7, 0}, {8, 0}, {9, 0}, {10, 0}, {11, 0}};
    check(got.size() == want.length, "8 of 16 pools are hits, got " + got.size());
    for (int k = 0; k < Math.min(got.size(), want.length); k++) {
      check(got.get(k)[0] == want[k][0] && got.get(k)[1] == want[k][1], "hit " + k + " is account " + want[k][0] + " pool " + want[k][1]);
      // Each hit's health is partliq_unified_pool_health's for that account's ranges.
      int a = (int) want[k][0];
      AssetBalance[] ab = (AssetBalance[]) new AssetBalance().toArray(2);
      for (int j = 0; j < 2; j++) {
        ab[j].asset_index = bs[accs[a].first_balance + j].asset_index;
        ab[j].amount = bs[accs[a].first_balance + j].amount;
      }
      PerpPosition[] ap = (PerpPosition[]) new PerpPosition().toArray(accs[a].position_count);
      for (int j = 0; j < ap.length; j++) {
        PerpPosition from = pp[accs[a].first_position + j];
        ap[j].margin = from.margin;
        ap[j].size = from.size;
        ap[j].quote_balance = from.quote_balance;
        ap[j].last_funding_index = from.last_funding_index;
        ap[j].open_asks = from.open_asks;
      }
      UnifiedHealth one = new UnifiedHealth();
      check(Partliq.LIB.partliq_unified_pool_health(ms, n(1), prices, n(1), funding, n(1), null, n(0), assets, n(2), assetPrices, n(2), ab,
          n(2), ap, n(ap.length), (int) want[k][1], bpm, one) == 0 && sameUnified(one, gotHealth.get(k)),
          "hit " + k + " = partliq_unified_pool_health");
    }
    if (gotHealth.size() == want.length) {
      // Account 5's cross pool: 2,999.95 + 300 = 3,299.95 USD; maintenance 2,699.95 against 2,850.
      UnifiedHealth h5 = gotHealth.get(1);
      check(h5.equity == 3299950000L && h5.maintenance.collateral == 2699950000L && h5.maintenance.requirement == 2850000000L
          && h5.state == Partliq.STATE_LIQUIDATABLE, "account 5 cross figures");
      // Account 0's isolated short: −570 + 570 = 0 equity against 28.50.
      UnifiedHealth h0 = gotHealth.get(0);
      check(h0.equity == 0 && h0.maintenance.requirement == 28500000L, "account 0 isolated figures");
    }

    // A malformed account fails in the outcome, not the call.
    UnifiedScanAccount bad = new UnifiedScanAccount();
    bad.first_balance = 99;
    bad.balance_count = 1;
    Batches.UnifiedScan s = Batches.unifiedScan(ms, prices, funding, null, assets, assetPrices, bs, pp, new UnifiedScanAccount[] {bad}, 0,
        0, bpm, 2);
    check(s.outcome.end == PartliqHotPath.SCAN_END_FAILED && s.outcome.error == Partliq.STATUS_UNKNOWN_POSITION
        && s.outcome.resume_account == 1 && s.hits.length == 0, "malformed account: FAILED, UNKNOWN_POSITION, resume past it");
    // A NULL ladder throws.
    check(thrown(() -> Batches.unifiedScan(ms, prices, funding, null, assets, assetPrices, bs, pp, accs, 0, 0, null, 2))
        == Partliq.STATUS_NULL_POINTER, "NULL ladder: the wrapper throws NULL_POINTER");

    // Raw: NULL hits with a length, NULL out — refused, nothing written.
    UnifiedScanOutcome out = new UnifiedScanOutcome();
    out.count = 42;
    UnifiedScanHit[] hits = (UnifiedScanHit[]) new UnifiedScanHit().toArray(2);
    hits[0].account_index = 42;
    check(L.partliq_unified_scan(ms, n(1), prices, n(1), funding, n(1), null, n(0), assets, n(2), assetPrices, n(2), bs, n(24), pp,
        n(nPositions), accs, n(12), 0, 0, bpm, null, n(2), out) == Partliq.STATUS_NULL_POINTER && out.count == 42,
        "NULL hits: NULL_POINTER, nothing written");
    check(L.partliq_unified_scan(ms, n(1), prices, n(1), funding, n(1), null, n(0), assets, n(2), assetPrices, n(2), bs, n(24), pp,
        n(nPositions), accs, n(12), 0, 0, bpm, hits, n(2), null) == Partliq.STATUS_NULL_POINTER && hits[0].account_index == 42,
        "NULL out: NULL_POINTER, nothing written");
    check(L.partliq_unified_scan(ms, n(1), prices, n(1), funding, n(1), null, n(0), assets, n(2), assetPrices, n(2), bs, n(24), pp,
        n(nPositions), null, n(12), 0, 0, bpm, hits, n(2), out) == Partliq.STATUS_NULL_POINTER && out.count == 42
        && hits[0].account_index == 42, "NULL accounts: NULL_POINTER, nothing written");
  }
}
