-- Outbound delivery for every channel: the API channel type, message metadata, the customer's
-- address per conversation, an outbox that can hold a failover copy of a message, attempt
-- records for exactly-once sending, and per-account opt-outs.

ALTER TABLE channel_accounts DROP CONSTRAINT channel_accounts_channel_check;
ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_channel_check
  CHECK (channel IN ('webchat', 'wechat', 'sms', 'email', 'voice', 'api'));

-- Channel-specific details (media ids, location, subject, attachments, failover notes).
ALTER TABLE messages ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';

-- Where replies go on the conversation's channel: openid, phone, email address, visitor id.
ALTER TABLE conversations ADD COLUMN customer_address text NOT NULL DEFAULT '';

-- A message may be sent once per channel account: the original row, and a failover row on
-- another account when the first cannot deliver.
ALTER TABLE outbox DROP CONSTRAINT outbox_message_id_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_message_account_key UNIQUE (message_id, channel_account_id);
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
-- pending: to send; sent: the provider accepted it; failed: dead-lettered (an agent may retry);
-- failed_over: handed to another channel; in_doubt: the process stopped during a provider call
-- that cannot be reconciled, so it is not resent without a person deciding.
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
  CHECK (status IN ('pending', 'sent', 'failed', 'failed_over', 'in_doubt'));
ALTER TABLE outbox ADD COLUMN recipient text NOT NULL DEFAULT '';
-- Set in the claim that starts an attempt, cleared when its outcome is recorded: a claim that
-- finds it set knows the previous attempt's outcome is unknown.
ALTER TABLE outbox ADD COLUMN attempt_started_at timestamptz;
ALTER TABLE outbox ADD COLUMN failover_from bigint REFERENCES outbox (id);
ALTER TABLE outbox ADD COLUMN failure_reason text;  -- machine-readable: circuit_open, opted_out ...
ALTER TABLE outbox ADD COLUMN dead_lettered_at timestamptz;
CREATE INDEX outbox_provider_id ON outbox (channel_account_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE INDEX outbox_dead_letters ON outbox (id) WHERE status IN ('failed', 'in_doubt');

-- Customers who asked a channel account to stop (SMS STOP / 退订); nothing is sent to them on
-- that account until they opt in again.
CREATE TABLE channel_opt_outs (
  channel_account_id  bigint NOT NULL REFERENCES channel_accounts (id),
  address             text NOT NULL,
  customer_id         bigint REFERENCES customers (id),
  keyword             text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_account_id, address)
);
