package dev.berth.management.error;

import java.util.List;

/** The path exists but not with this method; carries the methods it does take, for the {@code Allow} header. */
public final class MethodNotAllowedException extends RuntimeException {
    private final List<String> allowed;

    public MethodNotAllowedException(String method, List<String> allowed) {
        super("method " + method + " is not allowed here; allowed: " + String.join(", ", allowed), null, false, false);
        this.allowed = List.copyOf(allowed);
    }

    public List<String> allowed() {
        return allowed;
    }
}
