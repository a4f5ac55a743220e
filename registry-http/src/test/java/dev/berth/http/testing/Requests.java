package dev.berth.http.testing;

import java.util.Random;

/** Requests written by hand, as a client puts them on the wire. */
public final class Requests {
    private Requests() {
    }

    /**
     * A request head: the request line, {@code Host}, {@code Authorization} when given (null for an anonymous
     * caller) and the other header lines given.
     */
    public static String head(String method, String uri, String authorization, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(uri).append(" HTTP/1.1\r\nHost: registry\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** Bytes that are the same on every run, and unlike their neighbours (a digest catches a piece out of place). */
    public static byte[] body(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
