package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertGroupResult;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.assertTimestamp;
import static dev.berth.conformance.ManagementAssertions.assertUserShape;
import static dev.berth.conformance.ManagementAssertions.assertUserWithSecretShape;
import static dev.berth.conformance.ManagementAssertions.names;
import static dev.berth.conformance.ManagementClient.arr;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.permissions;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.uniqueName;
import static dev.berth.conformance.ManagementClient.userPath;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/** management-api.md "Users": robot credentials, their permissions, expiry, status and secrets. */
class ManagementUsersTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static String regA;
    private static String regB;

    @BeforeAll
    static void registries() {
        regA = api().newRegistry("ua");
        regB = api().newRegistry("ub");
    }

    private static ManagementClient api() {
        return registry.management();
    }

    // ------------------------------------------------------------------------------------------ create

    @Test
    void createAnswers201WithSecretAndAllFields() {
        String name = uniqueName("ci-bot");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<byte[]> r = api().post("/users", obj("name", name, "description", "builds things",
                "duration_days", 30, "permissions", permissions(regA, "push", regB, "pull")));
        assertStatus(r, 201);
        JsonNode u = json(r);
        assertUserWithSecretShape(u);
        assertThat(u.get("id").asText()).isNotBlank();
        assertThat(u.get("name").asText()).isEqualTo(name);
        assertThat(u.get("description").asText()).isEqualTo("builds things");
        assertThat(u.get("status").asText()).isEqualTo("enabled");
        assertThat(u.get("duration_days").asInt()).isEqualTo(30);
        Instant expires = assertTimestamp(u, "expires_at");
        assertThat(expires).as("expires_at is now + 30 days: %s", u)
                .isBetween(before.plus(Duration.ofDays(30)).minusSeconds(5), Instant.now().plus(Duration.ofDays(30))
                        .plusSeconds(5));
        assertThat(perms(u)).containsExactlyInAnyOrder(regA + ":push", regB + ":pull");

        JsonNode got = api().user(u.get("id").asText());
        assertUserShape(got);
        assertThat(got.get("name").asText()).isEqualTo(name);
        assertThat(got.get("expires_at")).isEqualTo(u.get("expires_at"));
    }

    @Test
    void descriptionDefaultsToEmptyAndSecretsAreDistinctAndLong() {
        JsonNode a = api().createUser(uniqueName("nodesc"), 7, permissions(regA, "pull"));
        JsonNode b = api().createUser(uniqueName("nodesc"), 7, permissions(regA, "pull"));
        assertUserWithSecretShape(a);
        assertThat(a.get("description").asText()).isEmpty();
        assertThat(a.get("secret").asText()).isNotEqualTo(b.get("secret").asText());
        assertThat(a.get("id").asText()).isNotEqualTo(b.get("id").asText());
    }

    @Test
    void neverExpiringUserHasNullExpiresAt() {
        JsonNode u = api().createUser(uniqueName("forever"), -1, permissions());
        assertThat(u.get("duration_days").asInt()).isEqualTo(-1);
        assertThat(u.get("expires_at").isNull()).as("duration_days -1 gives expires_at null: %s", u).isTrue();
        assertThat(u.get("status").asText()).isEqualTo("enabled");
    }

    @ParameterizedTest(name = "user name \"{0}\" is 422")
    @ValueSource(strings = {"admin", "a", "Bot", "-bot", ".bot", "_bot", "bot name", "bot/x", "bot:x", "bot@x",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badUserNameIs422(String name) {
        assertApiError(api().post("/users", obj("name", name, "duration_days", 1, "permissions", permissions())),
                422);
    }

    @ParameterizedTest(name = "user name \"{0}\" is accepted")
    @ValueSource(strings = {"b0", "bot.x-y_z", "0bot", "admin2", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void validUserNamesAreAccepted(String name) {
        assertStatus(api().post("/users", obj("name", name, "duration_days", 1, "permissions", permissions())),
                201);
    }

    @Test
    void takenUserNameIs409() {
        String name = uniqueName("dup");
        api().createUser(name, 1, permissions());
        assertApiError(api().post("/users", obj("name", name, "duration_days", 5, "permissions", permissions())),
                409);
        assertThat(assertList(api().get("/users", "name", name)).get("count").asLong()).isEqualTo(1);
    }

    @ParameterizedTest(name = "access \"{0}\" is 422")
    @ValueSource(strings = {"admin", "write", "PUSH", "", "read"})
    void badAccessIs422(String access) {
        String name = uniqueName("badaccess");
        assertApiError(api().post("/users", obj("name", name, "duration_days", 1,
                "permissions", permissions(regA, access))), 422);
        assertThat(assertList(api().get("/users", "name", name)).get("count").asLong()).isZero();
    }

    @Test
    void durationBelowMinusOneIs422() {
        String name = uniqueName("dur");
        assertApiError(api().post("/users", obj("name", name, "duration_days", -2, "permissions", permissions())),
                422);
        assertThat(assertList(api().get("/users", "name", name)).get("count").asLong()).isZero();
    }

    @Test
    void permissionOnAMissingRegistryIsRefused() {
        String name = uniqueName("ghost");
        HttpResponse<byte[]> r = api().post("/users", obj("name", name, "duration_days", 1,
                "permissions", permissions("nosuch-" + Content.randomAlnum(8), "pull")));
        // the contract leaves open whether this is "unknown registry" (404) or "invalid value" (422)
        assertApiError(r, 404, 422);
        assertThat(assertList(api().get("/users", "name", name)).get("count").asLong()).isZero();
    }

    // ------------------------------------------------------------------------------------------ list

    @Test
    void listHidesSecretsFiltersAndPages() {
        String prefix = "lst" + Content.randomAlnum(6);
        String reg = api().newRegistry("ul");
        for (int i = 0; i < 3; i++) {
            api().createUser(prefix + "-" + i, 10, i == 0 ? permissions(reg, "pull") : permissions(regA, "pull"));
        }
        JsonNode all = assertList(api().get("/users", "name", prefix.toUpperCase()));
        assertThat(all.get("count").asLong()).isEqualTo(3);
        assertThat(names(all, "name")).containsExactlyInAnyOrder(prefix + "-0", prefix + "-1", prefix + "-2");
        all.get("results").forEach(ManagementAssertions::assertUserShape);

        JsonNode byReg = assertList(api().get("/users", "registry", reg));
        assertThat(names(byReg, "name")).containsExactly(prefix + "-0");
        assertThat(byReg.get("count").asLong()).isEqualTo(1);

        JsonNode p1 = assertList(api().get("/users", "name", prefix, "size", "2", "page", "1"));
        JsonNode p2 = assertList(api().get("/users", "name", prefix, "size", "2", "page", "2"));
        assertThat(p1.get("count").asLong()).isEqualTo(3);
        assertThat(p2.get("count").asLong()).isEqualTo(3);
        assertThat(p1.get("results").size()).isEqualTo(2);
        assertThat(p2.get("results").size()).isEqualTo(1);
        List<String> paged = new ArrayList<>(names(p1, "name"));
        paged.addAll(names(p2, "name"));
        assertThat(paged).containsExactlyInAnyOrderElementsOf(names(all, "name"));
        assertApiError(api().get("/users", "page", "0"), 400);
    }

    // ------------------------------------------------------------------------------------------ get / 404

    @Test
    void unknownUserIs404OnEveryCall() {
        String id = "u-" + Content.randomAlnum(16);
        assertApiError(api().get(userPath(id)), 404);
        assertApiError(api().patch(userPath(id), obj("description", "x")), 404);
        assertApiError(api().put(userPath(id) + "/permissions", obj("permissions", permissions())), 404);
        assertApiError(api().post(userPath(id) + "/disable", null), 404);
        assertApiError(api().post(userPath(id) + "/enable", null), 404);
        assertApiError(api().post(userPath(id) + "/refresh-secret", null), 404);
        assertApiError(api().delete(userPath(id)), 404);
        assertApiError(api().put(registryPath(regA) + "/users/" + id, obj("access", "pull")), 404);
        assertApiError(api().delete(registryPath(regA) + "/users/" + id), 404);
    }

    // ------------------------------------------------------------------------------------------ patch

    @Test
    void patchDescriptionAndDuration() {
        JsonNode u = api().createUser(uniqueName("patch"), 5, permissions(regA, "pull"));
        String id = u.get("id").asText();
        JsonNode d = json(ok(api().patch(userPath(id), obj("description", "new words"))));
        assertUserShape(d);
        assertThat(d.get("description").asText()).isEqualTo("new words");
        assertThat(d.get("expires_at")).as("expiry untouched").isEqualTo(u.get("expires_at"));
        assertThat(d.get("permissions")).isEqualTo(u.get("permissions"));

        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JsonNode r = json(ok(api().patch(userPath(id), obj("duration_days", 90))));
        assertThat(r.get("duration_days").asInt()).isEqualTo(90);
        assertThat(assertTimestamp(r, "expires_at")).as("expiry recomputed from now: %s", r)
                .isBetween(before.plus(Duration.ofDays(90)).minusSeconds(5),
                        Instant.now().plus(Duration.ofDays(90)).plusSeconds(5));

        JsonNode never = json(ok(api().patch(userPath(id), obj("duration_days", -1))));
        assertThat(never.get("expires_at").isNull()).as("%s", never).isTrue();
    }

    @Test
    void patchExactExpiryAndExpiredStatus() {
        JsonNode u = api().createUser(uniqueName("exp"), 5, permissions(regA, "pull"));
        String id = u.get("id").asText();
        JsonNode future = json(ok(api().patch(userPath(id), obj("expires_at", "2099-01-02T03:04:05Z"))));
        assertThat(Instant.parse(future.get("expires_at").asText())).isEqualTo(Instant.parse("2099-01-02T03:04:05Z"));
        assertThat(future.get("status").asText()).isEqualTo("enabled");

        JsonNode past = json(ok(api().patch(userPath(id), obj("expires_at", "2020-01-01T00:00:00Z"))));
        assertThat(past.get("status").asText()).as("past expires_at shows expired: %s", past).isEqualTo("expired");
        assertThat(api().user(id).get("status").asText()).isEqualTo("expired");

        JsonNode renewed = json(ok(api().patch(userPath(id), obj("duration_days", 1))));
        assertThat(renewed.get("status").asText()).as("renewed: %s", renewed).isEqualTo("enabled");
    }

    @Test
    void expiresAtWithAnOffsetIsShownInUtc() {
        String id = api().createUser(uniqueName("tz"), 5, permissions()).get("id").asText();
        JsonNode r = json(ok(api().patch(userPath(id), obj("expires_at", "2099-01-01T05:00:00+02:00"))));
        assertThat(r.get("expires_at").asText()).as("RFC 3339 UTC: %s", r).isEqualTo("2099-01-01T03:00:00Z");
    }

    @Test
    void patchErrors() {
        JsonNode u = api().createUser(uniqueName("patcherr"), 5, permissions());
        String id = u.get("id").asText();
        assertApiError(api().patch(userPath(id), obj("description", "x", "secret", "mine")), 400);
        assertApiError(api().patch(userPath(id), obj("nickname", "x")), 400);
        assertApiError(api().send("PATCH", userPath(id), "{\"description\": "), 400);
        // a string that is no RFC 3339 instant: "bad field" (400) or "invalid value" (422), both readings allowed
        assertApiError(api().patch(userPath(id), obj("expires_at", "next tuesday")), 400, 422);
        assertThat(api().user(id).get("description").asText()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ permissions

    @Test
    void putPermissionsReplacesTheList() {
        JsonNode u = api().createUser(uniqueName("perm"), 5, permissions(regA, "pull"));
        String id = u.get("id").asText();
        JsonNode r = json(ok(api().put(userPath(id) + "/permissions",
                obj("permissions", permissions(regB, "push")))));
        assertUserShape(r);
        assertThat(perms(r)).containsExactly(regB + ":push");
        assertThat(perms(api().user(id))).containsExactly(regB + ":push");
        assertApiError(api().put(userPath(id) + "/permissions", obj("permissions", permissions(regA, "owner"))),
                422);
        assertApiError(api().put(userPath(id) + "/permissions", obj("permissions", permissions(), "x", 1)), 400);
        assertThat(perms(api().user(id))).as("refused replacements change nothing").containsExactly(regB + ":push");
        JsonNode none = json(ok(api().put(userPath(id) + "/permissions", obj("permissions", permissions()))));
        assertThat(none.get("permissions").size()).isZero();
    }

    @Test
    void attachChangeAndDetachThroughTheRegistry() {
        String reg = api().newRegistry("attach");
        JsonNode u = api().createUser(uniqueName("att"), 5, permissions(regA, "pull"));
        String id = u.get("id").asText();
        String path = registryPath(reg) + "/users/" + id;

        assertThat(assertList(api().get(registryPath(reg) + "/users")).get("count").asLong()).isZero();
        assertStatus(api().put(path, obj("access", "pull")), 200, 201, 204);
        JsonNode users = assertList(api().get(registryPath(reg) + "/users"));
        assertThat(names(users, "id")).containsExactly(id);
        users.get("results").forEach(ManagementAssertions::assertUserShape);
        assertThat(perms(api().user(id))).containsExactlyInAnyOrder(regA + ":pull", reg + ":pull");

        assertStatus(api().put(path, obj("access", "push")), 200, 201, 204);
        assertThat(perms(api().user(id))).containsExactlyInAnyOrder(regA + ":pull", reg + ":push");
        assertApiError(api().put(path, obj("access", "delete")), 422);
        assertApiError(api().put(path, obj("access", "pull", "extra", true)), 400);

        assertStatus(api().delete(path), 200, 204);
        assertThat(assertList(api().get(registryPath(reg) + "/users")).get("count").asLong()).isZero();
        assertThat(perms(api().user(id))).containsExactly(regA + ":pull");
        assertApiError(api().put(registryPath("nosuch-" + Content.randomAlnum(6)) + "/users/" + id,
                obj("access", "pull")), 404);
    }

    @Test
    void groupAttachAndDetachThroughTheRegistry() {
        String reg = api().newRegistry("bulk");
        String a = api().createUser(uniqueName("ba"), 5, permissions(regA, "pull")).get("id").asText();
        String b = api().createUser(uniqueName("bb"), 5, permissions()).get("id").asText();
        String missing = "u-" + Content.randomAlnum(12);

        JsonNode attached = json(ok(api().post(registryPath(reg) + "/users/attach", obj("users",
                arr(obj("id", a, "access", "pull"), obj("id", missing, "access", "push"), obj("id", b, "access", "push"))))));
        assertThat(texts(attached.get("attached"))).containsExactly(a, b);
        assertThat(attached.get("failed").size()).as("%s", attached).isEqualTo(1);
        assertThat(attached.get("failed").get(0).get("id").asText()).isEqualTo(missing);
        assertThat(attached.get("failed").get(0).get("error").asText()).isNotBlank();
        assertThat(perms(api().user(a))).containsExactlyInAnyOrder(regA + ":pull", reg + ":pull");
        assertThat(perms(api().user(b))).containsExactly(reg + ":push");

        JsonNode detached = json(ok(api().post(registryPath(reg) + "/users/detach", obj("ids", arr(a, missing)))));
        assertThat(texts(detached.get("detached"))).containsExactly(a);
        assertThat(detached.get("failed").get(0).get("id").asText()).isEqualTo(missing);
        assertThat(perms(api().user(a))).containsExactly(regA + ":pull");
        assertThat(names(assertList(api().get(registryPath(reg) + "/users")), "id")).containsExactly(b);

        assertApiError(api().post(registryPath(reg) + "/users/attach", obj("users", arr(obj("id", a, "access", "own")))), 422);
        assertThat(perms(api().user(a))).as("a refused body attaches no one").containsExactly(regA + ":pull");
        assertApiError(api().post(registryPath("nosuch-" + Content.randomAlnum(6)) + "/users/attach", obj("users", arr())), 404);
        assertApiError(api().post(registryPath("nosuch-" + Content.randomAlnum(6)) + "/users/detach", obj("ids", arr())), 404);
    }

    @Test
    void permissionsCatalogueListsPullAndPush() {
        JsonNode catalogue = assertList(api().get("/permissions"));
        assertThat(catalogue.get("count").asLong()).isEqualTo(2);
        assertThat(names(catalogue, "access")).containsExactly("pull", "push");
        catalogue.get("results").forEach(level -> assertThat(level.get("description").asText()).isNotBlank());
    }

    @Test
    void listFiltersByStatus() {
        String prefix = "st" + Content.randomAlnum(6);
        api().createUser(prefix + "-on", 5, permissions());
        String off = api().createUser(prefix + "-off", 5, permissions()).get("id").asText();
        String old = api().createUser(prefix + "-old", 5, permissions()).get("id").asText();
        ok(api().post(userPath(off) + "/disable", null));
        ok(api().patch(userPath(old), obj("expires_at", "2020-01-01T00:00:00Z")));

        assertThat(names(assertList(api().get("/users", "name", prefix, "status", "enabled")), "name")).containsExactly(prefix + "-on");
        assertThat(names(assertList(api().get("/users", "name", prefix, "status", "disabled")), "name")).containsExactly(prefix + "-off");
        assertThat(names(assertList(api().get("/users", "name", prefix, "status", "expired")), "name")).containsExactly(prefix + "-old");
        assertApiError(api().get("/users", "status", "deleted"), 400);
    }

    @Test
    void createWithExpiresAtOrWithNeitherExpiryField() {
        HttpResponse<byte[]> neverCreated = api().post("/users", obj("name", uniqueName("nev")));
        assertStatus(neverCreated, 201);
        JsonNode never = json(neverCreated);
        assertThat(never.get("expires_at").isNull()).as("%s", never).isTrue();
        assertThat(never.get("duration_days").asInt()).isEqualTo(-1);

        Instant at = Instant.now().plus(Duration.ofDays(3)).plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<byte[]> created = api().post("/users", obj("name", uniqueName("exp"), "expires_at", at.toString()));
        assertStatus(created, 201);
        JsonNode dated = json(created);
        assertUserWithSecretShape(dated);
        assertThat(Instant.parse(dated.get("expires_at").asText())).isEqualTo(at);
        assertThat(dated.get("duration_days").asInt()).as("whole days to expires_at, rounded up").isEqualTo(4);

        assertApiError(api().post("/users", obj("name", uniqueName("past"), "expires_at", "2020-01-01T00:00:00Z")), 422);
        assertApiError(api().post("/users", obj("name", uniqueName("both"), "duration_days", 3, "expires_at", at.toString())), 422);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    // ------------------------------------------------------------------------------------------ status and secret

    @Test
    void disableAndEnable() {
        String id = api().createUser(uniqueName("dis"), 5, permissions(regA, "pull")).get("id").asText();
        JsonNode d = json(ok(api().post(userPath(id) + "/disable", null)));
        assertUserShape(d);
        assertThat(d.get("status").asText()).isEqualTo("disabled");
        assertThat(api().user(id).get("status").asText()).isEqualTo("disabled");
        JsonNode e = json(ok(api().post(userPath(id) + "/enable", null)));
        assertThat(e.get("status").asText()).isEqualTo("enabled");
    }

    @Test
    void refreshSecretAnswersANewSecret() {
        JsonNode u = api().createUser(uniqueName("ref"), 5, permissions(regA, "pull"));
        JsonNode r = json(ok(api().post(userPath(u.get("id").asText()) + "/refresh-secret", null)));
        assertUserWithSecretShape(r);
        assertThat(r.get("secret").asText()).isNotEqualTo(u.get("secret").asText());
        assertThat(r.get("id").asText()).isEqualTo(u.get("id").asText());
    }

    // ------------------------------------------------------------------------------------------ delete

    @Test
    void deleteUser() {
        String id = api().createUser(uniqueName("del"), 5, permissions(regA, "pull")).get("id").asText();
        assertStatus(api().delete(userPath(id)), 204);
        assertApiError(api().get(userPath(id)), 404);
        assertApiError(api().delete(userPath(id)), 404);
    }

    @Test
    void groupDeleteUsers() {
        String a = api().createUser(uniqueName("ga"), 5, permissions()).get("id").asText();
        String b = api().createUser(uniqueName("gb"), 5, permissions()).get("id").asText();
        String missing = "u-" + Content.randomAlnum(12);
        JsonNode g = assertGroupResult(api().post("/users/delete", obj("ids", arr(a, b, missing))));
        List<String> deleted = new ArrayList<>();
        g.get("deleted").forEach(n -> deleted.add(n.asText()));
        assertThat(deleted).containsExactlyInAnyOrder(a, b);
        assertThat(g.get("failed").size()).as("%s", g).isEqualTo(1);
        assertThat(g.get("failed").get(0).toString()).contains(missing);
        assertApiError(api().get(userPath(a)), 404);
        assertApiError(api().get(userPath(b)), 404);
        assertApiError(api().send("POST", "/users/delete", "{\"ids\": [1,"), 400);
    }

    /** A user's permissions as {@code registry:access} strings. */
    static List<String> perms(JsonNode user) {
        List<String> out = new ArrayList<>();
        user.get("permissions").forEach(p -> out.add(p.path("registry").asText() + ":" + p.path("access").asText()));
        return out;
    }

    private static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) {
        assertStatus(r, 200);
        return r;
    }
}
