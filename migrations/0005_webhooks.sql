-- Outbound webhooks (Standard Webhooks): admins' subscriptions and one durable delivery row per
-- event per subscription. Deliveries are written right after the change they describe commits
-- (the event sink), claimed with a lease by the webhook dispatcher (FOR UPDATE SKIP LOCKED, so
-- several instances share the work), and kept after delivery for the delivery log and replay.

CREATE TABLE webhook_subscriptions (
  id                          bigserial PRIMARY KEY,
  url                         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
  events                      text[] NOT NULL,
  -- {channel, queue, tag}: every present key must match the event.
  filters                     jsonb NOT NULL DEFAULT '{}',
  description                 text NOT NULL DEFAULT '',
  secret                      text NOT NULL,  -- whsec_<base64>; shown once at creation
  -- After a rotation the old secret still signs (a second v1 entry) until it expires.
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  paused                      boolean NOT NULL DEFAULT false,
  deleted_at                  timestamptz,    -- soft delete: the delivery log stays readable
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id               bigserial PRIMARY KEY,
  subscription_id  bigint NOT NULL REFERENCES webhook_subscriptions (id),
  -- The Standard Webhooks message id: one per event (shared by its deliveries to several
  -- subscriptions), unchanged by retries and replays, the receiver's dedupe key.
  webhook_id       text NOT NULL,
  event_type       text NOT NULL,
  payload          text NOT NULL,  -- the exact body sent: {"type","timestamp","data"}
  -- Deliveries with the same key (the conversation) go out in id order; NULL = no order.
  order_key        text,
  -- pending: to send (or retrying); delivered: 2xx; failed: gave up (dead letter).
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  locked_until     timestamptz,
  first_attempt_at timestamptz,    -- the 24-hour retry budget counts from here
  response_code    integer,
  latency_ms       integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (subscription_id, order_key, id)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);
