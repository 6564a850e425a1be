"""Retries are stored once (client_message_id over REST and WebSocket, Idempotency-Key on agent
replies) and many visitors writing at once lose nothing."""
import asyncio
import collections
import time
import unittest
import uuid

from harness import ServerTestCase

VISITORS = 100
MESSAGES_PER_VISITOR = 3


class DedupeTest(ServerTestCase):

    def stored_inbound(self, visitor_id):
        rows = self.sql("SELECT count(*) FROM messages WHERE provider_message_id LIKE "
                        f"'{visitor_id}:%'")
        return int(rows[0][0])

    async def test_same_client_message_id_over_rest_is_stored_once(self):
        visitor = await self.anew_visitor()
        token = visitor["visitor_token"]
        first = await self.avisitor_post(token, "only once please", client_message_id="rest-1")
        self.assertStatus(first, 201)
        self.assertFalse(first.body["duplicate"])
        again = await self.avisitor_post(token, "only once please", client_message_id="rest-1")
        self.assertStatus(again, 200)
        self.assertTrue(again.body["duplicate"])
        self.assertEqual(again.body["id"], first.body["id"])

        messages = await self.aconversation_messages(first.body["conversation_id"])
        self.assertEqual([m["content"] for m in messages], ["only once please"])
        self.assertEqual(self.stored_inbound(visitor["visitor_id"]), 1)

    async def test_same_client_message_id_over_websocket_and_rest_is_stored_once(self):
        agent, agent_token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(agent_token)
        visitor = await self.anew_visitor()
        visitor_ws = await self.visitor_socket(visitor["visitor_token"])

        await visitor_ws.send_message("ws-1", "sent twice over the socket")
        first = await visitor_ws.ack("ws-1")
        await visitor_ws.send_message("ws-1", "sent twice over the socket")
        second = await visitor_ws.ack("ws-1")
        self.assertFalse(first["data"]["duplicate"])
        self.assertTrue(second["data"]["duplicate"])
        self.assertEqual(second["data"]["id"], first["data"]["id"])
        # The same id over REST after the socket is the same message too.
        over_rest = await self.avisitor_post(visitor["visitor_token"], "sent twice over the socket",
                                             client_message_id="ws-1")
        self.assertStatus(over_rest, 200)
        self.assertTrue(over_rest.body["duplicate"])
        self.assertEqual(over_rest.body["id"], first["data"]["id"])

        conversation_id = over_rest.body["conversation_id"]
        messages = await self.aconversation_messages(conversation_id)
        self.assertEqual([m["id"] for m in messages], [first["data"]["id"]])
        self.assertEqual(self.stored_inbound(visitor["visitor_id"]), 1)
        # The agent is told about it once.
        await agent_ws.event("message.created", conversation_id)
        await agent_ws.quiet(0.3)
        told = [f for f in agent_ws.events() if f["type"] == "message.created"
                and f["data"]["message"]["id"] == first["data"]["id"]]
        self.assertEqual(len(told), 1, told)

    async def test_agent_reply_with_same_idempotency_key_is_stored_and_delivered_once(self):
        agent, agent_token = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        visitor_ws = await self.visitor_socket(visitor["visitor_token"])
        posted = await self.avisitor_post(visitor["visitor_token"], "need help")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        self.assertEqual(await self.await_assignee(conversation_id), agent["id"])

        key = f"reply-{uuid.uuid4().hex}"
        first = await self.areply(conversation_id, agent_token, "here is the answer", idempotency_key=key)
        self.assertStatus(first, 201)
        second = await self.areply(conversation_id, agent_token, "here is the answer", idempotency_key=key)
        self.assertStatus(second, 201)
        self.assertEqual(second.body["id"], first.body["id"])

        messages = await self.aconversation_messages(conversation_id)
        outbound = [m for m in messages if m["direction"] == "outbound"]
        self.assertEqual([m["id"] for m in outbound], [first.body["id"]])
        rows = self.sql(f"SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id "
                        f"WHERE m.idempotency_key = '{key}'")
        self.assertEqual(rows, [["1"]])
        await visitor_ws.wait_for(lambda f: f["data"]["direction"] == "outbound", type="message")
        await visitor_ws.quiet(0.5)
        pushed = [f for _, f in visitor_ws.frames
                  if f["type"] == "message" and f["data"]["direction"] == "outbound"]
        self.assertEqual([f["data"]["id"] for f in pushed], [first.body["id"]])

        # Concurrent retries with one key: still one message; a loser may be told to retry (409).
        key2 = f"reply-{uuid.uuid4().hex}"
        racing = await asyncio.gather(*[
            self.areply(conversation_id, agent_token, "raced answer", idempotency_key=key2) for _ in range(8)])
        self.assertTrue(all(r.status in (201, 409) for r in racing), racing)
        winners = {r.body["id"] for r in racing if r.status == 201}
        self.assertEqual(len(winners), 1, racing)
        messages = await self.aconversation_messages(conversation_id)
        self.assertEqual([m["id"] for m in messages if m["content"] == "raced answer"], list(winners))

        # Another key is another message.
        third = await self.areply(conversation_id, agent_token, "here is the answer",
                                  idempotency_key=key + "-b")
        self.assertStatus(third, 201)
        self.assertNotEqual(third.body["id"], first.body["id"])


