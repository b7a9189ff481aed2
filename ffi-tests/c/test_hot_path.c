/* The per-tick hot path through the C ABI: the scanner over caller memory
 * (built, scanned in chunks with resume, stale after a mark or market
 * change), the liquidation-price index (keyed, queried, re-keyed, another
 * market refused), confirmation of its candidates, the cross-account
 * priority order, the unified scan over flat unified accounts (every pool,
 * resumed, malformed accounts and bad ladders reported), the unified move
 * index (keyed at a reference, queried by a price move, confirmed, re-keyed),
 * and the venue replicas' functions (dYdX v4, Aave v3) on
 * hand-computed rows; and every bad input — NULL, misaligned, undersized,
 * not initialised, stale — with the outputs untouched. */
#include "check.h"

#include <stdalign.h>

/* e = 0, 10 % / 5 %: a long of 100 at 100 with quote balance qb has equity
 * 10,000 + qb and maintenance 500. */
static partliq_market hot_market(void) {
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

static partliq_position hot_position(int64_t size, int64_t quote_balance) {
  partliq_position p;
  memset(&p, 0, sizeof p);
  p.size = size;
  p.quote_balance = quote_balance;
  return p;
}

#define N_ACCOUNTS 90

static alignas(16) unsigned char scanner_mem[4096];
static alignas(8) unsigned char index_mem[4096];

static void test_scanner(void) {
  partliq_market ms[1] = {hot_market()};
  int64_t prices[1] = {100};
  partliq_scan_account accounts[N_ACCOUNTS];
  partliq_position positions[N_ACCOUNTS];
  /* Every third account liquidatable (equity 499 < 500), the others healthy
   * (equity 1,000). */
  for (int i = 0; i < N_ACCOUNTS; i++) {
    positions[i] = hot_position(100, i % 3 == 0 ? -9501 : -9000);
    accounts[i].collateral = 0;
    accounts[i].first_position = (uint32_t)i;
    accounts[i].position_count = 1;
  }
  size_t len = partliq_scanner_size(1);
  CHECK(len == 64 + 1480);
  CHECK(partliq_scanner_align() == 16);
  CHECK(partliq_scanner_size(SIZE_MAX) == 0);
  CHECK_STATUS(partliq_scanner_init(scanner_mem, len, ms, 1, prices, 1), PARTLIQ_STATUS_OK);

  /* A buffer of 7 hits: 30 hits in 5 calls, resuming at `next`. */
  partliq_scan_hit hits[7];
  partliq_scan_outcome out;
  size_t start = 0, total = 0, calls = 0;
  int in_order = 1;
  for (;;) {
    CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, start,
                                      hits, 7, &out),
                 PARTLIQ_STATUS_OK);
    calls++;
    for (uint64_t k = 0; k < out.count; k++) {
      in_order &= hits[k].account_index == 3 * (total + k) && hits[k].health.equity == 499 &&
                  hits[k].health.maintenance_requirement == 500 && hits[k].health.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE;
    }
    total += out.count;
    if (out.end == PARTLIQ_SCAN_END_COMPLETE) break;
    CHECK(out.end == PARTLIQ_SCAN_END_BUFFER_FULL && out.count == 7);
    start = (size_t)out.next;
    if (calls > 10) break;
  }
  CHECK(in_order);
  CHECK(total == 30 && calls == 5 && out.next == N_ACCOUNTS);

  /* A failing account is an outcome (status OK), resumable past it. */
  partliq_scan_account bad[2] = {accounts[0], accounts[0]};
  bad[1].position_count = 5;
  bad[1].first_position = N_ACCOUNTS - 1;
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, prices, 1, bad, 2, positions, N_ACCOUNTS, 0, hits, 7, &out),
               PARTLIQ_STATUS_OK);
  CHECK(out.count == 1 && out.next == 1 && out.end == PARTLIQ_SCAN_END_FAILED && out.error == PARTLIQ_STATUS_UNKNOWN_POSITION);

  /* Stale: a new mark, or a changed market. Nothing written. */
  int64_t moved[1] = {99};
  POISON(hits);
  POISON(out);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, moved, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7, &out),
               PARTLIQ_STATUS_STALE_SCAN_TABLE);
  partliq_market changed[1] = {hot_market()};
  changed[0].tiers[0].maintenance_ppm = 60000;
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, changed, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7,
                                    &out),
               PARTLIQ_STATUS_STALE_SCAN_TABLE);
  /* Memory: NULL, misaligned, undersized, not initialised. */
  CHECK_STATUS(partliq_scanner_scan(NULL, len, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7, &out),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem + 8, len, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7,
                                    &out),
               PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len - 1, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7,
                                    &out),
               PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  alignas(16) unsigned char blank[1300];
  memset(blank, 0, sizeof blank);
  CHECK_STATUS(partliq_scanner_scan(blank, sizeof blank, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7,
                                    &out),
               PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, NULL, 7, &out),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, prices, 1, accounts, N_ACCOUNTS, positions, N_ACCOUNTS, 0, hits, 7, NULL),
               PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(hits);
  UNTOUCHED(out);
  CHECK_STATUS(partliq_scanner_init(blank, 100, ms, 1, prices, 1), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_scanner_init(blank + 4, sizeof blank - 4, ms, 1, prices, 1), PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_scanner_init(NULL, 0, ms, 1, prices, 1), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_scanner_init(blank, sizeof blank, NULL, 1, prices, 1), PARTLIQ_STATUS_NULL_POINTER);
  {
    int all_zero = 1;
    for (size_t k = 0; k < sizeof blank; k++) all_zero &= blank[k] == 0;
    CHECK(all_zero);
  }
  /* Rebuilt at the new mark, it scans again: at 99 the equity of a healthy
   * account is 900 ≥ 495 and of the others 399 < 495. */
  CHECK_STATUS(partliq_scanner_init(scanner_mem, len, ms, 1, moved, 1), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, len, ms, 1, moved, 1, accounts, 4, positions, N_ACCOUNTS, 0, hits, 7, &out),
               PARTLIQ_STATUS_OK);
  CHECK(out.count == 2 && hits[0].account_index == 0 && hits[1].account_index == 3 && hits[0].health.equity == 399);
}

