/* The layout of every public struct, pinned from C: the same numbers as the
 * static_assertions in src/ffi/types.rs. A field added, moved or resized on
 * either side fails the build. */
#include "partliq.h"

#include <stddef.h>

#define PIN_SIZE(T, n, A) \
  _Static_assert(sizeof(T) == (n), "size of " #T); \
  _Static_assert(_Alignof(T) == _Alignof(A), "alignment of " #T)
#define PIN_OFF(T, f, n) _Static_assert(offsetof(T, f) == (n), "offset of " #T "." #f)

PIN_SIZE(partliq_status, 4, uint32_t);

PIN_SIZE(partliq_margin_tier, 16, int64_t);
PIN_OFF(partliq_margin_tier, notional_floor, 0);
PIN_OFF(partliq_margin_tier, initial_ppm, 8);
PIN_OFF(partliq_margin_tier, maintenance_ppm, 12);

PIN_SIZE(partliq_market, 304, int64_t);
PIN_OFF(partliq_market, id, 0);
PIN_OFF(partliq_market, quote_exponent, 4);
PIN_OFF(partliq_market, lot_step, 8);
PIN_OFF(partliq_market, tick, 16);
PIN_OFF(partliq_market, tiers, 24);
PIN_OFF(partliq_market, tier_count, 280);
PIN_OFF(partliq_market, liquidation_fee_ppm, 284);
PIN_OFF(partliq_market, liquidator_fee_share_ppm, 288);
PIN_OFF(partliq_market, reserved, 292);
PIN_OFF(partliq_market, dust_floor, 296);

PIN_SIZE(partliq_position, 24, int64_t);
PIN_OFF(partliq_position, market_index, 0);
PIN_OFF(partliq_position, reserved, 4);
PIN_OFF(partliq_position, size, 8);
PIN_OFF(partliq_position, quote_balance, 16);

PIN_SIZE(partliq_health, 48, int64_t);
PIN_OFF(partliq_health, equity, 0);
PIN_OFF(partliq_health, initial_requirement, 8);
PIN_OFF(partliq_health, maintenance_requirement, 16);
PIN_OFF(partliq_health, free_collateral, 24);
PIN_OFF(partliq_health, margin_ratio_ppm, 32);
PIN_OFF(partliq_health, state, 40);
PIN_OFF(partliq_health, reserved, 44);

PIN_SIZE(partliq_target, 8, uint32_t);
PIN_OFF(partliq_target, kind, 0);
PIN_OFF(partliq_target, buffer_ppm, 4);

PIN_SIZE(partliq_plan_params, 16, uint32_t);
PIN_OFF(partliq_plan_params, target, 0);
PIN_OFF(partliq_plan_params, price_band_ppm, 8);
PIN_OFF(partliq_plan_params, order, 12);

PIN_SIZE(partliq_plan_leg, 40, int64_t);
PIN_OFF(partliq_plan_leg, position_index, 0);
PIN_OFF(partliq_plan_leg, reserved, 4);
PIN_OFF(partliq_plan_leg, size_delta, 8);
PIN_OFF(partliq_plan_leg, limit_price, 16);
PIN_OFF(partliq_plan_leg, expected_cash, 24);
PIN_OFF(partliq_plan_leg, expected_fee, 32);

PIN_SIZE(partliq_plan, 128, int64_t);
PIN_OFF(partliq_plan, status, 0);
PIN_OFF(partliq_plan, leg_count, 4);
PIN_OFF(partliq_plan, health_before, 8);
PIN_OFF(partliq_plan, health_after, 56);
PIN_OFF(partliq_plan, required_equity_after, 104);
PIN_OFF(partliq_plan, shortfall, 112);
PIN_OFF(partliq_plan, dust_closed, 120);
PIN_OFF(partliq_plan, reserved, 121);

PIN_SIZE(partliq_close_request, 24, int64_t);
PIN_OFF(partliq_close_request, position_index, 0);
PIN_OFF(partliq_close_request, target, 4);
PIN_OFF(partliq_close_request, reserved, 12);
PIN_OFF(partliq_close_request, execution_price, 16);

PIN_SIZE(partliq_close_sizing, 104, int64_t);
PIN_OFF(partliq_close_sizing, status, 0);
PIN_OFF(partliq_close_sizing, dust_closed, 4);
PIN_OFF(partliq_close_sizing, exhaustive, 5);
PIN_OFF(partliq_close_sizing, reserved, 6);
PIN_OFF(partliq_close_sizing, size_delta, 8);
PIN_OFF(partliq_close_sizing, execution_price, 16);
PIN_OFF(partliq_close_sizing, expected_cash, 24);
PIN_OFF(partliq_close_sizing, expected_fee, 32);
PIN_OFF(partliq_close_sizing, health_after, 40);
PIN_OFF(partliq_close_sizing, required_equity_after, 88);
PIN_OFF(partliq_close_sizing, shortfall, 96);

PIN_SIZE(partliq_bankruptcy, 16, int64_t);
PIN_OFF(partliq_bankruptcy, quote, 0);
PIN_OFF(partliq_bankruptcy, price, 8);

PIN_SIZE(partliq_liquidation_price, 16, int64_t);
PIN_OFF(partliq_liquidation_price, kind, 0);
PIN_OFF(partliq_liquidation_price, reserved, 4);
PIN_OFF(partliq_liquidation_price, price, 8);

PIN_SIZE(partliq_fill, 24, int64_t);
PIN_OFF(partliq_fill, position_index, 0);
PIN_OFF(partliq_fill, reserved, 4);
PIN_OFF(partliq_fill, size_delta, 8);
PIN_OFF(partliq_fill, price, 16);

PIN_SIZE(partliq_settlement, 144, int64_t);
PIN_OFF(partliq_settlement, new_position, 0);
PIN_OFF(partliq_settlement, fill_cash, 24);
PIN_OFF(partliq_settlement, bankruptcy_quote, 32);
PIN_OFF(partliq_settlement, nominal_fee, 40);
PIN_OFF(partliq_settlement, fee, 48);
PIN_OFF(partliq_settlement, fee_to_liquidator, 56);
PIN_OFF(partliq_settlement, fee_to_insurance, 64);
PIN_OFF(partliq_settlement, bad_debt, 72);
PIN_OFF(partliq_settlement, insurance_fund_delta, 80);
PIN_OFF(partliq_settlement, position_quote_delta, 88);
PIN_OFF(partliq_settlement, health_after, 96);

_Static_assert(PARTLIQ_MAX_TIERS == 16, "PARTLIQ_MAX_TIERS");
_Static_assert(PARTLIQ_MAX_POSITIONS == 64, "PARTLIQ_MAX_POSITIONS");
_Static_assert(PARTLIQ_VERSION_NUMBER == PARTLIQ_VERSION_MAJOR * 1000000 + PARTLIQ_VERSION_MINOR * 1000 + PARTLIQ_VERSION_PATCH,
               "PARTLIQ_VERSION_NUMBER");

/* A translation unit must declare something. */
int partliq_layout_checked(void);
int partliq_layout_checked(void) { return 1; }
