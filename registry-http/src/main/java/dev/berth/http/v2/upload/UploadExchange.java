package dev.berth.http.v2.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.registry.BlobInfo;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.upload.BlobUpload;
import dev.berth.http.flow.SerialExecutor;
import dev.berth.http.flow.UploadFlowControl;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.V2Route;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a request body into an upload session: the start of an upload (end-4a/4b/11: {@code POST},
 * monolithic with {@code ?digest=}, or a mount), a chunk (end-5: {@code PATCH}) and the close (end-6:
 * {@code PUT ?digest=}, with or without a last chunk).
 *
 * <p>Each piece of the body is handed, still in its network buffer, to a {@link SerialExecutor} that
 * appends it to the session's file and digest off the event loop; {@link UploadFlowControl} pauses the
 * socket while those writes are behind. The steps of one exchange run in order on that executor:
 * {@link #prepare()} (find or open the session, check {@code Content-Range}), one append per piece, then
 * {@link #finish()} (commit or report). A failure in any step turns the rest into draining, and the
 * error is answered when the body has ended.
 */
public final class UploadExchange implements Exchange {
    /** Which of the three body-carrying upload requests this is. */
    public enum Kind { START, APPEND, COMPLETE }

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/\\S+)?");

    private final RequestContext request;
    private final RegistryService registry;
    private final Kind kind;
    private final SerialExecutor serial;
    private final UploadFlowControl flow;
    private boolean complete;

    // Touched only by tasks on `serial`, which run one at a time in order.
    private BlobUpload upload;
    private boolean acquired;
    private Digest digest;
    private BlobInfo mounted;
    private Throwable failure;
    private boolean done;

    public UploadExchange(RequestContext request, RegistryService registry, Kind kind, Executor blocking) {
        this.request = request;
        this.registry = registry;
        this.kind = kind;
        this.serial = new SerialExecutor(blocking);
        this.flow = new UploadFlowControl(request::resumeReading);
        serial.execute(this::prepare);
    }

    private void prepare() {
        V2Route route = request.route();
        RepositoryName repository = route.repository();
        try {
            if (kind == Kind.START) {
                String mount = route.param("mount");
                if (mount != null) {
                    String from = route.param("from");
                    Optional<BlobInfo> linked = registry.mount(repository, Digest.parse(mount),
                            from == null ? null : RepositoryName.parse(from));
                    if (linked.isPresent()) {
                        mounted = linked.get();
                        return;
                    }
                }
                String monolithic = route.param("digest");
                digest = monolithic == null ? null : Digest.parse(monolithic);
                upload = registry.startUpload(repository);
                acquired = upload.tryAcquire();
                return;
            }
            upload = registry.upload(repository, route.segment());
            if (!upload.tryAcquire()) {
                throw OciException.uploadInvalid("another request is writing to this upload");
            }
            acquired = true;
            checkContentRange();
            if (kind == Kind.COMPLETE) {
                String expected = route.param("digest");
                if (expected == null) {
                    throw OciException.digestInvalid("the closing PUT needs ?digest=");
                }
                digest = Digest.parse(expected);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void checkContentRange() {
        String header = request.request().headers().get(HttpHeaderNames.CONTENT_RANGE);
        if (header == null) {
            return;
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            throw new OciException(OciErrorCode.RANGE_NOT_SATISFIABLE, "malformed Content-Range: " + header);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        registry.checkChunkStart(upload, start);
        long declaredLength = HttpUtil.getContentLength(request.request(), -1L);
        if (end < start || (declaredLength >= 0 && declaredLength != end - start + 1)) {
            throw new OciException(OciErrorCode.RANGE_NOT_SATISFIABLE,
                    "Content-Range " + header + " does not match Content-Length " + declaredLength);
        }
    }

    @Override
    public void content(HttpContent content) {
        ByteBuf bytes = content.content();
        int length = bytes.readableBytes();
        if (length > 0) {
            bytes.retain();
            flow.submitted(length);
            serial.execute(() -> append(bytes, length));
        }
        content.release();
        if (content instanceof LastHttpContent) {
            complete = true;
            serial.execute(this::finish);
        }
    }

    private void append(ByteBuf bytes, int length) {
        try {
            if (failure == null && upload != null && mounted == null) {
                for (ByteBuffer view : bytes.nioBuffers()) {
                    upload.append(view);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            bytes.release();
            flow.written(length);
        }
    }

    private void finish() {
        done = true;
        RepositoryName repository = request.route().repository();
        try {
            if (failure != null) {
                throw failure;
            }
            if (mounted != null) {
                request.respond(UploadResponses.created(repository, mounted));
            } else if (digest != null) {
                BlobInfo blob = registry.completeUpload(upload, digest);
                request.respond(UploadResponses.created(repository, blob));
            } else {
                request.respond(UploadResponses.inProgress(HttpResponseStatus.ACCEPTED, upload));
            }
        } catch (Throwable t) {
            abandonMonolithic();
            request.fail(t);
        } finally {
            releaseSession();
        }
    }

    /** A monolithic upload that failed leaves nothing behind: its session was private to this request. */
    private void abandonMonolithic() {
        if (kind == Kind.START && digest != null && upload != null) {
            try {
                registry.cancelUpload(upload);
            } catch (RuntimeException ignored) {
                // already gone: the commit drops the session when the digest does not match
            }
        }
    }

    private void releaseSession() {
        if (acquired) {
            acquired = false;
            upload.release();
        }
    }

    @Override
    public boolean bodyComplete() {
        return complete;
    }

    @Override
    public boolean paused() {
        return flow.paused();
    }

    @Override
    public void channelClosed() {
        serial.execute(() -> {
            if (!done) {
                done = true;
                abandonMonolithic();
                releaseSession();
            }
        });
    }
}
