package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Assertions on raw responses, each failing with the whole exchange (request, status, headers, body). */
public final class OciAssertions {

    /** Error codes of distribution-spec v1.1 ("Error Codes"), plus the optional legacy Docker ones. */
    public static final Set<String> SPEC_ERROR_CODES = Set.of(
            "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID",
            "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN",
            "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
            // legacy, OPTIONAL per spec ("Legacy Docker support error codes")
            "TAG_INVALID", "MANIFEST_UNVERIFIED");

    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");

    private OciAssertions() {
    }

    /** One line per aspect of the exchange, for failure messages. */
    public static String describe(HttpResponse<byte[]> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.request().method()).append(' ').append(r.request().uri());
        r.request().headers().map().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Authorization")) {
                sb.append("\n  > ").append(k).append(": ").append(String.join(", ", v));
            }
        });
        sb.append("\n  < ").append(r.statusCode());
        r.headers().map().forEach((k, v) -> sb.append("\n  < ").append(k).append(": ").append(String.join(", ", v)));
        byte[] body = r.body();
        if (body != null && body.length > 0) {
            String text = printable(body) ? new String(body, StandardCharsets.UTF_8) : "(" + body.length + " binary bytes)";
            if (text.length() > 800) {
                text = text.substring(0, 800) + "...(" + body.length + " bytes)";
            }
            sb.append("\n  < body: ").append(text);
        }
        return sb.toString();
    }

    private static boolean printable(byte[] b) {
        int n = Math.min(b.length, 200);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    public static void assertStatus(HttpResponse<byte[]> r, int... allowed) {
        boolean ok = Arrays.stream(allowed).anyMatch(s -> s == r.statusCode());
        if (!ok) {
            fail("expected status " + (allowed.length == 1 ? allowed[0] : Arrays.toString(allowed))
                    + " but got " + r.statusCode() + ":\n" + describe(r));
        }
    }

    public static Optional<String> header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name);
    }

    public static String requireHeader(HttpResponse<byte[]> r, String name) {
        Optional<String> v = r.headers().firstValue(name);
        if (v.isEmpty() || v.get().isEmpty()) {
            fail("missing header " + name + ":\n" + describe(r));
        }
        return v.get();
    }

    public static void assertHeader(HttpResponse<byte[]> r, String name, String expected) {
        String actual = requireHeader(r, name);
        assertThat(actual).as("header %s of:\n%s", name, describe(r)).isEqualTo(expected);
    }

    public static void assertNoHeader(HttpResponse<byte[]> r, String name) {
        assertThat(r.headers().firstValue(name)).as("header %s must be absent in:\n%s", name, describe(r)).isEmpty();
    }

    /** Content-Type without parameters (the spec says clients SHOULD ignore them). */
    public static void assertContentType(HttpResponse<byte[]> r, String expected) {
        String ct = requireHeader(r, "Content-Type");
        String base = ct.split(";", 2)[0].trim();
        assertThat(base).as("Content-Type of:\n%s", describe(r)).isEqualTo(expected);
    }

    public static void assertApiVersionHeader(HttpResponse<byte[]> r) {
        assertHeader(r, "Docker-Distribution-API-Version", "registry/2.0");
    }

    public static void assertBody(HttpResponse<byte[]> r, byte[] expected) {
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (!Arrays.equals(body, expected)) {
            fail("body differs from the expected " + expected.length + " bytes (got " + body.length + " bytes, sha "
                    + Content.sha256(body) + " vs " + Content.sha256(expected) + "):\n" + describe(r));
        }
    }

    public static void assertEmptyBody(HttpResponse<byte[]> r) {
        assertThat(r.body() == null ? 0 : r.body().length).as("body length of:\n%s", describe(r)).isZero();
    }

    /** The {@code errors[].code} values of a JSON error body; fails if the body is not of the spec's shape. */
    public static List<String> errorCodes(HttpResponse<byte[]> r) {
        byte[] body = r.body();
        if (body == null || body.length == 0) {
            fail("expected a JSON error body {\"errors\":[{\"code\":...}]} but the body is empty:\n" + describe(r));
        }
        JsonNode root;
        try {
            root = Content.JSON.readTree(body);
        } catch (Exception e) {
            fail("error body is not JSON:\n" + describe(r));
            return List.of();
        }
        JsonNode errors = root.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            fail("error body lacks a non-empty \"errors\" array:\n" + describe(r));
        }
        List<String> codes = new ArrayList<>();
        for (JsonNode e : errors) {
            JsonNode code = e.get("code");
            if (code == null || !code.isTextual()) {
                fail("error entry without textual \"code\":\n" + describe(r));
            }
            assertThat(code.asText()).as("error code format (uppercase and underscores) in:\n%s", describe(r))
                    .matches("[A-Z_]+");
            assertThat(SPEC_ERROR_CODES).as("error code must be one of the spec's codes, in:\n%s", describe(r))
                    .contains(code.asText());
            JsonNode message = e.get("message");
            if (message != null && !message.isNull()) {
                assertThat(message.isTextual()).as("\"message\" must be a string in:\n%s", describe(r)).isTrue();
            }
            codes.add(code.asText());
        }
        return codes;
    }

    /** Status must be {@code status} and the JSON error body must carry one of {@code codes}. */
    public static void assertError(HttpResponse<byte[]> r, int status, String... codes) {
        assertStatus(r, status);
        assertErrorCode(r, codes);
    }

    /** The JSON error body must carry (at least) one of {@code codes}. */
    public static void assertErrorCode(HttpResponse<byte[]> r, String... codes) {
        List<String> actual = errorCodes(r);
        Set<String> wanted = Set.of(codes);
        if (actual.stream().noneMatch(wanted::contains)) {
            fail("expected error code " + (codes.length == 1 ? codes[0] : "one of " + Arrays.toString(codes))
                    + " but got " + actual + ":\n" + describe(r));
        }
    }

    /**
     * The image pulls whole: its manifest by {@code reference} and by digest, byte for byte, and every blob it
     * names, each hashing to its digest.
     */
    public static void assertPullsWhole(RegistryClient client, RegistryClient.Image image, String reference) {
        for (String ref : List.of(reference, image.manifest().digest())) {
            HttpResponse<byte[]> manifest = client.getManifest(image.repo(), ref);
            assertStatus(manifest, 200);
            assertBody(manifest, image.manifest().bytes());
            assertDigestHeader(manifest, image.manifest().digest());
        }
        for (Content.Blob blob : image.blobs()) {
            HttpResponse<byte[]> pulled = client.getBlob(image.repo(), blob.digest());
            assertStatus(pulled, 200);
            assertThat(Content.sha256(pulled.body())).as("sha256 of the body of\n%s", describe(pulled))
                    .isEqualTo(blob.digest());
        }
    }

    public static void assertDigestHeader(HttpResponse<byte[]> r, String digest) {
        assertHeader(r, "Docker-Content-Digest", digest);
    }

    public static void assertContentLength(HttpResponse<byte[]> r, long length) {
        assertHeader(r, "Content-Length", Long.toString(length));
    }

    /** The target of a {@code Link: <...>; rel="next"} header, or empty. */
    public static Optional<String> nextLink(HttpResponse<byte[]> r) {
        for (String v : r.headers().allValues("Link")) {
            Matcher m = LINK_NEXT.matcher(v);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        if (!r.headers().allValues("Link").isEmpty()) {
            fail("Link header present but not of the form <url>; rel=\"next\":\n" + describe(r));
        }
        return Optional.empty();
    }

    public static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return Content.JSON.readTree(r.body());
        } catch (Exception e) {
            fail("body is not JSON:\n" + describe(r));
            return null;
        }
    }

    /** A JSON array of strings from a response (e.g. "tags" or "repositories"); null or missing gives []. */
    public static List<String> stringList(HttpResponse<byte[]> r, String field) {
        JsonNode root = json(r);
        JsonNode arr = root.get(field);
        if (arr == null || arr.isNull()) {
            return List.of();
        }
        assertThat(arr.isArray()).as("\"%s\" must be an array in:\n%s", field, describe(r)).isTrue();
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    public static String joinLines(List<String> l) {
        return l.stream().collect(Collectors.joining("\n"));
    }
}
