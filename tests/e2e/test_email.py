"""The email channel end to end: swaks and smtplib deliver to the server's SMTP listener, the mail
reaches an agent's WebSocket, the agent's reply leaves through a loopback SMTP sink (aiosmtpd)
with threading headers, the customer's reply to it joins the same conversation, duplicates are
stored once, unknown recipients get 550, a 20 MB mail gets 552 and nothing is stored, a bounce
marks the reply failed, the webhook checks its secret, and PostgreSQL down gives 451."""
import asyncio
import email
import email.policy
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import uuid
import warnings

from harness import ServerTestCase, create_database, free_port, services

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover - python3-aiosmtpd is a test dependency
    Controller = None

# The authenticating sink allows AUTH without TLS on loopback on purpose.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")

SUPPORT = "support@shop.test"
WEBHOOK_SECRET = "email-e2e-webhook-secret-0123456789"


class Sink:
    """A loopback SMTP server standing in for the relay: keeps every message it accepts. With
    credentials it requires AUTH (PLAIN or LOGIN) before MAIL."""

    def __init__(self, credentials=None):
        self.messages = []
        self.logins = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                return "250 OK queued"

        def authenticator(server, session, envelope, mechanism, auth_data):
            from aiosmtpd.smtp import AuthResult, LoginPassword
            ok = isinstance(auth_data, LoginPassword) and credentials is not None and \
                (auth_data.login.decode(), auth_data.password.decode()) == credentials
            with sink.lock:
                sink.logins.append((mechanism, ok))
            return AuthResult(success=ok)

        self.port = free_port()
        extra = {}
        if credentials:
            extra = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()

    def to(self, address):
        with self.lock:
            return [email.message_from_bytes(content, policy=email.policy.default)
                    for _, rcpts, content in self.messages if address in rcpts]

    def stop(self):
        self.controller.stop()


def unique_address():
    return f"customer-{uuid.uuid4().hex[:10]}@example.com"


def plain_mail(sender, to, subject, body, message_id=None, extra=""):
    message_id = message_id or f"<{uuid.uuid4().hex}@example.com>"
    return (f"From: Customer <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"), message_id


