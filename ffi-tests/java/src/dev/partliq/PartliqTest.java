package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;
import dev.partliq.Partliq.AccountState;
import dev.partliq.Partliq.AdlCandidate;
import dev.partliq.Partliq.AdlFill;
import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.Backstop;
import dev.partliq.Partliq.Bankruptcy;
import dev.partliq.Partliq.Decision;
import dev.partliq.Partliq.CloseRequest;
import dev.partliq.Partliq.CloseSizing;
import dev.partliq.Partliq.Fill;
import dev.partliq.Partliq.Health;
import dev.partliq.Partliq.LegReservation;
import dev.partliq.Partliq.LevelFigures;
import dev.partliq.Partliq.LiquidationPrice;
import dev.partliq.Partliq.MarginLadder;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.MarketCapacityState;
import dev.partliq.Partliq.PerpPosition;
import dev.partliq.Partliq.PerpRisk;
import dev.partliq.Partliq.Plan;
import dev.partliq.Partliq.PlanLeg;
import dev.partliq.Partliq.PlanParams;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.Settlement;
import dev.partliq.Partliq.SizeT;
import dev.partliq.Partliq.UnifiedHealth;
import dev.partliq.Partliq.PositionSettlement;
import dev.partliq.Partliq.PoolDelisting;
import dev.partliq.Partliq.DelistingPolicy;
import dev.partliq.Partliq.AssetLiquidationFees;
import dev.partliq.Partliq.Deficit;
import dev.partliq.Partliq.InsuranceFund;
import dev.partliq.Partliq.LedgerEntry;
import dev.partliq.Partliq.LegSettlement;
import dev.partliq.Partliq.LegSizing;
import dev.partliq.Partliq.LegTerms;
import dev.partliq.Partliq.UnifiedLeg;
import dev.partliq.Partliq.UnifiedPlan;
import dev.partliq.Partliq.WaterfallOutcome;
import dev.partliq.Partliq.WaterfallPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java test of the C ABI through JNA: health, plan and settle on a
 * hand-computed example, then the cross-language table (byte-identical to
 * ffi-tests/cases/expected.txt).
 *
 * <p>Usage: java -Djna.library.path=DIR dev.partliq.PartliqTest cases.txt expected.txt
 */
public final class PartliqTest {
  private static int passed;
  private static int failed;

  private static void check(boolean ok, String what) {
    if (ok) {
      passed++;
    } else {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  /** A pool: contiguous structure arrays as C expects them (null when empty). */
  static final class Pool {
    Market[] markets;
    long[] prices;
    long collateral;
    Position[] positions;

    Pool(List<Market> ms, List<Long> ps, long collateral, List<Position> pos) {
      if (!ms.isEmpty()) {
        markets = (Market[]) new Market().toArray(ms.size());
        for (int i = 0; i < ms.size(); i++) {
          copy(ms.get(i), markets[i]);
        }
      }
      if (!ps.isEmpty()) {
        prices = ps.stream().mapToLong(Long::longValue).toArray();
      }
      this.collateral = collateral;
      if (!pos.isEmpty()) {
        positions = (Position[]) new Position().toArray(pos.size());
        for (int i = 0; i < pos.size(); i++) {
          positions[i].market_index = pos.get(i).market_index;
          positions[i].size = pos.get(i).size;
          positions[i].quote_balance = pos.get(i).quote_balance;
        }
      }
    }

    SizeT nm() {
      return new SizeT(markets == null ? 0 : markets.length);
    }

    SizeT np() {
      return new SizeT(prices == null ? 0 : prices.length);
    }

    SizeT ns() {
      return new SizeT(positions == null ? 0 : positions.length);
    }
  }

  private static void copy(Market from, Market to) {
    to.id = from.id;
    to.quote_exponent = from.quote_exponent;
    to.lot_step = from.lot_step;
    to.tick = from.tick;
    for (int k = 0; k < Partliq.MAX_TIERS; k++) {
      to.tiers[k].notional_floor = from.tiers[k].notional_floor;
      to.tiers[k].initial_ppm = from.tiers[k].initial_ppm;
      to.tiers[k].maintenance_ppm = from.tiers[k].maintenance_ppm;
    }
    to.tier_count = from.tier_count;
    to.liquidation_fee_ppm = from.liquidation_fee_ppm;
    to.liquidator_fee_share_ppm = from.liquidator_fee_share_ppm;
    to.dust_floor = from.dust_floor;
  }

  private static Market marketA() {
    Market m = new Market();
    m.id = 1;
    m.lot_step = 1;
    m.tick = 1;
    m.tier_count = 1;
    m.tiers[0].initial_ppm = 100000;
    m.tiers[0].maintenance_ppm = 50000;
    m.liquidation_fee_ppm = 10000;
    m.liquidator_fee_share_ppm = 400000;
    return m;
  }

  private static void layoutAndVersion() {
    Partliq lib = Partliq.LIB;
    int n = lib.partliq_abi_version();
    check(lib.partliq_version().equals((n / 1000000) + "." + (n / 1000 % 1000) + "." + (n % 1000)), "version agrees with abi_version");
    check(new Market().size() == 304, "sizeof(partliq_market)");
    check(new Market().offsetOf("tiers") == 24 && new Market().offsetOf("dust_floor") == 296, "partliq_market offsets");
    check(new Market().offsetOf("liquidation_fee_rounding") == 292, "partliq_market fee rounding offset");
    check(new Position().size() == 24, "sizeof(partliq_position)");
    check(new Health().size() == 48, "sizeof(partliq_health)");
    check(new PlanParams().size() == 16, "sizeof(partliq_plan_params)");
    check(new PlanLeg().size() == 40, "sizeof(partliq_plan_leg)");
    check(new Plan().size() == 128 && new Plan().offsetOf("dust_closed") == 120, "partliq_plan layout");
    check(new CloseRequest().size() == 24 && new CloseSizing().size() == 104, "close structs");
    check(new Settlement().size() == 144 && new Settlement().offsetOf("health_after") == 96, "partliq_settlement layout");
    check(lib.partliq_status_str(Partliq.STATUS_NULL_POINTER).equals("a required pointer is NULL"), "status_str");
  }

  /** Health, plan and settle: long 100 at mark 100, quote balance -9,600 (equity 400 < MM 500). */
  private static void healthPlanSettle() {
    Partliq lib = Partliq.LIB;
    Pool p = new Pool(List.of(marketA()), List.of(100L), 0, List.of(new Position(0, 100, -9600)));
    Health h = new Health();
    check(lib.partliq_pool_health(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), h) == 0, "pool_health ok");
    check(h.equity == 400 && h.maintenance_requirement == 500 && h.state == Partliq.STATE_LIQUIDATABLE, "health figures");

    PlanParams params = new PlanParams();
    params.target.kind = Partliq.TARGET_MAINTENANCE;
    params.order = Partliq.ORDER_LARGEST_MAINTENANCE_FIRST;
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Plan plan = new Plan();
    int st = lib.partliq_plan_liquidation(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), params, legs, new SizeT(1), plan);
    check(st == 0 && plan.status == Partliq.OUTCOME_RESTORED && plan.leg_count == 1, "plan restored with one leg");
    // Band 0, fee 1 %: equity 400 − x ≥ MM 500 − 5x ⇒ x = 25.
    check(legs[0].size_delta == -25 && legs[0].limit_price == 100 && legs[0].expected_fee == 25, "plan leg");

    Fill fill = new Fill();
    fill.position_index = legs[0].position_index;
    fill.size_delta = legs[0].size_delta;
    fill.price = legs[0].limit_price;
    Settlement s = new Settlement();
    st = lib.partliq_settle_fill(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), fill, s);
    check(st == 0 && s.fill_cash == 2500 && s.fee == 25 && s.fee_to_liquidator == 10 && s.fee_to_insurance == 15, "settlement cash and fee");
    check(s.new_position.size == 75 && s.new_position.quote_balance == -7125 && s.health_after.equity == 375, "position after");
    check(s.position_quote_delta - s.fill_cash + s.fee_to_liquidator + s.insurance_fund_delta == 0, "conservation");

