package dev.berth.core.testing;

import dev.berth.core.digest.Digest;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.usage.UsageRecorder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The registry-core services wired over in-memory fakes of every port. */
public final class CoreFixture {
    public final MutableClock clock = MutableClock.atSomeDay();
    public final InMemoryTenantStore tenantStore = new InMemoryTenantStore();
    public final InMemoryMetadataStore metadata = new InMemoryMetadataStore(tenantStore, clock);
    public final MetadataStores metadataStores = metadata.asStores();
    public final InMemoryBlobStore blobs = new InMemoryBlobStore();
    public final InMemoryUploadStore uploads = new InMemoryUploadStore(blobs, clock);
    public final InMemoryUsageStore usageStore = new InMemoryUsageStore();
    public final TenantService tenants = new TenantService(tenantStore, clock);
    public final QuotaLedger quota = new QuotaLedger(tenants, metadata, clock);
    public final BlobLinker linker = new BlobLinker(metadata, quota, blobs);
    public final UsageRecorder usage = new UsageRecorder(usageStore, clock, Runnable::run);
    public final RegistryService registry;

    public CoreFixture() {
        this(RegistryLimits.DEFAULTS);
    }

    public CoreFixture(RegistryLimits limits) {
        registry = new RegistryService(metadataStores, blobs, uploads, tenants, quota, linker, usage, limits, clock);
    }

    public static RegistryLimits limits(int maxManifestBytes, int maxListPage) {
        return new RegistryLimits(maxManifestBytes, Duration.ofHours(24), maxListPage, Duration.ofHours(1),
                RegistryLimits.DEFAULTS.manifestCacheBytes());
    }

    /** Creates a tenant registry, with a limit in bytes or null for none. */
    public CoreFixture withRegistry(String name, Long limit) {
        tenants.create(name, false, limit);
        return this;
    }

    /** Links content into a repository as a completed upload would, and returns its digest. */
    public Digest linkBlob(RepositoryName repository, byte[] content) {
        Digest digest = Digest.sha256Of(content);
        blobs.put(digest, content);
        linker.link(repository, digest, content.length, null);
        return digest;
    }

    public Digest linkBlob(RepositoryName repository, String content) {
        return linkBlob(repository, content.getBytes(StandardCharsets.UTF_8));
    }

    /** An OCI image manifest over a config and layers given as {@code digest, size} pairs. */
    public static String imageManifest(Digest config, long configSize, Object... layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + configSize + "},\"layers\":[");
        for (int i = 0; i < layers.length; i += 2) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"").append(layers[i])
                    .append("\",\"size\":").append(layers[i + 1]).append('}');
        }
        return json.append("]}").toString();
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
