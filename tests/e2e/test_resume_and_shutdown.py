"""The agent WebSocket resumes after a disconnect without losing or repeating events, and a
SIGTERM closes open WebSockets with 1001 and ends the process cleanly within the grace period."""
import asyncio
import http.client
import signal
import socket
import time
import unittest

from harness import AgentSocket, ServerTestCase

GRACE_MS = 3000


class ResumeTest(ServerTestCase):

    async def _missed_events_setup(self):
        """An online agent with one conversation; returns (agent, token, visitor token,
        conversation id, last seq seen before disconnecting)."""
        agent, token = self.create_agent(online=True)
        first_ws = await AgentSocket.connect(self.port, token)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "before the disconnect")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        created = await first_ws.event("message.created", conversation_id)
        await first_ws.quiet(0.2)
        last_seq = max(f["seq"] for f in first_ws.events())
        self.assertGreaterEqual(last_seq, created["seq"])
        await first_ws.close()
        return agent, token, visitor["visitor_token"], conversation_id, last_seq

    def stored_events_after(self, agent_id, seq):
        return [(int(i), t) for i, t in self.sql(
            f"SELECT id, type FROM agent_events WHERE agent_id = {int(agent_id)} AND id > {int(seq)} ORDER BY id")]

    async def await_stored_events(self, agent_id, after_seq, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            stored = self.stored_events_after(agent_id, after_seq)
            if len(stored) >= count or time.monotonic() > deadline:
                self.assertEqual(len(stored), count, stored)
                return stored
            await asyncio.sleep(0.05)

    async def _check_resume(self, auth):
        agent, token, visitor_token, conversation_id, last_seq = await self._missed_events_setup()

        # While the agent is away: three visitor messages and one reply of the agent's own.
        missed_texts = [f"missed {n}" for n in range(3)]
        for text in missed_texts:
            self.assertStatus(await self.avisitor_post(visitor_token, text), 201)
        # A visitor message's event is stored just after its acknowledgement; wait for them so
        # that the reply's event comes last.
        await self.await_stored_events(agent["id"], last_seq, 3)
        self.assertStatus(await self.areply(conversation_id, token, "reply while disconnected"), 201)
        # Four message.created, then the reply's message.status once the outbox has sent it.
        stored = await self.await_stored_events(agent["id"], last_seq, 5)
        self.assertEqual([t for _, t in stored], ["message.created"] * 4 + ["message.status"], stored)

        resumed = await self.agent_socket(token, last_seq=last_seq, auth=auth)
        self.assertEqual(resumed.frames[0][1]["data"]["resumed_after"], last_seq)
        replayed = [await resumed.wait_for(lambda f: f.get("seq", 0) > 0) for _ in stored]
        self.assertEqual([(f["seq"], f["type"]) for f in replayed], stored)
        self.assertEqual([f["data"]["message"]["content"] for f in replayed[:4]],
                         missed_texts + ["reply while disconnected"])
        self.assertEqual(replayed[4]["data"]["status"], "sent")
        self.assertEqual(replayed[4]["data"]["message_id"], replayed[3]["data"]["message"]["id"])
        self.assertEqual(await resumed.quiet(0.4), [], "extra events after the replay")

        # Then live again: the next event arrives once, after the replayed ones.
        self.assertStatus(await self.avisitor_post(visitor_token, "after the resume"), 201)
        live = await resumed.wait_for(lambda f: f["data"]["message"]["content"] == "after the resume",
                                      type="message.created")
        self.assertGreater(live["seq"], replayed[-1]["seq"])
        await resumed.quiet(0.3)
        seqs = [f["seq"] for f in resumed.events()]
        self.assertEqual(seqs, sorted(set(seqs)), "duplicate or out-of-order events")
        self.assertEqual(len(seqs), 6)

    async def test_reconnect_with_last_seq_in_query_replays_exactly_the_missed_events(self):
        await self._check_resume("header")

    async def test_reconnect_with_last_seq_in_auth_message_replays_exactly_the_missed_events(self):
        await self._check_resume("message")

    async def test_resume_while_events_keep_arriving_neither_loses_nor_repeats(self):
        agent, token, visitor_token, conversation_id, last_seq = await self._missed_events_setup()
        for n in range(20):
            self.assertStatus(await self.avisitor_post(visitor_token, f"backlog {n}"), 201)

        async def keep_sending():
            for n in range(20):
                self.assertStatus(await self.avisitor_post(visitor_token, f"during {n}"), 201)

        sender = asyncio.get_running_loop().create_task(keep_sending())
        resumed = await self.agent_socket(token, last_seq=last_seq)
        await sender
        expected = [f"backlog {n}" for n in range(20)] + [f"during {n}" for n in range(20)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            got = [f["data"]["message"]["content"] for f in resumed.events() if f["type"] == "message.created"]
            if len(got) >= len(expected):
                break
            await asyncio.sleep(0.05)
        await resumed.quiet(0.4)
        got = [f["data"]["message"]["content"] for f in resumed.events() if f["type"] == "message.created"]
        self.assertEqual(sorted(got), sorted(expected), "lost or repeated events")
        seqs = [f["seq"] for f in resumed.events()]
        self.assertEqual(len(seqs), len(set(seqs)), "an event was delivered twice")
        stored = [seq for seq, _ in self.stored_events_after(agent["id"], last_seq)]
        self.assertEqual(sorted(seqs), stored)

    async def test_ping_is_answered_with_pong(self):
        _, token = self.create_agent()
        client = await self.agent_socket(token)
        await client.send({"type": "ping"})
        pong = await client.wait_for(type="pong")
        self.assertEqual(pong["seq"], 0)


class ShutdownTest(ServerTestCase):
    server_env = {"CC_SHUTDOWN_GRACE_MS": str(GRACE_MS)}

    async def test_sigterm_closes_agent_websocket_with_going_away_and_exits_zero_within_grace(self):
        agent, token = self.create_agent(online=True)
        agent_ws = await AgentSocket.connect(self.port, token)
        visitor = await self.anew_visitor()
        visitor_ws = await self.visitor_socket(visitor["visitor_token"])
        await visitor_ws.send_message("before-shutdown", "still there?")
        await visitor_ws.ack("before-shutdown")
        await agent_ws.wait_for(type="message.created")

        started = time.monotonic()
        process = self.server.process
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(agent_ws.closed.wait(), GRACE_MS / 1000 + 2)
        closed_after = time.monotonic() - started
        self.assertEqual(agent_ws.close_code, 1001, f"close reason {agent_ws.close_reason!r}")
        await asyncio.wait_for(visitor_ws.closed.wait(), 2)
        self.assertEqual(visitor_ws.close_code, 1001)

        code, _ = await asyncio.get_running_loop().run_in_executor(
            None, lambda: self.server.terminate(timeout=GRACE_MS / 1000 + 5))
        exited_after = time.monotonic() - started
        self.assertEqual(code, 0, f"exit code; log {self.server.log_path}")
        self.assertLess(closed_after, GRACE_MS / 1000)
        self.assertLess(exited_after, GRACE_MS / 1000 + 1.0,
                        f"took {exited_after:.2f} s for a {GRACE_MS} ms grace")
        await agent_ws.close()
        # Nothing listens any more.
        with self.assertRaises(OSError):
            await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), 2)


