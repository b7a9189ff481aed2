/* The layout of every public struct, pinned from C: the same numbers as the
 * pin_layout! assertions next to each struct in ffi/src/. A field added,
 * moved or resized on either side fails the build. */
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
PIN_OFF(partliq_market, liquidation_fee_rounding, 292);
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

/* Policies, presets, pipeline, escalation, shared state (ffi/src/policy.rs,
 * presets.rs, pipeline.rs, escalation.rs, shared.rs). */

PIN_SIZE(partliq_fraction_cap, 24, int64_t);
PIN_OFF(partliq_fraction_cap, notional_threshold, 0);
PIN_OFF(partliq_fraction_cap, max_fraction_ppm, 8);
PIN_OFF(partliq_fraction_cap, reserved, 12);
PIN_OFF(partliq_fraction_cap, cooldown, 16);

PIN_SIZE(partliq_tier_step, 8, uint32_t);
PIN_OFF(partliq_tier_step, levels, 0);
PIN_OFF(partliq_tier_step, full_close_at_or_below_tier, 4);

PIN_SIZE(partliq_close_factor, 24, int64_t);
PIN_OFF(partliq_close_factor, max_fraction_ppm, 0);
PIN_OFF(partliq_close_factor, health_threshold_ppm, 4);
PIN_OFF(partliq_close_factor, min_position_notional, 8);
PIN_OFF(partliq_close_factor, min_remainder, 16);

PIN_SIZE(partliq_position_limits, 16, int64_t);
PIN_OFF(partliq_position_limits, min_notional, 0);
PIN_OFF(partliq_position_limits, max_portion_ppm, 8);
PIN_OFF(partliq_position_limits, mode, 12);

PIN_SIZE(partliq_block_limits, 16, int64_t);
PIN_OFF(partliq_block_limits, max_notional, 0);
PIN_OFF(partliq_block_limits, max_insurance_loss, 8);

PIN_SIZE(partliq_window_capacity, 16, int64_t);
PIN_OFF(partliq_window_capacity, capacity, 0);
PIN_OFF(partliq_window_capacity, window, 8);

PIN_SIZE(partliq_escalation_rules, 16, uint32_t);
PIN_OFF(partliq_escalation_rules, backstop_numerator, 0);
PIN_OFF(partliq_escalation_rules, backstop_denominator, 4);
PIN_OFF(partliq_escalation_rules, backstop_on_infeasible, 8);
PIN_OFF(partliq_escalation_rules, reserved, 12);

PIN_SIZE(partliq_fee_ramp, 16, int64_t);
PIN_OFF(partliq_fee_ramp, max_fee_ppm, 0);
PIN_OFF(partliq_fee_ramp, increase_per_unit_ppm, 4);
PIN_OFF(partliq_fee_ramp, grace, 8);

PIN_SIZE(partliq_fraction_ramp, 24, int64_t);
PIN_OFF(partliq_fraction_ramp, initial_ppm, 0);
PIN_OFF(partliq_fraction_ramp, reserved, 4);
PIN_OFF(partliq_fraction_ramp, duration, 8);
PIN_OFF(partliq_fraction_ramp, full_below_shortage, 16);

PIN_SIZE(partliq_band_ramp, 32, int64_t);
PIN_OFF(partliq_band_ramp, mode, 0);
PIN_OFF(partliq_band_ramp, start_ppm, 4);
PIN_OFF(partliq_band_ramp, max_ppm, 8);
PIN_OFF(partliq_band_ramp, bankruptcy_adjustment_ppm, 12);
PIN_OFF(partliq_band_ramp, duration, 16);
PIN_OFF(partliq_band_ramp, spread_to_maintenance_margin_ratio_ppm, 24);
PIN_OFF(partliq_band_ramp, reserved, 28);

PIN_SIZE(partliq_ramps, 72, int64_t);
PIN_OFF(partliq_ramps, fee, 0);
PIN_OFF(partliq_ramps, fraction, 16);
PIN_OFF(partliq_ramps, band, 40);

PIN_SIZE(partliq_leg_reservation, 96, int64_t);
PIN_OFF(partliq_leg_reservation, block, 0);
PIN_OFF(partliq_leg_reservation, window_start, 8);
PIN_OFF(partliq_leg_reservation, position_index, 16);
PIN_OFF(partliq_leg_reservation, market_index, 20);
PIN_OFF(partliq_leg_reservation, units, 24);
PIN_OFF(partliq_leg_reservation, filled_units, 32);
PIN_OFF(partliq_leg_reservation, released_units, 40);
PIN_OFF(partliq_leg_reservation, block_reserved, 48);
PIN_OFF(partliq_leg_reservation, window_reserved, 56);
PIN_OFF(partliq_leg_reservation, block_committed, 64);
PIN_OFF(partliq_leg_reservation, window_committed, 72);
PIN_OFF(partliq_leg_reservation, block_released, 80);
PIN_OFF(partliq_leg_reservation, window_released, 88);

PIN_SIZE(partliq_emergency_bypass, 16, uint32_t);
PIN_OFF(partliq_emergency_bypass, below_numerator, 0);
PIN_OFF(partliq_emergency_bypass, below_denominator, 4);
PIN_OFF(partliq_emergency_bypass, project, 8);
PIN_OFF(partliq_emergency_bypass, adverse_move_ppm, 12);

PIN_SIZE(partliq_policy, 232, int64_t);
PIN_OFF(partliq_policy, target, 0);
PIN_OFF(partliq_policy, price_band_ppm, 8);
PIN_OFF(partliq_policy, order, 12);
PIN_OFF(partliq_policy, sizing, 16);
PIN_OFF(partliq_policy, perp_v2_ratio, 20);
PIN_OFF(partliq_policy, fraction_cap, 24);
PIN_OFF(partliq_policy, tier_step, 48);
PIN_OFF(partliq_policy, close_factor, 56);
PIN_OFF(partliq_policy, position_limits, 80);
PIN_OFF(partliq_policy, block_limits, 96);
PIN_OFF(partliq_policy, window_capacity, 112);
PIN_OFF(partliq_policy, escalation, 128);
PIN_OFF(partliq_policy, ramps, 144);
PIN_OFF(partliq_policy, emergency_bypass, 216);

