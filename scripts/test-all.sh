#!/usr/bin/env bash
# Runs every check of the project, from a fresh clone, on a machine that has
# only the Rust toolchain. This is what CI runs (.ci/run calls it).
#
#   bash scripts/test-all.sh
#
# Steps: formatting, clippy (the whole workspace: warnings denied, core lints
# denied), the no_std build (the core alone: no dependency; for a 32-bit
# MCU, thumbv7em-none-eabihf, the C ABI crate too; an embedded-style consumer
# with its own panic handler), a grep that src/ and ffi/src/ never name
# `alloc`, and every test (unit, property, conformance, zero-allocation) in
# debug and the property tests again in release; then the C ABI, Miri over
# its pointer handling, loom, fuzzing, the panic check and the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy (the workspace, all targets, warnings denied)"
cargo clippy --workspace --all-targets -- -D warnings

step "no_std build (no default features: no std, no alloc)"
cargo build -p partliq --no-default-features
if grep -rnE '\balloc::|extern crate alloc' src/ ffi/src/; then
  echo "src/ and ffi/src/ must not use alloc" >&2
  exit 1
fi
# The core without std depends on nothing.
tree=$(cargo tree -p partliq --no-default-features -e normal --prefix none)
if [ "$(printf '%s\n' "$tree" | sort -u | wc -l)" -ne 1 ] || [ "${tree%% *}" != "partliq" ]; then
  echo "the no_std core has dependencies:" >&2
  printf '%s\n' "$tree" >&2
  exit 1
fi
# A 32-bit MCU (Cortex-M4F, no 64-bit atomics): the core's i128 arithmetic,
# and the C ABI crate as a no_std static library (its own panic handler;
# panic = abort, the target's default).
rustup target list --installed | grep -qx thumbv7em-none-eabihf || rustup target add thumbv7em-none-eabihf
cargo build -p partliq --no-default-features --target thumbv7em-none-eabihf
cargo build -p partliq-ffi --lib --no-default-features --target thumbv7em-none-eabihf
# An embedded-style consumer: a no_std static library that defines its own
# panic handler, as firmware does (the core must not define one).
(cd tests/no_std_consumer && cargo build --release)
# The consumer must have pulled in partliq and nothing else.
deps=$(cd tests/no_std_consumer && cargo tree -e normal --prefix none | sort -u | wc -l)
if [ "$deps" -ne 2 ]; then
  echo "no_std dependency tree is not just partliq:" >&2
  (cd tests/no_std_consumer && cargo tree -e normal) >&2
  exit 1
fi

step "tests (debug)"
cargo test --all-targets
cargo test --doc

# ---------------------------------------------------------------------------
# C ABI: header freshness, CMake package, C / C++ / Go / Java tests
# under ctest. Installs cmake, golang-go, libjna-java, valgrind and the pinned
# cbindgen when missing. See ffi-tests/README.md and docs/c-abi.md.
step "C ABI: scripts/ffi/test-ffi.sh"
bash scripts/ffi/test-ffi.sh
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Miri over the C ABI crate's unit tests (~2 min): the boundary's handling of
# NULL, misaligned, aliased and undersized arguments, and every entry point
# the tests call, checked for undefined behaviour (any report fails). The
# cross-language table is left out: it reads files, and is slow under Miri.
step "C ABI under Miri"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
for c in miri rust-src; do
  rustup component list --toolchain nightly --installed | grep -q "^$c" || rustup component add "$c" --toolchain nightly
done
cargo +nightly miri test -p partliq-ffi --lib -- --skip cases::
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Shared state: loom model tests of partliq::shared, inside the
# crate (src/shared/loom_tests.rs), preemption bound 3, ~15 s (+ about a
# minute for the first build). A separate target dir, since the --cfg in
# RUSTFLAGS would otherwise rebuild everything. Only the models run: under
# the cfg the atomics are loom's, which other tests must not touch.
step "shared state: loom model tests"
RUSTFLAGS="--cfg partliq_loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib shared::loom_tests
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Performance: the criterion benches are not run here (minutes, and
# they need a quiet machine; see the README's Performance section). `cargo
# test --all-targets` above already builds every bench and runs each once as
# a test, on populations a hundredth the size, so they cannot rot.
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Reliability: a bounded run of every cargo-fuzz target (fuzz/,
# seeded from the committed corpora; any crash or failed invariant fails the
# run) and the link-time panic check (scripts/panic-check.sh). FUZZ_SECONDS
# per target (default 25: 27 targets ≈ 11 min, plus the first build).
step "fuzz: every target for ${FUZZ_SECONDS:-25} s"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
(
  cd fuzz
  for t in $(cargo +nightly fuzz list); do
    mkdir -p "target/ci-corpus/$t" "corpus/$t"
    if ! cargo +nightly fuzz run "$t" "target/ci-corpus/$t" "corpus/$t" -- \
      -max_total_time="${FUZZ_SECONDS:-25}" -print_final_stats=1 >"target/ci-$t.log" 2>&1; then
      tail -n 80 "target/ci-$t.log" >&2
      echo "fuzz target $t failed (reproducer in fuzz/artifacts/$t/)" >&2
      exit 1
    fi
    grep -E '^stat::number_of_executed_units' "target/ci-$t.log" | sed "s/^/$t: /"
  done
)
step "panic check: scripts/panic-check.sh"
bash scripts/panic-check.sh
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Stress simulator: its tests, then the README's first command.
step "stress simulator: tests, clippy and a default run"
# The HTML report's test renders it in a headless Chromium (installed here
# when missing; without it that test says SKIPPED and checks the page only).
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null; then
    $sudo apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null \
      || echo "could not install chromium: the HTML report's browser check will be skipped" >&2
  fi
fi
cargo test -p partliq-sim
cargo clippy -p partliq-sim --all-targets -- -D warnings
cargo run --release -q -p partliq-sim -- --quiet --json target/partliq-sim/report.json
# The lab's other modes, small: a Monte Carlo and a tuning run.
cargo run --release -q -p partliq-sim -- --quiet --monte-carlo 4 --seed 1 --accounts 1000 --out target/partliq-sim
cargo run --release -q -p partliq-sim -- tune --quiet --evals 4 --accounts 500 --scenario gap_down --out target/partliq-sim
# ---------------------------------------------------------------------------

echo
echo "all checks passed"
