package dev.berth.conformance;

import dev.berth.storage.s3.testing.S3ProxyServer;
import dev.berth.storage.testing.PostgresServer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the nodes of one cluster share, fresh for it: a new database of the test's PostgreSQL, a new bucket of its
 * S3Proxy, and one admin token, as the options and environment every node starts with.
 */
record SharedStorage(List<String> options, Map<String, String> environment) {
    /** Needs PostgreSQL installed ({@link PostgresServer#shared()} present). */
    static SharedStorage fresh() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        List<String> options = List.of("--metadata-url",
                PostgresServer.shared().orElseThrow().newDatabaseUrl() + "?user=" + PostgresServer.USER,
                "--blob-store", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", s3.newBucket(),
                "--s3-path-style");
        Map<String, String> environment = new HashMap<>(S3ProxyServer.credentialsEnvironment());
        environment.put("REGISTRY_ADMIN_TOKEN", Content.randomAlnum(32));
        return new SharedStorage(options, Map.copyOf(environment));
    }
}
