/* Every entry point of the C ABI, good and bad inputs. Built with
 * -std=c11 -Wall -Wextra -Wpedantic -Werror, and run plain, under
 * ASan+UBSan, under valgrind memcheck, and against the shared library.
 * Every failing call must leave its outputs untouched: they are filled with
 * a sentinel byte first and checked after. */
#include "partliq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARTLIQ_CARGO_VERSION
#error "PARTLIQ_CARGO_VERSION (Cargo.toml's version) must be defined by the build"
#endif

#include "check.h"

int passed, failed;

int untouched(const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++)
    if (b[i] != SENTINEL) return 0;
  return 1;
}

/* e = 0, lot 1, tick 1, 10 % / 5 %, fee 1 %, liquidator share 40 %. */
static partliq_market market_a(void) {
  partliq_market m;
  memset(&m, 0, sizeof m);
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

/* Prices in cents (e = -2), 20 % / 10 %, no fee. */
static partliq_market market_b(void) {
  partliq_market m = market_a();
  m.id = 2;
  m.quote_exponent = -2;
  m.tiers[0].initial_ppm = 200000;
  m.tiers[0].maintenance_ppm = 100000;
  m.liquidation_fee_ppm = 0;
  m.liquidator_fee_share_ppm = 0;
  return m;
}

static partliq_position position(uint32_t market, int64_t size, int64_t quote_balance) {
  partliq_position p;
  memset(&p, 0, sizeof p);
  p.market_index = market;
  p.size = size;
  p.quote_balance = quote_balance;
  return p;
}

static partliq_market M[2];
static const int64_t PRICES[2] = {100, 12345};
static partliq_position TWO[2];  /* long 100 @ -9,000 in A; short 3 @ 400 in B */
static partliq_position LONG[1]; /* long 100 @ -9,600 in A: equity 400 < MM 500 */

static void test_version(void) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", PARTLIQ_VERSION_MAJOR, PARTLIQ_VERSION_MINOR, PARTLIQ_VERSION_PATCH);
  CHECK(strcmp(partliq_version(), want) == 0);
  CHECK(strcmp(partliq_version(), PARTLIQ_CARGO_VERSION) == 0);
  CHECK(partliq_abi_version() == PARTLIQ_VERSION_NUMBER);
  CHECK(partliq_abi_version() / 1000000 == PARTLIQ_VERSION_MAJOR);
}

static void test_status_str(void) {
  static const partliq_status named[] = {
      PARTLIQ_STATUS_OK, PARTLIQ_STATUS_OVERFLOW, PARTLIQ_STATUS_DIVISION_BY_ZERO, PARTLIQ_STATUS_OUT_OF_RANGE,
      PARTLIQ_STATUS_INVALID_LOT_STEP, PARTLIQ_STATUS_INVALID_TICK, PARTLIQ_STATUS_INVALID_TIER_COUNT, PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO,
      PARTLIQ_STATUS_TIERS_NOT_ASCENDING, PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL, PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT,
      PARTLIQ_STATUS_FRACTIONS_DECREASING, PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT, PARTLIQ_STATUS_INVALID_DUST_FLOOR,
      PARTLIQ_STATUS_UNKNOWN_MARKET, PARTLIQ_STATUS_MISSING_PRICE, PARTLIQ_STATUS_NEGATIVE_PRICE, PARTLIQ_STATUS_UNKNOWN_POSITION,
      PARTLIQ_STATUS_EMPTY_POSITION, PARTLIQ_STATUS_TOO_MANY_POSITIONS, PARTLIQ_STATUS_BUFFER_TOO_SMALL, PARTLIQ_STATUS_INVALID_FILL_QUANTITY,
      PARTLIQ_STATUS_INVALID_FILL_PRICE, PARTLIQ_STATUS_INVALID_BUFFER, PARTLIQ_STATUS_INVALID_PRICE_BAND,
      PARTLIQ_STATUS_INVALID_POLICY_FRACTION, PARTLIQ_STATUS_ZERO_WINDOW, PARTLIQ_STATUS_BACKSTOP_FRACTION_NOT_BELOW_ONE,
      PARTLIQ_STATUS_NEGATIVE_LIMIT, PARTLIQ_STATUS_STATE_TOO_SMALL, PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES,
      PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR, PARTLIQ_STATUS_NULL_POINTER, PARTLIQ_STATUS_BAD_LENGTH,
      PARTLIQ_STATUS_MISALIGNED_POINTER, PARTLIQ_STATUS_RESERVED_NOT_ZERO, PARTLIQ_STATUS_INVALID_ENUM,
  };
  const size_t n = sizeof named / sizeof named[0];
  const char *unknown = partliq_status_str(999);
  CHECK(unknown != NULL && strcmp(unknown, "unknown status code") == 0);
  CHECK(strcmp(partliq_status_str(PARTLIQ_STATUS_OK), "ok") == 0);
  for (size_t i = 0; i < n; i++) {
    const char *s = partliq_status_str(named[i]);
    CHECK(s != NULL && s[0] != '\0' && s != unknown);
    for (size_t j = 0; j < i; j++) CHECK(named[j] != named[i] && strcmp(partliq_status_str(named[j]), s) != 0);
  }
  CHECK(partliq_status_str(1005) == unknown);
  CHECK(partliq_status_str(2000) == unknown);
  CHECK(partliq_status_str(UINT32_MAX) == unknown);
  /* Ranges: core errors below 1000, the boundary's own from 1000. */
  CHECK(PARTLIQ_STATUS_INVALID_PRICE_BAND < 1000 && PARTLIQ_STATUS_NULL_POINTER == 1000);
}

