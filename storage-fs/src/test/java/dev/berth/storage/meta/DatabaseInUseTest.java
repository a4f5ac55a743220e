package dev.berth.storage.meta;

import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.layout.DataLayout;
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
 * H2 locks its file against other processes only (connections within one JVM share the open database), so
 * the holder here is a second JVM: {@link #main} opens the database, says so, and keeps it until its stdin
 * closes.
 */
class DatabaseInUseTest {
    @TempDir
    Path dataDir;

    @Test
    void refusesADatabaseThatAnotherProcessHoldsOpen() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DatabaseInUseTest.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(said.readLine()).isEqualTo("open");

            assertThatThrownBy(() -> Database.open(new DataLayout(dataDir)))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining("berth.mv.db is in use by another process");
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        Database.open(new DataLayout(dataDir)).close();
    }

    /** The holder: opens the database under {@code args[0]} and keeps it open until stdin closes. */
    public static void main(String[] args) throws IOException {
        try (Database database = Database.open(new DataLayout(Path.of(args[0])))) {
            System.out.println("open");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Holding the lock until the test closes our stdin.
            }
        }
    }
}
