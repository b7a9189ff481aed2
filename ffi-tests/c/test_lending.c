/* Lending mode on a unified account through the C ABI: the terms validated,
 * Aave v3's WBTC/USDX partial liquidation (health, figures, flows), the
 * deficit case and the least amount to cover, each figure computed by hand
 * (the core's tests give the same); and every bad input — NULL, impossible
 * lengths, misaligned pointers, reserved fields, flags, out-of-range and
 * overflowing values, too small a flows array — with the outputs untouched.
 * i128 figures are hi/lo words: hi × 2^64 + lo. */
#include "check.h"

#include <stdalign.h>

/* hi/lo words of a figure that fits an int64_t. */
#define WORDS(x, v) CHECK((x##_hi) == ((v) < 0 ? -1 : 0) && (x##_lo) == (uint64_t)(int64_t)(v))

static const int64_t E6 = 1000000, E8 = 100000000;

static partliq_asset at_par(int32_t e) {
  partliq_asset a;
  memset(&a, 0, sizeof a);
  a.quote_exponent = e;
  a.initial_asset_weight_ppm = 1000000;
  a.maintenance_asset_weight_ppm = 1000000;
  a.initial_liability_weight_ppm = 1000000;
  a.maintenance_liability_weight_ppm = 1000000;
  a.imf_unit = 1;
  return a;
}

/* Aave's testnet terms: 8,600 / 10,500 / 1,000 bps, collateral, k = 0. */
static partliq_lending_terms testnet(void) {
  partliq_lending_terms t;
  memset(&t, 0, sizeof t);
  t.liquidation_threshold_ppm = 860000;
  t.liquidation_bonus_ppm = 1050000;
  t.protocol_fee_ppm = 100000;
  t.collateral_enabled = 1;
  return t;
}

/* An account of two assets and two balances; the book has no market. */
typedef struct {
  partliq_asset assets[2];
  int64_t prices[2];
  partliq_asset_balance balances[2];
  partliq_lending_terms terms[2];
} lending_book;

#define ARGS(b) NULL, 0, NULL, 0, NULL, 0, NULL, 0, (b)->assets, 2, (b)->prices, 2, (b)->balances, 2, NULL, 0, (b)->terms, 2

/* Aave's test_partial_liquidate_variable_borrow: USDX (6 decimals) at $1,
 * WBTC (8 decimals) at $20,250 (quote unit 10^-8 USD: e = -d, price P);
 * 20,500 USDX borrowed, 1 WBTC supplied. */
static lending_book wbtc_usdx(void) {
  lending_book b;
  memset(&b, 0, sizeof b);
  b.assets[0] = at_par(-6);
  b.assets[1] = at_par(-8);
  b.prices[0] = E8;
  b.prices[1] = 20250 * E8;
  b.balances[0].asset_index = 0;
  b.balances[0].amount = -20500 * E6;
  b.balances[1].asset_index = 1;
  b.balances[1].amount = E8;
  b.terms[0] = testnet();
  b.terms[1] = testnet();
  return b;
}

/* Two $1 assets of 8 decimals (1 unit = 1 base unit), LT 80 %, bonus
 * 105 %, fee 10 %: `collateral` dollars of asset 0 against `debt` of 1. */
static lending_book dollars(int64_t collateral, int64_t debt) {
  lending_book b;
  memset(&b, 0, sizeof b);
  b.assets[0] = at_par(0);
  b.assets[1] = at_par(0);
  b.prices[0] = 1;
  b.prices[1] = 1;
  b.balances[0].asset_index = 0;
  b.balances[0].amount = collateral * E8;
  b.balances[1].asset_index = 1;
  b.balances[1].amount = -debt * E8;
  b.terms[0] = testnet();
  b.terms[0].liquidation_threshold_ppm = 800000;
  b.terms[1] = b.terms[0];
  return b;
}

