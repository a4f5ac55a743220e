package dev.berth.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.json.JsonProblems;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and checks the shape of the four manifest formats (OCI image manifest and index, Docker schema2
 * manifest and manifest list). It checks the document alone; whether what it references exists is the
 * registry service's business.
 */
public final class ManifestParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses a manifest body sent with {@code contentType}.
     *
     * <p>The media type is the body's {@code mediaType} field; when the body has none (it is optional in
     * OCI), the {@code Content-Type}. When both are present they must agree.
     */
    public ParsedManifest parse(byte[] body, String contentType) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw RegistryException.manifestInvalid("manifest is not a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.intValue() != 2) {
            throw RegistryException.manifestInvalid("unsupported schemaVersion: " + schemaVersion);
        }
        String declared = MediaTypes.essence(contentType);
        String field = text(root, "mediaType");
        String mediaType = mediaType(field, declared, root);
        if (MediaTypes.isIndex(mediaType)) {
            return new ParsedManifest(mediaType, List.of(), descriptors(root, "manifests", true),
                    optionalDescriptor(root, "subject"), text(root, "artifactType"), annotations(root));
        }
        Descriptor config = descriptor(root.get("config"), "config");
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(config);
        blobs.addAll(descriptors(root, "layers", mediaType.equals(MediaTypes.DOCKER_MANIFEST)));
        String artifactType = text(root, "artifactType");
        return new ParsedManifest(mediaType, blobs, List.of(), optionalDescriptor(root, "subject"),
                artifactType != null ? artifactType : config.mediaType(), annotations(root));
    }

    private static String mediaType(String field, String declared, JsonNode root) {
        if (field != null && declared != null && MediaTypes.isManifest(declared) && !field.equals(declared)) {
            throw RegistryException.manifestInvalid("mediaType " + field + " does not match Content-Type " + declared);
        }
        String mediaType = field != null ? field : declared;
        if (mediaType == null || !MediaTypes.isManifest(mediaType)) {
            if (field == null && root.has("manifests")) {
                mediaType = MediaTypes.OCI_INDEX;
            } else if (field == null && root.has("config")) {
                mediaType = MediaTypes.OCI_MANIFEST;
            } else {
                throw RegistryException.manifestInvalid("unsupported manifest media type: " + mediaType);
            }
        }
        return mediaType;
    }

    private static JsonNode readTree(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                throw RegistryException.manifestInvalid("empty manifest");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryException.manifestInvalid("manifest is not valid JSON: " + JsonProblems.describe(e));
        } catch (IOException e) {
            throw RegistryException.manifestInvalid("manifest is not readable: " + e.getMessage());
        }
    }

    private static List<Descriptor> descriptors(JsonNode root, String field, boolean required) {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            if (required) {
                throw RegistryException.manifestInvalid("missing " + field);
            }
            return List.of();
        }
        if (!array.isArray()) {
            throw RegistryException.manifestInvalid(field + " is not an array");
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            result.add(descriptor(node, field));
        }
        return result;
    }

    private static Descriptor optionalDescriptor(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : descriptor(node, field);
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw RegistryException.manifestInvalid(where + ": descriptor missing or not an object");
        }
        String mediaType = text(node, "mediaType");
        if (mediaType == null) {
            throw RegistryException.manifestInvalid(where + ": descriptor without mediaType");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw RegistryException.manifestInvalid(where + ": descriptor without a valid size");
        }
        String digest = text(node, "digest");
        if (digest == null) {
            throw RegistryException.manifestInvalid(where + ": descriptor without digest");
        }
        Digest parsed;
        try {
            parsed = Digest.parse(digest);
        } catch (RegistryException e) {
            throw RegistryException.manifestInvalid(where + ": " + e.getMessage());
        }
        return new Descriptor(mediaType, parsed, size.longValue(), text(node, "artifactType"), annotations(node));
    }

    private static Map<String, String> annotations(JsonNode node) {
        JsonNode annotations = node.get("annotations");
        if (annotations == null || annotations.isNull()) {
            return Map.of();
        }
        if (!annotations.isObject()) {
            throw RegistryException.manifestInvalid("annotations is not an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw RegistryException.manifestInvalid("annotation " + entry.getKey() + " is not a string");
            }
            result.put(entry.getKey(), entry.getValue().textValue());
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw RegistryException.manifestInvalid(field + " is not a string");
        }
        return value.textValue();
    }
}
