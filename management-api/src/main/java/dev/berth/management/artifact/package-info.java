/**
 * The artifacts (manifests) of a repository and their tags: list, delete one or many, remove a tag.
 * Deletion goes through the same core code as an OCI {@code DELETE}, with {@code admin} as the actor.
 *
 * <p>Starting point: {@link dev.berth.management.artifact.ArtifactRoutes}.
 */
package dev.berth.management.artifact;
