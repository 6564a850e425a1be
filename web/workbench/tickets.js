// Tickets view, against the tickets module's API (docs/tickets.md):
// POST /api/v1/tickets {subject, description, type, priority, requester_id} -> 201 {id, state:"new"};
// POST /api/v1/tickets/{id}/transitions {to} -> 200 ticket, or 409 problem with `allowed`.
import { h, clear } from './dom.js';
import { t, onLangChange, formatTime } from './i18n.js';
import { api, get, ApiError } from './api.js';
import { unavailableNote, errorNote } from './unavailable.js';

const TYPES = ['question', 'incident', 'problem', 'task', 'complaint', 'return', 'exchange'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const STATES = ['open', 'pending', 'on_hold', 'solved', 'closed'];
let root, prefill = null;

function field(labelKey, control) { return h('label', { class: 'field' }, h('span', { text: t(labelKey) }), control); }

function ticketCard(ticket, out) {
  const state = h('span', { class: 'tag', id: 'ticket-state', text: ticket.state });
  const note = h('p', { class: 'muted', role: 'status' });
  const buttons = STATES.map(s => h('button', { type: 'button', class: 'ghost', dataset: { to: s }, text: s, onclick: async () => {
    const r = await api('POST', `/api/v1/tickets/${encodeURIComponent(ticket.id)}/transitions`, { body: { to: s }, allow: [409] }).catch(e => e);
    if (r instanceof ApiError) { note.textContent = r.unavailable ? t('notAvailable') : `${t('error')}: ${r.message}`; return; }
    if (r.status === 409) { note.textContent = `${t('transitionRefused')} ${(r.body?.allowed || []).join(', ')}`; return; }
    ticket = r.body; state.textContent = ticket.state; note.textContent = t('transitioned');
  } }));
  clear(out).append(h('div', { class: 'ticket-card', dataset: { ticketId: ticket.id } },
    h('p', {}, h('b', { text: `${t('ticketCreated')} #${ticket.id} ` }), state),
    h('p', { text: ticket.subject || '' }),
    h('div', { class: 'row' }, h('span', { text: t('moveTo') }), buttons), note, notesBox(ticket)));
}

// Internal notes of a ticket; "@name" (e-mail local part, or the name without spaces)
// mentions a colleague, who is notified on the agent WebSocket (ticket.mentioned).
function notesBox(ticket) {
  const list = h('ol', { class: 'notes', id: 'ticket-notes' });
  const text = h('textarea', { id: 'note-text', rows: 2, maxlength: 16384, placeholder: t('noteHint'), 'aria-label': t('note') });
  const status = h('p', { class: 'muted', role: 'status' });
  const show = n => list.append(h('li', { class: 'note', dataset: { id: n.id, mentions: (n.mentions || []).join(',') } },
    h('small', { class: 'muted', text: `${t('agent')} #${n.author_agent_id} · ${formatTime(n.created_at)}` }), h('p', { class: 'body', text: n.body })));
  get(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/notes`).then(r => (r.body.items || []).forEach(show), e => { status.textContent = `${t('error')}: ${e.message}`; });
  const form = h('form', { class: 'note-form', onsubmit: async e => {
    e.preventDefault();
    if (!text.value.trim()) return;
    try {
      const r = await api('POST', `/api/v1/tickets/${encodeURIComponent(ticket.id)}/notes`, { body: { body: text.value } });
      show(r.body); text.value = ''; status.textContent = '';
    } catch (err) { status.textContent = `${t('error')}: ${err.message}`; }
  } }, text, h('button', { type: 'submit', id: 'note-add', text: t('addNote') }));
  return h('section', { class: 'notes-box' }, h('h3', { text: t('notes') }), list, form, status);
}

// Opens an existing ticket's card (from a mention notice) when the view renders next.
let openAfter = null;
export function showTicket(ticket) { openAfter = ticket; if (!root.hidden) render(); }

async function render() {
  clear(root);
  const out = h('div', { class: 'ticket-out', role: 'region' });
  const subject = h('input', { name: 'subject', id: 'ticket-subject', required: true, maxlength: 200, value: prefill?.subject || '' });
  const description = h('textarea', { name: 'description', id: 'ticket-description', rows: 4, maxlength: 10000 });
  description.value = prefill?.description || '';
  const type = h('select', { name: 'type' }, TYPES.map(v => h('option', { value: v, text: v })));
  const priority = h('select', { name: 'priority' }, PRIORITIES.map(v => h('option', { value: v, text: v })));
  priority.value = 'normal';
  const requester = h('input', { name: 'requester_id', id: 'ticket-requester', inputmode: 'numeric', pattern: '[0-9]+', value: prefill?.requester_id || '' });
  const form = h('form', { class: 'card ticket-form', id: 'ticket-form', onsubmit: async e => {
    e.preventDefault();
    try {
      const r = await api('POST', '/api/v1/tickets', { body: {
        subject: subject.value.trim(), description: description.value, type: type.value, priority: priority.value,
        requester_id: requester.value.trim() || undefined } });
      ticketCard(r.body, out);
    } catch (err) { clear(out).append(err.unavailable ? unavailableNote('tickets') : errorNote(err)); }
  } },
  h('h2', { text: t('newTicket') }), field('ticketSubject', subject), field('description', description),
  h('div', { class: 'row' }, field('type', type), field('priority', priority), field('requester', requester)),
  h('button', { type: 'submit', id: 'ticket-create', text: t('create') }));
  const listBox = h('div', { class: 'card' }, h('h2', { text: t('tickets') }), h('p', { class: 'muted', text: t('loading') }));
  root.append(form, out, listBox);
  if (openAfter) {
    const wanted = openAfter;
    openAfter = null;
    get(`/api/v1/tickets/${encodeURIComponent(wanted.id)}`).then(r => ticketCard(r.body, out), e => clear(out).append(errorNote(e)));
  }
  try {
    const r = await get('/api/v1/tickets?limit=50');
    clear(listBox).append(h('h2', { text: t('tickets') }), h('ul', { class: 'ticket-list' },
      (r.body.items || []).map(tk => h('li', { text: `#${tk.id} [${tk.state}] ${tk.priority || ''} ${tk.subject || ''}` }))));
  } catch (e) {
    clear(listBox).append(h('h2', { text: t('tickets') }), e.unavailable ? unavailableNote('tickets') : errorNote(e));
  }
}

// "New ticket from this conversation": the form opens with the customer and the last message.
export function ticketFromConversation(c) {
  prefill = { subject: c.last_message_preview?.slice(0, 120) || `#${c.id}`, description: `Conversation #${c.id}`, requester_id: c.customer_id };
}

export function mountTickets(el) { root = el; onLangChange(() => { if (!root.hidden) render(); }); return { show: render }; }
