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
