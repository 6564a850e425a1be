// Strings, one dictionary per language. Chinese is the default when the browser lists a Chinese
// language before English (navigator.languages); an explicit choice is kept in localStorage.
const zh = {
  appTitle: '客服工作台', login: '登录', logout: '退出', email: '邮箱', password: '密码', loginFailed: '登录失败：邮箱或密码错误',
  inbox: '收件箱', dashboard: '主管看板', tickets: '工单', routing: '路由规则', language: 'English',
  online: '在线', away: '离开', offline: '离线', capacity: '负载', presence: '状态',
  all: '全部', mine: '我的', queued: '排队中', open: '处理中', closed: '已关闭', allChannels: '全部渠道',
  search: '搜索客户或消息', noConversations: '没有会话', pickConversation: '从左侧选择一个会话',
  waiting: '等待', unread: '未读', customer: '客户', agent: '坐席', bot: '机器人', system: '系统', you: '我',
  reply: '回复', replyHint: 'Enter 发送，Shift+Enter 换行', send: '发送', closeConversation: '关闭会话',
  confirmClose: '再按一次确认关闭', typing: '对方正在输入…',
  status_queued: '排队发送', status_sent: '已发送', status_delivered: '已送达', status_failed: '发送失败',
  status_received: '', status_sending: '发送中…', retry: '重试', retryFailed: '重试失败', subject: '主题',
  emailHtml: '邮件原文（HTML，已隔离）', attachments: '附件',
  connLive: '实时连接', connDown: '连接中断，正在重连…', loadMore: '加载更早的消息',
  customer360: '客户 360', notAvailable: '此功能尚未启用（服务器未提供该接口）', loading: '加载中…', error: '出错了',
  identifiers: '身份标识', verified: '已验证', unverified: '未验证', orders: '订单', returns: '退换货', complaints: '投诉',
  timeline: '时间线', none: '无',
  newTicket: '新建工单', ticketSubject: '主题', description: '描述', type: '类型', priority: '优先级', requester: '客户 ID',
  create: '创建', ticketCreated: '已创建工单', ticketId: '工单编号', moveTo: '流转到', transitionRefused: '不允许这样流转，可选：',
  transitioned: '工单状态已更新',
  workflow: '路由流程（草稿）', validate: '校验', simulate: '模拟', save: '保存草稿', activate: '发布', versions: '历史版本',
  rollback: '回滚到此版本', valid: '校验通过', saved: '已保存', activated: '已发布', conflict: '草稿已被他人修改，请重新加载',
  queues: '队列', queue: '队列', atRisk: '即将超时', breached: '已超时', firstResponse: '首次响应时间',
  average: '平均', median: '中位数', conversationsToday: '今日会话', hotWords: '24 小时热词',
  admin: '管理', edit: '编辑', admin_agents: '坐席与技能', admin_queues: '团队与队列', 'admin_channel-accounts': '渠道账号',
  'admin_canned-replies': '快捷回复', admin_faq: '知识库', 'admin_sla-policies': 'SLA 策略', 'admin_business-calendars': '工作日历',
  matchedRule: '命中规则', activeVersion: '当前生效', suggestions: '知识库建议', insert: '插入', canned: '快捷回复',
  cannedHint: '输入 / 加快捷词', cannedNone: '没有匹配的快捷回复', note: '内部备注', addNote: '添加备注', notes: '内部备注',
  noteHint: '仅坐席可见，可 @提及同事', mentioned: '提到了你',
  simMessage: '模拟消息', simChannel: '渠道', result: '结果', reload: '重新加载',
  incomingCall: '来电', caller: '来电号码', openConversation: '打开会话', dismiss: '忽略',
  convByStatus: '会话状态', agentsByState: '坐席状态', messagesPerChannel: '今日各渠道消息量（按小时）',
  sla: 'SLA', csat: '满意度', longestWait: '最长等待', needsSupervisor: '需要主管或管理员权限', updated: '更新于',
  help: '键盘快捷键', shortcutsHelp: '按 ? 查看快捷键',
  k_next: '下一个会话', k_prev: '上一个会话', k_search: '搜索', k_reply: '写回复', k_close: '关闭会话',
  k_profile: '客户 360 面板', k_ticket: '从会话新建工单', k_inbox: '收件箱', k_dash: '主管看板', k_lang: '切换语言',
  k_presence: '切换在线/离开', k_help: '显示/隐藏帮助', k_esc: '关闭弹窗', k_send: '发送回复', k_newline: '换行',
  channel_webchat: '网页聊天', channel_wechat: '微信', channel_sms: '短信', channel_email: '邮件', channel_voice: '电话', channel_api: 'API',
  sessionExpired: '登录已过期，请重新登录', hooks: '待接入'
};
const en = {
  appTitle: 'Agent workbench', login: 'Log in', logout: 'Log out', email: 'Email', password: 'Password', loginFailed: 'Login failed: wrong email or password',
  inbox: 'Inbox', dashboard: 'Dashboard', tickets: 'Tickets', routing: 'Routing rules', language: '中文',
  online: 'Online', away: 'Away', offline: 'Offline', capacity: 'Load', presence: 'Status',
  all: 'All', mine: 'Mine', queued: 'Queued', open: 'Open', closed: 'Closed', allChannels: 'All channels',
  search: 'Search customers or messages', noConversations: 'No conversations', pickConversation: 'Pick a conversation on the left',
  waiting: 'Waiting', unread: 'Unread', customer: 'Customer', agent: 'Agent', bot: 'Bot', system: 'System', you: 'You',
  reply: 'Reply', replyHint: 'Enter to send, Shift+Enter for a new line', send: 'Send', closeConversation: 'Close conversation',
  confirmClose: 'Press again to close', typing: 'Customer is typing…',
  status_queued: 'Queued', status_sent: 'Sent', status_delivered: 'Delivered', status_failed: 'Failed',
  status_received: '', status_sending: 'Sending…', retry: 'Retry', retryFailed: 'Retry failed', subject: 'Subject',
  emailHtml: 'Original email (HTML, sandboxed)', attachments: 'Attachments',
  connLive: 'Live', connDown: 'Connection lost, reconnecting…', loadMore: 'Load earlier messages',
  customer360: 'Customer 360', notAvailable: 'Not available yet (the server does not offer this API)', loading: 'Loading…', error: 'Something went wrong',
  identifiers: 'Identifiers', verified: 'verified', unverified: 'unverified', orders: 'Orders', returns: 'Returns and exchanges', complaints: 'Complaints',
  timeline: 'Timeline', none: 'None',
  newTicket: 'New ticket', ticketSubject: 'Subject', description: 'Description', type: 'Type', priority: 'Priority', requester: 'Customer id',
  create: 'Create', ticketCreated: 'Ticket created', ticketId: 'Ticket id', moveTo: 'Move to', transitionRefused: 'Not allowed; allowed moves:',
  transitioned: 'Ticket state updated',
  workflow: 'Routing workflow (draft)', validate: 'Validate', simulate: 'Simulate', save: 'Save draft', activate: 'Publish', versions: 'History',
  rollback: 'Roll back to this version', valid: 'Valid', saved: 'Saved', activated: 'Published', conflict: 'Someone else changed the draft; reload it',
  queues: 'Queues', queue: 'Queue', atRisk: 'at risk', breached: 'breached', firstResponse: 'First response time',
  average: 'average', median: 'median', conversationsToday: 'conversations today', hotWords: 'Hot words (24 h)',
  admin: 'Admin', edit: 'Edit', admin_agents: 'Agents & skills', admin_queues: 'Teams & queues', 'admin_channel-accounts': 'Channel accounts',
  'admin_canned-replies': 'Canned replies', admin_faq: 'Knowledge base', 'admin_sla-policies': 'SLA policies', 'admin_business-calendars': 'Calendars',
  matchedRule: 'Matched rule', activeVersion: 'active', suggestions: 'Knowledge base', insert: 'Insert', canned: 'Canned replies',
  cannedHint: 'type / and a shortcut', cannedNone: 'No canned reply matches', note: 'Internal note', addNote: 'Add note', notes: 'Internal notes',
  noteHint: 'Only agents see it; @mention a colleague', mentioned: 'mentioned you',
  simMessage: 'Message to simulate', simChannel: 'Channel', result: 'Result', reload: 'Reload',
  incomingCall: 'Incoming call', caller: 'Caller', openConversation: 'Open conversation', dismiss: 'Dismiss',
  convByStatus: 'Conversations by status', agentsByState: 'Agents by state', messagesPerChannel: 'Messages per channel today (by hour)',
  sla: 'SLA', csat: 'CSAT', longestWait: 'Longest wait', needsSupervisor: 'Needs the supervisor or admin role', updated: 'Updated',
  help: 'Keyboard shortcuts', shortcutsHelp: 'Press ? for shortcuts',
  k_next: 'Next conversation', k_prev: 'Previous conversation', k_search: 'Search', k_reply: 'Write a reply', k_close: 'Close conversation',
  k_profile: 'Customer 360 panel', k_ticket: 'New ticket from conversation', k_inbox: 'Inbox', k_dash: 'Dashboard', k_lang: 'Switch language',
  k_presence: 'Toggle online/away', k_help: 'Show/hide this help', k_esc: 'Close dialogs', k_send: 'Send reply', k_newline: 'New line',
  channel_webchat: 'Web chat', channel_wechat: 'WeChat', channel_sms: 'SMS', channel_email: 'Email', channel_voice: 'Phone', channel_api: 'API',
  sessionExpired: 'Your session expired; log in again', hooks: 'pending'
};
const dictionaries = { zh, en };
const KEY = 'cc-workbench-lang';
const listeners = new Set();

