// The conversation pane: thread (sender, time, channel, email subject), live messages and typing,
// reply box (Enter sends, Shift+Enter new line), per-message send status with retry, close.
import { h, clear, uuid } from './dom.js';
import { t, onLangChange, formatTime } from './i18n.js';
import { api, get, post, getAll, ApiError } from './api.js';
import { store, on, emit, addMessages, threadOf, upsertConversation, markRead, setMessageStatus } from './store.js';
import { channelIcon } from './icons.js';
import { emailHtmlFrame } from './email_view.js';
import { cannedMenu, suggestionsPanel, forgetCanned } from './composer_aids.js';

const pending = new Map(); // idempotency key -> {conversationId, content, state}
let pane, socket;

async function loadThread(id) {
  const items = await getAll(`/api/v1/conversations/${encodeURIComponent(id)}/messages`, 1000);
  addMessages(id, items);
}

// Other agents' names: supervisors and admins may list agents; agents see "Agent #id".
const agentNames = new Map();
let agentNamesLoaded = false;
async function loadAgentNames() {
  if (agentNamesLoaded || !['supervisor', 'admin'].includes(store.me?.role)) return;
  agentNamesLoaded = true;
  try { for (const a of await getAll('/api/v1/agents', 1000)) agentNames.set(a.id, a.name); } catch { /* ids then */ }
}

function senderLabel(m) {
  if (m.direction === 'inbound') return store.conversations.get(m.conversation_id)?.customer_name || t('customer');
  if (m.sender_type === 'agent') return m.sender_agent_id === store.me?.id ? t('you') : agentNames.get(m.sender_agent_id) || `${t('agent')} #${m.sender_agent_id}`;
  return t(m.sender_type) || m.sender_type;
}

// Finds the outbox row of a failed message, then asks for a retry.
async function retryOutbox(m, button) {
  button.disabled = true;
  try {
    const rows = await get(`/api/v1/outbox?conversation_id=${encodeURIComponent(m.conversation_id)}&limit=200`);
    const row = rows.body.items.find(r => r.message_id === m.id && r.status !== 'sent');
    if (!row) throw new ApiError(404, { detail: t('retryFailed') });
    await post(`/api/v1/outbox/${encodeURIComponent(row.id)}/retry`);
    setMessageStatus(m.conversation_id, m.id, 'queued');
  } catch (e) {
    button.disabled = false;
    button.title = e.message;
    button.textContent = t('retryFailed');
  }
}

function statusNode(m) {
  if (m.direction !== 'outbound') return null;
  const s = m.delivery_status || 'queued';
  const node = h('span', { class: 'status s-' + s, dataset: { status: s }, title: m.delivery_error || '', text: t('status_' + s) || s });
  if (s === 'failed') {
    const b = h('button', { type: 'button', class: 'link retry', text: t('retry'), onclick: () => retryOutbox(m, b) });
    return [node, b];
  }
  return node;
}

function messageNode(m) {
  const md = m.metadata || {};
  const channel = store.conversations.get(m.conversation_id)?.channel;
  const body = h('div', { class: 'body', text: m.content });
  return h('li', { class: 'msg ' + (m.direction === 'inbound' ? 'in' : 'out') + (m.sender_type !== 'customer' && m.sender_type !== 'agent' ? ' auto' : ''), dataset: { id: m.id } },
    h('div', { class: 'meta' },
      channel ? h('span', { class: 'ch' }, channelIcon(channel)) : null,
      h('span', { class: 'who', text: senderLabel(m) }),
      h('time', { datetime: m.created_at, text: formatTime(m.created_at) }),
      statusNode(m)),
    md.subject ? h('div', { class: 'subject' }, h('b', { text: t('subject') + ': ' }), md.subject) : null,
    body,
    typeof md.html === 'string' && md.html ? emailHtmlFrame(md.html) : null,
    Array.isArray(md.attachments) && md.attachments.length ? h('ul', { class: 'attachments', 'aria-label': t('attachments') },
      md.attachments.map(a => h('li', { text: `📎 ${a.filename || '?'} (${a.content_type || ''}, ${a.size ?? '?'} B)` }))) : null);
}

