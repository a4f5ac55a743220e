package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Assertions on the management API's answers: the error body {@code {"error": {"code", "message"}}}, RFC 3339
 * UTC timestamps, snake_case field names, list envelopes and the shapes of registry, repository, artifact,
 * user and history event objects as {@code management-api.md} shows them.
 */
public final class ManagementAssertions {

    /** RFC 3339 in UTC ("Z"), e.g. {@code 2026-05-30T22:00:00Z}; fractional seconds allowed. */
    private static final Pattern RFC3339_UTC =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");

    private ManagementAssertions() {
    }

    // ------------------------------------------------------------------------------------------ errors

    /**
     * Status must be {@code status} and the body {@code {"error": {"code": "UPPER_SNAKE", "message": "..."}}}, with
     * no stack trace. Returns the code.
     */
    public static String assertApiError(HttpResponse<byte[]> r, int... status) {
        assertStatus(r, status);
        byte[] body = r.body();
        if (body == null || body.length == 0) {
            fail("expected a JSON error body {\"error\":{\"code\",\"message\"}} but the body is empty:\n" + describe(r));
        }
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).as("error body must not carry a stack trace:\n%s", describe(r))
                .doesNotContain("\tat ").doesNotContainPattern("Exception(:|\\s+at\\s)");
        JsonNode root = json(r);
        JsonNode error = root.get("error");
        if (error == null || !error.isObject()) {
            fail("error body lacks an \"error\" object:\n" + describe(r));
        }
        JsonNode code = error.get("code");
        JsonNode message = error.get("message");
        if (code == null || !code.isTextual() || !UPPER_SNAKE.matcher(code.asText()).matches()) {
            fail("\"error.code\" must be an UPPER_SNAKE string in:\n" + describe(r));
        }
        if (message == null || !message.isTextual() || message.asText().isBlank()) {
            fail("\"error.message\" must be a non-empty string in:\n" + describe(r));
        }
        return code.asText();
    }

    // ------------------------------------------------------------------------------------------ values

    public static Instant assertTimestamp(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v).as("field \"%s\" in %s", field, obj).isNotNull();
        assertThat(v.isTextual()).as("\"%s\" must be an RFC 3339 string in %s", field, obj).isTrue();
        assertThat(v.asText()).as("\"%s\" must be RFC 3339 UTC like 2026-05-30T22:00:00Z in %s", field, obj)
                .matches(RFC3339_UTC);
        return Instant.parse(v.asText());
    }

    /** The field must be present and be either JSON null or an RFC 3339 UTC timestamp; null gives null. */
    public static Instant assertNullableTimestamp(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v).as("field \"%s\" must be present (null or a timestamp) in %s", field, obj).isNotNull();
        return v.isNull() ? null : assertTimestamp(obj, field);
    }

    public static void assertText(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v != null && v.isTextual()).as("\"%s\" must be a string in %s", field, obj).isTrue();
    }

    public static void assertInteger(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v != null && v.isIntegralNumber()).as("\"%s\" must be an integer in %s", field, obj).isTrue();
    }

    public static void assertNullableInteger(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v != null && (v.isNull() || v.isIntegralNumber()))
                .as("\"%s\" must be present, an integer or null, in %s", field, obj).isTrue();
    }

    public static void assertBoolean(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v != null && v.isBoolean()).as("\"%s\" must be a boolean in %s", field, obj).isTrue();
    }

    public static void assertArray(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        assertThat(v != null && v.isArray()).as("\"%s\" must be an array in %s", field, obj).isTrue();
    }

    /** Every field name, at every depth, is snake_case. */
    public static void assertSnakeCase(JsonNode n) {
        if (n.isObject()) {
            Iterator<String> names = n.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                assertThat(k).as("field name must be snake_case in %s", n).matches(SNAKE_CASE);
                assertSnakeCase(n.get(k));
            }
        } else if (n.isArray()) {
            n.forEach(ManagementAssertions::assertSnakeCase);
        }
    }

    // ------------------------------------------------------------------------------------------ lists

    /** {@code {"count": TOTAL, "results": [...]}} with 200; returns the body. */
    public static JsonNode assertList(HttpResponse<byte[]> r) {
        assertStatus(r, 200);
        JsonNode body = json(r);
        assertInteger(body, "count");
        assertArray(body, "results");
        assertThat(body.get("count").asLong()).as("count is the total, at least the page's results:\n%s",
                describe(r)).isGreaterThanOrEqualTo(body.get("results").size());
        return body;
    }

    /** The values of {@code field} over the list's results. */
    public static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.get("results").forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    /** {@code {"deleted": [...], "failed": [...]}} with 200; returns the body. */
    public static JsonNode assertGroupResult(HttpResponse<byte[]> r) {
        assertStatus(r, 200);
        JsonNode body = json(r);
        assertArray(body, "deleted");
        assertArray(body, "failed");
        assertSnakeCase(body);
        return body;
    }

    // ------------------------------------------------------------------------------------------ object shapes

    public static void assertRegistryShape(JsonNode reg) {
        assertText(reg, "name");
        assertBoolean(reg, "public");
        assertNullableInteger(reg, "storage_limit_bytes");
        assertNullableInteger(reg, "storage_limit_gib");
        assertInteger(reg, "storage_used_bytes");
        assertInteger(reg, "repo_count");
        assertText(reg, "url");
        assertThat(reg.get("url").asText()).as("url is HOST/<registry> in %s", reg)
                .endsWith("/" + reg.get("name").asText()).doesNotStartWith("http");
        assertTimestamp(reg, "created_at");
        assertTimestamp(reg, "updated_at");
        assertSnakeCase(reg);
    }

    public static void assertRepositoryShape(JsonNode repo) {
        assertText(repo, "name");
        assertInteger(repo, "artifact_count");
        assertInteger(repo, "pull_count");
        assertInteger(repo, "size_bytes");
        assertTimestamp(repo, "created_at");
        assertTimestamp(repo, "updated_at");
        assertSnakeCase(repo);
    }

    public static void assertArtifactShape(JsonNode a) {
        assertText(a, "digest");
        assertThat(a.get("digest").asText()).matches("sha256:[0-9a-f]{64}");
        assertText(a, "media_type");
        assertInteger(a, "size");
        assertInteger(a, "pull_count");
        assertTimestamp(a, "pushed_at");
        assertNullableTimestamp(a, "pulled_at");
        assertArray(a, "tags");
        for (JsonNode t : a.get("tags")) {
            assertText(t, "name");
            assertTimestamp(t, "pushed_at");
            assertNullableTimestamp(t, "pulled_at");
        }
        assertSnakeCase(a);
    }

    /** A user as the list and GET show it: never a {@code secret}. */
    public static void assertUserShape(JsonNode u) {
        assertUserFields(u);
        assertThat(u.has("secret")).as("a user must not show its secret outside create/refresh: %s", u).isFalse();
    }

    /** A user with its {@code secret} (create, refresh-secret): at least 32 characters. */
    public static void assertUserWithSecretShape(JsonNode u) {
        assertUserFields(u);
        assertText(u, "secret");
        assertThat(u.get("secret").asText()).as("secret of %s", u).hasSizeGreaterThanOrEqualTo(32);
    }

    private static void assertUserFields(JsonNode u) {
        assertText(u, "id");
        assertText(u, "name");
        assertText(u, "description");
        assertText(u, "status");
        assertThat(u.get("status").asText()).isIn("enabled", "disabled", "expired");
        assertInteger(u, "duration_days");
        assertNullableTimestamp(u, "expires_at");
        assertTimestamp(u, "created_at");
        assertTimestamp(u, "updated_at");
        assertArray(u, "permissions");
        for (JsonNode p : u.get("permissions")) {
            assertText(p, "registry");
            assertText(p, "access");
            assertThat(p.get("access").asText()).isIn("pull", "push");
        }
        assertSnakeCase(u);
    }

    /**
     * A garbage collection run: id, state, flags, times and counts; {@code finished_at} null exactly while it runs,
     * {@code error} a message exactly when it failed.
     */
    public static void assertGcRunShape(JsonNode run) {
        assertText(run, "id");
        assertText(run, "state");
        String state = run.get("state").asText();
        assertThat(state).isIn("running", "done", "failed");
        assertBoolean(run, "dry_run");
        assertBoolean(run, "untagged");
        Instant started = assertTimestamp(run, "started_at");
        Instant finished = assertNullableTimestamp(run, "finished_at");
        assertThat(finished == null).as("finished_at is null exactly while the run goes on: %s", run)
                .isEqualTo(state.equals("running"));
        if (finished != null) {
            assertThat(finished).as("finished_at of %s", run).isAfterOrEqualTo(started);
        }
        for (String count : List.of("blobs_deleted", "bytes_freed", "manifests_deleted", "uploads_deleted")) {
            assertInteger(run, count);
            assertThat(run.get(count).asLong()).as("%s of %s", count, run).isNotNegative();
        }
        assertThat(run.has("error")).as("a run has \"error\" (null unless it failed): %s", run).isTrue();
        if (state.equals("failed")) {
            assertText(run, "error");
        } else {
            assertThat(run.get("error").isNull()).as("error of a run that did not fail: %s", run).isTrue();
        }
        assertSnakeCase(run);
    }

    public static void assertEventShape(JsonNode e) {
        assertTimestamp(e, "time");
        assertText(e, "action");
        assertThat(e.get("action").asText()).isIn("push", "pull", "delete");
        for (String f : List.of("repository", "reference", "digest", "actor")) {
            assertThat(e.has(f)).as("history event must have \"%s\": %s", f, e).isTrue();
        }
        assertThat(e.has("bytes")).as("history event must have \"bytes\": %s", e).isTrue();
        assertSnakeCase(e);
    }
}
