package dev.berth.storage.blob;

import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStore;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.upload.UploadId;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.layout.Durability;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.upload.UploadSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The content-addressed blob store on the filesystem: one immutable file per digest under
 * {@code blobs/<algorithm>/<2 hex>/<hex>}, {@code sha256} or {@code sha512} (see {@link DataLayout}).
 *
 * <p>Every blob enters through {@link #moveIn}: a complete, fsynced file is renamed atomically to its
 * address and the directory is fsynced, so a blob file is either absent or whole. Small content
 * ({@link #put}) and upload commits share that one step. Safe for concurrent use: two writers of the same
 * digest rename identical bytes over each other, and readers holding the old file keep reading it.
 */
public final class FsBlobStore implements BlobStore, UploadSink {
    private final DataLayout layout;
    private final DiskReserve reserve;

    /** The blobs under {@code layout}; every write keeps {@code reserve} free. */
    public FsBlobStore(DataLayout layout, DiskReserve reserve) {
        this.layout = layout;
        this.reserve = reserve;
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        try {
            return OptionalLong.of(Files.size(layout.blobFile(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public BlobContent open(Digest digest, long offset, long length) throws IOException {
        FileChannel channel = openChannel(digest);
        try {
            long size = channel.size();
            if (offset < 0 || length < 0 || offset > size || length > size - offset) {
                throw new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE, "range outside the blob",
                        Map.of("digest", digest.value(), "size", size, "offset", offset, "length", length));
            }
            channel.position(offset);
            return new BlobContent.FileWindow(channel, offset, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public byte[] readAll(Digest digest) throws IOException {
        try (FileChannel channel = openChannel(digest)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("blob too large to read whole: " + digest);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("blob shrank while read: " + digest);
                }
            }
            return buffer.array();
        }
    }

    @Override
    public void put(Digest digest, byte[] content) throws IOException {
        // A wrong digest here would poison the content address for every repository: check it, it is cheap
        // for the small content that comes this way.
        Digest actual = Digest.compute(digest.algorithm(), content);
        if (!actual.equals(digest)) {
            throw new IllegalArgumentException("content is " + actual + ", not " + digest);
        }
        if (Files.exists(layout.blobFile(digest))) {
            return;
        }
        reserve.requireRoomFor(content.length);
        Path temp = layout.newTempFile();
        Files.createDirectories(temp.getParent());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIn(temp, digest);
        } catch (IOException e) {
            throw reserve.whenFull(e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The free space that writes of blob data keep on the data directory's filesystem. */
    public DiskReserve reserve() {
        return reserve;
    }

    @Override
    public boolean stagedFileBecomesBlob() {
        return true;
    }

    /** Makes the session's file durable and moves it in ({@link #moveIn}). */
    @Override
    public void commit(UploadId session, Path data, FileChannel file, long size, Digest digest) throws IOException {
        file.force(true);
        moveIn(data, digest);
    }

    /**
     * Moves a complete, already fsynced file into the store under {@code digest}, which the caller has
     * verified. When the blob is already stored the file is dropped instead: content addressing makes the
     * two identical. Afterwards {@code durableFile} no longer exists. The file must be on the data
     * directory's filesystem, else the atomic rename fails.
     */
    public void moveIn(Path durableFile, Digest digest) throws IOException {
        Path target = layout.blobFile(digest);
        if (Files.exists(target)) {
            Files.deleteIfExists(durableFile);
            return;
        }
        Path shard = target.getParent();
        if (!Files.isDirectory(shard)) {
            Path algorithmDir = shard.getParent();
            if (!Files.isDirectory(algorithmDir)) {
                // The first blob of its algorithm (a directory from before SHA-512 has no blobs/sha512 yet).
                Files.createDirectories(algorithmDir);
                Durability.forceDirectory(algorithmDir.getParent());
            }
            Files.createDirectories(shard);
            // The new shard's own entry must survive too, or the renamed blob would vanish with it.
            Durability.forceDirectory(algorithmDir);
        }
        // POSIX rename replaces a concurrent twin atomically; both hold the same bytes.
        Files.move(durableFile, target, StandardCopyOption.ATOMIC_MOVE);
        Durability.forceDirectory(shard);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        // No directory fsync: a delete undone by a power loss leaves an unreferenced blob, which the next
        // garbage collection removes again.
        Files.deleteIfExists(layout.blobFile(digest));
    }

    @Override
    public void forEach(Consumer<StoredBlobFile> visitor) throws IOException {
        new BlobDirectory(layout).forEach(entry -> {
            if (entry.address() == null) {
                return;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(entry.path(), BasicFileAttributes.class);
            } catch (NoSuchFileException deletedMeanwhile) {
                return;
            }
            visitor.accept(new StoredBlobFile(entry.address(), attributes.size(), attributes.lastModifiedTime().toInstant()));
        });
    }

    private FileChannel openChannel(Digest digest) throws IOException {
        try {
            return FileChannel.open(layout.blobFile(digest), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw RegistryException.blobUnknown(digest);
        }
    }
}
