/* Unified-account liquidation through the C ABI: a leg settled and sized
 * (the swap of 938: c = 985, liquidator 984, fund 1; the perp reduction of
 * 23), the planner's mix (700 + 87 + 33, value 9,470), the bankruptcy waterfall
 * (fund then socialized loss; a market's own fund, backstop, ADL), the
 * socialized loss's and the haircut's figures, and a delisted market's
 * final settlement — each figure the core's unit tests compute by hand —
 * and every bad input (NULL, impossible lengths, misaligned pointers,
 * enumerations out of range, reserved fields, figures that overflow) with
 * the outputs untouched. */
#include "check.h"

#include <stdalign.h>

#define SAME(a, b) CHECK(memcmp(&(a), &(b), sizeof(a)) == 0)

/* A unified book and account: market 0 (lot and tick 1, 10 % / 5 %, a 1 %
 * fee rounded up, all of it to the fund) at mark 100; asset 0 the quote
 * asset at par; asset 1 in hundredths (e = −2) at price 100 — one unit worth
 * 1 — weights 80 / 90 % (asset), 120 / 110 % (liability). */
typedef struct {
  partliq_market markets[1];
  int64_t prices[1];
  partliq_asset assets[2];
  int64_t asset_prices[2];
  partliq_asset_balance balances[2];
  size_t balances_len;
  partliq_perp_position positions[2];
  size_t positions_len;
} lbook;

#define LBOOK(b)                                                                                                                  \
  (b)->markets, 1, (b)->prices, 1, (const int64_t *)NULL, 0, (const partliq_perp_risk *)NULL, 0, (b)->assets, 2, (b)->asset_prices, 2, \
      (b)->balances, (b)->balances_len, (b)->positions, (b)->positions_len

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

static partliq_perp_position cross_perp(uint32_t margin, int64_t size, int64_t qb) {
  partliq_perp_position p;
  memset(&p, 0, sizeof p);
  p.margin = margin;
  p.size = size;
  p.quote_balance = qb;
  return p;
}

static void balance(lbook *b, uint32_t asset, int64_t amount) {
  partliq_asset_balance *x = &b->balances[b->balances_len++];
  memset(x, 0, sizeof *x);
  x->asset_index = asset;
  x->amount = amount;
}

static lbook legs_book(void) {
  lbook b;
  memset(&b, 0, sizeof b);
  b.markets[0].lot_step = 1;
  b.markets[0].tick = 1;
  b.markets[0].tier_count = 1;
  b.markets[0].tiers[0].initial_ppm = 100000;
  b.markets[0].tiers[0].maintenance_ppm = 50000;
  b.markets[0].liquidation_fee_ppm = 10000;
  b.markets[0].liquidation_fee_rounding = PARTLIQ_FEE_ROUNDING_UP;
  b.prices[0] = 100;
  b.assets[0] = weighted(0, 1000000, 1000000, 1000000, 1000000);
  b.assets[1] = weighted(-2, 800000, 900000, 1200000, 1100000);
  b.asset_prices[0] = 1;
  b.asset_prices[1] = 100;
  return b;
}

/* Asset 1's liquidator bonus 5 %; asset 0 none. */
static const partliq_asset_liquidation_fees FEES[2] = {{0, 0}, {50000, 0}};

static partliq_leg_terms terms(uint32_t kind) {
  partliq_leg_terms t;
  memset(&t, 0, sizeof t);
  t.target.kind = kind;
  return t;
}

static partliq_unified_leg leg(uint32_t kind, uint32_t position, uint32_t liability, uint32_t collateral, int64_t amount) {
  partliq_unified_leg l;
  memset(&l, 0, sizeof l);
  l.kind = kind;
  l.position_index = position;
  l.liability_asset = liability;
  l.collateral_asset = collateral;
  l.amount = amount;
  return l;
}

static partliq_unified_leg swap_leg(int64_t repaid) {
  return leg(PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, PARTLIQ_NO_INDEX, 0, 1, repaid);
}

static partliq_unified_leg reduce_leg(int64_t units) { return leg(PARTLIQ_LEG_KIND_REDUCE_PERP, 0, PARTLIQ_NO_INDEX, PARTLIQ_NO_INDEX, units); }

static int flow_is(const partliq_leg_flow *f, uint32_t unit, uint32_t index, int64_t account, int64_t liquidator, int64_t counterparty,
                   int64_t fund) {
  return f->unit == unit && f->index == index && f->account == account && f->liquidator == liquidator && f->counterparty == counterparty &&
         f->insurance_fund == fund;
}

static int64_t end_health(const partliq_unified_health *h) { return h->liquidation_end.collateral - h->liquidation_end.requirement; }

static partliq_status settle(const lbook *b, const partliq_leg_terms *t, const partliq_unified_leg *l, partliq_leg_settlement *out) {
  return partliq_unified_settle_leg(LBOOK(b), 0, FEES, 2, t, l, out);
}

static partliq_status size_of_leg(const lbook *b, const partliq_leg_terms *t, const partliq_unified_leg *l, partliq_leg_sizing *out) {
  return partliq_unified_size_leg(LBOOK(b), 0, FEES, 2, t, l, out);
}

