package dev.berth.http.v2.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.testing.BlockingPool;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.ParanoidLeakDetection;
import dev.berth.http.testing.RegistryFixture;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.berth.http.testing.EmbeddedConnection.READ_BYTES;
import static dev.berth.http.testing.RegistryFixture.PUSHER;
import static dev.berth.http.testing.Requests.body;
import static dev.berth.http.testing.Requests.head;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload's body streamed into its session, on the registry's pipeline: nothing is read before the caller and
 * the session are checked, reading pauses while the storage is behind, a refused upload is answered at once and
 * none of its body is kept, and a client that goes away leaves a session it can resume (or none, if it never
 * learned of it) and no buffer behind.
 */
@ExtendWith(ParanoidLeakDetection.class)
class UploadExchangeTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private final BlockingPool pool = new BlockingPool();
    private RegistryFixture registry;
    private EmbeddedConnection connection;

    @BeforeEach
    void open() throws Exception {
        registry = RegistryFixture.open(dir);
        connection = new EmbeddedConnection(registry.endpoints(pool), pool);
    }

    @AfterEach
    void close() throws Exception {
        try {
            connection.close();
        } finally {
            registry.close();
        }
    }

    @Test
    void readsNothingBeyondTheHeadsReadUntilTheCallerAndTheSessionAreChecked() {
        BlobUpload session = registry.startUpload("library/app");
        int length = 1024 * 1024;
        connection.send(patch(session, PUSHER, length), body(length));

        assertThat(connection.bytesRead()).as("the read that brought the head, and nothing after it").isEqualTo(READ_BYTES);
        assertThat(connection.wantsToRead()).isFalse();

        connection.runBlockingTask();

        assertThat(connection.unread()).as("the checks passed: the body is read while the writer waits").isZero();
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(202);
        assertThat(session.size()).isEqualTo(length);
    }

    @Test
    void stopsReadingWhileTheDiskIsBehindAndReadsOnOnceItCatchesUp() {
        BlobUpload session = registry.startUpload("library/app");
        int length = 10 * 1024 * 1024;
        connection.send(patch(session, PUSHER, length), body(length));

        connection.runBlockingTask();

        long taken = connection.bytesRead();
        assertThat(taken).isBetween(UploadBuffers.MOST_PER_UPLOAD, UploadBuffers.MOST_PER_UPLOAD + 2 * READ_BYTES);
        assertThat(connection.wantsToRead()).isFalse();
        assertThat(connection.unread()).isPositive();
        assertThat(registry.uploadPauses()).isEqualTo(1);

        connection.runBlocking();

        assertThat(connection.unread()).isZero();
        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.header("Range")).isEqualTo("0-" + (length - 1));
        assertThat(session.size()).isEqualTo(length);
    }

    @Test
    void anUploadPausedAtItsShareFinishesWhenOthersArriveAndShrinkItAndLeavesTheSharingWhenDone() throws Exception {
        // A share of 2.5 MiB: batches go to the writer at each MiB, so reading pauses with half a MiB still in the
        // batch, more than the low mark of the share that the others shrink it to.
        UploadBuffers buffers = new UploadBuffers(5 * MIB / 2);
        connection.close();
        connection = new EmbeddedConnection(registry.endpoints(pool, buffers), pool);
        BlobUpload session = registry.startUpload("library/app");
        int length = 10 * 1024 * 1024;
        connection.send(patch(session, PUSHER, length), body(length));
        connection.runBlockingTask();
        assertThat(connection.bytesRead()).as("paused at its share").isBetween(5 * MIB / 2, 5 * MIB / 2 + 2 * READ_BYTES);
        assertThat(connection.wantsToRead()).isFalse();

        for (int i = 0; i < 100; i++) {
            buffers.open(() -> { }, () -> { });
        }
        connection.runBlocking();

        assertThat(connection.response().status()).isEqualTo(202);
        assertThat(session.size()).isEqualTo(length);
        assertThat(buffers.uploads()).as("only the 100 others still share").isEqualTo(100);
    }

    @Test
    void staysPausedUntilTheStorageHasLetGoOfEnoughOfTheBuffersItIsHashing() {
        BlobUpload session = registry.startUpload("library/app");
        int length = 10 * 1024 * 1024;
        registry.uploads.holdAppends();
        connection.send(patch(session, PUSHER, length), body(length));
        connection.runBlockingTask();
        long taken = connection.bytesRead();

        connection.runBlockingTask();

        assertThat(registry.uploads.heldAppends()).isGreaterThan(2);
        assertThat(connection.bytesRead()).as("written, but the storage still reads the buffers").isEqualTo(taken);
        assertThat(connection.wantsToRead()).isFalse();

        registry.uploads.letGoOldestAppend();
        connection.serve();

        assertThat(connection.bytesRead()).as("in flight still above the low water mark").isEqualTo(taken);

        registry.uploads.letGoHeldAppends();
        connection.serve();

        assertThat(connection.bytesRead()).isGreaterThan(taken);
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(202);
        assertThat(session.size()).isEqualTo(length);
    }

    @Test
    void refusesAChunkOverTheQuotaFromItsHeadWithoutContinueAndDropsTheSession() throws Exception {
        BlobUpload session = registry.startUpload(RegistryFixture.LIMITED + "/app");
        connection.send(patch(session, PUSHER, 2 * MIB, "Expect: 100-continue"));

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("DENIED", "quota exceeded");
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(registry.openSessions()).isEmpty();
    }

    @Test
    void answersAnUploadOverTheQuotaAtOnceAndClosesRatherThanReadTheRestOfItsBody() throws Exception {
        int length = 2 * 1024 * 1024;
        byte[] content = body(length);
        connection.send(head("POST", "/v2/" + RegistryFixture.LIMITED + "/app/blobs/uploads/?digest=" + Digest.sha256Of(content),
                registry.authorization(PUSHER), "Content-Length: " + length), content);

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.bytesRead()).as("only what came with the head").isEqualTo(READ_BYTES);
        assertThat(registry.openSessions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"anonymous, 401", "puller, 403"})
    void refusesACallerWhoMayNotPushWithoutContinueAndLeavesTheSessionAsItWas(String user, int status) throws Exception {
        BlobUpload session = registry.startUpload("library/app");
        String authorization = user.equals("anonymous") ? null : registry.authorization(user);
        connection.send(head("PATCH", location(session), authorization, "Content-Length: " + MIB, "Expect: 100-continue"));

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.closesConnection()).isTrue();
        BlobUpload after = registry.registry.upload(session.repository(), session.id().value());
        assertThat(after.size()).isZero();
        assertThat(after.tryAcquire()).as("free for its owner's next request").isTrue();
    }

    @Test
    void keepsNoneOfARefusedChunkThatCameWithItsHeadAndServesTheNextRequest() {
        BlobUpload session = registry.startUpload("library/app");
        int length = 1024;
        connection.send(patch(session, PUSHER, length, "Content-Range: 10-" + (10 + length - 1)), body(length));

        connection.runBlocking();

        Response refused = connection.response();
        assertThat(refused.status()).isEqualTo(416);
        assertThat(refused.closesConnection()).as("the whole body was read: the connection can go on").isFalse();
        assertThat(session.size()).isZero();

        connection.send(patch(session, PUSHER, length, "Content-Range: 0-" + (length - 1)), body(length));
        connection.runBlocking();

        Response accepted = connection.response();
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Range")).isEqualTo("0-" + (length - 1));
    }

    @Test
    void keepsTheSessionOfAChunkWhoseClientGoesAwayResumableAndLeavesNoBufferBehind() {
        int length = 4 * 1024 * 1024;
        byte[] content = body(length);
        BlobUpload session = registry.startUpload("library/app");
        connection.send(patch(session, PUSHER, length), Arrays.copyOf(content, length / 2 + 100_000));
        connection.runBlocking();

        connection.disconnect();
        connection.runBlocking();

        assertThat(connection.responses()).isEmpty();
        assertThat(connection.unreleasedBuffers()).isEmpty();
        BlobUpload kept = registry.registry.upload(session.repository(), session.id().value());
        int size = (int) kept.size();
        assertThat(size).isPositive().isLessThanOrEqualTo(length / 2 + 100_000);
        try (EmbeddedConnection resumed = new EmbeddedConnection(registry.endpoints(pool), pool)) {
            Digest digest = Digest.sha256Of(content);
            resumed.send(head("PUT", location(session) + "?digest=" + digest, registry.authorization(PUSHER),
                    "Content-Range: " + size + "-" + (length - 1), "Content-Length: " + (length - size)),
                    Arrays.copyOfRange(content, size, length));
            resumed.runBlocking();
            assertThat(resumed.response().status()).as("resumed where the session stood, and completed").isEqualTo(201);
        }
    }

    @Test
    void writesTheSessionOfAChunkDownBeforeItsBodySoThatARestartFindsItWhereverTheBodyStops() {
        BlobUpload session = registry.startUpload("library/app");
        DataLayout layout = new DataLayout(dir);
        assertThat(layout.uploadInfo(session.id())).as("opened: in memory only").doesNotExist();

        connection.send(patch(session, PUSHER, 1024));
        connection.runBlockingTask();

        assertThat(layout.uploadInfo(session.id())).as("taken by a chunk's request, before its body").isRegularFile();
        assertThat(layout.uploadData(session.id())).isEmptyFile();
    }

    @Test
    void writesNoSessionFileForAPutThatBringsTheWholeBody() throws Exception {
        BlobUpload session = registry.startUpload("library/app");
        byte[] content = body(64 * 1024);
        Digest digest = Digest.sha256Of(content);

        connection.send(head("PUT", location(session) + "?digest=" + digest, registry.authorization(PUSHER),
                "Content-Length: " + content.length), content);
        connection.runBlocking();

        assertThat(connection.response().status()).isEqualTo(201);
        try (Stream<Path> left = Files.list(new DataLayout(dir).uploadsDir())) {
            assertThat(left).as("the data became the blob; no info file was ever written").isEmpty();
        }
    }

    @Test
    void dropsTheSessionOfAPostWhoseClientGoesAwayBeforeLearningOfIt() throws Exception {
        int length = 2 * 1024 * 1024;
        byte[] content = body(length);
        connection.send(head("POST", "/v2/library/app/blobs/uploads/?digest=" + Digest.sha256Of(content),
                registry.authorization(PUSHER), "Content-Length: " + length), Arrays.copyOf(content, length / 2 + 1000));
        connection.runBlocking();
        assertThat(registry.openSessions()).hasSize(1);

        connection.disconnect();
        connection.runBlocking();

        assertThat(registry.openSessions()).isEmpty();
    }

    @Test
    void cutsTheSessionBackWhenAChunkedBodyBreaksOffUnreadably() throws Exception {
        BlobUpload session = registry.startUpload("library/app");
        session.append(ByteBuffer.wrap(body(100)));
        int chunk = (int) (1.5 * MIB);
        connection.send(head("PATCH", location(session), registry.authorization(PUSHER), "Transfer-Encoding: chunked"));
        connection.runBlocking();
        connection.send(Integer.toHexString(chunk) + "\r\n").send(body(chunk)).send("\r\nnot a chunk size\r\n");

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(registry.registry.upload(session.repository(), session.id().value()).size()).isEqualTo(100);
    }

    @Test
    void streamsAMonolithicUploadInManyReadsIntoABlobWithTheRightDigest() {
        int length = 3 * 1024 * 1024 + 17;
        byte[] content = body(length);
        Digest digest = Digest.sha256Of(content);
        connection.send(head("POST", "/v2/library/app/blobs/uploads/?digest=" + digest, registry.authorization(PUSHER),
                "Content-Length: " + length)).send(content);

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.header("Docker-Content-Digest")).isEqualTo(digest.value());
        assertThat(registry.registry.statBlob(RepositoryName.parse("library/app"), digest).size()).isEqualTo(length);
    }

    private String patch(BlobUpload session, String user, long length, String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = "Content-Length: " + length;
        return head("PATCH", location(session), registry.authorization(user), all);
    }

    private static String location(BlobUpload session) {
        return "/v2/" + session.repository().value() + "/blobs/uploads/" + session.id().value();
    }
}
