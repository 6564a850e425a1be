#!/usr/bin/env bash
# Browser tests: playwright-core drives Debian's chromium (headless, --no-sandbox, a new empty
# profile per context, background networking off) against a real cc-server with a fresh
# database. Screenshots of the workbench and the dashboard go to $CC_TEST_OUTPUT every run.
#
# Under scripts/test the CC_TEST_* variables are set; run alone, this script starts a private
# PostgreSQL and Redis itself (scripts/lib/services.sh) on free ports and removes them after.
# Reads: CC_SERVER_BIN (default build/cc-server), CC_TEST_OUTPUT (default test-output/),
#        CC_BROWSER (default /usr/bin/chromium), CC_BROWSER_ONLY (a spec name substring).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CC_REPO_ROOT=${CC_REPO_ROOT:-$ROOT}
export CC_SERVER_BIN=${CC_SERVER_BIN:-$ROOT/build/cc-server}
export CC_TEST_OUTPUT=${CC_TEST_OUTPUT:-$ROOT/test-output}
mkdir -p "$CC_TEST_OUTPUT"

if [[ ! -d $HERE/node_modules/playwright-core ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ -z ${CC_TEST_PG_ADMIN_URL:-} ]]; then
  # shellcheck source-path=SCRIPTDIR source=../../scripts/lib/services.sh
  source "$ROOT/scripts/lib/services.sh"
  OWN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cc-browser.XXXXXX")
  chmod 755 "$OWN_TMP"
  # shellcheck disable=SC2317 # trap handler
  cleanup() { cc_redis_stop "$OWN_TMP/redis" || true; cc_pg_stop "$OWN_TMP/pg" || true; rm -rf "$OWN_TMP"; }
  trap cleanup EXIT
  export CC_TEST_PG_BIN=/usr/lib/postgresql/15/bin
  CC_TEST_PG_PORT=$(cc_free_port); export CC_TEST_PG_PORT
  cc_pg_start "$OWN_TMP/pg" "$CC_TEST_PG_PORT"
  export CC_TEST_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$CC_TEST_PG_PORT/postgres"
  export CC_TEST_REDIS_HOST=127.0.0.1
  CC_TEST_REDIS_PORT=$(cc_free_port); export CC_TEST_REDIS_PORT
  cc_redis_start "$OWN_TMP/redis" "$CC_TEST_REDIS_PORT"
  export CC_TEST_TMPDIR=$OWN_TMP
fi

node "$HERE/runner.mjs" "$@"
