/* The shared-state objects from several pthreads at once, through the C ABI:
 * a bounded number of iterations, invariants asserted by every thread and at
 * the end.
 *
 *  - market parameters: one writer publishes market k as version k (every
 *    field derived from k), three readers check that each snapshot is whole
 *    (no torn read: every field agrees with the version) and that versions
 *    never go back;
 *  - liquidation capacity: four reservers reserve, commit part, release
 *    the rest; no snapshot ever shows more than the budget used, and at the
 *    end the window's usage is exactly the sum of the commits;
 *  - insurance fund: four threads credit and debit (whole and up-to); no
 *    balance a debit reports is below the floor, refused debits change
 *    nothing, and at the end the ledger is exact and equals the threads'
 *    own totals.
 *
 * Built plain, with ASan+UBSan, and with TSan (the Rust library itself is
 * not instrumented: TSan checks the C side and the happens-before edges of
 * thread creation and join). */
#include "partliq.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ITERATIONS
#define ITERATIONS 200000
#endif

static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

#define REQUIRE(cond)                                                                 \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      pthread_mutex_lock(&fail_lock);                                                 \
      failures++;                                                                     \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);   \
      pthread_mutex_unlock(&fail_lock);                                               \
    }                                                                                 \
  } while (0)

static uint64_t next_rand(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* ------------------------------------------------------------------------ */
/* Market parameters. */

static uint64_t params_mem[(4 + 4 * 39) + 8];
static size_t params_len;

/* Market number k: every field a function of k, always valid. */
static partliq_market market_k(uint64_t k) {
  partliq_market m;
  memset(&m, 0, sizeof m);
  m.id = (uint32_t)k;
  m.quote_exponent = (int32_t)(k % 7) - 3;
  m.lot_step = (int64_t)k;
  m.tick = (int64_t)(2 * k);
  m.tier_count = 1 + (uint32_t)(k % 4);
  for (uint32_t t = 0; t < m.tier_count; t++) {
    m.tiers[t].notional_floor = (int64_t)(t * 1000 * k);
    m.tiers[t].initial_ppm = 100000 + t * 1000;
    m.tiers[t].maintenance_ppm = 50000 + t * 1000;
  }
  m.liquidation_fee_ppm = (uint32_t)(k % 1000);
  m.liquidator_fee_share_ppm = (uint32_t)(k % 999);
  m.dust_floor = (int64_t)(3 * k);
  return m;
}

static void *params_writer(void *arg) {
  (void)arg;
  for (uint64_t k = 2; k <= ITERATIONS / 4; k++) {
    partliq_market m = market_k(k);
    uint64_t v = 0;
    partliq_status s;
    while ((s = partliq_market_params_publish(params_mem, params_len, &m, &v)) == PARTLIQ_STATUS_NO_FREE_SLOT) {
    }
    REQUIRE(s == PARTLIQ_STATUS_OK);
    REQUIRE(v == k);
  }
  return NULL;
}

static void *params_reader(void *arg) {
  (void)arg;
  uint64_t last = 0;
  for (int i = 0; i < ITERATIONS; i++) {
    partliq_market m;
    uint64_t v = 0;
    REQUIRE(partliq_market_params_read(params_mem, params_len, &m, &v) == PARTLIQ_STATUS_OK);
    partliq_market want = market_k(v);
    REQUIRE(memcmp(&m, &want, sizeof m) == 0); /* whole: no torn read */
    REQUIRE(v >= last);                         /* never back */
    last = v;
  }
  return NULL;
}

static void run_params(void) {
  pthread_t w, r[3];
  partliq_market m = market_k(1);
  params_len = partliq_market_params_size(4);
  REQUIRE(params_len > 0 && params_len <= sizeof params_mem);
  REQUIRE(partliq_market_params_init(params_mem, params_len, 4, &m) == PARTLIQ_STATUS_OK);
  pthread_create(&w, NULL, params_writer, NULL);
  for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, params_reader, NULL);
  pthread_join(w, NULL);
  for (int i = 0; i < 3; i++) pthread_join(r[i], NULL);
  /* A second publisher at once is refused, never interleaved: try from the
   * main thread now that the writer is done (it must succeed). */
  m = market_k(ITERATIONS / 4 + 1);
  uint64_t v = 0;
  REQUIRE(partliq_market_params_publish(params_mem, params_len, &m, &v) == PARTLIQ_STATUS_OK);
  REQUIRE(v == ITERATIONS / 4 + 1);
}

/* ------------------------------------------------------------------------ */
/* Liquidation capacity. */

#define BUDGET 100000
#define RESERVERS 4
static uint64_t cap_mem[3 + 7 + 5 * 8];
static size_t cap_len;
static uint64_t committed[RESERVERS];

