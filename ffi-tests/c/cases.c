/* The C runner of the cross-language table: reads ffi-tests/cases/cases.txt
 * (format in gen_cases.py), computes every case through the C ABI and
 * prints one line per case, to be compared byte for byte with
 * ffi-tests/cases/expected.txt (which the Rust core API produces). */
#include "partliq.h"

#include <inttypes.h>
#include <stdalign.h>
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

static void print_uhealth(const partliq_unified_health *h) {
  printf(" %" PRId64, h->equity);
  print_level(&h->initial);
  print_level(&h->liquidation_end);
  print_level(&h->maintenance);
  printf(" %" PRIu64 " %" PRIu32 " %" PRIu32, h->margin_ratio_ppm, h->state, h->rung);
}

static void print_leg(const partliq_unified_leg *l) {
  printf(" %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRId64, l->kind, l->position_index, l->liability_asset, l->collateral_asset,
         l->amount);
}

static void print_settlement(const partliq_leg_settlement *s) {
  print_leg(&s->leg);
  for (int k = 0; k < 2; k++) {
    const partliq_leg_flow *f = &s->flows[k];
    printf(" %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, f->unit, f->index, f->account, f->liquidator,
           f->counterparty, f->insurance_fund);
  }
  printf(" %" PRId64 " %" PRId64, s->value_liquidated, s->cost_to_account);
  print_uhealth(&s->health_after);
}

/* A unified case's legs, plan, delisting or whole step (`what` 3 to 7). */
#define UBOOK markets, nm, prices, np, funding, nf, risk, nr, assets, na, asset_prices, nq, balances, nb, positions, nu
static partliq_status run_legs(char **c, int64_t what, uint32_t pool, size_t legs_len, const partliq_margin_ladder *ladder,
                               const partliq_market *markets, size_t nm, const int64_t *prices, size_t np, const int64_t *funding, size_t nf,
                               const partliq_perp_risk *risk, size_t nr, const partliq_asset *assets, size_t na, const int64_t *asset_prices,
                               size_t nq, const partliq_asset_balance *balances, size_t nb, const partliq_perp_position *positions, size_t nu) {
  static partliq_asset_liquidation_fees fees[MAX_ITEMS];
  static partliq_unified_leg legs[MAX_ITEMS];
  static partliq_perp_position after[MAX_ITEMS];
  static partliq_position_settlement settled[MAX_ITEMS];
  partliq_status st;
  if (legs_len > MAX_ITEMS) exit(2);
  if (what == 6) {
    expect(c, "D");
    uint32_t market = (uint32_t)next_int(c);
    partliq_delisting_policy policy;
    memset(&policy, 0, sizeof policy);
    policy.settlement_price = next_int(c);
    policy.fee_ppm = (uint32_t)next_int(c);
    partliq_pool_delisting d;
    memset(after, 0, sizeof after);
    memset(settled, 0, sizeof settled);
    st = partliq_settle_delisted(UBOOK, pool, market, &policy, ladder, nu == 0 ? NULL : after, nu, legs_len == 0 ? NULL : settled, legs_len, &d);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64, d.settled, d.outcome, d.deficit.kind, d.deficit.index,
             d.deficit.amount, d.shortfall);
      print_uhealth(&d.health_after);
      for (uint32_t k = 0; k < d.settled; k++)
        printf(" | %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, settled[k].position_index,
               settled[k].closed_size, settled[k].cash, settled[k].funding, settled[k].fee, settled[k].quote_delta, settled[k].new_quote_balance);
    }
    return st;
  }
  size_t ng = list_len(c, "G", MAX_ITEMS);
  for (size_t i = 0; i < ng; i++) {
    fees[i].liquidator_bonus_ppm = (uint32_t)next_int(c);
    fees[i].insurance_fee_ppm = (uint32_t)next_int(c);
  }
  partliq_leg_terms terms;
  memset(&terms, 0, sizeof terms);
  expect(c, "T");
  terms.target.kind = (uint32_t)next_int(c);
  terms.target.buffer_ppm = (uint32_t)next_int(c);
  terms.perp_band_ppm = (uint32_t)next_int(c);
  const partliq_asset_liquidation_fees *fp = ng == 0 ? NULL : fees;
  if (what == 7) {
    expect(c, "O");
    partliq_unified_liquidation_policy policy;
    memset(&policy, 0, sizeof policy);
    policy.terms = terms;
    policy.objective = (uint32_t)next_int(c);
    policy.ordering = (uint32_t)next_int(c);
    policy.take_over_bankrupt = (uint32_t)next_int(c);
    uint32_t in_liquidation = (uint32_t)next_int(c);
    partliq_unified_decision d;
    memset(legs, 0, sizeof legs);
    st = partliq_run_unified_liquidation(UBOOK, pool, fp, ng, &policy, NULL, 0, NULL, 0, in_liquidation, legs_len == 0 ? NULL : legs,
                                         legs_len, &d);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64, d.action, d.reason, d.plan.status, d.plan.leg_count,
             d.plan.value_liquidated, d.plan.cost_to_account);
      print_uhealth(&d.plan.health_after);
      for (uint32_t k = 0; k < d.plan.leg_count; k++) {
        printf(" |");
        print_leg(&legs[k]);
      }
    }
    return st;
  }
  if (what == 5) {
    expect(c, "O");
    uint32_t objective = (uint32_t)next_int(c), ordering = (uint32_t)next_int(c);
    partliq_unified_plan p;
    memset(legs, 0, sizeof legs);
    st = partliq_unified_plan_liquidation(UBOOK, pool, fp, ng, &terms, objective, ordering, NULL, 0, NULL, 0, legs_len == 0 ? NULL : legs,
                                          legs_len, &p);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      printf(" %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64, p.status, p.leg_count, p.value_liquidated, p.cost_to_account);
      print_uhealth(&p.health_after);
      for (uint32_t k = 0; k < p.leg_count; k++) {
        printf(" |");
        print_leg(&legs[k]);
      }
    }
    return st;
  }
  expect(c, "K");
  partliq_unified_leg leg;
  memset(&leg, 0, sizeof leg);
  leg.kind = (uint32_t)next_int(c);
  leg.position_index = (uint32_t)next_int(c);
  leg.liability_asset = (uint32_t)next_int(c);
  leg.collateral_asset = (uint32_t)next_int(c);
  leg.amount = next_int(c);
  if (what == 3) {
    partliq_leg_settlement s;
    st = partliq_unified_settle_leg(UBOOK, pool, fp, ng, &terms, &leg, &s);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) print_settlement(&s);
    return st;
  }
  partliq_leg_sizing z;
  st = partliq_unified_size_leg(UBOOK, pool, fp, ng, &terms, &leg, &z);
  printf(" %" PRIu32, st);
  if (st == PARTLIQ_STATUS_OK) {
    printf(" %" PRIu32 " %" PRIu32 " %" PRId64, z.status, z.has_settlement, z.max_amount);
    print_leg(&z.leg);
    if (z.has_settlement) {
      printf(" |");
      print_settlement(&z.settlement);
    }
  }
  return st;
}

