/**
 * The metadata in SQL, through plain JDBC and Flyway migrations ({@code db/migration/berth}): in the embedded H2
 * database by default, or in PostgreSQL ({@link dev.berth.storage.meta.Database#connect}).
 *
 * <p>Starting points: {@link dev.berth.storage.meta.Database} (the pool, the schema, the one transaction-and-retry
 * helper every store uses), the four metadata ports opened together by
 * {@link dev.berth.storage.meta.H2MetadataStores} ({@link dev.berth.storage.meta.H2RepositoryStore},
 * {@link dev.berth.storage.meta.H2BlobLinkStore} with the registries' usage accounting,
 * {@link dev.berth.storage.meta.H2ManifestStore}, {@link dev.berth.storage.meta.H2TagStore}),
 * {@link dev.berth.storage.meta.H2TenantStore},
 * {@link dev.berth.storage.meta.H2UserStore}, {@link dev.berth.storage.meta.H2CatalogStore} and
 * {@link dev.berth.storage.meta.H2UsageStore}, and the collector's {@link dev.berth.storage.meta.H2GarbageStore}
 * and {@link dev.berth.storage.meta.H2GcRunStore}. All of them share one {@code Database}. For startup recovery and
 * the integrity check: {@link dev.berth.storage.meta.H2StoredDigests} (every digest the metadata names) and
 * {@link dev.berth.storage.meta.H2UsageCounters} (the usage counters held against the links).
 *
 * <p>The SQL is standard (no H2 dialect but the connection URL), so that a PostgreSQL {@code Database} can run
 * the same stores over the same schema; every store contract test runs on both engines.
 */
package dev.berth.storage.meta;