/* 1,000 units of asset 1 against a 950 borrow of asset 0 (liquidation end
 * 800 − 950 = −150). Repaying r takes c = ⌈1.05 r⌉ of asset 1; the end
 * surplus is ⌊0.8 (1,000 − c)⌋ − (950 − r): r = 938, c = ⌈984.9⌉ = 985,
 * 12 − 12 = 0 ✓; r = 937, c = 984, ⌊12.8⌋ − 13 = −1 ✗. The liquidator gets
 * ⌊984.9⌋ = 984, the fund the rounding unit; value 985, cost 985 − 938 = 47. */
static void test_swap(void) {
  lbook b = legs_book();
  balance(&b, 1, 1000);
  balance(&b, 0, -950);
  partliq_leg_terms t = terms(PARTLIQ_TARGET_KIND_INITIAL);
  partliq_unified_leg probe = swap_leg(0);
  partliq_leg_sizing z;
  POISON(z);
  CHECK_STATUS(size_of_leg(&b, &t, &probe, &z), PARTLIQ_STATUS_OK);
  CHECK(z.status == PARTLIQ_OUTCOME_RESTORED && z.has_settlement == 1 && z.leg.amount == 938 && z.max_amount == 950);
  CHECK(z.leg.kind == PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY && z.leg.position_index == PARTLIQ_NO_INDEX);
  CHECK(flow_is(&z.settlement.flows[0], PARTLIQ_FLOW_UNIT_ASSET, 0, 938, -938, 0, 0));
  CHECK(flow_is(&z.settlement.flows[1], PARTLIQ_FLOW_UNIT_ASSET, 1, -985, 984, 0, 1));
  CHECK(z.settlement.value_liquidated == 985 && z.settlement.cost_to_account == 47);
  CHECK(end_health(&z.settlement.health_after) == 0);

  partliq_leg_settlement s;
  partliq_unified_leg l = swap_leg(938);
  POISON(s);
  CHECK_STATUS(settle(&b, &t, &l, &s), PARTLIQ_STATUS_OK);
  SAME(s, z.settlement);
  l.amount = 937;
  CHECK_STATUS(settle(&b, &t, &l, &s), PARTLIQ_STATUS_OK);
  CHECK(end_health(&s.health_after) == -1);

  /* The maintenance target stops earlier: ⌊0.9 (1,000 − c)⌋ − (950 − r) ≥ 0
   * first at r = 914 (c = ⌈959.7⌉ = 960: 36 − 36 = 0). */
  partliq_leg_terms m = terms(PARTLIQ_TARGET_KIND_MAINTENANCE);
  CHECK_STATUS(size_of_leg(&b, &m, &probe, &z), PARTLIQ_STATUS_OK);
  CHECK(z.leg.amount == 914);
}

/* Long 100 @ 100 with cash −10,000 backed by 1,000 units of asset 1 (end
 * level 800 − 1,000 = −200). Closing x at the mark with the 1 % fee: −200 +
 * 10x − x ≥ 0 ⇒ x = 23 (207 − 200 = 7). */
static void test_perp_reduction(void) {
  lbook b = legs_book();
  balance(&b, 1, 1000);
  b.positions[0] = cross_perp(PARTLIQ_POSITION_MARGIN_CROSS, 100, -10000);
  b.positions_len = 1;
  partliq_leg_terms t = terms(PARTLIQ_TARGET_KIND_INITIAL);
  partliq_unified_leg probe = reduce_leg(0);
  partliq_leg_sizing z;
  CHECK_STATUS(size_of_leg(&b, &t, &probe, &z), PARTLIQ_STATUS_OK);
  CHECK(z.status == PARTLIQ_OUTCOME_RESTORED && z.leg.amount == 23 && z.max_amount == 100);
  CHECK(flow_is(&z.settlement.flows[0], PARTLIQ_FLOW_UNIT_POSITION_SIZE, 0, -23, 0, 23, 0));
  /* Cash: 23 × 100 = 2,300 from the market, the fee ⌈23⌉ to the fund. */
  CHECK(flow_is(&z.settlement.flows[1], PARTLIQ_FLOW_UNIT_POSITION_QUOTE, 0, 2277, 0, -2300, 23));
  CHECK(z.settlement.value_liquidated == 2300 && z.settlement.cost_to_account == 23 && end_health(&z.settlement.health_after) == 7);
}

