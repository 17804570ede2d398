-- When an external system's token was last used (refreshed at most once a minute), shown to
-- administrators so that forgotten tokens can be revoked.
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NULL;
