package dev.berth.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One connection to the server speaking HTTP/1.1 by hand, for what an HTTP client library hides: interim
 * {@code 100 Continue} answers, answers before the body is sent, and when the server closes the connection.
 * It may connect from another loopback address than 127.0.0.1, to be counted apart from the test's other clients.
 */
final class RawConnection implements AutoCloseable {
    /** How long a read may wait before the test fails: far longer than any answer the tests expect. */
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final String host;

    RawConnection(URI server, String fromAddress) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), READ_TIMEOUT_MILLIS);
        in = socket.getInputStream();
        host = server.getHost() + ":" + server.getPort();
    }

    /** Sends a request head: the request line, {@code Host}, the given header lines, and the blank line. */
    void sendHead(String requestLine, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: ").append(host).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        send(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next answer's head (status line and headers) lower-cased, without its body. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    /** The body of the answer with this head, by its {@code Content-Length}. */
    String readBody(String head) throws IOException {
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Waits for the server to close the connection; true when it did, false when it sent something instead. */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
