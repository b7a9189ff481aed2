package dev.partliq;

import dev.partliq.Partliq.Asset;
import dev.partliq.Partliq.AssetBalance;
import dev.partliq.Partliq.SizeT;
import dev.partliq.PartliqLending.AssetFlow;
import dev.partliq.PartliqLending.DebtToCover;
import dev.partliq.PartliqLending.LendingAccountHealth;
import dev.partliq.PartliqLending.LendingLiquidation;
import dev.partliq.PartliqLending.LendingTerms;
import java.math.BigInteger;

/**
 * Lending mode through JNA: the layouts, Aave's WBTC/USDX partial
 * liquidation and the deficit case with their figures computed by hand (the
 * same as the core's and the C test's), too few terms and a healthy account.
 * {@link #run} returns the number of failed checks.
 */
final class LendingTest {
  private static int failed;

  private LendingTest() {}

  private static void check(boolean ok, String what) {
    if (!ok) {
      failed++;
      System.err.println("check failed: " + what);
    }
  }

  private static void wide(long hi, long lo, long want, String what) {
    BigInteger got = PartliqLending.wide(hi, lo);
    check(got.equals(BigInteger.valueOf(want)), what + " = " + got + ", want " + want);
  }

  /** Two assets at par (weights 100 %) with quote exponents e0, e1 and prices p0, p1; two balances. */
  private static final class Account {
    final Asset[] assets = (Asset[]) new Asset().toArray(2);
    final long[] prices;
    final AssetBalance[] balances = (AssetBalance[]) new AssetBalance().toArray(2);
    final LendingTerms[] terms = (LendingTerms[]) new LendingTerms().toArray(2);

    Account(int e0, long p0, long b0, int e1, long p1, long b1, int thresholdPpm) {
      int[] es = {e0, e1};
      long[] bs = {b0, b1};
      for (int i = 0; i < 2; i++) {
        assets[i].quote_exponent = es[i];
        assets[i].initial_asset_weight_ppm = 1000000;
        assets[i].maintenance_asset_weight_ppm = 1000000;
        assets[i].initial_liability_weight_ppm = 1000000;
        assets[i].maintenance_liability_weight_ppm = 1000000;
        assets[i].imf_unit = 1;
        balances[i].asset_index = i;
        balances[i].amount = bs[i];
        terms[i].liquidation_threshold_ppm = thresholdPpm;
        terms[i].liquidation_bonus_ppm = 1050000;
        terms[i].protocol_fee_ppm = 100000;
        terms[i].collateral_enabled = 1;
      }
      prices = new long[] {p0, p1};
    }

    int health(int termsLen, LendingAccountHealth out) {
      SizeT zero = new SizeT(0);
      SizeT two = new SizeT(2);
      return PartliqLending.LIB.partliq_lending_health(null, zero, null, zero, null, zero, null, zero, assets, two, prices, two, balances,
          two, null, zero, terms, new SizeT(termsLen), out);
    }

    int least(int termsLen, int collateral, int debt, int scanLimit, DebtToCover out) {
      SizeT zero = new SizeT(0);
      SizeT two = new SizeT(2);
      return PartliqLending.LIB.partliq_least_debt_to_cover(null, zero, null, zero, null, zero, null, zero, assets, two, prices, two,
          balances, two, null, zero, terms, new SizeT(termsLen), collateral, debt, scanLimit, out);
    }

    int plan(int collateral, int debt, long cover, AssetFlow[] flows, LendingLiquidation out) {
      SizeT zero = new SizeT(0);
      SizeT two = new SizeT(2);
      return PartliqLending.LIB.partliq_plan_lending_liquidation(null, zero, null, zero, null, zero, null, zero, assets, two, prices, two,
          balances, two, null, zero, terms, two, collateral, debt, cover, flows, new SizeT(flows.length), out);
    }
  }

