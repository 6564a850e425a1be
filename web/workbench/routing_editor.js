// Routing rules editor, against the routing engine's API (docs/routing.md "Workflow REST"):
// GET/PUT /api/v1/routing/workflow (ETag / If-Match), POST .../validate (422 with errors and their
// positions), POST /api/v1/routing/simulate, POST .../activate, GET .../versions, POST .../rollback.
// The workflow is a JSON document edited as text; an error's pointer selects the text it points at.
// Publish = PUT the draft (If-Match: its ETag) + POST .../activate; history lists versions with rollback.
import { h, clear } from './dom.js';
import { t, onLangChange, formatTime } from './i18n.js';
import { api, get, post, ApiError } from './api.js';
import { unavailableNote, errorNote } from './unavailable.js';

const BASE = '/api/v1/routing/workflow';
let root, etag = null;

// The text range of the value a JSON pointer names, found by replacing that value with a marker
// and comparing two renderings (the editor text is re-indented first, so offsets agree). A
// condition's error also carries its column inside the string: the selection points there.
export function rangeOf(text, err) {
  let doc;
  try { doc = JSON.parse(text); } catch { return null; }
  const pointer = typeof err.pointer === 'string' ? err.pointer : '';
  const keys = pointer.split('/').slice(1).map(k => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const pretty = JSON.stringify(doc, null, 2);
  if (!keys.length) return [0, 1];
  const copy = JSON.parse(pretty);
  let parent = copy;
  for (const k of keys.slice(0, -1)) { if (parent == null || typeof parent !== 'object') return null; parent = parent[k]; }
  if (parent == null || typeof parent !== 'object') return null;
  const last = keys[keys.length - 1];
  const value = parent[last];
  const MARK = '\u0000cc-mark\u0000';
  parent[last] = MARK;
  const marked = JSON.stringify(copy, null, 2);
  let start = 0;
  while (start < pretty.length && pretty[start] === marked[start]) start++;
  if (value === undefined) return [start, start + 1]; // a missing member: where it belongs
  let tail = 0;
  while (tail < pretty.length - start && pretty[pretty.length - 1 - tail] === marked[marked.length - 1 - tail]) tail++;
  const end = pretty.length - tail;
  // Both renderings are strings there, so the shared prefix includes the opening quote.
  if (typeof value === 'string' && typeof err.column === 'number') {
    const at = Math.min(start + Math.max(0, err.column - 1), end - 1);
    return [at, Math.max(at + 1, end)];
  }
  return typeof value === 'string' ? [start - 1, end + 1] : [start, Math.max(end, start + 1)];
}

async function render() {
  clear(root);
  const editor = h('textarea', { id: 'workflow', class: 'code', rows: 22, spellcheck: 'false', 'aria-label': t('workflow') });
  const errors = h('ul', { class: 'errors', id: 'workflow-errors', role: 'alert' });
  const note = h('p', { class: 'muted', role: 'status', id: 'workflow-note' });
  const simText = h('input', { id: 'sim-text', placeholder: t('simMessage') });
  const simChannel = h('select', { id: 'sim-channel' }, ['webchat', 'wechat', 'sms', 'email', 'voice', 'api'].map(c => h('option', { value: c, text: c })));
  const simOut = h('div', { id: 'sim-out' });
  const versions = h('ul', { class: 'versions', id: 'workflow-versions' });

  const body = () => { try { return JSON.parse(editor.value); } catch (e) { throw new ApiError(400, { detail: e.message }); } };
  // Errors are listed with their pointer; the first one is selected in the (re-indented) text.
  const showErrors = list => {
    clear(errors);
    try { editor.value = JSON.stringify(JSON.parse(editor.value), null, 2); } catch { /* keep the text */ }
    const select = range => { if (range) { editor.focus(); editor.setSelectionRange(range[0], range[1]); } };
    list.forEach((err, i) => {
      const range = rangeOf(editor.value, err);
      const where = err.pointer ? `${err.pointer}${typeof err.column === 'number' ? ':' + err.column : ''}` : '';
      errors.append(h('li', { dataset: { pointer: err.pointer || '' } },
        h('button', { type: 'button', class: 'link', onclick: () => select(range) },
          h('code', { text: where }), ' ', err.detail || err.message || JSON.stringify(err))));
      if (i === 0) select(range);
    });
  };
  // Only the workflow itself answering 404 means "no routing engine"; a 404 elsewhere is an error.
  const guard = (fn, whole = false) => async () => {
    note.textContent = '';
    try { return await fn(); } catch (e) {
      if (whole && e.unavailable) clear(root).append(unavailableNote('routing'));
      else note.textContent = `${t('error')}: ${e.message}`;
      return false;
    }
  };
  const load = guard(async () => {
    const r = await get(BASE);
    etag = r.headers.get('ETag');
    editor.value = JSON.stringify(r.body, null, 2);
    clear(errors);
  }, true);
  const validate = guard(async () => {
    clear(errors);
    const r = await api('POST', BASE + '/validate', { body: body(), allow: [422] });
    if (r.status === 422) { showErrors(r.body?.errors || [r.body]); return false; }
    clear(errors); note.textContent = t('valid'); return true;
  });
  // PUT needs If-Match with the draft's ETag (428 without, 412 when someone saved meanwhile).
  const saveDraft = async () => {
    if (!etag) etag = (await get(BASE)).headers.get('ETag');
    const r = await api('PUT', BASE, { body: body(), headers: { 'If-Match': etag }, allow: [412, 422, 428] });
    if (r.status === 422) { showErrors(r.body?.errors || [r.body]); return false; }
    if (r.status === 412 || r.status === 428) { note.textContent = t('conflict'); return false; }
    etag = r.headers.get('ETag') || etag;
    return true;
  };
  const save = guard(async () => { if (await saveDraft()) note.textContent = t('saved'); });
  // Publishing saves the editor's text as the draft, then activates the draft as a new version.
  const activate = guard(async () => {
    clear(errors);
    if (!(await saveDraft())) return;
    const r = await api('POST', BASE + '/activate', { allow: [422] });
    if (r.status === 422) { showErrors(r.body?.errors || [r.body]); return; }
    clear(errors);
    await loadVersions(); // (its guard clears the note: set it after)
    note.textContent = `${t('activated')}: v${r.body.version}`;
  });
  const simulate = guard(async () => {
    const r = await post('/api/v1/routing/simulate', { message: { text: simText.value, channel: simChannel.value }, customer: {} });
    const trace = r.body || {};
    clear(simOut);
    simOut.append(h('p', { id: 'sim-rule' }, h('b', { text: t('matchedRule') + ': ' }), String(trace.rule ?? '-'),
      ` (${trace.decision ?? ''}, v${trace.workflow_version ?? '?'})`));
    simOut.append(h('pre', { class: 'code', text: JSON.stringify(trace, null, 2) }));
  });
  const loadVersions = guard(async () => {
    const r = await get(BASE + '/versions');
    clear(versions);
    for (const v of r.body.items || []) {
      versions.append(h('li', { dataset: { version: v.version, active: String(!!v.active) } },
        h('b', { text: `v${v.version}` }), ` ${formatTime(v.created_at)} `,
        v.active ? h('span', { class: 'tag', text: t('activeVersion') }) : h('button', { type: 'button', class: 'link rollback', text: t('rollback'), onclick: guard(async () => {
          const back = await post(BASE + '/rollback', { version: v.version });
          await loadVersions();
          note.textContent = `${t('activated')}: v${back.body.version}`;
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
