#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined sanitizers) and runs each briefly
# over its committed corpus. scripts/test runs it through ctest; pass a number of seconds to run
# longer by hand: tests/fuzz/run_fuzzers.sh 600
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${1:-${CC_FUZZ_SECONDS:-15}}
OUT=${CC_FUZZ_BUILD_DIR:-$ROOT/build/fuzz}
mkdir -p "$OUT"

CXX=${CC_FUZZ_CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (scripts/bootstrap installs clang)"; exit 1; }

# Only the modules the target exercises: pure code plus OpenSSL.
SOURCES=(
  src/domain/cursor.cpp src/domain/identifiers.cpp src/domain/text_limits.cpp
  src/domain/time_format.cpp src/domain/enums.cpp src/domain/error.cpp
  src/crypto/encoding.cpp src/crypto/hmac.cpp
  src/channels/webchat/visitor_token.cpp
)
for target in input_parsers; do
  binary=$OUT/${target}_fuzz
  sources=()
  for s in "${SOURCES[@]}"; do sources+=("$ROOT/$s"); done
  "$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$ROOT/include" "$ROOT/tests/fuzz/${target}_fuzz.cpp" "${sources[@]}" -lcrypto -o "$binary"
  corpus=$ROOT/tests/fuzz/corpus/$target
  work=$(mktemp -d)
  cp -r "$corpus/." "$work/"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s over $(ls "$corpus" | wc -l) corpus entries"
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$OUT/" \
    "$work" "$corpus" 2>&1 | tail -n 12
  rm -rf "$work"
done
echo "fuzz: no crash"
