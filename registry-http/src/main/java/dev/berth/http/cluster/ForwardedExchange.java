package dev.berth.http.cluster;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.RequestContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * One request relayed to the node that holds its upload session, and that node's answer relayed back. The body
 * streams through as it arrives, with the client's connection paused while the other node's is not writable,
 * so a relayed upload holds no more of its bytes in memory than a local one. Runs on the client connection's
 * event loop, which also drives the connection to the other node: nothing here is shared between threads.
 */
final class ForwardedExchange implements Exchange {
    private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
    /** Body pieces kept while the connection to the other node opens; the client's connection pauses beyond. */
    private static final int MAX_WAITING_PIECES = 16;

    private final RequestContext request;
    private final String node;
    private final String address;
    private final Deque<HttpContent> waiting = new ArrayDeque<>();
    private Channel upstream;
    private boolean bodyComplete;
    /** The relay is over: answered in full, failed, or the client gone. */
    private boolean ended;

    ForwardedExchange(RequestContext request, String node, String address, String self, SslContext tls) {
        this.request = request;
        this.node = node;
        this.address = address;
        Channel client = request.channelContext().channel();
        int colon = address.lastIndexOf(':');
        // An IPv6 address comes in brackets ([::1]:5000), which a socket address does not take.
        String host = address.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
        int port = Integer.parseInt(address.substring(colon + 1));
        HttpRequest head = head(request, self);
        new Bootstrap().group(client.eventLoop()).channel(client.getClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), host, port));
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), new AnswerRelay());
                    }
                })
                .connect(host, port)
                .addListener((ChannelFuture connected) -> {
                    if (connected.isSuccess()) {
                        connected(connected.channel(), head);
                    } else {
                        unreachable(connected.cause());
                    }
                });
    }

    /** The request's head as the other node gets it: hop-by-hop headers dropped, the forwarding node named. */
    private static HttpRequest head(RequestContext request, String self) {
        HttpRequest original = request.request();
        HttpHeaders headers = original.headers().copy();
        headers.remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE).remove(HttpHeaderNames.UPGRADE)
                .remove(HttpHeaderNames.TE).remove(HttpHeaderNames.TRAILER)
                .set(UploadForwarding.FORWARDED_BY, self)
                .add("X-Forwarded-For", request.clientAddress());
        return new DefaultHttpRequest(original.protocolVersion(), original.method(), original.uri(), headers);
    }

    private void connected(Channel channel, HttpRequest head) {
        if (ended) {
            channel.close();
            return;
        }
        upstream = channel;
        upstream.write(head);
        while (!waiting.isEmpty()) {
            upstream.write(waiting.poll());
        }
        upstream.flush();
        request.resumeReading();
    }

    private void unreachable(Throwable cause) {
        if (ended) {
            return;
        }
        end();
        request.fail(new RegistryException(OciErrorCode.BLOB_UPLOAD_UNKNOWN, "the node that holds this upload ("
                + node + " at " + address + ") does not answer (" + cause.getMessage() + "); start the upload again",
                Map.of("node", node)));
    }

    @Override
    public void content(HttpContent content) {
        if (content instanceof LastHttpContent) {
            bodyComplete = true;
        }
        if (ended) {
            content.release();
        } else if (upstream == null) {
            waiting.add(content);
        } else {
            upstream.writeAndFlush(content);
        }
    }

    @Override
    public boolean bodyComplete() {
        return bodyComplete;
    }

    @Override
    public boolean paused() {
        return upstream == null ? waiting.size() >= MAX_WAITING_PIECES : !upstream.isWritable();
    }

    @Override
    public void bodyMalformed() {
        bodyComplete = true;
        if (!ended) {
            end();
            request.fail(new RegistryException(OciErrorCode.BLOB_UPLOAD_INVALID, "the request body is malformed"));
        }
    }

    @Override
    public void channelClosed() {
        end();
    }

    private void end() {
        ended = true;
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Relays the other node's answer to the client; an answer cut short cuts the client's connection. */
    private final class AnswerRelay extends ChannelInboundHandlerAdapter {
        private boolean headRelayed;
        private boolean skipInterimEnd;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ended) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.status().equals(HttpResponseStatus.CONTINUE)) {
                    // The other node takes the body: the client may send it. The decoder ends the interim answer.
                    skipInterimEnd = true;
                    request.continueIfExpected();
                } else {
                    response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE);
                    headRelayed = request.relayHead(response);
                    if (!headRelayed) {
                        end();
                    }
                }
            }
            if (msg instanceof HttpContent content) {
                if (skipInterimEnd) {
                    skipInterimEnd = !(content instanceof LastHttpContent);
                    content.release();
                } else if (!headRelayed) {
                    content.release();
                } else {
                    request.relayContent(content);
                    if (content instanceof LastHttpContent) {
                        ended = true;
                        ctx.close();
                    }
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                request.resumeReading();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ended) {
                return;
            }
            end();
            if (headRelayed) {
                request.channelContext().close();
            } else {
                request.fail(new RegistryException(OciErrorCode.BLOB_UPLOAD_UNKNOWN, "the node that holds this upload ("
                        + node + " at " + address + ") closed the connection before it answered; start the upload again",
                        Map.of("node", node)));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
