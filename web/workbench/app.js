// Workbench entry: login, navigation between views (hash routes), wiring of the agent WebSocket
// into the store, and the keyboard shortcuts. Each view lives in a module of its own.
import { h, $ } from './dom.js';
import { t, lang, setLang, translate, onLangChange } from './i18n.js';
import { api, get, post, session, onUnauthorized } from './api.js';
import { AgentSocket } from './socket.js';
import { store, emit, on, onMessageCreated, upsertConversation } from './store.js';
import { mountPresence } from './presence.js';
import { mountInbox, loadInbox, visibleIds } from './inbox.js';
import { mountConversation, openConversation, focusReply, closeSelected } from './conversation.js';
import { mountCustomer360, toggleProfile } from './customer360.js';
import { mountTickets, ticketFromConversation, showTicket } from './tickets.js';
import { mountNotifications } from './notifications.js';
import { mountAdmin } from './admin.js';
import { mountRoutingEditor } from './routing_editor.js';
import { mountCallCard } from './call_card.js';
import { mountDashboard } from './dashboard.js';
import { mountShortcuts } from './shortcuts.js';

const socket = new AgentSocket(() => session.token);
const views = {};
let mounted = false, presence, inbox;

function showLogin(message) {
  $('#app').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message || '';
  $('#login-email').focus();
}

async function login(e) {
  e.preventDefault();
  const form = e.target;
  $('#login-error').textContent = '';
  form.querySelector('button').disabled = true;
  try {
    const r = await api('POST', '/api/v1/auth/login', { body: { email: form.email.value.trim(), password: form.password.value }, allow: [401, 422] });
    if (r.status !== 200) { $('#login-error').textContent = t('loginFailed'); return; }
    session.token = r.body.token;
    session.agent = r.body.agent;
    socket.resetSeq(); // a new token is a new session: resume points belong to the old one
    form.password.value = '';
    await boot();
  } catch (err) {
    $('#login-error').textContent = `${t('error')}: ${err.message}`;
  } finally {
    form.querySelector('button').disabled = false;
  }
}

async function logout() {
  try { await post('/api/v1/auth/logout'); } catch { /* the token may be gone already */ }
  session.token = null;
  session.agent = null;
  socket.stop();
  socket.resetSeq();
  location.hash = '';
  location.reload(); // nothing of the last agent stays in memory
}

function route() {
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1] || 'inbox';
  for (const [key, view] of Object.entries(views)) {
    const active = key === name;
    view.el.hidden = !active;
    $(`#nav-${key}`)?.setAttribute('aria-current', active ? 'page' : 'false');
    if (active && view.show) view.show();
  }
}
const go = name => { location.hash = '#/' + name; };

function step(delta) {
  const ids = visibleIds();
  if (!ids.length) return;
  const at = ids.indexOf(store.selected);
  const next = ids[Math.min(ids.length - 1, Math.max(0, at < 0 ? 0 : at + delta))];
  openConversation(next);
  document.querySelector(`#conv-list [data-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: 'nearest' });
}

function mount() {
  mounted = true;
  presence = mountPresence($('#presence-box'));
  inbox = mountInbox($('#inbox-list'), id => { go('inbox'); openConversation(id); });
  mountConversation($('#conversation'), socket);
  mountCustomer360($('#side'));
  mountCallCard($('#calls'), socket, id => { go('inbox'); openConversation(id); });
  mountNotifications($('#notifications'), socket, ticket => { showTicket(ticket); go('tickets'); });
  views.inbox = { el: $('#view-inbox') };
  views.dashboard = { el: $('#view-dashboard'), ...mountDashboard($('#view-dashboard'), socket) };
  views.tickets = { el: $('#view-tickets'), ...mountTickets($('#view-tickets')) };
  views.routing = { el: $('#view-routing'), ...mountRoutingEditor($('#view-routing')) };
  views.admin = { el: $('#view-admin'), ...mountAdmin($('#view-admin')) };
  window.addEventListener('hashchange', route);

  socket.on('message.created', onMessageCreated);
  socket.on('conversation.assigned', d => d.conversation && upsertConversation(d.conversation));
  socket.on('conversation.closed', d => d.conversation && upsertConversation(d.conversation));
  socket.on('agent.status', d => { if (d.agent_id === store.me?.id) { store.me = { ...store.me, status: d.status }; emit('me'); } });
  socket.on('ready', d => {
    $('#conn').dataset.resumedAfter = d.resumed_after; // what the server replays from (tests read it)
    if (!d.resumed_after) loadInbox().catch(() => {}); // nothing to resume from: read it all
  });
  socket.on('unauthorized', () => showLogin(t('sessionExpired')));
  socket.on('connection', state => {
    const n = $('#conn');
    n.dataset.state = state;
    n.textContent = state === 'live' ? t('connLive') : t('connDown');
  });
  onLangChange(() => { $('#conn').textContent = socket.state === 'live' ? t('connLive') : t('connDown'); $('#lang-toggle').textContent = t('language'); });

  const current = () => store.conversations.get(store.selected);
  mountShortcuts({
    next: () => step(1), prev: () => step(-1), search: () => { go('inbox'); inbox.focusSearch(); },
    reply: () => { go('inbox'); focusReply(); }, close: () => closeSelected(),
    profile: () => current() && toggleProfile(current()),
    ticket: () => current() && (ticketFromConversation(current()), go('tickets')),
    presence: () => presence.toggle(), inbox: () => go('inbox'), dashboard: () => go('dashboard'),
    lang: () => setLang(lang() === 'zh' ? 'en' : 'zh'), escape: () => { $('#p360').hidden = true; }
  });
}

async function boot() {
  const me = await get('/api/v1/me');
  store.me = me.body;
  $('#login').hidden = true;
  $('#app').hidden = false;
  $('#me-name').textContent = store.me.name;
  $('#me-name').title = `${store.me.email} (${store.me.role})`;
  if (!mounted) mount();
  emit('me');
  socket.start();
  await loadInbox();
  route();
}

// Wiring that needs no login.
translate(document);
$('#lang-toggle').textContent = t('language');
$('#lang-toggle').addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh'));
$('#login-lang').addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh'));
$('#login-form').addEventListener('submit', login);
$('#logout').addEventListener('click', logout);
for (const n of document.querySelectorAll('[data-nav]')) n.addEventListener('click', () => go(n.dataset.nav));
onUnauthorized(() => { socket.stop(); session.token = null; showLogin(t('sessionExpired')); });
// "new-ticket" and "open-profile" come from the conversation header buttons.
on('new-ticket', c => { ticketFromConversation(c); go('tickets'); });
on('open-profile', c => toggleProfile(c));

if (session.token) boot().catch(() => showLogin()); else showLogin();
