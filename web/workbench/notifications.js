// Notices for the signed-in agent: "X mentioned you" when a ticket note @mentions them
// (agent WebSocket event ticket.mentioned {ticket, note}). Kept until dismissed.
import { h } from './dom.js';
import { t } from './i18n.js';

export function mountNotifications(root, socket, openTicket) {
  socket.on('ticket.mentioned', d => {
    const ticket = d.ticket || {}, note = d.note || {};
    const item = h('li', { class: 'notice', role: 'status', dataset: { ticketId: ticket.id, noteId: note.id } },
      h('b', { text: `${t('agent')} #${note.author_agent_id ?? '?'} ${t('mentioned')}` }), ' ',
      h('button', { type: 'button', class: 'link', text: `#${ticket.id} ${ticket.subject || ''}`, onclick: () => { item.remove(); openTicket(ticket); } }),
      h('p', { class: 'body', text: note.body || '' }),
      h('button', { type: 'button', class: 'ghost dismiss', text: t('dismiss'), onclick: () => item.remove() }));
    root.append(item);
  });
}
