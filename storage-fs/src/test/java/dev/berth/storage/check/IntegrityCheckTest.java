package dev.berth.storage.check;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.storage.Storage;
import dev.berth.storage.check.Finding.Kind;
import dev.berth.storage.check.IntegrityCheck.Mode;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.MetadataLocation;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The check on a data directory damaged on purpose, behind the stores' backs: a truncated layer, the files of a
 * linked blob and of a manifest deleted, two usage counters set wrong, and a blob file nothing records.
 */
class IntegrityCheckTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final RepositoryName APP = RepositoryName.parse("library/app");
    private static final RepositoryName WEB = RepositoryName.parse("library/web");
    private static final RepositoryName TOOL = RepositoryName.parse("acme/tool");
    private static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dataDir;
    private DataLayout layout;
    private Digest config;
    private Digest layer;
    private Digest truncatedLayer;
    private Digest appManifest;
    private Digest webManifest;
    private Digest lostLayer;
    private Digest unrecorded;

    @BeforeEach
    void storeTwoImagesAndALooseBlob() throws IOException {
        layout = new DataLayout(dataDir);
        try (Storage storage = Storage.open(dataDir)) {
            storage.tenantStore().create("library", false, null, NOW);
            storage.tenantStore().create("acme", false, null, NOW);
            config = link(storage, APP, "{\"config\":1}");
            layer = link(storage, APP, "layer one");
            truncatedLayer = link(storage, APP, "layer two, to be truncated");
            appManifest = putManifest(storage, APP, "{\"manifest\":\"app\"}", config, layer, truncatedLayer);
            webManifest = putManifest(storage, WEB, "{\"manifest\":\"web\"}", link(storage, WEB, "web layer"));
            lostLayer = link(storage, TOOL, "tool layer, to be lost");
            unrecorded = Digest.sha256Of(bytes("pushed, never linked"));
            storage.blobStore().put(unrecorded, bytes("pushed, never linked"));
        }
    }

    @Test
    void findsNothingWrongInAnUndamagedDataDirectory() throws IOException {
        Files.delete(layout.blobFile(unrecorded));

        CheckReport report = check(Mode.REPORT, new ArrayList<>());

        assertThat(report.problems()).isZero();
        assertThat(report.found()).isEmpty();
        assertThat(report.blobFiles()).isEqualTo(7);
        assertThat(report.summary()).matches("checked 7 blob files \\(\\d+ bytes\\): no problems");
    }

    @Test
    void reportsEachDamageAndChangesNothing() throws Exception {
        damage();
        List<Finding> findings = new ArrayList<>();

        CheckReport report = check(Mode.REPORT, findings);

        List<Tuple> expected = new ArrayList<>(List.of(
                tuple(Kind.CORRUPT_BLOB, path(truncatedLayer) + " holds 5 bytes that hash to "
                        + Digest.sha256Of(bytes("layer")) + "; recorded in library/app", null),
                tuple(Kind.UNRECORDED_BLOB, unrecorded + " (20 bytes) is linked in no repository and no manifest "
                        + "is stored under it; left in place", null)));
        expected.addAll(inDigestOrder(
                tuple(Kind.MISSING_BLOB, lostLayer + " has no blob file; recorded in acme/tool", null),
                tuple(Kind.MISSING_BLOB, webManifest + " has no blob file; recorded in library/web", null)));
        expected.add(tuple(Kind.USAGE_MISMATCH, "registry library, blob " + layer + ": counted as 3 links of 9 bytes, "
                + "the links hold 1 link of 9 bytes", null));
        expected.add(tuple(Kind.USAGE_MISMATCH, "registry acme: storage used is 999 bytes, its links add up to 22 bytes",
                null));
        assertThat(findings).extracting(Finding::kind, Finding::description, Finding::repair)
                .containsExactlyElementsOf(expected);
        assertThat(report.problems()).isEqualTo(5);
        assertThat(report.unrepaired()).isEqualTo(5);
        assertThat(report.summary()).matches("checked 6 blob files \\(\\d+ bytes\\): 5 problems \\(1 corrupt blob, "
                + "2 missing blobs, 2 usage mismatches\\), 0 repaired; 1 unrecorded blob left for garbage collection");
        // A second look finds the same: reporting touched nothing.
        List<Finding> again = new ArrayList<>();
        check(Mode.REPORT, again);
        assertThat(again).isEqualTo(findings);
        assertThat(layout.quarantineDir()).doesNotExist();
    }

    @Test
    void repairsWhatItCanAndASecondCheckFindsNoProblem() throws Exception {
        damage();
        List<Finding> findings = new ArrayList<>();

        CheckReport report = check(Mode.REPAIR, findings);

        Path quarantined = layout.quarantineDir().resolve("20250304T050607Z")
                .resolve(layout.root().resolve("blobs").relativize(layout.blobFile(truncatedLayer)));
        List<Tuple> expected = new ArrayList<>(List.of(
                tuple(Kind.CORRUPT_BLOB, "moved to " + dataDir.relativize(quarantined)
                        + "; dropped 1 link or manifest naming it"),
                tuple(Kind.UNRECORDED_BLOB, null)));
        // The lost manifest's bytes were linked as a blob too: its link and its record go.
        expected.addAll(inDigestOrder(tuple(Kind.MISSING_BLOB, "dropped 1 link or manifest naming it"),
                tuple(Kind.MISSING_BLOB, "dropped 2 links and manifests naming it")));
        expected.add(tuple(Kind.USAGE_MISMATCH, "recounted from the links"));
        expected.add(tuple(Kind.USAGE_MISMATCH, "recounted from the links"));
        assertThat(findings).extracting(Finding::kind, Finding::repair).containsExactlyElementsOf(expected);
        assertThat(report.unrepaired()).isZero();
        assertThat(quarantined).hasContent("layer");
        assertThat(layout.blobFile(truncatedLayer)).doesNotExist();

        List<Finding> afterwards = new ArrayList<>();
        CheckReport second = check(Mode.REPORT, afterwards);
        assertThat(second.problems()).isZero();
        assertThat(afterwards).extracting(Finding::kind).containsExactly(Kind.UNRECORDED_BLOB);
        try (Storage storage = Storage.open(dataDir)) {
            var links = storage.metadataStores().blobLinks();
            assertThat(links.linkedBlobSize(APP, truncatedLayer)).isEmpty();
            assertThat(links.linkedBlobSize(APP, config)).isPresent();
            assertThat(links.linkedBlobSize(APP, layer)).isPresent();
            assertThat(storage.metadataStores().tags().resolveTag(APP, Tag.parse("latest"))).contains(appManifest);
            assertThat(storage.metadataStores().tags().resolveTag(WEB, Tag.parse("latest"))).isEmpty();
            assertThat(links.anyRepositoryLinking(lostLayer)).isEmpty();
            assertThat(storage.blobStore().size(unrecorded)).isPresent();
            assertThat(storage.tenantStore().find("acme").orElseThrow().storageUsedBytes()).isZero();
            assertThat(storage.recoveryReport().danglingDigests()).isZero();
        }
    }

    @Test
    void quarantinesWhatIsNotABlobAtItsAddress() throws IOException {
        Path strayFile = Files.writeString(layout.blobShardDir(layer).resolve(".partial-upload"), "half");
        Path wrongShard = layout.blobAlgorithmDir("sha256").resolve("00").resolve(layer.hex());
        Files.createDirectories(wrongShard.getParent());
        Files.copy(layout.blobFile(layer), wrongShard);
        Path strayDir = Files.createDirectories(layout.blobAlgorithmDir("sha256").resolve("lost+found"));
        // A sha256 name under sha512/ is no sha512 address, and nothing but the algorithms' directories is in blobs/.
        Path shortName = layout.blobAlgorithmDir("sha512").resolve(layer.hex().substring(0, 2)).resolve(layer.hex());
        Files.createDirectories(shortName.getParent());
        Files.copy(layout.blobFile(layer), shortName);
        Path strayAtTop = Files.writeString(layout.blobsDir().resolve("node-id"), "0000beef");
        List<Finding> findings = new ArrayList<>();

        CheckReport report = check(Mode.REPAIR, findings);

        String address = " is not a blob file at its address "
                + "(blobs/sha256/<first 2 hex>/<64 hex> or blobs/sha512/<first 2 hex>/<128 hex>)";
        assertThat(findings).filteredOn(f -> f.kind() == Kind.STRAY_ENTRY).extracting(Finding::description)
                .containsExactly(dataDir.relativize(strayAtTop) + address,
                        dataDir.relativize(wrongShard) + address,
                        dataDir.relativize(strayFile) + address,
                        dataDir.relativize(strayDir) + address,
                        dataDir.relativize(shortName) + address);
        assertThat(report.unrepaired()).isZero();
        Path quarantine = layout.quarantineDir().resolve("20250304T050607Z").resolve("sha256");
        assertThat(quarantine.resolve("00").resolve(layer.hex())).exists();
        assertThat(quarantine.resolve(layer.hex().substring(0, 2)).resolve(".partial-upload")).hasContent("half");
        assertThat(quarantine.resolve("lost+found")).isDirectory();
        assertThat(layout.quarantineDir().resolve("20250304T050607Z").resolve("node-id")).hasContent("0000beef");
        assertThat(layout.quarantineDir().resolve("20250304T050607Z").resolve("sha512")
                .resolve(layer.hex().substring(0, 2)).resolve(layer.hex())).exists();
        assertThat(layout.blobFile(layer)).exists();
    }

    @Test
    void quarantinesACorruptBlobThatNothingRecords() throws IOException {
        Files.writeString(layout.blobFile(unrecorded), "bit rot");
        List<Finding> findings = new ArrayList<>();

        check(Mode.REPAIR, findings);

        assertThat(findings).extracting(Finding::kind, Finding::description, Finding::repair).containsExactly(tuple(
                Kind.CORRUPT_BLOB, path(unrecorded) + " holds 7 bytes that hash to " + Digest.sha256Of(bytes("bit rot"))
                        + "; no repository records it",
                "moved to " + dataDir.relativize(layout.quarantined(layout.blobFile(unrecorded), NOW))));
    }

    @Test
    void rehashesASha512BlobWithSha512() throws IOException {
        Files.delete(layout.blobFile(unrecorded));
        Digest sha512 = Digest.compute(Digest.SHA512, bytes("sha512 layer"));
        try (Storage storage = Storage.open(dataDir)) {
            storage.blobStore().put(sha512, bytes("sha512 layer"));
            storage.metadataStores().blobLinks().linkBlobs(List.of(new BlobLink(APP, sha512, 12)), d -> true);
        }
        assertThat(layout.blobFile(sha512)).isEqualTo(layout.blobsDir().resolve("sha512")
                .resolve(sha512.hex().substring(0, 2)).resolve(sha512.hex()));

        CheckReport sound = check(Mode.REPORT, new ArrayList<>());
        assertThat(sound.problems()).isZero();
        assertThat(sound.blobFiles()).isEqualTo(8);

        Files.writeString(layout.blobFile(sha512), "sha512 bit rot");
        List<Finding> findings = new ArrayList<>();
        check(Mode.REPORT, findings);
        assertThat(findings).extracting(Finding::kind, Finding::description).containsExactly(tuple(Kind.CORRUPT_BLOB,
                path(sha512) + " holds 14 bytes that hash to " + Digest.compute(Digest.SHA512, bytes("sha512 bit rot"))
                        + "; recorded in library/app"));
    }

    @Test
    void refusesADirectoryWithoutBerthDataAndCreatesNothingThere() {
        Path empty = dataDir.resolve("not-berth");

        assertThatThrownBy(() -> IntegrityCheck.open(empty, MetadataLocation.embedded(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Berth data directory");
        assertThat(empty).doesNotExist();
    }

    /** The damage of the class comment, done with the server down. */
    private void damage() throws IOException, SQLException {
        try (FileChannel file = FileChannel.open(layout.blobFile(truncatedLayer), StandardOpenOption.WRITE)) {
            file.truncate(5);
        }
        Files.delete(layout.blobFile(lostLayer));
        Files.delete(layout.blobFile(webManifest));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + layout.metaDatabase(), "berth", "");
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE registries SET storage_used_bytes = 999 WHERE name = 'acme'");
            s.executeUpdate("UPDATE registry_blobs SET link_count = 3 WHERE digest = '" + layer.value() + "'");
        }
    }

    private CheckReport check(Mode mode, List<Finding> findings) throws IOException {
        try (IntegrityCheck check = IntegrityCheck.open(dataDir, MetadataLocation.embedded(), CLOCK)) {
            return check.run(mode, findings::add);
        }
    }

    private String path(Digest digest) {
        return dataDir.relativize(layout.blobFile(digest)).toString();
    }

    /** Two findings about {@link #lostLayer} and {@link #webManifest}, in the digest order the check reports in. */
    private List<Tuple> inDigestOrder(Tuple aboutLostLayer, Tuple aboutWebManifest) {
        return lostLayer.value().compareTo(webManifest.value()) < 0 ? List.of(aboutLostLayer, aboutWebManifest)
                : List.of(aboutWebManifest, aboutLostLayer);
    }

    private static Digest link(Storage storage, RepositoryName repository, String content) throws IOException {
        Digest digest = Digest.sha256Of(bytes(content));
        storage.blobStore().put(digest, bytes(content));
        storage.metadataStores().blobLinks().linkBlobs(List.of(new BlobLink(repository, digest, bytes(content).length)), d -> true);
        return digest;
    }

    /** As a push does: the manifest's bytes stored and linked as a blob, then its record, tagged latest. */
    private static Digest putManifest(Storage storage, RepositoryName repository, String content, Digest... references)
            throws IOException {
        Digest digest = link(storage, repository, content);
        storage.metadataStores().manifests().putManifest(repository, new ManifestRecord(digest, MEDIA_TYPE,
                bytes(content).length, List.of(references), null, null, Map.of(), NOW), List.of(Tag.parse("latest")),
                ManifestDependencies.NONE);
        return digest;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