static void test_market_validate(void) {
  partliq_market m = market_a();
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_OK);
  m = market_b();
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_market_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);

  m = market_a(); m.lot_step = 0;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_LOT_STEP);
  m = market_a(); m.tick = -5;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_TICK);
  m = market_a(); m.quote_exponent = 19;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT);
  m = market_a(); m.quote_exponent = INT32_MIN;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT);
  m = market_a(); m.tier_count = 0;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_TIER_COUNT);
  m = market_a(); m.tier_count = PARTLIQ_MAX_TIERS + 1;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_TIER_COUNT);
  m = market_a(); m.tier_count = UINT32_MAX;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_TIER_COUNT);
  m = market_a(); m.tiers[0].notional_floor = 1;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_FIRST_TIER_NOT_AT_ZERO);
  m = market_a(); m.tier_count = 2; m.tiers[1] = m.tiers[0];
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_TIERS_NOT_ASCENDING);
  m = market_a(); m.tiers[0].maintenance_ppm = 200000;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_MAINTENANCE_ABOVE_INITIAL);
  m = market_a(); m.tiers[0].initial_ppm = 1000001;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  m = market_a(); m.liquidation_fee_ppm = UINT32_MAX;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  m = market_a(); m.liquidator_fee_share_ppm = 1000001;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  m = market_a(); m.tier_count = 2; m.tiers[1].notional_floor = 10; m.tiers[1].initial_ppm = 90000; m.tiers[1].maintenance_ppm = 40000;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_FRACTIONS_DECREASING);
  m = market_a(); m.dust_floor = -1;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_DUST_FLOOR);
  /* The fee rounding (the former reserved field): 0 up, 1 down; anything else INVALID_ENUM. */
  m = market_a(); m.liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_DOWN;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_OK);
  m = market_a(); m.liquidation_fee_rounding = 2;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_ENUM);
  m = market_a(); m.liquidation_fee_rounding = UINT32_MAX;
  CHECK_STATUS(partliq_market_validate(&m), PARTLIQ_STATUS_INVALID_ENUM);
}

static void test_pool_health(void) {
  partliq_health h;
  /* Hand-computed in src/health.rs: equity 1,129, IM 1,075, MM 538. */
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, 100, TWO, 2, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 1129 && h.initial_requirement == 1075 && h.maintenance_requirement == 538);
  CHECK(h.free_collateral == 54 && h.margin_ratio_ppm == 476528 && h.state == PARTLIQ_HEALTH_STATE_HEALTHY && h.reserved == 0);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, -600, TWO, 2, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 429 && h.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE && h.margin_ratio_ppm == 1254080);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, -1200, TWO, 2, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == -171 && h.state == PARTLIQ_HEALTH_STATE_BANKRUPT && h.margin_ratio_ppm == UINT64_MAX);
  /* Empty arrays may be NULL. */
  CHECK_STATUS(partliq_pool_health(NULL, 0, NULL, 0, 5, NULL, 0, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 5 && h.maintenance_requirement == 0 && h.state == PARTLIQ_HEALTH_STATE_HEALTHY);

  /* Bad inputs: each gets its status, the output stays untouched. */
  POISON(h);
  CHECK_STATUS(partliq_pool_health(NULL, 2, PRICES, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health(M, 2, NULL, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, 0, NULL, 2, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, 0, TWO, 2, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health(M, SIZE_MAX, PRICES, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, SIZE_MAX, 0, TWO, 2, &h), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, 0, TWO, SIZE_MAX, &h), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, SIZE_MAX / 8 + 1, 0, TWO, 2, &h), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health(M, 1, PRICES, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 1, 0, TWO, 2, &h), PARTLIQ_STATUS_MISSING_PRICE);
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 0, 0, TWO, 2, &h), PARTLIQ_STATUS_MISSING_PRICE);
  {
    const int64_t zero[2] = {100, 0}, negative[2] = {-1, 5};
    CHECK_STATUS(partliq_pool_health(M, 2, zero, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_MISSING_PRICE);
    CHECK_STATUS(partliq_pool_health(M, 2, negative, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_NEGATIVE_PRICE);
  }
  CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, INT64_MAX, TWO, 2, &h), PARTLIQ_STATUS_OVERFLOW);
  {
    const partliq_position huge[1] = {position(0, INT64_MIN, 0)};
    const int64_t max_price[1] = {INT64_MAX};
    CHECK_STATUS(partliq_pool_health(M, 1, max_price, 1, 0, huge, 1, &h), PARTLIQ_STATUS_OVERFLOW);
  }
  {
    partliq_position r[2] = {TWO[0], TWO[1]};
    r[1].reserved = 7;
    CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, 0, r, 2, &h), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    partliq_market rm[2] = {M[0], M[1]};
    rm[1].liquidation_fee_rounding = 2;
    CHECK_STATUS(partliq_pool_health(rm, 2, PRICES, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_INVALID_ENUM);
    /* Every market of the array is checked, named by a position or not. */
    CHECK_STATUS(partliq_pool_health(rm, 2, PRICES, 2, 0, TWO, 1, &h), PARTLIQ_STATUS_INVALID_ENUM);
  }
  {
    /* A misaligned array pointer is refused, never dereferenced. */
    static int64_t storage[8];
    const int64_t *odd = (const int64_t *)(const void *)((const char *)storage + 1);
    CHECK_STATUS(partliq_pool_health(M, 2, odd, 2, 0, TWO, 2, &h), PARTLIQ_STATUS_MISALIGNED_POINTER);
  }
  UNTOUCHED(h);
}

