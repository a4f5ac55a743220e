package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Descriptor;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.berth.conformance.OciAssertions.assertContentType;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertHeader;
import static dev.berth.conformance.OciAssertions.assertNoHeader;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.nextLink;
import static dev.berth.conformance.OciAssertions.stringList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Content discovery (distribution-spec v1.1 "Listing Tags", "Listing Referrers"; conformance
 * 03_discovery_test.go), plus the {@code /v2/_catalog} extension with the same pagination rules.
 */
class ContentDiscoveryWorkflowTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final List<String> TAGS_PUSH_ORDER = List.of("v2", "alpha", "v10", "beta", "v1", "1.0", "latest");
    private static final List<String> TAGS_SORTED = List.of("1.0", "alpha", "beta", "latest", "v1", "v10", "v2");

    private static final String SBOM = "application/vnd.example.sbom.v1";
    private static final String SIG_CONFIG = "application/vnd.example.sig.config.v1+json";
    private static final String BUNDLE = "application/vnd.example.bundle.v1";

    private static RegistryClient client() {
        return registry.client();
    }

    /** A repository with one manifest under all of {@link #TAGS_PUSH_ORDER}. */
    private static String taggedRepo() {
        String repo = Content.randomRepo("tags");
        Image img = client().pushImage(repo, TAGS_PUSH_ORDER.get(0), 1);
        for (String t : TAGS_PUSH_ORDER.subList(1, TAGS_PUSH_ORDER.size())) {
            assertStatus(client().putManifest(repo, t, img.manifest()), 201);
        }
        return repo;
    }

    private static Map<String, String> queryOf(String link) {
        URI u = client().resolve(link);
        Map<String, String> q = new HashMap<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                q.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }

    // ------------------------------------------------------------------------------------------ tags

    @Test
    void tagsListIsSortedLexically() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo);
        assertStatus(r, 200);
        assertThat(json(r).path("name").asText()).as(describe(r)).isEqualTo(repo);
        assertThat(stringList(r, "tags")).as(describe(r)).containsExactlyElementsOf(TAGS_SORTED);
    }

    @Test
    void tagsListWithNGivesFirstNAndNextLink() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo, "n", "3");
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).containsExactly("1.0", "alpha", "beta");
        String link = nextLink(r).orElseGet(() -> fail("expected a Link rel=\"next\" header:\n" + describe(r)));
        assertThat(client().resolve(link).getPath()).isEqualTo("/v2/" + repo + "/tags/list");
        assertThat(queryOf(link)).containsEntry("n", "3").containsEntry("last", "beta");
    }

    @Test
    void followingTagsLinksWalksTheWholeListOnce() {
        String repo = taggedRepo();
        List<String> all = new ArrayList<>();
        String next = "/v2/" + repo + "/tags/list?n=2";
        for (int page = 0; next != null; page++) {
            assertThat(page).as("too many pages").isLessThan(10);
            HttpResponse<byte[]> r = client().get(next);
            assertStatus(r, 200);
            List<String> tags = stringList(r, "tags");
            assertThat(tags.size()).as(describe(r)).isLessThanOrEqualTo(2);
            all.addAll(tags);
            next = nextLink(r).orElse(null);
        }
        assertThat(all).containsExactlyElementsOf(TAGS_SORTED);
    }

    @Test
    void tagsListWithLastStartsAfterIt() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo, "last", "beta");
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).containsExactly("latest", "v1", "v10", "v2");

        HttpResponse<byte[]> r2 = client().tagsList(repo, "n", "2", "last", "beta");
        assertStatus(r2, 200);
        assertThat(stringList(r2, "tags")).as(describe(r2)).containsExactly("latest", "v1");
    }

    @Test
    void tagsListWithLastBeingTheLastTagIsEmpty() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo, "n", "5", "last", "v2");
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).isEmpty();
        assertNoHeader(r, "Link");
    }

    @Test
    void tagsListWithNZeroIsEmptyWithoutLink() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo, "n", "0");
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).isEmpty();
        assertNoHeader(r, "Link");
    }

    @Test
    void tagsListWithNLargerThanCountGivesAllWithoutLink() {
        String repo = taggedRepo();
        HttpResponse<byte[]> r = client().tagsList(repo, "n", "100");
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).containsExactlyElementsOf(TAGS_SORTED);
        assertNoHeader(r, "Link");
    }

    @Test
    void mixedCaseTagsAreOrderedAndPaginatedConsistently() {
        // "the tags MUST be in lexical order (i.e. case-insensitive alphanumeric order)": byte order and
        // case-insensitive order are both accepted here, but `last` pagination must agree with the order used.
        String repo = Content.randomRepo("tags-case");
        List<String> tags = List.of("b", "A", "c", "B2", "a1", "Z", "_x", "9");
        Image img = client().pushImage(repo, tags.get(0), 1);
        for (String t : tags.subList(1, tags.size())) {
            assertStatus(client().putManifest(repo, t, img.manifest()), 201);
        }
        HttpResponse<byte[]> full = client().tagsList(repo);
        assertStatus(full, 200);
        List<String> listed = stringList(full, "tags");
        List<String> byteOrder = tags.stream().sorted().toList();
        List<String> caseInsensitive = tags.stream().sorted(String.CASE_INSENSITIVE_ORDER.thenComparing(x -> x))
                .toList();
        assertThat(listed).as(describe(full)).isIn(byteOrder, caseInsensitive);
        List<String> walked = new ArrayList<>();
        String next = "/v2/" + repo + "/tags/list?n=3";
        for (int page = 0; next != null; page++) {
            assertThat(page).as("too many pages").isLessThan(10);
            HttpResponse<byte[]> r = client().get(next);
            assertStatus(r, 200);
            walked.addAll(stringList(r, "tags"));
            next = nextLink(r).orElse(null);
        }
        assertThat(walked).containsExactlyElementsOf(listed);
        for (int i = 0; i < listed.size(); i++) {
            HttpResponse<byte[]> after = client().tagsList(repo, "last", listed.get(i));
            assertStatus(after, 200);
            assertThat(stringList(after, "tags")).as(describe(after))
                    .containsExactlyElementsOf(listed.subList(i + 1, listed.size()));
        }
    }

    @Test
    void tagsListOfUnknownRepositoryGives404NameUnknown() {
        assertError(client().tagsList(Content.randomRepo("ghost")), 404, "NAME_UNKNOWN");
    }

    @Test
    void tagsListOfRepositoryWithOnlyUntaggedManifestsIsEmpty() {
        String repo = Content.randomRepo("untagged");
        Image img = RegistryClient.newImage(repo, 1);
        client().pushImage(img, img.manifest().digest());
        HttpResponse<byte[]> r = client().tagsList(repo);
        assertStatus(r, 200);
        assertThat(stringList(r, "tags")).as(describe(r)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ catalog

    private static List<String> threeRepos() {
        String prefix = "library/cat-" + Content.randomAlnum(8);
        List<String> repos = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
        for (String r : repos) {
            client().pushImage(r, "latest", 1);
        }
        return repos;
    }

    @Test
    void catalogListsRepositoriesSorted() {
        List<String> mine = threeRepos();
        HttpResponse<byte[]> r = client().catalog();
        assertStatus(r, 200);
        List<String> repos = stringList(r, "repositories");
        assertThat(repos).as(describe(r)).containsAll(mine).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void catalogPaginatesWithNLastAndLink() {
        List<String> mine = threeRepos();
        HttpResponse<byte[]> r = client().catalog("n", "1", "last", mine.get(0));
        assertStatus(r, 200);
        assertThat(stringList(r, "repositories")).as(describe(r)).containsExactly(mine.get(1));
        String link = nextLink(r).orElseGet(() -> fail("expected a Link rel=\"next\" header:\n" + describe(r)));
        assertThat(client().resolve(link).getPath()).isEqualTo("/v2/_catalog");
        assertThat(queryOf(link)).containsEntry("n", "1").containsEntry("last", mine.get(1));
        HttpResponse<byte[]> next = client().get(link);
        assertStatus(next, 200);
        assertThat(stringList(next, "repositories")).as(describe(next)).containsExactly(mine.get(2));
    }

    @Test
    void followingCatalogLinksGivesTheFullList() {
        threeRepos();
        HttpResponse<byte[]> full = client().catalog();
        assertStatus(full, 200);
        List<String> expected = stringList(full, "repositories");
        List<String> walked = new ArrayList<>();
        String next = "/v2/_catalog?n=2";
        for (int page = 0; next != null; page++) {
            assertThat(page).as("too many pages").isLessThan(100);
            HttpResponse<byte[]> r = client().get(next);
            assertStatus(r, 200);
            List<String> repos = stringList(r, "repositories");
            assertThat(repos.size()).as(describe(r)).isLessThanOrEqualTo(2);
            walked.addAll(repos);
            next = nextLink(r).orElse(null);
        }
        assertThat(walked).containsExactlyElementsOf(expected);
    }

    @Test
    void catalogWithNZeroIsEmptyWithoutLink() {
        threeRepos();
        HttpResponse<byte[]> r = client().catalog("n", "0");
        assertStatus(r, 200);
        assertThat(stringList(r, "repositories")).as(describe(r)).isEmpty();
        assertNoHeader(r, "Link");
    }

    // ------------------------------------------------------------------------------------------ referrers

    /** A subject image and its five referrers (3 manifests, 2 indexes) in a fresh repository. */
    private record ReferrersFixture(String repo, Manifest subject, Map<String, ExpectedReferrer> referrers) {
    }

    /** What the referrers list must say about one referrer. */
    private record ExpectedReferrer(String mediaType, String digest, long size, String artifactType,
                                    Map<String, String> annotations) {
    }

    private static ExpectedReferrer expected(Manifest m, String artifactType, Map<String, String> annotations) {
        return new ExpectedReferrer(m.mediaType(), m.digest(), m.bytes().length, artifactType, annotations);
    }

    private static ReferrersFixture referrersFixture() {
        RegistryClient c = client();
        String repo = Content.randomRepo("refs");
        Image subjectImage = c.pushImage(repo, "subject", 1);
        Manifest subject = subjectImage.manifest();
        Blob emptyJson = Blob.of(Content.EMPTY_JSON);
        c.pushBlob(repo, emptyJson);
        Descriptor emptyConfig = emptyJson.descriptor(Content.OCI_EMPTY);
        Blob sbomData = Content.randomBlob(90);
        Blob sigConfig = Blob.of(("{\"sig\":\"" + Content.randomAlnum(10) + "\"}").getBytes(StandardCharsets.UTF_8));
        Blob sigData = Content.randomBlob(60);
        for (Blob b : List.of(sbomData, sigConfig, sigData)) {
            c.pushBlob(repo, b);
        }
        Map<String, ExpectedReferrer> expected = new LinkedHashMap<>();

        // A: artifactType set, empty config
        Map<String, String> annA = Map.of("org.example.kind", "sbom-a",
                "org.opencontainers.image.created", "2024-01-01T00:00:00Z");
        Content.ManifestBuilder a = Content.ociManifest().artifactType(SBOM).config(emptyConfig)
                .layer(sbomData.descriptor("application/vnd.example.sbom.data")).subject(subject.descriptor());
        annA.forEach(a::annotation);
        Manifest ma = a.build();
        // B: no artifactType: the config media type stands in; pushed by tag
        Map<String, String> annB = Map.of("org.example.kind", "sig-b");
        Content.ManifestBuilder b = Content.ociManifest().config(sigConfig.descriptor(SIG_CONFIG))
                .layer(sigData.descriptor("application/vnd.example.sig.data")).subject(subject.descriptor());
        annB.forEach(b::annotation);
        Manifest mb = b.build();
        // C: a second SBOM
        Map<String, String> annC = Map.of("org.example.kind", "sbom-c");
        Content.ManifestBuilder cc = Content.ociManifest().artifactType(SBOM).config(emptyConfig)
                .layer(sbomData.descriptor("application/vnd.example.sbom.data")).subject(subject.descriptor());
        annC.forEach(cc::annotation);
        Manifest mc = cc.build();
        // D: an index with artifactType
        Map<String, String> annD = Map.of("org.example.kind", "bundle-d");
        Content.IndexBuilder d = Content.ociIndex().artifactType(BUNDLE).manifest(ma.descriptor(), "amd64")
                .subject(subject.descriptor());
        annD.forEach(d::annotation);
        Manifest md = d.build();
        // E: an index without artifactType: it must be omitted
        Map<String, String> annE = Map.of("org.example.kind", "index-e");
        Content.IndexBuilder e = Content.ociIndex().manifest(mc.descriptor(), "arm64").subject(subject.descriptor());
        annE.forEach(e::annotation);
        Manifest me = e.build();

        for (Manifest m : List.of(ma, mc, md, me)) {
            HttpResponse<byte[]> r = c.putManifest(repo, m.digest(), m);
            assertStatus(r, 201);
            assertHeader(r, "OCI-Subject", subject.digest());
        }
        HttpResponse<byte[]> rb = c.putManifest(repo, "sig-b", mb);
        assertStatus(rb, 201);
        assertHeader(rb, "OCI-Subject", subject.digest());

        expected.put(ma.digest(), expected(ma, SBOM, annA));
        expected.put(mb.digest(), expected(mb, SIG_CONFIG, annB));
        expected.put(mc.digest(), expected(mc, SBOM, annC));
        expected.put(md.digest(), expected(md, BUNDLE, annD));
        expected.put(me.digest(), expected(me, null, annE));
        return new ReferrersFixture(repo, subject, expected);
    }

    /** Checks the response is an image index and returns its descriptors keyed by digest. */
    private static Map<String, JsonNode> referrersIndex(HttpResponse<byte[]> r) {
        assertStatus(r, 200);
        assertContentType(r, Content.OCI_INDEX);
        JsonNode idx = json(r);
        assertThat(idx.path("schemaVersion").asInt()).as(describe(r)).isEqualTo(2);
        assertThat(idx.path("mediaType").asText()).as(describe(r)).isEqualTo(Content.OCI_INDEX);
        assertThat(idx.path("manifests").isArray()).as("\"manifests\" must be an array:\n%s", describe(r)).isTrue();
        Map<String, JsonNode> byDigest = new LinkedHashMap<>();
        for (JsonNode d : idx.get("manifests")) {
            assertThat(byDigest.put(d.path("digest").asText(), d)).as("duplicate entry in\n%s", describe(r)).isNull();
        }
        return byDigest;
    }

    private static void assertDescriptor(JsonNode actual, ExpectedReferrer e, HttpResponse<byte[]> r) {
        assertThat(actual.path("mediaType").asText()).as("mediaType of %s in\n%s", e.digest(), describe(r))
                .isEqualTo(e.mediaType());
        assertThat(actual.path("size").asLong()).as("size of %s in\n%s", e.digest(), describe(r)).isEqualTo(e.size());
        if (e.artifactType() == null) {
            assertThat(actual.has("artifactType")).as("artifactType must be omitted for %s in\n%s", e.digest(),
                    describe(r)).isFalse();
        } else {
            assertThat(actual.path("artifactType").asText()).as("artifactType of %s in\n%s", e.digest(), describe(r))
                    .isEqualTo(e.artifactType());
        }
        Map<String, String> ann = new HashMap<>();
        actual.path("annotations").fields().forEachRemaining(f -> ann.put(f.getKey(), f.getValue().asText()));
        assertThat(ann).as("annotations of %s in\n%s", e.digest(), describe(r))
                .containsAllEntriesOf(e.annotations());
    }

    @Test
    void referrersListsEveryReferrerWithItsDescriptorFields() {
        ReferrersFixture f = referrersFixture();
        HttpResponse<byte[]> r = client().referrers(f.repo(), f.subject().digest(), null);
        Map<String, JsonNode> got = referrersIndex(r);
        assertThat(got.keySet()).as(describe(r)).containsExactlyInAnyOrderElementsOf(f.referrers().keySet());
        f.referrers().forEach((digest, e) -> assertDescriptor(got.get(digest), e, r));
    }

    @Test
    void referrersFilteredByArtifactType() {
        ReferrersFixture f = referrersFixture();
        HttpResponse<byte[]> r = client().referrers(f.repo(), f.subject().digest(), SBOM);
        Map<String, JsonNode> got = referrersIndex(r);
        assertHeader(r, "OCI-Filters-Applied", "artifactType");
        List<String> sboms = f.referrers().values().stream().filter(e -> SBOM.equals(e.artifactType()))
                .map(ExpectedReferrer::digest).toList();
        assertThat(sboms).hasSize(2);
        assertThat(got.keySet()).as(describe(r)).containsExactlyInAnyOrderElementsOf(sboms);
        sboms.forEach(d -> assertDescriptor(got.get(d), f.referrers().get(d), r));

        // the config media type stands in for a missing artifactType, filters included
        HttpResponse<byte[]> sig = client().referrers(f.repo(), f.subject().digest(), SIG_CONFIG);
        Map<String, JsonNode> gotSig = referrersIndex(sig);
        assertHeader(sig, "OCI-Filters-Applied", "artifactType");
        assertThat(gotSig).hasSize(1);
        assertThat(gotSig.values().iterator().next().path("artifactType").asText()).isEqualTo(SIG_CONFIG);
    }

    @Test
    void referrersFilterWithoutMatchGivesEmptyIndex() {
        ReferrersFixture f = referrersFixture();
        HttpResponse<byte[]> r = client().referrers(f.repo(), f.subject().digest(), "application/vnd.example.none");
        assertThat(referrersIndex(r)).as(describe(r)).isEmpty();
        assertHeader(r, "OCI-Filters-Applied", "artifactType");
    }

    @Test
    void referrersOfSubjectWithoutReferrersIsEmptyIndex() {
        String repo = Content.randomRepo("refs-none");
        Image img = client().pushImage(repo, "latest", 1);
        HttpResponse<byte[]> r = client().referrers(repo, img.manifest().digest(), null);
        assertThat(referrersIndex(r)).as(describe(r)).isEmpty();
    }

    @Test
    void referrersOfNonexistentSubjectIsEmptyIndex() {
        // 03_discovery_test.go: "GET request to nonexistent blob should result in empty 200 response"
        String repo = Content.randomRepo("refs-none");
        client().pushImage(repo, "latest", 1);
        HttpResponse<byte[]> r = client().referrers(repo, Content.unknownDigest(), null);
        assertThat(referrersIndex(r)).as(describe(r)).isEmpty();
    }

    @Test
    void referrerOfMissingSubjectIsListed() {
        // 03_discovery_test.go: "GET request to missing manifest should yield 200" with the one referrer
        String repo = Content.randomRepo("refs-ghost");
        Blob emptyJson = Blob.of(Content.EMPTY_JSON);
        client().pushBlob(repo, emptyJson);
        Blob data = Content.randomBlob(40);
        client().pushBlob(repo, data);
        Manifest ghost = RegistryClient.newImage(repo, 1).manifest(); // never pushed
        Manifest ref = Content.ociManifest().artifactType(SBOM).config(emptyJson.descriptor(Content.OCI_EMPTY))
                .layer(data.descriptor("application/vnd.example.sbom.data")).subject(ghost.descriptor())
                .annotation("org.example.kind", "orphan").build();
        HttpResponse<byte[]> put = client().putManifest(repo, ref.digest(), ref);
        assertStatus(put, 201);
        assertHeader(put, "OCI-Subject", ghost.digest());
        HttpResponse<byte[]> r = client().referrers(repo, ghost.digest(), null);
        Map<String, JsonNode> got = referrersIndex(r);
        assertThat(got.keySet()).as(describe(r)).containsExactly(ref.digest());
        assertDescriptor(got.get(ref.digest()),
                expected(ref, SBOM, Map.of("org.example.kind", "orphan")), r);
    }

    @Test
    void referrersAreScopedToTheRepository() {
        ReferrersFixture f = referrersFixture();
        // the same subject digest, asked in another repository, has no referrers there
        String other = Content.randomRepo("refs-other");
        client().pushImage(other, "latest", 1);
        HttpResponse<byte[]> r = client().referrers(other, f.subject().digest(), null);
        assertThat(referrersIndex(r)).as(describe(r)).isEmpty();
    }

    @Test
    void referrersWithInvalidDigestGives400() {
        String repo = Content.randomRepo("refs-bad");
        client().pushImage(repo, "latest", 1);
        HttpResponse<byte[]> r = client().referrers(repo, "sha256:notadigest", null);
        assertStatus(r, 400);
        Optional.of(r).filter(x -> x.body().length > 0).ifPresent(OciAssertions::errorCodes);
    }
}
