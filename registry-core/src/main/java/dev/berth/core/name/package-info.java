/**
 * Repository names, tags and references, valid once built (the distribution-spec grammars).
 *
 * <p>Starting points: {@link RepositoryName}, {@link Tag}, {@link Reference}.
 */
package dev.berth.core.name;