class EmailTestCase(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        if Controller is None:
            raise RuntimeError("python3-aiosmtpd is missing (scripts/bootstrap installs it)")
        cls.smtp_port_dir = tempfile.mkdtemp(prefix="cc-email-e2e.")
        cls.smtp_port_file = os.path.join(cls.smtp_port_dir, "smtp.port")
        cls.server_env = dict(cls.server_env, CC_SMTP_PORT="0", CC_SMTP_PORT_FILE=cls.smtp_port_file,
                              CC_SMTP_HOSTNAME="mx.shop.test", CC_SMTP_TIMEOUT_SECONDS="20")
        cls.sink = Sink()
        try:
            super().setUpClass()
            deadline = time.monotonic() + 10
            while not os.path.exists(cls.smtp_port_file):
                if time.monotonic() > deadline:
                    raise AssertionError("the SMTP listener did not report its port")
                time.sleep(0.05)
            with open(cls.smtp_port_file) as f:
                cls.smtp_port = int(f.read().strip())
            response = cls.request("POST", "/api/v1/channel-accounts", {
                "channel": "email", "name": "Email e2e",
                "config": {"addresses": [SUPPORT],
                           "smtp_relay": {"host": "127.0.0.1", "port": cls.sink.port, "starttls": False},
                           "webhook_secret": WEBHOOK_SECRET}}, token=cls.admin_token)
            if response.status != 201:
                raise AssertionError(f"creating the email account failed: {response!r}")
            cls.email_id = response.body["id"]
        except BaseException:
            cls.sink.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.sink.stop()
            shutil.rmtree(cls.smtp_port_dir, ignore_errors=True)
        finally:
            super().tearDownClass()

    def send(self, sender, recipients, raw):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            return smtp.sendmail(sender, recipients, raw.encode())

    def stored(self, message_id):
        bare = message_id.strip("<>").replace("'", "''")
        return self.sql(f"SELECT id, conversation_id, delivery_status FROM messages "
                        f"WHERE provider_message_id = '{bare}'")

    async def wait_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s")
            await asyncio.sleep(0.1)


class EmailChannelTest(EmailTestCase):

    async def test_swaks_mail_reaches_agent_reply_threads_and_the_answer_joins(self):
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        agent_ws = await self.agent_socket(token)
        customer = unique_address()
        text = f"Where is my order {uuid.uuid4().hex[:6]}?"
        first_id = f"<{uuid.uuid4().hex}@example.com>"
        swaks = subprocess.run(
            ["swaks", "--to", SUPPORT, "--from", customer, "--server", f"127.0.0.1:{self.smtp_port}",
             "--header", "Subject: Order question", "--header", f"Message-Id: {first_id}",
             "--body", text, "--silent", "2"], capture_output=True, text=True, timeout=60)
        self.assertEqual(swaks.returncode, 0, swaks.stdout + swaks.stderr)
        created = await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == text,
                                          type="message.created", timeout=10)
        conversation = created["data"]["conversation"]
        self.assertEqual(conversation["channel"], "email")
        self.assertEqual(created["data"]["message"]["metadata"]["subject"], "Order question")
        conversation_id = conversation["id"]

        reply_text = "It ships today. <b>Thanks</b> for waiting."
        response = self.reply(conversation_id, token, reply_text)
        self.assertIn(response.status, (200, 201), repr(response))
        sent = await self.wait_until(lambda: self.sink.to(customer), 20, "reply at the sink")
        reply = sent[0]
        self.assertEqual(reply["In-Reply-To"], first_id)
        self.assertIn(first_id, reply["References"])
        self.assertEqual(str(reply["Subject"]), "Re: Order question")
        self.assertEqual(reply["Reply-To"], f"support+c{conversation_id}@shop.test")
        self.assertTrue(reply.is_multipart())
        self.assertEqual(reply.get_content_type(), "multipart/alternative")
        self.assertIn("It ships today.", reply.get_body(preferencelist=("plain",)).get_content())
        our_id = reply["Message-ID"]
        self.assertTrue(our_id.startswith("<outbox-"), our_id)

        # The customer answers to the Reply-To address, threading on our Message-ID.
        answer, answer_id = plain_mail(customer, reply["Reply-To"], "Re: Order question", "Great, thanks!\r\n\r\n"
                                       f"On today, Support wrote:\r\n> {reply_text}",
                                       extra=f"In-Reply-To: {our_id}\r\nReferences: {first_id} {our_id}\r\n")
        self.assertEqual(self.send(customer, [reply["Reply-To"]], answer), {})
        rows = self.stored(answer_id)
        self.assertEqual(len(rows), 1)
        self.assertEqual(str(rows[0][1]), str(conversation_id), "the answer joins the same conversation")
        got = await agent_ws.wait_for(lambda f: f["data"]["message"]["content"] == "Great, thanks!",
                                      type="message.created", timeout=10)
        self.assertEqual(got["data"]["message"]["metadata"]["in_reply_to"], our_id.strip("<>"))

        # A bounce of our reply marks it failed.
        dsn = (f"From: MAILER-DAEMON@mx.example.com\r\nTo: {SUPPORT}\r\nSubject: Undelivered\r\n"
               f"Message-ID: <{uuid.uuid4().hex}@mx.example.com>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
               "--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
               "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
               f"Final-Recipient: rfc822; {customer}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
               f"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {our_id}\r\n\r\n--b--\r\n")
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            smtp.sendmail("", [SUPPORT], dsn.encode())
        status = await self.wait_until(
            lambda: self.sql("SELECT m.delivery_status FROM messages m JOIN outbox o ON o.message_id = m.id "
                             f"WHERE o.provider_message_id = '{our_id.strip('<>')}'"), 10, "bounced message")
        self.assertEqual(status[0][0], "failed")

    async def test_each_new_mail_is_its_own_thread_and_replies_carry_the_subject(self):
        customer = unique_address()
        first, first_id = plain_mail(customer, SUPPORT, "Invoice for order 77", "Please send the invoice.")
        self.assertEqual(self.send(customer, [SUPPORT], first), {})
        second, second_id = plain_mail(customer, SUPPORT, "Change my address", "New address: ...")
        self.assertEqual(self.send(customer, [SUPPORT], second), {})
        first_conversation = self.stored(first_id)[0][1]
        second_conversation = self.stored(second_id)[0][1]
        self.assertNotEqual(first_conversation, second_conversation,
                            "a mail that replies to nothing opens a conversation of its own")

        # A reply in the first thread (In-Reply-To) joins it, not the newer one.
        again, again_id = plain_mail(customer, SUPPORT, "Re: Invoice for order 77", "Any news?",
                                     extra=f"In-Reply-To: {first_id}\r\nReferences: {first_id}\r\n")
        self.assertEqual(self.send(customer, [SUPPORT], again), {})
        self.assertEqual(self.stored(again_id)[0][1], first_conversation)

        # The agent's reply carries the thread's subject, as the workbench shows it.
        response = self.reply(first_conversation, self.admin_token, "Attached.")
        self.assertStatus(response, 201)
        self.assertEqual(response.body["metadata"]["subject"], "Re: Invoice for order 77")

    async def test_reply_through_a_relay_that_requires_auth(self):
        relay = Sink(credentials=("relay-user", "relay-pässword"))
        self.addCleanup(relay.stop)
        address = f"help-{uuid.uuid4().hex[:6]}@shop.test"
        response = self.request("POST", "/api/v1/channel-accounts", {
            "channel": "email", "name": "Email with auth",
            "config": {"addresses": [address],
                       "smtp_relay": {"host": "127.0.0.1", "port": relay.port, "starttls": False,
                                      "username": "relay-user", "password": "relay-pässword"}}},
            token=self.admin_token)
        self.assertStatus(response, 201)
        self.close_queued_conversations()
        agent, token = self.create_agent(online=True)
        customer = unique_address()
        raw, message_id = plain_mail(customer, address, "auth test", "please answer")
        deadline = time.monotonic() + 5  # the address directory picks the new account up
        while True:
            try:
                self.send(customer, [address], raw)
                break
            except smtplib.SMTPRecipientsRefused:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        conversation_id = self.stored(message_id)[0][1]
        self.assertIn(self.reply(conversation_id, token, "answered via an authenticated relay").status, (200, 201))
        sent = await self.wait_until(lambda: relay.to(customer), 20, "reply at the authenticating relay")
        self.assertEqual(str(sent[0]["Subject"]), "Re: auth test")
        self.assertIn(("PLAIN", True), relay.logins)

    async def test_invalid_email_account_config_is_refused(self):
        response = self.request("POST", "/api/v1/channel-accounts", {
            "channel": "email", "name": "bad", "config": {"addresses": ["not-an-address"]}},
            token=self.admin_token)
        self.assertProblem(response, 422)

    async def test_the_same_mail_twice_is_stored_once(self):
        customer = unique_address()
        raw, message_id = plain_mail(customer, SUPPORT, "dup", "hello twice")
        self.assertEqual(self.send(customer, [SUPPORT], raw), {})
        self.assertEqual(self.send(customer, [SUPPORT], raw), {})
        self.assertEqual(len(self.stored(message_id)), 1)

    async def test_unknown_recipient_is_refused_with_550(self):
        customer = unique_address()
        raw, message_id = plain_mail(customer, "nobody@shop.test", "x", "y")
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
            self.send(customer, ["nobody@shop.test"], raw)
        self.assertEqual(caught.exception.recipients["nobody@shop.test"][0], 550)
        self.assertEqual(self.stored(message_id), [])

    async def test_a_20_mb_mail_gets_552_and_nothing_is_stored(self):
        customer = unique_address()
        line = "x" * 76 + "\r\n"
        raw, message_id = plain_mail(customer, SUPPORT, "big", line * (20 * 1024 * 1024 // len(line)))
        # Declared with SIZE (smtplib does when the server advertises it): refused at MAIL.
        with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
            self.send(customer, [SUPPORT], raw)
        self.assertEqual(caught.exception.smtp_code, 552)
        # Undeclared: refused after DATA, and the session goes on.
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=60) as smtp:
            smtp.ehlo()
            self.assertEqual(smtp.mail(customer)[0], 250)
            self.assertEqual(smtp.rcpt(SUPPORT)[0], 250)
            code, text = smtp.data(raw.encode())
            self.assertEqual(code, 552, text)
            self.assertEqual(smtp.noop()[0], 250)
        self.assertEqual(self.stored(message_id), [])

    async def test_auto_replies_are_stored_but_not_routed(self):
        customer = unique_address()
        raw, message_id = plain_mail(customer, SUPPORT, "Out of office", "I am away.",
                                     extra="Auto-Submitted: auto-replied\r\n")
        self.assertEqual(self.send(customer, [SUPPORT], raw), {})
        rows = self.stored(message_id)
        self.assertEqual(len(rows), 1)
        self.assertEqual(self.sink.to(customer), [], "never answered automatically")

    async def test_webhook_needs_the_secret(self):
        customer = unique_address()
        raw, message_id = plain_mail(customer, SUPPORT, "via webhook", "posted")
        path = f"/webhooks/email/{self.email_id}"
        wrong = self.request("POST", path, raw_body=raw, content_type="message/rfc822",
                             headers={"X-Webhook-Secret": "wrong-secret-wrong-secret"})
        self.assertProblem(wrong, 401)
        ok = self.request("POST", path, raw_body=raw, content_type="message/rfc822",
                          headers={"X-Webhook-Secret": WEBHOOK_SECRET})
        self.assertStatus(ok, 200)
        self.assertFalse(ok.body["duplicate"])
        self.assertEqual(len(self.stored(message_id)), 1)
        again = self.request("POST", path, raw_body=raw, content_type="message/rfc822",
                             headers={"X-Webhook-Secret": WEBHOOK_SECRET})
        self.assertTrue(again.body["duplicate"])


class EmailPostgresOutageTest(EmailTestCase):
    """Its own PostgreSQL cluster, stopped and started again during the test."""

    @classmethod
    def prepare_database(cls):
        base = cls.env["tmpdir"]
        os.makedirs(base, exist_ok=True)
        cls.cluster_root = tempfile.mkdtemp(prefix="pg-email-outage.", dir=base)
        os.chmod(cls.cluster_root, 0o755)
        cls.cluster_dir = os.path.join(cls.cluster_root, "pg")
        cls.pg_port = free_port()
        cls.pg_host = "127.0.0.1"
        services(f'cc_pg_start "{cls.cluster_dir}" {cls.pg_port}')
        create_database(cls.pg_port, cls.db_name)

    @classmethod
    def cleanup_database(cls):
        if getattr(cls, "cluster_dir", None):
            try:
                services(f'cc_pg_stop "{cls.cluster_dir}"')
            finally:
                shutil.rmtree(cls.cluster_root, ignore_errors=True)

    async def test_database_down_gives_451_and_the_mail_is_accepted_after_it_returns(self):
        customer = unique_address()
        warm, _ = plain_mail(customer, SUPPORT, "warm", "first")  # loads the address directory
        self.assertEqual(self.send(customer, [SUPPORT], warm), {})
        raw, message_id = plain_mail(customer, SUPPORT, "during outage", "kept by the sender")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, services, f'cc_pg_stop "{self.cluster_dir}"')
        try:
            with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=60) as smtp:
                smtp.ehlo()
                self.assertEqual(smtp.mail(customer)[0], 250)
                self.assertEqual(smtp.rcpt(SUPPORT)[0], 250)
                code, text = smtp.data(raw.encode())
                self.assertEqual(code, 451, text)
        finally:
            await loop.run_in_executor(None, services, f'cc_pg_start "{self.cluster_dir}" {self.pg_port}')
        deadline = time.monotonic() + 30
        while True:  # the sender retries until the server can commit again
            try:
                self.assertEqual(self.send(customer, [SUPPORT], raw), {})
                break
            except smtplib.SMTPDataError as error:
                if error.smtp_code != 451 or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        self.assertEqual(len(self.stored(message_id)), 1)