PIN_SIZE(partliq_venue_fees, 24, int64_t);
PIN_OFF(partliq_venue_fees, liquidation_fee_ppm, 0);
PIN_OFF(partliq_venue_fees, liquidator_fee_share_ppm, 4);
PIN_OFF(partliq_venue_fees, dust_floor, 8);
PIN_OFF(partliq_venue_fees, liquidation_fee_rounding, 16);
PIN_OFF(partliq_venue_fees, reserved, 20);

PIN_SIZE(partliq_preset, 256, int64_t);
PIN_OFF(partliq_preset, policy, 0);
PIN_OFF(partliq_preset, fees, 232);

PIN_SIZE(partliq_dydx_liquidation_config, 40, int64_t);
PIN_OFF(partliq_dydx_liquidation_config, max_liquidation_fee_ppm, 0);
PIN_OFF(partliq_dydx_liquidation_config, bankruptcy_adjustment_ppm, 4);
PIN_OFF(partliq_dydx_liquidation_config, spread_to_maintenance_margin_ratio_ppm, 8);
PIN_OFF(partliq_dydx_liquidation_config, max_position_portion_liquidated_ppm, 12);
PIN_OFF(partliq_dydx_liquidation_config, min_position_notional_liquidated, 16);
PIN_OFF(partliq_dydx_liquidation_config, max_notional_liquidated, 24);
PIN_OFF(partliq_dydx_liquidation_config, max_quantums_insurance_lost, 32);

PIN_SIZE(partliq_account_liquidation_state, 56, int64_t);
PIN_OFF(partliq_account_liquidation_state, last_partial_time, 0);
PIN_OFF(partliq_account_liquidation_state, has_partial, 8);
PIN_OFF(partliq_account_liquidation_state, in_liquidation, 12);
PIN_OFF(partliq_account_liquidation_state, block, 16);
PIN_OFF(partliq_account_liquidation_state, block_notional, 24);
PIN_OFF(partliq_account_liquidation_state, block_insurance_loss, 32);
PIN_OFF(partliq_account_liquidation_state, liquidation_start_time, 40);
PIN_OFF(partliq_account_liquidation_state, liquidation_started, 48);
PIN_OFF(partliq_account_liquidation_state, reserved, 52);

PIN_SIZE(partliq_market_capacity_state, 16, int64_t);
PIN_OFF(partliq_market_capacity_state, window_start, 0);
PIN_OFF(partliq_market_capacity_state, used, 8);

PIN_SIZE(partliq_price_feed, 48, int64_t);
PIN_OFF(partliq_price_feed, oracle, 0);
PIN_OFF(partliq_price_feed, publish_time, 8);
PIN_OFF(partliq_price_feed, confidence, 16);
PIN_OFF(partliq_price_feed, index, 24);
PIN_OFF(partliq_price_feed, mark, 32);
PIN_OFF(partliq_price_feed, grace_until, 40);
PIN_SIZE(partliq_price_guard, 32, uint64_t);
PIN_OFF(partliq_price_guard, max_staleness, 0);
PIN_OFF(partliq_price_guard, max_confidence_ppm, 8);
PIN_OFF(partliq_price_guard, max_deviation_ppm, 12);
PIN_OFF(partliq_price_guard, trigger, 16);
PIN_OFF(partliq_price_guard, initial, 20);
PIN_OFF(partliq_price_guard, limit, 24);
PIN_OFF(partliq_price_guard, reserved, 28);
PIN_SIZE(partliq_stable_price, 16, int64_t);
PIN_OFF(partliq_stable_price, price, 0);
PIN_OFF(partliq_stable_price, last_update, 8);
PIN_SIZE(partliq_decision, 216, int64_t);
PIN_OFF(partliq_decision, action, 0);
PIN_OFF(partliq_decision, reason, 4);
PIN_OFF(partliq_decision, plan, 8);
PIN_OFF(partliq_decision, has_backstop, 136);
PIN_OFF(partliq_decision, reserved, 137);
PIN_OFF(partliq_decision, backstop, 144);

PIN_SIZE(partliq_backstop, 72, int64_t);
PIN_OFF(partliq_backstop, collateral, 0);
PIN_OFF(partliq_backstop, position_count, 8);
PIN_OFF(partliq_backstop, reserved, 12);
PIN_OFF(partliq_backstop, health, 16);
PIN_OFF(partliq_backstop, deficit, 64);

PIN_SIZE(partliq_insurance_fund, 40, int64_t);
PIN_OFF(partliq_insurance_fund, balance, 0);
PIN_OFF(partliq_insurance_fund, floor, 8);
PIN_OFF(partliq_insurance_fund, initial, 16);
PIN_OFF(partliq_insurance_fund, total_credits, 24);
PIN_OFF(partliq_insurance_fund, total_debits, 32);

PIN_SIZE(partliq_coverage, 16, int64_t);
PIN_OFF(partliq_coverage, covered, 0);
PIN_OFF(partliq_coverage, uncovered, 8);

PIN_SIZE(partliq_adl_candidate, 48, int64_t);
PIN_OFF(partliq_adl_candidate, account, 0);
PIN_OFF(partliq_adl_candidate, reserved, 4);
PIN_OFF(partliq_adl_candidate, size, 8);
PIN_OFF(partliq_adl_candidate, unrealized_pnl, 16);
PIN_OFF(partliq_adl_candidate, entry_notional, 24);
PIN_OFF(partliq_adl_candidate, mark_notional, 32);
PIN_OFF(partliq_adl_candidate, margin, 40);

