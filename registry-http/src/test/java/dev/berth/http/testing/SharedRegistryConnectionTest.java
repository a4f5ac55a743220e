package dev.berth.http.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up of tests that drive the server's pipeline on an {@link EmbeddedConnection}: one registry for the
 * whole class (opening one takes a while; each test uses repositories and sessions of its own), and a new
 * connection for each test, whose blocking work runs on {@link #pool} when the test says so. Buffers are
 * leak-checked ({@link ParanoidLeakDetection}, and the connection's own allocator on close).
 */
@ExtendWith(ParanoidLeakDetection.class)
public abstract class SharedRegistryConnectionTest {
    protected static RegistryFixture registry;
    protected final BlockingPool pool = new BlockingPool();
    protected EmbeddedConnection connection;

    @BeforeAll
    static void openRegistry(@TempDir Path dir) throws Exception {
        registry = RegistryFixture.open(dir);
    }

    @AfterAll
    static void closeRegistry() throws Exception {
        registry.close();
    }

    @BeforeEach
    void connect() {
        connection = new EmbeddedConnection(registry.endpoints(pool), pool);
    }

    @AfterEach
    void closeConnection() {
        connection.close();
    }
}
