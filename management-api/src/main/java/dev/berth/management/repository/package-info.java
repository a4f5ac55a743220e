/**
 * The repositories of a registry: list, show, delete one or many. Repository names here are relative to the
 * registry ({@code team/app} in {@code acme}) and may contain slashes.
 *
 * <p>Starting point: {@link dev.berth.management.repository.RepositoryRoutes}.
 */
package dev.berth.management.repository;
