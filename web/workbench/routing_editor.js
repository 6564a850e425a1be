// Routing rules editor. Pending integration with the routing engine (issue 7), against its shapes:
// GET/PUT /api/v1/routing/workflow (ETag / If-Match), POST .../validate (422 with errors and their
// positions), POST /api/v1/routing/simulate, POST .../activate, GET .../versions, POST .../rollback.
// The workflow is a JSON document edited as text; an error's position selects the text it points at.
import { h, clear } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { api, get, post, ApiError } from './api.js';
import { unavailableNote, errorNote } from './unavailable.js';

const BASE = '/api/v1/routing/workflow';
let root, etag = null;

// Maps an error's position (offset, {line, column}, or a JSON pointer) to a text range.
function rangeOf(text, err) {
  const pos = err.position ?? err.pos ?? err;
  if (typeof pos?.offset === 'number') return [pos.offset, pos.offset + (pos.length || 1)];
  if (typeof pos?.line === 'number') {
    const lines = text.split('\n');
    let start = 0;
    for (let i = 0; i < pos.line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    start += Math.max(0, (pos.column || 1) - 1);
    return [start, start + (pos.length || 1)];
  }
  const pointer = err.pointer || err.path;
  if (typeof pointer === 'string') {
    const key = pointer.split('/').filter(Boolean).pop();
    const at = key ? text.indexOf(`"${key}"`) : -1;
    if (at >= 0) return [at, at + key.length + 2];
  }
  return null;
}

async function render() {
  clear(root);
  const editor = h('textarea', { id: 'workflow', class: 'code', rows: 22, spellcheck: 'false', 'aria-label': t('workflow') });
  const errors = h('ul', { class: 'errors', id: 'workflow-errors', role: 'alert' });
  const note = h('p', { class: 'muted', role: 'status', id: 'workflow-note' });
  const simText = h('input', { id: 'sim-text', placeholder: t('simMessage') });
  const simChannel = h('select', { id: 'sim-channel' }, ['webchat', 'wechat', 'sms', 'email', 'voice', 'api'].map(c => h('option', { value: c, text: c })));
  const simOut = h('pre', { class: 'code', id: 'sim-out' });
  const versions = h('ul', { class: 'versions', id: 'workflow-versions' });

  const body = () => { try { return JSON.parse(editor.value); } catch (e) { throw new ApiError(400, { detail: e.message }); } };
  const showErrors = list => {
    clear(errors);
    for (const err of list) {
      const range = rangeOf(editor.value, err);
      errors.append(h('li', {}, h('button', { type: 'button', class: 'link', text: err.detail || err.message || JSON.stringify(err),
        onclick: () => { if (range) { editor.focus(); editor.setSelectionRange(range[0], range[1]); } } })));
    }
  };
  // Only the workflow itself answering 404 means "no routing engine"; a 404 elsewhere is an error.
  const guard = (fn, whole = false) => async () => {
    note.textContent = '';
    try { await fn(); } catch (e) {
      if (whole && e.unavailable) clear(root).append(unavailableNote('routing'));
      else note.textContent = `${t('error')}: ${e.message}`;
    }
  };
  const load = guard(async () => {
    const r = await get(BASE);
    etag = r.headers.get('ETag');
    editor.value = JSON.stringify(r.body, null, 2);
    clear(errors);
  }, true);
  const validate = guard(async () => {
    const r = await api('POST', BASE + '/validate', { body: body(), allow: [422] });
    if (r.status === 422) { showErrors(r.body?.errors || [r.body]); return false; }
    clear(errors); note.textContent = t('valid'); return true;
  });
  const save = guard(async () => {
    const r = await api('PUT', BASE, { body: body(), headers: etag ? { 'If-Match': etag } : {}, allow: [409, 412, 422] });
    if (r.status === 422) return showErrors(r.body?.errors || [r.body]);
    if (r.status === 409 || r.status === 412) { note.textContent = t('conflict'); return; }
    etag = r.headers.get('ETag') || etag; note.textContent = t('saved');
  });
  const activate = guard(async () => { await post(BASE + '/activate', {}); note.textContent = t('activated'); loadVersions(); });
  const simulate = guard(async () => {
    const r = await post('/api/v1/routing/simulate', { message: { text: simText.value, channel: simChannel.value }, customer: {} });
    simOut.textContent = JSON.stringify(r.body, null, 2);
  });
  const loadVersions = guard(async () => {
    const r = await get(BASE + '/versions');
    clear(versions);
    for (const v of r.body.items || r.body || []) {
      versions.append(h('li', {}, `v${v.version ?? v.id} ${v.activated_at || v.created_at || ''} `,
        h('button', { type: 'button', class: 'link', text: t('rollback'), onclick: guard(async () => {
          await post(BASE + '/rollback', { version: v.version ?? v.id }); note.textContent = t('activated'); load(); loadVersions();
        }) })));
    }
  });

  root.append(h('div', { class: 'card' }, h('h2', { text: t('workflow') }), editor, errors,
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'wf-validate', text: t('validate'), onclick: validate }),
      h('button', { type: 'button', id: 'wf-save', text: t('save'), onclick: save }),
      h('button', { type: 'button', id: 'wf-activate', text: t('activate'), onclick: activate }),
      h('button', { type: 'button', class: 'ghost', text: t('reload'), onclick: load })), note),
  h('div', { class: 'card' }, h('h2', { text: t('simulate') }), h('div', { class: 'row' }, simText, simChannel,
    h('button', { type: 'button', id: 'wf-simulate', text: t('simulate'), onclick: simulate })), simOut),
  h('div', { class: 'card' }, h('h2', { text: t('versions') }), versions));
  await load();
  if (root.querySelector('#workflow')) loadVersions();
}

export function mountRoutingEditor(el) { root = el; onLangChange(() => { if (!root.hidden) render(); }); return { show: render }; }
