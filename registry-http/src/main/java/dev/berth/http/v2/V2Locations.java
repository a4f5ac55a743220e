package dev.berth.http.v2;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;

/** The URLs the registry hands out in {@code Location} and {@code Range} headers, built in one place. */
public final class V2Locations {
    private V2Locations() {
    }

    public static String blob(RepositoryName repository, Digest digest) {
        return "/v2/" + repository.value() + "/blobs/" + digest.value();
    }

    public static String manifest(RepositoryName repository, Digest digest) {
        return "/v2/" + repository.value() + "/manifests/" + digest.value();
    }

    public static String upload(BlobUpload upload) {
        return "/v2/" + upload.repository().value() + "/blobs/uploads/" + upload.id().value();
    }

    /** The {@code Range} of an upload: the inclusive range of bytes received, {@code 0-0} when none yet. */
    public static String uploadRange(long size) {
        return "0-" + Math.max(0, size - 1);
    }
}
