package dev.berth.http.v2.blob;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.registry.BlobInfo;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Serves a blob (end-2: {@code GET}/{@code HEAD /v2/<name>/blobs/<digest>}), whole or a {@code Range} of it (206),
 * or redirects a {@code GET} (307) to where the blob store serves it itself, when it does ({@code --s3-redirect}).
 */
public final class GetBlobHandler implements V2Handler {
    private final RegistryService registry;

    public GetBlobHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        BlobInfo blob = registry.statBlob(request.route().repository(), Digest.parse(request.route().segment()));
        if (request.request().method().equals(HttpMethod.HEAD)) {
            FullHttpResponse response = Responses.empty(HttpResponseStatus.OK);
            describe(response.headers(), blob).set(HttpHeaderNames.CONTENT_LENGTH, blob.size());
            request.respond(response);
            return;
        }
        Optional<URI> elsewhere = registry.blobUrl(blob);
        if (elsewhere.isPresent()) {
            // The store serves it (--s3-redirect): a Range goes along with the client's next request.
            FullHttpResponse redirect = Responses.empty(HttpResponseStatus.TEMPORARY_REDIRECT);
            redirect.headers().set(HttpHeaderNames.LOCATION, elsewhere.get().toString())
                    .set(Responses.CONTENT_DIGEST, blob.digest().value());
            request.respond(redirect);
            return;
        }
        String asked = request.request().headers().get(HttpHeaderNames.RANGE);
        Optional<ByteRange> window = ByteRange.parse(asked, blob.size());
        if (window.isEmpty()) {
            request.respond(unsatisfiable(asked, blob.size()));
            return;
        }
        ByteRange range = window.get();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                range.partial() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        describe(head.headers(), blob)
                .set(Responses.API_VERSION, Responses.API_VERSION_VALUE)
                .set(HttpHeaderNames.CONTENT_LENGTH, range.length());
        if (range.partial()) {
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(blob.size()));
        }
        request.respondContent(head, registry.openBlob(blob, range.start(), range.length()));
    }

    /** A 416 that names the blob's size, as RFC 9110 asks, so that the client can ask for a range that fits. */
    private static FullHttpResponse unsatisfiable(String asked, long size) {
        FullHttpResponse response = Responses.error(new RegistryException(OciErrorCode.BLOB_RANGE_NOT_SATISFIABLE,
                "range " + asked + " not satisfiable for " + size + " bytes", Map.of("size", size)));
        response.headers().set(HttpHeaderNames.CONTENT_RANGE, ByteRange.unsatisfied(size));
        return response;
    }

    private static HttpHeaders describe(HttpHeaders headers, BlobInfo blob) {
        return headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .set(Responses.CONTENT_DIGEST, blob.digest().value())
                .set(HttpHeaderNames.ETAG, '"' + blob.digest().value() + '"')
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
    }
}
