#!/usr/bin/env bash
# Runs every check of the project, from a fresh clone, on a machine that has
# only the Rust toolchain. This is what CI runs (.ci/run calls it).
#
#   bash scripts/test-all.sh
#
# Steps: formatting, clippy (warnings denied, core lints denied), the no_std
# build (the crate itself and an embedded-style consumer), a grep that src/
# never names `alloc`, and every test (unit, property, conformance,
# zero-allocation) in debug and the property tests again in release.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy (all targets, warnings denied)"
cargo clippy --all-targets -- -D warnings

step "no_std build (no default features: no std, no alloc)"
cargo build --no-default-features
if grep -rnE '\balloc::|extern crate alloc' src/; then
  echo "src/ must not use alloc" >&2
  exit 1
fi
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
# C ABI (issue 4): header freshness, CMake package, C / C++ / Go / Java tests
# under ctest. Installs cmake, golang-go, libjna-java, valgrind and the pinned
# cbindgen when missing. See ffi-tests/README.md.
step "C ABI: scripts/ffi/test-ffi.sh"
bash scripts/ffi/test-ffi.sh
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
# Performance (issue 6): the criterion benches are not run here (minutes, and
# they need a quiet machine; see the README's Performance section). `cargo
# test --all-targets` above already builds every bench and runs each once as
# a test, on populations a hundredth the size, so they cannot rot.
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Reliability (issue 8): a bounded run of every cargo-fuzz target (fuzz/,
# seeded from the committed corpora; any crash or failed invariant fails the
# run) and the link-time panic check (scripts/panic-check.sh). FUZZ_SECONDS
# per target (default 25: 17 targets ≈ 7 min, plus the first build).
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
# Stress simulator (issue 7): its tests, then the README's first command.
# CARGO_PROFILE_DEV_PANIC=unwind: partliq's rlib has no hashed file name (it
# also builds a cdylib/staticlib), so the dev profile's panic = "abort" would
# build it twice into the same file for the CLI tests' binary and the tests.
step "stress simulator: tests, clippy and a default run"
CARGO_PROFILE_DEV_PANIC=unwind cargo test -p partliq-sim
cargo clippy -p partliq-sim --all-targets -- -D warnings
cargo run --release -q -p partliq-sim -- --quiet --json target/partliq-sim/report.json
# ---------------------------------------------------------------------------

echo
echo "all checks passed"
