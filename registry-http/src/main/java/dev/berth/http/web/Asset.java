package dev.berth.http.web;

/**
 * One file as it is served: its bytes, its media type and its entity tag.
 *
 * @param name        its path under the asset directories, such as {@code index.html}
 * @param content     its bytes; shared by every answer, so never changed
 * @param contentType the {@code Content-Type} it is served with
 * @param etag        a strong entity tag made from its SHA-256, quotes included
 */
public record Asset(String name, byte[] content, String contentType, String etag) {
}
