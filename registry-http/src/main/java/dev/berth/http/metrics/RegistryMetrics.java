package dev.berth.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server's meters, scraped in the Prometheus text format at {@code /metrics}: requests by API,
 * endpoint, method and status with their durations, upload pauses for back-pressure, and the JVM's own
 * (memory, GC, threads, CPU).
 */
public final class RegistryMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter uploadPauses;

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
        Timer.builder("berth.http.requests")
                .description("requests answered, by API, endpoint, method and status")
                .tag("api", api)
                .tag("endpoint", endpoint.toLowerCase(Locale.ROOT))
                .tag("method", method)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
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