class InterruptTest(ServerTestCase):
    server_env = {"CC_SHUTDOWN_GRACE_MS": "5000"}

    def test_sigint_finishes_in_flight_request_closes_idle_connection_and_exits_zero(self):
        # An idle keep-alive connection, after one request.
        idle = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        idle.request("GET", "/healthz")
        self.assertEqual(idle.getresponse().read(), b'{"status":"alive"}')
        # A request in flight: headers and half of its body sent.
        body = b'{"email": "nobody@example.com", "password": "not-the-password"}'
        busy = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        busy.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:20])
        time.sleep(0.3)

        started = time.monotonic()
        self.server.process.send_signal(signal.SIGINT)
        # The idle connection is closed at once, not after the grace period.
        idle.sock.settimeout(3)
        self.assertEqual(idle.sock.recv(1), b"")
        self.assertLess(time.monotonic() - started, 2.0)
        idle.close()
        # The busy one is answered (wrong credentials: 401) and then closed.
        time.sleep(0.2)
        busy.sendall(body[20:])
        raw = b""
        while True:
            chunk = busy.recv(65536)
            if not chunk:
                break
            raw += chunk
        busy.close()
        self.assertTrue(raw.startswith(b"HTTP/1.1 401"), raw[:200])
        self.assertIn(b"connection: close", raw.lower())

        code = self.server.process.wait(timeout=10)
        took = time.monotonic() - started
        self.assertEqual(code, 0)
        self.assertLess(took, 5.0, "shutdown waited for the whole grace period or longer")
        self.server.terminate()


if __name__ == "__main__":
    unittest.main(verbosity=2)