PIN_SIZE(partliq_adl_fill, 24, int64_t);
PIN_OFF(partliq_adl_fill, candidate, 0);
PIN_OFF(partliq_adl_fill, account, 4);
PIN_OFF(partliq_adl_fill, size_delta, 8);
PIN_OFF(partliq_adl_fill, price, 16);

PIN_SIZE(partliq_capacity_limits, 24, uint64_t);
PIN_OFF(partliq_capacity_limits, window_len, 0);
PIN_OFF(partliq_capacity_limits, window_budget, 8);
PIN_OFF(partliq_capacity_limits, block_budget, 16);

PIN_SIZE(partliq_capacity_reservation, 32, uint64_t);
PIN_OFF(partliq_capacity_reservation, handle, 0);
PIN_OFF(partliq_capacity_reservation, amount, 8);
PIN_OFF(partliq_capacity_reservation, window_epoch, 16);
PIN_OFF(partliq_capacity_reservation, block, 24);

PIN_SIZE(partliq_partial_debit, 16, int64_t);
PIN_OFF(partliq_partial_debit, debited, 0);
PIN_OFF(partliq_partial_debit, balance, 8);

PIN_SIZE(partliq_ledger, 56, int64_t);
PIN_OFF(partliq_ledger, initial, 0);
PIN_OFF(partliq_ledger, balance, 8);
PIN_OFF(partliq_ledger, floor, 16);
PIN_OFF(partliq_ledger, credits_hi, 24);
PIN_OFF(partliq_ledger, credits_lo, 32);
PIN_OFF(partliq_ledger, debits_hi, 40);
PIN_OFF(partliq_ledger, debits_lo, 48);

PIN_SIZE(partliq_asset, 40, int64_t);
PIN_OFF(partliq_asset, id, 0);
PIN_OFF(partliq_asset, quote_exponent, 4);
PIN_OFF(partliq_asset, initial_asset_weight_ppm, 8);
PIN_OFF(partliq_asset, maintenance_asset_weight_ppm, 12);
PIN_OFF(partliq_asset, initial_liability_weight_ppm, 16);
PIN_OFF(partliq_asset, maintenance_liability_weight_ppm, 20);
PIN_OFF(partliq_asset, imf_factor_ppm, 24);
PIN_OFF(partliq_asset, reserved, 28);
PIN_OFF(partliq_asset, imf_unit, 32);

PIN_SIZE(partliq_asset_balance, 16, int64_t);
PIN_OFF(partliq_asset_balance, asset_index, 0);
PIN_OFF(partliq_asset_balance, reserved, 4);
PIN_OFF(partliq_asset_balance, amount, 8);

PIN_SIZE(partliq_perp_position, 48, int64_t);
PIN_OFF(partliq_perp_position, market_index, 0);
PIN_OFF(partliq_perp_position, margin, 4);
PIN_OFF(partliq_perp_position, size, 8);
PIN_OFF(partliq_perp_position, quote_balance, 16);
PIN_OFF(partliq_perp_position, last_funding_index, 24);
PIN_OFF(partliq_perp_position, open_bids, 32);
PIN_OFF(partliq_perp_position, open_asks, 40);

PIN_SIZE(partliq_perp_risk, 16, int64_t);
PIN_OFF(partliq_perp_risk, imf_factor_ppm, 0);
PIN_OFF(partliq_perp_risk, initial_upnl_weight_ppm, 4);
PIN_OFF(partliq_perp_risk, imf_unit, 8);

PIN_SIZE(partliq_margin_ladder, 16, uint32_t);
PIN_OFF(partliq_margin_ladder, warning_ppm, 0);
PIN_OFF(partliq_margin_ladder, reduce_only_ppm, 4);
PIN_OFF(partliq_margin_ladder, liquidation_ppm, 8);
PIN_OFF(partliq_margin_ladder, backstop_ppm, 12);

PIN_SIZE(partliq_level_figures, 16, int64_t);
PIN_OFF(partliq_level_figures, collateral, 0);
PIN_OFF(partliq_level_figures, requirement, 8);

PIN_SIZE(partliq_unified_health, 72, int64_t);
PIN_OFF(partliq_unified_health, equity, 0);
PIN_OFF(partliq_unified_health, initial, 8);
PIN_OFF(partliq_unified_health, liquidation_end, 24);
PIN_OFF(partliq_unified_health, maintenance, 40);
PIN_OFF(partliq_unified_health, margin_ratio_ppm, 56);
PIN_OFF(partliq_unified_health, state, 64);
PIN_OFF(partliq_unified_health, rung, 68);

_Static_assert(PARTLIQ_MAX_TIERS == 16, "PARTLIQ_MAX_TIERS");
_Static_assert(PARTLIQ_MAX_POSITIONS == 64, "PARTLIQ_MAX_POSITIONS");
_Static_assert(PARTLIQ_SHARED_ALIGN == 8, "PARTLIQ_SHARED_ALIGN");
_Static_assert(PARTLIQ_CAPACITY_MAX_AMOUNT == 281474976710655, "PARTLIQ_CAPACITY_MAX_AMOUNT");
_Static_assert(PARTLIQ_CAPACITY_UNLIMITED == UINT64_MAX, "PARTLIQ_CAPACITY_UNLIMITED");
_Static_assert(sizeof(PARTLIQ_ACTION_BACKSTOP) == 4 && PARTLIQ_REASON_CAPACITY_EXHAUSTED == 8, "partliq_action, partliq_reason");
_Static_assert(PARTLIQ_ACTION_CANCEL_ORDERS == 4 && PARTLIQ_REASON_OPEN_ORDERS == 9, "the unified pipeline's action and reason");
/* Unified liquidation: legs, the planner, the waterfall, delisting. */
PIN_SIZE(partliq_unified_leg, 24, int64_t);
PIN_OFF(partliq_unified_leg, kind, 0);
PIN_OFF(partliq_unified_leg, position_index, 4);
PIN_OFF(partliq_unified_leg, liability_asset, 8);
PIN_OFF(partliq_unified_leg, collateral_asset, 12);
PIN_OFF(partliq_unified_leg, amount, 16);

