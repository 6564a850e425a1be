/* Web chat widget: <script src="https://HOST/widget/widget.js" data-channel="1" async></script>
   data-inline="true" renders the panel where the script tag is instead of a floating launcher.
   Speaks /widget/v1 (src/channels/webchat/webchat_routes.cpp). Outside text only ever goes into textContent. */
(() => {
  'use strict';
  const script = document.currentScript || document.querySelector('script[src*="widget.js"][data-channel]');
  if (!script) return;
  const channel = script.dataset.channel || '1', inline = script.dataset.inline === 'true';
  // The server that served this file is the one to talk to, wherever the host page lives.
  const base = new URL('..', script.src).href.replace(/\/$/, '');
  const KEY = `cc-webchat:${base}:${channel}`;
  if (window[KEY]) return; // the tag was included twice
  window[KEY] = true;

  // Chinese where the browser lists Chinese before English (or data-lang="zh"), English otherwise.
  const wantsZh = () => {
    if (script.dataset.lang) return /^zh/i.test(script.dataset.lang);
    for (const tag of navigator.languages || [navigator.language || '']) {
      if (/^zh\b/i.test(tag)) return true;
      if (/^en\b/i.test(tag)) return false;
    }
    return false;
  };
  const T = wantsZh() ? {
    title: '在线客服', open: '打开聊天', close: '关闭聊天', name: '姓名（可选）', email: '邮箱（可选）',
    input: '输入消息', send: '发送', hint: 'Enter 发送，Shift+Enter 换行', welcome: '您好！请留言，我们会尽快回复。',
    sending: '发送中…', sent: '已发送', failed: '发送失败', retry: '重试', offline: '连接中断，正在重连…',
    badEmail: '请填写有效的邮箱地址', tooLong: '消息太长了', agent: '客服', me: '我', typing: '客服正在输入…',
    csatQ: '请为本次服务打分', csatComment: '想说点什么吗？（可选）', csatSend: '提交评价', csatThanks: '感谢您的评价！',
    csatRate: n => `${n} 星`, csatText: (n, c) => `评分：${n}/5${c ? `，${c}` : ''}`
  } : {
    title: 'Chat with us', open: 'Open chat', close: 'Close chat', name: 'Name (optional)', email: 'Email (optional)',
    input: 'Message', send: 'Send', hint: 'Enter to send, Shift+Enter for a new line',
    welcome: 'Hi! Leave us a message and we will reply soon.',
    sending: 'Sending…', sent: 'Sent', failed: 'Not sent', retry: 'Retry', offline: 'Connection lost, reconnecting…',
    badEmail: 'Please enter a valid email address', tooLong: 'The message is too long', agent: 'Support', me: 'You',
    typing: 'Support is typing…', csatQ: 'How did we do?', csatComment: 'Anything to add? (optional)', csatSend: 'Send rating',
    csatThanks: 'Thank you for your feedback!', csatRate: n => `${n} star${n > 1 ? 's' : ''}`,
    csatText: (n, c) => `Rating: ${n}/5${c ? ` - ${c}` : ''}`
  };

  // --- State that survives a reload: token, resume point, unsent queue, recent messages. ---
  let ls = null, st = {};
  try { ls = localStorage; st = JSON.parse(ls.getItem(KEY)) || {}; } catch (e) { /* blocked storage (sandboxed frame): memory only */ }
  st.queue = st.queue || []; st.msgs = st.msgs || []; st.lastId = st.lastId || '0';
  const save = () => {
    st.msgs = st.msgs.slice(-100);
    try { ls && ls.setItem(KEY, JSON.stringify(st)); } catch (e) { st.msgs = st.msgs.slice(-10); } // over quota: shrink the cache
  };
  // Ids are int64 in decimal strings: compare as strings so nothing is rounded.
  const gt = (a, b) => a.length !== b.length ? a.length > b.length : a > b;
  const uuid = () => crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');

  // --- DOM, in a shadow root so the host page's CSS and ours never meet. Static markup only. ---
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>
:host{all:initial;font:14px/1.45 system-ui,sans-serif;color:#1f2937;--c:#2563eb;--l:#e5e7eb}
:host(.float){position:fixed;right:20px;bottom:20px;z-index:2147483000}
:host(.inline){display:block}
*{box-sizing:border-box;font:inherit}
[hidden]{display:none!important}
button{cursor:pointer;border:0;background:var(--c);color:#fff;border-radius:8px}
.launcher{width:56px;height:56px;border-radius:50%;position:relative;float:right}
svg{width:26px;vertical-align:middle}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;border-radius:10px;background:#dc2626;font-size:12px;line-height:20px}
.panel{display:flex;flex-direction:column;background:#fff;border:1px solid var(--l);border-radius:9px;overflow:hidden;height:520px}
:host(.float) .panel{width:min(370px,90vw);height:min(540px,80vh);margin-bottom:12px;box-shadow:0 8px 30px #0003}
header{display:flex;gap:8px;align-items:center;padding:12px 14px;background:var(--c);color:#fff}
h2{margin:0;font-size:16px;font-weight:600;flex:1}
.net{font-size:12px}
.x{font-size:22px;line-height:1}
.log{flex:1;overflow-y:auto;margin:0;padding:12px;list-style:none;background:#f8f9fb}
li{display:flex;flex-direction:column;margin:6px 0;max-width:82%}
.me{margin-left:auto;align-items:flex-end}
.sys{max-width:none;align-items:center;color:#6b7280;text-align:center}
.body{padding:8px 11px;border-radius:9px;background:#fff;border:1px solid var(--l);white-space:pre-wrap;overflow-wrap:anywhere}
.me .body{background:var(--c);color:#fff}
.failed .body{opacity:.6}
.meta,.note{font-size:11px;color:#6b7280}
.meta button{background:none;color:var(--c);text-decoration:underline;padding:0 0 0 6px}
form{border-top:1px solid var(--l);padding:10px;display:grid;gap:6px}
.pre,.row{display:flex;gap:6px}
input,textarea{width:100%;border:1px solid #ccc;border-radius:8px;padding:7px 9px;resize:none}
:focus-visible{outline:2px solid var(--c);outline-offset:1px}
.send{padding:0 14px;white-space:nowrap}
.err{color:#b91c1c}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.typing{min-height:18px;padding:0 12px;font-size:12px;color:#6b7280;background:#f8f9fb}
.csat{border-top:1px solid var(--l);padding:10px;display:grid;gap:6px;background:#fffbeb}
.stars{display:flex;gap:4px}.stars button{background:#fff;color:#d97706;border:1px solid #fcd34d;font-size:18px;width:36px;height:32px}
.stars button[aria-pressed=true]{background:#f59e0b;color:#fff}
</style>
<section class="panel" id="panel" role="dialog" aria-labelledby="title">
<header><h2 id="title" data-t="title"></h2><span class="net" role="status"></span><button class="x" type="button" data-al="close">×</button></header>
<ol class="log" role="log" aria-live="polite"><li class="sys" data-t="welcome"></ol>
<div class="typing" role="status"></div>
<div class="csat" hidden><div data-t="csatQ"></div><div class="stars" role="group" data-al="csatQ"></div><textarea class="csat-comment" rows="2" maxlength="1000" data-ph="csatComment" data-al="csatComment"></textarea><div class="row"><button type="button" class="send csat-send" data-t="csatSend" disabled></button></div></div>
<form novalidate>
<div class="pre"><input name="name" autocomplete="name" maxlength="60" data-al="name" data-ph="name"><input name="email" type="email" autocomplete="email" data-al="email" data-ph="email"></div>
<label class="sr" for="text" data-t="input"></label>
<div class="row"><textarea id="text" rows="2" aria-describedby="note" data-ph="input"></textarea><button class="send" data-t="send"></button></div>
<div class="note" id="note" data-t="hint"></div>
</form></section>
<button class="launcher" type="button" aria-controls="panel" aria-expanded="false" data-al="open"><svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg><span class="badge" hidden></span></button>`;
  for (const n of root.querySelectorAll('[data-t],[data-al],[data-ph]')) {
    const d = n.dataset;
    if (d.t) n.textContent = T[d.t];
    if (d.al) n.setAttribute('aria-label', T[d.al]);
    if (d.ph) n.placeholder = T[d.ph];
  }
  const $ = s => root.querySelector(s);
  const panel = $('.panel'), log = $('.log'), form = $('form'), text = $('#text'), net = $('.net');
  const launcher = $('.launcher'), badge = $('.badge'), pre = $('.pre'), note = $('.note'), x = $('.x');
  const nameIn = form.elements.name, emailIn = form.elements.email;
  const typingLine = $('.typing'), csatBox = $('.csat'), stars = $('.stars'), csatComment = $('.csat-comment'), csatSend = $('.csat-send');
  host.className = inline ? 'inline' : 'float';
  launcher.hidden = x.hidden = inline; panel.hidden = !inline;
  if (inline) script.before(host); else (document.body || document.documentElement).append(host);

  let unread = 0;
  const setOpen = open => {
    panel.hidden = !open; launcher.setAttribute('aria-expanded', open);
    if (open) { unread = 0; badge.hidden = true; log.scrollTop = log.scrollHeight; text.focus(); } else launcher.focus();
  };
  launcher.onclick = () => setOpen(panel.hidden);
  x.onclick = () => setOpen(false);
  panel.onkeydown = e => { if (e.key === 'Escape' && !inline) setOpen(false); };
  const showNote = (msg, err) => { note.textContent = msg || T.hint; note.className = err ? 'note err' : 'note'; };
  const chrome = () => {
    pre.hidden = !!(st.token || st.msgs.length);
    net.textContent = st.token && !ready && fails ? T.offline : '';
  };

  // --- Rendering: one <li> per message, found by server id, or by client_message_id until acked. ---
  const byId = new Map(), byCid = new Map();
  const bubble = (mine, content, id) => {
    const li = document.createElement('li'), body = document.createElement('div');
    li.className = mine ? 'me' : 'them'; body.className = 'body'; body.textContent = content;
    li.append(body, Object.assign(document.createElement('div'), { className: 'meta' }));
    if (id) { li.dataset.id = id; byId.set(id, li); }
    // Keep server order: step back over later ids (a backlog may fill a gap after a reconnect).
    let n = log.lastElementChild;
    while (id && n.dataset.id && gt(n.dataset.id, id)) n = n.previousElementSibling;
    n.after(li);
    log.scrollTop = log.scrollHeight;
    return li;
  };
  const setMeta = (li, m, state, q) => {
    const meta = li.lastChild;
    const time = m.created_at && new Date(m.created_at).toLocaleTimeString(navigator.language, { hour: '2-digit', minute: '2-digit' });
    meta.textContent = [m.direction === 'outbound' ? T.agent : T.me, time, T[state]].filter(Boolean).join(' · ');
    li.classList.toggle('failed', state === 'failed');
    if (state === 'failed') {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: T.retry });
      b.onclick = () => { q.failed = false; save(); setMeta(li, m, 'sending', q); text.focus(); dispatch(q); };
      meta.append(b);
    }
  };
  const showMessage = m => setMeta(bubble(m.direction === 'inbound', m.content, m.id), m);
  const showPending = q => { const li = bubble(true, q.content); byCid.set(q.cid, li); setMeta(li, {}, q.failed ? 'failed' : 'sending', q); };
  const remember = m => st.msgs.push(m);

  // A message from the server (live, backlog or REST history). Only these move the resume point:
  // an ack's id could overtake an agent reply still in flight.
  const onMessage = m => {
    if (gt(m.id, st.lastId)) st.lastId = m.id;
    if (!byId.has(m.id)) {
      remember(m); showMessage(m);
      if (m.direction === 'outbound') typingLine.textContent = '';
      if (m.direction === 'outbound' && panel.hidden) { badge.textContent = ++unread; badge.hidden = false; }
    }
    save(); chrome();
  };
  const onAck = d => {
    const cid = d.client_message_id, li = byCid.get(cid);
    st.queue = st.queue.filter(q => q.cid !== cid); byCid.delete(cid);
    if (byId.has(d.id)) { if (li && byId.get(d.id) !== li) li.remove(); } // the backlog beat the ack
    else if (li) { li.dataset.id = d.id; byId.set(d.id, li); remember(d); setMeta(li, d, 'sent'); }
    save();
  };
  const onFailed = (cid, detail) => {
    const q = st.queue.find(i => i.cid === cid), li = byCid.get(cid);
    if (!q) return;
    q.failed = true; save();
    if (li) setMeta(li, {}, 'failed', q);
    if (detail) showNote(detail, true);
  };

  // --- Transport: a WebSocket that resumes from lastId; REST while the socket will not open. ---
  let ws = null, ready = false, fails = 0, timer = 0, busy = false, resting = false, pong = 0;
  const api = (method, path, body) => fetch(base + '/widget/v1' + path, {
    method, body: body && JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + (st.token || '') }
  }).catch(() => null); // network down: the caller tries again later
  const detail = r => r.json().then(p => p.detail, () => '');
  const final = r => r.status < 500 && r.status !== 429; // a 4xx other than 429 will not heal by retrying
  const dropSession = () => { delete st.token; st.lastId = '0'; save(); };
  const newSession = async () => {
    // After an expired token the remembered name and email introduce the visitor again.
    st.name = nameIn.value.trim() || st.name; st.email = emailIn.value.trim() || st.email;
    const r = await api('POST', `/${encodeURIComponent(channel)}/sessions`, { name: st.name, email: st.email });
    if (r && r.status === 201) { const s = await r.json(); st.token = s.visitor_token; st.expires = s.expires_at; save(); return true; }
    if (r && final(r)) { showNote(await detail(r), true); return null; }
    return false;
  };
  const sendWs = q => q.failed || ws.send(JSON.stringify({ type: 'message', client_message_id: q.cid, content: q.content }));
  const connect = async () => {
    clearTimeout(timer);
    if (ws || busy) return;
    if (st.token && !(Date.parse(st.expires) - 60e3 > Date.now())) dropSession(); // expired: start afresh
    if (!st.token && !st.queue.some(q => !q.failed)) return chrome(); // no chat yet: nothing to open
    if (!st.token) {
      busy = true; const ok = await newSession(); busy = false;
      if (ok === null) return st.queue.forEach(q => onFailed(q.cid)); // e.g. a bad name: fix it, then retry
      if (!ok) return retry();
    }
    const sock = ws = new WebSocket(`${base.replace(/^http/, 'ws')}/widget/v1/ws?token=${encodeURIComponent(st.token)}&after=${st.lastId}`);
    sock.onmessage = e => {
      let f; try { f = JSON.parse(e.data); } catch (_) { return; }
      const d = f.data || {};
      pong = Date.now();
      if (f.type === 'session.ready') { ready = true; fails = 0; chrome(); st.queue.forEach(sendWs); }
      else if (f.type === 'message') onMessage(d);
      else if (f.type === 'ack') onAck(d);
      else if (f.type === 'typing') showTyping();
      else if (f.type === 'csat.request' || f.type === 'conversation.closed') askCsat(d); // the tickets survey hook
      else if (f.type === 'error' && d.client_message_id) onFailed(d.client_message_id, d.detail);
      else if (f.type === 'error' && d.status === 401) dropSession(); // the close that follows starts a new session
    };
    sock.onclose = () => drop(sock);
  };
  const drop = sock => {
    if (ws !== sock) return;
    sock.onclose = sock.onmessage = null; sock.close();
    ws = null; ready = false; retry();
  };
  const retry = () => {
    fails++; chrome();
    if (fails >= 3) rest();
    // Exponential backoff capped at 10 s; the jitter keeps a crowd of visitors from reconnecting in step.
    timer = setTimeout(connect, Math.min(10e3, 500 * 2 ** fails) * (0.75 + Math.random() / 2));
  };
  // Fallback while the socket cannot open: post the queue and fetch what we missed, once per retry tick.
  const rest = async () => {
    if (!st.token || resting) return;
    resting = true;
    try {
      for (const q of st.queue.filter(i => !i.failed)) {
        const r = await api('POST', '/messages', { client_message_id: q.cid, content: q.content });
        if (!r) return;
        if (r.ok) onAck(await r.json());
        else if (r.status === 401) return dropSession();
        else if (final(r)) onFailed(q.cid, await detail(r));
      }
      const r = await api('GET', '/messages?after=' + st.lastId); // a page per tick is enough
      if (r && r.ok) (await r.json()).items.forEach(onMessage);
    } finally { resting = false; }
  };
  const dispatch = q => ready ? sendWs(q) : fails >= 3 && st.token ? rest() : connect();
  // A half-open socket (laptop lid, Wi-Fi switch) may never fire onclose: ping, and drop it when silent.
  setInterval(() => { if (ready) Date.now() - pong > 60e3 ? drop(ws) : ws.send('{"type":"ping"}'); }, 25e3);
  addEventListener('online', () => { fails = 0; connect(); });

  // --- Agent typing: shown for 4 s after each relay; a message from the agent ends it. ---
  let typingTimer = 0;
  const showTyping = () => {
    typingLine.textContent = T.typing;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingLine.textContent = ''; }, 4000);
  };

  // --- CSAT prompt: opened by a `csat.request` (or `conversation.closed`) frame from the server, or by
  // the host page with document.dispatchEvent(new CustomEvent('cc-webchat:csat')). The rating goes to
  // POST /widget/v1/csat {survey_id, conversation_id, rating, comment}; until the tickets module serves
  // that route (404) it is sent as an ordinary message, which a text survey understands too. ---
  let rating = 0, survey = {};
  for (let n = 1; n <= 5; n++) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: '★' });
    b.setAttribute('aria-label', T.csatRate(n)); b.setAttribute('aria-pressed', 'false');
    b.onclick = () => { rating = n; csatSend.disabled = false; for (const s of stars.children) s.setAttribute('aria-pressed', String(+s.dataset.n <= n)); };
    b.dataset.n = n; stars.append(b);
  }
  const askCsat = d => {
    if (st.csatDone && st.csatDone === (d && (d.survey_id || d.conversation_id))) return;
    survey = d || {}; csatBox.hidden = false;
    if (panel.hidden && !inline) { badge.textContent = ++unread; badge.hidden = false; }
  };
  csatSend.onclick = async () => {
    const comment = csatComment.value.trim().slice(0, 1000);
    csatBox.hidden = true;
    const r = st.token && await api('POST', '/csat', { survey_id: survey.survey_id, conversation_id: survey.conversation_id, rating, comment });
    if (!r || !r.ok) { const q = { cid: uuid(), content: T.csatText(rating, comment) }; st.queue.push(q); showPending(q); dispatch(q); }
    st.csatDone = survey.survey_id || survey.conversation_id || true; save();
    const li = document.createElement('li'); li.className = 'sys'; li.textContent = T.csatThanks; log.append(li);
  };
  document.addEventListener('cc-webchat:csat', e => askCsat(e.detail));

  // --- Composer ---
  const submit = () => {
    const content = text.value.trim();
    if (!content) return;
    if (!emailIn.checkValidity()) { showNote(T.badEmail, true); return emailIn.focus(); }
    if (new TextEncoder().encode(content).length > 16384) return showNote(T.tooLong, true); // the server's limit
    showNote();
    const q = { cid: uuid(), content };
    st.queue.push(q); save();
    text.value = ''; text.focus();
    showPending(q); chrome(); dispatch(q);
  };
  form.onsubmit = e => { e.preventDefault(); submit(); };
  let typingSent = 0;
  text.oninput = () => { // the agent sees "typing", at most every 1.5 s
    if (ready && Date.now() - typingSent > 1500) { typingSent = Date.now(); ws.send('{"type":"typing"}'); }
  };
  text.onkeydown = e => {
    // isComposing: the Enter that picks a Chinese/Japanese IME candidate must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  };

  // Restore what this browser already saw, then resume after the last id.
  st.msgs.sort((a, b) => gt(a.id, b.id) ? 1 : -1).forEach(showMessage);
  st.queue.forEach(showPending);
  nameIn.value = st.name || ''; emailIn.value = st.email || '';
  connect();
})();
