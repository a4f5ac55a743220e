package dev.berth.storage.meta;

import dev.berth.storage.testing.PostgresServer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the PostgreSQL variants of this package's tests share: the skip, a new database, the lock-wait probe. */
final class TestPostgres {
    private TestPostgres() {
    }

    /** Skips the calling test class where PostgreSQL is not installed ({@code .ci/run} installs it). */
    static void assumeInstalled() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
    }

    /** A new database of the shared server, connected and migrated. */
    static Database newDatabase() throws Exception {
        return Database.connect(PostgresServer.shared().orElseThrow().newDatabaseUrl(), PostgresServer.USER, "");
    }

    /** A waiting transaction, as the server's {@code pg_locks} shows it: the client thread waits in a socket read. */
    static Interleaving.LockWait lockWait() {
        return thread -> PostgresServer.shared().orElseThrow().someoneWaitsForALock();
    }
}
