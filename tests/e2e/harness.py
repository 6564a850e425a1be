"""End-to-end harness: a real cc-server against a fresh PostgreSQL database per test class.

The environment comes from scripts/test (see tests/e2e/README.md):
  CC_TEST_PG_ADMIN_URL, CC_TEST_PG_PORT, CC_TEST_PG_BIN, CC_TEST_REDIS_HOST, CC_TEST_REDIS_PORT,
  CC_SERVER_BIN, CC_REPO_ROOT, CC_TEST_OUTPUT, CC_TEST_TMPDIR.
Without CC_TEST_PG_ADMIN_URL every test class skips.

Stdlib plus Debian's python3-websockets (10.x); run with /usr/bin/python3.
"""
import asyncio
import errno
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse
import uuid

try:
    import websockets
    import websockets.exceptions
except ImportError:  # reported by test_env() once the services are known to be there
    websockets = None

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.environ.get("CC_REPO_ROOT") or os.path.abspath(os.path.join(HERE, "..", ".."))
SERVICES_SH = os.path.join(REPO_ROOT, "scripts", "lib", "services.sh")
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-e2e-password"
DEMO_AGENT_PASSWORD = "agent-demo-pass"
AGENT_PASSWORD = "agent-e2e-password"


# ----------------------------------------------------------------------------- environment

def test_env():
    """The variables scripts/test exports. Without them the suite fails rather than skipping:
    a run that tested nothing must not look green."""
    if not os.environ.get("CC_TEST_PG_ADMIN_URL"):
        raise RuntimeError(
            "CC_TEST_PG_ADMIN_URL is not set: e2e tests need the PostgreSQL and Redis that "
            "scripts/test starts (see tests/e2e/README.md)")
    if websockets is None:  # a broken setup, not a reason to skip
        raise RuntimeError("python3-websockets is missing; run the tests with /usr/bin/python3")
    admin = urllib.parse.urlparse(os.environ["CC_TEST_PG_ADMIN_URL"])
    output = os.environ.get("CC_TEST_OUTPUT") or os.path.join(REPO_ROOT, "test-output")
    os.makedirs(output, exist_ok=True)
    return {
        "pg_host": admin.hostname or "127.0.0.1",
        "pg_port": int(os.environ.get("CC_TEST_PG_PORT") or admin.port or 5432),
        "pg_user": admin.username or "postgres",
        "pg_bin": os.environ.get("CC_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"),
        "redis_host": os.environ.get("CC_TEST_REDIS_HOST", "127.0.0.1"),
        "redis_port": int(os.environ.get("CC_TEST_REDIS_PORT", "6379")),
        "server_bin": os.environ.get("CC_SERVER_BIN") or os.path.join(REPO_ROOT, "build", "cc-server"),
        "output": output,
        "tmpdir": os.environ.get("CC_TEST_TMPDIR") or "/tmp",
    }


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- PostgreSQL

def psql(port, sql, database="postgres", host="127.0.0.1", user="postgres", timeout=30):
    """Runs SQL with psql; returns stdout rows as lists of '|'-separated fields."""
    result = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", str(port),
         "-U", user, "-d", database, "-c", sql],
        capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    if result.returncode != 0:
        raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.strip()}\nSQL: {sql}")
    return [line.split("|") for line in result.stdout.splitlines() if line != ""]


def create_database(port, name, host="127.0.0.1"):
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    psql(port, f"CREATE DATABASE {name}", host=host)


def services(command):
    """Runs `command` in bash after sourcing scripts/lib/services.sh; raises on failure."""
    result = subprocess.run(["bash", "-c", f'source "{SERVICES_SH}" && {command}'],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"services.sh `{command}` failed: {result.stderr.strip()}")
    return result


