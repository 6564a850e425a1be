"""The SMS channel against a fake Twilio (a real HTTP server on loopback speaking the Messages
API's paths, basic auth and JSON): signed inbound webhooks reach an agent, retries are stored
once, bad signatures are refused, agent replies leave through the Messages API, status
callbacks update the message, STOP / START / HELP, and the segment counter."""
import base64
import email.utils
import hashlib
import hmac
import json
import threading
import time
import unittest
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import ServerTestCase

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "sms-e2e-auth-token"
FROM_NUMBER = "+15005550006"
PUBLIC_BASE = "https://sms.example.test/proxy"  # what the provider signs; the server is behind it
HELP_TEXT = "Acme support: reply STOP to opt out. <Msg&Data rates may apply>"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(token, url, params):
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class FakeTwilio:
    """POST/GET /2010-04-01/Accounts/{sid}/Messages.json with basic auth, as Twilio answers."""

    def __init__(self):
        self.sent = []  # form dicts of accepted messages, with sid and auth
        self.refused_auth = 0
        self.lock = threading.Lock()
        self.hang_for = None  # a recipient whose send is recorded, then left unanswered
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _authorised(self):
                expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    with fake.lock:
                        fake.refused_auth += 1
                    self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return False
                return True

            def do_POST(self):
                path = urllib.parse.urlparse(self.path).path
                if path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                    return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                sid = "SM" + uuid.uuid4().hex
                record = dict(form, sid=sid, content_type=self.headers.get("Content-Type"),
                              date_created=email.utils.formatdate(time.time(), usegmt=False))
                with fake.lock:
                    fake.sent.append(record)
                if form.get("To") == fake.hang_for:
                    fake.release.wait(60)  # the server dies meanwhile: the answer goes nowhere
                try:
                        self._reply(201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"),
                                      "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                                      "direction": "outbound-api", "date_created": record["date_created"],
                                      "num_segments": "1", "error_code": None})
                except OSError:
                    pass

            def do_GET(self):
                parsed = urllib.parse.urlparse(self.path)
                if parsed.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                    return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
                if not self._authorised():
                    return
                query = dict(urllib.parse.parse_qsl(parsed.query))
                with fake.lock:
                    items = [{"sid": m["sid"], "to": m.get("To"), "from": m.get("From"), "body": m.get("Body"),
                              "date_created": m["date_created"], "status": "sent"}
                             for m in reversed(fake.sent)
                             if m.get("To") == query.get("To") and m.get("From") == query.get("From")]
                self._reply(200, {"messages": items, "next_page_uri": None, "page": 0})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def messages_to(self, number):
        with self.lock:
            return [m for m in self.sent if m.get("To") == number]

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def new_number():
    return "+86138" + str(uuid.uuid4().int)[:8]


