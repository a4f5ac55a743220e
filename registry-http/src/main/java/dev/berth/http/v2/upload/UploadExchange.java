package dev.berth.http.v2.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.registry.BlobInfo;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.upload.BlobUpload;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.flow.SerialExecutor;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.flow.UploadFlowControl;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.V2Route;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Streams a request body into an upload session: the start of an upload (end-4a/4b/4c/11: {@code POST},
 * monolithic with {@code ?digest=}, announcing its algorithm with {@code ?digest-algorithm=}, or a mount), a chunk (end-5: {@code PATCH}) and the close (end-6:
 * {@code PUT ?digest=}, with or without a last chunk).
 *
 * <p>Each piece of the body is handed, still in its network buffer, to a {@link SerialExecutor} that
 * appends it to the session's file and digest off the event loop; {@link UploadFlowControl} pauses the
 * socket while those writes are behind. The steps of one exchange run in order on that executor:
 * {@link #prepare()} (check the caller, find or open the session, check {@code Content-Range}, all before the
 * connection reads any of the body), one append per piece, then
 * {@link #finish()} (commit or report). A failure in any step turns the rest into draining, and the
 * error is answered when the body has ended.
 */
public final class UploadExchange implements Exchange {
    /** Which of the three body-carrying upload requests this is. */
    public enum Kind { START, APPEND, COMPLETE }

    /**
     * The network hands a body over in pieces of a socket read (tens of KiB); the writer gets them in
     * batches of about this much, so that a gigabyte costs a thousand writes rather than tens of thousands;
     * of half the flow control's high water mark when many uploads share the buffers, so that a batch
     * completes before reading pauses.
     */
    private static final int BATCH_BYTES = 1024 * 1024;

    private final RequestContext request;
    private final RegistryService registry;
    private final V2AccessGate gate;
    private final Kind kind;
    private final SerialExecutor serial;
    private final UploadFlowControl flow;
    /** Advertised on the answer to a START that opens a session, when above 0. */
    private final long chunkMinLength;
    /** Set on the event loop when the body has ended; read off the loop by an early answer. */
    private volatile boolean complete;
    /** Pieces of the body received on the event loop and not yet handed to the writer. */
    private List<ByteBuf> batch = new ArrayList<>();
    private long batchBytes;
    /** Set (off the loop) once the exchange has answered early: the rest of the body is dropped as it comes. */
    private volatile boolean abandoned;
    /**
     * Set (off the loop) once the request has been let in or refused: until then the connection does not read,
     * so that the body of a caller who may not upload is not taken in while its credentials are checked.
     */
    private volatile boolean prepared;

    // Touched only by tasks on `serial`, which run one at a time in order.
    private BlobUpload upload;
    /** What the session held before this request: a body that breaks off is cut back to it. */
    private long sizeBefore;
    private boolean acquired;
    private Digest digest;
    private BlobInfo mounted;
    private Throwable failure;
    private boolean done;

    public UploadExchange(RequestContext request, RegistryService registry, V2AccessGate gate, Kind kind, Executor blocking,
                          Runnable onPause, UploadBuffers buffers, long chunkMinLength) {
        this.request = request;
        this.chunkMinLength = chunkMinLength;
        this.registry = registry;
        this.gate = gate;
        this.kind = kind;
        this.serial = new SerialExecutor(blocking);
        this.flow = buffers.open(request::resumeReading, onPause);
        serial.execute(this::prepare);
    }

    private void prepare() {
        try {
            prepareSession();
        } finally {
            prepared = true;
            request.resumeReading();
        }
    }

    private void prepareSession() {
        V2Route route = request.route();
        RepositoryName repository = route.repository();
        try {
            gate.authorize(request, V2AccessGate.Need.PUSH);
            if (kind == Kind.START) {
                String announced = RegistryService.digestAlgorithm(route.param("digest-algorithm"));
                if (tryMount(repository, route)) {
                    return;
                }
                Optional<Digest> unmounted = Optional.ofNullable(route.param("mount")).flatMap(Digest::tryParse);
                String monolithic = route.param("digest");
                digest = monolithic == null ? null : blobDigest(monolithic);
                // The session hashes as the blob will be named: by the monolithic digest, else by the blob a
                // failed mount named, else as announced (?digest-algorithm=, SHA-256 by default).
                String algorithm = digest != null ? digest.algorithm()
                        : unmounted.isPresent() && route.param("digest-algorithm") == null ? unmounted.get().algorithm()
                        : announced;
                upload = registry.startUpload(repository, request.actor(), algorithm);
                acquired = upload.tryAcquire();
            } else {
                upload = registry.upload(repository, route.segment());
                if (!upload.tryAcquire()) {
                    throw RegistryException.uploadInvalid("another request is writing to this upload");
                }
                acquired = true;
                sizeBefore = upload.size();
                checkContentRange();
                if (kind == Kind.COMPLETE) {
                    String expected = route.param("digest");
                    if (expected == null) {
                        throw RegistryException.digestInvalid("the closing PUT needs ?digest=");
                    }
                    digest = blobDigest(expected);
                }
            }
            if (kind == Kind.APPEND) {
                // A chunk leaves the session open: resumable after a restart however far its body gets.
                upload.keepAcrossRestarts();
            }
            long declared = HttpUtil.getContentLength(request.request(), -1L);
            if (declared > 0) {
                // Refused here, before a byte of the body is read, when the declared body cannot fit the quota.
                registry.reserve(upload, upload.size() + declared);
            }
            request.continueIfExpected();
        } catch (Throwable t) {
            failure = t;
            answerFailureEarly();
        }
    }

    /** The {@code ?digest=} the blob is to be stored under, refused now if it cannot be, before any body is taken. */
    private Digest blobDigest(String value) {
        Digest parsed = Digest.parse(value);
        registry.checkBlobDigest(parsed);
        return parsed;
    }

    /**
     * Mounts the blob when the request asks for it and the caller may pull from the source; false when the
     * client is to get an ordinary upload session instead.
     */
    private boolean tryMount(RepositoryName repository, V2Route route) {
        String mount = route.param("mount");
        if (mount == null) {
            return false;
        }
        String from = route.param("from");
        RepositoryName source = from == null ? null : RepositoryName.parse(from);
        if (source != null && !gate.mayPull(request, source.registry())) {
            return false;
        }
        Optional<BlobInfo> linked = registry.mount(repository, Digest.parse(mount), source,
                name -> gate.mayPull(request, name.registry()));
        linked.ifPresent(blob -> mounted = blob);
        return linked.isPresent();
    }

    /**
     * Answers a refused upload at once rather than after its body: the rest of the body is then read and
     * dropped by the connection, and nothing of it is written.
     */
    private void answerFailureEarly() {
        done = true;
        abandoned = true;
        flow.close();
        // The batch belongs to the event loop: let it go there (pieces that arrive later are dropped on arrival).
        request.channelContext().executor().execute(this::dropBatch);
        abandonSession(failure);
        releaseSession();
        if (!complete && HttpUtil.getContentLength(request.request(), -1L) != 0) {
            // Whatever is left of the body would be read and dropped for as long as the client sends it.
            request.closeAfterAnswer();
        }
        request.fail(failure);
    }

    private void checkContentRange() {
        String header = request.request().headers().get(HttpHeaderNames.CONTENT_RANGE);
        if (header == null) {
            return;
        }
        ChunkRange range = ChunkRange.parse(header);
        registry.checkChunkStart(upload, range.start());
        long declaredLength = HttpUtil.getContentLength(request.request(), -1L);
        if (range.end() < range.start() || (declaredLength >= 0 && declaredLength != range.end() - range.start() + 1)) {
            throw new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE,
                    "Content-Range " + header + " does not match Content-Length " + declaredLength);
        }
    }

    @Override
    public void content(HttpContent content) {
        ByteBuf bytes = content.content();
        int length = bytes.readableBytes();
        if (abandoned) {
            length = 0;
        }
        boolean paused = false;
        if (length > 0) {
            batch.add(bytes.retain());
            batchBytes += length;
            paused = flow.submitted(length);
        }
        content.release();
        boolean last = content instanceof LastHttpContent;
        // A paused connection holds no batch back: its writer must be able to bring it below the low mark alone.
        if (batchBytes > 0 && (last || paused || batchBytes >= Math.min(BATCH_BYTES, flow.highWaterMark() / 2))) {
            List<ByteBuf> pieces = batch;
            long total = batchBytes;
            batch = new ArrayList<>();
            batchBytes = 0;
            serial.execute(() -> append(pieces, total));
        }
        if (last) {
            complete = true;
            flow.close();
            serial.execute(this::finish);
        }
    }

    /**
     * Writes one batch of the body's pieces in one gathering append. The pieces are let go (and count as
     * written for flow control) once the storage no longer reads them, which may be after this returns:
     * the next batch's write overlaps this one's hashing.
     */
    private void append(List<ByteBuf> pieces, long length) {
        Runnable letGo = () -> {
            pieces.forEach(ByteBuf::release);
            flow.written(length);
        };
        if (failure != null || done || upload == null || mounted != null) {
            letGo.run();
            return;
        }
        try {
            registry.reserve(upload, upload.size() + length);
            List<ByteBuffer> views = new ArrayList<>(pieces.size());
            for (ByteBuf piece : pieces) {
                Collections.addAll(views, piece.nioBuffers());
            }
            upload.append(views.toArray(ByteBuffer[]::new)).whenComplete((ignored, error) -> letGo.run());
        } catch (Throwable t) {
            letGo.run();
            failure = t;
            answerFailureEarly();
        }
    }

    @Override
    public void bodyMalformed() {
        dropBatch();
        flow.close();
        complete = true;
        serial.execute(this::refuseMalformedBody);
    }

    /**
     * The body broke off unreadably, so what arrived of it cannot be trusted to be what the client sent:
     * nothing of it may stay in the session (the client resumes from the size it knew), and the client
     * hears why. Runs after the appends of the pieces before the break.
     */
    private void refuseMalformedBody() {
        if (done) {
            return;
        }
        failure = RegistryException.uploadInvalid("the chunked request body is malformed; nothing of it was kept");
        if (upload != null && mounted == null) {
            try {
                upload.truncate(sizeBefore);
            } catch (Throwable t) {
                failure = t;
            }
        }
        answerFailureEarly();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        RepositoryName repository = request.route().repository();
        FullHttpResponse answer;
        try {
            if (failure != null) {
                throw failure;
            }
            if (mounted != null) {
                answer = UploadResponses.created(repository, mounted);
            } else if (digest != null) {
                answer = UploadResponses.created(repository, registry.completeUpload(upload, digest));
            } else if (kind == Kind.START) {
                answer = UploadResponses.opened(upload, chunkMinLength);
            } else {
                answer = UploadResponses.inProgress(HttpResponseStatus.ACCEPTED, upload);
            }
        } catch (Throwable t) {
            abandonSession(t);
            releaseSession();
            request.fail(t);
            return;
        }
        // Released before answering: a client sends its next chunk as soon as it reads the answer.
        releaseSession();
        request.respond(answer);
    }

    /**
     * Drops the session, with its quota reservation, when the request failed and the session must not outlive
     * it: one this request opened (its client never learned its location, so only the expiry would end it,
     * holding a place under the session caps until then), or one a full disk refused to grow (its partial
     * data would hold space the metadata store and other uploads need, and its reservation would block the
     * registry's other pushes; the client starts again once space is freed).
     */
    private void abandonSession(Throwable failure) {
        boolean opened = kind == Kind.START;
        boolean diskFull = failure instanceof RegistryException e && e.problem() == Problem.STORAGE_FULL;
        if (upload != null && (opened || diskFull)) {
            try {
                registry.cancelUpload(upload);
            } catch (RuntimeException ignored) {
                // already gone (a digest mismatch drops the session); its reservation was released
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
        return !prepared || flow.paused();
    }

    private void dropBatch() {
        batch.forEach(ByteBuf::release);
        batch.clear();
        batchBytes = 0;
    }

    @Override
    public void channelClosed() {
        dropBatch();
        flow.close();
        serial.execute(() -> {
            if (!done) {
                done = true;
                abandonSession(null);
                releaseSession();
            }
        });
    }
}
