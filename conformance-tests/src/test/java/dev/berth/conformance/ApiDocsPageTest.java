package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API's documentation page, Swagger UI at {@code /api/v1/docs/}, on the real server: served to
 * anyone, its scripts same-origin files (no inline script, no CDN) that the page's Content-Security-Policy allows,
 * Swagger UI's bundle from the jar, the OpenAPI document it loads reachable without a token and offering the
 * bearer scheme that "Authorize" uses; {@code GET} and {@code HEAD} only; nothing outside its files reachable.
 */
class ApiDocsPageTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern SRC = Pattern.compile("\\bsrc=\"([^\"]*)\"");
    private static final Pattern REFERENCE = Pattern.compile("\\b(?:src|href)=\"([^\"]*)\"");

    private static RegistryClient anyone() {
        return registry.process().anonymousClient();
    }

    private static String text(HttpResponse<byte[]> answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static void assertSecured(HttpResponse<byte[]> answer) {
        String policy = answer.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(policy).as(describe(answer)).contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-eval").doesNotContain("unsafe-inline");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void servesThePageToAnyoneWithSameOriginScriptsOnly() {
        HttpResponse<byte[]> page = anyone().get("/api/v1/docs/");
        assertThat(page.statusCode()).as(describe(page)).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertSecured(page);
        String html = text(page);
        assertThat(html).contains("id=\"swagger-ui\"");

        List<String> scripts = new ArrayList<>();
        Matcher script = SCRIPT.matcher(html);
        while (script.find()) {
            assertThat(script.group(2)).as("inline script").isBlank();
            Matcher src = SRC.matcher(script.group(1));
            assertThat(src.find()).as(script.group()).isTrue();
            scripts.add(src.group(1));
        }
        assertThat(scripts).isNotEmpty().contains("swagger-ui-bundle.js");
        Matcher reference = REFERENCE.matcher(html);
        while (reference.find()) {
            String target = reference.group(1);
            // relative, so same-origin: no scheme, no host, no protocol-relative //
            assertThat(target).doesNotContain(":").doesNotStartWith("/");
            HttpResponse<byte[]> file = anyone().get("/api/v1/docs/" + target);
            assertThat(file.statusCode()).as(target + ": " + describe(file)).isEqualTo(200);
        }
    }

    @Test
    void servesSwaggerUisBundleAsJavascript() {
        HttpResponse<byte[]> bundle = anyone().get("/api/v1/docs/swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).as(describe(bundle)).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(bundle.body().length).isGreaterThan(100_000);
        assertSecured(bundle);
        String etag = bundle.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> cached = anyone().get("/api/v1/docs/swagger-ui-bundle.js", "If-None-Match", etag);
        assertThat(cached.statusCode()).isEqualTo(304);
        HttpResponse<byte[]> head = anyone().head("/api/v1/docs/swagger-ui-bundle.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(bundle.body().length);
    }

    @Test
    void theInitializerLoadsTheServedOpenApiDocumentWithItsBearerScheme() {
        String initializer = text(anyone().get("/api/v1/docs/swagger-initializer.js"));
        assertThat(initializer).contains("\"../openapi.json\"");
        HttpResponse<byte[]> document = anyone().get("/api/v1/openapi.json");
        assertThat(document.statusCode()).as(describe(document)).isEqualTo(200);
        JsonNode scheme = json(document).at("/components/securitySchemes/adminToken");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void redirectsTheDirectoryWithoutItsSlash() {
        HttpResponse<byte[]> redirect = anyone().get("/api/v1/docs");
        assertThat(redirect.statusCode()).as(describe(redirect)).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/api/v1/docs/");
    }

    @Test
    void answersGetAndHeadOnlyAndAnythingElse405() {
        HttpResponse<byte[]> post = anyone().send("POST", "/api/v1/docs/", null);
        assertThat(post.statusCode()).as(describe(post)).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(json(post).at("/error/code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void reachesNothingButItsFiles() {
        // raw requests, so that no client normalises the paths first
        try (RawHttp raw = new RawHttp(registry.process(), null)) {
            for (String target : List.of("/api/v1/docs/../openapi.json", "/api/v1/docs/..%2Fopenapi.json",
                    "/api/v1/docs/%2e%2e/%2e%2e/v2/", "/api/v1/docs/..\\..\\openapi.json",
                    "/api/v1/docs/../../../../etc/passwd", "/api/v1/docs/META-INF/MANIFEST.MF",
                    "/api/v1/docs/../../../dev/berth/http/server/Main.class", "/api/v1/docs/missing.js")) {
                RawHttp.Answer answer = raw.send("GET", target);
                assertThat(answer.status()).as(target + ": " + answer).isEqualTo(404);
                assertThat(answer.text()).as(target).contains("\"NOT_FOUND\"");
                assertThat(answer.header("Content-Security-Policy")).as(target).isPresent();
            }
        }
    }

    @Test
    void leavesTheRestOfTheManagementApiBehindTheToken() {
        assertThat(anyone().get("/api/v1/registries").statusCode()).isEqualTo(401);
        assertThat(anyone().get("/api/v1/docsx").statusCode()).isEqualTo(401);
    }
}
