package dev.berth.http.route;

import dev.berth.core.upload.BlobUpload;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.SharedRegistryConnectionTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static dev.berth.http.testing.RegistryFixture.PUSHER;
import static dev.berth.http.testing.Requests.body;
import static dev.berth.http.testing.Requests.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * One connection's requests, one at a time: pipelined requests wait their turn without being read from the
 * socket, a refused request's body is drained before its answer, a broken head ends the connection, and a
 * connection that goes away lets go of what it held.
 */
class RegistryRequestHandlerTest extends SharedRegistryConnectionTest {
    @Test
    void answersPipelinedRequestsInOrderWhenLaterWorkWouldFinishFirst() {
        connection.send(get("/v2/", PUSHER) + get("/v2/_catalog", PUSHER) + head("GET", "/v2/", null));

        assertThat(pool.queued()).as("only the first request is being served").isEqualTo(1);
        while (connection.runNewestBlockingTask()) {
            // a pool of many threads may finish the work queued last first
        }

        assertThat(connection.responses()).extracting(Response::status).containsExactly(200, 200, 401);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void readsNoFurtherRequestWhileOneAwaitsItsAnswer() {
        connection.send(get("/v2/", PUSHER));
        connection.send(get("/v2/_catalog", PUSHER));

        assertThat(connection.unread()).as("the second request is left on the wire").isPositive();
        assertThat(connection.wantsToRead()).isFalse();

        connection.runBlockingTask();

        assertThat(connection.responses()).extracting(Response::status).containsExactly(200);
        assertThat(connection.unread()).isZero();
        connection.runBlocking();
        assertThat(connection.responses()).extracting(Response::status).containsExactly(200);
    }

    @Test
    void servesARequestPipelinedBehindAnUploadOnlyOnceTheUploadIsAnswered() {
        BlobUpload session = registry.startUpload("library/pipelined");
        String location = "/v2/library/pipelined/blobs/uploads/" + session.id().value();
        connection.send(head("PATCH", location, registry.authorization(PUSHER), "Content-Length: 1024")
                + new String(body(1024), StandardCharsets.ISO_8859_1) + get(location, PUSHER));

        while (connection.runNewestBlockingTask()) {
            // a pool of many threads may finish the work queued last first
        }

        assertThat(connection.responses()).extracting(Response::status, response -> response.header("Range"))
                .containsExactly(tuple(202, "0-1023"), tuple(204, "0-1023"));
    }

    @Test
    void releasesPipelinedRequestsItHadNotStartedWhenTheClientGoesAway() {
        connection.send(get("/v2/", PUSHER) + head("PUT", "/v2/library/app/manifests/latest", registry.authorization(PUSHER),
                "Content-Length: 1000") + "x".repeat(1000));

        connection.disconnect();
        connection.runBlocking();

        assertThat(connection.responses()).isEmpty();
        assertThat(connection.unreleasedBuffers()).isEmpty();
    }

    @Test
    void drainsTheBodyOfARequestNoEndpointTakesBeforeAnsweringAndKeepsTheConnection() {
        connection.send(head("POST", "/v2/library/app/tags/list", registry.authorization(PUSHER), "Content-Length: 100")
                + "x".repeat(60));
        connection.runBlocking();

        assertThat(connection.responses()).as("answered once the body has been read").isEmpty();

        connection.send("x".repeat(40));
        connection.runBlocking();

        Response refused = connection.response();
        assertThat(refused.status()).isEqualTo(405);
        assertThat(refused.closesConnection()).isFalse();
        connection.send(get("/v2/", PUSHER));
        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(200);
    }

    @Test
    void answersARouteThatFailsUnexpectedly500AndClosesTheConnection() {
        EmbeddedConnection failing = new EmbeddedConnection(request -> {
            throw new IllegalStateException("a bug in routing");
        }, pool);
        try {
            failing.send(head("PUT", "/v2/library/app/manifests/latest", null, "Content-Length: 10") + "0123456789");
            failing.runBlocking();

            Response answer = failing.response();
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).doesNotContain("a bug in routing");
            assertThat(failing.isOpen()).isFalse();
        } finally {
            failing.close();
        }
    }

    @Test
    void answersAHeadTheDecoderCannotRead400AndCloses() {
        connection.send("GET /v2/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: registry\r\n\r\n" + get("/v2/", PUSHER));
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void closesTheConnectionOnAnErrorAndLetsTheExchangeInProgressGoOfItsSession() throws Exception {
        BlobUpload session = registry.startUpload("library/app");
        connection.send(head("PATCH", "/v2/library/app/blobs/uploads/" + session.id().value(), registry.authorization(PUSHER),
                "Content-Length: 100000") + "x".repeat(1000));
        connection.runBlocking();

        connection.channel().pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        connection.runBlocking();

        assertThat(connection.isOpen()).isFalse();
        assertThat(registry.registry.upload(session.repository(), session.id().value()).tryAcquire()).isTrue();
    }

    private String get(String uri, String user) {
        return head("GET", uri, registry.authorization(user));
    }
}
