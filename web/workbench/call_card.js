// Incoming-call screen pop: the sip module sends `call.incoming` on the agent WebSocket before
// the agent's phone rings: {call_id, from, caller_name, did, queue, customer_id,
// customer: {customer: {id, name, tier, tags}, identifiers, orders, tickets}} (masked by role).
import { h } from './dom.js';
import { t } from './i18n.js';

export function mountCallCard(root, socket, openConversation) {
  socket.on('call.incoming', d => {
    const summary = d.customer || {};
    const customer = summary.customer || {};
    const orders = summary.orders || [];
    const tickets = summary.tickets || [];
    const card = h('section', { class: 'call-card', role: 'alertdialog', 'aria-label': t('incomingCall'), dataset: { callId: d.call_id || '' } },
      h('h3', { text: `📞 ${t('incomingCall')}` }),
      h('p', { class: 'caller' }, h('b', { text: t('caller') + ': ' }), String(d.from || ''), d.caller_name ? ` (${d.caller_name})` : ''),
      customer.id ? h('p', { class: 'customer', text: `${customer.name || `${t('customer')} #${customer.id}`}${customer.tier ? ` · ${customer.tier}` : ''}` }) : null,
      Array.isArray(customer.tags) && customer.tags.length ? h('p', { class: 'tags', text: customer.tags.join(', ') }) : null,
      h('p', { class: 'orders', text: `${t('orders')}: ${orders.length ? orders.slice(0, 3).map(o => o.order_no || o.id || '?').join(', ') : t('none')}` }),
      h('p', { class: 'open-tickets', text: `${t('tickets')}: ${tickets.length}` }),
      d.queue ? h('p', { class: 'muted', text: `${d.did || ''} → ${d.queue}` }) : null,
      h('div', { class: 'row' },
        d.conversation_id ? h('button', { type: 'button', text: t('openConversation'), onclick: () => { card.remove(); openConversation(String(d.conversation_id)); } }) : null,
        h('button', { type: 'button', class: 'ghost', text: t('dismiss'), onclick: () => card.remove() })));
    root.append(card);
  });
}
