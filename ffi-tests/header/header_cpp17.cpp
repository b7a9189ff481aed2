// The header compiles standalone as C++17 (it comes first, nothing before
// it), may be included twice, and its structs are standard-layout
// aggregates of the sizes the C side pins. Built with -std=c++17 -Wall
// -Wextra -Wpedantic -Werror.
#include "partliq.h"
#include "partliq.h"

#include <type_traits>

static_assert(std::is_standard_layout<partliq_market>::value && std::is_trivially_copyable<partliq_market>::value, "partliq_market");
static_assert(std::is_standard_layout<partliq_settlement>::value && std::is_trivially_copyable<partliq_settlement>::value,
              "partliq_settlement");
static_assert(sizeof(partliq_market) == 304 && sizeof(partliq_plan) == 128 && sizeof(partliq_settlement) == 144, "sizes");
static_assert(std::is_standard_layout<partliq_unified_health>::value && std::is_trivially_copyable<partliq_unified_health>::value,
              "partliq_unified_health");
static_assert(std::is_standard_layout<partliq_perp_position>::value && std::is_trivially_copyable<partliq_perp_position>::value,
              "partliq_perp_position");
static_assert(sizeof(partliq_asset) == 40 && sizeof(partliq_perp_position) == 48 && sizeof(partliq_unified_health) == 72, "unified sizes");
static_assert(sizeof(partliq_position_margin) == 4 && sizeof(partliq_margin_rung) == 4 && sizeof(partliq_health_level) == 4,
              "unified enumerations are 32-bit");
static_assert(sizeof(partliq_unified_leg) == 24 && sizeof(partliq_leg_settlement) == 192 && sizeof(partliq_leg_sizing) == 232 &&
                  sizeof(partliq_unified_plan) == 104 && sizeof(partliq_ledger_entry) == 32 && sizeof(partliq_waterfall_outcome) == 208 &&
                  sizeof(partliq_pool_delisting) == 104,
              "liquidation sizes");
static_assert(std::is_standard_layout<partliq_waterfall_outcome>::value && std::is_trivially_copyable<partliq_waterfall_outcome>::value,
              "partliq_waterfall_outcome");
static_assert(std::is_same<partliq_status, uint32_t>::value, "partliq_status is a uint32_t");
static_assert(sizeof(partliq_health_state) == 4 && sizeof(partliq_plan_order) == 4, "enumerations are 32-bit");

int main() {
  partliq_health h{};
  const partliq_status st = partliq_pool_health(nullptr, 0, nullptr, 0, 7, nullptr, 0, &h);
  return (st == PARTLIQ_STATUS_OK && h.equity == 7 && partliq_abi_version() == PARTLIQ_VERSION_NUMBER) ? 0 : 1;
}
