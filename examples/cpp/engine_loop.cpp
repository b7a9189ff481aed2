// A C++17 matching-engine loop on partliq's C ABI.
//
// The engine keeps its own accounts (collateral plus partliq_position
// arrays), feeds a price path (BTC and ETH marks falling 1 % a tick for
// twenty ticks), and on every tick, for every account: checks its health,
// plans the least liquidation that restores maintenance + 5 % (largest
// maintenance first, orders limited to a 0.25 % band around the mark), fills
// every leg at its limit price, books each fill with partliq_settle_fill and
// writes the new position back. It prints every liquidation and a summary;
// the test compares the output with expected_output.txt.
//
// Then a unified account (partliq's README example): SOL deposited as
// weighted collateral, USDC borrowed, a BTC perp with unsettled funding and
// resting asks. The engine reads its health at three levels with Binance
// portfolio margin's ladder, cancels the resting orders when the unified
// pipeline says so, fills the liquidation leg at its limit price, books it
// into the position, and asks again.
//
// Units: quote in micro-USD, sizes in 1e-8 of a coin, prices in cents:
// notional = size × price × 10^-4.
#include "partliq.h"

#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(partliq_status status, const char *what) {
  if (status != PARTLIQ_STATUS_OK) {
    throw std::runtime_error(std::string(what) + ": " + partliq_status_str(status) + " (" + std::to_string(status) + ")");
  }
}

struct Tier {
  int64_t floor;
  uint32_t initial_ppm;
  uint32_t maintenance_ppm;
};

partliq_market make_market(uint32_t id, const std::vector<Tier> &tiers) {
  partliq_market m{};
  m.id = id;
  m.quote_exponent = -4;
  m.lot_step = 1000;
  m.tick = 100;
  for (size_t i = 0; i < tiers.size(); i++) {
    m.tiers[i].notional_floor = tiers[i].floor;
    m.tiers[i].initial_ppm = tiers[i].initial_ppm;
    m.tiers[i].maintenance_ppm = tiers[i].maintenance_ppm;
  }
  m.tier_count = static_cast<uint32_t>(tiers.size());
  m.liquidation_fee_ppm = 5000;         // 0.5 %
  m.liquidator_fee_share_ppm = 500000;  // half to the liquidator
  m.dust_floor = 10000000;              // 10 USD
  check(partliq_market_validate(&m), "market_validate");
  return m;
}

partliq_position position(uint32_t market, int64_t size, int64_t quote_balance) {
  partliq_position p{};
  p.market_index = market;
  p.size = size;
  p.quote_balance = quote_balance;
  return p;
}

struct Account {
  int64_t collateral;
  std::vector<partliq_position> positions;
};

// "-1234567" micro-USD → "-1.23" (truncated to cents, integer arithmetic only).
std::string usd(int64_t micro) {
  const bool negative = micro < 0;
  const uint64_t m = negative ? 0 - static_cast<uint64_t>(micro) : static_cast<uint64_t>(micro);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%02" PRIu64, negative ? "-" : "", m / 1000000, (m / 10000) % 100);
  return buf;
}

std::string cents(int64_t price) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%02" PRId64, price / 100, price % 100);
  return buf;
}

const char *outcome(uint32_t status) {
  switch (status) {
    case PARTLIQ_OUTCOME_ALREADY_SAFE: return "AlreadySafe";
    case PARTLIQ_OUTCOME_RESTORED: return "Restored";
    case PARTLIQ_OUTCOME_INFEASIBLE: return "Infeasible";
    default: return "?";
  }
}

const char *state(uint32_t s) {
  switch (s) {
    case PARTLIQ_HEALTH_STATE_HEALTHY: return "healthy";
    case PARTLIQ_HEALTH_STATE_LIQUIDATABLE: return "liquidatable";
    case PARTLIQ_HEALTH_STATE_BANKRUPT: return "bankrupt";
    default: return "?";
  }
}

