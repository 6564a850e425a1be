-- Foundation schema: agents and their tokens, channel accounts, customers and identities,
-- conversations, messages, the outbox, per-agent events for WebSocket resume, and the audit log.
-- Ids are bigserial; the API prints them as strings.

CREATE TABLE agents (
  id                bigserial PRIMARY KEY,
  email             text NOT NULL,
  name              text NOT NULL,
  role              text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  password_hash     text NOT NULL,
  status            text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  status_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE INDEX agents_online ON agents (id) WHERE status = 'online' AND active;

-- Bearer tokens are stored only as their SHA-256 (hex); the token itself is shown once.
CREATE TABLE access_tokens (
  token_hash  text PRIMARY KEY,
  agent_id    bigint NOT NULL REFERENCES agents (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX access_tokens_agent ON access_tokens (agent_id);

CREATE TABLE channel_accounts (
  id          bigserial PRIMARY KEY,
  channel     text NOT NULL CHECK (channel IN ('webchat', 'wechat', 'sms', 'email', 'voice')),
  name        text NOT NULL,
  config      jsonb NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id            bigserial PRIMARY KEY,
  display_name  text NOT NULL DEFAULT '',
  tier          text NOT NULL DEFAULT 'standard',
  attributes    jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A verified identifier belongs to exactly one customer; a claimed one (typed by the customer,
-- unsigned) may be claimed by several and never merges profiles.
CREATE TABLE customer_identities (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  type         text NOT NULL,
  value        text NOT NULL,
  verified     boolean NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customer_identities_verified_key
  ON customer_identities (type, value) WHERE verified;
CREATE UNIQUE INDEX customer_identities_customer_key
  ON customer_identities (customer_id, type, value);
CREATE INDEX customer_identities_lookup ON customer_identities (type, value);

CREATE TABLE conversations (
  id                    bigserial PRIMARY KEY,
  customer_id           bigint NOT NULL REFERENCES customers (id),
  channel_account_id    bigint NOT NULL REFERENCES channel_accounts (id),
  channel               text NOT NULL,
  status                text NOT NULL CHECK (status IN ('queued', 'open', 'closed')),
  assignee_id           bigint REFERENCES agents (id),
  last_message_preview  text NOT NULL DEFAULT '',
  created_at            timestamptz NOT NULL DEFAULT now(),
  last_message_at       timestamptz NOT NULL DEFAULT now(),
  assigned_at           timestamptz,
  closed_at             timestamptz,
  CHECK ((status = 'queued') = (assignee_id IS NULL) OR status = 'closed')
);
-- At most one live conversation per customer and channel account, even under races.
CREATE UNIQUE INDEX conversations_one_live
  ON conversations (customer_id, channel_account_id) WHERE status <> 'closed';
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);
CREATE INDEX conversations_queue ON conversations (id) WHERE status = 'queued';

CREATE TABLE messages (
  id                   bigserial PRIMARY KEY,
  conversation_id      bigint NOT NULL REFERENCES conversations (id),
  channel_account_id   bigint NOT NULL REFERENCES channel_accounts (id),
  direction            text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  sender_type          text NOT NULL CHECK (sender_type IN ('customer', 'agent', 'bot', 'system')),
  sender_agent_id      bigint REFERENCES agents (id),
  content              text NOT NULL,
  content_type         text NOT NULL DEFAULT 'text',
  provider_message_id  text,
  idempotency_key      text,
  delivery_status      text NOT NULL,
  provider_time        timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now()
);
-- A provider's retry of the same message is recognised and stored once.
CREATE UNIQUE INDEX messages_provider_key
  ON messages (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_idempotency_key
  ON messages (sender_agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE outbox (
  id                   bigserial PRIMARY KEY,
  message_id           bigint NOT NULL UNIQUE REFERENCES messages (id),
  channel_account_id   bigint NOT NULL REFERENCES channel_accounts (id),
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL DEFAULT now(),
  locked_until         timestamptz,
  provider_message_id  text,
  last_error           text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- The per-agent event log; the id is the event's sequence number.
CREATE TABLE agent_events (
  id          bigserial PRIMARY KEY,
  agent_id    bigint NOT NULL REFERENCES agents (id),
  type        text NOT NULL,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_events_agent ON agent_events (agent_id, id);

CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  actor_agent_id  bigint REFERENCES agents (id),
  action          text NOT NULL,
  target_type     text NOT NULL,
  target_id       text NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
