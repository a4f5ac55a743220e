package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Blob bodies leave by two paths: a client on loopback gets the file copied in 512 KiB pieces, any other
 * client gets it with sendfile. Both must deliver every byte, whole and in ranges. The loopback path is what
 * every other test here uses; this test reaches the sendfile path through a non-loopback address of this
 * machine (and is skipped on a machine that has none).
 */
class BlobDownloadPathsTest {
    private static final int SIZE = 3 * 512 * 1024 + 12_345;

    @Test
    void aClientOnANonLoopbackAddressGetsTheWholeBlobAndItsRanges() {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
        try (RegistryProcess server = RegistryProcess.startBoundTo(address.get().getHostAddress())) {
            assertWholeAndRange(server.client());
        }
    }

    @Test
    void aClientOnLoopbackGetsTheWholeBlobOfSeveralPiecesAndItsRanges() {
        try (RegistryProcess server = RegistryProcess.start()) {
            assertWholeAndRange(server.client());
        }
    }

    /** Pushes a blob of several 512 KiB pieces and reads it back whole and as a range across piece boundaries. */
    private static void assertWholeAndRange(RegistryClient client) {
        Blob blob = Content.randomBlob(SIZE);
        client.pushBlob("library/paths", blob);

        HttpResponse<byte[]> whole = client.getBlob("library/paths", blob.digest());
        HttpResponse<byte[]> range = client.getBlob("library/paths", blob.digest(), "Range", "bytes=524000-1049999");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(blob.bytes());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(blob.bytes(), 524000, 1050000));
    }

    private static Optional<InetAddress> nonLoopbackAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a);
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
