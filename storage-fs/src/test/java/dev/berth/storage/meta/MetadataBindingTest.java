package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataBindingTest {
    private static final MetadataLocation EMBEDDED = MetadataLocation.embedded();
    private static final MetadataLocation SHARED =
            MetadataLocation.postgresql("jdbc:postgresql://db:5432/berth?user=berth&password=s3cret", null, null);

    @TempDir
    Path dataDir;
    private DataLayout layout;

    @BeforeEach
    void tmpDir() throws IOException {
        layout = new DataLayout(dataDir);
        Files.createDirectories(layout.tmpDir());
    }

    @Test
    void bindsANewDirectoryToItsFirstMetadataAndKeepsItThere() throws IOException {
        MetadataBinding.bind(layout, SHARED);

        assertThat(Files.readString(layout.metadataBindingFile())).isEqualTo("postgresql jdbc:postgresql://db:5432/berth\n");
        MetadataBinding.bind(layout, MetadataLocation.postgresql("jdbc:postgresql://db:5432/berth", "berth", "other"));
        MetadataBinding.verify(layout, SHARED);
        assertThatThrownBy(() -> MetadataBinding.bind(layout, EMBEDDED)).isInstanceOf(MetadataMismatchException.class)
                .hasMessageContaining("belongs to the metadata in PostgreSQL at jdbc:postgresql://db:5432/berth, "
                        + "not the embedded database under meta/")
                .hasMessageContaining("start with --metadata-url jdbc:postgresql://db:5432/berth")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> MetadataBinding.bind(layout, MetadataLocation.postgresql("jdbc:postgresql://db/other", null, null)))
                .isInstanceOf(MetadataMismatchException.class).hasMessageContaining("not PostgreSQL at jdbc:postgresql://db/other");
    }

    @Test
    void takesADirectoryFromBeforeTheBindingThatHoldsTheEmbeddedDatabaseForThatDatabase() throws IOException {
        Files.createDirectories(layout.metaDir());
        Files.writeString(layout.metaDatabaseFile(), "");

        MetadataBinding.verify(layout, EMBEDDED);
        assertThatThrownBy(() -> MetadataBinding.bind(layout, SHARED)).isInstanceOf(MetadataMismatchException.class)
                .hasMessageContaining("belongs to the metadata in the embedded database under meta/")
                .hasMessageContaining("start with no --metadata-url");
        MetadataBinding.bind(layout, EMBEDDED);
        assertThat(Files.readString(layout.metadataBindingFile())).isEqualTo("h2\n");
    }

    @Test
    void verifyingANewDirectoryRefusesItAndWritesNothing() {
        assertThatThrownBy(() -> MetadataBinding.verify(layout, EMBEDDED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Berth data directory");
        assertThat(layout.metadataBindingFile()).doesNotExist();
    }
}
