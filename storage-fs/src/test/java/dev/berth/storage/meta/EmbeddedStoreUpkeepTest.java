package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.testing.HolderProcess;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's upkeep against what it is for: a stream of small commits at random keys (links of new blobs
 * are that) leaves the file in chunks that are mostly dead, which its rounds rewrite; and a process killed while
 * commits and rewrites go on loses no committed row. The retention time is set to zero here, so that chunks are
 * rewritten and their space reused at once rather than after {@link EmbeddedStoreUpkeep#RETENTION_MILLIS}.
 */
class EmbeddedStoreUpkeepTest {
    /** The tests run the rounds themselves; the timer's would come at moments they do not choose. */
    private static final Duration NO_TIMER = Duration.ofHours(1);
    private static final int ROWS = 1_500;

    @TempDir
    Path dataDir;

    @Test
    void roundsRewriteSparseChunksUntilMostOfTheFileIsLive() throws Exception {
        try (Database database = Database.open(new DataLayout(dataDir), 0, NO_TIMER)) {
            createTable(database);
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < ROWS; i++) {
                insert(database, key(random));
            }
            MVStore store = database.transaction(EmbeddedStoreUpkeep::storeOf);
            assertThat(store.getFileStore().getChunksFillRate())
                    .as("a commit per row leaves chunks that later commits have mostly superseded")
                    .isLessThan(EmbeddedStoreUpkeep.FILL_TARGET);

            int steps = 0;
            for (int round = 0; round < 200; round++) {
                int done = database.upkeep().run();
                if (done == 0) {
                    break;
                }
                steps += done;
            }

            assertThat(steps).isPositive();
            assertThat(store.getFileStore().getChunksFillRate()).isGreaterThanOrEqualTo(EmbeddedStoreUpkeep.FILL_TARGET);
            assertThat(count(database)).isEqualTo(ROWS);
        }
    }

    @Test
    void aProcessKilledDuringCommitsAndRewritesKeepsEveryCommittedRow() throws Exception {
        Path acknowledged = dataDir.resolve("acknowledged");
        Path compacted = dataDir.resolve("compacted");
        try (HolderProcess writer = HolderProcess.start(EmbeddedStoreUpkeepTest.class, dataDir.toString(),
                acknowledged.toString(), compacted.toString())) {
            assertThat(writer.said()).isEqualTo("open");
            awaitCondition(() -> Files.exists(compacted) && lines(acknowledged).size() >= ROWS);
        }
        // Killed as a crash would; what it acknowledged is every line but a last one it may not have finished.
        List<String> written = lines(acknowledged);
        Set<String> committed = new HashSet<>(written.subList(0, written.size() - 1));
        try (Database database = Database.open(new DataLayout(dataDir))) {
            Set<String> stored = new HashSet<>(database.transaction(c -> Database.queryList(c, "SELECT k FROM upkeep_test",
                    rs -> rs.getString(1))));
            assertThat(stored).containsAll(committed);
        }
    }

    /**
     * The killed writer: commits rows at random keys one by one, appending each key to {@code args[1]} once its
     * commit returned, while a thread of its own runs upkeep rounds back to back and touches {@code args[2]} once a
     * round has rewritten something.
     */
    public static void main(String[] args) throws IOException {
        Database database = Database.open(new DataLayout(Path.of(args[0])), 0, NO_TIMER);
        createTable(database);
        Path acknowledged = Path.of(args[1]);
        Path compacted = Path.of(args[2]);
        Thread upkeep = new Thread(() -> {
            try {
                while (true) {
                    if (database.upkeep().run() > 0 && !Files.exists(compacted)) {
                        Files.createFile(compacted);
                    }
                    // Rounds close together, but not so close that each forces the file a hundred times a second.
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        upkeep.setDaemon(true);
        upkeep.start();
        System.out.println("open");
        System.out.flush();
        SplittableRandom random = new SplittableRandom();
        while (true) {
            String key = key(random);
            insert(database, key);
            Files.writeString(acknowledged, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static void createTable(Database database) {
        database.transaction(c -> {
            Database.update(c, "SET RETENTION_TIME 0");
            return Database.update(c, "CREATE TABLE IF NOT EXISTS upkeep_test (k VARCHAR(64) PRIMARY KEY, v VARCHAR(200))");
        });
    }

    private static void insert(Database database, String key) {
        database.transaction(c -> Database.update(c, "INSERT INTO upkeep_test (k, v) VALUES (?, ?)", key, "x".repeat(100)));
    }

    private static long count(Database database) {
        return database.transaction(c -> Database.queryLong(c, "SELECT COUNT(*) FROM upkeep_test"));
    }

    private static String key(SplittableRandom random) {
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    /** Polls for what another process does, for at most a minute. */
    private static void awaitCondition(Condition condition) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.holds()) {
            assertThat(System.nanoTime() - end).as("the writer process made its progress within a minute").isNegative();
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
