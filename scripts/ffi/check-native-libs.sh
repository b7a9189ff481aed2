#!/usr/bin/env bash
# Checks that cmake/partliqNativeLibs.cmake (Linux branch), the
# INTERFACE_LINK_LIBRARIES of partliq::partliq, lists exactly what rustc says
# a program linking libpartliq.a (the C ABI crate's static library) needs:
# `--print native-static-libs`. rustc prints the note only when it compiles,
# so a scratch target directory is used and its partliq-ffi artifacts are
# removed first.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${PARTLIQ_NATIVE_LIBS_TARGET_DIR:-target/ffi-native-libs}"
rm -rf "$scratch/debug/deps/"libpartliq_ffi* "$scratch/debug/.fingerprint/"partliq-ffi-* 2>/dev/null || true
note="$(cargo rustc --quiet -p partliq-ffi --lib --crate-type staticlib --target-dir "$scratch" -- --print native-static-libs 2>&1 |
  sed -n 's/.*native-static-libs: //p' | head -n1)"
if [ -z "$note" ]; then
  echo "rustc printed no native-static-libs note" >&2
  exit 1
fi
rustc_list="$(for w in $note; do echo "${w#-l}"; done | paste -sd';' -)"
cmake_list="$(sed -n '/^else()/,/^endif()/s/.*set(PARTLIQ_NATIVE_STATIC_LIBS "\(.*\)").*/\1/p' cmake/partliqNativeLibs.cmake)"
if [ "$rustc_list" != "$cmake_list" ]; then
  echo "cmake/partliqNativeLibs.cmake says '$cmake_list', rustc says '$rustc_list'" >&2
  exit 1
fi
echo "native static libs agree: $cmake_list"
