package dev.berth.management.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.error.RegistryException;
import dev.berth.core.json.JsonProblems;

import java.io.IOException;

/**
 * The management API's one JSON mapper. Response records are written with {@code snake_case} names and
 * with their nulls (the contract shows {@code "storage_limit_bytes": null}, not a missing field). Request
 * bodies are read as trees, never bound to classes, so that {@link JsonBody} can tell absent from null and
 * refuse unknown fields with the contract's 400.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // A duplicated key is ambiguous input: refuse it rather than silently keep the last one.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Serialises a response value; a failure here is a bug in a response record, hence unchecked. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable: " + value.getClass().getName(), e);
        }
    }

    /** Parses a document; anything that is not one JSON value is a 400 {@code MALFORMED_JSON}. */
    public static JsonNode read(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw RegistryException.malformed("MALFORMED_JSON", "the request body is empty; a JSON object is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryException.malformed("MALFORMED_JSON", "the request body is not valid JSON: " + JsonProblems.describe(e));
        } catch (IOException e) {
            throw RegistryException.malformed("MALFORMED_JSON", "the request body is not valid JSON");
        }
    }

    /** Parses a resource bundled with the module (the OpenAPI document). */
    public static JsonNode readResource(java.io.InputStream in) throws IOException {
        return MAPPER.readTree(in);
    }
}