function pendingNode(key, p) {
  const li = h('li', { class: 'msg out pending', dataset: { key } },
    h('div', { class: 'meta' }, h('span', { class: 'who', text: t('you') }),
      h('span', { class: 'status s-' + p.state, dataset: { status: p.state }, text: t('status_' + p.state) }),
      p.state === 'failed' ? h('button', { type: 'button', class: 'link retry', text: t('retry'), onclick: () => sendReply(p.conversationId, p.content, key) }) : null),
    h('div', { class: 'body', text: p.content }));
  return li;
}

async function sendReply(conversationId, content, key = uuid()) {
  pending.set(key, { conversationId, content, state: 'sending', startedAt: Date.now() });
  renderThread();
  try {
    const r = await api('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      { body: { content }, headers: { 'Idempotency-Key': 'wb-' + key } });
    pending.delete(key);
    addMessages(conversationId, [r.body]);
    store.waitingSince.delete(conversationId);
    emit('conversations');
  } catch (e) {
    // Network failure or 5xx: keep it with a retry button; the same key makes a retry store it once.
    pending.set(key, { conversationId, content, state: 'failed', error: e.message });
  }
  renderThread();
}

let els = {};
function renderHeader() {
  const c = store.conversations.get(store.selected);
  clear(els.head);
  if (!c) return;
  els.head.append(
    h('span', { class: 'ch' }, channelIcon(c.channel)),
    h('h2', { class: 'title', text: c.customer_name || `${t('customer')} #${c.customer_id}` }),
    h('span', { class: 'tag st-' + c.status, text: t(c.status) }),
    h('span', { class: 'muted', text: `#${c.id} · ${t('channel_' + c.channel)}` }),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', id: 'btn-profile', class: 'ghost', title: 'p', text: t('customer360'), onclick: () => emit('open-profile', c) }),
    h('button', { type: 'button', id: 'btn-ticket', class: 'ghost', title: 't', text: t('newTicket'), onclick: () => emit('new-ticket', c) }),
    c.status !== 'closed' ? h('button', { type: 'button', id: 'btn-close', class: 'ghost danger', title: 'c', text: t('closeConversation'), onclick: closeSelected }) : null);
}

function renderThread() {
  const id = store.selected;
  if (!els.thread || !id) return;
  const atBottom = els.thread.scrollHeight - els.thread.scrollTop - els.thread.clientHeight < 40;
  clear(els.thread);
  const thread = threadOf(id);
  for (const m of thread) els.thread.append(messageNode(m));
  const lastIn = thread.filter(m => m.direction === 'inbound').pop();
  if (lastIn) els.kb?.update(lastIn.content);
  // The stored reply can arrive on the socket before the POST answers: show it once, not twice.
  const arrived = p => p.state === 'sending' && thread.some(m => m.direction === 'outbound' &&
    m.content === p.content && Date.parse(m.created_at) >= p.startedAt - 5000);
  for (const [key, p] of pending) if (p.conversationId === id && !arrived(p)) els.thread.append(pendingNode(key, p));
  if (atBottom || pending.size) els.thread.scrollTop = els.thread.scrollHeight;
  renderTyping();
}

function renderTyping() {
  const until = store.typingUntil.get(store.selected) || 0;
  els.typing.textContent = until > Date.now() ? t('typing') : '';
}

// Closing takes two presses (button or "c") within 4 s: the first arms the button and asks.
let armedUntil = 0;
export async function closeSelected() {
  const id = store.selected;
  const c = store.conversations.get(id);
  const button = els.head?.querySelector('#btn-close');
  if (!c || c.status === 'closed' || !button) return;
  if (Date.now() > armedUntil) {
    armedUntil = Date.now() + 4000;
    button.textContent = t('confirmClose');
    button.classList.add('armed');
    button.focus();
    setTimeout(() => { if (Date.now() >= armedUntil && button.isConnected) { button.textContent = t('closeConversation'); button.classList.remove('armed'); } }, 4100);
    return;
  }
  armedUntil = 0;
  try {
    const r = await post(`/api/v1/conversations/${encodeURIComponent(id)}/close`);
    upsertConversation(r.body);
  } catch (e) {
    button.textContent = `${t('error')}: ${e.message}`;
  }
  renderHeader();
  renderComposer();
}

function renderComposer() {
  const c = store.conversations.get(store.selected);
  els.form.hidden = !c || c.status === 'closed';
}

export async function openConversation(id) {
  store.selected = id;
  markRead(id);
  emit('conversations');
  clear(pane);
  els.head = h('header', { class: 'conv-head' });
  els.thread = h('ol', { class: 'thread', id: 'thread', role: 'log', 'aria-live': 'polite' });
  els.typing = h('div', { class: 'typing', role: 'status' });
  const text = h('textarea', { id: 'reply', rows: 3, maxlength: 65536, placeholder: t('replyHint'), 'aria-label': t('reply') });
  let lastTypingSent = 0;
  text.addEventListener('input', () => {
    if (Date.now() - lastTypingSent > 1500) { lastTypingSent = Date.now(); socket.send({ type: 'typing', conversation_id: id }); }
  });
  const submit = () => {
    const content = text.value.trim();
    if (!content) return;
    text.value = '';
    sendReply(id, content);
  };
  text.addEventListener('keydown', e => {
    // isComposing / 229: the Enter that picks an IME candidate must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });
  forgetCanned();
  const menu = cannedMenu(text); // registered first: its capture handler sees Enter before the send
  els.kb = suggestionsPanel(text);
  els.form = h('form', { class: 'composer', onsubmit: e => { e.preventDefault(); submit(); } },
    menu, text, h('div', { class: 'composer-bar' }, h('span', { class: 'muted', text: t('replyHint') }), h('button', { type: 'submit', id: 'send', text: t('send') })));
  els.text = text;
  pane.append(els.head, els.thread, els.typing, els.kb.box, els.form);
  renderHeader();
  renderComposer();
  renderThread();
  try {
    if (!store.conversations.has(id)) upsertConversation((await get(`/api/v1/conversations/${encodeURIComponent(id)}`)).body);
    renderHeader();
    renderComposer();
    await loadAgentNames();
    await loadThread(id);
  } catch (e) {
    els.thread.append(h('li', { class: 'error', text: `${t('error')}: ${e.message}` }));
  }
}

export function focusReply() { els.text?.focus(); }

export function mountConversation(root, agentSocket) {
  pane = root;
  socket = agentSocket;
  pane.append(h('p', { class: 'placeholder', 'data-i18n': 'pickConversation', text: t('pickConversation') }));
  on('messages', id => { if (id === store.selected) renderThread(); });
  on('conversations', () => { if (store.selected && els.head) { renderHeader(); renderComposer(); } });
  socket.on('conversation.typing', d => {
    store.typingUntil.set(d.conversation_id, Date.now() + 4000);
    if (d.conversation_id === store.selected) { renderTyping(); setTimeout(renderTyping, 4100); }
  });
  // The outbox reports each hop (queued, sent, delivered, failed with its error): no polling.
  socket.on('message.status', d => setMessageStatus(d.conversation_id, d.message_id, d.status, d.error));
  // After a reconnect the replay fills most gaps; re-reading the open thread covers the rest.
  socket.on('ready', () => { if (store.selected) loadThread(store.selected).catch(() => {}); });
  onLangChange(() => { if (store.selected) { renderHeader(); renderThread(); els.text.placeholder = t('replyHint'); } });
}
