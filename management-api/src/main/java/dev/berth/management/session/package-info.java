/**
 * The console's sign-in: {@code POST /api/v1/session} with the admin token opens a session carried by an
 * HttpOnly, {@code SameSite=Strict} cookie; {@code GET} shows it with its CSRF token; {@code DELETE} signs out.
 */
package dev.berth.management.session;
