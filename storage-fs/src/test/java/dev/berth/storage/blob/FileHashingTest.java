package dev.berth.storage.blob;

import dev.berth.core.digest.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FileHashingTest {
    @TempDir
    Path dir;

    @Test
    void hashesAFileLargerThanItsBufferWholeAndLeavesThePositionAlone() throws IOException {
        byte[] content = new byte[200 * 1024 + 7];
        new Random(12).nextBytes(content);
        Path file = Files.write(dir.resolve("blob"), content);
        MessageDigest digest = Digest.newSha256();

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(5);

            assertThat(FileHashing.update(digest, channel)).isEqualTo(content.length);
            assertThat(channel.position()).isEqualTo(5);
        }
        assertThat(Digest.sha256(digest.digest())).isEqualTo(Digest.sha256Of(content));
    }
}
