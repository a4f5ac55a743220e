/**
 * The connection driver and the request/response plumbing every endpoint shares.
 *
 * <p>Starting points: {@link RegistryRequestHandler}, {@link RequestContext}, {@link Exchange}, {@link AggregatingExchange}, {@link Responses}, {@link V2Router}.
 */
package dev.berth.http.route;
