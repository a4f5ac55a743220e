package dev.berth.http.server;

import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RegistryRequestHandler;
import dev.berth.http.route.V2Router;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Assembles a connection's pipeline, one concern per handler. No aggregator: {@link RegistryRequestHandler}
 * decides per route whether a body is aggregated (small, capped) or streamed to disk (blobs).
 */
final class RegistryChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_CHUNK_BYTES = 1024 * 1024;

    private final V2Router router = new V2Router();
    private final ExchangeFactory exchanges;
    private final InFlightRequests inFlight;

    RegistryChannelInitializer(ExchangeFactory exchanges, InFlightRequests inFlight) {
        this.exchanges = exchanges;
        this.inFlight = inFlight;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        inFlight.track(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK_BYTES));
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
        pipeline.addLast("chunked-write", new ChunkedWriteHandler());
        pipeline.addLast("registry", new RegistryRequestHandler(router, inFlight.counting(exchanges)));
    }
}
