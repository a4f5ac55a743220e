package dev.berth.http.web;

import dev.berth.http.testing.BlockingPool;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.ParanoidLeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console as the server's pipeline answers it: its page loads only same-origin files, every module it imports
 * is served (so a renamed file breaks this test, not a person's browser), uPlot comes from the webjar, the strict
 * policy is on every answer, and no script builds markup from strings.
 */
@ExtendWith(ParanoidLeakDetection.class)
class WebConsoleTest {
    private static final Pattern REFERENCE = Pattern.compile("\\b(?:src|href)=\"([^\"]*)\"");
    private static final Pattern IMPORT = Pattern.compile("(?:^|\\n)\\s*import\\s[^'\"]*['\"]([^'\"]+)['\"]");
    private static final List<String> MODULES = List.of("app.js", "api.js", "dom.js", "widgets.js", "screens/signin.js",
            "screens/registries.js", "screens/registry.js", "screens/image.js", "screens/users.js",
            "screens/permissions-editor.js");

    private final StaticAssetHandler console = WebConsole.handler();
    private final BlockingPool pool = new BlockingPool();
    private final EmbeddedConnection connection = new EmbeddedConnection(request -> console.open(request, pool), pool);

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
    void servesThePageWithTheStrictPolicyAndSameOriginReferencesOnly() {
        Response page = get("/ui/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("content-security-policy")).isEqualTo(WebConsole.CONTENT_SECURITY_POLICY)
                .contains("script-src 'self'", "form-action 'none'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.body()).contains("<meta name=\"viewport\"").doesNotContain("<script>").doesNotContain("style=");
        Matcher reference = REFERENCE.matcher(page.body());
        int references = 0;
        while (reference.find()) {
            references++;
            String target = reference.group(1);
            assertThat(target).as("a same-origin relative reference").doesNotContain(":").doesNotStartWith("/");
            assertThat(get("/ui/" + target).status()).as(target).isEqualTo(200);
        }
        assertThat(references).isGreaterThanOrEqualTo(4);
    }

    @Test
    void servesEveryModuleTheConsoleImports() {
        for (String module : MODULES) {
            Response file = get("/ui/" + module);
            assertThat(file.status()).as(module).isEqualTo(200);
            assertThat(file.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
            String directory = module.contains("/") ? module.substring(0, module.lastIndexOf('/') + 1) : "";
            Matcher imported = IMPORT.matcher(file.body());
            while (imported.find()) {
                String target = java.net.URI.create("/ui/" + directory).resolve(imported.group(1)).getPath();
                assertThat(get(target).status()).as(module + " imports " + target).isEqualTo(200);
            }
        }
    }

    @Test
    void takesUplotFromItsWebjar() {
        Response chart = get("/ui/dist/uPlot.esm.js");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.body()).contains("export");
    }

    @Test
    void noModuleParsesStringsAsMarkup() {
        for (String module : MODULES) {
            String source = resource(WebConsole.OWN_FILES + "/" + module);
            assertThat(source).as(module).doesNotContain("innerHTML").doesNotContain("outerHTML")
                    .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(");
        }
    }

    private static String resource(String name) {
        try (InputStream in = WebConsoleTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
