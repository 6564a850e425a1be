// Language switch, the supervisor dashboard, the shortcut help, the sandboxed email view, the
// widget's CSAT hook, and the modules whose APIs other modules serve after integration: each
// either works against the shapes or shows its "not available" state on a 404.
import { loginAgent, openWidget, visitorSend, widgetBodies, until, assert } from './helpers.mjs';

const s = {};

async function visitSendZh(visitor) {
  await visitorSend(visitor, '你好，我的包裹还没到');
  await until('stored', async () => (await visitor.locator('#chat .log li.me .meta').last().textContent()).includes('已发送'));
}

export const tests = [
  {
    name: 'Chinese by default for a Chinese browser; switching zh/en changes the strings',
    async run(ctx) {
      // A Chinese visitor writes first (the widget follows navigator.languages too).
      const visitor = await ctx.newPage({ locale: 'zh-CN' });
      await openWidget(ctx, visitor);
      assert(await visitor.locator('#chat h2#title').textContent() === '在线客服', 'Chinese widget');
      await visitSendZh(visitor);
      const page = await ctx.newPage({ locale: 'zh-CN' });
      await page.goto(ctx.base + '/');
      await until('Chinese login', async () => (await page.locator('#login-submit').textContent()) === '登录');
      assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang zh-CN');
      await page.locator('#login-lang').click();
      assert(await page.locator('#login-submit').textContent() === 'Log in', 'English after the switch');
      await page.locator('#login-lang').click();
      await loginAgent(ctx, page, ctx.info.admin_email, ctx.info.admin_password);
      assert(await page.locator('#nav-inbox').textContent() === '收件箱', 'Chinese navigation');
      await page.locator('#lang-toggle').click();
      assert(await page.locator('#nav-inbox').textContent() === 'Inbox', 'English navigation');
      assert(await page.locator('#search').getAttribute('placeholder') === 'Search customers or messages', 'placeholder follows');
      await page.keyboard.press('l'); // the shortcut switches back
      assert(await page.locator('#nav-inbox').textContent() === '收件箱', 'Chinese again by shortcut');
      // The choice survives a reload (localStorage), the token too (sessionStorage).
      await page.reload();
      await page.locator('#app').waitFor({ state: 'visible' });
      assert(await page.locator('#nav-dashboard').textContent() === '主管看板', 'choice kept after reload');
      await page.locator('#conv-list li.conv button').first().click();
      await page.locator('#thread .msg').first().waitFor();
      await ctx.screenshot(page, 'browser-workbench-zh.png');
      s.admin = page;
    }
  },
  {
    name: 'supervisor dashboard: queues, agents by state, SLA, first response, CSAT, messages per channel as SVG',
    async run(ctx) {
      const page = s.admin;
      await page.locator('#lang-toggle').click(); // English screenshots
      await page.locator('#nav-dashboard').click();
      await page.locator('#dash-chart svg.chart').waitFor({ timeout: 15e3 });
      const agents = page.locator('#dash-agents meter');
      assert(await agents.count() === 3, 'three agent states');
      const total = await page.locator('#dash-agents li b').allTextContents();
      assert(total.map(Number).reduce((a, b) => a + b, 0) >= 3, 'admin + two demo agents counted: ' + total);
      await page.locator('#dash-queues tr[data-queue="default"]').waitFor();
      assert(await page.locator('#dash-chart polyline[data-channel="webchat"]').count() === 1, 'a web chat line');
      for (const card of ['sla', 'frt', 'csat']) await page.locator(`#dash-${card} .figure`).first().waitFor();
      await ctx.screenshot(page, 'browser-dashboard.png');
    }
  },
  {
    name: '"?" opens the shortcut help, Escape closes it; j/k move through the inbox',
    async run(ctx) {
      const page = s.admin;
      await page.locator('#nav-inbox').click();
      await page.locator('body').press('?');
      await page.locator('#help').waitFor({ state: 'visible' });
      assert(await page.locator('#help kbd').count() >= 10, 'shortcuts listed');
      await page.keyboard.press('Escape');
      await page.locator('#help').waitFor({ state: 'hidden' });
      await page.keyboard.press('j');
      await page.locator('#conv-list li.conv.selected').waitFor();
      await page.locator('#thread .msg').first().waitFor();
    }
  },
  {
    name: 'customer 360 panel shows the profile, or "not available" while the endpoint answers 404',
    async run(ctx) {
      const page = s.admin;
      await page.locator('#btn-profile').click();
      await page.locator('#p360:not([hidden]) :is(.unavailable, .p360-section, .error)').first().waitFor();
      const unavailable = await page.locator('#p360 .unavailable').count();
      const conversation = (await ctx.api('GET', '/api/v1/conversations?limit=1', { token: await page.evaluate(() => sessionStorage.getItem('cc-workbench-token')) })).body.items[0];
      const probe = await ctx.api('GET', `/api/v1/customers/${conversation.customer_id}/profile`, { token: await page.evaluate(() => sessionStorage.getItem('cc-workbench-token')) });
      assert((probe.status === 404) === (unavailable === 1), `panel state matches the endpoint (${probe.status})`);
      await page.keyboard.press('Escape');
    }
  },
  {
    name: 'email HTML is shown in a sandboxed iframe where scripts do not run',
    async run(ctx) {
      const page = s.admin;
      await page.evaluate(async () => {
        const { emailHtmlFrame } = await import('/workbench/email_view.js');
        const box = emailHtmlFrame('<p id="x">Hi</p><script>alert("email script")</script><img src=x onerror="alert(\'email img\')">');
        box.id = 'email-probe';
        box.open = true;
        document.body.append(box);
      });
      const frame = page.locator('#email-probe iframe');
      assert(await frame.getAttribute('sandbox') === '', 'sandbox without any allowance');
      await until('email text rendered', async () => (await page.frameLocator('#email-probe iframe').locator('#x').textContent()) === 'Hi');
      await new Promise(r => setTimeout(r, 300));
      assert(ctx.dialogs.length === 0, 'no dialog from email HTML: ' + ctx.dialogs.join(', '));
      await page.evaluate(() => document.getElementById('email-probe').remove());
    }
  },
  {
    name: 'widget CSAT prompt: a rating reaches the agent (as a message until /widget/v1/csat exists)',
    async run(ctx) {
      const agent = await ctx.newPage();
      await loginAgent(ctx, agent, ctx.info.agent_email, ctx.info.agent_password);
      await agent.locator('#presence').selectOption('online'); // so the new conversation is theirs (also run alone)
      const visitor = await ctx.newPage();
      await openWidget(ctx, visitor);
      await visitorSend(visitor, 'CSAT please');
      await until('visitor message stored', async () => (await visitor.locator('#chat .log li.me .meta').last().textContent()).includes('Sent'));
      await visitor.evaluate(() => document.dispatchEvent(new CustomEvent('cc-webchat:csat', { detail: { conversation_id: null } })));
      await visitor.locator('#chat .csat').waitFor({ state: 'visible' });
      await visitor.locator('#chat .stars button').nth(3).click();
      await visitor.locator('#chat .csat-comment').fill('quick and kind');
      await visitor.locator('#chat .csat-send').click();
      await visitor.locator('#chat .log li.sys', { hasText: 'Thank you' }).waitFor();
      const probe = await ctx.api('POST', '/widget/v1/csat', { body: {} });
      if (probe.status === 404) {
        await until('rating as a message', async () => (await widgetBodies(visitor)).includes('Rating: 4/5 - quick and kind'));
        const row = agent.locator('#conv-list li.conv', { hasText: 'Rating: 4/5' });
        await row.waitFor({ timeout: 10e3 });
      }
    }
  },
  {
    name: 'tickets: create from a conversation and solve it (skips while POST /api/v1/tickets answers 404)',
    async run(ctx) {
      const page = s.admin;
      const token = await page.evaluate(() => sessionStorage.getItem('cc-workbench-token'));
      const probe = await ctx.api('GET', '/api/v1/tickets?limit=1', { token });
      if (probe.status === 404) {
        await page.locator('#nav-tickets').click();
        await page.locator('#view-tickets .unavailable').waitFor(); // the view degrades as designed
        ctx.skip('GET /api/v1/tickets answers 404: the tickets module is not integrated yet');
      }
      await page.locator('#nav-inbox').click();
      await page.locator('#conv-list li.conv button').first().click();
      await page.locator('#btn-ticket').click();
      await page.locator('#ticket-subject').fill('Parcel missing');
      await page.locator('#ticket-create').click();
      await until('ticket state new', async () => (await page.locator('#ticket-state').textContent()) === 'new');
      for (const to of ['open', 'solved']) {
        await page.locator(`.ticket-card button[data-to="${to}"]`).click();
        await until(`ticket state ${to}`, async () => (await page.locator('#ticket-state').textContent()) === to);
      }
    }
  },
  {
    name: 'routing rules: edit, validation error at its place, fix, simulate, publish, history and roll back',
    async run(ctx) {
      const page = s.admin;
      const token = await page.evaluate(() => sessionStorage.getItem('cc-workbench-token'));
      await page.locator('#nav-routing').click();
      const editor = page.locator('#workflow');
      await until('workflow loaded', async () => (await editor.inputValue()).length > 2);
      const doc = JSON.parse(await editor.inputValue());
      // Edit: a rule for parcels whose condition is cut short (a syntax error inside "when").
      const rule = { name: 'parcels', when: "text CONTAINS 'parcel' AND", steps: [{ queue: 'default' }] };
      await editor.fill(JSON.stringify({ ...doc, rules: [rule, ...(doc.rules || [])] }, null, 2));
      await page.locator('#wf-validate').click();
      const error = page.locator('#workflow-errors li').first();
      await error.waitFor();
      assert((await error.getAttribute('data-pointer')) === '/rules/0/when', 'error points at the rule condition: ' + await error.textContent());
      // The editor selected the text the error points at: inside the broken condition.
      const selected = await page.evaluate(() => { const e = document.getElementById('workflow'); return e.value.slice(e.selectionStart, e.selectionEnd); });
      const before = await page.evaluate(() => { const e = document.getElementById('workflow'); return e.value.slice(0, e.selectionStart); });
      assert(/"when": "[^"\n]*$/.test(before) && selected.length > 0, `selection inside the condition: ${JSON.stringify(before.slice(-30))} / ${JSON.stringify(selected)}`);
      // Publishing the broken text is refused the same way.
      await page.locator('#wf-activate').click();
      await until('publish refused', async () => (await page.locator('#workflow-errors li[data-pointer="/rules/0/when"]').count()) === 1 &&
        !(await page.locator('#workflow-note').textContent()).includes('v'));
      await new Promise(r => setTimeout(r, 300)); // the refused publish has finished
      assert(await page.locator('#workflow-versions li').count() === 0 || !(await page.locator('#workflow-note').textContent()).match(/v\d/), 'nothing published');
      // Fix it, validate, publish.
      rule.when = "text CONTAINS 'parcel'";
      await editor.fill(JSON.stringify({ ...doc, rules: [rule, ...(doc.rules || [])] }, null, 2));
      await page.locator('#wf-validate').click();
      await until('valid', async () => /Valid|校验通过/.test(await page.locator('#workflow-note').textContent()));
      assert(await page.locator('#workflow-errors li').count() === 0, 'errors cleared');
      await page.locator('#wf-activate').click();
      await until('published', async () => /(Published|已发布): v\d+/.test(await page.locator('#workflow-note').textContent()));
      const published = Number((await page.locator('#workflow-note').textContent()).match(/v(\d+)/)[1]);
      await page.locator(`#workflow-versions li[data-version="${published}"][data-active="true"]`).waitFor();
      // Simulate: the new rule matches a parcel question, and says so.
      await page.locator('#sim-text').fill('where is my parcel');
      await page.locator('#wf-simulate').click();
      await until('simulation names the rule', async () => /parcels/.test(await page.locator('#sim-rule').textContent()), 15e3);
      // History and roll back to the version before (when there is one, else publish again first).
      if (published === 1) {
        await page.locator('#wf-activate').click();
        await page.locator('#workflow-versions li[data-version="2"][data-active="true"]').waitFor();
      }
      const current = published === 1 ? 2 : published;
      await page.locator(`#workflow-versions li[data-version="${current - 1}"] button.rollback`).click();
      await until('rolled back', async () => (await ctx.api('GET', '/api/v1/routing/workflow/versions', { token })).body.items.find(v => v.active).version !== current);
      // The history list re-renders after the rollback's answer: wait for it to show the change.
      await until('the history shows the published version no longer active', async () =>
        (await page.locator(`#workflow-versions li[data-version="${current}"][data-active="true"]`).count()) === 0 &&
        (await page.locator('#workflow-versions li[data-active="true"]').count()) === 1);
      await ctx.screenshot(page, 'browser-routing.png');
    }
  }
];
