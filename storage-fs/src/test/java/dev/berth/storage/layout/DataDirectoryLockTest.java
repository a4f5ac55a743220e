package dev.berth.storage.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock is the operating system's, held per process: the holder of the cross-process case is a second JVM
 * ({@link #main}), which takes the lock, says so, and keeps it until its stdin closes.
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
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DataDirectoryLockTest.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(said.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> DataDirectoryLock.acquire(new DataLayout(dataDir)))
                    .isInstanceOf(DataDirectoryInUseException.class).hasMessageContaining("berth.lock");
        } finally {
            // Killed, not stopped: a crashed holder leaves no lock behind either.
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataDirectoryLock.acquire(new DataLayout(dataDir)).close();
    }

    /** The holder: locks the data directory {@code args[0]} and keeps it until stdin closes or it is killed. */
    public static void main(String[] args) throws IOException {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(new DataLayout(Path.of(args[0])))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Holding the lock until the test ends this process.
            }
        }
    }
}