function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    if (/^zh\b/i.test(tag)) return 'zh';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return 'en';
}

let current = (() => { try { return localStorage.getItem(KEY); } catch { return null; } })();
if (!dictionaries[current]) current = browserLanguage();

export const lang = () => current;
export function t(key) { return dictionaries[current][key] ?? dictionaries.en[key] ?? key; }
export function setLang(next) {
  if (!dictionaries[next] || next === current) return;
  current = next;
  try { localStorage.setItem(KEY, next); } catch { /* storage blocked: this page only */ }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  translate(document);
  for (const fn of listeners) fn(next);
}
export const onLangChange = fn => listeners.add(fn);

// Static markup names its strings with data-i18n (text), data-i18n-ph (placeholder), data-i18n-label (aria-label).
export function translate(root) {
  for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const n of root.querySelectorAll('[data-i18n-ph]')) n.placeholder = t(n.dataset.i18nPh);
  for (const n of root.querySelectorAll('[data-i18n-label]')) n.setAttribute('aria-label', t(n.dataset.i18nLabel));
  document.title = t('appTitle');
}
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return d.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-GB',
    sameDay ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
export function formatWait(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return current === 'zh' ? `${s}秒` : `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return current === 'zh' ? `${m}分` : `${m}m`;
  const h = Math.floor(m / 60);
  return current === 'zh' ? `${h}时${m % 60}分` : `${h}h ${m % 60}m`;
}
