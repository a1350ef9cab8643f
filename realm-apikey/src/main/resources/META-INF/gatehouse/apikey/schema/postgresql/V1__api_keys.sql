-- Gatehouse API keys, version 1. Never the key: only the SHA-256 digest of it.
-- user_id refers to the user directory's gh_users.id; there is no foreign key, so that a host
-- may keep its users elsewhere. Revoke a user's keys (ApiKeyService.revokeAll) when deleting it.
CREATE TABLE IF NOT EXISTS gh_api_keys (
    id           UUID                     NOT NULL PRIMARY KEY,
    user_id      UUID                     NOT NULL,
    name         VARCHAR(128)             NOT NULL,
    digest       BYTEA                    NOT NULL,
    key_format   VARCHAR(16)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT gh_api_keys_digest UNIQUE (digest),
    CONSTRAINT gh_api_keys_user_name UNIQUE (user_id, name)
);

CREATE INDEX IF NOT EXISTS gh_api_keys_expires_at ON gh_api_keys (expires_at);
