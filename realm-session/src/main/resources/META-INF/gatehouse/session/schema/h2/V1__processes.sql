-- Gatehouse session realm: the processes whose session tokens are valid, version 1.
-- A row whose status is final (FINISHED, FAILED, CANCELLED, TIMED_OUT, or one the host added)
-- revokes the process's tokens; the store never moves a row out of a final status.
CREATE TABLE IF NOT EXISTS gh_session_processes (
    id              UUID                     NOT NULL PRIMARY KEY,
    org             VARCHAR(255)             NOT NULL,
    project         VARCHAR(255),
    status          VARCHAR(64)              NOT NULL,
    current_user_id UUID                     NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
