#!/usr/bin/env bash
# Regenerates include/partliq.h from the C ABI crate (ffi/src/) with the
# pinned cbindgen and ffi/cbindgen.toml.
#   bash scripts/ffi/gen-header.sh [OUTPUT]   (default: include/partliq.h)
# Only the C ABI crate is parsed (from ffi/src/lib.rs, not its dependencies),
# so core items never leak into the header. Regenerating include/partliq.h
# itself (no OUTPUT) first regenerates the core errors' status constants,
# ffi/src/status/codes.rs, from src/error.rs (scripts/ffi/gen-status-codes.sh);
# with an OUTPUT (as scripts/ffi/check-header.sh runs it) nothing in the
# repository is rewritten.
set -euo pipefail
cd "$(dirname "$0")/../.."
want="$(cat scripts/ffi/CBINDGEN_VERSION)"
have="$(cbindgen --version 2>/dev/null | awk '{print $2}')"
if [ "$have" != "$want" ]; then
  echo "cbindgen $want required (found '${have:-none}'): cargo install cbindgen --version $want --locked" >&2
  exit 1
fi
out="${1:-include/partliq.h}"
src="${PARTLIQ_FFI_SRC:-ffi/src}" # another copy of ffi/src (the checker's own test uses one)
if [ "$#" -eq 0 ] && [ -z "${PARTLIQ_FFI_SRC:-}" ]; then
  bash scripts/ffi/gen-status-codes.sh
fi
cbindgen --quiet --config ffi/cbindgen.toml --output "$out" "$src/lib.rs"
