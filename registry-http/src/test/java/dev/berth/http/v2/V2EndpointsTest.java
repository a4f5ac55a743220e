package dev.berth.http.v2;

import dev.berth.core.digest.Digest;
import dev.berth.core.upload.BlobUpload;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.SharedRegistryConnectionTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.berth.http.testing.EmbeddedConnection.READ_BYTES;
import static dev.berth.http.testing.RegistryFixture.MAX_MANIFEST_BYTES;
import static dev.berth.http.testing.RegistryFixture.PULLER;
import static dev.berth.http.testing.RegistryFixture.PUSHER;
import static dev.berth.http.testing.Requests.body;
import static dev.berth.http.testing.Requests.head;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table of {@code /v2} endpoints, through the connection: which methods each endpoint takes, what each
 * needs of its caller (checked before any body is read), which bodies are streamed to an upload session and
 * which are aggregated, and up to what size.
 */
class V2EndpointsTest extends SharedRegistryConnectionTest {
    /** The cap on the bodies of requests that carry none worth keeping. */
    private static final int SMALL_BODY_BYTES = 64 * 1024;
    private static final String BLOB = "/v2/library/app/blobs/sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private static final String MANIFEST = "/v2/library/app/manifests/latest";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "POST, /v2/",
            "DELETE, /v2/_catalog",
            "HEAD, /v2/_catalog",
            "PUT, /v2/library/app/tags/list",
            "DELETE, /v2/library/app/referrers/sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "POST, " + MANIFEST,
            "PATCH, " + MANIFEST,
            "PUT, " + BLOB,
            "POST, " + BLOB,
            "GET, /v2/library/app/blobs/uploads/",
            "PUT, /v2/library/app/blobs/uploads/",
            "POST, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef",
            "HEAD, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef",
    })
    void refusesAMethodTheEndpointDoesNotTakeAndKeepsTheConnection(String method, String uri) {
        connection.send(head(method, uri, registry.authorization(PUSHER), "Content-Length: 3") + "abc");
        connection.runBlocking();

        Response answer = answer(method);
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.closesConnection()).isFalse();
        assertThat(connection.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "{0} {1} as {2}: {3}")
    @CsvSource({
            "GET, /v2/, anonymous, 401",
            "GET, /v2/, puller, 200",
            "GET, /v2/_catalog, anonymous, 200",
            "GET, /v2/library/app/tags/list, anonymous, 401",
            "GET, /v2/library/app/tags/list, puller, 404",
            "GET, " + MANIFEST + ", anonymous, 401",
            "GET, " + MANIFEST + ", puller, 404",
            "HEAD, " + MANIFEST + ", puller, 404",
            "PUT, " + MANIFEST + ", puller, 403",
            "DELETE, " + MANIFEST + ", puller, 403",
            "DELETE, " + MANIFEST + ", pusher, 404",
            "GET, " + BLOB + ", anonymous, 401",
            "GET, " + BLOB + ", puller, 404",
            "HEAD, " + BLOB + ", anonymous, 401",
            "HEAD, " + BLOB + ", puller, 404",
            "DELETE, " + BLOB + ", puller, 403",
            "DELETE, " + BLOB + ", pusher, 404",
            "GET, /v2/library/app/referrers/sha256:0000000000000000000000000000000000000000000000000000000000000000, anonymous, 401",
            "GET, /v2/library/app/referrers/sha256:0000000000000000000000000000000000000000000000000000000000000000, puller, 200",
            "POST, /v2/library/app/blobs/uploads/, puller, 403",
            "POST, /v2/library/app/blobs/uploads/, pusher, 202",
            "PATCH, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, puller, 403",
            "PUT, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, puller, 403",
            "GET, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, puller, 403",
            "GET, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, pusher, 404",
            "DELETE, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, puller, 403",
            "DELETE, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef, pusher, 404",
    })
    void asksOfTheCallerWhatTheEndpointNeeds(String method, String uri, String user, int status) {
        connection.send(head(method, uri, user.equals("anonymous") ? null : registry.authorization(user)));
        connection.runBlocking();

        Response answer = answer(method);
        assertThat(answer.status()).isEqualTo(status);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /v2/library/app/tags/list",
            "GET, " + MANIFEST,
            "HEAD, " + MANIFEST,
            "HEAD, " + BLOB,
    })
    void answersARepeatedPullFromMemoryWithoutHandingItOffTheEventLoop(String method, String uri) {
        connection.send(head(method, uri, registry.authorization(PULLER)));
        connection.runBlocking();
        assertThat(answer(method).status()).isEqualTo(404);

        connection.send(head(method, uri, registry.authorization(PULLER)));

        assertThat(pool.queued()).isZero();
        assertThat(answer(method).status()).isEqualTo(404);
    }

    @Test
    void opensABlobOffTheEventLoopEvenWhenTheCachesKnowTheAnswer() {
        connection.send(head("GET", BLOB, registry.authorization(PULLER)));
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(404);

        connection.send(head("GET", BLOB, registry.authorization(PULLER)));

        assertThat(pool.queued()).isEqualTo(1);
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /v2/",
            "GET, /v2/library/app/tags/list",
            "GET, " + MANIFEST,
            "DELETE, " + MANIFEST,
            "GET, " + BLOB,
            "DELETE, " + BLOB,
            "GET, /v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef",
    })
    void refusesALongBodyOnARequestThatTakesNoneBeforeReadingIt(String method, String uri) {
        connection.send(head(method, uri, registry.authorization(PUSHER), "Content-Length: " + (SMALL_BODY_BYTES + 1)),
                body(SMALL_BODY_BYTES + 1));
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.bytesRead()).as("no more than came with the head").isEqualTo(READ_BYTES);
    }

    @Test
    void takesAManifestUpToTheManifestCapWhichIsAboveTheSmallCap() {
        connection.send(head("PUT", MANIFEST, registry.authorization(PUSHER), "Content-Type: application/vnd.oci.image.manifest.v1+json",
                "Content-Length: " + MAX_MANIFEST_BYTES), body(MAX_MANIFEST_BYTES));
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).as("read whole, and found not to be a manifest").isEqualTo(400);
        assertThat(answer.body()).contains("MANIFEST_INVALID");
    }

    @Test
    void refusesAManifestOverTheManifestCapWithoutContinue() {
        connection.send(head("PUT", MANIFEST, registry.authorization(PUSHER), "Content-Type: application/vnd.oci.image.manifest.v1+json",
                "Expect: 100-continue", "Content-Length: " + (MAX_MANIFEST_BYTES + 1)));
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("body exceeds " + MAX_MANIFEST_BYTES + " bytes");
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void streamsUploadBodiesWhateverTheirLengthThroughEveryStepOfAPush() {
        byte[] first = body(3 * SMALL_BODY_BYTES);
        byte[] last = body(2 * SMALL_BODY_BYTES + 1);
        byte[] whole = new byte[first.length + last.length];
        System.arraycopy(first, 0, whole, 0, first.length);
        System.arraycopy(last, 0, whole, first.length, last.length);
        Digest digest = Digest.sha256Of(whole);

        connection.send(head("POST", "/v2/library/pushed/blobs/uploads/", registry.authorization(PUSHER), "Content-Length: 0"));
        connection.runBlocking();
        Response started = connection.response();
        assertThat(started.status()).isEqualTo(202);
        String location = started.header("Location");

        connection.send(head("PATCH", location, registry.authorization(PUSHER), "Content-Length: " + first.length), first);
        connection.runBlocking();
        assertThat(connection.response().header("Range")).isEqualTo("0-" + (first.length - 1));

        connection.send(head("GET", location, registry.authorization(PUSHER)));
        connection.runBlocking();
        Response status = connection.response();
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).isEqualTo("0-" + (first.length - 1));

        connection.send(head("PUT", location + "?digest=" + digest, registry.authorization(PUSHER), "Content-Length: " + last.length), last);
        connection.runBlocking();
        Response completed = connection.response();
        assertThat(completed.status()).isEqualTo(201);
        assertThat(completed.header("Docker-Content-Digest")).isEqualTo(digest.value());

        connection.send(head("HEAD", "/v2/library/pushed/blobs/" + digest, registry.authorization(PUSHER)));
        connection.runBlocking();
        Response stat = answer("HEAD");
        assertThat(stat.status()).isEqualTo(200);
        assertThat(stat.header("Content-Length")).isEqualTo(String.valueOf(whole.length));
    }

    @Test
    void cancelsAnUploadSession() {
        BlobUpload session = registry.startUpload("library/cancelled");
        String location = "/v2/library/cancelled/blobs/uploads/" + session.id().value();

        connection.send(head("DELETE", location, registry.authorization(PUSHER)));
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(204);

        connection.send(head("GET", location, registry.authorization(PUSHER)));
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(404);
    }

    private Response answer(String method) {
        return method.equals("HEAD") ? connection.responseToHead() : connection.response();
    }
}
