package dev.berth.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for requests that {@link java.net.http.HttpClient} refuses to send: a raw
 * {@code %} in the request target, a chunked body with a broken chunk-size line. One connection per
 * instance, so that a test can also see whether the server keeps it usable after an answer.
 */
public final class RawHttp implements AutoCloseable {

    private static final int ANSWER_TIMEOUT_MILLIS = 10_000;

    private final RegistryProcess server;
    private final String authorization;
    private final Socket socket;
    private final InputStream in;

    /** One parsed answer; header names are lower case. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
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

    /** A connection whose requests carry {@code Authorization: <authorization>}. */
    public RawHttp(RegistryProcess server, String authorization) {
        this.server = server;
        this.authorization = authorization;
        try {
            this.socket = new Socket(server.baseUri().getHost(), server.port());
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            this.in = socket.getInputStream();
        } catch (IOException e) {
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
                .append("Host: ").append(server.baseUri().getAuthority()).append("\r\n")
                .append("Authorization: ").append(authorization).append("\r\n");
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

    /** Sends the bytes as they are and reads one answer; fails if none comes within 10 s. */
    public Answer send(byte[] request) {
        try {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(new String(request, 0, Math.min(5, request.length), StandardCharsets.US_ASCII).equals("HEAD "));
        } catch (IOException e) {
            throw new UncheckedIOException("no answer: " + e, e);
        }
    }

    /** Reads one answer; an answer to HEAD, a 204 and a 304 have no body whatever their Content-Length says. */
    private Answer read(boolean toHead) throws IOException {
        String head;
        try {
            head = readHead();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT_MILLIS + " ms", e);
        }
        if (head.isEmpty()) {
            throw new AssertionError("the server closed the connection without an answer");
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        boolean bodiless = toHead || status == 204 || status == 304;
        int length = bodiless ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Answer(status, headers, in.readNBytes(length));
    }

    /** The status line and headers, without the empty line; empty when the connection closed first. */
    private String readHead() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            buf.write(c);
            if (buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return buf.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            }
        }
        return "";
    }

    /** True when the server has closed the connection (reads end of stream within the timeout). */
    public boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
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