static void test_terms_validate(void) {
  partliq_lending_terms t = testnet();
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_OK);
  t.base_exponent = -38;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_OK);
  t.base_exponent = 39;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_INVALID_BASE_EXPONENT);
  t = testnet();
  t.collateral_enabled = 2;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_INVALID_ENUM);
  t = testnet();
  t.reserved[1] = 1;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  t = testnet();
  t.liquidation_threshold_ppm = 1000001;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  t = testnet();
  t.protocol_fee_ppm = UINT32_MAX;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_FRACTION_ABOVE_100_PERCENT);
  t = testnet();
  t.liquidation_bonus_ppm = 999900;
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_LENDING_BONUS_BELOW_100_PERCENT);
  t = testnet();
  t.liquidation_bonus_ppm = 1050001; /* not a whole number of bps */
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_LENDING_TERM_NOT_WHOLE_BPS);
  t = testnet();
  t.liquidation_threshold_ppm = 960000; /* percentMul(9,600, 10,500) = 10,080 bps > 100 % */
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_LENDING_THRESHOLD_TIMES_BONUS_ABOVE_100_PERCENT);
  t.liquidation_threshold_ppm = 950000; /* 9,975 bps */
  CHECK_STATUS(partliq_lending_terms_validate(&t), PARTLIQ_STATUS_OK);
  CHECK_STATUS(partliq_lending_terms_validate(NULL), PARTLIQ_STATUS_NULL_POINTER);
  static alignas(8) unsigned char raw[64];
  CHECK_STATUS(partliq_lending_terms_validate((const partliq_lending_terms *)(raw + 1)), PARTLIQ_STATUS_MISALIGNED_POINTER);
}

static void test_wbtc_usdx(void) {
  lending_book b = wbtc_usdx();
  partliq_lending_account_health h;
  POISON(h);
  CHECK_STATUS(partliq_lending_health(ARGS(&b), &h), PARTLIQ_STATUS_OK);
  /* collateral 1e8 sat x 20,250e8 / 1e8 = 2,025,000,000,000 base units;
   * debt 20,500e6 x 1e8 / 1e6 = 2,050,000,000,000; HF = wadDiv(2.025e12 x
   * 8,600, 2.05e12) / 1e4 = 0.849512195121951219 (WAD). */
  WORDS(h.total_collateral_base, 2025000000000);
  WORDS(h.total_debt_base, 2050000000000);
  WORDS(h.health_factor, 849512195121951219);
  CHECK(h.liquidatable == 1);
  CHECK(h.reserved[0] == 0 && h.reserved[6] == 0);

  partliq_asset_flow flows[4];
  partliq_lending_liquidation l;
  POISON(flows);
  POISON(l);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 106 * E6, flows, 4, &l), PARTLIQ_STATUS_OK);
  /* base = 1e8 x 106e6 x 1e8 / (20,250e8 x 1e6) = 523,456.79 -> 523,456 sat;
   * seized floor(523,456 x 1.05 = 549,628.8) = 549,628; bonus part 549,628 -
   * floor(523,455.24) = 26,173; fee ceil(2,617.3) = 2,618; liquidator
   * 549,628 - 2,618 = 547,010. */
  CHECK(l.collateral_asset == 1 && l.debt_asset == 0 && l.flow_count == 2 && l.reserved == 0);
  WORDS(l.debt_repaid, 106000000);
  WORDS(l.collateral_seized, 549628);
  WORDS(l.collateral_to_liquidator, 547010);
  WORDS(l.protocol_fee, 2618);
  WORDS(l.deficit_base, 0);
  CHECK(memcmp(&l.before, &h, sizeof h) == 0);
  /* after: 99,450,372 sat x 20,250 = 2,013,870,033,000; debt 20,394e6 -> 2,039,400,000,000;
   * HF = 0.849234200441306266. */
  WORDS(l.after.total_collateral_base, 2013870033000);
  WORDS(l.after.total_debt_base, 2039400000000);
  WORDS(l.after.health_factor, 849234200441306266);
  CHECK(l.after.liquidatable == 1);
  /* HF <= 0.95: the whole reserve debt may be repaid. */
  CHECK(l.close_factor_rule == PARTLIQ_CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD);
  WORDS(l.max_liquidatable_debt, 20500000000);
  CHECK(l.dust == PARTLIQ_DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM);
  /* The flows, in the order of the balances: USDX repaid, WBTC seized. */
  CHECK(flows[0].asset_index == 0 && flows[0].reserved == 0);
  WORDS(flows[0].account, 106000000);
  WORDS(flows[0].liquidator, -106000000);
  CHECK(flows[0].liquidator_hi == -1 && flows[0].liquidator_lo == UINT64_MAX - 106000000 + 1);
  WORDS(flows[0].protocol, 0);
  WORDS(flows[0].deficit, 0);
  CHECK(flows[1].asset_index == 1);
  WORDS(flows[1].account, -549628);
  WORDS(flows[1].liquidator, 547010);
  WORDS(flows[1].protocol, 2618);
  WORDS(flows[1].deficit, 0);
  UNTOUCHED(flows[2]);
  UNTOUCHED(flows[3]);

  /* Exactly as many flows as the liquidation touches is enough. */
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 106 * E6, flows, 2, &l), PARTLIQ_STATUS_OK);
}

