package dev.berth.http.metrics;

import dev.berth.core.auth.LoginEvents;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.memory.CacheFootprint;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.memory.MemoryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's meters, scraped in the Prometheus text format at {@code /metrics}: requests by API,
 * endpoint, method and status with their durations, upload pauses for back-pressure, failed and throttled
 * logins, garbage collections, what the caches hold against the memory budget, and the JVM's own (memory, GC,
 * threads, CPU).
 */
public final class RegistryMetrics implements LoginEvents, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter uploadPauses;
    private final Map<RequestKind, Timer> requestTimers = new ConcurrentHashMap<>();

    private record RequestKind(String api, String endpoint, String method, int status) {
    }

    public RegistryMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        uploadPauses = Counter.builder("berth.upload.pauses")
                .description("times an upload stopped reading from its socket because its disk writes were behind")
                .register(registry);
    }

    /** Records one answered request. */
    public void requestAnswered(String api, String endpoint, String method, int status, long nanos) {
        // The timer is looked up in a map of our own: building and registering it per request allocated a
        // builder, tags and an id on every one of tens of thousands of pulls a second.
        requestTimers.computeIfAbsent(new RequestKind(api, endpoint, method, status), kind -> Timer.builder("berth.http.requests")
                .description("requests answered, by API, endpoint, method and status")
                .tag("api", kind.api())
                .tag("endpoint", kind.endpoint().toLowerCase(Locale.ROOT))
                .tag("method", kind.method())
                .tag("status", Integer.toString(kind.status()))
                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Exposes how many pulls got no history event because the history backlog was full. */
    public void watch(UsageRecorder usage) {
        FunctionCounter.builder("berth.usage.pull.events.dropped", usage, UsageRecorder::droppedPullEvents)
                .description("pulls that got no history event because the store fell behind (pull counts are kept)")
                .register(registry);
    }

    /**
     * Counts garbage collections as they end (by outcome, dry runs apart), what they freed and how long they took,
     * and exposes how many blobs wait for one.
     */
    public void watch(GarbageCollector collector) {
        Gauge.builder("berth.gc.candidates", collector, GarbageCollector::candidates)
                .description("blobs no repository links, waiting for their grace period to pass and a collection")
                .register(registry);
        Counter blobsFreed = Counter.builder("berth.gc.blobs.freed").description("blob files removed by garbage collection")
                .register(registry);
        Counter bytesFreed = Counter.builder("berth.gc.freed").baseUnit("bytes")
                .description("bytes of blob files removed by garbage collection").register(registry);
        Counter manifestsDeleted = Counter.builder("berth.gc.manifests.deleted")
                .description("untagged manifests deleted by garbage collection").register(registry);
        collector.whenFinished(run -> {
            Timer.builder("berth.gc.runs")
                    .description("garbage collections, by outcome (done, failed) and whether they were dry runs")
                    .tag("state", run.state().wireName())
                    .tag("dry_run", Boolean.toString(run.dryRun()))
                    .register(registry)
                    .record(Duration.between(run.startedAt(), run.finishedAt()));
            if (!run.dryRun()) {
                blobsFreed.increment(run.blobsDeleted());
                bytesFreed.increment(run.bytesFreed());
                manifestsDeleted.increment(run.manifestsDeleted());
            }
        });
    }

    /** Exposes what a cache holds: its entries, and the bytes they are estimated at against its bound. */
    public void watch(CacheFootprint cache) {
        // Held strongly: a gauge holds what it reads weakly, and nothing else holds a footprint.
        Gauge.builder("berth.cache.entries", cache, CacheFootprint::entries).strongReference(true)
                .description("entries in one of the server's caches").tag("cache", cache.name()).register(registry);
        Gauge.builder("berth.cache.size", cache, CacheFootprint::bytes).strongReference(true).baseUnit("bytes")
                .description("estimated heap the entries of one of the server's caches take").tag("cache", cache.name())
                .register(registry);
        Gauge.builder("berth.cache.limit", cache, CacheFootprint::limitBytes).strongReference(true).baseUnit("bytes")
                .description("the most one of the server's caches may take, from --memory").tag("cache", cache.name())
                .register(registry);
    }

    /** Exposes the memory budget's shares, and how many uploads share the upload buffers now. */
    public void watch(MemoryBudget budget, UploadBuffers uploads) {
        Map.of("total", budget.total(), "heap", budget.heap(), "direct", budget.directMemory(),
                "upload_buffers", budget.uploadBuffers()).forEach((share, bytes) ->
                Gauge.builder("berth.memory.budget", () -> bytes).baseUnit("bytes")
                        .description("--memory and the shares the server sized from it").tag("share", share)
                        .register(registry));
        Gauge.builder("berth.uploads.arriving", uploads, UploadBuffers::uploads).strongReference(true)
                .description("uploads whose bodies are arriving, sharing the upload buffers").register(registry);
    }

    @Override
    public void failed(String api, String reason) {
        Counter.builder("berth.auth.failures")
                .description("logins refused for wrong, unknown, unusable or malformed credentials, by API and reason")
                .tag("api", api)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void throttled(String api, String reason) {
        Counter.builder("berth.auth.throttled")
                .description("logins answered 429 without a check: the client address or user failed too often (address, user), "
                        + "or the slow hash had no room (busy)")
                .tag("api", api)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Counts a pause of an upload's reading (see {@code UploadFlowControl}). */
    public void uploadPaused() {
        uploadPauses.increment();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
