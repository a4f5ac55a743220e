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
        try (RawConnection idle = new RawConnection(registry.process().baseUri(), "127.0.0.3")) {
            long start = System.nanoTime();

            assertThat(idle.closedByServer()).isTrue();

            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void answersTheConnectionOverThePerAddressCap503AndClosesIt() throws Exception {
        List<RawConnection> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                RawConnection connection = new RawConnection(registry.process().baseUri(), "127.0.0.2");
                admitted.add(connection);
                connection.sendHead("GET /healthz HTTP/1.1");
                String head = connection.readHead();
                assertThat(head).startsWith("http/1.1 200 ");
                connection.readBody(head);
            }
            try (RawConnection surplus = new RawConnection(registry.process().baseUri(), "127.0.0.2")) {
                surplus.sendHead("GET /healthz HTTP/1.1");

                String head = surplus.readHead();

                assertThat(head).startsWith("http/1.1 503 ").contains("retry-after: ").contains("connection: close");
                assertThat(surplus.readBody(head)).contains("TOOMANYREQUESTS");
                assertThat(surplus.closedByServer()).isTrue();
            }
            try (RawConnection elsewhere = new RawConnection(registry.process().baseUri(), "127.0.0.4")) {
                elsewhere.sendHead("GET /healthz HTTP/1.1");
                assertThat(elsewhere.readHead()).startsWith("http/1.1 200 ");
            }
        } finally {
            for (RawConnection connection : admitted) {
                connection.close();
            }
        }
    }
}