/* Every refusal of the leg functions, the output untouched. */
static void test_leg_refusals(void) {
  static alignas(8) unsigned char raw[64];
  const void *odd8 = raw + 4;
  lbook b = legs_book();
  balance(&b, 1, 1000);
  balance(&b, 0, -950);
  partliq_leg_terms t = terms(PARTLIQ_TARGET_KIND_INITIAL);
  partliq_leg_settlement s;
  partliq_leg_sizing z;
  POISON(s);
  POISON(z);
  partliq_unified_leg l = swap_leg(1);

#define SETTLE(fees, n, tp, lp, op) partliq_unified_settle_leg(LBOOK(&b), 0, fees, n, tp, lp, op)
#define SIZE(fees, n, tp, lp, op) partliq_unified_size_leg(LBOOK(&b), 0, fees, n, tp, lp, op)
  /* Pointers, in argument order. */
  CHECK_STATUS(SETTLE(NULL, 2, &t, &l, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(SETTLE(FEES, SIZE_MAX, &t, &l, &s), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(SETTLE((const partliq_asset_liquidation_fees *)(const void *)(raw + 1), 2, &t, &l, &s), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(SETTLE(FEES, 2, NULL, &l, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(SETTLE(FEES, 2, &t, NULL, &s), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(SETTLE(FEES, 2, &t, (const partliq_unified_leg *)odd8, &s), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &l, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &l, (partliq_leg_settlement *)(void *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(SIZE(FEES, 2, &t, &l, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(SIZE(NULL, 1, &t, &l, &z), PARTLIQ_STATUS_NULL_POINTER);
  /* A leg kind out of range. */
  partliq_unified_leg bad = l;
  bad.kind = 4;
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_INVALID_LEG_KIND);
  CHECK_STATUS(SIZE(FEES, 2, &t, &bad, &z), PARTLIQ_STATUS_INVALID_LEG_KIND);
  bad.kind = UINT32_MAX;
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_INVALID_LEG_KIND);
  /* The terms: a target kind out of range, a buffer with the initial
   * target, the reserved field. */
  partliq_leg_terms bt = t;
  bt.target.kind = 2;
  CHECK_STATUS(SETTLE(FEES, 2, &bt, &l, &s), PARTLIQ_STATUS_INVALID_ENUM);
  bt = t;
  bt.target.buffer_ppm = 1;
  CHECK_STATUS(SETTLE(FEES, 2, &bt, &l, &s), PARTLIQ_STATUS_INVALID_BUFFER);
  bt = t;
  bt.reserved = 1;
  CHECK_STATUS(SIZE(FEES, 2, &bt, &l, &z), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  /* The leg against the account: amounts 0, beyond the borrow, INT64_MIN;
   * the same asset twice; sides swapped; an asset without fees; a perp the
   * account does not have; a pool it does not have. */
  bad = swap_leg(0);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
  bad.amount = 951;
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
  bad.amount = INT64_MIN;
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_INVALID_LEG_AMOUNT);
  bad = leg(PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, PARTLIQ_NO_INDEX, 0, 0, 1);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_LEG_SAME_ASSET);
  bad = leg(PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY, PARTLIQ_NO_INDEX, 1, 0, 1);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_WRONG_BALANCE_SIDE);
  CHECK_STATUS(SETTLE(FEES, 1, &t, &l, &s), PARTLIQ_STATUS_UNKNOWN_ASSET);
  bad = reduce_leg(1);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_LEG_NOT_IN_POOL);
  bad = leg(PARTLIQ_LEG_KIND_PERP_PNL_FOR_LIABILITY, 0, 0, PARTLIQ_NO_INDEX, 1);
  CHECK_STATUS(SETTLE(FEES, 2, &t, &bad, &s), PARTLIQ_STATUS_LEG_NOT_IN_POOL);
  CHECK_STATUS(partliq_unified_settle_leg(LBOOK(&b), 1, FEES, 2, &t, &l, &s), PARTLIQ_STATUS_UNKNOWN_POSITION);
  /* Overflow: asset 1 priced so that 1,000 units are worth more than an
   * int64_t holds. */
  b.asset_prices[1] = INT64_MAX;
  CHECK_STATUS(SETTLE(FEES, 2, &t, &l, &s), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(SIZE(FEES, 2, &t, &l, &z), PARTLIQ_STATUS_OVERFLOW);
  b.asset_prices[1] = 100;
#undef SETTLE
#undef SIZE
  UNTOUCHED(s);
  UNTOUCHED(z);
  for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);
  /* No fees at all (NULL, 0): the liquidator takes exactly what is repaid. */
  CHECK_STATUS(partliq_unified_settle_leg(LBOOK(&b), 0, NULL, 0, &t, &l, &s), PARTLIQ_STATUS_OK);
  CHECK(flow_is(&s.flows[1], PARTLIQ_FLOW_UNIT_ASSET, 1, -1, 1, 0, 0));
}

/* 1,000 units of asset 1, a 700 quote borrow, a long 100 @ 100 with cash
 * −10,000 (end level −900). The perp alone restores at x = 100, value
 * 10,000; the whole borrow repaid first (⌈735⌉ units taken, 112 of surplus),
 * x = 87 (end 212 − 87 − 130 = −5) and 33 of the perp's loss taken over for
 * ⌈34.65⌉ = 35 units (⌊0.8 × 230⌋ − 54 − 130 = 0) restore for 735 + 8,700 +
 * 35 = 9,470. */
static void test_plan(void) {
  lbook b = legs_book();
  balance(&b, 1, 1000);
  balance(&b, 0, -700);
  b.positions[0] = cross_perp(PARTLIQ_POSITION_MARGIN_CROSS, 100, -10000);
  b.positions_len = 1;
  partliq_leg_terms t = terms(PARTLIQ_TARGET_KIND_INITIAL);
  partliq_unified_leg legs[4];
  partliq_unified_plan p;
  POISON(legs);
  POISON(p);
#define PLAN(obj, ord, at, atl, mt, mtl, lg, lgl, o) \
  partliq_unified_plan_liquidation(LBOOK(&b), 0, FEES, 2, &t, obj, ord, at, atl, mt, mtl, lg, lgl, o)
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p), PARTLIQ_STATUS_OK);
  CHECK(p.status == PARTLIQ_OUTCOME_RESTORED && p.leg_count == 3 && p.value_liquidated == 9470 && p.cost_to_account == 35 + 87 + 2);
  partliq_unified_leg want0 = swap_leg(700), want1 = reduce_leg(87),
                      want2 = leg(PARTLIQ_LEG_KIND_DEPOSIT_FOR_PERP_LOSS, 0, PARTLIQ_NO_INDEX, 1, 33);
  SAME(legs[0], want0);
  SAME(legs[1], want1);
  SAME(legs[2], want2);
  CHECK(untouched(&legs[3], sizeof legs[0]));
  CHECK(end_health(&p.health_after) == 0);
  /* Least cost: the perp alone (fee 100 for 900 of surplus). */
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_COST, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p), PARTLIQ_STATUS_OK);
  CHECK(p.leg_count == 1 && p.cost_to_account == 100 && p.value_liquidated == 10000 && legs[0].amount == 100);
  /* Perps first: the perp alone. By tier, the borrow riskier: the swap, then the perp's legs. */
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_PERPS_FIRST, NULL, 0, NULL, 0, legs, 4, &p), PARTLIQ_STATUS_OK);
  CHECK(p.leg_count == 1 && legs[0].kind == PARTLIQ_LEG_KIND_REDUCE_PERP && legs[0].amount == 100);
  const uint32_t asset_tiers[2] = {3, 0}, market_tiers[1] = {0};
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_BY_TIER, asset_tiers, 2, market_tiers, 1, legs, 4, &p),
               PARTLIQ_STATUS_OK);
  CHECK(p.leg_count == 3);
  SAME(legs[0], want0);
  SAME(legs[1], want1);
  SAME(legs[2], want2);

  /* Refusals, outputs untouched. */
  POISON(legs);
  POISON(p);
  CHECK_STATUS(PLAN(2, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, 4, NULL, 0, NULL, 0, legs, 4, &p), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 1, &p),
               PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, NULL, 0, &p),
               PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 1, NULL, 0, legs, 4, &p),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, asset_tiers, SIZE_MAX, NULL, 0, legs, 4, &p),
               PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, market_tiers, SIZE_MAX, legs, 4, &p),
               PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, NULL, 4, &p),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, SIZE_MAX, &p),
               PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, NULL),
               PARTLIQ_STATUS_NULL_POINTER);
  t.reserved = 1;
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  t.reserved = 0;
  b.positions[0].margin = 7;
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p),
               PARTLIQ_STATUS_INVALID_ENUM);
  b.positions[0].margin = PARTLIQ_POSITION_MARGIN_CROSS;
  {
    static alignas(8) unsigned char raw[256];
    CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, (const uint32_t *)(const void *)(raw + 1), 1, NULL,
                      0, legs, 4, &p),
                 PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0,
                      (partliq_unified_leg *)(void *)(raw + 4), 4, &p),
                 PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4,
                      (partliq_unified_plan *)(void *)(raw + 4)),
                 PARTLIQ_STATUS_MISALIGNED_POINTER);
    for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);
  }
  /* Overflow: asset 1 worth more than an int64_t holds. */
  b.asset_prices[1] = INT64_MAX;
  CHECK_STATUS(PLAN(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE, PARTLIQ_LEG_ORDERING_CHEAPEST, NULL, 0, NULL, 0, legs, 4, &p),
               PARTLIQ_STATUS_OVERFLOW);
