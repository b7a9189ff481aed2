/* Prices with integrity through the C ABI: the price guard's checks at
 * their boundaries (age 60 of a 60 s guard valid, 61 stale; confidence and
 * deviation exactly at the limit valid, one unit more refused), the
 * sources (median, a missing mark), resolving a feed array, the stable
 * price by hand, the initial price, and the guarded pipeline (liquidates at
 * the boundary, refuses one second later, holds off in a grace period,
 * refuses marks that are not the guard's), the guarded unified liquidation
 * (at the maximum age as unguarded, one second older refused with no leg,
 * held off in a grace period with the pool's health) — and every bad input (NULL,
 * bad lengths, misaligned pointers, enum values, reserved fields) with its
 * status and the outputs untouched. */
#include "check.h"

#include <stdalign.h>

/* e = 0, lot 1, tick 1, 10 % / 5 %, no fee. */
static partliq_market mkt(void) {
  partliq_market m;
  memset(&m, 0, sizeof m);
  m.lot_step = 1;
  m.tick = 1;
  m.tier_count = 1;
  m.tiers[0].initial_ppm = 100000;
  m.tiers[0].maintenance_ppm = 50000;
  return m;
}

/* Oracle 1,000 published at 100, confidence 5, index 990, mark 1,010. */
static partliq_price_feed feed(void) {
  partliq_price_feed f;
  memset(&f, 0, sizeof f);
  f.oracle = 1000;
  f.publish_time = 100;
  f.confidence = 5;
  f.index = 990;
  f.mark = 1010;
  return f;
}

/* 30 s, 0.5 % confidence, 1 % deviation, the oracle for every figure. */
static partliq_price_guard guard(void) {
  partliq_price_guard g;
  memset(&g, 0, sizeof g);
  g.max_staleness = 30;
  g.max_confidence_ppm = 5000;
  g.max_deviation_ppm = 10000;
  return g;
}