const char *rung(uint32_t r) {
  switch (r) {
    case PARTLIQ_MARGIN_RUNG_SAFE: return "safe";
    case PARTLIQ_MARGIN_RUNG_WARNING: return "warning";
    case PARTLIQ_MARGIN_RUNG_REDUCE_ONLY: return "reduce-only";
    case PARTLIQ_MARGIN_RUNG_LIQUIDATION: return "liquidation";
    case PARTLIQ_MARGIN_RUNG_BACKSTOP: return "backstop";
    default: return "?";
  }
}

const char *action(uint32_t a) {
  switch (a) {
    case PARTLIQ_ACTION_NONE: return "none";
    case PARTLIQ_ACTION_LIQUIDATE: return "liquidate";
    case PARTLIQ_ACTION_BACKSTOP: return "backstop";
    case PARTLIQ_ACTION_TAKEOVER: return "takeover";
    case PARTLIQ_ACTION_CANCEL_ORDERS: return "cancel orders";
    default: return "?";
  }
}

const char *reason(uint32_t r) {
  switch (r) {
    case PARTLIQ_REASON_HEALTHY: return "healthy";
    case PARTLIQ_REASON_TARGET_RESTORED: return "target restored";
    case PARTLIQ_REASON_OPEN_ORDERS: return "open orders";
    default: return "other";
  }
}

// The unified account and what it is valued against, owned by the engine.
struct UnifiedAccount {
  std::vector<partliq_market> markets;
  std::vector<int64_t> marks;
  std::vector<int64_t> funding_indexes;
  std::vector<partliq_asset> assets;
  std::vector<int64_t> asset_prices;
  std::vector<partliq_asset_balance> balances;
  std::vector<partliq_perp_position> positions;
};

partliq_asset make_asset(int32_t exponent, uint32_t initial_asset, uint32_t maintenance_asset, uint32_t initial_liability,
                         uint32_t maintenance_liability) {
  partliq_asset a{};
  a.quote_exponent = exponent;
  a.initial_asset_weight_ppm = initial_asset;
  a.maintenance_asset_weight_ppm = maintenance_asset;
  a.initial_liability_weight_ppm = initial_liability;
  a.maintenance_liability_weight_ppm = maintenance_liability;
  a.imf_unit = 1;
  check(partliq_asset_validate(&a), "asset_validate");
  return a;
}

void print_unified_health(const UnifiedAccount &u, const partliq_margin_ladder &ladder) {
  partliq_unified_health h;
  check(partliq_unified_pool_health(u.markets.data(), u.markets.size(), u.marks.data(), u.marks.size(), u.funding_indexes.data(),
                                    u.funding_indexes.size(), nullptr, 0, u.assets.data(), u.assets.size(), u.asset_prices.data(),
                                    u.asset_prices.size(), u.balances.data(), u.balances.size(), u.positions.data(), u.positions.size(), 0,
                                    &ladder, &h),
        "unified_pool_health");
  std::printf("unified: equity %s USD, initial %s / %s, liquidation end %s / %s, maintenance %s / %s USD, margin ratio %" PRIu64
              " ppm, %s, rung %s\n",
              usd(h.equity).c_str(), usd(h.initial.collateral).c_str(), usd(h.initial.requirement).c_str(),
              usd(h.liquidation_end.collateral).c_str(), usd(h.liquidation_end.requirement).c_str(), usd(h.maintenance.collateral).c_str(),
              usd(h.maintenance.requirement).c_str(), h.margin_ratio_ppm, state(h.state), rung(h.rung));
}

