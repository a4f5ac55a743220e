/**
 * The server: configuration, the wiring of the services, bootstrap, pipeline, top-level routing, main.
 *
 * <p>Starting points: {@link Main}, {@link ServerConfig}, {@link RegistryServices} (what the server answers with,
 * built from the configuration), {@link RegistryServer} (serving them with Netty), {@link RegistryChannelInitializer},
 * {@link HttpRoutes}.
 */
package dev.berth.http.server;
