// Issue 9, session 4: canned replies ("/" in the reply box), knowledge-base suggestions, ticket
// notes with @mentions and the mentioned agent's notice, send status from message.status events,
// the admin pages, and the dashboard's figures checked against the database.
import { loginAgent, openWidget, visitorSend, until, assert } from './helpers.mjs';

const s = {};
const tokenOf = page => page.evaluate(() => sessionStorage.getItem('cc-workbench-token'));
const sqlOne = async (ctx, q) => Number((await ctx.sql(q))[0][0]);

async function adminTab(page, key) {
  await page.locator('#nav-admin').click();
  await page.locator(`#admin-tab-${key}`).click();
  await page.locator(`#admin-tab-${key}.active`).waitFor();
  await page.locator('#admin-json').waitFor();
}

async function adminCreate(page, key, body, seen) {
  await adminTab(page, key);
  await page.locator('#admin-new').click();
  await page.locator('#admin-json').fill(JSON.stringify(body, null, 2));
  await page.locator('#admin-save').click();
  await until(`${key} saved`, async () => /Saved|已保存/.test(await page.locator('#admin-note').textContent()));
  await page.locator('#admin-list li', { hasText: seen }).waitFor();
}

export const tests = [
  {
    name: 'admin pages: create an agent, a team queue, a channel account, a canned reply, an FAQ entry, a business calendar and an SLA policy (then edited), each listed',
    async run(ctx) {
      s.admin = await ctx.newPage();
      await loginAgent(ctx, s.admin, ctx.info.admin_email, ctx.info.admin_password);
      await adminCreate(s.admin, 'agents', { email: 'carol@example.com', name: 'Carol Agent', role: 'agent', password: 'carol-password-123' }, 'carol@example.com');
      await adminCreate(s.admin, 'queues', { key: 'parcels', name: 'Parcel team' }, 'Parcel team');
      await adminCreate(s.admin, 'channel-accounts', { channel: 'webchat', name: 'Second site', config: {} }, 'Second site');
      await adminCreate(s.admin, 'canned-replies', { shortcut: 'where', title: 'Parcel status', texts: { en: 'Your parcel is on its way and arrives tomorrow.', zh: '您的包裹正在路上，明天送达。' }, scope: 'team' }, '/where');
      await adminCreate(s.admin, 'faq', { questions: ['How long does parcel delivery take?', 'When will my parcel arrive?'], answers: { en: 'Parcels arrive in 3-5 working days.', zh: '包裹 3-5 个工作日送达。' }, tags: [] }, 'How long does parcel delivery take?');
      // Editing: rename the canned reply's title through the editor.
      await adminTab(s.admin, 'canned-replies');
      await s.admin.locator('#admin-list li', { hasText: '/where' }).locator('button.edit').click();
      const doc = JSON.parse(await s.admin.locator('#admin-json').inputValue());
      await s.admin.locator('#admin-json').fill(JSON.stringify({ ...doc, title: 'Parcel status (edited)' }));
      await s.admin.locator('#admin-save').click();
      await s.admin.locator('#admin-list li', { hasText: 'Parcel status (edited)' }).waitFor();
      // A business calendar and an SLA policy (the tickets module's API), then the policy edited.
      await adminCreate(s.admin, 'business-calendars', { name: 'Shanghai office', time_zone: 'Asia/Shanghai', hours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']] }, holidays: ['2026-10-01'] }, 'Shanghai office');
      await adminCreate(s.admin, 'sla-policies', { name: 'Urgent parcels', conditions: { priority: ['urgent'] }, first_reply_seconds: 900, resolution_seconds: 14400, warning_percent: 80 }, 'Urgent parcels');
      await s.admin.locator('#admin-list li', { hasText: 'Urgent parcels' }).locator('button.edit').click();
      const policy = JSON.parse(await s.admin.locator('#admin-json').inputValue());
      await s.admin.locator('#admin-json').fill(JSON.stringify({ ...policy, name: 'Urgent parcels (edited)' }));
      await s.admin.locator('#admin-save').click();
      await s.admin.locator('#admin-list li', { hasText: 'Urgent parcels (edited)' }).waitFor();
      assert(await sqlOne(ctx, "SELECT count(*) FROM sla_policies WHERE name = 'Urgent parcels (edited)'") === 1, 'the edited policy is stored');
      assert(await sqlOne(ctx, "SELECT count(*) FROM business_calendars WHERE name = 'Shanghai office'") === 1, 'the calendar is stored');
    }
  },
  {
    name: 'reply box: "/" + shortcut offers the canned reply and Enter inserts it; send status comes from message.status',
    async run(ctx) {
      s.agent = await ctx.newPage();
      await loginAgent(ctx, s.agent, ctx.info.agent_email, ctx.info.agent_password);
      s.visitor = await ctx.newPage();
      await openWidget(ctx, s.visitor);
      await visitorSend(s.visitor, 'When will my parcel arrive? zebrafish');
      const row = s.agent.locator('#conv-list li.conv', { hasText: 'zebrafish' });
      await row.waitFor({ timeout: 10e3 });
      s.conversationId = await row.getAttribute('data-id');
      await row.locator('button').click();
      const reply = s.agent.locator('#reply');
      await reply.pressSequentially('/whe', { delay: 20 });
      const item = s.agent.locator('#canned-menu li[data-shortcut="where"]');
      await item.waitFor();
      await reply.press('Enter');
      await until('canned text inserted', async () => (await reply.inputValue()) === 'Your parcel is on its way and arrives tomorrow.');
      assert(await s.agent.locator('#thread .msg.out').count() === 0, 'Enter picked the reply, it did not send');
      // Collect the agent socket's message.status frames while the reply goes out.
      await reply.press('Enter');
      const bubble = s.agent.locator('#thread .msg.out', { hasText: 'arrives tomorrow' });
      await until('sent by message.status', async () => (await bubble.locator('.status').getAttribute('data-status')) === 'sent');
      const id = await bubble.getAttribute('data-id');
      const events = await ctx.sql(`SELECT data::text FROM agent_events WHERE type = 'message.status' AND data->>'message_id' = '${id}'`);
      assert(events.length >= 1 && JSON.parse(events[0][0]).status === 'sent', 'a message.status event was emitted: ' + JSON.stringify(events));
    }
  },
  {
    name: 'knowledge-base suggestions for the customer message; Insert puts the answer in the reply box',
    async run(ctx) {
      const probe = await ctx.api('GET', '/api/v1/faq/suggestions?q=parcel&lang=en', { token: await tokenOf(s.agent) });
      assert(probe.status === 200, 'GET /api/v1/faq/suggestions answers ' + probe.status);
      const panel = s.agent.locator('#kb-suggestions');
      await panel.locator('li').first().waitFor({ timeout: 10e3 });
      assert(/3-5 working days/.test(await panel.locator('li .a').first().textContent()), 'the FAQ answer is suggested');
      await panel.locator('li button.insert').first().click();
      assert((await s.agent.locator('#reply').inputValue()).includes('Parcels arrive in 3-5 working days.'), 'answer inserted');
      await s.agent.locator('#reply').fill('');
    }
  },
  {
    name: 'ticket notes with @mention: the note is stored with the mention and the mentioned agent sees a notice',
    async run(ctx) {
      const page = s.admin;
      await page.locator('#nav-inbox').click();
      await page.locator(`#conv-list li.conv[data-id="${s.conversationId}"] button`).click();
      await page.locator('#btn-ticket').click();
      await page.locator('#ticket-subject').fill('Parcel late (zebrafish)');
      await page.locator('#ticket-create').click();
      await page.locator('.ticket-card #note-text').waitFor();
      await page.locator('#note-text').fill('@agent1 please call the courier');
      await page.locator('#note-add').click();
      const note = page.locator('#ticket-notes li.note', { hasText: 'please call the courier' });
      await note.waitFor();
      const agentId = String(await sqlOne(ctx, "SELECT id FROM agents WHERE email = 'agent1@example.com'"));
      assert((await note.getAttribute('data-mentions')) === agentId, 'mention resolved to agent1');
      const notice = s.agent.locator('#notifications li.notice', { hasText: 'please call the courier' });
      await notice.waitFor({ timeout: 10e3 });
      assert(/mentioned you/.test(await notice.textContent()), 'notice text');
      await notice.locator('button.link').click();
      await s.agent.locator('.ticket-card #ticket-notes li.note', { hasText: 'please call the courier' }).waitFor();
    }
  },
  {
    name: 'dashboard figures match the database: queues, agents by state, messages per channel per hour, hot words',
    async run(ctx) {
      await visitorSend(s.visitor, 'zebrafish again, where is it');
      await until('stored', async () => (await sqlOne(ctx, "SELECT count(*) FROM messages WHERE content LIKE 'zebrafish again%'")) === 1);
      const page = s.admin;
      await page.locator('#nav-dashboard').click();
      await page.locator('#dash-chart svg.chart').waitFor({ timeout: 15e3 });
      // Hot words: "zebrafish" was written in two customer messages.
      await until('hot word counted', async () => (await page.locator('#dash-hot li[data-word="zebrafish"]').getAttribute('data-count')) === '2');
      // Messages per channel today: the web chat line's total is the database's count.
      const offset = await page.evaluate(() => -new Date().getTimezoneOffset());
      const webchat = await sqlOne(ctx, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = 'webchat' AND m.created_at >= date_trunc('day', now() + interval '${offset} minutes') - interval '${offset} minutes'`);
      const shown = Number(await page.locator('#dash-chart polyline[data-channel="webchat"]').getAttribute('data-total'));
      assert(shown === webchat, `web chat messages today: shown ${shown}, database ${webchat}`);
      // Agents by state.
      for (const state of ['online', 'away', 'offline']) {
        const n = await sqlOne(ctx, `SELECT count(*) FROM agents WHERE active AND status = '${state}'`);
        assert(Number(await page.locator(`#dash-agents li[data-key="${state}"] b`).textContent()) === n, `${state} agents = ${n}`);
      }
      // Queues: waiting tasks per queue, and the queue made on the admin page is listed.
      const waiting = await sqlOne(ctx, "SELECT count(*) FROM routing_tasks WHERE queue_key = 'default' AND state IN ('waiting', 'offered')");
      assert(Number(await page.locator('#dash-queues tr[data-queue="default"] .waiting').textContent()) === waiting, `default queue waiting = ${waiting}`);
      await page.locator('#dash-queues tr[data-queue="parcels"]').waitFor();
      // SLA, first response, CSAT: the figures are the report routes' numbers.
      const token = await tokenOf(page);
      const sla = (await ctx.api('GET', '/api/v1/reports/sla', { token })).body;
      assert(Number(await page.locator('#sla-breached').textContent()) === sla.breached, 'breached');
      const frt = (await ctx.api('GET', '/api/v1/reports/first-response', { token })).body;
      assert(frt.conversations >= 1, 'the canned reply answered a conversation today: ' + JSON.stringify(frt));
      assert(Number(await page.locator('#frt-count').textContent()) >= 1, 'first response count shown');
      await page.locator('#dash-csat svg rect[data-score="5"]').waitFor({ state: 'attached' });
      const agentOnly = await ctx.api('GET', '/api/v1/reports/queues', { token: await tokenOf(s.agent) });
      assert(agentOnly.status === 403, 'reports are for supervisors and admins: ' + agentOnly.status);
      await ctx.screenshot(page, 'browser-dashboard-reports.png');
    }
  }
];
