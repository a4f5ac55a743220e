package dev.berth.core.testing;

import dev.berth.core.digest.Digest;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.name.Reference;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.registry.PushedManifest;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.upload.BlobUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import static dev.berth.core.testing.CoreFixture.bytes;
import static dev.berth.core.testing.CoreFixture.imageManifest;

/** Pushes through a {@link RegistryService} as a client would: blobs by upload sessions, then the manifest. */
public final class TestImages {
    private static final String ACTOR = "ci-bot";

    private TestImages() {
    }

    /** Uploads a blob in one session and completes it; returns its digest. */
    public static Digest pushBlob(RegistryService registry, RepositoryName repository, byte[] content) {
        Digest digest = Digest.sha256Of(content);
        BlobUpload upload = registry.startUpload(repository, ACTOR);
        try {
            upload.append(ByteBuffer.wrap(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.completeUpload(upload, digest);
        return digest;
    }

    /** Pushes a one-layer image, tagged {@code tag} or by digest when {@code tag} is null. */
    public static PushedManifest pushImage(RegistryService registry, RepositoryName repository, String tag,
                                           String layerContent) {
        byte[] config = bytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        byte[] layer = bytes(layerContent);
        Digest configDigest = pushBlob(registry, repository, config);
        Digest layerDigest = pushBlob(registry, repository, layer);
        return pushManifest(registry, repository, tag, MediaTypes.OCI_MANIFEST,
                bytes(imageManifest(configDigest, config.length, layerDigest, layer.length)));
    }

    /** Pushes a manifest whose blobs are pushed already, tagged {@code tag} or by digest when it is null. */
    public static PushedManifest pushManifest(RegistryService registry, RepositoryName repository, String tag,
                                              String mediaType, byte[] body) {
        Reference reference = tag == null ? Digest.sha256Of(body) : Tag.parse(tag);
        return registry.putManifest(repository, reference, mediaType, body, ACTOR);
    }
}
