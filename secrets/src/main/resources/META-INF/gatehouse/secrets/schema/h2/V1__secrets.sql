-- Secrets: non-secret metadata in clear, the value only as a sealed envelope.
CREATE TABLE gh_secrets (
    id UUID PRIMARY KEY,
    org VARCHAR(128) NOT NULL,
    name VARCHAR(128) NOT NULL,
    secret_type VARCHAR(32) NOT NULL,
    visibility VARCHAR(16) NOT NULL,
    owner_id UUID NOT NULL,
    projects VARCHAR(8000) NOT NULL,
    password_protected BOOLEAN NOT NULL,
    server_key_id VARCHAR(32),
    public_key VARCHAR(16000),
    grants VARCHAR(16000) NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    envelope VARBINARY(4194304) NOT NULL,
    CONSTRAINT gh_secrets_org_name UNIQUE (org, name)
);

-- Per-project data keys for encrypted strings, wrapped under a server key.
CREATE TABLE gh_secret_project_keys (
    org VARCHAR(128) NOT NULL,
    project VARCHAR(128) NOT NULL,
    wrapped_key VARBINARY(1024) NOT NULL,
    PRIMARY KEY (org, project)
);