static void test_validity(void) {
  partliq_price_guard g = guard();
  partliq_price_feed f = feed();
  uint32_t v;
  CHECK_STATUS(partliq_price_validity(&g, &f, 130, &v), PARTLIQ_STATUS_OK);
  CHECK(v == PARTLIQ_VALIDITY_VALID);
  CHECK_STATUS(partliq_price_validity(&g, &f, 131, &v), PARTLIQ_STATUS_OK);
  CHECK(v == PARTLIQ_VALIDITY_STALE);
  /* 5 × 10^6 = 5,000 × 1,000: at the limit; 6 is over. */
  f.confidence = 6;
  CHECK_STATUS(partliq_price_validity(&g, &f, 100, &v), PARTLIQ_STATUS_OK);
  CHECK(v == PARTLIQ_VALIDITY_TOO_UNCERTAIN);
  /* |1,011 − 1,000| × 10^6 > 10,000 × 1,000. */
  f = feed();
  f.mark = 1011;
  CHECK_STATUS(partliq_price_validity(&g, &f, 100, &v), PARTLIQ_STATUS_OK);
  CHECK(v == PARTLIQ_VALIDITY_DEVIATING);
  f.oracle = 0;
  CHECK_STATUS(partliq_price_validity(&g, &f, 100, &v), PARTLIQ_STATUS_OK);
  CHECK(v == PARTLIQ_VALIDITY_NON_POSITIVE);

  /* Bad inputs: *out untouched. */
  f = feed();
  POISON(v);
  CHECK_STATUS(partliq_price_validity(NULL, &f, 0, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_price_validity(&g, NULL, 0, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_price_validity(&g, &f, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  {
    alignas(8) unsigned char raw[sizeof(partliq_price_feed) + 8];
    memset(raw, 0, sizeof raw);
    CHECK_STATUS(partliq_price_validity(&g, (const partliq_price_feed *)(raw + 1), 0, &v), PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(partliq_price_validity(&g, &f, 0, (uint32_t *)(raw + 1)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  }
  partliq_price_guard bad = g;
  bad.trigger = 4;
  CHECK_STATUS(partliq_price_validity(&bad, &f, 0, &v), PARTLIQ_STATUS_INVALID_ENUM);
  bad = g;
  bad.limit = UINT32_MAX;
  CHECK_STATUS(partliq_price_validity(&bad, &f, 0, &v), PARTLIQ_STATUS_INVALID_ENUM);
  bad = g;
  bad.reserved = 1;
  CHECK_STATUS(partliq_price_validity(&bad, &f, 0, &v), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  UNTOUCHED(v);
}

static void test_sources(void) {
  partliq_price_guard g = guard();
  partliq_price_feed f = feed();
  int64_t p;
  uint32_t v;
  g.trigger = PARTLIQ_PRICE_SOURCE_MEDIAN;
  g.initial = PARTLIQ_PRICE_SOURCE_INDEX;
  g.limit = PARTLIQ_PRICE_SOURCE_MARK;
  /* The median of 1,000, 1,010 and 990 is 1,000. */
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, PARTLIQ_PRICE_USE_TRIGGER, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 1000 && v == PARTLIQ_VALIDITY_VALID);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, PARTLIQ_PRICE_USE_INITIAL, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 990 && v == PARTLIQ_VALIDITY_VALID);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, PARTLIQ_PRICE_USE_LIMIT, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 1010 && v == PARTLIQ_VALIDITY_VALID);
  f.mark = 0;
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, PARTLIQ_PRICE_USE_TRIGGER, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 0 && v == PARTLIQ_VALIDITY_NO_MARK);
  f = feed();
  f.index = 0;
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, PARTLIQ_PRICE_USE_INITIAL, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 0 && v == PARTLIQ_VALIDITY_NO_INDEX);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 131, PARTLIQ_PRICE_USE_LIMIT, &p, &v), PARTLIQ_STATUS_OK);
  CHECK(p == 0 && v == PARTLIQ_VALIDITY_STALE);

  POISON(p);
  POISON(v);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, 3, &p, &v), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, 0, NULL, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_guarded_price(&g, &f, 100, 0, &p, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_guarded_price(NULL, &f, 100, 0, &p, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_guarded_price(&g, NULL, 100, 0, &p, &v), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);
  UNTOUCHED(v);

  /* Resolve: the second feed is stale at 130. */
  partliq_price_feed feeds[2] = {feed(), feed()};
  int64_t out[3] = {7, 7, 7};
  size_t refused = 9;
  feeds[1].publish_time = 0;
  g = guard();
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, 2, 130, PARTLIQ_PRICE_USE_TRIGGER, out, 3, &refused), PARTLIQ_STATUS_OK);
  CHECK(out[0] == 1000 && out[1] == 0 && out[2] == 7 && refused == 1);
  int64_t short_out[1];
  POISON(short_out);
  POISON(refused);
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, 2, 130, 0, short_out, 1, &refused), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, 2, 130, 0, NULL, 0, &refused), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_resolve_prices(&g, NULL, 2, 130, 0, short_out, 1, &refused), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, SIZE_MAX, 130, 0, short_out, 1, &refused), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, 2, 130, 9, short_out, 1, &refused), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_resolve_prices(&g, feeds, 2, 130, 0, short_out, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(short_out);
  UNTOUCHED(refused);
  /* No feed: nothing to write, none refused. */
  CHECK_STATUS(partliq_resolve_prices(&g, NULL, 0, 130, 0, NULL, 0, &refused), PARTLIQ_STATUS_OK);
  CHECK(refused == 0);
}

