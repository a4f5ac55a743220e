/**
 * The OpenAPI 3 document that describes every management call, served without authentication at
 * {@code GET /api/v1/openapi.json}. It is a static resource next to this package, loaded once; a test
 * holds its paths and methods to the router's.
 *
 * <p>Starting point: {@link dev.berth.management.openapi.OpenApiDocument}.
 */
package dev.berth.management.openapi;
