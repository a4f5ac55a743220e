package dev.berth.http.cli;

import dev.berth.core.digest.Digest;
import dev.berth.storage.Storage;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {
    @TempDir
    Path dataDir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void printsItsUsageOnHelp() {
        assertThat(run("--help")).isEqualTo(CheckCommand.NO_PROBLEMS);

        assertThat(out()).isEqualTo(CheckCommand.USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--repair", "--data-dir", "--port 5000", "--data-dir /srv --fix"})
    void refusesBadOptionsWithTheUsage(String args) {
        assertThat(run(args.isEmpty() ? new String[0] : args.split(" "))).isEqualTo(CheckCommand.BAD_USAGE);

        assertThat(err()).startsWith("berth check: ").contains(CheckCommand.USAGE);
    }

    @Test
    void takesTheDataDirectoryInEitherForm() {
        assertThat(CheckCommand.parse(new String[] {"--data-dir=/srv/berth", "--repair"}))
                .isEqualTo(new CheckCommand.Options(Path.of("/srv/berth"), null, true));
        assertThat(CheckCommand.parse(new String[] {"--data-dir", "/srv/berth", "--metadata-url", "jdbc:postgresql://db/berth"}))
                .isEqualTo(new CheckCommand.Options(Path.of("/srv/berth"), "jdbc:postgresql://db/berth", false));
    }

    @Test
    void refusesADirectoryThatHoldsNoBerthData() {
        assertThat(run("--data-dir", dataDir.toString())).isEqualTo(CheckCommand.BAD_USAGE);

        assertThat(err()).contains("not a Berth data directory");
    }

    @Test
    void refusesMetadataOtherThanTheDirectorysOwn() throws IOException {
        Storage.open(dataDir).close();

        assertThat(run("--data-dir", dataDir.toString(), "--metadata-url", "jdbc:postgresql://db/berth"))
                .isEqualTo(CheckCommand.BAD_USAGE);
        assertThat(err()).contains("belongs to the metadata in the embedded database", "no --metadata-url");
        err.reset();

        assertThat(run("--data-dir", dataDir.toString(), "--metadata-url", "jdbc:mysql://db/berth"))
                .isEqualTo(CheckCommand.BAD_USAGE);
        assertThat(err()).contains("jdbc:postgresql://");
    }

    @Test
    void exitsZeroOnAnUndamagedDataDirectory() throws IOException {
        Storage.open(dataDir).close();

        assertThat(run("--data-dir", dataDir.toString())).isEqualTo(CheckCommand.NO_PROBLEMS);

        assertThat(out()).isEqualTo("checked 0 blob files (0 bytes): no problems" + System.lineSeparator());
    }

    @Test
    void exitsOneOnAProblemAndZeroOnceItIsRepaired() throws IOException {
        Storage.open(dataDir).close();
        Digest digest = Digest.sha256Of("meant".getBytes(StandardCharsets.UTF_8));
        Path file = new DataLayout(dataDir).blobFile(digest);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "found");

        assertThat(run("--data-dir", dataDir.toString())).isEqualTo(CheckCommand.PROBLEMS);
        assertThat(out()).startsWith("corrupt blob: ").contains("1 problem (1 corrupt blob), 0 repaired",
                "to repair: java -jar registry.jar check --data-dir " + dataDir + " --repair");
        out.reset();

        assertThat(run("--data-dir", dataDir.toString(), "--repair")).isEqualTo(CheckCommand.NO_PROBLEMS);
        assertThat(out()).contains("  repaired: moved to quarantine/", "1 problem (1 corrupt blob), 1 repaired");
        out.reset();

        assertThat(run("--data-dir", dataDir.toString())).isEqualTo(CheckCommand.NO_PROBLEMS);
    }

    private int run(String... args) {
        return CheckCommand.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
