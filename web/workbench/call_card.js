// Incoming-call screen pop. Pending integration: the sip module (issue 5) sends `call.incoming`
// on the agent WebSocket with the caller's 360 summary, before the phone rings. The data shape is
// read defensively: {call_id, from, conversation_id?, customer?: {name, tier}, orders?, tickets?}.
import { h } from './dom.js';
import { t } from './i18n.js';

export function mountCallCard(root, socket, openConversation) {
  socket.on('call.incoming', d => {
    const summary = d.summary || d.customer_summary || d.profile || {};
    const customer = d.customer || summary.customer || {};
    const orders = d.orders || summary.orders || [];
    const tickets = d.tickets || summary.tickets || [];
    const card = h('section', { class: 'call-card', role: 'alertdialog', 'aria-label': t('incomingCall') },
      h('h3', { text: `📞 ${t('incomingCall')}` }),
      h('p', {}, h('b', { text: t('caller') + ': ' }), String(d.from || d.caller || '')),
      customer.name ? h('p', { text: String(customer.name) + (customer.tier ? ` · ${customer.tier}` : '') }) : null,
      orders.length ? h('p', { text: `${t('orders')}: ${orders.slice(0, 3).map(o => o.id || o.number || '?').join(', ')}` }) : null,
      tickets.length ? h('p', { text: `${t('tickets')}: ${tickets.length}` }) : null,
      h('div', { class: 'row' },
        d.conversation_id ? h('button', { type: 'button', text: t('openConversation'), onclick: () => { card.remove(); openConversation(String(d.conversation_id)); } }) : null,
        h('button', { type: 'button', class: 'ghost', text: t('dismiss'), onclick: () => card.remove() })));
    root.append(card);
  });
}
