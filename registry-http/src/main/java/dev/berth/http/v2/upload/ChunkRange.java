package dev.berth.http.v2.upload;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a chunk says it carries, from its {@code Content-Range: <start>-<end>} header (an optional
 * {@code bytes} unit and {@code /<total>} are tolerated, as clients send them). Anything else is a 416.
 */
record ChunkRange(long start, long end) {
    /**
     * At most 18 digits per bound: every such number fits a {@code long}, and no upload is anywhere near
     * 10^18 bytes, so a longer bound is refused as malformed rather than overflowing.
     */
    private static final Pattern HEADER = Pattern.compile("(?:bytes[ =])?(\\d{1,18})-(\\d{1,18})(?:/\\S+)?");

    static ChunkRange parse(String header) {
        Matcher m = HEADER.matcher(header.trim());
        if (!m.matches()) {
            throw new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE, "malformed Content-Range: " + header);
        }
        return new ChunkRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }
}
