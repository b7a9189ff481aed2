/* Policies, presets and the pipeline; escalation (backstop, insurance fund,
 * deleveraging); shared state over caller memory — good inputs with
 * hand-computed results, and bad inputs, each with its documented status
 * and its outputs untouched (sentinel bytes, or a saved copy for in/out
 * arguments). Part of the same programs as test_api.c (plain, ASan+UBSan,
 * valgrind, shared library). */
#include "check.h"

#include <stdalign.h>

#define SAME(a, b) CHECK(memcmp(&(a), &(b), sizeof(a)) == 0)

/* e = 0, lot 1, tick 1, 10 % / 5 %, no fee. */
static partliq_market market0(void) {
  partliq_market m;
  memset(&m, 0, sizeof m);
  m.id = 1;
  m.lot_step = 1;
  m.tick = 1;
  m.tier_count = 1;
  m.tiers[0].initial_ppm = 100000;
  m.tiers[0].maintenance_ppm = 50000;
  return m;
}

static partliq_position pos(uint32_t market, int64_t size, int64_t quote_balance) {
  partliq_position p;
  memset(&p, 0, sizeof p);
  p.market_index = market;
  p.size = size;
  p.quote_balance = quote_balance;
  return p;
}

/* ------------------------------------------------------------------------ */

