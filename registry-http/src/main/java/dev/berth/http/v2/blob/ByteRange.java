package dev.berth.http.v2.blob;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The window of a blob a {@code Range: bytes=...} header asks for: {@code a-b}, {@code a-} or the suffix
 * {@code -n}. Multiple ranges are not supported; a range that is malformed or lies outside the blob has
 * no window, and is answered with 416.
 */
record ByteRange(long start, long length, boolean partial) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** The window asked for, the whole blob without a header, or empty when the header cannot be served. */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.of(new ByteRange(0, size, false));
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            long start;
            long end;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    return Optional.empty();
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            if (start >= size || end < start) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(start, end - start + 1, true));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    String contentRange(long size) {
        return "bytes " + start + '-' + (start + length - 1) + '/' + size;
    }

    /** The {@code Content-Range} of a 416 (RFC 9110, 15.5.17): the blob's whole size, for the client to ask again. */
    static String unsatisfied(long size) {
        return "bytes */" + size;
    }
}