/* An i128 figure's two words. */
#define WORDS(x) printf(" %" PRId64 " %" PRIu64, (x##_hi), (x##_lo))

static void print_lending_health(const partliq_lending_account_health *h) {
  WORDS(h->total_collateral_base);
  WORDS(h->total_debt_base);
  WORDS(h->health_factor);
  printf(" %u", (unsigned)h->liquidatable);
}

/* A lending case (`what` 8 to 11, format in gen_cases.py). */
static partliq_status run_lending(char **c, int64_t what, const partliq_market *markets, size_t nm, const int64_t *prices, size_t np,
                                  const int64_t *funding, size_t nf, const partliq_perp_risk *risk, size_t nr, const partliq_asset *assets,
                                  size_t na, const int64_t *asset_prices, size_t nq, const partliq_asset_balance *balances, size_t nb,
                                  const partliq_perp_position *positions, size_t nu) {
  static partliq_lending_terms terms[MAX_ITEMS];
  static partliq_asset_flow flows[PARTLIQ_MAX_LENDING_FLOWS];
  partliq_status st;
  size_t nt = list_len(c, "H", MAX_ITEMS);
  for (size_t i = 0; i < nt; i++) {
    memset(&terms[i], 0, sizeof terms[i]);
    terms[i].liquidation_threshold_ppm = (uint32_t)next_int(c);
    terms[i].liquidation_bonus_ppm = (uint32_t)next_int(c);
    terms[i].protocol_fee_ppm = (uint32_t)next_int(c);
    terms[i].collateral_enabled = (uint8_t)next_int(c);
    terms[i].base_exponent = (int32_t)next_int(c);
  }
  const partliq_lending_terms *tp = nt == 0 ? NULL : terms;
  if (what == 11) {
    if (nt == 0) exit(2);
    st = partliq_lending_terms_validate(&terms[0]);
    printf(" %" PRIu32, st);
    return st;
  }
  if (what == 8) {
    partliq_lending_account_health h;
    st = partliq_lending_health(UBOOK, tp, nt, &h);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) print_lending_health(&h);
    return st;
  }
  expect(c, "Z");
  uint32_t collateral = (uint32_t)next_int(c), debt = (uint32_t)next_int(c);
  int64_t amount = next_int(c);
  if (what == 10) {
    partliq_debt_to_cover q;
    st = partliq_least_debt_to_cover(UBOOK, tp, nt, collateral, debt, (uint32_t)amount, &q);
    printf(" %" PRIu32, st);
    if (st == PARTLIQ_STATUS_OK) {
      WORDS(q.debt_to_cover);
      WORDS(q.max_liquidatable_debt);
      WORDS(q.health_factor_after);
      printf(" %u %u", (unsigned)q.restores, (unsigned)q.exact);
    }
    return st;
  }
  partliq_lending_liquidation l;
  memset(flows, 0, sizeof flows);
  st = partliq_plan_lending_liquidation(UBOOK, tp, nt, collateral, debt, amount, flows, PARTLIQ_MAX_LENDING_FLOWS, &l);
  printf(" %" PRIu32, st);
  if (st == PARTLIQ_STATUS_OK) {
    printf(" %" PRIu32 " %" PRIu32, l.collateral_asset, l.debt_asset);
    print_lending_health(&l.before);
    print_lending_health(&l.after);
    WORDS(l.max_liquidatable_debt);
    WORDS(l.debt_repaid);
    WORDS(l.collateral_seized);
    WORDS(l.collateral_to_liquidator);
    WORDS(l.protocol_fee);
    WORDS(l.deficit_base);
    printf(" %" PRIu32 " %" PRIu32 " %" PRIu32, l.close_factor_rule, l.dust, l.flow_count);
    for (uint32_t k = 0; k < l.flow_count; k++) {
      printf(" | %" PRIu32, flows[k].asset_index);
      WORDS(flows[k].account);
      WORDS(flows[k].liquidator);
      WORDS(flows[k].protocol);
      WORDS(flows[k].deficit);
    }
  }
  return st;
}
#undef WORDS

