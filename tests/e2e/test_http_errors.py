"""HTTP error handling: every failure is the right status with an RFC 9457 problem document, and
the listener protects itself from oversized and slow clients."""
import asyncio
import json
import socket
import threading
import time
import unittest

from harness import ServerTestCase, http_request, websockets

HEADER_TIMEOUT_SECONDS = 2


def raw_exchange(port, data, timeout=10, shutdown_write=False):
    """Sends raw bytes and reads until the server closes; returns (status code or None, bytes).
    A reset after the response arrived is fine: the bytes read so far are returned."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if shutdown_write:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    raw = b"".join(chunks)
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.") else None
    return status, raw


def parse_raw(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, body


class HttpErrorsTest(ServerTestCase):
    server_env = {"CC_HTTP_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT_SECONDS)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_email = "agent1@example.com"
        cls.agent_token = cls.login(cls.agent_email, "agent-demo-pass")

    def test_malformed_json_is_400_problem(self):
        response = self.request("POST", "/api/v1/auth/login", raw_body=b'{"email": "a@example.com",',
                                content_type="application/json")
        self.assertProblem(response, 400)
        response = self.request("POST", "/api/v1/channel-accounts", raw_body=b"[1, 2]",
                                content_type="application/json", token=self.admin_token)
        self.assertProblem(response, 400)

    def test_wrong_content_type_is_415_problem(self):
        response = self.request("POST", "/api/v1/auth/login",
                                raw_body=b"email=a@example.com&password=x",
                                content_type="application/x-www-form-urlencoded")
        self.assertProblem(response, 415)
        visitor = self.new_visitor()
        response = self.request("POST", "/widget/v1/messages", raw_body=b"hello", content_type="text/plain",
                                token=visitor["visitor_token"])
        self.assertProblem(response, 415)

    def test_missing_token_is_401_with_www_authenticate(self):
        for method, path in [("GET", "/api/v1/me"), ("GET", "/api/v1/conversations"),
                             ("POST", "/api/v1/agents")]:
            with self.subTest(path=path):
                response = self.request(method, path, body={} if method == "POST" else None)
                self.assertProblem(response, 401)
                self.assertTrue((response.header("WWW-Authenticate") or "").startswith("Bearer"),
                                response.headers)
        response = self.request("GET", "/api/v1/me", token="cct_not-a-real-token")
        self.assertProblem(response, 401)
        self.assertIn("WWW-Authenticate".lower(), response.headers)

    def test_agent_creating_an_agent_is_403(self):
        response = self.request("POST", "/api/v1/agents",
                                {"email": "sneaky@example.com", "password": "long-enough-pass", "name": "S"},
                                token=self.agent_token)
        self.assertProblem(response, 403)
        response = self.request("GET", "/api/v1/agents", token=self.agent_token)
        self.assertProblem(response, 403)
        response = self.request("POST", "/api/v1/channel-accounts",
                                {"channel": "webchat", "name": "x", "config": {}}, token=self.agent_token)
        self.assertProblem(response, 403)

    def test_two_megabyte_body_is_413_problem(self):
        body = b'{"content": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        request = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                   b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        # Headers first: the limit is known from Content-Length, before any body is sent.
        status, raw = raw_exchange(self.port, request, shutdown_write=False, timeout=10)
        self.assertEqual(status, 413, raw[:500])
        headers, payload = parse_raw(raw)
        self.assertEqual(headers.get("content-type"), "application/problem+json")
        self.assertEqual(json.loads(payload)["status"], 413)

    def test_two_megabyte_chunked_body_is_413_problem(self):
        chunk = b"x" * 65536
        body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(32)) + b"0\r\n\r\n"
        request = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n" + body)
        status, raw = raw_exchange(self.port, request, timeout=10)
        self.assertEqual(status, 413, raw[:500])
        self.assertEqual(json.loads(parse_raw(raw)[1])["status"], 413)

    def test_body_under_the_limit_is_read(self):
        # 900 KB is under the 1 MiB limit: the request is parsed and refused for its content.
        response = self.request("POST", "/api/v1/auth/login",
                                {"email": "a@example.com", "password": "p" * (900 * 1024)})
        self.assertProblem(response, 422)

    def test_unknown_path_is_404_problem(self):
        for method, path in [("GET", "/api/v1/no-such-thing"), ("POST", "/api/v1/no-such-thing"),
                             ("GET", "/nope/../../etc/passwd")]:
            with self.subTest(method=method, path=path):
                response = self.request(method, path, token=self.admin_token,
                                        body={} if method == "POST" else None)
                self.assertProblem(response, 404)
        response = self.request("GET", "/api/v1/conversations/999999", token=self.admin_token)
        self.assertProblem(response, 404)
        response = self.request("GET", "/api/v1/conversations/not-a-number", token=self.admin_token)
        self.assertProblem(response, 404)

    def test_wrong_method_is_405_with_allow(self):
        response = self.request("DELETE", "/api/v1/me", token=self.admin_token)
        self.assertProblem(response, 405)
        self.assertEqual(response.header("Allow"), "GET")
        response = self.request("PUT", "/api/v1/agents", body={}, token=self.admin_token)
        self.assertProblem(response, 405)
        self.assertEqual(sorted(a.strip() for a in response.header("Allow").split(",")), ["GET", "POST"])

    def test_invalid_field_is_422_with_pointer(self):
        response = self.request("POST", "/api/v1/agents",
                                {"email": "not-an-email", "password": "long-enough-pass", "name": "X"},
                                token=self.admin_token)
        self.assertProblem(response, 422)
        self.assertEqual(response.body["errors"][0]["pointer"], "/email")
        response = self.request("PUT", "/api/v1/me/status", {"status": "sleeping"}, token=self.agent_token)
        self.assertProblem(response, 422)
        self.assertEqual(response.body["errors"][0]["pointer"], "/status")
        visitor = self.new_visitor()
        response = self.request("POST", "/widget/v1/messages", {"client_message_id": "x", "content": ""},
                                token=visitor["visitor_token"])
        self.assertProblem(response, 422)
        self.assertEqual(response.body["errors"][0]["pointer"], "/content")
        response = self.request("POST", "/widget/v1/messages",
                                {"client_message_id": "big", "content": "x" * (16 * 1024 + 1)},
                                token=visitor["visitor_token"])
        self.assertProblem(response, 422)
        self.assertEqual(response.body["errors"][0]["pointer"], "/content")
        response = self.request("GET", "/api/v1/conversations?limit=0", token=self.admin_token)
        self.assertProblem(response, 422)
        response = self.request("GET", "/api/v1/conversations?cursor=not-a-cursor", token=self.admin_token)
        self.assertProblem(response, 422)
        response = self.request("POST", "/widget/v1/messages", {"content": "no id"},
                                token=visitor["visitor_token"])
        self.assertProblem(response, 422)
        self.assertEqual(response.body["errors"][0]["pointer"], "/client_message_id")

    def test_bad_visitor_token_is_401(self):
        visitor = self.new_visitor()
        token = visitor["visitor_token"]
        tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        for bad in ["garbage", tampered, self.admin_token]:
            with self.subTest(token=bad[:12]):
                response = self.request("POST", "/widget/v1/messages",
                                        {"client_message_id": "1", "content": "hi"}, token=bad)
                self.assertProblem(response, 401)
                response = self.request("GET", "/widget/v1/messages", token=bad)
                self.assertProblem(response, 401)
        response = self.request("GET", "/widget/v1/messages")
        self.assertProblem(response, 401)

    async def test_bad_visitor_token_on_websocket_is_refused(self):
        ws = await websockets.connect(f"ws://127.0.0.1:{self.port}/widget/v1/ws?token=garbage",
                                      open_timeout=5, ping_interval=None)
        try:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            self.assertEqual(frame["type"], "error")
            self.assertEqual(frame["data"]["status"], 401)
            with self.assertRaises(websockets.exceptions.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            self.assertEqual(ws.close_code, 1008)
        finally:
            await ws.close()

    def test_oversized_headers_are_431(self):
        request = (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * (32 * 1024) + b"\r\n\r\n")
        status, raw = raw_exchange(self.port, request)
        self.assertEqual(status, 431, raw[:300])
        self.assertEqual(parse_raw(raw)[0].get("content-type"), "application/problem+json")

    def test_garbage_request_line_is_400(self):
        status, raw = raw_exchange(self.port, b"THIS IS NOT HTTP\r\n\r\n")
        self.assertEqual(status, 400, raw[:300])

    def test_slow_client_sending_half_a_header_is_disconnected_while_others_are_served(self):
        slow = socket.create_connection(("127.0.0.1", self.port), timeout=HEADER_TIMEOUT_SECONDS + 8)
        started = time.monotonic()
        closed_after = []

        def wait_for_close():
            try:
                slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Half: ")
                while slow.recv(4096):
                    pass
            except OSError:
                pass
            closed_after.append(time.monotonic() - started)

        watcher = threading.Thread(target=wait_for_close, daemon=True)
        watcher.start()
        try:
            # Meanwhile everyone else is served promptly.
            served = 0
            while watcher.is_alive() and time.monotonic() - started < HEADER_TIMEOUT_SECONDS + 6:
                t0 = time.monotonic()
                response = http_request(self.port, "GET", "/healthz", timeout=2)
                self.assertStatus(response, 200)
                self.assertLess(time.monotonic() - t0, 1.0)
                served += 1
                time.sleep(0.1)
            watcher.join(timeout=1)
        finally:
            slow.close()
        self.assertTrue(closed_after, "the slow connection was never closed")
        self.assertGreaterEqual(closed_after[0], HEADER_TIMEOUT_SECONDS - 0.5)
        self.assertLess(closed_after[0], HEADER_TIMEOUT_SECONDS + 3)
        self.assertGreater(served, 5)

    def test_problem_responses_carry_request_id(self):
        response = self.request("GET", "/api/v1/me", headers={"X-Request-Id": "e2e-req-42"})
        self.assertProblem(response, 401)
        self.assertEqual(response.header("X-Request-Id"), "e2e-req-42")

    def test_health_and_metrics(self):
        self.assertStatus(self.request("GET", "/healthz"), 200)
        ready = self.request("GET", "/readyz")
        self.assertStatus(ready, 200)
        self.assertEqual(ready.body["checks"], {"postgres": "up", "redis": "up"})
        metrics = self.request("GET", "/metrics")
        self.assertStatus(metrics, 200)
        self.assertTrue(metrics.header("Content-Type").startswith("text/plain"))
        self.assertIn("cc_http_requests_total", metrics.body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
