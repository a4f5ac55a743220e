package dev.berth.storage.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.berth.storage.testing.HolderProcess;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock is the operating system's, held per process: the holder of the cross-process case is a second JVM
 * ({@link #main}, started by {@link HolderProcess}), which takes the lock and says so.
 */
class DataDirectoryLockTest {
    @TempDir
    Path dataDir;

    @Test
    void refusesASecondHolderInThisProcessUntilTheFirstLetsGo() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        DataDirectoryLock first = DataDirectoryLock.acquire(layout);

        assertThatThrownBy(() -> DataDirectoryLock.acquire(layout)).isInstanceOf(DataDirectoryInUseException.class)
                .hasMessageContaining(dataDir + " is in use by another process");

        first.close();
        DataDirectoryLock.acquire(layout).close();
    }

    @Test
    void refusesADirectoryThatAnotherProcessHoldsAndTakesItOnceThatProcessEnds() throws Exception {
        // Killed, not stopped: a crashed holder leaves no lock behind either.
        try (HolderProcess holder = HolderProcess.start(DataDirectoryLockTest.class, dataDir.toString())) {
            assertThat(holder.said()).isEqualTo("locked");

            assertThatThrownBy(() -> DataDirectoryLock.acquire(new DataLayout(dataDir)))
                    .isInstanceOf(DataDirectoryInUseException.class).hasMessageContaining("berth.lock");
        }
        DataDirectoryLock.acquire(new DataLayout(dataDir)).close();
    }

    /** The holder: locks the data directory {@code args[0]} and keeps it until it is ended. */
    public static void main(String[] args) throws IOException {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(new DataLayout(Path.of(args[0])))) {
            System.out.println("locked");
            System.out.flush();
            HolderProcess.holdUntilStdinCloses();
        }
    }
}
