package dev.berth.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code --tls-cert}/{@code --tls-key} the server speaks HTTPS only, and blob downloads still stream whole. */
class TlsTest {
    @TempDir
    static Path certificates;
    private static RegistryProcess server;

    @BeforeAll
    static void startOverTls() throws Exception {
        server = RegistryProcess.startWithTls(ServerTls.selfSigned(certificates));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pushesAndPullsABlobOverHttps() throws Exception {
        RegistryClient client = server.client();
        byte[] blob = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(blob);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));

        assertThat(client.postMonolithic("library/tls", blob, digest).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> pulled = client.getBlob("library/tls", digest);

        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(blob);
        HttpResponse<byte[]> range = client.getBlob("library/tls", digest, "Range", "bytes=1048576-1048675");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(blob, 1048576, 1048676));
    }

    @Test
    void refusesPlainHttpOnTheTlsPort() {
        RegistryClient plain = new RegistryClient(java.net.URI.create("http://127.0.0.1:" + server.port()),
                server.authorizationHeader());
        org.assertj.core.api.Assertions.assertThatThrownBy(plain::ping).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theConsoleSessionCookieIsSecureOverHttps() {
        RegistryClient anonymous = server.client();
        HttpResponse<byte[]> signedIn = anonymous.send("POST", "/api/v1/session", java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"token\":\"" + server.adminToken() + "\"}"), "Content-Type", "application/json");

        assertThat(signedIn.statusCode()).isEqualTo(201);
        assertThat(signedIn.headers().firstValue("set-cookie").orElseThrow().toLowerCase()).contains("; secure", "; httponly");
    }
}
