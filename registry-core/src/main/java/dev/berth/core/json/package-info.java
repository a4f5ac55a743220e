/**
 * Reading JSON from clients.
 *
 * <p>Starting points: {@link JsonProblems}.
 */
package dev.berth.core.json;
