-- The example server's organisations and projects (the host's part, not Gatehouse's).
CREATE TABLE IF NOT EXISTS ex_orgs (
    id   UUID         NOT NULL PRIMARY KEY,
    name VARCHAR(128) NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS ex_projects (
    id     UUID         NOT NULL PRIMARY KEY,
    org_id UUID         NOT NULL REFERENCES ex_orgs (id) ON DELETE CASCADE,
    name   VARCHAR(128) NOT NULL,
    CONSTRAINT ex_projects_org_name UNIQUE (org_id, name)
);

CREATE TABLE IF NOT EXISTS ex_org_members (
    org_id  UUID NOT NULL REFERENCES ex_orgs (id) ON DELETE CASCADE,
    user_id UUID NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE IF NOT EXISTS ex_process_logs (
    instance_id UUID         NOT NULL PRIMARY KEY,
    initiator   VARCHAR(36)  NOT NULL,
    log         TEXT         NOT NULL
);
