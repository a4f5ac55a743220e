package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in on the real server: the cookie it sets is the admin's credential on /api/v1 (and
 * nowhere else), changes under it need the session's CSRF token, the session outlives a restart (it is stored
 * with the metadata), and sign-out ends it.
 */
class ConsoleSessionTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private record Session(String cookie, String csrf) {
    }

    private static RegistryClient anonymous() {
        return registry.process().anonymousClient();
    }

    private static Session signIn() {
        HttpResponse<byte[]> answer = anonymous().send("POST", "/api/v1/session",
                BodyPublishers.ofString("{\"token\":\"" + registry.process().adminToken() + "\"}", StandardCharsets.UTF_8),
                "Content-Type", "application/json");
        assertStatus(answer, 201);
        String setCookie = answer.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie.toLowerCase()).contains("httponly", "samesite=strict", "path=/api/v1").doesNotContain("secure");
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), json(answer).get("csrf_token").asText());
    }

    private static HttpResponse<byte[]> call(Session session, String method, String path, String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "Cookie";
        all[1] = session.cookie();
        all[2] = "Content-Type";
        all[3] = "application/json";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return anonymous().send(method, "/api/v1" + path,
                body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body, StandardCharsets.UTF_8), all);
    }

    @Test
    void theSessionCookieCallsTheApiAndChangesNeedItsCsrfToken() {
        Session session = signIn();
        String name = ManagementClient.uniqueName("cookie");

        assertStatus(call(session, "GET", "/registries", null), 200);
        HttpResponse<byte[]> forged = call(session, "POST", "/registries", "{\"name\":\"" + name + "\"}");
        assertStatus(forged, 403);
        assertThat(json(forged).get("error").get("code").asText()).isEqualTo("CSRF_TOKEN_INVALID");
        assertStatus(call(session, "POST", "/registries", "{\"name\":\"" + name + "\"}", "X-CSRF-Token", session.csrf()), 201);
        JsonNode current = json(call(session, "GET", "/session", null));
        assertThat(current.get("csrf_token").asText()).isEqualTo(session.csrf());
    }

    @Test
    void theCookieIsNoCredentialOnTheOciApi() {
        Session session = signIn();

        HttpResponse<byte[]> v2 = anonymous().send("GET", "/v2/", BodyPublishers.noBody(), "Cookie", session.cookie());
        assertStatus(v2, 401);
    }

    @Test
    void aWrongTokenOpensNoSession() {
        HttpResponse<byte[]> answer = anonymous().send("POST", "/api/v1/session",
                BodyPublishers.ofString("{\"token\":\"not-the-token\"}", StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertStatus(answer, 401);
        assertThat(answer.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void aSessionOutlivesARestartAndEndsAtSignOut() {
        Session session = signIn();

        registry.restart();
        assertStatus(call(session, "GET", "/registries", null), 200);
        HttpResponse<byte[]> out = call(session, "DELETE", "/session", null, "X-CSRF-Token", session.csrf());
        assertStatus(out, 204);
        assertThat(out.headers().firstValue("set-cookie").orElseThrow().toLowerCase()).contains("max-age=0");
        assertStatus(call(session, "GET", "/registries", null), 401);
        HttpResponse<byte[]> after = call(session, "GET", "/session", null);
        assertStatus(after, 200);
        assertThat(json(after).get("signed_in").asBoolean()).as("the page is told to sign in, not answered an error").isFalse();
    }
}
