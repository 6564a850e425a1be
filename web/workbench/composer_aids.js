// Reply-box aids: canned replies (type "/" and a shortcut: the list filters as you type, Enter
// or Tab or a click inserts the text in the interface language, else the first language) from
// GET /api/v1/canned-replies, and knowledge-base suggestions for the customer's last message
// from GET /api/v1/faq/suggestions?q=&lang=&limit=3 ({items: [{id, question, answer, score}]}).
import { h, clear } from './dom.js';
import { t, lang } from './i18n.js';
import { get } from './api.js';

let canned = null; // cached list; re-read when a conversation opens
export function forgetCanned() { canned = null; }
async function cannedList() {
  if (!canned) canned = (await get('/api/v1/canned-replies')).body.items;
  return canned;
}
const textOf = reply => reply.texts[lang()] || reply.texts[lang() === 'zh' ? 'zh-CN' : 'en'] || Object.values(reply.texts)[0] || '';

// Attaches the "/" menu to a textarea; returns the menu element to place above the box.
export function cannedMenu(textarea) {
  const menu = h('ul', { class: 'canned-menu', id: 'canned-menu', role: 'listbox', hidden: true, 'aria-label': t('canned') });
  let matches = [], active = 0;
  const token = () => {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const m = before.match(/(?:^|\s)\/([a-z0-9_-]{0,32})$/);
    return m ? { prefix: m[1], start: before.length - m[1].length - 1 } : null;
  };
  const close = () => { menu.hidden = true; matches = []; };
  const pick = reply => {
    const at = token();
    if (!at) return close();
    const end = textarea.selectionStart;
    textarea.value = textarea.value.slice(0, at.start) + textOf(reply) + textarea.value.slice(end);
    const caret = at.start + textOf(reply).length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    close();
  };
  const draw = () => {
    clear(menu);
    if (!matches.length) { menu.append(h('li', { class: 'muted', text: t('cannedNone') })); return; }
    matches.slice(0, 8).forEach((r, i) => menu.append(h('li', { role: 'option', class: i === active ? 'active' : '', 'aria-selected': String(i === active), dataset: { shortcut: r.shortcut, scope: r.scope },
      onmousedown: e => { e.preventDefault(); pick(r); } },
      h('b', { text: '/' + r.shortcut }), ' ', h('span', { text: r.title }), h('small', { class: 'muted', text: textOf(r) }))));
  };
  textarea.addEventListener('input', async () => {
    const at = token();
    if (!at) return close();
    try {
      matches = (await cannedList()).filter(r => r.shortcut.startsWith(at.prefix));
    } catch { return close(); }
    active = 0;
    menu.hidden = false;
    draw();
  });
  // Runs before the composer's own Enter handler (capture), so Enter picks instead of sending.
  textarea.addEventListener('keydown', e => {
    if (menu.hidden || !matches.length) { if (e.key === 'Escape' && !menu.hidden) close(); return; }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + Math.min(8, matches.length)) % Math.min(8, matches.length);
      draw();
    } else if ((e.key === 'Enter' && !e.isComposing) || e.key === 'Tab') {
      e.preventDefault(); e.stopImmediatePropagation(); pick(matches[active]);
    } else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
  }, true);
  textarea.addEventListener('blur', () => setTimeout(close, 150));
  return menu;
}

// The knowledge-base panel: call update(text) with the customer's latest message.
export function suggestionsPanel(textarea) {
  const box = h('aside', { class: 'kb', id: 'kb-suggestions', hidden: true, 'aria-label': t('suggestions') });
  let asked = '', disabled = false;
  async function update(text) {
    const q = (text || '').trim().slice(0, 500);
    if (disabled || !q || q === asked) return;
    asked = q;
    try {
      const r = await get(`/api/v1/faq/suggestions?q=${encodeURIComponent(q)}&lang=${lang()}&limit=3`);
      if (asked !== q) return;
      clear(box);
      const items = r.body.items || [];
      box.hidden = !items.length;
      if (!items.length) return;
      box.append(h('h4', { text: t('suggestions') }), h('ol', {}, items.map(s => h('li', { dataset: { id: s.id, score: s.score } },
        h('b', { class: 'q', text: s.question }), h('p', { class: 'a', text: s.answer }),
        h('button', { type: 'button', class: 'link insert', text: t('insert'), onclick: () => {
          textarea.value = textarea.value ? `${textarea.value}\n${s.answer}` : s.answer;
          textarea.focus();
        } })))));
    } catch (e) {
      box.hidden = true;
      if (e.unavailable) disabled = true; // no FAQ module on this server
    }
  }
  return { box, update };
}