# ----------------------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers  # dict of lower-case name -> value
        self.raw = raw
        ctype = self.content_type
        self.body = None
        if raw and (ctype == "application/json" or ctype == "application/problem+json"):
            self.body = json.loads(raw.decode("utf-8"))
        elif raw:
            self.body = raw.decode("utf-8", errors="replace")

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip()

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"<Response {self.status} {self.content_type} {self.raw[:300]!r}>"


def _request_parts(method, body, token, headers, raw_body, content_type):
    hdrs = {}
    data = None
    if raw_body is not None:
        data = raw_body if isinstance(raw_body, bytes) else raw_body.encode()
        if content_type:
            hdrs["Content-Type"] = content_type
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = content_type or "application/json"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if data is None and method in ("POST", "PUT", "PATCH"):
        hdrs["Content-Length"] = "0"
    hdrs.update(headers or {})
    return data, hdrs


def http_request(port, method, path, body=None, token=None, headers=None, raw_body=None,
                 content_type=None, timeout=15, host="127.0.0.1"):
    """One HTTP request on a new connection. `body` is sent as JSON; `raw_body` as is."""
    data, hdrs = _request_parts(method, body, token, headers, raw_body, content_type)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
    finally:
        conn.close()


async def async_http_request(port, method, path, body=None, token=None, headers=None,
                             raw_body=None, content_type=None, timeout=30, host="127.0.0.1"):
    """The same as http_request, on asyncio streams, so hundreds can run at once."""
    data, hdrs = _request_parts(method, body, token, headers, raw_body, content_type)
    data = data or b""

    async def run():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
            if data or method in ("POST", "PUT", "PATCH"):
                hdrs.setdefault("Content-Length", str(len(data)))
            lines += [f"{k}: {v}" for k, v in hdrs.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ")[1])
            response_headers = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    response_headers[name.strip().lower()] = value.strip()
            length = int(response_headers.get("content-length", "0"))
            raw = await reader.readexactly(length) if length else b""
            return Response(status, response_headers, raw)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    return await asyncio.wait_for(run(), timeout)


# ----------------------------------------------------------------------------- the server

def while_binary_is_replaced(spawn, timeout=60):
    """Calls spawn(), retrying while the server binary is being relinked (a developer's build
    replacing it mid-run shows as EACCES, ETXTBSY or ENOENT for a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return spawn()
        except (PermissionError, FileNotFoundError, OSError) as error:
            if error.errno not in (errno.EACCES, errno.ETXTBSY, errno.ENOENT, errno.ENOEXEC) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class ServerProcess:
    """One cc-server child process with its own database, Redis channel and log file."""

    def __init__(self, env, name, database_url, extra_env=None):
        self.env = env
        self.name = name
        self.database_url = database_url
        self.log_path = os.path.join(env["output"], f"{name}.log")
        os.makedirs(env["tmpdir"], exist_ok=True)
        self.port_file = os.path.join(env["tmpdir"], f"{name}.{uuid.uuid4().hex[:8]}.port")
        self.extra_env = dict(extra_env or {})
        self.process = None
        self.port = None
        self.returncode = None
        self.process_env = dict(
            os.environ,
            CC_DATABASE_URL=database_url,
            CC_REDIS_HOST=env["redis_host"],
            CC_REDIS_PORT=str(env["redis_port"]),
            # Servers of tests that run in parallel share one Redis: a channel of their own keeps
            # one server's agent events (whose ids overlap across databases) off the others.
            CC_REDIS_CHANNEL=f"cc:e2e:{name}:{uuid.uuid4().hex[:8]}",
            CC_SECRET_KEY=secrets.token_hex(32),
            CC_HTTP_HOST="127.0.0.1",
            CC_HTTP_PORT="0",
            CC_PORT_FILE=self.port_file,
            CC_SMTP_PORT="0",  # listeners bind a free port: test servers run side by side
            CC_SIP_PORT="0",  # the SIP redirect server too (UDP and TCP); never 5060 in tests
            CC_LOG_LEVEL="debug",
            CC_INSTANCE_ID=f"e2e-{name}",
            CC_SHUTDOWN_GRACE_MS="5000",
            CC_ADMIN_EMAIL=ADMIN_EMAIL,
            CC_ADMIN_PASSWORD=ADMIN_PASSWORD,
        )
        self.process_env.pop("CC_CONFIG", None)
        self.process_env.update(self.extra_env)
        self.grace_seconds = int(self.process_env["CC_SHUTDOWN_GRACE_MS"]) / 1000.0

    def _log(self, text):
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(text)

    def seed(self):
        """Runs `cc-server seed-demo`; returns the demo web chat channel account id."""
        result = while_binary_is_replaced(lambda: subprocess.run(
            [self.env["server_bin"], "seed-demo"], cwd=REPO_ROOT, env=self.process_env,
            capture_output=True, text=True, timeout=60))
        self._log(f"==== seed-demo (exit {result.returncode})\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise RuntimeError(f"seed-demo failed ({result.returncode}); see {self.log_path}")
        match = re.search(r"webchat_channel_account_id=(\d+)", result.stdout)
        if not match:
            raise RuntimeError(f"seed-demo printed no channel account id; see {self.log_path}")
        return match.group(1)

    def start(self, timeout=30):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self._log(f"==== serve ({time.strftime('%H:%M:%S')})\n")
        self._logfile = open(self.log_path, "ab")
        self.process = while_binary_is_replaced(lambda: subprocess.Popen(
            [self.env["server_bin"], "serve"], cwd=REPO_ROOT, env=self.process_env,
            stdout=self._logfile, stderr=subprocess.STDOUT))
        self.returncode = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cc-server exited at start ({self.process.returncode}); "
                                   f"see {self.log_path}")
            if os.path.exists(self.port_file):
                with open(self.port_file) as port_file:
                    text = port_file.read().strip()
                if text:
                    self.port = int(text)
                    break
            time.sleep(0.05)
        else:
            self.kill()
            raise RuntimeError(f"cc-server wrote no port file in {timeout} s; see {self.log_path}")
        while time.monotonic() < deadline:
            try:
                if http_request(self.port, "GET", "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"cc-server /healthz never answered 200; see {self.log_path}")

    def running(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self, timeout=None):
        """SIGTERM and wait; returns (exit code, seconds it took)."""
        if self.process is None:
            return self.returncode, 0.0
        if timeout is None:
            timeout = self.grace_seconds + 10
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.returncode = "killed after SIGTERM timeout"
        took = time.monotonic() - started
        self._close_log()
        self.process = None
        return self.returncode, took

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def _close_log(self):
        logfile = getattr(self, "_logfile", None)
        if logfile is not None and not logfile.closed:
            logfile.close()
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


# ----------------------------------------------------------------------------- WebSockets

class SocketClient:
    """A WebSocket client that reads in the background and keeps every JSON frame it got.

    wait_for() takes the first frame, not yet taken, that matches; frames may be awaited in any
    order. close_code is set once the server closed the connection."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []          # (monotonic receive time, frame)
        self._taken = set()
        self._changed = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code = None
        self.close_reason = None
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self):
        try:
            async for text in self.ws:
                self.frames.append((time.monotonic(), json.loads(text)))
                self._changed.set()
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.close_reason = self.ws.close_reason
            self.closed.set()
            self._changed.set()

    def _find(self, predicate):
        for index, (_, frame) in enumerate(self.frames):
            if index not in self._taken and predicate(frame):
                self._taken.add(index)
                return index
        return None

    async def wait_for(self, predicate=None, timeout=5.0, type=None, what=None):
        """The next untaken frame matching `type` and `predicate`; AssertionError on timeout."""
        def matches(frame):
            return (type is None or frame.get("type") == type) and (predicate is None or predicate(frame))

        deadline = time.monotonic() + timeout
        while True:
            index = self._find(matches)
            if index is not None:
                return self.frames[index][1]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.closed.is_set() and self._find(matches) is None):
                got = [f for _, f in self.frames]
                raise AssertionError(
                    f"no {what or type or 'matching'} frame within {timeout} s "
                    f"(closed={self.closed.is_set()}, code={self.close_code}); got {got!r}"[:4000])
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def received_at(self, frame):
        for at, candidate in self.frames:
            if candidate is frame:
                return at
        raise KeyError("frame not received by this client")

    def untaken(self, type=None):
        return [f for i, (_, f) in enumerate(self.frames)
                if i not in self._taken and (type is None or f.get("type") == type)]

    async def quiet(self, seconds):
        """Waits `seconds` and returns the frames that arrived in that time."""
        before = len(self.frames)
        await asyncio.sleep(seconds)
        return [f for _, f in self.frames[before:]]

    async def send(self, obj):
        await self.ws.send(json.dumps(obj))

    async def close(self):
        try:
            await self.ws.close()
        finally:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass


