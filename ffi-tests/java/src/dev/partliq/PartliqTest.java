package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
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
import dev.partliq.Partliq.Ramps;
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
import dev.partliq.Partliq.UnifiedDecision;
import dev.partliq.Partliq.UnifiedLiquidationPolicy;
import dev.partliq.PartliqLending.AssetFlow;
import dev.partliq.PartliqLending.DebtToCover;
import dev.partliq.PartliqLending.LendingAccountHealth;
import dev.partliq.PartliqLending.LendingLiquidation;
import dev.partliq.PartliqLending.LendingTerms;
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
    check(new AccountState().size() == 56 && new MarketCapacityState().size() == 16, "state structs");
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

    /** partliq_run_unified_liquidation with no tiers; legsLen apart from legs (a NULL legs array may have a length). */
    int run(int poolIndex, AssetLiquidationFees[] fees, UnifiedLiquidationPolicy policy, int inLiquidation, UnifiedLeg[] legs, long legsLen,
        UnifiedDecision out) {
      Pool p = pool;
      return Partliq.LIB.partliq_run_unified_liquidation(p.markets, p.nm(), p.prices, p.np(), funding, n(funding), risk, n(risk), assets,
          n(assets), assetPrices, n(assetPrices), balances, n(balances), positions, n(positions), poolIndex, fees, n(fees), policy, null,
          new SizeT(0), null, new SizeT(0), inLiquidation, legs, new SizeT(legsLen), out);
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

  /**
   * The ramps through partliq_run_pipeline: long 100 at mark 100, quote
   * balance -9,600 (equity 400 < MM 500), no fee.
   */
  private static void ramps() {
    Partliq lib = Partliq.LIB;
    Ramps r = new Ramps();
    check(r.size() == 72 && r.offsetOf("fraction_initial_ppm") == 16 && r.offsetOf("band_mode") == 40
        && r.offsetOf("band_spread_to_maintenance_margin_ratio_ppm") == 64, "partliq_ramps layout");
    Market m = marketA();
    m.liquidation_fee_ppm = 0;
    Pool p = new Pool(List.of(m), List.of(100L), 0, List.of(new Position(0, 100, -9600)));
    Memory policy = new Memory(Partliq.POLICY_SIZE);
    check(lib.partliq_policy_default(policy) == 0, "default policy");
    // A Dutch band from 1 % to 3 % over 100; 50 in: 2 %, limit 98,
    // 400 − 2x ≥ 500 − 5x ⇒ x = 34.
    r.band_mode = Partliq.BAND_MODE_DUTCH;
    r.band_start_ppm = 10000;
    r.band_max_ppm = 30000;
    r.band_duration = 100;
    r.writeInto(policy);
    AccountState st = new AccountState();
    st.liquidation_started = 1;
    st.liquidation_start_time = 1000;
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Decision d = new Decision();
    int rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), policy, st, null,
        new SizeT(0), 1050, 1, legs, new SizeT(1), d);
    check(rc == 0 && d.action == Partliq.ACTION_LIQUIDATE && legs[0].size_delta == -34 && legs[0].limit_price == 98, "Dutch band leg");
    check(st.liquidation_started == 0 && st.liquidation_start_time == 0, "restored: the clock stops");
    // A start above the max: refused, the state untouched.
    r.band_start_ppm = 40000;
    check(lib.partliq_ramps_validate(r) == Partliq.STATUS_INVALID_RAMP, "Dutch start above max refused");
    r.writeInto(policy);
    st.block_notional = 7;
    rc = lib.partliq_run_pipeline(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), policy, st, null,
        new SizeT(0), 1050, 1, legs, new SizeT(1), d);
    check(rc == Partliq.STATUS_INVALID_RAMP && st.block_notional == 7, "bad ramps: refused, state untouched");
    r.band_mode = 3;
    check(lib.partliq_ramps_validate(r) == Partliq.STATUS_INVALID_ENUM, "unnamed band mode refused");
    // Drift's fee: base 1 %, started at 1,000, at 2,500: 10,000 + 1,500.
    Ramps drift = new Ramps();
    drift.fee_max_fee_ppm = 40000;
    drift.fee_increase_per_unit_ppm = 1;
    drift.fee_grace = 1500;
    AccountState started = new AccountState();
    started.liquidation_started = 1;
    started.liquidation_start_time = 1000;
    IntByReference fee = new IntByReference(7);
    check(lib.partliq_ramps_fee(drift, 10000, started, 2500, fee) == 0 && fee.getValue() == 11500, "Drift's fee ramp");
    fee.setValue(7);
    check(lib.partliq_ramps_fee(drift, 10000, null, 2500, fee) == Partliq.STATUS_NULL_POINTER && fee.getValue() == 7, "NULL state refused");
    // dYdX's fillable price: ABR = 0.2, SMMR 200 %: (10,000 − 200) / 100 = 98.
    LongByReference price = new LongByReference(5);
    check(lib.partliq_fillable_limit_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), 0, 1000000, 2000000,
        price) == 0 && price.getValue() == 98, "fillable limit price");
    price.setValue(5);
    check(lib.partliq_fillable_limit_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), 0, 999999, 1, price)
        == Partliq.STATUS_INVALID_RAMP && price.getValue() == 5, "fillable: bad adjustment refused");
    check(lib.partliq_fillable_limit_price(p.markets, p.nm(), p.prices, p.np(), p.collateral, p.positions, p.ns(), 1, 1000000, 1, price)
        == Partliq.STATUS_UNKNOWN_POSITION, "fillable: unknown position");
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
  static Unified legsBook(long[] balances, long size, long quoteBalance) {
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
        && new LegSettlement().offsetOf("health_after") == 120 && new LegSizing().size() == 232 && new UnifiedPlan().size() == 104,
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
        && plan.leg_count == 3 && plan.value_liquidated == 9470 && plan.cost_to_account == 35 + 87 + 2 && plan.proven_least == 1, "the mix of 9,470");
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

  /**
   * The whole step, partliq_run_unified_liquidation, on the planner's book: the mix of 9,470 in three legs (700 repaid, 87 closed, 33 of
   * the loss taken over for ceil(1.05 x 33) = 35 units); resting orders first; a bankrupt pool (100 units against a 120 borrow: equity
   * -20) taken over whole, or liquidated first (the swap of 95: ceil(1.05 x 95) = 100 units, all there is); nothing left and 25 owed: a
   * deficit; a healthy pool. Then every refusal, the legs and the decision untouched.
   */
  private static void runLiquidationExample() {
    check(new UnifiedLiquidationPolicy().size() == 32 && new UnifiedDecision().size() == 112 && new UnifiedDecision().offsetOf("plan") == 8,
        "whole-step struct layouts");
    AssetLiquidationFees[] fees = (AssetLiquidationFees[]) new AssetLiquidationFees().toArray(2);
    fees[1].liquidator_bonus_ppm = 50000;
    UnifiedLiquidationPolicy policy = new UnifiedLiquidationPolicy();
    policy.terms.target.kind = Partliq.TARGET_INITIAL;
    policy.objective = Partliq.PLAN_OBJECTIVE_LEAST_VALUE;
    policy.ordering = Partliq.LEG_ORDERING_CHEAPEST;
    policy.take_over_bankrupt = 1;
    Unified mix = legsBook(new long[] {1, 1000, 0, -700}, 100, -10000);
    UnifiedLeg[] legs = (UnifiedLeg[]) new UnifiedLeg().toArray(4);
    legs[3].amount = 9;
    UnifiedDecision d = new UnifiedDecision();
    check(mix.run(0, fees, policy, 0, legs, 4, d) == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.reason == Partliq.REASON_TARGET_RESTORED
        && d.plan.status == Partliq.OUTCOME_RESTORED && d.plan.leg_count == 3 && d.plan.value_liquidated == 735 + 8700 + 35
        && d.plan.cost_to_account == 35 + 87 + 2, "the whole step: the mix of 9,470");
    check(isLeg(legs[0], Partliq.LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, Partliq.NO_INDEX, 0, 1, 700)
        && isLeg(legs[1], Partliq.LEG_KIND_REDUCE_PERP, 0, Partliq.NO_INDEX, Partliq.NO_INDEX, 87)
        && isLeg(legs[2], Partliq.LEG_KIND_DEPOSIT_FOR_PERP_LOSS, 0, Partliq.NO_INDEX, 1, 33) && legs[3].amount == 9,
        "the whole step's legs, nothing past them");
    mix.positions[0].open_bids = 1;
    check(mix.run(0, fees, policy, 0, legs, 4, d) == 0 && d.action == Partliq.ACTION_CANCEL_ORDERS && d.reason == Partliq.REASON_OPEN_ORDERS
        && d.plan.leg_count == 0, "resting orders first");
    mix.positions[0].open_bids = 0;
    Unified bankrupt = legsBook(new long[] {1, 100, 0, -120}, 0, 0);
    check(bankrupt.run(0, fees, policy, 0, legs, 4, d) == 0 && d.action == Partliq.ACTION_TAKEOVER && d.reason == Partliq.REASON_BANKRUPT
        && d.plan.health_after.equity == -20, "bankrupt: taken over whole");
    policy.take_over_bankrupt = 0;
    check(bankrupt.run(0, fees, policy, 0, legs, 4, d) == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.reason == Partliq.REASON_INFEASIBLE
        && d.plan.leg_count == 1 && isLeg(legs[0], Partliq.LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, Partliq.NO_INDEX, 0, 1, 95)
        && d.plan.value_liquidated == 100, "bankrupt: liquidated first, the swap of 95");
    Unified owing = legsBook(new long[] {1, 0, 0, -25}, 0, 0);
    check(owing.run(0, fees, policy, 1, legs, 4, d) == 0 && d.action == Partliq.ACTION_RESOLVE_DEFICIT && d.reason == Partliq.REASON_BANKRUPT,
        "nothing left, 25 owed: a deficit");
    Unified healthy = legsBook(new long[] {1, 1000, 0, -10}, 0, 0);
    check(healthy.run(0, fees, policy, 0, null, 0, d) == 0 && d.action == Partliq.ACTION_NONE && d.reason == Partliq.REASON_HEALTHY,
        "healthy: nothing");
    check(healthy.run(0, fees, policy, 1, null, 0, d) == 0 && d.action == Partliq.ACTION_NONE && d.reason == Partliq.REASON_TARGET_MET,
        "healthy under way: the target met");

    policy.take_over_bankrupt = 1;
    UnifiedLeg[] kept = (UnifiedLeg[]) new UnifiedLeg().toArray(4);
    kept[0].amount = 9;
    kept[3].amount = 9;
    UnifiedDecision d0 = new UnifiedDecision();
    d0.action = 77;
    int[][] bad = {{1, 0, 0, 0, Partliq.STATUS_RESERVED_NOT_ZERO}, {0, 2, 0, 0, Partliq.STATUS_INVALID_ENUM},
        {0, 0, 4, 0, Partliq.STATUS_INVALID_ENUM}, {0, 0, 0, 2, Partliq.STATUS_INVALID_ENUM}};
    for (int[] b : bad) {
      UnifiedLiquidationPolicy p = new UnifiedLiquidationPolicy();
      p.terms.target.kind = Partliq.TARGET_INITIAL;
      p.terms.reserved = b[0];
      p.objective = b[1];
      p.ordering = b[2];
      p.take_over_bankrupt = b[3] == 0 ? 1 : b[3];
      check(mix.run(0, fees, p, 0, kept, 4, d0) == b[4] && d0.action == 77 && kept[0].amount == 9 && kept[3].amount == 9,
          "refused policy " + java.util.Arrays.toString(b) + ", untouched");
    }
    check(mix.run(0, fees, policy, 2, kept, 4, d0) == Partliq.STATUS_INVALID_ENUM && d0.action == 77, "in_liquidation 2 refused");
    check(mix.run(0, fees, policy, 0, kept, 2, d0) == Partliq.STATUS_BUFFER_TOO_SMALL && d0.action == 77 && kept[0].amount == 9,
        "two legs too few, untouched");
    check(mix.run(0, fees, null, 0, kept, 4, d0) == Partliq.STATUS_NULL_POINTER && d0.action == 77, "NULL policy");
    check(mix.run(0, fees, policy, 0, null, 4, d0) == Partliq.STATUS_NULL_POINTER && d0.action == 77, "NULL legs with a length");
    check(mix.run(0, fees, policy, 0, kept, 4, null) == Partliq.STATUS_NULL_POINTER && kept[0].amount == 9, "NULL out");
    check(mix.run(0, fees, policy, 0, kept, -1L, d0) == Partliq.STATUS_BAD_LENGTH && d0.action == 77 && kept[0].amount == 9,
        "SIZE_MAX legs refused");
    check(mix.run(3, fees, policy, 0, kept, 4, d0) == 33 && d0.action == 77, "a pool the account does not have");
  }

  private static String wide(long hi, long lo) {
    return hi + " " + Long.toUnsignedString(lo);
  }

  private static String lendingHealth(LendingAccountHealth h) {
    return wide(h.total_collateral_base_hi, h.total_collateral_base_lo) + " " + wide(h.total_debt_base_hi, h.total_debt_base_lo) + " "
        + wide(h.health_factor_hi, h.health_factor_lo) + " " + h.liquidatable;
  }

  /** A lending case (what 8 to 11, format in gen_cases.py). */
  private static String[] runLending(Tokens t, long what, Unified un) {
    PartliqLending lib = PartliqLending.LIB;
    t.expect("H");
    List<long[]> rs = rows(t, 5);
    LendingTerms[] terms = rs.isEmpty() ? null : (LendingTerms[]) new LendingTerms().toArray(rs.size());
    for (int i = 0; i < rs.size(); i++) {
      long[] r = rs.get(i);
      terms[i].liquidation_threshold_ppm = (int) r[0];
      terms[i].liquidation_bonus_ppm = (int) r[1];
      terms[i].protocol_fee_ppm = (int) r[2];
      terms[i].collateral_enabled = (byte) r[3];
      terms[i].base_exponent = (int) r[4];
    }
    Pool p = un.pool;
    SizeT nt = new SizeT(rs.size());
    int st;
    if (what == 11) {
      return new String[] {u(lib.partliq_lending_terms_validate(terms[0])), ""};
    }
    if (what == 8) {
      LendingAccountHealth h = new LendingAccountHealth();
      st = lib.partliq_lending_health(p.markets, p.nm(), p.prices, p.np(), un.funding, Unified.n(un.funding), un.risk, Unified.n(un.risk),
          un.assets, Unified.n(un.assets), un.assetPrices, Unified.n(un.assetPrices), un.balances, Unified.n(un.balances), un.positions,
          Unified.n(un.positions), terms, nt, h);
      return st != 0 ? new String[] {u(st), ""} : new String[] {"0", lendingHealth(h)};
    }
    t.expect("Z");
    int collateral = t.u32();
    int debt = t.u32();
    long amount = t.num();
    if (what == 10) {
      DebtToCover q = new DebtToCover();
      st = lib.partliq_least_debt_to_cover(p.markets, p.nm(), p.prices, p.np(), un.funding, Unified.n(un.funding), un.risk,
          Unified.n(un.risk), un.assets, Unified.n(un.assets), un.assetPrices, Unified.n(un.assetPrices), un.balances, Unified.n(un.balances),
          un.positions, Unified.n(un.positions), terms, nt, collateral, debt, (int) amount, q);
      if (st != 0) {
        return new String[] {u(st), ""};
      }
      return new String[] {"0", wide(q.debt_to_cover_hi, q.debt_to_cover_lo) + " " + wide(q.max_liquidatable_debt_hi, q.max_liquidatable_debt_lo)
          + " " + wide(q.health_factor_after_hi, q.health_factor_after_lo) + " " + q.restores + " " + q.exact};
    }
    AssetFlow[] flows = (AssetFlow[]) new AssetFlow().toArray(PartliqLending.MAX_LENDING_FLOWS);
    LendingLiquidation l = new LendingLiquidation();
    st = lib.partliq_plan_lending_liquidation(p.markets, p.nm(), p.prices, p.np(), un.funding, Unified.n(un.funding), un.risk,
        Unified.n(un.risk), un.assets, Unified.n(un.assets), un.assetPrices, Unified.n(un.assetPrices), un.balances, Unified.n(un.balances),
        un.positions, Unified.n(un.positions), terms, nt, collateral, debt, amount, flows, new SizeT(flows.length), l);
    if (st != 0) {
      return new String[] {u(st), ""};
    }
    StringBuilder b = new StringBuilder();
    b.append(u(l.collateral_asset)).append(' ').append(u(l.debt_asset)).append(' ').append(lendingHealth(l.before)).append(' ')
        .append(lendingHealth(l.after)).append(' ').append(wide(l.max_liquidatable_debt_hi, l.max_liquidatable_debt_lo)).append(' ')
        .append(wide(l.debt_repaid_hi, l.debt_repaid_lo)).append(' ').append(wide(l.collateral_seized_hi, l.collateral_seized_lo)).append(' ')
        .append(wide(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo)).append(' ').append(wide(l.protocol_fee_hi, l.protocol_fee_lo))
        .append(' ').append(wide(l.deficit_base_hi, l.deficit_base_lo)).append(' ').append(u(l.close_factor_rule)).append(' ').append(u(l.dust))
        .append(' ').append(u(l.flow_count));
    for (int k = 0; k < l.flow_count; k++) {
      AssetFlow f = flows[k];
      b.append(" | ").append(u(f.asset_index)).append(' ').append(wide(f.account_hi, f.account_lo)).append(' ')
          .append(wide(f.liquidator_hi, f.liquidator_lo)).append(' ').append(wide(f.protocol_hi, f.protocol_lo)).append(' ')
          .append(wide(f.deficit_hi, f.deficit_lo));
    }
    return new String[] {"0", b.toString()};
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

  /** A unified case's legs, plan, delisting or whole step (what 3 to 7, format in gen_cases.py). */
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
    if (what == 7) {
      t.expect("O");
      UnifiedLiquidationPolicy policy = new UnifiedLiquidationPolicy();
      policy.terms = terms;
      policy.objective = t.u32();
      policy.ordering = t.u32();
      policy.take_over_bankrupt = t.u32();
      int inLiquidation = t.u32();
      UnifiedLeg[] legs = legsLen == 0 ? null : (UnifiedLeg[]) new UnifiedLeg().toArray(legsLen);
      UnifiedDecision d = new UnifiedDecision();
      st = un.run(pool, fees, policy, inLiquidation, legs, legsLen, d);
      if (st != 0) {
        return new String[] {u(st), ""};
      }
      UnifiedPlan plan = d.plan;
      b.append(u(d.action)).append(' ').append(u(d.reason)).append(' ').append(u(plan.status)).append(' ').append(u(plan.leg_count)).append(' ')
          .append(plan.value_liquidated).append(' ').append(plan.cost_to_account).append(' ').append(uhealth(plan.health_after));
      for (int k = 0; k < plan.leg_count; k++) {
        b.append(" | ").append(legString(legs[k]));
      }
      return new String[] {"0", b.toString()};
    }
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
    if (what == 12) {
      return runUnifiedScan(t, u, ladder);
    }
    if (what == 13) {
      return runUnifiedIndex(t, u, ladder);
    }
    if (what >= 8) {
      return runLending(t, what, u);
    }
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
        res = planWords(plan, st == 0 ? legs : null, " | ");
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
      case "ixmaint": {
        String[] r = runIndexMaintenance(t, p);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "dydxmore": {
        String[] r = runDydxMore(t);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "aave": {
        String[] r = runAave(t);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "hbatch":
      case "pbatch":
      case "dbatch": {
        String[] r = runBatch(op, t, p);
        st = Integer.parseUnsignedInt(r[0]);
        res = r[1];
        break;
      }
      case "scan":
      case "index":
      case "priority":
      case "dydx": {
        String[] r = runHotPath(op, t, p);
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

  /** A plan as the table prints it, each leg (of legs, when not null) after sep. */
  private static String planWords(Plan plan, PlanLeg[] legs, String sep) {
    StringBuilder b = new StringBuilder();
    b.append(plan.status).append(' ').append(plan.leg_count).append(' ').append(health(plan.health_before)).append(' ')
        .append(health(plan.health_after)).append(' ').append(plan.required_equity_after).append(' ').append(plan.shortfall).append(' ')
        .append(plan.dust_closed);
    for (int k = 0; legs != null && k < plan.leg_count; k++) {
      PlanLeg l = legs[k];
      b.append(sep).append(l.position_index).append(' ').append(l.size_delta).append(' ').append(l.limit_price).append(' ')
          .append(l.expected_cash).append(' ').append(l.expected_fee);
    }
    return b.toString();
  }

  /** A unified case's `what` 12: the scan over u's flat balances and positions, through Batches.unifiedScan. */
  private static String[] runUnifiedScan(Tokens t, Unified u, MarginLadder ladder) {
    t.expect("A");
    int n = t.u32();
    PartliqBatch.UnifiedScanAccount[] as = new PartliqBatch.UnifiedScanAccount[n];
    for (int i = 0; i < n; i++) {
      as[i] = new PartliqBatch.UnifiedScanAccount();
      as[i].first_balance = t.u32();
      as[i].balance_count = t.u32();
      as[i].first_position = t.u32();
      as[i].position_count = t.u32();
    }
    t.expect("S");
    long sa = t.num();
    long sp = t.num();
    int hitsLen = t.u32();
    Pool p = u.pool;
    try {
      Batches.UnifiedScan r = Batches.unifiedScan(p.markets, p.prices, u.funding, u.risk, u.assets, u.assetPrices, u.balances, u.positions, as,
          sa, sp, ladder, hitsLen);
      PartliqBatch.UnifiedScanOutcome o = r.outcome;
      StringBuilder b = new StringBuilder();
      b.append(Long.toUnsignedString(o.count)).append(' ').append(o.next_account).append(' ').append(o.next_pool).append(' ')
          .append(o.resume_account).append(' ').append(o.resume_pool).append(' ').append(o.exact_checks).append(' ')
          .append(Integer.toUnsignedString(o.end)).append(' ').append(Integer.toUnsignedString(o.error));
      for (PartliqBatch.UnifiedScanHit h : r.hits) {
        b.append(" | ").append(h.account_index).append(' ').append(h.pool_index).append(' ').append(uhealth(h.health));
      }
      return new String[] {"0", b.toString()};
    } catch (PartliqException e) {
      return new String[] {Integer.toUnsignedString(e.status()), ""};
    }
  }

  /** A unified index query's answer: count, next, total, each entry after a `|`. */
  private static String uanswer(UnifiedIndex.Answer a) {
    StringBuilder b = new StringBuilder();
    b.append(Long.toUnsignedString(a.query.count)).append(' ').append(Long.toUnsignedString(a.query.next)).append(' ')
        .append(Long.toUnsignedString(a.query.total));
    for (PartliqUnifiedIndex.UnifiedIndexEntry e : a.entries) {
      b.append(" | ").append(Integer.toUnsignedString(e.key)).append(' ').append(Integer.toUnsignedString(e.account)).append(' ')
          .append(Integer.toUnsignedString(e.pool));
    }
    return b.toString();
  }

  /** A unified index case (what 13, format in gen_cases.py) through {@link UnifiedIndex}; the first failing call's status ends it. */
  private static String[] runUnifiedIndex(Tokens t, Unified u, MarginLadder ladder) {
    t.expect("A");
    int n = t.u32();
    PartliqBatch.UnifiedScanAccount[] as = n == 0 ? null : (PartliqBatch.UnifiedScanAccount[]) new PartliqBatch.UnifiedScanAccount().toArray(n);
    for (int i = 0; i < n; i++) {
      as[i].first_balance = t.u32();
      as[i].balance_count = t.u32();
      as[i].first_position = t.u32();
      as[i].position_count = t.u32();
    }
    t.expect("I");
    long capacity = t.num();
    long start = t.num();
    int outLen = t.u32();
    int hitsLen = t.u32();
    long[][] now = new long[2][];
    String[] tags = {"N", "W"};
    for (int k = 0; k < 2; k++) {
      t.expect(tags[k]);
      now[k] = new long[(int) t.num()];
      for (int i = 0; i < now[k].length; i++) {
        now[k][i] = t.num();
      }
    }
    t.expect("K");
    int from = t.u32();
    int to = t.u32();
    t.expect("E");
    int rekey = t.u32();
    long balance = t.num();
    long delta = t.num();
    int remove = t.u32();
    UnifiedIndex.Book book = new UnifiedIndex.Book();
    book.markets = u.pool.markets;
    book.prices = u.pool.prices;
    book.fundingIndexes = u.funding;
    book.perpRisk = u.risk;
    book.assets = u.assets;
    book.assetPrices = u.assetPrices;
    UnifiedIndex.Accounts accounts = new UnifiedIndex.Accounts();
    accounts.balances = u.balances;
    accounts.positions = u.positions;
    accounts.accounts = as;
    try {
      UnifiedIndex ix = new UnifiedIndex(capacity);
      StringBuilder b = new StringBuilder();
      for (int a = 0; a < n; a++) {
        b.append(ix.insertAccount(a, book, accounts, ladder)).append(' ');
      }
      PartliqUnifiedIndex.UnifiedIndexStats info = ix.info();
      b.append("; ").append(info.capacity).append(' ').append(info.down).append(' ').append(info.up).append(' ').append(info.both);
      PartliqUnifiedIndex.PriceMove mv = UnifiedIndex.priceMove(book.prices, now[0], book.assetPrices, now[1]);
      b.append(" ; ").append(Integer.toUnsignedString(mv.down_ppm)).append(' ').append(Integer.toUnsignedString(mv.up_ppm));
      UnifiedIndex.Answer cands = ix.candidates(mv, start, outLen);
      b.append(" ; ").append(uanswer(cands));
      for (int side = 0; side < 3; side++) {
        b.append(" ; ").append(uanswer(ix.crossed(side, from, to, start, outLen)));
      }
      UnifiedIndex.Confirmation k = UnifiedIndex.confirm(book.at(now[0], now[1]), accounts, cands.entries, 0, ladder, hitsLen);
      PartliqHotPath.ScanOutcome o = k.outcome;
      b.append(" ; ").append(Long.toUnsignedString(o.count)).append(' ').append(Long.toUnsignedString(o.next)).append(' ')
          .append(Long.toUnsignedString(o.exact_checks)).append(' ').append(Integer.toUnsignedString(o.end)).append(' ')
          .append(Integer.toUnsignedString(o.error));
      for (PartliqBatch.UnifiedScanHit h : k.hits) {
        b.append(" | ").append(h.account_index).append(' ').append(h.pool_index).append(' ').append(uhealth(h.health));
      }
      if (u.balances != null && balance >= 0 && balance < u.balances.length) {
        u.balances[(int) balance].amount += delta;
      }
      long[] rk = ix.rekeyAccount(rekey, book, accounts, ladder);
      long gone = ix.removeAccount(remove);
      info = ix.info();
      b.append(" ; ").append(rk[0]).append(' ').append(rk[1]).append(' ').append(gone).append(" ; ").append(info.capacity).append(' ')
          .append(info.down).append(' ').append(info.up).append(' ').append(info.both);
      b.append(" ; ").append(uanswer(ix.candidates(mv, 0, outLen)));
      return new String[] {"0", b.toString()};
    } catch (PartliqException e) {
      return new String[] {Integer.toUnsignedString(e.status()), ""};
    }
  }

  // ---- The ixmaint cases (format in gen_cases.py): {status, result}.

  private static String[] runIndexMaintenance(Tokens t, Pool p) {
    PartliqHotPath h = PartliqHotPath.LIB;
    int market = t.u32();
    long capacity = t.num();
    long from = t.num();
    long to = t.num();
    long start = t.num();
    int outLen = t.u32();
    int rekey = t.u32();
    long delta = t.num();
    int remove = t.u32();
    int hitsLen = t.u32();
    PartliqHotPath.ScanAccount[] as = readAccounts(t);
    int na = as == null ? 0 : as.length;
    SizeT nas = new SizeT(na);
    long len = h.partliq_index_size(new SizeT(capacity)).longValue();
    com.sun.jna.Pointer mem = alignedMemory(len, 8);
    SizeT ilen = new SizeT(len);
    StringBuilder b = new StringBuilder();
    int st = h.partliq_index_init(mem, ilen, market, new SizeT(capacity));
    long[] one = new long[1];
    for (int a = 0; a < na && st == 0; a++) {
      st = h.partliq_index_insert_account(mem, ilen, a, as, nas, p.positions, p.ns(), p.markets, p.nm(), p.prices, p.np(), p.prices, p.np(),
          one);
      b.append(one[0]).append(' ');
    }
    if (rekey < na) {
      as[rekey].collateral += delta;
    }
    long[] removed = new long[1];
    long[] inserted = new long[1];
    long[] gone = new long[1];
    if (st == 0) {
      st = h.partliq_index_rekey_account(mem, ilen, rekey, as, nas, p.positions, p.ns(), p.markets, p.nm(), p.prices, p.np(), p.prices, p.np(),
          removed, inserted);
    }
    if (st == 0) {
      st = h.partliq_index_remove_account(mem, ilen, remove, gone);
    }
    PartliqHotPath.IndexStats info = new PartliqHotPath.IndexStats();
    if (st == 0) {
      st = h.partliq_index_info(mem, ilen, info);
    }
    PartliqHotPath.IndexEntry[] out = outLen == 0 ? null : (PartliqHotPath.IndexEntry[]) new PartliqHotPath.IndexEntry().toArray(outLen);
    PartliqHotPath.IndexQuery q = new PartliqHotPath.IndexQuery();
    if (st == 0) {
      st = h.partliq_index_crossed(mem, ilen, market, from, to, new SizeT(start), out, new SizeT(outLen), q);
    }
    long slen = h.partliq_scanner_size(p.nm()).longValue();
    com.sun.jna.Pointer smem = alignedMemory(slen, 16);
    if (st == 0) {
      st = h.partliq_scanner_init(smem, new SizeT(slen), p.markets, p.nm(), p.prices, p.np());
    }
    PartliqHotPath.ScanHit[] hits = hitsLen == 0 ? null : (PartliqHotPath.ScanHit[]) new PartliqHotPath.ScanHit().toArray(hitsLen);
    PartliqHotPath.ScanOutcome o = new PartliqHotPath.ScanOutcome();
    if (st == 0) {
      st = h.partliq_scanner_confirm(smem, new SizeT(slen), p.markets, p.nm(), p.prices, p.np(), q.count == 0 ? null : out, new SizeT(q.count),
          as, nas, p.positions, p.ns(), new SizeT(0), hits, new SizeT(hitsLen), o);
    }
    if (st != 0) {
      return new String[] {Integer.toUnsignedString(st), ""};
    }
    b.append(removed[0]).append(' ').append(inserted[0]).append(' ').append(gone[0]).append(' ').append(info.longs).append(' ').append(info.shorts);
    b.append(' ').append(q.count).append(' ').append(q.next).append(' ').append(q.total);
    for (int k = 0; k < q.count; k++) {
      b.append(" | ").append(out[k].key).append(' ').append(Integer.toUnsignedString(out[k].account)).append(' ')
          .append(Integer.toUnsignedString(out[k].position));
    }
    b.append(" ; ").append(o.count).append(' ').append(o.next).append(' ').append(o.exact_checks).append(' ').append(o.end).append(' ')
        .append(Integer.toUnsignedString(o.error));
    for (int k = 0; k < o.count; k++) {
      b.append(" | ").append(hits[k].account_index).append(' ').append(health(hits[k].health));
    }
    return new String[] {"0", b.toString()};
  }

  // ---- The dydxmore cases (format in gen_cases.py): {status, result}.

  private static String[] runDydxMore(Tokens t) {
    PartliqHotPath h = PartliqHotPath.LIB;
    long[] v = new long[25];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.num();
    }
    int n = t.u32();
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = t.u32();
    }
    int[] idArg = n == 0 ? null : ids;
    PartliqHotPath.DydxPosition p = new PartliqHotPath.DydxPosition();
    p.atomic_resolution = (int) v[0];
    p.open_interest = v[1];
    p.liquidity_tier.initial_margin_ppm = (int) v[2];
    p.liquidity_tier.maintenance_fraction_ppm = (int) v[3];
    p.liquidity_tier.open_interest_lower_cap = v[4];
    p.liquidity_tier.open_interest_upper_cap = v[5];
    p.price = v[6];
    p.price_exponent = (int) v[7];
    p.quantums = v[8];
    p.quote_balance = v[9];
    PartliqHotPath.DydxConfig cfg = new PartliqHotPath.DydxConfig();
    if (v[14] == 1) {
      h.partliq_dydx_liquidation_config_mainnet_genesis(cfg);
    } else {
      h.partliq_dydx_liquidation_config_code_default(cfg);
    }
    PartliqHotPath.DydxClobPair clob = new PartliqHotPath.DydxClobPair();
    clob.step_base_quantums = v[15];
    clob.subticks_per_tick = (int) v[16];
    clob.quantum_conversion_exponent = (int) v[17];
    PartliqHotPath.DydxFill fill = new PartliqHotPath.DydxFill();
    fill.fill_amount = v[18];
    fill.subticks = v[19];
    fill.is_buy = (int) v[20];
    int[] imf = new int[1];
    PartliqHotPath.DydxRisk own = new PartliqHotPath.DydxRisk();
    PartliqHotPath.DydxRisk total = new PartliqHotPath.DydxRisk();
    long[] bankruptcy = new long[1];
    long[] fund = new long[1];
    long[] size = new long[1];
    PartliqHotPath.DydxNotionalLimits lim = new PartliqHotPath.DydxNotionalLimits();
    PartliqHotPath.DydxBlockLeft left = new PartliqHotPath.DydxBlockLeft();
    int st = h.partliq_dydx_adjusted_initial_margin_ppm(p.liquidity_tier, v[13], imf);
    if (st == 0) {
      st = h.partliq_dydx_position_risk(p, (int) v[11], own);
    }
    if (st == 0) {
      st = h.partliq_dydx_subaccount_risk(v[10], new PartliqHotPath.DydxPosition[] {p}, new SizeT(1), total);
    }
    if (st == 0) {
      st = h.partliq_dydx_bankruptcy_price_quote_quantums(p, total, v[12], bankruptcy);
    }
    if (st == 0) {
      st = h.partliq_dydx_insurance_fund_delta(p, total, clob, (int) v[21], fill, fund);
    }
    if (st == 0) {
      st = h.partliq_dydx_position_notional_limits(p, cfg, lim);
    }
    if (st == 0) {
      st = h.partliq_dydx_subaccount_block_left(cfg, idArg, new SizeT(n), v[22], v[23], (int) v[24], left);
    }
    if (st == 0) {
      st = h.partliq_dydx_liquidatable_size_delta(p, clob, cfg, idArg, new SizeT(n), v[22], v[23], size);
    }
    if (st != 0) {
      return new String[] {Integer.toUnsignedString(st), ""};
    }
    return new String[] {"0", Integer.toUnsignedString(imf[0]) + " " + own.mmr + " " + own.imr + " " + own.nc + " " + total.mmr + " " + total.imr
        + " " + total.nc + " " + bankruptcy[0] + " " + fund[0] + " " + lim.min + " " + lim.max + " " + left.notional + " " + left.insurance_lost
        + " " + size[0]};
  }

  // ---- The Aave v3 cases (format in gen_cases.py): {status, result}.

  private static String words(PartliqHotPath.I128 v) {
    return v.hi + " " + Long.toUnsignedString(v.lo);
  }

  private static void setWide(PartliqHotPath.I128 to, java.math.BigInteger v) {
    to.hi = v.shiftRight(64).longValue();
    to.lo = v.longValue();
  }

  private static final java.math.BigInteger RAY = java.math.BigInteger.TEN.pow(27);

  private static String[] runAave(Tokens t) {
    PartliqHotPath h = PartliqHotPath.LIB;
    int n = t.u32();
    PartliqHotPath.AaveReserve[] rs = (PartliqHotPath.AaveReserve[]) new PartliqHotPath.AaveReserve().toArray(n);
    PartliqHotPath.AaveUserReserve[] us = (PartliqHotPath.AaveUserReserve[]) new PartliqHotPath.AaveUserReserve().toArray(n);
    java.math.BigInteger e9 = java.math.BigInteger.valueOf(1_000_000_000L);
    for (int i = 0; i < n; i++) {
      setWide(rs[i].price, java.math.BigInteger.valueOf(t.num()));
      rs[i].decimals = t.u32();
      rs[i].liquidation_threshold = t.u32();
      rs[i].liquidation_bonus = t.u32();
      rs[i].liquidation_protocol_fee = t.u32();
      setWide(rs[i].liquidity_index, RAY.add(java.math.BigInteger.valueOf(t.num()).multiply(e9)));
      setWide(rs[i].variable_borrow_index, RAY.add(java.math.BigInteger.valueOf(t.num()).multiply(e9)));
      setWide(us[i].scaled_collateral, java.math.BigInteger.valueOf(t.num()));
      setWide(us[i].scaled_debt, java.math.BigInteger.valueOf(t.num()));
      us[i].use_as_collateral = t.u32();
    }
    PartliqHotPath.AaveCall call = new PartliqHotPath.AaveCall();
    call.collateral_index = t.u32();
    call.debt_index = t.u32();
    setWide(call.debt_to_cover, java.math.BigInteger.valueOf(t.num()));
    call.receive_a_token = t.u32();
    SizeT len = new SizeT(n);
    PartliqHotPath.AaveAccount a = new PartliqHotPath.AaveAccount();
    PartliqHotPath.AaveMaxDebt cf = new PartliqHotPath.AaveMaxDebt();
    PartliqHotPath.AaveCollateralQuote q = new PartliqHotPath.AaveCollateralQuote();
    PartliqHotPath.AaveLiquidation l = new PartliqHotPath.AaveLiquidation();
    PartliqHotPath.AaveUserReserve[] after = (PartliqHotPath.AaveUserReserve[]) new PartliqHotPath.AaveUserReserve().toArray(n);
    PartliqHotPath.I128[] deficits = (PartliqHotPath.I128[]) new PartliqHotPath.I128().toArray(n);
    int st = h.partliq_aave_account_data(rs, len, us, len, a);
    if (st == 0) {
      st = h.partliq_aave_close_factor(rs, len, us, len, call.collateral_index, call.debt_index, cf);
    }
    if (st == 0) {
      PartliqHotPath.AaveReserve col = rs[call.collateral_index];
      PartliqHotPath.I128 cover = new PartliqHotPath.I128();
      cover.hi = call.debt_to_cover.hi;
      cover.lo = call.debt_to_cover.lo;
      PartliqHotPath.I128 balance = new PartliqHotPath.I128();
      balance.hi = cf.reserve_collateral.hi;
      balance.lo = cf.reserve_collateral.lo;
      st = h.partliq_aave_collateral_for_debt(col, rs[call.debt_index], cover, balance, col.liquidation_bonus, q);
    }
    if (st == 0) {
      st = h.partliq_aave_liquidation_call(rs, len, us, len, call, after, len, deficits, len, l);
    }
    if (st != 0) {
      return new String[] {Integer.toUnsignedString(st), ""};
    }
    StringBuilder b = new StringBuilder();
    b.append(words(a.total_collateral_base)).append(' ').append(words(a.total_debt_base)).append(' ').append(words(a.avg_liquidation_threshold))
        .append(' ').append(words(a.health_factor));
    b.append(' ').append(words(cf.max_liquidatable_debt)).append(' ').append(words(cf.reserve_debt)).append(' ').append(words(cf.reserve_debt_base))
        .append(' ').append(words(cf.reserve_collateral)).append(' ').append(words(cf.reserve_collateral_base)).append(' ')
        .append(Integer.toUnsignedString(cf.rule));
    b.append(' ').append(words(q.collateral_to_liquidator)).append(' ').append(words(q.debt_repaid)).append(' ').append(words(q.protocol_fee))
        .append(' ').append(words(q.bonus_collateral)).append(' ').append(words(q.base_collateral)).append(' ')
        .append(Integer.toUnsignedString(q.capped_by_balance));
    b.append(' ').append(words(l.debt_repaid)).append(' ').append(words(l.collateral_to_liquidator)).append(' ').append(words(l.protocol_fee))
        .append(' ').append(words(l.deficit)).append(' ').append(Integer.toUnsignedString(l.dust)).append(' ')
        .append(Integer.toUnsignedString(l.bad_debt_reserves));
    for (int i = 0; i < n; i++) {
      b.append(" | ").append(words(after[i].scaled_collateral)).append(' ').append(words(after[i].scaled_debt)).append(' ')
          .append(words(deficits[i]));
    }
    return new String[] {"0", b.toString()};
  }

  // ---- The batch cases (format in gen_cases.py), through the Batches wrappers: {status, result}.

  private static PartliqBatch.BatchAccount[] readBatchAccounts(Tokens t) {
    int n = t.u32();
    if (n == 0) {
      return null;
    }
    PartliqBatch.BatchAccount[] as = (PartliqBatch.BatchAccount[]) new PartliqBatch.BatchAccount().toArray(n);
    for (PartliqBatch.BatchAccount a : as) {
      a.collateral = t.num();
      a.first_position = t.u32();
      a.position_count = t.u32();
    }
    return as;
  }

  /** Each account's part: its status, then its figures when OK; the accounts separated by " | ". */
  private static <T> String batchLine(Batches.PerAccount<T> r, java.util.function.Function<T, String> figures) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.size(); i++) {
      if (i > 0) {
        b.append(" | ");
      }
      b.append(Integer.toUnsignedString(r.status(i)));
      if (r.status(i) == 0) {
        b.append(' ').append(figures.apply(r.get(i)));
      }
    }
    return b.toString();
  }

  private static String[] runBatch(String op, Tokens t, Pool p) {
    try {
      switch (op) {
        case "hbatch":
          return new String[] {"0", batchLine(Batches.poolHealth(p.markets, p.prices, readBatchAccounts(t), p.positions), PartliqTest::health)};
        case "pbatch": {
          PlanParams params = new PlanParams();
          params.target.kind = t.u32();
          params.target.buffer_ppm = t.u32();
          params.price_band_ppm = t.u32();
          params.order = t.u32();
          int per = t.u32();
          Batches.PerAccount<Batches.PlannedAccount> r = Batches.plans(p.markets, p.prices, readBatchAccounts(t), p.positions, params, per);
          return new String[] {"0", batchLine(r, a -> planWords(a.plan, a.legs, " / "))};
        }
        default: {
          int n = t.u32();
          PartliqBatch.BatchDydxPosition[] ps =
              n == 0 ? null : (PartliqBatch.BatchDydxPosition[]) new PartliqBatch.BatchDydxPosition().toArray(n);
          for (int i = 0; i < n; i++) {
            ps[i].atomic_resolution = t.u32();
            ps[i].open_interest = t.num();
            ps[i].initial_margin_ppm = t.u32();
            ps[i].maintenance_fraction_ppm = t.u32();
            ps[i].open_interest_lower_cap = t.num();
            ps[i].open_interest_upper_cap = t.num();
            ps[i].price = t.num();
            ps[i].price_exponent = t.u32();
            ps[i].quantums = t.num();
            ps[i].quote_balance = t.num();
          }
          Batches.PerAccount<PartliqBatch.BatchDydxRisk> r = Batches.dydxSubaccountRisk(readBatchAccounts(t), ps);
          return new String[] {"0", batchLine(r, x -> x.mmr + " " + x.imr + " " + x.nc + " " + Integer.toUnsignedString(x.liquidatable))};
        }
      }
    } catch (PartliqException e) {
      return new String[] {Integer.toUnsignedString(e.status()), ""};
    }
  }

  // ---- The hot path's cases (format in gen_cases.py): {status, result}.

  private static com.sun.jna.Pointer alignedMemory(long len, int align) {
    com.sun.jna.Memory m = new com.sun.jna.Memory(len + align);
    m.clear();
    return m.align(align);
  }

  private static PartliqHotPath.ScanAccount[] readAccounts(Tokens t) {
    int n = t.u32();
    if (n == 0) {
      return null;
    }
    PartliqHotPath.ScanAccount[] as = (PartliqHotPath.ScanAccount[]) new PartliqHotPath.ScanAccount().toArray(n);
    for (PartliqHotPath.ScanAccount a : as) {
      a.collateral = t.num();
      a.first_position = t.u32();
      a.position_count = t.u32();
    }
    return as;
  }

  private static String[] runHotPath(String op, Tokens t, Pool p) {
    PartliqHotPath h = PartliqHotPath.LIB;
    StringBuilder b = new StringBuilder();
    int st;
    switch (op) {
      case "scan": {
        int buf = t.u32();
        long start = t.num();
        PartliqHotPath.ScanAccount[] as = readAccounts(t);
        SizeT na = new SizeT(as == null ? 0 : as.length);
        long len = h.partliq_scanner_size(p.nm()).longValue();
        com.sun.jna.Pointer mem = alignedMemory(len, 16);
        st = h.partliq_scanner_init(mem, new SizeT(len), p.markets, p.nm(), p.prices, p.np());
        PartliqHotPath.ScanHit[] hits = buf == 0 ? null : (PartliqHotPath.ScanHit[]) new PartliqHotPath.ScanHit().toArray(buf);
        PartliqHotPath.ScanOutcome o = new PartliqHotPath.ScanOutcome();
        if (st == 0) {
          st = h.partliq_scanner_scan(mem, new SizeT(len), p.markets, p.nm(), p.prices, p.np(), as, na, p.positions, p.ns(), new SizeT(start),
              hits, new SizeT(buf), o);
        }
        if (st == 0) {
          b.append(o.count).append(' ').append(o.next).append(' ').append(o.exact_checks).append(' ').append(o.end).append(' ')
              .append(Integer.toUnsignedString(o.error));
          for (int k = 0; k < o.count; k++) {
            b.append(" | ").append(hits[k].account_index).append(' ').append(health(hits[k].health));
          }
        }
        break;
      }
      case "index": {
        int market = t.u32();
        long capacity = t.num();
        long price = t.num();
        long start = t.num();
        int outLen = t.u32();
        PartliqHotPath.ScanAccount[] as = readAccounts(t);
        int na = as == null ? 0 : as.length;
        long len = h.partliq_index_size(new SizeT(capacity)).longValue();
        com.sun.jna.Pointer mem = alignedMemory(len, 8);
        st = h.partliq_index_init(mem, new SizeT(len), market, new SizeT(capacity));
        long[] inserted = new long[1];
        for (int a = 0; a < na && st == 0; a++) {
          st = h.partliq_index_insert_account(mem, new SizeT(len), a, as, new SizeT(na), p.positions, p.ns(), p.markets, p.nm(), p.prices,
              p.np(), p.prices, p.np(), inserted);
          b.append(inserted[0]).append(' ');
        }
        PartliqHotPath.IndexEntry[] out = outLen == 0 ? null : (PartliqHotPath.IndexEntry[]) new PartliqHotPath.IndexEntry().toArray(outLen);
        PartliqHotPath.IndexQuery q = new PartliqHotPath.IndexQuery();
        if (st == 0) {
          st = h.partliq_index_candidates(mem, new SizeT(len), market, price, new SizeT(start), out, new SizeT(outLen), q);
        }
        if (st == 0) {
          b.append(q.count).append(' ').append(q.next).append(' ').append(q.total);
          for (int k = 0; k < q.count; k++) {
            b.append(" | ").append(out[k].key).append(' ').append(Integer.toUnsignedString(out[k].account)).append(' ')
                .append(Integer.toUnsignedString(out[k].position));
          }
        }
        break;
      }
      case "priority": {
        int order = t.u32();
        int n = t.u32();
        PartliqHotPath.PriorityItem[] items = (PartliqHotPath.PriorityItem[]) new PartliqHotPath.PriorityItem().toArray(n);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
          items[i].equity = t.num();
          items[i].maintenance = t.num();
          items[i].notional = t.num();
          items[i].oracle_price = t.num();
          items[i].fillable_price = t.num();
          idx[i] = i;
        }
        st = h.partliq_sort_by_priority(items, new SizeT(n), order, idx, new SizeT(n));
        if (st == 0) {
          for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(idx[i]);
          }
        }
        break;
      }
      default: {
        long[] v = new long[15];
        for (int i = 0; i < 15; i++) {
          v[i] = t.num();
        }
        PartliqHotPath.DydxPosition[] pos = (PartliqHotPath.DydxPosition[]) new PartliqHotPath.DydxPosition().toArray(1);
        pos[0].atomic_resolution = (int) v[0];
        pos[0].open_interest = v[1];
        pos[0].liquidity_tier.initial_margin_ppm = (int) v[2];
        pos[0].liquidity_tier.maintenance_fraction_ppm = (int) v[3];
        pos[0].liquidity_tier.open_interest_lower_cap = v[4];
        pos[0].liquidity_tier.open_interest_upper_cap = v[5];
        pos[0].price = v[6];
        pos[0].price_exponent = (int) v[7];
        pos[0].quantums = v[8];
        pos[0].quote_balance = v[9];
        PartliqHotPath.DydxRisk r = new PartliqHotPath.DydxRisk();
        PartliqHotPath.DydxConfig cfg = new PartliqHotPath.DydxConfig();
        h.partliq_dydx_liquidation_config_code_default(cfg);
        PartliqHotPath.DydxRational price = new PartliqHotPath.DydxRational();
        com.sun.jna.Pointer clob = alignedMemory(16, 8);
        clob.setLong(0, v[12]);
        clob.setInt(8, (int) v[13]);
        clob.setInt(12, (int) v[14]);
        long[] subticks = new long[1];
        st = h.partliq_dydx_subaccount_risk(v[10], pos, new SizeT(1), r);
        if (st == 0) {
          st = h.partliq_dydx_fillable_price(pos[0], r, v[11], cfg, price);
        }
        if (st == 0) {
          st = h.partliq_dydx_fillable_price_to_subticks(price, v[8] > 0 ? 1 : 0, clob, subticks);
        }
        if (st == 0) {
          b.append(r.mmr).append(' ').append(r.imr).append(' ').append(r.nc).append(' ').append(price.num.hi).append(' ')
              .append(Long.toUnsignedString(price.num.lo)).append(' ').append(price.den.hi).append(' ')
              .append(Long.toUnsignedString(price.den.lo)).append(' ').append(Long.toUnsignedString(subticks[0]));
        }
        break;
      }
    }
    return new String[] {Integer.toUnsignedString(st), b.toString()};
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PartliqTest cases.txt expected.txt");
      System.exit(2);
    }
    layoutAndVersion();
    healthPlanSettle();
    pipelineAndDeleverage();
    ramps();
    unifiedExample();
    check(LendingTest.run() == 0, "lending mode (LendingTest)");
    check(HotPathTest.run() == 0, "the hot path (HotPathTest)");
    check(OracleTest.run() == 0, "prices with integrity (OracleTest)");
    check(BatchTest.run() == 0, "batches and the unified scan (BatchTest)");
    check(UnifiedIndexTest.run() == 0, "the unified move index (UnifiedIndexTest)");
    liquidationExample();
    runLiquidationExample();
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
