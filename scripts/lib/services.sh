# shellcheck shell=bash
# Private PostgreSQL and Redis instances on loopback for scripts/run and scripts/test.
# Source this file; it defines functions only and changes no shell options.
# The system services (if any) are never used: every instance lives in a data folder
# that the caller chooses and is stopped by the caller.

CC_PG_BIN=${CC_PG_BIN:-/usr/lib/postgresql/15/bin}

_cc_log() { printf '[services] %s\n' "$*" >&2; }
_cc_die() { printf '[services] error: %s\n' "$*" >&2; return 1; }

# Runs a command as the postgres system user when we are root (initdb and postgres refuse
# to run as root); as ourselves otherwise.
_cc_as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when the process exists and is not a zombie.
_cc_pid_alive() {
  local pid=$1 state
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n $state && $state != Z && $state != X ]]
}

_cc_abs_path() {
  local dir=$1
  mkdir -p "$dir" || return 1
  (cd "$dir" && pwd -P)
}

# Prints a free TCP port on 127.0.0.1 (the kernel picks it; nothing holds it afterwards).
cc_free_port() {
  python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Explains which ancestor of DIR the postgres user cannot enter (a mktemp -d folder is 0700).
_cc_pg_check_access() {
  local dir=$1 p
  if _cc_as_pg_user test -d "$dir" -a -w "$dir" -a -x "$dir"; then
    return 0
  fi
  p=$dir
  while [[ $p != / ]]; do
    p=$(dirname "$p")
    if ! _cc_as_pg_user test -x "$p"; then
      _cc_die "user $(_cc_pg_user_name) cannot traverse '$p' (mode $(stat -c %a "$p")); chmod 755 it or choose a data folder elsewhere"
      return 1
    fi
  done
  _cc_die "user $(_cc_pg_user_name) cannot write to '$dir'"
}

_cc_pg_user_name() { if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi; }

# Writes (or rewrites) the managed tail of postgresql.conf; called on every start so that a
# data folder reused with another port picks the new port up.
_cc_pg_write_conf() {
  local data=$1 port=$2 conf=$1/postgresql.conf marker='# --- contact-center managed settings (scripts/lib/services.sh) ---'
  local tmp
  tmp=$(mktemp) || return 1
  sed "/^${marker//\//\\/}\$/,\$d" "$conf" >"$tmp" || { rm -f "$tmp"; return 1; }
  cat >>"$tmp" <<CONF
$marker
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
fsync = on
max_connections = 200
shared_buffers = 256MB
logging_collector = on
log_directory = '$data/log'
log_filename = 'postgresql-%Y-%m-%d.log'
log_line_prefix = '%m [%p] %q%u@%d '
CONF
  # Keep ownership and mode: overwrite in place rather than replacing the file.
  cat "$tmp" >"$conf" || { rm -f "$tmp"; return 1; }
  rm -f "$tmp"
}

# cc_pg_start DATA_DIR PORT: initialise DATA_DIR if needed, start PostgreSQL on 127.0.0.1:PORT,
# and wait (30 s at most) until it accepts connections.
cc_pg_start() {
  local data port bin=$CC_PG_BIN i
  [[ $# -eq 2 ]] || { _cc_die "usage: cc_pg_start DATA_DIR PORT"; return 1; }
  port=$2
  [[ -x $bin/initdb ]] || { _cc_die "PostgreSQL 15 binaries not found in $bin (run scripts/bootstrap)"; return 1; }
  data=$(_cc_abs_path "$1") || { _cc_die "cannot create $1"; return 1; }
  if (( ${#data} + 20 > 107 )); then
    _cc_die "data folder path too long for a Unix socket ($data); choose a shorter one"
    return 1
  fi
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$data" || return 1
  fi
  chmod 700 "$data" || return 1
  _cc_pg_check_access "$data" || return 1

  if [[ ! -f $data/PG_VERSION ]]; then
    if [[ -n $(ls -A "$data") ]]; then
      _cc_die "$data is not empty and holds no PostgreSQL cluster; remove it or choose another folder"
      return 1
    fi
    _cc_log "initdb $data"
    _cc_as_pg_user "$bin/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || { cat "$data.initdb.log" >&2; _cc_die "initdb failed for $data"; return 1; }
    rm -f "$data.initdb.log"
  fi
  _cc_as_pg_user mkdir -p "$data/log" || return 1
  _cc_pg_write_conf "$data" "$port" || { _cc_die "cannot write $data/postgresql.conf"; return 1; }

  if _cc_as_pg_user "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    _cc_log "PostgreSQL already running on $data"
  else
    _cc_log "starting PostgreSQL on 127.0.0.1:$port ($data)"
    if ! _cc_as_pg_user "$bin/pg_ctl" start -D "$data" -w -t 30 -l "$data/log/pg_ctl.log" >/dev/null; then
      tail -n 20 "$data/log/pg_ctl.log" >&2 2>/dev/null
      tail -n 20 "$data"/log/postgresql-*.log >&2 2>/dev/null
      _cc_die "PostgreSQL did not start on port $port (logs in $data/log)"
      return 1
    fi
  fi
  for ((i = 0; i < 300; i++)); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      return 0
    fi
    sleep 0.1
  done
  _cc_die "PostgreSQL on 127.0.0.1:$port not ready after 30 s (logs in $data/log)"
}

# cc_pg_stop DATA_DIR: fast shutdown; does nothing when it is not running.
cc_pg_stop() {
  local data=$1 bin=$CC_PG_BIN
  [[ -f $data/PG_VERSION ]] || return 0
  if _cc_as_pg_user "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    _cc_log "stopping PostgreSQL ($data)"
    _cc_as_pg_user "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null \
      || { _cc_die "pg_ctl stop failed for $data"; return 1; }
  fi
}

# cc_pg_create_db PORT NAME: creates database NAME unless it exists.
cc_pg_create_db() {
  local port=$1 name=$2
  [[ $# -eq 2 && -n $name ]] || { _cc_die "usage: cc_pg_create_db PORT NAME"; return 1; }
  # Variables are interpolated from stdin, not from -c; %I quotes the name.
  PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -v "dbname=$name" \
    -h 127.0.0.1 -p "$port" -U postgres -d postgres >/dev/null <<'SQL' \
    || { _cc_die "cannot create database $name on port $port"; return 1; }
SELECT format('CREATE DATABASE %I', :'dbname')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec
SQL
}

# cc_redis_start DIR PORT: a private redis-server on 127.0.0.1:PORT, no persistence, running in
# the background in its own session (so a Ctrl-C on the terminal does not reach it), with its
# pid in DIR/redis.pid and its log in DIR/redis.log.
cc_redis_start() {
  local dir port i pid
  [[ $# -eq 2 ]] || { _cc_die "usage: cc_redis_start DIR PORT"; return 1; }
  port=$2
  command -v redis-server >/dev/null || { _cc_die "redis-server not installed (run scripts/bootstrap)"; return 1; }
  dir=$(_cc_abs_path "$1") || { _cc_die "cannot create $1"; return 1; }
  if [[ -f $dir/redis.pid ]] && _cc_pid_alive "$(cat "$dir/redis.pid")"; then
    _cc_log "Redis already running in $dir (pid $(cat "$dir/redis.pid")); stopping it first"
    cc_redis_stop "$dir" || return 1
  fi
  rm -f "$dir/redis.pid"
  cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
daemonize no
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
save ""
appendonly no
CONF
  _cc_log "starting Redis on 127.0.0.1:$port ($dir)"
  # setsid -w: when setsid has to fork (caller has job control), it waits, so $! stays alive.
  setsid -w redis-server "$dir/redis.conf" </dev/null >>"$dir/redis.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 300; i++)); do
    if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
      return 0
    fi
    if ! _cc_pid_alive "$pid"; then
      break
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null
  if _cc_pid_alive "$pid"; then
    cc_redis_stop "$dir" >/dev/null 2>&1
    _cc_pid_alive "$pid" && kill "$pid" 2>/dev/null
    _cc_die "Redis did not answer PING on 127.0.0.1:$port within 30 s (log: $dir/redis.log)"
  else
    _cc_die "Redis exited at start on port $port (log: $dir/redis.log)"
  fi
}

# cc_redis_stop DIR: SIGTERM the instance recorded in DIR/redis.pid and wait (10 s, then SIGKILL).
cc_redis_stop() {
  local dir=$1 pid i
  [[ -f $dir/redis.pid ]] || return 0
  pid=$(cat "$dir/redis.pid")
  if _cc_pid_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]]; then
    _cc_log "stopping Redis ($dir)"
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      _cc_pid_alive "$pid" || break
      sleep 0.1
    done
    if _cc_pid_alive "$pid"; then
      _cc_log "Redis did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$dir/redis.pid"
}