/* A waterfall case (format in gen_cases.py). */
static partliq_status run_waterfall(char **c) {
  static int64_t payers[MAX_ITEMS], asset_prices[MAX_ITEMS];
  static partliq_asset assets[MAX_ITEMS];
  static partliq_ledger_entry ledger[PARTLIQ_MAX_LEDGER_ENTRIES];
  partliq_deficit d;
  memset(&d, 0, sizeof d);
  expect(c, "D");
  d.kind = (uint32_t)next_int(c);
  d.index = (uint32_t)next_int(c);
  d.amount = next_int(c);
  partliq_waterfall_policy policy;
  memset(&policy, 0, sizeof policy);
  size_t n = list_len(c, "W", PARTLIQ_MAX_WATERFALL_STEPS);
  for (size_t i = 0; i < n; i++) policy.steps[i] = (uint32_t)next_int(c);
  policy.step_count = (uint32_t)n;
  policy.fund_scope = (uint32_t)next_int(c);
  expect(c, "F");
  int64_t balance = next_int(c), floor = next_int(c);
  expect(c, "K");
  int64_t cap = next_int(c), deposit_index = next_int(c);
  size_t ny = list_len(c, "Y", MAX_ITEMS);
  for (size_t i = 0; i < ny; i++) payers[i] = next_int(c);
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
  expect(c, "N");
  size_t ledger_len = (size_t)next_int(c);
  if (ledger_len > PARTLIQ_MAX_LEDGER_ENTRIES) exit(2);
  partliq_insurance_fund fund;
  partliq_status st = partliq_insurance_fund_new(balance, floor, &fund);
  partliq_waterfall_outcome o;
  memset(ledger, 0, sizeof ledger);
  if (st == PARTLIQ_STATUS_OK)
    st = partliq_resolve_deficit(na == 0 ? NULL : assets, na, nq == 0 ? NULL : asset_prices, nq, &d, &policy, &fund, NULL, 0, NULL, 0, cap,
                                 ny == 0 ? NULL : payers, ny, deposit_index, ledger_len == 0 ? NULL : ledger, ledger_len, &o);
  printf(" %" PRIu32, st);
  if (st == PARTLIQ_STATUS_OK) {
    printf(" %" PRIu32, o.step_count);
    for (uint32_t k = 0; k < o.step_count; k++) printf(" %" PRIu32 " %" PRId64, o.steps[k].step, o.steps[k].absorbed);
    const partliq_insurance_fund *f = &o.fund_after;
    printf(" %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, o.fund_market, o.fund_paid,
           o.adl_residual, f->balance, f->floor, f->initial, f->total_credits, f->total_debits);
    const partliq_socialization *x = &o.socialization;
    printf(" %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, x->kind,
           x->open_interest, x->delta, x->charged, x->deposits, x->old_index, x->new_index, x->deposits_after, x->surplus);
    printf(" %" PRIu32, o.ledger_len);
    for (uint32_t k = 0; k < o.ledger_len; k++) {
      const partliq_ledger_entry *e = &ledger[k];
      printf(" | %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRId64, e->from.kind, e->from.index, e->to.kind,
             e->to.index, e->unit.kind, e->unit.index, e->amount);
    }
  }
  return st;
}

/* A socialized-loss or haircut figure. */
static partliq_status run_social(char **c) {
  int64_t which = next_int(c), a = next_int(c), b = next_int(c), x = next_int(c), v = 0;
  partliq_status st = which == 0   ? partliq_socialized_delta(a, b, &v)
                      : which == 1 ? partliq_socialized_charge(a, b, &v)
                      : which == 2 ? partliq_haircut_index(a, b, x, &v)
                                   : partliq_haircut_balance(a, b, x, &v);
  printf(" %" PRIu32, st);
  if (st == PARTLIQ_STATUS_OK) printf(" %" PRId64, v);
  return st;
}
#undef UBOOK

/* A unified case (format in gen_cases.py): the book's markets and prices
 * are the case's; the rest is in its arguments. */
/* A unified scan (`what` 12): A n <first_balance balance_count
 * first_position position_count>*n  S start_account start_pool hits_len. */
static partliq_status run_uscan(char **c, const partliq_margin_ladder *ladder, const partliq_market *markets, size_t nm, const int64_t *prices,
                                size_t np, const int64_t *funding, size_t nf, const partliq_perp_risk *risk, size_t nr,
                                const partliq_asset *assets, size_t na, const int64_t *asset_prices, size_t nq,
                                const partliq_asset_balance *balances, size_t nb, const partliq_perp_position *positions, size_t nu) {
  static partliq_unified_scan_account as[MAX_ITEMS];
  static partliq_unified_scan_hit hits[MAX_ITEMS];
  size_t n = list_len(c, "A", MAX_ITEMS);
  for (size_t i = 0; i < n; i++) {
    as[i].first_balance = (uint32_t)next_int(c);
    as[i].balance_count = (uint32_t)next_int(c);
    as[i].first_position = (uint32_t)next_int(c);
    as[i].position_count = (uint32_t)next_int(c);
  }
  expect(c, "S");
  uint64_t start_account = (uint64_t)next_int(c), start_pool = (uint64_t)next_int(c);
  size_t hits_len = (size_t)next_int(c);
  if (hits_len > MAX_ITEMS) exit(2);
  partliq_unified_scan_outcome o;
  partliq_status st = partliq_unified_scan(markets, nm, prices, np, funding, nf, risk, nr, assets, na, asset_prices, nq, balances, nb, positions,
                                           nu, as, n, start_account, start_pool, ladder, hits, hits_len, &o);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return st;
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32, o.count, o.next_account, o.next_pool,
         o.resume_account, o.resume_pool, o.exact_checks, o.end, o.error);
  for (uint64_t k = 0; k < o.count; k++) {
    printf(" | %" PRIu64 " %" PRIu64, hits[k].account_index, hits[k].pool_index);
    print_uhealth(&hits[k].health);
  }
  return st;
}

