"""Agent authentication and authorisation, conversation visibility by role, masked channel
secrets, and signed visitor identities."""
import unittest
import uuid

from harness import ADMIN_EMAIL, AGENT_PASSWORD, ServerTestCase, identity_signature


class AuthTest(ServerTestCase):

    def test_login_with_wrong_password_is_401(self):
        agent, _ = self.create_agent()
        response = self.request("POST", "/api/v1/auth/login",
                                {"email": agent["email"], "password": "wrong-password-123"})
        self.assertProblem(response, 401)
        self.assertNotIn("token", response.body)
        response = self.request("POST", "/api/v1/auth/login",
                                {"email": "nobody@example.com", "password": "wrong-password-123"})
        self.assertProblem(response, 401)

    def test_login_returns_token_agent_and_expiry(self):
        agent, _ = self.create_agent()
        response = self.request("POST", "/api/v1/auth/login",
                                {"email": agent["email"].upper(), "password": AGENT_PASSWORD})
        self.assertStatus(response, 200)
        self.assertTrue(response.body["token"])
        self.assertTrue(response.body["expires_at"].endswith("Z"), response.body["expires_at"])
        self.assertEqual(response.body["agent"]["id"], agent["id"])
        self.assertNotIn("password_hash", response.body["agent"])

    def test_me_returns_the_token_owner(self):
        agent, token = self.create_agent(name="Mia Me")
        response = self.request("GET", "/api/v1/me", token=token)
        self.assertStatus(response, 200)
        self.assertEqual(response.body["id"], agent["id"])
        self.assertEqual(response.body["email"], agent["email"])
        self.assertEqual(response.body["name"], "Mia Me")
        self.assertEqual(response.body["role"], "agent")
        admin = self.request("GET", "/api/v1/me", token=self.admin_token)
        self.assertEqual(admin.body["email"], ADMIN_EMAIL)
        self.assertEqual(admin.body["role"], "admin")
        status = self.set_status(token, "away")
        self.assertEqual(status["status"], "away")
        self.assertEqual(self.request("GET", "/api/v1/me", token=token).body["status"], "away")

    def test_logout_revokes_the_token(self):
        agent, token = self.create_agent()
        other = self.login(agent["email"], AGENT_PASSWORD)
        self.assertStatus(self.request("GET", "/api/v1/me", token=token), 200)
        response = self.request("POST", "/api/v1/auth/logout", token=token)
        self.assertStatus(response, 204)
        self.assertEqual(response.raw, b"")
        self.assertProblem(self.request("GET", "/api/v1/me", token=token), 401)
        self.assertProblem(self.request("POST", "/api/v1/auth/logout", token=token), 401)
        # Only that token: the agent's other session goes on.
        self.assertStatus(self.request("GET", "/api/v1/me", token=other), 200)

    async def test_revoked_token_cannot_open_the_websocket(self):
        agent, token = self.create_agent()
        self.assertStatus(self.request("POST", "/api/v1/auth/logout", token=token), 204)
        from harness import AgentSocket
        client = await AgentSocket.connect(self.port, token, wait_ready=False)
        self.addAsyncCleanup(client.close)
        error = await client.wait_for(type="error")
        self.assertEqual(error["data"]["status"], 401)
        await client.closed.wait()
        self.assertEqual(client.close_code, 1008)

    def test_deactivated_agent_token_stops_working_and_cannot_log_in(self):
        agent, token = self.create_agent()
        self.assertStatus(self.request("GET", "/api/v1/me", token=token), 200)
        response = self.request("PATCH", f"/api/v1/agents/{agent['id']}", {"active": False},
                                token=self.admin_token)
        self.assertStatus(response, 200)
        self.assertFalse(response.body["active"])
        self.assertProblem(self.request("GET", "/api/v1/me", token=token), 401)
        response = self.request("POST", "/api/v1/auth/login", {"email": agent["email"], "password": AGENT_PASSWORD})
        self.assertProblem(response, 401)
        # Reactivated, the agent may log in again.
        self.assertStatus(self.request("PATCH", f"/api/v1/agents/{agent['id']}", {"active": True},
                                       token=self.admin_token), 200)
        self.assertTrue(self.login(agent["email"], AGENT_PASSWORD))

    def test_admin_cannot_deactivate_themselves(self):
        me = self.request("GET", "/api/v1/me", token=self.admin_token).body
        response = self.request("PATCH", f"/api/v1/agents/{me['id']}", {"active": False}, token=self.admin_token)
        self.assertProblem(response, 409)
        self.assertStatus(self.request("GET", "/api/v1/me", token=self.admin_token), 200)

    async def test_agent_sees_own_and_queued_conversations_admin_sees_all(self):
        self.close_queued_conversations()
        alice, alice_token = self.create_agent(online=True)
        alice_conversation = (await self.avisitor_post((await self.anew_visitor())["visitor_token"], "for alice")
                              ).body["conversation_id"]
        self.assertEqual(await self.await_assignee(alice_conversation), alice["id"])
        await self.aset_status(alice_token, "offline")

        bob, bob_token = self.create_agent(online=True)
        bob_conversation = (await self.avisitor_post((await self.anew_visitor())["visitor_token"], "for bob")
                            ).body["conversation_id"]
        self.assertEqual(await self.await_assignee(bob_conversation), bob["id"])
        await self.aset_status(bob_token, "offline")

        queued = await self.avisitor_post((await self.anew_visitor())["visitor_token"], "for anyone")
        self.assertStatus(queued, 201)
        queued_conversation = queued.body["conversation_id"]

        ours = {alice_conversation, bob_conversation, queued_conversation}
        alice_sees = {c["id"] for c in self.list_conversations(alice_token)} & ours
        bob_sees = {c["id"] for c in self.list_conversations(bob_token)} & ours
        admin_sees = {c["id"] for c in self.list_conversations(self.admin_token)} & ours
        self.assertEqual(alice_sees, {alice_conversation, queued_conversation})
        self.assertEqual(bob_sees, {bob_conversation, queued_conversation})
        self.assertEqual(admin_sees, ours)
        for item in self.list_conversations(alice_token):
            self.assertTrue(item["assignee_id"] == alice["id"] or item["status"] == "queued", item)

        # Someone else's conversation does not exist for an agent: not visible, not writable.
        self.assertProblem(self.request("GET", f"/api/v1/conversations/{bob_conversation}", token=alice_token), 404)
        self.assertProblem(self.request("GET", f"/api/v1/conversations/{bob_conversation}/messages",
                                        token=alice_token), 404)
        self.assertProblem(self.reply(bob_conversation, alice_token, "not mine"), 404)
        self.assertProblem(self.request("POST", f"/api/v1/conversations/{bob_conversation}/close",
                                        token=alice_token), 404)
        self.assertStatus(self.request("GET", f"/api/v1/conversations/{bob_conversation}",
                                       token=self.admin_token), 200)
        # Filters apply within what the viewer may see.
        queued_only = {c["id"] for c in self.list_conversations(alice_token, "status=queued")}
        self.assertIn(queued_conversation, queued_only)
        self.assertNotIn(alice_conversation, queued_only)

    def test_channel_account_secrets_are_masked(self):
        secret = "identity-secret-" + uuid.uuid4().hex
        api_key = "api-key-" + uuid.uuid4().hex
        created = self.request("POST", "/api/v1/channel-accounts",
                               {"channel": "webchat", "name": "Masked chat",
                                "config": {"identity_secret": secret, "api_key": api_key,
                                           "welcome_message": "Hello there"}},
                               token=self.admin_token)
        self.assertStatus(created, 201)
        account_id = created.body["id"]
        fetched = self.request("GET", f"/api/v1/channel-accounts/{account_id}", token=self.admin_token)
        listed = self.request("GET", "/api/v1/channel-accounts", token=self.admin_token)
        self.assertStatus(fetched, 200)
        self.assertStatus(listed, 200)
        in_list = [a for a in listed.body["items"] if a["id"] == account_id]
        self.assertEqual(len(in_list), 1)
        for body in (created.body, fetched.body, in_list[0]):
            self.assertNotIn(secret, str(body))
            self.assertNotIn(api_key, str(body))
            self.assertTrue(body["config"]["identity_secret"].startswith("****"), body)
            self.assertTrue(body["config"]["api_key"].startswith("****"), body)
            self.assertEqual(body["config"]["welcome_message"], "Hello there")
        # A patch of another field keeps the stored secret working (masks are not written back).
        patched = self.request("PATCH", f"/api/v1/channel-accounts/{account_id}",
                               {"config": {"welcome_message": "Hi"}}, token=self.admin_token)
        self.assertStatus(patched, 200)
        self.assertNotIn(secret, str(patched.body))
        signature = identity_signature(secret, "member_id", "m-1")
        session = self.request("POST", f"/widget/v1/{account_id}/sessions",
                               {"identity": {"type": "member_id", "value": "m-1", "signature": signature}})
        self.assertStatus(session, 201)
        # Agents do not read channel configuration at all.
        _, agent_token = self.create_agent()
        self.assertProblem(self.request("GET", f"/api/v1/channel-accounts/{account_id}", token=agent_token), 403)

    def test_visitor_identity_signature_is_checked(self):
        secret = "identity-secret-" + uuid.uuid4().hex
        account = self.create_channel_account(config={"identity_secret": secret})
        good = identity_signature(secret, "member_id", "member-42")
        response = self.request("POST", f"/widget/v1/{account['id']}/sessions",
                                {"name": "Signed", "identity": {"type": "member_id", "value": "member-42",
                                                                "signature": good}})
        self.assertStatus(response, 201)
        self.assertTrue(response.body["visitor_token"])
        self.assertTrue(response.body["visitor_id"])
        rows = self.sql("SELECT verified FROM customer_identities WHERE type = 'member_id' AND value = 'member-42'")
        self.assertEqual(rows, [["t"]])

        wrong = identity_signature("another-secret-of-some-length", "member_id", "member-42")
        response = self.request("POST", f"/widget/v1/{account['id']}/sessions",
                                {"identity": {"type": "member_id", "value": "member-42", "signature": wrong}})
        self.assertProblem(response, 401)
        # Signed for another value: also refused.
        response = self.request("POST", f"/widget/v1/{account['id']}/sessions",
                                {"identity": {"type": "member_id", "value": "member-43", "signature": good}})
        self.assertProblem(response, 401)
        # A channel that does not exist, or is not web chat, has no sessions.
        self.assertProblem(self.request("POST", "/widget/v1/999999/sessions"), 404)

    def test_two_sessions_with_the_same_signed_identity_share_a_customer(self):
        secret = "identity-secret-" + uuid.uuid4().hex
        account = self.create_channel_account(config={"identity_secret": secret})
        identity = {"type": "member_id", "value": "shared-7",
                    "signature": identity_signature(secret, "member_id", "shared-7")}
        first = self.new_visitor(account["id"], {"identity": identity})
        second = self.new_visitor(account["id"], {"identity": identity})
        self.assertNotEqual(first["visitor_id"], second["visitor_id"])
        a = self.visitor_post(first["visitor_token"], "from tab one")
        self.assertStatus(a, 201)
        b = self.visitor_post(second["visitor_token"], "from tab two")
        self.assertStatus(b, 201)
        self.assertEqual(a.body["conversation_id"], b.body["conversation_id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
