package dev.berth.core.manifest;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest C = Digest.parse("sha256:" + "c".repeat(64));

    private final ManifestParser parser = new ManifestParser();

    private static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static String image(String mediaType) {
        return "{\"schemaVersion\":2" + (mediaType == null ? "" : ",\"mediaType\":\"" + mediaType + "\"")
                + ",\"config\":" + descriptor(CONFIG_TYPE, A, 10)
                + ",\"layers\":[" + descriptor(LAYER_TYPE, B, 20) + "]}";
    }

    private static String index(String mediaType) {
        return "{\"schemaVersion\":2" + (mediaType == null ? "" : ",\"mediaType\":\"" + mediaType + "\"")
                + ",\"manifests\":[" + descriptor(MediaTypes.OCI_MANIFEST, B, 300) + "," + descriptor(MediaTypes.OCI_MANIFEST, C, 400) + "]}";
    }

    private ParsedManifest parse(String json, String contentType) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    private static void assertInvalid(Runnable parse) {
        assertThatThrownBy(parse::run)
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.MANIFEST_INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST})
    void parsesAnImageManifestIntoConfigThenLayers(String mediaType) {
        ParsedManifest manifest = parse(image(mediaType), mediaType);

        assertThat(manifest.mediaType()).isEqualTo(mediaType);
        assertThat(manifest.blobs()).extracting(Descriptor::digest).containsExactly(A, B);
        assertThat(manifest.blobs()).extracting(Descriptor::size).containsExactly(10L, 20L);
        assertThat(manifest.children()).isEmpty();
        assertThat(manifest.references()).containsExactly(A, B);
        assertThat(manifest.subject()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST})
    void parsesAnIndexIntoItsChildren(String mediaType) {
        ParsedManifest manifest = parse(index(mediaType), mediaType);

        assertThat(manifest.mediaType()).isEqualTo(mediaType);
        assertThat(manifest.blobs()).isEmpty();
        assertThat(manifest.children()).extracting(Descriptor::digest).containsExactly(B, C);
        assertThat(manifest.references()).containsExactly(B, C);
    }

    @Test
    void takesTheMediaTypeFromContentTypeWhenTheBodyHasNone() {
        assertThat(parse(image(null), MediaTypes.DOCKER_MANIFEST).mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(parse(index(null), MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8").mediaType())
                .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    }

    @Test
    void guessesAnOciTypeFromTheShapeWhenNeitherBodyNorContentTypeNamesOne() {
        assertThat(parse(image(null), null).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(parse(index(null), "application/json").mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    }

    @Test
    void refusesAMediaTypeFieldThatContradictsTheContentType() {
        assertInvalid(() -> parse(image(MediaTypes.OCI_MANIFEST), MediaTypes.DOCKER_MANIFEST));
        assertInvalid(() -> parse(index(MediaTypes.OCI_INDEX), MediaTypes.OCI_MANIFEST));
    }

    @Test
    void ignoresAContentTypeThatIsNoManifestType() {
        assertThat(parse(image(MediaTypes.OCI_MANIFEST), "application/octet-stream").mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void comparesTheContentTypeCaseInsensitivelyAndWithoutParameters() {
        assertThat(parse(image(MediaTypes.OCI_MANIFEST), "Application/VND.OCI.Image.Manifest.v1+JSON; charset=utf-8").mediaType())
                .isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void refusesAnUnknownMediaTypeField() {
        assertInvalid(() -> parse(image("application/vnd.example+json"), null));
    }

    static Stream<Arguments> malformedDocuments() {
        String config = descriptor(CONFIG_TYPE, A, 10);
        return Stream.of(
                Arguments.of("not JSON", "{"),
                Arguments.of("empty body", ""),
                Arguments.of("an array", "[]"),
                Arguments.of("no schemaVersion", "{\"config\":" + config + ",\"layers\":[]}"),
                Arguments.of("schemaVersion 1", "{\"schemaVersion\":1,\"config\":" + config + ",\"layers\":[]}"),
                Arguments.of("schemaVersion as a string", "{\"schemaVersion\":\"2\",\"config\":" + config + ",\"layers\":[]}"),
                Arguments.of("schemaVersion 2.0", "{\"schemaVersion\":2.0,\"config\":" + config + ",\"layers\":[]}"),
                Arguments.of("mediaType not a string", "{\"schemaVersion\":2,\"mediaType\":7,\"config\":" + config + "}"),
                Arguments.of("missing config", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}"),
                Arguments.of("config not an object", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":\"x\"}"),
                Arguments.of("layers not an array", "{\"schemaVersion\":2,\"config\":" + config + ",\"layers\":{}}"),
                Arguments.of("layer without digest", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"size\":1}]}"),
                Arguments.of("layer with a malformed digest", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"size\":1,\"digest\":\"sha256:xyz\"}]}"),
                Arguments.of("layer without size", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + B + "\"}]}"),
                Arguments.of("layer with a negative size", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[" + descriptor(LAYER_TYPE, B, -1) + "]}"),
                Arguments.of("layer with a fractional size", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + B + "\",\"size\":1.5}]}"),
                Arguments.of("layer with a string size", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + B + "\",\"size\":\"1\"}]}"),
                Arguments.of("layer without mediaType", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[{\"digest\":\"" + B + "\",\"size\":1}]}"),
                Arguments.of("docker manifest without layers", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST
                        + "\",\"config\":" + config + "}"),
                Arguments.of("index without manifests", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\"}"),
                Arguments.of("index manifests not an array", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                        + "\",\"manifests\":5}"),
                Arguments.of("annotations not an object", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[],\"annotations\":[]}"),
                Arguments.of("annotation value not a string", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[],\"annotations\":{\"a\":1}}"),
                Arguments.of("subject not an object", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[],\"subject\":\"" + C + "\"}"),
                Arguments.of("artifactType not a string", "{\"schemaVersion\":2,\"config\":" + config
                        + ",\"layers\":[],\"artifactType\":{}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedDocuments")
    void refusesAMalformedDocumentAsManifestInvalid(String what, String json) {
        assertInvalid(() -> parse(json, null));
    }

    @Test
    void acceptsAnOciImageManifestWithoutLayers() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(MediaTypes.OCI_EMPTY, A, 2) + "}";

        assertThat(parse(json, MediaTypes.OCI_MANIFEST).blobs()).extracting(Descriptor::digest).containsExactly(A);
    }

    @Test
    void readsAnnotationsOfTheManifestAndOfItsDescriptors() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(CONFIG_TYPE, A, 10) + ",\"layers\":[{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + B
                + "\",\"size\":20,\"annotations\":{\"org.opencontainers.image.title\":\"layer.tar\"}}],"
                + "\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\",\"k\":\"v\"}}";

        ParsedManifest manifest = parse(json, null);

        assertThat(manifest.annotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z", "k", "v"));
        assertThat(manifest.blobs().get(1).annotations()).containsEntry("org.opencontainers.image.title", "layer.tar");
        assertThat(manifest.blobs().get(0).annotations()).isNull();
    }

    @Test
    void readsTheSubjectWithoutCountingItAsAReference() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(MediaTypes.OCI_EMPTY, A, 2) + ",\"layers\":[],\"subject\":" + descriptor(MediaTypes.OCI_MANIFEST, C, 500) + "}";

        ParsedManifest manifest = parse(json, null);

        assertThat(manifest.subject().digest()).isEqualTo(C);
        assertThat(manifest.subject().size()).isEqualTo(500);
        assertThat(manifest.references()).containsExactly(A);
    }

    @Test
    void readsTheSubjectOfAnIndex() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[],"
                + "\"artifactType\":\"application/vnd.example.sbom\",\"subject\":" + descriptor(MediaTypes.OCI_MANIFEST, C, 500) + "}";

        ParsedManifest manifest = parse(json, null);

        assertThat(manifest.subject().digest()).isEqualTo(C);
        assertThat(manifest.artifactType()).isEqualTo("application/vnd.example.sbom");
        assertThat(manifest.children()).isEmpty();
    }

    @Test
    void takesTheArtifactTypeFieldWhenPresent() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"application/vnd.example.sig\","
                + "\"config\":" + descriptor(MediaTypes.OCI_EMPTY, A, 2) + ",\"layers\":[]}";

        assertThat(parse(json, null).artifactType()).isEqualTo("application/vnd.example.sig");
    }

    @Test
    void fallsBackToTheConfigMediaTypeForTheArtifactType() {
        assertThat(parse(image(MediaTypes.OCI_MANIFEST), null).artifactType()).isEqualTo(CONFIG_TYPE);
    }

    @Test
    void leavesAnIndexWithoutArtifactTypeWithoutOne() {
        assertThat(parse(index(MediaTypes.OCI_INDEX), null).artifactType()).isNull();
    }

    @Test
    void keepsDescriptorArtifactTypes() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + B + "\",\"size\":3,\"artifactType\":\"application/x\"}]}";

        assertThat(parse(json, null).children().get(0).artifactType()).isEqualTo("application/x");
    }
}
