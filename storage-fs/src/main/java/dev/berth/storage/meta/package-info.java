/**
 * The metadata in embedded H2, through plain JDBC and Flyway migrations ({@code db/migration/berth}).
 *
 * <p>Starting points: {@link dev.berth.storage.meta.Database} (the pool, the schema, the one transaction-and-retry
 * helper every store uses), {@link dev.berth.storage.meta.H2MetadataStore} (repositories, blob links, manifests,
 * tags, and the registries' usage accounting), {@link dev.berth.storage.meta.H2TenantStore},
 * {@link dev.berth.storage.meta.H2UserStore}, {@link dev.berth.storage.meta.H2CatalogStore} and
 * {@link dev.berth.storage.meta.H2UsageStore}. All of them share one {@code Database}.
 */
package dev.berth.storage.meta;
