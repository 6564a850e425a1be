// Supervisor dashboard from the report routes (/api/v1/reports/..., supervisors and admins):
// queue sizes and longest wait, agents by state and load, SLA at risk / breached, first-response
// time, CSAT, messages per channel per hour of the viewer's day, hot words of the last 24 hours.
// Charts are inline SVG built here (no library, no network fetch besides our own API).
import { h, clear, svgEl } from './dom.js';
import { t, onLangChange, formatTime, formatWait } from './i18n.js';
import { get } from './api.js';
import { CHANNELS } from './icons.js';
import { errorNote } from './unavailable.js';

const COLORS = { webchat: '#2563eb', wechat: '#16a34a', sms: '#d97706', email: '#7c3aed', voice: '#db2777', api: '#475569' };
let root, socket, perHour = null, dayStart = 0, seenMessages = new Set(), timer = 0;

function barChart(counts, order) {
  const max = Math.max(1, ...Object.values(counts));
  return h('ul', { class: 'bars' }, order.map(k => h('li', { dataset: { key: k } },
    h('span', { class: 'bar-label', text: t(k) }),
    h('meter', { min: 0, max, value: counts[k] || 0, 'aria-label': t(k) }),
    h('b', { text: String(counts[k] || 0) }))));
}

function lineChart(hours) {
  const W = 720, H = 220, P = 30;
  const max = Math.max(1, ...Object.values(hours).flat());
  const x = i => P + (i * (W - 2 * P)) / 23, y = v => H - P - (v * (H - 2 * P)) / max;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': t('messagesPerChannel') });
  svg.append(svgEl('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: '#9ca3af' }));
  for (let i = 0; i < 24; i += 3) svg.append(svgEl('text', { x: x(i), y: H - 10, 'font-size': 11, 'text-anchor': 'middle', fill: '#6b7280', text: `${i}:00` }));
  svg.append(svgEl('text', { x: 4, y: P, 'font-size': 11, fill: '#6b7280', text: String(max) }));
  for (const [c, counts] of Object.entries(hours)) {
    if (!counts.some(Boolean)) continue;
    svg.append(svgEl('polyline', { fill: 'none', stroke: COLORS[c] || '#111', 'stroke-width': 2, points: counts.map((v, i) => `${x(i)},${y(v)}`).join(' '), 'data-channel': c, 'data-total': counts.reduce((a, b) => a + b, 0) }));
  }
  const legend = h('ul', { class: 'legend' }, Object.entries(hours).map(([c, counts]) => h('li', { class: 'lg-' + c, dataset: { channel: c }, text: `${t('channel_' + c)} ${counts.reduce((a, b) => a + b, 0)}` })));
  return [svg, legend];
}

// CSAT scores 1..5 as SVG columns.
function scoreChart(byScore) {
  const W = 200, H = 80, max = Math.max(1, ...byScore);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H + 14}`, class: 'chart small', role: 'img', 'aria-label': t('csat') });
  byScore.forEach((n, i) => {
    const bh = (n * H) / max;
    svg.append(svgEl('rect', { x: i * 40 + 6, y: H - bh, width: 28, height: bh, fill: '#2563eb', 'data-score': i + 1, 'data-count': n }));
    svg.append(svgEl('text', { x: i * 40 + 20, y: H + 12, 'font-size': 11, 'text-anchor': 'middle', fill: '#6b7280', text: `${i + 1}★` }));
  });
  return svg;
}

const card = (id, title, ...body) => h('section', { class: 'card', id }, h('h3', { text: title }), ...body);
const figure = (id, value, label) => h('p', { class: 'figure' }, h('b', { id, text: String(value) }), ' ', h('span', { class: 'muted', text: label }));
const seconds = s => (s ? formatWait(s * 1000) : '–');

async function section(id, title, path, build) {
  try { return card(id, title, build((await get(path)).body)); } catch (e) {
    return card(id, title, e.status === 403 ? h('p', { class: 'muted', text: t('needsSupervisor') }) : errorNote(e));
  }
}

function chartCard() {
  return h('section', { class: 'card wide', id: 'dash-chart' }, h('h3', { text: t('messagesPerChannel') }), lineChart(perHour));
}

async function render() {
  if (!root.querySelector('.dash-grid')) clear(root).append(h('p', { class: 'muted', text: t('loading') }));
  const offset = -new Date().getTimezoneOffset();
  const cards = await Promise.all([
    section('dash-queues', t('queues'), '/api/v1/reports/queues', b => h('table', { class: 'load-table' },
      h('thead', {}, h('tr', {}, h('th', { text: t('queue') }), h('th', { text: t('waiting') }), h('th', { text: t('longestWait') }))),
      h('tbody', {}, b.items.map(q => h('tr', { dataset: { queue: q.queue } }, h('td', { text: q.queue }),
        h('td', { class: 'waiting', text: String(q.waiting) }), h('td', { class: 'longest', text: seconds(q.longest_wait_seconds) })))))),
    section('dash-agents', t('agentsByState'), '/api/v1/reports/agents', b => [barChart(b.by_state, ['online', 'away', 'offline']),
      h('table', { class: 'load-table' }, h('tbody', {}, b.items.filter(a => a.status !== 'offline').map(a => h('tr', { dataset: { agent: a.id } },
        h('td', { text: a.name }), h('td', { text: t(a.status) }), h('td', { class: 'load', text: `${a.load} / ${a.capacity}` })))))]),
    section('dash-sla', t('sla'), '/api/v1/reports/sla', b => [figure('sla-at-risk', b.at_risk, t('atRisk')), figure('sla-breached', b.breached, t('breached'))]),
    section('dash-frt', t('firstResponse'), '/api/v1/reports/first-response', b => [figure('frt-average', seconds(b.average_seconds), t('average')),
      figure('frt-median', seconds(b.median_seconds), t('median')), figure('frt-count', b.conversations, t('conversationsToday'))]),
    section('dash-csat', t('csat'), '/api/v1/reports/csat', b => [figure('csat-average', b.answered ? b.average : '–', `(${b.answered})`), scoreChart(b.by_score)]),
    section('dash-hot', t('hotWords'), '/api/v1/reports/hot-words?limit=20', b => h('ol', { class: 'hot-words' },
      b.items.map(w => h('li', { dataset: { word: w.word, count: w.count } }, h('span', { text: w.word }), ' ', h('small', { class: 'muted', text: `×${w.count}` })))))
  ]);
  try {
    const r = await get(`/api/v1/reports/messages-per-hour?offset_minutes=${offset}`);
    perHour = r.body.channels;
    dayStart = Date.parse(r.body.day_start);
    cards.push(chartCard());
  } catch (e) { cards.push(card('dash-chart', t('messagesPerChannel'), errorNote(e))); }
  clear(root).append(h('p', { class: 'muted', id: 'dash-updated', text: `${t('updated')} ${formatTime(new Date().toISOString())}` }), h('div', { class: 'dash-grid' }, cards));
}

// A live message adds to its hour at once; the next refresh brings the server's figures.
function countLive(d) {
  const m = d.message, channel = d.conversation?.channel;
  if (!perHour || !m || !channel || seenMessages.has(m.id)) return;
  seenMessages.add(m.id);
  const hour = Math.floor((Date.parse(m.created_at) - dayStart) / 3600e3);
  if (hour < 0 || hour > 23) return;
  (perHour[channel] ||= new Array(24).fill(0))[hour]++;
  root.querySelector('#dash-chart')?.replaceWith(chartCard());
}

export function mountDashboard(el, agentSocket) {
  root = el;
  socket = agentSocket;
  socket.on('message.created', d => { if (!root.hidden) countLive(d); });
  onLangChange(() => { if (!root.hidden) render(); });
  const show = () => {
    clearInterval(timer);
    timer = setInterval(() => { if (root.hidden) clearInterval(timer); else if (document.visibilityState === 'visible') render(); }, 30e3);
    return render();
  };
  return { show };
}
