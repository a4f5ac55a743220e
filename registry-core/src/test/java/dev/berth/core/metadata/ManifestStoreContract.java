package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ManifestStore} does, the check of a manifest's dependencies included; an implementation's
 * test extends this with its {@link #open}.
 */
public abstract class ManifestStoreContract extends MetadataContract {
    private ManifestStore manifests() {
        return metadata.manifests();
    }

    @Test
    void keepsEverythingAManifestRecordHoldsAndEachReferenceOnce() {
        ManifestRecord manifest = new ManifestRecord(digest("manifest"), IMAGE_MANIFEST, 512,
                List.of(digest("config"), digest("layer 1"), digest("layer 2"), digest("layer 1")),
                digest("subject"), "application/vnd.example.sbom",
                Map.of("org.opencontainers.image.created", "2025-01-01T00:00:00Z", "quote", "\"json\" {}"),
                Instant.parse("2025-01-01T00:00:00.654321Z"));

        manifests().putManifest(ALPINE, manifest, List.of(), ManifestDependencies.NONE);

        ManifestRecord read = manifests().manifest(ALPINE, manifest.digest()).orElseThrow();
        assertThat(read).usingRecursiveComparison().ignoringFields("references").isEqualTo(manifest);
        assertThat(read.references()).containsExactly(digest("config"), digest("layer 1"), digest("layer 2"));
        assertThat(manifests().manifest(BUSYBOX, manifest.digest())).isEmpty();
        assertThat(manifests().manifest(ALPINE, digest("other"))).isEmpty();
        assertThat(metadata.repositories().repositoryExists(ALPINE)).isTrue();
    }

    @Test
    void readsAManifestWithoutSubjectOrAnnotations() {
        ManifestRecord manifest = manifest("plain", null);

        put(ALPINE, manifest, null);

        assertThat(manifests().manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void findsReferrersBySubjectInDigestOrder() {
        Digest subject = manifest("subject", null).digest();
        ManifestRecord sbom = manifest("sbom", subject);
        ManifestRecord signature = manifest("signature", subject);
        put(ALPINE, sbom, null);
        put(ALPINE, signature, null);
        put(ALPINE, manifest("unrelated", digest("elsewhere")), null);
        put(BUSYBOX, manifest("busybox sbom", subject), null);

        List<ManifestRecord> referrers = manifests().referrers(ALPINE, subject);

        assertThat(referrers).extracting(ManifestRecord::digest).isEqualTo(List.of(sbom.digest(), signature.digest())
                .stream().sorted(Comparator.comparing(Digest::value)).toList());
        assertThat(referrers).allSatisfy(r -> assertThat(r.references()).containsExactly(digest("config")));
        assertThat(manifests().referrers(ALPINE, digest("nothing"))).isEmpty();
        assertThat(manifests().referrers(RepositoryName.parse("unknown/repo"), subject)).isEmpty();
    }

    @Test
    void deletesAManifestWithItsTags() {
        ManifestRecord kept = manifest("kept", null);
        ManifestRecord deleted = manifest("deleted", digest("subject"));
        put(ALPINE, kept, "stable");
        put(ALPINE, deleted, "latest");
        put(ALPINE, deleted, "edge");

        assertThat(manifests().deleteManifest(ALPINE, deleted.digest())).isTrue();
        assertThat(manifests().deleteManifest(ALPINE, deleted.digest())).isFalse();
        assertThat(manifests().deleteManifest(BUSYBOX, deleted.digest())).isFalse();

        assertThat(manifests().manifest(ALPINE, deleted.digest())).isEmpty();
        assertThat(manifests().referrers(ALPINE, digest("subject"))).isEmpty();
        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
        assertThat(metadata.tags().listTags(ALPINE, null, 10)).containsExactly(Tag.parse("stable"));
        assertThat(manifests().manifest(ALPINE, kept.digest())).contains(kept);
    }

    @Test
    void recordsNothingIntoARegistryThatDoesNotExist() {
        RepositoryName orphan = RepositoryName.parse("acmex/app");

        assertOci(() -> manifests().putManifest(orphan, manifest("m", null), List.of(Tag.parse("v1")), ManifestDependencies.NONE),
                OciErrorCode.NAME_UNKNOWN);

        assertThat(metadata.repositories().repositoryExists(orphan)).isFalse();
        assertThat(metadata.repositories().listRepositories(null, 10)).isEmpty();
    }

    // --- a manifest's dependencies, checked in the transaction that records it

    @Test
    void recordsAManifestWhoseBlobsAreLinkedWithTheirSizes() {
        link(ALPINE, digest("config"), 6);
        link(ALPINE, digest("layer"), 5);
        ManifestRecord manifest = manifest("m", null);

        manifests().putManifest(ALPINE, manifest, List.of(Tag.parse("v1")), dependencies(blob("config", 6), blob("layer", 5)));

        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("v1"))).contains(manifest.digest());
    }

    @Test
    void pointsEveryTagOfAPushAtTheManifestMovingThemFromAnother() {
        ManifestRecord first = manifest("first", null);
        ManifestRecord second = manifest("second", null);
        manifests().putManifest(ALPINE, first, List.of(Tag.parse("1.2"), Tag.parse("latest")), ManifestDependencies.NONE);

        manifests().putManifest(ALPINE, second, List.of(Tag.parse("1.3"), Tag.parse("latest")), ManifestDependencies.NONE);

        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("1.2"))).contains(first.digest());
        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("1.3"))).contains(second.digest());
        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("latest"))).contains(second.digest());
    }

    @Test
    void refusesAManifestWhoseBlobIsNotLinkedAndStoresNothingOfIt() {
        link(ALPINE, digest("config"), 6);
        ManifestRecord manifest = manifest("m", null);

        assertOci(() -> manifests().putManifest(ALPINE, manifest, List.of(Tag.parse("v1")),
                dependencies(blob("config", 6), blob("layer", 5))), OciErrorCode.MANIFEST_BLOB_UNKNOWN);

        assertThat(manifests().manifest(ALPINE, manifest.digest())).isEmpty();
        assertThat(metadata.tags().resolveTag(ALPINE, Tag.parse("v1"))).isEmpty();
    }

    @Test
    void refusesAManifestWhoseBlobSizeDiffersFromTheLink() {
        link(ALPINE, digest("layer"), 5);

        assertOci(() -> manifests().putManifest(ALPINE, manifest("m", null), List.of(), dependencies(blob("layer", 4))),
                OciErrorCode.MANIFEST_INVALID);
    }

    @Test
    void refusesAnIndexWhoseChildIsNotStoredInTheRepository() {
        ManifestRecord child = manifest("child", null);
        put(BUSYBOX, child, null);
        ManifestDependencies index = new ManifestDependencies(List.of(),
                List.of(new Descriptor(IMAGE_MANIFEST, child.digest(), child.size(), null, null)));

        assertOci(() -> manifests().putManifest(ALPINE, manifest("index", null), List.of(), index),
                OciErrorCode.MANIFEST_BLOB_UNKNOWN);

        put(ALPINE, child, null);
        manifests().putManifest(ALPINE, manifest("index", null), List.of(), index);
        assertThat(manifests().manifest(ALPINE, manifest("index", null).digest())).isPresent();
    }
}
