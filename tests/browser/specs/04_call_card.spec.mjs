// Incoming-call screen pop, the real way: a SIP INVITE from a "PBX" on loopback (UDP) to the
// server's SIP listener for a DID routed to a queue; the online agent with a SIP address gets
// `call.incoming` on the agent WebSocket and the workbench opens the card with the caller's
// 360 summary (the INVITE is answered with a 302 to the agent's phone).
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { loginAgent, until, assert } from './helpers.mjs';

const DID = '+15550177';

function invite(port, caller, callId) {
  const branch = 'z9hG4bK-' + callId.slice(-8);
  return Buffer.from(`INVITE sip:${DID}@127.0.0.1:${port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:0;rport;branch=${branch}\r\n` +
    `From: "Caller" <sip:${caller}@127.0.0.1>;tag=ft${callId.slice(-6)}\r\n` +
    `To: <sip:${DID}@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
}

export const tests = [
  {
    name: 'a SIP INVITE routed to the agent opens the incoming-call card with the caller summary',
    async run(ctx) {
      let port = 0;
      try { port = Number(readFileSync(ctx.info.sip_port_file, 'utf8').trim()); } catch { /* no SIP listener */ }
      if (!port) ctx.skip('the server reported no SIP port (CC_SIP_PORT_FILE)');
      const admin = await ctx.api('POST', '/api/v1/auth/login', { body: { email: ctx.info.admin_email, password: ctx.info.admin_password } });
      const token = admin.body.token;
      const account = await ctx.api('POST', '/api/v1/channel-accounts', { token, body: { channel: 'voice', name: 'Browser PBX',
        config: { gateways: ['127.0.0.1/32'], overflow_uri: 'sip:overflow@127.0.0.1:5999', webhook_secret: 'browser-voice-secret-0123456789', dids: { [DID]: 'default' } } } });
      assert(account.status === 201, 'voice account: ' + JSON.stringify(account.body));
      // agent2 takes the call: nothing else of the earlier specs is assigned to them.
      const agentId = String((await ctx.sql("SELECT id FROM agents WHERE email = 'agent2@example.com'"))[0][0]);
      const patched = await ctx.api('PATCH', `/api/v1/agents/${agentId}`, { token, body: { sip_uri: 'sip:2002@pbx.test' } });
      assert(patched.status === 200, 'sip_uri: ' + patched.status);
      await ctx.sql(`UPDATE agents SET status = 'offline' WHERE id <> ${agentId}`);
      const page = await ctx.newPage();
      await loginAgent(ctx, page, ctx.info.agent2_email, ctx.info.agent_password);
      await page.locator('#presence').selectOption('online');
      await until('online', async () => (await page.locator('#presence').getAttribute('class')).includes('online'));
      const socket = createSocket('udp4');
      const replies = [];
      socket.on('message', m => replies.push(m.toString()));
      await new Promise(r => socket.bind(0, '127.0.0.1', r));
      const callId = 'browser-' + Date.now();
      try {
        socket.send(invite(port, '+8613812345177', callId), port, '127.0.0.1');
        const card = page.locator(`#calls .call-card[data-call-id="${callId}"]`);
        await card.waitFor({ timeout: 10e3 });
        assert((await card.locator('.caller').textContent()).includes('+8613812345177'), 'caller number on the card');
        await card.locator('.open-tickets').waitFor();
        await card.locator('.orders').waitFor();
        await until('the PBX got the final answer', async () => replies.some(r => /^SIP\/2\.0 (302|486|480)/.test(r)));
        assert(replies.some(r => r.startsWith('SIP/2.0 302') && r.includes('sip:2002@pbx.test')), 'redirected to the agent: ' + replies.map(r => r.split('\r\n')[0]).join(' | '));
        await ctx.screenshot(page, 'browser-call-card.png');
      } finally { socket.close(); }
    }
  }
];
