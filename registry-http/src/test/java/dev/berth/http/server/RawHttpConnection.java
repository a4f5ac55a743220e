package dev.berth.http.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One client connection speaking HTTP/1.1 by hand, to see exactly what the server sends and when it closes. */
final class RawHttpConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    RawHttpConnection(InetAddress from, InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(server, 10_000);
        in = socket.getInputStream();
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The next response head (status line and headers), lower-cased, without its body. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    /** Reads the body of the given head, by its Content-Length. */
    String readBody(String head) throws IOException {
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** True once the server has closed its side: the next read finds the end of the stream. */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
