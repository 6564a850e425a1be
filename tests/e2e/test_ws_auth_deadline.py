"""The agent WebSocket (/api/v1/ws) may authenticate with a first {"type":"auth"} message (browsers
cannot set headers on a WebSocket); a client that opens it and sends nothing must not hold the
socket: after http.ws_auth_timeout_seconds the server sends an error frame (status 408, not 401,
so the workbench reconnects instead of logging out) and closes with 1008 (policy violation), the
code it uses for a bad token. The deadline is 1 s here. The widget socket takes its token in the
URL and refuses a missing one at once."""
import asyncio
import time
import unittest

from harness import AgentSocket, ServerTestCase, VisitorSocket

DEADLINE = 1.0
SLACK = 2.0  # scheduling on a busy machine; the close itself is immediate


class WsAuthDeadlineTest(ServerTestCase):
    server_env = {"CC_HTTP_WS_AUTH_TIMEOUT_SECONDS": str(int(DEADLINE))}

    async def test_a_socket_that_never_authenticates_is_closed_with_1008_after_the_deadline(self):
        opened = time.monotonic()
        client = await AgentSocket.connect(self.port, None, auth="none", wait_ready=False)
        self.addAsyncCleanup(client.close)
        await asyncio.wait_for(client.closed.wait(), DEADLINE + SLACK)
        took = time.monotonic() - opened
        print(f"\n  silent agent socket closed {took:.2f} s after opening")
        self.assertGreaterEqual(took, DEADLINE * 0.9, "closed before the deadline")
        self.assertEqual(client.close_code, 1008, f"close reason {client.close_reason!r}")
        error = await client.wait_for(type="error", timeout=0.1)
        self.assertEqual(error["data"]["status"], 408)
        self.assertFalse(client.untaken("session.ready"))

    async def test_an_auth_message_within_the_deadline_keeps_the_socket_open(self):
        _, token = self.create_agent()
        client = await AgentSocket.connect(self.port, token, auth="none", wait_ready=False)
        self.addAsyncCleanup(client.close)
        await asyncio.sleep(DEADLINE / 2)
        await client.send({"type": "auth", "token": token})
        await client.wait_for(type="session.ready", timeout=5)
        # Past the deadline the authenticated socket is still served.
        await client.quiet(DEADLINE + 0.5)
        self.assertFalse(client.closed.is_set(), f"closed with {client.close_code}")
        await client.send({"type": "ping"})
        await client.wait_for(type="pong", timeout=5)
        self.assertFalse(client.untaken("error"))

    async def test_a_bad_auth_message_is_still_refused_with_401_and_1008(self):
        client = await AgentSocket.connect(self.port, None, auth="none", wait_ready=False)
        self.addAsyncCleanup(client.close)
        await client.send({"type": "auth", "token": "not-a-token"})
        error = await client.wait_for(type="error", timeout=5)
        self.assertEqual(error["data"]["status"], 401)
        await asyncio.wait_for(client.closed.wait(), 5)
        self.assertEqual(client.close_code, 1008)

    async def test_a_header_authenticated_socket_needs_no_message(self):
        _, token = self.create_agent()
        client = await self.agent_socket(token)  # Authorization header
        await client.quiet(DEADLINE + 0.5)
        self.assertFalse(client.closed.is_set(), f"closed with {client.close_code}")
        self.assertFalse(client.untaken("error"))

    async def test_the_widget_socket_without_a_token_is_refused_at_once(self):
        opened = time.monotonic()
        client = await VisitorSocket.connect(self.port, "", wait_ready=False)
        self.addAsyncCleanup(client.close)
        await asyncio.wait_for(client.closed.wait(), DEADLINE)
        self.assertLess(time.monotonic() - opened, DEADLINE)
        self.assertEqual(client.close_code, 1008)
        error = await client.wait_for(type="error", timeout=0.1)
        self.assertEqual(error["data"]["status"], 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
