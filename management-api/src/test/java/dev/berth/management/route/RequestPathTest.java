package dev.berth.management.route;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathTest {
    @Test
    void splitsBeforeDecodingSoThatAnEncodedSlashStaysInItsSegment() {
        assertThat(RequestPath.segments("/a/team%2Fapp/b")).containsExactly("a", "team/app", "b");
        assertThat(RequestPath.segments("/a/team/app/b")).containsExactly("a", "team", "app", "b");
    }

    @Test
    void keepsPlusSignsAndDecodesUtf8() {
        assertThat(RequestPath.segments("/sha256+b64u:x/caf%C3%A9")).containsExactly("sha256+b64u:x", "café");
    }

    @Test
    void ignoresOneTrailingSlashAndMatchesNothingWithEmptySegments() {
        assertThat(RequestPath.segments("/a/b/")).containsExactly("a", "b");
        assertThat(RequestPath.segments("/a//b")).isEqualTo(List.of());
        assertThat(RequestPath.segments("a/b")).isEqualTo(List.of());
    }

    @Test
    void joinsAMultiSegmentParameterFromBothEnds() {
        PathTemplate template = PathTemplate.parse("/r/{registry}/repositories/{repository+}/artifacts/{digest}");
        assertThat(template.match(RequestPath.segments("/r/acme/repositories/a/b%2Fc/artifacts/sha256:1")))
                .hasValueSatisfying(params -> assertThat(params)
                        .containsEntry("registry", "acme").containsEntry("repository", "a/b/c").containsEntry("digest", "sha256:1"));
        assertThat(template.match(RequestPath.segments("/r/acme/repositories/artifacts/sha256:1"))).isEmpty();
        assertThat(template.match(RequestPath.segments("/r/acme/repositories/a/artifacts/latest"))).isEmpty();
        assertThat(template.openApiPath()).isEqualTo("/r/{registry}/repositories/{repository}/artifacts/{digest}");
        assertThat(template.literalCount()).isEqualTo(3);
    }
}
