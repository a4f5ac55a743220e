package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;

import java.io.IOException;

/**
 * Where a server keeps its metadata: the embedded H2 database under its data directory (the default: one process
 * owns it), or a PostgreSQL database, which the nodes of a cluster share.
 */
public sealed interface MetadataLocation {
    /** Opens (creating and migrating when needed) the database at this location. */
    Database open(DataLayout layout) throws IOException;

    /** The engine, as {@code /healthz} names it: {@code h2} or {@code postgresql}. */
    String engine();

    /**
     * What a data directory records of the metadata its blobs belong to ({@link MetadataBinding}): the engine,
     * and for PostgreSQL the URL without its query (which may carry credentials).
     */
    String binding();

    /**
     * This location with the embedded database's page cache at about {@code bytes} of the heap; PostgreSQL keeps its
     * cache in its own processes, so its location stays as it is.
     */
    default MetadataLocation withCacheOf(long bytes) {
        return this;
    }

    /** The embedded H2 database under {@code meta/} of the data directory, with H2's own cache size. */
    static MetadataLocation embedded() {
        return new Embedded(0);
    }

    /**
     * A PostgreSQL database, by its JDBC URL ({@code jdbc:postgresql://HOST[:PORT]/DATABASE[?...]}).
     *
     * @throws IllegalArgumentException when the URL is not a PostgreSQL one
     */
    static MetadataLocation postgresql(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the metadata URL must be a PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://HOST:PORT/DATABASE): " + jdbcUrl);
        }
        return new PostgreSql(jdbcUrl, user, password);
    }

    /** The embedded database, with its page cache in bytes (0: H2's default, 64 MiB per GiB of the heap). */
    record Embedded(long cacheBytes) implements MetadataLocation {
        @Override
        public Database open(DataLayout layout) throws IOException {
            return Database.open(layout, cacheBytes);
        }

        @Override
        public MetadataLocation withCacheOf(long bytes) {
            return new Embedded(bytes);
        }

        @Override
        public String engine() {
            return "h2";
        }

        @Override
        public String binding() {
            return engine();
        }
    }

    /** A PostgreSQL database; the password stays out of {@link #toString}, which logs may show. */
    record PostgreSql(String jdbcUrl, String user, String password) implements MetadataLocation {
        @Override
        public Database open(DataLayout layout) {
            return Database.connect(jdbcUrl, user, password);
        }

        @Override
        public String engine() {
            return "postgresql";
        }

        @Override
        public String binding() {
            int query = jdbcUrl.indexOf('?');
            return engine() + " " + (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query));
        }

        @Override
        public String toString() {
            return "PostgreSql[" + jdbcUrl + ", user " + user + "]";
        }
    }
}
