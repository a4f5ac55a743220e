/**
 * The management API ({@code /api/v1}): tenant registries, their repositories, artifacts, tags and history,
 * and repository users, as shared/spec/management-api.md defines them.
 *
 * <p>Starting points: {@link dev.berth.management.ManagementApi} (the one entry point registry-http calls)
 * and {@link dev.berth.management.ManagementRequest}. Features live in subpackages ({@code registry},
 * {@code repository}, {@code artifact}, {@code user}, {@code usage}, {@code openapi}); routing, JSON and
 * error mapping each live in one package of their own.
 */
package dev.berth.management;