/* Collateral $1,000, debt $2,000: the whole collateral is seized, the rest
 * of the debt is written off. */
static void test_deficit(void) {
  lending_book b = dollars(1000, 2000);
  partliq_asset_flow flows[PARTLIQ_MAX_LENDING_FLOWS];
  partliq_lending_liquidation l;
  memset(flows, 0, sizeof flows);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 0, 1, INT64_MAX, flows, PARTLIQ_MAX_LENDING_FLOWS, &l), PARTLIQ_STATUS_OK);
  /* 2,000e8 x 1.05 > 1,000e8: capped; debt = ceil(1,000e8 / 1.05) =
   * 95,238,095,239; bonus part 1,000e8 - 95,238,095,238 = 4,761,904,762; fee
   * ceil(10 %) = 476,190,477; deficit 2,000e8 - 95,238,095,239. */
  WORDS(l.debt_repaid, 95238095239);
  WORDS(l.collateral_seized, 100000000000);
  WORDS(l.protocol_fee, 476190477);
  WORDS(l.collateral_to_liquidator, 99523809523);
  WORDS(l.deficit_base, 104761904761);
  CHECK(l.dust == PARTLIQ_DUST_CHECK_ALL_COLLATERAL_SEIZED);
  /* No debt left: HF is the largest i128, not liquidatable. */
  CHECK(l.after.health_factor_hi == INT64_MAX && l.after.health_factor_lo == UINT64_MAX && l.after.liquidatable == 0);
  CHECK(l.flow_count == 2);
  WORDS(flows[0].account, -100000000000);
  WORDS(flows[0].liquidator, 99523809523);
  WORDS(flows[0].protocol, 476190477);
  WORDS(flows[1].account, 200000000000);
  WORDS(flows[1].liquidator, -95238095239);
  WORDS(flows[1].deficit, -104761904761);
}

/* HF = 0.8 x 20,000 / 17,000 = 0.941 >= bonus x threshold = 0.84: partial
 * liquidations raise it. Exactly, r >= 1,000 / 0.16 = $6,250; in units
 * x = 6,250e8 - j restores while ceil(1.05 j) >= 1.25 j: j <= 4. The
 * rounding window is 22 units: 21 amounts scanned prove it. */
static void test_least(void) {
  lending_book b = dollars(20000, 17000);
  partliq_debt_to_cover q;
  POISON(q);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 0, 1, 21, &q), PARTLIQ_STATUS_OK);
  WORDS(q.debt_to_cover, 625000000000 - 4);
  WORDS(q.max_liquidatable_debt, 1700000000000);
  WORDS(q.health_factor_after, 1000000000000000000);
  CHECK(q.restores == 1 && q.exact == 1 && q.reserved[0] == 0 && q.reserved[5] == 0);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 0, 1, 20, &q), PARTLIQ_STATUS_OK);
  WORDS(q.debt_to_cover, 625000000000 - 4);
  CHECK(q.exact == 0);
  /* The amount found leaves HF exactly 1.0; one less leaves it below. */
  partliq_asset_flow flows[2];
  partliq_lending_liquidation l;
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 0, 1, 625000000000 - 4, flows, 2, &l), PARTLIQ_STATUS_OK);
  WORDS(l.after.health_factor, 1000000000000000000);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 0, 1, 625000000000 - 5, flows, 2, &l), PARTLIQ_STATUS_OK);
  CHECK(l.after.health_factor_hi == 0 && l.after.health_factor_lo < 1000000000000000000u && l.after.liquidatable == 1);
}

