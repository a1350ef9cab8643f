-- Gatehouse API keys, version 2: scoped keys. NULL is an unscoped key (it may do whatever its
-- owner may); otherwise the permission names the key is limited to, sorted, separated by single
-- spaces ('' for a key that may do nothing).
ALTER TABLE gh_api_keys ADD COLUMN IF NOT EXISTS scopes VARCHAR(4000);