PIN_SIZE(partliq_asset_liquidation_fees, 8, uint32_t);
PIN_OFF(partliq_asset_liquidation_fees, liquidator_bonus_ppm, 0);
PIN_OFF(partliq_asset_liquidation_fees, insurance_fee_ppm, 4);

PIN_SIZE(partliq_leg_terms, 16, uint32_t);
PIN_OFF(partliq_leg_terms, target, 0);
PIN_OFF(partliq_leg_terms, perp_band_ppm, 8);
PIN_OFF(partliq_leg_terms, reserved, 12);

PIN_SIZE(partliq_leg_flow, 40, int64_t);
PIN_OFF(partliq_leg_flow, unit, 0);
PIN_OFF(partliq_leg_flow, index, 4);
PIN_OFF(partliq_leg_flow, account, 8);
PIN_OFF(partliq_leg_flow, liquidator, 16);
PIN_OFF(partliq_leg_flow, counterparty, 24);
PIN_OFF(partliq_leg_flow, insurance_fund, 32);

PIN_SIZE(partliq_leg_settlement, 192, int64_t);
PIN_OFF(partliq_leg_settlement, leg, 0);
PIN_OFF(partliq_leg_settlement, flows, 24);
PIN_OFF(partliq_leg_settlement, value_liquidated, 104);
PIN_OFF(partliq_leg_settlement, cost_to_account, 112);
PIN_OFF(partliq_leg_settlement, health_after, 120);

PIN_SIZE(partliq_leg_sizing, 232, int64_t);
PIN_OFF(partliq_leg_sizing, status, 0);
PIN_OFF(partliq_leg_sizing, has_settlement, 4);
PIN_OFF(partliq_leg_sizing, leg, 8);
PIN_OFF(partliq_leg_sizing, max_amount, 32);
PIN_OFF(partliq_leg_sizing, settlement, 40);

PIN_SIZE(partliq_unified_plan, 104, int64_t);
PIN_OFF(partliq_unified_plan, status, 0);
PIN_OFF(partliq_unified_plan, leg_count, 4);
PIN_OFF(partliq_unified_plan, value_liquidated, 8);
PIN_OFF(partliq_unified_plan, cost_to_account, 16);
PIN_OFF(partliq_unified_plan, health_after, 24);
PIN_OFF(partliq_unified_plan, proven_least, 96);
PIN_OFF(partliq_unified_plan, reserved, 100);

PIN_SIZE(partliq_unified_liquidation_policy, 32, uint32_t);
PIN_OFF(partliq_unified_liquidation_policy, terms, 0);
PIN_OFF(partliq_unified_liquidation_policy, objective, 16);
PIN_OFF(partliq_unified_liquidation_policy, ordering, 20);
PIN_OFF(partliq_unified_liquidation_policy, take_over_bankrupt, 24);
PIN_OFF(partliq_unified_liquidation_policy, search_budget_units, 28);

PIN_SIZE(partliq_unified_decision, 112, int64_t);
PIN_OFF(partliq_unified_decision, action, 0);
PIN_OFF(partliq_unified_decision, reason, 4);
PIN_OFF(partliq_unified_decision, plan, 8);

PIN_SIZE(partliq_waterfall_policy, 24, uint32_t);
PIN_OFF(partliq_waterfall_policy, steps, 0);
PIN_OFF(partliq_waterfall_policy, step_count, 16);
PIN_OFF(partliq_waterfall_policy, fund_scope, 20);

PIN_SIZE(partliq_deficit, 16, int64_t);
PIN_OFF(partliq_deficit, kind, 0);
PIN_OFF(partliq_deficit, index, 4);
PIN_OFF(partliq_deficit, amount, 8);

PIN_SIZE(partliq_party, 8, uint32_t);
PIN_OFF(partliq_party, kind, 0);
PIN_OFF(partliq_party, index, 4);

PIN_SIZE(partliq_ledger_unit, 8, uint32_t);
PIN_OFF(partliq_ledger_unit, kind, 0);
PIN_OFF(partliq_ledger_unit, index, 4);

PIN_SIZE(partliq_ledger_entry, 32, int64_t);
PIN_OFF(partliq_ledger_entry, from, 0);
PIN_OFF(partliq_ledger_entry, to, 8);
PIN_OFF(partliq_ledger_entry, unit, 16);
PIN_OFF(partliq_ledger_entry, amount, 24);

PIN_SIZE(partliq_step_use, 16, int64_t);
PIN_OFF(partliq_step_use, step, 0);
PIN_OFF(partliq_step_use, reserved, 4);
PIN_OFF(partliq_step_use, absorbed, 8);

PIN_SIZE(partliq_socialization, 72, int64_t);
PIN_OFF(partliq_socialization, kind, 0);
PIN_OFF(partliq_socialization, reserved, 4);
PIN_OFF(partliq_socialization, open_interest, 8);
PIN_OFF(partliq_socialization, delta, 16);
PIN_OFF(partliq_socialization, charged, 24);
PIN_OFF(partliq_socialization, deposits, 32);
PIN_OFF(partliq_socialization, old_index, 40);
PIN_OFF(partliq_socialization, new_index, 48);
PIN_OFF(partliq_socialization, deposits_after, 56);
PIN_OFF(partliq_socialization, surplus, 64);

PIN_SIZE(partliq_waterfall_outcome, 208, int64_t);
PIN_OFF(partliq_waterfall_outcome, steps, 0);
PIN_OFF(partliq_waterfall_outcome, step_count, 64);
PIN_OFF(partliq_waterfall_outcome, fund_market, 68);
PIN_OFF(partliq_waterfall_outcome, fund_paid, 72);
PIN_OFF(partliq_waterfall_outcome, adl_residual, 80);
PIN_OFF(partliq_waterfall_outcome, fund_after, 88);
PIN_OFF(partliq_waterfall_outcome, socialization, 128);
PIN_OFF(partliq_waterfall_outcome, ledger_len, 200);
PIN_OFF(partliq_waterfall_outcome, reserved, 204);