static void test_pool_health_batch(void) {
  /* Three accounts over TWO: both positions with 100 (= test_pool_health's
     first pool: equity 1,129, MM 538), the second alone with −600, and a
     range past the array. */
  const partliq_batch_account acc[3] = {{100, 0, 2}, {-600, 1, 1}, {0, 1, 2}};
  partliq_health out[3];
  partliq_status st[3];
  memset(out, 0, sizeof out);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, 3, TWO, 2, out, st, 3), PARTLIQ_STATUS_OK);
  CHECK(st[0] == PARTLIQ_STATUS_OK && out[0].equity == 1129 && out[0].maintenance_requirement == 538);
  {
    partliq_health one;
    CHECK_STATUS(partliq_pool_health(M, 2, PRICES, 2, -600, TWO + 1, 1, &one), PARTLIQ_STATUS_OK);
    CHECK(st[1] == PARTLIQ_STATUS_OK && memcmp(&one, &out[1], sizeof one) == 0);
  }
  CHECK(st[2] == PARTLIQ_STATUS_UNKNOWN_POSITION);
  /* The shared arguments: refused whole, nothing written. */
  POISON(out);
  POISON(st);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, NULL, 3, TWO, 2, out, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, 3, TWO, 2, NULL, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, 3, TWO, 2, out, NULL, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, 3, TWO, 2, out, st, 2), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, SIZE_MAX, TWO, 2, out, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_pool_health_batch(M, 2, PRICES, 2, acc, 3, TWO, 2, out, st, SIZE_MAX), PARTLIQ_STATUS_BAD_LENGTH);
  UNTOUCHED(out);
  UNTOUCHED(st);
  /* dYdX: 1 BTC (atomic resolution −8) at 50,000 (5,000,000,000 × 10^−5),
     IMF 20 %, MF 50 %, quote balance −45,000 USDC, 1,000 USDC: notional
     50,000,000,000; IMR 10,000,000,000; MMR 5,000,000,000; NC
     6,000,000,000. */
  {
    partliq_batch_dydx_position p;
    partliq_batch_dydx_risk r;
    partliq_status s;
    const partliq_batch_account a = {1000000000, 0, 1};
    memset(&p, 0, sizeof p);
    p.atomic_resolution = -8;
    p.initial_margin_ppm = 200000;
    p.maintenance_fraction_ppm = 500000;
    p.price = 5000000000u;
    p.price_exponent = -5;
    p.quantums = 100000000;
    p.quote_balance = -45000000000;
    CHECK_STATUS(partliq_dydx_subaccount_risk_batch(&a, 1, &p, 1, &r, &s, 1), PARTLIQ_STATUS_OK);
    CHECK(s == PARTLIQ_STATUS_OK && r.mmr == 5000000000 && r.imr == 10000000000 && r.nc == 6000000000 && r.liquidatable == 0);
    CHECK_STATUS(partliq_dydx_subaccount_risk_batch(&a, 1, NULL, 1, &r, &s, 1), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_dydx_subaccount_risk_batch(&a, 1, &p, 1, &r, &s, 0), PARTLIQ_STATUS_BAD_LENGTH);
    p.reserved = 1;
    CHECK_STATUS(partliq_dydx_subaccount_risk_batch(&a, 1, &p, 1, &r, &s, 1), PARTLIQ_STATUS_OK);
    CHECK(s == PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  }
}

