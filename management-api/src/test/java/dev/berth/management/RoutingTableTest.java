package dev.berth.management;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.management.error.MethodNotAllowedException;
import dev.berth.management.route.RouteMatch;
import dev.berth.management.route.Router;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every contract path, as a client may send it, resolves to the right route with the right parameters. */
class RoutingTableTest {
    private static final String D = "sha256:" + "a".repeat(64);
    private final Router router = new Router(new ManagementApi(null, null, null, null, TestAdminLogin.of(token -> false), null, ApiFixture.LOCAL).routes());

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /api/v1/registries                                        | /api/v1/registries                                 |
            GET    | /api/v1/registries?page=2                                 | /api/v1/registries                                 |
            GET    | /api/v1/registries/                                       | /api/v1/registries                                 |
            GET    | /api/v1/registries/acme                                   | /api/v1/registries/{registry}                      | registry=acme
            PATCH  | /api/v1/registries/acme                                   | /api/v1/registries/{registry}                      | registry=acme
            DELETE | /api/v1/registries/acme                                   | /api/v1/registries/{registry}                      | registry=acme
            GET    | /api/v1/registries/acme/history                           | /api/v1/registries/{registry}/history              | registry=acme
            GET    | /api/v1/registries/acme/usage                             | /api/v1/registries/{registry}/usage                | registry=acme
            GET    | /api/v1/registries/acme/repositories                      | /api/v1/registries/{registry}/repositories         | registry=acme
            POST   | /api/v1/registries/acme/repositories/delete               | /api/v1/registries/{registry}/repositories/delete  | registry=acme
            GET    | /api/v1/registries/acme/repositories/app                  | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=app
            GET    | /api/v1/registries/acme/repositories/team/app             | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=team/app
            GET    | /api/v1/registries/acme/repositories/team%2Fapp           | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=team/app
            GET    | /api/v1/registries/acme/repositories/team%2fsub/app       | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=team/sub/app
            DELETE | /api/v1/registries/acme/repositories/a/b/c/d              | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=a/b/c/d
            GET    | /api/v1/registries/acme/repositories/delete               | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=delete
            GET    | /api/v1/registries/acme/repositories/team/artifacts       | /api/v1/registries/{registry}/repositories/{repository+}/artifacts | registry=acme,repository=team
            DELETE | /api/v1/registries/acme/repositories/team/artifacts       | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=team/artifacts
            GET    | /api/v1/registries/acme/repositories/team/app/artifacts?tag=v1 | /api/v1/registries/{registry}/repositories/{repository+}/artifacts | registry=acme,repository=team/app
            GET    | /api/v1/registries/acme/repositories/team%2Fapp/artifacts | /api/v1/registries/{registry}/repositories/{repository+}/artifacts | registry=acme,repository=team/app
            GET    | /api/v1/registries/acme/repositories/artifacts/artifacts  | /api/v1/registries/{registry}/repositories/{repository+}/artifacts | registry=acme,repository=artifacts
            POST   | /api/v1/registries/acme/repositories/team/app/artifacts/delete | /api/v1/registries/{registry}/repositories/{repository+}/artifacts/delete | registry=acme,repository=team/app
            DELETE | /api/v1/registries/acme/repositories/team/app/artifacts/delete | /api/v1/registries/{registry}/repositories/{repository+} | registry=acme,repository=team/app/artifacts/delete
            DELETE | /api/v1/registries/acme/repositories/team/app/artifacts/DIGEST | /api/v1/registries/{registry}/repositories/{repository+}/artifacts/{digest} | registry=acme,repository=team/app,digest=DIGEST
            DELETE | /api/v1/registries/acme/repositories/team%2Fapp/artifacts/sha256%3ADIGESTHEX | /api/v1/registries/{registry}/repositories/{repository+}/artifacts/{digest} | registry=acme,repository=team/app,digest=DIGEST
            DELETE | /api/v1/registries/acme/repositories/team/app/artifacts/DIGEST/tags/latest | /api/v1/registries/{registry}/repositories/{repository+}/artifacts/{digest}/tags/{tag} | registry=acme,repository=team/app,digest=DIGEST,tag=latest
            DELETE | /api/v1/registries/acme/repositories/x/artifacts/DIGEST/tags/artifacts | /api/v1/registries/{registry}/repositories/{repository+}/artifacts/{digest}/tags/{tag} | registry=acme,repository=x,digest=DIGEST,tag=artifacts
            GET    | /api/v1/registries/acme/users                             | /api/v1/registries/{registry}/users                | registry=acme
            PUT    | /api/v1/registries/acme/users/u-01                        | /api/v1/registries/{registry}/users/{id}           | registry=acme,id=u-01
            DELETE | /api/v1/registries/acme/users/u-01                        | /api/v1/registries/{registry}/users/{id}           | registry=acme,id=u-01
            POST   | /api/v1/users                                             | /api/v1/users                                      |
            GET    | /api/v1/users?registry=acme                               | /api/v1/users                                      |
            POST   | /api/v1/users/delete                                      | /api/v1/users/delete                               |
            GET    | /api/v1/users/u-01                                        | /api/v1/users/{id}                                 | id=u-01
            PATCH  | /api/v1/users/u-01                                        | /api/v1/users/{id}                                 | id=u-01
            DELETE | /api/v1/users/u-01                                        | /api/v1/users/{id}                                 | id=u-01
            PUT    | /api/v1/users/u-01/permissions                            | /api/v1/users/{id}/permissions                     | id=u-01
            POST   | /api/v1/users/u-01/disable                                | /api/v1/users/{id}/disable                         | id=u-01
            POST   | /api/v1/users/u-01/enable                                 | /api/v1/users/{id}/enable                          | id=u-01
            POST   | /api/v1/users/u-01/refresh-secret                         | /api/v1/users/{id}/refresh-secret                  | id=u-01
            GET    | /api/v1/openapi.json                                      | /api/v1/openapi.json                               |
            """)
    void resolvesEachContractPath(String method, String uri, String template, String params) {
        String path = uri.replace("DIGESTHEX", "a".repeat(64)).replace("DIGEST", D);
        RouteMatch match = router.resolve(HttpMethod.valueOf(method), path.split("\\?")[0]);
        assertThat(match.route().path().template()).isEqualTo(template);
        assertThat(new TreeMap<>(match.params())).isEqualTo(parse(params));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /api/v1
            GET    | /api/v1/nothing
            GET    | /api/v2/registries
            GET    | /api/v1/registries/acme/nothing
            GET    | /api/v1/registries//repositories
            GET    | /api/v1/registries/acme/repositories/team//app
            GET    | /api/v1/users/u-01/permissions/extra
            """)
    void answersNotFoundForUnknownPaths(String method, String path) {
        assertThatThrownBy(() -> router.resolve(HttpMethod.valueOf(method), path))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_FOUND));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PUT    | /api/v1/registries                          | GET, POST
            POST   | /api/v1/registries/acme                     | DELETE, GET, PATCH
            DELETE | /api/v1/registries/acme/history             | GET
            POST   | /api/v1/registries/acme/usage               | GET
            POST   | /api/v1/registries/acme/repositories/app    | DELETE, GET
            GET    | /api/v1/users/u-01/disable                  | POST
            POST   | /api/v1/openapi.json                        | GET
            """)
    void answersMethodNotAllowedWithTheAllowedMethods(String method, String path, String allowed) {
        assertThatThrownBy(() -> router.resolve(HttpMethod.valueOf(method), path))
                .isInstanceOfSatisfying(MethodNotAllowedException.class,
                        e -> assertThat(String.join(", ", e.allowed())).isEqualTo(allowed));
    }

    @ParameterizedTest
    @CsvSource({"/api/v1/registries/acme/repositories/team%2", "/api/v1/registries/acme/repositories/team%zzapp",
            "/api/v1/registries/acme/repositories/%C3%28"})
    void refusesBrokenPercentEncoding(String path) {
        assertThatThrownBy(() -> router.resolve(HttpMethod.GET, path))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
    }

    private static Map<String, String> parse(String params) {
        Map<String, String> map = new TreeMap<>();
        if (params != null) {
            for (String pair : params.split(",")) {
                String[] kv = pair.split("=", 2);
                map.put(kv[0], kv[1].replace("DIGEST", D));
            }
        }
        return map;
    }
}
