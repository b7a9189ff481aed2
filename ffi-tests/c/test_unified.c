/* Unified margin accounts through the C ABI: assets, risk extras and
 * ladders validated, the README's unified account (health at three levels,
 * the ladder's rung, cancel first, then the least close) with its figures
 * computed by hand, an isolated pool, and every bad input — NULL, impossible
 * lengths, misaligned pointers, reserved fields, enumerations, and every
 * status the unified functions return — with the outputs untouched. */
#include "check.h"

#include <stdalign.h>

#define SAME(a, b) CHECK(memcmp(&(a), &(b), sizeof(a)) == 0)

/* The eight arrays of a unified account and its book, in argument order. */
typedef struct {
  const partliq_market *markets;
  size_t markets_len;
  const int64_t *prices;
  size_t prices_len;
  const int64_t *funding;
  size_t funding_len;
  const partliq_perp_risk *risk;
  size_t risk_len;
  const partliq_asset *assets;
  size_t assets_len;
  const int64_t *asset_prices;
  size_t asset_prices_len;
  const partliq_asset_balance *balances;
  size_t balances_len;
  const partliq_perp_position *positions;
  size_t positions_len;
} book;

#define BOOK(b)                                                                                                                      \
  (b)->markets, (b)->markets_len, (b)->prices, (b)->prices_len, (b)->funding, (b)->funding_len, (b)->risk, (b)->risk_len, (b)->assets, \
      (b)->assets_len, (b)->asset_prices, (b)->asset_prices_len, (b)->balances, (b)->balances_len, (b)->positions, (b)->positions_len

/* Array k of the book (0 markets … 7 positions) set to (p, n). */
static void set_array(book *b, int k, const void *p, size_t n) {
  switch (k) {
    case 0: b->markets = p; b->markets_len = n; break;
    case 1: b->prices = p; b->prices_len = n; break;
    case 2: b->funding = p; b->funding_len = n; break;
    case 3: b->risk = p; b->risk_len = n; break;
    case 4: b->assets = p; b->assets_len = n; break;
    case 5: b->asset_prices = p; b->asset_prices_len = n; break;
    case 6: b->balances = p; b->balances_len = n; break;
    default: b->positions = p; b->positions_len = n; break;
  }
}

static partliq_status pool_health(const book *b, uint32_t pool, const partliq_margin_ladder *l, partliq_unified_health *out) {
  return partliq_unified_pool_health(BOOK(b), pool, l, out);
}

static partliq_status account_health(const book *b, const partliq_margin_ladder *l, partliq_unified_health *out) {
  return partliq_unified_account_health(BOOK(b), l, out);
}

static partliq_status run(const book *b, uint32_t pool, const partliq_policy *p, partliq_account_liquidation_state *st,
                          partliq_market_capacity_state *ms, size_t ms_len, partliq_plan_leg *legs, size_t legs_len, partliq_decision *d) {
  return partliq_run_unified_pipeline(BOOK(b), pool, p, st, ms, ms_len, 0, 0, legs, legs_len, d);
}

/* BTC: sizes in 1e-8 BTC, prices in cents, quote in µUSD (e = −4), lot
 * 1,000, tick 100, 10 % / 5 %, no fee. */
static partliq_market btc(void) {
  partliq_market m;
  memset(&m, 0, sizeof m);
  m.quote_exponent = -4;
  m.lot_step = 1000;
  m.tick = 100;
  m.tier_count = 1;
  m.tiers[0].initial_ppm = 100000;
  m.tiers[0].maintenance_ppm = 50000;
  return m;
}

