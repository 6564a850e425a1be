-- WeChat API access tokens, shared by every instance: the fallback behind the Redis cache
-- (which holds the same rows while it is up). Keyed by app id plus a digest of the API base URL
-- and secret, so a changed secret never reuses an old token.
CREATE TABLE wechat_access_tokens (
  cache_key   text PRIMARY KEY,
  token       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
