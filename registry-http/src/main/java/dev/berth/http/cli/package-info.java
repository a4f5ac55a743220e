/**
 * The commands of {@code registry.jar} other than serving, which {@code Main} hands its arguments to when the
 * first one names them.
 *
 * <p>Starting points: {@link dev.berth.http.cli.CheckCommand} ({@code check}: the integrity check of a data
 * directory).
 */
package dev.berth.http.cli;
