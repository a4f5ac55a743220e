package dev.berth.core.name;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;

/** What follows {@code /manifests/}: a {@link Tag} or a {@link Digest}. */
public interface Reference {
    /** The reference as written in a URL. */
    String value();

    /** Parses a tag or a digest, by the presence of a colon (tags cannot hold one). */
    static Reference parse(String value) {
        return Digest.looksLikeDigest(value) ? Digest.parse(value) : Tag.parse(value);
    }

    /**
     * Parses a reference to look up: a tag that breaks the grammar cannot name anything stored, so it is
     * {@code MANIFEST_UNKNOWN} rather than a malformed request.
     */
    static Reference lookup(String value) {
        if (!Digest.looksLikeDigest(value) && !Tag.isValid(value)) {
            throw RegistryException.manifestUnknown(value);
        }
        return parse(value);
    }
}
