package dev.berth.http.server;

import java.time.Duration;

/**
 * How long a connection may keep the server waiting, and how many connections may be open at once.
 *
 * @param headerTimeout the most a request head may take to arrive in full: counted from the connection's
 *                      opening for its first request, from the first byte of a later one
 * @param idleTimeout the most a kept-alive connection may stay silent between an answer and the next request
 * @param bodyTimeout the most a request body may stay silent while the server is reading it; time the server
 *                    itself spends not reading (disk back-pressure) does not count
 * @param maxConnections connections open at once, from everyone; one more is answered 503 and closed
 * @param maxConnectionsPerAddress connections open at once from one client address; likewise
 */
public record ConnectionLimits(Duration headerTimeout, Duration idleTimeout, Duration bodyTimeout, int maxConnections,
                               int maxConnectionsPerAddress) {
    /**
     * The defaults. The connection cap stays well below the usual per-process limit on open files (often
     * 20,000 or more for services, but check {@code ulimit -n}): every connection is a file descriptor, and
     * the data directory, the metadata store and the refused connections need some too.
     */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(60), 4096, 256);
}