static void test_stable(void) {
  partliq_stable_price s;
  memset(&s, 0, sizeof s);
  /* First update sets; then 1,000 × 1,000 ppm × 5 s / 10^6 = 5 toward 2,000. */
  CHECK_STATUS(partliq_stable_price_update(&s, 1000, 10, 1000), PARTLIQ_STATUS_OK);
  CHECK(s.price == 1000 && s.last_update == 10);
  CHECK_STATUS(partliq_stable_price_update(&s, 2000, 15, 1000), PARTLIQ_STATUS_OK);
  CHECK(s.price == 1005 && s.last_update == 15);
  partliq_stable_price saved = s;
  CHECK_STATUS(partliq_stable_price_update(&s, 0, 16, 1000), PARTLIQ_STATUS_MISSING_PRICE);
  CHECK_STATUS(partliq_stable_price_update(&s, -1, 16, 1000), PARTLIQ_STATUS_NEGATIVE_PRICE);
  CHECK(memcmp(&s, &saved, sizeof s) == 0);
  CHECK_STATUS(partliq_stable_price_update(NULL, 1, 16, 1000), PARTLIQ_STATUS_NULL_POINTER);

  int64_t p;
  CHECK_STATUS(partliq_initial_price(100, 90, 1, &p), PARTLIQ_STATUS_OK);
  CHECK(p == 90);
  CHECK_STATUS(partliq_initial_price(100, 90, 0, &p), PARTLIQ_STATUS_OK);
  CHECK(p == 100);
  CHECK_STATUS(partliq_initial_price(100, 110, 0, &p), PARTLIQ_STATUS_OK);
  CHECK(p == 110);
  CHECK_STATUS(partliq_initial_price(100, 0, 1, &p), PARTLIQ_STATUS_OK);
  CHECK(p == 100);
  POISON(p);
  CHECK_STATUS(partliq_initial_price(100, 90, 2, &p), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_initial_price(100, 90, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(p);
}

/* Long 100 @ 100, quote balance −9,750: equity 250 < maintenance 500. */
static void test_guarded_pipeline(void) {
  partliq_market m[1];
  partliq_position ps[1];
  partliq_price_feed f[1];
  partliq_price_guard g;
  partliq_preset def;
  partliq_account_liquidation_state st;
  partliq_plan_leg legs[1];
  partliq_decision d;
  const int64_t prices[1] = {100};
  m[0] = mkt();
  memset(ps, 0, sizeof ps);
  ps[0].size = 100;
  ps[0].quote_balance = -9750;
  memset(f, 0, sizeof f);
  f[0].oracle = 100;
  f[0].publish_time = 1000;
  memset(&g, 0, sizeof g);
  g.max_staleness = 60;
  CHECK_STATUS(partliq_preset_partliq_default(&def), PARTLIQ_STATUS_OK);
  def.policy.price_band_ppm = 10000;
#define GUARDED(pr, fd, fl, gd, now, o) \
  partliq_run_guarded_pipeline(m, 1, pr, 1, 0, ps, 1, fd, fl, gd, &def.policy, &st, NULL, 0, now, 1, legs, 1, o)

  /* Age 60: liquidates. */
  memset(&st, 0, sizeof st);
  CHECK_STATUS(GUARDED(prices, f, 1, &g, 1060, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.plan.leg_count == 1 && legs[0].size_delta < 0);
  /* Age 61: no liquidation, no leg written, the state as it was. */
  memset(&st, 0, sizeof st);
  POISON(legs);
  CHECK_STATUS(GUARDED(prices, f, 1, &g, 1061, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_PRICE_INVALID && d.plan.leg_count == 0);
  CHECK(d.plan.health_before.equity == 0 && d.has_backstop == 0);
  UNTOUCHED(legs);
  CHECK(st.in_liquidation == 0 && st.block_notional == 0);
  /* Grace until 1,050: at 1,049 held off with the pool's health. */
  f[0].grace_until = 1050;
  CHECK_STATUS(GUARDED(prices, f, 1, &g, 1049, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_GRACE_PERIOD);
  CHECK(d.plan.health_before.equity == 250 && d.plan.health_before.maintenance_requirement == 500);
  UNTOUCHED(legs);
  f[0].grace_until = 0;

  /* Bad inputs: every output untouched. */
  {
    const int64_t wrong[1] = {101};
    partliq_price_guard bad = g;
    partliq_account_liquidation_state saved;
    memset(&st, 0, sizeof st);
    saved = st;
    POISON(d);
    CHECK_STATUS(GUARDED(wrong, f, 1, &g, 1000, &d), PARTLIQ_STATUS_PRICE_NOT_GUARDED);
    CHECK_STATUS(GUARDED(prices, f, 0, &g, 1000, &d), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
    CHECK_STATUS(GUARDED(prices, NULL, 1, &g, 1000, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(GUARDED(prices, f, SIZE_MAX, &g, 1000, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(GUARDED(prices, f, 1, NULL, 1000, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(GUARDED(prices, f, 1, &g, 1000, NULL), PARTLIQ_STATUS_NULL_POINTER);
    bad.trigger = 7;
    CHECK_STATUS(GUARDED(prices, f, 1, &bad, 1000, &d), PARTLIQ_STATUS_INVALID_ENUM);
    bad = g;
    bad.reserved = 2;
    CHECK_STATUS(GUARDED(prices, f, 1, &bad, 1000, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    {
      alignas(8) unsigned char raw[2 * sizeof(partliq_price_feed)];
      memcpy(raw + 1, f, sizeof f);
      CHECK_STATUS(GUARDED(prices, (const partliq_price_feed *)(raw + 1), 1, &g, 1000, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    UNTOUCHED(d);
    UNTOUCHED(legs);
    CHECK(memcmp(&st, &saved, sizeof st) == 0);
  }
#undef GUARDED
}

/* The order limit around the guard's limit source: long 100 @ 100, quote
 * balance −9,600 (equity 400 < maintenance 500, bankruptcy 96), a 2 % band.
 * Limit on the oracle (the trigger): ⌊98⌋ = 98, 400 − 2x ≥ 500 − 5x ⇒ 34
 * units. On the mark 102: ⌊99.96⌋ = 99, 400 − x ≥ 500 − 5x ⇒ 25 units. On
 * the mark 95 (below the mark for a sell): held at the band from the mark,
 * 98 and 34 units. On a mark not given: PRICE_INVALID, no leg. The core's
 * default policy (no buffer) with a 2 % band. */
static void test_guarded_limit_source(void) {
  partliq_market m[1];
  partliq_position ps[1];
  partliq_price_feed f[1];
  partliq_price_guard g;
  partliq_policy pol;
  partliq_account_liquidation_state st;
  partliq_plan_leg legs[1];
  partliq_decision d;
  const int64_t prices[1] = {100};
  m[0] = mkt();
  memset(ps, 0, sizeof ps);
  ps[0].size = 100;
  ps[0].quote_balance = -9600;
  memset(f, 0, sizeof f);
  f[0].oracle = 100;
  f[0].publish_time = 1000;
  f[0].mark = 102;
  memset(&g, 0, sizeof g);
  g.max_staleness = 60;
  CHECK_STATUS(partliq_policy_default(&pol), PARTLIQ_STATUS_OK);
  pol.price_band_ppm = 20000;
#define GUARDED(o) partliq_run_guarded_pipeline(m, 1, prices, 1, 0, ps, 1, f, 1, &g, &pol, &st, NULL, 0, 1000, 1, legs, 1, o)
  memset(&st, 0, sizeof st);
  CHECK_STATUS(GUARDED(&d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.plan.leg_count == 1 && legs[0].size_delta == -34 && legs[0].limit_price == 98);
  g.limit = PARTLIQ_PRICE_SOURCE_MARK;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(GUARDED(&d), PARTLIQ_STATUS_OK);
  CHECK(d.reason == PARTLIQ_REASON_TARGET_RESTORED && legs[0].size_delta == -25 && legs[0].limit_price == 99);
  f[0].mark = 95;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(GUARDED(&d), PARTLIQ_STATUS_OK);
  CHECK(d.reason == PARTLIQ_REASON_TARGET_RESTORED && legs[0].size_delta == -34 && legs[0].limit_price == 98);
  f[0].mark = 0;
  memset(&st, 0, sizeof st);
  POISON(legs);
  CHECK_STATUS(GUARDED(&d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_PRICE_INVALID && d.plan.leg_count == 0);
  UNTOUCHED(legs);
#undef GUARDED
}

/* The unified pool behind the guard, partliq_run_guarded_unified_liquidation:
 * the planner's mix — 1,000 hundredths of asset 1 (e = −2, price 100: one
 * unit worth 1; weights 80 / 90 % asset, 120 / 110 % liability), a 700
 * borrow of asset 0 (at par), a cross long 100 @ 100 with cash −10,000 on
 * market 0 (lot and tick 1, 10 % / 5 %, a 1 % fee rounded up). Equity
 * 1,000 − 700 + (10,000 − 10,000) = 300; maintenance collateral 1,000 × 0.9
 * − 700 = 200 against 5 % × 10,000 = 500: liquidatable. Every feed
 * publishes its book price at 1,000; the guard allows 60 s. */
typedef struct {
  partliq_market markets[1];
  int64_t prices[1];
  partliq_asset assets[2];
  int64_t asset_prices[2];
  partliq_asset_balance balances[2];
  partliq_perp_position positions[1];
  partliq_price_feed market_feeds[1];
  partliq_price_feed asset_feeds[2];
} ubook;

static partliq_asset weighted(int32_t e, uint32_t iaw, uint32_t maw, uint32_t ilw, uint32_t mlw) {
  partliq_asset a;
  memset(&a, 0, sizeof a);
  a.quote_exponent = e;
  a.initial_asset_weight_ppm = iaw;
  a.maintenance_asset_weight_ppm = maw;
  a.initial_liability_weight_ppm = ilw;
  a.maintenance_liability_weight_ppm = mlw;
  a.imf_unit = 1;
  return a;
}

static partliq_price_feed published(int64_t oracle) {
  partliq_price_feed f;
  memset(&f, 0, sizeof f);
  f.oracle = oracle;
  f.publish_time = 1000;
  return f;
}

static ubook mix_book(void) {
  ubook b;
  memset(&b, 0, sizeof b);
  b.markets[0] = mkt();
  b.markets[0].liquidation_fee_ppm = 10000;
  b.markets[0].liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_UP;
  b.prices[0] = 100;
  b.assets[0] = weighted(0, 1000000, 1000000, 1000000, 1000000);
  b.assets[1] = weighted(-2, 800000, 900000, 1200000, 1100000);
  b.asset_prices[0] = 1;
  b.asset_prices[1] = 100;
  b.balances[0].asset_index = 1;
  b.balances[0].amount = 1000;
  b.balances[1].asset_index = 0;
  b.balances[1].amount = -700;
  b.positions[0].margin = PARTLIQ_POSITION_MARGIN_CROSS;
  b.positions[0].size = 100;
  b.positions[0].quote_balance = -10000;
  b.market_feeds[0] = published(100);
  b.asset_feeds[0] = published(1);
  b.asset_feeds[1] = published(100);
  return b;
}

#define UBOOK(b)                                                                                                                   \
  (b)->markets, 1, (b)->prices, 1, (const int64_t *)NULL, 0, (const partliq_perp_risk *)NULL, 0, (b)->assets, 2, (b)->asset_prices, 2, \
      (b)->balances, 2, (b)->positions, 1

static void test_guarded_unified(void) {
  static const partliq_asset_liquidation_fees fees[2] = {{0, 0}, {50000, 0}};
  ubook b = mix_book();
  partliq_price_guard g;
  partliq_unified_liquidation_policy pol;
  partliq_unified_leg legs[4], plain_legs[4];
  partliq_unified_decision d, plain;
  memset(&g, 0, sizeof g);
  g.max_staleness = 60;
  memset(&pol, 0, sizeof pol);
  pol.terms.target.kind = PARTLIQ_TARGET_KIND_INITIAL;
  pol.objective = PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE;
  pol.ordering = PARTLIQ_LEG_ORDERING_CHEAPEST;
  pol.take_over_bankrupt = 1;
#define UGUARDED(bk, mf, mfl, af, afl, gd, now, lg, lgl, o) \
  partliq_run_guarded_unified_liquidation(UBOOK(bk), 0, mf, mfl, af, afl, gd, fees, 2, &pol, NULL, 0, NULL, 0, 0, now, lg, lgl, o)

  /* At 1,060 every feed is 60 s old, the maximum: the same decision as
   * unguarded — the swap of 700, 87 of the perp and 33 of its loss for a
   * deposit, 9,470 liquidated. */
  POISON(legs);
  POISON(plain_legs);
  CHECK_STATUS(partliq_run_unified_liquidation(UBOOK(&b), 0, fees, 2, &pol, NULL, 0, NULL, 0, 0, plain_legs, 4, &plain), PARTLIQ_STATUS_OK);
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(memcmp(&d, &plain, sizeof d) == 0);
  CHECK(memcmp(legs, plain_legs, sizeof legs) == 0);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_TARGET_RESTORED && d.plan.leg_count == 3 &&
        d.plan.value_liquidated == 9470);
  CHECK(legs[0].amount == 700 && legs[1].amount == 87 && legs[2].kind == PARTLIQ_LEG_KIND_DEPOSIT_FOR_PERP_LOSS && legs[2].amount == 33);

  /* The perp's limit on the market's mark: with a band of 0 the limit is
   * held between the mark and the mark, so a mark of 95 or 105 changes
   * nothing. The gate asks every held feed for the limit source, assets
   * included (their marks 2 and 90 are checked, not read: asset legs are
   * valued at the trigger prices); no market mark given refuses the pool. */
  g.limit = PARTLIQ_PRICE_SOURCE_MARK;
  b.asset_feeds[0].mark = 2;
  b.asset_feeds[1].mark = 90;
  b.market_feeds[0].mark = 95;
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(memcmp(&d, &plain, sizeof d) == 0 && memcmp(legs, plain_legs, sizeof legs) == 0);
  b.market_feeds[0].mark = 105;
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(memcmp(&d, &plain, sizeof d) == 0 && memcmp(legs, plain_legs, sizeof legs) == 0);
  b.market_feeds[0].mark = 0;
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_PRICE_INVALID && d.plan.leg_count == 0);
  g.limit = PARTLIQ_PRICE_SOURCE_ORACLE;
  b.asset_feeds[0].mark = 0;
  b.asset_feeds[1].mark = 0;
  POISON(legs);
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(memcmp(legs, plain_legs, sizeof legs) == 0);

  /* Asset 1's feed published at 999: 61 s old at 1,060, one second too old.
   * Nothing priced: no leg written, every figure 0. */
  b.asset_feeds[1].publish_time = 999;
  POISON(legs);
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_PRICE_INVALID && d.plan.leg_count == 0);
  CHECK(d.plan.value_liquidated == 0 && d.plan.health_after.equity == 0 && d.plan.health_after.maintenance.requirement == 0 &&
        d.plan.proven_least == 0);
  UNTOUCHED(legs);
  /* The market's feed too old instead: the same. */
  b.asset_feeds[1].publish_time = 1000;
  b.market_feeds[0].publish_time = 999;
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_PRICE_INVALID && d.plan.leg_count == 0);
  UNTOUCHED(legs);
  b.market_feeds[0].publish_time = 1000;

  /* Market 0 in its grace period until 1,061: at 1,060 held off with the
   * pool's health — equity 300, maintenance 200 against 500, ratio
   * 500 / 200 = 2,500,000 ppm. */
  b.market_feeds[0].grace_until = 1061;
  CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_GRACE_PERIOD && d.plan.leg_count == 0);
  CHECK(d.plan.health_after.equity == 300 && d.plan.health_after.maintenance.collateral == 200 &&
        d.plan.health_after.maintenance.requirement == 500 && d.plan.health_after.margin_ratio_ppm == 2500000 &&
        d.plan.health_after.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE);
  UNTOUCHED(legs);
  b.market_feeds[0].grace_until = 0;

  /* Bad inputs: the legs and *out untouched. */
  {
    partliq_price_guard bad = g;
    partliq_price_feed wrong[2];
    POISON(d);
    wrong[0] = published(1);
    wrong[1] = published(101);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, wrong, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_PRICE_NOT_GUARDED);
    CHECK_STATUS(UGUARDED(&b, NULL, 0, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 1, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
    CHECK_STATUS(UGUARDED(&b, NULL, 1, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, NULL, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, SIZE_MAX, b.asset_feeds, 2, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, SIZE_MAX, &g, 1060, legs, 4, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, NULL, 1060, legs, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, NULL, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, SIZE_MAX, &d), PARTLIQ_STATUS_BAD_LENGTH);
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
    /* Legs too few for the plan's three. */
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &g, 1060, legs, 2, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
    bad.trigger = 7;
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &bad, 1060, legs, 4, &d), PARTLIQ_STATUS_INVALID_ENUM);
    bad = g;
    bad.reserved = 2;
    CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, b.asset_feeds, 2, &bad, 1060, legs, 4, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    CHECK_STATUS(partliq_run_guarded_unified_liquidation(UBOOK(&b), 0, b.market_feeds, 1, b.asset_feeds, 2, &g, fees, 2, NULL, NULL, 0,
                                                         NULL, 0, 0, 1060, legs, 4, &d),
                 PARTLIQ_STATUS_NULL_POINTER);
    CHECK_STATUS(partliq_run_guarded_unified_liquidation(UBOOK(&b), 0, b.market_feeds, 1, b.asset_feeds, 2, &g, fees, 2, &pol, NULL, 0,
                                                         NULL, 0, 2, 1060, legs, 4, &d),
                 PARTLIQ_STATUS_INVALID_ENUM);
    {
      alignas(8) unsigned char raw[3 * sizeof(partliq_price_feed)];
      memcpy(raw + 1, b.asset_feeds, sizeof b.asset_feeds);
      CHECK_STATUS(UGUARDED(&b, b.market_feeds, 1, (const partliq_price_feed *)(const void *)(raw + 1), 2, &g, 1060, legs, 4, &d),
                   PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    UNTOUCHED(d);
    UNTOUCHED(legs);
  }
#undef UGUARDED
}

void test_oracle(void) {
  test_validity();
  test_sources();
  test_stable();
  test_guarded_pipeline();
  test_guarded_limit_source();
  test_guarded_unified();
}