/* Each of the three account functions on `b`: the same status from all
 * three (for the checks they share), every output untouched. */
static void all_three(const lending_book *b, partliq_status want) {
  partliq_lending_account_health h;
  partliq_lending_liquidation l;
  partliq_debt_to_cover q;
  partliq_asset_flow flows[4];
  POISON(h);
  POISON(l);
  POISON(q);
  POISON(flows);
  CHECK_STATUS(partliq_lending_health(ARGS(b), &h), want);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(b), 1, 0, 1, flows, 4, &l), want);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(b), 1, 0, 0, &q), want);
  UNTOUCHED(h);
  UNTOUCHED(l);
  UNTOUCHED(q);
  UNTOUCHED(flows);
}

static void test_bad_inputs(void) {
  lending_book b;
  b = wbtc_usdx();
  b.terms[1].collateral_enabled = 2;
  all_three(&b, PARTLIQ_STATUS_INVALID_ENUM);
  b = wbtc_usdx();
  b.terms[1].reserved[2] = 1;
  all_three(&b, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  b = wbtc_usdx();
  b.balances[0].reserved = 1;
  all_three(&b, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  b = wbtc_usdx();
  b.assets[1].reserved = 1;
  all_three(&b, PARTLIQ_STATUS_RESERVED_NOT_ZERO);
  b = wbtc_usdx();
  b.terms[1].liquidation_bonus_ppm = 0;
  all_three(&b, PARTLIQ_STATUS_LENDING_BONUS_BELOW_100_PERCENT);
  b = wbtc_usdx();
  b.terms[1].base_exponent = 2; /* differs from USDX's 0 */
  all_three(&b, PARTLIQ_STATUS_BASE_EXPONENT_MISMATCH);
  b = wbtc_usdx();
  b.balances[0].asset_index = 2;
  all_three(&b, PARTLIQ_STATUS_UNKNOWN_ASSET);
  b = wbtc_usdx();
  b.prices[1] = 0;
  all_three(&b, PARTLIQ_STATUS_MISSING_PRICE);
  b = wbtc_usdx();
  b.prices[1] = -1;
  all_three(&b, PARTLIQ_STATUS_NEGATIVE_PRICE);
  b = wbtc_usdx();
  b.assets[1].quote_exponent = 19;
  all_three(&b, PARTLIQ_STATUS_INVALID_QUOTE_EXPONENT);
  /* e + k = 18 + 20 = 38: INT64_MAX x 10^38 does not fit 128 bits. */
  b = wbtc_usdx();
  b.assets[1].quote_exponent = 18;
  b.prices[1] = INT64_MAX;
  b.terms[0].base_exponent = 20;
  b.terms[1].base_exponent = 20;
  all_three(&b, PARTLIQ_STATUS_OVERFLOW);

  /* Fewer terms than assets. */
  b = wbtc_usdx();
  partliq_lending_account_health h;
  partliq_lending_liquidation l;
  partliq_debt_to_cover q;
  partliq_asset_flow flows[2];
  POISON(h);
  POISON(l);
  POISON(q);
  POISON(flows);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, b.assets, 2, b.prices, 2, b.balances, 2, NULL, 0, b.terms, 1, &h),
               PARTLIQ_STATUS_LENDING_TERMS_TOO_SHORT);
  UNTOUCHED(h);

  /* Pointers: NULL with a length, SIZE_MAX, misaligned; NULL outputs. */
  static alignas(8) unsigned char raw[512];
  memset(raw, 0, sizeof raw);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, b.assets, 2, b.prices, 2, b.balances, 2, NULL, 0, NULL, 2, &h),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, b.assets, 2, b.prices, 2, b.balances, 2, NULL, 0, b.terms, SIZE_MAX, &h),
               PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, b.assets, 2, b.prices, 2, b.balances, 2, NULL, 0,
                                      (const partliq_lending_terms *)(raw + 2), 1, &h),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 2, b.prices, 2, b.balances, 2, NULL, 0, b.terms, 2, &h),
               PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_lending_health(NULL, 0, NULL, 0, NULL, 0, NULL, 0, b.assets, 2, b.prices, 2, (const partliq_asset_balance *)(raw + 4), 1,
                                      NULL, 0, b.terms, 2, &h),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(partliq_lending_health(ARGS(&b), NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_lending_health(ARGS(&b), (partliq_lending_account_health *)(raw + 4)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  UNTOUCHED(h);

  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, NULL, 2, &l), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, flows, SIZE_MAX, &l), PARTLIQ_STATUS_BAD_LENGTH);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, (partliq_asset_flow *)(raw + 4), 1, &l), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, flows, 2, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, flows, 2, (partliq_lending_liquidation *)(raw + 4)),
               PARTLIQ_STATUS_MISALIGNED_POINTER);
  /* Values: the pair, Aave's validations in its order, the amount, the buffer. */
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 2, 0, 1, flows, 2, &l), PARTLIQ_STATUS_UNKNOWN_ASSET);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, UINT32_MAX, 1, flows, 2, &l), PARTLIQ_STATUS_UNKNOWN_ASSET);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 0, 0, 1, flows, 2, &l), PARTLIQ_STATUS_COLLATERAL_NOT_ENABLED);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 1, 1, flows, 2, &l), PARTLIQ_STATUS_NOT_BORROWED);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, -1, flows, 2, &l), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, INT64_MIN, flows, 2, &l), PARTLIQ_STATUS_OUT_OF_RANGE);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 106 * E6, flows, 1, &l), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 106 * E6, NULL, 0, &l), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
  UNTOUCHED(l);
  UNTOUCHED(flows);

  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 1, 0, 0, NULL), PARTLIQ_STATUS_NULL_POINTER);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 1, 0, 0, (partliq_debt_to_cover *)(raw + 1)), PARTLIQ_STATUS_MISALIGNED_POINTER);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 9, 0, 0, &q), PARTLIQ_STATUS_UNKNOWN_ASSET);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 1, 1, 0, &q), PARTLIQ_STATUS_NOT_BORROWED);
  UNTOUCHED(q);
  for (size_t i = 0; i < sizeof raw; i++) CHECK(raw[i] == 0);

  /* Healthy (1 WBTC against 1,000 USDX): no liquidation. */
  b.balances[0].amount = -1000 * E6;
  CHECK_STATUS(partliq_lending_health(ARGS(&b), &h), PARTLIQ_STATUS_OK);
  CHECK(h.liquidatable == 0);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&b), 1, 0, 1, flows, 2, &l), PARTLIQ_STATUS_NOT_LIQUIDATABLE);
  CHECK_STATUS(partliq_least_debt_to_cover(ARGS(&b), 1, 0, 0, &q), PARTLIQ_STATUS_NOT_LIQUIDATABLE);
  UNTOUCHED(l);
  UNTOUCHED(q);

  /* $1,000 against $1,500: repaying $100 seizes $105 and leaves $895 of
   * collateral, under Aave's $1,000: the dust rule refuses it. */
  lending_book d = dollars(1000, 1500);
  CHECK_STATUS(partliq_plan_lending_liquidation(ARGS(&d), 0, 1, 100 * E8, flows, 2, &l), PARTLIQ_STATUS_MUST_NOT_LEAVE_DUST);
  UNTOUCHED(l);
  UNTOUCHED(flows);
}

void test_lending(void) {
  test_terms_validate();
  test_wbtc_usdx();
  test_deficit();
  test_least();
  test_bad_inputs();
}
