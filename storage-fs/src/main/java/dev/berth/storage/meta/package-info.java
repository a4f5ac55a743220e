/**
 * The metadata store in embedded H2, through plain JDBC and Flyway migrations ({@code db/migration/berth}).
 *
 * <p>Starting points: {@link dev.berth.storage.meta.H2MetadataStore}.
 */
package dev.berth.storage.meta;
