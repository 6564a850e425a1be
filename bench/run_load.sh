#!/usr/bin/env bash
# Mixed-channel load run with the box's ceilings measured in the same run (issue 10).
#
#   bench/run_load.sh [cc-load options]        e.g. --messages 3000 --concurrency 32 --rate 500
#
# Starts a private PostgreSQL 15, Redis, cc-server (a snapshot of $CC_SERVER_BIN, default
# build/cc-server) and nginx on free loopback ports, then:
#   1. cc-load (bench/load, $CC_LOAD_BIN, default build/bench/cc-load) replays web chat over
#      WebSocket, signed WeChat safe-mode pushes, signed SMS webhooks and SMTP deliveries, with agents
#      that accept and reply; it reports msgs/s, ack and ack->agent-event latencies, outbound
#      deliveries/s, the server's RSS and CPU, and checks the database (exactly once in and out);
#   2. the PostgreSQL ceiling: pgbench with a custom script inserting 100 rows per statement into
#      the same messages table (CC_LOAD_PGBENCH_SECONDS, default 5; clients CC_LOAD_PGBENCH_CLIENTS, 4);
#   3. the HTTP ceilings: cc-load --trivial against the server's /healthz and nginx's static location,
#      same client, same connections (CC_LOAD_TRIVIAL_SECONDS, default 5);
# and prints ingest as a ratio of the PostgreSQL ceiling and the server's rate as a ratio of nginx's.
# Exits non-zero when a correctness check fails. Everything is stopped and removed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/services.sh"
case ${1:-} in -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

SRC_BIN=${CC_SERVER_BIN:-$ROOT/build/cc-server}
LOAD_BIN=${CC_LOAD_BIN:-$ROOT/build/bench/cc-load}
NGINX=${NGINX:-/usr/sbin/nginx}
PG_SECONDS=${CC_LOAD_PGBENCH_SECONDS:-5}
PG_CLIENTS=${CC_LOAD_PGBENCH_CLIENTS:-4}
TRIVIAL_SECONDS=${CC_LOAD_TRIVIAL_SECONDS:-5}
for bin in "$SRC_BIN" "$LOAD_BIN" "$NGINX"; do
  [[ -x $bin ]] || { echo "run_load: $bin not found (build cc-server and cc-load; apt-get install nginx-light)" >&2; exit 1; }
done
command -v pgbench >/dev/null || { echo "run_load: pgbench not found (postgresql-client)" >&2; exit 1; }