PIN_SIZE(partliq_delisting_policy, 16, int64_t);
PIN_OFF(partliq_delisting_policy, settlement_price, 0);
PIN_OFF(partliq_delisting_policy, fee_ppm, 8);
PIN_OFF(partliq_delisting_policy, reserved, 12);

PIN_SIZE(partliq_position_settlement, 56, int64_t);
PIN_OFF(partliq_position_settlement, position_index, 0);
PIN_OFF(partliq_position_settlement, reserved, 4);
PIN_OFF(partliq_position_settlement, closed_size, 8);
PIN_OFF(partliq_position_settlement, cash, 16);
PIN_OFF(partliq_position_settlement, funding, 24);
PIN_OFF(partliq_position_settlement, fee, 32);
PIN_OFF(partliq_position_settlement, quote_delta, 40);
PIN_OFF(partliq_position_settlement, new_quote_balance, 48);

PIN_SIZE(partliq_pool_delisting, 104, int64_t);
PIN_OFF(partliq_pool_delisting, settled, 0);
PIN_OFF(partliq_pool_delisting, outcome, 4);
PIN_OFF(partliq_pool_delisting, health_after, 8);
PIN_OFF(partliq_pool_delisting, deficit, 80);
PIN_OFF(partliq_pool_delisting, shortfall, 96);

_Static_assert(PARTLIQ_MAX_BALANCES == 64, "PARTLIQ_MAX_BALANCES");
_Static_assert(PARTLIQ_POSITION_MARGIN_CROSS == 0 && PARTLIQ_POSITION_MARGIN_ISOLATED == 1, "partliq_position_margin");
_Static_assert(PARTLIQ_HEALTH_LEVEL_INITIAL == 0 && PARTLIQ_HEALTH_LEVEL_LIQUIDATION_END == 1 && PARTLIQ_HEALTH_LEVEL_MAINTENANCE == 2,
               "partliq_health_level");
_Static_assert(PARTLIQ_MARGIN_RUNG_SAFE == 0 && PARTLIQ_MARGIN_RUNG_WARNING == 1 && PARTLIQ_MARGIN_RUNG_REDUCE_ONLY == 2 &&
                   PARTLIQ_MARGIN_RUNG_LIQUIDATION == 3 && PARTLIQ_MARGIN_RUNG_BACKSTOP == 4,
               "partliq_margin_rung");
/* The three levels of partliq_unified_health, in partliq_health_level's order, one after the other. */
_Static_assert(offsetof(partliq_unified_health, liquidation_end) - offsetof(partliq_unified_health, initial) == sizeof(partliq_level_figures) &&
                   offsetof(partliq_unified_health, maintenance) - offsetof(partliq_unified_health, liquidation_end) == sizeof(partliq_level_figures),
               "partliq_unified_health levels");
_Static_assert(PARTLIQ_NO_INDEX == UINT32_MAX && PARTLIQ_MAX_PLAN_LEGS == 16 && PARTLIQ_MAX_WATERFALL_STEPS == 4 &&
                   PARTLIQ_MAX_LEDGER_ENTRIES == 6,
               "legs and waterfall limits");
_Static_assert(PARTLIQ_LEG_KIND_REDUCE_PERP == 0 && PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY == 1 &&
                   PARTLIQ_LEG_KIND_PERP_PNL_FOR_LIABILITY == 2 && PARTLIQ_LEG_KIND_DEPOSIT_FOR_PERP_LOSS == 3,
               "partliq_leg_kind");
_Static_assert(PARTLIQ_FLOW_UNIT_NONE == 0 && PARTLIQ_FLOW_UNIT_ASSET == 1 && PARTLIQ_FLOW_UNIT_POSITION_QUOTE == 2 &&
                   PARTLIQ_FLOW_UNIT_POSITION_SIZE == 3,
               "partliq_flow_unit");
_Static_assert(PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE == 0 && PARTLIQ_PLAN_OBJECTIVE_LEAST_COST == 1, "partliq_plan_objective");
_Static_assert(PARTLIQ_LEG_ORDERING_CHEAPEST == 0 && PARTLIQ_LEG_ORDERING_PERPS_FIRST == 1 && PARTLIQ_LEG_ORDERING_BY_TIER == 2,
               "partliq_leg_ordering");
_Static_assert(PARTLIQ_WATERFALL_STEP_INSURANCE_FUND == 0 && PARTLIQ_WATERFALL_STEP_BACKSTOP == 1 &&
                   PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS == 2 && PARTLIQ_WATERFALL_STEP_AUTO_DELEVERAGE == 3,
               "partliq_waterfall_step");
_Static_assert(PARTLIQ_FUND_SCOPE_GLOBAL == 0 && PARTLIQ_FUND_SCOPE_PER_MARKET == 1, "partliq_fund_scope");
_Static_assert(PARTLIQ_DEFICIT_KIND_PERP == 0 && PARTLIQ_DEFICIT_KIND_SPOT == 1, "partliq_deficit_kind");
_Static_assert(PARTLIQ_PARTY_KIND_ACCOUNT == 0 && PARTLIQ_PARTY_KIND_LIQUIDATOR == 1 && PARTLIQ_PARTY_KIND_INSURANCE_FUND == 2 &&
                   PARTLIQ_PARTY_KIND_BACKSTOP == 3 && PARTLIQ_PARTY_KIND_SOCIALIZED_PERP == 4 &&
                   PARTLIQ_PARTY_KIND_SOCIALIZED_DEPOSITS == 5 && PARTLIQ_PARTY_KIND_ADL_COUNTERPARTIES == 6,
               "partliq_party_kind");
