package dev.berth.http.server;

import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The services hold the metadata database while they are open and let go of it when they close, and when their
 * wiring fails after the storage was opened. Whether it is held is seen through H2's lock on its file: another
 * lock on it from this process overlaps it.
 */
class RegistryServicesTest {
    @TempDir
    Path dataDir;

    @Test
    void holdTheDatabaseWhileOpenAndReleaseItWhenClosed() throws IOException {
        RegistryServices services = RegistryServices.open(config(1));
        try {
            assertThat(databaseLocked()).isTrue();
        } finally {
            services.close();
        }

        assertThat(databaseLocked()).isFalse();
    }

    @Test
    void releaseTheDatabaseWhenAStepAfterTheStorageFails() throws IOException {
        // The slow-hash pool, built late in the wiring, refuses to have no thread.
        assertThatThrownBy(() -> RegistryServices.open(config(0))).isInstanceOf(IllegalArgumentException.class);

        assertThat(databaseLocked()).isFalse();
        RegistryServices.open(config(1)).close();
    }

    private ServerConfig config(int hashThreads) {
        ServerConfig parsed = ServerConfig.parse(new String[] {"--data-dir", dataDir.toString()},
                Map.of("REGISTRY_ADMIN_TOKEN", "test-admin-token"));
        ServerConfig.LoginLimits logins = parsed.logins();
        return new ServerConfig(parsed.bind(), parsed.port(), parsed.nodeAddress(), parsed.publicUrl(), parsed.dataDir(), parsed.metadata(), parsed.s3(), parsed.uploadExpiry(), parsed.gcGrace(),
                parsed.gcInterval(), parsed.gcBusyRate(), parsed.historyRetention(), parsed.minFreeBytes(), parsed.adminToken(), parsed.tlsCert(), parsed.tlsKey(),
                new ServerConfig.LoginLimits(logins.failuresPerAddress(), logins.addressWindow(), logins.failuresPerUser(),
                        logins.userWindow(), hashThreads, logins.hashQueue()),
                parsed.uploads(), parsed.connections(), parsed.memory());
    }

    /** True when the database file exists and this process holds a lock on it (H2 does while it is open). */
    private boolean databaseLocked() throws IOException {
        Path file = Path.of(new DataLayout(dataDir).metaDatabase() + ".mv.db");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException held) {
            return true;
        }
    }
}
