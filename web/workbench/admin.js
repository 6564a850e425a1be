// Admin pages: one tab per resource, each a list and an editor of the resource's JSON (create
// with POST, edit with the resource's PUT or PATCH). Resources: agents (skills and capacity via
// /api/v1/agents/{id}/routing), queues (teams: members and strategy), channel accounts, canned
// replies, knowledge base (FAQ), SLA policies, business calendars.
import { h, clear } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { api, get } from './api.js';
import { unavailableNote, errorNote } from './unavailable.js';

const RESOURCES = [
  { key: 'agents', path: '/api/v1/agents', edit: 'PATCH', label: a => `${a.name} <${a.email}> ${a.role} ${a.status}`,
    template: { email: 'new.agent@example.com', name: 'New Agent', role: 'agent', password: 'change-me-please-123' } },
  { key: 'queues', path: '/api/v1/queues', id: 'key', edit: 'PATCH', label: q => `${q.key}: ${q.name} (${q.strategy || ''})`,
    template: { key: 'team-a', name: 'Team A', strategy: 'least_busy' } },
  { key: 'channel-accounts', path: '/api/v1/channel-accounts', edit: 'PATCH', label: c => `${c.channel}: ${c.name}${c.active === false ? ' (off)' : ''}`,
    template: { channel: 'webchat', name: 'Web chat 2', config: {} } },
  { key: 'canned-replies', path: '/api/v1/canned-replies', edit: 'PUT', label: r => `/${r.shortcut} [${r.scope}] ${r.title}`,
    template: { shortcut: 'hello', title: 'Greeting', texts: { zh: '您好，请问有什么可以帮您？', en: 'Hello, how can I help?' }, scope: 'team' } },
  { key: 'faq', path: '/api/v1/faq', edit: 'PUT', label: f => `${(f.questions || [])[0] || ''} [${Object.keys(f.answers || {}).join(', ')}]`,
    template: { questions: ['How long does delivery take?'], answers: { en: '3-5 working days.', zh: '3-5 个工作日。' }, tags: [] } },
  { key: 'sla-policies', path: '/api/v1/sla-policies', edit: 'PUT', label: p => `${p.name} (${p.active === false ? 'off' : 'on'})` },
  // Calendars are created, not edited (the API has no PUT: a policy points at a new calendar instead).
  { key: 'business-calendars', path: '/api/v1/business-calendars', edit: null, label: c => `${c.name} ${c.time_zone || c.zone || ''}` }
];
let root, current = RESOURCES[0];

// Strips what the server computes before the object goes back in an edit.
const editable = item => Object.fromEntries(Object.entries(item).filter(([k]) => !['id', 'created_at', 'updated_at', 'owner_agent_id', 'status', 'last_assigned_at', 'version'].includes(k)));
// Resources with a version (SLA policies) are edited with If-Match, so a stale editor gets 412.
const versionHeaders = version => (version === undefined || version === null ? {} : { 'If-Match': `"${version}"` });

async function renderResource(box) {
  const r = current;
  const list = h('ul', { class: 'admin-list', id: 'admin-list' });
  const editor = h('textarea', { id: 'admin-json', class: 'code', rows: 12, spellcheck: 'false', 'aria-label': r.key });
  const note = h('p', { class: 'muted', role: 'status', id: 'admin-note' });
  let editing = null;
  let editingVersion = null;
  const load = async () => {
    clear(list);
    try {
      const res = await get(r.path + (r.path.includes('?') ? '&' : '?') + 'limit=200');
      const items = res.body.items || res.body || [];
      for (const item of items) {
        const id = item[r.id || 'id'];
        list.append(h('li', { dataset: { id } }, h('span', { text: r.label(item) }), ' ',
          !r.edit ? '' : h('button', { type: 'button', class: 'link edit', text: t('edit'), onclick: () => { editing = id; editingVersion = item.version; editor.value = JSON.stringify(editable(item), null, 2); note.textContent = `${t('edit')} ${id}`; } })));
      }
      if (!editor.value) editor.value = JSON.stringify(r.template || (items[0] ? editable(items[0]) : {}), null, 2);
    } catch (e) { clear(box).append(e.unavailable ? unavailableNote(r.key) : errorNote(e)); }
  };
  const save = async () => {
    let body;
    try { body = JSON.parse(editor.value); } catch (e) { note.textContent = `${t('error')}: ${e.message}`; return; }
    try {
      const res = editing === null ? await api('POST', r.path, { body })
        : await api(r.edit, `${r.path}/${encodeURIComponent(editing)}`, { body, headers: versionHeaders(editingVersion) });
      note.textContent = `${t('saved')}: ${res.body?.[r.id || 'id'] ?? ''}`;
      editing = null;
      editingVersion = null;
      await load();
    } catch (e) { note.textContent = `${t('error')}: ${e.message}`; }
  };
  box.append(h('div', { class: 'card' }, h('h2', { text: t('admin_' + r.key) }), list),
    h('div', { class: 'card' }, editor, h('div', { class: 'row' },
      h('button', { type: 'button', id: 'admin-new', class: 'ghost', text: t('create'), onclick: () => { editing = null; editingVersion = null; editor.value = JSON.stringify(r.template || {}, null, 2); note.textContent = t('create'); } }),
      h('button', { type: 'button', id: 'admin-save', text: t('save'), onclick: save })), note));
  await load();
}

async function render() {
  clear(root);
  const box = h('div', { class: 'admin-body' });
  root.append(h('nav', { class: 'tabs', 'aria-label': t('admin') }, RESOURCES.map(r => h('button', { type: 'button', class: r === current ? 'tab active' : 'tab',
    id: 'admin-tab-' + r.key, text: t('admin_' + r.key), onclick: () => { current = r; render(); } }))), box);
  await renderResource(box);
}

export function mountAdmin(el) { root = el; onLangChange(() => { if (!root.hidden) render(); }); return { show: render }; }
