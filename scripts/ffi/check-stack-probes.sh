#!/usr/bin/env bash
# x86-64 only: fails when an exported partliq_* function of the shared
# library has an inline stack probe (a frame over 4 KiB). rustc 1.95's LLVM
# miscompiled such an entry point (the probe, shrink-wrapped after argument
# checks, clobbered a live r11), so the C entry points keep small frames and
# leave large working arrays to the core functions they call.
#   bash scripts/ffi/check-stack-probes.sh [path/to/libpartliq.so]
# (default: the C ABI crate's release build, target/release/libpartliq_ffi.so,
# the file CMake installs as libpartliq.so)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib="${1:-target/release/libpartliq_ffi.so}"
if [ "$(uname -m)" != "x86_64" ]; then
  echo "not x86-64: skipped"
  exit 0
fi
bad="$(objdump -d --no-show-raw-insn "$lib" | awk '
  /^[0-9a-f]+ <partliq_[a-z_0-9]+>:$/ { fn = $2; next }
  /^[0-9a-f]+ <.*>:$/ { fn = "" }
  fn != "" && /sub +\$0x1000,%rsp/ { print fn }' | sort -u)"
if [ -n "$bad" ]; then
  echo "entry points with stack probes (frames over 4 KiB): $bad" >&2
  exit 1
fi
echo "no exported partliq_* function has a stack probe"
