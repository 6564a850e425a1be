#!/usr/bin/env bash
# SIP redirect benchmark: a private PostgreSQL, Redis and cc-server (SIP on a free port) in a temp
# folder, one voice account and N online agents with SIP addresses, then a bounded sipp run
# (tests/fixtures/sip/uac_invite_302.xml: INVITE -> 100 -> 302 -> ACK) at a fixed rate. A helper
# loop ends live calls every 200 ms (the PBX's hangups), so most INVITEs take the agent path
# (customer resolution, reservation, screen pop, 302); the rest overflow. Prints sipp's counts,
# latency percentiles of INVITE -> 302 (sipp rtd), and how many decisions each path took.
#
# Usage: bench/sip_invite_bench.sh [rate/s (2000)] [calls (20000)] [agents (200)]
# Reads CC_SERVER_BIN (default build/cc-server), BENCH_TMPDIR, BENCH_SIPP_TIMEOUT (s, 60), CC_IO_THREADS, CC_DATABASE_POOL_SIZE.
# Never fails on time; exit status 1 = an agent held two live calls, or sipp could not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
RATE=${1:-2000}
CALLS=${2:-20000}
AGENTS=${3:-200}
SRC_BIN=${CC_SERVER_BIN:-$ROOT/build/cc-server}
[[ -x $SRC_BIN ]] || { echo "bench: $SRC_BIN not found" >&2; exit 1; }
command -v sipp >/dev/null || { echo "bench: sipp (sip-tester) is not installed" >&2; exit 1; }

TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/ccsipbench.XXXXXX")
chmod 755 "$TMP"
server_pid= hangups_pid= pg_started=0 redis_started=0
cleanup() {
  local status=$?
  [[ -n $hangups_pid ]] && kill "$hangups_pid" 2>/dev/null || true
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  ((redis_started)) && cc_redis_stop "$TMP/redis" || true
  ((pg_started)) && cc_pg_stop "$TMP/pg" || true
  [[ -n ${BENCH_KEEP:-} ]] && echo "kept $TMP" >&2 || rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cp "$SRC_BIN" "$TMP/cc-server"
pg_port=$(cc_free_port)
redis_port=$(cc_free_port)
pg_started=1
cc_pg_start "$TMP/pg" "$pg_port"
cc_pg_create_db "$pg_port" bench
redis_started=1
cc_redis_start "$TMP/redis" "$redis_port"
sql() { psql -X -A -t -q -h 127.0.0.1 -p "$pg_port" -U postgres -d bench -c "$1"; }

export CC_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/bench"
export CC_REDIS_HOST=127.0.0.1 CC_REDIS_PORT=$redis_port CC_REDIS_CHANNEL="cc:sipbench:$$"
CC_SECRET_KEY=$(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CC_SECRET_KEY CC_HTTP_HOST=127.0.0.1 CC_HTTP_PORT=0 CC_PORT_FILE=$TMP/http.port
export CC_SIP_PORT=0 CC_SIP_PORT_FILE=$TMP/sip.port CC_SMTP_ENABLED=false CC_LOG_LEVEL=warn
export CC_ADMIN_EMAIL=admin@example.com CC_ADMIN_PASSWORD="bench-admin-$RANDOM$RANDOM"
unset CC_CONFIG
(cd "$ROOT" && "$TMP/cc-server" migrate >/dev/null 2>&1 || true)
(cd "$ROOT" && exec "$TMP/cc-server" serve >"$TMP/server.log" 2>&1) &
server_pid=$!
for ((i = 0; i < 300; i++)); do [[ -s $TMP/sip.port ]] && break; sleep 0.1; done
[[ -s $TMP/sip.port ]] || { cat "$TMP/server.log" >&2; exit 1; }
sip_port=$(cat "$TMP/sip.port")

sql "INSERT INTO channel_accounts (channel, name, config) VALUES ('voice', 'bench',
     '{\"gateways\": [\"127.0.0.1\"], \"overflow_uri\": \"sip:overflow@127.0.0.1\",
       \"dids\": {\"+15550100\": \"sales\"}}')"
sql "INSERT INTO agents (email, name, role, password_hash, status, sip_uri)
     SELECT 'bench' || g || '@example.com', 'Bench ' || g, 'agent', 'x', 'online', 'sip:' || (1000 + g) || '@pbx.test'
     FROM generate_series(1, $AGENTS) g"
sleep 2.5 # the SIP service re-reads voice accounts every 2 s

# The PBX's hangups: live calls end every 200 ms.
(while true; do sql "UPDATE voice_calls SET state = 'ended', ended_at = now() WHERE state = 'offered'
                     AND offered_at < now() - interval '200 milliseconds'" >/dev/null 2>&1 || true; sleep 0.2; done) &
hangups_pid=$!

echo "sipp: $CALLS INVITEs at $RATE/s to 127.0.0.1:$sip_port, $AGENTS agents" >&2
cd "$TMP"
sipp -sf "$ROOT/tests/fixtures/sip/uac_invite_302.xml" -r "$RATE" -m "$CALLS" -l 20000 -i 127.0.0.1 \
  -s +15550100 -key caller +861390000 -nostdin -nd -timeout "${BENCH_SIPP_TIMEOUT:-60}s" -timeout_error \
  -trace_rtt -rtt_freq 1 -trace_stat -fd 1 -trace_err "127.0.0.1:$sip_port" >"$TMP/sipp.out" 2>&1 || true
kill "$hangups_pid" 2>/dev/null || true
hangups_pid=

stat_file=$(ls "$TMP"/*_.csv 2>/dev/null | head -1 || true)
[[ -z $stat_file ]] && stat_file=$(ls "$TMP"/*.csv 2>/dev/null | grep -v rtt | head -1 || true)
rtt_file=$(ls "$TMP"/*_rtt.csv 2>/dev/null | head -1 || true)
python3 - "$stat_file" "$rtt_file" <<'PY'
import csv, sys
stat, rtt = sys.argv[1], sys.argv[2]
if stat:
    rows = list(csv.reader(open(stat), delimiter=";"))
    head, last = rows[0], rows[-1]
    get = lambda name: last[head.index(name)] if name in head else "?"
    print(f"calls: successful {get('SuccessfulCall(C)')}, failed {get('FailedCall(C)')}, "
          f"elapsed {get('ElapsedTime(C)')}, retransmissions {get('Retransmissions(C)')}")
values = []
if rtt:
    # Columns: Date_ms;response_time_ms;rtd_no (the header names them; response time in ms).
    rows = list(csv.reader(open(rtt), delimiter=";"))
    head = [name.lower() for name in rows[0]] if rows else []
    column = next((i for i, name in enumerate(head) if "response" in name), 1)
    for row in rows[1:]:
        try:
            values.append(float(row[column]))
        except (ValueError, IndexError):
            pass
if values:
    values.sort()
    pct = lambda p: values[min(len(values) - 1, int(p / 100 * len(values)))]
    print(f"INVITE -> 302 (ms): n={len(values)} p50={pct(50):.2f} p90={pct(90):.2f} p99={pct(99):.2f} "
          f"max={values[-1]:.2f}")
PY
# Server side: batches (calls per transaction, time per batch), decision time, overload refusals.
python3 - "http://127.0.0.1:$(cat "$TMP/http.port")/metrics" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
value = lambda name: next((float(l.split()[-1]) for l in text.splitlines() if l.startswith(name + " ")), 0.0)
batches, calls = value("cc_sip_decision_batch_seconds_count"), value("cc_sip_decision_batched_calls_total")
if batches:
    print(f"server: {calls:.0f} calls in {batches:.0f} batches ({calls / batches:.1f} per batch), "
          f"{1000 * value('cc_sip_decision_batch_seconds_sum') / batches:.2f} ms per batch; "
          f"decision {1000 * value('cc_sip_decision_seconds_sum') / max(1, value('cc_sip_decision_seconds_count')):.2f} ms "
          f"mean; 503 overload refusals {value('cc_sip_overload_refusals_total'):.0f}")
PY
echo "decisions by path:"; sql "SELECT CASE WHEN agent_id IS NULL THEN state ELSE 'agent' END, count(*) FROM voice_calls GROUP BY 1"
bad=$(sql "SELECT count(*) FROM (SELECT agent_id FROM voice_calls WHERE state IN ('offered','ringing','answered')
           GROUP BY agent_id HAVING count(*) > 1) t")
# Over the whole run, not just at the end: two calls of one agent whose offered..ended spans overlap.
overlaps=$(sql "SELECT count(*) FROM voice_calls a JOIN voice_calls b ON a.agent_id = b.agent_id AND a.id < b.id
                AND b.offered_at < coalesce(a.ended_at, 'infinity') AND a.offered_at < coalesce(b.ended_at, 'infinity')")
echo "agents holding two live calls: $bad; overlapping offers to one agent over the run: $overlaps"
bad=$((bad + overlaps))
echo "server: $(grep -c . "$TMP/server.log") log lines; sipp tail:"; tail -5 "$TMP/sipp.out"
[[ $bad == 0 ]]
