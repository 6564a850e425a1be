// Presence switch (online / away / offline) and the agent's load against their capacity.
import { h, clear } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { api } from './api.js';
import { store, on } from './store.js';

const STATES = ['online', 'away', 'offline'];

export function mountPresence(root) {
  const select = h('select', { id: 'presence', 'aria-label': t('presence'), onchange: () => setStatus(select.value) });
  const load = h('span', { class: 'load', id: 'load' });
  const render = () => {
    clear(select);
    for (const s of STATES) select.append(h('option', { value: s, text: t(s) }));
    select.setAttribute('aria-label', t('presence'));
    const status = store.me?.status || 'offline';
    select.value = status;
    select.className = 'presence ' + status;
    const mine = [...store.conversations.values()].filter(c => c.status === 'open' && c.assignee_id === store.me?.id).length;
    // Capacity comes with the assignment module (max_concurrent on the agent); until then only the load.
    const cap = store.me?.max_concurrent ?? store.me?.capacity;
    load.textContent = `${t('capacity')} ${mine}/${cap ?? '–'}`;
  };
  async function setStatus(status) {
    select.disabled = true;
    try {
      const r = await api('PUT', '/api/v1/me/status', { body: { status } });
      store.me = { ...store.me, ...r.body };
    } catch { /* keep the old value; the render below restores it */ }
    select.disabled = false;
    render();
  }
  on('conversations', render);
  on('me', render);
  onLangChange(render);
  root.append(select, load);
  render();
  return { toggle: () => setStatus(store.me?.status === 'online' ? 'away' : 'online') };
}
