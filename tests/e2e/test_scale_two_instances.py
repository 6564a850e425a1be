"""Scale-out (issue 10): two cc-server instances behind Debian's nginx on loopback, sharing one
PostgreSQL database and one Redis channel.

- an agent connected to instance A receives the event for a message that arrived through B;
- a burst of conversations arriving at both instances is assigned exactly once, no agent over its
  capacity;
- stopping one instance loses nothing: its agent WebSockets (through nginx) are closed with 1001,
  reconnect through nginx to the other instance and resume by sequence, and every visitor message
  posted before, during and after the stop is stored once and reaches the agent once.

Small scale: runs in well under a minute."""
import asyncio
import collections
import time
import unittest
import uuid

from harness import AgentSocket, NginxProxy, ServerProcess, ServerTestCase

BURST_VISITORS = 12
AGENT_CAPACITY = 2
BURST_AGENTS = 3


@unittest.skipUnless(NginxProxy.available(), "nginx is not installed (apt-get install -y nginx-light)")
class TwoInstancesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = None
        cls.nginx = None
        try:
            cls.b = ServerProcess(cls.env, f"{cls.server.name}-b", cls.server.database_url,
                                  {"CC_REDIS_CHANNEL": cls.server.process_env["CC_REDIS_CHANNEL"],
                                   "CC_SECRET_KEY": cls.server.process_env["CC_SECRET_KEY"]})
            with open(cls.b.log_path, "w"):
                pass
            cls.b.start()
            cls.nginx = NginxProxy(cls.env, cls.server.name, [cls.server.port, cls.b.port])
            cls.nginx.start()
        except BaseException:
            cls._stop_extras()
            super().tearDownClass()
            raise

    @classmethod
    def _stop_extras(cls):
        if cls.nginx is not None:
            cls.nginx.stop()
        if cls.b is not None and cls.b.process is not None:
            cls.b.terminate()

    @classmethod
    def tearDownClass(cls):
        try:
            cls._stop_extras()
        finally:
            super().tearDownClass()

    def only_agent_online(self, capacity):
        """Earlier tests' agents go offline and their queued conversations are closed."""
        self.sql("UPDATE agents SET status = 'offline' WHERE status = 'online'")
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        room = self.request("PUT", f"/api/v1/agents/{agent['id']}/routing",
                            {"capacity": {"webchat": capacity}}, token=self.admin_token)
        self.assertStatus(room, 200)
        return agent, token

    async def post_until_acked(self, port, visitor_token, content, client_message_id, timeout=20):
        """What a provider or widget does: retries with the same id until the server acknowledges
        it (a 502 from nginx, a 503 or a reset while an instance stops are all "try again")."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                response = await self._post(port, visitor_token, content, client_message_id)
                if response.status == 201:
                    return response
                self.assertIn(response.status, (502, 503, 504), repr(response))
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
                pass
            self.assertLess(time.monotonic(), deadline, f"{client_message_id} never acknowledged")
            await asyncio.sleep(0.1)

    async def _post(self, port, visitor_token, content, client_message_id):
        from harness import async_http_request
        return await async_http_request(port, "POST", "/widget/v1/messages",
                                        {"client_message_id": client_message_id, "content": content},
                                        token=visitor_token, timeout=10)

    # ------------------------------------------------------------------ cross-instance events

    async def test_1_agent_on_a_receives_event_for_message_arriving_at_b(self):
        agent, token = self.only_agent_online(capacity=10)
        on_a = await AgentSocket.connect(self.server.port, token)
        self.addAsyncCleanup(on_a.close)
        visitor = await self.anew_visitor()
        started = time.monotonic()
        posted = await self._post(self.b.port, visitor["visitor_token"], "arrived at B", "via-b-1")
        self.assertStatus(posted, 201)
        created = await on_a.wait_for(lambda f: f["data"]["message"]["content"] == "arrived at B",
                                      type="message.created", timeout=5)
        print(f"\n  B ack -> A agent event {1000 * (on_a.received_at(created) - started):.1f} ms")
        self.assertEqual(created["data"]["message"]["id"], posted.body["id"])
        assigned = await on_a.wait_for(type="conversation.assigned", timeout=5)
        self.assertEqual(str(assigned["data"]["conversation"]["id"]), str(posted.body["conversation_id"]))
        # And the agent's reply, written through A, reaches the visitor connected to B.
        visitor_ws = await self.visitor_socket_at(self.b.port, visitor["visitor_token"])
        reply = await self.arequest("POST", f"/api/v1/conversations/{posted.body['conversation_id']}/messages",
                                    {"content": "answered from A"}, token=token)
        self.assertStatus(reply, 201)
        await visitor_ws.wait_for(lambda f: f.get("data", {}).get("content") == "answered from A"
                                  or f.get("data", {}).get("message", {}).get("content") == "answered from A",
                                  timeout=5, what="the reply at the visitor on B")

    async def visitor_socket_at(self, port, visitor_token):
        from harness import VisitorSocket
        client = await VisitorSocket.connect(port, visitor_token)
        self.addAsyncCleanup(client.close)
        return client

    # ------------------------------------------------------------------ burst, assigned once

    async def test_2_burst_at_both_instances_is_assigned_once_within_capacity(self):
        self.sql("UPDATE agents SET status = 'offline' WHERE status = 'online'")
        self.close_queued_conversations()
        agents, sockets = [], []
        ports = [self.server.port, self.b.port, self.nginx.port]
        for index in range(BURST_AGENTS):
            agent, token = self.create_agent(online=True)
            room = self.request("PUT", f"/api/v1/agents/{agent['id']}/routing",
                                {"capacity": {"webchat": AGENT_CAPACITY}}, token=self.admin_token)
            self.assertStatus(room, 200)
            socket = await AgentSocket.connect(ports[index % len(ports)], token)
            self.addAsyncCleanup(socket.close)
            agents.append(agent)
            sockets.append(socket)

        sessions = await asyncio.gather(*[self.anew_visitor() for _ in range(BURST_VISITORS)])
        run = uuid.uuid4().hex[:6]
        posted = await asyncio.gather(*[
            self._post(ports[i % 2], s["visitor_token"], f"{run} burst {i}", f"{run}-{i}")
            for i, s in enumerate(sessions)])
        self.assertEqual([p.status for p in posted], [201] * BURST_VISITORS, posted[:3])
        conversations = {str(p.body["conversation_id"]) for p in posted}
        self.assertEqual(len(conversations), BURST_VISITORS)
        slots = BURST_AGENTS * AGENT_CAPACITY

        # Both instances' assigners race for the same queue; wait until the slots are full and
        # then a little longer, so that an over-assignment would show.
        ids = ",".join(sorted(conversations))
        deadline = time.monotonic() + 15
        while True:
            assigned = int(self.sql(f"SELECT count(*) FROM conversations WHERE id IN ({ids}) "
                                    "AND assignee_id IS NOT NULL")[0][0])
            if assigned >= slots or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        rows = self.sql(f"SELECT id, assignee_id FROM conversations WHERE id IN ({ids})")
        by_agent = collections.Counter(r[1] for r in rows if r[1])
        self.assertEqual(sum(by_agent.values()), slots, f"assigned {dict(by_agent)} of {slots} slots")
        for agent in agents:
            self.assertEqual(by_agent[str(agent["id"])], AGENT_CAPACITY, f"agent {agent['id']}: {dict(by_agent)}")
        open_load = self.sql("SELECT assignee_id, count(*) FROM conversations WHERE status <> 'closed' "
                             "AND assignee_id IN (" + ",".join(str(a["id"]) for a in agents) + ") GROUP BY 1")
        self.assertTrue(all(int(n) <= AGENT_CAPACITY for _, n in open_load), open_load)

        # Each conversation was announced once, to the agent that holds it, whichever instance
        # that agent is connected to.
        for socket in sockets:
            await socket.quiet(0.2)
        announced = collections.Counter()
        for agent, socket in zip(agents, sockets):
            for frame in socket.events():
                if frame["type"] == "conversation.assigned":
                    cid = str(frame["data"]["conversation"]["id"])
                    if cid in conversations:
                        announced[cid] += 1
                        self.assertEqual(dict(rows)[cid], str(agent["id"]), f"conversation {cid}")
        self.assertEqual(len(announced), slots, dict(announced))
        self.assertEqual(set(announced.values()), {1}, f"announced twice: {dict(announced)}")

    # ------------------------------------------------------------------ stopping an instance

    async def test_3_stopping_an_instance_loses_nothing_and_sockets_resume_on_the_other(self):
        agent, token = self.only_agent_online(capacity=10)
        visitor = await self.anew_visitor()
        first = await self.post_until_acked(self.nginx.port, visitor["visitor_token"], "m0", "stop-0")
        conversation_id = first.body["conversation_id"]
        await self.await_assignee(conversation_id)

        # Four sockets of the agent through nginx: round robin puts some on each instance.
        await asyncio.sleep(0.3)  # the events of m0 are stored; the new sockets start after them
        baseline = int(self.sql(f"SELECT coalesce(max(id), 0) FROM agent_events WHERE agent_id = {int(agent['id'])}")[0][0])
        sockets = []
        for _ in range(4):
            socket = await AgentSocket.connect(self.nginx.port, token)
            self.addAsyncCleanup(socket.close)
            sockets.append(socket)
        contents = ["m0"]

        async def send(n):
            await self.post_until_acked(self.nginx.port, visitor["visitor_token"], f"m{n}", f"stop-{n}")
            contents.append(f"m{n}")

        for n in range(1, 6):
            await send(n)

        # Stop B while messages keep arriving through nginx.
        async def keep_sending():
            for n in range(6, 26):
                await send(n)
                await asyncio.sleep(0.03)

        sender = asyncio.get_running_loop().create_task(keep_sending())
        await asyncio.sleep(0.1)
        code, took = await asyncio.get_running_loop().run_in_executor(None, self.b.terminate)
        self.assertEqual(code, 0, f"instance B exit; log {self.b.log_path}")
        await sender
        for n in range(26, 31):
            await send(n)

        # Sockets that were on B were closed with 1001; they resume through nginx from their
        # last seq, which lands them on A.
        closed = [s for s in sockets if s.closed.is_set()]
        self.assertTrue(closed, "no socket was on instance B (nginx round robin expected)")
        for s in closed:
            self.assertEqual(s.close_code, 1001)
        clients = []  # (events the first socket got, the socket that carries on)
        for socket in sockets:
            if socket.closed.is_set():
                last_seq = max([f["seq"] for f in socket.events()] or [0])
                resumed = await AgentSocket.connect(self.nginx.port, token, last_seq=last_seq)
                self.addAsyncCleanup(resumed.close)
                self.assertEqual(resumed.frames[0][1]["data"]["resumed_after"], last_seq)
                clients.append((socket.events(), resumed))
            else:
                clients.append(([], socket))

        def stored_events():
            return [int(r[0]) for r in self.sql(
                f"SELECT id FROM agent_events WHERE agent_id = {int(agent['id'])} AND id > {baseline} ORDER BY id")]

        await asyncio.sleep(0.3)
        stored = stored_events()
        self.assertGreaterEqual(len(stored), 30, "one message.created per message m1..m30")
        deadline = time.monotonic() + 10
        for before, live in clients:
            while True:
                stored = stored_events()
                seen = [f["seq"] for f in before] + [f["seq"] for f in live.events()]
                if set(seen) >= set(stored) or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            await live.quiet(0.2)
            seen = [f["seq"] for f in before] + [f["seq"] for f in live.events()]
            self.assertEqual(len(seen), len(set(seen)), "an event was delivered twice to one client")
            self.assertEqual(sorted(seen), stored, "a client missed events")
            # Not asserted: live order. Events of two instances may arrive out of seq order
            # (docs/architecture.md, "ids are taken before commit"), so completeness is checked
            # against agent_events instead.

        # Every acknowledged message is stored exactly once, in order.
        stored_contents = [r[0] for r in self.sql(
            f"SELECT content FROM messages WHERE conversation_id = {int(conversation_id)} "
            "AND direction = 'inbound' ORDER BY id")]
        self.assertEqual(stored_contents, [f"m{n}" for n in range(31)])
        self.assertEqual(sorted(contents, key=lambda c: int(c[1:])), [f"m{n}" for n in range(31)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