/* A query's answer: count, next, total, each entry after a `|`. */
static void print_uanswer(const partliq_index_query *q, const partliq_unified_index_entry *out) {
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64, q->count, q->next, q->total);
  for (uint64_t k = 0; k < q->count; k++) printf(" | %" PRIu32 " %" PRIu32 " %" PRIu32, out[k].key, out[k].account, out[k].pool);
}

static alignas(PARTLIQ_UNIFIED_INDEX_ALIGN) unsigned char uindex_mem[64 + 36 * MAX_ITEMS];

/* A unified index case (`what` 13, format in gen_cases.py): every call
 * through the C ABI; the first failing call's status ends the case. */
static partliq_status run_uindex(char **c, const partliq_margin_ladder *ladder, const partliq_market *markets, size_t nm, const int64_t *prices,
                                 size_t np, const int64_t *funding, size_t nf, const partliq_perp_risk *risk, size_t nr,
                                 const partliq_asset *assets, size_t na, const int64_t *asset_prices, size_t nq,
                                 partliq_asset_balance *balances, size_t nb, const partliq_perp_position *positions, size_t nu) {
  static partliq_unified_scan_account as[MAX_ITEMS];
  static partliq_unified_scan_hit hits[MAX_ITEMS];
  static partliq_unified_index_entry cands[MAX_ITEMS], crossed[3][MAX_ITEMS], after[MAX_ITEMS];
  static uint64_t counts[MAX_ITEMS];
  static int64_t now[MAX_ITEMS], now_assets[MAX_ITEMS];
  size_t n = list_len(c, "A", MAX_ITEMS);
  for (size_t i = 0; i < n; i++) {
    as[i].first_balance = (uint32_t)next_int(c);
    as[i].balance_count = (uint32_t)next_int(c);
    as[i].first_position = (uint32_t)next_int(c);
    as[i].position_count = (uint32_t)next_int(c);
  }
  expect(c, "I");
  size_t capacity = (size_t)next_int(c), start = (size_t)next_int(c), out_len = (size_t)next_int(c), hits_len = (size_t)next_int(c);
  size_t nn = list_len(c, "N", MAX_ITEMS);
  for (size_t i = 0; i < nn; i++) now[i] = next_int(c);
  size_t nw = list_len(c, "W", MAX_ITEMS);
  for (size_t i = 0; i < nw; i++) now_assets[i] = next_int(c);
  expect(c, "K");
  uint32_t from = (uint32_t)next_int(c), to = (uint32_t)next_int(c);
  expect(c, "E");
  uint32_t rekey = (uint32_t)next_int(c);
  size_t balance = (size_t)next_int(c);
  int64_t delta = next_int(c);
  uint32_t remove = (uint32_t)next_int(c);
  size_t len = partliq_unified_index_size(capacity);
  if (len > sizeof uindex_mem || out_len > MAX_ITEMS || hits_len > MAX_ITEMS) exit(2);
#define UREF markets, nm, prices, np, funding, nf, risk, nr, assets, na, asset_prices, nq, balances, nb, positions, nu, as, n, ladder
  partliq_status st = partliq_unified_index_init(uindex_mem, len, capacity);
  for (size_t a = 0; a < n && st == PARTLIQ_STATUS_OK; a++)
    st = partliq_unified_index_insert_account(uindex_mem, len, (uint32_t)a, UREF, &counts[a]);
  partliq_unified_index_stats info, info_after;
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_info(uindex_mem, len, &info);
  partliq_price_move mv;
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_price_move(prices, np, now, nn, asset_prices, nq, now_assets, nw, &mv);
  partliq_index_query q, qx[3], qa;
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_candidates(uindex_mem, len, &mv, start, cands, out_len, &q);
  for (uint32_t side = 0; side < 3 && st == PARTLIQ_STATUS_OK; side++)
    st = partliq_unified_index_crossed(uindex_mem, len, side, from, to, start, crossed[side], out_len, &qx[side]);
  partliq_scan_outcome o;
  if (st == PARTLIQ_STATUS_OK)
    st = partliq_unified_confirm(markets, nm, now, nn, funding, nf, risk, nr, assets, na, now_assets, nw, balances, nb, positions, nu, as, n,
                                 cands, (size_t)q.count, 0, ladder, hits, hits_len, &o);
  if (balance < nb) balances[balance].amount += delta;
  uint64_t removed = 0, inserted = 0, gone = 0;
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_rekey_account(uindex_mem, len, rekey, UREF, &removed, &inserted);
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_remove_account(uindex_mem, len, remove, &gone);
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_info(uindex_mem, len, &info_after);
  if (st == PARTLIQ_STATUS_OK) st = partliq_unified_index_candidates(uindex_mem, len, &mv, 0, after, out_len, &qa);
#undef UREF
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return st;
  for (size_t a = 0; a < n; a++) printf(" %" PRIu64, counts[a]);
  printf(" ; %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, info.capacity, info.down, info.up, info.both);
  printf(" ; %" PRIu32 " %" PRIu32 " ;", mv.down_ppm, mv.up_ppm);
  print_uanswer(&q, cands);
  for (int side = 0; side < 3; side++) {
    printf(" ;");
    print_uanswer(&qx[side], crossed[side]);
  }
  printf(" ; %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32, o.count, o.next, o.exact_checks, o.end, o.error);
  for (uint64_t k = 0; k < o.count; k++) {
    printf(" | %" PRIu64 " %" PRIu64, hits[k].account_index, hits[k].pool_index);
    print_uhealth(&hits[k].health);
  }
  printf(" ; %" PRIu64 " %" PRIu64 " %" PRIu64 " ; %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " ;", removed, inserted, gone,
         info_after.capacity, info_after.down, info_after.up, info_after.both);
  print_uanswer(&qa, after);
  return st;
}

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
  if (what == 12) {
    st = run_uscan(c, &ladder, UBOOK);
  } else if (what == 13) {
    st = run_uindex(c, &ladder, UBOOK);
  } else if (what >= 8) {
    st = run_lending(c, what, UBOOK);
  } else if (what >= 3) {
    st = run_legs(c, what, pool, legs_len, &ladder, UBOOK);
  } else if (what == 0 || what == 1) {
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

/* The hot path's accounts: n <collateral first count>*n. */
static size_t read_accounts(char **c, partliq_scan_account *as) {
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) {
    as[i].collateral = next_int(c);
    as[i].first_position = (uint32_t)next_int(c);
    as[i].position_count = (uint32_t)next_int(c);
  }
  return n;
}

static alignas(16) unsigned char table_mem[64 + 1480 * MAX_ITEMS];

static void run_scan(char **c, const partliq_market *ms, size_t nm, const int64_t *ps, size_t np, const partliq_position *pos, size_t ns) {
  static partliq_scan_account as[MAX_ITEMS];
  static partliq_scan_hit hits[MAX_ITEMS];
  size_t buf = (size_t)next_int(c), start = (size_t)next_int(c);
  size_t na = read_accounts(c, as);
  size_t len = partliq_scanner_size(nm);
  partliq_status st = partliq_scanner_init(table_mem, len, ms, nm, ps, np);
  partliq_scan_outcome o;
  if (st == PARTLIQ_STATUS_OK) st = partliq_scanner_scan(table_mem, len, ms, nm, ps, np, as, na, pos, ns, start, hits, buf, &o);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32, o.count, o.next, o.exact_checks, o.end, o.error);
  for (uint64_t k = 0; k < o.count; k++) {
    printf(" | %" PRIu64, hits[k].account_index);
    print_health(&hits[k].health);
  }
}

static void run_index(char **c, const partliq_market *ms, size_t nm, const int64_t *ps, size_t np, const partliq_position *pos, size_t ns) {
  static partliq_scan_account as[MAX_ITEMS];
  static partliq_index_entry out[MAX_ITEMS];
  static uint64_t counts[MAX_ITEMS];
  uint32_t market = (uint32_t)next_int(c);
  size_t capacity = (size_t)next_int(c);
  int64_t price = next_int(c);
  size_t start = (size_t)next_int(c), out_len = (size_t)next_int(c);
  size_t na = read_accounts(c, as);
  size_t len = partliq_index_size(capacity);
  partliq_status st = partliq_index_init(table_mem, len, market, capacity);
  for (size_t a = 0; a < na && st == PARTLIQ_STATUS_OK; a++) {
    st = partliq_index_insert_account(table_mem, len, (uint32_t)a, as, na, pos, ns, ms, nm, ps, np, ps, np, &counts[a]);
  }
  partliq_index_query q;
  if (st == PARTLIQ_STATUS_OK) st = partliq_index_candidates(table_mem, len, market, price, start, out, out_len, &q);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t a = 0; a < na; a++) printf(" %" PRIu64, counts[a]);
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64, q.count, q.next, q.total);
  for (uint64_t k = 0; k < q.count; k++) printf(" | %" PRId64 " %" PRIu32 " %" PRIu32, out[k].key, out[k].account, out[k].position);
}

