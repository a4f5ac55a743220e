package dev.berth.http.v2.blob;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The window of a blob a {@code Range: bytes=...} header asks for: {@code a-b}, {@code a-} or the suffix
 * {@code -n}. Multiple ranges are not supported; an unsatisfiable range is a 416.
 */
record ByteRange(long start, long length, boolean partial) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    static ByteRange parse(String header, long size) {
        if (header == null) {
            return new ByteRange(0, size, false);
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable(header, size);
        }
        try {
            long start;
            long end;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    throw unsatisfiable(header, size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            if (start >= size || end < start) {
                throw unsatisfiable(header, size);
            }
            return new ByteRange(start, end - start + 1, true);
        } catch (NumberFormatException e) {
            throw unsatisfiable(header, size);
        }
    }

    String contentRange(long size) {
        return "bytes " + start + '-' + (start + length - 1) + '/' + size;
    }

    private static OciException unsatisfiable(String header, long size) {
        return new OciException(OciErrorCode.RANGE_NOT_SATISFIABLE, "range " + header + " not satisfiable for " + size + " bytes");
    }
}
