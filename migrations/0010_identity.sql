-- Identity: merged customers kept for undo, tags, PII permission, merge suggestions and the merge
-- journal, customer notes, integration keys, business events and conversation review flags.

-- A merged customer stays as a row (merged_into set) so that an unmerge restores it exactly.
ALTER TABLE customers ADD COLUMN merged_into bigint REFERENCES customers (id);
ALTER TABLE customers ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX customers_name_prefix ON customers (lower(display_name) text_pattern_ops)
  WHERE merged_into IS NULL;
CREATE INDEX customer_identities_value_prefix ON customer_identities (value text_pattern_ops);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

-- Permissions beyond the role, e.g. 'pii.read' (agents see identifiers in the clear).
ALTER TABLE agents ADD COLUMN permissions text[] NOT NULL DEFAULT '{}';

-- VIP levels, lowest first; a merge keeps the higher tier.
CREATE FUNCTION cc_tier_rank(tier text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE tier WHEN 'standard' THEN 0 WHEN 'silver' THEN 1 WHEN 'gold' THEN 2
                   WHEN 'platinum' THEN 3 WHEN 'diamond' THEN 4 WHEN 'vip' THEN 5 ELSE 0 END
$$;

-- A claimed identifier shared by two customers: an agent confirms (merge) or rejects it.
CREATE TABLE customer_merge_suggestions (
  id           bigserial PRIMARY KEY,
  customer_a   bigint NOT NULL REFERENCES customers (id),
  customer_b   bigint NOT NULL REFERENCES customers (id),
  reason       jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  decided_by   bigint REFERENCES agents (id),
  decided_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (customer_a < customer_b)
);
CREATE UNIQUE INDEX customer_merge_suggestions_pair ON customer_merge_suggestions (customer_a, customer_b);
CREATE INDEX customer_merge_suggestions_pending ON customer_merge_suggestions (id) WHERE status = 'pending';

-- Every merge with what it changed (snapshot), so that it can be undone exactly.
CREATE TABLE customer_merges (
  id              bigserial PRIMARY KEY,
  survivor_id     bigint NOT NULL REFERENCES customers (id),
  merged_id       bigint NOT NULL REFERENCES customers (id),
  automatic       boolean NOT NULL,
  actor_agent_id  bigint REFERENCES agents (id),
  snapshot        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  undone_at       timestamptz
);
CREATE INDEX customer_merges_survivor ON customer_merges (survivor_id, id);
CREATE INDEX customer_merges_merged ON customer_merges (merged_id, id);

CREATE TABLE customer_notes (
  id               bigserial PRIMARY KEY,
  customer_id      bigint NOT NULL REFERENCES customers (id),
  author_agent_id  bigint REFERENCES agents (id),
  body             text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_notes_customer ON customer_notes (customer_id, id);

-- Keys business systems push events with; only the SHA-256 (hex) of the key is stored.
CREATE TABLE integration_keys (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  created_by  bigint REFERENCES agents (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE business_events (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  type         text NOT NULL CHECK (type IN ('order', 'payment', 'shipment', 'return', 'exchange', 'complaint')),
  external_id  text NOT NULL UNIQUE,
  order_ref    text,
  status       text NOT NULL DEFAULT '',
  occurred_at  timestamptz NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}',
  key_id       bigint REFERENCES integration_keys (id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX business_events_customer ON business_events (customer_id, type, occurred_at DESC);
CREATE INDEX business_events_order ON business_events (customer_id, order_ref) WHERE order_ref IS NOT NULL;

-- Conversations a person must look at before anyone acts (e.g. return and exchange of one order).
CREATE TABLE conversation_review_flags (
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  reason           text NOT NULL,
  details          jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, reason)
);
