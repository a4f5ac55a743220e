package dev.berth.management.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Serves the OpenAPI document, to anyone: {@code GET /api/v1/openapi.json}. */
final class GetOpenApiHandler implements Operation {
    private final JsonNode document;

    GetOpenApiHandler(JsonNode document) {
        this.document = document;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(document);
    }
}
