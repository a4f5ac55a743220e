package dev.berth.management;

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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every call but the OpenAPI document needs the admin bearer token; refusals say nothing about the paths. */
class ManagementApiAuthTest {
    private static final String TOKEN = "right-token";
    private final AtomicInteger checks = new AtomicInteger();
    private final ManagementApi api = new ManagementApi(null, null, null, token -> {
        checks.incrementAndGet();
        return TOKEN.equals(token);
    });

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer ", "Bearer wrong-token", "Basic YWRtaW46cmlnaHQtdG9rZW4=", "right-token", "Bearerright-token"})
    void refusesMissingOrWrongTokens(String authorization) throws Exception {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!authorization.isEmpty()) {
            headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/registries", headers, null));
        assertUnauthorized(response);
    }

    @Test
    void refusesWithoutATokenBeforeTellingWhetherAPathExists() throws Exception {
        assertUnauthorized(api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/no-such-thing", new DefaultHttpHeaders(), null)));
        assertUnauthorized(api.handle(new ManagementRequest(HttpMethod.PUT, "/api/v1/registries", new DefaultHttpHeaders(), null)));
    }

    @Test
    void refusesFromTheHeadAloneBeforeAnyBodyIsRead() throws Exception {
        assertUnauthorized(api.refusal(HttpMethod.POST, "/api/v1/registries", new DefaultHttpHeaders()));
        assertUnauthorized(api.refusal(HttpMethod.POST, "/api/v1/no-such-thing", new DefaultHttpHeaders()));

        HttpHeaders admin = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertThat(api.refusal(HttpMethod.POST, "/api/v1/registries", admin)).isNull();
        assertThat(api.refusal(HttpMethod.GET, "/api/v1/openapi.json", new DefaultHttpHeaders())).isNull();
        FullHttpResponse unknown = api.refusal(HttpMethod.POST, "/api/v1/no-such-thing", admin);
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
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/no-such-thing", headers, null));
        assertThat(response.status().code()).isEqualTo(404);
        response.release();
    }

    @Test
    void servesTheOpenApiDocumentWithoutAToken() throws Exception {
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/openapi.json", new DefaultHttpHeaders(), null));
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(response.content().readableBytes());
        JsonNode document = new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
        assertThat(document.path("openapi").asText()).startsWith("3.0");
        assertThat(checks).hasValue(0);
        response.release();
    }

    @Test
    void neverThrowsEvenWhenTheVerifierFails() throws Exception {
        ManagementApi broken = new ManagementApi(null, null, null, token -> {
            throw new IllegalStateException("hash store unavailable");
        });
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer x");
        FullHttpResponse response = broken.handle(new ManagementRequest(HttpMethod.GET, "/api/v1/registries", headers, null));
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
