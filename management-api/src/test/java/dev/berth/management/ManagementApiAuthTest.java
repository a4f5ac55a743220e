package dev.berth.management;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every call but the OpenAPI document needs the admin bearer token; refusals say nothing about the paths. */
class ManagementApiAuthTest {
    private static final String TOKEN = "right-token";
    private final AtomicInteger checks = new AtomicInteger();
    private final MutableClock clock = MutableClock.atSomeDay();
    private final AdminLogin login = TestAdminLogin.of(token -> {
        checks.incrementAndGet();
        return TOKEN.equals(token);
    }, 3, clock);
    private final ManagementApi api = new ManagementApi(null, null, null, null, login, TestAdminLogin.sessions(login),
            ApiFixture.LOCAL);

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer ", "Bearer wrong-token", "Basic YWRtaW46cmlnaHQtdG9rZW4=", "right-token", "Bearerright-token"})
    void refusesMissingOrWrongTokens(String authorization) throws Exception {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!authorization.isEmpty()) {
            headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/registries", headers, null, TestAdminLogin.ADDRESS));
        assertUnauthorized(response);
    }

    @Test
    void refusesWithoutATokenBeforeTellingWhetherAPathExists() throws Exception {
        assertUnauthorized(api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/no-such-thing", new DefaultHttpHeaders(), null, TestAdminLogin.ADDRESS)));
        assertUnauthorized(api.handle(new ManagementRequest(HttpMethod.PUT, "/api/v1/registries", new DefaultHttpHeaders(), null, TestAdminLogin.ADDRESS)));
    }

    @Test
    void refusesFromTheHeadAloneBeforeAnyBodyIsRead() throws Exception {
        assertUnauthorized(api.refusal(HttpMethod.POST, "/api/v1/registries", new DefaultHttpHeaders(), "127.0.0.1"));
        assertUnauthorized(api.refusal(HttpMethod.POST, "/api/v1/no-such-thing", new DefaultHttpHeaders(), "127.0.0.1"));

        HttpHeaders admin = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertThat(api.refusal(HttpMethod.POST, "/api/v1/registries", admin, "127.0.0.1")).isNull();
        assertThat(api.refusal(HttpMethod.GET, "/api/v1/openapi.json", new DefaultHttpHeaders(), "127.0.0.1")).isNull();
        FullHttpResponse unknown = api.refusal(HttpMethod.POST, "/api/v1/no-such-thing", admin, "127.0.0.1");
        assertThat(unknown.status().code()).isEqualTo(404);
        unknown.release();
    }

    @Test
    void refusesAnOversizedBodyInItsOwnErrorFormat() throws Exception {
        FullHttpResponse response = ManagementApi.bodyTooLarge();
        try {
            assertThat(response.status().code()).isEqualTo(413);
            JsonNode body = new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
            assertThat(body.path("error").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        } finally {
            response.release();
        }
    }

    @Test
    void acceptsTheSchemeInAnyCase() {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "bearer " + TOKEN);
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/no-such-thing", headers, null, TestAdminLogin.ADDRESS));
        assertThat(response.status().code()).isEqualTo(404);
        response.release();
    }

    @Test
    void servesTheOpenApiDocumentWithoutAToken() throws Exception {
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/openapi.json", new DefaultHttpHeaders(), null, TestAdminLogin.ADDRESS));
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(response.content().readableBytes());
        JsonNode document = new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
        assertThat(document.path("openapi").asText()).startsWith("3.0");
        assertThat(checks).hasValue(0);
        response.release();
    }

    @Test
    void answersTooManyRequestsWithoutCheckingOnceAnAddressHasFailedItsLimit() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertUnauthorized(call("Bearer wrong-" + i, TestAdminLogin.ADDRESS));
        }
        clock.advance(Duration.ofSeconds(15));

        FullHttpResponse throttled = call("Bearer " + TOKEN, TestAdminLogin.ADDRESS);

        assertThat(throttled.status().code()).isEqualTo(429);
        assertThat(throttled.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("45");
        assertThat(new ObjectMapper().readTree(throttled.content().toString(StandardCharsets.UTF_8)).at("/error/code").asText())
                .isEqualTo("TOO_MANY_REQUESTS");
        throttled.release();
        assertThat(checks).hasValue(3);
        FullHttpResponse elsewhere = call("Bearer " + TOKEN, "198.51.100.7");
        assertThat(elsewhere.status().code()).isNotIn(401, 429);
        elsewhere.release();
    }

    private FullHttpResponse call(String authorization, String address) {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, authorization);
        return api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/no-such-thing", headers, null, address));
    }

    @Test
    void neverThrowsEvenWhenTheVerifierFails() throws Exception {
        AdminLogin failing = TestAdminLogin.of(token -> {
            throw new IllegalStateException("hash store unavailable");
        });
        ManagementApi broken = new ManagementApi(null, null, null, null, failing, TestAdminLogin.sessions(failing), ApiFixture.LOCAL);
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer x");
        FullHttpResponse response = broken.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/registries", headers, null, TestAdminLogin.ADDRESS));
        assertThat(response.status().code()).isEqualTo(500);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("INTERNAL_ERROR").doesNotContain("hash store");
        response.release();
    }

    private static void assertUnauthorized(FullHttpResponse response) throws Exception {
        try {
            assertThat(response.status().code()).isEqualTo(401);
            assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"berth\"");
            JsonNode body = new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
            assertThat(body.path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
        } finally {
            response.release();
        }
    }
}
