package dev.berth.benchmarks;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadStore;
import dev.berth.storage.Storage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of one blob upload through the real upload-session code ({@code FsUploadStore} /
 * {@code FsBlobUpload}), next to the two costs it is made of: SHA-256 alone and file writes alone.
 *
 * <p>One invocation moves {@value #TOTAL_MIB} MiB of random content, in buffers of {@code chunkKiB} KiB,
 * heap or direct. With {@code @OperationsPerInvocation(TOTAL_MIB)} and throughput mode in ops/s, one
 * "op" is one MiB: <b>the score is MiB/s</b>.
 *
 * <ul>
 *   <li>{@link #digestAndWrite}: {@code uploadStore().create(repo)}, {@code append} of every buffer,
 *   {@code commit(expected)} (digest check, fsync of the data file, rename into the blob store with its
 *   directory fsyncs, removal of the session directory). The committed blob is deleted after each
 *   invocation, outside the measurement, so every invocation stores a new blob.</li>
 *   <li>{@link #sha256Only}: {@code MessageDigest.update(ByteBuffer)} over the same buffers, no I/O: the
 *   single-core SHA-256 ceiling of the upload path.</li>
 *   <li>{@link #writeOnly}: {@code FileChannel.write} of the same buffers into a new file, no digest, no
 *   fsync (the bytes reach the page cache only).</li>
 *   <li>{@link #writeAndForce}: {@link #writeOnly} plus {@code force(true)} before close, i.e. the write
 *   and fsync cost that commit adds, without the digest.</li>
 * </ul>
 *
 * <p>Temporary files live under {@code -Dberth.bench.dir} (default {@code java.io.tmpdir}); pass it with
 * {@code -jvmArgsAppend -Dberth.bench.dir=/some/disk} to measure another filesystem.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DigestAndWriteBenchmark.TOTAL_MIB)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class DigestAndWriteBenchmark {
    /** MiB per invocation; also the operations per invocation, so that scores are MiB/s. */
    public static final int TOTAL_MIB = 64;
    private static final int TOTAL_BYTES = TOTAL_MIB * 1024 * 1024;
    private static final RepositoryName REPOSITORY = RepositoryName.parse("library/bench");

    @Param({"heap", "direct"})
    public String bufferType;

    @Param({"16", "64", "1024"})
    public int chunkKiB;

    private ByteBuffer[] chunks;
    private Digest expected;
    private Path tempDir;
    private Storage storage;
    private UploadStore uploads;
    private Path scratchFile;
    private MessageDigest sha256;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int chunkBytes = chunkKiB * 1024;
        if (TOTAL_BYTES % chunkBytes != 0) {
            throw new IllegalArgumentException("chunkKiB must divide " + TOTAL_MIB + " MiB: " + chunkKiB);
        }
        boolean direct = switch (bufferType) {
            case "heap" -> false;
            case "direct" -> true;
            default -> throw new IllegalArgumentException("bufferType must be heap or direct: " + bufferType);
        };
        Random random = new Random(42);
        MessageDigest precompute = Digest.newSha256();
        byte[] block = new byte[chunkBytes];
        chunks = new ByteBuffer[TOTAL_BYTES / chunkBytes];
        for (int i = 0; i < chunks.length; i++) {
            random.nextBytes(block);
            precompute.update(block);
            ByteBuffer chunk = direct ? ByteBuffer.allocateDirect(chunkBytes) : ByteBuffer.allocate(chunkBytes);
            chunk.put(block).flip();
            chunks[i] = chunk;
        }
        expected = Digest.sha256(precompute.digest());

        String base = System.getProperty("berth.bench.dir", System.getProperty("java.io.tmpdir"));
        Files.createDirectories(Path.of(base));
        tempDir = Files.createTempDirectory(Path.of(base), "berth-jmh-upload-");
        storage = Storage.open(tempDir.resolve("data"));
        uploads = storage.uploadStore();
        scratchFile = tempDir.resolve("scratch.bin");
        sha256 = Digest.newSha256();
    }

    /** Removes what the last invocation left: the committed blob and the scratch file. Not measured. */
    @TearDown(Level.Invocation)
    public void removeInvocationOutput() throws IOException {
        storage.blobStore().delete(expected);
        Files.deleteIfExists(scratchFile);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (storage != null) {
                storage.close();
            }
        } finally {
            TempDirs.deleteTree(tempDir);
        }
    }

    /** The real path: open a session, append every chunk, commit with the precomputed digest. */
    @Benchmark
    public long digestAndWrite() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "bench");
        for (ByteBuffer chunk : chunks) {
            chunk.clear(); // position 0, limit capacity: append consumed it last time
            upload.append(chunk);
        }
        return upload.commit(expected);
    }

    /** SHA-256 over the same buffers, as {@code FsBlobUpload.append} feeds it (a ByteBuffer view), no I/O. */
    @Benchmark
    public byte[] sha256Only() {
        MessageDigest digest = sha256;
        for (ByteBuffer chunk : chunks) {
            chunk.clear();
            digest.update(chunk);
        }
        return digest.digest(); // also resets it for the next invocation
    }

    /** File writes of the same buffers into a new file, no digest, no fsync. */
    @Benchmark
    public long writeOnly() throws IOException {
        return write(false);
    }

    /** File writes of the same buffers into a new file and an fsync, no digest. */
    @Benchmark
    public long writeAndForce() throws IOException {
        return write(true);
    }

    private long write(boolean force) throws IOException {
        try (FileChannel file = FileChannel.open(scratchFile,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (ByteBuffer chunk : chunks) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    file.write(chunk);
                }
            }
            if (force) {
                file.force(true);
            }
            return file.position();
        }
    }
}
