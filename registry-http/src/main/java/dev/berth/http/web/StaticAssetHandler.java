package dev.berth.http.web;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.http.route.AggregatingExchange;
import dev.berth.http.route.BodyAdmission;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.V2Handler;
import dev.berth.management.ManagementApi;
import dev.berth.management.error.ErrorResponses;
import dev.berth.management.error.MethodNotAllowedException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Serves the files of a {@link ClasspathAssets} under a root path, to anyone, with {@code GET} and {@code HEAD}:
 * {@code ROOT/a/b.js} is the file {@code a/b.js}, {@code ROOT/} is {@code index.html}, and {@code ROOT} itself
 * redirects (301) to {@code ROOT/}, so that the page's relative links resolve under it.
 *
 * <p>Every answer carries the root's {@code Content-Security-Policy} and {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer} and {@code X-Frame-Options: DENY} (the policy should say
 * {@code frame-ancestors 'none'} too, for browsers that read only that). A file is answered with its media type,
 * its {@code ETag} (a conditional {@code If-None-Match} that names it gets a 304) and
 * {@code Cache-Control: no-cache}: the URLs carry no version, so a browser must ask again on every use whether its
 * copy is current, which costs a 304 without a body; a longer lifetime would keep an old bundle after an upgrade.
 *
 * <p>Failures answer in the management API's JSON error format, as everything else under {@code /api/v1} does:
 * 404 {@code NOT_FOUND} for a path that names no file (a path that is not a plain name, such as one with
 * {@code ..}, a {@code %} escape or a backslash, names none), 405 {@code METHOD_NOT_ALLOWED} with {@code Allow}
 * for any other method, 413 for a request with a body.
 */
public final class StaticAssetHandler implements V2Handler {
    /** The file that a request for the root directory gets. */
    public static final String INDEX = "index.html";
    private static final List<String> ALLOWED = List.of(HttpMethod.GET.name(), HttpMethod.HEAD.name());
    private static final String NO_CACHE = "no-cache";
    private static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("X-Content-Type-Options");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached("Referrer-Policy");

    /** Lets anyone in; a body is refused by the exchange's cap of 0 bytes, in the management API's format. */
    private final BodyAdmission anyone = new BodyAdmission() {
        @Override
        public FullHttpResponse refusal(RequestContext request) {
            return null;
        }

        @Override
        public FullHttpResponse tooLarge(int maxBodyBytes) {
            return secured(ManagementApi.bodyTooLarge());
        }

        @Override
        public FullHttpResponse malformed() {
            return secured(ManagementApi.malformedBody());
        }
    };

    private final String root;
    private final ClasspathAssets assets;
    private final String contentSecurityPolicy;

    /**
     * @param root                  the path the files are served under, such as {@code /ui}: no trailing slash
     * @param assets                the files; they must hold an {@value #INDEX}
     * @param contentSecurityPolicy the {@code Content-Security-Policy} of every answer
     */
    public StaticAssetHandler(String root, ClasspathAssets assets, String contentSecurityPolicy) {
        if (!root.startsWith("/") || root.endsWith("/") || root.contains("?")) {
            throw new IllegalArgumentException("not a root path: " + root);
        }
        this.root = root;
        this.assets = assets;
        this.contentSecurityPolicy = contentSecurityPolicy;
        if (assets.find(INDEX).isEmpty()) {
            throw new IllegalStateException("the files served at " + root + "/ have no " + INDEX);
        }
    }

    /** The path the files are served under. */
    public String root() {
        return root;
    }

    /** Whether this handler answers the (raw, query-less) path: the root and everything below it. */
    public boolean serves(String path) {
        return path.equals(root) || path.startsWith(root + "/");
    }

    /** The exchange for a request whose path it {@link #serves}: no authentication, no body, answered off the event loop. */
    public Exchange open(RequestContext request, Executor blocking) {
        return new AggregatingExchange(request, anyone, this, blocking, 0);
    }

    @Override
    public void handle(RequestContext request) {
        request.respond(answer(request.request().method(), request.request().uri(), request.request().headers()));
    }

    /** The answer to a request for a path this handler {@link #serves}. Reads the file on its first request. */
    public FullHttpResponse answer(HttpMethod method, String uri, HttpHeaders headers) {
        return secured(unsecuredAnswer(method, uri, headers));
    }

    private FullHttpResponse unsecuredAnswer(HttpMethod method, String uri, HttpHeaders headers) {
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return ErrorResponses.response(new MethodNotAllowedException(method.name(), ALLOWED));
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.equals(root)) {
            return redirect(root + "/" + (query < 0 ? "" : uri.substring(query)));
        }
        if (!path.startsWith(root + "/")) {
            return notFound(path);
        }
        String name = path.substring(root.length() + 1);
        Optional<Asset> found = assets.find(name.isEmpty() ? INDEX : name);
        if (found.isEmpty()) {
            return notFound(path);
        }
        Asset asset = found.get();
        if (matches(headers.get(HttpHeaderNames.IF_NONE_MATCH), asset.etag())) {
            FullHttpResponse notModified = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                    Unpooled.EMPTY_BUFFER);
            notModified.headers().set(HttpHeaderNames.ETAG, asset.etag()).set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
            return notModified;
        }
        boolean head = HttpMethod.HEAD.equals(method);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.content()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, asset.content().length)
                .set(HttpHeaderNames.ETAG, asset.etag())
                .set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
        return response;
    }

    /**
     * Whether an {@code If-None-Match} value names the entity tag: {@code *}, or a comma-separated list of tags
     * compared weakly (a {@code W/} prefix is ignored), as RFC 9110 has it for this header.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** A permanent redirect to {@code location}. */
    public static FullHttpResponse redirect(String location) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    private static FullHttpResponse notFound(String path) {
        return ErrorResponses.response(new RegistryException(Problem.NOT_FOUND, "NOT_FOUND", "no file at " + path));
    }

    private FullHttpResponse secured(FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy)
                .set(X_CONTENT_TYPE_OPTIONS, "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set(REFERRER_POLICY, "no-referrer");
        return response;
    }
}
