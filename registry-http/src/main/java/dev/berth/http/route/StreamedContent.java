package dev.berth.http.route;

import dev.berth.core.thread.NamedDaemonThreads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bytes of a blocking stream (an object store's response) sent on a connection without blocking its event
 * loop: a reader task on a pool of its own reads a few pieces ahead, and the connection's
 * {@link ChunkedWriteHandler} takes them as they arrive, pausing while none is ready and resumed by the reader.
 *
 * <p>Back-pressure: the reader stops {@value #AHEAD} pieces ahead of what the connection has taken, and the
 * handler takes pieces only as fast as the socket writes them, so a slow client holds at most
 * {@value #AHEAD} x {@value #PIECE} bytes and no thread: the reader task ends when it is ahead, and the next
 * piece the connection takes starts it again.
 */
final class StreamedContent implements ChunkedInput<ByteBuf> {
    private static final int PIECE = 512 * 1024;
    private static final int AHEAD = 4;
    /** Threads that wait on object-store reads; bounded, queued beyond. */
    private static final ExecutorService READERS = readers();

    private final InputStream stream;
    private final long length;
    private final ChannelHandlerContext ctx;
    private final ConcurrentLinkedQueue<ByteBuf> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile long read;
    private volatile boolean closed;
    private volatile IOException failure;
    private long delivered;

    StreamedContent(InputStream stream, long length, ChannelHandlerContext ctx) {
        this.stream = stream;
        this.length = length;
        this.ctx = ctx;
        readAhead();
    }

    @Override
    public boolean isEndOfInput() throws IOException {
        if (failure != null) {
            throw failure;
        }
        return delivered == length;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext context) throws Exception {
        return readChunk(context.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (failure != null) {
            throw failure;
        }
        ByteBuf piece = ready.poll();
        if (piece == null) {
            return null; // the reader resumes the transfer when the next piece is in
        }
        queued.decrementAndGet();
        delivered += piece.readableBytes();
        readAhead();
        return piece;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return delivered;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        releaseReady();
        stream.close();
    }

    private void releaseReady() {
        for (ByteBuf piece; (piece = ready.poll()) != null; ) {
            piece.release();
        }
    }

    /** Starts the reader unless it runs, everything is read, or enough is ready. */
    private void readAhead() {
        if (!closed && read < length && queued.get() < AHEAD && reading.compareAndSet(false, true)) {
            READERS.execute(this::readPieces);
        }
    }

    /**
     * Reads pieces until enough are ready or the stream is done; resumes the transfer after each, so that the
     * connection writes one while the next is read.
     */
    private void readPieces() {
        try {
            while (!closed && read < length && queued.get() < AHEAD) {
                int want = (int) Math.min(PIECE, length - read);
                ready.add(readPiece(want));
                read += want;
                queued.incrementAndGet();
                resumeTransfer();
            }
        } catch (IOException e) {
            failure = closed ? null : e;
            resumeTransfer();
        } finally {
            reading.set(false);
        }
        if (closed) {
            releaseReady(); // the connection went during this read: what it added is released here
        } else if (failure == null) {
            readAhead(); // the connection took a piece after the loop's last look
        }
    }

    /**
     * The next {@code size} bytes of the stream, in a pooled direct buffer: the socket writes it without another
     * copy, and no array is allocated (and zeroed) per piece.
     */
    private ByteBuf readPiece(int size) throws IOException {
        ByteBuf piece = ctx.alloc().directBuffer(size, size);
        try {
            while (piece.isWritable()) {
                if (piece.writeBytes(stream, piece.writableBytes()) < 0) {
                    throw new IOException("the stored blob ended after " + (read + piece.readableBytes()) + " of "
                            + length + " bytes");
                }
            }
            return piece;
        } catch (IOException | RuntimeException e) {
            piece.release();
            throw e;
        }
    }

    private void resumeTransfer() {
        ctx.executor().execute(() -> {
            ChunkedWriteHandler writer = ctx.pipeline().get(ChunkedWriteHandler.class);
            if (writer != null) {
                writer.resumeTransfer();
            }
        });
    }

    private static ExecutorService readers() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(32, 32, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedDaemonThreads("blob-stream"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
