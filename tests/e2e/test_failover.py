"""Outbound failover across channels: a WeChat provider failing half of its calls opens the
account's circuit, and the account's failover rule sends the rest by SMS to the customer's
verified phone, within the issue's 90 seconds, with every reply delivered exactly once and the
conversation showing where each went. Both providers are real HTTP fakes on loopback (the ones
test_wechat and test_sms use)."""
import asyncio
import time
import unittest
import uuid

from harness import ServerTestCase
from test_sms import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, PUBLIC_BASE, FakeTwilio, new_number
from test_wechat import APP_ID, APP_SECRET, ENCODING_AES_KEY, TOKEN, FakeWechat, sha1_signature, text_push

REPLIES = 40


class WechatToSmsFailoverTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.wechat = FakeWechat()
        cls.twilio = FakeTwilio()
        try:
            super().setUpClass()
            cls.sms_id = cls.create_account("sms", {
                "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": FROM_NUMBER,
                "api_base_url": cls.twilio.base_url, "public_base_url": PUBLIC_BASE})
            cls.wechat_id = cls.create_account("wechat", {
                "app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
                "encoding_aes_key": ENCODING_AES_KEY, "api_base_url": cls.wechat.base_url,
                "failover": {"channel_account_id": cls.sms_id,
                             "on": ["circuit_open", "window_closed", "dead_letter"]}})
        except BaseException:
            cls.wechat.stop()
            cls.twilio.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.wechat.stop()
            cls.twilio.stop()

    @classmethod
    def create_account(cls, channel, config):
        response = cls.request("POST", "/api/v1/channel-accounts",
                               {"channel": channel, "name": f"{channel}-{uuid.uuid4().hex[:6]}",
                                "config": config}, token=cls.admin_token)
        if response.status != 201:
            raise AssertionError(f"creating the {channel} account failed: {response!r}")
        return response.body["id"]

    def wechat_customer(self, openid, phone, account=None):
        """A WeChat customer whose phone is known and verified (as identity resolution would
        record it after an SMS or a call); returns the conversation id."""
        timestamp, nonce = str(int(time.time())), "4242"
        query = f"signature={sha1_signature(TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
        msg_id = str(uuid.uuid4().int % 10**15)
        response = self.request("POST", f"/webhooks/wechat/{account or self.wechat_id}?{query}",
                                raw_body=text_push(openid, "where is my parcel?", msg_id).encode(),
                                content_type="text/xml")
        self.assertStatus(response, 200)
        rows = self.sql(f"SELECT conversation_id FROM messages WHERE provider_message_id = '{msg_id}'")
        conversation = rows[0][0]
        self.sql("INSERT INTO customer_identities (customer_id, type, value, verified) "
                 f"SELECT customer_id, 'phone', '{phone}', true FROM conversations WHERE id = {conversation}")
        return conversation

    def delivered_bodies(self, phone):
        with self.wechat.lock:
            by_wechat = [body["text"]["content"] for _, body in self.wechat.sent if "text" in body]
        by_sms = [m.get("Body") for m in self.twilio.messages_to(phone)]
        return by_wechat, by_sms

    async def test_a_half_failing_provider_opens_the_circuit_and_sms_delivers_the_rest(self):
        phone = new_number()
        openid = "o" + uuid.uuid4().hex[:27]
        conversation = self.wechat_customer(openid, phone)
        self.wechat.fail_mode = "half"
        started = time.monotonic()
        expected = [f"failover reply {i}" for i in range(REPLIES)]
        for content in expected:
            self.assertStatus(self.reply(conversation, self.admin_token, content), 201)

        # Every reply arrives exactly once, by WeChat or by SMS, within 90 s.
        deadline = started + 90
        while True:
            by_wechat, by_sms = self.delivered_bodies(phone)
            if sorted(by_wechat + by_sms) == sorted(expected):
                break
            if time.monotonic() > deadline:
                self.fail(f"not all replies delivered in 90 s: wechat {len(by_wechat)}, sms {len(by_sms)}")
            await asyncio.sleep(0.2)
        took = time.monotonic() - started
        self.assertTrue(by_sms, "nothing went by SMS")
        self.assertEqual(len(set(by_wechat) & set(by_sms)), 0, "a reply went out on both channels")
        self.assertLess(took, 90)

        circuit = self.request("GET", f"/api/v1/channel-accounts/{self.wechat_id}/circuit",
                               token=self.admin_token)
        self.assertStatus(circuit, 200)
        self.assertGreaterEqual(circuit.body["times_opened"], 1)

        # The conversation says where each failed-over reply went.
        notes = [m for m in self.conversation_messages(conversation) if m["sender_type"] == "system"]
        self.assertEqual(len(notes), len(by_sms))
        self.assertTrue(all(n["metadata"]["failover"]["to_channel_account_id"] == self.sms_id for n in notes))
        rows = self.sql(f"SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id "
                        f"WHERE m.conversation_id = {conversation} AND o.status = 'failed_over' "
                        f"AND o.failure_reason = 'circuit_open'")
        self.assertGreaterEqual(int(rows[0][0]), 1)
        metrics = self.request("GET", "/metrics")
        self.assertIn(f'cc_circuit_state{{channel_account="{self.wechat_id}"}}', metrics.body)

        # Supervisors find failed-over rows through the outbox API.
        listed = self.request("GET", f"/api/v1/outbox?status=failed_over&conversation_id={conversation}",
                              token=self.admin_token)
        self.assertStatus(listed, 200)
        self.assertEqual(len(listed.body["items"]), len(by_sms))

    async def test_an_agent_retries_a_dead_letter_and_a_plain_agent_must_name_the_conversation(self):
        # An account of its own: the other test leaves the first account's circuit open.
        account = self.create_account("wechat", {
            "app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
            "encoding_aes_key": ENCODING_AES_KEY, "api_base_url": self.wechat.base_url,
            "failover": {"channel_account_id": self.sms_id}})
        phone = new_number()
        conversation = self.wechat_customer("o" + uuid.uuid4().hex[:27], phone, account)
        # Without a verified address nothing can fail over: drop the phone, close the window.
        self.sql(f"DELETE FROM customer_identities WHERE value = '{phone}'")
        openid = self.sql(f"SELECT customer_address FROM conversations WHERE id = {conversation}")[0][0]
        self.wechat.fail_mode = None
        self.wechat.window_closed_for.add(openid)
        self.assertStatus(self.reply(conversation, self.admin_token, "after the window"), 201)
        deadline = time.monotonic() + 20
        while True:
            rows = self.sql("SELECT o.id, o.status, o.failure_reason FROM outbox o JOIN messages m "
                            f"ON m.id = o.message_id WHERE m.conversation_id = {conversation}")
            if rows and rows[0][1] == "failed":
                break
            self.assertLess(time.monotonic(), deadline, f"no dead letter: {rows}")
            await asyncio.sleep(0.1)
        outbox_id = rows[0][0]
        self.assertEqual(rows[0][2], "window_closed")

        agent, agent_token = self.create_agent()
        refused = self.request("GET", "/api/v1/outbox?status=failed", token=agent_token)
        self.assertProblem(refused, 403)
        hidden = self.request("POST", f"/api/v1/outbox/{outbox_id}/retry", token=agent_token)
        self.assertProblem(hidden, 404)

        self.wechat.window_closed_for.discard(openid)
        retried = self.request("POST", f"/api/v1/outbox/{outbox_id}/retry", token=self.admin_token)
        self.assertStatus(retried, 200)
        self.assertEqual(retried.body["status"], "pending")
        again = self.request("POST", f"/api/v1/outbox/{outbox_id}/retry", token=self.admin_token)
        self.assertProblem(again, 409)  # pending rows are not retried twice
        deadline = time.monotonic() + 20
        while self.sql(f"SELECT status FROM outbox WHERE id = {outbox_id}")[0][0] != "sent":
            self.assertLess(time.monotonic(), deadline, "the retried message was not sent")
            await asyncio.sleep(0.1)
        with self.wechat.lock:
            sent = [body for _, body in self.wechat.sent if body.get("touser") == openid]
        self.assertEqual([b["text"]["content"] for b in sent], ["after the window"])


if __name__ == "__main__":
    unittest.main()
