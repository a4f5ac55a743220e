package dev.berth.storage.meta;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.testing.MutableClock;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The object store's index of blobs, and the read that joins the transaction its thread runs. */
class H2BlobObjectsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Digest DIGEST = Digest.sha256Of("blob".getBytes());

    @TempDir
    Path dir;
    private Database database;
    private H2BlobObjects objects;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.open(new DataLayout(dir));
        objects = new H2BlobObjects(database, new MutableClock(NOW));
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void theFirstClaimOfADigestWinsAndRemovalGivesItsKeyBack() {
        assertThat(objects.claim(DIGEST, "blobs/a", 4)).isTrue();
        assertThat(objects.claim(DIGEST, "blobs/b", 4)).isFalse();

        assertThat(objects.find(DIGEST)).contains(new H2BlobObjects.BlobObject("blobs/a", 4));
        List<StoredBlobFile> listed = new ArrayList<>();
        objects.forEach(listed::add);
        assertThat(listed).containsExactly(new StoredBlobFile(DIGEST, 4, NOW));

        assertThat(objects.removeAll(List.of(DIGEST))).containsExactly("blobs/a");
        assertThat(objects.removeAll(List.of(DIGEST))).isEmpty();
        assertThat(objects.find(DIGEST)).isEmpty();
    }

    @Test
    void findInsideATransactionAnswersOnItsConnectionAndSeesWhatItSees() {
        Optional<H2BlobObjects.BlobObject> seen = database.transaction(c -> {
            Database.update(c, "INSERT INTO blob_objects (digest, object_key, size, stored_at) VALUES (?, ?, ?, ?)",
                    DIGEST.value(), "blobs/uncommitted", 4, NOW);
            return objects.find(DIGEST);
        });

        assertThat(seen).as("the row the running transaction inserted, not committed when asked")
                .contains(new H2BlobObjects.BlobObject("blobs/uncommitted", 4));
    }

    @Test
    void findOutsideATransactionRunsItsOwnAndAWriteInsideOneIsItsOwnTransaction() {
        database.transaction(c -> {
            assertThat(objects.claim(DIGEST, "blobs/a", 4)).isTrue(); // committed on its own connection
            return null;
        });

        assertThat(objects.find(DIGEST)).isPresent();
    }
}
