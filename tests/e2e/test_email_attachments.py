"""Email attachments end to end: swaks delivers a mail with attachments (one over the size limit)
to the SMTP listener; the message is stored with its files in the same transaction, its metadata
lists them (the oversized one as omitted, with the reason); the agent who sees the conversation
downloads the bytes (sha256 matches) with safe headers, another agent gets 404. An HTML mail with a
multipart/related inline image has its cid: reference linked to the download route."""
import email.message
import email.policy
import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

from test_email import SUPPORT, EmailTestCase, unique_address

MAX_BYTES = 64 * 1024  # CC_ATTACHMENT_MAX_BYTES of this class's server


class EmailAttachmentTest(EmailTestCase):
    server_env = {"CC_ATTACHMENT_MAX_BYTES": str(MAX_BYTES)}

    def setUp(self):
        self.files = tempfile.mkdtemp(prefix="cc-attachments-e2e.")
        self.addCleanup(shutil.rmtree, self.files, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.files, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def message_row(self, message_id):
        rows = self.stored(message_id)
        self.assertEqual(len(rows), 1, f"message {message_id} stored once")
        return str(rows[0][0]), str(rows[0][1])

    def message_json(self, conversation_id, message_id, token=None):
        for item in self.conversation_messages(conversation_id, token=token):
            if item["id"] == message_id:
                return item
        raise AssertionError(f"message {message_id} not in conversation {conversation_id}")

    def download(self, attachment_id, token):
        return self.request("GET", f"/api/v1/attachments/{attachment_id}", token=token)

    def test_swaks_attachments_are_stored_and_only_visible_to_who_sees_the_conversation(self):
        pdf = b"%PDF-1.4\n" + os.urandom(20000) + b"\n%%EOF\n"
        page = b"<html><script>alert(document.cookie)</script></html>\n"
        big = os.urandom(MAX_BYTES + 1000)
        customer = unique_address()
        mail_id = f"<{uuid.uuid4().hex}@example.com>"
        swaks = subprocess.run(
            ["swaks", "--to", SUPPORT, "--from", customer, "--server", f"127.0.0.1:{self.smtp_port}",
             "--header", "Subject: Receipt and photos", "--header", f"Message-Id: {mail_id}",
             "--attach-type", "text/plain", "--attach-body", "Receipt attached.",
             "--attach-type", "text/html", "--attach-body", '<p>Receipt attached.</p><img src="cid:none@x">',
             "--attach-type", "application/pdf", "--attach-name", "receipt.pdf", "--attach", "@" + self.write("receipt.pdf", pdf),
             "--attach-type", "application/octet-stream", "--attach-name", "huge.bin", "--attach", "@" + self.write("huge.bin", big),
             "--attach-type", "text/html", "--attach-name", "page.html", "--attach", "@" + self.write("page.html", page),
             "--silent", "2"], capture_output=True, text=True, timeout=60)
        self.assertEqual(swaks.returncode, 0, swaks.stdout + swaks.stderr)
        message_id, conversation_id = self.message_row(mail_id)

        # One agent works on the conversation; another does not see it.
        owner, owner_token = self.create_agent()
        _, other_token = self.create_agent()
        self.sql(f"UPDATE conversations SET status = 'open', assignee_id = {int(owner['id'])} "
                 f"WHERE id = {int(conversation_id)}")

        message = self.message_json(conversation_id, message_id, token=owner_token)
        self.assertEqual(message["content"], "Receipt attached.")
        files = {a["filename"]: a for a in message["metadata"]["attachments"]}
        self.assertEqual(set(files), {"receipt.pdf", "huge.bin", "page.html"}, message["metadata"])
        self.assertEqual(files["receipt.pdf"]["size"], len(pdf))
        self.assertEqual(files["receipt.pdf"]["content_type"], "application/pdf")
        self.assertFalse(files["receipt.pdf"]["inline"])
        self.assertNotIn("omitted", files["receipt.pdf"])
        self.assertNotIn("id", files["huge.bin"], "an omitted file has no id")
        self.assertEqual(files["huge.bin"]["omitted"], f"larger than the limit of {MAX_BYTES} bytes")
        self.assertEqual(files["huge.bin"]["size"], len(big))
        self.assertEqual(self.sql(f"SELECT filename, size_bytes, sha256 FROM attachments "
                                  f"WHERE message_id = {int(message_id)} ORDER BY id"),
                         [["receipt.pdf", str(len(pdf)), hashlib.sha256(pdf).hexdigest()],
                          ["page.html", str(len(page)), hashlib.sha256(page).hexdigest()]])

        got = self.download(files["receipt.pdf"]["id"], owner_token)
        self.assertStatus(got, 200)
        self.assertEqual(hashlib.sha256(got.raw).hexdigest(), hashlib.sha256(pdf).hexdigest())
        self.assertEqual(got.header("Content-Type"), "application/pdf")
        self.assertEqual(got.header("Content-Disposition"), 'inline; filename="receipt.pdf"')
        self.assertEqual(got.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(got.header("Content-Security-Policy"), "sandbox")

        # HTML is never served as HTML: a download, as bytes.
        html = self.download(files["page.html"]["id"], owner_token)
        self.assertStatus(html, 200)
        self.assertEqual(html.raw, page)
        self.assertEqual(html.header("Content-Type"), "application/octet-stream")
        self.assertEqual(html.header("Content-Disposition"), 'attachment; filename="page.html"')

        self.assertProblem(self.download(files["receipt.pdf"]["id"], other_token), 404)
        self.assertStatus(self.download(files["receipt.pdf"]["id"], self.admin_token), 200)
        self.assertProblem(self.request("GET", f"/api/v1/attachments/{files['receipt.pdf']['id']}"), 401)
        self.assertProblem(self.download("987654321", owner_token), 404)
        self.assertProblem(self.download("abc", owner_token), 404)

    def test_inline_image_is_linked_to_the_download_route(self):
        png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                            "1f15c4890000000d49444154789c6364f8cf50070003860180"
                            "5a347d6b0000000049454e44ae426082")
        customer = unique_address()
        mail = email.message.EmailMessage(policy=email.policy.SMTP)
        mail["From"] = f"Customer <{customer}>"
        mail["To"] = SUPPORT
        mail["Subject"] = "Scratch on the lid"
        mail_id = f"<{uuid.uuid4().hex}@example.com>"
        mail["Message-ID"] = mail_id
        mail.set_content("See the photo.")
        mail.add_alternative('<p>See the <b>photo</b>:</p><img src="cid:scratch.1@example.com">', subtype="html")
        mail.get_payload()[1].add_related(png, "image", "png", cid="<scratch.1@example.com>",
                                          filename="scratch.png")
        self.assertEqual(self.send(customer, [SUPPORT], mail.as_string()), {})
        message_id, conversation_id = self.message_row(mail_id)

        message = self.message_json(conversation_id, message_id)
        [image] = message["metadata"]["attachments"]
        self.assertEqual(image["content_id"], "scratch.1@example.com")
        self.assertEqual(image["content_type"], "image/png")
        html = message["metadata"]["html"]
        self.assertIn(f'src="/api/v1/attachments/{image["id"]}"', html)
        self.assertNotIn("cid:", html)
        got = self.download(image["id"], self.admin_token)
        self.assertStatus(got, 200)
        self.assertEqual(got.raw, png)
        self.assertEqual(got.header("Content-Type"), "image/png")
        self.assertTrue(got.header("Content-Disposition").startswith("inline; "))


if __name__ == "__main__":
    unittest.main()
