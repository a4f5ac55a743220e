package dev.berth.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One connection to the server speaking HTTP/1.1 by hand over a plain socket, for what
 * {@link java.net.http.HttpClient} refuses to send or hides from its caller:
 * <ul>
 *   <li>malformed requests: a raw {@code %} in the request target, a chunked body with a broken chunk-size line;</li>
 *   <li>a request head sent alone, to see what the server answers before the body ({@code 100 Continue}, or a
 *       refusal such as 401 or 413), then the body or nothing;</li>
 *   <li>whether the server keeps the connection usable after an answer, or closes it.</li>
 * </ul>
 * It may connect from another loopback address than 127.0.0.1, to be counted apart from the test's other clients.
 */
public final class RawHttp implements AutoCloseable {

    /** How long a connect or a read may wait before the test fails: far longer than any answer the tests expect. */
    private static final int TIMEOUT_MILLIS = 15_000;

    private final RegistryProcess server;
    private final String authorization;
    private final Socket socket;
    private final InputStream in;
    /** Whether the request last sent was a HEAD, whose answer has no body whatever its Content-Length says. */
    private boolean lastWasHead;

    /**
     * One parsed answer.
     *
     * @param head    the status line and header lines as the server sent them, without the empty line
     * @param headers the headers by lower-case name
     */
    public record Answer(String head, int status, Map<String, String> headers, byte[] body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The server announced that it closes the connection after this answer. */
        public boolean closes() {
            return header("Connection").map(v -> v.equalsIgnoreCase("close")).orElse(false);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /** A connection whose requests carry the server's admin credentials for {@code /v2}. */
    public RawHttp(RegistryProcess server) {
        this(server, server.authorizationHeader());
    }

    /** A connection whose requests carry {@code Authorization: <authorization>}, or none when it is null. */
    public RawHttp(RegistryProcess server, String authorization) {
        this(server, authorization, null);
    }

    /**
     * A connection from the loopback address {@code fromAddress} (such as {@code 127.0.0.2}; null lets the system
     * choose) whose requests carry {@code Authorization: <authorization>}, or none when it is null.
     */
    public RawHttp(RegistryProcess server, String authorization, String fromAddress) {
        this.server = server;
        this.authorization = authorization;
        this.socket = new Socket();
        try {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            if (fromAddress != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
            }
            socket.connect(new InetSocketAddress(server.baseUri().getHost(), server.port()), TIMEOUT_MILLIS);
            this.in = socket.getInputStream();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The head of a request with {@code Host}, this connection's {@code Authorization} and the given
     * {@code name: value} header lines, ending with the empty line.
     */
    public String head(String method, String target, String... headerLines) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(server.baseUri().getAuthority()).append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** Sends a request without a body (the target's characters as UTF-8) and reads its answer. */
    public Answer send(String method, String target, String... headerLines) {
        return send(head(method, target, headerLines).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request head and a body with its {@code Content-Length}, and reads the answer. */
    public Answer send(String method, String target, byte[] body, String... headerLines) {
        String[] lines = Arrays.copyOf(headerLines, headerLines.length + 1);
        lines[headerLines.length] = "Content-Length: " + body.length;
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head(method, target, lines).getBytes(StandardCharsets.UTF_8));
        request.writeBytes(body);
        return send(request.toByteArray());
    }

    /**
     * Sends the bytes as they are (a whole request, or the body of one whose head went alone) and reads one
     * answer; fails if none comes within the timeout.
     */
    public Answer send(byte[] request) {
        write(request);
        lastWasHead = new String(request, 0, Math.min(5, request.length), StandardCharsets.US_ASCII).equals("HEAD ");
        return read();
    }

    /**
     * Sends only the head of a request, as {@link #head} makes it, and reads nothing: the test then {@link #read}s
     * what the server answers to the head alone (with {@code Expect: 100-continue}, an interim {@code 100 Continue}
     * or a refusal), and {@link #send(byte[]) sends} the body or not.
     */
    public void sendHead(String method, String target, String... headerLines) {
        write(head(method, target, headerLines).getBytes(StandardCharsets.UTF_8));
        lastWasHead = method.equals("HEAD");
    }

    /**
     * Reads the next answer, an interim {@code 1xx} one included; fails if none comes within the timeout. An answer
     * to HEAD, a 1xx, a 204 and a 304 have no body whatever their Content-Length says.
     */
    public Answer read() {
        try {
            String head = readHead();
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            boolean bodiless = lastWasHead || status < 200 || status == 204 || status == 304;
            int length = bodiless ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Answer(head, status, headers, in.readNBytes(length));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + TIMEOUT_MILLIS + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException("no answer: " + e, e);
        }
    }

    /** The status line and headers, without the empty line. */
    private String readHead() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            buf.write(c);
            if (c == '\n' && buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return buf.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            }
        }
        throw new AssertionError(buf.size() == 0 ? "the server closed the connection without an answer"
                : "the server closed the connection after " + buf.toString(StandardCharsets.ISO_8859_1));
    }

    /**
     * Waits for the server to close the connection: true when it did, false when it sent something instead.
     * A reset counts as a close: it is what the server's side sends when it closes with request bytes still unread.
     * Fails if the server does neither within the timeout; a connection left open is not a closed one.
     */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither closed the connection nor sent anything within "
                    + TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not send: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the test is over with this connection either way
        }
    }
}
