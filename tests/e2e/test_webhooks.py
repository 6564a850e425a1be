"""Outbound webhooks end to end: a loopback receiver (http.server on port 0) verifies the
Standard Webhooks signature of every delivery and sees every event once, in order per
conversation; a receiver failing with 500 then recovering gets everything; 400 is not retried;
replay redelivers with the same webhook-id; SIGKILL mid-delivery loses nothing."""
import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import unittest
import uuid

from harness import ServerTestCase


class SignedReceiver:
    """A webhook receiver on loopback. `answer(index, webhook_id)` -> (status, delay seconds)
    decides each response; every request is recorded with whether its signature verified."""

    def __init__(self, answer=None):
        self.secrets = []
        self.answer = answer or (lambda index, webhook_id: (200, 0))
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                webhook_id = self.headers.get("webhook-id", "")
                with receiver.lock:
                    index = len(receiver.requests)
                    record = {"id": webhook_id,
                              "timestamp": self.headers.get("webhook-timestamp", ""),
                              "signature_ok": receiver.verify(self.headers, body),
                              "headers": {k.lower(): v for k, v in self.headers.items()},
                              "raw": body,
                              "body": json.loads(body) if body else None,
                              "completed": False}
                    receiver.requests.append(record)
                status, delay = receiver.answer(index, webhook_id)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    record["completed"] = True
                    record["status"] = status
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verify(self, headers, body):
        """The Standard Webhooks check: some v1 entry equals base64(HMAC-SHA256(secret bytes,
        id.timestamp.body)) for one of our secrets, and the timestamp is recent."""
        webhook_id = headers.get("webhook-id", "")
        timestamp = headers.get("webhook-timestamp", "")
        if not webhook_id or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return False
        signed = f"{webhook_id}.{timestamp}.".encode() + body
        offered = set(headers.get("webhook-signature", "").split(" "))
        for secret in self.secrets:
            key = base64.b64decode(secret[len("whsec_"):])
            expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
            if expected in offered:
                return True
        return False

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def wait_for(self, predicate, timeout=20.0, what="deliveries"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            requests = self.snapshot()
            if predicate(requests):
                return requests
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; got {self.snapshot()!r}"[:3000])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def conversation_of(data):
    """The conversation id an event is about, whatever view the event carries."""
    if "conversation_id" in data:
        return str(data["conversation_id"])
    if isinstance(data.get("message"), dict) and "conversation_id" in data["message"]:
        return str(data["message"]["conversation_id"])
    if isinstance(data.get("conversation"), dict):
        return str(data["conversation"]["id"])
    return str(data.get("id"))


def content_of(data):
    message = data.get("message") if isinstance(data.get("message"), dict) else data
    return message.get("content")


class WebhookMixin:
    def subscribe(self, receiver, events=("message.created",), filters=None):
        response = self.request("POST", "/api/v1/webhook-subscriptions",
                                {"url": receiver.url, "events": list(events), "filters": filters or {}},
                                token=self.admin_token)
        self.assertStatus(response, 201, "creating a subscription")
        self.assertTrue(response.body["secret"].startswith("whsec_"))
        receiver.secrets.append(response.body["secret"])
        subscription_id = response.body["id"]
        self.addCleanup(self.request, "DELETE", f"/api/v1/webhook-subscriptions/{subscription_id}",
                        token=self.admin_token)
        return subscription_id

    def deliveries(self, subscription_id, status=None):
        path = f"/api/v1/webhook-subscriptions/{subscription_id}/deliveries?limit=200"
        if status:
            path += f"&status={status}"
        response = self.request("GET", path, token=self.admin_token)
        self.assertStatus(response, 200, "listing deliveries")
        return response.body["items"]

    def messages_from_visitors(self, visitors, per_visitor, tag):
        """Interleaved messages from several visitors (one conversation each); returns the
        contents sent, in order, by visitor token."""
        sent = {}
        for visitor in visitors:
            sent[visitor["visitor_token"]] = []
        for i in range(per_visitor):
            for visitor in visitors:
                content = f"{tag} {visitor['visitor_token'][-6:]} #{i}"
                self.assertStatus(self.visitor_post(visitor["visitor_token"], content), 201)
                sent[visitor["visitor_token"]].append(content)
        return sent

    def received_for(self, requests, tag):
        return [r for r in requests if r["body"] and (content_of(r["body"]["data"]) or "").startswith(tag)]


class WebhookDeliveryTest(WebhookMixin, ServerTestCase):

    def receiver(self, answer=None):
        receiver = SignedReceiver(answer)
        self.addCleanup(receiver.close)
        return receiver

    def test_every_event_arrives_once_signed_and_in_order_per_conversation(self):
        receiver = self.receiver()
        self.subscribe(receiver)
        tag = f"ordered-{uuid.uuid4().hex[:6]}"
        visitors = [self.new_visitor() for _ in range(3)]
        sent = self.messages_from_visitors(visitors, 5, tag)
        requests = receiver.wait_for(lambda rs: len(self.received_for(rs, tag)) >= 15, what="15 events")
        time.sleep(1.0)  # nothing more may arrive
        mine = self.received_for(receiver.snapshot(), tag)
        self.assertEqual(len(mine), 15, "each event exactly once")
        self.assertEqual(len({r["id"] for r in mine}), 15, "one webhook-id per event")
        for r in mine:
            self.assertTrue(r["signature_ok"], f"bad signature on {r['id']}")
            self.assertTrue(r["id"].startswith("msg_"))
            self.assertEqual(r["body"]["type"], "message.created")
            self.assertIn("timestamp", r["body"])
        by_conversation = {}
        for r in mine:
            by_conversation.setdefault(conversation_of(r["body"]["data"]), []).append(content_of(r["body"]["data"]))
        self.assertEqual(sorted(by_conversation.values()), sorted(sent.values()))

    def test_a_receiver_failing_with_500_then_recovering_gets_every_delivery(self):
        receiver = self.receiver(lambda index, webhook_id: (500, 0) if index < 4 else (200, 0))
        subscription_id = self.subscribe(receiver)
        tag = f"recover-{uuid.uuid4().hex[:6]}"
        visitor = self.new_visitor()
        sent = self.messages_from_visitors([visitor], 3, tag)
        requests = receiver.wait_for(
            lambda rs: len({r["id"] for r in self.received_for(rs, tag) if r.get("status") == 200}) >= 3,
            timeout=40, what="three successful deliveries")
        delivered = [r for r in self.received_for(requests, tag) if r.get("status") == 200]
        self.assertEqual([content_of(r["body"]["data"]) for r in delivered], sent[visitor["visitor_token"]])
        self.assertEqual(receiver.snapshot()[0]["status"], 500)
        log = self.deliveries(subscription_id)
        self.assertEqual({d["status"] for d in log}, {"delivered"})
        self.assertGreater(max(d["attempts"] for d in log), 1, "the first delivery was retried")
        self.assertTrue(all(d["response_code"] == 200 and d["latency_ms"] is not None for d in log))

    def test_a_400_is_not_retried_and_the_delivery_is_dead_lettered(self):
        receiver = self.receiver(lambda index, webhook_id: (400, 0))
        subscription_id = self.subscribe(receiver)
        tag = f"refused-{uuid.uuid4().hex[:6]}"
        self.messages_from_visitors([self.new_visitor()], 1, tag)
        receiver.wait_for(lambda rs: self.received_for(rs, tag), what="the refused delivery")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.deliveries(subscription_id, "failed"):
            time.sleep(0.2)
        failed = self.deliveries(subscription_id, "failed")
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["response_code"], 400)
        self.assertEqual(failed[0]["attempts"], 1)
        time.sleep(3)  # longer than the first backoff
        self.assertEqual(len(self.received_for(receiver.snapshot(), tag)), 1, "a 400 is never retried")
        self.assertEqual(self.deliveries(subscription_id, "pending"), [])

    def test_replay_redelivers_with_the_same_webhook_id(self):
        receiver = self.receiver()
        subscription_id = self.subscribe(receiver)
        tag = f"replay-{uuid.uuid4().hex[:6]}"
        self.messages_from_visitors([self.new_visitor()], 1, tag)
        first = receiver.wait_for(lambda rs: self.received_for(rs, tag), what="the first delivery")
        webhook_id = self.received_for(first, tag)[0]["id"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.deliveries(subscription_id, "delivered"):
            time.sleep(0.2)
        delivery = self.deliveries(subscription_id, "delivered")[0]
        self.assertEqual(delivery["webhook_id"], webhook_id)
        response = self.request("POST", f"/api/v1/webhook-deliveries/{delivery['id']}/replay",
                                token=self.admin_token)
        self.assertStatus(response, 202)
        again = receiver.wait_for(lambda rs: len(self.received_for(rs, tag)) >= 2, what="the replay")
        replays = self.received_for(again, tag)
        self.assertEqual([r["id"] for r in replays], [webhook_id, webhook_id])
        self.assertTrue(all(r["signature_ok"] for r in replays))
        self.assertEqual(replays[0]["body"], replays[1]["body"])

    def test_rotation_signs_with_both_secrets_during_the_overlap(self):
        receiver = self.receiver()
        subscription_id = self.subscribe(receiver)
        old_secret = receiver.secrets[0]
        response = self.request("POST", f"/api/v1/webhook-subscriptions/{subscription_id}/rotate-secret",
                                {"overlap_seconds": 3600}, token=self.admin_token)
        self.assertStatus(response, 200)
        new_secret = response.body["secret"]
        self.assertNotEqual(new_secret, old_secret)
        tag = f"rotate-{uuid.uuid4().hex[:6]}"
        self.messages_from_visitors([self.new_visitor()], 1, tag)
        request = self.received_for(receiver.wait_for(lambda rs: self.received_for(rs, tag)), tag)[0]
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 2)
        for secret in (old_secret, new_secret):
            receiver.secrets = [secret]
            self.assertTrue(receiver.verify(request["headers"], request["raw"]), "each secret verifies")
        receiver.secrets = ["whsec_" + base64.b64encode(b"x" * 32).decode()]
        self.assertFalse(receiver.verify(request["headers"], request["raw"]))
        receiver.secrets = [old_secret, new_secret]

    def test_subscriptions_are_admin_only_and_validated(self):
        _, agent_token = self.create_agent()
        response = self.request("POST", "/api/v1/webhook-subscriptions",
                                {"url": "https://x.example.com/", "events": ["message.created"]},
                                token=agent_token)
        self.assertProblem(response, 403)
        for body, field in (({"url": "ftp://x.example.com/", "events": ["message.created"]}, "/url"),
                            ({"url": "https://x.example.com/"}, "/events"),
                            ({"url": "https://x.example.com/", "events": ["nope"]}, "/events/0"),
                            ({"url": "https://x.example.com/", "events": ["*"], "filters": {"color": "red"}},
                             "/filters/color")):
            response = self.request("POST", "/api/v1/webhook-subscriptions", body, token=self.admin_token)
            self.assertProblem(response, 422)
            self.assertIn(field, json.dumps(response.body))
        response = self.request("POST", "/api/v1/webhook-subscriptions",
                                {"url": "https://x.example.com/" + "a" * 5000, "events": ["*"]},
                                token=self.admin_token)
        self.assertProblem(response, 422)
        self.assertProblem(self.request("GET", "/api/v1/webhook-subscriptions/999999/deliveries",
                                        token=self.admin_token), 404)


