-- Berth metadata, version 3: every repository belongs to an existing registry and has a repository part
-- below it.
--
-- Before this version a repository could have no registry row (registry_id NULL): data from before
-- version 2, or left by a push that raced with the deletion of its registry, which a registry created
-- again under that name then adopted, old tenant's data included. And a push to a name with no
-- repository part ('acme' rather than 'acme/app') created a repository that the management API could
-- neither show nor delete. From now on the server creates repositories only under a registry row it
-- holds locked, and refuses names without a repository part; this migration brings what exists in line
-- without losing it where it can:
--
-- 1. Each first name component of a repository without a registry row gets a registry of that name,
--    private and without a limit, which the repository joins: an admin sees the data in the management
--    API and keeps or deletes it. (A registry created again after a deletion never adopts anything again.)
-- 2. A repository named 'x' becomes 'x/x' in registry 'x'.
-- 3. What can be neither (a first component longer than a registry name may be, a rename that would
--    clash with an existing repository) is removed with its tags, manifests and links; its blob files stay.
-- 4. Every registry's usage is counted again from its links, and registry_id becomes NOT NULL.

INSERT INTO registries (name, is_public, storage_limit_bytes, storage_used_bytes, created_at, updated_at)
    SELECT DISTINCT
        CASE WHEN POSITION('/' IN r.name) > 0 THEN SUBSTRING(r.name FROM 1 FOR POSITION('/' IN r.name) - 1)
             ELSE r.name END,
        FALSE, NULL, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
    FROM repositories r
    WHERE r.registry_id IS NULL
      AND LENGTH(CASE WHEN POSITION('/' IN r.name) > 0 THEN SUBSTRING(r.name FROM 1 FOR POSITION('/' IN r.name) - 1)
                      ELSE r.name END) <= 63
      AND NOT EXISTS (SELECT 1 FROM registries g WHERE g.name =
          CASE WHEN POSITION('/' IN r.name) > 0 THEN SUBSTRING(r.name FROM 1 FOR POSITION('/' IN r.name) - 1)
               ELSE r.name END);
UPDATE repositories SET registry_id = (SELECT g.id FROM registries g WHERE g.name =
        CASE WHEN POSITION('/' IN repositories.name) > 0
             THEN SUBSTRING(repositories.name FROM 1 FOR POSITION('/' IN repositories.name) - 1)
             ELSE repositories.name END)
    WHERE registry_id IS NULL;

UPDATE repositories SET name = name || '/' || name
    WHERE name NOT LIKE '%/%' AND LENGTH(name) <= 127
      AND NOT EXISTS (SELECT 1 FROM repositories o WHERE o.name = repositories.name || '/' || repositories.name);

DELETE FROM tags WHERE repository_id IN
    (SELECT id FROM repositories WHERE registry_id IS NULL OR name NOT LIKE '%/%');
DELETE FROM manifest_references WHERE repository_id IN
    (SELECT id FROM repositories WHERE registry_id IS NULL OR name NOT LIKE '%/%');
DELETE FROM manifests WHERE repository_id IN
    (SELECT id FROM repositories WHERE registry_id IS NULL OR name NOT LIKE '%/%');
DELETE FROM blob_links WHERE repository_id IN
    (SELECT id FROM repositories WHERE registry_id IS NULL OR name NOT LIKE '%/%');
DELETE FROM repositories WHERE registry_id IS NULL OR name NOT LIKE '%/%';

DELETE FROM registry_blobs;
INSERT INTO registry_blobs (registry_id, digest, size, link_count)
    SELECT r.registry_id, b.digest, MAX(b.size), COUNT(*)
    FROM blob_links b JOIN repositories r ON r.id = b.repository_id
    GROUP BY r.registry_id, b.digest;
UPDATE registries SET storage_used_bytes =
    (SELECT COALESCE(SUM(b.size), 0) FROM registry_blobs b WHERE b.registry_id = registries.id);

ALTER TABLE repositories ALTER COLUMN registry_id SET NOT NULL;
