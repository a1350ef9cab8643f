-- Gatehouse user directory, version 1.
-- Usernames and domains are stored lower-case; '' stands for "no domain" so that the
-- unique constraint also holds for users without one.
CREATE TABLE IF NOT EXISTS gh_users (
    id            UUID                     NOT NULL PRIMARY KEY,
    username      VARCHAR(255)             NOT NULL,
    domain        VARCHAR(255)             NOT NULL DEFAULT '',
    user_type     VARCHAR(32)              NOT NULL,
    display_name  VARCHAR(1024),
    email         VARCHAR(1024),
    disabled      BOOLEAN                  NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_login_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT gh_users_username_domain UNIQUE (username, domain)
);

CREATE TABLE IF NOT EXISTS gh_user_roles (
    user_id UUID         NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    role    VARCHAR(255) NOT NULL,
    PRIMARY KEY (user_id, role)
);
