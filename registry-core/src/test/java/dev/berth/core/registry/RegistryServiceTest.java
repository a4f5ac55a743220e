package dev.berth.core.registry;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.CoreFixture;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.usage.HistoryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.berth.core.testing.CoreFixture.bytes;
import static dev.berth.core.testing.CoreFixture.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryServiceTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final String ACTOR = "ci-bot";

    private final CoreFixture f = new CoreFixture().withRegistry("acme", null);
    private final RegistryService registry = f.registry;

    private static void assertOci(Executable call, OciErrorCode code) {
        assertThatThrownBy(call::execute)
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(code));
    }

    /** Links a config and a layer into the repository and pushes an image manifest over them. */
    private PushedManifest pushImage(RepositoryName repository, String tag, String layerContent) {
        Digest config = f.linkBlob(repository, "{}");
        Digest layer = f.linkBlob(repository, layerContent);
        byte[] body = bytes(imageManifest(config, 2, layer, layerContent.length()));
        return registry.putManifest(repository, tag == null ? Digest.sha256Of(body) : Tag.parse(tag), MediaTypes.OCI_MANIFEST, body, ACTOR);
    }

    // ---- manifest push --------------------------------------------------------------------------------

    @Test
    void storesAManifestWhoseBlobsAreLinkedAndTagsIt() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");

        StoredManifest byTag = registry.getManifest(APP, Tag.parse("v1"));
        StoredManifest byDigest = registry.getManifest(APP, pushed.digest());
        assertThat(byTag.digest()).isEqualTo(pushed.digest());
        assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(Digest.sha256Of(byTag.content())).isEqualTo(pushed.digest());
        assertThat(byDigest.content()).isEqualTo(byTag.content());
        assertThat(pushed.subject()).isNull();
    }

    @Test
    void refusesAManifestReferencingABlobTheRepositoryLacks() {
        Digest config = f.linkBlob(APP, "{}");
        Digest missing = Digest.sha256Of(bytes("never uploaded"));
        byte[] body = bytes(imageManifest(config, 2, missing, 14));

        assertOci(() -> registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, body, ACTOR),
                OciErrorCode.MANIFEST_BLOB_UNKNOWN);
        assertOci(() -> registry.getManifest(APP, Tag.parse("v1")), OciErrorCode.MANIFEST_UNKNOWN);
    }

    @Test
    void refusesAManifestReferencingABlobLinkedOnlyInAnotherRepository() {
        RepositoryName other = RepositoryName.parse("acme/other");
        Digest config = f.linkBlob(APP, "{}");
        Digest layer = f.linkBlob(other, "layer");
        byte[] body = bytes(imageManifest(config, 2, layer, 5));

        assertOci(() -> registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, body, ACTOR),
                OciErrorCode.MANIFEST_BLOB_UNKNOWN);
    }

    @Test
    void refusesADescriptorWhoseSizeDiffersFromTheLinkedBlob() {
        Digest config = f.linkBlob(APP, "{}");
        Digest layer = f.linkBlob(APP, "layer");
        byte[] body = bytes(imageManifest(config, 2, layer, 6));

        assertOci(() -> registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, body, ACTOR),
                OciErrorCode.MANIFEST_INVALID);
    }

    @Test
    void refusesAnIndexWhoseChildManifestIsMissing() {
        PushedManifest child = pushImage(APP, null, "layer");
        Digest missing = Digest.sha256Of(bytes("no such manifest"));
        byte[] index = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + child.digest() + "\",\"size\":1},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + missing + "\",\"size\":1}]}");

        assertOci(() -> registry.putManifest(APP, Tag.parse("multi"), MediaTypes.OCI_INDEX, index, ACTOR),
                OciErrorCode.MANIFEST_BLOB_UNKNOWN);
    }

    @Test
    void storesAnIndexWhoseChildrenAreStored() {
        PushedManifest child = pushImage(APP, null, "layer");
        byte[] index = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + child.digest() + "\",\"size\":1}]}");

        PushedManifest pushed = registry.putManifest(APP, Tag.parse("multi"), MediaTypes.OCI_INDEX, index, ACTOR);

        assertThat(registry.getManifest(APP, Tag.parse("multi")).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(pushed.digest()).isEqualTo(Digest.sha256Of(index));
    }

    @Test
    void refusesADigestReferenceThatDoesNotMatchTheBody() {
        Digest config = f.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));
        Digest other = Digest.sha256Of(bytes("something else"));

        assertOci(() -> registry.putManifest(APP, other, MediaTypes.OCI_MANIFEST, body, ACTOR), OciErrorCode.DIGEST_INVALID);
        assertThat(f.blobs.contains(Digest.sha256Of(body))).isFalse();
    }

    @Test
    void acceptsADigestReferenceThatMatchesTheBodyAndTagsNothing() {
        Digest config = f.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));

        registry.putManifest(APP, Digest.sha256Of(body), MediaTypes.OCI_MANIFEST, body, ACTOR);

        assertThat(f.metadata.listTags(APP, null, 10)).isEmpty();
        assertThat(registry.getManifest(APP, Digest.sha256Of(body)).content()).isEqualTo(body);
    }

    @Test
    void storesAManifestPushedBySha512DigestUnderThatDigest() {
        Digest config = f.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));
        Digest sha512 = Digest.compute(Digest.SHA512, body);

        PushedManifest pushed = registry.putManifest(APP, sha512, MediaTypes.OCI_MANIFEST, body, ACTOR);

        assertThat(pushed.digest()).isEqualTo(sha512);
        assertThat(registry.getManifest(APP, sha512).content()).isEqualTo(body);
        assertThat(f.blobs.contains(sha512)).isTrue();
        assertOci(() -> registry.putManifest(APP, Digest.compute(Digest.SHA512, bytes("other")), MediaTypes.OCI_MANIFEST,
                body, ACTOR), OciErrorCode.DIGEST_INVALID);
    }

    @Test
    void refusesAManifestLargerThanTheCap() {
        CoreFixture small = new CoreFixture(CoreFixture.limits(100, 1000)).withRegistry("acme", null);
        Digest config = small.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));
        assertThat(body.length).isGreaterThan(100);

        assertOci(() -> small.registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, body, ACTOR),
                OciErrorCode.MANIFEST_TOO_LARGE);
    }

    @Test
    void acceptsAManifestOfExactlyTheCap() {
        CoreFixture probe = new CoreFixture().withRegistry("acme", null);
        Digest config = probe.linkBlob(APP, "{}");
        int size = bytes(imageManifest(config, 2)).length;
        CoreFixture exact = new CoreFixture(CoreFixture.limits(size, 1000)).withRegistry("acme", null);
        exact.linkBlob(APP, "{}");

        exact.registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, bytes(imageManifest(config, 2)), ACTOR);

        assertThat(exact.registry.getManifest(APP, Tag.parse("v1")).content()).hasSize(size);
    }

    @Test
    void refusesAPushIntoARegistryThatDoesNotExist() {
        RepositoryName nowhere = RepositoryName.parse("nowhere/app");
        byte[] body = bytes(imageManifest(Digest.sha256Of(bytes("{}")), 2));

        assertOci(() -> registry.putManifest(nowhere, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, body, ACTOR), OciErrorCode.NAME_UNKNOWN);
        assertOci(() -> registry.startUpload(nowhere, "ci-bot"), OciErrorCode.NAME_UNKNOWN);
        assertThat(f.metadata.repositoryExists(nowhere)).isFalse();
    }

    @Test
    void refusesAMalformedManifestAsManifestInvalid() {
        assertOci(() -> registry.putManifest(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, bytes("{\"schemaVersion\":1}"), ACTOR),
                OciErrorCode.MANIFEST_INVALID);
    }

    @Test
    void movesATagToTheNewestManifest() {
        PushedManifest first = pushImage(APP, "latest", "one");
        PushedManifest second = pushImage(APP, "latest", "two");

        assertThat(registry.getManifest(APP, Tag.parse("latest")).digest()).isEqualTo(second.digest()).isNotEqualTo(first.digest());
        assertThat(registry.getManifest(APP, first.digest()).digest()).isEqualTo(first.digest());
    }

    @Test
    void answersTheSubjectOfAReferrer() {
        PushedManifest subject = pushImage(APP, "v1", "layer");
        Digest empty = f.linkBlob(APP, "{}");
        byte[] referrer = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"application/sig\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + empty + "\",\"size\":2},\"layers\":[],"
                + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subject.digest() + "\",\"size\":9}}");

        PushedManifest pushed = registry.putManifest(APP, Digest.sha256Of(referrer), MediaTypes.OCI_MANIFEST, referrer, ACTOR);

        assertThat(pushed.subject()).isEqualTo(subject.digest());
    }

    // ---- pull ------------------------------------------------------------------------------------------

    @Test
    void answersManifestUnknownForAnUnknownTagOrDigest() {
        pushImage(APP, "v1", "layer");

        assertOci(() -> registry.getManifest(APP, Tag.parse("v2")), OciErrorCode.MANIFEST_UNKNOWN);
        assertOci(() -> registry.getManifest(APP, Digest.sha256Of(bytes("x"))), OciErrorCode.MANIFEST_UNKNOWN);
        assertOci(() -> registry.getManifest(RepositoryName.parse("acme/none"), Tag.parse("v1")), OciErrorCode.MANIFEST_UNKNOWN);
    }

    @Test
    void doesNotServeAManifestOfAnotherRepository() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");

        assertOci(() -> registry.getManifest(RepositoryName.parse("acme/other"), pushed.digest()), OciErrorCode.MANIFEST_UNKNOWN);
    }

    @Test
    void statsOnlyBlobsLinkedIntoTheRepository() {
        Digest layer = f.linkBlob(APP, "layer");

        assertThat(registry.statBlob(APP, layer)).isEqualTo(new BlobInfo(layer, 5));
        assertOci(() -> registry.statBlob(RepositoryName.parse("acme/other"), layer), OciErrorCode.BLOB_UNKNOWN);
    }

    // ---- delete ----------------------------------------------------------------------------------------

    @Test
    void deletingATagKeepsTheManifestAndItsOtherTags() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        f.metadata.putManifest(APP, f.metadata.manifest(APP, pushed.digest()).orElseThrow(), List.of(Tag.parse("stable")),
                ManifestDependencies.NONE);

        registry.deleteManifest(APP, Tag.parse("v1"), ACTOR);

        assertOci(() -> registry.getManifest(APP, Tag.parse("v1")), OciErrorCode.MANIFEST_UNKNOWN);
        assertThat(registry.getManifest(APP, pushed.digest()).digest()).isEqualTo(pushed.digest());
        assertThat(registry.getManifest(APP, Tag.parse("stable")).digest()).isEqualTo(pushed.digest());
    }

    @Test
    void deletingByDigestRemovesTheManifestAndEveryTag() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        f.metadata.putManifest(APP, f.metadata.manifest(APP, pushed.digest()).orElseThrow(), List.of(Tag.parse("stable")),
                ManifestDependencies.NONE);

        registry.deleteManifest(APP, pushed.digest(), ACTOR);

        assertOci(() -> registry.getManifest(APP, pushed.digest()), OciErrorCode.MANIFEST_UNKNOWN);
        assertOci(() -> registry.getManifest(APP, Tag.parse("v1")), OciErrorCode.MANIFEST_UNKNOWN);
        assertOci(() -> registry.getManifest(APP, Tag.parse("stable")), OciErrorCode.MANIFEST_UNKNOWN);
    }

    @Test
    void deletesNothingUnderAnUnknownTagOrDigest() {
        pushImage(APP, "v1", "layer");

        assertThat(registry.deleteManifest(APP, Tag.parse("nope"), ACTOR)).isFalse();
        assertThat(registry.deleteManifest(APP, Digest.sha256Of(bytes("nope")), ACTOR)).isFalse();
    }

    @Test
    void deletingAManifestUnlinksTheBlobsOnlyItUsedOnceTheGracePeriodIsOver() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        Digest layer = Digest.sha256Of(bytes("layer"));
        f.clock.advance(Duration.ofHours(2));

        registry.deleteManifest(APP, pushed.digest(), ACTOR);

        assertOci(() -> registry.statBlob(APP, layer), OciErrorCode.BLOB_UNKNOWN);
        assertThat(f.tenantStore.usage("acme")).isZero();
    }

    @Test
    void deletingAManifestSparesBlobsLinkedWithinTheGracePeriod() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        Digest layer = Digest.sha256Of(bytes("layer"));

        registry.deleteManifest(APP, pushed.digest(), ACTOR);

        assertThat(registry.statBlob(APP, layer).size()).isEqualTo(5);
    }

    @Test
    void deletingABlobUnlinksItFromTheRepository() {
        Digest layer = f.linkBlob(APP, "layer");

        registry.deleteBlob(APP, layer);

        assertOci(() -> registry.statBlob(APP, layer), OciErrorCode.BLOB_UNKNOWN);
        assertOci(() -> registry.deleteBlob(APP, layer), OciErrorCode.BLOB_UNKNOWN);
    }

    // ---- listings --------------------------------------------------------------------------------------

    @Test
    void listsTagsInPagesWithACursor() {
        Digest config = f.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));
        for (String tag : List.of("e", "a", "d", "c", "b")) {
            registry.putManifest(APP, Tag.parse(tag), MediaTypes.OCI_MANIFEST, body, ACTOR);
        }

        Page<Tag> first = registry.listTags(APP, 2, null);
        Page<Tag> second = registry.listTags(APP, 2, first.next());
        Page<Tag> third = registry.listTags(APP, 2, second.next());

        assertThat(first.items()).extracting(Tag::value).containsExactly("a", "b");
        assertThat(first.next()).isEqualTo("b");
        assertThat(second.items()).extracting(Tag::value).containsExactly("c", "d");
        assertThat(second.next()).isEqualTo("d");
        assertThat(third.items()).extracting(Tag::value).containsExactly("e");
        assertThat(third.next()).isNull();
    }

    @Test
    void listsEveryTagWithoutACursorWhenNoPageSizeIsGiven() {
        pushImage(APP, "v1", "one");
        pushImage(APP, "v2", "two");

        Page<Tag> page = registry.listTags(APP, null, null);

        assertThat(page.items()).extracting(Tag::value).containsExactly("v1", "v2");
        assertThat(page.next()).isNull();
    }

    @Test
    void endsTheListWhenTheLastPageIsExactlyFull() {
        pushImage(APP, "v1", "one");
        pushImage(APP, "v2", "two");

        Page<Tag> page = registry.listTags(APP, 2, null);

        assertThat(page.items()).hasSize(2);
        assertThat(page.next()).isNull();
    }

    @Test
    void capsThePageSizeAtTheConfiguredMaximum() {
        CoreFixture capped = new CoreFixture(CoreFixture.limits(4 * 1024 * 1024, 2)).withRegistry("acme", null);
        Digest config = capped.linkBlob(APP, "{}");
        byte[] body = bytes(imageManifest(config, 2));
        for (String tag : List.of("a", "b", "c")) {
            capped.registry.putManifest(APP, Tag.parse(tag), MediaTypes.OCI_MANIFEST, body, ACTOR);
        }

        Page<Tag> page = capped.registry.listTags(APP, 100, null);

        assertThat(page.items()).extracting(Tag::value).containsExactly("a", "b");
        assertThat(page.next()).isEqualTo("b");
    }

    @Test
    void listingTagsOfAnUnknownRepositoryIsNameUnknown() {
        assertOci(() -> registry.listTags(RepositoryName.parse("acme/none"), null, null), OciErrorCode.NAME_UNKNOWN);
    }

    @Test
    void refusesANegativePageSize() {
        pushImage(APP, "v1", "one");

        assertOci(() -> registry.listTags(APP, -1, null), OciErrorCode.PARAMETER_INVALID);
    }

    @Test
    void listsTheCatalogThroughAVisibilityFilterAcrossStoreBatches() {
        // 250 repositories: more than one batch of the store (the service reads at least 100 at a time).
        List<RepositoryName> visible = new ArrayList<>();
        IntStream.range(0, 250).forEach(i -> {
            RepositoryName name = RepositoryName.parse(String.format("acme/r%03d", i));
            f.linkBlob(name, "x");
            if (i % 7 == 0) {
                visible.add(name);
            }
        });

        List<RepositoryName> seen = new ArrayList<>();
        String last = null;
        int pages = 0;
        do {
            Page<RepositoryName> page = registry.catalog(10, last, visible::contains);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(10);
            seen.addAll(page.items());
            last = page.next();
            pages++;
        } while (last != null && pages < 100);

        assertThat(seen).containsExactlyElementsOf(visible);
        assertThat(pages).isEqualTo((visible.size() + 9) / 10);
    }

    @Test
    void findsVisibleRepositoriesThatLieBeyondTheFirstBatch() {
        IntStream.range(0, 300).forEach(i -> f.linkBlob(RepositoryName.parse(String.format("acme/r%03d", i)), "x"));
        RepositoryName late = RepositoryName.parse("acme/r299");

        Page<RepositoryName> page = registry.catalog(5, null, late::equals);

        assertThat(page.items()).containsExactly(late);
        assertThat(page.next()).isNull();
    }

    // ---- referrers -------------------------------------------------------------------------------------

    @Test
    void listsReferrersOfASubjectFilteredByArtifactType() {
        PushedManifest subject = pushImage(APP, "v1", "layer");
        Digest empty = f.linkBlob(APP, "{}");
        List<Digest> pushed = new ArrayList<>();
        for (String type : List.of("application/sig", "application/sbom", "application/sig")) {
            byte[] referrer = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"" + type + "\","
                    + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + empty + "\",\"size\":2},\"layers\":[],"
                    + "\"annotations\":{\"n\":\"" + pushed.size() + "\"},"
                    + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subject.digest() + "\",\"size\":9}}");
            pushed.add(registry.putManifest(APP, Digest.sha256Of(referrer), MediaTypes.OCI_MANIFEST, referrer, ACTOR).digest());
        }

        List<Descriptor> all = registry.referrers(APP, subject.digest(), null);
        List<Descriptor> sigs = registry.referrers(APP, subject.digest(), "application/sig");

        assertThat(all).extracting(Descriptor::digest).containsExactlyInAnyOrderElementsOf(pushed);
        assertThat(all).allSatisfy(d -> {
            assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(d.annotations()).containsKey("n");
            assertThat(d.size()).isPositive();
        });
        assertThat(sigs).extracting(Descriptor::digest).containsExactlyInAnyOrder(pushed.get(0), pushed.get(2));
        assertThat(sigs).extracting(Descriptor::artifactType).containsOnly("application/sig");
        assertThat(registry.referrers(APP, subject.digest(), "application/none")).isEmpty();
        assertThat(registry.referrers(APP, Digest.sha256Of(bytes("no subject")), null)).isEmpty();
    }

    // ---- uploads ---------------------------------------------------------------------------------------

    @Test
    void completesAnUploadAndLinksTheBlob() throws Exception {
        BlobUpload upload = registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("hello ")));
        upload.append(ByteBuffer.wrap(bytes("world")));
        Digest digest = Digest.sha256Of(bytes("hello world"));

        BlobInfo blob = registry.completeUpload(upload, digest);

        assertThat(blob).isEqualTo(new BlobInfo(digest, 11));
        assertThat(registry.statBlob(APP, digest).size()).isEqualTo(11);
        assertThat(f.tenantStore.usage("acme")).isEqualTo(11);
        assertOci(() -> registry.upload(APP, upload.id().value()), OciErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    @Test
    void keepsNothingWhenTheDigestDoesNotMatch() throws Exception {
        BlobUpload upload = registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("hello")));
        Digest wrong = Digest.sha256Of(bytes("bye"));

        assertOci(() -> registry.completeUpload(upload, wrong), OciErrorCode.DIGEST_INVALID);

        assertOci(() -> registry.statBlob(APP, wrong), OciErrorCode.BLOB_UNKNOWN);
        assertThat(f.blobs.contains(wrong)).isFalse();
        assertThat(f.tenantStore.usage("acme")).isZero();
    }

    @Test
    void completesAnUploadUnderASha512Digest() throws Exception {
        BlobUpload upload = registry.startUpload(APP, "ci-bot", Digest.SHA512);
        upload.append(ByteBuffer.wrap(bytes("hello world")));
        Digest digest = Digest.compute(Digest.SHA512, bytes("hello world"));

        registry.checkBlobDigest(digest);
        BlobInfo blob = registry.completeUpload(upload, digest);

        assertThat(blob).isEqualTo(new BlobInfo(digest, 11));
        assertThat(registry.statBlob(APP, digest).size()).isEqualTo(11);
        assertThat(f.tenantStore.usage("acme")).isEqualTo(11);
    }

    @Test
    void takesTheSessionsDigestAlgorithmFromTheRequestSha256ByDefault() {
        assertThat(RegistryService.digestAlgorithm(null)).isEqualTo("sha256");
        assertThat(RegistryService.digestAlgorithm("sha512")).isEqualTo("sha512");
        assertThat(registry.startUpload(APP, "ci-bot", "sha512").digestAlgorithm()).isEqualTo("sha512");
        assertOci(() -> RegistryService.digestAlgorithm("sha384"), OciErrorCode.PARAMETER_INVALID);
        assertOci(() -> RegistryService.digestAlgorithm("SHA512"), OciErrorCode.PARAMETER_INVALID);
    }

    @Test
    void findsAnUploadOnlyInItsOwnRepository() {
        BlobUpload upload = registry.startUpload(APP, "ci-bot");

        assertThat(registry.upload(APP, upload.id().value())).isSameAs(upload);
        assertOci(() -> registry.upload(RepositoryName.parse("acme/other"), upload.id().value()), OciErrorCode.BLOB_UPLOAD_UNKNOWN);
        assertOci(() -> registry.upload(APP, "not-an-id"), OciErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    @Test
    void refusesAChunkThatDoesNotStartAtTheCurrentOffset() throws Exception {
        BlobUpload upload = registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("12345")));

        registry.checkChunkStart(upload, 5);
        assertOci(() -> registry.checkChunkStart(upload, 4), OciErrorCode.RANGE_NOT_SATISFIABLE);
        assertOci(() -> registry.checkChunkStart(upload, 6), OciErrorCode.RANGE_NOT_SATISFIABLE);
    }

    @Test
    void cancellingAnUploadForgetsIt() {
        BlobUpload upload = registry.startUpload(APP, "ci-bot");

        registry.cancelUpload(upload);

        assertOci(() -> registry.upload(APP, upload.id().value()), OciErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    @Test
    void expiresUploadsOlderThanTheConfiguredLifetime() {
        BlobUpload old = registry.startUpload(APP, "ci-bot");
        f.clock.advance(Duration.ofHours(23));
        BlobUpload recent = registry.startUpload(APP, "ci-bot");
        f.clock.advance(Duration.ofHours(2));

        assertThat(registry.expireUploads()).isEqualTo(1);

        assertOci(() -> registry.upload(APP, old.id().value()), OciErrorCode.BLOB_UPLOAD_UNKNOWN);
        assertThat(registry.upload(APP, recent.id().value())).isSameAs(recent);
    }

    @Test
    void mountsABlobFromANamedRepository() {
        RepositoryName source = RepositoryName.parse("acme/base");
        Digest layer = f.linkBlob(source, "layer");

        assertThat(registry.mount(APP, layer, source, r -> true)).contains(new BlobInfo(layer, 5));
        assertThat(registry.statBlob(APP, layer).size()).isEqualTo(5);
        assertThat(f.tenantStore.usage("acme")).isEqualTo(5);
    }

    @Test
    void mountsFromAnyRepositoryOnlyWhenTheCallerMayReadIt() {
        f.withRegistry("other", null);
        Digest layer = f.linkBlob(RepositoryName.parse("other/base"), "layer");

        assertThat(registry.mount(APP, layer, null, r -> false)).isEmpty();
        assertThat(registry.mount(APP, layer, null, r -> true)).isPresent();
    }

    @Test
    void doesNotMountABlobTheSourceLacks() {
        assertThat(registry.mount(APP, Digest.sha256Of(bytes("x")), RepositoryName.parse("acme/base"), r -> true)).isEmpty();
    }

    // ---- usage -----------------------------------------------------------------------------------------

    @Test
    void recordsAPushEventPerManifest() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        f.usage.flush();

        assertThat(f.usageStore.events()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("push");
            assertThat(e.registry()).isEqualTo("acme");
            assertThat(e.repository()).isEqualTo("app");
            assertThat(e.reference()).isEqualTo("v1");
            assertThat(e.digest()).isEqualTo(pushed.digest().value());
            assertThat(e.actor()).isEqualTo(ACTOR);
            assertThat(e.time()).isEqualTo(f.clock.instant());
        });
    }

    @Test
    void countsTheBytesOfCompletedUploadsAndPushedManifestsButNotOfMounts() {
        // Uploads a config and a layer through upload sessions, then the manifest.
        PushedManifest pushed = dev.berth.core.testing.TestImages.pushImage(registry, APP, "v1", "layer");
        Digest layer = Digest.sha256Of(bytes("layer"));
        assertThat(registry.mount(RepositoryName.parse("acme/other"), layer, APP, r -> true)).isPresent();
        f.usage.flush();

        // The registry holds exactly the three uploads, each once.
        long uploaded = f.tenantStore.usage("acme");
        assertThat(uploaded).isGreaterThan(registry.getManifest(APP, pushed.digest()).content().length + "layer".length());
        assertThat(f.usageStore.days("acme")).singleElement().satisfies(day -> {
            assertThat(day.bytesPushed()).isEqualTo(uploaded);
            assertThat(day.pushes()).isEqualTo(1);
        });
    }

    @Test
    void recordsAPullOnlyWhenAskedTo() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        f.usage.flush();

        StoredManifest manifest = registry.getManifest(APP, Tag.parse("v1"));
        f.usage.flush();
        assertThat(f.usageStore.pulls()).isEmpty();

        registry.recordPull(APP, Tag.parse("v1"), manifest, "anonymous");
        registry.recordPull(APP, pushed.digest(), manifest, "anonymous");
        f.usage.flush();

        assertThat(f.usageStore.pulls()).extracting(p -> p.tag()).containsExactlyInAnyOrder("v1", null);
        assertThat(f.usageStore.pulls()).extracting(p -> p.digest()).containsOnly(pushed.digest());
        assertThat(f.usageStore.events()).extracting(HistoryEvent::action).containsExactly("push", "pull", "pull");
        assertThat(f.usageStore.events()).extracting(HistoryEvent::reference).containsExactly("v1", "v1", pushed.digest().value());
    }

    @Test
    void recordsDeleteEventsForTagsAndManifests() {
        PushedManifest pushed = pushImage(APP, "v1", "layer");
        registry.deleteManifest(APP, Tag.parse("v1"), "admin");
        registry.deleteManifest(APP, pushed.digest(), "admin");
        f.usage.flush();

        assertThat(f.usageStore.events()).filteredOn(e -> e.action().equals("delete"))
                .extracting(HistoryEvent::reference).containsExactly("v1", pushed.digest().value());
    }

    @Test
    void refusesAnIndexThatTheAcceptHeaderDoesNotAdmit() {
        assertThat(RegistryService.refusedByAccept(MediaTypes.OCI_INDEX, List.of(MediaTypes.OCI_MANIFEST))).isTrue();
        assertThat(RegistryService.refusedByAccept(MediaTypes.OCI_INDEX, List.of(MediaTypes.OCI_INDEX + ";q=0.5"))).isFalse();
        assertThat(RegistryService.refusedByAccept(MediaTypes.OCI_INDEX, List.of("*/*"))).isFalse();
        assertThat(RegistryService.refusedByAccept(MediaTypes.OCI_INDEX, List.of())).isFalse();
        assertThat(RegistryService.refusedByAccept(MediaTypes.OCI_MANIFEST, List.of(MediaTypes.DOCKER_MANIFEST))).isFalse();
    }
}
