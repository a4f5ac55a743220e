package dev.berth.storage.layout;

import dev.berth.core.digest.Digest;
import dev.berth.core.upload.UploadId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataLayoutTest {
    private static final Path ROOT = Path.of("/srv/berth");
    private static final String HEX = "ab12" + "0".repeat(60);
    private static final Digest DIGEST = Digest.parse("sha256:" + HEX);
    private static final Digest SHA512 = Digest.parse("sha512:cd34" + "1".repeat(124));
    private static final Instant CHECK_STARTED = Instant.parse("2025-03-04T05:06:07.890Z");
    private static final UploadId ID = UploadId.parse("0123456789abcdef0123456789abcdef");

    static Stream<Arguments> paths() {
        return Stream.of(
                path("root", DataLayout::root, ""),
                path("blobs", DataLayout::blobsDir, "blobs"),
                path("sha256 blobs", l -> l.blobAlgorithmDir("sha256"), "blobs/sha256"),
                path("sha512 blobs", l -> l.blobAlgorithmDir("sha512"), "blobs/sha512"),
                path("sha512 blob shard", l -> l.blobShardDir(SHA512), "blobs/sha512/cd"),
                path("sha512 blob", l -> l.blobFile(SHA512), "blobs/sha512/cd/" + SHA512.hex()),
                path("quarantined sha512 blob", l -> l.quarantined(l.blobFile(SHA512), CHECK_STARTED),
                        "quarantine/20250304T050607Z/sha512/cd/" + SHA512.hex()),
                path("blob shard", l -> l.blobShardDir(DIGEST), "blobs/sha256/ab"),
                path("blob", l -> l.blobFile(DIGEST), "blobs/sha256/ab/" + HEX),
                path("uploads", DataLayout::uploadsDir, "uploads"),
                path("upload data", l -> l.uploadData(ID), "uploads/" + ID.value() + ".data"),
                path("upload info", l -> l.uploadInfo(ID), "uploads/" + ID.value() + ".info"),
                path("metadata", DataLayout::metaDir, "meta"),
                path("metadata database", DataLayout::metaDatabase, "meta/berth"),
                path("metadata database file", DataLayout::metaDatabaseFile, "meta/berth.mv.db"),
                path("temp files", DataLayout::tmpDir, "tmp"),
                path("quarantine", DataLayout::quarantineDir, "quarantine"),
                path("quarantined blob", l -> l.quarantined(l.blobFile(DIGEST), CHECK_STARTED),
                        "quarantine/20250304T050607Z/sha256/ab/" + HEX));
    }

    private static Arguments path(String kind, Function<DataLayout, Path> path, String expected) {
        return Arguments.of(kind, path, expected);
    }

    @ParameterizedTest(name = "{0} is <data-dir>/{2}")
    @MethodSource("paths")
    void placesEveryKindOfPath(String kind, Function<DataLayout, Path> path, String expected) {
        DataLayout layout = new DataLayout(ROOT);

        assertThat(path.apply(layout)).isEqualTo(layout.root().resolve(expected));
    }

    @Test
    void quarantinesOnlyWhatIsUnderBlobs() {
        DataLayout layout = new DataLayout(ROOT);

        assertThatThrownBy(() -> layout.quarantined(layout.tmpDir().resolve("x"), CHECK_STARTED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.quarantined(layout.blobsDir().resolve("../../meta"), CHECK_STARTED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void makesTempFilesUniqueAndUnderTmp() {
        DataLayout layout = new DataLayout(ROOT);

        Path first = layout.newTempFile();
        Path second = layout.newTempFile();

        assertThat(first.getParent()).isEqualTo(layout.tmpDir());
        assertThat(first.getFileName().toString()).matches("[a-f0-9]{32}\\.tmp");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void hasADirectoryOnlyForTheAlgorithmsContentIsStoredUnder() {
        assertThatThrownBy(() -> new DataLayout(ROOT).blobAlgorithmDir("sha384")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataLayout(ROOT).blobAlgorithmDir("..")).isInstanceOf(IllegalArgumentException.class);
    }
}
