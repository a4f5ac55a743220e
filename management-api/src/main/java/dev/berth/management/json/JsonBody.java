package dev.berth.management.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.error.RegistryException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A request body that must be one JSON object, read field by field.
 *
 * <p>The contract's rules live here: a field the operation does not know is a 400, a field of the wrong
 * JSON type (a string where a number belongs, a fraction where an integer belongs, {@code null} where a
 * value is required) is a 400, and a well-typed value that breaks a rule is the operation's 422. Getters
 * answer null for an absent field; {@link #isNull} tells an explicit {@code null} apart, which matters for
 * {@code "storage_limit_bytes": null} (remove the limit) versus no field at all (keep it).
 */
public final class JsonBody {
    private final ObjectNode object;
    private final String where;

    private JsonBody(ObjectNode object, String where) {
        this.object = object;
        this.where = where;
    }

    /** Parses a body that must be a JSON object whose fields are all among {@code known}. */
    public static JsonBody parse(byte[] body, Set<String> known) {
        if (body == null || body.length == 0) {
            throw RegistryException.malformed("MALFORMED_JSON", "a JSON object is expected as the request body");
        }
        return of(Json.read(body), "the request body", known);
    }

    /**
     * A body that may be absent (actions such as {@code /disable}); when sent it must be an object with none
     * but the known fields.
     */
    public static JsonBody parseOptional(byte[] body, Set<String> known) {
        if (body == null || body.length == 0 || isBlank(body)) {
            return new JsonBody(JsonNodeFactory.instance.objectNode(), "the request body");
        }
        return parse(body, known);
    }

    private static JsonBody of(JsonNode node, String where, Set<String> known) {
        if (!(node instanceof ObjectNode object)) {
            throw RegistryException.malformed("MALFORMED_JSON", where + " must be a JSON object");
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw RegistryException.malformed("UNKNOWN_FIELD", "unknown field '" + name + "' in " + where);
            }
        }
        return new JsonBody(object, where);
    }

    public boolean has(String field) {
        return object.has(field);
    }

    /** True when the field is present with the value {@code null}. */
    public boolean isNull(String field) {
        JsonNode node = object.get(field);
        return node != null && node.isNull();
    }

    /** A string field; null when absent; a 400 when null or not a string. */
    public String string(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string");
        }
        return node.textValue();
    }

    /** A boolean field; null when absent; a 400 when null or not a boolean. */
    public Boolean bool(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return node.booleanValue();
    }

    /** An integer field that fits a long; null when absent; a 400 when null, fractional or not a number. */
    public Long integer(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw wrongType(field, "an integer");
        }
        if (!node.canConvertToLong()) {
            throw RegistryException.invalid("INVALID_VALUE", "field '" + field + "' is out of range");
        }
        return node.longValue();
    }

    /** An integer field that may also be {@code null}: null when absent or null (see {@link #isNull}). */
    public Long nullableInteger(String field) {
        return isNull(field) ? null : integer(field);
    }

    /** An array of strings; null when absent; a 400 when null, not an array, or holding a non-string. */
    public List<String> strings(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw wrongType(field, "an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw wrongType(field, "an array of strings");
            }
            values.add(item.textValue());
        }
        return values;
    }

    /** An array of objects, each holding none but the known fields; null when absent. */
    public List<JsonBody> objects(String field, Set<String> known) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw wrongType(field, "an array of objects");
        }
        List<JsonBody> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            values.add(of(node.get(i), "'" + field + "[" + i + "]'", known));
        }
        return values;
    }

    /** A 422 for a required field that is absent. */
    public static RegistryException missing(String field) {
        return RegistryException.invalid("MISSING_FIELD", "field '" + field + "' is required");
    }

    private JsonNode present(String field) {
        JsonNode node = object.get(field);
        if (node != null && node.isNull()) {
            throw RegistryException.malformed("INVALID_FIELD", "field '" + field + "' in " + where + " must not be null");
        }
        return node;
    }

    private RegistryException wrongType(String field, String expected) {
        return RegistryException.malformed("INVALID_FIELD", "field '" + field + "' in " + where + " must be " + expected);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
