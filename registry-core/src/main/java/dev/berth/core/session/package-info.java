/**
 * Signed-in browser sessions of the admin, for the web console: opened with the admin token, carried by an
 * HttpOnly cookie, each with its own CSRF token, kept in the metadata store so that every node of a cluster
 * knows them and a sign-out ends them everywhere at once.
 */
package dev.berth.core.session;
