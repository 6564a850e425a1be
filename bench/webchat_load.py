#!/usr/bin/python3
"""Web chat load generator: visitors send messages, agents receive them; prints figures.

N visitors (default 200), each with its own widget session, send M messages each (default 20)
over the visitor WebSocket (--transport ws, the default) or the REST endpoint (--transport http,
one keep-alive connection per visitor). Each visitor waits for the acknowledgement of a message
before it sends the next (closed loop); --rate R spreads the sends at R messages/s in total
instead of "as fast as acks come". Every content carries a unique id and the send time, so the
agent side can match each message.created event to its message.

Agents (--agents, default 20 bench agents, created if missing) log in, go online and hold one
WebSocket each, so every new conversation is assigned to a connected agent.

Printed: messages/s durably stored (acknowledged), ack latency p50/p95/p99/max, send-to-agent
event latency p50/p99/max, acknowledged vs seen by agents (missing, duplicates), server RSS and
CPU time before/after (/proc/<pid>/stat and status), CPU microseconds per message for the server,
PostgreSQL, Redis and the generator itself, and a line on what bounds the figure.

This is a benchmark, not a test: it never fails on time. The exit status is 1 only when messages
were lost, duplicated, refused or left unacknowledged (correctness), 0 otherwise.

Needs Debian's python3-websockets (10.x): run it with /usr/bin/python3. Normally started by
bench/run_webchat_bench.sh, which provides the server, the database and the channel.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import queue
import random
import re
import resource
import signal
import sys
import time
import uuid

try:
    import websockets
    import websockets.exceptions
except ImportError:  # pragma: no cover
    sys.exit("webchat_load.py needs the websockets package: run it with /usr/bin/python3 "
             "(Debian's python3-websockets)")

CLK_TCK = os.sysconf("SC_CLK_TCK")
BENCH_AGENT_EMAIL = "bench-agent-{:03d}@example.com"
CONTENT_RE = re.compile(r"uid=(\S+) t=(\d+)")


# ----------------------------------------------------------------------------- HTTP/1.1 client

class HttpError(Exception):
    pass


class HttpConn:
    """One HTTP/1.1 keep-alive connection on asyncio streams (the server answers with
    Content-Length). Reconnects when the server closed an idle connection."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.connects = 0

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.connects += 1

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method, path, body=None, token=None, timeout=30.0):
        """Returns (status, parsed JSON body or None)."""
        data = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(data)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        if token:
            head.append(f"Authorization: Bearer {token}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + data
        for attempt in range(2):
            reused = self.writer is not None
            if not reused:
                await self._connect()
            try:
                return await asyncio.wait_for(self._exchange(raw), timeout)
            except (ConnectionError, asyncio.IncompleteReadError, HttpError):
                self.close()
                # A keep-alive connection the server closed while idle: retry once on a new one.
                # (Resending a message is safe: client_message_id makes it idempotent, and a
                # duplicate would be reported as such.)
                if not reused or attempt == 1:
                    raise
            except asyncio.TimeoutError:
                self.close()
                raise
        raise HttpError("unreachable")

    async def _exchange(self, raw):
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"bad status line {lines[0]!r}")
        status = int(parts[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", ""):
            raise HttpError("chunked responses are not supported by this client")
        length = int(headers.get("content-length", "0"))
        payload = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            self.close()
        parsed = None
        if payload and "json" in headers.get("content-type", ""):
            parsed = json.loads(payload)
        return status, parsed


async def http_once(host, port, method, path, body=None, token=None, timeout=30.0):
    conn = HttpConn(host, port)
    try:
        return await conn.request(method, path, body, token, timeout)
    finally:
        conn.close()


# ----------------------------------------------------------------------------- /proc readers

def proc_stat(pid):
    """(utime+stime ticks, cutime+cstime ticks, ppid) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17, ppid 4.
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]), int(fields[1])


def proc_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return False
    return text[text.rindex(")") + 2:].split()[0] not in ("Z", "X")


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "Threads"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def tree_ticks(root_pid):
    """CPU ticks of a process, its reaped children and its live children (PostgreSQL: the
    postmaster and its backends)."""
    root = proc_stat(root_pid)
    if root is None:
        return None
    total = root[0] + root[1]
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == root_pid:
            continue
        st = proc_stat(int(name))
        if st is not None and st[2] == root_pid:
            total += st[0]
    return total


def system_ticks():
    """(busy, total) ticks over all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


class CpuGroups:
    """Samples the CPU ticks of the processes under test and of the whole machine."""

    def __init__(self, server_pid, pg_pid, redis_pid, client_pids):
        self.server_pid, self.pg_pid, self.redis_pid = server_pid, pg_pid, redis_pid
        self.client_pids = client_pids  # name -> pid

    def detail(self):
        """Per-thread ticks of the server and per-process ticks of PostgreSQL's children."""
        d = {"t": time.monotonic(), "threads": {}, "backends": {}}
        if self.server_pid:
            try:
                for tid in os.listdir(f"/proc/{self.server_pid}/task"):
                    st = proc_stat(f"{self.server_pid}/task/{tid}")
                    if st:
                        d["threads"][tid] = st[0]
            except OSError:
                pass
        if self.pg_pid:
            for name in os.listdir("/proc"):
                if name.isdigit():
                    st = proc_stat(int(name))
                    if st is not None and st[2] == self.pg_pid:
                        d["backends"][name] = st[0]
        return d

    def sample(self):
        s = {"t": time.monotonic()}
        if self.server_pid:
            st = proc_stat(self.server_pid)
            s["server"] = st[0] if st else None
        if self.pg_pid:
            s["postgres"] = tree_ticks(self.pg_pid)
        if self.redis_pid:
            st = proc_stat(self.redis_pid)
            s["redis"] = st[0] if st else None
        for name, pid in self.client_pids.items():
            st = proc_stat(pid)
            s["gen:" + name] = st[0] if st else None
        s["system_busy"], s["system_total"] = system_ticks()
        return s


def delta_cores(a, b, key):
    """Average cores used by `key` between two samples."""
    if a.get(key) is None or b.get(key) is None or b["t"] <= a["t"]:
        return None
    return (b[key] - a[key]) / CLK_TCK / (b["t"] - a["t"])


# ----------------------------------------------------------------------------- figures

def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def ms(value):
    return f"{value * 1000:.1f} ms" if value == value else "n/a"


async def fetch_metrics(host, port):
    """Selected counters from the server's /metrics (Prometheus text)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
        writer.write(f"GET /metrics HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        await writer.drain()
        text = (await asyncio.wait_for(reader.read(), 10)).decode("utf-8", "replace")
        writer.close()
    except (OSError, asyncio.TimeoutError):
        return {}
    out = {}
    for line in text.split("\r\n\r\n", 1)[-1].splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        if name in ("cc_ingest_batch_seconds_sum", "cc_ingest_batch_seconds_count",
                    "cc_messages_ingested_total", "cc_messages_duplicate_total"):
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


# ----------------------------------------------------------------------------- visitors (child)

async def create_sessions(cfg, count):
    """`count` widget sessions; returns their visitor tokens."""
    sem = asyncio.Semaphore(16)
    path = f"/widget/v1/{cfg['channel']}/sessions"

    async def one(i):
        async with sem:
            for attempt in range(3):
                try:
                    status, body = await http_once(cfg["host"], cfg["port"], "POST", path, {})
                    if status == 201 and body and body.get("visitor_token"):
                        return body["visitor_token"]
                    err = f"status {status}: {body}"
                except (OSError, asyncio.TimeoutError, HttpError, asyncio.IncompleteReadError) as e:
                    err = repr(e)
                await asyncio.sleep(0.2 * (attempt + 1))
            raise RuntimeError(f"cannot create a widget session: {err}")

    return await asyncio.gather(*(one(i) for i in range(count)))


class Visitor:
    def __init__(self, cfg, index, token):
        self.cfg, self.index, self.token = cfg, index, token
        self.ws = None
        self.http = None
        self.records = []      # [uid, t_send, t_ack or None, outcome]
        self.max_lag = 0.0     # how far behind its schedule it fell (--rate only)

    async def connect(self):
        if self.cfg["transport"] == "ws":
            url = f"ws://{self.cfg['host']}:{self.cfg['port']}/widget/v1/ws?token={self.token}"
            self.ws = await asyncio.wait_for(
                websockets.connect(url, max_size=2 ** 22, ping_interval=None, close_timeout=2), 20)
            ready = json.loads(await asyncio.wait_for(self.ws.recv(), 20))
            if ready.get("type") != "session.ready":
                raise RuntimeError(f"visitor socket answered {ready!r}")
        else:
            self.http = HttpConn(self.cfg["host"], self.cfg["port"])
            await self.http._connect()

    async def close(self):
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 3)
            except (asyncio.TimeoutError, websockets.exceptions.WebSocketException, OSError):
                pass
        if self.http is not None:
            self.http.close()

    async def _send_ws(self, client_id, content, timeout):
        await self.ws.send(json.dumps({"type": "message", "client_message_id": client_id,
                                       "content": content}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, "timeout"
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            except asyncio.TimeoutError:
                return None, "timeout"
            kind = frame.get("type")
            data = frame.get("data") or {}
            if data.get("client_message_id") != client_id:
                continue  # e.g. the echo of our own message for the visitor's other tabs
            if kind == "ack":
                return time.monotonic(), "duplicate" if data.get("duplicate") else "ok"
            if kind == "error":
                return None, f"error {data.get('status')}"

    async def _send_http(self, client_id, content, timeout):
        status, body = await self.http.request(
            "POST", "/widget/v1/messages", {"client_message_id": client_id, "content": content},
            self.token, timeout)
        if status == 201:
            return time.monotonic(), "ok"
        if status == 200 and body and body.get("duplicate"):
            return time.monotonic(), "duplicate"
        return None, f"http {status}"

    async def run(self, start, run_id):
        cfg = self.cfg
        interval = cfg["visitors"] / cfg["rate"] if cfg["rate"] > 0 else 0.0
        next_at = start + random.uniform(0, interval) if interval else start
        pad = cfg["content_bytes"]
        for m in range(cfg["messages"]):
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    self.max_lag = max(self.max_lag, -delay)
                next_at += interval
            uid = f"{run_id}.{self.index}.{m}"
            t_send = time.monotonic()
            content = f"bench uid={uid} t={time.monotonic_ns()} "
            if len(content) < pad:
                content += "x" * (pad - len(content))
            try:
                if self.ws is not None:
                    t_ack, outcome = await self._send_ws(uid, content, cfg["ack_timeout"])
                else:
                    t_ack, outcome = await self._send_http(uid, content, cfg["ack_timeout"])
            except (websockets.exceptions.ConnectionClosed, OSError, HttpError,
                    asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
                t_ack, outcome = None, f"{type(e).__name__}"
            self.records.append((uid, t_send, t_ack, outcome))
            if self.ws is not None and t_ack is None and outcome != "timeout" \
                    and not outcome.startswith("error"):
                break  # the socket is gone: stop this visitor, the report shows it


def visitor_process(cfg, proc_index, first, count, to_parent, go, go_time):
    """Child process: `count` visitors numbered from `first`. Ctrl-C is the parent's to handle
    (it stops the children); a child whose parent vanished ends by its own time bounds."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(visitor_main(cfg, proc_index, first, count, to_parent, go, go_time))


async def visitor_main(cfg, proc_index, first, count, to_parent, go, go_time):
    loop = asyncio.get_running_loop()
    visitors = []
    try:
        tokens = await create_sessions(cfg, count)
        visitors = [Visitor(cfg, first + i, t) for i, t in enumerate(tokens)]
        sem = asyncio.Semaphore(32)

        async def connect(v):
            async with sem:
                await v.connect()

        await asyncio.gather(*(connect(v) for v in visitors))
    except Exception as e:  # reported to the parent, which stops the run
        to_parent.put(("failed", proc_index, f"visitor setup: {e!r}"))
        for v in visitors:
            await v.close()
        return
    to_parent.put(("ready", proc_index, os.getpid()))
    started = await wait_event(go, loop, cfg["max_seconds"])
    if not started:
        to_parent.put(("failed", proc_index, "no go signal"))
        return
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    start = go_time.value
    run_task = asyncio.gather(*(v.run(start, cfg["run_id"]) for v in visitors))
    try:
        await asyncio.wait_for(run_task, cfg["max_seconds"])
        timed_out = False
    except asyncio.TimeoutError:
        timed_out = True
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    for v in visitors:
        await v.close()
    records = [r for v in visitors for r in v.records]
    to_parent.put(("result", proc_index, {
        "records": records,
        "cpu": (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
        "max_lag": max((v.max_lag for v in visitors), default=0.0),
        "timed_out": timed_out,
        "reconnects": sum(max(0, v.http.connects - 1) for v in visitors if v.http),
    }))


# ----------------------------------------------------------------------------- agents (parent)

class AgentSide:
    def __init__(self, cfg):
        self.cfg = cfg
        self.sockets = []
        self.tasks = []
        self.tokens = []
        self.seen = {}        # uid -> list of (t_recv, agent index)
        self.foreign = 0      # message.created events of other runs / other content
        self.other_types = {}
        self.changed = asyncio.Event()

    async def setup(self):
        cfg = self.cfg
        host, port = cfg["host"], cfg["port"]
        status, body = await http_once(host, port, "POST", "/api/v1/auth/login",
                                       {"email": cfg["admin_email"], "password": cfg["admin_password"]})
        if status != 200:
            raise RuntimeError(f"admin login failed: {status} {body}")
        admin = body["token"]
        for i in range(1, cfg["agents"] + 1):
            status, body = await http_once(host, port, "POST", "/api/v1/agents", {
                "email": BENCH_AGENT_EMAIL.format(i), "password": cfg["agent_password"],
                "name": f"Bench Agent {i}", "role": "agent"}, admin)
            if status not in (201, 409):
                raise RuntimeError(f"creating bench agent {i} failed: {status} {body}")
        sem = asyncio.Semaphore(4)

        async def login(i):
            async with sem:
                status, body = await http_once(host, port, "POST", "/api/v1/auth/login", {
                    "email": BENCH_AGENT_EMAIL.format(i), "password": cfg["agent_password"]})
                if status != 200:
                    raise RuntimeError(f"login of bench agent {i} failed: {status} {body}")
                return body["token"]

        self.tokens = await asyncio.gather(*(login(i) for i in range(1, cfg["agents"] + 1)))

    async def connect(self):
        """Opens every agent socket first, then sets the agents online (so no conversation is
        assigned to an agent whose socket is not listening yet)."""
        cfg = self.cfg
        url = f"ws://{cfg['host']}:{cfg['port']}/api/v1/ws"
        for index, token in enumerate(self.tokens):
            ws = await asyncio.wait_for(websockets.connect(
                url, extra_headers={"Authorization": f"Bearer {token}"}, max_size=2 ** 24,
                ping_interval=None, close_timeout=2), 20)
            ready = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if ready.get("type") != "session.ready":
                raise RuntimeError(f"agent socket answered {ready!r}")
            self.sockets.append(ws)
            self.tasks.append(asyncio.get_running_loop().create_task(self._read(index, ws)))
        for token in self.tokens:
            status, body = await http_once(cfg["host"], cfg["port"], "PUT", "/api/v1/me/status",
                                           {"status": "online"}, token)
            if status != 200:
                raise RuntimeError(f"setting an agent online failed: {status} {body}")

    async def _read(self, index, ws):
        run_prefix = self.cfg["run_id"] + "."
        try:
            async for text in ws:
                t_recv = time.monotonic()
                frame = json.loads(text)
                kind = frame.get("type")
                if kind != "message.created":
                    self.other_types[kind] = self.other_types.get(kind, 0) + 1
                    continue
                content = ((frame.get("data") or {}).get("message") or {}).get("content", "")
                match = CONTENT_RE.search(content)
                if not match or not match.group(1).startswith(run_prefix):
                    self.foreign += 1
                    continue
                self.seen.setdefault(match.group(1), []).append((t_recv, index))
                self.changed.set()
        except websockets.exceptions.ConnectionClosed:
            pass

    async def wait_for(self, expected_uids, timeout):
        """Waits until every uid has been seen (or `timeout`); returns the time it happened."""
        deadline = time.monotonic() + timeout
        pending = set(expected_uids)
        while True:
            self.changed.clear()
            pending = {u for u in pending if u not in self.seen}
            remaining = deadline - time.monotonic()
            if not pending or remaining <= 0:
                return not pending
            try:
                await asyncio.wait_for(self.changed.wait(), min(0.2, remaining))
            except asyncio.TimeoutError:
                pass

    async def close(self):
        cfg = self.cfg
        for token in self.tokens:
            try:
                await http_once(cfg["host"], cfg["port"], "PUT", "/api/v1/me/status",
                                {"status": "offline"}, token, timeout=5)
            except (OSError, asyncio.TimeoutError, HttpError, asyncio.IncompleteReadError):
                pass
        for ws in self.sockets:
            try:
                await asyncio.wait_for(ws.close(), 3)
            except (asyncio.TimeoutError, websockets.exceptions.WebSocketException, OSError):
                pass
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


# ----------------------------------------------------------------------------- the run (parent)

async def top_snapshot(delay):
    """`top` during the run (its second frame: CPU over one second)."""
    await asyncio.sleep(delay)
    try:
        proc = await asyncio.create_subprocess_exec(
            "top", "-b", "-n", "2", "-d", "1", "-w", "160",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        out, _ = await asyncio.wait_for(proc.communicate(), 10)
    except (OSError, asyncio.TimeoutError):
        return None
    frames = out.decode("utf-8", "replace").split("top - ")
    lines = ("top - " + frames[-1]).splitlines()
    return "\n".join(lines[:22])


PG_ACTIVITY_SQL = (
    "SELECT coalesce(state, '?') || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') "
    "FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database() "
    "AND pid <> pg_backend_pid()")


async def pg_activity_sampler(cfg, counts, stop):
    """What the server's PostgreSQL sessions are doing, every 0.5 s (pg_stat_activity)."""
    env = dict(os.environ, PGCONNECT_TIMEOUT="5")
    while not stop.is_set():
        try:
            proc = await asyncio.create_subprocess_exec(
                "psql", "-X", "-A", "-t", "-q", "-h", cfg["host"], "-p", str(cfg["pg_port"]),
                "-U", "postgres", "-d", cfg["pg_db"], "-c", PG_ACTIVITY_SQL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
            out, _ = await asyncio.wait_for(proc.communicate(), 5)
            counts["_samples"] = counts.get("_samples", 0) + 1
            for line in out.decode().splitlines():
                if line.strip():
                    counts[line.strip()] = counts.get(line.strip(), 0) + 1
        except (OSError, asyncio.TimeoutError):
            pass
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


async def sampler(groups, samples, stop):
    while not stop.is_set():
        samples.append(groups.sample())
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def drain_queue(q, loop, timeout):
    """The next message from the visitor processes, or None after `timeout` seconds. Polls in
    short slices so that no executor thread outlives an interrupted run by more than 0.5 s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await loop.run_in_executor(None, q.get, True, 0.5)
        except queue.Empty:
            if time.monotonic() >= deadline:
                return None


async def wait_event(event, loop, timeout):
    """multiprocessing.Event.wait without blocking the loop (0.5 s slices, like drain_queue)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await loop.run_in_executor(None, event.wait, 0.5):
            return True
    return False


async def run(cfg):
    loop = asyncio.get_running_loop()
    ctx = multiprocessing.get_context("spawn")
    to_parent = ctx.Queue()
    go = ctx.Event()
    go_time = ctx.Value("d", 0.0)

    # Visitors split evenly over the client processes.
    procs = []
    per = [cfg["visitors"] // cfg["procs"] + (1 if i < cfg["visitors"] % cfg["procs"] else 0)
           for i in range(cfg["procs"])]
    first = 0
    for i, count in enumerate(per):
        if count == 0:
            continue
        p = ctx.Process(target=visitor_process, args=(cfg, i, first, count, to_parent, go, go_time),
                        name=f"visitors-{i}", daemon=True)
        p.start()
        procs.append(p)
        first += count

    agents = AgentSide(cfg)
    completed = False
    result = {"config": {k: v for k, v in cfg.items() if k not in ("admin_password", "agent_password")}}
    try:
        setup_started = time.monotonic()
        await agents.setup()
        await agents.connect()
        ready = 0
        while ready < len(procs):
            msg = await drain_queue(to_parent, loop, 120)
            if msg is None:
                raise RuntimeError("visitor processes did not get ready within 120 s")
            if msg[0] == "failed":
                raise RuntimeError(f"visitor process {msg[1]} failed: {msg[2]}")
            if msg[0] == "ready":
                ready += 1
        setup_seconds = time.monotonic() - setup_started

        client_pids = {"parent(agents)": os.getpid()}
        for p in procs:
            client_pids[p.name] = p.pid
        groups = CpuGroups(cfg["server_pid"], cfg["pg_pid"], cfg["redis_pid"], client_pids)
        status_before = proc_status(cfg["server_pid"]) if cfg["server_pid"] else {}
        metrics_before = await fetch_metrics(cfg["host"], cfg["port"])
        samples = []
        stop_sampling = asyncio.Event()
        first_sample = groups.sample()
        first_detail = groups.detail()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)

        go_time.value = time.monotonic() + 0.05
        go.set()
        sampling = loop.create_task(sampler(groups, samples, stop_sampling))
        top_task = loop.create_task(top_snapshot(cfg["top_at"])) if cfg["top_at"] > 0 else None
        pg_activity = {}
        pg_task = (loop.create_task(pg_activity_sampler(cfg, pg_activity, stop_sampling))
                   if cfg["pg_port"] else None)

        results = []
        deadline = time.monotonic() + cfg["max_seconds"] + 60
        while len(results) < len(procs):
            msg = await drain_queue(to_parent, loop, max(1.0, deadline - time.monotonic()))
            if msg is None:
                raise RuntimeError("visitor processes sent no results before the deadline")
            if msg[0] == "failed":
                raise RuntimeError(f"visitor process {msg[1]} failed: {msg[2]}")
            if msg[0] == "result":
                results.append(msg[2])
        completed = True
        records = [r for res in results for r in res["records"]]
        acked = [r for r in records if r[2] is not None]
        acked_uids = [r[0] for r in acked]
        await agents.wait_for(acked_uids, cfg["drain_seconds"])
        last_sample = groups.sample()
        last_detail = groups.detail()
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        stop_sampling.set()
        await sampling
        if pg_task is not None:
            await pg_task
        status_after = proc_status(cfg["server_pid"]) if cfg["server_pid"] else {}
        metrics_after = await fetch_metrics(cfg["host"], cfg["port"])
        top_text = None
        if top_task is not None:
            if not top_task.done():
                top_task.cancel()
            top_text = await asyncio.gather(top_task, return_exceptions=True)
            top_text = top_text[0] if isinstance(top_text[0], str) else None
    finally:
        await agents.close()
        for p in procs:
            p.join(10 if completed else 0.1)  # interrupted: stop the visitors at once
            if p.is_alive():
                p.terminate()
                p.join(5)

    # ------------------------------------------------------------------ figures
    start = go_time.value
    sent = len(records)
    ok = [r for r in acked if r[3] == "ok"]
    dup_acks = [r for r in acked if r[3] == "duplicate"]
    failed = [r for r in records if r[2] is None]
    failures = {}
    for r in failed:
        failures[r[3]] = failures.get(r[3], 0) + 1
    last_ack = max((r[2] for r in acked), default=start)
    window = max(1e-9, last_ack - start)
    ack_lat = sorted(r[2] - r[1] for r in acked)
    # A visitor's first message opens a conversation (and its assignment); the others do not.
    first_lat = sorted(r[2] - r[1] for r in acked if r[0].endswith(".0"))
    later_lat = sorted(r[2] - r[1] for r in acked if not r[0].endswith(".0"))
    send_time = {r[0]: r[1] for r in records}
    acked_set = set(acked_uids)
    seen = agents.seen
    missing = [u for u in acked_uids if u not in seen]
    dup_events = sum(len(v) - 1 for v in seen.values() if len(v) > 1)
    unacked_seen = [u for u in seen if u not in acked_set]
    agent_lat = sorted(seen[u][0][0] - send_time[u] for u in acked_uids if u in seen)
    last_event = max((v[0][0] for v in seen.values()), default=start)
    per_agent = {}
    for v in seen.values():
        per_agent[v[0][1]] = per_agent.get(v[0][1], 0) + 1

    n = max(1, len(acked))
    usage = {}
    for key in first_sample:
        if key in ("t", "system_total"):
            continue
        cores = delta_cores(first_sample, last_sample, key)
        if cores is None:
            continue
        peak = max((delta_cores(a, b, key) or 0.0 for a, b in zip(samples, samples[1:])), default=0.0)
        ticks = last_sample[key] - first_sample[key]
        usage[key] = {"cores": cores, "peak_cores": peak,
                      "cpu_seconds": ticks / CLK_TCK, "us_per_msg": ticks / CLK_TCK * 1e6 / n}
    measured_window = last_sample["t"] - first_sample["t"]

    def busiest(kind):
        span = max(1e-9, last_detail["t"] - first_detail["t"])
        deltas = [(last_detail[kind][k] - first_detail[kind].get(k, 0)) / CLK_TCK / span
                  for k in last_detail[kind]]
        return sorted(deltas, reverse=True)[:4]
    gen_cpu = [res["cpu"] for res in results]
    parent_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)

    batches = (metrics_after.get("cc_ingest_batch_seconds_count", 0)
               - metrics_before.get("cc_ingest_batch_seconds_count", 0))
    batch_secs = (metrics_after.get("cc_ingest_batch_seconds_sum", 0)
                  - metrics_before.get("cc_ingest_batch_seconds_sum", 0))

    result.update({
        "sent": sent, "acked": len(acked), "acked_ok": len(ok), "acked_duplicate": len(dup_acks),
        "unacked": len(failed), "failures": failures,
        "window_seconds": window, "msgs_per_second": len(acked) / window,
        "ack_latency": {"p50": pct(ack_lat, 50), "p95": pct(ack_lat, 95), "p99": pct(ack_lat, 99),
                        "max": ack_lat[-1] if ack_lat else float("nan"),
                        "mean": sum(ack_lat) / len(ack_lat) if ack_lat else float("nan")},
        "ack_latency_first": {"p50": pct(first_lat, 50), "p99": pct(first_lat, 99),
                              "max": first_lat[-1] if first_lat else float("nan")},
        "ack_latency_later": {"p50": pct(later_lat, 50), "p99": pct(later_lat, 99),
                              "max": later_lat[-1] if later_lat else float("nan")},
        "agent_latency": {"p50": pct(agent_lat, 50), "p99": pct(agent_lat, 99),
                          "max": agent_lat[-1] if agent_lat else float("nan")},
        "seen_by_agents": len(acked_set & set(seen)), "missing_at_agents": len(missing),
        "duplicate_agent_events": dup_events, "seen_but_unacked": len(unacked_seen),
        "foreign_events": agents.foreign, "other_agent_frames": agents.other_types,
        "agents_receiving": len(per_agent),
        "last_event_after_start": last_event - start,
        "server_status_before": status_before, "server_status_after": status_after,
        "cpu": usage, "measured_window": measured_window,
        "generator_cpu_seconds": {"parent(agents)": parent_cpu,
                                  **{f"visitors-{i}": c for i, c in enumerate(gen_cpu)}},
        "max_schedule_lag": max((res["max_lag"] for res in results), default=0.0),
        "http_reconnects": sum(res["reconnects"] for res in results),
        "timed_out": any(res["timed_out"] for res in results),
        "ingest_batches": batches, "ingest_batch_seconds": batch_secs,
        "server_alive": proc_alive(cfg["server_pid"]) if cfg["server_pid"] else None,
        "busiest_server_threads": busiest("threads"),
        "busiest_pg_backends": busiest("backends"),
        "setup_seconds": setup_seconds, "top": top_text, "pg_activity": pg_activity,
    })
    return result


def report(r):
    cfg = r["config"]
    mode = f"{cfg['rate']:.0f} msg/s target" if cfg["rate"] > 0 else "closed loop, as fast as acks come"
    out = []
    p = out.append
    p(f"== webchat load: {cfg['visitors']} visitors x {cfg['messages']} messages, transport "
      f"{cfg['transport']}, {mode}, {cfg['agents']} agents, {cfg['procs']} visitor process(es), "
      f"content {cfg['content_bytes']} B")
    if r.get("server_alive") is False:
        p("!! cc-server DIED during the run (pid gone or zombie): the figures below describe a "
          "crash, not a throughput")
    p(f"sent {r['sent']}, acknowledged {r['acked']} ({r['acked_duplicate']} as duplicate), "
      f"unacknowledged {r['unacked']} {r['failures'] or ''}".rstrip())
    if r["acked"] >= 2 and r["window_seconds"] >= 0.01:
        p(f"throughput      {r['msgs_per_second']:.0f} messages/s durably stored "
          f"({r['acked']} acks in {r['window_seconds']:.2f} s)")
    else:
        p(f"throughput      n/a ({r['acked']} acks)")
    a = r["ack_latency"]
    p(f"ack latency     p50 {ms(a['p50'])}  p95 {ms(a['p95'])}  p99 {ms(a['p99'])}  max {ms(a['max'])}"
      f"  (mean {ms(a['mean'])})")
    first, later = r["ack_latency_first"], r["ack_latency_later"]
    p(f"  first message p50 {ms(first['p50'])}  p99 {ms(first['p99'])}  max {ms(first['max'])}"
      "   (opens the conversation)")
    p(f"  later         p50 {ms(later['p50'])}  p99 {ms(later['p99'])}  max {ms(later['max'])}")
    g = r["agent_latency"]
    p(f"send->agent     p50 {ms(g['p50'])}  p99 {ms(g['p99'])}  max {ms(g['max'])}  "
      f"(last event {r['last_event_after_start']:.2f} s after start)")
    p(f"agents saw      {r['seen_by_agents']} of {r['acked']} acknowledged; missing "
      f"{r['missing_at_agents']}, duplicate events {r['duplicate_agent_events']}, seen but not "
      f"acknowledged {r['seen_but_unacked']}; {r['agents_receiving']} agents received messages")
    if cfg["rate"] > 0:
        p(f"schedule lag    max {ms(r['max_schedule_lag'])} (latency counts from the actual send)")
    if r["ingest_batches"]:
        p(f"ingest batches  {r['ingest_batches']:.0f} commits, {r['acked'] / r['ingest_batches']:.1f} "
          f"messages per batch, {r['ingest_batch_seconds'] / r['ingest_batches'] * 1000:.2f} ms per "
          f"batch ({r['ingest_batch_seconds'] / max(1, r['acked']) * 1000:.2f} ms per message), "
          f"{r['ingest_batch_seconds'] / max(1e-9, r['window_seconds']) * 100:.0f}% of "
          f"the window spent in store_batch (cc_ingest_batch_seconds)")
    sb, sa = r["server_status_before"], r["server_status_after"]
    if sa:
        p(f"server memory   RSS {sb.get('VmRSS', 0) / 1024:.1f} -> {sa.get('VmRSS', 0) / 1024:.1f} MiB, "
          f"peak {sa.get('VmHWM', 0) / 1024:.1f} MiB, threads {sa.get('Threads')}")
    p(f"CPU over {r['measured_window']:.2f} s (cores = CPU seconds / wall seconds; the box has "
      f"{os.cpu_count()} cores):")
    cpu = r["cpu"]
    gen_total = {"cores": 0.0, "cpu_seconds": 0.0, "us_per_msg": 0.0}
    for key in sorted(cpu, key=lambda k: (k.startswith("gen:"), k == "system_busy", k)):
        u = cpu[key]
        label = key.replace("gen:", "generator ")
        if key == "system_busy":
            continue
        if key.startswith("gen:"):
            for f in gen_total:
                gen_total[f] += u[f]
        p(f"  {label:24s} {u['cpu_seconds']:7.2f} s  {u['cores']:5.2f} cores avg  "
          f"{u['peak_cores']:5.2f} peak/1s  {u['us_per_msg']:8.0f} us/message")
    if "system_busy" in cpu:
        u = cpu["system_busy"]
        known = sum(v["cpu_seconds"] for k, v in cpu.items() if k != "system_busy")
        other = max(0.0, u["cpu_seconds"] - known)
        p(f"  {'whole machine':24s} {u['cpu_seconds']:7.2f} s  {u['cores']:5.2f} cores avg  "
          f"{u['peak_cores']:5.2f} peak/1s  (other processes: {other:.2f} s = "
          f"{other / max(1e-9, r['measured_window']):.2f} cores)")
    if r.get("busiest_server_threads"):
        p("  busiest cc-server threads (cores): "
          + ", ".join(f"{c:.2f}" for c in r["busiest_server_threads"]))
    if r.get("busiest_pg_backends"):
        p("  busiest PostgreSQL processes (cores): "
          + ", ".join(f"{c:.2f}" for c in r["busiest_pg_backends"]))
    act = dict(r.get("pg_activity") or {})
    samples = act.pop("_samples", 0)
    if samples:
        p(f"PostgreSQL sessions of cc-server, {samples} samples of pg_stat_activity "
          "(average sessions in each state):")
        for state, count in sorted(act.items(), key=lambda kv: -kv[1]):
            p(f"  {count / samples:5.2f}  {state}")
    if r.get("top"):
        p("top during the run:")
        p("\n".join("  " + line for line in r["top"].splitlines()))
    p("bound: " + verdict(r, gen_total))
    server_us = cpu.get("server", {}).get("us_per_msg")
    p(f"note: the generator is Python (asyncio + websockets), slower per operation than the C++ "
      f"server: it spent {gen_total['us_per_msg']:.0f} us of CPU per message"
      + (f" against cc-server's {server_us:.0f} us" if server_us is not None else "")
      + f" and runs on the same {os.cpu_count()} cores, so the figure is what this box does with "
      "the generator on it: a floor for the server, not its ceiling.")
    return "\n".join(out)


def verdict(r, gen_total):
    cpu = r["cpu"]
    cores = os.cpu_count() or 1
    reasons = []
    gens = {k: v for k, v in cpu.items() if k.startswith("gen:")}
    hot = [f"{k[4:]} at {v['cores']:.2f} core" for k, v in gens.items() if v["cores"] >= 0.85]
    busy = cpu.get("system_busy", {}).get("cores", 0.0)
    if busy >= 0.9 * cores:
        split = ", ".join(f"{k.replace('gen:', '')} {v['cores']:.2f}" for k, v in cpu.items()
                          if k != "system_busy" and v["cores"] >= 0.05)
        reasons.append(f"the machine's CPUs are saturated ({busy:.2f} of {cores} cores busy: {split})")
    disturbed = None
    if "system_busy" in cpu:
        known = sum(v["cores"] for k, v in cpu.items() if k != "system_busy")
        other = busy - known
        # A quiet box shows ~0.15 here: this script's own psql/top samplers and the kernel.
        if other >= 0.35:
            disturbed = (f"other processes on the box used {other:.2f} cores during the run: the "
                         "figures are disturbed, rerun when the machine is quiet")
    if hot:
        reasons.append("a Python generator process is at its one-core limit (" + ", ".join(hot) + ")")
    server = cpu.get("server", {}).get("cores", 0.0)
    if server >= 0.9 * min(cores, r["config"].get("io_threads", cores)):
        reasons.append(f"cc-server uses {server:.2f} cores")
    share = r["ingest_batch_seconds"] / max(1e-9, r["window_seconds"]) if r.get("ingest_batches") else 0
    per_batch = r["acked"] / r["ingest_batches"] if r.get("ingest_batches") else 0
    if share > 0.6 and per_batch >= 2 and per_batch > 0.3 * r["config"]["visitors"]:
        per_msg = r["ingest_batch_seconds"] / max(1, r["acked"])
        reasons.append(
            f"the single ingest flush loop: one batch transaction at a time, {share * 100:.0f}% of "
            f"the window inside store_batch at {per_msg * 1000:.2f} ms per message (ceiling "
            f"~{1 / per_msg:.0f} msg/s even with nothing else in the loop), the rest in "
            f"after_commit; {per_batch:.0f} of {r['config']['visitors']} outstanding messages "
            "wait in each batch")
    if not reasons and r["config"]["rate"] > 0:
        reasons.append(f"paced at {r['config']['rate']:.0f} msg/s: the offered load sets the "
                       f"throughput ({busy:.2f} of {cores} cores busy); read the latencies and the "
                       "schedule lag")
    if not reasons:
        mean = r["ack_latency"]["mean"]
        text = f"no CPU is saturated ({busy:.2f} of {cores} cores busy)"
        if mean == mean and mean > 0:
            little = r["config"]["visitors"] / mean
            if abs(little - r["msgs_per_second"]) <= 0.3 * little:
                text += (f": the closed loop is latency-bound, {r['config']['visitors']} outstanding "
                         f"messages / {ms(mean)} mean ack = {little:.0f} msg/s (Little's law)")
            else:
                text += (f"; Little's law predicts {little:.0f} msg/s but {r['msgs_per_second']:.0f} "
                         "were measured: a tail dominates the window (see the max latencies)")
        reasons.append(text)
    if disturbed:
        reasons.append(disturbed)
    return "; ".join(reasons)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True, help="cc-server HTTP port")
    ap.add_argument("--channel", required=True, help="web chat channel account id")
    ap.add_argument("--visitors", "-n", type=int, default=200)
    ap.add_argument("--messages", "-m", type=int, default=20, help="messages per visitor")
    ap.add_argument("--transport", choices=("ws", "http"), default="ws")
    ap.add_argument("--rate", type=float, default=0.0,
                    help="total messages/s to aim at; 0 = closed loop, as fast as acks come")
    ap.add_argument("--content-bytes", type=int, default=100, help="content padded to this size")
    ap.add_argument("--agents", type=int, default=20, help="bench agents (created if missing)")
    ap.add_argument("--procs", type=int, default=2, help="visitor client processes")
    ap.add_argument("--admin-email", default=os.environ.get("CC_ADMIN_EMAIL", "admin@example.com"))
    ap.add_argument("--admin-password", default=os.environ.get("CC_ADMIN_PASSWORD", "admin-change-me"))
    ap.add_argument("--agent-password", default="bench-agent-password")
    ap.add_argument("--server-pid", type=int, default=0, help="cc-server pid, for RSS and CPU")
    ap.add_argument("--pg-pid", type=int, default=0, help="postmaster pid, for PostgreSQL CPU")
    ap.add_argument("--pg-port", type=int, default=0,
                    help="PostgreSQL port, to sample pg_stat_activity during the run (0 = do not)")
    ap.add_argument("--pg-db", default="bench", help="the server's database name (with --pg-port)")
    ap.add_argument("--redis-pid", type=int, default=0, help="redis-server pid, for Redis CPU")
    ap.add_argument("--io-threads", type=int, default=2, help="the server's CC_IO_THREADS (for the verdict)")
    ap.add_argument("--ack-timeout", type=float, default=30.0, help="seconds to wait for one ack")
    ap.add_argument("--drain-seconds", type=float, default=20.0,
                    help="seconds to wait, after the last ack, for the agents' events")
    ap.add_argument("--max-seconds", type=float, default=600.0, help="upper bound of the send phase")
    ap.add_argument("--top-at", type=float, default=0.0,
                    help="seconds after the start to capture `top` (0 = do not)")
    ap.add_argument("--json-out", help="also write the figures as JSON to this file")
    args = ap.parse_args()
    if args.visitors < 1 or args.messages < 1 or args.procs < 1 or args.agents < 1:
        ap.error("--visitors, --messages, --procs and --agents must be at least 1")
    if args.messages > 100000 or args.visitors > 20000:
        ap.error("keep --visitors <= 20000 and --messages <= 100000")
    cfg = {
        "host": args.host, "port": args.port, "channel": args.channel,
        "visitors": args.visitors, "messages": args.messages, "transport": args.transport,
        "rate": args.rate, "content_bytes": args.content_bytes, "agents": args.agents,
        "procs": min(args.procs, args.visitors), "admin_email": args.admin_email,
        "admin_password": args.admin_password, "agent_password": args.agent_password,
        "server_pid": args.server_pid, "pg_pid": args.pg_pid,
        "pg_port": args.pg_port, "pg_db": args.pg_db, "redis_pid": args.redis_pid,
        "io_threads": args.io_threads, "ack_timeout": args.ack_timeout,
        "drain_seconds": args.drain_seconds, "max_seconds": args.max_seconds,
        "top_at": args.top_at, "run_id": "r" + uuid.uuid4().hex[:8],
    }
    try:
        result = asyncio.run(run(cfg))
    except KeyboardInterrupt:
        print("webchat_load: interrupted", file=sys.stderr, flush=True)
        return 130
    print(report(result), flush=True)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=1, default=str)
    bad = (result.get("server_alive") is False or result["unacked"] or result["missing_at_agents"] or result["duplicate_agent_events"]
           or result["acked_duplicate"] or result["timed_out"])
    if bad:
        print("CORRECTNESS: some messages were not acknowledged, not delivered to an agent, or "
              "delivered twice (see above)", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