static void run_priority(char **c) {
  static partliq_priority_item items[MAX_ITEMS];
  static uint32_t idx[MAX_ITEMS];
  uint32_t order = (uint32_t)next_int(c);
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) {
    items[i].equity = next_int(c);
    items[i].maintenance = next_int(c);
    items[i].notional = next_int(c);
    items[i].oracle_price = next_int(c);
    items[i].fillable_price = next_int(c);
    idx[i] = (uint32_t)i;
  }
  partliq_status st = partliq_sort_by_priority(items, n, order, idx, n);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t i = 0; i < n; i++) printf(" %" PRIu32, idx[i]);
}

static void run_dydx(char **c) {
  int64_t v[15];
  for (int i = 0; i < 15; i++) v[i] = next_int(c);
  partliq_dydx_position p;
  memset(&p, 0, sizeof p);
  p.atomic_resolution = (int32_t)v[0];
  p.open_interest = v[1];
  p.liquidity_tier.initial_margin_ppm = (uint32_t)v[2];
  p.liquidity_tier.maintenance_fraction_ppm = (uint32_t)v[3];
  p.liquidity_tier.open_interest_lower_cap = (uint64_t)v[4];
  p.liquidity_tier.open_interest_upper_cap = (uint64_t)v[5];
  p.price = (uint64_t)v[6];
  p.price_exponent = (int32_t)v[7];
  p.quantums = v[8];
  p.quote_balance = v[9];
  partliq_dydx_liquidation_config cfg;
  partliq_dydx_liquidation_config_code_default(&cfg);
  partliq_dydx_clob_pair clob = {(uint64_t)v[12], (uint32_t)v[13], (int32_t)v[14]};
  partliq_dydx_risk r;
  partliq_dydx_rational price;
  uint64_t subticks = 0;
  partliq_status st = partliq_dydx_subaccount_risk(v[10], &p, 1, &r);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_fillable_price(&p, &r, v[11], &cfg, &price);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_fillable_price_to_subticks(&price, v[8] > 0 ? 1 : 0, &clob, &subticks);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  printf(" %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRId64 " %" PRIu64 " %" PRIu64, r.mmr, r.imr, r.nc, price.num.hi,
         price.num.lo, price.den.hi, price.den.lo, subticks);
}