static void test_plan_liquidation_batch(void) {
  /* test_plan's markets and positions (M0 10 %/5 %, M1 20 %/10 %, no fee,
     band 0, marks 100 / 50; equity 380 < MM 550): account 0 is that pool
     (largest maintenance first closes 34 of position 0 at the mark), account
     1 the same positions with 1,000,000 collateral (already safe), account 2
     a range past the array. */
  partliq_market ms[2] = {market_a(), market_a()};
  ms[0].liquidation_fee_ppm = 0;
  ms[1].liquidation_fee_ppm = 0;
  ms[1].tiers[0].initial_ppm = 200000;
  ms[1].tiers[0].maintenance_ppm = 100000;
  const int64_t prices[2] = {100, 50};
  const partliq_position ps[2] = {position(0, 100, -9600), position(1, -10, 480)};
  const partliq_batch_account acc[3] = {{0, 0, 2}, {1000000, 0, 2}, {0, 2, 1}};
  partliq_plan_params params;
  memset(&params, 0, sizeof params);
  params.order = PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST;
  partliq_plan plans[3];
  partliq_plan_leg legs[6];
  partliq_status st[3];
  memset(plans, 0, sizeof plans);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_OK);
  CHECK(st[0] == PARTLIQ_STATUS_OK && plans[0].status == PARTLIQ_OUTCOME_RESTORED && plans[0].leg_count == 1);
  CHECK(legs[0].position_index == 0 && legs[0].size_delta == -34 && legs[0].limit_price == 100 && legs[0].expected_cash == 3400);
  {
    /* Account 0 is exactly partliq_plan_liquidation of its pool. */
    partliq_plan one;
    partliq_plan_leg one_legs[2];
    CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, one_legs, 2, &one), PARTLIQ_STATUS_OK);
    CHECK(memcmp(&one, &plans[0], sizeof one) == 0 && memcmp(&one_legs[0], &legs[0], sizeof legs[0]) == 0);
  }
  CHECK(st[1] == PARTLIQ_STATUS_OK && plans[1].status == PARTLIQ_OUTCOME_ALREADY_SAFE && plans[1].leg_count == 0);
  CHECK(plans[1].health_before.equity == 1000380);
  CHECK(st[2] == PARTLIQ_STATUS_UNKNOWN_POSITION);
  /* An empty batch: NULL arrays with length 0. */
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, NULL, 0, ps, 2, &params, NULL, 0, 1, NULL, NULL, 0), PARTLIQ_STATUS_OK);
  /* The shared arguments: refused whole, nothing written. */
  POISON(plans);
  POISON(legs);
  POISON(st);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, NULL, 3, ps, 2, &params, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, NULL, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, NULL, 6, 2, plans, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, NULL, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, plans, NULL, 3), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation_batch(NULL, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_NULL_POINTER);
  /* out_len ≠ accounts_len, legs_len ≠ accounts_len × legs_per_account,
     no leg slots, products and lengths past the address space. */
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, plans, st, 2), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 5, 2, plans, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 0, 0, plans, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, SIZE_MAX, plans, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, SIZE_MAX, ps, 2, &params, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, SIZE_MAX, 2, plans, st, 3), PARTLIQ_STATUS_BAD_LENGTH);
  /* An out-of-range order enum. */
  params.order = 99;
  CHECK_STATUS(partliq_plan_liquidation_batch(ms, 2, prices, 2, acc, 3, ps, 2, &params, legs, 6, 2, plans, st, 3), PARTLIQ_STATUS_INVALID_ENUM);
  UNTOUCHED(plans);
  UNTOUCHED(legs);
  UNTOUCHED(st);
}

