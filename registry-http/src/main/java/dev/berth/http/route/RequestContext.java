package dev.berth.http.route;

import dev.berth.core.auth.Principal;
import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStoreBusyException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.UnexpectedFailure;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request being answered: its head, route and (for aggregated routes) body, and the ways to send
 * the one answer it gets. Safe to answer from any thread; the first answer wins.
 */
public final class RequestContext {
    /**
     * The piece a blob is read in when it is copied rather than sent with sendfile: large enough to cost few
     * system calls, small enough that the sender's copy is still in the CPU cache when the receiver copies it
     * out (the measurements are in {@code docs/design-notes.md}, "Figures behind constants").
     */
    private static final int COPY_PIECE_SIZE = 512 * 1024;
    /** What a client is asked to wait when the blob store throttles: its own backoff has run a few seconds by then. */
    private static final Duration STORE_BUSY_WAIT = Duration.ofSeconds(2);

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private V2Route route;
    private Principal principal;
    private final Runnable finished;
    private final Runnable resumeReading;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean over = new AtomicBoolean();
    private final java.util.List<Runnable> onFinished = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile int status;
    private volatile boolean closeAfterAnswer;
    private byte[] body = new byte[0];

    RequestContext(ChannelHandlerContext ctx, HttpRequest request, Runnable finished, Runnable resumeReading) {
        this.ctx = ctx;
        this.request = request;
        this.finished = finished;
        this.resumeReading = resumeReading;
    }

    /** Adds a listener that runs once, when the answer has been written or the connection is gone. */
    public void onFinished(Runnable listener) {
        onFinished.add(listener);
    }

    /** The status answered, or 0 while there is no answer. */
    public int status() {
        return status;
    }

    /** Time since the request's head arrived. */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** The answer is written, or will never be: the connection closed first. Idempotent. */
    void markFinished() {
        if (over.compareAndSet(false, true)) {
            onFinished.forEach(Runnable::run);
        }
    }

    private void written() {
        markFinished();
        finished.run();
    }

    /** Asks the connection to read again once an exchange that paused it has caught up; any thread. */
    public void resumeReading() {
        resumeReading.run();
    }

    public HttpRequest request() {
        return request;
    }

    /** The {@code /v2} route, once the request has been routed there; null for other APIs. */
    public V2Route route() {
        return route;
    }

    public void route(V2Route route) {
        this.route = route;
    }

    /** Who sent the request, once authenticated; null for an anonymous caller. */
    public Principal principal() {
        return principal;
    }

    public void principal(Principal principal) {
        this.principal = principal;
    }

    /**
     * The client's IP address as the socket sees it (a reverse proxy in front makes every client its own
     * address); {@code unknown} when the connection has none.
     */
    public String clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null
                ? peer.getAddress().getHostAddress() : "unknown";
    }

    /** The name history events record for this request's caller. */
    public String actor() {
        return principal == null ? "anonymous" : principal.name();
    }

    /** Answers {@code 100 Continue} when the client waits for it before sending the body. */
    public void continueIfExpected() {
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
    }

    public byte[] body() {
        return body;
    }

    void body(byte[] body) {
        this.body = body;
    }

    /** Whether the connection speaks TLS. */
    public boolean isSecure() {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    public ChannelHandlerContext channelContext() {
        return ctx;
    }

    /**
     * The connection can carry no further request (its decoder gave up in the middle of this one's body):
     * the answer says {@code Connection: close}, and the keep-alive handler closes the connection after it.
     */
    public void closeAfterAnswer() {
        closeAfterAnswer = true;
    }

    public void respond(FullHttpResponse response) {
        if (!answered.compareAndSet(false, true)) {
            response.release();
            return;
        }
        if (closeAfterAnswer) {
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        }
        status = response.status().code();
        ctx.writeAndFlush(response).addListener(f -> written());
    }

    /**
     * Sends a response head and then the content. A stream (from an object store) is read off the event loop
     * ({@link StreamedContent}). A window of a file goes with sendfile to a remote client over plain HTTP;
     * otherwise it is read and written in {@value #COPY_PIECE_SIZE}-byte pieces.
     *
     * <p>TLS needs the bytes in user space. A client on this host (loopback) is the other case: the kernel
     * copies every byte into the receiver anyway, and it copies faster from a piece the sender has just
     * written (still in cache) than from page-cache pages sendfile hands over: in the load benchmark the
     * copy moved 1.5x the bytes per second of sendfile for less server CPU per GB (see the README's
     * Performance section). Across a network card, sendfile saves the server that copy.
     */
    public void respondContent(HttpResponse head, BlobContent content) {
        if (!answered.compareAndSet(false, true)) {
            closeQuietly(content);
            return;
        }
        status = head.status().code();
        ctx.write(head);
        if (content instanceof BlobContent.Stream stream) {
            ctx.writeAndFlush(new HttpChunkedInput(new StreamedContent(stream.stream(), stream.length(), ctx)))
                    .addListener(f -> written());
            return;
        }
        BlobContent.FileWindow file = (BlobContent.FileWindow) content;
        if (!isSecure() && !clientOnThisHost()) {
            ctx.write(new DefaultFileRegion(file.channel(), file.offset(), file.length()));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> written());
        } else {
            try {
                ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(file.channel(), file.offset(), file.length(), COPY_PIECE_SIZE)))
                        .addListener(f -> written());
            } catch (IOException e) {
                closeQuietly(content);
                ctx.close();
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Sends the head of an answer that another node gives to this request; {@link #relayContent} sends its body.
     * False when the request has an answer already (the relayed one must then be dropped).
     */
    public boolean relayHead(HttpResponse head) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        if (closeAfterAnswer) {
            head.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        }
        status = head.status().code();
        ctx.write(head);
        return true;
    }

    /** Sends a piece of a relayed answer's body ({@link #relayHead}); the last one ends the answer. */
    public void relayContent(HttpContent piece) {
        if (piece instanceof LastHttpContent) {
            ctx.writeAndFlush(piece).addListener(f -> written());
        } else {
            ctx.writeAndFlush(piece);
        }
    }

    private boolean clientOnThisHost() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress peer
                && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
    }

    /**
     * Answers with the failure: its OCI error, or a 500 that is logged once under a reference and shows the
     * client nothing else.
     */
    public void fail(Throwable failure) {
        if (storeBusy(failure)) {
            fail(RegistryException.throttled("the blob store is throttling requests", STORE_BUSY_WAIT));
            return;
        }
        if (!(failure instanceof RegistryException error) || error.ociCode().isEmpty()) {
            failUnexpectedly(failure);
            return;
        }
        FullHttpResponse response = Responses.error(error);
        if (HttpUtil.is100ContinueExpected(request) && !answered.get()) {
            // The client may still be holding back its body; after this answer it must not send it on this connection.
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        }
        respond(response);
    }

    /** Whether the failure comes from a blob store that still throttled after its client's retries. */
    private static boolean storeBusy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BlobStoreBusyException) {
                return true;
            }
        }
        return false;
    }

    /** A 500 and the end of the connection: the failed exchange may have left its body unread or half-handled. */
    private void failUnexpectedly(Throwable failure) {
        FullHttpResponse response = Responses.internalError(UnexpectedFailure.log(request.method() + " " + request.uri(), failure));
        response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        if (answered.compareAndSet(false, true)) {
            status = response.status().code();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE).addListener(f -> written());
        } else {
            response.release();
        }
    }

    private static void closeQuietly(BlobContent content) {
        try {
            content.close();
        } catch (IOException ignored) {
            // nothing to do: the content was only read
        }
    }
}
