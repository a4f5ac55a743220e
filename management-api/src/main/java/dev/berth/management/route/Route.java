package dev.berth.management.route;

import io.netty.handler.codec.http.HttpMethod;

/**
 * One method on one path template, and the operation that answers it.
 *
 * @param requiresAdmin false only for what anyone may call: the OpenAPI document and the console's sign-in and session
 */
public record Route(HttpMethod method, PathTemplate path, Operation operation, boolean requiresAdmin) {
    /** A route that needs the admin token, as every management call does. */
    public static Route of(HttpMethod method, String template, Operation operation) {
        return new Route(method, PathTemplate.parse(template), operation, true);
    }

    /** A route that anyone may call without a token. */
    public static Route open(HttpMethod method, String template, Operation operation) {
        return new Route(method, PathTemplate.parse(template), operation, false);
    }
}