static void test_index(void) {
  partliq_market ms[1] = {hot_market()};
  int64_t prices[1] = {100};
  /* Isolated positions: a long keyed 102 (−1 − 9,600 + 95P = 0 → 101.06 →
   * 102), a short keyed 99 (−1 + 10,400 − 105P = 0 → 99.04 → 99), a long
   * keyed 95 (9,001 / 95 = 94.7 → 95). */
  partliq_position ps[3] = {hot_position(100, -9600), hot_position(-100, 10400), hot_position(100, -9000)};
  partliq_scan_account as[3];
  for (int i = 0; i < 3; i++) {
    as[i].collateral = 0;
    as[i].first_position = (uint32_t)i;
    as[i].position_count = 1;
  }
  size_t len = partliq_index_size(4);
  CHECK(len == 64 + 4 * 32);
  CHECK(partliq_index_align() == 8);
  CHECK_STATUS(partliq_index_init(index_mem, len, 0, 4), PARTLIQ_STATUS_OK);
  uint64_t n = 0, removed = 0;
  for (uint32_t a = 0; a < 3; a++) {
    CHECK_STATUS(partliq_index_insert_account(index_mem, len, a, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &n), PARTLIQ_STATUS_OK);
    CHECK(n == 1);
  }
  partliq_index_stats info;
  CHECK_STATUS(partliq_index_info(index_mem, len, &info), PARTLIQ_STATUS_OK);
  CHECK(info.capacity == 4 && info.longs == 2 && info.shorts == 1 && info.market_index == 0);

  /* At 100: the long keyed 102 and the short keyed 99. */
  partliq_index_entry e[4];
  partliq_index_query q;
  CHECK_STATUS(partliq_index_candidates(index_mem, len, 0, 100, 0, e, 4, &q), PARTLIQ_STATUS_OK);
  CHECK(q.count == 2 && q.total == 2 && e[0].key == 102 && e[0].account == 0 && e[1].key == 99 && e[1].account == 1);
  /* A fall 100 → 95 crosses the long keyed 95, one entry at a time. */
  CHECK_STATUS(partliq_index_crossed(index_mem, len, 0, 100, 95, 0, e, 1, &q), PARTLIQ_STATUS_OK);
  CHECK(q.count == 1 && q.next == 1 && q.total == 1 && e[0].key == 95 && e[0].account == 2);

  /* Confirmed with the exact health at 95 (scanner built for 95): account
   * 2's equity 9,500 − 9,000 = 500 ≥ 475: healthy; account 0's −100 <
   * 0: bankrupt. */
  int64_t at95[1] = {95};
  size_t slen = partliq_scanner_size(1);
  CHECK_STATUS(partliq_scanner_init(scanner_mem, slen, ms, 1, at95, 1), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_index_candidates(index_mem, len, 0, 95, 0, e, 4, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 2);
  partliq_scan_hit hits[4];
  partliq_scan_outcome out;
  CHECK_STATUS(partliq_scanner_confirm(scanner_mem, slen, ms, 1, at95, 1, e, (size_t)q.count, as, 3, ps, 3, 0, hits, 4, &out),
               PARTLIQ_STATUS_OK);
  CHECK(out.count == 1 && out.end == PARTLIQ_SCAN_END_COMPLETE && hits[0].account_index == 0 &&
        hits[0].health.state == PARTLIQ_HEALTH_STATE_BANKRUPT && hits[0].health.equity == -100);

  /* Each call checks the positions it reads, and only those: account 1's
   * position with a reserved field set is refused by the calls that read
   * it (inserting, re-keying or confirming account 1, scanning from it)
   * and unseen by the others (account 0's re-key, the same key 102 again;
   * the confirm of accounts 0 and 2; the scan of account 2). */
  ps[1].reserved = 1;
  n = removed = 77;
  CHECK_STATUS(partliq_index_insert_account(index_mem, len, 1, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &n),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(partliq_index_rekey_account(index_mem, len, 1, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &removed, &n),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK(n == 77 && removed == 77);
  CHECK_STATUS(partliq_index_info(index_mem, len, &info), PARTLIQ_STATUS_OK);
  CHECK(info.longs == 2 && info.shorts == 1);
  CHECK_STATUS(partliq_index_rekey_account(index_mem, len, 0, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &removed, &n),
               PARTLIQ_STATUS_OK);
  CHECK(removed == 1 && n == 1);
  CHECK_STATUS(partliq_scanner_confirm(scanner_mem, slen, ms, 1, at95, 1, e, (size_t)q.count, as, 3, ps, 3, 0, hits, 4, &out),
               PARTLIQ_STATUS_OK);
  CHECK(out.count == 1 && hits[0].account_index == 0);
  partliq_index_entry names1[2] = {e[0], {99, 1, 1}};
  POISON(out);
  CHECK_STATUS(partliq_scanner_confirm(scanner_mem, slen, ms, 1, at95, 1, names1, 2, as, 3, ps, 3, 0, hits, 4, &out),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  UNTOUCHED(out);
  /* From entry 1 on: account 1 is read all the same. */
  CHECK_STATUS(partliq_scanner_confirm(scanner_mem, slen, ms, 1, at95, 1, names1, 2, as, 3, ps, 3, 1, hits, 4, &out),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, slen, ms, 1, at95, 1, as, 3, ps, 3, 0, hits, 4, &out),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  UNTOUCHED(out);
  /* Account 2 at 95: equity 500 ≥ MM 475, healthy: nothing. */
  CHECK_STATUS(partliq_scanner_scan(scanner_mem, slen, ms, 1, at95, 1, as, 3, ps, 3, 2, hits, 4, &out), PARTLIQ_STATUS_OK);
  CHECK(out.count == 0 && out.next == 3 && out.end == PARTLIQ_SCAN_END_COMPLETE);
  ps[1].reserved = 0;

  /* Re-keyed after a deposit (qb −9,000: key 95), then removed. */
  ps[0].quote_balance = -9000;
  CHECK_STATUS(partliq_index_rekey_account(index_mem, len, 0, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &removed, &n),
               PARTLIQ_STATUS_OK);
  CHECK(removed == 1 && n == 1);
  CHECK_STATUS(partliq_index_candidates(index_mem, len, 0, 96, 0, e, 4, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 0);
  CHECK_STATUS(partliq_index_remove_account(index_mem, len, 1, &removed), PARTLIQ_STATUS_OK);
  CHECK(removed == 1);

  /* Refusals: another market, NULL, misaligned, undersized, full, unknown
   * account, not initialised; nothing written. */
  POISON(e);
  POISON(q);
  n = 77;
  CHECK_STATUS(partliq_index_candidates(index_mem, len, 1, 100, 0, e, 4, &q), PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
  CHECK_STATUS(partliq_index_crossed(index_mem, len, 9, 100, 90, 0, e, 4, &q), PARTLIQ_STATUS_INDEX_MARKET_MISMATCH);
  CHECK_STATUS(partliq_index_candidates(NULL, len, 0, 100, 0, e, 4, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_index_candidates(index_mem + 4, len, 0, 100, 0, e, 4, &q), PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_index_candidates(index_mem, len - 1, 0, 100, 0, e, 4, &q), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_index_candidates(index_mem, len, 0, 100, 0, NULL, 4, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_index_insert_account(index_mem, len, 7, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &n),
               PARTLIQ_STATUS_UNKNOWN_POSITION);
  UNTOUCHED(e);
  UNTOUCHED(q);
  CHECK(n == 77);
  size_t small = partliq_index_size(1);
  CHECK_STATUS(partliq_index_init(index_mem, small, 0, 1), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_index_insert_account(index_mem, small, 0, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &n), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_index_insert_account(index_mem, small, 2, as, 3, ps, 3, ms, 1, prices, 1, prices, 1, &n),
               PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_index_init(index_mem, small, 0, 0), PARTLIQ_STATUS_OUT_OF_RANGE);
  alignas(8) unsigned char blank[256];
  memset(blank, 0, sizeof blank);
  CHECK_STATUS(partliq_index_info(blank, sizeof blank, &info), PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
}

static void test_priority(void) {
  partliq_priority_item items[5];
  memset(items, 0, sizeof items);
  /* 0: 400/500 = 0.8; 1: no maintenance, equity −5: −∞; 2: 0.8 with more
   * notional than 0; 3: no maintenance, equity 7: +∞; 4: −100/200 = −0.5. */
  items[0].equity = 400, items[0].maintenance = 500, items[0].notional = 1;
  items[1].equity = -5, items[1].notional = 1;
  items[2].equity = 800, items[2].maintenance = 1000, items[2].notional = 9;
  items[3].equity = 7, items[3].notional = 1;
  items[4].equity = -100, items[4].maintenance = 200, items[4].notional = 1;
  uint32_t order[5] = {0, 1, 2, 3, 4};
  CHECK_STATUS(partliq_sort_by_priority(items, 5, PARTLIQ_PRIORITY_ORDER_MARGIN_RATIO, order, 5), PARTLIQ_STATUS_OK);
  CHECK(order[0] == 1 && order[1] == 4 && order[2] == 2 && order[3] == 0 && order[4] == 3);
  /* Oracle distance: |f − o| / o of 5 %, 10 %, 10 % (index decides), 0, 5 % with more notional. */
  int64_t oracle[5] = {100, 1000, 100, 10, 2000}, fill[5] = {95, 900, 110, 10, 1900}, notional[5] = {1, 1, 1, 7, 3};
  for (int i = 0; i < 5; i++) {
    items[i].oracle_price = oracle[i];
    items[i].fillable_price = fill[i];
    items[i].notional = notional[i];
  }
  uint32_t by_distance[5] = {4, 3, 2, 1, 0};
  CHECK_STATUS(partliq_sort_by_priority(items, 5, PARTLIQ_PRIORITY_ORDER_ORACLE_DISTANCE, by_distance, 5), PARTLIQ_STATUS_OK);
  CHECK(by_distance[0] == 1 && by_distance[1] == 2 && by_distance[2] == 4 && by_distance[3] == 0 && by_distance[4] == 3);
  /* Refusals leave the buffer as it was. */
  uint32_t keep[2] = {4, 5};
  CHECK_STATUS(partliq_sort_by_priority(items, 5, 0, keep, 2), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(partliq_sort_by_priority(items, 5, 7, keep, 2), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_sort_by_priority(NULL, 5, 0, keep, 2), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_sort_by_priority(items, 5, 0, NULL, 2), PARTLIQ_STATUS_NULL_POINTER);
  items[0].maintenance = -1;
  keep[0] = 0;
  CHECK_STATUS(partliq_sort_by_priority(items, 5, 0, keep, 1), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK(keep[0] == 0 && keep[1] == 5);
  alignas(4) unsigned char raw[12];
  memset(raw, 0, sizeof raw);
  CHECK_STATUS(partliq_sort_by_priority(items, 5, 0, (uint32_t *)(void *)(raw + 1), 2), PARTLIQ_STATUS_MISALIGNED_POINTER);
}

/* dYdX's BtcUsd_20PercentInitial_10PercentMaintenance at $50,000: a base
 * quantum (1e-8 BTC) is 500 quote quantums. */
static partliq_dydx_position btc(int64_t quantums) {
  partliq_dydx_position p;
  memset(&p, 0, sizeof p);
  p.atomic_resolution = -8;
  p.liquidity_tier.initial_margin_ppm = 200000;
  p.liquidity_tier.maintenance_fraction_ppm = 500000;
  p.price = 5000000000u;
  p.price_exponent = -5;
  p.quantums = quantums;
  return p;
}

static void test_dydx(void) {
  partliq_dydx_position p = btc(10000000);
  partliq_dydx_risk r;
  partliq_dydx_liquidation_config cfg;
  partliq_dydx_clob_pair clob = {5, 5, -8};
  CHECK_STATUS(partliq_dydx_liquidation_config_code_default(&cfg), PARTLIQ_STATUS_OK);
  /* Notional 5e9; IMR 20 % = 1e9; MMR ⌈⌈5e9 × 20 %⌉ × 50 %⌉ = 5e8. */
  CHECK_STATUS(partliq_dydx_position_risk(&p, 0, &r), PARTLIQ_STATUS_OK);
  CHECK(r.mmr == 500000000 && r.imr == 1000000000 && r.nc == 5000000000);
  /* USDC −4,501 dollars: NC 4.99e8; ABR 0.002, spread 1e5, (5e9 − 1e5) / 1e7 = 49,999 / 100. */
  CHECK_STATUS(partliq_dydx_subaccount_risk(-4501000000, &p, 1, &r), PARTLIQ_STATUS_OK);
  CHECK(r.nc == 499000000);
  partliq_dydx_rational price;
  CHECK_STATUS(partliq_dydx_fillable_price(&p, &r, -10000000, &cfg, &price), PARTLIQ_STATUS_OK);
  CHECK(price.num.hi == 0 && price.num.lo == 49999 && price.den.hi == 0 && price.den.lo == 100);
  uint64_t subticks = 0;
  CHECK_STATUS(partliq_dydx_fillable_price_to_subticks(&price, 1, &clob, &subticks), PARTLIQ_STATUS_OK);
  CHECK(subticks == 49999000000u);
  /* USDC −5,100: bankruptcy 5e9 + 1e8; a sell at 56,100,000,000 subticks pays the 0.5 % fee cap. */
  CHECK_STATUS(partliq_dydx_subaccount_risk(-5100000000, &p, 1, &r), PARTLIQ_STATUS_OK);
  int64_t v = 0;
  CHECK_STATUS(partliq_dydx_bankruptcy_price_quote_quantums(&p, &r, -10000000, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 5100000000);
  partliq_dydx_fill fill = {10000000, 56100000000u, 0, 0};
  CHECK_STATUS(partliq_dydx_insurance_fund_delta(&p, &r, &clob, 5000, &fill, &v), PARTLIQ_STATUS_OK);
  CHECK(v == 28050000);
  /* Mainnet genesis: 10 BTC → limits [1e9, 5e10], an order of 1 BTC. */
  CHECK_STATUS(partliq_dydx_liquidation_config_mainnet_genesis(&cfg), PARTLIQ_STATUS_OK);
  partliq_dydx_position big = btc(1000000000);
  partliq_dydx_notional_limits lim;
  CHECK_STATUS(partliq_dydx_position_notional_limits(&big, &cfg, &lim), PARTLIQ_STATUS_OK);
  CHECK(lim.min == 1000000000 && lim.max == 50000000000);
  CHECK_STATUS(partliq_dydx_liquidatable_size_delta(&big, &clob, &cfg, NULL, 0, 0, 0, &v), PARTLIQ_STATUS_OK);
  CHECK(v == -100000000);
  uint32_t done[1] = {0};
  v = 42;
  CHECK_STATUS(partliq_dydx_liquidatable_size_delta(&big, &clob, &cfg, done, 1, 0, 0, &v), PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK);
  CHECK_STATUS(partliq_dydx_liquidatable_size_delta(&big, &clob, &cfg, NULL, 1, 0, 0, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_dydx_bankruptcy_price_quote_quantums(&p, &r, 1, &v), PARTLIQ_STATUS_INVALID_FILL_QUANTITY);
  CHECK_STATUS(partliq_dydx_bankruptcy_price_quote_quantums(NULL, &r, -1, &v), PARTLIQ_STATUS_NULL_POINTER);
  CHECK(v == 42);
  partliq_dydx_liquidity_tier tier = p.liquidity_tier;
  tier.open_interest_lower_cap = 1000000;
  tier.open_interest_upper_cap = 3000000;
  uint32_t imf = 0;
  CHECK_STATUS(partliq_dydx_adjusted_initial_margin_ppm(&tier, 2000000, &imf), PARTLIQ_STATUS_OK);
  CHECK(imf == 600000);
  /* Refused tiers and pointers leave the output alone: a lower cap above
   * the upper (OUT_OF_RANGE), a fraction above 100 %, NULL. */
  imf = 42;
  tier.open_interest_lower_cap = 4000000;
  CHECK_STATUS(partliq_dydx_adjusted_initial_margin_ppm(&tier, 2000000, &imf), PARTLIQ_STATUS_OUT_OF_RANGE);
  tier.open_interest_lower_cap = 1000000;
  tier.initial_margin_ppm = 1000001;
  CHECK_STATUS(partliq_dydx_adjusted_initial_margin_ppm(&tier, 2000000, &imf), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  CHECK_STATUS(partliq_dydx_adjusted_initial_margin_ppm(NULL, 2000000, &imf), PARTLIQ_STATUS_NULL_POINTER);
  CHECK(imf == 42);
  CHECK_STATUS(partliq_dydx_adjusted_initial_margin_ppm(&p.liquidity_tier, 2000000, NULL), PARTLIQ_STATUS_NULL_POINTER);

  /* The subaccount's block limits left under mainnet genesis (1e11 notional,
   * 1e12 insurance lost per block): 4e10 and 1e11 used → 6e10 and 9e11 left
   * for perpetual 0; perpetual 3 already liquidated this block; 2e11 used is
   * beyond the limit. Refusals write nothing. */
  partliq_dydx_block_left left;
  uint32_t liquidated[1] = {3};
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, liquidated, 1, 40000000000u, 100000000000u, 0, &left), PARTLIQ_STATUS_OK);
  CHECK(left.notional == 60000000000 && left.insurance_lost == 900000000000);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, NULL, 0, 0, 0, 0, &left), PARTLIQ_STATUS_OK);
  CHECK(left.notional == 100000000000 && left.insurance_lost == 1000000000000);
  POISON(left);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, liquidated, 1, 0, 0, 3, &left), PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, liquidated, 1, 200000000000u, 0, 0, &left), PARTLIQ_STATUS_BLOCK_LIMIT_EXCEEDED);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, NULL, 1, 0, 0, 0, &left), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(NULL, liquidated, 1, 0, 0, 0, &left), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(left);
  CHECK_STATUS(partliq_dydx_subaccount_block_left(&cfg, liquidated, 1, 0, 0, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
}

static partliq_i128 i128_of(int64_t v) {
  partliq_i128 x;
  x.lo = (uint64_t)v;
  x.hi = v < 0 ? -1 : 0;
  return x;
}

/* 10^27 as hi/lo words: 54,210,108 × 2^64 + 11,515,845,246,265,065,472. */
static partliq_i128 ray(void) {
  partliq_i128 x;
  x.hi = 54210108;
  x.lo = 11515845246265065472u;
  return x;
}

static partliq_aave_reserve aave_reserve(int64_t price, uint32_t decimals) {
  partliq_aave_reserve r;
  memset(&r, 0, sizeof r);
  r.price = i128_of(price);
  r.decimals = decimals;
  r.liquidation_threshold = 8600;
  r.liquidation_bonus = 10500;
  r.liquidation_protocol_fee = 1000;
  r.liquidity_index = ray();
  r.variable_borrow_index = ray();
  return r;
}

static void test_aave(void) {
  const int64_t E6 = 1000000, E8 = 100000000;
  /* Aave's test_partial_liquidate_variable_borrow: USDX $1 (6 decimals),
   * WBTC $20,250 (8), 1 WBTC supplied, 20,500 USDX borrowed, 106 covered. */
  partliq_aave_reserve rs[2] = {aave_reserve(E8, 6), aave_reserve(20250 * E8, 8)};
  partliq_aave_user_reserve us[2];
  memset(us, 0, sizeof us);
  us[0].scaled_debt = i128_of(20500 * E6);
  us[1].scaled_collateral = i128_of(E8);
  us[1].use_as_collateral = 1;
  partliq_aave_account a;
  CHECK_STATUS(partliq_aave_account_data(rs, 2, us, 2, &a), PARTLIQ_STATUS_OK);
  CHECK(a.health_factor.hi == 0 && a.health_factor.lo == 849512195121951219u);
  partliq_aave_call call;
  memset(&call, 0, sizeof call);
  call.collateral_index = 1;
  call.debt_index = 0;
  call.debt_to_cover = i128_of(106 * E6);
  partliq_aave_user_reserve after[2];
  partliq_i128 deficits[2];
  partliq_aave_liquidation l;
  CHECK_STATUS(partliq_aave_liquidation_call(rs, 2, us, 2, &call, after, 2, deficits, 2, &l), PARTLIQ_STATUS_OK);
  /* seized ⌊523,456 × 1.05⌋ = 549,628; fee ⌈2,617.3⌉ = 2,618. */
  CHECK(l.collateral_to_liquidator.lo == 547010 && l.protocol_fee.lo == 2618 && l.debt_repaid.lo == (uint64_t)(106 * E6));
  CHECK(after[1].scaled_collateral.lo == (uint64_t)(E8 - 549628) && after[0].scaled_debt.lo == (uint64_t)(20394 * E6));
  CHECK(l.dust == PARTLIQ_DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM);
  /* The close factor alone: collateral $20,250 and debt $20,500 are both
   * above $2,000, HF 0.8495 ≤ 0.95: the whole reserve debt, 20,500 USDX,
   * worth 20,500 × 10^8 in base units; the collateral 1 WBTC worth 20,250 ×
   * 10^8. The same as the liquidation's. */
  partliq_aave_max_debt cf;
  CHECK_STATUS(partliq_aave_close_factor(rs, 2, us, 2, 1, 0, &cf), PARTLIQ_STATUS_OK);
  CHECK(cf.rule == PARTLIQ_CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD);
  CHECK(cf.max_liquidatable_debt.hi == 0 && cf.max_liquidatable_debt.lo == (uint64_t)(20500 * E6));
  CHECK(cf.reserve_debt.lo == (uint64_t)(20500 * E6) && cf.reserve_debt_base.lo == (uint64_t)(20500 * E8));
  CHECK(cf.reserve_collateral.lo == (uint64_t)E8 && cf.reserve_collateral_base.lo == (uint64_t)(20250 * E8));
  CHECK(memcmp(&cf, &l.close_factor, sizeof cf) == 0);
  /* The collateral quote alone for 106 USDX against the 1 WBTC held, the
   * liquidation's: base ⌊106 × 10^8 / 20,250⌋ = 523,456 sats, 549,628
   * seized; its bonus part 549,628 − ⌊549,628 / 1.05⌋ = 26,173, the fee
   * ⌈26,173 × 10 %⌉ = 2,618, the liquidator 547,010; not capped. */
  partliq_aave_collateral_quote q;
  partliq_i128 cover = i128_of(106 * E6), held = i128_of(E8);
  CHECK_STATUS(partliq_aave_collateral_for_debt(&rs[1], &rs[0], &cover, &held, 10500, &q), PARTLIQ_STATUS_OK);
  CHECK(q.collateral_to_liquidator.lo == 547010 && q.protocol_fee.lo == 2618 && q.debt_repaid.lo == (uint64_t)(106 * E6));
  CHECK(q.base_collateral.lo == 523456 && q.bonus_collateral.lo == 26173 && q.capped_by_balance == 0);
  CHECK(memcmp(&q, &l.quote, sizeof q) == 0);
  /* Only 500,000 sats held: capped, all of it seized; they are worth
   * 500,000 × 20,250 / 10^8 = 101.25 USDX, so the debt repaid is
   * ⌈101,250,000 / 1.05⌉ = 96,428,572; the bonus part 500,000 −
   * ⌊500,000 / 1.05⌋ = 23,810, the fee ⌈2,381.0⌉ = 2,381, the liquidator
   * 497,619. */
  held = i128_of(500000);
  CHECK_STATUS(partliq_aave_collateral_for_debt(&rs[1], &rs[0], &cover, &held, 10500, &q), PARTLIQ_STATUS_OK);
  CHECK(q.capped_by_balance == 1 && q.collateral_to_liquidator.lo == 497619 && q.protocol_fee.lo == 2381);
  CHECK(q.debt_repaid.lo == 96428572 && q.bonus_collateral.lo == 23810);
  /* Refusals write nothing: an unknown reserve index, more reserves than
   * the ABI takes, NULL pointers. */
  POISON(cf);
  POISON(q);
  CHECK_STATUS(partliq_aave_close_factor(rs, 2, us, 2, 2, 0, &cf), PARTLIQ_STATUS_UNKNOWN_MARKET);
  CHECK_STATUS(partliq_aave_close_factor(rs, PARTLIQ_AAVE_MAX_RESERVES + 1, us, 2, 1, 0, &cf), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_aave_close_factor(NULL, 2, us, 2, 1, 0, &cf), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_aave_close_factor(rs, 2, us, 2, 1, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_aave_collateral_for_debt(NULL, &rs[0], &cover, &held, 10500, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_aave_collateral_for_debt(&rs[1], &rs[0], NULL, &held, 10500, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_aave_collateral_for_debt(&rs[1], &rs[0], &cover, &held, 10500, NULL), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(cf);
  UNTOUCHED(q);
  /* Refusals: a short output array, a collateral not enabled; nothing written. */
  POISON(after);
  POISON(l);
  CHECK_STATUS(partliq_aave_liquidation_call(rs, 2, us, 2, &call, after, 1, deficits, 2, &l), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  call.collateral_index = 0;
  CHECK_STATUS(partliq_aave_liquidation_call(rs, 2, us, 2, &call, after, 2, deficits, 2, &l), PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED);
  CHECK_STATUS(partliq_aave_liquidation_call(rs, 2, us, 2, NULL, after, 2, deficits, 2, &l), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(after);
  UNTOUCHED(l);
}

/* The unified scan: 20 accounts over flat arrays, each a deposit of
 * 490 + i quote units at par and a cross long 100 at 100 with quote balance
 * −10,000 (collateral 490 + i against maintenance 500: a hit for i < 10),
 * and every even one an isolated short 1 with quote balance 99 (equity −1:
 * bankrupt). Hits: 10 cross + 10 isolated = 20 over 30 pools. */
#define N_UNIFIED 20

static void test_unified_scan(void) {
  partliq_market ms[1] = {hot_market()};
  int64_t prices[1] = {100};
  partliq_asset par;
  memset(&par, 0, sizeof par);
  par.initial_asset_weight_ppm = par.maintenance_asset_weight_ppm = 1000000;
  par.initial_liability_weight_ppm = par.maintenance_liability_weight_ppm = 1000000;
  par.imf_unit = 1;
  int64_t asset_prices[1] = {1};
  partliq_asset_balance balances[N_UNIFIED];
  partliq_perp_position positions[2 * N_UNIFIED];
  partliq_unified_scan_account accounts[N_UNIFIED];
  uint32_t np = 0;
  memset(positions, 0, sizeof positions);
  for (uint32_t i = 0; i < N_UNIFIED; i++) {
    balances[i].asset_index = 0;
    balances[i].reserved = 0;
    balances[i].amount = 490 + (int64_t)i;
    accounts[i].first_balance = i;
    accounts[i].balance_count = 1;
    accounts[i].first_position = np;
    positions[np].margin = PARTLIQ_POSITION_MARGIN_CROSS;
    positions[np].size = 100;
    positions[np].quote_balance = -10000;
    np++;
    if (i % 2 == 0) {
      positions[np].margin = PARTLIQ_POSITION_MARGIN_ISOLATED;
      positions[np].size = -1;
      positions[np].quote_balance = 99;
      np++;
    }
    accounts[i].position_count = np - accounts[i].first_position;
  }
  partliq_margin_ladder ladder;
  CHECK_STATUS(partliq_margin_ladder_standard(&ladder), PARTLIQ_STATUS_OK);
#define USCAN(acc, n, sa, sp, lad, h, hn, o)                                                                                   \
  partliq_unified_scan(ms, 1, prices, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1, balances, N_UNIFIED, positions, np, acc, \
                       n, sa, sp, lad, h, hn, o)
  /* A buffer of 3: 20 hits in 7 calls, resuming at (resume_account, resume_pool). */
  partliq_unified_scan_hit hits[3];
  partliq_unified_scan_outcome out;
  uint64_t sa = 0, sp = 0;
  int calls = 0, total = 0, cross = 0, isolated = 0;
  for (;;) {
    CHECK_STATUS(USCAN(accounts, N_UNIFIED, sa, sp, &ladder, hits, 3, &out), PARTLIQ_STATUS_OK);
    calls++;
    for (uint64_t k = 0; k < out.count; k++) {
      total++;
      if (hits[k].pool_index == 0) {
        cross++;
        CHECK(hits[k].account_index < 10);
        CHECK(hits[k].health.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE);
        CHECK(hits[k].health.equity == 490 + (int64_t)hits[k].account_index);
        CHECK(hits[k].health.maintenance.requirement == 500);
      } else {
        isolated++;
        CHECK(hits[k].pool_index == 1 && hits[k].account_index % 2 == 0);
        CHECK(hits[k].health.state == PARTLIQ_HEALTH_STATE_BANKRUPT && hits[k].health.equity == -1);
      }
    }
    if (out.end == PARTLIQ_SCAN_END_COMPLETE) break;
    CHECK(out.end == PARTLIQ_SCAN_END_BUFFER_FULL && out.count == 3);
    CHECK(out.resume_account == out.next_account && out.resume_pool == out.next_pool);
    sa = out.resume_account;
    sp = out.resume_pool;
  }
  CHECK(total == 20 && cross == 10 && isolated == 10 && calls == 7);
  CHECK(out.next_account == N_UNIFIED && out.next_pool == 0);
  /* One hit from pool 1 of account 18 on: account 18's isolated pool. */
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 18, 1, &ladder, hits, 3, &out), PARTLIQ_STATUS_OK);
  CHECK(out.count == 1 && hits[0].account_index == 18 && hits[0].pool_index == 1 && out.exact_checks == 2);
  /* A malformed account (balance range past the array) fails in the
   * outcome; resume at the next account. */
  partliq_unified_scan_account bad[2] = {accounts[0], accounts[1]};
  bad[0].first_balance = N_UNIFIED;
  CHECK_STATUS(USCAN(bad, 2, 0, 0, &ladder, hits, 3, &out), PARTLIQ_STATUS_OK);
  CHECK(out.end == PARTLIQ_SCAN_END_FAILED && out.error == PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK(out.next_account == 0 && out.resume_account == 1 && out.resume_pool == 0);
  /* An invalid ladder fails the first pool: resume at its next pool. */
  partliq_margin_ladder wrong = ladder;
  wrong.liquidation_ppm = 1;
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 0, 0, &wrong, hits, 3, &out), PARTLIQ_STATUS_OK);
  CHECK(out.end == PARTLIQ_SCAN_END_FAILED && out.error == PARTLIQ_STATUS_INVALID_MARGIN_LADDER);
  CHECK(out.resume_account == 0 && out.resume_pool == 1);
  /* Past the end: complete, nothing written. */
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 1000, 0, &ladder, hits, 3, &out), PARTLIQ_STATUS_OK);
  CHECK(out.end == PARTLIQ_SCAN_END_COMPLETE && out.count == 0 && out.next_account == 1000);
  /* Refusals: NULLs, bad lengths, a bad margin; nothing written. */
  POISON(out);
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 0, 0, NULL, hits, 3, &out), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 0, 0, &ladder, hits, 3, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 0, 0, &ladder, NULL, 3, &out), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(USCAN(NULL, N_UNIFIED, 0, 0, &ladder, hits, 3, &out), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(USCAN(accounts, SIZE_MAX, 0, 0, &ladder, hits, 3, &out), PARTLIQ_STATUS_BAD_LENGTH);
  positions[0].margin = 7;
  CHECK_STATUS(USCAN(accounts, N_UNIFIED, 0, 0, &ladder, hits, 3, &out), PARTLIQ_STATUS_INVALID_ENUM);
  positions[0].margin = PARTLIQ_POSITION_MARGIN_CROSS;
  UNTOUCHED(out);
#undef USCAN
}

/* The unified move index over the same kind of batch: account i a deposit
 * of 600 + 10·i at par and a cross long 100 at 100 with quote balance
 * −10,000 (maintenance collateral 600 + 10·i + 100·(P − 100) against MM
 * ⌈5·P⌉). On a fall of m ppm the bound takes the value at lo and the MM at
 * the reference (500): safe ⇔ 100·lo ≥ 9,900 − 10·i, with lo = ⌊100 −
 * m / 10,000⌋. Accounts 0–9 need lo ≥ 99 ⇔ m ≤ 10,000: keyed 10,001;
 * accounts 10–19 need lo ≥ 98 ⇔ m ≤ 20,000: keyed 20,001. */
static alignas(8) unsigned char unified_index_mem[4096];

static void test_unified_index(void) {
  partliq_market ms[1] = {hot_market()};
  int64_t reference[1] = {100}, now[1] = {99};
  partliq_asset par;
  memset(&par, 0, sizeof par);
  par.initial_asset_weight_ppm = par.maintenance_asset_weight_ppm = 1000000;
  par.initial_liability_weight_ppm = par.maintenance_liability_weight_ppm = 1000000;
  par.imf_unit = 1;
  int64_t asset_prices[1] = {1};
  partliq_asset_balance balances[N_UNIFIED];
  partliq_perp_position positions[N_UNIFIED];
  partliq_unified_scan_account accounts[N_UNIFIED];
  memset(positions, 0, sizeof positions);
  for (uint32_t i = 0; i < N_UNIFIED; i++) {
    balances[i].asset_index = 0;
    balances[i].reserved = 0;
    balances[i].amount = 600 + 10 * (int64_t)i;
    positions[i].margin = PARTLIQ_POSITION_MARGIN_CROSS;
    positions[i].size = 100;
    positions[i].quote_balance = -10000;
    accounts[i].first_balance = i;
    accounts[i].balance_count = 1;
    accounts[i].first_position = i;
    accounts[i].position_count = 1;
  }
  partliq_margin_ladder ladder;
  CHECK_STATUS(partliq_margin_ladder_standard(&ladder), PARTLIQ_STATUS_OK);
  void *mem = unified_index_mem;
  size_t len = partliq_unified_index_size(N_UNIFIED);
  CHECK(len == 64 + 36 * N_UNIFIED && len <= sizeof unified_index_mem && partliq_unified_index_align() == 8);
  CHECK_STATUS(partliq_unified_index_init(mem, len, N_UNIFIED), PARTLIQ_STATUS_OK);
#define UINSERT(m, l, a, lad, o)                                                                                           \
  partliq_unified_index_insert_account(m, l, a, ms, 1, reference, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1, balances, \
                                       N_UNIFIED, positions, N_UNIFIED, accounts, N_UNIFIED, lad, o)
  uint64_t n = 0;
  for (uint32_t i = 0; i < N_UNIFIED; i++) {
    CHECK_STATUS(UINSERT(mem, len, i, &ladder, &n), PARTLIQ_STATUS_OK);
    CHECK(n == 1);
  }
  partliq_unified_index_stats st;
  CHECK_STATUS(partliq_unified_index_info(mem, len, &st), PARTLIQ_STATUS_OK);
  CHECK(st.capacity == N_UNIFIED && st.down == N_UNIFIED && st.up == N_UNIFIED && st.both == N_UNIFIED);
  /* 100 → 99: a fall of 10,000 ppm reaches no key (≤ 10,000: none);
   * 100 → 98, 20,000 ppm: the ten keyed 10,001. */
  partliq_price_move mv;
  CHECK_STATUS(partliq_unified_price_move(reference, 1, now, 1, asset_prices, 1, asset_prices, 1, &mv), PARTLIQ_STATUS_OK);
  CHECK(mv.down_ppm == 10000 && mv.up_ppm == 0);
  partliq_unified_index_entry got[N_UNIFIED];
  partliq_index_query q;
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, &mv, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 0 && q.count == 0);
  now[0] = 98;
  CHECK_STATUS(partliq_unified_price_move(reference, 1, now, 1, NULL, 0, NULL, 0, &mv), PARTLIQ_STATUS_OK);
  CHECK(mv.down_ppm == 20000);
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, &mv, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 10 && q.count == 10);
  for (int k = 0; k < 10; k++) CHECK(got[k].key == 10001 && got[k].account == (uint32_t)k && got[k].pool == 0);
  /* Confirmed at 98: collateral 600 + 10·i − 200 against MM 490: hits for
   * 400 + 10·i < 490, i ≤ 8; account 9 (490) is not. */
  partliq_unified_scan_hit hits[4];
  partliq_scan_outcome out;
#define UCONFIRM(e, en, st_, h, hn, o)                                                                                               \
  partliq_unified_confirm(ms, 1, now, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1, balances, N_UNIFIED, positions, N_UNIFIED, \
                          accounts, N_UNIFIED, e, en, st_, &ladder, h, hn, o)
  uint64_t at = 0;
  int total = 0, calls = 0;
  for (;;) {
    CHECK_STATUS(UCONFIRM(got, 10, at, hits, 4, &out), PARTLIQ_STATUS_OK);
    calls++;
    for (uint64_t k = 0; k < out.count; k++) {
      CHECK(hits[k].account_index == (uint64_t)total && hits[k].pool_index == 0);
      CHECK(hits[k].health.maintenance.collateral == 400 + 10 * (int64_t)total && hits[k].health.maintenance.requirement == 490);
      total++;
    }
    if (out.end == PARTLIQ_SCAN_END_COMPLETE) break;
    CHECK(out.end == PARTLIQ_SCAN_END_BUFFER_FULL && out.count == 4);
    at = out.next;
  }
  CHECK(total == 9 && calls == 3 && out.next == 10);
  /* Each call checks the balances of the accounts it reads, and only
   * those: account 15's balance with a reserved field set is refused by
   * the calls that read it and unseen by the others (the confirm of
   * accounts 0–9, account 0's re-key). So are the margins of the
   * positions of the accounts a call reads: account 15's unnamed margin is
   * refused by the confirm that names it, its insert, and unseen by the
   * confirm of accounts 0–9. */
  balances[15].reserved = 1;
  CHECK_STATUS(UCONFIRM(got, 10, 0, hits, 4, &out), PARTLIQ_STATUS_OK);
  CHECK(out.count == 4 && out.end == PARTLIQ_SCAN_END_BUFFER_FULL);
  uint64_t removed = 0;
  CHECK_STATUS(partliq_unified_index_rekey_account(mem, len, 0, ms, 1, reference, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1,
                                                   balances, N_UNIFIED, positions, N_UNIFIED, accounts, N_UNIFIED, &ladder,
                                                   &removed, &n),
               PARTLIQ_STATUS_OK);
  CHECK(removed == 1 && n == 1);
  POISON(out);
  POISON(n);
  partliq_unified_index_entry names15[2] = {got[0], {10001, 15, 0}};
  CHECK_STATUS(UCONFIRM(names15, 2, 0, hits, 4, &out), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(UINSERT(mem, len, 15, &ladder, &n), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  CHECK_STATUS(partliq_unified_index_rekey_account(mem, len, 15, ms, 1, reference, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1,
                                                   balances, N_UNIFIED, positions, N_UNIFIED, accounts, N_UNIFIED, &ladder,
                                                   &removed, &n),
               PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  balances[15].reserved = 0;
  positions[15].margin = 7;
  CHECK_STATUS(UCONFIRM(names15, 2, 0, hits, 4, &out), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(UINSERT(mem, len, 15, &ladder, &n), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(UINSERT(mem, len, 0, &ladder, &n), PARTLIQ_STATUS_BUFFER_TOO_SMALL); /* read: account 0 only; the index full */
  positions[15].margin = PARTLIQ_POSITION_MARGIN_CROSS;
  UNTOUCHED(out);
  UNTOUCHED(n);
  positions[15].margin = 7; /* not read by the confirm of accounts 0–9: the same four hits */
  CHECK_STATUS(UCONFIRM(got, 10, 0, hits, 4, &out), PARTLIQ_STATUS_OK);
  CHECK(out.count == 4 && out.end == PARTLIQ_SCAN_END_BUFFER_FULL);
  positions[15].margin = PARTLIQ_POSITION_MARGIN_CROSS;
  CHECK_STATUS(partliq_unified_index_info(mem, len, &st), PARTLIQ_STATUS_OK);
  CHECK(st.down == N_UNIFIED && st.up == N_UNIFIED && st.both == N_UNIFIED);
  /* The crossing from 1 % to 2 %: the same ten; from 2 % to 3 %: the other ten. */
  CHECK_STATUS(partliq_unified_index_crossed(mem, len, PARTLIQ_MOVE_SIDE_DOWN, 10000, 20000, 0, got, N_UNIFIED, &q),
               PARTLIQ_STATUS_OK);
  CHECK(q.total == 10);
  CHECK_STATUS(partliq_unified_index_crossed(mem, len, PARTLIQ_MOVE_SIDE_DOWN, 20000, 30000, 0, got, N_UNIFIED, &q),
               PARTLIQ_STATUS_OK);
  CHECK(q.total == 10 && got[0].key == 20001 && got[0].account == 10);
  /* Account 0 deposits 1,000 more: re-keyed (safe ⇔ 1,100 + 100·(lo − 100) ≥ 0 ⇔ lo ≥ 89: 11 % → 110,001). */
  balances[0].amount += 1000;
  CHECK_STATUS(partliq_unified_index_rekey_account(mem, len, 0, ms, 1, reference, 1, NULL, 0, NULL, 0, &par, 1, asset_prices, 1,
                                                   balances, N_UNIFIED, positions, N_UNIFIED, accounts, N_UNIFIED, &ladder,
                                                   &removed, &n),
               PARTLIQ_STATUS_OK);
  CHECK(removed == 1 && n == 1);
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, &mv, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 9 && got[0].account == 1);
  mv.down_ppm = 110001;
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, &mv, 19, got, N_UNIFIED, &q), PARTLIQ_STATUS_OK);
  CHECK(q.total == 20 && q.count == 1 && got[0].account == 0 && got[0].key == 110001);
  CHECK_STATUS(partliq_unified_index_remove_account(mem, len, 19, &removed), PARTLIQ_STATUS_OK);
  CHECK(removed == 1);

  /* Refusals: nothing written, nothing changed. */
  POISON(q);
  POISON(n);
  POISON(out);
  POISON(mv);
  partliq_price_move big = {1000000, 0};
  CHECK_STATUS(partliq_unified_index_candidates(NULL, len, &big, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_index_candidates((unsigned char *)mem + 4, len, &big, 0, got, N_UNIFIED, &q),
               PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED);
  CHECK_STATUS(partliq_unified_index_candidates(mem, 63, &big, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_unified_index_candidates(mem, len - 1, &big, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_unified_index_candidates(mem, SIZE_MAX, &big, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, NULL, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_index_candidates(mem, len, &big, 0, NULL, N_UNIFIED, &q), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_index_crossed(mem, len, 3, 0, 9, 0, got, N_UNIFIED, &q), PARTLIQ_STATUS_INVALID_ENUM);
  CHECK_STATUS(partliq_unified_index_candidates(scanner_mem, sizeof scanner_mem, &big, 0, got, N_UNIFIED, &q),
               PARTLIQ_STATUS_TABLE_NOT_INITIALIZED);
  CHECK_STATUS(UINSERT(mem, len, 0, &ladder, &n), PARTLIQ_STATUS_OK); /* room for one more: account 19's slot */
  CHECK(n == 1);
  POISON(n);
  CHECK_STATUS(UINSERT(mem, len, 0, &ladder, &n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(UINSERT(mem, len, N_UNIFIED, &ladder, &n), PARTLIQ_STATUS_UNKNOWN_POSITION);
  CHECK_STATUS(UINSERT(mem, len, 0, NULL, &n), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(UINSERT(mem, len, 0, &ladder, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_unified_index_init(mem, len, 0), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_unified_index_init(mem, len - 1, N_UNIFIED), PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL);
  CHECK_STATUS(partliq_unified_price_move(reference, 1, now, 0, NULL, 0, NULL, 0, &mv), PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT);
  now[0] = -1;
  CHECK_STATUS(partliq_unified_price_move(reference, 1, now, 1, NULL, 0, NULL, 0, &mv), PARTLIQ_STATUS_NEGATIVE_PRICE);
  CHECK_STATUS(UCONFIRM(got, 1, 0, hits, 4, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(UCONFIRM(NULL, 1, 0, hits, 4, &out), PARTLIQ_STATUS_NULL_POINTER);
  UNTOUCHED(q);
  UNTOUCHED(n);
  UNTOUCHED(out);
  UNTOUCHED(mv);
  CHECK_STATUS(partliq_unified_index_info(mem, len, &st), PARTLIQ_STATUS_OK);
  CHECK(st.down == N_UNIFIED && st.both == N_UNIFIED);
#undef UINSERT
#undef UCONFIRM
}

void test_hot_path(void) {
  test_scanner();
  test_unified_scan();
  test_unified_index();
  test_index();
  test_priority();
  test_dydx();
  test_aave();
}
