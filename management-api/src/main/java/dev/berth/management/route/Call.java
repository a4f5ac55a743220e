package dev.berth.management.route;

import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.session.ConsoleSession;
import dev.berth.management.json.JsonBody;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One authenticated management call as an operation sees it: the decoded path parameters, the query, the
 * body and the server's public address for this client (registry URLs are built from it).
 *
 * @param params path parameters by template name, percent-decoded ({@code team%2Fapp} is {@code team/app})
 * @param query query parameters, decoded, in the order sent
 * @param body the raw body, empty when none; not copied, never modified
 * @param host the {@code host[:port]} clients reach the registry at (see {@code PublicAddress})
 * @param clientAddress the client's IP address
 * @param secure whether the call came over TLS
 * @param session the console session the call was made in; null for a Bearer call, or an open route called without one
 */
public record Call(Map<String, String> params, Map<String, List<String>> query, byte[] body, String host,
                   String clientAddress, boolean secure, ConsoleSession session) {
    private static final String PAGE = "page";
    private static final String SIZE = "size";
    private static final String NAME = "name";

    public Call {
        params = Map.copyOf(params);
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }

    /** A path parameter the route's template declares. */
    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter " + name);
        }
        return value;
    }

    /** The first value of a query parameter, or null when absent. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A {@code true}/{@code false} query parameter; null when absent; 400 for anything else. */
    public Boolean booleanQuery(String name) {
        String value = query(name);
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalidParameter(name + " is true or false");
        };
    }

    /** The listing page from {@code page} (default 1), {@code size} (default 50, at most 1000) and {@code name}. */
    public PageRequest page() {
        return new PageRequest(intQuery(PAGE, 1), intQuery(SIZE, PageRequest.DEFAULT_SIZE), query(NAME));
    }

    /** The body as a JSON object with none but the known fields. */
    public JsonBody json(Set<String> known) {
        return JsonBody.parse(body, known);
    }

    /** The body of an action that needs none: empty, or an object with none but the known fields. */
    public JsonBody optionalJson(Set<String> known) {
        return JsonBody.parseOptional(body, known);
    }

    private int intQuery(String name, int defaultValue) {
        String value = query(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalidParameter(name + " must be an integer");
        }
    }

    private static RegistryException invalidParameter(String message) {
        return RegistryException.malformed("INVALID_PARAMETER", message);
    }
}
