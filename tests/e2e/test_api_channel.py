"""The generic API channel end to end: a business app posts a customer's message over REST with
the channel's key (idempotent on its message_id), the agent's reply reaches the app's callback as
a Standard-Webhooks-signed POST, and the app's status report updates the message."""
import time
import unittest
import uuid

from harness import ServerTestCase
from test_webhooks import SignedReceiver


class ApiChannelTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = SignedReceiver()
        response = cls.request("POST", "/api/v1/channel-accounts",
                               {"channel": "api", "name": "order system",
                                "config": {"callback_url": cls.app.url}}, token=cls.admin_token)
        assert response.status == 201, response
        cls.account_id = response.body["id"]
        response = cls.request("POST", f"/api/v1/channel-accounts/{cls.account_id}/api-credentials",
                               token=cls.admin_token)
        assert response.status == 200, response
        cls.api_key = response.body["api_key"]
        cls.app.secrets.append(response.body["webhook_secret"])

    @classmethod
    def tearDownClass(cls):
        cls.app.close()
        super().tearDownClass()

    def post_inbound(self, body, key=None):
        return self.request("POST", f"/api/v1/channels/api/{self.account_id}/messages", body,
                            token=key or self.api_key)

    def inbound(self, content, member=None, message_id=None):
        return {"message_id": message_id or uuid.uuid4().hex,
                "identifiers": [{"type": "member_id", "value": member or f"m-{uuid.uuid4().hex[:8]}"}],
                "content": content, "name": "Ada Customer", "metadata": {"order": "A-17"}}

    def test_the_key_is_stored_hashed_and_shown_masked(self):
        response = self.request("GET", f"/api/v1/channel-accounts/{self.account_id}", token=self.admin_token)
        self.assertStatus(response, 200)
        self.assertNotIn(self.api_key, response.raw.decode())
        stored = self.sql(f"SELECT config::text FROM channel_accounts WHERE id = {int(self.account_id)}")[0][0]
        self.assertNotIn(self.api_key, stored)
        self.assertIn("api_key_sha256", stored)

    def test_inbound_is_authenticated_validated_and_idempotent(self):
        body = self.inbound("where is my order?")
        self.assertProblem(self.post_inbound(body, key="ccak_wrong"), 401)
        self.assertProblem(self.request("POST", f"/api/v1/channels/api/{self.account_id}/messages", body), 401)
        self.assertProblem(self.post_inbound(dict(body, identifiers=[])), 422)
        self.assertProblem(self.post_inbound(dict(body, content="x" * 20000)), 422)
        self.assertProblem(self.post_inbound(dict(body, message_id="")), 422)
        first = self.post_inbound(body)
        self.assertStatus(first, 201)
        self.assertFalse(first.body["duplicate"])
        again = self.post_inbound(body)
        self.assertStatus(again, 200)
        self.assertEqual(again.body["id"], first.body["id"])
        self.assertTrue(again.body["duplicate"])
        messages = self.conversation_messages(first.body["conversation_id"])
        self.assertEqual([m["content"] for m in messages], ["where is my order?"])
        webchat = self.create_channel_account()
        self.assertProblem(self.request("POST", f"/api/v1/channels/api/{webchat['id']}/messages", body,
                                        token=self.api_key), 404)

    def test_round_trip_inbound_signed_reply_and_status_back(self):
        self.close_queued_conversations()
        _, agent_token = self.create_agent(online=True)
        member = f"m-{uuid.uuid4().hex[:8]}"
        created = self.post_inbound(self.inbound("I need help with a refund", member=member))
        self.assertStatus(created, 201)
        conversation_id = created.body["conversation_id"]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            conversation = self.request("GET", f"/api/v1/conversations/{conversation_id}",
                                        token=self.admin_token).body
            if conversation.get("assignee_id"):
                break
            time.sleep(0.1)
        self.assertEqual(conversation["channel"], "api")

        reply_text = f"refund started {uuid.uuid4().hex[:4]}"
        reply = self.reply(conversation_id, agent_token, reply_text)
        self.assertStatus(reply, 201)
        requests = self.app.wait_for(
            lambda rs: any(r["body"] and r["body"]["data"].get("content") == reply_text for r in rs),
            what="the reply at the callback")
        callback = [r for r in requests if r["body"]["data"].get("content") == reply_text]
        self.assertEqual(len(callback), 1)
        callback = callback[0]
        self.assertTrue(callback["signature_ok"], "signed with the channel's webhook secret")
        self.assertTrue(callback["id"].startswith("msg_"))
        self.assertEqual(callback["body"]["type"], "message.outbound")
        data = callback["body"]["data"]
        self.assertEqual(data["id"], callback["id"])
        self.assertEqual(data["message_id"], reply.body["id"])
        self.assertEqual(data["recipient"], f"member_id:{member}")

        # Integrations hear the status too: a message.status webhook, signed, to a subscriber.
        integration = SignedReceiver()
        self.addCleanup(integration.close)
        subscribed = self.request("POST", "/api/v1/webhook-subscriptions",
                                  {"url": integration.url, "events": ["message.status"]},
                                  token=self.admin_token)
        self.assertStatus(subscribed, 201)
        integration.secrets.append(subscribed.body["secret"])
        self.addCleanup(self.request, "DELETE", f"/api/v1/webhook-subscriptions/{subscribed.body['id']}",
                        token=self.admin_token)

        status = self.request("POST",
                              f"/api/v1/channels/api/{self.account_id}/messages/{data['id']}/status",
                              {"status": "delivered"}, token=self.api_key)
        self.assertStatus(status, 200)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            mine = [m for m in self.conversation_messages(conversation_id) if m["id"] == reply.body["id"]]
            if mine and mine[0]["delivery_status"] == "delivered":
                break
            time.sleep(0.1)
        self.assertEqual(mine[0]["delivery_status"], "delivered")
        heard = integration.wait_for(lambda rs: any(r["body"]["data"].get("message_id") == reply.body["id"]
                                                    for r in rs), what="the message.status webhook")
        event = [r for r in heard if r["body"]["data"].get("message_id") == reply.body["id"]][0]
        self.assertTrue(event["signature_ok"])
        self.assertEqual(event["body"]["type"], "message.status")
        self.assertEqual(event["body"]["data"]["delivery_status"], "delivered")
        self.assertEqual(event["body"]["data"]["status"], "delivered")  # the workbench's field
        self.assertEqual(event["body"]["data"]["conversation_id"], conversation_id)
        self.assertProblem(self.request("POST",
                                        f"/api/v1/channels/api/{self.account_id}/messages/msg_0/status",
                                        {"status": "delivered"}, token=self.api_key), 404)
        self.assertProblem(self.request("POST",
                                        f"/api/v1/channels/api/{self.account_id}/messages/{data['id']}/status",
                                        {"status": "exploded"}, token=self.api_key), 422)


if __name__ == "__main__":
    unittest.main()
