package dev.berth.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code /v2} endpoint with every method: those the distribution-spec's endpoint table gives it are served
 * (whatever the answer, it is not 405), and any other is answered 405 with {@code UNSUPPORTED}, by the admin as
 * by anyone. Walks the whole table, so a change to how the server dispatches cannot drop or add a method unseen.
 */
class EndpointMethodsTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    /** The endpoint table: the methods each endpoint serves. */
    private static final Map<String, Set<String>> SERVED = Map.of(
            "base", Set.of("GET", "HEAD"),
            "catalog", Set.of("GET"),
            "tags", Set.of("GET"),
            "referrers", Set.of("GET"),
            "manifest", Set.of("GET", "HEAD", "PUT", "DELETE"),
            "blob", Set.of("GET", "HEAD", "DELETE"),
            "uploads", Set.of("POST"),
            "upload", Set.of("GET", "PUT", "PATCH", "DELETE"));

    /** A path to each endpoint, in a repository of its own. */
    private static Map<String, String> paths;

    @BeforeAll
    static void paths() {
        String repo = Content.randomRepo("methods");
        paths = Map.of(
                "base", "/v2/",
                "catalog", "/v2/_catalog",
                "tags", "/v2/" + repo + "/tags/list",
                "referrers", "/v2/" + repo + "/referrers/" + Content.unknownDigest(),
                "manifest", RegistryClient.manifestPath(repo, "latest"),
                "blob", RegistryClient.blobPath(repo, Content.unknownDigest()),
                "uploads", RegistryClient.uploadsPath(repo),
                "upload", RegistryClient.uploadsPath(repo) + "00000000-0000-0000-0000-000000000000");
    }

    static Stream<Arguments> endpointsAndMethods() {
        return SERVED.keySet().stream().sorted().flatMap(endpoint -> METHODS.stream().map(method -> Arguments.of(endpoint, method)));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("endpointsAndMethods")
    void servesTheMethodsOfTheEndpointTableAndRefusesTheRest405(String endpoint, String method) {
        for (RegistryClient client : List.of(registry.client(), registry.process().anonymousClient())) {
            HttpResponse<byte[]> answer = client.send(method, paths.get(endpoint), null);
            if (SERVED.get(endpoint).contains(method)) {
                assertThat(answer.statusCode()).as(describe(answer)).isNotEqualTo(405);
            } else if (method.equals("HEAD")) {
                assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(405);
            } else {
                assertError(answer, 405, "UNSUPPORTED");
            }
        }
    }
}
