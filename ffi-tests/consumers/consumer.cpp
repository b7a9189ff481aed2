// A downstream C++ program: links partliq (static or shared, whichever the
// consumer project chose) and checks one health figure and the version.
#include <partliq.h>

#include <cstdio>
#include <cstring>

int main() {
  partliq_market m{};
  m.lot_step = 1;
  m.tick = 1;
  m.tier_count = 1;
  m.tiers[0].initial_ppm = 100000;
  m.tiers[0].maintenance_ppm = 50000;
  const int64_t price = 100;
  partliq_position p{};
  p.size = 100;
  p.quote_balance = -9600;
  partliq_health h{};
  const partliq_status st = partliq_pool_health(&m, 1, &price, 1, 0, &p, 1, &h);
  std::printf("partliq %s: status %u equity %lld maintenance %lld\n", partliq_version(), st, static_cast<long long>(h.equity),
              static_cast<long long>(h.maintenance_requirement));
  const bool ok = st == PARTLIQ_STATUS_OK && h.equity == 400 && h.maintenance_requirement == 500 &&
                  h.state == PARTLIQ_HEALTH_STATE_LIQUIDATABLE && partliq_abi_version() == PARTLIQ_VERSION_NUMBER;
  return ok ? 0 : 1;
}
