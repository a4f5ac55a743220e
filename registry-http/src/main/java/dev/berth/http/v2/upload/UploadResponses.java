package dev.berth.http.v2.upload;

import dev.berth.core.registry.BlobInfo;
import dev.berth.core.upload.BlobUpload;
import dev.berth.http.route.Responses;
import dev.berth.http.v2.V2Locations;
import dev.berth.core.name.RepositoryName;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The answers of the upload endpoints: a session in progress, and a blob created. */
final class UploadResponses {
    private UploadResponses() {
    }

    /** An open session: where to continue and how much it holds. */
    static FullHttpResponse inProgress(HttpResponseStatus status, BlobUpload upload) {
        FullHttpResponse response = Responses.empty(status);
        response.headers()
                .set(HttpHeaderNames.LOCATION, V2Locations.upload(upload))
                .set(HttpHeaderNames.RANGE, V2Locations.uploadRange(upload.size()))
                .set(Responses.UPLOAD_UUID, upload.id().value());
        return response;
    }

    /** A blob now linked into the repository. */
    static FullHttpResponse created(RepositoryName repository, BlobInfo blob) {
        FullHttpResponse response = Responses.empty(HttpResponseStatus.CREATED);
        response.headers()
                .set(HttpHeaderNames.LOCATION, V2Locations.blob(repository, blob.digest()))
                .set(Responses.CONTENT_DIGEST, blob.digest().value());
        return response;
    }
}
