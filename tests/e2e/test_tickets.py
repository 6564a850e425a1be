"""Tickets over the real server: create, list, If-Match edits, the transition refusal with
`allowed`, notes with @mentions on the agent WebSocket, history, merge, SLA escalation firing
once, and the CSAT round trip through the web chat channel."""
import asyncio
import time
import unittest
import uuid

from harness import ServerTestCase


class TicketsTest(ServerTestCase):

    server_env = {"CC_TICKETS_SLA_POLL_MS": "100"}

    def create_ticket(self, token, **fields):
        body = {"subject": "Printer on fire", "description": "It smokes", "type": "incident",
                "priority": "normal"}
        body.update(fields)
        response = self.request("POST", "/api/v1/tickets", body, token=token)
        self.assertStatus(response, 201)
        return response.body

    def test_create_returns_new_ticket_and_get_and_list_find_it(self):
        agent, token = self.create_agent()
        created = self.create_ticket(token, tags=["hardware"])
        self.assertEqual(created["state"], "new")
        self.assertEqual(created["subject"], "Printer on fire")
        self.assertEqual(created["type"], "incident")
        fetched = self.request("GET", f"/api/v1/tickets/{created['id']}", token=token)
        self.assertStatus(fetched, 200)
        self.assertEqual(fetched.header("ETag"), f"\"{created['version']}\"")
        listed = self.request("GET", "/api/v1/tickets?state=new&tag=hardware&limit=200", token=token)
        self.assertStatus(listed, 200)
        self.assertIn(created["id"], [t["id"] for t in listed.body["items"]])
        other = self.request("GET", "/api/v1/tickets?tag=software&limit=200", token=token)
        self.assertNotIn(created["id"], [t["id"] for t in other.body["items"]])

    def test_create_refuses_bad_fields(self):
        _, token = self.create_agent()
        self.assertProblem(self.request("POST", "/api/v1/tickets", {"subject": "x", "type": "bug"}, token=token), 422)
        self.assertProblem(self.request("POST", "/api/v1/tickets", {"description": "no subject"}, token=token), 422)
        self.assertProblem(self.request("POST", "/api/v1/tickets", {"subject": "x" * 600}, token=token), 422)
        self.assertProblem(self.request("POST", "/api/v1/tickets", {"subject": "x", "requester_id": "999999"},
                                        token=token), 422)
        self.assertProblem(self.request("POST", "/api/v1/tickets", {"subject": "x"}), 401)

    def test_patch_needs_if_match_and_refuses_a_stale_version(self):
        _, token = self.create_agent()
        ticket = self.create_ticket(token)
        path = f"/api/v1/tickets/{ticket['id']}"
        self.assertProblem(self.request("PATCH", path, {"priority": "high"}, token=token), 428)
        ok = self.request("PATCH", path, {"priority": "high"}, token=token,
                          headers={"If-Match": f"\"{ticket['version']}\""})
        self.assertStatus(ok, 200)
        self.assertEqual(ok.body["priority"], "high")
        self.assertEqual(ok.body["version"], ticket["version"] + 1)
        stale = self.request("PATCH", path, {"priority": "low"}, token=token,
                             headers={"If-Match": f"\"{ticket['version']}\""})
        self.assertProblem(stale, 412)
        history = self.request("GET", f"{path}/history", token=token)
        self.assertStatus(history, 200)
        change = [h for h in history.body["items"] if h["field"] == "priority"]
        self.assertEqual(len(change), 1)
        self.assertEqual((change[0]["old"], change[0]["new"]), ("normal", "high"))
        self.assertIsNotNone(change[0]["actor_agent_id"])

    def test_transitions_follow_the_table_and_refusals_list_the_allowed_moves(self):
        _, token = self.create_agent()
        ticket = self.create_ticket(token)
        path = f"/api/v1/tickets/{ticket['id']}/transitions"
        refused = self.request("POST", path, {"to": "closed"}, token=token)
        self.assertProblem(refused, 409)
        self.assertEqual(sorted(refused.body["allowed"]), ["on_hold", "open", "pending", "solved"])
        for state in ("open", "pending", "open", "solved", "closed"):
            moved = self.request("POST", path, {"to": state}, token=token)
            self.assertStatus(moved, 200, f"to {state}")
            self.assertEqual(moved.body["state"], state)
        closed = self.request("POST", path, {"to": "open"}, token=token)
        self.assertProblem(closed, 409)
        self.assertEqual(closed.body["allowed"], [])
        edit = self.request("PATCH", f"/api/v1/tickets/{ticket['id']}", {"subject": "changed"}, token=token,
                            headers={"If-Match": "*"})
        self.assertProblem(edit, 409)

    async def test_note_mention_reaches_the_mentioned_agent_socket(self):
        author, author_token = self.create_agent()
        mentioned, mentioned_token = self.create_agent()
        ws = await self.agent_socket(mentioned_token)
        ticket = self.create_ticket(author_token)
        handle = mentioned["email"]
        note = await self.arequest("POST", f"/api/v1/tickets/{ticket['id']}/notes",
                                   {"body": f"@{handle} can you look at this?"}, token=author_token)
        self.assertStatus(note, 201)
        self.assertEqual(note.body["mentions"], [mentioned["id"]])
        event = await ws.wait_for(type="ticket.mentioned", timeout=5)
        self.assertEqual(event["data"]["ticket"]["id"], ticket["id"])
        self.assertEqual(event["data"]["note"]["id"], note.body["id"])

    def test_merge_closes_the_duplicate_and_moves_notes(self):
        _, token = self.create_agent()
        keep = self.create_ticket(token, subject="keep")
        dup = self.create_ticket(token, subject="dup")
        self.assertStatus(self.request("POST", f"/api/v1/tickets/{dup['id']}/notes", {"body": "moved note"},
                                       token=token), 201)
        merged = self.request("POST", f"/api/v1/tickets/{dup['id']}/merge", {"target_id": keep["id"]}, token=token)
        self.assertStatus(merged, 200)
        self.assertEqual(merged.body["id"], keep["id"])
        closed = self.request("GET", f"/api/v1/tickets/{dup['id']}", token=token).body
        self.assertEqual(closed["state"], "closed")
        self.assertEqual(closed["merged_into_id"], keep["id"])
        notes = self.request("GET", f"/api/v1/tickets/{keep['id']}/notes", token=token).body["items"]
        self.assertEqual([n["body"] for n in notes], ["moved note"])
        links = self.request("GET", f"/api/v1/tickets/{keep['id']}/links", token=token).body["items"]
        self.assertEqual([(l["ticket_id"], l["kind"]) for l in links], [(dup["id"], "duplicate")])

    async def test_sla_breach_escalates_once(self):
        supervisor, supervisor_token = self.create_agent(role="supervisor")
        ws = await self.agent_socket(supervisor_token)
        policy = self.request("POST", "/api/v1/sla-policies", {
            "name": f"urgent-{uuid.uuid4().hex[:6]}", "position": 1,
            "conditions": {"priority": ["urgent"]}, "first_reply_seconds": 1,
            "breach_actions": [{"type": "reassign_team", "team": "escalations"},
                               {"type": "notify", "agent_id": supervisor["id"]}]},
            token=self.admin_token)
        self.assertStatus(policy, 201)
        ticket = self.create_ticket(supervisor_token, priority="urgent")
        self.assertEqual(ticket["sla"]["policy_id"], policy.body["id"])
        self.assertIsNotNone(ticket["sla"]["first_reply_due_at"])
        event = await ws.wait_for(lambda f: f["data"]["ticket"]["id"] == ticket["id"],
                                  type="ticket.sla_breached", timeout=10)
        self.assertEqual(event["data"]["sla"]["target"], "first_reply")
        self.assertEqual(event["data"]["ticket"]["team"], "escalations")
        await asyncio.sleep(1.0)  # several more timer passes
        self.assertEqual([f for f in ws.untaken(type="ticket.sla_breached")
                          if f["data"]["ticket"]["id"] == ticket["id"]], [])
        count = self.sql(f"SELECT count(*) FROM ticket_sla_events WHERE ticket_id = {int(ticket['id'])}")
        self.assertEqual(count, [["1"]])
        listed = self.request("GET", "/api/v1/tickets?sla_status=breached&sort=due&limit=200", token=supervisor_token)
        self.assertIn(ticket["id"], [t["id"] for t in listed.body["items"]])

    async def test_csat_round_trip_through_web_chat(self):
        agent, token = self.create_agent(online=True)
        visitor = await self.anew_visitor()
        visitor_ws = await self.visitor_socket(visitor["visitor_token"])
        posted = await self.avisitor_post(visitor["visitor_token"], "my order is late")
        self.assertStatus(posted, 201)
        conversation_id = posted.body["conversation_id"]
        created = await self.arequest("POST", f"/api/v1/conversations/{conversation_id}/ticket",
                                      {"subject": "Late order", "assignee_id": agent["id"]}, token=token)
        self.assertStatus(created, 201)
        ticket = created.body
        self.assertIsNotNone(ticket["requester_id"])
        solved = await self.arequest("POST", f"/api/v1/tickets/{ticket['id']}/transitions", {"to": "solved"},
                                     token=token)
        self.assertStatus(solved, 200)
        survey = await visitor_ws.wait_for(lambda f: f["data"].get("direction") == "outbound",
                                           type="message", timeout=5)
        self.assertIn("1 (poor) to 5", survey["data"]["content"])
        answered = await self.avisitor_post(visitor["visitor_token"], "5 very quick, thanks")
        self.assertStatus(answered, 201)
        deadline = time.monotonic() + 5
        row = ""
        while time.monotonic() < deadline:
            row = str(self.sql(f"SELECT score, comment, agent_id FROM csat_surveys WHERE ticket_id = {int(ticket['id'])}"))
            if "5" in row:
                break
            await asyncio.sleep(0.1)
        self.assertIn("very quick, thanks", row)
        self.assertIn(agent["id"], row)
        # The answer did not reopen the solved ticket.
        after = await self.arequest("GET", f"/api/v1/tickets/{ticket['id']}", token=token)
        self.assertEqual(after.body["state"], "solved")
        # A real reply does.
        again = await self.avisitor_post(visitor["visitor_token"], "actually it still has not arrived")
        self.assertStatus(again, 201)
        deadline = time.monotonic() + 5
        state = "solved"
        while time.monotonic() < deadline and state != "open":
            state = (await self.arequest("GET", f"/api/v1/tickets/{ticket['id']}", token=token)).body["state"]
            await asyncio.sleep(0.1)
        self.assertEqual(state, "open")


if __name__ == "__main__":
    unittest.main()
