#!/usr/bin/env bash
# Fails when ffi/src/status/codes.rs is not what the core's error table
# (src/error.rs) generates, when include/partliq.h is not what cbindgen
# generates from the C ABI crate (ffi/src/) now (a struct, function or
# constant changed without regenerating), or when the header's version
# macros disagree with Cargo.toml (the workspace's version, the core's and
# the C ABI crate's).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! cargo test --quiet -p partliq-ffi --lib status::tests::codes_are_generated >/dev/null 2>&1; then
  echo "ffi/src/status/codes.rs is stale (src/error.rs changed): run bash scripts/ffi/gen-header.sh (it regenerates it, then the header) and commit both" >&2
  exit 1
fi
tmp="$(mktemp --suffix=.h)"
trap 'rm -f "$tmp"' EXIT
bash scripts/ffi/gen-header.sh "$tmp"
if ! diff -u include/partliq.h "$tmp"; then
  echo "include/partliq.h is stale: run bash scripts/ffi/gen-header.sh and commit it" >&2
  exit 1
fi
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
IFS=. read -r major minor patch <<<"$version"
for part in "MAJOR $major" "MINOR $minor" "PATCH $patch" "NUMBER $((major * 1000000 + minor * 1000 + patch))"; do
  set -- $part
  if ! grep -qx "#define PARTLIQ_VERSION_$1 $2" include/partliq.h; then
    echo "include/partliq.h: PARTLIQ_VERSION_$1 is not $2 (Cargo.toml says $version)" >&2
    exit 1
  fi
done
echo "include/partliq.h is fresh (version $version)"
