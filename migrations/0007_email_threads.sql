-- E-mail is threaded: a customer may have several open e-mail conversations on one account (one per
-- thread), so the one-live-conversation rule no longer covers the email channel. The ingest store
-- joins a thread by In-Reply-To / References or the plus-address token and opens a new
-- conversation for a mail that starts a new thread.
DROP INDEX conversations_one_live;
CREATE UNIQUE INDEX conversations_one_live
  ON conversations (customer_id, channel_account_id) WHERE status <> 'closed' AND channel <> 'email';
CREATE INDEX conversations_live_email
  ON conversations (customer_id, channel_account_id) WHERE status <> 'closed' AND channel = 'email';
