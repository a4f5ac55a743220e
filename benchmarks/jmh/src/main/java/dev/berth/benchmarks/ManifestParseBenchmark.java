package dev.berth.benchmarks;

import dev.berth.core.digest.Digest;
import dev.berth.core.manifest.ManifestParser;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.manifest.ParsedManifest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ManifestParser#parse} on a realistic OCI image manifest (config, 5 layers, annotations, about
 * 1.5 KB) and on an OCI image index of 8 platforms, in ops/s. {@link #digestAndParseImageManifest} adds
 * the {@code Digest.sha256Of(body)} that {@code RegistryService.putManifest} computes before parsing: the
 * CPU part of a manifest push before any metadata store access.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ManifestParseBenchmark {
    private ManifestParser parser;
    private byte[] imageManifest;
    private byte[] imageIndex;

    @Setup
    public void setUp() {
        parser = new ManifestParser();
        imageManifest = imageManifest().getBytes(StandardCharsets.UTF_8);
        imageIndex = imageIndex().getBytes(StandardCharsets.UTF_8);
        // Fail fast should the documents stop being valid for the parser.
        check(parser.parse(imageManifest, MediaTypes.OCI_MANIFEST).blobs().size() == 6, "manifest: 6 blobs");
        check(parser.parse(imageIndex, MediaTypes.OCI_INDEX).children().size() == 8, "index: 8 children");
    }

    @Benchmark
    public ParsedManifest parseImageManifest() {
        return parser.parse(imageManifest, MediaTypes.OCI_MANIFEST);
    }

    @Benchmark
    public ParsedManifest parseImageIndex() {
        return parser.parse(imageIndex, MediaTypes.OCI_INDEX);
    }

    @Benchmark
    public void digestAndParseImageManifest(Blackhole blackhole) {
        blackhole.consume(Digest.sha256Of(imageManifest));
        blackhole.consume(parser.parse(imageManifest, MediaTypes.OCI_MANIFEST));
    }

    /** Sizes of the two documents, for the README: {@code java -cp target/benchmarks.jar dev.berth.benchmarks.ManifestParseBenchmark}. */
    public static void main(String[] args) {
        System.out.println("image manifest: " + imageManifest().getBytes(StandardCharsets.UTF_8).length + " bytes");
        System.out.println("image index:    " + imageIndex().getBytes(StandardCharsets.UTF_8).length + " bytes");
    }

    static String imageManifest() {
        long[] layerSizes = {29_150_743L, 3_512_016L, 48_023_331L, 1_204L, 12_582_912L};
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < layerSizes.length; i++) {
            if (i > 0) {
                layers.append(",\n");
            }
            layers.append("""
                        {
                          "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                          "digest": "%s",
                          "size": %d
                        }""".formatted(digestOf("layer-" + i), layerSizes[i]));
        }
        return """
                {
                  "schemaVersion": 2,
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "%s",
                    "size": 7023
                  },
                  "layers": [
                %s
                  ],
                  "annotations": {
                    "org.opencontainers.image.created": "2025-11-20T10:15:30Z",
                    "org.opencontainers.image.source": "https://github.com/example/service",
                    "org.opencontainers.image.revision": "6f1c2a9e0b7d4c3a8e5f1b2d9c0a7e6f5d4c3b2a",
                    "org.opencontainers.image.version": "1.42.0"
                  }
                }
                """.formatted(digestOf("config"), layers);
    }

    static String imageIndex() {
        String[][] platforms = {
                {"amd64", "linux", null}, {"arm64", "linux", "v8"}, {"arm", "linux", "v7"}, {"arm", "linux", "v6"},
                {"386", "linux", null}, {"ppc64le", "linux", null}, {"s390x", "linux", null}, {"riscv64", "linux", null},
        };
        List<String> manifests = new ArrayList<>();
        for (String[] platform : platforms) {
            String variant = platform[2] == null ? "" : ",\n          \"variant\": \"" + platform[2] + "\"";
            manifests.add("""
                        {
                          "mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "digest": "%s",
                          "size": 1589,
                          "platform": {
                            "architecture": "%s",
                            "os": "%s"%s
                          }
                        }""".formatted(digestOf("manifest-" + platform[0] + platform[2]), platform[0], platform[1],
                    variant));
        }
        return """
                {
                  "schemaVersion": 2,
                  "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [
                %s
                  ],
                  "annotations": {
                    "org.opencontainers.image.created": "2025-11-20T10:15:30Z"
                  }
                }
                """.formatted(String.join(",\n", manifests));
    }

    private static String digestOf(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8)).value();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark document is not as expected: " + what);
        }
    }
}
