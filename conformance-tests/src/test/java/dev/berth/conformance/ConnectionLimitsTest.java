package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server does not let idle or surplus connections pile up (issue 16: 20,000 idle sockets used up the file
 * descriptors and {@code accept} failed for everyone). The tests connect from their own loopback addresses, so
 * that the per-address cap counts only their connections.
 */
class ConnectionLimitsTest {
    private static final int PER_ADDRESS = 3;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--header-timeout", "1s",
            "--max-connections-per-address", Integer.toString(PER_ADDRESS));

    @Test
    void closesAConnectionThatSendsNoRequestWithinTheHeaderTimeout() throws Exception {
        try (RawHttp idle = connectFrom("127.0.0.3")) {
            long start = System.nanoTime();

            assertThat(idle.closedByServer()).isTrue();

            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void answersTheConnectionOverThePerAddressCap503AndClosesIt() throws Exception {
        List<RawHttp> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                RawHttp connection = connectFrom("127.0.0.2");
                admitted.add(connection);
                assertThat(connection.send("GET", "/healthz").head()).startsWithIgnoringCase("HTTP/1.1 200 ");
            }
            try (RawHttp surplus = connectFrom("127.0.0.2")) {
                RawHttp.Answer answer = surplus.send("GET", "/healthz");

                assertThat(answer.head()).startsWithIgnoringCase("HTTP/1.1 503 ").containsIgnoringCase("Retry-After: ")
                        .containsIgnoringCase("Connection: close");
                assertThat(answer.text()).contains("TOOMANYREQUESTS");
                assertThat(surplus.closedByServer()).isTrue();
            }
            try (RawHttp elsewhere = connectFrom("127.0.0.4")) {
                assertThat(elsewhere.send("GET", "/healthz").head()).startsWithIgnoringCase("HTTP/1.1 200 ");
            }
        } finally {
            for (RawHttp connection : admitted) {
                connection.close();
            }
        }
    }

    /** A connection without credentials from the given loopback address, counted apart by the per-address cap. */
    private static RawHttp connectFrom(String address) {
        return new RawHttp(registry.process(), null, address);
    }
}
