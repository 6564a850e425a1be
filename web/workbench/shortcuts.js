// Keyboard shortcuts for the frequent actions, listed in a help overlay opened with "?".
import { h, clear } from './dom.js';
import { t, onLangChange } from './i18n.js';

const typingIn = e => e.target.closest?.('input, textarea, select, [contenteditable="true"]');

export function mountShortcuts(actions) {
  // [keys shown, dictionary key, action name]
  const table = [
    ['j / ↓', 'k_next', 'next'], ['k / ↑', 'k_prev', 'prev'], ['/', 'k_search', 'search'], ['r', 'k_reply', 'reply'],
    ['Enter', 'k_send', null], ['Shift+Enter', 'k_newline', null], ['c', 'k_close', 'close'], ['p', 'k_profile', 'profile'],
    ['t', 'k_ticket', 'ticket'], ['o', 'k_presence', 'presence'], ['g i', 'k_inbox', 'inbox'], ['g d', 'k_dash', 'dashboard'],
    ['l', 'k_lang', 'lang'], ['?', 'k_help', 'help'], ['Esc', 'k_esc', null]
  ];
  const keymap = { j: 'next', ArrowDown: 'next', k: 'prev', ArrowUp: 'prev', '/': 'search', r: 'reply', c: 'close', p: 'profile', t: 'ticket', o: 'presence', l: 'lang', '?': 'help' };
  const overlay = h('div', { class: 'overlay', id: 'help', hidden: true, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'help-title',
    onclick: e => { if (e.target === overlay) overlay.hidden = true; } });
  const render = () => clear(overlay).append(h('div', { class: 'dialog' },
    h('h2', { id: 'help-title', text: t('help') }),
    h('table', {}, h('tbody', {}, table.map(([keys, label]) => h('tr', {}, h('td', {}, h('kbd', { text: keys })), h('td', { text: t(label) }))))),
    h('button', { type: 'button', class: 'ghost', text: '×', 'aria-label': 'Esc', onclick: () => { overlay.hidden = true; } })));
  render();
  onLangChange(render);
  document.body.append(overlay);
  actions.help = () => { overlay.hidden = !overlay.hidden; };

  let pendingG = 0;
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape') { overlay.hidden = true; actions.escape?.(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e)) return;
    if (pendingG && Date.now() - pendingG < 1200) {
      pendingG = 0;
      const name = { i: 'inbox', d: 'dashboard' }[e.key];
      if (name) { e.preventDefault(); actions[name]?.(); }
      return;
    }
    if (e.key === 'g') { pendingG = Date.now(); return; }
    const name = keymap[e.key];
    if (name && actions[name]) { e.preventDefault(); actions[name](); }
  });
}
