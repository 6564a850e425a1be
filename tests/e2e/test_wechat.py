"""The WeChat Official Account channel against a fake WeChat API (a real HTTP server on loopback
speaking /cgi-bin/token, /cgi-bin/message/custom/send and /cgi-bin/media/get): URL verification,
pushes in plaintext, compatible and safe mode reach an agent, a retried push is stored once, a
bad signature stores nothing, agent replies leave through the customer-service API, an expired
token is refreshed exactly once, and agents fetch media through the server.

Safe-mode bodies are encrypted here independently of the server, with the openssl CLI."""
import base64
import hashlib
import json
import os
import struct
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import ServerTestCase

APP_ID = "wx5823bf96d3bd56c7"
APP_SECRET = "wechat-e2e-secret"
TOKEN = "QDG6eK"
ENCODING_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
MEDIA_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def sha1_signature(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(xml, app_id=APP_ID):
    key = base64.b64decode(ENCODING_AES_KEY + "=")
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    out = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-nopad", "-K", key.hex(), "-iv", key[:16].hex()],
                         input=plain, capture_output=True, check=True).stdout
    return base64.b64encode(out).decode()


class FakeWechat:
    """The WeChat API paths the server calls, answering as the platform does."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tokens_issued = []
        self.sent = []             # (access_token, JSON body) of accepted messages
        self.send_calls = 0
        self.expire_next_send = False  # answer the next send with 40001 once
        self.window_closed_for = set()
        self.fail_mode = None      # "half": every other send answers -1 (busy); "all": every one
        self.media_calls = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _valid_token(self, token):
                with fake.lock:
                    return bool(fake.tokens_issued) and token == fake.tokens_issued[-1]

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/cgi-bin/token":
                    if query.get("grant_type") != "client_credential" or query.get("appid") != APP_ID \
                            or query.get("secret") != APP_SECRET:
                        return self._json({"errcode": 40013, "errmsg": "invalid appid"})
                    token = "TOKEN-" + uuid.uuid4().hex
                    with fake.lock:
                        fake.tokens_issued.append(token)
                    return self._json({"access_token": token, "expires_in": 7200})
                if url.path == "/cgi-bin/media/get":
                    with fake.lock:
                        fake.media_calls += 1
                    if not self._valid_token(query.get("access_token")):
                        return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    if query.get("media_id") != "MEDIA_1":
                        return self._json({"errcode": 40007, "errmsg": "invalid media_id"})
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(MEDIA_BYTES)))
                    self.end_headers()
                    self.wfile.write(MEDIA_BYTES)
                    return
                self._json({"errcode": 404, "errmsg": "no such path"}, 404)

            def do_POST(self):
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if url.path != "/cgi-bin/message/custom/send":
                    return self._json({"errcode": 404, "errmsg": "no such path"}, 404)
                with fake.lock:
                    fake.send_calls += 1
                    expire = fake.expire_next_send
                    fake.expire_next_send = False
                    busy = fake.fail_mode == "all" or (fake.fail_mode == "half" and fake.send_calls % 2 == 0)
                if busy:
                    return self._json({"errcode": -1, "errmsg": "system error"})
                if expire or not self._valid_token(query.get("access_token")):
                    return self._json({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
                body = json.loads(raw.decode("utf-8"))
                if body.get("touser") in fake.window_closed_for:
                    return self._json({"errcode": 45015, "errmsg": "response out of time limit"})
                with fake.lock:
                    fake.sent.append((query.get("access_token"), body))
                self._json({"errcode": 0, "errmsg": "ok"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def text_push(openid, content, msg_id, create_time=None):
    return (f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


class WechatTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeWechat()
        try:
            super().setUpClass()
            cls.account = cls.create_account()
        except BaseException:
            cls.fake.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.fake.stop()

    @classmethod
    def create_account(cls):
        response = cls.request("POST", "/api/v1/channel-accounts",
                               {"channel": "wechat", "name": f"wechat-{uuid.uuid4().hex[:6]}",
                                "config": {"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
                                           "encoding_aes_key": ENCODING_AES_KEY,
                                           "api_base_url": cls.fake.base_url}},
                               token=cls.admin_token)
        if response.status != 201:
            raise AssertionError(f"creating the WeChat account failed: {response!r}")
        return response.body["id"]

    def setUp(self):
        self.close_queued_conversations()

    # --- helpers

    def signed_query(self, extra=None, timestamp=None):
        timestamp = str(timestamp or int(time.time()))
        nonce = str(uuid.uuid4().int % 10**9)
        query = {"signature": sha1_signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                 "openid": "ignored"}
        query.update(extra or {})
        return query

    def push(self, xml, mode="plaintext", query=None, account=None):
        query = query or self.signed_query()
        body = xml
        if mode in ("safe", "compatible"):
            encrypted = encrypt(xml)
            query = dict(query, encrypt_type="aes",
                         msg_signature=sha1_signature(TOKEN, query["timestamp"], query["nonce"], encrypted))
            inner = f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            if mode == "safe":
                body = f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName>{inner}</xml>"
            else:
                body = xml.replace("</xml>", inner + "</xml>")
        path = f"/webhooks/wechat/{account or self.account}?" + urllib.parse.urlencode(query)
        return self.request("POST", path, raw_body=body.encode(), content_type="text/xml")

    def stored_count(self, provider_message_id):
        rows = self.sql(f"SELECT count(*) FROM messages WHERE provider_message_id = '{provider_message_id}'")
        return int(rows[0][0])

    # --- tests

    def test_url_verification_echoes_echostr_only_with_a_valid_signature(self):
        query = self.signed_query({"echostr": "8823147862011213541"})
        ok = self.request("GET", f"/webhooks/wechat/{self.account}?" + urllib.parse.urlencode(query))
        self.assertStatus(ok, 200)
        self.assertEqual(ok.raw, b"8823147862011213541")
        self.assertEqual(ok.content_type, "text/plain")
        bad = dict(query, signature="0" * 40)
        self.assertProblem(self.request("GET", f"/webhooks/wechat/{self.account}?" + urllib.parse.urlencode(bad)), 401)
        self.assertProblem(self.request("GET", "/webhooks/wechat/999999?" + urllib.parse.urlencode(query)), 404)
        # A web chat account is not a WeChat account.
        self.assertProblem(self.request("GET", f"/webhooks/wechat/{self.channel_id}?" + urllib.parse.urlencode(query)), 404)

    async def test_pushes_in_every_mode_reach_the_agent(self):
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        for mode in ("plaintext", "compatible", "safe"):
            openid = "o" + uuid.uuid4().hex[:20]
            text = f"{mode} 你好 {uuid.uuid4().hex[:6]}"
            msg_id = str(uuid.uuid4().int % 10**18)
            response = self.push(text_push(openid, text, msg_id), mode)
            self.assertStatus(response, 200, mode)
            self.assertEqual(response.raw, b"success", mode)
            created = await agent_ws.wait_for(lambda f, t=text: f["data"]["message"]["content"] == t,
                                              type="message.created", timeout=5)
            self.assertEqual(created["data"]["conversation"]["channel"], "wechat")
            self.assertEqual(self.stored_count(msg_id), 1)
            identity = self.sql(f"SELECT count(*) FROM customer_identities WHERE type = 'wechat_openid' "
                                f"AND value = '{APP_ID}:{openid}' AND verified")
            self.assertEqual(identity, [["1"]], mode)

    def test_a_retried_push_is_stored_once_and_acknowledged_twice(self):
        openid = "o" + uuid.uuid4().hex[:20]
        msg_id = str(uuid.uuid4().int % 10**18)
        xml = text_push(openid, "retry me", msg_id)
        for attempt in range(2):
            response = self.push(xml, "safe")
            self.assertStatus(response, 200, f"attempt {attempt}")
            self.assertEqual(response.raw, b"success")
        self.assertEqual(self.stored_count(msg_id), 1)
        # Events have no MsgId: FromUserName + CreateTime + Event is the key.
        event = (f"<xml><ToUserName>gh_e2e</ToUserName><FromUserName>{openid}</FromUserName>"
                 f"<CreateTime>1700000000</CreateTime><MsgType>event</MsgType><Event>CLICK</Event>"
                 f"<EventKey>MENU_HELP</EventKey></xml>")
        for _ in range(2):
            self.assertEqual(self.push(event).raw, b"success")
        self.assertEqual(self.stored_count(f"event:{openid}:1700000000:CLICK"), 1)

    def test_a_bad_signature_is_refused_and_nothing_is_stored(self):
        openid = "o" + uuid.uuid4().hex[:20]
        msg_id = str(uuid.uuid4().int % 10**18)
        xml = text_push(openid, "forged", msg_id)
        forged = dict(self.signed_query(), signature="f" * 40)
        self.assertProblem(self.push(xml, "plaintext", query=forged), 401)
        # Safe mode with a good URL signature but a msg_signature over something else.
        query = self.signed_query()
        encrypted = encrypt(xml)
        query.update(encrypt_type="aes", msg_signature=sha1_signature(TOKEN, query["timestamp"], query["nonce"], "x"))
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        response = self.request("POST", f"/webhooks/wechat/{self.account}?" + urllib.parse.urlencode(query),
                                raw_body=body.encode(), content_type="text/xml")
        self.assertProblem(response, 401)
        # Encrypted for another app id: the trailer check refuses it.
        other = encrypt(xml, app_id="wx0000000000000000")
        query = self.signed_query()
        query.update(encrypt_type="aes", msg_signature=sha1_signature(TOKEN, query["timestamp"], query["nonce"], other))
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{other}]]></Encrypt></xml>"
        self.assertProblem(self.request("POST", f"/webhooks/wechat/{self.account}?" + urllib.parse.urlencode(query),
                                        raw_body=body.encode(), content_type="text/xml"), 401)
        # A stale timestamp, correctly signed.
        self.assertProblem(self.push(xml, query=self.signed_query(timestamp=int(time.time()) - 86400)), 401)
        # Hostile XML.
        xxe = '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>'
        self.assertProblem(self.push(xxe), 400)
        self.assertEqual(self.stored_count(msg_id), 0)

    async def test_agent_reply_reaches_the_customer_service_api_and_an_expired_token_is_refreshed_once(self):
        agent, token = self.create_agent(online=True)
        openid = "o" + uuid.uuid4().hex[:20]
        self.assertEqual(self.push(text_push(openid, "need help", str(uuid.uuid4().int % 10**18))).raw, b"success")
        conversation_id = self.sql(
            f"SELECT c.id FROM conversations c JOIN customer_identities i ON i.customer_id = c.customer_id "
            f"WHERE i.value = '{APP_ID}:{openid}'")[0][0]
        await self.await_assignee(conversation_id)

        reply = await self.areply(conversation_id, token, "我们来帮你 (first)")
        self.assertStatus(reply, 201)
        await self.await_outbox_sent(reply.body["id"], timeout=10)
        with self.fake.lock:
            first_token, body = self.fake.sent[-1]
            issued_before = len(self.fake.tokens_issued)
        self.assertEqual(body, {"touser": openid, "msgtype": "text", "text": {"content": "我们来帮你 (first)"}})

        # The platform now says the token expired (40001) once: one refresh, one retry, one send.
        with self.fake.lock:
            self.fake.expire_next_send = True
            calls_before = self.fake.send_calls
        second = await self.areply(conversation_id, token, "second")
        self.assertStatus(second, 201)
        await self.await_outbox_sent(second.body["id"], timeout=10)
        with self.fake.lock:
            self.assertEqual(len(self.fake.tokens_issued), issued_before + 1, "exactly one refresh")
            self.assertEqual(self.fake.send_calls, calls_before + 2)
            new_token, body = self.fake.sent[-1]
        self.assertNotEqual(new_token, first_token)
        self.assertEqual(body["text"]["content"], "second")
        self.assertEqual(body["touser"], openid)
        # The new token is shared: the next send uses it without another fetch.
        third = await self.areply(conversation_id, token, "third")
        await self.await_outbox_sent(third.body["id"], timeout=10)
        with self.fake.lock:
            self.assertEqual(len(self.fake.tokens_issued), issued_before + 1)
            self.assertEqual(self.fake.sent[-1][0], new_token)

    async def test_a_reply_outside_the_48_hour_window_is_undeliverable_not_retried(self):
        agent, token = self.create_agent(online=True)
        openid = "o" + uuid.uuid4().hex[:20]
        self.assertEqual(self.push(text_push(openid, "old customer", str(uuid.uuid4().int % 10**18))).raw, b"success")
        conversation_id = self.sql(
            f"SELECT c.id FROM conversations c JOIN customer_identities i ON i.customer_id = c.customer_id "
            f"WHERE i.value = '{APP_ID}:{openid}'")[0][0]
        await self.await_assignee(conversation_id)
        self.fake.window_closed_for.add(openid)
        with self.fake.lock:
            calls_before = self.fake.send_calls
        reply = await self.areply(conversation_id, token, "too late")
        self.assertStatus(reply, 201)
        deadline = time.monotonic() + 10
        rows = []
        while time.monotonic() < deadline:
            rows = self.sql(f"SELECT status, failure_reason FROM outbox WHERE message_id = {int(reply.body['id'])}")
            if rows and rows[0][0] != "pending":
                break
            time.sleep(0.05)
        # No failover rule on this account: dead-lettered with the machine-readable reason, once.
        self.assertEqual(rows, [["failed", "window_closed"]])
        with self.fake.lock:
            self.assertEqual(self.fake.send_calls, calls_before + 1)

    def test_agents_fetch_media_through_the_server(self):
        agent, token = self.create_agent()
        path = f"/api/v1/channels/wechat/{self.account}/media/MEDIA_1"
        self.assertProblem(self.request("GET", path), 401)
        ok = self.request("GET", path, token=token)
        self.assertStatus(ok, 200)
        self.assertEqual(ok.raw, MEDIA_BYTES)
        self.assertEqual(ok.content_type, "image/png")
        self.assertProblem(self.request("GET", f"/api/v1/channels/wechat/{self.account}/media/UNKNOWN", token=token), 404)
        self.assertProblem(self.request("GET", f"/api/v1/channels/wechat/{self.account}/media/bad%20id", token=token), 422)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
