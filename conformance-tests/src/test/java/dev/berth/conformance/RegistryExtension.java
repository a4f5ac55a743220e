package dev.berth.conformance;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Starts a {@link RegistryProcess} for a test class and prints its log when a test fails.
 *
 * <ul>
 *   <li>{@link #perClass()}, registered on a {@code static} field: one server for the whole class
 *       (started before all tests, stopped and deleted after all).</li>
 *   <li>{@link #perMethod()}, registered on an instance field: a fresh server (and data directory) per test.</li>
 * </ul>
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final boolean perClass;
    private final List<String> options;
    private RegistryProcess process;
    private RegistryClient client;
    private ManagementClient management;

    private RegistryExtension(boolean perClass, List<String> options) {
        this.perClass = perClass;
        this.options = options;
    }

    /** One server for the whole class, started with these extra command-line options (limits, timeouts). */
    public static RegistryExtension perClass(String... options) {
        return new RegistryExtension(true, List.of(options));
    }

    public static RegistryExtension perMethod() {
        return new RegistryExtension(false, List.of());
    }

    /** A fresh server per test, started with these extra command-line options. */
    public static RegistryExtension perMethodWithOptions(String... options) {
        return new RegistryExtension(false, List.of(options));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (perClass && process == null) {
            start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        } else if (process != null && !process.isAlive()) {
            // A test of this class left the server down; give the next one a running server.
            process.launch();
            bindClients();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (process != null && context.getExecutionException().isPresent()) {
            process.printLogOfFailedTest("Berth server", context.getDisplayName()
                    + " (" + context.getRequiredTestClass().getSimpleName() + ")", 150);
        }
        if (!perClass) {
            shutdown();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            shutdown();
        }
    }

    private void start() {
        process = RegistryProcess.startWithOptions(options);
        bindClients();
    }

    private void bindClients() {
        client = process.client();
        management = process.management();
    }

    private void shutdown() {
        if (process != null) {
            try {
                process.close();
            } finally {
                process = null;
                client = null;
                management = null;
            }
        }
    }

    public RegistryProcess process() {
        return process;
    }

    /** The client for the server's current port. */
    public RegistryClient client() {
        return client;
    }

    /** The management ({@code /api/v1}, Bearer admin token) client for the server's current port. */
    public ManagementClient management() {
        return management;
    }

    /** Restarts the server after a kill -9 and returns a client for its new port. */
    public RegistryClient killAndRestart() {
        process.killAndRestart();
        bindClients();
        return client;
    }

    /**
     * Restarts the server after a kill -9 on the port it had (the same node to the garbage collector's lease, see
     * {@link RegistryProcess#launchOn}) and returns a client for it.
     */
    public RegistryClient killAndRestartOnSamePort() {
        process.killAndRestartOnSamePort();
        bindClients();
        return client;
    }

    /** Clean restart; returns a client for the new port. */
    public RegistryClient restart() {
        process.restart();
        bindClients();
        return client;
    }
}
