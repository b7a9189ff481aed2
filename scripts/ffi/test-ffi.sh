#!/usr/bin/env bash
# Every check of the C ABI, from a fresh clone on a Debian machine that has
# only the Rust toolchain (scripts/test-all.sh calls it last):
#
#   bash scripts/ffi/test-ffi.sh
#
#  1. installs what is missing: cmake, golang-go, libjna-java, valgrind (and a
#     JDK if javac is missing) from Debian's packages, cbindgen at the pinned
#     version (scripts/ffi/CBINDGEN_VERSION) from crates.io;
#  2. include/partliq.h is what cbindgen generates now (and the check itself
#     catches a changed struct), its version macros equal Cargo.toml's;
#  3. the static library's INTERFACE_LINK_LIBRARIES equal rustc's
#     --print native-static-libs;
#  4. the Rust side (the C ABI crate, partliq-ffi): layout, status, version,
#     the boundary's pointer checks and the cross-language table; its build
#     without std (no_std, no alloc, its own panic handler);
#  5. CMake configure + build (build/ffi: cargo build -p partliq-ffi with
#     panic = "abort", libpartliq_ffi.{a,so} copied to libpartliq.{a,so}), no
#     stack probe in an exported function (scripts/ffi/check-stack-probes.sh),
#     and ctest: C (plain, ASan+UBSan, valgrind, shared), the table in C,
#     header C11/C++17, the C++ engine loop, both consumer projects, go test,
#     the Java JNA test.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
step() { printf '\n==> ffi: %s\n' "$*"; }

step "tools"
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v go >/dev/null || need+=(golang-go)
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
command -v valgrind >/dev/null || need+=(valgrind)
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v c++ >/dev/null || need+=(g++)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
want_cbindgen="$(cat scripts/ffi/CBINDGEN_VERSION)"
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $want_cbindgen" ]; then
  echo "installing cbindgen $want_cbindgen"
  cargo install cbindgen --version "$want_cbindgen" --locked --quiet
fi
cmake --version | head -n1
go version
javac -version 2>&1
valgrind --version
cbindgen --version

step "header is fresh"
bash scripts/ffi/check-header.sh
# The check must catch a public struct changed without regenerating.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r ffi/src "$scratch/ffi"
sed -i 's|^    pub price: i64,$|    pub price: i64,\n    /// Added without regenerating the header.\n    pub extra: i64,|' "$scratch/ffi/pricing.rs"
grep -q 'pub extra: i64' "$scratch/ffi/pricing.rs"
PARTLIQ_FFI_SRC="$scratch/ffi" bash scripts/ffi/gen-header.sh "$scratch/partliq.h"
if diff -q include/partliq.h "$scratch/partliq.h" >/dev/null; then
  echo "the stale-header check did not notice a changed struct" >&2
  exit 1
fi
echo "a changed struct is caught by the stale-header check"

step "native static libs"
bash scripts/ffi/check-native-libs.sh

step "Rust side (layout, statuses, version, boundary, cross-language table)"
# The unit tests, and the ffi_overhead benchmark run once as a test.
cargo test --quiet -p partliq-ffi --all-targets
# The C ABI needs neither std nor alloc: without std its static library and
# shared library carry the crate's own panic handler, and need panic = abort
# (no unwinding runtime without std).
CARGO_PROFILE_DEV_PANIC=abort cargo build --quiet -p partliq-ffi --lib --no-default-features

step "cmake + ctest"
build="${PARTLIQ_FFI_BUILD_DIR:-$root/build/ffi}"
cmake -S . -B "$build" -DPARTLIQ_REQUIRE_ALL_TESTS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j2
bash scripts/ffi/check-stack-probes.sh "$build/partliq-lib/libpartliq.so"
(cd "$build" && ctest --output-on-failure -j2)
