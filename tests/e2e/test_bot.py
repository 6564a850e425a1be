"""FAQ bot, sensitive words and rule actions end to end, through the web chat widget: FAQ CRUD
and suggestions (roles, limits, a second instance picking changes up by its poll), the bot
answering a FAQ question, handing off on "转人工" and after three unanswered messages (the
conversation is then assigned and the agent sees the bot's part), sensitive words masked for
agents and flagged for review (evasions included), tags, supervisor notice and spam block."""
import asyncio
import time
import unittest

from harness import ServerProcess, ServerTestCase, http_request

WORKFLOW = {
    "rules": [
        {"name": "spam", "when": "text MATCHES \"(?i)casino\"", "actions": {"block": True}},
        {"name": "legal", "when": "text CONTAINS 'lawyer'", "steps": [{"queue": "default"}],
         "actions": {"tags": ["legal"], "notify_supervisor": True,
                     "auto_reply": {"en": "We have passed this to our legal team.", "*": "已转交法务。"},
                     "create_ticket": {"type": "complaint", "priority": "high"}}},
        {"name": "bot", "when": "channel == 'webchat'", "steps": [{"queue": "default"}],
         "actions": {"bot_first": True}},
    ],
    "default": {"steps": [{"queue": "default"}]},
}

HOURS = {"questions": ["What are your opening hours?", "营业时间是几点", "when are you open"],
         "answers": {"en": "We are open 9:00-18:00.", "zh": "营业时间9点到18点。"}, "tags": ["hours"]}


class BotTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        etag = cls.request("GET", "/api/v1/routing/workflow", token=cls.admin_token).header("etag")
        saved = cls.request("PUT", "/api/v1/routing/workflow", WORKFLOW, token=cls.admin_token,
                            headers={"If-Match": etag})
        assert saved.status == 200, saved
        activated = cls.request("POST", "/api/v1/routing/workflow/activate", token=cls.admin_token)
        assert activated.status == 200, activated
        created = cls.request("POST", "/api/v1/faq", HOURS, token=cls.admin_token)
        assert created.status == 201, created
        cls.hours_id = created.body["id"]

    async def messages_of(self, conversation_id, predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            items = await self.aconversation_messages(conversation_id)
            if predicate(items) or time.monotonic() > deadline:
                return items
            await asyncio.sleep(0.05)

    def test_faq_crud_roles_limits_and_suggestions(self):
        _, agent_token = self.create_agent()
        _, supervisor_token = self.create_agent(role="supervisor")
        entry = {"questions": ["How do I get a refund?", "怎么退款"], "answers": {"*": "Refunds within 7 days."}}
        self.assertProblem(self.request("POST", "/api/v1/faq", entry, token=agent_token), 403)
        self.assertProblem(self.request("POST", "/api/v1/faq", {"questions": [], "answers": {"en": "x"}},
                                        token=self.admin_token), 422)
        self.assertProblem(self.request("POST", "/api/v1/faq", {"questions": ["q"], "answers": {"en": ""}},
                                        token=self.admin_token), 422)
        self.assertProblem(self.request("POST", "/api/v1/faq", {"questions": ["x" * 5000], "answers": {"en": "a"}},
                                        token=self.admin_token), 422)
        created = self.request("POST", "/api/v1/faq", entry, token=supervisor_token)
        self.assertStatus(created, 201)
        refund_id = created.body["id"]
        listed = self.request("GET", "/api/v1/faq", token=agent_token)
        self.assertStatus(listed, 200)
        self.assertIn(refund_id, [item["id"] for item in listed.body["items"]])

        found = self.request("GET", "/api/v1/faq/suggestions?q=" + "how can I get my refund" .replace(" ", "%20")
                             + "&lang=en&limit=2", token=agent_token)
        self.assertStatus(found, 200)
        self.assertEqual(found.body["items"][0]["id"], refund_id)
        self.assertEqual(set(found.body["items"][0]), {"id", "question", "answer", "score"})
        self.assertEqual(found.body["items"][0]["answer"], "Refunds within 7 days.")
        nothing = self.request("GET", "/api/v1/faq/suggestions?q=zzqqxx", token=agent_token)
        self.assertEqual(nothing.body, {"items": []})
        self.assertProblem(self.request("GET", "/api/v1/faq/suggestions?q=a&limit=11", token=agent_token), 422)
        self.assertProblem(self.request("GET", "/api/v1/faq/suggestions?q=a"), 401)

        changed = dict(entry, answers={"en": "Refunds within 14 days.", "zh": "14天内退款。"})
        self.assertStatus(self.request("PUT", f"/api/v1/faq/{refund_id}", changed, token=self.admin_token), 200)
        self.assertProblem(self.request("PUT", "/api/v1/faq/999999", changed, token=self.admin_token), 404)

        # A second instance on the same database (another bus channel) sees changes by its poll.
        other = ServerProcess(self.env, f"{self.server.name}-b", self.server.database_url)
        try:
            other.start()
            deadline = time.monotonic() + 3
            answer = None
            while time.monotonic() < deadline:
                seen = http_request(other.port, "GET", "/api/v1/faq/suggestions?q=%E6%80%8E%E4%B9%88%E9%80%80%E6%AC%BE"
                                    "&lang=zh", token=agent_token)
                if seen.status == 200 and seen.body["items"]:
                    answer = seen.body["items"][0]["answer"]
                    break
                time.sleep(0.1)
            self.assertEqual(answer, "14天内退款。")
            self.assertStatus(self.request("DELETE", f"/api/v1/faq/{refund_id}", token=self.admin_token), 204)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                seen = http_request(other.port, "GET", "/api/v1/faq/suggestions?q=%E6%80%8E%E4%B9%88%E9%80%80%E6%AC%BE"
                                    "&lang=zh", token=agent_token)
                if all(item["id"] != refund_id for item in seen.body["items"]):
                    break
                time.sleep(0.1)
            self.assertTrue(all(item["id"] != refund_id for item in seen.body["items"]))
        finally:
            if other.process is not None:
                code, _ = other.terminate()
                self.assertEqual(code, 0, f"see {other.log_path}")

    async def test_bot_answers_then_hands_off_when_asked(self):
        agent, token = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "When are you open?")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        items = await self.messages_of(conversation_id, lambda m: any(i["sender_type"] == "bot" for i in m))
        bot = [i for i in items if i["sender_type"] == "bot"]
        self.assertEqual([i["content"] for i in bot], ["We are open 9:00-18:00."])
        await asyncio.sleep(0.3)
        conversation = self.request("GET", f"/api/v1/conversations/{conversation_id}", token=self.admin_token)
        self.assertIsNone(conversation.body["assignee_id"], "the bot answered: nobody is assigned")

        self.assertStatus(await self.avisitor_post(visitor["visitor_token"], "转人工"), 201)
        self.assertEqual(await self.await_assignee(conversation_id), agent["id"])
        # The agent sees the bot's part of the thread.
        seen = await self.aconversation_messages(conversation_id, token=token)
        self.assertEqual([i["sender_type"] for i in seen], ["customer", "bot", "customer", "bot"])
        self.assertEqual(self.sql(f"SELECT handed_off, handoff_reason FROM bot_conversation_state "
                                  f"WHERE conversation_id = {int(conversation_id)}"), [["t", "customer_asked"]])

    async def test_three_unanswered_messages_hand_off(self):
        agent, _ = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        first = await self.avisitor_post(visitor["visitor_token"], "xyzzy plugh")
        conversation_id = first.body["conversation_id"]
        for text in ("qwerty asdf", "blorp florp"):
            await self.messages_of(conversation_id, lambda m: m[-1]["sender_type"] == "bot")
            conversation = self.request("GET", f"/api/v1/conversations/{conversation_id}", token=self.admin_token)
            self.assertIsNone(conversation.body["assignee_id"])
            self.assertStatus(await self.avisitor_post(visitor["visitor_token"], text), 201)
        self.assertEqual(await self.await_assignee(conversation_id), agent["id"])
        self.assertEqual(self.sql(f"SELECT handoff_reason FROM bot_conversation_state "
                                  f"WHERE conversation_id = {int(conversation_id)}"), [["too_many_turns"]])

    async def test_sensitive_words_masked_for_agents_and_flagged(self):
        _, agent_token = self.create_agent()
        words = {"words": [{"word": "fuck", "category": "profanity"}, "傻逼",
                           {"word": "bitcoin", "category": "fraud", "mask": False}]}
        self.assertProblem(self.request("PUT", "/api/v1/sensitive-words", words, token=agent_token), 403)
        self.assertProblem(self.request("PUT", "/api/v1/sensitive-words", {"words": [{"word": ""}]},
                                        token=self.admin_token), 422)
        saved = self.request("PUT", "/api/v1/sensitive-words", words, token=self.admin_token)
        self.assertStatus(saved, 200)
        self.assertEqual(len(saved.body["items"]), 3)
        visitor = await self.anew_visitor()
        texts = ["what the f.u.c.k is this", "你这个傻 逼", "pay me in b-i-t-c-o-i-n", "all good"]
        conversation_id = None
        for text in texts:
            posted = await self.avisitor_post(visitor["visitor_token"], text)
            self.assertStatus(posted, 201)
            conversation_id = posted.body["conversation_id"]
        items = await self.messages_of(conversation_id, lambda m: len([i for i in m if i["sender_type"] == "customer"]) == 4)
        customer = [i["content"] for i in items if i["sender_type"] == "customer"]
        self.assertEqual(customer, ["what the *** is this", "你这个***", "pay me in b-i-t-c-o-i-n", "all good"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            hits = self.request("GET", "/api/v1/sensitive-words/hits?reviewed=false", token=self.admin_token)
            mine = [h for h in hits.body["items"] if h["conversation_id"] == conversation_id]
            if len(mine) == 3:
                break
            await asyncio.sleep(0.05)
        self.assertEqual(len(mine), 3)
        self.assertProblem(self.request("GET", "/api/v1/sensitive-words/hits", token=agent_token), 403)
        self.assertEqual({w["category"] for h in mine for w in h["words"]}, {"profanity", "", "fraud"})
        self.assertStatus(self.request("POST", f"/api/v1/sensitive-words/hits/{mine[0]['id']}/review",
                                       token=self.admin_token), 204)
        open_hits = self.request("GET", "/api/v1/sensitive-words/hits?reviewed=false", token=self.admin_token)
        self.assertNotIn(mine[0]["id"], [h["id"] for h in open_hits.body["items"]])

    async def test_rule_actions_tag_notify_and_block(self):
        _, supervisor_token = self.create_agent(role="supervisor")
        socket = await self.agent_socket(supervisor_token)
        visitor = await self.anew_visitor()
        posted = await self.avisitor_post(visitor["visitor_token"], "my lawyer will contact you")
        conversation_id = posted.body["conversation_id"]
        notice = await socket.wait_for(lambda f: f["data"]["conversation_id"] == conversation_id,
                                       type="conversation.flagged")
        self.assertEqual(notice["data"]["rule"], "legal")
        self.assertEqual(self.sql(f"SELECT tag FROM conversation_tags WHERE conversation_id = {int(conversation_id)}"),
                         [["legal"]])
        tags = self.sql(f"SELECT 'legal' = ANY (cu.tags) FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
                        f"WHERE c.id = {int(conversation_id)}")
        self.assertEqual(tags, [["t"]])
        items = await self.messages_of(conversation_id, lambda m: any(i["sender_type"] == "system" for i in m))
        self.assertIn("We have passed this to our legal team.", [i["content"] for i in items if i["sender_type"] == "system"])
        tickets = self.sql(f"SELECT t.type, t.priority FROM tickets t JOIN ticket_conversations tc ON tc.ticket_id = t.id "
                           f"WHERE tc.conversation_id = {int(conversation_id)}")
        self.assertEqual(tickets, [["complaint", "high"]])

        spammer = await self.anew_visitor()
        posted = await self.avisitor_post(spammer["visitor_token"], "best CASINO bonus")
        spam_id = posted.body["conversation_id"]
        await self.await_conversation(spam_id, lambda c: c["status"] == "closed", what="spam close")
        rows = self.sql(f"SELECT 'spam' = ANY (cu.tags) FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
                        f"WHERE c.id = {int(spam_id)}")
        self.assertEqual(rows, [["t"]])


if __name__ == "__main__":
    unittest.main()
