package dev.berth.core.manifest;

import java.util.Set;

/** The manifest media types Berth stores and serves. */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> IMAGES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    /**
     * Layers whose content a registry need not hold: the image-spec's non-distributable layers (deprecated in 1.1,
     * still pushed) and Docker's foreign layers, fetched by clients from their descriptors' {@code urls}.
     */
    private static final Set<String> NON_DISTRIBUTABLE = Set.of(
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
            "application/vnd.docker.image.rootfs.foreign.diff.tar",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    private MediaTypes() {
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    public static boolean isImage(String mediaType) {
        return IMAGES.contains(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return isIndex(mediaType) || isImage(mediaType);
    }

    /** Whether a layer of this media type may be absent from the registry (see {@link #NON_DISTRIBUTABLE}). */
    public static boolean isNonDistributable(String mediaType) {
        return mediaType != null && NON_DISTRIBUTABLE.contains(mediaType);
    }

    /** The media type part of a header value, without parameters and in lower case; null for null. */
    public static String essence(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        int semicolon = headerValue.indexOf(';');
        String type = semicolon < 0 ? headerValue : headerValue.substring(0, semicolon);
        return type.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
