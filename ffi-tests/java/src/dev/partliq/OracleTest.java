package dev.partliq;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.partliq.Partliq.AccountState;
import dev.partliq.Partliq.AssetLiquidationFees;
import dev.partliq.Partliq.Decision;
import dev.partliq.Partliq.Market;
import dev.partliq.Partliq.PlanLeg;
import dev.partliq.Partliq.Position;
import dev.partliq.Partliq.SizeT;
import dev.partliq.Partliq.UnifiedDecision;
import dev.partliq.Partliq.UnifiedLeg;
import dev.partliq.Partliq.UnifiedLiquidationPolicy;
import dev.partliq.PartliqOracle.PriceFeed;
import dev.partliq.PartliqOracle.PriceGuard;
import dev.partliq.PartliqOracle.StablePrice;

/**
 * Prices with integrity through JNA: the layouts, the guard's boundaries
 * (age 30 of a 30 s guard valid, 31 stale; confidence at 0.5 % valid, one
 * unit more refused), the median, resolving, the stable and initial price,
 * and the guarded pipeline (liquidates at the boundary, refuses one second
 * later, a grace period, marks that are not the guard's), and the guarded
 * unified liquidation (at the maximum age as unguarded, one second older
 * refused with no leg, a grace period, refusals). {@link #run}
 * returns the number of failed checks.
 */
final class OracleTest {
  private static int failed;

  private OracleTest() {}

