-- Berth metadata, version 6: where an object store holds each blob.
--
-- With blobs in an object store (storage-s3), an upload streams into an object named after its session, and
-- committing the blob writes this row instead of copying the object to a name made of its digest: the row is
-- what makes the blob stored. The primary key decides a race between two uploads of one digest: the first
-- row wins, and the loser deletes its own object. Unused (empty) with blobs on the filesystem.
CREATE TABLE blob_objects (
    digest     VARCHAR(255)             NOT NULL,
    object_key VARCHAR(1024)            NOT NULL,
    size       BIGINT                   NOT NULL,
    stored_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_blob_objects PRIMARY KEY (digest)
);
