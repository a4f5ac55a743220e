package dev.berth.management.route;

import dev.berth.core.error.RegistryException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a raw request path into percent-decoded segments.
 *
 * <p>The split happens before decoding, so {@code team%2Fapp} stays one segment whose value is
 * {@code team/app}, while {@code team/app} is two; {@link PathTemplate} joins a repository's segments
 * either way. A {@code +} is kept as is: it means a space only in a query string. One trailing slash is
 * ignored; an empty segment elsewhere matches no route.
 */
public final class RequestPath {
    private RequestPath() {
    }

    /** The decoded segments; empty when the path has an empty segment (it then matches nothing). */
    public static List<String> segments(String rawPath) {
        String path = rawPath;
        if (path.isEmpty() || path.charAt(0) != '/') {
            return List.of();
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.substring(1).split("/", -1)) {
            if (raw.isEmpty()) {
                return List.of();
            }
            segments.add(decode(raw));
        }
        return segments;
    }

    /** Percent-decodes one segment as UTF-8; a broken escape or invalid UTF-8 is a 400. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw malformed();
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                int codePoint = raw.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed();
        }
    }

    private static RegistryException malformed() {
        return RegistryException.malformed("INVALID_PATH", "the request path has a malformed percent-encoding");
    }
}
