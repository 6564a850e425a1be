-- Workbench (issue 9): canned replies with a shortcut, per-language text, team or personal scope.
CREATE TABLE canned_replies (
  id              bigserial PRIMARY KEY,
  shortcut        text NOT NULL CHECK (shortcut ~ '^[a-z0-9_-]{1,32}$'),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  texts           jsonb NOT NULL,  -- {"zh": "...", "en": "..."}: language -> text
  scope           text NOT NULL CHECK (scope IN ('team', 'personal')),
  owner_agent_id  bigint REFERENCES agents (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'personal') = (owner_agent_id IS NOT NULL))
);
-- One team reply per shortcut; each agent's personal shortcuts are unique for that agent.
CREATE UNIQUE INDEX canned_replies_team_shortcut ON canned_replies (shortcut) WHERE scope = 'team';
CREATE UNIQUE INDEX canned_replies_personal_shortcut ON canned_replies (owner_agent_id, shortcut)
  WHERE scope = 'personal';