  private static void check(boolean ok, String what) {
    if (!ok) {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  private static PriceFeed feed() {
    PriceFeed f = new PriceFeed();
    f.oracle = 1000;
    f.publish_time = 100;
    f.confidence = 5;
    f.index = 990;
    f.mark = 1010;
    return f;
  }

  static int run() {
    PartliqOracle lib = PartliqOracle.LIB;
    check(new PriceFeed().size() == 48 && new PriceFeed().offsetOf("grace_until") == 40, "partliq_price_feed layout");
    check(new PriceGuard().size() == 32 && new PriceGuard().offsetOf("limit") == 24 && new PriceGuard().offsetOf("reserved") == 28,
        "partliq_price_guard layout");
    check(new StablePrice().size() == 16, "sizeof(partliq_stable_price)");

    PriceGuard g = new PriceGuard();
    g.max_staleness = 30;
    g.max_confidence_ppm = 5000;
    g.max_deviation_ppm = 10000;
    PriceFeed f = feed();
    IntByReference v = new IntByReference(99);
    check(lib.partliq_price_validity(g, f, 130, v) == 0 && v.getValue() == PartliqOracle.VALIDITY_VALID, "age 30 valid");
    check(lib.partliq_price_validity(g, f, 131, v) == 0 && v.getValue() == PartliqOracle.VALIDITY_STALE, "age 31 stale");
    f.confidence = 6;
    check(lib.partliq_price_validity(g, f, 100, v) == 0 && v.getValue() == PartliqOracle.VALIDITY_TOO_UNCERTAIN, "confidence 6 refused");
    f = feed();
    f.mark = 1011;
    check(lib.partliq_price_validity(g, f, 100, v) == 0 && v.getValue() == PartliqOracle.VALIDITY_DEVIATING, "mark 1,011 deviates");
    v.setValue(99);
    g.trigger = 4;
    check(lib.partliq_price_validity(g, f, 100, v) == Partliq.STATUS_INVALID_ENUM && v.getValue() == 99, "bad source, untouched");
    g.trigger = PartliqOracle.SOURCE_MEDIAN;
    g.reserved = 1;
    check(lib.partliq_price_validity(g, f, 100, v) == PartliqOracle.STATUS_RESERVED_NOT_ZERO && v.getValue() == 99, "reserved, untouched");
    g.reserved = 0;

    f = feed();
    LongByReference p = new LongByReference(7);
    check(lib.partliq_guarded_price(g, f, 100, PartliqOracle.USE_TRIGGER, p, v) == 0 && p.getValue() == 1000
        && v.getValue() == PartliqOracle.VALIDITY_VALID, "median of 1,000, 1,010, 990");
    f.mark = 0;
    check(lib.partliq_guarded_price(g, f, 100, PartliqOracle.USE_TRIGGER, p, v) == 0 && p.getValue() == 0
        && v.getValue() == PartliqOracle.VALIDITY_NO_MARK, "median without a mark");
    check(lib.partliq_guarded_price(g, f, 100, 3, p, v) == Partliq.STATUS_INVALID_ENUM, "bad use");

    PriceGuard fresh = new PriceGuard();
    fresh.max_staleness = 30;
    PriceFeed[] feeds = (PriceFeed[]) new PriceFeed().toArray(2);
    feeds[0].oracle = 1000;
    feeds[0].publish_time = 100;
    feeds[1].oracle = 7;
    long[] out = {9, 9};
    LongByReference refused = new LongByReference(9);
    check(lib.partliq_resolve_prices(fresh, feeds, new SizeT(2), 130, PartliqOracle.USE_TRIGGER, out, new SizeT(2), refused) == 0
        && out[0] == 1000 && out[1] == 0 && refused.getValue() == 1, "resolve: the second stale");
    long[] one = {9};
    check(lib.partliq_resolve_prices(fresh, feeds, new SizeT(2), 130, 0, one, new SizeT(1), refused) == Partliq.STATUS_BUFFER_TOO_SMALL
        && one[0] == 9, "resolve: short buffer untouched");

    StablePrice s = new StablePrice();
    check(lib.partliq_stable_price_update(s, 1000, 10, 1000) == 0 && s.price == 1000, "stable set");
    check(lib.partliq_stable_price_update(s, 2000, 15, 1000) == 0 && s.price == 1005 && s.last_update == 15, "stable +5 in 5 s");
    check(lib.partliq_stable_price_update(s, 0, 16, 1000) == PartliqOracle.STATUS_MISSING_PRICE && s.price == 1005, "stable: oracle 0 refused");
    check(lib.partliq_initial_price(100, 90, 1, p) == 0 && p.getValue() == 90, "held at the lower");
    check(lib.partliq_initial_price(100, 110, 0, p) == 0 && p.getValue() == 110, "owed at the higher");
    check(lib.partliq_initial_price(100, 110, 2, p) == Partliq.STATUS_INVALID_ENUM && p.getValue() == 110, "held 2 refused");

    // Long 100 at 100, quote balance −9,750: equity 250 < MM 500.
    Market[] ms = (Market[]) new Market().toArray(1);
    ms[0].lot_step = 1;
    ms[0].tick = 1;
    ms[0].tier_count = 1;
    ms[0].tiers[0].initial_ppm = 100000;
    ms[0].tiers[0].maintenance_ppm = 50000;
    Position[] ps = (Position[]) new Position().toArray(1);
    ps[0].size = 100;
    ps[0].quote_balance = -9750;
    PriceFeed[] pf = (PriceFeed[]) new PriceFeed().toArray(1);
    pf[0].oracle = 100;
    pf[0].publish_time = 1000;
    PriceGuard g60 = new PriceGuard();
    g60.max_staleness = 60;
    Memory policy = new Memory(Partliq.POLICY_SIZE);
    check(Partliq.LIB.partliq_policy_default(policy) == 0, "default policy");
    PlanLeg[] legs = (PlanLeg[]) new PlanLeg().toArray(1);
    Decision d = new Decision();
    SizeT one1 = new SizeT(1);
    long[] marks = {100};
    check(lib.partliq_run_guarded_pipeline(ms, one1, marks, one1, 0, ps, one1, pf, one1, g60, policy, new AccountState(), null,
        new SizeT(0), 1060, 1, legs, one1, d) == 0 && d.action == Partliq.ACTION_LIQUIDATE && d.plan.leg_count == 1, "age 60 liquidates");
    legs[0].size_delta = 77;
    check(lib.partliq_run_guarded_pipeline(ms, one1, marks, one1, 0, ps, one1, pf, one1, g60, policy, new AccountState(), null,
        new SizeT(0), 1061, 1, legs, one1, d) == 0 && d.action == 0 && d.reason == PartliqOracle.REASON_PRICE_INVALID
        && legs[0].size_delta == 77, "age 61: price invalid, no leg");
    pf[0].grace_until = 1050;
    check(lib.partliq_run_guarded_pipeline(ms, one1, marks, one1, 0, ps, one1, pf, one1, g60, policy, new AccountState(), null,
        new SizeT(0), 1049, 1, legs, one1, d) == 0 && d.reason == PartliqOracle.REASON_GRACE_PERIOD && d.plan.health_before.equity == 250,
        "grace period");
    pf[0].grace_until = 0;
    long[] wrong = {101};
    check(lib.partliq_run_guarded_pipeline(ms, one1, wrong, one1, 0, ps, one1, pf, one1, g60, policy, new AccountState(), null,
        new SizeT(0), 1000, 1, legs, one1, d) == PartliqOracle.STATUS_PRICE_NOT_GUARDED, "mark not the guard's");
    check(lib.partliq_run_guarded_pipeline(ms, one1, marks, one1, 0, ps, one1, null, new SizeT(0), g60, policy, new AccountState(), null,
        new SizeT(0), 1000, 1, legs, one1, d) == PartliqOracle.STATUS_MARKET_DATA_TOO_SHORT, "no feeds");

    // The order limit around the guard's limit source: quote balance −9,600 (equity 400 < MM 500, bankruptcy 96), a 2 % band. Around
    // the oracle (the trigger) ⌊98⌋ = 98 and 400 − 2x ≥ 500 − 5x ⇒ 34 units; around the mark 102 ⌊99.96⌋ = 99 and 400 − x ≥ 500 − 5x ⇒ 25
    // units; around the mark 95 (below the mark for a sell) held at 98, 34 units.
    ps[0].quote_balance = -9600;
    policy.setInt(Partliq.POLICY_PRICE_BAND, 20000);
    long[][] cases = {{PartliqOracle.SOURCE_ORACLE, 102, -34, 98}, {PartliqOracle.SOURCE_MARK, 102, -25, 99},
        {PartliqOracle.SOURCE_MARK, 95, -34, 98}};
    for (long[] c : cases) {
      PriceGuard gl = new PriceGuard();
      gl.max_staleness = 60;
      gl.limit = (int) c[0];
      pf[0].mark = c[1];
      check(lib.partliq_run_guarded_pipeline(ms, one1, marks, one1, 0, ps, one1, pf, one1, gl, policy, new AccountState(), null,
          new SizeT(0), 1000, 1, legs, one1, d) == 0 && d.reason == Partliq.REASON_TARGET_RESTORED && legs[0].size_delta == c[2]
          && legs[0].limit_price == c[3], "limit source " + c[0] + " mark " + c[1]);
    }
    pf[0].mark = 0;
    guardedUnified(lib);
    return failed;
  }

  private static SizeT n(Object a) {
    if (a == null) {
      return new SizeT(0);
    }
    return new SizeT(a instanceof long[] ? ((long[]) a).length : ((Object[]) a).length);
  }

  /** partliq_run_guarded_unified_liquidation of pool 0 with no tiers, every length given apart from its array. */
  private static int guarded(PartliqOracle lib, PartliqTest.Unified u, PriceFeed[] mf, long nmf, PriceFeed[] af, long naf, PriceGuard g,
      AssetLiquidationFees[] fees, UnifiedLiquidationPolicy policy, long now, UnifiedLeg[] legs, long legsLen, UnifiedDecision out) {
    PartliqTest.Pool p = u.pool;
    return lib.partliq_run_guarded_unified_liquidation(p.markets, p.nm(), p.prices, p.np(), u.funding, n(u.funding), u.risk, n(u.risk),
        u.assets, n(u.assets), u.assetPrices, n(u.assetPrices), u.balances, n(u.balances), u.positions, n(u.positions), 0, mf,
        new SizeT(nmf), af, new SizeT(naf), g, fees, n(fees), policy, null, new SizeT(0), null, new SizeT(0), 0, now, legs,
        new SizeT(legsLen), out);
  }

  private static PriceFeed[] feeds(long... oracles) {
    PriceFeed[] f = (PriceFeed[]) new PriceFeed().toArray(oracles.length);
    for (int i = 0; i < oracles.length; i++) {
      f[i].oracle = oracles[i];
      f[i].publish_time = 1000;
    }
    return f;
  }

  /**
   * The planner's mix (1,000 hundredths of asset 1, a 700 borrow, a long 100 at 100 with cash −10,000) behind a 60 s guard, every feed
   * publishing its book price at 1,000: at 1,060 (age 60) as unguarded, 700 + 87 + 33 for 9,470; asset 1's feed published at 999 (61 s
   * old) refused with no leg and every figure 0; market 0 in grace until 1,061 held off with the pool's health — equity 1,000 − 700 +
   * (10,000 − 10,000) = 300, maintenance 1,000 × 0.9 − 700 = 200 against 5 % × 10,000 = 500.
   */
  private static void guardedUnified(PartliqOracle lib) {
    PartliqTest.Unified mix = PartliqTest.legsBook(new long[] {1, 1000, 0, -700}, 100, -10000);
    AssetLiquidationFees[] fees = (AssetLiquidationFees[]) new AssetLiquidationFees().toArray(2);
    fees[1].liquidator_bonus_ppm = 50000;
    UnifiedLiquidationPolicy policy = new UnifiedLiquidationPolicy();
    policy.terms.target.kind = Partliq.TARGET_INITIAL;
    policy.objective = Partliq.PLAN_OBJECTIVE_LEAST_VALUE;
    policy.ordering = Partliq.LEG_ORDERING_CHEAPEST;
    policy.take_over_bankrupt = 1;
    PriceGuard g = new PriceGuard();
    g.max_staleness = 60;
    PriceFeed[] mf = feeds(100);
    PriceFeed[] af = feeds(1, 100);
    UnifiedLeg[] legs = (UnifiedLeg[]) new UnifiedLeg().toArray(4);
    legs[3].amount = 9;
    UnifiedDecision d = new UnifiedDecision();
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 4, d) == 0 && d.action == Partliq.ACTION_LIQUIDATE
        && d.reason == Partliq.REASON_TARGET_RESTORED && d.plan.leg_count == 3 && d.plan.value_liquidated == 9470 && legs[0].amount == 700
        && legs[1].amount == 87 && legs[2].amount == 33 && legs[3].amount == 9, "guarded unified: age 60 as unguarded");
    UnifiedDecision plain = new UnifiedDecision();
    UnifiedLeg[] plainLegs = (UnifiedLeg[]) new UnifiedLeg().toArray(4);
    check(Partliq.LIB.partliq_run_unified_liquidation(mix.pool.markets, mix.pool.nm(), mix.pool.prices, mix.pool.np(), null, new SizeT(0),
        null, new SizeT(0), mix.assets, n(mix.assets), mix.assetPrices, n(mix.assetPrices), mix.balances, n(mix.balances), mix.positions,
        n(mix.positions), 0, fees, n(fees), policy, null, new SizeT(0), null, new SizeT(0), 0, plainLegs, new SizeT(4), plain) == 0
        && plain.action == d.action && plain.reason == d.reason && plain.plan.cost_to_account == d.plan.cost_to_account
        && plain.plan.health_after.equity == d.plan.health_after.equity && plainLegs[1].amount == legs[1].amount,
        "guarded unified: the same decision as partliq_run_unified_liquidation");
    af[1].publish_time = 999;
    legs[0].amount = 77;
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 4, d) == 0 && d.action == Partliq.ACTION_NONE
        && d.reason == PartliqOracle.REASON_PRICE_INVALID && d.plan.leg_count == 0 && d.plan.value_liquidated == 0
        && d.plan.health_after.equity == 0 && legs[0].amount == 77, "guarded unified: age 61 refused, no leg");
    af[1].publish_time = 1000;
    mf[0].grace_until = 1061;
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 4, d) == 0 && d.action == Partliq.ACTION_NONE
        && d.reason == PartliqOracle.REASON_GRACE_PERIOD && d.plan.health_after.equity == 300
        && d.plan.health_after.maintenance.collateral == 200 && d.plan.health_after.maintenance.requirement == 500 && legs[0].amount == 77,
        "guarded unified: grace period with the pool's health");
    mf[0].grace_until = 0;
    d.action = 55;
    PriceFeed[] wrong = feeds(1, 101);
    check(guarded(lib, mix, mf, 1, wrong, 2, g, fees, policy, 1060, legs, 4, d) == PartliqOracle.STATUS_PRICE_NOT_GUARDED,
        "guarded unified: a mark not the guard's");
    check(guarded(lib, mix, null, 0, af, 2, g, fees, policy, 1060, legs, 4, d) == PartliqOracle.STATUS_MARKET_DATA_TOO_SHORT,
        "guarded unified: no market feed");
    check(guarded(lib, mix, mf, 1, af, 1, g, fees, policy, 1060, legs, 4, d) == PartliqOracle.STATUS_MARKET_DATA_TOO_SHORT,
        "guarded unified: one asset feed of two");
    check(guarded(lib, mix, null, 1, af, 2, g, fees, policy, 1060, legs, 4, d) == Partliq.STATUS_NULL_POINTER,
        "guarded unified: NULL market feeds");
    check(guarded(lib, mix, mf, 1, null, 2, g, fees, policy, 1060, legs, 4, d) == Partliq.STATUS_NULL_POINTER,
        "guarded unified: NULL asset feeds");
    check(guarded(lib, mix, mf, -1, af, 2, g, fees, policy, 1060, legs, 4, d) == Partliq.STATUS_BAD_LENGTH,
        "guarded unified: SIZE_MAX market feeds");
    check(guarded(lib, mix, mf, 1, af, 2, null, fees, policy, 1060, legs, 4, d) == Partliq.STATUS_NULL_POINTER,
        "guarded unified: NULL guard");
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 4, null) == Partliq.STATUS_NULL_POINTER,
        "guarded unified: NULL out");
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 2, d) == Partliq.STATUS_BUFFER_TOO_SMALL,
        "guarded unified: two legs of three");
    g.reserved = 1;
    check(guarded(lib, mix, mf, 1, af, 2, g, fees, policy, 1060, legs, 4, d) == PartliqOracle.STATUS_RESERVED_NOT_ZERO,
        "guarded unified: guard reserved");
    check(d.action == 55 && legs[0].amount == 77 && legs[3].amount == 9, "guarded unified: refusals leave the outputs");
  }
}
