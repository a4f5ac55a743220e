package dev.berth.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.catalog.CatalogService;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.gc.RemovalPace;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.session.ConsoleSessions;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.testing.TestImages;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.user.UserService;
import dev.berth.storage.Storage;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The management API over the real embedded storage in a temporary directory, wired as the server wires it,
 * with helpers to call it and to push images through the registry service.
 */
final class ApiFixture implements AutoCloseable {
    static final String TOKEN = "test-admin-token-0123456789";
    static final String HOST = "localhost:5000";
    /** No configured public address: registry URLs show the client's Host, else this. */
    static final PublicAddress LOCAL = PublicAddress.of(null, "berth-test:5000");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Storage storage;
    final TenantService tenants;
    final UserService users;
    final RegistryService registry;
    final CatalogService catalog;
    final UsageRecorder usage;
    final GarbageCollector collector;
    final ConsoleSessions sessions;
    final ManagementApi api;

    /** An answer: status, headers and the parsed body (null for none). */
    record Response(int status, HttpHeaders headers, JsonNode json, String text) {
    }

    private ApiFixture(Path dir, PublicAddress publicAddress) throws IOException {
        Clock clock = Clock.systemUTC();
        storage = Storage.open(dir, clock, 0);
        tenants = new TenantService(storage.tenantStore(), clock);
        users = new UserService(storage.userStore(), new UserDirectory(), tenants, new SecretHasher(), clock, CacheCoherence.SINGLE_PROCESS);
        usage = new UsageRecorder(storage.usageStore(), clock, Runnable::run);
        MetadataStores metadata = storage.metadataStores();
        QuotaLedger quota = new QuotaLedger(tenants, metadata.blobLinks(), clock);
        registry = new RegistryService(metadata, storage.blobStore(), storage.uploadStore(), tenants, quota,
                new BlobLinker(metadata.blobLinks(), quota, storage.blobStore()), usage, RegistryLimits.DEFAULTS, clock);
        catalog = new CatalogService(storage.catalogStore(), metadata, storage.usageStore(), tenants, registry, usage, clock);
        // Runs start on the calling thread: a POST answers once its run is over, so tests need not wait.
        collector = new GarbageCollector(storage.garbageStore(), storage.gcRunStore(), storage.blobStore(),
                metadata.repositories(), registry, Duration.ZERO, RemovalPace.UNLIMITED, "test-node", Runnable::run, clock);
        AdminLogin adminLogin = TestAdminLogin.of(TOKEN::equals);
        sessions = new ConsoleSessions(storage.consoleSessionStore(), adminLogin, clock);
        api = new ManagementApi(tenants, users, catalog, collector, adminLogin, sessions, publicAddress, clock);
    }

    static ApiFixture open(Path dir) throws IOException {
        return new ApiFixture(dir, LOCAL);
    }

    /** The API as a server with that public address serves it. */
    static ApiFixture open(Path dir, PublicAddress publicAddress) throws IOException {
        return new ApiFixture(dir, publicAddress);
    }

    /** A call with the admin token; {@code body} may use single quotes for JSON's double quotes. */
    Response call(String method, String uri, String body) {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.HOST, HOST)
                .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        return send(method, uri, headers, body == null ? null : body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    Response call(String method, String uri) {
        return call(method, uri, null);
    }

    Response send(String method, String uri, HttpHeaders headers, byte[] body) {
        FullHttpResponse response = api.handle(new ManagementRequest(HttpMethod.valueOf(method), uri, headers, body, TestAdminLogin.ADDRESS));
        try {
            String text = response.content().toString(StandardCharsets.UTF_8);
            JsonNode json = text.isEmpty() ? null : JSON.readTree(text);
            return new Response(response.status().code(), response.headers(), json, text);
        } catch (IOException e) {
            throw new AssertionError("response is not JSON", e);
        } finally {
            response.release();
        }
    }

    /** Pushes a one-layer image under {@code registry/repository:tag}; returns its manifest digest. */
    Digest pushImage(String repository, String tag, String layerContent) {
        return TestImages.pushImage(registry, RepositoryName.parse(repository), tag, layerContent).digest();
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
