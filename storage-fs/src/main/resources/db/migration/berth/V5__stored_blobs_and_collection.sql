-- Berth metadata, version 5: the blobs the store holds, and the garbage collector's runs and lease.
--
-- stored_blobs has one row per blob file that the blob store holds for a reason the metadata knows: a row
-- exists from the transaction that first links the blob until the collector removes its file, in the same
-- transaction as the row. unlinked_at is NULL while some repository links the blob, and otherwise the time
-- its last link went: the row is then a candidate, removed once unlinked_at is older than the grace period
-- and nothing linked it again. The row is also the lock that orders a re-link of the blob against its
-- removal (docs/consistency.md, "Garbage collection").
CREATE TABLE stored_blobs (
    digest      VARCHAR(255)             NOT NULL,
    size        BIGINT                   NOT NULL,
    unlinked_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_stored_blobs PRIMARY KEY (digest)
);
-- The candidates, oldest first.
CREATE INDEX ix_stored_blobs_unlinked ON stored_blobs (unlinked_at, digest);

-- Every blob linked today (the manifests' own bytes are linked too). Blob files left unlinked by deletes made
-- before this version have no row: the collector finds them on disk (orphans) and removes them after the grace
-- period, as it would any file no row accounts for.
INSERT INTO stored_blobs (digest, size, unlinked_at)
    SELECT digest, MAX(size), NULL FROM blob_links GROUP BY digest;
INSERT INTO stored_blobs (digest, size, unlinked_at)
    SELECT m.digest, MAX(m.size), NULL FROM manifests m
    WHERE NOT EXISTS (SELECT 1 FROM stored_blobs s WHERE s.digest = m.digest) GROUP BY m.digest;

-- One row per collection, started on a schedule or through the management API.
CREATE TABLE gc_runs (
    id                VARCHAR(64)              NOT NULL,
    state             VARCHAR(16)              NOT NULL,  -- 'running', 'done' or 'failed'
    dry_run           BOOLEAN                  NOT NULL,
    untagged          BOOLEAN                  NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at       TIMESTAMP WITH TIME ZONE,
    blobs_deleted     BIGINT                   DEFAULT 0 NOT NULL,
    bytes_freed       BIGINT                   DEFAULT 0 NOT NULL,
    manifests_deleted BIGINT                   DEFAULT 0 NOT NULL,
    uploads_deleted   BIGINT                   DEFAULT 0 NOT NULL,
    error             VARCHAR,
    node              VARCHAR(255)             NOT NULL,  -- the node that runs it, holder of the lease
    CONSTRAINT pk_gc_runs PRIMARY KEY (id)
);
-- Runs newest first.
CREATE INDEX ix_gc_runs_started ON gc_runs (started_at DESC, id DESC);

-- The lease that lets one node of a cluster collect at a time: one row, held by the node named until
-- expires_at, renewed while its run goes on.
CREATE TABLE gc_lease (
    lease_id   INT                      NOT NULL,
    holder     VARCHAR(255),
    run_id     VARCHAR(64),
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_gc_lease PRIMARY KEY (lease_id)
);
INSERT INTO gc_lease (lease_id, holder, run_id, expires_at) VALUES (1, NULL, NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