_Static_assert(PARTLIQ_LEDGER_UNIT_KIND_QUOTE == 0 && PARTLIQ_LEDGER_UNIT_KIND_ASSET == 1, "partliq_ledger_unit_kind");
_Static_assert(PARTLIQ_SOCIALIZATION_KIND_NONE == 0 && PARTLIQ_SOCIALIZATION_KIND_PERP == 1 && PARTLIQ_SOCIALIZATION_KIND_SPOT == 2,
               "partliq_socialization_kind");
_Static_assert(PARTLIQ_DELISTING_OUTCOME_SOLVENT == 0 && PARTLIQ_DELISTING_OUTCOME_BANKRUPT == 1 &&
                   PARTLIQ_DELISTING_OUTCOME_INSOLVENT == 2,
               "partliq_delisting_outcome");
/* 0 is the old reserved value of both fields: callers that zeroed them keep their behaviour. */
_Static_assert(PARTLIQ_FEE_ROUNDING_UP == 0 && PARTLIQ_FEE_ROUNDING_DOWN == 1, "partliq_fee_rounding");
_Static_assert(PARTLIQ_LIMIT_MODE_CAP == 0 && PARTLIQ_LIMIT_MODE_AT_LEAST_ONE_LOT == 1, "partliq_limit_mode");
_Static_assert(PARTLIQ_VERSION_NUMBER == PARTLIQ_VERSION_MAJOR * 1000000 + PARTLIQ_VERSION_MINOR * 1000 + PARTLIQ_VERSION_PATCH,
               "PARTLIQ_VERSION_NUMBER");

/* A translation unit must declare something. */
int partliq_layout_checked(void);
int partliq_layout_checked(void) { return 1; }

/* Lending mode (ffi/src/unified/lending.rs): i128 figures as int64_t hi / uint64_t lo words. */
PIN_SIZE(partliq_lending_terms, 20, uint32_t);
PIN_OFF(partliq_lending_terms, liquidation_threshold_ppm, 0);
PIN_OFF(partliq_lending_terms, liquidation_bonus_ppm, 4);
PIN_OFF(partliq_lending_terms, protocol_fee_ppm, 8);
PIN_OFF(partliq_lending_terms, collateral_enabled, 12);
PIN_OFF(partliq_lending_terms, reserved, 13);
PIN_OFF(partliq_lending_terms, base_exponent, 16);

PIN_SIZE(partliq_lending_account_health, 56, int64_t);
PIN_OFF(partliq_lending_account_health, total_collateral_base_hi, 0);
PIN_OFF(partliq_lending_account_health, total_collateral_base_lo, 8);
PIN_OFF(partliq_lending_account_health, total_debt_base_hi, 16);
PIN_OFF(partliq_lending_account_health, total_debt_base_lo, 24);
PIN_OFF(partliq_lending_account_health, health_factor_hi, 32);
PIN_OFF(partliq_lending_account_health, health_factor_lo, 40);
PIN_OFF(partliq_lending_account_health, liquidatable, 48);
PIN_OFF(partliq_lending_account_health, reserved, 49);

PIN_SIZE(partliq_asset_flow, 72, int64_t);
PIN_OFF(partliq_asset_flow, asset_index, 0);
PIN_OFF(partliq_asset_flow, reserved, 4);
PIN_OFF(partliq_asset_flow, account_hi, 8);
PIN_OFF(partliq_asset_flow, account_lo, 16);
PIN_OFF(partliq_asset_flow, liquidator_hi, 24);
PIN_OFF(partliq_asset_flow, liquidator_lo, 32);
PIN_OFF(partliq_asset_flow, protocol_hi, 40);
PIN_OFF(partliq_asset_flow, protocol_lo, 48);
PIN_OFF(partliq_asset_flow, deficit_hi, 56);
PIN_OFF(partliq_asset_flow, deficit_lo, 64);

PIN_SIZE(partliq_lending_liquidation, 232, int64_t);
PIN_OFF(partliq_lending_liquidation, collateral_asset, 0);
PIN_OFF(partliq_lending_liquidation, debt_asset, 4);
PIN_OFF(partliq_lending_liquidation, before, 8);
PIN_OFF(partliq_lending_liquidation, after, 64);
PIN_OFF(partliq_lending_liquidation, max_liquidatable_debt_hi, 120);
PIN_OFF(partliq_lending_liquidation, max_liquidatable_debt_lo, 128);
PIN_OFF(partliq_lending_liquidation, debt_repaid_hi, 136);
PIN_OFF(partliq_lending_liquidation, debt_repaid_lo, 144);
PIN_OFF(partliq_lending_liquidation, collateral_seized_hi, 152);
PIN_OFF(partliq_lending_liquidation, collateral_seized_lo, 160);
PIN_OFF(partliq_lending_liquidation, collateral_to_liquidator_hi, 168);
PIN_OFF(partliq_lending_liquidation, collateral_to_liquidator_lo, 176);
PIN_OFF(partliq_lending_liquidation, protocol_fee_hi, 184);
PIN_OFF(partliq_lending_liquidation, protocol_fee_lo, 192);
PIN_OFF(partliq_lending_liquidation, deficit_base_hi, 200);
PIN_OFF(partliq_lending_liquidation, deficit_base_lo, 208);
PIN_OFF(partliq_lending_liquidation, close_factor_rule, 216);
PIN_OFF(partliq_lending_liquidation, dust, 220);
PIN_OFF(partliq_lending_liquidation, flow_count, 224);
PIN_OFF(partliq_lending_liquidation, reserved, 228);

