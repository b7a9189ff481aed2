/* The checks shared by the C test files: counters (defined in test_api.c),
 * CHECK / CHECK_STATUS, and the sentinel bytes an output must keep when a
 * call fails. */
#ifndef PARTLIQ_TEST_CHECK_H
#define PARTLIQ_TEST_CHECK_H

#include "partliq.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int passed, failed;


#define CHECK(cond)                                                          \
  do {                                                                       \
    if (cond) {                                                              \
      passed++;                                                              \
    } else {                                                                 \
      failed++;                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                        \
  } while (0)

#define CHECK_STATUS(call, want)                                                                      \
  do {                                                                                                \
    partliq_status got_ = (call);                                                                     \
    if (got_ == (partliq_status)(want)) {                                                             \
      passed++;                                                                                       \
    } else {                                                                                          \
      failed++;                                                                                       \
      fprintf(stderr, "%s:%d: %s returned %" PRIu32 " (%s), want %s\n", __FILE__, __LINE__, #call, got_, \
              partliq_status_str(got_), #want);                                                        \
    }                                                                                                 \
  } while (0)

#define SENTINEL 0xA5
#define POISON(x) memset(&(x), SENTINEL, sizeof(x))

int untouched(const void *p, size_t n);
#define UNTOUCHED(x) CHECK(untouched(&(x), sizeof(x)))

/* The test groups of the other files, run by test_api.c's main. */
void test_engine(void);
void test_escalation(void);
void test_shared_state(void);
void test_unified(void);
void test_lending(void);
void test_liquidation(void);
void test_hot_path(void);
void test_oracle(void);

#endif
