-- The record version at which a secret's envelope was sealed; envelopes of format 2 bind it in their
-- associated data. NULL for rows written before: their envelopes are of format 1.
ALTER TABLE gh_secrets ADD COLUMN sealed_version BIGINT;

-- The cluster's key ring, one row: which server keys every node holds, which one seals new
-- envelopes, which may be removed. Written by compare-and-set on version.
CREATE TABLE gh_secret_key_ring (
    id SMALLINT PRIMARY KEY,
    version BIGINT NOT NULL,
    content VARBINARY(1048576) NOT NULL
);
