-- Tickets: the work that outlives a conversation. States and their rules live in the domain
-- (cc/domain/ticket_state.hpp); SLA due times are computed in services from the business
-- calendar and stored here so that lists sort by next breach and timers survive restarts.

-- Business-hours calendars: weekly hours {"mon": [["09:00","17:00"]], ...}, holidays ["2026-12-25"],
-- and a zone (IANA name or a fixed offset such as "+08:00").
CREATE TABLE business_calendars (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  time_zone   text NOT NULL DEFAULT 'UTC',
  hours       jsonb NOT NULL DEFAULT '{}',
  holidays    jsonb NOT NULL DEFAULT '[]',
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- SLA policies: the first active policy (lowest position) whose conditions all match applies.
-- conditions: {"priority": [...], "tier": [...], "channel": [...], "type": [...]} (absent = any).
-- Targets are business seconds in the policy's calendar (NULL calendar = around the clock).
-- warning_percent: the warning fires when that share of a target has elapsed.
-- warning_actions / breach_actions: [{"type": "raise_priority"} | {"type": "reassign_team",
-- "team": "..."} | {"type": "reassign_agent", "agent_id": "..."} | {"type": "notify",
-- "agent_id": "..."}].
CREATE TABLE sla_policies (
  id                      bigserial PRIMARY KEY,
  name                    text NOT NULL,
  position                integer NOT NULL DEFAULT 100,
  active                  boolean NOT NULL DEFAULT true,
  conditions              jsonb NOT NULL DEFAULT '{}',
  calendar_id             bigint REFERENCES business_calendars (id),
  first_reply_seconds     integer CHECK (first_reply_seconds > 0),
  next_reply_seconds      integer CHECK (next_reply_seconds > 0),
  resolution_seconds      integer CHECK (resolution_seconds > 0),
  warning_percent         integer NOT NULL DEFAULT 80 CHECK (warning_percent BETWEEN 1 AND 99),
  warning_actions         jsonb NOT NULL DEFAULT '[]',
  breach_actions          jsonb NOT NULL DEFAULT '[]',
  version                 integer NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sla_policies_order ON sla_policies (position, id) WHERE active;

-- Custom fields defined by admins: typed (text, number, boolean, date, select) and validated.
CREATE TABLE ticket_field_definitions (
  key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  label       text NOT NULL,
  type        text NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date', 'select')),
  options     jsonb NOT NULL DEFAULT '[]',
  required    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
  id                        bigserial PRIMARY KEY,
  requester_id              bigint REFERENCES customers (id),
  assignee_id               bigint REFERENCES agents (id),
  team                      text,
  state                     text NOT NULL DEFAULT 'new'
                              CHECK (state IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
  type                      text NOT NULL DEFAULT 'question'
                              CHECK (type IN ('question', 'incident', 'problem', 'task', 'complaint',
                                              'return', 'exchange')),
  priority                  text NOT NULL DEFAULT 'normal'
                              CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  subject                   text NOT NULL,
  description               text NOT NULL DEFAULT '',
  tags                      text[] NOT NULL DEFAULT '{}',
  custom_fields             jsonb NOT NULL DEFAULT '{}',
  source                    text NOT NULL DEFAULT 'api',
  version                   integer NOT NULL DEFAULT 1,    -- the ETag; bumped by every change
  merged_into_id            bigint REFERENCES tickets (id),
  -- SLA: the policy chosen at creation, the due time of each running target, and while paused
  -- (pending, on_hold) the business seconds each target had left.
  sla_policy_id             bigint REFERENCES sla_policies (id),
  first_reply_due_at        timestamptz,
  next_reply_due_at         timestamptz,
  resolution_due_at         timestamptz,
  first_reply_remaining_s   integer,
  next_reply_remaining_s    integer,
  resolution_remaining_s    integer,
  sla_paused_at             timestamptz,
  first_replied_at          timestamptz,
  -- The earliest running due time and its warning instant: what the timer worker polls and
  -- what the list sorts by ("sort=due").
  next_sla_due_at           timestamptz,
  next_sla_warning_at       timestamptz,
  sla_status                text NOT NULL DEFAULT 'none'
                              CHECK (sla_status IN ('none', 'ok', 'warning', 'breached', 'paused', 'met')),
  sla_locked_until          timestamptz,
  csat_requested_at         timestamptz,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  solved_at                 timestamptz,
  closed_at                 timestamptz
);
CREATE INDEX tickets_requester ON tickets (requester_id, id DESC) WHERE state <> 'closed';
CREATE INDEX tickets_assignee ON tickets (assignee_id, state);
CREATE INDEX tickets_state ON tickets (state, id);
CREATE INDEX tickets_sla_due ON tickets (next_sla_due_at) WHERE next_sla_due_at IS NOT NULL;
CREATE INDEX tickets_sla_warning ON tickets (next_sla_warning_at) WHERE next_sla_warning_at IS NOT NULL;
CREATE INDEX tickets_solved ON tickets (solved_at) WHERE state = 'solved';
CREATE INDEX tickets_tags ON tickets USING gin (tags);

-- Internal notes; mentions are the agent ids found as @name / @email in the body.
CREATE TABLE ticket_notes (
  id               bigserial PRIMARY KEY,
  ticket_id        bigint NOT NULL REFERENCES tickets (id),
  author_agent_id  bigint REFERENCES agents (id),
  body             text NOT NULL,
  mentions         bigint[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_notes_ticket ON ticket_notes (ticket_id, id);

-- Every field change: who (an agent, or a source such as "routing" / "sla"), when, old, new.
CREATE TABLE ticket_history (
  id              bigserial PRIMARY KEY,
  ticket_id       bigint NOT NULL REFERENCES tickets (id),
  actor_agent_id  bigint REFERENCES agents (id),
  actor           text NOT NULL DEFAULT 'agent',
  field           text NOT NULL,
  old_value       jsonb,
  new_value       jsonb,
  reason          text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);

-- Related tickets (stored once per ordered pair; kind says how they relate).
CREATE TABLE ticket_links (
  ticket_id          bigint NOT NULL REFERENCES tickets (id),
  related_ticket_id  bigint NOT NULL REFERENCES tickets (id),
  kind               text NOT NULL DEFAULT 'related'
                       CHECK (kind IN ('related', 'follow_up', 'duplicate')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_id, related_ticket_id),
  CHECK (ticket_id <> related_ticket_id)
);
CREATE INDEX ticket_links_related ON ticket_links (related_ticket_id);

CREATE TABLE ticket_conversations (
  ticket_id        bigint NOT NULL REFERENCES tickets (id),
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  linked_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_id, conversation_id)
);
CREATE INDEX ticket_conversations_conversation ON ticket_conversations (conversation_id);

-- One row per fired SLA event: the unique key is what makes a warning or breach fire once even
-- when two server instances poll at the same moment.
CREATE TABLE ticket_sla_events (
  id          bigserial PRIMARY KEY,
  ticket_id   bigint NOT NULL REFERENCES tickets (id),
  target      text NOT NULL CHECK (target IN ('first_reply', 'next_reply', 'resolution')),
  kind        text NOT NULL CHECK (kind IN ('warning', 'breach')),
  due_at      timestamptz NOT NULL,
  fired_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (ticket_id, target, kind, due_at)
);

-- CSAT: the survey sent when a ticket is solved, and the customer's answer.
CREATE TABLE csat_surveys (
  id               bigserial PRIMARY KEY,
  ticket_id        bigint NOT NULL REFERENCES tickets (id),
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  agent_id         bigint REFERENCES agents (id),
  message_id       bigint REFERENCES messages (id),
  score            integer CHECK (score BETWEEN 1 AND 5),
  comment          text,
  sent_at          timestamptz NOT NULL DEFAULT now(),
  answered_at      timestamptz
);
CREATE INDEX csat_surveys_waiting ON csat_surveys (conversation_id) WHERE answered_at IS NULL;
CREATE INDEX csat_surveys_agent ON csat_surveys (agent_id) WHERE answered_at IS NOT NULL;

-- Silent-customer follow-ups: one row per agent reply that was followed up, written in the same
-- transaction as the follow-up message and its outbox row, so it can never go twice.
CREATE TABLE conversation_followups (
  conversation_id   bigint NOT NULL REFERENCES conversations (id),
  after_message_id  bigint NOT NULL REFERENCES messages (id),
  message_id        bigint REFERENCES messages (id),
  sent_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, after_message_id)
);
