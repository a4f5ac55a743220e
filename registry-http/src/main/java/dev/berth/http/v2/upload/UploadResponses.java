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

    /**
     * A session just opened, with the smallest chunk the operator asks for when there is one: spec.md says the
     * POST's answer carries it "if the registry has a minimum chunk size", and clients then send chunks, but the
     * last, at least that long.
     */
    static FullHttpResponse opened(BlobUpload upload, long chunkMinLength) {
        FullHttpResponse response = inProgress(HttpResponseStatus.ACCEPTED, upload);
        if (chunkMinLength > 0) {
            response.headers().set(Responses.OCI_CHUNK_MIN_LENGTH, chunkMinLength);
        }
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
