/* The C runner of the cross-language table: reads ffi-tests/cases/cases.txt
 * (format in gen_cases.py), computes every case through the C ABI and
 * prints one line per case, to be compared byte for byte with
 * ffi-tests/cases/expected.txt (which the Rust core API produces). */
#include "partliq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 64

static char *next_token(char **cursor) {
  char *s = *cursor;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  if (*s == '\0') {
    fprintf(stderr, "cases: unexpected end of line\n");
    exit(2);
  }
  char *start = s;
  while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') s++;
  if (*s != '\0') *s++ = '\0';
  *cursor = s;
  return start;
}

static int64_t next_int(char **cursor) {
  char *end = NULL;
  const char *t = next_token(cursor);
  long long v = strtoll(t, &end, 10);
  if (end == t || *end != '\0') {
    fprintf(stderr, "cases: not an integer: %s\n", t);
    exit(2);
  }
  return (int64_t)v;
}

static void expect(char **cursor, const char *tag) {
  const char *t = next_token(cursor);
  if (strcmp(t, tag) != 0) {
    fprintf(stderr, "cases: expected %s, got %s\n", tag, t);
    exit(2);
  }
}

static void print_health(const partliq_health *h) {
  printf(" %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu32, h->equity, h->initial_requirement,
         h->maintenance_requirement, h->free_collateral, h->margin_ratio_ppm, h->state);
}

/* A list of `n` rows after its tag: the count, checked against the room. */
static size_t list_len(char **c, const char *tag, size_t room) {
  expect(c, tag);
  int64_t n = next_int(c);
  if (n < 0 || (uint64_t)n > room) {
    fprintf(stderr, "cases: %s: %" PRId64 " rows, room for %zu\n", tag, n, room);
    exit(2);
  }
  return (size_t)n;
}

static void print_level(const partliq_level_figures *l) { printf(" %" PRId64 " %" PRId64, l->collateral, l->requirement); }

/* A unified case (format in gen_cases.py): the book's markets and prices
 * are the case's; the rest is in its arguments. */