/* A plan as the table prints it, each leg after `sep`. */
static void print_plan(const partliq_plan *p, const partliq_plan_leg *legs, const char *sep) {
  printf(" %" PRIu32 " %" PRIu32, p->status, p->leg_count);
  print_health(&p->health_before);
  print_health(&p->health_after);
  printf(" %" PRId64 " %" PRId64 " %u", p->required_equity_after, p->shortfall, (unsigned)p->dust_closed);
  for (uint32_t k = 0; k < p->leg_count; k++)
    printf("%s%" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, sep, legs[k].position_index, legs[k].size_delta, legs[k].limit_price,
           legs[k].expected_cash, legs[k].expected_fee);
}

static size_t read_batch_accounts(char **c, partliq_batch_account *as) {
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) {
    as[i].collateral = next_int(c);
    as[i].first_position = (uint32_t)next_int(c);
    as[i].position_count = (uint32_t)next_int(c);
  }
  return n;
}

/* An account's part of a batch's line: ` | ` between accounts, then its status. */
static void batch_part(size_t i, partliq_status st) {
  printf(i == 0 ? " %" PRIu32 : " | %" PRIu32, st);
}

static void run_hbatch(char **c, const partliq_market *ms, size_t nm, const int64_t *ps, size_t np, const partliq_position *pos, size_t ns) {
  static partliq_batch_account as[MAX_ITEMS];
  static partliq_health out[MAX_ITEMS];
  static partliq_status sts[MAX_ITEMS];
  size_t na = read_batch_accounts(c, as);
  partliq_status st = partliq_pool_health_batch(ms, nm, ps, np, as, na, pos, ns, out, sts, na);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t i = 0; i < na; i++) {
    batch_part(i, sts[i]);
    if (sts[i] == PARTLIQ_STATUS_OK) print_health(&out[i]);
  }
}

static void run_pbatch(char **c, const partliq_market *ms, size_t nm, const int64_t *ps, size_t np, const partliq_position *pos, size_t ns) {
  static partliq_batch_account as[MAX_ITEMS];
  static partliq_plan plans[MAX_ITEMS];
  static partliq_plan_leg legs[MAX_ITEMS * 4];
  static partliq_status sts[MAX_ITEMS];
  partliq_plan_params params;
  memset(&params, 0, sizeof params);
  params.target.kind = (uint32_t)next_int(c);
  params.target.buffer_ppm = (uint32_t)next_int(c);
  params.price_band_ppm = (uint32_t)next_int(c);
  params.order = (uint32_t)next_int(c);
  size_t per = (size_t)next_int(c);
  size_t na = read_batch_accounts(c, as);
  partliq_status st = partliq_plan_liquidation_batch(ms, nm, ps, np, as, na, pos, ns, &params, legs, na * per, per, plans, sts, na);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t i = 0; i < na; i++) {
    batch_part(i, sts[i]);
    if (sts[i] == PARTLIQ_STATUS_OK) print_plan(&plans[i], &legs[i * per], " / ");
  }
}

static void run_dbatch(char **c) {
  static partliq_batch_dydx_position ps[MAX_ITEMS];
  static partliq_batch_account as[MAX_ITEMS];
  static partliq_batch_dydx_risk out[MAX_ITEMS];
  static partliq_status sts[MAX_ITEMS];
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) {
    memset(&ps[i], 0, sizeof ps[i]);
    ps[i].atomic_resolution = (int32_t)next_int(c);
    ps[i].open_interest = next_int(c);
    ps[i].initial_margin_ppm = (uint32_t)next_int(c);
    ps[i].maintenance_fraction_ppm = (uint32_t)next_int(c);
    ps[i].open_interest_lower_cap = (uint64_t)next_int(c);
    ps[i].open_interest_upper_cap = (uint64_t)next_int(c);
    ps[i].price = (uint64_t)next_int(c);
    ps[i].price_exponent = (int32_t)next_int(c);
    ps[i].quantums = next_int(c);
    ps[i].quote_balance = next_int(c);
  }
  size_t na = read_batch_accounts(c, as);
  partliq_status st = partliq_dydx_subaccount_risk_batch(as, na, ps, n, out, sts, na);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t i = 0; i < na; i++) {
    batch_part(i, sts[i]);
    if (sts[i] == PARTLIQ_STATUS_OK) printf(" %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu32, out[i].mmr, out[i].imr, out[i].nc, out[i].liquidatable);
  }
}

/* An i128 as the table prints it: hi (signed) and lo (unsigned). */
static void print_words(partliq_i128 v) { printf(" %" PRId64 " %" PRIu64, v.hi, v.lo); }

/* 10^27 + 10^9 × v as ABI words (v ≥ 0): 10^27 = 54,210,108 × 2^64 +
 * 11,515,845,246,265,065,472; 10^9 × v in two 64-bit words from v's 32-bit
 * halves (each product below 2^62), then the sum with its carries. */
static partliq_i128 ray_plus(int64_t v) {
  const uint64_t e9 = 1000000000u, u = (uint64_t)v;
  uint64_t lo_prod = (u & 0xffffffffu) * e9, hi_prod = (u >> 32) * e9;
  uint64_t lo = lo_prod + (hi_prod << 32);
  uint64_t hi = (hi_prod >> 32) + (lo < lo_prod ? 1u : 0u);
  partliq_i128 r;
  r.lo = 11515845246265065472u + lo;
  r.hi = (int64_t)(54210108u + hi + (r.lo < lo ? 1u : 0u));
  return r;
}

static partliq_i128 wide(int64_t v) {
  partliq_i128 r;
  r.lo = (uint64_t)v;
  r.hi = v < 0 ? -1 : 0;
  return r;
}

