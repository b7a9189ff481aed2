/* The header compiles standalone as C11 (it comes first, nothing before it)
 * and may be included twice. Built with -std=c11 -Wall -Wextra -Wpedantic
 * -Werror. */
#include "partliq.h"
#include "partliq.h"

int main(void) {
  partliq_health h = {0, 0, 0, 0, 0, PARTLIQ_HEALTH_STATE_HEALTHY, 0};
  partliq_status st = partliq_pool_health(NULL, 0, NULL, 0, 7, NULL, 0, &h);
  return (st == PARTLIQ_STATUS_OK && h.equity == 7 && partliq_abi_version() == PARTLIQ_VERSION_NUMBER) ? 0 : 1;
}
