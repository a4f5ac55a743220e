package dev.berth.http.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a wiring has opened so far, and how to close each: closed last first, so that nothing is closed while
 * something opened after it (and perhaps using it) is still open. Each is closed even when closing another
 * fails, and each at most once.
 */
final class OpenedResources implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenedResources.class.getName());

    private final Deque<AutoCloseable> closings = new ArrayDeque<>();

    /** Remembers a resource just opened; returns it, so that opening and remembering are one expression. */
    <T extends AutoCloseable> T add(T resource) {
        closings.push(resource);
        return resource;
    }

    /** Remembers how to undo a step just taken that opened nothing {@link AutoCloseable} (a pool, a last write). */
    void onClose(AutoCloseable closing) {
        closings.push(closing);
    }

    /** Closes everything after {@code failure} stopped the wiring; what fails to close is suppressed in it. */
    void closeAfter(Throwable failure) {
        closeAll(failure::addSuppressed);
    }

    /** Closes everything; a failure is logged, and the rest are closed all the same. */
    @Override
    public void close() {
        closeAll(failure -> LOG.log(System.Logger.Level.WARNING, "closing failed", failure));
    }

    private void closeAll(Consumer<Exception> failed) {
        while (!closings.isEmpty()) {
            try {
                closings.pop().close();
            } catch (Exception e) {
                failed.accept(e);
            }
        }
    }
}
