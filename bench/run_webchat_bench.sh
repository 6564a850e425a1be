#!/usr/bin/env bash
# Web chat benchmark: a private PostgreSQL, Redis and cc-server on free loopback ports in a temp
# folder, demo data, bench agents, then bench/webchat_load.py; afterwards the database is checked
# (stored messages = acknowledged messages, no duplicate provider ids) and everything is stopped.
#
# Usage: bench/run_webchat_bench.sh [--keep] [webchat_load.py options...]
#   e.g. bench/run_webchat_bench.sh --visitors 200 --messages 20 --transport ws
#        bench/run_webchat_bench.sh --transport http --top-at 3
#   --keep   leave the services running afterwards and print how to reach and stop them.
# Reads:  CC_SERVER_BIN (default build/cc-server; copied into the temp folder so a rebuild during
#         the run does not matter), BENCH_TMPDIR (parent of the temp folder, default /tmp),
#         CC_IO_THREADS and CC_DATABASE_POOL_SIZE (passed to the server when set).
# Prints figures only; it never fails on time. Exit status 1 means a correctness problem
# (lost, duplicated or unacknowledged messages, or a database count that does not match).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
PY=/usr/bin/python3 # Debian's, with python3-websockets

keep=0
load_args=()
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; echo; "$PY" "$ROOT/bench/webchat_load.py" --help; exit 0 ;;
    *) load_args+=("$arg") ;;
  esac
done

phase() { printf '\n==> %s\n' "$*" >&2; }

SRC_BIN=${CC_SERVER_BIN:-$ROOT/build/cc-server}
# The binary may be relinked under us: wait (3 min at most) until it exists and has not changed
# for 2 s, then copy it.
stamp() { stat -c '%s %Y' "$SRC_BIN" 2>/dev/null; }
for ((i = 0; i < 90; i++)); do
  if [[ -x $SRC_BIN ]]; then
    before=$(stamp); sleep 2
    [[ -x $SRC_BIN && $(stamp) == "$before" ]] && break
  else
    sleep 2
  fi
done
[[ -x $SRC_BIN ]] || { echo "bench: $SRC_BIN not found; build the server first (scripts/build)" >&2; exit 1; }
"$PY" -c 'import websockets' 2>/dev/null || { echo "bench: $PY lacks python3-websockets" >&2; exit 1; }

TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/ccbench.XXXXXX")
chmod 755 "$TMP" # the postgres user must be able to enter it

pg_started=0
redis_started=0
server_pid=