#undef PLAN
  UNTOUCHED(legs);
  UNTOUCHED(p);
}

/* --- the waterfall ------------------------------------------------------ */

static partliq_insurance_fund fund(int64_t balance_, int64_t floor) {
  partliq_insurance_fund f;
  CHECK_STATUS(partliq_insurance_fund_new(balance_, floor, &f), PARTLIQ_STATUS_OK);
  return f;
}

static partliq_waterfall_policy wpolicy(uint32_t scope, uint32_t n, uint32_t s0, uint32_t s1, uint32_t s2) {
  partliq_waterfall_policy p;
  memset(&p, 0, sizeof p);
  p.steps[0] = s0;
  p.steps[1] = s1;
  p.steps[2] = s2;
  p.step_count = n;
  p.fund_scope = scope;
  return p;
}

static partliq_deficit perp_deficit(int64_t loss) {
  partliq_deficit d;
  memset(&d, 0, sizeof d);
  d.kind = PARTLIQ_DEFICIT_KIND_PERP;
  d.amount = loss;
  return d;
}

static int entry_is(const partliq_ledger_entry *e, uint32_t from, uint32_t from_index, uint32_t to, uint32_t to_index, int64_t amount) {
  return e->from.kind == from && e->from.index == from_index && e->to.kind == to && e->to.index == to_index &&
         e->unit.kind == PARTLIQ_LEDGER_UNIT_KIND_QUOTE && e->unit.index == PARTLIQ_NO_INDEX && e->amount == amount;
}

#define RESOLVE(d, p, f, mf, mfl, own, ownl, cap, pay, payl, lg, lgl, o) \
  partliq_resolve_deficit(NULL, 0, NULL, 0, d, p, f, mf, mfl, own, ownl, cap, pay, payl, 1000000, lg, lgl, o)

/* A perp loss of 1,000: the fund's room 700 − 100 = 600, then 400 over an
 * open interest of 3 + 4 = 7: δ = ⌈400e6 / 7⌉ = 57,142,858; charges ⌈171.43⌉
 * = 172 and ⌈228.57⌉ = 229, Σ 401: the surplus 1 to the fund (100 + 1). */