static partliq_status run_unified(char **c, const partliq_market *markets, size_t nm, const int64_t *prices, size_t np) {
  static int64_t funding[MAX_ITEMS], asset_prices[MAX_ITEMS];
  static partliq_perp_risk risk[MAX_ITEMS];
  static partliq_asset assets[MAX_ITEMS];
  static partliq_asset_balance balances[2 * MAX_ITEMS];
  static partliq_perp_position positions[MAX_ITEMS];
  static partliq_plan_leg legs[MAX_ITEMS];
  size_t nf = list_len(c, "F", MAX_ITEMS);
  for (size_t i = 0; i < nf; i++) funding[i] = next_int(c);
  size_t nr = list_len(c, "R", MAX_ITEMS);
  for (size_t i = 0; i < nr; i++) {
    risk[i].imf_factor_ppm = (uint32_t)next_int(c);
    risk[i].initial_upnl_weight_ppm = (uint32_t)next_int(c);
    risk[i].imf_unit = next_int(c);
  }
  size_t na = list_len(c, "X", MAX_ITEMS);
  for (size_t i = 0; i < na; i++) {
    partliq_asset *a = &assets[i];
    memset(a, 0, sizeof *a);
    a->id = (uint32_t)next_int(c);
    a->quote_exponent = (int32_t)next_int(c);
    a->initial_asset_weight_ppm = (uint32_t)next_int(c);
    a->maintenance_asset_weight_ppm = (uint32_t)next_int(c);
    a->initial_liability_weight_ppm = (uint32_t)next_int(c);
    a->maintenance_liability_weight_ppm = (uint32_t)next_int(c);
    a->imf_factor_ppm = (uint32_t)next_int(c);
    a->imf_unit = next_int(c);
  }
  size_t nq = list_len(c, "Q", MAX_ITEMS);
  for (size_t i = 0; i < nq; i++) asset_prices[i] = next_int(c);
  size_t nb = list_len(c, "B", 2 * MAX_ITEMS);
  for (size_t i = 0; i < nb; i++) {
    balances[i].asset_index = (uint32_t)next_int(c);
    balances[i].reserved = 0;
    balances[i].amount = next_int(c);
  }
  size_t nu = list_len(c, "U", MAX_ITEMS);
  for (size_t i = 0; i < nu; i++) {
    partliq_perp_position *p = &positions[i];
    p->market_index = (uint32_t)next_int(c);
    p->margin = (uint32_t)next_int(c);
    p->size = next_int(c);
    p->quote_balance = next_int(c);
    p->last_funding_index = next_int(c);
    p->open_bids = next_int(c);
    p->open_asks = next_int(c);
  }
  uint32_t pool = (uint32_t)next_int(c);
  int64_t what = next_int(c);
  size_t legs_len = (size_t)next_int(c);
  partliq_margin_ladder ladder;
  expect(c, "L");
  ladder.warning_ppm = (uint32_t)next_int(c);
  ladder.reduce_only_ppm = (uint32_t)next_int(c);
  ladder.liquidation_ppm = (uint32_t)next_int(c);
  ladder.backstop_ppm = (uint32_t)next_int(c);
#define UBOOK markets, nm, prices, np, funding, nf, risk, nr, assets, na, asset_prices, nq, balances, nb, positions, nu
  partliq_status st;
  if (what == 0 || what == 1) {
    partliq_unified_health h;
    size_t pools = 0;
    st = what == 0 ? partliq_unified_pool_health(UBOOK, pool, &ladder, &h) : partliq_unified_account_health(UBOOK, &ladder, &h);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      partliq_status pc = partliq_unified_pool_count(positions, nu, &pools);
      if (pc != PARTLIQ_STATUS_OK) {
        fprintf(stderr, "cases: pool count failed: %" PRIu32 "\n", pc);
        exit(2);
      }
      printf(" %zu %" PRId64, pools, h.equity);
      print_level(&h.initial);
      print_level(&h.liquidation_end);
      print_level(&h.maintenance);
      printf(" %" PRIu64 " %" PRIu32 " %" PRIu32, h.margin_ratio_ppm, h.state, h.rung);
    }
  } else {
    partliq_policy policy;
    partliq_account_liquidation_state state;
    partliq_decision d;
    memset(&state, 0, sizeof state);
    memset(legs, 0, sizeof legs); /* initialised memory, any values: only written */
    if (partliq_policy_default(&policy) != PARTLIQ_STATUS_OK || legs_len > MAX_ITEMS) exit(2);
    st = partliq_run_unified_pipeline(UBOOK, pool, &policy, &state, NULL, 0, 0, 0, legs_len == 0 ? NULL : legs, legs_len, &d);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32, d.action, d.reason, d.plan.status, d.plan.leg_count);
      print_health(&d.plan.health_before);
      print_health(&d.plan.health_after);
      printf(" %" PRId64 " %" PRId64, d.plan.required_equity_after, d.plan.shortfall);
      for (uint32_t k = 0; k < d.plan.leg_count; k++)
        printf(" | %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, legs[k].position_index, legs[k].size_delta, legs[k].limit_price,
               legs[k].expected_cash, legs[k].expected_fee);
    }
  }
#undef UBOOK
  return st;
}