class EmailListenerLimitsTest(EmailTestCase):
    """STARTTLS with a configured certificate, the idle timeout and the connection cap."""

    @classmethod
    def setUpClass(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="cc-email-tls.")
        cls.cert = os.path.join(cls.cert_dir, "cert.pem")
        cls.key = os.path.join(cls.cert_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=mx.shop.test", "-keyout", cls.key, "-out", cls.cert],
                       check=True, capture_output=True, timeout=60)
        cls.server_env = {"CC_SMTP_TLS_CERTIFICATE_FILE": cls.cert, "CC_SMTP_TLS_PRIVATE_KEY_FILE": cls.key,
                          "CC_SMTP_MAX_CONNECTIONS": "3"}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.cert_dir, ignore_errors=True)

    async def test_starttls_then_delivery(self):
        customer = unique_address()
        raw, message_id = plain_mail(customer, SUPPORT, "over TLS", "secret order details")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            smtp.ehlo()
            self.assertTrue(smtp.has_extn("starttls"))
            code, _ = smtp.starttls(context=context)
            self.assertEqual(code, 220)
            smtp.ehlo()
            self.assertFalse(smtp.has_extn("starttls"), "not offered twice")
            self.assertEqual(smtp.sendmail(customer, [SUPPORT], raw.encode()), {})
        self.assertEqual(len(self.stored(message_id)), 1)

    async def test_connections_over_the_cap_get_421(self):
        held = []
        try:
            for _ in range(3):
                s = socket.create_connection(("127.0.0.1", self.smtp_port), timeout=10)
                self.assertTrue(s.recv(512).startswith(b"220 "))
                held.append(s)
            extra = socket.create_connection(("127.0.0.1", self.smtp_port), timeout=10)
            held.append(extra)
            self.assertTrue(extra.recv(512).startswith(b"421 4.7.0"))
        finally:
            for s in held:
                s.close()

    async def test_a_silent_client_is_dropped_with_421(self):
        # CC_SMTP_TIMEOUT_SECONDS is 20 for these classes.
        with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=40) as s:
            self.assertTrue(s.recv(512).startswith(b"220 "))
            started = time.monotonic()
            data = s.recv(512)
            took = time.monotonic() - started
        self.assertTrue(data.startswith(b"421 4.4.2"), data)
        self.assertGreater(took, 15)


if __name__ == "__main__":
    unittest.main()
