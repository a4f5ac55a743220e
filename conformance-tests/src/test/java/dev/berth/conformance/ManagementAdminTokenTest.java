package dev.berth.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * management-api.md "Authentication": the admin token from {@code REGISTRY_ADMIN_TOKEN}, or generated on first
 * start, printed once on standard output and stored only as a hash; it works as Bearer on {@code /api/v1} and as
 * user {@code admin} on the OCI API; user secrets are likewise stored only as hashes.
 */
class ManagementAdminTokenTest {

    @Test
    void tokenFromTheEnvironmentIsNotStoredInClear() {
        try (RegistryProcess p = RegistryProcess.start()) {
            assertStatus(p.management().get("/registries"), 200);
            assertStatus(p.client().ping(), 200);
            p.stop();
            assertThat(filesContaining(p.dataDir(), p.adminToken()))
                    .as("data files holding the admin token in clear").isEmpty();
        }
    }

    @Test
    void tokenGeneratedOnFirstStartIsPrintedOnceWorksAndIsStoredOnlyAsAHash() {
        try (RegistryProcess p = RegistryProcess.startWithoutAdminToken()) {
            String token = findWorkingToken(p);
            assertThat(token).as("a token printed by the server on first start that the API accepts; log:\n%s",
                    p.logTail(40)).isNotNull();
            assertStatus(p.management().get("/registries"), 401);
            assertStatus(p.management("Bearer " + token + "x").get("/registries"), 401);
            assertStatus(new RegistryClient(p.baseUri(), RegistryProcess.basicAuthorization("admin", token)).ping(),
                    200);

            p.restart();
            assertStatus(p.management("Bearer " + token).get("/registries"), 200);
            assertThat(occurrences(p.log(), token)).as("the generated token is printed once, not on every start")
                    .isEqualTo(1);
            p.stop();
            assertThat(filesContaining(p.dataDir(), token)).as("data files holding the admin token in clear")
                    .isEmpty();
        }
    }

    @Test
    void userSecretsAreNotStoredInClear() {
        try (RegistryProcess p = RegistryProcess.start()) {
            ManagementClient api = p.management();
            com.fasterxml.jackson.databind.JsonNode user = api.newUser("hashed", "library", "pull");
            String first = user.get("secret").asText();
            assertStatus(p.client(user.get("name").asText(), first).ping(), 200);
            String second = OciAssertions.json(api.post(ManagementClient.userPath(user.get("id").asText())
                    + "/refresh-secret", null)).get("secret").asText();
            assertStatus(p.client(user.get("name").asText(), second).ping(), 200);
            p.stop();
            assertThat(filesContaining(p.dataDir(), first)).as("data files holding a user secret in clear").isEmpty();
            assertThat(filesContaining(p.dataDir(), second)).as("data files holding a user secret in clear")
                    .isEmpty();
        }
    }

    /** Tries every token-like word of the server's output as the Bearer admin token. */
    private static String findWorkingToken(RegistryProcess p) {
        Set<String> candidates = new LinkedHashSet<>();
        for (String w : p.log().split("[^A-Za-z0-9._~+/=-]+")) {
            if (w.length() >= 16 && !w.contains("/")) {
                candidates.add(w);
            }
        }
        int tries = 0;
        for (String c : candidates) {
            if (++tries > 100) {
                break;
            }
            if (p.management("Bearer " + c).get("/registries").statusCode() == 200) {
                return c;
            }
        }
        return null;
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static List<Path> filesContaining(Path dir, String secret) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    hits.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
