#!/usr/bin/env bash
# Regenerates include/partliq.h from src/ffi/ with the pinned cbindgen.
#   bash scripts/ffi/gen-header.sh [OUTPUT]   (default: include/partliq.h)
# Only src/ffi/ is parsed (not the whole crate), so core items never leak
# into the header.
set -euo pipefail
cd "$(dirname "$0")/../.."
want="$(cat scripts/ffi/CBINDGEN_VERSION)"
have="$(cbindgen --version 2>/dev/null | awk '{print $2}')"
if [ "$have" != "$want" ]; then
  echo "cbindgen $want required (found '${have:-none}'): cargo install cbindgen --version $want --locked" >&2
  exit 1
fi
out="${1:-include/partliq.h}"
src="${PARTLIQ_FFI_SRC:-src/ffi}" # another copy of src/ffi (the checker's own test uses one)
cbindgen --quiet --config cbindgen.toml --output "$out" "$src/mod.rs"
