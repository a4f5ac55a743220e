package dev.berth.http.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Serves a tree of files under a root: the index for the root directory, a redirect for the root without its
 * slash, each file with its type, entity tag and {@code no-cache}, a 304 to a matching {@code If-None-Match},
 * {@code HEAD} as {@code GET} without the body; 404 and 405 in the management API's error format; the security
 * headers on every answer, errors included.
 */
class StaticAssetHandlerTest {
    private static final String ROOT = "/ui";
    private static final String CSP = "default-src 'none'; script-src 'self'; frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StaticAssetHandler handler = new StaticAssetHandler(ROOT,
            new ClasspathAssets(getClass().getClassLoader(), List.of(ClasspathAssetsTest.TEST_ASSETS)), CSP);

    private FullHttpResponse get(String uri, String... headers) {
        return answer(HttpMethod.GET, uri, headers);
    }

    private FullHttpResponse answer(HttpMethod method, String uri, String... headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return handler.answer(method, uri, h);
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private static JsonNode error(FullHttpResponse response) throws IOException {
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        try {
            return JSON.readTree(ByteBufUtil.getBytes(response.content())).get("error");
        } finally {
            response.release();
        }
    }

    private static void assertSecurityHeaders(FullHttpResponse response) {
        assertThat(response.headers().get("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(response.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.headers().get("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void servesTheIndexForTheRootDirectoryWithEveryHeader() {
        FullHttpResponse index = get("/ui/");
        assertThat(index.status().code()).isEqualTo(200);
        assertThat(index.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(index.headers().get("Cache-Control")).isEqualTo("no-cache");
        assertThat(index.headers().get("ETag")).startsWith("\"").endsWith("\"");
        assertThat(index.headers().getInt("Content-Length")).isEqualTo(index.content().readableBytes());
        assertSecurityHeaders(index);
        assertThat(body(index)).contains("<title>test</title>");
        assertThat(body(get("/ui/index.html"))).contains("<title>test</title>");
        assertThat(body(get("/ui/?tab=1"))).contains("<title>test</title>");
    }

    @Test
    void redirectsTheRootWithoutItsSlashToTheDirectory() {
        FullHttpResponse redirect = get("/ui");
        assertThat(redirect.status().code()).isEqualTo(301);
        assertThat(redirect.headers().get("Location")).isEqualTo("/ui/");
        assertSecurityHeaders(redirect);
        redirect.release();
        FullHttpResponse withQuery = get("/ui?tab=1");
        assertThat(withQuery.headers().get("Location")).isEqualTo("/ui/?tab=1");
        withQuery.release();
    }

    @ParameterizedTest
    @CsvSource({
            "/ui/app.js, text/javascript; charset=utf-8",
            "/ui/sub/page.mjs, text/javascript; charset=utf-8",
            "/ui/style.css, text/css; charset=utf-8",
            "/ui/logo.svg, image/svg+xml"})
    void servesEachFileWithItsType(String uri, String type) {
        FullHttpResponse file = get(uri);
        assertThat(file.status().code()).isEqualTo(200);
        assertThat(file.headers().get("Content-Type")).isEqualTo(type);
        assertSecurityHeaders(file);
        assertThat(body(file)).isNotEmpty();
    }

    @Test
    void answersHeadLikeGetWithoutTheBody() {
        FullHttpResponse got = get("/ui/app.js");
        FullHttpResponse head = answer(HttpMethod.HEAD, "/ui/app.js");
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt("Content-Length")).isEqualTo(got.content().readableBytes());
        assertThat(head.headers().get("Content-Type")).isEqualTo(got.headers().get("Content-Type"));
        assertThat(head.headers().get("ETag")).isEqualTo(got.headers().get("ETag"));
        assertSecurityHeaders(head);
        got.release();
        head.release();
    }

    @Test
    void answers304ToAnIfNoneMatchThatNamesTheFile() {
        FullHttpResponse first = get("/ui/app.js");
        String etag = first.headers().get("ETag");
        first.release();
        for (String ifNoneMatch : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
            FullHttpResponse again = get("/ui/app.js", "If-None-Match", ifNoneMatch);
            assertThat(again.status().code()).as(ifNoneMatch).isEqualTo(304);
            assertThat(again.content().readableBytes()).isZero();
            assertThat(again.headers().get("ETag")).isEqualTo(etag);
            assertThat(again.headers().get("Cache-Control")).isEqualTo("no-cache");
            assertSecurityHeaders(again);
            again.release();
        }
        FullHttpResponse changed = get("/ui/app.js", "If-None-Match", "\"something-else\"");
        assertThat(changed.status().code()).isEqualTo(200);
        changed.release();
        FullHttpResponse otherFile = get("/ui/style.css", "If-None-Match", etag);
        assertThat(otherFile.status().code()).isEqualTo(200);
        otherFile.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ui/missing.js", "/ui/config.properties", "/ui/dir.js", "/ui/sub", "/ui/sub/", "/ui//app.js",
            "/ui/../ui/app.js", "/ui/sub/../app.js", "/ui/%2e%2e/ui/app.js", "/ui/sub%2Fpage.mjs", "/ui/sub%2fpage.mjs",
            "/ui/..%2Fui%2Fapp.js", "/ui/sub\\page.mjs", "/ui/..\\ui\\app.js", "/ui/.hidden.js", "/ui/app.js%00",
            "/ui/%61pp.js"})
    void answersEveryPathThatNamesNoFile404InTheManagementFormat(String uri) throws IOException {
        FullHttpResponse missing = get(uri);
        assertThat(missing.status().code()).isEqualTo(404);
        assertSecurityHeaders(missing);
        JsonNode error = error(missing);
        assertThat(error.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
    void refusesEveryOtherMethod405WithAllow(String method) throws IOException {
        for (String uri : List.of("/ui/app.js", "/ui/", "/ui", "/ui/missing.js")) {
            FullHttpResponse refused = answer(HttpMethod.valueOf(method), uri);
            assertThat(refused.status().code()).isEqualTo(405);
            assertThat(refused.headers().get("Allow")).isEqualTo("GET, HEAD");
            assertSecurityHeaders(refused);
            assertThat(error(refused).get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        }
    }

    @Test
    void servesOnlyItsRootAndWhatIsBelowIt() {
        assertThat(handler.serves("/ui")).isTrue();
        assertThat(handler.serves("/ui/")).isTrue();
        assertThat(handler.serves("/ui/a/b.js")).isTrue();
        assertThat(handler.serves("/uix")).isFalse();
        assertThat(handler.serves("/api/v1/ui")).isFalse();
    }

    @Test
    void refusesToStartWithoutAnIndexOrWithABadRoot() {
        ClasspathAssets noIndex = new ClasspathAssets(getClass().getClassLoader(), List.of("dev/berth/http/web/testassets/sub"));
        assertThatThrownBy(() -> new StaticAssetHandler("/ui", noIndex, CSP)).isInstanceOf(IllegalStateException.class);
        ClasspathAssets assets = new ClasspathAssets(getClass().getClassLoader(), List.of(ClasspathAssetsTest.TEST_ASSETS));
        assertThatThrownBy(() -> new StaticAssetHandler("/ui/", assets, CSP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StaticAssetHandler("ui", assets, CSP)).isInstanceOf(IllegalArgumentException.class);
    }
}