phase() { printf '\n==> %s\n' "$*" >&2; }
TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/ccload.XXXXXX")
chmod 755 "$TMP"
server_pid= nginx_pid= pg_started=0 redis_started=0
cleanup() {
  local status=$?
  trap '' INT TERM HUP
  [[ -n $nginx_pid ]] && { kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  ((redis_started)) && { cc_redis_stop "$TMP/redis" || true; }
  ((pg_started)) && { cc_pg_stop "$TMP/pg" || true; }
  [[ ${CC_LOAD_KEEP:-0} == 1 ]] && echo "run_load: data left in $TMP" >&2 || rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cp "$SRC_BIN" "$TMP/cc-server"
pg_port=$(cc_free_port); redis_port=$(cc_free_port)
phase "PostgreSQL 127.0.0.1:$pg_port, Redis 127.0.0.1:$redis_port"
pg_started=1; cc_pg_start "$TMP/pg" "$pg_port"; cc_pg_create_db "$pg_port" load
redis_started=1; cc_redis_start "$TMP/redis" "$redis_port"

export CC_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/load"
export CC_REDIS_HOST=127.0.0.1 CC_REDIS_PORT=$redis_port CC_REDIS_CHANNEL="cc:load:$$" CC_INSTANCE_ID="load-$$"
CC_SECRET_KEY=$(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n'); export CC_SECRET_KEY
export CC_HTTP_HOST=127.0.0.1 CC_HTTP_PORT=0 CC_PORT_FILE=$TMP/http.port
export CC_SMTP_PORT=0 CC_SMTP_PORT_FILE=$TMP/smtp.port CC_SIP_PORT=0
export CC_ADMIN_EMAIL=admin@example.com CC_ADMIN_PASSWORD="load-admin-$RANDOM$RANDOM"
export CC_LOG_LEVEL=${CC_LOG_LEVEL:-warn}
unset CC_CONFIG

phase "seed and serve"
(cd "$ROOT" && "$TMP/cc-server" seed-demo >"$TMP/seed.log" 2>&1) || { cat "$TMP/seed.log" >&2; exit 1; }
(cd "$ROOT" && exec "$TMP/cc-server" serve </dev/null >"$TMP/server.log" 2>&1) &
server_pid=$!
for ((i = 0; i < 300; i++)); do
  [[ -s $TMP/http.port && -s $TMP/smtp.port ]] && curl -fsS -o /dev/null --max-time 2 \
    "http://127.0.0.1:$(<"$TMP/http.port")/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$TMP/server.log" >&2; exit 1; }
  sleep 0.1
done
http_port=$(<"$TMP/http.port"); smtp_port=$(<"$TMP/smtp.port")
echo "cc-server pid $server_pid http $http_port smtp $smtp_port" >&2

nginx_port=$(cc_free_port)
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<CONF
$( ((EUID == 0)) && echo "user root root;" )
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fcgi; uwsgi_temp_path $TMP/nginx/uwsgi; scgi_temp_path $TMP/nginx/scgi;
  server { listen 127.0.0.1:$nginx_port; location = /static { return 200 '{"status":"alive"}'; } }
}
CONF
"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" &
nginx_pid=$!

phase "load: cc-load $*"
load_status=0
"$LOAD_BIN" --port "$http_port" --smtp-port "$smtp_port" --admin-email "$CC_ADMIN_EMAIL" \
  --admin-password "$CC_ADMIN_PASSWORD" --server-pid "$server_pid" --database-url "$CC_DATABASE_URL" "$@" \
  | tee "$TMP/load.out" || load_status=$?

phase "ceiling: PostgreSQL, pgbench 100-row inserts into messages ($PG_CLIENTS clients, $PG_SECONDS s)"
ids=$(psql -X -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -d load -c \
  "SELECT conversation_id || ' ' || channel_account_id FROM messages LIMIT 1")
read -r conversation_id account_id <<<"$ids"
[[ -n $conversation_id ]] || { echo "run_load: no stored message to attach the pgbench rows to (the load failed)" >&2; exit 1; }
cat >"$TMP/insert100.sql" <<SQL
INSERT INTO messages (conversation_id, channel_account_id, direction, sender_type, content, provider_message_id, delivery_status)
SELECT $conversation_id, $account_id, 'inbound', 'customer', 'pgbench ceiling row ' || g,
       'pgb-' || :client_id || '-' || txid_current() || '-' || g, 'received'
FROM generate_series(1, 100) g;
SQL
pgbench -n -h 127.0.0.1 -p "$pg_port" -U postgres -c "$PG_CLIENTS" -j "$PG_CLIENTS" -T "$PG_SECONDS" \
  -f "$TMP/insert100.sql" load >"$TMP/pgbench.out" 2>&1 || { cat "$TMP/pgbench.out" >&2; exit 1; }
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$TMP/pgbench.out" | head -n 1)
pg_rows=$(awk -v t="$pg_tps" 'BEGIN { printf "%.0f", t * 100 }')
echo "pgbench: $pg_tps statements/s = $pg_rows rows/s"

phase "ceiling: HTTP trivial route, cc-server /healthz vs nginx static ($TRIVIAL_SECONDS s each, 32 connections)"
server_rps=$("$LOAD_BIN" --trivial /healthz --port "$http_port" --concurrency 32 --seconds "$TRIVIAL_SECONDS" \
  | tee /dev/stderr | sed -n 's/^RESULT_JSON {"trivial_rps":\([0-9.]*\).*/\1/p')
nginx_rps=$("$LOAD_BIN" --trivial /static --port "$nginx_port" --concurrency 32 --seconds "$TRIVIAL_SECONDS" \
  | tee /dev/stderr | sed -n 's/^RESULT_JSON {"trivial_rps":\([0-9.]*\).*/\1/p')

ingest=$(sed -n 's/^RESULT_JSON {"acked":\([0-9]*\),"seconds":\([0-9.]*\).*/\1 \2/p' "$TMP/load.out")
read -r acked seconds <<<"${ingest:-0 1}"
phase "summary ($(nproc) cores, $(uname -r), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
awk -v a="$acked" -v s="$seconds" -v pr="$pg_rows" -v sr="$server_rps" -v nr="$nginx_rps" 'BEGIN {
  ingest = a / s
  printf "ingest            %.0f msgs/s durably stored (%d in %.2f s)\n", ingest, a, s
  printf "PostgreSQL ceiling %.0f rows/s (100-row inserts)   ingest / ceiling = %.1f %%\n", pr, 100 * ingest / pr
  printf "HTTP trivial      cc-server %.0f req/s, nginx %.0f req/s   ratio = %.1f %%\n", sr, nr, 100 * sr / nr
}'
exit "$load_status"