static void test_account_health(void) {
  const int64_t prices[2] = {90, 12345};
  partliq_position ps[2] = {position(0, 100, -9000), position(1, -3, 500)};
  partliq_health h;
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, 2, PARTLIQ_MARGIN_MODE_CROSS, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 1129 && h.maintenance_requirement == 488 && h.state == PARTLIQ_HEALTH_STATE_HEALTHY);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, 2, PARTLIQ_MARGIN_MODE_ISOLATED, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 1129 && h.maintenance_requirement == 488 && h.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE);
  /* Isolated: the collateral is a pool of its own with no positions; the
   * state is the worst pool's, the figures the sums. At marks 100 / 123.45
   * pool 0 is 1,000 vs MM 500 and pool 1 is 129 vs 38 (IM 1,000 and 75):
   * both healthy. */
  {
    partliq_health a;
    /* Pool 1 alone, collateral -1,000: sums -871, the collateral pool bankrupt. */
    CHECK_STATUS(partliq_account_health(M, 2, PRICES, 2, -1000, &ps[1], 1, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
    CHECK(a.equity == -871 && a.initial_requirement == 75 && a.maintenance_requirement == 38 && a.free_collateral == -946);
    CHECK(a.margin_ratio_ppm == UINT64_MAX && a.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
    /* Collateral -1: sums 1,128 >= 538 (healthy by the sums): bankrupt;
     * ratio from the sums, ceil(538e6 / 1,128) = 476,951. */
    CHECK_STATUS(partliq_account_health(M, 2, PRICES, 2, -1, ps, 2, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
    CHECK(a.equity == 1128 && a.maintenance_requirement == 538 && a.free_collateral == 53 && a.margin_ratio_ppm == 476951);
    CHECK(a.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
    /* Collateral -1,000: sums 129 < 538 (liquidatable by the sums): bankrupt. */
    CHECK_STATUS(partliq_account_health(M, 2, PRICES, 2, -1000, ps, 2, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
    CHECK(a.equity == 129 && a.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
    /* Collateral 0: healthy. */
    CHECK_STATUS(partliq_account_health(M, 2, PRICES, 2, 0, ps, 2, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
    CHECK(a.equity == 1129 && a.state == PARTLIQ_HEALTH_STATE_HEALTHY);
    /* Collateral 5,000 and pool 0 bankrupt at 85 (8,500 - 9,000 = -500):
     * sums 4,629 vs MM 425 + 38 = 463 (healthy by the sums): bankrupt. */
    {
      const int64_t p85[2] = {85, 12345};
      CHECK_STATUS(partliq_account_health(M, 2, p85, 2, 5000, ps, 2, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
      CHECK(a.equity == 4629 && a.maintenance_requirement == 463 && a.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
    }
    /* No positions: the collateral pool alone. */
    CHECK_STATUS(partliq_account_health(NULL, 0, NULL, 0, -1, NULL, 0, PARTLIQ_MARGIN_MODE_ISOLATED, &a), PARTLIQ_STATUS_OK);
    CHECK(a.equity == -1 && a.state == PARTLIQ_HEALTH_STATE_BANKRUPT);
  }
  POISON(h);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, 2, 2, &h), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, 2, UINT32_MAX, &h), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, 2, PARTLIQ_MARGIN_MODE_CROSS, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_account_health(NULL, 2, prices, 2, 1000, ps, 2, PARTLIQ_MARGIN_MODE_CROSS, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_account_health(M, 2, NULL, 2, 1000, ps, 2, PARTLIQ_MARGIN_MODE_CROSS, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, NULL, 2, PARTLIQ_MARGIN_MODE_CROSS, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_account_health(M, 2, prices, 2, 1000, ps, SIZE_MAX, PARTLIQ_MARGIN_MODE_ISOLATED, &h), PARTLIQ_STATUS_BAD_LENGTH);
  UNTOUCHED(h);
}

static partliq_close_request close_request(uint32_t index, int64_t price, uint32_t kind, uint32_t buffer) {
  partliq_close_request r;
  memset(&r, 0, sizeof r);
  r.position_index = index;
  r.execution_price = price;
  r.target.kind = kind;
  r.target.buffer_ppm = buffer;
  return r;
}

static void test_minimal_close(void) {
  partliq_close_sizing s;
  /* src/sizing.rs: close 34 at 99 restores maintenance, 33 does not. */
  partliq_close_request r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_OK);
  CHECK(s.status == PARTLIQ_OUTCOME_RESTORED && s.size_delta == -34 && s.execution_price == 99);
  CHECK(s.expected_cash == 3366 && s.expected_fee == 34 && s.exhaustive == 1 && s.dust_closed == 0);
  CHECK(s.health_after.equity == 332 && s.health_after.maintenance_requirement == 330 && s.shortfall == 0);
  CHECK(s.reserved[0] == 0 && s.reserved[1] == 0);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 10000, LONG, 1, &r, &s), PARTLIQ_STATUS_OK);
  CHECK(s.status == PARTLIQ_OUTCOME_ALREADY_SAFE && s.size_delta == 0);
  r = close_request(0, 90, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_OK);
  CHECK(s.status == PARTLIQ_OUTCOME_INFEASIBLE && s.shortfall > 0);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_INITIAL, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_OK);
  CHECK(s.status == PARTLIQ_OUTCOME_RESTORED && s.size_delta == -75);

  POISON(s);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, NULL, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_minimal_close(NULL, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_minimal_close(M, 1, NULL, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, NULL, 1, &r, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 0, &r, &s), PARTLIQ_STATUS_UNKNOWN_POSITION);
  r = close_request(0, 99, 2, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_INVALID_ENUM);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 1000001);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_INVALID_BUFFER);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_INITIAL, 1);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_INVALID_BUFFER);
  r = close_request(0, 0, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  r = close_request(0, INT64_MIN, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  r = close_request(1, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_UNKNOWN_POSITION);
  r = close_request(UINT32_MAX, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_UNKNOWN_POSITION);
  r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  r.reserved = 1;
  CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, LONG, 1, &r, &s), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  {
    const partliq_position empty[1] = {position(0, 0, 5)};
    r = close_request(0, 99, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
    CHECK_STATUS(partliq_minimal_close(M, 1, PRICES, 1, 0, empty, 1, &r, &s), PARTLIQ_STATUS_EMPTY_POSITION);
  }
  UNTOUCHED(s);
}

/* Fine lots, coarse quote units: one lot moves the surplus by ~0.005 quote
 * units, so rounding decides where the target is first met. e = -4, lot 1,
 * MM 6.6288 %, fee 0.101 %; long 1,644 at mark 781 (notional 128.3964,
 * value 128), quote balance -124: equity 4 < MM ceil(8.511) = 9. Closing
 * 1,066 at 779: cash floor(83.0414) = 83, fee 1, remainder 578 worth
 * floor(45.1418) = 45, equity 45 - 124 + 83 - 1 = 3, MM ceil(2.99236) = 3.
 * 1,065: cash 82, remainder worth 45, equity 2 < MM ceil(2.9975) = 3. The
 * least close is 1,066 (an inexact search closed 1,258). */
static void test_minimal_close_is_exact_with_fine_lots(void) {
  partliq_market m = market_a();
  m.quote_exponent = -4;
  m.tiers[0].initial_ppm = 132576;
  m.tiers[0].maintenance_ppm = 66288;
  m.liquidation_fee_ppm = 1010;
  const int64_t mark[1] = {781};
  partliq_position p[1] = {position(0, 1644, -124)};
  partliq_close_request r = close_request(0, 779, PARTLIQ_TARGET_KIND_MAINTENANCE, 0);
  partliq_close_sizing s;
  CHECK_STATUS(partliq_minimal_close(&m, 1, mark, 1, 0, p, 1, &r, &s), PARTLIQ_STATUS_OK);
  CHECK(s.status == PARTLIQ_OUTCOME_RESTORED && s.size_delta == -1066 && s.exhaustive == 1);
  CHECK(s.expected_cash == 83 && s.expected_fee == 1);
  CHECK(s.health_after.equity == 3 && s.health_after.maintenance_requirement == 3);
}

static void test_plan(void) {
  /* src/plan.rs: M0 10 %/5 %, M1 20 %/10 %, no fee, band 0. */
  partliq_market ms[2] = {market_a(), market_a()};
  ms[0].liquidation_fee_ppm = 0;
  ms[1].liquidation_fee_ppm = 0;
  ms[1].tiers[0].initial_ppm = 200000;
  ms[1].tiers[0].maintenance_ppm = 100000;
  const int64_t prices[2] = {100, 50};
  const partliq_position ps[2] = {position(0, 100, -9600), position(1, -10, 480)};
  partliq_plan_params params;
  memset(&params, 0, sizeof params);
  partliq_plan plan;
  partliq_plan_leg legs[4];

  const uint32_t orders[3] = {PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST, PARTLIQ_PLAN_ORDER_BEST_RELEASE_PER_COST_FIRST,
                              PARTLIQ_PLAN_ORDER_PRO_RATA};
  const uint32_t want_legs[3] = {1, 2, 2};
  for (int i = 0; i < 3; i++) {
    params.order = orders[i];
    POISON(legs);
    CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_OK);
    CHECK(plan.status == PARTLIQ_OUTCOME_RESTORED && plan.leg_count == want_legs[i]);
    CHECK(plan.health_before.equity == 380 && plan.health_before.maintenance_requirement == 550);
    CHECK(plan.health_after.equity >= plan.required_equity_after && plan.shortfall == 0);
    for (uint32_t k = 0; k < plan.leg_count; k++) CHECK(legs[k].reserved == 0 && legs[k].size_delta != 0);
    for (uint32_t k = plan.leg_count; k < 4; k++) UNTOUCHED(legs[k]);
  }
  /* Largest maintenance first closes 34 of position 0 at the mark. */
  params.order = PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST;
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 2, &plan), PARTLIQ_STATUS_OK);
  CHECK(legs[0].position_index == 0 && legs[0].size_delta == -34 && legs[0].limit_price == 100 && legs[0].expected_cash == 3400);
  CHECK(plan.dust_closed == 0);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 1000000, ps, 2, &params, legs, 2, &plan), PARTLIQ_STATUS_OK);
  CHECK(plan.status == PARTLIQ_OUTCOME_ALREADY_SAFE && plan.leg_count == 0);
  /* No positions: NULL arrays with length 0, already safe. */
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 10, NULL, 0, &params, NULL, 0, &plan), PARTLIQ_STATUS_OK);
  CHECK(plan.status == PARTLIQ_OUTCOME_ALREADY_SAFE && plan.leg_count == 0);

  POISON(plan);
  POISON(legs);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 1, &plan), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, NULL, 2, &plan), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, NULL, 0, &plan), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, SIZE_MAX, &plan), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, NULL, legs, 4, &plan), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(NULL, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, NULL, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, NULL, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 1, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_MISSING_PRICE);
  params.order = 3;
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_INVALID_ENUM);
  params.order = PARTLIQ_PLAN_ORDER_PRO_RATA;
  params.target.kind = 7;
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_INVALID_ENUM);
  params.target.kind = PARTLIQ_TARGET_KIND_MAINTENANCE;
  params.target.buffer_ppm = 2000000;
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_INVALID_BUFFER);
  params.target.buffer_ppm = 0;
  params.price_band_ppm = 1000001;
  CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, ps, 2, &params, legs, 4, &plan), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  params.price_band_ppm = 0;
  {
    static partliq_position many[PARTLIQ_MAX_POSITIONS + 1];
    static partliq_plan_leg many_legs[PARTLIQ_MAX_POSITIONS + 1];
    for (size_t i = 0; i < PARTLIQ_MAX_POSITIONS + 1; i++) many[i] = ps[0];
    CHECK_STATUS(partliq_plan_liquidation(ms, 2, prices, 2, 0, many, PARTLIQ_MAX_POSITIONS + 1, &params, many_legs, PARTLIQ_MAX_POSITIONS + 1, &plan),
                 PARTLIQ_STATUS_TOO_MANY_POSITIONS);
  }
  UNTOUCHED(plan);
  UNTOUCHED(legs);
}

