-- Berth metadata, version 8 (both engines; version 7 is PostgreSQL's alone, and an H2 database simply has none):
-- a registry's usage per UTC day, for the usage series of the management API.
--
-- Portable SQL as in V1. A row is written by the batched usage writer, never on the request path: pushes and
-- pulls in the transactions that write the history and the pull counters, bytes_pushed from the writer's tallies
-- of completed uploads, storage_used_bytes from a sample of registries.storage_used_bytes that the writer takes
-- about once a minute, only where it differs from the latest sample. Rows are added to by UPDATE, or INSERT when
-- the day has none yet (two nodes inserting the same row: the second fails on the primary key and its transaction
-- runs again, as an UPDATE). A registry's deletion deletes its rows. The day column is usage_day, not day: DAY is a
-- reserved word of H2 2.
CREATE TABLE registry_daily_usage (
    registry_id        BIGINT NOT NULL,
    usage_day          DATE   NOT NULL,  -- the UTC day
    -- The registry's usage at the day's last sample; NULL when no sample was written that day (unchanged since
    -- the previous sample, or no server running): readers carry the latest earlier sample forward.
    storage_used_bytes BIGINT,
    pushes             BIGINT DEFAULT 0 NOT NULL,  -- push events (a manifest pushed, per tag)
    pulls              BIGINT DEFAULT 0 NOT NULL,  -- manifest GETs, all of them (pull history has a ceiling)
    bytes_pushed       BIGINT DEFAULT 0 NOT NULL,  -- sizes of the blobs and manifests whose upload completed
    CONSTRAINT pk_registry_daily_usage PRIMARY KEY (registry_id, usage_day),
    CONSTRAINT fk_registry_daily_usage_registry FOREIGN KEY (registry_id) REFERENCES registries (id)
);