partliq_decision run_unified(const UnifiedAccount &u, const partliq_policy &policy, partliq_account_liquidation_state &st,
                             std::array<partliq_plan_leg, PARTLIQ_MAX_POSITIONS> &legs) {
  partliq_decision d;
  check(partliq_run_unified_pipeline(u.markets.data(), u.markets.size(), u.marks.data(), u.marks.size(), u.funding_indexes.data(),
                                     u.funding_indexes.size(), nullptr, 0, u.assets.data(), u.assets.size(), u.asset_prices.data(),
                                     u.asset_prices.size(), u.balances.data(), u.balances.size(), u.positions.data(), u.positions.size(),
                                     0, &policy, &st, nullptr, 0, 0, 0, legs.data(), legs.size(), &d),
        "run_unified_pipeline");
  std::printf("unified: %s (%s)\n", action(d.action), reason(d.reason));
  return d;
}

// The README's unified account, µUSD: USDC at par; SOL in lamports (e = −9),
// 80 / 90 % asset and 120 / 110 % liability weights, at 150 USD; BTC (sizes
// in 1e-8 BTC, prices in cents, 10 % / 5 %, no fee) at 57,000 USD with a
// cumulative funding index of 1,500. 40 SOL deposited, 1,000 USDC borrowed;
// 1 BTC long (cross) bought at 60,000, last settled at index 1,000, with
// 0.5 BTC of resting asks.
void unified_account(std::array<partliq_plan_leg, PARTLIQ_MAX_POSITIONS> &legs) {
  partliq_market btc{};
  btc.quote_exponent = -4;
  btc.lot_step = 1000;
  btc.tick = 100;
  btc.tier_count = 1;
  btc.tiers[0].initial_ppm = 100000;
  btc.tiers[0].maintenance_ppm = 50000;
  check(partliq_market_validate(&btc), "market_validate");
  UnifiedAccount u;
  u.markets = {btc};
  u.marks = {5700000};
  u.funding_indexes = {1500};
  u.assets = {make_asset(0, 1000000, 1000000, 1000000, 1000000), make_asset(-9, 800000, 900000, 1200000, 1100000)};
  u.asset_prices = {1, 150000000};
  u.balances = {partliq_asset_balance{1, 0, 40000000000}, partliq_asset_balance{0, 0, -1000000000}};
  partliq_perp_position long_btc{};
  long_btc.margin = PARTLIQ_POSITION_MARGIN_CROSS;
  long_btc.size = 100000000;
  long_btc.quote_balance = -60000000000;
  long_btc.last_funding_index = 1000;
  long_btc.open_asks = 50000000;
  u.positions = {long_btc};
  partliq_margin_ladder ladder;
  check(partliq_margin_ladder_binance_portfolio_margin(&ladder), "margin_ladder");
  partliq_policy policy;
  check(partliq_policy_default(&policy), "policy_default");
  partliq_account_liquidation_state st{};

  print_unified_health(u, ladder);
  partliq_decision d = run_unified(u, policy, st, legs);
  if (d.action == PARTLIQ_ACTION_CANCEL_ORDERS) {
    for (auto &p : u.positions) p.open_bids = p.open_asks = 0;  // the engine cancels them
  }
  d = run_unified(u, policy, st, legs);
  for (uint32_t k = 0; k < d.plan.leg_count; k++) {
    // Filled at its limit price: the cash and fee the plan expected.
    const partliq_plan_leg &leg = legs[k];
    partliq_perp_position &p = u.positions[leg.position_index];
    p.size += leg.size_delta;
    p.quote_balance += leg.expected_cash - leg.expected_fee;
    std::printf("unified: position %" PRIu32 " size_delta %" PRId64 " limit %s cash %s fee %s\n", leg.position_index, leg.size_delta,
                cents(leg.limit_price).c_str(), usd(leg.expected_cash).c_str(), usd(leg.expected_fee).c_str());
  }
  // Healthy at maintenance; Binance's ladder still reads its coverage
  // (100.004 %) as below its 105 % liquidation rung.
  print_unified_health(u, ladder);
  run_unified(u, policy, st, legs);
}

}  // namespace

