package dev.berth.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.management.openapi.OpenApiDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document describes exactly what the router serves, and is internally consistent. */
class OpenApiContractTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private final JsonNode document = OpenApiDocument.load().document();

    @Test
    void isAnOpenApi3Document() {
        assertThat(document.path("openapi").asText()).startsWith("3.0.");
        assertThat(document.path("info").path("title").isTextual()).isTrue();
        assertThat(document.path("paths").isObject()).isTrue();
    }

    @Test
    void listsExactlyTheRoutedOperations() {
        List<String> documented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        List<String> routed = OpenApiDocument.operationsOf(new ManagementApi(null, null, null, null, TestAdminLogin.of(t -> false), null, ApiFixture.LOCAL).routes());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(routed);
    }

    @Test
    void declaresEveryPathParameterOfEachOperation() {
        document.path("paths").fields().forEachRemaining(path -> {
            List<String> names = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (m.find()) {
                names.add(m.group(1));
            }
            path.getValue().fields().forEachRemaining(operation -> {
                List<String> declared = new ArrayList<>();
                operation.getValue().path("parameters").forEach(p -> {
                    JsonNode parameter = resolve(p);
                    if (parameter.path("in").asText().equals("path")) {
                        declared.add(parameter.path("name").asText());
                    }
                });
                assertThat(declared).as(operation.getKey() + " " + path.getKey()).containsExactlyInAnyOrderElementsOf(names);
                assertThat(operation.getValue().path("responses").size()).isPositive();
            });
        });
    }

    @Test
    void resolvesEveryReference() {
        List<String> refs = new ArrayList<>();
        collect(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(refNode(ref).isMissingNode())
                    .as(ref).isFalse();
        }
    }

    @Test
    void openApiNeedsNoToken() {
        JsonNode security = document.path("paths").path(OpenApiDocument.PATH).path("get").path("security");
        assertThat(security.isArray()).isTrue();
        assertThat(security.size()).isZero();
    }

    private JsonNode refNode(String ref) {
        return document.at(ref.substring(1));
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? refNode(node.get("$ref").asText()) : node;
    }

    private static void collect(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, refs));
        }
    }
}
