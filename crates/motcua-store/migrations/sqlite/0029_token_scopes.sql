-- What an external system's token may read beyond its role (e.g. "land.read": the land
-- register's read API for the tax authority and other agencies).
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]';
