-- Berth metadata, version 3: every repository belongs to an existing registry and has a repository part
-- below it.
--
-- Before this version a repository could be created with no registry row (registry_id NULL) by a push
-- that raced with the deletion of its registry, and a registry created again under that name adopted it,
-- old tenant's data included; and a push to a name with no repository part ('acme' rather than
-- 'acme/app') created a repository that the management API could neither show nor delete. Both kinds are
-- removed here, with their tags, manifests and links (their blob files stay in the blob store), and the
-- registries' usage is counted again from the links that remain. From now on the server creates
-- repositories only under a registry row it holds locked, and refuses names without a repository part.

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
