#!/usr/bin/env bash
# Regenerates ffi/src/status/codes.rs (the PARTLIQ_STATUS_* constant of every
# core error) from the core's error table, src/error.rs, through
# partliq::Error::ALL:
#   bash scripts/ffi/gen-status-codes.sh
# The unit test status::tests::codes_are_generated compares the file with
# what it would generate and, with PARTLIQ_BLESS=1, rewrites it instead of
# failing. Run scripts/ffi/gen-header.sh afterwards (it runs this first).
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTLIQ_BLESS=1 cargo test --quiet -p partliq-ffi --lib status::tests::codes_are_generated >/dev/null
cargo test --quiet -p partliq-ffi --lib status::tests::codes_are_generated >/dev/null
echo "ffi/src/status/codes.rs is what src/error.rs generates"
