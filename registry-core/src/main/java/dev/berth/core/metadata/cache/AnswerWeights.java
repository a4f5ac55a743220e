package dev.berth.core.metadata.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.memory.HeapEstimate;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The estimated bytes of a cached read ({@link HeapEstimate}): its key (the repository and the read's arguments)
 * and its answer, by the types the cached ports answer with. A type not listed weighs as a small object.
 */
final class AnswerWeights {
    private AnswerWeights() {
    }

    static int of(RepositoryName repository, Object first, Object second, Object answer) {
        return HeapEstimate.CACHE_ENTRY + HeapEstimate.SMALL_OBJECT + HeapEstimate.string(repository.value())
                + value(first) + value(second) + value(answer);
    }

    static int value(Object value) {
        if (value == null || value instanceof Boolean) {
            return 0;
        }
        if (value instanceof String text) {
            return HeapEstimate.string(text);
        }
        if (value instanceof Tag tag) {
            return HeapEstimate.SMALL_OBJECT + HeapEstimate.string(tag.value());
        }
        if (value instanceof Digest digest) {
            return HeapEstimate.digest(digest);
        }
        if (value instanceof Optional<?> optional) {
            return HeapEstimate.SMALL_OBJECT + optional.map(AnswerWeights::value).orElse(0);
        }
        if (value instanceof OptionalLong) {
            return HeapEstimate.SMALL_OBJECT;
        }
        if (value instanceof List<?> list) {
            int weight = HeapEstimate.list(list.size());
            for (Object element : list) {
                weight += value(element);
            }
            return weight;
        }
        if (value instanceof Map<?, ?> map) {
            int weight = HeapEstimate.list(2 * map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                weight += value(entry.getKey()) + value(entry.getValue());
            }
            return weight;
        }
        if (value instanceof ManifestRecord manifest) {
            return 2 * HeapEstimate.SMALL_OBJECT + value(manifest.digest()) + value(manifest.mediaType())
                    + value(manifest.references()) + value(manifest.subject()) + value(manifest.artifactType())
                    + value(manifest.annotations());
        }
        return HeapEstimate.SMALL_OBJECT;
    }
}
