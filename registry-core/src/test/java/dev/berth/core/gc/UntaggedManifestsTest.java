package dev.berth.core.gc;

import dev.berth.core.digest.Digest;
import dev.berth.core.gc.UntaggedManifests.Manifest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UntaggedManifestsTest {
    private static final Instant CUTOFF = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant OLD = CUTOFF.minusSeconds(3600);

    private static Digest d(String name) {
        return Digest.sha256Of(name.getBytes(StandardCharsets.UTF_8));
    }

    private static Manifest untagged(String name, Digest subject, Digest... children) {
        return new Manifest(d(name), false, OLD, subject, List.of(children));
    }

    private static Manifest tagged(String name, Digest... children) {
        return new Manifest(d(name), true, OLD, null, List.of(children));
    }

    @Test
    void anUntaggedManifestPushedBeforeTheCutoffThatNothingKeepsGoes() {
        assertThat(UntaggedManifests.unkept(List.of(untagged("lone", null), tagged("app")), CUTOFF))
                .containsExactly(d("lone"));
    }

    @Test
    void anUntaggedManifestPushedSinceTheCutoffStays() {
        Manifest recent = new Manifest(d("recent"), false, CUTOFF, null, List.of());
        assertThat(UntaggedManifests.unkept(List.of(recent), CUTOFF)).isEmpty();
    }

    @Test
    void theChildrenOfAKeptIndexStayAndThoseOfAnUnkeptIndexGo() {
        List<Manifest> manifests = List.of(
                tagged("kept index", d("amd64"), d("arm64")), untagged("amd64", null), untagged("arm64", null),
                untagged("old index", null, d("s390x")), untagged("s390x", null));
        assertThat(UntaggedManifests.unkept(manifests, CUTOFF)).containsExactlyInAnyOrder(d("old index"), d("s390x"));
    }

    @Test
    void referrersStayWithWhatTheyReferToAndGoWithIt() {
        List<Manifest> manifests = List.of(
                tagged("image"), untagged("signature", d("image")), untagged("sbom of signature", d("signature")),
                untagged("old image", null), untagged("old signature", d("old image")));
        assertThat(UntaggedManifests.unkept(manifests, CUTOFF))
                .containsExactlyInAnyOrder(d("old image"), d("old signature"));
    }

    @Test
    void theSubjectOfAKeptReferrerStays() {
        // A tagged signature keeps its (untagged) subject, and the subject's index children with it.
        List<Manifest> manifests = List.of(untagged("index", null, d("child")), untagged("child", null),
                new Manifest(d("signature"), true, OLD, d("index"), List.of()));
        assertThat(UntaggedManifests.unkept(manifests, CUTOFF)).isEmpty();
    }

    @Test
    void referencesToBlobsOrManifestsElsewhereAreIgnored() {
        assertThat(UntaggedManifests.unkept(List.of(tagged("app", d("layer"), d("not here"))), CUTOFF)).isEmpty();
    }
}
