/**
 * The server: configuration, bootstrap, pipeline, top-level routing, main.
 *
 * <p>Starting points: {@link Main}, {@link ServerConfig}, {@link RegistryServer}, {@link RegistryChannelInitializer}, {@link HttpRoutes}.
 */
package dev.berth.http.server;
