package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class V2RouterTest {
    private static final String DIGEST = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String UPLOAD = "0123456789abcdef0123456789abcdef";

    private final V2Router router = new V2Router();

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "null", value = {
            "/v2/,                                             BASE,      null,               null",
            "/v2,                                              BASE,      null,               null",
            "/v2/_catalog,                                     CATALOG,   null,               null",
            "/v2/_catalog?n=10&last=a,                         CATALOG,   null,               null",
            "/v2/acme/app/tags/list,                           TAGS,      acme/app,           null",
            "/v2/acme/app/tags/list?n=2,                       TAGS,      acme/app,           null",
            "/v2/acme/app/manifests/latest,                    MANIFEST,  acme/app,           latest",
            "/v2/acme/app/manifests/" + DIGEST + ",            MANIFEST,  acme/app,           " + DIGEST,
            "/v2/acme/app/blobs/" + DIGEST + ",                BLOB,      acme/app,           " + DIGEST,
            "/v2/acme/app/blobs/uploads/,                      UPLOADS,   acme/app,           ''",
            "/v2/acme/app/blobs/uploads/?digest=" + DIGEST + ", UPLOADS,  acme/app,           ''",
            "/v2/acme/app/blobs/uploads/" + UPLOAD + ",        UPLOAD,    acme/app,           " + UPLOAD,
            "/v2/acme/app/referrers/" + DIGEST + ",            REFERRERS, acme/app,           " + DIGEST,
            "/v2/a/b/c/d/e/manifests/v1,                       MANIFEST,  a/b/c/d/e,          v1",
            "/v2/library/app/tags/list,                        TAGS,      library/app,        null",
    })
    void routesEveryEndpoint(String uri, V2Route.Endpoint endpoint, String repository, String segment) {
        V2Route route = router.route(uri);

        assertThat(route.endpoint()).isEqualTo(endpoint);
        assertThat(route.repository() == null ? null : route.repository().value()).isEqualTo(repository);
        assertThat(route.segment()).isEqualTo(segment);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v2/acme/manifests/v1", "/v2/library/tags/list", "/v2/acme/blobs/uploads/"})
    void refusesANameWithNoRepositoryBelowItsRegistry(String uri) {
        assertThatThrownBy(() -> router.route(uri)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // A name may itself hold components that look like endpoint words; the tail decides.
            "/v2/acme/blobs/blobs/uploads/,               UPLOADS,   acme/blobs",
            "/v2/acme/blobs/uploads/blobs/uploads/,       UPLOADS,   acme/blobs/uploads",
            "/v2/acme/uploads/blobs/uploads/" + UPLOAD + ", UPLOAD,  acme/uploads",
            "/v2/acme/blobs/uploads/blobs/" + DIGEST + ",  BLOB,     acme/blobs/uploads",
            "/v2/acme/manifests/tags/list,                TAGS,      acme/manifests",
            "/v2/acme/tags/manifests/list,                MANIFEST,  acme/tags",
            "/v2/acme/referrers/manifests/v1,             MANIFEST,  acme/referrers",
            "/v2/acme/tags/list/tags/list,                TAGS,      acme/tags/list",
    })
    void splitsNameAndEndpointWhenTheNameHoldsEndpointWords(String uri, V2Route.Endpoint endpoint, String repository) {
        V2Route route = router.route(uri);

        assertThat(route.endpoint()).isEqualTo(endpoint);
        assertThat(route.repository().value()).isEqualTo(repository);
    }

    @Test
    void readsTheUploadListingWithATrailingSlashAsTheStartOfAnUpload() {
        V2Route route = router.route("/v2/acme/app/blobs/uploads/?mount=" + DIGEST + "&from=acme/base");

        assertThat(route.endpoint()).isEqualTo(V2Route.Endpoint.UPLOADS);
        assertThat(route.param("mount")).isEqualTo(DIGEST);
        assertThat(route.param("from")).isEqualTo("acme/base");
        assertThat(route.param("missing")).isNull();
    }

    @Test
    void decodesQueryParameters() {
        V2Route route = router.route("/v2/acme/app/referrers/" + DIGEST + "?artifactType=application%2Fvnd.example%2Bjson");

        assertThat(route.param("artifactType")).isEqualTo("application/vnd.example+json");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/v2/Acme/app/tags/list",
            "/v2/acme//app/tags/list",
            "/v2/acme/app-/manifests/latest",
            "/v2/-acme/blobs/uploads/",
            "/v2/acme/a___b/blobs/" + DIGEST,
            "/v2/acme/APP/referrers/" + DIGEST,
    })
    void answersNameInvalidForANameOutsideTheGrammar(String uri) {
        assertThatThrownBy(() -> router.route(uri))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
    }

    @Test
    void answersNameInvalidForANameLongerThan255Characters() {
        String name = "acme/" + "a".repeat(251);

        assertThatThrownBy(() -> router.route("/v2/" + name + "/tags/list"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
        assertThat(router.route("/v2/" + name.substring(1) + "/tags/list").repository().value()).hasSize(255);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/v2/acme/app",
            "/v2/acme/app/",
            "/v2/acme/app/tags",
            "/v2/acme/app/tags/list/extra",
            "/v2/acme/app/manifests/",
            "/v2/acme/app/manifests/a/b",
            "/v2/acme/app/blobs/",
            "/v2/acme/app/referrers/",
            "/v2/acme/app/unknown/x",
            "/v2/_catalog/x",
            "/v3/acme/app/tags/list",
            "/v2/tags/list",
            "/",
    })
    void answersNotFoundForAPathWithoutEndpoint(String uri) {
        assertThatThrownBy(() -> router.route(uri))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NOT_FOUND));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v2/acme/%/tags/list", "/v2/acme/%zz/app/manifests/latest", "/v2/%/blobs/uploads/"})
    void refusesABrokenEscapeInTheNameAsAnInvalidName(String uri) {
        assertThatThrownBy(() -> router.route(uri))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
    }

    @Test
    void leavesABrokenEscapeInTheReferenceToTheEndpointToRefuse() {
        V2Route route = router.route("/v2/acme/app/manifests/%zz");

        assertThat(route.endpoint()).isEqualTo(V2Route.Endpoint.MANIFEST);
        assertThat(route.segment()).isEqualTo("%zz");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v2/_catalog?%", "/v2/acme/app/tags/list?n=%zz", "/v2/?%", "/v2/acme/%/tags/list?%"})
    void refusesABrokenEscapeInTheQueryAsAnInvalidParameter(String uri) {
        assertThatThrownBy(() -> router.route(uri))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.PARAMETER_INVALID));
    }
}
