-- Bot and compliance (issue 7): FAQ entries the bot answers from, the bot's state per
-- conversation, admin-editable sensitive words with the hits flagged for compliance review, and
-- conversation tags set by routing rules.

CREATE TABLE faq_entries (
  id          bigserial PRIMARY KEY,
  questions   jsonb NOT NULL,               -- ["variant", ...]
  answers     jsonb NOT NULL,               -- {"zh": "...", "en": "...", "*": "..."}
  tags        jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Bumped on every FAQ or sensitive-word change; every instance polls it each second and
-- rebuilds its index when it moved.
CREATE TABLE bot_revisions (
  id        integer PRIMARY KEY CHECK (id = 1),
  faq       bigint NOT NULL DEFAULT 0,
  words     bigint NOT NULL DEFAULT 0
);
INSERT INTO bot_revisions (id) VALUES (1);

CREATE TABLE bot_conversation_state (
  conversation_id  bigint PRIMARY KEY REFERENCES conversations (id),
  turns            integer NOT NULL DEFAULT 0,   -- bot replies sent
  unresolved       integer NOT NULL DEFAULT 0,   -- messages the bot could not answer
  handed_off       boolean NOT NULL DEFAULT false,
  handoff_reason   text NOT NULL DEFAULT '',
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sensitive_words (
  id          bigserial PRIMARY KEY,
  word        text NOT NULL UNIQUE,
  category    text NOT NULL DEFAULT '',
  mask        boolean NOT NULL DEFAULT true,   -- hidden from agents when true
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sensitive_word_hits (
  id               bigserial PRIMARY KEY,
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  message_id       bigint NOT NULL REFERENCES messages (id),
  words            jsonb NOT NULL,               -- [{"word", "category"}]
  reviewed         boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id)
);
CREATE INDEX sensitive_word_hits_open ON sensitive_word_hits (id) WHERE NOT reviewed;

CREATE TABLE conversation_tags (
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  tag              text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, tag)
);
