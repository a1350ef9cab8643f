-- A process is one row: who started it, where it runs, its status and its log are written by one
-- INSERT, so that after any crash a process exists whole or not at all. This table is also the
-- session realm's process registry (the example server implements ProcessRegistry over it).
CREATE TABLE IF NOT EXISTS ex_processes (
    id         UUID                     NOT NULL PRIMARY KEY,
    org        VARCHAR(128)             NOT NULL,
    project    VARCHAR(128),
    status     VARCHAR(32)              NOT NULL,
    initiator  UUID                     NOT NULL,
    log        TEXT                     NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Logs of V1 had their process row in another table, written separately; they are not carried over.
DROP TABLE IF EXISTS ex_process_logs;
