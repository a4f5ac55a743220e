package dev.berth.http.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client keeps the server waiting: a request head that has not arrived in full
 * within the header timeout (counted from the connection's opening for its first request, from the first
 * byte of a later one), a kept-alive connection silent for the idle timeout after an answer, or a request
 * body silent for the body timeout.
 *
 * <p>It sits just behind the HTTP codec and sees requests and answers as messages. A timeout runs only
 * while the server has asked the socket for bytes (auto-read is off) and is waiting for the client: time
 * the server spends not reading (an upload paused because the disk is behind, a request being worked on,
 * pipelined requests waiting their turn) never counts against the client. One timer per connection is
 * rescheduled only when its deadline comes closer; bytes that push it later are checked when it fires.
 */
final class RequestReadTimeouts extends ChannelDuplexHandler {
    private static final System.Logger LOG = System.getLogger(RequestReadTimeouts.class.getName());
    private static final long NONE = Long.MAX_VALUE;

    private final long headerNanos;
    private final long idleNanos;
    private final long bodyNanos;
    private ChannelHandlerContext ctx;
    /** Request heads received, bodies received to their end, final answers written. */
    private int requests;
    private int bodiesEnded;
    private int answers;
    /** The server asked the socket for bytes and they have not come yet. */
    private boolean readRequested;
    /** Since when the client has been waited on without sending anything. */
    private long waitingSinceNanos;
    /** When the awaited request head began: the connection's opening, or the first byte after an answer. */
    private long headStartNanos;
    private boolean headStarted;
    /** The current socket read yielded a message; a read that yields none brought part of a head. */
    private boolean decodedInRead;
    private long answeredNanos;
    /** The answer being written is an interim one ({@code 100 Continue}), which does not end a request. */
    private boolean interim;
    private ScheduledFuture<?> check;
    private long checkAtNanos;

    RequestReadTimeouts(ConnectionLimits limits) {
        this.headerNanos = limits.headerTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
        this.bodyNanos = limits.bodyTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long now = now();
        headStartNanos = now;
        waitingSinceNanos = now;
        super.channelActive(ctx);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!readRequested) {
            readRequested = true;
            waitingSinceNanos = now();
            arm();
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        waitingSinceNanos = now();
        decodedInRead = true;
        if (msg instanceof HttpRequest) {
            requests++;
            headStarted = false;
        }
        if (msg instanceof LastHttpContent) {
            bodiesEnded++;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Bytes arrived, whether or not they completed a message. Those that complete none after an answer are the
     * start of the next request's head (the bytes that carried the previous request complete it).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        long now = now();
        waitingSinceNanos = now;
        if (!decodedInRead && requests > 0 && answers == requests && bodiesEnded == requests && !headStarted) {
            headStarted = true;
            headStartNanos = now;
        }
        decodedInRead = false;
        readRequested = false;
        arm();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !interim) {
            promise = promise.unvoid();
            promise.addListener(written -> answered());
        }
        ctx.write(msg, promise);
    }

    private void answered() {
        answers++;
        answeredNanos = now();
        arm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** What the server is waiting for the client to send, if anything. */
    private enum Awaited { NOTHING, HEAD, NEXT_REQUEST, BODY }

    private Awaited awaited() {
        if (!readRequested) {
            return Awaited.NOTHING;
        }
        if (bodiesEnded < requests) {
            return Awaited.BODY;
        }
        if (answers < requests) {
            return Awaited.NOTHING;
        }
        return requests == 0 || headStarted ? Awaited.HEAD : Awaited.NEXT_REQUEST;
    }

    /** When the client's time is up, or {@link #NONE} while it is not being waited on. */
    private long deadline(Awaited awaited) {
        return switch (awaited) {
            case NOTHING -> NONE;
            case HEAD -> headStartNanos + headerNanos;
            case NEXT_REQUEST -> answeredNanos + idleNanos;
            case BODY -> waitingSinceNanos + bodyNanos;
        };
    }

    private void arm() {
        long deadline = deadline(awaited());
        if (deadline == NONE || (check != null && checkAtNanos <= deadline)) {
            // Nothing to wait for, or the pending check comes first and will look again.
            return;
        }
        cancel();
        checkAtNanos = deadline;
        check = ctx.executor().schedule(this::expire, deadline - now(), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        check = null;
        Awaited awaited = awaited();
        long deadline = deadline(awaited);
        if (deadline == NONE || !ctx.channel().isActive()) {
            return;
        }
        if (deadline - now() > 0) {
            arm();
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ctx.channel().remoteAddress() + ": " + reason(awaited));
        ctx.close();
    }

    private String reason(Awaited awaited) {
        return switch (awaited) {
            case NOTHING -> "nothing awaited";
            case HEAD -> "no complete request head within " + TimeUnit.NANOSECONDS.toMillis(headerNanos) + " ms";
            case NEXT_REQUEST -> "idle for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            case BODY -> "no request body bytes for " + TimeUnit.NANOSECONDS.toMillis(bodyNanos) + " ms";
        };
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