static void *reserver(void *arg) {
  int id = (int)(intptr_t)arg;
  uint64_t seed = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(id + 1);
  for (int i = 0; i < ITERATIONS / 4; i++) {
    partliq_capacity_reservation r;
    uint64_t amount = 1 + next_rand(&seed) % 50;
    partliq_status s = partliq_capacity_reserve(cap_mem, cap_len, 0, amount, 5, 1, (uint32_t)(i & 1), &r);
    if (s == PARTLIQ_STATUS_OK) {
      REQUIRE(r.amount >= 1 && r.amount <= amount);
      uint64_t w = 0, b = 0;
      REQUIRE(partliq_capacity_used(cap_mem, cap_len, 0, 5, 1, &w, &b) == PARTLIQ_STATUS_OK);
      REQUIRE(w <= BUDGET); /* never over-spent */
      uint64_t fill = next_rand(&seed) % (r.amount + 1);
      if (fill > 0) {
        REQUIRE(partliq_capacity_commit(cap_mem, cap_len, r.handle, r.amount + 1) == PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION);
        REQUIRE(partliq_capacity_commit(cap_mem, cap_len, r.handle, fill) == PARTLIQ_STATUS_OK);
        committed[id] += fill;
      } else {
        REQUIRE(partliq_capacity_release(cap_mem, cap_len, r.handle) == PARTLIQ_STATUS_OK);
      }
      REQUIRE(partliq_capacity_release(cap_mem, cap_len, r.handle) == PARTLIQ_STATUS_UNKNOWN_RESERVATION);
    } else {
      REQUIRE(s == PARTLIQ_STATUS_CAPACITY_EXHAUSTED || s == PARTLIQ_STATUS_RESERVATION_TABLE_FULL);
    }
    uint64_t a = 0;
    REQUIRE(partliq_capacity_available(cap_mem, cap_len, 0, 5, 1, &a) == PARTLIQ_STATUS_OK);
    REQUIRE(a <= BUDGET);
  }
  return NULL;
}

static void run_capacity(void) {
  partliq_capacity_limits l;
  pthread_t t[RESERVERS];
  l.window_len = 1000;
  l.window_budget = BUDGET;
  l.block_budget = PARTLIQ_CAPACITY_UNLIMITED;
  cap_len = partliq_capacity_size(1, 8);
  REQUIRE(cap_len > 0 && cap_len <= sizeof cap_mem);
  REQUIRE(partliq_capacity_init(cap_mem, cap_len, &l, 1, 8) == PARTLIQ_STATUS_OK);
  for (int i = 0; i < RESERVERS; i++) pthread_create(&t[i], NULL, reserver, (void *)(intptr_t)i);
  for (int i = 0; i < RESERVERS; i++) pthread_join(t[i], NULL);
  uint64_t total = 0, w = 0, b = 0;
  for (int i = 0; i < RESERVERS; i++) total += committed[i];
  REQUIRE(partliq_capacity_used(cap_mem, cap_len, 0, 5, 1, &w, &b) == PARTLIQ_STATUS_OK);
  REQUIRE(w == total); /* exact: every reservation ended */
  REQUIRE(w <= BUDGET);
  printf("capacity: %" PRIu64 " of %d committed\n", total, BUDGET);
}

/* ------------------------------------------------------------------------ */
/* Insurance fund. */

#define FLOOR 1000
#define FUNDERS 4
static uint64_t fund_mem[8];
static int64_t credited[FUNDERS], debited[FUNDERS];

static void *funder(void *arg) {
  int id = (int)(intptr_t)arg;
  uint64_t seed = 0xD1B54A32D192ED03ULL ^ (uint64_t)(id + 1);
  const size_t len = partliq_fund_size();
  for (int i = 0; i < ITERATIONS / 4; i++) {
    int64_t amount = (int64_t)(next_rand(&seed) % 100);
    int64_t bal = 0;
    switch (next_rand(&seed) % 3) {
      case 0:
        REQUIRE(partliq_fund_credit(fund_mem, len, amount, &bal) == PARTLIQ_STATUS_OK);
        credited[id] += amount;
        break;
      case 1: {
        partliq_status s = partliq_fund_debit(fund_mem, len, amount, &bal);
        if (s == PARTLIQ_STATUS_OK) {
          debited[id] += amount;
          REQUIRE(bal >= FLOOR); /* never below the floor */
        } else {
          REQUIRE(s == PARTLIQ_STATUS_INSURANCE_FUND_BELOW_FLOOR);
        }
        break;
      }
      default: {
        partliq_partial_debit d;
        REQUIRE(partliq_fund_debit_up_to(fund_mem, len, amount, &d) == PARTLIQ_STATUS_OK);
        REQUIRE(d.debited >= 0 && d.debited <= amount && d.balance >= FLOOR);
        debited[id] += d.debited;
        break;
      }
    }
  }
  return NULL;
}

static void run_fund(void) {
  pthread_t t[FUNDERS];
  partliq_ledger l;
  const size_t len = partliq_fund_size();
  REQUIRE(len <= sizeof fund_mem);
  REQUIRE(partliq_fund_init(fund_mem, len, 2000, FLOOR) == PARTLIQ_STATUS_OK);
  for (int i = 0; i < FUNDERS; i++) pthread_create(&t[i], NULL, funder, (void *)(intptr_t)i);
  for (int i = 0; i < FUNDERS; i++) pthread_join(t[i], NULL);
  int64_t c = 0, d = 0;
  for (int i = 0; i < FUNDERS; i++) {
    c += credited[i];
    d += debited[i];
  }
  REQUIRE(partliq_fund_ledger(fund_mem, len, &l) == PARTLIQ_STATUS_OK);
  REQUIRE(l.credits_hi == 0 && l.debits_hi == 0);
  REQUIRE(l.credits_lo == (uint64_t)c && l.debits_lo == (uint64_t)d); /* the threads' own totals */
  REQUIRE(l.initial + c - d == l.balance);                          /* exact ledger */
  REQUIRE(l.balance >= FLOOR && l.floor == FLOOR);
  printf("fund: +%" PRId64 " -%" PRId64 " = %" PRId64 "\n", c, d, l.balance);
}

int main(void) {
  run_params();
  run_capacity();
  run_fund();
  printf("%s (%d broken invariants)\n", failures == 0 ? "ok" : "FAILED", failures);
  return failures == 0 ? 0 : 1;
}
