package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that is still sending when the server refuses and closes reads the refusal: the server shuts only
 * its sending side and drops what still arrives, instead of closing with the body unread, which makes the
 * kernel reset the connection and can destroy the answer before the client reads it.
 */
class LingeringCloseTest {
    private static final int EIGHT_MIB = 8 * 1024 * 1024;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    @Test
    void aClientThatSendsAWholeOversizedManifestBeforeReadingGetsThe413() {
        String repository = registry.management().newRegistry("linger") + "/app";
        byte[] body = new byte[EIGHT_MIB];
        Arrays.fill(body, (byte) 'x');
        try (RawHttp connection = new RawHttp(registry.process())) {
            // The server answers 413 from the head and closes; the client only reads once all 8 MiB are sent.
            RawHttp.Answer answer = connection.send("PUT", "/v2/" + repository + "/manifests/huge", body,
                    "Content-Type: application/vnd.oci.image.manifest.v1+json");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(413);
            assertThat(answer.closes()).isTrue();
            assertThat(connection.closedByServer()).isTrue();
        }
    }
}
