package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.testing.BlockingPool;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.ParanoidLeakDetection;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An aggregated route checks the caller from the request's head before it reads the body: a refused request
 * gets no {@code 100 Continue} and its body is never buffered; a body over the cap is refused before it is read,
 * or cut off as it passes the cap; and whatever was buffered is let go when the request ends early. Every test
 * fails on a buffer the connection never released ({@link EmbeddedConnection#close()}).
 */
@ExtendWith(ParanoidLeakDetection.class)
class AggregatingExchangeTest {
    private static final int CAP = 16;

    private final BlockingPool pool = new BlockingPool();
    private final List<String> bodiesHandled = new ArrayList<>();
    private int checks;
    private final EmbeddedConnection connection = new EmbeddedConnection(request -> new AggregatingExchange(request,
            new OciAdmission(this::letIn), this::handle, pool, CAP), pool);

    private void letIn(RequestContext request) {
        checks++;
        if (!"letmein".equals(request.request().headers().get("Authorization"))) {
            throw new RegistryException(OciErrorCode.UNAUTHORIZED, "authentication required");
        }
    }

    private void handle(RequestContext request) {
        bodiesHandled.add(new String(request.body(), StandardCharsets.UTF_8));
        request.respond(Responses.empty(HttpResponseStatus.CREATED));
    }

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void refusesAnUnauthenticatedRequestWithoutContinueAndClosesRatherThanReadItsBody() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        assertThat(connection.responses()).isEmpty();

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(bodiesHandled).isEmpty();
    }

    @Test
    void continuesAndReadsTheBodyOnceTheCallerIsLetIn() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        assertThat(connection.responses()).isEmpty();

        connection.runBlocking();
        assertThat(connection.response().status()).isEqualTo(100);
        connection.send("0123456789");
        connection.runBlocking();

        assertThat(connection.response().status()).isEqualTo(201);
        assertThat(bodiesHandled).containsExactly("0123456789");
    }

    @Test
    void readsNothingOfTheBodyWhileTheCallerIsChecked() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nContent-Length: 10\r\n\r\n");
        connection.send("0123456789");

        assertThat(connection.unread()).isEqualTo(10);
        assertThat(connection.wantsToRead()).isFalse();

        connection.runBlocking();

        assertThat(connection.unread()).isZero();
        assertThat(connection.response().status()).isEqualTo(201);
        assertThat(bodiesHandled).containsExactly("0123456789");
    }

    @Test
    void dropsTheBodyOfARefusedRequestAndKeepsTheConnectionWhenTheBodyIsSmallAndOnItsWay() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nContent-Length: 10\r\n\r\n01234");
        connection.runBlocking();
        Response refused = connection.response();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.closesConnection()).isFalse();
        connection.send("56789");

        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nContent-Length: 2\r\n\r\nok");
        connection.runBlocking();

        assertThat(connection.response().status()).isEqualTo(201);
        assertThat(bodiesHandled).containsExactly("ok");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void refusesADeclaredLengthOverTheCapBeforeReadingOrCheckingAnything() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n");

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(checks).isZero();
        assertThat(pool.queued()).isZero();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void cutsOffAChunkedBodyThatGrowsPastTheCapAndLetsGoOfWhatItHeld() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nTransfer-Encoding: chunked\r\n\r\n");
        connection.runBlocking();
        connection.send("a\r\n0123456789\r\n");
        assertThat(connection.responses()).isEmpty();

        connection.send("a\r\n0123456789\r\n");

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(bodiesHandled).isEmpty();
        assertThat(connection.unreleasedBuffers()).isEmpty();
    }

    @Test
    void letsGoOfAPartBodyWhenTheClientGoesAway() {
        connection.send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nContent-Length: 10\r\n\r\n");
        connection.runBlocking();
        connection.send("01234");

        connection.disconnect();
        connection.runBlocking();

        assertThat(bodiesHandled).isEmpty();
        assertThat(connection.responses()).isEmpty();
        assertThat(connection.unreleasedBuffers()).isEmpty();
    }

    @Test
    void checksARequestWithoutABodyTogetherWithItsHandling() {
        connection.send("GET /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(pool.queued()).isEqualTo(1);

        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.closesConnection()).isFalse();
        assertThat(checks).isEqualTo(1);
        assertThat(connection.isOpen()).isTrue();
    }
}
