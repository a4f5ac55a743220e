package dev.berth.management;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code host[:port]} that clients put before image names ({@code HOST/acme/app:1}), which the API shows in
 * each registry's {@code url}: the configured public address ({@code --public-url}) when there is one, else
 * the {@code Host} the client addressed when that is a valid {@code host[:port]}, else where the server
 * listens. A Host header is the client's to choose, so it is shown only when it is well-formed: an answer
 * must not carry whatever text a caller put there.
 */
public final class PublicAddress {
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_PORT = Pattern.compile(
            "(?:" + LABEL + "(?:\\." + LABEL + ")*\\.?|\\[[0-9A-Fa-f:.]+])(?::([0-9]{1,5}))?");
    private static final int MAX_LENGTH = 255;

    private final String configured;
    private final String listening;

    private PublicAddress(String configured, String listening) {
        this.configured = configured;
        this.listening = listening;
    }

    /**
     * @param configured the operator's public address, as {@link #parse} reads it, or null for none
     * @param listening where the server listens, as {@code host:port}: the last resort
     */
    public static PublicAddress of(String configured, String listening) {
        return new PublicAddress(configured == null ? null : parse(configured), listening);
    }

    /** The address to show to a client that sent {@code hostHeader} (null when it sent none). */
    public String forRequest(String hostHeader) {
        if (configured != null) {
            return configured;
        }
        String host = hostHeader == null ? null : hostHeader.trim();
        return host != null && isHostPort(host) ? host : listening;
    }

    /**
     * Reads a configured public address: {@code host}, {@code host:port}, {@code [v6]:port}, optionally as an
     * {@code http(s)://} URL with nothing after the address but a {@code /}.
     *
     * @throws IllegalArgumentException naming what is wrong, for the operator
     */
    public static String parse(String value) {
        String address = value.trim();
        String lower = address.toLowerCase(Locale.ROOT);
        for (String scheme : new String[] {"https://", "http://"}) {
            if (lower.startsWith(scheme)) {
                address = address.substring(scheme.length());
            }
        }
        if (address.endsWith("/")) {
            address = address.substring(0, address.length() - 1);
        }
        if (!isHostPort(address)) {
            throw new IllegalArgumentException("not a host or host:port (such as registry.example.com or "
                    + "registry.example.com:5000): " + value);
        }
        return address;
    }

    static boolean isHostPort(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        var matcher = HOST_PORT.matcher(value);
        if (!matcher.matches()) {
            return false;
        }
        String port = matcher.group(1);
        return port == null || (Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535);
    }
}