/* An Aave v3 case (format in gen_cases.py). */
static void run_aave(char **c) {
  static partliq_aave_reserve rs[MAX_ITEMS];
  static partliq_aave_user_reserve us[MAX_ITEMS], after[MAX_ITEMS];
  static partliq_i128 deficits[MAX_ITEMS];
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) {
    memset(&rs[i], 0, sizeof rs[i]);
    memset(&us[i], 0, sizeof us[i]);
    rs[i].price = wide(next_int(c));
    rs[i].decimals = (uint32_t)next_int(c);
    rs[i].liquidation_threshold = (uint32_t)next_int(c);
    rs[i].liquidation_bonus = (uint32_t)next_int(c);
    rs[i].liquidation_protocol_fee = (uint32_t)next_int(c);
    rs[i].liquidity_index = ray_plus(next_int(c));
    rs[i].variable_borrow_index = ray_plus(next_int(c));
    us[i].scaled_collateral = wide(next_int(c));
    us[i].scaled_debt = wide(next_int(c));
    us[i].use_as_collateral = (uint32_t)next_int(c);
  }
  partliq_aave_call call;
  memset(&call, 0, sizeof call);
  call.collateral_index = (uint32_t)next_int(c);
  call.debt_index = (uint32_t)next_int(c);
  call.debt_to_cover = wide(next_int(c));
  call.receive_a_token = (uint32_t)next_int(c);
  partliq_aave_account a;
  partliq_aave_max_debt cf;
  partliq_aave_collateral_quote q;
  partliq_aave_liquidation l;
  partliq_status st = partliq_aave_account_data(rs, n, us, n, &a);
  if (st == PARTLIQ_STATUS_OK) st = partliq_aave_close_factor(rs, n, us, n, call.collateral_index, call.debt_index, &cf);
  if (st == PARTLIQ_STATUS_OK) {
    const partliq_aave_reserve *col = &rs[call.collateral_index];
    st = partliq_aave_collateral_for_debt(col, &rs[call.debt_index], &call.debt_to_cover, &cf.reserve_collateral, col->liquidation_bonus, &q);
  }
  if (st == PARTLIQ_STATUS_OK) st = partliq_aave_liquidation_call(rs, n, us, n, &call, after, n, deficits, n, &l);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  print_words(a.total_collateral_base);
  print_words(a.total_debt_base);
  print_words(a.avg_liquidation_threshold);
  print_words(a.health_factor);
  print_words(cf.max_liquidatable_debt);
  print_words(cf.reserve_debt);
  print_words(cf.reserve_debt_base);
  print_words(cf.reserve_collateral);
  print_words(cf.reserve_collateral_base);
  printf(" %" PRIu32, cf.rule);
  print_words(q.collateral_to_liquidator);
  print_words(q.debt_repaid);
  print_words(q.protocol_fee);
  print_words(q.bonus_collateral);
  print_words(q.base_collateral);
  printf(" %" PRIu32, q.capped_by_balance);
  print_words(l.debt_repaid);
  print_words(l.collateral_to_liquidator);
  print_words(l.protocol_fee);
  print_words(l.deficit);
  printf(" %" PRIu32 " %" PRIu32, l.dust, l.bad_debt_reserves);
  for (size_t i = 0; i < n; i++) {
    printf(" |");
    print_words(after[i].scaled_collateral);
    print_words(after[i].scaled_debt);
    print_words(deficits[i]);
  }
}

/* A dydxmore case (format in gen_cases.py). */
static void run_dydx_more(char **c) {
  int64_t v[25];
  for (int i = 0; i < 25; i++) v[i] = next_int(c);
  static uint32_t ids[MAX_ITEMS];
  size_t n = (size_t)next_int(c);
  for (size_t i = 0; i < n; i++) ids[i] = (uint32_t)next_int(c);
  partliq_dydx_position p;
  memset(&p, 0, sizeof p);
  p.atomic_resolution = (int32_t)v[0];
  p.open_interest = v[1];
  p.liquidity_tier.initial_margin_ppm = (uint32_t)v[2];
  p.liquidity_tier.maintenance_fraction_ppm = (uint32_t)v[3];
  p.liquidity_tier.open_interest_lower_cap = (uint64_t)v[4];
  p.liquidity_tier.open_interest_upper_cap = (uint64_t)v[5];
  p.price = (uint64_t)v[6];
  p.price_exponent = (int32_t)v[7];
  p.quantums = v[8];
  p.quote_balance = v[9];
  partliq_dydx_liquidation_config cfg;
  if (v[14] == 1) {
    partliq_dydx_liquidation_config_mainnet_genesis(&cfg);
  } else {
    partliq_dydx_liquidation_config_code_default(&cfg);
  }
  partliq_dydx_clob_pair clob = {(uint64_t)v[15], (uint32_t)v[16], (int32_t)v[17]};
  partliq_dydx_fill fill = {(uint64_t)v[18], (uint64_t)v[19], (uint32_t)v[20], 0};
  uint32_t imf = 0;
  partliq_dydx_risk own, total;
  int64_t bankruptcy = 0, fund = 0, size = 0;
  partliq_dydx_notional_limits lim;
  partliq_dydx_block_left left;
  const uint32_t *ip = n == 0 ? NULL : ids;
  partliq_status st = partliq_dydx_adjusted_initial_margin_ppm(&p.liquidity_tier, v[13], &imf);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_position_risk(&p, (uint32_t)v[11], &own);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_subaccount_risk(v[10], &p, 1, &total);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_bankruptcy_price_quote_quantums(&p, &total, v[12], &bankruptcy);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_insurance_fund_delta(&p, &total, &clob, (uint32_t)v[21], &fill, &fund);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_position_notional_limits(&p, &cfg, &lim);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_subaccount_block_left(&cfg, ip, n, (uint64_t)v[22], (uint64_t)v[23], (uint32_t)v[24], &left);
  if (st == PARTLIQ_STATUS_OK) st = partliq_dydx_liquidatable_size_delta(&p, &clob, &cfg, ip, n, (uint64_t)v[22], (uint64_t)v[23], &size);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  printf(" %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, imf, own.mmr, own.imr, own.nc, total.mmr, total.imr,
         total.nc);
  printf(" %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, bankruptcy, fund, lim.min, lim.max, left.notional,
         left.insurance_lost, size);
}

