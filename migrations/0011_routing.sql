-- Routing engine (issue 7): intent definitions and training examples, the routing workflow's
-- draft and immutable versions, and which version is active.

CREATE TABLE intent_definitions (
  name         text PRIMARY KEY,
  description  text NOT NULL DEFAULT '',
  keywords     jsonb NOT NULL DEFAULT '[]',
  patterns     jsonb NOT NULL DEFAULT '[]',
  position     integer NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intent_examples (
  id      bigserial PRIMARY KEY,
  text    text NOT NULL,
  intent  text NOT NULL
);
CREATE INDEX intent_examples_intent ON intent_examples (intent);

-- One draft (id = 1); revision is the ETag of GET/PUT /api/v1/routing/workflow.
CREATE TABLE routing_workflow_draft (
  id          integer PRIMARY KEY CHECK (id = 1),
  document    jsonb NOT NULL,
  revision    bigint NOT NULL,
  updated_by  bigint REFERENCES agents (id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE routing_workflow_versions (
  version     serial PRIMARY KEY,
  document    jsonb NOT NULL,
  created_by  bigint REFERENCES agents (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The active version (id = 1): every instance polls it each second.
CREATE TABLE routing_workflow_active (
  id            integer PRIMARY KEY CHECK (id = 1),
  version       integer NOT NULL REFERENCES routing_workflow_versions (version),
  activated_by  bigint REFERENCES agents (id),
  activated_at  timestamptz NOT NULL DEFAULT now()
);