static void test_waterfall(void) {
  partliq_insurance_fund shared = fund(700, 100);
  partliq_waterfall_policy p =
      wpolicy(PARTLIQ_FUND_SCOPE_GLOBAL, 2, PARTLIQ_WATERFALL_STEP_INSURANCE_FUND, PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS, 0);
  partliq_deficit d = perp_deficit(1000);
  const int64_t payers[2] = {3, -4};
  partliq_ledger_entry ledger[PARTLIQ_MAX_LEDGER_ENTRIES];
  partliq_waterfall_outcome o;
  POISON(ledger);
  POISON(o);
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, PARTLIQ_MAX_LEDGER_ENTRIES, &o), PARTLIQ_STATUS_OK);
  CHECK(o.step_count == 2 && o.steps[0].step == PARTLIQ_WATERFALL_STEP_INSURANCE_FUND && o.steps[0].absorbed == 600);
  CHECK(o.steps[1].step == PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS && o.steps[1].absorbed == 400);
  CHECK(o.fund_paid == 600 && o.adl_residual == 0 && o.fund_market == PARTLIQ_NO_INDEX && o.ledger_len == 3);
  CHECK(o.socialization.kind == PARTLIQ_SOCIALIZATION_KIND_PERP && o.socialization.open_interest == 7 &&
        o.socialization.delta == 57142858 && o.socialization.charged == 401 && o.socialization.surplus == 1);
  CHECK(entry_is(&ledger[0], PARTLIQ_PARTY_KIND_INSURANCE_FUND, PARTLIQ_NO_INDEX, PARTLIQ_PARTY_KIND_ACCOUNT, PARTLIQ_NO_INDEX, 600));
  CHECK(entry_is(&ledger[1], PARTLIQ_PARTY_KIND_SOCIALIZED_PERP, 0, PARTLIQ_PARTY_KIND_ACCOUNT, PARTLIQ_NO_INDEX, 400));
  CHECK(entry_is(&ledger[2], PARTLIQ_PARTY_KIND_SOCIALIZED_PERP, 0, PARTLIQ_PARTY_KIND_INSURANCE_FUND, PARTLIQ_NO_INDEX, 1));
  CHECK(untouched(&ledger[3], 3 * sizeof ledger[0]));
  CHECK(shared.balance == 101 && shared.total_debits == 600 && shared.total_credits == 1);
  SAME(o.fund_after, shared);

  /* A market's own fund (250 − 200 = 50), the backstop's 30, ADL the 20 left. */
  shared = fund(1000000, 0);
  partliq_insurance_fund own[1];
  own[0] = fund(250, 200);
  const uint8_t has_own[1] = {1};
  const int64_t five[1] = {5};
  p = wpolicy(PARTLIQ_FUND_SCOPE_PER_MARKET, 3, PARTLIQ_WATERFALL_STEP_INSURANCE_FUND, PARTLIQ_WATERFALL_STEP_BACKSTOP,
              PARTLIQ_WATERFALL_STEP_AUTO_DELEVERAGE);
  d = perp_deficit(100);
  CHECK_STATUS(RESOLVE(&d, &p, &shared, own, 1, has_own, 1, 30, five, 1, ledger, PARTLIQ_MAX_LEDGER_ENTRIES, &o), PARTLIQ_STATUS_OK);
  CHECK(o.step_count == 3 && o.steps[0].absorbed == 50 && o.steps[1].absorbed == 30 && o.steps[2].absorbed == 20);
  CHECK(o.adl_residual == 20 && o.fund_market == 0 && own[0].balance == 200 && shared.balance == 1000000);
  CHECK(entry_is(&ledger[1], PARTLIQ_PARTY_KIND_BACKSTOP, PARTLIQ_NO_INDEX, PARTLIQ_PARTY_KIND_ACCOUNT, PARTLIQ_NO_INDEX, 30));
  CHECK(entry_is(&ledger[2], PARTLIQ_PARTY_KIND_ADL_COUNTERPARTIES, 0, PARTLIQ_PARTY_KIND_ACCOUNT, PARTLIQ_NO_INDEX, 20));
}

