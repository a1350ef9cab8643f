-- Password-protected Concord secrets left sealed by the migration: Concord's ciphertext as it was,
-- until the owner supplies the store password on first read (then it becomes a Gatehouse secret and
-- the row goes). No password is ever stored; the salt is not secret.
CREATE TABLE ex_concord_sealed (
    org VARCHAR(128) NOT NULL,
    name VARCHAR(128) NOT NULL,
    concord_id UUID NOT NULL,
    secret_type VARCHAR(32) NOT NULL,
    visibility VARCHAR(16) NOT NULL,
    owner_id UUID NOT NULL,
    projects VARCHAR(8000) NOT NULL,
    team_grants VARCHAR(16000) NOT NULL,
    hash_algorithm VARCHAR(32),
    salt VARBINARY(1024) NOT NULL,
    encrypted_data VARBINARY(4194304) NOT NULL,
    PRIMARY KEY (org, name)
);