PIN_SIZE(partliq_debt_to_cover, 56, int64_t);
PIN_OFF(partliq_debt_to_cover, debt_to_cover_hi, 0);
PIN_OFF(partliq_debt_to_cover, debt_to_cover_lo, 8);
PIN_OFF(partliq_debt_to_cover, max_liquidatable_debt_hi, 16);
PIN_OFF(partliq_debt_to_cover, max_liquidatable_debt_lo, 24);
PIN_OFF(partliq_debt_to_cover, health_factor_after_hi, 32);
PIN_OFF(partliq_debt_to_cover, health_factor_after_lo, 40);
PIN_OFF(partliq_debt_to_cover, restores, 48);
PIN_OFF(partliq_debt_to_cover, exact, 49);
PIN_OFF(partliq_debt_to_cover, reserved, 50);

_Static_assert(PARTLIQ_MAX_LENDING_FLOWS == 66, "PARTLIQ_MAX_LENDING_FLOWS");
_Static_assert(PARTLIQ_CLOSE_FACTOR_RULE_COLLATERAL_BELOW_THRESHOLD == 0 && PARTLIQ_CLOSE_FACTOR_RULE_DEBT_BELOW_THRESHOLD == 1 &&
                   PARTLIQ_CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD == 2 && PARTLIQ_CLOSE_FACTOR_RULE_HALF_OF_TOTAL_DEBT == 3 &&
                   PARTLIQ_CLOSE_FACTOR_RULE_RESERVE_DEBT_WITHIN_HALF == 4,
               "partliq_close_factor_rule");
_Static_assert(PARTLIQ_DUST_CHECK_ALL_DEBT_REPAID == 0 && PARTLIQ_DUST_CHECK_ALL_COLLATERAL_SEIZED == 1 &&
                   PARTLIQ_DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM == 2,
               "partliq_dust_check");

/* The batch scan, the liquidation-price index, priority. */
PIN_SIZE(partliq_scan_account, 16, int64_t);
PIN_OFF(partliq_scan_account, collateral, 0);
PIN_OFF(partliq_scan_account, first_position, 8);
PIN_OFF(partliq_scan_account, position_count, 12);
PIN_SIZE(partliq_scan_hit, 56, uint64_t);
PIN_OFF(partliq_scan_hit, account_index, 0);
PIN_OFF(partliq_scan_hit, health, 8);
PIN_SIZE(partliq_scan_outcome, 32, uint64_t);
PIN_OFF(partliq_scan_outcome, count, 0);
PIN_OFF(partliq_scan_outcome, next, 8);
PIN_OFF(partliq_scan_outcome, exact_checks, 16);
PIN_OFF(partliq_scan_outcome, end, 24);
PIN_OFF(partliq_scan_outcome, error, 28);
PIN_SIZE(partliq_index_entry, 16, int64_t);
PIN_OFF(partliq_index_entry, key, 0);
PIN_OFF(partliq_index_entry, account, 8);
PIN_OFF(partliq_index_entry, position, 12);
PIN_SIZE(partliq_index_stats, 32, uint64_t);
PIN_OFF(partliq_index_stats, capacity, 0);
PIN_OFF(partliq_index_stats, longs, 8);
PIN_OFF(partliq_index_stats, shorts, 16);
PIN_OFF(partliq_index_stats, market_index, 24);
PIN_OFF(partliq_index_stats, reserved, 28);
PIN_SIZE(partliq_index_query, 24, uint64_t);
PIN_OFF(partliq_index_query, count, 0);
PIN_OFF(partliq_index_query, next, 8);
PIN_OFF(partliq_index_query, total, 16);
PIN_SIZE(partliq_priority_item, 40, int64_t);
PIN_OFF(partliq_priority_item, equity, 0);
PIN_OFF(partliq_priority_item, maintenance, 8);
PIN_OFF(partliq_priority_item, notional, 16);
PIN_OFF(partliq_priority_item, oracle_price, 24);
PIN_OFF(partliq_priority_item, fillable_price, 32);
PIN_SIZE(partliq_unified_index_entry, 12, uint32_t);
PIN_OFF(partliq_unified_index_entry, key, 0);
PIN_OFF(partliq_unified_index_entry, account, 4);
PIN_OFF(partliq_unified_index_entry, pool, 8);
PIN_SIZE(partliq_price_move, 8, uint32_t);
PIN_OFF(partliq_price_move, down_ppm, 0);
PIN_OFF(partliq_price_move, up_ppm, 4);
PIN_SIZE(partliq_unified_index_stats, 32, uint64_t);
PIN_OFF(partliq_unified_index_stats, capacity, 0);
PIN_OFF(partliq_unified_index_stats, down, 8);
PIN_OFF(partliq_unified_index_stats, up, 16);
PIN_OFF(partliq_unified_index_stats, both, 24);
_Static_assert(PARTLIQ_UNIFIED_INDEX_ALIGN == 8 && PARTLIQ_UNIFIED_INDEX_KEY_LIMIT == 1000000, "unified index");
_Static_assert(PARTLIQ_MOVE_SIDE_DOWN == 0 && PARTLIQ_MOVE_SIDE_UP == 1 && PARTLIQ_MOVE_SIDE_BOTH == 2, "partliq_move_side");
_Static_assert(PARTLIQ_SCANNER_ALIGN == 16 && PARTLIQ_INDEX_ALIGN == 8, "table alignments");
_Static_assert(PARTLIQ_SCAN_END_COMPLETE == 0 && PARTLIQ_SCAN_END_BUFFER_FULL == 1 && PARTLIQ_SCAN_END_FAILED == 2, "partliq_scan_end");
_Static_assert(PARTLIQ_PRIORITY_ORDER_MARGIN_RATIO == 0 && PARTLIQ_PRIORITY_ORDER_ORACLE_DISTANCE == 1, "partliq_priority_order");

