package dev.berth.management;

import dev.berth.management.ApiFixture.Response;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's sign-in, its session cookie as the API's credential, CSRF protection, and sign-out. */
class ConsoleSessionApiTest {
    @TempDir
    Path dir;
    ApiFixture berth;

    @BeforeEach
    void open() throws Exception {
        berth = ApiFixture.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        berth.close();
    }

    private Response anonymous(String method, String uri, String body, String... headers) {
        HttpHeaders h = new DefaultHttpHeaders().set(HttpHeaderNames.HOST, ApiFixture.HOST);
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return berth.send(method, uri, h, body == null ? null : body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private record Session(String cookie, String csrf) {
    }

    private Session signIn() {
        Response signedIn = anonymous("POST", "/api/v1/session", "{'token':'" + ApiFixture.TOKEN + "'}");
        assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(201);
        String setCookie = signedIn.headers().get(HttpHeaderNames.SET_COOKIE);
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), signedIn.json().path("csrf_token").asText());
    }

    @Test
    void signsInWithTheAdminTokenAndSetsAStrictHttpOnlyCookieOnTheApiOnly() {
        Response signedIn = anonymous("POST", "/api/v1/session", "{'token':'" + ApiFixture.TOKEN + "'}");

        assertThat(signedIn.status()).isEqualTo(201);
        String setCookie = signedIn.headers().get(HttpHeaderNames.SET_COOKIE);
        assertThat(setCookie).startsWith("berth_session=").containsIgnoringCase("; Max-Age=43200")
                .containsIgnoringCase("; Path=/api/v1").containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Strict")
                .doesNotContainIgnoringCase("Secure");
        assertThat(Instant.parse(signedIn.json().path("expires_at").asText())).isAfter(Instant.now().plusSeconds(11 * 3600));
        assertThat(signedIn.json().path("csrf_token").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(signedIn.json().path("signed_in").asBoolean()).isTrue();
        assertThat(signedIn.text()).doesNotContain(setCookie.substring("berth_session=".length(), setCookie.indexOf(';')));
        assertThat(signedIn.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    }

    @Test
    void marksTheCookieSecureOverTls() {
        HttpHeaders h = new DefaultHttpHeaders().set(HttpHeaderNames.HOST, ApiFixture.HOST);
        var response = berth.api.handle(new ManagementRequest(HttpMethod.POST, "/api/v1/session", h,
                ("{\"token\":\"" + ApiFixture.TOKEN + "\"}").getBytes(StandardCharsets.UTF_8), TestAdminLogin.ADDRESS, true));
        try {
            assertThat(response.headers().get(HttpHeaderNames.SET_COOKIE)).containsIgnoringCase("; Secure");
        } finally {
            response.release();
        }
    }

    @Test
    void refusesAWrongOrMissingToken() {
        Response wrong = anonymous("POST", "/api/v1/session", "{'token':'wrong'}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().get(HttpHeaderNames.SET_COOKIE)).isNull();
        assertThat(anonymous("POST", "/api/v1/session", "{}").status()).isEqualTo(422);
        assertThat(anonymous("POST", "/api/v1/session", "{'token':'x','user':'admin'}").status()).isEqualTo(400);
    }

    @Test
    void theCookieIsTheAdminsCredentialForReads() {
        Session session = signIn();

        assertThat(anonymous("GET", "/api/v1/registries", null, "Cookie", session.cookie()).status()).isEqualTo(200);
        Response current = anonymous("GET", "/api/v1/session", null, "Cookie", session.cookie());
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.json().path("signed_in").asBoolean()).isTrue();
        assertThat(current.json().path("csrf_token").asText()).isEqualTo(session.csrf());
        assertThat(anonymous("GET", "/api/v1/registries", null, "Cookie", "berth_session=forged").status()).isEqualTo(401);
        assertThat(anonymous("GET", "/api/v1/registries", null).status()).isEqualTo(401);
    }

    @Test
    void aChangeUnderASessionNeedsItsCsrfToken() {
        Session session = signIn();

        Response without = anonymous("POST", "/api/v1/registries", "{'name':'acme'}", "Cookie", session.cookie());
        assertThat(without.status()).isEqualTo(403);
        assertThat(without.json().path("error").path("code").asText()).isEqualTo("CSRF_TOKEN_INVALID");
        assertThat(anonymous("POST", "/api/v1/registries", "{'name':'acme'}", "Cookie", session.cookie(),
                "X-CSRF-Token", "guess").status()).isEqualTo(403);
        assertThat(berth.call("GET", "/api/v1/registries/acme").status()).as("nothing was created").isEqualTo(404);
        assertThat(anonymous("POST", "/api/v1/registries", "{'name':'acme'}", "Cookie", session.cookie(),
                "X-CSRF-Token", session.csrf()).status()).isEqualTo(201);
    }

    @Test
    void aCsrfTokenOfAnotherSessionDoesNotDo() {
        Session mine = signIn();
        Session other = signIn();

        assertThat(anonymous("DELETE", "/api/v1/registries/library", null, "Cookie", mine.cookie(),
                "X-CSRF-Token", other.csrf()).status()).isEqualTo(403);
    }

    @Test
    void signOutEndsTheSessionAndClearsTheCookie() {
        Session session = signIn();

        Response out = anonymous("DELETE", "/api/v1/session", null, "Cookie", session.cookie(), "X-CSRF-Token", session.csrf());
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.headers().get(HttpHeaderNames.SET_COOKIE)).startsWith("berth_session=;").containsIgnoringCase("Max-Age=0");
        assertThat(anonymous("GET", "/api/v1/registries", null, "Cookie", session.cookie()).status()).isEqualTo(401);
    }

    @Test
    void askingForTheSessionWithoutOneAnswersSignedOutNotAnError() {
        for (Response none : new Response[] {anonymous("GET", "/api/v1/session", null),
                anonymous("GET", "/api/v1/session", null, "Cookie", "berth_session=forged"), berth.call("GET", "/api/v1/session")}) {
            assertThat(none.status()).isEqualTo(200);
            assertThat(none.json().path("signed_in").asBoolean()).isFalse();
            assertThat(none.json().path("csrf_token").isNull()).isTrue();
            assertThat(none.json().path("expires_at").isNull()).isTrue();
        }
    }

    @Test
    void aBearerCallNeedsNoCsrfToken() {
        assertThat(berth.call("POST", "/api/v1/registries", "{'name':'acme'}").status()).isEqualTo(201);
        assertThat(berth.call("DELETE", "/api/v1/session").status()).isEqualTo(204);
    }
}
