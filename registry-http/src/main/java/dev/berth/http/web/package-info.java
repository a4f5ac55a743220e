/**
 * Static files served from the jar: the management API's documentation page (Swagger UI at
 * {@code /api/v1/docs/}) and, later, a web console. One responder serves a tree of files under a root path from
 * classpath directories, with a content security policy of its own; it answers {@code GET} and {@code HEAD} only,
 * without authentication, and never reaches outside its directories.
 *
 * <p>Starting points: {@link dev.berth.http.web.StaticAssetHandler} (the HTTP side),
 * {@link dev.berth.http.web.ClasspathAssets} (the files), {@link dev.berth.http.web.ApiDocs} (the Swagger UI page).
 */
package dev.berth.http.web;
