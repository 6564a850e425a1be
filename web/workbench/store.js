// What the workbench knows: conversations, their unread counts and waiting times, the messages of
// threads that were opened. Fed by REST loads and agent WebSocket events; views subscribe.
import { idGt } from './dom.js';

const listeners = new Map();
export const store = {
  me: null,
  conversations: new Map(),
  unread: new Map(),
  waitingSince: new Map(), // conversation id -> ISO time of the oldest unanswered customer message
  messages: new Map(),     // conversation id -> Map(message id -> message)
  typingUntil: new Map(),
  selected: null
};

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
}
export function emit(topic, arg) { for (const fn of listeners.get(topic) || []) fn(arg); }

export function upsertConversation(c) {
  const old = store.conversations.get(c.id);
  // An older copy (a replayed event) never overwrites a newer one.
  if (old && old.last_message_at > c.last_message_at && old.status === c.status) return;
  store.conversations.set(c.id, { ...old, ...c });
  if (c.status === 'closed') store.waitingSince.delete(c.id);
  emit('conversations');
}

export function addMessages(conversationId, list) {
  if (!store.messages.has(conversationId)) store.messages.set(conversationId, new Map());
  const map = store.messages.get(conversationId);
  let changed = false;
  for (const m of list) {
    const old = map.get(m.id);
    const late = lateStatus.get(m.id);
    lateStatus.delete(m.id);
    let next = { ...old, ...m };
    // A message.status event may come before the message (the POST's answer) or before an
    // older read of the thread: the further status wins.
    if (late && RANK[late.status] >= (RANK[next.delivery_status] ?? 0)) next = { ...next, delivery_status: late.status, delivery_error: late.error };
    if (old && (RANK[old.delivery_status] ?? 0) > (RANK[next.delivery_status] ?? 0)) next = { ...next, delivery_status: old.delivery_status, delivery_error: old.delivery_error };
    if (old && old.delivery_status === next.delivery_status && old.content === next.content) continue;
    map.set(m.id, next);
    changed = true;
  }
  if (changed) emit('messages', conversationId);
}

const RANK = { queued: 0, sending: 0, sent: 1, failed: 1, delivered: 2 };
const lateStatus = new Map(); // message id -> {status, error} for messages not loaded yet

export function threadOf(conversationId) {
  const map = store.messages.get(conversationId);
  if (!map) return [];
  return [...map.values()].sort((a, b) => (a.id === b.id ? 0 : idGt(a.id, b.id) ? 1 : -1));
}

export function setMessageStatus(conversationId, messageId, status, error = '') {
  const map = store.messages.get(conversationId);
  const m = map && map.get(messageId);
  if (!m) { lateStatus.set(messageId, { status, error }); if (lateStatus.size > 500) lateStatus.delete(lateStatus.keys().next().value); return; }
  if (m.delivery_status === status && (m.delivery_error || '') === error) return;
  map.set(messageId, { ...m, delivery_status: status, delivery_error: error });
  emit('messages', conversationId);
}

// A live message: updates the list row, unread count and waiting time.
export function onMessageCreated({ conversation, message }) {
  if (conversation) upsertConversation(conversation);
  if (!message) return;
  const cid = message.conversation_id;
  const known = store.messages.get(cid)?.has(message.id);
  addMessages(cid, [message]);
  if (known) return;
  if (message.direction === 'inbound') {
    if (!store.waitingSince.has(cid)) store.waitingSince.set(cid, message.created_at);
    if (store.selected !== cid || document.hidden) store.unread.set(cid, (store.unread.get(cid) || 0) + 1);
  } else if (message.sender_type === 'agent') {
    store.waitingSince.delete(cid);
  }
  store.typingUntil.delete(cid);
  emit('conversations');
}

export function markRead(conversationId) {
  if (store.unread.delete(conversationId)) emit('conversations');
}
