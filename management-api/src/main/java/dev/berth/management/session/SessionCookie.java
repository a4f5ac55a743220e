package dev.berth.management.session;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

import java.time.Duration;

/**
 * The console's session cookie: {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's
 * page sends it), {@code Secure} when the server speaks TLS, and only on {@value #PATH}, the one path that takes
 * it, so that the OCI API never sees it.
 */
public final class SessionCookie {
    public static final String NAME = "berth_session";
    static final String PATH = "/api/v1";

    private SessionCookie() {
    }

    /** The cookie's value in a request's {@code Cookie} headers; null when there is none. */
    public static String valueIn(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
                if (cookie.name().equals(NAME)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value that gives the browser the session for {@code lifetime}. */
    static String set(String value, Duration lifetime, boolean secure) {
        return encode(value, lifetime.toSeconds(), secure);
    }

    /** The {@code Set-Cookie} value that makes the browser drop the cookie. */
    static String clear(boolean secure) {
        return encode("", 0, secure);
    }

    private static String encode(String value, long maxAgeSeconds, boolean secure) {
        DefaultCookie cookie = new DefaultCookie(NAME, value);
        cookie.setPath(PATH);
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
        cookie.setMaxAge(maxAgeSeconds);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }
}