# shellcheck disable=SC2317 # called from the EXIT trap
stop_server() {
  [[ -n $server_pid ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 200; i++)); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "bench: the server did not stop within 20 s; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

# shellcheck disable=SC2317 # trap handler
cleanup() {
  local status=$?
  trap '' INT TERM HUP
  if ((keep)); then
    cat >&2 <<INFO

bench: --keep: everything still running is left so (data in $TMP)
  server     http://127.0.0.1:${http_port:-?} (pid $server_pid, log $TMP/server.log)
  database   psql -h 127.0.0.1 -p $pg_port -U postgres bench
  redis      redis-cli -h 127.0.0.1 -p $redis_port
  stop with  bash $TMP/stop.sh
INFO
    exit "$status"
  fi
  stop_server
  if ((redis_started)); then cc_redis_stop "$TMP/redis" || true; fi
  if ((pg_started)); then cc_pg_stop "$TMP/pg" || true; fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

pg_port=$(cc_free_port)
redis_port=$(cc_free_port)
cat >"$TMP/stop.sh" <<STOP
# Stops what bench/run_webchat_bench.sh --keep left running, then removes $TMP.
source "$ROOT/scripts/lib/services.sh"
if pid=\$(cat "$TMP/server.pid" 2>/dev/null) && kill -TERM "\$pid" 2>/dev/null; then
  for ((i = 0; i < 100; i++)); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "\$pid" 2>/dev/null || true
fi
cc_redis_stop "$TMP/redis"
cc_pg_stop "$TMP/pg"
rm -rf "$TMP"
STOP

phase "snapshot of the server binary"
cp "$SRC_BIN" "$TMP/cc-server"
BIN=$TMP/cc-server
echo "$SRC_BIN ($(stat -c '%y' "$SRC_BIN" | cut -d. -f1), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', uncommitted changes'))" >&2

phase "PostgreSQL on 127.0.0.1:$pg_port"
pg_started=1
cc_pg_start "$TMP/pg" "$pg_port"
cc_pg_create_db "$pg_port" bench

phase "Redis on 127.0.0.1:$redis_port"
redis_started=1
cc_redis_start "$TMP/redis" "$redis_port"

export CC_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/bench"
export CC_REDIS_HOST=127.0.0.1 CC_REDIS_PORT=$redis_port
export CC_REDIS_CHANNEL="cc:bench:$$"
export CC_INSTANCE_ID="bench-$$"
CC_SECRET_KEY=$(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CC_SECRET_KEY
export CC_HTTP_HOST=127.0.0.1 CC_HTTP_PORT=0 CC_PORT_FILE=$TMP/http.port
export CC_ADMIN_EMAIL=admin@example.com CC_ADMIN_PASSWORD="bench-admin-$RANDOM$RANDOM"
unset CC_CONFIG

phase "seed demo data"
seed_out=$(cd "$ROOT" && "$BIN" seed-demo 2>&1) || { printf '%s\n' "$seed_out" >&2; exit 1; }
channel_id=$(printf '%s\n' "$seed_out" | sed -n 's/^webchat_channel_account_id=\([0-9][0-9]*\)$/\1/p' | tail -n 1)
[[ -n $channel_id ]] || { printf '%s\n' "$seed_out" >&2; echo "bench: seed-demo printed no channel id" >&2; exit 1; }
echo "web chat channel account $channel_id" >&2

phase "serve"
# exec: $! is the server itself, whose /proc/<pid>/stat the load generator reads.
(cd "$ROOT" && exec "$BIN" serve </dev/null >"$TMP/server.log" 2>&1) &
server_pid=$!
echo "$server_pid" >"$TMP/server.pid"
http_port=
for ((i = 0; i < 300; i++)); do
  if [[ -s $TMP/http.port ]]; then
    http_port=$(<"$TMP/http.port")
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/healthz" 2>/dev/null && break
  fi
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$TMP/server.log" >&2; echo "bench: the server exited at start" >&2; exit 1; }
  sleep 0.1
done
if [[ -z $http_port ]] || ! curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/healthz"; then
  tail -n 30 "$TMP/server.log" >&2
  echo "bench: the server did not become healthy in 30 s" >&2
  exit 1
fi
echo "cc-server pid $server_pid on 127.0.0.1:$http_port (io threads ${CC_IO_THREADS:-default}, db pool ${CC_DATABASE_POOL_SIZE:-default})" >&2

pg_pid=$(head -n 1 "$TMP/pg/postmaster.pid")
redis_pid=$(cat "$TMP/redis/redis.pid")

phase "load: webchat_load.py ${load_args[*]}"
load_status=0
"$PY" "$ROOT/bench/webchat_load.py" --port "$http_port" --channel "$channel_id" \
  --admin-email "$CC_ADMIN_EMAIL" --admin-password "$CC_ADMIN_PASSWORD" \
  --server-pid "$server_pid" --pg-pid "$pg_pid" --redis-pid "$redis_pid" \
  --pg-port "$pg_port" --pg-db bench \
  --io-threads "${CC_IO_THREADS:-2}" \
  --json-out "$TMP/result.json" "${load_args[@]}" || load_status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then
  server_status=0
  wait "$server_pid" || server_status=$?
  server_pid=
  echo "bench: cc-server DIED during the run (exit status $server_status); the end of its log:" >&2
  tail -n 20 "$TMP/server.log" >&2
  load_status=1
fi
[[ -s $TMP/result.json ]] || { echo "bench: the load generator produced no figures (status $load_status)" >&2; exit 1; }

phase "database check"
q() { PGCONNECT_TIMEOUT=10 psql -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres bench -c "$1"; }
acked=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["acked_ok"])' "$TMP/result.json")
sent=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["sent"])' "$TMP/result.json")
stored=$(q "SELECT count(*) FROM messages WHERE channel_account_id = $channel_id AND direction = 'inbound'")
all_messages=$(q "SELECT count(*) FROM messages")
dup_provider=$(q "SELECT count(*) FROM (SELECT 1 FROM messages WHERE provider_message_id IS NOT NULL GROUP BY channel_account_id, provider_message_id HAVING count(*) > 1) d")
dup_content=$(q "SELECT count(*) - count(DISTINCT substring(content FROM 'uid=(\\S+)')) FROM messages WHERE content LIKE 'bench uid=%'")
events=$(q "SELECT count(*) FROM agent_events WHERE type = 'message.created'")
echo "messages table: $all_messages rows ($stored inbound on channel $channel_id); sent $sent, acknowledged $acked"
echo "duplicate provider ids: $dup_provider; duplicate bench uids: $dup_content; message.created events stored: $events"
db_ok=1
[[ $stored == "$acked" && $all_messages == "$acked" ]] || { db_ok=0; echo "DB CHECK: stored ($stored) != acknowledged ($acked)"; }
[[ $dup_provider == 0 && $dup_content == 0 ]] || { db_ok=0; echo "DB CHECK: duplicates in the messages table"; }
if ((db_ok)); then echo "DB check: ok (every acknowledged message stored exactly once)"; fi

if ((load_status != 0 || !db_ok)); then exit 1; fi
exit 0
