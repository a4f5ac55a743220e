package dev.berth.http.web;

import java.util.List;

/**
 * The web console at {@code /ui/}: static HTML, CSS and JavaScript modules from the jar, a client of the
 * management API and nothing else. Our files are under {@value #OWN_FILES}; the chart library is the
 * {@code org.webjars.npm:uplot} webjar's directory as it is (its {@code dist/} files, see {@link Webjars}).
 */
public final class WebConsole {
    /** Where the console is served. */
    public static final String ROOT = "/ui";
    static final String OWN_FILES = "dev/berth/http/web/console";

    /**
     * Everything from this server only, and stricter than the API's documentation page: no {@code data:} images
     * (the console has none), no form posts (its forms are handled by script, which calls the API), no frames,
     * no plugins, no {@code <base>}, no inline script or style and no {@code eval}. The console builds its DOM
     * with {@code createElement} and {@code textContent} only, so what a user typed (a description, a tag) is never
     * parsed as HTML.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'");

    private WebConsole() {
    }

    /** The responder for {@link #ROOT}; fails if the webjar or our files are missing from the classpath. */
    public static StaticAssetHandler handler() {
        ClassLoader loader = WebConsole.class.getClassLoader();
        return new StaticAssetHandler(ROOT, new ClasspathAssets(loader, List.of(OWN_FILES,
                Webjars.directory(loader, "org.webjars.npm", "uplot"))), CONTENT_SECURITY_POLICY);
    }
}
