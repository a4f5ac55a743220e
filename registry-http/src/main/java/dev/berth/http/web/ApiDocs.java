package dev.berth.http.web;

import java.util.List;

/**
 * The management API's documentation page at {@code /api/v1/docs/}: Swagger UI showing the served OpenAPI
 * document ({@code /api/v1/openapi.json}), whose bearer scheme lets a reader "Authorize" with the admin token and
 * try the calls. Everything comes from this server, nothing from a CDN.
 *
 * <p>Our own {@code index.html} and {@code swagger-initializer.js} (under {@value #OWN_FILES}) stand in for the
 * webjar's, which load the petstore example and would need an inline script; the rest (the bundle, its CSS, the
 * icons) is the {@code org.webjars:swagger-ui} webjar's directory as it is (see {@link Webjars}).
 */
public final class ApiDocs {
    /** Where the page is served. */
    public static final String ROOT = "/api/v1/docs";
    /** Our files, which win over the webjar's. */
    static final String OWN_FILES = "dev/berth/http/web/docs";

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
        return new StaticAssetHandler(ROOT, new ClasspathAssets(loader, List.of(OWN_FILES,
                Webjars.directory(loader, "org.webjars", "swagger-ui"))), CONTENT_SECURITY_POLICY);
    }
}
