-- Files that arrive with a message (e-mail attachments and inline images today; any channel may
-- use the table). Stored in the same transaction as their message; the message's metadata lists
-- them as {id, filename, content_type, size, inline, content_id}. Bodies live here, never in the
-- message row, so listing messages stays cheap.
CREATE TABLE attachments (
  id            bigserial PRIMARY KEY,
  message_id    bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  filename      text NOT NULL DEFAULT '',
  content_type  text NOT NULL DEFAULT 'application/octet-stream',
  size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
  sha256        text NOT NULL,            -- hex of content
  content       bytea NOT NULL,
  content_id    text NOT NULL DEFAULT '', -- Content-ID without brackets, for cid: references
  inline        boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (size_bytes = octet_length(content))
);
CREATE INDEX attachments_message ON attachments (message_id);
