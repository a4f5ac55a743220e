package dev.berth.storage.cluster;

import dev.berth.core.cluster.CacheChange;
import dev.berth.storage.meta.Database;
import dev.berth.storage.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Nodes on one real PostgreSQL database: an announced change is applied by every other node before the
 * announcement returns, or that node has stopped answering from its caches by then; a node that may have missed
 * changes drops everything before it trusts its caches again; the nodes know where the others are. Skipped where
 * PostgreSQL is not installed.
 */
class PostgresClusterTest {
    private static final CacheChange TAG_MOVED = CacheChange.repository("library/app");
    private static final CacheChange USER_DISABLED = CacheChange.user("u-1");

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String url;

    @BeforeAll
    static void requirePostgres() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @BeforeEach
    void newDatabase() throws Exception {
        url = PostgresServer.shared().orElseThrow().newDatabaseUrl();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A node and every change it was told of, in order. */
    private record Node(PostgresCluster cluster, List<CacheChange> heard) {
    }

    private Node join(String id, PostgresCluster.ListenConnection listen) {
        Database database = Database.connect(url, PostgresServer.USER, "");
        opened.add(database);
        PostgresCluster cluster = PostgresCluster.join(id, "127.0.0.1:" + id.hashCode() % 1000, database, listen, true);
        List<CacheChange> heard = new CopyOnWriteArrayList<>();
        cluster.subscribe(heard::add);
        opened.add(cluster);
        return new Node(cluster, heard);
    }

    private Node join(String id) throws InterruptedException {
        Node node = join(id, PostgresCluster.ListenConnection.to(url, PostgresServer.USER, ""));
        await(node.cluster()::cachesCurrent);
        return node;
    }

    @Test
    void anAnnouncementReturnsOnceEveryOtherNodeHasAppliedIt() throws Exception {
        Node writer = join("0000000a");
        Node reader = join("0000000b");
        Node third = join("0000000c");
        await(() -> writer.cluster().addressOf("0000000b").isPresent() && writer.cluster().addressOf("0000000c").isPresent());

        writer.cluster().announce(TAG_MOVED);

        assertThat(reader.heard()).contains(TAG_MOVED);
        assertThat(third.heard()).contains(TAG_MOVED);
        assertThat(writer.heard()).as("the writer forgets its own answers itself").doesNotContain(TAG_MOVED);
    }

    @Test
    void aNodeThatCannotApplyAChangeStopsAnsweringFromItsCachesBeforeTheWriterReturns() throws Exception {
        Node writer = join("0000000a");
        CountDownLatch stuck = new CountDownLatch(1);
        Node reader = join("0000000b");
        reader.cluster().subscribe(change -> {
            if (change.equals(USER_DISABLED)) {
                awaitQuietly(stuck);
            }
        });
        await(() -> writer.cluster().addressOf("0000000b").isPresent());

        writer.cluster().announce(USER_DISABLED);

        assertThat(reader.cluster().cachesCurrent()).as("a node that has not applied the change").isFalse();
        stuck.countDown();
        await(reader.cluster()::cachesCurrent);
        assertThat(reader.heard()).endsWith(CacheChange.EVERYTHING);
    }

    @Test
    void aNodeWhoseListeningConnectionBreaksDropsEverythingBeforeItTrustsItsCachesAgain() throws Exception {
        AtomicReference<Connection> listening = new AtomicReference<>();
        Node node = join("0000000b", () -> {
            Connection connection = DriverManager.getConnection(url, PostgresServer.USER, "");
            listening.set(connection);
            return connection;
        });
        await(node.cluster()::cachesCurrent);
        List<Boolean> trustedWhileDropping = new CopyOnWriteArrayList<>();
        node.cluster().subscribe(change -> {
            if (change.equals(CacheChange.EVERYTHING)) {
                trustedWhileDropping.add(node.cluster().cachesCurrent());
            }
        });
        Connection first = listening.get();

        first.close();

        await(() -> !trustedWhileDropping.isEmpty() && node.cluster().cachesCurrent());
        assertThat(listening.get()).isNotSameAs(first);
        assertThat(trustedWhileDropping).as("the caches trusted while they were dropped").containsOnly(false);
    }

    @Test
    void everyNodeKnowsWhereTheOthersAreUntilTheyLeave() throws Exception {
        Node one = join("0000000a");
        Node two = join("0000000b");

        await(() -> one.cluster().addressOf("0000000b").isPresent());
        assertThat(one.cluster().addressOf("0000000b")).contains(two.cluster().addressOf("0000000b").orElseThrow());
        assertThat(one.cluster().addressOf("0000000f")).isEmpty();

        two.cluster().close();
        await(() -> one.cluster().addressOf("0000000b").isEmpty());
        // A node that left is not waited for.
        one.cluster().announce(TAG_MOVED);
    }

    @Test
    void aNodeWithItsBlobsInItsOwnDirectoryIsRefusedBesideAnother() throws Exception {
        join("0000000a");
        Database database = Database.connect(url, PostgresServer.USER, "");
        opened.add(database);

        assertThatThrownBy(() -> PostgresCluster.join("0000000b", "127.0.0.1:1", database,
                PostgresCluster.ListenConnection.to(url, PostgresServer.USER, ""), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--blob-store s3").hasMessageContaining("0000000a");
    }

    @Test
    void aChangeIsNeverAnnouncedFromInsideATransaction() throws Exception {
        Node node = join("0000000a");
        Database database = Database.connect(url, PostgresServer.USER, "");
        opened.add(database);

        assertThatThrownBy(() -> database.transaction(c -> {
            node.cluster().announce(TAG_MOVED);
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    private static int count(List<CacheChange> heard, CacheChange change) {
        return (int) heard.stream().filter(change::equals).count();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for what the listening threads do on their own schedule (a heartbeat every half second). */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the condition within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
