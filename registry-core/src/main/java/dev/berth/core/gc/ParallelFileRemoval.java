package dev.berth.core.gc;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.thread.NamedDaemonThreads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Removes a batch's files on a few threads at once, for the length of one collection, as many as the
 * {@link RemovalPace} says (fewer while pushes go on). One removal at a time is what bounded a collection on an
 * idle filesystem (an unlink waits on the disk's metadata journal: about 1,000 a second on one thread of the
 * benchmark machine, seven times that on four), and the batch's candidates stay locked meanwhile; the batch
 * returns once every file of it is gone, or with the first failure.
 */
final class ParallelFileRemoval implements GarbageStore.FileRemoval, AutoCloseable {
    private final BlobStore blobs;
    private final RemovalPace pace;
    private final ExecutorService removers = Executors.newFixedThreadPool(RemovalPace.IDLE_REMOVERS,
            new NamedDaemonThreads("berth-gc-remover"));

    ParallelFileRemoval(BlobStore blobs, RemovalPace pace) {
        this.blobs = blobs;
        this.pace = pace;
    }

    @Override
    public void remove(List<Digest> garbage) {
        int slices = Math.min(pace.removers(), garbage.size());
        List<Future<?>> removals = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            List<Digest> slice = garbage.subList(i * garbage.size() / slices, (i + 1) * garbage.size() / slices);
            removals.add(removers.submit(() -> {
                blobs.deleteAll(slice);
                return null;
            }));
        }
        try {
            for (Future<?> removal : removals) {
                removal.get();
            }
        } catch (InterruptedException e) {
            removals.forEach(removal -> removal.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped: the server is shutting down", e);
        } catch (ExecutionException e) {
            removals.forEach(removal -> removal.cancel(true));
            throw rethrown(e.getCause());
        }
    }

    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failure);
    }

    @Override
    public void close() {
        removers.shutdownNow();
    }
}
