package dev.berth.core.testing;

import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStore;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Content-addressed bytes in a map. {@link #open} is not supported: it needs a real file channel. */
public final class InMemoryBlobStore implements BlobStore {
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    /** How many times {@link #readAll} was called: to see what a cache saves. */
    public final AtomicInteger reads = new AtomicInteger();

    @Override
    public OptionalLong size(Digest digest) {
        byte[] content = blobs.get(digest);
        return content == null ? OptionalLong.empty() : OptionalLong.of(content.length);
    }

    @Override
    public BlobContent open(Digest digest, long offset, long length) throws IOException {
        byte[] content = blobs.get(digest);
        if (content == null) {
            throw new NoSuchFileException(digest.value());
        }
        return new BlobContent.Stream(new java.io.ByteArrayInputStream(content, (int) offset, (int) length), length);
    }

    @Override
    public byte[] readAll(Digest digest) throws IOException {
        reads.incrementAndGet();
        byte[] content = blobs.get(digest);
        if (content == null) {
            throw new NoSuchFileException(digest.value());
        }
        return content.clone();
    }

    @Override
    public void put(Digest digest, byte[] content) {
        blobs.putIfAbsent(digest, content.clone());
    }

    @Override
    public void delete(Digest digest) {
        blobs.remove(digest);
    }

    /** Every blob, stamped with the epoch: the in-memory store keeps no times. */
    @Override
    public void forEach(Consumer<StoredBlobFile> visitor) {
        blobs.forEach((digest, content) -> visitor.accept(new StoredBlobFile(digest, content.length, Instant.EPOCH)));
    }

    public boolean contains(Digest digest) {
        return blobs.containsKey(digest);
    }
}
