// The core flow: an agent logs in; a visitor in a second browser context chats; the message shows
// live in the agent's inbox; the agent replies and the visitor sees it; customer text that looks
// like HTML stays text; the widget and the workbench reconnect after the server drops every
// socket, and nothing is shown twice.
import { loginAgent, openWidget, visitorSend, widgetBodies, until, assert, count } from './helpers.mjs';

const s = {}; // state shared by the steps, in order

export const tests = [
  {
    name: 'an agent logs in and goes online',
    async run(ctx) {
      s.agent = await ctx.newPage();
      await loginAgent(ctx, s.agent, ctx.info.agent_email, ctx.info.agent_password);
      await s.agent.locator('#presence').selectOption('online');
      await until('status online', async () => (await s.agent.locator('#presence').getAttribute('class')).includes('online'));
      const token = await s.agent.evaluate(() => sessionStorage.getItem('cc-workbench-token'));
      assert(token && token.startsWith('cct_'), 'token kept in sessionStorage');
      s.token = token;
    }
  },
  {
    name: 'a visitor message appears live in the agent inbox, with unread count',
    async run(ctx) {
      s.visitor = await ctx.newPage();
      await openWidget(ctx, s.visitor);
      await visitorSend(s.visitor, 'Hello, my parcel has not arrived');
      const row = s.agent.locator('#conv-list li.conv', { hasText: 'Hello, my parcel has not arrived' });
      await row.waitFor({ timeout: 10e3 });
      assert(await row.locator('.unread').textContent() === '1', 'unread count 1');
      assert(await row.locator('.ch svg').count() === 1, 'channel icon as inline SVG');
      s.conversationId = await row.getAttribute('data-id');
      await row.locator('button').click();
      await s.agent.locator('#thread .msg.in .body', { hasText: 'Hello, my parcel has not arrived' }).waitFor();
      assert(await row.locator('.unread').count() === 0, 'opening the conversation clears unread');
    }
  },
  {
    name: 'the agent sees the visitor typing, the visitor sees the agent typing',
    async run(ctx) {
      await s.visitor.locator('#chat textarea#text').pressSequentially('abc', { delay: 30 });
      await s.agent.locator('.typing', { hasText: /typing/ }).waitFor({ timeout: 5e3 });
      await s.visitor.locator('#chat textarea#text').fill('');
      await s.agent.locator('#reply').pressSequentially('Hel', { delay: 30 });
      await s.visitor.locator('#chat .typing', { hasText: /typing/ }).waitFor({ timeout: 5e3 });
    }
  },
  {
    name: 'the agent replies with Enter and the visitor sees it; Shift+Enter makes a new line',
    async run(ctx) {
      const reply = s.agent.locator('#reply');
      await reply.fill('Sorry to hear that!');
      await reply.press('Shift+Enter');
      await reply.pressSequentially('Which order number?');
      assert((await reply.inputValue()).includes('\n'), 'Shift+Enter inserts a new line');
      await reply.press('Enter');
      await s.agent.locator('#thread .msg.out .body', { hasText: 'Which order number?' }).waitFor();
      await until('reply status sent', async () => (await s.agent.locator('#thread .msg.out .status').last().getAttribute('data-status')) === 'sent');
      await until('visitor sees the reply', async () => (await widgetBodies(s.visitor)).includes('Sorry to hear that!\nWhich order number?'));
      await ctx.screenshot(s.agent, 'browser-workbench.png');
      await ctx.screenshot(s.visitor, 'browser-widget.png');
    }
  },
  {
    name: 'customer text with <script> and <img onerror> shows literally, nothing runs',
    async run(ctx) {
      const payload = '<script>alert(1)</script><img src=x onerror="alert(2)"> <b>bold</b>';
      await visitorSend(s.visitor, payload);
      const body = s.agent.locator('#thread .msg.in .body', { hasText: '<script>alert(1)</script>' });
      await body.waitFor({ timeout: 10e3 });
      assert(await body.textContent() === payload, 'thread shows the exact text');
      const preview = s.agent.locator(`#conv-list li.conv[data-id="${s.conversationId}"] .preview`);
      await until('inbox preview shows the text', async () => (await preview.textContent()).includes('<img src=x onerror='));
      assert(await s.agent.locator('#thread img, #conv-list img, #thread script, #thread b').count() === 0, 'no element made from customer text');
      // The agent quotes it back: the visitor's widget must show it as text too.
      await s.agent.locator('#reply').fill('You wrote: ' + payload);
      await s.agent.locator('#reply').press('Enter');
      await until('visitor sees the quoted reply', async () => (await widgetBodies(s.visitor)).includes('You wrote: ' + payload));
      assert(await s.visitor.locator('#chat .log img, #chat .log b').count() === 0, 'no element in the widget');
      await new Promise(r => setTimeout(r, 300));
      assert(ctx.dialogs.length === 0, 'no dialog fired: ' + ctx.dialogs.join(', '));
    }
  },
  {
    name: 'a failed delivery shows "Failed" with a retry button that requeues the outbox row',
    async run(ctx) {
      await s.agent.locator('#reply').fill('this one will fail');
      await s.agent.locator('#reply').press('Enter');
      const bubble = s.agent.locator('#thread .msg.out', { hasText: 'this one will fail' });
      await until('sent', async () => (await bubble.locator('.status').getAttribute('data-status')) === 'sent');
      const id = await bubble.getAttribute('data-id');
      assert(/^\d+$/.test(id), 'message id on the bubble');
      // The provider gave up: the outbox dead-letters the row (what the dispatcher does after its retries).
      await ctx.sql(`UPDATE outbox SET status = 'failed', dead_lettered_at = now(), last_error = 'test' WHERE message_id = ${id}`);
      await ctx.sql(`UPDATE messages SET delivery_status = 'failed' WHERE id = ${id}`);
      await s.agent.locator(`#conv-list li.conv[data-id="${s.conversationId}"] button`).click(); // re-read the thread
      await until('failed shown', async () => (await bubble.locator('.status').getAttribute('data-status')) === 'failed');
      await bubble.locator('button.retry').click();
      await until('sent again', async () => (await bubble.locator('.status').getAttribute('data-status')) === 'sent', 15e3);
      const rows = await ctx.sql(`SELECT status FROM outbox WHERE message_id = ${id}`);
      assert(JSON.stringify(rows) === '[["sent"]]', 'outbox row sent: ' + JSON.stringify(rows));
      await until('visitor sees it once', async () => count(await widgetBodies(s.visitor), 'this one will fail') === 1);
    }
  },
  {
    name: 'after the server drops every socket, widget and workbench reconnect and nothing is duplicated',
    async run(ctx) {
      await visitorSend(s.visitor, 'before the drop');
      await s.agent.locator('#thread .msg.in .body', { hasText: 'before the drop' }).waitFor();
      await ctx.serverDown(); // SIGTERM closes every socket
      await s.agent.locator('#conn[data-state="down"]').waitFor({ timeout: 10e3 });
      // Typed while the server is away: kept in the widget's queue and shown as sending.
      await visitorSend(s.visitor, 'sent while reconnecting');
      await s.visitor.locator('#chat .log li.me', { hasText: 'sent while reconnecting' }).waitFor();
      await new Promise(r => setTimeout(r, 1500));
      await ctx.serverUp(); // the same port comes back
      await s.agent.locator('#conn[data-state="live"]').waitFor({ timeout: 20e3 });
      const resumedAfter = Number(await s.agent.locator('#conn').getAttribute('data-resumed-after'));
      assert(resumedAfter > 0, 'the workbench resumed after its last seq, got ' + resumedAfter);
      // The workbench resumed from its last seq: the message arrives without a reload.
      await s.agent.locator('#thread .msg.in .body', { hasText: 'sent while reconnecting' }).waitFor({ timeout: 20e3 });
      await s.agent.locator('#reply').fill('after the drop');
      await s.agent.locator('#reply').press('Enter');
      await until('visitor sees the reply after the drop', async () => (await widgetBodies(s.visitor)).includes('after the drop'), 20e3);
      await new Promise(r => setTimeout(r, 500));
      const texts = await widgetBodies(s.visitor);
      for (const text of ['Hello, my parcel has not arrived', 'before the drop', 'sent while reconnecting', 'after the drop']) {
        assert(count(texts, text) === 1, `"${text}" shown once in the widget, got ${count(texts, text)}: ${JSON.stringify(texts)}`);
      }
      const thread = await s.agent.locator('#thread .msg .body').allTextContents();
      for (const text of ['before the drop', 'sent while reconnecting', 'after the drop']) {
        assert(count(thread, text) === 1, `"${text}" shown once in the agent thread, got ${count(thread, text)}`);
      }
      // The widget survives a page reload with the same history, once each.
      await s.visitor.reload();
      await until('history after reload', async () => (await widgetBodies(s.visitor)).includes('after the drop'));
      const again = await widgetBodies(s.visitor);
      assert(JSON.stringify(again) === JSON.stringify(texts), `same history after reload: ${JSON.stringify(again)}`);
    }
  },
  {
    name: 'the agent closes the conversation (two presses); the reply box goes away',
    async run(ctx) {
      const row = s.agent.locator(`#conv-list li.conv[data-id="${s.conversationId}"]`);
      await row.locator('button').click();
      await s.agent.locator('#btn-close').click();
      assert((await s.agent.locator('#btn-close').textContent()) === 'Press again to close', 'first press asks');
      await s.agent.locator('#btn-close').click();
      await s.agent.locator('.conv-head .tag.st-closed').waitFor();
      assert(await s.agent.locator('form.composer').isHidden(), 'no reply box on a closed conversation');
      await row.waitFor({ state: 'detached' }); // the default filter hides closed conversations
      assert(ctx.dialogs.length === 0, 'no native dialog used');
    }
  }
];
