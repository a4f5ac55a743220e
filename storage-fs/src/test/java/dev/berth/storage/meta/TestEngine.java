package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.testing.PostgresServer;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engines the SQL stores run on, as this package's tests open them: each test of the stores runs once per
 * engine, through a subclass that names it ({@code H2…Test}, {@code Postgres…Test}).
 */
enum TestEngine {
    /** The embedded database, in a test's scratch directory; its lock waits park the waiting thread. */
    H2 {
        @Override
        Database open(Path scratch) throws Exception {
            return Database.open(new DataLayout(scratch));
        }

        @Override
        Interleaving.LockWait lockWait() {
            return Interleaving.PARKED_THREAD;
        }
    },

    /**
     * A new database of the shared PostgreSQL server ({@link PostgresServer}); the test is skipped where PostgreSQL
     * is not installed ({@code .ci/run} installs it). A waiting transaction shows in the server's {@code pg_locks}:
     * its client thread waits in a socket read.
     */
    POSTGRES {
        @Override
        Database open(Path scratch) throws Exception {
            return Database.connect(server().newDatabaseUrl(), PostgresServer.USER, "");
        }

        @Override
        Interleaving.LockWait lockWait() {
            return thread -> server().someoneWaitsForALock();
        }

        private PostgresServer server() throws Exception {
            var shared = PostgresServer.shared();
            assumeTrue(shared.isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
            return shared.get();
        }
    };

    /** A new, empty, migrated database; {@code scratch} is the test's own temporary directory. */
    abstract Database open(Path scratch) throws Exception;

    /** How to see, on this engine, that a transaction waits for a lock. */
    abstract Interleaving.LockWait lockWait();
}
