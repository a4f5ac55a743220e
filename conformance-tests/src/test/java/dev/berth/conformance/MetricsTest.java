package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics} serves the Prometheus text format, with the requests answered and the JVM's meters. */
class MetricsTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = RegistryExtension.perClass();

    @Test
    void countsAnsweredRequestsByEndpointMethodAndStatus() {
        RegistryClient client = REGISTRY.client();
        RegistryClient.Image image = client.pushImage("library/metrics", "v1", 1);
        client.getManifest(image.repo(), "v1");
        client.getManifest(image.repo(), "no-such-tag");

        HttpResponse<byte[]> scraped = REGISTRY.process().anonymousClient().get("/metrics");

        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String text = new String(scraped.body(), StandardCharsets.UTF_8);
        assertThat(text).contains("berth_http_requests_seconds_count{api=\"v2\",endpoint=\"manifest\",method=\"GET\",status=\"200\"}")
                .contains("berth_http_requests_seconds_count{api=\"v2\",endpoint=\"manifest\",method=\"GET\",status=\"404\"}")
                .contains("berth_http_requests_seconds_count{api=\"v2\",endpoint=\"uploads\",method=\"POST\"")
                .contains("berth_upload_pauses_total")
                .contains("berth_usage_pull_events_dropped_total")
                .contains("jvm_memory_used_bytes");
    }
}
