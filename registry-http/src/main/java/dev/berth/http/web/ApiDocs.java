package dev.berth.http.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The management API's documentation page at {@code /api/v1/docs/}: Swagger UI showing the served OpenAPI
 * document ({@code /api/v1/openapi.json}), whose bearer scheme lets a reader "Authorize" with the admin token and
 * try the calls. Everything comes from this server, nothing from a CDN.
 *
 * <p>Our own {@code index.html} and {@code swagger-initializer.js} (under {@value #OWN_FILES}) stand in for the
 * webjar's, which load the petstore example and would need an inline script; the rest (the bundle, its CSS, the
 * icons) is the {@code org.webjars:swagger-ui} webjar's directory as it is, found through the version its
 * {@code pom.properties} names so that upgrading the dependency is the only change an upgrade needs.
 */
public final class ApiDocs {
    /** Where the page is served. */
    public static final String ROOT = "/api/v1/docs";
    /** Our files, which win over the webjar's. */
    static final String OWN_FILES = "dev/berth/http/web/docs";
    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    /**
     * Scripts, styles and fonts from this server only, the OpenAPI document and the calls tried from the page to
     * this server only, no frames, no plugins, no {@code <base>}. No {@code 'unsafe-inline'} and no
     * {@code 'unsafe-eval'}: our initializer is a file, not an inline script, and Swagger UI 5.35 sets element
     * styles through the DOM, which {@code style-src} does not govern. Checked in headless Chromium: loading the
     * page, opening operations, "Authorize" with the admin token and "Try it out" raised no violation. Should a later
     * Swagger UI write {@code style} attributes, allow {@code 'unsafe-inline'} in {@code style-src} and there only
     * (inline styles run no code). {@code data:} images are the icons Swagger UI's CSS embeds.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private ApiDocs() {
    }

    /** The responder for {@link #ROOT}; fails if the webjar or our files are missing from the classpath. */
    public static StaticAssetHandler handler() {
        ClassLoader loader = ApiDocs.class.getClassLoader();
        return new StaticAssetHandler(ROOT, new ClasspathAssets(loader, List.of(OWN_FILES, swaggerUiDirectory(loader))),
                CONTENT_SECURITY_POLICY);
    }

    /** The webjar's resource directory, {@code META-INF/resources/webjars/swagger-ui/<version>}. */
    static String swaggerUiDirectory(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the Swagger UI webjar is not on the classpath (no " + WEBJAR_PROPERTIES + ")");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEBJAR_PROPERTIES, e);
        }
        String version = properties.getProperty("version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException(WEBJAR_PROPERTIES + " names no version");
        }
        return "META-INF/resources/webjars/swagger-ui/" + version.trim();
    }
}