class AgentSocket(SocketClient):
    """The agent's event stream at /api/v1/ws."""

    @classmethod
    async def connect(cls, port, token, last_seq=None, auth="header", wait_ready=True):
        url = f"ws://127.0.0.1:{port}/api/v1/ws"
        headers = {}
        if auth == "header":
            headers["Authorization"] = f"Bearer {token}"
            if last_seq is not None:
                url += f"?last_seq={last_seq}"
        ws = await websockets.connect(url, extra_headers=headers, open_timeout=10,
                                      ping_interval=None, max_size=2 ** 22)
        client = cls(ws)
        if auth == "message":
            hello = {"type": "auth", "token": token}
            if last_seq is not None:
                hello["last_seq"] = last_seq
            await client.send(hello)
        if wait_ready:
            await client.wait_for(type="session.ready", timeout=10)
        return client

    async def event(self, type, conversation_id=None, timeout=5.0):
        """The next `type` event, about `conversation_id` when given."""
        def about(frame):
            if conversation_id is None:
                return True
            return str(frame.get("data", {}).get("conversation", {}).get("id")) == str(conversation_id)
        return await self.wait_for(about, timeout=timeout, type=type,
                                   what=f"{type} (conversation {conversation_id})")

    def events(self):
        """Every frame with a seq > 0, in arrival order."""
        return [f for _, f in self.frames if f.get("seq", 0) > 0]