static void test_pricing(void) {
  partliq_bankruptcy b;
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, -100, &b), PARTLIQ_STATUS_OK);
  CHECK(b.quote == 9600 && b.price == 96);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, -34, &b), PARTLIQ_STATUS_OK);
  CHECK(b.quote == 3264 && b.price == 96);
  POISON(b);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 1, &b), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 0, &b), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, -101, &b), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, INT64_MIN, &b), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 1, -1, &b), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, PRICES, 1, 0, LONG, 1, 0, -1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_bankruptcy_price(M, 1, NULL, 1, 0, LONG, 1, 0, -1, &b), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(b);

  int64_t price;
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 10000, &price), PARTLIQ_STATUS_OK);
  CHECK(price == 99);
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 50000, &price), PARTLIQ_STATUS_OK);
  CHECK(price == 96);
  POISON(price);
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 1000001, &price), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 0, UINT32_MAX, &price), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 0, 10000, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_limit_price(M, 1, PRICES, 1, 0, LONG, 1, 5, 10000, &price), PARTLIQ_STATUS_UNKNOWN_POSITION);
  UNTOUCHED(price);

  partliq_liquidation_price lp;
  CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, LONG, 1, 0, &lp), PARTLIQ_STATUS_OK);
  CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_AT && lp.price == 102 && lp.reserved == 0);
  {
    const partliq_position funded[1] = {position(0, 100, 0)}, unfunded_short[1] = {position(0, -100, 0)};
    CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, funded, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_NEVER && lp.price == 0);
    CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, unfunded_short, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_ALWAYS && lp.price == 0);
  }
  {
    /* 100 % maintenance: a long's equity - maintenance is constant in the
     * mark. Collateral 50, long 1 @ -100: 50 + P - 100 - P = -50 everywhere:
     * always, and the pool needs liquidation at marks 1, 100, 1,000,000. */
    partliq_market full[1] = {market_a()};
    full[0].tiers[0].initial_ppm = 1000000;
    full[0].tiers[0].maintenance_ppm = 1000000;
    const partliq_position lng[1] = {position(0, 1, -100)};
    const int64_t mark100[1] = {100};
    CHECK_STATUS(partliq_estimated_liquidation_price(full, 1, mark100, 1, 50, lng, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_ALWAYS && lp.price == 0);
    {
      const int64_t marks[3] = {1, 100, 1000000};
      for (int i = 0; i < 3; i++) {
        partliq_health h;
        CHECK_STATUS(partliq_pool_health(full, 1, &marks[i], 1, 50, lng, 1, &h), PARTLIQ_STATUS_OK);
        CHECK(h.state != PARTLIQ_HEALTH_STATE_HEALTHY && h.equity - h.maintenance_requirement == -50);
      }
    }
    /* Collateral 100: the constant is 0, healthy everywhere: never. */
    CHECK_STATUS(partliq_estimated_liquidation_price(full, 1, mark100, 1, 100, lng, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_NEVER && lp.price == 0);
    /* Short 1 @ 300: 300 - 2P = 0 at 150. */
    {
      const partliq_position sht[1] = {position(0, -1, 300)};
      CHECK_STATUS(partliq_estimated_liquidation_price(full, 1, mark100, 1, 0, sht, 1, 0, &lp), PARTLIQ_STATUS_OK);
      CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_AT && lp.price == 150);
    }
    /* Tiers [0, 1,000) 50 %, [1,000, inf) 100 % (deduction 500). Long 1:
     * qb -600: tier 0's root 1,200 lies above it, tier 1 is -100: always;
     * qb -400: 0.5 P = 400 at 800; qb -500: 1,000, tier 1's floor. */
    partliq_market mixed[1] = {full[0]};
    mixed[0].tier_count = 2;
    mixed[0].tiers[0].initial_ppm = 500000;
    mixed[0].tiers[0].maintenance_ppm = 500000;
    mixed[0].tiers[1].notional_floor = 1000;
    mixed[0].tiers[1].initial_ppm = 1000000;
    mixed[0].tiers[1].maintenance_ppm = 1000000;
    CHECK_STATUS(partliq_market_validate(&mixed[0]), PARTLIQ_STATUS_OK);
    const partliq_position l600[1] = {position(0, 1, -600)}, l400[1] = {position(0, 1, -400)}, l500[1] = {position(0, 1, -500)};
    CHECK_STATUS(partliq_estimated_liquidation_price(mixed, 1, mark100, 1, 0, l600, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_ALWAYS && lp.price == 0);
    {
      const int64_t marks[3] = {1, 100, 1000000};
      for (int i = 0; i < 3; i++) {
        partliq_health h;
        CHECK_STATUS(partliq_pool_health(mixed, 1, &marks[i], 1, 0, l600, 1, &h), PARTLIQ_STATUS_OK);
        CHECK(h.state != PARTLIQ_HEALTH_STATE_HEALTHY);
      }
    }
    CHECK_STATUS(partliq_estimated_liquidation_price(mixed, 1, mark100, 1, 0, l400, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_AT && lp.price == 800);
    CHECK_STATUS(partliq_estimated_liquidation_price(mixed, 1, mark100, 1, 0, l500, 1, 0, &lp), PARTLIQ_STATUS_OK);
    CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_AT && lp.price == 1000);
    /* Long 100 @ -95 at 5 %: the root is exactly 1, healthy there: never. */
    {
      const partliq_position at1[1] = {position(0, 100, -95)};
      CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, at1, 1, 0, &lp), PARTLIQ_STATUS_OK);
      CHECK(lp.kind == PARTLIQ_LIQUIDATION_PRICE_KIND_NEVER && lp.price == 0);
    }
  }
  POISON(lp);
  CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, LONG, 1, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, LONG, 1, 1, &lp), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(partliq_estimated_liquidation_price(M, 1, PRICES, 1, 0, NULL, 1, 0, &lp), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(lp);
}

