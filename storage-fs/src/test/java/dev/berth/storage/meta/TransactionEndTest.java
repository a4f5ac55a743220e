package dev.berth.storage.meta;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

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

    @Test
    void anErrorInTheWorkCommitsNothingOfIt() {
        assertThatThrownBy(() -> database.transaction(c -> {
            Database.update(c, "INSERT INTO end_test (k) VALUES ('half')");
            throw new AssertionError("stopped half-way");
        })).isInstanceOf(AssertionError.class);

        assertThat(keys()).isZero();
        insertAndCount();
    }

    @Test
    void anExceptionInTheWorkCommitsNothingOfIt() {
        assertThatThrownBy(() -> database.transaction(c -> {
            Database.update(c, "INSERT INTO end_test (k) VALUES ('half')");
            throw new IllegalStateException("stopped half-way");
        })).isInstanceOf(IllegalStateException.class);

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