class VisitorSocket(SocketClient):
    """The web chat visitor's socket at /widget/v1/ws."""

    @classmethod
    async def connect(cls, port, visitor_token, after=None, wait_ready=True):
        query = {"token": visitor_token}
        if after is not None:
            query["after"] = str(after)
        url = f"ws://127.0.0.1:{port}/widget/v1/ws?{urllib.parse.urlencode(query)}"
        ws = await websockets.connect(url, open_timeout=10, ping_interval=None)
        client = cls(ws)
        if wait_ready:
            await client.wait_for(type="session.ready", timeout=10)
        return client

    async def send_message(self, client_message_id, content):
        await self.send({"type": "message", "client_message_id": client_message_id, "content": content})

    async def ack(self, client_message_id, timeout=5.0):
        return await self.wait_for(
            lambda f: f.get("data", {}).get("client_message_id") == client_message_id,
            timeout=timeout, type="ack", what=f"ack of {client_message_id}")


# ----------------------------------------------------------------------------- test case base

class ServerTestCase(unittest.IsolatedAsyncioTestCase):
    """Each class gets a fresh database (seeded with seed-demo) and its own running cc-server.

    tearDownClass stops the server with SIGTERM and fails unless it exits 0. Agents a test
    creates are set offline again afterwards, so assignment in later tests is predictable."""

    server_env = {}        # extra CC_* variables for this class's server
    seed_demo = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = test_env()
        cls.server = None
        cls.db_name = "e2e_" + re.sub(r"[^a-z0-9]+", "_", f"{cls.__module__}_{cls.__name__}".lower())[:40] \
            + "_" + uuid.uuid4().hex[:8]
        cls.pg_port = cls.env["pg_port"]
        cls.pg_host = cls.env["pg_host"]
        cls.prepare_database()
        url = f"postgresql://{cls.env['pg_user']}@{cls.pg_host}:{cls.pg_port}/{cls.db_name}"
        name = f"{cls.__module__}.{cls.__name__}"
        cls.server = ServerProcess(cls.env, name, url, cls.server_env)
        with open(cls.server.log_path, "w"):
            pass  # a fresh log per run
        try:
            cls.channel_id = cls.server.seed() if cls.seed_demo else None
            cls.server.start()
            cls.port = cls.server.port
            cls.admin_token = cls.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        except BaseException:
            cls.server.kill()
            cls.cleanup_database()
            raise

    @classmethod
    def prepare_database(cls):
        create_database(cls.pg_port, cls.db_name, host=cls.pg_host)

    @classmethod
    def cleanup_database(cls):
        """Databases are left for inspection; scripts/test throws the whole cluster away."""

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.server is not None and cls.server.process is not None:
                code, took = cls.server.terminate()
                if code != 0:
                    raise AssertionError(f"cc-server exited {code!r} after SIGTERM (took {took:.1f} s); "
                                         f"log: {cls.server.log_path}")
        finally:
            cls.cleanup_database()
            super().tearDownClass()

    async def asyncSetUp(self):
        # IsolatedAsyncioTestCase runs the loop in debug mode; the blocking helpers this suite
        # mixes in on purpose would otherwise be reported as slow callbacks.
        asyncio.get_running_loop().slow_callback_duration = 30.0
        await super().asyncSetUp()

    # --- plumbing

    @classmethod
    def request(cls, method, path, body=None, token=None, **kwargs):
        return http_request(cls.port, method, path, body=body, token=token, **kwargs)

    async def arequest(self, method, path, body=None, token=None, **kwargs):
        return await async_http_request(self.port, method, path, body=body, token=token, **kwargs)

    @classmethod
    def sql(cls, statement):
        return psql(cls.pg_port, statement, database=cls.db_name, host=cls.pg_host)

    def assertStatus(self, response, status, message=None):
        self.assertEqual(response.status, status,
                         f"{message + ': ' if message else ''}unexpected {response!r}")

    def assertProblem(self, response, status):
        """An RFC 9457 problem document with this status."""
        self.assertStatus(response, status)
        self.assertEqual(response.content_type, "application/problem+json", repr(response))
        self.assertIsInstance(response.body, dict)
        for key in ("type", "title", "status", "detail"):
            self.assertIn(key, response.body, f"problem lacks {key}: {response.body}")
        self.assertEqual(response.body["status"], status)

    # --- agents

    @classmethod
    def login(cls, email, password):
        response = cls.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        if response.status != 200:
            raise AssertionError(f"login of {email} failed: {response!r}")
        return response.body["token"]

    def create_agent(self, role="agent", name=None, online=False, password=AGENT_PASSWORD):
        """Creates an agent as admin and logs in; returns (agent json, token)."""
        email = f"agent-{uuid.uuid4().hex[:10]}@example.com"
        response = self.request("POST", "/api/v1/agents",
                                {"email": email, "password": password, "name": name or email, "role": role},
                                token=self.admin_token)
        self.assertStatus(response, 201, "creating an agent")
        agent = response.body
        self.addCleanup(self.sql, f"UPDATE agents SET status = 'offline' WHERE id = {int(agent['id'])}")
        token = self.login(email, password)
        if online:
            self.set_status(token, "online")
        return agent, token

    def set_status(self, token, status):
        response = self.request("PUT", "/api/v1/me/status", {"status": status}, token=token)
        self.assertStatus(response, 200, f"setting status {status}")
        return response.body

    async def aset_status(self, token, status):
        response = await self.arequest("PUT", "/api/v1/me/status", {"status": status}, token=token)
        self.assertStatus(response, 200, f"setting status {status}")
        return response.body

    async def agent_socket(self, token, **kwargs):
        client = await AgentSocket.connect(self.port, token, **kwargs)
        self.addAsyncCleanup(client.close)
        return client

    # --- web chat

    def create_channel_account(self, name=None, channel="webchat", config=None):
        response = self.request("POST", "/api/v1/channel-accounts",
                                {"channel": channel, "name": name or f"chan-{uuid.uuid4().hex[:8]}",
                                 "config": config or {}},
                                token=self.admin_token)
        self.assertStatus(response, 201, "creating a channel account")
        return response.body

    def new_visitor(self, channel_id=None, body=None):
        """POST /widget/v1/{id}/sessions; returns the session json."""
        channel_id = channel_id or self.channel_id
        response = self.request("POST", f"/widget/v1/{channel_id}/sessions", body)
        self.assertStatus(response, 201, "starting a visitor session")
        return response.body

    async def anew_visitor(self, channel_id=None, body=None):
        channel_id = channel_id or self.channel_id
        response = await self.arequest("POST", f"/widget/v1/{channel_id}/sessions", body)
        self.assertStatus(response, 201, "starting a visitor session")
        return response.body

    def visitor_post(self, visitor_token, content, client_message_id=None):
        return self.request("POST", "/widget/v1/messages",
                            {"client_message_id": client_message_id or uuid.uuid4().hex, "content": content},
                            token=visitor_token)

    async def avisitor_post(self, visitor_token, content, client_message_id=None):
        return await self.arequest("POST", "/widget/v1/messages",
                                   {"client_message_id": client_message_id or uuid.uuid4().hex,
                                    "content": content},
                                   token=visitor_token)

    async def visitor_socket(self, visitor_token, **kwargs):
        client = await VisitorSocket.connect(self.port, visitor_token, **kwargs)
        self.addAsyncCleanup(client.close)
        return client

    # --- conversations

    @classmethod
    def close_queued_conversations(cls):
        """Test hygiene: a queued conversation left by an earlier test would be assigned to the
        next agent that comes online and skew "least busy"."""
        cls.sql("UPDATE conversations SET status = 'closed', closed_at = now() WHERE status = 'queued'")

    def conversation_messages(self, conversation_id, token=None):
        """Every message of a conversation (following cursors), as the admin unless told."""
        items, cursor = [], None
        while True:
            path = f"/api/v1/conversations/{conversation_id}/messages?limit=200"
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor)
            response = self.request("GET", path, token=token or self.admin_token)
            self.assertStatus(response, 200, "listing messages")
            items += response.body["items"]
            cursor = response.body.get("next_cursor")
            if not cursor:
                return items

    async def aconversation_messages(self, conversation_id, token=None):
        items, cursor = [], None
        while True:
            path = f"/api/v1/conversations/{conversation_id}/messages?limit=200"
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor)
            response = await self.arequest("GET", path, token=token or self.admin_token)
            self.assertStatus(response, 200, "listing messages")
            items += response.body["items"]
            cursor = response.body.get("next_cursor")
            if not cursor:
                return items

    async def await_conversation(self, conversation_id, predicate, timeout=5.0, what="a change"):
        """Polls GET /api/v1/conversations/{id} (as admin) until predicate(body) holds.
        Assignment follows the visitor's acknowledgement, so it is awaited, not assumed."""
        deadline = time.monotonic() + timeout
        while True:
            response = await self.arequest("GET", f"/api/v1/conversations/{conversation_id}",
                                           token=self.admin_token)
            self.assertStatus(response, 200)
            if predicate(response.body):
                return response.body
            if time.monotonic() > deadline:
                raise AssertionError(f"conversation {conversation_id}: no {what} within {timeout} s; "
                                     f"last {response.body}")
            await asyncio.sleep(0.05)

    async def await_assignee(self, conversation_id, timeout=5.0):
        body = await self.await_conversation(conversation_id, lambda c: c["assignee_id"] is not None,
                                             timeout, "assignee")
        return body["assignee_id"]

    async def await_outbox_sent(self, message_id, timeout=5.0):
        """Waits until the outbox dispatcher has delivered an agent's reply."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.sql(f"SELECT status FROM outbox WHERE message_id = {int(message_id)}")
            if rows == [["sent"]]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"outbox row of message {message_id} not sent within {timeout} s: {rows}")
            await asyncio.sleep(0.02)

    def list_conversations(self, token=None, query="", limit=200):
        """Every conversation the token may see, following next_cursor page by page."""
        items, cursor = [], None
        while True:
            path = f"/api/v1/conversations?limit={limit}" + (("&" + query) if query else "")
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor)
            response = self.request("GET", path, token=token or self.admin_token)
            self.assertStatus(response, 200, "listing conversations")
            items += response.body["items"]
            cursor = response.body.get("next_cursor")
            if not cursor:
                return items

    def reply(self, conversation_id, token, content, idempotency_key=None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.request("POST", f"/api/v1/conversations/{conversation_id}/messages",
                            {"content": content}, token=token, headers=headers)

    async def areply(self, conversation_id, token, content, idempotency_key=None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return await self.arequest("POST", f"/api/v1/conversations/{conversation_id}/messages",
                                   {"content": content}, token=token, headers=headers)


def identity_signature(secret, type_, value):
    return hmac.new(secret.encode(), f"{type_}:{value}".encode(), hashlib.sha256).hexdigest()


def main():
    unittest.main(verbosity=2)


if __name__ == "__main__":
    sys.exit("harness.py is a library; run a test file, e.g. /usr/bin/python3 -m unittest -v test_webchat_flow")


# ----------------------------------------------------------------------------- scale-out (nginx)

class NginxProxy:
    """Debian's nginx as a non-daemon child in front of cc-server instances, on a free loopback
    port, with WebSocket upgrades proxied. A refused or reset connection to one upstream moves the
    request to the next (idempotent requests only, as nginx does by default)."""

    def __init__(self, env, name, upstream_ports, binary="/usr/sbin/nginx"):
        self.binary = binary
        self.root = os.path.join(env["tmpdir"], f"nginx-{name}-{uuid.uuid4().hex[:8]}")
        self.log_path = os.path.join(env["output"], f"{name}.nginx.log")
        self.port = free_port()
        self.upstream_ports = list(upstream_ports)
        self.process = None

    @staticmethod
    def available(binary="/usr/sbin/nginx"):
        return os.access(binary, os.X_OK)

    def config(self):
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in self.upstream_ports)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        return f"""{user}daemon off;
master_process on;
worker_shutdown_timeout 2s;
worker_processes 1;
pid {self.root}/nginx.pid;
error_log {self.log_path} warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.root}/body;
  proxy_temp_path {self.root}/proxy;
  fastcgi_temp_path {self.root}/fastcgi;
  uwsgi_temp_path {self.root}/uwsgi;
  scgi_temp_path {self.root}/scgi;
  client_max_body_size 4m;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream cc {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location = /nginx-static {{ return 200 "ok"; }}
    location / {{
      proxy_pass http://cc;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
}}
"""

    def start(self, timeout=10):
        os.makedirs(self.root, exist_ok=True)
        conf = os.path.join(self.root, "nginx.conf")
        with open(conf, "w") as out:
            out.write(self.config())
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "-p", self.root, "-e", self.log_path, "-c", conf],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited at start ({self.process.returncode}); see {self.log_path}")
            try:
                if http_request(self.port, "GET", "/nginx-static", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not answer in {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finishes tunnels' current frames
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()