class ConcurrencyTest(ServerTestCase):

    async def test_hundred_visitors_sending_at_once_lose_nothing(self):
        # The only online agent: earlier tests' agents go offline first, and conversations an
        # earlier test left queued are closed (otherwise the agent takes one of them on coming
        # online, which is what left one burst conversation queued in session 3).
        self.sql("UPDATE agents SET status = 'offline' WHERE status = 'online'")
        self.close_queued_conversations()
        agent, agent_token = self.create_agent()
        # One agent takes every conversation of the burst: room for exactly all of them.
        room = self.request("PUT", f"/api/v1/agents/{agent['id']}/routing",
                            {"capacity": {"webchat": VISITORS}}, token=self.admin_token)
        self.assertStatus(room, 200)
        self.set_status(agent_token, "online")
        agent_ws = await self.agent_socket(agent_token)

        sessions = await asyncio.gather(*[self.anew_visitor() for _ in range(VISITORS)])
        self.assertEqual(len({s["visitor_id"] for s in sessions}), VISITORS)
        run = uuid.uuid4().hex[:6]

        async def visitor_sends(index, session):
            results = []
            for n in range(MESSAGES_PER_VISITOR):
                response = await self.avisitor_post(session["visitor_token"], f"{run} v{index} m{n}",
                                                    client_message_id=f"{index}-{n}")
                results.append(response)
            return results

        started = time.monotonic()
        outcomes = await asyncio.gather(*[visitor_sends(i, s) for i, s in enumerate(sessions)])
        took = time.monotonic() - started
        statuses = collections.Counter(r.status for rs in outcomes for r in rs)
        self.assertEqual(statuses, {201: VISITORS * MESSAGES_PER_VISITOR},
                         [r for rs in outcomes for r in rs if r.status != 201][:3])
        print(f"\n  {VISITORS * MESSAGES_PER_VISITOR} concurrent visitor messages in {took:.2f} s")

        # Each visitor has one conversation holding exactly its messages, in order.
        expected = {}
        for index, results in enumerate(outcomes):
            conversation_ids = {r.body["conversation_id"] for r in results}
            self.assertEqual(len(conversation_ids), 1, f"visitor {index} got {conversation_ids}")
            expected[conversation_ids.pop()] = [f"{run} v{index} m{n}" for n in range(MESSAGES_PER_VISITOR)]
        self.assertEqual(len(expected), VISITORS)

        # The admin's view: every conversation, every message exactly once.
        # (Pages of 30 so the cursor is followed several times.)
        listed = [c["id"] for c in self.list_conversations(limit=30)]
        self.assertEqual(len(listed), len(set(listed)), "a conversation listed on two pages")
        self.assertTrue(set(expected) <= set(listed), set(expected) - set(listed))
        pages = await asyncio.gather(*[self.aconversation_messages(cid) for cid in expected])
        for conversation_id, messages in zip(expected, pages):
            self.assertEqual([m["content"] for m in messages], expected[conversation_id],
                             f"conversation {conversation_id}")
            self.assertTrue(all(m["direction"] == "inbound" for m in messages))
        all_contents = [m["content"] for page in pages for m in page]
        self.assertEqual(len(all_contents), len(set(all_contents)))
        self.assertEqual(len(all_contents), VISITORS * MESSAGES_PER_VISITOR)

        # The only online agent got every conversation and one message.created per message.
        wanted = {m["id"] for page in pages for m in page}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            seen = [f["data"]["message"]["id"] for f in agent_ws.events() if f["type"] == "message.created"]
            if set(seen) >= wanted:
                break
            await asyncio.sleep(0.1)
        await agent_ws.quiet(0.3)
        seen = [f["data"]["message"]["id"] for f in agent_ws.events() if f["type"] == "message.created"
                and f["data"]["message"]["id"] in wanted]
        self.assertEqual(sorted(seen, key=int), sorted(wanted, key=int))
        # Assignment runs after the commit, batch by batch: give the last batch a moment.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assigned = {f["data"]["conversation"]["id"] for f in agent_ws.events()
                        if f["type"] == "conversation.assigned"}
            if set(expected) <= assigned:
                break
            await asyncio.sleep(0.1)
        missing = sorted(set(expected) - assigned)
        self.assertFalse(missing, [self.sql(f"SELECT id, status, assignee_id FROM conversations WHERE id = {cid}")
                                   for cid in missing[:3]] + [agent["id"]])
        held = self.sql(f"SELECT count(*) FROM conversations WHERE status = 'open' AND assignee_id = {int(agent['id'])}")
        self.assertEqual(int(held[0][0]), VISITORS)  # exactly at capacity, never over
        seqs = [f["seq"] for f in agent_ws.events()]
        self.assertEqual(len(seqs), len(set(seqs)), "an event seq was delivered twice")

    async def test_concurrent_retries_of_one_message_store_it_once(self):
        visitor = await self.anew_visitor()
        responses = await asyncio.gather(*[
            self.avisitor_post(visitor["visitor_token"], "retried in parallel", client_message_id="same")
            for _ in range(20)])
        statuses = collections.Counter(r.status for r in responses)
        self.assertEqual(statuses[201], 1, statuses)
        self.assertEqual(statuses[200], 19, statuses)
        self.assertEqual(len({r.body["id"] for r in responses}), 1)
        self.assertEqual(len(await self.aconversation_messages(responses[0].body["conversation_id"])), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
