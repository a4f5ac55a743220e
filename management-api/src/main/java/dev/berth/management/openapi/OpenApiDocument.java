package dev.berth.management.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.management.json.Json;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The management API's OpenAPI 3 document, read once from the bundled resource
 * {@code dev/berth/management/openapi/openapi.json}.
 */
public final class OpenApiDocument {
    /** Where the document is served. */
    public static final String PATH = "/api/v1/openapi.json";
    private static final String RESOURCE = "openapi.json";

    private final JsonNode document;

    private OpenApiDocument(JsonNode document) {
        this.document = document;
    }

    /** Loads the bundled document; a missing or broken resource is a build error, hence unchecked. */
    public static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing");
            }
            return new OpenApiDocument(Json.readResource(in));
        } catch (IOException e) {
            throw new UncheckedIOException("resource " + RESOURCE + " is not valid JSON", e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** The route that serves the document to anyone. */
    public Route route() {
        return Route.open(HttpMethod.GET, PATH, new GetOpenApiHandler(document));
    }

    /** The routes as the document's operations, {@code METHOD path}, for comparing with the router. */
    public static List<String> operationsOf(List<Route> routes) {
        return routes.stream().map(r -> r.method().name() + " " + r.path().openApiPath()).sorted().toList();
    }
}