class WebhookCrashTest(WebhookMixin, ServerTestCase):
    """SIGKILL while a delivery is in flight: after a restart the delivery is sent again (same
    webhook-id) once its lease runs out, so the receiver ends up with every event."""

    def test_sigkill_mid_delivery_loses_nothing(self):
        first_seen = threading.Event()

        def answer(index, webhook_id):
            if index == 0:
                first_seen.set()
                return 200, 3.0  # slow: the server dies while waiting
            return 200, 0

        receiver = SignedReceiver(answer)
        self.addCleanup(receiver.close)
        subscription_id = self.subscribe(receiver)
        tag = f"crash-{uuid.uuid4().hex[:6]}"
        visitor = self.new_visitor()
        sent = self.messages_from_visitors([visitor], 3, tag)
        self.assertTrue(first_seen.wait(15), "the first delivery never started")
        # Events are captured just after their commit; kill once all three delivery rows exist
        # (the promise under test: a delivery row once written is never lost).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            rows = [d for d in self.deliveries(subscription_id)
                    if (content_of(d["payload"]["data"]) or "").startswith(tag)]
            if len(rows) >= 3:
                break
            time.sleep(0.05)
        self.assertEqual(len(rows), 3, "every event was captured")
        self.server.kill()
        self.server.start()
        type(self).port = self.server.port
        requests = receiver.wait_for(
            lambda rs: {content_of(r["body"]["data"]) for r in self.received_for(rs, tag) if r["completed"]}
            >= set(sent[visitor["visitor_token"]]),
            timeout=60, what="every event after the restart")
        mine = self.received_for(requests, tag)
        self.assertTrue(all(r["signature_ok"] for r in mine))
        first_id = mine[0]["id"]
        self.assertGreaterEqual(sum(1 for r in mine if r["id"] == first_id), 2,
                                "the interrupted delivery was sent again with the same webhook-id")
        order = []
        for r in mine:
            content = content_of(r["body"]["data"])
            if content not in order:
                order.append(content)
        self.assertEqual(order, sent[visitor["visitor_token"]], "still in order")


if __name__ == "__main__":
    unittest.main()
