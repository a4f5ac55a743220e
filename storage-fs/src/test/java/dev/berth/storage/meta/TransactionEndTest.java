package dev.berth.storage.meta;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@link Database#transaction} ends a transaction whose work did not finish: nothing of it is committed,
 * whatever stopped it (an exception of the store, any other exception, an {@code Error}), and the connection goes
 * back to the pool fit for the next transaction.
 */
abstract class TransactionEndTest {
    private final TestEngine engine;
    @TempDir
    Path scratch;
    private Database database;

    protected TransactionEndTest(TestEngine engine) {
        this.engine = engine;
    }

    @BeforeEach
    void setUp() throws Exception {
        database = engine.open(scratch);
        database.transaction(c -> Database.update(c, "CREATE TABLE end_test (k VARCHAR(20) PRIMARY KEY)"));
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    /** What stops a transaction's work half-way: an {@code Error} (which the store once let commit) or any exception. */
    static Stream<Throwable> stops() {
        return Stream.of(new AssertionError("stopped half-way"), new IllegalStateException("stopped half-way"));
    }

    @ParameterizedTest
    @MethodSource("stops")
    void workStoppedHalfWayCommitsNothingOfIt(Throwable stop) {
        assertThatThrownBy(() -> database.transaction(c -> {
            Database.update(c, "INSERT INTO end_test (k) VALUES ('half')");
            if (stop instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) stop;
        })).isSameAs(stop);

        assertThat(keys()).isZero();
        insertAndCount();
    }

    @Test
    void aFailedStatementCommitsNothingOfTheWork() {
        assertThatThrownBy(() -> database.transaction(c -> {
            Database.update(c, "INSERT INTO end_test (k) VALUES ('half')");
            return Database.update(c, "INSERT INTO no_such_table (k) VALUES ('x')");
        })).isInstanceOf(MetadataStoreException.class).hasCauseInstanceOf(SQLException.class);

        assertThat(keys()).isZero();
        insertAndCount();
    }

    /** The pool's connections still run transactions of their own: a row inserted is there, and only it. */
    private void insertAndCount() {
        database.transaction(c -> Database.update(c, "INSERT INTO end_test (k) VALUES ('whole')"));
        assertThat(keys()).isEqualTo(1);
    }

    private long keys() {
        return database.transaction(c -> Database.queryLong(c, "SELECT COUNT(*) FROM end_test"));
    }
}
