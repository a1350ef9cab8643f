-- The Git repository of an example-server project (the host's part, not Gatehouse's): where the
-- process template lives and which secret (by name, in the project's org) authenticates to it.
CREATE TABLE IF NOT EXISTS ex_project_repositories (
    project_id        UUID          NOT NULL PRIMARY KEY REFERENCES ex_projects (id) ON DELETE CASCADE,
    url               VARCHAR(2048) NOT NULL,
    branch            VARCHAR(255),
    secret_name       VARCHAR(128)  NOT NULL,
    known_hosts       VARCHAR(16384),
    trust_on_first_use BOOLEAN      NOT NULL
);
