package dev.berth.core.auth;

/**
 * Where failed and throttled logins are reported (the server's metrics). The {@code api} is {@code v2} or
 * {@code management}; the {@code reason} is one of a few fixed words, never anything the client sent.
 */
public interface LoginEvents {
    /** Nothing is reported. */
    LoginEvents NONE = new LoginEvents() {
        @Override
        public void failed(String api, String reason) {
        }

        @Override
        public void throttled(String api, String reason) {
        }
    };

    /** A login was refused: wrong, unknown, unusable or malformed credentials. */
    void failed(String api, String reason);

    /** A login was answered 429 without being checked. */
    void throttled(String api, String reason);
}
