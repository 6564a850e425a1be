// Unified inbox: the agent's conversations and the queue across channels, with filters, search,
// unread counts and waiting times. Rows are rebuilt from the store; customer text goes in textContent.
import { h, clear, idGt } from './dom.js';
import { t, onLangChange, formatTime, formatWait } from './i18n.js';
import { getAll, get } from './api.js';
import { store, on, emit, upsertConversation } from './store.js';
import { channelIcon, CHANNELS } from './icons.js';

const filters = { view: 'active', channel: '', q: '' };
let list, onOpen, closedLoaded = false;

export async function loadInbox() {
  const [open, queued] = await Promise.all([
    getAll('/api/v1/conversations?status=open', 400), getAll('/api/v1/conversations?status=queued', 400)]);
  const fresh = new Set([...open, ...queued].map(c => c.id));
  // A queued conversation another agent took is no longer ours to see: drop what the server no
  // longer lists (except the one on screen).
  for (const [id, c] of store.conversations) {
    if (c.status !== 'closed' && !fresh.has(id) && id !== store.selected) store.conversations.delete(id);
  }
  for (const c of [...open, ...queued]) upsertConversation(c);
  emit('conversations');
}

async function loadClosed() {
  if (closedLoaded) return;
  closedLoaded = true;
  const r = await get('/api/v1/conversations?status=closed&limit=100');
  for (const c of r.body.items) upsertConversation(c);
}

function visible() {
  const q = filters.q.trim().toLowerCase();
  return [...store.conversations.values()].filter(c => {
    if (filters.view === 'active' && c.status === 'closed') return false;
    if (filters.view === 'mine' && !(c.status === 'open' && c.assignee_id === store.me?.id)) return false;
    if (filters.view === 'queued' && c.status !== 'queued') return false;
    if (filters.view === 'closed' && c.status !== 'closed') return false;
    if (filters.channel && c.channel !== filters.channel) return false;
    if (q && !`${c.customer_name} ${c.last_message_preview} #${c.id}`.toLowerCase().includes(q)) return false;
    return true;
  }).sort((a, b) => {
    // Waiting longest first among those waiting, then most recent activity.
    const wa = store.waitingSince.get(a.id), wb = store.waitingSince.get(b.id);
    if (wa && wb) return wa < wb ? -1 : 1;
    if (wa || wb) return wa ? -1 : 1;
    return a.last_message_at === b.last_message_at ? (idGt(a.id, b.id) ? -1 : 1) : a.last_message_at > b.last_message_at ? -1 : 1;
  });
}

function row(c) {
  const unread = store.unread.get(c.id) || 0;
  const since = store.waitingSince.get(c.id) || (c.status === 'queued' ? c.created_at : null);
  return h('li', { class: 'conv' + (store.selected === c.id ? ' selected' : '') + (unread ? ' has-unread' : ''), dataset: { id: c.id } },
    h('button', { type: 'button', class: 'conv-btn', onclick: () => onOpen(c.id), 'aria-current': store.selected === c.id ? 'true' : null },
      h('span', { class: 'ch ch-' + c.channel }, channelIcon(c.channel)),
      h('span', { class: 'conv-main' },
        h('span', { class: 'conv-top' },
          h('span', { class: 'name', text: c.customer_name || `${t('customer')} #${c.customer_id}` }),
          h('time', { class: 'when', datetime: c.last_message_at, text: formatTime(c.last_message_at) })),
        h('span', { class: 'preview', text: c.last_message_preview || '' }),
        h('span', { class: 'conv-tags' },
          h('span', { class: 'tag st-' + c.status, text: t(c.status) }),
          since && c.status !== 'closed' ? h('span', { class: 'wait', dataset: { since }, text: `${t('waiting')} ${formatWait(Date.now() - Date.parse(since))}` }) : null,
          // SLA countdown: the tickets/SLA module adds sla_due_at; shown when present.
          c.sla_due_at ? h('span', { class: 'sla', text: `${t('sla')} ${formatWait(Date.parse(c.sla_due_at) - Date.now())}` }) : null)),
      unread ? h('span', { class: 'unread', 'aria-label': `${t('unread')} ${unread}`, text: String(unread) }) : null));
}

function render() {
  const items = visible();
  clear(list);
  if (!items.length) list.append(h('li', { class: 'empty', text: t('noConversations') }));
  for (const c of items) list.append(row(c));
}

export function visibleIds() { return visible().map(c => c.id); }

export function mountInbox(root, open) {
  onOpen = open;
  const views = ['active', 'mine', 'queued', 'closed'];
  const viewSelect = h('select', { id: 'filter-view', onchange: () => { filters.view = viewSelect.value; if (filters.view === 'closed') loadClosed().then(render); render(); } });
  const channelSelect = h('select', { id: 'filter-channel', onchange: () => { filters.channel = channelSelect.value; render(); } });
  const search = h('input', { id: 'search', type: 'search', autocomplete: 'off', oninput: () => { filters.q = search.value; render(); } });
  list = h('ul', { class: 'conv-list', id: 'conv-list', role: 'list' });
  const fillFilters = () => {
    clear(viewSelect);
    for (const v of views) viewSelect.append(h('option', { value: v, text: t(v === 'active' ? 'all' : v) }));
    viewSelect.value = filters.view;
    viewSelect.setAttribute('aria-label', t('inbox'));
    clear(channelSelect).append(h('option', { value: '', text: t('allChannels') }));
    for (const ch of CHANNELS) channelSelect.append(h('option', { value: ch, text: t('channel_' + ch) }));
    channelSelect.value = filters.channel;
    channelSelect.setAttribute('aria-label', t('allChannels'));
    search.placeholder = t('search');
    search.setAttribute('aria-label', t('search'));
  };
  fillFilters();
  root.append(h('div', { class: 'filters' }, viewSelect, channelSelect), search, list);
  on('conversations', render);
  onLangChange(() => { fillFilters(); render(); });
  // Waiting times move on their own.
  setInterval(() => { if (document.visibilityState === 'visible') loadInbox().catch(() => {}); }, 30e3);
  setInterval(() => {
    for (const n of list.querySelectorAll('.wait')) n.textContent = `${t('waiting')} ${formatWait(Date.now() - Date.parse(n.dataset.since))}`;
  }, 15e3);
  render();
  return { focusSearch: () => search.focus() };
}
