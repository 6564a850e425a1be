"""The web chat round trip: visitor -> agent in real time, agent -> visitor, history, assignment
of a queued conversation when an agent comes online, and closing."""
import asyncio
import time
import unittest
import uuid

from harness import ServerTestCase


class WebchatFlowTest(ServerTestCase):

    async def test_visitor_message_reaches_online_agent_within_one_second_and_reply_reaches_visitor(self):
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        ready = agent_ws.frames[0][1]
        self.assertEqual(ready["type"], "session.ready")
        self.assertEqual(ready["seq"], 0)
        self.assertEqual(ready["data"]["agent_id"], agent["id"])

        visitor = await self.anew_visitor(body={"name": "Vera Visitor"})
        visitor_ws = await self.visitor_socket(visitor["visitor_token"])

        text = f"hello from the visitor {uuid.uuid4().hex[:6]}"
        sent_at = time.monotonic()
        await visitor_ws.send_message("c-1", text)
        created = await agent_ws.wait_for(
            lambda f: f["data"]["message"]["content"] == text, type="message.created", timeout=5)
        latency = agent_ws.received_at(created) - sent_at
        self.assertLess(latency, 1.0, f"message.created took {latency:.3f} s")

        ack = await visitor_ws.ack("c-1")
        self.assertFalse(ack["data"]["duplicate"])
        message = created["data"]["message"]
        conversation = created["data"]["conversation"]
        self.assertEqual(message["id"], ack["data"]["id"])
        self.assertEqual(message["direction"], "inbound")
        self.assertGreater(created["seq"], 0)
        self.assertEqual(conversation["assignee_id"], agent["id"])
        self.assertEqual(conversation["status"], "open")
        self.assertEqual(conversation["channel"], "webchat")
        # Assignment is announced too, before the message it brought.
        assigned = await agent_ws.event("conversation.assigned", conversation["id"])
        self.assertLess(assigned["seq"], created["seq"])

        # The agent answers over REST; the visitor's socket gets it as an outbound message.
        reply_text = "hello visitor, how can I help?"
        response = await self.areply(conversation["id"], token, reply_text)
        self.assertStatus(response, 201)
        self.assertEqual(response.body["direction"], "outbound")
        pushed = await visitor_ws.wait_for(lambda f: f["data"].get("direction") == "outbound",
                                           type="message", timeout=5)
        self.assertEqual(pushed["data"]["content"], reply_text)
        self.assertEqual(pushed["data"]["id"], response.body["id"])
        # The agent's own stream carries the reply as well.
        echoed = await agent_ws.wait_for(lambda f: f["data"]["message"]["id"] == response.body["id"],
                                         type="message.created")
        self.assertGreater(echoed["seq"], created["seq"])

        # History, oldest first, both directions.
        history = await self.arequest("GET", "/widget/v1/messages", token=visitor["visitor_token"])
        self.assertStatus(history, 200)
        items = history.body["items"]
        self.assertEqual([(m["direction"], m["content"]) for m in items],
                         [("inbound", text), ("outbound", reply_text)])
        self.assertLess(int(items[0]["id"]), int(items[1]["id"]))
        # ?after= returns only what came later.
        later = await self.arequest("GET", f"/widget/v1/messages?after={items[0]['id']}",
                                    token=visitor["visitor_token"])
        self.assertEqual([m["content"] for m in later.body["items"]], [reply_text])

    async def test_visitor_socket_with_after_replays_backlog_then_goes_live(self):
        agent, token = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        first = await self.avisitor_post(visitor["visitor_token"], "first")
        self.assertStatus(first, 201)
        conversation_id = first.body["conversation_id"]
        reply = await self.areply(conversation_id, token, "first reply")
        self.assertStatus(reply, 201)
        # Delivered live already (to nobody): from here on it is backlog only. (The race of a
        # delivery with the connect is test_backlog_and_live_messages_...)
        await self.await_outbox_sent(reply.body["id"])

        visitor_ws = await self.visitor_socket(visitor["visitor_token"], after=0)
        backlog = [await visitor_ws.wait_for(type="message") for _ in range(2)]
        self.assertEqual([(m["data"]["direction"], m["data"]["content"]) for m in backlog],
                         [("inbound", "first"), ("outbound", "first reply")])
        live = await self.areply(conversation_id, token, "second reply")
        self.assertStatus(live, 201)
        pushed = await visitor_ws.wait_for(type="message")
        self.assertEqual(pushed["data"]["content"], "second reply")
        self.assertEqual(await visitor_ws.quiet(0.3), [])

    # Regression: the visitor hub once sent a message both in the backlog and live.
    async def test_backlog_and_live_messages_arrive_once_and_in_order_while_replies_flow(self):
        agent, token = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "start")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        self.assertEqual(await self.await_assignee(conversation_id), agent["id"])

        stop = asyncio.Event()
        sent_ids = []

        async def keep_replying():
            n = 0
            while not stop.is_set():
                response = await self.areply(conversation_id, token, f"flowing {n}")
                self.assertStatus(response, 201)
                sent_ids.append(response.body["id"])
                n += 1
                await asyncio.sleep(0.002)

        replier = asyncio.get_running_loop().create_task(keep_replying())
        try:
            problems = []
            # A round hits the race roughly once in four; 30 rounds of 3 staggered connects make
            # missing it (an "unexpected success" while the bug is there) very unlikely.
            async def connect_after(delay):
                await asyncio.sleep(delay)
                return await self.visitor_socket(visitor["visitor_token"], after=0)

            for round_ in range(30):
                clients = await asyncio.gather(*[connect_after(d) for d in (0, 0.013, 0.027)])
                await asyncio.sleep(0.2)
                for client in clients:
                    ids = [int(f["data"]["id"]) for _, f in client.frames if f["type"] == "message"]
                    if len(ids) != len(set(ids)):
                        problems.append(f"round {round_}: repeated ids "
                                        f"{sorted(i for i in set(ids) if ids.count(i) > 1)}")
                    if ids != sorted(ids):
                        problems.append(f"round {round_}: out of order {ids}")
                    await client.close()
                if problems:
                    break
        finally:
            stop.set()
            await replier
        self.assertEqual(problems, [])
        self.assertGreater(len(sent_ids), 30, "replies did not flow during the connects")

    async def test_queued_conversation_is_assigned_when_an_agent_goes_online(self):
        # Nobody of role agent is online (cleanup puts earlier agents offline).
        agent, token = self.create_agent(online=False)
        agent_ws = await self.agent_socket(token)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "anyone there?")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]

        queued = await self.arequest("GET", f"/api/v1/conversations/{conversation_id}",
                                     token=self.admin_token)
        self.assertStatus(queued, 200)
        self.assertEqual(queued.body["status"], "queued")
        self.assertIsNone(queued.body["assignee_id"])
        # An offline agent is not told about the queue.
        self.assertEqual([f for f in await agent_ws.quiet(0.3) if f["type"] == "message.created"], [])

        await self.aset_status(token, "online")
        status = await agent_ws.wait_for(type="agent.status")
        self.assertEqual(status["data"], {"agent_id": agent["id"], "status": "online"})
        assigned = await agent_ws.event("conversation.assigned", conversation_id, timeout=5)
        self.assertEqual(assigned["data"]["conversation"]["assignee_id"], agent["id"])
        self.assertEqual(assigned["data"]["conversation"]["status"], "open")
        now = await self.arequest("GET", f"/api/v1/conversations/{conversation_id}", token=token)
        self.assertStatus(now, 200)
        self.assertEqual(now.body["assignee_id"], agent["id"])
        self.assertEqual(now.body["status"], "open")

        # Later messages of that conversation go straight to its assignee.
        more = await self.avisitor_post(visitor["visitor_token"], "great, thanks")
        self.assertStatus(more, 201)
        created = await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == "great, thanks",
                                          type="message.created")
        self.assertEqual(created["data"]["conversation"]["id"], conversation_id)

    async def test_least_busy_online_agent_gets_the_new_conversation(self):
        self.close_queued_conversations()
        # The default queue's strategy is longest idle; this test is about least busy.
        switched = self.request("PATCH", "/api/v1/queues/default", {"strategy": "least_busy"},
                                token=self.admin_token)
        self.assertStatus(switched, 200)
        self.addCleanup(self.request, "PATCH", "/api/v1/queues/default", {"strategy": "longest_idle"},
                        token=self.admin_token)
        busy, busy_token = self.create_agent(online=True)
        first = await self.avisitor_post((await self.anew_visitor())["visitor_token"], "one")
        self.assertStatus(first, 201)
        self.assertEqual(await self.await_assignee(first.body["conversation_id"]), busy["id"])

        idle, idle_token = self.create_agent(online=True)
        second = await self.avisitor_post((await self.anew_visitor())["visitor_token"], "two")
        self.assertStatus(second, 201)
        self.assertEqual(await self.await_assignee(second.body["conversation_id"]), idle["id"])

    async def test_closing_a_conversation_sends_conversation_closed(self):
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "please close me")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        await agent_ws.event("message.created", conversation_id)

        closed = await self.arequest("POST", f"/api/v1/conversations/{conversation_id}/close", token=token)
        self.assertStatus(closed, 200)
        self.assertEqual(closed.body["status"], "closed")
        self.assertIsNotNone(closed.body["closed_at"])
        event = await agent_ws.event("conversation.closed", conversation_id)
        self.assertEqual(event["data"]["conversation"]["status"], "closed")

        # A reply to a closed conversation is refused; the visitor's next message opens a new one.
        refused = await self.areply(conversation_id, token, "too late")
        self.assertProblem(refused, 409)
        again = await self.avisitor_post(visitor["visitor_token"], "one more thing")
        self.assertStatus(again, 201)
        self.assertNotEqual(again.body["conversation_id"], conversation_id)
        history = await self.arequest("GET", "/widget/v1/messages", token=visitor["visitor_token"])
        self.assertEqual([m["content"] for m in history.body["items"]], ["please close me", "one more thing"])


    def test_widget_endpoints_allow_cross_origin_calls(self):
        preflight = self.request("OPTIONS", f"/widget/v1/{self.channel_id}/sessions",
                                 headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"})
        self.assertStatus(preflight, 204)
        self.assertEqual(preflight.header("Access-Control-Allow-Origin"), "*")
        self.assertIn("POST", preflight.header("Access-Control-Allow-Methods"))
        self.assertIn("Authorization", preflight.header("Access-Control-Allow-Headers"))
        session = self.request("POST", f"/widget/v1/{self.channel_id}/sessions", headers={"Origin": "https://shop.example"})
        self.assertStatus(session, 201)
        self.assertEqual(session.header("Access-Control-Allow-Origin"), "*")
        posted = self.visitor_post(session.body["visitor_token"], "cross-origin hello")
        self.assertStatus(posted, 201)
        self.assertEqual(posted.header("Access-Control-Allow-Origin"), "*")
        refused = self.request("GET", "/widget/v1/messages", token="bad")
        self.assertEqual(refused.header("Access-Control-Allow-Origin"), "*")


if __name__ == "__main__":
    unittest.main(verbosity=2)
