package dev.berth.storage.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.berth.core.metadata.Durable;
import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.layout.DataLayout;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The metadata database: the embedded H2 database under {@code meta/} (see {@link DataLayout}), or a PostgreSQL
 * database that several nodes share ({@link #connect}); its connection pool, its schema (the Flyway migrations
 * in {@code db/migration/berth}, the same on both), and the one piece of code that runs a transaction and retries
 * it on a conflict. Every store of this package runs its methods through {@link #transaction}, in standard SQL
 * that both engines run alike.
 *
 * <p>Durability: a writing transaction on H2 returns once {@link EmbeddedGroupFlush} has written its commit to the
 * file, together with the commits of the transactions that committed beside it ({@link #transactionDurableLater}
 * leaves that wait to its caller), so a process crash loses nothing a caller was told had been done;
 * {@link EmbeddedStoreUpkeep} forces the file to the disk every second and keeps it compact. PostgreSQL's default
 * ({@code synchronous_commit}) makes each commit durable.
 *
 * <p>Writes that race on a new row (two first pushes into one repository, two first links of one blob into
 * a registry) meet a unique-key violation in one of them; that, a deadlock, a lock wait that timed out, or a
 * foreign key that a concurrent delete removed makes the whole transaction run again, a few times at most.
 * Work passed to {@link #transaction} must therefore be repeatable: it reads what it needs inside.
 *
 * <p>Times are kept to the microsecond, which both H2 and PostgreSQL store.
 */
public final class Database implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 8;
    private static final int MAX_ATTEMPTS = 4;
    /** The migrations both engines run; each engine's own (version 3 only: see its files) are beside them. */
    private static final String MIGRATIONS = "classpath:db/migration/berth";
    private static final String ENGINE_MIGRATIONS = "classpath:db/migration/";

    /** A waiting transaction gives up after this long (and is retried), on either engine. */
    private static final int LOCK_TIMEOUT_MILLIS = 10_000;
    private static final int HEALTH_CHECK_SECONDS = 3;

    private final DataSource pool;
    /** The embedded store's upkeep; null on PostgreSQL, which keeps its own files. */
    private final EmbeddedStoreUpkeep upkeep;
    /** Writes the embedded store's commits to its file; null on PostgreSQL, whose commits are durable as they return. */
    private final EmbeddedGroupFlush groupFlush;
    private final Runnable closePool;
    /** The connection of the transaction this thread is running, for {@link #read}. */
    private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

    /** Runs in a writing transaction once it holds its registry's row: a seam for tests of interleavings. */
    private volatile Consumer<String> registryLocked = registry -> { };
    private volatile Consumer<Collection<String>> blobRowsLocked = digests -> { };

    private Database(DataSource pool, EmbeddedStoreUpkeep upkeep, EmbeddedGroupFlush groupFlush, Runnable closePool) {
        this.pool = pool;
        this.upkeep = upkeep;
        this.groupFlush = groupFlush;
        this.closePool = closePool;
    }

    /** {@link #open(DataLayout, long)} with H2's own cache size. */
    public static Database open(DataLayout layout) throws IOException {
        return open(layout, 0);
    }

    /**
     * Opens (creating when absent) the database under {@code meta/} and migrates its schema; a
     * {@link DataDirectoryInUseException} when another process has it open.
     *
     * @param cacheBytes the page cache's size (0 for H2's default)
     */
    public static Database open(DataLayout layout, long cacheBytes) throws IOException {
        return open(layout, cacheBytes, EmbeddedStoreUpkeep.PERIOD);
    }

    /** {@link #open(DataLayout, long)} with the file's upkeep every {@code upkeepPeriod}: tests run it themselves. */
    static Database open(DataLayout layout, long cacheBytes, Duration upkeepPeriod) throws IOException {
        Files.createDirectories(layout.metaDir());
        JdbcDataSource dataSource = new JdbcDataSource();
        // DB_CLOSE_ON_EXIT=FALSE: the server closes the pool in its own shutdown order, after the last request.
        // WRITE_DELAY: H2 does not write commits itself; EmbeddedGroupFlush does, before each writer returns.
        // LOCK_TIMEOUT: a transaction waits this long for a row another holds before failing (and retrying).
        // QUERY_CACHE_SIZE: each pooled session keeps this many parsed statements; the stores use a few dozen
        // distinct ones, and H2's default of 8 made every upload parse its SQL again.
        // OPTIMIZE_REUSE_RESULTS=FALSE: H2 2.3.232 may answer a statement that a session runs again with its
        // previous result although another transaction has changed the rows since (h2database#4208: a lost
        // update around SELECT ... FOR UPDATE through a reused statement, which is how every transaction here
        // locks its registry); this is the workaround its maintainers give.
        // RETENTION_TIME: how long a chunk that nothing uses keeps its space; short, because EmbeddedStoreUpkeep
        // forces the file to the disk every second.
        dataSource.setURL("jdbc:h2:file:" + layout.metaDatabase()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=" + EmbeddedGroupFlush.WRITE_DELAY_MILLIS + ";LOCK_TIMEOUT=" + LOCK_TIMEOUT_MILLIS + ";QUERY_CACHE_SIZE=128;OPTIMIZE_REUSE_RESULTS=FALSE"
                + ";RETENTION_TIME=" + EmbeddedStoreUpkeep.RETENTION_MILLIS
                + (cacheBytes > 0 ? ";CACHE_SIZE=" + Math.max(1, cacheBytes >> 10) : ""));
        dataSource.setUser("berth");
        dataSource.setPassword("");
        JdbcConnectionPool pool = JdbcConnectionPool.create(dataSource);
        pool.setMaxConnections(MAX_CONNECTIONS);
        try {
            migrate(pool, "h2");
            try (Connection c = pool.getConnection()) {
                MVStore store = EmbeddedStoreUpkeep.storeOf(c);
                // Found now, so that an H2 without it fails at startup rather than at the first rollback.
                EmbeddedRollback.storeLock(store);
                // The migrations committed outside transaction(), so nothing has written them to the file yet.
                store.commit();
            }
        } catch (SQLException e) {
            pool.dispose();
            throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.dispose();
            if (isLockedByAnotherProcess(e)) {
                throw new DataDirectoryInUseException("the metadata database " + layout.metaDatabaseFile()
                        + " is in use by another process", e);
            }
            throw e;
        }
        return new Database(pool, EmbeddedStoreUpkeep.start(pool, upkeepPeriod), new EmbeddedGroupFlush(), pool::dispose);
    }

    /**
     * Connects to a PostgreSQL database ({@code jdbc:postgresql://...}) and migrates its schema; the nodes that
     * share it share the registry's metadata. Flyway's own lock keeps two nodes starting at once from migrating
     * twice. The database must sort text by code point ({@code COLLATE "C"}, e.g. {@code initdb --locale=C} or
     * {@code CREATE DATABASE ... LC_COLLATE 'C' TEMPLATE template0}), as Java and H2 do: listings page by name.
     */
    public static Database connect(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(MAX_CONNECTIONS * 2);
        config.setPoolName("berth-metadata");
        config.setConnectionInitSql("SET lock_timeout = " + LOCK_TIMEOUT_MILLIS);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            migrate(pool, "postgresql");
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, null, null, pool::close);
    }

    private static void migrate(DataSource pool, String engine) {
        Flyway.configure().dataSource(pool).locations(MIGRATIONS, ENGINE_MIGRATIONS + engine).load().migrate();
    }

    /** H2's refusal of a file that another process holds, found under whatever the migrator wrapped it in. */
    private static boolean isLockedByAnotherProcess(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                return true;
            }
        }
        return false;
    }

    /** Why the database does not answer now (no valid connection within a few seconds), or null when it does. */
    public String problem() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(HEALTH_CHECK_SECONDS) ? null : "the metadata database did not answer within "
                    + HEALTH_CHECK_SECONDS + " s";
        } catch (SQLException e) {
            return "the metadata database: " + e.getMessage();
        }
    }

    /** Closes the pool, after the embedded store's upkeep has stopped. */
    @Override
    public void close() {
        if (upkeep != null) {
            upkeep.close();
        }
        closePool.run();
    }

    /** The embedded store's group flush, for tests of its grouping; null on PostgreSQL. */
    EmbeddedGroupFlush groupFlush() {
        return groupFlush;
    }

    /** The embedded store's upkeep, for tests that run its rounds themselves; null on PostgreSQL. */
    EmbeddedStoreUpkeep upkeep() {
        return upkeep;
    }

    /** One transaction's work; it may run more than once (see the class comment). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs a read inside the transaction this thread is running, if any, else in one of its own. A store asked a
     * question from within another store's transaction (the object store's index, asked by a link whether a blob
     * is stored) answers on that transaction's connection: it sees what that transaction sees, and never waits
     * for a second connection of the pool, which transactions that each hold one could otherwise exhaust.
     */
    public <T> T read(Work<T> work) {
        Connection running = CURRENT.get();
        if (running == null) {
            return transaction(work);
        }
        try {
            return work.run(running);
        } catch (SQLException e) {
            throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
        }
    }

    /** True while this thread runs a transaction of a database. */
    public static boolean inTransaction() {
        return CURRENT.get() != null;
    }

    /** Runs {@code work} in one transaction, again from the start when it met a conflict with another. */
    public <T> T transaction(Work<T> work) {
        Committed<T> committed = transactionDurableLater(work);
        committed.durable().await();
        return committed.value();
    }

    /** What a transaction returned, committed, and the wait until its commit is durable. */
    public record Committed<T>(T value, Durable durable) {
    }

    /**
     * {@link #transaction}, returning once the transaction has committed (every other transaction sees it), before
     * its commit is durable on H2: the caller waits for that ({@link Committed#durable}) before it tells anyone the
     * work was done, and may first let others go on (see {@code BlobLinker}). A crash before the wait has returned
     * may take the work away; a later transaction that read it is written with it or after it
     * ({@link EmbeddedGroupFlush}).
     */
    public <T> Committed<T> transactionDurableLater(Work<T> work) {
        SQLException conflict = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                Connection outer = CURRENT.get();
                CURRENT.set(c);
                boolean ended = false;
                try {
                    T result = work.run(c);
                    boolean flush = groupFlush != null && EmbeddedGroupFlush.hasChanges(c);
                    c.commit();
                    ended = true;
                    return new Committed<>(result, flush ? groupFlush.durableAfterCommit(c) : Durable.ALREADY);
                } catch (Throwable e) {
                    // Whatever stopped the work, an Error too, none of it stays: turning auto-commit back on
                    // below commits whatever the transaction still holds.
                    if (!ended) {
                        rollback(c);
                        ended = true;
                    }
                    throw e;
                } finally {
                    CURRENT.set(outer);
                    // The pool hands this connection to the next caller as it is (once the transaction ended: a
                    // failed rollback leaves it to the pool's close, which rolls back first).
                    if (ended) {
                        c.setAutoCommit(true);
                    }
                }
            } catch (SQLException e) {
                if (!isConflict(e)) {
                    throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
                }
                conflict = e;
            }
        }
        throw new MetadataStoreException("metadata store: conflicting writes did not settle after "
                + MAX_ATTEMPTS + " attempts", conflict);
    }

    /** On H2 while no chunk can be written ({@link EmbeddedRollback}: H2 may otherwise undo others' commits). */
    private void rollback(Connection c) throws SQLException {
        if (groupFlush != null) {
            EmbeddedRollback.rollback(c);
        } else {
            c.rollback();
        }
    }

    /**
     * A unique-key violation from a concurrent insert, a foreign key whose row a concurrent delete removed,
     * a deadlock or a serialization failure, or a lock wait that timed out (H2's {@code HYT00}, PostgreSQL's
     * {@code 55P03}).
     */
    private static boolean isConflict(SQLException e) {
        for (SQLException link = e; link != null; link = link.getNextException()) {
            String state = link.getSQLState();
            if ("23505".equals(state) || "23503".equals(state) || "23506".equals(state)
                    || "40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state)
                    || "55P03".equals(state)) {
                return true;
            }
            if (link.getNextException() == link) {
                break;
            }
        }
        return false;
    }

    // --- small JDBC helpers shared by the stores

    /** Runs an INSERT, UPDATE or DELETE with positional parameters (null binds SQL NULL); the rows it changed. */
    public static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            return s.executeUpdate();
        }
    }

    /** Reads the current row of a result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row {@code sql} selects, each read by {@code reader}, in the order the query gives. */
    public static <T> List<T> queryList(Connection c, String sql, RowReader<T> reader, Object... parameters)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        }
    }

    /** The first column of the first row as a long, or null when there is no row (or it is NULL). */
    static Long queryLong(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
        }
    }

    static void bind(PreparedStatement s, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            if (p == null) {
                // Types.NULL: an untyped NULL, which PostgreSQL accepts for any column type (VARCHAR would not).
                s.setNull(i + 1, Types.NULL);
            } else if (p instanceof Instant instant) {
                s.setObject(i + 1, timestamp(instant));
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * Locks the registry's row until the transaction ends, which every transaction that writes into a
     * registry (or deletes it) does before anything else, so that writes to one registry commit one after
     * the other (see {@link RepositoryRows}); the registry's id, or null when there is no such registry.
     */
    Long lockRegistry(Connection c, String registry) throws SQLException {
        Long id = queryLong(c, "SELECT id FROM registries WHERE name = ? FOR UPDATE", registry);
        if (id != null) {
            registryLocked.accept(registry);
        }
        return id;
    }

    /** Calls {@code hook} with the registry's name each time a transaction has locked a registry's row. */
    void onRegistryLocked(Consumer<String> hook) {
        registryLocked = hook;
    }

    /**
     * Calls {@code hook} with the digests each time a transaction that removes links has locked their
     * {@code stored_blobs} rows, before it looks for links left (see {@link H2StoredBlobs#markUnlinked}).
     */
    void onBlobRowsLocked(Consumer<Collection<String>> hook) {
        blobRowsLocked = hook;
    }

    /** Tells the hook of {@link #onBlobRowsLocked} that this transaction holds these rows. */
    void blobRowsLocked(Collection<String> digests) {
        blobRowsLocked.accept(digests);
    }

    /** The id of the registry named {@code name}, or null. */
    static Long registryId(Connection c, String name) throws SQLException {
        return queryLong(c, "SELECT id FROM registries WHERE name = ?", name);
    }
}
