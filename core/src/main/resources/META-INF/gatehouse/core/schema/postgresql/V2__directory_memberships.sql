-- Gatehouse user directory, version 2: roles and groups derived from an external directory
-- (LDAP), kept apart from the roles granted in Gatehouse (gh_user_roles) so that a directory
-- login or synchronisation that replaces them never removes a locally granted role.
-- kind is 'role' (a role mapped from the directory's groups) or 'group' (a group's DN).
CREATE TABLE IF NOT EXISTS gh_user_directory_memberships (
    user_id UUID          NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    kind    VARCHAR(8)    NOT NULL,
    name    VARCHAR(1024) NOT NULL,
    PRIMARY KEY (user_id, kind, name)
);