static partliq_asset asset(int32_t e, uint32_t iaw, uint32_t maw, uint32_t ilw, uint32_t mlw) {
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

static partliq_perp_position perp(uint32_t margin, int64_t size, int64_t qb, int64_t last_funding, int64_t bids, int64_t asks) {
  partliq_perp_position p;
  memset(&p, 0, sizeof p);
  p.margin = margin;
  p.size = size;
  p.quote_balance = qb;
  p.last_funding_index = last_funding;
  p.open_bids = bids;
  p.open_asks = asks;
  return p;
}

/* The README's unified account: USDC at par and SOL in lamports (e = −9,
 * 80 / 90 %, 120 / 110 %) at 150 USD; BTC at 57,000 USD, funding index
 * 1,500; 40 SOL deposited, 1,000 USDC borrowed, 1 BTC long (cross) bought at
 * 60,000, last settled at 1,000, 0.5 BTC of resting asks. */
static partliq_market MARKETS[1];
static const int64_t MARKS[1] = {5700000};
static const int64_t FUNDING[1] = {1500};
static partliq_asset ASSETS[2];
static const int64_t ASSET_PRICES[2] = {1, 150000000};
static partliq_asset_balance BALANCES[2];
static partliq_perp_position LONG[1];

static book readme_book(void) {
  book b;
  MARKETS[0] = btc();
  ASSETS[0] = asset(0, 1000000, 1000000, 1000000, 1000000);
  ASSETS[1] = asset(-9, 800000, 900000, 1200000, 1100000);
  memset(BALANCES, 0, sizeof BALANCES);
  BALANCES[0].asset_index = 1;
  BALANCES[0].amount = 40000000000;
  BALANCES[1].asset_index = 0;
  BALANCES[1].amount = -1000000000;
  LONG[0] = perp(PARTLIQ_POSITION_MARGIN_CROSS, 100000000, -60000000000, 1000, 0, 50000000);
  b.markets = MARKETS;
  b.markets_len = 1;
  b.prices = MARKS;
  b.prices_len = 1;
  b.funding = FUNDING;
  b.funding_len = 1;
  b.risk = NULL;
  b.risk_len = 0;
  b.assets = ASSETS;
  b.assets_len = 2;
  b.asset_prices = ASSET_PRICES;
  b.asset_prices_len = 2;
  b.balances = BALANCES;
  b.balances_len = 2;
  b.positions = LONG;
  b.positions_len = 1;
  return b;
}

static partliq_margin_ladder STANDARD, BPM;
static partliq_policy DEFAULT_POLICY;

static void test_validate(void) {
  partliq_asset a = asset(-9, 800000, 900000, 1200000, 1100000), b;
  CHECK_STATUS(partliq_asset_validate(&a), PARTLIQ_STATUS_OK);
  b = a; b.quote_exponent = 19;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT);
  b = a; b.maintenance_asset_weight_ppm = 1000001;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_ASSET_WEIGHT_ABOVE_100_PERCENT);
  b = a; b.initial_liability_weight_ppm = 999999;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_LIABILITY_WEIGHT_BELOW_100_PERCENT);
  b = a; b.initial_asset_weight_ppm = 900001;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_WEIGHTS_OUT_OF_ORDER);
  b = a; b.imf_unit = 0;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_INVALID_IMF_UNIT);
  b = a; b.reserved = 1;
  CHECK_STATUS(partliq_asset_validate(&b), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(partliq_asset_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);
  {
    static alignas(8) unsigned char raw[64];
    CHECK_STATUS(partliq_asset_validate((const partliq_asset *)(const void *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  }

  partliq_perp_risk r = {0, 1000000, 1}, q;
  CHECK_STATUS(partliq_perp_risk_validate(&r), PARTLIQ_STATUS_OK);
  q = r; q.imf_unit = -1;
  CHECK_STATUS(partliq_perp_risk_validate(&q), PARTLIQ_STATUS_INVALID_IMF_UNIT);
  q = r; q.initial_upnl_weight_ppm = 1000001;
  CHECK_STATUS(partliq_perp_risk_validate(&q), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  CHECK_STATUS(partliq_perp_risk_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);

  partliq_margin_ladder l;
  POISON(l);
  CHECK_STATUS(partliq_margin_ladder_standard(NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_margin_ladder_binance_portfolio_margin(NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(l);
  CHECK(STANDARD.warning_ppm == 0 && STANDARD.reduce_only_ppm == 0 && STANDARD.liquidation_ppm == 1000000 && STANDARD.backstop_ppm == 0);
  CHECK(BPM.warning_ppm == 1500000 && BPM.reduce_only_ppm == 1200000 && BPM.liquidation_ppm == 1050000 && BPM.backstop_ppm == 1000000);
  CHECK_STATUS(partliq_margin_ladder_validate(&STANDARD), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_margin_ladder_validate(&BPM), PARTLIQ_STATUS_OK);
  l = BPM; l.liquidation_ppm = 999999;
  CHECK_STATUS(partliq_margin_ladder_validate(&l), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
  l = BPM; l.backstop_ppm = 1100000;
  CHECK_STATUS(partliq_margin_ladder_validate(&l), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
  l = BPM; l.warning_ppm = 0;
  CHECK_STATUS(partliq_margin_ladder_validate(&l), PARTLIQ_STATUS_OK); /* 0 turns a rung off */
  CHECK_STATUS(partliq_margin_ladder_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);

  /* The core's default policy, as partliq_policy_default writes it. */
  CHECK(DEFAULT_POLICY.target.kind == PARTLIQ_TARGET_KIND_MAINTENANCE && DEFAULT_POLICY.target.buffer_ppm == 0);
  CHECK(DEFAULT_POLICY.price_band_ppm == 10000 && DEFAULT_POLICY.order == PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST);
  CHECK(DEFAULT_POLICY.tier_step.full_close_at_or_below_tier == UINT32_MAX && DEFAULT_POLICY.block_limits.max_notional == INT64_MAX);
  CHECK(DEFAULT_POLICY.escalation.backstop_on_infeasible == 1);
  CHECK_STATUS(partliq_policy_validate(&DEFAULT_POLICY), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_policy_default(NULL), PARTLIQ_STATUS_NULL_POINTER);

  /* The new statuses have their names. */
  static const partliq_status named[] = {
      PARTLIQ_STATUS_ASSET_WEIGHT_ABOVE_100_PERCENT, PARTLIQ_STATUS_LIABILITY_WEIGHT_BELOW_100_PERCENT, PARTLIQ_STATUS_WEIGHTS_OUT_OF_ORDER,
      PARTLIQ_STATUS_INVALID_IMF_UNIT, PARTLIQ_STATUS_UNKNOWN_ASSET, PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS, PARTLIQ_STATUS_INVALID_MARGIN_LADDER,
      PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT, PARTLIQ_STATUS_TOO_MANY_BALANCES, PARTLIQ_STATUS_WRONG_BALANCE_SIDE,
  };
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
    CHECK(named[i] == 200 + i);
    CHECK(strcmp(partliq_status_str(named[i]), "unknown status code") != 0);
  }
  /* The liquidation legs', from 210; 217–219 stay free. */
  static const partliq_status legs[] = {
      PARTLIQ_STATUS_ASSET_NOT_HELD,  PARTLIQ_STATUS_LEG_NOT_IN_POOL,      PARTLIQ_STATUS_LEG_SAME_ASSET,
      PARTLIQ_STATUS_WRONG_PNL_SIDE,  PARTLIQ_STATUS_INVALID_LEG_AMOUNT,   PARTLIQ_STATUS_INVALID_LEG_KIND,
      PARTLIQ_STATUS_INVALID_LIQUIDATION_FEES,
  };
  for (size_t i = 0; i < sizeof legs / sizeof legs[0]; i++) {
    CHECK(legs[i] == 210 + i);
    CHECK(strcmp(partliq_status_str(legs[i]), "unknown status code") != 0);
  }
  CHECK(strcmp(partliq_status_str(217), "unknown status code") == 0);
  /* The waterfall's and final settlement's, from 220. */
  static const partliq_status liquidation[] = {
      PARTLIQ_STATUS_INVALID_WATERFALL_POLICY, PARTLIQ_STATUS_NO_DEFICIT,          PARTLIQ_STATUS_ACCOUNT_NOT_EXHAUSTED,
      PARTLIQ_STATUS_DEFICIT_UNABSORBED,       PARTLIQ_STATUS_LEDGER_TOO_SMALL,    PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX,
      PARTLIQ_STATUS_INVALID_SETTLEMENT_PRICE, PARTLIQ_STATUS_NEGATIVE_CAPACITY,
  };
  for (size_t i = 0; i < sizeof liquidation / sizeof liquidation[0]; i++) {
    CHECK(liquidation[i] == 220 + i);
    CHECK(strcmp(partliq_status_str(liquidation[i]), "unknown status code") != 0);
  }
  CHECK(strcmp(partliq_status_str(228), "unknown status code") == 0);
}

/* The README's figures, by hand (µUSD). */
static void test_readme_example(void) {
  book b = readme_book();
  partliq_unified_health h, a;
  size_t pools = 99;
  CHECK_STATUS(partliq_unified_pool_count(LONG, 1, &pools), PARTLIQ_STATUS_OK);
  CHECK(pools == 1);
  CHECK_STATUS(pool_health(&b, 0, &BPM, &h), PARTLIQ_STATUS_OK);
  /* SOL: 40e9 lamports × 150e6 × 1e-9 = 6,000,000,000 (initial × 80 % =
   * 4,800,000,000, maintenance × 90 % = 5,400,000,000); USDC −1,000,000,000;
   * the long: 1e8 × 5,700,000 × 1e-4 − 60e9 = −3,000,000,000; funding owed
   * (1,500 − 1,000) × 1e8 / 1e6 = 50,000. */
  CHECK(h.equity == 1999950000);                       /* 6,000 − 1,000 − 3,000 − 0.05 USD */
  CHECK(h.maintenance.collateral == 1399950000);       /* 5,400 − 1,000 − 3,000 − 0.05 */
  CHECK(h.maintenance.requirement == 2850000000);      /* 5 % of 57,000 */
  CHECK(h.initial.collateral == 799950000);            /* 4,800 − 1,000 − 3,000 − 0.05 */
  CHECK(h.initial.requirement == 5700000000);          /* 10 % of 57,000: the asks shrink the long */
  CHECK(h.liquidation_end.collateral == 799950000 && h.liquidation_end.requirement == 5700000000);
  CHECK(h.margin_ratio_ppm == 2035787);                /* ceil(2,850e6 × 1e6 / 1,399,950,000) */
  CHECK(h.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE); /* 1,399.95 < 2,850 */
  CHECK(h.rung == PARTLIQ_MARGIN_RUNG_BACKSTOP);       /* 49 % coverage: below 100 % */
  /* initial ≤ liquidation end ≤ maintenance health. */
  CHECK(h.initial.collateral - h.initial.requirement <= h.liquidation_end.collateral - h.liquidation_end.requirement);
  CHECK(h.liquidation_end.collateral - h.liquidation_end.requirement <= h.maintenance.collateral - h.maintenance.requirement);
  CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_OK);
  CHECK(h.rung == PARTLIQ_MARGIN_RUNG_LIQUIDATION);
  CHECK_STATUS(account_health(&b, &STANDARD, &a), PARTLIQ_STATUS_OK);
  SAME(a, h); /* one pool */

  /* The pipeline: cancel the resting orders first (no leg, state kept). */
  partliq_account_liquidation_state st, st0;
  partliq_plan_leg legs[2];
  partliq_decision d;
  memset(&st, 0, sizeof st);
  st.block = 5;
  st0 = st;
  POISON(legs);
  CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &st, NULL, 0, legs, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_CANCEL_ORDERS && d.reason == PARTLIQ_REASON_OPEN_ORDERS && d.plan.leg_count == 0 && d.has_backstop == 0);
  SAME(st, st0);
  UNTOUCHED(legs);
  /* Cancelled: the perp's collateral is 5,400 − 1,000 − 0.05 = 4,399.95 USD.
   * Selling x at the 1 % band's limit 56,430.00 costs 5.7 µUSD a unit against
   * the mark and frees 28.5 of maintenance: 1,399,950,000 − 5.7x ≥
   * 2,850,000,000 − 28.5x ⇒ x ≥ 63,598,684.2 → 63,599,000 (lot 1,000). */
  LONG[0].open_asks = 0;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &st, NULL, 0, legs, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_TARGET_RESTORED && d.plan.leg_count == 1);
  CHECK(d.plan.status == PARTLIQ_OUTCOME_RESTORED && d.plan.health_before.equity == 1399950000);
  CHECK(d.plan.health_before.maintenance_requirement == 2850000000);
  CHECK(legs[0].position_index == 0 && legs[0].reserved == 0 && legs[0].size_delta == -63599000 && legs[0].limit_price == 5643000);
  CHECK(legs[0].expected_cash == 35888915700 && legs[0].expected_fee == 0); /* 63,599,000 × 564.3 */
  /* After: 1,399,950,000 − 5.7 × 63,599,000 = 1,037,435,700 ≥ 28.5 × 36,401,000 = 1,037,428,500. */
  CHECK(d.plan.health_after.equity == 1037435700 && d.plan.required_equity_after == 1037428500);
  CHECK(st.block_notional == 36251430000 && st.in_liquidation == 0); /* the leg at the mark: 63,599,000 × 570 */
  {
    partliq_plan_leg poisoned;
    memset(&poisoned, SENTINEL, sizeof poisoned);
    SAME(legs[1], poisoned); /* nothing past leg_count */
  }
}

/* An isolated position besides: pools, account sums, legs naming the
 * account's positions. */
static void test_isolated_pool(void) {
  book b = readme_book();
  partliq_perp_position ps[2];
  /* Isolated 0.1 BTC long bought at 50,000 (funding settled): value
   * 1e7 × 570 − 5e9 = 700,000,000; IM 570,000,000, MM 285,000,000. */
  ps[0] = perp(PARTLIQ_POSITION_MARGIN_ISOLATED, 10000000, -5000000000, 1500, 0, 0);
  ps[1] = LONG[0];
  ps[1].open_asks = 0;
  b.positions = ps;
  b.positions_len = 2;
  size_t pools = 0;
  CHECK_STATUS(partliq_unified_pool_count(ps, 2, &pools), PARTLIQ_STATUS_OK);
  CHECK(pools == 2);
  partliq_unified_health h, cross, a;
  CHECK_STATUS(pool_health(&b, 1, &BPM, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 700000000 && h.initial.collateral == 700000000 && h.initial.requirement == 570000000);
  CHECK(h.maintenance.collateral == 700000000 && h.maintenance.requirement == 285000000);
  CHECK(h.margin_ratio_ppm == 407143); /* ceil(285e6 × 1e6 / 700e6) = ceil(407,142.86) */
  CHECK(h.state == PARTLIQ_HEALTH_STATE_HEALTHY && h.rung == PARTLIQ_MARGIN_RUNG_SAFE); /* 245 % coverage */
  CHECK_STATUS(pool_health(&b, 0, &BPM, &cross), PARTLIQ_STATUS_OK);
  CHECK(cross.maintenance.collateral == 1399950000 && cross.maintenance.requirement == 2850000000);
  /* The account: sums, ratio of the sums, the worst state and rung. */
  CHECK_STATUS(account_health(&b, &BPM, &a), PARTLIQ_STATUS_OK);
  CHECK(a.equity == 2699950000 && a.maintenance.collateral == 2099950000 && a.maintenance.requirement == 3135000000);
  CHECK(a.initial.collateral == 1499950000 && a.initial.requirement == 6270000000);
  CHECK(a.margin_ratio_ppm == 1492893); /* ceil(3,135e6 × 1e6 / 2,099,950,000) */
  CHECK(a.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE && a.rung == PARTLIQ_MARGIN_RUNG_BACKSTOP);
  partliq_unified_health o;
  POISON(o);
  CHECK_STATUS(pool_health(&b, 2, &BPM, &o), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(pool_health(&b, UINT32_MAX, &BPM, &o), PARTLIQ_STATUS_UNKNOWN_POSITION);
  UNTOUCHED(o);

  partliq_account_liquidation_state st;
  partliq_plan_leg legs[2];
  partliq_decision d;
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &st, NULL, 0, legs, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.plan.leg_count == 1 && legs[0].position_index == 1 && legs[0].size_delta == -63599000);
  memset(&st, 0, sizeof st);
  CHECK_STATUS(run(&b, 1, &DEFAULT_POLICY, &st, NULL, 0, legs, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_NONE && d.reason == PARTLIQ_REASON_HEALTHY && d.plan.leg_count == 0);
}

/* Every pointer of the health functions and the pipeline: NULL with a
 * length, SIZE_MAX, misaligned; each refused, every output untouched. */
static void test_pointers(void) {
  static alignas(8) unsigned char raw[512];
  const void *odd8 = raw + 4, *odd4 = raw + 1;
  const book good = readme_book();
  partliq_unified_health h;
  partliq_account_liquidation_state st, st0;
  partliq_market_capacity_state ms[1], ms0[1];
  partliq_plan_leg legs[1];
  partliq_decision d;
  size_t n = 7;
  memset(&st, 0, sizeof st);
  st.block = 3;
  st0 = st;
  memset(ms, 0, sizeof ms);
  ms[0].used = 9;
  memcpy(ms0, ms, sizeof ms);
  POISON(h);
  POISON(legs);
  POISON(d);
  /* A valid pointer for each array (any aligned memory for the empty risk
   * extras: an impossible length is refused before any read). */
  const void *valid[8] = {good.markets, good.prices, good.funding, raw, good.assets, good.asset_prices, good.balances, good.positions};
  for (int k = 0; k < 8; k++) {
    const void *ptrs[3] = {NULL, valid[k], odd8};
    const size_t lens[3] = {1, SIZE_MAX, 1};
    const partliq_status want[3] = {PARTLIQ_STATUS_NULL_POINTER, PARTLIQ_STATUS_BAD_LENGTH, PARTLIQ_STATUS_MISALIGNED_POINTER};
    for (int c = 0; c < 3; c++) {
      book b = good;
      set_array(&b, k, ptrs[c], lens[c]);
      CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), want[c]);
      CHECK_STATUS(account_health(&b, &STANDARD, &h), want[c]);
      CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &st, ms, 1, legs, 1, &d), want[c]);
    }
    /* The first bad array in argument order wins. */
    if (k < 7) {
      book b = good;
      set_array(&b, k, odd8, 1);
      set_array(&b, 7, NULL, 1);
      CHECK_STATUS(pool_health(&b, 0, NULL, NULL), PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
  }
  CHECK_STATUS(pool_health(&good, 0, NULL, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(pool_health(&good, 0, (const partliq_margin_ladder *)odd4, &h), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(pool_health(&good, 0, &STANDARD, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(pool_health(&good, 0, &STANDARD, (partliq_unified_health *)(void *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(account_health(&good, NULL, &h), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(account_health(&good, &STANDARD, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_pool_count(NULL, 1, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_pool_count(LONG, SIZE_MAX, &n), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_unified_pool_count((const partliq_perp_position *)odd8, 1, &n), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(partliq_unified_pool_count(LONG, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK(n == 7);
#define RUNP(pol, s, msp, msl, lg, lgl, o) partliq_run_unified_pipeline(BOOK(&good), 0, pol, s, msp, msl, 0, 0, lg, lgl, o)
  CHECK_STATUS(RUNP(NULL, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUNP((const partliq_policy *)odd8, &st, ms, 1, legs, 1, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, NULL, ms, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, (partliq_account_liquidation_state *)(void *)(raw + 4), ms, 1, legs, 1, &d),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, NULL, 1, legs, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, SIZE_MAX, legs, 1, &d), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, (partliq_market_capacity_state *)(void *)(raw + 4), 1, legs, 1, &d),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, 1, NULL, 1, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, 1, legs, SIZE_MAX, &d), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, 1, (partliq_plan_leg *)(void *)(raw + 4), 1, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, 1, legs, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUNP(&DEFAULT_POLICY, &st, ms, 1, legs, 1, (partliq_decision *)(void *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
#undef RUNP
  UNTOUCHED(h);
  UNTOUCHED(legs);
  UNTOUCHED(d);
  SAME(st, st0);
  SAME(ms, ms0);
  for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);

  /* Empty: NULL arrays of length 0 are an empty cross pool, healthy. */
  book empty;
  memset(&empty, 0, sizeof empty);
  CHECK_STATUS(pool_health(&empty, 0, &BPM, &h), PARTLIQ_STATUS_OK);
  CHECK(h.equity == 0 && h.maintenance.requirement == 0 && h.margin_ratio_ppm == 0 && h.state == PARTLIQ_HEALTH_STATE_HEALTHY);
  CHECK(h.rung == PARTLIQ_MARGIN_RUNG_SAFE);
}

/* Every value the boundary checks and every status the core returns to the
 * unified functions, outputs untouched. */
static void test_statuses(void) {
  const book good = readme_book();
  partliq_unified_health h;
  POISON(h);
  /* One book per bad value, each a copy of the good one with one change. */
  {
    partliq_asset as[2] = {ASSETS[0], ASSETS[1]};
    book b = good;
    as[1].reserved = 1;
    b.assets = as;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    as[1].reserved = 0;
    as[1].quote_exponent = 40; /* not re-validated: the core's arithmetic refuses it */
    CHECK(pool_health(&b, 0, &STANDARD, &h) != PARTLIQ_STATUS_OK);
  }
  {
    partliq_asset_balance bs[2] = {BALANCES[0], BALANCES[1]};
    book b = good;
    b.balances = bs;
    bs[1].reserved = 2;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    bs[1].reserved = 0;
    bs[1].asset_index = 2;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_UNKNOWN_ASSET);
    CHECK_STATUS(account_health(&b, &STANDARD, &h), PARTLIQ_STATUS_UNKNOWN_ASSET);
  }
  {
    static partliq_asset_balance many[PARTLIQ_MAX_BALANCES + 1];
    book b = good;
    memset(many, 0, sizeof many);
    b.balances = many;
    b.balances_len = PARTLIQ_MAX_BALANCES + 1;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_TOO_MANY_BALANCES);
    b.balances_len = PARTLIQ_MAX_BALANCES;
    partliq_unified_health ok;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &ok), PARTLIQ_STATUS_OK); /* 64 zero USDC balances */
  }
  {
    partliq_perp_position ps[1] = {LONG[0]};
    book b = good;
    b.positions = ps;
    ps[0].margin = 2;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_INVALID_ENUM);
    ps[0].margin = UINT32_MAX;
    CHECK_STATUS(account_health(&b, &STANDARD, &h), PARTLIQ_STATUS_INVALID_ENUM);
    {
      size_t n = 5;
      CHECK_STATUS(partliq_unified_pool_count(ps, 1, &n), PARTLIQ_STATUS_INVALID_ENUM);
      CHECK(n == 5);
    }
    ps[0] = LONG[0];
    ps[0].open_bids = -1;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS);
    ps[0] = LONG[0];
    ps[0].market_index = 1;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_UNKNOWN_MARKET);
  }
  {
    partliq_market ms[2] = {MARKETS[0], MARKETS[0]};
    const int64_t marks[2] = {5700000, 1};
    book b = good;
    b.markets = ms;
    b.markets_len = 2;
    b.prices = marks;
    b.prices_len = 2;
    ms[1].liquidation_fee_rounding = 3; /* every market is checked, named or not */
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_INVALID_ENUM);
    ms[1].liquidation_fee_rounding = 0;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT); /* one funding index, two markets */
    b.funding_len = 0;
    partliq_unified_health ok;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &ok), PARTLIQ_STATUS_OK); /* no funding at all */
    CHECK(ok.equity == 1999950000 + 50000);
  }
  {
    const int64_t zero[1] = {0}, negative[1] = {-5}, sol_max[2] = {1, INT64_MAX}, sol_negative[2] = {1, -1};
    book b = good;
    b.prices = zero;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_MISSING_PRICE);
    b.prices = negative;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_NEGATIVE_PRICE);
    b = good;
    b.asset_prices_len = 1; /* no price for SOL */
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_MISSING_PRICE);
    b.asset_prices = sol_negative;
    b.asset_prices_len = 2;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_NEGATIVE_PRICE);
    b.asset_prices = sol_max; /* 40 SOL at INT64_MAX: 3.7e20 µUSD */
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_OVERFLOW);
  }
  {
    partliq_perp_risk r[1] = {{0, 1000000, 0}};
    book b = good;
    b.risk = r;
    b.risk_len = 1;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_INVALID_IMF_UNIT);
    r[0].imf_unit = 1;
    r[0].initial_upnl_weight_ppm = 1000001;
    CHECK_STATUS(pool_health(&b, 0, &STANDARD, &h), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  }
  {
    partliq_margin_ladder l = BPM;
    l.reduce_only_ppm = 1600000;
    CHECK_STATUS(pool_health(&good, 0, &l, &h), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
    CHECK_STATUS(account_health(&good, &l, &h), PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
  }
  UNTOUCHED(h);

  /* The pipeline's own statuses; every output as it was. */
  partliq_account_liquidation_state st, st0;
  partliq_market_capacity_state ms[1], ms0[1];
  partliq_plan_leg legs[2];
  partliq_decision d;
  partliq_perp_position cancelled[1] = {LONG[0]};
  book b = good;
  cancelled[0].open_asks = 0;
  b.positions = cancelled;
  memset(&st, 0, sizeof st);
  memset(ms, 0, sizeof ms);
  st0 = st;
  memcpy(ms0, ms, sizeof ms);
  POISON(legs);
  POISON(d);
  CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &st, ms, 1, NULL, 0, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(run(&b, 1, &DEFAULT_POLICY, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_UNKNOWN_POSITION);
  {
    partliq_policy p = DEFAULT_POLICY;
    p.window_capacity.capacity = 1;
    p.window_capacity.window = 10;
    CHECK_STATUS(run(&b, 0, &p, &st, NULL, 0, legs, 2, &d), PARTLIQ_STATUS_STATE_TOO_SMALL);
    p = DEFAULT_POLICY;
    p.sizing = 2;
    CHECK_STATUS(run(&b, 0, &p, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_INVALID_ENUM);
    p = DEFAULT_POLICY;
    p.escalation.reserved = 1;
    CHECK_STATUS(run(&b, 0, &p, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
    p = DEFAULT_POLICY;
    p.price_band_ppm = 1000001;
    CHECK_STATUS(run(&b, 0, &p, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_INVALID_PRICE_BAND);
  }
  {
    partliq_account_liquidation_state bad = st;
    bad.in_liquidation = 2;
    CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &bad, ms, 1, legs, 2, &d), PARTLIQ_STATUS_INVALID_ENUM);
    CHECK(bad.in_liquidation == 2);
    bad = st;
    bad.block_notional = INT64_MAX - 10; /* the leg's notional overflows the block's */
    CHECK_STATUS(run(&b, 0, &DEFAULT_POLICY, &bad, ms, 1, legs, 2, &d), PARTLIQ_STATUS_OVERFLOW);
    CHECK(bad.block_notional == INT64_MAX - 10);
  }
  {
    partliq_perp_position ps[1] = {cancelled[0]};
    book c = b;
    c.positions = ps;
    ps[0].open_asks = -1;
    CHECK_STATUS(run(&c, 0, &DEFAULT_POLICY, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_NEGATIVE_OPEN_ORDERS);
    ps[0].open_asks = 0;
    ps[0].margin = 5;
    CHECK_STATUS(run(&c, 0, &DEFAULT_POLICY, &st, ms, 1, legs, 2, &d), PARTLIQ_STATUS_INVALID_ENUM);
  }
  {
    static partliq_perp_position many[PARTLIQ_MAX_POSITIONS + 1];
    static partliq_plan_leg many_legs[PARTLIQ_MAX_POSITIONS + 1];
    book c = b;
    for (size_t i = 0; i < PARTLIQ_MAX_POSITIONS + 1; i++) many[i] = cancelled[0];
    memset(many_legs, 0, sizeof many_legs);
    c.positions = many;
    c.positions_len = PARTLIQ_MAX_POSITIONS + 1;
    CHECK_STATUS(run(&c, 0, &DEFAULT_POLICY, &st, ms, 1, many_legs, PARTLIQ_MAX_POSITIONS + 1, &d), PARTLIQ_STATUS_TOO_MANY_POSITIONS);
    for (size_t i = 0; i < PARTLIQ_MAX_POSITIONS + 1; i++) CHECK(many_legs[i].size_delta == 0);
  }
  SAME(st, st0);
  SAME(ms, ms0);
  UNTOUCHED(legs);
  UNTOUCHED(d);
  /* The same legs too short while orders rest: cancelling needs no leg. */
  CHECK_STATUS(run(&good, 0, &DEFAULT_POLICY, &st, ms, 1, NULL, 0, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_CANCEL_ORDERS);
}

void test_unified(void) {
  CHECK_STATUS(partliq_margin_ladder_standard(&STANDARD), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_margin_ladder_binance_portfolio_margin(&BPM), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_policy_default(&DEFAULT_POLICY), PARTLIQ_STATUS_OK);
  test_validate();
  test_readme_example();
  test_isolated_pool();
  test_pointers();
  test_statuses();
}
