#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined sanitizers) and runs each briefly
# over its committed corpus. scripts/test runs it through ctest; pass a number of seconds to run
# longer by hand: tests/fuzz/run_fuzzers.sh 600
#
# A target is tests/fuzz/<name>_fuzz.cpp plus tests/fuzz/<name>.build: one line per project
# source it needs (relative to the repository), and lines "lib: -lfoo" for libraries. Its corpus
# lives in tests/fuzz/corpus/<name>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${1:-${CC_FUZZ_SECONDS:-15}}
OUT=${CC_FUZZ_BUILD_DIR:-$ROOT/build/fuzz}
ONLY=${CC_FUZZ_ONLY:-}
mkdir -p "$OUT"

CXX=${CC_FUZZ_CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (scripts/bootstrap installs clang)"; exit 1; }

for build_file in "$ROOT"/tests/fuzz/*.build; do
  target=$(basename "$build_file" .build)
  [[ -n $ONLY && $ONLY != "$target" ]] && continue
  binary=$OUT/${target}_fuzz
  sources=()
  libs=()
  while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    if [[ $line == lib:* ]]; then
      read -r -a more <<<"${line#lib:}"
      libs+=("${more[@]}")
    else
      sources+=("$ROOT/$line")
    fi
  done <"$build_file"
  "$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$ROOT/include" "$ROOT/tests/fuzz/${target}_fuzz.cpp" "${sources[@]}" "${libs[@]}" -o "$binary"
  corpus=$ROOT/tests/fuzz/corpus/$target
  mkdir -p "$corpus"
  work=$(mktemp -d)
  cp -r "$corpus/." "$work/"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s over $(ls "$corpus" | wc -l) corpus entries"
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$OUT/" \
    "$work" "$corpus" 2>&1 | tail -n 12
  rm -rf "$work"
done
echo "fuzz: no crash"
