package dev.berth.http.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds files by plain relative names only, first directory first, with their media type by extension and an
 * entity tag from their SHA-256; never a directory, a file of a type it does not serve, or anything a name with
 * {@code ..}, an escape or a backslash could reach.
 */
class ClasspathAssetsTest {
    static final String TEST_ASSETS = "dev/berth/http/web/testassets";
    private final ClasspathAssets assets = new ClasspathAssets(getClass().getClassLoader(), List.of(TEST_ASSETS));

    @ParameterizedTest
    @CsvSource({
            "index.html, text/html; charset=utf-8",
            "a.js, text/javascript; charset=utf-8",
            "a.mjs, text/javascript; charset=utf-8",
            "a.css, text/css; charset=utf-8",
            "a.json, application/json",
            "a.js.map, application/json",
            "a.png, image/png",
            "a.svg, image/svg+xml",
            "favicon.ico, image/x-icon",
            "a.woff2, font/woff2",
            "swagger-ui-bundle.js.LICENSE.txt, text/plain; charset=utf-8",
            "UPPER.JS, text/javascript; charset=utf-8"})
    void givesEachServedExtensionItsMediaType(String name, String type) {
        assertThat(ClasspathAssets.contentType(name)).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.properties", "a.class", "a.exe", "noextension", "a.", "a.html.bak"})
    void servesNoOtherType(String name) {
        assertThat(ClasspathAssets.contentType(name)).isNull();
    }

    @Test
    void readsAFileWithItsTypeAndAnEtagOfItsSha256() throws Exception {
        Asset app = assets.find("app.js").orElseThrow();
        byte[] expected = "console.log(\"app\");\n".getBytes(StandardCharsets.UTF_8);
        assertThat(app.content()).isEqualTo(expected);
        assertThat(app.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(app.etag()).isEqualTo('"' + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(expected)) + '"');
        assertThat(assets.find("sub/page.mjs")).isPresent();
    }

    @Test
    void keepsAFileOnceReadAndAnswersItFromMemory() {
        assertThat(assets.find("style.css").orElseThrow()).isSameAs(assets.find("style.css").orElseThrow());
    }

    @Test
    void theFirstDirectoryThatHoldsAPathAnswersIt() {
        ClasspathAssets layered = new ClasspathAssets(getClass().getClassLoader(),
                List.of("dev/berth/http/web/overlay", TEST_ASSETS));
        assertThat(new String(layered.find("index.html").orElseThrow().content(), StandardCharsets.UTF_8)).contains("overlay");
        assertThat(layered.find("app.js")).isPresent();
    }

    @Test
    void findsNoDirectoryNoUnservedTypeAndNoMissingFile() {
        assertThat(assets.find("dir.js")).isEmpty();
        assertThat(assets.find("config.properties")).isEmpty();
        assertThat(assets.find("missing.js")).isEmpty();
        assertThat(assets.find("sub")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../testassets/app.js", "sub/../app.js", "..", ".", "./app.js", "sub/./page.mjs", ".hidden.js",
            "sub//page.mjs", "/app.js", "sub/", "sub\\page.mjs", "..\\app.js", "%2e%2e/app.js", "sub%2Fpage.mjs",
            "app.js%00.html", "app.js;.html", "a..b.js", "", "app.js?x=1", "app.js#x"})
    void refusesEveryNameThatIsNotAPlainRelativePath(String name) {
        assertThat(ClasspathAssets.isSafe(name)).isFalse();
        assertThat(assets.find(name)).isEmpty();
    }

    @Test
    void reachesNothingOutsideItsDirectoriesThroughTheClassLoader() {
        // the class loader itself would resolve these; the name check never lets them through
        assertThat(getClass().getClassLoader().getResource(TEST_ASSETS + "/../overlay/index.html")).isNotNull();
        assertThat(assets.find("../overlay/index.html")).isEmpty();
    }
}
