package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.memory.MemoryOnly;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.Executor;

/**
 * Collects a small body (a manifest, a management call) up to a cap, then runs the handler off the event
 * loop. A body over the cap is drained and answered with 413, never kept.
 *
 * <p>A read that memory can usually answer (a manifest, a blob's {@code HEAD}, a tag list) may be tried on
 * the event loop first ({@link MemoryOnly}): a pull answered from the caches then costs no hand-off to the
 * blocking pool and back, which under load is most of its latency. Should any lookup need the store, the
 * disk or a credential check, the attempt stops before answering and the handler runs off the loop.
 */
public final class AggregatingExchange implements Exchange {
    private final RequestContext request;
    private final V2Handler handler;
    private final Executor executor;
    private final int maxBodyBytes;
    private final boolean memoryFirst;
    private CompositeByteBuf body;
    private boolean tooLarge;
    private boolean complete;

    public AggregatingExchange(RequestContext request, V2Handler handler, Executor executor, int maxBodyBytes) {
        this(request, handler, executor, maxBodyBytes, false);
    }

    /** @param memoryFirst try the handler on the event loop from memory first (see the class comment); reads only */
    public AggregatingExchange(RequestContext request, V2Handler handler, Executor executor, int maxBodyBytes,
                               boolean memoryFirst) {
        this.request = request;
        this.handler = handler;
        this.executor = executor;
        this.maxBodyBytes = maxBodyBytes;
        this.memoryFirst = memoryFirst;
        request.continueIfExpected();
    }

    @Override
    public void content(HttpContent content) {
        try {
            ByteBuf bytes = content.content();
            if (!tooLarge && bytes.isReadable()) {
                if (body == null) {
                    body = request.channelContext().alloc().compositeBuffer(64);
                }
                if (body.readableBytes() + bytes.readableBytes() > maxBodyBytes) {
                    tooLarge = true;
                    body.release();
                    body = null;
                } else {
                    body.addComponent(true, bytes.retain());
                }
            }
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            complete = true;
            dispatch();
        }
    }

    private void dispatch() {
        if (tooLarge) {
            request.fail(new OciException(OciErrorCode.MANIFEST_TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes"));
            return;
        }
        if (body != null) {
            request.body(ByteBufUtil.getBytes(body));
            body.release();
            body = null;
        }
        if (memoryFirst && MemoryOnly.attempt(this::run)) {
            return;
        }
        executor.execute(this::run);
    }

    private void run() {
        try {
            handler.handle(request);
        } catch (MemoryOnly.Miss miss) {
            throw miss;
        } catch (Throwable failure) {
            request.fail(failure);
        }
    }

    @Override
    public void bodyMalformed() {
        complete = true;
        channelClosed();
        request.fail(new OciException(OciErrorCode.PARAMETER_INVALID, "the request body's chunked encoding is malformed"));
    }

    @Override
    public boolean bodyComplete() {
        return complete;
    }

    @Override
    public void channelClosed() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
