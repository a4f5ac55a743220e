package dev.berth.http.route;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/** A request refused before its body is read: the body is drained and the error answered at its end. */
final class RejectedExchange implements Exchange {
    private final RequestContext request;
    private final RuntimeException error;
    private boolean complete;

    RejectedExchange(RequestContext request, RuntimeException error) {
        this.request = request;
        this.error = error;
    }

    @Override
    public void content(HttpContent content) {
        content.release();
        if (content instanceof LastHttpContent) {
            complete = true;
            request.fail(error);
        }
    }

    @Override
    public void bodyMalformed() {
        complete = true;
        request.fail(error);
    }

    @Override
    public boolean bodyComplete() {
        return complete;
    }

    @Override
    public void channelClosed() {
    }
}
