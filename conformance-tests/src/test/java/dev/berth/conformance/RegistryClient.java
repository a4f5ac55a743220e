package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A thin wrapper on {@link HttpClient} (HTTP/1.1, redirects never followed) speaking the OCI distribution API to
 * one Berth server. Every method returns the raw {@link HttpResponse} so tests assert on statuses, headers and
 * bodies themselves. Every request carries {@code Authorization: Basic admin:<token>} (a client made with a
 * {@code null} authorization sends none).
 */
public final class RegistryClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    public RegistryClient(URI base, String authorization) {
        this(base, authorization, null);
    }

    /** A client that trusts what {@code tls} trusts (for a server with a self-signed certificate); null for the JDK's defaults. */
    public RegistryClient(URI base, String authorization, javax.net.ssl.SSLContext tls) {
        this.base = base;
        this.authorization = authorization;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI base() {
        return base;
    }

    // ------------------------------------------------------------------------------------------ raw requests

    /** Sends a request; {@code pathOrUrl} is a path such as {@code /v2/} or a (relative or absolute) Location. */
    public HttpResponse<byte[]> send(String method, String pathOrUrl, BodyPublisher body, String... headers) {
        return send(method, resolve(pathOrUrl), body, headers);
    }

    public HttpResponse<byte[]> send(String method, URI uri, BodyPublisher body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers must be name/value pairs: " + Arrays.toString(headers));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? BodyPublishers.noBody() : body);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + uri, e);
        }
    }

    public HttpResponse<byte[]> get(String pathOrUrl, String... headers) {
        return send("GET", pathOrUrl, null, headers);
    }

    public HttpResponse<byte[]> head(String pathOrUrl, String... headers) {
        return send("HEAD", pathOrUrl, null, headers);
    }

    public HttpResponse<byte[]> delete(String pathOrUrl, String... headers) {
        return send("DELETE", pathOrUrl, null, headers);
    }

    /**
     * Resolves a path or a Location header against this server. An absolute loopback URL is re-pointed at the
     * current port, so a Location obtained before a restart (new port) still reaches the server.
     */
    public URI resolve(String pathOrUrl) {
        URI u = URI.create(pathOrUrl);
        if (u.isAbsolute()) {
            String host = u.getHost();
            if ("127.0.0.1".equals(host) || "localhost".equals(host)) {
                return base.resolve(u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
            }
            return u;
        }
        return base.resolve(u);
    }

    /** Appends {@code key=value} (value URL-encoded) to the query of a path or Location. */
    public static String withQuery(String pathOrUrl, String key, String value) {
        String sep = pathOrUrl.contains("?") ? "&" : "?";
        return pathOrUrl + sep + key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Builds {@code path?k1=v1&k2=v2...} from name/value pairs, skipping null values. */
    public static String query(String path, String... kv) {
        String result = path;
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                result = withQuery(result, kv[i], kv[i + 1]);
            }
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------ base

    public HttpResponse<byte[]> ping() {
        return get("/v2/");
    }

    // ------------------------------------------------------------------------------------------ blobs: pull

    public static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest;
    }

    public HttpResponse<byte[]> getBlob(String repo, String digest, String... headers) {
        return get(blobPath(repo, digest), headers);
    }

    public HttpResponse<byte[]> headBlob(String repo, String digest) {
        return head(blobPath(repo, digest));
    }

    public HttpResponse<byte[]> deleteBlob(String repo, String digest) {
        return delete(blobPath(repo, digest));
    }

    // ------------------------------------------------------------------------------------------ blobs: push

    public static String uploadsPath(String repo) {
        return "/v2/" + repo + "/blobs/uploads/";
    }

    /** {@code POST /v2/<name>/blobs/uploads/} with {@code Content-Length: 0}: opens an upload session. */
    public HttpResponse<byte[]> startUpload(String repo) {
        return send("POST", uploadsPath(repo), BodyPublishers.noBody());
    }

    /** Single-request monolithic upload: {@code POST /v2/<name>/blobs/uploads/?digest=<digest>} with the body. */
    public HttpResponse<byte[]> postMonolithic(String repo, byte[] data, String digest) {
        return send("POST", withQuery(uploadsPath(repo), "digest", digest), BodyPublishers.ofByteArray(data),
                "Content-Type", "application/octet-stream");
    }

    /** PATCH one chunk with {@code Content-Range: start-end} and a fixed Content-Length. */
    public HttpResponse<byte[]> patchChunk(String location, byte[] chunk, long start) {
        return send("PATCH", location, BodyPublishers.ofByteArray(chunk),
                "Content-Type", "application/octet-stream",
                "Content-Range", start + "-" + (start + chunk.length - 1));
    }

    /** PATCH with a fixed Content-Length and no Content-Range (streamed upload as the conformance suite does it). */
    public HttpResponse<byte[]> patchWithoutRange(String location, byte[] data) {
        return send("PATCH", location, BodyPublishers.ofByteArray(data),
                "Content-Type", "application/octet-stream");
    }

    /** PATCH with {@code Transfer-Encoding: chunked}: no Content-Length, no Content-Range. */
    public HttpResponse<byte[]> patchStreamed(String location, byte[] data) {
        return send("PATCH", location, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data)),
                "Content-Type", "application/octet-stream");
    }

    /** Closing {@code PUT <location>?digest=<digest>} without a body (Content-Length: 0). */
    public HttpResponse<byte[]> putUpload(String location, String digest) {
        return send("PUT", withQuery(location, "digest", digest), BodyPublishers.noBody(),
                "Content-Type", "application/octet-stream");
    }

    /** Closing {@code PUT <location>?digest=<digest>} with the whole blob (or last chunk) as body, no Content-Range. */
    public HttpResponse<byte[]> putUpload(String location, String digest, byte[] body) {
        return send("PUT", withQuery(location, "digest", digest), BodyPublishers.ofByteArray(body),
                "Content-Type", "application/octet-stream");
    }

    /** Closing PUT carrying the last chunk with its {@code Content-Range}. */
    public HttpResponse<byte[]> putLastChunk(String location, String digest, byte[] chunk, long start) {
        return send("PUT", withQuery(location, "digest", digest), BodyPublishers.ofByteArray(chunk),
                "Content-Type", "application/octet-stream",
                "Content-Range", start + "-" + (start + chunk.length - 1));
    }

    /** {@code GET <location>}: upload status. */
    public HttpResponse<byte[]> uploadStatus(String location) {
        return get(location);
    }

    /** {@code DELETE <location>}: cancels an upload session. */
    public HttpResponse<byte[]> cancelUpload(String location) {
        return delete(location);
    }

    /** {@code POST /v2/<name>/blobs/uploads/?mount=<digest>[&from=<repo>]}. */
    public HttpResponse<byte[]> mount(String repo, String digest, String from) {
        return send("POST", query(uploadsPath(repo), "mount", digest, "from", from), BodyPublishers.noBody());
    }

    /**
     * Pushes a blob for a test's setup: a single monolithic {@code POST ?digest=} (one request, so setup does not
     * depend on session handling, which has its own tests), or POST then PUT if the registry answers 202.
     * Fails unless the blob ends up created (201).
     */
    public void pushBlob(String repo, Blob blob) {
        HttpResponse<byte[]> post = postMonolithic(repo, blob.bytes(), blob.digest());
        if (post.statusCode() == 202) {
            String location = OciAssertions.requireHeader(post, "Location");
            OciAssertions.assertStatus(putUpload(location, blob.digest(), blob.bytes()), 201);
            return;
        }
        OciAssertions.assertStatus(post, 201);
    }

    // ------------------------------------------------------------------------------------------ manifests

    public static String manifestPath(String repo, String reference) {
        return "/v2/" + repo + "/manifests/" + reference;
    }

    public HttpResponse<byte[]> putManifest(String repo, String reference, String contentType, byte[] body) {
        return send("PUT", manifestPath(repo, reference), BodyPublishers.ofByteArray(body),
                "Content-Type", contentType);
    }

    public HttpResponse<byte[]> putManifest(String repo, String reference, Manifest m) {
        return putManifest(repo, reference, m.mediaType(), m.bytes());
    }

    /** Accept header covering every manifest type the tests push. */
    public static final String ACCEPT_ALL_MANIFESTS = String.join(", ",
            Content.OCI_MANIFEST, Content.OCI_INDEX, Content.DOCKER_MANIFEST, Content.DOCKER_LIST);

    public HttpResponse<byte[]> getManifest(String repo, String reference) {
        return get(manifestPath(repo, reference), "Accept", ACCEPT_ALL_MANIFESTS);
    }

    public HttpResponse<byte[]> headManifest(String repo, String reference) {
        return head(manifestPath(repo, reference), "Accept", ACCEPT_ALL_MANIFESTS);
    }

    public HttpResponse<byte[]> deleteManifest(String repo, String reference) {
        return delete(manifestPath(repo, reference));
    }

    // ------------------------------------------------------------------------------------------ discovery

    public HttpResponse<byte[]> tagsList(String repo, String... queryKv) {
        return get(query("/v2/" + repo + "/tags/list", queryKv));
    }

    public HttpResponse<byte[]> catalog(String... queryKv) {
        return get(query("/v2/_catalog", queryKv));
    }

    public HttpResponse<byte[]> referrers(String repo, String digest, String artifactType) {
        return get(query("/v2/" + repo + "/referrers/" + digest, "artifactType", artifactType));
    }

    // ------------------------------------------------------------------------------------------ whole images

    /** An image pushed by {@link #pushImage}: its config, layers and manifest. */
    public record Image(String repo, Blob config, List<Blob> layers, Manifest manifest) {
        public List<Blob> blobs() {
            List<Blob> all = new ArrayList<>();
            all.add(config);
            all.addAll(layers);
            return all;
        }
    }

    /** Creates an image with random config and {@code layerCount} random layers, as an OCI image manifest. */
    public static Image newImage(String repo, int layerCount) {
        Blob config = Content.randomConfig();
        List<Blob> layers = new ArrayList<>();
        Content.ManifestBuilder mb = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG));
        for (int i = 0; i < layerCount; i++) {
            Blob layer = Content.randomBlob(64 + 37 * i);
            layers.add(layer);
            mb.layer(layer.descriptor(Content.OCI_LAYER));
        }
        return new Image(repo, config, layers, mb.build());
    }

    /** Creates an image with a random config and the given layers (shared with other images, or new), as an OCI image manifest. */
    public static Image newImage(String repo, Blob... layers) {
        Blob config = Content.randomConfig();
        Content.ManifestBuilder mb = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG));
        for (Blob layer : layers) {
            mb.layer(layer.descriptor(Content.OCI_LAYER));
        }
        return new Image(repo, config, List.of(layers), mb.build());
    }

    /** Pushes the image's blobs and then its manifest under {@code reference}; fails unless all succeed. */
    public Image pushImage(Image image, String reference) {
        for (Blob b : image.blobs()) {
            pushBlob(image.repo(), b);
        }
        OciAssertions.assertStatus(putManifest(image.repo(), reference, image.manifest()), 201);
        return image;
    }

    /** Pushes a new random image with {@code layerCount} layers under {@code reference}. */
    public Image pushImage(String repo, String reference, int layerCount) {
        return pushImage(newImage(repo, layerCount), reference);
    }

    /** Response headers as a compact, readable map (for assertion messages). */
    public static Map<String, List<String>> headers(HttpResponse<?> r) {
        return new LinkedHashMap<>(r.headers().map());
    }
}
