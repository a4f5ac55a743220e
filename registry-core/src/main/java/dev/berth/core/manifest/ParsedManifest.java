package dev.berth.core.manifest;

import dev.berth.core.digest.Digest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A manifest's parts that the registry acts on, parsed from its JSON.
 *
 * @param blobs the config and layers of an image manifest (empty for an index)
 * @param children the manifests an index lists (empty for an image manifest)
 * @param subject the manifest this one refers to, or null
 */
public record ParsedManifest(String mediaType, List<Descriptor> blobs, List<Descriptor> children, Descriptor subject,
                             String artifactType, Map<String, String> annotations) {
    public ParsedManifest {
        blobs = List.copyOf(blobs);
        children = List.copyOf(children);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Every digest the manifest refers to, blobs then children (not the subject, which need not exist). */
    public List<Digest> references() {
        List<Digest> all = new ArrayList<>(blobs.size() + children.size());
        blobs.forEach(d -> all.add(d.digest()));
        children.forEach(d -> all.add(d.digest()));
        return all;
    }
}
