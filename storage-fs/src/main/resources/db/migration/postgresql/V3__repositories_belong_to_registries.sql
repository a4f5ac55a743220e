-- Berth metadata, version 3, on PostgreSQL: every repository belongs to an existing registry.
--
-- On H2 this version also brought data written before version 2 in line (see the H2 variant of this file,
-- db/migration/h2). A PostgreSQL database starts at version 1 with Berth 0.1 and version 2's schema in
-- the same run, so it never holds such data: only the constraint remains to add.
ALTER TABLE repositories ALTER COLUMN registry_id SET NOT NULL;
