package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong admin tokens beyond the per-address limit (10 a minute by default) are answered 429 with
 * {@code Retry-After}, on /v2 and on the management API, without locking out valid users from the same
 * address; the failures show in {@code /metrics}.
 */
class FailedLoginThrottleTest {
    private static final int LIMIT = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The server's default limit, set again over the lenient one that the other tests' servers get. */
    @RegisterExtension
    final RegistryExtension registry = RegistryExtension.perMethodWithOptions("--auth-failures-per-address",
            Integer.toString(LIMIT));

    @Test
    void answersWrongAdminLoginsBeyondTheLimitTooManyRequestsAndKeepsValidUsersWorking() throws IOException {
        ManagementClient admin = registry.management();
        JsonNode user = admin.newUser("bot", admin.newRegistry("throttle"), "pull");
        RegistryClient wrongAdmin = registry.process().client("admin", "not-the-admin-token");
        for (int i = 0; i < LIMIT; i++) {
            assertThat(wrongAdmin.ping().statusCode()).as("wrong login %d", i + 1).isEqualTo(401);
        }

        HttpResponse<byte[]> throttled = wrongAdmin.ping();
        HttpResponse<byte[]> throttledBearer = registry.process().management("Bearer not-the-admin-token").get("/registries");

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(retryAfter(throttled)).isBetween(1L, 60L);
        assertThat(JSON.readTree(throttled.body()).at("/errors/0/code").asText()).isEqualTo("TOOMANYREQUESTS");
        assertThat(throttledBearer.statusCode()).isEqualTo(429);
        assertThat(retryAfter(throttledBearer)).isBetween(1L, 60L);
        assertThat(JSON.readTree(throttledBearer.body()).at("/error/code").asText()).isEqualTo("TOO_MANY_REQUESTS");

        RegistryClient bot = registry.process().client(user.get("name").asText(), user.get("secret").asText());
        assertThat(bot.ping().statusCode()).as("a robot with its secret, same address").isEqualTo(200);
        assertThat(registry.client().ping().statusCode()).as("the admin, verified before").isEqualTo(200);
        assertThat(admin.get("/registries").statusCode()).as("the admin's bearer token, verified before").isEqualTo(200);

        String metrics = new String(registry.process().anonymousClient().get("/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics)
                .contains("berth_auth_failures_total{api=\"v2\",reason=\"wrong_admin_token\"} " + LIMIT + ".0")
                .contains("berth_auth_throttled_total{api=\"v2\",reason=\"address\"} 1.0")
                .contains("berth_auth_throttled_total{api=\"management\",reason=\"address\"} 1.0");
    }

    private static long retryAfter(HttpResponse<byte[]> response) {
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }
}