class SmsTestCase(ServerTestCase):
    """A server with one SMS channel account pointing at its own fake Twilio."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeTwilio()
        response = cls.request("POST", "/api/v1/channel-accounts", {
            "channel": "sms", "name": "SMS e2e",
            "config": {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": FROM_NUMBER,
                       "api_base_url": cls.fake.base_url, "public_base_url": PUBLIC_BASE,
                       "help_text": HELP_TEXT}}, token=cls.admin_token)
        if response.status != 201:
            cls.fake.stop()
            raise AssertionError(f"creating the SMS account failed: {response!r}")
        cls.sms_id = response.body["id"]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.fake.stop()
        finally:
            super().tearDownClass()

    # --- helpers

    def inbound_params(self, sender, body, sid=None):
        return {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID,
                "From": sender, "To": FROM_NUMBER, "Body": body, "NumMedia": "0", "NumSegments": "1",
                "SmsStatus": "received", "ApiVersion": "2010-04-01"}

    def post_signed(self, path, params, signature=None, token=AUTH_TOKEN):
        signature = signature or twilio_signature(token, PUBLIC_BASE + path, params)
        return self.request("POST", path, raw_body=urllib.parse.urlencode(params),
                            content_type="application/x-www-form-urlencoded",
                            headers={"X-Twilio-Signature": signature})

    def sms_in(self, sender, body, sid=None):
        params = self.inbound_params(sender, body, sid)
        return self.post_signed(f"/webhooks/sms/{self.sms_id}", params), params

    def stored_count(self, sid):
        return int(self.sql(f"SELECT count(*) FROM messages WHERE provider_message_id = '{sid}'")[0][0])

    def conversation_of(self, sender):
        rows = self.sql("SELECT id FROM conversations WHERE channel_account_id = "
                        f"{int(self.sms_id)} AND customer_address = '{sender}' ORDER BY id DESC LIMIT 1")
        self.assertTrue(rows, f"no conversation for {sender}")
        return rows[0][0]

    async def wait_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s")
            await __import__("asyncio").sleep(0.05)


class SmsChannelTest(SmsTestCase):

    async def test_signed_inbound_reaches_agent_and_a_retry_is_stored_once(self):
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        sender = new_number()
        text = f"my parcel is late {uuid.uuid4().hex[:6]}"
        response, params = self.sms_in(sender, text)
        self.assertStatus(response, 200)
        self.assertEqual(response.content_type, "text/xml")
        self.assertEqual(response.body, EMPTY_TWIML)
        created = await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == text,
                                          type="message.created", timeout=5)
        self.assertEqual(created["data"]["conversation"]["channel"], "sms")
        self.assertEqual(created["data"]["conversation"]["assignee_id"], agent["id"])
        self.assertEqual(created["data"]["message"]["direction"], "inbound")

        # Twilio retries when it missed the answer: acknowledged again, stored once.
        again = self.post_signed(f"/webhooks/sms/{self.sms_id}", params)
        self.assertStatus(again, 200)
        self.assertEqual(again.body, EMPTY_TWIML)
        self.assertEqual(self.stored_count(params["MessageSid"]), 1)
        identity = self.sql(f"SELECT type, value, verified FROM customer_identities WHERE value = '{sender}'")
        self.assertEqual(identity, [["phone", sender, "t"]])

    async def test_bad_signatures_and_wrong_shapes_are_refused_and_nothing_is_stored(self):
        path = f"/webhooks/sms/{self.sms_id}"
        params = self.inbound_params(new_number(), "forged")
        sid = params["MessageSid"]
        self.assertProblem(self.post_signed(path, params, signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA="), 403)
        self.assertProblem(self.post_signed(path, params, token="not-the-token"), 403)
        # Signed over the URL this server sees rather than the public one: refused.
        local = twilio_signature(AUTH_TOKEN, f"http://127.0.0.1:{self.port}{path}", params)
        self.assertProblem(self.post_signed(path, params, signature=local), 403)
        missing = self.request("POST", path, raw_body=urllib.parse.urlencode(params),
                               content_type="application/x-www-form-urlencoded")
        self.assertProblem(missing, 403)
        # A field changed after signing.
        signature = twilio_signature(AUTH_TOKEN, PUBLIC_BASE + path, params)
        self.assertProblem(self.post_signed(path, dict(params, Body="tampered"), signature=signature), 403)
        # Correctly signed, but for another Twilio account.
        self.assertProblem(self.post_signed(path, dict(params, AccountSid="AC" + "9" * 32)), 403)
        # Not a form; malformed form; unknown account.
        self.assertProblem(self.request("POST", path, body={"Body": "x"}), 415)
        self.assertProblem(self.request("POST", path, raw_body="Body=%zz",
                                        content_type="application/x-www-form-urlencoded"), 400)
        self.assertProblem(self.post_signed("/webhooks/sms/999999", params), 404)
        self.assertEqual(self.stored_count(sid), 0)

    async def test_agent_reply_reaches_the_provider_and_status_callbacks_update_it(self):
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        sender = new_number()
        response, _ = self.sms_in(sender, "hello, anyone there?")
        self.assertStatus(response, 200)
        conversation_id = self.conversation_of(sender)
        await self.await_assignee(conversation_id)
        reply_text = "Yes! 你好, how can we help? €5 off"
        reply = await self.areply(conversation_id, token, reply_text)
        self.assertStatus(reply, 201)
        await self.await_outbox_sent(reply.body["id"], timeout=10)
        sent = self.fake.messages_to(sender)
        self.assertEqual(len(sent), 1, sent)
        self.assertEqual(sent[0]["From"], FROM_NUMBER)
        self.assertEqual(sent[0]["Body"], reply_text)
        self.assertEqual(sent[0]["content_type"], "application/x-www-form-urlencoded")
        self.assertEqual(sent[0]["StatusCallback"], f"{PUBLIC_BASE}/webhooks/sms/{self.sms_id}/status")
        self.assertEqual(self.fake.refused_auth, 0)
        provider_id = self.sql(f"SELECT provider_message_id FROM outbox WHERE message_id = {int(reply.body['id'])}")
        self.assertEqual(provider_id, [[sent[0]["sid"]]])

        status_path = f"/webhooks/sms/{self.sms_id}/status"
        for status in ("sent", "delivered"):
            callback = self.post_signed(status_path, {"MessageSid": sent[0]["sid"], "MessageStatus": status,
                                                      "AccountSid": ACCOUNT_SID, "To": sender, "From": FROM_NUMBER})
            self.assertStatus(callback, 200)
        messages = self.conversation_messages(conversation_id)
        outbound = [m for m in messages if m["id"] == reply.body["id"]]
        self.assertEqual(outbound[0]["delivery_status"], "delivered")

        # An unknown sid is acknowledged (Twilio would retry forever) and changes nothing.
        unknown = self.post_signed(status_path, {"MessageSid": "SM" + "f" * 32, "MessageStatus": "failed",
                                                 "AccountSid": ACCOUNT_SID, "ErrorCode": "30003"})
        self.assertStatus(unknown, 200)
        # Unsigned callbacks are refused and change nothing.
        forged = self.post_signed(status_path, {"MessageSid": sent[0]["sid"], "MessageStatus": "failed",
                                                "AccountSid": ACCOUNT_SID}, signature="bm9wZQ==")
        self.assertProblem(forged, 403)
        messages = self.conversation_messages(conversation_id)
        self.assertEqual([m for m in messages if m["id"] == reply.body["id"]][0]["delivery_status"], "delivered")

    async def test_stop_blocks_replies_until_start(self):
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        sender = new_number()
        self.assertStatus(self.sms_in(sender, "hi")[0], 200)
        conversation_id = self.conversation_of(sender)
        await self.await_assignee(conversation_id)

        stop, stop_params = self.sms_in(sender, " stop ")
        self.assertStatus(stop, 200)
        self.assertEqual(stop.body, EMPTY_TWIML)
        self.assertEqual(self.stored_count(stop_params["MessageSid"]), 1)
        rows = self.sql(f"SELECT address, keyword, customer_id IS NOT NULL FROM channel_opt_outs "
                        f"WHERE channel_account_id = {int(self.sms_id)} AND address = '{sender}'")
        self.assertEqual(rows, [[sender, "stop", "t"]])

        reply = await self.areply(conversation_id, token, "are you still there?")
        self.assertStatus(reply, 201)
        row = await self.wait_until(
            lambda: [r for r in self.sql(f"SELECT status, failure_reason FROM outbox "
                                         f"WHERE message_id = {int(reply.body['id'])}") if r[0] != "pending"],
            timeout=10, what="outbox outcome for the opted-out number")
        self.assertEqual(row[0], ["failed", "opted_out"])
        self.assertEqual(self.fake.messages_to(sender), [])

        start = self.sms_in(sender, "START")[0]
        self.assertStatus(start, 200)
        self.assertEqual(self.sql(f"SELECT count(*) FROM channel_opt_outs WHERE address = '{sender}'"), [["0"]])
        again = await self.areply(conversation_id, token, "welcome back")
        self.assertStatus(again, 201)
        await self.await_outbox_sent(again.body["id"], timeout=10)
        self.assertEqual([m["Body"] for m in self.fake.messages_to(sender)], ["welcome back"])

    async def test_help_is_answered_with_the_configured_text(self):
        response, params = self.sms_in(new_number(), "Help")
        self.assertStatus(response, 200)
        self.assertEqual(response.content_type, "text/xml")
        self.assertEqual(response.body,
                         '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
                         'Acme support: reply STOP to opt out. &lt;Msg&amp;Data rates may apply&gt;'
                         '</Message></Response>')
        self.assertEqual(self.stored_count(params["MessageSid"]), 1)

    async def test_segment_counter_for_agents(self):
        path = "/api/v1/channels/sms/segments"
        self.assertProblem(self.request("POST", path, {"text": "hi"}), 401)
        _, token = self.create_agent()
        gsm = self.request("POST", path, {"text": "a" * 161}, token=token)
        self.assertStatus(gsm, 200)
        self.assertEqual({k: gsm.body[k] for k in ("encoding", "characters", "segments", "per_segment")},
                         {"encoding": "GSM-7", "characters": 161, "segments": 2, "per_segment": 153})
        chinese = self.request("POST", path, {"text": "你好" * 35}, token=token)
        self.assertEqual({k: chinese.body[k] for k in ("encoding", "characters", "segments", "per_segment")},
                         {"encoding": "UCS-2", "characters": 70, "segments": 1, "per_segment": 70})
        self.assertProblem(self.request("POST", path, {"text": 5}, token=token), 422)
        self.assertProblem(self.request("POST", path, raw_body="text", content_type="text/plain", token=token), 415)

    async def test_sms_account_config_is_validated(self):
        response = self.request("POST", "/api/v1/channel-accounts",
                                {"channel": "sms", "name": "broken", "config": {"account_sid": ACCOUNT_SID}},
                                token=self.admin_token)
        self.assertProblem(response, 422)


class SmsCrashTest(SmsTestCase):
    """Exactly once across a crash: the provider accepted the message but the server died before
    recording it; after restart the row is reconciled against the provider's message list."""

    async def test_reply_accepted_before_sigkill_is_reconciled_not_sent_again(self):
        agent, token = self.create_agent(online=True)
        sender = new_number()
        self.assertStatus(self.sms_in(sender, "hello before the crash")[0], 200)
        conversation_id = self.conversation_of(sender)
        await self.await_assignee(conversation_id)
        self.fake.hang_for = sender
        reply = await self.areply(conversation_id, token, "sent exactly once")
        self.assertStatus(reply, 201)
        await self.wait_until(lambda: self.fake.messages_to(sender), timeout=10, what="the send at the fake")
        self.server.kill()  # SIGKILL while the provider call is in flight
        self.fake.release.set()
        self.server.start()
        type(self).port = self.server.port
        # The lease of the dead instance's claim runs out (30 s), then reconcile finds the sid.
        row = await self.wait_until(
            lambda: [r for r in self.sql(f"SELECT status, provider_message_id FROM outbox "
                                         f"WHERE message_id = {int(reply.body['id'])}") if r[0] != "pending"],
            timeout=90, what="the outbox row settled after restart")
        sent = self.fake.messages_to(sender)
        self.assertEqual(len(sent), 1, sent)
        self.assertEqual(row[0], ["sent", sent[0]["sid"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
