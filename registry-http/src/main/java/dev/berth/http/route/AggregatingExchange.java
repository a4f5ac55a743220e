package dev.berth.http.route;

import dev.berth.core.memory.MemoryOnly;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.Executor;

/**
 * Collects a small body (a manifest, a management call) up to a cap, then runs the handler off the event
 * loop.
 *
 * <p>A request with a body is let in from its head first: a declared {@code Content-Length} over the cap is
 * refused at once (413), and the {@link BodyAdmission} authenticates and authorizes the caller off the loop
 * while the connection does not read. Only an admitted request gets {@code 100 Continue} and has its body
 * read; a refused one is answered without it, and its body is dropped as it arrives or the connection is
 * closed. So a refused body is never buffered beyond what came in the same socket read as its head, and
 * never beyond the cap. A body that grows past the cap (chunked) is cut off with 413 and the connection closed.
 * A request without a body is checked and handled in one go, as one piece of work.
 *
 * <p>A read that memory can usually answer (a manifest, a blob's {@code HEAD}, a tag list) may be tried on
 * the event loop first ({@link MemoryOnly}): a pull answered from the caches then costs no hand-off to the
 * blocking pool and back, which under load is most of its latency. Should any lookup need the store, the
 * disk or a credential check, the attempt stops before answering and the handler runs off the loop.
 */
public final class AggregatingExchange implements Exchange {
    private final RequestContext request;
    private final BodyAdmission admission;
    private final V2Handler handler;
    private final Executor executor;
    private final int maxBodyBytes;
    private final boolean memoryFirst;
    private CompositeByteBuf body;
    /** The head of a request with a body is being checked; the connection does not read meanwhile. */
    private boolean checking;
    /** The head was checked and the body may be read (set on the loop before the handler is handed off). */
    private boolean admitted;
    /** Answered before the body was read: what comes of the body is dropped. */
    private boolean refused;
    private boolean complete;
    private boolean closed;

    public AggregatingExchange(RequestContext request, BodyAdmission admission, V2Handler handler, Executor executor,
                               int maxBodyBytes) {
        this(request, admission, handler, executor, maxBodyBytes, false);
    }

    /** @param memoryFirst try the handler on the event loop from memory first (see the class comment); reads only */
    public AggregatingExchange(RequestContext request, BodyAdmission admission, V2Handler handler, Executor executor,
                               int maxBodyBytes, boolean memoryFirst) {
        this.request = request;
        this.admission = admission;
        this.handler = handler;
        this.executor = executor;
        this.maxBodyBytes = maxBodyBytes;
        this.memoryFirst = memoryFirst;
        HttpRequest head = request.request();
        if (HttpUtil.getContentLength(head, 0L) > maxBodyBytes) {
            refuse(admission.tooLarge(maxBodyBytes));
        } else if (HttpUtil.getContentLength(head, 0L) > 0 || HttpUtil.isTransferEncodingChunked(head)) {
            checking = true;
            executor.execute(this::check);
        }
    }

    /** Off the loop: asks the admission, then goes back to the loop with its answer. */
    private void check() {
        FullHttpResponse refusal;
        try {
            refusal = admission.refusal(request);
        } catch (Throwable failure) {
            request.channelContext().executor().execute(() -> failBeforeBody(failure));
            return;
        }
        request.channelContext().executor().execute(() -> checked(refusal));
    }

    private void checked(FullHttpResponse refusal) {
        checking = false;
        if (closed || refused) {
            if (refusal != null) {
                refusal.release();
            }
            return;
        }
        if (refusal != null) {
            refuse(refusal);
            return;
        }
        admitted = true;
        if (complete) {
            dispatch();
            return;
        }
        if (body == null) {
            // Only a client that has sent none of its body yet may be waiting for this.
            request.continueIfExpected();
        }
        request.resumeReading();
    }

    private void failBeforeBody(Throwable failure) {
        checking = false;
        dropBody();
        refused = true;
        request.fail(failure);
    }

    /**
     * Answers before the body is read. The connection then drops the rest of the body, which is cheap when its
     * declared length is within the cap and the client is sending it anyway; otherwise (the client may be
     * waiting for {@code 100 Continue}, or the body is long or of unknown length) the connection is closed.
     */
    private void refuse(FullHttpResponse refusal) {
        refused = true;
        dropBody();
        long declared = HttpUtil.getContentLength(request.request(), -1L);
        boolean cheapToDrain = declared >= 0 && declared <= maxBodyBytes && !HttpUtil.is100ContinueExpected(request.request());
        if (!complete && !cheapToDrain) {
            refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        // Answered in a task of its own: the connection must have taken this exchange as its current one first.
        request.channelContext().executor().execute(() -> request.respond(refusal));
    }

    @Override
    public void content(HttpContent content) {
        try {
            ByteBuf bytes = content.content();
            if (!refused && bytes.isReadable()) {
                if (body == null) {
                    body = request.channelContext().alloc().compositeBuffer(64);
                }
                if (body.readableBytes() + bytes.readableBytes() > maxBodyBytes) {
                    refuse(admission.tooLarge(maxBodyBytes));
                } else {
                    body.addComponent(true, bytes.retain());
                }
            }
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            complete = true;
            if (!refused && !checking) {
                dispatch();
            }
        }
    }

    private void dispatch() {
        if (body != null) {
            request.body(ByteBufUtil.getBytes(body));
            dropBody();
        }
        if (memoryFirst && MemoryOnly.attempt(this::run)) {
            return;
        }
        executor.execute(this::run);
    }

    private void run() {
        try {
            if (!admitted) {
                FullHttpResponse refusal = admission.refusal(request);
                if (refusal != null) {
                    request.respond(refusal);
                    return;
                }
            }
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
        request.respond(admission.malformed());
    }

    @Override
    public boolean bodyComplete() {
        return complete;
    }

    @Override
    public boolean paused() {
        return checking;
    }

    @Override
    public void channelClosed() {
        closed = true;
        dropBody();
    }

    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
