package dev.berth.storage.meta;

import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.testing.HolderProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * H2 locks its file against other processes only (connections within one JVM share the open database), so
 * the holder here is a second JVM ({@link HolderProcess}): {@link #main} opens the database and says so.
 */
class DatabaseInUseTest {
    @TempDir
    Path dataDir;

    @Test
    void refusesADatabaseThatAnotherProcessHoldsOpen() throws Exception {
        try (HolderProcess holder = HolderProcess.start(DatabaseInUseTest.class, dataDir.toString())) {
            assertThat(holder.said()).isEqualTo("open");

            assertThatThrownBy(() -> Database.open(new DataLayout(dataDir)))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining("berth.mv.db is in use by another process");
        }
        Database.open(new DataLayout(dataDir)).close();
    }

    /** The holder: opens the database under {@code args[0]} and keeps it open until it is ended. */
    public static void main(String[] args) throws IOException {
        try (Database database = Database.open(new DataLayout(Path.of(args[0])))) {
            System.out.println("open");
            System.out.flush();
            HolderProcess.holdUntilStdinCloses();
        }
    }
}
