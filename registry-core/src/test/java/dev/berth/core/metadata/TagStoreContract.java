package dev.berth.core.metadata;

import dev.berth.core.name.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link TagStore} does; an implementation's test extends this with its {@link #open}. */
public abstract class TagStoreContract extends MetadataContract {
    private TagStore tags() {
        return metadata.tags();
    }

    @Test
    void movesATagToTheNewestManifest() {
        ManifestRecord first = manifest("first", null);
        ManifestRecord second = manifest("second", null);

        put(ALPINE, first, "latest");
        put(ALPINE, first, "v1");
        put(ALPINE, second, "latest");

        assertThat(tags().resolveTag(ALPINE, Tag.parse("latest"))).contains(second.digest());
        assertThat(tags().resolveTag(ALPINE, Tag.parse("v1"))).contains(first.digest());
        assertThat(tags().resolveTag(BUSYBOX, Tag.parse("latest"))).isEmpty();
        assertThat(tags().resolveTag(ALPINE, Tag.parse("v2"))).isEmpty();
    }

    @Test
    void listsTagsInLexicalOrderPageByPage() {
        ManifestRecord manifest = manifest("m", null);
        List<String> names = List.of("latest", "1.0", "B", "_x", "a-b", "a", "Z.9", "v1.2.3");
        for (String name : names) {
            put(ALPINE, manifest, name);
        }
        List<String> expected = names.stream().sorted().toList();

        List<String> paged = new ArrayList<>();
        String last = null;
        List<Tag> page;
        do {
            page = tags().listTags(ALPINE, last, 3);
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            page.forEach(tag -> paged.add(tag.value()));
            last = page.isEmpty() ? last : page.get(page.size() - 1).value();
        } while (page.size() == 3);

        assertThat(paged).isEqualTo(expected);
        assertThat(tags().listTags(ALPINE, null, 100)).extracting(Tag::value).isEqualTo(expected);
        assertThat(tags().listTags(ALPINE, "a", 2)).extracting(Tag::value).containsExactly("a-b", "latest");
        assertThat(tags().listTags(ALPINE, null, 0)).isEmpty();
        assertThat(tags().listTags(BUSYBOX, null, 10)).isEmpty();
    }

    @Test
    void deletesOneTagAndKeepsItsManifest() {
        ManifestRecord manifest = manifest("m", null);
        put(ALPINE, manifest, "latest");
        put(ALPINE, manifest, "stable");

        assertThat(tags().deleteTag(ALPINE, Tag.parse("latest"))).isTrue();
        assertThat(tags().deleteTag(ALPINE, Tag.parse("latest"))).isFalse();
        assertThat(tags().deleteTag(BUSYBOX, Tag.parse("stable"))).isFalse();

        assertThat(tags().resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
        assertThat(tags().listTags(ALPINE, null, 10)).containsExactly(Tag.parse("stable"));
        assertThat(metadata.manifests().manifest(ALPINE, manifest.digest())).contains(manifest);
    }
}
