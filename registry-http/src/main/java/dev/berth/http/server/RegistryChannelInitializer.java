package dev.berth.http.server;

import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RegistryRequestHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Assembles a connection's pipeline, one concern per handler: TLS when configured, the HTTP codec, the read
 * timeouts, keep-alive, chunked writes (file downloads under TLS), and the registry. A connection over the
 * caps gets only what it takes to answer it 503 ({@link ConnectionRefusal}). No aggregator and no automatic
 * {@code 100 Continue}: the routes decide per request whether a body is aggregated (small, capped) or
 * streamed to disk (blobs), and a route answers {@code 100 Continue} only once it knows it will take the
 * body (authorized; for an upload, within quota too).
 */
final class RegistryChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final ExchangeFactory exchanges;
    private final InFlightRequests inFlight;
    private final SslContext tls;
    private final ConnectionLimits limits;
    private final ConnectionLimiter limiter;

    /** @param tls the server's TLS context, or null for plain HTTP */
    RegistryChannelInitializer(ExchangeFactory exchanges, InFlightRequests inFlight, SslContext tls, ConnectionLimits limits) {
        this.exchanges = exchanges;
        this.inFlight = inFlight;
        this.tls = tls;
        this.limits = limits;
        this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress());
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        inFlight.track(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("lingering-close", new LingeringClose());
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        }
        if (!limiter.admit(channel)) {
            pipeline.addLast("http-encoder", new HttpResponseEncoder());
            pipeline.addLast("refusal", new ConnectionRefusal());
            return;
        }
        pipeline.addLast("http", HttpCodecs.serverCodec());
        pipeline.addLast("read-timeouts", new RequestReadTimeouts(limits));
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("chunked-write", new ChunkedWriteHandler());
        pipeline.addLast("registry", new RegistryRequestHandler(inFlight.counting(exchanges)));
    }
}
