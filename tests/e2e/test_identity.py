"""Identity end to end: integration keys and business events (idempotent, unknown identifiers make
a customer, a known claimed identifier finds its holder), the 360 profile (orders newest first,
masking by role, audit of clear reads), prefix search, merge suggestions with confirm and
unmerge, and the return/exchange contradiction alert reaching a supervisor's WebSocket."""
import unittest
import uuid

from harness import ServerTestCase


def phone_number():
    return "+86139" + str(uuid.uuid4().int % 10 ** 8).zfill(8)


class IdentityTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        response = cls.request("POST", "/api/v1/integration-keys", {"name": "shop"}, token=cls.admin_token)
        assert response.status == 201, response
        cls.key = response.body["key"]

    def event(self, type_, identifiers, external_id=None, occurred_at="2026-11-20T10:00:00Z", data=None, key=None):
        body = {"type": type_, "external_id": external_id or uuid.uuid4().hex, "identifiers": identifiers,
                "occurred_at": occurred_at, "data": data or {}}
        return self.request("POST", "/api/v1/business-events", body, token=key or self.key)

    def test_integration_keys_are_admin_only_and_stored_hashed(self):
        _, agent_token = self.create_agent()
        self.assertProblem(self.request("POST", "/api/v1/integration-keys", {"name": "x"}, token=agent_token), 403)
        stored = self.sql("SELECT string_agg(key_hash, ',') FROM integration_keys")[0][0]
        self.assertNotIn(self.key, stored)
        self.assertProblem(self.event("order", [{"type": "phone", "value": phone_number()}], key="cci_wrong"), 401)
        self.assertProblem(self.request("POST", "/api/v1/business-events", {"type": "order"}), 401)
        self.assertProblem(self.event("refund", [{"type": "phone", "value": phone_number()}]), 422)
        self.assertProblem(self.event("order", [{"type": "phone", "value": "not a phone"}]), 422)

    def test_events_are_idempotent_and_unknown_identifiers_create_a_customer(self):
        phone = phone_number()
        spaced = phone[:3] + " " + phone[3:6] + "-" + phone[6:10] + " " + phone[10:]
        first = self.event("order", [{"type": "phone", "value": spaced}], external_id="SO-" + phone)
        self.assertStatus(first, 201)
        self.assertFalse(first.body["duplicate"])
        again = self.event("order", [{"type": "phone", "value": phone}], external_id="SO-" + phone)
        self.assertStatus(again, 200)
        self.assertTrue(again.body["duplicate"])
        self.assertEqual(again.body["id"], first.body["id"])
        count = self.sql(f"SELECT count(*) FROM business_events WHERE external_id = 'SO-{phone}'")[0][0]
        self.assertEqual(int(count), 1)
        payment = self.event("payment", [{"type": "phone", "value": phone}], data={"order_id": "SO-" + phone})
        self.assertStatus(payment, 201)
        self.assertEqual(payment.body["customer_id"], first.body["customer_id"])  # found by the same phone

    def test_profile_orders_newest_first_and_masking_by_role_with_audit(self):
        phone = phone_number()
        uuid_suffix = uuid.uuid4().hex[:8]  # order numbers unrelated to the phone: it must not leak
        for day in range(1, 6):
            self.assertStatus(self.event("order", [{"type": "phone", "value": phone}],
                                         occurred_at=f"2026-11-0{day}T10:00:00Z",
                                         external_id=f"SO-{day}-{uuid_suffix}"), 201)
        customer = self.sql(f"SELECT customer_id FROM customer_identities WHERE value = '{phone}'")[0][0]
        agent, agent_token = self.create_agent()
        audits = lambda: int(self.sql("SELECT count(*) FROM audit_log WHERE action = 'customer.pii_read' "
                                      f"AND target_id = '{customer}'")[0][0])
        response = self.request("GET", f"/api/v1/customers/{customer}/profile", token=agent_token)
        self.assertStatus(response, 200)
        profile = response.body
        for key in ("customer", "identifiers", "orders", "returns", "complaints", "tickets", "timeline"):
            self.assertIn(key, profile)
        self.assertEqual([o["external_id"] for o in profile["orders"]], [f"SO-5-{uuid_suffix}", f"SO-4-{uuid_suffix}", f"SO-3-{uuid_suffix}"])
        masked = phone[3:6] + "****" + phone[-4:]
        self.assertEqual(profile["identifiers"], [{"type": "phone", "value": masked, "verified": False, "masked": True}])
        self.assertNotIn(phone, response.raw.decode())
        self.assertEqual(audits(), 0)  # a masked read is not a PII read
        self.sql(f"UPDATE agents SET permissions = '{{pii.read}}' WHERE id = {int(agent['id'])}")
        clear = self.request("GET", f"/api/v1/customers/{customer}/profile", token=agent_token)
        self.assertEqual(clear.body["identifiers"][0]["value"], phone)
        self.assertEqual(audits(), 1)
        _, supervisor_token = self.create_agent(role="supervisor")
        self.assertEqual(self.request("GET", f"/api/v1/customers/{customer}/profile",
                                      token=supervisor_token).body["identifiers"][0]["value"], phone)
        self.assertEqual(audits(), 2)
        self.assertProblem(self.request("GET", "/api/v1/customers/999999999/profile", token=agent_token), 404)
        self.assertProblem(self.request("GET", f"/api/v1/customers/{customer}/profile"), 401)

    def test_search_by_identifier_prefix_or_name(self):
        phone = phone_number()
        created = self.event("order", [{"type": "phone", "value": phone}, {"type": "email", "value": "Zed.Q@Example.com"}])
        customer = created.body["customer_id"]
        self.sql(f"UPDATE customers SET display_name = 'Zhang Wei {phone[-4:]}' WHERE id = {int(customer)}")
        national = phone[3:6] + " " + phone[6:10]  # as a customer reads it out
        for q in (national, phone[:9], "zed.q@", f"zhang wei {phone[-4:]}"):
            found = self.request("GET", "/api/v1/customers?q=" + q.replace(" ", "%20").replace("+", "%2B"),
                                 token=self.admin_token)
            self.assertStatus(found, 200)
            self.assertIn(customer, [c["id"] for c in found.body["items"]], q)
        self.assertProblem(self.request("GET", "/api/v1/customers?q=", token=self.admin_token), 422)

    def test_claimed_identifier_suggests_merge_confirm_then_unmerge_restores(self):
        channel = self.create_channel_account()
        email = f"shared-{uuid.uuid4().hex[:8]}@example.com"
        first = self.new_visitor(channel["id"], {"name": "Li", "email": email})
        second = self.new_visitor(channel["id"], {"name": "Li Lei", "email": email})
        self.assertStatus(self.visitor_post(first["visitor_token"], "hi"), 201)
        self.assertStatus(self.visitor_post(second["visitor_token"], "hello"), 201)
        owners = self.sql(f"SELECT customer_id FROM customer_identities WHERE value = '{email}' ORDER BY customer_id")
        self.assertEqual(len(owners), 2)  # claimed: never merged on its own
        a, b = owners[0][0], owners[1][0]
        suggestions = self.request("GET", "/api/v1/customer-merge-suggestions", token=self.admin_token).body["items"]
        suggestion = [s for s in suggestions if s["customer_ids"] == [a, b]]
        self.assertEqual(len(suggestion), 1)
        before = self.sql("SELECT to_jsonb(c)::text FROM customers c WHERE id IN "
                          f"({int(a)}, {int(b)}) ORDER BY id")
        _, agent_token = self.create_agent()
        confirmed = self.request("POST", f"/api/v1/customer-merge-suggestions/{suggestion[0]['id']}/confirm",
                                 token=agent_token)
        self.assertStatus(confirmed, 200)
        self.assertEqual(confirmed.body["survivor_id"], a)
        self.assertEqual(self.sql(f"SELECT merged_into FROM customers WHERE id = {int(b)}")[0][0], a)
        self.assertEqual(int(self.sql(f"SELECT count(*) FROM conversations WHERE customer_id = {int(a)}")[0][0]), 2)
        self.assertProblem(self.request("POST", f"/api/v1/customers/{b}/unmerge", token=agent_token), 403)
        _, supervisor_token = self.create_agent(role="supervisor")
        undone = self.request("POST", f"/api/v1/customers/{b}/unmerge", token=supervisor_token)
        self.assertStatus(undone, 200)
        after = self.sql("SELECT to_jsonb(c)::text FROM customers c WHERE id IN "
                         f"({int(a)}, {int(b)}) ORDER BY id")
        self.assertEqual(after, before)
        self.assertEqual(int(self.sql(f"SELECT count(*) FROM conversations WHERE customer_id = {int(b)}")[0][0]), 1)
        self.assertProblem(self.request("POST", f"/api/v1/customers/{b}/unmerge", token=supervisor_token), 404)

    async def test_return_and_exchange_of_one_order_flag_review_and_alert_supervisors(self):
        channel = self.create_channel_account()
        email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
        visitor = self.new_visitor(channel["id"], {"name": "Buyer", "email": email})
        self.assertStatus(self.visitor_post(visitor["visitor_token"], "I want to return it"), 201)
        _, supervisor_token = self.create_agent(role="supervisor", online=True)
        socket = await self.agent_socket(supervisor_token)
        order = "SO-" + uuid.uuid4().hex[:8]
        ids = [{"type": "email", "value": email}]
        self.assertStatus(self.event("order", ids, external_id=order), 201)
        ret = self.event("return", ids, data={"order_id": order}, occurred_at="2026-11-21T10:00:00Z")
        self.assertIsNone(ret.body["contradiction"])
        exchange = self.event("exchange", ids, data={"order_id": order}, occurred_at="2026-11-22T09:00:00Z")
        self.assertStatus(exchange, 201)
        contradiction = exchange.body["contradiction"]
        self.assertEqual(contradiction["order_ref"], order)
        self.assertEqual(len(contradiction["conversation_ids"]), 1)
        alert = await socket.wait_for(type="customer.contradiction", timeout=10)
        self.assertEqual(alert["data"]["order_ref"], order)
        flags = self.sql("SELECT count(*) FROM conversation_review_flags WHERE conversation_id = "
                         f"{int(contradiction['conversation_ids'][0])}")[0][0]
        self.assertEqual(int(flags), 1)
        customer = exchange.body["customer_id"]
        profile = self.request("GET", f"/api/v1/customers/{customer}/profile", token=supervisor_token).body
        self.assertEqual(len(profile["returns"]), 2)
        self.assertEqual(profile["timeline"][0]["review_flags"], ["return_exchange_conflict"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
