package dev.berth.conformance;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link HaproxyBalancer} balances per request: consecutive requests over one kept-alive client connection
 * alternate between two backends (tiny JDK servers answering their own name), which is what a cluster's
 * nodes must cope with (an upload's PATCH on another node than its POST).
 */
class HaproxyBalancerTest {
    private final List<HttpServer> backends = new ArrayList<>();

    @BeforeEach
    void startBackends() throws IOException {
        for (String name : List.of("a", "b")) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            backends.add(server);
        }
    }

    @AfterEach
    void stopBackends() {
        backends.forEach(server -> server.stop(0));
    }

    @Test
    void consecutiveRequestsOfOneConnectionAlternateBetweenBackends() throws Exception {
        assumeTrue(HaproxyBalancer.installed(), "haproxy is not installed (apt-get install haproxy)");
        try (HaproxyBalancer balancer = HaproxyBalancer.start(
                backends.stream().map(server -> server.getAddress().getPort()).toList())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpRequest request = HttpRequest.newBuilder(balancer.baseUri().resolve("/which?i=" + i)).build();
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                answers.add(answer.body());
            }

            assertThat(answers).as("round robin per request").containsAnyOf("a", "b");
            for (int i = 1; i < answers.size(); i++) {
                assertThat(answers.get(i)).as("answer %d of %s", i, answers).isNotEqualTo(answers.get(i - 1));
            }
            // ... and all six came over one client connection: HAProxy logs each request with the client's port
            Pattern line = Pattern.compile("^127\\.0\\.0\\.1:(\\d+) .* nodes/node\\d .*\"GET /which\\?i=\\d HTTP/1\\.1\"$",
                    Pattern.MULTILINE);
            List<String> clientPorts = Eventually.await("six requests in HAProxy's log", () -> {
                List<String> ports = new ArrayList<>();
                Matcher m = line.matcher(balancer.log());
                while (m.find()) {
                    ports.add(m.group(1));
                }
                return ports;
            }, ports -> ports.size() == 6);
            assertThat(clientPorts).as(balancer.log()).containsOnly(clientPorts.get(0));
        }
    }
}
