package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Generators of input a registry must refuse or serve but never fail on (for {@link HostileInputFuzzTest}):
 * request targets, repository names, references, digests, byte ranges and JSON documents, each a mix of the
 * well-formed, the nearly well-formed and the plainly hostile.
 */
final class HostileInputs {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NAME_CHARS = "abcz019._-/";
    /** Characters of a raw request target: printable ASCII but space, with {@code %} for escapes good or broken. */
    private static final String TARGET_CHARS = NAME_CHARS + "ABZ%:@+~!$&'()*,;=[]{}|\\^`\"<>#?";
    private static final List<String> NUMBERS = List.of("0", "1", "63", "64", "65", "-1", "2147483647", "2147483648",
            "9223372036854775807", "9223372036854775808", "99999999999999999999999", "007", "1e3", "");
    private static final String HEX = "0123456789abcdef";

    private HostileInputs() {
    }

    /** Byte positions: small ones that fall inside a test blob, and edge values of every integer type. */
    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.of(NUMBERS), Arbitraries.integers().between(0, 80).map(String::valueOf));
    }

    /** Repository names: valid, nearly valid (upper case, doubled separators, too long) and raw junk with escapes. */
    static Arbitrary<String> repositoryNames() {
        Arbitrary<String> component = Arbitraries.strings().withChars("abcz019").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> separator = Arbitraries.of(".", "_", "__", "-", "--", "/", "//", "..", "-/", "");
        Arbitrary<String> nearlyValid = Combinators.combine(component, separator, component, separator, component)
                .as((a, s1, b, s2, c) -> a + s1 + b + s2 + c);
        return Arbitraries.frequencyOf(
                Tuple.of(4, nearlyValid),
                Tuple.of(4, Arbitraries.strings().withChars(TARGET_CHARS).ofMinLength(1).ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withChars("éü日\u00a0").ofMinLength(1).ofMaxLength(4).map(s -> "library/" + s)),
                Tuple.of(1, Arbitraries.integers().between(250, 300).map(n -> "library/" + "a".repeat(n - 8))));
    }

    /** Digests: valid SHA-256, wrong lengths and cases, other algorithms, and junk. */
    static Arbitrary<String> digests() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, hex(64).map(h -> "sha256:" + h)),
                Tuple.of(1, hex(128).map(h -> "sha512:" + h)),
                Tuple.of(2, Arbitraries.integers().between(0, 130).flatMap(HostileInputs::hex)
                        .flatMap(h -> Arbitraries.of("sha256:", "sha512:", "md5:", "SHA256:", "sha256+b64:", ":", "")
                                .map(algorithm -> algorithm + h))),
                Tuple.of(1, hex(64).map(h -> "sha256:" + h.toUpperCase())),
                Tuple.of(2, Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(80)));
    }

    /** Manifest references: tags valid and not, and digests. */
    static Arbitrary<String> references() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().withChars("aZ09_.-").ofMinLength(1).ofMaxLength(130)),
                Tuple.of(2, digests()),
                Tuple.of(2, Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(40)));
    }

    /** Upload session ids: well-formed hex of the right and wrong lengths, and junk. */
    static Arbitrary<String> uploadIds() {
        return Arbitraries.oneOf(hex(32), Arbitraries.integers().between(0, 40).flatMap(HostileInputs::hex),
                Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(40));
    }

    /** A raw query string (without the {@code ?}): known and unknown keys with hostile values, escapes broken or not. */
    static Arbitrary<String> queries(String... keys) {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(6));
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of(NUMBERS), digests(), repositoryNames(),
                Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(30));
        return Combinators.combine(key, value).as((k, v) -> k + "=" + v).list().ofMaxSize(3)
                .map(pairs -> String.join("&", pairs).replace("#", "%23"));
    }

    /** {@code Range} headers of a blob download: satisfiable, unsatisfiable, malformed. */
    static Arbitrary<String> ranges() {
        Arbitrary<String> number = numbers();
        Arbitrary<String> unit = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just("bytes=")),
                Tuple.of(1, Arbitraries.of("bytes= ", "BYTES=", "items=", "bytes ", "")));
        return Arbitraries.oneOf(
                Combinators.combine(unit, number, number).as((u, a, b) -> u + a + "-" + b),
                Combinators.combine(number, number, number, number).as((a, b, c, d) -> "bytes=" + a + "-" + b + "," + c + "-" + d),
                Arbitraries.strings().withChars("bytes=-0123456789, */").ofMaxLength(24));
    }

    /** {@code Content-Range} headers of an upload chunk: right, out of order, overflowing and malformed. */
    static Arbitrary<String> contentRanges() {
        Arbitrary<String> number = numbers();
        Arbitrary<String> prefix = Arbitraries.of("", "bytes=", "bytes ", "items ");
        Arbitrary<String> total = Arbitraries.of("", "/*", "/10", "/-1", "/x");
        return Arbitraries.oneOf(
                Combinators.combine(prefix, number, number, total).as((p, a, b, t) -> p + a + "-" + b + t),
                Arbitraries.strings().withChars("bytes=-0123456789 */,").ofMaxLength(24));
    }

    /** A chunked request body and what it carries: {@code wellFormed} when every chunk-size line is right. */
    record ChunkedBody(byte[] bytes, int dataLength, boolean wellFormed) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".");
        }
    }

    /**
     * Chunked bodies of one to five chunks, each after a chunk-size line that is right (lower or upper case,
     * zero-padded, with an extension) or, now and then, one that no decoder can read (junk, past a long).
     * A right line always announces exactly the data that follows, so a body never leaves the server waiting.
     */
    static Arbitrary<ChunkedBody> chunkedBodies() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<IntFunction<String>> rightLine = Arbitraries.of(List.<IntFunction<String>>of(Integer::toHexString,
                n -> Integer.toHexString(n).toUpperCase(Locale.ROOT), n -> "00" + Integer.toHexString(n),
                n -> Integer.toHexString(n) + ";ext=1"));
        Arbitrary<String> brokenLine = Arbitraries.of("ZZ", "g", "0x10", "fffffffffffffffffffff", "xyz");
        return Combinators.combine(data.list().ofMinSize(1).ofMaxSize(5), rightLine, brokenLine,
                Arbitraries.integers().between(-8, 4)).as(HostileInputs::encodeChunks);
    }

    /** Encodes the pieces as chunks; the piece at {@code brokenAt} (if any: it may lie past the end) gets the broken line. */
    private static ChunkedBody encodeChunks(List<byte[]> pieces, IntFunction<String> rightLine, String brokenLine, int brokenAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = 0;
        for (int i = 0; i < pieces.size(); i++) {
            byte[] piece = pieces.get(i);
            String line = i == brokenAt ? brokenLine : rightLine.apply(piece.length);
            out.writeBytes((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(piece);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            length += piece.length;
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new ChunkedBody(out.toByteArray(), length, brokenAt < 0 || brokenAt >= pieces.size());
    }

    /** JSON documents of any shape, nesting up to {@code depth}, with keys drawn mostly from {@code vocabulary}. */
    static Arbitrary<JsonNode> json(int depth, List<String> vocabulary) {
        Arbitrary<JsonNode> leaf = leaves(vocabulary);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = json(depth - 1, vocabulary);
        Arbitrary<String> key = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(vocabulary)),
                Tuple.of(1, text(10)));
        Arbitrary<JsonNode> array = inner.list().ofMaxSize(4).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(key, inner).ofMaxSize(6).map(HostileInputs::object);
        return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(1, array), Tuple.of(3, object));
    }

    /** Strings, numbers (huge ones too), booleans and null, with values the vocabulary's fields expect. */
    private static Arbitrary<JsonNode> leaves(List<String> vocabulary) {
        return Arbitraries.oneOf(
                text(20).map(NODES::textNode),
                Arbitraries.of(vocabulary).map(NODES::textNode),
                Arbitraries.of("pull", "push", "2030-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "library",
                        Content.OCI_MANIFEST, Content.OCI_INDEX, Content.OCI_CONFIG, "").map(NODES::textNode),
                digests().map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.of(-1, 0, 1, 2, Integer.MAX_VALUE).map(NODES::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
    }

    private static JsonNode object(Map<String, JsonNode> fields) {
        ObjectNode o = NODES.objectNode();
        o.setAll(fields);
        return o;
    }

    /**
     * A valid document with one field set to any JSON value (or removed): input that passes the first checks
     * and reaches the deeper ones.
     */
    static Arbitrary<JsonNode> mutationsOf(JsonNode valid, List<String> vocabulary) {
        List<String> paths = new java.util.ArrayList<>();
        collectObjectPaths(valid, "", paths);
        Arbitrary<JsonNode> value = json(2, vocabulary).injectNull(0.2);
        return Combinators.combine(Arbitraries.of(paths), Arbitraries.of(vocabulary), value).as((path, field, v) -> {
            JsonNode copy = valid.deepCopy();
            ObjectNode target = (ObjectNode) copy.at(path);
            if (v == null) {
                target.remove(field);
            } else {
                target.set(field, v);
            }
            return copy;
        });
    }

    private static void collectObjectPaths(JsonNode node, String path, List<String> paths) {
        if (node.isObject()) {
            paths.add(path);
            node.fields().forEachRemaining(e -> collectObjectPaths(e.getValue(), path + "/" + e.getKey(), paths));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectObjectPaths(node.get(i), path + "/" + i, paths);
            }
        }
    }

    /** Body bytes: a generated JSON document as sent, cut short, or random bytes. */
    static Arbitrary<byte[]> bodies(Arbitrary<JsonNode> documents) {
        Arbitrary<byte[]> json = documents.map(Content::bytes);
        return Arbitraries.frequencyOf(
                Tuple.of(5, json),
                Tuple.of(1, Combinators.combine(json, Arbitraries.integers().between(0, 100))
                        .as((b, cut) -> Arrays.copyOf(b, Math.min(b.length, cut)))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
    }

    /** Any text of the Basic Multilingual Plane below the surrogates, control characters included. */
    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(maxLength);
    }

    private static Arbitrary<String> hex(int length) {
        return Arbitraries.strings().withChars(HEX).ofLength(length);
    }
}
