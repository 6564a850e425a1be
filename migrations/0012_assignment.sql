-- Assignment: agents' SIP address, skills, languages, per-channel capacity; queues with members
-- and strategies; routing tasks (one per conversation handed to a queue) and offers.
ALTER TABLE agents
  ADD COLUMN sip_uri text,
  ADD COLUMN languages text[] NOT NULL DEFAULT '{}',
  ADD COLUMN capacity jsonb NOT NULL
    DEFAULT '{"webchat": 5, "wechat": 5, "sms": 5, "email": 10, "voice": 1, "api": 5}',
  ADD COLUMN missed_offers integer NOT NULL DEFAULT 0,
  ADD COLUMN last_assigned_at timestamptz,
  ADD COLUMN assigned_day date,
  ADD COLUMN assigned_today integer NOT NULL DEFAULT 0;

CREATE TABLE agent_skills (
  agent_id  bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  skill     text NOT NULL,
  level     integer NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 10),
  PRIMARY KEY (agent_id, skill)
);

CREATE TABLE queues (
  id                     bigserial PRIMARY KEY,
  key                    text NOT NULL UNIQUE,
  name                   text NOT NULL,
  strategy               text NOT NULL DEFAULT 'longest_idle'
    CHECK (strategy IN ('longest_idle', 'least_busy', 'round_robin', 'fewest_today', 'ring_all')),
  -- 0: direct assignment; otherwise the agent must accept within this many seconds.
  offer_timeout_seconds  integer NOT NULL DEFAULT 0 CHECK (offer_timeout_seconds BETWEEN 0 AND 600),
  wrap_up_seconds        integer NOT NULL DEFAULT 0 CHECK (wrap_up_seconds BETWEEN 0 AND 3600),
  offline_action         text NOT NULL DEFAULT 'keep' CHECK (offline_action IN ('keep', 'requeue', 'transfer')),
  offline_grace_seconds  integer NOT NULL DEFAULT 120 CHECK (offline_grace_seconds BETWEEN 0 AND 86400),
  transfer_queue         text,
  round_robin_last       bigint NOT NULL DEFAULT 0,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
INSERT INTO queues (key, name) VALUES ('default', 'Default') ON CONFLICT (key) DO NOTHING;

-- A queue without members accepts every agent; with members, only them.
CREATE TABLE queue_members (
  queue_id  bigint NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  agent_id  bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  PRIMARY KEY (queue_id, agent_id)
);

CREATE TABLE routing_tasks (
  conversation_id      bigint PRIMARY KEY REFERENCES conversations (id),
  channel              text NOT NULL,
  plan                 jsonb NOT NULL,
  workflow_version     integer NOT NULL DEFAULT 0,
  queue_key            text NOT NULL,
  priority             integer NOT NULL DEFAULT 0,
  entered_at           timestamptz NOT NULL,
  current_step         integer NOT NULL DEFAULT 0,
  state                text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'offered', 'assigned')),
  assigned_agent_id    bigint REFERENCES agents (id),
  last_missed_agent_id bigint REFERENCES agents (id),
  missed_offers        integer NOT NULL DEFAULT 0,
  position_told_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_tasks_waiting ON routing_tasks (priority DESC, entered_at) WHERE state = 'waiting';

CREATE TABLE task_offers (
  id               bigserial PRIMARY KEY,
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  agent_id         bigint NOT NULL REFERENCES agents (id),
  channel          text NOT NULL,
  state            text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'cancelled')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  decided_at       timestamptz
);
CREATE INDEX task_offers_pending ON task_offers (expires_at) WHERE state = 'pending';
CREATE INDEX task_offers_agent ON task_offers (agent_id) WHERE state = 'pending';
CREATE INDEX task_offers_conversation ON task_offers (conversation_id);

-- Wrap-up: a recently closed conversation still occupies its agent's slot.
CREATE INDEX conversations_recently_closed ON conversations (assignee_id, closed_at) WHERE status = 'closed';
