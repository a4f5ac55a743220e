package dev.berth.http.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a wiring opened is closed last first, every one of it, once, whatever fails to close. */
class OpenedResourcesTest {
    private final List<String> closed = new ArrayList<>();
    private final OpenedResources opened = new OpenedResources();

    @Test
    void closesWhatWasOpenedLastFirst() {
        opened.add(closing("storage"));
        opened.onClose(closing("last write"));
        opened.add(closing("pool"));

        opened.close();

        assertThat(closed).containsExactly("pool", "last write", "storage");
    }

    @Test
    void closesTheRestWhenOneFailsToClose() {
        opened.add(closing("storage"));
        opened.onClose(() -> {
            throw new IllegalStateException("cannot write");
        });
        opened.add(closing("pool"));

        opened.close();

        assertThat(closed).containsExactly("pool", "storage");
    }

    @Test
    void afterAFailedWiringClosesEverythingAndAddsWhatFailedToCloseToTheFailure() {
        IllegalStateException cannotClose = new IllegalStateException("cannot close");
        opened.add(closing("storage"));
        opened.onClose(() -> {
            throw cannotClose;
        });
        IllegalArgumentException failure = new IllegalArgumentException("no such pool");

        opened.closeAfter(failure);

        assertThat(closed).containsExactly("storage");
        assertThat(failure.getSuppressed()).containsExactly(cannotClose);
    }

    @Test
    void closesEachOnce() {
        opened.add(closing("storage"));

        opened.close();
        opened.close();

        assertThat(closed).containsExactly("storage");
    }

    private AutoCloseable closing(String name) {
        return () -> closed.add(name);
    }
}