int main() {
  if (partliq_abi_version() / 1000000 != PARTLIQ_VERSION_MAJOR) {
    std::fprintf(stderr, "libpartliq %s does not match the header's major version\n", partliq_version());
    return 1;
  }
  const std::vector<partliq_market> markets = {
      make_market(0, {{0, 20000, 10000}, {1000000000000, 40000, 20000}}),
      make_market(1, {{0, 40000, 20000}, {500000000000, 80000, 40000}}),
  };
  std::vector<int64_t> prices = {6000000, 300000};  // 60,000.00 and 3,000.00 USD
  std::vector<Account> accounts = {
      {10000000000, {position(0, 200000000, -120000000000)}},                                      // 2 BTC long, ~12x
      {6000000000, {position(1, 2000000000, -60000000000), position(0, -50000000, 30000000000)}},  // 20 ETH long, 0.5 BTC short
      {15000000000, {position(0, 30000000, -18000000000)}},                                        // 0.3 BTC long, well funded
  };
  partliq_plan_params params{};
  params.target.kind = PARTLIQ_TARGET_KIND_MAINTENANCE;
  params.target.buffer_ppm = 50000;
  params.price_band_ppm = 2500;
  params.order = PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST;

  // The planner's output buffer, reused: no allocation in the loop.
  std::array<partliq_plan_leg, PARTLIQ_MAX_POSITIONS> legs{};
  int liquidations = 0;
  int64_t fees = 0, fund = 0, bad_debt = 0;
  std::printf("partliq %s\n", partliq_version());
  std::printf("tick account plan position size_delta limit fee equity_before equity_after\n");
  try {
    for (int tick = 1; tick <= 20; tick++) {
      for (auto &p : prices) p = p * 99 / 100;
      for (size_t a = 0; a < accounts.size(); a++) {
        Account &acct = accounts[a];
        partliq_plan plan;
        check(partliq_plan_liquidation(markets.data(), markets.size(), prices.data(), prices.size(), acct.collateral, acct.positions.data(),
                                       acct.positions.size(), &params, legs.data(), legs.size(), &plan),
              "plan_liquidation");
        for (uint32_t k = 0; k < plan.leg_count; k++) {
          const partliq_plan_leg &leg = legs[k];
          partliq_fill fill{};
          fill.position_index = leg.position_index;
          fill.size_delta = leg.size_delta;
          fill.price = leg.limit_price;
          partliq_settlement s;
          check(partliq_settle_fill(markets.data(), markets.size(), prices.data(), prices.size(), acct.collateral, acct.positions.data(),
                                    acct.positions.size(), &fill, &s),
                "settle_fill");
          acct.positions[leg.position_index] = s.new_position;
          liquidations++;
          fees += s.fee;
          fund += s.insurance_fund_delta;
          bad_debt += s.bad_debt;
          std::printf("%d %zu %s %" PRIu32 " %" PRId64 " %s %s %s %s\n", tick, a, outcome(plan.status), leg.position_index, leg.size_delta,
                      cents(leg.limit_price).c_str(), usd(s.fee).c_str(), usd(plan.health_before.equity).c_str(),
                      usd(s.health_after.equity).c_str());
        }
      }
    }
    std::printf("summary: %d liquidations, fees %s USD, insurance fund %s USD, bad debt %s USD\n", liquidations, usd(fees).c_str(),
                usd(fund).c_str(), usd(bad_debt).c_str());
    for (size_t a = 0; a < accounts.size(); a++) {
      partliq_health h;
      const Account &acct = accounts[a];
      check(partliq_pool_health(markets.data(), markets.size(), prices.data(), prices.size(), acct.collateral, acct.positions.data(),
                                acct.positions.size(), &h),
            "pool_health");
      std::printf("account %zu: equity %s USD, maintenance %s USD, %s\n", a, usd(h.equity).c_str(), usd(h.maintenance_requirement).c_str(),
                  state(h.state));
    }
    unified_account(legs);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "engine_loop: %s\n", e.what());
    return 1;
  }
  return 0;
}
