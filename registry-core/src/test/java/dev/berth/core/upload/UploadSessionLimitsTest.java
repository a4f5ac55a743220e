package dev.berth.core.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.InMemoryBlobStore;
import dev.berth.core.testing.InMemoryUploadStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadSessionLimitsTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");
    private static final RepositoryName OTHER = RepositoryName.parse("other/app");

    private final MutableClock clock = MutableClock.atSomeDay();
    private final InMemoryUploadStore store = new InMemoryUploadStore(new InMemoryBlobStore(), clock);
    private final ExecutorService clients = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        clients.shutdownNow();
    }

    @Test
    void refusesAUserOverItsCapWithTooManyRequestsNamingTheCap() throws Exception {
        UploadSessionLimits limits = new UploadSessionLimits(store, 2, 100);
        limits.create(APP, "ci-bot");
        limits.create(WEB, "ci-bot");

        assertThatThrownBy(() -> limits.create(APP, "ci-bot")).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.ociCode()).contains(OciErrorCode.TOOMANYREQUESTS);
            assertThat(e.getMessage()).contains("user 'ci-bot' has 2 open upload sessions").contains("(2)");
        });
        assertThat(limits.create(APP, "other-bot")).isNotNull();
        assertThat(store.open()).isEqualTo(3);
    }

    @Test
    void refusesARegistryOverItsCapWhoeverAsks() throws Exception {
        UploadSessionLimits limits = new UploadSessionLimits(store, 100, 2);
        limits.create(APP, "a");
        limits.create(WEB, "b");

        assertThatThrownBy(() -> limits.create(APP, "c")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.getMessage()).contains("registry 'acme' has 2 open upload sessions"));
        assertThat(limits.create(OTHER, "c")).isNotNull();
    }

    @Test
    void givesBackTheRoomOfEverySessionThatEnds() throws Exception {
        UploadSessionLimits limits = new UploadSessionLimits(store, 3, 100);
        BlobUpload cancelled = limits.create(APP, "ci-bot");
        BlobUpload committed = limits.create(APP, "ci-bot");
        limits.create(APP, "ci-bot");
        clock.advance(Duration.ofHours(1));
        limits.create(APP, "ci-bot-2");

        cancelled.cancel();
        committed.commit(Digest.sha256Of(new byte[0]));
        limits.expireStartedBefore(clock.instant());

        assertThat(limits.openBy("ci-bot")).isZero();
        assertThat(limits.openIn("acme")).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            limits.create(APP, "ci-bot");
        }
    }

    @Test
    void countsTheSessionsTheStoreAlreadyHolds() throws Exception {
        store.create(APP, "ci-bot");
        store.create(APP, "ci-bot");

        UploadSessionLimits limits = new UploadSessionLimits(store, 3, 100);

        assertThat(limits.openBy("ci-bot")).isEqualTo(2);
        limits.create(APP, "ci-bot");
        assertThatThrownBy(() -> limits.create(APP, "ci-bot")).isInstanceOf(RegistryException.class);
    }

    @Test
    void concurrentStartsNeverPassTheCap() throws Exception {
        UploadSessionLimits limits = new UploadSessionLimits(store, 10, 25);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String owner = "bot-" + (i % 4);
            Callable<Boolean> attempt = () -> {
                go.await();
                try {
                    limits.create(APP, owner);
                    return true;
                } catch (RegistryException refused) {
                    return false;
                }
            };
            attempts.add(clients.submit(attempt));
        }
        go.countDown();
        int opened = 0;
        for (Future<Boolean> attempt : attempts) {
            opened += attempt.get() ? 1 : 0;
        }

        assertThat(opened).isEqualTo(25);
        assertThat(store.open()).isEqualTo(25);
        assertThat(limits.openIn("acme")).isEqualTo(25);
        for (int i = 0; i < 4; i++) {
            assertThat(limits.openBy("bot-" + i)).isLessThanOrEqualTo(10);
        }
    }
}
