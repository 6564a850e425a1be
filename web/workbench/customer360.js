// Customer 360 side panel. Pending integration: GET /api/v1/customers/{id}/profile ->
// {customer, identifiers:[{type,value,verified}], orders, returns, complaints, tickets, timeline}
// (identity module, issue 6). Identifier values arrive masked by role from the server.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { unavailableNote, errorNote } from './unavailable.js';

let panel, body, current = null;

// A record of unknown shape, shown as "key: value" lines of its scalar fields, as text.
function summary(record) {
  if (record === null || typeof record !== 'object') return h('span', { text: String(record) });
  const parts = Object.entries(record).filter(([, v]) => v !== null && typeof v !== 'object').slice(0, 6)
    .map(([k, v]) => `${k}: ${v}`);
  return h('span', { text: parts.join(' · ') });
}

function section(titleKey, items, limit = 3) {
  const list = Array.isArray(items) ? items : [];
  return h('section', { class: 'p360-section' },
    h('h4', { text: `${t(titleKey)} (${list.length})` }),
    list.length ? h('ul', {}, list.slice(0, limit).map(i => h('li', {}, summary(i)))) : h('p', { class: 'muted', text: t('none') }));
}

export async function showProfile(conversation) {
  panel.hidden = false;
  current = conversation.customer_id;
  clear(body).append(h('p', { class: 'muted', text: t('loading') }));
  try {
    const r = await get(`/api/v1/customers/${encodeURIComponent(conversation.customer_id)}/profile`);
    if (current !== conversation.customer_id) return;
    const p = r.body || {};
    const c = p.customer || {};
    clear(body).append(
      h('h3', { text: c.name || conversation.customer_name || `#${conversation.customer_id}` }),
      c.tier ? h('p', { class: 'tier', text: String(c.tier) }) : null,
      Array.isArray(c.tags) && c.tags.length ? h('p', {}, c.tags.map(tag => h('span', { class: 'tag', text: String(tag) }))) : null,
      h('section', { class: 'p360-section' }, h('h4', { text: t('identifiers') }),
        h('ul', {}, (p.identifiers || []).map(i => h('li', {},
          h('b', { text: `${i.type}: ` }), String(i.value), ' ',
          h('span', { class: i.verified ? 'ok' : 'muted', text: i.verified ? t('verified') : t('unverified') }))))),
      section('orders', p.orders), section('returns', p.returns), section('complaints', p.complaints),
      section('tickets', p.tickets, 5), section('timeline', p.timeline, 8));
  } catch (e) {
    if (current !== conversation.customer_id) return;
    clear(body).append(e.unavailable ? unavailableNote('customer360') : errorNote(e));
  }
}

export function toggleProfile(conversation) {
  if (!panel.hidden && current === conversation?.customer_id) { panel.hidden = true; return; }
  if (conversation) showProfile(conversation);
}

export function mountCustomer360(root) {
  body = h('div', { class: 'p360-body' });
  panel = h('aside', { class: 'p360', id: 'p360', hidden: true, 'aria-labelledby': 'p360-title' },
    h('header', {}, h('h3', { id: 'p360-title', 'data-i18n': 'customer360', text: t('customer360') }),
      h('button', { type: 'button', class: 'ghost', 'aria-label': '×', text: '×', onclick: () => { panel.hidden = true; } })),
    body);
  root.append(panel);
}
