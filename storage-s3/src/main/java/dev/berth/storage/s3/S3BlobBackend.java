package dev.berth.storage.s3;

import dev.berth.core.thread.NamedDaemonThreads;
import dev.berth.storage.BlobBackend;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.meta.H2BlobObjects;
import dev.berth.storage.space.DiskReserve;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Blobs in a bucket of an S3-compatible store ({@code --blob-store s3}). */
public final class S3BlobBackend implements BlobBackend {
    /** Parts sent at once, across the node's uploads; each holds a connection to the store. */
    private static final int SHIPPERS = 16;

    private final S3Location location;

    public S3BlobBackend(S3Location location) {
        this.location = location;
    }

    @Override
    public String engine() {
        return "s3";
    }

    @Override
    public String identity() {
        return "s3 " + location.describe();
    }

    /** Opens a client and checks that the bucket is there: a start against a wrong bucket fails at once. */
    @Override
    public Blobs open(DataLayout layout, Database database, Clock clock, DiskReserve reserve) throws IOException {
        S3Client s3 = location.client();
        try {
            S3Calls.run("find bucket " + location.bucket(), () -> s3.headBucket(b -> b.bucket(location.bucket())));
        } catch (IOException e) {
            s3.close();
            throw new IOException("the blob store does not answer: " + e.getMessage(), e);
        }
        S3Presigner presigner = location.redirect() ? location.presigner() : null;
        S3BlobStore store = new S3BlobStore(s3, location.bucket(), new H2BlobObjects(database, clock), presigner);
        ExecutorService shippers = shippers();
        S3UploadSink sink = new S3UploadSink(s3, location.bucket(), store, shippers);
        return new Blobs(store, sink, () -> problem(s3), () -> close(s3, presigner, shippers));
    }

    /** Whether the bucket answers within a few seconds. */
    private String problem(S3Client s3) {
        try {
            s3.headBucket(b -> b.bucket(location.bucket()).overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3))));
            return null;
        } catch (SdkException e) {
            return location.describe() + ": " + e.getMessage();
        }
    }

    /** Lets the parts in flight finish, then closes the clients. */
    private static void close(S3Client s3, S3Presigner presigner, ExecutorService shippers) {
        shippers.shutdown();
        try {
            shippers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            s3.close();
            if (presigner != null) {
                presigner.close();
            }
        }
    }

    private static ExecutorService shippers() {
        return Executors.newFixedThreadPool(SHIPPERS, new NamedDaemonThreads("s3-shipper"));
    }
}
