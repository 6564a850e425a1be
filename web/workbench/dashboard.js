// Supervisor dashboard from what the API gives today: conversations by status, agents by state
// (GET /api/v1/agents, supervisor role), messages per channel per hour today (read from the
// threads active today, then counted live), drawn as inline SVG. SLA and CSAT cards are hooks:
// each asks its endpoint and shows "not available" until the tickets module serves it.
import { h, clear, svgEl } from './dom.js';
import { t, onLangChange, formatTime, formatWait } from './i18n.js';
import { get, getAll } from './api.js';
import { CHANNELS } from './icons.js';
import { unavailableNote, errorNote } from './unavailable.js';

const COLORS = { webchat: '#2563eb', wechat: '#16a34a', sms: '#d97706', email: '#7c3aed', voice: '#db2777', api: '#475569' };
// Figures other modules will serve; the lead points these at the real routes after integration.
export const metricHooks = [
  { key: 'sla', path: '/api/v1/reports/sla', show: b => `${b.at_risk ?? '–'} / ${b.breached ?? '–'}` },
  { key: 'csat', path: '/api/v1/reports/csat', show: b => `${b.average ?? '–'} (${b.responses ?? 0})` }
];

let root, socket, perHour = null, seenMessages = new Set();

function barChart(counts, order) {
  const max = Math.max(1, ...Object.values(counts));
  return h('ul', { class: 'bars' }, order.map(k => h('li', {},
    h('span', { class: 'bar-label', text: t(k) }),
    h('meter', { min: 0, max, value: counts[k] || 0, 'aria-label': t(k) }),
    h('b', { text: String(counts[k] || 0) }))));
}

function lineChart(hours) {
  const W = 720, H = 220, P = 30;
  const max = Math.max(1, ...CHANNELS.flatMap(c => hours[c]));
  const x = i => P + (i * (W - 2 * P)) / 23, y = v => H - P - (v * (H - 2 * P)) / max;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': t('messagesPerChannel') });
  svg.append(svgEl('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: '#9ca3af' }));
  for (let i = 0; i < 24; i += 3) svg.append(svgEl('text', { x: x(i), y: H - 10, 'font-size': 11, 'text-anchor': 'middle', fill: '#6b7280', text: `${i}:00` }));
  svg.append(svgEl('text', { x: 4, y: P, 'font-size': 11, fill: '#6b7280', text: String(max) }));
  for (const c of CHANNELS) {
    if (!hours[c].some(Boolean)) continue;
    svg.append(svgEl('polyline', { fill: 'none', stroke: COLORS[c], 'stroke-width': 2, points: hours[c].map((v, i) => `${x(i)},${y(v)}`).join(' '), 'data-channel': c }));
  }
  const legend = h('ul', { class: 'legend' }, CHANNELS.map(c => h('li', { class: 'lg-' + c, text: `${t('channel_' + c)} ${hours[c].reduce((a, b) => a + b, 0)}` })));
  return [svg, legend];
}

async function countToday(conversations) {
  const today = new Date(); today.setHours(0, 0, 0, 0);
  perHour = Object.fromEntries(CHANNELS.map(c => [c, new Array(24).fill(0)]));
  const active = conversations.filter(c => Date.parse(c.last_message_at) >= today.getTime()).slice(0, 40);
  // A few threads at a time: the dashboard must not hammer the server.
  for (let i = 0; i < active.length; i += 6) {
    await Promise.all(active.slice(i, i + 6).map(async c => {
      const items = await getAll(`/api/v1/conversations/${c.id}/messages`, 1000).catch(() => []);
      for (const m of items) addMessage(c.channel, m, today);
    }));
  }
}
function addMessage(channel, m, today) {
  if (seenMessages.has(m.id) || !perHour?.[channel]) return;
  const at = new Date(m.created_at);
  if (at < today) return;
  seenMessages.add(m.id);
  perHour[channel][at.getHours()]++;
}

async function render() {
  clear(root).append(h('p', { class: 'muted', text: t('loading') }));
  const cards = h('div', { class: 'dash-grid' });
  try {
    const [open, queued, closed] = await Promise.all(['open', 'queued', 'closed'].map(s => getAll(`/api/v1/conversations?status=${s}`, 2000)));
    const byStatus = { queued: queued.length, open: open.length, closed: closed.length };
    const oldestQueued = queued.reduce((min, c) => Math.min(min, Date.parse(c.created_at)), Infinity);
    const convCard = h('section', { class: 'card', id: 'dash-conversations' }, h('h3', { text: t('convByStatus') }), barChart(byStatus, ['queued', 'open', 'closed']),
      h('p', { class: 'muted', id: 'dash-longest-wait', text: `${t('longestWait')}: ${queued.length ? formatWait(Date.now() - oldestQueued) : '–'}` }));
    const agentCard = h('section', { class: 'card', id: 'dash-agents' }, h('h3', { text: t('agentsByState') }));
    try {
      const agents = await getAll('/api/v1/agents', 1000);
      const byState = { online: 0, away: 0, offline: 0 };
      for (const a of agents) if (a.active) byState[a.status] = (byState[a.status] || 0) + 1;
      agentCard.append(barChart(byState, ['online', 'away', 'offline']));
      // Load: open conversations per agent who is not offline.
      const load = new Map();
      for (const c of open) if (c.assignee_id) load.set(c.assignee_id, (load.get(c.assignee_id) || 0) + 1);
      agentCard.append(h('table', { class: 'load-table' }, h('tbody', {}, agents.filter(a => a.active && a.status !== 'offline')
        .map(a => h('tr', {}, h('td', { text: a.name }), h('td', { text: t(a.status) }), h('td', { text: String(load.get(a.id) || 0) }))))));
    } catch (e) { agentCard.append(e.status === 403 ? h('p', { class: 'muted', text: t('needsSupervisor') }) : errorNote(e)); }
    const hookCards = metricHooks.map(hook => {
      const card = h('section', { class: 'card hook', id: 'dash-' + hook.key }, h('h3', { text: t(hook.key) }), h('p', { class: 'muted', text: t('loading') }));
      get(hook.path).then(r => card.lastChild.replaceWith(h('p', { class: 'figure', text: hook.show(r.body || {}) })),
        e => card.lastChild.replaceWith(e.unavailable ? unavailableNote(hook.key) : errorNote(e)));
      return card;
    });
    await countToday([...open, ...queued, ...closed]);
    const chartCard = h('section', { class: 'card wide', id: 'dash-chart' }, h('h3', { text: t('messagesPerChannel') }), lineChart(perHour));
    cards.append(convCard, agentCard, ...hookCards, chartCard);
    clear(root).append(h('p', { class: 'muted', text: `${t('updated')} ${formatTime(new Date().toISOString())}` }), cards);
  } catch (e) { clear(root).append(errorNote(e)); }
}

export function mountDashboard(el, agentSocket) {
  root = el;
  socket = agentSocket;
  socket.on('message.created', d => {
    if (!perHour || !d.message || root.hidden) return;
    const today = new Date(); today.setHours(0, 0, 0, 0);
    addMessage(d.conversation?.channel, d.message, today);
    const chart = root.querySelector('#dash-chart');
    if (chart) { clear(chart).append(h('h3', { text: t('messagesPerChannel') }), lineChart(perHour)); }
  });
  onLangChange(() => { if (!root.hidden) render(); });
  setInterval(() => { if (!root.hidden && document.visibilityState === 'visible') render(); }, 60e3);
  return { show: render };
}
