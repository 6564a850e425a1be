-- Assignment, session 4: a task whose steps all timed out under a plan that ends in a ticket or a
-- closing message is claimed once ('exhausted'), so two instances never open two tickets for it.
-- assigned_at on the task gives the recent assignment rate per queue (expected wait).
ALTER TABLE routing_tasks DROP CONSTRAINT IF EXISTS routing_tasks_state_check;
ALTER TABLE routing_tasks ADD CONSTRAINT routing_tasks_state_check
  CHECK (state IN ('waiting', 'offered', 'assigned', 'exhausted'));
ALTER TABLE routing_tasks ADD COLUMN IF NOT EXISTS assigned_at timestamptz;
CREATE INDEX IF NOT EXISTS routing_tasks_recently_assigned ON routing_tasks (queue_key, assigned_at)
  WHERE assigned_at IS NOT NULL;
