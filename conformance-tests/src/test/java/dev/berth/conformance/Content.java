package dev.berth.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test content: random blobs, digests, descriptors and OCI / Docker manifests as exact byte arrays. */
public final class Content {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /** The well-known empty JSON blob {@code {}} and its descriptor. */
    public static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    public static final String EMPTY_JSON_DIGEST =
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    private Content() {
    }

    /** A descriptor: mediaType, digest and size, plus optional artifactType/annotations. */
    public record Descriptor(String mediaType, String digest, long size, String artifactType,
                             Map<String, String> annotations) {
        public Descriptor(String mediaType, String digest, long size) {
            this(mediaType, digest, size, null, null);
        }

        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("mediaType", mediaType);
            n.put("digest", digest);
            n.put("size", size);
            if (artifactType != null) {
                n.put("artifactType", artifactType);
            }
            if (annotations != null && !annotations.isEmpty()) {
                ObjectNode a = n.putObject("annotations");
                annotations.forEach(a::put);
            }
            return n;
        }
    }

    /** A blob: its bytes, digest and a descriptor of the given media type. */
    public record Blob(byte[] bytes, String digest) {
        public static Blob of(byte[] bytes) {
            return new Blob(bytes, sha256(bytes));
        }

        /** A blob addressed by its SHA-512 digest ({@code sha512:<128 hex>}). */
        public static Blob sha512Of(byte[] bytes) {
            return new Blob(bytes, sha512(bytes));
        }

        public int size() {
            return bytes.length;
        }

        public Descriptor descriptor(String mediaType) {
            return new Descriptor(mediaType, digest, bytes.length);
        }
    }

    /** A manifest: its exact bytes, its media type (also sent as Content-Type) and its digest. */
    public record Manifest(byte[] bytes, String mediaType, String digest) {
        public static Manifest of(byte[] bytes, String mediaType) {
            return new Manifest(bytes, mediaType, sha256(bytes));
        }

        /** The same manifest addressed by its SHA-512 digest, as a client pushing it by that digest names it. */
        public Manifest bySha512() {
            return new Manifest(bytes, mediaType, sha512(bytes));
        }

        public Descriptor descriptor() {
            return new Descriptor(mediaType, digest, bytes.length);
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- random content and names

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static Blob randomBlob(int n) {
        return Blob.of(randomBytes(n));
    }

    public static String randomAlnum(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    /** A fresh repository name in the default tenant registry, e.g. {@code library/t-x1y2z3a4b5}. */
    public static String randomRepo(String prefix) {
        return "library/" + prefix + "-" + randomAlnum(10);
    }

    /** The digest of random bytes that were never pushed anywhere. */
    public static String unknownDigest() {
        return sha256(randomBytes(64));
    }

    public static String sha256(byte[] data) {
        return digest("SHA-256", "sha256:", data);
    }

    public static String sha512(byte[] data) {
        return digest("SHA-512", "sha512:", data);
    }

    private static String digest(String algorithm, String prefix, byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            return prefix + HexFormat.of().formatHex(md.digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- configs and manifests

    /** A small, unique image config blob (JSON). */
    public static Blob randomConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids");
        c.putObject("config").putArray("Env").add("NONCE=" + randomAlnum(16));
        return Blob.of(bytes(c));
    }

    /** Builder for OCI image manifests (also used for artifacts and Docker schema 2). */
    public static final class ManifestBuilder {
        private final String mediaType;
        private Descriptor config;
        private final ArrayNode layers = JSON.createArrayNode();
        private Descriptor subject;
        private String artifactType;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private boolean writeMediaType = true;

        private ManifestBuilder(String mediaType) {
            this.mediaType = mediaType;
        }

        public ManifestBuilder config(Descriptor d) {
            this.config = d;
            return this;
        }

        public ManifestBuilder layer(Descriptor d) {
            layers.add(d.toJson());
            return this;
        }

        public ManifestBuilder layers(List<Descriptor> ds) {
            ds.forEach(this::layer);
            return this;
        }

        public ManifestBuilder subject(Descriptor d) {
            this.subject = d;
            return this;
        }

        public ManifestBuilder artifactType(String t) {
            this.artifactType = t;
            return this;
        }

        public ManifestBuilder annotation(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        public ManifestBuilder withoutMediaTypeField() {
            this.writeMediaType = false;
            return this;
        }

        public ObjectNode json() {
            ObjectNode m = JSON.createObjectNode();
            m.put("schemaVersion", 2);
            if (writeMediaType) {
                m.put("mediaType", mediaType);
            }
            if (artifactType != null) {
                m.put("artifactType", artifactType);
            }
            if (config != null) {
                m.set("config", config.toJson());
            }
            m.set("layers", layers.deepCopy());
            if (subject != null) {
                m.set("subject", subject.toJson());
            }
            if (!annotations.isEmpty()) {
                ObjectNode a = m.putObject("annotations");
                annotations.forEach(a::put);
            }
            return m;
        }

        public Manifest build() {
            return Manifest.of(prettyBytes(json()), mediaType);
        }
    }

    public static ManifestBuilder ociManifest() {
        return new ManifestBuilder(OCI_MANIFEST);
    }

    public static ManifestBuilder dockerManifest() {
        return new ManifestBuilder(DOCKER_MANIFEST);
    }

    /** Builder for OCI image indexes and Docker manifest lists. */
    public static final class IndexBuilder {
        private final String mediaType;
        private final ArrayNode manifests = JSON.createArrayNode();
        private Descriptor subject;
        private String artifactType;
        private final Map<String, String> annotations = new LinkedHashMap<>();

        private IndexBuilder(String mediaType) {
            this.mediaType = mediaType;
        }

        public IndexBuilder manifest(Descriptor d, String arch) {
            ObjectNode n = d.toJson();
            ObjectNode platform = n.putObject("platform");
            platform.put("architecture", arch);
            platform.put("os", "linux");
            manifests.add(n);
            return this;
        }

        public IndexBuilder subject(Descriptor d) {
            this.subject = d;
            return this;
        }

        public IndexBuilder artifactType(String t) {
            this.artifactType = t;
            return this;
        }

        public IndexBuilder annotation(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        public Manifest build() {
            ObjectNode m = JSON.createObjectNode();
            m.put("schemaVersion", 2);
            m.put("mediaType", mediaType);
            if (artifactType != null) {
                m.put("artifactType", artifactType);
            }
            m.set("manifests", manifests.deepCopy());
            if (subject != null) {
                m.set("subject", subject.toJson());
            }
            if (!annotations.isEmpty()) {
                ObjectNode a = m.putObject("annotations");
                annotations.forEach(a::put);
            }
            return Manifest.of(prettyBytes(m), mediaType);
        }
    }

    public static IndexBuilder ociIndex() {
        return new IndexBuilder(OCI_INDEX);
    }

    public static IndexBuilder dockerManifestList() {
        return new IndexBuilder(DOCKER_LIST);
    }

    // ---------------------------------------------------------------- JSON helpers

    public static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Pretty-printed, so that a registry which re-serialises the manifest instead of storing the exact bytes
     * gets caught by the byte-identity checks.
     */
    public static byte[] prettyBytes(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("response body is not JSON: "
                    + new String(body, StandardCharsets.UTF_8), e);
        }
    }
}
