"""PostgreSQL going away and coming back: the server reports not-ready, refuses writes with 503 +
Retry-After, keeps running, and recovers by itself once PostgreSQL is back.

This class runs its own PostgreSQL cluster (scripts/lib/services.sh, a data folder under
CC_TEST_TMPDIR, a free port), so stopping it disturbs no other test."""
import asyncio
import os
import shutil
import tempfile
import time
import unittest

from harness import ServerTestCase, create_database, free_port, services, test_env


class PostgresOutageTest(ServerTestCase):
    server_env = {"CC_DATABASE_POOL_SIZE": "4"}

    @classmethod
    def prepare_database(cls):
        base = cls.env["tmpdir"]
        os.makedirs(base, exist_ok=True)
        cls.cluster_root = tempfile.mkdtemp(prefix="pg-outage.", dir=base)
        os.chmod(cls.cluster_root, 0o755)  # the postgres user must enter it
        cls.cluster_dir = os.path.join(cls.cluster_root, "pg")
        cls.pg_port = free_port()
        cls.pg_host = "127.0.0.1"
        cls.start_postgres()
        create_database(cls.pg_port, cls.db_name)

    @classmethod
    def start_postgres(cls):
        services(f'cc_pg_start "{cls.cluster_dir}" {cls.pg_port}')

    @classmethod
    def stop_postgres(cls):
        services(f'cc_pg_stop "{cls.cluster_dir}"')

    @classmethod
    def cleanup_database(cls):
        if getattr(cls, "cluster_dir", None):
            try:
                cls.stop_postgres()
            finally:
                if os.environ.get("CC_KEEP_TEST_DATA") != "1":
                    shutil.rmtree(cls.cluster_root, ignore_errors=True)

    async def await_ready(self, want_status, timeout):
        deadline = time.monotonic() + timeout
        while True:
            response = await self.arequest("GET", "/readyz", timeout=10)
            if response.status == want_status:
                return response, timeout - (deadline - time.monotonic())
            if time.monotonic() > deadline:
                raise AssertionError(f"/readyz not {want_status} within {timeout} s: {response!r}")
            await asyncio.sleep(0.1)

    async def test_outage_answers_503_and_service_recovers_without_restart(self):
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        visitor = await self.anew_visitor()
        visitor_token = visitor["visitor_token"]
        before = await self.avisitor_post(visitor_token, "before the outage", client_message_id="m-before")
        self.assertStatus(before, 201)
        await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == "before the outage",
                                type="message.created")
        ready, _ = await self.await_ready(200, 5)
        self.assertEqual(ready.body["checks"], {"postgres": "up", "redis": "up"})

        # --- PostgreSQL goes away
        await asyncio.get_running_loop().run_in_executor(None, self.stop_postgres)
        not_ready, took = await self.await_ready(503, 10)
        print(f"\n  /readyz 503 {took:.2f} s after PostgreSQL stopped")
        self.assertEqual(not_ready.body["checks"]["postgres"], "down")
        self.assertEqual(not_ready.body["checks"]["redis"], "up")

        for attempt in range(3):  # every pool connection, not just the first, answers 503
            refused = await self.avisitor_post(visitor_token, "during the outage", client_message_id="m-during")
            self.assertProblem(refused, 503)
            self.assertTrue(refused.header("Retry-After"), refused.headers)
            self.assertGreater(int(refused.header("Retry-After")), 0)
        listing = await self.arequest("GET", "/api/v1/conversations", token=self.admin_token)
        self.assertProblem(listing, 503)
        self.assertTrue(listing.header("Retry-After"))
        # A token that cannot be checked is "try again", not "logged out".
        me = await self.arequest("GET", "/api/v1/me", token=token)
        self.assertProblem(me, 503)
        # Over the visitor socket the refusal is an error frame naming the message, not an ack.
        visitor_ws = await self.visitor_socket(visitor_token)
        await visitor_ws.send_message("m-socket", "sent on the socket during the outage")
        error = await visitor_ws.wait_for(type="error", timeout=10)
        self.assertEqual(error["data"]["status"], 503)
        self.assertEqual(error["data"]["client_message_id"], "m-socket")
        self.assertEqual(visitor_ws.untaken("ack"), [])
        # Nothing crashed: the process runs, liveness and open sockets are fine.
        self.assertTrue(self.server.running())
        self.assertStatus(await self.arequest("GET", "/healthz"), 200)
        await agent_ws.send({"type": "ping"})
        await agent_ws.wait_for(type="pong")

        # --- PostgreSQL comes back (same data, same port); the server is not restarted
        restarted_at = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, self.start_postgres)
        ready, _ = await self.await_ready(200, 10)
        print(f"  /readyz 200 {time.monotonic() - restarted_at:.2f} s after PostgreSQL started")
        self.assertEqual(ready.body["checks"]["postgres"], "up")

        # The refused message, retried with the same id, is stored now, once, and reaches the agent.
        accepted = await self.avisitor_post(visitor_token, "during the outage", client_message_id="m-during")
        self.assertStatus(accepted, 201)
        self.assertFalse(accepted.body["duplicate"])
        created = await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == "during the outage",
                                          type="message.created", timeout=5)
        self.assertEqual(created["data"]["message"]["id"], accepted.body["id"])
        # Every pooled connection works again, not only the one that served the first request.
        for n in range(8):
            response = await self.avisitor_post(visitor_token, f"after the outage {n}")
            self.assertStatus(response, 201, f"message {n} after recovery")
        await visitor_ws.send_message("m-socket", "sent on the socket during the outage")
        ack = await visitor_ws.ack("m-socket")
        self.assertFalse(ack["data"]["duplicate"])
        history = await self.arequest("GET", "/widget/v1/messages", token=visitor_token)
        self.assertStatus(history, 200)
        self.assertEqual([m["content"] for m in history.body["items"]],
                         ["before the outage", "during the outage"] + [f"after the outage {n}" for n in range(8)]
                         + ["sent on the socket during the outage"])
        self.assertTrue(self.server.running())


if __name__ == "__main__":
    unittest.main(verbosity=2)
