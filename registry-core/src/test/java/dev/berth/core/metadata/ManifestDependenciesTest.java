package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestDependenciesTest {
    private static final Digest LINKED = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest ABSENT = Digest.parse("sha256:" + "b".repeat(64));
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String NON_DISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    private static final String FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /** A repository holding one blob, {@link #LINKED}, of 10 bytes, and no manifest. */
    private static final RepositoryContents REPOSITORY = new RepositoryContents() {
        @Override
        public OptionalLong linkedBlobSize(Digest digest) {
            return digest.equals(LINKED) ? OptionalLong.of(10) : OptionalLong.empty();
        }

        @Override
        public boolean hasManifest(Digest digest) {
            return false;
        }
    };

    private static ManifestDependencies layers(Descriptor... layers) {
        return new ManifestDependencies(List.of(layers), List.of());
    }

    private static Descriptor layer(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, Map.of());
    }

    @Test
    void aLayerNotLinkedIsUnknown() {
        assertThatThrownBy(() -> layers(layer(LAYER, ABSENT, 10)).verify(REPOSITORY)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("unknown");
    }

    @Test
    void nonDistributableAndForeignLayersMayBeAbsent() {
        assertThatCode(() -> layers(layer(NON_DISTRIBUTABLE, ABSENT, 123456), layer(FOREIGN, ABSENT, 99),
                layer(LAYER, LINKED, 10)).verify(REPOSITORY)).doesNotThrowAnyException();
    }

    @Test
    void aNonDistributableLayerThatIsLinkedMustHaveItsSize() {
        assertThatThrownBy(() -> layers(layer(NON_DISTRIBUTABLE, LINKED, 11)).verify(REPOSITORY))
                .isInstanceOf(RegistryException.class).hasMessageContaining("does not match");
    }
}
