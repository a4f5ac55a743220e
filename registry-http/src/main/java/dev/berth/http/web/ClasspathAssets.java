package dev.berth.http.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The files under one or more classpath directories, each found by its path relative to them; the first directory
 * that holds a path answers it, so that a project's own files can stand in for some of a webjar's.
 *
 * <p>A path is looked up only if it is a plain relative name: segments of letters, digits, {@code .}, {@code _}
 * and {@code -} separated by single slashes, none starting with a dot (so no {@code ..}, no hidden file, no
 * backslash, no {@code %} escape, no empty segment), ending in an extension of {@link #contentType}'s table.
 * Nothing else can name a resource outside the directories, whatever the class loader does with such names.
 *
 * <p>A file is read and hashed on its first request and kept in memory from then on: answers then cost no read of
 * the jar (whose entries are compressed) and no hashing, and the entity tag is computed once. Reading on first use
 * rather than at start keeps only what is asked for: Swagger UI's webjar holds 4.8 MB, of which the page loads
 * under 2 MB. What the directories hold is fixed for the life of the process (they are in the jar), so the cache is
 * never stale and is bounded by their size; a path that is not found is not remembered, so unknown names cannot
 * grow it.
 */
public final class ClasspathAssets {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("png", "image/png"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    private final ClassLoader loader;
    private final List<String> directories;
    private final ConcurrentMap<String, Asset> loaded = new ConcurrentHashMap<>();

    /**
     * @param loader      the class loader whose resources hold the files
     * @param directories resource directories such as {@code META-INF/resources/webjars/x/1.0}, first one first
     */
    public ClasspathAssets(ClassLoader loader, List<String> directories) {
        if (directories.isEmpty()) {
            throw new IllegalArgumentException("no asset directory");
        }
        this.loader = loader;
        this.directories = directories.stream().map(ClasspathAssets::directory).toList();
    }

    private static String directory(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty() || trimmed.startsWith("/")) {
            throw new IllegalArgumentException("not a relative resource directory: " + name);
        }
        return trimmed;
    }

    /** The file at this relative path, or empty when the path is not a safe name of a known type or no directory holds it. */
    public Optional<Asset> find(String path) {
        if (!isSafe(path) || contentType(path) == null) {
            return Optional.empty();
        }
        Asset cached = loaded.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        Asset read = read(path);
        if (read == null) {
            return Optional.empty();
        }
        Asset first = loaded.putIfAbsent(path, read);
        return Optional.of(first == null ? read : first);
    }

    /** Whether the relative path names a file inside the directories (see the class comment). */
    static boolean isSafe(String path) {
        if (path.isEmpty() || path.length() > 512) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.contains("..")) {
                return false;
            }
        }
        return true;
    }

    /** The media type of a file by its extension, or null for a type that is not served. */
    static String contentType(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private Asset read(String path) {
        for (String directory : directories) {
            URL url = loader.getResource(directory + "/" + path);
            if (url == null) {
                continue;
            }
            try {
                byte[] content = readFile(url);
                if (content != null) {
                    return new Asset(path, content, contentType(path), etag(content));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + url, e);
            }
        }
        return null;
    }

    /** The bytes of the resource, or null when it is a directory. */
    private static byte[] readFile(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar && jar.getJarEntry().isDirectory()) {
            return null;
        }
        if ("file".equals(url.getProtocol())) {
            try {
                if (!Files.isRegularFile(Path.of(url.toURI()))) {
                    return null;
                }
            } catch (URISyntaxException e) {
                return null;
            }
        }
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** A strong entity tag: the content's SHA-256, base64url. */
    static String etag(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(hash) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
