package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management plane ({@code /api/v1}, see {@code management-api.md}) of one Berth server: raw calls returning
 * the {@link HttpResponse} (tests assert statuses and bodies themselves) plus a few setup helpers that fail
 * unless the call succeeds. HTTP goes through {@link RegistryClient}, which sends the given Authorization header
 * ({@code Bearer <admin token>} by default, see {@link RegistryProcess#management()}).
 */
public final class ManagementClient {

    public static final String API = "/api/v1";

    private final RegistryClient http;

    public ManagementClient(URI base, String authorization) {
        this.http = new RegistryClient(base, authorization);
    }

    // ------------------------------------------------------------------------------------------ raw calls

    /** {@code path} is relative to {@code /api/v1} (e.g. {@code /registries}) and may carry a query. */
    public HttpResponse<byte[]> send(String method, String path, String rawBody) {
        if (rawBody == null) {
            return http.send(method, API + path, BodyPublishers.noBody());
        }
        return http.send(method, API + path, BodyPublishers.ofString(rawBody, StandardCharsets.UTF_8),
                "Content-Type", "application/json");
    }

    public HttpResponse<byte[]> send(String method, String path, JsonNode body) {
        return send(method, path, body == null ? null : new String(Content.bytes(body), StandardCharsets.UTF_8));
    }

    /** GET with query parameters as name/value pairs (null values skipped). */
    public HttpResponse<byte[]> get(String path, String... queryKv) {
        return send("GET", RegistryClient.query(path, queryKv), (String) null);
    }

    public HttpResponse<byte[]> post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public HttpResponse<byte[]> patch(String path, JsonNode body) {
        return send("PATCH", path, body);
    }

    public HttpResponse<byte[]> put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    public HttpResponse<byte[]> delete(String path) {
        return send("DELETE", path, (String) null);
    }

    // ------------------------------------------------------------------------------------------ paths

    public static String registryPath(String registry) {
        return "/registries/" + registry;
    }

    /** {@code /registries/{registry}/repositories/{repository}} with the repository's {@code /} sent raw. */
    public static String repositoryPath(String registry, String repository) {
        return registryPath(registry) + "/repositories/" + repository;
    }

    /** The same path with every {@code /} of the repository sent as {@code %2F}. */
    public static String repositoryPathEncoded(String registry, String repository) {
        return registryPath(registry) + "/repositories/" + repository.replace("/", "%2F");
    }

    public static String artifactPath(String registry, String repository, String digest) {
        return repositoryPath(registry, repository) + "/artifacts/" + digest;
    }

    public static String userPath(String id) {
        return "/users/" + id;
    }

    public static String gcRunPath(String id) {
        return "/gc/" + id;
    }

    // ------------------------------------------------------------------------------------------ JSON bodies

    /** A JSON object from name/value pairs; values may be null, strings, numbers, booleans or JsonNodes. */
    public static ObjectNode obj(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("obj needs name/value pairs");
        }
        ObjectNode n = Content.JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.set((String) kv[i], node(kv[i + 1]));
        }
        return n;
    }

    /** A JSON array of the given values. */
    public static ArrayNode arr(Object... values) {
        ArrayNode a = Content.JSON.createArrayNode();
        for (Object v : values) {
            a.add(node(v));
        }
        return a;
    }

    private static JsonNode node(Object v) {
        return v == null ? Content.JSON.nullNode() : Content.JSON.valueToTree(v);
    }

    /** {@code [{"registry": r, "access": a}, ...]} from registry/access pairs. */
    public static ArrayNode permissions(String... registryAccess) {
        ArrayNode a = Content.JSON.createArrayNode();
        for (int i = 0; i < registryAccess.length; i += 2) {
            a.add(obj("registry", registryAccess[i], "access", registryAccess[i + 1]));
        }
        return a;
    }

    /** A fresh name valid both as registry and as user name: {@code prefix-<8 random>}. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + Content.randomAlnum(8);
    }

    // ------------------------------------------------------------------------------------------ setup helpers

    /** Creates a registry ({@code limitBytes} null: no limit); fails unless 201. */
    public JsonNode createRegistry(String name, boolean isPublic, Long limitBytes) {
        ObjectNode body = obj("name", name, "public", isPublic);
        if (limitBytes != null) {
            body.put("storage_limit_bytes", limitBytes);
        }
        HttpResponse<byte[]> r = post("/registries", body);
        assertStatus(r, 201);
        return json(r);
    }

    /** Creates a private registry without limit under a fresh name and returns the name. */
    public String newRegistry(String prefix) {
        return createRegistry(uniqueName(prefix), false, null).get("name").asText();
    }

    public JsonNode registry(String name) {
        HttpResponse<byte[]> r = get(registryPath(name));
        assertStatus(r, 200);
        return json(r);
    }

    public long storageUsed(String registry) {
        return registry(registry).get("storage_used_bytes").asLong();
    }

    public JsonNode repository(String registry, String repository) {
        HttpResponse<byte[]> r = get(repositoryPath(registry, repository));
        assertStatus(r, 200);
        return json(r);
    }

    /** The {@code results} of the artifact list of a repository (first page, size 1000). */
    public JsonNode artifacts(String registry, String repository) {
        HttpResponse<byte[]> r = get(repositoryPath(registry, repository) + "/artifacts", "size", "1000");
        assertStatus(r, 200);
        return json(r).get("results");
    }

    /** The artifact with {@code digest} from the repository's artifact list, or null. */
    public JsonNode artifact(String registry, String repository, String digest) {
        for (JsonNode a : artifacts(registry, repository)) {
            if (digest.equals(a.path("digest").asText())) {
                return a;
            }
        }
        return null;
    }

    public JsonNode history(String registry, String... queryKv) {
        HttpResponse<byte[]> r = get(registryPath(registry) + "/history", queryKv);
        assertStatus(r, 200);
        return json(r);
    }

    /** The registry's daily usage series ({@code GET .../usage}); fails unless 200. */
    public JsonNode usage(String registry, String... queryKv) {
        HttpResponse<byte[]> r = get(registryPath(registry) + "/usage", queryKv);
        assertStatus(r, 200);
        return json(r);
    }

    /** How long a test waits for a collection to end: far longer than a run over the tests' content takes. */
    public static final Duration GC_TIMEOUT = Duration.ofSeconds(60);

    /** Starts a collection ({@code POST /api/v1/gc}); fails unless 202. Returns the run as started. */
    public JsonNode startGc(boolean dryRun, boolean untagged) {
        HttpResponse<byte[]> r = post("/gc", obj("dry_run", dryRun, "untagged", untagged));
        assertStatus(r, 202);
        return json(r);
    }

    public JsonNode gcRun(String id) {
        HttpResponse<byte[]> r = get(gcRunPath(id));
        assertStatus(r, 200);
        return json(r);
    }

    /** Waits for the run to end and returns it; fails unless it ended {@code done}. */
    public JsonNode awaitGc(String id) {
        JsonNode run = Eventually.await("garbage collection " + id + " to end", GC_TIMEOUT, () -> gcRun(id),
                r -> !"running".equals(r.get("state").asText()));
        assertThat(run.get("state").asText()).as("run %s", run).isEqualTo("done");
        return run;
    }

    /** Runs a collection to its end; fails unless it ends {@code done}. Returns the finished run. */
    public JsonNode collect(boolean dryRun, boolean untagged) {
        return awaitGc(startGc(dryRun, untagged).get("id").asText());
    }

    /** Creates a user; fails unless 201. The answer carries the {@code secret}. */
    public JsonNode createUser(String name, int durationDays, JsonNode permissions) {
        HttpResponse<byte[]> r = post("/users", obj("name", name, "duration_days", durationDays,
                "permissions", permissions));
        assertStatus(r, 201);
        return json(r);
    }

    /** Creates a non-expiring user with the given registry/access pairs under a fresh name. */
    public JsonNode newUser(String prefix, String... registryAccess) {
        return createUser(uniqueName(prefix), -1, permissions(registryAccess));
    }

    public JsonNode user(String id) {
        HttpResponse<byte[]> r = get(userPath(id));
        assertStatus(r, 200);
        return json(r);
    }
}
