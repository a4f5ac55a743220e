package dev.berth.management.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.user.Access;
import dev.berth.core.user.CreatedUser;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import dev.berth.management.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UserViewTest {
    private static final Instant NOW = Instant.parse("2026-05-30T22:00:00Z");

    @Test
    void tellsStatusFromEnabledAndExpiry() {
        assertThat(UserView.status(user(true, NOW.plusSeconds(1)), NOW)).isEqualTo("enabled");
        assertThat(UserView.status(user(true, null), NOW)).isEqualTo("enabled");
        assertThat(UserView.status(user(true, NOW), NOW)).isEqualTo("expired");
        assertThat(UserView.status(user(false, NOW.minusSeconds(1)), NOW)).isEqualTo("disabled");
    }

    @Test
    void writesTheUserObjectWithoutASecret() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Json.write(UserView.of(user(true, null), NOW)));
        assertThat(json.has("secret")).isFalse();
        assertThat(json.path("expires_at").isNull()).isTrue();
        assertThat(json.path("duration_days").asInt()).isEqualTo(-1);
        assertThat(json.path("permissions").get(0).toString()).isEqualTo("{\"registry\":\"acme\",\"access\":\"push\"}");
        assertThat(json.path("created_at").asText()).isEqualTo("2026-05-30T21:00:00Z");
        List<String> fields = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "name", "description", "status", "duration_days", "expires_at", "created_at",
                "updated_at", "permissions");
    }

    @Test
    void writesTheSecretOnlyWhenGiven() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Json.write(UserView.withSecret(new CreatedUser(user(true, null), "s3cr3t"), NOW)));
        assertThat(json.path("secret").asText()).isEqualTo("s3cr3t");
    }

    private static User user(boolean enabled, Instant expiresAt) {
        Instant created = NOW.minusSeconds(3600);
        return new User("u-01", "ci-bot", null, enabled, expiresAt == null ? -1 : 30, expiresAt, created, created,
                List.of(new Permission("acme", Access.PUSH)), "sha256$x$y");
    }
}