static alignas(16) unsigned char index_mem[4096];

/* An index maintenance case (format in gen_cases.py): the index in
 * index_mem, the scanner that confirms in table_mem. */
static void run_ixmaint(char **c, const partliq_market *ms, size_t nm, const int64_t *ps, size_t np, const partliq_position *pos, size_t ns) {
  static partliq_scan_account as[MAX_ITEMS];
  static partliq_index_entry out[MAX_ITEMS];
  static partliq_scan_hit hits[MAX_ITEMS];
  static uint64_t counts[MAX_ITEMS];
  uint32_t market = (uint32_t)next_int(c);
  size_t capacity = (size_t)next_int(c);
  int64_t from = next_int(c), to = next_int(c);
  size_t start = (size_t)next_int(c), out_len = (size_t)next_int(c);
  uint32_t rekey = (uint32_t)next_int(c);
  int64_t delta = next_int(c);
  uint32_t remove = (uint32_t)next_int(c);
  size_t hits_len = (size_t)next_int(c);
  size_t na = read_accounts(c, as);
  size_t ilen = partliq_index_size(capacity);
  if (ilen > sizeof index_mem || out_len > MAX_ITEMS || hits_len > MAX_ITEMS) exit(2);
  partliq_status st = partliq_index_init(index_mem, ilen, market, capacity);
  for (size_t a = 0; a < na && st == PARTLIQ_STATUS_OK; a++)
    st = partliq_index_insert_account(index_mem, ilen, (uint32_t)a, as, na, pos, ns, ms, nm, ps, np, ps, np, &counts[a]);
  if (rekey < na) as[rekey].collateral += delta;
  uint64_t removed = 0, inserted = 0, gone = 0;
  if (st == PARTLIQ_STATUS_OK)
    st = partliq_index_rekey_account(index_mem, ilen, rekey, as, na, pos, ns, ms, nm, ps, np, ps, np, &removed, &inserted);
  if (st == PARTLIQ_STATUS_OK) st = partliq_index_remove_account(index_mem, ilen, remove, &gone);
  partliq_index_stats info;
  if (st == PARTLIQ_STATUS_OK) st = partliq_index_info(index_mem, ilen, &info);
  partliq_index_query q;
  if (st == PARTLIQ_STATUS_OK) st = partliq_index_crossed(index_mem, ilen, market, from, to, start, out, out_len, &q);
  size_t slen = partliq_scanner_size(nm);
  if (st == PARTLIQ_STATUS_OK) st = partliq_scanner_init(table_mem, slen, ms, nm, ps, np);
  partliq_scan_outcome o;
  if (st == PARTLIQ_STATUS_OK)
    st = partliq_scanner_confirm(table_mem, slen, ms, nm, ps, np, out, (size_t)q.count, as, na, pos, ns, 0, hits, hits_len, &o);
  printf(" %" PRIu32, st);
  if (st != PARTLIQ_STATUS_OK) return;
  for (size_t a = 0; a < na; a++) printf(" %" PRIu64, counts[a]);
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, removed, inserted, gone, info.longs, info.shorts);
  printf(" %" PRIu64 " %" PRIu64 " %" PRIu64, q.count, q.next, q.total);
  for (uint64_t k = 0; k < q.count; k++) printf(" | %" PRId64 " %" PRIu32 " %" PRIu32, out[k].key, out[k].account, out[k].position);
  printf(" ; %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32, o.count, o.next, o.exact_checks, o.end, o.error);
  for (uint64_t k = 0; k < o.count; k++) {
    printf(" | %" PRIu64, hits[k].account_index);
    print_health(&hits[k].health);
  }
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
    if (st == PARTLIQ_STATUS_OK) print_plan(&p, legs, " | ");
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
  } else if (strcmp(op, "waterfall") == 0) {
    run_waterfall(&c);
  } else if (strcmp(op, "social") == 0) {
    run_social(&c);
  } else if (strcmp(op, "scan") == 0) {
    run_scan(&c, markets, nm, prices, np, positions, ns);
  } else if (strcmp(op, "index") == 0) {
    run_index(&c, markets, nm, prices, np, positions, ns);
  } else if (strcmp(op, "priority") == 0) {
    run_priority(&c);
  } else if (strcmp(op, "dydx") == 0) {
    run_dydx(&c);
  } else if (strcmp(op, "hbatch") == 0) {
    run_hbatch(&c, markets, nm, prices, np, positions, ns);
  } else if (strcmp(op, "pbatch") == 0) {
    run_pbatch(&c, markets, nm, prices, np, positions, ns);
  } else if (strcmp(op, "dbatch") == 0) {
    run_dbatch(&c);
  } else if (strcmp(op, "aave") == 0) {
    run_aave(&c);
  } else if (strcmp(op, "dydxmore") == 0) {
    run_dydx_more(&c);
  } else if (strcmp(op, "ixmaint") == 0) {
    run_ixmaint(&c, markets, nm, prices, np, positions, ns);
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