static void test_presets(void) {
  partliq_preset p, q;

  CHECK_STATUS(partliq_preset_hyperliquid(1000000, 1000, &p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.fraction_cap.notional_threshold == 100000000000LL && p.policy.fraction_cap.max_fraction_ppm == 200000);
  CHECK(p.policy.fraction_cap.cooldown == 30000 && p.policy.sizing == PARTLIQ_SIZING_MODE_MAX_ALLOWED && p.policy.price_band_ppm == 1000000);
  CHECK(p.policy.escalation.backstop_numerator == 2 && p.policy.escalation.backstop_denominator == 3);
  CHECK(p.policy.escalation.backstop_on_infeasible == 0 && p.fees.liquidation_fee_ppm == 0 && p.fees.dust_floor == 0);
  CHECK(p.policy.tier_step.full_close_at_or_below_tier == UINT32_MAX && p.policy.block_limits.max_notional == INT64_MAX);
  CHECK_STATUS(partliq_policy_validate(&p.policy), PARTLIQ_STATUS_OK);
  POISON(p);
  CHECK_STATUS(partliq_preset_hyperliquid(0, 1000, &p), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_preset_hyperliquid(-1, 1000, &p), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_preset_hyperliquid(INT64_MAX, 1000, &p), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_preset_hyperliquid(1000000, UINT64_MAX, &p), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_preset_hyperliquid(1000000, 1000, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  CHECK_STATUS(partliq_preset_binance_usdm(5000, 10000, &p), PARTLIQ_STATUS_OK);
  CHECK(p.fees.liquidation_fee_ppm == 5000 && p.fees.liquidator_fee_share_ppm == 0 && p.policy.price_band_ppm == 10000);
  CHECK(p.policy.sizing == PARTLIQ_SIZING_MODE_MINIMAL && p.policy.escalation.backstop_on_infeasible == 0);
  POISON(p);
  CHECK_STATUS(partliq_preset_binance_usdm(1000001, 10000, &p), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  CHECK_STATUS(partliq_preset_binance_usdm(5000, 1000001, &p), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_preset_binance_usdm(5000, UINT32_MAX, &p), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_preset_binance_usdm(5000, 10000, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  CHECK_STATUS(partliq_preset_bitmex(&p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.tier_step.levels == 1 && p.policy.tier_step.full_close_at_or_below_tier == 0);
  CHECK_STATUS(partliq_preset_bybit(&q), PARTLIQ_STATUS_OK);
  SAME(p, q);
  CHECK_STATUS(partliq_preset_okx(&p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.tier_step.levels == 2 && p.policy.tier_step.full_close_at_or_below_tier == 1);
  CHECK_STATUS(partliq_preset_bitmex(NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_preset_bybit(NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_preset_okx(NULL), PARTLIQ_STATUS_NULL_POINTER);

  CHECK_STATUS(partliq_preset_deribit(250000, 10000, &p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.fraction_cap.max_fraction_ppm == 250000 && p.policy.fraction_cap.notional_threshold == 0 && p.fees.liquidation_fee_ppm == 7500);
  POISON(p);
  CHECK_STATUS(partliq_preset_deribit(1000001, 10000, &p), PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
  CHECK_STATUS(partliq_preset_deribit(250000, 1000001, &p), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_preset_deribit(250000, 10000, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  CHECK_STATUS(partliq_preset_perp_v2(1000000, 10000, &p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.perp_v2_ratio == 1 && p.fees.dust_floor == 100000001 && p.fees.liquidation_fee_ppm == 25000 && p.fees.liquidator_fee_share_ppm == 500000);
  CHECK(p.fees.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_DOWN && p.policy.position_limits.mode == PARTLIQ_LIMIT_MODE_CAP);
  POISON(p);
  CHECK_STATUS(partliq_preset_perp_v2(0, 10000, &p), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_preset_perp_v2(INT64_MAX, 10000, &p), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_preset_perp_v2(1000000, UINT32_MAX, &p), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_preset_perp_v2(1000000, 10000, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  {
    partliq_dydx_liquidation_config c, d;
    CHECK_STATUS(partliq_dydx_liquidation_config_mainnet_genesis(&c), PARTLIQ_STATUS_OK);
    CHECK(c.max_liquidation_fee_ppm == 15000 && c.bankruptcy_adjustment_ppm == 1000000 && c.spread_to_maintenance_margin_ratio_ppm == 1500000);
    CHECK(c.max_position_portion_liquidated_ppm == 100000 && c.min_position_notional_liquidated == 1000000000ULL);
    CHECK(c.max_notional_liquidated == 100000000000ULL && c.max_quantums_insurance_lost == 1000000000000ULL);
    CHECK_STATUS(partliq_dydx_liquidation_config_validate(&c), PARTLIQ_STATUS_OK);
    CHECK_STATUS(partliq_dydx_liquidation_config_code_default(&d), PARTLIQ_STATUS_OK);
    CHECK(d.max_liquidation_fee_ppm == 5000 && d.min_position_notional_liquidated == 1000 && d.max_position_portion_liquidated_ppm == 1000000);
    CHECK_STATUS(partliq_preset_dydx_v4(&c, 10000, &p), PARTLIQ_STATUS_OK);
    CHECK(p.policy.position_limits.min_notional == 1000000000LL && p.policy.position_limits.max_portion_ppm == 100000);
    CHECK(p.policy.block_limits.max_notional == 100000000000LL && p.policy.block_limits.max_insurance_loss == 1000000000000LL);
    CHECK(p.fees.liquidation_fee_ppm == 15000 && p.fees.liquidator_fee_share_ppm == 0 && p.policy.sizing == PARTLIQ_SIZING_MODE_MAX_ALLOWED);
    /* dYdX's sizing (at least one step) and its fee rounded down (BigIntMulPpm). */
    CHECK(p.policy.position_limits.mode == PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT && p.fees.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_DOWN);
    POISON(p);
    d = c; d.bankruptcy_adjustment_ppm = 999999;
    CHECK_STATUS(partliq_dydx_liquidation_config_validate(&d), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
    CHECK_STATUS(partliq_preset_dydx_v4(&d, 10000, &p), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
    d = c; d.max_liquidation_fee_ppm = 1000001;
    CHECK_STATUS(partliq_preset_dydx_v4(&d, 10000, &p), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    d = c; d.max_position_portion_liquidated_ppm = UINT32_MAX;
    CHECK_STATUS(partliq_dydx_liquidation_config_validate(&d), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    d = c; d.max_quantums_insurance_lost = 0;
    CHECK_STATUS(partliq_preset_dydx_v4(&d, 10000, &p), PARTLIQ_STATUS_INVALID_LIQUIDATION_CONFIG);
    d = c; d.max_notional_liquidated = UINT64_MAX;
    CHECK_STATUS(partliq_preset_dydx_v4(&d, 10000, &p), PARTLIQ_STATUS_OVERFLOW);
    CHECK_STATUS(partliq_preset_dydx_v4(&c, 1000001, &p), PARTLIQ_STATUS_INVALID_PRICE_BAND);
    CHECK_STATUS(partliq_preset_dydx_v4(NULL, 10000, &p), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_preset_dydx_v4(&c, 10000, NULL), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_dydx_liquidation_config_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);
    UNTOUCHED(p);
    POISON(d);
    CHECK_STATUS(partliq_dydx_liquidation_config_mainnet_genesis(NULL), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_dydx_liquidation_config_code_default(NULL), PARTLIQ_STATUS_NULL_POINTER);
    UNTOUCHED(d);
  }

  CHECK_STATUS(partliq_preset_aave_v3_close_factor(1000000, &p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.close_factor.max_fraction_ppm == 500000 && p.policy.close_factor.health_threshold_ppm == 950000);
  CHECK(p.policy.close_factor.min_position_notional == 2000000000LL && p.policy.close_factor.min_remainder == 1000000000LL);
  CHECK(p.fees.liquidation_fee_ppm == 50000 && p.fees.liquidator_fee_share_ppm == 900000 && p.fees.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_DOWN);
  POISON(p);
  CHECK_STATUS(partliq_preset_aave_v3_close_factor(0, &p), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_preset_aave_v3_close_factor(INT64_MAX, &p), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_preset_aave_v3_close_factor(1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  CHECK_STATUS(partliq_preset_synthetix_v3(1000000, 60, &p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.window_capacity.capacity == 1000000 && p.policy.window_capacity.window == 60 && p.policy.sizing == PARTLIQ_SIZING_MODE_MINIMAL);
  POISON(p);
  CHECK_STATUS(partliq_preset_synthetix_v3(1000000, 0, &p), PARTLIQ_STATUS_ZERO_WINDOW);
  CHECK_STATUS(partliq_preset_synthetix_v3(-1, 60, &p), PARTLIQ_STATUS_NEGATIVE_LIMIT);
  CHECK_STATUS(partliq_preset_synthetix_v3(INT64_MIN, 60, &p), PARTLIQ_STATUS_NEGATIVE_LIMIT);
  CHECK_STATUS(partliq_preset_synthetix_v3(1, 60, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);

  CHECK_STATUS(partliq_preset_partliq_default(&p), PARTLIQ_STATUS_OK);
  CHECK(p.policy.target.kind == PARTLIQ_TARGET_KIND_MAINTENANCE && p.policy.target.buffer_ppm == 50000);
  CHECK(p.policy.order == PARTLIQ_PLAN_ORDER_BEST_RELEASE_PER_COST_FIRST && p.policy.escalation.backstop_on_infeasible == 1);
  CHECK(p.fees.liquidation_fee_ppm == 5000 && p.fees.liquidator_fee_share_ppm == 500000);
  CHECK(p.policy.fraction_cap.reserved == 0 && p.policy.escalation.reserved == 0 && p.fees.reserved == 0);
  CHECK(p.policy.position_limits.mode == PARTLIQ_LIMIT_MODE_CAP && p.fees.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_UP);
  CHECK_STATUS(partliq_preset_partliq_default(NULL), PARTLIQ_STATUS_NULL_POINTER);
}

static void test_policy_validate(void) {
  partliq_preset base;
  partliq_policy p;
  CHECK_STATUS(partliq_preset_partliq_default(&base), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_policy_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);
#define BAD_POLICY(change, want)                        \
  do {                                                  \
    p = base.policy;                                    \
    change;                                             \
    CHECK_STATUS(partliq_policy_validate(&p), want);    \
  } while (0)
  BAD_POLICY((void)0, PARTLIQ_STATUS_OK);
  BAD_POLICY(p.fraction_cap.reserved = 1, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_POLICY(p.position_limits.mode = PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT, PARTLIQ_STATUS_OK);
  BAD_POLICY(p.position_limits.mode = 2, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.position_limits.mode = UINT32_MAX, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.escalation.reserved = UINT32_MAX, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_POLICY(p.sizing = 2, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.order = 3, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.target.kind = 2, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.perp_v2_ratio = 2, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.escalation.backstop_on_infeasible = UINT32_MAX, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.price_band_ppm = 1000001, PARTLIQ_STATUS_INVALID_PRICE_BAND);
  BAD_POLICY(p.target.buffer_ppm = 1000001, PARTLIQ_STATUS_INVALID_BUFFER);
  BAD_POLICY((p.target.kind = PARTLIQ_TARGET_KIND_INITIAL, p.target.buffer_ppm = 1), PARTLIQ_STATUS_INVALID_BUFFER);
  BAD_POLICY(p.fraction_cap.max_fraction_ppm = 1000001, PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
  BAD_POLICY(p.close_factor.max_fraction_ppm = UINT32_MAX, PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
  BAD_POLICY(p.position_limits.max_portion_ppm = 1000001, PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
  BAD_POLICY((p.escalation.backstop_numerator = 3, p.escalation.backstop_denominator = 3), PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE);
  BAD_POLICY((p.escalation.backstop_numerator = 2, p.escalation.backstop_denominator = 3), PARTLIQ_STATUS_OK);
  BAD_POLICY(p.position_limits.min_notional = -1, PARTLIQ_STATUS_NEGATIVE_LIMIT);
  BAD_POLICY(p.block_limits.max_insurance_loss = INT64_MIN, PARTLIQ_STATUS_NEGATIVE_LIMIT);
  BAD_POLICY(p.window_capacity.capacity = 5, PARTLIQ_STATUS_ZERO_WINDOW);
  /* The emergency bypass: a fraction below 1, a 0/1 flag, a move ≤ 100 %. */
  BAD_POLICY((p.emergency_bypass.below_numerator = 1, p.emergency_bypass.below_denominator = 2), PARTLIQ_STATUS_OK);
  BAD_POLICY((p.emergency_bypass.below_numerator = 2, p.emergency_bypass.below_denominator = 2),
             PARTLIQ_STATUS_BYPASS_FRACTION_NOT_BELOW_ONE);
  BAD_POLICY((p.emergency_bypass.below_numerator = UINT32_MAX, p.emergency_bypass.below_denominator = 1),
             PARTLIQ_STATUS_BYPASS_FRACTION_NOT_BELOW_ONE);
  BAD_POLICY(p.emergency_bypass.below_numerator = UINT32_MAX, PARTLIQ_STATUS_OK); /* denominator 0: unset */
  BAD_POLICY(p.emergency_bypass.project = 2, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.emergency_bypass.project = UINT32_MAX, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_POLICY(p.emergency_bypass.adverse_move_ppm = 1000001, PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
  BAD_POLICY((p.emergency_bypass.project = 1, p.emergency_bypass.adverse_move_ppm = 1000000), PARTLIQ_STATUS_OK);
#undef BAD_POLICY
}

static void test_preset_apply(void) {
  partliq_preset p;
  partliq_market m = market0(), saved;
  CHECK_STATUS(partliq_preset_perp_v2(1000000, 10000, &p), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_preset_apply(&p, &m), PARTLIQ_STATUS_OK);
  CHECK(m.liquidation_fee_ppm == 25000 && m.liquidator_fee_share_ppm == 500000 && m.dust_floor == 100000001 && m.id == 1);
  CHECK(m.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_DOWN);
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_OK);
  saved = m;
  CHECK_STATUS(partliq_preset_apply(NULL, &m), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_preset_apply(&p, NULL), PARTLIQ_STATUS_NULL_POINTER);
  {
    partliq_preset bad = p;
    bad.fees.liquidation_fee_ppm = 1000001;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    bad = p;
    bad.fees.liquidator_fee_share_ppm = UINT32_MAX;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    bad = p;
    bad.fees.dust_floor = -1;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_INVALID_DUST_FLOOR);
    bad = p;
    bad.policy.sizing = 9;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_INVALID_ENUM);
    bad = p;
    bad.policy.fraction_cap.reserved = 1;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bad = p;
    bad.fees.liquidation_fee_rounding = 2;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_INVALID_ENUM);
    bad = p;
    bad.fees.reserved = 1;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bad = p;
    bad.policy.position_limits.mode = 7;
    CHECK_STATUS(partliq_preset_apply(&bad, &m), PARTLIQ_STATUS_INVALID_ENUM);
  }
  SAME(m, saved);
  /* The preset writes the fee rounding whatever the market held (up here: partliq's default). */
  {
    partliq_preset def;
    CHECK_STATUS(partliq_preset_partliq_default(&def), PARTLIQ_STATUS_OK);
    m.liquidation_fee_rounding = UINT32_MAX;
    CHECK_STATUS(partliq_preset_apply(&def, &m), PARTLIQ_STATUS_OK);
    CHECK(m.liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_UP && m.liquidation_fee_ppm == 5000);
  }
}

/* One pool, one market: M0 (no fee), mark 100, long 100 with quote balance qb. */
static partliq_status run1(const partliq_policy *policy, int64_t qb, partliq_account_liquidation_state *st,
                           partliq_market_capacity_state *ms, size_t ms_len, uint64_t now, partliq_plan_leg *legs,
                           partliq_decision *d) {
  static partliq_market m[1];
  static const int64_t prices[1] = {100};
  partliq_position ps[1];
  m[0] = market0();
  ps[0] = pos(0, 100, qb);
  return partliq_run_pipeline(m, 1, prices, 1, 0, ps, 1, policy, st, ms, ms_len, now, 1, legs, 1, d);
}

/* The emergency bypass: whole-position sizing, 1,000 of notional per block,
 * no backstop. Long 100 @ 100, quote balance −9,780: equity 220 < 1/2 × 500.
 * Without the bypass the block caps the step at 10 units; with it, the least
 * close at 99: 220 − x ≥ 500 − 5x ⇒ x = 70, booked 7,000 to the block. A bad
 * bypass is refused and writes nothing. */
static void test_emergency_bypass(void) {
  partliq_policy p;
  partliq_account_liquidation_state st, before;
  partliq_plan_leg legs[1];
  partliq_decision d, dbefore;
  CHECK_STATUS(partliq_policy_default(&p), PARTLIQ_STATUS_OK);
  CHECK(p.emergency_bypass.below_denominator == 0 && p.emergency_bypass.project == 0 && p.emergency_bypass.adverse_move_ppm == 0);
  p.sizing = PARTLIQ_SIZING_MODE_MAX_ALLOWED;
  p.block_limits.max_notional = 1000;
  p.escalation.backstop_on_infeasible = 0;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&p, -9780, &st, NULL, 0, 5, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_STEP_CAPPED && legs[0].size_delta == -10);
  p.emergency_bypass.below_numerator = 1;
  p.emergency_bypass.below_denominator = 2;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&p, -9780, &st, NULL, 0, 5, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_EMERGENCY_BYPASS && d.plan.status == PARTLIQ_OUTCOME_RESTORED);
  CHECK(legs[0].size_delta == -70 && legs[0].limit_price == 99 && st.block_notional == 7000 && st.in_liquidation == 0);
  /* Bad values: a status, and the state, legs and decision untouched. */
  p.emergency_bypass.project = 7;
  before = st;
  dbefore = d;
  POISON(legs);
  CHECK_STATUS(run1(&p, -9780, &st, NULL, 0, 6, legs, &d), PARTLIQ_STATUS_INVALID_ENUM);
  SAME(st, before);
  SAME(d, dbefore);
  UNTOUCHED(legs);
  p.emergency_bypass.project = 0;
  p.emergency_bypass.below_numerator = 5;
  CHECK_STATUS(run1(&p, -9780, &st, NULL, 0, 6, legs, &d), PARTLIQ_STATUS_BYPASS_FRACTION_NOT_BELOW_ONE);
  SAME(st, before);
  UNTOUCHED(legs);
}

/* Reservations: long 100 @ 100, quote balance −9,600 (Synthetix preset,
 * window 60): 25 units planned, 2,500 booked to the block and the window
 * opened at 10. The IOC fills 10: commit keeps ⌈2,500 × 10 / 25⌉ = 1,000,
 * release gives back 1,500 of each. NULLs, bad lengths and bad records
 * are refused and write nothing. */
static void test_reservations(void) {
  partliq_preset syn;
  partliq_account_liquidation_state st, st0;
  partliq_market_capacity_state ms[1], ms0[1];
  partliq_plan_leg legs[1];
  partliq_leg_reservation res[1], res0[1];
  partliq_decision d;
  static partliq_market m[1];
  static const int64_t prices[1] = {100};
  partliq_position ps[1];
  m[0] = market0();
  ps[0] = pos(0, 100, -9600);
  CHECK_STATUS(partliq_preset_synthetix_v3(1000000, 60, &syn), PARTLIQ_STATUS_OK);
  memset(&st, 0, sizeof st);
  memset(ms, 0, sizeof ms);
  memset(res, 0, sizeof res);
  CHECK_STATUS(partliq_run_pipeline_reserving(m, 1, prices, 1, 0, ps, 1, &syn.policy, &st, ms, 1, 10, 1, legs, 1, res, 1, &d),
               PARTLIQ_STATUS_OK);
  CHECK(d.reason == PARTLIQ_REASON_TARGET_RESTORED && legs[0].size_delta == -25 && st.block_notional == 2500 && ms[0].used == 2500);
  CHECK(res[0].units == 25 && res[0].block_reserved == 2500 && res[0].window_reserved == 2500 && res[0].window_start == 10
        && res[0].block == 1 && res[0].filled_units == 0);
  /* An open record: refused, nothing written. */
  st0 = st;
  memcpy(ms0, ms, sizeof ms);
  memcpy(res0, res, sizeof res);
  CHECK_STATUS(partliq_run_pipeline_reserving(m, 1, prices, 1, 0, ps, 1, &syn.policy, &st, ms, 1, 11, 1, legs, 1, res, 1, &d),
               PARTLIQ_STATUS_RESERVATION_TABLE_FULL);
  CHECK_STATUS(partliq_run_pipeline_reserving(m, 1, prices, 1, 0, ps, 1, &syn.policy, &st, ms, 1, 11, 1, legs, 1, NULL, 1, &d),
               PARTLIQ_STATUS_NULL_POINTER);
  SAME(st, st0);
  SAME(ms, ms0);
  SAME(res, res0);
  CHECK_STATUS(partliq_leg_reservation_commit(NULL, 1), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_leg_reservation_commit(res, 26), PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
  CHECK_STATUS(partliq_leg_reservation_commit(res, -1), PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
  CHECK_STATUS(partliq_leg_reservation_commit(res, INT64_MIN), PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
  SAME(res, res0);
  CHECK_STATUS(partliq_leg_reservation_commit(res, 10), PARTLIQ_STATUS_OK);
  CHECK(res[0].filled_units == 10 && res[0].block_committed == 1000 && res[0].window_committed == 1000);
  CHECK_STATUS(partliq_leg_reservation_release(NULL, &st, ms, 1), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_leg_reservation_release(res, NULL, ms, 1), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_leg_reservation_release(res, &st, NULL, 1), PARTLIQ_STATUS_NULL_POINTER);
  st.has_partial = 2;
  CHECK_STATUS(partliq_leg_reservation_release(res, &st, ms, 1), PARTLIQ_STATUS_INVALID_ENUM);
  st.has_partial = 1;
  CHECK(st.block_notional == 2500 && ms[0].used == 2500);
  CHECK_STATUS(partliq_leg_reservation_release(res, &st, ms, 1), PARTLIQ_STATUS_OK);
  CHECK(st.block_notional == 1000 && ms[0].used == 1000 && res[0].released_units == 15 && res[0].block_released == 1500
        && res[0].window_released == 1500);
  CHECK_STATUS(partliq_leg_reservation_release(res, &st, ms, 1), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  CHECK_STATUS(partliq_leg_reservation_commit(res, 1), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  /* A tampered record (committed above its share) is refused. */
  memcpy(res0, res, sizeof res);
  res0[0].released_units = 0;
  res0[0].block_committed = 2000;
  CHECK_STATUS(partliq_leg_reservation_commit(res0, 1), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
}

static void test_pipeline(void) {
  partliq_preset syn, hl, def, der;
  partliq_account_liquidation_state st;
  partliq_market_capacity_state ms[1];
  partliq_plan_leg legs[1];
  partliq_decision d;
  POISON(legs); /* initialised memory, any values: only written */
  CHECK_STATUS(partliq_preset_synthetix_v3(1000000, 60, &syn), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_preset_hyperliquid(1000000, 1000, &hl), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_preset_partliq_default(&def), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_preset_deribit(200000, 10000, &der), PARTLIQ_STATUS_OK);

  /* Equity 400 < MM 500, band 1 % (limit 99): 400 − x ≥ 500 − 5x ⇒ x = 25. */
  memset(&st, 0, sizeof st);
  memset(ms, 0, sizeof ms);
  CHECK_STATUS(run1(&syn.policy, -9600, &st, ms, 1, 10, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_TARGET_RESTORED && d.plan.leg_count == 1);
  CHECK(d.plan.status == PARTLIQ_OUTCOME_RESTORED && d.has_backstop == 0 && d.plan.health_before.equity == 400);
  CHECK(legs[0].position_index == 0 && legs[0].size_delta == -25 && legs[0].limit_price == 99 && legs[0].expected_cash == 2475);
  CHECK(ms[0].window_start == 10 && ms[0].used == 2500);
  CHECK(st.block == 1 && st.block_notional == 2500 && st.in_liquidation == 0 && st.has_partial == 1 && st.last_partial_time == 10);
  {
    partliq_decision zero;
    memset(&zero, 0, sizeof zero);
    CHECK(memcmp(&d.backstop, &zero.backstop, sizeof d.backstop) == 0 && memcmp(d.reserved, zero.reserved, sizeof d.reserved) == 0);
  }

  /* Healthy: nothing, legs untouched. */
  memset(&st, 0, sizeof st);
  POISON(legs);
  CHECK_STATUS(run1(&syn.policy, -5000, &st, ms, 1, 11, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_HEALTHY && d.plan.leg_count == 0);
  UNTOUCHED(legs);

  /* Window capacity used up: the window opened at 10 has 2,500 + 997,500 used. */
  ms[0].used = 1000000;
  CHECK_STATUS(run1(&syn.policy, -9600, &st, ms, 1, 11, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_CAPACITY_EXHAUSTED && d.plan.leg_count == 0);
  /* The window rolls over at 70. */
  CHECK_STATUS(run1(&syn.policy, -9600, &st, ms, 1, 70, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && legs[0].size_delta == -25 && ms[0].window_start == 70 && ms[0].used == 2500);

  /* Hyperliquid: equity 300 < 2/3 × 500 → backstop. */
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&hl.policy, -9700, &st, NULL, 0, 1, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_BACKSTOP && d.reason == PARTLIQ_REASON_BELOW_BACKSTOP_FRACTION && d.has_backstop == 1);
  CHECK(d.backstop.position_count == 1 && d.backstop.collateral == 0 && d.backstop.deficit == 0 && d.backstop.health.equity == 300);
  CHECK(d.plan.leg_count == 0 && d.plan.status == PARTLIQ_OUTCOME_INFEASIBLE);
  /* Equity 340 ≥ 2/3 × 500: whole position (notional below the threshold). */
  CHECK_STATUS(run1(&hl.policy, -9660, &st, NULL, 0, 1, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && legs[0].size_delta == -100 && d.has_backstop == 0);

  /* partliq's default: bankrupt (equity −100) → backstop with a deficit. */
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&def.policy, -10100, &st, NULL, 0, 1, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_BACKSTOP && d.reason == PARTLIQ_REASON_BANKRUPT && d.backstop.deficit == 100);

  /* Deribit 20 % per round: 25 needed, 20 allowed → capped, mid-liquidation. */
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&der.policy, -9600, &st, NULL, 0, 5, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_STEP_CAPPED && legs[0].size_delta == -20);
  CHECK(st.in_liquidation == 1 && st.has_partial == 1 && st.last_partial_time == 5 && st.block_notional == 2000);

  /* Bad inputs: every output (and in/out state) untouched. */
  {
    static partliq_market m[1];
    static const int64_t prices[1] = {100};
    static partliq_position ps[PARTLIQ_MAX_POSITIONS + 1];
    static partliq_plan_leg many[PARTLIQ_MAX_POSITIONS + 1];
    partliq_account_liquidation_state st_saved;
    partliq_market_capacity_state ms_saved[1];
    partliq_policy bad;
    m[0] = market0();
    for (size_t i = 0; i < PARTLIQ_MAX_POSITIONS + 1; i++) ps[i] = pos(0, 100, -9600);
    memset(&st, 0, sizeof st);
    memset(ms, 0, sizeof ms);
    st_saved = st;
    memcpy(ms_saved, ms, sizeof ms);
    POISON(legs);
    POISON(d);
    const partliq_policy *P = &syn.policy;
#define RUN(mk, mkl, pr, prl, coll, pp, ppl, pol, s, msp, msl, lg, lgl, o) \
  partliq_run_pipeline(mk, mkl, pr, prl, coll, pp, ppl, pol, s, msp, msl, 10, 1, lg, lgl, o)
    CHECK_STATUS(RUN(NULL, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, NULL, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, NULL, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, NULL, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, NULL, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, NULL, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, NULL, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(RUN(m, SIZE_MAX, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(RUN(m, 1, prices, SIZE_MAX, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, SIZE_MAX, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, SIZE_MAX, legs, 1, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, SIZE_MAX, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, NULL, 0, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, NULL, 0, legs, 1, &d), PARTLIQ_STATUS_STATE_TOO_SMALL);
    CHECK_STATUS(RUN(m, 1, prices, 0, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_MISSING_PRICE);
    CHECK_STATUS(RUN(m, 0, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_UNKNOWN_MARKET);
    CHECK_STATUS(RUN(m, 1, prices, 1, INT64_MAX, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_OVERFLOW);
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, PARTLIQ_MAX_POSITIONS + 1, P, &st, ms, 1, many, PARTLIQ_MAX_POSITIONS + 1, &d),
                 PARTLIQ_STATUS_TOO_MANY_POSITIONS);
    {
      static alignas(8) unsigned char raw[64];
      partliq_market_capacity_state *odd = (partliq_market_capacity_state *)(void *)(raw + 4);
      CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, odd, 1, legs, 1, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    bad = *P; bad.sizing = 2;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, &bad, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_INVALID_ENUM);
    bad = *P; bad.escalation.reserved = 1;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, &bad, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bad = *P; bad.price_band_ppm = 1000001;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, &bad, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_INVALID_PRICE_BAND);
    bad = *P; bad.fraction_cap.max_fraction_ppm = 1000001;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, &bad, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_INVALID_POLICY_FRACTION);
    {
      partliq_position r[1] = {ps[0]};
      r[0].reserved = 1;
      CHECK_STATUS(RUN(m, 1, prices, 1, 0, r, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    }
    st.has_partial = 2;
    st_saved = st;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_INVALID_ENUM);
    st.has_partial = 0;
    st.in_liquidation = UINT32_MAX;
    st_saved = st;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_INVALID_ENUM);
    /* The block's notional would overflow when the leg is booked. */
    st.in_liquidation = 0;
    st.block = 1;
    st.block_notional = INT64_MAX - 100;
    st_saved = st;
    CHECK_STATUS(RUN(m, 1, prices, 1, 0, ps, 1, P, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_OVERFLOW);
#undef RUN
    SAME(st, st_saved);
    SAME(ms, ms_saved);
    UNTOUCHED(legs);
    UNTOUCHED(d);
    for (size_t i = 0; i < PARTLIQ_MAX_POSITIONS + 1; i++) CHECK(many[i].size_delta == 0);
  }
}

static void test_record_insurance_loss(void) {
  partliq_account_liquidation_state st, saved;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(partliq_account_state_record_insurance_loss(&st, 3, 5), PARTLIQ_STATUS_OK);
  CHECK(st.block == 3 && st.block_insurance_loss == 5);
  CHECK_STATUS(partliq_account_state_record_insurance_loss(&st, 3, 2), PARTLIQ_STATUS_OK);
  CHECK(st.block_insurance_loss == 7);
  CHECK_STATUS(partliq_account_state_record_insurance_loss(&st, 4, 1), PARTLIQ_STATUS_OK);
  CHECK(st.block == 4 && st.block_insurance_loss == 1 && st.block_notional == 0);
  saved = st;
  CHECK_STATUS(partliq_account_state_record_insurance_loss(&st, 4, INT64_MAX), PARTLIQ_STATUS_OVERFLOW);
  SAME(st, saved);
  CHECK_STATUS(partliq_account_state_record_insurance_loss(NULL, 4, 1), PARTLIQ_STATUS_NULL_POINTER);
}

/* The dYdX preset reproduces dYdX through the pipeline (tests/dydx_v4.rs has the
 * same cases against dYdX's own functions). dYdX's test BTC market: $50,000,
 * atomic resolution −8 (a base quantum is 500 quote quantums), IMF 20 %, MF 50 %;
 * ClobPair_Btc (step 5, 5 subticks a tick, exponent −8). As a partliq market:
 * e = −8, mark 5·10^10, lot 5, tick 5, 20 % / 10 %. */
static void test_dydx_preset(void) {
  partliq_dydx_liquidation_config c;
  partliq_preset p;
  partliq_market m[1];
  const int64_t prices[1] = {50000000000LL};
  partliq_position ps[1];
  partliq_account_liquidation_state st;
  partliq_market_capacity_state ms[1];
  partliq_plan_leg legs[1];
  partliq_decision d;
  partliq_settlement s;
  partliq_fill f;
  POISON(legs); /* initialised memory, any values: only written */

  CHECK_STATUS(partliq_dydx_liquidation_config_code_default(&c), PARTLIQ_STATUS_OK);
  c.max_position_portion_liquidated_ppm = 500000;
  CHECK_STATUS(partliq_preset_dydx_v4(&c, 10000, &p), PARTLIQ_STATUS_OK);
  memset(m, 0, sizeof m);
  m[0].quote_exponent = -8;
  m[0].lot_step = 5;
  m[0].tick = 5;
  m[0].tier_count = 1;
  m[0].tiers[0].initial_ppm = 200000;
  m[0].tiers[0].maintenance_ppm = 100000;
  CHECK_STATUS(partliq_preset_apply(&p, &m[0]), PARTLIQ_STATUS_OK);
  CHECK(m[0].liquidation_fee_ppm == 5000 && m[0].liquidation_fee_rounding == PARTLIQ_FEE_ROUNDING_DOWN);
  CHECK_STATUS(partliq_market_validate(&m[0]), PARTLIQ_STATUS_OK);

  /* Long 5 (notional 2,500), USDC −2,400: equity 100 < MM 250. The position's
   * block limit max(min(1,000, 2,500), ⌊2,500 × 50 %⌋) = 1,250 is 2 base quantums,
   * under the step; dYdX closes the position whole (it is one step): −5. */
  ps[0] = pos(0, 5, 0);
  memset(&st, 0, sizeof st);
  memset(ms, 0, sizeof ms);
  CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -2400, ps, 1, &p.policy, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.plan.leg_count == 1 && legs[0].size_delta == -5);
  CHECK(d.plan.health_before.equity == 100 && d.plan.health_before.maintenance_requirement == 250);
  /* Booked as dYdX books the fill: 5 × 500 = 2,500. */
  CHECK(st.block == 1 && st.block_notional == 2500);

  /* Long 10 (5,000), USDC −4,800: the limit 2,500 is 5 base quantums: one step. */
  ps[0] = pos(0, 10, 0);
  memset(&st, 0, sizeof st);
  CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -4800, ps, 1, &p.policy, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_STEP_CAPPED && legs[0].size_delta == -5);
  /* The same limits as hard caps: a 20 % portion (1,000 = 2 base quantums) waits,
   * and says it is a step rule (not the window's capacity). */
  {
    partliq_policy cap = p.policy;
    cap.position_limits.max_portion_ppm = 200000;
    cap.position_limits.mode = PARTLIQ_LIMIT_MODE_CAP;
    memset(&st, 0, sizeof st);
    CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -4800, ps, 1, &cap, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
    CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_STEP_CAPPED && d.plan.leg_count == 0);
    cap.position_limits.mode = PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT;
    CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -4800, ps, 1, &cap, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
    CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && legs[0].size_delta == -5);
  }
  /* Block limits stop only once exceeded: at the insurance-loss limit dYdX still
   * liquidates; above it, nothing this block. */
  memset(&st, 0, sizeof st);
  st.block = 1;
  st.block_insurance_loss = p.policy.block_limits.max_insurance_loss;
  CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -4800, ps, 1, &p.policy, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && legs[0].size_delta == -5);
  memset(&st, 0, sizeof st);
  st.block = 1;
  st.block_notional = p.policy.block_limits.max_notional + 1;
  CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, -4800, ps, 1, &p.policy, &st, ms, 1, 0, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_BLOCK_LIMIT_REACHED && d.plan.leg_count == 0);

  /* The fee rounded down as dYdX's BigIntMulPpm: long 5, USDC −2,400; sell 5 at
   * 52,020,000,000 subticks (the partliq price: subticks, e = −8): cash 2,601;
   * bankruptcy quote 2,500 − ⌊100 × 250 / 250⌋ = 2,400; fee ⌊2,601 × 0.5 %⌋ =
   * ⌊13.005⌋ = 13, all to the insurance fund: dYdX's insurance fund delta, 13. */
  ps[0] = pos(0, 5, 0);
  memset(&f, 0, sizeof f);
  f.size_delta = -5;
  f.price = 52020000000LL;
  CHECK_STATUS(partliq_settle_fill(m, 1, prices, 1, -2400, ps, 1, &f, &s), PARTLIQ_STATUS_OK);
  CHECK(s.fill_cash == 2601 && s.bankruptcy_quote == 2400 && s.nominal_fee == 13 && s.fee == 13);
  CHECK(s.fee_to_liquidator == 0 && s.fee_to_insurance == 13 && s.insurance_fund_delta == 13);
  /* The same market with the fee rounded up: 14. */
  m[0].liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_UP;
  CHECK_STATUS(partliq_settle_fill(m, 1, prices, 1, -2400, ps, 1, &f, &s), PARTLIQ_STATUS_OK);
  CHECK(s.nominal_fee == 14 && s.insurance_fund_delta == 14);
}

/* The ramps: each through partliq_run_pipeline on run1's pool (equity 400 <
 * MM 500, no fee), the fee a call charges, dYdX's fillable price; bad
 * values refused with every output untouched. */
static void test_ramps(void) {
  partliq_policy p;
  partliq_ramps r, saved_r;
  partliq_account_liquidation_state st, st_saved;
  partliq_plan_leg legs[1];
  partliq_decision d;
  uint32_t fee;
  int64_t price;
  CHECK_STATUS(partliq_policy_default(&p), PARTLIQ_STATUS_OK);
  memset(&r, 0, sizeof r);
  CHECK(memcmp(&p.ramps, &r, sizeof r) == 0); /* off by default: all zeros */

  /* Dutch band 1 % → 3 % over 100, 50 in: 2 %, limit 98: 400 − 2x ≥ 500 − 5x ⇒ x = 34. */
  r.band.mode = PARTLIQ_BAND_MODE_DUTCH;
  r.band.start_ppm = 10000;
  r.band.max_ppm = 30000;
  r.band.duration = 100;
  p.ramps = r;
  CHECK_STATUS(partliq_policy_validate(&p), PARTLIQ_STATUS_OK);
  memset(&st, 0, sizeof st);
  st.liquidation_started = 1;
  st.liquidation_start_time = 1000;
  CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 1050, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_TARGET_RESTORED);
  CHECK(legs[0].size_delta == -34 && legs[0].limit_price == 98);
  CHECK(st.liquidation_started == 0 && st.liquidation_start_time == 0); /* restored: the clock stops */
  /* At the max (t = 100) and past it: 3 %, limit 97, 2x ≥ 100 ⇒ 50. */
  st.liquidation_started = 1;
  st.liquidation_start_time = 1000;
  CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 5000, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(legs[0].size_delta == -50 && legs[0].limit_price == 97);

  /* Fraction ramp 10 % → 100 % over 1,000: a fresh state starts the clock
   * (10 units, capped); 100 later, 20. */
  memset(&r, 0, sizeof r);
  r.fraction.initial_ppm = 100000;
  r.fraction.duration = 1000;
  p.ramps = r;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 7000, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.reason == PARTLIQ_REASON_STEP_CAPPED && legs[0].size_delta == -10);
  CHECK(st.liquidation_started == 1 && st.liquidation_start_time == 7000 && st.in_liquidation == 1);
  CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 7100, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(d.reason == PARTLIQ_REASON_STEP_CAPPED && legs[0].size_delta == -20 && st.liquidation_start_time == 7000);

  /* Fee ramp 0 → 1.5 %, 100 ppm a unit after 10: at 150 in, 1.5 %:
   * 4x − ⌈1.485x⌉ ≥ 100 ⇒ x = 40, fee ⌈59.4⌉ = 60. */
  memset(&r, 0, sizeof r);
  r.fee.max_fee_ppm = 15000;
  r.fee.increase_per_unit_ppm = 100;
  r.fee.grace = 10;
  p.ramps = r;
  st.liquidation_started = 1;
  st.liquidation_start_time = 1000;
  CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 1150, legs, &d), PARTLIQ_STATUS_OK);
  CHECK(legs[0].size_delta == -40 && legs[0].expected_fee == 60);
  CHECK_STATUS(partliq_ramps_fee(&r, 0, &st, 1150, &fee), PARTLIQ_STATUS_OK);
  CHECK(fee == 0); /* restored: the clock stopped, the fee is the market's again */
  st.liquidation_started = 1;
  CHECK_STATUS(partliq_ramps_fee(&r, 0, &st, 1150, &fee), PARTLIQ_STATUS_OK);
  CHECK(fee == 15000);

  /* Bad ramps and bad states: refused, every output untouched. */
  memset(&saved_r, 0, sizeof saved_r);
  saved_r.band.mode = PARTLIQ_BAND_MODE_DUTCH;
  saved_r.band.max_ppm = 10;
#define BAD_RAMPS(change, want)                                       \
  do {                                                                \
    r = saved_r;                                                      \
    change;                                                           \
    CHECK_STATUS(partliq_ramps_validate(&r), want);                   \
    p.ramps = r;                                                      \
    CHECK_STATUS(partliq_policy_validate(&p), want);                  \
    st_saved = st;                                                    \
    POISON(legs);                                                     \
    CHECK_STATUS(run1(&p, -9600, &st, NULL, 0, 1, legs, &d), want);   \
    SAME(st, st_saved);                                               \
    UNTOUCHED(legs);                                                  \
  } while (0)
  CHECK_STATUS(partliq_ramps_validate(&saved_r), PARTLIQ_STATUS_OK);
  BAD_RAMPS(r.band.mode = 3, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_RAMPS(r.band.mode = UINT32_MAX, PARTLIQ_STATUS_INVALID_ENUM);
  BAD_RAMPS(r.band.reserved = 1, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_RAMPS(r.fraction.reserved = UINT32_MAX, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_RAMPS(r.band.spread_to_maintenance_margin_ratio_ppm = 1, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_RAMPS(r.band.mode = PARTLIQ_BAND_MODE_FLAT, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_RAMPS((r.band.mode = PARTLIQ_BAND_MODE_DYDX_FILLABLE, r.band.spread_to_maintenance_margin_ratio_ppm = 1,
             r.band.bankruptcy_adjustment_ppm = 1000000), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  BAD_RAMPS(r.band.start_ppm = 11, PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS(r.band.max_ppm = 1000001, PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS(r.fee.max_fee_ppm = UINT32_MAX, PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS(r.fraction.initial_ppm = 1000001, PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS(r.fraction.full_below_shortage = -1, PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS((memset(&r.band, 0, sizeof r.band), r.band.mode = PARTLIQ_BAND_MODE_DYDX_FILLABLE,
             r.band.bankruptcy_adjustment_ppm = 999999, r.band.spread_to_maintenance_margin_ratio_ppm = 1), PARTLIQ_STATUS_INVALID_RAMP);
  BAD_RAMPS((memset(&r.band, 0, sizeof r.band), r.band.mode = PARTLIQ_BAND_MODE_DYDX_FILLABLE,
             r.band.bankruptcy_adjustment_ppm = 1000000), PARTLIQ_STATUS_INVALID_RAMP);
#undef BAD_RAMPS
  CHECK_STATUS(partliq_ramps_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);
  p.ramps = saved_r;
  {
    partliq_account_liquidation_state bad = st;
    bad.liquidation_started = 2;
    st_saved = bad;
    POISON(legs);
    CHECK_STATUS(run1(&p, -9600, &bad, NULL, 0, 1, legs, &d), PARTLIQ_STATUS_INVALID_ENUM);
    SAME(bad, st_saved);
    UNTOUCHED(legs);
    bad.liquidation_started = 1;
    bad.reserved = 1;
    st_saved = bad;
    CHECK_STATUS(run1(&p, -9600, &bad, NULL, 0, 1, legs, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    SAME(bad, st_saved);
    UNTOUCHED(legs);
    POISON(fee);
    r = saved_r;
    CHECK_STATUS(partliq_ramps_fee(&r, 0, &bad, 1, &fee), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    CHECK_STATUS(partliq_ramps_fee(NULL, 0, &st, 1, &fee), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_ramps_fee(&r, 0, NULL, 1, &fee), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_ramps_fee(&r, 1000001, &st, 1, &fee), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
    r.band.mode = 9;
    CHECK_STATUS(partliq_ramps_fee(&r, 0, &st, 1, &fee), PARTLIQ_STATUS_INVALID_ENUM);
    UNTOUCHED(fee);
    CHECK_STATUS(partliq_ramps_fee(&saved_r, 0, &st, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  }

  /* dYdX's fillable price: ABR = (500 − 400) / 500 = 0.2, SMMR 200 %:
   * (10,000 − 0.2 × 2 × 500) / 100 = 98; a short (long −100, quote 10,400:
   * the same figures) rounds down: (−10,000 − 200) / −100 = 102. */
  {
    static partliq_market m[1];
    static const int64_t prices[1] = {100};
    partliq_position ps[2];
    m[0] = market0();
    ps[0] = pos(0, 100, -9600);
    ps[1] = pos(0, 0, 0);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 0, 1000000, 2000000, &price), PARTLIQ_STATUS_OK);
    CHECK(price == 98);
    ps[0] = pos(0, -100, 10400);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 0, 1000000, 2000000, &price), PARTLIQ_STATUS_OK);
    CHECK(price == 102);
    /* Through the pipeline's fillable mode: the same limit. */
    memset(&r, 0, sizeof r);
    r.band.mode = PARTLIQ_BAND_MODE_DYDX_FILLABLE;
    r.band.bankruptcy_adjustment_ppm = 1000000;
    r.band.spread_to_maintenance_margin_ratio_ppm = 2000000;
    p.ramps = r;
    memset(&st, 0, sizeof st);
    CHECK_STATUS(partliq_run_pipeline(m, 1, prices, 1, 0, ps, 1, &p, &st, NULL, 0, 1, 1, legs, 1, &d), PARTLIQ_STATUS_OK);
    CHECK(d.plan.leg_count == 1 && legs[0].limit_price == 102);
    POISON(price);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 0, 999999, 1, &price), PARTLIQ_STATUS_INVALID_RAMP);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 0, 1000000, 0, &price), PARTLIQ_STATUS_INVALID_RAMP);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 1, 1000000, 1, &price), PARTLIQ_STATUS_UNKNOWN_POSITION);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 2, 1, 1000000, 1, &price), PARTLIQ_STATUS_EMPTY_POSITION);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, UINT32_MAX, 1000000, 1, &price), PARTLIQ_STATUS_UNKNOWN_POSITION);
    CHECK_STATUS(partliq_fillable_limit_price(NULL, 1, prices, 1, 0, ps, 1, 0, 1000000, 1, &price), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, NULL, 1, 0, 1000000, 1, &price), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 0, 0, ps, 1, 0, 1000000, 1, &price), PARTLIQ_STATUS_MISSING_PRICE);
    UNTOUCHED(price);
    CHECK_STATUS(partliq_fillable_limit_price(m, 1, prices, 1, 0, ps, 1, 0, 1000000, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  }
}

void test_engine(void) {
  test_presets();
  test_policy_validate();
  test_emergency_bypass();
  test_reservations();
  test_preset_apply();
  test_pipeline();
  test_dydx_preset();
  test_record_insurance_loss();
  test_ramps();
}

/* ------------------------------------------------------------------------ */

static partliq_adl_candidate cand(uint32_t account, int64_t size, int64_t pnl) {
  partliq_adl_candidate c;
  memset(&c, 0, sizeof c);
  c.account = account;
  c.size = size;
  c.unrealized_pnl = pnl;
  c.entry_notional = 1000;
  c.mark_notional = 1000;
  c.margin = 100;
  return c;
}

static void test_backstop_and_fund(void) {
  partliq_market ms[1];
  const int64_t prices[1] = {100};
  partliq_position ps[2];
  partliq_backstop b;
  ms[0] = market0();
  ps[0] = pos(0, 100, -9600);
  ps[1] = pos(0, 0, 0);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, 50, ps, 2, &b), PARTLIQ_STATUS_OK);
  CHECK(b.collateral == 50 && b.position_count == 1 && b.deficit == 0 && b.health.equity == 450 && b.reserved == 0);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, -500, ps, 2, &b), PARTLIQ_STATUS_OK);
  CHECK(b.deficit == 100 && b.health.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
  POISON(b);
  CHECK_STATUS(partliq_backstop_transfer(NULL, 1, prices, 1, 0, ps, 2, &b), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, NULL, 1, 0, ps, 2, &b), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, 0, NULL, 2, &b), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, 0, ps, 2, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, 0, ps, SIZE_MAX, &b), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 0, 0, ps, 2, &b), PARTLIQ_STATUS_MISSING_PRICE);
  CHECK_STATUS(partliq_backstop_transfer(ms, 1, prices, 1, INT64_MAX, ps, 2, &b), PARTLIQ_STATUS_OVERFLOW);
  UNTOUCHED(b);

  partliq_insurance_fund f, saved;
  partliq_coverage c;
  CHECK_STATUS(partliq_insurance_fund_new(1000, 100, &f), PARTLIQ_STATUS_OK);
  CHECK(f.balance == 1000 && f.floor == 100 && f.initial == 1000 && f.total_credits == 0 && f.total_debits == 0);
  POISON(saved);
  CHECK_STATUS(partliq_insurance_fund_new(99, 100, &saved), PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
  CHECK_STATUS(partliq_insurance_fund_new(99, 100, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(saved);
  CHECK_STATUS(partliq_insurance_fund_credit(&f, 50), PARTLIQ_STATUS_OK);
  CHECK(f.balance == 1050 && f.total_credits == 50);
  saved = f;
  CHECK_STATUS(partliq_insurance_fund_credit(&f, -1), PARTLIQ_STATUS_NEGATIVE_LIMIT);
  CHECK_STATUS(partliq_insurance_fund_credit(&f, INT64_MAX), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_insurance_fund_debit(&f, 951), PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
  CHECK_STATUS(partliq_insurance_fund_debit(&f, INT64_MIN), PARTLIQ_STATUS_NEGATIVE_LIMIT);
  CHECK_STATUS(partliq_insurance_fund_credit(NULL, 1), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_insurance_fund_debit(NULL, 1), PARTLIQ_STATUS_NULL_POINTER);
  SAME(f, saved);
  CHECK_STATUS(partliq_insurance_fund_debit(&f, 950), PARTLIQ_STATUS_OK);
  CHECK(f.balance == 100 && f.total_debits == 950);
  CHECK_STATUS(partliq_insurance_fund_cover(&f, 30, &c), PARTLIQ_STATUS_OK);
  CHECK(c.covered == 0 && c.uncovered == 30 && f.balance == 100);
  CHECK_STATUS(partliq_insurance_fund_credit(&f, 100), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_insurance_fund_cover(&f, 30, &c), PARTLIQ_STATUS_OK);
  CHECK(c.covered == 30 && c.uncovered == 0 && f.balance == 170 && f.initial + f.total_credits - f.total_debits == f.balance);
  saved = f;
  POISON(c);
  CHECK_STATUS(partliq_insurance_fund_cover(&f, -1, &c), PARTLIQ_STATUS_NEGATIVE_LIMIT);
  CHECK_STATUS(partliq_insurance_fund_cover(&f, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_insurance_fund_cover(NULL, 1, &c), PARTLIQ_STATUS_NULL_POINTER);
  SAME(f, saved);
  UNTOUCHED(c);

  /* Book a fill beyond bankruptcy: sell 100 at 90 against bankruptcy 96. */
  {
    partliq_market fm[1] = {market0()};
    partliq_settlement s, bad;
    partliq_fill fill;
    memset(&fill, 0, sizeof fill);
    fill.size_delta = -100;
    fill.price = 90;
    CHECK_STATUS(partliq_settle_fill(fm, 1, prices, 1, 0, ps, 1, &fill, &s), PARTLIQ_STATUS_OK);
    CHECK(s.bad_debt == 600 && s.fee_to_insurance == 0);
    CHECK_STATUS(partliq_insurance_fund_new(1000, 100, &f), PARTLIQ_STATUS_OK);
    CHECK_STATUS(partliq_insurance_fund_book(&f, &s, &c), PARTLIQ_STATUS_OK);
    CHECK(c.covered == 600 && c.uncovered == 0 && f.balance == 400 && f.total_debits == 600);
    CHECK_STATUS(partliq_insurance_fund_book(&f, &s, &c), PARTLIQ_STATUS_OK);
    CHECK(c.covered == 300 && c.uncovered == 300 && f.balance == 100);
    saved = f;
    POISON(c);
    bad = s; bad.new_position.reserved = 1;
    CHECK_STATUS(partliq_insurance_fund_book(&f, &bad, &c), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bad = s; bad.health_after.reserved = 1;
    CHECK_STATUS(partliq_insurance_fund_book(&f, &bad, &c), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bad = s; bad.health_after.state = 3;
    CHECK_STATUS(partliq_insurance_fund_book(&f, &bad, &c), PARTLIQ_STATUS_INVALID_ENUM);
    bad = s; bad.fee_to_insurance = -1;
    CHECK_STATUS(partliq_insurance_fund_book(&f, &bad, &c), PARTLIQ_STATUS_NEGATIVE_LIMIT);
    bad = s; bad.fee_to_insurance = INT64_MAX;
    CHECK_STATUS(partliq_insurance_fund_book(&f, &bad, &c), PARTLIQ_STATUS_OVERFLOW);
    CHECK_STATUS(partliq_insurance_fund_book(NULL, &s, &c), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_insurance_fund_book(&f, NULL, &c), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_insurance_fund_book(&f, &s, NULL), PARTLIQ_STATUS_NULL_POINTER);
    SAME(f, saved);
    UNTOUCHED(c);
  }
}

static void test_adl(void) {
  /* Shorts 0, 2, 3 are opposite a long deficit; 2 ranks first (PnL 100),
   * then 0 (PnL 10), then 3 (a loss). */
  partliq_adl_candidate cs[4];
  uint32_t order[4];
  partliq_adl_fill fills[4];
  size_t n;
  /* Output arrays are initialised memory (any values: they are only written). */
  POISON(order);
  POISON(fills);
  cs[0] = cand(1, -5, 10);
  cs[1] = cand(2, 8, 50);
  cs[2] = cand(3, -10, 100);
  cs[3] = cand(4, -3, -5);
  CHECK_STATUS(partliq_rank_adl(12, cs, 4, order, 4, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 3 && order[0] == 2 && order[1] == 0 && order[2] == 3);
  CHECK_STATUS(partliq_rank_adl(-1, cs, 4, order, 4, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 1 && order[0] == 1);
  CHECK_STATUS(partliq_rank_adl(5, NULL, 0, NULL, 0, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 0);
  POISON(order);
  POISON(n);
  CHECK_STATUS(partliq_rank_adl(12, cs, 4, order, 2, &n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_rank_adl(12, NULL, 4, order, 4, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_rank_adl(12, cs, 4, NULL, 4, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_rank_adl(12, cs, 4, order, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_rank_adl(12, cs, SIZE_MAX, order, 4, &n), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_rank_adl(12, cs, 4, order, SIZE_MAX, &n), PARTLIQ_STATUS_BAD_LENGTH);
  {
    partliq_adl_candidate r[4] = {cs[0], cs[1], cs[2], cs[3]};
    r[3].reserved = 1;
    CHECK_STATUS(partliq_rank_adl(12, r, 4, order, 4, &n), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  }
  UNTOUCHED(order);
  UNTOUCHED(n);
  {
    /* A size of INT64_MIN ranks like any other (only deleveraging it overflows). */
    partliq_adl_candidate r[4] = {cs[0], cs[1], cs[2], cs[3]};
    r[3].size = INT64_MIN;
    CHECK_STATUS(partliq_rank_adl(12, r, 4, order, 4, &n), PARTLIQ_STATUS_OK);
    CHECK(n == 3 && order[0] == 2 && order[1] == 0 && order[2] == 3);
  }

  /* Queue: 10 from account 3, then 2 from account 1, at 90. */
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 2 && fills[0].candidate == 2 && fills[0].account == 3 && fills[0].size_delta == 10 && fills[0].price == 90);
  CHECK(fills[1].candidate == 0 && fills[1].account == 1 && fills[1].size_delta == 2);
  /* Pro rata 9 of 18: floors 5, 2, 1; the last lot to the first in the queue. */
  CHECK_STATUS(partliq_deleverage(9, 90, 1, cs, 4, PARTLIQ_ADL_MODE_PRO_RATA, order, 4, fills, 4, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 3 && fills[0].account == 3 && fills[0].size_delta == 6 && fills[1].account == 1 && fills[1].size_delta == 2);
  CHECK(fills[2].account == 4 && fills[2].size_delta == 1);
  /* A short deficit is taken from the long. */
  CHECK_STATUS(partliq_deleverage(-8, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_OK);
  CHECK(n == 1 && fills[0].account == 2 && fills[0].size_delta == -8);

  POISON(fills);
  POISON(n);
  CHECK_STATUS(partliq_deleverage(19, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES);
  CHECK_STATUS(partliq_deleverage(19, 90, 1, cs, 4, PARTLIQ_ADL_MODE_PRO_RATA, order, 4, fills, 4, &n), PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES);
  CHECK_STATUS(partliq_deleverage(INT64_MIN, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, 2, order, 4, fills, 4, &n), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, UINT32_MAX, order, 4, fills, 4, &n), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_deleverage(12, 90, 0, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_INVALID_LOT_STEP);
  CHECK_STATUS(partliq_deleverage(12, 0, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  CHECK_STATUS(partliq_deleverage(12, INT64_MIN, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 2, &n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 2, fills, 4, &n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, NULL, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, NULL, 4, fills, 4, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, NULL, 4, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, SIZE_MAX, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_deleverage(12, 90, 1, cs, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, SIZE_MAX, &n), PARTLIQ_STATUS_BAD_LENGTH);
  {
    partliq_adl_candidate r[4] = {cs[0], cs[1], cs[2], cs[3]};
    r[0].reserved = 7;
    CHECK_STATUS(partliq_deleverage(12, 90, 1, r, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  }
  UNTOUCHED(fills);
  UNTOUCHED(n);
  {
    /* A short of INT64_MIN absorbs its share like any other: 10 from
     * account 3 first, then 2 from it. */
    partliq_adl_candidate r[4] = {cs[0], cs[1], cs[2], cs[3]};
    r[0].size = INT64_MIN;
    CHECK_STATUS(partliq_deleverage(12, 90, 1, r, 4, PARTLIQ_ADL_MODE_QUEUE, order, 4, fills, 4, &n), PARTLIQ_STATUS_OK);
    CHECK(n == 2 && fills[0].candidate == 2 && fills[0].size_delta == 10 && fills[1].candidate == 0 && fills[1].size_delta == 2);
  }
}

void test_escalation(void) {
  test_backstop_and_fund();
  test_adl();
}

/* ------------------------------------------------------------------------ */

/* 8-byte aligned scratch memory for the shared objects. */
static uint64_t MEM[512];
static uint64_t OTHER[512];

static void test_sizes(void) {
  CHECK(partliq_market_params_align() == 8 && partliq_capacity_align() == 8 && partliq_fund_align() == 8);
  CHECK(partliq_market_params_size(0) == 0 && partliq_market_params_size(1) == 0 && partliq_market_params_size(65) == 0);
  CHECK(partliq_market_params_size(SIZE_MAX) == 0);
  CHECK(partliq_market_params_size(2) == (4 + 2 * 39) * 8 && partliq_market_params_size(64) == (4 + 64 * 39) * 8);
  CHECK(partliq_capacity_size(0, 1) == 0 && partliq_capacity_size(1, 0) == 0 && partliq_capacity_size(SIZE_MAX, 1) == 0);
  CHECK(partliq_capacity_size(PARTLIQ_CAPACITY_MAX_MARKETS + 1, 1) == 0 && partliq_capacity_size(1, PARTLIQ_CAPACITY_MAX_ENTRIES + 1) == 0);
  CHECK(partliq_capacity_size(1, 1) == (3 + 7 + 5) * 8 && partliq_capacity_size(2, 3) == (3 + 14 + 15) * 8);
  CHECK(partliq_fund_size() == 64);
}

static void test_market_params(void) {
  void *mem = MEM;
  const size_t len = partliq_market_params_size(3);
  char *odd = (char *)MEM + 1;
  partliq_market m = market0(), out;
  uint64_t v;
  memset(MEM, 0, sizeof MEM);
  CHECK(len > 0 && len <= sizeof MEM);

  POISON(out);
  POISON(v);
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, &v), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  CHECK_STATUS(partliq_market_params_init(NULL, len, 3, &m), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_init(NULL, 0, 3, &m), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_init(mem, len, 3, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_init(mem, SIZE_MAX, 3, &m), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_market_params_init(odd, len, 3, &m), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_market_params_init(mem, len - 1, 3, &m), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_market_params_init(mem, 0, 3, &m), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_market_params_init(mem, len, 1, &m), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  CHECK_STATUS(partliq_market_params_init(mem, len, 65, &m), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  CHECK_STATUS(partliq_market_params_init(mem, len, SIZE_MAX, &m), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  m.lot_step = 0;
  CHECK_STATUS(partliq_market_params_init(mem, len, 3, &m), PARTLIQ_STATUS_INVALID_LOT_STEP);
  m = market0();
  m.liquidation_fee_rounding = 2;
  CHECK_STATUS(partliq_market_params_init(mem, len, 3, &m), PARTLIQ_STATUS_INVALID_ENUM);
  m = market0();
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, &v), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  UNTOUCHED(out);
  UNTOUCHED(v);

  m.dust_floor = 7;
  m.quote_exponent = -3;
  m.tier_count = 2;
  m.tiers[1].notional_floor = 1000;
  m.tiers[1].initial_ppm = 200000;
  m.tiers[1].maintenance_ppm = 100000;
  CHECK_STATUS(partliq_market_params_init(mem, len, 3, &m), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, &v), PARTLIQ_STATUS_OK);
  SAME(out, m);
  CHECK(v == 1);
  m.id = 2;
  m.liquidation_fee_ppm = 1000;
  m.liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_DOWN; /* published and read back as is */
  CHECK_STATUS(partliq_market_params_publish(mem, len, &m, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 2);
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, &v), PARTLIQ_STATUS_OK);
  SAME(out, m);
  CHECK(v == 2);

  POISON(out);
  POISON(v);
  {
    partliq_market bad = m;
    bad.tiers[0].maintenance_ppm = 300000;
    CHECK_STATUS(partliq_market_params_publish(mem, len, &bad, &v), PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL);
    bad = m;
    bad.liquidation_fee_rounding = UINT32_MAX;
    CHECK_STATUS(partliq_market_params_publish(mem, len, &bad, &v), PARTLIQ_STATUS_INVALID_ENUM);
  }
  CHECK_STATUS(partliq_market_params_publish(NULL, len, &m, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_publish(mem, len, NULL, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_publish(mem, len, &m, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_publish(mem, SIZE_MAX, &m, &v), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_market_params_publish(odd, len, &m, &v), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_market_params_publish(mem, len - 8, &m, &v), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_market_params_publish(mem, 16, &m, &v), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_market_params_read(NULL, len, &out, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_read(mem, len, NULL, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_market_params_read(odd, len, &out, &v), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_market_params_read(mem, 0, &out, &v), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_market_params_read(mem, SIZE_MAX, &out, &v), PARTLIQ_STATUS_BAD_LENGTH);
  UNTOUCHED(out);
  UNTOUCHED(v);
  /* A refused publish changed nothing. */
  CHECK_STATUS(partliq_market_params_read(mem, len, &out, &v), PARTLIQ_STATUS_OK);
  SAME(out, m);
  CHECK(v == 2);
  /* Another kind of object is not a parameter object. */
  CHECK_STATUS(partliq_fund_init(OTHER, sizeof OTHER, 0, 0), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_market_params_read(OTHER, sizeof OTHER, &out, &v), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  CHECK_STATUS(partliq_market_params_publish(OTHER, sizeof OTHER, &m, &v), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
}

static void test_capacity(void) {
  void *mem = MEM;
  char *odd = (char *)MEM + 4;
  partliq_capacity_limits limits[2];
  const size_t len = partliq_capacity_size(2, 2);
  partliq_capacity_reservation r1, r2, r;
  uint64_t a, w, b;
  memset(MEM, 0, sizeof MEM);
  limits[0].window_len = 10;
  limits[0].window_budget = 100;
  limits[0].block_budget = PARTLIQ_CAPACITY_UNLIMITED;
  limits[1].window_len = 0;
  limits[1].window_budget = PARTLIQ_CAPACITY_UNLIMITED;
  limits[1].block_budget = 50;

  CHECK_STATUS(partliq_capacity_init(mem, len, NULL, 0, 2), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  CHECK_STATUS(partliq_capacity_init(mem, len, limits, 2, 0), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  CHECK_STATUS(partliq_capacity_init(mem, len, limits, 2, PARTLIQ_CAPACITY_MAX_ENTRIES + 1), PARTLIQ_STATUS_INVALID_SLOT_COUNT);
  CHECK_STATUS(partliq_capacity_init(mem, len, NULL, 2, 2), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_init(NULL, len, limits, 2, 2), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_init(mem, len, limits, SIZE_MAX, 2), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_capacity_init(mem, SIZE_MAX, limits, 2, 2), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_capacity_init(odd, len, limits, 2, 2), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_capacity_init(mem, len - 1, limits, 2, 2), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  {
    partliq_capacity_limits bad[2] = {limits[0], limits[1]};
    bad[1].block_budget = PARTLIQ_CAPACITY_MAX_AMOUNT + 1;
    CHECK_STATUS(partliq_capacity_init(mem, len, bad, 2, 2), PARTLIQ_STATUS_OUT_OF_RANGE);
    bad[1] = limits[1];
    bad[0].window_len = 0;
    CHECK_STATUS(partliq_capacity_init(mem, len, bad, 2, 2), PARTLIQ_STATUS_ZERO_WINDOW);
  }
  POISON(r);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  UNTOUCHED(r);

  CHECK_STATUS(partliq_capacity_init(mem, len, limits, 2, 2), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 60, 5, 1, 0, &r1), PARTLIQ_STATUS_OK);
  CHECK(r1.amount == 60 && r1.window_epoch == 0 && r1.block == 0);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 60, 5, 1, 0, &r), PARTLIQ_STATUS_CAPACITY_EXHAUSTED);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 60, 5, 1, 1, &r2), PARTLIQ_STATUS_OK);
  CHECK(r2.amount == 40 && r2.handle != r1.handle);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 1, 1, 5, 1, 0, &r), PARTLIQ_STATUS_RESERVATION_TABLE_FULL);
  CHECK_STATUS(partliq_capacity_available(mem, len, 0, 5, 1, &a), PARTLIQ_STATUS_OK);
  CHECK(a == 0);
  CHECK_STATUS(partliq_capacity_commit(mem, len, r1.handle, 61), PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
  CHECK_STATUS(partliq_capacity_commit(mem, len, r1.handle, 50), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_capacity_commit(mem, len, r1.handle, 50), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  CHECK_STATUS(partliq_capacity_release(mem, len, r2.handle), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_capacity_release(mem, len, r2.handle), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  CHECK_STATUS(partliq_capacity_release(mem, len, UINT64_MAX), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  CHECK_STATUS(partliq_capacity_commit(mem, len, 0, 0), PARTLIQ_STATUS_UNKNOWN_RESERVATION);
  CHECK_STATUS(partliq_capacity_available(mem, len, 0, 5, 1, &a), PARTLIQ_STATUS_OK);
  CHECK(a == 50);
  CHECK_STATUS(partliq_capacity_used(mem, len, 0, 9, 1, &w, &b), PARTLIQ_STATUS_OK);
  CHECK(w == 50 && b == 0);
  /* The window [10, 20) starts empty. */
  CHECK_STATUS(partliq_capacity_available(mem, len, 0, 10, 1, &a), PARTLIQ_STATUS_OK);
  CHECK(a == 100);
  /* Market 1: 50 per block. */
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 1, 50, 0, 7, 0, &r), PARTLIQ_STATUS_OK);
  CHECK(r.block == 7 && r.window_epoch == 0);
  CHECK_STATUS(partliq_capacity_commit(mem, len, r.handle, 50), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_capacity_available(mem, len, 1, 0, 7, &a), PARTLIQ_STATUS_OK);
  CHECK(a == 0);
  CHECK_STATUS(partliq_capacity_available(mem, len, 1, 0, 8, &a), PARTLIQ_STATUS_OK);
  CHECK(a == 50);

  POISON(r);
  POISON(a);
  POISON(w);
  POISON(b);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 2, 1, 0, 0, 0, &r), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, UINT32_MAX, 1, 0, 0, 0, &r), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 0, 0, 0, 0, &r), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, PARTLIQ_CAPACITY_MAX_AMOUNT + 1, 0, 0, 0, &r), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 1, 0, 0, 2, &r), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_capacity_reserve(mem, len, 0, 1, 0, 0, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_reserve(NULL, len, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_reserve(odd, len, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_capacity_reserve(mem, len - 8, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_capacity_reserve(mem, SIZE_MAX, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_capacity_commit(NULL, len, 0, 0), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_commit(odd, len, 0, 0), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_capacity_release(mem, 8, 0), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_capacity_available(mem, len, 2, 0, 0, &a), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_capacity_available(mem, len, 0, 0, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_available(NULL, len, 0, 0, 0, &a), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_used(mem, len, 5, 0, 0, &w, &b), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_capacity_used(mem, len, 0, 0, 0, NULL, &b), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_used(mem, len, 0, 0, 0, &w, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_capacity_reserve(OTHER, sizeof OTHER, 0, 1, 0, 0, 0, &r), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  UNTOUCHED(r);
  UNTOUCHED(a);
  UNTOUCHED(w);
  UNTOUCHED(b);
}

static void test_fund(void) {
  void *mem = MEM;
  char *odd = (char *)MEM + 2;
  const size_t len = partliq_fund_size();
  int64_t bal;
  partliq_partial_debit d;
  partliq_ledger l;
  memset(MEM, 0, sizeof MEM);
  POISON(bal);
  CHECK_STATUS(partliq_fund_credit(mem, len, 1, &bal), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  CHECK_STATUS(partliq_fund_init(NULL, len, 1000, 100), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_init(odd, len, 1000, 100), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_fund_init(mem, len - 1, 1000, 100), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_fund_init(mem, 0, 1000, 100), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_fund_init(mem, SIZE_MAX, 1000, 100), PARTLIQ_STATUS_BAD_LENGTH);
  UNTOUCHED(bal);

  CHECK_STATUS(partliq_fund_init(mem, len, 1000, 100), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_fund_credit(mem, len, 50, &bal), PARTLIQ_STATUS_OK);
  CHECK(bal == 1050);
  CHECK_STATUS(partliq_fund_debit(mem, len, 900, &bal), PARTLIQ_STATUS_OK);
  CHECK(bal == 150);
  POISON(bal);
  POISON(d);
  POISON(l);
  CHECK_STATUS(partliq_fund_debit(mem, len, 51, &bal), PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
  CHECK_STATUS(partliq_fund_debit(mem, len, -1, &bal), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_fund_credit(mem, len, -1, &bal), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_fund_credit(mem, len, INT64_MAX, &bal), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_fund_debit_up_to(mem, len, INT64_MIN, &d), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_fund_credit(mem, len, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_debit(mem, len, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_debit_up_to(mem, len, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_ledger(mem, len, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_credit(NULL, len, 1, &bal), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_debit(odd, len, 1, &bal), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_fund_debit_up_to(mem, len - 8, 1, &d), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_fund_ledger(mem, SIZE_MAX, &l), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_fund_set_floor(NULL, len, 0), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_fund_ledger(MEM + 64, len, &l), PARTLIQ_STATUS_SHARED_MEMORY_NOT_INITIALIZED);
  UNTOUCHED(bal);
  UNTOUCHED(d);
  UNTOUCHED(l);
  CHECK_STATUS(partliq_fund_debit_up_to(mem, len, 80, &d), PARTLIQ_STATUS_OK);
  CHECK(d.debited == 50 && d.balance == 100);
  CHECK_STATUS(partliq_fund_debit_up_to(mem, len, 80, &d), PARTLIQ_STATUS_OK);
  CHECK(d.debited == 0 && d.balance == 100);
  CHECK_STATUS(partliq_fund_set_floor(mem, len, 0), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_fund_debit(mem, len, 100, &bal), PARTLIQ_STATUS_OK);
  CHECK(bal == 0);
  CHECK_STATUS(partliq_fund_ledger(mem, len, &l), PARTLIQ_STATUS_OK);
  CHECK(l.initial == 1000 && l.balance == 0 && l.floor == 0 && l.credits_hi == 0 && l.credits_lo == 50);
  CHECK(l.debits_hi == 0 && l.debits_lo == 1050);
}

void test_shared_state(void) {
  test_sizes();
  test_market_params();
  test_capacity();
  test_fund();
}