static void test_waterfall_refusals(void) {
  static alignas(8) unsigned char raw[64];
  partliq_insurance_fund shared = fund(10, 0), shared0 = shared;
  partliq_waterfall_policy good = wpolicy(PARTLIQ_FUND_SCOPE_GLOBAL, 3, PARTLIQ_WATERFALL_STEP_INSURANCE_FUND,
                                          PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS, PARTLIQ_WATERFALL_STEP_AUTO_DELEVERAGE),
                           p;
  partliq_deficit d = perp_deficit(25), bd;
  const int64_t zeros[2] = {0, 0}, payers[2] = {3, -4}, huge[2] = {INT64_MAX, INT64_MAX};
  partliq_ledger_entry ledger[PARTLIQ_MAX_LEDGER_ENTRIES];
  partliq_waterfall_outcome o;
  POISON(ledger);
  POISON(o);
  const size_t L = PARTLIQ_MAX_LEDGER_ENTRIES;
  /* Pointers. */
  CHECK_STATUS(partliq_resolve_deficit(NULL, 1, NULL, 0, &d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, 1, ledger, L, &o),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(NULL, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, NULL, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, NULL, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, (partliq_insurance_fund *)(void *)(raw + 4), NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 1, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 1, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, NULL, 2, ledger, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, SIZE_MAX, ledger, L, &o), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, NULL, L, &o), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, SIZE_MAX, &o), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, (partliq_insurance_fund *)(void *)(raw + 4), 1, NULL, 0, 0, payers, 2, ledger, L, &o),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, (const int64_t *)(const void *)(raw + 4), 2, ledger, L, &o),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, (partliq_ledger_entry *)(void *)(raw + 4), L, &o),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, (partliq_waterfall_outcome *)(void *)(raw + 4)),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(RESOLVE((const partliq_deficit *)(const void *)(raw + 4), &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  /* The policy: no steps, five, a step out of range, a step twice, not
   * ending in one that always absorbs, a scope out of range. */
  p = good;
  p.step_count = 0;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
  p.step_count = 5;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
  p = good;
  p.steps[1] = 4;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_ENUM);
  p = good;
  p.steps[1] = PARTLIQ_WATERFALL_STEP_AUTO_DELEVERAGE;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
  p = wpolicy(PARTLIQ_FUND_SCOPE_GLOBAL, 1, PARTLIQ_WATERFALL_STEP_INSURANCE_FUND, 0, 0);
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_WATERFALL_POLICY);
  p = good;
  p.fund_scope = 2;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_ENUM);
  /* The deficit: a kind out of range, nothing owed; a spot deficit of an
   * asset the (empty) book does not have. */
  bd = d;
  bd.kind = 2;
  CHECK_STATUS(RESOLVE(&bd, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_INVALID_ENUM);
  bd = perp_deficit(0);
  CHECK_STATUS(RESOLVE(&bd, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NO_DEFICIT);
  bd = perp_deficit(INT64_MIN);
  CHECK_STATUS(RESOLVE(&bd, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NO_DEFICIT);
  bd.kind = PARTLIQ_DEFICIT_KIND_SPOT;
  bd.amount = 5;
  CHECK_STATUS(RESOLVE(&bd, &good, &shared, NULL, 0, NULL, 0, 0, zeros, 2, ledger, L, &o), PARTLIQ_STATUS_UNKNOWN_ASSET);
  /* A spot deficit's depositors are balances: none may be negative. */
  CHECK_STATUS(RESOLVE(&bd, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NEGATIVE_CAPACITY);
  /* The context: a negative backstop; nobody to charge; the ledger too
   * short (fund 10, then 15 over 3 + 4: δ = ⌈15e6 / 7⌉ = 2,142,858, charges
   * 7 + 9 = 16, a surplus of 1: three entries); the surplus of two
   * positions of INT64_MAX (open interest 2⁶⁴ − 2) overflowing the outcome,
   * the fund it was credited to put back. */
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, -1, payers, 2, ledger, L, &o), PARTLIQ_STATUS_NEGATIVE_CAPACITY);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, zeros, 2, ledger, L, &o), PARTLIQ_STATUS_DEFICIT_UNABSORBED);
  CHECK_STATUS(RESOLVE(&d, &good, &shared, NULL, 0, NULL, 0, 0, payers, 2, ledger, 2, &o), PARTLIQ_STATUS_LEDGER_TOO_SMALL);
  p = wpolicy(PARTLIQ_FUND_SCOPE_GLOBAL, 1, PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS, 0, 0);
  bd = perp_deficit(1000);
  CHECK_STATUS(RESOLVE(&bd, &p, &shared, NULL, 0, NULL, 0, 0, huge, 2, ledger, L, &o), PARTLIQ_STATUS_OVERFLOW);
  /* has_own names a market beyond the market funds. */
  const uint8_t has_own[1] = {1};
  p = good;
  p.fund_scope = PARTLIQ_FUND_SCOPE_PER_MARKET;
  CHECK_STATUS(RESOLVE(&d, &p, &shared, NULL, 0, has_own, 1, 0, payers, 2, ledger, L, &o), PARTLIQ_STATUS_STATE_TOO_SMALL);
  SAME(shared, shared0);
  UNTOUCHED(ledger);
  UNTOUCHED(o);
  for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);
}

/* Drift's case: a loss of 100 over 7 + 4: δ = ⌈1e8 / 11⌉ = 9,090,910; the
 * long 7 pays ⌈63.64⌉ = 64, the short 4 ⌈36.36⌉ = 37. A spot loss of 7 over
 * 1,000 deposited at index 1,000,003: ⌊1,000,003 × 993 / 1,000⌋ = 993,002;
 * a deposit of 500 becomes ⌊496.499⌋ = 496. */