    // Errors: statuses, outputs untouched.
    Plan untouched = new Plan();
    untouched.leg_count = 77;
    st = lib.partliq_plan_liquidation(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), params, null, new SizeT(0), untouched);
    check(st == Partliq.STATUS_BUFFER_TOO_SMALL && untouched.leg_count == 77, "buffer too small leaves the plan untouched");
    st = lib.partliq_pool_health(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), null);
    check(st == Partliq.STATUS_NULL_POINTER, "NULL out");
  }

  /** The pipeline and deleveraging: the example above without fee. */
  private static void pipelineAndDeleverage() {
    Partliq lib = Partliq.LIB;
    check(Native.SIZE_T_SIZE == 8, "size_t is 8 bytes (out counts are read as long)");
    check(new Decision().size() == 216 && new Decision().offsetOf("backstop") == 144, "partliq_decision layout");
    check(new AccountState().size() == 40 && new MarketCapacityState().size() == 16, "state structs");
    check(new AdlCandidate().size() == 48 && new AdlFill().size() == 24 && new Backstop().size() == 72, "ADL and backstop structs");
    Market m = marketA();
    m.liquidation_fee_ppm = 0;
    Pool p = new Pool(List.of(m), List.of(100L), 0, List.of(new Position(0, 100, -9600)));
    Memory syn = new Memory(Partliq.PRESET_SIZE);
    check(lib.partliq_preset_synthetix_v3(1000000, 60, syn) == 0, "synthetix preset");
    AccountState st = new AccountState();
    MarketCapacityState[] ms = (MarketCapacityState[]) new MarketCapacityState().toArray(1);
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Decision d = new Decision();
    int rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), syn, st, ms, new SizeT(1), 10,
        1, legs, new SizeT(1), d);
    // Band 1 % (limit 99): 400 − x ≥ 500 − 5x ⇒ x = 25.
    check(rc == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.reason == Partliq.REASON_TARGET_RESTORED && d.plan.leg_count == 1, "pipeline liquidates");
    check(legs[0].size_delta == -25 && legs[0].limit_price == 99, "pipeline leg");
    check(ms[0].window_start == 10 && ms[0].used == 2500 && st.block_notional == 2500 && st.has_partial == 1, "pipeline states");
    st.block_notional = 7;
    rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), syn, st, null, new SizeT(0), 10,
        1, legs, new SizeT(1), d);
    check(rc == Partliq.STATUS_STATE_TOO_SMALL && st.block_notional == 7, "no market states: refused, state untouched");
    Memory hl = new Memory(Partliq.PRESET_SIZE);
    check(lib.partliq_preset_hyperliquid(1000000, 1000, hl) == 0, "hyperliquid preset");
    p.positions[0].quote_balance = -9700;
    rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), hl, new AccountState(), null,
        new SizeT(0), 1, 1, legs, new SizeT(1), d);
    check(rc == 0 && d.action == Partliq.ACTION_BACKSTOP && d.reason == Partliq.REASON_BELOW_BACKSTOP_FRACTION && d.has_backstop == 1
        && d.backstop.position_count == 1 && d.backstop.health.equity == 300, "hyperliquid backstop below 2/3 of maintenance");
    emergencyBypass(p);
    reservations();

    AdlCandidate[] cs = (AdlCandidate[]) new AdlCandidate().toArray(4);
    long[][] spec = {{1, -5, 10}, {2, 8, 50}, {3, -10, 100}, {4, -3, -5}};
    for (int i = 0; i < 4; i++) {
      cs[i].account = (int) spec[i][0];
      cs[i].size = spec[i][1];
      cs[i].unrealized_pnl = spec[i][2];
      cs[i].entry_notional = 1000;
      cs[i].mark_notional = 1000;
      cs[i].margin = 100;
    }
    int[] order = new int[4];
    AdlFill[] fills = (AdlFill[]) new AdlFill().toArray(4);
    LongByReference n = new LongByReference();
    rc = lib.partliq_deleverage(12, 90, 1, cs, new SizeT(4), Partliq.ADL_MODE_QUEUE, order, new SizeT(4), fills, new SizeT(4), n);
    check(rc == 0 && n.getValue() == 2 && fills[0].account == 3 && fills[0].size_delta == 10 && fills[0].price == 90
        && fills[1].account == 1 && fills[1].size_delta == 2, "deleverage queue");
    rc = lib.partliq_deleverage(9, 90, 1, cs, new SizeT(4), Partliq.ADL_MODE_PRO_RATA, order, new SizeT(4), fills, new SizeT(4), n);
    check(rc == 0 && n.getValue() == 3 && fills[0].size_delta == 6 && fills[1].size_delta == 2 && fills[2].size_delta == 1, "deleverage pro rata");
    n.setValue(42);
    rc = lib.partliq_deleverage(19, 90, 1, cs, new SizeT(4), Partliq.ADL_MODE_QUEUE, order, new SizeT(4), fills, new SizeT(4), n);
    check(rc == Partliq.STATUS_INSUFFICIENT_COUNTERPARTIES && n.getValue() == 42, "deleverage refused, count untouched");
    rc = lib.partliq_deleverage(12, 90, 1, cs, new SizeT(4), 9, order, new SizeT(4), fills, new SizeT(4), n);
    check(rc == Partliq.STATUS_INVALID_ENUM, "deleverage bad mode");
  }

  /**
   * A unified account and its book: contiguous structure arrays as C expects
   * them (null when empty); the markets and prices are a pool's.
   */
  static final class Unified {
    final Pool pool;
    long[] funding;
    PerpRisk[] risk;
    Asset[] assets;
    long[] assetPrices;
    AssetBalance[] balances;
    PerpPosition[] positions;

    Unified(Pool pool, int nf, int nr, int na, int nq, int nb, int nu) {
      this.pool = pool;
      funding = nf == 0 ? null : new long[nf];
      risk = nr == 0 ? null : (PerpRisk[]) new PerpRisk().toArray(nr);
      assets = na == 0 ? null : (Asset[]) new Asset().toArray(na);
      assetPrices = nq == 0 ? null : new long[nq];
      balances = nb == 0 ? null : (AssetBalance[]) new AssetBalance().toArray(nb);
      positions = nu == 0 ? null : (PerpPosition[]) new PerpPosition().toArray(nu);
    }

    private static SizeT n(Object a) {
      if (a == null) {
        return new SizeT(0);
      }
      return new SizeT(a instanceof long[] ? ((long[]) a).length : ((Object[]) a).length);
    }

    int poolHealth(int poolIndex, MarginLadder ladder, UnifiedHealth out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_pool_health(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets, n(assets),
          assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, ladder, out);
    }

    int accountHealth(MarginLadder ladder, UnifiedHealth out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_account_health(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), ladder, out);
    }

    int pipeline(int poolIndex, Memory policy, AccountState st, PlanLeg[] legs, int legsLen, Decision out) {
      Pool p = pool;
      return Partliq.LIB.partliq_run_unified_pipeline(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, policy, st, null, new SizeT(0), 0,
          0, legs, new SizeT(legsLen), out);
    }

    int settleLeg(AssetLiquidationFees[] fees, LegTerms terms, UnifiedLeg leg, LegSettlement out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_settle_leg(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), 0, fees, n(fees), terms, leg, out);
    }

    int sizeLeg(AssetLiquidationFees[] fees, LegTerms terms, UnifiedLeg leg, LegSizing out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_size_leg(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), 0, fees, n(fees), terms, leg, out);
    }

    int plan(AssetLiquidationFees[] fees, LegTerms terms, int objective, UnifiedLeg[] legs, UnifiedPlan out) {
      return plan(0, fees, terms, objective, Partliq.LEG_ORDERING_CHEAPEST, legs, out);
    }

    int plan(int poolIndex, AssetLiquidationFees[] fees, LegTerms terms, int objective, int ordering, UnifiedLeg[] legs, UnifiedPlan out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_plan_liquidation(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, fees, n(fees), terms, objective,
          ordering, null, new SizeT(0), null, new SizeT(0), legs, n(legs), out);
    }

    int settleLeg(int poolIndex, AssetLiquidationFees[] fees, LegTerms terms, UnifiedLeg leg, LegSettlement out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_settle_leg(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, fees, n(fees), terms, leg, out);
    }

    int sizeLeg(int poolIndex, AssetLiquidationFees[] fees, LegTerms terms, UnifiedLeg leg, LegSizing out) {
      Pool p = pool;
      return Partliq.LIB.partliq_unified_size_leg(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, fees, n(fees), terms, leg, out);
    }

    int delist(int poolIndex, int market, DelistingPolicy policy, MarginLadder ladder, PositionSettlement[] settled, PoolDelisting out) {
      Pool p = pool;
      PerpPosition[] after = positions == null ? null : (PerpPosition[]) new PerpPosition().toArray(positions.length);
      return Partliq.LIB.partliq_settle_delisted(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets, n(assets),
          assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, market, policy, ladder, after, n(after),
          settled, n(settled), out);
    }

    long poolCount() {
      LongByReference n = new LongByReference();
      int st = Partliq.LIB.partliq_unified_pool_count(positions, n(positions), n);
      if (st != 0) {
        throw new IllegalStateException("pool count: " + st);
      }
      return n.getValue();
    }
  }

  private static void setAsset(Asset a, int e, int iaw, int maw, int ilw, int mlw) {
    a.quote_exponent = e;
    a.initial_asset_weight_ppm = iaw;
    a.maintenance_asset_weight_ppm = maw;
    a.initial_liability_weight_ppm = ilw;
    a.maintenance_liability_weight_ppm = mlw;
    a.imf_unit = 1;
  }

  /**
   * The emergency bypass: long 100 @ 100 with quote balance −9,780 (equity 220 < 1/2 × MM 500), whole steps, 1,000 per block. Capped:
   * 10 units; with the bypass, the least close at 99: 220 − x ≥ 500 − 5x ⇒ x = 70 (7,000 booked). Bad values refused, state untouched.
   */
  private static void emergencyBypass(Pool p) {
    Partliq lib = Partliq.LIB;
    p.positions[0].quote_balance = -9780;
    Memory policy = defaultPolicy();
    policy.setInt(Partliq.POLICY_SIZING, 1);
    policy.setLong(Partliq.POLICY_BLOCK_MAX_NOTIONAL, 1000);
    policy.setInt(Partliq.POLICY_BACKSTOP_ON_INFEASIBLE, 0);
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Decision d = new Decision();
    int rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), policy, new AccountState(),
        null, new SizeT(0), 5, 1, legs, new SizeT(1), d);
    check(rc == 0 && d.reason == Partliq.REASON_STEP_CAPPED && legs[0].size_delta == -10, "capped step without the bypass");
    policy.setInt(Partliq.POLICY_EMERGENCY_BYPASS, 1);
    policy.setInt(Partliq.POLICY_EMERGENCY_BYPASS + 4, 2);
    AccountState st = new AccountState();
    rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), policy, st, null, new SizeT(0), 5,
        1, legs, new SizeT(1), d);
    check(rc == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.reason == Partliq.REASON_EMERGENCY_BYPASS && legs[0].size_delta == -70
        && st.block_notional == 7000, "the bypass closes 70 uncapped");
    int[][] bad = {{2, 2, 0, 0, Partliq.STATUS_BYPASS_FRACTION_NOT_BELOW_ONE}, {0, 0, 2, 0, Partliq.STATUS_INVALID_ENUM},
        {0, 0, 1, 1000001, Partliq.STATUS_INVALID_POLICY_FRACTION}};
    for (int[] b : bad) {
      for (int k = 0; k < 4; k++) {
        policy.setInt(Partliq.POLICY_EMERGENCY_BYPASS + 4 * k, b[k]);
      }
      check(lib.partliq_policy_validate(policy) == b[4], "bad bypass refused by validate");
      st.block_notional = 7;
      rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), policy, st, null, new SizeT(0),
          6, 1, legs, new SizeT(1), d);
      check(rc == b[4] && st.block_notional == 7, "bad bypass refused by the pipeline, state untouched");
    }
  }

  /**
   * Reservations: long 100 @ 100, quote balance −9,600 (Synthetix preset): 25 planned, 2,500 booked; the IOC fills 10: commit keeps
   * ⌈2,500 × 10 / 25⌉ = 1,000, release gives back 1,500 of the block and the window.
   */
  private static void reservations() {
    Partliq lib = Partliq.LIB;
    check(new LegReservation().size() == 96, "partliq_leg_reservation layout");
    Market m = marketA();
    m.liquidation_fee_ppm = 0;
    Pool p = new Pool(List.of(m), List.of(100L), 0, List.of(new Position(0, 100, -9600)));
    Memory syn = new Memory(Partliq.PRESET_SIZE);
    check(lib.partliq_preset_synthetix_v3(1000000, 60, syn) == 0, "synthetix preset");
    AccountState st = new AccountState();
    MarketCapacityState[] ms = (MarketCapacityState[]) new MarketCapacityState().toArray(1);
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    LegReservation[] res = (LegReservation[]) new LegReservation().toArray(1);
    Decision d = new Decision();
    int rc = lib.partliq_run_pipeline_reserving(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), syn, st, ms,
        new SizeT(1), 10, 1, legs, new SizeT(1), res, new SizeT(1), d);
    check(rc == 0 && legs[0].size_delta == -25 && res[0].units == 25 && res[0].block_reserved == 2500 && res[0].window_reserved == 2500
        && st.block_notional == 2500, "reserving pipeline");
    rc = lib.partliq_run_pipeline_reserving(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), syn, st, ms,
        new SizeT(1), 11, 1, legs, new SizeT(1), res, new SizeT(1), d);
    check(rc == Partliq.STATUS_RESERVATION_TABLE_FULL && st.block_notional == 2500, "an open record refuses the next call");
    check(lib.partliq_leg_reservation_commit(res[0], 26) == Partliq.STATUS_COMMIT_EXCEEDS_RESERVATION, "commit beyond the leg");
    check(lib.partliq_leg_reservation_commit(res[0], 10) == 0 && res[0].block_committed == 1000, "commit 10");
    check(lib.partliq_leg_reservation_release(res[0], st, ms, new SizeT(1)) == 0 && st.block_notional == 1000 && ms[0].used == 1000
        && res[0].block_released == 1500, "release the rest");
    check(lib.partliq_leg_reservation_release(res[0], st, ms, new SizeT(1)) == Partliq.STATUS_UNKNOWN_RESERVATION, "released once");
  }

  private static Memory defaultPolicy() {
    Memory policy = new Memory(Partliq.POLICY_SIZE);
    if (Partliq.LIB.partliq_policy_default(policy) != 0) {
      throw new IllegalStateException("partliq_policy_default");
    }
    return policy;
  }

  /**
   * The README's unified account (µUSD): USDC at par and SOL in lamports (e = −9, 80 / 90 %, 120 / 110 %) at 150 USD; BTC (e = −4, lot
   * 1,000, tick 100, 10 % / 5 %) at 57,000 USD, funding index 1,500; 40 SOL deposited, 1,000 USDC borrowed, 1 BTC long bought at 60,000,
   * last settled at 1,000, 0.5 BTC of resting asks.
   */
  private static void unifiedExample() {
    Partliq lib = Partliq.LIB;
    check(new Asset().size() == 40 && new Asset().offsetOf("imf_unit") == 32, "partliq_asset layout");
    check(new AssetBalance().size() == 16 && new PerpRisk().size() == 16 && new MarginLadder().size() == 16, "unified structs");
    check(new PerpPosition().size() == 48 && new PerpPosition().offsetOf("open_asks") == 40, "partliq_perp_position layout");
    check(new LevelFigures().size() == 16 && new UnifiedHealth().size() == 72 && new UnifiedHealth().offsetOf("maintenance") == 40
        && new UnifiedHealth().offsetOf("rung") == 68, "partliq_unified_health layout");
    Market btc = new Market();
    btc.quote_exponent = -4;
    btc.lot_step = 1000;
    btc.tick = 100;
    btc.tier_count = 1;
    btc.tiers[0].initial_ppm = 100000;
    btc.tiers[0].maintenance_ppm = 50000;
    Unified u = new Unified(new Pool(List.of(btc), List.of(5700000L), 0, List.of()), 1, 0, 2, 2, 2, 1);
    u.funding[0] = 1500;
    setAsset(u.assets[0], 0, 1000000, 1000000, 1000000, 1000000);
    setAsset(u.assets[1], -9, 800000, 900000, 1200000, 1100000);
    u.assetPrices[0] = 1;
    u.assetPrices[1] = 150000000;
    u.balances[0].asset_index = 1;
    u.balances[0].amount = 40000000000L;
    u.balances[1].asset_index = 0;
    u.balances[1].amount = -1000000000L;
    PerpPosition p = u.positions[0];
    p.margin = Partliq.POSITION_MARGIN_CROSS;
    p.size = 100000000L;
    p.quote_balance = -60000000000L;
    p.last_funding_index = 1000;
    p.open_asks = 50000000L;
    check(lib.partliq_asset_validate(u.assets[1]) == 0, "SOL validates");
    check(u.poolCount() == 1, "one pool");

    MarginLadder bpm = new MarginLadder();
    MarginLadder std = new MarginLadder();
    check(lib.partliq_margin_ladder_binance_portfolio_margin(bpm) == 0 && bpm.reduce_only_ppm == 1200000, "Binance ladder");
    check(lib.partliq_margin_ladder_standard(std) == 0 && std.liquidation_ppm == 1000000, "standard ladder");
    UnifiedHealth h = new UnifiedHealth();
    check(u.poolHealth(0, bpm, h) == 0, "unified pool health ok");
    // Equity 6,000 − 1,000 − 3,000 − 0.05 of funding = 1,999.95 USD; maintenance 5,400 − 1,000 − 3,000 − 0.05 against 2,850.
    check(h.equity == 1999950000L && h.maintenance.collateral == 1399950000L && h.maintenance.requirement == 2850000000L, "figures");
    check(h.initial.collateral == 799950000L && h.initial.requirement == 5700000000L && h.margin_ratio_ppm == 2035787L, "initial, ratio");
    check(h.state == Partliq.STATE_LIQUIDATABLE && h.rung == Partliq.MARGIN_RUNG_BACKSTOP, "liquidatable, backstop rung");
    UnifiedHealth a = new UnifiedHealth();
    check(u.accountHealth(std, a) == 0 && a.equity == h.equity && a.rung == Partliq.MARGIN_RUNG_LIQUIDATION, "account health, standard");

    Memory policy = defaultPolicy();
    AccountState st = new AccountState();
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Decision d = new Decision();
    check(u.pipeline(0, policy, st, legs, 1, d) == 0 && d.action == Partliq.ACTION_CANCEL_ORDERS && d.reason == Partliq.REASON_OPEN_ORDERS
        && d.plan.leg_count == 0, "cancel first");
    // Cancelled: 1,399,950,000 − 5.7x ≥ 2,850,000,000 − 28.5x ⇒ x = 63,599,000 sold at 56,430.00.
    u.positions[0].open_asks = 0;
    check(u.pipeline(0, policy, st, legs, 1, d) == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.plan.leg_count == 1, "then liquidate");
    check(legs[0].size_delta == -63599000L && legs[0].limit_price == 5643000L && legs[0].expected_cash == 35888915700L, "the leg");
    check(st.block_notional == 36251430000L, "the leg's notional booked");

    u.balances[0].asset_index = 7;
    UnifiedHealth kept = new UnifiedHealth();
    kept.equity = 42;
    check(u.poolHealth(0, std, kept) == Partliq.STATUS_UNKNOWN_ASSET && kept.equity == 42, "unknown asset, output untouched");
    u.balances[0].asset_index = 1;
    bpm.liquidation_ppm = 999999;
    check(lib.partliq_margin_ladder_validate(bpm) == Partliq.STATUS_INVALID_MARGIN_LADDER, "bad ladder");
    check(u.accountHealth(bpm, kept) == Partliq.STATUS_INVALID_MARGIN_LADDER && kept.equity == 42, "bad ladder refused");
    u.positions[0].margin = 2;
    check(u.poolHealth(0, std, kept) == Partliq.STATUS_INVALID_ENUM && kept.equity == 42, "bad margin refused");
  }

  /**
   * The core's leg and planner book: market 0 (lot and tick 1, 10 % / 5 %, a 1 % fee rounded up, all of it to the fund) at mark 100;
   * asset 0 the quote asset at par, asset 1 in hundredths (e = −2) at price 100, 80 / 90 % and 120 / 110 %; balances as given (asset,
   * amount pairs), one cross position when size is not 0.
   */
  private static Unified legsBook(long[] balances, long size, long quoteBalance) {
    Market m = new Market();
    m.lot_step = 1;
    m.tick = 1;
    m.tier_count = 1;
    m.tiers[0].initial_ppm = 100000;
    m.tiers[0].maintenance_ppm = 50000;
    m.liquidation_fee_ppm = 10000;
    Unified u = new Unified(new Pool(List.of(m), List.of(100L), 0, List.of()), 0, 0, 2, 2, balances.length / 2, size == 0 ? 0 : 1);
    setAsset(u.assets[0], 0, 1000000, 1000000, 1000000, 1000000);
    setAsset(u.assets[1], -2, 800000, 900000, 1200000, 1100000);
    u.assetPrices[0] = 1;
    u.assetPrices[1] = 100;
    for (int i = 0; i < balances.length / 2; i++) {
      u.balances[i].asset_index = (int) balances[2 * i];
      u.balances[i].amount = balances[2 * i + 1];
    }
    if (size != 0) {
      u.positions[0].size = size;
      u.positions[0].quote_balance = quoteBalance;
    }
    return u;
  }

  private static boolean isLeg(UnifiedLeg l, int kind, int position, int liability, int collateral, long amount) {
    return l.kind == kind && l.position_index == position && l.liability_asset == liability && l.collateral_asset == collateral
        && l.amount == amount;
  }

  /**
   * Unified liquidation, the core's figures: the swap of 938 (1,000 units of asset 1 against a 950 borrow; c = ⌈1.05 × 938⌉ = 985, the
   * liquidator ⌊984.9⌋ = 984, the fund 1), the planner's mix (a 700 borrow and a long 100 @ 100: the whole borrow, 87 closed and 33 of the
   * perp's loss taken over for 35 units, value 735 + 8,700 + 35 = 9,470), and the waterfall (a loss of 1,000: the fund's 600, then 400 over an open interest of 7, δ = 57,142,858, charges
   * 401, the surplus 1 back to the fund).
   */
  private static void liquidationExample() {
    Partliq lib = Partliq.LIB;
    check(new UnifiedLeg().size() == 24 && new LegTerms().size() == 16 && new LegSettlement().size() == 192
        && new LegSettlement().offsetOf("health_after") == 120 && new LegSizing().size() == 232 && new UnifiedPlan().size() == 96,
        "leg struct layouts");
    check(new LedgerEntry().size() == 32 && new WaterfallPolicy().size() == 24 && new Deficit().size() == 16
        && new WaterfallOutcome().size() == 208 && new WaterfallOutcome().offsetOf("socialization") == 128, "waterfall struct layouts");
    AssetLiquidationFees[] fees = (AssetLiquidationFees[]) new AssetLiquidationFees().toArray(2);
    fees[1].liquidator_bonus_ppm = 50000;
    LegTerms terms = new LegTerms();
    terms.target.kind = Partliq.TARGET_INITIAL;

    Unified swap = legsBook(new long[] {1, 1000, 0, -950}, 0, 0);
    UnifiedLeg leg = new UnifiedLeg();
    leg.kind = Partliq.LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY;
    leg.position_index = Partliq.NO_INDEX;
    leg.liability_asset = 0;
    leg.collateral_asset = 1;
    LegSizing z = new LegSizing();
    check(swap.sizeLeg(fees, terms, leg, z) == 0 && z.status == Partliq.OUTCOME_RESTORED && z.leg.amount == 938 && z.max_amount == 950,
        "the least swap repays 938");
    leg.amount = 938;
    LegSettlement s = new LegSettlement();
    check(swap.settleLeg(fees, terms, leg, s) == 0, "settle the swap");
    check(s.flows[0].unit == Partliq.FLOW_UNIT_ASSET && s.flows[0].index == 0 && s.flows[0].account == 938 && s.flows[0].liquidator == -938,
        "the borrow repaid");
    check(s.flows[1].index == 1 && s.flows[1].account == -985 && s.flows[1].liquidator == 984 && s.flows[1].insurance_fund == 1,
        "c = 985: liquidator 984, fund 1");
    check(s.value_liquidated == 985 && s.cost_to_account == 47
        && s.health_after.liquidation_end.collateral == s.health_after.liquidation_end.requirement, "value, cost, health after");
    leg.kind = 4;
    s.value_liquidated = 42;
    check(swap.settleLeg(fees, terms, leg, s) == Partliq.STATUS_INVALID_LEG_KIND && s.value_liquidated == 42, "bad leg kind refused");

    Unified mix = legsBook(new long[] {1, 1000, 0, -700}, 100, -10000);
    UnifiedLeg[] legs = (UnifiedLeg[]) new UnifiedLeg().toArray(4);
    UnifiedPlan plan = new UnifiedPlan();
    check(mix.plan(fees, terms, Partliq.PLAN_OBJECTIVE_LEAST_VALUE, legs, plan) == 0 && plan.status == Partliq.OUTCOME_RESTORED
        && plan.leg_count == 3 && plan.value_liquidated == 9470 && plan.cost_to_account == 35 + 87 + 2, "the mix of 9,470");
    check(isLeg(legs[0], Partliq.LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, Partliq.NO_INDEX, 0, 1, 700)
        && isLeg(legs[1], Partliq.LEG_KIND_REDUCE_PERP, 0, Partliq.NO_INDEX, Partliq.NO_INDEX, 87)
        && isLeg(legs[2], Partliq.LEG_KIND_DEPOSIT_FOR_PERP_LOSS, 0, Partliq.NO_INDEX, 1, 33), "700 repaid, 87 closed, 33 of the loss taken over");
    check(mix.plan(fees, terms, Partliq.PLAN_OBJECTIVE_LEAST_COST, legs, plan) == 0 && plan.leg_count == 1 && plan.cost_to_account == 100
        && legs[0].amount == 100, "least cost: the perp alone");
    UnifiedLeg[] one = (UnifiedLeg[]) new UnifiedLeg().toArray(1);
    check(mix.plan(fees, terms, Partliq.PLAN_OBJECTIVE_LEAST_VALUE, one, plan) == Partliq.STATUS_BUFFER_TOO_SMALL && plan.leg_count == 1,
        "one leg too few, the plan untouched");

    InsuranceFund fund = new InsuranceFund();
    check(lib.partliq_insurance_fund_new(700, 100, fund) == 0, "fund");
    WaterfallPolicy policy = new WaterfallPolicy();
    policy.steps[0] = Partliq.WATERFALL_STEP_INSURANCE_FUND;
    policy.steps[1] = Partliq.WATERFALL_STEP_SOCIALIZED_LOSS;
    policy.step_count = 2;
    policy.fund_scope = Partliq.FUND_SCOPE_GLOBAL;
    Deficit d = new Deficit();
    d.kind = Partliq.DEFICIT_KIND_PERP;
    d.amount = 1000;
    long[] payers = {3, -4};
    LedgerEntry[] ledger = (LedgerEntry[]) new LedgerEntry().toArray(6);
    WaterfallOutcome o = new WaterfallOutcome();
    int rc = lib.partliq_resolve_deficit(null, new SizeT(0), null, new SizeT(0), d, policy, fund, null, new SizeT(0), null, new SizeT(0), 0,
        payers, new SizeT(2), 1000000, ledger, new SizeT(6), o);
    check(rc == 0 && o.step_count == 2 && o.steps[0].absorbed == 600 && o.steps[1].absorbed == 400 && o.fund_paid == 600
        && o.fund_market == Partliq.NO_INDEX && o.ledger_len == 3, "fund 600, socialized 400");
    check(o.socialization.open_interest == 7 && o.socialization.delta == 57142858L && o.socialization.charged == 401
        && o.socialization.surplus == 1, "δ and charges");
    check(ledger[0].from.kind == Partliq.PARTY_KIND_INSURANCE_FUND && ledger[0].to.kind == Partliq.PARTY_KIND_ACCOUNT && ledger[0].amount == 600
        && ledger[1].from.kind == Partliq.PARTY_KIND_SOCIALIZED_PERP && ledger[1].amount == 400
        && ledger[2].to.kind == Partliq.PARTY_KIND_INSURANCE_FUND && ledger[2].amount == 1, "the ledger");
    check(fund.balance == 101 && fund.total_debits == 600 && fund.total_credits == 1 && o.fund_after.balance == 101, "the fund after");
    d.amount = 25;
    long[] nobody = {0};
    rc = lib.partliq_resolve_deficit(null, new SizeT(0), null, new SizeT(0), d, policy, fund, null, new SizeT(0), null, new SizeT(0), 0,
        nobody, new SizeT(1), 1000000, ledger, new SizeT(6), o);
    check(rc == Partliq.STATUS_DEFICIT_UNABSORBED && fund.balance == 101 && o.fund_paid == 600, "nobody to charge: refused, untouched");
  }

  private static String u(int v) {
    return Integer.toUnsignedString(v);
  }

  private static String uhealth(UnifiedHealth h) {
    return h.equity + " " + level(h.initial) + " " + level(h.liquidation_end) + " " + level(h.maintenance) + " "
        + Long.toUnsignedString(h.margin_ratio_ppm) + " " + h.state + " " + h.rung;
  }

  private static String legString(UnifiedLeg l) {
    return u(l.kind) + " " + u(l.position_index) + " " + u(l.liability_asset) + " " + u(l.collateral_asset) + " " + l.amount;
  }

  private static String settlementString(LegSettlement s) {
    StringBuilder b = new StringBuilder(legString(s.leg));
    for (Partliq.LegFlow f : s.flows) {
      b.append(' ').append(u(f.unit)).append(' ').append(u(f.index)).append(' ').append(f.account).append(' ').append(f.liquidator).append(' ')
          .append(f.counterparty).append(' ').append(f.insurance_fund);
    }
    return b.append(' ').append(s.value_liquidated).append(' ').append(s.cost_to_account).append(' ').append(uhealth(s.health_after)).toString();
  }

  /** A unified case's legs, plan or delisting (what 3 to 6, format in gen_cases.py). */
  private static String[] runLegs(Tokens t, long what, Unified un, int pool, int legsLen, MarginLadder ladder) {
    StringBuilder b = new StringBuilder();
    int st;
    if (what == 6) {
      t.expect("D");
      int market = t.u32();
      DelistingPolicy policy = new DelistingPolicy();
      policy.settlement_price = t.num();
      policy.fee_ppm = t.u32();
      PositionSettlement[] settled = legsLen == 0 ? null : (PositionSettlement[]) new PositionSettlement().toArray(legsLen);
      PoolDelisting d = new PoolDelisting();
      st = un.delist(pool, market, policy, ladder, settled, d);
      if (st != 0) {
        return new String[] {u(st), ""};
      }
      b.append(u(d.settled)).append(' ').append(u(d.outcome)).append(' ').append(u(d.deficit.kind)).append(' ').append(u(d.deficit.index))
          .append(' ').append(d.deficit.amount).append(' ').append(d.shortfall).append(' ').append(uhealth(d.health_after));
      for (int k = 0; k < d.settled; k++) {
        PositionSettlement x = settled[k];
        b.append(" | ").append(u(x.position_index)).append(' ').append(x.closed_size).append(' ').append(x.cash).append(' ').append(x.funding)
            .append(' ').append(x.fee).append(' ').append(x.quote_delta).append(' ').append(x.new_quote_balance);
      }
      return new String[] {"0", b.toString()};
    }
    t.expect("G");
    List<long[]> g = rows(t, 2);
    AssetLiquidationFees[] fees = g.isEmpty() ? null : (AssetLiquidationFees[]) new AssetLiquidationFees().toArray(g.size());
    for (int i = 0; i < g.size(); i++) {
      fees[i].liquidator_bonus_ppm = (int) g.get(i)[0];
      fees[i].insurance_fee_ppm = (int) g.get(i)[1];
    }
    t.expect("T");
    LegTerms terms = new LegTerms();
    terms.target.kind = t.u32();
    terms.target.buffer_ppm = t.u32();
    terms.perp_band_ppm = t.u32();
    if (what == 5) {
      t.expect("O");
      int objective = t.u32();
      int ordering = t.u32();
      UnifiedLeg[] legs = legsLen == 0 ? null : (UnifiedLeg[]) new UnifiedLeg().toArray(legsLen);
      UnifiedPlan plan = new UnifiedPlan();
      st = un.plan(pool, fees, terms, objective, ordering, legs, plan);
      if (st != 0) {
        return new String[] {u(st), ""};
      }
      b.append(u(plan.status)).append(' ').append(u(plan.leg_count)).append(' ').append(plan.value_liquidated).append(' ')
          .append(plan.cost_to_account).append(' ').append(uhealth(plan.health_after));
      for (int k = 0; k < plan.leg_count; k++) {
        b.append(" | ").append(legString(legs[k]));
      }
      return new String[] {"0", b.toString()};
    }
    t.expect("K");
    UnifiedLeg leg = new UnifiedLeg();
    leg.kind = t.u32();
    leg.position_index = t.u32();
    leg.liability_asset = t.u32();
    leg.collateral_asset = t.u32();
    leg.amount = t.num();
    if (what == 3) {
      LegSettlement s = new LegSettlement();
      st = un.settleLeg(pool, fees, terms, leg, s);
      return st != 0 ? new String[] {u(st), ""} : new String[] {"0", settlementString(s)};
    }
    LegSizing z = new LegSizing();
    st = un.sizeLeg(pool, fees, terms, leg, z);
    if (st != 0) {
      return new String[] {u(st), ""};
    }
    b.append(u(z.status)).append(' ').append(u(z.has_settlement)).append(' ').append(z.max_amount).append(' ').append(legString(z.leg));
    if (z.has_settlement != 0) {
      b.append(" | ").append(settlementString(z.settlement));
    }
    return new String[] {"0", b.toString()};
  }

  /** A waterfall case (format in gen_cases.py). */
  private static String[] runWaterfall(Tokens t) {
    Partliq lib = Partliq.LIB;
    t.expect("D");
    Deficit d = new Deficit();
    d.kind = t.u32();
    d.index = t.u32();
    d.amount = t.num();
    t.expect("W");
    WaterfallPolicy policy = new WaterfallPolicy();
    int n = (int) t.num();
    for (int i = 0; i < n; i++) {
      policy.steps[i] = t.u32();
    }
    policy.step_count = n;
    policy.fund_scope = t.u32();
    t.expect("F");
    long balance = t.num();
    long floor = t.num();
    t.expect("K");
    long cap = t.num();
    long depositIndex = t.num();
    t.expect("Y");
    long[] payers = new long[(int) t.num()];
    for (int i = 0; i < payers.length; i++) {
      payers[i] = t.num();
    }
    t.expect("X");
    List<long[]> a = rows(t, 8);
    Asset[] assets = a.isEmpty() ? null : (Asset[]) new Asset().toArray(a.size());
    for (int i = 0; i < a.size(); i++) {
      long[] r = a.get(i);
      assets[i].id = (int) r[0];
      assets[i].quote_exponent = (int) r[1];
      assets[i].initial_asset_weight_ppm = (int) r[2];
      assets[i].maintenance_asset_weight_ppm = (int) r[3];
      assets[i].initial_liability_weight_ppm = (int) r[4];
      assets[i].maintenance_liability_weight_ppm = (int) r[5];
      assets[i].imf_factor_ppm = (int) r[6];
      assets[i].imf_unit = r[7];
    }
    t.expect("Q");
    long[] prices = new long[(int) t.num()];
    for (int i = 0; i < prices.length; i++) {
      prices[i] = t.num();
    }
    t.expect("N");
    int ledgerLen = (int) t.num();
    InsuranceFund fund = new InsuranceFund();
    int st = lib.partliq_insurance_fund_new(balance, floor, fund);
    if (st != 0) {
      return new String[] {u(st), ""};
    }
    LedgerEntry[] ledger = ledgerLen == 0 ? null : (LedgerEntry[]) new LedgerEntry().toArray(ledgerLen);
    WaterfallOutcome o = new WaterfallOutcome();
    st = lib.partliq_resolve_deficit(assets, new SizeT(assets == null ? 0 : assets.length), prices.length == 0 ? null : prices,
        new SizeT(prices.length), d, policy, fund, null, new SizeT(0), null, new SizeT(0), cap, payers.length == 0 ? null : payers,
        new SizeT(payers.length), depositIndex, ledger, new SizeT(ledgerLen), o);
    if (st != 0) {
      return new String[] {u(st), ""};
    }
    StringBuilder b = new StringBuilder(u(o.step_count));
    for (int k = 0; k < o.step_count; k++) {
      b.append(' ').append(u(o.steps[k].step)).append(' ').append(o.steps[k].absorbed);
    }
    InsuranceFund f = o.fund_after;
    b.append(' ').append(u(o.fund_market)).append(' ').append(o.fund_paid).append(' ').append(o.adl_residual).append(' ').append(f.balance)
        .append(' ').append(f.floor).append(' ').append(f.initial).append(' ').append(f.total_credits).append(' ').append(f.total_debits);
    Partliq.Socialization x = o.socialization;
    b.append(' ').append(u(x.kind)).append(' ').append(x.open_interest).append(' ').append(x.delta).append(' ').append(x.charged).append(' ')
        .append(x.deposits).append(' ').append(x.old_index).append(' ').append(x.new_index).append(' ').append(x.deposits_after).append(' ')
        .append(x.surplus).append(' ').append(u(o.ledger_len));
    for (int k = 0; k < o.ledger_len; k++) {
      LedgerEntry e = ledger[k];
      b.append(" | ").append(u(e.from.kind)).append(' ').append(u(e.from.index)).append(' ').append(u(e.to.kind)).append(' ')
          .append(u(e.to.index)).append(' ').append(u(e.unit.kind)).append(' ').append(u(e.unit.index)).append(' ').append(e.amount);
    }
    return new String[] {"0", b.toString()};
  }

  /** A socialized-loss or haircut case. */
  private static String[] runSocial(Tokens t) {
    Partliq lib = Partliq.LIB;
    long which = t.num();
    long a = t.num();
    long b = t.num();
    long c = t.num();
    LongByReference v = new LongByReference();
    int st = which == 0 ? lib.partliq_socialized_delta(a, b, v)
        : which == 1 ? lib.partliq_socialized_charge(a, b, v)
        : which == 2 ? lib.partliq_haircut_index(a, b, c, v) : lib.partliq_haircut_balance(a, b, c, v);
    return st != 0 ? new String[] {u(st), ""} : new String[] {"0", Long.toString(v.getValue())};
  }

  private static String level(LevelFigures l) {
    return l.collateral + " " + l.requirement;
  }

  /** A unified case of the table (format in gen_cases.py). */
  private static String[] runUnified(Tokens t, Pool p) {
    t.expect("F");
    long[] funding = new long[(int) t.num()];
    for (int i = 0; i < funding.length; i++) {
      funding[i] = t.num();
    }
    t.expect("R");
    List<long[]> risk = rows(t, 3);
    t.expect("X");
    List<long[]> assets = rows(t, 8);
    t.expect("Q");
    long[] assetPrices = new long[(int) t.num()];
    for (int i = 0; i < assetPrices.length; i++) {
      assetPrices[i] = t.num();
    }
    t.expect("B");
    List<long[]> balances = rows(t, 2);
    t.expect("U");
    List<long[]> positions = rows(t, 7);
    Unified u = new Unified(p, funding.length, risk.size(), assets.size(), assetPrices.length, balances.size(), positions.size());
    if (u.funding != null) {
      u.funding = funding;
    }
    if (u.assetPrices != null) {
      u.assetPrices = assetPrices;
    }
    for (int i = 0; i < risk.size(); i++) {
      long[] r = risk.get(i);
      u.risk[i].imf_factor_ppm = (int) r[0];
      u.risk[i].initial_upnl_weight_ppm = (int) r[1];
      u.risk[i].imf_unit = r[2];
    }
    for (int i = 0; i < assets.size(); i++) {
      long[] r = assets.get(i);
      Asset a = u.assets[i];
      a.id = (int) r[0];
      a.quote_exponent = (int) r[1];
      a.initial_asset_weight_ppm = (int) r[2];
      a.maintenance_asset_weight_ppm = (int) r[3];
      a.initial_liability_weight_ppm = (int) r[4];
      a.maintenance_liability_weight_ppm = (int) r[5];
      a.imf_factor_ppm = (int) r[6];
      a.imf_unit = r[7];
    }
    for (int i = 0; i < balances.size(); i++) {
      u.balances[i].asset_index = (int) balances.get(i)[0];
      u.balances[i].amount = balances.get(i)[1];
    }
    for (int i = 0; i < positions.size(); i++) {
      long[] r = positions.get(i);
      PerpPosition q = u.positions[i];
      q.market_index = (int) r[0];
      q.margin = (int) r[1];
      q.size = r[2];
      q.quote_balance = r[3];
      q.last_funding_index = r[4];
      q.open_bids = r[5];
      q.open_asks = r[6];
    }
    int pool = t.u32();
    long what = t.num();
    int legsLen = (int) t.num();
    t.expect("L");
    MarginLadder ladder = new MarginLadder();
    ladder.warning_ppm = t.u32();
    ladder.reduce_only_ppm = t.u32();
    ladder.liquidation_ppm = t.u32();
    ladder.backstop_ppm = t.u32();
    if (what >= 3) {
      return runLegs(t, what, u, pool, legsLen, ladder);
    }
    if (what == 0 || what == 1) {
      UnifiedHealth h = new UnifiedHealth();
      int st = what == 0 ? u.poolHealth(pool, ladder, h) : u.accountHealth(ladder, h);
      if (st != 0) {
        return new String[] {Integer.toUnsignedString(st), ""};
      }
      return new String[] {"0", u.poolCount() + " " + h.equity + " " + level(h.initial) + " " + level(h.liquidation_end) + " "
          + level(h.maintenance) + " " + Long.toUnsignedString(h.margin_ratio_ppm) + " " + h.state + " " + h.rung};
    }
    PlanLeg[] legs = legsLen == 0 ? null : (PlanLeg[]) new PlanLeg().toArray(legsLen);
    Decision d = new Decision();
    int st = u.pipeline(pool, defaultPolicy(), new AccountState(), legs, legsLen, d);
    if (st != 0) {
      return new String[] {Integer.toUnsignedString(st), ""};
    }
    StringBuilder b = new StringBuilder();
    b.append(d.action).append(' ').append(d.reason).append(' ').append(d.plan.status).append(' ').append(d.plan.leg_count).append(' ')
        .append(health(d.plan.health_before)).append(' ').append(health(d.plan.health_after)).append(' ').append(d.plan.required_equity_after)
        .append(' ').append(d.plan.shortfall);
    for (int k = 0; k < d.plan.leg_count; k++) {
      PlanLeg l = legs[k];
      b.append(" | ").append(l.position_index).append(' ').append(l.size_delta).append(' ').append(l.limit_price).append(' ')
          .append(l.expected_cash).append(' ').append(l.expected_fee);
    }
    return new String[] {"0", b.toString()};
  }

  private static List<long[]> rows(Tokens t, int width) {
    List<long[]> out = new ArrayList<>();
    for (long i = 0, n = t.num(); i < n; i++) {
      long[] r = new long[width];
      for (int j = 0; j < width; j++) {
        r[j] = t.num();
      }
      out.add(r);
    }
    return out;
  }

  private static String health(Health h) {
    return h.equity + " " + h.initial_requirement + " " + h.maintenance_requirement + " " + h.free_collateral + " "
        + Long.toUnsignedString(h.margin_ratio_ppm) + " " + Integer.toUnsignedString(h.state);
  }

  private static final class Tokens {
    private final String[] words;
    private int pos;

    Tokens(String line) {
      words = line.trim().split("\\s+");
    }

    String word() {
      return words[pos++];
    }

    long num() {
      return Long.parseLong(word());
    }

    int u32() {
      return (int) num();
    }

    void expect(String tag) {
      String w = word();
      if (!w.equals(tag)) {
        throw new IllegalStateException("expected " + tag + ", got " + w);
      }
    }
  }

  static String runCase(String line) {
    Partliq lib = Partliq.LIB;
    Tokens t = new Tokens(line);
    String name = t.word();
    String op = t.word();
    t.expect("M");
    List<Market> ms = new ArrayList<>();
    for (long i = 0, n = t.num(); i < n; i++) {
      Market m = new Market();
      m.id = t.u32();
      m.quote_exponent = t.u32();
      m.lot_step = t.num();
      m.tick = t.num();
      m.liquidation_fee_ppm = t.u32();
      m.liquidator_fee_share_ppm = t.u32();
      m.dust_floor = t.num();
      m.tier_count = t.u32();
      for (int k = 0; k < m.tier_count; k++) {
        m.tiers[k].notional_floor = t.num();
        m.tiers[k].initial_ppm = t.u32();
        m.tiers[k].maintenance_ppm = t.u32();
      }
      ms.add(m);
    }
    t.expect("P");
    List<Long> ps = new ArrayList<>();
    for (long i = 0, n = t.num(); i < n; i++) {
      ps.add(t.num());
    }
    t.expect("C");
    long collateral = t.num();
    t.expect("S");
    List<Position> pos = new ArrayList<>();
    for (long i = 0, n = t.num(); i < n; i++) {
      int mi = t.u32();
      long size = t.num();
      pos.add(new Position(mi, size, t.num()));
    }
    t.expect("A");
    Pool p = new Pool(ms, ps, collateral, pos);
    int st;
    String res = "";
    switch (op) {
      case "validate": {
        st = lib.partliq_market_validate(p.markets[(int) t.num()]);
        break;
      }
      case "health":
      case "account": {
        Health h = new Health();
        st = op.equals("health")
            ? lib.partliq_pool_health(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), h)
            : lib.partliq_account_health(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), t.u32(), h);
        res = health(h);
        break;
      }
      case "close": {
        CloseRequest r = new CloseRequest();
        r.position_index = t.u32();
        r.execution_price = t.num();
        r.target.kind = t.u32();
        r.target.buffer_ppm = t.u32();
        CloseSizing c = new CloseSizing();
        st = lib.partliq_minimal_close(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), r, c);
        res = Integer.toUnsignedString(c.status) + " " + c.dust_closed + " " + c.exhaustive + " " + c.size_delta + " " + c.execution_price + " "
            + c.expected_cash + " " + c.expected_fee + " " + health(c.health_after) + " " + c.required_equity_after + " " + c.shortfall;
        break;
      }
      case "plan": {
        PlanParams params = new PlanParams();
        params.target.kind = t.u32();
        params.target.buffer_ppm = t.u32();
        params.price_band_ppm = t.u32();
        params.order = t.u32();
        int legsLen = (int) t.num();
        PlanLeg[] legs = legsLen == 0 ? null : (PlanLeg[]) new PlanLeg().toArray(legsLen);
        Plan plan = new Plan();
        st = lib.partliq_plan_liquidation(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), params, legs,
            new SizeT(legsLen), plan);
        StringBuilder b = new StringBuilder();
        b.append(plan.status).append(' ').append(plan.leg_count).append(' ').append(health(plan.health_before)).append(' ')
            .append(health(plan.health_after)).append(' ').append(plan.required_equity_after).append(' ').append(plan.shortfall).append(' ')
            .append(plan.dust_closed);
        for (int k = 0; st == 0 && k < plan.leg_count; k++) {
          PlanLeg l = legs[k];
          b.append(" | ").append(l.position_index).append(' ').append(l.size_delta).append(' ').append(l.limit_price).append(' ')
              .append(l.expected_cash).append(' ').append(l.expected_fee);
        }
        res = b.toString();
        break;
      }
      case "bankrupt": {
        Bankruptcy bk = new Bankruptcy();
        int i = t.u32();
        st = lib.partliq_bankruptcy_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), i, t.num(), bk);
        res = bk.quote + " " + bk.price;
        break;
      }
      case "limit": {
        LongByReference price = new LongByReference();
        int i = t.u32();
        st = lib.partliq_limit_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), i, t.u32(), price);
        res = Long.toString(price.getValue());
        break;
      }
      case "liqprice": {
        LiquidationPrice lp = new LiquidationPrice();
        st = lib.partliq_estimated_liquidation_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), t.u32(), lp);
        res = lp.kind + " " + lp.price;
        break;
      }
      case "settle": {
        Fill f = new Fill();
        f.position_index = t.u32();
        f.size_delta = t.num();
        f.price = t.num();
        Settlement s = new Settlement();
        st = lib.partliq_settle_fill(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), f, s);
        res = Integer.toUnsignedString(s.new_position.market_index) + " " + s.new_position.size + " " + s.new_position.quote_balance + " "
            + s.fill_cash + " " + s.bankruptcy_quote + " " + s.nominal_fee + " " + s.fee + " " + s.fee_to_liquidator + " " + s.fee_to_insurance
            + " " + s.bad_debt + " " + s.insurance_fund_delta + " " + s.position_quote_delta + " " + health(s.health_after);
        break;
      }
      case "unified": {
        String[] r = runUnified(t, p);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "waterfall": {
        String[] r = runWaterfall(t);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "social": {
        String[] r = runSocial(t);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      default:
        throw new IllegalStateException("unknown op " + op);
    }
    if (st != 0) {
      return name + " " + Integer.toUnsignedString(st);
    }
    return res.isEmpty() ? name + " 0" : name + " 0 " + res;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PartliqTest cases.txt expected.txt");
      System.exit(2);
    }
    layoutAndVersion();
    healthPlanSettle();
    pipelineAndDeleverage();
    unifiedExample();
    check(LendingTest.run() == 0, "lending mode (LendingTest)");
    liquidationExample();
    StringBuilder out = new StringBuilder();
    int cases = 0;
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      out.append(runCase(line)).append('\n');
      cases++;
    }
    String expected = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
    boolean same = expected.equals(out.toString());
    if (!same) {
      Path dump = Files.createTempFile("partliq_cases_java", ".txt");
      Files.writeString(dump, out.toString(), StandardCharsets.UTF_8);
      System.err.println("Java output differs from " + args[1] + " (written to " + dump + ")");
    }
    check(same, cases + " cases byte-identical to expected.txt");
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