static partliq_fill fill(uint32_t index, int64_t delta, int64_t price) {
  partliq_fill f;
  memset(&f, 0, sizeof f);
  f.position_index = index;
  f.size_delta = delta;
  f.price = price;
  return f;
}

static void test_settle(void) {
  partliq_settlement s;
  /* src/settlement.rs: sell 34 at 99. */
  partliq_fill f = fill(0, -34, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_OK);
  CHECK(s.fill_cash == 3366 && s.bankruptcy_quote == 3264 && s.nominal_fee == 34 && s.fee == 34);
  CHECK(s.fee_to_liquidator == 13 && s.fee_to_insurance == 21 && s.bad_debt == 0 && s.insurance_fund_delta == 21);
  CHECK(s.new_position.market_index == 0 && s.new_position.size == 66 && s.new_position.quote_balance == -6268 && s.new_position.reserved == 0);
  CHECK(s.health_after.equity == 332 && s.health_after.state == PARTLIQ_HEALTH_STATE_HEALTHY);
  CHECK(s.position_quote_delta - s.fill_cash + s.fee_to_liquidator + s.insurance_fund_delta == 0);
  /* The same fill with the market's fee rounded down: 1 % of 3,366 = 33.66 → 33;
   * liquidator ⌊33 × 40 %⌋ = 13, fund 20. */
  {
    partliq_market down[1] = {M[0]};
    down[0].liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_DOWN;
    CHECK_STATUS(partliq_settle_fill(down, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_OK);
    CHECK(s.nominal_fee == 33 && s.fee == 33 && s.fee_to_liquidator == 13 && s.fee_to_insurance == 20);
    CHECK(s.position_quote_delta - s.fill_cash + s.fee_to_liquidator + s.insurance_fund_delta == 0);
    POISON(s);
    down[0].liquidation_fee_rounding = 2;
    CHECK_STATUS(partliq_settle_fill(down, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_ENUM);
    UNTOUCHED(s);
  }
  /* Beyond bankruptcy: the fund pays. */
  f = fill(0, -100, 90);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_OK);
  CHECK(s.fee == 0 && s.bad_debt == 600 && s.insurance_fund_delta == -600 && s.new_position.size == 0 && s.new_position.quote_balance == 0);
  /* The caller's market index comes back (second market of two). */
  f = fill(1, 2, 12400);
  CHECK_STATUS(partliq_settle_fill(M, 2, PRICES, 2, -600, TWO, 2, &f, &s), PARTLIQ_STATUS_OK);
  CHECK(s.new_position.market_index == 1 && s.new_position.size == -1);

  POISON(s);
  f = fill(0, -34, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, NULL, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_settle_fill(NULL, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, SIZE_MAX / 2, &f, &s), PARTLIQ_STATUS_BAD_LENGTH);
  f = fill(0, 0, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  f = fill(0, 1, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  f = fill(0, -101, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  f = fill(0, -1, 0);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  f = fill(0, -1, INT64_MIN);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_INVALID_FILL_PRICE);
  f = fill(0, -100, INT64_MAX);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_OVERFLOW);
  f = fill(3, -1, 99);
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_UNKNOWN_POSITION);
  f = fill(0, -1, 99);
  f.reserved = 1;
  CHECK_STATUS(partliq_settle_fill(M, 1, PRICES, 1, 0, LONG, 1, &f, &s), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  UNTOUCHED(s);
}

int main(void) {
  M[0] = market_a();
  M[1] = market_b();
  TWO[0] = position(0, 100, -9000);
  TWO[1] = position(1, -3, 400);
  LONG[0] = position(0, 100, -9600);

  test_version();
  test_status_str();
  test_market_validate();
  test_pool_health();
  test_pool_health_batch();
  test_plan_liquidation_batch();
  test_account_health();
  test_minimal_close();
  test_minimal_close_is_exact_with_fine_lots();
  test_plan();
  test_pricing();
  test_settle();
  test_engine();
  test_escalation();
  test_shared_state();
  test_unified();
  test_lending();
  test_liquidation();
  test_hot_path();
  test_oracle();

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
