#!/usr/bin/env bash
# partliq against dYdX v4's arithmetic written the way the chain writes it
# (Go math/big), and the batch C ABI's per-account cost from Go against the
# direct Rust call, in one run:
#
#   bash benches/go/run.sh
#
#  1. builds the C ABI's static library (cargo build --release -p
#     partliq-ffi, panic = abort, as scripts/ffi/ builds it);
#  2. go test in benches/go: the partliq results (through cgo) are asserted
#     equal to the math/big ones first, then the Go benchmarks run;
#  3. cargo bench --bench batch: the same inputs called directly in Rust;
#  4. prints the ratios and whether each goal is met.
#
# The machine may be shared: each ratio compares figures of this one run.
# Each Go benchmark runs COUNT times (default 5) and its fastest run counts
# (Go's garbage collector and a loaded machine make single runs swing by
# 2–3×); each Rust figure is criterion's median (so the ratios lean against
# partliq). BENCHTIME (go's -benchtime, default 1s) and MEASURE
# (criterion's --measurement-time, default 3) trade time for stability.
#
# The dYdX ratios are printed twice: by wall-clock time (ns/op), and by the
# benchmark thread's CPU time (cpu-ns/op, CLOCK_THREAD_CPUTIME_ID, the Go
# benchmark pinned to its OS thread). When other processes load the cores,
# wall-clock time counts the waits for a core, which differ between two
# benchmarks run seconds apart; CPU time counts only the work. The load
# average is printed at the start and before the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
benchtime="${BENCHTIME:-1s}"
count="${COUNT:-5}"
measure="${MEASURE:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "==> load at start: $(uptime)"
echo "==> building libpartliq_ffi.a (release, panic = abort)"
CARGO_PROFILE_RELEASE_PANIC=abort cargo build --quiet --release -p partliq-ffi --lib
native="$(cargo rustc --quiet --release -p partliq-ffi --lib --crate-type staticlib -- --print native-static-libs 2>&1 \
  | sed -n 's/.*native-static-libs: //p' | tail -n1)"
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

echo "==> go test (equality first, then the benchmarks)"
(
  cd benches/go
  export CGO_ENABLED=1 CGO_LDFLAGS="$root/target/release/libpartliq_ffi.a $native" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
  go test -run . -bench . -benchtime "$benchtime" -count "$count" | tee "$out/go.txt"
)

echo "==> cargo bench --bench batch (direct Rust calls, same inputs)"
cargo bench --quiet --bench batch -- --warm-up-time 1 --measurement-time "$measure" 2>/dev/null | tee "$out/rust.txt"

echo "==> load before the ratios: $(uptime)"
python3 - "$out/go.txt" "$out/rust.txt" <<'PY'
import re, sys
go, cpu = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        v = float(m.group(2))
        go[m.group(1)] = min(v, go.get(m.group(1), v))
        c = re.search(r"([\d.]+) cpu-ns/op", line)
        if c:
            v = float(c.group(1))
            cpu[m.group(1)] = min(v, cpu.get(m.group(1), v))
unit = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
rust, name = {}, None
for line in open(sys.argv[2]):
    m = re.match(r"^(batch/\S+)", line)
    if m:
        name = m.group(1)
    m = re.search(r"time:\s+\[\S+ \S+ ([\d.]+) (\S+) \S+ \S+\]", line)
    if m and name:
        rust[name] = float(m.group(1)) * unit[m.group(2)]
        name = None
def row(label, num, den, goal, higher):
    r = num / den
    ok = r >= goal if higher else r <= goal
    sign = "≥" if higher else "≤"
    print(f"{label:<58} {num:>12.1f} / {den:>10.1f} ns = {r:>8.2f}×  goal {sign} {goal}×: {'met' if ok else 'MISSED'}")
print()
print("ratios (this run, wall-clock):")
for n in (1, 16):
    row(f"dYdX risk, {n} position(s): Go math/big / Rust direct", go[f"DydxRiskBig{n}"], rust[f"batch/dydx_risk/{n}"], 100, True)
    row(f"dYdX risk, {n} position(s): Go math/big / cgo call (batch of 1)", go[f"DydxRiskBig{n}"], go[f"DydxRiskPartliq{n}"], 100, True)
    row(f"dYdX risk, {n} position(s): Go math/big / cgo batch of 1,000 (per account)", go[f"DydxRiskBig{n}"], go[f"DydxRiskPartliqBatch{n}"] / 1000, 100, True)
print()
print("ratios (this run, the benchmark thread's CPU time):")
for n in (1, 16):
    row(f"dYdX risk, {n} position(s): Go math/big / cgo call (batch of 1)", cpu[f"DydxRiskBig{n}"], cpu[f"DydxRiskPartliq{n}"], 100, True)
    row(f"dYdX risk, {n} position(s): Go math/big / cgo batch of 1,000 (per account)", cpu[f"DydxRiskBig{n}"], cpu[f"DydxRiskPartliqBatch{n}"] / 1000, 100, True)
x, xc = go["CgoCrossing"], cpu["CgoCrossing"]
print(f"one cgo call doing no work (partliq_abi_version): {x:.1f} ns wall, {xc:.1f} ns CPU; so one call per 1-position")
print(f"subaccount is at most {go['DydxRiskBig1'] / x:.0f}× (wall) / {cpu['DydxRiskBig1'] / xc:.0f}× (CPU) faster than Go math/big, whatever it computes")
print()
print("health goals (wall-clock):")
row("health per account: Go batch of 1,000 / Rust direct", go["HealthBatch1000"] / 1000, rust["batch/health_1000"] / 1000, 1.1, False)
row("health per account: Go one cgo call each / Rust direct", go["HealthOneCallEach1000"] / 1000, rust["batch/health_1000"] / 1000, 1.1, False)
PY