/* The venue replicas' functions. */
PIN_SIZE(partliq_i128, 16, uint64_t);
PIN_OFF(partliq_i128, hi, 0);
PIN_OFF(partliq_i128, lo, 8);
PIN_SIZE(partliq_dydx_liquidity_tier, 24, uint64_t);
PIN_OFF(partliq_dydx_liquidity_tier, initial_margin_ppm, 0);
PIN_OFF(partliq_dydx_liquidity_tier, maintenance_fraction_ppm, 4);
PIN_OFF(partliq_dydx_liquidity_tier, open_interest_lower_cap, 8);
PIN_OFF(partliq_dydx_liquidity_tier, open_interest_upper_cap, 16);
PIN_SIZE(partliq_dydx_position, 72, int64_t);
PIN_OFF(partliq_dydx_position, perpetual_id, 0);
PIN_OFF(partliq_dydx_position, atomic_resolution, 4);
PIN_OFF(partliq_dydx_position, open_interest, 8);
PIN_OFF(partliq_dydx_position, liquidity_tier, 16);
PIN_OFF(partliq_dydx_position, price, 40);
PIN_OFF(partliq_dydx_position, price_exponent, 48);
PIN_OFF(partliq_dydx_position, reserved, 52);
PIN_OFF(partliq_dydx_position, quantums, 56);
PIN_OFF(partliq_dydx_position, quote_balance, 64);
PIN_SIZE(partliq_dydx_risk, 24, int64_t);
PIN_OFF(partliq_dydx_risk, mmr, 0);
PIN_OFF(partliq_dydx_risk, imr, 8);
PIN_OFF(partliq_dydx_risk, nc, 16);
PIN_SIZE(partliq_dydx_clob_pair, 16, uint64_t);
PIN_OFF(partliq_dydx_clob_pair, step_base_quantums, 0);
PIN_OFF(partliq_dydx_clob_pair, subticks_per_tick, 8);
PIN_OFF(partliq_dydx_clob_pair, quantum_conversion_exponent, 12);
PIN_SIZE(partliq_dydx_fill, 24, uint64_t);
PIN_OFF(partliq_dydx_fill, fill_amount, 0);
PIN_OFF(partliq_dydx_fill, subticks, 8);
PIN_OFF(partliq_dydx_fill, is_buy, 16);
PIN_OFF(partliq_dydx_fill, reserved, 20);
PIN_SIZE(partliq_dydx_rational, 32, uint64_t);
PIN_OFF(partliq_dydx_rational, num, 0);
PIN_OFF(partliq_dydx_rational, den, 16);
PIN_SIZE(partliq_dydx_notional_limits, 16, int64_t);
PIN_OFF(partliq_dydx_notional_limits, min, 0);
PIN_OFF(partliq_dydx_notional_limits, max, 8);
PIN_SIZE(partliq_dydx_block_left, 16, int64_t);
PIN_OFF(partliq_dydx_block_left, notional, 0);
PIN_OFF(partliq_dydx_block_left, insurance_lost, 8);
PIN_SIZE(partliq_aave_reserve, 64, uint64_t);
PIN_OFF(partliq_aave_reserve, price, 0);
PIN_OFF(partliq_aave_reserve, decimals, 16);
PIN_OFF(partliq_aave_reserve, liquidation_threshold, 20);
PIN_OFF(partliq_aave_reserve, liquidation_bonus, 24);
PIN_OFF(partliq_aave_reserve, liquidation_protocol_fee, 28);
PIN_OFF(partliq_aave_reserve, liquidity_index, 32);
PIN_OFF(partliq_aave_reserve, variable_borrow_index, 48);
PIN_SIZE(partliq_aave_user_reserve, 40, uint64_t);
PIN_OFF(partliq_aave_user_reserve, scaled_collateral, 0);
PIN_OFF(partliq_aave_user_reserve, scaled_debt, 16);
PIN_OFF(partliq_aave_user_reserve, use_as_collateral, 32);
PIN_OFF(partliq_aave_user_reserve, reserved, 36);
PIN_SIZE(partliq_aave_account, 80, uint64_t);
PIN_OFF(partliq_aave_account, total_collateral_base, 0);
PIN_OFF(partliq_aave_account, total_debt_base, 16);
PIN_OFF(partliq_aave_account, weighted_threshold, 32);
PIN_OFF(partliq_aave_account, avg_liquidation_threshold, 48);
PIN_OFF(partliq_aave_account, health_factor, 64);
PIN_SIZE(partliq_aave_max_debt, 88, uint64_t);
PIN_OFF(partliq_aave_max_debt, max_liquidatable_debt, 0);
PIN_OFF(partliq_aave_max_debt, reserve_collateral_base, 64);
PIN_OFF(partliq_aave_max_debt, rule, 80);
PIN_SIZE(partliq_aave_collateral_quote, 88, uint64_t);
PIN_OFF(partliq_aave_collateral_quote, collateral_to_liquidator, 0);
PIN_OFF(partliq_aave_collateral_quote, base_collateral, 64);
PIN_OFF(partliq_aave_collateral_quote, capped_by_balance, 80);
PIN_SIZE(partliq_aave_call, 32, uint64_t);
PIN_OFF(partliq_aave_call, collateral_index, 0);
PIN_OFF(partliq_aave_call, debt_index, 4);
PIN_OFF(partliq_aave_call, debt_to_cover, 8);
PIN_OFF(partliq_aave_call, receive_a_token, 24);
PIN_OFF(partliq_aave_call, reserved, 28);
PIN_SIZE(partliq_aave_liquidation, 488, uint64_t);
PIN_OFF(partliq_aave_liquidation, account_before, 0);
PIN_OFF(partliq_aave_liquidation, account_after, 80);
PIN_OFF(partliq_aave_liquidation, close_factor, 160);
PIN_OFF(partliq_aave_liquidation, quote, 248);
PIN_OFF(partliq_aave_liquidation, debt_requested, 336);
PIN_OFF(partliq_aave_liquidation, deficit, 448);
PIN_OFF(partliq_aave_liquidation, liquidation_bonus, 464);
PIN_OFF(partliq_aave_liquidation, dust, 468);
PIN_OFF(partliq_aave_liquidation, bad_debt_reserves, 480);
PIN_OFF(partliq_aave_liquidation, reserved, 484);
