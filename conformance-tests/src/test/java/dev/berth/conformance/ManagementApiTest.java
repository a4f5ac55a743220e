package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Management API basics (management-api.md "Authentication", "Conventions"): the Bearer admin token on every
 * {@code /api/v1} call, 401 with a JSON error body otherwise, malformed JSON and unknown fields as 400, and the
 * OpenAPI document served without authentication.
 */
class ManagementApiTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    /** Every path of the contract, in the OpenAPI template form. */
    static final List<String> CONTRACT_PATHS = List.of(
            "/api/v1/registries",
            "/api/v1/registries/{registry}",
            "/api/v1/registries/{registry}/history",
            "/api/v1/registries/{registry}/repositories",
            "/api/v1/registries/{registry}/repositories/{repository}",
            "/api/v1/registries/{registry}/repositories/delete",
            "/api/v1/registries/{registry}/repositories/{repository}/artifacts",
            "/api/v1/registries/{registry}/repositories/{repository}/artifacts/{digest}",
            "/api/v1/registries/{registry}/repositories/{repository}/artifacts/delete",
            "/api/v1/registries/{registry}/repositories/{repository}/artifacts/{digest}/tags/{tag}",
            "/api/v1/users",
            "/api/v1/users/{id}",
            "/api/v1/users/{id}/permissions",
            "/api/v1/users/{id}/disable",
            "/api/v1/users/{id}/enable",
            "/api/v1/users/{id}/refresh-secret",
            "/api/v1/users/delete",
            "/api/v1/registries/{registry}/users",
            "/api/v1/registries/{registry}/users/{id}",
            "/api/v1/openapi.json");

    private static ManagementClient api() {
        return registry.management();
    }

    // ------------------------------------------------------------------------------------------ 401

    @ParameterizedTest(name = "GET {0} without Authorization is 401")
    @ValueSource(strings = {"/registries", "/registries/library", "/users", "/registries/library/history",
            "/registries/library/repositories"})
    void missingTokenIs401WithJsonError(String path) {
        HttpResponse<byte[]> r = registry.process().management(null).get(path);
        assertApiError(r, 401);
    }

    @Test
    void wrongBearerTokenIs401WithJsonError() {
        HttpResponse<byte[]> r = registry.process().management("Bearer " + registry.process().adminToken() + "x")
                .get("/registries");
        assertApiError(r, 401);
    }

    @Test
    void wrongTokenOnWriteIs401AndChangesNothing() {
        String name = ManagementClient.uniqueName("unauth");
        HttpResponse<byte[]> r = registry.process().management("Bearer not-the-token")
                .post("/registries", ManagementClient.obj("name", name, "public", true));
        assertApiError(r, 401);
        assertApiError(api().get(ManagementClient.registryPath(name)), 404);
    }

    @Test
    void userSecretIsNotAnAdminToken() {
        JsonNode user = api().newUser("notadmin", "library", "push");
        ManagementClient asUser = registry.process().management("Bearer " + user.get("secret").asText());
        assertApiError(asUser.get("/registries"), 401);
        ManagementClient asUserBasic = registry.process().management(
                RegistryProcess.basicAuthorization(user.get("name").asText(), user.get("secret").asText()));
        assertApiError(asUserBasic.get("/registries"), 401);
    }

    @Test
    void correctBearerTokenIsAccepted() {
        assertStatus(api().get("/registries"), 200);
    }

    // ------------------------------------------------------------------------------------------ 400

    @ParameterizedTest(name = "malformed JSON {0} is 400")
    @ValueSource(strings = {"{", "{\"name\": ", "not json", "[1,2", "{\"name\":\"x\",}"})
    void malformedJsonIs400(String body) {
        assertApiError(api().send("POST", "/registries", body), 400);
    }

    @Test
    void malformedJsonOnUserCreateIs400() {
        assertApiError(api().send("POST", "/users", "{\"name\": \"abc\", \"permissions\": ["), 400);
    }

    @Test
    void unknownFieldIs400NotDropped() {
        String name = ManagementClient.uniqueName("unknownfield");
        HttpResponse<byte[]> r = api().post("/registries",
                ManagementClient.obj("name", name, "public", false, "colour", "blue"));
        assertApiError(r, 400);
        assertApiError(api().get(ManagementClient.registryPath(name)), 404);
    }

    @Test
    void unknownFieldOnUserCreateIs400() {
        String name = ManagementClient.uniqueName("unknownfield");
        HttpResponse<byte[]> r = api().post("/users", ManagementClient.obj("name", name, "duration_days", 1,
                "permissions", ManagementClient.permissions(), "password", "hunter2"));
        assertApiError(r, 400);
    }

    // ------------------------------------------------------------------------------------------ OpenAPI

    @Test
    void openApiDocumentIsServedWithoutAuthAndCoversEveryContractPath() {
        HttpResponse<byte[]> r = registry.process().anonymousClient().get(ManagementClient.API + "/openapi.json");
        assertStatus(r, 200);
        JsonNode doc = json(r);
        assertThat(doc.path("openapi").asText()).as("openapi version in:\n%s", describe(r)).startsWith("3.");
        JsonNode paths = doc.get("paths");
        assertThat(paths != null && paths.isObject()).as("\"paths\" object in:\n%s", describe(r)).isTrue();
        List<String> missing = new ArrayList<>();
        for (String p : CONTRACT_PATHS) {
            if (!paths.has(p) && !paths.has(p.substring(ManagementClient.API.length()))) {
                missing.add(p);
            }
        }
        assertThat(missing).as("contract paths missing from the OpenAPI document's \"paths\" (has %s)",
                iterable(paths.fieldNames())).isEmpty();
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
