package dev.berth.http.testing;

import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RegistryRequestHandler;
import dev.berth.http.server.HttpCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection to the registry's pipeline, on an {@link EmbeddedChannel}, with a model of the socket
 * under it: what the client sends waits on the wire until the server asks to read (the server's channels do
 * not read on their own), and each read takes at most {@link #READ_BYTES}. A test therefore sees exactly how
 * much the server took in while it held reading back, and what is still waiting for it.
 *
 * <p>The pipeline is the server's (see {@code RegistryChannelInitializer}) without TLS and the read timeouts,
 * with every buffer taken from a {@link TrackingAllocator}: {@link #close()} fails the test on any buffer that
 * was never released. The blocking work of the exchanges goes to a {@link BlockingPool} that only the test runs.
 */
public final class EmbeddedConnection implements AutoCloseable {
    /** What one socket read takes at most: a middling figure for the server's adaptive receive buffers. */
    public static final int READ_BYTES = 64 * 1024;

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final BlockingPool pool;
    private final EmbeddedChannel channel;
    /** Sent by the client, not yet read by the server. */
    private final ByteBuf wire = Unpooled.buffer();
    /** Written by the server and not yet taken apart into responses. */
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean readWanted;
    private long bytesRead;

    /** A response as the client reads it; header names lower-cased. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean closesConnection() {
            return "close".equalsIgnoreCase(header("connection"));
        }
    }

    public EmbeddedConnection(ExchangeFactory exchanges, BlockingPool pool) {
        this.pool = pool;
        channel = EmbeddedChannel.builder().register(false).handlers(new SocketReads(),
                HttpCodecs.serverCodec(),
                new HttpServerKeepAliveHandler(),
                new ChunkedWriteHandler(),
                new RegistryRequestHandler(exchanges)).build();
        channel.config().setAutoRead(false).setAllocator(allocator);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        serve();
    }

    /** Stands for the socket: notes that the server asked for a read, which the wire answers when it has bytes. */
    private final class SocketReads extends ChannelOutboundHandlerAdapter {
        @Override
        public void read(ChannelHandlerContext ctx) {
            readWanted = true;
        }
    }

    /** The client sends bytes; the server reads as much of them as it asks for, without its blocking work running. */
    public EmbeddedConnection send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public EmbeddedConnection send(byte[] bytes) {
        wire.writeBytes(bytes);
        serve();
        return this;
    }

    /** The client sends a head and a body in one go, as it does when it does not wait for {@code 100 Continue}. */
    public EmbeddedConnection send(String head, byte[] body) {
        wire.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1)).writeBytes(body);
        serve();
        return this;
    }

    /** Runs the event loop's tasks and answers the server's reads from the wire until it asks for nothing more. */
    public void serve() {
        while (true) {
            channel.runPendingTasks();
            if (!readWanted || !wire.isReadable() || !channel.isOpen()) {
                return;
            }
            readWanted = false;
            int length = Math.min(READ_BYTES, wire.readableBytes());
            ByteBuf read = allocator.ioBuffer(length);
            read.writeBytes(wire, length);
            bytesRead += length;
            channel.writeInbound(read);
        }
    }

    /** Runs the oldest piece of blocking work, then serves; false when there was none. */
    public boolean runBlockingTask() {
        boolean ran = pool.runOne();
        serve();
        return ran;
    }

    /** Runs the newest piece of blocking work (a pool of many threads may finish it first), then serves. */
    public boolean runNewestBlockingTask() {
        boolean ran = pool.runNewest();
        serve();
        return ran;
    }

    /** Runs blocking work, event loop and reads until none of them has anything left to do. */
    public void runBlocking() {
        serve();
        while (runBlockingTask()) {
            // every task may queue more, or let the server read again
        }
    }

    /** True while the server has asked to read and the wire has had nothing for it. */
    public boolean wantsToRead() {
        return readWanted && channel.isOpen();
    }

    /** Bytes the client has sent that the server has not read. */
    public int unread() {
        return wire.readableBytes();
    }

    /** Bytes the server has read from the wire in all. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Buffers the connection has allocated and not released (its close fails the test on any left then). */
    public List<ByteBuf> unreleasedBuffers() {
        return allocator.unreleased();
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    /** The client goes away (a reset, a killed process): the connection closes under whatever is in progress. */
    public void disconnect() {
        channel.close();
        channel.runPendingTasks();
    }

    /** The complete responses written since the last call, in order. */
    public List<Response> responses() {
        return responses(false);
    }

    /** The one response, to a {@code HEAD}, written since the last call: its head only, whatever its Content-Length. */
    public Response responseToHead() {
        List<Response> responses = responses(true);
        if (responses.size() != 1) {
            throw new AssertionError("expected one response, got " + responses);
        }
        return responses.get(0);
    }

    private List<Response> responses(boolean toHead) {
        channel.runPendingTasks();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            try {
                collect(message);
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
        return parse(toHead);
    }

    /** The one response written since the last call. */
    public Response response() {
        List<Response> responses = responses();
        if (responses.size() != 1) {
            throw new AssertionError("expected one response, got " + responses);
        }
        return responses.get(0);
    }

    private void collect(Object message) {
        if (message instanceof ByteBuf bytes) {
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.getBytes(bytes.readerIndex(), copy);
            written.writeBytes(copy);
        } else if (message instanceof FileRegion region) {
            WritableByteChannel out = Channels.newChannel(written);
            try {
                while (region.transferred() < region.count()) {
                    region.transferTo(out, region.transferred());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            throw new AssertionError("unexpected outbound message " + message);
        }
    }

    private List<Response> parse(boolean toHead) {
        byte[] bytes = written.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (true) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                break;
            }
            String[] lines = text.substring(at, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = status < 200 || toHead ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            int bodyStart = headEnd + 4;
            if (bytes.length < bodyStart + length) {
                break;
            }
            responses.add(new Response(status, headers, new String(bytes, bodyStart, length, StandardCharsets.UTF_8)));
            at = bodyStart + length;
        }
        written.reset();
        written.write(bytes, at, bytes.length - at);
        return responses;
    }

    /**
     * Closes the connection, lets the blocking work it left finish, and fails when any buffer the connection
     * allocated was never released.
     */
    @Override
    public void close() {
        try {
            channel.finishAndReleaseAll();
            while (pool.runOne()) {
                channel.runPendingTasks();
            }
            channel.releaseOutbound();
        } finally {
            wire.release();
        }
        allocator.assertAllReleased();
    }
}
