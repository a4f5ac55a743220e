package dev.berth.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;

/** What an embedded server channel has written, as text, for tests that read its raw HTTP answers. */
final class OutboundText {
    private OutboundText() {
    }

    /** Everything written since the last call, in order; the buffers are released. */
    static String drain(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        ByteBuf bytes;
        while ((bytes = channel.readOutbound()) != null) {
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        return text.toString();
    }
}
