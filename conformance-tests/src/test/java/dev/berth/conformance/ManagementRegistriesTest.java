package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.assertRegistryShape;
import static dev.berth.conformance.ManagementAssertions.assertTimestamp;
import static dev.berth.conformance.ManagementAssertions.names;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.uniqueName;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/** management-api.md "Registries": create, list, get, patch (resize), delete, and their errors. */
class ManagementRegistriesTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final long GIB = 1L << 30;

    private static ManagementClient api() {
        return registry.management();
    }

    // ------------------------------------------------------------------------------------------ library

    @Test
    void libraryExistsFromFirstStartPrivateWithoutLimit() {
        HttpResponse<byte[]> r = api().get(registryPath("library"));
        assertStatus(r, 200);
        JsonNode lib = json(r);
        assertRegistryShape(lib);
        assertThat(lib.get("name").asText()).isEqualTo("library");
        assertThat(lib.get("public").asBoolean()).as("library is private: %s", lib).isFalse();
        assertThat(lib.get("storage_limit_bytes").isNull()).as("library has no limit: %s", lib).isTrue();
        assertThat(lib.get("storage_limit_gib").isNull()).as("library has no limit: %s", lib).isTrue();
    }

    // ------------------------------------------------------------------------------------------ create

    @Test
    void urlShowsTheClientsHostOnlyWhenItIsAValidHostAndPort() throws Exception {
        String name = api().newRegistry("host");
        String target = ManagementClient.API + registryPath(name);
        try (RawHttp http = new RawHttp(registry.process())) {
            String authorization = "Authorization: Bearer " + registry.process().adminToken() + "\r\n";
            RawHttp.Answer named = http.send(("GET " + target + " HTTP/1.1\r\nHost: registry.example.com:5000\r\n"
                    + authorization + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(Content.JSON.readTree(named.body()).get("url").asText()).isEqualTo("registry.example.com:5000/" + name);
            RawHttp.Answer forged = http.send(("GET " + target + " HTTP/1.1\r\nHost: evil.example/<b>x</b>\r\n"
                    + authorization + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(Content.JSON.readTree(forged.body()).get("url").asText()).as("where the server listens, not the forged Host")
                    .isEqualTo(registry.process().baseUri().getAuthority() + "/" + name);
        }
    }

    @Test
    void urlShowsTheConfiguredPublicAddressWhateverTheHost() {
        try (RegistryProcess configured = RegistryProcess.startWithOptions(List.of("--public-url", "https://registry.example.com/"))) {
            ManagementClient client = configured.management();
            String name = client.newRegistry("pub");
            assertThat(client.registry(name).get("url").asText()).isEqualTo("registry.example.com/" + name);
        }
    }

    @Test
    void createWithByteLimitAnswers201WithTheRegistryObject() {
        String name = uniqueName("acme");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<byte[]> r = api().post("/registries",
                obj("name", name, "public", false, "storage_limit_bytes", 20 * GIB));
        assertStatus(r, 201);
        JsonNode reg = json(r);
        assertRegistryShape(reg);
        assertThat(reg.get("name").asText()).isEqualTo(name);
        assertThat(reg.get("public").asBoolean()).isFalse();
        assertThat(reg.get("storage_limit_bytes").asLong()).isEqualTo(20 * GIB);
        assertThat(reg.get("storage_limit_gib").asLong()).isEqualTo(20);
        assertThat(reg.get("storage_used_bytes").asLong()).isZero();
        assertThat(reg.get("repo_count").asLong()).isZero();
        assertThat(reg.get("url").asText()).isEqualTo(registry.process().baseUri().getAuthority() + "/" + name);
        Instant created = assertTimestamp(reg, "created_at");
        assertThat(created).isBetween(before.minusSeconds(5), Instant.now().plusSeconds(5));
        assertThat(json(api().get(registryPath(name)))).as("GET answers what POST answered").isEqualTo(reg);
    }

    @Test
    void createWithGibLimitSetsBothFields() {
        JsonNode reg = json(created(obj("name", uniqueName("gib"), "public", true, "storage_limit_gib", 2)));
        assertThat(reg.get("storage_limit_gib").asLong()).isEqualTo(2);
        assertThat(reg.get("storage_limit_bytes").asLong()).isEqualTo(2 * GIB);
        assertThat(reg.get("public").asBoolean()).isTrue();
    }

    @Test
    void createWithoutLimitHasNullLimits() {
        JsonNode reg = json(created(obj("name", uniqueName("nolimit"), "public", false)));
        assertThat(reg.get("storage_limit_bytes").isNull()).as("%s", reg).isTrue();
        assertThat(reg.get("storage_limit_gib").isNull()).as("%s", reg).isTrue();
    }

    @ParameterizedTest(name = "storage_limit_bytes {0} shows storage_limit_gib {1}")
    @CsvSource({"1, 1", "1073741823, 1", "1073741824, 1", "1073741825, 2", "10000, 1", "5368709120, 5",
            "5368709121, 6"})
    void gibIsTheByteLimitRoundedUp(long bytes, long gib) {
        JsonNode reg = json(created(obj("name", uniqueName("round"), "public", false,
                "storage_limit_bytes", bytes)));
        assertThat(reg.get("storage_limit_bytes").asLong()).isEqualTo(bytes);
        assertThat(reg.get("storage_limit_gib").asLong()).as("%s", reg).isEqualTo(gib);
    }

    @Test
    void bothLimitFieldsThatAgreeAreAccepted() {
        JsonNode reg = json(created(obj("name", uniqueName("agree"), "public", false,
                "storage_limit_gib", 3, "storage_limit_bytes", 3 * GIB)));
        assertThat(reg.get("storage_limit_bytes").asLong()).isEqualTo(3 * GIB);
    }

    @Test
    void bothLimitFieldsThatDisagreeAre422() {
        String name = uniqueName("disagree");
        assertApiError(api().post("/registries", obj("name", name, "public", false,
                "storage_limit_gib", 3, "storage_limit_bytes", 2 * GIB)), 422);
        assertApiError(api().get(registryPath(name)), 404);
    }

    @ParameterizedTest(name = "{0} = {1} is 422")
    @CsvSource({"storage_limit_bytes, 0", "storage_limit_bytes, -1", "storage_limit_gib, 0",
            "storage_limit_gib, -5"})
    void zeroOrNegativeLimitIs422(String field, long value) {
        String name = uniqueName("badlimit");
        assertApiError(api().post("/registries", obj("name", name, "public", false, field, value)), 422);
        assertApiError(api().get(registryPath(name)), 404);
    }

    @ParameterizedTest(name = "registry name \"{0}\" is 422")
    @ValueSource(strings = {"a", "A1", "Acme", "-acme", "acme-", "ac..me", "ac___me", "ac/me", "ac me", "acme.",
            "_acme", "ac:me", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badRegistryNameIs422(String name) {
        assertApiError(api().post("/registries", obj("name", name, "public", false)), 422);
    }

    @ParameterizedTest(name = "registry name \"{0}\" is accepted")
    @ValueSource(strings = {"x9", "a.b", "a_b", "a__b", "a---b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void validRegistryNamesAreAccepted(String name) {
        assertThat(name.length()).isBetween(2, 63);
        created(obj("name", name, "public", false));
    }

    @Test
    void takenNameIs409() {
        String name = uniqueName("taken");
        created(obj("name", name, "public", false));
        assertApiError(api().post("/registries", obj("name", name, "public", true)), 409);
        assertThat(api().registry(name).get("public").asBoolean()).as("the first registry is unchanged").isFalse();
    }

    @Test
    void libraryNameIsTaken409() {
        assertApiError(api().post("/registries", obj("name", "library", "public", true)), 409);
    }

    // ------------------------------------------------------------------------------------------ list

    @Test
    void listPagesWithTotalCountAndCaseInsensitiveNameFilter() {
        String prefix = "pg" + Content.randomAlnum(8);
        for (int i = 0; i < 5; i++) {
            created(obj("name", prefix + "-" + i, "public", i % 2 == 0));
        }
        JsonNode all = assertList(api().get("/registries", "name", prefix.toUpperCase(), "size", "1000"));
        assertThat(all.get("count").asLong()).as("%s", all).isEqualTo(5);
        assertThat(names(all, "name")).containsExactlyInAnyOrder(prefix + "-0", prefix + "-1", prefix + "-2",
                prefix + "-3", prefix + "-4");
        all.get("results").forEach(ManagementAssertions::assertRegistryShape);

        JsonNode p1 = assertList(api().get("/registries", "name", prefix, "page", "1", "size", "2"));
        JsonNode p2 = assertList(api().get("/registries", "name", prefix, "page", "2", "size", "2"));
        JsonNode p3 = assertList(api().get("/registries", "name", prefix, "page", "3", "size", "2"));
        JsonNode p4 = assertList(api().get("/registries", "name", prefix, "page", "4", "size", "2"));
        assertThat(List.of(p1, p2, p3, p4)).allSatisfy(p ->
                assertThat(p.get("count").asLong()).as("count is the total over all pages: %s", p).isEqualTo(5));
        assertThat(p1.get("results").size()).isEqualTo(2);
        assertThat(p2.get("results").size()).isEqualTo(2);
        assertThat(p3.get("results").size()).isEqualTo(1);
        assertThat(p4.get("results").size()).isZero();
        List<String> paged = new java.util.ArrayList<>(names(p1, "name"));
        paged.addAll(names(p2, "name"));
        paged.addAll(names(p3, "name"));
        assertThat(paged).as("pages neither repeat nor skip").containsExactlyInAnyOrderElementsOf(names(all, "name"));
    }

    @Test
    void nameFilterWithoutMatchGivesEmptyListWithZeroCount() {
        String prefix = "def" + Content.randomAlnum(8);
        created(obj("name", prefix + "-a", "public", false));
        JsonNode l = assertList(api().get("/registries", "name", prefix));
        assertThat(names(l, "name")).containsExactly(prefix + "-a");
        JsonNode none = assertList(api().get("/registries", "name", "zz" + Content.randomAlnum(10)));
        assertThat(none.get("count").asLong()).isZero();
        assertThat(none.get("results").size()).isZero();
    }

    @Test
    void listFiltersByPublic() {
        String prefix = "pub" + Content.randomAlnum(8);
        created(obj("name", prefix + "-open", "public", true));
        created(obj("name", prefix + "-closed", "public", false));
        JsonNode pub = assertList(api().get("/registries", "name", prefix, "public", "true"));
        assertThat(names(pub, "name")).containsExactly(prefix + "-open");
        assertThat(pub.get("count").asLong()).isEqualTo(1);
        JsonNode priv = assertList(api().get("/registries", "name", prefix, "public", "false"));
        assertThat(names(priv, "name")).containsExactly(prefix + "-closed");
        assertThat(priv.get("count").asLong()).isEqualTo(1);
    }

    @Test
    void defaultPageSizeIs50AndMaxIs1000() {
        String prefix = "many" + Content.randomAlnum(6);
        for (int i = 0; i < 51; i++) {
            created(obj("name", prefix + "-" + i, "public", false));
        }
        JsonNode first = assertList(api().get("/registries", "name", prefix));
        assertThat(first.get("count").asLong()).isEqualTo(51);
        assertThat(first.get("results").size()).as("default size is 50").isEqualTo(50);
        assertStatus(api().get("/registries", "name", prefix, "size", "1000"), 200);
    }

    @ParameterizedTest(name = "{0}={1} is 400")
    @CsvSource({"page, 0", "page, -1", "page, abc", "size, 0", "size, -3", "size, 1001", "size, x"})
    void badPageOrSizeIs400(String param, String value) {
        assertApiError(api().get("/registries", param, value), 400);
    }

    @Test
    void badPageOnOtherListsIs400() {
        assertApiError(api().get("/users", "size", "1001"), 400);
        assertApiError(api().get(registryPath("library") + "/repositories", "page", "0"), 400);
        assertApiError(api().get(registryPath("library") + "/history", "size", "0"), 400);
    }

    // ------------------------------------------------------------------------------------------ get

    @Test
    void unknownRegistryIs404() {
        String name = uniqueName("nosuch");
        assertApiError(api().get(registryPath(name)), 404);
        assertApiError(api().patch(registryPath(name), obj("public", true)), 404);
        assertApiError(api().delete(registryPath(name)), 404);
        assertApiError(api().get(registryPath(name) + "/history"), 404);
        assertApiError(api().get(registryPath(name) + "/repositories"), 404);
        assertApiError(api().get(registryPath(name) + "/users"), 404);
    }

    // ------------------------------------------------------------------------------------------ patch

    @Test
    void patchPublicAndResize() {
        String name = uniqueName("patch");
        JsonNode before = json(created(obj("name", name, "public", false, "storage_limit_gib", 1)));
        HttpResponse<byte[]> r = api().patch(registryPath(name), obj("public", true));
        assertStatus(r, 200);
        JsonNode after = json(r);
        assertRegistryShape(after);
        assertThat(after.get("public").asBoolean()).isTrue();
        assertThat(after.get("storage_limit_gib").asLong()).as("untouched fields stay").isEqualTo(1);
        assertThat(after.get("created_at")).isEqualTo(before.get("created_at"));
        assertThat(assertTimestamp(after, "updated_at")).isAfterOrEqualTo(assertTimestamp(before, "updated_at"));

        JsonNode gib = json(ok(api().patch(registryPath(name), obj("storage_limit_gib", 4))));
        assertThat(gib.get("storage_limit_bytes").asLong()).isEqualTo(4 * GIB);
        assertThat(gib.get("storage_limit_gib").asLong()).isEqualTo(4);
        assertThat(gib.get("public").asBoolean()).isTrue();

        JsonNode bytes = json(ok(api().patch(registryPath(name), obj("storage_limit_bytes", GIB + 1))));
        assertThat(bytes.get("storage_limit_bytes").asLong()).isEqualTo(GIB + 1);
        assertThat(bytes.get("storage_limit_gib").asLong()).isEqualTo(2);
        assertThat(api().registry(name)).as("GET shows the patched registry").isEqualTo(bytes);
    }

    @Test
    void patchWithNullByteLimitRemovesTheLimit() {
        String name = uniqueName("unlimit");
        created(obj("name", name, "public", false, "storage_limit_bytes", 10000));
        JsonNode r = json(ok(api().patch(registryPath(name), obj("storage_limit_bytes", null))));
        assertThat(r.get("storage_limit_bytes").isNull()).as("%s", r).isTrue();
        assertThat(r.get("storage_limit_gib").isNull()).as("%s", r).isTrue();
        JsonNode again = api().registry(name);
        assertThat(again.get("storage_limit_bytes").isNull()).as("%s", again).isTrue();
    }

    @Test
    void patchErrors() {
        String name = uniqueName("patcherr");
        created(obj("name", name, "public", false, "storage_limit_bytes", 10000));
        assertApiError(api().patch(registryPath(name), obj("storage_limit_bytes", 0)), 422);
        assertApiError(api().patch(registryPath(name), obj("storage_limit_gib", -1)), 422);
        assertApiError(api().patch(registryPath(name), obj("storage_limit_gib", 1, "storage_limit_bytes", 2 * GIB)),
                422);
        assertApiError(api().patch(registryPath(name), obj("public", true, "owner", "me")), 400);
        assertApiError(api().send("PATCH", registryPath(name), "{\"public\": tru"), 400);
        JsonNode unchanged = api().registry(name);
        assertThat(unchanged.get("storage_limit_bytes").asLong()).as("refused patches change nothing: %s",
                unchanged).isEqualTo(10000);
        assertThat(unchanged.get("public").asBoolean()).isFalse();
    }

    // ------------------------------------------------------------------------------------------ delete

    @Test
    void deleteRemovesRegistryRepositoriesAndPermissions() {
        String name = uniqueName("gone");
        created(obj("name", name, "public", false));
        RegistryClient oci = registry.client();
        Image image = oci.pushImage(name + "/team/app", "v1", 1);
        JsonNode user = api().newUser("gone", name, "push", "library", "pull");

        HttpResponse<byte[]> del = api().delete(registryPath(name));
        assertStatus(del, 204);
        assertApiError(api().get(registryPath(name)), 404);
        assertApiError(api().delete(registryPath(name)), 404);
        assertThat(names(assertList(api().get("/registries", "name", name)), "name")).doesNotContain(name);

        JsonNode u = api().user(user.get("id").asText());
        assertThat(u.get("permissions").toString()).as("permissions on a deleted registry are gone: %s", u)
                .doesNotContain("\"" + name + "\"").contains("library");

        // the same name again starts empty
        created(obj("name", name, "public", false));
        assertThat(assertList(api().get(registryPath(name) + "/repositories")).get("count").asLong()).isZero();
        JsonNode fresh = api().registry(name);
        assertThat(fresh.get("storage_used_bytes").asLong()).isZero();
        assertThat(fresh.get("repo_count").asLong()).isZero();
        HttpResponse<byte[]> pull = oci.getManifest(image.repo(), "v1");
        assertError(pull, 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertThat(names(assertList(api().get(registryPath(name) + "/users")), "name"))
                .as("a user of the deleted registry does not come back with the name")
                .doesNotContain(user.get("name").asText());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static HttpResponse<byte[]> created(ObjectNode body) {
        HttpResponse<byte[]> r = api().post("/registries", body);
        assertStatus(r, 201);
        assertRegistryShape(json(r));
        return r;
    }

    private static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).as("%s", describe(r)).isEqualTo(200);
        return r;
    }
}
