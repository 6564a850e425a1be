-- Voice (issue 5): the calls the SIP redirect server routed or the PBX reported.
-- An agent is offered at most one live call: the partial unique index makes the reservation
-- atomic across server instances (INSERT ... ON CONFLICT DO NOTHING loses the race cleanly).
ALTER TABLE agents ADD COLUMN IF NOT EXISTS sip_uri text;

CREATE TABLE voice_calls (
  id                 bigserial PRIMARY KEY,
  channel_account_id bigint NOT NULL REFERENCES channel_accounts (id),
  call_id            text NOT NULL,
  caller             text NOT NULL DEFAULT '',
  did                text NOT NULL DEFAULT '',
  queue              text NOT NULL DEFAULT '',
  customer_id        bigint,
  agent_id           bigint REFERENCES agents (id),
  state              text NOT NULL CHECK (state IN ('offered', 'ringing', 'answered', 'ended', 'released',
                                                    'overflowed', 'rejected')),
  hangup_cause       text,
  duration_seconds   integer,
  billsec            integer,
  conversation_id    bigint,
  callback_claimed   boolean NOT NULL DEFAULT false,
  callback_ticket_id bigint,
  offered_at         timestamptz NOT NULL DEFAULT now(),
  answered_at        timestamptz,
  ended_at           timestamptz
);
CREATE UNIQUE INDEX voice_calls_call_key ON voice_calls (channel_account_id, call_id);
CREATE UNIQUE INDEX voice_calls_one_live_call_per_agent ON voice_calls (agent_id)
  WHERE state IN ('offered', 'ringing', 'answered');
CREATE INDEX voice_calls_offered ON voice_calls (offered_at) WHERE state IN ('offered', 'ringing');