  static int run() {
    check(new LendingTerms().size() == 20 && new LendingTerms().offsetOf("base_exponent") == 16, "partliq_lending_terms layout");
    check(new LendingAccountHealth().size() == 56 && new LendingAccountHealth().offsetOf("liquidatable") == 48,
        "partliq_lending_account_health layout");
    check(new AssetFlow().size() == 72, "partliq_asset_flow layout");
    check(new LendingLiquidation().size() == 232 && new LendingLiquidation().offsetOf("after") == 64
        && new LendingLiquidation().offsetOf("flow_count") == 224, "partliq_lending_liquidation layout");

    // Aave's test_partial_liquidate_variable_borrow: USDX (6 decimals) at $1, WBTC (8 decimals) at $20,250 (quote unit 1e-8 USD:
    // e = -d, price P); 20,500 USDX borrowed, 1 WBTC supplied; the liquidator covers 106 USDX.
    Account a = new Account(-6, 100000000L, -20500000000L, -8, 2025000000000L, 100000000L, 860000);
    LendingAccountHealth h = new LendingAccountHealth();
    check(a.health(2, h) == 0, "lending health ok");
    // collateral 1e8 x 20,250e8 / 1e8 = 2.025e12; debt 2.05e12; HF = wadDiv(2.025e12 x 8,600, 2.05e12) / 1e4.
    wide(h.total_collateral_base_hi, h.total_collateral_base_lo, 2025000000000L, "collateral");
    wide(h.total_debt_base_hi, h.total_debt_base_lo, 2050000000000L, "debt");
    wide(h.health_factor_hi, h.health_factor_lo, 849512195121951219L, "health factor");
    check(h.liquidatable == 1, "liquidatable");

    AssetFlow[] flows = (AssetFlow[]) new AssetFlow().toArray(PartliqLending.MAX_LENDING_FLOWS);
    LendingLiquidation l = new LendingLiquidation();
    check(a.plan(1, 0, 106000000L, flows, l) == 0, "plan ok");
    // base 523,456 sat; seized floor(523,456 x 1.05) = 549,628; fee ceil((549,628 - 523,455) x 10 %) = 2,618; liquidator 547,010.
    wide(l.debt_repaid_hi, l.debt_repaid_lo, 106000000L, "debt repaid");
    wide(l.collateral_seized_hi, l.collateral_seized_lo, 549628L, "seized");
    wide(l.collateral_to_liquidator_hi, l.collateral_to_liquidator_lo, 547010L, "to liquidator");
    wide(l.protocol_fee_hi, l.protocol_fee_lo, 2618L, "protocol fee");
    wide(l.after.health_factor_hi, l.after.health_factor_lo, 849234200441306266L, "HF after");
    check(l.flow_count == 2 && l.close_factor_rule == PartliqLending.CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD
        && l.dust == PartliqLending.DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM, "liquidation rule, dust, flow count");
    check(flows[0].asset_index == 0 && flows[1].asset_index == 1, "flows in the balances' order");
    wide(flows[0].account_hi, flows[0].account_lo, 106000000L, "usdx account");
    wide(flows[0].liquidator_hi, flows[0].liquidator_lo, -106000000L, "usdx liquidator");
    wide(flows[1].account_hi, flows[1].account_lo, -549628L, "wbtc account");
    wide(flows[1].liquidator_hi, flows[1].liquidator_lo, 547010L, "wbtc liquidator");
    wide(flows[1].protocol_hi, flows[1].protocol_lo, 2618L, "wbtc protocol");
    check(flows[2].asset_index == 0 && flows[2].account_lo == 0, "nothing past flow_count");

    LendingAccountHealth kept = new LendingAccountHealth();
    kept.health_factor_lo = 42;
    check(a.health(1, kept) == PartliqLending.STATUS_LENDING_TERMS_TOO_SHORT && kept.health_factor_lo == 42, "too few terms, untouched");
    check(a.plan(1, 0, 106000000L, (AssetFlow[]) new AssetFlow().toArray(1), l) == Partliq.STATUS_BUFFER_TOO_SMALL, "one flow is too few");
    Account healthy = new Account(-6, 100000000L, -1000000000L, -8, 2025000000000L, 100000000L, 860000);
    check(healthy.plan(1, 0, 1, flows, l) == PartliqLending.STATUS_NOT_LIQUIDATABLE, "healthy");

    // Two $1 assets of 8 decimals, LT 80 %: $1,000 against $2,000. All the collateral is seized for ceil(1,000e8 / 1.05) =
    // 95,238,095,239 of debt; the rest, 104,761,904,761, is written off.
    Account d = new Account(0, 1, 100000000000L, 0, 1, -200000000000L, 800000);
    LendingLiquidation dl = new LendingLiquidation();
    check(d.plan(0, 1, Long.MAX_VALUE, flows, dl) == 0, "deficit plan ok");
    wide(dl.debt_repaid_hi, dl.debt_repaid_lo, 95238095239L, "deficit debt repaid");
    wide(dl.deficit_base_hi, dl.deficit_base_lo, 104761904761L, "deficit");
    wide(flows[1].deficit_hi, flows[1].deficit_lo, -104761904761L, "debt flow deficit");
    check(dl.after.health_factor_hi == Long.MAX_VALUE && dl.after.health_factor_lo == -1L
        && dl.dust == PartliqLending.DUST_CHECK_ALL_COLLATERAL_SEIZED, "no debt left");

    // $20,000 against $17,000 at LT 80 %: HF 0.941. Repaying r restores once 16,000 - 1.05 x 0.8 r >= 17,000 - r, r >= $6,250; in
    // units x = 6,250e8 - j restores while ceil(1.05 j) >= 1.25 j, j <= 4. The rounding window is 22 units: 21 scanned prove it least.
    Account e = new Account(0, 1, 2000000000000L, 0, 1, -1700000000000L, 800000);
    DebtToCover q = new DebtToCover();
    check(e.least(2, 0, 1, 21, q) == 0 && q.restores == 1 && q.exact == 1, "least debt to cover ok, proven");
    wide(q.debt_to_cover_hi, q.debt_to_cover_lo, 625000000000L - 4, "least debt to cover");
    wide(q.max_liquidatable_debt_hi, q.max_liquidatable_debt_lo, 1700000000000L, "close factor: all of it");
    wide(q.health_factor_after_hi, q.health_factor_after_lo, 1000000000000000000L, "HF after exactly 1");
    check(e.least(2, 0, 1, 20, q) == 0 && q.exact == 0 && q.debt_to_cover_lo == 625000000000L - 4, "20 scanned: not proven");
    DebtToCover untouched = new DebtToCover();
    untouched.exact = 7;
    check(e.least(1, 0, 1, 21, untouched) == PartliqLending.STATUS_LENDING_TERMS_TOO_SHORT && untouched.exact == 7, "least: too few terms");
    check(healthy.least(2, 1, 0, 21, untouched) == PartliqLending.STATUS_NOT_LIQUIDATABLE && untouched.exact == 7, "least: healthy");
    check(e.least(2, 0, 1, 21, null) == Partliq.STATUS_NULL_POINTER, "least: NULL out");
    LendingTerms t = new LendingTerms();
    t.liquidation_threshold_ppm = 860000;
    t.liquidation_bonus_ppm = 1050000;
    t.protocol_fee_ppm = 100000;
    t.collateral_enabled = 1;
    check(PartliqLending.LIB.partliq_lending_terms_validate(t) == 0, "testnet terms valid");
    t.liquidation_bonus_ppm = 1050001;
    check(PartliqLending.LIB.partliq_lending_terms_validate(t) == PartliqLending.STATUS_LENDING_TERM_NOT_WHOLE_BPS, "not whole bps");
    t.liquidation_bonus_ppm = 1050000;
    t.collateral_enabled = 2;
    check(PartliqLending.LIB.partliq_lending_terms_validate(t) == Partliq.STATUS_INVALID_ENUM, "flag 2 refused");
    check(PartliqLending.LIB.partliq_lending_terms_validate(null) == Partliq.STATUS_NULL_POINTER, "NULL terms");
    return failed;
  }
}