static void run_case(char *line) {
  static partliq_market markets[MAX_ITEMS];
  static int64_t prices[MAX_ITEMS];
  static partliq_position positions[MAX_ITEMS];
  char *c = line;
  const char *name = next_token(&c);
  const char *op = next_token(&c);
  expect(&c, "M");
  size_t nm = (size_t)next_int(&c);
  for (size_t i = 0; i < nm; i++) {
    partliq_market m;
    memset(&m, 0, sizeof m);
    m.id = (uint32_t)next_int(&c);
    m.quote_exponent = (int32_t)next_int(&c);
    m.lot_step = next_int(&c);
    m.tick = next_int(&c);
    m.liquidation_fee_ppm = (uint32_t)next_int(&c);
    m.liquidator_fee_share_ppm = (uint32_t)next_int(&c);
    m.dust_floor = next_int(&c);
    m.tier_count = (uint32_t)next_int(&c);
    for (uint32_t k = 0; k < m.tier_count; k++) {
      m.tiers[k].notional_floor = next_int(&c);
      m.tiers[k].initial_ppm = (uint32_t)next_int(&c);
      m.tiers[k].maintenance_ppm = (uint32_t)next_int(&c);
    }
    markets[i] = m;
  }
  expect(&c, "P");
  size_t np = (size_t)next_int(&c);
  for (size_t i = 0; i < np; i++) prices[i] = next_int(&c);
  expect(&c, "C");
  int64_t collateral = next_int(&c);
  expect(&c, "S");
  size_t ns = (size_t)next_int(&c);
  for (size_t i = 0; i < ns; i++) {
    positions[i].market_index = (uint32_t)next_int(&c);
    positions[i].reserved = 0;
    positions[i].size = next_int(&c);
    positions[i].quote_balance = next_int(&c);
  }
  expect(&c, "A");

#define POOL markets, nm, prices, np, collateral, positions, ns
  partliq_status st;
  printf("%s", name);
  if (strcmp(op, "validate") == 0) {
    st = partliq_market_validate(&markets[next_int(&c)]);
    printf(" %" PRIu32, st);
  } else if (strcmp(op, "health") == 0 || strcmp(op, "account") == 0) {
    partliq_health h;
    st = strcmp(op, "health") == 0 ? partliq_pool_health(POOL, &h) : partliq_account_health(POOL, (uint32_t)next_int(&c), &h);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) print_health(&h);
  } else if (strcmp(op, "close") == 0) {
    partliq_close_request req;
    memset(&req, 0, sizeof req);
    req.position_index = (uint32_t)next_int(&c);
    req.execution_price = next_int(&c);
    req.target.kind = (uint32_t)next_int(&c);
    req.target.buffer_ppm = (uint32_t)next_int(&c);
    partliq_close_sizing s;
    st = partliq_minimal_close(POOL, &req, &s);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %u %u %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, s.status, (unsigned)s.dust_closed, (unsigned)s.exhaustive,
             s.size_delta, s.execution_price, s.expected_cash, s.expected_fee);
      print_health(&s.health_after);
      printf(" %" PRId64 " %" PRId64, s.required_equity_after, s.shortfall);
    }
  } else if (strcmp(op, "plan") == 0) {
    partliq_plan_params params;
    memset(&params, 0, sizeof params);
    params.target.kind = (uint32_t)next_int(&c);
    params.target.buffer_ppm = (uint32_t)next_int(&c);
    params.price_band_ppm = (uint32_t)next_int(&c);
    params.order = (uint32_t)next_int(&c);
    size_t legs_len = (size_t)next_int(&c);
    partliq_plan_leg legs[MAX_ITEMS];
    memset(legs, 0, sizeof legs); /* initialised memory, any values: only written */
    partliq_plan p;
    st = partliq_plan_liquidation(POOL, &params, legs, legs_len, &p);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRIu32, p.status, p.leg_count);
      print_health(&p.health_before);
      print_health(&p.health_after);
      printf(" %" PRId64 " %" PRId64 " %u", p.required_equity_after, p.shortfall, (unsigned)p.dust_closed);
      for (uint32_t k = 0; k < p.leg_count; k++)
        printf(" | %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, legs[k].position_index, legs[k].size_delta, legs[k].limit_price,
               legs[k].expected_cash, legs[k].expected_fee);
    }
  } else if (strcmp(op, "bankrupt") == 0) {
    uint32_t i = (uint32_t)next_int(&c);
    int64_t d = next_int(&c);
    partliq_bankruptcy b;
    st = partliq_bankruptcy_price(POOL, i, d, &b);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) printf(" %" PRId64 " %" PRId64, b.quote, b.price);
  } else if (strcmp(op, "limit") == 0) {
    uint32_t i = (uint32_t)next_int(&c);
    uint32_t band = (uint32_t)next_int(&c);
    int64_t price;
    st = partliq_limit_price(POOL, i, band, &price);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) printf(" %" PRId64, price);
  } else if (strcmp(op, "liqprice") == 0) {
    partliq_liquidation_price lp;
    st = partliq_estimated_liquidation_price(POOL, (uint32_t)next_int(&c), &lp);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) printf(" %" PRIu32 " %" PRId64, lp.kind, lp.price);
  } else if (strcmp(op, "settle") == 0) {
    partliq_fill f;
    memset(&f, 0, sizeof f);
    f.position_index = (uint32_t)next_int(&c);
    f.size_delta = next_int(&c);
    f.price = next_int(&c);
    partliq_settlement s;
    st = partliq_settle_fill(POOL, &f, &s);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
             " %" PRId64 " %" PRId64,
             s.new_position.market_index, s.new_position.size, s.new_position.quote_balance, s.fill_cash, s.bankruptcy_quote, s.nominal_fee,
             s.fee, s.fee_to_liquidator, s.fee_to_insurance, s.bad_debt, s.insurance_fund_delta, s.position_quote_delta);
      print_health(&s.health_after);
    }
  } else if (strcmp(op, "unified") == 0) {
    run_unified(&c, markets, nm, prices, np);
  } else {
    fprintf(stderr, "cases: unknown op %s\n", op);
    exit(2);
  }
#undef POOL
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s cases.txt\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  static char line[16384];
  while (fgets(line, sizeof line, f) != NULL) {
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\0') continue;
    run_case(line);
  }
  fclose(f);
  return 0;
}
