package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.conformance.RegistryProcess.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar registry.jar check} on the data directory of a server that pushed an image, stopped, and
 * then had one of the image's layer files truncated behind its back: the check refuses to run while the server
 * is up, finds the corrupt layer, repairs it, then finds nothing; the restarted server no longer serves the
 * layer, still serves the rest, and counts the registry's usage without it.
 */
class IntegrityCheckCommandTest {
    @RegisterExtension
    final RegistryExtension registry = RegistryExtension.perMethod();

    @Test
    void findsATruncatedLayerAndRepairsItSoThatTheServerServesTheRestOfTheImage() throws IOException {
        RegistryProcess server = registry.process();
        String tenant = registry.management().newRegistry("checked");
        String repo = tenant + "/app";
        Image image = registry.client().pushImage(repo, "v1", 2);
        Blob damaged = image.layers().get(0);
        long usedBefore = registry.management().storageUsed(tenant);
        String dataDir = server.dataDir().toString();

        CommandRun whileServing = server.runCommand("check", "--data-dir", dataDir);
        assertThat(whileServing.exitStatus()).as(whileServing.stderr()).isEqualTo(3);
        assertThat(whileServing.stderr()).contains("in use by another process");

        server.stop();
        truncateToHalf(blobFile(server, damaged.digest()));

        CommandRun check = server.runCommand("check", "--data-dir", dataDir);
        assertThat(check.exitStatus()).as(check.stdout() + check.stderr()).isEqualTo(1);
        assertThat(check.stdout()).contains("corrupt blob: blobs/sha256/" + hex(damaged.digest()).substring(0, 2) + "/"
                + hex(damaged.digest()) + " holds " + damaged.bytes().length / 2 + " bytes", "recorded in " + repo,
                "1 problem (1 corrupt blob), 0 repaired");

        CommandRun repair = server.runCommand("check", "--data-dir", dataDir, "--repair");
        assertThat(repair.exitStatus()).as(repair.stdout() + repair.stderr()).isZero();
        assertThat(repair.stdout()).contains("  repaired: moved to quarantine/", "1 problem (1 corrupt blob), 1 repaired");

        CommandRun again = server.runCommand("check", "--data-dir", dataDir);
        assertThat(again.exitStatus()).as(again.stdout() + again.stderr()).isZero();
        assertThat(again.stdout()).contains("no problems");

        server.launch();
        RegistryClient client = server.client();
        HttpResponse<byte[]> manifest = client.getManifest(repo, "v1");
        assertStatus(manifest, 200);
        assertBody(manifest, image.manifest().bytes());
        assertStatus(client.getBlob(repo, damaged.digest()), 404);
        for (Blob intact : new Blob[] {image.config(), image.layers().get(1)}) {
            HttpResponse<byte[]> get = client.getBlob(repo, intact.digest());
            assertStatus(get, 200);
            assertBody(get, intact.bytes());
        }
        assertThat(server.management().storageUsed(tenant)).isEqualTo(usedBefore - damaged.bytes().length);
    }

    @Test
    void rehashesASha512BlobWithSha512AndFindsItCorruptWhenItIs() throws IOException {
        RegistryProcess server = registry.process();
        String repo = Content.randomRepo("checked-sha512");
        Blob blob = Blob.sha512Of(Content.randomBytes(4000));
        registry.client().pushBlob(repo, blob);
        String dataDir = server.dataDir().toString();
        server.stop();

        CommandRun sound = server.runCommand("check", "--data-dir", dataDir);
        assertThat(sound.exitStatus()).as(sound.stdout() + sound.stderr()).isZero();
        assertThat(sound.stdout()).contains("no problems");

        truncateToHalf(blobFile(server, blob.digest()));
        CommandRun check = server.runCommand("check", "--data-dir", dataDir);
        assertThat(check.exitStatus()).as(check.stdout() + check.stderr()).isEqualTo(1);
        assertThat(check.stdout()).contains("corrupt blob: blobs/sha512/" + hex(blob.digest()).substring(0, 2) + "/"
                + hex(blob.digest()) + " holds " + blob.bytes().length / 2 + " bytes that hash to sha512:",
                "recorded in " + repo, "1 problem (1 corrupt blob), 0 repaired");
    }

    private static Path blobFile(RegistryProcess server, String digest) {
        return DataFiles.blobFile(server.dataDir(), digest);
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    private static void truncateToHalf(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
    }
}
