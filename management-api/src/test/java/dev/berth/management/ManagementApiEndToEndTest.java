package dev.berth.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GcRun;
import dev.berth.core.gc.GcState;
import dev.berth.management.ApiFixture.Response;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each management call over the real embedded storage: its happy path and its 400, 401, 404, 409 and 422. */
class ManagementApiEndToEndTest {
    @TempDir
    Path dir;
    ApiFixture berth;

    @BeforeEach
    void open() throws Exception {
        berth = ApiFixture.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        berth.close();
    }

    private Response call(String method, String uri, String body) {
        return berth.call(method, uri, body);
    }

    private Response call(String method, String uri) {
        return berth.call(method, uri);
    }

    private static void assertError(Response response, int status, String code) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.json().path("error").path("code").asText()).isEqualTo(code);
        assertThat(response.json().path("error").path("message").asText()).isNotBlank();
    }

    private static void assertStatus(Response response, int status) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
    }

    private static List<String> names(JsonNode list, String field) {
        List<String> names = new ArrayList<>();
        list.path("results").forEach(item -> names.add(item.path(field).asText()));
        return names;
    }

    @Nested
    class Registries {
        @Test
        void createsARegistryWithALimitInGib() {
            Response created = call("POST", "/api/v1/registries", "{'name':'acme','public':false,'storage_limit_gib':20}");
            assertStatus(created, 201);
            assertThat(created.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(created.text().getBytes().length);
            JsonNode registry = created.json();
            assertThat(registry.path("name").asText()).isEqualTo("acme");
            assertThat(registry.path("public").asBoolean()).isFalse();
            assertThat(registry.path("storage_limit_bytes").asLong()).isEqualTo(21_474_836_480L);
            assertThat(registry.path("storage_limit_gib").asLong()).isEqualTo(20);
            assertThat(registry.path("storage_used_bytes").asLong()).isZero();
            assertThat(registry.path("repo_count").asLong()).isZero();
            assertThat(registry.path("url").asText()).isEqualTo("localhost:5000/acme");
            assertThat(registry.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        }

        @Test
        void showsTheClientsHostInTheUrlOnlyWhenItIsAValidHostAndPort() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            assertThat(urlWithHost("[::1]:5000")).isEqualTo("[::1]:5000/acme");
            assertThat(urlWithHost("registry.example.com")).isEqualTo("registry.example.com/acme");
            assertThat(urlWithHost("evil.example/<script>")).isEqualTo("berth-test:5000/acme");
            assertThat(urlWithHost("host:99999")).isEqualTo("berth-test:5000/acme");
            assertThat(urlWithHost("")).isEqualTo("berth-test:5000/acme");
        }

        private String urlWithHost(String host) {
            var headers = new DefaultHttpHeaders().set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + ApiFixture.TOKEN);
            return berth.send("GET", "/api/v1/registries/acme", headers, null).json().path("url").asText();
        }

        @Test
        void showsTheConfiguredPublicAddressWhateverTheClientsHost(@TempDir Path other) throws Exception {
            try (ApiFixture configured = ApiFixture.open(other, PublicAddress.of("https://registry.example.com:8443/", "unused:1"))) {
                JsonNode created = configured.call("POST", "/api/v1/registries", "{'name':'acme'}").json();
                assertThat(created.path("url").asText()).isEqualTo("registry.example.com:8443/acme");
                assertThat(configured.call("GET", "/api/v1/registries").json().path("results").get(0).path("url").asText())
                        .isEqualTo("registry.example.com:8443/acme");
            }
        }

        @Test
        void createsARegistryWithoutALimitAndShowsItsNulls() {
            JsonNode registry = call("POST", "/api/v1/registries", "{'name':'open-source','public':true}").json();
            assertThat(registry.path("public").asBoolean()).isTrue();
            assertThat(registry.path("storage_limit_bytes").isNull()).isTrue();
            assertThat(registry.path("storage_limit_gib").isNull()).isTrue();
        }

        @Test
        void refusesATakenName() {
            assertStatus(call("POST", "/api/v1/registries", "{'name':'acme'}"), 201);
            assertError(call("POST", "/api/v1/registries", "{'name':'acme'}"), 409, "REGISTRY_EXISTS");
        }

        @Test
        void refusesBadBodiesWithTheirStatuses() {
            assertError(call("POST", "/api/v1/registries", "{'name':'acme'"), 400, "MALFORMED_JSON");
            assertError(call("POST", "/api/v1/registries", ""), 400, "MALFORMED_JSON");
            assertError(call("POST", "/api/v1/registries", "{'name':'acme','owner':'x'}"), 400, "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/registries", "{'name':'acme','public':'yes'}"), 400, "INVALID_FIELD");
            assertError(call("POST", "/api/v1/registries", "{'name':'Acme!'}"), 422, "INVALID_NAME");
            assertError(call("POST", "/api/v1/registries", "{'name':'a'}"), 422, "INVALID_NAME");
            assertError(call("POST", "/api/v1/registries", "{}"), 422, "MISSING_FIELD");
            assertError(call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_bytes':0}"), 422, "INVALID_LIMIT");
            assertError(call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_gib':-1}"), 422, "INVALID_LIMIT");
            assertError(call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_gib':2,'storage_limit_bytes':5}"),
                    422, "CONFLICTING_LIMITS");
            assertStatus(call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_gib':1,'storage_limit_bytes':1073741824}"), 201);
        }

        @Test
        void refusesBodiesOverOneMebibyte() {
            String big = "{'name':'" + "a".repeat(ManagementApi.MAX_BODY_BYTES) + "'}";
            assertError(call("POST", "/api/v1/registries", big), 413, "PAYLOAD_TOO_LARGE");
        }

        @Test
        void listsWithFiltersPagesAndTheTotal() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            call("POST", "/api/v1/registries", "{'name':'acme-public','public':true}");
            call("POST", "/api/v1/registries", "{'name':'other'}");
            JsonNode all = call("GET", "/api/v1/registries").json();
            assertThat(all.path("count").asLong()).isEqualTo(3);
            assertThat(names(all, "name")).containsExactly("acme", "acme-public", "other");
            JsonNode page = call("GET", "/api/v1/registries?page=2&size=2").json();
            assertThat(page.path("count").asLong()).isEqualTo(3);
            assertThat(names(page, "name")).containsExactly("other");
            assertThat(names(call("GET", "/api/v1/registries?name=ACME").json(), "name")).containsExactly("acme", "acme-public");
            assertThat(names(call("GET", "/api/v1/registries?public=true").json(), "name")).containsExactly("acme-public");
            assertThat(names(call("GET", "/api/v1/registries?public=false&name=acme").json(), "name")).containsExactly("acme");
        }

        @Test
        void refusesBadListParameters() {
            assertError(call("GET", "/api/v1/registries?size=0"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?size=1001"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?page=0"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?page=two"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?public=maybe"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?%"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries?name=%zz"), 400, "INVALID_PARAMETER");
            assertStatus(call("GET", "/api/v1/registries?size=1000"), 200);
        }

        @Test
        void getsOneRegistryOr404() {
            call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_bytes':1000}");
            JsonNode registry = call("GET", "/api/v1/registries/acme").json();
            assertThat(registry.path("storage_limit_bytes").asLong()).isEqualTo(1000);
            assertThat(registry.path("storage_limit_gib").asLong()).isEqualTo(1);
            assertError(call("GET", "/api/v1/registries/nope"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void patchesKeepWhatIsAbsentAndRemoveTheLimitOnExplicitNull() {
            call("POST", "/api/v1/registries", "{'name':'acme','storage_limit_gib':5}");
            JsonNode publicNow = call("PATCH", "/api/v1/registries/acme", "{'public':true}").json();
            assertThat(publicNow.path("public").asBoolean()).isTrue();
            assertThat(publicNow.path("storage_limit_gib").asLong()).isEqualTo(5);
            JsonNode resized = call("PATCH", "/api/v1/registries/acme", "{'storage_limit_bytes':3221225473}").json();
            assertThat(resized.path("storage_limit_gib").asLong()).isEqualTo(4);
            assertThat(resized.path("public").asBoolean()).isTrue();
            JsonNode unlimited = call("PATCH", "/api/v1/registries/acme", "{'storage_limit_bytes':null}").json();
            assertThat(unlimited.path("storage_limit_bytes").isNull()).isTrue();
            assertThat(unlimited.path("storage_limit_gib").isNull()).isTrue();
            assertThat(call("GET", "/api/v1/registries/acme").json().path("storage_limit_bytes").isNull()).isTrue();
        }

        @Test
        void refusesBadPatches() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            assertError(call("PATCH", "/api/v1/registries/acme", "{'name':'other'}"), 400, "UNKNOWN_FIELD");
            assertError(call("PATCH", "/api/v1/registries/acme", "{'public':null}"), 400, "INVALID_FIELD");
            assertError(call("PATCH", "/api/v1/registries/acme", "{'storage_limit_gib':0}"), 422, "INVALID_LIMIT");
            assertError(call("PATCH", "/api/v1/registries/acme", "{'storage_limit_gib':2,'storage_limit_bytes':1}"), 422,
                    "CONFLICTING_LIMITS");
            assertError(call("PATCH", "/api/v1/registries/nope", "{'public':true}"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void deletesARegistryWithEverythingInIt() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            berth.pushImage("acme/team/app", "v1", "layer");
            Response deleted = call("DELETE", "/api/v1/registries/acme");
            assertStatus(deleted, 204);
            assertThat(deleted.text()).isEmpty();
            assertError(call("GET", "/api/v1/registries/acme"), 404, "REGISTRY_NOT_FOUND");
            assertError(call("DELETE", "/api/v1/registries/acme"), 404, "REGISTRY_NOT_FOUND");
        }
    }

    @Nested
    class RepositoriesAndArtifacts {
        Digest v1;
        Digest v2;

        @BeforeEach
        void push() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            v1 = berth.pushImage("acme/team/app", "v1", "layer one");
            v2 = berth.pushImage("acme/team/app", "latest", "layer two");
            berth.pushImage("acme/tools", "latest", "tools layer");
        }

        @Test
        void listsRepositoriesByTheirNameWithinTheRegistry() {
            JsonNode list = call("GET", "/api/v1/registries/acme/repositories").json();
            assertThat(list.path("count").asLong()).isEqualTo(2);
            assertThat(names(list, "name")).containsExactly("team/app", "tools");
            JsonNode app = list.path("results").get(0);
            assertThat(app.path("artifact_count").asLong()).isEqualTo(2);
            assertThat(app.path("size_bytes").asLong()).isPositive();
            assertThat(app.has("pull_count")).isTrue();
            assertThat(names(call("GET", "/api/v1/registries/acme/repositories?name=TOOL").json(), "name")).containsExactly("tools");
            assertThat(call("GET", "/api/v1/registries/acme").json().path("repo_count").asLong()).isEqualTo(2);
            assertError(call("GET", "/api/v1/registries/nope/repositories"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void getsARepositoryByRawOrEncodedSlashes() {
            assertThat(call("GET", "/api/v1/registries/acme/repositories/team/app").json().path("name").asText()).isEqualTo("team/app");
            assertThat(call("GET", "/api/v1/registries/acme/repositories/team%2Fapp").json().path("name").asText()).isEqualTo("team/app");
            assertError(call("GET", "/api/v1/registries/acme/repositories/team/nope"), 404, "REPOSITORY_NOT_FOUND");
            assertError(call("GET", "/api/v1/registries/acme/repositories/Bad_Name!"), 404, "REPOSITORY_NOT_FOUND");
        }

        @Test
        void listsArtifactsNewestFirstAndByTag() {
            JsonNode list = call("GET", "/api/v1/registries/acme/repositories/team%2Fapp/artifacts").json();
            assertThat(list.path("count").asLong()).isEqualTo(2);
            JsonNode newest = list.path("results").get(0);
            assertThat(newest.path("digest").asText()).isEqualTo(v2.value());
            assertThat(newest.path("media_type").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
            assertThat(newest.path("size").asLong()).isPositive();
            assertThat(newest.path("pull_count").asLong()).isZero();
            assertThat(newest.path("pulled_at").isNull()).isTrue();
            assertThat(newest.path("tags").get(0).path("name").asText()).isEqualTo("latest");
            assertThat(newest.path("tags").get(0).path("pulled_at").isNull()).isTrue();
            JsonNode byTag = call("GET", "/api/v1/registries/acme/repositories/team/app/artifacts?tag=v1").json();
            assertThat(names(byTag, "digest")).containsExactly(v1.value());
            assertThat(names(call("GET", "/api/v1/registries/acme/repositories/team/app/artifacts?name=LATE").json(), "digest"))
                    .containsExactly(v2.value());
            String digestPart = v1.value().substring(7, 19);
            JsonNode byDigest = call("GET", "/api/v1/registries/acme/repositories/team/app/artifacts?name=" + digestPart).json();
            assertThat(names(byDigest, "digest")).containsExactly(v1.value());
            assertThat(byDigest.path("count").asLong()).isEqualTo(1);
            assertError(call("GET", "/api/v1/registries/acme/repositories/nope/artifacts"), 404, "REPOSITORY_NOT_FOUND");
        }

        @Test
        void removesATagAndKeepsTheArtifact() {
            String tagPath = "/api/v1/registries/acme/repositories/team/app/artifacts/" + v1 + "/tags/v1";
            assertStatus(call("DELETE", tagPath), 204);
            JsonNode list = call("GET", "/api/v1/registries/acme/repositories/team/app/artifacts").json();
            assertThat(names(list, "digest")).contains(v1.value());
            assertError(call("DELETE", tagPath), 404, "TAG_NOT_FOUND");
            assertError(call("DELETE", "/api/v1/registries/acme/repositories/team/app/artifacts/" + v1 + "/tags/latest"), 404,
                    "TAG_NOT_FOUND");
        }

        @Test
        void deletesAnArtifactWithItsTags() {
            assertStatus(call("DELETE", "/api/v1/registries/acme/repositories/team%2Fapp/artifacts/" + v1), 204);
            assertThat(names(call("GET", "/api/v1/registries/acme/repositories/team/app/artifacts").json(), "digest"))
                    .containsExactly(v2.value());
            assertError(call("DELETE", "/api/v1/registries/acme/repositories/team/app/artifacts/" + v1), 404, "ARTIFACT_NOT_FOUND");
        }

        @Test
        void deletesArtifactsInAGroupAndReportsFailures() {
            JsonNode result = call("POST", "/api/v1/registries/acme/repositories/team/app/artifacts/delete",
                    "{'digests':['" + v1 + "','sha256:" + "0".repeat(64) + "','junk']}").json();
            assertThat(result.path("deleted").toString()).isEqualTo("[\"" + v1 + "\"]");
            assertThat(result.path("failed").size()).isEqualTo(2);
            assertThat(result.path("failed").get(0).path("name").asText()).isEqualTo("sha256:" + "0".repeat(64));
            assertThat(result.path("failed").get(0).path("error").asText()).isNotBlank();
            assertError(call("POST", "/api/v1/registries/acme/repositories/team/app/artifacts/delete", "{'digests':'x'}"), 400,
                    "INVALID_FIELD");
            assertError(call("POST", "/api/v1/registries/acme/repositories/team/app/artifacts/delete", "{}"), 422, "MISSING_FIELD");
        }

        @Test
        void deletesRepositoriesOneOrMany() {
            assertStatus(call("DELETE", "/api/v1/registries/acme/repositories/tools"), 204);
            assertError(call("GET", "/api/v1/registries/acme/repositories/tools"), 404, "REPOSITORY_NOT_FOUND");
            assertError(call("DELETE", "/api/v1/registries/acme/repositories/tools"), 404, "REPOSITORY_NOT_FOUND");
            JsonNode result = call("POST", "/api/v1/registries/acme/repositories/delete", "{'names':['team/app','tools']}").json();
            assertThat(result.path("deleted").toString()).isEqualTo("[\"team/app\"]");
            assertThat(result.path("failed").get(0).path("name").asText()).isEqualTo("tools");
            assertThat(call("GET", "/api/v1/registries/acme/repositories").json().path("count").asLong()).isZero();
            assertError(call("POST", "/api/v1/registries/acme/repositories/delete", "{'names':['x'],'force':true}"), 400,
                    "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/registries/nope/repositories/delete", "{'names':['x']}"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void listsHistoryNewestFirstFilteredByAction() {
            call("DELETE", "/api/v1/registries/acme/repositories/team/app/artifacts/" + v1);
            berth.usage.flush();
            JsonNode all = call("GET", "/api/v1/registries/acme/history").json();
            assertThat(all.path("count").asLong()).isEqualTo(4);
            JsonNode newest = all.path("results").get(0);
            assertThat(newest.path("action").asText()).isEqualTo("delete");
            assertThat(newest.path("repository").asText()).isEqualTo("team/app");
            assertThat(newest.path("digest").asText()).isEqualTo(v1.value());
            assertThat(newest.path("actor").asText()).isEqualTo("admin");
            assertThat(newest.path("time").asText()).endsWith("Z");
            List<String> fields = new ArrayList<>();
            newest.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("time", "action", "repository", "reference", "digest", "bytes", "actor");
            JsonNode pushes = call("GET", "/api/v1/registries/acme/history?action=push&size=2").json();
            assertThat(pushes.path("count").asLong()).isEqualTo(3);
            assertThat(pushes.path("results").size()).isEqualTo(2);
            assertError(call("GET", "/api/v1/registries/acme/history?action=sing"), 400, "INVALID_ACTION");
            assertError(call("GET", "/api/v1/registries/nope/history"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void answersTheThirtyDaysEndingTodayByDefault() {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            berth.usage.flush();
            JsonNode series = call("GET", "/api/v1/registries/acme/usage").json();
            if (!LocalDate.now(ZoneOffset.UTC).equals(today)) {
                return; // ran across midnight UTC: the days asked for are not the ones checked below
            }

            assertThat(series.path("step").asText()).isEqualTo("day");
            JsonNode points = series.path("results");
            assertThat(points.size()).isEqualTo(30);
            JsonNode latest = points.get(29);
            List<String> fields = new ArrayList<>();
            latest.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("time", "storage_used_bytes", "pushes", "pulls", "bytes_pushed");
            assertThat(latest.path("time").asText()).isEqualTo(today + "T00:00:00Z");
            assertThat(points.get(0).path("time").asText()).isEqualTo(today.minusDays(29) + "T00:00:00Z");
            assertThat(latest.path("pushes").asLong()).isEqualTo(3);
            assertThat(latest.path("pulls").asLong()).isZero();
            long used = call("GET", "/api/v1/registries/acme").json().path("storage_used_bytes").asLong();
            assertThat(latest.path("storage_used_bytes").asLong()).isEqualTo(used);
            // The three images share their config, uploaded three times and stored once.
            assertThat(latest.path("bytes_pushed").asLong()).isGreaterThan(used);
            // acme was created today.
            assertThat(points.get(28).toString())
                    .isEqualTo("{\"time\":\"" + today.minusDays(1) + "T00:00:00Z\",\"storage_used_bytes\":0,\"pushes\":0,"
                            + "\"pulls\":0,\"bytes_pushed\":0}");
        }

        @Test
        void takesDatesAndDateTimesAsTheirUtcDay() {
            JsonNode one = call("GET", "/api/v1/registries/acme/usage?from=2026-05-30T23:30:00-02:00"
                    + "&to=2026-05-31T00:00:00Z&step=day").json();
            assertThat(names(one, "time")).containsExactly("2026-05-31T00:00:00Z");
            JsonNode year = call("GET", "/api/v1/registries/acme/usage?from=2024-01-01&to=2024-12-31").json();
            assertThat(year.path("results").size()).isEqualTo(366);
            assertThat(year.path("results").get(365).path("time").asText()).isEqualTo("2024-12-31T00:00:00Z");
            assertThat(year.path("results").get(0).path("storage_used_bytes").asLong()).isZero();
        }

        @Test
        void refusesBadUsageParameters() {
            String usage = "/api/v1/registries/acme/usage";
            assertError(call("GET", usage + "?step=hour"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?from=yesterday"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?from=2026-02-30"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?to=2026-13-01"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?to=2026-05-30T22:00"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?from="), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?from=2026-05-02&to=2026-05-01"), 400, "INVALID_PARAMETER");
            assertError(call("GET", usage + "?from=2025-01-01&to=2026-01-02"), 400, "INVALID_PARAMETER");
            assertError(call("GET", "/api/v1/registries/nope/usage"), 404, "REGISTRY_NOT_FOUND");
        }
    }

    @Nested
    class Users {
        @BeforeEach
        void registries() {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            call("POST", "/api/v1/registries", "{'name':'beta'}");
        }

        private JsonNode create(String name) {
            Response created = call("POST", "/api/v1/users",
                    "{'name':'" + name + "','description':'CI','duration_days':30,'permissions':[{'registry':'acme','access':'push'}]}");
            assertStatus(created, 201);
            return created.json();
        }

        @Test
        void createsAUserAndShowsItsSecretOnce() {
            JsonNode user = create("ci-bot");
            assertThat(user.path("id").asText()).startsWith("u-");
            assertThat(user.path("name").asText()).isEqualTo("ci-bot");
            assertThat(user.path("description").asText()).isEqualTo("CI");
            assertThat(user.path("status").asText()).isEqualTo("enabled");
            assertThat(user.path("duration_days").asInt()).isEqualTo(30);
            assertThat(user.path("expires_at").asText()).endsWith("Z");
            assertThat(user.path("secret").asText()).hasSizeGreaterThanOrEqualTo(32);
            assertThat(user.path("permissions").toString()).isEqualTo("[{\"registry\":\"acme\",\"access\":\"push\"}]");
            JsonNode fetched = call("GET", "/api/v1/users/" + user.path("id").asText()).json();
            assertThat(fetched.has("secret")).isFalse();
            assertThat(fetched.path("name").asText()).isEqualTo("ci-bot");
        }

        @Test
        void createsAUserThatNeverExpires() {
            JsonNode user = call("POST", "/api/v1/users", "{'name':'forever','duration_days':-1}").json();
            assertThat(user.path("expires_at").isNull()).isTrue();
            assertThat(user.path("description").asText()).isEmpty();
            assertThat(user.path("permissions").size()).isZero();
        }

        @Test
        void createsAUserWithoutExpiryOrExpiringAtAnInstant() {
            JsonNode forever = call("POST", "/api/v1/users", "{'name':'forever'}").json();
            assertThat(forever.path("duration_days").asInt()).isEqualTo(-1);
            assertThat(forever.path("expires_at").isNull()).isTrue();
            Instant at = Instant.now().plus(Duration.ofDays(10)).plusSeconds(3600);
            Response dated = call("POST", "/api/v1/users", "{'name':'dated','expires_at':'" + at + "'}");
            assertStatus(dated, 201);
            assertThat(Instant.parse(dated.json().path("expires_at").asText())).isEqualTo(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(dated.json().path("duration_days").asInt()).as("whole days to it, rounded up").isEqualTo(11);
            assertThat(dated.json().path("status").asText()).isEqualTo("enabled");
        }

        @Test
        void refusesBadUsers() {
            create("ci-bot");
            assertError(call("POST", "/api/v1/users", "{'name':'ci-bot','duration_days':1}"), 409, "USER_EXISTS");
            assertError(call("POST", "/api/v1/users", "{'name':'admin','duration_days':1}"), 422, "INVALID_NAME");
            assertError(call("POST", "/api/v1/users", "{'name':'x','duration_days':1}"), 422, "INVALID_NAME");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','expires_at':'2020-01-01T00:00:00Z'}"), 422, "INVALID_EXPIRY");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','expires_at':'soon'}"), 422, "INVALID_EXPIRY");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','duration_days':1,'expires_at':'2099-01-01T00:00:00Z'}"), 422,
                    "CONFLICTING_FIELDS");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','duration_days':0}"), 422, "INVALID_DURATION");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','duration_days':'30'}"), 400, "INVALID_FIELD");
            assertError(call("POST", "/api/v1/users", "{'name':'bot','duration_days':1,'role':'x'}"), 400, "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/users",
                    "{'name':'bot','duration_days':1,'permissions':[{'registry':'acme','access':'admin'}]}"), 422, "INVALID_ACCESS");
            assertError(call("POST", "/api/v1/users",
                    "{'name':'bot','duration_days':1,'permissions':[{'registry':'nope','access':'pull'}]}"), 422, "UNKNOWN_REGISTRY");
            assertError(call("POST", "/api/v1/users",
                    "{'name':'bot','duration_days':1,'permissions':[{'registry':'acme','access':'pull','x':1}]}"), 400, "UNKNOWN_FIELD");
        }

        @Test
        void listsUsersByNameAndRegistry() {
            create("ci-bot");
            call("POST", "/api/v1/users", "{'name':'deployer','duration_days':-1,'permissions':[{'registry':'beta','access':'pull'}]}");
            JsonNode all = call("GET", "/api/v1/users").json();
            assertThat(all.path("count").asLong()).isEqualTo(2);
            assertThat(names(all, "name")).containsExactly("ci-bot", "deployer");
            all.path("results").forEach(user -> assertThat(user.has("secret")).isFalse());
            assertThat(names(call("GET", "/api/v1/users?registry=beta").json(), "name")).containsExactly("deployer");
            assertThat(names(call("GET", "/api/v1/users?name=BOT").json(), "name")).containsExactly("ci-bot");
            assertThat(names(call("GET", "/api/v1/registries/acme/users").json(), "name")).containsExactly("ci-bot");
            assertError(call("GET", "/api/v1/registries/nope/users"), 404, "REGISTRY_NOT_FOUND");
        }

        @Test
        void listsUsersByStatus() {
            create("active");
            String off = create("off").path("id").asText();
            String old = create("old").path("id").asText();
            call("POST", "/api/v1/users/" + off + "/disable");
            call("PATCH", "/api/v1/users/" + old, "{'expires_at':'2020-01-01T00:00:00Z'}");

            assertThat(names(call("GET", "/api/v1/users?status=enabled").json(), "name")).containsExactly("active");
            assertThat(names(call("GET", "/api/v1/users?status=disabled").json(), "name")).containsExactly("off");
            assertThat(names(call("GET", "/api/v1/users?status=expired").json(), "name")).containsExactly("old");
            assertThat(call("GET", "/api/v1/users?status=expired").json().path("count").asLong()).isEqualTo(1);
            assertError(call("GET", "/api/v1/users?status=gone"), 400, "INVALID_PARAMETER");
        }

        @Test
        void patchesDescriptionAndExpiry() {
            String id = create("ci-bot").path("id").asText();
            JsonNode forever = call("PATCH", "/api/v1/users/" + id, "{'duration_days':-1,'description':'nightly'}").json();
            assertThat(forever.path("expires_at").isNull()).isTrue();
            assertThat(forever.path("description").asText()).isEqualTo("nightly");
            JsonNode expired = call("PATCH", "/api/v1/users/" + id, "{'expires_at':'2020-01-01T00:00:00Z'}").json();
            assertThat(expired.path("status").asText()).isEqualTo("expired");
            assertThat(expired.path("expires_at").asText()).isEqualTo("2020-01-01T00:00:00Z");
            JsonNode renewed = call("PATCH", "/api/v1/users/" + id, "{'duration_days':7}").json();
            assertThat(renewed.path("status").asText()).isEqualTo("enabled");
            assertThat(renewed.path("duration_days").asInt()).isEqualTo(7);
            assertThat(call("PATCH", "/api/v1/users/" + id, "{'description':null}").json().path("description").asText()).isEmpty();
            assertError(call("PATCH", "/api/v1/users/" + id, "{'duration_days':7,'expires_at':'2030-01-01T00:00:00Z'}"), 422,
                    "CONFLICTING_FIELDS");
            assertError(call("PATCH", "/api/v1/users/" + id, "{'expires_at':'next week'}"), 422, "INVALID_EXPIRY");
            assertError(call("PATCH", "/api/v1/users/" + id, "{'secret':'x'}"), 400, "UNKNOWN_FIELD");
            assertError(call("PATCH", "/api/v1/users/u-0000", "{'duration_days':7}"), 404, "USER_NOT_FOUND");
        }

        @Test
        void replacesPermissions() {
            String id = create("ci-bot").path("id").asText();
            JsonNode user = call("PUT", "/api/v1/users/" + id + "/permissions",
                    "{'permissions':[{'registry':'beta','access':'pull'},{'registry':'acme','access':'pull'}]}").json();
            assertThat(user.path("permissions").size()).isEqualTo(2);
            assertThat(call("PUT", "/api/v1/users/" + id + "/permissions", "{'permissions':[]}").json().path("permissions").size()).isZero();
            assertError(call("PUT", "/api/v1/users/" + id + "/permissions",
                    "{'permissions':[{'registry':'acme','access':'pull'},{'registry':'acme','access':'push'}]}"), 422, "INVALID_PERMISSION");
            assertError(call("PUT", "/api/v1/users/" + id + "/permissions", "{}"), 422, "MISSING_FIELD");
            assertError(call("PUT", "/api/v1/users/u-0000/permissions", "{'permissions':[]}"), 404, "USER_NOT_FOUND");
        }

        @Test
        void disablesEnablesAndRefreshesTheSecret() {
            JsonNode created = create("ci-bot");
            String id = created.path("id").asText();
            assertThat(call("POST", "/api/v1/users/" + id + "/disable").json().path("status").asText()).isEqualTo("disabled");
            assertThat(call("POST", "/api/v1/users/" + id + "/enable", "{}").json().path("status").asText()).isEqualTo("enabled");
            JsonNode refreshed = call("POST", "/api/v1/users/" + id + "/refresh-secret").json();
            assertThat(refreshed.path("secret").asText()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(created.path("secret").asText());
            assertError(call("POST", "/api/v1/users/" + id + "/disable", "{'now':true}"), 400, "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/users/u-0000/enable"), 404, "USER_NOT_FOUND");
            assertError(call("POST", "/api/v1/users/u-0000/refresh-secret"), 404, "USER_NOT_FOUND");
        }

        @Test
        void attachesAndDetachesAUserOnARegistry() {
            String id = create("ci-bot").path("id").asText();
            Response attached = call("PUT", "/api/v1/registries/beta/users/" + id, "{'access':'pull'}");
            assertStatus(attached, 200);
            assertThat(attached.json().path("permissions").toString()).contains("{\"registry\":\"beta\",\"access\":\"pull\"}");
            JsonNode changed = call("PUT", "/api/v1/registries/beta/users/" + id, "{'access':'push'}").json();
            assertThat(changed.path("permissions").toString()).contains("{\"registry\":\"beta\",\"access\":\"push\"}")
                    .doesNotContain("\"pull\"");
            assertThat(names(call("GET", "/api/v1/registries/beta/users").json(), "name")).containsExactly("ci-bot");
            assertError(call("PUT", "/api/v1/registries/beta/users/" + id, "{'access':'own'}"), 422, "INVALID_ACCESS");
            assertError(call("PUT", "/api/v1/registries/beta/users/" + id, "{}"), 422, "MISSING_FIELD");
            assertError(call("PUT", "/api/v1/registries/nope/users/" + id, "{'access':'pull'}"), 404, "REGISTRY_NOT_FOUND");
            assertError(call("PUT", "/api/v1/registries/beta/users/u-0000", "{'access':'pull'}"), 404, "USER_NOT_FOUND");
            assertStatus(call("DELETE", "/api/v1/registries/beta/users/" + id), 204);
            assertThat(call("GET", "/api/v1/registries/beta/users").json().path("count").asLong()).isZero();
            assertError(call("DELETE", "/api/v1/registries/beta/users/" + id), 404, "PERMISSION_NOT_FOUND");
        }

        @Test
        void attachesAndDetachesSeveralUsersAtOnce() {
            String first = create("first").path("id").asText();
            String second = create("second").path("id").asText();
            Response attached = call("POST", "/api/v1/registries/beta/users/attach",
                    "{'users':[{'id':'" + first + "','access':'pull'},{'id':'u-0000','access':'push'},{'id':'" + second + "','access':'push'}]}");
            assertStatus(attached, 200);
            assertThat(attached.json().path("attached").toString()).isEqualTo("[\"" + first + "\",\"" + second + "\"]");
            assertThat(attached.json().path("failed")).hasSize(1);
            assertThat(attached.json().path("failed").get(0).path("id").asText()).isEqualTo("u-0000");
            assertThat(attached.json().path("failed").get(0).path("error").asText()).isNotBlank();
            assertThat(names(call("GET", "/api/v1/registries/beta/users").json(), "name")).containsExactly("first", "second");
            assertThat(call("GET", "/api/v1/users/" + second).json().path("permissions").toString())
                    .contains("{\"registry\":\"beta\",\"access\":\"push\"}");

            Response detached = call("POST", "/api/v1/registries/beta/users/detach", "{'ids':['" + first + "','" + first + "']}");
            assertStatus(detached, 200);
            assertThat(detached.json().path("detached").toString()).isEqualTo("[\"" + first + "\"]");
            assertThat(detached.json().path("failed").get(0).path("id").asText()).isEqualTo(first);
            assertThat(names(call("GET", "/api/v1/registries/beta/users").json(), "name")).containsExactly("second");
        }

        @Test
        void refusesBadGroupAttachesBeforeAttachingAnyone() {
            String id = create("ci-bot").path("id").asText();
            assertError(call("POST", "/api/v1/registries/beta/users/attach",
                    "{'users':[{'id':'" + id + "','access':'pull'},{'id':'" + id + "','access':'own'}]}"), 422, "INVALID_ACCESS");
            assertThat(call("GET", "/api/v1/registries/beta/users").json().path("count").asLong()).isZero();
            assertError(call("POST", "/api/v1/registries/beta/users/attach", "{'users':[{'access':'pull'}]}"), 422, "MISSING_FIELD");
            assertError(call("POST", "/api/v1/registries/beta/users/attach", "{}"), 422, "MISSING_FIELD");
            assertError(call("POST", "/api/v1/registries/beta/users/attach", "{'users':[{'id':'x','access':'pull','role':1}]}"), 400,
                    "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/registries/nope/users/attach", "{'users':[]}"), 404, "REGISTRY_NOT_FOUND");
            assertError(call("POST", "/api/v1/registries/nope/users/detach", "{'ids':[]}"), 404, "REGISTRY_NOT_FOUND");
            assertError(call("POST", "/api/v1/registries/beta/users/detach", "{'ids':'x'}"), 400, "INVALID_FIELD");
        }

        @Test
        void listsThePermissionCatalogue() {
            JsonNode catalogue = call("GET", "/api/v1/permissions").json();
            assertThat(catalogue.path("count").asInt()).isEqualTo(2);
            assertThat(names(catalogue, "access")).containsExactly("pull", "push");
            catalogue.path("results").forEach(level -> assertThat(level.path("description").asText()).isNotBlank());
        }

        @Test
        void deletesUsersOneOrMany() {
            String first = create("ci-bot").path("id").asText();
            String second = create("deployer").path("id").asText();
            assertStatus(call("DELETE", "/api/v1/users/" + first), 204);
            assertError(call("GET", "/api/v1/users/" + first), 404, "USER_NOT_FOUND");
            assertError(call("DELETE", "/api/v1/users/" + first), 404, "USER_NOT_FOUND");
            JsonNode result = call("POST", "/api/v1/users/delete", "{'ids':['" + second + "','" + first + "']}").json();
            assertThat(result.path("deleted").toString()).isEqualTo("[\"" + second + "\"]");
            assertThat(result.path("failed").get(0).path("name").asText()).isEqualTo(first);
            assertError(call("POST", "/api/v1/users/delete", "{'ids':[1]}"), 400, "INVALID_FIELD");
        }
    }

    @Nested
    class Routing {
        @Test
        void answersUnknownPathsAndMethodsWithJsonErrors() {
            assertError(call("GET", "/api/v1/nothing"), 404, "NOT_FOUND");
            Response notAllowed = call("PUT", "/api/v1/registries");
            assertError(notAllowed, 405, "METHOD_NOT_ALLOWED");
            assertThat(notAllowed.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, POST");
        }

        @Test
        void refusesCallsWithoutTheToken() {
            Response response = berth.send("GET", "/api/v1/registries", new DefaultHttpHeaders(), null);
            assertError(response, 401, "UNAUTHORIZED");
            assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"berth\"");
            Response wrong = berth.send("DELETE", "/api/v1/registries/library",
                    new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer nope"), null);
            assertError(wrong, 401, "UNAUTHORIZED");
        }

        @Test
        void servesTheOpenApiDocumentWithoutTheToken() {
            Response response = berth.send("GET", "/api/v1/openapi.json", new DefaultHttpHeaders(), null);
            assertStatus(response, 200);
            assertThat(response.json().path("paths").has("/api/v1/registries/{registry}/repositories/{repository}/artifacts")).isTrue();
        }
    }

    @Nested
    class GarbageCollection {
        @Test
        void aRunStartsWith202AndReportsWhatItFreed() throws Exception {
            call("POST", "/api/v1/registries", "{'name':'acme'}");
            berth.pushImage("acme/app", "v1", "layer");
            assertStatus(call("DELETE", "/api/v1/registries/acme/repositories/app"), 204);

            Response started = call("POST", "/api/v1/gc", "");
            assertStatus(started, 202);
            JsonNode run = started.json();
            assertThat(run.path("id").asText()).startsWith("gc-");
            assertThat(run.path("state").asText()).isEqualTo("running");
            assertThat(run.path("dry_run").asBoolean()).isFalse();
            assertThat(run.path("untagged").asBoolean()).isFalse();
            assertThat(run.has("finished_at")).isTrue();
            assertThat(run.path("finished_at").isNull()).isTrue();
            assertThat(run.path("error").isNull()).isTrue();

            // The fixture runs collections on the calling thread: this one is over.
            Response shown = call("GET", "/api/v1/gc/" + run.path("id").asText());
            assertStatus(shown, 200);
            assertThat(shown.json().path("state").asText()).isEqualTo("done");
            assertThat(shown.json().path("blobs_deleted").asLong()).isEqualTo(3);
            assertThat(shown.json().path("bytes_freed").asLong()).isPositive();
            assertThat(shown.json().path("finished_at").asText()).endsWith("Z");
        }

        @Test
        void aDryRunAndAnUntaggedRunSayWhatTheyWereAsked() {
            JsonNode dry = call("POST", "/api/v1/gc", "{'dry_run':true,'untagged':true}").json();
            assertThat(dry.path("dry_run").asBoolean()).isTrue();
            assertThat(dry.path("untagged").asBoolean()).isTrue();
        }

        @Test
        void listsRunsNewestFirstInPages() {
            String first = call("POST", "/api/v1/gc", "").json().path("id").asText();
            String second = call("POST", "/api/v1/gc", "{}").json().path("id").asText();

            Response page = call("GET", "/api/v1/gc?size=1");
            assertStatus(page, 200);
            assertThat(page.json().path("count").asLong()).isEqualTo(2);
            assertThat(names(page.json(), "id")).containsExactly(second);
            assertThat(names(call("GET", "/api/v1/gc?page=2&size=1").json(), "id")).containsExactly(first);
        }

        @Test
        void refusesARunWhileAnotherNodeHoldsTheLease() {
            Instant now = Instant.now();
            berth.storage.gcRunStore().start(new GcRun("gc-elsewhere", GcState.RUNNING, false, false, now, null,
                    0, 0, 0, 0, null), "node-b", now, now.plus(Duration.ofMinutes(1))).orElseThrow();

            assertError(call("POST", "/api/v1/gc", ""), 409, "GC_RUNNING");
        }

        @Test
        void answersTheContractsErrors() {
            assertError(call("GET", "/api/v1/gc/gc-none"), 404, "GC_RUN_NOT_FOUND");
            assertError(call("POST", "/api/v1/gc", "{'dry':true}"), 400, "UNKNOWN_FIELD");
            assertError(call("POST", "/api/v1/gc", "{'dry_run':'yes'}"), 400, "INVALID_FIELD");
            assertError(call("GET", "/api/v1/gc?size=0"), 400, "INVALID_PARAMETER");
        }
    }
}
