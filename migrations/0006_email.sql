-- Message-IDs of the mails of each email conversation, ours (outbound) and the customer's
-- (inbound): a reply's In-Reply-To / References finds its conversation here, and an agent's
-- reply takes its In-Reply-To / References from here. Keyed per channel account, as Message-IDs
-- are only unique in practice, not by guarantee.
CREATE TABLE email_message_ids (
  channel_account_id bigint NOT NULL REFERENCES channel_accounts (id),
  message_id         text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 998),
  conversation_id    bigint NOT NULL REFERENCES conversations (id),
  direction          text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  subject            text NOT NULL DEFAULT '',  -- a reply's subject is "Re: " + the latest one
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_account_id, message_id)
);
CREATE INDEX email_message_ids_by_conversation ON email_message_ids (conversation_id, created_at);
