// The agent's live event stream (/api/v1/ws). Authenticates with a first frame (browsers can not
// set headers on a WebSocket), resumes after the highest seq seen (kept in sessionStorage, so a
// reload resumes too), drops duplicate seqs, reconnects with capped exponential backoff and
// pings so a half-open socket is noticed.
const SEQ_KEY = 'cc-workbench-last-seq';

export class AgentSocket {
  constructor(tokenFn) {
    this.tokenFn = tokenFn;
    this.handlers = new Map();
    this.ws = null;
    this.fails = 0;
    this.timer = 0;
    this.stopped = true;
    this.seen = new Set();
    this.lastSeq = Number(sessionStorage.getItem(SEQ_KEY) || 0);
    this.lastFrameAt = 0;
    this.state = 'down';
  }

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return this;
  }
  emit(type, data, frame) { for (const fn of this.handlers.get(type) || []) fn(data, frame); }

  start() {
    this.stopped = false;
    this.connect();
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      if (this.state !== 'live') return;
      if (Date.now() - this.lastFrameAt > 60e3) this.drop(this.ws); // silent for a minute: half-open
      else this.ws.send('{"type":"ping"}');
    }, 25e3);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.ws) { const s = this.ws; this.ws = null; s.onclose = null; s.close(); }
    this.setState('down');
  }

  resetSeq() { this.lastSeq = 0; this.seen.clear(); sessionStorage.removeItem(SEQ_KEY); }

  setState(state) { if (state !== this.state) { this.state = state; this.emit('connection', state); } }

  connect() {
    clearTimeout(this.timer);
    if (this.stopped || this.ws) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`;
    const ws = this.ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.tokenFn(), last_seq: this.lastSeq }));
    ws.onmessage = e => this.onFrame(e.data);
    ws.onclose = () => this.drop(ws);
  }

  onFrame(text) {
    let f;
    try { f = JSON.parse(text); } catch { return; }
    this.lastFrameAt = Date.now();
    if (f.type === 'session.ready') {
      this.fails = 0;
      this.setState('live');
      this.emit('ready', f.data);
      return;
    }
    if (f.type === 'error' && f.data && f.data.status === 401) { this.emit('unauthorized'); this.stop(); return; }
    if (f.seq > 0) {
      if (this.seen.has(f.seq)) return; // replay and live copy of one event
      this.seen.add(f.seq);
      if (this.seen.size > 2000) this.seen = new Set([...this.seen].slice(-1000));
      if (f.seq > this.lastSeq) { this.lastSeq = f.seq; sessionStorage.setItem(SEQ_KEY, String(f.seq)); }
    }
    this.emit(f.type, f.data || {}, f);
    this.emit('*', f.data || {}, f);
  }

  drop(ws) {
    if (ws !== this.ws || !ws) return;
    ws.onclose = ws.onmessage = ws.onopen = null;
    try { ws.close(); } catch { /* already closed */ }
    this.ws = null;
    this.setState('down');
    if (this.stopped) return;
    this.fails++;
    // Backoff capped at 8 s, with jitter so a crowd of agents does not reconnect in step.
    const delay = Math.min(8000, 300 * 2 ** Math.min(this.fails, 5)) * (0.75 + Math.random() / 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  send(obj) { if (this.state === 'live') this.ws.send(JSON.stringify(obj)); }
}