static void test_socialized_figures(void) {
  int64_t v = 0;
  CHECK_STATUS(partliq_socialized_delta(100, 11, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 9090910);
  CHECK_STATUS(partliq_socialized_charge(7, 9090910, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 64);
  CHECK_STATUS(partliq_socialized_charge(-4, 9090910, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 37);
  CHECK_STATUS(partliq_haircut_index(1000003, 1000, 7, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 993002);
  CHECK_STATUS(partliq_haircut_balance(500, 1000003, 993002, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 496);
  CHECK_STATUS(partliq_haircut_index(1000000, 5, 5, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 0);
  int64_t w;
  POISON(w);
  CHECK_STATUS(partliq_socialized_delta(0, 11, &w), PARTLIQ_STATUS_NO_DEFICIT);
  CHECK_STATUS(partliq_socialized_delta(5, 0, &w), PARTLIQ_STATUS_DIVISION_BY_ZERO);
  CHECK_STATUS(partliq_socialized_delta(INT64_MAX, 1, &w), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_socialized_delta(1, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_socialized_charge(INT64_MAX, INT64_MAX, &w), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_socialized_charge(1, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_haircut_index(0, 5, 1, &w), PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX);
  CHECK_STATUS(partliq_haircut_index(1, 0, 1, &w), PARTLIQ_STATUS_DIVISION_BY_ZERO);
  CHECK_STATUS(partliq_haircut_index(1, -1, 1, &w), PARTLIQ_STATUS_NEGATIVE_CAPACITY);
  CHECK_STATUS(partliq_haircut_index(1, 5, 0, &w), PARTLIQ_STATUS_NO_DEFICIT);
  CHECK_STATUS(partliq_haircut_index(1, 5, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_haircut_balance(-1, 1, 1, &w), PARTLIQ_STATUS_NEGATIVE_CAPACITY);
  CHECK_STATUS(partliq_haircut_balance(1, 0, 1, &w), PARTLIQ_STATUS_INVALID_DEPOSIT_INDEX);
  CHECK_STATUS(partliq_haircut_balance(INT64_MAX, 1, 2, &w), PARTLIQ_STATUS_OVERFLOW);
  CHECK_STATUS(partliq_haircut_balance(1, 1, 1, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(w);
}

/* --- delisting ------------------------------------------------------------ */

/* A long 10 bought at 90 (cash −900) and a short 10 sold at 100 with 50 of
 * margin (cash 1,050), each isolated, settled at 110: the long receives
 * 1,100 (cash 200, solvent); the short pays 1,100 (cash −50: bankrupt, a
 * perp deficit of 50). */
static void test_delisting(void) {
  lbook b = legs_book();
  b.prices[0] = 110;
  b.positions[0] = cross_perp(PARTLIQ_POSITION_MARGIN_ISOLATED, 10, -900);
  b.positions[1] = cross_perp(PARTLIQ_POSITION_MARGIN_ISOLATED, -10, 1050);
  b.positions_len = 2;
  partliq_margin_ladder ladder;
  CHECK_STATUS(partliq_margin_ladder_standard(&ladder), PARTLIQ_STATUS_OK);
  partliq_delisting_policy policy;
  memset(&policy, 0, sizeof policy);
  policy.settlement_price = 110;
  partliq_perp_position after[2];
  partliq_position_settlement settled[2];
  partliq_pool_delisting d;
  POISON(settled);
#define DELIST(pool, market, pol, af, afl, st, stl, o) partliq_settle_delisted(LBOOK(&b), pool, market, pol, &ladder, af, afl, st, stl, o)
  CHECK_STATUS(DELIST(1, 0, &policy, after, 2, settled, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(d.settled == 1 && d.outcome == PARTLIQ_DELISTING_OUTCOME_SOLVENT && d.health_after.equity == 200 && d.shortfall == 0);
  CHECK(settled[0].position_index == 0 && settled[0].closed_size == 10 && settled[0].cash == 1100 && settled[0].funding == 0 &&
        settled[0].fee == 0 && settled[0].quote_delta == 1100 && settled[0].new_quote_balance == 200);
  CHECK(untouched(&settled[1], sizeof settled[1]));
  CHECK(after[0].size == 0 && after[0].quote_balance == 200 && after[1].size == -10 && after[1].quote_balance == 1050);
  CHECK_STATUS(DELIST(2, 0, &policy, after, 2, settled, 2, &d), PARTLIQ_STATUS_OK);
  CHECK(settled[0].position_index == 1 && settled[0].cash == -1100 && settled[0].new_quote_balance == -50);
  CHECK(d.outcome == PARTLIQ_DELISTING_OUTCOME_BANKRUPT && d.deficit.kind == PARTLIQ_DEFICIT_KIND_PERP && d.deficit.index == 0 &&
        d.deficit.amount == 50);

  /* Refusals, outputs untouched. */
  POISON(after);
  POISON(settled);
  POISON(d);
  partliq_delisting_policy bad = policy;
  bad.settlement_price = 0;
  CHECK_STATUS(DELIST(1, 0, &bad, after, 2, settled, 2, &d), PARTLIQ_STATUS_INVALID_SETTLEMENT_PRICE);
  bad = policy;
  bad.fee_ppm = 1000001;
  CHECK_STATUS(DELIST(1, 0, &bad, after, 2, settled, 2, &d), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  bad = policy;
  bad.reserved = 1;
  CHECK_STATUS(DELIST(1, 0, &bad, after, 2, settled, 2, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(DELIST(3, 0, &policy, after, 2, settled, 2, &d), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(DELIST(1, 7, &policy, after, 2, settled, 2, &d), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(DELIST(1, 0, &policy, after, 1, settled, 2, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(DELIST(1, 0, &policy, after, 2, settled, 0, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(DELIST(1, 0, NULL, after, 2, settled, 2, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(DELIST(1, 0, &policy, NULL, 2, settled, 2, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(DELIST(1, 0, &policy, after, SIZE_MAX, settled, 2, &d), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(DELIST(1, 0, &policy, after, 2, NULL, 2, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(DELIST(1, 0, &policy, after, 2, settled, 2, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_settle_delisted(LBOOK(&b), 1, 0, &policy, NULL, after, 2, settled, 2, &d), PARTLIQ_STATUS_NULL_POINTER);
  {
    static alignas(8) unsigned char raw[512];
    CHECK_STATUS(DELIST(1, 0, &policy, (partliq_perp_position *)(void *)(raw + 4), 2, settled, 2, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(DELIST(1, 0, &policy, after, 2, (partliq_position_settlement *)(void *)(raw + 4), 2, &d), PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(DELIST(1, 0, &policy, after, 2, settled, 2, (partliq_pool_delisting *)(void *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
    CHECK_STATUS(DELIST(1, 0, (const partliq_delisting_policy *)(const void *)(raw + 4), after, 2, settled, 2, &d),
                 PARTLIQ_STATUS_MISALIGNED_POINTER);
    for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);
  }
  /* A cash beyond int64_t: a long of INT64_MAX settled at 110. */
  b.positions[0].size = INT64_MAX;
  CHECK_STATUS(DELIST(1, 0, &policy, after, 2, settled, 2, &d), PARTLIQ_STATUS_OVERFLOW);
#undef DELIST
  UNTOUCHED(after);
  UNTOUCHED(settled);
  UNTOUCHED(d);
}

/* The whole step, partliq_run_unified_liquidation: the planner's mix
 * (9,470 in three legs), resting orders first, a bankrupt pool taken over
 * whole or liquidated first (the swap of 95: ⌈1.05 × 95⌉ = 100 units),
 * then its deficit; every refusal with the outputs untouched. */
static void test_run_liquidation(void) {
  lbook b = legs_book();
  balance(&b, 1, 1000);
  balance(&b, 0, -700);
  b.positions[0] = cross_perp(PARTLIQ_POSITION_MARGIN_CROSS, 100, -10000);
  b.positions_len = 1;
  partliq_unified_liquidation_policy pol;
  memset(&pol, 0, sizeof pol);
  pol.terms = terms(PARTLIQ_TARGET_KIND_INITIAL);
  pol.objective = PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE;
  pol.ordering = PARTLIQ_LEG_ORDERING_CHEAPEST;
  pol.take_over_bankrupt = 1;
  partliq_unified_leg legs[4];
  partliq_unified_decision d;
  POISON(legs);
  POISON(d);
#define RUN(bk, po, inl, lg, lgl, o) partliq_run_unified_liquidation(LBOOK(bk), 0, FEES, 2, po, NULL, 0, NULL, 0, inl, lg, lgl, o)
  CHECK_STATUS(RUN(&b, &pol, 0, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_TARGET_RESTORED && d.plan.leg_count == 3 &&
        d.plan.value_liquidated == 9470);
  CHECK(legs[0].amount == 700 && legs[1].amount == 87 && legs[2].kind == PARTLIQ_LEG_KIND_DEPOSIT_FOR_PERP_LOSS && legs[2].amount == 33);
  CHECK(untouched(&legs[3], sizeof legs[0]));
  /* Resting orders first. */
  b.positions[0].open_asks = 1;
  CHECK_STATUS(RUN(&b, &pol, 0, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_CANCEL_ORDERS && d.reason == PARTLIQ_REASON_OPEN_ORDERS && d.plan.leg_count == 0);
  /* Bankrupt: 100 units against a 120 borrow (equity −20). */
  lbook k = legs_book();
  balance(&k, 1, 100);
  balance(&k, 0, -120);
  CHECK_STATUS(RUN(&k, &pol, 0, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_TAKEOVER && d.reason == PARTLIQ_REASON_BANKRUPT);
  pol.take_over_bankrupt = 0;
  CHECK_STATUS(RUN(&k, &pol, 0, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_LIQUIDATE && d.reason == PARTLIQ_REASON_INFEASIBLE && d.plan.leg_count == 1 && legs[0].amount == 95);
  /* Nothing left: the borrow of 25 is a deficit. */
  k.balances[0].amount = 0;
  k.balances[1].amount = -25;
  CHECK_STATUS(RUN(&k, &pol, 1, legs, 4, &d), PARTLIQ_STATUS_OK);
  CHECK(d.action == PARTLIQ_ACTION_RESOLVE_DEFICIT && d.reason == PARTLIQ_REASON_BANKRUPT);

  /* Refusals, outputs untouched. */
  b.positions[0].open_asks = 0;
  POISON(legs);
  POISON(d);
  partliq_unified_liquidation_policy bad = pol;
  bad.terms.reserved = 1;
  CHECK_STATUS(RUN(&b, &bad, 0, legs, 4, &d), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  bad = pol;
  bad.objective = 2;
  CHECK_STATUS(RUN(&b, &bad, 0, legs, 4, &d), PARTLIQ_STATUS_INVALID_ENUM);
  bad = pol;
  bad.ordering = 4;
  CHECK_STATUS(RUN(&b, &bad, 0, legs, 4, &d), PARTLIQ_STATUS_INVALID_ENUM);
  bad = pol;
  bad.take_over_bankrupt = 2;
  CHECK_STATUS(RUN(&b, &bad, 0, legs, 4, &d), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(RUN(&b, &pol, 2, legs, 4, &d), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(RUN(&b, &pol, 0, legs, 2, &d), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(RUN(&b, NULL, 0, legs, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUN(&b, &pol, 0, legs, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUN(&b, &pol, 0, NULL, 4, &d), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(RUN(&b, &pol, 0, legs, SIZE_MAX, &d), PARTLIQ_STATUS_BAD_LENGTH);
  UNTOUCHED(legs);
  UNTOUCHED(d);
#undef RUN
}

void test_liquidation(void) {
  test_swap();
  test_perp_reduction();
  test_leg_refusals();
  test_plan();
  test_waterfall();
  test_waterfall_refusals();
  test_socialized_figures();
  test_delisting();
  test_run_liquidation();
}
