package dev.berth.http.web;

import dev.berth.http.testing.BlockingPool;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.ParanoidLeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation page as the server's pipeline answers it: our own page and initializer (no inline script,
 * pointing at the served OpenAPI document), Swagger UI's bundle and CSS from the webjar, every reference a
 * same-origin relative one that the page's policy allows; {@code HEAD} without a body; a request with a body refused.
 */
@ExtendWith(ParanoidLeakDetection.class)
class ApiDocsTest {
    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\b(?:src|href)=\"([^\"]*)\"");

    private final StaticAssetHandler docs = ApiDocs.handler();
    private final BlockingPool pool = new BlockingPool();
    private final EmbeddedConnection connection = new EmbeddedConnection(request -> docs.open(request, pool), pool);

    @AfterEach
    void close() {
        connection.close();
    }

    private Response get(String path) {
        connection.send("GET " + path + " HTTP/1.1\r\nHost: r\r\n\r\n");
        connection.runBlocking();
        return connection.response();
    }

    @Test
    void servesOurPageWhoseScriptsAreSameOriginFilesOnly() {
        Response page = get("/api/v1/docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Berth management API</title>").doesNotContain("petstore");
        Matcher script = SCRIPT.matcher(page.body());
        int scripts = 0;
        while (script.find()) {
            scripts++;
            assertThat(script.group(1)).contains("src=\"");
            assertThat(script.group(2)).as("an inline script").isBlank();
        }
        assertThat(scripts).isEqualTo(2);
        Matcher reference = REFERENCE.matcher(page.body());
        while (reference.find()) {
            String target = reference.group(1);
            assertThat(target).as("a same-origin relative reference").doesNotContain(":").doesNotStartWith("/");
            Response file = get("/api/v1/docs/" + target);
            assertThat(file.status()).as(target).isEqualTo(200);
        }
    }

    @Test
    void pointsSwaggerUiAtTheServedOpenApiDocument() {
        Response initializer = get("/api/v1/docs/swagger-initializer.js");
        assertThat(initializer.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
        // relative to /api/v1/docs/: /api/v1/openapi.json
        assertThat(initializer.body()).contains("url: \"../openapi.json\"").doesNotContain("petstore");
    }

    @Test
    void servesSwaggerUisOwnFilesFromTheWebjar() {
        Response bundle = get("/api/v1/docs/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(get("/api/v1/docs/swagger-ui.css").header("content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(get("/api/v1/docs/favicon-32x32.png").header("content-type")).isEqualTo("image/png");
    }

    @Test
    void answersHeadWithTheLengthAndNoBody() {
        connection.send("HEAD /api/v1/docs/swagger-ui.css HTTP/1.1\r\nHost: r\r\n\r\n");
        connection.runBlocking();
        Response head = connection.responseToHead();
        assertThat(head.status()).isEqualTo(200);
        assertThat(Integer.parseInt(head.header("content-length"))).isGreaterThan(100_000);
        assertThat(connection.responses()).as("nothing after the head").isEmpty();
        assertThat(get("/api/v1/docs/").status()).as("the connection goes on").isEqualTo(200);
    }

    @Test
    void refusesARequestWithABody413InTheManagementFormat() {
        connection.send("GET /api/v1/docs/ HTTP/1.1\r\nHost: r\r\nContent-Length: 3\r\n\r\nabc");
        connection.runBlocking();
        Response refused = connection.response();
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.body()).contains("\"error\"").contains("PAYLOAD_TOO_LARGE");
        assertThat(refused.header("content-security-policy")).isEqualTo(ApiDocs.CONTENT_SECURITY_POLICY);
    }

    @Test
    void itsPolicyAllowsScriptsFromThisServerOnlyAndNoFrames() {
        List<String> directives = List.of(ApiDocs.CONTENT_SECURITY_POLICY.split("; "));
        assertThat(directives).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                "frame-ancestors 'none'", "base-uri 'none'");
        assertThat(ApiDocs.CONTENT_SECURITY_POLICY).doesNotContain("unsafe-eval").doesNotContain("unsafe-inline");
        Response page = get("/api/v1/docs/");
        assertThat(page.header("content-security-policy")).isEqualTo(ApiDocs.CONTENT_SECURITY_POLICY);
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
    }
}
